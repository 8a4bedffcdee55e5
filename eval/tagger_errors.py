"""What kind of mistake each tagger makes: boundary, label, missed, spurious; by label and by genre.

Every gold span is put in one class by the predicted spans that overlap it:
`correct` (same start, end and label), `label` (same start and end, another
label), `boundary` (overlaps a prediction of its label, other offsets),
`label+boundary` (overlaps only predictions of another label) or `missed`
(no prediction overlaps it). A prediction that overlaps no gold span is
`spurious`. This is the usual NER error taxonomy (as in MUC and nervaluate):
strict F1 counts a boundary error twice (a missed gold and a spurious
prediction), this table counts it once, where it comes from.

Genres are guessed from each passage's text by the keyword rules of `genre`,
which look only at shape words (table separators, form headers, report-type
words), so a passage of any department falls into one of them.
"""

from __future__ import annotations

import re
from collections import Counter

CLASSES = ("correct", "label", "boundary", "label+boundary", "missed", "spurious")

GENRES = ("form rows", "budget/accounts", "self-evaluation", "goals/plans", "statistics/economy", "other")

_TABLE = re.compile(r"\||\t| {2,}\S+ {2,}|年度指标值|实际完成值|全年预算数|全年执行数|指标值|计算符号"
                    r"|指标\s*\d|(?:数量|质量|时效|成本|效益|满意度)指标\s*\n|[≥≤＞＜>]\s*\d[\d.]*%?\s+\d")
_BUDGET = re.compile(r"决算|预算|三公|财政拨款|结转|结余|机关运行经费|政府采购|支出总")
_SELF_EVAL = re.compile(r"绩效|自评|资金|补助|项目")
_GOAL = re.compile(r"目标|预期|力争|计划|确保|将|争取")
_STATS = re.compile(r"同比|比上年|增长|下降|增加值|产值|零售总额|GDP|生产总值|居民人均")


def genre(text: str) -> str:
    """One of GENRES, from shape words of the passage (first rule that fires)."""
    if _TABLE.search(text):
        return "form rows"
    if len(_BUDGET.findall(text)) >= 2:
        return "budget/accounts"
    if _SELF_EVAL.search(text) and not _STATS.search(text):
        return "self-evaluation"
    if _GOAL.search(text):
        return "goals/plans"
    if _STATS.search(text):
        return "statistics/economy"
    return "other"


def classify(gold, predicted) -> list[tuple[str, str]]:
    """(class, label) for every gold span and every spurious prediction; label is gold's, or the prediction's."""
    gold = [(g.start, g.end, g.label) for g in gold]
    pred = [(p.start, p.end, p.label) for p in predicted]
    used: set[int] = set()
    out = []
    for gs, ge, gl in gold:
        hits = [k for k, (ps, pe, _) in enumerate(pred) if ps < ge and gs < pe]
        used.update(hits)
        same = [pred[k] for k in hits]
        if (gs, ge, gl) in same:
            out.append(("correct", gl))
        elif any((ps, pe) == (gs, ge) for ps, pe, _ in same):
            out.append(("label", gl))
        elif any(pl == gl for _, _, pl in same):
            out.append(("boundary", gl))
        elif same:
            out.append(("label+boundary", gl))
        else:
            out.append(("missed", gl))
    out += [("spurious", pred[k][2]) for k in range(len(pred)) if k not in used]
    return out


def error_table(examples, predictions) -> str:
    """Markdown: rows = labels then genres, columns = CLASSES (counts)."""
    by_label: dict[str, Counter] = {lab: Counter() for lab in ("METRIC", "VALUE", "TARGET")}
    by_genre: dict[str, Counter] = {g: Counter() for g in GENRES}
    passages: Counter = Counter()
    for ex, pred in zip(examples, predictions):
        g = genre(ex.text)
        passages[g] += 1
        for cls, lab in classify(ex.entities, pred):
            by_label[lab][cls] += 1
            by_genre[g][cls] += 1
    head = "| | passages | " + " | ".join(CLASSES) + " | errors |\n|---|" + "---|" * (len(CLASSES) + 2)
    rows = [head]
    for name, counts, n in [(lab, c, "") for lab, c in by_label.items()] + [
        (g, c, passages[g]) for g, c in by_genre.items() if passages[g]
    ]:
        errors = sum(counts[c] for c in CLASSES if c != "correct")
        rows.append(f"| {name} | {n} | " + " | ".join(str(counts[c]) for c in CLASSES) + f" | {errors} |")
    return "\n".join(rows)
