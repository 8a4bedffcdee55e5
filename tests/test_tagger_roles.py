"""A text's role (goal cell, result cell) reaches both taggers, the model input and the pipeline."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.tagger.corpus import read_jsonl
from extractor.tagger.encoding import IGNORE, LABEL2ID, LABELS, decode, encode
from extractor.tagger.roles import PREFIX, role_of_header, role_of_source
from extractor.tagger.rules import RuleTagger

ROOT = Path(__file__).parent.parent
GOLD = sorted((ROOT / "annotations").glob("seed_*.jsonl"))


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(ROOT / "models" / "tagger")


def test_role_from_annotation_sources():
    assert role_of_source("seeds/001_x.txt line 180 table cell 预期目标") == "goal"
    assert role_of_source("seeds/000_x.txt joined lines 51-57 (table cell 预期目标, wrapped lines joined)") == "goal"
    assert role_of_source("seeds/002_x.txt line 40 table cell 年度部门（单位）总体运行情况及取得的成绩") == "result"
    assert role_of_source("seeds/001_x.txt line 190 table cell 实际完成情况") == "result"
    assert role_of_source("seeds/002_x.txt line 90 table cell 评分标准") is None
    assert role_of_source("seeds/003_x.txt line 285 table row (绩效指标: 三级指标，年度指标值，实际完成值)") is None
    assert role_of_source("seeds/003_x.txt line 12") is None
    assert role_of_source("training.synth seed=13 template=growth domain=industry role=goal") == "goal"
    assert role_of_source(None) is None and role_of_source(5) is None
    assert role_of_header("绩效目标") == "goal" and role_of_header("分值") is None


def test_gold_goal_cells_hold_targets_not_values():
    """The decision the role encodes: a figure in a goal cell is a TARGET (annotations/README.md D21)."""
    goal = [ex for f in GOLD for ex in read_jsonl(f) if role_of_source(ex.source) == "goal"]
    assert len(goal) >= 10
    assert all(e.label != "VALUE" for ex in goal for e in ex.entities)
    assert sum(e.label == "TARGET" for ex in goal for e in ex.entities) >= 12


def test_role_prefix_carries_no_labels_and_decodes_to_the_same_offsets(tokenizer):
    text = "1、规模工业增加值增长7.5%，新增规模以上企业150家。"
    spans = [{"start": 2, "end": 9, "label": "METRIC"}, {"start": 11, "end": 15, "label": "TARGET"},
             {"start": 16, "end": 24, "label": "METRIC"}, {"start": 24, "end": 28, "label": "TARGET"}]
    plain = encode(tokenizer, text, spans)[0]
    goal = encode(tokenizer, text, spans, role="goal")[0]
    extra = len(goal.input_ids) - len(plain.input_ids)
    assert extra >= len(PREFIX["goal"]) - 1  # the prefix words are really in the input
    assert goal.labels[1 : 1 + extra] == [IGNORE] * extra and goal.chunk_of[1 : 1 + extra] == [None] * extra
    assert [lab for lab in goal.labels if lab != IGNORE] == [lab for lab in plain.labels if lab != IGNORE]
    one_hot = [[1.0 if j == (lab if lab != IGNORE else LABEL2ID["O"]) else 0.0 for j in range(len(LABELS))]
               for lab in goal.labels]
    assert [(s, e, lab) for s, e, lab, _ in decode(goal, one_hot)] == [(d["start"], d["end"], d["label"]) for d in spans]


def test_role_prefix_counts_against_the_window(tokenizer):
    text = "，".join(f"第{i}项工业投资同比增长{i}.5%" for i in range(60)) + "。"
    for w in encode(tokenizer, text, max_tokens=64, role="result"):
        assert len(w.input_ids) <= 64


def test_unknown_role_is_refused(tokenizer):
    with pytest.raises(ValueError, match="unknown role 'plan'"):
        encode(tokenizer, "增长7.5%", role="plan")


def test_rule_tagger_takes_a_role_per_text():
    tagger = RuleTagger()
    text = "规模工业增加值增长7.5%，新增规模以上企业150家。"
    got = tagger.predict([text, text], roles=["goal", None])
    labels = [[s.label for s in spans if s.label != "METRIC"] for spans in got]
    assert labels == [["TARGET", "TARGET"], ["VALUE", "VALUE"]]
    with pytest.raises(ValueError, match="1 roles for 2 texts"):
        tagger.predict([text, text], roles=["goal"])


def test_tag_command_reads_roles_and_refuses_unknown_ones(tmp_path):
    text = "规模工业增加值增长7.5%。"
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "g", "text": text, "role": "goal"},
        {"id": "s", "text": text, "source": "seeds/000_x.txt line 59 table cell 预期目标"},
        {"id": "n", "text": text},
        {"id": "x", "text": text, "role": "plan"},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "tag", str(src), "-o", str(out), "--rules"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "line 4: unknown role 'plan'" in proc.stderr
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    figure = {k: [e["label"] for e in r["entities"] if e["label"] != "METRIC"] for k, r in rows.items()}
    assert figure == {"g": ["TARGET"], "s": ["TARGET"], "n": ["VALUE"]}


class _Recording(RuleTagger):
    """The rule tagger, remembering which role each text was tagged with."""

    def __init__(self):
        super().__init__()
        self.seen: dict[str, str | None] = {}

    def predict(self, text, goal=False, batch_size=None, roles=None):
        if isinstance(text, list):
            self.seen.update(zip(text, roles if roles is not None else [None] * len(text)))
        return super().predict(text, goal=goal, batch_size=batch_size, roles=roles)


def test_pipeline_tells_the_tagger_the_role_of_each_cell():
    from extractor.pipeline import extract

    tagger = _Recording()
    result = extract(ROOT / "tests" / "fixtures" / "002_418cb45b50d16ad8.txt", tagger=tagger)
    goal_texts = [t for t, r in tagger.seen.items() if r == "goal"]
    assert any("8%左右" in t for t in goal_texts)
    assert any(r == "result" for r in tagger.seen.values()) and any(r is None for r in tagger.seen.values())
    # the figure is a TARGET because the tagger was told, not only because the claim's kind is overridden
    texts = [t for t in goal_texts if "8%左右" in t]
    for spans in RuleTagger().predict(texts, roles=["goal"] * len(texts)):
        assert any(s.label == "TARGET" for s in spans)
    assert any(c.value.text == "8%左右" and c.kind == "target" for c in result.claims)
