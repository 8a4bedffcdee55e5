"""Which thing a figure of the text counts, and whether two figures count the same thing.

A report names one thing in many ways: `治理隐患点19处` and `地质灾害隐患点工程治理17处`, `覆盖28个社区养老服务站` and
`全区26个社区养老服务站`. `thing` reads the words a figure counts (its clause before it, from the last figure on, and
for `15处集中供水工程` the words after its unit), without scope, verbs of doing and generic tails; `same_thing` decides
from those words alone, never from a list of names:

- the two share a run of four characters or more (three when the figures are one slip apart: 3.62 | 3.26);
- what is left of each name has no word in common with the other's rest only when one rest is empty (在册 | 工程治理,
  改造提升小型 | 集中 make two things);
- each name's head (the thing it counts stands at its end, or right after the unit) is in the other name
  (…优良中等路里程 counts 里程, not 农村公路);
- two figures whose sentences name events or projects in quotes name the same ones (“春季推介会” | “秋季推介会”).

`states_result` keeps the figures that state the year's result for the whole unit: not a plan, a part, a comparison,
a running total, a place or part of the unit, or a goal of its section. narrative.restated (one report stating one
thing twice) and across.last_year_restated (a later report quoting the earlier one) read these.
"""

from __future__ import annotations

import re
from itertools import pairwise

from extractor.schema import Fact

# words that make a figure a plan, a part, a comparison or a running total rather than the year's result
_NOT_RESULT = re.compile(r"(计划|目标|预计|力争|拟|争取|要求|确保|预期|不低于|不少于|不超过|以上|以内|其中|分别|包括|(?<!全年)累计|截至|截止|"
                         r"上半年|下半年|季度|\d+月|每|人均|户均|生均|平均|比|较|同比|相比|高于|低于|超过|突破|增长|增加|减少|下降|提高|"
                         r"上年|去年|占)")
# a sentence that sets goals (年初设定的主要目标为：…) states no result anywhere in it
_PLAN = re.compile(r"(目标|计划|预计|力争|预期|拟)")
# a circumstance that narrows what the clause counts (在另一场推介会上, 其中, 此外)
_CIRCUMSTANCE = re.compile(r"(在[^，,。；;]{1,15}(上|中|期间|方面|内)|其中|另有|此外)")
# a place or a part of the unit named in the figure's clause (城关镇, 局机关, 二级单位): a part, not the whole; 农村, 乡村 and
# 县乡村三级 name kinds of place, not one
_SUB_SCOPE = re.compile(r"(机关|二级单位|二级机构|下属|所属|局属|直属|[^全各\W\d]{2}(?<![农乡城])(镇|街道|村)(?![级民组集]))")
# a list's items (其中…、…；由…和…构成；具体为：…) are parts of their whole, not the year's result for a thing
_LIST_ITEM = re.compile(r"(其中|分别|包括|具体为|具体是|主要用于|由.{0,20}和)")
_NUMBERING = re.compile(r"^\s*(\d+[、.．]|指标\d+[:：])\s*")
_THING_AFTER = re.compile(r"^(?![和及与])[\u4e00-\u9fff]{2,12}?(?=[，,；;。：:（(、和及与\d]|$|通过|投入|均|已|全部|完成|实现|得到|达到)")
#: words around a thing that do not say which thing: scope, verbs of doing, and generic tails (营造林任务 is 营造林)
NOISE = re.compile(r"(全年|全县|全市|全区|全省|全州|全旗|全部|本年度?|年度|(19|20)\d{2}年度?|我局|我单位|本部门|本项目|"
                   r"完成了?|实现了?|达到|共计|合计|总计|共|已|均|为|是|有|的|了|任务|工作|数量|总量|规模|共有|开展|覆盖)")
WORDS = re.compile(r"[\u4e00-\u9fff]+")
#: an event or project named in quotes
NAMED = re.compile(r"[“\"《]([^”\"》]{2,40})[”\"》]")


#: the roles of figures that are not the year's results: a goals section or paragraph (绩效目标为：…), the plans (下一步)
NOT_THIS_YEAR = ("goal", "plan")


def clause(f: Fact, colon: bool = True) -> str:
    """The words of the figure's own clause before it; with colon=False a colon does not end the clause
    (`计划：新建15处` keeps its 计划)."""
    return re.split(r"[，,；;。：:]" if colon else r"[，,；;。]", f.before or "")[-1]


def states_result(f: Fact) -> bool:
    """Does the text figure state the year's result for the whole unit (its words and its section say nothing else)?"""
    if f.role in NOT_THIS_YEAR:
        return False
    before = f.before or ""
    return not (_NOT_RESULT.search(clause(f)) or _PLAN.search(before) or _SUB_SCOPE.search(before) or _CIRCUMSTANCE.search(before)
                or _LIST_ITEM.search(before) or before.count("（") + before.count("(") > before.count("）") + before.count(")"))


_COMPARED = re.compile(r"(比|较|相比|同比|上年|去年|增加|减少|增长|下降)")


def compared(f: Fact) -> bool:
    """Is the text figure one that its clause compares with (较上年的375家), or a change (增加37家)?"""
    return bool(_COMPARED.search(clause(f)))


_PLAN_WORDS = re.compile(r"(力争|计划|目标|设定为?|确保|争取|预计|预期|拟|不低于|不少于|以上)")


def plan_thing(f: Fact) -> str:
    """What a target for next year counts, its words of planning left out (力争…联网直报单位达到430家 -> 联网直报单位)."""
    return "|".join(_PLAN_WORDS.sub("", part) for part in thing(f).split("|"))


def whole_unit(f: Fact) -> bool:
    """Does the figure's text name no place or part of the unit (城关镇, 局机关) before it?"""
    return not _SUB_SCOPE.search(f.before or "")


def achieved(f: Fact) -> bool:
    """Looser than `states_result`: a figure of the year's work for the whole unit, running totals of the year
    (累计提供…1,318人次, 截至年末…451家) included; not a goal, plan, comparison, part of the unit or bound."""
    return (f.role not in NOT_THIS_YEAR and f.value.comparator is None and not compared(f) and whole_unit(f)
            and not _PLAN.search(clause(f, colon=False)))


def names_later_year(f: Fact, year: int | None) -> bool:
    """Does the figure's text before it name a year after `year` (力争2025年… in a 2024 report)?"""
    return bool(year) and any(int(y) > year for y in re.findall(r"((?:19|20)\d{2})年", f.before or ""))


def thing(f: Fact) -> str:
    """What a figure counts: `before|after`, the words of its clause before it (from the last figure on) and, for
    `15处集中供水工程`, the words after its unit."""
    before = re.split(r"[，,；;：:。（(]", f.before or "")[-1]
    before = re.sub(r"^年度?", "", _NUMBERING.sub("", re.split(r"\d[^\u4e00-\u9fff]*", before)[-1]))
    # a name that runs on after the unit (19个项目纳入…重点项目): its first words
    m = _THING_AFTER.match(f.after or "") or re.match(r"^(?![和及与])[\u4e00-\u9fff]{4}", f.after or "")
    return "|".join(NOISE.sub("", w) for w in (before, m[0] if m else "") if w)


def same_thing(a: Fact, ta: str, b: Fact, tb: str) -> str | None:
    """The words two figures' things share when they count one thing (see the module's rules), else None."""
    named_a, named_b = set(NAMED.findall(a.before or "")), set(NAMED.findall(b.before or ""))
    if named_a and named_b and named_a != named_b:
        return None  # each figure belongs to the event or project its sentence names
    shared = max((common(x, y) for x in ta.split("|") for y in tb.split("|")), key=len)
    if len(shared) < 3 or len(shared) < 4 and not slip(a, b):
        return None
    rest_a, rest_b = _bigrams(ta.replace(shared, "|")), _bigrams(tb.replace(shared, "|"))
    if rest_a and rest_b and not rest_a & rest_b:
        return None
    if not (_head(ta) in tb and _head(tb) in ta):
        return None
    return shared


def _head(name: str) -> str:
    """The last two characters of the words before the figure, or the first two after its unit when it has them."""
    before, _, after = name.partition("|")
    return after[:2] if len(after) >= 2 else before[-2:]


def _bigrams(text: str) -> set[str]:
    return {a + b for w in WORDS.findall(text) for a, b in pairwise(w)}


def common(a: str, b: str) -> str:
    """The longest run of characters two names share."""
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best.strip("|")


def slip(a: Fact, b: Fact) -> bool:
    """Two figures one slip apart: one digit changed, or two neighbouring digits swapped (3.62 | 3.26, 83.4 | 84.3)."""
    x, y = (re.sub(r"[^\d.]", "", f.value.text) for f in (a, b))
    if len(x) != len(y) or x.find(".") != y.find(".") or x == y:
        return False
    x, y = x.replace(".", ""), y.replace(".", "")
    diff = [i for i, (p, q) in enumerate(zip(x, y)) if p != q]
    return len(diff) == 1 or len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]] and x[diff[1]] == y[diff[0]]


def near(f: Fact) -> str:
    """A figure with the words around it, as an auditor would look for it in the text."""
    tail = re.match(r"[^，,；;。：:（(\d]{0,10}", f.after or "")[0]
    return re.sub(r"\s+", "", f.before or "")[-20:] + f.value.text + tail
