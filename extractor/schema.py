"""The output contract (version 1) as pydantic models, and its JSON Schema.

Names and meanings follow ../shared/output-contract.md; fields may be added,
never renamed or dropped without bumping SCHEMA_VERSION. `schema/extraction.schema.json`
is generated from these models (`extractor schema`), and a test checks that
the models cover every field the contract lists.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractor.document import At, Section, Table
from extractor.quantity import Quantity

SCHEMA_VERSION = 1


class SourceInfo(BaseModel):
    path: str
    sha256: str
    format: str
    pages: int | None = None
    ocr: bool = False


class Funds(BaseModel):
    """The budget block of a self-evaluation form, in the form's unit (normally 万元)."""

    model_config = ConfigDict(extra="allow")

    initial_budget: float | None = None
    annual_budget: float | None = None
    executed: float | None = None
    execution_rate: Quantity | None = None
    weight: float | None = None
    score: float | None = None
    by_source: dict[str, float | None] = Field(default_factory=dict)
    by_type: dict[str, float | None] = Field(default_factory=dict)
    unit: str | None = "万元"
    income_total: float | None = Field(default=None, description="收入合计, where funds come from 收支 tables")
    balance: float | None = Field(default=None, description="当年结余, where the 支出 table states it")
    at: dict[str, At] = Field(default_factory=dict, description="where each field was read: field name -> cell")
    rows: dict[str, "Funds"] = Field(
        default_factory=dict, description="a source or type written as a row: its own budget, execution and rate"
    )
    source_parts: dict[str, str] = Field(
        default_factory=dict, description="a by_source entry that is part of another (其中：上级补助 of 财政拨款) -> that entry"
    )


class Indicator(BaseModel):
    level1: str | None = None
    level2: str | None = None
    name: str
    target: Quantity | None = None
    actual: Quantity | None = None
    weight: float | None = None
    score: float | None = None
    note: str = ""
    criteria: str | None = Field(default=None, description="评分标准 text of a scoring table, kept for the reconciler")
    form: str | None = Field(default=None, description="which form the row comes from")
    form_index: int | None = Field(default=None, description="the index in `forms` of the form the row belongs to")
    at: At = Field(default_factory=At)
    cells: dict[str, At] = Field(default_factory=dict, description="where each field was read: field name -> cell")


class LevelTotal(BaseModel):
    weight: float | None = Field(default=None, description="sum of the rows' 分值")
    score: float | None = Field(default=None, description="sum of the rows' 得分")
    cap: float | None = Field(default=None, description="the (N分) written in the level cell")


class Level1Total(LevelTotal):
    by_level2: dict[str, LevelTotal] = Field(default_factory=dict)


class Totals(BaseModel):
    weight: float | None = Field(default=None, description="总分 row's 分值 as written")
    score: float | None = Field(default=None, description="总分 row's 得分 as written")
    by_level1: dict[str, Level1Total] = Field(default_factory=dict)
    at: At | None = None
    cells: dict[str, At] = Field(default_factory=dict, description="the 总分 row's weight and score cells")
    cut_off: bool = Field(
        default=False, description="the form ends at the end of its table without a 总分 row (a file or page cut short): "
        "its last level may be incomplete"
    )


class FormInfo(BaseModel):
    """A standard form recognised in the document: its family of layouts and how it was read."""

    family: str = Field(description="stable id of the layout family (README: formats and families)")
    title: str | None = None
    project: str | None = Field(default=None, description="the 项目名称 the form names, where it names one")
    table: str | None = Field(default=None, description="id of the table holding the indicator block (else the budget block)")
    header_row: int | None = Field(default=None, description="the indicator block's header row (else the budget block's)")
    columns: dict[str, int] = Field(default_factory=dict, description="indicator block: role -> column")
    header: list[str] = Field(default_factory=list, description="the header row's texts the family was recognised from")
    budget_table: str | None = None
    budget_header_row: int | None = None
    budget_columns: dict[str, int] = Field(default_factory=dict, description="budget block: role -> column")
    funds: Funds | None = Field(default=None, description="this form's own budget block")
    totals: Totals | None = Field(default=None, description="this form's own 总分 row and level sums")


class BasicDataRow(BaseModel):
    name: str
    key: str | None = Field(default=None, description="canonical name (三公经费, 公务接待 …) where recognised")
    values: list[float | None]
    at: At = Field(default_factory=At)
    cells: list[At | None] = Field(default_factory=list, description="where each year column's value stands")


class BasicData(BaseModel):
    """绩效评价基础数据表: staffing and the 经费控制情况 rows with their year columns."""

    staffing: dict[str, Quantity] = Field(default_factory=dict)
    staffing_at: dict[str, At] = Field(default_factory=dict)
    columns: list[str] = Field(default_factory=list)
    rows: list[BasicDataRow] = Field(default_factory=list)
    table: str | None = None


class Claim(BaseModel):
    metric: str | None
    kind: Literal["actual", "target"]
    value: Quantity
    sentence: str
    at: At
    confidence: float | None = Field(default=None, description="the tagger's score for the figure (and its metric)")
    measure: Literal["growth", "share", "difference", "change", "amount", "count", "score", "level"] | None = None
    direction: int = Field(default=1, description="-1 when the sentence says the quantity fell (下降, 减少)")
    period: str | None = None
    metric_at: list[int] | None = Field(default=None, description="the metric's [start, end] in the same block")


class Fact(BaseModel):
    """One figure of the document, wherever it stands: a table cell or a figure in the text."""

    id: str = Field(description="x1, x2 … in document order: tables first, then text")
    source: Literal["table", "text"]
    name: str | None = Field(default=None, description="what the figure measures: the row label of a cell, the words before a figure in its clause")
    column: str | None = Field(default=None, description="table: the column header(s) above the cell, joined with /")
    metric: str | None = Field(default=None, description="text: the METRIC the tagger paired the figure with")
    value: Quantity
    measure: Literal["growth", "share", "difference", "change", "amount", "count", "score", "level"] | None = None
    kind: Literal["actual", "target"] | None = Field(default=None, description="target or actual where the column or the tagger says so")
    period: str | None = None
    sentence: str | None = Field(default=None, description="text: the sentence the figure stands in")
    before: str | None = Field(default=None, description="text: the words from the last 。 or ； up to the figure")
    after: str | None = Field(default=None, description="text: the words from the figure to the next 。 or ；")
    malformed: str | None = Field(default=None, description="why the figure as written is broken (46.%, 12O5万元), else null")
    role: Literal["goal", "result", "plan"] | None = Field(
        default=None, description="text figures: what their section heading or paragraph says they are (绩效目标 -> goal, "
        "完成情况 -> result, 下一步 -> plan), null where neither says")
    at: At


class Relation(BaseModel):
    """A relation the document states between its figures (fact ids), read from its words."""

    kind: Literal["parts", "share", "product", "rate"]
    total: str | None = Field(default=None, description="parts: the whole the 其中 list breaks down; product: the stated result")
    parts: list[str] = Field(default_factory=list, description="parts: the items; product: the count and the rate")
    share: str | None = Field(default=None, description="share, rate: the percentage")
    base: str | None = Field(default=None, description="share: the figure the base names, null when the document states none; "
                             "rate: the budget, plan or amount due the rate divides by")
    base_name: str | None = Field(default=None, description="share: the base as written (基本支出)")
    text: str = Field(description="the words the relation was read from")
    months: int = Field(default=1, description="product: months a per-month rate runs (每人每月 … 全年: 12)")
    per: str | None = Field(default=None, description="product: the unit the rate is per (人, 公里, 亩); the count is taken in it (1.38万亩 as 13800亩)")
    at: At


class Rating(BaseModel):
    """A stated 评价等次 (优/良/中/差, 优秀/良好/合格 …)."""

    text: str
    grade: str
    at: At


class Evidence(BaseModel):
    text: str
    at: At
    document: str | None = Field(default=None, description="the file the figure stands in, where a finding cites two reports (--compare)")


class Finding(BaseModel):
    id: str
    rule: str
    severity: Literal["error", "warning", "info"]
    verdict: Literal["contradicted", "supported", "unverifiable"]
    message: str
    expected: str | None = None
    found: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float | None = Field(
        default=None, description="lowest OCR reading confidence among the evidence (None: no figure was read by OCR)"
    )
    cause: Literal["misread", "report"] | None = Field(
        default=None,
        description="for findings on OCR-read figures: misread when the figures differ by one character "
        "and a weakly read figure is involved (the scan should be checked, not the report), else report",
    )


class Extraction(BaseModel):
    schema_version: int = SCHEMA_VERSION
    source: SourceInfo
    department: str | None = None
    supervising_department: str | None = Field(default=None, description="主管部门, where the form names one apart")
    year: int | None = None
    forms: list[FormInfo] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    funds: Funds | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    totals: Totals | None = None
    basic_data: BasicData | None = None
    claims: list[Claim] = Field(default_factory=list)
    ratings: list[Rating] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list, description="every figure of every table and of the text (extractor.facts)")
    relations: list[Relation] = Field(default_factory=list, description="sums, shares and products the text states (extractor.relations)")
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def json_schema() -> dict:
    return Extraction.model_json_schema()
