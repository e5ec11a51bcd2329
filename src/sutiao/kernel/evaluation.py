"""Performance evaluation of mediation organisations and mediators (法办〔2021〕313号 五（二）「从组织建设情况、矛盾纠纷
化解数量、调解成功率等方面科学设定评估内容和评估标准」; issue 13 §4), as a pure function: a scheme's weighted
figures turned into points out of 100, each part with the reason for its points, a ranking, and who falls below
the scheme's threshold.

How a figure becomes points (its `better` direction says which way is good):
- a rate (调解成功率, a percentage): weight × rate / 100;
- a count that is good when high (调解成功件数, 矛盾纠纷化解数量): weight × count / the highest count of any subject
  ranked, so the busiest earns the full weight;
- a count that is good when low (逾期答复): weight × (1 − count / cases received);
- a number of days (平均调解用时), good when low: weight × the lowest mean of any subject ranked / this mean.
A figure with no value (no mediation ended yet) earns nothing, and says so. A subject with fewer cases than the
scheme's minimum is listed, unranked: a success rate of one case in one says nothing.

Arithmetic is exact (Fraction), rounded half up to one decimal for display only: the same figures always give the
same scores and order."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Weight:
    metric: str  # a key of sutiao.reports.metrics.METRICS
    weight: int  # points out of 100
    better: str = HIGHER


@dataclass(frozen=True)
class Part:
    metric: str
    value: Decimal | int | None
    points: Decimal
    weight: int
    why: str  # Chinese: how the points were reached


@dataclass(frozen=True)
class Scored:
    key: str
    name: str
    received: int
    score: Decimal | None  # None: not ranked (too few cases)
    rank: int | None
    flagged: bool
    parts: tuple[Part, ...]


def one_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def check_weights(weights: list[Weight], kinds: dict[str, str]) -> list[str]:
    """What is wrong with a scheme's weights (Chinese, one line each): unknown figures, a direction a figure cannot
    have, weights not adding up to 100."""
    problems = []
    for w in weights:
        if w.metric not in kinds:
            problems.append(f"未知的评估指标：{w.metric}")
        elif w.weight <= 0:
            problems.append(f"指标 {w.metric} 的权重应为正数")
        elif kinds[w.metric] == "rate" and w.better != HIGHER:
            problems.append(f"比率指标 {w.metric} 只能以高为优")
        elif kinds[w.metric] == "days" and w.better != LOWER:
            problems.append(f"用时指标 {w.metric} 只能以低为优")
    if sum(w.weight for w in weights) != 100:
        problems.append(f"各项权重之和应为 100（现为 {sum(w.weight for w in weights)}）")
    return problems


def _part(w: Weight, kind: str, row: dict, best: dict) -> tuple[Part, Fraction]:
    value = row.get(w.metric)
    if value is None:
        return Part(w.metric, None, Decimal("0.0"), w.weight, "暂无数据，不得分"), Fraction(0)
    if kind == "rate":
        share = Fraction(Decimal(value)) / 100
        why = f"{value}% × {w.weight} 分"
    elif kind == "days":
        low = best[w.metric]
        share = Fraction(Decimal(low)) / Fraction(Decimal(value)) if value else Fraction(1)
        why = f"最短平均用时 {low} 日 ÷ 本项 {value} 日 × {w.weight} 分"
    elif w.better == LOWER:
        received = row["received"]
        share = 1 - Fraction(value, received) if received else Fraction(0)
        why = f"（1 − {value} ÷ 收到 {received} 件）× {w.weight} 分"
    else:
        top = best[w.metric]
        share = Fraction(value, top) if top else Fraction(0)
        why = f"{value} ÷ 最高 {top} × {w.weight} 分"
    share = min(max(share, Fraction(0)), Fraction(1))
    points = share * w.weight
    return Part(w.metric, value, one_decimal(points), w.weight, why), points


def evaluate(
    rows: list[dict], weights: list[Weight], kinds: dict[str, str], *, min_cases: int, flag_below: Decimal
) -> list[Scored]:
    """`rows`: one per subject, with `key`, `name`, `received` and each weighted figure (metrics.by_dimension).
    Ranked subjects first, best first (ties: more cases received, then name), then the unranked."""
    ranked = [r for r in rows if r["key"] is not None and r["received"] >= min_cases]
    best = {}
    for w in weights:
        values = [r[w.metric] for r in ranked if r.get(w.metric) is not None]
        if values:
            best[w.metric] = min(values) if kinds[w.metric] == "days" else max(values)
    scored = []
    for r in ranked:
        parts = [_part(w, kinds[w.metric], r, best) for w in weights]
        total = sum((p for _part_, p in parts), Fraction(0))
        scored.append((total, r, tuple(part for part, _p in parts)))
    scored.sort(key=lambda t: (-t[0], -t[1]["received"], t[1]["name"] or ""))
    out = [
        Scored(
            str(r["key"]),
            r["name"] or "",
            r["received"],
            one_decimal(total),
            i + 1,
            one_decimal(total) < flag_below,
            parts,
        )
        for i, (total, r, parts) in enumerate(scored)
    ]
    out += [
        Scored(str(r["key"]), r["name"] or "", r["received"], None, None, False, ())
        for r in sorted(rows, key=lambda r: r["name"] or "")
        if r["key"] is not None and r["received"] < min_cases
    ]
    return out
