"""One page image -> `PageLayout`: deskew, rules, OCR, then each text line into its cell or the page text.

Coordinates are PDF points from the page's top-left corner (pixels × scale),
so everything after this module treats a scanned page like a text page.
An OCR box that runs over a vertical rule (two cells read as one line) is
cut at the rule between the characters the recogniser placed on either side
(its CTC columns; estimated from character widths for lines read without them).
A page whose text reads better upside down is turned and read again.
"""

from __future__ import annotations

import statistics

import numpy as np

from extractor.ingest.layout import EDGE_MERGE, Line, PageLayout, RawCell, TablePart, cluster
from extractor.ingest.ocr import engine, grid, orient
from extractor.ingest.ocr.raster import PageImage
from extractor.text import clean_line, fold_lookalikes, non_space

BOX_TO_FONT = 0.72  # a PP-OCR line box (unclipped by 1.6) is about 1.4 font sizes tall
UPSIDE_DOWN_CONFIDENCE = 0.80  # a page read below this mean confidence is also tried turned 180°


def read_page(img: PageImage) -> PageLayout:
    gray, _angle = orient.deskew(img.gray)
    tables, text_image = grid.read_rules(gray, img.scale)
    lines = engine.read_lines(text_image)
    if _mean_confidence(lines) < UPSIDE_DOWN_CONFIDENCE:
        turned_tables, turned_image = grid.read_rules(np.ascontiguousarray(gray[::-1, ::-1]), img.scale)
        turned_lines = engine.read_lines(turned_image)
        if _quality(turned_lines) > _quality(lines):
            tables, text_image, lines = turned_tables, turned_image, turned_lines
    if tables:
        lines = _recover_missed_ink(text_image, tables, img.scale, lines)
    s = img.scale
    boxes = [(ln, ln.x0 * s, ln.top * s, ln.x1 * s, ln.bottom * s) for ln in lines]
    parts: list[TablePart] = []
    taken: set[int] = set()
    for cells in tables:
        part, used = _table_part(img.number, cells, boxes)
        parts.append(part)
        taken |= used
    text_lines = _text_lines(img.number, [b for i, b in enumerate(boxes) if i not in taken])
    return PageLayout(
        number=img.number, width=img.width_pt, height=img.height_pt, top0=0.0, left0=0.0,
        lines=text_lines, tables=parts, has_text=bool(text_lines or parts), has_images=True, scanned=True,
    )


FAINT = 18  # grey levels below the paper that mark faint ink beside a line
INK_CONTRAST = 14  # grey levels darker than the surrounding paper that count as ink
MIN_INK_AREA = 10  # px: smaller specks are noise


def _recover_missed_ink(gray: np.ndarray, tables, scale: float, lines: list[engine.OcrLine]) -> list[engine.OcrLine]:
    """Read ink inside table cells that no detected line covers.

    The detector misses thin or lone glyphs (a ≥ before a figure, a single
    digit 4 in a score cell), and the recogniser may drop one its box holds
    (004's faint ≥ before 全省平均水平: the first character it placed starts
    after the ≥). Faint ink between the cell's edge and the line's first
    character has the line read again from the cell's edge. Ink left
    uncovered next to a line in the same cell widens that line, which is then
    recognised again; uncovered ink with no line beside it is recognised on
    its own.
    """
    import cv2

    h, w = gray.shape
    covered = np.zeros((h, w), dtype=bool)
    for ln in lines:
        covered[max(0, int(ln.top) - 2) : int(ln.bottom) + 3, max(0, int(ln.x0) - 2) : int(ln.x1) + 3] = True
    # local contrast, not a fixed grey level: a thin glyph blurred by the scan is faint but still darker than its paper
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    ink = cv2.adaptiveThreshold(smooth, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, INK_CONTRAST)
    residual = (ink.astype(bool) & ~covered).astype(np.uint8)
    out = list(lines)
    paper = float(np.median(smooth))
    for k, ln in enumerate(out):
        cell = _cell_of(tables, scale, ln)
        if cell is None:
            continue
        cl = cell[0] + 1
        # where the line's first read character starts: the detector's box may hold a glyph the recogniser dropped
        first = int(ln.chars[0][1]) if ln.chars else int(ln.x0)
        gap = smooth[int(ln.top) : int(ln.bottom) + 1, cl : max(cl, first - 2)]
        # faint ink just left of a line (a thin ≥ or ＜ the detector left out): read the line again from the cell edge
        if gap.size and gap.min() < paper - FAINT and first - cl < 2.5 * (ln.bottom - ln.top):
            text, score = engine.read_crop(gray[max(0, int(ln.top) - 3) : int(ln.bottom) + 3, cl : int(ln.x1) + 3])
            if score >= 0.5 and len(text) > len(ln.text) and text.endswith(ln.text):
                out[k] = engine.OcrLine(text, float(cl), ln.top, ln.x1, ln.bottom, min(score, ln.confidence))
    for cells in tables:
        for cx0, ctop, cx1, cbottom in cells:
            x0, y0, x1, y1 = int(cx0 / scale) + 4, int(ctop / scale) + 4, int(cx1 / scale) - 4, int(cbottom / scale) - 4
            if x1 - x0 < 6 or y1 - y0 < 6:
                continue
            n, _lab, stats, _c = cv2.connectedComponentsWithStats(residual[y0:y1, x0:x1], connectivity=8)
            blobs = [stats[i] for i in range(1, n) if stats[i][4] >= MIN_INK_AREA and stats[i][3] >= 6]
            for bx, by, bw, bh, _a in blobs:
                bx0, by0, bx1, by1 = x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh
                # a line of the same cell on the same row: widen it over the missed ink
                near = [k for k, ln in enumerate(out)
                        if ln.x0 >= x0 - 4 and ln.x1 <= x1 + 4 and ln.top <= (by0 + by1) / 2 <= ln.bottom]
                if near:
                    k = near[0]
                    ln = out[k]
                    nx0, ntop, nx1, nbottom = min(ln.x0, bx0), min(ln.top, by0), max(ln.x1, bx1), max(ln.bottom, by1)
                else:
                    nx0, ntop, nx1, nbottom = bx0, by0, bx1, by1
                pad = max(4, int((nbottom - ntop) * 0.3))
                # never past the cell's own edges: the neighbour's text would join the line
                cl, cr = int(cx0 / scale) + 2, int(cx1 / scale) - 2
                crop = gray[max(0, int(ntop) - pad) : int(nbottom) + pad, max(cl, int(nx0) - pad) : min(cr, int(nx1) + pad)]
                if crop.size == 0:
                    continue
                text, score = engine.read_crop(crop)
                if not text or score < 0.5:
                    continue
                if near:
                    if len(text) > len(out[k].text) and out[k].text in text:
                        out[k] = engine.OcrLine(text, nx0, ntop, nx1, nbottom, min(score, out[k].confidence))
                else:
                    out.append(engine.OcrLine(text, nx0, ntop, nx1, nbottom, score))
                residual[int(ntop) : int(nbottom) + 1, int(nx0) : int(nx1) + 1] = 0
    return out


def _cell_of(tables, scale: float, ln: engine.OcrLine) -> tuple[int, int, int, int] | None:
    """The cell (in pixels) holding the line's centre."""
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
    for cells in tables:
        for c in cells:
            x0, y0, x1, y1 = (int(v / scale) for v in c)
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                return x0, y0, x1, y1
    return None


def _mean_confidence(lines: list[engine.OcrLine]) -> float:
    if not lines:
        return 0.0
    total = sum(len(ln.text) for ln in lines)
    return sum(ln.confidence * len(ln.text) for ln in lines) / max(1, total)


def _quality(lines: list[engine.OcrLine]) -> float:
    return _mean_confidence(lines) * sum(len(ln.text) for ln in lines)


def _table_part(page: int, cells: list[tuple[float, float, float, float]], boxes) -> tuple[TablePart, set[int]]:
    x0 = min(c[0] for c in cells)
    top = min(c[1] for c in cells)
    x1 = max(c[2] for c in cells)
    bottom = max(c[3] for c in cells)
    texts: dict[int, list[tuple[float, float, float, str, float]]] = {i: [] for i in range(len(cells))}
    used: set[int] = set()
    for k, (ln, bx0, btop, bx1, bbottom) in enumerate(boxes):
        cy = (btop + bbottom) / 2
        if not (top - 1 <= cy <= bottom + 1 and bx1 > x0 and bx0 < x1):
            continue
        used.add(k)
        placed = _placed_chars(ln, bx0, bx1)
        for i, cell in enumerate(cells):
            cx0, ctop, cx1, cbottom = cell
            if not (ctop - 1 <= cy <= cbottom + 1):
                continue
            chars = [ch for ch, x in placed if cx0 <= x < cx1]
            if chars:
                texts[i].append((btop, max(bx0, cx0), bbottom, "".join(chars), ln.confidence))
    raw: list[RawCell] = []
    for i, (cx0, ctop, cx1, cbottom) in enumerate(cells):
        pieces = sorted(texts[i], key=lambda p: (round(p[0] / 4), p[1]))
        cell = RawCell(cx0, ctop, cx1, cbottom, "")
        if pieces:
            rows = _rows_of(pieces)
            cell.text = fold_lookalikes("\n".join("".join(p[3] for p in row) for row in rows))
            cell.slack = cbottom - max(p[2] for p in pieces)
            cell.size = statistics.median((p[2] - p[0]) * BOX_TO_FONT for p in pieces)
            cell.confidence = round(min(p[4] for p in pieces), 4)
        raw.append(cell)
    xs = cluster([v for c in raw for v in (c.x0, c.x1)], EDGE_MERGE)
    ys = cluster([v for c in raw for v in (c.top, c.bottom)], EDGE_MERGE)
    return TablePart(page, (x0, top, x1, bottom), xs, ys, raw), used


def _placed_chars(ln: engine.OcrLine, bx0: float, bx1: float) -> list[tuple[str, float]]:
    """Each character with its x centre in page coordinates: where the recogniser put it, else estimated."""
    if ln.chars and ln.x1 > ln.x0:
        k = (bx1 - bx0) / (ln.x1 - ln.x0)
        return [(ch, bx0 + ((a + b) / 2 - ln.x0) * k) for ch, a, b in ln.chars]
    return list(zip(ln.text, _char_centres(ln.text, bx0, bx1)))


def _char_centres(text: str, x0: float, x1: float) -> list[float]:
    """Each character's x centre in a box, CJK characters full width and the rest about half."""
    widths = [1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text]
    total = sum(widths) or 1.0
    unit = (x1 - x0) / total
    out, x = [], x0
    for wdt in widths:
        out.append(x + wdt * unit / 2)
        x += wdt * unit
    return out


def _rows_of(pieces):
    """Pieces grouped into visual rows (vertical overlap), each row left to right."""
    rows: list[list] = []
    for p in sorted(pieces, key=lambda p: p[0]):
        if rows and p[0] < (rows[-1][0][0] + rows[-1][0][2]) / 2:
            rows[-1].append(p)
        else:
            rows.append([p])
    return [sorted(r, key=lambda p: p[1]) for r in rows]


def _text_lines(page: int, boxes) -> list[Line]:
    """OCR boxes outside tables joined into the page's text lines (boxes side by side on one row)."""
    rows: list[list] = []
    for b in sorted(boxes, key=lambda b: b[2]):
        _ln, _x0, top, _x1, bottom = b
        if rows:
            last = rows[-1]
            ltop = min(x[2] for x in last)
            lbottom = max(x[4] for x in last)
            overlap = min(bottom, lbottom) - max(top, ltop)
            if overlap > 0.5 * min(bottom - top, lbottom - ltop):
                last.append(b)
                continue
        rows.append([b])
    out: list[Line] = []
    for row in rows:
        row.sort(key=lambda b: b[1])
        text = clean_line(fold_lookalikes(" ".join(b[0].text for b in row)))
        if not text:
            continue
        confs = [c for b in row for c in b[0].confidences()]
        x0 = min(b[1] for b in row)
        top = min(b[2] for b in row)
        x1 = max(b[3] for b in row)
        bottom = max(b[4] for b in row)
        height = statistics.median(b[4] - b[2] for b in row)
        size = height * BOX_TO_FONT
        first = row[0][0]
        char_w = (row[0][3] - row[0][1]) / max(1, len(first.text))
        out.append(Line(page=page, number=0, text=text, x0=x0, top=top, x1=x1, bottom=bottom, size=size,
                        lead=char_w, confidence=round(min(b[0].confidence for b in row), 4),
                        char_confidence=confs if len(confs) == non_space(text) else None))
    out.sort(key=lambda ln: (round(ln.top, 1), ln.x0))
    for i, ln in enumerate(out, start=1):
        ln.number = i
    return out
