"""The family of layouts a recognised form belongs to, named from its structure.

Reading never depends on the family: columns get their roles from headers and
content (forms.columns) whatever the family. The name is for the analyst, who
filters a province's archive by layout, and for the reader of the JSON, who
sees why a table was read as it was. Each id is documented in the README's
format table; the province in an id says where the layout is common, not
where a form must come from.
"""

from __future__ import annotations

import re

from extractor.forms.columns import Header
from extractor.text import squash

FAMILIES: dict[str, str] = {
    "national-project": "项目支出绩效自评表 of the national template (财预〔2020〕10号): 全年预算数(A)/全年执行数(B)/执行率(B/A), "
                        "funding sources as rows, 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因",
    "hunan-dept-self-eval": "部门整体支出绩效自评表 as Hunan prints it: the same indicator columns, sources written "
                            "inside the budget block's cells (一般公共预算：…)",
    "sichuan-dept-project": "部门预算项目支出绩效自评表: 预算执行情况 block with 权重, indicators with the target split into "
                            "指标性质 | 指标值 | 度量单位 on one header row, 完成值 | 权重 | 得分",
    "yunnan-project": "项目支出绩效自评表 with 年度指标值 over 指标性质 | 指标值 | 度量单位 (a two-row header), money often in 元",
    "anhui-goal-self-eval": "绩效目标自评表: 分值 before 年度指标值 | 全年实际值 | 得分, ★ parent rows with 其中 sub-rows",
    "hunan-county-special": "专项资金绩效目标自评表 without 分值/得分: 年度指标值 | 全年完成值 | 未完成原因",
    "chongqing-dept-goal": "部门整体绩效目标自评表: 指标权重 | 计量单位 | 指标值 | 全年实际完成值, a unit column "
                           "without a comparator column, often no 一级/二级 columns and no 得分",
    "sichuan-dept-score": "部门整体支出绩效评价得分表: 一级/二级/三级指标 | 得分 only, each level's points in its label "
                          "(相关性(5分)), no target, actual or 分值 column",
    "hubei-project": "财政项目绩效自评表: 预算执行情况 with its own points (得分 = 分值 × 执行率), indicators "
                     "年初目标值 | 实际完成值 | 得分 without a 分值 column",
    "hubei-dept-self-eval": "部门整体支出绩效自评表 as Hubei prints it: 预算执行情况 with its own points, indicators "
                            "年初目标值 | 实际完成值 | 得分 without a 分值 column",
    "hebei-project": "项目支出绩效自评表 of Hebei counties: 评价指标 | 评价内容 | 指标名称 | 指标说明 | 目标值 | 完成值 | 分值 | "
                     "得分 | 备注, the level columns named by no level header (read by their merged cells)",
    "fujian-dept-self-eval": "部门整体支出绩效自评表 as Fujian prints it: budget columns numbered and derived (年初部门预算"
                             "安排金额① | 历年结余结转② | 年中调整金额③ | 小计④=①+②+③ | 年度拨付金额⑤ | 支出实现率⑥=⑤/④ …), "
                             "source rows under 财政资金小计, 合计 last",
    "sichuan-special": "专项(转移支付)资金绩效自评表 in the statistical style: a 行次 column and a 列次 row numbering "
                       "the columns, 全年预算数(A) … 全年执行资金(E), 预算执行(E/C×100%), no points",
    "hubei-transfer": "转移支付区域(项目)绩效目标自评表: 中央/省级/地方资金 rows, indicators without points",
    "scoring-table": "绩效评价评分表: 一级/二级/三级指标 | 评分标准 | 分值 | 得分",
    "quantitative-goals": "整体支出绩效定量目标: 评价内容 | 绩效目标 | 完成情况",
    "budget-only": "a budget block without an indicator block in the same form",
    "generic-self-eval": "an indicator table of none of the families above, read by its column roles",
}


_CIRCLED = re.compile("[①-⑳]")


def family_of(indicators: Header | None, budget: Header | None, title: str, sources_in_cells: bool,
              numbered: bool = False) -> str:
    """`numbered`: the form numbers its columns (a 列次 row) or rows (a 行次 column), as statistical forms do."""
    t = squash(title)
    if budget is not None and any(_CIRCLED.search(c.text) for c in budget.columns):
        return "fujian-dept-self-eval"
    if numbered:
        return "sichuan-special"
    if indicators is None:
        return "budget-only"
    roles = indicators.roles
    if "criteria" in roles:
        return "scoring-table"
    if "转移支付" in t:
        return "hubei-transfer"
    if "comparator" in roles and "unit" in roles:
        return "yunnan-project" if indicators.two_rows else "sichuan-dept-project"
    if "unit" in roles:
        return "chongqing-dept-goal"
    if not roles.keys() & {"weight", "score"}:
        return "hunan-county-special"
    if "weight" in roles and "target" in roles and roles["weight"] < roles["target"]:
        return "anhui-goal-self-eval"
    if "score" in roles and not roles.keys() & {"weight", "target", "actual"}:
        return "sichuan-dept-score"
    if "score" in roles and "weight" not in roles:
        return "hubei-dept-self-eval" if "部门整体" in t else "hubei-project"
    if indicators.inferred and "target" in roles and "weight" in roles:
        return "hebei-project"
    if "部门整体" in t or sources_in_cells:
        return "hunan-dept-self-eval"
    if "target" in roles and "actual" in roles and budget is not None:
        return "national-project"
    return "generic-self-eval"
