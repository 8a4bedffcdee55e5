"""Parsing figures (数字与计量): turn the text of a figure into a number, a unit and a comparator.

This module has one job: read figures. It never decides what a figure measures
(that is the METRIC, the tagger's and the claim builder's business), whether it
is a target or an actual, or whether it is plausible. It only answers "what
number, in what unit, with what comparison, is written here, and where".

Public API
----------
- `Quantity`            the quantity object of the output contract (text, value,
                        unit, comparator, low, high) plus `scaled()`.
- `parse_number(s)`     one number string -> float, or None.
- `parse_quantity(t)`   a whole table cell / short phrase read as ONE figure.
- `find_quantities(t)`  every figure span in running text, with exact offsets.

Numbers
-------
- Arabic digits, ASCII or full-width (１２３), decimal point `.` or `．`.
- Thousands separators `,` / `，` only when every group after the first has
  exactly three digits and the first has one to three (`1,234.56`, `1，234`);
  `1,2345` is not one number. In running text the full-width `，` is also
  the clause comma, so there a single `，` group counts only with a decimal
  part (`1，234.56`) or a second group (`1，234，567`): `得分为98，100分`
  is two figures. A cell that is just the number (`1，234家`) is one.
- Chinese numerals: 零〇一二两三四五六七八九 (and 壹贰叁…拾佰仟), 十百千万亿,
  decimals with 点 (`十五点七`), digit-by-digit forms (`二〇二四`) and the
  colloquial abbreviation (`一百二` = 120, `两万五` = 25000).
- `百分之N` / `千分之N` give unit `%` / `‰`.

Decision (scales): `parse_number` returns the plain arithmetic value, so
`parse_number("三千五百万") == 35000000` and `parse_number("8亿") == 8e8`.
`parse_quantity` / `find_quantities` keep the unit AS WRITTEN instead: a
trailing 万/亿/万亿 is part of the unit, whether the digits before it are
Arabic or Chinese (`8亿` -> 8 亿, `三千五百万元` -> 3500 万元, `十余万元` -> 10 万元 >).
A numeral with a scale in the middle stays whole (`一亿两千万元` -> 120000000 元),
because cutting it would change the number. `Quantity.scaled()` converts.

Units
-----
`UNITS` is the closed list of units, matched longest first (`个百分点` before
`个`, `万吨标煤` before `万吨`, `千米` before `米`). `％` is reported as `%`;
every other unit is reported exactly as written. `个百分点` is its own unit, not
`%`. Words that look like units but make the number a date, a time or a
duration are not units and remove the figure: 年 月 日 天 周 号 时 秒 小时
分钟 季度 个月 个季度 个工作日 级 岁.

Comparators: the exact decision table
-------------------------------------
In the span (they are part of the figure's text):

    written before the number   ≥ >= ＞= ≧ ⩾                -> ">="
                                ≤ <= ＜= ≦ ⩽                -> "<="
                                > ＞                         -> ">"
                                < ＜                         -> "<"
                                ≈ ~ ～                       -> "~"
    between number and unit     余 多  (300余个, 52000多次,   -> ">"
                                        5万余元, 1万多人)
    after the unit              以上                          -> ">="
                                以下 以内                     -> "<="
                                左右                          -> "~"

Outside the span (words before the number; the guidelines keep them out of
the VALUE/TARGET span, but they still set the comparator):

    不低于 不少于 不小于 至少 最少 达到                        -> ">="
    不超过 不高于 不大于 不多于 最多 控制在 未超过               -> "<="
    超过 高于 大于 多于 超 突破                                -> ">"
    低于 少于 小于 不足 不到 未达到                            -> "<"
    约 约为 大约 近 接近 将近                                  -> "~"

A prefix word counts only when it stands right before the number (spaces and
one line break allowed): in `超过总数的50%` or `高于全省平均水平5.5个百分点`
nothing stands right before the number, so the comparator is None (the second
is a difference, a VALUE). Words that merely end in a comparator character do
not count: 节约/签约/制约/预约… (约), 最近/附近/临近… (近), 赶超 (超).

Precedence, most specific first: a symbol in the span, then a trailing word
(以上 以下 以内 左右), then 余/多, then a prefix word. `控制在5%以内` is
"<=" either way; `控制在90%以上` is ">=" because the span says so.

With no figure at all, `parse_quantity` still reports a comparator written at
the start of the cell (`≥全省平均水平` -> ">=", `高于全省平均增速` -> ">"),
with value None. Only symbols and the ">=", "<=", ">", "<" words other than
超/突破 count there; the "~" words and 超 begin ordinary words too (近年来,
约定, 超额完成).

Ranges
------
`10-15%`, `10%-15%`, `10～15%`, `10~15%`, `10至15%`, `10到15%`, `10—15%`,
`80%（含）-90%`, `一至两名`: value None, low/high set, the unit shared. Both
ends must carry the same unit, or only the high end. A hyphenated pair that is
not a valid range (low > high, a leading zero as in `0603-226`) is a code, not
a figure. A range followed by 月/年 (`1-12月`) is a date and is dropped.

What find_quantities does not return
------------------------------------
Years, months, dates and times (2024年, 12月, 6月30日, 1-12月, and a bare
1900-2100 integer glued to a Chinese character as in `2021岳阳市`), durations
(连续7个月, 三年), ordinals (第3, 第5位, 第一), list markers (`1、` `1.` `（1）`
`1）` after a line start, a space or punctuation), labels (`指标1`, `附件2`,
`任务1`), rank changes (`前移7位`), vague amounts (两位数, 数十家), codes and
names (numbers touching Latin letters as in 5G, PM2.5; `12+1`; numbers with a
leading zero as in 0603-226; anything inside “…”, "…", 《…》, 〔…〕, 【…】,
[…] such as “1650”, “12345”, 〔2015〕; fixed names such as 八项规定),
document numbers (`11号`), phone
numbers (after 电话/手机/传真/热线, or an 11-digit mobile number) and
Chinese numerals without a unit (`一企一策`, `十大产业链`; a bare Chinese
numeral is a figure only as a whole cell in `parse_quantity`).

A bare Arabic number without a unit is a figure (`1787.82 3708.67`), and so
is a number whose measure word begins another word (`200 项目支出` in
flattened PDF text: 200, no unit). A leading minus (`-3.2%`) is a sign. In an
enumeration with 、 whose last item has a unit (`5.5 、10.8个百分点`) the bare
items take that unit: Chinese writes the shared unit once, at the end.

Spans follow the annotation guidelines: optional comparator symbol, number,
spaces and at most one line break as PDF text has them (`150 家`, `4.25 亿元`,
`20\\n家`; a tab is a cell boundary and never inside a figure), 余/多, unit,
trailing 以上/以下/以内/左右 (an inclusive mark （含） between unit and that
word is kept inside). Offsets are Python indices into the text as given.
A comparator word before a range applies to it too (`达到 10-15%` -> ">=",
low 10, high 15).
"""

from __future__ import annotations

import bisect
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

Comparator = Literal[">=", "<=", ">", "<", "~"]

# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------

_RAW_UNITS = (
    # ratios
    "%", "％", "‰", "个百分点", "百分点",
    # money and bare scales (8亿, 1160亿: the scale word alone, money implied)
    "元", "千元", "万元", "亿元", "万亿元", "万", "亿", "万亿",
    # counts (measure words)
    "家", "个", "人", "名", "位", "次", "座", "项", "户", "场", "条", "件",
    "台", "篇", "所", "辆", "套", "份", "例", "起", "处", "栋", "倍", "分",
    "人次", "家次", "户次", "台次", "批次", "架次",
    "头", "只", "标箱", "床", "张", "间", "所次",
    "万人", "万人次", "万户", "万家", "万个", "万台", "万辆", "万件", "万套", "万次",
    "万名", "万份", "万头", "万只", "万标箱", "万张",
    # measures
    "亩", "万亩", "吨", "万吨", "吨标煤", "万吨标煤", "吨标准煤", "万吨标准煤",
    "米", "千米", "公里", "平方米", "万平方米", "平方公里", "平米", "立方米", "万立方米",
    "㎡", "m²", "km", "kg", "千克", "公斤",
    "千瓦", "万千瓦", "千瓦时", "万千瓦时", "亿千瓦时", "兆瓦", "kW", "kWh", "MW",
)
#: Every unit the parser knows, longest first so that the first match is the longest.
UNITS: tuple[str, ...] = tuple(sorted(set(_RAW_UNITS), key=lambda u: (-len(u), u)))

_UNIT_RE = re.compile("|".join(re.escape(u) for u in UNITS))
_UNIT_SET = frozenset(UNITS)

# (factor, dimension). Bare 万/亿 share the money dimension: in these reports a
# bare scale word is money (实现工业总产值1160亿), so 8亿 converts to 万元.
_SCALES: dict[str, tuple[Decimal, str]] = {
    "元": (Decimal(1), "money"), "千元": (Decimal(10**3), "money"),
    "万元": (Decimal(10**4), "money"), "亿元": (Decimal(10**8), "money"),
    "万亿元": (Decimal(10**12), "money"), "万": (Decimal(10**4), "money"),
    "亿": (Decimal(10**8), "money"), "万亿": (Decimal(10**12), "money"),
    "%": (Decimal(10), "ratio"), "‰": (Decimal(1), "ratio"),
    "个百分点": (Decimal(1), "pp"), "百分点": (Decimal(1), "pp"),
    "米": (Decimal(1), "length"), "千米": (Decimal(1000), "length"),
    "公里": (Decimal(1000), "length"), "km": (Decimal(1000), "length"),
    "平方米": (Decimal(1), "area"), "平米": (Decimal(1), "area"), "㎡": (Decimal(1), "area"),
    "m²": (Decimal(1), "area"), "万平方米": (Decimal(10**4), "area"),
    "平方公里": (Decimal(10**6), "area"),
    "吨": (Decimal(1), "mass"), "万吨": (Decimal(10**4), "mass"),
    "千克": (Decimal("0.001"), "mass"), "公斤": (Decimal("0.001"), "mass"),
    "kg": (Decimal("0.001"), "mass"),
    "吨标煤": (Decimal(1), "coal"), "万吨标煤": (Decimal(10**4), "coal"),
    "吨标准煤": (Decimal(1), "coal"), "万吨标准煤": (Decimal(10**4), "coal"),
    "亩": (Decimal(1), "mu"), "万亩": (Decimal(10**4), "mu"),
    "千瓦": (Decimal(1), "power"), "kW": (Decimal(1), "power"),
    "万千瓦": (Decimal(10**4), "power"), "兆瓦": (Decimal(1000), "power"),
    "MW": (Decimal(1000), "power"),
    "千瓦时": (Decimal(1), "energy"), "kWh": (Decimal(1), "energy"),
    "万千瓦时": (Decimal(10**4), "energy"), "亿千瓦时": (Decimal(10**8), "energy"),
}
# Counted things scale by 万 the same way (2万家 = 20000家).
for _u in ("人", "人次", "户", "家", "个", "台", "辆", "件", "套", "次"):
    _SCALES.setdefault(_u, (Decimal(1), "count:" + _u))
    _SCALES.setdefault("万" + _u, (Decimal(10**4), "count:" + _u))


#: units that count things (家, 个, 处 …): a figure in one of them is a count
COUNT_UNITS = ("家", "个", "项", "次", "人", "名", "座", "户", "场", "条", "件", "台", "篇", "人次", "家次", "所", "套", "辆", "批",
               "处", "例", "期", "村", "宗", "起", "份", "株", "头", "只", "万人", "万户", "万人次")


def _norm_unit(unit: str) -> str:
    # Full-width ％ is the same sign; downstream code should not need to know both.
    return "%" if unit == "％" else unit


class Quantity(BaseModel):
    """The quantity object of the output contract.

    `value` is the number in the unit AS WRITTEN (`8亿` -> value 8, unit 亿);
    it is None for qualitative text (合规, 按年度计划完成), for compound text
    holding several figures, and for ranges, which set `low`/`high` instead.
    """

    model_config = ConfigDict(extra="forbid")

    text: str
    value: float | None = None
    unit: str | None = None
    comparator: Comparator | None = None
    low: float | None = None
    high: float | None = None

    def scaled(self, unit: str) -> float | None:
        """`value` expressed in `unit`, or None when the two units do not convert.

        Converts within one dimension: money (元, 千元, 万元, 亿元, 万亿元 and the
        bare scales 万, 亿, 万亿, which count as money), ratios (% and ‰),
        个百分点/百分点, length, area, mass, 标煤, 亩, power, energy, and a
        counted thing with its 万 form (万人 -> 人). % and 个百分点 do not
        convert into each other: one is a level, the other a difference.
        """
        if self.value is None or self.unit is None or not isinstance(unit, str):
            return None
        src = _SCALES.get(_norm_unit(self.unit))
        dst = _SCALES.get(_norm_unit(unit))
        if src is None or dst is None or src[1] != dst[1]:
            return None
        if src[0] == dst[0]:
            return self.value
        # Decimal on the shortest repr: 1253.47万元 -> 0.125347亿元 exactly, not
        # 0.12534700000000001 as float arithmetic gives.
        try:
            return float(Decimal(repr(self.value)) * src[0] / dst[0])
        except (InvalidOperation, ValueError):
            return None


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_FW = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
_D = "0-9０-９"
# Thousands groups only when they are exactly three digits and the run ends
# there; otherwise the plain-digits branch takes over (1,2345 -> 1 and 2345).
_AR = re.compile(
    rf"(?:[{_D}]{{1,3}}(?:[,，][{_D}]{{3}})+(?![{_D}]|[,，][{_D}])|[{_D}]+)(?:[.．][{_D}]+)?"
)
_AR_FULL = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")

_CN_DIGIT = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_CN_D = "".join(_CN_DIGIT)
_CN_NUMERAL_CHARS = set(_CN_DIGIT) | set(_CN_SMALL) | set(_CN_BIG)
_CN_FRAC = "零〇一二三四五六七八九"
# A numeral in running text starts with a digit or 十; 百/千/万/亿 alone start
# words (百年, 千亿产业, 万企, 每万人), not figures.
_CN = re.compile(rf"[{_CN_D}十拾][{_CN_D}十拾百佰千仟万亿]*(?:点[{_CN_FRAC}]+)?")
_CN_AFTER_PCT = re.compile(rf"[{_CN_D}十拾百佰千仟万亿]+(?:点[{_CN_FRAC}]+)?")
_SCALE_SUFFIX = {"万亿": 10**12, "千万": 10**7, "百万": 10**6, "亿": 10**8, "万": 10**4}


def _cn_int(s: str) -> int | None:
    """Integer value of a Chinese numeral without 点, or None when malformed."""
    if not s:
        return None
    if all(ch in _CN_DIGIT for ch in s):
        if len(s) == 1:
            return _CN_DIGIT[s]
        if "两" in s:  # 一两 means "one or two", never the digits 1 2
            return None
        return int("".join(str(_CN_DIGIT[ch]) for ch in s))
    total = mid = section = 0
    num: int | None = None
    zero = False
    last_small = 10**5
    seen_wan = seen_yi = False
    prev_unit: int | None = None
    for i, ch in enumerate(s):
        if ch in _CN_DIGIT:
            d = _CN_DIGIT[ch]
            if d == 0:
                if num is not None:
                    return None
                zero = True
            elif num is not None:
                return None
            else:
                num = d
            continue
        small = _CN_SMALL.get(ch)
        if small is not None:
            if num is None:
                if small == 10 or i == 0:  # 十五, 一百一十 written 一百十, 百 alone
                    num = 1
                else:
                    return None
            if small >= last_small:
                return None
            section += num * small
            last_small, num, zero, prev_unit = small, None, False, small
            continue
        big = _CN_BIG.get(ch)
        if big is None:
            return None
        val = section + (num or 0)
        if big == 10**4:
            if seen_wan or val == 0:
                return None
            mid = val * big
            seen_wan = True
        else:
            if seen_yi or (val == 0 and mid == 0):
                return None
            total = (total + mid + val) * big
            mid, seen_wan, seen_yi = 0, False, True
        section, num, zero, last_small, prev_unit = 0, None, False, 10**5, big
    if num is not None and not zero and prev_unit is not None:
        num *= prev_unit // 10  # 一百二 = 120, 两万五 = 25000; 十五 stays 15
    return total + mid + section + (num or 0)


def _cn_value(s: str) -> float | None:
    int_part, _, frac = s.partition("点")
    if "点" in frac:
        return None
    n = _cn_int(int_part)
    if n is None:
        return None
    if not frac:
        return float(n)
    if any(ch not in _CN_FRAC for ch in frac):
        return None
    return float(Decimal(f"{n}.{''.join(str(_CN_DIGIT[ch]) for ch in frac)}"))


def _ar_value(raw: str) -> float | None:
    s = raw.translate(_FW)
    if not _AR_FULL.fullmatch(s):
        return None
    v = float(s.replace(",", ""))
    return v if math.isfinite(v) else None


def parse_number(s: str) -> float | None:
    """One number as written -> its arithmetic value, or None if `s` is not a number.

    Accepts Arabic numbers (full-width digits, `.`/`．`, thousands separators
    `,`/`，` in groups of exactly three), a sign (-, －, −, 负), Chinese
    numerals with 点 decimals, `百分之N`/`千分之N` (the number N: 百分之十五点七
    -> 15.7) and a trailing scale (万, 亿, 万亿, 千万, 百万). Scales are applied:
    `三千五百万` -> 35000000.0 and `8亿` -> 800000000.0 (`parse_quantity` keeps
    them as units instead). Anything else, units included, gives None.
    """
    try:
        if not isinstance(s, str):
            return None
        t = s.strip().translate(_FW)
        if not t:
            return None
        sign = 1.0
        if t[0] in "-−负":
            sign, t = -1.0, t[1:].lstrip()
        elif t[0] == "+":
            t = t[1:].lstrip()
        for prefix in ("百分之", "千分之"):
            if t.startswith(prefix):
                t = t[len(prefix):]
                break
        if not t:
            return None
        v = _ar_value(t)
        if v is None:
            for suffix, factor in _SCALE_SUFFIX.items():
                if t.endswith(suffix) and len(t) > len(suffix):
                    head = t[: -len(suffix)]
                    if _AR_FULL.fullmatch(head):
                        v = float(Decimal(head.replace(",", "")) * factor)
                    break
        if v is None and all(ch in _CN_NUMERAL_CHARS or ch == "点" for ch in t):
            v = _cn_value(t)
        if v is None or not math.isfinite(v):
            return None
        return sign * v if v else 0.0
    except Exception:  # noqa: BLE001 - a malformed cell must never stop a batch
        return None


# ---------------------------------------------------------------------------
# Scanning
# ---------------------------------------------------------------------------

_SYMBOLS = {
    ">=": ">=", "<=": "<=", "＞=": ">=", "＜=": "<=", "≥": ">=", "≤": "<=", "≧": ">=",
    "≦": "<=", "⩾": ">=", "⩽": "<=", ">": ">", "<": "<", "＞": ">", "＜": "<",
    "≈": "~", "~": "~", "～": "~",
}
_SYMBOL_RE = re.compile(
    "(" + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True)) + r")[ \u3000\xa0]*"
)
_TRAILING = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "~"}
_TRAILING_RE = re.compile(r"[ \u3000\xa0]*(?:[（(]含[）)])?(以上|以下|以内|左右)")
_INCL_RE = re.compile(r"[（(]含[）)]")
# Spaces inside a figure as PDF text has them, and at most one line break (a
# wrapped cell). A tab is a cell boundary in the Word dumps: never inside.
_GAP = re.compile(r"[ \u3000\xa0]*(?:\r?\n[ \u3000\xa0]*)?")
_RANGE_SEP = re.compile(r"[ \u3000\xa0]*([-－—–~～]|至|到)[ \u3000\xa0]*")
_ENUM_SEP = re.compile(r"[ \u3000\xa0]*、[ \u3000\xa0]*")

_NOT_UNITS = (
    "个工作日", "个季度", "个多月", "个月", "个小时", "个星期", "工作日", "小时", "分钟",
    "季度", "星期", "周年", "周岁", "世纪", "年", "月", "日", "天", "周", "号", "时", "秒",
    "级", "岁",
)
_NOT_UNITS_RE = re.compile("|".join(re.escape(w) for w in _NOT_UNITS))
# A measure word that is really the start of a word drops the figure when the
# whole is not a count: 一次性, 两位数 (a vague amount), 提升5个位次, 三分之一.
_DROP_WORDS = ("次性", "位数", "个位次", "位次", "分之")
# ... or leaves the number bare, without that unit: `200 项目支出` in flattened
# PDF text, 一条例, 场所, 台账.
_NOT_UNIT_WORDS = (
    "项目", "条例", "条件", "件事", "台账", "条龙", "场所", "场景", "所属", "所有",
    "人员", "人民", "家庭", "分值", "分别",
)

_PREFIX_WORDS: tuple[tuple[str, str, str], ...] = tuple(
    sorted(
        [
            ("不低于", ">=", ""), ("不少于", ">=", ""), ("不小于", ">=", ""), ("至少", ">=", ""),
            ("最少", ">=", ""), ("达到", ">=", "未没"),
            ("不超过", "<=", ""), ("不高于", "<=", ""), ("不大于", "<=", ""), ("不多于", "<=", ""),
            ("最多", "<=", ""), ("控制在", "<=", ""), ("未超过", "<=", ""),
            ("超过", ">", "不未没"), ("高于", ">", "不"), ("大于", ">", "不"), ("多于", ">", "不"),
            ("超", ">", "赶不未"), ("突破", ">", ""),
            ("低于", "<", "不"), ("少于", "<", "不"), ("小于", "<", "不"), ("不足", "<", ""),
            ("不到", "<", ""), ("未达到", "<", ""),
            ("约为", "~", "节制契合签预邀公条"), ("大约", "~", ""),
            ("约", "~", "节制契合签预邀公条大"), ("接近", "~", ""), ("将近", "~", ""),
            ("近", "~", "最附临邻就亲贴靠远将接"),
        ],
        key=lambda w: -len(w[0]),
    )
)
_LEAD_WORD_RE = re.compile(
    "(?:" + "|".join(re.escape(w) for w, _, _ in _PREFIX_WORDS) + ")"
)
# A bare number right after these names an item (指标1, 附件2), it counts nothing.
_LABELS = ("指标", "目标", "任务", "附件", "附表", "表", "图", "序号", "编号")
_PHONE_WORDS = ("电话", "手机", "传真", "热线", "联系方式", "Tel", "TEL", "tel")
# 前移7位 is a change of rank, which the guidelines never annotate; 10位市领导 counts people.
_RANK_VERBS = ("前移", "后移", "上升", "下降", "提升", "前进", "后退", "跃升", "进位")
_MARKER_NEXT = "、.．)）"
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CODE_TAIL = re.compile(r"[0-9０-９A-Za-zＡ-Ｚａ-ｚ.．\-－+_/:]*")
# Quoted and bracketed short texts are names, titles and document numbers
# (“12+1”, “1650”产业体系, “12345”热线, 《…2021年工作要点》, 〔2015〕), and a few
# fixed political names read like counts (八项规定): numbers inside are not figures.
_PROTECTED = re.compile(
    r"“[^“”\n]{0,30}”|‘[^‘’\n]{0,30}’|\"[^\"\n]{0,30}\"|「[^「」\n]{0,30}」|『[^『』\n]{0,30}』"
    r"|八项规定|两个维护|两个确立|四个意识|四个自信|三个代表|两个一百年"
    r"|《[^《》\n]{0,80}》|〈[^〈〉\n]{0,30}〉|〔[^〔〕\n]{0,12}〕|【[^【】\n]{0,30}】|\[[^\[\]\n]{0,12}\]"
)
# Where a figure can begin; everything else is skipped without a closer look.
_CANDIDATE = re.compile(
    rf"[{_D}]|百分之|千分之|[{_CN_D}十拾]|[≥≤≧≦⩾⩽><＞＜≈~～]|[-－−](?=[{_D}])"
)


class _Num(NamedTuple):
    value: float
    end: int
    chinese: bool
    integer: bool  # Arabic without decimals or separators
    raw: str


class _Fig(NamedTuple):
    start: int
    end: int
    value: float | None
    unit: str | None
    comparator: str | None
    low: float | None
    high: float | None
    chinese_bare: bool


class _Code(Exception):
    """The text at hand is a code (0603-226, 12+1, 5G): skip it whole."""

    def __init__(self, end: int | None = None):
        super().__init__(end)
        self.end = end


def _read_number(text: str, q: int, pct: bool, cell: bool) -> _Num | None:
    """The number starting exactly at q; raises _Code for code-like tokens."""
    m = _AR.match(text, q)
    if m:
        raw = m.group()
        end = m.end()
        if not cell and raw.count("，") == 1 and not re.search(r"[.．]", raw):
            # In running text ， is the clause comma: 得分为98，100分为满分 is two
            # numbers. Only a decimal part or a second group makes it a separator.
            raw = raw[: raw.index("，")]
            end = q + len(raw)
        int_part = re.split(r"[.．]", raw, maxsplit=1)[0]
        if len(int_part) > 1 and int_part[0] in "0０":
            raise _Code  # 0603-226, 0730-8721315: leading zeros name things
        if end < len(text) and text[end] in ".．":
            nxt = text[end + 1] if end + 1 < len(text) else ""
            if nxt in "%％":
                end += 1  # 46.% as printed in seed 002: a truncated decimal
            elif re.match(rf"[{_D}]", nxt):
                raise _Code  # 1.2.3 section or version numbers
        if end < len(text) and text[end] in "+＋" and end + 1 < len(text) and re.match(rf"[{_D}]", text[end + 1]):
            raise _Code  # "12+1"
        if end < len(text) and text[end] in ":：/" and end + 1 < len(text) and re.match(rf"[{_D}]", text[end + 1]):
            raise _Code  # 8:30, 2024/12/31, 1/3
        v = _ar_value(raw)
        if v is None:
            raise _Code
        integer = not re.search(r"[.．,，]", raw)
        return _Num(v, end, False, integer, raw)
    m = (_CN_AFTER_PCT if pct else _CN).match(text, q)
    if not m:
        return None
    raw = m.group()
    end = m.end()
    if not pct:
        # Keep a trailing scale word as part of the unit (三千五百万元 -> 3500 万元),
        # but only when it is the numeral's only scale word: cutting 万 off
        # 一亿两千万 would change the number.
        for suffix in ("万亿", "亿", "万"):
            head = raw[: -len(suffix)]
            if raw.endswith(suffix) and head and "万" not in head and "亿" not in head and "点" not in head:
                if _cn_value(head) is not None:
                    raw, end = head, end - len(suffix)
                break
    v = _cn_value(raw)
    if v is None:
        raise _Code(m.end())  # 十四五, 一二百: not one number
    return _Num(v, end, True, "点" not in raw, raw)


def _skip_code(text: str, p: int) -> int:
    return max(p + 1, _CODE_TAIL.match(text, p).end())


def _before(text: str, start: int, width: int = 12) -> str:
    """The text right before `start`, spaces and one line break removed."""
    s = text[max(0, start - width - 4) : start]
    s = s.rstrip(" \u3000\xa0")
    if s.endswith("\n"):
        s = s[:-1].rstrip("\r").rstrip(" \u3000\xa0")
    return s


def _prefix_comparator(text: str, start: int) -> str | None:
    before = _before(text, start)
    for word, comp, bad in _PREFIX_WORDS:
        if before.endswith(word):
            ahead = before[: -len(word)]
            if bad and ahead and ahead[-1] in bad:
                continue
            return comp
    return None


def _read_tail(text: str, e: int, pct: str | None, num: _Num) -> tuple[str | None, str | None, int]:
    """After a number: (unit, approx comparator, end). Raises _Code to drop the figure."""
    if pct:
        return pct, None, e
    g = _GAP.match(text, e).end()
    if _NOT_UNITS_RE.match(text, g):
        raise _Code  # 2024年, 12月, 连续7个月, 11号: dates, durations, numbers
    approx = None
    u_at = g
    if g < len(text) and text[g] in "余多":
        if _NOT_UNITS_RE.match(text, g + 1):
            raise _Code  # 10余年
        approx, u_at = ">", g + 1
    m = _UNIT_RE.match(text, u_at)
    if m:
        unit = m.group()
        if any(text.startswith(w, u_at) for w in _DROP_WORDS):
            raise _Code
        if num.chinese and (num.raw, unit) in (("十", "分"), ("一", "起")):
            raise _Code  # 十分 = "very", 一起 = "together"
        if not any(text.startswith(w, u_at) for w in _NOT_UNIT_WORDS):
            end = m.end()
            if unit in ("万", "亿", "万亿") and not approx and end < len(text) and text[end] in "余多":
                # 5万余元, 1万多人: the approximation word may follow the scale.
                approx = ">"
                m2 = _UNIT_RE.match(text, end + 1)
                if m2 and unit + m2.group() in _UNIT_SET:
                    return unit + m2.group(), approx, m2.end()
                return unit, approx, end + 1
            return _norm_unit(unit), approx, end
    if approx:
        return None, approx, u_at
    if e < len(text) and _LATIN.match(text[e]):
        raise _Code  # 5G, 4G, 3D
    return None, None, e


def _protected(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _figure_at(text: str, p: int, spans, starts, cell: bool) -> tuple[_Fig | None, int]:
    """Try to read a figure starting at p: (figure or None, where to continue)."""
    comp_sym = None
    q = p
    m = _SYMBOL_RE.match(text, p)
    if m:
        comp_sym = _SYMBOLS[m.group(1)]
        q = m.end()
    neg = False
    if q < len(text) and text[q] in "-－−":
        prev = text[q - 1] if q else ""
        if prev and (re.match(rf"[{_D}]", prev) or _LATIN.match(prev)):
            return None, _skip_code(text, q)
        neg, q = True, q + 1
    pct = None
    if text.startswith("百分之", q):
        pct, q = "%", q + 3
    elif text.startswith("千分之", q):
        pct, q = "‰", q + 3
    try:
        n1 = _read_number(text, q, pct is not None, cell)
    except _Code as c:
        return None, c.end or _skip_code(text, q)
    if n1 is None:
        return None, p + 1
    num_start = q - 3 if pct else q
    sign_start = num_start - 1 if neg else num_start
    start = p if comp_sym else sign_start
    try:
        unit, approx, end = _read_tail(text, n1.end, pct, n1)
    except _Code:
        return None, max(n1.end, p + 1)

    value: float | None = -n1.value if neg else n1.value
    low = high = None
    chinese = n1.chinese

    # Ranges: 10-15%, 10%-15%, 80%（含）-90%, 一至两名.
    r_at = end
    mi = _INCL_RE.match(text, r_at) if unit else None
    if mi:
        r_at = mi.end()
    ms = _RANGE_SEP.match(text, r_at)
    if ms and not pct:
        sep = ms.group(1)
        hyphen = sep not in ("至", "到")
        try:
            n2 = _read_number(text, ms.end(), False, cell)
        except _Code:
            n2 = None
            if hyphen:
                return None, _skip_code(text, ms.end())
        if n2 is not None and n2.chinese == n1.chinese:
            try:
                unit2, approx2, end2 = _read_tail(text, n2.end, None, n2)
            except _Code:
                # 1-12月, 2021至2022年: the whole range is a date.
                return None, max(n2.end, p + 1)
            if (unit is None or unit == unit2) and not neg and (unit2 is not None or unit is None):
                if value is not None and value <= n2.value:
                    if unit2 is None and n1.integer and n2.integer and 1900 <= value <= 2100 and 1900 <= n2.value <= 2100:
                        return None, end2  # 2021-2025: a span of years
                    low, high, value = value, n2.value, None
                    unit, end, approx = unit2, end2, approx2 or approx
                elif hyphen:
                    return None, _skip_code(text, q)

    # Trailing 以上/以下/以内/左右 (after （含） when it stands there).
    trail = None
    mt = _TRAILING_RE.match(text, end)
    if mt:
        trail = _TRAILING[mt.group(1)]
        end = mt.end()

    before = _before(text, start)
    # --- what is not a figure ---
    if _protected(spans, starts, start):
        return None, end
    if before.endswith("第"):
        return None, end
    if start > 0 and _LATIN.match(text[start - 1]):
        return None, _skip_code(text, start)
    if start > 1 and text[start - 1] in "+＋" and re.match(rf"[{_D}]", text[start - 2]):
        return None, end
    if unit in ("位", "名") and any(before.endswith(v) for v in _RANK_VERBS):
        return None, end
    if chinese and before[-1:] in ("数", "几", "若"):
        return None, end  # 数十家: a vague amount
    bare = unit is None and low is None
    if bare and not comp_sym and not trail and not approx:
        nxt = text[n1.end] if n1.end < len(text) else ""
        prev = text[start - 1] if start else ""
        if n1.integer and not chinese and 1900 <= n1.value <= 2100 and _HAN.match(nxt or " "):
            return None, end  # 2021岳阳市…: a year used as a name prefix
        if any(_before(text, start, 16).rstrip(" \t\r\n\u3000：:").endswith(w) for w in _PHONE_WORDS):
            return None, end
        if n1.integer and not chinese and len(n1.raw) == 11 and n1.raw[0] == "1" and n1.raw[1] in "3456789":
            return None, end  # a mobile phone number
        if any(before.endswith(w) for w in _LABELS):
            return None, end  # 指标1, 附件2
        if n1.integer and nxt and nxt in _MARKER_NEXT and (not prev or not (_HAN.match(prev) or re.match(rf"[{_D}A-Za-z]", prev))):
            return None, end  # 1、 1. （1） list markers
    chinese_bare = chinese and unit is None and low is None and pct is None

    comparator = comp_sym or trail or approx or _prefix_comparator(text, start)
    return _Fig(start, end, value, unit, comparator, low, high, chinese_bare), end


def _scan(text: str, cell: bool = False) -> list[_Fig]:
    spans = [(m.start(), m.end()) for m in _PROTECTED.finditer(text)]
    starts = [s for s, _ in spans]
    figs: list[_Fig] = []
    i = 0
    n = len(text)
    while i < n:
        m = _CANDIDATE.search(text, i)
        if not m:
            break
        p = m.start()
        fig, nxt = _figure_at(text, p, spans, starts, cell)
        if fig is not None:
            figs.append(fig)
        i = max(nxt, p + 1)
    # 5.5 、10.8个百分点: the unit written once at the end belongs to every item.
    for k in range(len(figs) - 2, -1, -1):
        f, g = figs[k], figs[k + 1]
        if f.unit is None and g.unit is not None and not f.chinese_bare:
            if _ENUM_SEP.fullmatch(text, f.end, g.start):
                figs[k] = f._replace(unit=g.unit)
    return figs


def find_quantities(text: str) -> list[tuple[int, int, Quantity]]:
    """Every figure in running text as (start, end, Quantity), in text order.

    Offsets are Python indices into `text` as given; `text[start:end]` is the
    span the annotation guidelines define (see the module docstring for what
    is in the span and what is never returned). Never raises.
    """
    if not isinstance(text, str) or not text:
        return []
    try:
        figs = _scan(text)
    except Exception:  # noqa: BLE001 - one odd paragraph must not stop a batch
        return []
    out = []
    for f in figs:
        if f.chinese_bare:
            continue  # 一企一策, 十大产业链: Chinese numerals need a unit in running text
        out.append(
            (
                f.start,
                f.end,
                Quantity(
                    text=text[f.start : f.end], value=f.value, unit=f.unit,
                    comparator=f.comparator, low=f.low, high=f.high,
                ),
            )
        )
    return out


# Without a number, only words that are comparisons whatever follows them set a
# comparator: 近年来, 约定, 超额完成 and 突破性 start ordinary words.
_LEAD_ONLY = re.compile(
    "(?:" + "|".join(
        re.escape(w) for w, c, _ in _PREFIX_WORDS if c != "~" and w not in ("超", "突破")
    ) + ")"
)


def _lead_comparator(text: str) -> str | None:
    m = _SYMBOL_RE.match(text)
    if m:
        return _SYMBOLS[m.group(1)]
    m = _LEAD_ONLY.match(text)
    if m:
        return next(c for w, c, _ in _PREFIX_WORDS if w == m.group())
    return None


def parse_quantity(text: str) -> Quantity:
    """Read a whole table cell or short phrase as ONE figure; never raises.

    - Exactly one figure (after dropping years, dates, durations, ordinals,
      list markers, labels, rankings and codes as `find_quantities` does):
      its value/unit/comparator/low/high, with `text` = the whole stripped cell.
      `15.7%（排名全省第5位）` -> 15.7 %; `达到 150 家` -> 150 家 >=.
    - No figure: value None; the comparator is read from the start of the cell
      (`≥全省平均水平` -> ">=", `合规` -> None). A cell that is only a Chinese
      numeral (`十五`, `约两千`) is a figure here, though not in running text.
    - Several figures: compound text; value, unit and comparator None.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    t = text.strip()
    try:
        figs = _scan(t)
        if "，" in t:
            # A cell that is nothing but one number may use ， as a thousands
            # separator (1，234家); in a phrase it is the clause comma.
            whole = [f for f in _scan(t, cell=True) if not f.chinese_bare]
            if len(whole) == 1 and _whole_cell(t, whole[0]):
                figs = whole
        real = [f for f in figs if not f.chinese_bare]
        if len(real) == 1:
            f = real[0]
            return Quantity(text=t, value=f.value, unit=f.unit, comparator=f.comparator, low=f.low, high=f.high)
        if len(real) > 1:
            return Quantity(text=t)
        if len(figs) == 1 and _whole_cell(t, figs[0]):
            f = figs[0]
            return Quantity(text=t, value=f.value, comparator=f.comparator)
        return Quantity(text=t, comparator=_lead_comparator(t))
    except Exception:  # noqa: BLE001 - a malformed cell must never stop a batch
        return Quantity(text=t)


def _whole_cell(t: str, f: _Fig) -> bool:
    """The figure is all of the cell, but for a comparator word before it."""
    head = t[: f.start].rstrip()
    return (not head or _LEAD_WORD_RE.fullmatch(head) is not None) and not t[f.end :].strip()


# ---------------------------------------------------------------------------
# Broken figures
# ---------------------------------------------------------------------------

# any unit the parser knows (3,86.5立方米 too), and 公顷, 期, 篇, 道 that it does not
_UNIT_AHEAD = r"(?=\s*(?:" + "|".join(re.escape(u) for u in UNITS if u not in ("万", "亿", "万亿", "分", "倍")) + r"|公顷|期|篇|道))"
# Each pattern needs a unit right after the figure, so that list numbers (3.1.2), dates (2021.12.31),
# version strings and codes never look broken.
_MALFORMED = (
    (re.compile(rf"(?<![\d.．第])[0-9０-９]+[.．]{_UNIT_AHEAD}"), "小数点后没有数字"),
    (re.compile(rf"(?<![\d.．])[0-9０-９]+[.．]{{2,}}[0-9０-９]+{_UNIT_AHEAD}"), "小数点重复"),
    (re.compile(rf"(?<![\d.．第])[0-9０-９]+[.．][0-9０-９]+[.．][0-9０-９]+{_UNIT_AHEAD}"), "一个数中有两个小数点"),
    (re.compile(rf"(?<![\dA-Za-z])[0-9０-９]+(?:[,，][0-9０-９]*)?(?:[.．][0-9０-９]*)?[OoIl][0-9０-９OoIl]*(?:[.．][0-9０-９]+)?{_UNIT_AHEAD}"), "数字中夹有字母"),
    (re.compile(rf"(?<![\d,，])[0-9０-９]{{1,3}}[,，][0-9０-９]{{1,2}}(?:[.．][0-9０-９]+)?{_UNIT_AHEAD}"), "千分位逗号位置不对"),
)


def find_malformed(text: str) -> list[tuple[int, int, str]]:
    """(start, end, why) of every figure written broken: `46.%`, `12O5万元`, `3..5%`, `1,23万元`.

    The span covers the digits only (the unit follows it); `why` is a short reason in Chinese.
    """
    out: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, why in _MALFORMED:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if why == "小数点后没有数字" and (m.start() == 0 or not "\u4e00" <= text[m.start() - 1] <= "\u9fff"):
                continue  # `2.项目支出` at a line's start is a list number, not a figure
            taken.append((m.start(), m.end()))
            out.append((m.start(), m.end(), why))
    return sorted(out)
