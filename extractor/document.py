"""The one document model every ingest backend produces.

A `Document` is a list of blocks in reading order (headings, paragraphs and
table placeholders), the tables themselves with merged cells, the section
tree, and provenance (`At`) on everything. Nothing here knows about file
formats, forms or metrics; backends fill it through `DocumentBuilder`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer

from extractor.text import clean_cell_text, non_space


class At(BaseModel):
    """Where a thing came from, as precisely as the input allows.

    PDF and scans give page and bbox; text dumps give line numbers; table
    cells give table/row/col; narrative spans give block and offsets.
    """

    model_config = ConfigDict(extra="forbid")

    page: int | None = None
    bbox: list[float] | None = None
    line: int | None = None
    table: str | None = None
    row: int | None = None
    col: int | None = None
    sheet: str | None = None
    section: str | None = None
    block: str | None = None
    start: int | None = None
    end: int | None = None
    confidence: float | None = Field(default=None, description="OCR reading confidence, 0-1")

    @model_serializer(mode="wrap")
    def _drop_unset(self, handler):
        # provenance is sparse: unset coordinates are noise in the JSON
        return {k: v for k, v in handler(self).items() if v is not None}


class Cell(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str
    at: At | None = None


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str | None = None
    n_rows: int
    n_cols: int
    cells: list[Cell]

    def grid(self) -> list[list[Cell | None]]:
        """Every grid position mapped to the cell covering it (merged cells repeat)."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.rowspan, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.colspan, self.n_cols)):
                    grid[r][c] = cell
        return grid

    def text_grid(self) -> list[list[str]]:
        return [[c.text if c else "" for c in row] for row in self.grid()]

    def row_cells(self, row: int) -> list[Cell]:
        """The cells that start in `row`, left to right (merged cells once)."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)


BlockKind = Literal["heading", "paragraph", "table"]


class Block(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: BlockKind
    text: str = ""
    table: str | None = None
    section: str | None = None
    level: int | None = Field(default=None, description="heading level the source format states (Word style, <hN>)")
    at: At = Field(default_factory=At)
    # OCR: the reading confidence of each non-space character of `text`, so a claim carries its figure's own
    # confidence rather than the paragraph's weakest line's; not part of the JSON
    char_confidence: list[float] | None = Field(default=None, exclude=True)

    def span_confidence(self, start: int, end: int) -> float | None:
        """The lowest reading confidence of the characters in text[start:end], if known per character."""
        conf = self.char_confidence
        if not conf or len(conf) != non_space(self.text):
            return None
        k, n = non_space(self.text[:start]), non_space(self.text[start:end])
        return round(min(conf[k : k + n]), 4) if n else None


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    level: int
    number: str | None = None
    title: str
    block: str | None = None
    at: At = Field(default_factory=At)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    sha256: str
    format: str
    pages: int | None = None
    ocr: bool = False
    encoding: str | None = None


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Source
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind in ("paragraph", "heading")]

    def text(self) -> str:
        """Plain text of all non-table blocks, one per line (for department/year cues)."""
        return "\n".join(b.text for b in self.blocks if b.kind != "table")


class DocumentBuilder:
    """Assigns stable ids (b1…, t1…) in reading order so every backend numbers alike."""

    def __init__(self, source: Source):
        self.doc = Document(source=source)

    def add_text(
        self, text: str, at: At | None = None, kind: BlockKind = "paragraph", level: int | None = None,
        char_confidence: list[float] | None = None,
    ) -> Block | None:
        text = text.strip()
        if not text:
            return None
        block = Block(id=f"b{len(self.doc.blocks) + 1}", kind=kind, text=text, at=at or At(), level=level,
                      char_confidence=char_confidence)
        self.doc.blocks.append(block)
        return block

    def add_table(
        self,
        rows: list[list[TableCellSpec]],
        title: str | None = None,
        at: At | None = None,
    ) -> Table:
        """Add a table given as rows of cell specs already placed on the grid."""
        table_id = f"t{len(self.doc.tables) + 1}"
        cells: list[Cell] = []
        n_cols = 0
        for spec_row in rows:
            for spec in spec_row:
                n_cols = max(n_cols, spec.col + spec.colspan)
                cell_at = spec.at.model_copy() if spec.at else At()
                cell_at.table, cell_at.row, cell_at.col = table_id, spec.row, spec.col
                cells.append(
                    Cell(
                        row=spec.row,
                        col=spec.col,
                        rowspan=spec.rowspan,
                        colspan=spec.colspan,
                        text=clean_cell_text(spec.text),
                        at=cell_at,
                    )
                )
        n_rows = max((c.row + c.rowspan for c in cells), default=0)
        table = Table(id=table_id, title=title, n_rows=n_rows, n_cols=n_cols, cells=cells)
        self.doc.tables.append(table)
        block_at = at.model_copy() if at else At()
        block_at.table = table_id
        self.doc.blocks.append(Block(id=f"b{len(self.doc.blocks) + 1}", kind="table", table=table_id, at=block_at))
        return table

    def build(self) -> Document:
        from extractor.sections import assign_sections, title_tables

        assign_sections(self.doc)
        title_tables(self.doc)
        return self.doc


class TableCellSpec(BaseModel):
    """A cell as a backend places it, before ids are assigned."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str = ""
    at: At | None = None
