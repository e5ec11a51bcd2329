"""REST API of the registry and of roster pushes (mounted at /api/v1/registry): the same reads, scoped by role,
and the same services as the pages (notice §4(3)(4)). Identity numbers leave only masked."""

import datetime as dt
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.utils.translation import gettext
from ninja import Router, Schema

try:
    from ninja import Status
except ImportError:  # django-ninja before 1.6: a (status, body) tuple

    def Status(status_code, value):  # noqa: N802
        return status_code, value


from pydantic import Field

from sutiao.accounts.api import responses
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask
from sutiao.kernel.workflow import InvestorProposalState
from sutiao.listing import MAX_PAGE_SIZE, PAGE_SIZE, page

from . import permissions, selectors
from .actions import registry, roster
from .models import MediationOrg, Mediator, RegistryStatus, RosterProposal
from .registry.data import MediatorData, OrgData
from .registry.history import actor_name

router = Router(tags=["registry"])

Short = Annotated[str, Field(max_length=200)]
Names = Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=64)]


class ProposalOut(Schema):
    """A push to a court's invited roster and its fate; `court_id` null: every court (the jointly recognised
    list)."""

    id: UUID
    subject_kind: str
    organisation_id: UUID
    organisation_name: str
    mediator_id: UUID | None
    mediator_name: str | None
    court_id: UUID | None
    court_name: str
    state: InvestorProposalState
    state_label: str
    proposed_at: dt.datetime
    proposed_by: str
    note: str
    reason: str
    decided_by: str
    decided_at: dt.datetime | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    ended_at: dt.datetime | None
    ended_reason: str


class OrganisationOut(Schema):
    id: UUID
    name: str
    uscc: str
    kind: str
    kind_label: str
    supervisor_id: UUID | None
    supervisor_name: str
    address: str
    scope: list[str]
    dispute_types: list[str]
    capacity: int
    contact_name: str
    contact_phone: str
    contact_email: str
    status: str
    status_label: str
    status_reason: str
    version: int
    updated_at: dt.datetime


class OrganisationDetailOut(OrganisationOut):
    proposals: list[ProposalOut]


class OrganisationIn(Schema):
    name: Short
    uscc: Annotated[str, Field(max_length=40)]
    kind: Annotated[str, Field(max_length=16)]
    supervisor_id: UUID
    scope: Names
    dispute_types: Names
    capacity: Annotated[int, Field(ge=0, le=1_000_000)]
    address: Annotated[str, Field(max_length=300)] = ""
    contact_name: Annotated[str, Field(max_length=100)] = ""
    contact_phone: Annotated[str, Field(max_length=40)] = ""
    contact_email: Annotated[str, Field(max_length=254)] = ""


class StatusIn(Schema):
    status: Annotated[str, Field(max_length=16)]
    reason: Annotated[str, Field(max_length=500)] = ""


class MediatorRecordOut(Schema):
    id: UUID
    organisation_id: UUID
    organisation_name: str
    name: str
    id_number_masked: str
    phone: str
    specialties: list[str]
    qualifications: list[str]
    training_hours: Decimal
    status: str
    status_label: str
    status_reason: str
    user_id: int | None
    version: int
    updated_at: dt.datetime


class MediatorRecordIn(Schema):
    name: Annotated[str, Field(max_length=100)]
    id_number: Annotated[str, Field(max_length=40)]
    phone: Annotated[str, Field(max_length=20)] = ""
    specialties: Names = []
    qualifications: Names = []
    training_hours: Annotated[Decimal, Field(ge=0, le=Decimal("99999.9"), max_digits=6, decimal_places=1)] = Decimal(
        "0"
    )


class CourtOut(Schema):
    id: UUID
    name: str


class ProposalIn(Schema):
    """Exactly one of `organisation_id` (the Bureau pushes an organisation) and `mediator_id` (a supervising
    body pushes a mediator); `court_id` null pushes to every court (the jointly recognised list)."""

    organisation_id: UUID | None = None
    mediator_id: UUID | None = None
    court_id: UUID | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


# --- shaping ---


def _proposal(p: RosterProposal) -> dict:
    return {
        "id": p.pk,
        "subject_kind": p.subject_kind,
        "organisation_id": p.organisation_id,
        "organisation_name": p.organisation.name,
        "mediator_id": p.mediator_id,
        "mediator_name": p.mediator.name if p.mediator_id else None,
        "court_id": p.court_id,
        "court_name": p.court_name,
        "state": p.state,
        "state_label": gettext(p.get_state_display()),
        "proposed_at": p.proposed_at,
        "proposed_by": actor_name(p.proposed_by),
        "note": p.note,
        "reason": p.reason,
        "decided_by": p.decided_by,
        "decided_at": p.decided_at,
        "valid_from": p.valid_from,
        "valid_until": p.valid_until,
        "ended_at": p.ended_at,
        "ended_reason": p.ended_reason,
    }


def _organisation(org: MediationOrg) -> dict:
    parent = org.institution.parent
    return {
        "id": org.pk,
        "name": org.institution.name,
        "uscc": org.uscc,
        "kind": org.kind,
        "kind_label": str(org.get_kind_display()),
        "supervisor_id": parent.pk if parent else None,
        "supervisor_name": parent.name if parent else "",
        "address": org.address,
        "scope": list(org.scope),
        "dispute_types": list(org.dispute_types),
        "capacity": org.capacity,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "contact_email": org.contact_email,
        "status": org.status,
        "status_label": str(org.get_status_display()),
        "status_reason": org.status_reason,
        "version": org.version,
        "updated_at": org.updated_at,
    }


def _organisation_detail(org: MediationOrg) -> dict:
    proposals = selectors.proposals_of(org).select_related("organisation")
    return {**_organisation(org), "proposals": [_proposal(p) for p in proposals]}


def _mediator(m: Mediator, viewer) -> dict:
    return {
        "id": m.pk,
        "organisation_id": m.organisation_id,
        "organisation_name": m.organisation.name,
        "name": m.name,
        "id_number_masked": m.id_number_masked,
        # In clear for the organisation's own administrator only, masked for everyone else.
        "phone": m.phone if permissions.sees_mediator_phones(viewer, m.organisation) else mask("phone", m.phone),
        "specialties": list(m.specialties),
        "qualifications": list(m.qualifications),
        "training_hours": m.training_hours,
        "status": m.status,
        "status_label": str(m.get_status_display()),
        "status_reason": m.status_reason,
        "user_id": m.user_id,
        "version": m.version,
        "updated_at": m.updated_at,
    }


def _org_data(data: OrganisationIn) -> OrgData:
    return OrgData(**data.model_dump())


def _mediator_data(data: MediatorRecordIn) -> MediatorData:
    return MediatorData(**data.model_dump())


def _reloaded_org(user, org_id) -> MediationOrg:
    return selectors.organisations_for(user).get(pk=org_id)


# --- organisations ---


class OrganisationPageOut(Schema):
    items: list[OrganisationOut]
    next: str | None = Field(description="下一页的翻页标记（作为 cursor 传入）；为空表示已是最后一页")


Cursor = Annotated[str, Field(max_length=2000, description="上一页返回的 next；不填为第一页")]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description="每页条数")]


@router.get(
    "/organisations",
    response=responses(200, OrganisationPageOut),
    summary="调解组织名单（投资者保护局：全部；派出机构/会管单位：所指导的；调解组织：本组织），按名称分页",
)
def list_organisations(
    request,
    status: RegistryStatus | None = None,
    supervisor_id: UUID | None = None,
    q: Annotated[str, Field(max_length=100)] = "",
    cursor: Cursor = "",
    limit: Limit = PAGE_SIZE,
):
    qs = selectors.filter_organisations(selectors.organisations_for(request.auth), status or "", supervisor_id, q)
    result = page(qs, selectors.ORGANISATION_ORDER, cursor, limit)
    return {"items": [_organisation(org) for org in result.items], "next": result.next}


@router.get(
    "/organisations/{organisation_id}",
    response=responses(200, OrganisationDetailOut),
    summary="调解组织详情及其名册推送情况",
)
def get_organisation(request, organisation_id: UUID):
    return _organisation_detail(selectors.organisation_for(request.auth, organisation_id))


@router.post("/organisations", response=responses(201, OrganisationOut), summary="登记调解组织（仅投资者保护局）")
def create_organisation(request, data: OrganisationIn):
    org = registry.register_organisation(request.auth, _org_data(data))
    return Status(201, _organisation(_reloaded_org(request.auth, org.pk)))


@router.put(
    "/organisations/{organisation_id}",
    response=responses(200, OrganisationOut),
    summary="更新调解组织信息（本组织管理员、指导单位或投资者保护局）",
)
def update_organisation(request, organisation_id: UUID, data: OrganisationIn):
    org = selectors.organisation_for(request.auth, organisation_id)
    registry.update_organisation(request.auth, org, _org_data(data))
    return _organisation(_reloaded_org(request.auth, org.pk))


@router.post(
    "/organisations/{organisation_id}/status",
    response=responses(200, OrganisationOut),
    summary="暂停、退出或恢复调解组织（投资者保护局或指导单位；暂停、退出须写明原因）",
)
def set_organisation_status(request, organisation_id: UUID, data: StatusIn):
    org = selectors.organisation_for(request.auth, organisation_id)
    registry.set_organisation_status(request.auth, org, data.status, data.reason)
    return _organisation(_reloaded_org(request.auth, org.pk))


# --- mediators ---


@router.get(
    "/organisations/{organisation_id}/mediators",
    response=responses(200, list[MediatorRecordOut]),
    summary="调解组织的调解员（身份号码仅脱敏显示）",
)
def list_mediators(request, organisation_id: UUID):
    org = selectors.organisation_for(request.auth, organisation_id)
    return [_mediator(m, request.auth) for m in selectors.mediators_of(org).select_related("organisation")]


@router.post(
    "/organisations/{organisation_id}/mediators",
    response=responses(201, MediatorRecordOut),
    summary="登记调解员（本组织管理员、指导单位或投资者保护局）",
)
def create_mediator(request, organisation_id: UUID, data: MediatorRecordIn):
    org = selectors.organisation_for(request.auth, organisation_id)
    mediator = registry.register_mediator(request.auth, org.institution, _mediator_data(data))
    return Status(201, _mediator(selectors.mediator_for(request.auth, mediator.pk), request.auth))


@router.post(
    "/mediators/{mediator_id}/status",
    response=responses(200, MediatorRecordOut),
    summary="调解员暂停、离任或恢复（暂停、离任须写明原因）",
)
def set_mediator_status(request, mediator_id: UUID, data: StatusIn):
    mediator = selectors.mediator_for(request.auth, mediator_id)
    registry.set_mediator_status(request.auth, mediator, data.status, data.reason)
    return _mediator(selectors.mediator_for(request.auth, mediator.pk), request.auth)


# --- courts and pushes (notice §4(4)) ---


@router.get("/courts", response=responses(200, list[CourtOut]), summary="可推送的法院（法院名录）")
def list_courts(request):
    return [{"id": c.pk, "name": c.name} for c in selectors.courts()]


@router.post(
    "/proposals",
    response=responses(201, ProposalOut),
    summary="推送至法院特邀调解名册（调解组织由投资者保护局推送，调解员由指导单位推送；court_id 为空即各级法院）",
)
def create_proposal(request, data: ProposalIn):
    if (data.organisation_id is None) == (data.mediator_id is None):
        raise DomainError(gettext("请指定调解组织或调解员（二者选一）"), field="organisation_id")
    if data.organisation_id is not None:
        org = selectors.organisation_for(request.auth, data.organisation_id)
        proposal = roster.propose_organisation(request.auth, org, data.court_id, data.note)
    else:
        mediator = selectors.mediator_for(request.auth, data.mediator_id)
        proposal = roster.propose_mediator(request.auth, mediator, data.court_id, data.note)
    proposal = RosterProposal.objects.select_related("organisation", "mediator", "proposed_by__institution").get(
        pk=proposal.pk
    )
    return Status(201, _proposal(proposal))


def _reloaded_proposal(proposal) -> RosterProposal:
    return RosterProposal.objects.select_related("organisation", "mediator", "proposed_by__institution").get(
        pk=proposal.pk
    )


class AdoptionAnswerIn(Schema):
    reason: Annotated[str, Field(max_length=2000)] = ""
    how_obtained: Annotated[str, Field(max_length=300)] = ""


@router.get(
    "/adoption-requests",
    response=responses(200, list[ProposalOut]),
    summary="法院请求沿用上级法院名册、待本组织或调解员本人同意的事项（在线调解规则第二十七条第二款）",
)
def list_adoption_requests(request):
    qs = selectors.adoption_requests_for(request.auth).select_related("proposed_by__institution")
    return [_proposal(p) for p in qs[: selectors.ADOPTION_REQUESTS_SHOWN]]


@router.post(
    "/adoption-requests/{proposal_id}/consent",
    response=responses(200, ProposalOut),
    summary="同意法院沿用上级法院名册（调解组织管理员，或调解员本人；无账号的调解员由管理员记录 how_obtained）",
)
def consent_to_adoption(request, proposal_id: UUID, data: AdoptionAnswerIn):
    proposal = roster.consent_to_adoption(
        request.auth, selectors.adoption_request_for(request.auth, proposal_id), data.how_obtained
    )
    return _proposal(_reloaded_proposal(proposal))


@router.post(
    "/adoption-requests/{proposal_id}/refuse",
    response=responses(200, ProposalOut),
    summary="不同意法院沿用上级法院名册（须写明理由）",
)
def refuse_adoption(request, proposal_id: UUID, data: AdoptionAnswerIn):
    proposal = roster.refuse_adoption(
        request.auth, selectors.adoption_request_for(request.auth, proposal_id), data.reason, data.how_obtained
    )
    return _proposal(_reloaded_proposal(proposal))


class ProposalPageOut(Schema):
    items: list[ProposalOut]
    next: str | None = Field(description="下一页的翻页标记（作为 cursor 传入）；为空表示已是最后一页")


@router.get(
    "/proposals",
    response=responses(200, ProposalPageOut),
    summary="名册推送及法院确认情况（可按状态筛选），按推送时间倒序分页",
)
def list_proposals(request, state: InvestorProposalState | None = None, cursor: Cursor = "", limit: Limit = PAGE_SIZE):
    qs = selectors.proposals_for(request.auth)
    if state:
        qs = qs.filter(state=state)
    result = page(qs, selectors.PROPOSAL_ORDER, cursor, limit)
    return {"items": [_proposal(p) for p in result.items], "next": result.next}
