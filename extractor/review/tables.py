"""The workbench's tables, in the same store as the batch results (SQLite or PostgreSQL).

Nothing here is ever updated or deleted: a decision, an assignment or a
correction is a new row. A finding's event carries its whole state after the
change, so its newest row is its state and the older rows are its history.
`(finding_key, version)` is unique, so of two reviewers who saved on the same
version the database keeps one and refuses the other (optimistic versioning).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extractor.batch.store import Base


class UserRow(Base):
    __tablename__ = "review_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # reviewer | lead | admin
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventRow(Base):
    """One change to a finding, with the finding's whole state after it: the newest row of a key is its state."""

    __tablename__ = "review_events"
    __table_args__ = (UniqueConstraint("finding_key", "version", name="uq_review_events_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_key: Mapped[str] = mapped_column(String(40), index=True)  # store.finding_key
    version: Mapped[int] = mapped_column(Integer)  # the finding's version after this event, 1 for the first
    change: Mapped[str] = mapped_column(String(16))  # status | assign
    note: Mapped[str | None] = mapped_column(Text)  # what the reviewer wrote with this change
    reviewer: Mapped[str] = mapped_column(String(64))  # the account that made the change
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_from: Mapped[str] = mapped_column(String(16))
    # the state after the change
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(String(64))


class CorrectionRow(Base):
    __tablename__ = "review_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # the report's content, across pipeline versions
    place: Mapped[dict] = mapped_column(JSON)  # the cell or span: table, row, col (or block, start, end)
    original: Mapped[str] = mapped_column(Text)
    corrected: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))  # the account that did it
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignoffRow(Base):
    """A lead's sign-off of a working paper: the selection it covers and what it held at that moment."""

    __tablename__ = "review_signoffs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    selection: Mapped[dict] = mapped_column(JSON)  # the queue's filters that made the paper
    findings: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer)
    dismissed: Mapped[int] = mapped_column(Integer)
    explain: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))  # the lead who signed
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AnnotationRow(Base):
    """A reviewer's METRIC / VALUE / TARGET spans for one text block of a report, beside the tagger's."""

    __tablename__ = "review_annotations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    block: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    entities: Mapped[list] = mapped_column(JSON)  # [{start, end, label}], as the annotation files hold them
    machine: Mapped[list] = mapped_column(JSON)  # the tagger's spans the reviewer started from
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailureRow(Base):
    """A wrong password for a name from an address: counted in a sliding window, by every server process."""

    __tablename__ = "review_login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
