"""extractor.tagger.consistency: runs of text that METRICs both hold whole and cut."""

from __future__ import annotations

from extractor.tagger.consistency import main, splits
from extractor.tagger.corpus import Example, write_jsonl
from extractor.tagger.markup import parse


def _examples(lines: list[str]) -> list[Example]:
    out = []
    for i, line in enumerate(lines):
        text, entities = parse(line)
        out.append(Example(id=f"t#{i}", text=text, entities=entities, source="test"))
    return out


CUT = ["[培训经费]{M}支出[4.2万元]{V}。", "本年[差旅经费]{M}支出[3.1万元]{V}。", "[会议经费]{M}支出[0.8万元]{V}。"]
WHOLE = ["[培训经费支出]{M}[5.0万元]{V}。", "[维修经费支出]{M}[2.2万元]{V}。", "[印刷经费支出]{M}[1.4万元]{V}。"]


def test_a_run_held_whole_and_cut_is_found_even_where_jieba_makes_one_word_of_it():
    found = splits(_examples(CUT + WHOLE))
    ends = {(s.side, s.run): s for s in found}
    s = ends[("end", "经费支出")]
    assert (s.inner, s.outer, s.inside, s.outside) == ("经费", "支出", 3, 3)
    assert set(s.inside_ids) == {"t#3", "t#4", "t#5"} and set(s.outside_ids) == {"t#0", "t#1", "t#2"}


def test_consistent_annotations_give_no_split():
    assert splits(_examples(CUT + ["[物业经费]{M}支出[6.0万元]{V}。"])) == []


def test_a_rare_minority_is_left_out_by_the_share():
    lines = CUT * 5 + WHOLE[:1]
    assert splits(_examples(lines), min_count=1, min_share=0.2) == []
    assert [s.run for s in splits(_examples(lines), min_count=1, min_share=0.05)] == ["经费支出"]


def test_a_scope_word_before_the_name_is_read_at_the_start():
    lines = ["全县[工业投资]{M}增长[8%]{V}。"] * 2 + ["[全县工业投资]{M}增长[7%]{V}。"] * 2
    found = splits(_examples(lines), min_count=2)
    assert [(s.side, s.outer, s.inner, s.inside, s.outside) for s in found] == [("start", "全县", "工业", 2, 2)]


def _write(folder, lines):
    write_jsonl(folder / "a.jsonl", _examples(lines))


def test_the_command_prints_the_table(tmp_path, capsys):
    _write(tmp_path, CUT + WHOLE)
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "6 passages in 1 files" in out and "| end | 经费‖支出 | 3 | 3 |" in out


def test_a_broken_file_is_one_line_naming_it(tmp_path, capsys):
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.jsonl:1" in err


def test_an_empty_folder_says_so(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "no annotation files" in capsys.readouterr().err
