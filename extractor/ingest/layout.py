"""Pages of positioned lines and ruled-table parts -> `Document`: what every page-based backend shares.

A page-based backend (the text-layer PDF reader, the OCR reader of scanned
PDFs and images) turns each page into a `PageLayout`: text lines with their
boxes, and the ruled tables' cells with theirs, in PDF points from the page's
top-left corner. `assemble` then does the rest the same way for all of them,
so a scanned page and a text page of the same report give the same blocks:
running heads and page numbers dropped, wrapped lines joined into
paragraphs (also across a page break), tables continued over a page break
joined, merged cells kept, and provenance (`At` page, bbox, line and, for OCR,
confidence) on every block and cell. The rules are listed in `pdf.py`'s
module docstring.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from extractor.document import At, DocumentBuilder, TableCellSpec
from extractor.text import clean_cell_text, squash

EDGE_MERGE = 1.5  # pt: cell edges closer than this are one grid boundary
COLUMN_MATCH = 3.0  # pt: column boundaries of a continued table agree within this
OCR_SIZE_TOLERANCE = 0.2  # share of the font size two OCR'd lines of one paragraph may differ by
MARGIN_EM = 1.5  # a line "runs to the margin" when it ends within 1.5 em of the right edge
TABLE_ENDS_LOW = 0.6  # a table that may continue ends below 60% of the page height
TABLE_STARTS_HIGH = 0.3  # a continuation starts above 30% of the page height
HEADER_BAND = 0.085  # top/bottom share of the page where running heads and page numbers live
FOOTER_BAND = 0.915
SCAN_SHIFT = 12.0  # pt: how far a scanned sheet may lie off the previous one

_SENTENCE_END = re.compile(r"[。；：！？;:!?][”’」』）)\]】]*$")
_SENTENCE_END_HARD = re.compile(r"[。！？!?…][”’」』）)\]】]*$")
_CONTINUED = re.compile(r"^[（(]?(?:续表|续上表|接上表|续)\s*[\d一二三四五六七八九十]*[）)]?\s*[:：]?$")
_SOFT_END = re.compile(r"[；：;:]$")
_ITEM_START = re.compile(
    r"^\s*(?:附件|第[一二三四五六七八九十百\d]+[章节条部分]"
    r"|[一二三四五六七八九十]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十]+\s*[）)]"
    r"|\d{1,2}\s*[、．]"
    r"|\d{1,2}\.(?!\d)"
    r"|[（(]\s*\d{1,2}\s*[）)]"
    r"|[●◆■□◇○•▲★√※])"
)
_PAGE_NUMBER = re.compile(
    r"^[-—–_·\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4}|\s*[,，]?\s*共\s*\d{1,4}\s*页)?[-—–_·\s]*$"
    r"|^[-—–\s]*[IVXLCivxlc]{1,6}[-—–\s]*$"
    r"|^page\s*\d+(\s*of\s*\d+)?$",
    re.IGNORECASE,
)




# --------------------------------------------------------------------------
# what one page leaves behind once it is released


@dataclass
class Line:
    page: int
    number: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    lead: float = 0.0  # width of what had to move to this line whole: a number, a Latin word, or one
    # CJK character, with the closing punctuation that may not start a line
    running: bool = False
    confidence: float | None = None  # OCR reading confidence, 0-1; None for a text layer
    char_confidence: list[float] | None = None  # OCR: one per non-space character of `text`


@dataclass
class RawCell:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    slack: float = float("inf")  # space between the text's last line and the cell's bottom edge
    size: float = 0.0  # median character size of the text
    confidence: float | None = None  # OCR reading confidence of the cell's text (its weakest line)


@dataclass
class TablePart:
    """The piece of a table found on one page."""

    page: int
    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    cells: list[RawCell]
    dx: float = 0.0  # shift onto the columns of the table it continues (a scanned page lies a little off)


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    top0: float  # the page's top edge in pdfplumber's coordinates (non-zero for some crop boxes)
    left0: float
    lines: list[Line]
    tables: list[TablePart]
    has_text: bool
    has_images: bool
    unmapped: int = 0  # characters without a Unicode mapping, "(cid:NN)"
    scanned: bool = False  # read by OCR: its position on the sheet may be shifted by a few points

    def at_fraction(self, y: float) -> float:
        """How far down the page `y` lies, 0 at the top edge and 1 at the bottom."""
        return (y - self.top0) / self.height if self.height else 0.0


@dataclass
class Paragraph:
    lines: list[Line]


@dataclass
class TableRun:
    parts: list[TablePart] = field(default_factory=list)


def cluster(values: list[float], tol: float) -> list[float]:
    """Sorted distinct values, those within `tol` of the previous one merged (mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _nearest(bounds: list[float], v: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


# --------------------------------------------------------------------------
# running heads and page numbers


def _mark_running_lines(pages: list[PageLayout]) -> None:
    """Drop page numbers and headers/footers repeated on most pages."""
    banded: list[tuple[PageLayout, Line]] = []
    for p in pages:
        for ln in p.lines:
            if p.at_fraction(ln.bottom) <= HEADER_BAND or p.at_fraction(ln.top) >= FOOTER_BAND:
                banded.append((p, ln))
                if _PAGE_NUMBER.match(ln.text):
                    ln.running = True
    text_pages = sum(1 for p in pages if p.has_text)
    if text_pages < 3:
        return
    counts: dict[str, set[int]] = {}
    for p, ln in banded:
        key = re.sub(r"\d+", "#", ln.text.replace(" ", ""))
        counts.setdefault(key, set()).add(p.number)
    for p, ln in banded:
        key = re.sub(r"\d+", "#", ln.text.replace(" ", ""))
        if len(counts[key]) >= max(3, text_pages // 2):
            ln.running = True


# --------------------------------------------------------------------------
# reading order: paragraphs and (joined) tables


@dataclass
class _Geometry:
    left: float
    right: float
    body_size: float
    indents: bool  # paragraphs open with a first-line indent in this document


def _page_key(p: PageLayout) -> tuple[int, int, int, int]:
    return (round(p.width), round(p.height), round(p.left0), round(p.top0))


def _column_geometry(pages: list[PageLayout]) -> dict[tuple[int, int, int, int], _Geometry]:
    """Left and right edge of the text column for each page size, from all body lines."""
    groups: dict[tuple[int, int, int, int], list[Line]] = {}
    origin: dict[tuple[int, int, int, int], tuple[float, float]] = {}
    for p in pages:
        key = _page_key(p)
        origin[key] = (p.left0, p.width)
        groups.setdefault(key, []).extend(ln for ln in p.lines if not ln.running)
    all_lines = [ln for lines in groups.values() for ln in lines]
    weighted = sorted((ln.size, len(ln.text)) for ln in all_lines)
    body_size = 12.0
    if weighted:
        half, seen = sum(n for _, n in weighted) / 2, 0
        for size, n in weighted:
            seen += n
            if seen >= half:
                body_size = size
                break
    out: dict[tuple[int, int, int, int], _Geometry] = {}
    for key, lines in groups.items():
        left0, width = origin[key]
        rights = [ln.x1 for ln in lines if ln.x1 - left0 > width * 0.6]
        lefts = [round(ln.x0) for ln in lines if ln.x0 - left0 < width * 0.4]
        right = statistics.median(rights) if rights else left0 + width * 0.85
        if lefts:  # the most common start of a line (the smallest of equals): the column's left edge
            counts = Counter(lefts)
            left = float(min(counts, key=lambda v: (-(counts[v - 1] + counts[v] + counts[v + 1]), v)))
        else:
            left = left0 + width * 0.12
        indented = sum(1 for ln in lines if left + 1.5 * ln.size <= ln.x0 <= left + 3 * ln.size)
        out[key] = _Geometry(left=left, right=right, body_size=body_size, indents=indented >= 0.1 * max(1, len(lines)))
    return out


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _continues(prev: Line, nxt: Line, geo: _Geometry, same_page: bool) -> bool:
    """Does `nxt` carry on the paragraph whose last line is `prev`?"""
    em = max(prev.size, 1.0)
    full = prev.x1 >= geo.right - MARGIN_EM * em
    # Word wraps a number or Latin word whole, leaving the line short of the margin
    pushed = prev.x1 + nxt.lead >= geo.right - 0.25 * em
    if not (full or pushed):
        return False
    if _ITEM_START.match(nxt.text):
        return False
    if _ends_sentence(prev.text):
        # 。！？ end a paragraph; ；： only do when the document marks paragraphs by
        # a first-line indent and this line is not indented ("…服务工业企业；" / "推进…")
        if not (geo.indents and _SOFT_END.search(prev.text) and nxt.x0 < geo.left + 0.5 * em):
            return False
    if abs(nxt.size - prev.size) > _size_tolerance(prev, nxt):
        return False
    if same_page:
        gap = nxt.top - prev.bottom
        if gap > 1.5 * em or gap < -0.3 * em:
            return False
    # a first-line indent after a line that starts at the left edge opens a new paragraph
    if nxt.x0 > geo.left + 1.5 * em and prev.x0 < geo.left + 0.5 * em:
        return False
    return True


def _size_tolerance(prev: Line, nxt: Line) -> float:
    """How far two sizes of one font may differ: a text layer states it, OCR estimates it from box height.

    A detected box's height moves with the detector's pixel grid (0.66 pt at
    1280 px on A4) and with the glyphs on the line: 003's `元。` after a full line
    of the same paragraph measured 9.5 against 11.3 pt.
    """
    if prev.confidence is None and nxt.confidence is None:
        return 1.0
    return max(1.0, OCR_SIZE_TOLERANCE * max(prev.size, nxt.size))


def _centred_title_continues(prev: Line, nxt: Line, geo: _Geometry) -> bool:
    """Two centred lines of one title-sized font, tightly spaced: a title wrapped over two lines."""
    em = max(prev.size, 1.0)
    centre = (geo.left + geo.right) / 2

    def centred(ln: Line) -> bool:
        return abs((ln.x0 + ln.x1) / 2 - centre) < 1.5 * em and ln.x0 > geo.left + em

    return (
        prev.size >= 1.15 * geo.body_size
        and centred(prev)
        and centred(nxt)
        and abs(prev.size - nxt.size) <= 0.5
        and 0 <= nxt.top - prev.bottom < 0.6 * em
        and prev.x1 - prev.x0 >= 0.3 * (geo.right - geo.left)
        and not _ends_sentence(prev.text)
        and not _ITEM_START.match(nxt.text)
    )


def _column_shift(a: list[float], b: list[float], scanned: bool) -> float | None:
    """The shift that lays columns `b` onto `a`, or None when they are not the same columns.

    A text page has no shift. A scanned sheet may lie up to `SCAN_SHIFT` points
    off; the boundaries must then agree after that one shift.
    """
    if len(a) < 2 or len(b) < 2:
        return None
    dx = a[0] - b[0] if scanned and abs(a[0] - b[0]) <= SCAN_SHIFT else 0.0
    return dx if _columns_agree(a, [x + dx for x in b]) else None


def _columns_agree(a: list[float], b: list[float]) -> bool:
    if len(a) < 2 or len(b) < 2:
        return False
    if abs(a[0] - b[0]) > COLUMN_MATCH or abs(a[-1] - b[-1]) > COLUMN_MATCH:
        return False

    def subset(small: list[float], big: list[float]) -> bool:
        return all(any(abs(s - g) <= COLUMN_MATCH for g in big) for s in small)

    return subset(b, a) or subset(a, b)


def _reading_order(pages: list[PageLayout]) -> list[Paragraph | TableRun]:
    geometry = _column_geometry(pages)
    out: list[Paragraph | TableRun] = []
    prev_page: PageLayout | None = None
    for p in pages:
        geo = geometry[_page_key(p)]
        items: list[tuple[float, float, object]] = [(ln.top, ln.x0, ln) for ln in p.lines if not ln.running]
        items += [(t.bbox[1], t.bbox[0], t) for t in p.tables]
        items.sort(key=lambda it: (it[0], it[1]))
        # "续表" above the first table marks it as a continuation; it is not content
        markers = 0
        while markers < len(items) and isinstance(items[markers][2], Line) and _CONTINUED.match(items[markers][2].text):
            markers += 1
        if markers and not (markers < len(items) and isinstance(items[markers][2], TablePart)):
            markers = 0
        for position, (_, _, item) in enumerate(items):
            if position < markers:
                continue
            if markers and position == markers:
                position = 0
            last = out[-1] if out else None
            if isinstance(item, TablePart):
                if (
                    position == 0
                    and isinstance(last, TableRun)
                    and prev_page is not None
                    and last.parts[-1].page == prev_page.number
                    and _ends_page(last.parts[-1], prev_page)
                    and p.at_fraction(item.bbox[1]) <= TABLE_STARTS_HIGH
                    and (dx := _column_shift(_table_xs(last), item.xs, p.scanned)) is not None
                ):
                    item.dx = dx
                    last.parts.append(item)
                else:
                    out.extend(Paragraph(lines=[it[2]]) for it in items[:markers] if position == 0)
                    out.append(TableRun(parts=[item]))
                continue
            line = item
            if isinstance(last, Paragraph):
                prev = last.lines[-1]
                same_page = prev.page == line.page
                # across a page break only when nothing else came in between
                if same_page or (position == 0 and prev.page == line.page - 1):
                    if _continues(prev, line, geo, same_page) or (
                        same_page and _centred_title_continues(prev, line, geo)
                    ):
                        last.lines.append(line)
                        continue
            out.append(Paragraph(lines=[line]))
        prev_page = p
    return out


def _ends_page(part: TablePart, page: PageLayout) -> bool:
    """The table is the last thing on its page and ends in its lower part."""
    if page.at_fraction(part.bbox[3]) < TABLE_ENDS_LOW:
        return False
    if any(not ln.running and ln.top >= part.bbox[3] - 1 for ln in page.lines):
        return False
    return not any(t is not part and t.bbox[1] >= part.bbox[3] - 1 for t in page.tables)


def _table_xs(table: TableRun) -> list[float]:
    return cluster([x + part.dx for part in table.parts for x in part.xs], COLUMN_MATCH)


# --------------------------------------------------------------------------
# emitting blocks


def _emit_paragraph(builder: DocumentBuilder, para: Paragraph) -> None:
    first = para.lines[0]
    on_first_page = [ln for ln in para.lines if ln.page == first.page]
    bbox = [
        round(min(ln.x0 for ln in on_first_page), 2),
        round(min(ln.top for ln in on_first_page), 2),
        round(max(ln.x1 for ln in on_first_page), 2),
        round(max(ln.bottom for ln in on_first_page), 2),
    ]
    text = clean_cell_text("\n".join(ln.text for ln in para.lines))
    confidences = [ln.confidence for ln in para.lines if ln.confidence is not None]
    per_char = None
    if all(ln.char_confidence is not None for ln in para.lines):
        per_char = [c for ln in para.lines for c in ln.char_confidence]
    builder.add_text(
        text, At(page=first.page, bbox=bbox, line=first.number, confidence=min(confidences) if confidences else None),
        char_confidence=per_char,
    )


def _emit_table(builder: DocumentBuilder, table: TableRun) -> None:
    xs = _table_xs(table)
    specs: list[TableCellSpec] = []
    fill: dict[int, tuple[float, float]] = {}  # id(spec) -> (slack below its text, text size)
    offset = 0
    for index, part in enumerate(table.parts):
        ys = part.ys
        placed: list[TableCellSpec] = []
        for cell in part.cells:
            col = _nearest(xs, cell.x0 + part.dx)
            col_end = _nearest(xs, cell.x1 + part.dx)
            row = _nearest(ys, cell.top)
            row_end = _nearest(ys, cell.bottom)
            spec = TableCellSpec(
                    row=offset + row,
                    col=col,
                    rowspan=max(1, row_end - row),
                    colspan=max(1, col_end - col),
                    text=cell.text,
                at=At(
                    page=part.page,
                    bbox=[round(v, 2) for v in (cell.x0, cell.top, cell.x1, cell.bottom)],
                    confidence=cell.confidence,
                ),
            )
            fill[id(spec)] = (cell.slack, cell.size)
            placed.append(spec)
        n_part_rows = max(1, len(ys) - 1)
        if index > 0:
            if _drop_empty_row(specs, offset - 1, first=False):
                offset -= 1
                for spec in placed:
                    spec.row -= 1
            if n_part_rows > 1 and _drop_empty_row(placed, offset, first=True):
                n_part_rows -= 1
            if _merge_split_row(specs, placed, offset, len(xs) - 1, fill):
                n_part_rows -= 1
            else:
                placed = _carry_merged_cells(specs, placed, offset)
        specs.extend(placed)
        offset += n_part_rows
    rows: dict[int, list[TableCellSpec]] = {}
    for spec in specs:
        rows.setdefault(spec.row, []).append(spec)
    ordered = [sorted(rows[r], key=lambda s: s.col) for r in sorted(rows)]
    first = table.parts[0]
    builder.add_table(ordered, at=At(page=first.page, bbox=[round(v, 2) for v in first.bbox]))


def _drop_empty_row(specs: list[TableCellSpec], row: int, first: bool) -> bool:
    """Remove `row` when every cell starting in it is empty: a sliver of a row split by the page break.

    `first` says the row is the first of a continuation (cells may span down
    from it) rather than the last before the break (cells may span into it).
    """
    if row < 0 or (not first and row == 0):
        return False
    starting = [s for s in specs if s.row == row]
    if not starting or any(s.text.strip() for s in starting):
        return False
    keep: list[TableCellSpec] = []
    for spec in specs:
        if spec.row == row and spec.rowspan == 1:
            continue  # the empty sliver itself
        if spec.row == row:  # first=True: an empty cell spanning down from the sliver
            spec.rowspan -= 1
        elif spec.row < row < spec.row + spec.rowspan:
            spec.rowspan -= 1  # a merged cell reaching into the sliver
        if first and spec.row > row:
            spec.row -= 1
        keep.append(spec)
    specs[:] = keep
    return True


def _merge_split_row(
    before: list[TableCellSpec],
    placed: list[TableCellSpec],
    offset: int,
    n_cols: int,
    fill: dict[int, tuple[float, float]],
) -> bool:
    """Join the row cut by the page break (Word's "allow row to break across pages") into one row.

    The last row before the break and the first after it are one row when
    they are divided into the same cells, and every cell with text after the
    break continues a cell of the last row that was cut off: its text fills
    the cell down to its bottom edge, runs over several lines (not a value or
    a label), and neither ends a sentence (。！？) nor is followed by a new
    item (1、 （二） …). A new row of a form has
    its own values (分值 5 under 5) or starts a new item, so it stays a row.
    """
    last, first = offset - 1, offset
    if last < 0:
        return False
    above = {(r, c): s for s in before for r in range(s.row, s.row + s.rowspan) for c in range(s.col, s.col + s.colspan)}
    below = {(r, c): s for s in placed for r in range(s.row, s.row + s.rowspan) for c in range(s.col, s.col + s.colspan)}
    pairs: list[tuple[TableCellSpec, TableCellSpec]] = []
    for col in range(n_cols):
        a, b = above.get((last, col)), below.get((first, col))
        if a is None or b is None or (a.col, a.colspan) != (b.col, b.colspan) or b.row != first:
            return False
        if not pairs or pairs[-1][0] is not a:
            pairs.append((a, b))
    continued = [(a, b) for a, b in pairs if b.text.strip()]
    if not continued:
        return False
    for a, b in continued:
        slack, size = fill.get(id(a), (float("inf"), 0.0))
        if (
            a.row != last
            or a.text.count("\n") < 1
            or len(squash(a.text)) < 10
            or slack > 1.5 * max(size, 6.0)
            or _SENTENCE_END_HARD.search(a.text.strip())
            or _ITEM_START.match(b.text)
        ):
            return False
    for a, b in pairs:
        a.rowspan += b.rowspan - 1
        if b.text.strip():
            a.text = f"{a.text}\n{b.text}"
    gone = {id(b) for _, b in pairs}
    placed[:] = [s for s in placed if id(s) not in gone]
    for spec in placed:
        spec.row -= 1
    return True


def _carry_merged_cells(
    before: list[TableCellSpec], placed: list[TableCellSpec], offset: int
) -> list[TableCellSpec]:
    """An empty cell at the top of a continuation that continues a merged cell is folded into it.

    The cell above must end at the break with the same columns, and one of
    the two must already span several rows: a vertically merged label column
    (一级指标, 二级指标). A lone empty cell under a lone filled one (a score
    left blank) stays its own cell.
    """
    ends_at_break = {(s.col, s.colspan): s for s in before if s.row + s.rowspan == offset}
    kept: list[TableCellSpec] = []
    for spec in placed:
        above = ends_at_break.get((spec.col, spec.colspan))
        if (
            spec.row == offset
            and above is not None
            and not spec.text.strip()
            and (above.rowspan > 1 or spec.rowspan > 1)
        ):
            above.rowspan += spec.rowspan
            continue
        kept.append(spec)
    return kept


def assemble(builder: DocumentBuilder, pages: list[PageLayout]) -> None:
    """Add the pages' paragraphs and tables to `builder`, in reading order."""
    _mark_running_lines(pages)
    for item in _reading_order(pages):
        if isinstance(item, Paragraph):
            _emit_paragraph(builder, item)
        else:
            _emit_table(builder, item)
