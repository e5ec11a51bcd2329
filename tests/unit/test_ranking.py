"""Recommending an organisation from the roster (LEGAL-RULES L2; 法办〔2021〕313号 §4(5)): each factor's points
worked out by hand, ties, organisations without a record, and an order that never depends on input order."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sutiao.translation
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.ranking import (
    CAPACITY_DETAIL,
    SUCCESS_NO_RECORD,
    TERRITORY_UNKNOWN,
    TIMELINESS_NO_RECORD,
    OrgFacts,
    one_decimal,
    rank,
)
from sutiao.kernel.regions import NATIONWIDE
from sutiao.translation import translated_factor

MIS = DisputeType.MISREPRESENTATION.value
INSIDER = DisputeType.INSIDER_TRADING.value
BROKERAGE = DisputeType.BROKERAGE_CONTRACT.value


def org(org_id, name, types=(MIS,), scope=(NATIONWIDE,), capacity=10, load=0, answers=(0, 0), results=(0, 0)):
    """answers = (answered, of which on time); results = (concluded, of which succeeded)."""
    return OrgFacts(org_id, name, frozenset(types), frozenset(scope), capacity, load, *answers, *results)


ROSTER = [
    # 35 + 25 + 20×30/40 = 15 + 10×19/20 = 9.5 + 10×6/10 = 6  → 90.5
    org("a", "中证资本市场法律服务中心", capacity=40, load=10, answers=(20, 19), results=(10, 6)),
    # 35 + 25 + 20×3/4 = 15 + 10×3/4 = 7.5 + no concluded case: 5  → 87.5
    org("e", "深圳证券期货业纠纷调解中心", capacity=4, load=1, answers=(4, 3)),
    # 35 + 25 (its province) + 20×2/8 = 5 + no answers: 5 + no concluded case: 5  → 75.0
    org("b", "北京证券期货纠纷调解中心", scope=("北京市",), capacity=8, load=6),
    # 35 + 0 (another province) + 20×10/10 = 20 + 10×3/3 = 10 + 10×1/4 = 2.5  → 67.5
    org("c", "上海金融纠纷调解中心", types=(MIS, INSIDER), scope=("上海市",), answers=(3, 3), results=(4, 1)),
    # 0 + 25 + capacity 0: 0 + 10×6/7 = 8.571… (8.6) + 10×2/3 = 6.666… (6.7)  → 845/21 = 40.238… → 40.2
    org("d", "广东经纪合同调解中心", types=(BROKERAGE,), capacity=0, answers=(7, 6), results=(3, 2)),
]


def ranked(roster=ROSTER, dispute_type=MIS, province="北京市"):
    return rank(roster, dispute_type=dispute_type, province=province)


def points(recommendation) -> tuple[str, ...]:
    return tuple(str(f.points) for f in recommendation.factors)


def test_hand_computed_order_and_scores():
    result = ranked()
    assert [(r.rank, r.org_id, str(r.score)) for r in result] == [
        (1, "a", "90.5"),
        (2, "e", "87.5"),
        (3, "b", "75.0"),
        (4, "c", "67.5"),
        (5, "d", "40.2"),
    ]
    assert result[1].score == Decimal("87.5")
    assert result[1].name == "深圳证券期货业纠纷调解中心"


def test_hand_computed_factor_points():
    # dispute type, territory, capacity, timeliness, success: see ROSTER
    assert {r.org_id: points(r) for r in ranked()} == {
        "a": ("35.0", "25.0", "15.0", "9.5", "6.0"),
        "e": ("35.0", "25.0", "15.0", "7.5", "5.0"),
        "b": ("35.0", "25.0", "5.0", "5.0", "5.0"),
        "c": ("35.0", "0.0", "20.0", "10.0", "2.5"),
        "d": ("0.0", "25.0", "0.0", "8.6", "6.7"),
    }


def test_score_is_the_exact_sum_rounded_once():
    d = ranked()[-1]
    assert sum(f.points for f in d.factors) == Decimal("40.3")  # what rounding each factor first would say
    assert d.score == Decimal("40.2")  # 0 + 25 + 0 + 60/7 + 20/3 = 845/21 = 40.238…


def test_factors_carry_their_labels_maxima_and_reasons():
    a = ranked()[0]
    assert [(f.key, f.label, f.max_points) for f in a.factors] == [
        ("dispute_type", "纠纷类型匹配", 35),
        ("territory", "地域范围", 25),
        ("capacity", "当前负荷", 20),
        ("timeliness", "答复及时率", 10),
        ("success", "调解成功率", 10),
    ]
    assert sum(f.max_points for f in a.factors) == 100
    assert [f.detail for f in a.factors] == [
        "专业领域包括本案纠纷类型",
        "办理范围为全国",
        "在办10件／容量40件",
        "按期答复19件／已答复20件",
        "调解成功6件／已办结10件",
    ]
    c = ranked()[3]
    assert [f.detail for f in c.factors][:2] == ["专业领域包括本案纠纷类型", "办理范围不包括本院所在省份"]
    assert ranked()[2].factors[1].detail == "办理范围包括本院所在省份"
    assert ranked()[4].factors[0].detail == "专业领域不包括本案纠纷类型"


def test_no_record_counts_as_the_middle_value():
    fresh = ranked([org("n", "新入册调解组织")])[0]
    timeliness, success = fresh.factors[3], fresh.factors[4]
    assert (timeliness.points, timeliness.detail_template) == (Decimal("5.0"), TIMELINESS_NO_RECORD)
    assert (success.points, success.detail_template) == (Decimal("5.0"), SUCCESS_NO_RECORD)
    assert timeliness.detail == "暂无答复记录，按中间值计"
    assert str(fresh.score) == "90.0"


def test_capacity_zero_and_over_capacity_give_no_points():
    zero, over = ranked([org("o", "超负荷", capacity=5, load=9), org("z", "容量为零", capacity=0)])
    assert (zero.org_id, over.org_id) == ("z", "o")  # equal scores and headroom: by name, 容 (U+5BB9) < 超 (U+8D85)
    for recommendation in (zero, over):
        assert recommendation.factors[2].points == Decimal("0.0")
        assert recommendation.score == Decimal("70.0")
    assert zero.factors[2].detail == "在办0件／容量0件"
    assert over.factors[2].params == {"load": 9, "capacity": 5}


def test_equal_scores_go_to_more_headroom_then_name_then_id():
    roster = [
        # 35 + 25 + 10 + 10 + 10 = 90, half its capacity free
        org("x", "A调解中心", capacity=10, load=5, answers=(1, 1), results=(1, 1)),
        # 35 + 25 + 20 + 5 + 5 = 90, all its capacity free
        org("y", "B调解中心", capacity=10, load=0),
        # the same facts as x under a later name, and twice under the same name
        org("w", "C调解中心", capacity=10, load=5, answers=(1, 1), results=(1, 1)),
        org("v2", "A调解中心", capacity=10, load=5, answers=(1, 1), results=(1, 1)),
    ]
    result = ranked(roster)
    assert {str(r.score) for r in result} == {"90.0"}
    assert [r.org_id for r in result] == ["y", "v2", "x", "w"]
    assert [r.rank for r in result] == [1, 2, 3, 4]


def test_unknown_court_province_scores_no_territory_except_nationwide():
    result = ranked(province=None)
    by_id = {r.org_id: r for r in result}
    assert by_id["a"].factors[1].points == Decimal("25.0")
    assert by_id["b"].factors[1].points == Decimal("0.0")
    assert by_id["b"].factors[1].detail_template == TERRITORY_UNKNOWN
    assert by_id["b"].factors[1].detail == "本院所在省份未知，无法按地域范围计分"
    assert [r.org_id for r in result] == ["a", "e", "c", "b", "d"]  # c: 67.5, b: 35 + 0 + 5 + 5 + 5 = 50.0


def test_another_dispute_type_and_province():
    result = ranked(dispute_type=INSIDER, province="上海市")
    # c: 35 + 25 + 20 + 10 + 2.5 = 92.5; a: 0 + 25 + 15 + 9.5 + 6 = 55.5; e: 0 + 25 + 15 + 7.5 + 5 = 52.5;
    # d: 0 + 25 + 0 + 8.571… + 6.666… = 40.2; b: 0 + 0 + 5 + 5 + 5 = 15
    assert [(r.org_id, str(r.score)) for r in result] == [
        ("c", "92.5"),
        ("a", "55.5"),
        ("e", "52.5"),
        ("d", "40.2"),
        ("b", "15.0"),
    ]


def test_empty_roster():
    assert ranked([]) == []


def test_bad_arguments_are_bugs():
    with pytest.raises(ValueError):
        ranked(dispute_type="虚假陈述")  # a label, not a value
    with pytest.raises(ValueError):
        ranked(province="北京")
    with pytest.raises(ValueError):
        org("q", "q", answers=(1, 2))
    with pytest.raises(ValueError):
        org("q", "q", results=(1, 2))
    with pytest.raises(ValueError):
        org("q", "q", load=-1)
    with pytest.raises(ValueError):
        ranked([*ROSTER, org("a", "同一组织重复列出")])


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(8725, 100), "87.3"),  # half up; round(87.25, 1) says 87.2
        (Fraction(1, 20), "0.1"),
        (Fraction(4999, 100000), "0.0"),
        (Fraction(100), "100.0"),
        (Fraction(0), "0.0"),
        (Fraction(845, 21), "40.2"),
    ],
)
def test_one_decimal_rounds_half_up_exactly(value, rounded):
    assert str(one_decimal(value)) == rounded


def test_translated_factor_uses_the_template(monkeypatch):
    capacity = ranked()[0].factors[2]
    assert capacity.detail_template == CAPACITY_DETAIL
    assert translated_factor(capacity) == "在办10件／容量40件"
    english = {CAPACITY_DETAIL: "%(load)s cases in hand of a capacity of %(capacity)s"}
    monkeypatch.setattr(sutiao.translation, "gettext", lambda msgid: english.get(msgid, msgid))
    assert translated_factor(capacity) == "10 cases in hand of a capacity of 40"


@given(st.permutations(ROSTER))
def test_order_does_not_depend_on_input_order(roster):
    assert ranked(roster) == ranked()


COUNTS = st.integers(0, 50)
ANSWERS = st.tuples(COUNTS, COUNTS).map(lambda t: (max(t), min(t)))
ORGS = st.builds(
    org,
    org_id=st.text("0123456789abcdef", min_size=1, max_size=4),
    name=st.sampled_from(["甲调解中心", "乙调解中心", "丙调解中心"]),
    types=st.sets(st.sampled_from([t.value for t in DisputeType])),
    scope=st.sets(st.sampled_from([NATIONWIDE, "北京市", "上海市", "广东省"])),
    capacity=COUNTS,
    load=COUNTS,
    answers=ANSWERS,
    results=ANSWERS,
)


@given(
    st.lists(ORGS, max_size=8, unique_by=lambda o: o.org_id), st.sampled_from([None, "北京市", "四川省"]), st.randoms()
)
def test_scores_are_bounded_sorted_and_stable(roster, province, random):
    result = ranked(roster, province=province)
    assert [r.rank for r in result] == list(range(1, len(roster) + 1))
    assert all(Decimal(0) <= r.score <= Decimal(100) for r in result)
    assert [r.score for r in result] == sorted((r.score for r in result), reverse=True)
    for r in result:
        assert r.score.as_tuple().exponent == -1
        assert abs(r.score - sum(f.points for f in r.factors)) <= Decimal("0.3")
    shuffled = list(roster)
    random.shuffle(shuffled)
    assert ranked(shuffled, province=province) == result
