"""Judicial confirmation of a mediation agreement (司法确认), as law shapes it: which court may hear it and within
what period the parties apply (L11), the court's periods to accept and to decide (L12), what a ruling means for
the parties (L13), the window for an objection to it (L14), and what it costs (L18). Pure functions of dates and
facts; the court platform stores and shows what these decide.

Periods in 日 are calendar days counted as 《民事诉讼法》Art. 85 and 《民法典》Art. 201–203 count them: the first
day is not counted, and a last day that is a rest day moves to the next working day (`WorkdayCalendar`).

The 2011 provisions (《最高人民法院关于人民调解协议司法确认程序的若干规定》) still set the court's periods (Art. 4–5);
what the court decides is a ruling (裁定), as 《民事诉讼法》(2023) Art. 206 says, not the 2011 text's 决定书."""

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .calendar import Deadline, PeriodRule, WorkdayCalendar
from .enums import DisputeType, LabelledEnum
from .errors import DomainError

CIVIL_PROCEDURE = "《中华人民共和国民事诉讼法》"
CONFIRMATION_PROVISIONS = "《最高人民法院关于人民调解协议司法确认程序的若干规定》"
INTERPRETATION = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》"
MISREPRESENTATION_PROVISIONS = "《最高人民法院关于审理证券市场虚假陈述侵权民事赔偿案件的若干规定》"

# L11: both parties apply together within 30 days of the agreement taking effect (民事诉讼法 Art. 205).
APPLICATION_PERIOD = PeriodRule("L11", 30, False, f"{CIVIL_PROCEDURE}第二百零五条")
# L12: the court decides whether to accept within 3 days of receiving the application (2011 provisions Art. 4),
# and rules within 15 days of accepting it, 10 more with the president's approval (Art. 5); a special-procedure
# case is concluded within 30 days of filing (民事诉讼法 Art. 187) — for this case, filing is the acceptance.
ACCEPTANCE_PERIOD = PeriodRule("L12", 3, False, f"{CONFIRMATION_PROVISIONS}第四条第一款")
REVIEW_PERIOD = PeriodRule("L12", 15, False, f"{CONFIRMATION_PROVISIONS}第五条第一款")
REVIEW_EXTENSION = PeriodRule("L12-extension", 10, False, f"{CONFIRMATION_PROVISIONS}第五条第一款（经本院院长批准）")
SPECIAL_PROCEDURE_PERIOD = PeriodRule("L12-special", 30, False, f"{CIVIL_PROCEDURE}第一百八十七条")
# L14: a party objects within 15 days of receiving the ruling; an interested outsider within 6 months of knowing
# (or when they should have known) that their rights were harmed (解释 Art. 372 ¶2; a fixed period, Art. 127).
OBJECTION_PERIOD = PeriodRule("L14", 15, False, f"{INTERPRETATION}第三百七十二条第二款")
OUTSIDER_OBJECTION_MONTHS = 6
OUTSIDER_OBJECTION_CITATION = f"{INTERPRETATION}第三百七十二条第二款、第一百二十七条"


def application_deadline(cal: WorkdayCalendar, agreement_effective_on: dt.date) -> Deadline:
    """L11: the last day on which the parties may apply (《民事诉讼法》Art. 205)."""
    return cal.deadline(agreement_effective_on, APPLICATION_PERIOD)


def may_apply(cal: WorkdayCalendar, agreement_effective_on: dt.date, now: dt.datetime) -> bool:
    """L11: an application after the 30 days is refused; one whose last day is only provisional (a year whose
    holiday arrangement is not published, L21) is still taken: refusing is the irreversible act."""
    deadline = application_deadline(cal, agreement_effective_on)
    return not deadline.is_overdue(now) or deadline.provisional


class CourtLevel(LabelledEnum):
    BASIC = "basic", "基层人民法院"
    INTERMEDIATE = "intermediate", "中级人民法院"


class VenueGround(LabelledEnum):
    """Why a court may hear an application (《民事诉讼法》Art. 205; 虚假陈述规定 Art. 3)."""

    INVITING_COURT = "inviting_court", "作出邀请的人民法院"
    PARTY_DOMICILE = "party_domicile", "当事人住所地"
    SUBJECT_MATTER = "subject_matter", "标的物所在地"
    ORGANISATION_SEAT = "organisation_seat", "调解组织所在地"
    ISSUER_SEAT = "issuer_seat", "发行人住所地"


@dataclasses.dataclass(frozen=True)
class Venue:
    """A court that may hear the application: the inviting court itself (`court`), or a court of `level` whose
    area contains the division `place` (a GB/T 2260 code)."""

    ground: VenueGround
    citation: str
    court: str | None = None
    level: CourtLevel | None = None
    place: str | None = None

    def served_by(self, court: str, level: CourtLevel, areas: Iterable[str]) -> bool:
        """Whether a court — its id, level and the division-code prefixes of its area for this dispute — is
        this venue. The areas are the court platform's configuration (which court serves where, and for
        misrepresentation the intermediate or specialised court each province designates)."""
        if self.court is not None:
            return court == self.court
        return level == self.level and any(self.place.startswith(prefix) for prefix in areas)


@dataclasses.dataclass(frozen=True)
class CompetenceFacts:
    """What decides the competent court. `inviting_court`: the court that delegated (invited) the mediation, None
    when the organisation mediated on its own (a direct application). Places are GB/T 2260 division codes."""

    dispute_type: DisputeType
    inviting_court: str | None = None
    party_domiciles: tuple[str, ...] = ()
    subject_matter: str | None = None
    organisation_seat: str | None = None
    issuer_seat: str | None = None


def competent_venues(facts: CompetenceFacts, intermediate_types: Iterable[DisputeType] = ()) -> list[Venue]:
    """L11 (《民事诉讼法》Art. 205): a mediation a court invited goes back to that court; one the organisation ran on
    its own goes to the basic court of a party's domicile, the subject matter or the organisation's seat — but a
    dispute that belongs to an intermediate court goes to that intermediate court. Securities misrepresentation
    belongs to the intermediate (or specialised) court of the issuer's seat (虚假陈述规定 Art. 3).
    `intermediate_types`: the other dispute types the court platform's configuration sends to intermediate courts
    (first-instance competence by amount or kind is set by each high court, not by these articles)."""
    if facts.inviting_court:
        return [Venue(VenueGround.INVITING_COURT, f"{CIVIL_PROCEDURE}第二百零五条第一项", court=facts.inviting_court)]
    if facts.dispute_type == DisputeType.MISREPRESENTATION:
        if not facts.issuer_seat:
            raise DomainError("证券虚假陈述纠纷的司法确认由发行人住所地的中级人民法院管辖：请填写发行人住所地。")
        citation = f"{CIVIL_PROCEDURE}第二百零五条第二项；{MISREPRESENTATION_PROVISIONS}第三条"
        return [Venue(VenueGround.ISSUER_SEAT, citation, level=CourtLevel.INTERMEDIATE, place=facts.issuer_seat)]
    level = CourtLevel.INTERMEDIATE if facts.dispute_type in set(intermediate_types) else CourtLevel.BASIC
    citation = f"{CIVIL_PROCEDURE}第二百零五条第二项"
    places = [(VenueGround.PARTY_DOMICILE, p) for p in facts.party_domiciles]
    places += [
        (VenueGround.SUBJECT_MATTER, facts.subject_matter),
        (VenueGround.ORGANISATION_SEAT, facts.organisation_seat),
    ]
    venues, seen = [], set()
    for ground, place in places:
        if place and place not in seen:
            seen.add(place)
            venues.append(Venue(ground, citation, level=level, place=place))
    if not venues:
        raise DomainError("请至少填写一方当事人住所地、标的物所在地或调解组织所在地，以确定管辖法院。")
    return venues


def court_is_competent(venues: Iterable[Venue], court: str, level: CourtLevel, areas: Iterable[str]) -> Venue | None:
    """L11: the venue under which this court may hear the application, or None (不属于本院管辖: 解释 Art. 355(2))."""
    areas = tuple(areas)
    return next((v for v in venues if v.served_by(court, level, areas)), None)


@dataclasses.dataclass(frozen=True)
class ReviewDeadlines:
    """L12: the ruling is due `review` (15 days from acceptance, or 10 more once the president approved), and the
    special procedure's own limit is `special` (30 days from filing). Without an extension the review period
    always ends first; the president's approval of more time extends both (Art. 187: 有特殊情况需要延长的，由本院
    院长批准), so `review` is the one the court must meet and `special` is shown beside it."""

    review: Deadline
    special: Deadline


def acceptance_deadline(cal: WorkdayCalendar, received_on: dt.date) -> Deadline:
    """L12: the court decides whether to accept within 3 days of receiving the application (2011 provisions
    Art. 4)."""
    return cal.deadline(received_on, ACCEPTANCE_PERIOD)


def review_deadlines(cal: WorkdayCalendar, accepted_on: dt.date, extended: bool) -> ReviewDeadlines:
    """L12: 15 days from acceptance (2011 provisions Art. 5 ¶1); an extension of 10 days, approved by the court's
    president, runs on from the end of the first period; and within 30 days of filing (民事诉讼法 Art. 187)."""
    review = cal.deadline(accepted_on, REVIEW_PERIOD)
    if extended:
        more = cal.deadline(review.due, REVIEW_EXTENSION)
        review = dataclasses.replace(more, start=accepted_on, provisional=review.provisional or more.provisional)
    return ReviewDeadlines(review=review, special=cal.deadline(accepted_on, SPECIAL_PROCEDURE_PERIOD))


class NonAcceptanceGround(LabelledEnum):
    """解释 Art. 355 ¶1: an application the court does not accept (裁定不予受理). After accepting, the same grounds
    make the court reject the application (Art. 355 ¶2)."""

    NOT_COURT_MATTER = "not_court_matter", "不属于人民法院受理范围"
    NOT_THIS_COURT = "not_this_court", "不属于本院管辖"
    PERSONAL_STATUS = "personal_status", "申请确认婚姻关系、亲子关系、收养关系等身份关系"
    OTHER_PROCEDURE = "other_procedure", "涉及适用其他特别程序、公示催告程序、破产程序审理"
    PROPERTY_TITLE = "property_title", "调解协议内容涉及物权、知识产权确权"
    LATE = "late", "超过调解协议生效之日起三十日的申请期间"


class RejectionGround(LabelledEnum):
    """解释 Art. 358: an agreement the court does not confirm (裁定驳回申请)."""

    MANDATORY_LAW = "mandatory_law", "违反法律强制性规定"
    HARMS_OTHERS = "harms_others", "损害国家利益、社会公共利益、他人合法权益"
    PUBLIC_ORDER = "public_order", "违背公序良俗"
    NOT_VOLUNTARY = "not_voluntary", "违反自愿原则"
    UNCLEAR = "unclear", "内容不明确"
    OTHER = "other", "其他不能进行司法确认的情形"


class RulingOutcome(LabelledEnum):
    VALID = "valid", "裁定调解协议有效"
    REJECTED = "rejected", "裁定驳回申请"


RULING_CITATION = f"{CIVIL_PROCEDURE}第二百零六条"


def what_follows(outcome: RulingOutcome) -> tuple[str, ...]:
    """L13 (《民事诉讼法》Art. 206): what the parties may do after the ruling, as the ruling and the pages say it."""
    if RulingOutcome(outcome) == RulingOutcome.VALID:
        return ("一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行。",)
    return (
        "通过调解方式变更原调解协议；",
        "达成新的调解协议；",
        "向人民法院提起诉讼。",
    )


def new_agreement_allowed(latest_outcome: RulingOutcome | str | None) -> bool:
    """L13 (《民事诉讼法》Art. 206): once the court rejected the application, the parties may change the agreement by
    mediation or reach a new one, so the agreement in force gives way to a new draft; while an application is
    pending, or after a valid ruling (enforceable), it stays."""
    return bool(latest_outcome) and RulingOutcome(latest_outcome) == RulingOutcome.REJECTED


def objection_deadline(cal: WorkdayCalendar, received_on: dt.date) -> Deadline:
    """L14: a party's objection to the ruling within 15 days of receiving it (解释 Art. 372 ¶2)."""
    return cal.deadline(received_on, OBJECTION_PERIOD)


def outsider_objection_last_day(cal: WorkdayCalendar, knew_on: dt.date) -> dt.date:
    """L14: an interested outsider objects within 6 months of the day they knew or should have known that their
    rights were harmed (解释 Art. 372 ¶2). Months end on the same day number, or the month's last day when it has
    none (《民法典》Art. 202); a last day that is a rest day moves to the next working day (Art. 203)."""
    month = knew_on.month - 1 + OUTSIDER_OBJECTION_MONTHS
    year, month = knew_on.year + month // 12, month % 12 + 1
    next_month_first = dt.date(year + month // 12, month % 12 + 1, 1)
    day = min(knew_on.day, (next_month_first - dt.timedelta(days=1)).day)
    last = dt.date(year, month, day)
    while not cal.is_workday(last)[0]:
        last += dt.timedelta(days=1)
    return last


# L18: judicial confirmation is a special procedure and pays no fee (《诉讼费用交纳办法》第八条第（一）项; the 2011
# provisions Art. 11 say the same); a case closed by a 调解书 or by withdrawal pays half the case fee (第十五条).
CONFIRMATION_FEE_CITATION = f"《诉讼费用交纳办法》第八条第（一）项；{CONFIRMATION_PROVISIONS}第十一条"
HALF_FEE_CITATION = "《诉讼费用交纳办法》第十五条"


def confirmation_fee() -> Decimal:
    """L18: nothing."""
    return Decimal("0.00")


# L18: the fee of a property case (财产案件) by the amount claimed, in bands each charged at its own rate and added
# up (《诉讼费用交纳办法》第十三条第（一）项): up to 10,000 yuan, 50 yuan a case; then each part of the amount in a
# band at the band's rate. (upper bound of the band in yuan, rate); None: no upper bound.
FEE_CITATION = "《诉讼费用交纳办法》第十三条第（一）项"
FEE_MINIMUM = Decimal("50")
FEE_BANDS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("100000"), Decimal("0.025")),
    (Decimal("200000"), Decimal("0.02")),
    (Decimal("500000"), Decimal("0.015")),
    (Decimal("1000000"), Decimal("0.01")),
    (Decimal("2000000"), Decimal("0.009")),
    (Decimal("5000000"), Decimal("0.008")),
    (Decimal("10000000"), Decimal("0.007")),
    (Decimal("20000000"), Decimal("0.006")),
    (None, Decimal("0.005")),
)
_FIRST_BAND = Decimal("10000")


def case_fee(amount: Decimal) -> Decimal:
    """L18: the acceptance fee of a property case claiming `amount` yuan (第十三条第（一）项), to the fen."""
    amount = Decimal(amount)
    if amount < 0:
        raise DomainError("诉讼请求金额不能为负数")
    fee, lower = FEE_MINIMUM, _FIRST_BAND
    for upper, rate in FEE_BANDS:
        if amount <= lower:
            break
        part = amount - lower if upper is None else min(amount, upper) - lower
        fee += part * rate
        if upper is None:
            break
        lower = upper
    return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def half_fee(case_fee: Decimal) -> Decimal:
    """L18: half the case fee, to the fen, for a case closed by a 调解书 or withdrawn."""
    return (Decimal(case_fee) / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
