"""Self-check for the narrative held-out set (written by the helper that wrote the set).

1. every planted figure string in gold.json occurs verbatim in its file;
2. every non-planted sum / share / product / difference is exact, and each
   figure string used in a check occurs verbatim in the file;
3. every planted item is really inconsistent.
Run: python3 verify.py
"""
import json
import os
import re
from decimal import Decimal as D, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))


def num(s):
    # the last number in the string (so a leading year such as 2022年 is skipped)
    m = re.findall(r"\d[\d,]*(?:\.\d+)?", s)
    return D(m[-1].replace(",", ""))


def pct(a, b):
    return (D(a) / D(b) * 100).quantize(D("0.01"), ROUND_HALF_UP)


# (file, [(kind, args)])  kinds: sum(parts, whole) share(num, den, pct) prod(factors, total, scale) diff(a, b, c)
# all strings must occur verbatim in the file
CHECKS = {
    "jx_linxi_gxj_2022.txt": [
        ("sum", ["行政编制18名", "事业编制12名"], "核定编制30名"),
        ("sum", ["局机关17人", "县中小企业服务中心10人"], "实有在职人员27人"),
        ("sum", ["1298.60万元", "87.82万元"], "1386.42万元"),
        ("share", "1298.60万元", "1386.42万元", "93.67%"),
        ("sum", ["498.36万元", "853.82万元"], "1352.18万元"),
        ("share", "498.36万元", "1352.18万元", "36.86%"),
        ("share", "853.82万元", "1352.18万元", "63.14%"),
        ("sum", ["局机关支出1026.45万元", "325.73万元"], "1352.18万元"),
        ("share", "325.73万元", "1352.18万元", "24.09%"),
        ("sum", ["421.50万元", "76.86万元"], "498.36万元"),
        ("share", "421.50万元", "498.36万元", "84.58%"),
        ("sum", ["368.20万元", "53.30万元"], "421.50万元"),
        ("prod", ["14家", "每家5万元"], "共计70万元", 1),
        ("sum", ["2.14万元", "6.50万元"], "8.64万元"),
        ("share", "8.64万元", "预算10.00万元", "86.40%"),
        ("sum", ["158.30万元", "52.45万元", "26.00万元"], "236.75万元"),
        ("share", "实际新增26家", "计划新增规模以上工业企业20家", "130%"),
        ("diff", "增长8.2%", "7.5%", "0.7个百分点"),
    ],
    "jx_linxi_gxj_2023.txt": [
        ("sum", ["行政编制18名", "事业编制12名"], "核定编制30名"),
        ("sum", ["局机关18人", "县中小企业服务中心10人"], "实有在职人员28人"),
        ("diff", "实有在职人员28人", "实有在职人员27人@jx_linxi_gxj_2022.txt", "增加1人"),
        ("sum", ["1420.15万元", "82.21万元"], "1502.36万元"),
        ("share", "1420.15万元", "1502.36万元", "94.53%"),
        ("diff", "1468.93万元", "1352.18万元", "116.75万元"),
        ("same", "较2022年的1352.18万元", "1352.18万元@jx_linxi_gxj_2022.txt"),
        ("sum", ["526.40万元", "942.53万元"], "1468.93万元"),
        ("share", "942.53万元", "1468.93万元", "64.16%"),
        ("share", "338.62万元", "1468.93万元", "23.05%"),
        ("sum", ["446.12万元", "80.28万元"], "526.40万元"),
        ("sum", ["390.50万元", "55.62万元"], "446.12万元"),
        ("sum", ["560.00万元", "236.80万元", "145.73万元"], "942.53万元"),
        ("prod", ["11家", "每家奖励5万元"], "共计55万元", 1),
        ("prod", ["35名", "每人发放培训补贴3000元"], "合计10.50万元", D("0.0001")),
        ("share", "1468.93万元", "1496.80万元", "98.14%"),
        ("diff", "8.46万元", "7.92万元", "0.54万元"),
        ("sum", ["1.86万元", "6.06万元"], "7.92万元"),
        ("share", "7.92万元", "预算9.00万元", "88.00%"),
        ("sum", ["158.30万元", "64.60万元", "26.00万元"], "248.90万元"),
        ("diff", "248.90万元", "236.75万元@jx_linxi_gxj_2022.txt", "增加12.15万元"),
        ("same", "2022年新增规模以上工业企业26家", "实际新增26家@jx_linxi_gxj_2022.txt"),
        ("same", "2022年该指标为增长8.2%", "增长8.2%@jx_linxi_gxj_2022.txt"),
        ("share", "实际新增规模以上工业企业24家", "不少于22家", "109.09%"),
        ("diff", "8.5%左右", "增长7.6%", "0.9个百分点"),
    ],
    "gs_qichuan_sthjj_2023.txt": [
        ("sum", ["行政编制20名", "事业编制26名"], "核定编制46名"),
        ("sum", ["局机关19人", "市环境监测站25人"], "实有在职人员44人"),
        ("sum", ["2210.45万元", "120.00万元", "35.35万元"], "2365.80万元"),
        ("sum", ["812.30万元", "1506.34万元"], "2318.64万元"),
        ("share", "586.20万元", "2318.64万元", "25.28%"),
        ("sum", ["702.46万元", "109.84万元"], "812.30万元"),
        ("share", "702.46万元", "812.30万元", "86.48%"),
        ("sum", ["486.20万元", "612.50万元", "215.00万元", "192.64万元"], "1506.34万元"),
        ("prod", ["38个乡镇", "每站每年1.2万元"], "合计45.6万元", 1),
        ("share", "2318.64万元", "2380.00万元", "97.42%"),
        ("sum", ["3.12万元", "9.25万元"], "12.37万元"),
        ("share", "330天", "#365", "90.41%"),
        ("share", "有11个", "12个国控断面", "91.67%"),
    ],
    "sd_luoyang_scjgj_2022.txt": [
        ("sum", ["行政编制52名", "事业编制36名"], "核定编制88名"),
        ("sum", ["基层市场监管所63人", "检验检测中心22人"], "实有在职人员85人"),
        ("sum", ["3050.20万元", "76.38万元"], "3126.58万元"),
        ("sum", ["1986.40万元", "1112.34万元"], "3098.74万元"),
        ("share", "1986.40万元", "3098.74万元", "64.10%"),
        ("share", "428.60万元", "3098.74万元", "13.83%"),
        ("sum", ["1752.18万元", "234.22万元"], "1986.40万元"),
        ("share", "1752.18万元", "1986.40万元", "88.21%"),
        ("prod", ["126户", "每户2000元"], "合计25.20万元", D("0.0001")),
        ("sum", ["4.20万元", "11.16万元"], "15.36万元"),
        ("sum", ["1520.00万元", "612.80万元", "206.30万元", "147.20万元"], "2486.30万元"),
        ("prod", ["常住人口50万人", "每千人4.3批次"], "2150批次", D("10")),  # 50万 * 10000 / 1000 = 500 thousand
        ("diff", "2150批次", "不合格食品46批次", "#2104"),
        ("share", "#2104", "2150批次", "97.86%"),
    ],
    "gx_lanjiang_jyj_2023.txt": [
        ("sum", ["局机关1个", "县学生资助管理中心1个", "幼儿园57所"], "预算单位共59个"),
        ("sum", ["局机关26人", "县学生资助管理中心9人", "幼儿园4,755人"], "实有在职人员4,790人"),
        ("sum", ["49,820.15万元", "1,966.25万元", "600.00万元"], "52,386.40万元"),
        ("share", "49,820.15万元", "52,386.40万元", "95.10%"),
        ("sum", ["40,218.36万元", "11,686.36万元"], "51,904.72万元"),
        ("share", "11,686.36万元", "51,904.72万元", "22.52%"),
        ("sum", ["37,560.24万元", "2,658.12万元"], "40,218.36万元"),
        ("share", "37,560.24万元", "40,218.36万元", "93.39%"),
        ("sum", ["6,120.50万元", "1,240.00万元", "2,860.40万元", "1,465.46万元"], "11,686.36万元"),
        ("prod", ["学生12,400名", "每生每天5元", "200天"], "1,240.00万元", D("0.0001")),
        ("prod", ["620人次", "人均培训经费800元"], "49.60万元", D("0.0001")),
        ("share", "51,904.72万元", "53,120.00万元", "97.71%"),
        ("sum", ["5.62万元", "15.86万元"], "21.48万元"),
    ],
    "hlj_songtun_nyncj_2023.txt": [
        ("sum", ["行政编制24名", "事业编制40名"], "核定编制64名"),
        ("sum", ["局机关23人", "县农业技术推广中心26人", "县动物疫病预防控制中心12人"], "实有在职人员61人"),
        ("sum", ["8520.30万元", "122.45万元"], "8642.75万元"),
        ("sum", ["1324.66万元", "7271.52万元"], "8596.18万元"),
        ("share", "7271.52万元", "8596.18万元", "84.59%"),
        ("share", "612.38万元", "8596.18万元", "7.12%"),
        ("sum", ["1148.20万元", "176.46万元"], "1324.66万元"),
        ("prod", ["1.75万亩", "亩均投入1400元"], "合计2450万元", 1),  # 万亩*元 = 万元
        ("same", "合计2450万元", "2450.00万元"),
        ("prod", ["1250户", "每户1600元"], "合计200万元", D("0.0001")),
        ("same", "合计200万元", "200.00万元"),
        ("sum", ["2.35万元", "7.50万元"], "9.85万元"),
        ("sum", ["1860.00万元", "905.40万元", "278.40万元", "172.00万元"], "3215.80万元"),
    ],
}

# planted items re-derived: (file, expression that must be False)
PLANTED_WRONG = {
    ("jx_linxi_gxj_2022.txt", "A"): D("520.00") + D("210.50") + D("133.32") != D("853.82"),
    ("jx_linxi_gxj_2022.txt", "E"): D(26) != D(28),
    ("jx_linxi_gxj_2023.txt", "B"): pct("446.12", "526.40") != D("30.37") and pct("446.12", "1468.93") == D("30.37"),
    ("jx_linxi_gxj_2023.txt", "C"): 18 * 8 != 154,
    ("jx_linxi_gxj_2023.txt", "G"): D("8.46") != D("8.64") and 22 < 26,
    ("gs_qichuan_sthjj_2023.txt", "A"): D("612.30") + D("80.16") != D("702.46"),
    ("gs_qichuan_sthjj_2023.txt", "B"): pct("109.84", "812.30") != D("4.74") and pct("109.84", "2318.64") == D("4.74"),
    ("sd_luoyang_scjgj_2022.txt", "A"): D("386.00") + D("214.50") + D("125.80") + D("396.04") != D("1112.34"),
    ("sd_luoyang_scjgj_2022.txt", "C"): 480 * 120 == 57600,  # 5.76万元, written 5.76元
    ("sd_luoyang_scjgj_2022.txt", "E"): D("4.20") + D("11.16") == D("15.36") != D("16.35"),
    ("gx_lanjiang_jyj_2023.txt", "C"): D(1860 * 1250) / 10000 != D("223.50"),
    ("hlj_songtun_nyncj_2023.txt", "A"): sum(map(D, ["3860.00", "2450.00", "326.40", "200.00", "415.12"])) != D("7271.52"),
    ("hlj_songtun_nyncj_2023.txt", "B"): pct("1148.20", "8596.18") != D("86.68") and pct("1148.20", "1324.66") == D("86.68"),
}


def main():
    texts = {f: open(os.path.join(HERE, f), encoding="utf-8").read() for f in CHECKS}
    errors = []

    def get(s, f):
        if s.startswith("#"):  # a literal not written in the text (days in a year, derived count)
            return D(s[1:])
        if "@" in s:
            s, f = s.split("@")
        if s not in texts[f]:
            errors.append(f"{f}: string not found: {s}")
        return num(s)

    gold = json.load(open(os.path.join(HERE, "gold.json"), encoding="utf-8"))
    for d in gold["documents"]:
        t = texts[d["file"]]
        n = len(t.splitlines())
        if not 40 <= n <= 90:
            errors.append(f"{d['file']}: {n} lines")
        for p in d["planted"]:
            for fig in p["figures"]:
                if fig not in t:
                    errors.append(f"{d['file']}: planted figure not found: {fig}")
    for f, checks in CHECKS.items():
        for c in checks:
            k = c[0]
            if k == "sum":
                parts = sum(get(s, f) for s in c[1])
                whole = get(c[2], f)
                ok = parts == whole
            elif k == "share":
                ok = pct(get(c[1], f), get(c[2], f)) == get(c[3], f)
            elif k == "prod":
                prod = D(1)
                for s in c[1]:
                    prod *= get(s, f)
                ok = prod * D(c[3]) == get(c[2], f)
            elif k == "diff":
                ok = (get(c[1], f) - get(c[2], f)).copy_abs() == get(c[3], f)
            elif k == "same":
                ok = get(c[1], f) == get(c[2], f)
            if not ok:
                errors.append(f"{f}: arithmetic fails: {c}")
    for key, wrong in PLANTED_WRONG.items():
        if not wrong:
            errors.append(f"planted item not inconsistent: {key}")
    kinds = {}
    for d in gold["documents"]:
        for p in d["planted"]:
            kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    print("planted per kind:", dict(sorted(kinds.items())), "total", sum(kinds.values()))
    print("checks:", sum(len(v) for v in CHECKS.values()))
    print("\n".join(errors) if errors else "ALL OK")


if __name__ == "__main__":
    main()
