"""Decisions on findings: what a reviewer may say of one, and the finding's state (its newest event).

A finding is known across runs by `store.finding_key`: the report's content
(sha256), the rule and the evidence (text and place). A new pipeline version
of the same report gives the same key to a finding that did not change, so
its decisions carry over; a finding whose evidence moved gets a new key and
starts open, which is what "marked for review" means here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from extractor.batch.store import id_chunks
from extractor.i18n import N_, _
from extractor.review.tables import EventRow

# status -> its name on the workbench's pages (translated where shown)
STATUSES = {"open": N_("open"), "confirmed": N_("confirmed"), "dismissed": N_("dismissed"),
            "explain": N_("needs an explanation")}
# reason -> its name; a dismissal needs one, the others may give one
REASONS = {
    "misread": N_("misread by the machine"),
    "rule_not_applicable": N_("the rule does not apply"),
    "within_tolerance": N_("a difference within tolerance"),
    "explained_in_report": N_("explained in the report"),
    "duplicate": N_("a duplicate of another finding"),
    "report_error": N_("the report is wrong"),
    "other": N_("other reason"),
}
ROLES = ("reviewer", "lead", "admin")
ASSIGNS = ("lead", "admin")  # who may give a finding to someone


class DecisionError(ValueError):
    """A decision that cannot be recorded as asked (unknown status, no reason for a dismissal …)."""


class Forbidden(PermissionError):
    """The user's role may not do this."""


class Conflict(Exception):
    """Someone else saved first: the finding is no longer at the version the reviewer saw."""

    def __init__(self, current: State):
        super().__init__(f"finding {current.key} is at version {current.version}")
        self.current = current


@dataclass
class State:
    key: str
    status: str = "open"
    reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    assignee: str | None = None
    version: int = 0

    @classmethod
    def of(cls, row: EventRow) -> State:
        return cls(row.finding_key, row.status, row.reason, row.decided_by, row.decided_at, row.decision_note,
                   row.assignee, row.version)


def newest(key_column=None):
    """An alias of the events and the condition that keeps each finding's newest one (its state), joined to
    `key_column` when given. NOT EXISTS on (finding_key, version), which the unique constraint indexes: a
    lookup per finding, where a GROUP BY subquery would be built and indexed again at every query."""
    ev, newer = aliased(EventRow), aliased(EventRow)
    is_newest = ~exists().where(newer.finding_key == ev.finding_key, newer.version > ev.version)
    return ev, (is_newest if key_column is None else and_(ev.finding_key == key_column, is_newest))


def states(session: Session, keys: list[str]) -> dict[str, State]:
    """Every asked finding's state; one never decided on is open at version 0."""
    out = {k: State(k) for k in keys}
    ev, is_newest = newest()
    for chunk in id_chunks(keys):
        for row in session.scalars(select(ev).where(ev.finding_key.in_(chunk), is_newest)):
            out[row.finding_key] = State.of(row)
    return out


def history(session: Session, key: str) -> list[EventRow]:
    """Who did what to the finding, oldest first."""
    return histories(session, [key])[key]


def histories(session: Session, keys: list[str]) -> dict[str, list[EventRow]]:
    """`history` of many findings in a few queries."""
    out: dict[str, list[EventRow]] = {k: [] for k in keys}
    for chunk in id_chunks(keys):
        for row in session.scalars(select(EventRow).where(EventRow.finding_key.in_(chunk)).order_by(EventRow.version)):
            out[row.finding_key].append(row)
    return out


def decide(
    session: Session,
    key: str,
    *,
    user: str,
    role: str,
    seen_version: int,
    status: str | None = None,
    assignee: str | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> State:
    """Record a decision (`status`) or an assignment (`assignee`, "" to take it back) on the finding as the
    reviewer saw it at `seen_version`; raises Conflict with the other's change if it moved since, and
    commits otherwise."""
    if (status is None) == (assignee is None):
        raise DecisionError(_("one change at a time: a decision or an assignment"))
    if status is not None and status not in STATUSES:
        raise DecisionError(_("unknown decision {status!r}").format(status=status))
    if reason is not None and reason not in REASONS:
        raise DecisionError(_("unknown reason {reason!r}").format(reason=reason))
    if status == "dismissed" and reason is None:
        raise DecisionError(_("a dismissal needs a reason"))
    if assignee is not None and role not in ASSIGNS:
        raise Forbidden(_("a {role} may not assign findings").format(role=role))
    current = states(session, [key])[key]
    if current.version != seen_version:
        raise Conflict(current)
    now = datetime.now(timezone.utc)
    note = (note or "").strip() or None
    row = EventRow(finding_key=key, version=current.version + 1, note=note, reviewer=user, at=now,
                   status_from=current.status, status=current.status, reason=current.reason,
                   decided_by=current.decided_by, decided_at=current.decided_at,
                   decision_note=current.decision_note, assignee=current.assignee)
    if status is not None:
        row.change, row.status, row.reason = "status", status, reason
        row.decided_by, row.decided_at, row.decision_note = user, now, note
    else:
        row.change, row.assignee = "assign", assignee or None
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # another reviewer's save of the same version got in between the read and the write
        session.rollback()
        raise Conflict(states(session, [key])[key]) from None
    return State.of(row)
