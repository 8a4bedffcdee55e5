"""Tagging METRIC, VALUE and TARGET in report text.

    from extractor.tagger import load_tagger
    tagger = load_tagger()                  # the shipped fine-tuned model (models/tagger)
    tagger.predict(["规模工业增加值增长8.3%"])  # -> [[Span(start=0, end=7, label='METRIC', score=…), …]]

`load_tagger(rules=True)` gives the rule baseline with the same interface.
"""

from __future__ import annotations

from pathlib import Path


def load_tagger(path: str | Path | None = None, rules: bool = False, threads: int | None = None, runtime: str = "auto"):
    """`threads` caps the model's inference threads (a batch worker takes one core); `runtime` see `TokenTagger.load`."""
    if rules:
        from extractor.tagger.rules import RuleTagger

        return RuleTagger()
    from extractor.tagger.model import TokenTagger

    return TokenTagger.load(path, threads=threads, runtime=runtime)
