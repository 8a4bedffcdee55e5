"""Ablation of the training data sources, measured on dev strict micro F1.

    python -m training.ablate [--layers 6] [--epochs 3] [--synth 1500]

Each run trains from the same base with the same seed and settings (a smaller
budget than the shipped model's, so that all six fit in about half an hour on
two cores: the comparison is between rows, not with the shipped model), changing
only the data or the input:

- gold: the seed reports of the train split alone (002, 003);
- generated text alone;
- gold + generated;
- gold + generated + rule-tagger silver labels on the generated text's
  sentences without their gold;
- gold + generated + rule hints (the shipped recipe, `--hints`);
- the same + the hand-written sentences of other departments
  (annotations/extra_handwritten.jsonl);
- the same + the project-written genre passages (annotations/written_*.jsonl,
  README-written.md), then that minus one genre at a time, and without hints.

"gold" means the seed reports: the hand-written and written files are left out
of every row that does not name them. Every row is scored on dev (selection)
and, for the record only, on real-dev (`eval.tagger.REAL_DEV`, never used to
choose anything in a run). Results go to models/tagger/ablation.json (printed
by `python -m eval.tagger`).

The silver row's dev F1 is biased upward: the rule tagger that labels the
silver text was written with the dev report in view (it scores 0.993 on dev,
0.957 on test), so a model distilled from it inherits that fit. A run with
silver labels is therefore not selected on dev against runs without them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDWRITTEN = "extra_handwritten.jsonl"
# the train files of the written genres (training/written.py); written_dev.jsonl is dev
WRITTEN = tuple(sorted(p.name for p in (ROOT / "annotations").glob("written_*.jsonl") if p.name != "written_dev.jsonl"))


def real_dev_scores(model_dir: Path) -> dict | None:
    """Strict F1 of a trained run on real-dev (measurement only), or None without the file."""
    from eval.tagger import REAL_DEV, split_examples
    from extractor.tagger.model import TokenTagger
    from extractor.tagger.spans import score

    examples = split_examples("real-dev")
    if not examples:
        return None
    s = score(examples, TokenTagger.load(model_dir).predict([ex.text for ex in examples]))
    return {"file": REAL_DEV.name, "f1": s["micro"]["f1"], **{f"f1_{k}": s[k]["f1"] for k in ("METRIC", "VALUE", "TARGET")}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=str(ROOT / "models" / "base" / "e5-small-zh"))
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--synth", type=int, default=1500)
    ap.add_argument("--gold-repeat", type=int, default=4)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "tagger" / "ablation.json")
    ap.add_argument("--only", default=None, help="comma-separated run names")
    args = ap.parse_args(argv)
    from training.silver import silver_file
    from training.train import train

    work = Path(tempfile.mkdtemp(prefix="ablate-"))
    silver = silver_file(args.synth, 77, work / "silver.jsonl")
    seeds_only = dict(exclude_gold=(HANDWRITTEN, *WRITTEN))
    runs = [
        ("gold", dict(synth=0, **seeds_only)),
        ("generated", dict(synth=args.synth, use_gold=False)),
        ("gold + generated", dict(synth=args.synth, **seeds_only)),
        ("gold + generated + silver", dict(synth=args.synth, silver=silver, **seeds_only)),
        ("gold + generated + hints", dict(synth=args.synth, hints=True, **seeds_only)),
        ("gold + generated + hints + hand-written", dict(synth=args.synth, hints=True, exclude_gold=WRITTEN)),
        ("gold + generated + hints + hand-written + written", dict(synth=args.synth, hints=True)),
        *[(f"… + written − {name.removeprefix('written_').removesuffix('.jsonl')}",
           dict(synth=args.synth, hints=True, exclude_gold=(name,))) for name in WRITTEN],
        ("gold + generated + hand-written + written, no hints", dict(synth=args.synth)),
        ("gold + generated (half the names harvested) + hints + hand-written + written",
         dict(synth=args.synth, hints=True, synth_vocab=0.5)),
    ]
    if args.only:
        keep = set(args.only.split(","))
        runs = [r for r in runs if r[0] in keep]
    results = []
    for name, kw in runs:
        meta = train(out=work / name.replace(" ", ""), base=args.base, layers=args.layers, epochs=args.epochs,
                     gold_repeat=args.gold_repeat, patience=3, **kw)
        real = real_dev_scores(work / name.replace(" ", ""))
        results.append({"name": name, "dev": meta["dev"], "real_dev": real, "train_seconds": meta["train_seconds"],
                        "train": meta["train"]})
        print(name, json.dumps(meta["dev"]), json.dumps(real), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    command = "python -m training.ablate " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    args.out.write_text(json.dumps({"command": command, "layers": args.layers, "epochs": args.epochs, "runs": results},
                                   ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
