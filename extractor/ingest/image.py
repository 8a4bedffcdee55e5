"""Image backend: PNG/JPEG/TIFF/BMP/GIF inputs (photos and scans of printed forms), read by OCR.

Pillow first verifies the image (a damaged or truncated file gets an
`ExtractionError` saying so); then every page (multi-page TIFF included) goes
through `ocr.scan` into `PageLayout`s and `layout.assemble`, exactly like a
scanned PDF. An image with no readable text raises `NeedsOCR` with its
format and size, so the user knows what was tried.
"""

from __future__ import annotations

from pathlib import Path

from extractor.document import Document, DocumentBuilder
from extractor.errors import ExtractionError, NeedsOCR
from extractor.i18n import _

_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "TIFF": "TIFF", "BMP": "BMP", "GIF": "GIF", "MPO": "JPEG", "WEBP": "WebP"}


def load(path: Path) -> Document:
    """OCR the image's pages into a `Document`; `ExtractionError` for a damaged or unreadable image."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        with Image.open(path) as im:
            fmt = _NAMES.get(im.format or "", im.format or "image")
            width, height = im.size
            frames = getattr(im, "n_frames", 1) if fmt == "TIFF" else 1
            im.load()  # decode the pixels: a truncated or corrupt image fails here
    except UnidentifiedImageError:
        claimed = _claimed_format(path)
        problem = (
            _("is a damaged {format} image: its header cannot be read").format(format=claimed)
            if claimed
            else _("looks like an image but its format is not recognised or its header is damaged")
        )
        raise ExtractionError(str(path), problem) from None
    except Image.DecompressionBombError:
        said = _("is an image too large to process safely (decompression bomb check)")
        raise ExtractionError(str(path), said) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        detail = str(exc).strip() or type(exc).__name__
        claimed = _claimed_format(path)
        problem = (
            _("is a damaged {format} image, truncated or corrupt ({said})").format(format=claimed, said=detail)
            if claimed
            else _("is a damaged image, truncated or corrupt ({said})").format(said=detail)
        )
        raise ExtractionError(str(path), problem) from None
    from extractor.ingest import source_for
    from extractor.ingest.layout import assemble
    from extractor.ingest.ocr.scan import ocr_image_pages

    layouts = ocr_image_pages(path)
    if not any(p.has_text for p in layouts):
        problem = (
            _("is an image in which OCR finds no text ({format}, {width}x{height} px, {pages} pages)")
            if frames > 1
            else _("is an image in which OCR finds no text ({format}, {width}x{height} px)")
        )
        raise NeedsOCR(str(path), problem.format(format=fmt, width=width, height=height, pages=frames))
    source = source_for(path, path.read_bytes(), fmt.lower(), pages=len(layouts))
    source.ocr = True
    builder = DocumentBuilder(source)
    empty = [p.number for p in layouts if not p.has_text]
    if empty:
        builder.doc.warnings.append(f"pages with no text even by OCR (blank?): {', '.join(map(str, empty))}")
    assemble(builder, layouts)
    return builder.build()


_MAGIC = [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
          (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"BM", "BMP")]


def _claimed_format(path: Path) -> str | None:
    """The format the file's signature claims, for messages about damaged images."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    suffix = path.suffix.lower().lstrip(".")
    return {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tiff": "TIFF", "gif": "GIF", "bmp": "BMP"}.get(suffix)
