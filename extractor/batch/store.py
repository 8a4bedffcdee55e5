"""The results store: documents, indicators, claims, findings and errors, through SQLAlchemy.

SQLite by default (`OUT/results.sqlite`, WAL mode, so readers never block the
writer and a killed run leaves a consistent file); PostgreSQL (`postgresql://…`,
the `postgres` extra) is tested against a real server. One file's results go in one
transaction (`save`), and `(source, sha256, pipeline)` is unique, so a file is
stored exactly once however often a run is killed and restarted.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DataError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from extractor.i18n import _

# the key of the PostgreSQL advisory lock a run holds on its store ("extr" in ASCII)
ADVISORY_KEY = 0x65787472

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
# a version of a report made by the workbench from a pipeline's version with reviewers' corrections applied:
# its pipeline id is `<pipeline>+corrected-<n>`, and it counts as that pipeline's (review/corrections.py)
CORRECTED = "+corrected-"


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("source", "sha256", "pipeline", name="uq_document_version"),
        # every column `documents()` lists: listing a store of 10⁵ reads this index alone, never the rows with their
        # payloads (SQLite keeps the start of each payload in the row's own page). SQLite only: PostgreSQL keeps
        # payloads out of line already, and its index entries could not hold a long path
        Index("ix_documents_listed", "pipeline", "status", "worst", "n_findings", "source", "sha256", "format", "pages",
              "department", "supervising_department", "year", "n_indicators", "n_claims", "n_errors", "id").ddl_if(
            dialect="sqlite"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pipeline: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))  # ok | error
    format: Mapped[str | None] = mapped_column(String(16))
    pages: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(String(256))
    supervising_department: Mapped[str | None] = mapped_column(String(256))
    year: Mapped[int | None] = mapped_column(Integer)
    n_indicators: Mapped[int] = mapped_column(Integer, default=0)
    n_claims: Mapped[int] = mapped_column(Integer, default=0)
    n_findings: Mapped[int] = mapped_column(Integer, default=0)
    n_errors: Mapped[int] = mapped_column(Integer, default=0, doc="findings of severity error")
    worst: Mapped[int] = mapped_column(Integer, default=0, doc="highest finding severity rank (3 error … 0 none)")
    seconds: Mapped[float | None] = mapped_column(Float)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # deferred: listing thousands of documents must not load their payloads
    extraction: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=False, doc="contract JSON, zlib")
    document: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=False, doc="the reconstructed Document JSON, zlib")
    crops: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=False,
                                                doc="page-image crops of a scan's OCR-read evidence: JSON {key: PNG data URI}, zlib")

    indicators: Mapped[list[IndicatorRow]] = relationship(back_populates="doc", cascade="all, delete-orphan")
    claims: Mapped[list[ClaimRow]] = relationship(back_populates="doc", cascade="all, delete-orphan")
    findings: Mapped[list[FindingRow]] = relationship(back_populates="doc", cascade="all, delete-orphan")
    errors: Mapped[list[ErrorRow]] = relationship(back_populates="doc", cascade="all, delete-orphan")


class IndicatorRow(Base):
    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    form: Mapped[str | None] = mapped_column(String(64))
    # the layout family and project of the form the row belongs to: an analyst filters a province's archive by them
    family: Mapped[str | None] = mapped_column(String(64))
    project: Mapped[str | None] = mapped_column(Text)
    level1: Mapped[str | None] = mapped_column(String(256))
    level2: Mapped[str | None] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    target_value: Mapped[float | None] = mapped_column(Float)
    actual: Mapped[str | None] = mapped_column(Text)
    actual_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    weight: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    n_findings: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[dict | None] = mapped_column(JSON)
    doc: Mapped[DocumentRow] = relationship(back_populates="indicators")


class ClaimRow(Base):
    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    raw: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(32))
    sentence: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    at: Mapped[dict | None] = mapped_column(JSON)
    doc: Mapped[DocumentRow] = relationship(back_populates="claims")


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[str] = mapped_column(String(64))
    # the finding across runs and pipeline versions of the same report (finding_key); the workbench's decisions hang on it
    key: Mapped[str | None] = mapped_column(String(40), index=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    found: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list | None] = mapped_column(JSON)
    # on findings over OCR-read figures: `misread` or `report`, and the lowest reading confidence
    cause: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[float | None] = mapped_column(Float)
    doc: Mapped[DocumentRow] = relationship(back_populates="findings")


class ErrorRow(Base):
    __tablename__ = "errors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # unreadable | timeout | memory | crashed | internal
    message: Mapped[str] = mapped_column(Text)
    doc: Mapped[DocumentRow] = relationship(back_populates="errors")


def _form_of(forms: list[dict], ind: dict) -> dict:
    k = ind.get("form_index")
    return forms[k] if isinstance(k, int) and 0 <= k < len(forms) else {}


def id_chunks(ids, size: int = 500):
    """Ids, sorted and without repeats, in lists short enough for an IN clause on every database."""
    ids = sorted(set(ids))
    for k in range(0, len(ids), size):
        yield ids[k:k + size]


def _add_missing_columns(engine) -> None:
    """Columns added to a table after a store was made (findings.cause, .confidence): a resumed run
    writes into an older store rather than failing on insert."""
    inspector = inspect(engine)
    with engine.begin() as con:
        for table in Base.metadata.sorted_tables:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have:
                    kind = column.type.compile(dialect=engine.dialect)
                    con.execute(text(f'ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}'))


SQLITE_ONLY = {"ix_documents_listed"}


def _add_missing_indexes(engine) -> None:
    """Indexes added after a store was made (the listing index): made on an older store at its next open."""
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            if engine.dialect.name == "sqlite" or index.name not in SQLITE_ONLY:
                index.create(engine, checkfirst=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across a killed process
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class StoreUnavailable(Exception):
    """The store cannot be opened or reached; `str()` is the one-line message."""


def shown_url(url: str) -> str:
    """A store URL as it may be printed and logged: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split()) or type(orig).__name__


class Store:
    def __init__(self, url: str):
        self.url = url
        shown = shown_url(url)
        try:
            self.engine = create_engine(url)
        except ArgumentError:
            said = _("not a database URL (sqlite:///PATH or postgresql://USER@HOST/DB)")
            raise StoreUnavailable(f"{url}: {said}") from None
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            said = _("the database driver is not installed ({said}); for PostgreSQL install the postgres extra").format(
                said=_first_line(exc))
            raise StoreUnavailable(f"{shown}: {said}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        import extractor.review.tables  # noqa: F401 - the workbench keeps its decisions in the same store

        try:
            Base.metadata.create_all(self.engine)
            _add_missing_columns(self.engine)
            _add_missing_indexes(self.engine)
        except OperationalError as exc:
            self.engine.dispose()
            said = _("cannot open the store ({said})").format(said=_first_line(exc))
            raise StoreUnavailable(f"{shown}: {said}") from None

    @classmethod
    def at(cls, out: Path, url: str | None = None, on_corrupt=None) -> Store:
        """The store of OUT (or `url`). A SQLite file that is not a database any more is moved aside
        as `results.sqlite.corrupt-<time>` and a new store is built; `on_corrupt(message)` is told."""
        if url:
            return cls(url)
        path = Path(out).resolve() / "results.sqlite"
        try:
            return cls(f"sqlite:///{path}")
        except DatabaseError as exc:
            import time

            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            path.replace(aside)
            for extra in ("-wal", "-shm", "-journal"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
            if on_corrupt:
                said = _("not a readable store ({said}); moved aside to {name}, a new store is built and every file "
                         "is read again").format(said=" ".join(str(exc.orig).split()), name=aside.name)
                on_corrupt(f"{path}: {said}")
            return cls(f"sqlite:///{path}")

    def claim(self) -> None:
        """Hold this store for one run. A SQLite store is held through the lock on OUT; a server store,
        which runs of several OUT folders may share, through a session advisory lock of PostgreSQL."""
        if self.engine.dialect.name != "postgresql":
            return
        self._claim = self.engine.connect()
        if not self._claim.execute(text("select pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
            self._claim.close()
            self._claim = None
            said = _("another extractor run is writing to this store; wait for it to end or give another --db")
            raise StoreUnavailable(f"{shown_url(self.url)}: {said}")

    def done(self, pipeline: str, include_errors: bool = True) -> set[tuple[str, str]]:
        """(source, sha256) of every file already stored for this pipeline version."""
        with Session(self.engine) as s:
            q = select(DocumentRow.source, DocumentRow.sha256).where(DocumentRow.pipeline == pipeline)
            if not include_errors:
                q = q.where(DocumentRow.status == "ok")
            return {(a, b) for a, b in s.execute(q)}

    def forget_errors(self, pipeline: str) -> int:
        """Drop stored errors of this pipeline version, so that a retry can store the new outcome."""
        from sqlalchemy import delete

        with Session(self.engine) as s:
            n = s.execute(delete(DocumentRow).where(DocumentRow.pipeline == pipeline, DocumentRow.status != "ok")).rowcount
            s.commit()
            return n

    def save(self, result: dict, pipeline: str) -> int | None:
        """Store one file's outcome in one transaction; None when it was already stored."""
        row = _fitted(_document_row(result, pipeline))
        with Session(self.engine) as s:
            s.add(row)
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                return None
            except DataError as exc:
                # a value this database refuses (out of range, badly encoded) costs that file alone
                s.rollback()
                if result["status"] != "ok":
                    raise
                return self.save({"source": result["source"], "sha256": result["sha256"], "status": "error",
                                  "error_kind": "internal", "seconds": result.get("seconds"),
                                  "error": f"{result['source']}: its results could not be stored ({_first_line(exc)})"},
                                 pipeline)
            return row.id

    def payload(self, doc_id: int) -> tuple[str | None, str | None]:
        """The stored contract JSON and Document JSON of one document."""
        with Session(self.engine) as s:
            row = s.execute(select(DocumentRow.extraction, DocumentRow.document).where(DocumentRow.id == doc_id)).one()
            return tuple(zlib.decompress(b).decode("utf-8") if b else None for b in row)  # type: ignore[return-value]

    def crops_of(self, doc_id: int) -> dict[str, str]:
        """The page-image crops stored with a scanned document (batch/crops.py), by place."""
        with Session(self.engine) as s:
            blob = s.execute(select(DocumentRow.crops).where(DocumentRow.id == doc_id)).scalar_one_or_none()
        return json.loads(zlib.decompress(blob)) if blob else {}

    def documents(self, pipeline: str | None = None) -> list[Listed]:
        """Every stored document without its payloads (of `pipeline`, its corrected versions included), worst
        first; plain rows, not ORM objects, because a province's store lists 10⁵ of them at every run."""
        columns = [getattr(DocumentRow, name) for name in LISTED]
        with Session(self.engine) as s:
            q = select(*columns)
            if pipeline:
                q = q.where(or_(DocumentRow.pipeline == pipeline,
                                DocumentRow.pipeline.startswith(pipeline + CORRECTED, autoescape=True)))
            q = q.order_by(DocumentRow.worst.desc(), DocumentRow.n_findings.desc(), DocumentRow.source)
            docs = [Listed(*row) for row in s.execute(q)]
            failed = {d.id: d for d in docs if d.status != "ok"}
            for chunk in id_chunks(failed):
                for doc_id, kind, message in s.execute(select(ErrorRow.doc_id, ErrorRow.kind, ErrorRow.message)
                                                       .where(ErrorRow.doc_id.in_(chunk)).order_by(ErrorRow.id)):
                    failed[doc_id].errors.append(ListedError(kind, message))
        return docs

    def replace_findings(self, doc_id: int, prefix: str, findings: list[dict]) -> None:
        """Replace a document's findings whose rule starts with `prefix` (the cross-year ones), and its counts."""
        from sqlalchemy import delete

        with Session(self.engine) as s:
            sha256 = s.scalar(select(DocumentRow.sha256).where(DocumentRow.id == doc_id))
            s.execute(delete(FindingRow).where(FindingRow.doc_id == doc_id, FindingRow.rule.startswith(prefix)))
            for f in findings:
                row = _fitted(_finding_row(f, sha256))
                row.doc_id = doc_id
                s.add(row)
            s.flush()
            _set_counts(s.get(DocumentRow, doc_id), list(s.scalars(select(FindingRow.severity).where(FindingRow.doc_id == doc_id))))
            s.commit()

    def findings_of(self, doc_id: int, prefix: str) -> list[dict]:
        """A document's stored findings whose rule starts with `prefix`, as output-contract dicts."""
        return self.findings_by_document([doc_id], prefix).get(doc_id, [])

    def findings_by_document(self, doc_ids: list[int], prefix: str) -> dict[int, list[dict]]:
        """`findings_of` for many documents in a few queries (ids in chunks that every database accepts)."""
        out: dict[int, list[dict]] = {}
        with Session(self.engine) as s:
            for chunk in id_chunks(doc_ids):
                rows = s.scalars(select(FindingRow).where(FindingRow.doc_id.in_(chunk),
                                                          FindingRow.rule.startswith(prefix)).order_by(FindingRow.id))
                for r in rows:
                    out.setdefault(r.doc_id, []).append(
                        {"id": r.finding_id, "rule": r.rule, "severity": r.severity, "verdict": r.verdict,
                         "message": r.message, "expected": r.expected, "found": r.found, "evidence": r.evidence or [],
                         "confidence": r.confidence, "cause": r.cause})
        return out

    def finding_keys(self, doc_id: int) -> dict[str, str]:
        """A document's stored findings' keys, by finding id (its own and the cross-year ones)."""
        with Session(self.engine) as s:
            return dict(s.execute(select(FindingRow.finding_id, FindingRow.key).where(FindingRow.doc_id == doc_id)).all())

    def fill_finding_keys(self) -> int:
        """Give a key to the findings of a store written before findings had one; returns how many."""
        n = 0
        with Session(self.engine) as s:
            while True:
                rows = s.execute(select(FindingRow, DocumentRow.sha256).join(DocumentRow)
                                 .where(FindingRow.key.is_(None)).limit(1000)).all()
                if not rows:
                    break
                for row, sha256 in rows:
                    row.key = finding_key(sha256, {"rule": row.rule, "evidence": row.evidence or []})
                n += len(rows)
                s.commit()
        return n

    def extractions(self, doc_ids: list[int]) -> dict[int, str]:
        """The stored contract JSON of many documents, in a few queries."""
        out: dict[int, str] = {}
        with Session(self.engine) as s:
            for chunk in id_chunks(doc_ids):
                for doc_id, blob in s.execute(select(DocumentRow.id, DocumentRow.extraction)
                                              .where(DocumentRow.id.in_(chunk))):
                    if blob:
                        out[doc_id] = zlib.decompress(blob).decode("utf-8")
        return out

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        if getattr(self, "_claim", None) is not None:
            self._claim.close()  # ends the session, which releases its advisory lock
            self._claim = None
        self.engine.dispose()


SOURCE_MAX = 1024


def latest_versions(docs: list) -> list:
    """One document per source: a file changed since an earlier run, or corrected in the workbench, supersedes
    its earlier version (which stays in the store), so pages, counts and comparisons use what the file says
    now. Order is kept."""
    newest: dict[str, int] = {}
    for d in docs:
        newest[d.source] = max(newest.get(d.source, d.id), d.id)
    return [d for d in docs if newest[d.source] == d.id]


def source_label(source: str) -> str:
    """`source` as stored: a label longer than the column keeps its two ends and a hash of the whole,
    so that it stays unique and the same label on every run (PostgreSQL enforces the length)."""
    if len(source) <= SOURCE_MAX:
        return source
    import hashlib

    digest = hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{source[:480]}…[{digest}]…{source[-480:]}"


def _fitted(row: Base) -> Base:
    """Text that any database accepts: NUL characters (PostgreSQL refuses them) shown as U+FFFD and
    strings clipped to their column's length; a document's related rows are fitted with it."""
    for column in row.__table__.columns:
        value = getattr(row, column.key, None)
        if not isinstance(value, str):
            continue
        value = value.replace("\x00", "\ufffd")
        limit = getattr(column.type, "length", None)
        if column.key == "source":
            value = source_label(value)
        elif limit and len(value) > limit:
            value = value[: limit - 1] + "…"
        setattr(row, column.key, value)
    if isinstance(row, DocumentRow):
        for child in (*row.indicators, *row.claims, *row.findings, *row.errors):
            _fitted(child)
    return row


#: the columns of a document that listing it gives (`Store.documents`)
LISTED = ("id", "source", "sha256", "pipeline", "status", "format", "pages", "department", "supervising_department", "year",
          "n_indicators", "n_claims", "n_findings", "n_errors", "worst")


@dataclass(slots=True)
class ListedError:
    kind: str
    message: str


@dataclass(slots=True)
class Listed:
    """A stored document as `Store.documents` lists it: DocumentRow's columns without the payloads."""

    id: int
    source: str
    sha256: str
    pipeline: str
    status: str
    format: str | None
    pages: int | None
    department: str | None
    supervising_department: str | None
    year: int | None
    n_indicators: int
    n_claims: int
    n_findings: int
    n_errors: int
    worst: int
    errors: list[ListedError] = field(default_factory=list)


def _quantity_parts(q: dict | None) -> tuple[str | None, float | None, str | None]:
    if not q:
        return None, None, None
    return q.get("text"), q.get("value"), q.get("unit")


def _document_row(result: dict, pipeline: str) -> DocumentRow:
    now = datetime.now(timezone.utc)
    row = DocumentRow(
        source=result["source"],
        sha256=result["sha256"],
        pipeline=pipeline,
        status=result["status"],
        seconds=result.get("seconds"),
        created=now,
    )
    if result["status"] != "ok":
        row.errors.append(ErrorRow(kind=result.get("error_kind", "unreadable"), message=result["error"]))
        return row
    ex = json.loads(result["extraction"])
    row.extraction = zlib.compress(result["extraction"].encode("utf-8"))
    if result.get("document"):
        row.document = zlib.compress(result["document"].encode("utf-8"))
    if result.get("crops"):
        row.crops = zlib.compress(result["crops"].encode("utf-8"))
    row.format = ex["source"].get("format")
    row.pages = ex["source"].get("pages")
    row.department = ex.get("department")
    row.supervising_department = ex.get("supervising_department")
    forms = ex.get("forms") or []
    row.year = ex.get("year")
    findings = ex.get("findings", [])
    row.n_indicators = len(ex.get("indicators", []))
    row.n_claims = len(ex.get("claims", []))
    _set_counts(row, [f["severity"] for f in findings])
    per_indicator = _findings_per_indicator(ex)
    for i, ind in enumerate(ex.get("indicators", [])):
        t_raw, t_val, t_unit = _quantity_parts(ind.get("target"))
        a_raw, a_val, a_unit = _quantity_parts(ind.get("actual"))
        row.indicators.append(
            IndicatorRow(
                position=i, form=ind.get("form"),
                family=_form_of(forms, ind).get("family"), project=_form_of(forms, ind).get("project"),
                level1=ind.get("level1"), level2=ind.get("level2"),
                name=ind["name"], target=t_raw, target_value=t_val, actual=a_raw, actual_value=a_val,
                unit=a_unit or t_unit, weight=ind.get("weight"), score=ind.get("score"),
                n_findings=per_indicator.get(i, 0), at=ind.get("at"),
            )
        )
    for c in ex.get("claims", []):
        v = c.get("value") or {}
        row.claims.append(
            ClaimRow(metric=c.get("metric"), kind=c["kind"], value=v.get("value"), raw=v.get("text", ""),
                     unit=v.get("unit"), sentence=c.get("sentence", ""), confidence=c.get("confidence"), at=c.get("at"))
        )
    for f in findings:
        row.findings.append(_finding_row(f, result["sha256"]))
    return row


def finding_key(sha256: str, finding: dict) -> str:
    """A finding's identity across runs and pipeline versions of one report: the report's content, the rule
    and the evidence (text and place, in any order), not its number or its wording."""
    evidence = sorted(
        json.dumps([e.get("text"), {k: v for k, v in (e.get("at") or {}).items() if v is not None}, e.get("document")],
                   ensure_ascii=False, sort_keys=True)
        for e in finding.get("evidence") or []
    )
    payload = json.dumps([sha256, finding.get("rule"), evidence], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def _finding_row(f: dict, sha256: str) -> FindingRow:
    """A finding of the output contract as a store row."""
    return FindingRow(finding_id=f["id"], key=finding_key(sha256, f), rule=f["rule"], severity=f["severity"], verdict=f["verdict"],
                      message=f["message"], expected=f.get("expected"), found=f.get("found"), evidence=f.get("evidence"),
                      cause=f.get("cause"), confidence=f.get("confidence"))


def _set_counts(row: DocumentRow, severities: list[str]) -> None:
    """A document's finding counts and its worst severity, from its findings' severities."""
    row.n_findings = len(severities)
    row.n_errors = severities.count("error")
    row.worst = max((SEVERITY_RANK.get(x, 0) for x in severities), default=0)


def _findings_per_indicator(ex: dict) -> dict[int, int]:
    """Findings whose evidence points at an indicator's row, counted per indicator."""
    rows: dict[tuple[str, int], int] = {}
    for i, ind in enumerate(ex.get("indicators", [])):
        at = ind.get("at") or {}
        if at.get("table") is not None and at.get("row") is not None:
            rows.setdefault((at["table"], at["row"]), i)
        for cell in (ind.get("cells") or {}).values():
            if cell and cell.get("table") is not None and cell.get("row") is not None:
                rows.setdefault((cell["table"], cell["row"]), i)
    counts: dict[int, int] = {}
    for f in ex.get("findings", []):
        hit = {rows[(e["at"]["table"], e["at"]["row"])] for e in f.get("evidence", [])
               if e.get("at", {}).get("table") is not None and (e["at"]["table"], e["at"].get("row")) in rows}
        for i in hit:
            counts[i] = counts.get(i, 0) + 1
    return counts
