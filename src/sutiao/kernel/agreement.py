"""The mediation agreement (调解协议) as law shapes it (LEGAL-RULES L10): its terms — who owes whom what, by when —
checked before a version is saved, a first draft per dispute type filled from the case, when it takes effect
(every party has signed), and whether each term has been performed voluntarily (自动履行). Pure functions of
plain data; the investor platform stores and shows what these decide.

《人民法院在线调解规则》Art. 19: the mediator makes (or uploads) the agreement online, the parties and the mediator
sign it electronically, the organisation adds its e-seal; it takes effect when every party has signed, and where
it has something to pay or do, the parties perform it of their own accord. Art. 20: the mediator guides the
parties to perform it (引导当事人自动履行)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .enums import DisputeType, LabelledEnum, PartyRole

L10_CITATION = "《人民法院在线调解规则》第十九条、第二十条"

# At most this many terms in one agreement (the terms table of one PDF stays readable).
MAX_TERMS = 50
# Amounts are yuan with two decimals (DESIGN.md §9), at most what the case's amount column holds.
MAX_AMOUNT = Decimal("99999999999999.99")
_CENT = Decimal("0.01")

# The platform's policies (not the law's), each said where it is used:
# a draft's terms fall due this many days after drafting, for the mediator to change;
DEFAULT_DUE_DAYS = 30
# the obligor is reminded this many days before a term falls due (once per term);
REMINDER_DAYS_BEFORE_DUE = 3
# an obligor's report that it performed counts as performance when the obligee, told of it, has not disputed it
# within this many days (the obligee may confirm at once; a dispute sends the term back to unperformed).
UNDISPUTED_DAYS = 7


class TermKind(LabelledEnum):
    PAYMENT = "payment", "给付金钱"
    PERFORMANCE = "performance", "履行行为"


@dataclass(frozen=True)
class Term:
    """One obligation of the agreement. `obligor` and `obligee` are the keys of case parties (the platform's party
    ids); `amount` is yuan (required for a payment, optional for another performance)."""

    obligor: object
    obligee: object
    kind: TermKind
    description: str
    amount: Decimal | None
    due: dt.date | None


@dataclass(frozen=True)
class Problem:
    """What is wrong and where: `index` is the term's position (None: the agreement as a whole), `field` the
    field's name, `message` the Chinese text shown there."""

    index: int | None
    field: str
    message: str


def yuan(value) -> Decimal:
    """An amount as exact yuan with two decimals, refused (ValueError) when it is not a number, has fractions of a
    cent, or is out of range. Never a float."""
    if isinstance(value, float):
        raise ValueError("amounts are never floats")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite() or amount != amount.quantize(_CENT) or abs(amount) > MAX_AMOUNT:
        raise ValueError(f"not an amount in yuan: {value!r}")
    return amount.quantize(_CENT)


def format_yuan(amount: Decimal) -> str:
    """125000 → 125,000.00 (pages and the PDF)."""
    return f"{yuan(amount):,.2f}"


def term_problems(clauses: str, terms: Sequence[Term], parties: Iterable, today: dt.date) -> list[Problem]:
    """Every problem of an agreement version at once (the editor shows them all in one pass): the clauses are
    written; each term names an obligor and an obligee who are different parties of this case, says what is owed,
    a payment has an amount above zero in yuan and cents, any amount is above zero, and the due date is not before
    today."""
    parties = set(parties)
    problems: list[Problem] = []
    if not clauses.strip():
        problems.append(Problem(None, "clauses", "请填写协议条款"))
    if len(terms) > MAX_TERMS:
        problems.append(Problem(None, "terms", "履行条款不能超过50项"))
    for i, term in enumerate(terms):

        def add(field: str, message: str, i=i) -> None:
            problems.append(Problem(i, field, message))

        if term.obligor not in parties:
            add("obligor", "义务人须为本案当事人")
        if term.obligee not in parties:
            add("obligee", "权利人须为本案当事人")
        if term.obligor in parties and term.obligor == term.obligee:
            add("obligee", "义务人与权利人不能是同一当事人")
        if term.kind not in tuple(TermKind):
            add("kind", "请选择履行方式")
        if term.kind == TermKind.PERFORMANCE and not term.description.strip():
            add("description", "请写明应履行的行为")
        if len(term.description) > 500:
            add("description", "履行内容不能超过500字")
        if term.amount is None:
            if term.kind == TermKind.PAYMENT:
                add("amount", "给付金钱须填写金额")
        elif term.amount <= 0:
            add("amount", "金额须大于零")
        elif term.amount > MAX_AMOUNT or term.amount != term.amount.quantize(_CENT):
            add("amount", "金额以元为单位，最多两位小数")
        if term.due is None:
            add("due", "请填写履行期限")
        elif term.due < today:
            add("due", "履行期限不能早于今天")
    return problems


# --- L10: when the agreement takes effect ---


def takes_effect(signed_by: set, parties: set) -> bool:
    """L10: the agreement takes effect when every party has signed it (《人民法院在线调解规则》第十九条第二款
    “调解协议自各方当事人均完成电子签章之时起发生法律效力”). The mediator's signature and the organisation's
    e-seal belong on it too (Art. 19 ¶1), but the law ties the effect to the parties' signatures alone; an
    agreement without parties never takes effect."""
    return bool(parties) and set(parties) <= set(signed_by)


def signing_refusal(signer, mediator_signed: bool, signed_by: set, parties: set) -> str | None:
    """Why `signer` (a party's key, or None for the mediator) may not sign now, or None. Art. 19 ¶1 asks for the
    parties' and the mediator's signatures and the organisation's e-seal; it sets no order between the persons.
    The platform's order: the mediator first — vouching that the frozen text is what was agreed before anyone is
    bound by it —, then the parties in any order; the seal follows the last party's signature at once
    (`seal_due`), so the agreement is complete, sealed, the moment it takes effect (L10). Each signs once."""
    if signer is None:
        return "调解员已签署本协议" if mediator_signed else None
    if signer not in parties:
        return "当事人不属于本案"
    if not mediator_signed:
        return "调解员尚未签署，请待调解员签署后再签署"
    if signer in signed_by:
        return "该当事人已签署本协议"
    return None


def seal_due(signed_by: set, parties: set) -> bool:
    """The organisation's e-seal goes on last (Art. 19 ¶1), when the signatures that make the agreement take
    effect are all there (`takes_effect`)."""
    return takes_effect(signed_by, parties)


def withdrawal_allowed(signed_by: set) -> bool:
    """The mediator may take an agreement back from signing to change it only while nobody has signed: once a
    party signed a text, changing it would make that signature sign something else."""
    return not signed_by


# --- voluntary performance (自动履行, Art. 19 ¶2, Art. 20) ---


class TermStatus(LabelledEnum):
    PENDING = "pending", "待履行"
    REPORTED = "reported", "义务人已报告履行，待权利人确认"
    PERFORMED = "performed", "已履行"
    OVERDUE = "overdue", "逾期未履行"


def term_status(
    due: dt.date, today: dt.date, confirmed_on: dt.date | None = None, reported_on: dt.date | None = None
) -> TermStatus:
    """Whether a term has been performed, decided from what the parties said:
    - performed when the obligee (or its agent) confirmed receipt or performance (`confirmed_on`), or when the
      obligor reported performance (`reported_on`) and the obligee, told of it, did not dispute it within
      UNDISPUTED_DAYS (a dispute clears the report: the caller passes None);
    - reported while such a report awaits the obligee (also after the due date: the obligor said it performed
      in time and the obligee has yet to answer);
    - overdue once its due date has passed unperformed (the period ends at 24:00 of the due date, 《民法典》Art. 203);
    - pending otherwise."""
    if confirmed_on is not None:
        return TermStatus.PERFORMED
    if reported_on is not None:
        if (today - reported_on).days > UNDISPUTED_DAYS:
            return TermStatus.PERFORMED
        return TermStatus.REPORTED
    return TermStatus.OVERDUE if today > due else TermStatus.PENDING


def reminder_due(due: dt.date, today: dt.date, status: TermStatus, already_reminded: bool) -> bool:
    """Remind the obligor once, REMINDER_DAYS_BEFORE_DUE days (or fewer) before the due date, of a term nobody
    has reported performed yet."""
    return not already_reminded and status == TermStatus.PENDING and 0 <= (due - today).days <= REMINDER_DAYS_BEFORE_DUE


# --- a first draft per dispute type, filled from the case ---


@dataclass(frozen=True)
class CaseParty:
    key: object
    role: PartyRole
    name: str


@dataclass(frozen=True)
class CaseFacts:
    number: str
    dispute_type: DisputeType
    parties: tuple[CaseParty, ...]
    claims: tuple[tuple[str, Decimal | None], ...]  # (text, amount) as the case states them
    amount: Decimal  # the case's amount in dispute
    organisation: str
    mediator: str


@dataclass(frozen=True)
class Draft:
    clauses: str
    terms: tuple[Term, ...]


# What the respondent owes, by dispute type: the subject of the dispute and the default obligation.
_SUBJECTS: dict[DisputeType, tuple[str, str]] = {
    DisputeType.MISREPRESENTATION: ("证券虚假陈述责任纠纷", "赔偿因虚假陈述造成的投资差额损失及佣金、印花税损失"),
    DisputeType.INSIDER_TRADING: ("内幕交易责任纠纷", "赔偿因内幕交易造成的投资损失"),
    DisputeType.MARKET_MANIPULATION: ("操纵证券、期货市场责任纠纷", "赔偿因操纵市场造成的投资损失"),
    DisputeType.BROKERAGE_CONTRACT: ("证券经纪合同纠纷", "赔偿因违反证券经纪合同造成的损失"),
    DisputeType.MARGIN_TRADING: ("融资融券交易纠纷", "赔偿因融资融券业务造成的损失"),
    DisputeType.ASSET_MANAGEMENT: ("资产管理合同纠纷", "赔偿资产管理产品投资损失"),
    DisputeType.PRIVATE_FUND: ("私募基金纠纷", "返还投资款并赔偿损失"),
    DisputeType.PUBLIC_FUND: ("公募基金纠纷", "赔偿基金投资损失"),
    DisputeType.INVESTMENT_ADVISORY: ("证券投资咨询纠纷", "返还服务费并赔偿损失"),
    DisputeType.FUTURES_BROKERAGE: ("期货经纪合同纠纷", "赔偿因违反期货经纪合同造成的损失"),
    DisputeType.OTHER: ("证券期货纠纷", "支付款项"),
}


def draft_from_case(case: CaseFacts, today: dt.date) -> Draft:
    """The first draft the mediator edits: the parties, the claims, the dispute type's standard clauses, and a
    payment term from each respondent to each applicant, the amount claimed split evenly between them (the
    remainder cents to the first), due DEFAULT_DUE_DAYS after today. Nothing here is agreed: the mediator
    writes what the parties actually agreed."""
    subject, obligation = _SUBJECTS[DisputeType(case.dispute_type)]
    applicants = [p for p in case.parties if p.role == PartyRole.APPLICANT]
    respondents = [p for p in case.parties if p.role == PartyRole.RESPONDENT]
    claimed = sum((a for _, a in case.claims if a), Decimal(0)) or case.amount or Decimal(0)
    lines = [
        f"{'、'.join(p.name for p in applicants) or '申请人'}与{'、'.join(p.name for p in respondents) or '被申请人'}"
        f"{subject}一案（{case.number}），经{case.organisation}调解员{case.mediator}主持调解，"
        "各方当事人在平等自愿的基础上达成如下协议：",
        "",
        "一、申请人的请求事项：",
        *(f"{i}. {text}" + (f"（{format_yuan(a)}元）" if a else "") for i, (text, a) in enumerate(case.claims, 1)),
        "",
        f"二、被申请人同意{obligation}，按本协议所附履行条款载明的金额和期限履行。",
        "三、被申请人按本协议履行完毕后，申请人不再就本案纠纷向被申请人主张其他权利。",
        "四、调解费用及各方为本案支出的其他费用，由各方自行承担。",
        "五、本协议经各方当事人、调解员在线签署并加盖调解组织电子印章；"
        "自各方当事人均完成电子签章之时起发生法律效力（《人民法院在线调解规则》第十九条）。",
        "六、各方当事人应当按照本协议约定主动履行；本协议生效后，各方可以依法共同向有管辖权的人民法院申请司法确认。",
    ]
    terms: list[Term] = []
    pairs = [(r, a) for r in respondents for a in applicants]
    if claimed > 0 and pairs:
        due = today + dt.timedelta(days=DEFAULT_DUE_DAYS)
        share = (claimed / len(pairs)).quantize(_CENT, rounding="ROUND_DOWN")
        for i, (respondent, applicant) in enumerate(pairs):
            amount = share + (claimed - share * len(pairs) if i == 0 else 0)
            terms.append(Term(respondent.key, applicant.key, TermKind.PAYMENT, obligation, yuan(amount), due))
    return Draft("\n".join(lines), tuple(terms))
