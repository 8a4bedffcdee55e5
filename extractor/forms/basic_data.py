"""绩效评价基础数据表: staffing (编制数, 实际在职人数, 控制率) and the 经费控制情况
rows (三公经费 and its parts, 公用经费 and its parts, 项目支出 …) per year column."""

from __future__ import annotations

import re

from extractor.document import At
from extractor.forms.values import number
from extractor.forms.view import TableView
from extractor.quantity import Quantity, parse_quantity
from extractor.schema import BasicData, BasicDataRow
from extractor.text import squash

# canonical key -> pattern on the squashed row label; order matters (parts before wholes)
ROW_KEYS: list[tuple[str, re.Pattern[str]]] = [
    ("公务用车购置和维护经费", re.compile(r"公务用车购置和维护")),
    ("公车购置", re.compile(r"公车购置|公务用车购置费")),
    ("公车运行维护", re.compile(r"公车运行维护|公务用车运行维护")),
    ("出国经费", re.compile(r"出国")),
    ("公务接待", re.compile(r"公务接待")),
    ("三公经费", re.compile(r"三公")),
    ("办公经费", re.compile(r"办公费|办公经费")),
    ("水费电费差旅费", re.compile(r"水费|电费|差旅费")),
    ("会议费培训费", re.compile(r"会议费|培训费")),
    ("公用经费", re.compile(r"^公用经费")),
    ("项目支出", re.compile(r"^项目支出")),
    ("政府采购金额", re.compile(r"政府采购金额")),
    ("部门基本支出预算调整", re.compile(r"基本支出预算调整")),
]
_STAFF = {"编制数": "编制数", "实际在职人数": "实际在职人数", "实有人数": "实际在职人数", "控制率": "控制率"}
# label -> value pairs in one row (基本概况 tables: 人员编制 | 90 | 实有人数 | 82)
_STAFF_PAIRS = {"人员编制": "编制数", "编制人数": "编制数", "编制数": "编制数", "实有人数": "实际在职人数", "在职人数": "实际在职人数", "实际在职人数": "实际在职人数"}
_STOP = ("楼堂馆所", "厉行节约")


def find_basic_data(view: TableView) -> BasicData | None:
    staff_row = money_row = None
    for r in range(view.n_rows):
        texts = view.row_squashed(r)
        if staff_row is None and any(t == "编制数" for t in texts):
            staff_row = r
        # year columns (2021年决算数 …): a budget block's 年初预算数/全年预算数 is not one
        if money_row is None and sum(1 for t in texts if re.search(r"^\d{4}年.*(决算数|预算数)$", t)) >= 2:
            money_row = r
    if money_row is None:
        return None
    data = BasicData(table=view.table.id)
    if staff_row is not None and staff_row + 1 < view.n_rows:
        for cell in view.row_cells(staff_row):
            label = re.sub(r"^\d{4}年", "", squash(cell.text))
            key = _STAFF.get(label)
            if key:
                value = view.text(staff_row + 1, cell.col)
                if value:
                    data.staffing[key] = parse_quantity(value)
                    data.staffing_at[key] = view.at(staff_row + 1, cell.col)
    year_cells = [c for c in view.row_cells(money_row) if re.search(r"^\d{4}年.*(决算数|预算数)$", squash(c.text))]
    data.columns = [squash(c.text) for c in year_cells]
    for r in range(money_row + 1, view.n_rows):
        cells = view.row_cells(r)
        if not cells:
            continue
        label = cells[0].text
        if any(s in squash(label) for s in _STOP):
            break
        values = [number(view.own_text(r, c.col)) for c in year_cells]
        data.rows.append(
            BasicDataRow(
                name=label, key=_key(label), values=values, at=view.at(r, cells[0].col),
                cells=[view.at(r, c.col) for c in year_cells],
            )
        )
    return data


def find_staffing_pairs(view: TableView) -> tuple[dict[str, Quantity], dict[str, At]]:
    """Staffing written as label, value, label, value in one row (no 基础数据表)."""
    found: dict[str, Quantity] = {}
    where: dict[str, At] = {}
    for r in range(view.n_rows):
        cells = view.row_cells(r)
        for a, b in zip(cells, cells[1:]):
            key = _STAFF_PAIRS.get(squash(a.text))
            if key and key not in found and number(b.text) is not None:
                found[key] = parse_quantity(b.text)
                where[key] = view.at(r, b.col)
    return found, where


def _key(label: str) -> str | None:
    s = squash(label)
    for key, pattern in ROW_KEYS:
        if pattern.search(s):
            return key
    return None
