"""The document-wide fact table: every figure of every table and of the text, with what it measures.

A table fact is a cell that holds one figure and nothing else. Its `name` is
the nearest cell to its left that holds words (the row label), its `column`
the nearest cells above that hold words (the column header, two at most, so
`2021年/决算数`), its unit the cell's own, else the header's `（万元）`, else the
table's `单位：万元`. A text fact is every figure the quantity parser finds in
a narrative unit (`narrative.narrative_texts`); its name is the words of its
clause before it, or the METRIC the tagger paired it with where there is a
claim. Broken figures (`46.%`, `12O5万元`) are facts too, with `malformed` set.

Nothing is compared here: the reconciler's rules and the relation finder
(`extractor.relations`) read this table.
"""

from __future__ import annotations

import re
from itertools import pairwise

from extractor.document import At, Cell, Document, Table
from extractor.quantity import COUNT_UNITS, Quantity, find_malformed, find_quantities, parse_quantity
from extractor.schema import Claim, Fact
from extractor.sections import section_roles
from extractor.text import squash

MONEY_UNITS = ("元", "千元", "万元", "亿元", "万亿元", "万", "亿")
_CHANGE_BEFORE = re.compile(r"(增加|减少|下降|增长|节约|压减|降低|超支|超出|追加|调减|调增|提高|上升|回落|多|少)了?$")
_GROWTH_BEFORE = re.compile(r"(增长|增速|增幅|同比|环比|提高|上升|下降|减少|降低|回落|增加)")
_TABLE_UNIT = re.compile(r"(?:单位|金额单位|计量单位)\s*[：:]\s*(千元|万元|亿元|元|%|个|人|家)")
_HEADER_UNIT = re.compile(r"[（(]\s*(千元|万元|亿元|元|%|个|人|家|分)\s*[）)]")
_YEAR_CELL = re.compile(r"^\s*(19|20)\d{2}\s*(年度?)?\s*$")
_TARGET_HEAD = re.compile(r"(预算|目标|指标值|计划|年初|任务|标准)")
_ACTUAL_HEAD = re.compile(r"(执行|决算|实际|完成|实现|支出数|到位|拨付)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ITEM_END = re.compile(r"[。；;！？!?\n]")
_CLAUSE_BREAK = re.compile(r"[，,；;。：:！？!?\n（）()、]")
# words that only link a name to its figure: 基本支出为2195.62万元 -> 基本支出
_LINK_TAIL = re.compile(r"(为|达到|达|是|约|共计|合计|总计|累计|共|计|实现|完成|仅|近|超过|突破|达成|已)+$")
_LEAD = re.compile(r"^(其中|包括|分别为|分别是|由(?!于)|另外|此外|以及|及|和|与|[一二三四五六七八九十]是|\d+[.、]|至|截至|截止)+(20\d{2}年(度|末|底)?)?")
# a paragraph that opens a list of goals (绩效目标为：…；…；…): every figure after it is a goal
_DECLARES_GOALS = re.compile(r"(目标|任务)(为|是|包括|如下)?\s*[：:]|目标(为|是)")
_IN_NUMBER = re.compile(r"\d[,，]\d{3}")
_LABEL_MAX = 40
_NOT_QUANTITY = re.compile(r"(电话|号码|编号|代码|邮编|账号|传真|手机)")
_SKIP_HEADS = ("序号", "编号", "行次", "栏次", "项次")


def measure_of(unit: str | None, before: str = "", name: str = "") -> str:
    """What kind of quantity a figure is, from its unit and the words just before it."""
    if unit in ("个百分点", "百分点"):
        return "difference"
    if unit in MONEY_UNITS + COUNT_UNITS and _CHANGE_BEFORE.search(before.rstrip()):
        return "change"
    if unit in ("%", "‰"):
        if _GROWTH_BEFORE.search(before) or re.search(r"(增速|增长率|增幅)$", name):
            return "growth"
        return "share"
    if unit in MONEY_UNITS:
        return "amount"
    if unit == "分":
        return "score"
    if unit in COUNT_UNITS:
        return "count"
    return "level"


def clause_name(text: str, start: int) -> str:
    """The words of the clause before position `start`, without linking verbs and list words."""
    left = start
    # a comma between digits is a thousands separator (1,150.00), not a clause break
    while left > 0 and not (_CLAUSE_BREAK.match(text[left - 1]) and not (left >= 2 and _IN_NUMBER.match(text, left - 2))):
        left -= 1
    name = re.sub(r"\s+", "", text[left:start])
    # a figure earlier in the clause ends the name before it (…1,150.00万元和市级配套资金 -> 市级配套资金)
    found = [e for _s, e, q in find_quantities(name) if q.value is not None] if re.search(r"\d", name) else []
    if found:
        name = re.sub(r"^(和|及|与|、|以及)", "", name[found[-1]:])
    name = _LINK_TAIL.sub("", name)
    name = _LEAD.sub("", name)
    return name


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _figure_cell(cell: Cell) -> Quantity | None:
    """The cell's figure when the cell holds one figure and nothing else."""
    text = squash(cell.text)
    if not text or _YEAR_CELL.match(text):
        return None
    found = find_quantities(text)
    if len(found) != 1:
        return None
    s, e, q = found[0]
    if q.value is None or re.sub(r"[≥≤><＞＜=约\s]", "", text[:s] + text[e:]):
        return None
    return parse_quantity(text)


def _table_unit(table: Table, grid) -> str | None:
    texts = [table.title or ""] + [c.text for c in table.cells if c.row <= 1]
    for t in texts:
        m = _TABLE_UNIT.search(squash(t))
        if m:
            return m[1]
    return None


def _pairs_in_row(row: list, figures: dict) -> bool:
    """Is the row a run of label/value pairs (联系人 张三 电话 8721315): two labels or more, one right before a figure?"""
    cells = [c for i, c in enumerate(row) if c is not None and (i == 0 or row[i - 1] is not c)]
    labels = [c for c in cells if id(c) not in figures and squash(c.text)]
    return len(labels) >= 2 and any(id(a) not in figures and squash(a.text) and id(b) in figures for a, b in pairwise(cells))


def table_facts(table: Table) -> list[Fact]:
    grid = table.grid()
    figures = {id(c): q for c in table.cells if (q := _figure_cell(c)) is not None}
    table_unit = _table_unit(table, grid)
    value_rows = {c.row for c in table.cells if id(c) in figures}
    pair_rows = {r for r in value_rows if _pairs_in_row(grid[r], figures)}
    title_year = _YEAR.search(table.title or "")
    out: list[Fact] = []
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        q = figures.get(id(cell))
        if q is None:
            continue
        labels = [squash(grid[cell.row][c].text) for c in range(cell.col - 1, -1, -1)
                  if grid[cell.row][c] is not None and id(grid[cell.row][c]) not in figures and squash(grid[cell.row][c].text)]
        # a long text to the left is a 评分标准 or a note; the row's label is the nearest short one
        row_label = next((t for t in labels if len(t) <= _LABEL_MAX), labels[0] if labels else None)
        heads: list[str] = []
        unit_heads: list[str] = []
        for r in range(cell.row - 1, -1, -1):
            above = grid[r][cell.col]
            if above is None or above is cell or id(above) in figures:
                if heads:
                    break
                continue
            if r in value_rows:
                break  # a row of label/value pairs (联系人 张三 电话 8721315) heads nothing below it
            t = re.sub(r"^其中[：:]?", "", squash(above.text))
            unit_heads.append(t)
            if t and t not in heads and len(heads) < 2:
                heads.insert(0, t)
        # a row of label/value pairs (人员编制 90 实有人数 82): each figure is named by its label alone
        column = None if cell.row in pair_rows else "/".join(heads) or None
        if column and any(h in column for h in _SKIP_HEADS) or row_label and row_label in _SKIP_HEADS:
            continue
        if _NOT_QUANTITY.search(row_label or "") or _NOT_QUANTITY.search(column or ""):
            continue  # a phone or code number is a figure of no quantity
        unit = q.unit
        if unit is None:
            m = next((m for t in [*unit_heads, row_label or ""] if (m := _HEADER_UNIT.search(t))), None)
            unit = m[1] if m else table_unit
            if unit is not None:
                q = q.model_copy(update={"unit": unit})
        head = column or ""
        kind = "target" if _TARGET_HEAD.search(head) and not _ACTUAL_HEAD.search(head) else "actual" if _ACTUAL_HEAD.search(head) else None
        year = _YEAR.search(head) or title_year
        malformed = find_malformed(squash(cell.text))
        measure = "score" if re.search(r"(分值|得分|权重)", head) else measure_of(unit, "", row_label or "")
        out.append(Fact(
            id="", source="table", name=row_label, column=column, value=q, measure=measure, kind=kind,
            period=f"{year[1]}年" if year else None,
            malformed=malformed[0][2] if malformed else None,
            at=cell.at.model_copy(update={"table": table.id, "row": cell.row, "col": cell.col}) if cell.at else At(table=table.id, row=cell.row, col=cell.col),
        ))
    return out


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


def _unit_key(at: At) -> tuple:
    return (at.block, at.table, at.row, at.col)


def text_facts(text: str, at: At, claims: list[Claim], role: str | None = None) -> list[Fact]:
    """Every figure of one narrative unit, named by its claim's metric or by its clause; `role` is its section's."""
    own = {c.at.start: c for c in claims if _unit_key(c.at) == _unit_key(at) and c.at.start is not None}
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", text)]
    out: list[Fact] = []
    broken = find_malformed(text)
    for s, e, q in find_quantities(text):
        if q.value is None and q.low is None:
            continue
        if any(bs < e and s < be and not (s <= bs and be <= e) for bs, be, _ in broken):
            continue  # a piece of a broken figure (98 of 98..6%): the broken text stands as one fact below
        claim = own.get(s)
        name = clause_name(text, s)
        before = text[max(0, s - 8) : s]
        sentence = next((text[a:b].strip() for a, b in sentences if a <= s < b), text.strip())
        why = next((w for bs, be, w in broken if bs < e and s < be), None)
        lo = max([0] + [m.end() for m in _ITEM_END.finditer(text, 0, s)])
        hi = next((m.start() for m in _ITEM_END.finditer(text, e)), len(text))
        fact_at = at.model_copy(update={"start": s, "end": e})
        out.append(Fact(
            id="", source="text", name=name or None, metric=claim.metric if claim else None, value=q,
            measure=claim.measure if claim and claim.measure else measure_of(q.unit, before, name),
            kind=claim.kind if claim else None, period=_own_year(text, s) or _period(sentence),
            sentence=sentence, before=text[lo:s].strip(), after=text[e:hi].strip(), malformed=why, at=fact_at,
            role="goal" if _DECLARES_GOALS.search(text[:s]) else role,
        ))
    covered = [(f.at.start, f.at.end) for f in out]
    for bs, be, why in broken:
        if not any(s < be and bs < e for s, e in covered):
            # the parser found no figure here at all (12O5万元): keep the broken text as a fact without a value
            tail = re.match(r"\s*(%|％|‰|[万亿]?元|个百分点)", text[be:])
            end = be + (tail.end() if tail else 0)
            sentence = next((text[a:b].strip() for a, b in sentences if a <= bs < b), text.strip())
            out.append(Fact(
                id="", source="text", name=clause_name(text, bs) or None, value=Quantity(text=text[bs:end]),
                sentence=sentence, malformed=why, at=at.model_copy(update={"start": bs, "end": end}),
            ))
    return sorted(out, key=lambda f: f.at.start or 0)


def _own_year(text: str, start: int) -> str | None:
    """The year its own clause gives a figure (`…7.92万元，较2022年的8.46万元` -> 2022 for 8.46), if any."""
    left = start
    while left > 0 and text[left - 1] not in "，,；;。！？!?\n":
        left -= 1
    years = _YEAR.findall(text[left:start])
    return f"{years[-1]}年" if years else None


def _period(sentence: str) -> str | None:
    """The year a sentence speaks of: its first year that is not one compared with (比2023年的…)."""
    for m in _YEAR.finditer(sentence):
        if not re.search(r"(比|较|相比|同比|上年|去年)\s*$", sentence[max(0, m.start() - 3) : m.start()]):
            return f"{m[1]}年"
    return None


def fact_table(doc: Document, units: list[tuple[str, At, str | None]], claims: list[Claim]) -> list[Fact]:
    """Every fact of the document, numbered x1, x2 … (tables in order, then the narrative units in order)."""
    facts: list[Fact] = []
    for table in doc.tables:
        facts.extend(table_facts(table))
    roles = section_roles(doc.sections)
    for text, at, _role in units:
        facts.extend(text_facts(text, at, claims, roles.get(at.section or "")))
    return [f.model_copy(update={"id": f"x{i}"}) for i, f in enumerate(facts, 1)]
