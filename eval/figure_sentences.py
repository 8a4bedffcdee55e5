"""Tag less: does tagging only the sentences that hold a figure lose spans a claim could use?

    python -m eval.figure_sentences [--splits real-dev,test,dev,ood,blind] [--real-dev PATH]

A claim needs a figure (`claims.build_claims` pairs a VALUE or TARGET with a
METRIC inside one sentence, split as `claims._sentences` splits). The pipeline
tags whole text units today; this compares, per split (real-dev first):

- whole: every passage tagged whole, as today;
- figure sentences: each passage cut into those sentences, only the sentences
  with a digit tagged, each alone, their spans moved back into the passage.

Both are scored (strict, seqeval) on the gold spans inside sentences with a
digit and the predicted spans there: the spans a claim can be made of. The
share of characters left untagged, and the tagging time of each way, come with
them. The shipped model, on its default runtime.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from eval.tagger import REAL_DEV, split_examples

FIGURE = re.compile(r"[0-9０-９]")


def figure_sentences(text: str) -> list[tuple[int, int]]:
    from extractor.claims import _sentences

    return [(a, b) for a, b in _sentences(text) if FIGURE.search(text[a:b])]


def _inside(spans, ranges) -> list:
    return [s for s in spans if any(a <= s.start and s.end <= b for a, b in ranges)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--splits", default="real-dev,test,dev,ood,blind")
    ap.add_argument("--real-dev", type=Path, default=REAL_DEV)
    args = ap.parse_args(argv)
    from extractor.tagger import load_tagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import Span, score

    tagger = load_tagger()
    print(f"model: {tagger.version} on {tagger.runtime}\n")
    print("| split | passages | gold spans in figure sentences | characters not tagged | F1 whole | "
          "F1 figure sentences | difference | seconds whole | seconds figure sentences |")
    print("|---|---|---|---|---|---|---|---|---|")
    for split in args.splits.split(","):
        examples = split_examples(split, args.real_dev)
        if not examples:
            print(f"| {split} | no examples | | | | | | | |")
            continue
        texts = [ex.text for ex in examples]
        roles = [role_of_source(ex.source) for ex in examples]
        ranges = [figure_sentences(t) for t in texts]
        t0 = time.perf_counter()
        whole = tagger.predict(texts, roles=roles)
        t_whole = time.perf_counter() - t0
        pieces, owner = [], []
        for i, (text, rs) in enumerate(zip(texts, ranges)):
            for a, b in rs:
                pieces.append(text[a:b])
                owner.append((i, a, roles[i]))
        t0 = time.perf_counter()
        tagged = tagger.predict(pieces, roles=[r for _i, _a, r in owner]) if pieces else []
        t_pieces = time.perf_counter() - t0
        split_pred = [[] for _ in texts]
        for (i, a, _r), spans in zip(owner, tagged):
            split_pred[i] += [Span(start=s.start + a, end=s.end + a, label=s.label, score=getattr(s, "score", 1.0))
                              for s in spans]
        gold = [{"text": ex.text, "entities": _inside(ex.entities, rs)} for ex, rs in zip(examples, ranges)]
        f_whole = score(gold, [_inside(p, rs) for p, rs in zip(whole, ranges)])["micro"]["f1"]
        f_split = score(gold, split_pred)["micro"]["f1"]
        total = sum(map(len, texts))
        kept = sum(b - a for rs in ranges for a, b in rs)
        n_gold = sum(len(g["entities"]) for g in gold)
        print(f"| {split} | {len(texts)} | {n_gold} | {1 - kept / total:.1%} | {f_whole:.3f} | {f_split:.3f} | "
              f"{f_split - f_whole:+.3f} | {t_whole:.1f} | {t_pieces:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
