"""The fact table, the relations the text states (其中, 占…的, 每人…共计), broken figures, restatements."""

import pytest
from conftest import extracted

from extractor.pipeline import extract
from extractor.quantity import find_malformed
from extractor.reconcile.relations import one_digit_apart


def _run(tmp_path, text, name="report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path, tagger="none", all_verdicts=True)


def _found(ex, rule):
    return [f for f in ex.findings if f.rule == rule]


def _problems(ex, rule):
    return [f for f in _found(ex, rule) if f.verdict == "contradicted"]


def test_parts_that_add_to_the_whole_are_supported(tmp_path):
    ex = _run(tmp_path, "本单位全年支出900.50万元，其中基本支出300.20万元，项目支出600.30万元。\n")
    [rel] = [r for r in ex.relations if r.kind == "parts"]
    facts = {f.id: f for f in ex.facts}
    assert facts[rel.total].value.text == "900.50万元"
    assert [facts[p].value.text for p in rel.parts] == ["300.20万元", "600.30万元"]
    assert [f.verdict for f in _found(ex, "relations.parts_sum")] == ["supported"]


def test_parts_that_add_to_more_than_the_whole_are_an_error(tmp_path):
    ex = _run(tmp_path, "年末固定资产5000.00万元，其中机关3000.00万元，监测站2100.00万元。\n")
    [f] = _problems(ex, "relations.parts_sum")
    assert f.severity == "error" and f.found == "5100.00" and f.expected == "5000.00万元"
    assert len(f.evidence) == 3


def test_parts_that_fall_short_are_a_warning_and_a_one_digit_slip_is_named(tmp_path):
    ex = _run(tmp_path, "年末固定资产5000.00万元，其中机关3000.00万元，监测站1900.00万元。\n")
    [f] = _problems(ex, "relations.parts_sum")
    assert f.severity == "warning" and f.found == "4900.00"
    assert "“监测站”为2000.00则相符" in f.message or "“机关”为3100.00则相符" in f.message


def test_a_single_part_below_its_whole_and_changes_are_not_parts(tmp_path):
    text = ("项目总投资800万元，其中省级资金500万元。\n"
            "全年支出900万元，其中基本支出300万元，比上年增加20万元，项目支出600万元。\n")
    ex = _run(tmp_path, text)
    assert _problems(ex, "relations.parts_sum") == []
    assert {len(r.parts) for r in ex.relations if r.kind == "parts"} == {1, 2}


def test_figures_after_a_complete_list_do_not_count_as_parts(tmp_path):
    ex = _run(tmp_path, "收入1000万元，其中财政拨款800万元，其他收入200万元，已到位资金950万元。\n")
    assert _problems(ex, "relations.parts_sum") == []


def test_a_share_of_the_wrong_base_names_the_base_that_fits(tmp_path):
    text = ("全年支出8000.00万元，其中基本支出2000.00万元，项目支出6000.00万元。"
            "其中：工资福利支出1000.00万元，占基本支出的12.50%。\n")
    ex = _run(tmp_path, text)
    [f] = _problems(ex, "relations.share_base")
    assert f.found == "12.50%" and f.expected == "50.00%"
    assert "8000.00万元" in f.message and "全年支出" in f.message


def test_a_share_against_its_named_base_is_supported_and_synonyms_of_the_whole_resolve(tmp_path):
    ex = _run(tmp_path, "全年支出8000.00万元。基本支出2000.00万元，占总支出25.00%。\n")
    assert [f.verdict for f in _found(ex, "relations.share_base")] == ["supported"]


def test_a_share_whose_base_the_text_never_states_is_unverifiable(tmp_path):
    ex = _run(tmp_path, "工资福利支出1000.00万元，占部门决算的12.50%。\n")
    assert [f.verdict for f in _found(ex, "relations.share_base")] == ["unverifiable"]


def test_a_product_with_the_wrong_unit_is_named(tmp_path):
    ex = _run(tmp_path, "为200人发放补助，每人500元，共计10元。\n")
    [f] = _problems(ex, "relations.product")
    assert f.expected == "100000元" and "10000倍" in f.message
    ok = _run(tmp_path, "为200人发放补助，每人500元，共计10万元。\n", "ok.txt")
    assert [f.verdict for f in _found(ok, "relations.product")] == ["supported"]


def test_broken_figures_are_found_and_dates_and_list_numbers_are_not():
    assert [w for _, _, w in find_malformed("占基本支出的46.%。")] == ["小数点后没有数字"]
    assert [w for _, _, w in find_malformed("资金12O5万元")] == ["数字中夹有字母"]
    assert [w for _, _, w in find_malformed("增长3..5%")] == ["小数点重复"]
    for fine in ("第3.1.2条", "2021.12.31", "PM2.5浓度", "1,234万元", "1.、2.", "7.21个"):
        assert find_malformed(fine) == [], fine


def test_a_broken_figure_is_a_finding_with_its_sentence(tmp_path):
    ex = _run(tmp_path, "对企业补助3326.76万元，占比46.%；另有资金12O5万元。\n")
    found = _problems(ex, "figures.malformed")
    assert sorted(f.found for f in found) == ["12O5万元", "46.%"]


def test_a_sentence_restated_word_for_word_with_another_figure_is_found(tmp_path):
    sentence = "全市共有{}家企业与本地高校开展联合技术攻关。"
    ex = _run(tmp_path, "一、主要成效\n" + sentence.format(48) + "\n二、总体评价\n" + sentence.format(43) + "\n")
    [f] = _problems(ex, "narrative.restated")
    assert {e.text for e in f.evidence} == {"48家", "43家"}
    same = _run(tmp_path, sentence.format(48) + "\n" + sentence.format(48) + "\n", "same.txt")
    assert _problems(same, "narrative.restated") == []


def test_the_same_item_in_two_breakdowns_is_not_a_restatement(tmp_path):
    text = ("基本支出2000万元，其中：商品和服务支出600万元，占基本支出的30%；对个人和家庭补助支出1400万元，占基本支出的70%。\n"
            "项目支出1000万元，其中：商品和服务支出200万元，占项目支出的20%；对个人和家庭补助支出800万元，占项目支出的80%。\n")
    ex = _run(tmp_path, text)
    assert _problems(ex, "narrative.restated") == []
    assert [f.verdict for f in _found(ex, "relations.share_base")] == ["supported"] * 4
    assert [f.verdict for f in _found(ex, "relations.parts_sum")] == ["supported"] * 2


def test_table_facts_carry_row_label_column_header_and_the_headers_unit(tmp_path):
    rows = [["项目", "预算数（万元）", "决算数（万元）"], ["基本支出", "120.5", "118.2"], ["项目支出", "80", "79.9"]]
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    ex = _run(tmp_path, f"<html><body><p>收支表</p><table>{body}</table></body></html>", "report.html")
    cells = {(f.name, f.column): f for f in ex.facts if f.source == "table"}
    fact = cells[("基本支出", "决算数（万元）")]
    assert fact.value.value == 118.2 and fact.value.unit == "万元" and fact.kind == "actual" and fact.measure == "amount"
    assert cells[("项目支出", "预算数（万元）")].kind == "target"


def test_one_digit_apart():
    assert one_digit_apart(693.14, 693.15, 2)
    assert not one_digit_apart(693.14, 694.15, 2)
    assert not one_digit_apart(99.0, 100.0, 0)


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_seed_002_wrong_bases_and_its_broken_share(fmt):
    ex = extracted(f"002_418cb45b50d16ad8.{fmt}")
    shares = _problems(ex, "relations.share_base")
    assert sorted(f.found for f in shares) == ["12.54%", "14.18%", "17.83%", "8.76%"]
    assert all("7125.61" in f.message for f in shares)
    assert "7125.62" in {f.found for f in _problems(ex, "relations.parts_sum")}
    assert [f.found for f in _problems(ex, "figures.malformed")] == ["46.%"]


@pytest.mark.parametrize("seed", ["000_ca8b55daf8c6f90a", "001_ec7b4c7cefe3081c", "003_6aed364f55934feb", "004_3a7665fe0dde1512"])
def test_no_relation_finding_on_seeds_whose_text_adds_up(seed):
    ex = extracted(f"{seed}.txt")
    assert [f.message for f in ex.findings if f.rule.startswith(("relations.", "figures."))] == []


def test_a_growth_rate_in_the_text_that_the_form_gives_as_a_share():
    from extractor.document import At
    from extractor.quantity import parse_quantity
    from extractor.reconcile import reconcile
    from extractor.schema import Claim, Extraction, Indicator, SourceInfo

    ind = Indicator(name="3、工业技改投资占工业投资比重", target=parse_quantity("12%"), actual=parse_quantity("58%"),
                    cells={"target": At(table="t1", row=14, col=4)})
    claim = Claim(metric="工业技改投资", kind="target", value=parse_quantity("12%"), measure="growth",
                  sentence="工业技改投资增长率达到12%；", at=At(block="b3", start=12, end=15), metric_at=[0, 6])
    ex = Extraction(source=SourceInfo(path="x.txt", sha256="0", format="text"), indicators=[ind], claims=[claim])
    [f] = [f for f in reconcile(ex) if f.rule == "narrative.definition"]
    assert f.found == "12%" and "占工业投资比重" in f.message and f.evidence[1].at.row == 14
    other = claim.model_copy(update={"metric": "工业投资"})  # another subject: the form's name does not hold it
    assert [f for f in reconcile(ex.model_copy(update={"claims": [other]})) if f.rule == "narrative.definition"] == []


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_seed_000_growth_rate_that_is_a_share(fmt):
    found = [f.found for f in extracted(f"000_ca8b55daf8c6f90a.{fmt}", "rules").findings if f.rule == "narrative.definition"]
    assert found == ["12%", "58%"]


def test_an_amount_per_head_in_yuan_among_amounts_in_wan_is_not_a_lost_wan(tmp_path):
    (tmp_path / "lost.txt").write_text("项目预算300万元，实际支出280万元，较预算减少8.88元，结余20万元。\n", encoding="utf-8")
    lost = extract(tmp_path / "lost.txt", tagger="rules")
    assert [f.found for f in lost.findings if f.rule == "narrative.unit_outlier"] == ["8.88元"]
    (tmp_path / "per.txt").write_text("资助资金300万元，生均补助标准500元，实际拨付280万元，结余20万元。\n", encoding="utf-8")
    per = extract(tmp_path / "per.txt", tagger="rules")
    assert [f for f in per.findings if f.rule == "narrative.unit_outlier"] == []


def test_the_years_result_given_two_figures_in_two_sections_in_other_words(tmp_path):
    text = ("2023年度部门整体支出绩效自评报告\n四、绩效目标完成情况\n全年粮食总产量达到21.36亿斤，比上年增加0.4亿斤。\n"
            "六、自评结论\n综合评价，我局整体目标基本完成，全县粮食总产量21.63亿斤，农民收入稳步提高。\n")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    found = [f for f in extract(tmp_path / "r.txt", tagger="rules").findings if f.rule == "narrative.restated"]
    assert len(found) == 1
    assert sorted(e.text[:5] for e in found[0].evidence) == ["21.36", "21.63"]


def test_two_figures_of_one_metric_in_one_sentence_or_in_brackets_are_two_quantities(tmp_path):
    text = ("新增规模企业204家，再次突破200家。\n全年新增国家级专精特新企业3家（总数30家）。\n"
            "全年签约项目30个。\n在另一场推介会上，签约项目25个。\n")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    assert [f for f in extract(tmp_path / "r.txt", tagger="rules").findings if f.rule == "narrative.restated"] == []


def test_a_growth_rate_and_a_share_of_one_subject_in_two_text_sentences(tmp_path):
    text = ("2023年全县教育经费总投入增长率达到5.8%。\n综合评价，教育经费占全县一般公共预算支出比重达到5.8%。\n")
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    found = [f for f in extract(tmp_path / "r.txt", tagger="model").findings if f.rule == "narrative.definition"]
    assert len(found) == 1 and found[0].found == "5.8%"


def test_a_figure_takes_the_year_its_own_clause_names():
    from extractor.document import At
    from extractor.facts import text_facts

    text = "2023年三公经费支出7.92万元，较2022年的8.46万元减少0.54万元。"
    periods = {f.value.text: f.period for f in text_facts(text, At(block="b1"), [])}
    assert periods["7.92万元"] == "2023年" and periods["8.46万元"] == "2022年"


@pytest.mark.parametrize("sentence", [
    "全年支出900.00万元，由基本支出300.00万元和项目支出610.00万元构成。",
    "项目支出900.00万元，按用途分别为：工程建设600.00万元，设备购置310.00万元。",
    "基本支出900.00万元，包括人员经费600.00万元、公用经费310.00万元。",
])
def test_parts_in_other_words_than_qizhong(tmp_path, sentence):
    [f] = _problems(_run(tmp_path, sentence + "\n"), "relations.parts_sum")
    assert f.found == "910.00" and f.severity == "error"


def test_a_per_month_standard_over_a_whole_year_and_a_per_household_average(tmp_path):
    ok = _run(tmp_path, "在岗乡村医生212名，标准为每人每月300元，全年发放76.32万元。\n共补助1,284户，户均补助850元，合计109.14万元。\n")
    assert [f.verdict for f in _found(ok, "relations.product")] == ["supported", "supported"]
    bad = _run(tmp_path, "在岗乡村医生212名，标准为每人每月300元，全年发放763.20万元。\n", "bad.txt")
    [f] = _problems(bad, "relations.product")
    assert "×12个月" in f.message and "10倍" in f.message


def test_a_share_whose_part_is_named_in_another_paragraph_and_a_base_smaller_than_its_part_is_another_figure(tmp_path):
    text = ("全年支出合计6,000.00万元，其中项目支出4,200.00万元，基本支出1,800.00万元。\n"
            "局机关支出合计1,240.00万元。\n项目支出占支出合计的70.00%。\n")
    assert [f.verdict for f in _found(_run(tmp_path, text), "relations.share_base")] == ["supported"]


def test_a_list_number_is_not_a_broken_figure():
    assert find_malformed("2.项目支出") == [] and find_malformed("第1.2.3项") == []
    assert [w for _, _, w in find_malformed("面积19.平方公里")] == ["小数点后没有数字"]
    assert [w for _, _, w in find_malformed("业务23,6l7件")] == ["数字中夹有字母"]


def test_a_monthly_standard_times_the_months_the_sentence_states(tmp_path):
    ok = _run(tmp_path, "2,400名职工参加以工代训，按每人每月500元标准补贴6个月，总计720.00万元。\n")
    assert [f.verdict for f in _found(ok, "relations.product")] == ["supported"]


def test_a_purpose_list_ends_at_its_semicolon(tmp_path):
    text = "基本支出2,318.47万元，主要用于人员工资福利和机关日常运转；项目支出4,387.45万元，主要用于场馆运营。\n"
    assert _problems(_run(tmp_path, text), "relations.parts_sum") == []


def _table_html(rows):
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<html><body><p>资产情况表</p><table>{body}</table></body></html>"


@pytest.mark.parametrize("total, verdict, severity", [("300.50", "supported", "info"), ("310.50", "contradicted", "warning"),
                                                     ("0", "contradicted", "error")])
def test_a_sum_row_of_any_table_against_the_rows_above_it(tmp_path, total, verdict, severity):
    rows = [["单位", "固定资产（万元）", "在用率"], ["局机关", "100.20", "95%"], ["监测站", "200.30", "90%"],
            ["其中：车辆", "50.00", "80%"], ["合计", total, "93%"]]
    ex = _run(tmp_path, _table_html(rows), "t.html")
    [f] = _found(ex, "tables.sum_row")
    assert (f.verdict, f.severity, f.expected) == (verdict, severity, "300.50")


def test_a_table_of_numbered_levels_is_not_summed(tmp_path):
    rows = [["项目", "金额（万元）"], ["一、基本支出", "300"], ["1.工资福利", "200"], ["2.公用经费", "100"],
            ["二、项目支出", "500"], ["合计", "800"]]
    assert _found(_run(tmp_path, _table_html(rows), "t.html"), "tables.sum_row") == []


def test_a_rate_per_measured_thing_and_each_semicolon_run_its_own_product(tmp_path):
    # 每公里, 每亩: any unit can follow 每; the count may be written in 万 of it; three ；-runs are three products
    text = ("县道100.5公里按每公里每年6,000元标准安排60.30万元；乡道200.0公里按每公里每年2,000元标准安排45.00万元；"
            "人工造林1.20万亩，每亩补助500元，共计600.00万元。\n")
    found = _found(_run(tmp_path, text), "relations.product")
    assert sorted(f.verdict for f in found) == ["contradicted", "supported", "supported"]
    [bad] = [f for f in found if f.verdict == "contradicted"]
    assert bad.found == "45.00万元" and "40.00" in bad.message


def test_a_product_over_stated_months_names_them(tmp_path):
    [f] = _found(_run(tmp_path, "聘用护路员100名，按每人每月800元标准发放10个月补贴，合计90.00万元。\n"), "relations.product")
    assert f.verdict == "contradicted" and "×10个月" in f.message and "80.00" in f.message


def _restated(tmp_path, text):
    (tmp_path / "r.txt").write_text("2024年度部门整体支出绩效自评报告\n" + text, encoding="utf-8")
    return [f for f in extract(tmp_path / "r.txt", tagger="rules").findings if f.rule == "narrative.restated"]


@pytest.mark.parametrize("first, second, shared", [
    ("2024年完成地质灾害隐患点工程治理17处，搬迁群众42户。", "二是治理成本高，2024年治理隐患点19处。", "隐患点"),
    ("全区26个社区养老服务站通过考核，每站补助6.5万元，合计169.00万元。", "运营补助覆盖28个社区养老服务站。", "社区养老服务站"),
    ("全年完成营造林任务3.62万亩。", "综合来看，重点工作推进顺利：完成营造林3.26万亩。", "营造林"),
])
def test_one_things_result_in_two_paragraphs_in_other_words(tmp_path, first, second, shared):
    [f] = _restated(tmp_path, f"四、绩效目标完成情况\n{first}\n六、自评结论\n{second}\n")
    assert f"“{shared}”" in f.message and f.severity == "warning" and len(f.evidence) == 2


@pytest.mark.parametrize("first, second", [
    # a plan against its result, a stock against the year's work, a part of the unit, another event, two kinds of works
    ("年初设定的目标为：新建集中供水工程15处。", "全年新建集中供水工程13处。"),
    ("全县在册地质灾害隐患点143处。", "全年完成地质灾害隐患点工程治理17处。"),
    ("全局实有在职人数57人。", "局机关共有编制人数35人，实有在职人数35人。"),
    ("在“春季招商推介会”上，签约项目30个。", "在“秋季招商推介会”上，签约项目25个。"),
    ("新建集中供水工程13处。", "改造提升小型供水工程35处。"),
    ("城关镇社区养老服务站12个。", "全区社区养老服务站28个。"),
    ("全年巡河1,862人次。", "全年巡河1,862人次，发现问题152处。"),
])
def test_look_alikes_of_one_thing_stated_twice_are_not_findings(tmp_path, first, second):
    assert _restated(tmp_path, f"四、绩效目标完成情况\n{first}\n六、自评结论\n{second}\n") == []


@pytest.mark.parametrize("growth, share", [
    ("全旗林草产业总产值达到9.86亿元，同比增长12.4%。", "林草产业产值占全旗农牧业总产值的12.4%。"),
    ("培训后就业人数同比增长66.4%。", "参训人员中实现就业8,539人，就业率为66.4%。"),
    ("乡村旅游接待人次同比增长23.5%。", "全市乡村旅游接待游客332.0万人次，占全市接待游客总量的23.5%。"),
])
def test_one_percentage_as_a_growth_in_one_paragraph_and_a_share_in_another(tmp_path, growth, share):
    (tmp_path / "r.txt").write_text(f"2024年度绩效自评报告\n{growth}\n{share}\n", encoding="utf-8")
    [f] = [f for f in extract(tmp_path / "r.txt", tagger="rules").findings if f.rule == "narrative.definition"]
    assert f.severity == "warning" and {e.text for e in f.evidence} == {f.found}


@pytest.mark.parametrize("growth, share", [
    ("工业增加值同比增长6.5%。", "高新技术产业增加值占规模工业增加值的6.5%。"),  # two subjects
    ("林草产业总产值同比增长10%。", "林草产业产值占全旗农牧业总产值的10%。"),  # a round figure: coincidences are common
])
def test_a_growth_and_a_share_that_only_share_digits_are_not_a_definition(tmp_path, growth, share):
    (tmp_path / "r.txt").write_text(f"2024年度绩效自评报告\n{growth}\n{share}\n", encoding="utf-8")
    assert [f for f in extract(tmp_path / "r.txt", tagger="rules").findings if f.rule == "narrative.definition"] == []


def test_a_figures_name_starts_after_the_figure_before_it_and_thousands_separators_do_not_break_it():
    from extractor.facts import clause_name
    text = "改造资金由中央补助资金3,200.00万元、省级补助资金1,150.00万元和市级配套资金1,168.36万元构成"
    assert clause_name(text, text.index("1,168.36")) == "市级配套资金"
    text = "2023年度部门支出合计51,904.72万元，分别为基本支出40,218.36万元"
    assert clause_name(text, text.index("51,904")) == "2023年度部门支出"
    assert clause_name(text, text.index("40,218")) == "基本支出"


def test_a_named_whole_in_another_paragraph_with_qualifiers_and_separators(tmp_path):
    # 老旧小区改造资金 names the 城镇老旧小区改造 figure of another paragraph; the sum is off by 100.00 at two decimals
    text = ("项目支出中，城镇老旧小区改造5,418.36万元。\n"
            "老旧小区改造资金由中央补助资金3,200.00万元、省级补助资金1,150.00万元和市级配套资金1,168.36万元构成。\n")
    [f] = _problems(_run(tmp_path, text), "relations.parts_sum")
    assert f.expected == "5,418.36万元" and "市级配套资金1,168.36万元" in f.message and "100.00" in f.message


@pytest.mark.parametrize("text, found, likely", [
    # the base stated inline; the share is of another figure of the text
    ("全年支出917.05万元，其中基本支出468.39万元。\n基本支出中，人员经费401.25万元，占全年支出917.05万元的85.67%。\n",
     "85.67%", "基本支出"),
    # a share of lengths, not of money
    ("全县列养农村公路1,286.4公里，其中县乡道741.1公里。\n全年修复养护86.4公里，占县乡道总里程741.1公里的6.72%。\n",
     "6.72%", "全县列养农村公路"),
])
def test_a_share_with_its_base_inline_of_any_measure(tmp_path, text, found, likely):
    [f] = _problems(_run(tmp_path, text), "relations.share_base")
    assert f.found == found and f"“{likely}”" in f.message


def test_a_share_of_a_base_in_another_unit_names_no_base_by_its_rounding():
    # 200元 shown to the 元 is 0.0200万元 to four places: it must not pass for any base within half a 万元
    from extractor.reconcile.relations import _places
    from extractor.schema import Fact
    from extractor.document import At
    from extractor.quantity import parse_quantity
    f = Fact(id="x1", source="text", value=parse_quantity("200元"), measure="amount", at=At())
    assert _places(f, "万元") == 4 and _places(f, "元") == 0


@pytest.mark.parametrize("text, found", [
    ("初中1,428人，按每生每年1,375元标准发放193.65万元。\n", "193.65万元"),
    ("柳湾镇新建高标准农田6,850亩，按每亩3,000元的标准安排建设资金2,155.00万元。\n", "2,155.00万元"),
])
def test_rates_per_pupil_and_totals_named_by_what_the_money_is(tmp_path, text, found):
    [f] = _problems(_run(tmp_path, text), "relations.product")
    assert f.found == found


def test_a_misplaced_thousands_separator_before_any_unit():
    assert find_malformed("清理塌方土石方3,86.5立方米，修复涵洞9道")[0][2] == "千分位逗号位置不对"
    assert find_malformed("见第3.1.2节，2021.12.31日") == []


def test_a_stated_rate_against_its_two_amounts(tmp_path):
    # the budget in the rate's sentence
    [f] = _problems(_run(tmp_path, "全年预算数为2380.00万元，实际支出2318.64万元，预算执行率为98.42%。\n"), "relations.rate")
    assert f.found == "98.42%" and f.expected == "97.42%"
    # two budgets stated before: the one that fits is the report's
    ok = _run(tmp_path, "年初预算7,920.00万元，全年预算为8,530.40万元。\n全年实际支出8,215.64万元，预算执行率为96.31%。\n", "ok.txt")
    assert [x.verdict for x in _found(ok, "relations.rate")] == ["supported"]
    # one budget before, and the rate does not fit it
    [f] = _problems(_run(tmp_path, "全年预算为8,530.40万元。\n全年实际支出8,215.64万元，预算执行率为97.31%。\n", "one.txt"), "relations.rate")
    assert f.severity == "error" and f.expected == "96.31%"
    # two budgets and neither fits: which one the report divided by is not known
    assert _found(_run(tmp_path, "年初预算7,920.00万元，全年预算为8,530.40万元。\n全年实际支出8,215.64万元，预算执行率为97.31%。\n",
                       "two.txt"), "relations.rate") == []


def test_a_completion_rate_of_counts_in_one_sentence(tmp_path):
    ok = _run(tmp_path, "计划实施90公里，实际完成86.4公里，完成率96.00%。\n")
    assert [x.verdict for x in _found(ok, "relations.rate")] == ["supported"]


def test_this_years_goals_and_next_years_plans_are_two_years_targets(tmp_path):
    text = ("二、绩效目标\n统计执法检查不少于35家；统计业务培训不少于1,200人次。\n三、绩效目标完成情况\n全年开展统计执法检查38家。\n"
            "五、下一步工作计划\n2025年统计执法检查不少于40家；统计业务培训不少于1,300人次。\n")
    assert _restated(tmp_path, text) == []


def test_an_attribute_list_of_staff_is_not_a_breakdown_and_a_whole_sets_what_is_summed(tmp_path):
    assert _problems(_run(tmp_path, "实有在职人员11人，其中专业技术人员9人，具有高级职称的3人。\n"), "relations.parts_sum") == []
    text = ("垃圾收集设施购置47.04万元，包括分类垃圾桶2,400个（单价80元）计19.20万元，勾臂式垃圾箱30个（单价5,600元）计16.80万元，"
            "压缩式垃圾车更换配件10.04万元。\n")
    [f] = _problems(_run(tmp_path, text, "b.txt"), "relations.parts_sum")
    assert f.expected == "47.04万元" and f.found == "46.04"


def test_an_amount_restated_one_slip_apart_and_people_counted_by_either_measure_word(tmp_path):
    [f] = _restated(tmp_path, "四、绩效目标完成情况\n电商站点实现农产品网络销售额2,860.40万元。\n"
                              "六、自评结论\n电商站点全年农产品网络销售额2,680.40万元。\n")
    assert {e.text for e in f.evidence} == {"2,860.40万元", "2,680.40万元"}
    # two amounts of one name that are not a slip apart are two amounts
    assert _restated(tmp_path, "四、完成情况\n项目实际支出1,200.00万元。\n六、自评结论\n项目实际支出980.00万元。\n") == []
    [f] = _restated(tmp_path, "一、基本情况\n全年在岗农村保洁员326人。\n四、完成情况\n在岗农村保洁员362名。\n")
    assert f.severity == "warning"


@pytest.mark.parametrize("plan, found", [
    ("五、下一步工作计划\n力争2025年“一套表”联网直报单位达到430家。\n", "430家"),
    ("五、下一步工作计划\n辅助器具适配服务目标设定为1,150人次。\n", "1,150人次"),
])
def test_next_years_target_below_this_years_result(tmp_path, plan, found):
    text = "三、绩效目标完成情况\n截至年末，“一套表”联网直报单位451家；累计提供辅助器具适配服务1,318人次。\n" + plan
    (tmp_path / "r.txt").write_text("2024年度部门整体支出绩效自评报告\n" + text, encoding="utf-8")
    [f] = [f for f in extract(tmp_path / "r.txt", tagger="rules").findings if f.rule == "narrative.target_below_result"]
    assert f.found == found and f.severity == "warning"


@pytest.mark.parametrize("plan", [
    "五、下一步工作计划\n力争2025年“一套表”联网直报单位达到460家。\n",  # above this year's
    "五、下一步工作计划\n2025年计划再恢复重建基层社2个。\n",  # more on top of this year's batch
    "五、下一步工作计划\n2025年计划城关镇联网直报单位达到120家。\n",  # a part of the unit
])
def test_targets_that_are_not_below_this_years_result(tmp_path, plan):
    text = "三、绩效目标完成情况\n截至年末，“一套表”联网直报单位451家，恢复重建基层社3个。\n" + plan
    (tmp_path / "r.txt").write_text("2024年度部门整体支出绩效自评报告\n" + text, encoding="utf-8")
    assert [f for f in extract(tmp_path / "r.txt", tagger="rules").findings if f.rule == "narrative.target_below_result"] == []
