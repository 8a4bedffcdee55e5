"""Build the annotation files of the project-written genre passages from their markup.

    python -m training.written [--check]

`annotations/written/<genre>.txt` holds passages written for this project in
the style of real published genres (README-written.md), one per line, spans
marked inline (`extractor.tagger.markup`). Every fifth passage of each genre
(the 5th, 10th, …) goes to `annotations/written_dev.jsonl` (split `dev`: model
selection and calibration), the rest to `annotations/written_<genre>.jsonl`
(split `train`). Ids are `<genre>#<k>`, k the passage's number in its file, so
an id names the same passage whichever file holds it. `--check` rebuilds in
memory and fails if the committed JSONL differ.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extractor.tagger.corpus import Example, read_jsonl, write_jsonl
from extractor.tagger.markup import MarkupError, read_markup

ROOT = Path(__file__).resolve().parent.parent
WRITTEN = ROOT / "annotations" / "written"
GENRE_TITLES = {
    "bulletin": "统计公报与经济运行",
    "workreport": "政府工作报告与部门工作总结计划",
    "budget": "部门预算决算说明",
    "selfeval": "绩效自评报告",
    "formrows": "表格转文本",
}
DEV_EVERY = 5


def build(directory: Path = WRITTEN) -> dict[str, list[Example]]:
    """{file name: examples} for every genre's train file and the shared dev file."""
    out: dict[str, list[Example]] = {"written_dev.jsonl": []}
    for path in sorted(directory.glob("*.txt")):
        genre = path.stem
        examples = read_markup(path, genre, f"written for extractor, genre {genre} ({GENRE_TITLES.get(genre, genre)})")
        out[f"written_{genre}.jsonl"] = [ex for k, ex in enumerate(examples, 1) if k % DEV_EVERY]
        out["written_dev.jsonl"] += [ex for k, ex in enumerate(examples, 1) if not k % DEV_EVERY]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    try:
        files = build()
    except MarkupError as exc:
        print(exc, file=sys.stderr)
        return 1
    stale = []
    for name, examples in files.items():
        path = ROOT / "annotations" / name
        if args.check:
            if not path.exists() or read_jsonl(path) != examples:
                stale.append(name)
        else:
            write_jsonl(path, examples)
            print(f"{path.relative_to(ROOT)}: {len(examples)} passages")
    if stale:
        print(f"out of date with annotations/written/: {', '.join(stale)} (run python -m training.written)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
