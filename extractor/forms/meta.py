"""Department, supervising department and year of a report: from its forms first, its titles second."""

from __future__ import annotations

import re
from collections import Counter

from extractor.document import Document
from extractor.forms.columns import normalise_header
from extractor.forms.values import number
from extractor.forms.view import TableView
from extractor.forms.vocabulary import DEPARTMENT_LABELS, FORM_TITLE_WORDS, NOT_A_NAME, SUPERVISING_LABELS
from extractor.text import squash

_ORG = re.compile(r"(?:[\u4e00-\u9fff]{2,4}[省市县区])[\u4e00-\u9fff]{1,14}?(?:局|委员会|办公室|中心|厅|院)")
_YEAR_TITLE = re.compile(r"(?P<y>20\d{2})\s*年度")
_YEAR = re.compile(r"(?P<y>20\d{2})\s*年")
# a label's own words: a value that reads like this is another label, not a name
_LABEL_LIKE = re.compile(r"(名称|单位|部门|机构|盖章|签字|日期|电话)$")


# `单位名称：某某中心　　填报日期：…` written in one line above or inside a form
_INLINE = re.compile(r"(?P<label>[\u4e00-\u9fff、]{2,10}?)(?:[（(][^）)]{0,6}[）)])?[:：]\s*(?P<value>[^\s:：　]{2,40})")


_NEXT_LABEL = re.compile(r"填报|日期|总分|联系|电话|负责人|金额单位|单位[:：]|主管部门|实施单位|自评得分|得分|盖章")


def labelled_units(doc: Document, views: list[TableView]) -> dict[str, str]:
    """label kind ('department' or 'supervising') -> the value written beside such a label:
    a form's label cell and the cell to its right first, then `label：value` inside a cell or a line."""
    found: dict[str, tuple[int, str]] = {}

    def offer(kind: str | None, rank: int, value: str) -> None:
        if kind is not None and _is_name(value) and (kind not in found or rank < found[kind][0]):
            found[kind] = (rank, value)

    for view in views:
        for r in range(view.n_rows):
            cells = view.row_cells(r)
            for i, cell in enumerate(cells[:-1]):
                kind, rank = _label_kind(normalise_header(cell.text))
                offer(kind, rank, squash(cells[i + 1].text))
    if "department" not in found:
        texts = [c.text for v in views for r in range(min(v.n_rows, 3)) for c in v.row_cells(r)]
        texts += [b.text for b in doc.blocks[:40] if b.kind != "table"]
        for text in texts:
            for m in _INLINE.finditer(text):
                kind, rank = _label_kind(normalise_header(m["label"]))
                # normalised text has lost the spaces between pairs: the value ends where the next label begins
                offer(kind, rank + 10, _NEXT_LABEL.split(m["value"])[0])
    return {k: v for k, (_, v) in found.items()}


def _label_kind(label: str) -> tuple[str | None, int]:
    """('department' | 'supervising' | None, preference: lower wins)."""
    if label in SUPERVISING_LABELS or label.endswith("主管部门"):
        # a transfer form names the province's department and the local one: the local one supervises
        return "supervising", 1 if label.startswith(("省级", "中央")) else 0
    if label in DEPARTMENT_LABELS:
        return "department", DEPARTMENT_LABELS.index(label) // 4
    if label.endswith(("部门名称", "单位名称")):
        return "department", 5
    return None, 0


def _is_name(value: str) -> bool:
    """A unit's name, not a blank, a number, another label or a fragment (发布机构)."""
    if len(value) < 2 or value in NOT_A_NAME or number(value) is not None or "：" in value or ":" in value:
        return False
    label = normalise_header(value)
    if label in DEPARTMENT_LABELS or label in SUPERVISING_LABELS or _LABEL_LIKE.search(value) and len(value) <= 6:
        return False
    return True


def department(doc: Document, views: list[TableView]) -> tuple[str | None, str | None]:
    """(reporting unit, supervising department): the form's 实施单位/单位名称 and 主管部门 cells;
    a report without such cells gets the first organisation its paragraphs name, and no supervisor."""
    units = labelled_units(doc, views)
    if "department" in units:
        return units["department"], units.get("supervising")
    if "supervising" in units:
        return units["supervising"], units["supervising"]
    for block in doc.blocks:
        if block.kind == "table":
            continue
        m = _ORG.search(block.text)
        if m:
            return m.group(0), None
    return None, None


def year(doc: Document, views: list[TableView] | None = None) -> int | None:
    """The year of the report's title, of a form's title (a title row inside its table counts), else the most named."""
    titles = [s.title for s in doc.sections if s.level == 0] + [b.text for b in doc.blocks[:12] if b.kind != "table"]
    titles += [t.title for t in doc.tables if t.title]
    titles += [title_row(v) for v in views or []]
    for text in titles:
        m = _YEAR_TITLE.search(text or "")
        if m:
            return int(m["y"])
    for text in titles:
        if text and any(w in squash(text) for w in FORM_TITLE_WORDS + ("绩效", "自评")):
            m = _YEAR.search(text)
            if m:
                return int(m["y"])
    counts = Counter(int(m["y"]) for m in _YEAR.finditer(doc.text()))
    return counts.most_common(1)[0][0] if counts else None


def title_row(view: TableView) -> str:
    """A form title written as the table's first rows (a cell spanning the whole width)."""
    for r in range(min(2, view.n_rows)):
        cells = view.row_cells(r)
        if len(cells) == 1 and cells[0].colspan == view.n_cols:
            return cells[0].text
    return ""


PROJECT_LABELS = ("项目名称", "项目", "专项名称", "资金名称", "转移支付名称", "转移支付项目名称")


def project_name(view: TableView, first_row: int = 0, last_row: int | None = None) -> str | None:
    """The value beside the 项目名称 label nearest above `last_row` (forms stacked in one table each name their own)."""
    for r in reversed(range(first_row, view.n_rows if last_row is None else last_row)):
        cells = view.row_cells(r)
        for i, cell in enumerate(cells[:-1]):
            if normalise_header(cell.text) in PROJECT_LABELS:
                value = squash(cells[i + 1].text)
                if _is_name(value):
                    return value
    return None
