"""The PDF backend on the five real fixtures, on PDFs generated here, and on bad input.

Everything runs the real `extractor.ingest.pdf.load` (and `extractor.ingest.load`
where routing matters); generated inputs are written into tmp_path.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest

from extractor.document import Document, Table
from extractor.errors import ExtractionError, NeedsOCR
from extractor.ingest import load as load_any
from extractor.ingest.pdf import load
from extractor.text import squash

FIXTURES = Path(__file__).parent / "fixtures"
F000 = FIXTURES / "000_ca8b55daf8c6f90a.pdf"
F001 = FIXTURES / "001_ec7b4c7cefe3081c.pdf"
F002 = FIXTURES / "002_418cb45b50d16ad8.pdf"
F003 = FIXTURES / "003_6aed364f55934feb.pdf"
F004 = FIXTURES / "004_3a7665fe0dde1512.pdf"
ALL = [F000, F001, F002, F003, F004]

# pages and tables after joining continued tables, read off the rendered pages
EXPECTED = {
    F000: (3, 1),  # 自评表 over pages 1-3
    F001: (9, 2),  # 基础数据表 (p1); 自评表 (p2-3)
    F002: (18, 3),  # the evaluation form (p1-8); 评分表 (p16-17) and its second part, drawn apart on p17
    F003: (11, 2),  # 基础数据表 (p9); 自评表 (p10-11)
    F004: (2, 1),  # 自评表 (p1-2)
}

_CJK_SPACE = re.compile(r"[\u3400-\u9fff]\s+[\u3400-\u9fff]")


@lru_cache(maxsize=None)
def _doc(path: Path) -> Document:
    return load(path)


def _table_with(doc: Document, text: str) -> Table:
    hits = [t for t in doc.tables if any(text in c.text for c in t.cells)]
    assert len(hits) == 1, f"{text!r} in {len(hits)} tables"
    return hits[0]


def _row_texts(table: Table, first_cell_text: str) -> list[str]:
    """The texts across the row of the cell whose text is `first_cell_text` (merged cells once)."""
    for cell in table.cells:
        if cell.text == first_cell_text:
            seen: list = []
            for c in table.grid()[cell.row]:
                if c is not None and (not seen or c is not seen[-1]):
                    seen.append(c)
            return [c.text for c in seen]
    raise AssertionError(f"no cell {first_cell_text!r}")


def _txt_cells(path: Path) -> list[str]:
    """Table cells of a .txt dump: a line starting with a tab opens a cell, a blank line ends the row."""
    cells: list[str] = []
    current: str | None = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("\t"):
            if current is not None:
                cells.append(current)
            current = line[1:]
        elif not line.strip():
            if current is not None:
                cells.append(current)
            current = None
        elif current is not None:
            current += "\n" + line
    if current is not None:
        cells.append(current)
    return [s for s in (squash(c) for c in cells) if s]


# --------------------------------------------------------------------------
# the five fixtures


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:3])
def test_fixture_pages_and_tables_after_joining(path):
    doc = _doc(path)
    pages, tables = EXPECTED[path]
    assert doc.source.format == "pdf"
    assert doc.source.pages == pages
    assert len(doc.tables) == tables, [(t.id, t.title, sorted({c.at.page for c in t.cells})) for t in doc.tables]
    assert not doc.warnings


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:3])
def test_every_cell_and_block_has_provenance_and_no_spaces_inside_chinese(path):
    doc = _doc(path)
    for table in doc.tables:
        for cell in table.cells:
            assert cell.at is not None and cell.at.page and cell.at.bbox, cell
            x0, top, x1, bottom = cell.at.bbox
            assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 845, cell.at
            assert 1 <= cell.at.page <= doc.source.pages
            assert not _CJK_SPACE.search(cell.text), cell.text
        # the grid is whole: every position is covered by exactly one cell
        covered = [[0] * table.n_cols for _ in range(table.n_rows)]
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    covered[r][c] += 1
        assert all(v == 1 for row in covered for v in row), table.id
    for block in doc.blocks:
        assert block.at.page, block
        if block.kind != "table":
            assert block.at.bbox and block.at.line, block
            assert not _CJK_SPACE.search(block.text), block.text


@pytest.mark.parametrize("path", [F001, F002, F003, F004], ids=lambda p: p.name[:3])
def test_table_cells_of_the_text_dump_are_found(path):
    """Every cell of the Word tables (the .txt dump) is a cell of ours, whole, even when
    Word split its row over a page break (002's long 完成情况 cells)."""
    doc = _doc(path)
    ours = "\n".join(squash(c.text) for t in doc.tables for c in t.cells)
    expected = _txt_cells(path.with_suffix(".txt"))
    assert len(expected) > 100
    missing = [c for c in expected if c not in ours]
    # 002 draws one Word table row as a framed one-cell box: a heading block here
    assert missing == (["五、评价报告综述（文字部分）"] if path == F002 else []), missing[:10]


def test_001_self_evaluation_form_is_one_table_across_pages_2_and_3():
    doc = _doc(F001)
    form = _table_with(doc, "年度资金总额")
    assert form.title == "2022年度部门整体支出绩效自评表"
    assert {c.at.page for c in form.cells} == {2, 3}
    assert _row_texts(form, "年度资金总额")[:7] == [
        "年度预算申请(万元)",
        "年度资金总额",
        "539.86",
        "1786.77",
        "1786.77",
        "10",
        "10%",
    ]
    texts = {c.text for c in form.cells}
    # cells wrapped inside the PDF are joined without a space
    assert "项目资金完成2500万元" in texts
    assert "实现工业总产值1160亿" in texts
    assert _row_texts(form, "实现工业总产值1160亿")[-5:-1] == ["实现工业总产值1160亿", "1160", "10", "10"]
    total = _row_texts(form, "总分")
    assert total[:3] == ["总分", "100", "98"]
    total_cell = next(c for c in form.cells if c.text == "总分")
    assert total_cell.at.page == 3 and total_cell.row == form.n_rows - 1
    # the 一级指标 cell merged over the page break carries on to page 3
    grid = form.grid()
    row = next(c.row for c in form.cells if c.text == "可持续影响指标")
    assert grid[row][1].text == "效益指标(30分)" and grid[row][0].text == "绩效指标"
    basic = _table_with(doc, "财政供养人员情况(人)")
    assert basic.title == "2022年度部门整体支出绩效评价基础数据表"
    assert {c.at.page for c in basic.cells} == {1}


def test_004_self_evaluation_form_has_its_indicator_rows_in_one_table():
    doc = _doc(F004)
    (form,) = doc.tables
    assert {c.at.page for c in form.cells} == {1, 2}
    header = next(c for c in form.cells if c.text == "三级指标")
    grid = form.grid()
    indicators = [
        r
        for r in range(header.row + 1, form.n_rows)
        if grid[r][header.col] and grid[r][header.col].row == r and grid[r][header.col].text
        and grid[r][0].text != "总分"
    ]
    assert len(indicators) >= 25
    assert _row_texts(form, "总分")[:3] == ["总分", "100", "98"]
    # an indicator on page 2 keeps its 一级/二级 labels from page 1's merged cells
    row = next(c.row for c in form.cells if c.text.startswith("指标2：项目资金及时拨付使用"))
    assert grid[row][1].text == "产出指标(50分)" and grid[row][2].text == "时效指标（10分）"
    assert grid[row][1].at.page == 1


def test_000_form_over_three_pages():
    doc = _doc(F000)
    (form,) = doc.tables
    assert {c.at.page for c in form.cells} == {1, 2, 3}
    assert _row_texts(form, "年度资金总额")[2:7] == ["1787.82", "3708.67", "3720.28", "10", "100%"]
    grid = form.grid()
    row = next(c.row for c in form.cells if c.text.startswith("2、进一步做好小巨人"))
    assert next(c for c in form.cells if c.row == row and c.col == 3).at.page == 2
    assert grid[row][1].text == "产出指标(50分)" and grid[row][2].text == "数量指标"
    assert _row_texts(form, "总分")[:3] == ["总分", "100", "99"]


def test_002_multi_page_tables():
    doc = _doc(F002)
    form, scoring, scoring_rest = doc.tables
    assert {c.at.page for c in form.cells} == set(range(1, 9))
    assert any(c.text == "卢小红" for c in form.cells)
    # rows Word split over a page break are one row again, text joined at the break
    duties = next(c for c in form.cells if c.text.startswith("（一）贯彻落实国家和省"))
    assert "指导全市工业和信息化领域人才开发和培训工作" in duties.text
    assert duties.text.endswith("（十八）承办市委、市人民政府交办的其他事项。") and duties.at.page == 1
    chain = next(c for c in form.cells if c.text.startswith("明确一至两名市级领导联系产业链"))
    assert "座谈会，全年各协会、联盟开展各类活动共计40余次" in chain.text and chain.at.page == 6
    grid = form.grid()
    assert grid[chain.row][2].text == "数量指标" and grid[chain.row + 1][2].text == "时效指标"
    assert any(c.text.startswith("评价组组长") and c.at.page == 8 for c in form.cells)
    assert scoring.title == "部门整体支出绩效评价评分表"
    assert {c.at.page for c in scoring.cells} == {16, 17}
    assert {c.at.page for c in scoring_rest.cells} == {17}
    assert _row_texts(scoring_rest, "总分")[-3:-1] == ["100", "98"]
    # the one-cell box "五、评价报告综述（文字部分）" is text, and a heading
    assert any(b.kind == "heading" and b.text == "五、评价报告综述（文字部分）" for b in doc.blocks)


def test_003_form_and_narrative():
    doc = _doc(F003)
    basic, form = doc.tables
    assert basic.title == "2024年度部门整体支出绩效评价基础数据表"
    assert form.title == "2024年度部门整体支出绩效自评表"
    assert {c.at.page for c in form.cells} == {10, 11}
    assert any("全市规模工业增加值同比增长7.7%" in c.text for c in form.cells)
    assert _row_texts(form, "全市规模工业增加值增速")[-6:] == ["全市规模工业增加值增速", "≥7%", "7.7%", "5", "5", ""]
    grid = form.grid()
    row = next(c.row for c in form.cells if c.text == "促进就业")
    assert grid[row][1].text == "效益指标（20分）" and grid[row][1].at.page == 10

    paragraphs = [b.text for b in doc.paragraphs()]
    # a title wrapped over two centred lines is one heading
    assert doc.blocks[0].kind == "heading"
    assert doc.blocks[0].text == "2024年度益阳市工业和信息化局整体支出绩效自评报告"
    # a sentence wrapped over lines stays whole
    assert any("年中调整追加118.4万元，本年实际支出1253.47万元。" in p for p in paragraphs)
    # a number Word pushed whole to the next line does not cut the paragraph
    assert any("商品和服务支出300.77万元，对个人和家庭补助支出0万元" in p for p in paragraphs)
    # nor does the page break (page 5 -> 6)
    cross = [b for b in doc.paragraphs() if "碳谷产业基地项目（二、三期）2024年计划投资9亿元" in b.text]
    assert len(cross) == 1 and cross[0].at.page == 5
    # a line ending in ； at the margin is not a paragraph end when paragraphs are indented
    assert any("服务工业企业；推进信息化和工业化融合；" in p for p in paragraphs)


def test_paragraph_provenance_is_first_line_and_union_bbox():
    doc = _doc(F001)
    block = next(b for b in doc.paragraphs() if b.text.startswith("2022年本部门基本支出539.43万元"))
    assert block.text.endswith("主要用于办公设备的购置。")
    assert block.at.page == 6
    assert block.at.line >= 1
    x0, top, x1, bottom = block.at.bbox
    assert x0 < 75 and x1 > 510 and bottom - top > 80  # five lines of 12 pt


# --------------------------------------------------------------------------
# generated PDFs: the joining rules in isolation

A4_W, A4_H = 595.28, 841.89


def _canvas(path: Path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(A4_W, A4_H))
    c.setFont("STSong-Light", 12)
    return c


def _text(c, x: float, top: float, text: str, size: float = 12) -> None:
    c.setFont("STSong-Light", size)
    c.drawString(x, A4_H - top - size * 0.88, text)


def _table(c, xs: list[float], top: float, n_rows: int, label: str, row_h: float = 20) -> float:
    """A ruled grid with a label in every cell; returns its bottom (pdfplumber's top-down y)."""
    bottom = top + n_rows * row_h
    for r in range(n_rows + 1):
        y = A4_H - (top + r * row_h)
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, A4_H - top, x, A4_H - bottom)
    for r in range(n_rows):
        for i in range(len(xs) - 1):
            _text(c, xs[i] + 3, top + r * row_h + 4, f"{label}{r}-{i}", size=9)
    return bottom


@pytest.mark.parametrize("marker", [None, "续表", "（续）"])
def test_generated_table_continued_on_next_page_is_joined(tmp_path, marker):
    path = tmp_path / "continued.pdf"
    c = _canvas(path)
    _text(c, 72, 72, "附件2")
    bottom = _table(c, [70, 170, 300, 520], 100, 34, "甲")
    assert bottom > A4_H * 0.8
    c.showPage()
    top = 72
    if marker:
        _text(c, 480, 72, marker)
        top = 92
    _table(c, [70, 170, 300, 520], top, 5, "乙")
    _text(c, 72, 220, "填表人：")
    c.save()
    doc = load(path)
    (table,) = doc.tables
    assert table.n_rows == 39 and table.n_cols == 3
    assert {c.at.page for c in table.cells} == {1, 2}
    assert table.grid()[34][0].text == "乙0-0" and table.grid()[34][0].at.page == 2
    assert [b.text for b in doc.blocks if b.kind != "table"] == ["附件2", "填表人："]


@pytest.mark.parametrize(
    "second_xs, text_after_first",
    [([70, 250, 520], False), ([70, 170, 300, 520], True)],
    ids=["other-columns", "text-after-table"],
)
def test_generated_tables_that_do_not_continue_stay_apart(tmp_path, second_xs, text_after_first):
    path = tmp_path / "apart.pdf"
    c = _canvas(path)
    bottom = _table(c, [70, 170, 300, 520], 100, 30, "甲")
    if text_after_first:
        _text(c, 72, bottom + 10, "说明：以上为第一张表。")
    c.showPage()
    _table(c, second_xs, 72, 5, "乙")
    c.save()
    doc = load(path)
    assert len(doc.tables) == 2
    assert [sorted({c.at.page for c in t.cells}) for t in doc.tables] == [[1], [2]]


def _split_row_pdf(path: Path, after_break: list[str]) -> None:
    """Page 1 ends with a row whose second cell is cut by the page end; page 2 starts with `after_break`."""
    c = _canvas(path)
    xs = [70, 170, 520]
    top = _table(c, xs, 100, 30, "甲")
    bottom = 780.0
    for y in (top, bottom):
        c.line(xs[0], A4_H - y, xs[-1], A4_H - y)
    for x in xs:
        c.line(x, A4_H - top, x, A4_H - bottom)
    _text(c, 73, top + 4, "完成情况", size=9)
    lines = ["全年新增规模工业企业二十家，规模工业增加值增长百分之八"] * 5
    lines.append("工业投资和技改投资分别增长百分之十九和二十八，均排名全省")  # filled down to the page end
    for i, line in enumerate(lines):
        _text(c, 173, top + 4 + i * 12, line, size=9)
    c.showPage()
    row_bottom = 72 + 40
    for y in (72, row_bottom, row_bottom + 20):
        c.line(xs[0], A4_H - y, xs[-1], A4_H - y)
    for x in xs:
        c.line(x, A4_H - 72, x, A4_H - row_bottom - 20)
    for i, text in enumerate(after_break):
        if text:
            _text(c, xs[i] + 3, 76, text, size=9)
    _text(c, 73, row_bottom + 4, "总分", size=9)
    _text(c, 173, row_bottom + 4, "100", size=9)
    c.save()


def test_generated_row_split_by_the_page_break_is_one_row(tmp_path):
    path = tmp_path / "split.pdf"
    _split_row_pdf(path, ["", "第三。"])
    (table,) = load(path).tables
    assert table.n_rows == 30 + 1 + 1
    cell = table.grid()[30][1]
    assert cell.text.endswith("均排名全省第三。") and cell.at.page == 1
    assert table.grid()[30][0].text == "完成情况"
    assert table.grid()[31][0].text == "总分"


def test_generated_new_row_after_the_page_break_stays_a_row(tmp_path):
    path = tmp_path / "not_split.pdf"
    _split_row_pdf(path, ["", "2、新开工项目二十五个"])
    (table,) = load(path).tables
    assert table.n_rows == 30 + 2 + 1
    assert table.grid()[31][1].text == "2、新开工项目二十五个"


def test_generated_page_numbers_dropped_and_paragraph_joined_across_pages(tmp_path):
    path = tmp_path / "numbers.pdf"
    c = _canvas(path)
    full = "全市规模工业增加值同比增长百分之七点七工业投资同比增长百分之十五点七技改投资增长"  # 40 characters
    assert len(full) == 40
    for page in range(1, 4):
        _text(c, 72, 60, "岳阳市工业和信息化局2022年度部门整体支出绩效自评报告", size=9)  # running header
        _text(c, 96, 100, "一、总体情况")
        _text(c, 96, 130, full[:38])  # first line, indented two characters
        for i in range(30):
            _text(c, 72, 152 + i * 20, full)  # full lines: 72 + 40 * 12 = 552
        _text(c, 290, 800, f"- {page} -", size=10.5)
        c.showPage()
    c.save()
    doc = load(path)
    texts = [b.text for b in doc.blocks]
    assert not any(re.fullmatch(r"-?\d+-?", squash(t)) for t in texts), texts
    assert not any("自评报告" in t for t in texts)  # the running header
    # the paragraph at the foot of a page does not swallow the next page's heading (一、 starts an item)
    assert texts.count("一、总体情况") == 3
    paragraphs = [b for b in doc.paragraphs() if b.text.startswith(full[:10])]
    assert len(paragraphs) == 3 and all(len(p.text) == 38 + 30 * 40 for p in paragraphs)
    assert [p.at.page for p in paragraphs] == [1, 2, 3]
    assert [p.at.line for p in paragraphs] == [3, 3, 3]  # header, heading, then the paragraph


def test_generated_sentence_cut_by_page_end_is_one_paragraph(tmp_path):
    path = tmp_path / "cut.pdf"
    c = _canvas(path)
    line = "工业经济稳中有进稳中有升充分发挥了经济压舱石作用全年完成规模工业总产值一千亿元"  # 40
    for i in range(33):
        _text(c, 72, 100 + i * 20, line)
    c.showPage()
    _text(c, 72, 72, "同比增长百分之八。")
    _text(c, 96, 100, "下一段从这里开始。")
    c.save()
    doc = load(path)
    first, second = doc.paragraphs()
    assert first.text.endswith(line + "同比增长百分之八。")
    assert first.at.page == 1 and first.at.line == 1
    assert first.at.bbox[3] < A4_H  # the bbox is of the first page's lines
    assert second.text == "下一段从这里开始。" and second.at.page == 2 and second.at.line == 2


# --------------------------------------------------------------------------
# bad input


def test_truncated_pdf_is_a_clear_error(tmp_path):
    data = F001.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * 0.3)])
    for reader in (load, load_any):
        with pytest.raises(ExtractionError) as err:
            reader(path)
        assert not isinstance(err.value, NeedsOCR)
        message = str(err.value)
        assert str(path) in message
        assert "damaged or truncated PDF" in message and "end" in message


def test_pdf_header_with_garbage_is_a_clear_error(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\nthis is not really a pdf\n")
    with pytest.raises(ExtractionError, match="damaged or truncated PDF") as err:
        load_any(path)
    assert str(path) in str(err.value)


def test_encrypted_pdf_is_a_clear_error(tmp_path):
    from pypdf import PdfWriter

    path = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=F004)
    writer.encrypt("secret", algorithm="AES-256")
    writer.write(path)
    for reader in (load, load_any):
        with pytest.raises(ExtractionError) as err:
            reader(path)
        assert str(err.value) == f"{path}: is encrypted (password-protected); decrypt it first"


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    """Permission-only encryption (no password to open) is common and readable."""
    from pypdf import PdfWriter

    path = tmp_path / "restricted.pdf"
    writer = PdfWriter(clone_from=F004)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    writer.write(path)
    doc = load(path)
    assert len(doc.tables) == 1 and doc.tables[0].n_rows == _doc(F004).tables[0].n_rows


def _page_images(path: Path, count: int, scale: float = 1):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].render(scale=scale).to_pil().convert("RGB") for i in range(count)]
    finally:
        pdf.close()


def test_image_only_pdf_is_read_by_ocr():
    path = Path(__file__).parent / "fixtures" / "scanned" / "004_3a7665fe0dde1512.pdf"
    doc = load(path)
    assert doc.source.ocr and doc.source.pages == 2
    assert doc.tables and doc.tables[0].n_rows > 20
    cells = [c for t in doc.tables for c in t.cells if c.text]
    assert all(c.at.page in (1, 2) and len(c.at.bbox) == 4 and 0 < c.at.confidence <= 1 for c in cells)
    assert any("规模工业增加值" in c.text for c in cells)


def test_scanned_page_inside_a_text_pdf_is_read_by_ocr(tmp_path):
    from pypdf import PdfReader, PdfWriter

    scan = tmp_path / "scan.pdf"
    _page_images(F004, 1, scale=200 / 72)[0].save(scan, "PDF", resolution=200)
    writer = PdfWriter()
    writer.append(PdfReader(F004), pages=[1])
    writer.append(PdfReader(scan))
    path = tmp_path / "mixed.pdf"
    writer.write(path)
    doc = load(path)
    assert doc.source.pages == 2 and doc.source.ocr
    assert doc.warnings == ["pages read by OCR: 2 (no text layer)"]
    pages = {c.at.page for t in doc.tables for c in t.cells}
    assert pages == {1, 2}
    assert all(c.at.confidence is None for t in doc.tables for c in t.cells if c.at.page == 1)
    assert any(c.at.confidence is not None for t in doc.tables for c in t.cells if c.at.page == 2)


def test_blank_image_only_pdf_is_a_clear_error(tmp_path):
    from PIL import Image

    path = tmp_path / "blank.pdf"
    Image.new("L", (1240, 1754), 255).save(path, "PDF", resolution=150)
    with pytest.raises(ExtractionError) as err:
        load(path)
    assert str(err.value) == f"{path}: has no text: 1 page(s) blank or unreadable even by OCR"


def test_png_named_pdf_is_not_read_as_pdf_by_the_pdf_backend(tmp_path):
    path = tmp_path / "photo.pdf"
    _page_images(F004, 1)[0].save(path, "PNG")
    with pytest.raises(ExtractionError) as err:
        load(path)
    assert str(path) in str(err.value) and "damaged or truncated PDF" in str(err.value)


def test_png_named_pdf_goes_to_the_image_backend(tmp_path):
    """Routing is by bytes: the image backend reads it (or says clearly why not, e.g. NeedsOCR)."""
    path = tmp_path / "photo.pdf"
    _page_images(F004, 1)[0].save(path, "PNG")
    try:
        doc = load_any(path)
    except ExtractionError as err:
        assert str(path) in str(err)
        assert "damaged or truncated PDF" not in str(err)  # never handed to the PDF backend
    else:
        assert doc.source.format != "pdf"


# --------------------------------------------------------------------------
# a long PDF stays bounded

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from extractor.ingest.pdf import load

    def peak_kb():
        # VmHWM is this process's own peak; ru_maxrss survives fork+exec on Linux and
        # would report the test session's peak instead
        try:
            with open("/proc/self/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    before = peak_kb()
    start = time.perf_counter()
    doc = load(sys.argv[1])
    seconds = time.perf_counter() - start
    after = peak_kb()
    print(json.dumps({"pages": doc.source.pages, "tables": len(doc.tables), "blocks": len(doc.blocks),
                      "seconds": seconds, "peak_before_kb": before, "peak_after_kb": after,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    """
)


def test_200_page_pdf_loads_in_bounded_time_and_memory(tmp_path):
    from pypdf import PdfReader, PdfWriter

    source = PdfReader(F003)
    n = len(source.pages)
    writer = PdfWriter()
    for i in range(200):
        writer.add_page(source.pages[i % n])
    path = tmp_path / "long.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    # a child process, so the peak RSS is this load's and not the test session's
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
        check=True,
    )
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    growth_mb = (stats["peak_after_kb"] - stats["peak_before_kb"]) / 1024
    print(f"\n200 pages: {stats['seconds']:.1f} s, peak RSS +{growth_mb:.0f} MB, {stats['tables']} tables")
    assert stats["pages"] == 200
    assert stats["tables"] >= 2 * (200 // n)
    assert growth_mb < 1536
    assert stats["seconds"] < 60


# --------------------------------------------------------------------------
# two readers, one result: pdfium where it can, pdfminer for the rest


def _same(a, b, where: str = "") -> list[str]:
    """Where two dumps differ: text exactly, coordinates within 0.5 pt (pdfium computes in float32)."""
    if isinstance(a, float) and isinstance(b, float):
        return [] if abs(a - b) <= 0.5 else [f"{where}: {a} != {b}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{where}: keys {sorted(a.keys() ^ b.keys())}"]
        return [d for k in a for d in _same(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _same(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


LAYOUT_PDFS = sorted(p for p in (Path(__file__).parent / "layouts").rglob("*.pdf") if not p.name.endswith(".scan.pdf"))


@pytest.mark.parametrize("path", ALL + LAYOUT_PDFS[::4], ids=lambda p: p.stem)
def test_pdfium_reads_what_pdfminer_reads(path):
    # the layout PDFs come from reportlab with an embedded font whose descent pdfminer and pdfium take
    # from different places: the boxes on the baseline make the two agree there too
    by_pdfium, by_pdfminer = load(path, reader="pdfium").model_dump(), load(path, reader="pdfminer").model_dump()
    by_pdfium.pop("source"), by_pdfminer.pop("source")
    assert by_pdfium["blocks"] and not _same(by_pdfium, by_pdfminer)


def test_pdfminer_reads_the_page_where_pdfium_would_lose_repeated_lines(tmp_path):
    # a CJK font the PDF does not embed has no glyph boxes, and pdfium's text layer then drops a line
    # that repeats one of the lines just above it, less than an eighth of its width away
    line = "本年度完成既定目标任务，各项指标均达到年初设定的目标值"  # 27 characters, 324 pt
    path = tmp_path / "repeated.pdf"
    c = _canvas(path)
    for i in range(4):
        _text(c, 72, 100 + i * 20, line)
    c.save()
    with pytest.raises(ExtractionError, match="left out 3 text object"):
        load(path, reader="pdfium")
    texts = [b.text for b in load(path).blocks]
    assert texts == [b.text for b in load(path, reader="pdfminer").blocks]
    assert "".join(texts).count(line) == 4


def test_pdfminer_reads_vertical_writing():
    path = FIXTURES / "peer-bad-inputs" / "pdfminer__pdfminer.six" / "samples__jo.pdf"  # Japanese, top to bottom
    with pytest.raises(ExtractionError, match="vertical writing"):
        load(path, reader="pdfium")
    assert load(path).model_dump() == load(path, reader="pdfminer").model_dump()


def test_unknown_reader_is_refused():
    with pytest.raises(ValueError, match="unknown PDF reader"):
        load(F004, reader="pymupdf")
