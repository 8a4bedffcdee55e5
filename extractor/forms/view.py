"""A table seen as a form: cell lookup by grid position, merge-aware."""

from __future__ import annotations

from extractor.document import At, Cell, Table
from extractor.text import squash


class TableView:
    def __init__(self, table: Table):
        self.table = table
        self.grid = table.grid()
        self.n_rows = table.n_rows
        self.n_cols = table.n_cols

    def cell(self, r: int, c: int) -> Cell | None:
        if 0 <= r < self.n_rows and 0 <= c < self.n_cols:
            return self.grid[r][c]
        return None

    def text(self, r: int, c: int | None) -> str:
        cell = self.cell(r, c) if c is not None else None
        return cell.text if cell else ""

    def own_text(self, r: int, c: int | None) -> str:
        """The text only where the cell starts in row r: a value merged down belongs to its first row."""
        cell = self.cell(r, c) if c is not None else None
        return cell.text if cell and cell.row == r else ""

    def at(self, r: int, c: int | None) -> At:
        cell = self.cell(r, c) if c is not None else None
        if cell and cell.at:
            return cell.at
        return At(table=self.table.id, row=r, col=c)

    def row_cells(self, r: int) -> list[Cell]:
        """Distinct cells covering row r, left to right."""
        seen: list[Cell] = []
        ids: set[int] = set()  # by identity: a merged cell is one object in every grid slot it covers
        for cell in self.grid[r]:
            if cell is not None and id(cell) not in ids:
                ids.add(id(cell))
                seen.append(cell)
        return seen

    def row_squashed(self, r: int) -> list[str]:
        return [squash(c.text) for c in self.row_cells(r)]

    def find_col(self, r: int, predicate) -> int | None:
        for c in range(self.n_cols):
            cell = self.grid[r][c]
            if cell is not None and predicate(squash(cell.text)):
                return c
        return None
