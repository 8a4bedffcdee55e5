"""Ingest + form-reading speed per format on one core, and peak RSS, next to
pdfplumber's own `extract_text` on the same PDFs (the floor we measure against).

    python -m eval.bench_ingest [--repeat 3]

Each measurement runs in a fresh process pinned to one core so that RSS and
caches do not leak between formats.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _worker(kind: str, files: list[str], repeat: int) -> dict:
    import resource

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import pdfplumber

    from extractor.pipeline import extract

    pages = 0
    for f in files:
        if f.endswith(".pdf"):
            with pdfplumber.open(f) as pdf:
                pages += len(pdf.pages)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for f in files:
            if kind == "pdfplumber-extract_text":
                with pdfplumber.open(f) as pdf:
                    for page in pdf.pages:
                        page.extract_text()
                        page.close()
            else:
                extract(f)
        best = min(best, time.perf_counter() - t0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "files": len(files), "pdf_pages": pages, "seconds": best, "peak_rss_mb": rss_mb}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, repeat, files = sys.argv[2], int(sys.argv[3]), sys.argv[4:]
        print(json.dumps(_worker(kind, files, repeat)))
        return
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pdfs = sorted(str(p) for p in FIXTURES.glob("0*.pdf"))
    runs = [
        ("pdfplumber-extract_text", pdfs),
        ("extract pdf", pdfs),
        ("extract docx", sorted(str(p) for p in FIXTURES.glob("0*.docx"))),
        ("extract txt", sorted(str(p) for p in FIXTURES.glob("0*.txt"))),
    ]
    results = {}
    for kind, files in runs:
        out = subprocess.run(
            [sys.executable, "-m", "eval.bench_ingest", "--worker", kind, str(args.repeat), *files],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )
        results[kind] = json.loads(out.stdout.strip().splitlines()[-1])
    pages = results["extract pdf"]["pdf_pages"]
    floor = results["pdfplumber-extract_text"]["seconds"]
    print(f"corpus: 5 reports; the PDFs have {pages} pages; best of {args.repeat}; one core\n")
    print("| run | files | seconds | pages/s (PDF-equivalent) | docs/s | peak RSS MB | × floor |")
    print("|---|---|---|---|---|---|---|")
    for kind, r in results.items():
        secs = r["seconds"]
        print(f"| {kind} | {r['files']} | {secs:.2f} | {pages / secs:.1f} | {r['files'] / secs:.2f} | {r['peak_rss_mb']:.0f} | {secs / floor:.2f} |")


if __name__ == "__main__":
    main()
