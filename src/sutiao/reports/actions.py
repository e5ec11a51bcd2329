"""Asking for a periodic report (issue 13 §3): one action, one transaction with its audit record and the task that
makes it. Who may ask is who has a dashboard (the platform's fact source says); the report covers what the
dashboard shows them. Also the evaluation and commendation actions (§4), and the retention of the joint meeting's
kept statistics answers (§5)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sutiao.audit.log import SYSTEM, record
from sutiao.docking.models import StatisticsCopy
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.evaluation import Weight, check_weights, evaluate
from sutiao.kernel.workflow import REPORT, ReportEvent, ReportPeriod, ReportState
from sutiao.notifications.models import Channel
from sutiao.notifications.service import notify

from . import metrics, periodic, selectors
from .facts import source
from .models import Commendation, Evaluation, EvaluationScheme, PeriodicReport


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


# --- evaluation and commendation (issue 13 §4) ---


def evaluable() -> dict:
    """The figures a scheme may weigh: those this platform gives (a figure it holds no facts for would score
    nothing for everyone) of a kind kernel.evaluation scores."""
    return {k: m for k, m in metrics.here().items() if m.kind in metrics.EVALUABLE_KINDS}


def ensure_may_evaluate(actor) -> None:
    """Evaluation is for who sees every case's figures; views ask before reading a form, the actions again."""
    if not source().sees_everything(actor):
        raise PermissionDenied(_("仅可查看全部案件统计的机构（投资者保护局、最高人民法院）可进行绩效评估"))


@transaction.atomic
def create_scheme(
    actor, *, name: str, subject: str, period: ReportPeriod, weights: list[Weight], min_cases: int, flag_below
) -> EvaluationScheme:
    """A new scoring scheme; the scheme it replaces (same subject) stays with the evaluations made with it."""
    ensure_may_evaluate(actor)
    kinds = {k: m.kind for k, m in evaluable().items()}
    problems = check_weights(weights, kinds)
    if problems:
        raise DomainError("；".join(problems), field="weights")
    EvaluationScheme.objects.filter(subject=subject, active=True).update(active=False)
    scheme = EvaluationScheme.objects.create(
        name=name.strip()[:100],
        subject=subject,
        period=ReportPeriod(period),
        weights=[{"metric": w.metric, "weight": w.weight, "better": w.better} for w in weights],
        min_cases=min_cases,
        flag_below=flag_below,
        created_by=actor,
    )
    record(actor, "evaluation.scheme_created", scheme, after={"name": scheme.name, "weights": scheme.weights})
    return scheme


def weights_of(scheme: EvaluationScheme) -> list[Weight]:
    return [Weight(w["metric"], w["weight"], w["better"]) for w in scheme.weights]


@transaction.atomic
def run_evaluation(actor, scheme: EvaluationScheme, starts_on: dt.date) -> Evaluation:
    """Score every organisation or mediator over the period (the same figures as the dashboard), keep the
    ranking with each score's parts, and tell the supervisor of each one below the threshold, with its figures."""
    ensure_may_evaluate(actor)
    period = ReportPeriod(scheme.period)
    if starts_on != periodic.period_start(period, starts_on):
        raise DomainError(_("评估期应从季度或年度的第一天开始"), field="starts_on")
    today = china_today()
    if starts_on > today:
        raise DomainError(_("该评估期尚未开始"), field="starts_on")
    ends_on = min(periodic.period_end(period, starts_on), today)
    facts = periodic.window(source().public_facts(), starts_on, ends_on)
    rows = metrics.by_dimension(facts, scheme.subject, today)
    kinds = {k: m.kind for k, m in evaluable().items()}
    scored = evaluate(rows, weights_of(scheme), kinds, min_cases=scheme.min_cases, flag_below=scheme.flag_below)
    evaluation = Evaluation.objects.create(
        scheme=scheme,
        starts_on=starts_on,
        ends_on=ends_on,
        rows=[_stored(s) for s in scored],
        flagged=sum(1 for s in scored if s.flagged),
        created_by=actor,
    )
    flagged = [s for s in scored if s.flagged]
    overseers = source().overseers(scheme.subject, [s.key for s in flagged]) if flagged else {}
    link = reverse("evaluation", args=[evaluation.pk])
    labels = _labels()
    for s in flagged:
        for user in overseers.get(s.key, []):
            notify(
                user,
                "evaluation_flagged",
                {
                    "evaluation": evaluation,
                    "scheme": scheme,
                    "row": s,
                    "parts": [{"label": labels[p.metric], **p.__dict__} for p in s.parts],
                },
                channels=(Channel.IN_APP, Channel.EMAIL),
                link=link,
            )
    record(
        actor,
        "evaluation.run",
        evaluation,
        after={"scheme": str(scheme.pk), "starts_on": str(starts_on), "ranked": len(scored), "flagged": len(flagged)},
    )
    return evaluation


def _labels() -> dict:
    return {k: str(m.label) for k, m in metrics.METRICS.items()}


def _stored(s) -> dict:
    return {
        "key": s.key,
        "name": s.name,
        "received": s.received,
        "score": None if s.score is None else str(s.score),
        "rank": s.rank,
        "flagged": s.flagged,
        "parts": [
            {
                "metric": p.metric,
                "value": None if p.value is None else str(p.value),
                "points": str(p.points),
                "weight": p.weight,
                "why": p.why,
            }
            for p in s.parts
        ],
    }


@transaction.atomic
def commend(actor, evaluation: Evaluation | None, *, subject: str, key: str, title: str, reason: str) -> Commendation:
    """Record a commendation (表彰); from an evaluation, only of a subject it ranked."""
    ensure_may_evaluate(actor)
    if not title.strip() or not reason.strip():
        raise DomainError(_("请填写表彰名称和理由"), field="title")
    row = None
    if evaluation is not None:
        subject = evaluation.scheme.subject
        row = next((r for r in evaluation.rows if r["key"] == key and r["rank"] is not None), None)
        if row is None:
            raise DomainError(_("该对象不在本次评估的排名中"), field="key")
    name = row["name"] if row else key
    commendation = Commendation.objects.create(
        evaluation=evaluation,
        subject=subject,
        subject_key=key,
        subject_name=name[:200],
        title=title.strip()[:100],
        reason=reason.strip()[:1000],
        by=actor,
    )
    record(actor, "evaluation.commended", commendation, after={"subject": name, "title": commendation.title})
    return commendation


# --- the joint meeting's kept statistics answers (issue 13 §5) ---


def prune_statistics_copies(now: dt.datetime | None = None, batch: int = 500) -> int:
    """Remove the copies of the peer's signed statistics answers that a newer copy of the same peer and period has
    superseded and that were last the peer's current word (`last_confirmed_at`) longer ago than
    settings.SUTIAO_STATISTICS_COPY_DAYS. The newest copy of each (peer, period) stays, whatever its age. A periodic
    job, in batches of `batch`, each in its own transaction with one audit record: how many were removed, by peer
    and period, with the span of their receipt. Returns how many were removed."""
    days = settings.SUTIAO_STATISTICS_COPY_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    removed = 0
    while True:
        with transaction.atomic():
            due = list(
                StatisticsCopy.objects.superseded()
                .filter(last_confirmed_at__lt=cutoff)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("last_confirmed_at", "id")
                .values("pk", "peer__name", "start", "end", "fetched_at")[:batch]
            )
            if not due:
                return removed
            StatisticsCopy.objects.filter(pk__in=[c["pk"] for c in due]).delete()
            record(
                SYSTEM,
                "joint.statistics_copies.pruned",
                after={"retention_days": days, "removed": len(due), "by_period": _by_period(due)},
            )
            removed += len(due)


def _by_period(copies: list[dict]) -> list[dict]:
    """The removed copies counted by peer and period, with the first and last time one of them was received."""
    received: dict[tuple, list] = {}
    for c in copies:
        received.setdefault((c["peer__name"], c["start"], c["end"]), []).append(c["fetched_at"])
    return [
        {
            "peer": peer,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "removed": len(times),
            "received_from": min(times).isoformat(),
            "received_to": max(times).isoformat(),
        }
        for (peer, start, end), times in sorted(received.items())
    ]
