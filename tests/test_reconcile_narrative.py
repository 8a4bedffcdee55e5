"""Narrative rules: claims against the forms, stated scores, lost 万, ratings, restatements."""

import pytest

from conftest import extracted
from extractor.document import At
from extractor.quantity import parse_quantity
from extractor.reconcile import reconcile
from extractor.reconcile.linking import canonical
from extractor.schema import Claim, Extraction, Funds, Level1Total, Rating, SourceInfo, Totals


def _ex(claims=(), **kw):
    return Extraction(source=SourceInfo(path="x.txt", sha256="0", format="text"), year=2024, claims=list(claims), **kw)


def _claim(metric, text, kind="actual", measure="amount", sentence="", block="b1", period=None):
    return Claim(metric=metric, kind=kind, value=parse_quantity(text), sentence=sentence or f"{metric}{text}。",
                 at=At(block=block, start=0, end=len(text)), measure=measure, metric_at=[0, len(metric)] if metric else None, period=period)


def rules_of(findings, prefix="narrative."):
    return [(f.rule, f.verdict) for f in findings if f.rule.startswith(prefix)]


def test_canonical_names_make_form_and_narrative_names_meet():
    same = [
        ("1、全市规模工业增加值增速", "规模工业增加值"),
        ("指标2：工业投资增长", "工业投资"),
        ("新增规模工业企业家数", "新增规模以上企业"),
        ("1、新增规模工业企业达到150家", "新增规模工业企业"),
        ("实现工业总产值1160亿", "工业总产值"),
        ("项目资金完成2500万元", "项目资金"),
    ]
    for a, b in same:
        assert canonical(a) == canonical(b), (a, b)
    assert canonical("工业投资") != canonical("工业技改投资")


def test_claim_against_funds_field_within_displayed_precision():
    funds = Funds(by_type={"基本支出": 539.43, "项目支出": 1247.38}, at={"项目支出": At(table="t2", row=5, col=5)})
    bad = reconcile(_ex([_claim("项目支出", "1247.34万元")], funds=funds))
    assert rules_of(bad) == [("narrative.claim_vs_table", "contradicted")]
    assert bad[0].evidence[1].at.table == "t2" and bad[0].expected == "1247.38"
    ok = reconcile(_ex([_claim("项目支出", "1247.4万元")], funds=funds))  # one decimal shown: 1247.38 rounds to it
    assert rules_of(ok) == []


def test_money_scales_are_converted():
    funds = Funds(by_type={"项目支出": 42500.0})
    assert rules_of(reconcile(_ex([_claim("项目支出", "4.25亿元")], funds=funds))) == []
    assert rules_of(reconcile(_ex([_claim("项目支出", "4.35亿元")], funds=funds))) == [("narrative.claim_vs_table", "contradicted")]


def test_stated_level_score_against_level_sum():
    totals = Totals(weight=100, score=100, by_level1={"产出指标": Level1Total(weight=40, score=40)})
    claims = [_claim("自评综合得分", "100分", measure="score"), _claim("产出指标类得分", "50分", measure="score")]
    found = reconcile(_ex(claims, totals=totals), all_verdicts=True)
    verdicts = [(f.rule, f.verdict, f.found) for f in found if f.rule == "narrative.self_score"]
    assert ("narrative.self_score", "supported", "100分") in verdicts
    assert ("narrative.self_score", "contradicted", "50分") in verdicts


def test_change_amounts_are_never_compared_with_levels():
    funds = Funds(by_type={"项目支出": 301.5})
    claim = _claim("项目支出", "5.59万元", measure="change")
    assert rules_of(reconcile(_ex([claim], funds=funds))) == []


def test_lost_wan_among_wan_amounts():
    s = "2024年公务接待费预算10万元，实际支出1.12万元，较预算减少8.88元；"
    claims = [_claim("公务接待费", "10万元", "target", sentence=s), _claim("公务接待费", "1.12万元", sentence=s),
              _claim(None, "8.88元", measure="change", sentence=s)]
    found = reconcile(_ex(claims))
    assert rules_of(found) == [("narrative.unit_outlier", "contradicted")]
    assert found[0].found == "8.88元" and found[0].expected == "8.88万元"


@pytest.mark.parametrize("grade,score,ok", [("优", 98, True), ("优秀", 91, True), ("良", 95, False), ("优", 85, False)])
def test_rating_against_score_bands(grade, score, ok):
    ex = _ex(totals=Totals(weight=100, score=score), ratings=[Rating(text=f"评价等次为{grade}", grade=grade, at=At(block="b9"))])
    assert rules_of(reconcile(ex)) == ([] if ok else [("narrative.rating_band", "contradicted")])


def test_restated_needs_the_same_subject_words():
    a = _claim("规模工业总产值", "6584.45亿元", sentence="2021年，全市完成规模工业总产值6584.45亿元。", block="b1")
    b = _claim("规模工业总产值", "6548.45亿元", sentence="2021年，全市完成规模工业总产值6548.45亿元。", block="b7")
    c = _claim("规模工业总产值", "1500亿元", sentence="石化、食品产业规模工业总产值均突破1500亿元。", block="b8")
    assert rules_of(reconcile(_ex([a, b]))) == [("narrative.restated", "contradicted")]
    assert rules_of(reconcile(_ex([a, c]))) == []


def test_unlinked_claims_are_unverifiable_only_with_all_verdicts():
    ex = _ex([_claim("5G基站", "956个", measure="count")])
    assert rules_of(reconcile(ex)) == []
    assert rules_of(reconcile(ex, all_verdicts=True)) == [("narrative.unverifiable", "unverifiable")]


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_real_narrative_inconsistencies_of_the_seeds(fmt):
    def found(seed):
        return {(f.rule, f.found, f.expected) for f in extracted(f"{seed}.{fmt}", tagger="rules").findings if f.rule.startswith("narrative.")}

    assert ("narrative.claim_vs_table", "1247.34万元", "1247.38") in found("001_ec7b4c7cefe3081c")
    assert ("narrative.claim_vs_table", "7048.24万元", "2499.6") in found("002_418cb45b50d16ad8")
    f003 = found("003_6aed364f55934feb")
    assert ("narrative.self_score", "50分", "40") in f003
    assert ("narrative.claim_vs_table", "49万元", "43.41") in f003
    assert ("narrative.unit_outlier", "8.88元", "8.88万元") in f003
    # 000's goal calls the form's 技改投资占工业投资比重 a growth rate (its result repeats it)
    assert {f for f in found("000_ca8b55daf8c6f90a")} == {("narrative.definition", "12%", "工业技改投资占工业投资比重 12%"),
                                                          ("narrative.definition", "58%", "工业技改投资占工业投资比重 58%")}
    assert found("004_3a7665fe0dde1512") == set()



def test_a_file_of_several_projects_forms_checks_each_projects_score_against_any_of_its_forms():
    from extractor.schema import FormInfo
    forms = [FormInfo(family="f", project=p, totals=Totals(score=s)) for p, s in (("甲项目", 97.84), ("乙项目", 97.06), ("丙项目", 100.0))]
    claims = [_claim("自评得分", t, measure="score", sentence=f"本项目自评得分{t}。", block=b)
              for t, b in (("97.84分", "b1"), ("97.06分", "b2"), ("100分", "b3"))]
    ex = reconcile(_ex(claims, forms=forms, totals=Totals(score=97.84)), all_verdicts=True)
    assert rules_of(ex) == [("narrative.self_score", "supported")] * 3
    # a score that no project's form gives is still an error, and restating per project is not a restatement
    ex = reconcile(_ex([*claims[:2], _claim("自评得分", "95分", measure="score", block="b3")], forms=forms, totals=Totals(score=97.84)))
    assert rules_of(ex) == [("narrative.self_score", "contradicted")]


def test_a_level_the_text_says_was_not_reached_agrees_with_a_lower_figure():
    funds = Funds(execution_rate=parse_quantity("96%"))
    claim = _claim("资金拨付及时率", "100%", measure="share", sentence="资金拨付及时率未达到100%。")
    claim = claim.model_copy(update={"value": parse_quantity("未达到100%")})
    from extractor.schema import Indicator
    ind = Indicator(name="补助资金拨付及时率", target=parse_quantity("100%"), actual=parse_quantity("96%"))
    assert rules_of(reconcile(_ex([claim], indicators=[ind], funds=funds), all_verdicts=True)) == [("narrative.claim_vs_table", "supported")]
    # the same figure stated as reached is an error
    reached = claim.model_copy(update={"value": parse_quantity("100%")})
    assert rules_of(reconcile(_ex([reached], indicators=[ind], funds=funds))) == [("narrative.claim_vs_table", "contradicted")]
