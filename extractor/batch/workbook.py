"""`indicators.xlsx`: the analyst's workbook of a run, rendered from the store.

Sheets, with headers in the interface's language (Chinese by default; i18n.py), a frozen header row, filters, fitted widths
and a landscape print setup that fits the width and repeats the header:

- 汇总: documents, indicators and findings by severity and by rule, each report
  counted once however many formats it came in;
- 文档: one row per document (short key, department, year, form families,
  budget, execution, rate, points and score, findings by severity, a link to its
  audit page, the full path last); the same report in several formats (same
  department, year and figures) shares a 同一报告 group and only its first
  copy is 计入汇总;
- 指标: every indicator, its target and actual as written and as numbers
  (comparator, low, high, unit in their own columns);
- 问题: every finding with readable places (page, table, row and column headers);
- 资金来源: each budget source of each form, with its own budget, execution and rate.

Every text cell goes through `safe_text.xlsx_append`: never a formula, no
control characters. Workbooks are streamed to disk (openpyxl's write-only mode),
so memory does not grow with their rows. A store split into parts
(`parts.py`) has one such workbook per part, and a summary workbook
(`write_summary_workbook`: 汇总 and one row per part).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from extractor.batch.store import DocumentRow
from extractor.i18n import CAUSE_WORD, N_, SEVERITY_WORD, VERDICT_WORD, _, word
from extractor.safe_text import xlsx_append, xlsx_value

# which copy of a report in several formats is counted: the one read most directly
FORMAT_RANK = {"docx": 0, "xlsx": 1, "html": 2, "pdf": 3, "text": 4}


def bounds(q: dict | None) -> tuple[str | None, float | None, float | None]:
    """(comparator, low, high) of a quantity: ≥95% is (≥, 95, None), 10-15% is (None, 10, 15), 90% is (None, 90, 90)."""
    if not q:
        return None, None, None
    comp = q.get("comparator")
    if q.get("low") is not None or q.get("high") is not None:
        return comp, q.get("low"), q.get("high")
    v = q.get("value")
    if v is None:
        return comp, None, None
    if comp in ("≥", ">", ">=", "＞", "≧"):
        return comp, v, None
    if comp in ("≤", "<", "<=", "＜", "≦"):
        return comp, None, v
    return comp, v, v


class Places:
    """Readable places in one document: `第2页 表t3 第4行〔支付进度〕 第5列〔得分〕` instead of `t3 r4 c5`."""

    def __init__(self, tables: list[dict], confidence: bool = True, forms: list[dict] | None = None):
        self.tables = {t["id"]: t for t in tables}
        self.header_rows: dict[str, int] = {}
        self.name_cols: dict[str, int] = {}
        for f in forms or []:
            if f.get("table") is not None and f.get("header_row") is not None:
                self.header_rows.setdefault(f["table"], f["header_row"])
                if "name" in (f.get("columns") or {}):
                    self.name_cols.setdefault(f["table"], f["columns"]["name"])
            if f.get("budget_table") is not None and f.get("budget_header_row") is not None:
                self.header_rows.setdefault(f["budget_table"], f["budget_header_row"])
        self.confidence = confidence  # the audit page shows it beside the place already
        self._grids: dict[str, dict[tuple[int, int], str]] = {}

    def _grid(self, table_id: str) -> dict[tuple[int, int], str]:
        if table_id not in self._grids:
            grid: dict[tuple[int, int], str] = {}
            for c in self.tables.get(table_id, {}).get("cells", []):
                for r in range(c["row"], c["row"] + c.get("rowspan", 1)):
                    for k in range(c["col"], c["col"] + c.get("colspan", 1)):
                        grid[(r, k)] = " ".join(c.get("text", "").split())
            self._grids[table_id] = grid
        return self._grids[table_id]

    @staticmethod
    def _label(text: str) -> bool:
        return bool(text) and any(ch.isalpha() for ch in text) and not text.replace(".", "").isdigit()

    def header(self, table_id: str, row: int, col: int) -> str | None:
        """The column's header: the form's header row where the table is a form, else its first cell with words."""
        grid = self._grid(table_id)
        form_header = self.header_rows.get(table_id)
        candidates = ([form_header] if form_header is not None and form_header < row else []) + list(range(row))
        for r in candidates:
            text = grid.get((r, col), "")
            if self._label(text):
                return text[:16]
        return None

    def row_label(self, table_id: str, row: int, col: int) -> str | None:
        """The row's label: the indicator's name where the table is a form, else the row's first cell with words."""
        grid = self._grid(table_id)
        name_col = self.name_cols.get(table_id)
        columns = ([name_col] if name_col is not None and name_col != col else []) + list(range(self.tables.get(table_id, {}).get("n_cols", 0)))
        for k in columns:
            text = grid.get((row, k), "")
            if k != col and self._label(text):
                return text[:16]
        return None

    def __call__(self, at: dict | None) -> str:
        at = at or {}
        parts = []
        if at.get("page") is not None:
            parts.append(_("page {page}").format(page=at["page"]))
        t = at.get("table")
        if t is not None:
            parts.append(_("table {table}").format(table=t))
            if at.get("row") is not None:
                label = self.row_label(t, at["row"], at["col"] if at.get("col") is not None else 0)
                parts.append(_("row {n}").format(n=at["row"] + 1) + (f"〔{label}〕" if label else ""))
            if at.get("col") is not None:
                head = self.header(t, at["row"] if at.get("row") is not None else 0, at["col"])
                parts.append(_("column {n}").format(n=at["col"] + 1) + (f"〔{head}〕" if head else ""))
        elif at.get("block") is not None:
            parts.append(_("text"))
        if at.get("line") is not None and at.get("page") is None:
            parts.append(_("(line {line})").format(line=at["line"]))
        if self.confidence and at.get("confidence") is not None:
            parts.append(_("OCR confidence {confidence:.2f}").format(confidence=at["confidence"]))
        return " ".join(parts)


def _report_key(d: DocumentRow, ex: dict) -> tuple | None:
    """Department, year and the figures that make two files the same report; None when too little is known."""
    funds = ex.get("funds") or {}
    totals = ex.get("totals") or {}
    if not d.department or not d.year or not (d.n_indicators or funds.get("executed") is not None):
        return None
    return (d.department, d.year, funds.get("executed"), totals.get("score"), d.n_indicators)


#: rows a worksheet holds (Excel's limit, the header row included)
EXCEL_ROWS = 1_048_576


@dataclass
class SheetRows:
    """The rows of one workbook's sheets, and the counts its 汇总 sheet is made of."""

    documents: list[list] = field(default_factory=list)
    indicators: list[list] = field(default_factory=list)
    findings: list[list] = field(default_factory=list)
    funds: list[list] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def longest(self) -> int:
        return max(len(self.documents), len(self.indicators), len(self.findings), len(self.funds))


def sheet_rows(loaded: list[tuple[DocumentRow, dict]], page_of) -> SheetRows:
    """Every sheet's rows for documents already loaded (`(row, contract JSON with its cross-year findings)`);
    `page_of(doc)` gives the audit page's path relative to the workbook."""
    groups: dict[tuple, list[DocumentRow]] = defaultdict(list)
    for d, ex in loaded:
        key = _report_key(d, ex)
        if key:
            groups[key].append(d)
    group_of: dict[int, str] = {}
    counted: set[int] = {d.id for d, _ in loaded}
    for k, (key, members) in enumerate(sorted(groups.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])), start=1):
        if len(members) < 2:
            continue
        members.sort(key=lambda d: (FORMAT_RANK.get(d.format or "", 9), d.source))
        formats = _(", ").join(sorted({m.format or "?" for m in members}))
        for m in members:
            group_of[m.id] = _("#{k} {department} {year} ({n} files: {formats})").format(
                k=k, department=key[0], year=key[1], n=len(members), formats=formats)
        counted -= {m.id for m in members[1:]}

    out = SheetRows(counts=report_counts(loaded, counted))
    for d, ex in loaded:
        short = _short(d.source)
        funds = ex.get("funds") or {}
        totals = ex.get("totals") or {}
        rate = (funds.get("execution_rate") or {}).get("text")
        severities = Counter(f["severity"] for f in ex["findings"])
        families = _(", ").join(sorted({f.get("family") for f in ex.get("forms", []) if f.get("family")}))
        out.documents.append([short, d.department, ex.get("supervising_department"), d.year, families, d.format, d.pages,
                              funds.get("unit"), funds.get("initial_budget"), funds.get("annual_budget"), funds.get("executed"),
                              rate, funds.get("weight"), funds.get("score"), totals.get("weight"), totals.get("score"),
                              severities.get("error", 0), severities.get("warning", 0), severities.get("info", 0),
                              _("yes") if d.id in counted else _("no"), group_of.get(d.id), page_of(d), d.source])
        places = Places(ex.get("tables", []), forms=ex.get("forms", []))
        forms = ex.get("forms", [])
        per_row = Counter()
        for f in ex["findings"]:
            for e in f.get("evidence", []):
                at = e.get("at") or {}
                if at.get("table") is not None and at.get("row") is not None:
                    per_row[(at["table"], at["row"])] += 1
        for ind in ex.get("indicators", []):
            form = forms[ind["form_index"]] if isinstance(ind.get("form_index"), int) and ind["form_index"] < len(forms) else {}
            tc, tlo, thi = bounds(ind.get("target"))
            _ac, alo, ahi = bounds(ind.get("actual"))
            unit = (ind.get("actual") or {}).get("unit") or (ind.get("target") or {}).get("unit")
            at = ind.get("at") or {}
            out.indicators.append([short, d.department, d.year, form.get("family"), form.get("project"), ind.get("level1"),
                                   ind.get("level2"), ind["name"], (ind.get("target") or {}).get("text"), tc, tlo, thi,
                                   (ind.get("actual") or {}).get("text"), alo, ahi, unit, ind.get("weight"), ind.get("score"),
                                   per_row.get((at.get("table"), at.get("row")), 0), d.source])
        for f in ex["findings"]:
            where = " | ".join(
                (f"{Path(e['document']).name}：" if e.get("document") and e["document"] != d.source else "")
                + _("{text} ({place})").format(text=e.get("text") or _("(empty cell)"), place=places(e.get("at")))
                for e in f.get("evidence", []))
            out.findings.append([short, d.department, d.year, word(SEVERITY_WORD, f["severity"]),
                                 word(VERDICT_WORD, f.get("verdict")), f["rule"], f["message"], f.get("expected"),
                                 f.get("found"), where, word(CAUSE_WORD, f.get("cause")), f.get("confidence"), d.source])
        blocks = [(form.get("project") or form.get("title") or "", form.get("funds")) for form in forms if form.get("funds")]
        if not blocks and funds:
            blocks = [("", funds)]
        for project, fb in blocks:
            names = list(dict.fromkeys([*fb.get("by_source", {}), *fb.get("rows", {})]))
            for name in names:
                row = fb.get("rows", {}).get(name, {})
                out.funds.append([short, d.department, d.year, project, name, fb.get("unit"),
                                  fb.get("by_source", {}).get(name), row.get("initial_budget"), row.get("annual_budget"),
                                  row.get("executed"), (row.get("execution_rate") or {}).get("text"),
                                  fb.get("source_parts", {}).get(name), d.source])
    return out


def write_workbook(rows: SheetRows, path: Path) -> None:
    """The workbook of `sheet_rows`, streamed to disk (openpyxl's write-only mode: memory does not grow with the rows)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    summary = wb.create_sheet(_(SHEETS["summary"]))
    sheets = {key: wb.create_sheet(_(SHEETS[key])) for key in ("documents", "indicators", "findings", "funds")}
    _fill(summary, SUMMARY_COLUMNS, _summary_rows(rows.counts))
    _fill(sheets["documents"], DOC_COLUMNS, rows.documents, links=PAGE_COLUMN)
    _fill(sheets["indicators"], INDICATOR_COLUMNS, rows.indicators)
    _fill(sheets["findings"], FINDING_COLUMNS, rows.findings)
    _fill(sheets["funds"], FUND_COLUMNS, rows.funds)
    _save(wb, path)


def write_summary_workbook(counts: dict, parts: list[list], path: Path) -> None:
    """The workbook of a store too large for one: its 汇总 and one row per part (a year and unit) linking the
    part's own workbook, which holds that part's documents, indicators, findings and fund sources."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _fill(wb.create_sheet(_(SHEETS["summary"])), SUMMARY_COLUMNS, _summary_rows(counts))
    _fill(wb.create_sheet(_(SHEETS["parts"])), PART_COLUMNS, parts, links=PART_LINK_COLUMN)
    _save(wb, path)


def _save(wb, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def report_counts(loaded: list, counted: set[int]) -> dict:
    """What the 汇总 sheet counts, over the reports counted once; counts of parts add up to the whole's."""
    use = [(d, ex) for d, ex in loaded if d.id in counted]
    return {
        "files": len(loaded),
        "reports": len(use),
        "indicators": sum(len(ex.get("indicators", [])) for _d, ex in use),
        "by_severity": dict(Counter(f["severity"] for _, ex in use for f in ex["findings"])),
        "docs_severity": dict(Counter(sev for _, ex in use for sev in {f["severity"] for f in ex["findings"]})),
        "by_rule": dict(Counter(f["rule"] for _, ex in use for f in ex["findings"])),
        "docs_rule": dict(Counter(rule for _, ex in use for rule in {f["rule"] for f in ex["findings"]})),
    }


def add_counts(total: dict, part: dict) -> dict:
    for key, value in part.items():
        if isinstance(value, dict):
            bucket = total.setdefault(key, {})
            for k, n in value.items():
                bucket[k] = bucket.get(k, 0) + n
        else:
            total[key] = total.get(key, 0) + value
    return total


def _summary_rows(counts: dict) -> list[list]:
    by_sev, docs_with = counts.get("by_severity", {}), counts.get("docs_severity", {})
    rows: list[list] = [[_("reports (one report in several formats counted once)"), counts.get("reports", 0), None],
                        [_("files read"), counts.get("files", 0), None],
                        [_("indicators"), counts.get("indicators", 0), None]]
    for sev in ("error", "warning", "info"):
        rows.append([_("findings: {severity}").format(severity=_(SEVERITY_WORD[sev])), by_sev.get(sev, 0), docs_with.get(sev, 0)])
    docs_rule = counts.get("docs_rule", {})
    for rule, n in sorted(counts.get("by_rule", {}).items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append([_("rule {rule}").format(rule=rule), n, docs_rule.get(rule, 0)])
    return rows


def _short(source: str) -> str:
    """The file's own name, with its archive member path shortened: what a reader recognises."""
    name = Path(source.replace("!/", "/")).name
    return name if len(name) <= 40 else name[:24] + "…" + name[-12:]


def _width(values: list, floor: int, cap: int = 50) -> float:
    # CJK characters are about two Latin widths in Excel's default font
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values if v is not None), default=0)
    return max(floor, min(cap, longest + 2))


def _fill(ws, columns: list[tuple[str, int]], rows: list[list], links: str | None = None) -> None:
    """Header, rows and print setup of a write-only sheet; what a write-only sheet cannot change after a row is
    written (widths, panes, the filter) is set first. The cells of column `links` become hyperlinks to their text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    for k, (name, floor) in enumerate(columns):
        sample = [_(name)] + [r[k] for r in rows[:2000]]
        ws.column_dimensions[get_column_letter(k + 1)].width = _width(sample, floor)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    # printed: landscape, as wide as the page, the header on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    header = []
    for name, _w in columns:
        cell = WriteOnlyCell(ws, _(name))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    link_col = [name for name, _w in columns].index(links) if links else None
    for r in rows:
        if link_col is not None and r[link_col]:
            cell = WriteOnlyCell(ws, xlsx_value(r[link_col]))
            cell.hyperlink = cell.value
            cell.style = "Hyperlink"
            r = [*r[:link_col], cell, *r[link_col + 1:]]
        xlsx_append(ws, r)


SHEETS = {"summary": N_("Summary"), "documents": N_("Documents"), "indicators": N_("Indicators"),
          "findings": N_("Findings"), "funds": N_("Fund sources"), "parts": N_("Parts")}
PAGE_COLUMN = N_("audit page")
SUMMARY_COLUMNS = [(N_("item"), 30), (N_("count"), 8), (N_("reports concerned"), 8)]
DOC_COLUMNS = [
    (N_("document"), 24), (N_("unit"), 24), (N_("supervising department"), 16), (N_("year"), 6), (N_("form"), 18),
    (N_("format"), 6), (N_("pages"), 5), (N_("money unit"), 6), (N_("initial budget"), 10), (N_("annual budget"), 10),
    (N_("executed"), 10), (N_("execution rate"), 8), (N_("funds weight"), 6), (N_("funds score"), 6),
    (N_("total weight"), 6), (N_("total score"), 6), (N_("errors"), 5), (N_("warnings"), 5), (N_("notes"), 5),
    (N_("counted in the summary"), 6), (N_("same report"), 24), (PAGE_COLUMN, 30), (N_("file"), 40),
]
INDICATOR_COLUMNS = [
    (N_("document"), 24), (N_("unit"), 24), (N_("year"), 6), (N_("form"), 16), (N_("project"), 20), (N_("level 1"), 12),
    (N_("level 2"), 14), (N_("indicator"), 30), (N_("annual target"), 14), (N_("target comparator"), 6),
    (N_("target low"), 9), (N_("target high"), 9), (N_("actual"), 14), (N_("actual low"), 9), (N_("actual high"), 9),
    (N_("measure unit"), 8), (N_("weight"), 6), (N_("score"), 6), (N_("findings on the row"), 6), (N_("file"), 40),
]
FINDING_COLUMNS = [
    (N_("document"), 24), (N_("unit"), 24), (N_("year"), 6), (N_("severity"), 6), (N_("verdict"), 8), (N_("rule"), 22),
    (N_("message"), 60), (N_("expected"), 14), (N_("found"), 14), (N_("evidence"), 60), (N_("cause"), 10),
    (N_("OCR confidence"), 8), (N_("file"), 40),
]
PART_LINK_COLUMN = N_("workbook")
PART_COLUMNS = [
    (N_("year"), 6), (N_("unit"), 30), (N_("files"), 6), (N_("reports"), 6), (N_("indicators"), 8), (N_("errors"), 6),
    (N_("warnings"), 6), (N_("notes"), 6), (PART_LINK_COLUMN, 40), (N_("audit pages"), 40), (N_("findings CSV"), 40),
]
FUND_COLUMNS = [
    (N_("document"), 24), (N_("unit"), 24), (N_("year"), 6), (N_("project"), 20), (N_("fund source"), 20),
    (N_("money unit"), 6), (N_("amount"), 10), (N_("initial budget"), 10), (N_("annual budget"), 10), (N_("executed"), 10),
    (N_("execution rate"), 8), (N_("part of"), 12), (N_("file"), 40),
]
