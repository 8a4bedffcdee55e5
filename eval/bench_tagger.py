"""Tagger speed on this machine, each runtime in a fresh process: start-up, sentences per second, peak RSS.

    python -m eval.bench_tagger [--model models/tagger] [--threads 2] [--runtimes onnx,torch] [--repeat 3]

Sentences are the annotated texts of the seeds (real report sentences and
indicator rows), repeated to at least 512. The per-text caches (jieba words of
the decoder and of the rule hints) are emptied before each timing; within one
timing a repeated sentence (each comes about twice) may be read from them.

Start-up is the wall time from a bare interpreter to a loaded tagger (imports
included). Rates are the best of `--repeat` rounds. Printed beside issue 19's
goals: at batch 32 on 2 cores at least 400 sentences/s, at most 400 MB, start-up
at most 2 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = {"startup": 2.0, "rate32": 400.0, "rss": 400.0}


def _measure(model: Path, runtime: str, threads: int, n: int, repeat: int, arena: bool = True) -> dict:
    if not arena:  # ONNX Runtime without its memory arena and memory patterns: less memory, some speed
        import onnxruntime as ort

        class Options(ort.SessionOptions):
            def __init__(self):
                super().__init__()
                self.enable_cpu_mem_arena = self.enable_mem_pattern = False

        ort.SessionOptions = Options
    t0 = time.perf_counter()
    from extractor.tagger.model import TokenTagger

    tagger = TokenTagger.load(model, threads=threads, runtime=runtime)
    startup = time.perf_counter() - t0
    import resource

    from extractor.tagger import rules, words
    from extractor.tagger.corpus import read_jsonl

    texts = [ex.text for f in sorted((ROOT / "annotations").glob("seed_*.jsonl")) for ex in read_jsonl(f)]
    texts = (texts * (n // len(texts) + 1))[:n]
    tagger.predict(texts[:32])  # warm-up
    rates = {}
    for bs in (1, 32):
        subset = texts if bs == 32 else texts[:128]
        best = float("inf")
        for _ in range(repeat):
            words.glued.cache_clear()
            rules._tokens.cache_clear()
            t1 = time.perf_counter()
            if bs == 1:
                for t in subset:
                    tagger.predict([t])
            else:
                tagger.predict(subset, batch_size=bs)
            best = min(best, time.perf_counter() - t1)
        rates[bs] = len(subset) / best
    torch_loaded = "torch" in sys.modules
    return {"runtime": tagger.runtime + ("" if arena else " (no arena)"), "version": tagger.version, "startup": startup, "rate1": rates[1],
            "rate32": rates[32], "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "torch": torch_loaded, "chars": sum(len(t) for t in texts) / len(texts)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "tagger")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--runtimes", default="onnx,torch",
                    help="onnx, torch, and onnx-no-arena (ONNX Runtime without its memory arena)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        runtime = args.worker.removesuffix("-no-arena")
        print(json.dumps(_measure(args.model, runtime, args.threads, args.n, args.repeat, arena=runtime == args.worker)))
        return 0
    rows = []
    for runtime in args.runtimes.split(","):
        proc = subprocess.run([sys.executable, "-m", "eval.bench_tagger", "--worker", runtime, "--model", str(args.model),
                               "--threads", str(args.threads), "--n", str(args.n), "--repeat", str(args.repeat)],
                              cwd=ROOT, capture_output=True, text=True, check=False)
        if proc.returncode:
            print(f"{runtime}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    if not rows:
        return 1
    print(f"model {rows[0]['version']}; {args.threads} threads; {args.n} sentences, mean {rows[0]['chars']:.0f} characters\n")
    print("| runtime | start-up s | sentences/s, batch 1 | sentences/s, batch 32 | peak RSS MB | torch imported |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['runtime']} | {r['startup']:.2f} | {r['rate1']:.1f} | {r['rate32']:.1f} | {r['rss']:.0f} | "
              f"{'yes' if r['torch'] else 'no'} |")
    print(f"| goal (issue 19) | ≤ {GOAL['startup']:g} | | ≥ {GOAL['rate32']:g} | ≤ {GOAL['rss']:g} | no |")
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        print(f"\n{a['runtime']} / {b['runtime']}: start-up {a['startup'] / b['startup']:.2f}×, batch 32 "
              f"{a['rate32'] / b['rate32']:.2f}×, RSS {a['rss'] / b['rss']:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
