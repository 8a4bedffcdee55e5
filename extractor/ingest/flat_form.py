"""Rebuild the self-evaluation form from flattened PDF text (layout recovery).

Text extracted from a PDF without positions loses the columns: each cell is
wrapped over several short lines, and a row ends with a line such as
`150 家 180 家 5 5` (target, actual, weight, score). This module finds such a
form in a run of plain lines and rebuilds it as the standard grid, so that
`extractor.forms` reads it exactly like a Word or PDF table:

    预算部门名称 | dept
    年度预算申请 | 年度资金总额 | 年初预算数 … 得分
    按收入性质分 | 按支出性质分 (and the 其中 rows)
    年度总体目标 | 预期目标 | 实际完成情况
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因
    总分 | weight | score

It relies on the forms' fixed vocabulary (the 一级/二级指标 names and the
budget headers), which is national, not on positions. Weak spots are listed in
the README: a row whose target and actual are both split into fragments is
divided where the two halves repeat, else in the middle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.document import At, TableCellSpec
from extractor.text import squash

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = (
    "数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标",
    "生态效益指标", "可持续影响指标", "服务对象满意度指标", "满意度指标",
    "经济成本指标", "社会成本指标", "生态环境成本指标",
)
FUNDS_HEADERS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
INDICATOR_HEADER = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]

_FUNDS_ROW = re.compile(r"^年度资金总额\s+(?P<values>.+)$")
_ROW_END = re.compile(r"^(?P<pre>.*?)\s*(?<![\d.])(?P<w>\d+(?:\.\d+)?)\s+(?P<s>\d+(?:\.\d+)?)$")
_CAP = re.compile(r"^[（(]?\s*\d*\s*分?\s*[）)]?$")
_NUMBERED = re.compile(r"^\d+、")
_TOTAL = re.compile(r"^总\s*分\s+(?P<w>\d+(?:\.\d+)?)\s+(?P<s>\d+(?:\.\d+)?)")
_BY_TYPE_SPLIT = re.compile(r"\s(?=(其中[:：]\s*)?(基本支出|项目支出|按支出性质分)[:：])")
_FIGURE_TOKEN = re.compile(r"^[≥≤＞＜<>]?=?\d")
_UNIT_TOKEN = re.compile(r"^(%|家|户|次|个|项|亿|亿元|万元|元|人|座|亩|吨)$")
_FRAGMENT_MAX = 4  # the 年度指标值 / 实际完成值 columns hold ~4 CJK characters a line


def _width(text: str) -> float:
    """Display width in CJK characters: digits and Latin letters are half as wide."""
    s = squash(text)
    return sum(0.5 if ch.isascii() else 1 for ch in s)


@dataclass
class FlatForm:
    title: str | None
    first_line: int
    lines: set[int] = field(default_factory=set)
    rows: list[list[TableCellSpec]] = field(default_factory=list)


def find_flat_forms(lines: list[tuple[int, str]]) -> list[FlatForm]:
    """Every flattened self-evaluation form in a run of non-empty (number, line) pairs."""
    form = _read_form(lines)
    return [form] if form is not None else []


class _Rows:
    """Accumulates the rebuilt grid, one list of cell specs per row."""

    def __init__(self) -> None:
        self.rows: list[list[TableCellSpec]] = []

    def add(self, texts: list[tuple[str, int | None]], n_cols: int = 9) -> None:
        r = len(self.rows)
        specs = []
        for c, (text, line) in enumerate(texts):
            colspan = n_cols - c if c == len(texts) - 1 else 1
            specs.append(TableCellSpec(row=r, col=c, colspan=colspan, text=text, at=At(line=line) if line else None))
        self.rows.append(specs)


def _read_form(lines: list[tuple[int, str]]) -> FlatForm | None:
    # whitespace separates the flattened columns, so it is kept (collapsed) here
    cleaned = [(n, " ".join(line.split())) for n, line in lines]
    funds_i = next((i for i, (_, t) in enumerate(cleaned) if _FUNDS_ROW.match(t)), None)
    header_i = next((i for i, (_, t) in enumerate(cleaned) if squash(t).startswith("一级指标二级指标")), None)
    if header_i is None:
        return None
    first = funds_i if funds_i is not None else header_i
    title_i = _title_index(cleaned, first)
    out = _Rows()
    start = title_i + 1 if title_i is not None else first
    while start < first and re.fullmatch(r"[（(]?\s*\d{4}\s*年度?\s*[)）]?", cleaned[start][1]):
        start += 1  # the （2022 年度） line under the title stays a paragraph

    if funds_i is not None:
        _read_department(cleaned[start:funds_i], out)
        _read_funds(cleaned, start, funds_i, out)
        goals_end = _read_sources(cleaned, funds_i + 1, header_i, out)
        _read_goals(cleaned, goals_end, header_i, out)
    end = _read_indicators(cleaned, header_i, out)
    used = {cleaned[i][0] for i in range(start, end)}
    title = cleaned[title_i][1] if title_i is not None else None
    return FlatForm(title=title, first_line=cleaned[start][0], lines=used, rows=out.rows)


def _title_index(cleaned: list[tuple[int, str]], before: int) -> int | None:
    for i in range(before - 1, max(-1, before - 25), -1):
        if cleaned[i][1].endswith("自评表"):
            return i
    return None


def _read_department(block: list[tuple[int, str]], out: _Rows) -> None:
    joined = ""
    for k, (n, text) in enumerate(block):
        joined += squash(text)
        if joined.endswith("部门名称") and k + 1 < len(block):
            out.add([("预算部门名称", n), (block[k + 1][1], block[k + 1][0])])
            return


def _read_funds(cleaned, start: int, funds_i: int, out: _Rows) -> None:
    header_text = "".join(squash(t) for _, t in cleaned[start:funds_i])
    headers = [h for h in FUNDS_HEADERS if h in header_text]
    headers.sort(key=header_text.index)
    n, text = cleaned[funds_i]
    values = _FUNDS_ROW.match(text)["values"].split()
    out.add([("年度预算申请（万元）", cleaned[start][0]), ("", None)] + [(h, None) for h in headers])
    out.add([("", None), ("年度资金总额", n)] + [(v, n) for v in values])


def _read_sources(cleaned, begin: int, header_i: int, out: _Rows) -> int:
    """The 按收入性质分 / 按支出性质分 lines, split into their two columns."""
    i = begin
    while i < header_i:
        n, text = cleaned[i]
        if squash(text).startswith("年度总体") or "预期目标" in text:
            break
        parts = _BY_TYPE_SPLIT.split(text, maxsplit=1)
        left = parts[0].strip()
        right = text[len(parts[0]):].strip() if len(parts) > 1 else ""
        out.add([("", None), (left, n), (right, n if right else None)])
        i += 1
    return i


def _read_goals(cleaned, begin: int, header_i: int, out: _Rows) -> None:
    body = []
    for n, text in cleaned[begin:header_i]:
        s = squash(text)
        if s in ("年度总体", "目标", "年度总体目标", "预期目标实际完成情况") or len(s) == 1:
            continue
        body.append((n, text))
    if not body:
        return
    split = _goal_split(body)
    expected, actual = body[:split], body[split:]
    out.add([("年度总体目标", cleaned[begin][0]), ("预期目标", None), ("实际完成情况", None)])
    out.add([
        ("", None),
        ("".join(t for _, t in expected), expected[0][0] if expected else None),
        ("".join(t for _, t in actual), actual[0][0] if actual else None),
    ])


def _goal_split(body: list[tuple[int, str]]) -> int:
    """Where the 实际完成情况 column starts: it repeats the opening words, or its lines are narrower."""
    head = squash(body[0][1])[:8]
    for k in range(1, len(body)):
        if len(head) >= 6 and squash(body[k][1]).startswith(head):
            return k
    widths = [len(squash(t)) for _, t in body]
    for k in range(2, len(body) - 1):
        before, after = max(widths[:k]), max(widths[k:])
        if after <= 0.75 * before:
            return k
    return len(body)


def _read_indicators(cleaned, header_i: int, out: _Rows) -> int:
    """Indicator rows until 总分; returns the index after the last line consumed."""
    i = header_i + 1
    # skip the wrapped header words
    header_words = "年度指标值实际完成值分值得分偏差原因分析及改进措施"
    while i < len(cleaned) and squash(cleaned[i][1]) and squash(cleaned[i][1]) in header_words:
        i += 1
    out.add([(h, cleaned[header_i][0] if k == 0 else None) for k, h in enumerate(INDICATOR_HEADER)])
    level1 = level2 = ""
    pending: list[tuple[int, str]] = []
    last_row: list[tuple[str, int | None]] | None = None
    rows: list[list[tuple[str, int | None]]] = []

    def labels_here(j: int) -> tuple[str, str, int] | None:
        """A 一级 or 二级 label wrapped over lines j.. (with an optional (N分) cap)."""
        acc = ""
        for k in range(j, min(j + 4, len(cleaned))):
            acc += squash(cleaned[k][1])
            if acc in LEVEL1 or acc in LEVEL2:
                cap, m = "", k + 1
                while m < len(cleaned) and _CAP.match(squash(cleaned[m][1])) and squash(cleaned[m][1]):
                    cap += squash(cleaned[m][1])
                    m += 1
                if acc in LEVEL1 and (cap or acc not in LEVEL2):
                    return "1", acc + cap, m
                return "2", acc + cap, m
            if len(acc) > 10:
                break
        return None

    while i < len(cleaned):
        n, text = cleaned[i]
        total = _TOTAL.match(text)
        if total:
            _flush_orphans(pending, last_row)
            rows.append([("总分", n), (total["w"], n), (total["s"], n), ("", None)])
            i += 1
            break
        found = labels_here(i) if not _NUMBERED.match(text) else None
        if found and not pending:
            kind, label, nxt = found
            if kind == "1":
                level1, level2 = label, ""
            else:
                level2 = label
            i = nxt
            continue
        if _NUMBERED.match(text) and pending and last_row is not None and not _NUMBERED.match(pending[0][1]):
            # lines after a row's figures but before the next numbered row: the
            # previous name went on past a page break
            _flush_orphans(pending, last_row)
            pending = []
        end = _ROW_END.match(text)
        if end and (pending or end["pre"]):
            row = _build_row(level1, level2, pending, end["pre"], end["w"], end["s"], n)
            rows.append(row)
            last_row = row
            pending = []
            level1 = level2 = ""  # later rows continue the merge: left empty as in Word dumps
            i += 1
            continue
        if found and pending:
            # a label after orphan lines: those lines belonged to the previous row
            _flush_orphans(pending, last_row)
            pending = []
            continue
        pending.append((n, text))
        i += 1
    for row in rows:
        out.add(row)
    return i


def _flush_orphans(pending: list[tuple[int, str]], last_row) -> None:
    if pending and last_row is not None:
        name, line = last_row[3]
        last_row[3] = (name + "".join(t for _, t in pending), line)
        pending.clear()


def _build_row(level1: str, level2: str, lines: list[tuple[int, str]], pre: str, w: str, s: str, n: int):
    tokens = _figure_tokens(pre)
    name_lines = list(lines)
    target = actual = ""
    if len(tokens) >= 2:
        target, actual = tokens[-2], tokens[-1]
        if len(tokens) > 2:
            name_lines.append((n, " ".join(tokens[:-2])))
    else:
        fragments: list[tuple[int, str]] = []
        while name_lines and _width(name_lines[-1][1]) <= _FRAGMENT_MAX and len(name_lines) > 1:
            fragments.insert(0, name_lines.pop())
        texts = [t for _, t in fragments]
        if len(tokens) == 1:
            actual = tokens[0]
            target = "".join(texts)
        else:
            skip, target, actual = _split_halves(texts)
            name_lines.extend(fragments[:skip])
    name = "".join(t for _, t in name_lines)
    first = name_lines[0][0] if name_lines else n
    return [("", None), (level1, first if level1 else None), (level2, first if level2 else None),
            (name, first), (target, n), (actual, n), (w, n), (s, n), ("", None)]


def _figure_tokens(pre: str) -> list[str]:
    """`150 家 180 家` -> ['150家', '180家']: a unit token joins the number before it."""
    tokens: list[str] = []
    for tok in pre.split():
        if tokens and _UNIT_TOKEN.match(tok) and _FIGURE_TOKEN.match(tokens[-1]):
            tokens[-1] += tok
        else:
            tokens.append(tok)
    return tokens


def _split_halves(texts: list[str]) -> tuple[int, str, str]:
    """Target and actual both wrapped into fragments: split where the two halves repeat.

    Returns how many leading fragments are really the name's last short lines,
    then target and actual. Without a repeat, the fragments are halved.
    """
    for skip in range(len(texts)):
        rest = texts[skip:]
        for k in range(1, len(rest)):
            if "".join(rest[:k]) == "".join(rest[k:]):
                return skip, "".join(rest[:k]), "".join(rest[k:])
    half = (len(texts) + 1) // 2
    return 0, "".join(texts[:half]), "".join(texts[half:])
