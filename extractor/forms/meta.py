"""Department and year of a report, from its forms first and its titles second."""

from __future__ import annotations

import re
from collections import Counter

from extractor.document import Document
from extractor.forms.view import TableView
from extractor.text import squash

DEPARTMENT_LABELS = ("预算部门名称", "预算部门", "预算部门、单位名称", "部门名称", "单位名称", "预算单位", "部门（单位）名称", "项目单位", "主管部门", "实施单位")
_ORG = re.compile(r"(?:[\u4e00-\u9fff]{2,4}[省市县区])[\u4e00-\u9fff]{1,14}?(?:局|委员会|办公室|中心|厅|院)")
_YEAR_TITLE = re.compile(r"(?P<y>20\d{2})\s*年度")
_YEAR = re.compile(r"(?P<y>20\d{2})\s*年")


def department(doc: Document, views: list[TableView]) -> str | None:
    for view in views:
        for r in range(view.n_rows):
            cells = view.row_cells(r)
            label = squash(cells[0].text) if cells else ""
            if len(cells) >= 2 and (label in DEPARTMENT_LABELS or label.endswith(("部门名称", "单位名称"))) and cells[1].text.strip():
                return squash(cells[1].text)
    for block in doc.blocks:
        if block.kind == "table":
            continue
        m = _ORG.search(block.text)
        if m:
            return m.group(0)
    return None


def year(doc: Document) -> int | None:
    titles = [s.title for s in doc.sections if s.level == 0] + [b.text for b in doc.blocks[:12] if b.kind != "table"]
    titles += [t.title for t in doc.tables if t.title]
    for text in titles:
        m = _YEAR_TITLE.search(text)
        if m:
            return int(m["y"])
    counts = Counter(int(m["y"]) for m in _YEAR.finditer(doc.text()))
    return counts.most_common(1)[0][0] if counts else None
