"""整体支出绩效定量目标 tables (评价内容 / 绩效目标 / 完成情况): each row an indicator
whose name and target are the 绩效目标 text and whose actual is the 完成情况 text."""

from __future__ import annotations

from extractor.forms.headers import LevelLabels
from extractor.forms.view import TableView
from extractor.quantity import parse_quantity
from extractor.schema import Indicator
from extractor.text import squash

FORM = "定量目标"


def find_goal_headers(view: TableView) -> list[int]:
    rows = []
    for r in range(view.n_rows):
        texts = view.row_squashed(r)
        if "绩效目标" in texts and "完成情况" in texts and "评价内容" in texts:
            rows.append(r)
    return rows


def read_goal_rows(view: TableView, header_row: int) -> list[Indicator]:
    out: list[Indicator] = []
    levels = LevelLabels()
    section = view.row_cells(header_row)[0]
    for r in range(header_row + 1, view.n_rows):
        cells = view.row_cells(r)
        if cells and cells[0] is section:
            cells = cells[1:]
        elif cells and squash(cells[0].text) == "":
            cells = cells[1:]
        else:
            break  # the section's merged label cell ended: another part of the table
        if len(cells) < 2:
            break
        goal, done = cells[-2], cells[-1]
        labels = cells[:-2]
        levels.update(labels[0].text if len(labels) >= 1 else "", labels[1].text if len(labels) >= 2 else "")
        if goal.row != r or not goal.text:
            continue
        level1, level2 = levels.names()
        out.append(
            Indicator(
                level1=level1,
                level2=level2,
                name=goal.text,
                target=parse_quantity(goal.text),
                actual=parse_quantity(done.text) if done.text and done is not goal else None,
                form=FORM,
                at=view.at(r, goal.col),
                cells={"target": view.at(r, goal.col), "actual": view.at(r, done.col)},
            )
        )
    return out
