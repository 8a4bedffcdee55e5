"""The narrative of a report and its claims: which texts are free text, tagged, then paired.

Free text is every paragraph block and every long table cell that is not form
data (indicator names, values and 评分标准 are read by `extractor.forms`; the
定量目标 table's 完成情况 paragraphs are narrative). A cell under a goal header
(预期目标, 绩效目标, 年度主要工作内容) states targets, one under 实际完成 / 完成情况
states results (`extractor.tagger.roles`): the tagger is told that role, and it
decides a claim's kind over the tagger's label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.claims import build_claims
from extractor.document import At, Document
from extractor.schema import Claim, Indicator, Rating
from extractor.tagger.roles import role_of_header
from extractor.text import squash

_KIND_OF_ROLE = {"goal": "target", "result": "actual"}
_FIGURE = re.compile(r"[0-9０-９]")
_MIN_CELL = 20


# Claims feed audit findings, so the default tagger is the one that tags text it
# was not written against better: on the blind split (annotations/README-handwritten.md,
# eight departments, written after the rules were frozen) the model leads the rules
# by 4.9 points, 95% interval 2.7-7.3 (python -m eval.tagger). The rules, fitted to the
# seed reports, stay the faster choice (--tagger rules): 7 s against 29 s for the
# sample archive.
DEFAULT_TAGGER = "model"


def tagger_kind(kind: str) -> str:
    """The tagger a name stands for: "default"/"auto" resolve to DEFAULT_TAGGER, other names are themselves."""
    return DEFAULT_TAGGER if kind in ("default", "auto") else kind


@lru_cache(maxsize=4)
def get_tagger(kind: str = "default", threads: int | None = None):
    """The tagger by name: rules, model (the shipped one), a model directory, or default."""
    from extractor.tagger import load_tagger

    kind = tagger_kind(kind)
    if kind == "rules":
        return load_tagger(rules=True)
    return load_tagger(None if kind == "model" else kind, threads=threads)


def narrative_texts(doc: Document, indicators: list[Indicator]) -> list[tuple[str, At, str | None]]:
    """(text, provenance, role of its column or None) for every free-text unit."""
    out: list[tuple[str, At, str | None]] = []
    for block in doc.blocks:
        if block.kind == "paragraph" and _FIGURE.search(block.text):
            at = block.at.model_copy()
            at.block, at.section = block.id, block.section
            out.append((block.text, at, None))
    form_cells = set()
    for ind in indicators:
        keys = ("name", "target", "criteria") if ind.form == "定量目标" else ("name", "target", "actual", "note", "criteria")
        for key in keys:
            cell = ind.at if key == "name" else ind.cells.get(key)
            if cell is not None and cell.table is not None:
                form_cells.add((cell.table, cell.row, cell.col))
    for table in doc.tables:
        grid = table.grid()
        for cell in table.cells:
            if len(cell.text) < _MIN_CELL or not _FIGURE.search(cell.text):
                continue
            if (table.id, cell.row, cell.col) in form_cells:
                continue
            out.append((cell.text, cell.at or At(table=table.id, row=cell.row, col=cell.col), _column_role(grid, cell)))
    return out


def _column_role(grid, cell) -> str | None:
    """goal / result from the header above the cell (or to its left), if it has one."""
    # a header above must span the cell's columns: one over only part of them heads another block (项目年度目标 over
    # the 项目实施内容 row below it)
    heads = [h for r in range(cell.row - 1, max(-1, cell.row - 4), -1) if (h := grid[r][cell.col]) is not None
             and h.col <= cell.col and cell.col + cell.colspan <= h.col + h.colspan]
    if cell.col > 0:
        heads.append(grid[cell.row][cell.col - 1])
    for above in heads:
        if above is None or above is cell:
            continue
        head = squash(above.text)
        role = role_of_header(head) if len(head) <= 30 else None
        if role:
            return role
    return None


def narrative_claims(doc: Document, indicators: list[Indicator], tagger) -> list[Claim]:
    units = narrative_texts(doc, indicators)
    if not units:
        return []
    claims: list[Claim] = []
    # a text repeated in a document (a form copied on two pages, a heading restated) is tagged once
    keys = [(text, role) for text, _, role in units]
    distinct = list(dict.fromkeys(keys))
    tagged = dict(zip(distinct, tagger.predict([t for t, _ in distinct], roles=[r for _, r in distinct])))
    spans_of = [tagged[k] for k in keys]
    blocks = {b.id: b for b in doc.blocks}
    for (text, at, role), spans in zip(units, spans_of):
        block = blocks.get(at.block) if at.block is not None and at.table is None else None
        for claim in build_claims(text, spans, at):
            if role is not None:
                claim.kind = _KIND_OF_ROLE[role]
            # on a scanned page: the figure's own reading confidence, not the paragraph's weakest line's
            own = block.span_confidence(claim.at.start, claim.at.end) if block is not None else None
            if own is not None:
                claim.at.confidence = own
            claims.append(claim)
    return claims


_GRADES = "优秀|良好|不合格|合格|优|良|中|差"
_RATING_TEXT = re.compile(rf"(评价等次|等次|等级|评价结果)[为是：:\s]*[“\"]?(?P<g>{_GRADES})[”\"]?|为[“\"](?P<g2>{_GRADES})[”\"]等级?")


def find_ratings(doc: Document) -> list[Rating]:
    """评价等次 as stated in paragraphs (评价等次为优, 为“优”等级) and in a 评价等次 table row."""
    out: list[Rating] = []
    for block in doc.blocks:
        if block.kind == "table":
            continue
        for m in _RATING_TEXT.finditer(block.text):
            at = block.at.model_copy()
            at.block, at.section, at.start, at.end = block.id, block.section, m.start(), m.end()
            out.append(Rating(text=m.group(0), grade=m["g"] or m["g2"], at=at))
    for table in doc.tables:
        grid = table.grid()
        for r, row in enumerate(grid):
            for c, cell in enumerate(row[:-1]):
                if cell is not None and cell.row == r and cell.col == c and squash(cell.text) in ("评价等次", "评价等级", "自评等级"):
                    nxt = next((x for x in row[c + 1 :] if x is not None and x is not cell), None)
                    if nxt is not None and re.fullmatch(_GRADES, squash(nxt.text)):
                        out.append(Rating(text=nxt.text, grade=squash(nxt.text), at=nxt.at or At(table=table.id, row=r)))
    return out
