"""A generated set of delegations whose figures are known, for the metric tests of both platforms: plain records
(no database), the expected figures computed from them by plain Python, independently of `sutiao.reports.metrics`,
and boundary cases placed on purpose (an answer at 23:59:59 and at 00:00 China time around the last day to
answer; a receipt late on the last evening of a quarter, which UTC would put in the next).

Each record also carries how its mediation went (first session, extensions, the ground it ended on, the agreement
in force's terms and their performance; investor facts) and what the court did after (applications for judicial
confirmation and their rulings, a 调解书; court facts), drawn from a second random stream so that the delegation
facts stay as they were. The expected figures are those of the platform's own columns: `figures(records,
"investor")` has the mediation figures and not the court's, and the other way round."""

import datetime as dt
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sutiao.kernel.calendar import CHINA
from sutiao.kernel.enums import DisputeType, MediationOutcome
from sutiao.kernel.mediation import FAILURE_GROUNDS, TerminationGround

TODAY = dt.date(2026, 12, 1)
# A due date of agreement terms years ahead, for the boundary of performance (see _mediation_facts).
TERM_DAY = dt.date(2031, 6, 30)
ORGS = 3  # organisations 0 and 1 under office 0, organisation 2 under office 1
MEDIATORS_PER_ORG = 2
# The courts' codes (代字) and the regions their case numbers put a case in (kernel.regions), known here, not
# computed: 朝阳 (Beijing), 浦东 (Shanghai), the Supreme People's Court (national: one case) and a court whose code
# names no province (unplaced: one case). The generated records spread over the first two.
COURT_CODES = ("京0105", "沪0115", "最高法", "测9")
COURT_REGIONS = ("11", "31", "national", "unplaced")
COURTS = len(COURT_CODES)
SUPREME_COURT = 2
GENERATED_COURTS = 2
TYPES = [DisputeType.MISREPRESENTATION, DisputeType.BROKERAGE_CONTRACT, DisputeType.PRIVATE_FUND]


def office_of(org: int) -> int:
    return 0 if org < 2 else 1


@dataclass
class Record:
    n: int
    org: int
    court: int
    dispute_type: DisputeType
    received: dt.datetime
    due: dt.date
    answered: dt.datetime | None = None
    declined: bool = False
    recalled: bool = False
    mediator: int | None = None  # index within the organisation
    outcome: str = ""
    concluded: dt.datetime | None = None
    # How the mediation went (investor facts).
    first_session: dt.datetime | None = None
    extensions: int = 0
    ground: str = ""
    terms: list[tuple[Decimal | None, dt.date, bool]] = field(default_factory=list)  # (amount, due, performed)
    # The parties' survey answers after it ended (fairness, conduct, convenience), at most one per party of two.
    surveys: list[tuple[int, int, int]] = field(default_factory=list)
    # What the court did after (court facts): each application's ruling ("" none yet, "valid", "rejected").
    confirmations: list[str] = field(default_factory=list)
    document: bool = False

    @property
    def office(self) -> int:
        return office_of(self.org)

    @property
    def case_number(self) -> str:
        return f"(2026){COURT_CODES[self.court]}民诉前调{self.n + 1}号"

    @property
    def region(self) -> str:
        return COURT_REGIONS[self.court]


def _china(day: dt.date, hour=10, minute=0, second=0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CHINA)


def generate(seed: int = 13, n: int = 240) -> list[Record]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
        received = _china(day, rng.randrange(8, 20), rng.randrange(60))
        # Five working days are about a week: the exact calendar is the workdays app's, not what is tested here.
        court = rng.randrange(GENERATED_COURTS)
        r = Record(i, rng.randrange(ORGS), court, rng.choice(TYPES), received, day + dt.timedelta(7))
        fate = rng.random()
        if fate < 0.1 and r.due < TODAY:
            pass  # never answered
        elif fate < 0.15:
            r.recalled = True
        else:
            r.answered = received + dt.timedelta(hours=rng.randrange(1, 24 * 10))
            if fate < 0.3:
                r.declined = True
            else:
                r.mediator = rng.randrange(MEDIATORS_PER_ORG)
                end = rng.random()
                if end < 0.1:
                    r.recalled = True
                elif end < 0.25:
                    pass  # still mediating
                else:
                    r.outcome = (
                        MediationOutcome.SUCCEEDED
                        if end < 0.7
                        else MediationOutcome.FAILED
                        if end < 0.9
                        else MediationOutcome.WITHDRAWN
                    )
                    r.concluded = r.answered + dt.timedelta(hours=rng.randrange(24, 24 * 40))
        records.append(r)
    # A case of the Supreme People's Court (national), mediated to success, and one of a court whose code names no
    # province (unplaced), not accepted.
    spc = Record(n, 2, SUPREME_COURT, TYPES[2], _china(dt.date(2026, 5, 11)), dt.date(2026, 5, 18))
    spc.answered, spc.mediator, spc.outcome = spc.received + dt.timedelta(days=1), 0, MediationOutcome.SUCCEEDED
    spc.concluded = spc.answered + dt.timedelta(days=20)
    unplaced = Record(n + 1, 0, 3, TYPES[0], _china(dt.date(2026, 6, 2)), dt.date(2026, 6, 9))
    unplaced.answered, unplaced.declined = unplaced.received + dt.timedelta(hours=2), True
    records += [spc, unplaced]
    # Boundaries (the last four records): answered in the last second of the last day to answer (in time) and in
    # the first second of the day after (late); received at 23:30 on 31 March China time (first quarter) and at
    # 00:30 on 1 April China time, still 31 March in UTC (second quarter: periods are China's).
    due = dt.date(2026, 3, 20)
    n += 2
    records.append(Record(n, 0, 0, TYPES[0], _china(dt.date(2026, 3, 13)), due, _china(due, 23, 59, 59)))
    records.append(Record(n + 1, 0, 0, TYPES[0], _china(dt.date(2026, 3, 13)), due, _china(due + dt.timedelta(1), 0)))
    records.append(Record(n + 2, 1, 1, TYPES[1], _china(dt.date(2026, 3, 31), 23, 30), dt.date(2026, 4, 8)))
    records.append(Record(n + 3, 1, 1, TYPES[1], _china(dt.date(2026, 4, 1), 0, 30), dt.date(2026, 4, 9)))
    for r in records[-2:]:
        r.answered, r.declined = r.received + dt.timedelta(hours=5), True
    _mediation_facts(records, random.Random(seed + 1))
    return records


GROUNDS = sorted(FAILURE_GROUNDS, key=lambda g: g.value)


def _mediation_facts(records: list[Record], rng: random.Random) -> None:
    for r in records:
        if r.mediator is None:
            continue
        if rng.random() < 0.7:
            r.first_session = r.answered + dt.timedelta(hours=rng.randrange(2, 24 * 20))
        r.extensions = rng.choice([0, 0, 0, 1, 2])
        if r.outcome == MediationOutcome.SUCCEEDED:
            r.ground = TerminationGround.AGREEMENT.value
            for _ in range(rng.randrange(0, 3)):
                amount = Decimal(rng.randrange(1, 10**7)) / 100 if rng.random() < 0.8 else None
                # Well before TODAY or years after: the pages count with the real date, the tests with TODAY.
                due = TODAY - dt.timedelta(days=rng.randrange(1, 400)) if rng.random() < 0.7 else TERM_DAY
                r.terms.append((amount, due, rng.random() < 0.6))
            fate = rng.random()
            if fate < 0.25:
                r.confirmations = ["valid"]
            elif fate < 0.35:
                r.confirmations = ["rejected", "valid"]  # applied twice: one case
            elif fate < 0.45:
                r.confirmations = [rng.choice(["", "rejected"])]
            r.document = rng.random() < 0.2
        elif r.outcome == MediationOutcome.WITHDRAWN:
            r.ground = TerminationGround.WITHDRAWN.value
        elif r.outcome == MediationOutcome.FAILED:
            r.ground = rng.choice(GROUNDS).value
        if r.outcome:
            answers = rng.choice([0, 0, 1, 2])
            r.surveys = [tuple(rng.randrange(1, 6) for _ in range(3)) for _ in range(answers)]
    # Boundary: on TERM_DAY an unperformed term due that day is not yet due to perform; the day after it is.
    succeeded = [r for r in records if r.outcome == MediationOutcome.SUCCEEDED]
    succeeded[0].terms = [(Decimal("200.00"), TERM_DAY, False), (None, TODAY - dt.timedelta(days=30), True)]


# --- the expected figures, by plain Python over the records ---

COUNTS = {
    "received": lambda r: True,
    "accepted": lambda r: r.answered is not None and not r.declined,
    "declined": lambda r: r.declined,
    "answered_late": lambda r: r.answered is not None and r.answered.astimezone(CHINA).date() > r.due,
    "unanswered_overdue": lambda r: r.answered is None and not r.recalled and r.due < TODAY,
    "recalled": lambda r: r.recalled,
    "succeeded": lambda r: r.outcome == MediationOutcome.SUCCEEDED,
    "failed": lambda r: r.outcome == MediationOutcome.FAILED,
    "withdrawn": lambda r: r.outcome == MediationOutcome.WITHDRAWN,
    "ended": lambda r: bool(r.outcome),
}


def _mean_days(spans: list[dt.timedelta]) -> Decimal | None:
    if not spans:
        return None
    seconds = sum(Decimal(s.total_seconds()) for s in spans) / len(spans)
    return (seconds / 86400).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _performance_due(r: Record) -> bool:
    return bool(r.terms) and (all(t[2] for t in r.terms) or max(t[1] for t in r.terms) < TODAY)


def _ground_is(value: str):
    return lambda r: r.ground == value


INVESTOR_COUNTS = {
    "session_held": lambda r: r.first_session is not None,
    "extended": lambda r: r.extensions > 0,
    **{f"ended_{g.value}": _ground_is(g.value) for g in GROUNDS},
    "performance_due": _performance_due,
    "performed": lambda r: bool(r.terms) and all(t[2] for t in r.terms),
}
COURT_COUNTS = {
    **{f"ended_{g.value}": _ground_is(g.value) for g in GROUNDS},
    "confirmation_applied": lambda r: r.outcome == MediationOutcome.SUCCEEDED and bool(r.confirmations),
    "confirmation_valid": lambda r: r.outcome == MediationOutcome.SUCCEEDED and "valid" in r.confirmations,
    "document_issued": lambda r: r.document,
}


def _rate(num: int, den: int) -> Decimal | None:
    return (Decimal(100 * num) / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if den else None


def _money(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0)).quantize(Decimal("0.01"))


def figures(records: list[Record], platform: str) -> dict:
    out = _delegation_figures(records)
    if platform == "investor":
        out |= {key: sum(1 for r in records if test(r)) for key, test in INVESTOR_COUNTS.items()}
        out["days_to_first_session"] = _mean_days([r.first_session - r.answered for r in records if r.first_session])
        out["performance_rate"] = _rate(out["performed"], out["performance_due"])
        out["extensions_granted"] = sum(r.extensions for r in records)
        out["amount_agreed"] = _money(t[0] for r in records for t in r.terms)
        out["amount_paid"] = _money(t[0] for r in records for t in r.terms if t[2])
        answers = [a for r in records for a in r.surveys]
        out["satisfaction_answers"] = len(answers)
        out["satisfaction"] = (
            (Decimal(sum(sum(a) for a in answers)) / (3 * len(answers))).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if answers
            else None
        )
    else:
        out |= {key: sum(1 for r in records if test(r)) for key, test in COURT_COUNTS.items()}
    return out


def _delegation_figures(records: list[Record]) -> dict:
    out = {key: sum(1 for r in records if test(r)) for key, test in COUNTS.items()}
    out["success_rate"] = (
        (Decimal(100 * out["succeeded"]) / out["ended"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if out["ended"]
        else None
    )
    out["days_to_answer"] = _mean_days([r.answered - r.received for r in records if r.answered])
    out["days_to_result"] = _mean_days([r.concluded - r.received for r in records if r.concluded])
    return out


def grouped(records: list[Record], key, platform: str) -> dict:
    groups = defaultdict(list)
    for r in records:
        groups[key(r)].append(r)
    return {k: figures(rs, platform) for k, rs in groups.items()}


def quarter_of(r: Record) -> tuple[int, int]:
    local = r.received.astimezone(CHINA)
    return local.year, (local.month - 1) // 3 + 1


def pdf_table_row(name: str, cells) -> re.Pattern:
    """A row of a report's PDF table as `pdftotext -layout` prints it, on one line: the name, then each cell in
    order (None: any one word). A cell wrapped onto a second line does not match: each figure must fit its column."""
    words = [r"\S+" if c is None else re.escape(c).replace(r"\ ", r"\s+") for c in cells]
    return re.compile(rf"^\s*{re.escape(name)}\s+" + r"\s+".join(words) + r"\s*$", re.MULTILINE)


def check_choices_are_the_facts_subjects(facts_source, user) -> None:
    """A platform's filter choices for `user` (read as keys from the platform's rows and named from the small
    tables, not a DISTINCT over the joined fact rows) are, in every dimension, the (key, name) pairs of the facts the
    user sees, each once, sorted by name (the regions in the kernel's order, GB/T 2260)."""
    facts = facts_source.facts(user)
    assert facts.exists(), user
    for d in facts_source.dimensions:
        pairs = facts.values_list(f"d_{d.key}", f"d_{d.key}_name").distinct()
        seen = {(str(k), n) for k, n in pairs if k is not None}
        offered = list(facts_source.choices(user, d.key))
        assert set(offered) == seen and len(offered) == len(seen), (user, d.key)
        if d.key != "region":
            assert [n for _k, n in offered] == sorted(n for _k, n in offered), (user, d.key)
