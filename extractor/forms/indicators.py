"""Indicator tables: the 绩效指标 block of 部门整体/项目支出绩效自评表 and the 评分表.

Both have 一级/二级/三级指标 columns and weights and scores; the self-evaluation
form adds 年度指标值/实际完成值, the scoring table adds 评分标准. Level labels are
filled down from merged cells; a value merged over several rows belongs only
to its first row (a 分值 of 15 covering three 三级指标 is counted once).
"""

from __future__ import annotations

from extractor.forms.headers import INDICATOR_COLUMNS, LevelLabels, header_key, split_level
from extractor.forms.values import number
from extractor.forms.view import TableView
from extractor.quantity import parse_quantity
from extractor.schema import Indicator, Level1Total, LevelTotal, Totals
from extractor.text import squash


def find_indicator_headers(view: TableView) -> list[tuple[int, dict[str, int]]]:
    """Rows that head an indicator block, with the column of each key found."""
    found = []
    for r in range(view.n_rows):
        cols: dict[str, int] = {}
        for cell in view.row_cells(r):
            if cell.row != r:
                continue
            key = header_key(cell.text, INDICATOR_COLUMNS)
            if key and key not in cols:
                cols[key] = cell.col
        if "name" in cols and ("level1" in cols or "level2" in cols) and ("weight" in cols or "target" in cols):
            found.append((r, cols))
    return found


def is_total_row(view: TableView, r: int) -> bool:
    cells = view.row_cells(r)
    return bool(cells) and squash(cells[0].text) in ("总分", "合计", "总计", "综合得分")


def read_indicators(view: TableView, header_row: int, cols: dict[str, int], stop_rows: set[int], form: str) -> tuple[list[Indicator], int]:
    """Indicator rows below `header_row`; returns them and the row where reading stopped."""
    out: list[Indicator] = []
    levels = LevelLabels()
    r = header_row + 1
    while r < view.n_rows and r not in stop_rows:
        if is_total_row(view, r):
            break
        l1 = view.text(r, cols.get("level1"))
        l2 = view.text(r, cols.get("level2"))
        name = view.own_text(r, cols["name"])
        if squash(name) in INDICATOR_COLUMNS["name"]:
            r += 1  # a header repeated after a page break
            continue
        levels.update(l1, l2)
        values = {k: view.own_text(r, cols.get(k)) for k in ("target", "actual", "weight", "score", "note", "criteria")}
        if name or any(values[k] for k in ("target", "actual", "weight", "score")):
            level1, level2 = levels.names()
            out.append(
                Indicator(
                    level1=level1,
                    level2=level2,
                    name=name,
                    target=parse_quantity(values["target"]) if values["target"] else None,
                    actual=parse_quantity(values["actual"]) if values["actual"] else None,
                    weight=number(values["weight"]),
                    score=number(values["score"]),
                    note=values["note"],
                    criteria=values["criteria"] if "criteria" in cols else None,
                    form=form,
                    at=view.at(r, cols["name"]),
                    cells={k: view.at(r, c) for k, c in cols.items() if k != "name"},
                )
            )
        r += 1
    return out, r


def read_total_row(view: TableView, r: int, cols: dict[str, int]) -> Totals:
    """总分 row: by column where the numbers stand there, else the first two numbers in order."""
    def at_col(key: str) -> float | None:
        c = cols.get(key)
        cell = view.cell(r, c) if c is not None else None
        # only a cell that starts in that column stands under its header
        return number(cell.text) if cell is not None and cell.col == c else None

    weight, score = at_col("weight"), at_col("score")
    cells = {k: view.at(r, cols[k]) for k in ("weight", "score") if k in cols}
    if weight is None or score is None:
        numbered = [c for c in view.row_cells(r)[1:] if number(c.text) is not None]
        if len(numbered) >= 2:
            weight, score = number(numbered[0].text), number(numbered[1].text)
            cells = {"weight": view.at(r, numbered[0].col), "score": view.at(r, numbered[1].col)}
    return Totals(weight=weight, score=score, at=view.at(r, 0), cells=cells)


def level_totals(view: TableView, header_row: int, end_row: int, cols: dict[str, int], indicators: list[Indicator]) -> dict[str, Level1Total]:
    """Sums per 一级/二级指标 with the (N分) caps written in their cells."""
    caps1: dict[str, float] = {}
    caps2: dict[tuple[str, str], float] = {}
    level1 = ""
    for r in range(header_row + 1, end_row):
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
