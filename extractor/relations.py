"""Relations the text states between its figures, read from its words.

- parts: `全年支出7125.61万元，其中基本支出2195.62万元，项目支出4929.99万元`: the
  figures after 其中 (to the end of the sentence or the next 其中, outside
  brackets, of the whole's dimension, not changes such as 比上年增加5万元) are
  parts of the last such figure before 其中 in the sentence; when the parts
  name their base (`占基本支出的17.83%`) and nothing before 其中 does, the
  base is the whole.
- share: `工资福利支出1270.44万元，占基本支出的17.83%`: the percentage, the
  amount before it in its sentence, and the figure the base names (the
  nearest figure named 基本支出 before it in the text, else anywhere in the
  text, else in a table), with 总支出 ~ 全年支出 ~ 支出合计 and the like.
- product: `200人，每人500元，共计10万元`: a count, a rate per counted thing
  and a total in one sentence.

The relations are found from structure (其中, 占…的, 每人 … 共计) and the
units of the figures, never from the seeds' names. Nothing is compared here:
`extractor.reconcile.relations` checks them.
"""

from __future__ import annotations

import re
from collections import defaultdict

from extractor.document import At
from extractor.facts import clause_name
from extractor.quantity import _SCALES, UNITS
from extractor.schema import Fact, Relation

_SENTENCE_END = re.compile(r"[。！？!?\n]")
_RUN_END = re.compile(r"[。；;！？!?\n]")
_CHANGE_WORDS = re.compile(r"(比上年|较上年|比去年|较去年|同比|较年初|比年初|较预算|比预算|增加|减少|下降|增长|节约|超支|结余|结转|压减|降低|上升|减支|增支)[了为]?\s*$")
# a difference from a goal or a plan (超出目标16人, 低于计划3处) is no whole and no part
_BEYOND = re.compile(r"(超出|超过|高于|低于|多于|少于|未达)[^，,；;。\d]{0,6}$")
# words that open a list of the parts of the figure before them
_LIST_MARK = re.compile(r"其中|包括|分别为|分别是|具体为|具体是|主要用于|主要是|由(?=[^。；;]{2,80}构成)")
# the whole a sentence names first: before its purpose words when it has them (项目支出主要用于五个方面，具体为：…), else its
# first words up to a comma or colon
_SENTENCE_SUBJECT = (re.compile(r"^\s*([^，,：:；;。\d]{2,12}?)(?:主要用于|主要是|主要包括|的构成)"),
                     re.compile(r"^\s*([^，,：:；;。\d]{2,12}?)(?:[^，,：:；;。\d]{0,12}[，,]|[：:]|$)"))
_COMPARED = re.compile(r"(较|比|相比|对比)[^，,；;。]{0,12}$")
# 占基本支出的17.83%, and with the base's figure inline: 占全年支出917.05万元的85.67% (a separator's comma is no break)
_SHARE_BEFORE = re.compile(r"占(?P<base>(?:[^，,；;。：:%占（）()]|(?<=\d)[,，](?=\d)){0,24}?)(?:的)?(?:比重|比例|份额)?(?:为|达到|达|约|是)?\s*$")
# 每户补助8万元, 每人发放培训补贴3000元, 按每公里每年7,000元, 每亩500元: a rate per counted or measured thing (not per
# day or month: no count multiplies those). Any unit the parser knows can follow 每, and 村, 校, 站 count as 个.
_PER_UNITS = tuple(u for u in UNITS if not u.startswith("万") and u not in ("倍", "分")
                   and _SCALES.get(u, (0, "thing"))[1] not in ("money", "ratio", "pp"))
_RATE_BEFORE = re.compile(r"(?:每(?P<per>" + "|".join(map(re.escape, sorted(set(_PER_UNITS) | {"村", "校", "站", "所", "名", "位", "生"}, key=len, reverse=True)))
                          + r")|(?P<per2>[人户生亩])均)(?P<gap>[^，,；;。\d]{0,8})$")
_PER_TIME = re.compile(r"每?(天|日|季|周)")
_PER_MONTH = re.compile(r"每?月")
_MONTHS = re.compile(r"(\d{1,2})\s*个月")
# the total a rate adds up to: 共计…, 发放…, 安排建设资金… (a word or two of what the money is may stand between)
_TOTAL_BEFORE = re.compile(r"(共计|合计|总计|累计|总额|共|计|全年发放|发放|拨付|兑付|安排|下达)"
                           r"(?:[\u4e00-\u9fff]{0,4}(?:资金|经费|补助|补贴|奖励|奖补))?(?:为|达到|达|发放|支出|支付|拨付|下达|安排|金额|资金)?\s*$")
# the units a count may be in for a rate per X: 每人 counts 人 and 名, 每村 counts 个 …; any other unit counts itself
# and what converts to it (每亩 counts 万亩, 每公里 counts 千米)
_COUNT_OF = {"人": ("人", "名", "人次", "位"), "名": ("人", "名"), "位": ("人", "名", "位"), "次": ("次", "人次"),
             "村": ("个", "村"), "校": ("所", "个"), "站": ("个", "站", "座"), "生": ("人", "名")}


def _counts_per(unit: str | None, per: str) -> bool:
    if unit is None:
        return False
    if unit in _COUNT_OF.get(per, (per,)):
        return True
    a, b = _SCALES.get(unit), _SCALES.get(per)
    return a is not None and b is not None and a[1] == b[1]


# names of the same whole: a base written 总支出 is stated elsewhere as 全年支出 or 支出合计
_SAME_WHOLE = (
    ("总支出", "全年支出", "支出合计", "本年支出", "支出总额", "全部支出", "年度支出", "支出总计", "本年支出合计", "整体支出"),
    ("总收入", "全年收入", "收入合计", "本年收入", "收入总额", "全部收入", "年度收入", "收入总计", "本年收入合计"),
    ("总预算", "全年预算", "预算合计", "预算总额", "年度预算", "全年预算数"),
)


def dimension(unit: str | None) -> str | None:
    """money, ratio, count:人 …: figures of one dimension can be added and compared (unknown units: themselves)."""
    if unit is None:
        return None
    scale = _SCALES.get("%" if unit == "％" else unit)
    return scale[1] if scale else f"unit:{unit}"


# words that qualify a whole without changing it: its year, 本, 共, 年度, a 资金 or 合计 at its end (本项目年度预算 is
# 项目预算资金; 2023年度部门支出 is 部门支出合计)
_QUALIFIERS = re.compile(r"^((19|20)\d{2}年度?|本年度?|本|共|全年)+|年度|(资金|金额|合计|总计|总额)$")


def name_key(name: str | None) -> str:
    return re.sub(r"[“”\"'‘’\s的]", "", name or "")


def names_base(name: str | None, base: str) -> bool:
    """Does a figure's name say it is the base `base`? (2021年基本支出 is 基本支出; 全年支出 is 总支出; 本项目年度预算 is
    项目预算资金 once their qualifiers are gone, when what is left still names something: 支出合计 is not any 支出)."""
    n, b = name_key(name), name_key(base)
    if _same_name(n, b):
        return True
    n2, b2 = _QUALIFIERS.sub("", n), _QUALIFIERS.sub("", b)
    return (n2, b2) != (n, b) and len(b2) >= 3 and _same_name(n2, b2)


def _same_name(n: str, b: str) -> bool:
    if not n or not b:
        return False
    if n == b or (n.endswith(b) and len(b) >= 2) or (b.startswith("总") and n == b[1:]):
        return True
    for group in _SAME_WHOLE:
        if any(b.endswith(g) or g.endswith(b) for g in group if len(b) >= 2) and any(n.endswith(g) for g in group):
            return True
    return False


def _in_brackets(text: str, lo: int, pos: int) -> bool:
    depth = 0
    for ch in text[lo:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth > 0


def _is_part_candidate(text: str, f: Fact) -> bool:
    q = f.value
    if q.value is None or q.comparator is not None or q.low is not None or f.malformed:
        return False
    before = text[max(0, f.at.start - 12) : f.at.start]
    return not (_CHANGE_WORDS.search(before[-8:]) or _BEYOND.search(before))


def order(f: Fact) -> int:
    """A fact's place in the document (x12 after x9: the ids are numbered in order)."""
    return int(f.id[1:]) if f.id[1:].isdigit() else 0


def _sentence_bounds(text: str, pos: int, ends: re.Pattern[str] = _SENTENCE_END) -> tuple[int, int]:
    """The sentence around `pos`; with `_RUN_END`, the run of clauses up to a full stop or ；."""
    lo = max((m.end() for m in ends.finditer(text, 0, pos)), default=0)
    m = ends.search(text, pos)
    return lo, m.start() if m else len(text)


def _parts(text: str, facts: list[Fact], at: At, all_facts: list[Fact]) -> list[Relation]:
    out: list[Relation] = []
    marks = [m for m in _LIST_MARK.finditer(text)]
    for i, m in enumerate(marks):
        lo, hi = _sentence_bounds(text, m.start())
        if m.group(0).startswith("由"):
            close = text.find("构成", m.end(), hi)
            hi = close if close > 0 else hi
        if m.group(0).startswith("主要"):
            # 主要用于…：a purpose; its list ends with its clause run, the next ； starts another subject
            semi = re.search(r"[；;]", text[m.end() : hi])
            hi = m.end() + semi.start() if semi else hi
        # a 其中 list runs past a full stop only when its parts keep the sentence's form (…；…。) — not here:
        # the scope ends at the sentence end or at the next 其中
        if i + 1 < len(marks) and marks[i + 1].start() < hi:
            hi = marks[i + 1].start()
        after = [f for f in facts if m.end() <= f.at.start < hi and _is_part_candidate(text, f)
                 and not _in_brackets(text, m.end(), f.at.start)]
        before = [f for f in facts if lo <= f.at.start < m.start() and _is_part_candidate(text, f)]
        if not after:
            continue
        # the whole stated right before the list sets what is summed (47.04万元，包括…2,400个…计19.20万元): else the first item
        dim = dimension(after[0].value.unit)
        if before and any(dimension(f.value.unit) == dimension(before[-1].value.unit) for f in after):
            dim = dimension(before[-1].value.unit)
        if dim is None or dim in ("ratio", "pp"):
            continue
        parts = [f for f in after if dimension(f.value.unit) == dim]
        if any(text[:p.at.start].rstrip().endswith("的") for p in parts):
            continue  # 其中专业技术人员9人、具有高级职称的3人: attributes of the members, which overlap, not parts
        total = next((f for f in reversed(before) if dimension(f.value.unit) == dim), None)
        if total is not None and _COMPARED.search(text[max(lo, total.at.start - 16) : total.at.start]):
            continue  # 较2022年的8.46万元减少…，其中…: the figure compared with is not the whole broken down
        if total is None:
            # 基本支出主要用于…，包括人员经费…: the sentence names its whole first, stated in an earlier sentence
            lead = next((x for r in _SENTENCE_SUBJECT if (x := r.match(text[lo : m.start()]))), None)
            if lead:
                total = next((x for x in reversed([x for x in all_facts if x.source == "text" and order(x) < order(parts[0])
                                                   and x not in parts]) if dimension(x.value.unit) == dim
                              and x.measure == "amount" and not x.malformed and names_base(x.name, lead[1])), None)
        if total is None:
            bases = {b for f in parts if (b := _share_base_after(text, f, hi))}
            if len(bases) == 1:
                base = bases.pop()
                total = next((f for f in reversed([f for f in facts if f.at.start < m.start()]) if names_base(f.name, base)
                              and dimension(f.value.unit) == dim), None)
        if total is None or not parts:
            continue
        # a whole found by its name may stand sentences earlier, or in another paragraph
        here = (total.at.block, total.at.table, total.at.row, total.at.col) == (at.block, at.table, at.row, at.col)
        first = total.at.start if here and total.at.start >= lo else m.start()
        out.append(Relation(kind="parts", total=total.id, parts=[f.id for f in parts], text=text[first : parts[-1].at.end],
                            at=at.model_copy(update={"start": first, "end": parts[-1].at.end})))
    return out


def _share_base_after(text: str, part: Fact, hi: int) -> str | None:
    """`1270.44万元，占基本支出的17.83%` -> 基本支出: the base the share right after a part names."""
    m = re.match(r"\s*[,，]?\s*占(?P<base>[^，,；;。：:%占（）()\d]{1,20}?)(?:的)?(?:比重|比例|份额)?(?:为|达到|达|约|是)?\s*\d", text[part.at.end : hi])
    return m["base"] if m else None


def _shares(text: str, facts: list[Fact], at: At, all_facts: list[Fact]) -> list[Relation]:
    out: list[Relation] = []
    for k, f in enumerate(facts):
        if f.value.unit not in ("%",) or f.value.value is None or f.value.low is not None:
            continue
        lo = max(0, f.at.start - 30)
        m = _SHARE_BEFORE.search(text[lo : f.at.start])
        if not m or not m["base"] or len(name_key(m["base"])) < 2:
            continue
        base_name = m["base"]
        # a base stated inline is that figure, and its name the words before it
        inline = next((x for x in facts if lo + m.start("base") <= x.at.start < lo + m.end("base")
                       and dimension(x.value.unit) not in (None, "ratio", "pp") and x.value.value), None)
        if inline is not None:
            base_name = text[lo + m.start("base") : inline.at.start]
        # shares of money, or of whatever the inline base measures (86.4公里占总里程741.1公里的6.72%)
        dim = dimension(inline.value.unit) if inline is not None else "money"
        s_lo, _ = _sentence_bounds(text, f.at.start)
        seg_lo = max([s_lo] + [x.end() for x in re.finditer(r"[；;]", text[: lo + m.start()])])
        named = clause_name(text, lo + m.start())  # 人员经费占基本支出的84.58%: the part is named before 占
        if "分别" in text[seg_lo : f.at.start]:
            continue  # A、B分别占…的x%、y%: which amount goes with which share needs the list aligned
        nearest = next((p for p in reversed(facts[:k]) if p.at.start >= seg_lo and dimension(p.value.unit) == dim
                        and _is_part_candidate(text, p) and p is not inline), None)
        part = None
        if named:
            # the part named before 占: in this paragraph, else anywhere earlier in the text, else the amount of its clause run
            part = next((p for p in reversed(facts[:k]) if names_base(p.name, named) and dimension(p.value.unit) == dim
                         and _is_part_candidate(text, p) and p is not inline), None)
            part = part or next((p for p in reversed([x for x in all_facts if x.source == "text" and order(x) < order(f) and x not in facts])
                                 if names_base(p.name, named) and dimension(p.value.unit) == dim and not p.malformed
                                 and p.measure != "growth"), None)
        part = part or nearest
        if part is None:
            continue
        base = inline or _find_base(base_name, f, facts, all_facts, part, below_whole=f.value.value < 100)
        out.append(Relation(kind="share", share=f.id, parts=[part.id], base=base.id if base else None, base_name=base_name,
                            text=text[part.at.start : f.at.end], at=at.model_copy(update={"start": part.at.start, "end": f.at.end})))
    return out


def _find_base(base_name: str, share: Fact, facts: list[Fact], all_facts: list[Fact], part: Fact,
               below_whole: bool = True) -> Fact | None:
    """The figure `base_name` names: nearest before the share in its text, then the rest of the text, then tables.

    A share under 100% is of a base larger than its part: a smaller figure of that name is another one
    (a sub-unit's 支出合计)."""
    part_value = part.value.scaled("元") if part.value.unit else part.value.value

    def ok(x: Fact) -> bool:
        if x.id == part.id or dimension(x.value.unit) != "money" or x.value.value is None or x.malformed \
                or x.measure != "amount" or not names_base(x.name, base_name):
            return False
        size = x.value.scaled("元") if x.value.unit else x.value.value
        return not (below_whole and part_value is not None and size is not None and size < part_value)

    before = [x for x in facts if x.at.start < share.at.start and ok(x)]
    if before:
        return before[-1]
    text_any = [x for x in all_facts if x.source == "text" and ok(x)]
    if text_any:
        return text_any[0]
    return next((x for x in all_facts if x.source == "table" and ok(x)), None)


def _products(text: str, facts: list[Fact], at: At) -> list[Relation]:
    out: list[Relation] = []
    done: set[tuple[int, int]] = set()
    for f in facts:
        m = _RATE_BEFORE.search(text[max(0, f.at.start - 14) : f.at.start])
        if not m or _PER_TIME.search(m["gap"]) or dimension(f.value.unit) != "money" or f.value.value is None:
            continue
        per = m["per"] or m["per2"]
        # each ；-run of `县道…按每公里7,000元安排…；乡道…` is one product
        lo, hi = _sentence_bounds(text, f.at.start, _RUN_END)
        if (lo, hi) in done:
            continue
        # 每人每月300元: times the months the sentence states (补贴6个月), else twelve for a whole year's total
        stated = _MONTHS.search(text[f.at.end : hi])
        months = (int(stated[1]) if stated else 12) if _PER_MONTH.search(m["gap"]) else 1
        inside = [x for x in facts if lo <= x.at.start < hi and x.id != f.id and x.value.value is not None and not x.malformed]
        counts = [x for x in inside if _counts_per(x.value.unit, per) and x.value.comparator is None]
        totals = [x for x in inside if x.at.start > f.at.start and dimension(x.value.unit) == "money"
                  and _TOTAL_BEFORE.search(text[max(0, x.at.start - 6) : x.at.start])]
        rates = [x for x in inside if dimension(x.value.unit) == "money"
                 and (r := _RATE_BEFORE.search(text[max(0, x.at.start - 14) : x.at.start])) and not _PER_TIME.search(r["gap"])]
        if _PER_MONTH.search(m["gap"]) and not _MONTHS.search(text[lo:hi]) and "全年" not in text[lo:hi]:
            continue  # a monthly rate and a total of no stated span
        if len(counts) != 1 or len(totals) != 1 or rates:
            continue  # two counts or two rates: which multiplies which is not clear from the words
        done.add((lo, hi))
        count, total = counts[0], totals[0]
        first = min(count.at.start, f.at.start)
        out.append(Relation(kind="product", total=total.id, parts=[count.id, f.id], text=text[first : total.at.end],
                            months=months, per=count.value.unit if count.value.unit in _COUNT_OF.get(per, ()) else per,
                            at=at.model_copy(update={"start": first, "end": total.at.end})))
    return out


# a rate of two amounts the text states (执行率, 到位率, 完成率): (what it counts, what it divides by)
_RATES = {
    "执行率": (r"(支出|执行|决算|使用)", r"(预算|计划|下达|批复|核定|可用资金)"),
    "支出率": (r"(支出|执行|决算|使用)", r"(预算|计划|下达|批复|核定|可用资金)"),
    "到位率": (r"(到位|到账|拨付)", r"(下达|计划|预算|应到位|批复|安排)"),
    "完成率": (r"(完成|实际|实现)", r"(计划|目标|任务|预算)"),
    "支付率": (r"(支付|拨付|兑付)", r"(应付|计划|预算|下达|合同)"),
    "兑付率": (r"(兑付|发放)", r"(应兑付|应发放|计划|下达)"),
}
_RATE_BEFORE_PCT = re.compile(r"(" + "|".join(_RATES) + r")(?:为|达到|达|是|约)?\s*$")


def _rates(text: str, facts: list[Fact], at: At, all_facts: list[Fact]) -> list[Relation]:
    """`实际支出2318.64万元，预算执行率为97.42%`: the rate, the amount it counts (in its sentence, named by the rate's own
    words) and the amount it divides by when its sentence names one (else None: relations.rate looks for the year's
    budget stated before it)."""
    out: list[Relation] = []
    for k, f in enumerate(facts):
        if f.value.unit != "%" or f.value.value is None or f.value.comparator is not None or f.malformed:
            continue
        m = _RATE_BEFORE_PCT.search(text[max(0, f.at.start - 12) : f.at.start])
        if not m:
            continue
        counts, divides = _RATES[m[1]]
        lo, _ = _sentence_bounds(text, f.at.start)
        here = [x for x in facts[:k] if x.at.start >= lo and x.value.value is not None and x.value.comparator is None
                and not x.malformed and dimension(x.value.unit) not in (None, "ratio", "pp") and _is_part_candidate(text, x)]
        num = next((x for x in reversed(here) if re.search(counts, x.name or "") and not re.search(divides, x.name or "")), None)
        if num is None:
            continue
        # what it divides by: named so in its own sentence; else the rule looks for the year's budget in the text
        den = next((x for x in reversed(here) if x is not num and order(x) < order(f) and re.search(divides, x.name or "")
                    and not re.search(counts, x.name or "") and dimension(x.value.unit) == dimension(num.value.unit)), None)
        out.append(Relation(kind="rate", share=f.id, parts=[num.id], base=den.id if den else None, base_name=m[1],
                            text=text[num.at.start : f.at.end], at=at.model_copy(update={"start": num.at.start, "end": f.at.end})))
    return out


def find_relations(units: list[tuple[str, At, str | None]], facts: list[Fact]) -> list[Relation]:
    """Every relation of every narrative unit, in document order."""
    by_unit: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.source == "text":
            by_unit[(f.at.block, f.at.table, f.at.row, f.at.col)].append(f)
    out: list[Relation] = []
    for text, at, _role in units:
        mine = sorted(by_unit.get((at.block, at.table, at.row, at.col), []), key=lambda f: f.at.start)
        if not mine:
            continue
        out.extend(_parts(text, mine, at, facts))
        out.extend(_shares(text, mine, at, facts))
        out.extend(_products(text, mine, at))
        out.extend(_rates(text, mine, at, facts))
    return out
