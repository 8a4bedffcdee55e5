"""When two figures agree: tolerance follows the precision the report displays.

A figure written with d decimals stands for every number that rounds to it, so
it is compared with half a unit of its last decimal place (plus float epsilon):

    written `100%` (d=0) vs computed 100.31%   -> |0.31| <= 0.5    -> agree
    written `1786.77` (d=2) vs computed 1786.81 -> |0.04| >  0.005  -> differ

A sum of amounts is compared with its written total at the precision of the
TOTAL: the parts are entered, not computed, so `735` is exactly 735 and `0`
exactly 0, while the total may be a rounded display of their sum. So
`539.43 + 1247.38` vs `1786.77` may differ by 0.005 at most, and so may
`735 + 90.40 + 6341.72` vs `7167.12`. (Holding a sum to its least precise
part let a written `0` hide an error of 0.05 — found by the perturbation
benchmark, eval/reconcile.py.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

EPS = 1e-9
# thousands separators belong to the number: 5,418.36 shows two decimals, not none
_NUMERAL = re.compile(r"(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:[.．](\d*))?")


def decimals(written: str | float | int | None) -> int:
    """Decimal places as displayed: `90.40` -> 2, `100%` -> 0, `46.%` -> 0.

    For a bare float (the text is not known) the shortest repr is used, so
    `752.0` -> 0 and `1786.77` -> 2: a lower bound on what was written.
    """
    if written is None:
        return 0
    if isinstance(written, bool):
        return 0
    if isinstance(written, int):
        return 0
    if isinstance(written, float):
        if not math.isfinite(written) or written.is_integer():
            return 0
        r = repr(written)
        if "e" in r or "E" in r:
            return 0
        return len(r.split(".", 1)[1])
    m = _NUMERAL.search(str(written).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    if not m or m.group(1) is None:
        return 0
    return len(m.group(1))


def half_unit(d: int) -> float:
    """Half a unit of the d-th decimal place: d=0 -> 0.5, d=2 -> 0.005."""
    return 0.5 * 10.0 ** (-d)


def _eps(*values: float) -> float:
    return EPS * max([1.0] + [abs(v) for v in values])


def agrees(written: float, d: int, computed: float) -> bool:
    """Does a figure written with d decimals stand for `computed`?"""
    return abs(computed - written) <= half_unit(d) + _eps(written, computed)


def sum_agrees(total: float, total_decimals: int, parts: Iterable[tuple[float, int]]) -> bool:
    """Σ parts (entered exactly) vs a written total, at the total's displayed precision."""
    parts = list(parts)
    d = total_decimals
    s = math.fsum(v for v, _ in parts)
    return abs(s - total) <= half_unit(d) + _eps(total, s)


def sum_decimals(parts: Iterable[tuple[float, int]]) -> int:
    """How many decimals to display a computed sum with: the most precise operand's."""
    return max([0] + [d for _, d in parts])


def fmt(value: float, d: int) -> str:
    """A number at d decimals, as a report would print it (no exponent, no -0)."""
    if d <= 0:
        s = f"{value:.0f}"
    else:
        s = f"{value:.{d}f}"
    return "0" if s in ("-0", "-0.0", "-0.00") else s


def fmt_pct(value: float) -> str:
    """A computed rate: one decimal, two where one would hide a difference (100.31%)."""
    one = round(value, 1)
    if abs(value - one) > 0.005 + _eps(value):
        return f"{value:.2f}%"
    return f"{value:.1f}%"


def fmt_plain(value: float) -> str:
    """A score or weight: no trailing zeros (5.0 -> 5, 0.5 -> 0.5)."""
    s = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s
