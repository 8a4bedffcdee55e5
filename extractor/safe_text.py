"""Text from documents and file names made harmless for where it is written.

Reports and their file names come from strangers, and what the program
writes goes to places that interpret text: a spreadsheet evaluates a cell
that starts a formula (`=HYPERLINK(…)`, and on CSV import also `+ - @`, tab
and CR, OWASP "CSV Injection"); rich reads `[bold]` as markup; a terminal
obeys escape sequences; a log line ends at a newline. HTML pages escape
through their template engine and need nothing here.
"""

from __future__ import annotations

import re

from rich.markup import escape as _rich_escape

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?%?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def csv_cell(value):
    """A CSV value that no spreadsheet reads as a formula: a leading ' before = + - @ tab CR (OWASP)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


#: what the XML of a worksheet cannot hold (openpyxl refuses it: IllegalCharacterError)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_value(value):
    """A value a worksheet can hold: control characters XML forbids written as escapes (a file name's ESC)."""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    return value


def xlsx_append(ws, values) -> None:
    """Append one row to an openpyxl sheet; a text cell that starts with = stays text, never a formula.

    openpyxl turns any string that starts with = into a formula; typed as a
    string the cell shows the same characters and Excel evaluates nothing.
    The other OWASP characters matter only when CSV is imported. A write-only
    sheet (a workbook streamed to disk) cannot be changed after the append, so
    its text cells are typed before it.
    """
    values = [xlsx_value(v) for v in values]
    if type(ws).__name__ == "WriteOnlyWorksheet":
        from openpyxl.cell import WriteOnlyCell

        row = []
        for v in values:
            if isinstance(v, str) and v.startswith("="):
                cell = WriteOnlyCell(ws, v)
                cell.data_type = "s"
                row.append(cell)
            else:
                row.append(v)
        ws.append(row)
        return
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def shown(text: str) -> str:
    """A name or message fit for one line of a terminal or a log: control characters written as escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def markup_safe(text: str) -> str:
    """Text printed through rich: its brackets are not markup, its control characters are escaped."""
    return _rich_escape(shown(text))
