"""Reads that feed the court platform's pages and API. Every read is scoped to the user's court."""

import datetime as dt
from dataclasses import dataclass, replace

from django.core import signing
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import COURT_KINDS, Institution, InstitutionKind
from sutiao.docking import statistics
from sutiao.docking.schemas import CourtAreaCard, CourtCard
from sutiao.kernel.calendar import Deadline, china_date, china_days, china_today
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.ranking import OrgFacts, Recommendation, rank
from sutiao.kernel.regions import NATIONAL, province_of_court_code, region_of_court
from sutiao.kernel.rules import APPOINTMENT_PERIOD, JOINT_CHOICE_PERIOD
from sutiao.kernel.workflow import (
    DELEGATION_ANSWERABLE,
    DELEGATION_OPEN,
    CourtProposalState,
    CourtState,
    DelegationState,
)
from sutiao.listing import Page, capped_count, page, search, segments
from sutiao.regions import region_label
from sutiao.workdays.selectors import ProvisionalDeadline, calendar, period_from

from .models import (
    Case,
    ChoiceBy,
    Consent,
    Delegation,
    Mediator,
    Organisation,
    Party,
    PartyChoice,
    RosterEntry,
    RosterEvent,
    RosterProposal,
    SubjectKind,
)

# States in which the case waits for court staff, most urgent first. A settled case is closed and waits
# for no one (judicial confirmation comes in a later issue).
NEEDS_STAFF = [
    CourtState.RETURNED,
    CourtState.FAILED,
    CourtState.CONSENTED,
    CourtState.AWAITING_CONSENT,
    CourtState.APPLIED,
]
# Courts from the highest down, for lists of courts.
COURT_ORDER = [
    InstitutionKind.SUPREME_COURT,
    InstitutionKind.HIGH_COURT,
    InstitutionKind.INTERMEDIATE_COURT,
    InstitutionKind.BASIC_COURT,
]
assert set(COURT_ORDER) == COURT_KINDS, "every court kind has its place in the order"


SEARCH_COLUMNS = ("search_text", "search_grams")


def cases_for(user):
    if user.institution_id is None:
        return Case.objects.none()
    # The search columns are for the database's index only: never read back into a page.
    return Case.objects.filter(court_id=user.institution_id).select_related("court").defer(*SEARCH_COLUMNS)


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


# The order of every case list: newest first, the id making the key unique (index court_case_registered).
CASE_ORDER = ("-registered_at", "-id")
# The work queue's sections, each walked in its own order (keys unique, never null, behind an index).
STAFF_ORDER = ("registered_at", "id")
DELEGATION_ORDER = ("sent_at", "id")


def work_queue(user, cursors: dict | None = None, size: int = 20) -> dict[str, Page]:
    """What needs the court's attention, each section a page: cases waiting for staff (most urgent state first,
    oldest first within it), delegations waiting for an answer, and delegations being mediated. A delegation's
    answer is due a fixed number of working days after receipt, so the oldest sent is the soonest due."""
    cursors = cursors or {}
    mine = cases_for(user)
    delegations = (
        Delegation.objects.filter(case__court_id=user.institution_id)
        .select_related("case", "organisation")
        .defer(*(f"case__{c}" for c in SEARCH_COLUMNS))
    )
    return {
        "staff": segments([mine.filter(state=s) for s in NEEDS_STAFF], STAFF_ORDER, cursors.get("staff"), size),
        "answer": page(delegations.answerable(), DELEGATION_ORDER, cursors.get("answer"), size),
        "mediating": page(
            delegations.mediating().filter(case__state=CourtState.MEDIATING),
            DELEGATION_ORDER,
            cursors.get("mediating"),
            size,
        ),
    }


def queue_counts(user) -> dict:
    """How many cases each queue holds, counted up to listing.COUNT_CAP only."""
    return {name: capped_count(cases_for(user).filter(state__in=states)) for name, states in QUEUES.items()}


# The queues a case list can be narrowed to, by the states of their cases.
QUEUES = {
    "staff": NEEDS_STAFF,
    "answer": [CourtState.DELEGATED],
    "mediating": [CourtState.MEDIATING],
}


def filter_cases(
    qs,
    *,
    q: str = "",
    queue: str = "",
    state: str = "",
    stage: str = "",
    dispute_type: str = "",
    organisation=None,
    registered_from: dt.date | None = None,
    registered_to: dt.date | None = None,
    due_within: int | None = None,
    overdue: bool = False,
):
    """The cases of `qs` that match every filter given (issue 15): a search by case number, party name or
    credit code, organisation or mediator (any part; an identity number whole), and filters each served by
    an index of court.models."""
    if queue:
        qs = qs.filter(state__in=QUEUES[queue])
    if state:
        qs = qs.filter(state=state)
    if stage:
        qs = qs.filter(stage=stage)
    if dispute_type:
        qs = qs.filter(dispute_type=dispute_type)
    if organisation:
        qs = qs.filter(Exists(Delegation.objects.filter(case_id=OuterRef("pk"), organisation_id=organisation)))
    if registered_from:
        qs = qs.filter(registered_at__gte=_day_start(registered_from))
    if registered_to:
        qs = qs.filter(registered_at__lt=_day_start(registered_to + dt.timedelta(days=1)))
    if due_within is not None or overdue:
        today = china_today()
        due = Q(answer_due__lt=today) if overdue else Q()
        if due_within is not None:
            due = due | Q(answer_due__gte=today, answer_due__lte=today + dt.timedelta(days=due_within))
        answering = Delegation.objects.filter(due, case_id=OuterRef("pk"), state__in=DELEGATION_ANSWERABLE)
        qs = qs.filter(Exists(answering))
    return search(qs, q)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight in China: the court's day, whatever the server's zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def case_list(user, filters: dict, cursor: str | None = None, size: int = 25, prefetch=()) -> Page:
    qs = filter_cases(cases_for(user).prefetch_related(*prefetch), **filters)
    return page(qs, CASE_ORDER, cursor, size)


def latest_consents(case: Case) -> dict[int, Consent]:
    """Each party's latest answer (the one that counts; earlier ones stay as the record, LEGAL-RULES L1)."""
    latest: dict[int, Consent] = {}
    for consent in sorted(case.consents.all(), key=lambda c: (c.recorded_at, c.pk)):
        latest[consent.party_id] = consent
    return latest


def missing_consent(case: Case) -> list[Party]:
    latest = latest_consents(case)
    return [p for p in case.parties.all() if p.pk not in latest or not latest[p.pk].consented]


@dataclass(frozen=True)
class ChoiceDeadlines:
    """The two L3 periods of a case, each with its rule; `missed_*` when the period ended with nothing done."""

    joint_choice: Deadline | None
    appointment: Deadline | None
    missed_joint_choice: bool
    missed_appointment: bool


def choice_deadlines(case: Case, now: dt.datetime | None = None, cal=None) -> ChoiceDeadlines:
    """《人民法院在线调解规则》Art. 10 (LEGAL-RULES L3): the parties choose jointly within 2 working days of agreeing
    to mediation (the last party's answer); the court appoints within 3 working days of their request that it
    appoint. Neither runs from registration."""
    now = now or timezone.now()
    cal = cal or calendar()  # a list passes one calendar for all its rows
    joint = period_from(case.consented_at, JOINT_CHOICE_PERIOD, cal) if case.consented_at else None
    requested = case.chosen_by == ChoiceBy.COURT and case.chosen_at is not None
    appointment = period_from(case.chosen_at, APPOINTMENT_PERIOD, cal) if requested else None
    # Only a case not yet delegated waits for a choice (a returned case is chosen again by staff).
    waiting = case.state == CourtState.CONSENTED
    return ChoiceDeadlines(
        joint_choice=joint,
        appointment=appointment,
        missed_joint_choice=bool(joint and not case.chosen_by and waiting and joint.is_overdue(now)),
        missed_appointment=bool(appointment and waiting and appointment.is_overdue(now)),
    )


def joint_choice_running(
    case: Case, now: dt.datetime | None = None, cal=None, deadlines: ChoiceDeadlines | None = None
) -> Deadline | None:
    """L3 (《人民法院在线调解规则》Art. 10): the parties have 2 working days from consenting to choose jointly, and
    until that period ends the court may not appoint an organisation itself — unless every party asked it to
    (同意由人民法院指定, `ChoiceBy.COURT`). The running period if the court must wait, else None. A case sent back
    after a decline is chosen again at once (L4), so only a case not yet delegated waits."""
    if case.state != CourtState.CONSENTED or case.chosen_by or not case.consented_at:
        return None
    now = now or timezone.now()
    joint = (deadlines or choice_deadlines(case, now, cal)).joint_choice
    return None if joint.is_overdue(now) else joint


def declined_organisations(case: Case) -> set:
    """The organisations that declined this case (不予接受): offered last and marked, never preselected."""
    return {d.organisation_id for d in case.delegations.all() if d.state == DelegationState.DECLINED}


def on_roster(court_id, on: dt.date | None = None):
    """The court's invited roster in force on a day (today in China by default; LEGAL-RULES L2)."""
    return RosterEntry.objects.for_court(court_id).in_force(on or china_today())


def organisation_on_roster(court_id, organisation_id) -> bool:
    return on_roster(court_id).organisations().of_active_subjects().filter(organisation_id=organisation_id).exists()


def mediator_on_roster(court_id, mediator_id) -> bool:
    return on_roster(court_id).mediators().of_active_subjects().filter(mediator_id=mediator_id).exists()


def roster_organisations(court_id):
    """The organisations a court may delegate to: those on its roster, active in the registry."""
    ids = on_roster(court_id).organisations().values("organisation_id")
    return Organisation.objects.filter(pk__in=ids, active=True).select_related("peer")


def roster_mediators(court_id):
    """The mediators the parties may choose: those on the court's roster, active in the registry."""
    ids = on_roster(court_id).mediators().values("mediator_id")
    return Mediator.objects.filter(pk__in=ids, active=True).select_related("organisation")


def roster_entries(court_id):
    """The roster as the court reads it: what is in force and what is confirmed to start later
    (`RosterEntryQuerySet.not_ended`); delegation uses `on_roster` only."""
    today = china_today()
    return (
        RosterEntry.objects.for_court(court_id)
        .not_ended(today)
        .with_timing(today)
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
    """What a court may ask to take over from the rosters of the courts above it (《人民法院在线调解规则》Art. 27
    ¶2; 特邀调解规定 Art. 5): their current entries, of subjects active in the registry, not already on its own
    roster and not already asked (a request awaiting the subject's consent, L23). The jointly recognised list is
    every court's already."""
    on = china_today()
    own = on_roster(court.pk, on)
    asked = RosterProposal.objects.filter(court_id=court.pk, state=CourtProposalState.AWAITING_CONSENT)
    return (
        RosterEntry.objects.filter(court__in=higher_courts(court))
        .in_force(on)
        .of_active_subjects()
        .exclude(
            subject_kind=SubjectKind.ORGANISATION,
            organisation_id__in=own.organisations().values("organisation_id"),
        )
        .exclude(mediator_id__in=own.mediators().values("mediator_id"))
        .exclude(pk__in=asked.values("adopted_from_id"))
        .select_related("court", "organisation", "mediator")
        .order_by("court__name", "subject_kind", "organisation__name", "mediator__name")
    )


def published_roster(court_id):
    """What the court publishes for parties to look up and choose from (特邀调解规定 Art. 8;
    《人民法院在线调解规则》Art. 10): its entries in force, of subjects active in the registry."""
    return (
        on_roster(court_id)
        .of_active_subjects()
        .select_related("organisation", "mediator")
        .order_by("organisation__name", "mediator__name")
    )


def court_by_id(court_id) -> Institution:
    court = Institution.objects.filter(pk=court_id, kind__in=COURT_ORDER).first()
    if court is None:
        raise Http404("没有这个法院")
    return court


def courts_publishing():
    """Every court on this platform, highest first, each with how many organisations and mediators its
    roster has now (the jointly recognised list counts for every court)."""
    counts: dict = {}
    in_force = RosterEntry.objects.in_force(china_today())
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
    return entry.status_on(china_today())


def court_cards() -> list[CourtCard]:
    """Every court on this platform, as the investor platform's court directory reads it over the docking, with the
    places each serves for judicial confirmation (L11, CourtArea)."""
    return [
        CourtCard(
            court_id=c.pk,
            name=c.name,
            kind=c.kind,
            parent_id=c.parent_id,
            active=c.active,
            areas=[CourtAreaCard(prefix=a.prefix, dispute_types=a.dispute_types) for a in c.areas.all()],
        )
        for c in Institution.objects.filter(kind__in=COURT_ORDER).prefetch_related("areas").order_by("name")
    ]


def roster_entry_for(user, entry_id) -> RosterEntry:
    """An active entry this user's court decides (its own; the jointly recognised ones for the SPC)."""
    entry = (
        RosterEntry.objects.standing()
        .filter(pk=entry_id, proposal__in=proposals_for(user))
        .select_related("proposal", "organisation", "mediator")
        .first()
    )
    if entry is None:
        raise Http404("名册中没有这个条目")
    return entry


def proposals_for(user):
    """Pushes this user's court decides: its own, and for the Supreme People's Court the jointly recognised."""
    mine = Q(court_id=user.institution_id)
    if user.institution is not None and user.institution.kind == InstitutionKind.SUPREME_COURT:
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
            # "Open" as DelegationQuerySet.open() reads it (one definition, in the kernel).
            load=Count("pk", filter=Q(state__in=DELEGATION_OPEN)),
            answered=Count("pk", filter=Q(answered_at__isnull=False) | Q(state=DelegationState.OVERDUE)),
            on_time=Count("pk", filter=Q(answered_at__date__lte=F("answer_due"))),
            concluded=Count("pk", filter=Q(state=DelegationState.CONCLUDED)),
            succeeded=Count("pk", filter=Q(outcome=MediationOutcome.SUCCEEDED)),
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


def recommendations(case: Case, declined: set | None = None) -> list[Recommendation]:
    """The court's roster ranked for this case (notice §4(5); LEGAL-RULES L2): staff may pick any. `declined`:
    `declined_organisations(case)` where the caller already has it."""
    province = province_of_court_code(case.court.short_code)
    ranked = rank(
        roster_facts(case.court_id), dispute_type=case.dispute_type, province=province.name if province else None
    )
    # An organisation that declined this case (不予接受) is ranked last, whatever its score (issue 15 §5).
    declined = {str(pk) for pk in (declined_organisations(case) if declined is None else declined)}
    ordered = sorted(ranked, key=lambda r: (r.org_id in declined, r.rank))
    return [replace(r, rank=i) for i, r in enumerate(ordered, start=1)]


def pending_proposals(user):
    return proposals_for(user).filter(state=CourtProposalState.PENDING)


def adoptions_awaiting_consent(user):
    """The court's requests to take over a higher court's entries, waiting for the subject's consent (L23)."""
    return (
        proposals_for(user)
        .filter(state=CourtProposalState.AWAITING_CONSENT)
        .select_related("adopted_from__court", "requested_by")
    )


def decided_proposals(user):
    return proposals_for(user).exclude(state__in=(CourtProposalState.PENDING, CourtProposalState.AWAITING_CONSENT))


def roster_lists(user, cursors: dict, size: int = 20) -> dict[str, Page]:
    """The roster page's growing lists, each a page: requests awaiting consent (oldest first), decided pushes
    and the roster's events (newest first)."""
    return {
        "awaiting_consent": page(
            adoptions_awaiting_consent(user), ("proposed_at", "id"), cursors.get("awaiting"), size
        ),
        "decided": page(decided_proposals(user), ("-proposed_at", "-id"), cursors.get("decided"), size),
        "events": page(roster_events(user.institution_id), ("-at", "-id"), cursors.get("events"), size),
    }


# The court's delegation states in the vocabulary both platforms share (for reconciliation).
_NEUTRAL = {
    DelegationState.SENT: "pending",
    DelegationState.RECEIVED: "pending",
    DelegationState.ACCEPTED: "accepted",
    DelegationState.DECLINED: "declined",
    DelegationState.OVERDUE: "withdrawn",
    DelegationState.RECALLED: "withdrawn",
}
assert set(_NEUTRAL) | {DelegationState.CONCLUDED} == set(DelegationState), "every state has its shared name"


def _shared(state: str, outcome: str) -> str:
    return f"concluded:{outcome}" if state == DelegationState.CONCLUDED else _NEUTRAL[DelegationState(state)]


def delegation_states(case_ids) -> dict:
    """Each delegation's state in the vocabulary both platforms share (for reconciliation)."""
    states: dict = {}
    for case, delegation, state, outcome in Delegation.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "id", "state", "outcome"
    ):
        states.setdefault(case, {})[delegation] = _shared(state, outcome)
    return states


def delegation_statistics(peer, start: dt.date, end: dt.date) -> list[dict]:
    """The signed statistics message's rows (docking.hooks.counts_delegations): delegations to organisations on
    `peer`, sent from `start` to `end` (China dates), by court, organisation, kind and shared state. One GROUP BY;
    `in_flight` counts those whose case has a message to `peer` not yet confirmed."""
    delegations = _shared_with(peer, start, end)
    return statistics.count(delegations, peer, court="case__court_id", case="case_id", shared=_shared)


def cases_by_region_statistics(peer, start: dt.date, end: dt.date) -> list[dict]:
    """The same delegations by the case's region (Case.region: its court's province, from the case number), kind
    and shared state (docking.hooks.counts_cases_by_region: the joint meeting's cases by path and outcome, by
    region). One GROUP BY."""
    delegations = _shared_with(peer, start, end)
    return statistics.count_by_region(delegations, peer, region="case__region", case="case_id", shared=_shared)


def _shared_with(peer, start: dt.date, end: dt.date):
    """Delegations to organisations on `peer`, sent from `start` to `end` (China dates)."""
    since, until = china_days(start, end)
    return Delegation.objects.filter(organisation__peer=peer, sent_at__gte=since, sent_at__lt=until)


def adoption_statistics(peer, on: dt.date) -> list[dict]:
    """The court platform's adoption figures on `on`, by the court's region (its province, from its code 代字; the
    Supreme People's Court and the jointly recognised roster: national): the courts connected (the active courts
    on this platform, each of which can delegate through the docking), and the organisations and mediators of
    `peer` on those courts' rosters in force (docking.hooks.counts_adoption; issue 13 §5). An organisation on the
    rosters of two courts of a region counts once there."""
    regions: dict[str, dict] = {}
    court_region: dict = {}
    seen: dict[str, tuple[set, set]] = {}

    def row(key: str, name: str) -> dict:
        return regions.setdefault(
            key, {"region": key, "region_name": name, "courts": 0, "organisations": 0, "mediators": 0}
        )

    for pk, kind, code, active in Institution.objects.filter(kind__in=COURT_KINDS).values_list(
        "pk", "kind", "short_code", "active"
    ):
        key = region_of_court(code, supreme=kind == InstitutionKind.SUPREME_COURT).key
        name = region_label(key)
        court_region[pk] = (key, name)
        if active:
            row(key, name)["courts"] += 1
    entries = (
        RosterEntry.objects.in_force(on)
        .of_active_subjects()
        .filter(organisation__peer=peer)
        .values_list("court_id", "organisation_id", "mediator_id", "subject_kind")
    )
    for court_id, organisation_id, mediator_id, kind in entries.iterator():
        key, name = court_region.get(court_id) or (NATIONAL, region_label(NATIONAL))
        row(key, name)
        organisations, mediators = seen.setdefault(key, (set(), set()))
        if kind == SubjectKind.MEDIATOR:
            mediators.add(mediator_id)
        else:
            organisations.add(organisation_id)
    for key, (organisations, mediators) in seen.items():
        regions[key]["organisations"], regions[key]["mediators"] = len(organisations), len(mediators)
    return sorted(regions.values(), key=lambda r: r["region"])


def organisation_by_id(organisation_id) -> Organisation:
    organisation = Organisation.objects.select_related("peer").filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("没有这个调解组织")
    return organisation


def mediator_by_id(mediator_id) -> Mediator:
    mediator = Mediator.objects.filter(pk=mediator_id).first()
    if mediator is None:
        raise Http404("没有这个调解员")
    return mediator


def provisional_answer_deadlines(limit: int):
    """Unanswered delegations whose answer deadline is provisional (LEGAL-RULES L21), soonest first, for the
    operators' warning (workdays.selectors.holiday_arrangement_status)."""
    pending = Delegation.objects.filter(state=DelegationState.RECEIVED, answer_due_provisional=True)
    first = pending.select_related("case", "organisation").order_by("answer_due", "id")[:limit]
    return pending.count(), [
        ProvisionalDeadline(
            d.answer_due,
            gettext("%(case)s：%(organisation)s答复期限")
            % {"case": d.case.number, "organisation": d.organisation.name},
            reverse("case-detail", args=[d.case_id]),
        )
        for d in first
    ]


# --- a party's own cases (issue 10) ---------------------------------------------------------------------


def party_cases(user):
    """The cases in which the user is (or acts for) a party: found by the parties' identity digests."""
    from sutiao.accounts.parties import digests_for

    digests = digests_for(user)
    if not digests:
        return Case.objects.none()
    return (
        Case.objects.filter(pk__in=Party.objects.filter(id_digest__in=digests).values("case_id"))
        .select_related("court")
        .order_by("-registered_at")
    )


def party_case(user, case_id) -> Case:
    """One of the user's own cases; any other is answered as if it did not exist."""
    case = party_cases(user).prefetch_related("parties", "claims", "consents").filter(pk=case_id).first()
    if case is None:
        raise Http404(gettext("没有这个案件"))
    return case


def own_parties(user, case: Case) -> list[tuple[Party, object]]:
    """The parties of `case` the user acts for, each with how (accounts.parties.Acting)."""
    from sutiao.accounts.parties import represented

    by_digest = {a.party.id_number_digest: a for a in represented(user)}
    return [(p, by_digest[p.id_digest]) for p in case.parties.all() if p.id_digest in by_digest]


def party_of(user, case: Case, party_id: int) -> tuple[Party, object]:
    for party, acting in own_parties(user, case):
        if party.pk == party_id:
            return party, acting
    raise Http404(gettext("没有这个当事人"))


def organisations_for_consent(case: Case) -> list[Organisation]:
    """What the party is told they would be mediated by: the chosen organisation, else the court's roster."""
    if case.chosen_organisation_id:
        return [case.chosen_organisation]
    seen, organisations = set(), []
    for entry in published_roster(case.court_id):
        if entry.organisation_id not in seen:
            seen.add(entry.organisation_id)
            organisations.append(entry.organisation)
    return organisations


def party_choices(case: Case) -> dict:
    """Each party's latest online choice of organisation (LEGAL-RULES L3)."""
    latest = {}
    for choice in PartyChoice.objects.filter(case=case).select_related("organisation"):
        latest[choice.party_id] = choice
    return latest


# --- the 调解书 (issue 11 §5; L15) ---


def mediation_document_of(case: Case):
    """The case's 调解书 with each party's receipt, or None."""
    from .models import MediationDocument

    return (
        MediationDocument.objects.filter(case=case)
        .select_related("document", "agreement", "issued_by")
        .prefetch_related("receipts__party", "receipts__by")
        .first()
    )


def judges_of(court_id):
    from sutiao.accounts.models import Role, User

    return User.objects.filter(institution_id=court_id, role=Role.JUDGE, is_active=True).order_by("username")
