"""Spans <-> model inputs: the one place where characters, chunks and tokens meet.

Training and inference both go through here, so a span the model is taught is
decoded back the same way. Labels live on chunks (`pretokenize`): the first
token of a chunk carries the chunk's BIO tag, the chunk's other tokens are
ignored (-100) in training and read from the first token at inference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from extractor.tagger.pretokenize import encode_words, pretokenize
from extractor.tagger.roles import PREFIX, check_role

ENTITY_LABELS = ("METRIC", "VALUE", "TARGET")
LABELS = ("O",) + tuple(f"{p}-{lab}" for lab in ENTITY_LABELS for p in ("B", "I"))
LABEL2ID = {name: i for i, name in enumerate(LABELS)}
IGNORE = -100
# Rule hints: 0 = no hint (specials, role prefix, whitespace, or hints withheld),
# 1 + LABEL2ID[tag] = the rule tagger tagged the token's chunk `tag`
NO_HINT = 0
HINTS = ("none",) + LABELS

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")


@dataclass
class Window:
    """One model input: token ids, the chunk of each token (None for specials), labels if known."""

    input_ids: list[int]
    chunk_of: list[int | None]
    labels: list[int] | None
    text: str
    offset: int  # where `text` starts in the caller's text
    hint_ids: list[int] | None = None  # per token, the rule tagger's label for its chunk (`HINTS`)


def chunk_tags(text: str, spans) -> list[str | None]:
    """BIO tag per chunk (None for whitespace chunks, which get no tokens)."""
    chunks = pretokenize(text)
    tags: list[str | None] = []
    ordered = sorted(((s.start, s.end, s.label) if hasattr(s, "start") else (s["start"], s["end"], s["label"])) for s in spans)
    j = 0
    for cs, ce in chunks:
        if text[cs:ce].isspace() or not text[cs:ce].strip():
            tags.append(None)
            continue
        while j < len(ordered) and ordered[j][1] <= cs:
            j += 1
        if j < len(ordered) and ordered[j][0] <= cs < ordered[j][1]:
            tags.append(("B-" if cs == ordered[j][0] else "I-") + ordered[j][2])
        else:
            tags.append("O")
    return tags


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) that tile the text's content; offsets exact."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def encode(tokenizer, text: str, spans=None, max_tokens: int = 256, role: str | None = None, hints=None) -> list[Window]:
    """Model windows for `text` (split at sentence ends, then at chunk boundaries if still too long).

    With a `role` (`roles.ROLES`) every window starts with that role's prefix
    words, which carry no labels and never become part of a span. With `hints`
    (spans of the rule tagger on the same text) every window carries `hint_ids`.
    """
    prefix = PREFIX[role] if check_role(role) else ""
    if prefix:
        max_tokens -= len(encode_words(tokenizer, prefix, add_special_tokens=False)[0])
    windows: list[Window] = []
    for s, e in _pieces(tokenizer, text, max_tokens):
        piece = text[s:e]
        window = _encode_piece(tokenizer, piece, _inside(spans, s, e), s, prefix)
        if hints is not None:
            window.hint_ids = _hint_ids(piece, _inside(hints, s, e), window.chunk_of)
        windows.append(window)
    return windows


def _inside(spans, s: int, e: int):
    """The spans that lie within text[s:e], shifted to the piece's offsets (None stays None)."""
    if spans is None:
        return None
    return [{"start": a - s, "end": b - s, "label": lab} for a, b, lab in _triples(spans) if a >= s and b <= e]


def _hint_ids(text: str, hints, chunk_of: list[int | None]) -> list[int]:
    """Every token of a chunk carries the chunk's rule tag, so a hint is seen wherever the token is."""
    tags = chunk_tags(text, hints)
    return [NO_HINT if c is None or tags[c] is None else 1 + LABEL2ID[tags[c]] for c in chunk_of]


def _triples(spans):
    for sp in spans:
        if isinstance(sp, dict):
            yield sp["start"], sp["end"], sp["label"]
        else:
            yield sp.start, sp.end, sp.label


_CLAUSE_END = re.compile(r"[，,、：:]+")


def _pieces(tokenizer, text: str, max_tokens: int) -> list[tuple[int, int]]:
    """Whole text if it fits, else sentences, else clauses, else runs of chunks that fit."""
    if not text.strip():
        return []
    # every token covers at least one character, apart from a `▁` before a
    # word and the two specials: a short text fits without tokenizing it twice
    if 2 * len(text) + 2 <= max_tokens or len(encode_words(tokenizer, text)[0]) <= max_tokens:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    for s, e in sentences(text):
        out += _fit(tokenizer, text, s, e, max_tokens)
    return out


def _fit(tokenizer, text: str, s: int, e: int, max_tokens: int) -> list[tuple[int, int]]:
    """Pieces of text[s:e] that fit: whole clauses packed together, chunk runs only for a giant clause."""
    if len(encode_words(tokenizer, text[s:e])[0]) <= max_tokens:
        return [(s, e)]
    clauses, start = [], s
    for m in _CLAUSE_END.finditer(text, s, e):
        clauses.append((start, m.end()))
        start = m.end()
    if start < e:
        clauses.append((start, e))
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for cs, ce in clauses:
        if cur is not None and len(encode_words(tokenizer, text[cur[0] : ce])[0]) <= max_tokens:
            cur = (cur[0], ce)
            continue
        if cur is not None:
            out.append(cur)
        if len(encode_words(tokenizer, text[cs:ce])[0]) <= max_tokens:
            cur = (cs, ce)
        else:
            out += _chunk_runs(tokenizer, text, cs, ce, max_tokens)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def _chunk_runs(tokenizer, text: str, s: int, e: int, max_tokens: int) -> list[tuple[int, int]]:
    _, chunk_of, _ = encode_words(tokenizer, text[s:e])
    chunks = pretokenize(text[s:e])
    per_chunk: dict[int, int] = {}
    for c in chunk_of:
        if c is not None:
            per_chunk[c] = per_chunk.get(c, 0) + 1
    out, start_chunk, count, budget = [], 0, 0, max_tokens - 2
    for k in range(len(chunks)):
        n = per_chunk.get(k, 0)
        if count + n > budget and k > start_chunk:
            out.append((s + chunks[start_chunk][0], s + chunks[k - 1][1]))
            start_chunk, count = k, 0
        count += n
    out.append((s + chunks[start_chunk][0], s + chunks[-1][1]))
    return out


def _encode_piece(tokenizer, text: str, spans, offset: int, prefix: str = "") -> Window:
    input_ids, chunk_of, _ = encode_words(tokenizer, prefix + text)
    if prefix:
        # the prefix ends in punctuation, a chunk of its own, so the text's
        # chunks are the same with or without it, shifted by the prefix's count
        n = len(pretokenize(prefix))
        chunk_of = [None if c is None or c < n else c - n for c in chunk_of]
    labels = None
    if spans is not None:
        tags = chunk_tags(text, spans)
        labels, seen = [], set()
        for c in chunk_of:
            if c is None or c in seen or tags[c] is None:
                labels.append(IGNORE)
            else:
                seen.add(c)
                labels.append(LABEL2ID[tags[c]])
    return Window(input_ids=input_ids, chunk_of=chunk_of, labels=labels, text=text, offset=offset)


def _allowed(prev: str, cur: str) -> bool:
    """IOB2: I-X only after B-X or I-X."""
    if cur.startswith("I-"):
        return prev != "O" and prev[2:] == cur[2:]
    return True


def _continues(prev: str, cur: str) -> bool:
    """Inside a word: outside stays outside, a span goes on with its label."""
    if prev == "O":
        return cur == "O"
    return cur == "I-" + prev[2:]


_ALLOWED = [[_allowed(a, b) for b in LABELS] for a in LABELS]
_CONTINUES = [[_continues(a, b) for b in LABELS] for a in LABELS]
_START = [not lab.startswith("I-") for lab in LABELS]


# No span of the guidelines (nor of any annotation file) begins or ends on a separator or 的; an
# opening bracket or quote may begin one (`“三公”经费`) but never end it, a closing one the reverse.
_NO_EDGE = frozenset("、，,。；;：:的")
_OPENING = frozenset("“‘\"(（《「【[")
_CLOSING = frozenset("”’)）》」】]")
_SPAN_ROWS = np.array([lab != "O" for lab in LABELS])
_B_COLS = np.array([lab.startswith("B-") for lab in LABELS])


def edge_flags(text: str, chunks: list[tuple[int, int]]) -> tuple[list[bool], list[bool]]:
    """(no span may start at chunk k, no span may end at chunk k) from the chunks' own characters."""
    words = [text[s:e].strip() for s, e in chunks]
    no_start = [w in _NO_EDGE or w in _CLOSING for w in words]
    no_end = [w in _NO_EDGE or w in _OPENING for w in words]
    return no_start, no_end


def viterbi(rows, glued: list[bool] | None = None, no_start: list[bool] | None = None,
            no_end: list[bool] | None = None) -> list[int]:
    """The best label sequence under IOB2 constraints, from per-chunk label probabilities.

    `glued[t]` (optional) says chunk t is in one word with chunk t-1: no span may start or end between them.
    `no_start[t]` / `no_end[t]` (optional) forbid a span to begin / to end at chunk t (`edge_flags`).
    """
    if len(rows) == 0:
        return []
    logp = np.log(np.maximum(np.asarray(rows, dtype=np.float64), 1e-12))
    step = np.where(np.array(_ALLOWED), 0.0, -np.inf)  # [previous, current]
    inside = np.where(np.array(_CONTINUES), 0.0, -np.inf)
    score = np.where(np.array(_START), logp[0], -np.inf)
    if no_start is not None and no_start[0]:
        score[_B_COLS] = -np.inf
    back = np.zeros(logp.shape, dtype=np.int64)
    for t in range(1, len(logp)):
        trans = inside if glued is not None and glued[t] else step
        if (no_end is not None and no_end[t - 1]) or (no_start is not None and no_start[t]):
            trans = trans.copy()
            if no_end is not None and no_end[t - 1]:
                trans[_SPAN_ROWS] = inside[_SPAN_ROWS]  # an open span must go on
            if no_start is not None and no_start[t]:
                trans[:, _B_COLS] = -np.inf
        cand = score[:, None] + trans
        back[t] = cand.argmax(axis=0)  # the first best, as a left-to-right scan would pick
        score = cand.max(axis=0) + logp[t]
    if no_end is not None and no_end[-1]:
        score = np.where(_SPAN_ROWS, -np.inf, score)
    path = [int(score.argmax())]
    for t in range(len(logp) - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    return path[::-1]


def decode(window: Window, probs, score_probs=None) -> list[tuple[int, int, str, float]]:
    """Spans (start, end, label, score) in the caller's text from per-token label probabilities.

    A chunk takes the probabilities of its first token; the chunk labels are the
    best IOB2-valid sequence (Viterbi), so a span is never broken into pieces by
    one uncertain character, and never starts or ends inside a word
    (`words.glued`). A span's score is its weakest link, read from
    `score_probs` (the tempered probabilities, `training.calibrate`; default
    `probs`): the lowest probability of the chosen label over its chunks, and
    the probability that the chunk after it does not continue it.
    """
    from extractor.tagger.words import glued

    score_probs = probs if score_probs is None else score_probs
    chunks = pretokenize(window.text)
    first: dict[int, int] = {}
    for t, c in enumerate(window.chunk_of):
        if c is not None and c not in first:
            first[c] = t
    order = sorted(first)
    rows = [probs[first[c]] for c in order]
    stuck = glued(window.text)
    no_start, no_end = edge_flags(window.text, [chunks[c] for c in order])
    path = viterbi(rows, [k > 0 and chunks[c][0] in stuck and chunks[order[k - 1]][1] == chunks[c][0]
                          for k, c in enumerate(order)], no_start, no_end)
    spans: list[tuple[int, int, str, float]] = []
    cur: list | None = None  # [start, end, label, weakest probability]

    def continues(c: int) -> float:
        """Probability that chunk c would have gone on with the open span (0 when none is open)."""
        return float(score_probs[first[c]][LABEL2ID["I-" + cur[2]]]) if cur else 0.0

    for c, j in zip(order, path):
        tag = LABELS[j]
        cs, ce = chunks[c]
        p = float(score_probs[first[c]][j])
        if tag == "O":
            _close(cur, spans, continues(c))
            cur = None
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "I" and cur is not None and cur[2] == label:
            cur[1] = ce
            cur[3] = min(cur[3], p)
        else:
            _close(cur, spans, continues(c))
            cur = [cs, ce, label, p]
    _close(cur, spans, 0.0)
    return [(s + window.offset, e + window.offset, lab, sc) for s, e, lab, sc in spans]


def _close(cur, spans, p_continues: float):
    """End the open span; `p_continues` is the probability that the next chunk would have gone on with it."""
    if cur is not None:
        spans.append((cur[0], cur[1], cur[2], min(cur[3], 1.0 - p_continues)))
