"""Reading the standard forms of a `Document` into funds, indicators and totals.

Forms are recognised by their headers (extractor.forms.headers), wherever
they stand: 部门整体/项目支出绩效自评表 (budget block and indicator block),
绩效评价评分表, 整体支出绩效定量目标, 绩效评价基础数据表 and the 收支 tables.
This package reads `Document` only; it never opens files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.document import Document
from extractor.forms import meta
from extractor.forms.basic_data import find_basic_data, find_staffing_pairs
from extractor.forms.columns import Header, header_similarity, is_numbering_row, normalise_header
from extractor.forms.families import family_of
from extractor.forms.funds import find_budget_headers, read_budget_block, read_income_expense, read_paired_budget
from extractor.forms.goals import find_goal_headers, read_goal_rows
from extractor.forms.indicators import (
    find_indicator_headers,
    is_total_row,
    level_totals,
    read_indicators,
    read_total_row,
)
from extractor.forms.view import TableView
from extractor.forms.vocabulary import INDICATOR_ROLES
from extractor.schema import BasicData, FormInfo, Funds, Indicator, Level1Total, Totals
from extractor.text import squash


@dataclass
class FormsResult:
    department: str | None = None
    supervising_department: str | None = None
    year: int | None = None
    funds: Funds | None = None
    indicators: list[Indicator] = field(default_factory=list)
    totals: Totals | None = None
    basic_data: BasicData | None = None
    forms: list[FormInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Form:
    """One self-evaluation form as it is read: a budget block and the indicator blocks that follow it."""

    title: str = ""
    budget: tuple[int, Header] | None = None
    blocks: list[tuple[int, Header]] = field(default_factory=list)
    funds: Funds | None = None
    totals: Totals | None = None
    by_level1: dict[str, Level1Total] = field(default_factory=dict)
    scored: bool = False
    cut_off: bool = False
    goals_table: int | None = None


def read_forms(doc: Document) -> FormsResult:
    views = [TableView(t) for t in doc.tables]
    department, supervising = meta.department(doc, views)
    result = FormsResult(department=department, supervising_department=supervising, year=meta.year(doc, views))
    reading = _Reading(views)
    for ti, view in enumerate(views):
        reading.table(ti)
        if result.basic_data is None:
            result.basic_data = find_basic_data(view)
    forms = reading.forms
    reading.ordered.sort(key=lambda t: (t[0], t[1]))
    result.indicators = [ind for _, _, ind in reading.ordered]
    for form in forms:
        if form.scored:
            form.totals = form.totals or Totals()
            form.totals.by_level1 = form.by_level1
            form.totals.cut_off = form.cut_off
        if form.cut_off:
            result.warnings.append(f"the last form ({form.title or 'untitled'}) ends with its table and has no 总分 row: "
                                   "the file may be cut short; its last level is not checked against its cap")
    first_funds = next((f.funds for f in forms if f.funds is not None), None)
    if first_funds is None:
        first_funds = read_paired_budget(views)
        if first_funds is not None and forms:
            forms[0].funds = first_funds
    result.forms = [_info(views, f) for f in forms]
    result.funds = first_funds if first_funds is not None else read_income_expense(views)
    result.totals = next((f.totals for f in forms if f.totals is not None), None)
    if result.basic_data is None or not result.basic_data.staffing:
        for view in views:
            staffing, where = find_staffing_pairs(view)
            if len(staffing) == 2:
                result.basic_data = result.basic_data or BasicData()
                result.basic_data.staffing, result.basic_data.staffing_at = staffing, where
                break
    if not doc.tables:
        result.warnings.append("no tables found: funds, indicators and totals are empty")
    elif not result.indicators and result.funds is None:
        result.warnings.append("no standard form recognised among the tables")
    result.warnings += _unread_warnings(views, reading.recognised)
    return result


class _Reading:
    """The blocks of every table in document order, grouped into forms: a budget block starts a new form
    once the current one has a budget or indicators; indicator blocks and goal tables join the current one."""

    def __init__(self, views: list[TableView]):
        self.views = views
        self.forms: list[_Form] = []
        self.ordered: list[tuple[int, int, Indicator]] = []  # (table, row, indicator), sorted at the end
        self.recognised: set[int] = set()

    def current(self, ti: int, new: bool = False) -> _Form:
        if new or not self.forms:
            self.forms.append(_Form(title=_title(self.views[ti])))
        return self.forms[-1]

    def table(self, ti: int) -> None:
        view = self.views[ti]
        headers = find_indicator_headers(view)
        budgets = find_budget_headers(view)
        header_rows = {h.row for h in headers} | {b.row for b in budgets}
        for row, header in sorted([(h.row, h) for h in headers] + [(b.row, b) for b in budgets], key=lambda e: e[0]):
            if any(header is b for b in budgets):
                self.budget(ti, header, min([r for r in header_rows if r > row] + [view.n_rows]))
            else:
                self.block(ti, header, header_rows)
        for hr in find_goal_headers(view):
            self.goals(ti, hr)

    def budget(self, ti: int, header: Header, stop: int) -> None:
        last = self.forms[-1] if self.forms else None
        form = self.current(ti, new=last is not None and (last.budget is not None or bool(last.blocks)))
        form.budget = (ti, header)
        form.funds = read_budget_block(self.views[ti], header, stop)
        self.recognised.add(ti)

    def block(self, ti: int, header: Header, header_rows: set[int]) -> None:
        view = self.views[ti]
        form = self.current(ti)
        form.blocks.append((ti, header))
        self.recognised.add(ti)
        kind = "评分表" if "criteria" in header.roles else "自评表"
        rows, end = read_indicators(view, header, header_rows - {header.row}, kind)
        self._add(ti, form, rows)
        if any(i.weight is not None or i.score is not None for i in rows) or {"weight", "score"} & header.roles.keys():
            form.scored = True
            _merge_levels(form.by_level1, level_totals(view, header, end, rows))
        total = _total_after(view, end, header_rows)
        # no 总分 row, the rows run to the end of the file's last table, and the last level falls short of its cap
        form.cut_off = total is None and end >= view.n_rows and ti == len(self.views) - 1 and _short_of_cap(form.by_level1)
        if total is not None and form.totals is None:
            # the 总分 row may stand below remark rows (其他需要说明事项) that end the indicator rows
            form.totals = read_total_row(view, total, header.roles)

    def goals(self, ti: int, header_row: int) -> None:
        form = self.current(ti)
        form.goals_table = form.goals_table if form.goals_table is not None else ti
        self.recognised.add(ti)
        self._add(ti, form, read_goal_rows(self.views[ti], header_row))

    def _add(self, ti: int, form: _Form, rows: list[Indicator]) -> None:
        index = self.forms.index(form)
        for ind in rows:
            ind.form_index = index
        self.ordered.extend((ti, ind.at.row or 0, ind) for ind in rows)


def _short_of_cap(levels: dict[str, Level1Total]) -> bool:
    last = list(levels.values())[-1] if levels else None
    return last is not None and last.cap is not None and (last.weight or 0) < last.cap - 1e-9


def _total_after(view: TableView, end: int, header_rows: set[int]) -> int | None:
    """The 总分 row where reading stopped, or a few remark rows (其他需要说明事项) below it."""
    for r in range(end, min(view.n_rows, end + 4)):
        if r in header_rows:
            return None
        if is_total_row(view, r):
            return r
    return None


def _title(view: TableView) -> str:
    return squash(meta.title_row(view) or view.table.title or "")


def _info(views: list[TableView], form: _Form) -> FormInfo:
    main = form.blocks[0] if form.blocks else None
    sources_in_cells = form.funds is not None and any(k in ("一般公共预算", "政府性基金拨款") for k in form.funds.by_source)
    if main is None and form.goals_table is not None:
        family = "quantitative-goals"
    else:
        family = family_of(main[1] if main else None, form.budget[1] if form.budget else None, form.title, sources_in_cells,
                           _numbered(views, form))
    where = main or form.budget
    info = FormInfo(family=family, title=form.title or None, funds=form.funds, totals=form.totals)
    first = form.budget or main
    if first is not None:
        ti, header = first
        info.project = meta.project_name(views[ti], 0, header.row)
    if where is not None:
        ti, header = where
        info.table, info.header_row = views[ti].table.id, header.row
        info.header = [c.text for c in header.columns]
    if main is not None:
        info.columns = dict(sorted(main[1].roles.items(), key=lambda kv: kv[1]))
    elif form.goals_table is not None:
        info.table = views[form.goals_table].table.id
    if form.budget is not None:
        ti, header = form.budget
        info.budget_table, info.budget_header_row = views[ti].table.id, header.row
        info.budget_columns = dict(sorted(header.roles.items(), key=lambda kv: kv[1]))
    return info


def _numbered(views: list[TableView], form: _Form) -> bool:
    """A 列次 row under one of the form's headers, or a 行次 column in it."""
    for ti, header in ([form.budget] if form.budget else []) + form.blocks:
        view = views[ti]
        if header.last_row + 1 < view.n_rows and is_numbering_row(view, header.last_row + 1):
            return True
        if any(normalise_header(c.text) == "行次" for c in header.columns):
            return True
    return False


def _form_like_row(view: TableView) -> int | None:
    """A row with three or more indicator-block header words among the first twelve: a form whose layout
    was not understood."""
    for r in range(min(view.n_rows, 12)):
        hits = sum(1 for c in view.row_cells(r)
                   if max(header_similarity(normalise_header(c.text), names) for names in INDICATOR_ROLES.values()) >= 0.8)
        if hits >= 3:
            return r
    return None


def _unread_warnings(views: list[TableView], recognised: set[int]) -> list[str]:
    out = []
    for ti, view in enumerate(views):
        r = None if ti in recognised else _form_like_row(view)
        if r is not None:
            texts = " | ".join(squash(c.text) for c in view.row_cells(r))
            out.append(f"table {view.table.id} looks like a form but was not read: header row {r}: {texts}")
    return out


def _merge_levels(into: dict[str, Level1Total], new: dict[str, Level1Total]) -> None:
    """A form printed in parts (a repeated header after a page break) adds up per level."""
    for name, t in new.items():
        if name not in into:
            into[name] = t
            continue
        cur = into[name]
        cur.cap = cur.cap if cur.cap is not None else t.cap
        for attr in ("weight", "score"):
            a, b = getattr(cur, attr), getattr(t, attr)
            setattr(cur, attr, b if a is None else a if b is None else a + b)
        for n2, t2 in t.by_level2.items():
            if n2 in cur.by_level2:
                c2 = cur.by_level2[n2]
                for attr in ("weight", "score"):
                    a, b = getattr(c2, attr), getattr(t2, attr)
                    setattr(c2, attr, b if a is None else a if b is None else a + b)
            else:
                cur.by_level2[n2] = t2
