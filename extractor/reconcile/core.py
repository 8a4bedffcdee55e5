"""The rule registry, the finding builder and figures with their provenance.

A rule is a small named function `fn(extraction) -> iterable of Finding` that
compares figures the forms reader already extracted; it never reads text or
tables for content. The one exception is provenance: to know how precisely a
figure was *displayed* (752.00 vs 752) the helpers here look up the written
text of the cell an `at` points to, because the models keep money as floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from extractor.document import At, Cell, Document, Table
from extractor.quantity import find_quantities
from extractor.schema import BasicData, BasicDataRow, Evidence, Extraction, Finding, Indicator
from extractor.reconcile.tolerance import decimals, fmt
from extractor.text import squash

RuleFn = Callable[[Extraction], Iterable[Finding]]

#: rule id -> function, in registration (and therefore report) order
RULES: dict[str, RuleFn] = {}


def rule(name: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under a stable id such as `funds.execution_rate`."""

    def deco(fn: RuleFn) -> RuleFn:
        if name in RULES and RULES[name] is not fn:
            raise ValueError(f"rule {name!r} registered twice")
        RULES[name] = fn
        fn.rule_id = name  # type: ignore[attr-defined]
        return fn

    return deco


def form_tables(ex: Extraction) -> set[str]:
    """Ids of the tables that hold a standard form's indicator or budget block (the forms' rules check those)."""
    return {t for form in ex.forms for t in (form.table, form.budget_table) if t}


def finding(
    severity: str,
    verdict: str,
    message: str,
    expected: str | None = None,
    found: str | None = None,
    evidence: Iterable[Evidence | None] = (),
) -> Finding:
    """A finding without id and rule: the runner fills both."""
    return Finding(
        id="", rule="", severity=severity, verdict=verdict, message=message,
        expected=expected, found=found, evidence=[e for e in evidence if e is not None],
    )


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A number as the report displays it, with where it stands."""

    value: float
    decimals: int
    label: str
    at: At | None = None

    @property
    def text(self) -> str:
        return fmt(self.value, self.decimals)

    @property
    def pair(self) -> tuple[float, int]:
        return (self.value, self.decimals)

    def evidence(self, text: str | None = None) -> Evidence:
        return Evidence(text=text if text is not None else self.text, at=self.at or At())


def _table(ex: Extraction | Document, table_id: str | None) -> Table | None:
    if not table_id:
        return None
    for t in ex.tables:
        if t.id == table_id:
            return t
    return None


def cell_at(ex: Extraction | Document, at: At | None) -> Cell | None:
    """The cell covering the table/row/col an `at` names (in an Extraction or a Document)."""
    if at is None or at.row is None or at.col is None:
        return None
    t = _table(ex, at.table)
    if t is None:
        return None
    for c in t.cells:
        if c.row <= at.row < c.row + c.rowspan and c.col <= at.col < c.col + c.colspan:
            return c
    return None


def written_decimals(ex: Extraction, at: At | None, value: float) -> int:
    """Decimals of `value` as written in the cell at `at` (752.00 -> 2); the float's own otherwise."""
    cell = cell_at(ex, at)
    if cell is not None and cell.text:
        for _s, _e, q in find_quantities(cell.text):
            if q.value is not None and math.isclose(q.value, value, rel_tol=0, abs_tol=1e-9):
                return decimals(q.text)
    return decimals(float(value))


def figure(ex: Extraction, value: float | None, label: str, at: At | None) -> Figure | None:
    if value is None:
        return None
    return Figure(float(value), written_decimals(ex, at, value), label, at)


def funds_figure(ex: Extraction, key: str, label: str | None = None) -> Figure | None:
    """A funds scalar (`executed`) or a by_source / by_type entry (`一般公共预算`)."""
    f = ex.funds
    if f is None:
        return None
    if key in f.by_source:
        value = f.by_source[key]
    elif key in f.by_type:
        value = f.by_type[key]
    else:
        value = getattr(f, key, None)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    return figure(ex, value, label or FUNDS_LABELS.get(key, key), f.at.get(key))


FUNDS_LABELS = {
    "initial_budget": "年初预算数",
    "annual_budget": "全年预算数",
    "executed": "全年执行数",
    "execution_rate": "执行率",
    "weight": "分值",
    "score": "得分",
    "income_total": "收入合计",
    "balance": "当年结余",
}


def indicator_figure(ex: Extraction, ind: Indicator, field: str) -> Figure | None:
    value = getattr(ind, field)
    return figure(ex, value, field, ind.cells.get(field))


def indicator_label(ind: Indicator) -> str:
    """`效益指标/可持续影响指标/“进一步…”` for messages: enough to find the row."""
    name = ind.name if len(ind.name) <= 24 else ind.name[:22] + "…"
    parts = [p for p in (ind.level1, ind.level2) if p]
    quoted = name if name.startswith(("“", "\"")) else f"“{name}”"
    return "/".join(parts + [quoted])


def note_cell_label(ind: Indicator) -> str:
    return "扣分原因" if ind.form == "评分表" else "偏差原因"


# ---------------------------------------------------------------------------
# 基础数据表 cells
# ---------------------------------------------------------------------------


def basic_value_at(ex: Extraction, data: BasicData, row: BasicDataRow, i: int) -> At | None:
    """Where the i-th year column's value of a basic-data row stands.

    The forms reader keeps the label cell's `at` only; the value column is the
    column whose header (above the row) reads `data.columns[i]`.
    """
    cells = getattr(row, "cells", None)  # forward-compatible: per-value provenance
    if isinstance(cells, list) and i < len(cells) and cells[i] is not None:
        return cells[i]
    base = row.at
    t = _table(ex, base.table or data.table)
    if t is None or base.row is None or i >= len(data.columns):
        return base
    want = data.columns[i]
    col = None
    for c in t.cells:
        if c.row < base.row and squash(c.text) == want:
            col = c.col
    if col is None:
        return base
    probe = At(table=t.id, row=base.row, col=col)
    cell = cell_at(ex, probe)
    if cell is not None and cell.at is not None:
        return cell.at
    return probe


def basic_figure(ex: Extraction, data: BasicData, row: BasicDataRow, i: int) -> Figure | None:
    if i >= len(row.values) or row.values[i] is None:
        return None
    at = basic_value_at(ex, data, row, i)
    label = f"{row.key or squash(row.name)}（{data.columns[i] if i < len(data.columns) else i}）"
    return figure(ex, row.values[i], label, at)


def basic_rows(data: BasicData | None) -> dict[str, BasicDataRow]:
    """Recognised rows by canonical key (the first row of each key)."""
    out: dict[str, BasicDataRow] = {}
    if data is None:
        return out
    for r in data.rows:
        if r.key and r.key not in out:
            out[r.key] = r
    return out
