"""Annotation-tool formats: convert between the project JSONL, Label Studio and doccano.

One job only: read and write the Label Studio and doccano export formats and
convert them, without loss, to and from the project's annotation JSONL
(`extractor.tagger.corpus.Example`, `/work/shared/annotation-guidelines.md`
"File format"). Every imported record is checked with `corpus.validate`;
a bad record is reported (file, record number, problem) and the others are
still converted.

    python -m extractor.tagger.formats convert IN OUT --to label-studio            # --from guessed
    python -m extractor.tagger.formats convert IN OUT --from doccano --to jsonl
    python -m extractor.tagger.formats convert IN OUT --to label-studio --predictions --model-version v3
    python -m extractor.tagger.formats convert tagged.jsonl ls.json --to label-studio --predictions  # extractor tag output
    python -m extractor.tagger.formats config     # Label Studio labeling config for the project

Where the project's fields live
-------------------------------
Label Studio (JSON export, a list of tasks)
    ``data.text`` the text, ``data.example_id`` the project id, ``data.source``
    the source. ``example_id`` rather than ``id`` because the JSON-MIN export
    writes the task id over a data field named ``id``. Gold spans go to
    ``annotations[0].result``; with ``predictions=True`` they go to
    ``predictions[0].result`` (pre-annotations) with ``model_version``, a
    per-span ``score`` and a task-level ``score`` (the lowest span score, so
    the least certain tasks sort first). `corpus.Entity` has no score field,
    so scores travel in a side mapping ``scores: {example id: [score per
    entity]}`` that `to_label_studio` reads and `from_label_studio` fills.
    Offsets are Python (code point) indices; ``utf16_offsets=True`` writes
    and reads JavaScript (UTF-16) offsets instead. With the default None on
    import, a task whose text has characters outside the BMP and whose span
    ``text`` values match only as UTF-16 offsets is read as UTF-16.
Label Studio JSON-MIN (import only)
    One row per annotation, data fields at top level, spans under ``label``;
    rows of the same task (same ``example_id``, else same ``id``) are one
    task with several annotations.
doccano (sequence labelling JSONL)
    Written as ``{"text", "label": [[start, end, LABEL], ...], "example_id",
    "source"}``: doccano keeps unknown top-level keys as metadata and writes
    them back at top level on export. Read: ``label``, the older ``labels``
    and the newer ``entities: [{start_offset, end_offset, label}]``; id and
    source from top level or from a ``meta`` object.

Which annotation wins (Label Studio)
    Annotations with ``was_cancelled`` (skipped) are ignored. Of the rest, the
    one with the most recent ``updated_at`` (else ``created_at``) wins when
    every one has a timestamp, otherwise the last one in the list; ties go to
    the later one. A task with no such annotation is skipped (reported as
    skipped, not an error) unless ``use_predictions=True``, in which case its
    latest prediction (same rule) is used. An annotation with an empty result
    is a real annotation: the example has no entities.

`extractor tag` output (import only)
    ``{"id", "text", "entities": [{start, end, label, score}], "model", "role"}``
    as the tagger writes it, ``source`` optional. The scores go to the side
    mapping (so ``--to label-studio --predictions`` writes them as prediction
    scores), ``model`` becomes the ``model_version`` unless one is given, and
    the role is kept in the source (``… role=goal``) as the training reads it.

Ids and sources missing from foreign records fall back to the tool's id
(``str(task id)``) or ``<prefix>#<record number>``, and to the source
``<prefix> record <n>``; the file helpers use the file name as prefix.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from extractor.tagger.corpus import Entity, Example, validate, write_jsonl

FORMATS: tuple[str, ...] = ("jsonl", "label-studio", "doccano")
#: what can be read: also the output of `extractor tag` (spans with a score, the model's version, a role)
INPUT_FORMATS: tuple[str, ...] = (*FORMATS, "tagged")

#: names of the Label Studio control tags the export refers to
LS_FROM_NAME = "label"
LS_TO_NAME = "text"

LABEL_STUDIO_CONFIG = (
    "<View>\n"
    f'  <Labels name="{LS_FROM_NAME}" toName="{LS_TO_NAME}">\n'
    '    <Label value="METRIC" background="#1f77b4"/>\n'
    '    <Label value="VALUE" background="#2ca02c"/>\n'
    '    <Label value="TARGET" background="#d62728"/>\n'
    "  </Labels>\n"
    f'  <Text name="{LS_TO_NAME}" value="$text" granularity="symbol"/>\n'
    "</View>\n"
)


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class RecordProblem:
    """One record that was not converted (an error) or deliberately left out (skipped)."""

    record: int  # 1-based: position in the list, or line number in a JSONL file
    problem: str
    id: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        who = f" ({self.id})" if self.id else ""
        return f"{where}record {self.record}{who}: {self.problem}"


@dataclass
class Report:
    """What an import did: records seen, examples produced, errors, skipped records."""

    records: int = 0
    converted: int = 0
    errors: list[RecordProblem] = field(default_factory=list)
    skipped: list[RecordProblem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.converted} of {self.records} records converted, "
            f"{len(self.errors)} errors, {len(self.skipped)} skipped"
        )


class FormatError(ValueError):
    """Records that could not be converted; `.report` holds every problem, `.examples` the good ones."""

    def __init__(self, report: Report, examples: list[Example]):
        self.report = report
        self.examples = examples
        lines = [str(p) for p in report.errors]
        super().__init__(f"{len(lines)} bad record(s):\n" + "\n".join(lines))


class _RecordError(Exception):
    """Internal: one record is bad; the message is the problem."""


def _finish(examples: list[Example], report: Report, given: Report | None) -> list[Example]:
    report.converted += len(examples)
    if given is None and report.errors:
        raise FormatError(report, examples)
    return examples


# --------------------------------------------------------------------------- shared checks


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _utf16_to_cp(text: str, offset: int) -> int | None:
    """Code point index of a UTF-16 offset, None if it falls inside a surrogate pair or past the end."""
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > offset:
            return None
    return len(text) if units == offset else None


def _cp_to_utf16(text: str, offset: int) -> int:
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def _span(text: str, start: Any, end: Any, label: Any, span_text: Any, where: str) -> Entity:
    """An Entity from one tool span, checking what only the tool formats can get wrong.

    `corpus.validate` checks the rest (label, range, overlap, whitespace) on the whole example.
    """
    if not _is_int(start) or not _is_int(end):
        raise _RecordError(f"{where}: offsets must be integers, got start={start!r} end={end!r}")
    if not isinstance(label, str):
        raise _RecordError(f"{where}: label must be a string, got {label!r}")
    if span_text is not None:
        if not isinstance(span_text, str):
            raise _RecordError(f"{where}: span text must be a string, got {span_text!r}")
        if not (0 <= start < end <= len(text)):
            raise _RecordError(f"{where}: offsets [{start}:{end}] outside the text (length {len(text)})")
        if text[start:end] != span_text:
            raise _RecordError(f"{where}: span text {span_text!r} != text[{start}:{end}] {text[start:end]!r}")
    return Entity(start=start, end=end, label=label)


def _from_utf16(text: str, start: Any, end: Any, where: str) -> tuple[int, int]:
    if not _is_int(start) or not _is_int(end):
        raise _RecordError(f"{where}: offsets must be integers, got start={start!r} end={end!r}")
    s, e = _utf16_to_cp(text, start), _utf16_to_cp(text, end)
    if s is None or e is None:
        raise _RecordError(f"{where}: UTF-16 offsets [{start}:{end}] outside the text or inside a character")
    return s, e


def _example(id_: Any, text: Any, entities: list[Entity], source: Any) -> Example:
    """Sorted, validated Example, or _RecordError naming every problem."""
    if not isinstance(text, str):
        raise _RecordError(f"text must be a string, got {type(text).__name__}")
    if not isinstance(id_, str) or not isinstance(source, str):
        raise _RecordError(f"id and source must be strings, got id={id_!r} source={source!r}")
    entities = sorted(entities, key=lambda e: (e.start, e.end, e.label))
    ex = Example(id=id_, text=text, entities=entities, source=source)
    problems = validate(ex)
    if problems:
        raise _RecordError("; ".join(problems))
    return ex


class _Ids:
    """Rejects a second record with an id already converted in the same import."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def claim(self, id_: str, record: int) -> None:
        if id_ in self.seen:
            raise _RecordError(f"duplicate id {id_!r} (first in record {self.seen[id_]})")
        self.seen[id_] = record


def _sorted_with_scores(ex: Example, scores: dict[str, list] | None) -> list[tuple[Entity, float | None]]:
    sc = (scores or {}).get(ex.id)
    if sc is None:
        sc = [None] * len(ex.entities)
    elif len(sc) != len(ex.entities):
        raise ValueError(f"{ex.id}: {len(sc)} scores for {len(ex.entities)} entities")
    return sorted(zip(ex.entities, sc), key=lambda p: (p[0].start, p[0].end, p[0].label))


def _as_example(ex: Any) -> Example:
    return ex if isinstance(ex, Example) else Example.model_validate(ex)


# --------------------------------------------------------------------------- Label Studio


def _result_id(ex_id: str, ent: Entity) -> str:
    """Stable 10-character region id (Label Studio ids are short random strings)."""
    return hashlib.sha1(f"{ex_id}\0{ent.start}\0{ent.end}\0{ent.label}".encode()).hexdigest()[:10]


def to_label_studio(
    examples: Iterable[Example],
    *,
    predictions: bool = False,
    model_version: str | None = None,
    scores: dict[str, list[float | None]] | None = None,
    utf16_offsets: bool = False,
) -> list[dict]:
    """Label Studio tasks (the JSON import/export format) for `examples`.

    Gold spans become a submitted annotation; with ``predictions=True`` they
    become a prediction (pre-annotation) carrying ``model_version`` and, from
    ``scores[example id]`` (one score per entity, in the example's entity
    order), a per-span ``score`` and a task ``score`` (the lowest).
    """
    tasks = []
    for ex in examples:
        ex = _as_example(ex)
        result = []
        span_scores = []
        for ent, score in _sorted_with_scores(ex, scores if predictions else None):
            start, end = ent.start, ent.end
            if utf16_offsets:
                start, end = _cp_to_utf16(ex.text, start), _cp_to_utf16(ex.text, end)
            item: dict[str, Any] = {
                "id": _result_id(ex.id, ent),
                "from_name": LS_FROM_NAME,
                "to_name": LS_TO_NAME,
                "type": "labels",
                "value": {"start": start, "end": end, "text": ex.span_text(ent), "labels": [ent.label]},
            }
            if predictions and score is not None:
                item["score"] = float(score)
                span_scores.append(float(score))
            result.append(item)
        task: dict[str, Any] = {"data": {"text": ex.text, "example_id": ex.id, "source": ex.source}}
        if predictions:
            pred: dict[str, Any] = {"result": result}
            if model_version is not None:
                pred["model_version"] = model_version
            if span_scores:
                pred["score"] = min(span_scores)
            task["annotations"] = []
            task["predictions"] = [pred]
        else:
            task["annotations"] = [{"result": result, "was_cancelled": False, "ground_truth": False}]
            task["predictions"] = []
        tasks.append(task)
    return tasks


def _timestamp(item: dict) -> datetime | None:
    for key in ("updated_at", "created_at"):
        v = item.get(key)
        if isinstance(v, str) and v:
            try:
                ts = datetime.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                continue
            return ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)
    return None


def _latest(items: list[dict]) -> dict | None:
    """Most recent by updated_at/created_at if all have one (ties: later in list), else the last."""
    if not items:
        return None
    stamps = [_timestamp(it) for it in items]
    if all(s is not None for s in stamps):
        return max(zip(stamps, range(len(items)), items), key=lambda t: (t[0], t[1]))[2]
    return items[-1]


def _ls_entities(
    text: str, result: Any, *, with_scores: bool, utf16_offsets: bool | None
) -> tuple[list[Entity], list[float | None]]:
    """Spans of one annotation/prediction result.

    Offsets: code points, or UTF-16 units (JavaScript) with ``utf16_offsets=True``.
    With None, a text holding characters outside the BMP whose spans do not all
    match their ``text`` as code points is read as UTF-16 if they all match that way.
    """
    if not isinstance(result, list):
        raise _RecordError(f"result must be a list, got {type(result).__name__}")
    raw: list[tuple[str, dict, float | None]] = []
    for k, item in enumerate(result):
        where = f"span {k}"
        if not isinstance(item, dict):
            raise _RecordError(f"{where}: not an object")
        if "value" in item or "type" in item:  # full export result
            if str(item.get("type", "labels")).lower() != "labels":
                continue  # relations, text areas, choices: not spans
            value = item.get("value")
            if not isinstance(value, dict):
                raise _RecordError(f"{where}: value must be an object")
        else:  # JSON-MIN: the value itself
            value = item
        labels = value.get("labels")
        if not isinstance(labels, list) or len(labels) != 1:
            raise _RecordError(f"{where}: needs exactly one label, got labels={labels!r}")
        if "start" not in value or "end" not in value:
            raise _RecordError(f"{where}: no start/end (not a Text span)")
        score = item.get("score")
        ok_score = with_scores and isinstance(score, (int, float)) and not isinstance(score, bool)
        raw.append((where, value, float(score) if ok_score else None))

    def read(utf16: bool) -> list[Entity]:
        out = []
        for where, v, _ in raw:
            start, end = v["start"], v["end"]
            if utf16:
                start, end = _from_utf16(text, start, end, where)
            out.append(_span(text, start, end, v["labels"][0], v.get("text"), where))
        return out

    astral = any(ord(c) > 0xFFFF for c in text)
    if utf16_offsets or not astral:
        entities = read(bool(utf16_offsets))
    elif utf16_offsets is False:
        entities = read(False)
    else:
        try:
            entities = read(False)
        except _RecordError as cp_error:
            try:
                entities = read(True)
            except _RecordError:
                raise cp_error from None
    return entities, [sc for _, _, sc in raw]


def _ls_records(
    pairs: Iterable[tuple[int, Any]],
    *,
    use_predictions: bool,
    scores: dict[str, list[float | None]] | None,
    utf16_offsets: bool | None,
    report: Report,
    file: str | None,
    prefix: str,
) -> list[Example]:
    pairs = list(pairs)
    # JSON-MIN rows: one per annotation; keep the latest row of each task.
    min_groups: dict[Any, list[tuple[int, dict]]] = {}
    for recno, rec in pairs:
        if isinstance(rec, dict) and "data" not in rec:
            key = rec.get("example_id", rec.get("id", ("record", recno)))
            key = json.dumps(key) if not isinstance(key, tuple) else key
            min_groups.setdefault(key, []).append((recno, rec))
    superseded: set[int] = set()
    for rows in min_groups.values():
        winner = _latest([r for _, r in rows])
        for recno, r in rows:
            if r is not winner:
                superseded.add(recno)

    ids = _Ids()
    out: list[Example] = []
    for recno, rec in pairs:
        report.records += 1
        rid: str | None = None
        try:
            if not isinstance(rec, dict):
                raise _RecordError(f"not a task object, got {type(rec).__name__}")
            if "data" in rec:
                data = rec["data"]
                if not isinstance(data, dict):
                    raise _RecordError("data must be an object")
                fallback = rec.get("id")
            else:
                data = rec
                fallback = rec.get("id")
            rid = data.get("example_id")
            if rid is None:
                rid = data.get("id") if "data" in rec else None
            if rid is None:
                rid = str(fallback) if fallback is not None else f"{prefix}#{recno}"
            elif not isinstance(rid, str):
                rid = str(rid)
            source = data.get("source", f"{prefix} record {recno}")
            text = data.get("text")
            if not isinstance(text, str):
                raise _RecordError("no text (data.text must be a string)")
            if recno in superseded:
                report.skipped.append(RecordProblem(recno, "older JSON-MIN annotation row of a task with a newer one", rid, file))
                continue
            span_scores: list[float | None] | None = None
            if "data" in rec:
                anns = rec.get("annotations") or rec.get("completions") or []
                if not isinstance(anns, list):
                    raise _RecordError("annotations must be a list")
                live = [a for a in anns if isinstance(a, dict) and not a.get("was_cancelled")]
                chosen = _latest(live)
                if chosen is not None:
                    entities, _ = _ls_entities(text, chosen.get("result", []), with_scores=False, utf16_offsets=utf16_offsets)
                elif use_predictions:
                    preds = rec.get("predictions") or []
                    if not isinstance(preds, list):
                        raise _RecordError("predictions must be a list")
                    pred = _latest([p for p in preds if isinstance(p, dict)])
                    if pred is None:
                        report.skipped.append(RecordProblem(recno, "no annotation and no prediction", rid, file))
                        continue
                    entities, span_scores = _ls_entities(text, pred.get("result", []), with_scores=True, utf16_offsets=utf16_offsets)
                else:
                    why = "only cancelled annotations" if anns else "no annotation"
                    report.skipped.append(RecordProblem(recno, f"{why} (use_predictions=False)", rid, file))
                    continue
            else:
                spans = rec.get(LS_FROM_NAME)
                if spans is None:  # a differently named Labels tag: the list of span objects
                    spans = next(
                        (v for k, v in rec.items() if isinstance(v, list) and v and all(isinstance(x, dict) and "labels" in x for x in v)),
                        [],
                    )
                entities, _ = _ls_entities(text, spans, with_scores=False, utf16_offsets=utf16_offsets)
            pairs_sorted = sorted(
                zip(entities, span_scores or [None] * len(entities)),
                key=lambda p: (p[0].start, p[0].end, p[0].label),
            )
            ex = _example(rid, text, [e for e, _ in pairs_sorted], source)
            ids.claim(ex.id, recno)
        except _RecordError as exc:
            report.errors.append(RecordProblem(recno, str(exc), rid, file))
            continue
        if span_scores is not None and scores is not None:
            scores[ex.id] = [s for _, s in pairs_sorted]
        out.append(ex)
    return out


def from_label_studio(
    tasks: Iterable[dict],
    *,
    use_predictions: bool = False,
    scores: dict[str, list[float | None]] | None = None,
    utf16_offsets: bool | None = None,
    report: Report | None = None,
) -> list[Example]:
    """Examples from Label Studio tasks (JSON export; JSON-MIN rows also accepted).

    The latest non-cancelled annotation wins; predictions are used only for a
    task without one and only with ``use_predictions=True`` (their per-span
    scores then go to ``scores[id]``, aligned with the sorted entities).
    Offsets are code points (False), UTF-16 units (True) or, with None, code
    points unless only UTF-16 makes every span ``text`` of a task match.
    Bad records: with ``report`` given they are listed there and the rest is
    returned; without it a FormatError lists them all.
    """
    rep = report if report is not None else Report()
    out = _ls_records(
        enumerate(tasks, start=1), use_predictions=use_predictions, scores=scores,
        utf16_offsets=utf16_offsets, report=rep, file=None, prefix="label-studio",
    )
    return _finish(out, rep, report)


# --------------------------------------------------------------------------- doccano


def to_doccano(examples: Iterable[Example]) -> list[dict]:
    """doccano sequence-labelling JSONL records: text, label [[start, end, LABEL]], example_id, source."""
    out = []
    for ex in examples:
        ex = _as_example(ex)
        ents = sorted(ex.entities, key=lambda e: (e.start, e.end, e.label))
        out.append(
            {
                "text": ex.text,
                "label": [[e.start, e.end, e.label] for e in ents],
                "example_id": ex.id,
                "source": ex.source,
            }
        )
    return out


def _meta(rec: dict) -> dict:
    meta = rec.get("meta")
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except json.JSONDecodeError:
            return {}
    return meta if isinstance(meta, dict) else {}


def _doccano_entities(rec: dict) -> list[Entity]:
    text = rec["text"]
    present = [k for k in ("label", "labels", "entities") if k in rec]
    if len(present) > 1:
        raise _RecordError(f"more than one span list: {', '.join(present)}")
    if not present:
        return []
    key = present[0]
    spans = rec[key]
    if not isinstance(spans, list):
        raise _RecordError(f"{key} must be a list")
    entities = []
    for k, sp in enumerate(spans):
        where = f"span {k}"
        if isinstance(sp, dict):
            if "start_offset" not in sp or "end_offset" not in sp or "label" not in sp:
                raise _RecordError(f"{where}: needs start_offset, end_offset and label, got {sp!r}")
            entities.append(_span(text, sp["start_offset"], sp["end_offset"], sp["label"], None, where))
        elif isinstance(sp, list) and len(sp) == 3:
            entities.append(_span(text, sp[0], sp[1], sp[2], None, where))
        else:
            raise _RecordError(f"{where}: not [start, end, label], got {sp!r}")
    return entities


def _doccano_records(pairs: Iterable[tuple[int, Any]], *, report: Report, file: str | None, prefix: str) -> list[Example]:
    ids = _Ids()
    out: list[Example] = []
    for recno, rec in pairs:
        report.records += 1
        rid: str | None = None
        try:
            if not isinstance(rec, dict):
                raise _RecordError(f"not an object, got {type(rec).__name__}")
            meta = _meta(rec)
            rid = rec.get("example_id", meta.get("example_id"))
            if rid is None:
                rid = f"{prefix}#{recno}" if rec.get("id") is None else rec["id"]
            rid = rid if isinstance(rid, str) else str(rid)
            source = rec.get("source", meta.get("source", f"{prefix} record {recno}"))
            text = rec.get("text", rec.get("data"))  # doccano 1.x exports may call it "data"
            if not isinstance(text, str):
                raise _RecordError("no text (text must be a string)")
            ex = _example(rid, text, _doccano_entities({**rec, "text": text}), source)
            ids.claim(ex.id, recno)
        except _RecordError as exc:
            report.errors.append(RecordProblem(recno, str(exc), rid, file))
            continue
        out.append(ex)
    return out


def from_doccano(records: Iterable[dict], *, report: Report | None = None) -> list[Example]:
    """Examples from doccano sequence-labelling records (`label`, `labels` or `entities` spans).

    Bad records: with ``report`` given they are listed there and the rest is
    returned; without it a FormatError lists them all.
    """
    rep = report if report is not None else Report()
    out = _doccano_records(enumerate(records, start=1), report=rep, file=None, prefix="doccano")
    return _finish(out, rep, report)


# --------------------------------------------------------------------------- project JSONL


def _jsonl_records(pairs: Iterable[tuple[int, Any]], *, report: Report, file: str | None) -> list[Example]:
    ids = _Ids()
    out: list[Example] = []
    for recno, rec in pairs:
        report.records += 1
        rid = rec.get("id") if isinstance(rec, dict) and isinstance(rec.get("id"), str) else None
        try:
            try:
                ex = Example.model_validate(rec)
            except ValidationError as exc:
                raise _RecordError(
                    "not an example: "
                    + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                ) from None
            ex = _example(ex.id, ex.text, list(ex.entities), ex.source)
            ids.claim(ex.id, recno)
        except _RecordError as exc:
            report.errors.append(RecordProblem(recno, str(exc), rid, file))
            continue
        out.append(ex)
    return out


# --------------------------------------------------------------------------- extractor tag output


def _tagged_records(pairs: Iterable[tuple[int, Any]], *, report: Report, file: str | None,
                    scores: dict[str, list[float | None]] | None, versions: set[str] | None) -> list[Example]:
    from extractor.tagger.roles import check_role

    ids = _Ids()
    out: list[Example] = []
    for recno, rec in pairs:
        report.records += 1
        rid = rec.get("id") if isinstance(rec, dict) and isinstance(rec.get("id"), str) else None
        try:
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise _RecordError("not a tagged record: no \"text\" string")
            try:
                role = check_role(rec.get("role"))
            except ValueError as exc:
                raise _RecordError(str(exc)) from None
            model = rec.get("model") if isinstance(rec.get("model"), str) else None
            source = rec.get("source") if isinstance(rec.get("source"), str) and rec.get("source") else (
                f"tagged by {model or 'the tagger'}" + (f"; role={role}" if role else ""))
            if not isinstance(rec.get("entities"), list):
                raise _RecordError("no \"entities\" list")
            spans, span_scores = [], []
            for k, e in enumerate(rec["entities"]):
                if not isinstance(e, dict):
                    raise _RecordError(f"entity {k}: not an object")
                spans.append(_span(rec["text"], e.get("start"), e.get("end"), e.get("label"), e.get("text"), f"entity {k}"))
                span_scores.append(float(e["score"]) if isinstance(e.get("score"), (int, float)) else None)
            ex = _example(rec.get("id") or f"{Path(file or 'tagged').stem}#{recno}", rec["text"], spans, source)
            ids.claim(ex.id, recno)
        except _RecordError as exc:
            report.errors.append(RecordProblem(recno, str(exc), rid, file))
            continue
        if scores is not None:
            # _example may reorder the spans: keep each score with its own span
            by_span = {(s.start, s.end, s.label): sc for s, sc in zip(spans, span_scores)}
            scores[ex.id] = [by_span.get((e.start, e.end, e.label)) for e in ex.entities]
        if versions is not None and model:
            versions.add(model)
        out.append(ex)
    return out


# --------------------------------------------------------------------------- files


class _Unreadable(Exception):
    """A whole file that is not JSON / JSONL."""


def _load(path: Path, report: Report) -> list[tuple[int, Any]]:
    """(record number, object) pairs of a JSON list (number = position) or JSONL (number = line).

    A JSONL line that is not JSON is reported as an error for that record.
    """
    raw = path.read_text(encoding="utf-8-sig")
    stripped = raw.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _Unreadable(f"{path}: not JSON: {exc.msg} (line {exc.lineno})") from None
        return list(enumerate(data, start=1))
    pairs = []
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pairs.append((lineno, json.loads(line)))
        except json.JSONDecodeError as exc:
            if lineno == 1 and stripped.startswith("{") and "\n" in raw.strip():
                # maybe one pretty-printed JSON object (a single task)
                try:
                    return [(1, json.loads(raw))]
                except json.JSONDecodeError:
                    pass
            report.records += 1
            report.errors.append(RecordProblem(lineno, f"not JSON: {exc.msg}", None, str(path)))
    return pairs


def _guess(pairs: list[tuple[int, Any]]) -> str:
    """Format from the first record that tells; records with no spans only give a weak hint."""
    weak: str | None = None
    for _, rec in pairs:
        if not isinstance(rec, dict):
            continue
        if isinstance(rec.get("data"), dict) or "annotations" in rec or "predictions" in rec:
            return "label-studio"
        project_like = isinstance(rec.get("id"), str) and "source" in rec and "example_id" not in rec
        ents = rec.get("entities")
        if "model" in rec and isinstance(ents, list) and "source" not in rec:
            return "tagged"
        if isinstance(ents, list):
            if any(isinstance(e, dict) and "start_offset" in e for e in ents):
                return "doccano"
            if any(isinstance(e, dict) and "score" in e and "start" in e for e in ents):
                return "tagged"
            if any(isinstance(e, dict) and "start" in e for e in ents):
                return "jsonl"
            weak = weak or ("jsonl" if project_like else "doccano")
            continue
        for key in ("label", "labels"):
            spans = rec.get(key)
            if isinstance(spans, list):
                if any(isinstance(s, dict) for s in spans):
                    return "label-studio"  # JSON-MIN
                if any(isinstance(s, list) for s in spans):
                    return "doccano"
                weak = weak or "doccano"
        if project_like:
            weak = weak or "jsonl"
    if weak:
        return weak
    raise _Unreadable("cannot tell the format from the content; give --from")


def guess_format(path: str | Path) -> str:
    """'jsonl', 'label-studio' or 'doccano', from the file's content."""
    path = Path(path)
    try:
        return _guess(_load(path, Report()))
    except _Unreadable as exc:
        raise ValueError(f"{path}: {exc}") from None


def read_examples(
    path: str | Path,
    fmt: str | None = None,
    *,
    use_predictions: bool = False,
    scores: dict[str, list[float | None]] | None = None,
    utf16_offsets: bool | None = None,
    report: Report | None = None,
    versions: set[str] | None = None,
) -> list[Example]:
    """Examples of an annotation file in any of INPUT_FORMATS (guessed from content when fmt is None).

    Problems name the file and the record (list position or line number).
    Without ``report`` a FormatError is raised if any record is bad.
    """
    path = Path(path)
    rep = report if report is not None else Report()
    try:
        pairs = _load(path, rep)
        fmt = fmt or _guess(pairs)
    except _Unreadable as exc:
        raise ValueError(f"{path}: {exc}" if not str(exc).startswith(str(path)) else str(exc)) from None
    if fmt not in INPUT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}, expected one of {INPUT_FORMATS}")
    file = str(path)
    if fmt == "label-studio":
        out = _ls_records(pairs, use_predictions=use_predictions, scores=scores,
                          utf16_offsets=utf16_offsets, report=rep, file=file, prefix=path.stem)
    elif fmt == "doccano":
        out = _doccano_records(pairs, report=rep, file=file, prefix=path.stem)
    elif fmt == "tagged":
        out = _tagged_records(pairs, report=rep, file=file, scores=scores, versions=versions)
    else:
        out = _jsonl_records(pairs, report=rep, file=file)
    return _finish(out, rep, report)


def write_examples(path: str | Path, examples: Iterable[Example], fmt: str, **label_studio_options: Any) -> None:
    """Write `examples` as `fmt`: JSONL (project, doccano) or a JSON list of tasks (Label Studio)."""
    path = Path(path)
    examples = [_as_example(ex) for ex in examples]
    if fmt == "jsonl":
        write_jsonl(path, examples)
    elif fmt == "doccano":
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for rec in to_doccano(examples):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == "label-studio":
        tasks = to_label_studio(examples, **label_studio_options)
        path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}, expected one of {FORMATS}")


def read_label_studio(path: str | Path, **kw: Any) -> list[Example]:
    return read_examples(path, "label-studio", **kw)


def write_label_studio(path: str | Path, examples: Iterable[Example], **kw: Any) -> None:
    write_examples(path, examples, "label-studio", **kw)


def read_doccano(path: str | Path, **kw: Any) -> list[Example]:
    return read_examples(path, "doccano", **kw)


def write_doccano(path: str | Path, examples: Iterable[Example]) -> None:
    write_examples(path, examples, "doccano")


def convert(
    src: str | Path,
    dst: str | Path,
    *,
    to_fmt: str,
    from_fmt: str | None = None,
    use_predictions: bool = False,
    predictions: bool = False,
    model_version: str | None = None,
    utf16_offsets: bool | None = None,
) -> Report:
    """Convert a file; bad records are reported (not raised) and the good ones written.

    Scores read from Label Studio predictions are passed on when writing predictions again.
    ``utf16_offsets`` applies to Label Studio input and output (None: detect on input,
    write code points).
    """
    report = Report()
    scores: dict[str, list[float | None]] = {}
    versions: set[str] = set()
    examples = read_examples(
        src, from_fmt, use_predictions=use_predictions, scores=scores, utf16_offsets=utf16_offsets, report=report,
        versions=versions,
    )
    opts: dict[str, Any] = {}
    if to_fmt == "label-studio":
        if model_version is None and len(versions) == 1:
            model_version = next(iter(versions))  # the tagger's own version, from `extractor tag` output
        opts = {"predictions": predictions, "model_version": model_version, "scores": scores,
                "utf16_offsets": bool(utf16_offsets)}
    write_examples(dst, examples, to_fmt, **opts)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor.tagger.formats", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    conv = sub.add_parser("convert", help="convert an annotation file between formats")
    conv.add_argument("input")
    conv.add_argument("output")
    conv.add_argument("--from", dest="from_fmt", choices=INPUT_FORMATS,
                      help="input format (default: guessed from content; tagged = the output of extractor tag)")
    conv.add_argument("--to", dest="to_fmt", choices=FORMATS, required=True)
    conv.add_argument("--use-predictions", action="store_true",
                      help="Label Studio input: use the latest prediction of tasks without an annotation")
    conv.add_argument("--predictions", action="store_true",
                      help="Label Studio output: write spans as predictions (pre-annotations)")
    conv.add_argument("--model-version", help="model_version of written predictions")
    conv.add_argument("--utf16-offsets", action="store_true", default=None,
                      help="Label Studio offsets count UTF-16 units (JavaScript), input and output; "
                           "default: code points, detected per task on input")
    sub.add_parser("config", help="print the Label Studio labeling config")
    args = parser.parse_args(argv)

    if args.command == "config":
        print(LABEL_STUDIO_CONFIG, end="")
        return 0
    try:
        report = convert(
            args.input, args.output, to_fmt=args.to_fmt, from_fmt=args.from_fmt,
            use_predictions=args.use_predictions, predictions=args.predictions,
            model_version=args.model_version, utf16_offsets=args.utf16_offsets,
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for p in report.errors:
        print(f"error: {p}", file=sys.stderr)
    for p in report.skipped:
        print(f"skipped: {p}", file=sys.stderr)
    print(f"{args.input} -> {args.output}: {report.summary()}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
