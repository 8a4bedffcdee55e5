"""Rules on the 绩效评价基础数据表: the 三公经费 breakdown, 公用经费 and its 其中
rows, staffing, and a 预算数 column that merely copies the 决算数 column."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.document import At
from extractor.reconcile.core import basic_figure, basic_rows, finding, rule
from extractor.reconcile.tolerance import agrees, decimals, fmt, fmt_pct, sum_agrees, sum_decimals
from extractor.schema import BasicData, Evidence, Extraction, Finding

SANGGONG = ("公务用车购置和维护经费", "出国经费", "公务接待")
CAR = ("公车购置", "公车运行维护")
PUBLIC_PARTS = ("办公经费", "水费电费差旅费", "会议费培训费")


def _parts_check(ex: Extraction, whole_key: str, part_keys: tuple[str, ...], strict: bool) -> Iterator[Finding]:
    """Per year column: whole = Σ parts (strict) or whole ≥ Σ parts (其中 rows)."""
    data = ex.basic_data
    rows = basic_rows(data)
    whole_row = rows.get(whole_key)
    part_rows = [rows[k] for k in part_keys if k in rows]
    if whole_row is None or not part_rows:
        return
    for i, col in enumerate(data.columns):
        whole = basic_figure(ex, data, whole_row, i)
        parts = [p for p in (basic_figure(ex, data, r, i) for r in part_rows) if p is not None]
        if whole is None or not parts:
            continue  # every part empty (or no whole): nothing to check
        pairs = [p.pair for p in parts]
        s = sum(v for v, _ in pairs)
        s_text = fmt(s, sum_decimals(pairs))
        names = "+".join(f"{k}{basic_figure(ex, data, r, i).text}" for k, r in zip(part_keys, part_rows)
                         if basic_figure(ex, data, r, i) is not None)
        ev = [whole.evidence()] + [p.evidence() for p in parts]
        ok = sum_agrees(whole.value, whole.decimals, pairs)
        if strict:
            if ok:
                yield finding("info", "supported", f"{col}：{whole_key}{whole.text}，等于{names}={s_text}",
                              expected=whole.text, found=s_text, evidence=ev)
            else:
                yield finding("error", "contradicted",
                              f"{col}：{whole_key}填报为{whole.text}，其组成部分{names}合计为{s_text}",
                              expected=whole.text, found=s_text, evidence=ev)
        else:
            if ok or s <= whole.value:
                yield finding("info", "supported", f"{col}：{whole_key}{whole.text}，不小于其中各项{names}={s_text}",
                              expected=f"≤{whole.text}", found=s_text, evidence=ev)
            else:
                yield finding("warning", "contradicted",
                              f"{col}：{whole_key}{whole.text}，小于其中所列各项之和{names}={s_text}",
                              expected=f"≤{whole.text}", found=s_text, evidence=ev)


@rule("basic_data.sanggong_parts")
def sanggong_parts(ex: Extraction) -> Iterator[Finding]:
    """三公经费 = 公务用车购置和维护 + 出国 + 公务接待; 公务用车 = 购置 + 运行维护."""
    if ex.basic_data is None:
        return
    yield from _parts_check(ex, "三公经费", SANGGONG, strict=True)
    yield from _parts_check(ex, "公务用车购置和维护经费", CAR, strict=True)


@rule("basic_data.public_parts")
def public_parts(ex: Extraction) -> Iterator[Finding]:
    """公用经费 ≥ Σ 其中 rows (办公, 水电差旅, 会议培训): they are 'of which', not a full breakdown."""
    if ex.basic_data is None:
        return
    yield from _parts_check(ex, "公用经费", PUBLIC_PARTS, strict=False)


@rule("basic_data.staffing_rate")
def staffing_rate(ex: Extraction) -> Iterator[Finding]:
    """控制率 = 实际在职人数 / 编制数."""
    data: BasicData | None = ex.basic_data
    if data is None:
        return
    s = data.staffing
    quota, actual, rate = s.get("编制数"), s.get("实际在职人数"), s.get("控制率")
    if rate is None or rate.value is None or quota is None or actual is None or quota.value in (None, 0) or actual.value is None:
        return
    computed = actual.value / quota.value * 100.0
    at = At(table=data.table) if data.table else At()
    ev = [Evidence(text=f"控制率{rate.text}", at=at), Evidence(text=f"编制数{quota.text}", at=at),
          Evidence(text=f"实际在职人数{actual.text}", at=at)]
    how = f"实际在职人数/编制数={actual.text}/{quota.text}={fmt_pct(computed)}"
    if agrees(rate.value, decimals(rate.text), computed):
        yield finding("info", "supported", f"控制率填报为{rate.text}，与{how}相符",
                      expected=fmt_pct(computed), found=rate.text, evidence=ev)
    else:
        yield finding("error", "contradicted", f"控制率填报为{rate.text}，按{how}应为{fmt_pct(computed)}",
                      expected=fmt_pct(computed), found=rate.text, evidence=ev)


@rule("basic_data.budget_copies_actual")
def budget_copies_actual(ex: Extraction) -> Iterator[Finding]:
    """A year's 预算数 column identical to its 决算数 column on every filled row: the budget was not filled in."""
    data = ex.basic_data
    if data is None:
        return
    for i, ci in enumerate(data.columns):
        m = re.match(r"(\d{4})年预算数$", ci)
        if not m:
            continue
        j = next((k for k, ck in enumerate(data.columns) if ck == f"{m.group(1)}年决算数"), None)
        if j is None:
            continue
        pairs = [(r, r.values[i], r.values[j]) for r in data.rows if r.key and i < len(r.values) and j < len(r.values)]
        filled = [(r, b, a) for r, b, a in pairs if b not in (None, 0) or a not in (None, 0)]
        if len(filled) < 3 or any(b != a for _, b, a in filled):
            continue
        ev = []
        for r, _b, _a in filled[:3]:
            ev += [basic_figure(ex, data, r, i).evidence(), basic_figure(ex, data, r, j).evidence()]
        names = "、".join(f"{r.key}{basic_figure(ex, data, r, i).text}" for r, _b, _a in filled[:4])
        yield finding("warning", "contradicted",
                      f"基础数据表“{ci}”列与“{data.columns[j]}”列逐行相同（{len(filled)}行有数，如{names}），"
                      f"预算数疑似照抄决算数，无法据此判断预算控制情况",
                      expected=f"{ci}按预算填列", found=f"与{data.columns[j]}相同", evidence=ev)
