"""Is a PDF page's text layer usable, or must the page be read by OCR?

A page is read by OCR when it has no text at all, or when its text is
garbage: glyphs without a Unicode mapping (pdfminer's "(cid:NN)"), private-use
or replacement characters (fonts with broken ToUnicode maps), or Latin-1
mojibake where Chinese should be (GBK bytes shown as Windows-1252: "¹æÄ£").
Thresholds are shares of the page's visible characters, so one odd symbol
on a good page never sends it to OCR.
"""

from __future__ import annotations

import re

from extractor.ingest.layout import PageLayout

GARBAGE_SHARE = 0.2
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PRIVATE = re.compile(r"[\ue000-\uf8ff\ufffd\u0080-\u009f]")
_LATIN1_LETTER = re.compile(r"[\u00c0-\u00ff]")
_LETTER = re.compile(r"[^\W\d_]")


def page_text(page: PageLayout) -> str:
    return "".join([ln.text for ln in page.lines] + [c.text for part in page.tables for c in part.cells])


def unusable_reason(page: PageLayout) -> str | None:
    """Why the page's text layer cannot be used, or None when it can."""
    if not page.has_text:
        return "no text layer"
    text = "".join(page_text(page).split())
    visible = len(text) + page.unmapped
    if visible == 0:
        return "no text layer"
    if page.unmapped / visible > GARBAGE_SHARE:
        return f"{page.unmapped} of {visible} glyphs have no Unicode mapping"
    private = len(_PRIVATE.findall(text))
    if private / visible > GARBAGE_SHARE:
        return f"{private} of {visible} characters are private-use or replacement characters"
    letters = len(_LETTER.findall(text))
    cjk = len(_CJK.findall(text))
    latin1 = len(_LATIN1_LETTER.findall(text))
    if letters >= 20 and cjk < 0.1 * letters and latin1 > 0.3 * letters:
        return "text is mojibake (Chinese read as Latin-1)"
    return None
