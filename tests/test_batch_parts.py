"""Outputs of a large store split into parts by year and unit (batch/parts.py).

The split must say the same as the whole: the same findings, the same summary, every
link leading to a file; and a run must rewrite only the parts whose documents changed."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from extractor.batch import reports
from extractor.batch.store import Store
from tests.batch_corpus import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in FIXTURES.glob("0*") if p.suffix in (".txt", ".docx", ".pdf"))


@pytest.fixture(scope="module")
def split_run(tmp_path_factory):
    """The 15 fixtures run once with --split-at 4 (split), the CLI's own words kept."""
    out = tmp_path_factory.mktemp("split")
    r = subprocess.run([sys.executable, "-m", "extractor.cli", "run", *map(str, FILES), "--out", str(out), "--tagger",
                        "rules", "--no-progress", "--split-at", "4"],
                       capture_output=True, text=True, env={**os.environ, "EXTRACTOR_LANG": "en"}, cwd=ROOT, check=False)
    assert r.returncode == 0, r.stderr
    return out, r.stderr


@pytest.fixture()
def whole(split_run, tmp_path):
    """The same store's outputs written whole, in a folder of their own."""
    out = tmp_path / "whole"
    shutil.copytree(split_run[0], out, ignore=shutil.ignore_patterns("parts", "*.xlsx", "*.csv", "index.html", "*.lock"))
    store = Store.at(out)
    pipeline = store.documents()[0].pipeline
    reports.write_all(store, out, pipeline, set())
    store.close()
    assert not (out / "parts").exists()
    return out


def _csv_rows(path: Path) -> list[tuple]:
    return [tuple(r) for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))]


def _sheet(path: Path, name: str) -> list[tuple]:
    return [tuple(r) for r in load_workbook(path, read_only=True)[name].iter_rows(values_only=True)]


def test_the_run_says_it_split_and_where(split_run):
    out, stderr = split_run
    assert "15 documents: the spreadsheet, the findings CSV and the document lists are split into" in stderr
    n = int(re.search(r"split into (\d+) parts", stderr).group(1))
    manifest = json.loads((out / "parts" / "manifest.json").read_text(encoding="utf-8"))
    assert n == len(manifest["parts"]) >= 4
    assert f"parts by year and unit: {out / 'parts'}" in stderr
    assert "outputs 15 documents" in (out / "run.log").read_text(encoding="utf-8")


def test_split_findings_are_the_whole_findings(split_run, whole):
    split_rows, whole_rows = _csv_rows(split_run[0] / "findings.csv"), _csv_rows(whole / "findings.csv")
    assert split_rows[0] == whole_rows[0] == tuple(reports.FINDINGS_HEADER)
    assert len(whole_rows) > 100
    assert Counter(split_rows[1:]) == Counter(whole_rows[1:])
    parts = sorted((split_run[0] / "parts").glob("*/*.csv"))
    assert sum(len(_csv_rows(p)) - 1 for p in parts) == len(whole_rows) - 1


def test_split_summary_and_sheets_add_up_to_the_whole(split_run, whole):
    out = split_run[0]
    assert _sheet(out / "indicators.xlsx", "Summary") == _sheet(whole / "indicators.xlsx", "Summary")
    for sheet in ("Indicators", "Findings", "Fund sources"):
        whole_rows = _sheet(whole / "indicators.xlsx", sheet)
        part_rows = [r for p in sorted((out / "parts").glob("*/*.xlsx")) for r in _sheet(p, sheet)[1:]]
        assert Counter(part_rows) == Counter(whole_rows[1:]), sheet
    parts = _sheet(out / "indicators.xlsx", "Parts")
    assert sum(r[2] for r in parts[1:]) == 15  # files
    assert sum(r[3] for r in parts[1:]) == 5  # reports: each of the five in three formats counted once


def test_every_link_of_the_split_leads_to_a_file(split_run):
    out = split_run[0]
    pages = [out / "index.html", *(out / "parts").glob("*/*.html")]
    seen = 0
    for page in pages:
        for href in re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / unquote(href)).resolve().exists(), (page, href)
            seen += 1
    assert seen > 15 + 5
    wb = load_workbook(out / "indicators.xlsx")
    links = [c.hyperlink.target for row in wb["Parts"].iter_rows(min_row=2) for c in row if c.hyperlink]
    assert len(links) == len(list((out / "parts").glob("*/*.xlsx")))
    assert all((out / link).exists() for link in links)
    first = min((out / "parts").glob("*/*.xlsx"))
    doc_links = [c.hyperlink.target for row in load_workbook(first)["Documents"].iter_rows(min_row=2) for c in row
                 if c.hyperlink]
    assert doc_links and all((first.parent / t).resolve().exists() for t in doc_links)


def _mtimes(out: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (out / "parts").rglob("*") if p.is_file() and p.name != "manifest.json"}


def test_only_the_changed_part_is_written_again(split_run, tmp_path):
    out = tmp_path / "again"
    shutil.copytree(split_run[0], out, ignore=shutil.ignore_patterns("*.lock"))
    store = Store.at(out)
    pipeline = store.documents()[0].pipeline
    said: list[str] = []
    before = _mtimes(out)
    reports.write_all(store, out, pipeline, set(), split_at=4, say=said.append)
    assert "(0 rewritten by this run)" in said[-1]
    assert _mtimes(out) == before

    # one document stored anew: its part and its year's page change, nothing else
    doc = next(d for d in store.documents(pipeline) if d.year == 2020)
    reports.write_all(store, out, pipeline, {doc.id}, split_at=4, say=said.append)
    assert "(1 rewritten by this run)" in said[-1]
    after = _mtimes(out)
    changed = sorted(p.relative_to(out / "parts").as_posix() for p in after if after[p] != before[p])
    assert changed and all(c.startswith("2020/") for c in changed)
    assert "2020/index.html" in changed
    store.close()


def test_a_part_whose_documents_are_gone_is_removed(split_run, tmp_path):
    out = tmp_path / "gone"
    shutil.copytree(split_run[0], out, ignore=shutil.ignore_patterns("*.lock"))
    db = sqlite3.connect(out / "results.sqlite")
    db.execute("pragma foreign_keys = on")
    db.execute("delete from documents where year = 2020")
    db.commit()
    db.close()
    store = Store.at(out)
    pipeline = store.documents()[0].pipeline
    reports.write_all(store, out, pipeline, set(), split_at=4)
    store.close()
    assert not (out / "parts" / "2020").exists() or not list((out / "parts" / "2020").glob("*"))
    assert "2020" not in json.dumps([p["year"] for p in json.loads(
        (out / "parts" / "manifest.json").read_text(encoding="utf-8"))["parts"].values()])
    assert "parts/2020/" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_store_under_the_split_size_again_leaves_no_parts(split_run, tmp_path):
    out = tmp_path / "back"
    shutil.copytree(split_run[0], out, ignore=shutil.ignore_patterns("*.lock"))
    store = Store.at(out)
    reports.write_all(store, out, store.documents()[0].pipeline, set(), split_at=100)
    store.close()
    assert not (out / "parts").exists()
    assert "Documents" in load_workbook(out / "indicators.xlsx", read_only=True).sheetnames


def test_a_workbook_past_excels_row_limit_is_split_and_the_run_says_so(split_run, tmp_path, monkeypatch):
    out = tmp_path / "rows"
    shutil.copytree(split_run[0], out, ignore=shutil.ignore_patterns("parts", "*.lock"))
    monkeypatch.setattr(reports, "EXCEL_ROWS", 100)  # the fixtures' 309 indicators pass it
    store = Store.at(out)
    said: list[str] = []
    paths = reports.write_all(store, out, store.documents()[0].pipeline, set(), split_at=1000, say=said.append)
    store.close()
    assert "parts" in paths
    assert said and said[0].startswith("one spreadsheet would pass Excel's limit of 100 rows")
    assert "Parts" in load_workbook(out / "indicators.xlsx", read_only=True).sheetnames


def test_parts_written_by_a_pool_of_processes_are_the_same(split_run, tmp_path, monkeypatch):
    from extractor.batch import parts

    written = {}
    for name, pool_from in (("serial", 10**9), ("pool", 1)):
        out = tmp_path / name
        shutil.copytree(split_run[0], out, ignore=shutil.ignore_patterns("parts", "*.lock", "*.xlsx", "*.csv", "index.html"))
        monkeypatch.setattr(parts, "POOL_FROM", pool_from)
        store = Store.at(out)
        reports.write_all(store, out, store.documents()[0].pipeline, set(), split_at=4)
        store.close()
        written[name] = out
    a, b = (json.loads((written[k] / "parts" / "manifest.json").read_text(encoding="utf-8"))["parts"] for k in written)
    assert a == b and len(a) >= 4
    assert _csv_rows(written["serial"] / "findings.csv") == _csv_rows(written["pool"] / "findings.csv")
    for xlsx in (written["serial"] / "parts").glob("*/*.xlsx"):
        twin = written["pool"] / "parts" / xlsx.relative_to(written["serial"] / "parts")
        assert _sheet(xlsx, "Findings") == _sheet(twin, "Findings")
