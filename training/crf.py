"""A character CRF beside the fine-tuned encoder: the cheap alternative, measured on the same data.

    python -m training.crf [--synth 4000] [--out /tmp/crf.pkl] [--splits real-dev,test,ood,blind]

Same training data as `training.train` (the train split of annotations/README.md
plus generated sentences), same chunks (`pretokenize`: one CJK character, one
number, one symbol), same decoding constraints (IOB2 by the CRF, no span
inside a jieba word by `words.glued` as features). Features per chunk: the
chunk and its neighbours up to two away, bigrams, character class, position in
its jieba word, and the rule tagger's label (as the hinted model reads it).
Prints strict scores per split with fit and predict times and the model size:
the figures the issue's "alternative encoder" row is filled from. Not shipped.
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _class(chunk: str) -> str:
    c = chunk[0]
    if "\u4e00" <= c <= "\u9fff":
        return "H"
    if c.isdigit():
        return "D"
    if c.isalpha():
        return "A"
    return "P:" + chunk


def features(text: str, hints) -> tuple[list[dict], list[tuple[int, int]]]:
    import jieba

    from extractor.tagger.encoding import chunk_tags
    from extractor.tagger.pretokenize import is_space_chunk, pretokenize

    all_chunks = pretokenize(text)
    chunks = [c for c in all_chunks if not is_space_chunk(text, c)]
    word_pos: dict[int, str] = {}
    p = 0
    for w in jieba.cut(text, HMM=False):
        for k in range(len(w)):
            word_pos[p + k] = "S" if len(w) == 1 else ("B" if k == 0 else ("E" if k == len(w) - 1 else "M"))
        p += len(w)
    hint_tags = dict(zip(all_chunks, chunk_tags(text, hints)))
    toks = [text[s:e] if not text[s:e].isdigit() else "<num>" for s, e in chunks]
    feats = []
    for i, (s, e) in enumerate(chunks):
        f = {"bias": 1.0, "t": toks[i], "cls": _class(text[s:e]), "wp": word_pos.get(s, "S"),
             "hint": hint_tags.get((s, e)) or "O"}
        for d in (-2, -1, 1, 2):
            j = i + d
            f[f"t{d}"] = toks[j] if 0 <= j < len(chunks) else "<pad>"
            f[f"hint{d}"] = (hint_tags.get(chunks[j]) or "O") if 0 <= j < len(chunks) else "<pad>"
        f["b-1"] = f["t-1"] + toks[i]
        f["b+1"] = toks[i] + f["t1"]
        f["wp-1"] = word_pos.get(chunks[i - 1][0], "S") if i else "<pad>"
        feats.append(f)
    return feats, chunks


def labels(text: str, entities, chunks) -> list[str]:
    from extractor.tagger.encoding import chunk_tags
    from extractor.tagger.pretokenize import pretokenize

    tags = dict(zip(pretokenize(text), chunk_tags(text, entities)))
    return [tags[c] or "O" for c in chunks]


def to_spans(text: str, chunks, tags):
    from extractor.tagger.spans import Span

    out, cur = [], None
    for (s, e), tag in zip(chunks, tags):
        if tag == "O" or tag.startswith("B-") or (cur and cur[2] != tag[2:]):
            if cur:
                out.append(Span(start=cur[0], end=cur[1], label=cur[2]))
            cur = [s, e, tag[2:]] if tag != "O" else None
        else:
            cur = [cur[0], e, cur[2]] if cur else [s, e, tag[2:]]
    if cur:
        out.append(Span(start=cur[0], end=cur[1], label=cur[2]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synth", type=int, default=4000)
    ap.add_argument("--out", type=Path, default=Path("/tmp/crf.pkl"))
    ap.add_argument("--splits", default="real-dev,test,ood,blind")
    ap.add_argument("--synth-vocab", type=float, default=0.0, help="as training.train --synth-vocab")
    ap.add_argument("--no-hints", action="store_true", help="leave the rule tagger's labels out of the features")
    ap.add_argument("--exclude-gold", action="append", default=[], metavar="FILE",
                    help="leave this file of the train split out (repeatable)")
    ap.add_argument("--extra", type=Path, action="append", default=[], help="more training JSONL (repeatable)")
    args = ap.parse_args(argv)
    import sklearn_crfsuite

    from eval.tagger import split_examples
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.rules import RuleTagger
    from extractor.tagger.spans import score
    from training.synth import generate
    from training.train import load_examples, split_files

    rules = RuleTagger()
    train = load_examples(split_files("train", exclude=tuple(args.exclude_gold))) * 4 + generate(args.synth, seed=13, vocab=args.synth_vocab) + load_examples(args.extra)

    def hint(examples_or_texts, roles):
        if args.no_hints:
            return [[] for _ in roles]
        return rules.predict_many(examples_or_texts, roles=roles)

    hints = hint([ex.text for ex in train], [role_of_source(ex.source) for ex in train])
    X, y = [], []
    for ex, h in zip(train, hints):
        f, chunks = features(ex.text, h)
        X.append(f)
        y.append(labels(ex.text, [e.model_dump() for e in ex.entities], chunks))
    crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.05, c2=0.05, max_iterations=150, all_possible_transitions=True)
    t0 = time.time()
    crf.fit(X, y)
    fit_s = time.time() - t0
    args.out.write_bytes(pickle.dumps(crf))
    print(f"char CRF: {len(train)} training texts, fit {fit_s:.0f} s, {args.out.stat().st_size / 1e6:.1f} MB")
    for split in args.splits.split(","):
        examples = split_examples(split)
        if not examples:
            continue
        t0 = time.time()
        texts = [ex.text for ex in examples]
        h = hint(texts, [role_of_source(ex.source) for ex in examples])
        preds = []
        for text, hh in zip(texts, h):
            f, chunks = features(text, hh)
            preds.append(to_spans(text, chunks, crf.predict_single(f)))
        sec = time.time() - t0
        s = score(examples, preds)
        print(f"{split}: strict micro F1 {s['micro']['f1']:.3f} (METRIC {s['METRIC']['f1']:.3f}, VALUE {s['VALUE']['f1']:.3f},"
              f" TARGET {s['TARGET']['f1']:.3f}); {len(texts) / sec:.0f} texts/s with the rule hints")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
