"""Read scanned pages and images by OCR into `PageLayout`s; the backends assemble them as usual."""

from __future__ import annotations

from pathlib import Path

from extractor.errors import ExtractionError
from extractor.i18n import _
from extractor.ingest.layout import PageLayout


def ocr_pdf_pages(path: Path, data: bytes, numbers: list[int]) -> dict[int, PageLayout]:
    """OCR the listed pages (1-based) of a PDF, one page image in memory at a time."""
    import pypdfium2 as pdfium

    from extractor.ingest.ocr.page import read_page
    from extractor.ingest.ocr.raster import pdf_page_image

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(str(path), _("pages cannot be rendered for OCR ({said})").format(said=exc)) from None
    try:
        return {n: read_page(pdf_page_image(pdf, n - 1)) for n in numbers}
    finally:
        pdf.close()


def ocr_image_pages(path: Path) -> list[PageLayout]:
    from extractor.ingest.ocr.page import read_page
    from extractor.ingest.ocr.raster import image_pages

    return [read_page(img) for img in image_pages(path)]
