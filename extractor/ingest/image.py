"""Image backend: PNG/JPEG/TIFF/BMP/GIF inputs, which have no text layer.

Its one job, until OCR lands, is to tell the user clearly what the file is
and why it cannot be read: it raises `NeedsOCR` naming the image format, its
size in pixels (and page count for multi-page TIFF), or `ExtractionError`
when the image itself is damaged. Pillow is used only to identify and
verify the image, never to interpret its content.
"""

from __future__ import annotations

from pathlib import Path

from extractor.document import Document
from extractor.errors import ExtractionError, NeedsOCR

_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "TIFF": "TIFF", "BMP": "BMP", "GIF": "GIF", "MPO": "JPEG", "WEBP": "WebP"}


def load(path: Path) -> Document:
    """Always raises: `NeedsOCR` for a valid image, `ExtractionError` for a damaged one."""
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
            f"is a damaged {claimed} image: its header cannot be read"
            if claimed
            else "looks like an image but its format is not recognised or its header is damaged"
        )
        raise ExtractionError(str(path), problem) from None
    except Image.DecompressionBombError:
        raise ExtractionError(str(path), "is an image too large to process safely (decompression bomb check)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        detail = str(exc).strip() or type(exc).__name__
        claimed = _claimed_format(path) or "image"
        kind = f"{claimed} image" if claimed != "image" else "image"
        raise ExtractionError(str(path), f"is a damaged {kind}, truncated or corrupt ({detail})") from None
    pages = f", {frames} pages" if frames > 1 else ""
    raise NeedsOCR(str(path), f"is an image with no text layer ({fmt}, {width}x{height} px{pages}): OCR is not available yet")


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
