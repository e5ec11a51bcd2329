"""Recommending an organisation from the court's invited roster (LEGAL-RULES L2).

Before delegating, the court weighs the organisation's specialty, size and capacity, and scope
(专业领域、规模能力、办理范围: 法办〔2021〕313号 四（五）); it chooses only from its own invited roster
(《最高人民法院关于人民法院特邀调解的规定》Art. 5). The ranking turns those factors, plus the organisation's
record of answering on time and of settling, into points out of 100 and shows each factor with its reason.
It only advises: staff may pick any organisation on the roster, and the parties' joint choice comes first
(《人民法院在线调解规则》Art. 10).

Arithmetic is exact (fractions.Fraction) and rounded half up to one decimal only for display, so the same
facts always give the same scores and order, on any machine.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .enums import DisputeType
from .regions import NATIONWIDE, province_by_name


@dataclass(frozen=True)
class OrgFacts:
    """What the roster and the delegation history say about one organisation."""

    org_id: str
    name: str
    dispute_types: frozenset[str]  # DisputeType values it handles
    scope: frozenset[str]  # province names, or {NATIONWIDE}
    capacity: int  # cases it can handle at once
    load: int  # cases with it now (delegated and not yet concluded or returned)
    answered: int  # delegations it has accepted or declined
    answered_on_time: int  # of those, answered within the answer period (LEGAL-RULES L4)
    concluded: int  # mediations it has concluded
    succeeded: int  # of those, concluded with an agreement

    def __post_init__(self):
        counts = ("capacity", "load", "answered", "answered_on_time", "concluded", "succeeded")
        negative = [name for name in counts if getattr(self, name) < 0]
        if negative:
            raise ValueError(f"{self.org_id}: negative {', '.join(negative)}")
        if self.answered_on_time > self.answered:
            raise ValueError(f"{self.org_id}: more answers on time than answers")
        if self.succeeded > self.concluded:
            raise ValueError(f"{self.org_id}: more successes than concluded mediations")


@dataclass(frozen=True)
class Factor:
    key: str
    label: str
    points: Decimal  # one decimal place
    max_points: int
    detail_template: str  # Chinese, with %(name)s placeholders filled from params
    params: dict

    @property
    def detail(self) -> str:
        return self.detail_template % self.params


@dataclass(frozen=True)
class Recommendation:
    org_id: str
    name: str
    score: Decimal  # one decimal place, the exact sum of the factors rounded once
    factors: tuple[Factor, ...]
    rank: int  # 1-based


# Weights out of 100. Specialty and scope decide whether the organisation can take the case at all, so they
# weigh most; capacity is the notice's 规模能力; the two record factors only separate otherwise equal ones.
MAX_POINTS = {"dispute_type": 35, "territory": 25, "capacity": 20, "timeliness": 10, "success": 10}
# An organisation without a record yet is neither rewarded nor punished for it.
NO_RECORD = Fraction(1, 2)

FACTOR_LABELS = {
    "dispute_type": "纠纷类型匹配",
    "territory": "地域范围",
    "capacity": "当前负荷",
    "timeliness": "答复及时率",
    "success": "调解成功率",
}

DISPUTE_TYPE_HANDLED = "专业领域包括本案纠纷类型"
DISPUTE_TYPE_NOT_HANDLED = "专业领域不包括本案纠纷类型"
TERRITORY_NATIONWIDE = "办理范围为全国"
TERRITORY_INCLUDED = "办理范围包括本院所在省份"
TERRITORY_EXCLUDED = "办理范围不包括本院所在省份"
TERRITORY_UNKNOWN = "本院所在省份未知，无法按地域范围计分"
CAPACITY_DETAIL = "在办%(load)s件／容量%(capacity)s件"
TIMELINESS_DETAIL = "按期答复%(answered_on_time)s件／已答复%(answered)s件"
TIMELINESS_NO_RECORD = "暂无答复记录，按中间值计"
SUCCESS_DETAIL = "调解成功%(succeeded)s件／已办结%(concluded)s件"
SUCCESS_NO_RECORD = "暂无办结记录，按中间值计"

_TENTH = Decimal("0.1")


def one_decimal(value: Fraction) -> Decimal:
    """Rounded half up to one decimal place, exactly: 87.25 → 87.3, never 87.2 from a float's 87.2499…"""
    tenths = math.floor(value * 10 + Fraction(1, 2))
    return (Decimal(tenths) / 10).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _factor(key: str, share: Fraction, template: str, params: dict) -> tuple[Factor, Fraction]:
    """A factor worth `share` of its maximum, with its exact points alongside for the total."""
    exact = MAX_POINTS[key] * share
    factor = Factor(key, FACTOR_LABELS[key], one_decimal(exact), MAX_POINTS[key], template, params)
    return factor, exact


def _factors(org: OrgFacts, dispute_type: str, province: str | None) -> list[tuple[Factor, Fraction]]:
    handled = dispute_type in org.dispute_types
    dispute = _factor(
        "dispute_type",
        Fraction(int(handled)),
        DISPUTE_TYPE_HANDLED if handled else DISPUTE_TYPE_NOT_HANDLED,
        {"dispute_type": dispute_type},
    )

    # Nationwide covers the court wherever it is, so it counts even when the court's province is unknown.
    if NATIONWIDE in org.scope:
        covered, territory_template = True, TERRITORY_NATIONWIDE
    elif province is None:
        covered, territory_template = False, TERRITORY_UNKNOWN
    elif province in org.scope:
        covered, territory_template = True, TERRITORY_INCLUDED
    else:
        covered, territory_template = False, TERRITORY_EXCLUDED
    territory = _factor("territory", Fraction(int(covered)), territory_template, {"province": province or ""})

    # An organisation already over capacity has no headroom, not a negative one.
    headroom = Fraction(max(org.capacity - org.load, 0), org.capacity) if org.capacity else Fraction(0)
    capacity = _factor("capacity", headroom, CAPACITY_DETAIL, {"load": org.load, "capacity": org.capacity})

    counts = {"answered": org.answered, "answered_on_time": org.answered_on_time}
    if org.answered:
        timeliness = _factor("timeliness", Fraction(org.answered_on_time, org.answered), TIMELINESS_DETAIL, counts)
    else:
        timeliness = _factor("timeliness", NO_RECORD, TIMELINESS_NO_RECORD, counts)

    counts = {"concluded": org.concluded, "succeeded": org.succeeded}
    if org.concluded:
        success = _factor("success", Fraction(org.succeeded, org.concluded), SUCCESS_DETAIL, counts)
    else:
        success = _factor("success", NO_RECORD, SUCCESS_NO_RECORD, counts)

    return [dispute, territory, capacity, timeliness, success]


def rank(orgs: Iterable[OrgFacts], *, dispute_type: str, province: str | None) -> list[Recommendation]:
    """The organisations best first, for a case of `dispute_type` (a DisputeType value) at a court in
    `province` (a full province name, or None if the court's province is not known).

    Equal scores go first to the one with more capacity headroom (the capacity factor's exact share), then
    by name and org_id, so the order never depends on the order the roster was read in. Each org_id may
    appear once."""
    dispute_type = DisputeType(dispute_type).value  # a label or a typo is a bug, not a zero
    if province is not None and province_by_name(province) is None:
        raise ValueError(f"unknown province {province!r}")
    scored, seen = [], set()
    for org in orgs:
        if org.org_id in seen:  # the same organisation twice would make the order depend on input order
            raise ValueError(f"organisation {org.org_id!r} is listed twice")
        seen.add(org.org_id)
        factors = _factors(org, dispute_type, province)
        total = sum((exact for _, exact in factors), Fraction(0))
        headroom = factors[2][1]
        scored.append((one_decimal(total), headroom, org, tuple(f for f, _ in factors)))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2].name, s[2].org_id))
    return [
        Recommendation(org.org_id, org.name, score, factors, position)
        for position, (score, _, org, factors) in enumerate(scored, start=1)
    ]
