"""Who reads which periodic report: its requester; a scheduled (platform-wide) report, whoever sees every case's
figures on this platform (the fact source's `sees_everything`). Anyone else gets 404, as if it did not exist."""

from django.db.models import Q, QuerySet
from django.http import Http404

from .facts import source
from .models import Evaluation, PeriodicReport


def may_read(user, report: PeriodicReport) -> bool:
    if not user.is_authenticated:
        return False
    if report.requested_by_id is None:
        return source().sees_everything(user)
    return report.requested_by_id == user.pk


def reports_for(user) -> QuerySet:
    """The reports a user may read, newest first (paged by the caller)."""
    mine = Q(requested_by=user)
    if source().sees_everything(user):
        mine |= Q(requested_by__isnull=True)
    return PeriodicReport.objects.filter(mine).select_related("pdf", "workbook")


def report_for(user, report_id) -> PeriodicReport:
    report = PeriodicReport.objects.select_related("pdf", "workbook", "requested_by").filter(pk=report_id).first()
    if report is None or not may_read(user, report):
        raise Http404("没有这份报告")
    return report


# --- evaluations (issue 13 §4) ---


def evaluations() -> QuerySet:
    return Evaluation.objects.select_related("scheme", "created_by")


def evaluation_for(user, evaluation_id) -> tuple[Evaluation, list[dict]]:
    """An evaluation with the rows `user` may see: every row for whoever sees every case; for anyone else with a
    dashboard, the organisations or mediators within their reach (a supervising body's, an organisation's own,
    a mediator's own row). PermissionDenied without a dashboard; 404 for no such evaluation."""
    facts_source = source()
    facts_source.facts(user)
    evaluation = evaluations().filter(pk=evaluation_id).first()
    if evaluation is None:
        raise Http404("没有这次评估")
    if facts_source.sees_everything(user):
        return evaluation, evaluation.rows
    reach = {key for key, _name in facts_source.choices(user, evaluation.scheme.subject)}
    return evaluation, [row for row in evaluation.rows if row["key"] in reach]


def commendations_of(evaluation: Evaluation) -> QuerySet:
    return evaluation.commendations.select_related("by").order_by("-at")
