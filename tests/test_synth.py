"""The generated training text (training.synth): valid, deterministic, balanced, never a copy of eval text."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from extractor.quantity import find_quantities
from extractor.tagger.corpus import read_jsonl, read_split, validate
from training.synth import _R, check, generate, main, t_negative

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "annotations"


@pytest.fixture(scope="module")
def sample():
    return generate(1500, seed=13)


def test_sample_is_valid(sample):
    assert len(sample) == 1500
    bad = []
    for ex in sample:
        problems = validate(ex)
        if problems:
            bad.append((ex.id, ex.text, problems))
    assert bad == []
    assert len({ex.id for ex in sample}) == len(sample)
    assert len({ex.text for ex in sample}) == len(sample)


def test_figures_agree_with_the_parser(sample):
    """Every VALUE/TARGET span is exactly a figure find_quantities finds; no METRIC holds one."""
    for ex in sample[:600]:
        figs = {(s, e) for s, e, _ in find_quantities(ex.text)}
        for ent in ex.entities:
            if ent.label in ("VALUE", "TARGET"):
                assert (ent.start, ent.end) in figs, (ex.text, ex.text[ent.start : ent.end])
            else:
                assert not any(ent.start <= s < ent.end for s, _ in figs), (ex.text, ex.text[ent.start : ent.end])


def test_check_reports_problems(sample):
    ex = sample[0].model_copy(deep=True)
    assert check(ex) == [] or all("not annotated" in p for p in check(ex))
    value = next(e for e in ex.entities if e.label in ("VALUE", "TARGET")) if any(
        e.label in ("VALUE", "TARGET") for e in ex.entities
    ) else None
    if value is not None:
        value.end -= 1  # cut the unit off: no longer the parser's span
        assert any("find_quantities" in p for p in check(ex))


def test_deterministic_per_seed():
    a = generate(300, seed=7)
    b = generate(300, seed=7)
    c = generate(300, seed=8)
    assert [x.model_dump() for x in a] == [x.model_dump() for x in b]
    assert [x.text for x in a] != [x.text for x in c]
    # a longer run starts with the shorter one
    assert [x.text for x in generate(320, seed=7)][:300] == [x.text for x in a]


def test_cli_writes_the_same_file_twice(tmp_path):
    out1, out2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["--n", "200", "--seed", "13", "-o", str(out1)]) == 0
    assert main(["--n", "200", "--seed", "13", "-o", str(out2)]) == 0
    assert out1.read_bytes() == out2.read_bytes()
    examples = read_jsonl(out1)
    assert len(examples) == 200 and all(validate(ex) == [] for ex in examples)


def test_label_balance(sample):
    counts = Counter(e.label for ex in sample for e in ex.entities)
    total = sum(counts.values())
    share = {k: v / total for k, v in counts.items()}
    assert 0.30 <= share["METRIC"] <= 0.55, share
    assert 0.25 <= share["VALUE"] <= 0.50, share
    assert 0.12 <= share["TARGET"] <= 0.30, share
    no_entities = sum(1 for ex in sample if not ex.entities)
    assert 0.01 <= no_entities / len(sample) <= 0.08  # negatives, but not too many


def test_no_copy_of_dev_test_or_ood_text(sample):
    protected = set()
    for name, split in read_split(ANNOTATIONS / "README.md").items():
        if split in ("dev", "test"):
            protected |= {ex.text.strip() for ex in read_jsonl(ANNOTATIONS / name)}
    for path in ANNOTATIONS.glob("ood*.jsonl"):
        protected |= {ex.text.strip() for ex in read_jsonl(path)}
    assert protected
    big = generate(5000, seed=13)
    assert not [ex.text for ex in big if ex.text.strip() in protected]
    assert not [ex.text for ex in sample if ex.text.strip() in protected]


def test_coverage_of_constructions(sample):
    texts = [ex.text for ex in sample]
    joined = "\n".join(texts)
    sources = Counter(ex.source.split("template=")[1].split()[0] for ex in sample)
    for template in (
        "growth", "level", "light_count", "count_list", "count_before_noun", "share", "fenbie",
        "fenbie_goal", "target", "indicator_row", "fund_row", "budget_narrative", "staff",
        "forecast", "pool", "mixed_negative", "negative", "list_verbs", "indicator_table",
        "project_portfolio", "plan_progress", "final_accounts", "goal_list", "budget_plan",
    ):
        assert sources[template] > 0, template
    for needle in ("分别", "同比增长", "个百分点", "年度指标值", "实际完成值", "控制在", "以内", "不低于",
                   "左右", "以上", "余", "力争", "确保", "预算数", "决算数", "下达", "计划投资", "占",
                   "比重", "％", "≥", "≤", "排名全省第", "连续", "PM2.5", "5G"):
        assert needle in joined, needle
    assert re.search(r"\d-\d+%", joined)  # ranges
    assert re.search(r"\d,\d{3}", joined)  # thousands separators
    assert re.search(r"[十两三五]百?千?余?[个次家人场]", joined)  # Chinese numerals
    assert re.search(r"\d \S", joined)  # PDF spaces inside a figure
    # document numbers are one negative of eighteen: drawn directly, not left to the sample's luck
    negatives = "\n".join(t_negative(_R(seed))[0].text for seed in range(200))
    assert re.search(r"〔20\d\d〕\d+号", negatives)


def test_domains_beyond_industry(sample):
    domains = Counter(ex.source.split("domain=")[1] for ex in sample)
    for d in ("industry", "education", "health", "agriculture", "transport", "water", "environment",
              "civil_affairs", "culture_tourism", "public_security", "housing", "finance"):
        assert domains[d] > 0, (d, domains)
    assert domains["industry"] < 0.5 * len(sample)


def test_spans_follow_the_guidelines_on_known_shapes(sample):
    """Spot checks of span placement: change words, status words and light verbs stay out."""
    for ex in sample:
        for ent in ex.entities:
            span = ex.text[ent.start : ent.end]
            if ent.label == "METRIC":
                assert not span.startswith(("全市", "全县", "我市", "2024年", "全年", "完成", "实现", "新建")), (ex.text, span)
                assert not span.endswith(("增长", "同比", "增速", "增长率", "总数", "合计", "预算数", "决算数")), (ex.text, span)
                # D29: a count noun written after the name is part of it
                assert not re.match(r"人次|场次|批次|家数|个数|起数", ex.text[ent.end:]), (ex.text, span)
                assert span not in ("预算数", "执行数", "决算数", "年初预算", "任务数", "完成值")
            else:
                assert not span.startswith(("不低于", "不少于", "控制在", "达到", "约")), (ex.text, span)
                assert re.search(r"[0-9０-９一二两三四五六七八九十百千]", span), (ex.text, span)


def test_indicator_tables_take_goal_and_result_from_column_order(sample):
    """Flattened table rows: the goal cell is a TARGET, the next cell the result VALUE, scores unmarked."""
    tables = [ex for ex in sample if "template=indicator_table" in ex.source]
    assert len(tables) > 30
    bare_results = 0
    for ex in tables:
        marked = {(e.start, e.end) for e in ex.entities}
        labels = [e.label for e in sorted(ex.entities, key=lambda e: e.start)]
        # every row reads METRIC, TARGET, VALUE in that order
        assert labels == ["METRIC", "TARGET", "VALUE"] * (len(labels) // 3), (ex.text, labels)
        for e in ex.entities:
            if e.label == "VALUE":
                bare_results += bool(re.fullmatch(r"[0-9.,]+", ex.text[e.start : e.end]))
        # the figures after the result (分值, 得分) are found by the parser but carry no span
        unmarked = [(s, e) for s, e, _ in find_quantities(ex.text) if (s, e) not in marked]
        assert len(unmarked) >= len(labels) // 3, ex.text
    assert bare_results > 10  # `≥3 4`: a result with no unit of its own


def _figures(ex):
    """(text before the figure, figure, label) of every VALUE/TARGET, in order."""
    ents = sorted((e for e in ex.entities if e.label != "METRIC"), key=lambda e: e.start)
    return [(ex.text[: e.start], ex.text[e.start : e.end], e.label) for e in ents]


def test_status_follows_the_sentence_not_the_figure(sample):
    """Where the figure's own words do not tell VALUE from TARGET, the sentence does (DECISIONS T1-T8)."""
    by = {}
    for ex in sample:
        by.setdefault(ex.source.split("template=")[1].split()[0], []).append(ex)
    for ex in by["goal_list"]:
        # after a goal heading every item is a goal, cue word or not
        assert {lab for _, _, lab in _figures(ex)} == {"TARGET"}, ex.text
    for ex in by["project_portfolio"]:
        for before, fig, lab in _figures(ex):
            if before.endswith(("总投资", "年度计划投资", "当年计划投资")):
                assert lab == "TARGET", (ex.text, fig)
            if before.endswith("完成投资") and not before.endswith("计划完成投资"):
                assert lab == "VALUE", (ex.text, fig)
        first = _figures(ex)[0]
        planned = re.search("计划|安排|批复", first[0])
        assert first[2] == ("TARGET" if planned else "VALUE"), (ex.text, first)
    for ex in by["final_accounts"]:
        for before, fig, lab in _figures(ex):
            if re.search("(预算|上年)(增加|减少)$", before):
                assert lab == "VALUE", (ex.text, fig)  # a difference
            elif re.search("决算|实际支出", ex.text):
                assert lab == "VALUE", (ex.text, fig)  # the outturn, 安排 or not
    for ex in by["plan_progress"]:
        for before, fig, lab in _figures(ex):
            if re.search("(年计划|年度计划|年度目标)$", before):
                assert lab == "TARGET", (ex.text, fig)
            if before.endswith("的"):
                assert lab == "VALUE", (ex.text, fig)
    for ex in by["budget_plan"]:
        for before, fig, lab in _figures(ex):
            assert lab == ("VALUE" if before.endswith(("增加", "减少")) else "TARGET"), (ex.text, fig)
