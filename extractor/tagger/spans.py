"""Tagged spans, character-level BIO tags, and strict entity scoring.

One job: the span object every tagger returns, the conversion between spans
and character-level IOB2 tags, and scoring predictions against gold exactly as
the guidelines' "Scoring" section says (entity-level exact match, seqeval in
strict mode on character-level BIO tags, micro and per-label P/R/F1).

    from extractor.tagger.spans import Span, spans_to_bio, bio_to_spans, score

    score(gold_examples, predicted_spans_per_example)
    # -> {"METRIC": {"precision": .., "recall": .., "f1": .., "support": ..},
    #     "VALUE": {...}, "TARGET": {...}, "micro": {...}}

Offsets are Python string indices (start inclusive, end exclusive), as in
`extractor.tagger.corpus`. One tag per character, whitespace included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from extractor.tagger.corpus import LABELS, Example

__all__ = [
    "Span",
    "as_span",
    "as_spans",
    "spans_to_bio",
    "bio_to_spans",
    "resolve_overlaps",
    "score",
    "format_scores",
]


class Span(BaseModel):
    """A labelled character span with a confidence (1.0 for gold and hard rules)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int
    end: int
    label: str
    score: float = 1.0

    @model_validator(mode="after")
    def _check(self) -> Span:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"span [{self.start}:{self.end}] must have 0 <= start < end")
        return self

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


def as_span(obj: Any) -> Span:
    """A Span from a Span, a corpus Entity, a dict or a (start, end, label[, score]) tuple."""
    if isinstance(obj, Span):
        return obj
    if isinstance(obj, dict):
        return Span(**{k: obj[k] for k in ("start", "end", "label", "score") if k in obj})
    if isinstance(obj, (tuple, list)):
        return Span(start=obj[0], end=obj[1], label=obj[2], **({"score": obj[3]} if len(obj) > 3 else {}))
    # corpus.Entity and anything with the three attributes
    return Span(start=obj.start, end=obj.end, label=obj.label, score=getattr(obj, "score", 1.0))


def as_spans(objs: Iterable[Any]) -> list[Span]:
    return sorted((as_span(o) for o in objs), key=lambda s: (s.start, s.end, s.label))


def resolve_overlaps(spans: Iterable[Any]) -> list[Span]:
    """Drop spans that overlap a better one (higher score, then longer, then earlier).

    BIO tags cannot hold overlapping spans; taggers call this before returning.
    """
    chosen: list[Span] = []
    for s in sorted(as_spans(spans), key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        if all(s.end <= c.start or c.end <= s.start for c in chosen):
            chosen.append(s)
    return sorted(chosen, key=lambda s: s.start)


def spans_to_bio(text_or_length: str | int, spans: Iterable[Any]) -> list[str]:
    """Character-level IOB2 tags for a text (or its length) and its spans.

    Raises ValueError for a span outside the text or two overlapping spans:
    scoring must not silently drop a prediction.
    """
    n = text_or_length if isinstance(text_or_length, int) else len(text_or_length)
    tags = ["O"] * n
    for s in as_spans(spans):
        if s.end > n:
            raise ValueError(f"span [{s.start}:{s.end} {s.label}] outside a text of length {n}")
        if any(t != "O" for t in tags[s.start : s.end]):
            raise ValueError(f"span [{s.start}:{s.end} {s.label}] overlaps another span")
        tags[s.start] = "B-" + s.label
        for i in range(s.start + 1, s.end):
            tags[i] = "I-" + s.label
    return tags


def bio_to_spans(tags: Sequence[str], scores: Sequence[float] | None = None) -> list[Span]:
    """Spans of an IOB2 tag sequence, decoded as seqeval's strict mode does.

    An entity starts at `B-X` and continues over `I-X`; an `I-X` that does not
    continue an X entity is not an entity (strict IOB2 ignores it). With
    `scores` (one per character), a span's score is the mean over its characters.
    """
    out: list[Span] = []
    start = None
    label = None

    def close(end: int) -> None:
        if start is not None:
            sc = 1.0 if scores is None else float(sum(scores[start:end]) / (end - start))
            out.append(Span(start=start, end=end, label=label, score=sc))

    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            close(i)
            start, label = i, tag[2:]
        elif tag.startswith("I-") and start is not None and tag[2:] == label:
            continue
        else:
            close(i)
            start = label = None
    close(len(tags))
    return out


def _text_and_spans(ex: Any) -> tuple[str, list[Span]]:
    if isinstance(ex, Example):
        return ex.text, as_spans(ex.entities)
    if isinstance(ex, dict):
        return ex["text"], as_spans(ex.get("entities", []))
    return ex.text, as_spans(ex.entities)


def score(
    gold_examples: Sequence[Any],
    predicted_spans_per_example: Sequence[Iterable[Any]],
    labels: Sequence[str] = LABELS,
) -> dict[str, dict[str, float]]:
    """Strict entity-level P/R/F1 per label and micro, as seqeval computes them.

    `gold_examples`: corpus Examples (or dicts with text and entities).
    `predicted_spans_per_example`: for each example, its predicted spans (Span,
    Entity, dict or tuple). Both are turned into character-level IOB2 tags and
    scored with `seqeval.metrics.classification_report(mode="strict",
    scheme=IOB2)`. Every label of `labels` is reported, with zeros when it has
    neither gold nor predicted spans.
    """
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    if len(gold_examples) != len(predicted_spans_per_example):
        raise ValueError(
            f"{len(gold_examples)} gold examples but {len(predicted_spans_per_example)} predictions"
        )
    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    for ex, pred in zip(gold_examples, predicted_spans_per_example):
        text, gold = _text_and_spans(ex)
        y_true.append(spans_to_bio(text, gold))
        y_pred.append(spans_to_bio(text, pred))

    zero = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    result: dict[str, dict[str, float]] = {lab: dict(zero) for lab in labels}
    has_any = any(t != "O" for seq in y_true + y_pred for t in seq)
    if has_any:
        report = classification_report(
            y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0
        )
        for key, row in report.items():
            name = "micro" if key == "micro avg" else key
            if name in ("macro avg", "weighted avg"):
                continue
            result[name] = {
                "precision": float(row["precision"]),
                "recall": float(row["recall"]),
                "f1": float(row["f1-score"]),
                "support": int(row["support"]),
            }
    result.setdefault("micro", dict(zero))
    # labels first (in the given order), micro last
    return {k: result[k] for k in [*labels, *(k for k in result if k not in labels and k != "micro"), "micro"]}


def format_scores(scores: dict[str, dict[str, float]], title: str = "") -> str:
    """A small fixed-width table of `score()` output."""
    lines = [title] if title else []
    lines.append(f"{'label':<8} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for name, row in scores.items():
        lines.append(
            f"{name:<8} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} {int(row['support']):>8d}"
        )
    return "\n".join(lines)
