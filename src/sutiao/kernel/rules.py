"""The rules register: each rule of ../shared/docs/LEGAL-RULES.md that the software enforces, defined once,
with its value, its citation and the kernel function that applies it (DESIGN.md §3, §5).

`RULES` lists what the code enforces and `NOT_IMPLEMENTED` the rest; together they cover every id. The
project's docs/rules.md maps each id to where it is applied and to the tests that name it; it is generated
by `python -m sutiao.rules_doc` and a test fails when it is stale, when a rule here has no test naming it,
or when the code cites a rule listed as not implemented.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from .agreement import L10_CITATION, takes_effect
from .calendar import PeriodRule, WorkdayCalendar, add_years, statutory_holidays
from .confirmation import (
    ACCEPTANCE_PERIOD,
    APPLICATION_PERIOD,
    CONFIRMATION_FEE_CITATION,
    FEE_CITATION,
    HALF_FEE_CITATION,
    OBJECTION_PERIOD,
    OUTSIDER_OBJECTION_CITATION,
    REVIEW_EXTENSION,
    REVIEW_PERIOD,
    RULING_CITATION,
    SPECIAL_PROCEDURE_PERIOD,
    competent_venues,
    confirmation_fee,
    objection_deadline,
    review_deadlines,
    what_follows,
)
from .direct import L19_CITATION, L19_OUTSIDE_LAW, respondent_may_refuse
from .enums import AdoptionConsentBy
from .mediation import (
    MEDIATION_PERIODS,
    NOTIFY_PERIOD,
    PERIOD_CITATION,
    TerminationGround,
    identities_checked,
    mediation_deadline,
    refusing_every_replacement_ends,
    termination_allowed,
)
from .mediation_document import MEDIATION_DOCUMENT_CITATION, REFUSAL_CITATION
from .mediation_document import takes_effect as document_takes_effect
from .ranking import rank
from .service import SERVICE_CITATION, served_at
from .workflow import COURT, back_to_court_event

NOTICE = "法办〔2021〕313号"


def cite_notice(part: str, item: str) -> str:
    """L22: the notice has parts and items, not articles — cited as 法办〔2021〕313号 四（五）."""
    return f"{NOTICE} {part}（{item}）"


@dataclass(frozen=True)
class Rule:
    id: str  # as in LEGAL-RULES.md
    summary: str
    citation: str
    applies: Callable  # the kernel function that decides it
    value: object = None  # the figure the code uses, where the rule has one
    names: tuple[str, ...] = field(default=())  # identifiers that carry the rule in src/, for docs/rules.md
    # Where the cited text is not among the legal texts kept in docs/law/ (so nobody can check it from the
    # repository): what is cited from outside, and from where. Shown in docs/rules.md.
    outside_law: str = ""


# L4: an organisation answers a delegation within 5 working days for securities and futures disputes
# (法办〔2021〕313号 四（五）); the general rule is 3 working days (《人民法院在线调解规则》Art. 12). Which one
# applies is configuration (settings.SUTIAO_ANSWER_PERIOD, read only by workdays.selectors.answer_period).
ANSWER_PERIOD_SECURITIES = PeriodRule("L4", 5, True, cite_notice("四", "五"))
ANSWER_PERIOD_GENERAL = PeriodRule("L4-general", 3, True, "《人民法院在线调解规则》第十二条")
ANSWER_PERIODS = {"securities": ANSWER_PERIOD_SECURITIES, "general": ANSWER_PERIOD_GENERAL}

# L3: parties who agreed to online mediation may jointly choose an organisation or mediator from the court's
# roster within 2 working days; otherwise, or if they ask, the court appoints one, within 3 working days of
# receiving the application (《人民法院在线调解规则》Art. 10).
JOINT_CHOICE_PERIOD = PeriodRule("L3", 2, True, "《人民法院在线调解规则》第十条第二款")
APPOINTMENT_PERIOD = PeriodRule("L3", 3, True, "《人民法院在线调解规则》第十条第三款")


def adoption_consent_by(is_mediator: bool, mediator_has_account: bool) -> AdoptionConsentBy:
    """L23: a lower court takes an organisation or mediator over from a higher court's invited roster only with
    the consent of that organisation or mediator (《人民法院在线调解规则》第二十七条第二款 “经其同意”: 其 is the
    organisation or mediator, not the higher court). An organisation answers through its administrator; a
    mediator answers in person when they have an account on the investor platform, otherwise the
    organisation's administrator records the mediator's answer and how it was obtained."""
    if not is_mediator:
        return AdoptionConsentBy.ORGANISATION
    return AdoptionConsentBy.MEDIATOR if mediator_has_account else AdoptionConsentBy.RECORDED_FOR_MEDIATOR


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in [
        Rule(
            "L1",
            "Parties' consent is asked before a court delegates or entrusts; never presumed",
            f"{cite_notice('四', '五')}；《人民法院在线调解规则》第四条",
            COURT.next_state,  # delegation only from CONSENTED (or RETURNED after a consented delegation)
            names=("ALL_CONSENTED", "missing_consent"),
        ),
        Rule(
            "L2",
            "The court chooses from its own confirmed invited roster, by specialty, capacity and scope",
            f"{cite_notice('四', '五')}；《最高人民法院关于人民法院特邀调解的规定》第五条",
            rank,
            names=("in_force",),
        ),
        Rule(
            "L3",
            "Joint choice within 2 working days of consenting; court appointment within 3 working days",
            "《人民法院在线调解规则》第十条",
            WorkdayCalendar.deadline,
            value=(JOINT_CHOICE_PERIOD, APPOINTMENT_PERIOD),
            names=("JOINT_CHOICE_PERIOD", "APPOINTMENT_PERIOD"),
        ),
        Rule(
            "L4",
            "The organisation answers within 5 working days of receipt (general rule 3); declining needs reasons",
            f"{cite_notice('四', '五')}；《人民法院在线调解规则》第十二条",
            WorkdayCalendar.deadline,
            value=ANSWER_PERIODS,
            names=("ANSWER_PERIODS", "ANSWER_PERIOD_SECURITIES", "ANSWER_PERIOD_GENERAL", "answer_deadline"),
        ),
        Rule(
            "L5",
            "Pre-filing, the mediator may help notify the other party within 3 working days of accepting; "
            "each attempt is recorded",
            "《人民法院在线调解规则》第十五条",
            WorkdayCalendar.deadline,
            value=NOTIFY_PERIOD,
            names=("NOTIFY_PERIOD", "notify_due"),
        ),
        Rule(
            "L6",
            "Mediation period from acceptance on the platform: 委派 30 days, 委托 15 (simple procedure 7) calendar "
            "days; extended only with every party's consent; appraisal time not counted",
            PERIOD_CITATION,
            mediation_deadline,
            value=MEDIATION_PERIODS,
            names=("MEDIATION_PERIODS", "mediation_deadline", "extension_allowed"),
        ),
        Rule(
            "L7",
            "Mediation ends only on a ground of Art. 25; period expiry only once the period has run out",
            "《人民法院在线调解规则》第二十五条",
            termination_allowed,
            value=tuple(TerminationGround),
            names=("TerminationGround", "termination_allowed"),
        ),
        Rule(
            "L8",
            "Each participant's identity is checked before each session and the sham-mediation warning given",
            "《人民法院在线调解规则》第十七条；《人民法院在线诉讼规则》第七条",
            identities_checked,
            names=("IdentityCheck", "identities_checked", "identity_cleared"),
        ),
        Rule(
            "L9",
            "The mediator discloses conflicts; a party may ask for recusal or a change; refusing the replacement "
            "too counts as refusing mediation",
            "《人民法院在线调解规则》第十三条、第十四条；《最高人民法院关于人民法院特邀调解的规定》第十五条",
            refusing_every_replacement_ends,
            names=("RecusalDecision", "refusing_every_replacement_ends"),
        ),
        Rule(
            "L11",
            "Judicial confirmation: a joint application within 30 days of the agreement taking effect, to the "
            "delegating court, else to the basic court of a party's domicile, the subject matter or the "
            "organisation's seat — an intermediate court where the dispute belongs to one (misrepresentation: "
            "the issuer's seat)",
            f"{APPLICATION_PERIOD.citation}；《最高人民法院关于审理证券市场虚假陈述侵权民事赔偿案件的若干规定》第三条",
            competent_venues,
            value=APPLICATION_PERIOD,
            names=("APPLICATION_PERIOD", "may_apply", "competent_venues", "court_is_competent", "competent_venue"),
        ),
        Rule(
            "L12",
            "The court decides within 3 days whether to accept, rules within 15 days of accepting (+10 with the "
            "president's approval, once), within the special procedure's 30 days",
            f"{ACCEPTANCE_PERIOD.citation}；{REVIEW_PERIOD.citation}；{SPECIAL_PROCEDURE_PERIOD.citation}",
            review_deadlines,
            value=(ACCEPTANCE_PERIOD, REVIEW_PERIOD, REVIEW_EXTENSION, SPECIAL_PROCEDURE_PERIOD),
            names=("acceptance_deadline", "review_deadlines", "approve_extension"),
        ),
        Rule(
            "L13",
            "The ruling: valid → enforceable; rejected → change the agreement, reach a new one, or sue",
            RULING_CITATION,
            what_follows,
            names=("what_follows", "RulingOutcome", "RejectionGround"),
        ),
        Rule(
            "L14",
            "An objection to the ruling within 15 days of receiving it; an interested outsider within 6 months",
            OUTSIDER_OBJECTION_CITATION,
            objection_deadline,
            value=OBJECTION_PERIOD,
            names=("objection_deadline", "outsider_objection_last_day", "OBJECTION_PERIOD"),
        ),
        Rule(
            "L15",
            "The 调解书 of an entrusted case takes effect when both parties have signed for receipt online; the "
            "case then closes; a party who refuses leaves it without effect and the case returns to trial",
            f"{MEDIATION_DOCUMENT_CITATION}第三款；{REFUSAL_CITATION}",
            document_takes_effect,
            names=("document_takes_effect", "sign_receipt", "refuse_receipt", "EFFECT_CLAUSE"),
        ),
        Rule(
            "L16",
            "Electronic service only with the party's consent, on the channels consented to; effective when it "
            "reaches the recipient's system, the earliest channel counting; proof (time, channel, hash, read "
            "receipt) kept; without consent, service by other means",
            SERVICE_CITATION,
            served_at,
            names=("served_at", "may_serve_electronically", "consented_channels", "serve_document", "ServiceConsent"),
        ),
        Rule(
            "L18",
            "Judicial confirmation pays no fee (shown on each application); a case closed by a 调解书 or withdrawn "
            "pays half of the property-case fee of Art. 13 (shown on the 调解书)",
            f"{CONFIRMATION_FEE_CITATION}；{FEE_CITATION}；{HALF_FEE_CITATION}",
            confirmation_fee,
            names=("confirmation_fee", "half_fee", "case_fee", "FEE_BANDS"),
            outside_law="《诉讼费用交纳办法》（国务院令第481号，2006年）第八条、第十三条、第十五条：不在 docs/law/ 中",
        ),
        Rule(
            "L10",
            "The agreement made online takes effect when every party has signed it; its terms are then performed "
            "voluntarily, each party confirming performance; the mediator signs first, the parties next, the "
            "organisation's e-seal last, at once (the signatures themselves: documents.signing)",
            L10_CITATION,
            takes_effect,
            names=("takes_effect", "withdrawal_allowed", "signing_refusal", "seal_due", "term_status", "TAKE_EFFECT"),
        ),
        Rule(
            "L17",
            "Failed pre-filing mediation: the case is filed; failed in-litigation mediation: trial resumes",
            f"{cite_notice('四', '五')}；《人民法院在线调解规则》第二十一条",
            back_to_court_event,
            names=("back_to_court_event", "failure_record_problems", "FailureRecord"),
        ),
        Rule(
            "L19",
            "Securities/futures firms may not refuse mediation requested by an ordinary investor: a refusal is "
            "recorded as such and the mediation goes ahead",
            L19_CITATION,
            respondent_may_refuse,
            names=("respondent_may_refuse", "refusal_attempted", "MAY_NOT_REFUSE"),
            outside_law=L19_OUTSIDE_LAW,
        ),
        Rule(
            "L21",
            "In a year not yet published the statutory holidays rest; such deadlines are provisional and "
            "nothing irreversible happens on them",
            "《全国年节及纪念日放假办法》（2024年修订，国务院令第795号）",
            statutory_holidays,
            names=("statutory_holidays", "answer_due_provisional", "provisional_deadlines"),
        ),
        Rule(
            "L22",
            "The notice is cited by part and item: 法办〔2021〕313号 四（五）",
            NOTICE,
            cite_notice,
            names=("cite_notice", "NOTICE", "法办〔2021〕313号"),
        ),
        Rule(
            "L23",
            "A lower court takes over a higher court's roster entry only with the organisation's or mediator's "
            "consent, asked and answered through the docking",
            "《人民法院在线调解规则》第二十七条第二款",
            adoption_consent_by,
            names=(
                "adoption_consent_by",
                "ROSTER_ADOPTION_REQUESTED",
                "ROSTER_ADOPTION_ANSWER",
                "SUBJECT_CONSENTED",
            ),
        ),
    ]
}

# The rules nobody may believe are enforced yet: code that cites one of these ids fails a test until the rule
# moves to RULES with its tests.
NOT_IMPLEMENTED: dict[str, str] = {
    "L20": "Misrepresentation loss calculation",
}

# A roster entry is confirmed for three years unless the court sets another period (the platforms' policy
# for 特邀调解名册 validity; the court may choose any period when it confirms).
ROSTER_VALIDITY_YEARS = 3


def default_validity(start: dt.date) -> dt.date:
    """The last day of a roster entry confirmed on `start` when the court names no end (《民法典》Art. 202)."""
    return add_years(start, ROSTER_VALIDITY_YEARS)
