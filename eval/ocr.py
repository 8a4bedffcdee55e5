"""Scanned reports against the same gold as their text versions: fields, findings, speed.

    python -m eval.ocr [--seeds 000,004] [--dpi 150] [--show-diffs]
                       [--det-max-side 1280] [--rec-min-width 96] [--rec-step 32]

The scanned versions are made by `eval.make_scans` (rasterised at --dpi,
tilted, noisy, JPEG) into a temporary folder, unless tests/fixtures/scanned
already holds them. For each seed it prints the field accuracy of funds,
indicators and totals against tests/gold (the same comparison as
`eval.accuracy`), and compares the findings with those of the text PDF:
`missed` are findings of the text PDF the scan does not reproduce, `extra`
are findings only the scan has (misreads that became findings), and
`flagged as misread` are findings only the scan has that say themselves
that they come from a misread (`cause: misread`, extractor.reconcile.ocr). Findings
are matched by rule and figures after NFKC (full- and half-width `＞` are one
finding); fields are compared exactly.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import unicodedata
from pathlib import Path

from eval.gold import compare, flatten_extraction, load_gold
from eval.make_scans import scanned_fixture
from extractor.errors import ExtractionError
from extractor.ingest.ocr import engine, recogniser
from extractor.pipeline import extract

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
FIXTURES = ROOT / "tests" / "fixtures"


def finding_keys(result, misread: bool | None = None) -> set[tuple[str, str | None, str | None]]:
    """A finding is the same when its rule and its figures are; `＞90%` and `>90%` differ only in
    glyph width, which the recogniser does not report, so figures are compared after NFKC.
    `misread=False` keeps only findings not marked `cause: misread`, `True` only those."""
    def fold(v: str | None) -> str | None:
        return unicodedata.normalize("NFKC", v) if v is not None else None

    return {(f.rule, fold(f.expected), fold(f.found)) for f in result.findings
            if misread is None or (f.cause == "misread") == misread}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--show-diffs", action="store_true")
    # the settings measured before they were fixed (README "Known weak spots"), to rerun those rows
    ap.add_argument("--det-max-side", type=int, default=engine.DET_MAX_SIDE, help="px the detector reads a page at")
    ap.add_argument("--rec-min-width", type=int, default=recogniser.MIN_WIDTH, help="px a line is padded to at least")
    ap.add_argument("--rec-step", type=int, default=recogniser.STEP, help="px line widths are rounded up to")
    args = ap.parse_args(argv)
    engine.DET_MAX_SIDE, recogniser.MIN_WIDTH, recogniser.STEP = args.det_max_side, args.rec_min_width, args.rec_step
    seeds = sorted(p.stem for p in GOLD.glob("*.json"))
    if args.seeds:
        seeds = [s for s in seeds if s.split("_")[0] in args.seeds.split(",")]
    with tempfile.TemporaryDirectory(prefix="extractor-scans-") as tmp:
        return _run(args, seeds, Path(tmp))


def _run(args, seeds: list[str], tmp: Path) -> int:
    print(f"scans: {args.dpi} dpi, ±1.5° tilt, noise, JPEG 60-75 (eval.make_scans); tagger: rules; detection at "
          f"{args.det_max_side} px, lines padded to ≥{args.rec_min_width} px in steps of {args.rec_step}\n")
    print("| seed | pages | fields (scan) | findings (text PDF) | same in scan | missed | extra | flagged as misread | low-confidence cells | s/page |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    tot = [0, 0, 0, 0, 0, 0, 0, 0, 0.0]
    diffs_out: list[str] = []
    for seed in seeds:
        scan = scanned_fixture(seed, tmp, args.dpi)
        text_result = extract(FIXTURES / f"{seed}.pdf", tagger="rules")
        t0 = time.perf_counter()
        try:
            result = extract(scan, tagger="rules")
        except ExtractionError as exc:
            print(f"| {seed} | - | error: {exc} | | | | | | | |")
            continue
        seconds = time.perf_counter() - t0
        gold = load_gold(GOLD / f"{seed}.json")
        matched, total, diffs = compare(gold, flatten_extraction(result))
        diffs_out += [f"{seed}: {d}" for d in diffs]
        # a finding the scan marks as its own misread (reconcile.ocr) is counted apart, not as extra
        a, b = finding_keys(text_result), finding_keys(result, misread=False)
        flagged = finding_keys(result, misread=True) - a
        low = sum(1 for t in result.tables for c in t.cells if c.at and c.at.confidence is not None and c.at.confidence < 0.9)
        pages = result.source.pages or 0
        print(f"| {seed} | {pages} | {matched}/{total} ({matched / total:.1%}) | {len(a)} | {len(a & b)} | {len(a - b)} | "
              f"{len(b - a)} | {len(flagged)} | {low} | {seconds / max(1, pages):.2f} |")
        if args.show_diffs:
            diffs_out += [f"{seed}: missed finding {k}" for k in sorted(a - b, key=str)]
            diffs_out += [f"{seed}: extra finding {k}" for k in sorted(b - a, key=str)]
            diffs_out += [f"{seed}: finding flagged as misread {k}" for k in sorted(flagged, key=str)]
        for i, v in enumerate((pages, matched, total, len(a), len(a & b), len(a - b), len(b - a), len(flagged))):
            tot[i] += v
        tot[8] += seconds
    if tot[2]:
        print(f"| all | {tot[0]} | {tot[1]}/{tot[2]} ({tot[1] / tot[2]:.1%}) | {tot[3]} | {tot[4]} | {tot[5]} | {tot[6]} | {tot[7]} | | "
              f"{tot[8] / max(1, tot[0]):.2f} |")
    if args.show_diffs:
        print()
        for d in diffs_out:
            print(d)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
