"""Silver labels: generated sentences re-labelled by the rule tagger (weak supervision).

    python -m training.silver --n 2000 --seed 77 -o /tmp/silver.jsonl

The texts come from `training.synth.generate(n, seed)`, each with the role its
generator gave it; the labels are what `RuleTagger` says, told the same role,
not the generator's. `training.train --silver-synth N` builds the same set in
memory, so a model's command line names all of its data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from extractor.tagger.corpus import Entity, Example, write_jsonl


def rule_spans(examples) -> list:
    """The rule tagger's spans on each example, told the role its `source` records.

    These are the silver labels here, and the hints a hinted model reads
    (`training.train --hints`).
    """
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.rules import RuleTagger

    return RuleTagger().predict_many([ex.text for ex in examples], roles=[role_of_source(ex.source) for ex in examples])


def silver_examples(n: int, seed: int) -> list[Example]:
    from extractor.tagger.roles import role_of_source
    from training.synth import generate

    generated = generate(n, seed=seed)
    roles = [role_of_source(ex.source) for ex in generated]
    labelled = rule_spans(generated)
    return [
        Example(id=f"silver-{seed}#{i + 1}", text=ex.text,
                source=f"rule tagger on training.synth seed={seed}" + (f" role={role}" if role else ""),
                entities=[Entity(start=s.start, end=s.end, label=s.label) for s in spans])
        for i, (ex, role, spans) in enumerate(zip(generated, roles, labelled))
    ]


def silver_file(n: int, seed: int, path: Path) -> Path:
    write_jsonl(path, silver_examples(n, seed))
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.silver", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=77)
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args(argv)
    silver_file(args.n, args.seed, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
