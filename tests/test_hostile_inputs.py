"""Hostile inputs end to end (issue 17): names, links, FIFOs and document text that try to leave their place.

Every file gets a result or one error line; nothing is read from outside the
folder given; no spreadsheet cell becomes a formula; no document text or file
name is taken for rich markup or a terminal escape; no traceback anywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.batch_corpus import FIXTURES

SEED = (FIXTURES / "004_3a7665fe0dde1512.txt").read_text(encoding="utf-8")
FORMULA = '=HYPERLINK("http://evil.example/x","点此")'
MARKUP = "规模工业[/bold]增加值[red]增速"
SECRET = "OUTSIDE-SECRET-MARKER-17"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=600, env=os.environ | {"COLUMNS": "200"})


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "in"
    folder.mkdir()
    (root / "secret.txt").write_text(SEED.replace("益阳", SECRET), encoding="utf-8")
    (folder / "formula.txt").write_text(SEED.replace("指标1：规模工业增加值增速", FORMULA, 1), encoding="utf-8")
    (folder / "markup.txt").write_text(SEED.replace("指标1：规模工业增加值增速", MARKUP, 1), encoding="utf-8")
    (folder / "broken[red]x[bold].txt").write_text(SEED, encoding="utf-8")
    (folder / "esc\x1b[31mred\nnext.txt").write_text(SEED, encoding="utf-8")
    (folder / "to-secret.txt").symlink_to(root / "secret.txt")
    (folder / "to-passwd.txt").symlink_to("/etc/passwd")
    os.mkfifo(folder / "pipe.txt")
    out = root / "out"
    proc = _cli("run", str(folder), "--out", str(out), "--tagger", "rules", "--workers", "1", "--no-progress", cwd=root)
    return folder, out, proc


def test_the_run_ends_and_reports_every_file_in_one_line(hostile):
    _folder, _out, proc = hostile
    assert proc.returncode == 1  # the refused files are errors
    assert "Traceback" not in proc.stderr and "Error:" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error ")]
    reasons = {re.sub(r"^error .*/in/", "", line) for line in errors}
    assert reasons == {"pipe.txt: not a regular file (a FIFO)",
                       "to-passwd.txt: a link to something outside the input folder (not followed)",
                       "to-secret.txt: a link to something outside the input folder (not followed)"}
    assert "4 documents extracted" in proc.stderr


def test_nothing_from_outside_the_folder_is_read(hostile):
    _folder, out, _proc = hostile
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and b"root:x:0:0" not in data, path


def test_control_characters_in_names_stay_on_their_line(hostile):
    _folder, out, proc = hostile
    assert "\x1b" not in proc.stderr and "\x1b" not in (out / "run.log").read_text(encoding="utf-8")
    for line in (out / "run.log").read_text(encoding="utf-8").splitlines():
        assert re.match(r"\d{4}-\d\d-\d\dT", line), line


def test_no_spreadsheet_cell_is_a_formula(hostile):
    _folder, out, _proc = hostile
    with zipfile.ZipFile(out / "indicators.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert any("HYPERLINK" in s for s in sheets), "the indicator with the formula text is in the sheet"
    assert not any("<f>" in s or "<f " in s for s in sheets)
    csv_text = (out / "findings.csv").read_text(encoding="utf-8-sig")
    assert not re.search(r'(^|,)"?[=+@]', csv_text, re.MULTILINE)


def test_check_prints_document_text_with_brackets_as_text(hostile):
    folder, _out, _proc = hostile
    for name in ("markup.txt", "broken[red]x[bold].txt"):
        proc = _cli("check", str(folder / name), "--tagger", "rules", cwd=folder)
        assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr[-400:]
    proc = _cli("extract", str(folder / "markup.txt"), "--tagger", "rules", "--format", "table", cwd=folder)
    assert proc.returncode == 0 and "[/bold]" in proc.stdout


# the store: one run at a time, a corrupt store moved aside, a killed run's unpacked files removed


def _small_run(tmp_path, out, console=None):
    from extractor.batch.runner import run

    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "r.txt").write_text(SEED, encoding="utf-8")
    return run([src], out, workers=1, tagger="rules", progress=False, console=console)


def test_two_runs_on_one_output_refuse_clearly(tmp_path):
    import fcntl

    from extractor.batch.runner import OutputInUse

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".extractor.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("4242")
        held.flush()
        with pytest.raises(OutputInUse, match=r"another extractor run \(pid 4242\)"):
            _small_run(tmp_path, out)
    assert _small_run(tmp_path, out).ok == 1  # free again once the other run ends


def test_a_corrupt_store_is_moved_aside_and_rebuilt(tmp_path):
    from rich.console import Console

    out = tmp_path / "out"
    out.mkdir()
    (out / "results.sqlite").write_bytes(b"this is not a database " * 100)
    console = Console(record=True, width=300)
    summary = _small_run(tmp_path, out, console)
    assert summary.ok == 1
    aside = list(out.glob("results.sqlite.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    said = console.export_text()
    assert "not a readable store" in said and aside[0].name in said
    assert "not a readable store" in (out / "run.log").read_text(encoding="utf-8")


def test_a_killed_runs_unpacked_files_are_removed_at_the_next_start(tmp_path):
    import tempfile

    from extractor.batch.runner import WORKDIR_PREFIX

    dead = Path(tempfile.gettempdir()) / f"{WORKDIR_PREFIX}999999999-test"
    (dead / "x").mkdir(parents=True, exist_ok=True)
    alive = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    try:
        _small_run(tmp_path, tmp_path / "out")
        assert not dead.exists()
        assert alive.exists()  # a live process's folder is left alone
    finally:
        import shutil

        shutil.rmtree(alive, ignore_errors=True)
        shutil.rmtree(dead, ignore_errors=True)


def test_a_full_disk_stops_the_run_with_one_line_and_a_consistent_store(tmp_path):
    import shutil
    import sqlite3

    disk = tmp_path / "small-disk"
    disk.mkdir()
    # a 3 MB file system: the store of the seeds fits, their pages and JSON do not
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True, check=False).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        src = tmp_path / "src"
        src.mkdir()
        for p in sorted(FIXTURES.glob("00*.txt")) + sorted(FIXTURES.glob("00*.docx")):
            shutil.copy(p, src / p.name)
        proc = _cli("run", str(src), "--out", str(disk / "out"), "--tagger", "rules", "--workers", "1", "--no-progress",
                    cwd=tmp_path)
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr
        assert [line for line in proc.stderr.splitlines() if line.strip()][-1].endswith(
            "no space left on the disk; every file finished before is kept in the store, and a rerun goes on from there")
        db = sqlite3.connect(disk / "out" / "results.sqlite")
        assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert db.execute("select count(*) from documents where status = 'ok'").fetchone()[0] == len(list(src.iterdir()))
        db.close()
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True, check=False)


PEER = FIXTURES / "peer-bad-inputs"
# an error line that names an exception class, holds a traceback or ends without a reason (eval/bench_hostile.py)
UNCLEAR = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Exit)\b|Traceback|: *$|\(\s*\)$")
SUMMARY = re.compile(r"^(\d+ documents extracted, |audit pages: |workbook: |findings for machines: |results store: )")


@pytest.fixture(scope="module")
def peer_run(tmp_path_factory):
    """65 broken files of other projects' test suites (SOURCES.md there) and two good reports after them."""
    import shutil

    root = tmp_path_factory.mktemp("peer")
    folder = root / "in"
    shutil.copytree(PEER, folder / "peer", ignore=shutil.ignore_patterns("SOURCES.md"))
    (folder / "zz-good").mkdir()
    for name in ("004_3a7665fe0dde1512.txt", "001_ec7b4c7cefe3081c.docx"):
        shutil.copy(FIXTURES / name, folder / "zz-good" / name)
    out = root / "out"
    proc = _cli("run", str(folder), "--out", str(out), "--tagger", "rules", "--workers", "2", "--no-progress", cwd=root)
    return folder, out, proc


def test_every_peer_file_is_a_result_or_one_clear_line(peer_run):
    import sqlite3

    folder, out, proc = peer_run
    assert "Traceback" not in proc.stderr
    for line in proc.stderr.splitlines():
        assert line.startswith(("error ", "warning ")) or SUMMARY.match(line), line
        assert not UNCLEAR.search(line), line
    files = [p for p in folder.rglob("*") if p.is_file()]
    con = sqlite3.connect(out / "results.sqlite")
    stored = dict(con.execute("select source, status from documents").fetchall())
    log = (out / "run.log").read_text(encoding="utf-8")
    skipped = {line.split(" skip ", 1)[1].split(": ", 1)[0] for line in log.splitlines() if " skip " in line}
    assert {str(p) for p in files} == set(stored) | skipped  # every file accounted for, once
    assert not set(stored) & skipped
    assert all(stored[str(folder / "zz-good" / name)] == "ok" for name in ("004_3a7665fe0dde1512.txt", "001_ec7b4c7cefe3081c.docx"))
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == sum(s == "error" for s in stored.values()) > 10


def test_library_warnings_stay_with_the_file_that_caused_them(peer_run, tmp_path):
    import json

    folder, out, proc = peer_run
    pdf = folder / "peer" / "pdfminer__pdfminer.six" / "samples__simple3.pdf"
    assert "Could not get FontBBox" not in proc.stderr  # pdfminer's warning, which names no file
    log = (out / "run.log").read_text(encoding="utf-8")
    assert f"library {pdf}: pdfminer: Could not get FontBBox" in log
    stored = json.loads(next((out / "json").glob(f"{pdf.name}.*.json")).read_text(encoding="utf-8"))
    assert any(w.startswith("library: pdfminer: Could not get FontBBox") for w in stored["warnings"])
    # extract and check read a file by the same code: the warning goes into its JSON, not onto stderr
    single = _cli("extract", str(pdf), "--tagger", "none", "-o", str(tmp_path / "one.json"), cwd=tmp_path)
    assert single.returncode == 0 and "Could not get FontBBox" not in single.stderr
    warned = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))["warnings"]
    assert any(w.startswith("library: pdfminer: Could not get FontBBox") for w in warned)


def test_extract_and_check_stop_a_file_at_its_time_limit_and_go_on(tmp_path):
    # 90 pages (a seed report five times over) take several seconds; the one-second limit stops that
    # file alone, as `run` would
    from pypdf import PdfWriter

    slow, fast = tmp_path / "long.pdf", FIXTURES / "004_3a7665fe0dde1512.txt"
    writer = PdfWriter()
    for _ in range(5):
        writer.append(FIXTURES / "002_418cb45b50d16ad8.pdf")
    writer.write(slow)
    out = tmp_path / "o"
    proc = _cli("extract", str(slow), str(fast), "--tagger", "rules", "--timeout", "1", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error ")]
    assert errors == [f"error {slow}: stopped after the 1 s time limit"]
    assert [p.name for p in out.iterdir()] == [f"{fast.name}.json"]
    checked = _cli("check", str(slow), str(fast), "--json", "--tagger", "rules", "--timeout", "1", cwd=tmp_path)
    assert checked.returncode == 1 and f"error {slow}: stopped after the 1 s time limit" in checked.stderr
    assert [json_line.split('"path": ')[1].split(",")[0] for json_line in checked.stdout.splitlines()] == [f'"{fast}"']
    # without the limit the same file is read
    assert _cli("extract", str(slow), "--tagger", "rules", "--timeout", "0", "-o", str(tmp_path / "s.json"), cwd=tmp_path).returncode == 0
