"""The role of a text: whether it sits in a goal cell, a result cell, or neither.

`规模工业增加值增长7.5%` is a TARGET in a 预期目标 cell and a VALUE in a 实际完成情况
cell: the words are the same, only the column differs. The pipeline knows the
column (`extractor.narrative`), the annotation files record it in `source`
(`… table cell 预期目标`), so both taggers take it as an input instead of
guessing. Roles: "goal", "result", or None (narrative text, table rows, unknown).
"""

from __future__ import annotations

import re

ROLES = ("goal", "result")

GOAL_HEADERS = re.compile(r"(预期目标|绩效目标|年度主要工作内容|年度目标|总体目标)")
RESULT_HEADERS = re.compile(r"(实际完成|完成情况|总体运行情况|取得的成绩)")

# Words the model reads in front of the text: plain report words, so the
# pretrained encoder already knows what they mean.
PREFIX = {"goal": "预期目标：", "result": "实际完成："}

_CELL = re.compile(r"table cell \(?(?P<header>[^,;()]+)")
_EXPLICIT = re.compile(r"\brole=(?P<role>goal|result)\b")


def role_of_header(header: str) -> str | None:
    """goal / result from a column header such as 预期目标 or 实际完成情况.

    What was done is asked first: 年度目标完成情况 (Sichuan) names the goal it reports on.
    """
    if RESULT_HEADERS.search(header):
        return "result"
    if GOAL_HEADERS.search(header):
        return "goal"
    return None


def role_of_source(source) -> str | None:
    """The role an annotation `source` records: `… table cell 预期目标` or `role=goal`."""
    if not isinstance(source, str) or not source:
        return None
    m = _EXPLICIT.search(source)
    if m:
        return m["role"]
    m = _CELL.search(source)
    return role_of_header(m["header"]) if m else None


def check_role(role) -> str | None:
    """The role itself if it is one, else ValueError naming it."""
    if role is None or role in ROLES:
        return role
    raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)} or none")


def roles_for(texts: list, roles) -> list[str | None]:
    """One role per text: `roles` as a list, or all None; ValueError if the counts differ."""
    roles = list(roles) if roles is not None else [None] * len(texts)
    if len(roles) != len(texts):
        raise ValueError(f"{len(roles)} roles for {len(texts)} texts")
    return roles
