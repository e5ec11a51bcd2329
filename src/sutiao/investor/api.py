"""The investor platform's REST API: an organisation's own systems answer, assign and report through it.
Token auth; OpenAPI at /api/v1/openapi.json."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Query, Schema
from pydantic import Field

from sutiao.accounts.api import make_api, responses
from sutiao.kernel.enums import DisputeType, MediationOutcome
from sutiao.kernel.identifiers import mask
from sutiao.kernel.mediation import TerminationGround
from sutiao.kernel.workflow import InvestorState
from sutiao.listing import MAX_PAGE_SIZE, PAGE_SIZE

from . import selectors
from .actions import delegations as actions
from .models import Delegation

api = make_api("中国投资者网证券期货纠纷在线调解平台 API", "investor-api")


class ChangeOut(Schema):
    what: str
    before: str = Field(description="更正前（当事人个人信息脱敏）")
    after: str = Field(description="更正后（当事人个人信息脱敏）")


class CorrectionOut(Schema):
    corrected_by: str
    corrected_at: dt.datetime
    reason: str
    changes: list[ChangeOut]


class DelegationOut(Schema):
    id: UUID
    case: UUID
    court_name: str
    court_case_number: str
    organisation_id: UUID
    kind: str
    dispute_type: str
    amount: Decimal
    state: InvestorState
    state_label: str
    received_at: dt.datetime
    answer_due: dt.date
    answer_due_provisional: bool
    decline_reason: str
    mediator_id: int | None
    chosen_mediator_id: UUID | None = Field(description="当事人共同选定的调解员（登记标识）")
    choice_declined_reason: str = Field(description="不予指派当事人选定调解员的理由")
    outcome: MediationOutcome | None
    terms: str
    outcome_reason: str
    recall_reason: str
    corrections: list[CorrectionOut] = Field(description="法院在委派后对登记信息的更正")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class AssignIn(Schema):
    mediator_id: int
    choice_declined_reason: str = Field(
        "", max_length=2000, description="指派当事人选定以外的调解员时必填：不予指派选定调解员的理由"
    )


class ResultIn(Schema):
    outcome: MediationOutcome
    terms: str = Field("", max_length=50000)
    reason: str = Field("", max_length=5000)
    # A failure ends on a ground of Art. 25 (L7) with its record (L17: undisputed_facts, disputed_points,
    # positions {party: position}, cost_raising_conduct, notes).
    ground: TerminationGround | None = None
    failure_record: dict | None = None


class MediatorOut(Schema):
    id: int
    name: str


def _out(d: Delegation) -> dict:
    return {
        **{f: getattr(d, f) for f in DelegationOut.model_fields if f not in ("state_label", "outcome", "corrections")},
        "state_label": gettext(d.get_state_display()),
        "corrections": [
            {
                "corrected_by": c.corrected_by,
                "corrected_at": c.corrected_at,
                "reason": c.reason,
                "changes": [
                    {
                        "what": x["what"],
                        "before": mask(x["field"], x["before"]) if x["field"] else x["before"],
                        "after": mask(x["field"], x["after"]) if x["field"] else x["after"],
                    }
                    for x in c.changes
                ],
            }
            for c in d.corrections.all()
        ],
        "outcome": d.outcome or None,
    }


class DelegationFilters(Schema):
    """The delegation list's search and filters, the same as the workbench's (selectors.filter_delegations)."""

    q: str = Field(
        "",
        max_length=100,
        description="搜索：法院案号（全部或部分）、委派法院、当事人姓名或名称、统一社会信用代码、调解员"
        "（每词至少两个字）；身份证号码须完整",
    )
    state: InvestorState | None = None
    dispute_type: DisputeType | None = None
    court: UUID | None = Field(None, description="委派法院")
    received_from: dt.date | None = Field(None, description="收到日期自（含）")
    received_to: dt.date | None = Field(None, description="收到日期至（含）")
    due_within: int | None = Field(None, ge=0, le=366, description="答复期限在今日起若干日内（尚未答复的）")
    overdue: bool = Field(False, description="已超答复期限未答复")
    cursor: str = Field("", max_length=2000, description="上一页返回的 next；不填为第一页")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="每页条数")


class DelegationPageOut(Schema):
    items: list[DelegationOut]
    next: str | None = Field(description="下一页的翻页标记（作为 cursor 传入）；为空表示已是最后一页")


@api.get(
    "/delegations",
    response=responses(200, DelegationPageOut),
    summary="本组织（或本人）的委派案件（可搜索、筛选，按收到时间倒序分页）",
    description="按游标分页：响应中的 next 作为下一次请求的 cursor，其他参数不变；"
    "翻页期间新收到的案件不会造成遗漏或重复。",
)
def list_delegations(request, filters: Query[DelegationFilters]):
    data = filters.model_dump(exclude={"cursor", "limit"})
    result = selectors.delegation_list(
        request.auth, {k: v for k, v in data.items() if v not in ("", None, False)}, filters.cursor, filters.limit
    )
    prefetch_related_objects(result.items, "corrections")
    return {"items": [_out(d) for d in result.items], "next": result.next}


@api.get("/delegations/{delegation_id}", response=responses(200, DelegationOut), summary="委派案件详情")
def get_delegation(request, delegation_id: UUID):
    return _out(selectors.delegation_for(request.auth, delegation_id))


@api.post("/delegations/{delegation_id}/accept", response=responses(200, DelegationOut), summary="接受委派")
def accept(request, delegation_id: UUID):
    return _out(actions.accept_delegation(request.auth, selectors.delegation_for(request.auth, delegation_id)))


@api.post(
    "/delegations/{delegation_id}/decline", response=responses(200, DelegationOut), summary="不予接受（须写明理由）"
)
def decline(request, delegation_id: UUID, data: ReasonIn):
    delegation = selectors.delegation_for(request.auth, delegation_id)
    return _out(actions.decline_delegation(request.auth, delegation, data.reason))


@api.post("/delegations/{delegation_id}/assign", response=responses(200, DelegationOut), summary="指派调解员")
def assign(request, delegation_id: UUID, data: AssignIn):
    delegation = selectors.delegation_for(request.auth, delegation_id)
    mediator = get_object_or_404(selectors.assignable_mediators(delegation.organisation_id), pk=data.mediator_id)
    return _out(
        actions.assign_mediator(request.auth, delegation, mediator, choice_declined_reason=data.choice_declined_reason)
    )


@api.post("/delegations/{delegation_id}/result", response=responses(200, DelegationOut), summary="记录调解结果")
def record_result(request, delegation_id: UUID, data: ResultIn):
    delegation = selectors.delegation_for(request.auth, delegation_id)
    return _out(
        actions.record_result(
            request.auth,
            delegation,
            data.outcome,
            terms=data.terms,
            reason=data.reason,
            ground=data.ground,
            failure_record=data.failure_record,
        )
    )


@api.get("/mediators", response=responses(200, list[MediatorOut]), summary="本组织调解员")
def mediators(request):
    return [{"id": u.pk, "name": u.display_name} for u in selectors.assignable_mediators(request.auth.institution_id)]


from .registry_api import router as registry_router  # noqa: E402  (routes of the registry and roster pushes)

api.add_router("/registry", registry_router)
