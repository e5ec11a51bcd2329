"""The case state machines of both platforms as transition tables (DESIGN.md §2; notice §4(5)).

A table maps (state, event) to the next state. Services ask `next_state` before they change anything,
so an action the machine does not allow is refused in one place, with one Chinese message.
"""

from dataclasses import dataclass
from enum import StrEnum

from .enums import CaseStage, LabelledEnum
from .errors import DomainError


class TransitionNotAllowed(DomainError):
    def __init__(self, machine: str, state: str, event: str):
        self.machine, self.state, self.event = machine, state, event
        super().__init__(f"案件当前状态不允许此操作（{machine}: {state} → {event}）")


class CourtState(LabelledEnum):
    APPLIED = "applied", "已申请"
    AWAITING_CONSENT = "awaiting_consent", "征求调解意见中"
    CONSENTED = "consented", "各方同意调解，待委派"
    DELEGATED = "delegated", "已委派/委托，待调解组织答复"
    RETURNED = "returned", "已退回，待重新委派或立案"
    MEDIATING = "mediating", "调解中"
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成"
    FILED = "filed", "已立案"
    TRIAL_RESUMED = "trial_resumed", "已恢复审理"


class CourtEvent(StrEnum):
    ASK_CONSENT = "ask_consent"
    ALL_CONSENTED = "all_consented"
    DELEGATE = "delegate"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ANSWER_OVERDUE = "answer_overdue"
    RECALL = "recall"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    FILE_CASE = "file_case"
    RESUME_TRIAL = "resume_trial"


_C, _E = CourtState, CourtEvent
# Where mediation cannot go on (consent refused, every organisation declined, mediation failed), the
# case goes back to court: a pre-filing case is filed, a case in litigation resumes trial (notice §4(5);
# 《人民法院在线调解规则》Art. 21; LEGAL-RULES L17).
_BACK_TO_COURT_FROM = (_C.AWAITING_CONSENT, _C.CONSENTED, _C.RETURNED, _C.FAILED)
COURT_TRANSITIONS: dict[tuple[CourtState, CourtEvent], CourtState] = {
    (_C.APPLIED, _E.ASK_CONSENT): _C.AWAITING_CONSENT,
    (_C.AWAITING_CONSENT, _E.ALL_CONSENTED): _C.CONSENTED,
    (_C.CONSENTED, _E.DELEGATE): _C.DELEGATED,
    (_C.RETURNED, _E.DELEGATE): _C.DELEGATED,
    (_C.DELEGATED, _E.ACCEPTED): _C.MEDIATING,
    (_C.DELEGATED, _E.DECLINED): _C.RETURNED,
    (_C.DELEGATED, _E.ANSWER_OVERDUE): _C.RETURNED,
    (_C.DELEGATED, _E.RECALL): _C.RETURNED,
    (_C.MEDIATING, _E.RECALL): _C.RETURNED,
    (_C.MEDIATING, _E.SUCCEEDED): _C.SUCCEEDED,
    (_C.MEDIATING, _E.FAILED): _C.FAILED,
    **{(s, _E.FILE_CASE): _C.FILED for s in _BACK_TO_COURT_FROM},
    **{(s, _E.RESUME_TRIAL): _C.TRIAL_RESUMED for s in _BACK_TO_COURT_FROM},
}


class InvestorState(LabelledEnum):
    RECEIVED = "received", "待答复"
    ACCEPTED = "accepted", "已接受，待指派调解员"
    DECLINED = "declined", "已拒绝"
    MEDIATING = "mediating", "调解中"
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成"
    WITHDRAWN = "withdrawn", "当事人撤回"
    RECALLED = "recalled", "法院已撤回委派"


class InvestorEvent(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    ASSIGN_MEDIATOR = "assign_mediator"
    SUCCEED = "succeed"
    FAIL = "fail"
    WITHDRAW = "withdraw"
    RECALL = "recall"


_I, _IE = InvestorState, InvestorEvent
INVESTOR_TRANSITIONS: dict[tuple[InvestorState, InvestorEvent], InvestorState] = {
    (_I.RECEIVED, _IE.ACCEPT): _I.ACCEPTED,
    (_I.RECEIVED, _IE.DECLINE): _I.DECLINED,
    (_I.ACCEPTED, _IE.ASSIGN_MEDIATOR): _I.MEDIATING,
    (_I.MEDIATING, _IE.ASSIGN_MEDIATOR): _I.MEDIATING,
    (_I.MEDIATING, _IE.SUCCEED): _I.SUCCEEDED,
    (_I.MEDIATING, _IE.FAIL): _I.FAILED,
    (_I.MEDIATING, _IE.WITHDRAW): _I.WITHDRAWN,
    (_I.RECEIVED, _IE.RECALL): _I.RECALLED,
    (_I.ACCEPTED, _IE.RECALL): _I.RECALLED,
    (_I.MEDIATING, _IE.RECALL): _I.RECALLED,
}


@dataclass(frozen=True)
class Machine:
    name: str
    transitions: dict

    def next_state(self, state, event):
        try:
            return self.transitions[(type(self._any_state())(state), event)]
        except (KeyError, ValueError):
            raise TransitionNotAllowed(self.name, str(state), str(event)) from None

    def allowed_events(self, state) -> list:
        return [e for (s, e) in self.transitions if s == state]

    def _any_state(self):
        return next(iter(self.transitions))[0]


COURT = Machine("court", COURT_TRANSITIONS)
INVESTOR = Machine("investor", INVESTOR_TRANSITIONS)


def back_to_court_event(stage: CaseStage) -> CourtEvent:
    """委派 (pre-filing) failures are filed; 委托 (in litigation) failures resume trial (LEGAL-RULES L17)."""
    return CourtEvent.FILE_CASE if stage == CaseStage.PRE_FILING else CourtEvent.RESUME_TRIAL
