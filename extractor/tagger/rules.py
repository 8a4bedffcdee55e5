"""The rule tagger: METRIC / VALUE / TARGET spans from figures, cue words and a lexicon.

It is the baseline of the token classifier and the weak labeller of unlabelled
report text, so it follows `/work/shared/annotation-guidelines.md` and the
decisions of `annotations/README.md` as far as rules reasonably get.

    from extractor.tagger.rules import RuleTagger
    RuleTagger().predict("全市规模工业增加值同比增长7.7%。")
    # [Span(2, 9, METRIC), Span(13, 17, VALUE)]

    python -m extractor.tagger.rules annotations/     # strict P/R/F1 per file and split

How it works, per text:

1. Figures are those of `extractor.quantity.find_quantities` (which already
   drops years, dates, durations, ordinals, rankings, codes, phone and document
   numbers and numerals in names), minus what the guidelines never annotate
   on top of that: points of the scoring form (`计5分`), pools (`37个大类行业中`),
   capacities in project names (`年产10万吨…项目`), the lower bands and
   deduction steps of 评分标准 sentences (N9). A few measure words the parser
   does not know (头, 只, 标箱 ...) are appended to the figure.
2. TARGET or VALUE: the indicator row `…，年度指标值T，实际完成值V`, table
   headers (预算数 / 决算数 / 执行数), fund categories (D16), staffing quotas
   (D11), then the nearest cue word before the figure in its clause
   (目标, 预期, 计划, 力争, 确保, 任务, 控制在, 预算, 下达, 安排, 总投资, 编制 ... vs
   实际, 执行, 决算, 到位, 拨付, 预计 ...), goal openers (`目标1：`, `重点工作计划：`)
   and goal framing (力争/确保) carried through the sentence, `其中` breakdowns
   inheriting their total's status (D18), differences (`较预算减少`) and ratios
   (`为年度计划投资的132.0%`) as VALUE, ranges and comparator symbols as goals.
3. METRIC: the figure's left context in its clause, minus change words,
   linking verbs, status words and count suffixes on the right (D1, D2), minus
   numbering, time, region and owner prefixes, light verbs and adverbs on the
   left (D3, D5), cut after the last light verb / preposition / 的 inside
   (jieba tokens, lexicon names never cut); `X占Y比重` kept whole (D8); the
   `A、B分别…` list split into one METRIC per item (head noun with the last);
   a counted noun right after the figure when the figure comes first (D4,
   `派出47个工作组`); the row label of a table row whose figures sit under
   status headers (D10); the indicator name of an indicator row (D13, D14).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extractor.quantity import Quantity, find_quantities
from extractor.tagger import lexicon as L
from extractor.tagger.spans import Span, resolve_overlaps
from extractor.tagger.roles import check_role, role_of_source, roles_for

__all__ = ["RuleTagger", "evaluate", "main"]

# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

_CLAUSE_PUNCT = set("，,；;。！？!?\n\t")
_HAN = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"[0-9０-９]")
_NUMBERING_RE = re.compile(
    r"\s*(?:(?:\d+|[一二三四五六七八九十]+)\s*[、.．](?!\d)\s*|[（(]\s*(?:\d+|[一二三四五六七八九十]+)\s*[）)]\s*"
    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*|(?:指标|目标|任务|附件|计划)\s*\d*\s*[：:]\s*"
    r"|[一二三四五六七八九十]+是\s*|其中\s*[：:]?\s*|[、，,：:]\s*)"
)
_EXTRA_UNITS = ("万头", "万只", "万羽", "万标箱", "万剂次", "万册", "万份", "万名", "万亩次",
                "头", "只", "羽", "尾", "标箱", "剂次", "册", "份", "辆次", "人日", "床", "张")
_SCORE_CONTEXT = ("得分", "结果", "评分", "打分", "评价分", "考核分")
_DIFF_OPENERS = ("较", "比", "高于", "低于", "超过", "超出", "超", "分别高于", "分别低于", "多于", "少于", "均高于",
                 "较上年", "比上年", "较去年", "比去年", "较年初", "比年初", "比预算", "较预算")
_FUNCTION_ADVERBS = frozenset("已 均 都 也 还 就 再 又 才 正 将 并 仍 共 另 均已 已经 正在 将要 仍然 曾".split())
_ALLOCATION_CUES = ("下达", "安排", "下拨")
_STICKY_GOAL = ("力争", "确保", "预期", "争取达到", "计划到", "目标是", "目标为", "目标：", "目标:")
_POST_TARGET_RE = re.compile(r"^\s*(?:[（(](?:目标|计划|预期|预期目标|目标值)[）)]|为标准|为目标|的目标)")


@lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba POS tokenizer with the lexicon registered (the global jieba is untouched)."""
    from extractor.tagger.jieba_dict import pos_tokenizer, tokenizer

    tk = tokenizer()
    words = {
        *L.METRIC_NAMES, *L.METRIC_HEADS, *L.REGION_PREFIXES, *L.TIME_WORDS, *L.CHANGE_WORDS,
        *L.STATUS_WORDS, *L.LIGHT_VERBS, *L.DEFINING_VERBS, *L.ADVERB_BARRIERS,
        *L.COUNT_SUFFIXES, *L.LINK_WORDS,
    }
    for w in sorted(words):
        if len(w) > 1 and not re.search(r"[\d“”（）()、：:]", w):
            tk.add_word(w, freq=50000)
    return pos_tokenizer(tk)


@lru_cache(maxsize=20000)
def _tokens(s: str) -> tuple[tuple[str, str], ...]:
    return tuple((w.word, w.flag) for w in _tokenizer().cut(s))


def _tok_spans(text: str, a: int, b: int) -> list[tuple[int, int, str, str]]:
    """jieba tokens of text[a:b] as (start, end, word, flag) in text coordinates."""
    out = []
    p = a
    for word, flag in _tokens(text[a:b]):
        out.append((p, p + len(word), word, flag))
        p += len(word)
    return out


_NAME_SET = frozenset(L.METRIC_NAMES)
_NAME_RE = re.compile("|".join(re.escape(n) for n in L.METRIC_NAMES))
_RIGHT_STRIP = frozenset(
    {"年度", *L.CHANGE_WORDS, *L.LINK_WORDS, *L.COUNT_SUFFIXES, *L.STATUS_WORDS, *L.TIME_WORDS, "等于", "达成",
     "实现", "完成", "了", "的", "以上", "以下", "以内", "每", "各", "再次", "已有", "已经", "逐步",
     "保持", "稳定", "维持", "持续", "继续", "约占", "仅", "只", "就", "还", "也", "都", "又", "高达", "多达",
     "增至", "升至", "下降了", "增长了", "达到了", "为了"}
    - set(L.DEFINING_VERBS)
) | {"突破"}  # 突破 right before a figure is a comparator (均突破1500亿元)
_LEFT_STRIP = frozenset(
    {*L.REGION_PREFIXES, *L.TIME_WORDS, *L.LIGHT_VERBS, *L.ADVERB_BARRIERS, "了", "的", "等", "各",
     "各类", "各项", "有关", "相关", "我们", "今年", "本", "该", "共", "已", "全", "向", "到", "自",
     "实有", "实际", "以", "所属", "下属"}
    - {"和", "与", "及", "以及"}
)
_CUT_AFTER = frozenset(
    {*L.LIGHT_VERBS, *L.ADVERB_BARRIERS, *L.REGION_PREFIXES, *L.TIME_WORDS, "的", "等", "中", "了",
     "各类", "各项", "各种", "有关"}
    - {"和", "与", "及", "以及", "并", "其中", "新建", "建成", "新改建", "改扩建", "派出"}
)
_POST_STOP = frozenset(
    {"与", "等", "中", "的", "被", "并", "为", "在", "对", "向", "从", "用于", "按时", "按期", "已", "均",
     "全面", "基本", "调研", "联系", "挂帅", "深入", "纳入", "入选", "完成", "通过", "参与", "实施", "开展",
     "计", "获", "获评", "获批", "申报", "申请", "加入", "进入", "参加"}
)
_LIGHT_PREFIXES = tuple(sorted((v for v in L.LIGHT_VERBS if len(v) >= 2), key=len, reverse=True))
_CUT_VERBS = (
    "新增", "净增", "新认定", "新签约", "新开工", "新投产", "新竣工", "新申报认定", "新申报", "发布", "推送",
    "收集交办", "协调解决", "走访", "察看", "腾退", "盘活", "回复", "受理", "推介",
)


def _is_region_token(word: str, flag: str) -> bool:
    return flag == "ns" and len(word) >= 2 and word[-1] in "市县区省州镇乡村" or word in L.REGION_PREFIXES


@dataclass
class _Fig:
    start: int
    end: int
    q: Quantity
    label: str = "VALUE"
    label_score: float = 0.7
    metric: tuple[int, int] | None = None
    metric_score: float = 0.6
    post_end: int | None = None  # end of the counted noun after the figure (D4)
    no_metric: bool = False  # a ratio/difference/status figure: never give it a METRIC
    part: str = ""  # indicator rows: "name" / "target" / "actual"
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# The tagger
# ---------------------------------------------------------------------------


class RuleTagger:
    """Rules that tag METRIC, VALUE and TARGET spans (guidelines + README decisions)."""

    labels = ("METRIC", "VALUE", "TARGET")

    def __init__(self, metric_names: Iterable[str] | None = None, exclude_names: Iterable[str] | None = None):
        """`metric_names` are added to the lexicon, `exclude_names` taken out (for ablations)."""
        names = (set(L.METRIC_NAMES) | set(metric_names or ())) - set(exclude_names or ())
        self._names = frozenset(names)
        self._name_re = (
            _NAME_RE if metric_names is None and exclude_names is None
            else re.compile("|".join(re.escape(n) for n in sorted(names, key=lambda s: (-len(s), s))))
        )

    # -- public API ---------------------------------------------------------

    def predict(self, text, goal: bool = False, batch_size: int | None = None, roles=None):
        """Spans of one text, sorted by start and never overlapping.

        Given a list of texts instead of one, returns one span list per text,
        like `TokenTagger.predict(texts, roles=…)` (so `load_tagger(rules=True)`
        is a drop-in replacement; `batch_size` is accepted and ignored).

        `goal=True` (or the role "goal", `extractor.tagger.roles`) says the text
        is a goal cell (预期目标): figures without a cue of their own are TARGET
        instead of VALUE. The text alone cannot tell a goal cell from a result
        cell (`规模工业增加值增长7.5%`), so a caller that knows the column should say so.
        """
        if isinstance(text, (list, tuple)):
            return self.predict_many(text, goal=goal, roles=roles)
        if not isinstance(text, str) or not text.strip():
            return []
        try:
            return self._predict(text, goal)
        except Exception:  # noqa: BLE001 - one odd sentence must not stop a batch
            return []

    def predict_one(self, text: str, goal: bool = False, role: str | None = None) -> list[Span]:
        """Same as `predict(text)` for one text (the name `TokenTagger` uses)."""
        return self.predict(text, goal=goal or check_role(role) == "goal") if isinstance(text, str) else []

    def predict_many(self, texts: Iterable[str], goal: bool = False, batch_size: int | None = None, roles=None) -> list[list[Span]]:
        """One span list per text; `roles[i]` is text i's role, `goal` applies to all."""
        texts = list(texts)
        return [self.predict_one(t, goal=goal, role=r) for t, r in zip(texts, roles_for(texts, roles))]

    # -- pipeline -----------------------------------------------------------

    def _predict(self, text: str, goal: bool) -> list[Span]:
        figs = self._figures(text)
        if not figs:
            return []
        delims = self._delimiters(text)
        row = re.match(r"^(?P<name>.*?)，\s*年度指标值(?P<tgt>.*?)，\s*实际完成值(?P<act>.*)$", text, re.S)
        bounds: dict[str, tuple[int, int]] = {}
        if row:
            bounds = {"name": row.span("name"), "target": row.span("tgt"), "actual": row.span("act")}
            for f in figs:
                for part, (a, b) in bounds.items():
                    if a <= f.start < max(b, a + 1):
                        f.part = part
        scoring = bool(L.SCORING_RULE_RE.search(text))
        figs = self._drop_non_figures(text, figs, delims, scoring)
        if not figs:
            return []
        extra_metrics: list[tuple[int, int, float]] = []
        all_figs = list(figs)
        self._metrics(text, figs, delims, bounds, extra_metrics)
        self._labels(text, figs, delims, scoring, goal, bool(row))
        if row:
            self._row_name_metric(text, figs, bounds, extra_metrics)
        else:
            self._row_label_metric(text, figs, delims, extra_metrics, all_figs)

        spans: list[Span] = []
        for f in figs:
            spans.append(Span(start=f.start, end=f.end, label=f.label, score=round(f.label_score, 3)))
            if f.metric and not f.no_metric:
                spans.append(Span(start=f.metric[0], end=f.metric[1], label="METRIC", score=round(f.metric_score, 3)))
        for a, b, sc in extra_metrics:
            spans.append(Span(start=a, end=b, label="METRIC", score=round(sc, 3)))
        # the same METRIC span may come from two figures (分别 lists): keep one
        uniq: dict[tuple[int, int, str], Span] = {}
        for s in spans:
            if s.key() not in uniq or uniq[s.key()].score < s.score:
                uniq[s.key()] = s
        return resolve_overlaps(uniq.values())

    # -- 1. figures ---------------------------------------------------------

    def _figures(self, text: str) -> list[_Fig]:
        out = []
        for s, e, q in find_quantities(text):
            # measure words the parser does not know: 38.6万头 (read as 38.6万), 18.6万标箱
            if q.unit in (None, "万", "亿"):
                scale_at = e - len(q.unit or "")
                extended = False
                for u in _EXTRA_UNITS:
                    if text.startswith(u, e):
                        e, extended = e + len(u), True
                        break
                    if q.unit and u.startswith(q.unit) and text.startswith(u, scale_at):
                        e, extended = scale_at + len(u), True
                        break
                m = re.match(r"(?:以上|以下|以内|左右)", text[e:])
                if extended and m:
                    e += m.end()
            # a bare = glued to the number is a comparator (N9: 预算调整率=0)
            if s > 0 and text[s - 1] in "=＝" and (s < 2 or text[s - 2] not in "<>＜＞≤≥"):
                s -= 1
            # 最大一次, 首个: "the biggest one", not a count
            if text.startswith("一", s) and re.search(r"(?:最大|最高|最多|最好|唯一|首)\s*$", text[max(0, s - 3) : s]):
                continue
            out.append(_Fig(s, e, q))
        return out

    @staticmethod
    def _delimiters(text: str) -> list[int]:
        """Positions that end a clause: punctuation, and brackets around a figure (`（总数30家）`)."""
        pos = [i for i, ch in enumerate(text) if ch in _CLAUSE_PUNCT]
        for m in re.finditer(r"[（(][^（()）]*[）)]", text):
            if _DIGIT.search(m.group()) or re.search(r"[一二三四五六七八九十两][个家项次名人]", m.group()):
                pos += [m.start(), m.end() - 1]
        return sorted(set(pos))

    @staticmethod
    def _clause_start(delims: list[int], pos: int) -> int:
        best = 0
        for d in delims:
            if d < pos:
                best = d + 1
            else:
                break
        return best

    @staticmethod
    def _clause_end(delims: list[int], pos: int, n: int) -> int:
        for d in delims:
            if d >= pos:
                return d
        return n

    def _drop_non_figures(self, text: str, figs: list[_Fig], delims, scoring: bool) -> list[_Fig]:
        kept = []
        for f in figs:
            before = text[max(0, f.start - 12) : f.start]
            after = text[f.end : f.end + 12]
            cs = self._clause_start(delims, f.start)
            clause_before = text[cs : f.start]
            unit = f.q.unit or ""
            if unit == "分":
                # points: only a reported score (自评综合得分为98分), never the form's rules
                if scoring or not any(w in clause_before for w in _SCORE_CONTEXT):
                    continue
            if scoring:
                chinese_one = re.match(r"^[一两]", text[f.start : f.end]) is not None
                if chinese_one or f.q.low is not None or f.q.high is not None:
                    continue  # 每超过一个百分点; the lower bands 80%（含）-90%
                if re.match(r"^\s*(?:低于|大于|小于|高于|超过|不足)", clause_before.lstrip("每")) and not clause_before.startswith("每"):
                    continue  # 低于60%不得分, 大于30%不得分
                if re.match(r"^\s*[，,]?\s*(?:每超过|每低于|每减少|每增加|扣|不得分)", after) and not re.search(
                    r"[≤≦<＜]|<=|＜=", text[f.start : f.end]
                ):
                    continue  # “三公经费”＞0，每超过一个百分点扣0.5分
            if re.search(r"年产\s*$", before) and re.match(r"^[^，。；,;]{0,24}项目", text[f.end :]):
                continue  # D26: capacity in a project name
            kept.append(f)
        return kept

    # -- 3. metrics ---------------------------------------------------------

    def _lex_spans(self, text: str, a: int, b: int) -> list[tuple[int, int]]:
        return [(a + m.start(), a + m.end()) for m in self._name_re.finditer(text[a:b])]

    def _clean_metric(self, text: str, a: int, b: int, depth: int = 0) -> tuple[int, int] | None:
        """The METRIC inside text[a:b] (the left context of a figure), or None."""
        if depth > 4:
            return None
        # cut after an internal ：(`“三公”经费情况：2021年公务接待费`, `分别为：工资福利支出`)
        seg = text[a:b]
        k = max(seg.rfind("："), seg.rfind(":"))
        if 0 <= k < len(seg.rstrip()) - 1:
            a = a + k + 1
        for _ in range(30):
            a0, b0 = a, b
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a >= b:
                return None
            if text[a:b] in self._names:
                return a, b
            toks = _tok_spans(text, a, b)
            protected = self._lex_spans(text, a, b)
            # right strip: change words, linking verbs, status words, count suffixes, time words
            s, e, w, fl = toks[-1]
            inside = any(ps < s and e <= pe for ps, pe in protected)
            if not inside and (w in _RIGHT_STRIP or w in "：:，,、（(=" or L.TIME_RE.fullmatch(w)):
                b = s
                continue
            m = L.TIME_RE.search(text, a, b)
            if m and m.end() == b and m.start() > a:
                b = m.start()
                continue
            # a linking character jieba glued to the head (准点率为 -> 准点率)
            if b - a > 2 and text[b - 1] in "为达是至到" and text[a : b - 1].endswith(L.METRIC_HEADS):
                b -= 1
                continue
            # left strip: numbering, time, region/owner, light verbs, adverbs
            m = _NUMBERING_RE.match(text, a)
            if m and a < m.end() <= b:
                a = m.end()
                continue
            m = L.TIME_RE.match(text, a)
            if m and a < m.end() <= b:
                a = m.end()
                continue
            s, e, w, fl = toks[0]
            inside = any(ps <= s and e < pe for ps, pe in protected)
            if not inside and (w in _LEFT_STRIP or _is_region_token(w, fl) or w in "”）)、，,：:"):
                if len(_HAN.findall(text[e:b])) == 1 and text[e:b].strip() in L.METRIC_HEADS:
                    break  # 拨付率 must not become 率
                a = e
                continue
            # a light verb jieba glued to the noun (开展调研 -> 调研)
            lv = next((v for v in _LIGHT_PREFIXES if text.startswith(v, a) and b - a - len(v) >= 2), None)
            if lv and not inside:
                a += len(lv)
                continue
            if (a, b) == (a0, b0):
                break
        if a >= b:
            return None
        toks = _tok_spans(text, a, b)
        protected = self._lex_spans(text, a, b)
        # internal cuts: after the last light verb / adverb / preposition / 的 / 等 / region / time
        cuts = []
        for s, e, w, fl in toks[:-1]:
            if any(ps <= s and e <= pe and (pe - ps) > (e - s) for ps, pe in protected):
                continue
            if w in _CUT_AFTER or _is_region_token(w, fl) or L.TIME_RE.fullmatch(w):
                cuts.append(e)
        # the last cut that leaves a real word (及时率 must not become 率)
        for cut in reversed(cuts):
            rest = text[cut:b].strip()
            if len(_HAN.findall(rest)) >= 2 and rest not in L.METRIC_HEADS[:4]:
                return self._clean_metric(text, cut, b, depth + 1)
        # a verb that defines what is counted starts the METRIC when a subject
        # stands before it (局门户网站发布信息 -> 发布信息; 全市工业项目新签约 -> 新签约)
        for s, e, w, fl in toks[1:]:
            if w in _CUT_VERBS and not any(ps < s < pe for ps, pe in protected):
                a = s
                break
        # a known name after a holder (省级主流媒体宣传报道, 机械行业规模工业总产值,
        # 部门整体支出绩效自评综合得分): the name alone
        for ps, pe in protected:
            if pe == b and ps > a:
                name = text[ps:pe]
                head = text[a:ps]
                if (
                    name.startswith(L.DEFINING_VERBS) or name.endswith(("得分", "结果"))
                    or len(name) >= 5 and (
                        head.endswith(("行业", "产业", "领域", "部门", "方面", "平台", "媒体", "机构", "单位", "企业"))
                        or "、" in head
                    )
                ):
                    a = ps
                break
        # a project's investment: the METRIC is 投资 / 总投资 (D21, N11)
        m = re.search(r"(?:总投资额|总投资|投资额)$", text[a:b])
        if m and a + m.start() > a and not text[a:b] in self._names:
            a = a + m.start()
        if b - a > 30 or not _HAN.search(text[a:b]):
            return None
        w = text[a:b]
        if w in self._names:
            return a, b
        if (
            len(w) < 2 or w in L.STATUS_WORDS or w in L.LIGHT_VERBS or w in L.REGION_PREFIXES
            or w in L.TIME_WORDS or w in L.LINK_WORDS or w in L.CHANGE_WORDS
            or re.search(r"[一二三四五六七八九十]期$|^[二三四五六七八九]期", w)
        ):
            return None
        return a, b

    def _ends_in_verb(self, text: str, a: int, b: int) -> bool:
        """A candidate that ends in a plain verb is no noun phrase (收录265家…, 明确一至两名…)."""
        if text[a:b] in self._names or any(pe == b for ps, pe in self._lex_spans(text, a, b)):
            return False
        w, fl = _tokens(text[a:b])[-1]
        return fl == "v" and w not in L.DEFINING_VERBS and w not in L.METRIC_HEADS and w not in L.NOMINAL_VERBS

    def _post_noun(self, text: str, f: _Fig, limit: int) -> tuple[int, int] | None:
        """The counted noun right after a figure (`47个工作组`, `15家关停类化工生产企业`)."""
        a = f.end
        if a >= limit or not (_HAN.match(text[a]) or text[a] == "“"):
            return None
        toks = _tok_spans(text, a, limit)
        if toks and toks[0][2] in ("和", "及", "以及", "与", "或"):
            return None  # 8座和港口吞吐量…: the next item, not a counted noun
        last_noun_end = None
        first_verb_after_noun = None
        quote = False
        for s, e, w, fl in toks:
            if w == "“":
                if last_noun_end is not None:
                    break
                quote = True
                continue
            if w == "”":
                quote = False
                last_noun_end = e
                continue
            if quote:
                continue
            if _DIGIT.search(w) or w in _CLAUSE_PUNCT or w in "、（）()：:":
                break
            if w in ("和", "及", "以及"):
                nxt = text[e : e + 3]
                if _DIGIT.match(nxt) or re.match(r"[一二三四五六七八九十两]", nxt):
                    break
                continue
            if w in _POST_STOP or w in L.LIGHT_VERBS or w in L.ADVERB_BARRIERS or w in L.TIME_WORDS:
                break
            if w.startswith(_CUT_VERBS) or w in L.LINK_WORDS or w in L.CHANGE_WORDS:
                break
            if fl.startswith(("p", "u", "r", "c", "m", "q")) and w not in ("类",):
                break
            if fl.startswith("d") and (len(w) == 1 or w in _FUNCTION_ADVERBS):
                break
            if fl == "v" and last_noun_end is not None and first_verb_after_noun is None:
                first_verb_after_noun = s
            if (
                fl.startswith(("n", "j", "vn", "nz", "eng", "zg")) or w in L.METRIC_HEADS or w in self._names
                or (fl == "l" and last_noun_end is None)
            ):
                last_noun_end = e
        if last_noun_end is None:
            return None
        end = last_noun_end
        # trailing activity words are not the counted noun (4家搬改关工作, 7所乡镇卫生院提质改造)
        for w in L.TRAILING_ACTIVITY:
            if text[a:end].endswith(w) and end - len(w) > a + 1:
                end -= len(w)
                break
        # a verb after the noun belongs to the noun phrase only when a head noun
        # closes it (专题培训学习考察活动); otherwise it is the predicate (企业申报…)
        if first_verb_after_noun is not None and first_verb_after_noun < end:
            if not text[a:end].endswith(L.METRIC_HEADS):
                end = first_verb_after_noun
        return (a, end) if end > a else None

    def _metrics(self, text, figs, delims, bounds, extra):
        n = len(text)
        prev_end = 0
        for i, f in enumerate(figs):
            cs = self._clause_start(delims, f.start)
            a = max(cs, prev_end)
            if f.part and f.part in bounds:
                a = max(a, bounds[f.part][0])
            if prev_end and a == prev_end:
                # right after the previous figure: 、上平台企业594家, 和6起…
                m = re.match(r"\s*(?:、|和|及|与|以及)\s*", text[a : f.start])
                if m:
                    a += m.end()
            b = f.start
            ctx = text[a:b]
            stripped = ctx.strip()
            clause_end = self._clause_end(delims, f.end, n)
            nxt_start = figs[i + 1].start if i + 1 < len(figs) else n
            post = self._post_noun(text, f, min(clause_end, nxt_start))
            # pool: 全市51家“僵尸企业”中, 37个大类行业中 (D28)
            pool = re.match(r"([^，。；,;、\s\d]{1,16}?)中\s*(?:[，,、：:]|$)", text[f.end : clause_end + 1])
            if pool and f.end < clause_end:
                f.notes.append("pool")
                f.metric = (f.end, f.end + len(pool.group(1).rstrip("的")))
                f.metric_score = 0.5
                prev_end = f.end + pool.end(1) + 1
                continue
            # ratio / difference: no METRIC of its own
            lead = re.sub(r"^(?:分别|均|都|双双)", "", stripped)
            first_tok = _tokens(lead)[0][0] if lead else ""
            if re.search(r"的\s*$", ctx) or first_tok in _DIFF_OPENERS or (
                first_tok.startswith(("较", "比")) and first_tok not in ("比如", "比例", "比重", "较好", "较大")
            ):
                if not re.search(r"占.*(?:比重|比例)\s*$", ctx):
                    f.no_metric = True
                    f.notes.append("ratio" if ctx.rstrip().endswith("的") else "difference")
                    prev_end = f.end
                    continue
            if re.search(r"(?:^|[^\w])(?:约)?占\s*$", ctx) or (
                re.match(r"(?:约)?占", stripped) and not re.search(r"比重|比例", stripped)
            ):
                f.no_metric = True
                f.notes.append("bare share")
                prev_end = f.end
                continue
            metric = None
            if stripped.endswith("等"):
                f.notes.append("holders")
            else:
                metric = self._list_or_share(text, a, b, f, extra)
                if metric == "list":
                    f.no_metric = True
                    prev_end = f.end
                    continue
                if metric is None:
                    metric = self._clean_metric(text, a, b)
            # the counted noun after the figure wins over a bare verb or nothing on the left (D4)
            bare_verb = metric is not None and (
                text[metric[0] : metric[1]] in L.DEFINING_VERBS or self._ends_in_verb(text, *metric)
            )
            if post and (metric is None or bare_verb) and not (metric and f.part):
                f.metric = post
                f.metric_score = 0.6
                f.post_end = post[1]
                prev_end = post[1]
                continue
            if metric:
                f.metric = metric
                f.metric_score = 0.9 if text[metric[0] : metric[1]] in self._names else 0.6
            prev_end = f.end

        # a pool count is not a figure (D28); its noun is the METRIC only when a
        # later figure has none of its own (N8: 全市51家“僵尸企业”中，…等39家)
        kept = []
        for i, f in enumerate(figs):
            if "pool" not in f.notes:
                kept.append(f)
                continue
            if f.metric and any(not g.metric and not g.no_metric and "pool" not in g.notes for g in figs[i + 1 :]):
                extra.append((f.metric[0], f.metric[1], 0.5))
        figs[:] = kept

    def _list_or_share(self, text, a, b, f: _Fig, extra):
        """`A、B分别增长x、y` (one METRIC per item) and `X占Y比重` (one METRIC)."""
        ctx = text[a:b]
        k = ctx.find("分别")
        if k > 0 and "、" in ctx[:k]:
            items_text = ctx[:k]
            # strip prefixes of the whole list on the first item
            first = self._clean_metric(text, a, a + items_text.find("、"))
            pieces = []
            p = a
            for part in items_text.split("、"):
                pieces.append((p, p + len(part)))
                p += len(part) + 1
            if first:
                pieces[0] = first
            else:
                m0 = _NUMBERING_RE.match(text, pieces[0][0])
                if m0 and m0.end() < pieces[0][1]:
                    pieces[0] = (m0.end(), pieces[0][1])
            last = self._clean_metric(text, pieces[-1][0], pieces[-1][1])
            if last:
                pieces[-1] = last
            for ps, pe in pieces:
                while ps < pe and text[ps].isspace():
                    ps += 1
                while pe > ps and text[pe - 1].isspace():
                    pe -= 1
                if pe > ps and _HAN.search(text[ps:pe]):
                    extra.append((ps, pe, 0.7))
            return "list"
        m = re.search(r"占[^，。；,;]*?(?:比重|比例)", ctx)
        if m and ctx[m.end() :].strip() in ("", "为", "达到", "达", "是", "提高到", "提高至", "约为"):
            s = a + m.start()
            x = self._clean_metric(text, a, s) if s > a else None
            if x and x[1] == s:
                return x[0], a + m.end()
            return s, a + m.end()
        return None

    def _row_label_metric(self, text, figs, delims, extra, all_figs):
        """Table rows `label，header N，header N` (D10): the label is the METRIC of status-only figures."""
        bare = [f for f in figs if not f.metric and not f.no_metric and "holders" not in f.notes]
        if not bare:
            return
        first_end = self._clause_end(delims, 0, len(text))
        if first_end >= len(text) or any(f.start < first_end for f in all_figs):
            return
        # only when the figures sit under column headers: every later clause is `<header><figure>`
        clauses = re.split(r"[，,]", text[first_end + 1 :])
        if not clauses or not all(re.match(r"^[^，,]{0,16}?[0-9０-９]", c.strip()) for c in clauses if c.strip()):
            return
        m = self._clean_metric(text, 0, first_end)
        if m:
            extra.append((m[0], m[1], 0.7))

    def _row_name_metric(self, text, figs, bounds, extra):
        """Indicator rows: the 三级指标 name is the METRIC (D13, D14)."""
        a, b = bounds["name"]
        name_figs = [f for f in figs if f.part == "name"]
        if name_figs:
            return  # the name carries its own figure: handled like running text
        acts = [f for f in figs if f.part == "actual"]
        if acts and any(f.metric for f in acts):
            return  # D14: the actual cell names the metric itself
        if not [f for f in figs if f.part in ("target", "actual")]:
            return
        seg = text[a:b]
        if "，" in seg or "," in seg:
            first = re.split(r"[，,]", seg)[0]
            m = self._clean_metric(text, a, a + len(first))
            if m and any(text[m[0] : m[1]].endswith(h) for h in ("活动", "大赛", "会", "检查", "培训", "讲座", "沙龙")):
                extra.append((m[0], m[1], 0.5))
            return
        m = self._clean_metric(text, a, b)
        if m:
            extra.append((m[0], m[1], 0.8))

    # -- 2. TARGET vs VALUE -------------------------------------------------

    @staticmethod
    def _nearest_cue(seg: str) -> tuple[str | None, int]:
        """('TARGET'|'VALUE'|None, position) of the cue word nearest the end of seg."""
        best: tuple[str | None, int, int] = (None, -1, 0)
        for label, cues in (("TARGET", L.TARGET_CUES), ("VALUE", L.VALUE_CUES)):
            for c in cues:
                k = seg.rfind(c)
                if k < 0:
                    continue
                end = k + len(c)
                if end > best[1] or (end == best[1] and len(c) > best[2]):
                    best = (label, end, len(c))
        return best[0], best[1]

    def _labels(self, text, figs, delims, scoring, goal, row):
        opener = bool(L.GOAL_OPENERS_RE.match(text))
        inherit: tuple[str, int] | None = None
        for f in figs:
            cs = self._clause_start(delims, f.start)
            clause = text[cs : f.start]
            span_text = text[f.start : f.end]
            after = text[f.end : f.end + 10]
            label, sc = None, 0.7
            if row and f.part:
                label, sc = ("VALUE", 0.95) if f.part == "actual" else ("TARGET", 0.95)
            elif scoring:
                label, sc = "TARGET", 0.8
            elif _POST_TARGET_RE.match(after):
                label, sc = "TARGET", 0.9
            else:
                whole = re.fullmatch(r"\s*(?:其中\s*[：:])?\s*(?P<name>[^：:，,]+?)\s*[：:]\s*", text[: f.start])
                if whole and not text[f.end :].strip():
                    name = whole.group("name")
                    if name in L.INCOME_CATEGORIES:
                        label, sc = "TARGET", 0.9
                    elif name in L.EXPENSE_CATEGORIES:
                        label, sc = "VALUE", 0.9
                if label is None and any(w in clause for w in L.QUOTA_WORDS):
                    label, sc = "TARGET", 0.85
                if label is None and ("difference" in f.notes or "ratio" in f.notes):
                    if "ratio" in f.notes and any(c in clause for c in _ALLOCATION_CUES):
                        label, sc = "TARGET", 0.7
                    else:
                        label, sc = "VALUE", 0.8
                if label is None:
                    # cue words inside the figure's own METRIC do not count (一般公共预算支出)
                    cue_text = clause
                    if f.metric and f.metric[0] >= cs and f.metric[1] <= f.start:
                        inner = text[f.metric[0] : f.metric[1]]
                        keep = [w for w in ("总投资", "计划投资", *L.QUOTA_WORDS) if w in inner]
                        cue_text = text[cs : f.metric[0]] + " " + " ".join(keep) + " " + text[f.metric[1] : f.start]
                    cue, pos = self._nearest_cue(cue_text)
                    if cue:
                        label, sc = cue, 0.85
                        if "其中" in text[f.end :]:
                            inherit = (cue, f.end)
                if label is None and inherit and "其中" in text[inherit[1] : f.start]:
                    label, sc = inherit[0], 0.75
                if label is None:
                    # goal framing carried through the sentence (力争…，…); a later VALUE cue ends it
                    sent_start = max((text.rfind(p, 0, f.start) for p in "。；;！？"), default=-1) + 1
                    before = text[sent_start : f.start]
                    gpos = max((before.rfind(w) for w in _STICKY_GOAL), default=-1)
                    vcue, vpos = self._nearest_cue(before)
                    if opener or gpos >= 0:
                        if not (vcue == "VALUE" and vpos > gpos and not opener):
                            label, sc = "TARGET", 0.75
                if label is None:
                    q = f.q
                    if (q.low is not None and q.unit in ("%", "个百分点")) or re.search(r"[≥≤≧≦<>＜＞]|<=|>=", span_text):
                        label, sc = "TARGET", 0.6
                    elif span_text.endswith("左右") and q.unit in ("%",):
                        label, sc = "TARGET", 0.55
                if label is None:
                    label, sc = ("TARGET", 0.6) if goal else ("VALUE", 0.7)
            f.label, f.label_score = label, sc


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


def evaluate(paths: Iterable[str | Path], tagger: RuleTagger | None = None, use_roles: bool = True):
    """Strict scores of the rule tagger on annotation files: (score dict, examples, predictions)."""
    from extractor.tagger.corpus import read_jsonl
    from extractor.tagger.spans import score

    tagger = tagger or RuleTagger()
    examples = [ex for p in paths for ex in read_jsonl(p)]
    preds = []
    for ex in examples:
        preds.append(tagger.predict_one(ex.text, role=role_of_source(ex.source) if use_roles else None))
    return score(examples, preds), examples, preds


def main(argv: list[str] | None = None) -> int:
    """`python -m extractor.tagger.rules annotations/ [--errors]`: strict P/R/F1 per split and file."""
    from extractor.tagger.corpus import SPLITS, annotation_files, read_split
    from extractor.tagger.spans import format_scores

    argv = list(sys.argv[1:] if argv is None else argv)
    show_errors = "--errors" in argv
    argv = [a for a in argv if not a.startswith("--")]
    if len(argv) != 1:
        print("usage: python -m extractor.tagger.rules ANNOTATIONS_DIR [--errors]", file=sys.stderr)
        return 2
    directory = Path(argv[0])
    files = annotation_files(directory)
    readme = directory / "README.md"
    split = read_split(readme) if readme.exists() else {}
    groups: dict[str, list[Path]] = {}
    for p in files:
        name = split.get(p.name)
        if name:
            groups.setdefault(name, []).append(p)
    order = [g for g in SPLITS if g in groups]
    for g in order:
        sc, examples, preds = evaluate(groups[g])
        names = ", ".join(p.name for p in groups[g])
        print(format_scores(sc, f"== {g} ({names}; {len(examples)} examples)"))
        print()
        if show_errors:
            for ex, pr in zip(examples, preds):
                gold = {(e.start, e.end, e.label) for e in ex.entities}
                got = {s.key() for s in pr}
                if gold != got:
                    print(f"  {ex.id}\t{ex.text}")
                    for s, e, lab in sorted(gold - got):
                        print(f"     missed {lab[0]}:{ex.text[s:e]}")
                    for s, e, lab in sorted(got - gold):
                        print(f"     extra  {lab[0]}:{ex.text[s:e]}")
            print()
    if not order:
        print(f"no annotation files with a split in {directory}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
