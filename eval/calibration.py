"""How far a span's score can be read as the chance that the span is right.

A span is right when start, end and label all match a gold span (strict, as
the F1). Spans are put in ten equal-width score bins; the reliability diagram
prints, per bin, the mean score beside the share of right spans; the expected
calibration error (ECE) is the span-weighted mean gap between the two.
"""

from __future__ import annotations

BINS = 10


def outcomes(examples, predictions) -> list[tuple[float, bool]]:
    """(score, right) for every predicted span."""
    out = []
    for ex, spans in zip(examples, predictions):
        gold = {(e.start, e.end, e.label) for e in ex.entities}
        out += [(sp.score, (sp.start, sp.end, sp.label) in gold) for sp in spans]
    return out


def _bins(pairs):
    rows = [[0, 0.0, 0] for _ in range(BINS)]  # spans, sum of scores, right
    for score, right in pairs:
        b = min(int(score * BINS), BINS - 1)
        rows[b][0] += 1
        rows[b][1] += score
        rows[b][2] += right
    return rows


def ece(pairs) -> float:
    n = len(pairs)
    return sum(abs(s - r) for k, s, r in _bins(pairs) if k) / n if n else 0.0


def reliability(pairs, width: int = 30) -> str:
    """Markdown table: per score bin the spans, mean score, share right, and both as bars (`#` right, `|` score)."""
    lines = ["| score bin | spans | mean score | right | diagram |", "|---|---|---|---|---|"]
    for b, (k, s, r) in enumerate(_bins(pairs)):
        if not k:
            continue
        conf, acc = s / k, r / k
        bar = ["#" if i < round(acc * width) else "." for i in range(width)]
        mark = min(round(conf * width), width) - 1
        if mark >= 0:
            bar[mark] = "|"
        lines.append(f"| {b / BINS:.1f}–{(b + 1) / BINS:.1f} | {k} | {conf:.3f} | {acc:.3f} | `{''.join(bar)}` |")
    return "\n".join(lines)
