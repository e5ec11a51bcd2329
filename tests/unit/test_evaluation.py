"""Performance evaluation (issue 13 §4; kernel.evaluation): points from weighted figures, each explained, a ranking
that is the same on every machine, the unranked listed apart, the threshold flagged, a scheme's mistakes named."""

from decimal import Decimal

from sutiao.kernel.evaluation import HIGHER, LOWER, Weight, check_weights, evaluate

KINDS = {
    "success_rate": "rate",
    "succeeded": "count",
    "answered_late": "count",
    "days_to_result": "days",
    "received": "count",
}
WEIGHTS = [
    Weight("success_rate", 40),
    Weight("succeeded", 25),
    Weight("answered_late", 15, LOWER),
    Weight("days_to_result", 20, LOWER),
]


def row(key, received, rate, succeeded, late, days):
    return {
        "key": key,
        "name": f"组织{key}",
        "received": received,
        "success_rate": None if rate is None else Decimal(rate),
        "succeeded": succeeded,
        "answered_late": late,
        "days_to_result": None if days is None else Decimal(days),
    }


def test_points_are_explained_and_add_up_to_the_score():
    rows = [row("a", 100, "80.0", 40, 10, "20.0"), row("b", 50, "50.0", 10, 0, "10.0")]
    a, b = evaluate(rows, WEIGHTS, KINDS, min_cases=5, flag_below=Decimal("60"))
    # a: 40×0.8 = 32; 25×40/40 = 25; 15×(1−10/100) = 13.5; 20×10/20 = 10 → 80.5
    assert (a.key, a.rank, a.score) == ("a", 1, Decimal("80.5"))
    assert [p.points for p in a.parts] == [Decimal("32.0"), Decimal("25.0"), Decimal("13.5"), Decimal("10.0")]
    assert a.parts[3].why == "最短平均用时 10.0 日 ÷ 本项 20.0 日 × 20 分"
    # b: 20 + 6.25 + 15 + 20 = 61.25 → 61.3
    assert (b.rank, b.score, b.flagged) == (2, Decimal("61.3"), False)


def test_too_few_cases_are_listed_unranked_and_a_low_score_is_flagged():
    rows = [
        row("a", 100, "80.0", 40, 10, "20.0"),
        row("c", 30, "10.0", 2, 20, "60.0"),
        row("d", 3, "100.0", 3, 0, "1.0"),
    ]
    scored = evaluate(rows, WEIGHTS, KINDS, min_cases=5, flag_below=Decimal("60"))
    assert [(s.key, s.rank) for s in scored] == [("a", 1), ("c", 2), ("d", None)]
    assert scored[1].flagged and not scored[0].flagged and not scored[2].flagged
    assert scored[2].score is None and scored[2].parts == ()


def test_a_figure_without_value_earns_nothing_and_says_so():
    [only] = evaluate([row("a", 10, None, 0, 0, None)], WEIGHTS, KINDS, min_cases=5, flag_below=Decimal("60"))
    assert only.parts[0].points == Decimal("0.0") and only.parts[0].why == "暂无数据，不得分"
    assert only.score == Decimal("15.0")  # only the on-time answers score


def test_ties_are_broken_by_cases_then_name_the_same_everywhere():
    rows = [row("b", 10, "50.0", 5, 0, "10.0"), row("a", 10, "50.0", 5, 0, "10.0"), row("c", 20, "50.0", 5, 0, "10.0")]
    scored = evaluate(rows, WEIGHTS, KINDS, min_cases=5, flag_below=Decimal("0"))
    assert [s.key for s in scored] == ["c", "a", "b"]


def test_a_schemes_mistakes_are_named():
    assert check_weights(WEIGHTS, KINDS) == []
    problems = check_weights(
        [Weight("success_rate", 50, LOWER), Weight("nonsense", 10), Weight("days_to_result", 30, HIGHER)], KINDS
    )
    assert problems == [
        "比率指标 success_rate 只能以高为优",
        "未知的评估指标：nonsense",
        "用时指标 days_to_result 只能以低为优",
        "各项权重之和应为 100（现为 90）",
    ]
