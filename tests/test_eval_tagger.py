"""eval.tagger's paired comparison: per-text counts and the bootstrap interval of the F1 difference."""

import pytest

from eval.tagger import paired_bootstrap, span_counts, split_examples
from extractor.tagger.spans import Span, score


def _spans(example, drop_every: int = 0):
    return [Span(start=e.start, end=e.end, label=e.label, score=1.0)
            for k, e in enumerate(example.entities) if not drop_every or k % drop_every]


@pytest.fixture(scope="module")
def blind():
    examples = split_examples("blind")
    assert len(examples) >= 100, "annotations/README.md lists blind_handwritten.jsonl as the blind split"
    return examples


def test_counts_give_seqevals_strict_micro_f1(blind):
    predictions = [_spans(ex, drop_every=3) for ex in blind]
    counts = span_counts(blind, predictions).sum(axis=0)
    assert 2 * counts[0] / (counts[1] + counts[2]) == pytest.approx(score(blind, predictions)["micro"]["f1"])


def test_bootstrap_of_a_tagger_against_itself_is_zero(blind):
    c = span_counts(blind, [_spans(ex, drop_every=2) for ex in blind])
    diff, lo, hi, not_better = paired_bootstrap(c, c, n=200)
    assert diff == lo == hi == 0.0
    assert not_better == 1.0


def test_bootstrap_separates_a_better_tagger(blind):
    perfect = span_counts(blind, [_spans(ex) for ex in blind])
    worse = span_counts(blind, [_spans(ex, drop_every=2) for ex in blind])
    diff, lo, hi, not_better = paired_bootstrap(perfect, worse, n=500)
    assert 0 < lo <= diff <= hi < 1
    assert not_better == 0.0
    # the other way round the interval lies below zero
    diff2, lo2, hi2, _ = paired_bootstrap(worse, perfect, n=500)
    assert diff2 == pytest.approx(-diff) and hi2 < 0
