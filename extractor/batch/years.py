"""Across years in a batch: each stored report against the same department's report of the year before.

Documents are grouped by `reconcile.across.department_key` (岳阳市工信局 and
岳阳市工业和信息化局 are one department) and year; for every year Y with a
report of Y-1, `reconcile.across.compare` runs on the pair and its findings are
stored with the later report (rule ids `across.*`, evidence naming both files),
replacing what an earlier run stored for it. Only pairs with a newly stored
document are compared again. Where one year has several files (the same report
as PDF and DOCX), the later file is compared with the first earlier file by
source name.
"""

from __future__ import annotations

from collections import defaultdict

from extractor.batch.store import DocumentRow, Store, latest_versions
from extractor.reconcile.across import compare, department_key
from extractor.schema import Extraction


def pairs(docs: list[DocumentRow]) -> list[tuple[DocumentRow, DocumentRow]]:
    """(earlier, later) for every stored report whose department has one the year before."""
    by_key: dict[tuple[str, int], list[DocumentRow]] = defaultdict(list)
    for d in docs:
        key = department_key(d.department)
        if d.status == "ok" and key and d.year:
            by_key[(key, d.year)].append(d)
    out = []
    for (key, year), later in sorted(by_key.items()):
        earlier = sorted(by_key.get((key, year - 1), []), key=lambda d: d.source)
        if earlier:
            out += [(earlier[0], d) for d in sorted(later, key=lambda d: d.source)]
    return out


def compare_years(store: Store, pipeline: str, fresh: set[int]) -> dict[int, int]:
    """Store the cross-year findings of every pair touching a fresh document; for each document whose
    findings were replaced, how many cross-year findings it has now."""
    changed: dict[int, int] = {}
    for a, b in pairs(latest_versions(store.documents(pipeline))):
        if a.id not in fresh and b.id not in fresh:
            continue
        ea, eb = (Extraction.model_validate_json(store.payload(d.id)[0]) for d in (a, b))
        found = compare(ea, eb).findings
        store.replace_findings(b.id, "across.", [f.model_dump(mode="json") for f in found])
        changed[b.id] = len(found)
    return changed
