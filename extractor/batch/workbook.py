"""`indicators.xlsx`: the analyst's workbook of a run, rendered from the store.

Sheets, all with Chinese headers, a frozen header row, filters, fitted widths
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
control characters.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from extractor.batch.store import DocumentRow, Store
from extractor.safe_text import xlsx_append

SEVERITY_WORD = {"error": "错误", "warning": "警告", "info": "提示"}
VERDICT_WORD = {"contradicted": "不符", "supported": "相符", "unverifiable": "无法核对"}
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
    """Readable places in one document: `第2页 表t3 第4行〔支付进度〕 列〔得分〕` instead of `t3 r4 c5`."""

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
            parts.append(f"第{at['page']}页")
        t = at.get("table")
        if t is not None:
            parts.append(f"表{t}")
            if at.get("row") is not None:
                label = self.row_label(t, at["row"], at["col"] if at.get("col") is not None else 0)
                parts.append(f"第{at['row'] + 1}行" + (f"〔{label}〕" if label else ""))
            if at.get("col") is not None:
                head = self.header(t, at["row"] if at.get("row") is not None else 0, at["col"])
                parts.append(f"第{at['col'] + 1}列" + (f"〔{head}〕" if head else ""))
        elif at.get("block") is not None:
            parts.append("正文")
        if at.get("line") is not None and at.get("page") is None:
            parts.append(f"第{at['line']}行（文本）")
        if self.confidence and at.get("confidence") is not None:
            parts.append(f"识读置信度{at['confidence']:.2f}")
        return " ".join(parts)


def _report_key(d: DocumentRow, ex: dict) -> tuple | None:
    """Department, year and the figures that make two files the same report; None when too little is known."""
    funds = ex.get("funds") or {}
    totals = ex.get("totals") or {}
    if not d.department or not d.year or not (d.n_indicators or funds.get("executed") is not None):
        return None
    return (d.department, d.year, funds.get("executed"), totals.get("score"), d.n_indicators)


def write_workbook(store: Store, docs: list[DocumentRow], path: Path, page_of) -> None:
    """`page_of(doc)` gives the audit page's path relative to the workbook."""
    from openpyxl import Workbook

    ok = [d for d in docs if d.status == "ok"]
    loaded = []
    for d in ok:
        extraction, _document = store.payload(d.id)
        ex = json.loads(extraction)
        ex["findings"] = ex.get("findings", []) + store.findings_of(d.id, "across.")
        loaded.append((d, ex))

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
        formats = "、".join(sorted({m.format or "?" for m in members}))
        for m in members:
            group_of[m.id] = f"#{k} {key[0]} {key[1]}（{len(members)}份：{formats}）"
        counted -= {m.id for m in members[1:]}

    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    sheets = {name: wb.create_sheet(name) for name in ("文档", "指标", "问题", "资金来源")}

    doc_rows, ind_rows, find_rows, fund_rows = [], [], [], []
    for d, ex in loaded:
        short = _short(d.source)
        funds = ex.get("funds") or {}
        totals = ex.get("totals") or {}
        rate = (funds.get("execution_rate") or {}).get("text")
        severities = Counter(f["severity"] for f in ex["findings"])
        families = "、".join(sorted({f.get("family") for f in ex.get("forms", []) if f.get("family")}))
        doc_rows.append([short, d.department, ex.get("supervising_department"), d.year, families, d.format, d.pages,
                         funds.get("unit"), funds.get("initial_budget"), funds.get("annual_budget"), funds.get("executed"), rate,
                         funds.get("weight"), funds.get("score"), totals.get("weight"), totals.get("score"),
                         severities.get("error", 0), severities.get("warning", 0), severities.get("info", 0),
                         "是" if d.id in counted else "否", group_of.get(d.id), page_of(d), d.source])
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
            ind_rows.append([short, d.department, d.year, form.get("family"), form.get("project"), ind.get("level1"),
                             ind.get("level2"), ind["name"], (ind.get("target") or {}).get("text"), tc, tlo, thi,
                             (ind.get("actual") or {}).get("text"), alo, ahi, unit, ind.get("weight"), ind.get("score"),
                             per_row.get((at.get("table"), at.get("row")), 0), d.source])
        for f in ex["findings"]:
            where = " | ".join(
                (f"{Path(e['document']).name}：" if e.get("document") and e["document"] != d.source else "")
                + f"{e.get('text') or '（空栏）'}（{places(e.get('at'))}）" for e in f.get("evidence", []))
            find_rows.append([short, d.department, d.year, SEVERITY_WORD.get(f["severity"], f["severity"]),
                              VERDICT_WORD.get(f.get("verdict"), f.get("verdict")), f["rule"], f["message"], f.get("expected"),
                              f.get("found"), where, {"misread": "疑为识读错误", "report": "报告本身"}.get(f.get("cause"), f.get("cause")),
                              f.get("confidence"), d.source])
        blocks = [(form.get("project") or form.get("title") or "", form.get("funds")) for form in forms if form.get("funds")]
        if not blocks and funds:
            blocks = [("", funds)]
        for project, fb in blocks:
            names = list(dict.fromkeys([*fb.get("by_source", {}), *fb.get("rows", {})]))
            for name in names:
                row = fb.get("rows", {}).get(name, {})
                fund_rows.append([short, d.department, d.year, project, name, fb.get("unit"),
                                  fb.get("by_source", {}).get(name), row.get("initial_budget"), row.get("annual_budget"),
                                  row.get("executed"), (row.get("execution_rate") or {}).get("text"),
                                  fb.get("source_parts", {}).get(name), d.source])

    _fill(sheets["文档"], DOC_COLUMNS, doc_rows)
    for r, (d, _ex) in enumerate(loaded, start=2):
        cell = sheets["文档"].cell(row=r, column=DOC_COLUMNS.index(("审核页", 30)) + 1)
        cell.hyperlink = cell.value
        cell.style = "Hyperlink"
    _fill(sheets["指标"], INDICATOR_COLUMNS, ind_rows)
    _fill(sheets["问题"], FINDING_COLUMNS, find_rows)
    _fill(sheets["资金来源"], FUND_COLUMNS, fund_rows)
    _fill(summary, SUMMARY_COLUMNS, _summary_rows(loaded, counted, len(doc_rows)))
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _summary_rows(loaded: list, counted: set[int], n_files: int) -> list[list]:
    use = [(d, ex) for d, ex in loaded if d.id in counted]
    rows: list[list] = [["报告（同一报告的多种格式计一份）", len(use), None], ["文件", n_files, None],
                        ["指标", sum(len(ex.get("indicators", [])) for _, ex in use), None]]
    by_sev = Counter(f["severity"] for _, ex in use for f in ex["findings"])
    docs_with = Counter(sev for _, ex in use for sev in {f["severity"] for f in ex["findings"]})
    for sev in ("error", "warning", "info"):
        rows.append([f"问题：{SEVERITY_WORD[sev]}", by_sev.get(sev, 0), docs_with.get(sev, 0)])
    by_rule = Counter(f["rule"] for _, ex in use for f in ex["findings"])
    docs_rule = Counter(rule for _, ex in use for rule in {f["rule"] for f in ex["findings"]})
    for rule, n in by_rule.most_common():
        rows.append([f"规则 {rule}", n, docs_rule[rule]])
    return rows


def _short(source: str) -> str:
    """The file's own name, with its archive member path shortened: what a reader recognises."""
    name = Path(source.replace("!/", "/")).name
    return name if len(name) <= 40 else name[:24] + "…" + name[-12:]


def _width(values: list, floor: int, cap: int = 50) -> float:
    # CJK characters are about two Latin widths in Excel's default font
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values if v is not None), default=0)
    return max(floor, min(cap, longest + 2))


def _fill(ws, columns: list[tuple[str, int]], rows: list[list]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append([name for name, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r in rows:
        xlsx_append(ws, r)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    for k, (name, floor) in enumerate(columns):
        sample = [name] + [r[k] for r in rows[:2000]]
        ws.column_dimensions[get_column_letter(k + 1)].width = _width(sample, floor)
    # printed: landscape, as wide as the page, the header on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


SUMMARY_COLUMNS = [("项目", 30), ("数量", 8), ("涉及报告", 8)]
DOC_COLUMNS = [
    ("文档", 24), ("单位", 24), ("主管部门", 16), ("年度", 6), ("表式", 18), ("格式", 6), ("页数", 5), ("金额单位", 6),
    ("年初预算", 10), ("全年预算", 10), ("全年执行", 10), ("执行率", 8), ("资金分值", 6), ("资金得分", 6), ("总分值", 6),
    ("总得分", 6), ("错误", 5), ("警告", 5), ("提示", 5), ("计入汇总", 6), ("同一报告", 24), ("审核页", 30), ("文件", 40),
]
INDICATOR_COLUMNS = [
    ("文档", 24), ("单位", 24), ("年度", 6), ("表式", 16), ("项目", 20), ("一级指标", 12), ("二级指标", 14), ("三级指标", 30),
    ("年度指标值", 14), ("指标比较符", 6), ("指标值下限", 9), ("指标值上限", 9), ("实际完成值", 14), ("完成值下限", 9),
    ("完成值上限", 9), ("计量单位", 8), ("分值", 6), ("得分", 6), ("本行问题", 6), ("文件", 40),
]
FINDING_COLUMNS = [
    ("文档", 24), ("单位", 24), ("年度", 6), ("级别", 6), ("结论", 8), ("规则", 22), ("说明", 60), ("应为", 14), ("填报", 14),
    ("出处", 60), ("原因", 10), ("识读置信度", 8), ("文件", 40),
]
FUND_COLUMNS = [
    ("文档", 24), ("单位", 24), ("年度", 6), ("项目", 20), ("资金来源", 20), ("金额单位", 6), ("金额", 10), ("年初预算", 10),
    ("全年预算", 10), ("全年执行", 10), ("执行率", 8), ("其中属于", 12), ("文件", 40),
]
