"""The status evaluation set (eval/tagger_status): its JSONL is exactly what its markup says."""

from __future__ import annotations

from pathlib import Path

from extractor.tagger.corpus import read_jsonl, validate
from extractor.tagger.markup import read_markup

HERE = Path(__file__).resolve().parents[1] / "eval" / "tagger_status"
SOURCE = "handwritten-status, evaluation only (eval/tagger_status/README.md)"


def test_jsonl_is_built_from_the_markup():
    built = read_markup(HERE / "passages.txt", "status", SOURCE)
    stored = read_jsonl(HERE / "passages.jsonl")
    assert [ex.model_dump() for ex in built] == [ex.model_dump() for ex in stored]


def test_every_passage_is_valid_and_both_statuses_are_there():
    stored = read_jsonl(HERE / "passages.jsonl")
    assert [p for ex in stored for p in validate(ex)] == []
    labels = [e.label for ex in stored for e in ex.entities]
    assert labels.count("VALUE") > 200 and labels.count("TARGET") > 200
