"""Spans -> claims: pairing metrics with figures, kind, measure, direction, period, provenance."""

from extractor.claims import build_claims
from extractor.tagger.spans import Span

from conftest import extracted


def spans(text, *items):
    """Spans from (substring, label) pairs, each the first occurrence after the previous one."""
    out, pos = [], 0
    for sub, label in items:
        start = text.index(sub, pos)
        out.append(Span(start=start, end=start + len(sub), label=label))
        pos = start + len(sub)
    return out


def rows(claims):
    return [(c.metric, c.kind, c.value.text, c.measure) for c in claims]


def test_list_with_fenbie_aligns_by_order_and_shares_the_unit():
    text = "工业投资、技改投资分别增长19.8%、28.3%，分别高于全省平均水平5.5 、10.8个百分点，均排名全省第3。"
    got = build_claims(text, spans(text, ("工业投资", "METRIC"), ("技改投资", "METRIC"), ("19.8%", "VALUE"),
                                   ("28.3%", "VALUE"), ("5.5", "VALUE"), ("10.8个百分点", "VALUE")))
    assert rows(got) == [
        ("工业投资", "actual", "19.8%", "growth"),
        ("技改投资", "actual", "28.3%", "growth"),
        ("工业投资", "actual", "5.5", "difference"),
        ("技改投资", "actual", "10.8个百分点", "difference"),
    ]
    assert got[2].value.unit == "个百分点"


def test_one_metric_carries_several_figures_across_clauses():
    text = "全年预计完成工业投资198亿元，同比增长11%；预计完成工业技改投资138亿元，同比增长10%。"
    got = build_claims(text, spans(text, ("工业投资", "METRIC"), ("198亿元", "VALUE"), ("11%", "VALUE"),
                                   ("工业技改投资", "METRIC"), ("138亿元", "VALUE"), ("10%", "VALUE")))
    assert [(m, v, meas) for m, _, v, meas in rows(got)] == [
        ("工业投资", "198亿元", "amount"), ("工业投资", "11%", "growth"),
        ("工业技改投资", "138亿元", "amount"), ("工业技改投资", "10%", "growth"),
    ]


def test_target_label_direction_and_period():
    text = "2024年1-12月，三公经费较年初预算减少5.59万元，目标控制在44万元以内。"
    got = build_claims(text, spans(text, ("三公经费", "METRIC"), ("5.59万元", "VALUE"), ("44万元以内", "TARGET")))
    assert got[0].direction == -1 and got[0].period == "2024年1-12月"
    assert (got[1].metric, got[1].kind, got[1].value.comparator) == ("三公经费", "target", "<=")


def test_metric_after_the_figure_and_no_metric_at_all():
    text = "招收3284名在校生。占18.3%。"
    got = build_claims(text, spans(text, ("3284名", "VALUE"), ("在校生", "METRIC"), ("18.3%", "VALUE")))
    assert rows(got) == [("在校生", "actual", "3284名", "count"), (None, "actual", "18.3%", "share")]


def test_claims_of_a_real_report_point_back_to_their_text():
    result = extracted("003_6aed364f55934feb.txt", tagger="rules")
    assert len(result.claims) > 100
    blocks = {}
    from extractor.ingest import load

    doc = load("tests/fixtures/003_6aed364f55934feb.txt")
    blocks = {b.id: b.text for b in doc.blocks}
    cells = {(c.at.table, c.row, c.col): c.text for t in doc.tables for c in t.cells}
    for c in result.claims:
        source = blocks[c.at.block] if c.at.block else cells[(c.at.table, c.at.row, c.at.col)]
        assert source[c.at.start : c.at.end] == c.value.text
    goal = [c for c in result.claims if c.at.table and c.value.text == "7.7%"]
    assert goal and goal[0].metric == "规模工业增加值" and goal[0].kind == "actual"


def test_goal_column_makes_claims_targets():
    result = extracted("002_418cb45b50d16ad8.txt", tagger="rules")
    goal = [c for c in result.claims if c.value.text == "8%左右" and c.at.table]
    assert goal and all(c.kind == "target" for c in goal)
