"""jieba's dictionary read once per process, and private tokenizers made from it.

The rule tagger (a part-of-speech tokenizer with the lexicon added) and the
decoder's word boundaries (`words.py`, the plain dictionary) each need their own
`jieba.Tokenizer`, so that words added for one never change the other. Built
the usual way, each reads the dictionary cache (most of a second) and the
part-of-speech table is parsed from the dictionary file again (half a second):
a one-page file paid both twice. Here the dictionary is read once: the rule
tagger's tokenizer gets a copy (it adds the lexicon), the decoder's reads it as
it is, and the part-of-speech tokenizer shares the table `jieba.posseg` already
parsed at its import.
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


def tokenizer(private: bool = True):
    """A ready `jieba.Tokenizer` over the default dictionary.

    `private` gives it its own copy, for a caller that adds words (they stay its
    own); without, it reads the one loaded dictionary, and must not add words.
    """
    import jieba

    freq, total = _dictionary()
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = (dict(freq) if private else freq), total, True
    return tk


def pos_tokenizer(tk):
    """A `jieba.posseg.POSTokenizer` over `tk`, the same as `POSTokenizer(tk)` without parsing the tag table again.

    The table is `jieba.posseg`'s own, shared: it changes only for words added with a tag, which no caller adds.
    """
    import jieba.posseg

    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tk
    pos.word_tag_tab = jieba.posseg.dt.word_tag_tab
    return pos
