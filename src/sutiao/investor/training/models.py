"""Training of mediators (法办〔2021〕313号 五: multi-level training; issue 13 §6): each course a registered mediator
completed, entered by the organisation or a supervisor or imported from Excel, and the hours within the last twelve
months a mediator on the jointly recognised roster must have, kept by the Bureau with its history. Loaded with the
investor app's models (investor/models.py)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sutiao.documents.models import StoredFile
from sutiao.kernel.ids import new_id

_USER = settings.AUTH_USER_MODEL

MAX_HOURS = Decimal("200")  # one course: more than 200 hours is a typing mistake, not a course


class TrainingSource(models.TextChoices):
    ENTERED = "entered", _("录入")
    IMPORTED = "imported", _("Excel 导入")


class TrainingRecord(models.Model):
    """One course a mediator completed. A correction keeps the record (the audit log holds each before → after);
    a removal marks it removed with its reason, and it no longer counts."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    mediator = models.ForeignKey(
        "investor.Mediator", verbose_name=_("调解员"), on_delete=models.PROTECT, related_name="training_records"
    )
    course = models.CharField(_("课程名称"), max_length=200)
    provider = models.CharField(_("培训举办单位"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    completed_on = models.DateField(_("完成日期"))
    certificate_number = models.CharField(_("证书编号"), max_length=100, blank=True)
    certificate = models.ForeignKey(
        StoredFile, verbose_name=_("证书文件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("录入方式"), max_length=16, choices=TrainingSource.choices)
    entered_by = models.ForeignKey(_USER, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"))
    corrected_at = models.DateTimeField(_("更正时间"), null=True, blank=True)
    correction_reason = models.CharField(_("更正理由"), max_length=500, blank=True)
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        _USER, verbose_name=_("删除人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.CharField(_("删除理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("培训记录")
        indexes = [
            # A mediator's hours within a window and the list of their records, newest first (training.selectors):
            # the records that count only.
            models.Index(
                fields=["mediator", "completed_on", "id"],
                condition=Q(removed_at__isnull=True),
                name="training_mediator_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=MAX_HOURS), name="training_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.course}（{self.hours}）"


class TrainingRequirement(models.Model):
    """The hours within the last twelve months a mediator on the jointly recognised roster must have: one
    platform-wide setting, each change a new row (the latest is in force), so its history is the table."""

    hours = models.DecimalField(_("要求学时"), max_digits=4, decimal_places=1)
    set_by = models.ForeignKey(_USER, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("设置时间"))
    reason = models.CharField(_("说明"), max_length=500)

    class Meta:
        verbose_name = verbose_name_plural = _("培训学时要求")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=MAX_HOURS), name="training_requirement_range"),
        ]
