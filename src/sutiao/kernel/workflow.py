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
    DECLINED = "declined", "不予接受"  # the organisation does not accept (不予接受), it does not "refuse"
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
    # A mediator may be replaced during mediation (recusal, 《人民法院在线调解规则》Art. 13–14).
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


# --- investor platform: a push of an organisation or mediator to a court's invited roster (notice §4(4)) ---


class InvestorProposalState(LabelledEnum):
    PENDING = "pending", "待法院确认"
    CONFIRMED = "confirmed", "已纳入名册"
    REJECTED = "rejected", "法院未予确认"
    ENDED = "ended", "已移出名册"


class InvestorProposalEvent(StrEnum):
    CONFIRMED = "confirmed"  # the court confirmed it (ROSTER_DECISION)
    REJECTED = "rejected"  # the court did not (ROSTER_DECISION), or its platform refused the push for good
    REMOVED = "removed"  # the court took the subject off its roster (ROSTER_REMOVED; 特邀调解规定 Art. 28)
    SUPERSEDED = "superseded"  # a renewal's confirmation replaced it
    SUBJECT_INACTIVE = "subject_inactive"  # the organisation or mediator was suspended or left


_P, _PE = InvestorProposalState, InvestorProposalEvent
INVESTOR_PROPOSAL_TRANSITIONS: dict[tuple[InvestorProposalState, InvestorProposalEvent], InvestorProposalState] = {
    (_P.PENDING, _PE.CONFIRMED): _P.CONFIRMED,
    (_P.PENDING, _PE.REJECTED): _P.REJECTED,
    (_P.PENDING, _PE.SUBJECT_INACTIVE): _P.ENDED,
    (_P.CONFIRMED, _PE.REMOVED): _P.ENDED,
    (_P.CONFIRMED, _PE.SUPERSEDED): _P.ENDED,
    (_P.CONFIRMED, _PE.SUBJECT_INACTIVE): _P.ENDED,
}
INVESTOR_PROPOSAL = Machine("investor-roster-proposal", INVESTOR_PROPOSAL_TRANSITIONS)
# A push the court has yet to decide, or a membership: what the court must hear of when the subject changes.
INVESTOR_PROPOSAL_LIVE = (_P.PENDING, _P.CONFIRMED)


# --- investor platform: an Excel import of registry records (whole or nothing) ---


class ImportState(LabelledEnum):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    FAILED = "failed", "未导入（有错误）"
    DONE = "done", "已导入"


class ImportEvent(StrEnum):
    START = "start"  # a worker claimed it
    FAIL = "fail"  # a bad row, an unreadable file, a crash, or a worker that stopped mid-way
    FINISH = "finish"  # every row written


IMPORT_JOB_TRANSITIONS: dict[tuple[ImportState, ImportEvent], ImportState] = {
    (ImportState.QUEUED, ImportEvent.START): ImportState.RUNNING,
    (ImportState.RUNNING, ImportEvent.FAIL): ImportState.FAILED,
    (ImportState.RUNNING, ImportEvent.FINISH): ImportState.DONE,
}
IMPORT_JOB = Machine("import-job", IMPORT_JOB_TRANSITIONS)
IMPORT_ACTIVE = (ImportState.QUEUED, ImportState.RUNNING)
