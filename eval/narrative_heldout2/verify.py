#!/usr/bin/env python3
"""Self-check for narrative_heldout2. Reads only files in this folder.

1. every figure string in gold.json occurs verbatim in its file;
2. every non-planted sum / share / product / difference is exact (shares and
   rounded amounts within half a unit of the displayed last digit);
3. every planted item really is inconsistent.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = {}
FAIL = []
NCHECK = [0]


def text(f):
    if f not in TEXT:
        with open(os.path.join(HERE, f), encoding="utf-8") as fh:
            TEXT[f] = fh.read()
    return TEXT[f]


WELL_FORMED = re.compile(r"^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$")


def num(f, ctx, fig):
    """Assert ctx occurs in file f and fig occurs in ctx; return fig's number."""
    if ctx not in text(f):
        FAIL.append(f"{f}: context not found: {ctx}")
        return float("nan")
    if fig not in ctx:
        FAIL.append(f"{f}: figure {fig} not in context {ctx}")
        return float("nan")
    m = re.match(r"^([\d,\.]+)", fig)
    raw = m.group(1)
    if not WELL_FORMED.match(raw):
        FAIL.append(f"{f}: malformed number where a clean one was expected: {fig}")
        return float("nan")
    return float(raw.replace(",", ""))


def decimals(fig):
    m = re.match(r"^[\d,]+(?:\.(\d+))?", fig)
    return len(m.group(1) or "")


def ok(cond, label, planted):
    NCHECK[0] += 1
    if planted and cond:
        FAIL.append(f"PLANTED but consistent: {label}")
    if not planted and not cond:
        FAIL.append(f"CLEAN but inconsistent: {label}")


def close(a, b, dec):
    """a (computed) equals b (displayed with dec decimals) within half a unit."""
    return abs(a - b) <= 0.5 * 10 ** (-dec) + 1e-9


def check_sum(f, whole, parts, planted=False):
    w = num(f, *whole)
    ps = [num(f, *p) for p in parts]
    ok(close(sum(ps), w, decimals(whole[1])), f"{f}: {whole[1]} = " + " + ".join(p[1] for p in parts) + f" (computed {sum(ps):.2f})", planted)


def check_share(f, part, base, pct, planted=False):
    a, b, c = num(f, *part), num(f, *base), num(f, *pct)
    ok(close(a / b * 100, c, decimals(pct[1])), f"{f}: {part[1]} / {base[1]} = {pct[1]} (computed {a / b * 100:.3f}%)", planted)


def check_product(f, factors, total, scale, planted=False):
    """product(factors) * scale == total (scale converts units, e.g. 12 months / 1e4 元->万元)."""
    v = 1.0
    for x in factors:
        v *= num(f, *x) if isinstance(x, tuple) else x
    v *= scale
    t = num(f, *total)
    ok(close(v, t, decimals(total[1])), f"{f}: product of {[x[1] if isinstance(x, tuple) else x for x in factors]} x {scale} = {total[1]} (computed {v:.4f})", planted)


def check_diff(f, a, b, d, planted=False):
    x, y, z = num(f, *a), num(f, *b), num(f, *d)
    ok(close(x - y, z, decimals(d[1])), f"{f}: {a[1]} - {b[1]} = {d[1]} (computed {x - y:.2f})", planted)


def check_malformed(f, fig):
    NCHECK[0] += 1
    if fig not in text(f):
        FAIL.append(f"{f}: malformed figure not found: {fig}")
        return
    raw = re.match(r"^([\d,\.A-Za-z]+)", fig).group(1)
    if WELL_FORMED.match(raw.rstrip(".")) and not raw.endswith(".") and ".." not in raw:
        FAIL.append(f"{f}: planted D figure is well formed: {fig}")


def check_two_values(f1, c1, g1, f2, c2, g2):
    """Planted E / G: the same quantity given two different figures."""
    NCHECK[0] += 1
    a, b = num(f1, c1, g1), num(f2, c2, g2)
    if a == b:
        FAIL.append(f"PLANTED E/G but equal: {g1} vs {g2}")


def check_same_value_two_labels(f, c1, g1, c2, g2):
    """Planted F: same number, once as a share/rate, once as a growth or an amount."""
    NCHECK[0] += 1
    a, b = num(f, c1, g1), num(f, c2, g2)
    if a != b:
        FAIL.append(f"PLANTED F numbers differ: {g1} vs {g2}")
    if c1 == c2:
        FAIL.append(f"PLANTED F contexts identical: {c1}")


def check_leq(f1, lo, f2, hi, planted=False):
    a, b = num(f1, *lo), num(f2, *hi)
    ok(a <= b, f"{f1}:{lo[1]} <= {f2}:{hi[1]}", planted)


def check_equal(f1, a, f2, b, planted=False):
    ok(num(f1, *a) == num(f2, *b), f"{f1}:{a[1]} == {f2}:{b[1]}", planted)


# ---------------------------------------------------------------- doc 1
f = "ah_qingwu_wjw_2024.txt"
check_sum(f, ("收入合计8,436.52万元", "8,436.52万元"), [("财政拨款收入8,102.37万元", "8,102.37万元"), ("事业收入221.80万元", "221.80万元"), ("其他收入112.35万元", "112.35万元")])
check_share(f, ("财政拨款收入8,102.37万元", "8,102.37万元"), ("收入合计8,436.52万元", "8,436.52万元"), ("占收入合计的96.04%", "96.04%"))
check_sum(f, ("支出合计8,215.64万元", "8,215.64万元"), [("基本支出2,946.18万元", "2,946.18万元"), ("项目支出5,269.46万元构成", "5,269.46万元")])
check_share(f, ("项目支出5,269.46万元构成", "5,269.46万元"), ("支出合计8,215.64万元", "8,215.64万元"), ("所占比重为64.14%", "64.14%"))
check_sum(f, ("基本支出2,946.18万元", "2,946.18万元"), [("人员经费2,507.93万元", "2,507.93万元"), ("公用经费438.25万元", "438.25万元")])
check_sum(f, ("实有人数63人", "63人"), [("行政人员21人", "21人"), ("事业人员42人", "42人")])
# planted A
check_sum(f, ("项目支出5,269.46万元，按用途", "5,269.46万元"), [("基本公共卫生服务补助2,380.00万元", "2,380.00万元"), ("公立医院综合改革补助1,126.40万元", "1,126.40万元"), ("特别扶助855.61万元", "855.61万元"), ("疫苗冷链配套611.80万元", "611.80万元"), ("卫生健康其他项目195.65万元", "195.65万元")], planted=True)
check_product(f, [("支出合计8,215.64万元", "8,215.64万元")], ("人均卫生健康支出为197.49元", "197.49元"), 1 / 41.6)
check_share(f, ("全年实际支出8,215.64万元", "8,215.64万元"), ("全年预算为8,530.40万元", "8,530.40万元"), ("预算执行率为96.31%", "96.31%"))
check_diff(f, ("全年预算为8,530.40万元", "8,530.40万元"), ("年初预算7,920.00万元", "7,920.00万元"), ("相差610.40万元", "610.40万元"))
check_sum(f, ("支出合计18.62万元", "18.62万元"), [("公务接待费3.41万元", "3.41万元"), ("公务用车运行维护费15.21万元", "15.21万元")])
_s, _d, _p = num(f, "支出合计18.62万元", "18.62万元"), num(f, "减少2.37万元", "2.37万元"), num(f, "下降11.29%", "11.29%")
ok(close(_d / (_s + _d) * 100, _p, 2), f"{f}: 2.37/(18.62+2.37) = 11.29%", False)
check_share(f, ("建档37.52万人", "37.52万人"), ("常住人口41.6万人", "41.6万人"), ("建档率为90.19%", "90.19%"))
check_share(f, ("健康管理4.37万人", "4.37万人"), ("老年人口6.02万人", "6.02万人"), ("的72.59%", "72.59%"))
check_malformed(f, "95..2%")  # planted D
check_product(f, [("对象5,312人", "5,312人"), ("每人每年960元", "960元")], ("发放资金509.95万元", "509.95万元"), 1e-4)
check_product(f, [("对象823人", "823人"), ("每年4,200元", "4,200元")], ("发放资金345.66万元", "345.66万元"), 1e-4)
check_sum(f, ("两项合计855.61万元", "855.61万元"), [("发放资金509.95万元", "509.95万元"), ("发放资金345.66万元", "345.66万元")])
# planted C: 212 x 300 x 12 = 76.32万元, text says 763.20万元
check_product(f, [("乡村医生212名", "212名"), ("每人每月300元", "300元")], ("全年发放763.20万元", "763.20万元"), 12e-4, planted=True)
# planted F
check_same_value_two_labels(f, "占全县总诊疗量的比重为62.4%", "62.4%", "诊疗量同比增长62.4%", "62.4%")
check_equal(f, ("预算执行率为96.31%", "96.31%"), f, ("预算执行率达到96.31%", "96.31%"))

# ---------------------------------------------------------------- doc 2
f = "fj_lanxi_zrzy_2024.txt"
check_sum(f, ("收入合计6,318.74万元", "6,318.74万元"), [("财政拨款收入5,946.20万元", "5,946.20万元"), ("上年结转资金372.54万元", "372.54万元")])
check_sum(f, ("支出合计6,102.85万元", "6,102.85万元"), [("基本支出1,873.49万元", "1,873.49万元"), ("项目支出4,229.36万元", "4,229.36万元")])
check_share(f, ("基本支出1,873.49万元", "1,873.49万元"), ("支出合计6,102.85万元", "6,102.85万元"), ("所占比重为30.70%", "30.70%"))
# planted B: 69.30% is against 支出合计, text says 收入合计
check_share(f, ("项目支出4,229.36万元", "4,229.36万元"), ("收入合计6,318.74万元", "6,318.74万元"), ("占收入合计的69.30%", "69.30%"), planted=True)
check_share(f, ("项目支出4,229.36万元", "4,229.36万元"), ("支出合计6,102.85万元", "6,102.85万元"), ("占收入合计的69.30%", "69.30%"))
check_sum(f, ("项目支出4,229.36万元", "4,229.36万元"), [("耕地保护补偿1,560.00万元", "1,560.00万元"), ("地质灾害防治982.40万元", "982.40万元"), ("国土空间规划编制716.50万元", "716.50万元"), ("不动产登记信息化430.26万元", "430.26万元"), ("土地综合整治540.20万元", "540.20万元")])
check_share(f, ("耕地保护补偿1,560.00万元", "1,560.00万元"), ("项目支出4,229.36万元", "4,229.36万元"), ("占比36.89%", "36.89%"))
check_share(f, ("实际支出6,102.85万元", "6,102.85万元"), ("全年预算数6,318.74万元", "6,318.74万元"), ("预算执行率为96.58%，比上年", "96.58%"))
check_diff(f, ("全年预算数6,318.74万元", "6,318.74万元"), ("实际支出6,102.85万元", "6,102.85万元"), ("未支出资金215.89万元", "215.89万元"))
check_product(f, [("补偿面积26.00万亩", "26.00万亩"), ("每亩60元", "60元")], ("下达补偿资金1,560.00万元", "1,560.00万元"), 1.0)
check_two_values(f, "完成地质灾害隐患点工程治理17处", "17处", f, "治理隐患点19处", "19处")  # planted E
check_malformed(f, "23,6l7件")  # planted D
check_sum(f, ("实有人数51人", "51人"), [("行政人员19人", "19人"), ("事业人员32人", "32人")])
check_equal(f, ("耕地保有量不低于41.26万亩，永久", "41.26万亩"), f, ("耕地保有量不低于41.26万亩，各项", "41.26万亩"))

# ---------------------------------------------------------------- doc 3
f = "yn_lanchuan_yinshui_2024.txt"
check_sum(f, ("总投资3,860.00万元", "3,860.00万元"), [("资金1,800.00万元", "1,800.00万元"), ("补助资金1,160.00万元", "1,160.00万元"), ("配套资金900.00万元", "900.00万元")])
check_product(f, [("总投资3,860.00万元", "3,860.00万元")], ("人均投资817.80元", "817.80元"), 1 / 4.72)
check_share(f, ("实际支出3,702.48万元", "3,702.48万元"), ("总投资3,860.00万元", "3,860.00万元"), ("预算执行率为95.92%", "95.92%"))
check_diff(f, ("总投资3,860.00万元", "3,860.00万元"), ("实际支出3,702.48万元", "3,702.48万元"), ("尚未支付157.52万元", "157.52万元"))
# planted A
check_sum(f, ("实际支出3,702.48万元", "3,702.48万元"), [("新建集中供水工程2,146.30万元", "2,146.30万元"), ("小型供水工程1,017.50万元", "1,017.50万元"), ("设备购置236.80万元", "236.80万元"), ("前期费用341.88万元", "341.88万元")], planted=True)
# planted C: 1,284 x 850元 = 109.14万元
check_product(f, [("共补助1,284户", "1,284户"), ("户均补助850元", "850元")], ("合计10.91万元", "10.91万元"), 1e-4, planted=True)
check_product(f, [("管水员63名", "63名"), ("每人每月200元", "200元")], ("全年合计15.12万元", "15.12万元"), 12e-4)
check_share(f, ("合格121份", "121份"), ("水质抽检126份", "126份"), ("水质达标率为96.03%", "96.03%"))
check_two_values(f, "已完工新建集中供水工程13处", "13处", f, "新建的15处集中供水工程", "15处")  # planted E
check_equal(f, ("计划新建集中供水工程13处", "13处"), f, ("已完工新建集中供水工程13处", "13处"))
check_same_value_two_labels(f, "水费收缴率达到86.5%", "86.5%", "收缴水费86.5万元", "86.5万元")  # planted F
check_equal(f, ("普及率达到95.3%，比上年", "95.3%"), f, ("普及率达到95.3%。", "95.3%"))

# ---------------------------------------------------------------- doc 4
f = "sx_weiyuan_yanglao_2024.txt"
check_sum(f, ("预算资金1,486.20万元", "1,486.20万元"), [("中央财政补助420.00万元", "420.00万元"), ("省级财政补助318.60万元", "318.60万元"), ("区级财政安排747.60万元", "747.60万元")])
check_share(f, ("区级财政安排747.60万元", "747.60万元"), ("预算资金1,486.20万元", "1,486.20万元"), ("所占比重为50.30%", "50.30%"))
check_share(f, ("实际支出1,446.40万元", "1,446.40万元"), ("预算资金1,486.20万元", "1,486.20万元"), ("预算执行率为97.32%", "97.32%"))
check_diff(f, ("预算资金1,486.20万元", "1,486.20万元"), ("实际支出1,446.40万元", "1,446.40万元"), ("结余39.80万元", "39.80万元"))
check_sum(f, ("80周岁以上老人7,272人", "7,272人"), [("80至89周岁6,214人", "6,214人"), ("90至99周岁1,037人", "1,037人"), ("100周岁以上21人", "21人")])
check_sum(f, ("发放生活补贴1,007.16万元", "1,007.16万元"), [("6,214人745.68万元", "745.68万元"), ("1,037人248.88万元", "248.88万元"), ("21人12.60万元", "12.60万元")])
check_product(f, [("80至89周岁6,214人", "6,214人"), ("80至89周岁每人每月100元", "100元")], ("6,214人745.68万元", "745.68万元"), 12e-4)
check_product(f, [("90至99周岁1,037人", "1,037人"), ("90至99周岁每人每月200元", "200元")], ("1,037人248.88万元", "248.88万元"), 12e-4)
check_product(f, [("100周岁以上21人", "21人"), ("100周岁以上每人每月500元", "500元")], ("21人12.60万元", "12.60万元"), 12e-4)
# planted B: 69.63% is against 实际支出 1,446.40, text says 下达预算资金
check_share(f, ("发放生活补贴1,007.16万元", "1,007.16万元"), ("预算资金1,486.20万元", "1,486.20万元"), ("占下达预算资金的69.63%", "69.63%"), planted=True)
check_share(f, ("发放生活补贴1,007.16万元", "1,007.16万元"), ("实际支出1,446.40万元", "1,446.40万元"), ("占下达预算资金的69.63%", "69.63%"))
# planted C: 1,126 x 220 x 12 = 297.26万元, not 270.24万元
check_product(f, [("失能老人1,126人", "1,126人"), ("每人每月220元", "220元")], ("全年发放270.24万元", "270.24万元"), 12e-4, planted=True)
check_share(f, ("全年发放270.24万元", "270.24万元"), ("实际支出1,446.40万元", "1,446.40万元"), ("占实际支出的18.68%", "18.68%"))
check_product(f, [("全区26个", "26个"), ("每站补助6.5万元", "6.5万元")], ("合计169.00万元", "169.00万元"), 1.0)
check_sum(f, ("总计1,446.40万元", "1,446.40万元"), [("发放生活补贴1,007.16万元", "1,007.16万元"), ("全年发放270.24万元", "270.24万元"), ("合计169.00万元", "169.00万元")])
check_sum(f, ("合计8,398人", "8,398人"), [("高龄补贴对象7,272人", "7,272人"), ("失能护理补贴对象1,126人", "1,126人")])
_inc, _tot, _g = num(f, "增加613人", "613人"), num(f, "80周岁以上老人7,272人", "7,272人"), num(f, "增长9.2%", "9.2%")
ok(close(_inc / (_tot - _inc) * 100, _g, 1), f"{f}: 613/(7272-613) = 9.2%", False)
check_two_values(f, "全区26个社区养老服务站", "26个", f, "覆盖28个社区养老服务站", "28个")  # planted E

# ---------------------------------------------------------------- pair, earlier
f = e = "hb_luanling_slj_2023.txt"
check_sum(f, ("实有人数43人", "43人"), [("行政人员15人", "15人"), ("事业人员28人", "28人")])
check_sum(f, ("收入合计5,274.60万元", "5,274.60万元"), [("财政拨款收入4,986.35万元", "4,986.35万元"), ("上年结转资金288.25万元", "288.25万元")])
check_sum(f, ("决算支出5,031.18万元，分别为", "5,031.18万元"), [("基本支出1,312.44万元", "1,312.44万元"), ("项目支出3,718.74万元", "3,718.74万元")])
check_share(f, ("项目支出3,718.74万元", "3,718.74万元"), ("决算支出5,031.18万元，分别为", "5,031.18万元"), ("占支出合计的73.91%", "73.91%"))
# planted A
check_sum(f, ("基本支出1,312.44万元", "1,312.44万元"), [("人员经费1,128.06万元", "1,128.06万元"), ("公用经费194.38万元", "194.38万元")], planted=True)
check_sum(f, ("项目支出3,718.74万元", "3,718.74万元"), [("农村供水保障1,240.00万元", "1,240.00万元"), ("河道综合治理1,385.60万元", "1,385.60万元"), ("除险加固706.34万元", "706.34万元"), ("水土保持312.80万元", "312.80万元"), ("工作经费74.00万元", "74.00万元")])
check_share(f, ("决算支出5,031.18万元，预算", "5,031.18万元"), ("全年预算5,274.60万元", "5,274.60万元"), ("预算执行率为95.39%。年末", "95.39%"))
check_diff(f, ("全年预算5,274.60万元", "5,274.60万元"), ("决算支出5,031.18万元，预算", "5,031.18万元"), ("年末结转243.42万元", "243.42万元"))
check_sum(f, ("支出6.84万元", "6.84万元"), [("公务接待费1.26万元", "1.26万元"), ("运行维护费5.58万元", "5.58万元")])
check_same_value_two_labels(f, "占有效灌溉面积的12.4%", "12.4%", "比上年增长12.4%", "12.4%")  # planted F
# planted G: target for 2024 below the level achieved in 2023
check_leq(f, ("治理面积18.6平方公里", "18.6平方公里"), f, ("不少于15平方公里", "15平方公里"), planted=True)
check_leq(f, ("农村供水工程27处", "27处"), f, ("不少于30处", "30处"))
check_leq(f, ("高效节水灌溉面积1.35万亩", "1.35万亩"), f, ("不少于1.4万亩", "1.4万亩"))

# ---------------------------------------------------------------- pair, later
f = "hb_luanling_slj_2024.txt"
check_sum(f, ("实有人数45人", "45人"), [("行政人员16人", "16人"), ("事业人员29人", "29人")])
check_diff(f, ("实有人数45人", "45人"), ("上年实有人数43人", "43人"), ("增加2人", "2人"))
check_equal(f, ("上年实有人数43人", "43人"), e, ("实有人数43人", "43人"))
check_sum(f, ("收入合计5,612.90万元", "5,612.90万元"), [("财政拨款收入5,330.72万元", "5,330.72万元"), ("上年结转资金243.42万元", "243.42万元"), ("其他收入38.76万元", "38.76万元")])
check_equal(f, ("上年结转资金243.42万元", "243.42万元"), e, ("年末结转243.42万元", "243.42万元"))
# planted B: 51.25% is against 收入合计 5,612.90, text says 财政拨款收入
check_share(f, ("补助资金2,876.40万元", "2,876.40万元"), ("财政拨款收入5,330.72万元", "5,330.72万元"), ("占财政拨款收入的51.25%", "51.25%"), planted=True)
check_share(f, ("补助资金2,876.40万元", "2,876.40万元"), ("收入合计5,612.90万元", "5,612.90万元"), ("占财政拨款收入的51.25%", "51.25%"))
check_equal(f, ("2023年决算支出5,031.18万元", "5,031.18万元"), e, ("决算支出5,031.18万元，分别为", "5,031.18万元"))
check_diff(f, ("支出合计5,389.47万元", "5,389.47万元"), ("2023年决算支出5,031.18万元", "5,031.18万元"), ("增加358.29万元", "358.29万元"))
check_share(f, ("增加358.29万元", "358.29万元"), ("2023年决算支出5,031.18万元", "5,031.18万元"), ("增长7.12%", "7.12%"))
check_sum(f, ("支出合计5,389.47万元", "5,389.47万元"), [("基本支出1,366.25万元", "1,366.25万元"), ("项目支出4,023.22万元", "4,023.22万元")])
check_share(f, ("项目支出4,023.22万元", "4,023.22万元"), ("支出合计5,389.47万元", "5,389.47万元"), ("所占比重为74.65%", "74.65%"))
check_equal(f, ("比2023年的3,718.74万元", "3,718.74万元"), e, ("项目支出3,718.74万元", "3,718.74万元"))
check_diff(f, ("项目支出4,023.22万元", "4,023.22万元"), ("比2023年的3,718.74万元", "3,718.74万元"), ("增加304.48万元", "304.48万元"))
check_sum(f, ("项目支出4,023.22万元", "4,023.22万元"), [("农村供水保障1,386.50万元", "1,386.50万元"), ("河道综合治理1,502.30万元", "1,502.30万元"), ("除险加固618.72万元", "618.72万元"), ("水土保持426.40万元", "426.40万元"), ("工作经费89.30万元", "89.30万元")])
check_share(f, ("实际支出5,389.47万元", "5,389.47万元"), ("全年预算5,612.90万元", "5,612.90万元"), ("预算执行率为96.02%，比上年", "96.02%"))
_a, _b, _c = num(f, "预算执行率为96.02%，比上年", "96.02%"), num(e, "预算执行率为95.39%。年末", "95.39%"), num(f, "提高0.63个百分点", "0.63个百分点")
ok(close(_a - _b, _c, 2), "96.02 - 95.39 = 0.63 (cross-year)", False)
_a, _b, _c = num(e, "支出6.84万元", "6.84万元"), num(f, "减少0.72万元", "0.72万元"), num(f, "支出6.12万元", "6.12万元")
ok(close(_a - _b, _c, 2), "6.84 - 0.72 = 6.12 (cross-year)", False)
_a, _b, _c = num(f, "普及率达到97.8%", "97.8%"), num(e, "普及率达到97.2%", "97.2%"), num(f, "提高0.6个百分点", "0.6个百分点")
ok(close(_a - _b, _c, 1), "97.8 - 97.2 = 0.6 (cross-year)", False)
_a, _b, _c = num(f, "完成5座", "5座"), num(e, "完成6座", "6座"), num(f, "累计完成11座", "11座")
ok(_a + _b == _c, "5 + 6 = 11 (cross-year)", False)
# planted G: the 2023 figure quoted in 2024 differs from the 2023 report
check_two_values(f, "比2023年的25处", "25处", e, "农村供水工程27处", "27处")
_a, _b, _c = num(f, "农村供水工程31处", "31处"), num(f, "比2023年的25处", "25处"), num(f, "增加6处", "6处")
ok(_a - _b == _c, "31 - 25 = 6 (internal to 2024 report)", False)
check_leq(e, ("不少于30处", "30处"), f, ("农村供水工程31处", "31处"))
check_leq(e, ("不少于1.4万亩", "1.4万亩"), f, ("高效节水灌溉面积1.42万亩", "1.42万亩"))
check_leq(f, ("农村供水工程31处", "31处"), f, ("不少于33处", "33处"))
check_leq(f, ("高效节水灌溉面积1.42万亩", "1.42万亩"), f, ("不少于1.5万亩", "1.5万亩"))
check_leq(f, ("治理河道长度32.5公里", "32.5公里"), f, ("不少于35公里", "35公里"))
check_malformed(f, "19.平方公里")  # planted D
check_two_values(f, "全年巡河1,862人次", "1,862人次", f, "河湖长巡河1,826人次", "1,826人次")  # planted E


# ---------------------------------------------------------------- gold.json
gold_path = os.path.join(HERE, "gold.json")
gold = json.load(open(gold_path, encoding="utf-8"))
counts = {}
for d in gold["documents"]:
    kinds = [p["kind"] for p in d["planted"]]
    if len(kinds) != len(set(kinds)):
        FAIL.append(f"{d['file']}: same kind twice: {kinds}")
    for p in d["planted"]:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
        for fig in p["figures"]:
            files = [d["file"]]
            if p["kind"] == "G":
                files = [x for pair in gold["pairs"] for x in pair if d["file"] in pair]
            if not any(fig in text(x) for x in files):
                FAIL.append(f"{d['file']}: gold figure not verbatim: {fig}")
    if not 40 <= text(d["file"]).count("\n") + (0 if text(d["file"]).endswith("\n") else 1) <= 80:
        FAIL.append(f"{d['file']}: line count out of range")
for k in "ABCDEFG":
    if counts.get(k, 0) < 2:
        FAIL.append(f"kind {k} planted fewer than twice")

print(f"{NCHECK[0]} arithmetic/consistency checks; planted per kind: {dict(sorted(counts.items()))}; total {sum(counts.values())}")
if FAIL:
    print("FAILURES:")
    for x in FAIL:
        print("  " + x)
    sys.exit(1)
print("all OK")
