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
    assert "全市规模工业增加值增速" in proc.stdout and "total" in proc.stdout


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
    assert "scores.actual_not_measured" in proc.stdout and "OCR confidence 0." in proc.stdout


def _usage_cases(tmp_path):
    afile = tmp_path / "afile.txt"
    afile.write_text("x", encoding="utf-8")
    seed = str(FIXTURES / "004_3a7665fe0dde1512.txt")
    return [
        (("extract", seed, "--format", "tabel"), 2, "'tabel' is not one of 'json', 'table'"),
        (("check", seed, "--tagger", "foo"), 2, "--tagger foo: not default, model, rules, none or a model directory"),
        (("check", "--nope", seed), 2, "No such option: --nope"),
        (("run", str(tmp_path / "missing"), "--out", str(tmp_path / "o")), 2, "no such file or folder"),
        (("run", seed, "--out", str(afile)), 2, "a file, not a folder"),
        (("extract", seed, seed, "-o", str(afile)), 2, "several inputs need a folder"),
        (("schema", "-o", str(tmp_path / "missing" / "x.json")), 1, "cannot be written (No such file or directory)"),
        (("run",), 2, "Missing argument"),
    ]


def test_every_bad_usage_is_one_line_and_its_exit_code(tmp_path):
    for args, code, said in _usage_cases(tmp_path):
        proc = run(*args, env={"COLUMNS": "300"})
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == code and len(lines) == 1 and said in lines[0], (args, proc.returncode, proc.stderr)
        assert lines[0].startswith("error") and "Traceback" not in proc.stderr


def test_help_shows_flags_without_type_noise():
    proc = run("check", "--help", env={"COLUMNS": "120"})
    assert proc.returncode == 0 and "--all-verdicts" in proc.stdout and "<bool>" not in proc.stdout


def test_extract_skips_what_is_not_a_report_as_run_does(tmp_path):
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "004_3a7665fe0dde1512.txt", folder)
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "README.md").write_text("# notes\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run("extract", str(folder), "-o", str(out), "--tagger", "rules")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["004_3a7665fe0dde1512.txt.json"]
    assert f"skip {folder / 'notes.csv'}: not a report format (.csv)" in proc.stderr
    only_notes = tmp_path / "notes"
    only_notes.mkdir()
    (only_notes / "notes.csv").write_text("a\n", encoding="utf-8")
    proc = run("extract", str(only_notes))
    assert proc.returncode == 1 and "no report files to read" in proc.stderr


def test_run_of_an_empty_folder_says_so_and_writes_no_results(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.csv").write_text("a\n", encoding="utf-8")
    proc = run("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-progress")
    assert proc.returncode == 1 and "no report files in" in proc.stderr and "1 files that are not reports" in proc.stderr
    assert not (tmp_path / "out" / "index.html").exists() and not (tmp_path / "out" / "indicators.xlsx").exists()


def test_check_output_keeps_every_message_whole_at_80_columns(zh):
    from conftest import extracted
    from rich.console import Console

    from extractor.cli import _print_findings

    result = extracted("002_418cb45b50d16ad8.txt", tagger="rules")
    assert len(result.findings) > 5
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115 - recorded, not shown
    _print_findings(console, FIXTURES / "002_418cb45b50d16ad8.txt", result)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    joined = "".join(text.split())
    for f in result.findings:
        assert "".join(f.message.split()) in joined, f.message
        assert f"{f.rule}" in text
    # one block per finding, numbered, with the severity in words
    assert sum(1 for line in text.splitlines() if line[:1].isdigit() and ". " in line[:5]) == len(result.findings)
    assert "错误" in text or "警告" in text
