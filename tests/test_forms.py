"""Form reading on tables built in the test: headers by synonym, merges, caps, totals, fallbacks."""

from conftest import extracted

from extractor.document import DocumentBuilder, Source, TableCellSpec
from extractor.forms import read_forms
from extractor.forms.headers import split_level


def _doc(rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]] | None = None):
    spans = spans or {}
    b = DocumentBuilder(Source(path="synthetic.txt", sha256="0", format="text"))
    covered = set()
    for (r, c), (rs, cs) in spans.items():
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                if (rr, cc) != (r, c):
                    covered.add((rr, cc))
    specs = []
    for r, row in enumerate(rows):
        specs.append([
            TableCellSpec(row=r, col=c, text=t, rowspan=spans.get((r, c), (1, 1))[0], colspan=spans.get((r, c), (1, 1))[1])
            for c, t in enumerate(row) if (r, c) not in covered
        ])
    b.add_table(specs)
    return b.build()


def test_header_synonyms_and_fill_down():
    doc = _doc([
        ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "自评得分", "未完成原因分析"],
        ["产出指标（20分）", "数量指标", "培训人数", "≥500人", "620人", "10", "10", ""],
        ["", "", "课程数", "20门", "18门", "10", "8", "师资不足"],
        ["总分", "", "", "", "", "20", "18", ""],
    ])
    forms = read_forms(doc)
    assert [i.name for i in forms.indicators] == ["培训人数", "课程数"]
    second = forms.indicators[1]
    assert (second.level1, second.level2, second.target.text, second.actual.text) == ("产出指标", "数量指标", "20门", "18门")
    assert (second.weight, second.score, second.note) == (10, 8, "师资不足")
    assert (forms.totals.weight, forms.totals.score) == (20, 18)
    level = forms.totals.by_level1["产出指标"]
    assert (level.cap, level.weight, level.score) == (20, 20, 18)


def test_value_merged_over_rows_counts_once():
    doc = _doc(
        [
            ["一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因"],
            ["效果（15分）", "履职效益", "经济效益", "共性要素", "15", "5", ""],
            ["", "", "社会效益", "", "", "5", ""],
            ["", "", "生态效益", "", "", "5", ""],
        ],
        spans={(1, 0): (3, 1), (1, 1): (3, 1), (1, 3): (3, 1), (1, 4): (3, 1)},
    )
    inds = read_forms(doc).indicators
    assert [i.weight for i in inds] == [15, None, None]
    assert [i.criteria for i in inds] == ["共性要素", "", ""]
    assert [i.level1 for i in inds] == ["效果"] * 3


def test_level_caps_and_explanations():
    assert split_level("产出指标\n(50 分)") == ("产出指标", 50)
    assert split_level("产出目标（部门工作实绩，包含重点工作）") == ("产出目标", None)
    assert split_level("投  入（15分）") == ("投入", 15)
    # a scan that lost the closing bracket at the cell's edge
    assert split_level("产出目标（部门工作实绩，包含上级部门布置的重点工作") == ("产出目标", None)
    assert split_level("投入（15分") == ("投入", 15)
    assert split_level("（其他）") == ("（其他）", None)


def test_headers_one_character_off_still_name_their_column():
    from extractor.forms.columns import MIN_HEADER, header_similarity, normalise_header
    from extractor.forms.vocabulary import FUNDS_ROLES as FUNDS_COLUMNS
    from extractor.forms.vocabulary import INDICATOR_ROLES as INDICATOR_COLUMNS

    def header_key(text, vocabulary):
        """The one role a header names on its own, as forms.columns scores it."""
        s = normalise_header(text)
        keys = [k for k, names in vocabulary.items() if header_similarity(s, names) >= MIN_HEADER]
        return keys[0] if len(keys) == 1 else None

    assert header_key("厂自评得分", INDICATOR_COLUMNS) == "score"  # a stray mark before the header
    assert header_key("年度指示值", INDICATOR_COLUMNS) == "target"  # one character misread
    assert header_key("全年执数", FUNDS_COLUMNS) == "executed"  # one character lost
    # short names are exact only: 得分 / 评分 / 分值 are one character apart from each other
    assert header_key("自分", INDICATOR_COLUMNS) is None
    assert header_key("项目名称说明", INDICATOR_COLUMNS) is None


def test_budget_block_with_labelled_sources():
    doc = _doc([
        ["预算部门名称", "某市教育局"],
        ["年度预算申请（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "100", "120", "108", "10", "90%", "9"],
        ["", "其中：一般公共预算：110", "其中：基本支出：80"],
        ["", "政府性基金拨款：10", "项目支出：28"],
    ])
    forms = read_forms(doc)
    f = forms.funds
    assert (f.initial_budget, f.annual_budget, f.executed, f.weight, f.score) == (100, 120, 108, 10, 9)
    assert f.execution_rate.text == "90%"
    assert f.by_source["一般公共预算"] == 110 and f.by_source["其他资金"] is None
    assert f.by_type == {"基本支出": 80, "项目支出": 28}
    assert forms.department == "某市教育局"


def test_funds_from_income_expense_tables_when_no_budget_block():
    result = extracted("002_418cb45b50d16ad8.txt")
    f = result.funds
    assert f.executed == 7125.61 and f.income_total == 7138.12
    assert f.by_type == {"基本支出": 2195.62, "项目支出": 4929.99}
    assert f.by_source["上年结转"] == 4548.64


def test_basic_data_table_rows_and_staffing():
    result = extracted("003_6aed364f55934feb.txt")
    bd = result.basic_data
    assert bd.columns == ["2023年决算数", "2024年预算数", "2024年决算数"]
    assert bd.staffing["编制数"].text == "57"
    rows = {r.key: r.values for r in bd.rows if r.key}
    assert rows["三公经费"] == [33.21, 43.41, 43.41]
    assert rows["公务接待"] == [2.76, 1.12, 1.12]
    assert rows["公用经费"][0] == 213.97


def test_indicator_provenance_points_at_the_name_cell():
    result = extracted("004_3a7665fe0dde1512.docx")
    ind = next(i for i in result.indicators if i.name == "指标2：项目资金及时拨付使用")
    table = next(t for t in result.tables if t.id == ind.at.table)
    cell = next(c for c in table.cells if c.row == ind.at.row and c.col == ind.at.col)
    assert cell.text == ind.name
    assert ind.note.startswith("专项资金下达较晚")


def test_project_form_with_source_rows():
    """项目支出绩效自评表: sources are rows with amounts per column, not labelled text."""
    doc = _doc([
        ["项目名称", "乡村道路建设"],
        ["主管部门", "某县交通运输局", "实施单位", "某县公路中心"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "500", "520", "468", "10", "90%", "9"],
        ["", "其中：当年财政拨款", "400", "420", "380", "—", "", "—"],
        ["", "上年结转资金", "100", "100", "88", "—", "", "—"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["", "产出指标（50分）", "数量指标", "新建道路里程", "≥12公里", "12.6公里", "25", "25", ""],
        ["", "", "质量指标", "验收合格率", "100%", "100%", "25", "25", ""],
        ["总分", "100", "94"],
    ])
    forms = read_forms(doc)
    f = forms.funds
    assert (f.annual_budget, f.executed, f.score) == (520, 468, 9)
    assert f.by_source == {"当年财政拨款": 420, "上年结转资金": 100}
    # the reporting unit is the one that carries the project out; its supervisor is kept beside it
    assert (forms.department, forms.supervising_department) == ("某县公路中心", "某县交通运输局")
    assert [i.name for i in forms.indicators] == ["新建道路里程", "验收合格率"]
    assert forms.indicators[0].target.value == 12 and forms.indicators[0].target.comparator == ">="
    assert (forms.totals.weight, forms.totals.score) == (100, 94)
