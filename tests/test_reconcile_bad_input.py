"""Reports the reconciler cannot fully check: reasons and unverifiable verdicts, never a crash."""

from conftest import FIXTURES
from extractor.pipeline import extract


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_report_without_tables_gives_unverifiable_claims_with_reasons(tmp_path):
    p = _write(tmp_path, "narrative.txt", "2024年度某局整体支出绩效自评报告\n一、基本情况\n全年项目支出301.5万元，新建5G基站956个。\n")
    result = extract(p, tagger="rules", all_verdicts=True)
    assert result.funds is None and result.indicators == []
    assert result.claims, "the narrative still yields claims"
    unverifiable = [f for f in result.findings if f.verdict == "unverifiable"]
    assert unverifiable and all("没有可核对" in f.message for f in unverifiable)
    assert not [f for f in result.findings if f.severity in ("error", "warning")]


def test_form_without_narrative_is_checked_on_its_own_arithmetic():
    result = extract(FIXTURES / "004_3a7665fe0dde1512.txt", tagger="rules")
    assert result.claims == [] or all(c.at.table for c in result.claims)
    assert {f.rule for f in result.findings} == {"scores.actual_not_measured"}


def test_form_with_missing_columns_and_unparseable_figures(tmp_path):
    # no 分值/得分 columns, a written rate that is not a number, a blank budget, a score written in words
    text = "\n".join([
        "2023年度部门整体支出绩效自评表",
        "\t预算部门名称", "\t某县农业农村局", "",
        "\t年度预算申请（万元）", "\t", "\t年初预算数", "\t全年预算数", "\t全年执行数", "\t分值", "\t执行率", "\t得分", "",
        "\t", "\t年度资金总额", "\t500", "\t", "\t468", "\t十", "\t约九成", "\t九", "",
        "\t", "\t其中：一般公共预算：四百", "\t其中：基本支出：abc", "",
        "\t绩效指标", "\t一级指标", "\t二级指标", "\t三级指标", "\t年度指标值", "\t实际完成值", "",
        "\t", "\t产出指标", "\t数量指标", "\t高标准农田建设面积", "\t≥2万亩", "\t2.1万亩", "",
        "\t", "\t", "\t质量指标", "\t验收合格率", "\t100%", "\t待验收", "",
    ])
    p = _write(tmp_path, "broken-form.txt", text)
    result = extract(p, tagger="rules", all_verdicts=True)
    assert [i.name for i in result.indicators] == ["高标准农田建设面积", "验收合格率"]
    assert result.indicators[1].actual.value is None  # 待验收: qualitative, parsed to null
    assert result.funds.annual_budget is None and result.funds.execution_rate.value is None
    assert all(f.severity != "info" or "运行出错" not in f.message for f in result.findings), "no rule crashed"
    rate = [f for f in result.findings if f.rule == "funds.execution_rate"]
    assert rate and all(f.verdict == "unverifiable" for f in rate)
