"""The working paper: every finding a query selects with its decision, reason, reviewer and time, and the
record of every change and every correction to those reports, as a workbook (openpyxl, write-only) and a
printable page an auditor hands in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from extractor.batch.reports import evidence_text
from extractor.batch.store import DocumentRow, id_chunks
from extractor.i18n import N_, SEVERITY_WORD, _, word
from extractor.review.decisions import REASONS, STATUSES
from extractor.review.queue import Query, Row, all_findings
from extractor.review.tables import CorrectionRow, EventRow, SignoffRow
from extractor.safe_text import xlsx_append

# the workbook's headers and sheet names, translated when it is written
FINDINGS_HEADER = [N_("unit"), N_("year"), N_("file"), N_("rule"), N_("severity"), N_("finding"), N_("expected"),
                   N_("found"), N_("evidence"), N_("decision"), N_("decision reason"), N_("decision note"), N_("decided by"),
                   N_("decided at"), N_("assigned to"), N_("finding key")]
EVENTS_HEADER = [N_("finding key"), N_("version"), N_("change"), N_("from"), N_("to"), N_("decision reason"), N_("note"),
                 N_("assigned to"), N_("by"), N_("time")]
SIGNOFF_HEADER = [N_("signed off by"), N_("time"), N_("findings"), N_("confirmed"), N_("dismissed"),
                  N_("needs an explanation"), N_("note")]
CORRECTIONS_HEADER = [N_("file"), N_("table"), N_("row"), N_("column"), N_("read"), N_("corrected to"), N_("note"),
                      N_("corrected by"), N_("time")]
SHEETS = {"findings": N_("Working paper"), "events": N_("Record"), "signoffs": N_("Sign-off"),
          "corrections": N_("Corrections")}


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S") if at else ""


def finding_cells(r: Row) -> list:
    return [r.department or "", r.year or "", Path(r.source).name, r.rule, word(SEVERITY_WORD, r.severity), r.message,
            r.expected or "", r.found or "", evidence_text(r.evidence), _(STATUSES.get(r.status, r.status)),
            _(REASONS[r.reason]) if r.reason in REASONS else "", r.decision_note or "", r.decided_by or "",
            _when(r.decided_at), r.assignee or "", r.key]


@dataclass
class Paper:
    title: str
    found: list[Row]
    events: list[EventRow]  # every change to those findings, oldest first
    corrections: list[tuple[str, CorrectionRow]]  # (file, correction) of the selected reports, oldest first
    signoffs: list[SignoffRow]  # the sign-offs of this very selection, oldest first

    @property
    def still_open(self) -> int:
        return sum(r.status == "open" for r in self.found)


def paper(session: Session, query: Query, title: str) -> Paper:
    """The selected findings, every event on them, and the corrections made to their reports."""
    found = all_findings(session, query)
    keys = sorted({r.key for r in found})
    events: list[EventRow] = []
    for chunk in id_chunks(keys):
        events.extend(session.scalars(select(EventRow).where(EventRow.finding_key.in_(chunk))))
    events.sort(key=lambda e: (e.at, e.finding_key, e.version))
    names = dict(session.execute(select(DocumentRow.sha256, DocumentRow.source)
                                 .where(DocumentRow.id.in_({r.doc_id for r in found}))).all()) if found else {}
    corrections: list[tuple[str, CorrectionRow]] = []
    for chunk in id_chunks(names):
        for c in session.scalars(select(CorrectionRow).where(CorrectionRow.sha256.in_(chunk))):
            corrections.append((Path(names[c.sha256]).name, c))
    corrections.sort(key=lambda fc: fc[1].id)
    selection = query.params(page="")
    signoffs = [s for s in session.scalars(select(SignoffRow).order_by(SignoffRow.id)) if s.selection == selection]
    return Paper(title, found, events, corrections, signoffs)


class SignoffRefused(ValueError):
    """The paper cannot be signed off as it stands (findings still open, nothing selected)."""


def sign_off(session: Session, query: Query, lead: str, note: str | None = None) -> SignoffRow:
    """A lead signs off the working paper of a selection once none of its findings is still open."""
    found = all_findings(session, query)
    if not found:
        raise SignoffRefused(_("the selection holds no findings"))
    still_open = sum(r.status == "open" for r in found)
    if still_open:
        raise SignoffRefused(_("{n} findings of the selection are still open").format(n=still_open))
    counts = {s: sum(r.status == s for r in found) for s in ("confirmed", "dismissed", "explain")}
    row = SignoffRow(selection=query.params(page=""), findings=len(found), **counts,
                     note=(note or "").strip() or None, reviewer=lead, at=datetime.now(timezone.utc))
    session.add(row)
    session.commit()
    return row


def write_workbook(p: Paper, path: Path) -> None:
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_(SHEETS["findings"]))
    xlsx_append(sheet, [p.title])
    xlsx_append(sheet, [_(h) for h in FINDINGS_HEADER])
    for r in p.found:
        xlsx_append(sheet, finding_cells(r))
    record = wb.create_sheet(_(SHEETS["events"]))
    xlsx_append(record, [_(h) for h in EVENTS_HEADER])
    for e in p.events:
        xlsx_append(record, [e.finding_key, e.version, _("decision") if e.change == "status" else _("assignment"),
                             _(STATUSES.get(e.status_from, e.status_from)), _(STATUSES.get(e.status, e.status)),
                             _(REASONS[e.reason]) if e.reason in REASONS else "", e.note or "", e.assignee or "",
                             e.reviewer, _when(e.at)])
    signed = wb.create_sheet(_(SHEETS["signoffs"]))
    xlsx_append(signed, [_(h) for h in SIGNOFF_HEADER])
    for so in p.signoffs:
        xlsx_append(signed, [so.reviewer, _when(so.at), so.findings, so.confirmed, so.dismissed, so.explain, so.note or ""])
    fixed = wb.create_sheet(_(SHEETS["corrections"]))
    xlsx_append(fixed, [_(h) for h in CORRECTIONS_HEADER])
    for name, c in p.corrections:
        xlsx_append(fixed, [name, c.place.get("table"), c.place.get("row", 0) + 1, c.place.get("col", 0) + 1, c.original,
                            c.corrected, c.note or "", c.reviewer, _when(c.at)])
    wb.save(path)
