"""The court platform's REST API: a court's case-management system (法院办案系统) registers and delegates
cases without the UI. Token auth; OpenAPI at /api/v1/openapi.json."""

import datetime as dt
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Query, Schema, Status
from pydantic import Field

from sutiao.accounts.api import make_api, responses
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, MediationOutcome, PartyKind, PartyRole
from sutiao.kernel.identifiers import mask
from sutiao.kernel.workflow import CourtProposalState, CourtState
from sutiao.listing import MAX_PAGE_SIZE, PAGE_SIZE
from sutiao.translation import translated_factor

from . import permissions, selectors
from .actions import cases as case_actions
from .actions import delegation as delegation_actions
from .actions import roster as roster_actions

api = make_api("人民法院调解平台 API", "court-api")


class PartyIn(Schema):
    role: PartyRole
    kind: PartyKind = PartyKind.NATURAL_PERSON
    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=300)


class ClaimIn(Schema):
    text: str = Field(min_length=1, max_length=20000)
    amount: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)


class CaseIn(Schema):
    stage: CaseStage
    dispute_type: DisputeType
    amount: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    facts: str = Field("", max_length=20000)
    litigation_number: str = Field("", max_length=80)
    simple_procedure: bool = Field(False, description="本案适用简易程序（仅诉中委托）：调解期限 7 日")
    parties: list[PartyIn] = Field(min_length=2, max_length=500)
    claims: list[ClaimIn] = Field(min_length=1, max_length=200)


class PartyCorrectionIn(PartyIn):
    id: int | None = Field(None, description="所更正的当事人（案件详情中的 id）；为空表示增加当事人（仅限征求意见前）")


class CorrectionIn(Schema):
    """The case's registration data as it should stand, and why (the number and stage are not corrected)."""

    reason: str = Field(min_length=1, max_length=2000, description="更正理由（必填，记入更正记录）")
    dispute_type: DisputeType
    amount: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    facts: str = Field("", max_length=20000)
    parties: list[PartyCorrectionIn] = Field(
        min_length=2, max_length=500, description="全部当事人；征求意见后只能更正信息，不能增删"
    )
    claims: list[ClaimIn] = Field(min_length=1, max_length=200)


class ConsentIn(Schema):
    party: str = Field(min_length=1, description="当事人姓名/名称")
    consented: bool
    method: ConsentMethod
    answered_at: dt.datetime
    note: str = Field("", max_length=500)


class DelegateIn(Schema):
    organisation_id: UUID


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class DelegationOut(Schema):
    id: UUID
    organisation_id: UUID
    organisation: str
    kind: str
    state: str
    sent_at: dt.datetime
    received_at: dt.datetime | None
    answer_due: dt.date | None
    answer_due_provisional: bool
    answered_at: dt.datetime | None
    decline_reason: str
    mediator_name: str
    choice_declined_reason: str = Field(description="调解组织未指派当事人共同选定的调解员的理由")
    outcome: MediationOutcome | None
    terms: str
    outcome_reason: str
    recall_reason: str
    mediation_due: dt.date | None = Field(
        description="调解期限届满日（鉴定评估期间为空；《人民法院在线调解规则》第二十四条）"
    )
    termination_ground: str = Field(description="调解终结事由（《人民法院在线调解规则》第二十五条）")
    failure_record: dict = Field(description="调解不成记录：无争议事实、争议焦点、各方意见、增加诉讼成本的行为")


class PartyOut(Schema):
    id: int
    role: str
    kind: str
    name: str
    id_number_masked: str = Field(description="证件号码（脱敏），如 110********1234")
    phone_masked: str = Field(description="联系电话（脱敏），如 138****0002")


class CaseOut(Schema):
    id: UUID
    number: str
    court: str
    stage: str
    simple_procedure: bool
    dispute_type: str
    amount: Decimal
    state: str
    state_label: str
    registered_at: dt.datetime
    consented_at: dt.datetime | None
    closed_at: dt.datetime | None
    chosen_by: str = Field(description="parties：当事人共同选择；court：当事人同意由人民法院指定；空：尚未选定")
    chosen_organisation_id: UUID | None
    chosen_mediator_id: UUID | None
    joint_choice_due: dt.date | None = Field(description="当事人共同选择期限（《人民法院在线调解规则》第十条）")
    appointment_due: dt.date | None = Field(
        description="法院指定调解组织期限，自当事人同意由人民法院指定时起算（《人民法院在线调解规则》第十条）"
    )
    parties: list[PartyOut]
    delegations: list[DelegationOut]


class OrganisationOut(Schema):
    id: UUID
    name: str


def _out(case) -> dict:
    deadlines = selectors.choice_deadlines(case)
    return {
        "id": case.id,
        "number": case.number,
        "court": case.court.name,
        "stage": case.stage,
        "simple_procedure": case.simple_procedure,
        "dispute_type": case.dispute_type,
        "amount": case.amount,
        "state": case.state,
        "state_label": case.state_label,
        "registered_at": case.registered_at,
        "consented_at": case.consented_at,
        "closed_at": case.closed_at,
        "chosen_by": case.chosen_by,
        "chosen_organisation_id": case.chosen_organisation_id,
        "chosen_mediator_id": case.chosen_mediator_id,
        "joint_choice_due": deadlines.joint_choice.due if deadlines.joint_choice else None,
        "appointment_due": deadlines.appointment.due if deadlines.appointment else None,
        "parties": [
            {
                "id": p.pk,
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "id_number_masked": mask("id_number", p.id_number),
                "phone_masked": mask("phone", p.phone),
            }
            for p in case.parties.all()
        ],
        "delegations": [
            {
                **{f: getattr(d, f) for f in DelegationOut.model_fields if f not in ("organisation", "outcome")},
                "organisation": d.organisation.name,
                "outcome": d.outcome or None,
            }
            for d in case.delegations.all()
        ],
    }


def _case(request, case_id):
    permissions.ensure_may_read(request.auth)
    return selectors.case_for(request.auth, case_id)


class CaseFilters(Schema):
    """The case list's search and filters, the same as the work pages' (court.selectors.filter_cases)."""

    q: str = Field(
        "",
        max_length=100,
        description="搜索：案号（全部或部分）、当事人姓名或名称、统一社会信用代码、调解组织、调解员（每词至少两个字）；"
        "身份证号码须完整",
    )
    queue: Literal["", "staff", "answer", "mediating"] = Field("", description="待办：待本院处理、待答复、调解中")
    state: CourtState | None = None
    stage: CaseStage | None = None
    dispute_type: DisputeType | None = None
    organisation: UUID | None = Field(None, description="委派/委托至该调解组织的案件")
    registered_from: dt.date | None = Field(None, description="登记日期自（含）")
    registered_to: dt.date | None = Field(None, description="登记日期至（含）")
    due_within: int | None = Field(None, ge=0, le=366, description="调解组织答复期限在今日起若干日内")
    overdue: bool = Field(False, description="调解组织已超答复期限未答复")
    cursor: str = Field("", max_length=2000, description="上一页返回的 next；不填为第一页")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="每页条数")


class CasePageOut(Schema):
    items: list[CaseOut]
    next: str | None = Field(description="下一页的翻页标记（作为 cursor 传入）；为空表示已是最后一页")


@api.get(
    "/cases",
    response=responses(200, CasePageOut),
    summary="本院案件（可搜索、筛选，按登记时间倒序分页）",
    description="按游标分页：响应中的 next 作为下一次请求的 cursor，其他参数不变。"
    "翻页期间新登记的案件不会造成遗漏或重复。",
)
def list_cases(request, filters: Query[CaseFilters]):
    permissions.ensure_may_read(request.auth)
    data = filters.model_dump(exclude={"cursor", "limit"})
    result = selectors.case_list(
        request.auth,
        {k: v for k, v in data.items() if v not in ("", None, False)},
        filters.cursor,
        filters.limit,
        prefetch=("parties", "delegations__organisation"),
    )
    return {"items": [_out(c) for c in result.items], "next": result.next}


@api.post("/cases", response=responses(201, CaseOut), summary="登记调解申请")
def register_case(request, data: CaseIn):
    case = case_actions.register_case(
        request.auth,
        stage=data.stage,
        dispute_type=data.dispute_type,
        amount=data.amount,
        facts=data.facts,
        litigation_number=data.litigation_number,
        simple_procedure=data.simple_procedure,
        parties=[case_actions.PartyInput(**p.model_dump()) for p in data.parties],
        claims=[case_actions.ClaimInput(**c.model_dump()) for c in data.claims],
    )
    return Status(201, _out(selectors.case_for(request.auth, case.pk)))


@api.get("/cases/{case_id}", response=responses(200, CaseOut), summary="案件详情")
def get_case(request, case_id: UUID):
    return _out(_case(request, case_id))


class StoryLineOut(Schema):
    at: dt.datetime
    actor: str
    text: str


@api.get("/cases/{case_id}/story", response=responses(200, list[StoryLineOut]), summary="案件经过（含调解进展）")
def case_story(request, case_id: UUID):
    return [{"at": e.at, "actor": e.actor, "text": e.text} for e in _case(request, case_id).events.all()]


@api.post("/cases/{case_id}/ask-consent", response=responses(200, CaseOut), summary="征求调解意见")
def ask_consent(request, case_id: UUID):
    case_actions.ask_consent(request.auth, _case(request, case_id))
    return _out(_case(request, case_id))


@api.post("/cases/{case_id}/consents", response=responses(200, CaseOut), summary="记录当事人调解意见")
def record_consent(request, case_id: UUID, data: ConsentIn):
    case = _case(request, case_id)
    party = get_object_or_404(case.parties, name=data.party)
    case_actions.record_consent(
        request.auth,
        case,
        party,
        consented=data.consented,
        method=data.method,
        answered_at=data.answered_at,
        note=data.note,
    )
    return _out(_case(request, case_id))


@api.post("/cases/{case_id}/delegate", response=responses(200, CaseOut), summary="委派/委托调解")
def delegate(request, case_id: UUID, data: DelegateIn):
    organisation = selectors.organisation_by_id(data.organisation_id)
    delegation_actions.delegate_case(request.auth, _case(request, case_id), organisation)
    return _out(_case(request, case_id))


@api.post("/cases/{case_id}/recall", response=responses(200, CaseOut), summary="撤回委派")
def recall(request, case_id: UUID, data: ReasonIn):
    delegation_actions.recall_delegation(request.auth, _case(request, case_id), data.reason)
    return _out(_case(request, case_id))


@api.post("/cases/{case_id}/back-to-court", response=responses(200, CaseOut), summary="转立案或恢复审理")
def back_to_court(request, case_id: UUID):
    case_actions.send_back_to_court(request.auth, _case(request, case_id))
    return _out(_case(request, case_id))


@api.post(
    "/cases/{case_id}/correct",
    response=responses(200, CaseOut),
    summary="更正登记信息",
    description="更正当事人、请求事项、标的额等登记信息，须写明理由；已委派/委托的案件，更正经对接发送给调解组织。"
    "已有调解结果或已结案、作废的案件不能更正。",
)
def correct_case(request, case_id: UUID, data: CorrectionIn):
    case_actions.correct_case(
        request.auth,
        _case(request, case_id),
        reason=data.reason,
        dispute_type=data.dispute_type,
        amount=data.amount,
        facts=data.facts,
        parties=[case_actions.PartyEdit(**p.model_dump()) for p in data.parties],
        claims=[case_actions.ClaimInput(**c.model_dump()) for c in data.claims],
    )
    return _out(_case(request, case_id))


@api.post(
    "/cases/{case_id}/void",
    response=responses(200, CaseOut),
    summary="作废（登记错误）",
    description="作废登记错误的案件，须写明理由；仅限尚未委派/委托的案件，作废后不能恢复。",
)
def void_case(request, case_id: UUID, data: ReasonIn):
    case_actions.void_case(request.auth, _case(request, case_id), data.reason)
    return _out(_case(request, case_id))


@api.get("/organisations", response=responses(200, list[OrganisationOut]), summary="本院特邀调解名册中可委派的调解组织")
def organisations(request):
    permissions.ensure_may_read(request.auth)
    return list(selectors.roster_organisations(request.auth.institution_id))


class FactorOut(Schema):
    key: str
    label: str
    points: Decimal
    max_points: int
    detail: str


class RecommendationOut(Schema):
    rank: int
    organisation_id: UUID
    name: str
    score: Decimal
    factors: list[FactorOut]


@api.get(
    "/cases/{case_id}/recommendations",
    response=responses(200, list[RecommendationOut]),
    summary="推荐调解组织（按纠纷类型、地域、负荷、答复及时率与成功率排序）",
)
def recommendations(request, case_id: UUID):
    case = _case(request, case_id)
    return [
        {
            "rank": r.rank,
            "organisation_id": r.org_id,
            "name": r.name,
            "score": r.score,
            "factors": [
                {
                    "key": f.key,
                    "label": gettext(f.label),
                    "points": f.points,
                    "max_points": f.max_points,
                    "detail": translated_factor(f),
                }
                for f in r.factors
            ],
        }
        for r in selectors.recommendations(case)
    ]


class JointChoiceIn(Schema):
    organisation_id: UUID
    mediator_id: UUID | None = None


@api.post(
    "/cases/{case_id}/joint-choice", response=responses(200, CaseOut), summary="记录当事人共同选择的调解组织/调解员"
)
def joint_choice(request, case_id: UUID, data: JointChoiceIn):
    organisation = selectors.organisation_by_id(data.organisation_id)
    mediator = selectors.mediator_by_id(data.mediator_id) if data.mediator_id else None
    case_actions.record_joint_choice(request.auth, _case(request, case_id), organisation, mediator)
    return _out(_case(request, case_id))


@api.post(
    "/cases/{case_id}/appointment-request", response=responses(200, CaseOut), summary="记录当事人同意由人民法院指定"
)
def appointment_request(request, case_id: UUID):
    case_actions.record_appointment_request(request.auth, _case(request, case_id))
    return _out(_case(request, case_id))


class RosterOrganisationOut(Schema):
    id: UUID
    name: str
    uscc: str
    kind: str
    supervisor: str
    scope: list[str]
    dispute_types: list[str]
    capacity: int
    active: bool


class RosterMediatorOut(Schema):
    id: UUID
    name: str
    organisation_id: UUID
    id_number_masked: str
    qualifications: list[str]
    active: bool


class RosterEntryOut(Schema):
    id: int
    subject_kind: str
    jointly_recognised: bool
    organisation: RosterOrganisationOut
    mediator: RosterMediatorOut | None
    valid_from: dt.date
    valid_until: dt.date
    confirmed_at: dt.datetime
    in_force: bool
    court_name: str | None = None
    adopted_from_court: str | None = None


class ProposalOut(Schema):
    id: UUID
    subject_kind: str
    court_id: UUID | None
    organisation: RosterOrganisationOut
    mediator: RosterMediatorOut | None
    proposed_by: str
    proposed_at: dt.datetime
    note: str
    state: str
    state_label: str
    reason: str


def _proposal_out(p) -> dict:
    return {
        "id": p.pk,
        "subject_kind": p.subject_kind,
        "court_id": p.court_id,
        "organisation": p.organisation,
        "mediator": p.mediator,
        "proposed_by": p.proposed_by,
        "proposed_at": p.proposed_at,
        "note": p.note,
        "state": p.state,
        "state_label": gettext(CourtProposalState(p.state).label),
        "reason": p.reason,
    }


def _entry_out(e) -> dict:
    return {
        "id": e.pk,
        "subject_kind": e.subject_kind,
        "jointly_recognised": e.court_id is None,
        "organisation": e.organisation,
        "mediator": e.mediator,
        "valid_from": e.valid_from,
        "valid_until": e.valid_until,
        "confirmed_at": e.confirmed_at,
        "in_force": e.status_on(china_today()) == "valid",
        "court_name": e.court.name if e.court_id else None,
        "adopted_from_court": e.proposal.adopted_from.court.name if e.proposal.adopted_from_id else None,
    }


@api.get("/roster", response=responses(200, list[RosterEntryOut]), summary="本院特邀调解名册（证券期货）")
def roster(request):
    permissions.ensure_may_read(request.auth)
    entries = selectors.roster_entries(request.auth.institution_id).select_related(
        "court", "proposal__adopted_from__court"
    )
    return [_entry_out(e) for e in entries]


@api.get(
    "/roster/adoptable",
    response=responses(200, list[RosterEntryOut]),
    summary="上级法院名册中可请求沿用的条目：经调解组织或调解员本人同意后确认为本院特邀（在线调解规则第二十七条第二款）",
)
def adoptable(request):
    permissions.ensure_may_read(request.auth)
    return [_entry_out(e) for e in selectors.adoptable_entries(request.auth.institution).select_related("proposal")]


class AdoptionRequestIn(Schema):
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@api.post(
    "/roster/adoptable/{entry_id}/request",
    response=responses(200, ProposalOut),
    summary="请求沿用上级法院名册条目：待调解组织或调解员本人同意（在线调解规则第二十七条第二款）",
)
def request_adoption(request, entry_id: int, data: AdoptionRequestIn):
    permissions.ensure_may_read(request.auth)
    source = selectors.adoptable_entries(request.auth.institution).filter(pk=entry_id).first()
    if source is None:
        raise Http404("上级法院名册中没有这个条目")
    proposal = roster_actions.request_adoption(request.auth, source, data.valid_from, data.valid_until)
    return _proposal_out(proposal)


@api.get("/roster/proposals", response=responses(200, list[ProposalOut]), summary="推送至本院的特邀调解组织/调解员")
def proposals(request, state: CourtProposalState | None = None):
    permissions.ensure_may_read(request.auth)
    found = selectors.proposals_for(request.auth)
    return [_proposal_out(p) for p in (found.filter(state=state) if state else found)]


class ConfirmIn(Schema):
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@api.post(
    "/roster/proposals/{proposal_id}/confirm", response=responses(200, ProposalOut), summary="确认纳入特邀调解名册"
)
def confirm(request, proposal_id: UUID, data: ConfirmIn):
    proposal = selectors.proposal_for(request.auth, proposal_id)
    roster_actions.confirm_proposal(request.auth, proposal, data.valid_from, data.valid_until)
    return _proposal_out(selectors.proposal_for(request.auth, proposal_id))


@api.post(
    "/roster/proposals/{proposal_id}/reject", response=responses(200, ProposalOut), summary="不予确认（须写明理由）"
)
def reject(request, proposal_id: UUID, data: ReasonIn):
    proposal = selectors.proposal_for(request.auth, proposal_id)
    roster_actions.reject_proposal(request.auth, proposal, data.reason)
    return _proposal_out(selectors.proposal_for(request.auth, proposal_id))


@api.post(
    "/roster/{entry_id}/remove",
    response=responses(200, list[RosterEntryOut]),
    summary="移出特邀调解名册（须写明理由；调解组织连同其调解员）",
)
def remove_from_roster(request, entry_id: int, data: ReasonIn):
    permissions.ensure_may_read(request.auth)
    roster_actions.remove_entry(request.auth, selectors.roster_entry_for(request.auth, entry_id), data.reason)
    return roster(request)
