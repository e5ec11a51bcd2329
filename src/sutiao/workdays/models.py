"""The operator's table of the State Council holiday arrangement, for corrections and for years that
`chinese-calendar` does not know yet (DESIGN.md §5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayYear(models.Model):
    year = models.PositiveIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("依据"), max_length=300, help_text=_("如 国务院办公厅关于2027年部分节假日安排的通知"))
    loaded_at = models.DateTimeField(_("录入时间"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = verbose_name_plural = _("已录入的年度节假日安排")

    def __str__(self) -> str:
        return f"{self.year}年"


class DayOverride(models.Model):
    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("是否工作日"), help_text=_("调休上班的周末勾选；法定节假日不勾选"))
    name = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如 春节、国庆节调休上班"))

    class Meta:
        verbose_name = verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"
