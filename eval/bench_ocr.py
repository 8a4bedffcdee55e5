"""OCR speed and memory: pages per second on one and two cores, and peak RSS.

    python -m eval.bench_ocr [--pdf tests/fixtures/scanned/004_3a7665fe0dde1512.pdf ...]
    python -m eval.bench_ocr --models    # the detector by page size, the recogniser by line width

Each configuration runs in fresh processes. What a process does once (load
the OCR models, import the pipeline, load the rule tagger's dictionary) is
timed apart as start-up, by reading one small text report, and not counted
per page, as it is not in a batch. Configurations: one process with one
thread, one process with two threads (OpenVINO's inference threads), two
processes with one thread each over the same pages, and two processes with two threads each
(what `extractor run --workers 2` does: OCR threads are not capped per worker).
Each configuration runs `--repeat` times and the fastest run is printed: this
virtual machine's speed drifts by up to a quarter from run to run.
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
t0 = time.perf_counter()
from extractor.ingest.ocr.engine import _engine
from extractor.pipeline import extract
import numpy as np
# start-up, once per process and not per page: OCR models, then one small text report through the
# whole pipeline (imports, the tagger's dictionary)
_engine()(np.full((64, 64, 3), 255, np.uint8))
extract(sys.argv[1], tagger="rules")
startup = time.perf_counter() - t0
t = time.perf_counter(); pages = 0
for p in sys.argv[2:]:
    pages += extract(p, tagger="rules").source.pages or 0
print(json.dumps({"seconds": time.perf_counter() - t, "pages": pages, "startup": startup,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
WARM_UP = ROOT / "tests" / "fixtures" / "001_ec7b4c7cefe3081c.txt"


def run(files: list[Path], threads: int, processes: int) -> dict:
    # OMP as a batch worker sets it (extractor.batch.worker.init); OpenVINO's threads are EXTRACTOR_OCR_THREADS
    env = {**os.environ, "EXTRACTOR_OCR_THREADS": str(threads), "OMP_NUM_THREADS": str(threads if processes == 1 else 1)}
    shares = [files[i::processes] for i in range(processes)] if processes > 1 else [files]
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(WARM_UP), *map(str, share)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env=env) for share in shares if share]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    wall = max(o["seconds"] for o in outs) if processes > 1 else outs[0]["seconds"]
    pages = sum(o["pages"] for o in outs)
    return {"pages": pages, "seconds": wall, "rss": max(o["rss"] for o in outs),
            "startup": max(o["startup"] for o in outs)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pdf", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=2, help="runs per configuration; the fastest is printed")
    ap.add_argument("--models", action="store_true",
                    help="time the two models alone instead: the detector per page size, the recogniser per line width")
    args = ap.parse_args(argv)
    files = list(args.pdf)
    if args.models:
        return models(files[0])
    print(f"corpus: {', '.join(p.name for p in files)}; whole pipeline, rules tagger; start-up (models, imports,\n"
          f"one text report: {WARM_UP.name}) timed apart, once per process\n")
    print("| configuration | pages | seconds | s/page | pages/s | start-up s | peak RSS per process MB |")
    print("|---|---|---|---|---|---|---|")
    for label, threads, procs, corpus in (
        ("1 process × 1 thread", 1, 1, files),
        ("1 process × 2 threads", 2, 1, files),
        ("2 processes × 1 thread", 1, 2, files * 2),
        ("2 processes × 2 threads", 2, 2, files * 2),
    ):
        r = min((run(corpus, threads, procs) for _ in range(args.repeat)), key=lambda r: r["seconds"])
        print(f"| {label} | {r['pages']} | {r['seconds']:.1f} | {r['seconds'] / r['pages']:.2f} | "
              f"{r['pages'] / r['seconds']:.2f} | {r['startup']:.1f} | {r['rss']:.0f} |")
    return 0


def models(pdf: Path, calls: int = 30) -> int:
    """Milliseconds per call of the detector (first page of `pdf`, by longest side) and of the
    recogniser (one line, by padded width), on this process's threads; the fastest of `calls`."""
    import time

    import numpy as np
    import pypdfium2 as pdfium

    from extractor.ingest.ocr import engine
    from extractor.ingest.ocr.raster import pdf_page_image
    from rapidocr_openvino.ch_ppocr_det.utils import DetPreProcess

    ocr = engine._engine()
    det = ocr.text_det
    doc = pdfium.PdfDocument(str(pdf))
    page = np.stack([pdf_page_image(doc, 0).gray] * 3, axis=-1)
    doc.close()
    page, _, _ = ocr.preprocess(page)  # what RapidOCR hands its detector: at most 2000 px

    def fastest(fn) -> float:
        fn()
        best = float("inf")
        for _ in range(calls):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        return best * 1000

    print(f"detector, first page of {pdf.name} ({page.shape[1]}×{page.shape[0]} px)\n")
    print("| longest side px | boxes | ms per page (resize, model, boxes) |\n|---|---|---|")
    for side in (960, 1280, 1600, 2000):
        pre = DetPreProcess(side, "max", det.mean, det.std)
        boxes, _ = det.postprocess_op(det.infer(pre(page)), page.shape[:2])
        ms = fastest(lambda: det.postprocess_op(det.infer(pre(page)), page.shape[:2]))
        print(f"| {side} | {len(boxes)} | {ms:.0f} |")
    print("\nrecogniser, one line of noise\n")
    print("| padded width px | ms per line |\n|---|---|")
    rng = np.random.default_rng(0)
    for width in (64, 96, 160, 320, 640, 1280):
        x = rng.random((1, 3, 48, width), dtype=np.float32)
        print(f"| {width} | {fastest(lambda: ocr.text_rec.session(x)):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
