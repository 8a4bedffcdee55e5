#!/usr/bin/env python3
"""Self-check for the heldout4 evaluation set (standard library only).

Reads only files in its own folder:
  * every figure string in gold.json occurs verbatim in its file
    (or in the file named by figure_sources);
  * every arithmetic relation written into the reports (list CHECKS) holds at
    displayed precision (ROUND_HALF_UP) when it is clean, and fails when it
    is planted;
  * kind counts (A3 B3 C3 D3 E3 F3 G2 = 20) and the one-kind-per-document rule.
"""
import json
import os
import re
import sys
from collections import Counter
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))

F1 = "01_zhejiang_canlian_2023_bumen.txt"
F2 = "02_zhejiang_canlian_2024_bumen.txt"
F3 = "03_sichuan_qixiang_2024_bumen.txt"
F4 = "04_shaanxi_gaobiaozhun_2024_xiangmu.txt"
F5 = "05_guangdong_yiwujiaoyu_2023_xiangmu.txt"
F6 = "06_qinghai_nongcungonglu_2024_xiangmu.txt"
FILES = [F1, F2, F3, F4, F5, F6]

# A figure is either "string" (looked up in the check's own file) or
# (file, "string").  Types:
#   sum      whole = sum(parts)
#   diff     a - b = c
#   share    part / base * 100 = pct        (base may be a list: summed)
#   growth   (cur - prev) / prev * 100 = pct
#   pp       a - b = pp                     (percentage points)
#   product  prod(factors) / scale = total
#   ratio    num / den = val
#   eq       a = b                          (same quantity stated twice)
#   ge       a >= b                         (next-year target not below result)
#   wellformed  fig is a well-formed number followed by its unit
#   dualpct  growth_ctx and share_ctx carry the same percentage for the same
#            subject; the relation "a growth rate and a share differ" holds
#            only if the two numbers differ
C = "clean"
CHECKS = [
    # ---------------- 01 Zhejiang disabled persons' federation 2023 ----------
    dict(file=F1, kind=C, type="sum", whole="28名", parts=["9名", "19名"]),
    dict(file=F1, kind=C, type="sum", whole="25人", parts=["8人", "17人"]),
    dict(file=F1, kind=C, type="share", part="4,176人", base="10,482人", pct="39.84%"),
    dict(file=F1, kind=C, type="sum", whole="1,862.40万元", parts=["604.80万元", "1,257.60万元"]),
    dict(file=F1, kind=C, type="sum", whole="455.45万元", parts=["383.45万元", "72.00万元"]),
    dict(file=F1, kind=C, type="sum", whole="2,317.85万元", parts=["1,862.40万元", "455.45万元"]),
    dict(file=F1, kind=C, type="sum", whole="2,317.85万元", parts=["2,109.36万元", "186.00万元", "22.49万元"]),
    dict(file=F1, kind=C, type="share", part="2,251.63万元", base="2,317.85万元", pct="97.14%"),
    dict(file=F1, kind=C, type="sum", whole="598.27万元", parts=["512.08万元", "86.19万元"]),
    dict(file=F1, kind=C, type="sum", whole="2,251.63万元", parts=["598.27万元", "1,653.36万元"]),
    dict(file=F1, kind=C, type="share", part="598.27万元", base="2,251.63万元", pct="26.57%"),
    dict(file=F1, kind=C, type="share", part="512.08万元", base="598.27万元", pct="85.59%"),
    dict(file=F1, kind=C, type="share", part="1,653.36万元", base="2,251.63万元", pct="73.43%"),
    dict(file=F1, kind=C, type="sum", whole="1,653.36万元",
         parts=["486.20万元", "372.60万元", "218.40万元", "96.85万元", "265.31万元", "214.00万元"]),
    dict(file=F1, kind=C, type="diff", a="2,317.85万元", b="2,251.63万元", c="66.22万元"),
    dict(file=F1, kind=C, type="pp", a="97.14%", b="95%", pp="2.14个百分点"),
    dict(file=F1, kind=C, type="share", part="598.27万元", base="604.80万元", pct="98.92%"),
    dict(file=F1, kind=C, type="share", part="1,653.36万元", base=["1,257.60万元", "455.45万元"], pct="96.52%"),
    dict(file=F1, kind=C, type="sum", whole="4.28万元", parts=["0.86万元", "3.42万元"]),
    dict(file=F1, kind=C, type="share", part="163名", base="150名", pct="108.67%"),
    dict(file=F1, kind=C, type="growth", cur="312户", prev="287户", pct="8.71%"),
    dict(file=F1, kind=C, type="product", factors=["312户", "7,000元"], scale="10000", total="218.40万元"),
    dict(file=F1, kind=C, type="diff", a="1,205人次", b="1,100人次", c="105人次"),
    dict(file=F1, kind=C, type="share", part="438人次", base="400人次", pct="109.50%"),
    dict(file=F1, kind=C, type="diff", a="186人", b="170人", c="16人"),
    dict(file=F1, kind=C, type="product", factors=["207名", "1,500元", "12个月"], scale="10000", total="372.60万元"),
    dict(file=F1, kind=C, type="share", part="151名", base="163名", pct="92.64%"),
    dict(file=F1, kind=C, type="share", part="555份", base="582份", pct="95.36%"),
    dict(file=F1, kind=C, type="sum", whole="94.5分", parts=["9.5分", "47.0分", "28.5分", "9.5分"]),
    dict(file=F1, kind="A", type="sum", whole="265.31万元", parts=["58.40万元", "120.00万元", "76.91万元"]),
    dict(file=F1, kind="C", type="product", factors=["1,126名", "150元", "12个月"], scale="10000", total="214.00万元"),
    dict(file=F1, kind="E", type="eq", a="312户", b="321户"),

    # ---------------- 02 Zhejiang disabled persons' federation 2024 ----------
    dict(file=F2, kind=C, type="sum", whole="28名", parts=["9名", "19名"]),
    dict(file=F2, kind=C, type="sum", whole="26名", parts=["8名", "18名"]),
    dict(file=F2, kind=C, type="diff", a="26名", b=(F1, "25人"), c="1名"),
    dict(file=F2, kind=C, type="eq", a="10,482人", b=(F1, "10,482人")),
    dict(file=F2, kind=C, type="diff", a="10,715人", b="10,482人", c="233人"),
    dict(file=F2, kind=C, type="sum", whole="2,046.80万元", parts=["621.30万元", "1,425.50万元"]),
    dict(file=F2, kind=C, type="sum", whole="449.50万元", parts=["402.50万元", "47.00万元"]),
    dict(file=F2, kind=C, type="sum", whole="2,496.30万元", parts=["2,046.80万元", "449.50万元"]),
    dict(file=F2, kind=C, type="sum", whole="2,496.30万元", parts=["2,268.75万元", "205.00万元", "22.55万元"]),
    dict(file=F2, kind=C, type="eq", a="2,251.63万元", b=(F1, "2,251.63万元")),
    dict(file=F2, kind=C, type="growth", cur="2,418.56万元", prev="2,251.63万元", pct="7.41%"),
    dict(file=F2, kind=C, type="share", part="2,418.56万元", base="2,496.30万元", pct="96.89%"),
    dict(file=F2, kind=C, type="sum", whole="616.09万元", parts=["527.43万元", "88.66万元"]),
    dict(file=F2, kind=C, type="sum", whole="2,418.56万元", parts=["616.09万元", "1,802.47万元"]),
    dict(file=F2, kind=C, type="share", part="616.09万元", base="2,418.56万元", pct="25.47%"),
    dict(file=F2, kind=C, type="sum", whole="1,802.47万元",
         parts=["531.00万元", "397.80万元", "233.80万元", "105.46万元", "289.41万元", "208.80万元", "36.20万元"]),
    dict(file=F2, kind=C, type="diff", a="2,496.30万元", b="2,418.56万元", c="77.74万元"),
    dict(file=F2, kind=C, type="share", part="616.09万元", base="621.30万元", pct="99.16%"),
    dict(file=F2, kind=C, type="share", part="1,802.47万元", base=["1,425.50万元", "449.50万元"], pct="96.13%"),
    dict(file=F2, kind=C, type="diff", a="177名", b="158名", c="19名"),
    dict(file=F2, kind=C, type="product", factors=["177名", "30,000元"], scale="10000", total="531.00万元"),
    dict(file=F2, kind=C, type="product", factors=["334户", "7,000元"], scale="10000", total="233.80万元"),
    dict(file=F2, kind=C, type="share", part="1,318人次", base="1,250人次", pct="105.44%"),
    dict(file=F2, kind=C, type="eq", a="186人", b=(F1, "186人")),
    dict(file=F2, kind=C, type="diff", a="193人", b="186人", c="7人"),
    dict(file=F2, kind=C, type="product", factors=["221人", "1,500元", "12个月"], scale="10000", total="397.80万元"),
    dict(file=F2, kind=C, type="product", factors=["1,160人", "150元", "12个月"], scale="10000", total="208.80万元"),
    dict(file=F2, kind=C, type="share", part="621份", base="641份", pct="96.88%"),
    dict(file=F2, kind=C, type="pp", a="96.88%", b=(F1, "95.36%"), pp="1.52个百分点"),
    dict(file=F2, kind=C, type="eq", a="94.5分", b=(F1, "94.5分")),
    dict(file=F2, kind=C, type="diff", a="95.0分", b="94.5分", c="0.5分"),
    dict(file=F2, kind=C, type="sum", whole="95.0分", parts=["9.6分", "47.5分", "28.4分", "9.5分"]),
    dict(file=F2, kind=C, type="ge", a="180名", b="177名"),
    dict(file=F2, kind=C, type="ge", a="340户", b="334户"),
    dict(file=F2, kind=C, type="ge", a="200人", b="193人"),
    dict(file=F2, kind="B", type="share", part="1,802.47万元", base="2,496.30万元", pct="74.53%"),
    dict(file=F2, kind=C, type="wellformed", fig="96.88%"),
    dict(file=F2, kind="D", type="wellformed", fig="96..50%"),
    dict(file=F2, kind="G", type="eq", a="158名", b=(F1, "163名")),
    dict(file=F2, kind="G", type="ge", a="1,150人次", b="1,318人次"),

    # ---------------- 03 Sichuan meteorological bureau 2024 ------------------
    dict(file=F3, kind=C, type="sum", whole="18名", parts=["11名", "7名"]),
    dict(file=F3, kind=C, type="sum", whole="786.54万元", parts=["472.60万元", "313.94万元"]),
    dict(file=F3, kind=C, type="sum", whole="155.64万元", parts=["62.40万元", "93.24万元"]),
    dict(file=F3, kind=C, type="sum", whole="942.18万元", parts=["786.54万元", "155.64万元"]),
    dict(file=F3, kind=C, type="sum", whole="942.18万元", parts=["521.36万元", "398.72万元", "22.10万元"]),
    dict(file=F3, kind=C, type="share", part="917.05万元", base="942.18万元", pct="97.33%"),
    dict(file=F3, kind=C, type="sum", whole="917.05万元", parts=["468.39万元", "448.66万元"]),
    dict(file=F3, kind=C, type="share", part="468.39万元", base="917.05万元", pct="51.08%"),
    dict(file=F3, kind=C, type="share", part="448.66万元", base="917.05万元", pct="48.92%"),
    dict(file=F3, kind=C, type="sum", whole="468.39万元", parts=["401.25万元", "67.14万元"]),
    dict(file=F3, kind=C, type="sum", whole="448.66万元",
         parts=["176.40万元", "118.26万元", "72.50万元", "38.70万元", "30.50万元", "12.30万元"]),
    dict(file=F3, kind=C, type="share", part="468.39万元", base="472.60万元", pct="99.11%"),
    dict(file=F3, kind=C, type="share", part="448.66万元", base=["313.94万元", "155.64万元"], pct="95.54%"),
    dict(file=F3, kind=C, type="sum", whole="52个", parts=["2个", "50个"]),
    dict(file=F3, kind=C, type="growth", cur="386条", prev="344条", pct="12.21%"),
    dict(file=F3, kind=C, type="share", part="128家", base="120家", pct="106.67%"),
    dict(file=F3, kind=C, type="pp", a="88.6%", b="87.3%", pp="1.3个百分点"),
    dict(file=F3, kind=C, type="ratio", num="118.26万元", den="52个", val="2.27万元"),
    dict(file=F3, kind=C, type="share", part="276份", base="288份", pct="95.83%"),
    dict(file=F3, kind=C, type="sum", whole="93.0分", parts=["9.2分", "46.8分", "27.6分", "9.4分"]),
    dict(file=F3, kind="A", type="sum", whole="176.40万元", parts=["88.20万元", "41.60万元", "36.60万元"]),
    dict(file=F3, kind="B", type="share", part="401.25万元", base="917.05万元", pct="85.67%"),
    dict(file=F3, kind="F", type="dualpct", growth_ctx="同比增长12.21%", share_ctx="占全市总量的12.21%"),

    # ---------------- 04 Shaanxi high-standard farmland 2024 -----------------
    dict(file=F4, kind=C, type="sum", whole="32,000亩",
         parts=["6,850亩", "8,420亩", "5,960亩", "6,180亩", "4,590亩"]),
    dict(file=F4, kind=C, type="sum", whole="40,000亩", parts=["32,000亩", "8,000亩"]),
    dict(file=F4, kind=C, type="product", factors=["32,000亩", "3,000元"], scale="10000", total="9,600.00万元"),
    dict(file=F4, kind=C, type="product", factors=["8,000亩", "1,500元"], scale="10000", total="1,200.00万元"),
    dict(file=F4, kind=C, type="sum", whole="10,800.00万元", parts=["9,600.00万元", "1,200.00万元"]),
    dict(file=F4, kind=C, type="sum", whole="10,800.00万元",
         parts=["6,480.00万元", "2,160.00万元", "540.00万元", "1,620.00万元"]),
    dict(file=F4, kind=C, type="share", part="6,480.00万元", base="10,800.00万元", pct="60.00%"),
    dict(file=F4, kind=C, type="share", part="2,160.00万元", base="10,800.00万元", pct="20.00%"),
    dict(file=F4, kind=C, type="share", part="540.00万元", base="10,800.00万元", pct="5.00%"),
    dict(file=F4, kind=C, type="share", part="1,620.00万元", base="10,800.00万元", pct="15.00%"),
    dict(file=F4, kind=C, type="share", part="9,936.48万元", base="10,800.00万元", pct="92.00%"),
    dict(file=F4, kind=C, type="diff", a="10,800.00万元", b="9,936.48万元", c="863.52万元"),
    dict(file=F4, kind=C, type="sum", whole="9,936.48万元",
         parts=["2,183.60万元", "3,846.25万元", "1,592.40万元", "684.73万元", "726.50万元", "365.20万元", "537.80万元"]),
    dict(file=F4, kind=C, type="share", part="537.80万元", base="9,936.48万元", pct="5.41%"),
    dict(file=F4, kind=C, type="share", part="128.6公里", base="130公里", pct="98.92%"),
    dict(file=F4, kind=C, type="share", part="14,400亩", base="40,000亩", pct="36.00%"),
    dict(file=F4, kind=C, type="growth", cur="468公斤", prev="412公斤", pct="13.59%"),
    dict(file=F4, kind=C, type="diff", a="468公斤", b="412公斤", c="56公斤"),
    dict(file=F4, kind=C, type="product", factors=["40,000亩", "56公斤"], scale="1000", total="2,240吨"),
    dict(file=F4, kind=C, type="product", factors=["12,360户", "1,180元"], scale="10000", total="1,458.48万元"),
    dict(file=F4, kind=C, type="share", part="41.6万亩", base="63.8万亩", pct="65.20%"),
    dict(file=F4, kind=C, type="share", part="386户", base="400户", pct="96.50%"),
    dict(file=F4, kind=C, type="sum", whole="91.5分", parts=["9.2分", "46.5分", "26.3分", "9.5分"]),
    dict(file=F4, kind="C", type="product", factors=["6,850亩", "3,000元"], scale="10000", total="2,155.00万元"),
    dict(file=F4, kind=C, type="wellformed", fig="2,240吨"),
    dict(file=F4, kind="D", type="wellformed", fig="2O5座"),
    dict(file=F4, kind="F", type="dualpct", growth_ctx="同比增长36.00%", share_ctx="占项目建设总面积40,000亩的36.00%"),

    # ---------------- 05 Guangdong compulsory education 2023 -----------------
    dict(file=F5, kind=C, type="sum", whole="64所", parts=["46所", "14所", "4所"]),
    dict(file=F5, kind=C, type="sum", whole="56,280人", parts=["38,460人", "17,820人"]),
    dict(file=F5, kind=C, type="growth", cur="56,280人", prev="55,914人", pct="0.65%"),
    dict(file=F5, kind=C, type="sum", whole="7,039.95万元", parts=["4,223.97万元", "1,760.00万元", "1,055.98万元"]),
    dict(file=F5, kind=C, type="share", part="4,223.97万元", base="7,039.95万元", pct="60.00%"),
    dict(file=F5, kind=C, type="share", part="1,760.00万元", base="7,039.95万元", pct="25.00%"),
    dict(file=F5, kind=C, type="share", part="1,055.98万元", base="7,039.95万元", pct="15.00%"),
    dict(file=F5, kind=C, type="sum", whole="7,039.95万元", parts=["5,881.20万元", "425.25万元", "733.50万元"]),
    dict(file=F5, kind=C, type="product", factors=["38,460人", "950元"], scale="10000", total="3,653.70万元"),
    dict(file=F5, kind=C, type="product", factors=["17,820人", "1,250元"], scale="10000", total="2,227.50万元"),
    dict(file=F5, kind=C, type="sum", whole="5,881.20万元", parts=["3,653.70万元", "2,227.50万元"]),
    dict(file=F5, kind=C, type="product", factors=["38,460人", "105元"], scale="10000", total="403.83万元"),
    dict(file=F5, kind=C, type="product", factors=["17,820人", "185元"], scale="10000", total="329.67万元"),
    dict(file=F5, kind=C, type="sum", whole="733.50万元", parts=["403.83万元", "329.67万元"]),
    dict(file=F5, kind=C, type="share", part="6,918.51万元", base="7,039.95万元", pct="98.27%"),
    dict(file=F5, kind=C, type="diff", a="7,039.95万元", b="6,918.51万元", c="121.44万元"),
    dict(file=F5, kind=C, type="diff", a="5,881.20万元", b="121.44万元", c="5,759.76万元"),
    dict(file=F5, kind=C, type="sum", whole="6,918.51万元", parts=["5,759.76万元", "425.25万元", "733.50万元"]),
    dict(file=F5, kind=C, type="share", part="312.40万元", base="5,759.76万元", pct="5.42%"),
    dict(file=F5, kind=C, type="sum", whole="3,744人", parts=["2,316人", "1,428人"]),
    dict(file=F5, kind=C, type="share", part="3,744人", base="3,700人", pct="101.19%"),
    dict(file=F5, kind=C, type="product", factors=["2,316人", "1,000元"], scale="10000", total="231.60万元"),
    dict(file=F5, kind=C, type="sum", whole="425.25万元", parts=["231.60万元", "193.65万元"]),
    dict(file=F5, kind=C, type="share", part="1,129份", base="1,176份", pct="96.00%"),
    dict(file=F5, kind=C, type="sum", whole="92.0分", parts=["9.5分", "46.0分", "27.3分", "9.2分"]),
    dict(file=F5, kind="A", type="sum", whole="5,759.76万元",
         parts=["1,727.93万元", "1,382.34万元", "1,115.95万元", "863.96万元", "633.58万元"]),
    dict(file=F5, kind="C", type="product", factors=["1,428人", "1,375元"], scale="10000", total="193.65万元"),
    dict(file=F5, kind="E", type="eq", a="56,280人", b="56,820人"),

    # ---------------- 06 Qinghai rural road maintenance 2024 -----------------
    dict(file=F6, kind=C, type="sum", whole="1,286.4公里", parts=["312.6公里", "428.5公里", "545.3公里"]),
    dict(file=F6, kind=C, type="sum", whole="741.1公里", parts=["312.6公里", "428.5公里"]),
    dict(file=F6, kind=C, type="product", factors=["312.6公里", "10,000元"], scale="10000", total="312.60万元"),
    dict(file=F6, kind=C, type="product", factors=["428.5公里", "5,000元"], scale="10000", total="214.25万元"),
    dict(file=F6, kind=C, type="product", factors=["545.3公里", "3,000元"], scale="10000", total="163.59万元"),
    dict(file=F6, kind=C, type="sum", whole="690.44万元", parts=["312.60万元", "214.25万元", "163.59万元"]),
    dict(file=F6, kind=C, type="sum", whole="2,328.44万元",
         parts=["690.44万元", "1,152.80万元", "386.50万元", "98.70万元"]),
    dict(file=F6, kind=C, type="growth", cur="2,328.44万元", prev="2,106.30万元", pct="10.55%"),
    dict(file=F6, kind=C, type="sum", whole="2,328.44万元", parts=["1,397.06万元", "698.53万元", "232.85万元"]),
    dict(file=F6, kind=C, type="share", part="1,397.06万元", base="2,328.44万元", pct="60.00%"),
    dict(file=F6, kind=C, type="share", part="698.53万元", base="2,328.44万元", pct="30.00%"),
    dict(file=F6, kind=C, type="share", part="232.85万元", base="2,328.44万元", pct="10.00%"),
    dict(file=F6, kind=C, type="share", part="2,241.17万元", base="2,328.44万元", pct="96.25%"),
    dict(file=F6, kind=C, type="diff", a="2,328.44万元", b="2,241.17万元", c="87.27万元"),
    dict(file=F6, kind=C, type="diff", a="1,152.80万元", b="87.27万元", c="1,065.53万元"),
    dict(file=F6, kind=C, type="sum", whole="2,241.17万元",
         parts=["690.44万元", "1,065.53万元", "386.50万元", "98.70万元"]),
    dict(file=F6, kind=C, type="product", factors=["216名", "1,200元", "12个月"], scale="10000", total="311.04万元"),
    dict(file=F6, kind=C, type="share", part="86.4公里", base="90公里", pct="96.00%"),
    dict(file=F6, kind=C, type="share", part="1,011.1公里", base="1,286.4公里", pct="78.60%"),
    dict(file=F6, kind=C, type="pp", a="78.60%", b="76.30%", pp="2.30个百分点"),
    dict(file=F6, kind=C, type="ratio", num="1,065.53万元", den="86.4公里", val="12.33万元"),
    dict(file=F6, kind=C, type="product", factors=["1,200元", "12个月"], scale="1", total="14,400元"),
    dict(file=F6, kind=C, type="share", part="461份", base="486份", pct="94.86%"),
    dict(file=F6, kind=C, type="sum", whole="90.5分", parts=["9.0分", "45.5分", "27.0分", "9.0分"]),
    dict(file=F6, kind="B", type="share", part="86.4公里", base="741.1公里", pct="6.72%"),
    dict(file=F6, kind=C, type="wellformed", fig="1,286.4公里"),
    dict(file=F6, kind="D", type="wellformed", fig="3,86.5立方米"),
    dict(file=F6, kind="E", type="eq", a="42.8公里", b="43.2公里"),
    dict(file=F6, kind="F", type="dualpct", growth_ctx="同比增长10.55%", share_ctx="比重为10.55%"),
]

NUM_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
WELL_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[^\d.,A-Za-z][^\d.,A-Za-z]*$")

_texts = {}


def text(fname):
    if fname not in _texts:
        with open(os.path.join(HERE, fname), encoding="utf-8") as fh:
            _texts[fname] = fh.read()
    return _texts[fname]


def ref(check, fig):
    return fig if isinstance(fig, tuple) else (check["file"], fig)


def present(fname, s):
    return s in text(fname)


def num(s):
    m = NUM_RE.search(s)
    if not m:
        raise ValueError("no number in %r" % s)
    return Decimal(m.group(0).replace(",", ""))


def places(s):
    m = NUM_RE.search(s)
    t = m.group(0)
    return len(t.split(".")[1]) if "." in t else 0


def q(x, n):
    return x.quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP)


def base_value(b):
    if isinstance(b, list):
        return sum(num(x) for x in b)
    return num(b)


def evaluate(c):
    """Return (holds, detail)."""
    t = c["type"]
    if t == "sum":
        s = sum(num(p) for p in c["parts"])
        w = num(c["whole"])
        return q(s, places(c["whole"])) == w, "sum(parts)=%s whole=%s" % (s, w)
    if t == "diff":
        d = num(c["a"] if isinstance(c["a"], str) else c["a"][1]) - num(c["b"] if isinstance(c["b"], str) else c["b"][1])
        return q(d, places(c["c"])) == num(c["c"]), "a-b=%s c=%s" % (d, num(c["c"]))
    if t == "share":
        v = num(c["part"]) / base_value(c["base"]) * 100
        return q(v, places(c["pct"])) == num(c["pct"]), "part/base=%s%% stated=%s" % (q(v, 4), c["pct"])
    if t == "growth":
        v = (num(c["cur"]) - num(c["prev"])) / num(c["prev"]) * 100
        return q(v, places(c["pct"])) == num(c["pct"]), "growth=%s%% stated=%s" % (q(v, 4), c["pct"])
    if t == "pp":
        a = num(c["a"] if isinstance(c["a"], str) else c["a"][1])
        b = num(c["b"] if isinstance(c["b"], str) else c["b"][1])
        return q(a - b, places(c["pp"])) == num(c["pp"]), "a-b=%s pp=%s" % (a - b, c["pp"])
    if t == "product":
        p = Decimal(1)
        for f in c["factors"]:
            p *= num(f)
        p /= Decimal(c["scale"])
        return q(p, places(c["total"])) == num(c["total"]), "product=%s total=%s" % (p, c["total"])
    if t == "ratio":
        v = num(c["num"]) / num(c["den"])
        return q(v, places(c["val"])) == num(c["val"]), "ratio=%s val=%s" % (q(v, 4), c["val"])
    if t == "eq":
        a = num(c["a"] if isinstance(c["a"], str) else c["a"][1])
        b = num(c["b"] if isinstance(c["b"], str) else c["b"][1])
        return a == b, "a=%s b=%s" % (a, b)
    if t == "ge":
        a = num(c["a"] if isinstance(c["a"], str) else c["a"][1])
        b = num(c["b"] if isinstance(c["b"], str) else c["b"][1])
        return a >= b, "target=%s achieved=%s" % (a, b)
    if t == "wellformed":
        return bool(WELL_RE.match(c["fig"])), "fig=%r" % c["fig"]
    if t == "dualpct":
        a, b = num(c["growth_ctx"]), num(c["share_ctx"].split("的")[-1] if "的" in c["share_ctx"] else c["share_ctx"])
        return a != b, "growth=%s share=%s" % (a, b)
    raise ValueError(t)


def figures_of(c):
    out = []
    for k in ("whole", "a", "b", "c", "part", "pct", "cur", "prev", "pp", "total",
              "num", "den", "val", "fig", "growth_ctx", "share_ctx"):
        if k in c:
            out.append(ref(c, c[k]))
    for k in ("parts", "factors"):
        for x in c.get(k, []):
            out.append(ref(c, x))
    if "base" in c:
        bs = c["base"] if isinstance(c["base"], list) else [c["base"]]
        out.extend(ref(c, x) for x in bs)
    return out


def main():
    errors = []
    with open(os.path.join(HERE, "gold.json"), encoding="utf-8") as fh:
        gold = json.load(fh)

    # 1. files exist, line counts
    for d in gold["documents"]:
        if d["file"] not in FILES:
            errors.append("unknown file in gold: %s" % d["file"])
        n = len([l for l in text(d["file"]).split("\n") if l.strip()])
        if not 40 <= n <= 80:
            errors.append("%s has %d lines" % (d["file"], n))
    print("files: %d, lines: %s" % (len(gold["documents"]),
          ", ".join(str(len([l for l in text(d["file"]).split("\n") if l.strip()])) for d in gold["documents"])))

    # 2. gold figures verbatim
    nfig = 0
    for d in gold["documents"]:
        for p in d["planted"]:
            src = p.get("figure_sources", {})
            for f in p["figures"]:
                nfig += 1
                fname = src.get(f, d["file"])
                if not present(fname, f):
                    errors.append("gold figure %r not in %s" % (f, fname))
    print("gold figures checked verbatim: %d" % nfig)

    # 3. kind counts and per-document rule
    kinds = Counter()
    for d in gold["documents"]:
        per = Counter(p["kind"] for p in d["planted"])
        kinds.update(per)
        for k, v in per.items():
            if v > 1 and k != "G":
                errors.append("%s has kind %s %d times" % (d["file"], k, v))
    later = gold["pairs"][0][1]
    for d in gold["documents"]:
        g = sum(1 for p in d["planted"] if p["kind"] == "G")
        if g and d["file"] != later:
            errors.append("G item outside later pair report: %s" % d["file"])
    want = {"A": 3, "B": 3, "C": 3, "D": 3, "E": 3, "F": 3, "G": 2}
    if dict(kinds) != want:
        errors.append("kind counts %s != %s" % (dict(kinds), want))
    print("kind counts:", " ".join("%s%d" % (k, kinds[k]) for k in sorted(kinds)), "total", sum(kinds.values()))
    nlook = sum(len(d["clean_lookalikes"]) for d in gold["documents"])
    print("clean look-alikes listed: %d" % nlook)
    if nlook < 15:
        errors.append("fewer than 15 look-alikes")

    # 4. arithmetic checks
    clean_ok = clean_n = planted_fail = planted_n = 0
    planted_by = Counter()
    for c in CHECKS:
        for fname, s in figures_of(c):
            if not present(fname, s):
                errors.append("check figure %r not in %s" % (s, fname))
        holds, detail = evaluate(c)
        if c["kind"] == C:
            clean_n += 1
            if holds:
                clean_ok += 1
            else:
                errors.append("CLEAN relation fails in %s: %s %s" % (c["file"], c["type"], detail))
        else:
            planted_n += 1
            planted_by[(c["file"], c["kind"])] += 1
            if not holds:
                planted_fail += 1
            else:
                errors.append("PLANTED relation holds in %s: %s %s" % (c["file"], c["type"], detail))
    gold_by = Counter((d["file"], p["kind"]) for d in gold["documents"] for p in d["planted"])
    if planted_by != gold_by:
        errors.append("planted checks %s do not match gold %s" % (dict(planted_by), dict(gold_by)))
    print("clean relations holding: %d/%d" % (clean_ok, clean_n))
    print("planted relations failing: %d/%d" % (planted_fail, planted_n))

    if errors:
        print("FAIL")
        for e in errors:
            print("  -", e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
