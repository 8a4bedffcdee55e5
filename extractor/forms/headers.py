"""Level labels of the indicator block: 一级/二级指标 with their (N分) caps, filled down from merged cells."""

from __future__ import annotations

import re

from extractor.text import squash

# 产出指标（30分）, 投入(30): the closing bracket may be lost in a scan where 分 is written
_CAP = re.compile(r"[（(]\s*(?P<n>\d+(?:\.\d+)?)\s*(?:分\s*[）)]?|[）)])\s*$")
_PAREN_TAIL = re.compile(r"[（(][^（()）]*[）)]\s*$")
_UNCLOSED_TAIL = re.compile(r"[（(][^（()）]*$")  # a scan lost the closing bracket at the cell's edge


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
