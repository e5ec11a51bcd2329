"""The mediation agreement in the kernel (issue 11; LEGAL-RULES L10, 《人民法院在线调解规则》Art. 19–20): the terms
checked all at once with Chinese messages, exact yuan, the first draft per dispute type, the agreement's machine,
when it takes effect, and whether each term was performed."""

import datetime as dt
from decimal import Decimal

import pytest

from sutiao.kernel.agreement import (
    DEFAULT_DUE_DAYS,
    UNDISPUTED_DAYS,
    CaseFacts,
    CaseParty,
    Term,
    TermKind,
    TermStatus,
    draft_from_case,
    format_yuan,
    reminder_due,
    seal_due,
    signing_refusal,
    takes_effect,
    term_problems,
    term_status,
    withdrawal_allowed,
    yuan,
)
from sutiao.kernel.enums import DisputeType, PartyRole
from sutiao.kernel.rules import RULES
from sutiao.kernel.workflow import AGREEMENT, AgreementEvent, AgreementState, TransitionNotAllowed

TODAY = dt.date(2026, 12, 1)
PARTIES = {1, 2, 3}


def _term(**changes) -> Term:
    fields = {
        "obligor": 2,
        "obligee": 1,
        "kind": TermKind.PAYMENT,
        "description": "支付赔偿款",
        "amount": Decimal("125000.00"),
        "due": TODAY,
    }
    return Term(**(fields | changes))


def test_l10_signing_order_mediator_first_then_each_party_once_and_the_seal_with_the_last():
    """L10 (Art. 19 ¶1): the parties and the mediator sign, the organisation's e-seal last; the platform's order
    puts the mediator first, so the seal can follow the last party's signature at once."""
    assert signing_refusal(None, False, set(), {1, 2}) is None
    assert signing_refusal(None, True, set(), {1, 2}) == "调解员已签署本协议"
    assert signing_refusal(1, False, set(), {1, 2}).startswith("调解员尚未签署")
    assert signing_refusal(1, True, set(), {1, 2}) is None
    assert signing_refusal(1, True, {1}, {1, 2}) == "该当事人已签署本协议"
    assert signing_refusal(3, True, set(), {1, 2}) == "当事人不属于本案"
    assert not seal_due({1}, {1, 2}) and seal_due({1, 2}, {1, 2})


def test_l10_takes_effect_when_every_party_has_signed():
    """L10: 调解协议自各方当事人均完成电子签章之时起发生法律效力 (Art. 19 ¶2)."""
    assert RULES["L10"].applies is takes_effect and "第十九条" in RULES["L10"].citation
    assert takes_effect({1, 2}, {1, 2})
    assert takes_effect({1, 2, "mediator"}, {1, 2})  # the mediator's signature is not what makes it effective
    assert not takes_effect({1}, {1, 2})
    assert not takes_effect({"mediator", "seal"}, {1, 2})
    assert not takes_effect(set(), set())  # no parties, no agreement in force


def test_l10_the_agreement_machine():
    """L10: drafted, frozen for signing, in force once every party signed; withdrawn for changes only before
    anyone signed; never voided once in force, superseded only from there (L13)."""
    assert AGREEMENT.next_state(AgreementState.DRAFT, AgreementEvent.REVISE) == AgreementState.DRAFT
    assert AGREEMENT.next_state(AgreementState.DRAFT, AgreementEvent.SUBMIT) == AgreementState.SIGNING
    assert AGREEMENT.next_state(AgreementState.SIGNING, AgreementEvent.WITHDRAW) == AgreementState.DRAFT
    assert AGREEMENT.next_state(AgreementState.SIGNING, AgreementEvent.TAKE_EFFECT) == AgreementState.EFFECTIVE
    # L13: only an agreement in force gives way to a new one (after a rejected confirmation, checked by the action).
    assert AGREEMENT.next_state(AgreementState.EFFECTIVE, AgreementEvent.SUPERSEDE) == AgreementState.SUPERSEDED
    for state, event in [
        (AgreementState.DRAFT, AgreementEvent.SUPERSEDE),
        (AgreementState.SIGNING, AgreementEvent.SUPERSEDE),
        (AgreementState.SUPERSEDED, AgreementEvent.REVISE),
        (AgreementState.SIGNING, AgreementEvent.REVISE),  # frozen: no edits after 定稿
        (AgreementState.DRAFT, AgreementEvent.TAKE_EFFECT),  # nothing takes effect unsigned
        (AgreementState.EFFECTIVE, AgreementEvent.VOID),
        (AgreementState.EFFECTIVE, AgreementEvent.WITHDRAW),
        (AgreementState.VOID, AgreementEvent.REVISE),
    ]:
        with pytest.raises(TransitionNotAllowed):
            AGREEMENT.next_state(state, event)
    assert withdrawal_allowed(set()) and not withdrawal_allowed({1})


def test_yuan_is_exact():
    assert yuan("125,000.5") == Decimal("125000.50")
    assert format_yuan(Decimal("125000")) == "125,000.00"
    for bad in ("1.001", "abc", "NaN", "1e20", 0.1):
        with pytest.raises(ValueError):
            yuan(bad)


def test_a_good_term_has_no_problems():
    assert (
        term_problems(
            "条款", [_term(), _term(kind=TermKind.PERFORMANCE, amount=None, description="致歉")], PARTIES, TODAY
        )
        == []
    )


def test_every_problem_is_found_in_one_pass_with_its_place():
    terms = [
        _term(obligor=9, obligee=9),  # neither is a party
        _term(obligee=2),  # pays itself
        _term(amount=None),  # a payment without an amount
        _term(amount=Decimal("0")),
        _term(amount=Decimal("1.005")),
        _term(due=TODAY - dt.timedelta(days=1)),
        _term(due=None),
        _term(kind=TermKind.PERFORMANCE, amount=None, description=" "),
    ]
    problems = term_problems("  ", terms, PARTIES, TODAY)
    found = {(p.index, p.field, p.message) for p in problems}
    assert (None, "clauses", "请填写协议条款") in found
    assert (0, "obligor", "义务人须为本案当事人") in found and (0, "obligee", "权利人须为本案当事人") in found
    assert (1, "obligee", "义务人与权利人不能是同一当事人") in found
    assert (2, "amount", "给付金钱须填写金额") in found
    assert (3, "amount", "金额须大于零") in found
    assert (4, "amount", "金额以元为单位，最多两位小数") in found
    assert (5, "due", "履行期限不能早于今天") in found
    assert (6, "due", "请填写履行期限") in found
    assert (7, "description", "请写明应履行的行为") in found
    assert len(problems) == 10


def _case(dispute_type=DisputeType.MISREPRESENTATION, applicants=1, claims=(("赔偿投资差额损失", Decimal("100.01")),)):
    parties = [CaseParty(f"a{i}", PartyRole.APPLICANT, f"申请人{i}") for i in range(applicants)]
    parties.append(CaseParty("r", PartyRole.RESPONDENT, "某某药业股份有限公司"))
    return CaseFacts(
        number="（2026）京0105民诉前调1号",
        dispute_type=dispute_type,
        parties=tuple(parties),
        claims=claims,
        amount=Decimal("999"),
        organisation="中证资本市场法律服务中心",
        mediator="张调解",
    )


@pytest.mark.parametrize("dispute_type", list(DisputeType))
def test_each_dispute_type_has_a_template_filled_from_the_case(dispute_type):
    draft = draft_from_case(_case(dispute_type), TODAY)
    assert "某某药业股份有限公司" in draft.clauses and "（2026）京0105民诉前调1号" in draft.clauses
    assert "赔偿投资差额损失（100.01元）" in draft.clauses and "张调解" in draft.clauses
    assert "第十九条" in draft.clauses
    (term,) = draft.terms
    assert (term.obligor, term.obligee, term.amount) == ("r", "a0", Decimal("100.01"))
    assert term.due == TODAY + dt.timedelta(days=DEFAULT_DUE_DAYS)
    assert term_problems(draft.clauses, draft.terms, {"a0", "r"}, TODAY) == []


def test_the_draft_splits_the_claim_between_applicants_to_the_cent():
    draft = draft_from_case(_case(applicants=3), TODAY)
    assert [t.amount for t in draft.terms] == [Decimal("33.35"), Decimal("33.33"), Decimal("33.33")]
    assert sum(t.amount for t in draft.terms) == Decimal("100.01")


def test_the_draft_uses_the_case_amount_when_claims_have_none():
    draft = draft_from_case(_case(claims=(("赔礼道歉", None),)), TODAY)
    assert [t.amount for t in draft.terms] == [Decimal("999.00")]


def test_l10_performance_status():
    """L10 (Art. 19 ¶2, 20): voluntary performance — confirmed by the obligee, or reported by the obligor and not
    disputed within UNDISPUTED_DAYS; overdue only after the due date has passed unperformed."""
    due = TODAY
    assert term_status(due, TODAY) == TermStatus.PENDING
    assert term_status(due, TODAY + dt.timedelta(days=1)) == TermStatus.OVERDUE
    assert term_status(due, TODAY + dt.timedelta(days=30), confirmed_on=TODAY) == TermStatus.PERFORMED
    reported = TODAY - dt.timedelta(days=1)
    assert term_status(due, TODAY, reported_on=reported) == TermStatus.REPORTED
    assert term_status(due, reported + dt.timedelta(days=UNDISPUTED_DAYS), reported_on=reported) == TermStatus.REPORTED
    late = reported + dt.timedelta(days=UNDISPUTED_DAYS + 1)
    assert term_status(due, late, reported_on=reported) == TermStatus.PERFORMED


def test_the_obligor_is_reminded_once_shortly_before_the_due_date():
    due = TODAY + dt.timedelta(days=3)
    assert reminder_due(due, TODAY, TermStatus.PENDING, already_reminded=False)
    assert not reminder_due(due, TODAY, TermStatus.PENDING, already_reminded=True)
    assert not reminder_due(due + dt.timedelta(days=1), TODAY, TermStatus.PENDING, already_reminded=False)
    assert not reminder_due(due, TODAY, TermStatus.REPORTED, already_reminded=False)
    assert not reminder_due(TODAY - dt.timedelta(days=1), TODAY, TermStatus.OVERDUE, already_reminded=False)
