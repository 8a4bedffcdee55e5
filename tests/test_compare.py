"""One report against another: department names, what changed, last year's figures restated, targets set low."""

import json
import subprocess
import sys

from conftest import FIXTURES, extracted

from extractor.document import At
from extractor.quantity import parse_quantity
from extractor.reconcile.across import compare, department_key
from extractor.schema import BasicData, BasicDataRow, Extraction, Fact, Funds, Indicator, SourceInfo


def _ex(path, year, department="某市工业和信息化局", **kw):
    return Extraction(source=SourceInfo(path=path, sha256="0", format="text"), year=year, department=department, **kw)


def test_department_names_meet_across_short_forms():
    assert department_key("岳阳市工信局") == department_key("岳阳市工业和信息化局")
    assert department_key("某县发改局") == department_key("某县发展和改革局")
    assert department_key("岳阳市工信局") != department_key("益阳市工业和信息化局")
    assert department_key(None) is None


def test_the_later_report_is_ordered_second_whatever_the_argument_order():
    later, earlier = _ex("b.txt", 2023), _ex("a.txt", 2022)
    cmp = compare(later, earlier)
    assert (cmp.earlier.year, cmp.later.year) == (2022, 2023) and cmp.same_department


def test_last_years_column_against_last_years_own_report():
    rows_a = [BasicDataRow(name="三公经费", key="三公经费", values=[40.0, 33.21], at=At(table="t3", row=4))]
    rows_b = [BasicDataRow(name="三公经费", key="三公经费", values=[33.12, 43.41, 43.41], at=At(table="t5", row=4))]
    a = _ex("a.txt", 2023, basic_data=BasicData(columns=["2023年预算数", "2023年决算数"], rows=rows_a))
    b = _ex("b.txt", 2024, basic_data=BasicData(columns=["2023年决算数", "2024年预算数", "2024年决算数"], rows=rows_b))
    [f] = compare(a, b).findings
    assert f.rule == "across.last_year_restated" and f.expected == "33.21" and f.found == "33.12"
    assert {e.document for e in f.evidence} == {"a.txt", "b.txt"}
    rows_b[0].values[0] = 33.21
    assert compare(a, b).findings == []
    assert [x.verdict for x in compare(a, b, all_verdicts=True).findings] == ["supported"]


def test_a_target_below_last_years_result_is_found_and_growth_targets_are_left_alone():
    def ind(name, target, actual=None):
        return Indicator(name=name, target=parse_quantity(target), actual=parse_quantity(actual) if actual else None)

    a = _ex("a.txt", 2022, indicators=[ind("新增规模工业企业", "150家", "204家"), ind("工业投资增速", "10%", "24.7%")])
    b = _ex("b.txt", 2023, indicators=[ind("新增规模工业企业", "≥180家"), ind("工业投资增速", "12%")])
    [f] = compare(a, b).findings
    assert f.rule == "across.target_below_last_actual" and f.found == "≥180家" and "204家" in f.message
    b.indicators[0].target = parse_quantity("≥210家")
    assert compare(a, b).findings == []


def test_last_years_result_may_come_from_its_text_when_its_form_has_none():
    fact = Fact(id="x1", source="text", metric="新增规模企业", value=parse_quantity("204家"), measure="count", kind="actual",
                period="2021年", at=At(block="b60", start=1, end=5))
    a = _ex("a.txt", 2021, facts=[fact])
    b = _ex("b.txt", 2022, indicators=[Indicator(name="1、新增规模工业企业达到150家", target=parse_quantity("150家"))])
    [f] = compare(a, b).findings
    assert f.evidence[1].at.block == "b60" and f.evidence[1].document == "a.txt"


def test_an_actual_copied_forward_while_the_target_changed():
    a = _ex("a.txt", 2022, indicators=[Indicator(name="培训人次", target=parse_quantity("500人次"), actual=parse_quantity("620人次"))])
    b = _ex("b.txt", 2023, indicators=[Indicator(name="培训人次", target=parse_quantity("≤400人次"), actual=parse_quantity("620人次"))])
    assert [f.rule for f in compare(a, b).findings] == ["across.same_actual"]


def test_changes_list_funds_scores_and_shared_indicators():
    a = _ex("a.txt", 2022, funds=Funds(executed=100.0, by_type={"基本支出": 60.0}))
    b = _ex("b.txt", 2023, funds=Funds(executed=150.0, by_type={"基本支出": 60.0}))
    changes = {c.what: c for c in compare(a, b).changes}
    assert changes["资金·全年执行数"].before == "100" and changes["资金·全年执行数"].after == "150"
    assert changes["资金·全年执行数"].note.startswith("+50")


def test_seed_reports_of_one_department_in_consecutive_years():
    a, b = extracted("002_418cb45b50d16ad8.txt", "rules"), extracted("000_ca8b55daf8c6f90a.txt", "rules")
    cmp = compare(b, a)
    assert cmp.same_department and (cmp.earlier.year, cmp.later.year) == (2021, 2022)
    assert [(f.rule, f.found) for f in cmp.findings] == [("across.target_below_last_actual", "150家")]


def test_check_compare_on_the_command_line():
    proc = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "check", str(FIXTURES / "002_418cb45b50d16ad8.txt"),
         str(FIXTURES / "000_ca8b55daf8c6f90a.txt"), "--compare", "--json", "--tagger", "rules"],
        check=False, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["same_department"] and data["earlier"].endswith("002_418cb45b50d16ad8.txt")
    assert any(c["what"] == "资金·全年执行数" for c in data["changes"])
    one = subprocess.run([sys.executable, "-m", "extractor.cli", "check", str(FIXTURES / "000_ca8b55daf8c6f90a.txt"), "--compare"],
                         check=False, capture_output=True, text=True)
    assert one.returncode == 2 and "two reports" in one.stderr and "Traceback" not in one.stderr


def test_a_text_target_needs_words_of_planning_or_a_later_year():
    last = Fact(id="x1", source="text", metric="新建城市书房", value=parse_quantity("6个"), measure="count", kind="actual",
                period="2023年", at=At(block="b1", start=1, end=3))
    a = _ex("a.txt", 2023, facts=[last])

    def target(before, text="4个"):
        return Fact(id="x2", source="text", metric="新建城市书房", value=parse_quantity(text), measure="count", kind="target",
                    before=before, at=At(block="b2", start=1, end=3))
    # this year's result that a tagger called a target is no target for next year
    assert compare(a, _ex("b.txt", 2024, facts=[target("4.基层文化设施。新建城市书房")])).findings == []
    for before, text in (("计划新建城市书房", "4个"), ("2025年新建城市书房", "4个"), ("新建城市书房", "≥4个")):
        [f] = compare(a, _ex("b.txt", 2024, facts=[target(before, text)])).findings
        assert f.rule == "across.target_below_last_actual" and f.found == text


def test_last_years_result_quoted_in_other_words_is_found(tmp_path):
    # the later report names the thing otherwise than the earlier one did; things.same_thing links them
    (tmp_path / "a.txt").write_text("某县应急管理局2023年度部门整体支出绩效自评报告\n全年完成防雷重点单位安全检查120家。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("某县应急管理局2024年度部门整体支出绩效自评报告\n2023年检查防雷安全重点单位128家。\n", encoding="utf-8")
    from extractor.pipeline import extract
    a, b = extract(tmp_path / "a.txt", tagger="rules"), extract(tmp_path / "b.txt", tagger="rules")
    [f] = [f for f in compare(a, b).findings if f.rule == "across.last_year_restated"]
    assert f.found == "128家" and f.expected == "120家" and {e.document for e in f.evidence} == {str(tmp_path / "a.txt"), str(tmp_path / "b.txt")}


def test_last_years_comparison_figure_is_not_its_result(tmp_path):
    # the earlier report's 较上年的375家 is 2022's, not 2023's: quoting 412 for 2023 agrees with it
    (tmp_path / "a.txt").write_text("某县统计局2023年度部门整体支出绩效自评报告\n全县联网直报单位达到412家，较上年的375家增加37家。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("某县统计局2024年度部门整体支出绩效自评报告\n联网直报单位451家，比2023年的412家增加39家。\n", encoding="utf-8")
    from extractor.pipeline import extract
    a, b = extract(tmp_path / "a.txt", tagger="rules"), extract(tmp_path / "b.txt", tagger="rules")
    assert [f for f in compare(a, b).findings if f.rule == "across.last_year_restated" and f.severity == "warning"] == []
