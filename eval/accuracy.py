"""Field accuracy of funds, indicators and totals against hand-made gold, per document and format.

    python -m eval.accuracy [--formats txt,docx,pdf] [--show-diffs]
    python -m eval.accuracy --layouts [--show-diffs]

Without `--layouts`: the five seed reports (tests/gold, tests/fixtures). With
it: the layout documents of the form families, held-out ones first
(tests/layouts/heldout), then the development ones (tests/layouts), in HTML,
DOCX, PDF and, where one is committed, a scanned PDF; then the seeds' table.
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
LAYOUTS = ROOT / "tests" / "layouts"
LAYOUT_FORMATS = ("html", "docx", "pdf", "scan.pdf")


def score(gold: dict, path: Path) -> tuple[int, int, list[str]]:
    try:
        return compare(gold, flatten_extraction(extract(path, tagger="none")))
    except ExtractionError as exc:
        return 0, len(gold), [str(exc)]


def table(rows: list[tuple[str, dict[str, Path]]], gold_of, formats: list[str], label: str,
          by_family: dict[str, dict[str, list[int]]] | None = None) -> list[str]:
    """Print one markdown table (a row per document, a column per format); return the differences.
    With `by_family`, also add each document's counts to its family's (the gold's first form)."""
    print(f"| {label} | " + " | ".join(formats) + " |")
    print("|---|" + "---|" * len(formats))
    totals = {f: [0, 0] for f in formats}
    diffs_out = []
    for name, paths in rows:
        gold = gold_of(name)
        cells = []
        for fmt in formats:
            path = paths.get(fmt)
            if path is None or not path.exists():
                cells.append("—")
                continue
            matched, total, diffs = score(gold, path)
            totals[fmt][0] += matched
            totals[fmt][1] += total
            if by_family is not None:
                fam = by_family.setdefault((gold.get("forms") or [{}])[0].get("family", "?"), {f: [0, 0] for f in formats})
                fam[fmt][0] += matched
                fam[fmt][1] += total
            cells.append(f"{matched}/{total} ({matched / total:.1%})")
            diffs_out += [f"{name}.{fmt}: {d}" for d in diffs]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| all | " + " | ".join(f"{m}/{t} ({m / t:.1%})" if t else "—" for m, t in totals.values()) + " |")
    return diffs_out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", default="txt,docx,pdf")
    ap.add_argument("--layouts", action="store_true", help="the form families' layout documents first, then the seeds")
    ap.add_argument("--show-diffs", action="store_true")
    args = ap.parse_args()
    diffs: list[str] = []
    if args.layouts:
        # a folder of documents written after the reader was frozen, measured before anyone looks at them
        # (tests/layouts/README.md says which batch was measured blind, when, and what it scored)
        heldout = LAYOUTS / "heldout"
        for folder, heading in ((heldout, "Held-out layout documents (tests/layouts/heldout: measured blind, not yet fixed)"),
                                (LAYOUTS, "Layout documents (tests/layouts)")):
            docs = sorted(p.name.removesuffix(".gold.json") for p in folder.glob("*.gold.json"))
            if not docs:
                continue
            rows = [(d, {f: folder / f"{d}.{f}" for f in LAYOUT_FORMATS}) for d in docs]
            print(f"{heading}, field accuracy per document and format:\n")
            families: dict[str, dict[str, list[int]]] = {}
            diffs += table(rows, lambda d, folder=folder: load_gold(folder / f"{d}.gold.json"), list(LAYOUT_FORMATS),
                           "layout document", families)
            print("\nThe same per family:\n")
            print("| family | " + " | ".join(LAYOUT_FORMATS) + " |")
            print("|---|" + "---|" * len(LAYOUT_FORMATS))
            for fam, counts in sorted(families.items()):
                print(f"| {fam} | " + " | ".join(f"{m}/{t} ({m / t:.1%})" if t else "—" for m, t in counts.values()) + " |")
            print()
        print("Seed reports (tests/fixtures):\n")
    formats = args.formats.split(",")
    seeds = sorted(p.stem for p in GOLD.glob("*.json"))
    rows = [(s, {f: FIXTURES / f"{s}.{f}" for f in formats}) for s in seeds]
    diffs += table(rows, lambda s: load_gold(GOLD / f"{s}.json"), formats, "seed")
    if args.show_diffs:
        for d in diffs:
            print(d)


if __name__ == "__main__":
    main()
