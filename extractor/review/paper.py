"""The working paper: every finding a query selects with its decision, reason, reviewer and time, and the
record of every change, as a workbook (openpyxl, write-only) an auditor hands in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from extractor.batch.reports import evidence_text
from extractor.i18n import SEVERITY_WORD, word
from extractor.review.decisions import REASONS, STATUSES
from extractor.review.queue import Query, Row, all_findings
from extractor.review.tables import EventRow
from extractor.safe_text import xlsx_append

FINDINGS_HEADER = ["单位", "年度", "文件", "规则", "严重程度", "问题", "应为", "实为", "证据", "审核状态", "理由", "审核说明",
                   "审核人", "审核时间", "指派给", "问题标识"]
EVENTS_HEADER = ["问题标识", "版本", "变更", "原状态", "新状态", "理由", "说明", "指派给", "操作人", "时间"]


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S") if at else ""


def finding_cells(r: Row) -> list:
    return [r.department or "", r.year or "", Path(r.source).name, r.rule, word(SEVERITY_WORD, r.severity), r.message,
            r.expected or "", r.found or "", evidence_text(r.evidence), STATUSES.get(r.status, r.status),
            REASONS.get(r.reason or "", r.reason or ""), r.decision_note or "", r.decided_by or "",
            _when(r.decided_at), r.assignee or "", r.key]


def rows(session: Session, query: Query) -> tuple[list[Row], list[EventRow]]:
    """The selected findings and every event on them, oldest first."""
    found = all_findings(session, query)
    keys = sorted({r.key for r in found})
    events: list[EventRow] = []
    for k in range(0, len(keys), 500):
        events.extend(session.scalars(select(EventRow).where(EventRow.finding_key.in_(keys[k:k + 500]))))
    events.sort(key=lambda e: (e.at, e.finding_key, e.version))
    return found, events


def write_workbook(found: list[Row], events: list[EventRow], path: Path, title: str) -> None:
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("审核底稿")
    xlsx_append(sheet, [title])
    xlsx_append(sheet, FINDINGS_HEADER)
    for r in found:
        xlsx_append(sheet, finding_cells(r))
    record = wb.create_sheet("审核记录")
    xlsx_append(record, EVENTS_HEADER)
    for e in events:
        xlsx_append(record, [e.finding_key, e.version, "状态" if e.change == "status" else "指派",
                             STATUSES.get(e.status_from, e.status_from), STATUSES.get(e.status, e.status),
                             REASONS.get(e.reason or "", e.reason or ""), e.note or "", e.assignee or "", e.reviewer,
                             _when(e.at)])
    wb.save(path)
