"""The interface's language: every marked message has its Chinese, the two interfaces say the same
things, and what machines read (rule ids, JSON keys, findings.csv) does not change with it."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from extractor import i18n

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _marked() -> dict[str, str]:
    """Every message marked with _() or N_() in the code and the page templates, as pybabel extracts them."""
    templates = ("extractor/batch/templates/**.j2", "extractor/review/templates/**.j2")
    method_map = [("extractor/**.py", "python"), *((t, "jinja2") for t in templates)]
    options = {t: {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"} for t in templates}
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options, keywords={"_": None, "N_": None},
            callback=None):
        found[message] = filename
    return found


def _catalog():
    with i18n.CATALOG.open("rb") as fh:
        return read_po(fh, locale="zh_CN")


def _fields(text: str) -> set[str]:
    return {name for _lit, name, spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_marked_message_has_its_chinese_with_the_same_fields():
    marked, catalog = _marked(), _catalog()
    assert len(marked) > 200  # the interface: help, terminal lines, pages, workbook, a file's problems
    missing = [m for m in marked if not (catalog.get(m) and catalog.get(m).string)]
    assert not missing, f"{len(missing)} messages without Chinese (pybabel update, then translate): {missing[:5]}"
    for message in marked:
        translated = catalog.get(message).string
        assert _fields(translated) == _fields(message), (message, translated)
        words = re.sub(r"\{[^}]*\}", "", message)
        assert re.search(r"[\u4e00-\u9fff]", translated) or not re.search(r"[a-z]{3}", words), (message, translated)


def test_the_catalog_holds_no_message_the_code_no_longer_marks():
    marked = _marked()
    stale = [m.id for m in _catalog() if m.id and m.id not in marked]
    assert not stale, stale[:5]


def test_language_follows_the_environment_and_refuses_an_unknown_one(monkeypatch):
    monkeypatch.setenv(i18n.ENV, "en")
    assert i18n._("findings") == "findings"
    monkeypatch.setenv(i18n.ENV, "zh")
    assert i18n._("findings") == "问题"
    monkeypatch.setenv(i18n.ENV, "fr")
    assert i18n.current() == "zh"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def _cli(*args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != i18n.ENV} | {"COLUMNS": "200"}
    if lang:
        env[i18n.ENV] = lang
    return subprocess.run([str(BIN / "extractor"), *args], capture_output=True, text=True, env=env, timeout=600, check=False)


def test_help_and_usage_errors_are_in_chinese_by_default_and_in_english_with_lang_en(tmp_path):
    zh = _cli("--help")
    en = _cli("--lang", "en", "--help")
    assert "政府绩效自评报告" in zh.stdout and "Extract and audit" in en.stdout
    assert not re.search(r"[\u4e00-\u9fff]", en.stdout)
    # --lang may come after the command too, and the environment chooses when no option does
    assert "report files or folders" in _cli("check", "--help", "--lang", "en").stdout
    assert "报告文件或文件夹" in _cli("check", "--help", lang="zh").stdout
    assert "report files or folders" in _cli("check", "--help", lang="en").stdout
    bad = _cli("run", str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert bad.returncode == 2 and "错误" in bad.stderr and "文件或文件夹不存在" in bad.stderr
    bad = _cli("--lang", "en", "run", str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert bad.returncode == 2 and "error" in bad.stderr and "no such file or folder" in bad.stderr
    bad = _cli("--lang", "fr", "schema")
    assert bad.returncode == 2 and "fr" in bad.stderr and "Traceback" not in bad.stderr


FIXTURES = ROOT / "tests" / "fixtures"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One small archive run in each language: a seed report as text and as DOCX, and an empty PDF."""
    import shutil

    base = tmp_path_factory.mktemp("lang")
    (base / "in").mkdir()
    for name in ("002_418cb45b50d16ad8.txt", "002_418cb45b50d16ad8.docx"):
        shutil.copy(FIXTURES / name, base / "in" / name)
    (base / "in" / "empty.pdf").write_bytes(b"")
    out = {}
    for lang in ("zh", "en"):
        proc = _cli("run", str(base / "in"), "--out", str(base / lang), "--tagger", "rules", "--no-progress", lang=lang)
        assert proc.returncode == 1, proc.stderr  # the empty PDF
        assert "Traceback" not in proc.stderr
        out[lang] = (base / lang, proc.stderr)
    return out


def test_a_run_speaks_one_language_on_the_terminal(runs):
    zh, en = runs["zh"][1], runs["en"][1]
    assert "抽取 2 份文件，1 份无法读取" in zh and "错误 " in zh and "是空文件" in zh and "审核页：" in zh
    assert "2 documents extracted, 1 could not be read" in en and "error " in en and "is empty (0 bytes)" in en
    # the English run says nothing in Chinese but the file names and the department it read
    assert not HAN.search(en)


def test_pages_in_each_language_keep_the_same_ids_and_the_findings_own_words(runs):
    from bs4 import BeautifulSoup

    pages = {}
    for lang, (out, _err) in runs.items():
        index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
        doc = next(out.glob("pages/*docx*.html"))
        pages[lang] = (index, BeautifulSoup(doc.read_text(encoding="utf-8"), "html.parser"))
    (zi, zd), (ei, ed) = pages["zh"], pages["en"]
    assert zi.html["lang"] == "zh-CN" and ei.html["lang"] == "en"
    assert zi.h1.get_text() == "审核总览" and ei.h1.get_text() == "Audit overview"
    assert zd.find("h2").get_text() == "问题" and ed.find("h2").get_text() == "Findings"
    # rule ids, finding ids and anchors are the machines' and the same in both; the messages are the rules' Chinese
    rules = [next(s.get_text() for s in d.select(".finding .rule")).split(" · ")[0] for d in (zd, ed)]
    assert rules[0] == rules[1] and "." in rules[0]
    assert [f["id"] for f in zd.select(".finding")] == [f["id"] for f in ed.select(".finding")]
    assert [m.get_text() for m in zd.select(".finding .message")] == [m.get_text() for m in ed.select(".finding .message")]
    # every label of the English pages is English: Chinese is left only in document text and the findings' messages
    for soup in (ei, ed):
        for tag in soup.select("header, h2, th, label, option, .sev, .empty, .badge"):
            if tag.name in ("header", "option") or tag.find_parent("section", class_="doc"):
                continue  # the document's name, department and headings, the filter's departments
            # a label's own words, not the department options of the select it wraps
            text = " ".join(t for t in tag.find_all(string=True) if not t.find_parent("option")).strip()
            assert not HAN.search(text), text
    assert ei.select_one("#errors") and "is empty" in ei.select_one("#errors").get_text()
    assert "是空文件" in zi.select_one("#errors").get_text()


def test_workbook_headers_follow_the_language_and_the_machines_csv_does_not(runs):
    from openpyxl import load_workbook

    books = {lang: load_workbook(out / "indicators.xlsx") for lang, (out, _e) in runs.items()}
    assert books["zh"].sheetnames == ["汇总", "文档", "指标", "问题", "资金来源"]
    assert books["en"].sheetnames == ["Summary", "Documents", "Indicators", "Findings", "Fund sources"]
    zh_rows = list(books["zh"]["指标"].iter_rows(values_only=True))
    en_rows = list(books["en"]["Indicators"].iter_rows(values_only=True))
    assert "年度指标值" in zh_rows[0] and "annual target" in en_rows[0]
    assert not any(HAN.search(str(h)) for h in en_rows[0])
    assert zh_rows[1:] == en_rows[1:]  # the same figures under either header
    severities = {r[3] for r in books["en"]["Findings"].iter_rows(min_row=2, values_only=True)}
    assert severities <= {"error", "warning", "info"} and severities
    assert {r[3] for r in books["zh"]["问题"].iter_rows(min_row=2, values_only=True)} <= {"错误", "警告", "提示"}
    csvs = [(out / "findings.csv").read_text(encoding="utf-8-sig").splitlines()[0] for out, _e in runs.values()]
    assert csvs[0] == csvs[1] and csvs[0].startswith("source,department,year,finding,rule,severity")


def test_check_prints_its_blocks_in_the_language_asked(tmp_path):
    args = ("check", str(FIXTURES / "002_418cb45b50d16ad8.txt"), "--tagger", "rules")
    zh, en = _cli(*args, lang="zh"), _cli("--lang", "en", *args)
    assert zh.returncode == en.returncode == 0
    assert "应为 " in zh.stdout and "出处 " in zh.stdout and ("错误" in zh.stdout or "警告" in zh.stdout)
    assert "expected " in en.stdout and "evidence " in en.stdout and ("error" in en.stdout or "warning" in en.stdout)
    rule_lines = [[line.split()[2] for line in out.stdout.splitlines() if line[:1].isdigit() and ". " in line[:5]]
                  for out in (zh, en)]
    assert rule_lines[0] == rule_lines[1] and rule_lines[0]
