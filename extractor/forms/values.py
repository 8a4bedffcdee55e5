"""Plain numbers in form cells (amounts, weights, scores)."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def points(text: str | None) -> float | None:
    """A 分值/得分 cell: a number, possibly written with its 分 (`96.64分`)."""
    if not text:
        return None
    return number(re.sub(r"\s*分$", "", text.strip()))


def number(text: str | None) -> float | None:
    """A cell holding one plain number (thousands separators allowed), else None."""
    if not text:
        return None
    s = re.sub(r"\s+", "", text).replace(",", "").replace("，", "").rstrip("万元")
    if not _NUMBER.match(s):
        return None
    value = float(s)
    return int(value) if value.is_integer() and "." not in s else value
