"""funds.* rules: hand-built cases (contradicted, consistent, tolerance edge) and the seeds in three formats."""

from __future__ import annotations

import pytest

from conftest import extracted
from test_reconcile_core import at, cell_table, funds, make, problems, rate, run

FORMATS = ("txt", "docx", "pdf")
S000, S001, S002, S003, S004 = ("000_ca8b55daf8c6f90a", "001_ec7b4c7cefe3081c", "002_418cb45b50d16ad8",
                                "003_6aed364f55934feb", "004_3a7665fe0dde1512")


def only(findings, verdict=None):
    assert len(findings) == 1, findings
    if verdict:
        assert findings[0].verdict == verdict, findings[0]
    return findings[0]


# ---------------------------------------------------------------- sources_sum


def test_sources_sum_consistent():
    ex = make(funds=funds(annual_budget=3708.67, executed=3708.67,
                          by_source={"一般公共预算": 3432.27, "政府性基金拨款": 200, "纳入专户管理的非税收入拨款": 0, "其他资金": 76.4}))
    f = only(run(ex, "funds.sources_sum"), "supported")
    assert f.found == f.expected == "3708.67"
    assert problems(ex, "funds.sources_sum") == []


def test_sources_sum_contradicted_with_evidence():
    ex = make(funds=funds(annual_budget=1786.77, executed=1786.77,
                          by_source={"一般公共预算": 1034.75, "政府性基金拨款": 752.01, "纳入专户管理的非税收入拨款": None}))
    f = only(problems(ex, "funds.sources_sum"), "contradicted")
    assert f.severity == "error"
    assert (f.expected, f.found) == ("1786.77", "1786.76")
    assert "全年预算数" in f.message and "少0.01" in f.message and "也不等于全年执行数1786.77" in f.message
    # the parts, the total it should make, and the other total the message cites
    assert [e.at for e in f.evidence] == [at(4, 1), at(5, 1), at(2, 3), at(2, 4)]


def test_sources_sum_says_when_it_matches_executed_instead():
    ex = make(funds=funds(annual_budget=3708.67, executed=3720.28, by_source={"一般公共预算": 3700.0, "其他资金": 20.28}))
    f = only(problems(ex, "funds.sources_sum"))
    assert "却等于全年执行数3720.28" in f.message


def test_sources_sum_tolerance_follows_displayed_precision():
    # 752.00 written with two decimals: the 0.01 gap is real
    tables = [cell_table({(4, 1): "一般公共预算：1034.76", (5, 1): "政府性基金拨款：752.00", (2, 3): "1786.77"})]
    ex = make(tables=tables, funds=funds(annual_budget=1786.77, by_source={"一般公共预算": 1034.76, "政府性基金拨款": 752.0}))
    assert only(problems(ex, "funds.sources_sum")).found == "1786.76"
    # an entered 752 is exactly 752: writing it without decimals hides nothing
    tables = [cell_table({(4, 1): "一般公共预算：1034.76", (5, 1): "政府性基金拨款：752", (2, 3): "1786.77"})]
    ex = make(tables=tables, funds=funds(annual_budget=1786.77, by_source={"一般公共预算": 1034.76, "政府性基金拨款": 752}))
    assert only(problems(ex, "funds.sources_sum")).found == "1786.76"
    # a total written with fewer decimals is a rounded display of the sum
    tables = [cell_table({(4, 1): "一般公共预算：1034.76", (5, 1): "政府性基金拨款：752.01", (2, 3): "1786.8"})]
    ex = make(tables=tables, funds=funds(annual_budget=1786.8, by_source={"一般公共预算": 1034.76, "政府性基金拨款": 752.01}))
    assert problems(ex, "funds.sources_sum") == []


def test_sources_sum_all_parts_empty_is_nothing_to_check():
    ex = make(funds=funds(annual_budget=100.0, by_source={"一般公共预算": None, "其他资金": None}))
    assert run(ex, "funds.sources_sum") == []


# ---------------------------------------------------------------- types_sum


def test_types_sum_contradicted_and_consistent():
    bad = make(funds=funds(annual_budget=1786.77, executed=1786.77, by_type={"基本支出": 539.43, "项目支出": 1247.38}))
    f = only(problems(bad, "funds.types_sum"))
    assert (f.severity, f.expected, f.found) == ("error", "1786.77", "1786.81")
    assert "539.43+1247.38=1786.81" in f.message
    good = make(funds=funds(annual_budget=1786.77, executed=1786.77, by_type={"基本支出": 539.43, "项目支出": 1247.34}))
    assert problems(good, "funds.types_sum") == []
    assert only(run(good, "funds.types_sum")).verdict == "supported"


def test_types_sum_edge_half_a_cent():
    ex = make(funds=funds(executed=1786.77, by_type={"基本支出": 539.43, "项目支出": 1247.345}))  # 3 decimals shown
    assert problems(ex, "funds.types_sum") == []  # 1786.775 vs 1786.77: within half a cent of 2-decimal total


# ---------------------------------------------------------------- execution_rate


def test_execution_rate_contradicted():
    ex = make(funds=funds(annual_budget=1786.77, executed=1786.77, execution_rate=rate("10%")))
    f = only(problems(ex, "funds.execution_rate"))
    assert f.message == "执行率填报为10%，按全年执行数/全年预算数计算应为100.0%（1786.77/1786.77）"
    assert (f.severity, f.expected, f.found) == ("error", "100.0%", "10%")
    assert [e.at for e in f.evidence] == [at(2, 6), at(2, 4), at(2, 3)]


def test_execution_rate_written_100_matches_100_31():
    ex = make(funds=funds(annual_budget=3708.67, executed=3720.28, execution_rate=rate("100%")))
    assert problems(ex, "funds.execution_rate") == []
    assert only(run(ex, "funds.execution_rate")).verdict == "supported"


def test_execution_rate_edge():
    ex = make(funds=funds(annual_budget=100.0, executed=100.6, execution_rate=rate("100%")))  # 100.6 rounds to 101
    assert only(problems(ex, "funds.execution_rate")).expected == "100.6%"
    ex = make(funds=funds(annual_budget=100.0, executed=90.14, execution_rate=rate("90.1%")))
    assert problems(ex, "funds.execution_rate") == []
    ex = make(funds=funds(annual_budget=100.0, executed=90.16, execution_rate=rate("90.1%")))
    assert len(problems(ex, "funds.execution_rate")) == 1


# ---------------------------------------------------------------- over_budget


def test_over_budget():
    ex = make(funds=funds(annual_budget=3708.67, executed=3720.28,
                          by_source={"一般公共预算": 3708.67}, by_type={"基本支出": 2788.76, "项目支出": 931.52}))
    f = only(problems(ex, "funds.over_budget"))
    assert f.severity == "warning" and "超出11.61万元" in f.message and "没有资金来源说明" in f.message
    ok = make(funds=funds(annual_budget=3708.67, executed=3708.67))
    assert run(ok, "funds.over_budget") == []


# ---------------------------------------------------------------- rate_score


def test_rate_score_consistent_at_displayed_precision():
    ex = make(funds=funds(annual_budget=7167.12, executed=6457.48, weight=10, score=9, execution_rate=rate("90%")))
    assert problems(ex, "funds.rate_score") == []
    assert only(run(ex, "funds.rate_score")).expected == "9.01"


def test_rate_score_contradicted():
    ex = make(funds=funds(annual_budget=7167.12, executed=6457.48, weight=10, score=10, execution_rate=rate("90%")))
    f = only(problems(ex, "funds.rate_score"))
    assert (f.severity, f.expected, f.found) == ("error", "9.01", "10")


def test_rate_score_says_when_written_rate_and_score_disagree():
    ex = make(funds=funds(annual_budget=1786.77, executed=1786.77, weight=10, score=10, execution_rate=rate("10%")))
    f = only(problems(ex, "funds.rate_score"))
    assert f.severity == "info" and "填报的执行率10%不符" in f.message
    # score follows the (wrong) written rate
    ex = make(funds=funds(annual_budget=1786.77, executed=1786.77, weight=10, score=1, execution_rate=rate("10%")))
    f = only(problems(ex, "funds.rate_score"))
    assert f.severity == "error" and "与填报的执行率10%相符" in f.message


# ---------------------------------------------------------------- income_expense


def test_income_expense():
    good = make(funds=funds(income_total=7138.12, executed=7125.61, balance=12.51,
                            by_source={"上年结转": 4548.64, "公共财政拨款": 2499.6, "其他收入": 89.88, "政府基金拨款": None}))
    assert problems(good, "funds.income_expense") == []
    assert [f.verdict for f in run(good, "funds.income_expense")] == ["supported", "supported"]
    bad = make(funds=funds(income_total=7138.12, executed=7125.61, balance=13.51,
                           by_source={"上年结转": 4548.64, "公共财政拨款": 2499.6, "其他收入": 88.88}))
    got = problems(bad, "funds.income_expense")
    assert [(f.expected, f.found) for f in got] == [("7138.12", "7137.12"), ("12.51", "13.51")]
    # the 收支 form has no 全年预算数: sources_sum leaves it to income_expense
    assert run(good, "funds.sources_sum") == []


# ---------------------------------------------------------------- seeds


def _sig(findings):
    return [(f.rule, f.severity, f.verdict, f.expected, f.found) for f in findings if f.rule.startswith("funds.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_001_funds_contradictions(fmt):
    from extractor.reconcile import reconcile

    got = _sig(reconcile(extracted(f"{S001}.{fmt}")))
    assert got == [
        ("funds.sources_sum", "error", "contradicted", "1786.77", "1786.76"),
        ("funds.types_sum", "error", "contradicted", "1786.77", "1786.81"),  # 539.43+1247.38
        ("funds.execution_rate", "error", "contradicted", "100.0%", "10%"),
        ("funds.rate_score", "info", "contradicted", "10", "10"),  # score fits 100%, not the written 10%
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_000_overspend_found_and_identities_hold(fmt):
    from extractor.reconcile import reconcile

    ex = extracted(f"{S000}.{fmt}")
    assert _sig(reconcile(ex)) == [("funds.over_budget", "warning", "contradicted", "≤3708.67", "3720.28")]
    verdicts = {f.rule: f.verdict for f in reconcile(ex, all_verdicts=True) if f.rule.startswith("funds.")}
    assert verdicts == {"funds.sources_sum": "supported", "funds.types_sum": "supported",
                        "funds.execution_rate": "supported", "funds.over_budget": "contradicted",
                        "funds.rate_score": "supported"}


@pytest.mark.parametrize("seed", [S002, S003, S004])
@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_funds_give_no_problem(seed, fmt):
    from extractor.reconcile import reconcile

    ex = extracted(f"{seed}.{fmt}")
    assert _sig(reconcile(ex)) == []
    checked = [f for f in reconcile(ex, all_verdicts=True) if f.rule.startswith("funds.")]
    assert checked and all(f.verdict == "supported" for f in checked)


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_002_income_and_balance_checked(fmt):
    from extractor.reconcile import reconcile

    rules = [f.rule for f in reconcile(extracted(f"{S002}.{fmt}"), all_verdicts=True) if f.verdict == "supported"]
    assert rules.count("funds.income_expense") == 2
    assert "funds.types_sum" in rules
