"""Image crops of the figures a finding cites on a scanned page, for the audit page.

An auditor checks a doubtful digit against the scan without leaving the page:
for every piece of evidence that OCR read (its place has a page, a box and a
reading confidence) the worker cuts that box, with a margin, out of the page
image it has at hand, and the page shows it beside the text. Crops are small
PNGs (grey, at most `MAX_WIDTH` pixels wide) keyed by page and box.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from extractor.ingest.ocr.raster import image_pages, pdf_page_image

CROP_DPI = 150
MARGIN_PT = 4.0
MAX_WIDTH = 480
MAX_CROPS = 80  # per document: a page of findings, not the whole scan


def crop_key(at: dict) -> str | None:
    """The key of an OCR-read place: page and box rounded to whole points; None for other places."""
    bbox, page = at.get("bbox"), at.get("page")
    if at.get("confidence") is None or not bbox or page is None or len(bbox) != 4:
        return None
    return f"{page}:" + ",".join(str(round(v)) for v in bbox)


def _places(extraction: dict) -> dict[int, dict[str, list[float]]]:
    by_page: dict[int, dict[str, list[float]]] = {}
    n = 0
    for f in extraction.get("findings", []):
        for e in f.get("evidence", []):
            at = e.get("at") or {}
            key = crop_key(at)
            if key and n < MAX_CROPS and key not in by_page.get(at["page"], {}):
                by_page.setdefault(at["page"], {})[key] = at["bbox"]
                n += 1
    return by_page


def _png(gray, box: list[float], scale: float) -> str | None:
    from PIL import Image

    x0, top, x1, bottom = box
    h, w = gray.shape[:2]
    left, upper = max(0, int((x0 - MARGIN_PT) / scale)), max(0, int((top - MARGIN_PT) / scale))
    right, lower = min(w, int((x1 + MARGIN_PT) / scale) + 1), min(h, int((bottom + MARGIN_PT) / scale) + 1)
    if right - left < 2 or lower - upper < 2:
        return None
    img = Image.fromarray(gray[upper:lower, left:right])
    if img.width > MAX_WIDTH:
        img = img.resize((MAX_WIDTH, max(1, round(img.height * MAX_WIDTH / img.width))))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def evidence_crops(path: str | Path, extraction: dict) -> dict[str, str]:
    """{crop_key: PNG data URI} for the OCR-read evidence of `extraction`'s findings in the file at `path`."""
    by_page = _places(extraction)
    if not by_page:
        return {}
    path = Path(path)
    out: dict[str, str] = {}
    if path.suffix.lower() == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            for page, boxes in sorted(by_page.items()):
                if not 1 <= page <= len(pdf):
                    continue
                img = pdf_page_image(pdf, page - 1, dpi=CROP_DPI)
                out.update({k: uri for k, box in boxes.items() if (uri := _png(img.gray, box, img.scale))})
        finally:
            pdf.close()
    else:
        for img in image_pages(path):
            boxes = by_page.get(img.number)
            if boxes:
                out.update({k: uri for k, box in boxes.items() if (uri := _png(img.gray, box, img.scale))})
    return out
