"""Strict entity scores of the shipped model and the rule baseline, and the ablation table.

    python -m eval.tagger [--model models/tagger] [--splits test,dev,ood,blind]

Scores are entity-level exact match, seqeval strict on character-level BIO
(the guidelines' "Scoring"). Both taggers are told each text's role (goal or
result cell) as the pipeline tells them, read from the annotation's `source`
(`extractor.tagger.roles`); a last table scores them without roles. `test` is annotations/README.md's test split,
never trained on; `ood` is the hand-written out-of-domain set
(annotations/README-ood.md). The ablation table is read from
models/tagger/ablation.json, written by `python -m training.ablate`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def split_examples(name: str):
    from extractor.tagger.corpus import read_jsonl
    from training.train import split_files

    return [ex for f in split_files(name) for ex in read_jsonl(f)]


def table(title: str, scores: dict) -> str:
    rows = [f"{title}", "| label | P | R | F1 | support |", "|---|---|---|---|---|"]
    for lab in ("METRIC", "VALUE", "TARGET", "micro"):
        s = scores[lab]
        rows.append(f"| {lab} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "tagger")
    ap.add_argument("--splits", default="test,dev,ood,blind")
    args = ap.parse_args(argv)
    from extractor.tagger import load_tagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import score

    taggers = {"model": load_tagger(args.model), "rules": load_tagger(rules=True)}
    print(f"model: {args.model} ({taggers['model'].version})\n")
    unroled = []
    for split in args.splits.split(","):
        examples = split_examples(split)
        if not examples:
            print(f"### {split}: no annotation file has this split in annotations/README.md\n")
            continue
        texts = [ex.text for ex in examples]
        roles = [role_of_source(ex.source) for ex in examples]
        told = sum(r is not None for r in roles)
        for name, tagger in taggers.items():
            print(table(f"### {split} ({len(examples)} texts, {told} with a role) — {name}",
                        score(examples, tagger.predict(texts, roles=roles))))
            print()
            unroled.append((split, name, score(examples, tagger.predict(texts))["micro"]["f1"]))
    print("### without roles (every text tagged as if its column were unknown): strict micro F1")
    print("| split | tagger | F1 |\n|---|---|---|")
    for split, name, f1 in unroled:
        print(f"| {split} | {name} | {f1:.3f} |")
    print()
    ablation = args.model / "ablation.json"
    if ablation.exists():
        data = json.loads(ablation.read_text(encoding="utf-8"))
        print(f"### ablation (dev strict micro F1; `{data['command']}`)")
        print("(the silver row's dev figure is biased upward: the rules that label it were written with dev in view)")
        print("| training data | dev F1 | METRIC | VALUE | TARGET | train s |")
        print("|---|---|---|---|---|---|")
        for row in data["runs"]:
            d = row["dev"]
            print(f"| {row['name']} | {d['f1']:.3f} | {d['f1_METRIC']:.3f} | {d['f1_VALUE']:.3f} | {d['f1_TARGET']:.3f} | {row['train_seconds']:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
