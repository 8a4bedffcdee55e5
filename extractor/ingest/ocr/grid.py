"""Ruled tables in a page image: OpenCV finds the rules, pdfplumber's table logic turns them into cells.

The forms in these reports draw every cell border, so the rules are the
most reliable structure on a scanned page: horizontal and vertical strokes
are isolated by morphological opening (a long thin kernel keeps lines and
drops text), each stroke becomes an edge in PDF points, and pdfplumber's own
edge merging, intersection and cell-finding code (the same code that finds
tables in text PDFs) builds the cells. Merged cells come out as single
larger cells, exactly as for a text PDF.
"""

from __future__ import annotations

import numpy as np

SNAP = 3.0  # pt: as pdfplumber's defaults for text PDFs
JOIN = 3.0
INTERSECT = 3.0


def rule_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Binary masks (255 = ink) of the horizontal and the vertical rules."""
    import cv2

    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, w // 35), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(25, h // 70))))
    # close small gaps that noise and JPEG artefacts cut into a rule
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9)))
    return horiz, vert


def _edges(mask: np.ndarray, orientation: str, scale: float) -> list[dict]:
    import cv2

    n, _labels, stats, _c = cv2.connectedComponentsWithStats(mask, connectivity=8)
    edges = []
    for i in range(1, n):
        x, y, w, h, _area = (int(v) for v in stats[i])
        if orientation == "h":
            mid = (y + h / 2) * scale
            x0, x1 = x * scale, (x + w) * scale
            edges.append({"orientation": "h", "x0": x0, "x1": x1, "top": mid, "bottom": mid, "width": x1 - x0, "height": 0.0})
        else:
            mid = (x + w / 2) * scale
            top, bottom = y * scale, (y + h) * scale
            edges.append({"orientation": "v", "x0": mid, "x1": mid, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top})
    return edges


def read_rules(gray: np.ndarray, scale: float) -> tuple[list[list[tuple[float, float, float, float]]], np.ndarray]:
    """The ruled tables of a page, and the page to read text from.

    Tables are lists of cell boxes (x0, top, x1, bottom) in points; `scale`
    converts pixels to points (72 / dpi). The text image is the page with its
    rules painted white when it has tables, so the text detector does not join
    text across a rule; otherwise the page itself. The rule masks are computed
    once for both.
    """
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    horiz, vert = rule_masks(gray)
    edges = _edges(horiz, "h", scale) + _edges(vert, "v", scale)
    if not edges:
        return [], gray
    edges = merge_edges(edges, SNAP, SNAP, JOIN, JOIN)
    cells = intersections_to_cells(edges_to_intersections(edges, INTERSECT, INTERSECT))
    tables = [[tuple(float(v) for v in c) for c in t] for t in cells_to_tables(cells) if len(t) >= 2]
    if not tables:
        return [], gray
    erased = gray.copy()
    erased[(horiz > 0) | (vert > 0)] = 255
    return tables, erased
