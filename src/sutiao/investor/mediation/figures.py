"""The mediation's figures, kept on its row for the reports (issue 13 §1; investor.reports): when its first session
was held, how many extensions of its period were granted, the agreement in force's terms (how many, how many still
open, the last due date, the amount agreed and the amount performed) and the parties' survey answers (how many,
their points). Each is defined once, here, as an expression over the mediation's own rows (`_definitions`).

Why stored: the dashboard reads every case at once (1,000,000 and more), and the same figures as correlated
subqueries, one per column and per delegation row, took ~52 s a page on PostgreSQL (make bench-reports). Stored,
they are plain columns read through the one-to-one join.

How they stay right: every action that changes what a figure reads — a session recorded held, an extension granted,
an agreement taking effect, superseded or voided, a term's performance confirmed (or left undisputed), a survey
answered — calls `refresh` inside its own transaction, which recomputes the mediation's figures from the sources
(never by adding to the stored value, so a refresh is always a full answer). A restore, a bulk load or a doubt is
answered by `refresh_all` (`sutiao investor recompute_mediation_figures`), the same definitions over every
mediation in batches; the migration that added the columns ran it too.

`refresh` locks the mediation's row before it reads: on PostgreSQL an UPDATE that waited for another transaction's
row lock would compute its subqueries from the snapshot it started with and could write figures missing that
transaction's change; a statement that starts once the lock is held sees it."""

from collections.abc import Callable, Iterable

from django.apps import apps as global_apps
from django.db import models, transaction
from django.db.models import Count, F, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from sutiao.kernel.workflow import AgreementState

# The stored columns (Mediation), in the order the definitions give them.
FIGURES = (
    "first_session_held_at",
    "extensions_granted",
    "terms_agreed",
    "terms_open",
    "terms_last_due",
    "amount_agreed",
    "amount_paid",
    "survey_answers",
    "survey_points",
)
BATCH = 5_000


def _per_mediation(qs, value, output_field):
    """One value aggregated over `qs` (rows with a `mediation`) for the mediation row: GROUP BY the mediation, so
    the subquery gives one row or none (then null)."""
    return Subquery(
        qs.filter(mediation_id=OuterRef("pk")).order_by().values("mediation_id").annotate(v=value).values("v"),
        output_field=output_field,
    )


def _definitions(apps) -> dict:
    """Each figure as an expression over the mediation row (`OuterRef("pk")`), from `apps`' models (the migration
    passes its historical ones)."""
    session = apps.get_model("investor", "Session")
    extension = apps.get_model("investor", "PeriodExtension")
    agreement = apps.get_model("investor", "Agreement")
    term = apps.get_model("investor", "AgreementTerm")
    survey = apps.get_model("investor", "SatisfactionSurvey")
    integer = models.IntegerField()
    money = models.DecimalField(max_digits=20, decimal_places=2)
    # The version in force of the mediation's effective agreement (at most one agreement is live, agreements.models).
    version = agreement.objects.filter(mediation_id=OuterRef(OuterRef("pk")), state=AgreementState.EFFECTIVE).values(
        "current_id"
    )[:1]

    def of_version_in_force(terms, value, output_field):
        """One value aggregated over `terms` of the version in force, one row or none (then null)."""
        return Subquery(
            terms.filter(version_id=Subquery(version)).order_by().values("version_id").annotate(v=value).values("v"),
            output_field=output_field,
        )

    terms = term.objects.all()
    return {
        # The earliest session held (one index probe, mediation_session_held); null when none was.
        "first_session_held_at": Subquery(
            session.objects.filter(mediation_id=OuterRef("pk"), held_at__isnull=False)
            .order_by("held_at")
            .values("held_at")[:1]
        ),
        # Extensions every party consented to (LEGAL-RULES L6); proposed or refused ones do not count.
        "extensions_granted": Coalesce(
            _per_mediation(extension.objects.filter(granted_at__isnull=False), Count("pk"), integer), 0
        ),
        # The terms of the agreement in force: 0 (or null for the date and the amounts) without one.
        "terms_agreed": Coalesce(of_version_in_force(terms, Count("pk"), integer), 0),
        "terms_open": Coalesce(of_version_in_force(terms.filter(performed_at__isnull=True), Count("pk"), integer), 0),
        "terms_last_due": of_version_in_force(terms, Max("due"), models.DateField()),
        # Terms without an amount add nothing; null when no term has one.
        "amount_agreed": of_version_in_force(terms, Sum("amount"), money),
        "amount_paid": of_version_in_force(terms.filter(performed_at__isnull=False), Sum("amount"), money),
        "survey_answers": Coalesce(_per_mediation(survey.objects.all(), Count("pk"), integer), 0),
        # Three scores an answer; null without answers.
        "survey_points": _per_mediation(
            survey.objects.all(), Sum(F("fairness") + F("conduct") + F("convenience")), integer
        ),
    }


def refresh(*mediation_ids, apps=global_apps) -> None:
    """Recompute the figures of these mediations from their sources, inside the caller's transaction (an action's:
    the figures change with what they count or not at all)."""
    mediation = apps.get_model("investor", "Mediation")
    with transaction.atomic(savepoint=False):
        rows = mediation.objects.filter(pk__in=mediation_ids)
        list(rows.select_for_update().order_by("pk").values_list("pk"))  # see the module's docstring
        rows.update(**_definitions(apps))


def stale(rows) -> list:
    """The ids of the mediations among `rows` (a Mediation QuerySet) whose stored figures differ from a recompute
    from the sources now (read only). A figure stored null and computed null is the same."""
    fresh = {f"fresh_{name}": expression for name, expression in _definitions(global_apps).items()}
    return [
        row[0]
        for row in rows.order_by("pk").annotate(**fresh).values_list("pk", *FIGURES, *fresh)
        if tuple(row[1 : 1 + len(FIGURES)]) != tuple(row[1 + len(FIGURES) :])
    ]


def refresh_all(
    *, batch: int = BATCH, apps=global_apps, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Recompute every mediation's figures, `batch` mediations a transaction (by id; the rows are locked as an
    action locks them, so an action and a batch never interleave). Returns (mediations, how many had stored
    figures that differed from the recompute); `progress(done, differed)` after each batch. Run by the migration
    that added the columns (with its `apps`), by the operators' command and by the bulk loads of the benches."""
    mediation = apps.get_model("investor", "Mediation")
    definitions = _definitions(apps)
    done = differed = 0
    last = None
    while True:
        with transaction.atomic():
            rows = mediation.objects.order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            before = list(rows.select_for_update().values_list("pk", *FIGURES)[:batch])
            if not before:
                return done, differed
            # The batch as a range of ids, not a list of them: one comparison, whatever the batch size.
            span = mediation.objects.filter(pk__gte=before[0][0], pk__lte=before[-1][0])
            span.update(**definitions)
            after = dict(_by_pk(span.values_list("pk", *FIGURES)))
            differed += sum(1 for pk, *stored in before if tuple(stored) != after[pk])
        done += len(before)
        last = before[-1][0]
        if progress is not None:
            progress(done, differed)


def _by_pk(rows: Iterable[tuple]):
    for pk, *figures in rows:
        yield pk, tuple(figures)
