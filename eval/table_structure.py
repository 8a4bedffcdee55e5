"""Table structure on scans: the ruled grid the pipeline uses against SLANet+ (rapid-table 0.3.0).

    python -m eval.table_structure [--seeds 000,004]

The scanned fixtures come from `eval.make_scans`, as in `eval.ocr`. For every
table the pipeline finds on a scanned page, both methods get the same input:

- the same crop of the deskewed page, rules intact;
- the same OCR lines, shifted into the crop.

That is how rapid-table's README feeds SLANet+ with an outside OCR.

Both are scored against the text PDF's tables on the same page. **Cell
recall** is the share of the text PDF's non-empty cells whose text (NFKC,
whitespace removed) is the whole text of some cell the method produced on that
page. A cell split in two, or two cells run together, counts as a miss.
SLANet+ is also timed per table.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
import unicodedata
from collections import defaultdict
from html import unescape
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def cells_by_page(document) -> dict[int, list[str]]:
    """Non-empty cell texts of a Document's tables, per page."""
    out: dict[int, list[str]] = defaultdict(list)
    for table in document.tables:
        for cell in table.cells:
            t = norm(cell.text)
            if t and cell.at is not None and cell.at.page is not None:
                out[cell.at.page].append(t)
    return out


def slanet_cells(crop: np.ndarray, lines, x0: float, y0: float, model) -> tuple[list[str], float]:
    """Cell texts SLANet+ gives a table crop, fed with the OCR lines inside it; and its seconds."""
    ocr = [[[[ln.x0 - x0, ln.top - y0], [ln.x1 - x0, ln.top - y0], [ln.x1 - x0, ln.bottom - y0], [ln.x0 - x0, ln.bottom - y0]],
            ln.text, ln.confidence]
           for ln in lines
           if ln.x1 > x0 and ln.x0 < x0 + crop.shape[1] and y0 <= (ln.top + ln.bottom) / 2 <= y0 + crop.shape[0]]
    if not ocr:
        return [], 0.0
    t = time.perf_counter()
    html, _boxes, _elapsed = model(np.stack([crop] * 3, axis=-1), ocr)
    seconds = time.perf_counter() - t
    cells = [norm(unescape(re.sub(r"<[^>]+>", "", c))) for c in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]
    return [c for c in cells if c], seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="")
    args = ap.parse_args(argv)
    try:
        from rapid_table import RapidTable
    except ImportError:
        print("rapid-table is not installed: pip install -e .[eval] (bash setup.sh does)")
        return 2
    import pypdfium2 as pdfium

    from eval.make_scans import scanned_fixture
    from extractor.ingest import load
    from extractor.ingest.ocr import engine, grid, orient
    from extractor.ingest.ocr.raster import pdf_page_image

    model = RapidTable()
    seeds = sorted(p.stem for p in FIXTURES.glob("[0-9][0-9][0-9]_*.pdf"))
    if args.seeds:
        seeds = [s for s in seeds if s.split("_")[0] in args.seeds.split(",")]
    print("| seed | tables (scan) | text-PDF cells | ruled grid: cell recall | SLANet+: cell recall | SLANet+ s/table |")
    print("|---|---|---|---|---|---|")
    total = [0, 0, 0, 0, 0.0]
    with tempfile.TemporaryDirectory(prefix="extractor-scans-") as tmp:
        for seed in seeds:
            scan = scanned_fixture(seed, Path(tmp))
            reference = cells_by_page(load(FIXTURES / f"{seed}.pdf"))
            ours = cells_by_page(load(scan))
            theirs: dict[int, list[str]] = defaultdict(list)
            tables, seconds = 0, 0.0
            pdf = pdfium.PdfDocument(str(scan))
            for index in range(len(pdf)):
                img = pdf_page_image(pdf, index)
                gray, _angle = orient.deskew(img.gray)
                found, text_image = grid.read_rules(gray, img.scale)
                if not found:
                    continue
                lines = engine.read_lines(text_image)
                for cells in found:
                    # the grid's box in points, back to pixels, with a small margin as a table detector gives
                    x0, top = (min(c[0] for c in cells) / img.scale - 8, min(c[1] for c in cells) / img.scale - 8)
                    x1, bottom = (max(c[2] for c in cells) / img.scale + 8, max(c[3] for c in cells) / img.scale + 8)
                    x0, top = max(0, int(x0)), max(0, int(top))
                    crop = gray[top : int(bottom), x0 : int(x1)]
                    texts, s = slanet_cells(crop, lines, x0, top, model)
                    theirs[index + 1] += texts
                    tables += 1
                    seconds += s
            pdf.close()
            n = sum(len(v) for v in reference.values())
            hit_ours = sum(sum(1 for t in ref if t in set(ours.get(p, []))) for p, ref in reference.items())
            hit_theirs = sum(sum(1 for t in ref if t in set(theirs.get(p, []))) for p, ref in reference.items())
            print(f"| {seed} | {tables} | {n} | {hit_ours}/{n} ({hit_ours / max(1, n):.1%}) | "
                  f"{hit_theirs}/{n} ({hit_theirs / max(1, n):.1%}) | {seconds / max(1, tables):.2f} |")
            for i, v in enumerate((tables, n, hit_ours, hit_theirs, seconds)):
                total[i] += v
    t, n, a, b, s = total
    print(f"| all | {t} | {n} | {a}/{n} ({a / max(1, n):.1%}) | {b}/{n} ({b / max(1, n):.1%}) | {s / max(1, t):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
