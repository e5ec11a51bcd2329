"""Asking for a periodic report (issue 13 §3): one action, one transaction with its audit record and the task that
makes it. Who may ask is who has a dashboard (the platform's fact source says); the report covers what the
dashboard shows them."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from sutiao.audit.log import record
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import REPORT, ReportEvent, ReportPeriod, ReportState

from . import periodic, selectors
from .facts import source
from .models import PeriodicReport


@transaction.atomic
def request_report(actor, period: ReportPeriod, starts_on: dt.date) -> PeriodicReport:
    """Queue the report of the quarter or year starting on `starts_on` over the actor's own figures. A period
    still running is reported up to today, and says so; one not yet begun is refused. The same report already
    being made is returned rather than made twice."""
    source().facts(actor)  # PermissionDenied for whoever has no dashboard
    period = ReportPeriod(period)
    if starts_on != periodic.period_start(period, starts_on):
        raise DomainError(_("报告期应从季度或年度的第一天开始"), field="starts_on")
    today = china_today()
    if starts_on > today:
        raise DomainError(_("该报告期尚未开始"), field="starts_on")
    ends_on = min(periodic.period_end(period, starts_on), today)
    pending = PeriodicReport.objects.filter(
        requested_by=actor,
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
        state__in=(ReportState.QUEUED, ReportState.RUNNING),
    ).first()
    if pending is not None:
        return pending
    report = PeriodicReport.objects.create(period=period, starts_on=starts_on, ends_on=ends_on, requested_by=actor)
    periodic.run_report.enqueue(str(report.pk))
    record(actor, "report.requested", report, after={"period": period.value, "starts_on": str(starts_on)})
    return report


@transaction.atomic
def retry_report(actor, report: PeriodicReport) -> PeriodicReport:
    """Ask again for a report that failed (the worker stopped, the database was away)."""
    report = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if not selectors.may_read(actor, report):
        raise PermissionDenied(_("无权重新生成该报告"))
    report.state = REPORT.next_state(report.state, ReportEvent.RETRY)
    report.progress, report.step, report.error, report.finished_at = 0, "", "", None
    report.save()
    periodic.run_report.enqueue(str(report.pk))
    record(actor, "report.retried", report)
    return report
