"""Export a trained tagger for shipping: fp16 weights, checked against fp32 on dev.

    python -m training.export /path/to/trained --out models/tagger

Weights are stored in float16 (half the size; the model is loaded back in
float32, so only the weights are rounded), and `model.onnx` (int8, what
`extractor` runs; `training.export_onnx`) is written from them. The export is refused when strict
micro F1 on dev moves by more than half a point; the change is recorded in
tagger.json and the model card.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def dev_scores(path: Path) -> dict:
    """Dev strict scores of a model directory's weights, in the form `training.train` writes to tagger.json."""
    from extractor.tagger.model import TokenTagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import score
    from training.train import load_examples, split_files

    dev = load_examples(split_files("dev"))
    # the weights are what is checked: a directory being replaced (--force) still holds the old model.onnx
    tagger = TokenTagger.load(path, runtime="torch")
    roles = [role_of_source(ex.source) for ex in dev]
    s = score(dev, tagger.predict([ex.text for ex in dev], roles=roles))
    return {"files": [p.name for p in split_files("dev")], "f1": s["micro"]["f1"],
            **{f"f1_{lab}": s[lab]["f1"] for lab in ("METRIC", "VALUE", "TARGET")}}


def dev_f1(path: Path) -> float:
    return dev_scores(path)["f1"]


def export(src: Path, out: Path) -> dict:
    import torch

    from extractor.tagger.hinted import model_class
    from training.train import write_model_card

    meta = json.loads((src / "tagger.json").read_text(encoding="utf-8"))
    model = model_class(meta).from_pretrained(src, dtype=torch.float32)
    out.mkdir(parents=True, exist_ok=True)
    model.to(torch.float16).save_pretrained(out)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tagger.json"):
        if (src / name).exists():
            shutil.copy(src / name, out / name)
    before, after = dev_f1(src), dev_f1(out)
    if abs(before - after) > 0.005:
        raise SystemExit(f"fp16 export changes dev strict F1 from {before:.4f} to {after:.4f}: refused")
    meta = json.loads((out / "tagger.json").read_text(encoding="utf-8"))
    meta["export"] = {"dtype": "float16", "dev_f1_fp32": round(before, 4), "dev_f1_fp16": round(after, 4)}
    (out / "tagger.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    size = sum(p.stat().st_size for p in out.glob("*.safetensors")) / 2**20
    from training.export_onnx import export as export_onnx

    onnx = export_onnx(out)
    f1 = ", ".join(f"{s} {v['torch_fp32']:.4f} → {v['onnx']:.4f}" for s, v in onnx["strict_f1"].items())
    write_model_card(out, meta, extra=(
        f"Shipped in float16 ({size:.1f} MB of weights): dev strict micro F1 {before:.4f} in fp32, "
        f"{after:.4f} as exported (`python -m training.export`). Run at inference from `model.onnx` "
        f"(int8, {onnx['mb']} MB, ONNX Runtime; `python -m training.export_onnx`): strict micro F1 {f1}."
    ))
    return meta["export"] | {"weights_mb": round(size, 1), "onnx": onnx}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path)
    ap.add_argument("--out", type=Path, required=True, help="where to write it (models/tagger ships it)")
    ap.add_argument("--force", action="store_true", help="replace a model already there")
    args = ap.parse_args(argv)
    if (args.out / "tagger.json").exists() and not args.force:
        print(f"error: {args.out}: already holds a model; give --force to replace it", file=sys.stderr)
        return 2
    print(json.dumps(export(args.src, args.out), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
