"""The annotation file format (extractor.tagger.corpus) and the gold files in annotations/.

The gold part runs over every annotations/*.jsonl in the repository, so a
file that breaks the format, reuses an id or is missing from the split table
in annotations/README.md fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.tagger.corpus import (
    LABELS,
    SPLITS,
    CorpusError,
    Entity,
    Example,
    annotation_files,
    check_file,
    main,
    read_jsonl,
    read_split,
    stats,
    validate,
    write_jsonl,
)

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "annotations"
README = ANNOTATIONS / "README.md"
GOLD = annotation_files(ANNOTATIONS)


def ex(text="全市规模工业增加值同比增长7.7%。", entities=((2, 9, "METRIC"), (13, 17, "VALUE")), **kw):
    return Example(
        id=kw.get("id", "t#1"),
        text=text,
        entities=[Entity(start=s, end=e, label=lab) for s, e, lab in entities],
        source=kw.get("source", "test"),
    )


# ---------------------------------------------------------------- format


def test_guideline_example_is_valid():
    example = ex()
    assert validate(example) == []
    assert [example.span_text(e) for e in example.entities] == ["规模工业增加值", "7.7%"]


@pytest.mark.parametrize(
    "text, entities, problem",
    [
        ("增长7.7%", [(2, 6, "NUMBER")], "label"),
        ("增长7.7%", [(2, 7, "VALUE")], "offsets"),
        ("增长7.7%", [(3, 3, "VALUE")], "offsets"),
        ("增长7.7%", [(-1, 2, "VALUE")], "offsets"),
        ("工业投资增长7.7%", [(6, 10, "VALUE"), (0, 4, "METRIC")], "sorted"),
        ("工业投资增长7.7%", [(0, 4, "METRIC"), (3, 6, "METRIC")], "overlap"),
        ("增长 7.7%", [(2, 7, "VALUE")], "whitespace"),
        ("增长7.7% ", [(2, 7, "VALUE")], "whitespace"),
        ("", [], "empty text"),
        ("   ", [], "empty text"),
    ],
)
def test_validate_reports_each_problem(text, entities, problem):
    problems = validate(ex(text=text, entities=entities))
    assert any(problem in p for p in problems), problems


def test_roundtrip(tmp_path):
    path = tmp_path / "a.jsonl"
    examples = [ex(id="x#1"), ex(id="x#2", text="新建5G基站956个", entities=[(2, 6, "METRIC"), (6, 10, "VALUE")])]
    write_jsonl(path, examples)
    raw = path.read_text(encoding="utf-8")
    assert "规模工业增加值" in raw  # Chinese kept readable
    assert read_jsonl(path) == examples
    assert check_file(path) == []


def test_read_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = json.dumps(ex().model_dump(), ensure_ascii=False)
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.jsonl:2:"):
        read_jsonl(path)
    path.write_text(good + "\n\n" + json.dumps({"id": "x", "text": "t"}) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.jsonl:3: .*entities"):
        read_jsonl(path)


def test_check_file_names_file_line_and_id(tmp_path):
    path = tmp_path / "c.jsonl"
    write_jsonl(path, [ex(id="c#1"), ex(id="c#2", entities=[(13, 17, "VALUE"), (2, 9, "METRIC")])])
    problems = check_file(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:2: c#2: ")


def test_stats_and_cli(tmp_path, capsys):
    write_jsonl(tmp_path / "seed_x.jsonl", [ex(id="x#1"), ex(id="x#2", entities=[(13, 17, "TARGET")])])
    assert stats(tmp_path) == [{"file": "seed_x.jsonl", "examples": 2, "METRIC": 1, "VALUE": 1, "TARGET": 1}]
    assert main(["stats", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| seed_x.jsonl | 2 | 1 | 1 | 1 |" in out
    assert main(["check", str(tmp_path)]) == 0


def test_read_split(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("| file | split |\n|---|---|\n| seed_000.jsonl | test |\n| `seed_001.jsonl` | dev |\n")
    assert read_split(readme) == {"seed_000.jsonl": "test", "seed_001.jsonl": "dev"}
    readme.write_text("| file | split |\n| seed_000.jsonl | holdout |\n")
    with pytest.raises(CorpusError, match=r"README\.md:2:"):
        read_split(readme)


# ---------------------------------------------------------------- the gold files


def test_there_is_gold():
    assert GOLD, "no annotations/*.jsonl"


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name)
def test_gold_file_is_valid(path):
    assert check_file(path) == []
    assert read_jsonl(path), f"{path} is empty"


_NUMERAL = re.compile(r"[0-9０-９一二三四五六七八九十两百千万零〇]")
_EDGE_PUNCT = "，。；：、,;:！？（）()“”《》"


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name)
def test_gold_spans_look_like_their_label(path):
    """Lint beyond the format: figures hold a numeral, spans do not start or end on punctuation."""
    bad = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        example = Example.model_validate_json(line)
        for e in example.entities:
            span = example.span_text(e)
            where = f"{path.name}:{lineno}: {example.id}: {e.label} {span!r}"
            if e.label in ("VALUE", "TARGET") and not _NUMERAL.search(span):
                bad.append(f"{where}: figure without a numeral")
            if e.label == "METRIC" and re.fullmatch(r"[\d.%,]+", span):
                bad.append(f"{where}: METRIC is only a number")
            # a bracket may close a span that opens it (`3.16(万人)`, `因公出国(境)`: DECISIONS C3, M5)
            bad_end = set(_EDGE_PUNCT) - {"”", "）"} - (set("）)") if "（" in span or "(" in span else set())
            if span[0] in _EDGE_PUNCT.replace("“", "").replace("（", "") or span[-1] in bad_end:
                bad.append(f"{where}: span starts or ends on punctuation")
    assert bad == []


_COUNT_NOUN = re.compile(r"人次|场次|册次|家次|户次|批次|起数|个数|户数|家数")


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name)
def test_count_nouns_stay_in_their_metric(path):
    """D29: a METRIC never stops right before a count noun of its own name (`[接待游客]人次增长`)."""
    bad = []
    for example in read_jsonl(path):
        starts = {e.start for e in example.entities}
        for e in example.entities:
            if e.label == "METRIC" and e.end not in starts and _COUNT_NOUN.match(example.text, e.end):
                bad.append(f"{path.name}: {example.id}: [{example.span_text(e)}]{example.text[e.end:e.end + 4]}")
    assert bad == []


def test_gold_ids_unique_across_files():
    seen: dict[str, str] = {}
    dupes = []
    for path in GOLD:
        for example in read_jsonl(path):
            if example.id in seen:
                dupes.append(f"{example.id} in {seen[example.id]} and {path.name}")
            seen.setdefault(example.id, path.name)
    assert dupes == []


def _document(path: Path) -> str:
    if re.fullmatch(r"written_\w+\.jsonl", path.name):
        return path.stem  # project-written genre passages (annotations/README-written.md): one set per file
    m = re.fullmatch(r"(\w+)_handwritten\.jsonl", path.name)
    if m:
        return m.group(1)  # a hand-written set (annotations/README-handwritten.md): one "document" per file
    m = re.fullmatch(r"seed_(\d{3})\.jsonl", path.name)
    assert m, f"{path.name}: gold files are named seed_NNN.jsonl or NAME_handwritten.jsonl"
    return m.group(1)


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name)
def test_gold_file_holds_one_document(path):
    """Ids and sources of seed_NNN.jsonl all point at seed NNN, so a split by file is a split by document."""
    doc = _document(path)
    for example in read_jsonl(path):
        if doc.startswith("written_"):
            genre = example.id.split("#")[0]
            assert doc in ("written_dev", f"written_{genre}"), example.id
            assert example.source.startswith(f"written for extractor, genre {genre} "), (example.id, example.source)
            continue
        assert example.id.startswith(f"{doc}#"), example.id
        if not doc.isdigit():
            assert example.source.startswith("handwritten"), (example.id, example.source)
        else:
            assert f"seeds/{doc}_" in example.source, (example.id, example.source)


def test_split_covers_every_file_by_document():
    split = read_split(README)
    files = {p.name for p in GOLD}
    missing = sorted(files - split.keys())
    assert missing == [], f"not in the split table of {README}: {missing}"
    assert set(split.values()) <= set(SPLITS)
    by_doc: dict[str, set[str]] = {}
    for name, part in split.items():
        by_doc.setdefault(_document(Path(name)), set()).add(part)
    assert all(len(parts) == 1 for parts in by_doc.values()), by_doc
    present = {split[name] for name in files}
    assert {"train", "dev", "test"} & present, present


def test_labels_are_the_guideline_labels():
    assert LABELS == ("METRIC", "VALUE", "TARGET")


def test_written_files_match_their_markup():
    """annotations/written_*.jsonl are built from annotations/written/*.txt; an edit to either alone is caught."""
    from training.written import build

    built = build()
    assert set(built) == {p.name for p in GOLD if p.name.startswith("written_")}
    for name, examples in built.items():
        assert read_jsonl(README.parent / name) == examples, name
    dev = {ex.id for ex in built["written_dev.jsonl"]}
    train = {ex.id for name, exs in built.items() if name != "written_dev.jsonl" for ex in exs}
    assert dev and train and not dev & train
