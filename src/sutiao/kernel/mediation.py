"""The mediation itself, as law shapes it: its period (L6), the notice to the other party (L5), the grounds on
which it ends (L7), a change of mediator and what refusing every replacement means (L9), and the failure record
(L17). Pure functions of dates and facts; the platforms store and show what these decide."""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from .calendar import Deadline, PeriodRule, WorkdayCalendar
from .enums import DelegationKind, LabelledEnum

# L6: 委派 (before filing) 30 days; 委托 (in litigation) 15 days, 7 under simple procedure; "日" are calendar days
# counted as 《民法典》Art. 201/203 and 《民事诉讼法》Art. 85 count them (start day not counted, a last day that is
# a rest day moves to the next working day) — the articles say 日, not 工作日 (contrast Art. 15's 三个工作日).
# 《人民法院在线调解规则》Art. 24; 《最高人民法院关于人民法院特邀调解的规定》Art. 27.
PERIOD_CITATION = "《人民法院在线调解规则》第二十四条、第二十六条；《最高人民法院关于人民法院特邀调解的规定》第二十七条"
PERIOD_DELEGATED = PeriodRule("L6", 30, False, "《人民法院在线调解规则》第二十四条第一款")
PERIOD_ENTRUSTED = PeriodRule("L6", 15, False, "《人民法院在线调解规则》第二十四条第一款")
PERIOD_ENTRUSTED_SIMPLE = PeriodRule("L6", 7, False, "《人民法院在线调解规则》第二十四条第一款")
MEDIATION_PERIODS = {
    (DelegationKind.DELEGATION, False): PERIOD_DELEGATED,
    (DelegationKind.DELEGATION, True): PERIOD_DELEGATED,  # simple procedure exists only once filed
    (DelegationKind.ENTRUSTMENT, False): PERIOD_ENTRUSTED,
    (DelegationKind.ENTRUSTMENT, True): PERIOD_ENTRUSTED_SIMPLE,
}
# Days before the end on which the mediator is reminded (the platform's policy, not the law's).
REMINDER_DAYS = (5, 1)

# L5: the mediator may help the court tell the other party within 3 working days of accepting (Art. 15).
NOTIFY_PERIOD = PeriodRule("L5", 3, True, "《人民法院在线调解规则》第十五条第一款")


def period_rule(kind: DelegationKind, simple_procedure: bool) -> PeriodRule:
    return MEDIATION_PERIODS[(DelegationKind(kind), bool(simple_procedure))]


@dataclasses.dataclass(frozen=True)
class Pause:
    """An appraisal (鉴定评估) from `start` to `end` (None: still running). Its days are not counted
    (《人民法院在线调解规则》Art. 26): the days from the day after `start` to `end`, both included."""

    start: dt.date
    end: dt.date | None = None

    @property
    def days(self) -> int:
        assert self.end is not None
        return (self.end - self.start).days


def mediation_deadline(
    calendar: WorkdayCalendar,
    rule: PeriodRule,
    accepted_on: dt.date,
    extension_days: int = 0,
    pauses: Iterable[Pause] = (),
) -> Deadline | None:
    """L6: the last day of the mediation period, from the day the organisation accepted on the platform
    (Art. 24 ¶2), lengthened by every extension the parties all agreed to (Art. 24 ¶1) and by the days spent on
    appraisal (Art. 26). None while an appraisal runs: the clock is stopped and the end is not known."""
    pauses = list(pauses)
    if any(p.end is None for p in pauses):
        return None
    length = rule.length + extension_days + sum(p.days for p in pauses)
    return calendar.add_calendar_days(accepted_on, dataclasses.replace(rule, length=length))


def extension_allowed(consenting: set, parties: set) -> bool:
    """L6: an extension needs every party's consent (Art. 24 ¶1 各方当事人同意延长)."""
    return bool(parties) and parties <= consenting


class TerminationGround(LabelledEnum):
    """L7: the grounds on which online mediation ends (《人民法院在线调解规则》Art. 25)."""

    AGREEMENT = "agreement", "当事人达成调解协议"
    WITHDRAWN = "withdrawn", "当事人自行和解，撤回调解申请"
    UNREACHABLE = "unreachable", "在调解期限内无法联系到当事人"
    UNWILLING = "unwilling", "当事人一方明确表示不愿意继续调解"
    IRRECONCILABLE = "irreconcilable", "当事人分歧较大且难以达成调解协议"
    PERIOD_EXPIRED = "period_expired", "调解期限届满，未达成调解协议，且各方当事人未达成延长调解期限的合意"
    REFUSED_TO_SIGN = "refused_to_sign", "当事人一方拒绝在调解协议上签章"
    OTHER = "other", "其他导致调解无法进行的情形"


# The grounds that end a mediation without agreement: what the failure record is kept for (L17).
FAILURE_GROUNDS = frozenset(TerminationGround) - {TerminationGround.AGREEMENT, TerminationGround.WITHDRAWN}


def termination_allowed(ground: TerminationGround, today: dt.date, deadline: Deadline | None) -> bool:
    """L7: a ground of Art. 25 ends the mediation; 期限届满 (6) only once the period has run out."""
    ground = TerminationGround(ground)
    if ground == TerminationGround.PERIOD_EXPIRED:
        return deadline is not None and today > deadline.due
    return ground in FAILURE_GROUNDS


class RecusalDecision(LabelledEnum):
    """L9: what the organisation decides on a party's request for recusal or a change of mediator."""

    REPLACED = "replaced", "更换调解员"
    REJECTED = "rejected", "驳回申请，原调解员继续调解"


def refusing_every_replacement_ends(refusals_after_replacement: int) -> bool:
    """L9: a party who still refuses after the change, and does not choose one, refuses mediation
    (《人民法院在线调解规则》Art. 14 视为当事人拒绝调解): the mediation ends on Art. 25 (4)."""
    return refusals_after_replacement > 0


# L17: what a failure record holds (Art. 21 ¶1: 调解基本情况、调解不成的原因、导致其他当事人诉讼成本增加的行为、
# 需要向人民法院提示的其他情况; Art. 22: the undisputed facts are confirmed in writing).
FAILURE_RECORD_FIELDS = ("undisputed_facts", "disputed_points", "positions", "cost_raising_conduct", "notes")


def failure_record_problems(record: dict) -> list[str]:
    """L17: the fields a failure record lacks (the undisputed facts may be 无 but must be said; each side's
    position is one line per party)."""
    problems = [f for f in ("undisputed_facts", "disputed_points") if not str(record.get(f, "")).strip()]
    positions = record.get("positions") or {}
    if not positions or not all(str(v).strip() for v in positions.values()):
        problems.append("positions")
    return problems


def identity_cleared(check_passed: bool | None, warned: bool) -> bool:
    """L8 for one participant: their identity was checked (证件证照在线比对 or the like) with a positive result and
    they were told of the consequences of sham mediation (《人民法院在线调解规则》Art. 17). Whoever is not cleared
    neither takes part in a session held nor is admitted to its online room."""
    return bool(check_passed) and bool(warned)


def identities_checked(participants: set, verified_and_warned: set) -> bool:
    """L8: a session is held only when every participant is cleared (`identity_cleared`)."""
    return bool(participants) and participants <= verified_and_warned
