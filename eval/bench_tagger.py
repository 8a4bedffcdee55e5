"""Tagger throughput on this machine: sentences per second at batch sizes 1 and 32, and peak RSS.

    python -m eval.bench_tagger [--model models/tagger] [--threads 2]

Sentences are the annotated texts of the seeds (real report sentences and
indicator rows), repeated to at least 512. The per-text caches (jieba words of
the decoder and of the rule hints) are emptied before each timing; within one
timing a repeated sentence (each comes about twice) may be read from them.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "tagger")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=512)
    args = ap.parse_args(argv)
    from extractor.tagger.corpus import read_jsonl
    from extractor.tagger.model import TokenTagger

    texts = [ex.text for f in sorted((ROOT / "annotations").glob("seed_*.jsonl")) for ex in read_jsonl(f)]
    texts = (texts * (args.n // len(texts) + 1))[: args.n]
    tagger = TokenTagger.load(args.model, threads=args.threads)
    tagger.predict(texts[:32])  # warm-up
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"model {tagger.version}; {args.threads} threads; {len(texts)} sentences, mean {chars:.0f} characters\n")
    print("| batch size | sentences/s |")
    print("|---|---|")
    from extractor.tagger import rules, words

    for bs in (1, 32):
        subset = texts if bs == 32 else texts[:128]
        words.glued.cache_clear()
        rules._tokens.cache_clear()
        t0 = time.perf_counter()
        if bs == 1:
            for t in subset:
                tagger.predict([t])
        else:
            tagger.predict(subset, batch_size=bs)
        rate = len(subset) / (time.perf_counter() - t0)
        print(f"| {bs} | {rate:.1f} |")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
