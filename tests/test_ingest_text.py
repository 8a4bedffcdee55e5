"""Text dumps: encodings, both dump styles, and bad input."""

import pytest

from conftest import FIXTURES
from extractor.errors import ExtractionError
from extractor.forms import read_forms
from extractor.ingest import load


def test_gbk_dump_reads_like_utf8(tmp_path):
    src = (FIXTURES / "004_3a7665fe0dde1512.txt").read_text(encoding="utf-8")
    gbk = tmp_path / "report-gbk.txt"
    gbk.write_bytes(src.encode("gbk"))
    doc = load(gbk)
    assert doc.source.encoding == "gb18030"
    utf8 = read_forms(load(FIXTURES / "004_3a7665fe0dde1512.txt"))
    got = read_forms(doc)
    assert [i.name for i in got.indicators] == [i.name for i in utf8.indicators]
    assert got.funds.executed == 6457.48


def test_utf8_bom_is_stripped(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "一、基本情况\n全市规模工业增加值增长8.3%。\n".encode())
    doc = load(p)
    assert doc.blocks[0].text == "一、基本情况"
    assert doc.sections[0].number == "一"


def test_empty_file_is_a_clear_error(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(ExtractionError) as exc:
        load(p)
    assert "empty.txt" in str(exc.value) and "empty" in exc.value.problem


def test_binary_junk_is_a_clear_error(tmp_path):
    p = tmp_path / "junk.txt"
    p.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ExtractionError) as exc:
        load(p)
    assert "junk.txt" in str(exc.value)


def test_document_without_tables_gives_result_and_warning(tmp_path):
    p = tmp_path / "narrative.txt"
    p.write_text("2024年度某局整体支出绩效自评报告\n一、基本情况\n全年完成投资4.25亿元。\n", encoding="utf-8")
    from extractor.pipeline import extract

    result = extract(p)
    assert result.indicators == [] and result.funds is None
    assert any("no tables" in w for w in result.warnings)
    assert result.year == 2024


def test_word_dump_recovers_vertical_merges():
    doc = load(FIXTURES / "001_ec7b4c7cefe3081c.txt")
    form = next(t for t in doc.tables if any(c.text == "一级指标" for c in t.cells))
    merged = [c for c in form.cells if c.rowspan > 1]
    assert any(c.text.startswith("产出指标") for c in merged)
    grid = form.text_grid()
    row = next(r for r in grid if "实现工业总产值1160亿" in r)
    assert row[1].startswith("产出指标")  # level1 reaches the row through the merge


def test_word_dump_group_header_spans_its_columns():
    doc = load(FIXTURES / "002_418cb45b50d16ad8.txt")
    table = doc.tables[0]
    grid = table.text_grid()
    header = next(r for r, row in enumerate(grid) if "上年结转" in row)
    data = next(r for r, row in enumerate(grid) if r > header and row[0] == "局机关及二级机构汇总")
    col = grid[header].index("其他收入")
    assert grid[data][col] == "89.88"


def test_flattened_pdf_dump_rebuilds_rows_across_page_break():
    doc = load(FIXTURES / "000_ca8b55daf8c6f90a.txt")
    grid = doc.tables[0].text_grid()
    row = next(r for r in grid if r[3].startswith("1、邀请民爆安全专家"))
    assert row[3].endswith("安全生产能力水平。")  # the name continues after the page break
    assert row[4:8] == ["4次", "4次", "5", "5"]
    row = next(r for r in grid if r[3].startswith("2、完善剩余20家"))
    assert row[4] == row[5] == "完成20家沿江化工企业“一企一策”方案"


def test_cells_carry_line_provenance():
    doc = load(FIXTURES / "004_3a7665fe0dde1512.txt")
    lines = (FIXTURES / "004_3a7665fe0dde1512.txt").read_text(encoding="utf-8").split("\n")
    cell = next(c for t in doc.tables for c in t.cells if c.text == "6457.48")
    assert lines[cell.at.line - 1].strip() == "6457.48"
    assert cell.at.table == doc.tables[0].id and cell.at.row is not None
