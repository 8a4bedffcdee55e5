"""Decisions on findings: what a reviewer may say of one, and the finding's state as the fold of what was said.

A finding is known across runs by `finding_key`: the report's content
(sha256), the rule and the evidence (text and place). A new pipeline version
of the same report gives the same key to a finding that did not change, so
its decisions carry over; a finding whose evidence moved gets a new key and
starts open, which is what "marked for review" means here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extractor.review.tables import EventRow

# status -> its name on the workbench's pages
STATUSES = {"open": "待审", "confirmed": "确认", "dismissed": "排除", "explain": "待说明"}
# reason -> its name; a dismissal needs one, the others may give one
REASONS = {
    "misread": "识别或提取有误",
    "rule_not_applicable": "规则不适用",
    "within_tolerance": "差异在允许范围内",
    "explained_in_report": "报告已作说明",
    "duplicate": "与其他问题重复",
    "report_error": "报告数据确有错误",
    "other": "其他",
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
    assignee: str | None = None
    version: int = 0
    reason: str | None = None
    note: str | None = None
    user: str | None = None
    at: datetime | None = None


def finding_key(sha256: str, finding: dict) -> str:
    """The finding's identity across pipeline versions of one report: its rule and evidence, not its number."""
    evidence = sorted(
        json.dumps([e.get("text"), {k: v for k, v in (e.get("at") or {}).items() if v is not None}, e.get("document")],
                   ensure_ascii=False, sort_keys=True)
        for e in finding.get("evidence") or []
    )
    payload = json.dumps([sha256, finding.get("rule"), evidence], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:40]


def states(session: Session, keys: list[str]) -> dict[str, State]:
    """Every asked finding's state; one never decided on is open at version 0."""
    out = {k: State(k) for k in keys}
    for chunk in [keys[i:i + 500] for i in range(0, len(keys), 500)]:
        rows = session.scalars(select(EventRow).where(EventRow.finding_key.in_(chunk)).order_by(EventRow.version))
        for row in rows:
            _apply(out[row.finding_key], row)
    return out


def history(session: Session, key: str) -> list[EventRow]:
    """Who did what to the finding, oldest first."""
    return list(session.scalars(select(EventRow).where(EventRow.finding_key == key).order_by(EventRow.version)))


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
    """Record one decision (a status, an assignment, or both) on the finding as the reviewer saw it at
    `seen_version`; raises Conflict with the other's decision if it moved since, and commits otherwise."""
    if status is not None and status not in STATUSES:
        raise DecisionError(f"unknown status {status!r}")
    if reason is not None and reason not in REASONS:
        raise DecisionError(f"unknown reason {reason!r}")
    if status == "dismissed" and reason is None:
        raise DecisionError("a dismissal needs a reason")
    if assignee is not None and role not in ASSIGNS:
        raise Forbidden(f"a {role} may not assign findings")
    if status is None and assignee is None:
        raise DecisionError("nothing to record: neither a status nor an assignee")
    current = states(session, [key])[key]
    if current.version != seen_version:
        raise Conflict(current)
    row = EventRow(
        finding_key=key, version=current.version + 1, status_from=current.status if status else None,
        status_to=status, assignee=assignee, reason=reason, note=(note or "").strip() or None, reviewer=user,
        at=datetime.now(timezone.utc),
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # another reviewer's save of the same version got in between the read and the write
        session.rollback()
        raise Conflict(states(session, [key])[key]) from None
    _apply(current, row)
    return current


def _apply(state: State, row: EventRow) -> None:
    state.version = row.version
    if row.status_to:
        state.status, state.reason, state.note = row.status_to, row.reason, row.note
    if row.assignee is not None:
        state.assignee = row.assignee or None  # "" takes the assignment back
    state.user, state.at = row.reviewer, row.at
