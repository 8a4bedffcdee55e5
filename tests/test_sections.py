from conftest import FIXTURES
from extractor.ingest import load
from extractor.sections import heading_of


def test_heading_levels():
    assert heading_of("二、一般公共预算支出情况") == (1, "二", "一般公共预算支出情况")
    assert heading_of("（一）基本支出情况") == (2, "一", "基本支出情况")
    assert heading_of("1.产业立市高位推进")[0] == 3
    assert heading_of("（1） 职能职责")[0] == 4
    assert heading_of("附件1")[0] == 0
    assert heading_of("2024年度部门整体支出绩效自评表")[0] == 0


def test_long_numbered_sentence_is_not_a_heading():
    assert heading_of("1.产业立市高位推进。省市领导高度重视产业发展，2024年以来，省委省政府有关领导来益调研制造业企业超过5次") is None
    assert heading_of("1、负责全市工业经济的日常运行调节，编制并组织实施近期工业经济运行调控目标") is None


def test_sections_of_a_full_report_are_ordered_and_nested():
    doc = load(FIXTURES / "003_6aed364f55934feb.txt")
    titles = [(s.level, s.title) for s in doc.sections]
    assert (1, "一般公共预算支出情况") in titles
    assert (2, "“三公”经费情况") in titles
    i = titles.index((1, "一般公共预算支出情况"))
    assert titles.index((2, "“三公”经费情况")) > i
    para = next(b for b in doc.blocks if b.text.startswith("“三公”经费全年决算支出43.41万元"))
    section = next(s for s in doc.sections if s.id == para.section)
    assert section.title == "“三公”经费情况"
