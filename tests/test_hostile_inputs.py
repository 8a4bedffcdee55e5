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
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=cwd, capture_output=True, text=True,
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
    folder, out, proc = hostile
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
    assert not re.search(r'(^|,)"?[=+@]', csv_text, re.M)


def test_check_prints_document_text_with_brackets_as_text(hostile):
    folder, _out, _proc = hostile
    for name in ("markup.txt", "broken[red]x[bold].txt"):
        proc = _cli("check", str(folder / name), "--tagger", "rules", cwd=folder)
        assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr[-400:]
    proc = _cli("extract", str(folder / "markup.txt"), "--tagger", "rules", "--format", "table", cwd=folder)
    assert proc.returncode == 0 and "[/bold]" in proc.stdout
