"""Spans -> chunk labels -> tokens -> spans is lossless on every gold example the decoder may produce."""

from pathlib import Path

import pytest

from extractor.tagger.corpus import read_jsonl
from extractor.tagger.encoding import IGNORE, LABEL2ID, LABELS, chunk_tags, decode, encode, sentences

ROOT = Path(__file__).parent.parent
BASE = ROOT / "models" / "tagger"
GOLD = sorted((ROOT / "annotations").glob("*.jsonl"))


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(BASE)


def _one_hot(window):
    """Probabilities that put all mass on the label each chunk's first token was taught."""
    out = []
    for lab in window.labels:
        row = [0.0] * len(LABELS)
        row[lab if lab != IGNORE else LABEL2ID["O"]] = 1.0
        out.append(row)
    return out


def test_every_gold_span_survives_encode_and_decode(tokenizer):
    """Only spans that start or end inside a glued word (`words.glued`) may be lost, and they are rare."""
    from extractor.tagger.words import glued

    examples = [ex for f in GOLD for ex in read_jsonl(f)]
    assert len(examples) > 300
    lost, unreachable, total = [], 0, 0
    for ex in examples:
        stuck = glued(ex.text)
        gold = {(e.start, e.end, e.label) for e in ex.entities if e.start not in stuck and e.end not in stuck}
        unreachable += len(ex.entities) - len(gold)
        total += len(ex.entities)
        got = set()
        for w in encode(tokenizer, ex.text, [e.model_dump() for e in ex.entities], max_tokens=256):
            got |= {(s, e, lab) for s, e, lab, _ in decode(w, _one_hot(w))}
        if not gold <= got:
            lost.append((ex.id, gold - got))
    assert lost == []
    assert unreachable / total < 0.01


def test_decoder_never_cuts_a_word():
    """One uncertain character at a word's edge does not cut the word: 中央 stays whole or stays out."""
    text = "中央水利发展资金3000万元"
    window = encode_plain(text)
    from extractor.tagger.pretokenize import pretokenize

    chunks = pretokenize(text)
    rows = []
    for c in window.chunk_of:
        row = [0.01] * len(LABELS)
        ch = text[chunks[c][0] : chunks[c][1]]
        # the model would start the METRIC at 央 (inside 中央)
        row[LABEL2ID["B-METRIC" if ch == "央" else "I-METRIC" if ch in "水利发展资金" else "O"]] = 0.9
        rows.append(row)
    spans = [(text[s:e], lab) for s, e, lab, _ in decode(window, rows)]
    assert ("央水利发展资金", "METRIC") not in spans
    assert ("中央水利发展资金", "METRIC") in spans or ("水利发展资金", "METRIC") in spans


def encode_plain(text):
    from extractor.tagger.encoding import Window
    from extractor.tagger.pretokenize import pretokenize

    chunks = pretokenize(text)
    return Window(input_ids=list(range(len(chunks))), chunk_of=list(range(len(chunks))), labels=None, text=text, offset=0)


def test_chunk_tags_mark_b_and_i():
    text = "工业投资增长15.7%"
    tags = chunk_tags(text, [{"start": 0, "end": 4, "label": "METRIC"}, {"start": 6, "end": 11, "label": "VALUE"}])
    assert tags == ["B-METRIC", "I-METRIC", "I-METRIC", "I-METRIC", "O", "O", "B-VALUE", "I-VALUE"]


def test_long_sentences_are_cut_at_clauses_not_inside_figures(tokenizer):
    text = "，".join(f"第{i}项工业投资同比增长{i}.5%" for i in range(60)) + "。"
    windows = encode(tokenizer, text, max_tokens=64)
    assert len(windows) > 3
    for w in windows:
        assert len(w.input_ids) <= 64
        assert w.text.endswith(("，", "。")) or w.offset + len(w.text) == len(text)


def test_long_text_is_windowed_with_exact_offsets(tokenizer):
    sentence = "全市规模工业增加值同比增长7.7%，工业投资同比增长15.7%。"
    text = sentence * 400  # 12 000 characters
    windows = encode(tokenizer, text, max_tokens=128)
    assert len(windows) > 1
    for w in windows:
        assert len(w.input_ids) <= 128
        assert text[w.offset : w.offset + len(w.text)] == w.text


def test_sentences_tile_content_with_exact_offsets():
    text = "一是增长8.3%。二是新增180家；\n三是完成"
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == ["一是增长8.3%。", "二是新增180家；\n", "三是完成"]


def test_viterbi_finds_the_best_valid_label_sequence():
    """Against brute force over every IOB2-valid sequence of short inputs."""
    import itertools
    import math
    import random

    from extractor.tagger.encoding import viterbi

    def valid(seq):
        prev = "O"
        for j in seq:
            lab = LABELS[j]
            if lab.startswith("I-") and (prev == "O" or prev[2:] != lab[2:]):
                return False
            prev = lab
        return True

    rng = random.Random(7)
    for _ in range(40):
        n = rng.randint(1, 4)
        rows = [[rng.random() ** 3 + 1e-6 for _ in LABELS] for _ in range(n)]
        best = max((seq for seq in itertools.product(range(len(LABELS)), repeat=n) if valid(seq)),
                   key=lambda seq: sum(math.log(rows[t][j]) for t, j in enumerate(seq)))
        assert tuple(viterbi(rows)) == best
    # an I- label that would win alone is never emitted without its B-
    rows = [[0.1, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0]]
    assert LABELS[viterbi(rows)[0]] != "I-VALUE"
    assert viterbi([]) == []


def test_viterbi_keeps_spans_off_forbidden_edges():
    """Against brute force: with chunks where no span may begin or end, the best sequence that respects them."""
    import itertools
    import math
    import random

    from extractor.tagger.encoding import viterbi

    def spans(seq):
        out, cur = [], None
        for t, j in enumerate(seq):
            lab = LABELS[j]
            if lab.startswith("I-") and cur is not None and cur[2] == lab[2:]:
                cur[1] = t
                continue
            if lab.startswith("I-"):
                return None  # not IOB2
            if cur:
                out.append(cur)
            cur = [t, t, lab[2:]] if lab != "O" else None
        return out + ([cur] if cur else [])

    rng = random.Random(11)
    for _ in range(60):
        n = rng.randint(1, 4)
        rows = [[rng.random() ** 3 + 1e-6 for _ in LABELS] for _ in range(n)]
        no_start = [rng.random() < 0.35 for _ in range(n)]
        no_end = [rng.random() < 0.35 for _ in range(n)]

        def ok(seq):
            found = spans(seq)
            return found is not None and all(not no_start[s] and not no_end[e] for s, e, _ in found)

        best = max((seq for seq in itertools.product(range(len(LABELS)), repeat=n) if ok(seq)),
                   key=lambda seq: sum(math.log(rows[t][j]) for t, j in enumerate(seq)))
        assert tuple(viterbi(rows, None, no_start, no_end)) == best


def test_edge_flags_read_separators_and_brackets():
    from extractor.tagger.encoding import edge_flags
    from extractor.tagger.pretokenize import pretokenize

    text = "“三公”经费、部门的（预算）"
    chunks = pretokenize(text)
    no_start, no_end = edge_flags(text, chunks)
    marks = {text[s:e]: (a, b) for (s, e), a, b in zip(chunks, no_start, no_end)}
    assert marks["“"] == (False, True)  # a quote may open a span, never close it
    assert marks["”"] == (True, False)
    assert marks["、"] == (True, True) and marks["的"] == (True, True)
    assert marks["经"] == (False, False)
