"""Rule hints for training a hinted tagger (`extractor.tagger.hinted`), with noise.

On the training text the rules are nearly always right (they score about 0.99
on the gold train split and on generated text), so a model trained on clean
hints learns to copy them, and copies their mistakes on new text. The rules'
mistakes on unseen text are mostly METRIC boundaries a few characters off, a
missed span, or VALUE read as TARGET. `noisy_hints` makes such mistakes on
purpose, so the model has to check every hint against the text; and for some
texts it withholds the hints, so the model still reads text on its own.

    python -m training.hints --n 2000   # how far the noisy hints are from the labels (strict F1)
"""

from __future__ import annotations

import argparse
import random

SHIFTS = (-3, -2, -1, 1, 2, 3)
SWAP = {"VALUE": "TARGET", "TARGET": "VALUE"}


def noisy_hints(text: str, spans, rng: random.Random, p_withhold: float = 0.15, p_metric: float = 0.2,
                p_figure: float = 0.05) -> list[dict] | None:
    """Rule spans with mistakes added; None = hints withheld for this text."""
    if rng.random() < p_withhold:
        return None
    out: list[tuple[int, int, str]] = []
    for sp in spans:
        s, e, lab = (sp["start"], sp["end"], sp["label"]) if isinstance(sp, dict) else (sp.start, sp.end, sp.label)
        if rng.random() >= (p_metric if lab == "METRIC" else p_figure):
            out.append((s, e, lab))
            continue
        kind = rng.choice(("drop", "start", "end") if lab == "METRIC" else ("drop", "swap", "end"))
        if kind == "drop":
            continue
        if kind == "swap" and lab in SWAP:
            out.append((s, e, SWAP[lab]))
        elif kind == "start":
            out.append((min(max(0, s + rng.choice(SHIFTS)), e - 1), e, lab))
        else:
            out.append((s, max(min(len(text), e + rng.choice(SHIFTS)), s + 1), lab))
    kept, end = [], -1
    for s, e, lab in sorted(out):
        if s >= end and text[s:e].strip():
            kept.append({"start": s, "end": e, "label": lab})
            end = e
    return kept


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    from extractor.tagger.spans import Span, score
    from training.silver import rule_spans
    from training.synth import generate

    examples = generate(args.n, seed=args.seed)
    rules = rule_spans(examples)
    rng = random.Random(args.seed)
    noisy = [noisy_hints(ex.text, sp, rng) for ex, sp in zip(examples, rules)]
    kept = [(ex, h) for ex, h in zip(examples, noisy) if h is not None]
    as_spans = [[Span(start=d["start"], end=d["end"], label=d["label"], score=1.0) for d in h] for _, h in kept]
    print(f"rules on generated text: {score(examples, rules)['micro']['f1']:.3f}; noisy hints:"
          f" {score([ex for ex, _ in kept], as_spans)['micro']['f1']:.3f}; withheld for {len(examples) - len(kept)} of {len(examples)} texts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
