"""Inline span markup for writing annotations by hand: `[规模工业增加值]{M}同比增长[8.3%]{V}`.

Annotators (and the helpers who write training passages) mark spans in the
text itself, so offsets are computed here and never counted by hand. `M`, `V`
and `T` stand for METRIC, VALUE and TARGET; a literal `[`, `]`, `{` or `}` in
the text is written with a backslash before it; `\n` and `\t` stand for a line
break and a tab (stored text keeps the breaks between a form's rows).

    python -m extractor.tagger.markup IN.txt OUT.jsonl --prefix bulletin --source "written, 统计公报"

IN.txt holds one passage per line; blank lines and lines starting with `#` are
skipped. Every passage gets the id `<prefix>#<k>` and is checked with
`corpus.validate`; a line that does not parse is reported as `IN.txt:N: …` and
nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extractor.tagger.corpus import Entity, Example, validate, write_jsonl

CODES = {"M": "METRIC", "V": "VALUE", "T": "TARGET"}


class MarkupError(ValueError):
    pass


def parse(markup: str) -> tuple[str, list[Entity]]:
    """Plain text and entities of one marked-up passage."""
    out: list[str] = []
    entities: list[Entity] = []
    open_at: int | None = None
    i, n = 0, len(markup)
    while i < n:
        ch = markup[i]
        if ch == "\\" and i + 1 < n and markup[i + 1] in "[]{}\\nt":
            out.append({"n": "\n", "t": "\t"}.get(markup[i + 1], markup[i + 1]))
            i += 2
            continue
        if ch == "[":
            if open_at is not None:
                raise MarkupError(f"'[' at column {i + 1} inside another span")
            open_at = len("".join(out))
            i += 1
            continue
        if ch == "]":
            if open_at is None:
                raise MarkupError(f"']' at column {i + 1} closes no span")
            code_end = markup.find("}", i)
            if not markup.startswith("{", i + 1) or code_end < 0 or markup[i + 2 : code_end] not in CODES:
                raise MarkupError(f"']' at column {i + 1} is not followed by {{M}}, {{V}} or {{T}}")
            end = len("".join(out))
            if end == open_at:
                raise MarkupError(f"empty span before column {i + 1}")
            entities.append(Entity(start=open_at, end=end, label=CODES[markup[i + 2 : code_end]]))
            open_at = None
            i = code_end + 1
            continue
        if ch in "{}":
            raise MarkupError(f"stray {ch!r} at column {i + 1} (write \\{ch} for a literal one)")
        out.append(ch)
        i += 1
    if open_at is not None:
        raise MarkupError("a '[' is never closed")
    return "".join(out), entities


def render(text: str, entities) -> str:
    """The markup of a text and its entities (sorted, not overlapping): what `parse` reads back."""
    letters = {label: code for code, label in CODES.items()}

    def plain(chunk: str) -> str:
        for ch, esc in (("\\", "\\\\"), ("[", "\\["), ("]", "\\]"), ("{", "\\{"), ("}", "\\}"),
                        ("\n", "\\n"), ("\t", "\\t")):
            chunk = chunk.replace(ch, esc)
        return chunk

    out, at = [], 0
    for e in sorted(entities, key=lambda e: (e.start, e.end)):
        out += [plain(text[at:e.start]), "[", plain(text[e.start:e.end]), "]{", letters[e.label], "}"]
        at = e.end
    out.append(plain(text[at:]))
    return "".join(out)


def read_markup(path: Path, prefix: str, source: str) -> list[Example]:
    examples, problems = [], []
    lines = path.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            text, entities = parse(line.rstrip("\n"))
            example = Example(id=f"{prefix}#{len(examples) + 1}", text=text, entities=entities, source=source)
        except (MarkupError, ValueError) as exc:
            problems.append(f"{path}:{lineno}: {exc}")
            continue
        problems += [f"{path}:{lineno}: {p}" for p in validate(example)]
        examples.append(example)
    if problems:
        raise MarkupError("\n".join(problems))
    return examples


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("markup", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--prefix", required=True, help="id prefix: ids are PREFIX#1, PREFIX#2, …")
    ap.add_argument("--source", required=True, help="the `source` of every example")
    args = ap.parse_args(argv)
    try:
        examples = read_markup(args.markup, args.prefix, args.source)
    except MarkupError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.markup}: {exc.strerror}", file=sys.stderr)
        return 1
    write_jsonl(args.out, examples)
    print(f"{args.out}: {len(examples)} passages, {sum(len(e.entities) for e in examples)} spans")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
