"""Header vocabulary of the standard forms, with the synonyms reports use.

Forms are recognised by these words, never by position: one report's
年度指标值 is another's 指标值 or 目标值.
"""

from __future__ import annotations

import re

from extractor.text import squash

# canonical key -> accepted squashed header texts (exact match, or prefix where noted)
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "绩效指标名称", "指标名称"),
    "criteria": ("评分标准", "评分细则"),
    "target": ("年度指标值", "指标值", "目标值", "年度目标值", "预期指标值", "年度目标", "预期目标值", "计划值"),
    "actual": ("实际完成值", "完成值", "实际完成情况", "实际值", "全年实际完成值", "实际完成", "完成情况"),
    "weight": ("分值", "权重", "标准分值"),
    "score": ("得分", "自评得分", "评分", "实际得分"),
    "note": ("偏差原因分析及改进措施", "偏差原因", "扣分原因和其他说明", "扣分原因", "未完成原因分析", "原因分析"),
}
NOTE_PREFIXES = ("偏差原因", "扣分原因", "未完成原因")

FUNDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "initial_budget": ("年初预算数", "年初预算"),
    "annual_budget": ("全年预算数", "全年预算", "调整后预算数"),
    "executed": ("全年执行数", "执行数", "全年支出数"),
    "weight": ("分值",),
    "execution_rate": ("执行率", "预算执行率"),
    "score": ("得分",),
}
FUNDS_ROW_LABELS = ("年度资金总额", "资金总额")

BY_SOURCE = ("一般公共预算", "政府性基金拨款", "纳入专户管理的非税收入拨款", "其他资金")
BY_TYPE = ("基本支出", "项目支出")

_CAP = re.compile(r"[（(]\s*(?P<n>\d+(?:\.\d+)?)\s*分\s*[）)]?\s*$")  # the closing bracket may be lost in a scan
_PAREN_TAIL = re.compile(r"[（(][^（()）]*[）)]\s*$")
_UNCLOSED_TAIL = re.compile(r"[（(][^（()）]*$")  # a scan lost the closing bracket at the cell's edge


FUZZY_MIN_LEN = 4  # shorter names (得分, 评分, 分值) differ from each other by one character


def header_key(text: str, vocabulary: dict[str, tuple[str, ...]]) -> str | None:
    s = squash(text)
    for key, names in vocabulary.items():
        if s in names:
            return key
    if vocabulary is INDICATOR_COLUMNS and s.startswith(NOTE_PREFIXES):
        return "note"
    return _one_char_off(s, vocabulary)


def _one_char_off(s: str, vocabulary: dict[str, tuple[str, ...]]) -> str | None:
    """The key whose name is one edit from `s` (a scan's stray mark, a lost or misread character), if only one is."""
    from rapidfuzz.distance import Levenshtein

    if len(s) < FUZZY_MIN_LEN:
        return None
    keys = {key for key, names in vocabulary.items() for name in names
            if len(name) >= FUZZY_MIN_LEN and Levenshtein.distance(s, name, score_cutoff=1) <= 1}
    return keys.pop() if len(keys) == 1 else None


def split_level(text: str) -> tuple[str, float | None]:
    """`产出指标(30分)` -> ('产出指标', 30); an explanatory parenthesis is dropped, no cap."""
    s = squash(text)
    cap = None
    m = _CAP.search(s)
    if m:
        cap = float(m["n"])
        s = s[: m.start()]
    else:
        while _PAREN_TAIL.search(s) and not _PAREN_TAIL.fullmatch(s):
            s = _PAREN_TAIL.sub("", s)
        m = _UNCLOSED_TAIL.search(s)
        if m and m.start() > 0:
            s = s[: m.start()]
    return s, cap


class LevelLabels:
    """一级/二级指标 labels filled down from merged cells; a new 一级 starts its 二级 afresh."""

    def __init__(self) -> None:
        self.level1 = self.level2 = ""

    def update(self, level1: str, level2: str) -> None:
        if level1:
            if level1 != self.level1:
                self.level2 = ""
            self.level1 = level1
        if level2:
            self.level2 = level2

    def names(self) -> tuple[str | None, str | None]:
        """The current labels without their (N分) caps or explanations."""
        return split_level(self.level1)[0] or None, split_level(self.level2)[0] or None
