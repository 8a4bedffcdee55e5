"""The objects of one text-PDF page, characters with boxes and ruling edges, read by pdfium or pdfminer.

`pdf.py` finds tables and text lines on these objects with pdfplumber's own
logic, so both readers hand them over in pdfplumber's dict shape (`x0`, `x1`,
`top`, `bottom` in points from the page's top-left corner).

pdfium (pypdfium2) is the reader for a PDF it can take whole: it is C and
gives the same characters and rules about 6× faster than pdfminer's Python
parser. pdfminer (through pdfplumber) stays the reader of everything else,
and the source of the error messages for broken files: `Unsuitable` says
why pdfium was not used, and the caller starts again with pdfminer.

What makes the two agree:

- Vertical boxes are the baseline and the font size (`bottom` on the
  baseline, `top` one size above) on both paths. pdfminer would take the
  descent from the font descriptor and pdfium from the font program, and
  producers disagree (LibreOffice writes 0): the boxes would differ by up to
  a quarter of the size between readers and producers.
- Paths become edges the way pdfminer classifies them: a one-segment path is
  a line, a closed axis-aligned four-corner path a rectangle (its four
  sides), anything else a curve whose consecutive end points are joined
  (Bézier control points dropped). pdfplumber's own conversion then gives
  each its orientation.
- Characters pdfium makes up (spaces and line breaks between text objects)
  are left out. Runs of space glyphs may come back shorter; spaces only
  separate words, and the layout inserts its own from the gaps.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass

from pdfplumber.utils.geometry import obj_to_edges


class Unsuitable(Exception):
    """pdfium cannot give what pdfminer would for this file (the message says why); read it with pdfminer."""


@dataclass
class PageObjects:
    number: int  # 1-based
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom, as pdfplumber's page.bbox
    chars: list[dict]
    edges: list[dict]
    has_images: bool

    @property
    def width(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


# --------------------------------------------------------------------------
# pdfminer, through pdfplumber


def from_plumber(page, number: int) -> PageObjects:
    """A pdfplumber page's objects, with upright characters' boxes on their baseline."""
    chars = [_on_baseline(c, page.bbox[3] + page.bbox[1]) for c in page.chars]
    return PageObjects(number, tuple(float(v) for v in page.bbox), chars, page.edges, bool(page.images))


def _on_baseline(char: dict, flip: float) -> dict:
    a, b, c, d, _e, f = char["matrix"]
    if b or c or a <= 0 or d <= 0:
        return char  # rotated or mirrored: pdfminer's box stands
    bottom = flip - f
    if abs(bottom - char["bottom"]) < 1e-6:
        return char
    top = bottom - char["size"]
    return {**char, "bottom": bottom, "top": top, "doctop": char["doctop"] + top - char["top"]}


# --------------------------------------------------------------------------
# pdfium


def from_pdfium(data: bytes) -> Iterator[PageObjects]:
    """Every page's objects, one page at a time; raises `Unsuitable` before or during the walk."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise Unsuitable(f"pdfium cannot open it: {exc}") from None
    try:
        if not raw.FPDF_DocumentHasValidCrossReferenceTable(pdf.raw):
            raise Unsuitable("its cross-reference table was rebuilt by pdfium")  # damaged: pdfminer says how
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                yield _read_page(raw, page, index + 1)
            finally:
                page.close()
    finally:
        pdf.close()


def _read_page(raw, page, number: int) -> PageObjects:
    if raw.FPDFPage_GetRotation(page.raw) != 0:
        raise Unsuitable(f"page {number} is rotated")
    # the page's box with inherited attributes resolved; pdfplumber measures from the media box, so a
    # page whose own media box differs from it (a crop box) is left to pdfminer
    box = raw.FS_RECTF()
    raw.FPDF_GetPageBoundingBox(page.raw, box)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    own_box = raw.FPDFPage_GetMediaBox(page.raw, left, bottom, right, top)
    if own_box and (left.value, bottom.value, right.value, top.value) != (box.left, box.bottom, box.right, box.top):
        raise Unsuitable(f"page {number} is cropped")
    if box.left != 0 or box.bottom != 0:
        raise Unsuitable(f"page {number}'s box does not start at the origin")
    width, height = float(box.right), float(box.top)
    textpage = page.get_textpage()
    try:
        chars = _chars(raw, textpage.raw, height, number)
        edges, has_images, dropped = _walk(raw, page.raw, textpage.raw, height)
    finally:
        textpage.close()
    if dropped:
        raise Unsuitable(f"pdfium's text layer left out {dropped} text object(s) on page {number}")
    return PageObjects(number, (0.0, 0.0, width, height), chars, edges, has_images)


def _chars(raw, text, height: float, number: int) -> list[dict]:
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    # bound once: six calls a character, tens of thousands of characters a document
    generated, map_error, unicode = raw.FPDFText_IsGenerated, raw.FPDFText_HasUnicodeMapError, raw.FPDFText_GetUnicode
    font_size, origin, loose_box = raw.FPDFText_GetFontSize, raw.FPDFText_GetCharOrigin, raw.FPDFText_GetLooseCharBox
    char_angle = raw.FPDFText_GetCharAngle
    out: list[dict] = []
    for k in range(raw.FPDFText_CountChars(text)):
        if generated(text, k):
            continue
        code = unicode(text, k)
        if map_error(text, k):
            raise Unsuitable(f"page {number} has glyphs without a Unicode mapping")  # pdfminer marks them (cid:NN)
        if 0xD800 <= code < 0xE000:
            raise Unsuitable(f"page {number} has characters outside the Basic Multilingual Plane")
        size = font_size(text, k)
        origin(text, k, x, y)
        loose_box(text, k, box)
        angle = char_angle(text, k)
        x0, x1 = box.left, box.right
        upright = angle >= 0 and min(angle, _TURN - angle) < 1e-3
        if upright:
            if abs(x0 - x.value) > 0.05 * size:
                # pdfium's box starts at the origin and runs the advance width, unless the font writes
                # vertically or has no usable metrics (then it is the glyph's ink): pdfminer knows both
                raise Unsuitable(f"page {number} has vertical writing or a font without metrics")
            bottom = height - y.value
            top = bottom - size
        else:
            top, bottom = height - box.top, height - box.bottom
        out.append(
            {
                "object_type": "char",
                "text": chr(code),
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "width": x1 - x0,
                "height": bottom - top,
                "size": size,
                "upright": upright,
            }
        )
    return out


_TURN = 2 * math.pi


# --------------------------------------------------------------------------
# paths -> edges, classified as pdfminer does


def _walk(raw, page, text, height: float) -> tuple[list[dict], bool, int]:
    """Edges of every painted path, in content order, Form XObjects included; whether any image is drawn;
    and how many text objects with glyphs have no characters in the text layer.

    pdfium's text layer skips a text object it takes for a repeat of one of the five before it (its
    fake-bold filter). When the font has no glyph boxes (a CJK font the PDF does not embed) every
    object's box is empty, the test degenerates to "same text at the same x", and repeated lines or
    cells vanish. Such a page is left to pdfminer.
    """
    edges: list[dict] = []
    found = {"image": False, "dropped": 0}
    matrix = raw.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))

    def walk(count: int, get, outer) -> None:
        for i in range(count):
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                found["image"] = True
            elif kind == raw.FPDF_PAGEOBJ_TEXT:
                empty = raw.FPDFTextObj_GetText(obj, text, None, 0) <= 2  # UTF-16: the terminator alone
                if empty and raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top) and right.value > left.value:
                    found["dropped"] += 1
            elif kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
                raw.FPDFPageObj_GetMatrix(obj, matrix)
                m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
                if kind == raw.FPDF_PAGEOBJ_FORM:
                    walk(raw.FPDFFormObj_CountObjects(obj), lambda j, o=obj: raw.FPDFFormObj_GetObject(o, j), m)
                elif raw.FPDFPath_GetDrawMode(obj, fill, stroke) and (fill.value or stroke.value):
                    for pts, shape in _subpaths(raw, obj, m):
                        edges.extend(_edges(pts, shape, height))

    walk(raw.FPDFPage_CountObjects(page), lambda i: raw.FPDFPage_GetObject(page, i), (1, 0, 0, 1, 0, 0))
    return edges, found["image"], found["dropped"]


def _compose(inner, outer):
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _subpaths(raw, obj, m) -> Iterator[tuple[list[tuple[float, float]], str]]:
    """Each subpath's end points and its shape in pdfminer's letters (m, l, c, h)."""
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    pts: list[tuple[float, float]] = []
    shape = ""
    bezier = 0
    for s in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, s)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            if shape:
                yield pts, shape
            pts, shape = [point], "m"
            continue
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point
            letter = "c"
        else:
            letter = "l"
        closes = raw.FPDFPathSegment_GetClose(seg) and pts and point == pts[0]
        # pdfium closes a subpath with a segment back to its start: pdfminer's "h"
        shape += "h" if closes and letter == "l" else letter
        pts.append(point)
    if shape:
        yield pts, shape


def _edges(pts: list[tuple[float, float]], shape: str, height: float) -> list[dict]:
    if len(pts) < 2:
        return []
    if shape in ("ml", "mlh"):
        (x0, y0), (x1, y1) = pts[0], pts[1]
        obj = {"object_type": "line", **_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), height)}
        return obj_to_edges(obj)
    if shape in ("mlllh", "mllll") and len(pts) == 5:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            obj = {"object_type": "rect", **_box(min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2), height)}
            return obj_to_edges(obj)
    flipped = [(px, height - py) for px, py in pts]
    obj = {"object_type": "curve", "pts": flipped, "top": 0.0, "doctop": 0.0}
    return obj_to_edges(obj)


def _box(x0: float, y0: float, x1: float, y1: float, height: float) -> dict:
    top, bottom = height - y1, height - y0
    return {
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": y1 - y0,
    }
