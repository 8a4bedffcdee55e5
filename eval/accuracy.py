"""Field accuracy of funds, indicators and totals against tests/gold, per seed and per format.

    python -m eval.accuracy [--formats txt,docx,pdf] [--show-diffs]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.gold import compare, flatten_extraction, load_gold
from extractor.errors import ExtractionError
from extractor.pipeline import extract

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
FIXTURES = ROOT / "tests" / "fixtures"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--formats", default="txt,docx,pdf")
    ap.add_argument("--show-diffs", action="store_true")
    args = ap.parse_args()
    formats = args.formats.split(",")
    seeds = sorted(p.stem for p in GOLD.glob("*.json"))
    print("| seed | " + " | ".join(formats) + " |")
    print("|---|" + "---|" * len(formats))
    totals = {f: [0, 0] for f in formats}
    diffs_out = []
    for seed in seeds:
        gold = load_gold(GOLD / f"{seed}.json")
        cells = []
        for fmt in formats:
            try:
                matched, total, diffs = compare(gold, flatten_extraction(extract(FIXTURES / f"{seed}.{fmt}")))
            except ExtractionError as exc:
                matched, total, diffs = 0, len(gold), [str(exc)]
            totals[fmt][0] += matched
            totals[fmt][1] += total
            cells.append(f"{matched}/{total} ({matched / total:.1%})")
            diffs_out += [f"{seed}.{fmt}: {d}" for d in diffs]
        print(f"| {seed} | " + " | ".join(cells) + " |")
    print("| all | " + " | ".join(f"{m}/{t} ({m / t:.1%})" for m, t in totals.values()) + " |")
    if args.show_diffs:
        for d in diffs_out:
            print(d)


if __name__ == "__main__":
    main()
