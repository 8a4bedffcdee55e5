"""Word lists of the rule tagger: metric names and heads, and the cue words of the guidelines.

Everything here is data. The lists follow `/work/shared/annotation-guidelines.md`
and the decisions D1..D28 of `annotations/README.md`; the comments name the rule
each list implements. `rules.py` holds the logic that uses them.

Metric names come from three places:

- `SEED_METRICS`: indicator names as they are written in the TRAIN seeds
  (seed_002, seed_003) and in the guidelines' own examples. Names that occur
  only in the dev/test seeds (001, 000, 004) are deliberately NOT listed, so
  the dev/test figures of the rule tagger are not inflated by memorisation.
- `CROSS_DEPARTMENT_METRICS`: a curated vocabulary of other departments
  (education, health, agriculture, transport, water, environment, civil
  affairs, culture/tourism, public security, housing, finance), so that the
  tagger and the synthetic data reach beyond 工信局.
- `METRIC_HEADS`: head words a metric name usually ends with (率, 量, 经费 ...).

`load_jieba()` registers all names and cue words as jieba words, so that
segmentation never cuts through them.
"""

from __future__ import annotations

import re
from functools import lru_cache

# ---------------------------------------------------------------------------
# Metric names
# ---------------------------------------------------------------------------

#: Indicator names of the train seeds and the guidelines (canonical forms).
SEED_METRICS: tuple[str, ...] = (
    # guidelines' examples
    "规模工业增加值", "工业投资", "工业技改投资", "新增规模工业企业", "三公经费", "公务接待费",
    "预算执行率", "服务企业满意度", "5G基站", "项目资金", "技改投资", "走访企业", "在校生",
    "腾退土地", "增加值", "自评综合得分",
    # seed 002 / 003 (train)
    "规模工业总产值", "规模工业增长值", "实缴工业税收", "新增规模企业", "“三公”经费", "三公经费支出",
    "“三公经费”变动率", "三公经费控制率", "一般公共预算", "一般公共预算支出", "一般公共预算收入",
    "一般公共预算财政拨款收入", "政府性基金拨款", "纳入专户管理的非税收入拨款", "其他资金",
    "上年结转", "当年结余", "累计结余", "公共财政拨款", "其他收入", "事业收入",
    "基本支出", "项目支出", "人员支出", "公用支出", "人员经费支出", "公用经费", "公用经费支出",
    "工资福利支出", "商品和服务支出", "对个人和家庭补助支出", "资本性支出", "对企业补助",
    "公务用车运行维护费", "公务用车购置费", "公务用车运维费", "公务用车运行费用", "因公出国（境）费用",
    "因公出国费", "公务用车购置和维护经费", "公车购置", "公车运行维护", "出国经费", "公务接待",
    "办公费", "办公经费", "会议费、培训费", "水费、电费、差旅费", "政府采购金额", "综合专项",
    "固定资产", "在用固定资产", "年度资金总额", "执行率", "控制率", "在职人员控制率",
    "政府采购执行率", "重点支出安排率", "预算调整率", "公务卡刷卡率", "编制数", "编制人数",
    "人员编制", "在职人数", "行政编", "事业编", "工勤编", "内设机构", "内设科室", "事业单位",
    "全额拨款事业单位", "社会群众满意度", "社会公众满意度", "工业用电量", "工业企业用电量",
    "工业对全市经济增长贡献率", "占全市规模工业总产值比重", "五大战略性产业集群产值",
    "十大产业链产值", "新增上云企业", "上平台企业", "智能制造企业", "智能制造生产线（车间）",
    "智能工位", "新签约项目", "新开工项目", "新投产项目", "签约项目", "签约资金", "签约投资额",
    "总投资额", "投资额", "制造业贷款余额", "减免税费", "节约办电成本", "减轻社保负担",
    "企业总营收", "销售收入", "上缴税收", "申请专利", "授权发明专利", "突破关键技术",
    "协调解决问题", "收集交办企业问题", "解决率", "推送惠企政策信息", "发布信息",
    "发布招商引资项目", "采购意向", "盘活土地", "利用闲置厂房", "宣传报道", "整治点位", "整治线缆",
    "技术创新沙龙", "走访调研", "创新工程师", "创新工程师培训", "产业链专题调度会",
    "立项争资", "超长期特别国债资金", "市人大代表建议", "政协委员提案", "打分结果",
    "预算执行率得分", "公车保有量", "公务车保有量", "欠款", "省级集群",
    "国家级中小企业特色产业集群", "三公经费支出总额",
)

#: Curated metric names of other departments (canonical, without region/time prefixes).
#: Generic statistical indicator names only; written from the departments' standard
#: indicator vocabularies, NOT copied from the hand-written OOD evaluation set
#: (annotations/ood_handwritten.jsonl), so that set stays a fair test.
CROSS_DEPARTMENT_METRICS: dict[str, tuple[str, ...]] = {
    "education": (
        "在校生", "在园幼儿", "招生人数", "毕业生", "入学率", "毛入学率", "毛入园率", "巩固率",
        "升学率", "师生比", "生均公用经费", "学生资助", "体质健康达标率", "校舍", "学位",
        "教师培训", "教育经费", "控辍保学",
    ),
    "health": (
        "门诊量", "门诊人次", "住院人次", "床位使用率", "病床使用率", "疫苗接种率",
        "孕产妇死亡率", "婴儿死亡率", "健康管理率", "执业医师", "注册护士", "每千人口床位数",
        "患者满意度", "基本公共卫生服务", "村卫生室", "居民电子健康档案建档率", "平均住院日", "药占比",
    ),
    "agriculture": (
        "粮食产量", "播种面积", "高标准农田", "农村居民人均可支配收入", "综合机械化率",
        "生猪存栏", "肉类总产量", "水产品产量", "化肥使用量", "农药使用量", "畜禽粪污资源化利用率",
        "农业龙头企业", "家庭农场", "农业总产值", "农林牧渔业总产值", "农村集体经济收入",
    ),
    "transport": (
        "公路里程", "客运量", "货运量", "旅客周转量", "货物周转量", "路网密度", "吞吐量",
        "固定资产投资", "公交线路", "充电桩", "危桥", "公交车",
    ),
    "water": (
        "水利建设投资", "农村自来水普及率", "农村供水保障人口", "水土流失治理面积", "堤防加固",
        "病险水库除险加固", "用水总量", "地表水水质达标率", "河道清淤",
    ),
    "environment": (
        "空气质量优良天数比例", "空气质量优良率", "PM2.5浓度", "PM2.5平均浓度", "PM10浓度",
        "森林覆盖率", "城市生活污水处理率", "生活垃圾无害化处理率", "重污染天数",
        "化学需氧量排放量", "氨氮排放量", "建成区绿化覆盖率", "人均公园绿地面积",
    ),
    "civil_affairs": (
        "低保对象", "城乡低保对象", "特困供养人员", "低保资金", "养老床位", "养老机构",
        "护理型床位占比", "社区养老服务设施覆盖率", "临时救助", "残疾人两项补贴", "婚姻登记", "社会组织",
    ),
    "culture_tourism": (
        "接待游客", "旅游总收入", "文化惠民演出", "公共图书馆", "图书流通人次", "文物保护单位",
        "A级旅游景区", "送戏下乡", "农家书屋",
    ),
    "public_security": (
        "刑事案件立案数", "破案率", "命案破案率", "电信网络诈骗案件", "道路交通事故死亡人数",
        "群众安全感", "110接处警",
    ),
    "housing": (
        "保障性住房", "棚户区改造", "老旧小区改造", "农村危房改造", "住房公积金归集额", "公租房",
        "城市燃气普及率", "城市污水处理率", "商品房销售面积",
    ),
    "finance": (
        "预算执行率", "三公经费", "公用经费", "一般公共预算收入", "一般公共预算支出", "税收收入",
        "非税收入", "民生支出", "政府债务", "财政资金", "项目支出", "基本支出", "绩效目标覆盖率",
        "政府采购执行率",
    ),
}

#: Every metric name the tagger knows, longest first.
METRIC_NAMES: tuple[str, ...] = tuple(
    sorted(
        {*SEED_METRICS, *(n for names in CROSS_DEPARTMENT_METRICS.values() for n in names)},
        key=lambda s: (-len(s), s),
    )
)

#: Words a metric name usually ends with (the head of the noun phrase).
METRIC_HEADS: tuple[str, ...] = (
    "率", "比例", "比重", "占比", "量", "额", "数", "度", "值", "指数", "浓度", "密度",
    "费", "经费", "费用", "支出", "收入", "资金", "投资", "产值", "增加值", "税收", "营收",
    "余额", "结余", "结转", "拨款", "补助", "补贴", "预算", "资产", "成本", "负担",
    "企业", "项目", "单位", "机构", "科室", "专班", "集群", "基地", "园区", "平台",
    "人数", "人员", "人次", "人口", "学生", "教师", "干部", "患者", "农户", "对象", "游客",
    "面积", "里程", "产量", "总量", "土地", "厂房", "农田", "公路", "线路", "车辆", "床位",
    "活动", "会议", "培训", "讲座", "沙龙", "大赛", "调度会", "对接会", "推介会", "检查",
    "行为", "案件", "案例", "事件", "事故", "问题", "隐患", "建议", "提案", "政策", "信息",
    "专利", "技术", "基站", "工位", "生产线", "车间", "点位", "线缆", "设施", "学校", "学位",
    "医院", "卫生院", "卫生室", "得分", "满意度", "覆盖率", "吞吐量", "客运量", "货运量",
    "推进会", "座谈会", "培训班", "交流会", "观摩会", "现场会", "发布会", "招聘会", "博览会", "研讨会",
    "推介会", "洽谈会", "协调会", "联席会议", "专题会议",
)

# ---------------------------------------------------------------------------
# METRIC boundaries
# ---------------------------------------------------------------------------

#: Region and owner prefixes (guidelines; D5). Dropped from the left of a METRIC.
REGION_PREFIXES: tuple[str, ...] = (
    "全市", "我市", "本市", "全县", "我县", "本县", "全区", "我区", "本区", "全州", "全省", "我省",
    "全国", "全镇", "全乡", "全村", "各县市区", "各县区", "各地", "市本级", "县本级",
    "本部门", "本单位", "我局", "本局", "局机关", "局本级", "局所属", "局属", "企业端",
    "市工信局", "市财政", "各产业园区", "各园区", "全行业", "全系统", "全局",
)

#: Time prefixes (guidelines). Dropped wherever they stand in front of the METRIC.
TIME_WORDS: tuple[str, ...] = (
    "全年", "今年以来", "今年", "年内", "年末", "年底", "年初", "年中", "本年度", "本年", "当年",
    "上半年", "下半年", "同期", "目前", "截至目前", "截止目前", "近年来", "以来", "期间", "届时",
)
#: Regex of written dates and periods (2024年, 2024年度, 1-12月, 截至11月底, 到2025年 ...).
TIME_RE = re.compile(
    r"(?:截至|截止|到|至|于)?(?:\d{4}\s*年(?:度|末|底|初|中|以来)?|\d{1,2}\s*[-－~～至到]\s*\d{1,2}\s*月(?:份)?"
    r"|\d{1,2}\s*月(?:份|底|末|初)?(?:\d{1,2}\s*日)?(?:前|以来)?|[一二三四]季度|第[一二三四]季度)"
)

#: Change words (guidelines + D1): stay outside the METRIC, stripped from its right.
CHANGE_WORDS: tuple[str, ...] = (
    "同比增长", "同比下降", "同比提高", "同比减少", "同比增加", "同比上升", "同比降低", "环比增长",
    "年均增长", "平均增长", "增长率", "增速", "增幅", "增长", "下降", "降低", "压减", "提高", "提升",
    "减少", "增加", "上升", "回落", "同比", "环比", "较上年", "比上年", "较去年", "比去年",
    "较年初", "比年初", "降幅", "涨幅", "降至", "降到", "提高到", "提高至", "提升到", "提升至",
    "增加到", "增加至", "增长到", "增长至", "下降到", "下降至", "减少到", "减少至",
)

#: Words before a figure that stay outside both the figure and the METRIC.
LINK_WORDS: tuple[str, ...] = (
    "不低于", "不少于", "不小于", "不超过", "不高于", "不大于", "不多于", "控制在", "保持在", "稳定在",
    "维持在", "达到", "达", "超过", "超", "突破", "至少", "最少", "最多", "约为", "约", "近",
    "接近", "将近", "大约", "高于", "低于", "多于", "少于", "不足", "不到", "为", "是", "至", "到",
    "共", "共计", "合计", "总计", "累计", "计", "分别为", "分别达到", "分别达", "分别", "均为", "均达到",
    "均达", "均", "双双", "将达", "已达", "已", "将", "有", "占", "计划", "预计", "实现", "完成",
    "达成", "获得", "取得", "：", ":", "了", "总数", "家数", "总量为", "数量", "平均", "年均",
)

#: Count suffixes and total words (D2): stripped from the right of a METRIC.
COUNT_SUFFIXES: tuple[str, ...] = ("家数", "总数", "合计", "总计", "累计", "共计", "数量", "个数", "起数")

#: Status words (guidelines): never a METRIC; a figure introduced only by them has none.
STATUS_WORDS: tuple[str, ...] = (
    "年初预算数", "全年预算数", "年初预算", "全年执行数", "全年决算数", "预算数", "执行数", "决算数",
    "任务数", "完成值", "实际完成值", "年度指标值", "指标值", "年度目标值", "目标值", "预期目标", "年度目标",
    "年度任务", "目标任务", "计划数", "实际支出", "决算支出", "实际完成", "预算", "决算", "调整追加",
    "年中调整追加", "本年结转及年中调整追加", "结转及年中调整追加", "追加", "实际", "实有", "本年实际支出",
    "全年实际支出", "实际拨付", "实际到位", "到位", "拨付", "执行", "目标", "任务", "计划",
)

#: Light verbs (D3 "out"; N13): never part of a METRIC, cut at them.
LIGHT_VERBS: tuple[str, ...] = (
    "实现", "完成", "达到", "实施", "获得", "取得", "争取", "拥有", "共有", "办理", "跻身", "发现",
    "新建", "建成", "新改建", "改扩建", "开展", "召开", "举办", "培育", "撰写", "达成", "组织",
    "推动", "推进", "落实", "安排", "下达", "下拨", "拨付", "用于", "保持",
    "带领", "引导", "支持", "帮助", "协助", "促进", "加快", "加强", "做好", "持续", "统计",
    "查处", "立案查处", "处理", "牵头", "出台", "建立", "设立", "成立", "纳入", "入选", "获评",
    "获批", "获", "挂帅", "深入", "参加", "召集", "派出", "招收", "完善", "继续", "配备", "累计",
    "明确", "收录", "协调", "核定", "批复", "比如", "例如", "含", "包含", "指导", "选派", "抽调",
    "预期", "目标是", "目标为", "年度目标", "预期目标", "编制了", "起草", "印发", "制定", "组建", "打造", "创建", "引进了",
    "共计", "总计", "合计", "共", "预计", "计划", "力争", "确保", "争创", "全力", "进一步",
    "有效", "实际", "已经", "已", "将", "再次", "均", "分别", "通过", "依托",
)

#: Verbs that define what is counted (D3 "in", N13): kept at the start of a METRIC.
DEFINING_VERBS: tuple[str, ...] = (
    "新增", "净增", "新认定", "新签约", "新开工", "新投产", "新申报认定", "新申报", "走访座谈",
    "走访", "腾退", "申请", "申报", "突破", "检查", "整治", "解决", "协调解决", "收集交办", "收集",
    "推送", "包装", "节约", "减轻", "减免", "上缴", "实缴", "授权", "发布", "推介", "盘活",
    "利用", "察看", "调度", "回复", "受理", "办结", "资助", "培训", "更新", "扶持", "带动",
    "接种", "发放", "招聘", "帮扶", "救助", "慰问", "签约", "认定", "接待", "立项", "清理",
    "排查", "整改", "调解", "化解", "督办", "培养", "引进", "卸载", "主办", "新竣工",
)

#: Adverbs and prepositions that end the METRIC on its left (cut after them).
ADVERB_BARRIERS: tuple[str, ...] = (
    "积极", "持续", "深入", "主动", "严格", "成功", "全力", "大力", "实地", "集中", "高效", "及时",
    "定期", "先后", "全面", "进一步", "不断", "切实", "扎实", "着力", "共同", "按时",
    "按期", "适时", "已经", "对外", "向上", "线上", "线下", "现场", "当场", "同时", "另外",
    "此外", "其中", "包括", "以", "主要", "总体", "整体", "一是", "二是", "三是", "四是", "五是",
    "六是", "七是", "八是", "九是", "十是", "在", "对", "向", "从", "于", "按", "按照", "通过",
    "围绕", "根据", "经", "由", "为", "把", "将", "被", "和", "与", "及", "以及", "并",
)

#: Generic words that trail a counted noun and are not part of it (`4家搬改关工作`).
TRAILING_ACTIVITY: tuple[str, ...] = ("提质改造", "改造", "建设", "工作", "方案", "任务", "申报", "认定")

# ---------------------------------------------------------------------------
# TARGET vs VALUE
# ---------------------------------------------------------------------------

#: Cue words that make the following figure a TARGET (guidelines "VALUE and TARGET").
TARGET_CUES: tuple[str, ...] = (
    "预期目标", "绩效目标", "年度目标", "目标值", "目标", "预期", "计划投资", "计划", "力争",
    "确保", "任务", "年度指标值", "指标值", "控制在", "年初预算数", "全年预算数", "年初预算",
    "预算数", "预算", "下达", "安排", "下拨", "总投资", "编制数", "编制人数", "人员编制",
    "核定编制", "核定", "调整追加", "追加", "不少于", "不低于", "不超过", "不高于", "不大于", "不小于",
    "不多于", "争取达到", "要求", "标准",
)

#: Cue words that make the following figure a VALUE (executed, received, final, forecast).
VALUE_CUES: tuple[str, ...] = (
    "实际完成值", "实际完成", "实际支出", "实际拨付", "实际到位", "实际", "执行数", "决算数",
    "决算", "到位", "拨付", "完成投资", "已完成", "完成了", "实有", "在职", "预计", "预测",
    "执行率", "累计完成", "全年完成", "已", "实现了", "达到了", "较",
)

#: Sentence openers that make every figure of the sentence a goal.
GOAL_OPENERS_RE = re.compile(
    r"^(?:\s*(?:\d+|[一二三四五六七八九十]+)\s*[、.．]\s*)?"
    r"(?:(?:(?:重点)?工作计划|预期目标|绩效目标|年度目标|总体目标|目标\s*\d*|任务\s*\d*|计划\s*\d*|主要目标)\s*[：:]"
    r"|力争|确保|预期|计划(?!投资)|目标是|目标为|目标到)"
)

#: Staffing quota words (D11, N12): figure is a TARGET.
QUOTA_WORDS: tuple[str, ...] = ("编制数", "编制人数", "人员编制", "行政编", "事业编", "工勤编", "核定编制")

#: Fund categories (D16): 按收入性质分 cells are TARGET, 按支出性质分 cells VALUE.
INCOME_CATEGORIES: tuple[str, ...] = (
    "一般公共预算", "政府性基金拨款", "政府性基金", "纳入专户管理的非税收入拨款", "其他资金",
    "财政拨款", "上级补助",
)
EXPENSE_CATEGORIES: tuple[str, ...] = ("基本支出", "项目支出")

#: Header words of table rows that are VALUE columns / TARGET columns.
VALUE_HEADERS: tuple[str, ...] = ("决算数", "执行数", "实际完成值", "实际", "实有", "执行率", "控制率")
TARGET_HEADERS: tuple[str, ...] = ("预算数", "年初预算", "全年预算", "年度指标值", "指标值", "目标值", "编制")

#: Words that mark a sentence as a rule of the scoring form (N9): points are never figures.
SCORING_RULE_RE = re.compile(
    r"计\s*\d+(?:\.\d+)?\s*分|扣\s*\d*(?:\.\d+)?\s*分|扣完为止|不得分|得\s*\d+(?:\.\d+)?\s*分|[，,]\s*\d+(?:\.\d+)?\s*分\s*[；;。]?$"
)

# ---------------------------------------------------------------------------
# jieba
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_jieba():
    """jieba with every lexicon word registered (so it never cuts through a name); cached."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = {
        *METRIC_NAMES, *REGION_PREFIXES, *TIME_WORDS, *CHANGE_WORDS, *STATUS_WORDS, *LIGHT_VERBS,
        *DEFINING_VERBS, *ADVERB_BARRIERS, *TARGET_CUES, *VALUE_CUES, *QUOTA_WORDS,
    }
    for w in sorted(words):
        if len(w) > 1 and not re.search(r"[\d“”（）()、]", w):
            jieba.add_word(w, freq=20000)
    jieba.initialize()
    return jieba
