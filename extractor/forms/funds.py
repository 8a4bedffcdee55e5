"""The money side of a report: the budget block of the self-evaluation form,
or, for reports without one, the 收支 tables (收入合计 / 支出合计 / 基本支出 / 项目支出).
"""

from __future__ import annotations

import re

from extractor.forms.headers import BY_SOURCE, BY_TYPE, FUNDS_COLUMNS, FUNDS_ROW_LABELS, header_key
from extractor.forms.values import number
from extractor.forms.view import TableView
from extractor.quantity import parse_quantity
from extractor.schema import Funds
from extractor.text import squash

_LABELLED_AMOUNT = re.compile(
    "(?P<label>" + "|".join(BY_SOURCE + BY_TYPE) + r")\s*[:：]\s*(?P<amount>[-\d.,，]*)"
)
_UNIT = re.compile(r"[（(](?P<unit>万元|元|亿元)[）)]")


def find_budget_header(view: TableView) -> tuple[int, dict[str, int]] | None:
    for r in range(view.n_rows):
        cols: dict[str, int] = {}
        for cell in view.row_cells(r):
            key = header_key(cell.text, FUNDS_COLUMNS)
            if key and key not in cols:
                cols[key] = cell.col
        if len({"initial_budget", "annual_budget", "executed", "execution_rate"} & cols.keys()) >= 3:
            return r, cols
    return None


def read_budget_block(view: TableView, header_row: int, cols: dict[str, int], stop_row: int) -> Funds:
    data_row = header_row + 1
    for r in range(header_row + 1, min(stop_row, header_row + 4)):
        if any(squash(c.text) in FUNDS_ROW_LABELS for c in view.row_cells(r)):
            data_row = r
            break
    funds = Funds(unit=_unit(view, header_row))
    for key, c in cols.items():
        text = view.text(data_row, c)
        if key == "execution_rate":
            funds.execution_rate = parse_quantity(text) if text else None
        else:
            setattr(funds, key, number(text))
        funds.at[key] = view.at(data_row, c)
    seen: set[int] = set()
    for r in range(data_row + 1, stop_row):
        row_label = _source_row_label(view, r, cols)
        if row_label is not None:
            # 项目支出绩效自评表: each source is a row with amounts under the budget
            # columns; by_source takes the 全年预算数 column, as the 部门整体 form's
            # labelled sources add up to 全年预算数
            c = cols.get("annual_budget", cols.get("initial_budget"))
            funds.by_source[row_label] = number(view.text(r, c))
            funds.at[row_label] = view.at(r, c)
            continue
        for cell in view.row_cells(r):
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            for m in _LABELLED_AMOUNT.finditer(squash(cell.text)):
                target = funds.by_source if m["label"] in BY_SOURCE else funds.by_type
                if m["label"] not in target or target[m["label"]] is None:
                    target[m["label"]] = number(m["amount"])
                    funds.at[m["label"]] = view.at(cell.row, cell.col)
    if not any(k for k in funds.by_source if k not in BY_SOURCE):
        for label in BY_SOURCE:
            funds.by_source.setdefault(label, None)
    for label in BY_TYPE:
        funds.by_type.setdefault(label, None)
    return funds


_SOURCE_ROW = re.compile(r"^(其中[:：])?(?P<label>当年财政拨款|财政拨款|上年结转资金|上年结转|其他资金|自筹资金|一般公共预算|政府性基金拨款)[:：]?$")


def _source_row_label(view: TableView, r: int, cols: dict[str, int]) -> str | None:
    """The label of a funding-source row that carries its own amounts, else None."""
    for cell in view.row_cells(r):
        m = _SOURCE_ROW.match(squash(cell.text))
        if m and any(number(view.text(r, c)) is not None for c in cols.values()):
            return m["label"]
    return None


def _unit(view: TableView, header_row: int) -> str:
    for r in range(max(0, header_row - 1), header_row + 1):
        for cell in view.row_cells(r):
            m = _UNIT.search(squash(cell.text))
            if m:
                return m["unit"]
    return "万元"


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
