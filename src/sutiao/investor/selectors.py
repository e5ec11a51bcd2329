"""Every read of the investor platform for its pages, API and reconciliation, scoped by who asks (the scopes
are `permissions`'): an organisation's staff see their organisation's delegations and a mediator the cases
assigned to them; the Investor Protection Bureau sees every organisation and mediator of the registry, a
regional office or affiliated unit those it supervises, an organisation's administrator its own. An object
outside the asker's scope does not exist for them (404)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import Institution, Role, User
from sutiao.docking import statistics
from sutiao.kernel.calendar import china_days, china_today
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.workflow import IMPORT_ACTIVE, ImportState, InvestorProposalState, InvestorState
from sutiao.listing import Page, page, search
from sutiao.workdays.selectors import ProvisionalDeadline

from . import permissions
from .models import (
    OPEN_STATES,
    CampaignConfirmation,
    CourtDirectory,
    Delegation,
    ImportJob,
    MediationOrg,
    Mediator,
    OrgKind,
    Qualification,
    RegistryChange,
    RegistryStatus,
    RosterProposal,
    SubjectKind,
    UpdateCampaign,
)
from .registry.history import MEDIATOR_FIELDS, ORG_FIELDS

# --- delegations ---


def delegations_for(user):
    # The search columns are for the database's index only: never read back into a page.
    qs = Delegation.objects.select_related("organisation", "mediator", "chosen_mediator").defer(
        "search_text", "search_grams"
    )
    if user.role == Role.ORG_ADMIN and user.institution_id:
        return qs.filter(organisation_id=user.institution_id)
    if user.role == Role.MEDIATOR:
        return qs.filter(mediator_id=user.pk)
    return qs.none()


def delegation_for(user, delegation_id) -> Delegation:
    delegation = delegations_for(user).prefetch_related("events").filter(pk=delegation_id).first()
    if delegation is None:
        raise Http404("没有这个委派案件")
    return delegation


# The orders of the delegation lists: keys unique together, never null, behind an index of models.Delegation.
QUEUE_ORDER = ("answer_due", "received_at", "id")
FINISHED_ORDER = ("-received_at", "-id")


def work_queue(user, cursor: str | None = None, size: int = 20) -> Page:
    """Still the organisation's (or the mediator's) work, soonest answer due first."""
    return page(delegations_for(user).open(), QUEUE_ORDER, cursor, size)


def finished(user, cursor: str | None = None, size: int = 20) -> Page:
    return page(delegations_for(user).exclude(state__in=OPEN_STATES), FINISHED_ORDER, cursor, size)


def filter_delegations(
    qs,
    *,
    q: str = "",
    state: str = "",
    dispute_type: str = "",
    court=None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    due_within: int | None = None,
    overdue: bool = False,
):
    """The delegations of `qs` matching every filter given (issue 15): a search by the court's case number,
    the court, a party's name or credit code, the mediator (any part; an identity number whole)."""
    if state:
        qs = qs.filter(state=state)
    if dispute_type:
        qs = qs.filter(dispute_type=dispute_type)
    if court:
        qs = qs.filter(court_id=court)
    if received_from:
        qs = qs.filter(received_at__gte=_day_start(received_from))
    if received_to:
        qs = qs.filter(received_at__lt=_day_start(received_to + dt.timedelta(days=1)))
    if due_within is not None or overdue:
        # Only an answer still owed has a deadline to meet (LEGAL-RULES L4).
        today = china_today()
        due = Q(answer_due__lt=today) if overdue else Q()
        if due_within is not None:
            due = due | Q(answer_due__gte=today, answer_due__lte=today + dt.timedelta(days=due_within))
        qs = qs.filter(due, state=InvestorState.RECEIVED)
    return search(qs, q)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight in China, whatever the server's zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def delegation_list(user, filters: dict, cursor: str | None = None, size: int = 25) -> Page:
    """Every delegation of the user's, found by search and filters, newest received first."""
    return page(filter_delegations(delegations_for(user), **filters), FINISHED_ORDER, cursor, size)


def assignable_mediators(organisation_id):
    """The organisation's mediators who can be assigned: an account, and an active registry record."""
    return User.objects.filter(
        role=Role.MEDIATOR,
        institution_id=organisation_id,
        is_active=True,
        mediator_record__organisation_id=organisation_id,
        mediator_record__status=RegistryStatus.ACTIVE,
    ).order_by("full_name", "username")


# Each delegation state in the vocabulary both platforms share (docking.hooks.reports_case_states).
_NEUTRAL = {
    InvestorState.RECEIVED: "pending",
    InvestorState.ACCEPTED: "accepted",
    InvestorState.MEDIATING: "accepted",
    InvestorState.DECLINED: "declined",
    InvestorState.RECALLED: "withdrawn",
}


def _shared(state: str, outcome: str) -> str:
    return f"concluded:{outcome}" if outcome else _NEUTRAL[InvestorState(state)]


def delegation_states(case_ids) -> dict:
    """Each delegation's state in the vocabulary both platforms share (for reconciliation)."""
    states: dict = {}
    for case, delegation, state, outcome in Delegation.objects.filter(case__in=case_ids).values_list(
        "case", "id", "state", "outcome"
    ):
        states.setdefault(case, {})[delegation] = _shared(state, outcome)
    return states


def delegation_statistics(peer, start: dt.date, end: dt.date) -> list[dict]:
    """The signed statistics message's rows (docking.hooks.counts_delegations): delegations from courts on `peer`,
    delegated from `start` to `end` (China dates, the court's time of delegation), by court, organisation, kind and
    shared state. One GROUP BY; `in_flight` counts those whose case has a message to `peer` not yet confirmed."""
    return statistics.count(_shared_with(peer, start, end), peer, court="court_id", case="case", shared=_shared)


def cases_by_region_statistics(peer, start: dt.date, end: dt.date) -> list[dict]:
    """The same delegations by the case's region (Delegation.region: the delegating court's province, from the case
    number, as the court platform has it — not the organisation's regional office, which the adoption figures use),
    kind and shared state (docking.hooks.counts_cases_by_region: the joint meeting's cases by path and outcome, by
    region). One GROUP BY."""
    delegations = _shared_with(peer, start, end)
    return statistics.count_by_region(delegations, peer, region="region", case="case", shared=_shared)


def _shared_with(peer, start: dt.date, end: dt.date):
    """Delegations from courts on `peer`, delegated from `start` to `end` (China dates, the court's time)."""
    since, until = china_days(start, end)
    return Delegation.objects.filter(peer=peer, delegated_at__gte=since, delegated_at__lt=until)


def adoption_statistics(peer, on: dt.date) -> list[dict]:
    """The investor platform's adoption figures on `on`, by the organisation's regional office or affiliated unit
    (its supervising body in the registry): the organisations and the mediators on a court's roster of `peer` in
    force (a confirmed push within its period; any court's, the jointly recognised list included), each once
    (docking.hooks.counts_adoption; issue 13 §5). One GROUP BY. The courts are the court platform's to count."""
    rows = (
        RosterProposal.objects.filter(peer=peer)
        .in_force(on)
        .values("organisation__parent_id", "organisation__parent__name")
        .annotate(
            organisations=Count("organisation_id", distinct=True, filter=Q(subject_kind=SubjectKind.ORGANISATION)),
            mediators=Count("mediator_id", distinct=True, filter=Q(subject_kind=SubjectKind.MEDIATOR)),
        )
        .order_by()
    )
    return sorted(
        (
            {
                "region": str(r["organisation__parent_id"] or "unplaced"),
                "region_name": r["organisation__parent__name"] or gettext("未登记派出机构/会管单位"),
                "organisations": r["organisations"],
                "mediators": r["mediators"],
            }
            for r in rows
        ),
        key=lambda r: r["region_name"],
    )


# --- the registry: scopes ---


def organisations_for(user: User):
    return permissions.organisations_in_scope(user)


def organisation_for(user: User, organisation_id) -> MediationOrg:
    org = organisations_for(user).filter(pk=organisation_id).first()
    if org is None:
        raise Http404(gettext("没有这个调解组织，或您无权查看"))
    return org


def mediators_for(user: User):
    qs = Mediator.objects.select_related("organisation", "organisation__registry", "organisation__parent")
    return qs.filter(organisation_id__in=organisations_for(user).values("pk"))


def mediator_for(user: User, mediator_id) -> Mediator:
    mediator = mediators_for(user).filter(pk=mediator_id).first()
    if mediator is None:
        raise Http404(gettext("没有这位调解员，或您无权查看"))
    return mediator


def mediators_of(org: MediationOrg):
    return Mediator.objects.filter(organisation_id=org.pk).order_by("name")


def proposals_for(user: User):
    qs = RosterProposal.objects.select_related("organisation", "mediator", "proposed_by__institution")
    return qs.filter(organisation_id__in=organisations_for(user).values("pk"))


# The most requests one workbench lists at once (a court asks per subject: an organisation has a handful).
ADOPTION_REQUESTS_SHOWN = 100


def adoption_requests_for(user: User):
    """Lower courts' requests to take the user's organisation (or its mediators), or the user as a mediator,
    over from a higher court's roster, awaiting the answer (LEGAL-RULES L23). Who may answer each is
    `permissions.may_answer_adoption`."""
    qs = RosterProposal.objects.filter(state=InvestorProposalState.AWAITING_CONSENT).select_related(
        "organisation", "mediator", "adopted_from"
    )
    if user.role == Role.ORG_ADMIN and user.institution_id:
        return qs.filter(organisation_id=user.institution_id)
    if user.role == Role.MEDIATOR:
        return qs.filter(mediator__user=user)
    return qs.none()


def adoption_request_for(user: User, proposal_id) -> RosterProposal:
    proposal = adoption_requests_for(user).filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404(gettext("没有这项待答复的沿用请求"))
    return proposal


def proposals_of(org: MediationOrg):
    return RosterProposal.objects.filter(organisation_id=org.pk).select_related("mediator", "proposed_by__institution")


# The registry lists' orders (a registry holds thousands of organisations, not millions: the text filter of
# filter_organisations reads them all, the paging does not).
ORGANISATION_ORDER = ("institution__name", "institution_id")
PROPOSAL_ORDER = ("-proposed_at", "-id")


def filter_organisations(qs, status: str = "", supervisor=None, text: str = ""):
    if status:
        qs = qs.filter(status=status)
    if supervisor:
        qs = qs.filter(institution__parent_id=supervisor)
    text = (text or "").strip()
    if text:
        qs = qs.filter(
            Q(institution__name__icontains=text)
            | Q(uscc__icontains=text)
            | Q(contact_name__icontains=text)
            | Q(address__icontains=text)
        )
    return qs


def supervising_bodies():
    """The regional offices and affiliated units an organisation can be registered under."""
    return Institution.objects.filter(kind__in=permissions.SUPERVISING_KINDS, active=True).order_by("name")


def courts():
    return CourtDirectory.objects.filter(active=True).select_related("peer").order_by("name")


def confirmed_courts(org: MediationOrg, today: dt.date | None = None):
    """Where the organisation is on a court's roster now: the pushes of it that the court confirmed, in date
    (a `court_id` of None is the jointly recognised list)."""
    return (
        RosterProposal.objects.of_organisations()
        .filter(organisation_id=org.pk)
        .in_force(today or china_today())
        .order_by("court_name")
    )


# --- versions, as people read them ---

_CHOICE_FIELDS = {
    "kind": dict(OrgKind.choices),
    "status": dict(RegistryStatus.choices),
}


def _shown(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name in _CHOICE_FIELDS:
        return str(_CHOICE_FIELDS[name].get(value, value))
    if name in ("dispute_types", "specialties"):
        labels = dict(DisputeType.choices())
        return "、".join(gettext(labels.get(v, v)) for v in value)
    if name == "qualifications":
        labels = dict(Qualification.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


@dataclass
class Version:
    version: int
    at: dt.datetime
    actor: str
    summary: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)


def history(subject_kind: str, subject_id) -> list[Version]:
    """Every version of an organisation's or mediator's record, newest first, with each changed field's
    label and its old and new value."""
    labels = ORG_FIELDS if subject_kind == SubjectKind.ORGANISATION else MEDIATOR_FIELDS
    versions = []
    for change in RegistryChange.objects.filter(subject_kind=subject_kind, subject_id=subject_id).order_by("-version"):
        rows = [
            (gettext(labels.get(name, name)), _shown(name, pair[0]), _shown(name, pair[1]))
            for name, pair in (change.changes or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        versions.append(Version(change.version, change.at, change.actor, change.summary, rows))
    return versions


def current_campaign() -> UpdateCampaign | None:
    """The latest update the Bureau started: it stays current, overdue flags and all, until the next one."""
    return UpdateCampaign.objects.order_by("-started_at", "-pk").first()


@dataclass
class CampaignProgress:
    campaign: UpdateCampaign
    confirmed: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def is_past_due(self) -> bool:
        return self.campaign.due < china_today()


def campaign_progress(campaign: UpdateCampaign | None, organisations=None) -> CampaignProgress | None:
    """Which active organisations (of `organisations`, by default all) have confirmed their data for the
    campaign, which have not yet, and which let the due date pass without confirming."""
    if campaign is None:
        return None
    orgs = organisations if organisations is not None else MediationOrg.objects.select_related("institution")
    orgs = orgs.filter(status=RegistryStatus.ACTIVE)
    confirmed_ids = set(
        CampaignConfirmation.objects.filter(campaign=campaign).values_list("organisation_id", flat=True)
    )
    progress = CampaignProgress(campaign)
    late = campaign.due < china_today()
    for org in orgs:
        if org.pk in confirmed_ids:
            progress.confirmed.append(org)
        elif late:
            progress.overdue.append(org)
        else:
            progress.pending.append(org)
    return progress


def overdue_ids(campaign: UpdateCampaign | None) -> set:
    """The organisations flagged red: active, the campaign's due date passed, not confirmed."""
    if campaign is None or campaign.due >= china_today():
        return set()
    confirmed = CampaignConfirmation.objects.filter(campaign=campaign).values("organisation_id")
    return set(
        MediationOrg.objects.filter(status=RegistryStatus.ACTIVE).exclude(pk__in=confirmed).values_list("pk", flat=True)
    )


def has_confirmed(org: MediationOrg, campaign: UpdateCampaign | None) -> bool:
    return (
        campaign is not None and CampaignConfirmation.objects.filter(campaign=campaign, organisation_id=org.pk).exists()
    )


@dataclass
class Overview:
    organisations_total: int
    mediators_total: int
    organisations_by_status: list[tuple[str, str, int]]  # (value, label, count)
    mediators_by_status: list[tuple[str, str, int]]
    organisations_by_supervisor: list[tuple[str, int]]
    mediators_by_supervisor: list[tuple[str, int]]
    organisations_by_kind: list[tuple[str, str, int]]
    mediators_by_kind: list[tuple[str, str, int]]
    mediators_by_qualification: list[tuple[str, str, int]]
    capacity_active: int
    capacity_total: int
    proposals_by_state: list[tuple[str, str, int]]
    campaign: CampaignProgress | None


def _by_choice(counts: dict, choices) -> list[tuple[str, str, int]]:
    return [(value, str(label), counts.get(value, 0)) for value, label in choices]


def _by_supervisor(rows) -> list[tuple[str, int]]:
    return sorted(((name or gettext("（未设指导单位）"), n) for name, n in rows), key=lambda r: (-r[1], r[0]))


def overview(organisations=None) -> Overview:
    """Counts of organisations and mediators by status, supervising body and kind, mediators by qualification,
    capacity, pushes by state, and where the current information update stands."""
    orgs = organisations if organisations is not None else MediationOrg.objects.all()
    mediators = Mediator.objects.filter(organisation_id__in=orgs.values("pk"))
    org_status = dict(orgs.values_list("status").annotate(n=Count("pk")).order_by())
    med_status = dict(mediators.values_list("status").annotate(n=Count("pk")).order_by())
    org_kind = dict(orgs.values_list("kind").annotate(n=Count("pk")).order_by())
    med_kind = dict(mediators.values_list("organisation__registry__kind").annotate(n=Count("pk")).order_by())
    org_super = orgs.values_list("institution__parent__name").annotate(n=Count("pk")).order_by()
    med_super = mediators.values_list("organisation__parent__name").annotate(n=Count("pk")).order_by()
    qualifications: Counter = Counter()
    for values in mediators.values_list("qualifications", flat=True):
        qualifications.update(set(values or []))
    capacity = orgs.aggregate(total=Sum("capacity"), active=Sum("capacity", filter=Q(status=RegistryStatus.ACTIVE)))
    proposals = RosterProposal.objects.filter(organisation_id__in=orgs.values("pk"))
    proposal_state = dict(proposals.values_list("state").annotate(n=Count("pk")).order_by())
    return Overview(
        organisations_total=sum(org_status.values()),
        mediators_total=sum(med_status.values()),
        organisations_by_status=_by_choice(org_status, RegistryStatus.choices),
        mediators_by_status=_by_choice(med_status, RegistryStatus.choices),
        organisations_by_supervisor=_by_supervisor(org_super),
        mediators_by_supervisor=_by_supervisor(med_super),
        organisations_by_kind=_by_choice(org_kind, OrgKind.choices),
        mediators_by_kind=_by_choice(med_kind, OrgKind.choices),
        mediators_by_qualification=_by_choice(dict(qualifications), Qualification.choices),
        capacity_active=capacity["active"] or 0,
        capacity_total=capacity["total"] or 0,
        proposals_by_state=_by_choice(proposal_state, InvestorProposalState.choices()),
        campaign=campaign_progress(current_campaign(), orgs.select_related("institution")),
    )


# --- Excel imports ---


def recent_imports(user):
    jobs = ImportJob.objects.select_related("organisation", "uploaded_by").defer("content")
    if not permissions.is_bureau(user):
        jobs = jobs.filter(uploaded_by=user)
    return jobs.order_by("-created_at")[:20]


def import_job_for(user, job_id) -> ImportJob:
    """A job is seen by its uploader and by the Bureau; to anyone else it does not exist."""
    job = ImportJob.objects.select_related("organisation", "uploaded_by").defer("content").filter(pk=job_id).first()
    if job is None or (job.uploaded_by_id != user.pk and not permissions.is_bureau(user)):
        raise Http404(gettext("没有这个导入任务"))
    return job


@dataclass
class ImportProgress:
    job: ImportJob
    percent: int
    active: bool
    writing: bool  # every row checked, the records being written
    done: bool
    failed: bool


def import_progress(job: ImportJob) -> ImportProgress:
    if job.state == ImportState.DONE:
        percent = 100
    elif job.total_rows:
        percent = min(100, job.done_rows * 100 // job.total_rows)
    else:
        percent = 0
    return ImportProgress(
        job=job,
        percent=percent,
        active=job.state in IMPORT_ACTIVE,
        writing=bool(job.state == ImportState.RUNNING and job.total_rows and job.done_rows >= job.total_rows),
        done=job.state == ImportState.DONE,
        failed=job.state == ImportState.FAILED,
    )


def provisional_answer_deadlines(limit: int):
    """Delegations not yet answered whose answer deadline is provisional (LEGAL-RULES L21), soonest first, for
    the operators' warning (workdays.selectors.holiday_arrangement_status)."""
    pending = Delegation.objects.filter(state=InvestorState.RECEIVED, answer_due_provisional=True)
    first = pending.select_related("organisation").order_by("answer_due", "id")[:limit]
    return pending.count(), [
        ProvisionalDeadline(
            d.answer_due,
            gettext("%(case)s：%(organisation)s答复期限")
            % {"case": d.court_case_number, "organisation": d.organisation.name},
            reverse("delegation-detail", args=[d.id]),
        )
        for d in first
    ]
