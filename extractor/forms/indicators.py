"""Indicator tables: the 绩效指标 block of 部门整体/项目支出绩效自评表 and the 评分表.

Both have 一级/二级/三级指标 columns and weights and scores; the self-evaluation
form adds 年度指标值/实际完成值, the scoring table adds 评分标准. Level labels are
filled down from merged cells; a value merged over several rows belongs only
to its first row (a 分值 of 15 covering three 三级指标 is counted once).
"""

from __future__ import annotations

import re

from extractor.forms.columns import (
    EQUALITY,
    Header,
    assign_roles,
    header_columns,
    header_similarity,
    is_numbering_row,
    may_head,
    normalise_header,
    read_comparator,
    read_unit,
)
from extractor.forms.headers import LevelLabels, split_level
from extractor.forms.values import number, points
from extractor.forms.view import TableView
from extractor.forms.vocabulary import (
    FILLERS,
    INDICATOR_ROLES,
    NAME_FALLBACK,
    NOTE_PREFIXES,
    TOTAL_ROW_LABELS,
    TRAILING_ROW_LABELS,
)
from extractor.quantity import parse_quantity
from extractor.schema import Indicator, Level1Total, LevelTotal, Totals
from extractor.text import squash

_FALLBACK_ROLES = {**INDICATOR_ROLES, "name": NAME_FALLBACK, "level2": ()}
# what a block needs besides a 三级指标 column to be an indicator block
_BLOCK_ROLES = {"level1", "level2", "target", "actual", "weight", "score", "criteria"}
_NAME_POINTS = re.compile(r"[（(]\s*(?P<n>\d+(?:\.\d+)?)\s*分\s*[）)]$")
_BARE_FIGURE = re.compile(r"^[<>＜＞≤≥≦≧=＝]{0,2}[-+]?\d[\d,，]*(?:\.\d+)?$")
# the template's own empty rows: 指标1：, 指标2：, ……
_PLACEHOLDER = re.compile(r"^(?:指标\d+[:：]?|[…\.。—-]+)$")


def find_indicator_headers(view: TableView) -> list[Header]:
    """Rows that head an indicator block, with the column of each role found."""
    return _find_headers(view, INDICATOR_ROLES) or _find_headers(view, _FALLBACK_ROLES)


def _find_headers(view: TableView, vocabulary: dict[str, tuple[str, ...]]) -> list[Header]:
    found: list[Header] = []
    skip_to = -1
    for r in range(view.n_rows):
        if r <= skip_to or not may_head(view, r, vocabulary["name"]):
            continue
        columns, last = header_columns(view, r)
        roles = assign_roles(view, columns, last + 1, view.n_rows, vocabulary, {"note": NOTE_PREFIXES})
        if vocabulary is _FALLBACK_ROLES and "name" in roles and not any(
                c.col == roles["name"] and c.candidates[0] in NAME_FALLBACK for c in columns):
            continue  # the fallback words name the rows only as written (绩效目标 is one edit from 绩效指标)
        inferred: dict[str, int] = {}
        if "name" in roles and not roles.keys() & {"level1", "level2"}:
            inferred = _level_columns(view, columns, roles, last + 1)
            roles.update(inferred)
        if "name" in roles and len(_BLOCK_ROLES & roles.keys()) >= 2:
            found.append(Header(r, last, roles, columns, min(c.row for c in columns if c.col in roles.values()), tuple(inferred)))
            skip_to = last
    return found


def _level_columns(view: TableView, columns: list, roles: dict[str, int], first_data: int) -> dict[str, int]:
    """Level columns by structure where no header names them (评价指标 | 评价内容 | 指标名称): the unnamed text
    columns left of the rows' names whose cells are merged down over several rows, leftmost first."""
    taken = set(roles.values())
    found = []
    for column in sorted(columns, key=lambda c: c.col):
        if column.col >= roles["name"] or column.col in taken:
            continue
        cells = [view.cell(r, column.col) for r in range(first_data, view.n_rows)]
        own = [c for r, c in zip(range(first_data, view.n_rows), cells) if c is not None and c.row == r and squash(c.text)]
        if not own or any(number(c.text) is not None for c in own):
            continue  # 序号, or no cells of its own
        if any(c.rowspan > 1 for c in own):
            found.append(column.col)
    keys = ("level1", "level2") if len(found) >= 2 else ("level1",)
    return dict(zip(keys, found[-2:]))


def row_label(view: TableView, r: int) -> str:
    """The row's first non-empty text, normalised as a header is (总分, 合计（100分）, 评价结论)."""
    for cell in view.row_cells(r):
        s = normalise_header(cell.text)
        if s:
            return s
    return ""


def is_total_row(view: TableView, r: int) -> bool:
    return row_label(view, r) in TOTAL_ROW_LABELS


def _is_trailing_row(view: TableView, r: int) -> bool:
    return row_label(view, r) in TRAILING_ROW_LABELS


def read_indicators(view: TableView, header: Header, stop_rows: set[int], form: str) -> tuple[list[Indicator], int]:
    """Indicator rows below the header band; returns them and the row where reading stopped."""
    cols = header.roles
    out: list[Indicator] = []
    levels = LevelLabels()
    r = header.last_row + 1
    while r < view.n_rows and r not in stop_rows:
        if is_total_row(view, r) or _is_trailing_row(view, r):
            break
        if is_numbering_row(view, r):
            r += 1
            continue
        l1 = view.text(r, cols.get("level1"))
        l2 = view.text(r, cols.get("level2"))
        name = _unfilled(view.own_text(r, cols["name"]))
        if header_similarity(normalise_header(name), INDICATOR_ROLES["name"]) >= 1:
            r += 1  # a header repeated after a page break
            continue
        levels.update(l1, l2)
        values = {k: _unfilled(view.own_text(r, cols.get(k))) for k in ("target", "actual", "weight", "score", "note", "criteria")}
        has_values = any(values[k] for k in ("target", "actual", "weight", "score"))
        if _PLACEHOLDER.match(squash(name)) and not has_values or _spans_values(view, r, cols):
            r += 1  # a template's empty row, or a remark written across the value columns
            continue
        if name or has_values:
            level1, level2 = levels.names()
            unit = read_unit(view.own_text(r, cols.get("unit")))
            target = _joined(read_comparator(view.own_text(r, cols.get("comparator"))), values["target"], unit)
            actual = _with_unit(values["actual"], unit)
            weight = points(values["weight"])
            if "weight" not in cols:
                # a form without a 分值 column may write each row's points into its name: 相关性(5分)
                m = _NAME_POINTS.search(name)
                if m and m.start() > 0:
                    name, weight = name[: m.start()].rstrip(), number(m["n"])
            out.append(
                Indicator(
                    level1=level1,
                    level2=level2,
                    name=name,
                    target=parse_quantity(target) if target else None,
                    actual=parse_quantity(actual) if actual else None,
                    weight=weight,
                    score=points(values["score"]),
                    note=values["note"],
                    criteria=values["criteria"] if "criteria" in cols else None,
                    form=form,
                    at=view.at(r, cols["name"]),
                    cells={k: view.at(r, c) for k, c in cols.items() if k != "name"},
                )
            )
        r += 1
    return out, r


def _unfilled(text: str) -> str:
    """A filler (/, —, -) that says a cell is empty on purpose reads as empty."""
    return "" if squash(text) in FILLERS else text


def _spans_values(view: TableView, r: int, cols: dict[str, int]) -> bool:
    """The name cell runs on over the target or actual column: a remark row (其他需要说明事项), not an indicator."""
    cell = view.cell(r, cols["name"])
    return cell is not None and any(
        view.cell(r, cols[k]) is cell for k in ("target", "actual", "score") if k in cols and cols[k] != cols["name"]
    )


def _joined(comparator: str, value: str, unit: str) -> str:
    """A target split over 指标性质 | 指标值 | 度量单位 as one text: `≥` `95` `%` -> `≥95%`.

    Equality and 定性 add nothing (`=` `100` `%` is `100%`; `定性` `优良` is `优良`).
    """
    comp = squash(comparator)
    if comp in EQUALITY or comp in ("定性", "定量"):
        comp = ""
    if not value.strip():
        return ""
    return comp + _with_unit(value, unit)


def _with_unit(value: str, unit: str) -> str:
    """A figure without a unit of its own takes the unit column's (`98` with `%` -> `98%`,
    `≥2400` with `批次` -> `≥2400批次`); text and figures with a unit keep their own words."""
    u = squash(unit)
    if not u or not value.strip():
        return value
    q = parse_quantity(value)
    if q is not None and q.value is not None and not q.unit and _BARE_FIGURE.match(squash(value)):
        return squash(value) + u
    return value


def read_total_row(view: TableView, r: int, cols: dict[str, int]) -> Totals:
    """总分 row: by column where the numbers stand there, else the first two numbers in order."""
    def at_col(key: str) -> float | None:
        c = cols.get(key)
        cell = view.cell(r, c) if c is not None else None
        # only a cell that starts in that column stands under its header
        return points(cell.text) if cell is not None and cell.col == c else None

    weight, score = at_col("weight"), at_col("score")
    cells = {k: view.at(r, cols[k]) for k in ("weight", "score") if k in cols}
    if weight is None or score is None:
        numbered = [c for c in view.row_cells(r)[1:] if points(c.text) is not None]
        if len(numbered) >= 2:
            weight, score = points(numbered[0].text), points(numbered[1].text)
            cells = {"weight": view.at(r, numbered[0].col), "score": view.at(r, numbered[1].col)}
        elif len(numbered) == 1 and "weight" not in cols and score is None:
            # a form without 分值 writes one figure in its 总分 row: the score
            score, cells = points(numbered[0].text), {"score": view.at(r, numbered[0].col)}
    return Totals(weight=weight, score=score, at=view.at(r, 0), cells=cells)


def level_totals(view: TableView, header: Header, end_row: int, indicators: list[Indicator]) -> dict[str, Level1Total]:
    """Sums per 一级/二级指标 with the (N分) caps written in their cells."""
    cols = header.roles
    caps1: dict[str, float] = {}
    caps2: dict[tuple[str, str], float] = {}
    level1 = ""
    for r in range(header.last_row + 1, end_row):
        l1 = view.text(r, cols.get("level1"))
        if l1:
            level1 = l1
        name1, cap1 = split_level(level1)
        if cap1 is not None:
            caps1.setdefault(name1, cap1)
        name2, cap2 = split_level(view.text(r, cols.get("level2")))
        if cap2 is not None:
            caps2.setdefault((name1, name2), cap2)
    totals: dict[str, Level1Total] = {}
    for ind in indicators:
        l1 = ind.level1 or ""
        t1 = totals.setdefault(l1, Level1Total(cap=caps1.get(l1)))
        _add(t1, ind)
        if ind.level2:
            t2 = t1.by_level2.setdefault(ind.level2, LevelTotal(cap=caps2.get((l1, ind.level2))))
            _add(t2, ind)
    return totals


def _add(total: LevelTotal, ind: Indicator) -> None:
    if ind.weight is not None:
        total.weight = (total.weight or 0) + ind.weight
    if ind.score is not None:
        total.score = (total.score or 0) + ind.score
