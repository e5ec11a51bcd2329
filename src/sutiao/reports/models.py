"""A quality-and-efficiency report (质效分析报告, 法办〔2021〕313号 五（二）; issue 13 §3): the figures of one quarter
or year as a PDF and an Excel workbook, made by a background task whose progress the page shows, then kept for
download.

A scheduled report (`requested_by` empty) covers every case of the platform and is read by those who see every
case's figures (the Bureau; the Supreme People's Court); a report asked for covers what its requester may see on
the dashboard, and is theirs alone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import ReportPeriod, ReportState


class PeriodicReport(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    period = models.CharField(_("报告期类型"), max_length=8, choices=ReportPeriod.choices())
    starts_on = models.DateField(_("起始日"))
    ends_on = models.DateField(_("截止日"))  # the last day, inclusive
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=12, choices=ReportState.choices(), default=ReportState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    pdf = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    workbook = models.ForeignKey(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The period's totals as the report printed them: what the reconciliation with the dashboard reads.
    totals = models.JSONField(_("合计"), default=dict, blank=True)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("质效报告")
        indexes = [models.Index(fields=["requested_by", "-created_at", "id"], name="report_requester")]
        constraints = [
            # One scheduled report per period: the scheduler may run on several workers and at every start.
            models.UniqueConstraint(
                fields=["period", "starts_on"], condition=Q(requested_by__isnull=True), name="report_one_scheduled"
            )
        ]

    @property
    def active(self) -> bool:
        return self.state in (ReportState.QUEUED, ReportState.RUNNING)
