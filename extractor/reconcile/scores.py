"""Rules on the indicator rows and the 总分 row: caps, weights, scores, deductions,
targets against actuals, and self-scores against the form's own 评分标准."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from extractor.document import At
from extractor.quantity import parse_quantity
from extractor.reconcile import criteria as crit_mod
from extractor.reconcile.core import (
    Figure, basic_figure, basic_rows, figure, finding, funds_figure, indicator_figure, indicator_label,
    note_cell_label, rule,
)
from extractor.reconcile.ocr import comparator_misread
from extractor.reconcile.tolerance import agrees, decimals, fmt_pct, fmt_plain, half_unit
from extractor.schema import Evidence, Extraction, Finding, Indicator

_P = fmt_plain


# ---------------------------------------------------------------------------
# Scored rows, with 分值 merged over several rows
# ---------------------------------------------------------------------------


@dataclass
class Group:
    """A 分值 and the rows it covers: one row, or a merged 分值 (经济/社会/生态效益 15)."""

    head: Indicator
    members: list[Indicator] = field(default_factory=list)

    @property
    def weight(self) -> float | None:
        return self.head.weight

    @property
    def score(self) -> float | None:
        scores = [m.score for m in self.members if m.score is not None]
        return math.fsum(scores) if scores else None

    def label(self) -> str:
        extra = f"等{len(self.members)}项（合用一个分值）" if len(self.members) > 1 else ""
        return indicator_label(self.head) + extra


def scored_groups(indicators: list[Indicator]) -> list[Group]:
    """Rows with a 分值, each with the following rows of the same level that carry a 得分 but no 分值."""
    groups: list[Group] = []
    current: Group | None = None
    for ind in indicators:
        if ind.weight is not None:
            current = Group(ind, [ind])
            groups.append(current)
        elif (
            ind.score is not None and current is not None
            and (ind.form, ind.level1, ind.level2) == (current.head.form, current.head.level1, current.head.level2)
        ):
            current.members.append(ind)
        else:
            current = None
    return groups


def _points_agree(written: float, computed: float, *ds: int) -> bool:
    """Points are assigned, not measured: compare at the finest precision shown."""
    return agrees(written, max(ds) if ds else 0, computed)


def _level_evidence(ex: Extraction, level1: str, level2: str | None = None) -> list[Evidence]:
    rows = [i for i in ex.indicators if i.level1 == level1 and (level2 is None or i.level2 == level2)]
    ev: list[Evidence] = []
    key = "level2" if level2 else "level1"
    if rows and key in rows[0].cells:
        ev.append(Evidence(text=level2 or level1, at=rows[0].cells[key]))
    return ev


# ---------------------------------------------------------------------------
# Caps, weights, totals
# ---------------------------------------------------------------------------


@rule("scores.level_cap")
def level_cap(ex: Extraction) -> Iterator[Finding]:
    """Σ 分值 under a 一级/二级指标 = its (N分); Σ 得分 not above it."""
    if ex.totals is None:
        return
    last = list(ex.totals.by_level1)[-1] if ex.totals.by_level1 else None
    for name1, t1 in ex.totals.by_level1.items():
        if ex.totals.cut_off and name1 == last:
            # the form stops mid-way (no 总分 row at the end of the file): its last level lacks the rows cut off
            yield finding("info", "unverifiable", f"一级指标“{name1}”位于表格末尾且表格没有总分行（文件可能不完整），未核对其分值合计",
                          expected=_P(t1.cap) if t1.cap is not None else None, found=_P(t1.weight) if t1.weight is not None else None,
                          evidence=_level_evidence(ex, name1))
            continue
        levels = [(f"一级指标“{name1}”", t1, name1, None)]
        levels += [(f"二级指标“{name1}/{n2}”", t2, name1, n2) for n2, t2 in t1.by_level2.items()]
        for label, t, l1, l2 in levels:
            if t.cap is None or t.weight is None:
                continue
            rows = [i for i in ex.indicators if i.level1 == l1 and (l2 is None or i.level2 == l2) and i.weight is not None]
            ds = [decimals(t.cap), decimals(t.weight)] + [decimals(i.weight) for i in rows]
            ev = _level_evidence(ex, l1, l2)
            if not _points_agree(t.cap, t.weight, *ds):
                ev += [indicator_figure(ex, i, "weight").evidence() for i in rows]
                yield finding("error", "contradicted",
                              f"{label}标注{_P(t.cap)}分，但其下各指标分值合计为{_P(t.weight)}分",
                              expected=_P(t.cap), found=_P(t.weight), evidence=ev)
            elif t.score is not None and t.score > t.cap + 1e-9:
                yield finding("error", "contradicted",
                              f"{label}标注{_P(t.cap)}分，但其下各指标得分合计为{_P(t.score)}分，超过该级分值",
                              expected=f"≤{_P(t.cap)}", found=_P(t.score), evidence=ev)
            else:
                yield finding("info", "supported", f"{label}标注{_P(t.cap)}分，其下各指标分值合计{_P(t.weight)}分，一致",
                              expected=_P(t.cap), found=_P(t.weight), evidence=ev)


@rule("scores.over_weight")
def over_weight(ex: Extraction) -> Iterator[Finding]:
    """得分 above 分值, row by row (a merged 分值 against the sum of its rows' 得分)."""
    for g in scored_groups(ex.indicators):
        if g.weight is None or g.score is None:
            continue
        if g.score > g.weight + 1e-9:
            ev = [indicator_figure(ex, m, "score").evidence() for m in g.members if m.score is not None]
            ev.append(indicator_figure(ex, g.head, "weight").evidence())
            yield finding("error", "contradicted", f"{g.label()}得分{_P(g.score)}分，超过分值{_P(g.weight)}分",
                          expected=f"≤{_P(g.weight)}", found=_P(g.score), evidence=ev)
    f = ex.funds
    if f is not None and f.weight is not None and f.score is not None and f.score > f.weight + 1e-9:
        w, s = funds_figure(ex, "weight"), funds_figure(ex, "score")
        yield finding("error", "contradicted", f"预算执行得分{s.text}分，超过分值{w.text}分",
                      expected=f"≤{w.text}", found=s.text, evidence=[s.evidence(), w.evidence()])


def _total_rule(ex: Extraction, attr: str, what: str) -> Iterator[Finding]:
    t = ex.totals
    if t is None or getattr(t, attr) is None or not t.by_level1:
        return
    parts = [(n, getattr(l1, attr)) for n, l1 in t.by_level1.items() if getattr(l1, attr) is not None]
    if not parts:
        return
    total = figure(ex, getattr(t, attr), f"总分{what}", t.cells.get(attr))
    rows = math.fsum(v for _, v in parts)
    fund = funds_figure(ex, attr)
    expected = rows + (fund.value if fund else 0.0)
    ev = [total.evidence()]
    if fund:
        ev.append(fund.evidence())
    detail = "+".join(f"{n}{_P(v)}" for n, v in parts)
    formula = f"各一级指标{what}（{detail}）" + (f"加预算执行率{what}{fund.text}" if fund else "")
    if agrees(total.value, total.decimals, expected):
        yield finding("info", "supported", f"总分行{what}{total.text}，与{formula}合计{_P(expected)}一致",
                      expected=_P(expected), found=total.text, evidence=ev)
    elif fund and agrees(total.value, total.decimals, rows):
        yield finding("warning", "contradicted",
                      f"总分行{what}{total.text}只等于各一级指标{what}合计{_P(rows)}，未计入预算执行率{what}{fund.text}（合计应为{_P(expected)}）",
                      expected=_P(expected), found=total.text, evidence=ev)
    else:
        yield finding("error", "contradicted", f"总分行{what}填报为{total.text}，按{formula}合计应为{_P(expected)}",
                      expected=_P(expected), found=total.text, evidence=ev)


@rule("scores.total_weight")
def total_weight(ex: Extraction) -> Iterator[Finding]:
    """总分 row 分值 = Σ rows' 分值 + the budget row's 分值 (where the form has one)."""
    yield from _total_rule(ex, "weight", "分值")


@rule("scores.total_score")
def total_score(ex: Extraction) -> Iterator[Finding]:
    """总分 row 得分 = Σ rows' 得分 + the budget row's 得分 (where the form has one)."""
    yield from _total_rule(ex, "score", "得分")


# ---------------------------------------------------------------------------
# Deductions and targets
# ---------------------------------------------------------------------------


@rule("scores.deduction_unexplained")
def deduction_unexplained(ex: Extraction) -> Iterator[Finding]:
    """得分 < 分值 with an empty 偏差原因/扣分原因: a deduction nobody explains."""
    for g in scored_groups(ex.indicators):
        if g.weight is None or g.score is None or g.score >= g.weight - 1e-9:
            continue
        head = g.head
        note_label = note_cell_label(head)
        notes = [m.note.strip() for m in g.members if explains(m.note)]
        ev = [indicator_figure(ex, m, "score").evidence() for m in g.members if m.score is not None]
        ev.append(indicator_figure(ex, head, "weight").evidence())
        lost = _P(g.weight - g.score)
        if notes:
            yield finding("info", "supported", f"{g.label()}扣{lost}分，{note_label}已说明",
                          expected=f"{_P(g.weight)}分或说明扣分原因", found=f"{_P(g.score)}分，有说明", evidence=ev)
            continue
        has_col = "note" in head.cells
        if has_col:
            ev.append(Evidence(text="", at=head.cells["note"]))
            where = f"但{note_label}栏为空"
        else:
            # a form without a reason column (评价得分表) explains deductions in its text, if anywhere:
            # not a problem of the form, a remark for the reader
            yield finding("info", "unverifiable",
                          f"{g.label()}分值{_P(g.weight)}分、自评{_P(g.score)}分，扣{lost}分；表中没有{note_label}栏，未能核对说明",
                          expected=f"{note_label}说明", found=f"扣{lost}分", evidence=ev)
            continue
        yield finding("warning", "contradicted",
                      f"{g.label()}分值{_P(g.weight)}分、自评{_P(g.score)}分，扣{lost}分，{where}",
                      expected=f"{note_label}说明", found=f"扣{lost}分，无说明", evidence=ev)


_MONEY = ("元", "千元", "万元", "亿元", "万", "亿")


def _direction(ind: Indicator) -> str | None:
    """The comparison a target implies: its comparator, else ≥ (≤ for an amount under 成本指标)."""
    c = ind.target.comparator
    if c in (">=", ">", "<=", "<"):
        return c
    if c == "~":
        return None
    levels = " ".join(x for x in (ind.level1, ind.level2) if x)
    money = ind.target.unit in _MONEY
    return "<=" if money and "成本" in levels else ">="


def _figure_like(text: str) -> bool:
    """A cell that is a figure (150家, ≥90%, 43.41万元), not a sentence that contains one."""
    rest = re.sub(r"[\d.,，%％‰≥≤<>＜＞=～~\-—（）()含以上下内左右约\s]", "", text)
    return len(rest) <= 4


@rule("scores.missed_target_full_marks")
def missed_target_full_marks(ex: Extraction) -> Iterator[Finding]:
    """A numeric actual that misses its numeric target (same unit) and still gets the full 分值."""
    parents = _parents(ex.indicators)
    for ind in ex.indicators:
        t, a = ind.target, ind.actual
        scored = parents.get(id(ind), ind)  # a 其中 sub-row is scored through its parent
        if scored.weight is None or scored.score is None:
            continue
        outcome = _target_outcome(ind)
        if outcome is None:
            continue
        missed, goal, miss = outcome
        ev = [Evidence(text=t.text, at=ind.cells.get("target") or ind.at),
              Evidence(text=a.text, at=ind.cells.get("actual") or ind.at)]
        full = scored.score >= scored.weight - 1e-9
        if missed and full:
            sc = indicator_figure(ex, scored, "score")
            ev.append(sc.evidence())
            whose = "" if scored is ind else f"，所属{indicator_label(scored)}"
            f = finding("warning", "contradicted",
                        f"{indicator_label(ind)}年度目标{t.text}，实际完成{a.text}，{miss}{whose}，却得满分{sc.text}分",
                        expected=f"低于{_P(scored.weight)}分或说明", found=f"{sc.text}分", evidence=ev)
            yield _misread_target(f, ind) or f
        elif not missed:
            yield finding("info", "supported", f"{indicator_label(ind)}实际完成{a.text}，{goal}目标{t.text}",
                          expected=t.text, found=a.text, evidence=ev)


def _target_outcome(ind: Indicator) -> tuple[bool, str, str] | None:
    """(missed, what the goal asks, how it was missed) for a numeric actual against a numeric target
    in the same unit; None where the two cannot be compared."""
    t, a = ind.target, ind.actual
    if t is None or a is None or a.value is None or a.comparator is not None or a.unit != t.unit:
        return None
    if not (_figure_like(t.text) and _figure_like(a.text)) or (t.value is None and t.low is None):
        return None
    if t.value is None:
        return a.value < t.low, "达到区间", "低于目标区间下限"
    d = _direction(ind)
    if d is None:
        return None
    missed = {">=": a.value < t.value, ">": a.value <= t.value, "<=": a.value > t.value, "<": a.value >= t.value}[d]
    goal = {">=": "不低于", ">": "高于", "<=": "不超过", "<": "低于"}[d]
    miss = {">=": "低于目标", ">": "未高于目标", "<=": "超过目标", "<": "未低于目标"}[d]
    return missed, goal, miss


# what a reason cell holds when it gives no reason
_NO_REASON = {"无", "无。", "暂无", "没有", "/", "／", "—", "——", "-", "0", "无偏差", "不适用"}


def explains(note: str | None) -> bool:
    return bool(note and note.strip() and note.strip() not in _NO_REASON)


@rule("scores.missed_target_unexplained")
def missed_target_unexplained(ex: Extraction) -> Iterator[Finding]:
    """On a form without points (专项资金自评表): a missed target whose 未完成原因 cell gives no reason."""
    for ind in ex.indicators:
        if "weight" in ind.cells or "score" in ind.cells or "note" not in ind.cells or explains(ind.note):
            continue
        outcome = _target_outcome(ind)
        if outcome is None or not outcome[0]:
            continue
        label = note_cell_label(ind)
        yield finding("warning", "contradicted",
                      f"{indicator_label(ind)}年度目标{ind.target.text}，实际完成{ind.actual.text}，{outcome[2]}，但{label}栏未说明原因",
                      expected=f"{label}说明", found="未说明",
                      evidence=[Evidence(text=ind.target.text, at=ind.cells.get("target") or ind.at),
                                Evidence(text=ind.actual.text, at=ind.cells.get("actual") or ind.at),
                                Evidence(text=ind.note, at=ind.cells["note"])])


def _parents(indicators: list[Indicator]) -> dict[int, Indicator]:
    """id(sub-row) -> its parent, for rows without points below a scored row without a target
    (★新增就业人数 10分, then 其中：县内就业 ≥1500人 …), in the same form and 二级指标."""
    out: dict[int, Indicator] = {}
    parent: Indicator | None = None
    for ind in indicators:
        if ind.weight is not None or ind.score is not None:
            parent = ind if ind.target is None else None
        elif parent is not None and (ind.form_index, ind.level1, ind.level2) == (parent.form_index, parent.level1, parent.level2):
            out[id(ind)] = parent
        else:
            parent = None
    return out


def _misread_target(f: Finding, ind: Indicator) -> Finding | None:
    """The finding marked as a misread when the target, read as `≥` instead of `2`, is met.

    The full score then agrees with the form: the evaluator saw a met target,
    and only the scan's reading of the target cell says otherwise.
    """
    at = ind.cells.get("target") or ind.at
    alt = comparator_misread(ind.target.text, at.confidence if at else None)
    if alt is None:
        return None
    q = parse_quantity(alt)
    if q.value is None or q.unit != ind.actual.unit or ind.actual.value < q.value:
        return None
    return f.model_copy(update={
        "cause": "misread", "severity": "info",
        "message": (f"{f.message}（年度目标“{ind.target.text}”的OCR识读置信度{at.confidence:.2f}，疑为“{alt}”："
                    f"按“{alt}”则实际完成{ind.actual.text}已达标，与满分一致，应为扫描识读错误而非报表错误，请核对原件）"),
    })


_COMPARATOR_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "约"}


@rule("scores.actual_not_measured")
def actual_not_measured(ex: Extraction) -> Iterator[Finding]:
    """An actual written as a comparison (≥全省平均水平, ＞90%, 20%以上): a target, not a result."""
    for ind in ex.indicators:
        a = ind.actual
        # a form without points (专项资金自评表) is still read for whether its targets were met
        if a is None or a.comparator not in (">=", ">", "<=", "<") or ind.form == "定量目标":
            continue
        ev = [Evidence(text=a.text, at=ind.cells.get("actual") or ind.at)]
        same = ind.target is not None and ind.target.text == a.text
        if ind.target is not None:
            ev.insert(0, Evidence(text=ind.target.text, at=ind.cells.get("target") or ind.at))
        copied = "，与年度指标值相同" if same else ""
        if ind.score is not None:
            sc = indicator_figure(ex, ind, "score")
            ev.append(sc.evidence())
            full = ind.weight is not None and ind.score >= ind.weight - 1e-9
            scored = f"，却自评满分{sc.text}分" if full else f"，自评{sc.text}分"
        else:
            scored = ""
        yield finding("warning", "unverifiable",
                      f"{indicator_label(ind)}实际完成值填写为“{a.text}”{copied}，是目标式表述而非实际完成数，"
                      f"无法核对是否达标{scored}",
                      expected="实际完成数", found=a.text, evidence=ev)


_MONEY_SCALE = {"元": 1e-4, "千元": 1e-1, "万元": 1.0, "万": 1.0, "亿元": 1e4, "亿": 1e4}


@rule("scores.actual_vs_tables")
def actual_vs_tables(ex: Extraction) -> Iterator[Finding]:
    """An amount reported as an indicator's actual (三公经费支出, 项目经费支出) vs the same amount in the forms."""
    cur, _bud, _prev = _current_columns(ex)
    data = ex.basic_data
    for ind in ex.indicators:
        a = ind.actual
        if a is None or a.value is None or a.comparator is not None or a.unit not in _MONEY_SCALE or not _figure_like(a.text):
            continue
        ref: Figure | None = None
        if "三公" in ind.name and cur is not None and basic_rows(data).get("三公经费"):
            ref = basic_figure(ex, data, basic_rows(data)["三公经费"], cur)
        elif re.search(r"项目(?:经费|资金)?支出", ind.name):
            ref = funds_figure(ex, "项目支出")
        elif re.search(r"基本(?:经费|资金)?支出", ind.name):
            ref = funds_figure(ex, "基本支出")
        if ref is None:
            continue
        value = a.value * _MONEY_SCALE[a.unit]
        d = min(decimals(a.text) - round(math.log10(_MONEY_SCALE[a.unit])), ref.decimals)
        ev = [Evidence(text=a.text, at=ind.cells.get("actual") or ind.at), ref.evidence()]
        if agrees(ref.value, max(d, 0), value):
            yield finding("info", "supported", f"{indicator_label(ind)}实际完成{a.text}，与{ref.label}{ref.text}万元一致",
                          expected=ref.text, found=a.text, evidence=ev)
        else:
            yield finding("warning", "contradicted",
                          f"{indicator_label(ind)}实际完成{a.text}，而表中{ref.label}为{ref.text}万元",
                          expected=f"{ref.text}万元", found=a.text, evidence=ev)


# ---------------------------------------------------------------------------
# Self-scores against the 评分标准
# ---------------------------------------------------------------------------


@dataclass
class _Rate:
    value: float  # percent
    how: str
    evidence: list[Evidence]
    severity: str = "error"
    slack: float = 0.0


def _current_columns(ex: Extraction) -> tuple[int | None, int | None, int | None]:
    """Indexes of this year's 决算数, this year's 预算数 and last year's 决算数 in the 基础数据表."""
    data = ex.basic_data
    if data is None or not data.columns:
        return None, None, None
    years = [int(m.group(1)) for c in data.columns if (m := re.match(r"(\d{4})年", c))]
    year = ex.year if ex.year in years else (max(years) if years else None)
    if year is None:
        return None, None, None

    def find(y: int, kind: str) -> int | None:
        for i, c in enumerate(data.columns):
            if c.startswith(f"{y}年") and c.endswith(kind):
                return i
        return None

    return find(year, "决算数"), find(year, "预算数"), find(year - 1, "决算数")


def _ratio(num: Figure, den: Figure, how: str, severity: str = "warning") -> _Rate | str:
    if den.value == 0:
        return f"{den.label}为0"
    value = num.value / den.value * 100.0
    slack = 100.0 * (half_unit(num.decimals) / abs(den.value) + abs(num.value) * half_unit(den.decimals) / den.value ** 2)
    return _Rate(value, f"{how}={num.text}/{den.text}={fmt_pct(value)}", [num.evidence(), den.evidence()], severity, slack)


def _staffing_rate(ex: Extraction) -> _Rate | str:
    data = ex.basic_data
    staff = data.staffing if data else {}
    quota, actual = staff.get("编制数"), staff.get("实际在职人数")
    if quota is None or actual is None or quota.value is None or actual.value is None:
        return "编制数或实际在职人数"
    if quota.value == 0:
        return "编制数（为0）"
    value = actual.value / quota.value * 100.0
    at = At(table=data.table) if data and data.table else At()
    return _Rate(value, f"实际在职人数/编制数={_P(actual.value)}/{_P(quota.value)}={fmt_pct(value)}",
                 [Evidence(text=f"编制数{quota.text}", at=at), Evidence(text=f"实际在职人数{actual.text}", at=at)], "error")


def _basic_rate(ex: Extraction, key: str, num_col: int | None, den_col: int | None, how: str, change: bool = False) -> _Rate | str:
    data = ex.basic_data
    row = basic_rows(data).get(key)
    need = f"基础数据表“{key}”行的" + ("本年和上年决算数" if change else "本年预算数和决算数")
    if row is None or num_col is None or den_col is None:
        return need
    num, den = basic_figure(ex, data, row, num_col), basic_figure(ex, data, row, den_col)
    if num is None or den is None:
        return need
    if change:
        diff = Figure(num.value - den.value, max(num.decimals, den.decimals), num.label, num.at)
        r = _ratio(diff, den, how)
        if isinstance(r, _Rate):
            r.how = f"{how}=({num.text}−{den.text})/{den.text}={fmt_pct(r.value)}"
            r.evidence = [num.evidence(), den.evidence()]
        return r
    return _ratio(num, den, how)


def _rate_for(ex: Extraction, ind: Indicator, c: crit_mod.Criterion) -> _Rate | str:
    """The figure a rate rule is about, computed from the report, or what is missing."""
    what = f"{c.metric or ''} {ind.name}"
    cur, bud, prev = _current_columns(ex)
    if re.search(r"人员控制率|在职人员|财政供养人员", what):
        return _staffing_rate(ex)
    if re.search(r"三公经费.{0,3}变动率", what):
        return _basic_rate(ex, "三公经费", cur, prev, "“三公经费”变动率", change=True)
    if re.search(r"三公经费.{0,3}控制率", what):
        return _basic_rate(ex, "三公经费", cur, bud, "“三公经费”控制率")
    if re.search(r"政府采购执行率", what) and basic_rows(ex.basic_data).get("政府采购金额"):
        return _basic_rate(ex, "政府采购金额", cur, bud, "政府采购执行率")
    if re.search(r"预算调整率", what):
        data = ex.basic_data
        row = basic_rows(data).get("部门基本支出预算调整")
        init = funds_figure(ex, "initial_budget")
        adj = basic_figure(ex, data, row, cur) if row is not None and cur is not None else None
        if adj is None or init is None:
            return "预算调整数（基础数据表“部门基本支出预算调整”）或年初预算数"
        return _ratio(adj, init, "预算调整率（预算调整数/年初预算数）")
    a = ind.actual
    if a is not None and a.value is not None and a.unit == "%" and a.comparator is None:
        at = ind.cells.get("actual") or ind.at
        return _Rate(a.value, f"实际完成值{a.text}", [Evidence(text=a.text, at=at)], "error")
    return f"{c.metric or ind.name}的实际数"


def _balance_points(ex: Extraction, c: crit_mod.Criterion) -> tuple[float, str, list[Evidence]] | str:
    f = ex.funds
    balance = funds_figure(ex, "balance")
    carry_key = next((k for k in (f.by_source if f else {}) if "上年结转" in k), None)
    carry = funds_figure(ex, carry_key, "上年结转") if carry_key else None
    if balance is None or carry is None:
        return "当年结余或上年结转"
    none_pts, within_pts, over_pts = c.balance_points
    unit = f.unit or "万元"
    if abs(balance.value) <= half_unit(balance.decimals):
        pts, case = none_pts, "无结余"
    elif balance.value <= carry.value + 1e-9:
        pts, case = within_pts, f"有结余{balance.text}{unit}，不超过上年结转{carry.text}{unit}"
    else:
        pts, case = over_pts, f"结余{balance.text}{unit}超过上年结转{carry.text}{unit}"
    return pts, case, [balance.evidence(), carry.evidence()]


@rule("scores.criteria")
def criteria(ex: Extraction) -> Iterator[Finding]:
    """Self-score vs the score the row's own 评分标准 gives on the report's own figures."""
    for ind in ex.indicators:
        if not ind.criteria or ind.score is None:
            continue
        c = crit_mod.parse(ind.criteria)
        label = indicator_label(ind)
        sc = indicator_figure(ex, ind, "score")
        crit_ev = Evidence(text=ind.criteria, at=ind.cells.get("criteria") or ind.at)
        if c is None:
            if crit_mod.has_points(ind.criteria):
                yield finding("info", "unverifiable", f"{label}的评分标准没有可按报告数字计算的规则，自评{sc.text}分无法核对",
                              found=sc.text, evidence=[crit_ev, sc.evidence()])
            continue
        if c.kind == "count":
            yield finding("info", "unverifiable",
                          f"{label}的评分标准按“{c.count_of}”的个数扣分，报告未给出该数，自评{sc.text}分无法核对",
                          found=sc.text, evidence=[crit_ev, sc.evidence()])
            continue
        if c.kind == "balance":
            got = _balance_points(ex, c)
            if isinstance(got, str):
                yield finding("info", "unverifiable", f"{label}的评分标准按结余与上年结转计分，但报告缺少{got}，无法核对",
                              found=sc.text, evidence=[crit_ev, sc.evidence()])
                continue
            pts, case, ev = got
            ev = [sc.evidence(), crit_ev] + ev
            if _points_agree(sc.value, pts, sc.decimals, decimals(pts)):
                yield finding("info", "supported", f"{label}：{case}，按评分标准得{_P(pts)}分，与自评{sc.text}分一致",
                              expected=_P(pts), found=sc.text, evidence=ev)
            else:
                yield finding("error", "contradicted", f"{label}：{case}，按评分标准应得{_P(pts)}分，自评{sc.text}分",
                              expected=_P(pts), found=sc.text, evidence=ev)
            continue
        rate = _rate_for(ex, ind, c)
        if isinstance(rate, str):
            yield finding("info", "unverifiable", f"{label}的评分标准可以按数字计算，但报告未给出{rate}，自评{sc.text}分无法核对",
                          found=sc.text, evidence=[crit_ev, sc.evidence()])
            continue
        rng = c.score_range(rate.value, ind.weight, rate.slack)
        if rng is None:
            yield finding("info", "unverifiable", f"{label}：{rate.how}，评分标准未规定该数值的得分",
                          found=sc.text, evidence=[crit_ev, sc.evidence()] + rate.evidence)
            continue
        lo, hi = rng
        d = max(sc.decimals, decimals(round(lo, 2)), decimals(round(hi, 2)))
        want = _P(round(lo, 2)) if abs(hi - lo) < 1e-9 else f"{_P(round(lo, 2))}-{_P(round(hi, 2))}"
        ev = [sc.evidence(), crit_ev] + rate.evidence
        if lo - half_unit(d) - 1e-9 <= sc.value <= hi + half_unit(d) + 1e-9:
            yield finding("info", "supported", f"{label}：{rate.how}，按评分标准得{want}分，与自评{sc.text}分一致",
                          expected=want, found=sc.text, evidence=ev)
        else:
            yield finding(rate.severity, "contradicted", f"{label}：{rate.how}，按评分标准应得{want}分，自评{sc.text}分",
                          expected=want, found=sc.text, evidence=ev)
