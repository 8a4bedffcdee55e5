"""Page images from scanned PDFs (pypdfium2) and image files (Pillow), bounded in size.

Every page comes out as an 8-bit grey image at a known resolution, so OCR
boxes convert to PDF points (`scale` = 72 / dpi) and a scanned page has the
same coordinates as a text page. Images whose pixel count would blow memory
are refused before decoding; very large ones are downscaled to `MAX_SIDE`;
ones too small to hold a line of text are refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from extractor.errors import ExtractionError
from extractor.i18n import _

DPI = 200  # the PP-OCR detector reads 10.5-pt Chinese reliably from 150 dpi; 200 keeps 小五 readable
MAX_SIDE = 3000  # px: an A4 page at 250 dpi; above this an image is downscaled (memory stays bounded)
MAX_PIXELS = 400_000_000  # a larger image is refused undecoded (a decompression bomb)
MIN_SIDE = 16  # px: nothing smaller can hold a character
ASSUMED_IMAGE_DPI = 200  # for images that do not state their resolution


@dataclass
class PageImage:
    number: int
    gray: np.ndarray
    scale: float  # points per pixel
    width_pt: float
    height_pt: float


def pdf_page_image(pdf, index: int, dpi: int = DPI) -> PageImage:
    """Render page `index` (0-based) of an open pypdfium2 document."""
    page = pdf[index]
    try:
        w_pt, h_pt = page.get_size()
        scale_px = dpi / 72
        longest = max(w_pt, h_pt) * scale_px
        if longest > MAX_SIDE:
            scale_px = MAX_SIDE / max(w_pt, h_pt)
        bitmap = page.render(scale=scale_px, grayscale=True)
        gray = np.array(bitmap.to_pil().convert("L"))
    finally:
        page.close()
    return PageImage(index + 1, gray, 1 / scale_px, float(w_pt), float(h_pt))


def image_pages(path: Path) -> Iterator[PageImage]:
    """The pages of a PNG, JPEG or (multi-page) TIFF, one at a time."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(path)
    except Image.DecompressionBombError:
        said = _("image is larger than {limit:,} pixels (refused)").format(limit=MAX_PIXELS)
        raise ExtractionError(str(path), said) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise ExtractionError(str(path), _("is not a readable image ({said})").format(said=exc)) from None
    with img:
        for number, frame in enumerate(ImageSequence.Iterator(img), start=1):
            w, h = frame.size
            if w * h > MAX_PIXELS:
                said = _("page {page} is {width}x{height} pixels, above {limit:,} (refused)").format(
                    page=number, width=w, height=h, limit=MAX_PIXELS)
                raise ExtractionError(str(path), said)
            if min(w, h) < MIN_SIDE:
                said = _("page {page} is {width}x{height} pixels: too small to hold text").format(
                    page=number, width=w, height=h)
                raise ExtractionError(str(path), said)
            try:
                frame.draft("L", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at reduced size directly
                gray_img = frame.convert("L") if frame.mode != "L" else frame.copy()
                dpi = frame.info.get("dpi", (ASSUMED_IMAGE_DPI, ASSUMED_IMAGE_DPI))[0] or ASSUMED_IMAGE_DPI
                dpi = float(dpi) if 50 <= float(dpi) <= 1200 else ASSUMED_IMAGE_DPI
                if max(gray_img.size) > MAX_SIDE:
                    factor = MAX_SIDE / max(gray_img.size)
                    gray_img.thumbnail((MAX_SIDE, MAX_SIDE))  # in place, by reducing first: no second full-size copy
                    dpi *= factor
                gray_img = ImageOps.exif_transpose(gray_img) or gray_img
            except (OSError, ValueError) as exc:
                said = _("page {page} cannot be decoded ({said})").format(page=number, said=exc)
                raise ExtractionError(str(path), said) from None
            gray = np.array(gray_img)
            scale = 72 / dpi
            yield PageImage(number, gray, scale, gray.shape[1] * scale, gray.shape[0] * scale)
