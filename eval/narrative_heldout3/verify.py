#!/usr/bin/env python3
"""Self-check for narrative_heldout3. Reads only files in this folder.

1. every file: UTF-8, 40-80 lines, no tables;
2. every figure string in gold.json occurs verbatim in its file
   (for G items, figure_sources says which file of the pair);
3. every arithmetic relation listed in CHECKS below holds exactly at the
   displayed precision (clean) or fails (planted);
4. kind counts: each kind at least twice, no kind twice in one document
   (except the two G items of the later pair report).
"""
import json
import os
import re
import sys
from collections import Counter
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
F1 = '01_neimenggu_xiertaqi_linye_2024_bumen.txt'
F2 = '02_jiangsu_huaicheng_zhujian_2024_bumen.txt'
F3 = '03_guizhou_qianling_gonglu_2024_xiangmu.txt'
F4 = '04_henan_mingchuan_peixun_2024_xiangmu.txt'
F5 = '05_hubei_hanning_wenlv_2023_bumen.txt'
F6 = '06_hubei_hanning_wenlv_2024_bumen.txt'

UNITS = {  # unit -> multiplier to the base unit
    '亿元': Decimal(10) ** 8, '万元': Decimal(10) ** 4, '元': 1,
    '万亩': Decimal(10) ** 4, '亩': 1, '万人次': Decimal(10) ** 4, '人次': 1,
    '万株': Decimal(10) ** 4, '公里': 1, '%': 1, '个月': 1, '天': 1, '人': 1,
    '名': 1, '户': 1, '场': 1, '个': 1, '座': 1, '家': 1, '次': 1, '处': 1,
    '套': 1, '项': 1, '个百分点': 1,
}
UNIT_ALT = '|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))
WELL_FORMED = re.compile(r'^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(' + UNIT_ALT + r')$')


def parse(fig):
    """-> (value in displayed unit, decimals, unit, value in base unit)."""
    m = WELL_FORMED.match(fig)
    if not m:
        raise ValueError('malformed figure: %r' % fig)
    intpart, frac, unit = m.groups()
    num = Decimal(intpart.replace(',', '') + ('.' + frac if frac else ''))
    return num, len(frac or ''), unit, num * Decimal(UNITS[unit])


def q(x, decimals):
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def base(fig):
    return parse(fig)[3]


def shown(value_base, fig):
    """Round a base-unit value to the unit and precision in which fig is shown."""
    num, dec, unit, _ = parse(fig)
    return q(value_base / Decimal(UNITS[unit]), dec) == num


# Each check: (file, kind, planted?, figures..., note)
#   sum:     whole, [parts]            parts add up to the whole
#   share:   part, base, pct           part/base rounds to pct
#   product: [factors], total          product (in 元 etc.) shown as total
#   avg:     total, count, per         total/count rounds to per
#   diff:    a, b, d                   a - b = d
#   growth:  new, old, pct             new/old - 1 rounds to pct
#   gt:      a, b                      a > b (targets above achieved)
#   neq:     a, b                      two statements of one quantity differ (E, G quote)
#   lt:      target, achieved          target below achieved (G target)
#   malformed: fig                     not a well-formed number (D)
#   ctx:     [snippets]                snippets occur verbatim (F: growth vs share wording)
CHECKS = [
    # ---------------- 01 锡尔塔旗林业和草原局 2024
    (F1, 'sum', False, '79人', ['21人', '58人']),
    (F1, 'sum', False, '5,961.92万元', ['4,826.30万元', '1,135.62万元']),
    (F1, 'sum', False, '5,961.92万元', ['5,318.40万元', '402.00万元', '241.52万元']),
    (F1, 'share', False, '5,318.40万元', '5,961.92万元', '89.21%'),
    (F1, 'share', False, '5,874.15万元', '5,961.92万元', '98.53%'),
    (F1, 'sum', False, '5,874.15万元', ['1,406.83万元', '4,467.32万元']),
    (F1, 'share', False, '1,406.83万元', '5,874.15万元', '23.95%'),
    (F1, 'share', False, '4,467.32万元', '5,874.15万元', '76.05%'),
    (F1, 'sum', False, '1,406.83万元', ['1,188.27万元', '218.56万元']),
    (F1, 'sum', True, '4,467.32万元', ['1,625.40万元', '1,318.06万元', '596.74万元', '287.35万元', '612.77万元']),  # A
    (F1, 'sum', False, '4,467.32万元', ['1,652.40万元', '1,318.06万元', '596.74万元', '287.35万元', '612.77万元'], 'unplanted version (not in text)'),
    (F1, 'diff', False, '17.48万元', '15.42万元', '2.06万元'),
    (F1, 'sum', False, '15.42万元', ['12.24万元', '3.18万元']),
    (F1, 'sum', False, '1,086.43万元', ['642.18万元', '444.25万元']),
    (F1, 'sum', False, '3.62万亩', ['1.38万亩', '1.65万亩', '0.59万亩']),
    (F1, 'product', False, ['1.38万亩', '500元'], '690.00万元'),
    (F1, 'product', False, ['62.5万亩', '7.5元'], '468.75万元'),
    (F1, 'product', False, ['118.0万亩', '2.5元'], '295.00万元'),
    (F1, 'sum', False, '763.75万元', ['468.75万元', '295.00万元']),
    (F1, 'avg', False, '763.75万元', '2,146户', '3,558.95元'),
    (F1, 'sum', False, '8.6万亩', ['5.2万亩', '3.4万亩']),
    (F1, 'product', True, ['386人', '1,000元', '12个月'], '436.20万元'),  # C
    (F1, 'product', False, ['386人', '1,000元', '12个月'], '463.20万元', 'unplanted version (not in text)'),
    (F1, 'avg', False, '59.8万亩', '386人', '1,549亩'),
    (F1, 'neq', True, '3.62万亩', '3.26万亩'),  # E
    (F1, 'ctx', True, ['同比增长12.4%', '占全旗农牧业总产值的12.4%']),  # F
    # ---------------- 02 淮澄市住房和城乡建设局 2024
    (F2, 'sum', False, '131人', ['38人', '93人']),
    (F2, 'sum', False, '21,486.75万元', ['18,902.40万元', '1,236.15万元', '1,348.20万元']),
    (F2, 'share', False, '18,902.40万元', '21,486.75万元', '87.97%'),
    (F2, 'share', False, '20,953.18万元', '21,486.75万元', '97.52%'),
    (F2, 'sum', False, '20,953.18万元', ['3,815.62万元', '17,137.56万元']),
    (F2, 'share', False, '3,815.62万元', '20,953.18万元', '18.21%'),
    (F2, 'share', False, '17,137.56万元', '20,953.18万元', '81.79%'),
    (F2, 'sum', False, '20,953.18万元', ['11,482.36万元', '8,836.52万元', '634.30万元']),
    (F2, 'sum', False, '17,137.56万元', ['8,260.00万元', '5,418.36万元', '1,902.50万元', '1,556.70万元']),
    (F2, 'share', False, '8,260.00万元', '17,137.56万元', '48.20%'),
    (F2, 'share', True, '1,902.50万元', '17,137.56万元', '9.08%'),  # B
    (F2, 'share', False, '1,902.50万元', '20,953.18万元', '9.08%', 'the base 9.08% really belongs to'),
    (F2, 'product', False, ['1,260户', '500元', '12个月'], '756.00万元'),
    (F2, 'avg', False, '5,418.36万元', '9,820户', '5,518元'),
    (F2, 'sum', True, '5,418.36万元', ['3,200.00万元', '1,150.00万元', '1,168.36万元']),  # A
    (F2, 'avg', False, '1,902.50万元', '38.6公里', '49.29万元'),
    (F2, 'malformed', True, '1,2O6次'),  # D
    (F2, 'share', False, '2,296项', '2,318项', '99.05%'),
    # ---------------- 03 黔岭县农村公路养护项目 2024
    (F3, 'sum', False, '2,846.3公里', ['412.6公里', '968.2公里', '1,465.5公里']),
    (F3, 'sum', False, '2,150.00万元', ['860.00万元', '645.00万元', '645.00万元']),
    (F3, 'share', False, '860.00万元', '2,150.00万元', '40%'),
    (F3, 'share', False, '2,086.47万元', '2,150.00万元', '97.05%'),
    (F3, 'diff', False, '2,150.00万元', '2,086.47万元', '63.53万元'),
    (F3, 'sum', False, '2,086.47万元', ['774.24万元', '260.80万元', '486.50万元', '318.60万元', '246.33万元']),
    (F3, 'share', True, '774.24万元', '2,150.00万元', '37.11%'),  # B
    (F3, 'share', False, '774.24万元', '2,086.47万元', '37.11%', 'the base 37.11% really belongs to'),
    (F3, 'product', False, ['412.6公里', '7,000元'], '288.82万元'),
    (F3, 'product', True, ['968.2公里', '3,000元'], '338.87万元'),  # C
    (F3, 'product', False, ['1,465.5公里', '1,000元'], '146.55万元'),
    (F3, 'sum', False, '774.24万元', ['288.82万元', '338.87万元', '146.55万元']),
    (F3, 'product', False, ['326名', '800元', '10个月'], '260.80万元'),
    (F3, 'share', False, '486.50万元', '2,086.47万元', '23.32%'),
    (F3, 'malformed', True, '36..8公里'),  # D
    (F3, 'avg', False, '246.33万元', '27.4公里', '8.99万元'),
    (F3, 'avg', False, '486.50万元', '5座', '97.30万元'),
    (F3, 'diff', False, '30公里', '27.4公里', '2.6公里'),
    (F3, 'neq', True, '83.4%', '84.3%'),  # E
    # ---------------- 04 洺川市职业技能培训补贴项目 2024
    (F4, 'sum', True, '3,260.00万元', ['2,150.00万元', '680.00万元', '380.00万元']),  # A
    (F4, 'share', False, '3,118.46万元', '3,260.00万元', '95.66%'),
    (F4, 'diff', False, '3,260.00万元', '3,118.46万元', '141.54万元'),
    (F4, 'sum', False, '3,118.46万元', ['1,632.00万元', '139.68万元', '131.40万元', '720.00万元', '495.38万元']),
    (F4, 'product', False, ['7,420人次', '1,000元'], '742.00万元'),
    (F4, 'product', False, ['3,960人次', '1,500元'], '594.00万元'),
    (F4, 'product', False, ['1,480人次', '2,000元'], '296.00万元'),
    (F4, 'sum', False, '1,632.00万元', ['742.00万元', '594.00万元', '296.00万元']),
    (F4, 'sum', False, '12,860人次', ['7,420人次', '3,960人次', '1,480人次']),
    (F4, 'avg', False, '1,632.00万元', '12,860人次', '1,269元'),
    (F4, 'product', False, ['9,312人', '150元'], '139.68万元'),
    (F4, 'product', False, ['2,190名', '40元', '15天'], '131.40万元'),
    (F4, 'product', False, ['2,400名', '500元', '6个月'], '720.00万元'),
    (F4, 'product', True, ['286名', '200元', '3个月'], '17.16元'),  # C
    (F4, 'share', False, '12,860人次', '12,000人次', '107.17%'),
    (F4, 'share', False, '1,480人次', '1,600人次', '92.5%'),
    (F4, 'share', False, '9,312人', '12,860人', '72.41%', '12,860 shown as 人次'),
    (F4, 'share', False, '8,539人次', '12,860人次', '66.4%'),
    (F4, 'ctx', True, ['就业率为66.4%', '就业人数同比增长66.4%']),  # F
    # ---------------- 05 汉宁市文化和旅游局 2023
    (F5, 'sum', False, '58人', ['17人', '41人']),
    (F5, 'sum', False, '6,842.35万元', ['6,215.80万元', '386.20万元', '240.35万元']),
    (F5, 'share', False, '6,705.92万元', '6,842.35万元', '98.01%'),
    (F5, 'sum', False, '6,705.92万元', ['2,318.47万元', '4,387.45万元']),
    (F5, 'share', False, '2,318.47万元', '6,705.92万元', '34.57%'),
    (F5, 'sum', False, '4,387.45万元', ['1,536.20万元', '1,120.85万元', '684.30万元', '428.60万元', '617.50万元']),
    (F5, 'share', False, '1,536.20万元', '4,387.45万元', '35.01%'),
    (F5, 'share', True, '1,120.85万元', '6,705.92万元', '25.55%'),  # B
    (F5, 'share', False, '1,120.85万元', '4,387.45万元', '25.55%', 'the base 25.55% really belongs to'),
    (F5, 'sum', False, '11.24万元', ['7.68万元', '3.56万元']),
    (F5, 'product', False, ['312场', '8,000元'], '249.60万元'),
    (F5, 'sum', False, '16家', ['5家', '8家', '3家']),
    (F5, 'sum', False, '7个', ['3处', '4处']),
    (F5, 'malformed', True, '536.场'),  # D
    (F5, 'neq', True, '42.6万人次', '46.2万人次'),  # E
    (F5, 'gt', False, '1,350万人次', '1,286.4万人次'),
    (F5, 'gt', False, '320场', '312场'),
    # ---------------- 06 汉宁市文化和旅游局 2024
    (F6, 'sum', False, '60人', ['18人', '42人']),
    (F6, 'sum', False, '7,215.64万元', ['6,548.30万元', '412.74万元', '254.60万元']),
    (F6, 'diff', False, '7,093.28万元', '6,705.92万元', '387.36万元'),
    (F6, 'growth', False, '7,093.28万元', '6,705.92万元', '5.78%'),
    (F6, 'share', False, '7,093.28万元', '7,215.64万元', '98.30%'),
    (F6, 'sum', False, '7,093.28万元', ['2,405.16万元', '4,688.12万元']),
    (F6, 'share', False, '2,405.16万元', '7,093.28万元', '33.91%'),
    (F6, 'diff', False, '4,688.12万元', '4,387.45万元', '300.67万元'),
    (F6, 'sum', False, '4,688.12万元', ['1,602.40万元', '1,245.30万元', '718.52万元', '465.90万元', '656.00万元']),
    (F6, 'share', False, '1,245.30万元', '4,688.12万元', '26.56%'),
    (F6, 'diff', False, '11.24万元', '10.52万元', '0.72万元'),
    (F6, 'diff', False, '336场', '312场', '24场'),
    (F6, 'product', False, ['336场', '8,000元'], '268.80万元'),
    (F6, 'sum', False, '9个', ['3处', '6处']),
    (F6, 'diff', False, '1,412.7万人次', '1,268.4万人次', '144.3万人次', 'consistent inside the 2024 report'),
    (F6, 'growth', False, '121.35亿元', '108.62亿元', '11.72%'),
    (F6, 'share', False, '332.0万人次', '1,412.7万人次', '23.5%'),
    (F6, 'ctx', True, ['占全市接待游客总量的23.5%', '接待人次同比增长23.5%']),  # F
    (F6, 'lt', True, '1,380万人次', '1,412.7万人次'),  # G target
    (F6, 'gt', False, '130亿元', '121.35亿元'),
    (F6, 'gt', False, '350场', '336场'),
    (F6, 'gt', False, '600场', '572场'),
]

# cross-file checks for the pair: (later, earlier, planted?, later_fig, earlier_fig)
CROSS = [
    (F6, F5, True, '1,268.4万人次', '1,286.4万人次'),  # G quote
    (F6, F5, False, '6,705.92万元', '6,705.92万元'),
    (F6, F5, False, '4,387.45万元', '4,387.45万元'),
    (F6, F5, False, '108.62亿元', '108.62亿元'),
    (F6, F5, False, '312场', '312场'),
    (F6, F5, False, '11.24万元', '11.24万元'),
    (F6, F5, False, '16家', '16家'),
]
# changes in the later report computed against the earlier report's own figures:
# (later, earlier, later_fig, earlier_fig, stated_change)
CROSS_DIFF = [(F6, F5, '60人', '58人', '2人'), (F6, F5, '95.3%', '94.1%', '1.2个百分点'),
              (F6, F5, '7,093.28万元', '6,705.92万元', '387.36万元'),
              (F6, F5, '4,688.12万元', '4,387.45万元', '300.67万元')]
# targets in the later report that must be >= the earlier year's level too
CROSS_TARGETS = [(F6, F5, '1,380万人次', '1,286.4万人次'), (F6, F5, '350场', '312场'),
                 (F6, F5, '130亿元', '108.62亿元')]

problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


def text(name, _cache={}):
    if name not in _cache:
        with open(os.path.join(HERE, name), encoding='utf-8') as fh:
            _cache[name] = fh.read()
    return _cache[name]


def occurs(name, fig):
    need(fig in text(name), '%s: figure %r not found' % (name, fig))


def evaluate(kind, args):
    if kind == 'sum':
        whole, parts = args[:2]
        return sum(base(p) for p in parts) == base(whole)
    if kind == 'share':
        part, b, pct = args[:3]
        num, dec, _, _ = parse(pct)
        return q(base(part) / base(b) * 100, dec) == num
    if kind == 'product':
        factors, total = args[:2]
        prod = Decimal(1)
        for f in factors:
            prod *= base(f)
        return shown(prod, total)
    if kind == 'avg':
        total, count, per = args[:3]
        return shown(base(total) / base(count), per)
    if kind == 'diff':
        a, b, d = args[:3]
        return base(a) - base(b) == base(d)
    if kind == 'growth':
        new, old, pct = args[:3]
        num, dec, _, _ = parse(pct)
        return q((base(new) / base(old) - 1) * 100, dec) == num
    if kind == 'gt':
        return base(args[0]) > base(args[1])
    if kind == 'lt':  # "consistent" means the target is not below the achieved figure
        return not base(args[0]) < base(args[1])
    if kind == 'neq':  # consistent means equal
        a, b = args[:2]
        return parse(a)[2] == parse(b)[2] and base(a) == base(b)
    if kind == 'malformed':
        return bool(WELL_FORMED.match(args[0]))
    if kind == 'ctx':
        return None
    raise ValueError(kind)


def figures_of(kind, args):
    if kind == 'sum':
        return [args[0]] + list(args[1])
    if kind == 'product':
        return list(args[0]) + [args[1]]
    if kind == 'ctx':
        return list(args[0])
    return [a for a in args if isinstance(a, str) and (WELL_FORMED.match(a) or kind == 'malformed')][:3]


# 1. files
gold = json.load(open(os.path.join(HERE, 'gold.json'), encoding='utf-8'))
files = [d['file'] for d in gold['documents']]
need(sorted(files) == sorted(f for f in os.listdir(HERE) if f.endswith('.txt')), 'txt files and gold differ')
for name in files:
    raw = open(os.path.join(HERE, name), 'rb').read()
    raw.decode('utf-8')
    lines = text(name).split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    need(40 <= len(lines) <= 80, '%s: %d lines' % (name, len(lines)))
    need(all(l.strip() for l in lines), '%s: empty line' % name)
    need('|' not in text(name) and '\t' not in text(name), '%s: table-like characters' % name)

# 2. gold figures
for d in gold['documents']:
    kinds = Counter()
    for p in d['planted']:
        kinds[p['kind']] += 1
        srcs = p.get('figure_sources') or [d['file']] * len(p['figures'])
        for fig, src in zip(p['figures'], srcs):
            occurs(src, fig)
        if p['kind'] in 'EF':
            need(len(p['figures']) == 2, '%s: %s needs two figures' % (d['file'], p['kind']))
        if p['kind'] == 'F':
            need(text(d['file']).count(p['figures'][0]) >= 2, '%s: F figure not repeated' % d['file'])
    for k, n in kinds.items():
        need(n == 1 or k == 'G', '%s: kind %s planted %d times' % (d['file'], k, n))
total = Counter(p['kind'] for d in gold['documents'] for p in d['planted'])
for k in 'ABCDEFG':
    need(total[k] >= 2, 'kind %s planted only %d times' % (k, total[k]))
for a, b in gold['pairs']:
    gd = {d['file']: d for d in gold['documents']}
    need(gd[a]['year'] + 1 == gd[b]['year'], 'pair years not consecutive')
    need(gd[a]['department'] == gd[b]['department'], 'pair departments differ')
    need(not any(p['kind'] == 'G' for p in gd[a]['planted']), 'G planted in the earlier report')

# 3. arithmetic
n_clean = n_planted = 0
for chk in CHECKS:
    name, kind, planted, args = chk[0], chk[1], chk[2], chk[3:]
    note = args[-1] if isinstance(args[-1], str) and not (WELL_FORMED.match(args[-1]) or kind == 'malformed') else ''
    figs = figures_of(kind, args)
    if 'not in text' not in note:
        for f in figs:
            occurs(name, f)
    ok = evaluate(kind, args)
    if kind == 'ctx':
        continue
    if planted:
        n_planted += 1
        need(ok is False, '%s: planted %s check is consistent: %r' % (name, kind, args))
    else:
        n_clean += 1
        need(ok is True, '%s: clean %s check fails: %r' % (name, kind, args))
for later, earlier, planted, fl, fe in CROSS:
    occurs(later, fl)
    occurs(earlier, fe)
    same = base(fl) == base(fe)
    need(same != planted, 'cross %s/%s: %s vs %s' % (later, earlier, fl, fe))
for later, earlier, fl, fe, fd in CROSS_DIFF:
    occurs(later, fl)
    occurs(earlier, fe)
    occurs(later, fd)
    need(base(fl) - base(fe) == base(fd), 'cross diff %s - %s != %s' % (fl, fe, fd))
for later, earlier, tgt, earlier_level in CROSS_TARGETS:
    occurs(later, tgt)
    occurs(earlier, earlier_level)
    need(base(tgt) >= base(earlier_level), 'target %s below earlier level %s' % (tgt, earlier_level))

# every planted gold item must be covered by a planted check or cross check
planted_figs = set()
for chk in CHECKS:
    if chk[2]:
        planted_figs.update(figures_of(chk[1], chk[3:]))
for chk in CROSS:
    if chk[2]:
        planted_figs.update(chk[3:5])
for d in gold['documents']:
    for p in d['planted']:
        need(any(f in planted_figs or any(f in s for s in planted_figs) for f in p['figures']),
             '%s: planted %s not covered by a check' % (d['file'], p['kind']))

print('documents: %d, planted: %s (total %d)' % (len(files), dict(sorted(total.items())), sum(total.values())))
print('arithmetic checks: %d clean hold, %d planted fail, %d cross-year' % (n_clean, n_planted, len(CROSS) + len(CROSS_DIFF) + len(CROSS_TARGETS)))
if problems:
    print('PROBLEMS:')
    for p in problems:
        print('  -', p)
    sys.exit(1)
print('OK')
