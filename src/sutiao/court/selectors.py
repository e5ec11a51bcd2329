"""Reads that feed the court platform's pages and API. Every read is scoped to the user's court."""

import datetime as dt

from django.core import signing
from django.db.models import Case as When_
from django.db.models import Count, F, IntegerField, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone

from sutiao.accounts.models import Institution
from sutiao.docking.schemas import CourtCard
from sutiao.kernel.calendar import china_date
from sutiao.kernel.ranking import OrgFacts, Recommendation, rank
from sutiao.kernel.regions import province_of_court_code
from sutiao.kernel.workflow import CourtState

from .models import Case, Delegation, Organisation, RosterEntry, RosterEvent, RosterProposal, SubjectKind

# States in which the case waits for court staff, most urgent first.
NEEDS_STAFF = [
    CourtState.RETURNED,
    CourtState.FAILED,
    CourtState.SUCCEEDED,
    CourtState.CONSENTED,
    CourtState.AWAITING_CONSENT,
    CourtState.APPLIED,
]


def cases_for(user):
    if user.institution_id is None:
        return Case.objects.none()
    return Case.objects.filter(court_id=user.institution_id).select_related("court")


def case_for(user, case_id) -> Case:
    """A case of the user's own court; any other is answered as if it did not exist."""
    case = (
        cases_for(user)
        .prefetch_related(
            "parties",
            "claims",
            "consents__party",
            "consents__recorded_by",
            "events",
            Prefetch("delegations", queryset=Delegation.objects.select_related("organisation")),
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("没有这个案件")
    return case


def work_queue(user):
    """What needs the court's attention: cases waiting for staff, then delegations waiting for an answer,
    soonest deadline first."""
    waiting_staff = (
        cases_for(user)
        .filter(state__in=NEEDS_STAFF)
        .annotate(
            rank=When_(*[When(state=s, then=Value(i)) for i, s in enumerate(NEEDS_STAFF)], output_field=IntegerField())
        )
        .order_by("rank", "registered_at")
    )
    waiting_answer = (
        Delegation.objects.filter(case__court_id=user.institution_id, case__state=CourtState.DELEGATED)
        .select_related("case", "organisation")
        .order_by("answer_due", "sent_at")
    )
    mediating = (
        Delegation.objects.filter(
            case__court_id=user.institution_id, case__state=CourtState.MEDIATING, state="accepted"
        )
        .select_related("case", "organisation")
        .order_by("answered_at")
    )
    return waiting_staff, waiting_answer, mediating


def today() -> dt.date:
    return china_date(timezone.now())


def active_entries(court_id, on: dt.date | None = None):
    """The court's invited roster as it stands on a day: its own confirmations and the jointly recognised
    ones, in date and not removed (LEGAL-RULES L2)."""
    on = on or today()
    return RosterEntry.objects.filter(
        Q(court_id=court_id) | Q(court__isnull=True), removed_at__isnull=True, valid_from__lte=on, valid_until__gte=on
    )


def organisation_on_roster(court_id, organisation_id) -> bool:
    return (
        active_entries(court_id)
        .filter(subject_kind=SubjectKind.ORGANISATION, organisation_id=organisation_id, organisation__active=True)
        .exists()
    )


def mediator_on_roster(court_id, mediator_id) -> bool:
    return (
        active_entries(court_id)
        .filter(subject_kind=SubjectKind.MEDIATOR, mediator_id=mediator_id, mediator__active=True)
        .exists()
    )


def roster_organisations(court_id):
    """The organisations a court may delegate to: those on its roster, active in the registry."""
    ids = active_entries(court_id).filter(subject_kind=SubjectKind.ORGANISATION).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids, active=True).select_related("peer")


def roster_entries(court_id):
    """The roster as the court reads it: what is in force and what is confirmed to start later (shown so, lest
    staff think a confirmation with a later start was lost); delegation uses `active_entries` only."""
    return (
        RosterEntry.objects.filter(
            Q(court_id=court_id) | Q(court__isnull=True), removed_at__isnull=True, valid_until__gte=today()
        )
        .select_related("organisation", "mediator", "proposal")
        .order_by("subject_kind", "organisation__name", "mediator__name")
    )


def higher_courts(court) -> list:
    """The courts above this one, nearest first."""
    found, seen = [], {court.pk}
    while court.parent_id and court.parent_id not in seen:
        court = court.parent
        seen.add(court.pk)
        if court.is_court:
            found.append(court)
    return found


def adoptable_entries(court):
    """What a court may take over from the rosters of the courts above it (《人民法院在线调解规则》Art. 27 ¶2;
    特邀调解规定 Art. 5): their current entries, of subjects active in the registry and not already on its own
    roster. The jointly recognised list is every court's already."""
    on = today()
    own = active_entries(court.pk, on)
    return (
        RosterEntry.objects.filter(
            Q(mediator__isnull=True) | Q(mediator__active=True),
            court__in=higher_courts(court),
            removed_at__isnull=True,
            valid_from__lte=on,
            valid_until__gte=on,
            organisation__active=True,
        )
        .exclude(
            subject_kind=SubjectKind.ORGANISATION,
            organisation_id__in=own.filter(subject_kind=SubjectKind.ORGANISATION).values("organisation_id"),
        )
        .exclude(mediator_id__in=own.filter(subject_kind=SubjectKind.MEDIATOR).values("mediator_id"))
        .select_related("court", "organisation", "mediator")
        .order_by("court__name", "subject_kind", "organisation__name", "mediator__name")
    )


def published_roster(court_id):
    """What the court publishes for parties to look up and choose from (特邀调解规定 Art. 8;
    《人民法院在线调解规则》Art. 10): its entries in force, of subjects active in the registry."""
    return (
        active_entries(court_id)
        .filter(Q(mediator__isnull=True) | Q(mediator__active=True), organisation__active=True)
        .select_related("organisation", "mediator")
        .order_by("organisation__name", "mediator__name")
    )


COURT_ORDER = ["supreme_court", "high_court", "intermediate_court", "basic_court"]


def court_by_id(court_id) -> Institution:
    court = Institution.objects.filter(pk=court_id, kind__in=COURT_ORDER).first()
    if court is None:
        raise Http404("没有这个法院")
    return court


def courts_publishing():
    """Every court on this platform, highest first, each with how many organisations and mediators its
    roster has now (the jointly recognised list counts for every court)."""
    counts: dict = {}
    in_force = RosterEntry.objects.filter(removed_at__isnull=True, valid_from__lte=today(), valid_until__gte=today())
    for row in in_force.values("court_id", "subject_kind").annotate(n=Count("id")):
        counts[(row["court_id"], row["subject_kind"])] = row["n"]

    def count(court_id, kind):
        return counts.get((court_id, kind), 0) + counts.get((None, kind), 0)

    courts = sorted(
        Institution.objects.filter(kind__in=COURT_ORDER, active=True),
        key=lambda c: (COURT_ORDER.index(c.kind), c.name),
    )
    return [(c, count(c.pk, SubjectKind.ORGANISATION), count(c.pk, SubjectKind.MEDIATOR)) for c in courts]


CERTIFICATE_SALT = "sutiao.court.roster-certificate"


def certificate_number(entry: RosterEntry) -> str:
    """The certificate's number (特邀调解规定 Art. 5: the court issues one to every entry of its roster)."""
    code = entry.court.short_code if entry.court_id else "最高法"
    return f"（{china_date(entry.confirmed_at).year}）{code}特邀证第{entry.pk:05d}号"


def certificate_code(entry: RosterEntry) -> str:
    """What the printed certificate carries for anyone to check it online: the entry signed with the
    platform's secret, so a number cannot be guessed or altered."""
    return signing.Signer(salt=CERTIFICATE_SALT).sign(str(entry.pk)).replace(":", "-")


def entry_for_certificate_code(code: str) -> RosterEntry:
    try:
        entry_id = int(signing.Signer(salt=CERTIFICATE_SALT).unsign(code.replace("-", ":", 1)))
    except (signing.BadSignature, ValueError):
        raise Http404("证书校验码无效") from None
    entry = RosterEntry.objects.select_related("court", "organisation", "mediator").filter(pk=entry_id).first()
    if entry is None:
        raise Http404("证书校验码无效")
    return entry


def certificate_status(entry: RosterEntry) -> str:
    """Whether a certificate holds today: valid, not_yet, expired or removed."""
    on = today()
    if entry.removed_at is not None:
        return "removed"
    if entry.valid_until < on:
        return "expired"
    return "not_yet" if entry.valid_from > on else "valid"


def court_cards() -> list[CourtCard]:
    """Every court on this platform, as the investor platform's court directory reads it over the docking."""
    return [
        CourtCard(court_id=c.pk, name=c.name, kind=c.kind, parent_id=c.parent_id, active=c.active)
        for c in Institution.objects.filter(kind__in=COURT_ORDER).order_by("name")
    ]


def roster_entry_for(user, entry_id) -> RosterEntry:
    """An active entry this user's court decides (its own; the jointly recognised ones for the SPC)."""
    entry = (
        RosterEntry.objects.filter(pk=entry_id, removed_at__isnull=True, proposal__in=proposals_for(user))
        .select_related("proposal", "organisation", "mediator")
        .first()
    )
    if entry is None:
        raise Http404("名册中没有这个条目")
    return entry


def proposals_for(user):
    """Pushes this user's court decides: its own, and for the Supreme People's Court the jointly recognised."""
    mine = Q(court_id=user.institution_id)
    if user.institution is not None and user.institution.kind == "supreme_court":
        mine |= Q(court__isnull=True)
    return RosterProposal.objects.filter(mine).select_related("organisation", "mediator", "decided_by")


def proposal_for(user, proposal_id) -> RosterProposal:
    proposal = proposals_for(user).filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404("没有这个推送")
    return proposal


def roster_events(court_id):
    return RosterEvent.objects.filter(Q(court_id=court_id) | Q(court__isnull=True))


def roster_facts(court_id) -> list[OrgFacts]:
    """What the ranking weighs for each organisation on the court's roster: its registry data, the cases it
    has now, and how it has answered and mediated so far (on this platform, for every court)."""
    orgs = list(roster_organisations(court_id))
    ids = [o.pk for o in orgs]
    delegations = Delegation.objects.filter(organisation_id__in=ids).values("organisation_id")
    stats = {
        row["organisation_id"]: row
        for row in delegations.annotate(
            load=Count("pk", filter=Q(state__in=["sent", "received", "accepted"])),
            answered=Count("pk", filter=Q(answered_at__isnull=False) | Q(state="overdue")),
            on_time=Count("pk", filter=Q(answered_at__date__lte=F("answer_due"))),
            concluded=Count("pk", filter=Q(state="concluded")),
            succeeded=Count("pk", filter=Q(outcome="succeeded")),
        )
    }
    empty = {"load": 0, "answered": 0, "on_time": 0, "concluded": 0, "succeeded": 0}
    return [
        OrgFacts(
            org_id=str(o.pk),
            name=o.name,
            dispute_types=frozenset(o.dispute_types),
            scope=frozenset(o.scope),
            capacity=o.capacity,
            load=stats.get(o.pk, empty)["load"],
            answered=stats.get(o.pk, empty)["answered"],
            answered_on_time=stats.get(o.pk, empty)["on_time"],
            concluded=stats.get(o.pk, empty)["concluded"],
            succeeded=stats.get(o.pk, empty)["succeeded"],
        )
        for o in orgs
    ]


def recommendations(case: Case) -> list[Recommendation]:
    """The court's roster ranked for this case (notice §4(5); LEGAL-RULES L2): staff may pick any."""
    province = province_of_court_code(case.court.short_code)
    return rank(
        roster_facts(case.court_id), dispute_type=case.dispute_type, province=province.name if province else None
    )
