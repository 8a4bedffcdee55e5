"""`extractor run` end to end: store, resume, bad files, outputs; and a SIGKILL in the middle.

The store tests run twice: on SQLite (the default) and on a real PostgreSQL server (`--db`)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.batch.runner import run
from tests.batch_corpus import FIXTURES, bad_corpus, zip_members

LAYOUTS = Path(__file__).resolve().parent / "layouts"

ROOT = Path(__file__).resolve().parent.parent
TXT = sorted(FIXTURES.glob("*.txt"))


class _Rows(list):
    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


class _Db:
    """A run's store through SQLAlchemy, whichever database holds it; `execute` reads as sqlite3's does."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.url = url
        self.engine = create_engine(url)

    def execute(self, sql: str, params: tuple = ()) -> _Rows:
        from sqlalchemy import text

        for i in range(len(params)):
            sql = sql.replace("?", f":p{i}", 1)
        with self.engine.connect() as con:
            return _Rows(tuple(r) for r in con.execute(text(sql), {f"p{i}": v for i, v in enumerate(params)}))


# a file changed between runs is stored again as a new version; the outputs show the latest one
LATEST = "doc_id in (select max(id) from documents group by source)"


def _db(out: Path, url: str | None = None) -> _Db:
    return _Db(url or f"sqlite:///{out / 'results.sqlite'}")


def run_zh(*args, **kwargs):
    """A run in the users' default interface, Chinese: the workbook and pages tests read its words."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXTRACTOR_LANG", "zh")
        return run(*args, **kwargs)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus_run(request, tmp_path_factory):
    """The five text dumps and a zip holding one DOCX, run once with two workers, in each kind of store."""
    src = tmp_path_factory.mktemp("in")
    for p in TXT:
        shutil.copy(p, src / p.name)
    zip_members(src / "批次.zip", {
        "工信局/001.docx": (FIXTURES / "001_ec7b4c7cefe3081c.docx").read_bytes(),
        # three project forms of another province's family in one file
        "农业农村局/项目自评.html": (LAYOUTS / "sichuan-dept-project-a.html").read_bytes(),
    })
    out = tmp_path_factory.mktemp("out")
    url = request.getfixturevalue("postgres").database() if request.param == "postgresql" else None
    summary = run_zh([src], out, workers=2, db=url, progress=False)
    return src, out, summary, _db(out, url)


def test_every_file_stored_once_with_its_parts(corpus_run):
    src, out, summary, con = corpus_run
    assert (summary.ok, summary.failed) == (7, 0)
    docs = con.execute("select source, status, n_indicators, n_findings, department, year from documents").fetchall()
    assert len(docs) == 7 and all(d[1] == "ok" for d in docs)
    assert f"{src / '批次.zip'}!/工信局/001.docx" in {d[0] for d in docs}
    for source, _s, n_ind, n_find, dept, year in docs:
        stored = json.loads(next((out / "json").glob(f"{Path(source.replace('!/', '/')).name}.*.json")).read_text(encoding="utf-8"))
        assert stored["source"]["path"] == source
        assert len(stored["indicators"]) == n_ind and len(stored["findings"]) == n_find
        assert (stored["department"], stored["year"]) == (dept, year)
        (n_rows,) = con.execute("select count(*) from indicators i join documents d on d.id=i.doc_id where d.source=?", (source,)).fetchone()
        assert n_rows == n_ind
    if con.url.startswith("sqlite"):
        assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    # the summary counts what the store holds, the cross-year findings included
    assert summary.findings + summary.findings_across == con.execute("select count(*) from findings").fetchone()[0]
    # the same report as text and as DOCX gives the same indicators
    n = dict(con.execute("select source, n_indicators from documents").fetchall())
    assert n[str(src / "001_ec7b4c7cefe3081c.txt")] == n[f"{src / '批次.zip'}!/工信局/001.docx"] > 0


def test_rerun_skips_done_files_and_duplicates_nothing(corpus_run):
    src, out, _first, con = corpus_run
    db = None if con.url.startswith("sqlite") else con.url
    again = run_zh([src], out, workers=2, db=db, progress=False)
    assert again.skipped_done == 7 and again.processed == 0
    assert con.execute("select count(*) from documents").fetchone()[0] == 7
    # a changed file is run again as a new version of that source
    changed = src / "002_418cb45b50d16ad8.txt"
    changed.write_bytes(changed.read_bytes() + b"\n")
    third = run_zh([src], out, workers=1, db=db, progress=False)
    assert third.processed == 1 and third.skipped_done == 6
    # both versions are stored; the pages list the file once, as it is now
    assert con.execute("select count(*) from documents where source = ?", (str(changed),)).fetchone()[0] == 2
    assert (out / "index.html").read_text(encoding="utf-8").count(f">{changed}</a>") == 1


def _sheet(wb, name):
    ws = wb[name]
    header = [c.value for c in ws[1]]
    return ws, header, [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_workbook_for_the_analyst(corpus_run):
    from openpyxl import load_workbook

    src, out, _, con = corpus_run
    wb = load_workbook(out / "indicators.xlsx")
    assert wb.sheetnames == ["汇总", "文档", "指标", "问题", "资金来源"]
    for ws in wb.worksheets:  # printed landscape, one page wide, the header on every page
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$1"
        assert ws.freeze_panes == "B2" and ws.auto_filter.ref.startswith("A1:")
    # 文档: one row per document, its funds and findings, a link to its page, the full path last
    ws, header, docs = _sheet(wb, "文档")
    assert header[0] == "文档" and header[-1] == "文件" and len(docs) == len({d["文件"] for d in docs}) == 7
    stored = {r[0]: r for r in con.execute("select source, n_findings, n_errors, department, year from documents "
                                           "where id in (select max(id) from documents group by source)").fetchall()}
    for d in docs:
        _s, n_findings, n_errors, dept, year = stored[d["文件"]]
        assert d["错误"] == n_errors and d["错误"] + d["警告"] + d["提示"] == n_findings
        assert (d["单位"], d["年度"]) == (dept, year)
        assert (out / d["审核页"]).is_file()
    links = [c.hyperlink.target for c in ws[chr(ord("A") + header.index("审核页"))][1:]]
    assert all(t and t.startswith("pages/") for t in links)
    seed004 = next(d for d in docs if d["文件"].endswith("004_3a7665fe0dde1512.txt"))
    assert (seed004["全年执行"], seed004["执行率"], seed004["总分值"]) == (6457.48, "90%", 100)
    # the same report as text and as DOCX (seed 001) is one report, counted once
    same = [d for d in docs if d["同一报告"]]
    assert {Path(d["文件"].replace("!/", "/")).stem for d in same} == {"001_ec7b4c7cefe3081c", "001"}
    assert sorted(d["计入汇总"] for d in same) == ["否", "是"]
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["报告（同一报告的多种格式计一份）"] == 6 and summary["文件"] == 7
    # 指标: every indicator, numbers and comparator in their own columns
    _ws, header, inds = _sheet(wb, "指标")
    assert len(inds) == con.execute(f"select count(*) from indicators where {LATEST}").fetchone()[0] > 50
    at_least = [r for r in inds if r["年度指标值"] and r["年度指标值"].startswith("≥") and r["指标值下限"] is not None]
    assert at_least and all(r["指标值上限"] is None and isinstance(r["指标值下限"], float | int) for r in at_least)
    sichuan = [r for r in inds if r["文件"].endswith("项目自评.html")]
    assert {r["表式"] for r in sichuan} == {"sichuan-dept-project"} and len({r["项目"] for r in sichuan}) == 3
    # 问题: every finding, severity in words, places a reader can find
    _ws, header, finds = _sheet(wb, "问题")
    assert len(finds) == con.execute(f"select count(*) from findings where {LATEST}").fetchone()[0]
    assert {r["级别"] for r in finds} <= {"错误", "警告", "提示"}
    assert any("第" in r["出处"] and "列〔" in r["出处"] for r in finds)
    assert not any(re.search(r"\bt\d+ r\d+ c\d+\b", r["出处"] or "") for r in finds)
    # 资金来源: each source of each form's budget block
    _ws, header, funds = _sheet(wb, "资金来源")
    assert any(r["资金来源"] == "一般公共预算" for r in funds if r["文件"].endswith("004_3a7665fe0dde1512.txt"))


def test_findings_csv_and_index(corpus_run):
    _src, out, _, con = corpus_run
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == con.execute(f"select count(*) from findings where {LATEST}").fetchone()[0] > 0
    assert {"source", "rule", "severity", "message", "evidence"} <= set(rows[0])
    index = (out / "index.html").read_text(encoding="utf-8")
    # most serious first: the documents appear in order of worst severity, then finding count
    order = [r[0] for r in con.execute("select source from documents order by worst desc, n_findings desc, source")]
    positions = [index.index(f">{s}</a>") for s in order]
    assert positions == sorted(positions)
    assert "http://" not in index and "https://" not in index


def test_document_page_names_each_form_and_its_layout(corpus_run):
    _src, out, _, _con = corpus_run
    page = next(p for p in (out / "pages").glob("*.html") if "项目自评" in p.name).read_text(encoding="utf-8")
    forms = re.findall(r'<div class="form">表式 \d+： <b>([a-z-]+)</b> · ([^<·]+)', page)
    assert [f for f, _ in forms] == ["sichuan-dept-project"] * 3 and len({p for _, p in forms}) == 3
    assert "主管部门" in page


def test_pages_escape_document_text_and_work_offline(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (FIXTURES / "004_3a7665fe0dde1512.txt").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    text = first + "\n说明<script>alert('x')</script><img src=x onerror=alert(1)>：全年走访企业572家。\n" + rest
    (src / "evil.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run([src], out, workers=1, progress=False)
    page = next((out / "pages").glob("evil.txt.*.html")).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in page
    # the page's own script (scrolling to evidence) is the only one; the text's is shown, not run
    assert page.count("<script") == 1 and "<img" not in page
    assert "http://" not in page and "https://" not in page and "<link" not in page


def test_bad_files_mixed_in(tmp_path, store_url):
    corpus = tmp_path / "corpus"
    expect = bad_corpus(corpus)
    before = sorted(p.name for p in tmp_path.iterdir())
    corpus_before = sorted(p.name for p in corpus.rglob("*"))
    out = tmp_path / "out"
    summary = run([corpus], out, workers=2, db=store_url, progress=False)
    con = _db(out, store_url)
    stored = dict(con.execute("select source, status from documents").fetchall())
    for source, outcome in expect.items():
        if outcome == "skip":
            assert source not in stored
        else:
            assert stored.get(source) == outcome, source
    errors = dict(con.execute("select d.source, e.message from errors e join documents d on d.id=e.doc_id").fetchall())
    assert set(errors) == {s for s, o in expect.items() if o == "error"}
    for source, message in errors.items():
        assert message.startswith(source + ": ") and "\n" not in message and "Traceback" not in message
    assert summary.ok == 3 and summary.failed == len(errors)
    # nothing outside OUT: the corpus folder and its parent hold what they held
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before + ["out"])
    assert not (tmp_path / "escaped.txt").exists() and not Path("/etc/evil.txt").exists()
    assert sorted(p.name for p in corpus.rglob("*")) == corpus_before
    log = (out / "run.log").read_text(encoding="utf-8")
    assert "notes.csv: not a report format" in log
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "encrypted.pdf" in index and "Files that could not be read" in index


def test_cli_run_exit_code_and_summary(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "000_ca8b55daf8c6f90a.txt", src)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "run", str(src), "--out", str(tmp_path / "out"),
                           "--workers", "1", "--no-progress"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1
    assert "1 documents extracted, 1 could not be read" in proc.stderr
    assert f"error {src / 'broken.pdf'}: " in proc.stderr and "Traceback" not in proc.stderr
    assert "audit pages: " in proc.stderr


def test_sigkill_mid_run_then_resume_stores_every_file_exactly_once(tmp_path, store_url):
    src = tmp_path / "in"
    src.mkdir()
    n = 0
    for copy in range(4):
        for p in TXT:
            data = p.read_bytes() + f"\n副本{copy}\n".encode()
            (src / f"c{copy}_{p.name}").write_bytes(data)
            n += 1
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "extractor.cli", "run", str(src), "--out", str(out), "--workers", "2", "--no-progress"]
    if store_url:
        cmd += ["--db", store_url]
    con = _db(out, store_url)
    kills = 0
    for threshold in (3, 9):
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            try:
                stored = con.execute("select count(*) from documents").fetchone()[0]
            except Exception:  # noqa: BLE001, S112 - the store does not exist yet
                continue
            if stored >= threshold:
                os.killpg(proc.pid, signal.SIGKILL)  # the runner and its workers, no chance to clean up
                kills += 1
                break
        proc.wait(timeout=60)
    assert kills == 2
    partial = con.execute("select count(*) from documents").fetchone()[0]
    assert 9 <= partial < n
    final = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    rows = con.execute("select source, count(*) from documents group by source").fetchall()
    assert len(rows) == n and all(c == 1 for _s, c in rows)
    assert con.execute("select count(*) from documents where status='ok'").fetchone()[0] == n
    assert len(list((out / "json").glob("*.json"))) == n and len(list((out / "pages").glob("*.html"))) == n
    assert not list(out.rglob("*.tmp"))


def test_db_url_points_the_store_elsewhere(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "001_ec7b4c7cefe3081c.txt", src)
    other = tmp_path / "elsewhere.sqlite"
    out = tmp_path / "out"
    summary = run([src], out, workers=1, db=f"sqlite:///{other}", progress=False)
    assert summary.ok == 1
    assert not (out / "results.sqlite").exists()
    con = sqlite3.connect(other)
    assert con.execute("select count(*) from documents").fetchone()[0] == 1
    assert con.execute("select count(*) from indicators").fetchone()[0] > 0
    assert (out / "indicators.xlsx").exists() and len(list((out / "json").glob("*.json"))) == 1


def test_scanned_report_in_a_worker_keeps_cause_and_confidence_of_its_findings(tmp_path):
    # OCR inside a capped worker (4 GB address space, OpenVINO on every core), and what it says reaches the csv
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "scanned" / "004_3a7665fe0dde1512.pdf", src / "扫描件.pdf")
    out = tmp_path / "out"
    summary = run([src], out, workers=1, tagger="rules", progress=False)
    assert summary.ok == 1
    (doc,) = list((out / "json").glob("*.json"))
    findings = {f["id"]: f for f in json.loads(doc.read_text(encoding="utf-8"))["findings"]}
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(findings)
    read = [r for r in rows if r["confidence"]]
    assert read and all(r["cause"] in ("misread", "report") or findings[r["finding"]]["verdict"] != "contradicted"
                        for r in read)
    for r in rows:
        f = findings[r["finding"]]
        assert r["cause"] == (f.get("cause") or "")
        assert (float(r["confidence"]) if r["confidence"] else None) == f.get("confidence")
    # and the audit page says it beside the finding
    (page,) = list((out / "pages").glob("*.html"))
    html = page.read_text(encoding="utf-8")
    for r in read:
        assert f"OCR confidence {float(r['confidence']):.2f}" in html
        assert not r["cause"] or f"cause: {r['cause']}" in html


def test_an_older_store_gets_the_columns_added_since(tmp_path):
    from extractor.batch.store import Store

    db = tmp_path / "old.sqlite"
    Store(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE findings DROP COLUMN cause")
    con.execute("ALTER TABLE findings DROP COLUMN confidence")
    con.commit()
    con.close()
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "001_ec7b4c7cefe3081c.txt", src)
    summary = run([src], tmp_path / "out", workers=1, tagger="rules", db=f"sqlite:///{db}", progress=False)
    assert summary.ok == 1
    con = sqlite3.connect(db)
    assert {"cause", "confidence"} <= {r[1] for r in con.execute("pragma table_info(findings)")}
    assert con.execute("select count(*) from findings").fetchone()[0] > 0


def test_reports_of_one_department_in_consecutive_years_are_compared(corpus_run):
    """002 (岳阳市工信局, 2021) and 000 (岳阳市工业和信息化局, 2022): the 2022 report carries the cross-year finding."""
    _src, out, _, con = corpus_run
    rows = con.execute("select d.source, f.rule, f.found from findings f join documents d on d.id = f.doc_id "
                       "where f.rule like 'across.%'").fetchall()
    assert [(Path(s).name, r, f) for s, r, f in rows] == [("000_ca8b55daf8c6f90a.txt", "across.target_below_last_actual", "150家")]
    n, stored = con.execute("select n_findings, (select count(*) from findings where doc_id = documents.id) from documents "
                            "where source like '%000_ca8b55daf8c6f90a.txt'").fetchone()
    assert n == stored
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        across = [r for r in csv.DictReader(fh) if r["rule"].startswith("across.")]
    assert len(across) == 1 and "002_418cb45b50d16ad8.txt:" in across[0]["evidence"]


def test_a_cross_year_finding_names_the_other_report_on_the_page_and_marks_nothing_of_it(corpus_run):
    _src, out, _, _con = corpus_run
    page = next((out / "pages").glob("000_ca8b55daf8c6f90a.txt.*.html")).read_text(encoding="utf-8")
    assert "across.target_below_last_actual" in page and "002_418cb45b50d16ad8.txt：204家" in page
    stored = json.loads(next((out / "json").glob("000_ca8b55daf8c6f90a.txt.*.json")).read_text(encoding="utf-8"))
    [f] = [f for f in stored["findings"] if f["rule"].startswith("across.")]
    assert {Path(e["document"]).name for e in f["evidence"]} == {"000_ca8b55daf8c6f90a.txt", "002_418cb45b50d16ad8.txt"}
