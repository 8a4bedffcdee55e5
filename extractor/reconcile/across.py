"""One report against another: what changed between two years, and what does not agree.

`compare(a, b)` orders the two extractions by year and returns a `Comparison`:
the changes (funds, scores, staffing, 三公经费, the indicators both forms
list) and the findings, whose evidence names the document each figure stands
in (`Evidence.document`):

- `across.last_year_restated`: the later report's figures for the earlier
  year against the earlier report's own: a 基础数据表 column headed with the
  earlier year (2023年决算数), and figures of the text whose period is the
  earlier year with the same name and measure as a figure the earlier report
  states for its own year;
- `across.target_below_last_actual`: an indicator both forms list, whose new
  年度指标值 (a floor: ≥, 不低于, or a bare count or amount) is below what the
  earlier report says was achieved (指标值设置偏低);
- `across.same_actual`: an indicator whose 实际完成值 is written the same in
  both years while its target changed (a result copied forward).

Documents are paired in a batch by `department_key` (the reporting unit's
name with the common short forms expanded: 工信局 = 工业和信息化局) and year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractor.reconcile.core import finding
from extractor.reconcile.linking import canonical
from extractor.reconcile.things import NOT_THIS_YEAR, compared, names_later_year, same_thing, states_result, thing
from extractor.reconcile.tolerance import agrees, decimals, fmt_plain
from extractor.schema import Evidence, Extraction, Fact, Finding, Indicator

# short forms of department names, as the same bureau signs its reports in different years
_SHORT = (
    ("工信", "工业和信息化"), ("发改", "发展和改革"), ("人社", "人力资源和社会保障"), ("住建", "住房和城乡建设"),
    ("卫健", "卫生健康"), ("农业农村", "农业农村"), ("生态环境", "生态环境"), ("市场监管", "市场监督管理"),
    ("文旅", "文化旅游"), ("财政", "财政"), ("教体", "教育体育"), ("交通", "交通运输"), ("科技", "科学技术"),
)
_YEAR_HEAD = re.compile(r"((?:19|20)\d{2})\s*年")


@lru_cache(maxsize=65536)  # a batch asks for the same few hundred names once per stored report (10⁵ in a province)
def department_key(name: str | None) -> str | None:
    """A reporting unit's name in one spelling: 岳阳市工信局 and 岳阳市工业和信息化局 give the same key."""
    if not name:
        return None
    s = re.sub(r"[\s（）()“”\"]", "", name)
    s = re.sub(r"(本级|机关)$", "", s)
    for short, full in _SHORT:
        if short != full:
            s = re.sub(rf"{short}(局|委|厅|办)", rf"{full}\1", s)
    s = s.replace("和信息化", "信息化").replace("工业信息化", "工业和信息化")
    return s


@dataclass
class Change:
    """One figure in both reports (or in one only): what it was, what it is."""

    what: str
    before: str | None
    after: str | None
    note: str = ""


@dataclass
class Comparison:
    earlier: Extraction
    later: Extraction
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    same_department: bool = True


def _doc(ex: Extraction) -> str:
    return ex.source.path


def _ev(ex: Extraction, text: str, at) -> Evidence:
    return Evidence(text=text, at=at, document=_doc(ex))


def _num(x: float | None) -> str | None:
    return None if x is None else fmt_plain(x)


def _delta(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return ""
    d = b - a
    pct = f"，{d / a * 100:+.1f}%" if a else ""
    return f"{d:+.2f}".rstrip("0").rstrip(".") + pct


def _funds_changes(a: Extraction, b: Extraction) -> list[Change]:
    out = []
    fa, fb = a.funds, b.funds
    if fa is None and fb is None:
        return out
    for key, label in (("initial_budget", "年初预算数"), ("annual_budget", "全年预算数"), ("executed", "全年执行数"),
                       ("income_total", "收入合计")):
        x, y = getattr(fa, key, None) if fa else None, getattr(fb, key, None) if fb else None
        if x is not None or y is not None:
            out.append(Change(f"资金·{label}", _num(x), _num(y), _delta(x, y)))
    for key in ("基本支出", "项目支出"):
        x = fa.by_type.get(key) if fa else None
        y = fb.by_type.get(key) if fb else None
        if x is not None or y is not None:
            out.append(Change(f"资金·{key}", _num(x), _num(y), _delta(x, y)))
    ra = fa.execution_rate.text if fa and fa.execution_rate else None
    rb = fb.execution_rate.text if fb and fb.execution_rate else None
    if ra or rb:
        out.append(Change("资金·执行率", ra, rb))
    return out


def _staffing(ex: Extraction) -> dict[str, str]:
    return {k: v.text for k, v in (ex.basic_data.staffing.items() if ex.basic_data else [])}


def _sanggong(ex: Extraction) -> float | None:
    """三公经费 of the report's own year: the 基础数据表's 决算数 column of that year, else an indicator's actual."""
    data = ex.basic_data
    if data is not None and ex.year:
        for row in data.rows:
            if row.key == "三公经费":
                for i, col in enumerate(data.columns):
                    if str(ex.year) in col and "决算" in col and i < len(row.values):
                        return row.values[i]
    for ind in ex.indicators:
        if "三公" in ind.name and ind.actual and ind.actual.unit in ("万元", "元") and ind.actual.value is not None:
            return ind.actual.scaled("万元")
    return None


def _indicators(ex: Extraction) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for ind in ex.indicators:
        key = canonical(ind.name)
        if key and key not in out:
            out[key] = ind
    return out


def _short(text: str | None, n: int = 16) -> str:
    if not text:
        return "—"
    text = re.sub(r"^(\d+[、.．]|指标\d+[:：])", "", text.strip())
    return text if len(text) <= n else text[: n - 1] + "…"


def _q(q) -> str | None:
    return q.text if q is not None else None


def _indicator_changes(a: Extraction, b: Extraction) -> tuple[list[Change], list[tuple[Indicator, Indicator]]]:
    ia, ib = _indicators(a), _indicators(b)
    both = [(ia[k], ib[k]) for k in ia if k in ib]
    out = [Change(f"指标·{_short(y.name, 24)}", f"{_short(_q(x.target))} → {_short(_q(x.actual))}",
                  f"{_short(_q(y.target))} → {_short(_q(y.actual))}", "年度指标值 → 实际完成值") for x, y in both]
    gone = [ia[k].name for k in ia if k not in ib]
    new = [ib[k].name for k in ib if k not in ia]
    if gone or new:
        out.append(Change("指标·只在一年", f"{len(gone)}项", f"{len(new)}项",
                          ("前一年独有：" + "、".join(_short(n, 10) for n in gone[:3]) if gone else "")
                          + ("；后一年独有：" + "、".join(_short(n, 10) for n in new[:3]) if new else "")))
    return out, both


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


def _basic_restated(a: Extraction, b: Extraction):
    """b's 基础数据表 columns headed with a's year against a's own table (or a's funds)."""
    if b.basic_data is None or a.year is None:
        return
    a_rows = {r.key: r for r in (a.basic_data.rows if a.basic_data else []) if r.key}
    a_cols = a.basic_data.columns if a.basic_data else []
    for i, col in enumerate(b.basic_data.columns):
        m = _YEAR_HEAD.search(col)
        if not m or int(m[1]) != a.year:
            continue
        kind = "决算" if "决算" in col else "预算" if "预算" in col else None
        for row in b.basic_data.rows:
            if not row.key or i >= len(row.values) or row.values[i] is None:
                continue
            stated = row.values[i]
            own, own_at = None, None
            if row.key in a_rows:
                j = next((j for j, c in enumerate(a_cols) if str(a.year) in c and kind and kind in c), None)
                if j is not None and j < len(a_rows[row.key].values):
                    own = a_rows[row.key].values[j]
                    own_at = a_rows[row.key].cells[j] if j < len(a_rows[row.key].cells) else a_rows[row.key].at
            if own is None and kind == "决算" and a.funds is not None and row.key in a.funds.by_type:
                own, own_at = a.funds.by_type[row.key], a.funds.at.get(row.key)
            if own is None:
                continue
            ok = agrees(own, decimals(own), stated) or agrees(stated, decimals(stated), own)
            at_b = row.cells[i] if i < len(row.cells) and row.cells[i] is not None else row.at
            evidence = [_ev(b, fmt_plain(stated), at_b), _ev(a, fmt_plain(own), own_at or row.at)]
            if ok:
                yield finding("info", "supported", f"{b.year}年报告所列{a.year}年“{row.name}”{fmt_plain(stated)}与{a.year}年报告一致",
                              expected=fmt_plain(own), found=fmt_plain(stated), evidence=evidence)
            else:
                yield finding("error", "contradicted",
                              f"{b.year}年报告的基础数据表列{a.year}年“{row.name}”{col}为{fmt_plain(stated)}，"
                              f"而{a.year}年报告自报为{fmt_plain(own)}",
                              expected=fmt_plain(own), found=fmt_plain(stated), evidence=evidence)


def _fact_key(f: Fact) -> str | None:
    name = canonical(f.metric or f.name or "")
    return name if len(name) >= 3 else None


def _text_restated(a: Extraction, b: Extraction):
    """Figures of b's text about a's year against the figures a's text gives for its own year."""
    if a.year is None or b.year is None:
        return
    year = f"{a.year}年"
    own: dict[tuple, Fact] = {}
    for f in a.facts:
        if f.source == "text" and f.kind != "target" and f.value.value is not None and f.period in (year, None) \
                and f.measure in ("amount", "count") and f.value.comparator is None and not compared(f):
            key = _fact_key(f)
            if key:
                own.setdefault((key, f.measure, f.value.unit), f)
    # a's results for one thing in other words than b's (things.same_thing): 签约41个项目 | 现场签约45个项目
    results = [(x, thing(x)) for x in a.facts if x.source == "text" and x.value.value is not None and x.period in (year, None)
               and x.measure in ("amount", "count") and x.value.comparator is None and not x.malformed and states_result(x)]
    for f in b.facts:
        if f.source != "text" or f.kind == "target" or f.period != year or f.value.value is None \
                or f.measure not in ("amount", "count") or f.value.comparator is not None:
            continue  # last year's result as this report states it: not a target, not a bound
        if not f.sentence:
            continue
        key = _fact_key(f)
        mine = own.get((key, f.measure, f.value.unit)) if key else None
        if mine is None:
            name = thing(f)
            matches = [(len(shared), x) for x, tx in results if x.value.unit == f.value.unit
                       and (shared := same_thing(f, name, x, tx)) is not None]
            mine = max(matches, key=lambda m: m[0])[1] if matches else None
            key = key or name.replace("|", "")
        if mine is None:
            continue
        evidence = [_ev(b, f.value.text, f.at), _ev(a, mine.value.text, mine.at)]
        if agrees(mine.value.value, decimals(mine.value.text), f.value.value) or agrees(f.value.value, decimals(f.value.text), mine.value.value):
            yield finding("info", "supported", f"{b.year}年报告所述{year}“{key}”{f.value.text}与{a.year}年报告一致",
                          expected=mine.value.text, found=f.value.text, evidence=evidence)
        else:
            yield finding("warning", "contradicted",
                          f"{b.year}年报告称{year}“{key}”为{f.value.text}，{a.year}年报告自报为{mine.value.text}：“{f.sentence[:60]}”",
                          expected=mine.value.text, found=f.value.text, evidence=evidence)


def _last_actuals(a: Extraction) -> dict[tuple[str, str | None], tuple[str, object, object]]:
    """What the earlier report says was achieved in its year, by (canonical name, unit): (text, value, at).

    Its form's 实际完成值 first; where the form gives none as a number (a 定量目标 table whose 完成情况 is
    prose), the figures of its text that the tagger calls results."""
    out: dict[tuple[str, str | None], tuple[str, object, object]] = {}
    for ind in a.indicators:
        if ind.actual is not None and ind.actual.value is not None:
            out.setdefault((canonical(ind.name), ind.actual.unit), (ind.actual.text, ind.actual.value, ind.cells.get("actual") or ind.at))
    year = f"{a.year}年" if a.year else None
    for f in a.facts:
        if f.source == "text" and f.kind == "actual" and f.role not in NOT_THIS_YEAR and f.value.value is not None and f.value.comparator is None \
                and f.period in (year, None) and f.measure in ("count", "amount", "share", "level") and f.metric:
            out.setdefault((canonical(f.metric), f.value.unit), (f.value.text, f.value.value, f.at))
    return out


_FLOOR = (">=", ">", None)
_GROWTH = re.compile(r"(增速|增长|增幅|增长率)")
# a text figure is a target for the coming year only when its words say so: a bound (不少于) or a word of planning;
# `新建城市书房4个` tagged TARGET by mistake is this year's result
_PLANNED = re.compile(r"(计划|目标|力争|预计|拟|确保|争取|下一步|明年)")


def _planned(f, year: int | None) -> bool:
    return f.value.comparator is not None or f.role == "plan" or bool(_PLANNED.search(f.before or "")) or names_later_year(f, year)


def _targets(a: Extraction, b: Extraction, both: list[tuple[Indicator, Indicator]]):
    last = _last_actuals(a)
    stated = [(y.name, y.target, y.cells.get("target") or y.at) for y in b.indicators]
    # targets the later report states only in its text (计划新增规模以上工业企业不少于22家)
    stated += [(f.metric, f.value, f.at) for f in b.facts if f.source == "text" and f.metric
               and (f.kind == "target" or f.role == "plan") and _planned(f, b.year)]
    seen = set()
    for name, t, at in stated:
        if t is None or t.value is None or t.comparator not in _FLOOR or _GROWTH.search(name) or t.unit in ("%", "‰"):
            continue  # growth targets move with the economy, rates (执行率≥95%) are norms: floors of counts and amounts only
        got = last.get((canonical(name), t.unit))
        if got is None or (canonical(name), t.text) in seen:
            continue
        seen.add((canonical(name), t.text))
        text, value, last_at = got
        if t.value < value:
            evidence = [_ev(b, t.text, at), _ev(a, text, last_at)]
            yield finding("warning", "contradicted",
                          f"“{name[:30]}”{b.year}年指标值{t.text}低于{a.year}年实际完成值{text}，指标值设置偏低",
                          expected=f"≥{text}", found=t.text, evidence=evidence)


def _same_actual(a: Extraction, b: Extraction, both: list[tuple[Indicator, Indicator]]):
    for x, y in both:
        if x.actual is None or y.actual is None or x.target is None or y.target is None or y.actual.value is None:
            continue
        if y.actual.text == x.actual.text and x.target.text != y.target.text:
            yield finding("warning", "contradicted",
                          f"“{y.name[:30]}”两年实际完成值都写作{y.actual.text}，而指标值由{x.target.text}改为{y.target.text}，疑为照抄上年",
                          expected=None, found=y.actual.text,
                          evidence=[_ev(b, y.actual.text, y.cells.get("actual") or y.at), _ev(a, x.actual.text, x.cells.get("actual") or x.at)])


def compare(a: Extraction, b: Extraction, all_verdicts: bool = False) -> Comparison:
    """What changed from the earlier report to the later one, and the findings across the two."""
    if (a.year or 0) > (b.year or 0):
        a, b = b, a
    cmp = Comparison(earlier=a, later=b)
    ka, kb = department_key(a.department), department_key(b.department)
    cmp.same_department = ka is not None and ka == kb
    cmp.changes.append(Change("单位", a.department, b.department, "" if cmp.same_department else "单位名称不同"))
    cmp.changes.append(Change("年度", str(a.year) if a.year else None, str(b.year) if b.year else None))
    cmp.changes += _funds_changes(a, b)
    if a.totals or b.totals:
        cmp.changes.append(Change("自评总分", _num(a.totals.score if a.totals else None), _num(b.totals.score if b.totals else None)))
    sa, sb = _staffing(a), _staffing(b)
    for key in dict.fromkeys([*sa, *sb]):
        cmp.changes.append(Change(f"人员·{key}", sa.get(key), sb.get(key)))
    ga, gb = _sanggong(a), _sanggong(b)
    if ga is not None or gb is not None:
        cmp.changes.append(Change("三公经费（万元）", _num(ga), _num(gb), _delta(ga, gb)))
    indicator_changes, both = _indicator_changes(a, b)
    cmp.changes += indicator_changes
    rules = (("across.last_year_restated", _basic_restated(a, b)), ("across.last_year_restated", _text_restated(a, b)),
             ("across.target_below_last_actual", _targets(a, b, both)), ("across.same_actual", _same_actual(a, b, both)))
    found: list[Finding] = []
    for name, gen in rules:
        for f in gen:
            if all_verdicts or f.verdict == "contradicted" or f.severity in ("warning", "error"):
                found.append(f.model_copy(update={"rule": name}))
    cmp.findings = [f.model_copy(update={"id": f"c{i}"}) for i, f in enumerate(found, 1)]
    return cmp
