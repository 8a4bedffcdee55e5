"""Write a tagger directory's `model.onnx`: the encoder for ONNX Runtime, int8 weights, checked against torch.

    python -m training.export_onnx models/tagger [--fp32 | --int8-keep none|ffn-out|ffn] [--splits real-dev,dev,test,ood,blind]

The transformers weights are exported with torch's ONNX exporter (dynamic
batch and length), the graph's attention, GELU and LayerNorm are fused by
ONNX Runtime's transformer optimizer, and the Linear weights are quantized to
int8 (dynamic quantization: activations quantized per batch at run time).
The file is refused, and the directory left as it was, when strict micro F1 on
any split falls below the fp32 torch model's by more than half a point or by
more than one span, whichever is more; the figures, rises included, are
recorded in `tagger.json` under "onnx". One span is the floor because on the
141 spans of the test split a single span moves F1 by 0.007: int8's rounding
flips one now and then, either way, by chance (a soup was refused for exactly
one, docs/benchmarks.md, tagger-W8). On every larger split half a point is
the stricter bound. `TokenTagger.load` runs
`model.onnx` whenever a directory has one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 0.005
OPSET = 17


def export_fp32(model_dir: Path, out: Path) -> None:
    import torch

    from extractor.tagger.hinted import model_class

    meta = json.loads((model_dir / "tagger.json").read_text(encoding="utf-8"))
    model = model_class(meta).from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager").eval()
    hinted = bool(meta.get("hints"))

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, hint_ids=None):
            kwargs = {"hint_ids": hint_ids} if hinted else {}
            return self.model(input_ids=input_ids, attention_mask=attention_mask, **kwargs).logits

    ids = torch.ones((2, 16), dtype=torch.long)
    names = ["input_ids", "attention_mask"] + (["hint_ids"] if hinted else [])
    args = (ids, torch.ones_like(ids)) + ((torch.zeros_like(ids),) if hinted else ())
    axes = {name: {0: "batch", 1: "tokens"} for name in names} | {"logits": {0: "batch", 1: "tokens"}}
    with torch.inference_mode():
        torch.onnx.export(Logits(), args, str(out), input_names=names, output_names=["logits"], dynamic_axes=axes,
                          opset_version=OPSET, dynamo=False, do_constant_folding=True)


def optimize(src: Path, out: Path, config: dict) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    opt = optimize_model(str(src), model_type="bert", num_heads=config["num_attention_heads"],
                         hidden_size=config["hidden_size"], opt_level=1)
    opt.save_model_to_file(str(out))


# Linear layers that may stay in float32 while the rest is int8: the feed-forward block's. The output layer
# reads GELU's activations, the widest-ranged input of any Linear, where one per-tensor scale loses most
# (docs/benchmarks.md, tagger-D2; `python -m eval.int8_fidelity` measures each choice)
KEEP_FP32 = {
    "none": (),
    "ffn-out": (r"/layer\.\d+/output/dense/MatMul$",),
    "ffn": (r"/layer\.\d+/output/dense/MatMul$", r"/layer\.\d+/intermediate/dense/MatMul$"),
}


def kept_nodes(graph_file: Path, keep: str) -> list[str]:
    """The names of the graph's nodes that `keep` (a KEEP_FP32 key) leaves in float32."""
    import re

    import onnx

    patterns = [re.compile(p) for p in KEEP_FP32[keep]]
    if not patterns:
        return []
    names = [n.name for n in onnx.load(str(graph_file)).graph.node if any(p.search(n.name) for p in patterns)]
    if not names:
        raise SystemExit(f"{graph_file}: no node matches the --int8-keep {keep} patterns; the graph's names changed")
    return names


def quantize(src: Path, out: Path, keep: str = "none") -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # full 8-bit weights: 7-bit ones (reduce_range, against u8 x s8 saturation on CPUs without VNNI) changed
    # more of the fp32 model's labels on dev, on such a CPU, than 8-bit ones (docs/benchmarks.md, tagger-W7);
    # the fused nodes (Attention, SkipLayerNormalization) are outside ONNX's shape inference, hence the default type
    quantize_dynamic(str(src), str(out), weight_type=QuantType.QInt8, per_channel=True, reduce_range=False,
                     nodes_to_exclude=kept_nodes(src, keep), extra_options={"DefaultTensorType": TensorProto.FLOAT})


def fused_graph(model_dir: Path, folder: Path) -> Path:
    """The model's float32 graph with attention, GELU and LayerNorm fused, written into `folder`."""
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    raw, fused = folder / "raw.onnx", folder / "fused.onnx"
    export_fp32(model_dir, raw)
    optimize(raw, fused, config)
    return fused


def onnx_tagger(model_dir: Path, graph: Path):
    """The directory's tagger (tokenizer, labels, temperature) running `graph`, a graph not yet in the directory."""
    from extractor.tagger.encoders import OnnxEncoder, load_tokenizer
    from extractor.tagger.model import TokenTagger

    tokenizer, pad_id = load_tokenizer(model_dir)
    meta = json.loads((model_dir / "tagger.json").read_text(encoding="utf-8"))
    return TokenTagger(OnnxEncoder(graph), tokenizer, meta, pad_id=pad_id)


def split_scores(model_dir: Path, runtime: str, splits: list[str], onnx_file: Path | None = None) -> dict:
    from eval.tagger import split_examples
    from extractor.tagger.model import TokenTagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import score

    tagger = TokenTagger.load(model_dir, runtime=runtime) if onnx_file is None else onnx_tagger(model_dir, onnx_file)
    out = {}
    for split in splits:
        examples = split_examples(split)  # real-dev only measures, when ../shared has it
        if not examples:
            continue
        t0 = time.perf_counter()
        predicted = tagger.predict([ex.text for ex in examples], roles=[role_of_source(ex.source) for ex in examples])
        micro = score(examples, predicted)["micro"]
        # unrounded: the gate's bound is one span's worth, and two F1s rounded to 4 places can differ by
        # more than one span when they differ by exactly one (tagger-D3's test split, docs/benchmarks.md)
        out[split] = {"f1": micro["f1"], "n": len(examples), "spans": sum(len(ex.entities) for ex in examples),
                      "seconds": round(time.perf_counter() - t0, 2)}
    return out


def tolerance(gold_spans: int) -> float:
    """The F1 drop a split may show: half a point, or one span's worth (2 / (predicted + gold) ≈ 1 / gold), whichever is more."""
    return max(TOLERANCE, 1 / max(gold_spans, 1))


def refused_splits(before: dict, after: dict) -> list[str]:
    """The splits whose F1 (unrounded, per split {"f1", "spans"}) falls by more than `tolerance` from `before` to `after`."""
    return [s for s in before if before[s]["f1"] - after[s]["f1"] > tolerance(before[s]["spans"]) + 1e-9]


SPLITS = ("real-dev", "dev", "test", "ood", "blind", "status")


def export(model_dir: Path, int8: bool = True, splits: tuple[str, ...] = SPLITS, keep: str = "none") -> dict:
    from extractor.tagger.encoders import ONNX_FILE

    with tempfile.TemporaryDirectory() as tmp:
        fused, final = fused_graph(model_dir, Path(tmp)), Path(tmp) / "final.onnx"
        if int8:
            quantize(fused, final, keep)
        else:
            fused.replace(final)
        torch_f1 = split_scores(model_dir, "torch", list(splits))
        onnx_f1 = split_scores(model_dir, "onnx", list(splits), onnx_file=final)
        worst = max(torch_f1[s]["f1"] - onnx_f1[s]["f1"] for s in torch_f1)
        over = refused_splits(torch_f1, onnx_f1)
        record = {
            "dtype": "int8" if int8 else "float32",
            "kept_fp32": keep if int8 else "all",
            "opset": OPSET,
            "mb": round(final.stat().st_size / 2**20, 1),
            "strict_f1": {s: {"torch_fp32": round(torch_f1[s]["f1"], 6), "onnx": round(onnx_f1[s]["f1"], 6)}
                          for s in torch_f1},
            "seconds": {s: {"torch_fp32": torch_f1[s]["seconds"], "onnx": onnx_f1[s]["seconds"]} for s in torch_f1},
            "largest_drop": round(max(worst, 0.0), 4),
        }
        if over:
            raise SystemExit(f"model.onnx lowers strict F1 by more than half a point or one span on {', '.join(over)}: refused\n"
                             + json.dumps(record["strict_f1"], indent=2))
        final.replace(model_dir / ONNX_FILE)
    meta_file = model_dir / "tagger.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["onnx"] = record
    meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--fp32", action="store_true", help="keep float32 weights (no int8 quantization)")
    ap.add_argument("--int8-keep", choices=sorted(KEEP_FP32), default="none",
                    help="Linear layers left in float32 (eval.int8_fidelity measures what each choice costs and keeps)")
    ap.add_argument("--splits", default=",".join(SPLITS),
                    help="the splits the export is checked on (real-dev when ../shared/real-dev is there)")
    args = ap.parse_args(argv)
    if not (args.model_dir / "tagger.json").exists():
        print(f"error: {args.model_dir}: not a tagger model directory (no tagger.json)", file=sys.stderr)
        return 2
    print(json.dumps(export(args.model_dir, int8=not args.fp32, splits=tuple(args.splits.split(",")), keep=args.int8_keep), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
