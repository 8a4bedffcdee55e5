"""Rules over any table of the document, from the fact table: a 合计/小计 row against the rows it sums.

`tables.sum_row`: in a table that is neither a standard form's block nor the
基础数据表 (their own rules check those), a row labelled 合计, 总计, 小计 or 共计
must equal, column by column, the figures of the rows above it back to the
header or to the previous sum row. Rows labelled 其中 are parts of the row above
them and are left out; a table whose row labels mix numbering levels (一、 and
1.) is a hierarchy whose sums this rule does not know, and is left alone.
Percent columns are rates, not amounts, and are not summed. A total of 0 over
parts that are not all 0 is an error (a total never filled in); any other
difference is a warning, held to the total's displayed precision.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from extractor.reconcile.core import finding, form_tables, rule
from extractor.reconcile.tolerance import decimals, fmt, sum_agrees
from extractor.schema import Evidence, Extraction, Fact

_SUM_LABEL = re.compile(r"^(合\s*计|总\s*计|小\s*计|共\s*计)[:：]?$")
_SUB_ITEM = re.compile(r"^(其中|含)[:：]?|[:：]$")
_LEVEL_ONE = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_LEVEL_TWO = re.compile(r"^(\d+[、.．]|[（(]\d+[)）]|[（(][一二三四五六七八九十]+[)）])")


def _checked_elsewhere(ex: Extraction) -> set[str]:
    tables = form_tables(ex)
    if ex.basic_data is not None and ex.basic_data.table:
        tables.add(ex.basic_data.table)
    return tables


@rule("tables.sum_row")
def sum_row(ex: Extraction):
    skip = _checked_elsewhere(ex)
    by_table: dict[str, list[Fact]] = defaultdict(list)
    for f in ex.facts:
        if f.source == "table" and f.at.table not in skip and f.value.value is not None and not f.malformed:
            by_table[f.at.table].append(f)
    for table, facts in by_table.items():
        labels = {f.at.row: (f.name or "").strip() for f in facts}
        if any(_LEVEL_ONE.match(x) for x in labels.values()) and any(_LEVEL_TWO.match(x) for x in labels.values()):
            continue  # a hierarchy (一、 over 1.): which rows a total sums is not plain
        columns: dict[int, dict[int, Fact]] = defaultdict(dict)
        for f in facts:
            columns[f.at.col][f.at.row] = f
        for cells in columns.values():
            rows = sorted(cells)
            start = 0
            for i, r in enumerate(rows):
                total = cells[r]
                if not _SUM_LABEL.match(labels.get(r, "")):
                    continue
                parts = [cells[x] for x in rows[start:i] if not _SUB_ITEM.search(labels.get(x, ""))
                         and not _SUM_LABEL.match(labels.get(x, ""))]
                start = i + 1
                if len(parts) < 2 or total.value.unit in ("%", "‰") or any(p.value.unit in ("%", "‰") for p in parts):
                    continue
                if any(p.value.unit != total.value.unit for p in parts):
                    continue  # mixed units in one column: not one quantity
                values = [(p.value.value, decimals(p.value.text)) for p in parts]
                s = math.fsum(v for v, _ in values)
                d = max([decimals(total.value.text)] + [dv for _, dv in values])
                evidence = [Evidence(text=total.value.text, at=total.at)] + [Evidence(text=p.value.text, at=p.at) for p in parts]
                head = f"表{table}“{total.column or ''}”列的{labels.get(r)}行"
                if sum_agrees(total.value.value, decimals(total.value.text), values):
                    yield finding("info", "supported", f"{head}{total.value.text}与上方{len(parts)}行之和相符",
                                  expected=fmt(s, d), found=total.value.text, evidence=evidence)
                    continue
                empty_total = total.value.value == 0 and s != 0
                yield finding(
                    "error" if empty_total else "warning", "contradicted",
                    f"{head}填报为{total.value.text}，上方{len(parts)}行合计为{fmt(s, d)}"
                    + ("（合计行为0而各行有数，疑为合计未填）" if empty_total else ""),
                    expected=fmt(s, d), found=total.value.text, evidence=evidence,
                )
