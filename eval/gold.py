"""Compare an extraction with a hand-made gold file (tests/gold/<seed>.json).

Field accuracy = matched gold leaves / gold leaves. Leaves are: department,
year, every funds field (by_source/by_type per key), every field of every
indicator (by position), totals weight/score and each level1's cap/weight/score.
Quantities compare by their `text`; numbers compare exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

from extractor.schema import Extraction


def flatten_extraction(ex: Extraction) -> dict:
    """The extraction in the gold's shape."""
    funds = None
    if ex.funds is not None:
        f = ex.funds
        funds = {
            "initial_budget": f.initial_budget, "annual_budget": f.annual_budget, "executed": f.executed,
            "execution_rate": f.execution_rate.text if f.execution_rate else None,
            "weight": f.weight, "score": f.score, "by_source": f.by_source, "by_type": f.by_type,
            "unit": f.unit, "income_total": f.income_total,
        }
    indicators = []
    for ind in ex.indicators:
        row = {
            "level1": ind.level1, "level2": ind.level2, "name": ind.name,
            "target": ind.target.text if ind.target else None,
            "actual": ind.actual.text if ind.actual else None,
            "weight": ind.weight, "score": ind.score, "note": ind.note,
        }
        if ind.criteria is not None:
            row["criteria"] = ind.criteria
        indicators.append(row)
    totals = None
    if ex.totals is not None:
        totals = {
            "weight": ex.totals.weight, "score": ex.totals.score,
            "by_level1": {k: {"cap": v.cap, "weight": v.weight, "score": v.score} for k, v in ex.totals.by_level1.items()},
        }
    return {"department": ex.department, "supervising_department": ex.supervising_department, "year": ex.year,
            "forms": [{"family": f.family} for f in ex.forms],
            "funds": funds, "indicators": indicators, "totals": totals}


def leaves(obj, prefix="") -> dict[str, object]:
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(leaves(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.update(leaves(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = obj
    return out


def compare(gold: dict, got: dict) -> tuple[int, int, list[str]]:
    """(matched, total, differences) over the gold's leaves."""
    g, x = leaves(gold), leaves(got)
    diffs = []
    matched = 0
    for key, want in g.items():
        have = x.get(key)
        if _same(want, have):
            matched += 1
        else:
            diffs.append(f"{key}: gold={want!r} got={have!r}")
    extra = len(got.get("indicators") or []) - len(gold.get("indicators") or [])
    if extra > 0:
        diffs.append(f"{extra} indicator rows beyond the gold")
    return matched, len(g), diffs


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    return a == b


def load_gold(path: Path) -> dict:
    """The gold without its `notes` and `planted_rules` (the planted inconsistencies and the rules that
    should report them: tests/layouts/README.md)."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    gold.pop("notes", None)
    gold.pop("planted_rules", None)
    return gold
