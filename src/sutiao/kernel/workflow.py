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
    WITHDRAWN = "withdrawn", "当事人撤回，已结案"
    # Registered by mistake (a duplicate, the wrong court, a typing slip): voided with a reason before anything
    # went to an organisation. Terminal; the case stays on record, marked void (issue 15).
    VOIDED = "voided", "已作废（登记错误）"
    # An entrusted case settled: the judge issued the 调解书, which waits for both parties to sign for receipt;
    # once both have, it is in force and the case is closed (《民事诉讼法》Art. 100; LEGAL-RULES L15).
    DOCUMENT_ISSUED = "document_issued", "已制作调解书，待双方当事人签收"
    DOCUMENT_EFFECTIVE = "document_effective", "调解书已生效，已结案"


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
    WITHDRAWN = "withdrawn"
    VOID = "void"
    ISSUE_DOCUMENT = "issue_document"
    DOCUMENT_EFFECTIVE = "document_effective"


_C, _E = CourtState, CourtEvent
# Where mediation cannot go on (consent refused, every organisation declined, mediation failed), the
# case goes back to court: a pre-filing case is filed, a case in litigation resumes trial (notice §4(5);
# 《人民法院在线调解规则》Art. 21; LEGAL-RULES L17).
_BACK_TO_COURT_FROM = (_C.AWAITING_CONSENT, _C.CONSENTED, _C.RETURNED, _C.FAILED)
_VOIDABLE = (_C.APPLIED, _C.AWAITING_CONSENT, _C.CONSENTED)
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
    # The applicant withdrew, e.g. because the parties settled (《人民法院在线调解规则》Art. 25): not a failure;
    # the case closes without being filed.
    (_C.MEDIATING, _E.WITHDRAWN): _C.WITHDRAWN,
    **{(s, _E.FILE_CASE): _C.FILED for s in _BACK_TO_COURT_FROM},
    **{(s, _E.RESUME_TRIAL): _C.TRIAL_RESUMED for s in _BACK_TO_COURT_FROM},
    # Only while nothing has gone to an organisation: once a delegation was sent, the organisation holds a copy
    # and the case ends through the court's procedure (recall, then filing or trial), not by voiding (issue 15).
    **{(s, _E.VOID): _C.VOIDED for s in _VOIDABLE},
    # L15: an entrusted (委托) case settled with an agreement in force: the judge issues the 调解书; it takes effect
    # when both parties sign for receipt, and the case closes; a party who refuses sends it back to trial
    # (《民事诉讼法》Art. 102: 人民法院应当及时判决).
    (_C.SUCCEEDED, _E.ISSUE_DOCUMENT): _C.DOCUMENT_ISSUED,
    (_C.DOCUMENT_ISSUED, _E.DOCUMENT_EFFECTIVE): _C.DOCUMENT_EFFECTIVE,
    (_C.DOCUMENT_ISSUED, _E.RESUME_TRIAL): _C.TRIAL_RESUMED,
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
    (_I.MEDIATING, _IE.ASSIGN_MEDIATOR): _I.MEDIATING,
    (_I.MEDIATING, _IE.SUCCEED): _I.SUCCEEDED,
    (_I.MEDIATING, _IE.FAIL): _I.FAILED,
    (_I.MEDIATING, _IE.WITHDRAW): _I.WITHDRAWN,
    (_I.RECEIVED, _IE.RECALL): _I.RECALLED,
    (_I.ACCEPTED, _IE.RECALL): _I.RECALLED,
    (_I.MEDIATING, _IE.RECALL): _I.RECALLED,
}


# Where the organisation takes in the court's correction of a delegated case (CASE_CORRECTED, issue 15): while
# it holds the case (received, accepted, being mediated). Not once a result is recorded (succeeded, failed,
# withdrawn): the agreement or the failure record names the parties and claims as they were mediated, and the
# court hears of the result anyway; nor once it declined the case or the court recalled it. A correction that
# arrives too late is refused for good, and the court's case page says so.
INVESTOR_CORRECTABLE = frozenset({InvestorState.RECEIVED, InvestorState.ACCEPTED, InvestorState.MEDIATING})


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


# --- The court platform's delegation and roster proposal (issue 9) ---
#
# The court's actions and inbound effects change these states through one helper that sets the state and
# never saves (`sutiao.court.actions.common.transition`): the caller saves with the fields it changed.

# Cases that need nothing more from the court: filed, back in trial, withdrawn, or settled (judicial
# confirmation and the 调解书 follow in a later issue); each has its closed_at set when it gets there.
COURT_CLOSED_STATES = frozenset(
    {
        CourtState.FILED,
        CourtState.TRIAL_RESUMED,
        CourtState.SUCCEEDED,
        CourtState.WITHDRAWN,
        CourtState.VOIDED,
        CourtState.DOCUMENT_EFFECTIVE,
    }
)

# Where staff may correct a case's registration data (issue 15): any state before the case ends. While nothing
# has gone to an organisation (applied, asking consent, consented, or back from a delegation that ended) the
# correction stays on the court platform; while a delegation is with an organisation (sent, received, accepted
# and being mediated) the correction is sent to it (CASE_CORRECTED) so both platforms hold the same parties and
# claims. Not once a result is recorded (succeeded, failed): the agreement or the failure record names the
# parties and claims as they were mediated, and a later change would make the record and the file disagree;
# nor once the case is filed, back in trial, withdrawn or void: it is the trial's (or nobody's) to change.
COURT_CORRECTABLE = frozenset(
    {
        CourtState.APPLIED,
        CourtState.AWAITING_CONSENT,
        CourtState.CONSENTED,
        CourtState.RETURNED,
        CourtState.DELEGATED,
        CourtState.MEDIATING,
    }
)
# …of which those where a delegation is with an organisation: the correction travels to it.
COURT_CORRECTION_SENT = frozenset({CourtState.DELEGATED, CourtState.MEDIATING})

# Labels that name the act: 委派 before filing, 委托 in litigation (notice 四（五）; 《人民法院在线调解规则》Art. 24).
_ENTRUSTMENT_LABELS = {
    CourtState.CONSENTED: "各方同意调解，待委托",
    CourtState.DELEGATED: "已委托，待调解组织答复",
    CourtState.RETURNED: "已退回，待重新委托或恢复审理",
}
_DELEGATION_LABELS = {
    CourtState.CONSENTED: "各方同意调解，待委派",
    CourtState.DELEGATED: "已委派，待调解组织答复",
    CourtState.RETURNED: "已退回，待重新委派或立案",
}


def court_state_label(state: CourtState, stage: CaseStage) -> str:
    """The state as the case page names it, with 委派 or 委托 by the case's stage."""
    labels = _DELEGATION_LABELS if stage == CaseStage.PRE_FILING else _ENTRUSTMENT_LABELS
    return labels.get(CourtState(state), CourtState(state).label)


class DelegationState(LabelledEnum):
    """One delegation (委派/委托) of a case to an organisation, as the court sees it. Message delivery is
    接收 (received), never 送达: 送达 is the legal service of documents (《民事诉讼法》Art. 90), not built yet."""

    SENT = "sent", "已发出，待调解平台接收"
    RECEIVED = "received", "调解平台已接收，待答复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "不予接受"
    OVERDUE = "overdue", "逾期未答复"
    RECALLED = "recalled", "已撤回"
    CONCLUDED = "concluded", "调解结束"


class DelegationEvent(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # The investor platform refused the message for good (e.g. the organisation is suspended there).
    REFUSED = "refused"
    ANSWER_OVERDUE = "answer_overdue"
    RECALL = "recall"
    CONCLUDED = "concluded"


_D, _DE = DelegationState, DelegationEvent
DELEGATION_TRANSITIONS: dict[tuple[DelegationState, DelegationEvent], DelegationState] = {
    (_D.SENT, _DE.RECEIVED): _D.RECEIVED,
    # An answer may overtake the receipt of its delegation.
    **{(s, _DE.ACCEPTED): _D.ACCEPTED for s in (_D.SENT, _D.RECEIVED)},
    **{(s, _DE.DECLINED): _D.DECLINED for s in (_D.SENT, _D.RECEIVED)},
    **{(s, _DE.REFUSED): _D.DECLINED for s in (_D.SENT, _D.RECEIVED)},
    # Only a received delegation has an answer period to miss (LEGAL-RULES L4).
    (_D.RECEIVED, _DE.ANSWER_OVERDUE): _D.OVERDUE,
    **{(s, _DE.RECALL): _D.RECALLED for s in (_D.SENT, _D.RECEIVED, _D.ACCEPTED)},
    (_D.ACCEPTED, _DE.CONCLUDED): _D.CONCLUDED,
}
DELEGATION = Machine("delegation", DELEGATION_TRANSITIONS)
# Waiting for the organisation's answer (accept or decline). Sorted tuples, not sets: a query's `IN (…)` must
# list the states in one fixed order, the order of the partial indexes behind the work queue (SQLite uses a
# partial index only for the very same terms).
DELEGATION_ANSWERABLE = tuple(sorted({s for (s, e) in DELEGATION_TRANSITIONS if e == _DE.ACCEPTED}))
# Not yet over: the organisation holds it, or may still take it (what counts as its load).
DELEGATION_OPEN = tuple(sorted({s for (s, e) in DELEGATION_TRANSITIONS if e == _DE.RECALL}))


class CourtProposalState(LabelledEnum):
    """An organisation or mediator pushed to a court for its invited roster (notice 四（四）). Named for the
    court, as the investor platform keeps its own states of a push."""

    PENDING = "pending", "待确认"
    # A court admin asked to take over a higher court's entry: the organisation or mediator has yet to consent
    # (《人民法院在线调解规则》Art. 27 ¶2; LEGAL-RULES L23). The request starts in this state, not in PENDING.
    AWAITING_CONSENT = "awaiting_consent", "待调解组织或调解员同意"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "未予确认"
    WITHDRAWN = "withdrawn", "推送方已撤销"


class CourtProposalEvent(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    # The registry says the organisation or mediator is no longer active.
    WITHDRAW = "withdraw"
    # The organisation or mediator answered a request to take it over (ROSTER_ADOPTION_ANSWER), or the
    # investor platform refused the request for good.
    SUBJECT_CONSENTED = "subject_consented"
    SUBJECT_REFUSED = "subject_refused"
    REQUEST_REFUSED = "request_refused"


_P, _PE = CourtProposalState, CourtProposalEvent
COURT_PROPOSAL_TRANSITIONS: dict[tuple[CourtProposalState, CourtProposalEvent], CourtProposalState] = {
    (_P.PENDING, _PE.CONFIRM): _P.CONFIRMED,
    (_P.PENDING, _PE.REJECT): _P.REJECTED,
    (_P.PENDING, _PE.WITHDRAW): _P.WITHDRAWN,
    # L23: only the subject's consent puts a higher court's entry on this court's roster.
    (_P.AWAITING_CONSENT, _PE.SUBJECT_CONSENTED): _P.CONFIRMED,
    (_P.AWAITING_CONSENT, _PE.SUBJECT_REFUSED): _P.REJECTED,
    (_P.AWAITING_CONSENT, _PE.REQUEST_REFUSED): _P.REJECTED,
    (_P.AWAITING_CONSENT, _PE.WITHDRAW): _P.WITHDRAWN,
}
COURT_PROPOSAL = Machine("court_proposal", COURT_PROPOSAL_TRANSITIONS)
# --- investor platform: a push of an organisation or mediator to a court's invited roster (notice §4(4)) ---


class InvestorProposalState(LabelledEnum):
    PENDING = "pending", "待法院确认"
    # A lower court asks to take the subject over from a higher court's roster (ROSTER_ADOPTION_REQUESTED):
    # the organisation or mediator answers (《人民法院在线调解规则》Art. 27 ¶2; LEGAL-RULES L23).
    AWAITING_CONSENT = "awaiting_consent", "待同意"
    CONFIRMED = "confirmed", "已纳入名册"
    REJECTED = "rejected", "法院未予确认"
    REFUSED = "refused", "不同意沿用"
    ENDED = "ended", "已移出名册"


class InvestorProposalEvent(StrEnum):
    CONSENTED = "consented"  # the organisation or mediator consented to a lower court's taking it over
    REFUSED = "refused"  # … or did not, with a reason
    CONFIRMED = "confirmed"  # the court confirmed it (ROSTER_DECISION)
    REJECTED = "rejected"  # the court did not (ROSTER_DECISION), or its platform refused the push for good
    REMOVED = "removed"  # the court took the subject off its roster (ROSTER_REMOVED; 特邀调解规定 Art. 28)
    SUPERSEDED = "superseded"  # a renewal's confirmation replaced it
    SUBJECT_INACTIVE = "subject_inactive"  # the organisation or mediator was suspended or left


_IP, _IPE = InvestorProposalState, InvestorProposalEvent
INVESTOR_PROPOSAL_TRANSITIONS: dict[tuple[InvestorProposalState, InvestorProposalEvent], InvestorProposalState] = {
    (_IP.PENDING, _IPE.CONFIRMED): _IP.CONFIRMED,
    (_IP.PENDING, _IPE.REJECTED): _IP.REJECTED,
    (_IP.PENDING, _IPE.SUBJECT_INACTIVE): _IP.ENDED,
    (_IP.AWAITING_CONSENT, _IPE.CONSENTED): _IP.CONFIRMED,
    (_IP.AWAITING_CONSENT, _IPE.REFUSED): _IP.REFUSED,
    (_IP.AWAITING_CONSENT, _IPE.SUBJECT_INACTIVE): _IP.ENDED,
    (_IP.CONFIRMED, _IPE.REMOVED): _IP.ENDED,
    (_IP.CONFIRMED, _IPE.SUPERSEDED): _IP.ENDED,
    (_IP.CONFIRMED, _IPE.SUBJECT_INACTIVE): _IP.ENDED,
}
INVESTOR_PROPOSAL = Machine("investor-roster-proposal", INVESTOR_PROPOSAL_TRANSITIONS)
# A push the court has yet to decide, a request to take the subject over, or a membership: what the court must
# hear of when the subject changes.
INVESTOR_PROPOSAL_LIVE = (_IP.PENDING, _IP.AWAITING_CONSENT, _IP.CONFIRMED)
# Asked and not yet answered: a push to the court, or a lower court's request to take the subject over.
INVESTOR_PROPOSAL_OPEN = (_IP.PENDING, _IP.AWAITING_CONSENT)


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


# --- investor platform: a typical case (典型案例) proposed for publication (法办〔2021〕313号 五（四）) ---


class TypicalCaseState(LabelledEnum):
    PROPOSED = "proposed", "待审核"
    RETURNED = "returned", "退回修改"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class TypicalCaseEvent(StrEnum):
    RESUBMIT = "resubmit"  # the organisation revised a returned proposal
    APPROVE = "approve"  # the reviewer compared original and de-identified text and publishes it
    RETURN = "return"  # the reviewer sends it back with what to change
    WITHDRAW = "withdraw"  # the organisation takes back its proposal, or the reviewer takes a case off the page


_T, _TE = TypicalCaseState, TypicalCaseEvent
TYPICAL_CASE_TRANSITIONS: dict[tuple[TypicalCaseState, TypicalCaseEvent], TypicalCaseState] = {
    (_T.PROPOSED, _TE.APPROVE): _T.PUBLISHED,
    (_T.PROPOSED, _TE.RETURN): _T.RETURNED,
    (_T.RETURNED, _TE.RESUBMIT): _T.PROPOSED,
    (_T.PROPOSED, _TE.WITHDRAW): _T.WITHDRAWN,
    (_T.RETURNED, _TE.WITHDRAW): _T.WITHDRAWN,
    (_T.PUBLISHED, _TE.WITHDRAW): _T.WITHDRAWN,
}
TYPICAL_CASE = Machine("typical-case", TYPICAL_CASE_TRANSITIONS)


# --- both platforms: a periodic quality-and-efficiency report made in the background (issue 13 §3) ---


class ReportPeriod(LabelledEnum):
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class ReportState(LabelledEnum):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已生成"
    FAILED = "failed", "生成失败"


class ReportEvent(StrEnum):
    START = "start"  # a worker claimed it
    FINISH = "finish"  # the PDF and the workbook are stored
    FAIL = "fail"  # an error, or a worker that stopped mid-way
    RETRY = "retry"  # asked again after a failure


REPORT_TRANSITIONS: dict[tuple[ReportState, ReportEvent], ReportState] = {
    (ReportState.QUEUED, ReportEvent.START): ReportState.RUNNING,
    (ReportState.RUNNING, ReportEvent.FINISH): ReportState.DONE,
    (ReportState.RUNNING, ReportEvent.FAIL): ReportState.FAILED,
    (ReportState.QUEUED, ReportEvent.FAIL): ReportState.FAILED,
    (ReportState.FAILED, ReportEvent.RETRY): ReportState.QUEUED,
}
REPORT = Machine("report", REPORT_TRANSITIONS)


# --- investor platform: the mediation of an accepted delegation (issue 10; LEGAL-RULES L5–L9, L17) ---


class MediationState(LabelledEnum):
    ACTIVE = "active", "调解中"
    APPRAISAL = "appraisal", "鉴定评估中（调解期限暂停计算）"
    SUCCEEDED = "succeeded", "调解成功"
    TERMINATED = "terminated", "调解终结（调解不成）"
    WITHDRAWN = "withdrawn", "当事人撤回调解申请"


class MediationEvent(StrEnum):
    EXTEND = "extend"  # every party consented (L6)
    PAUSE = "pause"  # appraisal starts: the period stops (在线调解规则 Art. 26)
    RESUME = "resume"
    CHANGE_MEDIATOR = "change_mediator"  # recusal or change decided by the organisation (L9)
    SUCCEED = "succeed"
    TERMINATE = "terminate"  # a ground of Art. 25 (L7) with the failure record (L17)
    WITHDRAW = "withdraw"


_M, _ME = MediationState, MediationEvent
MEDIATION_TRANSITIONS: dict[tuple[MediationState, MediationEvent], MediationState] = {
    (_M.ACTIVE, _ME.EXTEND): _M.ACTIVE,
    (_M.ACTIVE, _ME.PAUSE): _M.APPRAISAL,
    (_M.APPRAISAL, _ME.RESUME): _M.ACTIVE,
    **{(s, _ME.CHANGE_MEDIATOR): s for s in (_M.ACTIVE, _M.APPRAISAL)},
    (_M.ACTIVE, _ME.SUCCEED): _M.SUCCEEDED,
    **{(s, _ME.TERMINATE): _M.TERMINATED for s in (_M.ACTIVE, _M.APPRAISAL)},
    **{(s, _ME.WITHDRAW): _M.WITHDRAWN for s in (_M.ACTIVE, _M.APPRAISAL)},
}
MEDIATION = Machine("mediation", MEDIATION_TRANSITIONS)
MEDIATION_OPEN = (_M.ACTIVE, _M.APPRAISAL)


# --- investor platform: a party's direct application to an organisation (issue 10 item 3; L19) ---


class ApplicationState(LabelledEnum):
    SUBMITTED = "submitted", "已提交，待调解组织审查"
    DECLINED = "declined", "调解组织不予受理"
    AWAITING_RESPONDENT = "awaiting_respondent", "已受理，待被申请人答复"
    RESPONDENT_REFUSED = "respondent_refused", "被申请人拒绝调解"
    RESPONDENT_UNREACHED = "respondent_unreached", "无法联系被申请人，调解程序终结"
    MEDIATING = "mediating", "调解中"
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成"
    WITHDRAWN = "withdrawn", "申请人撤回"


class ApplicationEvent(StrEnum):
    ACCEPT = "accept"  # the organisation takes the application on (受理) and names the mediator
    DECLINE = "decline"  # … or not, with a reason
    # The respondent agreed, or refused where it may not (L19): the mediation starts either way.
    START_MEDIATION = "start_mediation"
    RESPONDENT_REFUSED = "respondent_refused"  # only where the respondent may refuse (L19)
    # The organisation could not reach the respondent, who never answered (kernel.direct.may_end_unreached).
    RESPONDENT_UNREACHED = "respondent_unreached"
    SUCCEED = "succeed"
    FAIL = "fail"
    WITHDRAW = "withdraw"


_A, _AE = ApplicationState, ApplicationEvent
APPLICATION_TRANSITIONS: dict[tuple[ApplicationState, ApplicationEvent], ApplicationState] = {
    (_A.SUBMITTED, _AE.ACCEPT): _A.AWAITING_RESPONDENT,
    (_A.SUBMITTED, _AE.DECLINE): _A.DECLINED,
    (_A.AWAITING_RESPONDENT, _AE.START_MEDIATION): _A.MEDIATING,
    (_A.AWAITING_RESPONDENT, _AE.RESPONDENT_REFUSED): _A.RESPONDENT_REFUSED,
    (_A.AWAITING_RESPONDENT, _AE.RESPONDENT_UNREACHED): _A.RESPONDENT_UNREACHED,
    (_A.MEDIATING, _AE.SUCCEED): _A.SUCCEEDED,
    (_A.MEDIATING, _AE.FAIL): _A.FAILED,
    (_A.MEDIATING, _AE.WITHDRAW): _A.WITHDRAWN,
    # Before the mediation starts the applicant may simply withdraw (申请人撤回申请); once it runs, a withdrawal is
    # a ground for ending the mediation (《人民法院在线调解规则》Art. 25; LEGAL-RULES L7), recorded through it.
    (_A.SUBMITTED, _AE.WITHDRAW): _A.WITHDRAWN,
    (_A.AWAITING_RESPONDENT, _AE.WITHDRAW): _A.WITHDRAWN,
}
APPLICATION = Machine("application", APPLICATION_TRANSITIONS)
APPLICATION_OPEN = (_A.SUBMITTED, _A.AWAITING_RESPONDENT, _A.MEDIATING)


# --- court platform: an application for judicial confirmation of a mediation agreement (issue 11 §4) ---


class ConfirmationState(LabelledEnum):
    RECEIVED = "received", "已收到申请，待决定是否受理"
    ACCEPTED = "accepted", "已受理，审查中"
    NOT_ACCEPTED = "not_accepted", "裁定不予受理"
    CONFIRMED = "confirmed", "裁定调解协议有效"
    REJECTED = "rejected", "裁定驳回申请"
    WITHDRAWN = "withdrawn", "准许撤回申请"


class ConfirmationEvent(StrEnum):
    ACCEPT = "accept"  # 受理 (2011 provisions Art. 4)
    NOT_ACCEPT = "not_accept"  # 裁定不予受理 (解释 Art. 355 ¶1)
    CONFIRM = "confirm"  # 裁定调解协议有效 (民事诉讼法 Art. 206)
    REJECT = "reject"  # 裁定驳回申请 (Art. 206; 解释 Art. 355 ¶2, 358)
    # Before the ruling the parties may withdraw, and a party who does not supply what was asked for in time may
    # be treated as having withdrawn (解释 Art. 357).
    WITHDRAW = "withdraw"


_C, _CE = ConfirmationState, ConfirmationEvent
CONFIRMATION_TRANSITIONS: dict[tuple[ConfirmationState, ConfirmationEvent], ConfirmationState] = {
    (_C.RECEIVED, _CE.ACCEPT): _C.ACCEPTED,
    (_C.RECEIVED, _CE.NOT_ACCEPT): _C.NOT_ACCEPTED,
    (_C.ACCEPTED, _CE.CONFIRM): _C.CONFIRMED,
    (_C.ACCEPTED, _CE.REJECT): _C.REJECTED,
    (_C.RECEIVED, _CE.WITHDRAW): _C.WITHDRAWN,
    (_C.ACCEPTED, _CE.WITHDRAW): _C.WITHDRAWN,
}
CONFIRMATION = Machine("confirmation", CONFIRMATION_TRANSITIONS)
# --- investor platform: the parties' joint online application for judicial confirmation (issue 11 §4; L11) ---


class RequestState(LabelledEnum):
    JOINING = "joining", "当事人共同申请中"
    SENT = "sent", "已提交法院"
    RECEIVED = "received", "法院已收到申请，待决定是否受理"
    # The court platform could not take it: the agreement's hash or signatures did not check, or L11 refused it.
    REFUSED = "refused", "法院平台未接收"
    ACCEPTED = "accepted", "法院已受理，审查中"
    NOT_ACCEPTED = "not_accepted", "法院裁定不予受理"
    CONFIRMED = "confirmed", "法院裁定调解协议有效"
    REJECTED = "rejected", "法院裁定驳回申请"
    WITHDRAWN = "withdrawn", "已撤回申请"


class RequestEvent(StrEnum):
    JOIN = "join"  # a party (or its agent) joins; the last one's join sends it
    SEND = "send"
    COURT_RECEIVED = "court_received"
    COURT_REFUSED = "court_refused"
    ACCEPT = "accept"
    NOT_ACCEPT = "not_accept"
    CONFIRM = "confirm"
    REJECT = "reject"
    WITHDRAW = "withdraw"


_R, _RE = RequestState, RequestEvent
REQUEST_TRANSITIONS: dict[tuple[RequestState, RequestEvent], RequestState] = {
    (_R.JOINING, _RE.JOIN): _R.JOINING,
    (_R.JOINING, _RE.SEND): _R.SENT,
    (_R.SENT, _RE.COURT_RECEIVED): _R.RECEIVED,
    (_R.SENT, _RE.COURT_REFUSED): _R.REFUSED,
    (_R.RECEIVED, _RE.ACCEPT): _R.ACCEPTED,
    (_R.RECEIVED, _RE.NOT_ACCEPT): _R.NOT_ACCEPTED,
    (_R.ACCEPTED, _RE.CONFIRM): _R.CONFIRMED,
    (_R.ACCEPTED, _RE.REJECT): _R.REJECTED,
    (_R.RECEIVED, _RE.WITHDRAW): _R.WITHDRAWN,
    (_R.ACCEPTED, _RE.WITHDRAW): _R.WITHDRAWN,
}
CONFIRMATION_REQUEST = Machine("confirmation_request", REQUEST_TRANSITIONS)
# An agreement has at most one application in these states; after a refusal or non-acceptance the parties may apply
# again (within the 30 days, L11), after a ruling they follow it (L13).
REQUEST_LIVE = (_R.JOINING, _R.SENT, _R.RECEIVED, _R.ACCEPTED, _R.CONFIRMED, _R.REJECTED)


# --- investor platform: the mediation agreement (调解协议; issue 11; LEGAL-RULES L10) ---


class AgreementState(LabelledEnum):
    DRAFT = "draft", "草拟中"
    # Frozen by the mediator's 定稿，提交签署: no version may change; the parties and the mediator sign this text.
    SIGNING = "signing", "已定稿，待签署"
    # Every party signed (L10, kernel.agreement.takes_effect): performance follows.
    EFFECTIVE = "effective", "已生效"
    # Discarded by the mediator, or the mediation ended without it (failed, withdrawn, recalled).
    VOID = "void", "已作废"
    # The court rejected the application for its confirmation and the mediator started a new agreement (L13:
    # 变更原调解协议或者达成新的调解协议): the record stays, the new draft takes its place.
    SUPERSEDED = "superseded", "司法确认被驳回，已另行起草调解协议"


class AgreementEvent(StrEnum):
    REVISE = "revise"  # a new version of the draft
    SUBMIT = "submit"  # 定稿，提交签署: the current version is frozen and rendered
    WITHDRAW = "withdraw"  # back to drafting, only while nobody has signed (kernel.agreement.withdrawal_allowed)
    TAKE_EFFECT = "take_effect"  # every party has signed (L10)
    VOID = "void"
    SUPERSEDE = "supersede"  # a new agreement after the court rejected the confirmation (L13)


_AG, _AGE = AgreementState, AgreementEvent
AGREEMENT_TRANSITIONS: dict[tuple[AgreementState, AgreementEvent], AgreementState] = {
    (_AG.DRAFT, _AGE.REVISE): _AG.DRAFT,
    (_AG.DRAFT, _AGE.SUBMIT): _AG.SIGNING,
    (_AG.SIGNING, _AGE.WITHDRAW): _AG.DRAFT,
    (_AG.SIGNING, _AGE.TAKE_EFFECT): _AG.EFFECTIVE,
    # An agreement in force is not voided here: what follows it (performance, judicial confirmation, a new
    # agreement after a rejected confirmation) is the law's, not the mediator's.
    **{(s, _AGE.VOID): _AG.VOID for s in (_AG.DRAFT, _AG.SIGNING)},
    # Only after a rejected confirmation (kernel.confirmation.new_agreement_allowed), by drafting the new one.
    (_AG.EFFECTIVE, _AGE.SUPERSEDE): _AG.SUPERSEDED,
}
AGREEMENT = Machine("agreement", AGREEMENT_TRANSITIONS)


# --- court platform: the 调解书 of an entrusted case (issue 11 §5; LEGAL-RULES L15) ---


class MediationDocumentState(LabelledEnum):
    ISSUED = "issued", "已送达，待双方当事人签收"
    EFFECTIVE = "effective", "双方当事人已签收，调解书发生法律效力"
    # A party refused before it took effect: it never does, the court proceeds to judgment (Art. 102).
    REFUSED = "refused", "当事人拒绝签收，调解书未生效"


class MediationDocumentEvent(StrEnum):
    TAKE_EFFECT = "take_effect"  # the last party signed for receipt (kernel.mediation_document.takes_effect)
    REFUSE = "refuse"  # a party refused to sign for receipt


MEDIATION_DOCUMENT_TRANSITIONS = {
    (MediationDocumentState.ISSUED, MediationDocumentEvent.TAKE_EFFECT): MediationDocumentState.EFFECTIVE,
    (MediationDocumentState.ISSUED, MediationDocumentEvent.REFUSE): MediationDocumentState.REFUSED,
}
MEDIATION_DOCUMENT = Machine("mediation_document", MEDIATION_DOCUMENT_TRANSITIONS)
# At most one agreement of a mediation is in one of these states; a void one leaves room for a new draft.
AGREEMENT_LIVE = (_AG.DRAFT, _AG.SIGNING, _AG.EFFECTIVE)
