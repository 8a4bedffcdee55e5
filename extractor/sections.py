"""The Chinese heading hierarchy, found on the blocks of any backend.

Levels by numbering style, the convention of government reports:
0 for document parts (附件N, form and report titles), 1 for 一、, 2 for （一）,
3 for 1、 / 1. / 1．, 4 for （1）. A numbered line is a heading only when it is
short and does not read as a sentence; long numbered lines are list items.
"""

from __future__ import annotations

import re

from extractor.document import Document, Section
from extractor.text import clean_cell_text

_CN = "一二三四五六七八九十"
_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^(?P<num>[{_CN}]+)\s*[、.．]\s*(?P<title>.+)$")),
    (2, re.compile(rf"^[（(](?P<num>[{_CN}]+)[）)]\s*(?P<title>.+)$")),
    (4, re.compile(r"^[（(](?P<num>\d{1,2})[）)]\s*(?P<title>.+)$")),
    (3, re.compile(r"^(?P<num>\d{1,2})\s*[、.．](?!\d)\s*(?P<title>.+)$")),
]
_ATTACHMENT = re.compile(r"^附件\s*(?P<num>\d+)\s*[:：]?\s*(?P<title>.*)$")
_FORM_TITLE = re.compile(r"(绩效自评报告|自评报告|自评表|基础数据表|评分表|绩效评价报告)\s*$")
_MAX_HEADING = 40


def heading_of(text: str) -> tuple[int, str | None, str] | None:
    """(level, number, title) when `text` reads as a heading, else None."""
    line = clean_cell_text(text)  # a title broken over lines is one title
    if not line or len(line) > _MAX_HEADING + 8:
        return None
    m = _ATTACHMENT.match(line)
    if m:
        return 0, m["num"], line
    if _FORM_TITLE.search(line) and len(line) <= _MAX_HEADING:
        return 0, None, line
    for level, pattern in _PATTERNS:
        m = pattern.match(line)
        if m:
            title = m["title"].strip()
            if len(title) > _MAX_HEADING or re.search(r"[。；;，,]", title.rstrip("。")):
                return None
            return level, m["num"], title.rstrip("。：:")
    return None


def assign_sections(doc: Document) -> None:
    """Find headings among the text blocks and set every block's section."""
    doc.sections = []
    stack: list[Section] = []
    for block in doc.blocks:
        if block.kind != "table":
            found = heading_of(block.text)
            if found is None and block.kind == "heading" and block.level is not None:
                found = (block.level, None, clean_cell_text(block.text))
            if found and (block.kind == "heading" or found[0] > 0 or len(block.text) <= _MAX_HEADING):
                level, number, title = found
                if block.kind == "heading" and block.level is not None and level > 0:
                    # the source's own heading level beats the numbering style, which
                    # Word documents often get wrong (a Heading 1 numbered 1、)
                    level = block.level
                section = Section(
                    id=f"s{len(doc.sections) + 1}",
                    level=level,
                    number=number,
                    title=title,
                    block=block.id,
                    at=block.at.model_copy(),
                )
                doc.sections.append(section)
                block.kind = "heading"
                while stack and stack[-1].level >= level:
                    stack.pop()
                stack.append(section)
        block.section = stack[-1].id if stack else None


# what a heading says its text is: results (完成情况, 自评结论, 存在的问题), goals (绩效目标, 年度指标), or plans
# (下一步, 改进措施); the innermost heading that says either decides, so 绩效目标完成情况 › 产出指标 is results
_RESULT_TITLE = re.compile(r"(完成|实现|情况|结论|评价|成效|效果|问题|原因|总结)")
_GOAL_TITLE = re.compile(r"(目标|任务|预期)")
_PLAN_TITLE = re.compile(r"(下一步|改进|措施|计划|打算|思路|建议|展望|安排)")


def section_roles(sections: list[Section]) -> dict[str, str | None]:
    """Each section's role (goal, result, plan or None) from its own title or, when it says neither, its parents'."""
    roles: dict[str, str | None] = {}
    stack: list[Section] = []
    for sec in sections:
        while stack and stack[-1].level >= sec.level:
            stack.pop()
        title = sec.title
        own = ("result" if _RESULT_TITLE.search(title) else "plan" if _PLAN_TITLE.search(title)
               else "goal" if _GOAL_TITLE.search(title) else None)
        roles[sec.id] = own if own or not stack else roles[stack[-1].id]
        stack.append(sec)
    return roles


def title_tables(doc: Document) -> None:
    """A table's title is the form title just above it (within three blocks), if any."""
    for i, block in enumerate(doc.blocks):
        if block.kind != "table" or block.table is None:
            continue
        table = doc.table(block.table)
        if table.title:
            continue
        for prev in reversed(doc.blocks[max(0, i - 3) : i]):
            if prev.kind == "table":
                break
            text = clean_cell_text(prev.text)
            if _FORM_TITLE.search(text) or text.endswith("表"):
                table.title = text
                break
