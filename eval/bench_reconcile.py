"""How linking grows with the document: a seed report's text repeated N times, read with the rule tagger.

    python -m eval.bench_reconcile [--copies 1,10,30] [--file tests/fixtures/001_ec7b4c7cefe3081c.txt]

For each N, one fresh process reads the N-copy text and times `linking.link`
(every call of it during the extraction): claims, candidates, seconds, and
milliseconds per claim. Linking that grows with the document keeps the
milliseconds per claim flat as N grows; one that grows with its square does not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _measure(path: str) -> dict:
    from extractor.reconcile import linking

    original = linking.link
    spent = {"seconds": 0.0, "claims": 0, "candidates": 0}

    def timed(claims, cands):
        t0 = time.perf_counter()
        try:
            return original(claims, cands)
        finally:
            spent["seconds"] += time.perf_counter() - t0
            spent["claims"] += len(claims)
            spent["candidates"] = max(spent["candidates"], len(cands))

    for module in list(sys.modules.values()):  # every module that imported link by name
        if module is not None and getattr(module, "link", None) is original:
            module.link = timed
    from extractor.pipeline import extract

    extract(path, tagger="rules")
    return spent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", default="1,10,30")
    ap.add_argument("--file", type=Path, default=ROOT / "tests" / "fixtures" / "001_ec7b4c7cefe3081c.txt")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        import extractor.pipeline  # noqa: F401 - the pipeline's modules first, so that every link is found

        print(json.dumps(_measure(args.worker)))
        return 0
    text = args.file.read_text(encoding="utf-8")
    print(f"{args.file.name} repeated; rule tagger; link() time per run\n")
    print("| copies | claims | candidates | link s | ms per claim |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(c) for c in args.copies.split(",")):
            path = Path(tmp) / f"copies-{n}.txt"
            path.write_text(text * n, encoding="utf-8")
            proc = subprocess.run([sys.executable, "-m", "eval.bench_reconcile", "--worker", str(path)],
                                  cwd=ROOT, capture_output=True, text=True, check=True)
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            per = 1000 * r["seconds"] / max(r["claims"], 1)
            print(f"| {n} | {r['claims']} | {r['candidates']} | {r['seconds']:.2f} | {per:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
