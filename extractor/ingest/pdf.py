"""PDF backend: its one job is to turn a PDF that has a text layer into a `Document`.

It reads the text layer page by page: the characters and ruling lines come
from pdfium, or from pdfminer where pdfium cannot be trusted with the file
(`pdf_objects.py` says when), and pdfplumber's table finder and line builder
work on them. It produces, in reading order, paragraphs (wrapped lines joined) and ruled tables (merged cells kept,
tables continued over a page break joined into one), each with provenance:
`At(page, bbox, line)` for text, `At(page, bbox)` for every cell. It knows
nothing about forms, metrics or rules.

Decisions, so every reader of a `Document` from a PDF knows what it gets:

- Characters: overprinted copies (fake bold) are dropped; Kangxi radicals and
  compatibility ideographs that some fonts map to (⼯ for 工) are read as the
  ordinary character. Glyphs with no Unicode mapping ("(cid:NN)") are kept
  and counted in `Document.warnings`.
- Tables are the ruled tables pdfplumber's table finder sees (line strategy,
  default tolerances: they find every fixture table). A "table" of a single
  cell (a framed note or heading) is read as text instead. The grid comes
  from the cell boxes (edges within 1.5 pt are one boundary); a cell's span
  is the boundaries it covers. Cell text is the characters whose centre lies
  in the cell, lines joined by "\\n"; `DocumentBuilder` then removes layout
  spaces and joins wrapped lines.
- Text outside tables is read as lines (pdfplumber's `extract_text_lines`);
  `At.line` is the 1-based number of the line among the page's text lines
  outside tables (running heads included), top to bottom. A line joins the
  paragraph above when the line above runs to the right margin (ends within
  1.5 em of the text column's right edge, or the number or word that opens
  the new line would not have fitted after it: Word wraps "300.77万元" whole
  and drags a character along with a closing bracket), the line above does
  not end a sentence (。！？, and ；： unless the document marks paragraphs
  by a first-line indent and the new line has none), and the new line does
  not start a heading or list item (一、 （一） 1、 1. （1） 附件 …) nor a
  first-line indent. The rule holds across a page break, so a sentence cut
  by the page end stays whole; a paragraph's `at` is its first line's page
  and line with the union bbox of its lines on that page. A title wrapped
  over two centred lines of a title-sized font is one block.
- Page numbers (- 3 -, 第3页, 3/10 …) in the top or bottom band of a page, and
  lines in those bands repeated on most pages (running heads), are dropped.
- A table continues on the next page when the previous page ends with it
  (no text after it, its bottom in the lower 40% of the page), the next page
  starts with a table (nothing before it but a running head or a 续表 / （续）
  marker, which is then dropped) in its top 30%,
  and the column boundaries agree (left and right edge within 3 pt, one
  boundary set a subset of the other). Its rows are appended on the union of
  the boundaries; cells keep their own page and bbox. At the break:
  an all-empty sliver row (what Word draws when a row starts at the page
  foot) is dropped; a row Word split over the break (its cut-off cells run
  to the cell bottom, end mid-sentence, and continue after the break) is one
  row again, texts joined; otherwise an empty cell at the top of the
  continuation under a cell of the same columns, where one of the two spans
  several rows, extends that merged cell (一级指标 labels). A repeated
  header row stays. Two tables drawn apart on one page stay two tables.
- Pages are processed and released one at a time (`page.close()`); only the
  small per-page results (text lines, cell texts and boxes) are kept, so a
  long PDF stays bounded in memory (200 pages: about +25 MB).
- Problems a user can cause raise `ExtractionError` naming the file:
  encrypted (a user password is needed; permission-only encryption is read),
  damaged or truncated (with the parser's reason), no pages; a PDF with no
  text layer on any page raises `NeedsOCR`. Pages without text in an
  otherwise text PDF are reported in `Document.warnings`.
"""

from __future__ import annotations

import io
import re
import statistics
from bisect import bisect_left
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
from pdfplumber.table import TableFinder
from pdfplumber.utils import extract_text as chars_to_text
from pdfplumber.utils.text import chars_to_textmap

from extractor.document import Document, DocumentBuilder
from extractor.errors import ExtractionError, debug_detail, exhausted
from extractor.i18n import _
from extractor.ingest.layout import EDGE_MERGE, Line, PageLayout, RawCell, TablePart, assemble, cluster
from extractor.ingest.pdf_objects import PageObjects, Unsuitable, from_pdfium, from_plumber
from extractor.text import clean_line, fold_lookalikes

READERS = ("auto", "pdfium", "pdfminer")
# Ruled tables only: these reports draw every cell border. pdfplumber's
# defaults (snap/join/intersection tolerance 3 pt) find all fixture tables.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

def _norm(text: str) -> str:
    return fold_lookalikes(text)


# --------------------------------------------------------------------------
# entry point


def load(path: Path, reader: str = "auto") -> Document:
    """Read a text-layer PDF into a `Document` (paragraphs and ruled tables with provenance).

    `reader` picks who parses the file: pdfium when it can ("auto"), or one of them ("pdfium", "pdfminer").
    """
    from extractor.ingest import source_for  # the package imports this module lazily

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(str(path), _("cannot be read ({said})").format(said=exc.strerror)) from None
    pages = _read_pages(path, data, reader)
    if not pages:
        raise ExtractionError(str(path), _("is a PDF with no pages"))
    from extractor.ingest.ocr.textlayer import unusable_reason

    # pages whose text layer is missing or garbage are read by OCR instead
    to_ocr = {p.number: reason for p in pages if (reason := unusable_reason(p))}
    builder = DocumentBuilder(source_for(path, data, "pdf", pages=len(pages)))
    if to_ocr:
        from extractor.ingest.ocr.scan import ocr_pdf_pages

        read = ocr_pdf_pages(path, data, sorted(to_ocr))
        pages = [read.get(p.number, p) for p in pages]
        builder.doc.source.ocr = True
        if len(to_ocr) < len(pages):
            listed = ", ".join(f"{n} ({r})" for n, r in sorted(to_ocr.items()))
            builder.doc.warnings.append(f"pages read by OCR: {listed}")
        blank = [p.number for p in pages if not p.has_text]
        if blank and len(blank) == len(pages):
            said = _("has no text: {n} page(s) blank or unreadable even by OCR").format(n=len(pages))
            raise ExtractionError(str(path), said)
        if blank:
            builder.doc.warnings.append(f"pages with no text even by OCR (blank?): {', '.join(map(str, blank))}")
    unmapped = sum(p.unmapped for p in pages if p.number not in to_ocr)
    if unmapped:
        builder.doc.warnings.append(
            f"{unmapped} characters have no Unicode mapping in their font and read as (cid:NN); "
            "text near them is unreliable"
        )
    assemble(builder, pages)
    return builder.build()


# --------------------------------------------------------------------------
# opening and per-page reading


def _read_pages(path: Path, data: bytes, reader: str = "auto") -> list[PageLayout]:
    """Every page's layout: by pdfium when it can take the whole file, else (or when asked) by pdfminer."""
    if reader not in READERS:
        raise ValueError(f"unknown PDF reader {reader!r}; one of {', '.join(READERS)}")
    if reader != "pdfminer":
        try:
            return [_read_page(objects) for objects in from_pdfium(data)]
        except Unsuitable as why:
            if reader == "pdfium":
                raise ExtractionError(str(path), str(why)) from None
    return _read_pages_pdfminer(path, data)


def _read_pages_pdfminer(path: Path, data: bytes) -> list[PageLayout]:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps every pdfminer failure
        raise _open_error(path, data, exc) from None
    with pdf:
        try:
            page_objs = pdf.pages
        except Exception as exc:
            raise _damaged(path, data, exc) from None
        out: list[PageLayout] = []
        for index, page in enumerate(page_objs, start=1):
            try:
                try:
                    page.objects  # parse the content stream: a broken page fails here
                except MemoryError:
                    raise
                except Exception as exc:
                    raise _damaged(path, data, exc, page=index) from None
                out.append(_read_page(from_plumber(page, index)))
            finally:
                page.close()  # drop the page's parsed objects: memory stays one page deep
        return out


def _inner(exc: BaseException) -> BaseException:
    """The pdfminer exception inside pdfplumber's wrapper."""
    if type(exc).__name__ == "PdfminerException" and exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc


def _open_error(path: Path, data: bytes, exc: BaseException) -> ExtractionError:
    inner = _inner(exc)
    name = type(inner).__name__
    if name in ("PDFPasswordIncorrect",) or (name == "PDFEncryptionError" and "password" in str(inner).lower()):
        return ExtractionError(str(path), _("is encrypted (password-protected); decrypt it first"))
    if name == "PDFEncryptionError":
        return ExtractionError(str(path), _("is encrypted with a method that cannot be read ({said}); decrypt it first")
                              .format(said=inner))
    return _damaged(path, data, exc)


def _damaged(path: Path, data: bytes, exc: BaseException, page: int | None = None) -> ExtractionError:
    inner = _inner(exc)
    said, kind = exhausted(inner) or (_what_is_broken(inner), "unreadable")
    if kind == "memory":
        if page is not None:
            said = _("{said} (page {page})").format(said=said, page=page)
        return ExtractionError(str(path), said, kind="memory")
    if b"%%EOF" not in data[-4096:]:
        said = _("{said}; the file has no %%EOF end marker, so it looks cut off").format(said=said)
    if page is not None:
        said = _("page {page}: {said}").format(page=page, said=said)
    said = _("is a damaged or truncated PDF ({said})").format(said=said)
    return ExtractionError(str(path), said, kind, debug_detail(inner))


def _what_is_broken(inner: BaseException) -> str:
    """pdfminer's failure in a user's words; its own words (PSSyntaxError, Ascii85 overflow …) go to the debug detail."""
    name, text = type(inner).__name__, str(inner).strip()
    if name == "PSEOF" or "Unexpected EOF" in text:
        return _("unexpected end of file")
    if name == "PDFNoValidXRef":
        return _("no valid cross-reference table")
    if "No /Root object" in text:
        return _("no document catalog (/Root) found")
    return _("its objects cannot be parsed")


def _read_page(objects: PageObjects) -> PageLayout:
    number, (left0, top0, _, _) = objects.number, objects.bbox
    chars = _dedupe_chars(objects.chars)  # fake-bold overprinting would double every character
    if not any(c["text"].strip() for c in chars):
        return PageLayout(number, objects.width, objects.height, top0, left0, [], [], False, objects.has_images)
    unmapped = sum(1 for c in chars if c["text"].startswith("(cid:"))

    surface = SimpleNamespace(bbox=objects.bbox, edges=objects.edges, chars=chars)  # what TableFinder reads of a page
    parts: list[TablePart] = []
    for table in TableFinder(surface, TABLE_SETTINGS).tables:
        if len(table.cells) < 2:
            continue  # a framed paragraph, read as text
        parts.append(_read_table(table, chars, number))

    boxes = [p.bbox for p in parts]

    def outside(c: dict) -> bool:
        cx = (c["x0"] + c["x1"]) / 2
        cy = (c["top"] + c["bottom"]) / 2
        return not any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)

    text_chars = [c for c in chars if outside(c)] if boxes else chars
    textmap = chars_to_textmap(text_chars, layout_bbox=objects.bbox, layout_width=objects.width,
                               layout_height=objects.height)
    lines: list[Line] = []
    for raw in textmap.extract_text_lines(strip=True, return_chars=True):
        text = clean_line(_norm(raw["text"]))
        if not text:
            continue
        visible = [c for c in raw["chars"] if c["text"].strip()]
        sizes = [c["size"] for c in visible]
        size = statistics.median(sizes) if sizes else float(raw["bottom"] - raw["top"])
        lines.append(
            Line(
                page=number,
                number=0,
                text=text,
                x0=float(raw["x0"]),
                top=float(raw["top"]),
                x1=float(raw["x1"]),
                bottom=float(raw["bottom"]),
                size=float(size),
                lead=_lead_width(visible),
            )
        )
    lines.sort(key=lambda ln: (round(ln.top, 1), ln.x0))
    for i, ln in enumerate(lines, start=1):
        ln.number = i
    return PageLayout(number, objects.width, objects.height, top0, left0, lines, parts, True, objects.has_images,
                      unmapped)


def _dedupe_chars(chars: list[dict]) -> list[dict]:
    """The characters without overprinted copies (same text within 1 pt), as pdfplumber's `dedupe_chars`
    does, but in linear time and only copying the list when there is a copy."""
    seen: dict[tuple[str, int, int], list[dict]] = {}
    dupes: set[int] = set()
    for c in chars:
        x, y = int(c["x0"]), int(c["top"])
        twin = any(
            abs(other["x0"] - c["x0"]) <= 1 and abs(other["top"] - c["top"]) <= 1
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for other in seen.get((c["text"], x + dx, y + dy), ())
        )
        if twin:
            dupes.add(id(c))
        else:
            seen.setdefault((c["text"], x, y), []).append(c)
    if not dupes:
        return chars
    return [c for c in chars if id(c) not in dupes]


_NO_LINE_START = set("）》」』】〕〉”’，。、；：！？%％…·)]},.;:!?")
_UNBREAKABLE = re.compile(r"[0-9A-Za-z.,%/+\-_()（）]")


def _lead_width(chars: list[dict]) -> float:
    """Width of the run a line-breaker could not split: Word moves a whole number to the next line."""
    if not chars:
        return 0.0
    end = 0
    while end < len(chars) and len(chars[end]["text"]) == 1 and _UNBREAKABLE.match(chars[end]["text"]):
        end += 1
    end = max(end, 1)
    # closing punctuation may not start a line, so it drags the character before it along
    while end < len(chars) and chars[end]["text"] in _NO_LINE_START:
        end += 1
    return float(chars[end - 1]["x1"] - chars[0]["x0"])


def _read_table(table, chars: list[dict], page_number: int) -> TablePart:
    bx0, btop, bx1, bbottom = table.bbox
    # (centre y, page order, centre x, char) sorted by centre y: a cell's characters are one bisected run
    inside = sorted(
        (cy, i, cx, c)
        for i, c in enumerate(chars)
        if bx0 <= (cx := (c["x0"] + c["x1"]) / 2) <= bx1 and btop <= (cy := (c["top"] + c["bottom"]) / 2) <= bbottom
    )
    centres_y = [item[0] for item in inside]
    cells: list[RawCell] = []
    for x0, top, x1, bottom in table.cells:
        run = inside[bisect_left(centres_y, top) : bisect_left(centres_y, bottom)]
        mine = [c for _, _, cx, c in sorted(run, key=lambda item: item[1]) if x0 <= cx < x1]
        visible = [c for c in mine if c["text"].strip()]
        if not visible and (x1 - x0 < 2 * EDGE_MERGE or bottom - top < 2 * EDGE_MERGE):
            continue  # the gap between double rules, not a cell
        text = _norm(chars_to_text(mine, x_tolerance=3, y_tolerance=3)) if visible else ""
        cell = RawCell(float(x0), float(top), float(x1), float(bottom), text)
        if visible:
            cell.slack = float(bottom) - max(float(c["bottom"]) for c in visible)
            cell.size = float(statistics.median(c["size"] for c in visible))
        cells.append(cell)
    xs = cluster([v for c in cells for v in (c.x0, c.x1)], EDGE_MERGE)
    ys = cluster([v for c in cells for v in (c.top, c.bottom)], EDGE_MERGE)
    return TablePart(page_number, tuple(float(v) for v in table.bbox), xs, ys, cells)

