#!/usr/bin/env python3
"""Self-check for the heldout5 evaluation set (standard library only, reads only this folder)."""
import json
import os
import re
import sys
from collections import Counter
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
F = {
    "01": "01_hebei_tongjiju_2023_bumen.txt",
    "02": "02_hebei_tongjiju_2024_bumen.txt",
    "03": "03_jilin_gongxiaoshe_2024_bumen.txt",
    "04": "04_chongqing_nongjituiguang_2024_xiangmu.txt",
    "05": "05_ningxia_huanweiyitihua_2023_xiangmu.txt",
    "06": "06_liaoning_laoniandaxue_2024_xiangmu.txt",
}
EXPECTED_KINDS = {"A": 3, "B": 3, "C": 3, "D": 3, "E": 3, "F": 3, "G": 2}
TEXT = {}


def text(fname):
    if fname not in TEXT:
        with open(os.path.join(HERE, fname), encoding="utf-8") as fh:
            TEXT[fname] = fh.read()
    return TEXT[fname]


NUM = re.compile(r"^[0-9][0-9,]*(?:\.[0-9]+)?")
WELL = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?=[^0-9.,A-Za-z]|$)")


def val(spec, default_file):
    """spec is 'string as written' or (string, file key). Checks presence, returns Decimal."""
    if isinstance(spec, tuple):
        s, fk = spec
    else:
        s, fk = spec, default_file
    fname = F[fk]
    if s not in text(fname):
        raise AssertionError("figure %r not found in %s" % (s, fname))
    m = NUM.match(s)
    if not m:
        raise AssertionError("cannot parse %r" % s)
    return Decimal(m.group(0).replace(",", ""))


def q(x, like):
    """Round x to the number of decimals displayed in `like` (a Decimal), half-up."""
    return x.quantize(Decimal(1).scaleb(like.as_tuple().exponent), rounding=ROUND_HALF_UP)


def S(s, scale="1"):
    return (s, scale)


# Every arithmetic relation written in the six reports.
# expect True = holds at displayed precision; expect False = planted failure.
# "planted": (kind, index among that kind in the file) links failing checks to gold.json.
CHECKS = [
    # ---------------- 01 统计局 2023 ----------------
    dict(f="01", k="sum", parts=["24名", "14名"], whole="38名", exp=True),
    dict(f="01", k="sum", parts=["22人", "13人"], whole="35人", exp=True),
    dict(f="01", k="diff", a="786.35万元", b="612.48万元", stated="173.87万元", exp=True),
    dict(f="01", k="sum", parts=["771.35万元", "15.00万元"], whole="786.35万元", exp=True),
    dict(f="01", k="share", part="768.92万元", base="786.35万元", stated="97.78%", exp=True),
    dict(f="01", k="sum", parts=["463.57万元", "305.35万元"], whole="768.92万元", exp=True),
    dict(f="01", k="share", part="463.57万元", base="768.92万元", stated="60.29%", exp=True),
    dict(f="01", k="share", part="305.35万元", base="768.92万元", stated="39.71%", exp=True),
    dict(f="01", k="sum", parts=["401.26万元", "62.31万元"], whole="463.57万元", exp=True),
    dict(f="01", k="sum", parts=["352.84万元", "48.24万元"], whole="401.26万元", exp=False, planted=("A", 0)),
    dict(f="01", k="sum", parts=["148.60万元", "86.45万元", "42.30万元", "28.00万元"], whole="305.35万元", exp=True),
    dict(f="01", k="share", part="148.60万元", base="305.35万元", stated="48.67%", exp=True),
    dict(f="01", k="sum", parts=["469.35万元", "317.00万元"], whole="786.35万元", exp=True),
    dict(f="01", k="share", part="463.57万元", base="469.35万元", stated="98.77%", exp=True),
    dict(f="01", k="share", part="305.35万元", base="317.00万元", stated="96.32%", exp=True),
    dict(f="01", k="sum", parts=["150.00万元", "92.00万元", "45.00万元", "30.00万元"], whole="317.00万元", exp=True),
    dict(f="01", k="share", part="148.60万元", base="150.00万元", stated="99.07%", exp=True),
    dict(f="01", k="share", part="86.45万元", base="92.00万元", stated="93.97%", exp=True),
    dict(f="01", k="share", part="42.30万元", base="45.00万元", stated="94.00%", exp=True),
    dict(f="01", k="share", part="28.00万元", base="30.00万元", stated="93.33%", exp=True),
    dict(f="01", k="wellformed", s="38,46个", exp=False, planted=("D", 0)),
    dict(f="01", k="sum", parts=["9个乡镇", "2个街道办事处"], whole="11个", exp=True),
    dict(f="01", k="diff", a="412家", b="375家", stated="37家", exp=True),
    dict(f="01", k="growth", new="412家", old="375家", stated="9.9%", exp=True),
    dict(f="01", k="sum", parts=["14家", "11家", "8家", "4家"], whole="37家", exp=True),
    dict(f="01", k="share", part="412家", base="1,376家", stated="9.9%", exp=False, planted=("F", 0)),
    dict(f="01", k="diff", a="32家", b="30家", stated="2家", exp=True),
    dict(f="01", k="diff", a="1,145人次", b="1,100人次", stated="45人次", exp=True),
    dict(f="01", k="sum", parts=["318人次", "427人次", "400人次"], whole="1,145人次", exp=True),
    dict(f="01", k="product", factors=["180户", "80元", "12个月"], scale="0.0001", stated="17.28万元", exp=True),
    dict(f="01", k="share", part="11篇", base="36篇", stated="30.6%", exp=True),
    dict(f="01", k="diff", a="11篇", b="8篇", stated="3篇", exp=True),
    dict(f="01", k="pp", new="98.6%", old="97.4%", stated="1.2个百分点", exp=True),
    dict(f="01", k="product", factors=["215名", "1,200元", "3个月"], scale="0.0001", stated="77.40万元", exp=True),
    dict(f="01", k="product", factors=["96台", "2,650元"], scale="0.0001", stated="25.44万元", exp=True),
    dict(f="01", k="sum", parts=["77.40万元", "25.44万元", "18.36万元", "27.40万元"], whole="148.60万元", exp=True),
    dict(f="01", k="partial", parts=["17.28万元", "23.50万元"], whole="86.45万元", exp=True),
    dict(f="01", k="sum", parts=["2.86万元", "0.40万元"], whole="3.26万元", exp=True),
    dict(f="01", k="diff", a="3.64万元", b="3.26万元", stated="0.38万元", exp=True),
    dict(f="01", k="decline", new="3.26万元", old="3.64万元", stated="10.4%", exp=True),
    dict(f="01", k="share", part="286份", base="300份", stated="95.3%", exp=True),
    dict(f="01", k="share", part="271份", base="286份", stated="94.8%", exp=True),
    dict(f="01", k="share", part="173.87万元", base="786.35万元", stated="22.11%", exp=True),
    dict(f="01", k="sum", parts=["9.8分", "48.5分", "28.0分", "9.5分"], whole="95.8分", exp=True),
    dict(f="01", k="ge", a="26期", b="24期", exp=True, note="result above goal (goal differs from result)"),
    dict(f="01", k="ge", a="36篇", b="30篇", exp=True, note="result above goal"),
    dict(f="01", k="ge", a="420家", b="412家", exp=True),
    dict(f="01", k="ge", a="1,200人次", b="1,145人次", exp=True),
    dict(f="01", k="ge", a="95%", b="94.8%", exp=True),
    dict(f="01", k="ge", a="97%", b="96.32%", exp=True),
    # ---------------- 02 统计局 2024 ----------------
    dict(f="02", k="sum", parts=["24名", "14名"], whole="38名", exp=True),
    dict(f="02", k="sum", parts=["23人", "13人"], whole="36人", exp=True),
    dict(f="02", k="eq", a="612.48万元", b=("612.48万元", "01"), exp=True),
    dict(f="02", k="growth", new="708.60万元", old="612.48万元", stated="15.69%", exp=True),
    dict(f="02", k="diff", a="893.74万元", b="708.60万元", stated="185.14万元", exp=True),
    dict(f="02", k="sum", parts=["880.24万元", "13.50万元"], whole="893.74万元", exp=True),
    dict(f="02", k="eq", a="768.92万元", b=("768.92万元", "01"), exp=True),
    dict(f="02", k="growth", new="871.05万元", old="768.92万元", stated="13.28%", exp=True),
    dict(f="02", k="share", part="871.05万元", base="893.74万元", stated="97.46%", exp=True),
    dict(f="02", k="sum", parts=["482.19万元", "388.86万元"], whole="871.05万元", exp=True),
    dict(f="02", k="share", part="482.19万元", base="871.05万元", stated="55.36%", exp=True),
    dict(f="02", k="share", part="388.86万元", base="871.05万元", stated="44.64%", exp=True),
    dict(f="02", k="sum", parts=["418.65万元", "63.54万元"], whole="482.19万元", exp=True),
    dict(f="02", k="share", part="418.65万元", base="482.19万元", stated="86.82%", exp=True),
    dict(f="02", k="sum", parts=["367.92万元", "50.73万元"], whole="418.65万元", exp=True),
    dict(f="02", k="sum", parts=["226.40万元", "94.86万元", "38.60万元", "29.00万元"], whole="388.86万元", exp=True),
    dict(f="02", k="share", part="226.40万元", base="871.05万元", stated="58.22%", exp=False, planted=("B", 0)),
    dict(f="02", k="share", part="226.40万元", base="388.86万元", stated="58.22%", exp=True, note="the base the 58.22% really belongs to"),
    dict(f="02", k="sum", parts=["495.74万元", "398.00万元"], whole="893.74万元", exp=True),
    dict(f="02", k="share", part="482.19万元", base="495.74万元", stated="97.27%", exp=True),
    dict(f="02", k="share", part="388.86万元", base="398.00万元", stated="97.70%", exp=True),
    dict(f="02", k="sum", parts=["230.00万元", "98.00万元", "40.00万元", "30.00万元"], whole="398.00万元", exp=True),
    dict(f="02", k="share", part="226.40万元", base="230.00万元", stated="98.43%", exp=True),
    dict(f="02", k="share", part="94.86万元", base="98.00万元", stated="96.80%", exp=True),
    dict(f="02", k="share", part="38.60万元", base="40.00万元", stated="96.50%", exp=True),
    dict(f="02", k="share", part="29.00万元", base="30.00万元", stated="96.67%", exp=True),
    dict(f="02", k="sum", parts=["1,517家", "2,441个"], whole="3,958个", exp=True),
    dict(f="02", k="eq", a="1,517家", b="1,571家", exp=False, planted=("E", 0)),
    dict(f="02", k="partial", parts=["2,734户"], whole="9,286户", exp=True),
    dict(f="02", k="diff", a="451家", b="412家", stated="39家", exp=True),
    dict(f="02", k="eq", a="412家", b=("412家", "01"), exp=True),
    dict(f="02", k="growth", new="451家", old="412家", stated="9.5%", exp=True),
    dict(f="02", k="diff", a="451家", b="420家", stated="31家", exp=True),
    dict(f="02", k="diff", a="38家", b="35家", stated="3家", exp=True),
    dict(f="02", k="sum", parts=["26家", "12家"], whole="38家", exp=True),
    dict(f="02", k="diff", a="1,262人次", b="1,154人次", stated="108人次", exp=True),
    dict(f="02", k="eq", a="1,154人次", b=("1,145人次", "01"), exp=False, planted=("G", 0)),
    dict(f="02", k="share", part="1,262人次", base="1,200人次", stated="105.2%", exp=True),
    dict(f="02", k="product", factors=["180户", "80元", "12个月"], scale="0.0001", stated="17.28万元", exp=True),
    dict(f="02", k="share", part="14篇", base="40篇", stated="35.0%", exp=True),
    dict(f="02", k="pp", new="99.1%", old=("98.6%", "01"), stated="0.5个百分点", exp=True),
    dict(f="02", k="product", factors=["238名", "1,500元", "4个月"], scale="0.0001", stated="142.80万元", exp=True),
    dict(f="02", k="sum", parts=["142.80万元", "35.60万元", "21.50万元", "26.50万元"], whole="226.40万元", exp=True),
    dict(f="02", k="eq", a="3.26万元", b=("3.26万元", "01"), exp=True),
    dict(f="02", k="diff", a="3.26万元", b="2.98万元", stated="0.28万元", exp=True),
    dict(f="02", k="decline", new="2.98万元", old="3.26万元", stated="8.6%", exp=True),
    dict(f="02", k="share", part="312份", base="320份", stated="97.5%", exp=True),
    dict(f="02", k="share", part="298份", base="312份", stated="95.5%", exp=True),
    dict(f="02", k="ge", a="430家", b="451家", exp=False, planted=("G", 1)),
    dict(f="02", k="ge", a="1,300人次", b="1,262人次", exp=True),
    dict(f="02", k="ge", a="40家", b="38家", exp=True),
    dict(f="02", k="ge", a="99.3%", b="99.1%", exp=True),
    dict(f="02", k="ge", a="96%", b="95.5%", exp=True),
    dict(f="02", k="ge", a="98%", b="97.70%", exp=True),
    dict(f="02", k="sum", parts=["9.7分", "48.8分", "28.4分", "9.5分"], whole="96.4分", exp=True),
    # ---------------- 03 供销社 2024 ----------------
    dict(f="03", k="sum", parts=["12名", "3名"], whole="15名", exp=True),
    dict(f="03", k="sum", parts=["11人", "3人"], whole="14人", exp=True),
    dict(f="03", k="diff", a="452.18万元", b="386.72万元", stated="65.46万元", exp=True),
    dict(f="03", k="sum", parts=["437.18万元", "15.00万元"], whole="452.18万元", exp=True),
    dict(f="03", k="share", part="440.63万元", base="452.18万元", stated="97.45%", exp=True),
    dict(f="03", k="sum", parts=["212.47万元", "228.16万元"], whole="440.63万元", exp=True),
    dict(f="03", k="share", part="212.47万元", base="440.63万元", stated="48.22%", exp=True),
    dict(f="03", k="share", part="228.16万元", base="440.63万元", stated="51.78%", exp=True),
    dict(f="03", k="sum", parts=["183.92万元", "28.55万元"], whole="212.47万元", exp=True),
    dict(f="03", k="sum", parts=["156.40万元", "27.52万元"], whole="183.92万元", exp=True),
    dict(f="03", k="sum", parts=["96.00万元", "52.80万元", "44.16万元", "35.20万元"], whole="228.16万元", exp=True),
    dict(f="03", k="share", part="96.00万元", base="228.16万元", stated="42.08%", exp=True),
    dict(f="03", k="sum", parts=["219.02万元", "233.16万元"], whole="452.18万元", exp=True),
    dict(f="03", k="share", part="212.47万元", base="219.02万元", stated="97.01%", exp=True),
    dict(f="03", k="share", part="228.16万元", base="233.16万元", stated="97.86%", exp=True),
    dict(f="03", k="sum", parts=["96.00万元", "52.80万元", "48.00万元", "36.36万元"], whole="233.16万元", exp=True),
    dict(f="03", k="share", part="44.16万元", base="48.00万元", stated="92.00%", exp=True),
    dict(f="03", k="share", part="35.20万元", base="36.36万元", stated="96.81%", exp=True),
    dict(f="03", k="sum", parts=["28.50万元", "32.00万元", "34.50万元"], whole="96.00万元", exp=False, planted=("A", 0)),
    dict(f="03", k="product", factors=["6,000吨", "85元"], scale="0.0001", stated="52.80万元", exp=False, planted=("C", 0)),
    dict(f="03", k="share", part="4.82万吨", base="4.5万吨", stated="107.1%", exp=True),
    dict(f="03", k="sum", parts=["3.96万吨", "0.86万吨"], whole="4.82万吨", exp=True),
    dict(f="03", k="partial", parts=["11个"], whole="92个", exp=True),
    dict(f="03", k="product", factors=["92个", "400元", "12个月"], scale="0.0001", stated="44.16万元", exp=True),
    dict(f="03", k="growth", new="2,860.40万元", old="2,496.00万元", stated="14.6%", exp=True),
    dict(f="03", k="eq", a="2,860.40万元", b="2,680.40万元", exp=False, planted=("E", 0)),
    dict(f="03", k="product", factors=["16个", "2.2万元"], scale="1", stated="35.20万元", exp=True),
    dict(f="03", k="diff", a="18个", b="16个", stated="2个", exp=True),
    dict(f="03", k="share", part="16个", base="18个", stated="88.9%", exp=True),
    dict(f="03", k="growth", new="2.36万吨", old="2.20万吨", stated="7.3%", exp=True),
    dict(f="03", k="product", factors=["1,860户", "1,250元"], scale="0.0001", stated="232.50万元", exp=True),
    dict(f="03", k="share", part="0.86万吨", base="4.82万吨", stated="17.8%", exp=True),
    dict(f="03", k="pp", new="17.8%", old="15.5%", stated="2.3个百分点", exp=True),
    dict(f="03", k="ge", a="100个", b="92个", exp=True),
    dict(f="03", k="ge", a="3,000万元", b="2,860.40万元", exp=True),
    dict(f="03", k="ge", a="2.5万吨", b="2.36万吨", exp=True),
    dict(f="03", k="ge", a="20%", b="17.8%", exp=True),
    dict(f="03", k="ge", a="98%", b="97.45%", exp=True),
    dict(f="03", k="sum", parts=["9.6分", "47.0分", "27.4分", "9.5分"], whole="93.5分", exp=True),
    # ---------------- 04 农机推广 2024 ----------------
    dict(f="04", k="sum", parts=["240.00万元", "80.00万元"], whole="320.00万元", exp=True),
    dict(f="04", k="sum", parts=["320.00万元", "45.50万元"], whole="365.50万元", exp=True),
    dict(f="04", k="sum", parts=["80.00万元", "45.50万元"], whole="125.50万元", exp=True),
    dict(f="04", k="sum", parts=["125.50万元", "240.00万元"], whole="365.50万元", exp=True),
    dict(f="04", k="share", part="125.50万元", base="365.50万元", stated="34.34%", exp=True),
    dict(f="04", k="share", part="240.00万元", base="365.50万元", stated="65.66%", exp=True),
    dict(f="04", k="share", part="358.72万元", base="365.50万元", stated="98.15%", exp=True),
    dict(f="04", k="diff", a="365.50万元", b="358.72万元", stated="6.78万元", exp=True),
    dict(f="04", k="sum", parts=["168.00万元", "42.00万元", "24.72万元", "58.00万元", "66.00万元"], whole="358.72万元", exp=True),
    dict(f="04", k="share", part="168.00万元", base="365.50万元", stated="46.83%", exp=False, planted=("B", 0)),
    dict(f="04", k="share", part="168.00万元", base="358.72万元", stated="46.83%", exp=True, note="the base the 46.83% really belongs to"),
    dict(f="04", k="diff", a="2,100亩", b="2,000亩", stated="100亩", exp=True),
    dict(f="04", k="growth", new="2,100亩", old="1,800亩", stated="16.7%", exp=True),
    dict(f="04", k="share", part="2,100亩", base=S("3.6万亩", "10000"), stated="16.7%", exp=False, planted=("F", 0)),
    dict(f="04", k="partial", parts=["620亩"], whole="2,100亩", exp=True),
    dict(f="04", k="product", factors=["12台", "3.5万元"], scale="1", stated="42.00万元", exp=True),
    dict(f="04", k="diff", a="1,030人次", b="1,000人次", stated="30人次", exp=True),
    dict(f="04", k="sum", parts=["186人次", "412人次", "432人次"], whole="1,030人次", exp=True),
    dict(f="04", k="pp", new="2.6%", old="3.0%", stated="0.4个百分点", down=True, exp=True),
    dict(f="04", k="product", factors=["2,100亩", "800元"], scale="0.0001", stated="168.00万元", exp=True),
    dict(f="04", k="product", factors=["1,030人次", "240元"], scale="0.0001", stated="24.72万元", exp=True),
    dict(f="04", k="diff", a="3,460户", b="3,000户", stated="460户", exp=True),
    dict(f="04", k="wellformed", s="61.%", exp=False, planted=("D", 0)),
    dict(f="04", k="ge", a="8项", b="6项", exp=True, note="result above goal"),
    dict(f="04", k="ge", a="1.25万亩", b="1.2万亩", exp=True, note="result above goal"),
    dict(f="04", k="ge", a="135元", b="120元", exp=True, note="result above goal"),
    dict(f="04", k="ge", a="97.1%", b="95%", exp=True, note="result above goal"),
    dict(f="04", k="ge", a="2,500亩", b="2,100亩", exp=True),
    dict(f="04", k="ge", a="1,200人次", b="1,030人次", exp=True),
    dict(f="04", k="ge", a="10项", b="8项", exp=True),
    dict(f="04", k="ge", a="99%", b="98.15%", exp=True),
    dict(f="04", k="sum", parts=["9.8分", "47.6分", "27.1分", "9.4分"], whole="93.9分", exp=True),
    # ---------------- 05 环卫一体化 2023 ----------------
    dict(f="05", k="sum", parts=["1,280.00万元", "76.40万元"], whole="1,356.40万元", exp=True),
    dict(f="05", k="sum", parts=["1,106.40万元", "250.00万元"], whole="1,356.40万元", exp=True),
    dict(f="05", k="share", part="1,106.40万元", base="1,356.40万元", stated="81.57%", exp=True),
    dict(f="05", k="share", part="250.00万元", base="1,356.40万元", stated="18.43%", exp=True),
    dict(f="05", k="share", part="1,334.86万元", base="1,356.40万元", stated="98.41%", exp=True),
    dict(f="05", k="sum", parts=["612.00万元", "469.44万元", "206.38万元", "47.04万元"], whole="1,334.86万元", exp=True),
    dict(f="05", k="eq", a="326人", b="362名", exp=False, planted=("E", 0)),
    dict(f="05", k="growth", new="3.42万吨", old="3.22万吨", stated="6.2%", exp=True),
    dict(f="05", k="diff", a="3.42万吨", b="3.3万吨", stated="0.12万吨", exp=True),
    dict(f="05", k="sum", parts=["2.18万吨", "1.24万吨"], whole="3.42万吨", exp=True),
    dict(f="05", k="share", part="81个", base="87个", stated="93.1%", exp=True),
    dict(f="05", k="pp", new="93.1%", old="88.5%", stated="4.6个百分点", exp=True),
    dict(f="05", k="diff", a="87个", b="81个", stated="6个", exp=True),
    dict(f="05", k="product", factors=["180万平方米", "3.40元"], scale="1", stated="612.00万元", exp=True),
    dict(f="05", k="product", factors=["326人", "1,200元", "12个月"], scale="0.0001", stated="469.44万元", exp=True),
    dict(f="05", k="product", factors=["3.42万吨", "58元"], scale="1", stated="206.38万元", exp=False, planted=("C", 0)),
    dict(f="05", k="sum", parts=["19.20万元", "16.80万元", "10.04万元"], whole="47.04万元", exp=False, planted=("A", 0)),
    dict(f="05", k="product", factors=["2,400个", "80元"], scale="0.0001", stated="19.20万元", exp=True),
    dict(f="05", k="product", factors=["30个", "5,600元"], scale="0.0001", stated="16.80万元", exp=True),
    dict(f="05", k="share", part="82个", base="87个", stated="94.3%", exp=True),
    dict(f="05", k="ge", a="3.42万吨", b="3.3万吨", exp=True, note="result above goal"),
    dict(f="05", k="ge", a="326人", b="320人", exp=True, note="result above goal"),
    dict(f="05", k="ge", a="97.2%", b="95%", exp=True),
    dict(f="05", k="ge", a="96%", b="93.1%", exp=True),
    dict(f="05", k="ge", a="98%", b="97.2%", exp=True),
    dict(f="05", k="sum", parts=["9.8分", "46.5分", "27.0分", "9.3分"], whole="92.6分", exp=True),
    # ---------------- 06 老年大学 2024 ----------------
    dict(f="06", k="sum", parts=["268.00万元", "13.60万元"], whole="281.60万元", exp=True),
    dict(f="06", k="share", part="276.35万元", base="281.60万元", stated="98.14%", exp=True),
    dict(f="06", k="diff", a="281.60万元", b="276.35万元", stated="5.25万元", exp=True),
    dict(f="06", k="sum", parts=["97.20万元", "45.60万元", "38.55万元", "12.60万元", "28.00万元", "24.00万元", "30.40万元"], whole="276.35万元", exp=True),
    dict(f="06", k="diff", a="4,850人", b="4,100人", stated="750人", exp=True),
    dict(f="06", k="growth", new="4,850人", old="4,100人", stated="18.3%", exp=True),
    dict(f="06", k="diff", a="4,850人", b="4,600人", stated="250人", exp=True),
    dict(f="06", k="sum", parts=["2,920人", "1,930人"], whole="4,850人", exp=True),
    dict(f="06", k="share", part="2,920人", base="4,850人", stated="60.2%", exp=True),
    dict(f="06", k="share", part="1,260人", base="4,850人", stated="43.2%", exp=False, planted=("B", 0)),
    dict(f="06", k="share", part="1,260人", base="2,920人", stated="43.2%", exp=True, note="the base the 43.2% really belongs to"),
    dict(f="06", k="diff", a="126门", b="120门", stated="6门", exp=True),
    dict(f="06", k="share", part="6,480课时", base="6,000课时", stated="108.0%", exp=True),
    dict(f="06", k="product", factors=["36个", "1.2万元"], scale="1", stated="45.60万元", exp=False, planted=("C", 0)),
    dict(f="06", k="partial", parts=["9个"], whole="36个", exp=True),
    dict(f="06", k="wellformed", s="2,1O6人次", exp=False, planted=("D", 0)),
    dict(f="06", k="product", factors=["6,480课时", "150元"], scale="0.0001", stated="97.20万元", exp=True),
    dict(f="06", k="product", factors=["4台", "2.85万元"], scale="1", stated="11.40万元", exp=True),
    dict(f="06", k="partial", parts=["11.40万元"], whole="38.55万元", exp=True),
    dict(f="06", k="share", part="4,850人", base=S("28.6万人", "10000"), stated="18.3%", exp=False, planted=("F", 0)),
    dict(f="06", k="ge", a="18.3%", b="10%", exp=True),
    dict(f="06", k="ge", a="6,350人", b="5,000人", exp=True),
    dict(f="06", k="pp", new="97.6%", old="96.5%", stated="1.1个百分点", exp=True),
    dict(f="06", k="ge", a="42场", b="40场", exp=True, note="result above goal"),
    dict(f="06", k="ge", a="97.8%", b="95%", exp=True, note="result above goal"),
    dict(f="06", k="ge", a="99.2%", b="98%", exp=True, note="result above goal"),
    dict(f="06", k="ge", a="5,200人", b="4,850人", exp=True),
    dict(f="06", k="ge", a="130门", b="126门", exp=True),
    dict(f="06", k="ge", a="98%", b="97.6%", exp=True),
    dict(f="06", k="ge", a="99%", b="98.14%", exp=True),
    dict(f="06", k="sum", parts=["9.8分", "47.9分", "27.6分", "9.4分"], whole="94.7分", exp=True),
]


def scaled(spec, fk):
    if isinstance(spec, tuple) and len(spec) == 2 and spec[1] not in F:
        s, sc = spec
        return val(s, fk) * Decimal(sc)
    return val(spec, fk)


def evaluate(c):
    fk, k = c["f"], c["k"]
    if k == "sum":
        tot = sum((val(p, fk) for p in c["parts"]), Decimal(0))
        w = val(c["whole"], fk)
        return q(tot, w) == w, "sum=%s vs %s" % (tot, w)
    if k == "partial":
        tot = sum((val(p, fk) for p in c["parts"]), Decimal(0))
        w = val(c["whole"], fk)
        return tot < w, "listed %s < whole %s" % (tot, w)
    if k == "diff":
        a, b, s = val(c["a"], fk), val(c["b"], fk), val(c["stated"], fk)
        return q(a - b, s) == s, "%s-%s=%s vs %s" % (a, b, a - b, s)
    if k == "share":
        p, b, s = scaled(c["part"], fk), scaled(c["base"], fk), val(c["stated"], fk)
        r = p / b * 100
        return q(r, s) == s, "%s/%s=%s%% vs %s%%" % (p, b, q(r, Decimal("0.01")), s)
    if k == "growth":
        n, o, s = val(c["new"], fk), val(c["old"], fk), val(c["stated"], fk)
        r = (n - o) / o * 100
        return q(r, s) == s, "growth %s%% vs %s%%" % (q(r, Decimal("0.01")), s)
    if k == "decline":
        n, o, s = val(c["new"], fk), val(c["old"], fk), val(c["stated"], fk)
        r = (o - n) / o * 100
        return q(r, s) == s, "decline %s%% vs %s%%" % (q(r, Decimal("0.01")), s)
    if k == "pp":
        n, o, s = val(c["new"], fk), val(c["old"], fk), val(c["stated"], fk)
        d = (o - n) if c.get("down") else (n - o)
        return d == s, "pp %s vs %s" % (d, s)
    if k == "product":
        prod = Decimal(1)
        for f_ in c["factors"]:
            prod *= val(f_, fk)
        prod *= Decimal(c["scale"])
        s = val(c["stated"], fk)
        return q(prod, s) == s, "product=%s vs %s" % (prod, s)
    if k == "eq":
        a, b = val(c["a"], fk), val(c["b"], fk)
        return a == b, "%s vs %s" % (a, b)
    if k == "ge":
        a, b = val(c["a"], fk), val(c["b"], fk)
        return a >= b, "target %s vs achieved %s" % (a, b)
    if k == "wellformed":
        s = c["s"]
        if s not in text(F[fk]):
            raise AssertionError("figure %r not found" % s)
        return bool(WELL.match(s)), "wellformed(%r)" % s
    raise ValueError(k)


def main():
    errors = []
    # files: naming, encoding, line counts, no tables
    names = sorted(f for f in os.listdir(HERE) if f.endswith(".txt"))
    if names != sorted(F.values()):
        errors.append("txt files differ from expected: %s" % names)
    for n in names:
        if not re.match(r"^0[1-6]_[a-z]+_[a-z]+_20\d\d_(bumen|xiangmu)\.txt$", n):
            errors.append("bad file name " + n)
        t = text(n)
        lines = t.splitlines()
        if not 40 <= len(lines) <= 80:
            errors.append("%s has %d lines" % (n, len(lines)))
        if "\t" in t or "|" in t or "｜" in t:
            errors.append("%s looks like it has a table" % n)
        if any(not l.strip() for l in lines):
            errors.append("%s has blank lines" % n)
    # gold
    with open(os.path.join(HERE, "gold.json"), encoding="utf-8") as fh:
        gold = json.load(fh)
    kinds = Counter()
    fname_to_key = {v: k for k, v in F.items()}
    planted_index = {}
    later_pair = gold["pairs"][0][1]
    for d in gold["documents"]:
        fn = d["file"]
        if fn not in fname_to_key:
            errors.append("gold names unknown file " + fn)
            continue
        if "（虚构）" not in d["department"]:
            errors.append("department not marked fictional: " + d["department"])
        if str(d["year"]) not in fn:
            errors.append("year mismatch " + fn)
        if len(d["clean_lookalikes"]) < 1:
            errors.append("no lookalikes in " + fn)
        per = Counter()
        for it in d["planted"]:
            kinds[it["kind"]] += 1
            per[it["kind"]] += 1
            idx = per[it["kind"]] - 1
            planted_index[(fname_to_key[fn], it["kind"], idx)] = it
            src = it.get("figure_sources", {})
            for fig in it["figures"]:
                target = src.get(fig, fn)
                if fig not in text(target):
                    errors.append("figure %r not verbatim in %s" % (fig, target))
        for kd, n in per.items():
            if n > 1 and not (kd == "G" and fn == later_pair):
                errors.append("kind %s used %d times in %s" % (kd, n, fn))
        if per.get("G") and fn != later_pair:
            errors.append("G item outside the later pair report: " + fn)
    if dict(kinds) != EXPECTED_KINDS:
        errors.append("kind counts %s != %s" % (dict(kinds), EXPECTED_KINDS))
    if sum(kinds.values()) != 20:
        errors.append("planted total %d != 20" % sum(kinds.values()))
    n_look = sum(len(d["clean_lookalikes"]) for d in gold["documents"])
    if n_look < 15:
        errors.append("only %d lookalikes" % n_look)
    for a, b in gold["pairs"]:
        for x in (a, b):
            if x not in F.values():
                errors.append("pair file missing " + x)
    # arithmetic
    n_hold = n_fail = 0
    covered = set()
    for i, c in enumerate(CHECKS):
        try:
            ok, msg = evaluate(c)
        except AssertionError as e:
            errors.append("check %d (%s %s): %s" % (i, c["f"], c["k"], e))
            continue
        if ok != c["exp"]:
            errors.append("check %d (%s %s) expected %s got %s: %s" % (i, c["f"], c["k"], c["exp"], ok, msg))
        if c.get("planted"):
            key = (c["f"],) + tuple(c["planted"])
            if key not in planted_index:
                errors.append("check %d linked to unknown planted item %s" % (i, key))
            if not c["exp"]:
                covered.add(key)
        elif not c["exp"]:
            errors.append("check %d expected to fail but not linked to a planted item" % i)
        if ok:
            n_hold += 1
        else:
            n_fail += 1
    missing = set(planted_index) - covered
    if missing:
        errors.append("planted items without a failing check: %s" % sorted(missing))
    print("files: %d, lines: %s" % (len(names), ", ".join(str(len(text(n).splitlines())) for n in names)))
    print("checks: %d (hold %d, fail as planted %d)" % (len(CHECKS), n_hold, n_fail))
    print("planted kinds: " + ", ".join("%s=%d" % (k, kinds[k]) for k in sorted(kinds)) + " (total %d)" % sum(kinds.values()))
    print("clean look-alikes listed in gold.json: %d" % n_look)
    if errors:
        print("FAILED:")
        for e in errors:
            print("  - " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
