"""Typical cases (典型案例; 法办〔2021〕313号 五（四）「通过典型案例、普法教育等方式，提高当事人和社会公众对证券期货
纠纷多元化解工作的知晓度和信任度」; issue 13 §7): an organisation proposes one of its closed cases, the platform
removes the personal data (kernel.deidentify), a reviewer — the Bureau or the organisation's supervising body —
compares the original and the de-identified text side by side, corrects it and publishes it, or returns it. Each
action is one transaction with its audit record; the audit names the case and the title, never the original
text."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sutiao.accounts.models import User
from sutiao.audit.log import record
from sutiao.kernel.deidentify import Kind, Result, deidentify, residue
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import TYPICAL_CASE, TypicalCaseEvent, TypicalCaseState
from sutiao.listing import search_columns

from .. import permissions
from ..mediation.models import Mediation
from ..typical import selectors
from ..typical.models import TypicalCase

_KIND_NAMES = {
    Kind.PERSON: "姓名",
    Kind.FIRM: "单位名称",
    Kind.ID_NUMBER: "证件号码",
    Kind.PHONE: "电话号码",
    Kind.ADDRESS: "住址",
    Kind.ACCOUNT: "账号",
    Kind.EMAIL: "电子邮箱",
}


@dataclass(frozen=True)
class Draft:
    """What the organisation writes: a title, the case (facts, the mediation, the result) and why it is typical."""

    title: str
    text: str
    significance: str


def _check(draft: Draft) -> None:
    if not draft.title.strip():
        raise DomainError(_("请填写标题"), field="title")
    if len(draft.text.strip()) < 50:
        raise DomainError(_("案例内容过短：请写明基本案情、调解过程和调解结果（至少 50 字）"), field="text")
    if not draft.significance.strip():
        raise DomainError(_("请填写典型意义"), field="significance")


def _apply(case: TypicalCase, draft: Draft, mediation: Mediation) -> None:
    """The organisation's words, kept (encrypted) as written, and their de-identified form for the reviewer."""
    known = selectors.known_personal_data(mediation)
    results: list[Result] = [deidentify(t, known) for t in (draft.title, draft.text, draft.significance)]
    title, text, significance = results
    case.original, case.original_significance = f"{draft.title}\n\n{draft.text}", draft.significance
    case.title, case.text, case.significance = title.text[:100], text.text, significance.text
    totals: dict[tuple[str, str], int] = {}
    for result in results:
        for r in result.replacements:
            totals[(r.kind, r.pseudonym)] = totals.get((r.kind, r.pseudonym), 0) + r.count
    case.replaced = [{"kind": k, "as": p, "count": n} for (k, p), n in sorted(totals.items())]
    case.__dict__.update(search_columns([case.title, case.text, case.significance]))


def _move(case: TypicalCase, event: TypicalCaseEvent) -> str:
    before = case.state
    case.state = TYPICAL_CASE.next_state(case.state, event)
    return before


def _locked(case: TypicalCase) -> TypicalCase:
    return TypicalCase.objects.select_for_update().select_related("organisation", "mediation").get(pk=case.pk)


@transaction.atomic
def propose_typical_case(actor: User, mediation: Mediation, draft: Draft) -> TypicalCase:
    """An organisation's administrator proposes one of its own closed cases."""
    mediation = Mediation.objects.select_for_update().get(pk=mediation.pk)
    source = mediation.source
    if not permissions.administers(actor, source.organisation_id):
        raise PermissionDenied(_("仅该案调解组织的管理员可推荐典型案例"))
    if mediation.is_open or mediation.ended_at is None:
        raise DomainError(_("调解尚未结束的案件不能推荐为典型案例"))
    if selectors.live_proposal(mediation) is not None:
        raise DomainError(_("该案件已推荐为典型案例"))
    _check(draft)
    case = TypicalCase(
        mediation=mediation,
        organisation_id=source.organisation_id,
        dispute_type=source.dispute_type,
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    _apply(case, draft, mediation)
    case.save()
    record(actor, "typical_case.proposed", case, case=mediation.case_ref, after={"title": case.title})
    return case


@transaction.atomic
def revise_typical_case(actor: User, case: TypicalCase, draft: Draft) -> TypicalCase:
    """The organisation revises a proposal the reviewer returned; it goes back for review."""
    case = _locked(case)
    if not permissions.administers(actor, case.organisation_id):
        raise PermissionDenied(_("仅该案调解组织的管理员可修改推荐"))
    before = _move(case, TypicalCaseEvent.RESUBMIT)
    _check(draft)
    _apply(case, draft, case.mediation)
    case.proposed_at = timezone.now()
    case.save()
    record(
        actor,
        "typical_case.revised",
        case,
        case=case.mediation.case_ref,
        before={"state": before},
        after={"state": case.state, "title": case.title},
    )
    return case


def _ensure_reviewer(actor: User, case: TypicalCase) -> None:
    if not permissions.may_oversee(actor, case.organisation):
        raise PermissionDenied(_("仅投资者保护局或该调解组织的指导单位可审核典型案例"))


@transaction.atomic
def approve_typical_case(actor: User, case: TypicalCase, title: str, text: str, significance: str) -> TypicalCase:
    """The reviewer publishes the text as they corrected it. Refused while anything the case knows (a name, a
    number, an address) or anything shaped like personal data remains — the second net, after deidentify."""
    case = _locked(case)
    _ensure_reviewer(actor, case)
    if not title.strip() or not text.strip() or not significance.strip():
        raise DomainError(_("标题、案例和典型意义均须填写"))
    left = residue("\n".join((title, text, significance)), selectors.known_personal_data(case.mediation))
    if left:
        names = "、".join(_KIND_NAMES[Kind(k)] for k in left)
        raise DomainError(_("仍含有个人信息（%(kinds)s），请去除后再发布") % {"kinds": names}, field="text")
    before = _move(case, TypicalCaseEvent.APPROVE)
    now = timezone.now()
    case.title, case.text, case.significance = title.strip()[:100], text.strip(), significance.strip()
    case.__dict__.update(search_columns([case.title, case.text, case.significance]))
    case.reviewed_by, case.reviewed_at, case.published_at, case.review_note = actor, now, now, ""
    case.save()
    record(
        actor,
        "typical_case.published",
        case,
        case=case.mediation.case_ref,
        before={"state": before},
        after={"state": case.state, "title": case.title},
    )
    return case


@transaction.atomic
def return_typical_case(actor: User, case: TypicalCase, note: str) -> TypicalCase:
    """The reviewer sends the proposal back to the organisation, saying what to change."""
    case = _locked(case)
    _ensure_reviewer(actor, case)
    if not note.strip():
        raise DomainError(_("请写明退回修改的意见"), field="note")
    before = _move(case, TypicalCaseEvent.RETURN)
    case.reviewed_by, case.reviewed_at, case.review_note = actor, timezone.now(), note.strip()[:1000]
    case.save()
    record(
        actor,
        "typical_case.returned",
        case,
        case=case.mediation.case_ref,
        before={"state": before},
        after={"state": case.state, "note": case.review_note},
    )
    return case


@transaction.atomic
def withdraw_typical_case(actor: User, case: TypicalCase, reason: str) -> TypicalCase:
    """The organisation takes back its proposal (or a published case); a reviewer takes a published case off the
    public page. Either way with a reason."""
    case = _locked(case)
    proposer = permissions.administers(actor, case.organisation_id)
    reviewer = permissions.may_oversee(actor, case.organisation)
    if not (proposer or (reviewer and case.state == TypicalCaseState.PUBLISHED)):
        raise PermissionDenied(_("无权撤回该典型案例"))
    if not reason.strip():
        raise DomainError(_("请写明撤回理由"), field="reason")
    before = _move(case, TypicalCaseEvent.WITHDRAW)
    case.withdrawn_at, case.withdrawn_reason = timezone.now(), reason.strip()[:500]
    case.save()
    record(
        actor,
        "typical_case.withdrawn",
        case,
        case=case.mediation.case_ref,
        before={"state": before},
        after={"state": case.state, "reason": case.withdrawn_reason},
    )
    return case
