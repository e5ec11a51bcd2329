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


class EvaluationScheme(models.Model):
    """How organisations or mediators are scored (issue 13 §4): configuration, kept by whoever sees every case's
    figures (the Bureau; the Supreme People's Court). A changed scheme is a new row: each evaluation keeps the
    scheme it was made with."""

    SUBJECTS = (("organisation", _("调解组织")), ("mediator", _("调解员")))

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("方案名称"), max_length=100)
    subject = models.CharField(_("评估对象"), max_length=16, choices=SUBJECTS)
    period = models.CharField(_("评估周期"), max_length=8, choices=ReportPeriod.choices())
    weights = models.JSONField(_("指标与权重"))  # [{"metric", "weight", "better"}] (kernel.evaluation.Weight)
    min_cases = models.PositiveIntegerField(_("参与排名的最少收案数"), default=5)
    flag_below = models.DecimalField(_("提示分数线"), max_digits=4, decimal_places=1, default=60)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("评估方案")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    """One scheme applied to one period: the ranking as it was computed, each score with its parts."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.PROTECT, related_name="evaluations")
    starts_on = models.DateField(_("起始日"))
    ends_on = models.DateField(_("截止日"))
    rows = models.JSONField(_("评估结果"))
    flagged = models.PositiveIntegerField(_("低于提示分数线"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("评估时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("绩效评估")
        indexes = [models.Index(fields=["-created_at", "id"], name="evaluation_recent")]


class Commendation(models.Model):
    """A commendation of an organisation or mediator (表彰和奖励), usually following an evaluation."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    subject = models.CharField(_("对象类型"), max_length=16, choices=EvaluationScheme.SUBJECTS)
    subject_key = models.CharField(_("对象标识"), max_length=64)
    subject_name = models.CharField(_("对象"), max_length=200)
    title = models.CharField(_("表彰名称"), max_length=100)
    reason = models.CharField(_("表彰理由"), max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("表彰时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("表彰记录")
        indexes = [models.Index(fields=["subject", "subject_key", "-at"], name="commendation_subject")]
