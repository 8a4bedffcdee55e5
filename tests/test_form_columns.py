"""Column roles from headers and content, and the families' layouts, on tables built in the test."""

from test_forms import _doc

from extractor.forms import read_forms
from extractor.forms.columns import header_points, normalise_header


def test_headers_lose_letters_units_points_and_formulas():
    assert normalise_header("全年预算数\n（A）") == "全年预算数"
    assert normalise_header("执行率(B/A)") == "执行率"
    assert normalise_header("得分（20分*执行率）") == "得分"
    assert normalise_header("分 值\n(分)") == "分值"
    assert normalise_header("年初目标值(A)") == "年初目标值"
    assert header_points("预算执行情况（10分）") == 10
    assert header_points("得分（20分*执行率）") == 20
    assert header_points("全年预算数（A）") is None


def test_execution_amount_and_rate_are_not_confused():
    # 预算执行数 and 预算执行率 are one character apart: the headers and the cells (amount, percentage) decide together
    doc = _doc([
        ["预算执行情况（10分）", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因"],
        ["总额", "120.00", "130.00", "117.00", "90.00%", "10", "9", "部分尾款次年支付"],
        ["其中：财政资金", "100.00", "110.00", "99.00", "90.00%", "/", "/", ""],
        ["单位资金", "20.00", "20.00", "18.00", "90.00%", "/", "/", ""],
    ])
    funds = read_forms(doc).funds
    assert (funds.initial_budget, funds.annual_budget, funds.executed) == (120, 130, 117)
    assert funds.execution_rate.text == "90.00%"
    assert (funds.weight, funds.score) == (10, 9)
    assert funds.by_source == {"财政资金": 110, "单位资金": 20}


def test_block_points_from_the_label_and_a_formula_header():
    doc = _doc([
        ["预算执行情况（万元）（20分）", "预算数（A）", "执行数（B）", "执行率（B/A）", "得分（20分*执行率）"],
        ["年度财政资金总额", "50.00", "45.00", "90.00%", "18"],
    ])
    funds = read_forms(doc).funds
    assert (funds.annual_budget, funds.executed, funds.weight, funds.score) == (50, 45, 20, 18)


def test_target_split_over_comparator_value_unit_under_a_two_row_header():
    doc = _doc(
        [
            ["一级指标", "二级指标", "三级指标", "年度指标值", "", "", "实际完成值", "分值", "得分"],
            ["", "", "", "指标性质", "指标值", "度量单位", "", "", ""],
            ["产出指标", "数量指标", "培训人次", "≥", "800", "人次", "865", "10", "10"],
            ["", "质量指标", "验收合格率", "﹦", "100", "%", "100", "10", "10"],
            ["", "", "群众评价", "定性", "好", "", "较好", "10", "8"],
            ["总分", "", "", "", "", "", "", "30", "28"],
        ],
        spans={(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 3), (0, 6): (2, 1), (0, 7): (2, 1), (0, 8): (2, 1)},
    )
    forms = read_forms(doc)
    got = [(i.name, i.target.text, i.actual.text) for i in forms.indicators]
    assert got == [("培训人次", "≥800人次", "865人次"), ("验收合格率", "100%", "100%"), ("群众评价", "好", "较好")]
    assert forms.indicators[0].target.comparator == ">=" and forms.indicators[0].target.value == 800
    assert forms.indicators[2].target.value is None
    assert forms.forms[0].family == "yunnan-project"
    assert (forms.totals.weight, forms.totals.score) == (30, 28)


def test_weight_before_target_parent_rows_and_placeholders():
    doc = _doc([
        ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "偏差原因分析及改进措施"],
        ["产\n出\n指\n标", "数量指标", "★新增就业人数", "10", "", "", "10", ""],
        ["", "", "其中：县内就业", "", ">=1500人", "1466人", "", ""],
        ["", "", "县外就业", "", ">=300人", "320人", "", ""],
        ["", "", "指标2：", "", "", "", "", ""],
        ["", "", "……", "", "", "", "", ""],
        ["总分", "", "", "10", "", "", "10", ""],
    ])
    forms = read_forms(doc)
    assert [i.name for i in forms.indicators] == ["★新增就业人数", "其中：县内就业", "县外就业"]
    parent, sub, _ = forms.indicators
    assert (parent.weight, parent.score, parent.target) == (10, 10, None)
    assert (sub.weight, sub.score, sub.target.text, sub.target.comparator) == (None, None, ">=1500人", ">=")
    assert parent.level1 == "产出指标"
    assert forms.totals.by_level1["产出指标"].weight == 10  # sub-rows add nothing
    assert forms.forms[0].family == "anhui-goal-self-eval"


def test_units_column_without_comparator_and_no_level_columns():
    doc = _doc([
        ["三级指标", "指标权重", "计量单位", "指标值", "全年实际完成值"],
        ["抽检批次", "20", "批次", "≥2400", "2518"],
        ["群众满意度", "10", "%", "≥90", "93.5"],
        ["培训覆盖户数", "10", "户", "≥9000", "1.02万"],
    ])
    inds = read_forms(doc).indicators
    assert [(i.target.text, i.actual.text, i.weight) for i in inds] == [
        ("≥2400批次", "2518批次", 20), ("≥90%", "93.5%", 10), ("≥9000户", "1.02万", 10)]
    assert inds[0].level1 is None


def test_sources_broken_down_under_a_source_are_parts_not_extra_sources():
    doc = _doc([
        ["项目资金（元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "300000.00", "320000.00", "300000.00", "10", "93.75%", "9.4"],
        ["财政拨款", "250000.00", "270000.00", "255000.00", "—", "94.44%", "—"],
        ["其中：上级补助", "150000.00", "170000.00", "160000.00", "—", "94.12%", "—"],
        ["本级安排", "100000.00", "100000.00", "95000.00", "—", "95.00%", "—"],
        ["其他资金", "50000.00", "50000.00", "45000.00", "—", "90.00%", "—"],
    ])
    funds = read_forms(doc).funds
    assert funds.unit == "元"
    assert list(funds.by_source) == ["财政拨款", "上级补助", "本级安排", "其他资金"]
    assert funds.source_parts == {"上级补助": "财政拨款", "本级安排": "财政拨款"}


def test_sources_right_below_the_total_are_its_parts():
    doc = _doc([
        ["项目资金（万元）", "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
        ["", "年度资金总额", "80.00", "90.00", "81.00", "10", "90.00%", "9"],
        ["", "其中：当年财政拨款", "70.00", "80.00", "72.00", "—", "—", "—"],
        ["", "上年结转资金", "10.00", "10.00", "9.00", "—", "—", "—"],
    ], spans={(0, 0): (1, 2), (1, 0): (3, 1)})
    funds = read_forms(doc).funds
    assert funds.by_source == {"当年财政拨款": 80, "上年结转资金": 10}
    assert funds.source_parts == {}


def test_implementing_unit_supervisor_and_year_of_the_title_row():
    doc = _doc([
        ["部门预算项目支出绩效自评表（2023年度）", "", "", ""],
        ["项目名称", "乡村道路养护", "", ""],
        ["主管部门", "某县交通运输局", "实施单位", "某县公路养护中心"],
        ["填报日期", "2024年3月1日", "", ""],
    ], spans={(0, 0): (1, 4), (1, 1): (1, 3)})
    forms = read_forms(doc)
    assert (forms.department, forms.supervising_department, forms.year) == ("某县公路养护中心", "某县交通运输局", 2023)


def test_a_reference_or_a_label_is_never_a_department():
    doc = _doc([
        ["项目实施单位", "本单位", "主管部门", "发布机构"],
    ])
    assert read_forms(doc).department is None


def test_a_table_that_looks_like_a_form_but_is_not_read_is_named_in_a_warning():
    doc = _doc([
        ["序号", "年度指标值", "实际完成值", "得分"],
        ["1", "≥90%", "95%", "10"],
    ])
    forms = read_forms(doc)
    assert not forms.indicators
    assert any("t1" in w and "年度指标值" in w for w in forms.warnings), forms.warnings


def test_a_budget_written_as_label_and_amount_pairs():
    doc = _doc([
        ["项目名称", "农村公路养护", "项目资金（万元）", ""],
        ["年初预算数", "120.00", "全年预算数", "130.00"],
        ["全年执行数", "117.00", "执行率", "90.00%"],
        ["一级指标", "二级指标", "三级指标", "年度指标值"],
        ["产出指标", "数量指标", "养护里程", "≥300公里"],
    ])
    forms = read_forms(doc)
    f = forms.funds
    assert (f.initial_budget, f.annual_budget, f.executed, f.execution_rate.text) == (120, 130, 117, "90.00%")
    assert forms.forms[0].funds is f


def test_rows_named_by_a_column_that_is_not_called_三级指标():
    doc = _doc([
        ["绩效指标", "指标内容", "目标值", "完成值", "权重", "得分"],
        ["产出指标", "新建村级服务站", "≥20个", "22个", "20", "20"],
        ["", "服务站验收合格率", "100%", "100%", "20", "20"],
        ["满意度指标", "群众满意度", "≥90%", "93%", "10", "10"],
    ])
    inds = read_forms(doc).indicators
    assert [(i.name, i.target.text, i.weight) for i in inds] == [
        ("新建村级服务站", "≥20个", 20), ("服务站验收合格率", "100%", 20), ("群众满意度", "≥90%", 10)]


def test_a_table_without_a_named_row_column_uses_its_second_level():
    doc = _doc([
        ["一级指标", "二级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "培训人次", "≥500人次", "560人次", "30", "30"],
        ["效益指标", "就业率", "≥80%", "85%", "30", "28"],
    ])
    inds = read_forms(doc).indicators
    assert [(i.level1, i.name, i.actual.text, i.score) for i in inds] == [("产出指标", "培训人次", "560人次", 30), ("效益指标", "就业率", "85%", 28)]
