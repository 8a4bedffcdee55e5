"""Generated training sentences for the METRIC / VALUE / TARGET tagger.

    python -m training.synth --n 5000 --seed 13 -o /tmp/synth.jsonl

writes guidelines-format JSONL (one `{id, text, entities, source}` per line,
exact offsets, entities sorted, never overlapping). The output depends only on
`--n` and `--seed`. From code: `generate(n, seed) -> list[corpus.Example]`.

What it covers
--------------
Templates follow the real sentence shapes of the seed reports, each span
placed as `/work/shared/annotation-guidelines.md` and the decisions D1..D28 of
`annotations/README.md` say:

- growth rates (`全市规模工业增加值同比增长7.7%`: region/time prefix and change word
  outside the METRIC), levels with 完成/实现/达到/为 (light verbs outside),
  level + growth in one sentence;
- counts with measure words 家/个/项/次/人/名/座/所/条/场/件/套/户/辆/台次/人次,
  the counted noun after the verb (`走访企业572家`, defining verbs kept, D3) and
  before it (`组织6家企业申报…`, D4), lists sharing a prefix (D6);
- amounts in 元/万元/亿元 (thousands separators `1,234.56万元`), measures in 万亩/
  万吨/公里/平方米/万立方米/千米;
- shares `X占Y比重` (one METRIC), elided `占Y比重`, bare `占N%` (no METRIC),
  ratios to a plan `为年度计划投资的132.0%` (no METRIC), differences
  `高于全省平均水平0.8个百分点` / `较预算减少9.63万元` (VALUE, no METRIC);
- 分别 lists of 2-4 items (each item a METRIC, the head noun with the last item),
  as results and as goals;
- targets with 目标/预期/计划/力争/确保/任务, `控制在…以内`, 不低于/不少于/不超过 (word
  outside the span), goal openers `目标1：`, `重点工作计划：`, budgets (年初预算,
  预算数), allocations (下达/安排/下拨), 计划投资/总投资, staffing quotas (编制人数),
  then executed figures as VALUE (实际支出, 执行数, 决算数, 到位, 已完成投资), forecasts
  (预计) as VALUE;
- indicator rows whose 年度指标值 repeats the name, with its figure (every copy
  METRIC + TARGET) or without (only the name is a METRIC), D13/D14;
- indicator rows `name，年度指标值T，实际完成值V` with comparators ≥ ≤ ＞ ＜ > < ＜=,
  ranges (10-15%), qualitative targets (no TARGET), rankings after the actual
  (`15.7%（排名全省第5位）`, not annotated);
- flattened indicator tables (`t_indicator_table`): rows joined by one separator, under one of
  several real header rows or none, where only the column order tells the goal (TARGET) from
  the result (VALUE), results often bare numbers (`≥3 4`), 分值/得分 cells unannotated;
- table rows of the 基础数据表 / fund block (决算数 V, 预算数 T, 执行数 V, 执行率 M+V,
  `其中：一般公共预算：3432.27` T, `其中：基本支出：2788.76` V);
- approximations 左右/以上/以内/余/多, Chinese numerals (十余万元, 两千余人次, 三次),
  百分之N, full-width ％, spaces inside figures as PDF text has them (`150 家`);
- status read from the sentence, not the figure (real-dev DECISIONS T1-T8): project portfolios
  (listed counts VALUE, counts under 计划/安排/批复 TARGET, 总投资/年度计划投资 TARGET, 完成投资
  VALUE), progress against a plan (`完成年计划M的P%`: M a TARGET, P a VALUE, neither with a
  METRIC), 决算 outturns against 年初预算 (VALUE, also after 安排) and their differences, goal
  lists whose items have no cue word, budgets of the coming year (`安排N，增长P%`: TARGETs);
- reported scores (`自评综合得分为96.5分`);
- roles (`extractor.tagger.roles`): about a fifth of the result-shaped sentences
  are goal-cell items (`role=goal` in `source`, an optional list number in
  front, their VALUEs become TARGETs as D21 says for goal cells), a tenth are
  result cells (`role=result`, labels unchanged), and cue-word goal sentences
  without an executed figure are sometimes goal cells too;
- negatives: years and dates, rankings and rank changes, durations (连续7个月,
  三年行动), pools (`全市51家“僵尸企业”中`), names with numerals (“1650”, 十大产业链,
  5G, “12+1”, PM2.5 inside a METRIC), phone numbers, document numbers 〔2015〕11号,
  vague amounts (半数以上, 两位数), sentences with no figure at all.

Metric names come from the train seeds (canonicalised; dev/test-only names are
left out) and from a vocabulary of other departments: education, health,
agriculture, transport, water, environment, civil affairs, culture/tourism,
public security, housing and finance.

Every generated sentence is checked before it is kept: the corpus validator
passes, every VALUE/TARGET span is exactly a figure that
`extractor.quantity.find_quantities` finds, and no figure it finds lies inside
a METRIC. A sentence that fails is drawn again.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from extractor.quantity import find_quantities
from extractor.tagger.corpus import Entity, Example, validate, write_jsonl

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------
# Each metric: (name, kind, units). kind: "rate" (% figures), "money", "count"
# (a measure word), "measure" (a unit of measure). `growth` marks level metrics
# that are also reported as growth rates.

M = tuple[str, str, tuple[str, ...]]

INDUSTRY_GROWTH: tuple[M, ...] = (
    ("规模工业增加值", "growth", ()), ("规模工业总产值", "money", ("亿元", "亿")),
    ("工业投资", "money", ("亿元",)), ("工业技改投资", "money", ("亿元",)), ("技改投资", "money", ("亿元",)),
    ("实缴工业税收", "money", ("亿元",)), ("销售收入", "money", ("亿元", "万元")),
    ("制造业贷款余额", "money", ("亿元",)), ("企业总营收", "money", ("亿元",)),
    ("十大产业链产值", "money", ("亿元",)), ("五大战略性产业集群产值", "money", ("亿元",)),
    ("工业用电量", "growth", ()), ("工业企业用电量", "growth", ()), ("签约投资额", "money", ("亿元",)),
    ("签约资金", "money", ("亿元",)), ("减免税费", "money", ("亿元",)), ("节约办电成本", "money", ("亿元", "万元")),
    ("立项争资", "money", ("亿元", "万元")), ("项目资金", "money", ("万元",)), ("高新技术产业增加值", "money", ("亿元",)),
    ("数字经济核心产业营业收入", "money", ("亿元",)), ("战略性新兴产业产值", "money", ("亿元",)),
)
INDUSTRY_COUNT: tuple[M, ...] = (
    ("新增规模工业企业", "count", ("家",)), ("新增规模企业", "count", ("家",)), ("新增上云企业", "count", ("家",)),
    ("上平台企业", "count", ("家",)), ("智能制造企业", "count", ("家",)), ("智能工位", "count", ("个",)),
    ("新签约项目", "count", ("个",)), ("新开工项目", "count", ("个",)), ("新投产项目", "count", ("个",)),
    ("专利申请", "count", ("项", "件")), ("授权发明专利", "count", ("项", "件")), ("突破关键技术", "count", ("项",)),
    ("走访企业", "count", ("家", "家次")), ("协调解决问题", "count", ("个", "件")), ("收集交办企业问题", "count", ("个",)),
    ("整治点位", "count", ("个",)), ("发布信息", "count", ("条",)), ("技术创新沙龙", "count", ("次", "场")),
    ("政策培训", "count", ("场",)), ("推送惠企政策信息", "count", ("次", "条")), ("宣传报道", "count", ("次", "篇")),
    ("市人大代表建议", "count", ("件",)), ("政协委员提案", "count", ("件",)), ("省级专精特新中小企业", "count", ("家",)),
    ("国家级专精特新“小巨人”企业", "count", ("家",)), ("省级制造业单项冠军", "count", ("家",)),
    ("产业链专题调度会", "count", ("次",)), ("察看企业", "count", ("家次",)), ("盘活土地", "measure", ("亩",)),
    ("腾退土地", "measure", ("亩",)), ("利用闲置厂房", "measure", ("万平方米", "平方米")), ("整治线缆", "measure", ("千米", "公里")),
)
INDUSTRY_RATE: tuple[str, ...] = (
    "服务企业满意度", "社会群众满意度", "解决率", "工业对全市经济增长贡献率", "规上工业企业研发投入占比",
    "两化融合发展水平", "企业上云率",
)
# light verb + noun: 新建5G基站956个 -> METRIC 5G基站 (D3: 新建 out)
LIGHT_COUNTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("新建", "5G基站", ("个", "座")), ("建成", "智能制造生产线（车间）", ("条",)), ("培育", "创新工程师", ("名",)),
    ("达成", "采购意向", ("项",)), ("开展", "专题培训", ("次", "场")), ("撰写", "学习心得", ("篇",)),
    ("新建", "标准化厂房", ("万平方米",)), ("建成", "数字化车间", ("个",)), ("召开", "产业链推进会", ("次",)),
)

BUDGET_MONEY: tuple[str, ...] = (
    "三公经费", "“三公”经费", "公务接待费", "公务用车运行维护费", "公务用车购置费", "因公出国（境）费用",
    "基本支出", "项目支出", "公用经费", "办公费", "会议费、培训费", "水费、电费、差旅费", "综合专项",
    "政府采购金额", "人员经费", "商品和服务支出", "对个人和家庭补助支出", "资本性支出", "工资福利支出",
    "专项业务经费", "信息化建设经费", "培训费", "差旅费", "物业管理费",
)
BUDGET_RATE: tuple[str, ...] = (
    "预算执行率", "三公经费控制率", "在职人员控制率", "政府采购执行率", "重点支出安排率", "公务卡刷卡率",
    "预算调整率", "“三公经费”变动率", "资金到位率", "项目完成率", "绩效目标完成率",
)

DEPARTMENTS: dict[str, dict[str, tuple]] = {
    "education": {
        "rate": ("小学入学率", "初中巩固率", "高中毛入学率", "学前教育毛入园率", "普通高中升学率",
                 "教师持证上岗率", "学生近视率", "义务教育学校标准化建设达标率", "学生资助覆盖率", "家长满意度"),
        "count": (("在校生", ("人", "万人")), ("专任教师", ("名", "人")), ("新增公办学位", ("个",)),
                  ("资助学生", ("人次", "万人次")), ("培训教师", ("人次",)), ("招聘新教师", ("名",)),
                  ("公办幼儿园", ("所",)), ("校园安全检查", ("次",)), ("教学质量监测", ("次",)),
                  ("名师工作室", ("个",)), ("思政课示范课", ("个",))),
        "money": ("学生资助资金", "生均公用经费", "教育事业费", "校舍维修改造资金", "营养膳食补助资金"),
        "measure": (("校舍改造面积", ("平方米", "万平方米")),),
        "nouns": (("学校", "所"), ("幼儿园", "所"), ("教师", "名"), ("学生", "人")),
    },
    "health": {
        "rate": ("孕产妇系统管理率", "儿童健康管理率", "高血压患者规范管理率", "居民电子健康档案建档率",
                 "病床使用率", "疫苗接种率", "甲类传染病报告率", "院内感染发生率", "患者满意度", "药占比",
                 "孕产妇死亡率", "婴儿死亡率"),
        "count": (("门诊人次", ("万人次", "人次")), ("住院人次", ("万人次",)), ("家庭医生签约居民", ("万人", "人")),
                  ("义诊活动", ("场", "次")), ("村卫生室", ("个", "所")), ("执业医师", ("名", "人")),
                  ("健康讲座", ("场",)), ("监督检查医疗机构", ("家", "家次")), ("违法案件", ("起", "件")),
                  ("救治危重孕产妇", ("例",)), ("免费体检", ("人次", "万人次"))),
        "money": ("公共卫生服务补助资金", "医疗救助资金", "医疗服务收入", "药品收入", "公共卫生专项经费"),
        "measure": (("业务用房面积", ("平方米",)),),
        "nouns": (("医疗机构", "家"), ("卫生院", "所"), ("医生", "名"), ("患者", "人")),
    },
    "agriculture": {
        "rate": ("农作物病虫害绿色防控覆盖率", "畜禽粪污资源化利用率", "农产品抽检合格率", "主要农作物机械化率",
                 "耕地保护目标完成率", "农村自来水普及率", "土地流转率", "良种覆盖率"),
        "count": (("农民专业合作社", ("家", "个")), ("家庭农场", ("家", "个")), ("培训高素质农民", ("人", "人次")),
                  ("新型农业经营主体", ("家",)), ("农业龙头企业", ("家",)), ("农产品地理标志", ("个",)),
                  ("农机购置补贴机具", ("台", "套")), ("动物防疫检查", ("次",))),
        "money": ("农业总产值", "农村居民人均可支配收入", "农机购置补贴资金", "衔接推进乡村振兴补助资金",
                  "农业保险保费补贴", "农村集体经济收入"),
        "measure": (("粮食总产量", ("万吨", "吨")), ("粮食产量", ("万吨",)), ("播种面积", ("万亩",)),
                    ("蔬菜种植面积", ("万亩", "亩")), ("水产品产量", ("吨", "万吨")), ("高标准农田", ("万亩", "亩")),
                    ("化肥使用量", ("吨",)), ("油菜种植面积", ("万亩",)), ("耕地流转面积", ("万亩",))),
        "nouns": (("村", "个"), ("农户", "户"), ("合作社", "家"), ("企业", "家")),
    },
    "transport": {
        "rate": ("公路优良路率", "行政村通硬化路率", "客运班线公交化率", "桥梁技术状况评定率", "营运车辆动态监控率",
                 "公交准点率", "交通执法案件办结率"),
        "count": (("公交线路", ("条",)), ("新能源公交车", ("辆", "台")), ("充电桩", ("个", "台")),
                  ("道路客运班线", ("条",)), ("客运站", ("个", "座")), ("违法超限运输车辆", ("台次", "辆")),
                  ("交通执法检查", ("次",)), ("桥梁加固", ("座",)), ("港口码头泊位", ("个",))),
        "money": ("交通建设投资", "公路养护资金", "燃油补贴资金", "综合交通专项资金"),
        "measure": (("公路里程", ("公里",)), ("农村公路", ("公里", "千米")), ("公路养护里程", ("公里",)),
                    ("客运量", ("万人次",)), ("货运量", ("万吨",)), ("港口吞吐量", ("万吨",)),
                    ("旅客周转量", ("万人次",))),
        "nouns": (("乡镇", "个"), ("建制村", "个"), ("车辆", "辆"), ("企业", "家")),
    },
    "water": {
        "rate": ("农村自来水普及率", "水功能区水质达标率", "防洪工程达标率", "水土保持率"),
        "count": (("病险水库除险加固", ("座",)), ("农村供水工程", ("处", "个")), ("山塘整治", ("处", "座")),
                  ("河长巡河", ("次", "人次"))),
        "money": ("水利建设投资", "水资源费", "水利专项资金"),
        "measure": (("堤防加固", ("公里", "千米")), ("河道清淤", ("公里", "万立方米")), ("水土流失治理面积", ("平方公里",)),
                    ("新增供水能力", ("万立方米",)), ("新增有效灌溉面积", ("万亩",))),
        "nouns": (("水库", "座"), ("水厂", "座"), ("村", "个")),
    },
    "environment": {
        "rate": ("空气质量优良天数比例", "城市生活污水处理率", "生活垃圾无害化处理率", "森林覆盖率",
                 "建成区绿化覆盖率", "地表水考核断面水质达标率", "危险废物安全处置率", "PM2.5平均浓度"),
        "count": (("环境执法检查", ("次", "家次")), ("环境违法案件", ("起", "件")),
                  ("生态环境信访件", ("件",)), ("入河排污口整治", ("个",))),
        "money": ("环保专项资金", "生态补偿资金", "环境污染罚款"),
        "measure": (("造林面积", ("万亩", "亩")), ("化学需氧量排放量", ("吨",)), ("氨氮排放量", ("吨",)),
                    ("矿山生态修复面积", ("亩", "万亩"))),
        "nouns": (("企业", "家"), ("排污口", "个"), ("点位", "个")),
    },
    "civil_affairs": {
        "rate": ("社区养老服务设施覆盖率", "护理型床位占比", "婚姻登记合格率", "社会救助资金发放率", "殡葬服务满意度"),
        "count": (("城乡低保对象", ("人", "户")), ("特困供养人员", ("人",)), ("临时救助", ("人次",)),
                  ("养老机构", ("家", "所")), ("社会组织", ("家", "个")), ("婚姻登记", ("件",)),
                  ("慰问困难群众", ("人次", "户"))),
        "money": ("低保资金", "特困供养资金", "临时救助资金", "残疾人生活补贴资金", "养老服务补贴"),
        "measure": (),
        "nouns": (("社区", "个"), ("养老机构", "家"), ("困难群众", "人")),
    },
    "culture_tourism": {
        "rate": ("公共文化设施免费开放率", "游客满意度", "文物安全检查覆盖率"),
        "count": (("接待游客", ("万人次",)), ("文化惠民演出", ("场",)), ("送戏下乡", ("场",)),
                  ("A级旅游景区", ("家", "个")), ("农家书屋", ("个",)), ("非遗展演活动", ("场", "次")),
                  ("文物保护单位", ("处",))),
        "money": ("旅游总收入", "文化产业增加值", "文物保护资金", "公共文化服务资金"),
        "measure": (),
        "nouns": (("景区", "家"), ("文化站", "个"), ("剧团", "个")),
    },
    "public_security": {
        "rate": ("刑事案件破案率", "命案破案率", "群众安全感", "执法满意度", "接警处警及时率"),
        "count": (("刑事案件立案", ("起",)), ("电信网络诈骗案件", ("起",)), ("抓获犯罪嫌疑人", ("名", "人")),
                  ("道路交通事故", ("起",)), ("户籍业务办理", ("件",)), ("消防安全检查", ("次", "家次")),
                  ("化解矛盾纠纷", ("件", "起"))),
        "money": ("挽回经济损失", "公安业务经费"),
        "measure": (),
        "nouns": (("派出所", "个"), ("社区", "个"), ("犯罪团伙", "个")),
    },
    "housing": {
        "rate": ("城市燃气普及率", "城市污水处理率", "保障性住房分配入住率", "建筑工地扬尘治理达标率"),
        "count": (("保障性住房", ("套",)), ("棚户区改造", ("套", "户")), ("老旧小区改造", ("个",)),
                  ("农村危房改造", ("户",)), ("公租房", ("套",)), ("新增停车位", ("个",))),
        "money": ("住房公积金归集额", "住房公积金贷款发放额", "城建资金"),
        "measure": (("商品房销售面积", ("万平方米",)), ("城市道路", ("公里",))),
        "nouns": (("小区", "个"), ("项目", "个"), ("企业", "家")),
    },
}

_HOLDERS = {
    "企业": ("湖南长康", "同创普润", "金博股份", "岳阳林纸", "京舟股份", "三兴精密"),
    "学校": ("城关一中", "实验小学", "育才中学", "第二中学"),
    "幼儿园": ("城南幼儿园", "机关幼儿园", "星星幼儿园"),
    "医疗机构": ("县人民医院", "中医医院", "妇幼保健院"),
    "卫生院": ("城关镇卫生院", "新市镇卫生院", "长寿镇卫生院"),
    "村": ("城关村", "新华村", "红星村", "枫树村"),
    "合作社": ("金穗合作社", "绿源合作社", "丰收合作社"),
    "项目": ("碳谷产业基地项目", "智慧物流园项目", "城东污水处理项目"),
    "景区": ("桃花源景区", "南岳景区"),
    "社区": ("东风社区", "和平社区", "建设社区"),
}

REGIONS = ("全市", "全县", "我市", "全区", "本部门", "我局", "全州", "我县", "市本级")
TIMES = ("2024年", "2023年", "全年", "今年以来，", "1-12月，", "2022年，", "2021年", "截至12月底，", "上半年")
DOC_PREFIX = ("岳", "益", "湘", "常")


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


class _R:
    """A seeded random source with the few draws the templates need.

    `vocab` (see `harvested`) is the share of metric names drawn from the
    harvested indicator names instead of the tables above (0 = never).
    """

    def __init__(self, seed: int, vocab: float = 0.0):
        self.r = random.Random(seed)
        self.vocab = vocab

    def p(self, prob: float) -> bool:
        return self.r.random() < prob

    def c(self, seq):
        return self.r.choice(seq)

    def i(self, a: int, b: int) -> int:
        return self.r.randint(a, b)

    def f(self, a: float, b: float, dec: int = 2) -> str:
        return f"{self.r.uniform(a, b):.{dec}f}"


def _thousands(s: str) -> str:
    whole, _, frac = s.partition(".")
    w = f"{int(whole):,}"
    return w + ("." + frac if frac else "")


def pct(r: _R, lo=0.5, hi=30.0, dec=None, fw=0.08) -> str:
    dec = r.c((1, 1, 1, 2, 0)) if dec is None else dec
    v = r.f(lo, hi, dec)
    if r.p(0.03) and dec == 1 and float(v) < 100:
        return "百分之" + _cn_decimal(v)
    return v + ("％" if r.p(fw) else "%")


def _cn_decimal(v: str) -> str:
    digits = "零一二三四五六七八九"
    whole, _, frac = v.partition(".")
    n = int(whole)
    if n < 10:
        w = digits[n]
    elif n < 20:
        w = "十" + (digits[n % 10] if n % 10 else "")
    else:
        w = digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return w + ("点" + "".join(digits[int(d)] for d in frac) if frac else "")


def money(r: _R, unit: str) -> str:
    if unit in ("亿元", "亿"):
        v = r.f(0.2, 900, r.c((2, 2, 1)))
    elif unit == "元":
        v = str(r.i(300, 60000))
    else:  # 万元
        v = r.f(0.5, 9000, 2)
        if r.p(0.1) and float(v) >= 1000:
            v = _thousands(v)
    if r.p(0.05):
        return v + "余" + unit if "." not in v else v + unit
    return v + unit


def count(r: _R, unit: str) -> str:
    if unit.startswith("万"):
        return r.f(0.2, 99, r.c((1, 2))) + unit
    roll = r.r.random()
    if roll < 0.07:
        return r.c(("十余", "二十余", "三十余", "两千余", "三百余", "五十余")) + unit
    if roll < 0.12 and unit in ("次", "场", "个", "家", "项", "名"):
        return r.c(("一", "两", "三", "四", "五", "六", "十")) + unit
    n = r.c((r.i(1, 30), r.i(10, 400), r.i(100, 9000)))
    if roll < 0.25 and n >= 10:
        return f"{n}余{unit}"
    if roll < 0.30 and n >= 10:
        return f"{n}多{unit}"
    if roll < 0.34 and n >= 1000:
        return f"{n:,}{unit}"
    return f"{n}{unit}"


def measure(r: _R, unit: str) -> str:
    if unit.startswith("万"):
        v = r.f(0.3, 300, r.c((1, 2)))
    elif unit in ("吨", "亩", "平方米", "公顷"):
        v = str(r.i(50, 90000))
    else:
        v = r.f(1, 2000, r.c((0, 1, 2)))
    return v + (r.c(("余", "多")) if r.p(0.06) and "." not in v else "") + unit


def pdf_space(r: _R, fig: str, prob: float) -> str:
    """`150 家`, `4.25 亿元`: the space PDF text puts between number and unit."""
    if not r.p(prob):
        return fig
    m = re.match(r"^([≥≤＞＜<>]?[0-9.,]+)([^0-9.,].*)$", fig)
    if m and not m.group(2).startswith(("%", "％", "余", "多", "-", "以", "左")):
        return m.group(1) + " " + m.group(2)
    return fig


# ---------------------------------------------------------------------------
# Sentence builder
# ---------------------------------------------------------------------------


class _S:
    def __init__(self):
        self.text = ""
        self.ents: list[tuple[int, int, str]] = []
        self.ignore: list[tuple[int, int]] = []

    def t(self, s: str) -> _S:
        self.text += s
        return self

    def m(self, s: str) -> _S:
        return self._e(s, "METRIC")

    def v(self, s: str) -> _S:
        return self._e(s, "VALUE")

    def g(self, s: str) -> _S:  # a goal figure
        return self._e(s, "TARGET")

    def o(self, s: str) -> _S:
        """A figure the parser finds but the guidelines leave unannotated (a pool count)."""
        self.ignore.append((len(self.text), len(self.text) + len(s)))
        self.text += s
        return self

    def _e(self, s: str, label: str) -> _S:
        start = len(self.text)
        self.text += s
        self.ents.append((start, len(self.text), label))
        return self

    def end(self, r: _R, marks=("。", "。", "；", "，", "")) -> _S:
        self.text += r.c(marks)
        return self


VOCAB_FILE = ROOT / "training" / "vocab" / "indicator_names.tsv"
_MONEY_UNITS = ("元", "万元", "亿元", "万亿元")
_GLOSS = re.compile(r"[（(][^（）()]{1,6}[）)]$")
_SCOPE = re.compile(r"^(?:全国|全省|全市|全县|全区|全州|全旗)(?!社会)")  # DECISIONS M1: scope stays out


@lru_cache(maxsize=1)
def harvested() -> dict[str, tuple[tuple[str, str], ...]]:
    """Published indicator and bulletin item names (training/vocab/README.md) by kind: rate, money, count.

    Each entry is (name, unit). A trailing unit gloss `(个)` is cut off the name
    (DECISIONS M5 keeps glosses out of a METRIC); names without a unit and names
    with digits (the generator's check forbids figures inside a METRIC) are left out.
    """
    out: dict[str, list[tuple[str, str]]] = {"rate": [], "money": [], "count": []}
    for line in VOCAB_FILE.read_text(encoding="utf-8").splitlines():
        name, unit, _domain, _kind = line.split("\t")
        name = _SCOPE.sub("", _GLOSS.sub("", name.strip()))
        if not unit or not name or re.search(r"\d", name):
            continue
        kind = "rate" if unit in ("%", "‰") else "money" if unit in _MONEY_UNITS else "count"
        out[kind].append((name, unit if kind != "rate" else "%"))
    return {k: tuple(v) for k, v in out.items()}


def _harvested(r: _R, kind: str) -> tuple[str, str] | None:
    if r.vocab and r.p(r.vocab):
        return r.c(harvested()[kind])
    return None


def _region(r: _R, prob=0.5) -> str:
    return r.c(REGIONS) if r.p(prob) else ""


def _time(r: _R, prob=0.4) -> str:
    return r.c(TIMES) if r.p(prob) else ""


def _dept(r: _R) -> tuple[str, dict]:
    name = r.c(tuple(DEPARTMENTS))
    return name, DEPARTMENTS[name]


def _any_rate(r: _R) -> tuple[str, str]:
    if (hit := _harvested(r, "rate")) is not None:
        return "harvested", hit[0]
    if r.p(0.3):
        return "industry", r.c(INDUSTRY_RATE + BUDGET_RATE)
    d, voc = _dept(r)
    return d, r.c(voc["rate"])


def _any_count(r: _R) -> tuple[str, str, str]:
    """(domain, name, unit) of a counted metric."""
    if (hit := _harvested(r, "count")) is not None:
        return "harvested", *hit
    if r.p(0.35):
        name, _, units = r.c(INDUSTRY_COUNT)
        return "industry", name, r.c(units)
    d, voc = _dept(r)
    pool = list(voc["count"]) + list(voc["measure"])
    name, units = r.c(pool)
    return d, name, r.c(units)


def _fig_for(r: _R, unit: str) -> str:
    if unit in ("万元", "亿元", "元", "亿"):
        return money(r, unit)
    if unit in ("亩", "万亩", "吨", "万吨", "公里", "千米", "平方米", "万平方米", "万立方米", "平方公里", "公顷"):
        return measure(r, unit)
    return count(r, unit)


def _any_money(r: _R) -> tuple[str, str, str]:
    if (hit := _harvested(r, "money")) is not None:
        return "harvested", *hit
    if r.p(0.4):
        name, kind, units = r.c([m for m in INDUSTRY_GROWTH if m[1] == "money"])
        return "industry", name, r.c(units)
    d, voc = _dept(r)
    return d, r.c(voc["money"]), r.c(("万元", "万元", "亿元"))


# ---------------------------------------------------------------------------
# Templates (each returns (builder, template name, domain))
# ---------------------------------------------------------------------------


def t_growth(r: _R):
    s = _S()
    if r.p(0.5):
        name, kind, units = r.c(INDUSTRY_GROWTH)
        dom = "industry"
    else:
        dom, name, unit = _any_money(r) if r.p(0.5) else _any_count(r)
    s.t(_time(r)).t(_region(r))
    s.m(name)
    s.t(r.c(("同比增长", "增长", "较上年增长", "比上年增长", "同比下降", "下降", "增速为", "增长率为", "同比增长了", "平均增长")))
    s.v(pct(r))
    if r.p(0.25):
        s.t(r.c(("，高于全省平均水平", "，比全省平均水平高", "，较上年提高", "，增速比上年提高")))
        s.v(r.f(0.1, 9, 1) + "个百分点")
    if r.p(0.2):
        s.t("，增速排名全省第" + str(r.i(1, 14)) + "位")
    return s.end(r), "growth", dom


def t_level(r: _R):
    s = _S()
    if r.p(0.5):
        dom, name, unit = _any_money(r)
    else:
        dom, name, unit = _any_count(r)
    s.t(_time(r)).t(_region(r))
    s.t(r.c(("", "", "完成", "实现", "累计完成", "共", "预计完成")))
    s.m(name)
    s.t(r.c(("", "", "", "达到", "为", "达", "突破", "总计", "合计")))
    s.v(pdf_space(r, _fig_for(r, unit), 0.05))
    if r.p(0.45):
        s.t(r.c(("，同比增长", "，增长", "，同比下降", "，较上年增长")))
        s.v(pct(r))
    return s.end(r), "level", dom


def t_light_count(r: _R):
    s = _S()
    verb, name, units = r.c(LIGHT_COUNTS)
    s.t(_time(r)).t(_region(r)).t(verb).m(name).v(pdf_space(r, count(r, r.c(units)) if units[0] not in ("万平方米",) else measure(r, units[0]), 0.05))
    if r.p(0.4):
        s.t("，完成").m("投资").v(money(r, r.c(("亿元", "万元"))))
    return s.end(r), "light_count", "industry"


def t_count_list(r: _R):
    """A list of counts sharing a prefix (D6): 新增上云企业7230家、上平台企业594家."""
    s = _S()
    k = r.i(2, 4)
    items = []
    if r.p(0.4):
        pool = [(n, r.c(u)) for n, _, u in INDUSTRY_COUNT]
    else:
        voc = DEPARTMENTS[r.c(tuple(DEPARTMENTS))]
        pool = [(n, r.c(u)) for n, u in list(voc["count"]) + list(voc["measure"])]
    for name, unit in r.r.sample(pool, min(k, len(pool))):
        items.append((name, unit))
    s.t(_time(r)).t(_region(r))
    for j, (name, unit) in enumerate(items):
        if j:
            s.t(r.c(("、", "、", "，", "和")) if j == len(items) - 1 else r.c(("、", "，")))
        s.m(name).v(_fig_for(r, unit))
    return s.end(r), "count_list", "mixed"


def t_count_before_noun(r: _R):
    """D4: the figure before the counted noun; the verb before the figure stays out."""
    s = _S()
    d, voc = _dept(r)
    if r.p(0.4):
        noun, unit = r.c((("企业", "家"), ("项目", "个"), ("督导组", "个"), ("党员", "名"), ("科研院校", "家")))
        d = "industry"
    else:
        noun, unit = r.c(voc["nouns"])
    pattern = r.i(0, 3)
    n = count(r, unit)
    if pattern == 0:
        s.t(_region(r)).t(r.c(("组织", "推动", "指导", "帮助", "完成"))).v(n).m(noun)
        s.t(r.c(("申报省级示范项目", "开展技术改造", "完成提质改造", "通过验收", "纳入重点项目库", "参加培训")))
    elif pattern == 1:
        s.t(_region(r)).v(n).m(noun).t(r.c(("纳入省级示范名单", "入选省级试点", "获评先进单位", "被纳入重点监测范围")))
    elif pattern == 2:
        s.t(r.c(("派出", "选派", "抽调"))).v(count(r, "个")).m("督导组")
        s.t("、").v(count(r, "名")).m("党员").t("深入基层开展帮扶")
    else:
        holders = _HOLDERS.get(noun, ("湖南长康", "同创普润", "金博股份"))
        s.t("、".join(r.r.sample(list(holders), 2))).t("等").v(n).m(noun)
        s.t(r.c(("被纳入省级示范名单", "获评先进单位", "参与推进", "通过验收")))
    return s.end(r), "count_before_noun", d


def t_share(r: _R):
    s = _S()
    dom, name, unit = _any_money(r)
    s.t(_time(r)).t(_region(r)).m(name).v(money(r, unit))
    form = r.i(0, 3)
    if form == 0:
        # X占Y比重 is one METRIC (D8), here with X elided
        s.t("，").m(r.c(("占全市规模工业总产值比重", "占总支出比重", "占全省比重", "占一般公共预算支出比例", "占GDP比重")))
        s.t(r.c(("", "为", "达到"))).v(pct(r, 1, 90))
    elif form == 1:
        s.t("，占").v(pct(r, 1, 90))  # bare share: no METRIC
    elif form == 2:
        s.t(r.c(("，占基本支出的", "，占项目支出的", "，占总支出的", "，约占全省的"))).v(pct(r, 1, 90))
    else:
        s.t(r.c(("，为年度计划投资的", "，为全年目标任务的", "，为年度计划的"))).v(pct(r, 60, 150, 1))
    s2 = s
    if r.p(0.3):
        # full X占Y比重
        s2 = _S()
        x = r.c(("民生支出", "高新技术产业增加值", "战略性新兴产业产值", "项目支出", "数字经济核心产业增加值"))
        y = r.c(("工业投资", "一般公共预算支出", "规模工业增加值", "地区生产总值", "总支出"))
        s2.t(_region(r)).m(f"{x}占{y}{r.c(('比重', '比例'))}").t(r.c(("为", "达到", "", "提高到"))).v(pct(r, 1, 90))
        return s2.end(r), "share_full", "mixed"
    return s2.end(r), "share", dom


def t_fenbie(r: _R, goal: bool = False):
    """A、B分别增长x、y: each item a METRIC, the head noun with the last item."""
    s = _S()
    k = r.i(2, 4)
    if r.p(0.35):
        heads = r.c((("产值", ("食品加工", "新材料", "电子信息", "装备制造", "生物医药", "船舶制造", "先进储能材料")),
                     ("教师培训完成率", ("小学", "初中", "高中", "幼儿园")),
                     ("播种面积", ("早稻", "晚稻", "油菜", "花生", "烤烟")),
                     ("投资", ("工业", "技改", "基础设施", "民间")),
                     ("支出", ("基本", "项目", "人员", "公用"))))
        head, opts = heads
        items = r.r.sample(list(opts), min(k, len(opts)))
        items[-1] = items[-1] + head
        units = None
    elif r.p(0.6):
        items = r.r.sample([m[0] for m in INDUSTRY_GROWTH], k)
        units = None
    else:
        pool = list(DEPARTMENTS[r.c(tuple(DEPARTMENTS))]["count"]) or [("在校生", ("人",))]
        picked = r.r.sample(pool, min(k, len(pool)))
        items = [n for n, _ in picked]
        units = [r.c(u) for _, u in picked]
    if goal:
        s.t(r.c(("力争", "确保", "预期", "计划", "目标：")))
    s.t(_time(r, 0.3) if not goal else "").t(_region(r, 0.4))
    for j, it in enumerate(items):
        if j:
            s.t("、")
        s.m(it)
    rate = units is None
    s.t(r.c(("分别增长", "同比分别增长", "分别下降", "分别增长")) if rate else r.c(("分别为", "分别达到", "分别完成")))
    for j in range(len(items)):
        if j:
            s.t("、")
        fig = pct(r) if rate else _fig_for(r, units[j])
        if goal and r.p(0.3) and rate:
            fig = fig + r.c(("左右", "以上"))
        (s.g if goal else s.v)(fig)
    if not goal and rate and r.p(0.3):
        s.t("，分别高于全省平均水平")
        for j in range(len(items)):
            if j:
                s.t("、")
            s.v(r.f(0.1, 9, 1) + ("个百分点" if j == len(items) - 1 else r.c(("个百分点", ""))))
    return s.end(r), "fenbie_goal" if goal else "fenbie", "mixed"


def t_target(r: _R):
    s = _S()
    form = r.i(0, 8)
    if form <= 1:
        name, kind, units = r.c(INDUSTRY_GROWTH) if r.p(0.5) else (r.c(INDUSTRY_RATE + BUDGET_RATE), "rate", ())
        s.t(r.c(("力争", "确保", "预期", "计划", "目标是", "年度目标：", "预期目标：")))
        s.t(_time(r, 0.3)).t(_region(r, 0.4)).m(name)
        if kind == "rate":
            s.t(r.c(("达到", "不低于", "保持在", ""))).g(pct(r, 80, 100, 0) + r.c(("", "以上", "")))
        else:
            s.t(r.c(("增长", "同比增长", "增速达到"))).g(pct(r, 3, 15, r.c((0, 1))) + r.c(("", "左右", "以上")))
        if r.p(0.4):
            # goal framing carries through the sentence
            name2, _, _ = r.c(INDUSTRY_GROWTH)
            if name2 != name:
                s.t("，").m(name2).t(r.c(("增长", "增长率达到"))).g(r.c((pct(r, 5, 20, 0), f"{r.i(5, 10)}-{r.i(12, 20)}%")))
    elif form == 2:
        dom, name = _any_rate(r)
        s.t(_region(r, 0.3)).m(name).t("控制在").g(pct(r, 1, 10, 0) + "以内")
    elif form == 3:
        dom, name, unit = _any_money(r)
        s.m(name).t("控制在").g(money(r, unit) + "以内")
    elif form == 4:
        dom, name, unit = _any_count(r)
        lead = r.c(("确保", "全年", "力争"))
        verb = r.c(("不少于", "不低于")) if lead == "全年" else r.c(("不少于", "不低于", "达到"))
        s.t(lead).m(name).t(verb).g(_fig_for(r, unit))
    elif form == 5:
        k = r.i(1, 6)
        dom, name, unit = _any_count(r)
        s.t(r.c((f"目标{k}：", f"任务{k}：", "重点工作计划：", f"{k}、计划"))).m(name).g(_fig_for(r, unit))
    elif form == 6:
        dom, name, unit = _any_count(r)
        s.m(name).g(_fig_for(r, unit)).t(r.c(("（目标）", "（计划）"))).t("，实际完成").v(_fig_for(r, unit))
    elif form == 7:
        dom, name = _any_rate(r)
        s.m(name).t(r.c(("目标值", "年度目标值", "预期目标"))).g(r.c(("≥", "≤", "＞", "＜", ">", "<")) + pct(r, 60, 100, 0))
    else:
        dom, name, unit = _any_money(r)
        s.t(r.c(("下达", "安排", "下拨", "争取上级下达"))).m(name).g(money(r, unit))
        if r.p(0.6):
            s.t(r.c(("，实际到位", "，已拨付", "，实际拨付", "，全年执行数"))).v(money(r, unit))
            if r.p(0.5):
                s.t("，").m(r.c(("资金到位率", "拨付率", "执行率"))).v(pct(r, 80, 100, 1))
    return s.end(r), "target", "mixed"


def _indicator_target(r: _R, kind: str, unit: str = "") -> tuple[str, str, bool]:
    """(target cell text, actual cell text, target is a figure)."""
    if kind == "rate":
        roll = r.i(0, 5)
        if roll == 0:
            return r.c(("高于全省平均增速", "逐年提高", "有所提升", "合规")), pct(r, 1, 30), False
        if roll == 1:
            lo = r.i(5, 10)
            return f"{lo}-{lo + r.i(2, 8)}%", pct(r, 5, 30), True
        if roll == 2:
            return r.c(("≥", "≥", "＞", ">=", ">")) + pct(r, 60, 95, 0), r.c(("", "", "＞")) + pct(r, 85, 100, 1), True
        if roll == 3:
            return r.c(("≤", "<", "＜", "＜=")) + "100%", pct(r, 30, 100, 1), True
        return pct(r, 5, 100, r.c((0, 1))), pct(r, 5, 100, 1), True
    fig_t = _fig_for(r, unit)
    fig_a = _fig_for(r, unit)
    if kind == "money" and r.p(0.3):
        fig_t = r.c(("≤", "<")) + fig_t
    return fig_t, fig_a, True


def t_indicator_row(r: _R):
    s = _S()
    k = r.i(1, 6)
    lead = r.c(("", "", f"{k}、", f"指标{k}："))
    roll = r.i(0, 3)
    if roll == 0:
        dom, name = _any_rate(r)
        kind, unit = "rate", "%"
        suffix = ""
    elif roll == 1:
        name, kind, units = r.c(INDUSTRY_GROWTH)
        dom, unit = "industry", "%"
        kind = "rate"
        suffix = r.c(("增速", "增长率", "增长"))
    elif roll == 2:
        dom, name, unit = _any_count(r)
        kind = "count"
        # D29: a count noun written after the counted noun is part of the name
        name = name + ("家数" if unit == "家" and r.p(0.3) else "")
        suffix = ""
    else:
        dom, name, unit = _any_money(r)
        kind = "money"
        # 支出 after a fee noun stays out of the METRIC (`[三公经费]支出`), as the written genres and
        # real-dev's annotators have it (annotations/README-written.md, session 17)
        suffix = r.c(("", "支出")) if name in BUDGET_MONEY and name.endswith(("费", "费用")) else ""
    s.t(lead).t(r.c(("", "全市")) if roll == 1 else "").m(name).t(suffix)
    tgt, act, is_fig = _indicator_target(r, kind, unit)
    s.t("，年度指标值")
    (s.g(tgt) if is_fig else s.t(tgt))
    s.t("，实际完成值").v(act)
    if r.p(0.15) and kind == "rate":
        s.t(f"（排名全省第{r.i(1, 14)}位）")
    return s, "indicator_row", dom


# Column headers of indicator tables as forms of several provinces print them; the row
# cells come in the same order, so a row's first figure is the goal and the next the result.
_TABLE_HEADS = (
    ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
    ("一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分"),
    ("三级指标", "年初目标值(A)", "实际完成值(B)", "得分"),
    ("指标名称", "指标值", "完成值", "分值", "得分", "偏差原因分析及改进措施"),
    ("绩效指标", "目标值", "实际值", "得分"),
    ("二级指标", "三级指标", "预期指标值", "实际完成指标值", "分值", "得分"),
)
_AT_LEAST = ("≥", "≥", "≧", "＞", ">")
_COMPARATORS = _AT_LEAST + ("≤", "≦", "＜", "")


# What each header word's column holds, so that a row's cells come in its header's order
_COLUMN_KIND = {"一级指标": "level", "二级指标": "level", "三级指标": "name", "指标名称": "name", "绩效指标": "name",
                "年度指标值": "goal", "年初目标值(A)": "goal", "指标值": "goal", "目标值": "goal", "预期指标值": "goal",
                "实际完成值": "result", "实际完成值(B)": "result", "完成值": "result", "实际值": "result",
                "实际完成指标值": "result", "分值": "points", "得分": "got", "偏差原因分析及改进措施": "note"}
_LEVELS = {"一级指标": ("产出指标", "效益指标", "满意度指标"),
           "二级指标": ("数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标")}


def _table_row(r: _R, k: int, numbering: str) -> dict | None:
    """One row's cells by column kind: the name (lead, name, unit gloss), goal and result; None if unusable."""
    lead = {"": "", "num": f"指标{k}{r.c(('.', '：', ':'))}", "cn": f"{'一二三四五'[k - 1]}、",
            "paren": f"（{k}）"}[numbering]
    gloss = ""
    roll = r.i(0, 2)
    if roll == 0:
        _, name = _any_rate(r)
        goal = r.c(_AT_LEAST + ("",)) + pct(r, 60, 100, r.c((0, 0, 1)))
        result = pct(r, 60, 100, r.c((0, 1, 2)))
    else:
        _, name, unit = _any_count(r) if roll == 1 else _any_money(r)
        goal, result = _fig_for(r, unit), _fig_for(r, unit)
        if r.p(0.5):  # the unit stated once, in the name or not at all: bare numbers in the cells
            goal, result = re.sub(r"[^0-9.,]+$", "", goal), re.sub(r"[^0-9.,]+$", "", result)
            gloss = r.c((f"（{unit}）", f"({unit})", ""))
        if not re.match(r"^[0-9]", goal) or not re.match(r"^[0-9]", result):
            return None  # 十余人, 两千余人次: no cell of a form is written so
        goal = r.c(_COMPARATORS) + goal
    points = r.c((5, 10, 10, 15, 20))
    return {"name": (lead, name, gloss), "goal": goal, "result": result, "points": str(points),
            "got": str(points if r.p(0.6) else float(r.f(points * 0.5, points, 1)))}


def t_indicator_table(r: _R):
    """A flattened indicator table: rows `name | goal | result | 分值 | 得分` joined by one separator.

    Nothing but the column order tells the goal from the result, the result is
    often a bare number (`≥3 4`), and scores sit beside them unannotated
    (guidelines: form scores are not spans).
    """
    s = _S()
    head = r.c(_TABLE_HEADS)
    sep = r.c((" | ", " | ", "\t", "  ", " "))
    end = r.c(("", "", " ||||", " |"))
    if r.p(0.6):
        s.t(sep.join(head) + end + "\n")
    numbering = r.c(("", "", "num", "cn", "paren"))
    for k in range(1, r.i(2, 5) + 1):
        row = _table_row(r, k, numbering)
        if row is None:
            return t_indicator_row(r)
        # level cells are written on a group's first row only, as merged cells flatten
        show_levels = k == 1 or r.p(0.3)
        cells = [(_COLUMN_KIND[h], h) for h in head
                 if _COLUMN_KIND[h] != "level" or show_levels]
        if cells[-1][0] == "note" and r.p(0.5):
            cells.pop()
        for j, (kind, h) in enumerate(cells):
            if j:
                s.t(sep)
            if kind == "level":
                s.t(r.c(_LEVELS[h]))
            elif kind == "name":
                lead, name, gloss = row["name"]
                s.t(lead).m(name).t(gloss)
            elif kind == "goal":
                s.g(row["goal"])
            elif kind == "result":
                s.v(row["result"])
            elif kind in ("points", "got"):
                s.o(row[kind])
            else:
                s.t(r.c(("无偏差", "按计划完成", "无")))
        s.t(end + "\n")
    s.text = s.text.rstrip("\n")
    return s, "indicator_table", "form"


def t_indicator_repeat(r: _R):
    """Rows whose 年度指标值 repeats the indicator name (D13, D14).

    With a figure in the name (`项目资金完成2500万元，年度指标值项目资金完成2500万元，实际完成值2500`)
    every copy is METRIC + TARGET; without one (`节约用煤，年度指标值节约用煤，实际完成值5万吨标煤`)
    only the name is a METRIC.
    """
    s = _S()
    lead = r.c(("", "", f"{r.i(1, 6)}、"))
    if r.p(0.5):
        dom, name, unit = _any_money(r) if r.p(0.5) else _any_count(r)
        verb = r.c(("完成", "达到", "实现", ""))
        fig = _fig_for(r, unit)
        s.t(lead).t(verb if verb == "实现" else "").m(name).t("" if verb == "实现" else verb).g(fig)
        s.t("，年度指标值").t(verb if verb == "实现" else "").m(name).t("" if verb == "实现" else verb).g(fig)
        bare = re.match(r"[0-9.,]+", fig)
        s.t("，实际完成值").v(bare.group() if bare and r.p(0.6) else fig)
    else:
        if r.p(0.5):
            dom, name = _any_rate(r)
            act = r.c(("＞", "", "")) + pct(r, 60, 100, r.c((0, 1))) + r.c(("", "以上"))
        else:
            dom, name, unit = _any_count(r) if r.p(0.5) else _any_money(r)
            act = _fig_for(r, unit)
        tail = r.c(("", "", "降低", "提高", "增加"))
        s.t(lead).m(name).t(tail).t("，年度指标值").t(name + tail).t("，实际完成值").v(act)
    return s, "indicator_repeat", dom


def t_fund_row(r: _R):
    s = _S()
    form = r.i(0, 3)
    y = r.i(2021, 2024)
    if form == 0:
        s.t(r.c(("", "其中：", f"{r.i(1, 4)}、"))).m(r.c(BUDGET_MONEY))
        s.t(f"，{y - 1}年决算数").v(r.f(0, 600, 2))
        s.t(f"，{y}年预算数").g(r.f(0, 600, 2)).t(f"，{y}年决算数").v(r.f(0, 600, 2))
    elif form == 1:
        s.m("年度资金总额").t("，年初预算数").g(r.f(500, 9000, 2)).t("，全年预算数").g(r.f(500, 9000, 2))
        s.t("，全年执行数").v(r.f(500, 9000, 2)).t("，").m("执行率").v(pct(r, 85, 100, 0))
    elif form == 2:
        if r.p(0.5):
            s.t(r.c(("其中：", ""))).m(r.c(("一般公共预算", "政府性基金拨款", "纳入专户管理的非税收入拨款", "其他资金")))
            s.t("：").g(r.c((r.f(0, 6000, 2), str(r.i(0, 900)), "0")))
        else:
            s.t(r.c(("其中：", ""))).m(r.c(("基本支出", "项目支出"))).t("：").v(r.f(100, 6000, 2))
    else:
        q = r.i(20, 120)
        s.m(r.c(("编制数", "编制人数"))).g(str(q)).t(f"，{y}年实际").m("在职人数").v(str(q - r.i(0, 5)))
        s.t("，").m("控制率").v(pct(r, 90, 100, 0))
    return s, "fund_row", "finance"


def _investment(s: _S, r: _R, fig, lead: str, unit: str) -> None:
    """`<lead>投资N` with only 投资 the METRIC (D21), but 总投资 whole (N11): `计划[总投资]`, `年度计划[投资]`."""
    if lead.endswith("总"):
        s.t(lead[:-1]).m("总投资")
    else:
        s.t(lead).m("投资")
    fig(money(r, unit))


def t_budget_narrative(r: _R):
    s = _S()
    name = r.c(BUDGET_MONEY)
    form = r.i(0, 3)
    if form == 0:
        s.t(f"{r.i(2021, 2024)}年").m(name).t(r.c(("年初预算", "预算", "年初预算数为", "预算数为"))).g(money(r, "万元"))
        s.t(r.c(("，实际支出", "，全年实际支出", "，决算支出", "，本年实际支出"))).v(money(r, "万元"))
        s.t(r.c(("，较预算减少", "，较预算增加", "，较年初预算减少"))).v(money(r, "万元"))
    elif form == 1:
        s.m(r.c(("“三公”经费", "三公经费"))).t(r.c(("年初预算数为", "预算数为", "年初预算"))).g(money(r, "万元")).t("，其中：")
        for j, it in enumerate(r.r.sample(["公务接待费", "公务用车运行维护费", "公务用车购置费", "因公出国（境）费用"], r.i(2, 3))):
            if j:
                s.t("，")
            s.m(it).g(money(r, "万元"))
    elif form == 2:
        s.m(r.c(("“三公”经费", "三公经费"))).t(r.c(("全年决算支出", "全年实际支出", "决算支出"))).v(money(r, "万元")).t("，其中：")
        for j, it in enumerate(r.r.sample(["公务接待费", "公务用车运行维护费", "公务用车购置费", "因公出国（境）费用"], r.i(2, 3))):
            if j:
                s.t("，")
            s.m(it).v(money(r, "万元"))
    else:
        proj = r.c(("碳谷产业基地项目", "城区供水管网改造工程", "农村公路提质改造工程", "县人民医院综合楼", "智慧校园建设项目"))
        s.t(proj)
        _investment(s, r, s.g, r.c(("计划", "总", "计划总")), r.c(("亿元", "万元")))
        _investment(s, r, s.v, r.c(("，已完成", "，累计完成", "，完成")), r.c(("亿元", "万元")))
        if r.p(0.5):
            s.t("，占计划投资的").v(pct(r, 30, 130, 1))
    return s.end(r), "budget_narrative", "finance"


def t_staff(r: _R):
    s = _S()
    q = r.i(15, 120)
    s.t(f"{r.i(2021, 2024)}年末，").t(r.c(("我局", "本单位", "市工信局", "市教育局", "县卫健局")))
    s.t(r.c(("共有", "核定"))).m(r.c(("编制人数", "编制数"))).g(f"{q}人").t("，").t(r.c(("实有", "年末实有", "实际")))
    s.m("在职人数").v(f"{q - r.i(0, 6)}人")
    return s.end(r), "staff", "finance"


def t_forecast(r: _R):
    s = _S()
    dom, name, unit = _any_money(r) if r.p(0.6) else _any_count(r)
    s.t(r.c(("全年预计", "预计全年", "预计")))
    s.t(r.c(("完成", "实现", "")))
    s.m(name).t(r.c(("", "将达", "达到"))).v(_fig_for(r, unit))
    if r.p(0.4):
        s.t("，同比增长").v(pct(r))
    return s.end(r), "forecast", dom


def t_score(r: _R):
    s = _S()
    s.t(r.c(("本部门", "市工信局", "我局", "县教育局")) + f"{r.i(2021, 2024)}年度部门整体支出")
    s.t(r.c(("绩效", "")))
    s.m("自评综合得分").t(r.c(("为", ""))).v(f"{r.f(80, 100, r.c((0, 1)))}分")
    s.t(r.c(("，评价等次为“优”", "，为“优”等级", "")))
    return s.end(r), "score", "finance"


def t_pool(r: _R):
    s = _S()
    if r.p(0.35):
        # 在37个大类行业中，有25个行业实现增长: the pool is not annotated, the set size is
        total = r.i(20, 41)
        s.t(r.c(("在", "全市", ""))).o(f"{total}个").t(r.c(("大类行业中", "工业大类行业中", "重点监测行业中")))
        s.t(r.c(("，有", "，"))).v(f"{r.i(5, total - 1)}个").m("行业").t(r.c(("实现增长", "增加值保持增长", "产值增长")))
        return s.end(r), "pool", "industry"
    noun = r.c(("“僵尸企业”", "重点企业", "监测企业", "建档立卡脱贫户", "在建项目", "问题线索"))
    unit = "户" if "户" in noun else ("条" if "线索" in noun else ("个" if "项目" in noun else "家"))
    total = r.i(30, 300)
    s.t(r.c(("全市", "全县", "截至目前，全市"))).o(f"{total}{unit}").m(noun).t("中，已有")
    s.v(f"{r.i(5, total - 1)}{unit}").t(r.c(("完成处置任务", "实现达标", "完成整改", "实现增长")))
    if r.p(0.4):
        s.t("，超过总数的").v(pct(r, 20, 95, 0))
    return s.end(r), "pool", "mixed"


def t_mixed_negative(r: _R):
    """A figure plus things never annotated: rankings, durations, names, years."""
    s = _S()
    dom, name = _any_rate(r)
    form = r.i(0, 3)
    if form == 0:
        s.t(f"连续{r.i(2, 11)}个月保持增长，").m(name).t(r.c(("达到", "为"))).v(pct(r, 50, 100, 1))
    elif form == 1:
        s.m(name).t("为").v(pct(r, 50, 100, 1)).t(f"，排名全省第{r.i(1, 14)}位，较上年前移{r.i(1, 5)}位")
    elif form == 2:
        s.t(r.c(("实施“1650”产业体系建设，", "围绕十大产业链，", "推进“12+1”产业链建设，", "推进5G网络建设，")))
        s.m(r.c(("PM2.5平均浓度", "5G基站", "十大产业链产值", "“12345”热线办结率")))
        s.t(r.c(("下降", "增长", "达到"))).v(pct(r, 1, 30, 1))
    else:
        s.t(f"{r.i(2019, 2024)}年{r.i(1, 12)}月{r.i(1, 28)}日，").t(r.c(("召开", "举办"))).m("产业链推进会").v(count(r, "次"))
        s.t("，出台“三年行动”方案")
    return s.end(r), "mixed_negative", dom


_NEGATIVES = (
    "{y}年{mo}月{d}日，召开全市{x}工作推进会，部署下阶段重点任务。",
    "{x}综合考核排名全省第{k}位，较上年前移{j}位。",
    "连续{k}个月保持增长态势，发展质量稳步提升。",
    "深入实施“{k}+{j}”产业发展战略，加快构建“{code}”现代产业体系。",
    "联系电话：0730-{phone}，联系人：{person}。",
    "根据《{x}专项资金管理办法》（{doc}财发〔{y}〕{k}号）要求，严格资金使用管理。",
    "推进5G网络和千兆光网建设，持续优化营商环境。",
    "实施“三年行动”计划，打造一号工程，推动{x}工作再上新台阶。",
    "半数以上企业实现两位数增长，{x}工作成效明显。",
    "严格落实中央八项规定精神，“三公”经费管理合规。",
    "预算执行合规，按年度计划完成，绩效目标基本实现。",
    "强化{x}监管，做到应检尽检、应改尽改。",
    "{y}年是“十四五”规划收官之年，全局上下统一思想、真抓实干。",
    "在全省{x}工作会议上作典型发言，第三方评估结果为优秀。",
    "填表人：{person}，填报日期：{y}年{mo}月{d}日。",
    "实施三年行动计划，连续{k}年获评全省{x}先进单位。",
    "{y}年{mo}月起，每季度开展一轮{x}督查，第{j}季度实现全覆盖。",
    "推进“{k}+{j}”重点工作，落实“一企一策”帮扶机制。",
)
_TOPICS = ("安全生产", "乡村振兴", "教育强县", "健康城市", "交通强省", "生态环境保护", "招商引资", "民生实事", "文明创建", "防汛抗旱")


def t_negative(r: _R):
    s = _S()
    s.t(r.c(_NEGATIVES).format(
        y=r.i(2019, 2024), mo=r.i(1, 12), d=r.i(1, 28), x=r.c(_TOPICS), k=r.i(2, 15), j=r.i(1, 6),
        code=r.c(("1650", "1+3+N", "4433", "121")), phone=str(r.i(1000000, 9999999)),
        person=r.c(("张敏", "李华", "王强", "刘洋", "陈静")), doc=r.c(DOC_PREFIX),
    ))
    return s, "negative", "none"


def t_list_verbs(r: _R):
    """D6: verbs of a shared subject are the METRICs (全市工业项目新签约242个、新开工199个)."""
    s = _S()
    s.t(_region(r, 0.6)).t(r.c(("工业项目", "重点项目", "招商项目", "")))
    verbs = r.r.sample(["新签约", "新开工", "新投产", "新竣工"], r.i(2, 3))
    for j, v in enumerate(verbs):
        if j:
            s.t("、")
        s.m(v).v(count(r, "个"))
    return s.end(r), "list_verbs", "industry"


# ---------------------------------------------------------------------------
# Status from context (real-dev DECISIONS T1-T8): the same figure shape is a
# VALUE or a TARGET by what the sentence around it says, not by its own words
# ---------------------------------------------------------------------------

_PROJECT_GROUPS = ("重点建设项目", "重点工程项目", "重大项目", "市级重点项目", "县级重点项目", "省市重点项目",
                   "政府投资项目", "基本建设项目", "固定资产投资项目")
_PROJECT_KINDS = ("产业发展", "城镇建设", "基础设施建设", "社会民生", "生态环境", "乡村振兴", "交通水利",
                  "教育卫生", "文化旅游", "新型基础设施", "现代农业", "商贸物流")


def t_project_portfolio(r: _R):
    """Project counts: listed or with 共/确定 a VALUE, under 计划/安排/批复 a TARGET (T6); 总投资 and
    年度计划投资 TARGETs, 完成投资 a VALUE, whatever the counts are."""
    s = _S()
    planned = r.p(0.4)
    fig = s.g if planned else s.v
    unit = r.c(("亿元", "亿元", "万元"))
    s.t(_time(r, 0.6)).t(_region(r, 0.5))
    if planned:
        s.t(r.c(("计划实施", "安排", "批复", "计划安排", "年度计划实施", "计划新开工")))
        s.m(r.c(_PROJECT_GROUPS)).t(r.c(("", "共"))).g(count(r, r.c(("项", "个"))))
    else:
        lead = r.c(("", "确定", "谋划确定", "纳入"))
        s.t(lead).m(r.c(_PROJECT_GROUPS)).t(r.c(("共", "共有", "")) if not lead else "").v(count(r, r.c(("项", "个"))))
    if r.p(0.5):
        s.t(r.c(("，其中：", "，其中", "。其中，")))
        for j, kind in enumerate(r.r.sample(_PROJECT_KINDS, r.i(2, 4))):
            if j:
                s.t(r.c(("；", "，")))
            s.m(kind + "项目")
            fig(f"{r.i(1, 60)}项")
            if r.p(0.35):
                levels = r.r.sample(["省级", "市级", "县级"], r.i(2, 3))
                s.t("（")
                for k, lev in enumerate(levels):
                    # each level of the breakdown is the METRIC of its count, as real-dev's gold has it
                    s.t("、" if k else "").m(lev)
                    fig(f"{r.i(1, 30)}项")
                s.t("）")
            elif r.p(0.5):
                s.t("，").t(r.c(("年度计划", "当年计划"))).m("投资").g(money(r, unit))
    s.t(r.c(("，", "。", "；")))
    _investment(s, r, s.g, r.c(("总", "总", "计划总")), unit)
    s.t("，")
    _investment(s, r, s.g, r.c(("年度计划", "当年计划", "年度计划完成")), unit)
    if r.p(0.5):
        s.t(r.c(("；", "。", "，"))).t(r.c(("1-11月", "截至目前", "全年", "上半年")) + r.c(("已", "累计", "", "共")))
        _investment(s, r, s.v, "完成", unit)
        if r.p(0.6):
            s.t(r.c(("，占年度计划的", "，完成年度计划的", "，为年度计划投资的"))).v(pct(r, 40, 130, 1))
    return s.end(r), "project_portfolio", "finance"


_ECONOMY_MONEY = ("地区生产总值", "第一产业增加值", "第二产业增加值", "第三产业增加值", "固定资产投资",
                  "社会消费品零售总额", "一般公共预算收入", "税收收入", "外贸进出口总额", "规模以上工业总产值",
                  "建筑业总产值", "农林牧渔业总产值", "旅游总收入", "批发零售业销售额")


def t_plan_progress(r: _R):
    """`X N亿元，完成年计划M亿元的P%，增长G%`: the actual a VALUE, the plan figure a TARGET and the
    ratio a VALUE, both without a METRIC of their own (M7)."""
    s = _S()
    s.t(_time(r, 0.5)).t(_region(r, 0.4))
    names = r.r.sample(_ECONOMY_MONEY, r.i(1, 3))
    for j, name in enumerate(names):
        if j:
            s.t(r.c(("；", "；", "，")))
        unit = r.c(("亿元", "亿元", "万元"))
        s.m(name).t(r.c(("", "", "完成", "实现", "达到"))).v(money(r, unit))
        form = r.i(0, 3)
        if form == 0:
            s.t(r.c(("，完成年计划", "，完成年度计划", "，为年计划"))).g(money(r, unit)).t("的").v(pct(r, 60, 130, 1))
        elif form == 1:
            s.t(r.c(("，完成年计划的", "，为年度计划的", "，完成年度目标任务的", "，占年度计划的"))).v(pct(r, 60, 130, 1))
        elif form == 2:
            s.t(r.c(("（年计划", "（年度目标"))).g(money(r, unit)).t("）")
        if r.p(0.3):
            s.t(r.c(("（主要是重点项目投产滞后）", "（主要是部分企业停产检修）", "（未达预期目标）", "（超额完成任务）")))
        if r.p(0.7):
            s.t(r.c(("，增长", "，同比增长", "，下降", "，同比下降"))).v(pct(r, 0.1, 15, 1))
    return s.end(r), "plan_progress", "industry"


# the three parts of the 三公经费, each in the wordings reports use
_FEE_ITEMS = (("因公出国（境）费", "因公出国（境）经费", "因公出国（境）费用"), ("公务接待费",),
              ("公务用车购置及运行维护费", "公务用车购置及运行费"))


def t_final_accounts(r: _R):
    """决算 statements: `财政拨款安排的“三公”经费支出N万元，比年初预算减少M万元` is the outturn, a
    VALUE, and the difference a VALUE (T3, T8); a budget year's `预算安排N万元` is a TARGET."""
    s = _S()
    y = r.i(2020, 2025)
    outturn = r.p(0.7)
    fig = s.v if outturn else s.g
    s.t(f"{y}年" + r.c(("度", "", "")))
    if outturn:
        s.t(r.c(("一般公共预算财政拨款安排的", "财政拨款安排的", "一般公共预算安排", "本部门", "")))
        head = r.c(("“三公”经费", "三公经费", "“三公”经费", "会议费", "培训费"))
        s.m(head).t(r.c(("支出", "支出决算为", "决算支出", "实际支出")))
    else:
        head = r.c(("“三公”经费", "三公经费", "会议费", "培训费"))
        s.m(head).t(r.c(("预算安排", "预算数为", "预算")))
    fig(money(r, "万元"))
    if r.p(0.8):
        s.t(r.c(("，比年初预算", "，较年初预算", "，比上年", "，较上年")) if outturn else r.c(("，比上年预算", "，较上年")))
        s.t(r.c(("增加", "减少"))).v(money(r, "万元"))
        if r.p(0.3):
            s.t(r.c(("，主要原因是严格控制公务活动", "，主要是压减一般性支出", "，主要原因是新增执法车辆")))
    if head in ("会议费", "培训费"):
        return s.end(r, ("。", "。", "；")), "final_accounts", "finance"
    s.t(r.c(("。其中：", "，其中：", "。其中，")))
    for j, item in enumerate(r.c(names) for names in r.r.sample(_FEE_ITEMS, 3)):
        if j:
            s.t("；")
        s.m(item).t(r.c(("", "支出", "")) if outturn else "").t(r.c(("", "为")))
        fig(money(r, "万元") if r.p(0.85) else "0万元")
        roll = r.i(0, 3)
        if roll == 0 and outturn:
            s.t(r.c(("，与年初预算持平", "，和年初预算持平", "，与上年持平")))
        elif roll == 1:
            s.t(r.c(("，比年初预算", "，较上年")) if outturn else "，比上年").t(r.c(("减少", "增加"))).v(money(r, "万元"))
        elif roll == 2 and outturn:
            s.t(r.c(("，下降", "，增长"))).v(pct(r, 0.5, 60, 1))
    return s.end(r, ("。", "。", "；")), "final_accounts", "finance"


_GOAL_HEADS = ("主要预期目标：", "年度主要目标：", "{y}年工作目标：", "{y}年主要预期目标是：", "{y}年重点工作安排：",
               "下一步工作计划：", "总体目标：", "年度绩效目标：", "明年主要目标：", "{y}年，")
def _goal_item(r: _R, s: _S) -> None:
    roll = r.i(0, 3)
    if roll == 0:
        name = r.c(INDUSTRY_GROWTH)[0] if r.p(0.5) else _any_money(r)[1]
        s.m(name).t(r.c(("增长", "同比增长", "增长", "增速"))).g(pct(r, 2, 15, r.c((0, 1))) + r.c(("", "左右", "以上", "")))
    elif roll == 1:
        dom, name, unit = _any_money(r) if r.p(0.5) else _any_count(r)
        s.m(name).t(r.c(("", "达到", "突破", "稳定在", "保持在"))).g(_fig_for(r, unit) + r.c(("", "", "以上")))
    elif roll == 2:
        # a building verb stays outside the METRIC (M1)
        verb, name, units = r.c(LIGHT_COUNTS)
        s.t(verb).m(name).g(_fig_for(r, r.c(units)))
    else:
        dom, name = _any_rate(r)
        verb = r.c(("达到", "不低于", "保持在", ""))
        s.m(name).t(verb).g(pct(r, 60, 100, r.c((0, 1))) + ("" if verb == "不低于" else r.c(("", "以上"))))


def t_goal_list(r: _R):
    """A goal list: after one heading every item is a TARGET, with no cue word of its own (T1, T4);
    `底线目标…；奋斗目标…` pairs."""
    s = _S()
    y = r.i(2022, 2026)
    if r.p(0.25):
        dom, name, unit = _any_money(r)
        s.t(f"{y}年" if r.p(0.5) else "").m(name).t(r.c(("：", "，")))
        for j, head in enumerate(("底线目标", "奋斗目标")):
            if j:
                s.t("；")
            s.t(head).g(money(r, unit)).t("，增长").g(pct(r, 2, 15, r.c((0, 1))))
        return s.end(r), "goal_list", dom
    s.t(r.c(_GOAL_HEADS).format(y=y))
    for j in range(r.i(2, 5)):
        if j:
            s.t(r.c(("；", "，", "；")))
        _goal_item(r, s)
    return s.end(r), "goal_list", "mixed"


_BUDGET_YEAR = ("一般公共预算收入", "税收收入", "一般公共预算支出", "政府性基金预算收入", "政府性基金预算支出",
                "基本支出", "项目支出", "非税收入", "国有资本经营预算收入")


def t_budget_plan(r: _R):
    """A budget of the coming year: `安排N亿元，增长P%` are both TARGETs (a plan); a difference to last
    year's budget is still a VALUE (T8)."""
    s = _S()
    s.t(f"{r.i(2022, 2026)}年").t(r.c(("，", "", "预算，"))).t(_region(r, 0.6))
    for j, name in enumerate(r.r.sample(_BUDGET_YEAR, r.i(1, 3))):
        if j:
            s.t(r.c(("；", "，")))
        unit = r.c(("亿元", "万元"))
        s.m(name).t(r.c(("安排", "预算安排", "预计安排", "预算数为", "计划"))).g(money(r, unit))
        roll = r.i(0, 2)
        if roll == 0:
            s.t(r.c(("，增长", "，同比增长", "，下降"))).g(pct(r, 0.5, 12, 1))
        elif roll == 1:
            s.t(r.c(("，比上年预算增加", "，较上年预算减少", "，比上年年初预算增加"))).v(money(r, unit))
    return s.end(r), "budget_plan", "finance"


TEMPLATES = (
    (t_growth, 14), (t_level, 14), (t_light_count, 4), (t_count_list, 8), (t_count_before_noun, 6),
    (t_share, 6), (t_fenbie, 6), (lambda r: t_fenbie(r, goal=True), 4), (t_target, 22),
    (t_indicator_row, 14), (t_indicator_table, 8), (t_indicator_repeat, 5), (t_fund_row, 7), (t_budget_narrative, 6), (t_staff, 2), (t_forecast, 3),
    (t_score, 1), (t_pool, 2), (t_mixed_negative, 4), (t_negative, 6), (t_list_verbs, 2),
    (t_project_portfolio, 4), (t_plan_progress, 4), (t_final_accounts, 3), (t_goal_list, 6), (t_budget_plan, 3),
)


# ---------------------------------------------------------------------------
# Generation and checks
# ---------------------------------------------------------------------------


def check(example: Example, ignore: Iterable[tuple[int, int]] = ()) -> list[str]:
    """Problems of one generated example: corpus validity and agreement with the figure parser.

    Every VALUE/TARGET span must be a figure `find_quantities` finds, no figure may
    lie inside a METRIC, and every figure it finds must be annotated unless it is
    in `ignore` (a pool count the guidelines leave out).
    """
    problems = validate(example)
    figs = {(s, e) for s, e, _ in find_quantities(example.text)}
    marked = {(e.start, e.end) for e in example.entities if e.label in ("VALUE", "TARGET")}
    for s, e in sorted(figs - marked - set(ignore)):
        problems.append(f"figure {example.text[s:e]!r} is not annotated")
    for ent in example.entities:
        if ent.label in ("VALUE", "TARGET") and (ent.start, ent.end) not in figs:
            problems.append(f"{ent.label} {example.text[ent.start:ent.end]!r} is not a figure find_quantities finds")
        if ent.label == "METRIC":
            for s, e in figs:
                if ent.start <= s < ent.end or ent.start < e <= ent.end:
                    problems.append(f"METRIC {example.text[ent.start:ent.end]!r} holds a figure")
    return problems


def _dev_test_texts() -> set[str]:
    """Texts of every gold file outside the train split (dev, test, ood, blind), never to be generated verbatim."""
    from extractor.tagger.corpus import read_jsonl, read_split

    ann = ROOT / "annotations"
    readme = ann / "README.md"
    if not readme.exists():
        return set()
    out = set()
    for name, split in read_split(readme).items():
        if split != "train" and (ann / name).exists():
            out |= {ex.text.strip() for ex in read_jsonl(ann / name)}
    for p in [*ann.glob("ood*.jsonl"), *ann.glob("blind*.jsonl")]:
        out |= {ex.text.strip() for ex in read_jsonl(p)}
    return out


# Result-shaped sentences (`规模工业增加值增长7.5%`) that read the same in a goal
# cell, where their figures are TARGETs (D21), and goal-shaped ones whose cue
# words already make them TARGETs.
_RESULT_SHAPES = {"growth", "level", "light_count", "count_list", "count_before_noun", "share", "fenbie", "list_verbs"}
_GOAL_SHAPES = {"target", "fenbie_goal"}


def _with_role(r: _R, s: _S, template: str) -> tuple[_S, str | None]:
    """The sentence as a goal cell, a result cell or plain text (`extractor.tagger.roles`)."""
    roll = r.r.random()
    if template in _RESULT_SHAPES:
        differences = any("百分点" in s.text[a:b] for a, b, lab in s.ents if lab == "VALUE")
        if roll < 0.3 and not differences:
            # a goal list item: `1、规模工业增加值增长7.5%，新增规模以上企业150家。`
            lead = r.c(("", "", f"{r.i(1, 6)}、", f"（{r.c('一二三四')}）", f"{r.i(1, 6)}."))
            goal = _S()
            goal.text = lead + s.text
            goal.ents = [(a + len(lead), b + len(lead), "TARGET" if lab == "VALUE" else lab) for a, b, lab in s.ents]
            goal.ignore = [(a + len(lead), b + len(lead)) for a, b in s.ignore]
            return goal, "goal"
        if roll < 0.5:
            return s, "result"
    elif template in _GOAL_SHAPES and roll < 0.3 and all(lab != "VALUE" for _, _, lab in s.ents):
        return s, "goal"
    return s, None


def generate(n: int, seed: int = 13, exclude_texts: Iterable[str] | None = None, vocab: float = 0.0) -> list[Example]:
    """`n` generated examples, the same for the same (n, seed, vocab); `vocab` as in `_R`."""
    r = _R(seed, vocab)
    exclude = set(_dev_test_texts() if exclude_texts is None else exclude_texts)
    funcs = [f for f, w in TEMPLATES for _ in range(w)]
    out: list[Example] = []
    seen: set[str] = set()
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > n * 20 + 1000:
            raise RuntimeError(f"could not generate {n} valid sentences (got {len(out)})")
        fn = r.c(funcs)
        s, name, dom = fn(r)
        s, role = _with_role(r, s, name)
        text = s.text
        if not text.strip() or text.strip() in exclude or text in seen:
            continue
        # leading/trailing whitespace would shift nothing, but keep texts clean
        ents = sorted(s.ents)
        ex = Example(
            id=f"synth-{seed}#{len(out) + 1}",
            text=text,
            entities=[Entity(start=a, end=b, label=lab) for a, b, lab in ents],
            source=f"training.synth seed={seed} template={name} domain={dom}" + (f" role={role}" if role else ""),
        )
        if check(ex, s.ignore):
            continue
        seen.add(text)
        out.append(ex)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.synth", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--vocab", type=float, default=0.0, help="share of metric names drawn from training/vocab (0-1)")
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args(argv)
    examples = generate(args.n, seed=args.seed, vocab=args.vocab)
    write_jsonl(args.out, examples)
    from collections import Counter

    counts = Counter(e.label for ex in examples for e in ex.entities)
    empty = sum(1 for ex in examples if not ex.entities)
    print(f"wrote {len(examples)} examples to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f", {empty} without entities", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
