"""The `extractor` command, run as a user runs it."""

import json
import subprocess
import sys

from conftest import FIXTURES


def run(*args, env=None):
    import os

    return subprocess.run(
        [sys.executable, "-m", "extractor.cli", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_extract_writes_contract_json(tmp_path):
    out = tmp_path / "out.json"
    proc = run("extract", str(FIXTURES / "004_3a7665fe0dde1512.txt"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["year"] == 2020
    assert len(data["indicators"]) == 25 and data["funds"]["executed"] == 6457.48


def test_extract_table_format_prints_indicators():
    proc = run("extract", str(FIXTURES / "000_ca8b55daf8c6f90a.txt"), "--format", "table", env={"COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    assert "全市规模工业增加值增速" in proc.stdout and "总分" in proc.stdout


def test_bad_file_is_one_line_error_and_others_still_written(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj <<")
    proc = run("extract", str(bad), str(FIXTURES / "004_3a7665fe0dde1512.txt"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "broken.pdf" in errors[0]
    assert (tmp_path / "out" / "004_3a7665fe0dde1512.txt.json").exists()


def test_check_on_a_scan_shows_the_reading_confidence_of_the_evidence():
    proc = run("check", str(FIXTURES / "scanned" / "004_3a7665fe0dde1512.pdf"), "--tagger", "rules", env={"COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    assert "scores.actual_not_measured" in proc.stdout and "识读置信度0." in proc.stdout
