"""basic_data.* rules on hand-built 基础数据表, and the seeds in three formats; findings agree across formats."""

from __future__ import annotations

import pytest

from conftest import extracted
from extractor.document import At, Cell, Table
from extractor.reconcile import reconcile
from test_reconcile_core import basic, make, problems, run

FORMATS = ("txt", "docx", "pdf")
SEEDS = ("000_ca8b55daf8c6f90a", "001_ec7b4c7cefe3081c", "002_418cb45b50d16ad8",
         "003_6aed364f55934feb", "004_3a7665fe0dde1512")
COLS = ["2023年决算数", "2024年预算数", "2024年决算数"]


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


# ---------------------------------------------------------------- sanggong_parts


def _sanggong(**over):
    rows = {
        "三公经费": [33.21, 49, 43.41],
        "公务用车购置和维护经费": [30.45, 28, 36.36],
        "公车购置": [17.99, 18, 24.99],
        "公车运行维护": [12.46, 10, 11.37],
        "出国经费": [0, 0, 5.93],
        "公务接待": [2.76, 21, 1.12],
    }
    rows.update(over)
    return make(year=2024, basic_data=basic(COLS, rows))


def test_sanggong_parts_consistent():
    ex = _sanggong()
    assert problems(ex, "basic_data.sanggong_parts") == []
    assert [f.verdict for f in run(ex, "basic_data.sanggong_parts")] == ["supported"] * 6


def test_sanggong_parts_contradicted_per_column():
    ex = _sanggong(公务接待=[2.76, 21, 1.21])
    f = only(problems(ex, "basic_data.sanggong_parts"))
    assert f.severity == "error" and f.message.startswith("2024年决算数：")
    assert (f.expected, f.found) == ("43.41", "43.50")
    ex = _sanggong(公车购置=[17.99, 18, 24.90])
    f = only(problems(ex, "basic_data.sanggong_parts"))
    assert "公务用车购置和维护经费" in f.message and f.found == "36.27"


def test_sanggong_parts_edge_one_cent():
    assert len(problems(_sanggong(公务接待=[2.76, 21, 1.13]), "basic_data.sanggong_parts")) == 1
    assert problems(_sanggong(公务接待=[2.76, 21, 1.12]), "basic_data.sanggong_parts") == []


def test_empty_parts_count_as_zero_unless_all_empty():
    # seed 001: only 公务接待 is filled
    ex = make(basic_data=basic(COLS, {"三公经费": [15.85, 25.6, 11.34], "公务用车购置和维护经费": [None] * 3,
                                      "公车购置": [None] * 3, "公车运行维护": [None] * 3, "出国经费": [None] * 3,
                                      "公务接待": [15.85, 25.6, 11.34]}))
    got = run(ex, "basic_data.sanggong_parts")
    assert [f.verdict for f in got] == ["supported"] * 3  # 公务用车 (all parts empty): nothing to check
    ex = make(basic_data=basic(COLS, {"三公经费": [10, None, None], "出国经费": [None] * 3, "公务接待": [None] * 3}))
    assert run(ex, "basic_data.sanggong_parts") == []


def test_evidence_points_at_the_value_cells():
    b = basic(COLS, {"三公经费": [2.76, 21, 43.41], "出国经费": [0, 0, 5.93], "公务接待": [2.76, 21, 1.12]})
    header = [Cell(row=2, col=c, text=t) for c, t in ((0, "项目"), (1, "2023年决算数"), (2, "2024年预算数"), (3, "2024年决算数"))]
    table = Table(id="t9", n_rows=6, n_cols=4, cells=header + [Cell(row=3, col=3, text="43.41", at=At(table="t9", row=3, col=3, page=9))])
    ex = make(year=2024, basic_data=b, tables=[table])
    f = only(problems(ex, "basic_data.sanggong_parts"))
    assert f.evidence[0].at == At(table="t9", row=3, col=3, page=9)
    assert (f.evidence[1].at.row, f.evidence[1].at.col) == (4, 3)


# ---------------------------------------------------------------- public_parts


def test_public_parts_are_of_which_rows():
    rows = {"公用经费": [213.97, 150.26, 150.26], "办公经费": [7.65, 4.1, 4.1], "水费电费差旅费": [21.43, 0, 0],
            "会议费培训费": [15.56, 1.89, 1.89]}
    ex = make(basic_data=basic(COLS, rows))
    assert problems(ex, "basic_data.public_parts") == []  # parts far below the whole: fine
    rows["公用经费"] = [40.0, 150.26, 150.26]
    f = only(problems(make(basic_data=basic(COLS, rows)), "basic_data.public_parts"))
    assert f.severity == "warning" and f.found == "44.64"
    rows["公用经费"] = [44.64, 150.26, 150.26]  # edge: equal is fine
    assert problems(make(basic_data=basic(COLS, rows)), "basic_data.public_parts") == []


# ---------------------------------------------------------------- staffing_rate


def test_staffing_rate():
    good = make(basic_data=basic([], {}, {"编制数": "56", "实际在职人数": "56", "控制率": "100%"}))
    assert problems(good, "basic_data.staffing_rate") == []
    bad = make(basic_data=basic([], {}, {"编制数": "90", "实际在职人数": "82", "控制率": "100%"}))
    f = only(problems(bad, "basic_data.staffing_rate"))
    assert (f.expected, f.found, f.severity) == ("91.11%", "100%", "error")
    edge = make(basic_data=basic([], {}, {"编制数": "90", "实际在职人数": "82", "控制率": "91.1%"}))
    assert problems(edge, "basic_data.staffing_rate") == []


# ---------------------------------------------------------------- budget_copies_actual


def test_budget_column_copying_actual_column():
    same = {"三公经费": [33.21, 43.41, 43.41], "公车购置": [17.99, 24.99, 24.99], "公务接待": [2.76, 1.12, 1.12],
            "出国经费": [0, 0, 0]}
    f = only(problems(make(basic_data=basic(COLS, same)), "basic_data.budget_copies_actual"))
    assert f.severity == "warning" and "2024年预算数" in f.message
    differ = dict(same, 三公经费=[33.21, 49, 43.41])
    assert run(make(basic_data=basic(COLS, differ)), "basic_data.budget_copies_actual") == []


# ---------------------------------------------------------------- seeds


def _basic_problems(seed, fmt):
    return [(f.rule, f.severity) for f in reconcile(extracted(f"{seed}.{fmt}")) if f.rule.startswith("basic_data.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_003_budget_column_copies_actual(fmt):
    assert _basic_problems(SEEDS[3], fmt) == [("basic_data.budget_copies_actual", "warning")]
    fs = reconcile(extracted(f"{SEEDS[3]}.{fmt}"), all_verdicts=True)
    # 三公 5.93+1.12+36.36 = 43.41 and 24.99+11.37 = 36.36 hold in every column
    assert [f.verdict for f in fs if f.rule == "basic_data.sanggong_parts"] == ["supported"] * 6
    assert [f.verdict for f in fs if f.rule == "basic_data.staffing_rate"] == ["supported"]


@pytest.mark.parametrize("seed", [SEEDS[0], SEEDS[1], SEEDS[2], SEEDS[4]])
@pytest.mark.parametrize("fmt", FORMATS)
def test_basic_data_clean_elsewhere(seed, fmt):
    assert _basic_problems(seed, fmt) == []


# ---------------------------------------------------------------- all seeds: the full set, across formats

EXPECTED = {
    # the goal's 工业技改投资增长率 12% (and its result 58%) are the form's 技改投资占工业投资比重: a share
    SEEDS[0]: [("funds.over_budget", "warning"), ("scores.deduction_unexplained", "warning")],
    SEEDS[1]: [("funds.sources_sum", "error"), ("funds.types_sum", "error"), ("funds.execution_rate", "error"),
               ("funds.rate_score", "info"), ("scores.deduction_unexplained", "warning"),
               ("scores.actual_not_measured", "warning"), ("scores.actual_not_measured", "warning")],
    # the text's own arithmetic (tests/gold/README.md, seed 002): the second 其中 list of 基本支出 adds to the
    # total spending, the 项目支出 list is 0.01 short, four shares are of the total spending, and `46.%`
    SEEDS[2]: [("scores.deduction_unexplained", "warning"), ("scores.deduction_unexplained", "warning"),
               ("relations.parts_sum", "error"), ("relations.parts_sum", "warning")]
              + [("relations.share_base", "error")] * 4 + [("figures.malformed", "warning")],
    SEEDS[3]: [("basic_data.budget_copies_actual", "warning")],
    SEEDS[4]: [("scores.actual_not_measured", "warning")] * 3,
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_seed_reports_exactly_its_known_problems(seed, fmt):
    """Each error/warning is one of the real inconsistencies of tests/gold/README.md; nothing else."""
    got = [(f.rule, f.severity) for f in reconcile(extracted(f"{seed}.{fmt}"))]
    assert got == EXPECTED[seed]


@pytest.mark.parametrize("seed", SEEDS)
def test_same_findings_in_every_format(seed):
    def sig(fmt):
        return [(f.rule, f.severity, f.verdict, f.expected, f.found, f.message)
                for f in reconcile(extracted(f"{seed}.{fmt}"), all_verdicts=True)]

    txt = sig("txt")
    assert txt == sig("docx") == sig("pdf")


@pytest.mark.parametrize("seed", SEEDS)
def test_every_finding_carries_evidence_with_a_place(seed):
    for f in reconcile(extracted(f"{seed}.pdf"), all_verdicts=True):
        assert f.evidence, f
        assert f.message and f.id.startswith("f")
        if f.verdict == "contradicted":
            # a form cell, or a figure of the text: its block, offsets and page
            assert any(e.at.table and e.at.row is not None or e.at.block and e.at.start is not None and e.at.page for e in f.evidence), f
            assert f.expected is not None and f.found is not None
