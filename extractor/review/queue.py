"""The review queue: every finding of the store's current documents with its decision state, filtered,
sorted and paged by SQL, so a page costs the same at 2 000 documents as at 100 000.

"Current" is the newest stored version of each source file (as the audit pages show it); an older
pipeline version's findings stay in the store and keep their decisions through their keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from extractor.batch.store import SEVERITY_RANK, DocumentRow, FindingRow, IndicatorRow
from extractor.review.decisions import newest_events

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


def _base(query: Query):
    ev = newest_events()
    current = current_documents()
    status = func.coalesce(ev.c.status, "open")
    q = (select(FindingRow.key, FindingRow.doc_id, DocumentRow.source, DocumentRow.department, DocumentRow.year,
                FindingRow.rule, FindingRow.severity, FindingRow.message, FindingRow.expected, FindingRow.found,
                FindingRow.evidence, status.label("status"), ev.c.reason, ev.c.decided_by, ev.c.decided_at,
                ev.c.decision_note, ev.c.assignee, func.coalesce(ev.c.version, 0).label("version"))
         .join(current, current.c.id == FindingRow.doc_id)
         .join(DocumentRow, DocumentRow.id == FindingRow.doc_id)
         .outerjoin(ev, ev.c.finding_key == FindingRow.key))
    conditions = []
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
    if query.status:
        conditions.append(status == query.status)
    if query.reviewer:
        conditions.append(ev.c.decided_by == query.reviewer)
    if query.assignee:
        conditions.append(ev.c.assignee == query.assignee)
    if query.q:
        like = f"%{query.q.replace('%', '').replace('_', '')}%"
        conditions.append(or_(FindingRow.message.like(like), DocumentRow.source.like(like)))
    return q.where(and_(*conditions)) if conditions else q


def findings(session: Session, query: Query, page_size: int = PAGE_SIZE) -> Page:
    """One page of the queue, worst first, then by unit, year and file."""
    base = _base(query)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rank = case(*[(FindingRow.severity == s, -r) for s, r in SEVERITY_RANK.items()], else_=0)
    order = (rank, DocumentRow.department, DocumentRow.year, DocumentRow.source, FindingRow.id)
    # the sort runs over narrow rows (ids); only the page's rows are read whole
    ids = session.scalars(base.with_only_columns(FindingRow.id).order_by(*order).limit(page_size)
                          .offset((query.page - 1) * page_size)).all()
    rows = [Row(*r) for r in session.execute(base.where(FindingRow.id.in_(ids)).order_by(*order))] if ids else []
    return Page(rows, total, query, pages=max(1, -(-total // page_size)))


def all_findings(session: Session, query: Query) -> list[Row]:
    """Every finding the query selects, in the queue's order (for the working paper)."""
    rank = case(*[(FindingRow.severity == s, -r) for s, r in SEVERITY_RANK.items()], else_=0)
    ordered = _base(query).order_by(DocumentRow.department, DocumentRow.year, DocumentRow.source, rank, FindingRow.id)
    return [Row(*r) for r in session.execute(ordered)]


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
    ev = newest_events()
    return {
        "rule": values(FindingRow.rule, in_current),
        "department": values(DocumentRow.department, docs),
        "year": values(DocumentRow.year, docs),
        "family": values(IndicatorRow.family, IndicatorRow.doc_id.in_(select(current.c.id))),
        "reviewer": values(ev.c.decided_by),
        "assignee": values(ev.c.assignee),
    }
