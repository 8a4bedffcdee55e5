"""Findings on figures read by OCR: carry the reading confidence, and tell a misread from a report error.

A contradiction whose two figures differ by one character (a digit read for
another, a ≥ read as 2, a lost decimal point) and whose evidence includes a
figure read with less than `SURE` confidence (and not read the same with
confidence in another cell of the evidence) is most likely the scanner's
and the OCR's doing, not the report's: it is marked `cause: misread`,
lowered to a warning, and its message says so. Any other contradiction on
OCR-read evidence is `cause: report`, with the confidence stated, since the
arithmetic of the form then points at the report itself.

A rule that can test a misread itself, reading the figure the way the
recogniser most often gets it wrong (`comparator_misread`: ≥ read as 2) and
checking the form's own arithmetic on that reading, sets `cause` before this
pass; such a finding keeps its cause and message here.
"""

from __future__ import annotations

from extractor.schema import Finding

SURE = 0.97  # a figure read at this confidence or above is taken as read
WEAK = 0.85  # below this the message asks for a check against the original


def one_char_apart(a: str, b: str) -> bool:
    """True when `b` is `a` with one character changed, added or removed."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def comparator_misread(text: str, confidence: float | None) -> str | None:
    """The cell as it probably reads when the recogniser took a thin `≥` for a `2`, else None.

    `≥7%` scanned at 150 dpi comes out as `27%` (the lower bar of ≥ is lost or
    joined to the chevron). Only a cell read below `SURE` and starting with a 2
    followed by another digit qualifies: `27%` -> `≥7%`.
    """
    t = (text or "").strip()
    if confidence is None or confidence >= SURE or len(t) < 2 or t[0] != "2" or not t[1].isdigit():
        return None
    return "≥" + t[1:]


def _has_digit(s: str) -> bool:
    return any(ch.isdigit() for ch in s)


def _bare(s: str | None) -> str:
    return "".join(ch for ch in (s or "") if ch.isdigit() or ch in ".≥≤><%")


def _unconfirmed_confidence(f: Finding) -> float:
    """The lowest reading confidence of the finding's figures, each at the best of its readings.

    Only figures count: a table cell (it holds a figure or two, so its
    confidence is the figure's) and a claim's span in a paragraph (its own
    characters' confidence, `narrative.narrative_claims`). A whole paragraph's
    confidence is its weakest line's, whatever figure a claim took from it
    (003's 50分 sits in a paragraph with a line read at 0.965), so it does not.
    A figure that another cell of the same evidence reads identically and with
    confidence (全年预算数 1786.77 at 0.92 beside 全年执行数 1786.77 at 0.997) is
    not the one-character misread that explains the finding: a misread would
    have to make the same wrong string twice. Wrongly confirming keeps a
    misread at its rule's severity, which the auditor checks; wrongly doubting
    would lower a real error, which the auditor may skip.
    """
    best: dict[str, float] = {}
    for e in f.evidence:
        if e.at and e.at.confidence is not None and (e.at.table is not None or e.at.start is not None):
            key = _bare(e.text) or (e.text or "").strip()
            best[key] = max(best.get(key, 0.0), e.at.confidence)
    return min(best.values(), default=1.0)


def annotate(findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        confs = [e.at.confidence for e in f.evidence if e.at and e.at.confidence is not None]
        if not confs:
            out.append(f)
            continue
        low = round(min(confs), 4)
        update: dict = {"confidence": low}
        # a finding whose rule already tested a misread (comparator_misread) keeps its cause and message
        if f.cause is None and f.verdict == "contradicted":
            a, b = _bare(f.expected), _bare(f.found)
            doubt = _unconfirmed_confidence(f)
            # both sides must be figures: `偏差原因说明` against `扣2分，无说明` is not a digit misread
            misread = doubt < SURE and _has_digit(a) and _has_digit(b) and one_char_apart(a, b)
            if misread:
                update["cause"] = "misread"
                update["severity"] = "warning" if f.severity == "error" else f.severity
                update["message"] = (f"{f.message}（OCR识读置信度{doubt:.2f}，两数仅差一个字符，"
                                     "疑为扫描识读错误而非报表错误，请核对原件）")
            else:
                update["cause"] = "report"
                if low < WEAK:
                    update["message"] = f"{f.message}（OCR识读置信度{low:.2f}，请核对原件）"
        out.append(f.model_copy(update=update))
    return out
