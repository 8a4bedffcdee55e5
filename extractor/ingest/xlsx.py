"""Excel (.xlsx/.xlsm) backend: every non-empty visible sheet as one table.

Its one job is to turn worksheets into `Document` tables as a reader sees
them in Excel: the used range of each sheet (trimmed to the cells that hold
something), merged ranges as rowspan/colspan, and cell values rendered as
Excel displays them under their number format — ``1786.77`` and not
``1786.7700000000002``, ``10`` and not ``10.0``, ``100%`` for a percentage
cell holding 1, fixed decimals where the format asks for them. Thousands
separators are left out so every number stays machine-readable. Formula
cells give their cached value (``data_only=True``); a workbook saved by a
program that never calculated its formulas has none, which is reported as a
warning rather than guessed.

Each sheet adds a heading block with the sheet name and then its table
(titled with the sheet name). Cell provenance: ``At(line=<sheet row, 1-based>)``
beside the table/row/col the builder fills in.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from extractor.document import At, Document, DocumentBuilder, Source, TableCellSpec
from extractor.errors import ExtractionError, debug_detail, describe
from extractor.i18n import _


def load(path: Path) -> Document:
    """Read an .xlsx workbook into a `Document`."""
    from extractor.ingest import source_for

    path = Path(path)
    data = path.read_bytes()
    return read_workbook(path, source_for(path, data, "xlsx"), shown_path=path).build()


def read_workbook(path: Path, source: Source, shown_path: Path) -> DocumentBuilder:
    """Fill a builder from the workbook at `path` (shared with the legacy backend)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
        said = _("not a readable Excel workbook ({said})").format(said=_short(exc))
        raise ExtractionError(str(shown_path), said) from None
    except Exception as exc:  # noqa: BLE001 - malformed XML and the like
        words, kind = describe(exc)
        raise ExtractionError(str(shown_path), _("not a readable Excel workbook: {words}").format(words=words), kind,
                              debug_detail(exc)) from None
    formulas = _formula_workbook(path)
    builder = DocumentBuilder(source)
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                if _bounds(ws) is not None:
                    builder.doc.warnings.append(f"sheet {ws.title!r} is hidden and was not read")
                continue
            _sheet(builder, ws, formulas[ws.title] if formulas is not None and ws.title in formulas.sheetnames else None)
    finally:
        wb.close()
        if formulas is not None:
            formulas.close()
    if not builder.doc.tables:
        raise ExtractionError(str(shown_path), _("an Excel workbook with no data in any visible sheet"))
    return builder


def _short(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]


def _formula_workbook(path: Path):
    """The workbook with formulas (only when it has any), to spot formulas with no cached value."""
    try:
        with zipfile.ZipFile(path) as z:
            has_formulas = any(
                n.startswith("xl/worksheets/") and n.endswith(".xml") and b"<f" in z.read(n) for n in z.namelist()
            )
        if not has_formulas:
            return None
        import openpyxl

        return openpyxl.load_workbook(path, read_only=False, data_only=False)
    except Exception:  # noqa: BLE001 - only used for a warning
        return None


def _bounds(ws, formula_ws=None) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of the cells holding something (a value or a
    formula), merged areas included."""
    rows, cols = [], []
    for sheet in (ws, formula_ws):
        if sheet is None:
            continue
        for (r, c), cell in sheet._cells.items():  # noqa: SLF001 - avoids walking a bloated used range
            value = cell.value
            if value is not None and not (isinstance(value, str) and not value.strip()):
                rows.append(r)
                cols.append(c)
    if not rows:
        return None
    min_r, max_r, min_c, max_c = min(rows), max(rows), min(cols), max(cols)
    for mr in ws.merged_cells.ranges:
        if min_r <= mr.min_row <= max_r and min_c <= mr.min_col <= max_c:
            origin = ws.cell(mr.min_row, mr.min_col).value
            if origin is not None and str(origin).strip():
                max_r, max_c = max(max_r, mr.max_row), max(max_c, mr.max_col)
    return min_r, min_c, max_r, max_c


def _sheet(builder: DocumentBuilder, ws, formula_ws) -> None:
    bounds = _bounds(ws, formula_ws)
    if bounds is None:
        return
    min_r, min_c, max_r, max_c = bounds
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for mr in ws.merged_cells.ranges:
        r0, c0 = max(mr.min_row, min_r), max(mr.min_col, min_c)
        r1, c1 = min(mr.max_row, max_r), min(mr.max_col, max_c)
        if r0 > r1 or c0 > c1:
            continue
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered.add((r, c))
    rows: list[list[TableCellSpec]] = []
    uncalculated = 0
    for r in range(min_r, max_r + 1):
        row: list[TableCellSpec] = []
        for c in range(min_c, max_c + 1):
            if (r, c) in covered:
                continue
            cell = ws.cell(r, c)
            value = cell.value
            if value is None and formula_ws is not None:
                formula = formula_ws.cell(r, c).value
                if isinstance(formula, str) and formula.startswith("="):
                    uncalculated += 1
            rowspan, colspan = spans.get((r, c), (1, 1))
            row.append(
                TableCellSpec(
                    row=r - min_r,
                    col=c - min_c,
                    rowspan=rowspan,
                    colspan=colspan,
                    text=render_value(value, cell.number_format),
                    at=At(line=r),
                )
            )
        rows.append(row)
    builder.add_text(ws.title, at=At(line=min_r), kind="heading")
    builder.add_table(rows, title=ws.title)
    if uncalculated:
        builder.doc.warnings.append(
            f"sheet {ws.title!r}: {uncalculated} formula cell(s) have no saved value (the file was written "
            "without calculating them); they read as empty — open and save it in Excel or LibreOffice first"
        )


# --------------------------------------------------------------------------- value rendering

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _decimals(section: str) -> int:
    m = re.search(r"\.([0#?]+)", section)
    return len(m.group(1)) if m else 0


def _fixed(value: float, decimals: int) -> str:
    try:
        d = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return _general(value)
    text = f"{d:f}"
    if text.startswith("-") and not d.copy_abs().is_zero():
        return text
    return text.lstrip("-")


def _general(value: float) -> str:
    """Excel's General display: up to 12 significant digits, no float noise, no exponent."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    d = Decimal(f"{value:.12g}")
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def render_value(value, number_format: str | None = "General") -> str:
    """A cell value as text, the way Excel shows it under `number_format` (no thousands separators)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        fmt = (number_format or "General").split(";")[0]
        bare = _QUOTED.sub("", fmt)
        if "%" in bare:
            return _fixed(value * 100, _decimals(bare)) + "%"
        if bare.strip().lower() in ("general", "@", ""):
            return str(value) if isinstance(value, int) else _general(value)
        if re.search(r"[0#?]", bare):
            if "e+" in bare.lower() or "e-" in bare.lower():
                return _general(value)
            return _fixed(value, _decimals(bare))
        return _general(value)
    return str(value)
