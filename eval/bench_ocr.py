"""OCR speed and memory: pages per second on one and two cores, and peak RSS.

    python -m eval.bench_ocr [--pdf tests/fixtures/scanned/004_3a7665fe0dde1512.pdf ...]

Each configuration runs in fresh processes (the OCR models load once per
process, not counted): one process with one thread, one process with two
threads (OpenVINO's inference threads), and two processes with one
thread each over the same pages (what `extractor run --workers 2` does).
The whole pipeline runs (OCR, assembly, forms, claims, findings).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = sorted((ROOT / "tests" / "fixtures" / "scanned").glob("*.pdf"))

CHILD = r"""
import json, os, resource, sys, time
from extractor.ingest.ocr.engine import _engine
from extractor.pipeline import extract
import numpy as np
_engine()(np.full((64, 64, 3), 255, np.uint8))  # load the models before the clock starts
t = time.perf_counter(); pages = 0
for p in sys.argv[1:]:
    pages += extract(p, tagger="rules").source.pages or 0
print(json.dumps({"seconds": time.perf_counter() - t, "pages": pages,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(files: list[Path], threads: int, processes: int) -> dict:
    env = {**os.environ, "EXTRACTOR_OCR_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    shares = [files[i::processes] for i in range(processes)] if processes > 1 else [files]
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, *map(str, share)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env=env) for share in shares if share]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    wall = max(o["seconds"] for o in outs) if processes > 1 else outs[0]["seconds"]
    pages = sum(o["pages"] for o in outs)
    return {"pages": pages, "seconds": wall, "rss": max(o["rss"] for o in outs)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pdf", nargs="*", type=Path, default=DEFAULT)
    args = ap.parse_args(argv)
    files = list(args.pdf)
    print(f"corpus: {', '.join(p.name for p in files)}; models loaded before timing; whole pipeline, rules tagger\n")
    print("| configuration | pages | seconds | s/page | pages/s | peak RSS per process MB |")
    print("|---|---|---|---|---|---|")
    for label, threads, procs, corpus in (
        ("1 process × 1 thread", 1, 1, files),
        ("1 process × 2 threads", 2, 1, files),
        ("2 processes × 1 thread", 1, 2, files * 2),
    ):
        r = run(corpus, threads, procs)
        print(f"| {label} | {r['pages']} | {r['seconds']:.1f} | {r['seconds'] / r['pages']:.2f} | "
              f"{r['pages'] / r['seconds']:.2f} | {r['rss']:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
