"""Every word the forms reader knows: column headers, budget-row labels, total
rows, department labels and form titles, with the synonyms that departments
across the country print.

This is the one place to add a synonym. Matching is done on normalised
headers (`columns.normalise_header`: no spaces, line breaks, bracketed letters,
units, points or formulas), and a header's role is decided together with what
its column holds (`columns.assign_roles`), so a word here is a hint, not a rule.
"""

from __future__ import annotations

# --- the indicator block ----------------------------------------------------

INDICATOR_ROLES: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "绩效指标名称", "指标名称", "三级指标名称", "具体指标", "指标内容"),
    "criteria": ("评分标准", "评分细则", "评分依据", "评分方法", "评价标准", "计分方法", "评分规则"),
    # 指标性质 holds the comparator of a target split over three columns (Sichuan, Yunnan)
    "comparator": ("指标性质", "指标值性质", "比较符", "指标方向"),
    "target": ("年度指标值", "指标值", "目标值", "年度目标值", "预期指标值", "年度目标", "预期目标值", "计划值",
               "年初目标值", "预期值", "指标目标值", "绩效目标值", "年度绩效目标值", "年度计划值", "目标"),
    "unit": ("度量单位", "计量单位", "单位", "指标单位"),
    "actual": ("实际完成值", "完成值", "实际完成情况", "实际值", "全年实际完成值", "实际完成", "完成情况",
               "全年实际值", "全年完成值", "实际完成指标值", "实际达成值", "年度实际完成值", "实际完成数", "全年完成情况"),
    "weight": ("分值", "权重", "标准分值", "指标权重", "权重分", "权重（分值）", "分数", "指标分值", "权重分值"),
    "score": ("得分", "自评得分", "评分", "实际得分", "评价得分", "自评分", "指标得分"),
    "note": ("偏差原因分析及改进措施", "偏差原因", "扣分原因和其他说明", "扣分原因", "未完成原因分析", "原因分析",
             "未完成原因", "未完成原因和改进措施", "偏差原因分析", "偏差原因及改进措施", "未完成原因分析及改进措施",
             "备注", "说明", "产生偏差原因"),
}
# what names the rows where no column says 三级指标 or 指标名称 (tried only on a table that has no such column:
# elsewhere 绩效指标 is the block's label over 一级/二级/三级指标)
NAME_FALLBACK = ("绩效指标", "指标", "考核指标", "评价指标", "指标项目", "二级指标")
NOTE_PREFIXES = ("偏差原因", "扣分原因", "未完成原因", "产生偏差")

# --- the budget block ----------------------------------------------------------

FUNDS_ROLES: dict[str, tuple[str, ...]] = {
    "initial_budget": ("年初预算数", "年初预算", "年初预算资金总额", "年初预算资金", "年初预算金额", "年初部门预算安排金额",
                       "年初预算安排金额", "年初预算安排"),
    "annual_budget": ("全年预算数", "全年预算", "调整后预算数", "调整预算数", "调整后预算", "全年预算资金", "预算调整数",
                      "调整后全年预算数", "预算数", "预算安排小计", "全年预算安排"),
    "executed": ("全年执行数", "执行数", "全年支出数", "预算执行数", "实际投入资金额", "全年实际支出", "实际支出数",
                 "实际执行数", "全年实际执行数", "实际投入资金", "执行金额", "全年执行资金", "执行资金", "年度拨付金额",
                 "全年支出", "全年支出金额"),
    "execution_rate": ("执行率", "预算执行率", "资金执行率", "全年执行率", "支出实现率", "预算执行"),
    "weight": ("分值", "权重"),
    "score": ("得分",),
    "note": ("原因", "产生差异的原因", "差异原因", "偏差原因", "执行偏差原因", "原因分析", "未执行原因", "备注"),
}
# the budget block's first data row, the block's total
FUNDS_TOTAL_LABELS = ("年度资金总额", "资金总额", "总额", "合计", "小计", "预算资金总额", "项目资金总额", "年度资金总额（万元）")
# funding sources written as `label：amount` inside one cell (the 部门整体 form)
SOURCE_LABELS = ("一般公共预算", "政府性基金拨款", "纳入专户管理的非税收入拨款", "其他资金")
TYPE_LABELS = ("基本支出", "项目支出")
# a row that numbers the columns (列次 | 1 | 2 | 3 …), as statistical forms print under their header
NUMBERING_LABELS = ("列次", "栏次", "行次", "序号")
# rows and labels that end a budget block
FUNDS_BLOCK_END = ("年度总体目标", "年度绩效目标", "绩效目标", "预期目标", "年度目标", "总体目标", "绩效指标", "年度目标完成情况")

# --- rows -------------------------------------------------------------------------

TOTAL_ROW_LABELS = ("总分", "合计", "总计", "综合得分", "总得分", "自评总分", "绩效自评总分", "自评得分", "综合评分", "总分值")
TRAILING_ROW_LABELS = ("评价结论", "存在问题", "改进措施", "存在的问题", "整改措施", "自评结论", "主要问题", "下一步改进措施",
                       "备注", "说明", "评价等级", "自评等级", "填表人", "联系电话", "填报日期", "其他需要说明事项", "其他说明事项",
                       "其他需要说明的事项", "偏差大或目标未完成原因分析", "改进措施及结果应用方案")

# --- who and when ------------------------------------------------------------------

# in order of preference: the reporting unit first; 主管部门 only where nothing else names one
DEPARTMENT_LABELS = ("实施单位", "项目实施单位", "资金使用单位", "项目承担单位", "预算单位", "单位名称", "预算部门名称", "预算部门", "预算单位名称",
                     "预算部门、单位名称", "部门名称", "部门（单位）名称", "项目单位", "填报单位", "评价单位")
SUPERVISING_LABELS = ("主管部门", "项目主管部门", "主管部门名称", "主管单位", "县级主管部门", "市县主管部门", "市级主管部门",
                      "省级主管部门")
# what forms write in a cell to say it is empty on purpose
FILLERS = ("/", "／", "—", "——", "-", "－", "--", "—/—", "\\", "╱")
# values that point at another cell instead of naming a unit
NOT_A_NAME = ("本单位", "同上", "无", "略") + FILLERS

# --- titles ---------------------------------------------------------------------------

FORM_TITLE_WORDS = ("绩效自评表", "绩效目标自评表", "自评表", "绩效评价表", "评分表")
