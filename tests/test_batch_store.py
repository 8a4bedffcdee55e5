"""The results store on SQLite and on a real PostgreSQL server: text any database takes, one run per
store, and a store that cannot be opened said in one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from extractor.batch.runner import run
from extractor.batch.store import Store, StoreUnavailable, source_label
from tests.batch_corpus import FIXTURES, zip_members

ROOT = Path(__file__).resolve().parent.parent
SEED = FIXTURES / "004_3a7665fe0dde1512.txt"


def _url(out: Path, store_url: str | None) -> str:
    return store_url or f"sqlite:///{out / 'results.sqlite'}"


def _rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            return [tuple(r) for r in con.execute(text(sql))]
    finally:
        engine.dispose()


def test_a_member_path_longer_than_the_column_is_stored_under_one_stable_label(tmp_path, store_url):
    # zip member paths have no length limit; PostgreSQL enforces the column's 1024 characters
    src = tmp_path / "in"
    src.mkdir()
    deep = "/".join(f"第{i}层目录名称比较长的部门文件夹" for i in range(90)) + "/自评报告.txt"
    zip_members(src / "long.zip", {deep: SEED.read_bytes(), "短/自评报告.txt": SEED.read_bytes() + b"\n"})
    out = tmp_path / "out"
    first = run([src], out, workers=1, tagger="rules", db=store_url, progress=False)
    assert (first.ok, first.failed) == (2, 0)
    sources = [s for (s,) in _rows(_url(out, store_url), "select source from documents")]
    long_label = source_label(f"{src / 'long.zip'}!/{deep}")
    assert long_label in sources and len(long_label) <= 1024 and long_label.endswith("/自评报告.txt")
    # the label is the same on the next run, so the file counts as done
    again = run([src], out, workers=1, tagger="rules", db=store_url, progress=False)
    assert again.skipped_done == 2 and again.processed == 0


def test_text_no_database_takes_is_fitted_not_refused(tmp_path, store_url):
    from extractor.pipeline import extract

    url = store_url or f"sqlite:///{tmp_path / 'r.sqlite'}"
    ex = extract(SEED, tagger="none")
    ex.department = "益阳市\x00工业和信息化局" + "附属单位" * 100  # NUL and far beyond the column's 256
    ex.indicators[0].name = "规模工业\x00增加值增速"
    store = Store(url)
    ok = {"source": "nul.txt", "sha256": "a" * 64, "status": "ok", "extraction": ex.model_dump_json()}
    bad = {"source": "bad.pdf", "sha256": "b" * 64, "status": "error", "error_kind": "unreadable",
           "error": "bad.pdf: not a readable PDF (\x00 in its trailer)"}
    assert store.save(ok, "p") and store.save(bad, "p")
    assert store.save(ok, "p") is None  # stored once
    store.close()
    (dept,) = _rows(url, "select department from documents where source = 'nul.txt'")[0]
    assert dept.startswith("益阳市\ufffd工业和信息化局") and len(dept) == 256 and dept.endswith("…")
    names = [n for (n,) in _rows(url, "select name from indicators")]
    assert "规模工业\ufffd增加值增速" in names
    assert _rows(url, "select message from errors") == [("bad.pdf: not a readable PDF (\ufffd in its trailer)",)]


def test_two_runs_on_one_postgresql_store_refuse_clearly(postgres, tmp_path):
    # a server store is shared by runs of different OUT folders, so the lock on OUT does not cover it
    url = postgres.database()
    first = Store(url)
    first.claim()
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.txt").write_bytes(SEED.read_bytes())
    with pytest.raises(StoreUnavailable, match="another extractor run is writing to this store"):
        run([src], tmp_path / "out", workers=1, tagger="rules", db=url, progress=False)
    first.close()  # the lock goes with the session
    assert run([src], tmp_path / "out", workers=1, tagger="rules", db=url, progress=False).ok == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("db", "said"), [
    (f"postgresql://extractor:secret@127.0.0.1:{_closed_port()}/x", "cannot open the store (connection failed"),
    ("mysql://a@localhost/c", "the database driver is not installed"),
    ("results", "not a database URL"),
    ("sqlite:////no/such/folder/r.sqlite", "cannot open the store (unable to open database file)"),
])
def test_a_store_that_cannot_be_opened_is_one_line(tmp_path, db, said):
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.txt").write_bytes(SEED.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "extractor.cli", "run", str(src), "--out", str(tmp_path / "out"), "--db", db,
                           "--tagger", "rules", "--no-progress"], check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=os.environ | {"COLUMNS": "400"})
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error ") and said in lines[0], proc.stderr
    assert "secret" not in proc.stderr and "Traceback" not in proc.stderr
    assert said in (tmp_path / "out" / "run.log").read_text(encoding="utf-8")


def test_a_value_the_server_refuses_costs_that_file_alone(postgres):
    from extractor.pipeline import extract

    url = postgres.database()
    ex = extract(SEED, tagger="none")
    store = Store(url)
    ex.year = 10**12  # PostgreSQL's integer stops at 2**31 - 1; SQLite would take it
    assert store.save({"source": "huge.txt", "sha256": "c" * 64, "status": "ok", "extraction": ex.model_dump_json()}, "p")
    ex.year = 2020
    assert store.save({"source": "fine.txt", "sha256": "d" * 64, "status": "ok", "extraction": ex.model_dump_json()}, "p")
    store.close()
    assert sorted(_rows(url, "select source, status from documents")) == [("fine.txt", "ok"), ("huge.txt", "error")]
    [(message,)] = _rows(url, "select message from errors")
    assert message.startswith("huge.txt: its results could not be stored (") and "\n" not in message
