"""Trim the base encoder's vocabulary to what Chinese report text needs.

    python -m training.trim --src models/base/e5-small --out models/base/e5-small-zh

The XLM-R vocabulary has 250k pieces for 100 languages; its embedding matrix
is 80 % of the model, dominates every optimizer step on CPU and alone exceeds
the 60 MB the shipped model may weigh. Report text is tokenised chunk by chunk
(`extractor.tagger.pretokenize`): one CJK character, one number, one symbol at
a time. So we keep every single-CJK-character piece, every short ASCII piece
(digits, units, Latin abbreviations), every punctuation and symbol piece, the
special tokens, and every piece the corpus itself produces; the Unigram model
keeps the kept pieces' scores, so segmentation of kept text is unchanged.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def coverage_piece(piece: str) -> bool:
    """Pieces kept whatever the corpus: any CJK character, short ASCII, any symbol."""
    body = piece[1:] if piece.startswith("\u2581") else piece
    if body == "":
        return True  # the bare word marker
    if len(body) == 1 and (_CJK.match(body) or unicodedata.category(body)[0] in "PSN"):
        return True
    return body.isascii() and len(body) <= 3


def corpus_texts() -> list[str]:
    """Every annotated text, the seeds' raw text, and a generated sample."""
    from extractor.tagger.corpus import read_jsonl

    texts = []
    for f in sorted((ROOT / "annotations").glob("*.jsonl")):
        texts += [ex.text for ex in read_jsonl(f)]
    for f in sorted((ROOT / "tests" / "fixtures").glob("0*.txt")):
        texts += f.read_text(encoding="utf-8").splitlines()
    try:
        from training.synth import generate

        texts += [ex.text for ex in generate(6000, seed=101)]
    except ImportError:  # generator not installed: corpus pieces from real text only
        pass
    return [t for t in texts if t.strip()]


def trim(src: Path, out: Path, texts: list[str]) -> dict:
    import torch
    from transformers import AutoModel, PreTrainedTokenizerFast

    from extractor.tagger.pretokenize import encode_words

    spec = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]
    specials = {t["content"]: t["id"] for t in spec["added_tokens"]}
    keep = set(specials.values())
    keep |= {i for i, (piece, _) in enumerate(vocab) if coverage_piece(piece)}
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(src / "tokenizer.json"))
    used = set()
    for text in texts:
        ids, _, _ = encode_words(tokenizer, text)
        used.update(ids)
    keep |= used
    old_ids = sorted(keep)
    new_id = {old: new for new, old in enumerate(old_ids)}
    spec["model"]["vocab"] = [vocab[i] for i in old_ids]
    spec["model"]["unk_id"] = new_id[spec["model"]["unk_id"]]
    for tok in spec["added_tokens"]:
        tok["id"] = new_id[tok["id"]]
    for entry in spec.get("post_processor", {}).get("special_tokens", {}).values():
        entry["ids"] = [new_id[i] for i in entry["ids"]]
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        if (src / name).exists():
            shutil.copy(src / name, out / name)

    model = AutoModel.from_pretrained(src)
    old = model.get_input_embeddings().weight.data
    emb = torch.nn.Embedding(len(old_ids), old.shape[1], padding_idx=new_id.get(model.config.pad_token_id))
    emb.weight.data = old[torch.tensor(old_ids)].clone()
    model.set_input_embeddings(emb)
    model.config.vocab_size = len(old_ids)
    for attr in ("pad_token_id", "bos_token_id", "eos_token_id"):
        value = getattr(model.config, attr, None)
        if value is not None:
            setattr(model.config, attr, new_id[value])
    model.save_pretrained(out)
    check = PreTrainedTokenizerFast(tokenizer_file=str(out / "tokenizer.json"))
    same = sum(
        [old_ids[i] for i in encode_words(check, t)[0]] == encode_words(tokenizer, t)[0] for t in texts[:2000]
    )
    return {
        "pieces_before": len(vocab),
        "pieces_after": len(old_ids),
        "corpus_pieces": len(used),
        "texts_checked": min(len(texts), 2000),
        "texts_tokenised_identically": same,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, default=ROOT / "models" / "base" / "e5-small")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "base" / "e5-small-zh")
    args = ap.parse_args(argv)
    stats = trim(args.src, args.out, corpus_texts())
    print(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
