"""Tagged spans -> claims: each figure paired with the metric it measures.

Pairing, within one sentence:
- `A、B分别增长x、y` (分别/均/双双 lists): metrics and figures aligned by order;
- otherwise a figure belongs to the nearest METRIC before it in its clause,
  else to the last METRIC earlier in the sentence (one metric, several figures:
  `工业投资198亿元，同比增长11%`), else to a METRIC right after it
  (`招收3284名在校生`); a figure with no metric at all keeps metric None.
Kind comes from the label (TARGET -> target, VALUE -> actual); the measure
(growth, share, count, amount, score, level) and the direction (下降 makes a
change negative) from the figure's unit and the words just before it; the
period from a year or month range in the sentence. Nothing is compared here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import At
from extractor.quantity import COUNT_UNITS, parse_quantity
from extractor.schema import Claim

_CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_LIST_WORDS = ("分别", "均", "双双")
_DOWN = re.compile(r"(下降|减少|降低|回落|下滑|压减|缩减|节约)[了]?$")
_GROWTH = re.compile(r"(增长|增速|增幅|同比|环比|提高|上升|下降|减少|降低|回落|增加)")
_SHARE = re.compile(r"(占|比重|比例|率|覆盖率)")
_PERIOD = re.compile(r"(20\d{2})\s*年(?:\s*(\d{1,2})\s*[-—～~至到]\s*(\d{1,2})\s*月)?")
# counted things, and the physical units the claims have always measured as counts (亩, 吨, 公里 …)
_COUNT_UNITS = COUNT_UNITS + ("亩", "吨", "平方米", "公里", "千米")
_MONEY_UNITS = ("元", "万元", "亿元", "亿", "万", "千元", "万亿元")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    label: str
    score: float


_NOT_REACHED = re.compile(r"(未达到|未能达到|没有达到|没能达到|达不到|未达)\s*$")


def build_claims(text: str, spans, at: At | None = None) -> list[Claim]:
    """Claims of one text block; `at` is the block's provenance (offsets are added per claim)."""
    items = sorted((_Span(s.start, s.end, s.label, getattr(s, "score", 1.0)) for s in spans), key=lambda s: s.start)
    claims: list[Claim] = []
    for s_start, s_end in _sentences(text):
        inside = [sp for sp in items if sp.start >= s_start and sp.end <= s_end]
        metrics = [sp for sp in inside if sp.label == "METRIC"]
        figures = [sp for sp in inside if sp.label != "METRIC"]
        pairs = _pair(text, metrics, figures)
        sentence = text[s_start:s_end].strip()
        period = _period(text[s_start:s_end])
        for fig, metric in pairs:
            value = parse_quantity(text[fig.start : fig.end])
            before = text[max(s_start, fig.start - 8) : fig.start]
            if value.comparator is None and value.value is not None and _NOT_REACHED.search(before):
                # 资金拨付及时率未达到100%: a level not reached, whether or not the span took the words in
                value = value.model_copy(update={"comparator": "<"})
            claim_at = (at.model_copy() if at else At())
            claim_at.start, claim_at.end = fig.start, fig.end
            claims.append(
                Claim(
                    metric=text[metric.start : metric.end] if metric else None,
                    kind="target" if fig.label == "TARGET" else "actual",
                    value=value,
                    sentence=sentence,
                    at=claim_at,
                    confidence=round(min(fig.score, metric.score) if metric else fig.score, 4),
                    measure=_measure(value.unit, before, text[metric.start : metric.end] if metric else ""),
                    direction=-1 if _DOWN.search(before.rstrip()) else 1,
                    period=period,
                    metric_at=[metric.start, metric.end] if metric else None,
                )
            )
    _share_list_units(text, claims)
    return claims


def _share_list_units(text: str, claims: list[Claim]) -> None:
    """`5.5 、10.8个百分点`: the unit written once, on the last item, belongs to every item."""
    for i in range(len(claims) - 2, -1, -1):
        cur, nxt = claims[i], claims[i + 1]
        if cur.value.unit is None and cur.value.value is not None and nxt.value.unit:
            gap = text[cur.at.end : nxt.at.start]
            if re.fullmatch(r"\s*[、和及]\s*", gap):
                cur.value = cur.value.model_copy(update={"unit": nxt.value.unit})
                cur.measure = nxt.measure


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _pair(text: str, metrics: list[_Span], figures: list[_Span]) -> list[tuple[_Span, _Span | None]]:
    pairs: dict[_Span, _Span | None] = {}
    # 分别 lists: k metrics, then a list word, then k figures of the same clause run
    for word in _LIST_WORDS:
        for m in re.finditer(word, text):
            before = [mt for mt in metrics if mt.end <= m.start() and not _clause_break(text, mt.end, m.start(), allow_list=True)]
            after = [f for f in figures if f.start >= m.end() and f not in pairs]
            if not before or not after:
                continue
            group = _trailing_list(text, before)
            run = _leading_run(text, after, len(group))
            if len(group) >= 2 and len(run) >= len(group):
                for i, fig in enumerate(run):
                    pairs[fig] = group[i % len(group)]  # a second 分别 run (5.5、10.8个百分点) re-aligns
    for fig in figures:
        if fig in pairs:
            continue
        same_clause = [mt for mt in metrics if mt.end <= fig.start and not _clause_break(text, mt.end, fig.start)]
        earlier = [mt for mt in metrics if mt.end <= fig.start]
        later = [mt for mt in metrics if mt.start >= fig.end and not _clause_break(text, fig.end, mt.start)]
        if same_clause:
            pairs[fig] = same_clause[-1]
        elif later:
            pairs[fig] = later[0]
        elif earlier:
            pairs[fig] = earlier[-1]
        else:
            pairs[fig] = None
    return sorted(pairs.items(), key=lambda kv: kv[0].start)


def _clause_break(text: str, a: int, b: int, allow_list: bool = False) -> bool:
    between = text[a:b]
    if allow_list:
        between = between.replace("、", "")
    return bool(_CLAUSE_END.search(between))


def _trailing_list(text: str, metrics: list[_Span]) -> list[_Span]:
    """The metrics joined by 、/和/及 that end right before the list word."""
    group = [metrics[-1]]
    for mt in reversed(metrics[:-1]):
        gap = text[mt.end : group[0].start]
        if re.fullmatch(r"\s*(、|和|及|与|以及|，)\s*", gap):
            group.insert(0, mt)
        else:
            break
    return group


def _leading_run(text: str, figures: list[_Span], k: int) -> list[_Span]:
    """Figures separated only by 、 or short linking words, from the first one on."""
    run = [figures[0]]
    for fig in figures[1:]:
        gap = text[run[-1].end : fig.start]
        if len(gap) <= 12 and not re.search(r"[；;。]", gap):
            run.append(fig)
        else:
            break
    return run


_CHANGE = re.compile(r"(增加|减少|下降|增长|节约|压减|降低|超支|超出|追加|调减|调增|多|少)了?$")


def _measure(unit: str | None, before: str, metric: str) -> str:
    if unit == "个百分点" or unit == "百分点":
        return "difference"
    if unit in _MONEY_UNITS + _COUNT_UNITS and _CHANGE.search(before.rstrip()):
        return "change"  # 较预算减少5.59万元: a change, never to be compared with a level
    if unit in ("%", "‰"):
        if _GROWTH.search(before) or re.search(r"(增速|增长率|增幅)$", metric):
            return "growth"
        return "share"
    if unit in _MONEY_UNITS:
        return "amount"
    if unit == "分":
        return "score"
    if unit in _COUNT_UNITS:
        return "count"
    return "level"


def _period(sentence: str) -> str | None:
    m = _PERIOD.search(sentence)
    if not m:
        return None
    return f"{m[1]}年{m[2]}-{m[3]}月" if m[2] else f"{m[1]}年"
