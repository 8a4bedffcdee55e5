"""The annotation file format: JSONL examples with METRIC / VALUE / TARGET spans.

One job only: read, write and check the gold files described in
`annotations/README.md` and `/work/shared/annotation-guidelines.md`.
Offsets are Python string indices into `text` exactly as stored (start
inclusive, end exclusive); nothing here normalises text.

    python -m extractor.tagger.corpus stats annotations/     # counts per file and label
    python -m extractor.tagger.corpus check annotations/     # every problem, file:line
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

LABELS: tuple[str, ...] = ("METRIC", "VALUE", "TARGET")
SPLITS: tuple[str, ...] = ("train", "dev", "test", "ood", "blind")


class Entity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: int
    end: int
    label: str  # checked by validate(), so a bad label is reported, not a crash


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    entities: list[Entity]
    source: str

    def span_text(self, entity: Entity) -> str:
        return self.text[entity.start : entity.end]


class CorpusError(ValueError):
    """A file that cannot be read as annotation JSONL; the message names file and line."""


def _loads(path: Path, lineno: int, line: str) -> Example:
    try:
        return Example.model_validate(json.loads(line))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}:{lineno}: not JSON: {exc.msg}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CorpusError(f"{path}:{lineno}: not an example: {problems}") from exc


def iter_jsonl(path: str | Path):
    """(line number, Example) for every non-blank line; raises CorpusError naming file:line."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                yield lineno, _loads(path, lineno, line)


def iter_gold_texts(paths):
    """(file, line number, text, entities as dicts) of every example in JSONL files or folders of them.

    Lenient, for checks that run while a file is being written: lines that are
    not JSON yet are skipped, and so are spans outside their text.
    """
    for path in paths:
        path = Path(path)
        for file in sorted(path.glob("*.jsonl")) if path.is_dir() else [path]:
            for lineno, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    example = json.loads(line)
                    text, entities = example["text"], example["entities"]
                except (ValueError, KeyError, TypeError):
                    continue
                yield file, lineno, text, [e for e in entities if 0 <= e["start"] < e["end"] <= len(text)]


def read_jsonl(path: str | Path) -> list[Example]:
    return [ex for _, ex in iter_jsonl(path)]


def write_jsonl(path: str | Path, examples) -> None:
    """One example per line, UTF-8, Chinese kept readable, entities in stored order."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for ex in examples:
            if not isinstance(ex, Example):
                ex = Example.model_validate(ex)
            fh.write(json.dumps(ex.model_dump(), ensure_ascii=False) + "\n")


def validate(example: Example) -> list[str]:
    """Every problem of one example (empty list = valid)."""
    problems: list[str] = []
    text = example.text
    if not example.id.strip():
        problems.append("empty id")
    if not text.strip():
        problems.append("empty text")
    if not example.source.strip():
        problems.append("empty source")
    prev_start, prev_end = -1, 0
    for i, ent in enumerate(example.entities):
        tag = f"entity {i} [{ent.start}:{ent.end} {ent.label}]"
        if ent.label not in LABELS:
            problems.append(f"{tag}: label not in {'/'.join(LABELS)}")
        if not (0 <= ent.start < ent.end <= len(text)):
            problems.append(f"{tag}: offsets outside 0 <= start < end <= {len(text)}")
            continue
        span = text[ent.start : ent.end]
        if span != span.strip():
            problems.append(f"{tag}: span {span!r} starts or ends with whitespace")
        if ent.start < prev_start:
            problems.append(f"{tag}: entities not sorted by start")
        elif ent.start < prev_end:
            problems.append(f"{tag}: overlaps the previous entity")
        prev_start, prev_end = ent.start, max(prev_end, ent.end)
    return problems


def check_file(path: str | Path) -> list[str]:
    """Problems of a whole file, each prefixed `file:line: id:`; unreadable lines included."""
    path = Path(path)
    out: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                ex = _loads(path, lineno, line)
            except CorpusError as exc:
                out.append(str(exc))
                continue
            out.extend(f"{path}:{lineno}: {ex.id}: {p}" for p in validate(ex))
    return out


def annotation_files(directory: str | Path) -> list[Path]:
    return sorted(Path(directory).glob("*.jsonl"))


_SPLIT_ROW = re.compile(r"^\|\s*`?([^|`\s]+\.jsonl)`?\s*\|\s*`?(\w+)`?\s*\|\s*$")


def read_split(readme: str | Path) -> dict[str, str]:
    """The `| file | split |` table of annotations/README.md as {file name: split}.

    Raises CorpusError (with line) for a file listed twice or an unknown split.
    """
    readme = Path(readme)
    table: dict[str, str] = {}
    for lineno, line in enumerate(readme.read_text(encoding="utf-8").splitlines(), start=1):
        m = _SPLIT_ROW.match(line.strip())
        if not m:
            continue
        name, split = m.group(1), m.group(2)
        if split not in SPLITS:
            raise CorpusError(f"{readme}:{lineno}: {name}: split {split!r} not in {SPLITS}")
        if name in table:
            raise CorpusError(f"{readme}:{lineno}: {name} listed twice")
        table[name] = split
    return table


def stats(directory: str | Path) -> list[dict]:
    rows = []
    for path in annotation_files(directory):
        examples = read_jsonl(path)
        counts = Counter(e.label for ex in examples for e in ex.entities)
        rows.append({"file": path.name, "examples": len(examples), **{lab: counts.get(lab, 0) for lab in LABELS}})
    return rows


def stats_table(directory: str | Path) -> str:
    rows = stats(directory)
    cols = ["file", "examples", *LABELS]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    total = {c: 0 for c in cols[1:]}
    for row in rows:
        lines.append("| " + " | ".join(str(row[c]) for c in cols) + " |")
        for c in cols[1:]:
            total[c] += row[c]
    lines.append("| total | " + " | ".join(str(total[c]) for c in cols[1:]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 2 or argv[0] not in {"stats", "check"}:
        print("usage: python -m extractor.tagger.corpus {stats|check} DIR", file=sys.stderr)
        return 2
    command, directory = argv
    if command == "stats":
        print(stats_table(directory))
        return 0
    problems = [p for path in annotation_files(directory) for p in check_file(path)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
