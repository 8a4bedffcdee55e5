"""Span corrections: a reviewer fixes the tagger's METRIC / VALUE / TARGET spans of a report's text, and the
fixes leave as annotation data for retraining (the format of `extractor/tagger/corpus.py`, the loop of
`docs/annotation.md`).

The reviewer edits the block's text in the project's inline markup (`[规模工业增加值]{M}增长[8.3%]{V}`,
`extractor/tagger/markup.py`), starting from the spans the pipeline's claims took from the tagger. Only the
marks may change: a markup whose plain text is not the block's text is refused, so every exported example
is the report's own words.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select

from extractor.batch.store import DocumentRow, Store
from extractor.i18n import _
from extractor.review.tables import AnnotationRow
from extractor.tagger.corpus import Entity, Example, validate
from extractor.tagger.markup import MarkupError, parse, render


class AnnotationError(ValueError):
    """Marks that cannot be kept as asked (the text changed, spans overlap …)."""


def block_text(document: dict, block: str) -> str | None:
    return next((b.get("text", "") for b in document.get("blocks", []) if b.get("id") == block), None)


def machine_spans(extraction: dict, block: str) -> list[Entity]:
    """The spans the pipeline's claims in `block` came from: each claim's metric and its figure."""
    spans: dict[tuple[int, int], str] = {}
    for c in extraction.get("claims", []):
        at = c.get("at") or {}
        if at.get("block") != block or at.get("start") is None or at.get("end") is None:
            continue
        spans[(at["start"], at["end"])] = "TARGET" if c.get("kind") == "target" else "VALUE"
        if c.get("metric_at"):
            start, end = c["metric_at"]
            spans[(start, end)] = "METRIC"
    kept: list[Entity] = []
    for (start, end), label in sorted(spans.items()):
        if not kept or start >= kept[-1].end:  # one claim's metric may be another's: no overlaps in the markup
            kept.append(Entity(start=start, end=end, label=label))
    return kept


def markup_of(extraction: dict, document: dict, block: str) -> str | None:
    """The block in markup with the tagger's spans, for the reviewer to edit; None if there is no such block."""
    text = block_text(document, block)
    return None if text is None else render(text, machine_spans(extraction, block))


def keep(store: Store, doc_id: int, block: str, markup: str, *, user: str, note: str | None = None) -> AnnotationRow:
    with store.session() as session:
        d = session.get(DocumentRow, doc_id)
        if d is None or d.status != "ok":
            raise AnnotationError(_("no such document"))
        sha256 = d.sha256
    extraction, document = (json.loads(x or "{}") for x in store.payload(doc_id))
    text = block_text(document, block)
    if text is None:
        raise AnnotationError(_("no text block {block}").format(block=block))
    try:
        marked, entities = parse(markup.replace("\r\n", "\n"))
    except MarkupError as exc:
        raise AnnotationError(str(exc)) from None
    if marked != text:
        raise AnnotationError(_("only the marks may change: the text differs from the report's"))
    problems = validate(Example(id="check", text=text, entities=entities, source="workbench"))
    if problems:
        raise AnnotationError("; ".join(problems))
    row = AnnotationRow(sha256=sha256, block=block, text=text, entities=[e.model_dump() for e in entities],
                        machine=[e.model_dump() for e in machine_spans(extraction, block)],
                        note=(note or "").strip() or None, reviewer=user, at=datetime.now(timezone.utc))
    with store.session() as session:
        session.add(row)
        session.commit()
        session.refresh(row)
        session.expunge(row)
    return row


def examples(store: Store) -> list[Example]:
    """Every block's newest reviewed spans as annotation examples, oldest block first."""
    with store.session() as session:
        rows = list(session.scalars(select(AnnotationRow).order_by(AnnotationRow.id)))
    newest = {(r.sha256, r.block): r for r in rows}
    return [Example(id=f"review-{r.sha256[:12]}-{r.block}", text=r.text, entities=[Entity(**e) for e in r.entities],
                    source=f"workbench review by {r.reviewer} {r.at:%Y-%m-%d}, report {r.sha256[:12]} block {r.block}")
            for r in sorted(newest.values(), key=lambda r: r.id)]
