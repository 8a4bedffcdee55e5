"""The shipped fine-tuned tagger (models/tagger): loads offline, tags with exact offsets, handles bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.tagger import load_tagger
from extractor.tagger.model import DEFAULT_MODEL

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def tagger():
    return load_tagger()


def test_shipped_model_is_small_and_documented():
    weights = sum(p.stat().st_size for p in DEFAULT_MODEL.glob("*.safetensors"))
    assert 0 < weights <= 60 * 1024 * 1024
    meta = json.loads((DEFAULT_MODEL / "tagger.json").read_text(encoding="utf-8"))
    assert meta["labels"][0] == "O" and meta["train"]["data_sha256_16"]
    card = (DEFAULT_MODEL / "README.md").read_text(encoding="utf-8")
    assert "command" in card and "data hash" in card


def test_tags_a_report_sentence(tagger):
    text = "2024年1-12月，全市规模工业增加值同比增长7.7%，工业投资同比增长15.7%。"
    spans = tagger.predict([text])[0]
    got = {(text[s.start : s.end], s.label) for s in spans}
    assert ("7.7%", "VALUE") in got and ("15.7%", "VALUE") in got
    assert ("规模工业增加值", "METRIC") in got
    assert not any(text[s.start : s.end].startswith("2024") for s in spans)  # years are never figures
    assert all(0 < s.score <= 1 for s in spans)


def test_offsets_stay_exact_in_long_and_dirty_text(tagger):
    sentence = "新建5G基站956个，完成投资1.71亿元。"
    long_text = ("\x07" + sentence + "\u200b") * 300  # control and zero-width characters, ~7 000 characters
    spans = tagger.predict([long_text])[0]
    assert len(spans) >= 300
    for s in spans:
        assert long_text[s.start : s.end].strip() == long_text[s.start : s.end]
        assert "\x07" not in long_text[s.start : s.end]
    values = [long_text[s.start : s.end] for s in spans if s.label == "VALUE"]
    assert values.count("956个") >= 250


def test_empty_and_non_chinese_text(tagger):
    assert tagger.predict(["", "   "]) == [[], []]
    assert all(s.label in ("METRIC", "VALUE", "TARGET") for s in tagger.predict(["Revenue grew 8.3% in 2024."])[0])


def test_tag_command_reports_bad_lines_and_writes_the_rest(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join([
            json.dumps({"id": "a", "text": "新增规模以上企业180家。"}, ensure_ascii=False),
            "{broken",
            json.dumps({"id": "b"}),
            json.dumps({"id": "c", "text": ""}),
        ]) + "\n",
        encoding="utf-8",
    )
    out, html = tmp_path / "out.jsonl", tmp_path / "out.html"
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "tag", str(src), "-o", str(out), "--html", str(html)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "line 2: not valid JSON" in proc.stderr and 'line 3: no "text"' in proc.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "c"]
    assert any(e["label"] == "VALUE" and rows[0]["text"][e["start"] : e["end"]] == "180家" for e in rows[0]["entities"])
    assert "180家" in html.read_text(encoding="utf-8")


def test_spacy_doc_and_displacy(tagger):
    from extractor.tagger.display import render_html, to_doc

    text = "工业投资、技改投资分别增长19.8%、28.3%。"
    spans = tagger.predict([text])[0]
    doc = to_doc(text, spans)
    assert [(e.text, e.label_) for e in doc.ents] == [(text[s.start : s.end], s.label) for s in spans]
    assert "19.8%" in render_html(text, spans, page=True)
