"""Inline span markup -> guidelines JSONL, with offsets computed, never counted."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.tagger.markup import MarkupError, main, parse, render


def test_parse_gives_text_and_offsets():
    text, ents = parse(r"[规模工业增加值]{M}同比增长[8.3%]{V}，目标[≥8%]{T}，见\[附表\]")
    assert text == "规模工业增加值同比增长8.3%，目标≥8%，见[附表]"
    assert [(text[e.start:e.end], e.label) for e in ents] == [("规模工业增加值", "METRIC"), ("8.3%", "VALUE"), ("≥8%", "TARGET")]


def test_line_breaks_and_tabs_are_escapes():
    text, ents = parse(r"[培训人次]{M}\t[≥300]{T}\n[覆盖率]{M} [95%]{V}")
    assert text == "培训人次\t≥300\n覆盖率 95%"
    assert [text[e.start:e.end] for e in ents] == ["培训人次", "≥300", "覆盖率", "95%"]


@pytest.mark.parametrize("bad", ["[增长]{X}", "[增长", "增长]{M}", "[[增长]{M}]{V}", "[]{M}", "增长{M}"])
def test_bad_markup_is_refused(bad):
    with pytest.raises(MarkupError):
        parse(bad)


def test_cli_names_file_and_line_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("# a comment\n[增长率]{M}[5%]{V}\n\n[收入]{Q}10元\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main([str(src), str(out), "--prefix", "t", "--source", "s"]) == 1
    assert f"{src}:4:" in capsys.readouterr().err
    assert not out.exists()
    src.write_text("[增长率]{M}[5%]{V}\n", encoding="utf-8")
    assert main([str(src), str(out), "--prefix", "t", "--source", "s"]) == 0
    assert '"id": "t#1"' in out.read_text(encoding="utf-8")


@given(st.lists(st.tuples(st.text(alphabet="指标增长率[]{}\\\n\t 8.3%", min_size=0, max_size=6),
                          st.text(alphabet="规模工业值[]{}\\8.3%", min_size=1, max_size=5),
                          st.sampled_from(["METRIC", "VALUE", "TARGET"])), max_size=4),
       st.text(alphabet="。，[]{}\\\n", max_size=4))
def test_render_is_what_parse_reads_back(pieces, tail):
    """Any text with any non-overlapping spans, brackets, backslashes and breaks included."""
    from extractor.tagger.corpus import Entity

    text, entities = "", []
    for before, span, label in pieces:
        text += before
        entities.append(Entity(start=len(text), end=len(text) + len(span), label=label))
        text += span
    text += tail
    assert parse(render(text, entities)) == (text, entities)
