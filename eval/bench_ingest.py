"""`extractor extract` speed on one core, side by side with what the PDF libraries themselves cost on the same pages.

    python -m eval.bench_ingest [--repeat 3]

Each run is a fresh process pinned to one core (RSS and caches do not leak
between runs); the tagger and the libraries are loaded before the clock
starts, and the best of `--repeat` rounds is printed. The references:

- pypdfium2 characters with their boxes and the page's path objects (the
  ruling lines a table reader works from): what the PDF engine gives, the
  floor issue 19 measures against (1.0×);
- pdfplumber text and tables (`extract_text` + `extract_tables`), the floor
  this project measured against before.

Printed beside issue 19's goals: `extract` with the default tagger at most 3×
the pdfium floor, without tagging at most 1.5×; and the start-up of
`extractor extract` on a one-page text file (the whole command, imports
included) at most 1 s with either tagger.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOAL = {"extract pdf, default tagger": 3.0, "extract pdf, no tagging": 1.5}
# a one-page report of our own for the start-up measurement
ONE_PAGE = "一、部门基本情况\n本年度部门预算支出320.5万元，实际支出301.2万元，预算执行率94.0%。\n全年完成培训任务45场次，培训人员1800人次。\n"


def _pdfium(files: list[str]) -> None:
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    for f in files:
        pdf = pdfium.PdfDocument(f)
        for page in pdf:
            text = page.get_textpage()
            n = text.count_chars()
            text.get_text_range()
            [text.get_charbox(i) for i in range(n)]
            [obj.get_bounds() for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH])]
            text.close()
            page.close()
        pdf.close()


def _pdfplumber(files: list[str]) -> None:
    import pdfplumber

    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.close()


def _worker(kind: str, files: list[str], repeat: int) -> dict:
    import resource

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import pypdfium2 as pdfium

    pages = sum(len(pdfium.PdfDocument(f)) for f in files if f.endswith(".pdf"))
    if kind.startswith("pypdfium2"):
        run = lambda: _pdfium(files)
    elif kind.startswith("pdfplumber"):
        run = lambda: _pdfplumber(files)
    else:
        from extractor.narrative import get_tagger
        from extractor.pipeline import extract

        name = kind.split(", ")[-1]
        tagger = {"default tagger": "default", "rules": "rules", "no tagging": "none"}[name]
        tagger = get_tagger(tagger, threads=1) if tagger != "none" else "none"
        run = lambda: [extract(f, tagger=tagger) for f in files]
    run()  # warm-up: libraries, the tagger's dictionary and session
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "files": len(files), "pdf_pages": pages, "seconds": best, "peak_rss_mb": rss_mb,
            "torch": "torch" in sys.modules}


def _startup(tagger: str, repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "one-page.txt"
        src.write_text(ONE_PAGE, encoding="utf-8")
        best = float("inf")
        exe = Path(sys.executable).parent / "extractor"
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "extract", str(src), "-o", str(Path(tmp) / "out.json"), "--tagger", tagger],
                           capture_output=True, check=True, cwd=tmp)
            best = min(best, time.perf_counter() - t0)
        return best


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, repeat, files = sys.argv[2], int(sys.argv[3]), sys.argv[4:]
        print(json.dumps(_worker(kind, files, repeat)))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pdfs = sorted(str(p) for p in FIXTURES.glob("0*.pdf"))
    docx = sorted(str(p) for p in FIXTURES.glob("0*.docx"))
    runs = [
        ("pypdfium2 characters + boxes + paths", pdfs),
        ("pdfplumber text + tables", pdfs),
        ("extract pdf, default tagger", pdfs),
        ("extract pdf, rules", pdfs),
        ("extract pdf, no tagging", pdfs),
        ("extract docx, default tagger", docx),
        ("extract docx, rules", docx),
    ]
    results = {}
    for kind, files in runs:
        out = subprocess.run(
            [sys.executable, "-m", "eval.bench_ingest", "--worker", kind, str(args.repeat), *files],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )
        results[kind] = json.loads(out.stdout.strip().splitlines()[-1])
    pages = results["extract pdf, rules"]["pdf_pages"]
    pdfium_s = results["pypdfium2 characters + boxes + paths"]["seconds"]
    plumber_s = results["pdfplumber text + tables"]["seconds"]
    print(f"corpus: the 5 fixture reports; the PDFs have {pages} pages; best of {args.repeat}; one core; "
          "loading excluded\n")
    print("| run | files | seconds | ms/page | peak RSS MB | torch | × pypdfium2 | × pdfplumber | goal (× pypdfium2) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, r in results.items():
        secs = r["seconds"]
        pdf = r["pdf_pages"] > 0
        ratio = f"{secs / pdfium_s:.1f}" if pdf else ""
        print(f"| {kind} | {r['files']} | {secs:.2f} | {1000 * secs / pages:.0f} | {r['peak_rss_mb']:.0f} | "
              f"{'yes' if r['torch'] else 'no'} | {ratio} | {secs / plumber_s:.2f} | "
              f"{'≤ %g' % GOAL[kind] if kind in GOAL else ''} |")
    print("\nstart-up: `extractor extract` of a one-page text file, the whole command (best of "
          f"{args.repeat})\n\n| tagger | seconds | goal |\n|---|---|---|")
    for tagger in ("default", "rules"):
        print(f"| {tagger} | {_startup(tagger, args.repeat):.2f} | ≤ 1 |")


if __name__ == "__main__":
    main()
