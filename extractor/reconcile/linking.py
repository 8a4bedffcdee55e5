"""Linking a narrative claim to the form figure it restates.

Candidates are the forms' figures: indicators with a numeric target or
actual, funds fields (基本支出, 项目支出, 全年执行数 …), the 基础数据表 rows per
year column (预算数 = target, 决算数 = actual), and the scores (总分, each
一级指标's sum, the budget row's 得分). A claim links to the candidate whose
canonical name is most similar (character 1-3-gram TF-IDF cosine, as scikit-learn computes it),
among candidates of a compatible kind and measure, above a threshold
calibrated on the seeds (`eval/reconcile.py` prints linking precision/recall).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from extractor.document import At
from extractor.quantity import Quantity
from extractor.reconcile.core import form_tables
from extractor.schema import Claim, Extraction

# Calibrated on the seeds (`python -m eval.linking`, hand-judged links): a wrong
# link makes a false error for an auditor, so precision decides. Precision is
# 1.000 from 0.55 to 0.70 (recall 0.855); 0.62 sits mid-plateau, with margin
# both ways. Lower thresholds gain recall (0.919 at 0.40) at false links.
THRESHOLD = 0.62

_NUMBERING = re.compile(r"^(指标\d+[:：]|\d+[、.．]|[（(]?[一二三四五六七八九十\d]+[）)、])\s*")
_PREFIX = re.compile(r"^(全市|我市|全县|我县|全区|全省|本部门|我局|市|县|20\d{2}年(度)?|全年|本年|当年)+")
_GROWTH = re.compile(r"(同比)?(增速|增长率|增幅|增长|提高|平均增长)$")
_COUNT_TAIL = re.compile(r"(家数|个数|总数|数量|人数)$")
# the same quantity under the names reports use for it
SYNONYMS = {
    "三公经费": ("“三公”经费", "三公经费支出", "“三公”经费支出", "三公经费总额"),
    "公务接待": ("公务接待费",),
    "公车运行维护": ("公务用车运行维护费", "公务用车运行费用", "公车运行费", "公务用车运维费", "公车运维费"),
    "公车购置": ("公务用车购置费",),
    "出国经费": ("因公出国（境）费用", "因公出国费", "因公出国（境）费"),
    "基本支出": ("基本支出",),
    "人员经费": ("人员经费支出", "人员支出", "人员经费"),
    "公用经费": ("公用经费支出", "公用支出", "公用经费"),
    "编制数": ("编制人数", "编制数", "人员编制", "核定编制", "核定编制数"),
    "实有人数": ("在职人数", "实有人数", "实际在职人数", "实有在职人数", "实有"),
    "公共财政拨款": ("一般公共预算财政拨款收入", "一般公共预算财政拨款", "财政拨款收入", "公共财政拨款收入"),
    "一般公共预算": ("一般公共预算财政拨款收入", "一般公共预算财政拨款", "财政拨款收入"),
    # names that look like a form field but are another quantity: they link to nothing
    "不可核对:一般公共预算收入合计": ("一般公共预算收入", "一般公共预算收入总计", "全年一般公共预算收入总计"),
    "项目支出": ("项目支出",),
    "executed": ("支出", "全年支出", "支出合计", "一般公共预算支出", "整体支出"),
    "income_total": ("收入", "全年收入", "收入合计", "一般公共预算收入"),
    "总分": ("自评综合得分", "综合得分", "总分", "打分结果", "自评得分", "绩效自评综合得分", "得分"),
    "预算执行率得分": ("预算执行率得分", "预算执行得分"),
}


@dataclass(frozen=True)
class Candidate:
    """A form figure a claim may restate."""

    key: str  # canonical name
    label: str  # for messages
    kind: str  # actual | target | any
    measure: str  # growth | share | amount | count | score | level | any
    value: Quantity
    at: At | None
    ref: str  # which form field: indicator:<i>:actual, funds:基本支出, basic:三公经费:1, totals:score …


_EMBEDDED_FIGURE = re.compile(r"(达到|完成|实现|争取|新增|突破)?[≥≤＞＜><=]*\d+(?:\.\d+)?(%|万元|亿元|亿|万|元|家|个|项|次|户|人|座)?(以上|左右)?$")
_WHITE_RUNS = re.compile(r"\s\s+")  # as scikit-learn's char analyzer folds whitespace
_LEAD_VERB = re.compile(r"^(进一步|继续|适时|持续|加快|推动|推进|实现)")


@lru_cache(maxsize=65536)
def canonical(name: str) -> str:
    s = re.sub(r"\s+", "", name or "")
    s = _NUMBERING.sub("", s)
    s = re.split(r"[，,；;。]", s)[0]  # an indicator written as a sentence: its first clause names it
    s = _LEAD_VERB.sub("", s)
    s = _EMBEDDED_FIGURE.sub("", s)  # 新增规模工业企业达到150家 -> 新增规模工业企业
    s = s.replace("规模以上", "规模")
    s = _PREFIX.sub("", s)
    s = s.replace("规模工业", "规模")
    s = _GROWTH.sub("", s)
    s = _COUNT_TAIL.sub("", s)
    return s.strip("“”\"")


def _measure_of(q: Quantity, name: str) -> str:
    unit = q.unit or ""
    if unit in ("%", "‰"):
        return "growth" if _GROWTH.search(re.sub(r"\s+", "", name)) else "share"
    if unit in ("元", "万元", "亿元", "亿", "万", "千元"):
        return "amount"
    if unit == "分":
        return "score"
    return "count" if unit else "any"


def candidates(ex: Extraction) -> list[Candidate]:
    out: list[Candidate] = []
    for i, ind in enumerate(ex.indicators):
        if ind.form == "定量目标":
            continue  # its texts are narrative themselves
        for kind in ("actual", "target"):
            q = getattr(ind, kind)
            other = ind.target if kind == "actual" else ind.actual
            if q is not None and q.value is not None and q.unit is None and other is not None and other.unit:
                q = q.model_copy(update={"unit": other.unit})  # `1160` under a target of `1160亿`
            if q is not None and q.value is not None:
                out.append(Candidate(canonical(ind.name), ind.name, kind, _measure_of(q, ind.name), q,
                                     ind.cells.get(kind), f"indicator:{i}:{kind}"))
    f = ex.funds
    if f is not None:
        unit = f.unit or "万元"
        for key, value in list(f.by_type.items()):
            if value is not None:
                out.append(_money(key, key, "actual", value, unit, f.at.get(key), f"funds:{key}"))
        for key, value in list(f.by_source.items()):
            if value is not None:
                # budget-block sources add up to the budget, 收支-table ones are receipts;
                # reports call either 收入, so either kind may restate them
                out.append(_money(key, key, "any", value, unit, f.at.get(key), f"funds:{key}"))
        for key, kind in (("executed", "actual"), ("income_total", "actual"), ("annual_budget", "target")):
            value = getattr(f, key)
            if value is not None:
                out.append(_money(key, {"executed": "全年支出", "income_total": "全年收入", "annual_budget": "全年预算数"}[key],
                                  kind, value, unit, f.at.get(key), f"funds:{key}"))
        if f.score is not None:
            out.append(Candidate("预算执行率得分", "预算执行得分", "actual", "score",
                                 Quantity(text=_plain(f.score), value=f.score, unit="分"), f.at.get("score"), "funds:score"))
    bd = ex.basic_data
    if bd is not None and ex.year:
        for row in bd.rows:
            if not row.key:
                continue
            for j, col in enumerate(bd.columns):
                if j >= len(row.values) or row.values[j] is None or not col.startswith(str(ex.year)):
                    continue
                kind = "target" if col.endswith("预算数") else "actual"
                at = row.cells[j] if j < len(row.cells) else row.at
                out.append(_money(row.key, f"{row.name}（{col}）", kind, row.values[j], "万元", at, f"basic:{row.key}:{j}"))
    out += _table_candidates(ex, {(c.at.table, c.at.row, c.at.col) for c in out if c.at is not None})
    t = ex.totals
    # a file of several forms (one per project) has a 总分 for each: the text's 本项目自评得分 may restate any of them
    form_totals = [(i, fm) for i, fm in enumerate(ex.forms) if fm.totals is not None and fm.totals.score is not None]
    if len(form_totals) > 1:
        for i, fm in form_totals:
            out.append(Candidate("总分", f"{fm.project or f'第{i + 1}张表'}的总分", "actual", "score",
                                 Quantity(text=_plain(fm.totals.score), value=fm.totals.score, unit="分"),
                                 fm.totals.cells.get("score"), f"totals:score:{i}"))
    if t is not None:
        if t.score is not None and len(form_totals) <= 1:
            out.append(Candidate("总分", "总分", "actual", "score", Quantity(text=_plain(t.score), value=t.score, unit="分"),
                                 t.cells.get("score"), "totals:score"))
        for name, lt in t.by_level1.items():
            if lt.score is not None:
                out.append(Candidate(f"{name}得分", f"{name}得分合计", "actual", "score",
                                     Quantity(text=_plain(lt.score), value=lt.score, unit="分"), None, f"level1:{name}"))
    return out


# a column that says which figure of the row's quantity it holds (预算数, 2021年决算数), not what is measured
_STATUS_COLUMN = re.compile(r"^((19|20)\d{2}年度?)?(年初|全年|调整后|本年|上年|当年)?(预算|决算|执行|实际|完成|支出)?(数|金额|数额|额|值)$")
# a row that stands for the whole reporting unit, not one of its sub-units
_WHOLE_ROW = re.compile(r"(汇总|合计|总计|全部|本部门|部门整体|全局|全单位)")
_TOTAL_TAIL = re.compile(r"(合计|总额|总计)$")
_NAME_MAX = 20
_SCORE_WORDS = re.compile(r"(得分|分值|总分|权重|评分)")  # the forms' scores are the forms reader's


def _table_candidates(ex: Extraction, covered: set[tuple]) -> list[Candidate]:
    """Figures of any other table (三公经费, 固定资产, 收支, staffing) from the fact table.

    The quantity is named by the row label when the column only says which figure it is (预算数,
    决算数), else by the column header; a column's figure counts only on a row that stands for the
    whole unit (汇总, 合计) or on the only row of its table that fills that column, so that a
    sub-unit's figure (局机关's 固定资产) never stands for the department's. Figures of another
    year than the report's are left to the cross-year checks.
    """
    forms = form_tables(ex)
    facts = [f for f in ex.facts if f.source == "table" and f.value.value is not None and not f.malformed and f.measure != "score"
             and f.at.table not in forms and not _SCORE_WORDS.search(f"{f.name or ''}{f.column or ''}")]
    filled = Counter((f.at.table, f.at.col, f.column) for f in facts)
    facts = [f for f in facts if (f.at.table, f.at.row, f.at.col) not in covered]
    year = f"{ex.year}年" if ex.year else None
    out: list[Candidate] = []
    for f in facts:
        if f.period and year and f.period != year:
            continue
        column = (f.column or "").split("/")[-1]
        row = re.sub(r"^\d+[、.．]", "", f.name or "")
        if not column or _STATUS_COLUMN.match(column):
            quantity, subject = row, None
        elif _WHOLE_ROW.search(row) or filled[(f.at.table, f.at.col, f.column)] == 1:
            quantity, subject = column, row
        else:
            continue
        bare = _TOTAL_TAIL.sub("", quantity)
        key = canonical(bare if len(bare) >= 2 else quantity)
        if not 2 <= len(key) <= _NAME_MAX:
            continue  # a long header is a description, not the name of a quantity
        groups = _synonym_keys(quantity)
        key = next(iter(groups)) if len(groups) == 1 else key
        label = "·".join(x for x in (subject, quantity) if x)
        measure = _measure_of(f.value, quantity)
        out.append(Candidate(key, label, f.kind or "any", measure, f.value, f.at, f"table:{f.at.table}:{f.at.row}:{f.at.col}"))
    return out


def _money(key, label, kind, value, unit, at, ref) -> Candidate:
    return Candidate(key, label, kind, "amount", Quantity(text=_plain(value), value=value, unit=unit), at, ref)


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


_GENERIC = {"企业", "项目", "投资", "资金", "支出", "收入", "人数", "次数", "金额", "经费"}


def _synonym_keys(metric: str) -> set[str]:
    """Every synonym group the metric's canonical name belongs to."""
    return set(_synonym_index().get(canonical(metric), ()))


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, frozenset[str]]:
    """canonical name -> the synonym groups it names (a group's key names its own group)."""
    index: dict[str, set[str]] = {}
    for key, names in SYNONYMS.items():
        index.setdefault(key, set()).add(key)
        for name in names:
            index.setdefault(canonical(name), set()).add(key)
    return {name: frozenset(keys) for name, keys in index.items()}


def link(claims: list[Claim], cands: list[Candidate]) -> list[tuple[Claim, Candidate | None, float]]:
    """Each claim with its best compatible candidate (or None) and the similarity."""
    if not claims:
        return []
    names = [canonical(c.metric or "") for c in claims]
    keys = [c.key for c in cands]
    # the n-gram weights are fitted on the claims and the forms' own names: other tables' names are many and
    # would move every similarity (and the calibrated threshold) with the size of the document's tables
    fit = names + [c.key for c in cands if not c.ref.startswith("table:")]
    sims = _similarity(names, keys, fit) if cands else None
    # compatibility depends on the kinds, units and measures only: candidates are grouped by those, and a claim
    # meets only the groups its own kind, unit and measure are compatible with (linear in the document, not square)
    groups: dict[tuple, list[int]] = {}
    for j, cand in enumerate(cands):
        groups.setdefault((cand.kind, cand.value.unit, cand.measure), []).append(j)
    meets: dict[tuple, np.ndarray] = {}
    is_score = np.array([c.measure == "score" for c in cands], dtype=bool)
    out = []
    for i, claim in enumerate(claims):
        if not claim.metric or claim.value.value is None:
            out.append((claim, None, 0.0))
            continue
        sig = (claim.kind, claim.value.unit, claim.measure)
        if sig not in meets:
            meets[sig] = np.array(sorted(j for js in groups.values() if _compatible(claim, cands[js[0]]) for j in js),
                                  dtype=np.int64)
        compat = meets[sig]
        syns = _synonym_keys(claim.metric)
        best, best_sim = None, 0.0
        if syns:
            # a named quantity (or score) links to its own field or to nothing: no look-alike fallback
            first = next((j for j in compat if keys[j] in syns), None)
            if first is not None:
                best, best_sim = cands[first], 1.0
        elif len(compat):
            generic = canonical(claim.metric) in _GENERIC or len(canonical(claim.metric)) < 3
            # 企业, 资金 …: too vague to say which form figure they restate; scores link by their names only
            vals = np.full(len(compat), -np.inf) if generic else sims[i, compat].astype(float)
            for k in np.flatnonzero(is_score[compat]):
                vals[k] = 0.95 if _names_level(claim.metric, keys[compat[k]]) else -np.inf
            k = int(np.argmax(vals))  # the first of equals, as the candidates' order has always decided
            if vals[k] > 0.0:
                best, best_sim = cands[compat[k]], float(vals[k])
        out.append((claim, best, best_sim) if best_sim >= THRESHOLD else (claim, None, best_sim))
    return out


def _names_level(metric: str, key: str) -> bool:
    level = key.removesuffix("得分")
    return level[:2] in metric and "得分" in metric


def _compatible(claim: Claim, cand: Candidate) -> bool:
    if cand.kind != "any" and cand.kind != claim.kind:
        return False
    percent = ("%", "‰")
    if (claim.value.unit in percent) != (cand.value.unit in percent):
        return False  # a rate never restates an amount or a count
    if claim.value.unit and claim.value.unit == cand.value.unit:
        return claim.measure in (cand.measure, "level") or cand.measure == "any"
    measure = claim.measure or "any"
    if cand.measure == "any" or measure in ("any", "level"):
        return cand.value.unit is None or claim.value.unit is None or claim.value.scaled(cand.value.unit) is not None
    if measure != cand.measure:
        return False
    return claim.value.scaled(cand.value.unit) is not None if cand.value.unit else True


def _similarity(a: list[str], b: list[str], fit: list[str]):
    """Cosine similarity (a x b) of character 1-3-gram TF-IDF vectors fitted on `fit`.

    The same arithmetic as scikit-learn's `TfidfVectorizer(analyzer="char", ngram_range=(1, 3))`
    with its defaults (lowercased, raw counts, idf = ln((1 + n) / (1 + df)) + 1, rows scaled to
    unit length) followed by `cosine_similarity`, written out on scipy.sparse: importing
    scikit-learn cost every process about a second for this one use.
    """
    from scipy.sparse import csr_matrix

    def grams(text: str) -> list[str]:
        text = _WHITE_RUNS.sub(" ", (text or "·").lower())
        return [text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]

    df: Counter = Counter()
    for text in fit:
        df.update(set(grams(text)))
    vocabulary = sorted(df)
    column = {g: k for k, g in enumerate(vocabulary)}
    idf = np.array([np.log((1 + len(fit)) / (1 + df[g])) + 1 for g in vocabulary])

    def vectors(texts: list[str]):
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            counts = Counter(g for g in grams(text) if g in column)
            for g in sorted(counts, key=column.get):
                rows.append(r)
                cols.append(column[g])
                vals.append(counts[g] * idf[column[g]])
        m = csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(len(texts), len(column)))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return csr_matrix(m.multiply(1 / norms[:, None]))

    return (vectors(a) @ vectors(b).T).toarray()
