"""Rules on the budget block (年初预算数 / 全年预算数 / 全年执行数 / 执行率 / 分值 / 得分,
按收入性质分 and 按支出性质分) and on the 收支 tables of reports without one."""

from __future__ import annotations

from collections.abc import Iterator

from extractor.reconcile.core import FUNDS_LABELS, Figure, finding, funds_figure, rule
from extractor.reconcile.tolerance import (
    agrees, decimals, fmt, fmt_pct, fmt_plain, half_unit, sum_agrees, sum_decimals,
)
from extractor.schema import Evidence, Extraction, Finding


def _unit(ex: Extraction) -> str:
    return (ex.funds.unit if ex.funds and ex.funds.unit else "万元")


def _parts(ex: Extraction, keys) -> list[Figure]:
    return [f for f in (funds_figure(ex, k, k) for k in keys) if f is not None]


def _sum_text(parts: list[Figure]) -> tuple[float, str]:
    s = sum(p.value for p in parts)
    return s, fmt(s, sum_decimals(p.pair for p in parts))


def _diff_text(a: float, b: float, parts: list[Figure], other: Figure) -> str:
    d = max([other.decimals] + [p.decimals for p in parts])
    return fmt(abs(a - b), d)


def _formula(parts: list[Figure]) -> str:
    return "+".join(p.text for p in parts)


def _breakdown_check(ex: Extraction, keys, what: str, main_key: str, other_key: str) -> Iterator[Finding]:
    """Σ of a breakdown vs the total it should add up to; says so when it adds up to the other total."""
    parts = _parts(ex, keys)
    if not parts:
        return  # every part empty: nothing to check
    main = funds_figure(ex, main_key)
    other = funds_figure(ex, other_key)
    unit = _unit(ex)
    s, s_text = _sum_text(parts)
    ev = [p.evidence() for p in parts]
    if main is None:
        yield finding("info", "unverifiable", f"{what}各项合计{s_text}{unit}，但表中没有{FUNDS_LABELS.get(main_key, main_key)}，无法核对",
                      found=s_text, evidence=ev)
        return
    ev.append(main.evidence())
    if sum_agrees(main.value, main.decimals, [p.pair for p in parts]):
        yield finding("info", "supported", f"{what}各项合计{_formula(parts)}={s_text}{unit}，与{main.label}{main.text}{unit}一致",
                      expected=main.text, found=s_text, evidence=ev)
        return
    diff = _diff_text(s, main.value, parts, main)
    more = "多" if s > main.value else "少"
    msg = f"{what}各项合计{_formula(parts)}={s_text}{unit}，与{main.label}{main.text}{unit}不符（{more}{diff}{unit}）"
    if other is not None and sum_agrees(other.value, other.decimals, [p.pair for p in parts]):
        if not agrees(other.value, min(other.decimals, main.decimals), main.value):
            msg += f"，却等于{other.label}{other.text}{unit}：该栏按{other.label}而非{main.label}填列"
            ev.append(other.evidence())
    elif other is not None and agrees(other.value, min(other.decimals, main.decimals), main.value):
        msg += f"，也不等于{other.label}{other.text}{unit}"
        ev.append(other.evidence())  # the message cites it, so the auditor can click through to it
    yield finding("error", "contradicted", msg, expected=main.text, found=s_text, evidence=ev)


@rule("funds.sources_sum")
def sources_sum(ex: Extraction) -> Iterator[Finding]:
    """按收入性质分 (一般公共预算 + 政府性基金 + 专户 + 其他) = 全年预算数."""
    f = ex.funds
    if f is None or not f.by_source:
        return
    if f.annual_budget is None and f.income_total is not None:
        return  # 收支 tables: funds.income_expense checks the income columns
    # a source broken down under another (其中：上级补助 of 财政拨款) is counted once, in its parent
    yield from _breakdown_check(ex, [k for k in f.by_source if k not in f.source_parts], "按收入性质分", budget_key(ex), "executed")


@rule("funds.types_sum")
def types_sum(ex: Extraction) -> Iterator[Finding]:
    """按支出性质分: 基本支出 + 项目支出 = 全年执行数."""
    f = ex.funds
    if f is None or not f.by_type:
        return
    yield from _breakdown_check(ex, list(f.by_type), "按支出性质分（基本支出+项目支出）", "executed", "annual_budget")


def budget_key(ex: Extraction) -> str:
    """The budget a rate and the sources are measured against: 全年预算数, or 年初预算数 on a form that has no other."""
    f = ex.funds
    return "initial_budget" if f is not None and f.annual_budget is None and "annual_budget" not in f.at else "annual_budget"


def _computed_rate(ex: Extraction) -> tuple[float, Figure, Figure] | None:
    executed = funds_figure(ex, "executed")
    budget = funds_figure(ex, budget_key(ex))
    if executed is None or budget is None or budget.value <= 0:
        return None
    return executed.value / budget.value * 100.0, executed, budget


def _written_rate(ex: Extraction) -> tuple[float, int, str] | None:
    q = ex.funds.execution_rate if ex.funds else None
    if q is None or q.value is None or q.unit not in ("%", None):
        return None
    return q.value, decimals(q.text), q.text


def _rate_evidence(ex: Extraction) -> Evidence | None:
    q = ex.funds.execution_rate
    return Evidence(text=q.text, at=ex.funds.at["execution_rate"]) if "execution_rate" in ex.funds.at else None


@rule("funds.execution_rate")
def execution_rate(ex: Extraction) -> Iterator[Finding]:
    """执行率 as written vs 全年执行数 / 全年预算数."""
    f = ex.funds
    if f is None or f.execution_rate is None:
        return
    comp = _computed_rate(ex)
    written = _written_rate(ex)
    if written is None:
        yield finding("info", "unverifiable", f"执行率填报为“{f.execution_rate.text}”，不是百分数，无法核对",
                      found=f.execution_rate.text, evidence=[_rate_evidence(ex)])
        return
    if comp is None:
        yield finding("info", "unverifiable", f"执行率填报为{written[2]}，但缺少全年执行数或全年预算数，无法核对",
                      found=written[2], evidence=[_rate_evidence(ex)])
        return
    rate, executed, budget = comp
    ev = [_rate_evidence(ex), executed.evidence(), budget.evidence()]
    w, d, text = written
    if agrees(w, d, rate):
        yield finding("info", "supported",
                      f"执行率填报为{text}，与{executed.label}/{budget.label}（{executed.text}/{budget.text}={fmt_pct(rate)}）相符",
                      expected=fmt_pct(rate), found=text, evidence=ev)
        return
    yield finding("error", "contradicted",
                  f"执行率填报为{text}，按{executed.label}/{budget.label}计算应为{fmt_pct(rate)}（{executed.text}/{budget.text}）",
                  expected=fmt_pct(rate), found=text, evidence=ev)


@rule("funds.source_rates")
def source_rates(ex: Extraction) -> Iterator[Finding]:
    """Each source row's own 执行率 (中央资金, 其中：上级补助 …) vs its own 执行数 / 预算数."""
    if ex.funds is None:
        return
    for label, row in ex.funds.rows.items():
        if row.execution_rate is None:
            continue
        for f in execution_rate(ex.model_copy(update={"funds": row})):
            yield f.model_copy(update={"message": f"{label}：{f.message}"})


@rule("funds.over_budget")
def over_budget(ex: Extraction) -> Iterator[Finding]:
    """全年执行数 above 全年预算数: spending without a budget; the breakdowns show where the gap sits."""
    f = ex.funds
    # spending above a 年初预算数 is what the year's adjustments are for (a form with only an initial
    # budget gives the difference its own reason column): only the full-year budget is a ceiling
    comp = _computed_rate(ex) if f and budget_key(ex) == "annual_budget" else None
    if comp is None:
        return
    rate, executed, budget = comp
    unit = _unit(ex)
    d = min(executed.decimals, budget.decimals)
    if executed.value - budget.value <= half_unit(d) + 1e-9:
        return
    gap = fmt(executed.value - budget.value, max(executed.decimals, budget.decimals))
    msg = (f"全年执行数{executed.text}{unit}超过全年预算数{budget.text}{unit}（超出{gap}{unit}），"
           f"实际执行率为{fmt_pct(rate)}")
    src = _parts(ex, list(f.by_source))
    typ = _parts(ex, list(f.by_type))
    if src and typ and sum_agrees(budget.value, budget.decimals, [p.pair for p in src]) \
            and sum_agrees(executed.value, executed.decimals, [p.pair for p in typ]):
        msg += f"；按收入性质分合计等于全年预算数，按支出性质分合计等于全年执行数，超出的{gap}{unit}没有资金来源说明"
    else:
        msg += "，超支部分未说明资金来源"
    yield finding("warning", "contradicted", msg, expected=f"≤{budget.text}", found=executed.text,
                  evidence=[executed.evidence(), budget.evidence()])


@rule("funds.rate_score")
def rate_score(ex: Extraction) -> Iterator[Finding]:
    """预算执行 得分 = 分值 × min(执行率, 100%), with the computed rate."""
    f = ex.funds
    if f is None:
        return
    weight = funds_figure(ex, "weight")
    score = funds_figure(ex, "score")
    comp = _computed_rate(ex)
    if weight is None or score is None or comp is None:
        return
    rate, executed, budget = comp
    expected = weight.value * min(rate, 100.0) / 100.0
    exp_text = fmt_plain(round(expected, 2))
    ev = [score.evidence(), weight.evidence(), executed.evidence(), budget.evidence()]
    written = _written_rate(ex)
    by_written = None
    if written is not None:
        by_written = weight.value * min(written[0], 100.0) / 100.0
    written_note = ""
    if written is not None and not agrees(written[0], written[1], rate):
        ev.insert(1, _rate_evidence(ex))
    if agrees(score.value, score.decimals, expected):
        if by_written is not None and not agrees(score.value, score.decimals, by_written):
            yield finding(
                "info", "contradicted",
                f"预算执行得分{score.text}分与按全年执行数/全年预算数计算的执行率{fmt_pct(rate)}相符"
                f"（{weight.text}×{fmt_pct(min(rate, 100.0))}={exp_text}分），但与填报的执行率{written[2]}不符"
                f"（按填报执行率应得{fmt_plain(round(by_written, 2))}分）",
                expected=exp_text, found=score.text, evidence=ev)
            return
        yield finding("info", "supported",
                      f"预算执行得分{score.text}分，与分值×执行率（{weight.text}×{fmt_pct(min(rate, 100.0))}={exp_text}分）相符",
                      expected=exp_text, found=score.text, evidence=ev)
        return
    msg = (f"预算执行得分{score.text}分，按分值×执行率（{weight.text}×{fmt_pct(min(rate, 100.0))}）"
           f"应为{exp_text}分")
    if by_written is not None and agrees(score.value, score.decimals, by_written) and not agrees(written[0], written[1], rate):
        written_note = f"；该得分与填报的执行率{written[2]}相符，但填报的执行率本身与全年执行数/全年预算数不符"
    yield finding("error", "contradicted", msg + written_note, expected=exp_text, found=score.text, evidence=ev)


@rule("funds.income_expense")
def income_expense(ex: Extraction) -> Iterator[Finding]:
    """收支 tables: 收入合计 = Σ income columns; 当年结余 = 收入合计 − 支出合计."""
    f = ex.funds
    if f is None or f.income_total is None:
        return
    unit = _unit(ex)
    total = funds_figure(ex, "income_total")
    parts = _parts(ex, list(f.by_source))
    if parts:
        s, s_text = _sum_text(parts)
        ev = [p.evidence() for p in parts] + [total.evidence()]
        if sum_agrees(total.value, total.decimals, [p.pair for p in parts]):
            yield finding("info", "supported", f"收入各栏合计{_formula(parts)}={s_text}{unit}，与收入合计{total.text}{unit}一致",
                          expected=total.text, found=s_text, evidence=ev)
        else:
            more = "多" if s > total.value else "少"
            yield finding("error", "contradicted",
                          f"收入各栏合计{_formula(parts)}={s_text}{unit}，与收入合计{total.text}{unit}不符"
                          f"（{more}{_diff_text(s, total.value, parts, total)}{unit}）",
                          expected=total.text, found=s_text, evidence=ev)
    balance = funds_figure(ex, "balance")
    executed = funds_figure(ex, "executed")
    if balance is not None and executed is not None:
        expected = total.value - executed.value
        d = max(total.decimals, executed.decimals)
        exp_text = fmt(expected, d)
        ev = [balance.evidence(), total.evidence(), executed.evidence()]
        if sum_agrees(balance.value, balance.decimals, [(total.value, total.decimals), (-executed.value, executed.decimals)]):
            yield finding("info", "supported",
                          f"当年结余{balance.text}{unit}，与收入合计−支出合计（{total.text}−{executed.text}={exp_text}{unit}）一致",
                          expected=exp_text, found=balance.text, evidence=ev)
        else:
            yield finding("error", "contradicted",
                          f"当年结余填报为{balance.text}{unit}，按收入合计−支出合计（{total.text}−{executed.text}）应为{exp_text}{unit}",
                          expected=exp_text, found=balance.text, evidence=ev)
