"""reconcile: the registry, numbering, verdict filtering, a crashing rule, and tolerance.

Also the small builders the other test_reconcile_* files use to hand-build
Extraction objects.
"""

from __future__ import annotations

import pytest

from extractor.document import At, Cell, Table
from extractor.quantity import parse_quantity
from extractor.reconcile import RULES, reconcile, rule
from extractor.reconcile.core import written_decimals
from extractor.reconcile.tolerance import agrees, decimals, fmt_pct, sum_agrees
from extractor.schema import BasicData, BasicDataRow, Extraction, Funds, Indicator, Level1Total, SourceInfo, Totals

# ---------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------


def make(**kw) -> Extraction:
    return Extraction(source=SourceInfo(path="hand-built", sha256="0", format="text"), **kw)


def cell_table(cells: dict[tuple[int, int], str], table_id: str = "t1") -> Table:
    """A table holding only the given cells (row, col) -> text."""
    n_rows = max(r for r, _ in cells) + 1
    n_cols = max(c for _, c in cells) + 1
    return Table(id=table_id, n_rows=n_rows, n_cols=n_cols,
                 cells=[Cell(row=r, col=c, text=t) for (r, c), t in cells.items()])


def at(row: int, col: int, table: str = "t1") -> At:
    return At(table=table, row=row, col=col)


def funds(**kw) -> Funds:
    """Funds with an `at` for every scalar and breakdown field, in a made-up grid."""
    f = Funds(**kw)
    cols = {"initial_budget": 2, "annual_budget": 3, "executed": 4, "weight": 5, "execution_rate": 6, "score": 7,
            "income_total": 8, "balance": 9}
    for k, c in cols.items():
        f.at[k] = at(2, c)
    for i, k in enumerate(f.by_source):
        f.at[k] = at(4 + i, 1)
    for i, k in enumerate(f.by_type):
        f.at[k] = at(4 + i, 2)
    return f


def rate(text: str):
    return parse_quantity(text)


_row = [10]


def ind(name: str, weight=None, score=None, target=None, actual=None, note="", level1="产出指标", level2="数量指标",
        criteria=None, form="自评表") -> Indicator:
    _row[0] += 1
    r = _row[0]
    cells = {k: at(r, c) for k, c in (("level1", 1), ("level2", 2), ("target", 4), ("actual", 5),
                                      ("weight", 6), ("score", 7), ("note", 8))}
    if criteria is not None:
        cells["criteria"] = at(r, 3)
    return Indicator(level1=level1, level2=level2, name=name, weight=weight, score=score, note=note,
                     target=rate(target) if target else None, actual=rate(actual) if actual else None,
                     criteria=criteria, form=form, at=at(r, 3), cells=cells)


def totals(weight=None, score=None, **levels: tuple) -> Totals:
    """totals(100, 98, 产出指标=(cap, weight, score), …)."""
    by = {name: Level1Total(cap=v[0], weight=v[1], score=v[2]) for name, v in levels.items()}
    return Totals(weight=weight, score=score, by_level1=by, at=at(30, 0), cells={"weight": at(30, 6), "score": at(30, 7)})


def basic(columns: list[str], rows: dict[str, list], staffing: dict[str, str] | None = None) -> BasicData:
    return BasicData(
        table="t9", columns=columns,
        staffing={k: parse_quantity(v) for k, v in (staffing or {}).items()},
        rows=[BasicDataRow(name=k, key=k, values=v, at=At(table="t9", row=3 + i, col=0)) for i, (k, v) in enumerate(rows.items())],
    )


def run(ex: Extraction, rule_id: str, all_verdicts: bool = True):
    return reconcile(ex, all_verdicts=all_verdicts, rules=[rule_id])


def problems(ex: Extraction, rule_id: str):
    return reconcile(ex, rules=[rule_id])


# ---------------------------------------------------------------------------
# tolerance
# ---------------------------------------------------------------------------


def test_decimals_follow_the_written_text():
    assert decimals("90.40") == 2
    assert decimals("752.00") == 2
    assert decimals("100%") == 0
    assert decimals("46.%") == 0
    assert decimals(1786.77) == 2
    assert decimals(752.0) == 0
    assert decimals(735) == 0
    # a thousands separator is part of the number, not its end
    assert decimals("5,418.36万元") == 2
    assert decimals("12,860人") == 0


def test_written_percentage_matches_rounded_computed_rate():
    assert agrees(100, decimals("100%"), 3720.28 / 3708.67 * 100)  # 100.31% rounds to 100
    assert agrees(90, 0, 6457.48 / 7167.12 * 100)  # 90.10%
    assert not agrees(10, 0, 100.0)
    assert not agrees(100, 0, 100.6)


def test_two_decimal_amounts_do_not_absorb_a_difference():
    assert not agrees(1786.77, 2, 539.43 + 1247.38)  # 1786.81
    assert agrees(1786.77, 2, 1786.774)
    assert not sum_agrees(1786.77, 2, [(539.43, 2), (1247.38, 2)])
    assert sum_agrees(1786.77, 2, [(539.43, 2), (1247.34, 2)])


def test_sum_tolerance_is_that_of_the_written_total():
    assert sum_agrees(7167.12, 2, [(6341.72, 2), (735, 0), (90.40, 2)])
    # entered amounts are exact: a part written `735` does not loosen the sum to ±0.5
    assert not sum_agrees(7167.5, 2, [(6341.72, 2), (735, 0), (90.40, 2)])
    assert not sum_agrees(1554.92, 2, [(1554.21, 2), (0, 0), (0.76, 2)])
    assert sum_agrees(1554.97, 2, [(1554.21, 2), (0, 0), (0.76, 2)])
    assert not sum_agrees(7168.0, 2, [(6341.72, 2), (735, 0), (90.40, 2)])
    # float noise never breaks an exact identity
    assert sum_agrees(0.3, 1, [(0.1, 1), (0.2, 1)])


def test_rate_display():
    assert fmt_pct(100.0) == "100.0%"
    assert fmt_pct(3720.28 / 3708.67 * 100) == "100.31%"
    assert fmt_pct(6457.48 / 7167.12 * 100) == "90.1%"


def test_displayed_precision_is_read_from_the_cell():
    ex = make(tables=[cell_table({(5, 1): "政府性基金拨款：752.00", (6, 1): "735"})])
    assert written_decimals(ex, at(5, 1), 752.0) == 2
    assert written_decimals(ex, at(6, 1), 735) == 0
    assert written_decimals(ex, None, 1786.77) == 2  # no cell: the float's own


# ---------------------------------------------------------------------------
# registry and runner
# ---------------------------------------------------------------------------


def test_every_rule_of_the_issue_is_registered():
    for rid in ("funds.sources_sum", "funds.types_sum", "funds.execution_rate", "funds.rate_score",
                "funds.income_expense", "scores.level_cap", "scores.over_weight", "scores.total_weight",
                "scores.total_score", "scores.deduction_unexplained", "scores.missed_target_full_marks",
                "scores.criteria", "basic_data.sanggong_parts", "basic_data.public_parts",
                "basic_data.staffing_rate"):
        assert rid in RULES


def test_findings_are_numbered_in_stable_order_and_supported_only_with_all_verdicts():
    ex = make(funds=funds(annual_budget=100.0, executed=100.0, execution_rate=rate("10%"),
                          by_type={"基本支出": 30.0, "项目支出": 70.0}))
    quiet = reconcile(ex)
    assert [f.rule for f in quiet] == ["funds.execution_rate"]
    assert [f.id for f in quiet] == ["f1"]
    loud = reconcile(ex, all_verdicts=True)
    assert [f.id for f in loud] == [f"f{i}" for i in range(1, len(loud) + 1)]
    assert {"supported", "contradicted"} <= {f.verdict for f in loud}
    assert reconcile(ex, all_verdicts=True) == loud  # deterministic
    rules = [f.rule for f in loud]
    assert rules.index("funds.types_sum") < rules.index("funds.execution_rate")


def test_empty_extraction_gives_no_findings():
    assert reconcile(make()) == []
    assert reconcile(make(), all_verdicts=True) == []


@pytest.fixture
def broken_rule():
    @rule("test.broken")
    def broken(ex):
        yield from ()
        raise ZeroDivisionError("boom")

    yield "test.broken"
    del RULES["test.broken"]


def test_a_rule_that_raises_becomes_an_info_finding(broken_rule):
    ex = make(funds=funds(annual_budget=100.0, executed=100.0, execution_rate=rate("10%")))
    found = reconcile(ex)
    crash = [f for f in found if f.rule == broken_rule]
    assert len(crash) == 1
    assert crash[0].severity == "info"
    assert "test.broken" in crash[0].message and "ZeroDivisionError" in crash[0].message
    # the other rules still ran
    assert any(f.rule == "funds.execution_rate" for f in found)
    assert [f.id for f in found] == [f"f{i}" for i in range(1, len(found) + 1)]


def test_registering_the_same_id_twice_is_refused():
    with pytest.raises(ValueError):
        rule("funds.execution_rate")(lambda ex: [])
