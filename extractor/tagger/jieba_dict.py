"""jieba's dictionary as a memory-mapped trie, and tokenizers made from it.

Loaded the usual way, jieba's dictionary costs most of a second per process
(unmarshalling half a million words into a dict) and `jieba.posseg` another
third of a second at its import (parsing the dictionary file again for its tag
table), with about 100 MB of each worker's memory: the larger part of a
one-page file's start-up. Here the words, their frequencies and tags are built
once into a marisa trie and two small arrays (`cache_dir()`), which every later
process maps from disk in milliseconds and shares through the page cache.

The tokenizers are jieba's own (`jieba.Tokenizer`, `jieba.posseg.POSTokenizer`)
with their tables swapped: `Frequencies` and `Tags` answer as jieba's dicts do,
and `TrieTokenizer.get_DAG` asks the trie for every word starting at a position
in one call. The segmentation is jieba's, word for word (tests/test_jieba_dict.py
holds it to the stock tokenizer on the fixtures). Words a caller adds stay in
that tokenizer's own overlay, so the rule tagger's lexicon never reaches the
decoder's word boundaries.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

# part of the cache's name: a change to how it is built makes a new one
LAYOUT = 1


def cache_dir() -> Path:
    """Where the built trie lives: EXTRACTOR_CACHE, else the user's cache folder, else the temporary folder."""
    for base in (os.environ.get("EXTRACTOR_CACHE"), os.environ.get("XDG_CACHE_HOME") and
                 Path(os.environ["XDG_CACHE_HOME"]) / "extractor", Path.home() / ".cache" / "extractor"):
        if not base:
            continue
        try:
            Path(base).mkdir(parents=True, exist_ok=True)
            if os.access(base, os.W_OK):
                return Path(base)
        except OSError:
            continue
    return Path(tempfile.gettempdir())


def _dictionary_file() -> Path:
    import jieba

    return Path(jieba.__file__).with_name("dict.txt")


class _TrieOverlay(Mapping):
    """A mapping read from the trie, under the words one tokenizer added (`added`); each subclass says what a
    word's entry is (`get`, the hot path, written out in each)."""

    __slots__ = ("added", "trie")

    def __getitem__(self, word):
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return value

    def __iter__(self) -> Iterator[str]:
        yield from self.added
        for word in self.trie.iterkeys():
            if word not in self.added and self.get(word) is not None:
                yield word

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Frequencies(_TrieOverlay):
    """jieba's FREQ: a word's frequency (0 for a prefix of a word, which jieba keeps as an entry too),
    from the trie, under the words this tokenizer added."""

    __slots__ = ("freqs", "new_words")

    def __init__(self, trie, freqs: array, added: dict[str, int] | None = None):
        self.trie, self.freqs, self.added = trie, freqs, added if added is not None else {}
        # added words the trie does not hold, by their first character: what get_DAG looks for beside the trie
        self.new_words: dict[str, set[str]] = {}

    def get(self, word, default=None):
        if word in self.added:
            return self.added[word]
        i = self.trie.get(word)
        return default if i is None else self.freqs[i]

    def __contains__(self, word) -> bool:
        return word in self.added or word in self.trie

    def __setitem__(self, word, freq) -> None:
        self.added[word] = freq
        if word not in self.trie:
            if freq:
                self.new_words.setdefault(word[0], set()).add(word)
            else:
                self.new_words.get(word[0], set()).discard(word)


class Tags(_TrieOverlay):
    """jieba.posseg's word_tag_tab over the trie; `update` (posseg's user words) goes to an overlay."""

    __slots__ = ("names", "tag_ids")

    def __init__(self, trie, tag_ids: bytes, names: list[str]):
        self.trie, self.tag_ids, self.names, self.added = trie, tag_ids, names, {}

    def get(self, word, default=None):
        if word in self.added:
            return self.added[word]
        i = self.trie.get(word)
        if i is None or not self.tag_ids[i]:
            return default
        return self.names[self.tag_ids[i]]

    def update(self, other) -> None:
        self.added.update(other)


@lru_cache(maxsize=1)
def _tables():
    """(trie, frequencies, tag ids, tag names, total, longest word), built on first use, mapped after."""
    import marisa_trie

    source = _dictionary_file()
    digest = hashlib.sha1(source.read_bytes()).hexdigest()[:12]
    stem = cache_dir() / f"jieba-{digest}-v{LAYOUT}"
    trie_path, data_path = stem.with_suffix(".marisa"), stem.with_suffix(".tables")
    if not (trie_path.exists() and data_path.exists()):
        _build(source, trie_path, data_path)
    trie = marisa_trie.Trie()
    trie.mmap(str(trie_path))
    raw = data_path.read_bytes()
    header, rest = raw.split(b"\n", 1)
    total, longest, n, names = header.decode("utf-8").split(" ", 3)
    n = int(n)
    freqs = array("q")
    freqs.frombytes(rest[: 8 * n])
    return trie, freqs, rest[8 * n: 9 * n], ["", *names.split(" ")], int(total), int(longest)


def _build(source: Path, trie_path: Path, data_path: Path) -> None:
    """The trie and tables from jieba's own reading of its dictionary (its prefixes included), so that
    every answer is the one jieba's dicts give. Written under temporary names and moved: workers that
    start together each build, and the last move wins with the same bytes."""
    import jieba
    import marisa_trie

    with open(source, "rb") as fh:
        freq, total = jieba.Tokenizer.gen_pfdict(fh)
    tags: dict[str, str] = {}
    with open(source, encoding="utf-8") as fh:
        for line in fh:
            parts = line.strip().split(" ")
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    trie = marisa_trie.Trie(set(freq) | set(tags))
    n = len(trie)
    freqs = array("q", [0]) * n
    names = [""] + sorted(set(tags.values()))
    index = {t: k for k, t in enumerate(names)}
    tag_ids = bytearray(n)
    for word, i in trie.iteritems():
        freqs[i] = freq.get(word, 0)
        tag_ids[i] = index[tags[word]] if word in tags else 0
    longest = max(len(w) for w in freq)
    suffix = f".{os.getpid()}.tmp"
    tmp_trie, tmp_data = trie_path.with_name(trie_path.name + suffix), data_path.with_name(data_path.name + suffix)
    trie.save(str(tmp_trie))
    with open(tmp_data, "wb") as fh:
        fh.write(f"{total} {longest} {n} {' '.join(names[1:])}\n".encode())
        fh.write(freqs.tobytes())
        fh.write(bytes(tag_ids))
    os.replace(tmp_trie, trie_path)
    os.replace(tmp_data, data_path)


@lru_cache(maxsize=1)
def _tokenizer_class():
    import jieba

    class TrieTokenizer(jieba.Tokenizer):
        """jieba.Tokenizer over the trie: `get_DAG` asks it for all words starting at each position at once."""

        def get_DAG(self, sentence):
            with_ids, longest, freq = self.trie.iter_prefixes_with_ids, self.longest, self.FREQ
            added, freqs = freq.added, freq.freqs
            dag = {}
            for k in range(len(sentence)):
                if added:
                    ends = [k + len(w) - 1 for w, i in with_ids(sentence[k:k + longest])
                            if (added[w] if w in added else freqs[i])]
                    ends += [k + len(w) - 1 for w in freq.new_words.get(sentence[k], ()) if sentence.startswith(w, k)]
                    dag[k] = sorted(set(ends)) or [k]
                else:
                    dag[k] = [k + len(w) - 1 for w, i in with_ids(sentence[k:k + longest]) if freqs[i]] or [k]
            return dag

    return TrieTokenizer


@lru_cache(maxsize=1)
def _quiet_jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenizer(private: bool = True):
    """A ready `jieba.Tokenizer` over the default dictionary.

    `private` gives it its own overlay for words it adds (they stay its own); without, it shares the
    reading-only tables of every other non-private tokenizer, and must not add words.
    """
    _quiet_jieba()
    trie, freqs, _tag_ids, _names, total, longest = _tables()
    tk = _tokenizer_class()()
    tk.trie, tk.longest = trie, longest
    tk.FREQ = Frequencies(trie, freqs, {} if private else _SHARED_ADDED)
    tk.total, tk.initialized = total, True
    return tk


# what a non-private tokenizer would add goes here, and no caller adds to one
_SHARED_ADDED: dict[str, int] = {}


@lru_cache(maxsize=1)
def reader():
    """One non-private tokenizer per process for callers that only cut text (the decoder's word
    constraints, the annotation consistency check): no word is ever added to it."""
    return tokenizer(private=False)


def pos_tokenizer(tk):
    """A `jieba.posseg.POSTokenizer` over `tk` with the trie's tag table, built without the table
    `jieba.posseg` parses from the dictionary file at its import (`_posseg`)."""
    posseg = _posseg()
    trie, _freqs, tag_ids, names, _total, _longest = _tables()
    pos = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
    pos.tokenizer = tk
    pos.word_tag_tab = Tags(trie, tag_ids, names)
    return pos


@lru_cache(maxsize=1)
def _posseg():
    """`jieba.posseg`, imported with its module-level tokenizer reading an empty dictionary: that
    tokenizer (`jieba.posseg.dt`) is never used here, and its tag table is most of the import's time."""
    import sys

    jieba = _quiet_jieba()
    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    empty = cache_dir() / "jieba-empty.txt"
    if not empty.exists():
        empty.write_bytes(b"")
    saved = jieba.dt.dictionary
    jieba.dt.dictionary = str(empty)
    try:
        import jieba.posseg
    finally:
        jieba.dt.dictionary = saved
    return jieba.posseg
