"""Average the weights of fine-tuned runs of one base: a uniform "model soup" (Wortsman et al., 2022).

    python -m training.soup RUN [RUN ...] --out DIR

Runs fine-tuned from one pre-trained encoder usually end in one basin of the
loss, and the average of their weights then often tags better than each of
them, at the speed and size of one model (an ensemble would cost a run per
member at prediction time). Whether it does here is measured, not assumed:
the soup's dev strict micro F1 is printed beside each run's, and the decision
to use it is made on dev like any other model selection.

The runs must share the architecture (every tensor's name and shape), the
tokenizer and the label list; anything else is refused with a one-line error.
DIR gets the averaged weights, the first run's config, tokenizer and
`tagger.json` with a `soup` entry (the runs' versions) and the soup's own dev
scores, and a model card.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

WEIGHTS = "model.safetensors"
COPIED = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


class SoupError(ValueError):
    pass


def _labels(run: Path) -> list[str]:
    return json.loads((run / "tagger.json").read_text(encoding="utf-8"))["labels"]


def average(runs: list[Path]) -> dict:
    """The uniform average of the runs' tensors, in float32."""
    from safetensors.torch import load_file

    if len(runs) < 2:
        raise SoupError("a soup needs at least two runs")
    first = runs[0]
    vocab, labels = (first / "tokenizer.json").read_bytes(), _labels(first)
    for run in runs[1:]:
        if (run / "tokenizer.json").read_bytes() != vocab:
            raise SoupError(f"{run}: its tokenizer.json differs from {first}'s; only runs of one base can be averaged")
        if _labels(run) != labels:
            raise SoupError(f"{run}: its labels differ from {first}'s")
    total = {k: v.float().clone() for k, v in load_file(first / WEIGHTS).items()}
    for run in runs[1:]:
        tensors = load_file(run / WEIGHTS)
        if tensors.keys() != total.keys():
            raise SoupError(f"{run}: its tensors are not {first}'s (different architecture)")
        for k, v in tensors.items():
            if v.shape != total[k].shape:
                raise SoupError(f"{run}: tensor {k} has shape {tuple(v.shape)}, {first}'s {tuple(total[k].shape)}")
            total[k] += v.float()
    return {k: v / len(runs) for k, v in total.items()}


def soup(runs: list[Path], out: Path) -> dict:
    from safetensors.torch import save_file

    from training.export import dev_scores
    from training.train import write_model_card

    weights = average(runs)
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in weights.items()}, str(out / WEIGHTS), metadata={"format": "pt"})
    for name in COPIED:
        if (runs[0] / name).exists():
            shutil.copy(runs[0] / name, out / name)
    metas = [json.loads((r / "tagger.json").read_text(encoding="utf-8")) for r in runs]
    meta = dict(metas[0])
    meta["version"] = "soup-" + "+".join(m["version"] for m in metas)
    meta["soup"] = [m["version"] for m in metas]
    meta["command"] = "python -m training.soup " + " ".join(str(r) for r in runs) + f" --out {out}"
    # written before the scores so that the directory loads as a tagger
    (out / "tagger.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    meta["dev"] = dev_scores(out)
    (out / "tagger.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    members = "; ".join(f"`{m['version']}` (dev {m['dev']['f1']:.4f}, `{m['command']}`)" for m in metas)
    write_model_card(out, meta, extra=f"A uniform average of the weights of {len(runs)} runs (`training/soup.py`): {members}."
                     " The data, seed and command above are the first run's.")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.soup", description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", type=Path, help="model directories written by training.train")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    for run in args.runs:
        if not (run / WEIGHTS).exists() or not (run / "tagger.json").exists():
            print(f"error: {run}: not a trained model directory (needs {WEIGHTS} and tagger.json)", file=sys.stderr)
            return 2
    try:
        meta = soup(args.runs, args.out)
    except SoupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from training.export import dev_scores

    # each member scored as the soup is (decoder included), not by the figure its training logged
    for run in args.runs:
        print(f"{run}: dev F1 {dev_scores(run)['f1']:.4f}")
    print(f"{args.out} (soup): dev F1 {meta['dev']['f1']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
