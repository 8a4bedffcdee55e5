"""Findings: rules that check a report's figures against each other.

`reconcile(extraction)` runs every registered rule (see `core.rule`) and
returns their findings numbered f1, f2 … in a stable order: rules in
registration order (funds, scores, basic_data, narrative, relations, figures), each rule's findings in the
order it makes them. Without `all_verdicts` only problems are returned
(verdict `contradicted`, or severity warning/error such as an actual that
is not a measurement); `supported` findings and `info` remarks that a
figure could not be checked are written with `all_verdicts=True`. A rule that raises never stops the run: it
becomes an `info` finding naming the rule.

Rules compare figures the forms reader extracted (funds, indicators, totals,
basic_data), the claims, and the fact table with its relations
(extractor.facts, extractor.relations); they never parse text or tables. Tolerance follows displayed
precision (`tolerance`).
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.reconcile import basic_data as _basic_data  # noqa: F401  (registers rules)
from extractor.reconcile import funds as _funds  # noqa: F401
from extractor.reconcile import narrative as _narrative  # noqa: F401
from extractor.reconcile import relations as _relations  # noqa: F401
from extractor.reconcile import scores as _scores  # noqa: F401
from extractor.reconcile import tables as _tables  # noqa: F401
from extractor.reconcile.core import RULES, rule
from extractor.reconcile.ocr import annotate as annotate_ocr
from extractor.schema import Extraction, Finding

__all__ = ["RULES", "reconcile", "rule"]

# Report order: money first, then scores, then the basic-data table.
_ORDER = ("funds.", "scores.", "basic_data.", "narrative.", "relations.", "figures.", "tables.")


def _ordered(names: Iterable[str]) -> list[str]:
    names = list(names)

    def key(n: str) -> tuple[int, int]:
        group = next((i for i, p in enumerate(_ORDER) if n.startswith(p)), len(_ORDER))
        return group, names.index(n)

    return sorted(names, key=key)


def _is_problem(f: Finding) -> bool:
    """What is reported by default: contradictions, and anything of warning or error severity."""
    return f.verdict == "contradicted" or f.severity in ("warning", "error")


# rules on one form's own figures: a file of several forms (a department's projects) has them checked form by form
_PER_FORM = ("funds.", "scores.")


def form_views(extraction: Extraction) -> list[tuple[str, Extraction]]:
    """(message prefix, the extraction seen as one form) for each form of a file with several forms."""
    if len(extraction.forms) < 2:
        return [("", extraction)]
    views = []
    for k, form in enumerate(extraction.forms):
        rows = [i for i in extraction.indicators if i.form_index == k]
        if form.funds is None and form.totals is None and not rows:
            continue
        name = form.project or form.title or f"第{k + 1}张表"
        views.append((f"【{name}】", extraction.model_copy(update={"funds": form.funds, "totals": form.totals, "indicators": rows})))
    return views or [("", extraction)]


def reconcile(extraction: Extraction, all_verdicts: bool = False, rules: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of every registered rule (or of `rules` only), numbered f1, f2 …"""
    selected = _ordered(RULES) if rules is None else [r for r in _ordered(RULES) if r in set(rules)]
    out: list[Finding] = []
    forms = form_views(extraction)
    for name in selected:
        fn = RULES[name]
        for prefix, ex in forms if name.startswith(_PER_FORM) else [("", extraction)]:
            try:
                found = list(fn(ex) or ())
            except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others
                out.append(Finding(
                    id="", rule=name, severity="info", verdict="unverifiable",
                    message=f"规则{name}运行出错，未能检查：{type(exc).__name__}: {exc}",
                ))
                continue
            for f in found:
                if not all_verdicts and not _is_problem(f):
                    continue
                out.append(f.model_copy(update={"rule": f.rule or name, "message": prefix + f.message}))
    out = annotate_ocr(out)
    return [f.model_copy(update={"id": f"f{i}"}) for i, f in enumerate(out, 1)]
