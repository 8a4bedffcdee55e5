"""Text dumps of reports: decode them and recover paragraphs and tables.

Two dump styles exist in the archive (see tests/fixtures):
- Word style: each table cell on a line that starts with a TAB, continuation
  lines follow it, a blank line ends a row; empty leading cells continue a
  vertical merge from the row above. Rebuilt into real tables here.
- Flattened PDF style: no TABs, table cells wrapped over many short lines and
  columns serialised one after another. The standard self-evaluation form is
  rebuilt by `extractor.ingest.flat_form`; everything else becomes paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from extractor.document import At, Document, DocumentBuilder, TableCellSpec
from extractor.errors import ExtractionError
from extractor.i18n import _
from extractor.ingest import source_for
from extractor.ingest.flat_form import find_flat_forms
from extractor.text import clean_line

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[。；;！？!?：:]$")
_LIST_START = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|附件)")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text and encoding name: BOMs, strict UTF-8, then GB18030 (a superset of GBK), then detection."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc), enc
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8" or _looks_like_text(text):
            return text, enc
    best = from_bytes(data).best()
    if best is not None and _looks_like_text(str(best)):
        return str(best), best.encoding
    raise ExtractionError(str(path), _("is not a text report: binary content in no known text encoding"))


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    controls = len(_CONTROL.findall(text))
    return controls / len(text) < 0.01


def load(path: Path) -> Document:
    data = path.read_bytes()
    text, encoding = decode(path, data)
    if not text.strip():
        raise ExtractionError(str(path), _("contains only whitespace: no report text"))
    if not _looks_like_text(text):
        raise ExtractionError(str(path), _("is not a text report: too many control characters (binary data?)"))
    source = source_for(path, data, "text")
    source.encoding = encoding
    builder = DocumentBuilder(source)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for segment in _segments(lines):
        if segment.rows:
            _emit_table(builder, segment)
        else:
            _emit_text(builder, segment.lines)
    return builder.build()


@dataclass
class _Cell:
    line: int
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


@dataclass
class _Segment:
    """Either a run of plain lines (`lines`) or a Word-style table (`rows`)."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    rows: list[list[_Cell]] = field(default_factory=list)


def _is_cell_line(line: str) -> bool:
    return line.lstrip(" \u3000").startswith("\t")


def _segments(lines: list[str]) -> list[_Segment]:
    segments: list[_Segment] = []
    text_seg: _Segment | None = None
    table_seg: _Segment | None = None
    row: list[_Cell] = []
    after_blank = True

    def end_row() -> None:
        nonlocal row
        if row and table_seg is not None:
            table_seg.rows.append(row)
        row = []

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if _is_cell_line(line):
            if table_seg is None:
                table_seg = _Segment()
                segments.append(table_seg)
                text_seg = None
            for part in line.lstrip(" \u3000").split("\t")[1:]:
                row.append(_Cell(line=number, parts=[part]))
            after_blank = False
        elif not line.strip():
            end_row()
            after_blank = True
            if text_seg is not None:
                text_seg.lines.append((number, ""))
        elif table_seg is not None and row and not after_blank:
            row[-1].parts.append(line)  # continuation of a multi-line cell
        elif (
            table_seg is not None
            and after_blank
            and _incomplete(table_seg.rows)
            and number < len(lines)
            and _is_cell_line(lines[number])
        ):
            # a blank line inside a cell (产出指标 / blank / (50分)): the row is shorter
            # than the one above, so it is not finished
            row = table_seg.rows.pop()
            row[-1].parts.extend(["", line])
            after_blank = False
        else:
            end_row()
            table_seg = None
            if text_seg is None:
                text_seg = _Segment()
                segments.append(text_seg)
            text_seg.lines.append((number, line))
            after_blank = False
    end_row()
    return segments


def _incomplete(rows: list[list[_Cell]]) -> bool:
    return len(rows) >= 2 and len(rows[-1]) < len(rows[-2])


def _rejoin_split_rows(rows: list[list[_Cell]]) -> list[list[_Cell]]:
    """A stray blank line inside a row splits it in two: two adjacent short rows
    whose widths add up to the width of a neighbouring row are one row."""
    rows = [list(r) for r in rows]
    i = 0
    while i + 1 < len(rows):
        a, b = len(rows[i]), len(rows[i + 1])
        widths = {len(rows[i - 1])} if i > 0 else set()
        if i + 2 < len(rows):
            widths.add(len(rows[i + 2]))
        if a + b in widths and a >= 1 and b >= 1 and any(c.text.strip() for c in rows[i + 1]):
            rows[i : i + 2] = [rows[i] + rows[i + 1]]
            continue
        i += 1
    return rows


def _emit_table(builder: DocumentBuilder, segment: _Segment) -> None:
    rows = _rejoin_split_rows(segment.rows)
    n_cols = max(len(r) for r in rows)
    specs: list[list[TableCellSpec]] = []
    # origin[c] = the spec currently open for vertical merging in grid column c
    origin: dict[int, TableCellSpec] = {}
    for r, cells in enumerate(rows):
        texts = [c.text.strip() for c in cells]
        nonempty = [i for i, t in enumerate(texts) if t]
        if nonempty:
            merge_upto = nonempty[0]
        else:
            # an all-empty row continues the label columns of the next row with content
            merge_upto = _next_content_col(rows, r)
        row_specs: list[TableCellSpec] = []
        spans = _spans(texts, n_cols)
        col = 0
        for i, cell in enumerate(cells):
            colspan = spans[i]
            above = origin.get(col)
            if i < merge_upto and above is not None and above.col == col and above.colspan == colspan:
                above.rowspan += 1  # empty leading cell: Word's vertical merge continued
            else:
                row_specs.append(TableCellSpec(row=r, col=col, colspan=colspan, text=cell.text, at=At(line=cell.line)))
            col += colspan
        for spec in row_specs:
            for c in range(spec.col, spec.col + spec.colspan):
                origin[c] = spec
        specs.append(row_specs)
    builder.add_table(specs, at=At(line=rows[0][0].line))


def _spans(texts: list[str], n_cols: int) -> list[int]:
    """Column spans of a short row: a group header (其中) takes the missing columns, else the last cell."""
    spans = [1] * len(texts)
    missing = n_cols - len(texts)
    if missing > 0:
        groups = [i for i, t in enumerate(texts) if t.strip().rstrip("：:") == "其中"]
        spans[groups[0] if groups else len(texts) - 1] += missing
    return spans


def _next_content_col(rows: list[list[_Cell]], r: int) -> int:
    for later in rows[r + 1 :]:
        for i, cell in enumerate(later):
            if cell.text.strip():
                return i
    return 0


def _emit_text(builder: DocumentBuilder, lines: list[tuple[int, str]]) -> None:
    """Plain lines: flattened forms are rebuilt as tables, the rest become paragraphs."""
    content = [(n, line) for n, line in lines if line.strip()]
    consumed: set[int] = set()
    forms = find_flat_forms(content)
    pending: list[tuple[int, str]] = []
    form_at = {form.first_line: form for form in forms}
    for form in forms:
        consumed.update(form.lines)
    for number, line in content:
        if number in form_at:
            _emit_paragraphs(builder, pending)
            pending = []
            form = form_at[number]
            builder.add_table(form.rows, title=form.title, at=At(line=form.first_line))
        if number in consumed:
            continue
        pending.append((number, line))
    _emit_paragraphs(builder, pending)


def _emit_paragraphs(builder: DocumentBuilder, lines: list[tuple[int, str]]) -> None:
    """One block per line, except that lines wrapped mid-sentence (PDF text) are joined."""
    wrapped = _is_wrapped(lines)
    current: list[str] = []
    start_line = 0
    for number, line in lines:
        text = clean_line(line)
        if not text:
            continue
        if current and wrapped and not _SENTENCE_END.search(current[-1]) and not _LIST_START.match(text):
            current.append(text)
            continue
        if current:
            builder.add_text("".join(current), At(line=start_line))
        current, start_line = [text], number
    if current:
        builder.add_text("".join(current), At(line=start_line))


def _is_wrapped(lines: list[tuple[int, str]]) -> bool:
    """PDF text dumps wrap at a fixed width: most long lines end without punctuation."""
    long_lines = [clean_line(line) for _, line in lines if len(clean_line(line)) >= 12]
    if len(long_lines) < 4:
        return False
    unterminated = sum(1 for line in long_lines if not _SENTENCE_END.search(line))
    return unterminated / len(long_lines) > 0.6
