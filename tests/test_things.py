"""Which thing a text figure counts, and when two figures count one thing (extractor.reconcile.things)."""

import pytest

from extractor.document import At
from extractor.quantity import parse_quantity
from extractor.reconcile.things import same_thing, slip, states_result, thing
from extractor.schema import Fact


def _fact(before, figure, after="", role=None):
    return Fact(id="x1", source="text", value=parse_quantity(figure), before=before, after=after, role=role,
                measure="count", at=At(block="b1", start=len(before), end=len(before) + len(figure)))


def _same(a, b):
    fa, fb = _fact(*a), _fact(*b)
    return same_thing(fa, thing(fa), fb, thing(fb))


@pytest.mark.parametrize("a, b, shared", [
    (("2024年完成地质灾害隐患点工程治理", "17处"), ("2024年治理隐患点", "19处"), "隐患点"),
    (("全区", "26个", "社区养老服务站通过年度考核"), ("运营补助覆盖", "28个", "社区养老服务站"), "社区养老服务站"),
    (("项目已完工新建集中供水工程", "13处"), ("新建的", "15处", "集中供水工程和35处改造工程"), "集中供水工程"),
    (("全年完成营造林任务", "3.62万亩"), ("重点任务完成较好：完成营造林", "3.26万亩"), "营造林"),
])
def test_one_thing_in_other_words(a, b, shared):
    assert _same(a, b) == shared


@pytest.mark.parametrize("a, b", [
    (("全县在册地质灾害隐患点", "143处"), ("全年完成地质灾害隐患点工程治理", "17处")),  # a stock and the year's work
    (("新建集中供水工程", "13处"), ("改造提升小型供水工程", "35处")),  # two kinds of works
    (("全县", "1,286.4公里", "农村公路全部纳入养护"), ("全县农村公路优良中等路里程", "1,011.1公里")),  # the head is 里程
    (("在“春季推介会”上签约项目", "30个"), ("在“秋季推介会”上签约项目", "25个")),  # two events
    (("完成造林", "12处"), ("完成人工造林", "19处")),  # three characters shared, and no slip between 12 and 19
])
def test_two_things_that_look_alike(a, b):
    assert _same(a, b) is None


def test_a_slip_is_one_digit_or_two_neighbours_swapped():
    assert slip(_fact("", "3.62万亩"), _fact("", "3.26万亩"))
    assert slip(_fact("", "83.4%"), _fact("", "84.3%"))
    assert slip(_fact("", "17处"), _fact("", "19处"))
    assert not slip(_fact("", "1,862人次"), _fact("", "1,268人次"))
    assert not slip(_fact("", "45公里"), _fact("", "46.8公里"))


@pytest.mark.parametrize("before, role, result", [
    ("全年巡河", None, True),
    ("计划新建集中供水工程", None, False),
    ("年初设定的主要目标为：完成路面病害处治", None, False),
    ("新建和改造灌排渠道", "goal", False),
    ("局机关共有编制人数35人，实有在职人数", None, False),
    ("其中城关镇社区养老服务站", None, False),
    ("较上年增加", None, False),
    ("全年累计完成投资", None, True),
    ("截至年底累计完成投资", None, False),
])
def test_what_states_the_years_result(before, role, result):
    assert states_result(_fact(before, "12个", role=role)) is result


def test_a_comparison_figure_is_compared_and_a_list_item_is_not():
    from extractor.reconcile.things import compared
    assert compared(_fact("全县联网直报单位达到412家，较上年的", "375家"))
    assert compared(_fact("比上年增加", "37家"))
    assert not compared(_fact("其中一般公共预算财政拨款收入", "7048.24万元"))
