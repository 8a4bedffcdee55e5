"""Tests for extractor.quantity: figure formats of the five seed reports, spans
in seed sentences, and properties over generated input."""

from __future__ import annotations

import ast
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.quantity import UNITS, Quantity, find_quantities, parse_number, parse_quantity

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------
# 1. Every figure format of the seeds, read as one cell
# ---------------------------------------------------------------------------

N = None
# (cell text as in the seed, value, unit, comparator, low, high)
SEED_CELLS = [
    # 000 岳阳 2022 (flattened PDF text: spaces and line breaks inside cells)
    ("1787.82", 1787.82, N, N, N, N),
    ("100%", 100, "%", N, N, N),
    ("150 家", 150, "家", N, N, N),
    ("180 家", 180, "家", N, N, N),
    ("100 户", 100, "户", N, N, N),
    ("161 户", 161, "户", N, N, N),
    ("2 次", 2, "次", N, N, N),
    ("7.5%", 7.5, "%", N, N, N),
    ("8.3%", 8.3, "%", N, N, N),
    ("10-15%", N, "%", N, 10, 15),
    ("24.7%", 24.7, "%", N, N, N),
    ("4.25 亿元", 4.25, "亿元", N, N, N),
    ("12.69 亿元", 12.69, "亿元", N, N, N),
    ("0.37 亿元", 0.37, "亿元", N, N, N),
    ("81 项", 81, "项", N, N, N),
    ("(50 分)", 50, "分", N, N, N),
    ("（30\n分）", 30, "分", N, N, N),
    ("占 2 年度计划的 119.38%", 119.38, "%", N, N, N),
    ("三公经费支出总额压减 10%", 10, "%", N, N, N),
    ("1、新增规模工业企业\n\n达到 150 家", 150, "家", ">=", N, N),
    ("完成 20\n家沿江\n\n化工企\n\n业“一\n\n企一\n\n策”方\n\n案", 20, "家", N, N, N),
    ("完成20家沿江化工企业“一企一策”方案", 20, "家", N, N, N),
    ("三年", N, N, N, N, N),  # a duration, never a figure
    ("2022 年\n\n全年", N, N, N, N, N),
    ("预算范\n\n围内", N, N, N, N, N),
    ("完成", N, N, N, N, N),
    ("进一步\n\n提升", N, N, N, N, N),
    # 001 汨罗 2022
    ("56", 56, N, N, N, N),
    ("1786.77 ", 1786.77, N, N, N, N),
    ("752.00", 752, N, N, N, N),
    ("其中：一般公共预算：1034.76", 1034.76, N, N, N, N),
    ("10%", 10, "%", N, N, N),
    ("项目资金完成2500万元", 2500, "万元", N, N, N),
    ("2500", 2500, N, N, N, N),
    ("实现工业总产值 1160亿", 1160, "亿", N, N, N),
    ("1、实现工业总产值1160亿；", 1160, "亿", N, N, N),
    ("3、争取项目资金2500万；", 2500, "万", N, N, N),
    ("8亿", 8, "亿", N, N, N),
    ("20%以上", 20, "%", ">=", N, N),
    ("5万吨标煤", 5, "万吨标煤", N, N, N),
    ("＞90%", 90, "%", ">", N, N),
    ("＜=1717.56", 1717.56, N, "<=", N, N),
    ("按要求", N, N, N, N, N),
    ("监管相对人满意", N, N, N, N, N),
    ("及时解决企业反映的各类问题300余个", 300, "个", ">", N, N),
    ("争取专项资金十余万元", 10, "万元", ">", N, N),
    ("全年预计5G基站总数将达460座", 460, "座", N, N, N),
    ("总计处理65起偷电行为", 65, "起", N, N, N),
    ("发现消防安全隐患53例", 53, "例", N, N, N),
    ("净增12家以上", 12, "家", ">=", N, N),
    ("约占岳阳市同期规模工业总产值的16%", 16, "%", N, N, N),  # 约 is not next to the number
    ("149名干部", 149, "名", N, N, N),
    ("联系电话：8721315", N, N, N, N, N),
    # 002 岳阳 2021
    ("任务1：规模工业增加值增长8%左右。", 8, "%", "~", N, N),
    ("8%左右", 8, "%", "~", N, N),
    ("6584.45亿元", 6584.45, "亿元", N, N, N),
    ("腾退土地1007余亩", 1007, "亩", ">", N, N),
    ("利用闲置厂房62万平方米", 62, "万平方米", N, N, N),
    ("培训200余人次", 200, "人次", ">", N, N),
    ("撰写学习心得30余篇", 30, "篇", ">", N, N),
    ("实地察看企业112家次", 112, "家次", N, N, N),
    ("签约资金131.75亿", 131.75, "亿", N, N, N),
    ("累计召开产业链专题调度会近40次", 40, "次", "~", N, N),
    ("实现了37家以上中小企业发明专利零的突破", 37, "家", ">=", N, N),
    ("石化、食品产业规模工业总产值均突破1500亿元", 1500, "亿元", ">", N, N),
    ("明确一至两名市级领导", N, "名", N, 1, 2),
    ("对企业补助3326.76万元，占基本支出的46.%", N, N, N, N, N),  # two figures
    ("46.%", 46, "%", N, N, N),
    ("公务用车购置费0元", 0, "元", N, N, N),
    ("参与竞标单位不少于三家", 3, "家", ">=", N, N),
    ("≦100%", 100, "%", "<=", N, N),
    ("“三公经费”变动率≦0", 0, N, "<=", N, N),
    ("“三公经费”＞0", 0, N, ">", N, N),
    ("80%（含）-90%", N, "%", N, 80, 90),
    ("0-10%（含）", N, "%", N, 0, 10),
    ("大于30%", 30, "%", ">", N, N),
    ("低于60%不得分", 60, "%", "<", N, N),
    ("公务卡刷卡率达50％以上的", 50, "%", ">=", N, N),
    ("95%（含）以上", 95, "%", ">=", N, N),
    ("一个百分点", 1, "个百分点", N, N, N),
    ("（700分）", 700, "分", N, N, N),
    ("（岳发〔2015〕11号）", N, N, N, N, N),
    ("150万吨/年乙烯炼化一体化项目", 150, "万吨", N, N, N),
    ("98", 98, N, N, N, N),
    ("5.5 、10.8个百分点", N, N, N, N, N),  # two figures: compound
    ("工业投资、技改投资分别增长19.8%、28.3%", N, N, N, N, N),
    # 003 益阳 2024
    ("57\u3000", 57, N, N, N, N),
    ("100%\u3000", 100, "%", N, N, N),
    ("——", N, N, N, N, N),
    ("≥7%", 7, "%", ">=", N, N),
    ("100家", 100, "家", N, N, N),
    ("114家", 114, "家", N, N, N),
    ("高于全省平均增速", N, N, ">", N, N),
    ("15.7%（排名全省第5位）", 15.7, "%", N, N, N),
    ("1.8%（排名全省第6位）", 1.8, "%", N, N, N),
    ("合规", N, N, N, N, N),
    ("按年度计划完成", N, N, N, N, N),
    ("工业对全市经济增长贡献率50.2%", 50.2, "%", N, N, N),
    ("≥90%", 90, "%", ">=", N, N),
    ("96%", 96, "%", N, N, N),
    ("≤44万元", 44, "万元", "<=", N, N),
    ("43.41万元", 43.41, "万元", N, N, N),
    ("≤302万元", 302, "万元", "<=", N, N),
    ("推送惠企政策信息52000多次", 52000, "次", ">", N, N),
    ("整治线缆685千米", 685, "千米", N, N, N),
    ("为企业节约办电成本1.08亿元", 1.08, "亿元", N, N, N),
    ("深入120多家企业调研", 120, "家", ">", N, N),
    ("协调解决问题超130个", 130, "个", ">", N, N),
    ("预计全年产值1亿元以上", 1, "亿元", ">=", N, N),
    ("市委市政府主要领导等10位市领导", 10, "位", N, N, N),
    ("较预算减少8.88元", 8.88, "元", N, N, N),
    ("公务车保有量为4台", 4, "台", N, N, N),
    ("2024年1-12月，全市规模工业增加值同比增长7.7%", 7.7, "%", N, N, N),
    ("自评综合得分为100分", 100, "分", N, N, N),
    ("新建5G基站956个", 956, "个", N, N, N),
    ("黑茶制造被认定为国家级中小企业特色产业集群（全市累计2个", 2, "个", N, N, N),
    # 004 益阳 2020
    ("≥全省平均水平", N, N, ">=", N, N),
    ("≥去年同期水平", N, N, ">=", N, N),
    ("≤100%", 100, "%", "<=", N, N),
    ("96.8%", 96.8, "%", N, N, N),
    ("<100%", 100, "%", "<", N, N),
    ("44%", 44, "%", N, N, N),
    ("90.40", 90.4, N, N, N, N),
    ("显著", N, N, N, N, N),
    ("指标1：规模工业增加值增速", N, N, N, N, N),
    ("指标5：5G基站建设", N, N, N, N, N),
]


@pytest.mark.parametrize(("text", "value", "unit", "comparator", "low", "high"), SEED_CELLS)
def test_seed_cell_formats(text, value, unit, comparator, low, high):
    q = parse_quantity(text)
    assert q.text == text.strip()
    assert q.value == (pytest.approx(value) if value is not None else None)
    assert q.unit == unit
    assert q.comparator == comparator
    assert q.low == (pytest.approx(low) if low is not None else None)
    assert q.high == (pytest.approx(high) if high is not None else None)


def test_seed_table_has_at_least_60_cases():
    assert len(SEED_CELLS) >= 60


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator"),
    [
        ("十五", 15, N, N),
        ("约两千", 2000, N, "~"),
        ("百分之十五点七", 15.7, "%", N),
        ("千分之五", 5, "‰", N),
        ("三千五百万元", 3500, "万元", N),  # the trailing scale is part of the unit
        ("一亿两千万元", 120000000, "元", N),  # a scale inside the numeral stays there
        ("1,234.56万元", 1234.56, "万元", N),
        ("1，234家", 1234, "家", N),
        ("１２３", 123, N, N),
        ("-3.2%", -3.2, "%", N),
        ("不低于90%", 90, "%", ">="),
        ("不超过5%", 5, "%", "<="),
        ("控制在5%以内", 5, "%", "<="),
        ("控制在90%以上", 90, "%", ">="),  # the span's own word wins
        ("至少3次", 3, "次", ">="),
        ("多于3次", 3, "次", ">"),
        ("少于3次", 3, "次", "<"),
        ("接近3万人", 3, "万人", "~"),
        ("节约5万元", 5, "万元", N),  # 节约 is not 约
        ("签约45个项目", 45, "个", N),
        ("≈5%", 5, "%", "~"),
        ("＞=5", 5, N, ">="),
        ("≧90%", 90, "%", ">="),
        ("2500 万元", 2500, "万元", N),
        ("200 项目支出", 200, N, N),  # 项 starts 项目 here, not a unit
        ("5万余元", 5, "万元", ">"),
        ("1万多人", 1, "万人", ">"),
        ("约1，234", 1234, N, "~"),
        ("≥1，234.5万元", 1234.5, "万元", ">="),
        ("得分为98，100分为满分", N, N, N),  # ， is the clause comma here: two figures
        ("近年来持续提升", N, N, N),
        ("控制在预算内", N, N, "<="),
        ("", N, N, N),
        ("\x00\x01\x7f", N, N, N),
        ("八项规定", N, N, N),
    ],
)
def test_more_formats(text, value, unit, comparator):
    q = parse_quantity(text)
    assert q.value == (pytest.approx(value) if value is not None else None)
    assert q.unit == unit
    assert q.comparator == comparator


@pytest.mark.parametrize(
    "text",
    ["5G", "PM2.5", "0603-226", "〔2015〕11号", "“12+1”", "12+1", "“1650”产业体系", "1-12月",
     "6月30日", "第3", "排名全省第5位", "前移7位", "连续7个月", "2024年度", "（一）", "1、", "两位数",
     "一企一策", "一次性"],
)
def test_not_figures(text):
    q = parse_quantity(text)
    assert q.value is None and q.low is None and q.unit is None
    assert find_quantities(text) == []


def test_parse_quantity_never_raises_on_odd_input():
    for text in [None, "x" * 10_000, "1" * 10_000, "一" * 10_000, "9" * 400 + "%", "\ud800", "≥" * 50]:
        q = parse_quantity(text)  # type: ignore[arg-type]
        assert isinstance(q, Quantity)


# ---------------------------------------------------------------------------
# 2. find_quantities on seed sentences: exact spans
# ---------------------------------------------------------------------------

# (sentence, [(start, end, span text, value, unit, comparator, low, high)])
SPANS = [
    (
        "工业投资、技改投资分别增长19.8%、28.3%，分别高于全省平均水平5.5 、10.8个百分点，均排名全省第3。",
        [
            (13, 18, "19.8%", 19.8, "%", N, N, N),
            (19, 24, "28.3%", 28.3, "%", N, N, N),
            (35, 38, "5.5", 5.5, "个百分点", N, N, N),  # the unit written once at the end
            (40, 48, "10.8个百分点", 10.8, "个百分点", N, N, N),
        ],
    ),
    (
        "2024年1-12月，全市规模工业增加值同比增长7.7%，工业投资同比增长15.7%，工业技改投资同比增长22.3%，"
        "工业用电量同比增长1.8%，工业对全市经济增长贡献率50.2%。",
        [
            (24, 28, "7.7%", 7.7, "%", N, N, N),
            (37, 42, "15.7%", 15.7, "%", N, N, N),
            (53, 58, "22.3%", 22.3, "%", N, N, N),
            (68, 72, "1.8%", 1.8, "%", N, N, N),
            (85, 90, "50.2%", 50.2, "%", N, N, N),
        ],
    ),
    ("15.7%（排名全省第5位）", [(0, 5, "15.7%", 15.7, "%", N, N, N)]),
    (
        "全力推动15家关停类化工生产企业全面关停退出，腾退土地1007余亩，占全省关闭退出任务的近一半。"
        "并于6月30日前组织15家企业申报2021年湖南省沿江化工企业搬迁改造专项资金。",
        [
            (4, 7, "15家", 15, "家", N, N, N),
            (27, 33, "1007余亩", 1007, "亩", ">", N, N),
            (58, 61, "15家", 15, "家", N, N, N),
        ],
    ),
    ("推进5G基础设施建设，2021年我市新建5G基站2119个", [(24, 29, "2119个", 2119, "个", N, N, N)]),
    ("信维电科成功研发了0603-226、0402-106等系列高端MLCC产品", []),
    (
        "精准推进“12+1”优势产业链招商，构建“1650”产业体系，创新开展“121工作法”，"
        "回复“市长信箱”108件和“12345”公众热线255件",
        [(52, 56, "108件", 108, "件", N, N, N), (68, 72, "255件", 255, "件", N, N, N)],
    ),
    ("联络电话\n\t8721315", []),
    ("填报人（签名）：卢小红                       联系电话：8721315", []),
    (
        "此项指标根据《中共岳阳市委 岳阳市人民政府 关于做好2015年度综合绩效考评工作的补充通知》"
        "（岳发〔2015〕11号）附件2第一大项“工作实绩指标”（700分）考核内容设置。",
        [(75, 79, "700分", 700, "分", N, N, N)],
    ),
    (
        "1、规模工业增加值增长 8.3%，新增\n\n规模以上企业 180 家。",
        [(12, 16, "8.3%", 8.3, "%", N, N, N), (28, 33, "180 家", 180, "家", N, N, N)],
    ),
    (
        "累计完成投资 4.25 亿元，\n\n占 2 年度计划的 119.38%；销售收入\n\n12.69 亿元",
        [
            (7, 14, "4.25 亿元", 4.25, "亿元", N, N, N),
            (27, 34, "119.38%", 119.38, "%", N, N, N),
            (41, 49, "12.69 亿元", 12.69, "亿元", N, N, N),
        ],
    ),
    ("争取专项资金十余万元用于该村发展产业", [(6, 10, "十余万元", 10, "万元", ">", N, N)]),
    (
        "企业政策服务平台线上推送惠企政策信息52000多次，推动企业对惠企政策应知尽知。",
        [(18, 25, "52000多次", 52000, "次", ">", N, N)],
    ),
    (
        "年度资金总额 1787.82 3708.67 3720.28 10 100% 10",
        [
            (7, 14, "1787.82", 1787.82, N, N, N, N),
            (15, 22, "3708.67", 3708.67, N, N, N, N),
            (23, 30, "3720.28", 3720.28, N, N, N, N),
            (31, 33, "10", 10, N, N, N, N),
            (34, 38, "100%", 100, "%", N, N, N),
            (39, 41, "10", 10, N, N, N, N),
        ],
    ),
    (
        "全年预计新增规模工业企业20家、净增12家以上，保持了企稳回升的良好态势",
        [(12, 15, "20家", 20, "家", N, N, N), (18, 23, "12家以上", 12, "家", ">=", N, N)],
    ),
    (
        "派出47个工作组、149名干部走访座谈企业572家，及时解决企业反映的各类问题300余个",
        [
            (2, 5, "47个", 47, "个", N, N, N),
            (9, 13, "149名", 149, "名", N, N, N),
            (21, 25, "572家", 572, "家", N, N, N),
            (39, 44, "300余个", 300, "个", ">", N, N),
        ],
    ),
    ("指标1：规模工业增加值增速", []),
    ("（一）部门职能\n1.拟订全市工业和信息化发展战略", []),
    ("连续7个月保持增长，开展“破零倍增”三年行动，一企一策", []),
    (
        "全市51家“僵尸企业”中，已有39家完成处置任务，超过总数的50%，盘活土地3562亩，利用闲置厂房62万平方米",
        [
            (2, 5, "51家", 51, "家", N, N, N),
            (15, 18, "39家", 39, "家", N, N, N),
            (30, 33, "50%", 50, "%", N, N, N),  # 超过 is not next to the number
            (38, 43, "3562亩", 3562, "亩", N, N, N),
            (50, 56, "62万平方米", 62, "万平方米", N, N, N),
        ],
    ),
    (
        "新增规模以上企业150家（目标），实际新增180家",
        [(8, 12, "150家", 150, "家", N, N, N), (21, 25, "180家", 180, "家", N, N, N)],
    ),
    (
        "今年以来累计召开产业链专题调度会近40次，开展调研50余次",
        [(17, 20, "40次", 40, "次", "~", N, N), (25, 29, "50余次", 50, "次", ">", N, N)],
    ),
    ("省工信厅主要领导12月份来益调研，来益调研制造业企业超过5次", [(28, 30, "5次", 5, "次", ">", N, N)]),
    (
        "完成整治点位5281个、整治线缆685千米",
        [(6, 11, "5281个", 5281, "个", N, N, N), (16, 21, "685千米", 685, "千米", N, N, N)],
    ),
    ("市工信局2024年度部门整体支出自评综合得分为100分", [(23, 27, "100分", 100, "分", N, N, N)]),
    (
        "2、工业投资增长率达到 10-15%，工业技改投资增长率达到\n\n12%",
        [(12, 18, "10-15%", N, "%", ">=", 10, 15), (32, 35, "12%", 12, "%", N, N, N)],
    ),
    (
        "三公经费支出总额压减 10%，公务卡刷卡率达50％以上的，得3分",
        [
            (11, 14, "10%", 10, "%", N, N, N),
            (22, 27, "50％以上", 50, "%", ">=", N, N),
            (30, 32, "3分", 3, "分", N, N, N),
        ],
    ),
    (
        "控制在5%以内，不低于90%，约16%，≥90%，＜=1717.56",
        [
            (3, 7, "5%以内", 5, "%", "<=", N, N),
            (11, 14, "90%", 90, "%", ">=", N, N),
            (16, 19, "16%", 16, "%", "~", N, N),
            (20, 24, "≥90%", 90, "%", ">=", N, N),
            (25, 34, "＜=1717.56", 1717.56, N, "<=", N, N),
        ],
    ),
    (
        "明确一至两名市级领导联系产业链的工作机制，建立了“一月一联系，两月一调度”的调度机制",
        [(2, 6, "一至两名", N, "名", N, 1, 2)],
    ),
    (
        "跻身比亚迪、华为、三一、中联供应链分别达23家、22家、7家、6家",
        [
            (20, 23, "23家", 23, "家", N, N, N),
            (24, 27, "22家", 22, "家", N, N, N),
            (28, 30, "7家", 7, "家", N, N, N),
            (31, 33, "6家", 6, "家", N, N, N),
        ],
    ),
    (
        "碳谷产业基地项目（二、三期）2024年计划投资9亿元，已完成投资7.18亿元，其中：年产10万吨高纯碳粉制备项目一期5万吨基本达产",
        [
            (23, 26, "9亿元", 9, "亿元", N, N, N),
            (32, 38, "7.18亿元", 7.18, "亿元", N, N, N),
            (44, 48, "10万吨", 10, "万吨", N, N, N),
            (58, 61, "5万吨", 5, "万吨", N, N, N),
        ],
    ),
    ("引导企业加入“三类500强”供应链，严格落实中央八项规定精神，全省排名前移7位，稳居六县市第1", []),
    (
        "重点支出安排率≥90%，计5分；80%（含）-90%，计4分；低于60%不得分。",
        [
            (7, 11, "≥90%", 90, "%", ">=", N, N),
            (13, 15, "5分", 5, "分", N, N, N),
            (16, 26, "80%（含）-90%", N, "%", N, 80, 90),
            (28, 30, "4分", 4, "分", N, N, N),
            (33, 36, "60%", 60, "%", "<", N, N),
        ],
    ),
    ("2022\n年，部门整体支出绩效执行总体较为有效", []),
    (
        "自评得分为98，100分为满分，投资1，234，567元",
        [
            (5, 7, "98", 98, N, N, N, N),
            (8, 12, "100分", 100, "分", N, N, N),
            (18, 28, "1，234，567元", 1234567, "元", N, N, N),
        ],
    ),
    ("成功举办2021岳阳市七大千亿产业·“12+1”产业链新技术新产品展示推广会", []),
]


@pytest.mark.parametrize(("text", "expected"), SPANS)
def test_find_quantities_spans(text, expected):
    got = find_quantities(text)
    assert [(s, e) for s, e, _ in got] == [(s, e) for s, e, *_ in expected]
    for (s, e, q), (es, ee, etext, value, unit, comparator, low, high) in zip(got, expected):
        assert text[s:e] == etext == q.text
        assert q.value == (pytest.approx(value) if value is not None else None)
        assert (q.unit, q.comparator) == (unit, comparator)
        assert (q.low, q.high) == (low, high)


def test_find_quantities_seed_files_exclusions():
    seeds = Path("/work/shared/seeds")
    files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    if not files:
        pytest.skip("seed reports not available")
    for f in files:
        text = f.read_text(encoding="utf-8")
        for s, e, q in find_quantities(text):
            span = text[s:e]
            assert span == q.text and span.strip() == span
            assert not re.fullmatch(r"(19|20)\d\d", span), span  # no bare years
            assert not span.endswith(("年", "月", "日")), span
            assert "第" not in text[max(0, s - 1) : s], span


# ---------------------------------------------------------------------------
# 3. Properties
# ---------------------------------------------------------------------------

_PREFIXES = [
    ("", "", None), ("≥", "", ">="), ("≤", "", "<="), (">", "", ">"), ("<", "", "<"),
    ("＞", "", ">"), ("＜", "", "<"), (">=", "", ">="), ("<=", "", "<="), ("＜=", "", "<="),
    ("＞=", "", ">="), ("≧", "", ">="), ("≦", "", "<="), ("不低于", "", ">="), ("不少于", "", ">="),
    ("至少", "", ">="), ("达到", "", ">="), ("不超过", "", "<="), ("不高于", "", "<="),
    ("超过", "", ">"), ("高于", "", ">"), ("大于", "", ">"), ("多于", "", ">"), ("低于", "", "<"),
    ("少于", "", "<"), ("小于", "", "<"), ("约", "", "~"), ("近", "", "~"), ("大约", "", "~"),
    ("接近", "", "~"), ("", "以上", ">="), ("", "以下", "<="), ("", "以内", "<="), ("", "左右", "~"),
    ("控制在", "以内", "<="),
]


@st.composite
def decimals_as_written(draw):
    digits = draw(st.integers(min_value=0, max_value=10**9))
    places = draw(st.integers(min_value=0, max_value=4))
    d = Decimal(digits).scaleb(-places)
    return f"{d:f}", float(d)


@FAST
@given(
    decimals_as_written(),
    st.sampled_from(UNITS + (None,)),
    st.sampled_from(_PREFIXES),
    st.booleans(),
)
def test_property_number_unit_comparator(num, unit, affix, space):
    written, value = num
    prefix, suffix, comparator = affix
    gap = " " if space and unit is not None else ""
    text = f"{prefix}{written}{gap}{unit or ''}{suffix}"
    q = parse_quantity(text)
    assert q.value == pytest.approx(value), text
    assert q.unit == ("%" if unit == "％" else unit), text
    assert q.comparator == comparator, text
    spans = find_quantities(text)
    assert len(spans) == 1, text
    assert text[spans[0][0] : spans[0][1]].endswith(f"{unit or written}{suffix}")


def _liang(cn: str) -> str:
    return re.sub("二(?=[千百万亿])", "两", cn)


@FAST
@given(st.integers(min_value=0, max_value=99_999_999))
def test_property_chinese_integers_round_trip(n):
    cn2an = pytest.importorskip("cn2an")
    cn = cn2an.an2cn(n)
    assert parse_number(cn) == n
    assert parse_number(_liang(cn)) == n


@pytest.mark.parametrize(
    ("cn", "n"),
    [("两千", 2000), ("十五", 15), ("一百二十三", 123), ("三千五百万", 35_000_000), ("两万五", 25_000),
     ("一百二", 120), ("十万零一十", 100_010), ("一千万零一", 10_000_001), ("二〇二四", 2024), ("零", 0),
     ("百分之十五点七", 15.7), ("十五点七", 15.7), ("一亿两千万", 120_000_000), ("负五", -5),
     ("8亿", 800_000_000), ("1.5万", 15_000)],
)
def test_parse_number_chinese(cn, n):
    assert parse_number(cn) == pytest.approx(n)


@pytest.mark.parametrize("s", ["", "  ", "abc", "十十", "一两", "1,2345", "1,234,56", ",123", "12.", "万", "5G", None])
def test_parse_number_rejects(s):
    assert parse_number(s) is None  # type: ignore[arg-type]


@FAST
@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=99), st.booleans())
def test_property_thousands_round_trip(n, cents, fullwidth):
    plain = f"{n:,}"
    dec = f"{n:,}.{cents:02d}"
    if fullwidth:
        plain, dec = plain.replace(",", "，"), dec.replace(",", "，")
    assert parse_number(plain) == n
    assert parse_number(dec) == pytest.approx(n + cents / 100)
    assert parse_quantity(f"{dec}万元").value == pytest.approx(n + cents / 100)


_NUMERALS = set("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")
_INTERESTING = st.text(
    alphabet=st.sampled_from(
        list("0123456789.,，、-～%％万亿元家个余多年月日第“”《》〔〕一二两十百千零点以上下内左右约近≥≤<>＞＜=（）() \n\t含G+:")
    ),
    max_size=80,
)


def _check_spans(text):
    got = find_quantities(text)
    last = 0
    for s, e, q in got:
        assert 0 <= s < e <= len(text)
        assert s >= last  # in order, never overlapping
        last = e
        assert any(ch in _NUMERALS for ch in text[s:e])
        assert q.text == text[s:e]
    q = parse_quantity(text)
    assert isinstance(q, Quantity) and q.text == text.strip()


@FAST
@given(st.text())
def test_property_find_quantities_any_text(text):
    _check_spans(text)


@FAST
@given(_INTERESTING)
def test_property_find_quantities_figure_like_text(text):
    _check_spans(text)


def test_long_inputs_are_fast_and_safe():
    for text in ["1" * 10_000, "一" * 10_000, "1、" * 5_000, "5.5 、" * 2_000, "≥" * 10_000, "“1" * 5_000]:
        _check_spans(text)


# ---------------------------------------------------------------------------
# scaled() and the module's own rules
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("8亿", "万元", 80_000),
        ("8亿", "亿元", 8),
        ("1160亿", "万元", 11_600_000),
        ("1253.47万元", "亿元", 0.125347),
        ("4.25 亿元", "万元", 42_500),
        ("2500万", "元", 25_000_000),
        ("十余万元", "元", 100_000),
        ("5%", "‰", 50),
        ("5‰", "%", 0.5),
        ("62万平方米", "平方米", 620_000),
        ("685千米", "公里", 685),
        ("5万吨标煤", "吨标煤", 50_000),
        ("2万人", "人", 20_000),
        ("5.5个百分点", "%", None),  # a difference is not a level
        ("5%", "万元", None),
        ("10-15%", "‰", None),  # ranges have no single value
        ("合规", "%", None),
        ("1787.82", "万元", None),  # no unit written
    ],
)
def test_scaled(text, unit, expected):
    got = parse_quantity(text).scaled(unit)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_scaled_is_exact_for_decimal_money():
    assert parse_quantity("1253.47万元").scaled("亿元") == 0.125347
    assert parse_quantity("1.08亿元").scaled("万元") == 10800.0


def test_units_longest_first():
    assert list(UNITS) == sorted(UNITS, key=len, reverse=True)
    for longer, shorter in [("个百分点", "个"), ("万吨标煤", "万吨"), ("千米", "米"), ("人次", "人"), ("万元", "万")]:
        assert UNITS.index(longer) < UNITS.index(shorter)


def test_quantity_matches_contract_shape():
    q = parse_quantity("10-15%")
    assert q.model_dump() == {"text": "10-15%", "value": None, "unit": "%", "comparator": None, "low": 10.0, "high": 15.0}


def test_module_imports_only_stdlib_and_pydantic():
    import extractor.quantity as mod

    tree = ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    assert roots - set(sys.stdlib_module_names) <= {"pydantic"}
    assert mod.__doc__ and "one job" in mod.__doc__


@pytest.mark.parametrize(
    "text,value,unit",
    [("存栏生猪1200头", 1200, "头"), ("发放2万份", 2, "万份"), ("培训3万名", 3, "万名"),
     ("吞吐量5万标箱", 5, "万标箱"), ("养殖鸡鸭500只", 500, "只"), ("新增养老床位300张", 300, "张")],
)
def test_measure_words_of_other_departments(text, value, unit):
    (start, end, q), = find_quantities(text)
    assert (q.value, q.unit) == (value, unit) and text[start:end].endswith(unit)
