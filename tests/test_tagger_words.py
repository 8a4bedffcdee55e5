"""Where spans may not start or end (extractor.tagger.words)."""

from extractor.tagger.words import glued


def test_inside_a_dictionary_word_is_glued():
    text = "中央水利发展资金"
    stuck = glued(text)
    assert 1 in stuck  # 中|央
    assert 2 not in stuck  # 央|水: a word boundary


def test_compounds_of_two_words_and_loose_characters_may_split():
    text = "食品价格上涨3.1%"
    assert text.index("上") not in glued(text)  # 价格|上涨 (a name and a change word)
    text = "全年收入5000万元"
    assert text.index("收") not in glued(text)  # 年|收入: 年 is a time word the guidelines leave out


def test_short_quoted_names_are_glued_long_quotes_are_not():
    text = "“三公”经费支出12万元"
    assert {1, 2, 3} <= glued(text)
    long = "提出“到2025年全县森林覆盖率达到70%以上”的目标"
    assert long.index("7") not in glued(long)
