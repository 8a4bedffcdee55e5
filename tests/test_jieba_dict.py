"""jieba over the memory-mapped trie (tagger/jieba_dict.py) cuts exactly as stock jieba does."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from extractor.tagger import jieba_dict

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ["工业技改投资", "规模工业增加值", "省级小巨人", "企业家数", "新增就业人数"]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "fixtures").glob("*.txt"))]
    for path in sorted((ROOT / "annotations").glob("*.jsonl"))[:6]:
        for line in path.read_text(encoding="utf-8").splitlines()[:80]:
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


@pytest.fixture(scope="module")
def stock():
    jieba.setLogLevel(logging.WARNING)
    plain = jieba.Tokenizer()
    plain.initialize()
    from jieba.posseg import POSTokenizer

    # a new POSTokenizer reads the dictionary file's tags itself (jieba.posseg.dt may hold the empty table)
    pos = POSTokenizer(jieba.Tokenizer())
    pos.tokenizer.initialize()
    assert len(pos.word_tag_tab) > 300_000
    for w in LEXICON:
        pos.tokenizer.add_word(w, freq=50000)
    return plain, pos


def test_the_same_words_and_tags_as_stock_jieba(stock):
    plain, pos = stock
    mine = jieba_dict.tokenizer(private=False)
    mine_pos = jieba_dict.pos_tokenizer(jieba_dict.tokenizer())
    for w in LEXICON:
        mine_pos.tokenizer.add_word(w, freq=50000)
    texts = _texts()
    assert sum(map(len, texts)) > 50_000
    for text in texts:
        for hmm in (True, False):
            assert mine.lcut(text, HMM=hmm) == plain.lcut(text, HMM=hmm)
        assert [(w.word, w.flag) for w in mine_pos.cut(text)] == [(w.word, w.flag) for w in pos.cut(text)]
    # the lexicon changes the cut: the comparison above would have seen a tokenizer that ignored it
    assert "工业技改投资" in [w.word for w in mine_pos.cut("全年工业技改投资增长12%")]
    assert "工业技改投资" not in mine.lcut("全年工业技改投资增长12%")


def test_frequencies_answer_as_jiebas_dict(stock):
    plain, _pos = stock
    freq = jieba_dict.tokenizer(private=False).FREQ
    for word in ("工业", "增加值", "信息化", "工业和", "的", "巃嵸嵸", "zz"):
        assert freq.get(word) == plain.FREQ.get(word)
        assert (word in freq) == (word in plain.FREQ)
    assert len(freq) == len(plain.FREQ)


def test_a_word_added_to_one_tokenizer_stays_its_own():
    a, b = jieba_dict.tokenizer(), jieba_dict.tokenizer()
    a.add_word("技改投资额", freq=80000)
    assert "技改投资额" in a.lcut("技改投资额增长")
    assert "技改投资额" not in b.lcut("技改投资额增长")
    assert "技改投资额" not in jieba_dict.tokenizer(private=False).lcut("技改投资额增长")


def test_the_trie_is_built_once_and_mapped_after(tmp_path):
    env = {**os.environ, "EXTRACTOR_CACHE": str(tmp_path)}
    code = ("from extractor.tagger import jieba_dict as J; import time; t = time.perf_counter(); "
            "J.tokenizer(); print(time.perf_counter() - t)")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True)
    built = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("jieba-*")}
    assert any(n.endswith(".marisa") for n in built) and any(n.endswith(".tables") for n in built)
    r = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("jieba-*")} == built
    assert float(r.stdout) < 0.5  # mapped, not built: jieba's own load takes most of a second
