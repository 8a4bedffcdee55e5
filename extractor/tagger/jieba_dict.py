"""jieba's dictionary read once per process, and private tokenizers made from it.

The rule tagger (a part-of-speech tokenizer with the lexicon added) and the
decoder's word boundaries (`words.py`, the plain dictionary) each need their own
`jieba.Tokenizer`, so that words added for one never change the other. Built
the usual way, each reads the dictionary cache (most of a second) and the
part-of-speech table is parsed from the dictionary file again (half a second):
a one-page file paid both twice. Here the dictionary is read once and each
tokenizer gets a copy, and the part-of-speech tokenizer takes a copy of the table
`jieba.posseg` already parsed at its import.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict, int]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk.FREQ, tk.total


def tokenizer():
    """A private, ready `jieba.Tokenizer` over the default dictionary: words added to it stay its own."""
    import jieba

    freq, total = _dictionary()
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = dict(freq), total, True
    return tk


def pos_tokenizer(tk):
    """A `jieba.posseg.POSTokenizer` over `tk`, the same as `POSTokenizer(tk)` without parsing the tag table again."""
    import jieba.posseg

    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tk
    pos.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)
    return pos
