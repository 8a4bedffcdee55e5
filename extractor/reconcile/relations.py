"""Rules over the relations the text states (extractor.relations) and over broken figures.

- `relations.parts_sum`: the parts of a 其中 list against their whole. Parts
  are entered, the whole may be a rounded display, so the sum is held to the
  whole's displayed precision (tolerance.py). More than the whole is an
  error; less is a warning when two or more parts are listed (a list may stop
  short on purpose, but then it rarely names two parts and leaves a gap). A
  list whose first k≥2 parts already make the whole is consistent: the
  figures after them belong to the next clause.
- `relations.share_base`: `A，占B的N%` against A/B; when it disagrees, the
  figure of the document that N% is a share of (the likely base) is named.
- `relations.product`: `C人，每人R元，共计T元` against C×R; a power of ten
  between the two names a unit slip (元 for 万元).
- `relations.rate`: a stated 执行率/到位率/完成率 against the two amounts it is the
  ratio of (the counted amount in its sentence, the budget or plan before it).
- `figures.malformed`: a figure written broken (`46.%`, `12O5万元`).

Where a difference is one digit in one figure, the message says which figure
and what it would be (`one_digit_apart`).
"""

from __future__ import annotations

import math
import re

from extractor.reconcile.core import finding, rule
from extractor.reconcile.tolerance import decimals, fmt, half_unit, sum_agrees
from extractor.relations import dimension, name_key, order
from extractor.schema import Evidence, Extraction, Fact

_PARTIAL = 0.10


def _facts(ex: Extraction) -> dict[str, Fact]:
    return {f.id: f for f in ex.facts}


def _ev(f: Fact) -> Evidence:
    return Evidence(text=f.value.text, at=f.at)


def _in(f: Fact, unit: str | None) -> float | None:
    """The fact's value in `unit` (the same dimension), or as written when units are absent."""
    if f.value.value is None:
        return None
    if unit is None or f.value.unit is None or f.value.unit == unit:
        return f.value.value
    return f.value.scaled(unit)


def _places(f: Fact, unit: str | None) -> int:
    """The decimals `f` is shown to once in `unit`: 200元 is shown to the 元, four places of 万元."""
    d = decimals(f.value.text)
    x = _in(f, unit)
    if x is None or not f.value.value or x == f.value.value:
        return d
    return d + round(-math.log10(abs(x / f.value.value)))


def _label(f: Fact) -> str:
    if f.source == "table":
        column = (f.column or "").split("/")[-1]
        return "表中" + "·".join(x for x in (f.name, column) if x) if f.name or column else "表中数"
    # the clause's words (全年支出, 局机关) say more than the tagger's shortest noun phrase, unless they run long
    if f.name and len(f.name) <= 16:
        return f.name
    return f.metric or f.name or "（未命名）"


def one_digit_apart(a: float, b: float, d: int) -> bool:
    """Are `a` and `b`, shown at d decimals, the same number with exactly one digit changed?"""
    x, y = fmt(a, d), fmt(b, d)
    return a >= 0 and b >= 0 and len(x) == len(y) and sum(p != q for p, q in zip(x, y)) == 1


def _same_as_elsewhere(ex: Extraction, value: float, tol: float, unit: str | None, skip: set[str]) -> Fact | None:
    """A money figure elsewhere in the document (text first) that `value` equals within `tol` and its own rounding."""
    for f in sorted(ex.facts, key=lambda f: f.source != "text"):
        if f.id in skip or f.malformed or f.measure != "amount" and f.source == "text":
            continue
        v = _in(f, unit)
        if v is None or dimension(f.value.unit or unit) != dimension(unit):
            continue
        if abs(v - value) <= tol + half_unit(decimals(f.value.text)) + 1e-9 and v != 0:
            return f
    return None


@rule("relations.parts_sum")
def parts_sum(ex: Extraction):
    facts = _facts(ex)
    for rel in ex.relations:
        if rel.kind != "parts":
            continue
        total, parts = facts.get(rel.total), [facts[p] for p in rel.parts if p in facts]
        unit = total.value.unit if total else None
        values = [(_in(p, unit), _places(p, unit)) for p in parts]
        if total is None or total.value.value is None or any(v is None for v, _ in values):
            continue
        d_total = decimals(total.value.text)
        full = sum_agrees(total.value.value, d_total, values)
        prefix = any(sum_agrees(total.value.value, d_total, values[:k]) for k in range(2, len(values)))
        s = math.fsum(v for v, _ in values)
        d_sum = max([d_total] + [d for _, d in values])
        names = "、".join(f"{_label(p)}{p.value.text}" for p in parts)
        evidence = [_ev(total)] + [_ev(p) for p in parts]
        # a list far short of its whole names only some parts (预算单位59个，其中局机关1个、中心1个); a wrong
        # figure in a complete list leaves a gap of a slip, not of most of the whole
        partial = s < total.value.value and (len(parts) < 2 or total.value.value - s > _PARTIAL * abs(total.value.value))
        if full or prefix or partial:
            yield finding("info", "supported", f"“{_label(total)}”{total.value.text}与其中各项（{names}）相符",
                          expected=total.value.text, found=fmt(s, d_sum), evidence=evidence)
            continue
        gap = total.value.value - s
        hints = []
        rounding = abs(gap) <= len(parts) * half_unit(max(d for _, d in values)) + 1e-9
        elsewhere = None if rounding else _same_as_elsewhere(ex, s, len(parts) * half_unit(max(d for _, d in values)), unit, {total.id, *rel.parts})
        if elsewhere is not None and _in(elsewhere, unit) != total.value.value:
            hints.append(f"各项合计恰与“{_label(elsewhere)}”{elsewhere.value.text}相当，疑为其分项")
        typos = [p for p, (v, dv) in zip(parts, values) if one_digit_apart(v, v + gap, dv)]
        if len(typos) == 1 and not rounding:  # one part explains it, and rounding does not
            typo = typos[0]
            hints.append(f"若“{_label(typo)}”为{fmt(_in(typo, unit) + gap, decimals(typo.value.text))}则相符，疑为笔误")
        over = s > total.value.value
        yield finding(
            "warning" if rounding or not over else "error", "contradicted",
            f"“{_label(total)}”为{total.value.text}，其中各项（{names}）合计{fmt(s, d_sum)}{unit or ''}，"
            f"{'超出' if over else '少'}{fmt(abs(gap), d_sum)}{unit or ''}"
            + (f"（{'；'.join(hints)}）" if hints else "") + f"：“{rel.text[:80]}”",
            expected=total.value.text, found=fmt(s, d_sum), evidence=evidence,
        )


def _share_ok(a: float, da: int, b: float, db: int, pct: float, dp: int) -> bool:
    if b == 0:
        return False
    computed = a / b * 100
    # the share is computed from the two amounts as displayed: their rounding moves it too
    tol = half_unit(dp) + 100 * (half_unit(da) / abs(b) + abs(a) * half_unit(db) / b**2) + 1e-9
    return abs(computed - pct) <= tol


@rule("relations.share_base")
def share_base(ex: Extraction):
    facts = _facts(ex)
    for rel in ex.relations:
        if rel.kind != "share":
            continue
        share, part = facts.get(rel.share), facts.get(rel.parts[0]) if rel.parts else None
        base = facts.get(rel.base) if rel.base else None
        if share is None or part is None or share.malformed or share.value.value is None:
            continue
        pct, dp = share.value.value, decimals(share.value.text)
        if base is None:
            yield finding("info", "unverifiable", f"“占{rel.base_name}{share.value.text}”：文中没有找到“{rel.base_name}”的金额，无法核对",
                          found=share.value.text, evidence=[_ev(share), _ev(part)])
            continue
        unit = base.value.unit
        a, b = _in(part, unit), _in(base, unit)
        if a is None or b is None or b == 0:
            continue
        da, db = _places(part, unit), _places(base, unit)
        evidence = [_ev(share), _ev(part), _ev(base)]
        if _share_ok(a, da, b, db, pct, dp):
            yield finding("info", "supported", f"“{_label(part)}”{part.value.text}占“{rel.base_name}”{base.value.text}的{share.value.text}，相符",
                          expected=share.value.text, found=share.value.text, evidence=evidence)
            continue
        computed = a / b * 100
        likely = None
        for f in sorted(ex.facts, key=lambda f: f.source != "text"):
            if f.id in (part.id, base.id, share.id) or f.malformed or f.measure not in ("amount", "count", "level"):
                continue
            x = _in(f, unit)
            if x and dimension(f.value.unit or unit) == dimension(unit) and _share_ok(a, da, x, _places(f, unit), pct, dp):
                likely = f
                break
        hint = (f"；{share.value.text}是{part.value.text}与“{_label(likely)}”{likely.value.text}之比，疑为占{_label(likely)}的比例"
                if likely is not None else "")
        if likely is not None:
            evidence.append(_ev(likely))
        yield finding(
            "error", "contradicted",
            f"“{_label(part)}”{part.value.text}占“{rel.base_name}”（{base.value.text}）的比例写作{share.value.text}，"
            f"按两数计算为{computed:.{max(dp, 1)}f}%{hint}",
            expected=f"{computed:.{max(dp, 1)}f}%", found=share.value.text, evidence=evidence,
        )


# the year's whole budget by its usual names (全年预算数, 调整后预算, 项目预算资金, 下达资金)
_WHOLE_BUDGET = re.compile(r"^((19|20)\d{2}年度?)?(全年|年度|本年|部门|项目|年初|调整后?的?|共)*(预算|预算数|预算资金|预算总额|可用资金|"
                           r"下达资金|下达预算资金|资金总额)$")


@rule("relations.rate")
def rate(ex: Extraction):
    """A rate the text states (执行率, 到位率, 完成率) against the two amounts it is the ratio of, at their displayed
    precision; when it does not fit, the amount of the text it does fit is named (the rate of another budget)."""
    facts = _facts(ex)
    for rel in ex.relations:
        if rel.kind != "rate":
            continue
        pct_f, num, den = facts.get(rel.share), facts.get(rel.parts[0]) if rel.parts else None, facts.get(rel.base or "")
        if pct_f is None or num is None:
            continue
        pct, dp = pct_f.value.value, decimals(pct_f.value.text)
        if den is None:
            # no budget in the rate's sentence: the year's budget stated earlier in the text; of several (年初预算, 调整后预算)
            # the one that fits, and none fitting says nothing unless the text states only one
            budgets = [f for f in ex.facts if f.source == "text" and order(f) < order(num) and _WHOLE_BUDGET.match(name_key(f.name))
                       and _in(f, num.value.unit)]
            den = next((f for f in budgets if _share_ok(num.value.value, _places(num, num.value.unit), _in(f, num.value.unit),
                                                        _places(f, num.value.unit), pct, dp)), None)
            den = den or (budgets[0] if len(budgets) == 1 else None)
            if den is None:
                continue
        unit = den.value.unit
        a, b = _in(num, unit), _in(den, unit)
        if a is None or not b:
            continue
        evidence = [_ev(pct_f), _ev(num), _ev(den)]
        what = f"{rel.base_name}{pct_f.value.text}（{_label(num)}{num.value.text}÷{_label(den)}{den.value.text}）"
        if _share_ok(a, _places(num, unit), b, _places(den, unit), pct, dp):
            yield finding("info", "supported", f"{what}相符", expected=pct_f.value.text, found=pct_f.value.text, evidence=evidence)
            continue
        computed = a / b * 100
        other = next((f for f in ex.facts if f.source == "text" and f.id not in (num.id, den.id) and f.measure == den.measure
                      and not f.malformed and (x := _in(f, unit)) and _share_ok(a, _places(num, unit), x, _places(f, unit), pct, dp)), None)
        hint = f"；{pct_f.value.text}是{num.value.text}与“{_label(other)}”{other.value.text}之比" if other is not None else ""
        yield finding(
            "error" if other is None else "warning", "contradicted",
            f"{what}按两数计算为{computed:.{max(dp, 1)}f}%，文中写作{pct_f.value.text}{hint}",
            expected=f"{computed:.{max(dp, 1)}f}%", found=pct_f.value.text, evidence=evidence + ([_ev(other)] if other else []),
        )


@rule("relations.product")
def product(ex: Extraction):
    facts = _facts(ex)
    for rel in ex.relations:
        if rel.kind != "product":
            continue
        total = facts.get(rel.total)
        count, rate = (facts.get(p) for p in rel.parts)
        if total is None or count is None or rate is None or total.value.comparator is not None:
            continue
        r, n = _in(rate, total.value.unit), _in(count, rel.per)
        if r is None or n is None or total.value.value is None:
            continue
        expected = n * r * rel.months
        d = decimals(total.value.text)
        evidence = [_ev(count), _ev(rate), _ev(total)]
        if abs(expected - total.value.value) <= half_unit(d) + 1e-9 * max(1.0, abs(expected)):
            yield finding("info", "supported", f"{count.value.text}×{rate.value.text}{f'×{rel.months}个月' if rel.months > 1 else ''}＝{total.value.text}，相符",
                          expected=total.value.text, found=total.value.text, evidence=evidence)
            continue
        hint = ""
        if total.value.value and expected:
            ratio = expected / total.value.value
            power = round(math.log10(abs(ratio))) if ratio > 0 else 0
            if power and math.isclose(ratio, 10.0**power, rel_tol=10 ** -max(d, 2)):
                hint = f"，相差{10 ** abs(power):g}倍，疑为单位写错"
        shown = fmt(expected, max(d, decimals(rate.value.text)))
        yield finding(
            "error", "contradicted",
            f"{count.value.text}×{rate.value.text}{f'×{rel.months}个月' if rel.months > 1 else ''}应为{shown}{total.value.unit or ''}，"
            f"文中写作{total.value.text}{hint}：“{rel.text[:80]}”",
            expected=f"{shown}{total.value.unit or ''}", found=total.value.text, evidence=evidence,
        )


@rule("figures.malformed")
def malformed(ex: Extraction):
    for f in ex.facts:
        if f.malformed:
            where = f"“{f.sentence[:60]}”" if f.sentence else f"表{f.at.table}第{(f.at.row or 0) + 1}行"
            yield finding("warning", "contradicted", f"数字“{f.value.text}”书写有误（{f.malformed}）：{where}",
                          expected="完整的数字", found=f.value.text, evidence=[_ev(f)])
