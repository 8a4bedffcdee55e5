"""Narrative rules: what the text says against what the forms say, and against itself.

- `narrative.claim_vs_table`: a claim linked to a form figure (linking.py) must
  agree with it within displayed precision;
- `narrative.self_score`: the scores the text states (自评综合得分, 产出指标类得分,
  预算执行率得分) against the form's 总分, level sums and budget-row score;
- `narrative.restated`: one metric stated twice, same kind and measure and
  period, with different figures; or one sentence stated twice word for word
  with a different figure (the fact table's words around each figure);
- `narrative.definition`: the text gives a figure as a growth rate that the form
  gives as a share of the same subject (or the other way round);
- `narrative.unit_outlier`: an amount in 元 among amounts in 万元 in the same
  sentence (a lost 万 changes the figure ten-thousandfold);
- `narrative.rating_band`: the stated 评价等次 against the score bands;
- `narrative.target_below_result`: next year's target for a thing below what the
  report says this year achieved;
- `narrative.unverifiable`: claims with nothing to check against (all_verdicts only).
"""

from __future__ import annotations

import re
from collections import defaultdict

from extractor.reconcile.core import finding, rule
from extractor.reconcile.linking import Candidate, _synonym_keys, candidates, canonical, link
from extractor.reconcile.things import (
    NAMED,
    NOISE,
    NOT_THIS_YEAR,
    WORDS,
    achieved,
    clause,
    common,
    names_later_year,
    near,
    plan_thing,
    same_thing,
    slip,
    states_result,
    thing,
    whole_unit,
)
from extractor.reconcile.tolerance import decimals, half_unit
from extractor.relations import dimension
from extractor.schema import Claim, Evidence, Extraction, Fact

COMPARABLE = ("growth", "share", "amount", "count", "score", "level")
BANDS = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0))
GRADE_OF = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中": "中", "合格": "中", "一般": "中", "差": "差", "不合格": "差"}


def _agree(claim: Claim, cand: Candidate) -> tuple[bool, float | None]:
    """(agrees, claim value in the candidate's unit). A bound the text states (资金拨付及时率未达到100%) agrees with
    any figure of the table that keeps it."""
    q = claim.value
    if cand.value.unit and q.unit and q.unit != cand.value.unit:
        value = q.scaled(cand.value.unit)
        factor = value / q.value if value is not None and q.value else 1.0
    else:
        value, factor = q.value, 1.0
    if value is None or cand.value.value is None:
        return True, value
    if bool(q.unit) != bool(cand.value.unit) and re.search(r"[^\d.,，%\s]$", (q.text if not q.unit else cand.value.text).strip()):
        return True, value  # a measure word the parser does not know (2口 against 8.6km): not the same quantity to compare
    tol = max(half_unit(decimals(q.text)) * abs(factor), half_unit(decimals(cand.value.text))) + 1e-9
    if q.comparator in _BOUNDS and cand.value.comparator is None:
        return _keeps(cand.value.value, q.comparator, value, tol), value
    return abs(value - cand.value.value) <= tol, value


_BOUNDS = ("<", "<=", ">", ">=")


def _keeps(x: float, comparator: str, bound: float, tol: float) -> bool:
    return {"<": x < bound + tol, "<=": x <= bound + tol, ">": x > bound - tol, ">=": x >= bound - tol}[comparator]


def _claim_evidence(claim: Claim) -> Evidence:
    return Evidence(text=claim.value.text, at=claim.at)


def _place(at) -> tuple:
    """Where a figure of the text stands: its unit (block, or table cell) and its offset there."""
    return (at.block, at.table, at.row, at.col, at.start)


def _text_facts(ex: Extraction) -> dict[tuple, Fact]:
    """The text's facts by place, so that a claim finds the fact of its own figure."""
    return {_place(f.at): f for f in ex.facts if f.source == "text"}


# a subject that is one part of the reporting unit (局机关, 二级单位, 下属单位): its figures are not the whole unit's
_SUB_UNIT = re.compile(r"(机关|二级单位|二级机构|下属|所属|局属|直属|事业单位)")


def _linked(ex: Extraction):
    claims = [c for c in ex.claims if c.measure in COMPARABLE and c.value.value is not None]
    facts = _text_facts(ex)
    out = []
    for claim, cand, sim in link(claims, candidates(ex)):
        if cand is not None and cand.ref.startswith("table:") and not _whole_unit(claim, facts):
            cand = None
        out.append((claim, cand, sim))
    return out


def _whole_unit(claim: Claim, facts: dict) -> bool:
    """Does the claim speak of the whole reporting unit, as another table's whole-unit figure does?

    Not when its clause does not name the metric (…固定资产7329.64万元，其中局机关5229.46万元: the metric came
    from an earlier clause, the subject is the clause's), nor when the words before the metric name a
    part of the unit (市工信局机关共有编制人数35人)."""
    fact = facts.get(_place(claim.at))
    if fact is None or not claim.metric:
        return False
    words = fact.name or ""
    if canonical(claim.metric) not in canonical(words) and claim.metric not in words:
        return False
    subject = (fact.before or "").split(claim.metric)[0]
    return not _SUB_UNIT.search(subject)


def _check(ex: Extraction, scores: bool):
    totals = None
    for claim, cand, sim in _linked(ex):
        if cand is None or (cand.measure == "score") != scores:
            continue
        ok, value = _agree(claim, cand)
        if not ok and cand.ref.startswith("totals:score:"):
            # which project's 总分 a 本项目自评得分 restates: the one it agrees with, if any
            totals = totals if totals is not None else [c for c in candidates(ex) if c.ref.startswith("totals:score:")]
            cand = next((t for t in totals if _agree(claim, t)[0]), cand)
            ok, value = _agree(claim, cand)
        what = "表中" + cand.label
        if ok:
            yield finding("info", "supported", f"正文“{claim.metric}”{claim.value.text}与{what}{cand.value.text}一致",
                          expected=cand.value.text, found=claim.value.text,
                          evidence=[_claim_evidence(claim), Evidence(text=cand.value.text, at=cand.at or claim.at)])
            continue
        unit = cand.value.unit or ""
        yield finding(
            "error", "contradicted",
            f"正文称“{claim.metric}”为{claim.value.text}，{what}填报为{cand.value.text}{'' if unit in cand.value.text else unit}"
            f"（相似度{sim:.2f}）：“{claim.sentence[:60]}”",
            expected=cand.value.text, found=claim.value.text,
            evidence=[_claim_evidence(claim), Evidence(text=cand.value.text, at=cand.at or claim.at)],
        )


@rule("narrative.claim_vs_table")
def claim_vs_table(ex: Extraction):
    yield from _check(ex, scores=False)


@rule("narrative.self_score")
def self_score(ex: Extraction):
    yield from _check(ex, scores=True)


_BREAKDOWN = re.compile(r"(其中|分别|按.{1,8}(划分|分)|各项|明细|包括)")
_GENERIC = {"企业", "项目", "投资", "资金", "支出", "收入", "人数", "次数"}


@rule("narrative.restated")
def restated(ex: Extraction):
    """One quantity stated twice with different figures. Two ways to know it is the same quantity:

    - the same words before the same metric (so the same subject), outside breakdown sentences,
      same kind, measure and period (conservative on purpose: a metric alone does not say whose);
    - the same words around the figure, from the last 。 or ； before it to the next one after it
      (a sentence restated word for word in another section, only its figure changed).
    """
    reported: set[tuple] = set()
    facts = _text_facts(ex)
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    several_forms = len(ex.forms) > 1
    for c in ex.claims:
        if not c.metric or c.measure not in COMPARABLE or c.value.value is None or c.value.comparator is not None:
            continue
        if several_forms and c.measure == "score":
            continue  # a file of several projects' forms states each project's 自评得分
        name = canonical(c.metric)
        context = _context(c)
        if len(name) < 4 or name in _GENERIC or _BREAKDOWN.search(c.sentence) or len(context) < 2:
            continue  # no subject words before the metric: cannot tell whose figure it is
        named = frozenset(NAMED.findall(c.sentence[: max(0, c.sentence.find(c.metric))]))  # whose: the event its sentence names
        fact = facts.get(_place(c.at))
        # this year's goals and next year's plans are targets of two years: never one group
        kind = fact.role if fact is not None and fact.role in NOT_THIS_YEAR else c.kind
        groups[(name, context, kind, c.measure, c.period, c.value.unit, named)].append(c)
    for (name, _, kind, measure, period, unit, _named), items in groups.items():
        places = {(c.at.block, c.at.table, c.at.row, c.at.col): c for c in items}
        values: dict[float, Claim] = {}
        for c in places.values():
            values.setdefault(c.value.value, c)
        if len(values) < 2:
            continue
        first, *others = list(values.values())
        reported |= {(c.at.block, c.at.start) for c in values.values()}
        texts = "、".join(c.value.text for c in values.values())
        yield finding(
            "warning", "contradicted",
            f"正文多处给出“{first.metric}”的不同数值：{texts}（{'实际' if kind == 'actual' else '目标'}，同一表述）",
            expected=first.value.text, found=others[0].value.text,
            evidence=[_claim_evidence(c) for c in values.values()],
        )
    yield from _restated_words(ex, reported)
    yield from _restated_metric(ex, reported, facts)
    yield from _restated_thing(ex, reported)


_NUMBERING = re.compile(r"^\s*(\d+[、.．]|指标\d+[:：])\s*")
# words that make a figure a part of the year or of the unit, not the whole year's whole-unit figure
_RELATIVE = re.compile(r"(比|较|相比|高于|低于|超过|突破|目标|计划|预算|总数|累计)")
_SCOPE = re.compile(r"(全年|全县|全市|全省|全区|全州|全旗|本年|年度|(19|20)\d{2}年)")
_TOTAL_NAME = re.compile(r"^(新增|总)|(总量|总额|总产量|总数|合计|总计)$")
_PARTIAL = re.compile(r"(累计|截至|截止|上半年|下半年|一季度|二季度|三季度|四季度|\d+月|其中|分别|包括|机关|二级单位|下属|所属|局属|直属|每|人均|平均)")


def _clause_subject(fact: Fact, metric: str) -> str:
    """The words of the figure's clause before its metric (全年 in `…，全年新增规模以上工业企业28家`)."""
    return re.split(r"[，,：:]", (fact.before or "").split(metric)[0])[-1]


def _restated_metric(ex: Extraction, reported: set[tuple], facts: dict[tuple, Fact]):
    """The whole unit's result for the year given two figures in two places, in any wording (26家 in the
    results, 28家 in the conclusion): same metric (or synonym), measure, unit and year, results only,
    no bound, outside breakdowns and relations, nothing before the metric that makes it a part."""
    in_relation = {ref for r in ex.relations for ref in [r.share, *r.parts] if ref}  # a whole may be restated
    year = f"{ex.year}年" if ex.year else None
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    for c in ex.claims:
        if c.kind != "actual" or not c.metric or c.value.value is None or c.value.comparator is not None \
                or c.measure not in ("amount", "count", "growth", "share") or c.at.block is None:
            continue
        f = facts.get(_place(c.at))
        if f is None or f.id in in_relation or f.role in NOT_THIS_YEAR:
            continue
        before = f.before or ""
        subject = before.split(c.metric)[0]
        clause = re.split(r"[，,：:]", before)[-1]
        if (_PARTIAL.search(subject) or _PARTIAL.search(c.metric) or (c.period or year) != year
                or _BREAKDOWN.search(before) or _RELATIVE.search(clause) or before.count("（") + before.count("(")
                > before.count("）") + before.count(")")):
            continue  # a part, another period, an item of a list, a figure compared with, or a note in brackets
        syns = _synonym_keys(c.metric)
        name = next(iter(syns)) if len(syns) == 1 else canonical(c.metric)
        if len(name) < 4 or name in _GENERIC:
            continue
        groups[(name, c.measure, c.value.unit)].append(c)
    for (name, _measure, _unit), items in groups.items():
        # the year's total for the whole unit in every place: a scope word (全年, 全县, 2023年) or a total's name
        if not all(_SCOPE.search(_clause_subject(facts[_place(c.at)], c.metric))
                   or _TOTAL_NAME.search(c.metric) or _synonym_keys(c.metric) for c in items):
            continue
        values: dict[float, Claim] = {}
        for c in items:
            values.setdefault(c.value.value, c)
        sentences = {(c.at.block, c.sentence) for c in values.values()}
        if len(values) < 2 or len(sentences) < 2 or {(c.at.block, c.at.start) for c in values.values()} <= reported:
            continue  # two figures in one sentence are two quantities (204家，再次突破200家)
        shown = list(values.values())
        reported |= {(c.at.block, c.at.start) for c in shown}
        yield finding(
            "warning", "contradicted",
            f"正文多处给出本年“{shown[0].metric}”的不同数值：{'、'.join(c.value.text for c in shown)}："
            + "；".join(f"“{c.sentence[:40]}”" for c in shown[:2]),
            expected=shown[0].value.text, found=shown[1].value.text, evidence=[_claim_evidence(c) for c in shown],
        )


_CJK = re.compile(r"[\u4e00-\u9fff]")
# words around a figure that make a sentence unmistakably the same one: 全市48家企业与…开展联合技术攻关 has 17
_SAME_WORDS = 8


def _restated_words(ex: Extraction, reported: set[tuple]):
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in ex.facts:
        # paragraphs only: table cells repeat one template per project with each project's own figures
        if f.source != "text" or f.at.block is None or f.value.value is None or f.before is None:
            continue
        before, after = re.sub(r"\s+", "", f.before), re.sub(r"\s+", "", f.after or "")
        if len(_CJK.findall(before + after)) < _SAME_WORDS:
            continue
        # a bound in the goals and the same bound in next year's plans are two years' targets (不少于400家 | 不少于420家)
        role = f.role if f.value.comparator is not None and f.role in NOT_THIS_YEAR else None
        groups[(before, after, f.value.unit, f.value.comparator, f.measure, role)].append(f)
    for items in groups.values():
        values: dict[float, Fact] = {}
        for f in items:
            values.setdefault(f.value.value, f)
        if len(values) < 2 or all((f.at.block, f.at.start) in reported for f in values.values()):
            continue
        shown = list(values.values())
        reported |= {(f.at.block, f.at.start) for f in shown}
        yield finding(
            "warning", "contradicted",
            f"同一句话在正文中出现多次而数字不同：{'、'.join(f.value.text for f in shown)}：“{shown[0].before[-30:]}{shown[0].value.text}…”",
            expected=shown[0].value.text, found=shown[1].value.text,
            evidence=[Evidence(text=f.value.text, at=f.at) for f in shown],
        )


_SAME_UNIT = {"名": "人", "位": "人"}  # one count of people, whichever measure word


def _restated_thing(ex: Extraction, reported: set[tuple]):
    """The year's result for one thing in two paragraphs, each worded its own way (治理隐患点19处 | 地质灾害隐患点工程治理17处,
    覆盖28个社区养老服务站 | 全区26个社区养老服务站): `things.same_thing` decides that two figures count one thing."""
    year = f"{ex.year}年" if ex.year else None
    # a share and its base are read by relations.share_base; the items of a 其中 list are parts (a product's count is a result)
    in_relation = {ref for r in ex.relations for ref in [r.share, r.base, *(r.parts if r.kind == "parts" else [])] if ref}
    results: list[tuple[Fact, str]] = []
    for f in ex.facts:
        if (f.source != "text" or f.at.block is None or f.value.value is None or f.value.comparator is not None or f.malformed
                or f.measure not in ("count", "share", "level", "amount") or dimension(f.value.unit) in (None, "pp")
                or f.id in in_relation or (f.period or year) != year or not states_result(f)):
            continue
        name = thing(f)
        if len(name.replace("|", "")) >= 3:
            results.append((f, name))
    for i, (a, ta) in enumerate(results):
        for b, tb in results[i + 1:]:
            if a.at.block == b.at.block or _SAME_UNIT.get(a.value.unit, a.value.unit) != _SAME_UNIT.get(b.value.unit, b.value.unit) \
                    or _agree_values(a.value, b.value):
                continue
            if {(a.at.block, a.at.start), (b.at.block, b.at.start)} <= reported:
                continue
            if dimension(a.value.unit) == "money" and not slip(a, b):
                continue  # amounts' names (实际支出, 资本性支出) recur for every part of the budget: only a slip says one amount
            shared = same_thing(a, ta, b, tb)
            if shared is None:
                continue
            reported |= {(a.at.block, a.at.start), (b.at.block, b.at.start)}
            typo = "（两数仅一位数字不同或相邻两位颠倒，疑为笔误）" if slip(a, b) else ""
            yield finding(
                "warning", "contradicted",
                f"正文两处给出同一事项“{shared}”的本年数值不同：{a.value.text}与{b.value.text}{typo}："
                f"“…{near(a)}”；“…{near(b)}”",
                expected=a.value.text, found=b.value.text,
                evidence=[Evidence(text=a.value.text, at=a.at), Evidence(text=b.value.text, at=b.at)],
            )


@rule("narrative.target_below_result")
def target_below_result(ex: Extraction):
    """Next year's target for a thing set below what the report says this year achieved (力争2025年联网直报单位达到430家
    after 451家 this year): a figure of the plans (下一步, or a later year named in its clause) against this year's
    figure of the same thing (`things.same_thing`), in one unit."""
    if not ex.year:
        return
    year = f"{ex.year}年"

    def countable(f: Fact) -> bool:
        return (f.source == "text" and f.value.value is not None and not f.malformed and f.measure in ("count", "amount", "level")
                and dimension(f.value.unit) not in (None, "ratio", "pp"))

    # 再恢复重建2个, 另建3处: more on top of a finished batch, not next year's measure of the same work
    plans = [(f, plan_thing(f)) for f in ex.facts if countable(f) and (f.role == "plan" or names_later_year(f, ex.year))
             and f.value.comparator in (None, ">=", ">") and whole_unit(f) and not re.search(r"(再|另|还将|继续)", clause(f))]
    done = [(f, thing(f)) for f in ex.facts if countable(f) and (f.period or year) == year and not names_later_year(f, ex.year)
            and achieved(f)]
    for p, tp in plans:
        for r, tr in done:
            value = p.value.scaled(r.value.unit) if p.value.unit != r.value.unit else p.value.value
            if value is None or r.value.value is None or value >= r.value.value or len(tp.replace("|", "")) < 3:
                continue
            shared = same_thing(p, tp, r, tr)
            if shared is None:
                continue
            yield finding(
                "warning", "contradicted",
                f"下一年度“{shared}”目标{p.value.text}低于本年已实现的{r.value.text}，目标设置偏低：“…{near(p)}”；“…{near(r)}”",
                expected=f"≥{r.value.text}", found=p.value.text,
                evidence=[Evidence(text=p.value.text, at=p.at), Evidence(text=r.value.text, at=r.at)],
            )
            break


def _context(c: Claim) -> str:
    """The words right before the metric in its sentence (the subject), numbering removed."""
    if c.metric_at is None:
        return ""
    start = c.sentence.find(c.metric)
    before = c.sentence[max(0, start - 6) : start] if start >= 0 else ""
    return re.sub(r"[\d、，,.．（）()\s]|^[一二三四五六七八九十]+", "", before)


@rule("narrative.definition")
def definition(ex: Extraction):
    """The same figure under another definition: the text's `技改投资增长率达到12%` where the form's (or the
    text's own) 12% is `技改投资占工业投资比重` (a share, not a growth rate). Only when no form figure of the
    claim's own measure restates it, the share's subject (the words before 占) leads the other name, and the
    figures agree."""
    others = [(c.key, _NUMBERING.sub("", c.label), c.measure, c.kind, c.value, c.at, "表中") for c in candidates(ex)
              if c.value.unit in ("%", "‰") and c.value.value is not None]
    facts = _text_facts(ex)

    def named(c: Claim) -> str:
        # a share named in full by its clause (教育经费占全县一般公共预算支出比重达到5.8%) where the tagger's metric
        # kept only its tail (一般公共预算支出比重)
        f = facts.get(_place(c.at))
        words = f.name if f is not None and f.name and "占" in f.name and len(f.name) <= 30 else c.metric or ""
        return words

    others += [(canonical(named(c)), named(c), c.measure, "any", c.value, c.at, "正文另处") for c in ex.claims
               if c.metric and c.value.unit in ("%", "‰") and c.value.value is not None]
    linked = {id(claim) for claim, cand, _ in _linked(ex) if cand is not None}
    reported: set[tuple] = set()
    for claim in ex.claims:
        if id(claim) in linked or claim.measure not in ("growth", "share") or claim.value.unit not in ("%", "‰"):
            continue
        name = canonical(named(claim))
        if len(name) < 4 or claim.value.value is None:
            continue
        for key, label, measure, kind, value, at, where in others:
            if measure not in ("growth", "share") or measure == claim.measure or kind not in ("any", claim.kind):
                continue
            growth, share = (name, key) if claim.measure == "growth" else (key, name)
            if not _same_subject(growth, share) or not _agree_values(claim.value, value):
                continue
            pair = tuple(sorted([(claim.at.block, claim.at.table, claim.at.row, claim.at.start),
                                 (at.block, at.table, at.row, at.start) if at else ()], key=str))
            if pair in reported:
                break
            reported.add(pair)
            what = {"growth": "增长率", "share": "占比"}
            yield finding(
                "warning", "contradicted",
                f"正文称“{claim.metric}”{what[claim.measure]}为{claim.value.text}，而{where}{value.text}是“{label}”，"
                f"是{what[measure]}而非{what[claim.measure]}：“{claim.sentence[:60]}”",
                expected=f"{label} {value.text}", found=claim.value.text,
                evidence=[_claim_evidence(claim), Evidence(text=value.text, at=at or claim.at)],
            )
            break
    yield from _definition_in_text(ex, reported)


_GROWTH_WORDS = re.compile(r"(同比|环比|比上年|较上年|比去年|较去年|年均)?(增长|增幅|增速|提高|上升|下降|减少|降低|回落)(率|了)?$")
_SHARE_WORDS = re.compile(r"(的)?(比重|比例|占比|份额)?(为|达到|达|是)?$")


_CLAUSES = re.compile(r"[，；;：:]|(?<!\d),|,(?!\d)")  # a comma between digits separates thousands, not clauses
_COMPARED_WITH = re.compile(r"(较|比|相比)[^，,；;]*?[\d.,]+\s*[^\d\s]{0,3}$")


def _subject(f: Fact) -> str:
    """Whose rate a percentage is: its clause's words without the rate's own words, or, when the clause is only those
    (`，同比增长12.4%`, `，占全市总量的23.5%`, `，较上年的2,106.30万元增长10.55%`), the first clause of its sentence (the
    topic), figures and scope words dropped."""
    clauses = [c for c in _CLAUSES.split(f.before or "") if c]
    words = clauses[-1] if clauses else ""
    words = words.split("占")[0] if "占" in words else _SHARE_WORDS.sub("", _GROWTH_WORDS.sub("", words))
    words = _COMPARED_WITH.sub("", re.sub(r"率$", "", words))
    if len(NOISE.sub("", "".join(WORDS.findall(words)))) < 2 and len(clauses) > 1:
        words = _NUMBERING.sub("", re.sub(r"[\d.,，]+[^\u4e00-\u9fff]*[\u4e00-\u9fff]{0,3}$", "", clauses[0]))
    return NOISE.sub("", "".join(WORDS.findall(words)))


def _definition_in_text(ex: Extraction, reported: set[tuple]):
    """One percentage given as a growth rate in one sentence and as a share or a rate (占…的, 比重, 就业率) in another,
    of one subject: the same displayed figure, with a decimal (a coincidence of 12.4% is rare, of 100% or 95% is not),
    and subjects that share at least half of the shorter one (林草产业总产值 | 林草产业产值)."""
    pct = [f for f in ex.facts if f.source == "text" and f.value.unit in ("%", "‰") and f.value.value is not None
           and f.value.comparator is None and not f.malformed and decimals(f.value.text) >= 1]
    growths = [f for f in pct if f.measure == "growth"]
    shares = [f for f in pct if f.measure == "share"]
    for g in growths:
        for sh in shares:
            if g.sentence == sh.sentence or g.value.text != sh.value.text:
                continue  # the same displayed figure: the same text
            a, b = _subject(g), _subject(sh)
            common_run = common(a, b)
            if len(common_run) < 2 or len(common_run) * 2 < min(len(a), len(b)):
                continue
            pair = tuple(sorted([(g.at.block, g.at.table, g.at.row, g.at.start), (sh.at.block, sh.at.table, sh.at.row, sh.at.start)], key=str))
            if pair in reported:
                continue
            reported.add(pair)
            yield finding(
                "warning", "contradicted",
                f"正文同一数字{g.value.text}一处是“{a}”的增长率，另一处是“{b}”的占比或比率，二者不能相同：“…{near(g)}”；“…{near(sh)}”",
                expected=sh.value.text, found=g.value.text,
                evidence=[Evidence(text=g.value.text, at=g.at), Evidence(text=sh.value.text, at=sh.at)],
            )


def _same_subject(growth: str, share: str) -> bool:
    """工业技改投资 | 工业技改投资占工业投资比重, 教育经费总投入 | 教育经费占全县一般公共预算支出比重: the share's
    subject (before 占) leads the growth's name (工业投资, the share's base, does not)."""
    if not re.search(r"(占|比重|比例)", share):
        return False  # a share by name only (X占Y比重): a bare `8.5%` the words did not make a growth is no definition
    subject = share.split("占")[0] if "占" in share else share
    return growth.startswith(subject) and len(subject) >= 4 or subject.startswith(growth) and len(growth) >= 4


def _agree_values(a, b) -> bool:
    tol = max(half_unit(decimals(a.text)), half_unit(decimals(b.text))) + 1e-9
    return a.value is not None and b.value is not None and abs(a.value - b.value) <= tol


_PER_UNIT = re.compile(r"(每[^\d，,；;。]{1,3}|人均|生均|户均|亩均|均|标准|单价)[^，,；;。]{0,8}$")


def _per_unit(claim: Claim, facts: dict) -> bool:
    fact = facts.get(_place(claim.at))
    return fact is not None and bool(_PER_UNIT.search(fact.before or ""))


@rule("narrative.unit_outlier")
def unit_outlier(ex: Extraction):
    facts = _text_facts(ex)
    by_sentence: dict[tuple, list[Claim]] = defaultdict(list)
    for c in ex.claims:
        if c.value.unit in ("元", "万元", "亿元"):
            by_sentence[(c.at.block, c.at.table, c.at.row, c.at.col, c.sentence)].append(c)
    for items in by_sentence.values():
        units = [c.value.unit for c in items]
        if units.count("元") == 1 and units.count("万元") >= 2:
            odd = next(c for c in items if c.value.unit == "元")
            if _per_unit(odd, facts):
                continue  # 生均500元, 每人每月300元: a standard per head is written in 元 on purpose
            yield finding(
                "warning", "contradicted",
                f"同一句中其他金额以万元计，唯独{odd.value.text}以元计，疑为漏写“万”：“{odd.sentence[:60]}”",
                expected=f"{odd.value.text[:-1]}万元", found=odd.value.text, evidence=[_claim_evidence(odd)],
            )


@rule("narrative.rating_band")
def rating_band(ex: Extraction):
    total = ex.totals.score if ex.totals else None
    for rating in ex.ratings:
        grade = GRADE_OF.get(rating.grade)
        if grade is None or total is None:
            continue
        band = next(name for name, low in BANDS if total >= low)
        if band != grade:
            yield finding("error", "contradicted",
                          f"评价等次为“{rating.grade}”，但总分{total:g}分对应“{band}”（优≥90，良80–90，中60–80，差<60）",
                          expected=band, found=rating.grade, evidence=[Evidence(text=rating.text, at=rating.at)])
        else:
            yield finding("info", "supported", f"评价等次“{rating.grade}”与总分{total:g}分相符", expected=band,
                          found=rating.grade, evidence=[Evidence(text=rating.text, at=rating.at)])


@rule("narrative.unverifiable")
def unverifiable(ex: Extraction):
    for claim, cand, _ in _linked(ex):
        if cand is None:
            yield finding("info", "unverifiable",
                          f"正文“{claim.metric or '（无指标）'}”{claim.value.text}：表中没有可核对的对应数据",
                          found=claim.value.text, evidence=[_claim_evidence(claim)])
