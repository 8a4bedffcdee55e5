"""Render the layout documents (tests/layouts/**/*.spec.json) into HTML, DOCX and PDF, beside each spec.

    python -m eval.make_layouts [--check] [--scan ID ...] [ID ...]

A spec lists paragraphs and tables (rows of the cells that start in them, with
rowspan/colspan, as HTML writes them; see tests/layouts/README.md). Each
format is written the way its usual producer writes it: HTML tables with
rowspan/colspan, Word tables with gridSpan/vMerge (python-docx), and a
text-layer PDF with ruled tables (reportlab, the CJK font embedded), so the
three readers meet the same form through their own backends. `--scan` also
writes `<id>.scan.pdf`, the PDF put through eval.make_scans. The outputs are
committed, so tests need neither the font nor this script.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "tests" / "layouts"
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@dataclass
class Placed:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int


def place(rows: list[list]) -> tuple[list[Placed], int, int]:
    """Cells of an HTML-convention table on the grid; raises ValueError where rows do not cover the same width."""
    taken: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    widths = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            text, rs, cs = (cell, 1, 1) if isinstance(cell, str) else (cell.get("t", ""), cell.get("rs", 1), cell.get("cs", 1))
            while (r, c) in taken:
                c += 1
            placed.append(Placed(text, r, c, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
        while (r, c) in taken:
            c += 1
        widths.append(c)
    n_cols = max(widths) if widths else 0
    bad = [r for r, w in enumerate(widths) if w != n_cols]
    if bad:
        raise ValueError(f"rows {bad} cover {[widths[r] for r in bad]} columns, the table {n_cols}")
    return placed, len(rows), n_cols


def to_html(spec: dict) -> str:
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{html.escape(_title(spec))}</title>",
           "<style>table{border-collapse:collapse}td{border:1px solid #000;padding:2px 4px}</style></head><body>"]
    for block in spec["blocks"]:
        if "p" in block:
            tag = {"title": "h1", "heading": "h2"}.get(block.get("style"), "p")
            out.append(f"<{tag}>{html.escape(block['p'])}</{tag}>")
        elif "table" in block:
            out.append('<table border="1">')
            for row in block["table"]:
                cells = []
                for cell in row:
                    text, rs, cs = (cell, 1, 1) if isinstance(cell, str) else (cell.get("t", ""), cell.get("rs", 1), cell.get("cs", 1))
                    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                    cells.append(f"<td{attrs}>{'<br>'.join(html.escape(t) for t in text.split(chr(10)))}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def to_docx(spec: dict, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    doc = Document()
    if _widest(spec) >= 9:
        sec = doc.sections[0]
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for block in spec["blocks"]:
        if "p" in block:
            style = {"title": "Title", "heading": "Heading 1"}.get(block.get("style"))
            doc.add_paragraph(block["p"], style=style)
        elif block.get("break"):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif "table" in block:
            placed, n_rows, n_cols = place(block["table"])
            table = doc.add_table(rows=n_rows, cols=n_cols)
            table.style = "Table Grid"
            for p in placed:
                cell = table.cell(p.row, p.col)
                if p.rowspan > 1 or p.colspan > 1:
                    cell = cell.merge(table.cell(p.row + p.rowspan - 1, p.col + p.colspan - 1))
                lines = p.text.split("\n")
                para = cell.paragraphs[0]
                for i, line in enumerate(lines):
                    run = para.add_run(line)
                    run.font.size = Pt(8)
                    if i < len(lines) - 1:
                        run.add_break()
    doc.save(str(path))


def to_pdf(spec: dict, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = next((f for f in FONT_FILES if Path(f).exists()), None)
    if font is None:
        raise SystemExit("no CJK font: apt-get install fonts-wqy-microhei")
    pdfmetrics.registerFont(TTFont("CJK", font, subfontIndex=0))
    pagesize = landscape(A4) if _widest(spec) >= 9 else A4
    body = ParagraphStyle("body", fontName="CJK", fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20, alignment=1, spaceAfter=8)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=6)
    cell_style = ParagraphStyle("cell", fontName="CJK", fontSize=7.5, leading=9.5, wordWrap="CJK")
    story = []
    width = pagesize[0] - 72
    for block in spec["blocks"]:
        if "p" in block:
            style = {"title": title, "heading": heading}.get(block.get("style"), body)
            story.append(Paragraph(html.escape(block["p"]), style))
        elif block.get("break"):
            story.append(PageBreak())
        elif "table" in block:
            placed, n_rows, n_cols = place(block["table"])
            data = [["" for _ in range(n_cols)] for _ in range(n_rows)]
            commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            for p in placed:
                data[p.row][p.col] = Paragraph("<br/>".join(html.escape(t) for t in p.text.split("\n")), cell_style)
                if p.rowspan > 1 or p.colspan > 1:
                    commands.append(("SPAN", (p.col, p.row), (p.col + p.colspan - 1, p.row + p.rowspan - 1)))
            story.append(Table(data, colWidths=_col_widths(placed, n_cols, width), style=TableStyle(commands), repeatRows=0))
            story.append(Spacer(1, 8))
    SimpleDocTemplate(str(path), pagesize=pagesize, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=40,
                      title=_title(spec)).build(story)


def _col_widths(placed: list[Placed], n_cols: int, width: float) -> list[float]:
    """Each column as wide as its longest one-column line asks, within the page."""
    want = [2.0] * n_cols
    for p in placed:
        if p.colspan == 1:
            want[p.col] = max(want[p.col], min(14.0, max(len(line) for line in p.text.split("\n")) if p.text else 2.0))
    total = sum(want)
    return [width * w / total for w in want]


def _widest(spec: dict) -> int:
    return max((place(b["table"])[2] for b in spec["blocks"] if "table" in b), default=0)


def _title(spec: dict) -> str:
    return next((b["p"] for b in spec["blocks"] if b.get("style") == "title"), spec["id"])


def specs(ids: list[str]) -> list[Path]:
    found = sorted(LAYOUTS.rglob("*.spec.json"))
    return [p for p in found if not ids or p.name.removesuffix(".spec.json") in ids]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ids", nargs="*")
    ap.add_argument("--check", action="store_true", help="only check that every table's rows are of one width")
    ap.add_argument("--scan", nargs="*", default=[], help="ids that also get a scanned PDF")
    args = ap.parse_args()
    bad = False
    for path in specs(args.ids):
        spec = json.loads(path.read_text(encoding="utf-8"))
        stem = path.name.removesuffix(".spec.json")
        for i, block in enumerate(b for b in spec["blocks"] if "table" in b):
            try:
                place(block["table"])
            except ValueError as exc:
                print(f"{path.name}: table {i}: {exc}", file=sys.stderr)
                bad = True
        if args.check or bad:
            continue
        out = path.parent
        (out / f"{stem}.html").write_text(to_html(spec), encoding="utf-8")
        to_docx(spec, out / f"{stem}.docx")
        to_pdf(spec, out / f"{stem}.pdf")
        written = ["html", "docx", "pdf"]
        if stem in args.scan:
            from eval.make_scans import scan_pdf

            scan_pdf(out / f"{stem}.pdf", out / f"{stem}.scan.pdf")
            written.append("scan.pdf")
        print(f"{stem}: {', '.join(written)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
