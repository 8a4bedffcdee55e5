"""scores.* rules: hand-built cases (contradicted, consistent, tolerance edge), 评分标准 parsing, and the seeds."""

from __future__ import annotations

import pytest

from conftest import extracted
from extractor.reconcile import reconcile
from extractor.reconcile.criteria import parse
from extractor.schema import LevelTotal
from test_reconcile_core import basic, funds, ind, make, problems, run, totals

FORMATS = ("txt", "docx", "pdf")
S000, S001, S002, S003, S004 = ("000_ca8b55daf8c6f90a", "001_ec7b4c7cefe3081c", "002_418cb45b50d16ad8",
                                "003_6aed364f55934feb", "004_3a7665fe0dde1512")


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


# ---------------------------------------------------------------- level_cap


def test_level_cap_contradicted_and_consistent():
    rows = [ind("a", 10, 10), ind("b", 25, 25)]
    bad = make(indicators=rows, totals=totals(产出指标=(30, 35, 35)))
    f = only(problems(bad, "scores.level_cap"))
    assert (f.severity, f.expected, f.found) == ("error", "30", "35")
    assert "产出指标" in f.message
    good = make(indicators=rows, totals=totals(产出指标=(35, 35, 35)))
    assert problems(good, "scores.level_cap") == []
    assert only(run(good, "scores.level_cap")).verdict == "supported"


def test_level_cap_level2_and_half_points_edge():
    t = totals(产出指标=(30, 30, 30))
    t.by_level1["产出指标"].by_level2["数量指标"] = LevelTotal(cap=10, weight=10.5, score=10)
    ex = make(indicators=[ind("a", 10.5, 10), ind("b", 19.5, 20, level2="质量指标")], totals=t)
    f = only(problems(ex, "scores.level_cap"))
    assert "数量指标" in f.message and f.found == "10.5"  # half a point is a real difference for points


def test_level_cap_scores_above_cap():
    ex = make(indicators=[ind("a", 10, 12)], totals=totals(产出指标=(10, 10, 12)))
    assert "得分合计为12分" in only(problems(ex, "scores.level_cap")).message


# ---------------------------------------------------------------- over_weight


def test_over_weight():
    ex = make(indicators=[ind("a", 5, 6), ind("b", 5, 5)])
    f = only(problems(ex, "scores.over_weight"))
    assert (f.expected, f.found) == ("≤5", "6") and "“a”" in f.message
    assert problems(make(indicators=[ind("a", 5, 5)]), "scores.over_weight") == []


def test_over_weight_merged_weight_counts_its_rows():
    # 经济效益 carries 分值 15 merged over three rows scored 5 each (seed 002)
    rows = [ind("经济效益", 15, 5, level2="履职效益"), ind("社会效益", None, 5, level2="履职效益"),
            ind("生态效益", None, 5, level2="履职效益")]
    assert problems(make(indicators=rows), "scores.over_weight") == []
    rows[2] = ind("生态效益", None, 6, level2="履职效益")
    assert only(problems(make(indicators=rows), "scores.over_weight")).found == "16"


def test_over_weight_budget_row():
    ex = make(funds=funds(weight=10, score=11))
    assert only(problems(ex, "scores.over_weight")).found == "11"


# ---------------------------------------------------------------- totals


def test_total_weight_counts_the_budget_row():
    rows = [ind("a", 50, 49), ind("b", 40, 40, level1="效益指标")]
    ex = make(indicators=rows, funds=funds(weight=10, score=9),
              totals=totals(100, 98, 产出指标=(50, 50, 49), 效益指标=(40, 40, 40)))
    assert problems(ex, "scores.total_weight") == [] and problems(ex, "scores.total_score") == []
    assert only(run(ex, "scores.total_weight")).verdict == "supported"
    bad = make(indicators=rows, funds=funds(weight=10, score=9),
               totals=totals(100, 99, 产出指标=(50, 50, 49), 效益指标=(40, 40, 40)))
    f = only(problems(bad, "scores.total_score"))
    assert (f.severity, f.expected, f.found) == ("error", "98", "99")


def test_total_without_budget_row_and_missing_budget_row():
    ex = make(totals=totals(100, 98, 投入=(15, 15, 15), 过程=(40, 40, 38), 产出=(25, 25, 25), 效果=(20, 20, 20)))
    assert problems(ex, "scores.total_weight") == [] and problems(ex, "scores.total_score") == []
    # a total that left the budget row out
    ex = make(funds=funds(weight=10, score=10), totals=totals(90, 90, 产出指标=(90, 90, 90)))
    f = only(problems(ex, "scores.total_weight"))
    assert f.severity == "warning" and "未计入预算执行率" in f.message


def test_total_score_edge_rounded_total():
    ex = make(totals=totals(100, 98.7, 产出指标=(100, 100, 98.67)))
    ex.totals.by_level1["产出指标"].score = 98.67
    assert problems(ex, "scores.total_score") == []  # 98.67 displayed as 98.7
    ex.totals.score = 98.6
    assert len(problems(ex, "scores.total_score")) == 1


# ---------------------------------------------------------------- deduction_unexplained


def test_deduction_without_reason_is_a_warning():
    ex = make(indicators=[ind("监管相对人满意", 10, 8, level1="满意度指标", level2="服务对象满意度指标")])
    f = only(problems(ex, "scores.deduction_unexplained"))
    assert f.severity == "warning"
    assert "扣2分" in f.message and "偏差原因栏为空" in f.message
    assert [e.at.col for e in f.evidence] == [7, 6, 8]  # score, weight, the empty note cell


def test_deduction_with_reason_or_full_marks_is_fine():
    rows = [ind("a", 3, 2, note="专项资金下达较晚"), ind("b", 5, 5)]
    assert problems(make(indicators=rows), "scores.deduction_unexplained") == []
    assert only(run(make(indicators=rows), "scores.deduction_unexplained")).verdict == "supported"


def test_deduction_in_a_scoring_table_names_the_扣分原因_column():
    ex = make(indicators=[ind("支付进度", 3, 2, form="评分表", criteria="每出现一个专项未按进度完成资金下达扣0.5分")])
    assert "扣分原因栏为空" in only(problems(ex, "scores.deduction_unexplained")).message


def test_merged_weight_is_not_a_deduction():
    rows = [ind("经济效益", 15, 5, level2="履职效益"), ind("社会效益", None, 5, level2="履职效益"),
            ind("生态效益", None, 5, level2="履职效益")]
    assert problems(make(indicators=rows), "scores.deduction_unexplained") == []
    rows[1] = ind("社会效益", None, 4.5, level2="履职效益")
    assert "扣0.5分" in only(problems(make(indicators=rows), "scores.deduction_unexplained")).message


# ---------------------------------------------------------------- missed_target_full_marks


def test_missed_target_with_full_marks():
    ex = make(indicators=[ind("新增规模工业企业", 5, 5, target="150家", actual="120家")])
    f = only(problems(ex, "scores.missed_target_full_marks"))
    assert f.severity == "warning" and "实际完成120家，低于目标，却得满分5分" in f.message
    ok = make(indicators=[ind("新增规模工业企业", 5, 5, target="150家", actual="180家")])
    assert problems(ok, "scores.missed_target_full_marks") == []


def test_missed_target_comparators_units_and_deductions():
    # ≤ ceiling exceeded
    ex = make(indicators=[ind("三公经费支出", 10, 10, target="≤44万元", actual="44.5万元", level1="成本指标", level2="经济成本指标")])
    assert len(problems(ex, "scores.missed_target_full_marks")) == 1
    # exactly on the target: met (edge)
    ex = make(indicators=[ind("满意度", 5, 5, target="≥90%", actual="90%")])
    assert problems(ex, "scores.missed_target_full_marks") == []
    # strict > not met on equality
    ex = make(indicators=[ind("满意度", 5, 5, target=">90%", actual="90%")])
    assert len(problems(ex, "scores.missed_target_full_marks")) == 1
    # a missed target that lost points is not flagged
    ex = make(indicators=[ind("满意度", 5, 4, target="≥90%", actual="85%", note="略低")])
    assert problems(ex, "scores.missed_target_full_marks") == []
    # different units are not compared
    ex = make(indicators=[ind("产值", 10, 10, target="1160亿", actual="1000万元")])
    assert run(ex, "scores.missed_target_full_marks") == []
    # range: below the low end misses it
    ex = make(indicators=[ind("工业投资增长率", 5, 5, target="10-15%", actual="8%")])
    assert len(problems(ex, "scores.missed_target_full_marks")) == 1


def _read_at(indicator, confidence):
    """The indicator with its target cell read by OCR at this confidence."""
    cells = dict(indicator.cells)
    cells["target"] = cells["target"].model_copy(update={"confidence": confidence})
    return indicator.model_copy(update={"cells": cells})


def test_missed_target_from_a_comparator_read_as_2_is_a_misread():
    # a scan reads ≥7% as 27%: with ≥7% the actual meets the target, as the full score says
    scanned = make(indicators=[_read_at(ind("规模工业增加值增速", 5, 5, target="27%", actual="7.7%"), 0.79)])
    f = only(run(scanned, "scores.missed_target_full_marks"))
    assert (f.cause, f.severity, f.verdict) == ("misread", "info", "contradicted")
    assert "疑为“≥7%”" in f.message and "0.79" in f.message
    # read with confidence: taken as read, the report's own contradiction
    sure = make(indicators=[_read_at(ind("规模工业增加值增速", 5, 5, target="27%", actual="7.7%"), 0.99)])
    f = only(problems(sure, "scores.missed_target_full_marks"))
    assert (f.cause, f.severity) == ("report", "warning")
    # the other reading does not explain it (6.5% misses ≥7% too): still the report's
    unmet = make(indicators=[_read_at(ind("规模工业增加值增速", 5, 5, target="27%", actual="6.5%"), 0.79)])
    assert only(problems(unmet, "scores.missed_target_full_marks")).cause == "report"
    # a text PDF has no reading confidence: never a misread
    text = make(indicators=[ind("规模工业增加值增速", 5, 5, target="27%", actual="7.7%")])
    assert only(problems(text, "scores.missed_target_full_marks")).cause is None


def test_comparator_misread_reading():
    from extractor.reconcile.ocr import comparator_misread

    assert comparator_misread("27%", 0.79) == "≥7%"
    assert comparator_misread("290家", 0.5) == "≥90家"
    assert comparator_misread("27%", 0.99) is None  # read with confidence
    assert comparator_misread("2家", 0.5) is None  # a 2 alone is a figure
    assert comparator_misread("37%", 0.5) is None
    assert comparator_misread("27%", None) is None  # not read by OCR


# ---------------------------------------------------------------- actual_not_measured / actual_vs_tables


def test_actual_written_as_a_target():
    ex = make(indicators=[ind("规模工业增加值增速", 3, 3, target="≥全省平均水平", actual="≥全省平均水平")])
    f = only(problems(ex, "scores.actual_not_measured"))
    assert f.severity == "warning" and "与年度指标值相同" in f.message
    ok = make(indicators=[ind("满意度", 5, 5, target="≥90%", actual="96%")])
    assert run(ok, "scores.actual_not_measured") == []


def test_actual_amount_vs_tables():
    b = basic(["2023年决算数", "2024年预算数", "2024年决算数"], {"三公经费": [33.21, 49, 43.41]})
    good = make(year=2024, basic_data=b, indicators=[ind("三公经费支出", 10, 10, target="≤44万元", actual="43.41万元")])
    assert problems(good, "scores.actual_vs_tables") == []
    assert only(run(good, "scores.actual_vs_tables")).verdict == "supported"
    bad = make(year=2024, basic_data=b, indicators=[ind("三公经费支出", 10, 10, target="≤44万元", actual="41.3万元")])
    assert only(problems(bad, "scores.actual_vs_tables")).expected == "43.41万元"
    yuan = make(funds=funds(by_type={"项目支出": 301.5}), indicators=[ind("项目经费支出", 10, 10, actual="3015000元")])
    assert problems(yuan, "scores.actual_vs_tables") == []


# ---------------------------------------------------------------- criteria: parsing


def test_parse_bands():
    c = parse("重点支出安排率≥90%，计5分；80%（含）-90%，计4分；70%（含）-80%，计3分；60%（含）-70%，计2分；低于60%不得分。")
    assert c.metric == "重点支出安排率"
    assert [b.points for b in c.bands] == [5, 4, 3, 2, 0]
    assert c.score_range(90) == (5, 5) and c.score_range(89.99) == (4, 4) and c.score_range(80) == (4, 4)
    assert c.score_range(59) == (0, 0)
    c = parse("95%（含）以上计5分；85%（含）-95%，计3分；75%（含）-85%，计1分；低于75%计0分。")
    assert c.score_range(95) == (5, 5) and c.score_range(94.9) == (3, 3) and c.score_range(70) == (0, 0)
    c = parse("预算调整率=0，计3分；0-10%（含），计2分；10-20%（含），计1分；20-30%（含），计0.5分；大于30%不得分。")
    assert c.score_range(0) == (3, 3) and c.score_range(10) == (2, 2) and c.score_range(10.01) == (1, 1)
    assert c.score_range(31) == (0, 0)


def test_parse_penalties():
    c = parse("以100%为标准。在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止。")
    assert c.metric == "在职人员控制率" and c.penalty.direction == "over"
    assert c.score_range(100) == (5, 5) and c.score_range(91.1) == (5, 5)
    assert c.score_range(102) == (4, 4)
    assert c.score_range(101.5) == (4.0, 4.5)  # pro rata 4.25, whole points begun 4, completed 4.5
    assert c.score_range(120) == (0, 0)  # 扣完为止
    c = parse("公务卡刷卡率达50％以上的，得3分。每减少一个百分点，扣0.2分，扣完为止。")
    assert c.score_range(60) == (3, 3) and c.score_range(45) == (2, 2)
    c = parse("每低于100%一个百分点扣0.1分，扣完为止。")
    assert c.score_range(90, weight=3) == (2, 2)


def test_parse_balance_count_and_nothing():
    c = parse("无结余，3分；有结余，但不超过上年结转，2分；结余超过上年结转，不得分。")
    assert c.kind == "balance" and c.balance_points == (3, 2, 0)
    c = parse("春节前下达全部专项资金的50%；6月底前所有专项资金指标全部下达完。每出现一个专项未按进度完成资金下达扣0.5分，扣完为止。")
    assert c.kind == "count" and "专项" in c.count_of
    assert parse("①已制定或具有资产管理制度，且相关资产管理制度合法、合规、完整，2分；②相关资产管理制度得到有效执行，1分。") is None
    assert parse("") is None


# ---------------------------------------------------------------- criteria: the rule


STAFF = "以100%为标准。在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止。"
BALANCE = "无结余，3分；有结余，但不超过上年结转，2分；结余超过上年结转，不得分。"


def test_criteria_staffing():
    row = ind("财政供养人员控制率", 5, 5, form="评分表", criteria=STAFF)
    good = make(indicators=[row], basic_data=basic([], {}, {"编制数": "90", "实际在职人数": "82"}))
    assert problems(good, "scores.criteria") == []
    assert "91.11%" in only(run(good, "scores.criteria")).message
    bad = make(indicators=[row], basic_data=basic([], {}, {"编制数": "90", "实际在职人数": "93"}))  # 103.33%
    f = only(problems(bad, "scores.criteria"))
    assert (f.severity, f.found, f.expected) == ("error", "5", "3-3.5")  # 103.33%: 3.33 pro rata, 3 or 3.5 by whole points
    # exactly at 100%: full marks (edge)
    edge = make(indicators=[row], basic_data=basic([], {}, {"编制数": "90", "实际在职人数": "90"}))
    assert problems(edge, "scores.criteria") == []


def test_criteria_balance():
    row = ind("资金结余", 3, 2, form="评分表", criteria=BALANCE, note="")
    good = make(indicators=[row], funds=funds(balance=12.51, by_source={"上年结转": 4548.64}))
    assert problems(good, "scores.criteria") == []
    assert only(run(good, "scores.criteria")).expected == "2"
    none_left = make(indicators=[row], funds=funds(balance=0, by_source={"上年结转": 4548.64}))
    f = only(problems(none_left, "scores.criteria"))
    assert (f.expected, f.found) == ("3", "2") and "无结余" in f.message
    over = make(indicators=[row], funds=funds(balance=5000, by_source={"上年结转": 4548.64}))
    assert only(problems(over, "scores.criteria")).expected == "0"


def test_criteria_bands_with_the_rows_own_actual():
    crit = "95%（含）以上计5分；85%（含）-95%，计3分；75%（含）-85%，计1分；低于75%计0分。"
    ok = make(indicators=[ind("满意度", 5, 3, actual="90%", criteria=crit, note="未达95%")])
    assert problems(ok, "scores.criteria") == []
    bad = make(indicators=[ind("满意度", 5, 5, actual="90%", criteria=crit)])
    f = only(problems(bad, "scores.criteria"))
    assert (f.expected, f.found) == ("3", "5")


def test_criteria_unverifiable_only_with_all_verdicts():
    crit = "重点支出安排率≥90%，计5分；80%（含）-90%，计4分；低于60%不得分。"
    ex = make(indicators=[ind("重点支出安排率", 5, 5, criteria=crit, form="评分表")])
    assert problems(ex, "scores.criteria") == []
    f = only(run(ex, "scores.criteria"))
    assert f.verdict == "unverifiable" and "重点支出安排率" in f.message


def test_criteria_budget_adjustment_only_when_figures_exist():
    crit = "预算调整率=0，计3分；0-10%（含），计2分；10-20%（含），计1分；20-30%（含），计0.5分；大于30%不得分。"
    row = ind("预算调整率", 3, 3, criteria=crit, form="评分表")
    assert only(run(make(indicators=[row]), "scores.criteria")).verdict == "unverifiable"
    b = basic(["2023年决算数", "2024年预算数", "2024年决算数"], {"部门基本支出预算调整": [None, 0, 50]})
    ex = make(year=2024, indicators=[row], basic_data=b, funds=funds(initial_budget=1000))
    f = only(problems(ex, "scores.criteria"))
    assert (f.expected, f.found, f.severity) == ("2", "3", "warning")


# ---------------------------------------------------------------- seeds


def _problems(seed, fmt):
    return [(f.rule, f.severity) for f in reconcile(extracted(f"{seed}.{fmt}")) if f.rule.startswith("scores.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_000_unexplained_deduction(fmt):
    fs = [f for f in reconcile(extracted(f"{S000}.{fmt}")) if f.rule.startswith("scores.")]
    assert [(f.rule, f.severity) for f in fs] == [("scores.deduction_unexplained", "warning")]
    assert "可持续影响指标" in fs[0].message and "扣1分" in fs[0].message


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_001_satisfaction_8_of_10_without_reason(fmt):
    fs = [f for f in reconcile(extracted(f"{S001}.{fmt}")) if f.rule.startswith("scores.")]
    assert [(f.rule, f.severity) for f in fs] == [
        ("scores.deduction_unexplained", "warning"),
        ("scores.actual_not_measured", "warning"),  # 20%以上
        ("scores.actual_not_measured", "warning"),  # ＞90%
    ]
    assert "监管相对人满意" in fs[0].message and "扣2分" in fs[0].message
    assert fs[2].found == "＞90%"


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_002_payment_and_balance_deductions_without_reason(fmt):
    ex = extracted(f"{S002}.{fmt}")
    fs = [f for f in reconcile(ex) if f.rule.startswith("scores.")]
    assert [(f.rule, f.severity) for f in fs] == [("scores.deduction_unexplained", "warning")] * 2
    assert "支付进度" in fs[0].message and "资金结余" in fs[1].message
    # the 资金结余 self-score agrees with its criterion; staffing 82/90 too
    crit = {f.message.split("：")[0]: f.verdict for f in reconcile(ex, all_verdicts=True) if f.rule == "scores.criteria"}
    assert crit["过程/预算执行/“资金结余”"] == "supported"
    assert crit["投入/预算配置/“财政供养人员控制率”"] == "supported"
    # merged 分值 15 over 经济/社会/生态效益 is not a deduction
    assert not any("经济效益" in f.message for f in fs)


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_003_scores_clean(fmt):
    assert _problems(S003, fmt) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_004_explained_deduction_and_copied_actuals(fmt):
    assert _problems(S004, fmt) == [("scores.actual_not_measured", "warning")] * 3
    fs = reconcile(extracted(f"{S004}.{fmt}"), all_verdicts=True)
    ded = [f for f in fs if f.rule == "scores.deduction_unexplained"]
    assert [f.verdict for f in ded] == ["supported"]  # 项目资金及时拨付使用 2 of 3 has its reason


@pytest.mark.parametrize("seed", [S000, S001, S002, S003, S004])
def test_totals_and_caps_hold_on_every_seed(seed):
    fs = reconcile(extracted(f"{seed}.txt"), all_verdicts=True)
    for rid in ("scores.total_weight", "scores.total_score", "scores.level_cap"):
        got = [f.verdict for f in fs if f.rule == rid]
        assert got and set(got) == {"supported"}, (rid, got)


# ---------------------------------------------------------------- forms without points


def _unscored(name, target, actual, note=""):
    row = ind(name, target=target, actual=actual, note=note)
    row.cells = {k: v for k, v in row.cells.items() if k not in ("weight", "score")}  # the form has no such columns
    return row


def test_missed_target_without_points_needs_a_reason():
    ex = make(indicators=[_unscored("教职工满意度", "≥90%", "89.5%"), _unscored("培训覆盖率", "≥90%", "93%")])
    f = only(problems(ex, "scores.missed_target_unexplained"))
    assert f.severity == "warning" and "教职工满意度" in f.message and "89.5%" in f.message
    explained = make(indicators=[_unscored("教职工满意度", "≥90%", "89.5%", note="问卷样本偏少，下年扩大调查范围")])
    assert problems(explained, "scores.missed_target_unexplained") == []
    # a form with points has its own rules for this (missed_target_full_marks, deduction_unexplained)
    assert problems(make(indicators=[ind("教职工满意度", 5, 4, target="≥90%", actual="89.5%")]), "scores.missed_target_unexplained") == []


def test_a_reason_cell_that_says_无_explains_nothing():
    rows = [ind("支付进度", 5, 4, target="≥90%", actual="85%", note="无")]
    assert "为空" in only(problems(make(indicators=rows), "scores.deduction_unexplained")).message
