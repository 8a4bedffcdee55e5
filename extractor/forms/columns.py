"""Which column of a form holds what: decided from the header words and from
what the column holds, for the whole header row at once.

A header is normalised first (no spaces or line breaks, no bracketed letters,
units, points or formulas: `全年预算数（A）`, `执行率(B/A)`, `得分（20分*执行率）`,
`分值\n(分)`), two-row headers are merged (a `年度指标值` over `指标性质 | 指标值 |
度量单位`), and each (role, column) pair is scored by how close the header is
to the role's words and by how well the column's cells fit the role
(percentages for a rate, amounts for money, comparators, units, short scores).
The roles are then assigned to columns jointly (scipy's linear_sum_assignment),
so that 预算执行数 is never read as 预算执行率 because the rate's column is
already the better match, and 权重 becomes 分值 only where nothing fits better.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from extractor.forms.values import number
from extractor.forms.view import TableView
from extractor.forms.vocabulary import FUNDS_ROLES, INDICATOR_ROLES, NUMBERING_LABELS
from extractor.text import squash

# bracketed tails: letters (A) (B/A), units (万元) (%), points (10分), formulas (20分*执行率)
_BRACKETS = re.compile(r"[（(\[【][^（()）\]】]*[）)\]】]?")
_FORMULA_TAIL = re.compile(r"[A-Za-z①-⑳/×*＝=+\-%％]+$")  # (B/A), ④=①+②+③, ⑥=⑤/④
_CAP = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*分")
_NUMBERING = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)[、.．]")

COMPARATORS = {"=", "＝", "═", "﹦", "≥", "≤", ">", "<", "＞", "＜", "≧", "≦", ">=", "<=", "≥=", "＞=", "＜=", "定性", "定量", "≠"}
EQUALITY = {"=", "＝", "═", "﹦"}
_UNIT_WORDS = {"%", "％", "个", "人", "人次", "次", "家", "项", "万元", "元", "亿元", "天", "日", "年", "月", "件", "户", "座",
               "公里", "千米", "米", "平方米", "亩", "吨", "台", "套", "所", "场", "期", "篇", "份", "册", "批", "处", "条",
               "名", "km", "m²", "万人", "万人次", "个百分点", "小时", "分", "元/人", "元/亩", "床", "辆", "株", "头", "只"}
_PERCENT = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*[%％]$")


# what OCR makes of a comparator alone in its cell (a faint ≥ read as 2, N or M; ≤ as S), and of a lone %
_OCR_COMPARATOR = {"2": "≥", "N": "≥", "M": "≥", "Z": "≥", "z": "≥", "S": "≤", "s": "≤", "三": "=", "二": "="}
_OCR_UNIT = {"96": "%", "9/6": "%", "%6": "%", "％": "%"}


def read_comparator(text: str) -> str:
    """A 指标性质 cell: it can hold only a comparator (or 定性), so a lone misread symbol is read as the one it stands for."""
    s = squash(text)
    return _OCR_COMPARATOR.get(s, s)


def read_unit(text: str) -> str:
    """A 度量单位 cell: a lone `96` there is a `%` the recogniser split."""
    s = squash(text)
    return _OCR_UNIT.get(s, s)


def normalise_header(text: str) -> str:
    s = squash(text).replace("\n", "")
    s = _BRACKETS.sub("", s)
    s = _NUMBERING.sub("", s)
    s = _FORMULA_TAIL.sub("", s) if re.search(r"[\u4e00-\u9fff]", s) else s
    return s.strip("：:★*※ ")


def header_points(text: str) -> float | None:
    """The points a header or block label carries: `预算执行情况（10分）`, `得分（20分*执行率）`."""
    for m in re.finditer(r"[（(]([^（()）]*)[）)]?", squash(text)):
        cap = _CAP.search(m.group(1))
        if cap:
            return float(cap["n"])
    return None


# characters that alone tell roles apart (执行数 / 执行率, 指标值 / 指标性质): never one edit away
_DECIDING = set("率数值额性分")


def is_numbering_row(view: TableView, r: int) -> bool:
    """列次 | 0 | 1 | 2 …: a row that numbers the columns, neither header nor data."""
    texts = [squash(c.text) for c in view.row_cells(r) if squash(c.text)]
    if texts and texts[0] in NUMBERING_LABELS:
        return True
    ints = [int(t) for t in texts if t.isdigit()]
    return len(ints) >= 4 and len(ints) >= len(texts) - 2 and ints == sorted(ints) and len(set(ints)) == len(ints) \
        and ints[-1] - ints[0] <= len(ints) + 2


def is_header_row(view: TableView, r: int) -> bool:
    """Words only: a row holding a plain number is data, whatever its words say."""
    cells = [c for c in view.row_cells(r) if c.row == r]
    return bool(cells) and all(number(c.text) is None for c in cells)


def may_head(view: TableView, r: int, names: Iterable[str]) -> bool:
    """A cheap test before the assignment: a row of words (no plain number) naming one of `names`."""
    names = tuple(names)
    return is_header_row(view, r) and any(header_similarity(normalise_header(c.text), names) >= 0.7
                                          for c in view.row_cells(r) if number(c.text) is None)


def header_similarity(header: str, names: Iterable[str]) -> float:
    """1 for a listed name, less for a near one (a scan's stray character, a longer wording), 0 otherwise."""
    from rapidfuzz.distance import Levenshtein

    best = 0.0
    for name in names:
        if header == name:
            return 1.0
        if (len(name) >= 4 and len(header) >= 4 and Levenshtein.distance(header, name, score_cutoff=1) <= 1
                and not set(header).symmetric_difference(name) & _DECIDING):
            best = max(best, 0.8)
        elif len(name) >= 3 and name in header and len(header) - len(name) <= 4:
            best = max(best, 0.7 - 0.02 * (len(header) - len(name)))
    return best


@dataclass
class Column:
    """One header cell of the (merged) header band."""

    col: int
    text: str  # as printed (squashed)
    candidates: list[str]  # normalised header texts: leaf, parent+leaf, parent
    points: float | None = None
    row: int = 0  # the row the header cell starts in


@dataclass
class Profile:
    """What a column's data cells look like, as fractions of its non-empty cells."""

    filled: int = 0
    percent: float = 0.0
    number: float = 0.0
    small: float = 0.0  # 0–100 numbers with at most one decimal: points
    comparator: float = 0.0
    unit: float = 0.0
    text: float = 0.0  # four or more characters, not a figure


@dataclass
class Header:
    """A recognised header band: its rows, the role of each column, and the columns' texts."""

    row: int  # the row the band was found at
    last_row: int  # its last row: data starts below it
    roles: dict[str, int]
    columns: list[Column] = field(default_factory=list)

    @property
    def two_rows(self) -> bool:
        """A header of two rows: a sub-header below, or header cells merged down from the row above."""
        return self.last_row > self.row or self.first_row < self.row

    first_row: int = -1  # the first row any of its cells starts in
    inferred: tuple[str, ...] = ()  # roles given by structure, no header naming them (level columns)

    def __post_init__(self) -> None:
        if self.first_row < 0:
            self.first_row = self.row


def header_columns(view: TableView, r: int) -> tuple[list[Column], int]:
    """The header cells of row r, merged with a sub-header row below where one subdivides it."""
    top = [c for c in view.row_cells(r) if c.row == r or c.row < r]
    last = r
    sub = _sub_header(view, r)
    columns: list[Column] = []
    for cell in top:
        leaf_cells = [c for c in sub if cell.col <= c.col < cell.col + cell.colspan] if sub else []
        if leaf_cells and (cell.colspan > 1 or cell.rowspan == 1):
            for leaf in leaf_cells:
                parent, own = normalise_header(cell.text), normalise_header(leaf.text)
                columns.append(Column(leaf.col, squash(leaf.text), [own, parent + own, parent],
                                      header_points(leaf.text) or header_points(cell.text), cell.row))
        else:
            own = normalise_header(cell.text)
            group = _group_above(view, r, cell)
            candidates = [own, group + own, group] if group else [own]
            columns.append(Column(cell.col, squash(cell.text), candidates, header_points(cell.text), cell.row))
    if sub:
        last = r + 1
    return columns, last


def _group_above(view: TableView, r: int, cell) -> str:
    """The group header over a cell (预算安排 over 小计), when the row above spans it with a wider cell."""
    if cell.row != r or r == 0:
        return ""
    above = view.cell(r - 1, cell.col)
    if above is None or above.row + above.rowspan != r or above.colspan <= cell.colspan or number(above.text) is not None:
        return ""
    return normalise_header(above.text)


def _sub_header(view: TableView, r: int) -> list:
    """Row r+1's own cells when it is a sub-header of row r (under a cell spanning several columns)."""
    if r + 1 >= view.n_rows or not any(c.colspan > 1 for c in view.row_cells(r) if c.row == r):
        return []
    cells = [c for c in view.row_cells(r + 1) if c.row == r + 1]
    if not cells or any(number(c.text) is not None or not squash(c.text) for c in cells):
        return []
    every = {**INDICATOR_ROLES, **FUNDS_ROLES}
    known = sum(1 for c in cells if max((header_similarity(normalise_header(c.text), n) for n in every.values()), default=0) >= 0.7)
    return cells if known >= max(1, len(cells) - 1) else []


def profile(view: TableView, col: int, first_row: int, last_row: int) -> Profile:
    p = Profile()
    texts = []
    for r in range(first_row, min(last_row, first_row + 40)):
        cell = view.cell(r, col)
        if cell is None or cell.row != r or cell.col != col:
            continue
        s = squash(cell.text)
        if s:
            texts.append(s)
    if not texts:
        return p
    n = len(texts)
    p.filled = n
    nums = [number(t) for t in texts]
    p.percent = sum(1 for t in texts if _PERCENT.match(t)) / n
    p.number = sum(1 for v in nums if v is not None) / n
    p.small = sum(1 for t, v in zip(texts, nums) if v is not None and 0 <= v <= 100 and len(t.split(".")[-1]) <= 2
                  and not re.search(r"\.\d\d$", t)) / n
    p.comparator = sum(1 for t in texts if t in COMPARATORS) / n
    p.unit = sum(1 for t in texts if t in _UNIT_WORDS or (len(t) <= 3 and not re.search(r"\d", t) and t not in COMPARATORS)) / n
    p.text = sum(1 for t, v in zip(texts, nums) if v is None and len(t) >= 4) / n
    return p


# how well a column's cells fit each role, from 0 (never) to 1
FITS: dict[str, Callable[[Profile], float]] = {
    "level1": lambda p: 1 - p.number,
    "level2": lambda p: 1 - p.number,
    "name": lambda p: 1 - p.number - p.comparator,
    "criteria": lambda p: p.text,
    "comparator": lambda p: p.comparator,
    "target": lambda p: 0.6 - 0.6 * p.comparator - 0.3 * p.unit,
    "unit": lambda p: p.unit - p.number,
    "actual": lambda p: 0.6 - 0.6 * p.comparator - 0.3 * p.unit,
    "weight": lambda p: p.small,
    "score": lambda p: p.small,
    "note": lambda p: 0.3,
    "initial_budget": lambda p: p.number - p.percent,
    "annual_budget": lambda p: p.number - p.percent,
    "executed": lambda p: p.number - p.percent,
    "execution_rate": lambda p: p.percent,
}
MIN_HEADER = 0.6  # a role needs a header at least this close to one of its words
CONTENT_WEIGHT = 0.35  # content breaks ties and near-misses; it cannot name a column on its own

def role_similarity(column: Column, role: str, names: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> float:
    sims = [header_similarity(c, names) for c in column.candidates if c]
    # the leaf's own words count fully; the parent's only as a fallback
    best = max([sims[0] if sims else 0.0] + [s * 0.9 for s in sims[1:]])
    if prefixes and column.candidates and column.candidates[0].startswith(prefixes):
        best = max(best, 0.85)
    return best


def assign_roles(view: TableView, columns: list[Column], data_from: int, data_to: int,
                 vocabulary: dict[str, tuple[str, ...]], prefixes: dict[str, tuple[str, ...]] | None = None) -> dict[str, int]:
    """role -> column, the assignment with the highest total score (header closeness plus content fit)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    roles = list(vocabulary)
    if not columns:
        return {}
    profiles = [profile(view, c.col, data_from, data_to) for c in columns]
    invalid = -1e6
    score = np.full((len(roles), len(columns)), invalid)
    for i, role in enumerate(roles):
        for j, column in enumerate(columns):
            sim = role_similarity(column, role, vocabulary[role], (prefixes or {}).get(role, ()))
            if sim >= MIN_HEADER:
                fit = FITS[role](profiles[j]) if profiles[j].filled else 0.0
                score[i, j] = sim + CONTENT_WEIGHT * fit
    rows, cols = linear_sum_assignment(-score)
    return {roles[i]: columns[j].col for i, j in zip(rows, cols) if score[i, j] > invalid / 2}
