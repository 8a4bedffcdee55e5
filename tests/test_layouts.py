"""The form families' layout documents (tests/layouts): every field against the hand-made gold in
every format, the family named, and no finding that a layout difference causes."""

from functools import lru_cache
from pathlib import Path

import pytest

from eval.gold import compare, flatten_extraction, load_gold
from extractor.pipeline import extract

LAYOUTS = Path(__file__).parent / "layouts"
DOCS = sorted(p.name.removesuffix(".gold.json") for p in LAYOUTS.glob("*.gold.json"))
FORMATS = ("html", "docx", "pdf")
# rules on the forms' own figures: a layout misread shows up here first (a total "should be 90",
# a level made of blank cells, sources counted twice)
FORM_RULES = ("funds.", "scores.")


@lru_cache(maxsize=None)
def _extract(path: Path, tagger: str):
    return extract(path, tagger=tagger)


def test_every_family_has_a_document():
    families = {load_gold(LAYOUTS / f"{d}.gold.json")["forms"][0]["family"] for d in DOCS}
    assert len(families) >= 9, families


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("doc", DOCS)
def test_fields_match_the_gold(doc, fmt):
    gold = load_gold(LAYOUTS / f"{doc}.gold.json")
    matched, total, diffs = compare(gold, flatten_extraction(_extract(LAYOUTS / f"{doc}.{fmt}", "none")))
    assert not diffs, diffs[:10]
    assert matched == total


@pytest.mark.parametrize("doc", DOCS)
def test_only_the_planted_inconsistencies_are_reported(doc):
    """Each gold lists the rules its planted inconsistencies should trigger (tests/layouts/README.md)."""
    import json

    planted = set(json.loads((LAYOUTS / f"{doc}.gold.json").read_text(encoding="utf-8"))["planted_rules"])
    ex = _extract(LAYOUTS / f"{doc}.docx", "rules")
    reported = {f.rule for f in ex.findings if f.severity in ("error", "warning")}
    assert {r for r in reported if r.startswith(FORM_RULES)} == {r for r in planted if r.startswith(FORM_RULES)}, \
        [f.message for f in ex.findings]
    assert {r for r in planted if r.startswith("narrative.")} <= reported
    # a clean document raises nothing: no error or warning of a rule the gold does not plant, narrative rules included
    assert reported <= planted, [f.message for f in ex.findings if f.rule not in planted and f.severity in ("error", "warning")]


def test_several_forms_in_one_file_are_checked_form_by_form():
    ex = _extract(LAYOUTS / "sichuan-dept-project-a.docx", "rules")
    assert len(ex.forms) == 3 and len({f.project for f in ex.forms}) == 3
    assert [len([i for i in ex.indicators if i.form_index == k]) for k in range(3)] == [13, 12, 12]
    # the second form's own rate is wrong; its finding names that form's project
    rate = [f for f in ex.findings if f.rule == "funds.execution_rate"]
    assert len(rate) == 1 and ex.forms[1].project in rate[0].message
    assert ex.forms[1].funds.execution_rate.text != ex.forms[0].funds.execution_rate.text


def test_the_scanned_form_is_read_by_its_columns():
    """OCR drops or misreads lone comparators; everything else of the split-target form is read."""
    gold = load_gold(LAYOUTS / "sichuan-dept-project-a.gold.json")
    ex = _extract(LAYOUTS / "sichuan-dept-project-a.scan.pdf", "none")
    matched, total, _ = compare(gold, flatten_extraction(ex))
    assert ex.source.ocr
    assert [f.family for f in ex.forms] == ["sichuan-dept-project"] * 3
    assert matched / total >= 0.95


def test_forms_say_which_column_was_read_as_what():
    ex = _extract(LAYOUTS / "yunnan-project-a.html", "none")
    (form,) = ex.forms
    assert form.family == "yunnan-project"
    assert list(form.columns) == ["level1", "level2", "name", "comparator", "target", "unit", "actual", "weight", "score", "note"]
    assert "指标性质" in form.header
    assert form.funds == ex.funds and form.totals == ex.totals


def test_every_family_is_listed_in_the_docs():
    from extractor.forms.families import FAMILIES

    readme = (Path(__file__).parent.parent / "docs" / "formats.md").read_text(encoding="utf-8")
    missing = [f for f in FAMILIES if f"`{f}`" not in readme]
    assert not missing, missing


def test_a_header_over_part_of_a_cells_columns_gives_it_no_role():
    """sichuan-dept-project-a: the 项目实施内容 row spans the 项目年度目标 and 年度目标完成情况 columns; its text is read as a result."""
    from extractor.ingest import load
    from extractor.narrative import narrative_texts

    units = narrative_texts(load(LAYOUTS / "sichuan-dept-project-a.docx"), [])
    assert {role for text, _, role in units if "系统调查26次" in text} == {"result"}  # from 1.项目年度目标完成情况 over the whole row
    assert {role for text, _, role in units if text.startswith("扶持8家")} == {"goal"}
