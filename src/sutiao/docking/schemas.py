"""Envelope and payload schemas of docking v1. Published as OpenAPI at /docking/v1/openapi.json; a
message that does not validate is refused with a machine-readable reason (DESIGN.md §4)."""

import datetime as dt
import hashlib
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from sutiao.kernel.confirmation import RulingOutcome
from sutiao.kernel.enums import (
    ConsentMethod,
    DelegationKind,
    DisputeType,
    MediationOutcome,
    PartyKind,
    PartyRole,
)
from sutiao.kernel.mediation import RecusalDecision, TerminationGround


class MessageType(StrEnum):
    """The docking v1 message types: the envelope's `type`, and the key every hook is registered by."""

    DELEGATE = "DELEGATE"
    DELEGATION_ANSWER = "DELEGATION_ANSWER"
    MEDIATOR_ASSIGNED = "MEDIATOR_ASSIGNED"
    MEDIATION_RESULT = "MEDIATION_RESULT"
    DELEGATION_WITHDRAWN = "DELEGATION_WITHDRAWN"
    ROSTER_PROPOSED = "ROSTER_PROPOSED"
    ROSTER_DECISION = "ROSTER_DECISION"
    ROSTER_REMOVED = "ROSTER_REMOVED"
    ROSTER_ADOPTION_REQUESTED = "ROSTER_ADOPTION_REQUESTED"
    ROSTER_ADOPTION_ANSWER = "ROSTER_ADOPTION_ANSWER"
    ROSTER_CHANGED = "ROSTER_CHANGED"
    AUDIT_HEAD = "AUDIT_HEAD"
    # The mediation's progress, for the court (issue 10 item 6): never caucus messages or evidence.
    MEDIATION_PERIOD = "MEDIATION_PERIOD"
    MEDIATION_SESSION = "MEDIATION_SESSION"
    MEDIATOR_RECUSAL = "MEDIATOR_RECUSAL"
    # The court corrected the registration data of a case delegated to the organisation (issue 15).
    CASE_CORRECTED = "CASE_CORRECTED"
    # The mediator corrected a result recorded by mistake, within the window (issue 15 §4).
    RESULT_CORRECTED = "RESULT_CORRECTED"
    # The agreement of a delegated case took effect, and how each of its terms is performed (issue 11 §3).
    AGREEMENT_STATUS = "AGREEMENT_STATUS"
    # The parties jointly applied online for judicial confirmation of their agreement (issue 11 §4; L11), and
    # what the court decided on it: received, refused, accepted or not, material asked for, ruled (L12–L14).
    CONFIRMATION_APPLIED = "CONFIRMATION_APPLIED"
    CONFIRMATION_DECIDED = "CONFIRMATION_DECIDED"


class Side(StrEnum):
    """The two ends of the docking; `settings.PLATFORM` says which one this process is."""

    COURT = "court"
    INVESTOR = "investor"


Text = Annotated[str, Field(min_length=1, max_length=20000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Names = Annotated[list[ShortText], Field(max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(Strict):
    role: PartyRole
    kind: PartyKind
    name: ShortText
    id_number: Annotated[str, Field(max_length=40)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    address: Annotated[str, Field(max_length=300)] = ""


class Claim(Strict):
    text: Text
    amount: Money | None = None


class Consent(Strict):
    """One party's consent to mediation: who, how, when (LEGAL-RULES L1)."""

    party: ShortText
    consented: bool
    method: ConsentMethod
    recorded_at: AwareDatetime
    recorded_by: ShortText
    note: Annotated[str, Field(max_length=2000)] = ""


class DelegatePayload(Strict):
    delegation_id: UUID
    kind: DelegationKind
    court_case_number: ShortText
    court_id: UUID
    court_name: ShortText
    organisation_id: UUID
    dispute_type: DisputeType
    facts: Annotated[str, Field(max_length=20000)] = ""
    claims: Annotated[list[Claim], Field(min_length=1, max_length=200)]
    amount: Money
    parties: Annotated[list[Party], Field(min_length=2, max_length=500)]
    consent: Annotated[list[Consent], Field(min_length=2, max_length=500)]
    delegated_at: AwareDatetime
    # The mediator the parties jointly chose from the court's roster, if they chose one (LEGAL-RULES L3).
    mediator_id: UUID | None = None
    # The mediator the parties jointly chose (在线调解规则 Art. 10; LEGAL-RULES L3): it binds the organisation.
    chosen_mediator_id: UUID | None = None
    # An entrustment in a case tried under simple procedure: its mediation period is 7 days, not 15
    # (《人民法院在线调解规则》Art. 24; LEGAL-RULES L6).
    simple_procedure: bool = False

    @model_validator(mode="after")
    def everyone_consented(self):
        # A delegation without every party's recorded consent is void (LEGAL-RULES L1).
        consenting = {c.party for c in self.consent if c.consented}
        missing = [p.name for p in self.parties if p.name not in consenting]
        if missing:
            raise ValueError(f"parties without recorded consent: {', '.join(missing)}")
        return self


class DelegationAnswerPayload(Strict):
    delegation_id: UUID
    accepted: bool
    reason: Annotated[str, Field(max_length=2000)] = ""
    answered_at: AwareDatetime
    answered_by: ShortText

    @model_validator(mode="after")
    def decline_needs_reason(self):
        # Declining needs written reasons (《人民法院在线调解规则》Art. 12; LEGAL-RULES L4).
        if not self.accepted and not self.reason.strip():
            raise ValueError("a declined delegation needs a reason")
        return self


class MediatorAssignedPayload(Strict):
    delegation_id: UUID
    mediator_id: ShortText
    mediator_name: ShortText
    assigned_at: AwareDatetime
    # Why the organisation did not assign the mediator the parties jointly chose (《人民法院在线调解规则》
    # Art. 10 ¶2: the choice binds it unless it gives its reasons); empty when it did, or none was chosen.
    choice_declined_reason: Annotated[str, Field(max_length=2000)] = ""
    # A change of mediator on a party's request for recusal or change, as the organisation decided it (L9);
    # empty for a first assignment.
    change_reason: Annotated[str, Field(max_length=2000)] = ""


class FailureRecord(Strict):
    """L17: what the mediator records when mediation fails (《人民法院在线调解规则》Art. 21, 22): the facts both
    sides confirmed, the points in dispute, each side's position (party name → position), conduct that raised
    the other side's costs, and anything else the court should know."""

    undisputed_facts: Text
    disputed_points: Text
    positions: Annotated[dict[ShortText, Text], Field(min_length=1, max_length=500)]
    cost_raising_conduct: Annotated[str, Field(max_length=20000)] = ""
    notes: Annotated[str, Field(max_length=20000)] = ""


class MediationResultPayload(Strict):
    delegation_id: UUID
    outcome: MediationOutcome
    terms: Annotated[str, Field(max_length=50000)] = ""
    reason: Annotated[str, Field(max_length=5000)] = ""
    concluded_at: AwareDatetime
    # The ground of Art. 25 it ended on (L7) and, when it failed, the failure record (L17). Optional in v1:
    # results recorded before the mediator's workspace carry neither.
    ground: TerminationGround | None = None
    failure_record: FailureRecord | None = None

    @model_validator(mode="after")
    def outcome_needs_text(self):
        if self.outcome == MediationOutcome.SUCCEEDED and not self.terms.strip():
            raise ValueError("a successful mediation carries the agreed terms")
        if self.outcome != MediationOutcome.SUCCEEDED and not self.reason.strip():
            # A record of the failure is kept (《人民法院在线调解规则》Art. 21; LEGAL-RULES L17).
            raise ValueError("a failed or withdrawn mediation carries its reason")
        return self


class PeriodStep(StrEnum):
    STARTED = "started"
    EXTENDED = "extended"
    PAUSED = "paused"  # an appraisal stops the clock (在线调解规则 Art. 26)
    RESUMED = "resumed"


class MediationPeriodPayload(Strict):
    """L6: the mediation period started on acceptance, was extended with every party's consent, or stopped
    and restarted for an appraisal. `due` is the last day (None while the clock is stopped)."""

    delegation_id: UUID
    step: PeriodStep
    accepted_on: dt.date
    period_days: Annotated[int, Field(ge=1, le=3650)]
    extension_days: Annotated[int, Field(ge=0, le=3650)] = 0
    due: dt.date | None = None
    provisional: bool = False
    reason: Annotated[str, Field(max_length=2000)] = ""
    at: AwareDatetime


class AgreementStep(StrEnum):
    EFFECTIVE = "effective"  # every party signed (L10)
    PERFORMANCE = "performance"  # a party reported, confirmed or disputed performance, or a report stood undisputed
    OVERDUE = "overdue"  # a term's due date passed unperformed


class AgreementTermStatus(Strict):
    position: Annotated[int, Field(ge=1, le=50)]
    obligor: ShortText
    obligee: ShortText
    kind: Literal["payment", "performance"]
    description: Annotated[str, Field(max_length=500)] = ""
    amount: Money | None = None
    due: dt.date
    status: Literal["pending", "reported", "performed", "overdue"]


class AgreementStatusPayload(Strict):
    """L10: the agreement of a delegated case in force, and the performance of each term (voluntary performance,
    《人民法院在线调解规则》Art. 19 ¶2, 20), for the court to follow. The PDF does not travel in a message: `sha256`
    names the version the parties signed."""

    delegation_id: UUID
    agreement_id: UUID
    version: Annotated[int, Field(ge=1)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    step: AgreementStep
    terms: Annotated[list[AgreementTermStatus], Field(max_length=50)] = []
    at: AwareDatetime


class SessionStep(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"


class MediationSessionPayload(Strict):
    """A session scheduled (time, mode, who is invited) or held (who attended). The place is not sent: an
    online session's link is for the participants only."""

    delegation_id: UUID
    session_id: UUID
    step: SessionStep
    starts_at: AwareDatetime
    mode: Literal["online", "on_site", "phone"]
    invited: Names = []
    attended: Names = []
    at: AwareDatetime


class RecusalStep(StrEnum):
    REQUESTED = "requested"
    DECIDED = "decided"


class MediatorRecusalPayload(Strict):
    """L9: a party asked for the mediator's recusal or a change, or the organisation decided it (a replacement
    also arrives as MEDIATOR_ASSIGNED)."""

    delegation_id: UUID
    request_id: UUID
    step: RecusalStep
    kind: Literal["recusal", "change"]
    party: ShortText
    mediator_name: ShortText
    reason: Text
    decision: RecusalDecision | None = None
    decision_reason: Annotated[str, Field(max_length=2000)] = ""
    at: AwareDatetime


class DelegationWithdrawnPayload(Strict):
    delegation_id: UUID
    reason: Text
    withdrawn_at: AwareDatetime


class Change(Strict):
    """One corrected field, before → after, as the court's revision keeps it: `field` names a party's personal
    field (id_number, phone, address) so that the receiver masks it as it masks the parties."""

    what: ShortText
    field: Literal["", "id_number", "phone", "address"] = ""
    before: Annotated[str, Field(max_length=50000)] = ""
    after: Annotated[str, Field(max_length=50000)] = ""


class CaseCorrectedPayload(Strict):
    """The court corrected a delegated case's registration data (issue 15): what changed and why, and the
    parties, claims and consents as they now stand (consents are by party name, and a name may be what was
    corrected). The receiver replaces its copy; the number of parties does not change once they were asked."""

    delegation_id: UUID
    revision_id: Annotated[int, Field(ge=1)]
    corrected_at: AwareDatetime
    corrected_by: ShortText
    reason: Text
    changes: Annotated[list[Change], Field(min_length=1, max_length=1000)]
    dispute_type: DisputeType
    facts: Annotated[str, Field(max_length=20000)] = ""
    amount: Money
    claims: Annotated[list[Claim], Field(min_length=1, max_length=200)]
    parties: Annotated[list[Party], Field(min_length=2, max_length=500)]
    consent: Annotated[list[Consent], Field(min_length=2, max_length=500)]


class ResultCorrectedPayload(Strict):
    """A result recorded by mistake, corrected by the mediator within settings.SUTIAO_RESULT_CORRECTION_HOURS
    (issue 15 §4): the result as it now stands (the outcome is not changed), what changed and why."""

    delegation_id: UUID
    correction_id: Annotated[int, Field(ge=1)]
    corrected_at: AwareDatetime
    corrected_by: ShortText
    reason: Text
    changes: Annotated[list[Change], Field(min_length=1, max_length=1000)]
    outcome: MediationOutcome
    terms: Annotated[str, Field(max_length=50000)] = ""
    result_reason: Annotated[str, Field(max_length=5000)] = ""
    ground: TerminationGround | None = None
    failure_record: FailureRecord | None = None


class OrganisationCard(Strict):
    """A mediation organisation as the registry on the investor platform keeps it (notice §4(3))."""

    organisation_id: UUID
    name: ShortText
    uscc: Annotated[str, Field(min_length=18, max_length=18)]
    kind: ShortText
    supervisor: ShortText
    address: Annotated[str, Field(max_length=300)] = ""
    scope: Annotated[list[ShortText], Field(min_length=1, max_length=40)]
    dispute_types: Annotated[list[DisputeType], Field(min_length=1, max_length=40)]
    capacity: Annotated[int, Field(ge=0, le=1_000_000)]
    contact_name: Annotated[str, Field(max_length=100)] = ""
    contact_phone: Annotated[str, Field(max_length=40)] = ""
    active: bool
    # The registry record's version: a card older than what the receiver holds changes nothing.
    version: Annotated[int, Field(ge=1)]


Hours = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=1)]


class MediatorTraining(Strict):
    """A mediator's training as the investor platform counts it when it sends the card (issue 13 §6; 法办〔2021〕
    313号 五): the hours of courses completed from `start` to `end` (the last twelve months, both days counted)
    against the hours the roster requires (the Bureau's requirement in force on `end`), and whether they meet it."""

    hours: Hours
    required: Hours
    start: dt.date
    end: dt.date
    met: bool

    @model_validator(mode="after")
    def consistent(self):
        if self.end < self.start:
            raise ValueError("the training window ends before it starts")
        if self.met != (self.hours >= self.required):
            raise ValueError("met must say whether the hours reach the requirement")
        return self


class MediatorCard(Strict):
    """A mediator as the registry keeps it; the identity number travels masked only. `training_hours` is the
    registry's own figure (entered with the record); `training` (added later, optional: an older message has none)
    is the hours of the last twelve months against the roster's requirement, which the court's confirmation
    shows."""

    mediator_id: UUID
    organisation_id: UUID
    name: ShortText
    id_number_masked: Annotated[str, Field(max_length=18)]
    specialties: Annotated[list[DisputeType], Field(max_length=40)]
    qualifications: Names
    training_hours: Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=1)]
    active: bool
    version: Annotated[int, Field(ge=1)]
    training: MediatorTraining | None = None


class RosterProposedPayload(Strict):
    """The Bureau pushes an organisation, or a regional office / affiliated unit a mediator, to a court for
    confirmation as specially invited (notice §4(4)); no `court_id` means every court: the list the SPC
    and the CSRC recognise jointly (§4(4) ¶2), confirmed once by the Supreme People's Court."""

    proposal_id: UUID
    court_id: UUID | None
    court_name: ShortText
    organisation: OrganisationCard
    mediator: MediatorCard | None = None
    proposed_by: ShortText
    proposed_at: AwareDatetime
    note: Annotated[str, Field(max_length=2000)] = ""

    @model_validator(mode="after")
    def mediator_of_the_organisation(self):
        if self.mediator is not None and self.mediator.organisation_id != self.organisation.organisation_id:
            raise ValueError("the mediator does not belong to the organisation")
        return self


class RosterDecisionPayload(Strict):
    """The court's decision on a push; a confirmation that renews an entry names the push it `supersedes`."""

    proposal_id: UUID
    confirmed: bool
    reason: Annotated[str, Field(max_length=2000)] = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    decided_by: ShortText
    decided_at: AwareDatetime
    supersedes: UUID | None = None

    @model_validator(mode="after")
    def decision_is_complete(self):
        if self.confirmed and (
            self.valid_from is None or self.valid_until is None or self.valid_until < self.valid_from
        ):
            raise ValueError("a confirmation carries its validity period")
        if not self.confirmed and not self.reason.strip():
            raise ValueError("a rejection carries its reason")
        return self


class RosterRemovedPayload(Strict):
    """The court took a confirmed organisation or mediator off its roster itself, e.g. after a verified
    complaint (特邀调解规定 Art. 28; 《人民法院在线调解规则》Art. 29)."""

    proposal_id: UUID
    reason: Text
    removed_by: ShortText
    removed_at: AwareDatetime


class RosterAdoptionRequestedPayload(Strict):
    """A court asks to take over as its own an organisation or mediator on a higher court's roster, for the
    period it proposes. Only the organisation's or mediator's consent makes it so (《人民法院在线调解规则》
    Art. 27 ¶2 “经其同意”; LEGAL-RULES L23): the investor platform asks the subject and answers with
    ROSTER_ADOPTION_ANSWER. `proposal_id` names the request (and, once consented, the membership);
    `source_proposal_id` is the higher court's confirmed push."""

    proposal_id: UUID
    source_proposal_id: UUID
    court_id: UUID
    court_name: ShortText
    valid_from: dt.date
    valid_until: dt.date
    requested_by: ShortText
    requested_at: AwareDatetime

    @model_validator(mode="after")
    def period_is_ordered(self):
        if self.valid_until < self.valid_from:
            raise ValueError("the validity period ends before it starts")
        return self


class RosterAdoptionAnswerPayload(Strict):
    """The organisation's or mediator's answer to a court's request to take it over (L23): consented, or not
    with its reason. `answered_by` names who answered and, for a mediator without an account, who recorded
    the mediator's answer and how it was obtained."""

    proposal_id: UUID
    consented: bool
    reason: Annotated[str, Field(max_length=2000)] = ""
    answered_by: Annotated[str, Field(min_length=1, max_length=500)]
    answered_at: AwareDatetime

    @model_validator(mode="after")
    def refusal_has_reason(self):
        if not self.consented and not self.reason.strip():
            raise ValueError("a refusal carries its reason")
        return self


class RosterChangedPayload(Strict):
    """The registry changed (data refreshed, mediator left, organisation suspended): every roster the
    subject is on follows; an inactive subject comes off them all."""

    organisation: OrganisationCard
    mediator: MediatorCard | None = None
    reason: Annotated[str, Field(max_length=2000)] = ""
    changed_at: AwareDatetime


Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class AuditHeadPayload(Strict):
    """The head of the sender's audit log (its last record's sequence number and hash, and that record's time),
    sent daily so the receiver holds a witness of the sender's history: the sender's `audit verify --peer` reads
    them back (`/docking/v1/audit-heads`) and checks its chain still has each hash. The envelope's case is
    the sender's fixed chain-head case (`sutiao.audit.heads.head_case`)."""

    seq: Annotated[int, Field(ge=0)]
    hash: Sha256Hex
    at: AwareDatetime


DivisionCode = Annotated[str, Field(pattern=r"^(\d{2}|\d{4}|\d{6})$")]


class Applicant(Strict):
    """A party who joined the joint application (民事诉讼法 Art. 205), as the court registers it: the identity
    number travels as a delegation's parties' do (the payload is encrypted at rest on both sides); `domicile` is a
    GB/T 2260 division code (L11: a party's domicile may make a court competent); `via` says who acted for it."""

    role: PartyRole
    kind: PartyKind
    name: ShortText
    id_number: Annotated[str, Field(min_length=1, max_length=40)]
    phone: Annotated[str, Field(max_length=40)] = ""
    domicile: DivisionCode
    joined_at: AwareDatetime
    via: ShortText


class ConfirmationAppliedPayload(Strict):
    """The parties' joint online application for judicial confirmation (L11) to the court `court_id`. The
    agreement's PDF does not travel in the message: the court fetches it by `agreement_sha256` (docking.documents)
    and checks the hash and the signatures. `delegation_id` names the court's own delegation when it invited the
    mediation (then the court is that court). The envelope's case is the application's own id (`request_id`)."""

    request_id: UUID
    court_id: UUID
    delegation_id: UUID | None = None
    dispute_type: DisputeType
    organisation_name: ShortText
    organisation_seat: Annotated[str, Field(pattern=r"^(\d{2}|\d{4}|\d{6})?$")] = ""
    subject_matter: Annotated[str, Field(pattern=r"^(\d{2}|\d{4}|\d{6})?$")] = ""
    issuer_seat: Annotated[str, Field(pattern=r"^(\d{2}|\d{4}|\d{6})?$")] = ""
    agreement_sha256: Sha256Hex
    agreement_size: Annotated[int, Field(ge=1)]
    agreement_effective_on: dt.date
    amount: Money | None = None
    parties: Annotated[list[Applicant], Field(min_length=2, max_length=500)]
    applied_at: AwareDatetime


class DecisionStep(StrEnum):
    RECEIVED = "received"  # the agreement fetched and verified: the application is registered, acceptance due (L12)
    REFUSED = "refused"  # the court platform could not take it (the document's hash or signatures, or L11)
    ACCEPTED = "accepted"  # 受理, with its 民特 number
    NOT_ACCEPTED = "not_accepted"  # 裁定不予受理 (解释 Art. 355 ¶1)
    MATERIAL_REQUESTED = "material_requested"  # the judge asks for more (解释 Art. 356 ¶2)
    RULED = "ruled"  # the ruling (L13), its sealed PDF named by `ruling_sha256`
    WITHDRAWN = "withdrawn"  # 准许撤回 or treated as withdrawn (解释 Art. 357)


class ConfirmationDecidedPayload(Strict):
    """What the court decided on an online application, step by step. `reasons` are the court's; `ground` the
    label of the ground of non-acceptance or rejection; a ruling's PDF is fetched by its hash."""

    request_id: UUID
    step: DecisionStep
    number: Annotated[str, Field(max_length=80)] = ""
    ground: Annotated[str, Field(max_length=200)] = ""
    reasons: Annotated[str, Field(max_length=20000)] = ""
    outcome: RulingOutcome | None = None
    material_due: dt.date | None = None
    ruling_sha256: Sha256Hex | None = None
    ruling_size: Annotated[int, Field(ge=1)] | None = None
    at: AwareDatetime

    @model_validator(mode="after")
    def step_is_complete(self):
        if self.step == DecisionStep.RULED and (self.outcome is None or not self.ruling_sha256):
            raise ValueError("a ruling carries its outcome and its PDF's hash")
        if self.step == DecisionStep.ACCEPTED and not self.number:
            raise ValueError("an acceptance carries the case number")
        if self.step == DecisionStep.MATERIAL_REQUESTED and (self.material_due is None or not self.reasons):
            raise ValueError("a request for material says what and by when")
        return self


class EnvelopeBase(Strict):
    # Which platforms send this message (the others receive it): the one declaration the start-up check
    # (checks.py) compares each platform's handlers with.
    senders: ClassVar[frozenset[Side]]

    id: UUID
    version: Literal[1]
    sender: ShortText
    recipient: ShortText
    case: UUID
    seq: Annotated[int, Field(ge=1)]
    occurred_at: AwareDatetime
    causation: UUID | None = None


class DelegateMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT})
    type: Literal[MessageType.DELEGATE]
    payload: DelegatePayload


class DelegationAnswerMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.DELEGATION_ANSWER]
    payload: DelegationAnswerPayload


class MediatorAssignedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.MEDIATOR_ASSIGNED]
    payload: MediatorAssignedPayload


class MediationResultMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.MEDIATION_RESULT]
    payload: MediationResultPayload


class DelegationWithdrawnMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT})
    type: Literal[MessageType.DELEGATION_WITHDRAWN]
    payload: DelegationWithdrawnPayload


class RosterProposedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.ROSTER_PROPOSED]
    payload: RosterProposedPayload


class RosterDecisionMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT})
    type: Literal[MessageType.ROSTER_DECISION]
    payload: RosterDecisionPayload


class RosterRemovedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT})
    type: Literal[MessageType.ROSTER_REMOVED]
    payload: RosterRemovedPayload


class RosterAdoptionRequestedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT})
    type: Literal[MessageType.ROSTER_ADOPTION_REQUESTED]
    payload: RosterAdoptionRequestedPayload


class RosterAdoptionAnswerMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.ROSTER_ADOPTION_ANSWER]
    payload: RosterAdoptionAnswerPayload


class RosterChangedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.ROSTER_CHANGED]
    payload: RosterChangedPayload


class MediationPeriodMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.MEDIATION_PERIOD]
    payload: MediationPeriodPayload


class MediationSessionMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.MEDIATION_SESSION]
    payload: MediationSessionPayload


class MediatorRecusalMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.MEDIATOR_RECUSAL]
    payload: MediatorRecusalPayload


class CaseCorrectedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT})
    type: Literal[MessageType.CASE_CORRECTED]
    payload: CaseCorrectedPayload


class ResultCorrectedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.RESULT_CORRECTED]
    payload: ResultCorrectedPayload


class AgreementStatusMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.AGREEMENT_STATUS]
    payload: AgreementStatusPayload


class ConfirmationAppliedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.INVESTOR})
    type: Literal[MessageType.CONFIRMATION_APPLIED]
    payload: ConfirmationAppliedPayload


class ConfirmationDecidedMessage(EnvelopeBase):
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT})
    type: Literal[MessageType.CONFIRMATION_DECIDED]
    payload: ConfirmationDecidedPayload


class AuditHeadMessage(EnvelopeBase):
    # Each platform sends its own head to the other.
    senders: ClassVar[frozenset[Side]] = frozenset({Side.COURT, Side.INVESTOR})
    type: Literal[MessageType.AUDIT_HEAD]
    payload: AuditHeadPayload


MESSAGE_CLASSES = [
    DelegateMessage,
    DelegationAnswerMessage,
    MediatorAssignedMessage,
    MediationResultMessage,
    DelegationWithdrawnMessage,
    RosterProposedMessage,
    RosterDecisionMessage,
    RosterRemovedMessage,
    RosterAdoptionRequestedMessage,
    RosterAdoptionAnswerMessage,
    RosterChangedMessage,
    AuditHeadMessage,
    MediationPeriodMessage,
    MediationSessionMessage,
    MediatorRecusalMessage,
    CaseCorrectedMessage,
    ResultCorrectedMessage,
    AgreementStatusMessage,
    ConfirmationAppliedMessage,
    ConfirmationDecidedMessage,
]


def type_of(message_class) -> MessageType:
    return message_class.model_fields["type"].annotation.__args__[0]


PAYLOAD_CLASSES = {type_of(m): m.model_fields["payload"].annotation for m in MESSAGE_CLASSES}
assert set(PAYLOAD_CLASSES) == set(MessageType), "every message type has its message class"


def received_by(side: str) -> frozenset[MessageType]:
    """The message types the platform on `side` receives: those the other side sends. Each message class
    declares its `senders` (one side, or both for a message each sends the other)."""
    return frozenset(type_of(m) for m in MESSAGE_CLASSES if m.senders - {side})


def sent_by(side: str) -> frozenset[MessageType]:
    return frozenset(type_of(m) for m in MESSAGE_CLASSES if side in m.senders)


Message = Annotated[
    DelegateMessage
    | DelegationAnswerMessage
    | MediatorAssignedMessage
    | MediationResultMessage
    | DelegationWithdrawnMessage
    | RosterProposedMessage
    | RosterDecisionMessage
    | RosterRemovedMessage
    | RosterAdoptionRequestedMessage
    | RosterAdoptionAnswerMessage
    | RosterChangedMessage
    | AuditHeadMessage
    | MediationPeriodMessage
    | MediationSessionMessage
    | MediatorRecusalMessage
    | CaseCorrectedMessage
    | ResultCorrectedMessage
    | AgreementStatusMessage
    | ConfirmationAppliedMessage
    | ConfirmationDecidedMessage,
    Field(discriminator="type"),
]
MESSAGE_ADAPTER = TypeAdapter(Message)


def message_digest(message) -> str:
    """SHA-256 of a validated message's canonical JSON: the same on both sides, whatever the transport did."""
    return hashlib.sha256(message.model_dump_json().encode()).hexdigest()


class Receipt(Strict):
    """What the receiver answers, signed, for a message it has taken (applied, or waiting its turn)."""

    message_id: UUID
    status: Literal["applied", "waiting", "duplicate"]
    receiver: ShortText
    received_at: dt.datetime
    message_digest: str


class Refusal(Strict):
    """A refused message (refusals.py): `final` says whether the receiver has recorded a business refusal
    for good (the sender parks the message and stops retrying) or the sender should try again later."""

    error: str
    message: str
    final: bool = False
    message_id: str | None = None
    detail: list | dict | str | None = None


class BatchReceipt(Strict):
    """The answer to a batch: one entry per message, in the order sent."""

    results: list[Receipt | Refusal]


class BatchRequest(Strict):
    messages: Annotated[list[Message], Field(min_length=1, max_length=500)]


class FeedPage(Strict):
    """A page of the catch-up feed: messages sent to the asking peer, oldest first; `next` is the cursor."""

    messages: list[Message]
    next: str


class CourtAreaCard(Strict):
    """A place a court serves for judicial confirmation (L11; the court platform's CourtArea): divisions whose
    GB/T 2260 code starts with `prefix`, for `dispute_types` (empty: every type)."""

    prefix: DivisionCode
    dispute_types: Annotated[list[DisputeType], Field(max_length=40)] = []


class CourtCard(Strict):
    """A court as the court platform lists it, for the investor platform's court directory: the courts the
    Bureau can push organisations to (notice §4(4)), and the places each serves for judicial confirmation, from
    which the parties choose a competent court (L11)."""

    court_id: UUID
    name: ShortText
    kind: Literal["supreme_court", "high_court", "intermediate_court", "basic_court"]
    parent_id: UUID | None
    active: bool
    areas: Annotated[list[CourtAreaCard], Field(max_length=1000)] = []


class CourtList(Strict):
    courts: list[CourtCard]


class ReceivedHead(Strict):
    """A chain head of the asking platform as this platform received it."""

    seq: int
    hash: str
    at: dt.datetime
    received_at: dt.datetime


class ReceivedHeads(Strict):
    """A page of the chain heads this platform received from the asking peer, oldest first; `next` is the cursor."""

    heads: list[ReceivedHead]
    next: str | None


class CaseSummary(Strict):
    """One shared case as one platform knows it: [seq, digest, status] of what it sent and received, and
    each delegation's state in the shared vocabulary."""

    case: str
    sent: list[list]
    received: list[list]
    states: dict[str, str]


class CaseSummaries(Strict):
    cases: list[CaseSummary]
    next: str | None


# The delegation states both platforms can name (docking.hooks.reports_case_states), as statistics count them.
SharedState = Literal[
    "pending", "accepted", "declined", "withdrawn", "concluded:succeeded", "concluded:failed", "concluded:withdrawn"
]


class StatisticsRow(Strict):
    """How many delegations of one court to one organisation, of one kind, are in one shared state — and how many
    of them the answering platform has told the asker something about that the asker has not yet confirmed
    (`in_flight`: its messages on their way, or parked), which is why the two platforms may differ for now."""

    court: UUID
    organisation: UUID
    kind: DelegationKind
    state: SharedState
    count: Annotated[int, Field(ge=0)]
    in_flight: Annotated[int, Field(ge=0)]


class AdoptionRow(Strict):
    """How far the docking is taken up in one region, as the answering platform holds it (issue 13 §5): the court
    platform by the court's region (its high people's court: the province), counting the courts connected to it and
    the organisations and mediators on those courts' rosters; the investor platform by the organisation's regional
    office or affiliated unit, counting the organisations and mediators on a court's roster. `courts` is null where
    the platform does not hold courts. The jointly recognised roster (every court's) is the region `national`."""

    region: ShortText
    region_name: ShortText
    courts: Annotated[int, Field(ge=0)] | None = None
    organisations: Annotated[int, Field(ge=0)]
    mediators: Annotated[int, Field(ge=0)]


class RegionCasesRow(Strict):
    """How many of the delegations counted (the same as `rows`: shared, made in the period) are of cases of one
    region, of one kind (委派 before filing, 委托 in litigation) and in one shared state, and how many of them have a
    message to the asker on its way (`in_flight`, as in StatisticsRow). The region is the case's as both platforms
    read it from the court's case number (kernel.regions: a province's GB/T 2260 code, `national` for the Supreme
    People's Court, `unplaced` for a court code that names no province), so the two platforms' rows describe the
    same cases region by region; `region_name` is the kernel's name for it."""

    region: Annotated[str, Field(min_length=1, max_length=16)]
    region_name: ShortText
    kind: DelegationKind
    state: SharedState
    count: Annotated[int, Field(ge=0)]
    in_flight: Annotated[int, Field(ge=0)]


class Statistics(Strict):
    """The signed statistics message (issue 13 §5, the joint meeting's figures): the delegations the two platforms
    share that were made from `start` to `end` (China dates of the court's delegation), counted by the answering
    platform as of `as_of`. The asker checks that the period is the one it asked for.

    `adoption` (added later, optional): the adoption figures by region on `as_of`, sent only to an asker that
    asks for them (`adoption=1`), so an older asker, which refuses unknown fields, reads the answer it always did;
    an older answerer leaves it out (null). `cases_by_region` (added later still, optional, the same way: only to
    an asker that asks, `cases_by_region=1`): the delegations of `rows` by the case's region, kind and state."""

    start: dt.date
    end: dt.date
    as_of: AwareDatetime
    rows: Annotated[list[StatisticsRow], Field(max_length=100_000)]
    adoption: Annotated[list[AdoptionRow], Field(max_length=10_000)] | None = None
    cases_by_region: Annotated[list[RegionCasesRow], Field(max_length=10_000)] | None = None
