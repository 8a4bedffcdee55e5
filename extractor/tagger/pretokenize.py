"""Split text into chunks that entity boundaries may fall between, and tokenize by chunk.

One job: make every METRIC / VALUE / TARGET boundary a token boundary.
SentencePiece pieces are words, and NFKC turns `，` into `,`, so `%，` can
become one piece (`%,`) and `3%` another; a span ending at `%` would end inside
a token. So the text is first cut at character-class changes, and the chunks
are tokenized as pre-split words: no token ever straddles two chunks.

Chunks (`pretokenize`), which tile the text exactly:

- each CJK character (ideographs, 〇, kana, hangul) is a chunk of its own;
- a number is one chunk: decimal digits (ASCII or full-width) with one
  decimal point (`.` `．`) between digits and thousands separators (`,` `，`)
  in proper groups (`1，234.56`, but `56，2022` is `56` `，` `2022`);
- a run of other letters (Latin, full-width Latin, Greek, ...) is one chunk;
- every other character (punctuation, `%` `≥` `≤` `＞` `＜` `～` `-` `/`,
  emoji and other symbols) is a chunk of its own;
- a run of whitespace, control and format characters (zero-width space,
  BOM, ...) is one chunk; it gets no tokens;
- combining marks stay with the chunk before them.

`python -m extractor.tagger.pretokenize annotations/` prints the fraction of
gold spans that start and end on chunk boundaries (DESIGN: it must be all).

`encode_words(tokenizer, text)` returns `(input_ids, word_ids, offsets)`:
per token the index of its chunk in `pretokenize(text)` (None for <s> </s>)
and its character span in the original `text`, always inside that chunk.
For SentencePiece tokenizers (a Metaspace pre-tokenizer, as XLM-R / e5) the
word marker `▁` is only put where the text has whitespace (and at the start),
as in untouched text, instead of before every chunk: `增长` gives `增` `长`,
not `▁` `增` `▁` `长` (about 40 % fewer tokens on the annotation texts).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right

__all__ = ["pretokenize", "encode_words", "is_space_chunk", "representable", "span_coverage"]

# Single-character chunks: CJK ideographs and the syllabaries around them.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),    # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),    # 々 〆 〇
    (0x3021, 0x3029),    # Hangzhou numerals
    (0x3038, 0x303C),
    (0x3040, 0x31FF),    # kana, bopomofo, hangul compatibility jamo, kanbun, strokes
    (0x3400, 0x4DBF),    # extension A
    (0x4E00, 0x9FFF),    # unified ideographs
    (0xA960, 0xA97F),
    (0xAC00, 0xD7AF),    # hangul syllables
    (0xF900, 0xFAFF),    # compatibility ideographs
    (0xFF66, 0xFF9F),    # half-width katakana
    (0x1B000, 0x1B16F),  # kana supplement / extended
    (0x20000, 0x3FFFF),  # extensions B-H, compatibility supplement
)
_CJK_STARTS = [a for a, _ in _CJK_RANGES]

# A number: thousands groups (1-3 digits, then groups of exactly 3) or a plain digit run,
# then at most one decimal part. `\d` is any Unicode decimal digit (full-width too).
_NUMBER = re.compile(r"\d{1,3}(?:[,，]\d{3})+(?!\d)(?:[.．]\d+)?|\d+(?:[.．]\d+)?")

_SPACE, _CJK, _DIGIT, _ALPHA, _MARK, _OTHER = range(6)


def _char_class(ch: str) -> int:
    cp = ord(ch)
    i = bisect_right(_CJK_STARTS, cp) - 1
    if i >= 0 and cp <= _CJK_RANGES[i][1]:
        return _CJK
    if ch.isdecimal():
        return _DIGIT
    cat = unicodedata.category(ch)
    if ch.isspace() or cat in ("Cc", "Cf", "Zs", "Zl", "Zp") or ch == "\u2581":
        return _SPACE  # U+2581 is the SentencePiece word marker: the tokenizer reads it as a space
    if cat[0] == "L":
        return _ALPHA
    if cat[0] == "M":
        return _MARK
    return _OTHER


def pretokenize(text: str) -> list[tuple[int, int]]:
    """The chunks of `text` as (start, end) character offsets; they tile `text` in order."""
    classes = [_char_class(ch) for ch in text]
    n, i, chunks = len(text), 0, []
    while i < n:
        k = classes[i]
        if k == _DIGIT:
            j = _NUMBER.match(text, i).end()
        elif k in (_SPACE, _ALPHA):
            j = i + 1
            while j < n and (classes[j] == k or (k == _ALPHA and classes[j] == _MARK)):
                j += 1
        else:
            j = i + 1
        if k != _SPACE:
            while j < n and classes[j] == _MARK:  # combining marks stay with their base
                j += 1
        chunks.append((i, j))
        i = j
    return chunks


def is_space_chunk(text: str, chunk: tuple[int, int]) -> bool:
    """True for whitespace / control / format chunks (they get no tokens)."""
    return _char_class(text[chunk[0]]) == _SPACE


def representable(text: str, spans, chunks: list[tuple[int, int]] | None = None) -> list[bool]:
    """Per (start, end) span (or object with .start/.end or a dict): does it start and end on chunk boundaries?"""
    chunks = pretokenize(text) if chunks is None else chunks
    starts = {s for s, _ in chunks}
    ends = {e for _, e in chunks}
    out = []
    for span in spans:
        if isinstance(span, dict):
            s, e = span["start"], span["end"]
        elif hasattr(span, "start"):
            s, e = span.start, span.end
        else:
            s, e = span
        out.append(s in starts and e in ends)
    return out


def span_coverage(paths) -> tuple[int, int, list[str]]:
    """Gold spans in annotation JSONL files (`text`, `entities` [{start, end, label}]) that are
    representable: (representable, total, one line per span that is not). Lines that are not
    JSON yet (a file being written) and spans outside their text are left out."""
    from extractor.tagger.corpus import iter_gold_texts

    ok = total = 0
    failures = []
    for file, lineno, text, spans in iter_gold_texts(paths):
        for e, good in zip(spans, representable(text, spans)):
            total += 1
            ok += good
            if not good:
                failures.append(f"{file.name}:{lineno} {e['label']} {text[e['start']:e['end']]!r} "
                                f"[{e['start']}, {e['end']}) in {text!r}")
    return ok, total, failures


# ------------------------------------------------------------ encoding ----

_WORD_TOKENIZERS: dict[int, tuple[object, object, bool]] = {}


def _word_tokenizer(tokenizer):
    """(backend copy for pre-split words, whether it needs an explicit leading space for `▁`).

    A copy of the `tokenizers.Tokenizer` behind `tokenizer` without truncation or
    padding, and with every Metaspace pre-tokenizer switched to prepend_scheme
    "never" (otherwise each pre-split word would get its own `▁`).
    """
    import json

    from tokenizers import Tokenizer

    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    if not isinstance(backend, Tokenizer):
        raise TypeError("encode_words needs a fast tokenizer (tokenizers.Tokenizer or PreTrainedTokenizerFast)")
    hit = _WORD_TOKENIZERS.get(id(backend))
    if hit is not None and hit[0] is backend:
        return hit[1], hit[2]
    spec = json.loads(backend.to_str())
    spec["truncation"] = spec["padding"] = None
    metaspace = False

    def never(node):
        nonlocal metaspace
        if isinstance(node, dict):
            if node.get("type") == "Metaspace":
                metaspace = True
                node["prepend_scheme"] = "never"
            for value in node.values():
                never(value)
        elif isinstance(node, list):
            for value in node:
                never(value)

    never(spec.get("pre_tokenizer"))
    words = Tokenizer.from_str(json.dumps(spec))
    _WORD_TOKENIZERS[id(backend)] = (backend, words, metaspace)
    return words, metaspace


def encode_words(tokenizer, text: str, add_special_tokens: bool = True):
    """Tokenize `text` chunk by chunk (pre-split words).

    Returns `(input_ids, word_ids, offsets)`, one entry per token: `word_ids[t]`
    is the index into `pretokenize(text)` of the chunk token t belongs to (None
    for special tokens), `offsets[t]` its (start, end) in `text`, within that
    chunk ((0, 0) for special tokens; an empty span at the chunk start for a
    bare `▁` that stands for preceding whitespace). No truncation: long texts
    give more tokens than the model's window, windowing is the caller's job.
    """
    words_tok, metaspace = _word_tokenizer(tokenizer)
    chunks = pretokenize(text)
    words, owner, shift = [], [], []
    after_space = True  # sentencepiece puts `▁` at the start of the text
    for k, (s, e) in enumerate(chunks):
        if _char_class(text[s]) == _SPACE:
            after_space = True
            continue
        word = text[s:e].encode("utf-8", "replace").decode("utf-8")  # lone surrogates -> '?' (same length)
        lead = 1 if metaspace and after_space else 0
        words.append(" " * lead + word)
        owner.append(k)
        shift.append(lead)
        after_space = False
    if words:
        enc = words_tok.encode(words, is_pretokenized=True, add_special_tokens=add_special_tokens)
    else:  # nothing but whitespace: only the special tokens
        enc = words_tok.encode("", add_special_tokens=add_special_tokens)
    input_ids, word_ids, offsets = [], [], []
    for tid, w, (a, b) in zip(enc.ids, enc.word_ids, enc.offsets):
        input_ids.append(tid)
        if w is None:
            word_ids.append(None)
            offsets.append((0, 0))
            continue
        k = owner[w]
        s, e = chunks[k]
        a = min(max(s + a - shift[w], s), e)
        b = min(max(s + b - shift[w], a), e)
        word_ids.append(k)
        offsets.append((a, b))
    return input_ids, word_ids, offsets


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    ok, total, failures = span_coverage(args or ["annotations"])
    for line in failures:
        print(line)
    print(f"representable gold spans: {ok}/{total} = {ok / total if total else 1.0:.2%}")
    return 0 if ok == total else 1


if __name__ == "__main__":
    sys.exit(main())
