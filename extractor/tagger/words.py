"""Where a span may not start or end: inside a word jieba keeps whole, or inside a short quoted name.

The model labels one CJK character at a time, so nothing stops it from
starting a METRIC at `央` of `中央` or ending one at `目` of `目标`; on real
passages such cuts were a fifth of the METRIC errors. `glued(text)` returns the
character positions between two CJK characters of one word; the decoder
(`encoding.decode`) then never opens or closes a span there.

A dictionary word is split anyway where the guidelines need it, in two cases
that jieba's dictionary merges: two dictionary words of two or more characters
each (`价格上涨` = `价格` + `上涨`, `经费支出`, `结构调整`: a name followed by a
change or status word), and a single function character at either end that
the guidelines leave out of spans (`年收入` -> `年` + `收入`, `分为` -> `分` +
`为`). Quoted names up to 12 characters without a digit (`“三公”`, `“放管服”`)
are glued whole; longer quotations are sentences and may hold figures.

Measured on the gold (`python -m extractor.tagger.words annotations/`): the
share of gold spans that start or end at a glued position is printed; those
spans the decoder cannot produce.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_QUOTED = re.compile(r"[“\"《「『]([^“”\"《》「」『』\d０-９]{1,12})[”\"》」』]")
# single characters the guidelines keep outside a span (time words, copulas, comparison, scope)
_LOOSE = frozenset("年月日为是达比上下至到及和与等各其共约近超")


def _jieba():
    from extractor.tagger.jieba_dict import reader

    return reader()


def _in_dictionary(word: str) -> bool:
    return _jieba().FREQ.get(word, 0) > 0


def _splittable(word: str, k: int) -> bool:
    left, right = word[:k], word[k:]
    if left in _LOOSE or right in _LOOSE:
        return True
    return len(left) >= 2 and len(right) >= 2 and _in_dictionary(left) and _in_dictionary(right)


@lru_cache(maxsize=20000)
def glued(text: str) -> frozenset[int]:
    """Positions p (0 < p < len(text)) where text[p-1] and text[p] must be in the same span or both outside."""
    out: set[int] = set()
    pos = 0
    for word in _jieba().cut(text, HMM=False):
        for k in range(1, len(word)):
            if _CJK.match(word[k - 1]) and _CJK.match(word[k]) and not _splittable(word, k):
                out.add(pos + k)
        pos += len(word)
    for m in _QUOTED.finditer(text):
        out.update(range(m.start() + 1, m.end()))
    return frozenset(out)


def unreachable(paths) -> tuple[int, int, list[str]]:
    """Gold spans of annotation JSONL files that start or end at a glued position: (count, total, lines)."""
    from extractor.tagger.corpus import iter_gold_texts

    bad = total = 0
    lines = []
    for file, lineno, text, spans in iter_gold_texts(paths):
        stuck = glued(text)
        for e in spans:
            total += 1
            if e["start"] in stuck or e["end"] in stuck:
                bad += 1
                lines.append(f"{file.name}:{lineno} {e['label']} {text[e['start']:e['end']]!r}")
    return bad, total, lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    bad, total, lines = unreachable(args or ["annotations"])
    for line in lines:
        print(line)
    print(f"gold spans starting or ending inside a glued word: {bad}/{total} = {bad / total if total else 0:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
