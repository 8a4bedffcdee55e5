"""Corrections: a reviewer says what a table cell really reads, the report is checked again at once, and
both readings stay in the record.

The corrected report is stored as a new version of the same file (its pipeline named
`<pipeline>+corrected-<n>`), made from the stored `Document` with the cell's text replaced and run
through the same stages with the same tagger as the batch used. The queue shows the newest version, so
findings that rested on the misread figure leave it; findings that do not touch the cell keep their
keys, and with them their decisions. The cross-year findings of the version corrected are carried over
unchanged (they are recomputed by the next batch run).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select

from extractor.batch.store import CORRECTED as MARK
from extractor.batch.store import DocumentRow, Store
from extractor.document import Document
from extractor.i18n import _
from extractor.review.tables import CorrectionRow


class CorrectionError(ValueError):
    """A correction that cannot be made as asked (no such cell, nothing changed …)."""


@dataclass
class Outcome:
    doc_id: int  # the corrected version
    original: str
    corrected: str
    gone: list[dict]  # findings of the version corrected that the corrected report no longer has
    new: list[dict]  # findings the corrected report has that the version corrected had not
    kept: int


def tagger_of(pipeline: str) -> str:
    """The tagger a stored version was read with: the pipeline id ends in /<tagger>, before any mark."""
    return pipeline.split(MARK, 1)[0].rsplit("/", 1)[-1] or "default"


def correct_cell(store: Store, doc_id: int, table: str, row: int, col: int, text: str, *, user: str,
                 note: str | None = None) -> Outcome:
    """Record the correction of one cell of a stored document, check the report again with it, and store
    the result as the file's newest version."""
    with store.session() as session:
        d = session.get(DocumentRow, doc_id)
        if d is None or d.status != "ok":
            raise CorrectionError(_("no such document"))
        sha256 = d.sha256
    extraction, document = store.payload(doc_id)
    if not document:
        raise CorrectionError(_("the store does not keep this document's tables; run it again to correct it"))
    doc = Document.model_validate_json(document)
    cell = cell_at(doc, table, row, col)
    text = text.strip()
    if cell is None:
        raise CorrectionError(_("table {table} has no cell at row {row}, column {col}").format(
            table=table, row=row + 1, col=col + 1))
    if text == cell.text.strip():
        raise CorrectionError(_("the corrected text is the text already read"))
    original = cell.text
    cell.text = text
    with store.session() as session:
        session.add(CorrectionRow(sha256=sha256, place={"table": table, "row": row, "col": col}, original=original,
                                  corrected=text, note=(note or "").strip() or None, reviewer=user,
                                  at=datetime.now(timezone.utc)))
        session.commit()
    new_id, after = _store_checked(store, doc_id, doc)
    across = store.findings_of(doc_id, "across.")
    if across:
        store.replace_findings(new_id, "across.", across)
    old_keys, new_keys = store.finding_keys(doc_id), store.finding_keys(new_id)
    old_by_key = {old_keys.get(f["id"]): f for f in json.loads(extraction).get("findings", [])}
    new_by_key = {new_keys.get(f.id): f.model_dump() for f in after.findings}
    gone = [f for k, f in old_by_key.items() if k not in new_by_key]
    added = [f for k, f in new_by_key.items() if k not in old_by_key]
    return Outcome(new_id, original, text, gone, added, len(set(old_by_key) & set(new_by_key)))


def _store_checked(store: Store, doc_id: int, doc: Document):
    """Check the corrected `doc` with the tagger the stored version `doc_id` was read with, and store it as
    the file's newest version; (its id, its extraction)."""
    from extractor.pipeline import extract_document

    with store.session() as session:
        d = session.get(DocumentRow, doc_id)
        source, sha256, pipeline = d.source, d.sha256, d.pipeline
        n = session.scalar(select(func.count()).select_from(CorrectionRow).where(CorrectionRow.sha256 == sha256)) or 0
    after = extract_document(doc, tagger=tagger_of(pipeline))
    crops = store.crops_of(doc_id)
    new_id = store.save({"source": source, "sha256": sha256, "status": "ok", "extraction": after.model_dump_json(),
                         "document": doc.model_dump_json(), "crops": json.dumps(crops) if crops else None},
                        pipeline=f"{pipeline.split(MARK, 1)[0]}{MARK}{n}")
    if new_id is None:
        raise CorrectionError(_("this correction was stored already"))
    return new_id, after


@dataclass
class Reapplied:
    doc_id: int  # the corrected version
    applied: int
    skipped: list[str]  # why a correction was not applied again, in words


def reapply(store: Store, pipeline: str) -> list[Reapplied]:
    """Apply the recorded corrections again to the reports a run stored under a new `pipeline`, so the work
    of reviewers survives a new version of the reader. A correction is applied where the cell still reads
    what was corrected; where the new reader already reads the corrected text, or reads something else,
    it is left (and said)."""
    with store.session() as session:
        corrected = set(session.scalars(select(CorrectionRow.sha256).distinct()))
        if not corrected:
            return []
        rows = session.execute(select(DocumentRow.id, DocumentRow.source, DocumentRow.sha256, DocumentRow.pipeline)
                               .where(DocumentRow.sha256.in_(corrected), DocumentRow.status == "ok")).all()
    done = {(source, sha) for _, source, sha, p in rows if p.startswith(pipeline + MARK)}
    out = []
    for doc_id, source, sha256, p in rows:
        if p != pipeline or (source, sha256) in done:
            continue
        doc = Document.model_validate_json(store.payload(doc_id)[1] or "{}")
        applied, skipped = 0, []
        for c in corrections_of(store, sha256):
            cell = cell_at(doc, c.place.get("table"), c.place.get("row", -1), c.place.get("col", -1))
            where = f"{c.place.get('table')} ({c.place.get('row', 0) + 1}, {c.place.get('col', 0) + 1})"
            if cell is None:
                skipped.append(f"{where}: no such cell any more")
            elif cell.text.strip() == c.corrected.strip():
                skipped.append(f"{where}: now read as corrected")
            elif cell.text.strip() != c.original.strip():
                skipped.append(f"{where}: now reads {cell.text!r}, not {c.original!r}")
            else:
                cell.text = c.corrected
                applied += 1
        if applied:
            new_id, _ = _store_checked(store, doc_id, doc)
            out.append(Reapplied(new_id, applied, skipped))
    return out


def cell_at(doc: Document, table: str, row: int, col: int):
    """The cell covering (row, col) of table `table`, None where there is none."""
    for t in doc.tables:
        if t.id == table and 0 <= row < t.n_rows and 0 <= col < t.n_cols:
            return t.grid()[row][col]
    return None


def corrections_of(store: Store, sha256: str) -> list[CorrectionRow]:
    with store.session() as session:
        return list(session.scalars(select(CorrectionRow).where(CorrectionRow.sha256 == sha256)
                                    .order_by(CorrectionRow.id)))
