"""The review queue: every finding of the store's current documents with its decision state, filtered and
sorted by SQL; the sorted ids of a selection are kept while the store does not change under them, so a
further page is a slice and reads only its own rows.

"Current" is the newest stored version of each source file (as the audit pages show it); an older
pipeline version's findings stay in the store and keep their decisions through their keys.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from extractor.batch.store import SEVERITY_RANK, DocumentRow, FindingRow, IndicatorRow, id_chunks
from extractor.review.decisions import newest
from extractor.review.tables import EventRow

PAGE_SIZE = 50
FILTERS = ("severity", "rule", "department", "year", "family", "status", "reviewer", "assignee", "q")


@dataclass
class Query:
    """What the queue is asked for; empty strings mean "any"."""

    severity: str = ""
    rule: str = ""
    department: str = ""
    year: str = ""
    family: str = ""
    status: str = ""
    reviewer: str = ""
    assignee: str = ""
    q: str = ""  # words in the message or the file name
    page: int = 1

    @classmethod
    def of(cls, params) -> Query:
        values = {k: (params.get(k) or "").strip()[:200] for k in FILTERS}
        try:
            page = max(1, int(params.get("page") or 1))
        except ValueError:
            page = 1
        return cls(**values, page=page)

    def params(self, **changed) -> dict[str, str]:
        """The query as URL parameters (the empty ones left out), with some changed."""
        out = {k: getattr(self, k) for k in FILTERS} | {"page": str(self.page)}
        out.update({k: str(v) for k, v in changed.items()})
        return {k: v for k, v in out.items() if v and not (k == "page" and v == "1")}


@dataclass
class Row:
    key: str
    doc_id: int
    source: str
    department: str | None
    year: int | None
    rule: str
    severity: str
    message: str
    expected: str | None
    found: str | None
    evidence: list
    status: str
    reason: str | None
    decided_by: str | None
    decided_at: object
    decision_note: str | None
    assignee: str | None
    version: int


@dataclass
class Page:
    rows: list[Row]
    total: int
    query: Query
    pages: int = 1
    choices: dict[str, list[str]] = field(default_factory=dict)


def current_documents():
    """The newest stored version of each readable source file, as a subquery of document ids."""
    return (select(func.max(DocumentRow.id).label("id")).where(DocumentRow.status == "ok")
            .group_by(DocumentRow.source).subquery())


def _columns(ev) -> tuple:
    """A `Row`'s columns, the state from the finding's newest event `ev` (open at version 0 without one)."""
    return (FindingRow.key, FindingRow.doc_id, DocumentRow.source, DocumentRow.department, DocumentRow.year,
            FindingRow.rule, FindingRow.severity, FindingRow.message, FindingRow.expected, FindingRow.found,
            FindingRow.evidence, func.coalesce(ev.status, "open").label("status"), ev.reason, ev.decided_by,
            ev.decided_at, ev.decision_note, ev.assignee, func.coalesce(ev.version, 0).label("version"))


def _base(query: Query):
    """The selection as SQL: the current documents' findings that pass the filters. The join to each
    finding's newest event (a lookup per finding) is made only when a filter is on the decision: it adds no
    row, so counting and sorting do without it."""
    current = current_documents()
    q = (select(FindingRow.id)
         .join(current, current.c.id == FindingRow.doc_id)
         .join(DocumentRow, DocumentRow.id == FindingRow.doc_id))
    conditions = []
    if query.status or query.reviewer or query.assignee:
        ev, on_newest = newest(FindingRow.key)
        q = q.outerjoin(ev, on_newest)
        if query.status:
            conditions.append(func.coalesce(ev.status, "open") == query.status)
        if query.reviewer:
            conditions.append(ev.decided_by == query.reviewer)
        if query.assignee:
            conditions.append(ev.assignee == query.assignee)
    if query.severity:
        conditions.append(FindingRow.severity == query.severity)
    if query.rule:
        conditions.append(FindingRow.rule == query.rule)
    if query.department:
        conditions.append(DocumentRow.department == query.department)
    if query.year:
        conditions.append(DocumentRow.year == (int(query.year) if query.year.isdigit() else -1))
    if query.family:
        conditions.append(exists().where(IndicatorRow.doc_id == FindingRow.doc_id, IndicatorRow.family == query.family))
    if query.q:
        like = f"%{query.q.replace('%', '').replace('_', '')}%"
        conditions.append(or_(FindingRow.message.like(like), DocumentRow.source.like(like)))
    return q.where(and_(*conditions)) if conditions else q


_RANK = case(*[(FindingRow.severity == s, -r) for s, r in SEVERITY_RANK.items()], else_=0)
ORDER = (_RANK, DocumentRow.department, DocumentRow.year, DocumentRow.source, FindingRow.id)


class Orders:
    """The ordered finding ids of recent selections, so that paging through one is a slice, not a sort.

    An entry is good while the store's newest document and, for a selection that filters on decisions, its
    newest event are the ones it was made with; both are one indexed lookup to check. A few selections are
    kept (the most recently used), each up to `LARGEST` ids."""

    SIZE = 16
    LARGEST = 200_000

    def __init__(self):
        self.entries: OrderedDict[tuple, list[int]] = OrderedDict()

    def ids(self, session: Session, query: Query) -> list[int]:
        filters = tuple(getattr(query, k) for k in FILTERS)
        stamp = session.scalar(select(func.max(DocumentRow.id)))
        if query.status or query.reviewer or query.assignee:
            stamp = (stamp, session.scalar(select(func.max(EventRow.id))))
        key = (filters, stamp)
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        ids = list(session.scalars(_base(query).order_by(*ORDER)))
        if len(ids) <= self.LARGEST:
            self.entries[key] = ids
            while len(self.entries) > self.SIZE:
                self.entries.popitem(last=False)
        return ids


def findings(session: Session, query: Query, page_size: int = PAGE_SIZE, orders: Orders | None = None) -> Page:
    """One page of the queue, worst first, then by unit, year and file."""
    ids = (orders or Orders()).ids(session, query)
    start = (query.page - 1) * page_size
    return Page(_read(session, ids[start:start + page_size]), len(ids), query, pages=max(1, -(-len(ids) // page_size)))


def _read(session: Session, ids) -> list[Row]:
    """The queue's rows of these findings, in the queue's order."""
    ev, on_newest = newest(FindingRow.key)
    out: list[Row] = []
    for chunk in id_chunks(ids):
        q = (select(*_columns(ev)).join(DocumentRow, DocumentRow.id == FindingRow.doc_id).outerjoin(ev, on_newest)
             .where(FindingRow.id.in_(chunk)).order_by(*ORDER))
        out.extend(Row(*r) for r in session.execute(q))
    return out


def all_findings(session: Session, query: Query) -> list[Row]:
    """Every finding the query selects, by unit, year and file, worst first (for the working paper)."""
    return sorted_rows(_read(session, session.scalars(_base(query)).all()))


def sorted_rows(rows: list[Row]) -> list[Row]:
    rank = {s: -r for s, r in SEVERITY_RANK.items()}
    return sorted(rows, key=lambda r: (r.department or "", r.year or 0, r.source, rank.get(r.severity, 0)))


def choices(session: Session) -> dict[str, list[str]]:
    """The values each filter can take in this store, for the filter menus."""
    current = current_documents()
    in_current = FindingRow.doc_id.in_(select(current.c.id))

    def values(column, where=None) -> list[str]:
        q = select(column).distinct().where(column.is_not(None))
        if where is not None:
            q = q.where(where)
        return sorted(str(v) for v in session.scalars(q))

    docs = DocumentRow.id.in_(select(current.c.id))
    ev, is_newest = newest()
    return {
        "rule": values(FindingRow.rule, in_current),
        "department": values(DocumentRow.department, docs),
        "year": values(DocumentRow.year, docs),
        "family": values(IndicatorRow.family, IndicatorRow.doc_id.in_(select(current.c.id))),
        "reviewer": values(ev.decided_by, is_newest),
        "assignee": values(ev.assignee, is_newest),
    }
