"""`--engine ray` against a real Ray cluster started on 127.0.0.1 by the test: same results as local."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.batch.runner import run
from tests.batch_corpus import FIXTURES

RAY = Path(sys.executable).parent / "ray"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory):
    port = _free_port()
    env_tmp = tmp_path_factory.mktemp("ray")
    cmd = [str(RAY), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--num-cpus=2",
           "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={env_tmp}"]
    # a private HOME: a ~/.ray/auth_token left by an earlier local Ray would switch the cluster to token auth
    env = {**os.environ, "HOME": str(env_tmp)}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield f"127.0.0.1:{port}"
    subprocess.run([str(RAY), "stop", "--force"], capture_output=True, timeout=120, env=env, check=False)


def _summary(out: Path) -> dict:
    con = sqlite3.connect(out / "results.sqlite")
    rows = con.execute("select source, status, n_indicators, n_claims, n_findings, extraction from documents").fetchall()
    out_rows = {}
    for source, status, n_ind, n_claims, n_find, blob in rows:
        name = Path(source).name
        findings = None
        if blob:
            import zlib

            findings = sorted(f["id"] + f["rule"] for f in json.loads(zlib.decompress(blob))["findings"])
        out_rows[name] = (status, n_ind, n_claims, n_find, findings)
    return out_rows


def test_ray_engine_matches_local(ray_cluster, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("001_ec7b4c7cefe3081c.txt", "002_418cb45b50d16ad8.docx", "004_3a7665fe0dde1512.pdf"):
        shutil.copy(FIXTURES / name, src / name)
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n junk")
    local = run([src], tmp_path / "local", workers=2, progress=False)
    remote = run([src], tmp_path / "ray", workers=2, engine="ray", ray_address=ray_cluster, progress=False)
    assert (remote.ok, remote.failed) == (local.ok, local.failed) == (3, 1)
    a, b = _summary(tmp_path / "local"), _summary(tmp_path / "ray")
    assert a == b
    assert a["broken.pdf"][0] == "error"
    assert (tmp_path / "ray" / "indicators.xlsx").exists() and (tmp_path / "ray" / "index.html").exists()
    # rerun on Ray resumes from the store like the local engine
    again = run([src], tmp_path / "ray", workers=2, engine="ray", ray_address=ray_cluster, progress=False)
    assert again.processed == 0 and again.skipped_done == 4
