"""Where the annotations disagree with themselves at a METRIC's edge.

A word next to a METRIC's edge is either part of the name or left out of it
(a scope, a verb, a status word). When the same word is inside some spans and
just outside others, the model is taught both, and no amount of training
settles which one it says. Session 17 found 支出 after a fee noun inside 17
written spans and outside 28; this module finds such splits from the data
alone, with no list of words: a word that touches a METRIC from outside, read
together with the span's edge word, is a run that other METRICs may hold whole.

    python -m extractor.tagger.consistency annotations/ [--min 3] [--share 0.2] [--files GLOB]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# characters read on each side of a span to cut out the word that touches it
_WINDOW = 8


@dataclass
class Split:
    """A boundary inside a string: `outer` + `inner` read as one run of text, where a METRIC's edge
    falls between the two (outside: `outer` left out) or does not (inside: the span holds both)."""

    side: str  # "start": `outer` before `inner`; "end": `inner` before `outer`
    inner: str
    outer: str
    inside: int = 0
    outside: int = 0
    inside_ids: list[str] = field(default_factory=list)
    outside_ids: list[str] = field(default_factory=list)

    @property
    def run(self) -> str:
        return self.outer + self.inner if self.side == "start" else self.inner + self.outer

    @property
    def minority_share(self) -> float:
        return min(self.inside, self.outside) / max(self.inside + self.outside, 1)


def _words(text: str) -> list[str]:
    from extractor.tagger.jieba_dict import reader

    return [w for w in reader().cut(text, HMM=False) if w.strip()]


def outer_pairs(text: str, start: int, end: int) -> list[tuple[str, str, str]]:
    """(side, inner, outer) for each edge of a span whose neighbour word touches it: 全县[工业投资] gives
    ("start", "工业", "全县"); [公务接待费]支出 gives ("end", "接待费", "支出")."""
    inner = _words(text[start:end])
    if not inner:
        return []
    pairs = []
    before = _words(text[max(0, start - _WINDOW) : start])
    if before and text[:start].endswith(before[-1]) and _wordlike(before[-1]):
        pairs.append(("start", inner[0], before[-1]))
    after = _words(text[end : end + _WINDOW])
    if after and text[end:].startswith(after[0]) and _wordlike(after[0]):
        pairs.append(("end", inner[-1], after[0]))
    return pairs


def _wordlike(word: str) -> bool:
    return len(word) > 1 and all(ch.isalpha() for ch in word)


def splits(examples, min_count: int = 3, min_share: float = 0.2) -> list[Split]:
    """Runs of text that METRICs sometimes hold whole and sometimes cut at the same point.

    First every edge where a METRIC stops right before or after a word gives a run (that word and the
    span's edge word) read as outside; then every METRIC that begins or ends with such a run whole counts
    it inside. jieba sometimes makes one word of the run (经费支出), so inside is matched on the
    characters, not on words. Kept: runs at least `min_count` times on each side, the smaller side at
    least `min_share` of the whole; largest minority first.
    """
    metrics = [(ex, ent) for ex in examples for ent in ex.entities if ent.label == "METRIC"]
    found: dict[tuple[str, str], Split] = {}
    for ex, ent in metrics:
        for side, inner, outer in outer_pairs(ex.text, ent.start, ent.end):
            s = found.setdefault((side, outer + inner if side == "start" else inner + outer), Split(side, inner, outer))
            s.outside += 1
            if ex.id not in s.outside_ids:
                s.outside_ids.append(ex.id)
    runs = {side: {run for sd, run in found if sd == side} for side in ("start", "end")}
    longest = max((len(run) for _, run in found), default=0)
    for ex, ent in metrics:
        name = ex.text[ent.start : ent.end]
        for side in ("start", "end"):
            for n in range(2, min(longest, len(name)) + 1):
                run = name[:n] if side == "start" else name[-n:]
                if run in runs[side]:
                    s = found[(side, run)]
                    s.inside += 1
                    if ex.id not in s.inside_ids:
                        s.inside_ids.append(ex.id)
    out = [s for s in found.values() if min(s.inside, s.outside) >= min_count and s.minority_share >= min_share]
    return sorted(out, key=lambda s: (-min(s.inside, s.outside), s.side, s.run))


def report(found: list[Split], examples_shown: int = 3) -> str:
    """Markdown table of the splits, with a few example ids for each side."""
    rows = ["| edge | run: cut where | held whole | cut | whole, e.g. | cut, e.g. |", "|---|---|---|---|---|---|"]
    for s in found:
        cut = f"{s.outer}‖{s.inner}" if s.side == "start" else f"{s.inner}‖{s.outer}"
        rows.append(f"| {s.side} | {cut} | {s.inside} | {s.outside} | "
                    f"{', '.join(s.inside_ids[:examples_shown])} | {', '.join(s.outside_ids[:examples_shown])} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--files", default="*.jsonl", help="which annotation files of the folder (a glob)")
    ap.add_argument("--min", type=int, default=3, dest="min_count", help="least count on each side")
    ap.add_argument("--share", type=float, default=0.2, help="least share of the smaller side")
    args = ap.parse_args(argv)
    from extractor.tagger.corpus import CorpusError, read_jsonl

    files = sorted(args.folder.glob(args.files))
    if not files:
        print(f"{args.folder}: no annotation files match {args.files}", file=sys.stderr)
        return 2
    examples = []
    try:
        for f in files:
            examples.extend(read_jsonl(f))
    except CorpusError as exc:
        print(exc, file=sys.stderr)
        return 2
    found = splits(examples, args.min_count, args.share)
    counts = Counter(s.side for s in found)
    print(f"{len(examples)} passages in {len(files)} files: {len(found)} runs of text that METRICs both hold "
          f"whole and cut ({counts['start']} at the start, {counts['end']} at the end; ‖ marks the cut)\n")
    print(report(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
