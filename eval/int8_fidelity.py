"""How faithfully each int8 choice keeps a tagger's float32 decisions, measured on dev.

    python -m eval.int8_fidelity /tmp/runs/tagger-D2 [--keep none,ffn-out,ffn] [--repeat 2]

The model's graph is exported and fused once (`training.export_onnx`), then
quantized once per `--keep` choice (`training.export_onnx.KEEP_FP32`: which
Linear layers stay in float32). Each graph is compared with the float32 torch
model on the dev split, which is where such a choice may be made: the dev
tokens whose best label changes, the mean squared error of the logits, dev
strict micro F1, the file's size, and dev sentences per second (best of
`--repeat`, batch 32, on this machine's threads), each beside the "none"
choice, which is the exporter's default. Held-out splits are not read: the
export's own gate judges them (`python -m training.export_onnx --int8-keep`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def fidelity(model_dir: Path, keeps: list[str], repeat: int = 2) -> list[dict]:
    from eval.tagger import split_examples
    from extractor.tagger.model import TokenTagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import score
    from training.export_onnx import fused_graph, onnx_tagger, quantize

    dev = split_examples("dev")
    texts, roles = [ex.text for ex in dev], [role_of_source(ex.source) for ex in dev]
    reference = TokenTagger.load(model_dir, runtime="torch").window_logits(texts, 32, roles)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        fused = fused_graph(model_dir, Path(tmp))
        for keep in keeps:
            graph = Path(tmp) / f"{keep}.onnx"
            quantize(fused, graph, keep)
            tagger = onnx_tagger(model_dir, graph)
            best = float("inf")
            for _ in range(max(1, repeat)):  # what `predict` does, timed, keeping the windows to compare
                t0 = time.perf_counter()
                windows = tagger.window_logits(texts, 32, roles)
                predicted = tagger.decode(len(texts), windows, tagger.temperature)
                best = min(best, time.perf_counter() - t0)
            changed = tokens = 0
            squared = 0.0
            for (i, _, ref), (j, _, got) in zip(reference, windows, strict=True):
                assert i == j, "windows out of step"
                changed += int((ref.argmax(-1) != got.argmax(-1)).sum())
                tokens += len(ref)
                squared += float(((ref - got) ** 2).sum()) / ref.shape[-1]
            rows.append({"keep": keep, "bytes": graph.stat().st_size, "changed": changed,
                         "tokens": tokens, "mse": round(squared / tokens, 4),
                         "dev_f1": round(score(dev, predicted)["micro"]["f1"], 4),
                         "sent_s": round(len(texts) / best, 1)})
    return rows


def table(rows: list[dict], model_dir: Path) -> str:
    ref = rows[0]
    lines = [f"int8 choices for {model_dir}, against its float32 torch model on dev ({ref['tokens']} tokens)",
             f"| float32 kept | MB | dev tokens whose label changes | logit MSE | dev strict F1 | dev sentences/s | × {ref['keep']} |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['keep']} | {r['bytes'] / 2**20:.1f} | {r['changed']} | {r['mse']} | {r['dev_f1']} | {r['sent_s']} "
                     f"| {r['sent_s'] / ref['sent_s']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from training.export_onnx import KEEP_FP32

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("--keep", default=",".join(KEEP_FP32), help="the KEEP_FP32 choices to compare, the reference first")
    ap.add_argument("--repeat", type=int, default=2, help="timings per choice; the best is printed")
    args = ap.parse_args(argv)
    keeps = args.keep.split(",")
    unknown = [k for k in keeps if k not in KEEP_FP32]
    if unknown:
        print(f"error: --keep {','.join(unknown)}: not one of {', '.join(KEEP_FP32)}", file=sys.stderr)
        return 2
    if not (args.model_dir / "tagger.json").exists():
        print(f"error: {args.model_dir}: not a tagger model directory (no tagger.json)", file=sys.stderr)
        return 2
    print(table(fidelity(args.model_dir, keeps, args.repeat), args.model_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
