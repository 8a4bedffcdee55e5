"""Tag a JSONL file of texts: each line {"id", "text", …} gets "entities" with scores.

A line may say which column its text comes from with `"role": "goal"` or
`"result"` (`extractor.tagger.roles`); without one, a `source` in the
annotation files' form (`… table cell 预期目标`) gives it. Bad lines (not JSON,
no text, an unknown role) are reported with their line number and skipped;
every good line is still written, in input order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from extractor.tagger.roles import check_role, role_of_source


@dataclass
class TagReport:
    lines: int = 0
    tagged: int = 0
    errors: list[str] = field(default_factory=list)


def read_lines(path: Path, report: TagReport) -> Iterator[dict]:
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            report.lines += 1
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                report.errors.append(f"{path} line {number}: not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(record, dict):
                report.errors.append(f"{path} line {number}: a JSON object with \"text\" was expected, got {type(record).__name__}")
                continue
            text = record.get("text")
            if not isinstance(text, str):
                report.errors.append(f"{path} line {number}: no \"text\" string")
                continue
            try:
                check_role(record.get("role"))
            except ValueError as exc:
                report.errors.append(f"{path} line {number}: {exc}")
                continue
            record.setdefault("id", f"{path.stem}#{number}")
            yield record


def tag_records(tagger, records: Iterable[dict], out: TextIO, report: TagReport, batch_size: int = 64) -> None:
    batch: list[dict] = []

    def flush() -> None:
        if not batch:
            return
        roles = [r.get("role") or role_of_source(r.get("source")) for r in batch]
        for record, spans in zip(batch, tagger.predict([r["text"] for r in batch], roles=roles)):
            record["entities"] = [
                {"start": s.start, "end": s.end, "label": s.label, "score": round(s.score, 4)} for s in spans
            ]
            record["model"] = getattr(tagger, "version", type(tagger).__name__)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            report.tagged += 1
        batch.clear()

    for record in records:
        batch.append(record)
        if len(batch) >= batch_size:
            flush()
    flush()
