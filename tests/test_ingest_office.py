"""Office-format ingest backends on real inputs: Word, HTML, Excel, legacy (LibreOffice), images.

The five fixture reports are real DOCX files; their text dumps (same names,
.txt) are the reference for text order and cell contents. Other inputs are
generated here (HTML pages, workbooks, damaged files) or once with
LibreOffice into tests/fixtures/generated/.
"""

from __future__ import annotations

import html as html_lib
import io
import random
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import docx as python_docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from PIL import Image

from extractor.document import Document, Table
from extractor.errors import ExtractionError, NeedsOCR
from extractor.ingest import load
from extractor.ingest.legacy import NO_LIBREOFFICE, soffice
from extractor.ingest.xlsx import render_value
from extractor.text import clean_cell_text, squash

FIXTURES = Path(__file__).parent / "fixtures"
GENERATED = FIXTURES / "generated"

# fixture -> (number of tables, id of the self-evaluation form table)
DOCX_FIXTURES = {
    "000_ca8b55daf8c6f90a": (1, "t1"),
    "001_ec7b4c7cefe3081c": (2, "t2"),
    "002_418cb45b50d16ad8": (4, "t1"),
    "003_6aed364f55934feb": (2, "t2"),
    "004_3a7665fe0dde1512": (1, "t1"),
}

_loaded: dict[str, Document] = {}


def fixture_doc(name: str) -> Document:
    if name not in _loaded:
        _loaded[name] = load(FIXTURES / f"{name}.docx")
    return _loaded[name]


def row_with(table: Table, label: str) -> list[str]:
    """Texts of the grid row (merged cells repeated) whose cells include `label`."""
    for row in table.text_grid():
        if label in row:
            return row
    raise AssertionError(f"no row with {label!r} in {table.id}")


def cells_of_row(table: Table, label: str) -> list[str]:
    """Texts of the cells starting in the row that holds `label` (merged cells once)."""
    for r in range(table.n_rows):
        texts = [c.text for c in table.row_cells(r)]
        if label in texts:
            return texts
    raise AssertionError(f"no row with {label!r} in {table.id}")


def reading_stream(doc: Document) -> str:
    """All text in reading order, tables expanded cell by cell (each merged cell once)."""
    parts = []
    for block in doc.blocks:
        if block.kind == "table":
            table = doc.table(block.table)
            for r in range(table.n_rows):
                parts.extend(c.text for c in table.row_cells(r))
        else:
            parts.append(block.text)
    return squash("".join(parts))


# --------------------------------------------------------------------------- DOCX fixtures


@pytest.mark.parametrize("name", sorted(DOCX_FIXTURES))
def test_docx_fixture_tables_and_merged_form(name):
    n_tables, form_id = DOCX_FIXTURES[name]
    doc = fixture_doc(name)
    assert doc.source.format == "docx"
    assert doc.source.pages is None
    assert len(doc.tables) == n_tables
    assert [b.table for b in doc.blocks if b.kind == "table"] == [t.id for t in doc.tables]
    form = doc.table(form_id)
    content = "".join(c.text for c in form.cells)
    assert "自评表" in (form.title or "") or "一级指标" in content or "绩效自评" in content
    assert any(c.rowspan > 1 for c in form.cells), "vMerge must become rowspan"
    assert any(c.colspan > 1 for c in form.cells), "gridSpan must become colspan"
    # each grid position is covered by exactly one cell (no overlaps, no continued cells as cells)
    seen: set[tuple[int, int]] = set()
    for cell in form.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                assert (r, c) not in seen
                seen.add((r, c))


@pytest.mark.parametrize("name", sorted(DOCX_FIXTURES))
def test_docx_grid_agrees_with_python_docx(name):
    """Every grid position holds the text python-docx itself resolves there (merges included)."""
    doc = fixture_doc(name)
    word = python_docx.Document(str(FIXTURES / f"{name}.docx"))
    assert len(word.tables) == len(doc.tables)
    for ours, theirs in zip(doc.tables, word.tables):
        grid = ours.text_grid()
        assert ours.n_rows == len(theirs.rows)
        for r, row in enumerate(theirs.rows):
            for c, cell in enumerate(row.cells):
                assert grid[r][c] == clean_cell_text(cell.text), (ours.id, r, c)


@pytest.mark.parametrize("name", [n for n in sorted(DOCX_FIXTURES) if not n.startswith("000")])
def test_docx_text_follows_dump_order(name):
    """Every non-empty line of the reference dump occurs, in order, in the document's reading stream."""
    stream = reading_stream(fixture_doc(name))
    pos = 0
    for line in (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        want = squash(line)
        if not want:
            continue
        found = stream.find(want, pos)
        assert found >= 0, f"{line!r} missing or out of order"
        pos = found + len(want)


def test_docx_000_cells_and_text():
    doc = fixture_doc("000_ca8b55daf8c6f90a")
    form = doc.table("t1")
    assert form.title == "部门整体支出绩效自评表"
    assert row_with(form, "年度资金总额")[3:9] == ["1787.82", "3708.67", "3720.28", "10", "100%", "10"]
    quality = row_with(form, "1、全市规模工业增加值增速")
    assert quality[1].startswith("产出指标") and quality[2] == "质量指标"
    assert quality[4:8] == ["7.5%", "8.3%", "5", "5"]
    assert row_with(form, "总分")[6:8] == ["100", "99"]
    assert [b.text for b in doc.paragraphs()][:2] == ["附件2", "部门整体支出绩效自评表"]
    # the 000 dump comes from the PDF (two columns interleaved): every line is still somewhere
    stream = reading_stream(doc)
    for line in (FIXTURES / "000_ca8b55daf8c6f90a.txt").read_text(encoding="utf-8").splitlines():
        assert squash(line) in stream


def test_docx_001_cells_rows_and_merges():
    doc = fixture_doc("001_ec7b4c7cefe3081c")
    data, form = doc.tables
    assert data.title.replace("\n", "") == "2022年度部门整体支出绩效评价基础数据表"
    assert form.title == "2022年度部门整体支出绩效自评表"
    assert (form.n_rows, form.n_cols) == (32, 9)
    funds = row_with(form, "年度资金总额")
    assert funds[3:9] == ["539.86", "1786.77", "1786.77", "10", "10%", "10"]
    assert funds[0] == "年度预算申请(万元)"  # the vertically merged label covers this row
    label = form.grid()[2][0]
    assert (label.row, label.rowspan, label.colspan) == (1, 7, 1)
    assert form.grid()[0][0].colspan == 2 and form.grid()[0][2].text == "汨罗市工信局"
    assert row_with(form, "满意度指标(10分)")[3:8] == ["监管相对人满意", "监管相对人满意", "＞90%", "10", "8"]
    cost = row_with(form, "＜=1717.56")
    assert cost[1] == "成本指标（20分）" and cost[5:8] == ["1717.56", "20", "20"]
    produce = [c for c in form.cells if c.text == "产出指标(30分)"][0]
    assert (produce.row, produce.col, produce.rowspan) == (11, 1, 6)
    assert row_with(form, "总分")[:8] == ["总分"] * 6 + ["100", "98"]
    assert cells_of_row(data, "“三公”经费") == ["“三公”经费", "15.85", "25.6", "11.34"]
    assert cells_of_row(data, "部门基本支出预算调整") == ["部门基本支出预算调整", "245.73", "574.83", "1786.77"]
    # a narrative cell stays in its cell, line breaks joined
    goal = row_with(form, "预期目标")
    target = form.text_grid()[form.text_grid().index(goal) + 1]
    assert target[1] == "1、实现工业总产值1160亿；2、完成入规企业20家；3、争取项目资金2500万；"


def test_docx_001_paragraphs_headings_and_sections():
    doc = fixture_doc("001_ec7b4c7cefe3081c")
    texts = [b.text for b in doc.paragraphs()]
    wanted = [
        "附件1",
        "附件2",
        "附件4",
        "1、部门(单位)基本情况",
        "（二）机构设置",
        "二、一般公共预算支出情况",
        "（一）基本支出情况",
        "三、政府性基金预算支出情况",
        "六、部门整体支出绩效情况",
        "七、存在的问题及原因分析",
        "九、部门整体支出绩效自评结果拟应用和公开情况",
        "十、其他需要说明的情况",
    ]
    positions = [texts.index(w) for w in wanted]
    assert positions == sorted(positions)
    # a Word line break inside a paragraph stays one block, with \n
    assert "2022年度汨罗市工信局系统部门整体支出\n绩效自评报告" in texts
    by_text = {b.text: b for b in doc.paragraphs()}
    assert by_text["1、部门(单位)基本情况"].kind == "heading"  # Heading1 style
    assert by_text["2022年度汨罗市工信局部门整体支出绩效\n自评报告"].kind == "heading"  # Title style
    # provenance: 1-based index of the paragraph in the body (empty paragraphs and tables not skipped/counted)
    assert by_text["附件1"].at.line == 1
    lines = [b.at.line for b in doc.paragraphs()]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    assert all(b.at.page is None for b in doc.blocks)
    # the table blocks sit between the paragraphs around them
    kinds = [(b.kind, b.text or b.table) for b in doc.blocks]
    assert kinds.index(("table", "t1")) < kinds.index(("heading", "附件2")) < kinds.index(("table", "t2"))
    level1 = [s for s in doc.sections if s.level == 1]
    assert any(s.number == "二" and s.title == "一般公共预算支出情况" for s in level1)
    # Word's Heading 1 style decides the level, whatever numbering the author typed (1、 4、 8、)
    assert [s.number for s in level1] == ["1", "二", "三", "4", "5", "六", "七", "8", "九", "十"]
    spending = next(s for s in level1 if s.number == "二")
    body = next(b for b in doc.blocks if b.text.startswith("2022年本部门基本支出539.43万元"))
    assert {s.id: s for s in doc.sections}[body.section].title == "基本支出情况"
    assert spending.level == 1


def test_docx_002_003_004_specific_cells():
    t1 = fixture_doc("002_418cb45b50d16ad8").table("t1")
    assert row_with(t1, "局机关及二级机构汇总")[2:8] == ["7138.12", "4548.64", "2499.6", "", "", "89.88"]
    header = [c for c in t1.cells if c.text == "其中："][0]
    assert header.colspan == 5 and header.row == 8
    assert row_with(t1, "绩效自评综合得分")[3] == "98"
    t4 = fixture_doc("002_418cb45b50d16ad8").table("t4")
    assert row_with(t4, "总分")[4:6] == ["100", "98"]
    form3 = fixture_doc("003_6aed364f55934feb").table("t2")
    assert row_with(form3, "年度资金总额")[3:9] == ["1184.37", "1554.97", "1554.97", "10", "100%", "10"]
    assert row_with(form3, "三公经费支出")[4:8] == ["≤44万元", "43.41万元", "10", "10"]
    form4 = fixture_doc("004_3a7665fe0dde1512").table("t1")
    assert row_with(form4, "年度资金总额")[3:9] == ["1758.17", "7167.12", "6457.48", "10", "90%", "9"]
    assert row_with(form4, "指标2：项目资金及时拨付使用")[6:8] == ["3", "2"]
    assert form4.title == "2020年度部门整体支出绩效自评表"


def test_docx_load_time_per_fixture():
    for name in DOCX_FIXTURES:
        start = time.perf_counter()
        load(FIXTURES / f"{name}.docx")
        assert time.perf_counter() - start < 2.0, name


# --------------------------------------------------------------------------- DOCX constructed


def _add_numbering(document) -> tuple[int, int]:
    """A Chinese multi-level list (一、 / （一）) and a decimal list (1.) in the numbering part."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
    )
    decimal = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(abstract)
    first_num.addprevious(decimal)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    return 90, 91


def _numbered(paragraph, num_id: int, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def test_docx_constructed_merges_nesting_numbering(tmp_path):
    document = python_docx.Document()
    cn, dec = _add_numbering(document)
    document.add_heading("2023年度部门整体支出绩效自评报告", level=0)
    document.add_paragraph("目录", style="TOC Heading")
    toc = parse_xml(  # a Word table of contents: its entries must not become sections
        f"<w:sdt {nsdecls('w')}><w:sdtPr><w:docPartObj><w:docPartGallery w:val=\"Table of Contents\"/>"
        "</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>一、基本情况</w:t></w:r><w:r><w:tab/></w:r>"
        "<w:r><w:t>1</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.sectPr.addprevious(toc)
    _numbered(document.add_paragraph("基本情况"), cn, 0)
    _numbered(document.add_paragraph("基本支出"), cn, 1)
    _numbered(document.add_paragraph("项目支出"), cn, 1)
    _numbered(document.add_paragraph("首项工作完成情况良好，支出执行率达到 100% 。"), dec, 0)
    _numbered(document.add_paragraph("第二项工作"), dec, 0)
    _numbered(document.add_paragraph("存在的问题"), cn, 0)
    _numbered(document.add_paragraph("（细项）"), cn, 1)
    para = document.add_paragraph("第一行")
    para.runs[0].add_break()
    para.add_run("第二行")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "一级指标"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "分值"
    table.cell(2, 0).merge(table.cell(3, 0)).text = "产出指标"
    table.cell(1, 2).text = "10"
    table.cell(1, 3).text = "9"
    outer = table.cell(2, 2)
    outer.text = "说明"
    nested = outer.add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "内层甲"
    nested.cell(0, 1).text = "内层乙"
    cell = table.cell(3, 3)
    cell.text = "第一段"
    cell.add_paragraph("第二段")
    # a row that starts one grid column in (w:gridBefore)
    row = table.add_row()
    row._tr.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    row._tr.remove(row._tr.tc_lst[-1])
    row.cells[0].text = "偏移"
    document.add_paragraph("表后文字")
    path = tmp_path / "constructed.docx"
    document.save(str(path))

    doc = load(path)
    texts = [b.text for b in doc.paragraphs()]
    assert texts[:9] == [
        "2023年度部门整体支出绩效自评报告",
        "一、基本情况",
        "（一）基本支出",
        "（二）项目支出",
        "1.首项工作完成情况良好，支出执行率达到100%。",  # label + tab; spaces next to CJK are layout
        "2.第二项工作",
        "二、存在的问题",
        "（一）（细项）",
        "第一行\n第二行",
    ]
    assert doc.blocks[0].kind == "heading"
    assert any("table of contents skipped (2 paragraphs)" in w for w in doc.warnings)
    assert doc.paragraphs()[1].at.line == 4  # the skipped TOC paragraphs still count as body paragraphs
    assert [(s.level, s.number, s.title) for s in doc.sections][:4] == [
        (0, None, "2023年度部门整体支出绩效自评报告"),
        (1, "一", "基本情况"),
        (2, "一", "基本支出"),
        (2, "二", "项目支出"),
    ]
    assert [b.kind for b in doc.blocks][-2:] == ["table", "paragraph"] and doc.blocks[-1].text == "表后文字"
    t = doc.tables[0]
    cells = {c.text: c for c in t.cells}
    assert (cells["一级指标"].rowspan, cells["一级指标"].colspan) == (2, 2)
    assert (cells["分值"].row, cells["分值"].col, cells["分值"].colspan) == (0, 2, 2)
    assert (cells["产出指标"].row, cells["产出指标"].rowspan) == (2, 2)
    assert cells["说明内层甲内层乙"].col == 2  # nested table flattened into the outer cell
    assert cells["第一段第二段"].col == 3
    assert (cells["偏移"].row, cells["偏移"].col) == (4, 1)
    assert (t.n_rows, t.n_cols) == (5, 4)
    assert [len(t.row_cells(r)) for r in range(t.n_rows)] == [2, 2, 4, 3, 3]  # merged cells counted once


# --------------------------------------------------------------------------- HTML


def _table_html(table: Table) -> str:
    rows = []
    for r in range(table.n_rows):
        cells = "".join(
            f'<td rowspan="{c.rowspan}" colspan="{c.colspan}">{html_lib.escape(c.text)}</td>'
            for c in table.row_cells(r)
        )
        rows.append(f"<tr>{cells}</tr>")
    return "<table border=1><tbody>" + "\n".join(rows) + "</tbody></table>"


def test_html_gbk_page_with_fixture_table(tmp_path):
    form = fixture_doc("001_ec7b4c7cefe3081c").table("t2")
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>汨罗市工信局</title><style>p{color:red}</style><script>var a='不要';</script></head>"
        "<body><nav><a href='/'>首页</a> | <a>政务公开</a></nav>"
        "<h2>2022年度部门整体支出<br>绩效自评报告</h2>"
        "<div class=info>发布时间：2023-05-01<br>来源：汨罗市工信局</div>"
        "<p>一、部门基本情况</p><p>全年收入 1786.77 万元，全年支出合计1786.77万元。</p>"
        "<div style='display:none'>隐藏文字</div>"
        "<p>附件2</p><p>2022年度部门整体支出绩效自评表</p>"
        f"{_table_html(form)}"
        "<ul><li>二、一般公共预算支出情况</li><li>说明文字</li></ul></body></html>"
    )
    path = tmp_path / "gbk.html"
    path.write_bytes(page.encode("gbk"))
    doc = load(path)
    assert doc.source.format == "html" and doc.source.encoding == "gb18030"
    texts = [b.text for b in doc.paragraphs()]
    assert texts[:4] == ["2022年度部门整体支出\n绩效自评报告", "发布时间：2023-05-01", "来源：汨罗市工信局", "一、部门基本情况"]
    assert "全年收入1786.77万元，全年支出合计1786.77万元。" in texts
    assert not any("首页" in t or "不要" in t or "隐藏" in t or "color" in t for t in texts)
    assert doc.blocks[0].kind == "heading"
    assert [b.at.line for b in doc.blocks if b.kind != "table"] == [
        i for i, b in enumerate(doc.blocks, 1) if b.kind != "table"
    ]
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.title == "2022年度部门整体支出绩效自评表"  # the form title just above it
    assert (table.n_rows, table.n_cols) == (form.n_rows, form.n_cols)
    assert table.text_grid() == form.text_grid()
    assert sorted((c.row, c.col, c.rowspan, c.colspan) for c in table.cells) == sorted(
        (c.row, c.col, c.rowspan, c.colspan) for c in form.cells
    )
    assert row_with(table, "年度资金总额")[3:8] == ["539.86", "1786.77", "1786.77", "10", "10%"]
    assert texts[-2:] == ["二、一般公共预算支出情况", "说明文字"]
    assert any(s.level == 1 and s.title == "一般公共预算支出情况" for s in doc.sections)


def test_html_undeclared_and_misdeclared_charsets(tmp_path):
    body = "<html><body><p>岳阳市工业和信息化局2022年度部门整体支出绩效自评报告，执行率为100%。</p></body></html>"
    plain = tmp_path / "plain.htm"
    plain.write_bytes(body.encode("gb18030"))
    doc = load(plain)
    assert doc.paragraphs()[0].text.startswith("岳阳市工业和信息化局")
    assert doc.source.encoding == "gb18030"
    lying = tmp_path / "lying.html"
    lying.write_bytes(body.replace("<html>", '<html><head><meta charset="utf-8"></head>').encode("gbk"))
    doc = load(lying)
    assert doc.paragraphs()[0].text.endswith("执行率为100%。")
    assert any("declares charset utf-8" in w for w in doc.warnings)
    bom = tmp_path / "bom.html"
    bom.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert load(bom).source.encoding == "utf-8"


def test_html_table_algorithm_and_layout_tables(tmp_path):
    page = """<html><body><table><tr><td>
      <p>正文在布局表格里</p>
      <table>
        <caption>绩效指标表</caption>
        <thead><tr><th rowspan=2>一级指标</th><th colspan=2>指标值</th><th rowspan="0">备注</th></tr>
               <tr><th>年度</th><th>实际</th></tr></thead>
        <tbody><tr><td>产出</td><td>7.5%</td><td>8.3%<br>(超额)</td></tr>
               <tr><td colspan=3>合计</td></tr></tbody>
      </table>
    </td></tr></table></body></html>"""
    path = tmp_path / "layout.html"
    path.write_text(page, encoding="utf-8")
    doc = load(path)
    assert [b.text for b in doc.paragraphs()] == ["正文在布局表格里"]
    (table,) = doc.tables
    assert table.title == "绩效指标表"
    assert table.text_grid() == [
        ["一级指标", "指标值", "指标值", "备注"],
        ["一级指标", "年度", "实际", "备注"],
        ["产出", "7.5%", "8.3% (超额)", "备注"],
        ["合计", "合计", "合计", "备注"],
    ]
    note = next(c for c in table.cells if c.text == "备注")
    assert note.rowspan == 4  # rowspan=0: to the end of the table


# --------------------------------------------------------------------------- XLSX


def _workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws["B2"] = "2022年度部门整体支出绩效自评表"
    ws.merge_cells("B2:G2")
    ws.append([])
    ws["B3"], ws["C3"], ws["D3"], ws["E3"], ws["F3"], ws["G3"] = "年度预算申请", "项目", "年初预算数", "全年执行数", "执行率", "分值"
    ws.merge_cells("B3:B5")
    ws["C4"], ws["D4"], ws["E4"], ws["F4"], ws["G4"] = "年度资金总额", 539.86, 1786.77 + 1e-12, 1.0, 10.0
    ws["F4"].number_format = "0%"
    ws["C5"], ws["D5"], ws["E5"], ws["F5"], ws["G5"] = "其中：基本支出", 0.1 + 0.2, 1247.3, 0.9856, 3
    ws["F5"].number_format = "0.00%"
    ws["E5"].number_format = "0.00"
    ws["H7"] = "=SUM(D4:D5)"  # a formula saved without a value
    wb.create_sheet("空表")
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "不读"
    hidden.sheet_state = "hidden"
    second = wb.create_sheet("基础数据表")
    second["A1"], second["B1"] = "编制数", 56
    wb.save(path)


def test_xlsx_merged_cells_and_numbers(tmp_path):
    path = tmp_path / "form.xlsx"
    _workbook(path)
    doc = load(path)
    assert doc.source.format == "xlsx"
    assert [t.title for t in doc.tables] == ["自评表", "基础数据表"]
    assert [(b.kind, b.text or b.table) for b in doc.blocks] == [
        ("heading", "自评表"), ("table", "t1"), ("heading", "基础数据表"), ("table", "t2")
    ]
    form = doc.tables[0]
    assert (form.n_rows, form.n_cols) == (6, 7)  # B2:H7, trimmed to what holds something
    title = form.grid()[0][0]
    assert (title.text, title.rowspan, title.colspan) == ("2022年度部门整体支出绩效自评表", 1, 6)
    label = form.grid()[1][0]
    assert (label.text, label.row, label.rowspan) == ("年度预算申请", 1, 3)
    assert form.text_grid()[2][:6] == ["年度预算申请", "年度资金总额", "539.86", "1786.77", "100%", "10"]
    assert form.text_grid()[3][:6] == ["年度预算申请", "其中：基本支出", "0.3", "1247.30", "98.56%", "3"]
    assert form.grid()[2][2].at.line == 4  # the sheet row
    assert doc.tables[1].text_grid() == [["编制数", "56"]]
    assert any("hidden" in w for w in doc.warnings)
    assert any("formula" in w and "自评表" in w for w in doc.warnings)


def test_xlsx_render_value():
    assert render_value(1786.7700000000002) == "1786.77"
    assert render_value(1786.7700000001) == "1786.77"
    assert render_value(10.0) == "10"
    assert render_value(12345678901234567) == "12345678901234567"
    assert render_value(1e-7) == "0.0000001"
    assert render_value(1, "0%") == "100%"
    assert render_value(0.125, "0.0%") == "12.5%"
    assert render_value(1.005, "0.00") == "1.01"
    assert render_value(1786.77, "#,##0.00") == "1786.77"
    assert render_value(-0.0001, "0.00") == "0.00"
    assert render_value(None) == ""


# --------------------------------------------------------------------------- damaged inputs and images


def _assert_one_line_error(exc: ExtractionError, path: Path) -> None:
    message = str(exc)
    assert message.startswith(str(path) + ": ")
    assert "\n" not in message and "Traceback" not in message


def test_junk_docx_gives_extraction_error(tmp_path):
    rng = random.Random(7)
    junk = tmp_path / "junk.docx"
    with zipfile.ZipFile(junk, "w") as z:
        z.writestr("a.bin", bytes(rng.randrange(256) for _ in range(2000)))
        z.writestr("b.bin", bytes(rng.randrange(256) for _ in range(2000)))
    with pytest.raises(ExtractionError) as err:
        load(junk)
    _assert_one_line_error(err.value, junk)

    fake = tmp_path / "fake.docx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("[Content_Types].xml", bytes(rng.randrange(256) for _ in range(500)))
        z.writestr("word/document.xml", bytes(rng.randrange(256) for _ in range(5000)))
    with pytest.raises(ExtractionError) as err:
        load(fake)
    _assert_one_line_error(err.value, fake)
    assert "Word" in err.value.problem

    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes((FIXTURES / "001_ec7b4c7cefe3081c.docx").read_bytes()[:30000])
    with pytest.raises(ExtractionError) as err:
        load(truncated)
    _assert_one_line_error(err.value, truncated)

    bad_xml = tmp_path / "badxml.docx"
    with zipfile.ZipFile(FIXTURES / "001_ec7b4c7cefe3081c.docx") as src, zipfile.ZipFile(bad_xml, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    with pytest.raises(ExtractionError) as err:
        load(bad_xml)
    _assert_one_line_error(err.value, bad_xml)
    assert "damaged" in err.value.problem


def _png(width: int = 40, height: int = 30) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_images(tmp_path):
    good = tmp_path / "scan.png"
    good.write_bytes(_png())
    with pytest.raises(NeedsOCR) as err:
        load(good)
    _assert_one_line_error(err.value, good)
    assert "PNG, 40x30 px" in err.value.problem and "OCR" in err.value.problem

    jpeg = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48)).save(jpeg, "JPEG")
    with pytest.raises(NeedsOCR, match="JPEG, 64x48 px"):
        load(jpeg)

    truncated = tmp_path / "broken.png"
    truncated.write_bytes(_png()[:60])
    with pytest.raises(ExtractionError) as err:
        load(truncated)
    assert not isinstance(err.value, NeedsOCR)
    _assert_one_line_error(err.value, truncated)
    assert "damaged" in err.value.problem

    garbled = tmp_path / "garbled.png"
    garbled.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(random.Random(3).randrange(256) for _ in range(400)))
    with pytest.raises(ExtractionError) as err:
        load(garbled)
    assert not isinstance(err.value, NeedsOCR)
    assert "damaged PNG" in err.value.problem


# --------------------------------------------------------------------------- legacy (LibreOffice)

needs_soffice = pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui",
)


def _convert_with_soffice(src: Path, target: str, outdir: Path) -> Path:
    profile = outdir / "lo-profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=120,
    )
    shutil.rmtree(profile, ignore_errors=True)
    return outdir / f"{src.stem}.{target}"


def _generated_doc() -> Path:
    doc = GENERATED / "001_ec7b4c7cefe3081c.doc"
    if not doc.exists():
        GENERATED.mkdir(parents=True, exist_ok=True)
        _convert_with_soffice(FIXTURES / "001_ec7b4c7cefe3081c.docx", "doc", GENERATED)
    return doc


@needs_soffice
def test_legacy_doc_and_wps(tmp_path):
    path = _generated_doc()
    data = path.read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    doc = load(path)
    assert doc.source.format == "doc" and doc.source.path == str(path)
    import hashlib

    assert doc.source.sha256 == hashlib.sha256(data).hexdigest()
    original = fixture_doc("001_ec7b4c7cefe3081c")
    assert len(doc.tables) == 2
    form = doc.tables[1]
    assert form.title == "2022年度部门整体支出绩效自评表"
    assert row_with(form, "年度资金总额")[3:9] == ["539.86", "1786.77", "1786.77", "10", "10%", "10"]
    assert form.text_grid() == original.tables[1].text_grid()
    assert any(s.level == 1 and s.title == "一般公共预算支出情况" for s in doc.sections)
    assert [b.text for b in doc.paragraphs()] == [b.text for b in original.paragraphs()]
    # Kingsoft WPS Writer files are Word binaries under another name
    wps = tmp_path / "报告.wps"
    shutil.copyfile(path, wps)
    doc = load(wps)
    assert doc.source.format == "wps" and doc.source.path == str(wps)
    assert len(doc.tables) == 2


@needs_soffice
def test_legacy_xls(tmp_path):
    xlsx = tmp_path / "form.xlsx"
    _workbook(xlsx)
    xls = _convert_with_soffice(xlsx, "xls", tmp_path)
    xls = xls.rename(tmp_path / "form.et")  # Kingsoft ET spreadsheets are .xls binaries
    doc = load(xls)
    assert doc.source.format == "et"
    form = doc.tables[0]
    assert form.title == "自评表"
    assert form.text_grid()[2][:6] == ["年度预算申请", "年度资金总额", "539.86", "1786.77", "100%", "10"]
    assert form.grid()[1][0].rowspan == 3


def test_legacy_without_libreoffice(tmp_path, monkeypatch):
    # a real OLE2 file when one was generated, else its signature alone is enough to route it
    path = tmp_path / "old.doc"
    generated = GENERATED / "001_ec7b4c7cefe3081c.doc"
    path.write_bytes(generated.read_bytes() if generated.exists() else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") * 40)
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice/libreoffice on PATH
    with pytest.raises(ExtractionError) as err:
        load(path)
    assert err.value.problem == NO_LIBREOFFICE
    _assert_one_line_error(err.value, path)
