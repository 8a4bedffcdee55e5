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


# ------------------------------------------------------------ error classes and calibration

def test_error_classes_put_each_gold_span_in_one_class():
    from eval.tagger_errors import classify
    from extractor.tagger.corpus import Entity

    gold = [Entity(start=0, end=4, label="METRIC"), Entity(start=6, end=10, label="VALUE"),
            Entity(start=12, end=15, label="TARGET"), Entity(start=20, end=22, label="METRIC"),
            Entity(start=30, end=33, label="VALUE")]
    pred = [Span(start=0, end=4, label="METRIC"), Span(start=6, end=10, label="TARGET"),
            Span(start=13, end=15, label="TARGET"), Span(start=20, end=23, label="VALUE"),
            Span(start=40, end=42, label="METRIC")]
    assert classify(gold, pred) == [("correct", "METRIC"), ("label", "VALUE"), ("boundary", "TARGET"),
                                    ("label+boundary", "METRIC"), ("missed", "VALUE"), ("spurious", "METRIC")]


def test_genre_reads_shape_words_not_departments():
    from eval.tagger_errors import genre

    assert genre("指标1:培训人次 ≥300 326\n指标2:覆盖率 ≥90% 95%") == "form rows"
    assert genre("水产品产量 | 万吨 | 12.6 | 3.1") == "form rows"
    assert genre("2023年部门决算支出1200万元，比年初预算增加80万元") == "budget/accounts"
    assert genre("全县规模以上工业增加值同比增长6.1%") == "statistics/economy"


def test_ece_is_zero_when_scores_match_the_share_right():
    from eval.calibration import ece, reliability

    honest = [(0.75, True)] * 3 + [(0.75, False)] + [(0.25, True)] + [(0.25, False)] * 3
    assert ece(honest) == pytest.approx(0.0)
    overconfident = [(0.99, True)] * 6 + [(0.99, False)] * 4
    assert ece(overconfident) == pytest.approx(0.39)
    assert "0.9–1.0 | 10 | 0.990 | 0.600" in reliability(overconfident)


def test_temperature_lowers_the_log_loss_of_overconfident_spans():
    """Decoding with a temperature keeps the spans and spreads the scores."""
    import numpy as np

    from extractor.tagger.encoding import LABEL2ID, LABELS, Window
    from extractor.tagger.model import TokenTagger
    from training.calibrate import log_loss

    text = "增长8.3%"
    window = Window(input_ids=[0, 1, 2, 3, 4], chunk_of=[0, 1, 2, 3, None], labels=None, text=text, offset=0)
    logits = np.full((5, len(LABELS)), -4.0)
    for t, tag in enumerate(["O", "O", "B-VALUE", "I-VALUE", "O"]):
        logits[t, LABEL2ID[tag]] = 6.0  # sure of itself
    sharp = TokenTagger.decode(1, [(0, window, logits)], 1.0)[0]
    soft = TokenTagger.decode(1, [(0, window, logits)], 5.0)[0]
    assert [(s.start, s.end, s.label) for s in sharp] == [(s.start, s.end, s.label) for s in soft] == [(2, 6, "VALUE")]
    assert soft[0].score < sharp[0].score
    # if such spans are right half the time, the softer score has the lower log loss
    assert log_loss([(soft[0].score, True), (soft[0].score, False)]) < log_loss([(sharp[0].score, True), (sharp[0].score, False)])


def test_f1_interval_holds_the_f1_and_narrows_to_it_without_spread(blind):
    from eval.tagger import f1_interval

    counts = span_counts(blind, [_spans(ex, drop_every=3) for ex in blind])
    f1 = 2 * counts[:, 0].sum() / (counts[:, 1].sum() + counts[:, 2].sum())
    lo, hi = f1_interval(counts, n=300)
    assert lo < f1 < hi
    perfect = span_counts(blind, [_spans(ex) for ex in blind])
    assert f1_interval(perfect, n=100) == (1.0, 1.0)


def test_studied_pages_match_by_host_and_last_segment():
    from eval.studied_pages import from_studied_page, page_key

    assert page_key("https://www.example.gov.cn/a/b/t2023_1.html") == ("example.gov.cn", "t2023_1.html")
    assert page_key("example.gov.cn/…/t2023_1.html") == ("example.gov.cn", "t2023_1.html")
    lists = ({("example.gov.cn", "t2023_1.html"), ("whole.site.cn", None)}, {"whole.site.cn"})
    assert from_studied_page("http://m.example.gov.cn/x/t2023_1.html", lists)
    assert not from_studied_page("http://example.gov.cn/x/t2023_2.html", lists)
    assert from_studied_page("(title) https://whole.site.cn/any/page.htm", lists)
    assert not from_studied_page("(no address returned by the search tool) 某县报告", lists)


def test_without_leaves_out_the_written_passages_of_those_genres(capsys):
    from pathlib import Path

    from eval.tagger import ROOT, main

    genres = sorted(p.stem for p in (ROOT / "annotations" / "written").glob("*.txt"))
    kept = [ex for ex in split_examples("written_dev.jsonl") if ex.id.startswith("reviews#")]
    assert kept, "written_dev.jsonl holds every fifth reviews passage"
    main(["--model", str(Path(ROOT, "models", "tagger")), "--splits", "written_dev.jsonl",
          "--without", ",".join(g for g in genres if g != "reviews")])
    out = capsys.readouterr().out
    assert f"### written_dev.jsonl ({len(kept)} texts" in out


# ------------------------------------------------------------ pooled held-out and ensembles

def test_pooled_table_sums_the_spans_of_its_splits(blind):
    import re

    from eval.tagger import pooled_table

    half = len(blind) // 2
    first = span_counts(blind[:half], [_spans(ex) for ex in blind[:half]])
    second = span_counts(blind[half:], [_spans(ex, drop_every=2) for ex in blind[half:]])
    table = pooled_table({"a": {"model": first}, "b": {"model": second}})
    row = next(line for line in table.splitlines() if line.startswith("| model |"))
    gold, f1 = re.match(r"\| model \| (\d+) \| ([\d.]+) \|", row).groups()
    assert int(gold) == sum(len(ex.entities) for ex in blind)
    # the pooled figure is the F1 of all spans together, not the mean of the two splits' F1s
    both = span_counts(blind, [_spans(ex) for ex in blind[:half]] + [_spans(ex, drop_every=2) for ex in blind[half:]])
    assert float(f1) == pytest.approx(2 * both[:, 0].sum() / (both[:, 1].sum() + both[:, 2].sum()), abs=1e-4)
    assert "### pooled held-out (a+b)" in table


def test_an_ensemble_of_a_model_with_itself_tags_as_the_model(blind):
    from eval.tagger import ROOT, Ensemble
    from extractor.tagger import load_tagger
    from extractor.tagger.roles import role_of_source

    tagger = load_tagger(ROOT / "models" / "tagger")
    texts, roles = [ex.text for ex in blind[:30]], [role_of_source(ex.source) for ex in blind[:30]]
    alone = tagger.predict(texts, roles=roles)
    pair = Ensemble([tagger, tagger]).predict(texts, roles=roles)
    assert [[(s.start, s.end, s.label) for s in spans] for spans in pair] == \
           [[(s.start, s.end, s.label) for s in spans] for spans in alone]
    assert sum(map(len, alone)) > 30
