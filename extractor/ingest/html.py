"""HTML backend: a web page (or a report saved as HTML) as a `Document`.

Its one job is to decode the page's bytes correctly (BOM, then the declared
charset, then detection: government pages are often GB2312/GBK/GB18030 and
sometimes declare the wrong charset) and turn the visible content into text
blocks and tables. Text blocks follow the HTML block structure: every block
element (p, div, li, h1-h6 …) and every ``<br>`` ends a block (pages often
hold a whole article as ``<br>``-separated lines), except inside h1-h6,
which give one ``kind="heading"`` block with ``\n`` for the break. Tables go through the standard HTML table algorithm
(rows and cells placed on an occupancy grid, rowspan/colspan honoured,
``rowspan=0`` to the end) into `TableCellSpec`. A table that contains other
tables, or a single cell, is page layout, not data: its cells are read as
ordinary text flow. Scripts, styles, navigation and hidden elements are
dropped.

Provenance: ``At(line=n)``, n the 1-based index of the block in the document.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction

from extractor.document import At, Document, DocumentBuilder, TableCellSpec
from extractor.errors import ExtractionError
from extractor.i18n import _
from extractor.text import clean_line

_DROP = {"script", "style", "nav", "noscript", "template", "head", "iframe", "object", "embed", "svg",
         "select", "option", "button", "input", "textarea", "map", "canvas", "audio", "video", "link", "meta"}
_BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "section", "article", "main",
          "header", "footer", "aside", "pre", "address", "figure", "figcaption", "form", "fieldset",
          "center", "body", "html", "hr", "caption", "tr", "td", "th", "thead", "tbody", "tfoot",
          "h1", "h2", "h3", "h4", "h5", "h6", "legend", "details", "summary", "menu"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_STRINGS = (Comment, Doctype, Declaration, ProcessingInstruction, CData)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_MAX_SPAN = 1000


def load(path: Path) -> Document:
    """Read an .html/.htm file into a `Document`."""
    from extractor.ingest import source_for

    path = Path(path)
    data = path.read_bytes()
    text, encoding, warning = decode_html(data)
    source = source_for(path, data, "html")
    source.encoding = encoding
    builder = DocumentBuilder(source)
    if warning:
        builder.doc.warnings.append(warning)
    soup = BeautifulSoup(text, "lxml")
    root = soup.body or soup
    _Flow(builder).walk(root)
    if not builder.doc.blocks:
        raise ExtractionError(str(path), _("an HTML page with no visible text or tables"))
    return builder.build()


# --------------------------------------------------------------------------- decoding

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)
# Labels pages use for Chinese encodings, decoded with their superset GB18030.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "hz-gb-2312",
              "csgb2312", "chinese", "iso-ir-58", "windows-936"}


def _normalise_charset(label: str) -> str | None:
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    if label in ("big5", "big5-hkscs", "cn-big5", "x-x-big5"):
        return "big5hkscs"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _cjk_share(text: str) -> float:
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return 1.0
    common = sum(1 for ch in non_ascii if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                 or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·")
    return common / len(non_ascii)


def decode_html(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding used, warning or None) for the bytes of an HTML page."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc, None
    head = data[:4096]
    declared = None
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if m:
        declared = _normalise_charset(m.group(1).decode("ascii", "ignore"))
    candidates = [declared] if declared else []
    candidates += [enc for enc in ("utf-8", "gb18030") if enc not in candidates]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        # GB18030 decodes almost any byte string: accept it only when it reads as Chinese.
        if enc == "gb18030" and enc != declared and _cjk_share(text) < 0.9:
            continue
        warning = None
        if declared and enc != declared:
            warning = f"page declares charset {declared} but is {enc}; decoded as {enc}"
        return text, enc, warning
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        enc = _normalise_charset(best.encoding) or best.encoding
        return str(best), enc, f"charset not declared or wrong; detected {enc}"
    return data.decode("gb18030", errors="replace"), "gb18030", "charset unknown; decoded as GB18030 with replacement characters"


# --------------------------------------------------------------------------- walking


def _hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    style = tag.get("style")
    return bool(style and _HIDDEN_STYLE.search(style if isinstance(style, str) else " ".join(style)))


class _Flow:
    """Block-level text flow: accumulates inline text, ends a block at block boundaries and <br>."""

    def __init__(self, builder: DocumentBuilder | None):
        self.builder = builder
        self.buf: list[str] = []
        self.heading = 0
        self.pre = 0
        self.lines: list[str] = []  # when collecting a cell's text instead of blocks

    def flush(self) -> None:
        lines = (clean_line(line) for line in "".join(self.buf).split("\n"))
        text = "\n".join(line for line in lines if line)
        self.buf = []
        if not text:
            return
        if self.builder is None:
            self.lines.append(text)
            return
        at = At(line=len(self.builder.doc.blocks) + 1)
        self.builder.add_text(text, at=at, kind="heading" if self.heading else "paragraph")

    def walk(self, node) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if isinstance(child, _SKIP_STRINGS):
                    continue
                text = str(child)
                if self.pre:
                    parts = text.split("\n")
                    for i, part in enumerate(parts):
                        if i:
                            self.flush()
                        self.buf.append(part)
                else:
                    self.buf.append(_SPACES.sub(" ", text))
                continue
            if not isinstance(child, Tag):
                continue
            name = (child.name or "").lower()
            if name in _DROP or _hidden(child):
                continue
            if name == "br":
                if self.heading and self.builder is not None:
                    self.buf.append("\n")  # a broken heading stays one heading, as in Word
                else:
                    self.flush()
            elif name == "table":
                self.flush()
                self.table(child)
            elif name in _BLOCK:
                self.flush()
                is_heading, is_pre = name in _HEADINGS, name == "pre"
                self.heading += is_heading
                self.pre += is_pre
                self.walk(child)
                self.flush()
                self.heading -= is_heading
                self.pre -= is_pre
            else:
                self.walk(child)

    def table(self, table: Tag) -> None:
        rows = _own_rows(table)
        layout = (
            table.get("role") == "presentation"
            or table.find("table") is not None
            or (len(rows) <= 1 and sum(len(_own_cells(tr)) for tr in rows) <= 1)
        )
        if layout or self.builder is None:
            # Layout table (or a table nested in a cell): its cells are text flow.
            for tr in rows:
                for cell in _own_cells(tr):
                    self.walk(cell)
                    self.flush()
            return
        specs = table_specs(rows)
        if not any(specs):
            return
        caption = table.find("caption")
        title = clean_line(caption.get_text(" ")) if caption is not None else None
        self.builder.add_table(specs, title=title or None)


def _own_rows(table: Tag) -> list[Tag]:
    rows: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name == "tr":
            rows.append(child)
        elif name in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.children if isinstance(c, Tag) and c.name.lower() == "tr")
    return rows


def _own_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.children if isinstance(c, Tag) and c.name.lower() in ("td", "th") and not _hidden(c)]


def _span(cell: Tag, attr: str) -> int | None:
    raw = cell.get(attr)
    if raw is None:
        return 1
    m = re.match(r"\s*(\d+)", str(raw))
    if not m:
        return 1
    return int(m.group(1))


def cell_text(cell: Tag) -> str:
    flow = _Flow(None)
    flow.walk(cell)
    flow.flush()
    return "\n".join(flow.lines)


def table_specs(rows: list[Tag]) -> list[list[TableCellSpec]]:
    """The HTML table algorithm: each cell at the first free grid slot of its row."""
    n_rows = len(rows)
    occupied: set[tuple[int, int]] = set()
    out: list[list[TableCellSpec]] = []
    for r, tr in enumerate(rows):
        row: list[TableCellSpec] = []
        c = 0
        for cell in _own_cells(tr):
            while (r, c) in occupied:
                c += 1
            colspan = min(max(_span(cell, "colspan") or 1, 1), _MAX_SPAN)
            rowspan = _span(cell, "rowspan")
            rowspan = n_rows - r if rowspan == 0 else max(rowspan, 1)
            rowspan = min(rowspan, n_rows - r)  # spans past the last row are clipped
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    occupied.add((rr, cc))
            row.append(TableCellSpec(row=r, col=c, rowspan=rowspan, colspan=colspan, text=cell_text(cell)))
            c += colspan
        out.append(row)
    return out
