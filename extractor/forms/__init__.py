"""Reading the standard forms of a `Document` into funds, indicators and totals.

Forms are recognised by their headers (extractor.forms.headers), wherever
they stand: 部门整体/项目支出绩效自评表 (budget block and indicator block),
绩效评价评分表, 整体支出绩效定量目标, 绩效评价基础数据表 and the 收支 tables.
This package reads `Document` only; it never opens files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.document import Document
from extractor.forms import meta
from extractor.forms.basic_data import find_basic_data, find_staffing_pairs
from extractor.forms.funds import find_budget_header, read_budget_block, read_income_expense
from extractor.forms.goals import find_goal_headers, read_goal_rows
from extractor.forms.indicators import find_indicator_headers, is_total_row, level_totals, read_indicators, read_total_row
from extractor.forms.view import TableView
from extractor.schema import BasicData, Funds, Indicator, Level1Total, Totals


@dataclass
class FormsResult:
    department: str | None = None
    year: int | None = None
    funds: Funds | None = None
    indicators: list[Indicator] = field(default_factory=list)
    totals: Totals | None = None
    basic_data: BasicData | None = None
    warnings: list[str] = field(default_factory=list)


def read_forms(doc: Document) -> FormsResult:
    views = [TableView(t) for t in doc.tables]
    result = FormsResult(department=meta.department(doc, views), year=meta.year(doc))
    ordered: list[tuple[int, int, Indicator]] = []
    scored: list[Indicator] = []
    by_level1: dict[str, Level1Total] = {}
    for ti, view in enumerate(views):
        headers = find_indicator_headers(view)
        header_rows = {r for r, _ in headers}
        budget = find_budget_header(view)
        if budget and result.funds is None:
            stop = min([r for r in header_rows if r > budget[0]] + [view.n_rows])
            result.funds = read_budget_block(view, budget[0], budget[1], stop)
        for hr, cols in headers:
            form = "评分表" if "criteria" in cols else "自评表"
            rows, end = read_indicators(view, hr, cols, header_rows - {hr}, form)
            ordered.extend((ti, ind.at.row or 0, ind) for ind in rows)
            scored.extend(rows)
            _merge_levels(by_level1, level_totals(view, hr, end, cols, rows))
            if end < view.n_rows and is_total_row(view, end) and result.totals is None:
                result.totals = read_total_row(view, end, cols)
        for hr in find_goal_headers(view):
            ordered.extend((ti, ind.at.row or 0, ind) for ind in read_goal_rows(view, hr))
        if result.basic_data is None:
            result.basic_data = find_basic_data(view)
    ordered.sort(key=lambda t: (t[0], t[1]))
    result.indicators = [ind for _, _, ind in ordered]
    if result.funds is None:
        result.funds = read_income_expense(views)
    if result.basic_data is None or not result.basic_data.staffing:
        for view in views:
            staffing, where = find_staffing_pairs(view)
            if len(staffing) == 2:
                result.basic_data = result.basic_data or BasicData()
                result.basic_data.staffing, result.basic_data.staffing_at = staffing, where
                break
    if scored:
        result.totals = result.totals or Totals()
        result.totals.by_level1 = by_level1
    if not doc.tables:
        result.warnings.append("no tables found: funds, indicators and totals are empty")
    elif not result.indicators and result.funds is None:
        result.warnings.append("no standard form recognised among the tables")
    return result


def _merge_levels(into: dict[str, Level1Total], new: dict[str, Level1Total]) -> None:
    """A form printed in parts (a repeated header after a page break) adds up per level."""
    for name, t in new.items():
        if name not in into:
            into[name] = t
            continue
        cur = into[name]
        cur.cap = cur.cap if cur.cap is not None else t.cap
        for attr in ("weight", "score"):
            a, b = getattr(cur, attr), getattr(t, attr)
            setattr(cur, attr, b if a is None else a if b is None else a + b)
        for n2, t2 in t.by_level2.items():
            if n2 in cur.by_level2:
                c2 = cur.by_level2[n2]
                for attr in ("weight", "score"):
                    a, b = getattr(c2, attr), getattr(t2, attr)
                    setattr(c2, attr, b if a is None else a if b is None else a + b)
            else:
                cur.by_level2[n2] = t2
