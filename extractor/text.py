"""Text normalisation shared by every backend, so one report reads alike in every format.

Decision (written down in README, "Text normalisation"): whitespace next to a
CJK character or full-width punctuation is layout, not content — PDF
extraction inserts it around digits ("达到 150 家") and wraps cells mid-word —
so it is removed; other whitespace runs collapse to one space.
"""

from __future__ import annotations

import re
import unicodedata

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’、，。；：！？（）《》【】—…·"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?=[{_CJK}])")
_WS = re.compile(r"[ \t\u00a0\u3000]+")
_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")


def _lookalike_table() -> dict[int, str]:
    """Kangxi radicals and compatibility ideographs that fonts and OCR put for
    ordinary characters (⼯ for 工): folded so the same word matches everywhere."""
    table: dict[int, str] = {}
    for lo, hi in ((0x2E80, 0x2FDF), (0xF900, 0xFAFF)):
        for cp in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(cp))
            if len(norm) == 1 and norm != chr(cp):
                table[cp] = norm
    return table


LOOKALIKES = _lookalike_table()


def fold_lookalikes(text: str) -> str:
    return text.translate(LOOKALIKES)


def is_cjk(ch: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", ch))


def clean_line(text: str) -> str:
    """One line of text: drop Word bookmark debris, layout spaces near CJK, collapse the rest."""
    text = fold_lookalikes(_BOOKMARK.sub("", text))
    text = _SPACE_NEAR_CJK.sub("", text)
    return _WS.sub(" ", text).strip()


def clean_cell_text(text: str) -> str:
    """A table cell: wrapped lines joined without spurious spaces between Chinese characters."""
    lines = [clean_line(line) for line in text.replace("\r", "\n").split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
            out += " "
        out += line
    return out


def non_space(text: str) -> int:
    """How many characters of `text` are not whitespace: what OCR gives one confidence each."""
    return sum(1 for ch in text if not ch.isspace())


def squash(text: str) -> str:
    """All whitespace removed: for matching headers and labels, never for output."""
    return re.sub(r"\s+", "", _BOOKMARK.sub("", text))
