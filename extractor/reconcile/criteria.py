"""评分标准 text read into a small scoring rule: bands, a per-percentage-point
penalty, the 结余/上年结转 rule, or a per-occurrence deduction.

    重点支出安排率≥90%，计5分；80%（含）-90%，计4分；…低于60%不得分
        -> bands [90,∞)→5, [80,90)→4, …, (−∞,60)→0
    在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止
        -> band (−∞,100]→5, penalty over 100 at 0.5 per point, floor 0
    每低于100%一个百分点扣0.1分   -> penalty under 100 at 0.1 per point (full = 分值)
    无结余，3分；有结余，但不超过上年结转，2分；结余超过上年结转，不得分
        -> the balance rule (3, 2, 0)
    每出现一个专项未按进度完成资金下达扣0.5分
        -> a count deduction: the count is not in the report's figures

Only regular expressions; the rule never guesses what is not written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_NORM = str.maketrans({
    "０": "0", "１": "1", "２": "2", "３": "3", "４": "4", "５": "5", "６": "6", "７": "7", "８": "8", "９": "9",
    "％": "%", "＞": ">", "＜": "<", "＝": "=", "≦": "≤", "≧": "≥", "⩽": "≤", "⩾": "≥", "（": "(", "）": ")",
    "，": ",", "－": "-", "—": "-", "–": "-", "～": "~", "．": ".", "：": ":",
})
_NUM = r"(-?\d+(?:\.\d+)?)"
_INCL = r"(\(含\))?"

_RANGE = re.compile(rf"{_NUM}%?{_INCL}(?:-|~|至|到){_NUM}%?{_INCL}")
_CONDITIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?:≥|>=|不低于|不少于|达到|达){_NUM}%?(?:\(含\))?(?:以上)?"), "ge"),
    (re.compile(rf"(?:≤|<=|不超过|不高于|不大于){_NUM}%?(?:\(含\))?(?:以下|以内)?"), "le"),
    (re.compile(rf"{_NUM}%?(?:\(含\))?以上"), "ge"),
    (re.compile(rf"{_NUM}%?(?:\(含\))?(?:以下|以内)"), "le"),
    (re.compile(rf"(?:>|大于|高于|超过){_NUM}%?"), "gt"),
    (re.compile(rf"(?:<|小于|低于|不足){_NUM}%?"), "lt"),
    (re.compile(rf"(?:=|等于){_NUM}%?"), "eq"),
]
_POINTS = re.compile(r"(?:计|得|为)?(\d+(?:\.\d+)?)分(?!之)")
_ZERO = re.compile(r"不得分|不计分|计0分|得0分|0分")
_PENALTY = re.compile(
    rf"每(超过|高于|增加|上升|超出|减少|低于|下降|降低){_NUM}?%?(?:一个|1个|1)?百分点,?扣(?:减)?(\d+(?:\.\d+)?)分"
)
_OVER_WORDS = ("超过", "高于", "增加", "上升", "超出")
_COUNT = re.compile(r"每(?:出现|发现|有)一(?:个|例|项|次|处|起)(.{1,30}?),?扣(?:减)?(\d+(?:\.\d+)?)分")
_BALANCE = re.compile(
    r"无结余[^;。]*?(\d+(?:\.\d+)?)分.*?有结余[^;。]*?不超过上年结转[^;。]*?(\d+(?:\.\d+)?)分.*?结余超过上年结转[^;。]*?(不得分|\d+(?:\.\d+)?分)"
)
_SEGMENTS = re.compile(r"[;；。\n]")
_METRIC_TRIM = re.compile(r"^(?:以\d+%为标准|[①-⑩]|[\"“”‘’'])+|[\"“”‘’',:的]+$")


@dataclass(frozen=True)
class Band:
    low: float | None
    low_incl: bool
    high: float | None
    high_incl: bool
    points: float

    def contains(self, x: float) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_incl)):
            return False
        if self.high is not None and (x > self.high or (x == self.high and not self.high_incl)):
            return False
        return True

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            if self.low == self.high:
                return f"={_n(self.low)}%"
            lo = f"{_n(self.low)}%{'（含）' if self.low_incl else ''}"
            hi = f"{_n(self.high)}%{'（含）' if self.high_incl else ''}"
            return f"{lo}-{hi}"
        if self.low is not None:
            return f"{'≥' if self.low_incl else '>'}{_n(self.low)}%"
        if self.high is not None:
            return f"{'≤' if self.high_incl else '<'}{_n(self.high)}%"
        return "任意"


@dataclass(frozen=True)
class Penalty:
    direction: str  # "over" | "under"
    threshold: float | None
    per_point: float


@dataclass
class Criterion:
    kind: str  # "rate" | "balance" | "count"
    text: str
    metric: str | None = None
    bands: list[Band] = field(default_factory=list)
    penalty: Penalty | None = None
    full: float | None = None  # points within the threshold, where written
    balance_points: tuple[float, float, float] | None = None
    count_of: str | None = None

    def score_range(self, x: float, weight: float | None = None, slack: float = 0.0) -> tuple[float, float] | None:
        """The scores the rule allows for rate x (percent); None where the rule says nothing.

        A deduction 'per percentage point' is read three ways (pro rata, whole
        points begun, whole points completed), and a rate computed from rounded
        amounts may lie `slack` points either side of x (so either side of a
        band edge): the range covers every reading.
        """
        steps = (-slack, 0.0, slack) if slack > 0 else (0.0,)
        outs = [v for d in steps for v in self._score(x + d, weight)]
        if not outs:
            return None
        return min(outs), max(outs)

    def _score(self, x: float, weight: float | None) -> list[float]:
        for b in self.bands:
            if b.contains(x):
                return [b.points]
        p = self.penalty
        if p is None:
            return []
        full = self.full if self.full is not None else weight
        threshold = p.threshold if p.threshold is not None else self._edge()
        if full is None or threshold is None:
            return []
        gap = x - threshold if p.direction == "over" else threshold - x
        if gap <= 0:
            return [full]
        return [max(0.0, full - p.per_point * g) for g in (gap, math.floor(gap + 1e-9), math.ceil(gap - 1e-9))]

    def _edge(self) -> float | None:
        """Where the penalty starts when the penalty clause does not say: the full band's edge."""
        best = max(self.bands, key=lambda b: b.points, default=None)
        if best is None or self.penalty is None:
            return None
        return best.high if self.penalty.direction == "over" else best.low


def _n(v: float) -> str:
    return f"{v:g}"


def _points(seg: str) -> tuple[float | None, int]:
    """Points a clause awards and where they start (the condition stands before)."""
    z = _ZERO.search(seg)
    ms = list(_POINTS.finditer(seg))
    if ms:
        m = ms[-1]
        if z and z.start() >= m.start() - 1:
            return 0.0, z.start()
        return float(m.group(1)), m.start()
    if z:
        return 0.0, z.start()
    return None, -1


def _condition(head: str) -> tuple[Band | None, int]:
    """(band without points, where the condition starts) for the text before the points."""
    m = _RANGE.search(head)
    if m:
        lo, lo_inc, hi, hi_inc = float(m.group(1)), bool(m.group(2)), float(m.group(3)), bool(m.group(4))
        if lo <= hi:
            return Band(lo, lo_inc or not hi_inc, hi, hi_inc, 0.0), m.start()
    for pattern, kind in _CONDITIONS:
        m = pattern.search(head)
        if not m:
            continue
        v = float(m.group(1))
        band = {
            "ge": Band(v, True, None, False, 0.0),
            "le": Band(None, False, v, True, 0.0),
            "gt": Band(v, False, None, False, 0.0),
            "lt": Band(None, False, v, False, 0.0),
            "eq": Band(v, True, v, True, 0.0),
        }[kind]
        return band, m.start()
    return None, -1


def _metric(head: str) -> str | None:
    s = _METRIC_TRIM.sub("", head.strip(" ,:、"))
    s = re.sub(r"[\"“”‘’']", "", s)
    return s or None


def parse(text: str | None) -> Criterion | None:
    """The scoring rule a 评分标准 text states, or None when it states none we can compute."""
    if not text:
        return None
    t = re.sub(r"\s+", "", text.translate(_NORM))
    m = _BALANCE.search(t)
    if m:
        pts = tuple(0.0 if g == "不得分" else float(g.rstrip("分")) for g in m.groups())
        return Criterion(kind="balance", text=text, metric="资金结余", balance_points=pts)  # type: ignore[arg-type]
    crit = Criterion(kind="rate", text=text)
    for seg in _SEGMENTS.split(t):
        if not seg:
            continue
        pm = _PENALTY.search(seg)
        if pm:
            direction = "over" if pm.group(1) in _OVER_WORDS else "under"
            threshold = float(pm.group(2)) if pm.group(2) else None
            if threshold is None:
                band, _ = _condition(seg[: pm.start()])
                if band is not None:
                    threshold = band.low if band.low is not None else band.high
            crit.penalty = Penalty(direction, threshold, float(pm.group(3)))
            continue
        if "扣" in seg:
            cm = _COUNT.search(seg)
            if cm and crit.count_of is None:
                crit.count_of = cm.group(1).strip(",的")
            continue
        pts, at = _points(seg)
        if pts is None:
            continue
        band, start = _condition(seg[:at])
        if band is None:
            continue
        if crit.metric is None:
            crit.metric = _metric(seg[:start])
        crit.bands.append(Band(band.low, band.low_incl, band.high, band.high_incl, pts))
    if crit.bands:
        crit.full = max(b.points for b in crit.bands)
    if len(crit.bands) >= 2 or (crit.penalty is not None and (crit.bands or crit.penalty.threshold is not None)):
        return crit
    if crit.count_of:
        return Criterion(kind="count", text=text, count_of=crit.count_of)
    return None


def has_points(text: str | None) -> bool:
    """Does the text award points at all (as opposed to an explanatory note)?"""
    return bool(text) and bool(re.search(r"\d(?:\.\d+)?分|不得分|扣完为止", text or ""))
