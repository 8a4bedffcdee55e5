"""Rule hints: the rule tagger's labels per token, their noise in training, and the hinted model's save/load/predict."""

import json
import random
import shutil
from pathlib import Path

import pytest
import torch

from extractor.tagger.encoding import HINTS, LABEL2ID, NO_HINT, chunk_tags, encode
from extractor.tagger.pretokenize import pretokenize
from extractor.tagger.roles import PREFIX
from training.hints import noisy_hints

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "models" / "tagger"
TEXT = "全市规模工业增加值同比增长7.7%，新增规模以上企业180家。"


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(SHIPPED)


def _rule_spans(text, role=None):
    from extractor.tagger.rules import RuleTagger

    return RuleTagger().predict_many([text], roles=[role])[0]


def test_every_token_carries_its_chunks_rule_tag(tokenizer):
    hints = _rule_spans(TEXT)
    assert {TEXT[s.start : s.end] for s in hints} >= {"规模工业增加值", "7.7%"}
    (w,) = encode(tokenizer, TEXT, hints=hints)
    tags = chunk_tags(TEXT, hints)
    assert len(w.hint_ids) == len(w.input_ids)
    for c, h in zip(w.chunk_of, w.hint_ids):
        assert h == (NO_HINT if c is None else 1 + LABEL2ID[tags[c]])
    # the figure's chunks read B-VALUE then I-VALUE: 7.7 and %
    chunks = pretokenize(TEXT)
    value = [h for c, h in zip(w.chunk_of, w.hint_ids) if c is not None and TEXT[chunks[c][0]] in "7%" and chunks[c][0] >= 13]
    assert value[:2] == [1 + LABEL2ID["B-VALUE"], 1 + LABEL2ID["I-VALUE"]]


def test_role_prefix_tokens_get_no_hint(tokenizer):
    hints = _rule_spans(TEXT, "goal")
    (plain,) = encode(tokenizer, TEXT, hints=hints)
    (told,) = encode(tokenizer, TEXT, hints=hints, role="goal")
    prefix_tokens = [h for c, h in zip(told.chunk_of, told.hint_ids) if c is None]
    assert len(prefix_tokens) > 2 + len(PREFIX["goal"]) // 2 and set(prefix_tokens) == {NO_HINT}
    # the text's chunks carry the same hints with or without the prefix
    assert dict(zip(told.chunk_of, told.hint_ids)) | {None: 0} == dict(zip(plain.chunk_of, plain.hint_ids)) | {None: 0}


def test_without_hints_windows_have_none(tokenizer):
    assert all(w.hint_ids is None for w in encode(tokenizer, TEXT))


def test_noisy_hints_stay_valid_and_differ_from_the_rules():
    from extractor.tagger.spans import Span

    rng = random.Random(5)
    texts = [TEXT, "工业投资、技改投资分别增长19.8%、28.3%", "目标：新增规模以上企业150家"] * 40
    changed = withheld = 0
    for text in texts:
        spans = _rule_spans(text)
        noisy = noisy_hints(text, spans, rng)
        if noisy is None:
            withheld += 1
            continue
        ends = -1
        for d in noisy:
            Span(start=d["start"], end=d["end"], label=d["label"])
            assert d["start"] >= ends and d["end"] <= len(text) and text[d["start"] : d["end"]].strip()
            ends = d["end"]
        changed += {(d["start"], d["end"], d["label"]) for d in noisy} != {(s.start, s.end, s.label) for s in spans}
    assert 0 < withheld < len(texts) // 3
    assert 0 < changed < len(texts) // 2
    # the same seed gives the same noise
    a = [noisy_hints(t, _rule_spans(t), random.Random(9)) for t in texts[:3]]
    b = [noisy_hints(t, _rule_spans(t), random.Random(9)) for t in texts[:3]]
    assert a == b


def _tiny_hinted_model(tmp_path: Path) -> Path:
    """A 1-layer hinted model with the shipped tokenizer, saved as `extractor train` saves one."""
    from transformers import BertConfig

    from extractor.tagger.encoding import LABELS
    from extractor.tagger.hinted import HintedBertForTokenClassification

    torch.manual_seed(0)
    vocab = json.loads((SHIPPED / "config.json").read_text())["vocab_size"]
    config = BertConfig(vocab_size=vocab, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                        label2id={n: i for i, n in enumerate(LABELS)})
    model = HintedBertForTokenClassification(config)
    with torch.no_grad():
        model.hint_embeddings.weight.normal_(0, 1.0)
    out = tmp_path / "hinted"
    model.save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(SHIPPED / name, out / name)
    (out / "tagger.json").write_text(json.dumps({"labels": list(LABELS), "hints": True, "version": "tiny"}))
    return out


def test_hinted_model_round_trips_and_reads_the_rules(tmp_path, monkeypatch):
    from extractor.tagger.hinted import HintedBertForTokenClassification
    from extractor.tagger.model import TokenTagger

    path = _tiny_hinted_model(tmp_path)
    saved = HintedBertForTokenClassification.from_pretrained(path).hint_embeddings.weight
    tagger = TokenTagger.load(path)
    model = tagger.encoder.model
    assert tagger.runtime == "torch"  # a directory without model.onnx runs its transformers weights
    assert tagger.hinted and isinstance(model, HintedBertForTokenClassification)
    assert torch.equal(model.hint_embeddings.weight, saved) and saved.abs().sum() > 0
    assert model.config.num_hints == len(HINTS)

    seen = []
    forward = model.forward

    def spy(**inputs):
        seen.append(inputs["hint_ids"].clone())
        return forward(**inputs)

    monkeypatch.setattr(model, "forward", spy)
    tagger.predict([TEXT, "没有数字的句子"], roles=["result", None])
    hints = torch.cat([h.flatten() for h in seen]).tolist()
    # the rules' B-METRIC and B-VALUE reach the model, not only "no hint"
    assert 1 + LABEL2ID["B-METRIC"] in hints and 1 + LABEL2ID["B-VALUE"] in hints


def test_hints_change_the_models_output(tmp_path):
    from extractor.tagger.model import TokenTagger

    tagger = TokenTagger.load(_tiny_hinted_model(tmp_path))
    (w,) = encode(tagger.tokenizer, TEXT, hints=_rule_spans(TEXT))
    ids = torch.tensor([w.input_ids])
    with torch.inference_mode():
        with_hints = tagger.encoder.model(input_ids=ids, hint_ids=torch.tensor([w.hint_ids])).logits
        without = tagger.encoder.model(input_ids=ids, hint_ids=torch.zeros_like(ids)).logits
    assert not torch.allclose(with_hints, without)
