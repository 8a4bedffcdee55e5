"""The money side of a report: the budget block of the self-evaluation form,
or, for reports without one, the 收支 tables (收入合计 / 支出合计 / 基本支出 / 项目支出).
"""

from __future__ import annotations

import re

from extractor.forms.columns import (
    Header,
    assign_roles,
    header_columns,
    header_points,
    header_similarity,
    is_numbering_row,
    may_head,
    normalise_header,
)
from extractor.forms.values import number
from extractor.forms.view import TableView
from extractor.forms.vocabulary import FUNDS_BLOCK_END, FUNDS_ROLES, FUNDS_TOTAL_LABELS, SOURCE_LABELS, TYPE_LABELS
from extractor.quantity import parse_quantity
from extractor.schema import Funds
from extractor.text import squash

BY_SOURCE, BY_TYPE = SOURCE_LABELS, TYPE_LABELS
_LABELLED_AMOUNT = re.compile(
    "(?P<label>" + "|".join(BY_SOURCE + BY_TYPE) + r")\s*[:：]\s*(?P<amount>[-\d.,，]*)"
)
_UNIT = re.compile(r"(?:[（(]|单位[:：])(?P<unit>万元|元|亿元)[）)]?")
_MONEY = ("initial_budget", "annual_budget", "executed")
_BUDGET_WORDS = FUNDS_ROLES["initial_budget"] + FUNDS_ROLES["annual_budget"] + FUNDS_ROLES["executed"]
_SOURCE_PREFIX = re.compile(r"^(?:其中|含|包括)?[:：]?")


def find_budget_headers(view: TableView) -> list[Header]:
    """Budget blocks' headers (a budget column and an execution column, amount or rate), in table order:
    a table may hold several forms one under the other."""
    found: list[Header] = []
    r = 0
    while r < view.n_rows:
        if may_head(view, r, _BUDGET_WORDS):
            columns, last = header_columns(view, r)
            roles = assign_roles(view, columns, last + 1, min(view.n_rows, last + 8), FUNDS_ROLES)
            if roles.keys() & {"initial_budget", "annual_budget"} and roles.keys() & {"executed", "execution_rate"}:
                found.append(Header(r, last, roles, columns, min(c.row for c in columns if c.col in roles.values())))
                r = last + 1
                continue
        r += 1
    return found


def read_budget_block(view: TableView, header: Header, stop_row: int) -> Funds:
    cols = header.roles
    money_cols = sorted(c for k, c in cols.items() if k in _MONEY)
    first_money = money_cols[0] if money_cols else 0
    stop = _block_end(view, header.last_row + 1, stop_row)
    data_row = _total_row(view, header.last_row + 1, stop, cols)
    funds = Funds(unit=_unit(view, header.row, header.last_row))
    for key, c in cols.items():
        if key == "note":
            continue
        text = view.text(data_row, c)
        if key == "execution_rate":
            funds.execution_rate = parse_quantity(text) if text else None
        else:
            setattr(funds, key, number(text))
        funds.at[key] = view.at(data_row, c)
    if funds.weight is None:
        funds.weight = _block_points(view, header, data_row, first_money)
    seen: set[int] = set()
    labelled = False
    source_col = cols.get("annual_budget", cols.get("initial_budget"))
    source_rows: list[tuple[str, bool, float | None]] = []
    for r in range(header.last_row + 1, stop):
        if r == data_row or is_numbering_row(view, r):
            continue
        label, sub = _row_label(view, r, first_money)
        if label.endswith("小计"):
            continue  # a subtotal of the source rows under it (财政资金小计), not a source of its own
        if label and source_col is not None and any(number(view.text(r, c)) is not None for c in money_cols):
            # a source (或 a type) written as a row with its own amounts: by_source takes the annual
            # budget column, as the 部门整体 form's labelled sources add up to 全年预算数
            target = funds.by_type if label.startswith(BY_TYPE) else funds.by_source
            amount = number(view.own_text(r, source_col) or view.text(r, source_col))
            target[label] = amount
            funds.at[label] = view.at(r, source_col)
            if target is funds.by_source:
                source_rows.append((label, sub, amount))
            funds.rows[label] = _row_funds(view, r, cols, funds.unit)
            continue
        for cell in view.row_cells(r):
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            for m in _LABELLED_AMOUNT.finditer(squash(cell.text)):
                labelled = True
                target = funds.by_source if m["label"] in BY_SOURCE else funds.by_type
                if m["label"] not in target or target[m["label"]] is None:
                    target[m["label"]] = number(m["amount"])
                    funds.at[m["label"]] = view.at(cell.row, cell.col)
    _paired_types(view, funds, stop)
    parts = _source_parts(source_rows)
    if parts:
        funds.source_parts = parts
    if labelled:
        # the 部门整体 form prints every source and type label, blank or not: a blank one is null, not absent
        if not any(k not in BY_SOURCE for k in funds.by_source):
            for label in BY_SOURCE:
                funds.by_source.setdefault(label, None)
        for label in BY_TYPE:
            funds.by_type.setdefault(label, None)
    return funds


def _paired_types(view: TableView, funds: Funds, stop: int) -> None:
    """基本支出总额 | 1386.52万 | 项目支出总额 | 412.30万 written as label and amount cells next to the block."""
    for r in range(stop):
        cells = view.row_cells(r)
        for label_cell, value_cell in zip(cells, cells[1:]):
            label = squash(label_cell.text).strip("：:")
            amount = number(value_cell.text)
            if label.startswith(BY_TYPE) and len(label) <= 8 and amount is not None and funds.by_type.get(label) is None:
                funds.by_type[label] = amount
                funds.at[label] = view.at(value_cell.row, value_cell.col)


def _row_funds(view: TableView, r: int, cols: dict[str, int], unit: str | None) -> Funds:
    """A source row's own budget, execution and rate (a row may break its own rate)."""
    row = Funds(unit=unit)
    for key in ("initial_budget", "annual_budget", "executed", "execution_rate"):
        if key not in cols:
            continue
        text = view.own_text(r, cols[key])
        if key == "execution_rate":
            row.execution_rate = parse_quantity(text) if number(text.rstrip("%％")) is not None else None
        else:
            setattr(row, key, number(text))
        row.at[key] = view.at(r, cols[key])
    return row


def _block_end(view: TableView, start: int, stop_row: int) -> int:
    """The first row after the budget block: a 年度总体目标 / 绩效指标 row, or the next header."""
    for r in range(start, stop_row):
        label = _first_text(view, r)
        if label.startswith(FUNDS_BLOCK_END):
            return r
    return stop_row


def _first_text(view: TableView, r: int) -> str:
    for cell in view.row_cells(r):
        if cell.row == r and normalise_header(cell.text):
            return normalise_header(cell.text)
    return ""


def _total_row(view: TableView, start: int, stop: int, cols: dict[str, int]) -> int:
    """The block's total row (年度资金总额, 总额, 合计 … first or last), else its first row with an amount."""
    first = None
    for r in range(start, stop):
        if is_numbering_row(view, r):
            continue
        if any(normalise_header(c.text) in FUNDS_TOTAL_LABELS for c in view.row_cells(r) if c.row == r):
            return r
        if first is None and any(number(view.text(r, c)) is not None for k, c in cols.items() if k in _MONEY):
            first = r
    return first if first is not None else start


def _row_label(view: TableView, r: int, first_money: int) -> tuple[str, bool]:
    """A source row's own label (left of the amounts, starting in this row) without 其中： and colons,
    and whether it was written as a part (其中：…)."""
    label = ""
    for cell in view.row_cells(r):
        if cell.col >= first_money:
            break
        if cell.row == r and squash(cell.text) and number(cell.text) is None:
            label = squash(cell.text)
    sub = label.startswith(("其中", "含", "包括"))
    return _SOURCE_PREFIX.sub("", label).strip("：: "), sub


def _source_parts(rows: list[tuple[str, bool, float | None]]) -> dict[str, str]:
    """part -> the source it belongs to, for sources broken down under another source.

    A 其中 right below the block's total breaks down the total: its rows are sources.
    A 其中 below a source breaks down that source: the parts are the run of rows from it
    whose amounts add up to the source (财政拨款 = 其中：上级补助 + 本级安排), else the 其中 row alone.
    """
    parts: dict[str, str] = {}
    i = 0
    while i < len(rows):
        label, sub, _ = rows[i]
        if not sub or i == 0 or rows[i - 1][0] in parts:
            i += 1
            continue
        parent, _, whole = rows[i - 1]
        end, total = i + 1, 0.0
        for j in range(i, len(rows)):
            total += rows[j][2] or 0.0
            if whole is not None and abs(total - whole) < 0.005 + 1e-9 * abs(whole):
                end = j + 1
                break
        for j in range(i, end):
            parts[rows[j][0]] = parent
        i = end
    return parts


def _block_points(view: TableView, header: Header, data_row: int, first_money: int) -> float | None:
    """The block's points where it has no 分值 column: `预算执行情况（10分）`, `得分（20分*执行率）`."""
    for column in header.columns:
        if column.points is not None:
            return column.points
    for r in (header.row, data_row):
        for cell in view.row_cells(r):
            if cell.col < first_money and header_points(cell.text) is not None:
                return header_points(cell.text)
    return None


def _unit(view: TableView, first_row: int, last_row: int) -> str:
    for r in range(max(0, first_row - 2), last_row + 1):
        for cell in view.row_cells(r):
            m = _UNIT.search(squash(cell.text))
            if m:
                return m["unit"]
    if view.table.title:
        m = _UNIT.search(squash(view.table.title))
        if m:
            return m["unit"]
    return "万元"


def read_paired_budget(views: list[TableView]) -> Funds | None:
    """A budget written as label and amount cells (预算数： | 1286.40 | 执行数： | 1208.77), the amount to the
    right of its label or below it, for forms whose budget has no header row of its own; source rows under the
    budget's label (其中：财政资金 | 1241.40) are its sources."""
    for view in views:
        funds = Funds(unit=_unit(view, 0, min(view.n_rows - 1, 3)))
        budget_at: tuple[int, int, int] | None = None  # row, label column, amount column of the budget pair
        for r in range(view.n_rows):
            cells = view.row_cells(r)
            for i, label_cell in enumerate(cells):
                if label_cell.row != r:
                    continue
                role = _funds_role(normalise_header(label_cell.text))
                if role is None or role in funds.at:
                    continue
                beside = cells[i + 1] if i + 1 < len(cells) else None
                below = view.cell(label_cell.row + label_cell.rowspan, label_cell.col)
                for value_cell in (beside, below):
                    if value_cell is not None and _read_pair_value(funds, role, squash(value_cell.text)):
                        funds.at[role] = view.at(value_cell.row, value_cell.col)
                        if role in ("annual_budget", "initial_budget") and budget_at is None:
                            budget_at = (value_cell.row, label_cell.col, value_cell.col)
                        break
        if funds.at.keys() & {"initial_budget", "annual_budget"} and funds.at.keys() & {"executed", "execution_rate"}:
            if budget_at is not None:
                _paired_sources(view, funds, *budget_at)
            return funds
    return None


def _funds_role(label: str) -> str | None:
    scored = [(k, header_similarity(label, names)) for k, names in FUNDS_ROLES.items() if k not in ("note", "weight", "score")]
    role, sim = max(scored, key=lambda kv: kv[1])
    return role if sim >= 0.8 else None


_PERCENT = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*[%％]$")


def _read_pair_value(funds: Funds, role: str, text: str) -> bool:
    """Set the role from a figure cell: an amount, or a percentage for the rate (never a formula's text)."""
    if role == "execution_rate":
        if not _PERCENT.match(text):
            return False
        funds.execution_rate = parse_quantity(text)
        return True
    value = number(text)
    if value is None:
        return False
    setattr(funds, role, value)
    return True


def _paired_sources(view: TableView, funds: Funds, row: int, label_col: int, value_col: int) -> None:
    for r in range(row + 1, view.n_rows):
        label_cell, value_cell = view.cell(r, label_col), view.cell(r, value_col)
        if label_cell is None or value_cell is None or label_cell.row != r or value_cell is label_cell:
            return
        label = _SOURCE_PREFIX.sub("", squash(label_cell.text)).strip("：: ")
        amount = number(value_cell.text)
        if not label or amount is None or number(label) is not None:
            return
        funds.by_source[label] = amount
        funds.at[label] = view.at(r, value_col)


# --- 收支 tables (reports without a budget block) -------------------------

INCOME_TOTAL = ("收入合计", "本年收入合计", "收入总计")
EXPENSE_TOTAL = ("支出合计", "本年支出合计", "支出总计")


def read_income_expense(views: list[TableView]) -> Funds | None:
    """funds from the 收入 and 支出 tables: executed = 支出合计, by_source = the income columns."""
    income = _find_header_row(views, INCOME_TOTAL)
    expense = _find_header_row(views, EXPENSE_TOTAL)
    if income is None and expense is None:
        return None
    funds = Funds(unit="万元")
    if income is not None:
        view, r, c = income
        leaf = _leaf_headers(view, r, stop=INCOME_TOTAL)
        data = _data_row(view, r + 1)
        if data is not None:
            funds.income_total = number(view.text(data, c))
            funds.at["income_total"] = view.at(data, c)
            for col, label in leaf.items():
                if col != c:
                    funds.by_source[label] = number(view.own_text(data, col))
                    funds.at[label] = view.at(data, col)
    if expense is not None:
        view, r, c = expense
        leaf = _leaf_headers(view, r, stop=EXPENSE_TOTAL)
        data = _data_row(view, r + 1)
        if data is not None:
            funds.executed = number(view.text(data, c))
            funds.at["executed"] = view.at(data, c)
            for col, label in leaf.items():
                if label in BY_TYPE:
                    funds.by_type[label] = number(view.text(data, col))
                    funds.at[label] = view.at(data, col)
                elif label == "当年结余":
                    funds.balance = number(view.text(data, col))
                    funds.at["balance"] = view.at(data, col)
    return funds


def _find_header_row(views: list[TableView], labels: tuple[str, ...]) -> tuple[TableView, int, int] | None:
    for view in views:
        for r in range(view.n_rows):
            c = view.find_col(r, lambda s: s in labels)
            if c is not None:
                return view, r, c
    return None


def _leaf_headers(view: TableView, header_row: int, stop: tuple[str, ...]) -> dict[int, str]:
    """Column -> header text over the header band (the header row and the sub-header rows below it)."""
    leaf: dict[int, str] = {}
    for r in range(header_row, min(view.n_rows, header_row + 4)):
        if _data_like(view, r):
            break
        for cell in view.row_cells(r):
            text = squash(cell.text)
            if not text or text.startswith("其中") or text in ("机构名称", "单位名称") or cell.colspan > 1 and r == header_row and text not in stop:
                continue
            if cell.row == r:
                leaf[cell.col] = text
    return leaf


def _data_like(view: TableView, r: int) -> bool:
    return sum(1 for c in view.row_cells(r) if number(c.text) is not None) >= 2


def _data_row(view: TableView, start: int) -> int | None:
    """The summary row (汇总/合计) below the headers, else the first row with figures."""
    first = None
    for r in range(start, min(view.n_rows, start + 8)):
        if not _data_like(view, r):
            if first is not None:
                break
            continue
        label = squash(view.row_cells(r)[0].text)
        if "汇总" in label or "合计" in label:
            return r
        if first is None:
            first = r
    return first
