"""How well `extractor.reconcile.linking.link` finds the form figure a claim restates.

    python -m eval.linking [--no-cache]

What it measures. For every claim of the five txt seeds (rule tagger) whose
measure is in `narrative.COMPARABLE` and whose value is numeric — exactly the
claims `narrative._linked` hands to `link` — the predicted candidate is compared
with the hand-made gold in `eval/links_gold.json`:

- a predicted link is correct when its candidate's `ref` equals the gold `ref`
  (or one of the gold's `alt` refs: the forms sometimes state one quantity
  twice, e.g. 项目支出 in the budget block, the 基础数据表 and a cost row);
- precision = correct / predicted links, recall = correct / gold non-null links;
- a gold claim the pipeline no longer produces stays in the recall denominator
  (listed as "gold claim not produced"); a claim with no gold entry is left out
  of both and listed as unjudged — re-judge it and add it to the gold.

`link` is called once with THRESHOLD patched to 0, which gives every claim its
best compatible candidate and similarity; each threshold of the table then only
filters (sim >= t), so the pipeline is not re-run per threshold. Extractions are
cached in /tmp (keyed by the fixture and the extractor sources); --no-cache
recomputes them.

How the gold was made. Claims and candidates were dumped with the rule tagger
and each claim was judged by reading the seed (tests/fixtures/*.txt): the link
is the candidate stating the same quantity of the same subject (the department
or its city, not a sub-unit, an industry or a project), of the same kind
(target/budget vs actual) and period, whether or not the figures agree (a
contradicted claim still links; eval/reconcile_gold.json's narrative items were
followed). Null where no candidate states the quantity; `in_forms` marks nulls
whose figure the forms do state but no candidate covers (002's 三公 and 固定资产
tables, the staffing rows), `why` explains the links and the tricky nulls.
Claims are keyed by seed, place (block, or table:row:col), offsets, metric and
value text, so a change in the tagger or the pairing shows up as unjudged claims.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
from collections import Counter
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLD = ROOT / "eval" / "links_gold.json"
CACHE = Path("/tmp/eval_linking_cache")
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(13)]  # 0.30 … 0.90


def claim_key(seed: str, claim) -> str:
    at = claim.at
    place = at.block if at.block else f"{at.table}:{at.row}:{at.col}"
    return f"{seed[:3]}|{place}|{at.start}-{at.end}|{claim.metric}|{claim.value.text}"


def _sources_hash(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    for p in sorted((ROOT / "extractor").rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def extraction(seed: str, use_cache: bool = True):
    from extractor.pipeline import extract

    path = FIXTURES / f"{seed}.txt"
    cached = CACHE / f"{seed}.{_sources_hash(path)}.pkl"
    if use_cache and cached.exists():
        return pickle.loads(cached.read_bytes())
    ex = extract(str(path), tagger="rules")
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(ex))
    return ex


def best_links(ex) -> list[tuple[object, object, float]]:
    """(claim, best compatible candidate or None, similarity) for the claims narrative links."""
    from extractor.reconcile import linking
    from extractor.reconcile.narrative import _linked

    # the pipeline's own linking (narrative._linked: link, then the subject guard for other tables' figures)
    with mock.patch.object(linking, "THRESHOLD", 0.0):
        return _linked(ex)


def _accepted(gold: dict) -> set[str]:
    return {gold["ref"], *gold.get("alt", [])} if gold.get("ref") else set()


def score(rows, threshold: float, strict: bool = False) -> dict:
    """rows: (gold item or None, predicted ref or None, sim). Unjudged rows are skipped."""
    predicted = correct = 0
    for gold, ref, sim in rows:
        if gold is None:
            continue
        pred = ref if ref is not None and sim >= threshold else None
        if pred is None:
            continue
        predicted += 1
        ok = pred == gold["ref"] if strict else pred in _accepted(gold)
        correct += ok
    gold_links = sum(1 for gold, _, _ in rows if gold is not None and gold.get("ref"))
    p = correct / predicted if predicted else 0.0
    r = correct / gold_links if gold_links else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"predicted": predicted, "correct": correct, "gold": gold_links, "p": p, "r": r, "f1": f}


def _snippet(sentence: str, n: int = 40) -> str:
    return sentence.replace("\n", " ")[:n]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-cache", action="store_true", help="re-extract the seeds instead of reading /tmp")
    args = ap.parse_args(argv)

    from extractor.reconcile import linking

    data = json.loads(GOLD.read_text(encoding="utf-8"))
    gold = {item["key"]: item for item in data["claims"]}
    seeds = sorted({item["seed"] for item in data["claims"]} | {p.stem for p in FIXTURES.glob("00[0-4]_*.txt")})

    rows = []  # (gold or None, predicted ref or None, sim, claim, cand, seed)
    seen = set()
    per_seed = Counter()
    for seed in seeds:
        for claim, cand, sim in best_links(extraction(seed, not args.no_cache)):
            key = claim_key(seed, claim)
            item = gold.get(key)
            seen.add(key)
            rows.append((item, cand.ref if cand else None, sim, claim, cand, seed))
            per_seed[(seed, "claims")] += 1
            per_seed[(seed, "judged")] += item is not None
    # gold claims the pipeline no longer produces: missed links, or nothing to predict
    lost = [item for key, item in gold.items() if key not in seen]
    rows += [(item, None, 0.0, None, None, item["seed"]) for item in lost]

    base = [(g, ref, sim) for g, ref, sim, *_ in rows]
    t0 = linking.THRESHOLD
    cur = score(base, t0)
    strict = score(base, t0, strict=True)

    print("## Linking against eval/links_gold.json (rule tagger, txt seeds)\n")
    print("| seed | claims | judged | gold links | predicted | correct |")
    print("|---|---|---|---|---|---|")
    for seed in seeds:
        mine = [(g, ref, sim) for g, ref, sim, _, _, s in rows if s == seed]
        sc = score(mine, t0)
        print(f"| {seed[:3]} | {per_seed[(seed, 'claims')]} | {per_seed[(seed, 'judged')]} | {sc['gold']} "
              f"| {sc['predicted']} | {sc['correct']} |")
    print(f"\nTHRESHOLD {t0}: precision {cur['correct']}/{cur['predicted']} = {cur['p']:.3f}, "
          f"recall {cur['correct']}/{cur['gold']} = {cur['r']:.3f}, F1 {cur['f1']:.3f} "
          f"(strict, primary ref only: P {strict['p']:.3f}, R {strict['r']:.3f})")

    print("\n| threshold | predicted | correct | P | R | F1 |")
    print("|---|---|---|---|---|---|")
    table = []
    for t in THRESHOLDS:
        sc = score(base, t)
        table.append((t, sc))
        mark = " ←" if abs(t - t0) < 1e-9 else ""
        print(f"| {t:.2f}{mark} | {sc['predicted']} | {sc['correct']} | {sc['p']:.3f} | {sc['r']:.3f} | {sc['f1']:.3f} |")
    best_f1 = max(sc["f1"] for _, sc in table)
    best = [t for t, sc in table if abs(sc["f1"] - best_f1) < 1e-9]
    bsc = dict(table)[best[0]]
    print(f"\nbest F1 {best_f1:.3f} at threshold {best[0]:.2f}"
          + (f"–{best[-1]:.2f}" if len(best) > 1 else "") + f" (P {bsc['p']:.3f}, R {bsc['r']:.3f})")

    wrong, missed = [], []
    for g, ref, sim, claim, cand, seed in rows:
        if g is None:
            continue
        pred = ref if ref is not None and sim >= t0 else None
        acc = _accepted(g)
        sentence = claim.sentence if claim is not None else g.get("sentence", "")
        what = f"{seed[:3]} {g['metric']}={g['value']} “{_snippet(sentence)}”"
        if pred is not None and pred not in acc:
            wrong.append(f"- {what}: predicted {pred} ({sim:.2f}), gold {g['ref']}")
        elif pred is None and acc:
            if claim is None:
                why = "gold claim not produced"
            elif ref is None:
                why = "no compatible candidate"
            elif ref in acc:
                why = f"right candidate below threshold ({sim:.2f})"
            else:
                why = f"best compatible {ref} ({sim:.2f})"
            missed.append(f"- {what}: gold {g['ref']}; {why}")
    print(f"\n### Wrong links at {t0} ({len(wrong)})\n")
    print("\n".join(wrong) or "none")
    print(f"\n### Missed links at {t0} ({len(missed)})\n")
    print("\n".join(missed) or "none")
    unjudged = [(seed, claim) for g, _, _, claim, _, seed in rows if g is None]
    if unjudged:
        print(f"\n### Unjudged claims ({len(unjudged)}: not in the gold, not scored)\n")
        for seed, claim in unjudged:
            print(f"- {claim_key(seed, claim)} “{_snippet(claim.sentence)}”")
    if lost:
        print(f"\n{len(lost)} gold claims were not produced by the pipeline "
              f"({sum(1 for i in lost if i.get('ref'))} of them gold links, counted as missed).")


if __name__ == "__main__":
    main()
