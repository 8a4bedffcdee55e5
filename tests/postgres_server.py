"""A real PostgreSQL server for the store tests.

The server EXTRACTOR_TEST_POSTGRES names (an admin URL) when it is set; else a throwaway cluster
started from Debian's binaries (package postgresql, which `.ci/run` installs) on 127.0.0.1 for the
session, run as the `postgres` user when the tests run as root (initdb refuses root). Each caller
gets a database of its own. Without a server the tests are skipped, except where
EXTRACTOR_REQUIRE_POSTGRES is set (CI), where that is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if (Path(d) / "initdb").exists():
            return Path(d)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(why: str):
    if os.environ.get("EXTRACTOR_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL is required here (EXTRACTOR_REQUIRE_POSTGRES) but {why}")
    pytest.skip(f"no PostgreSQL server: {why}")


class Server:
    """A running server; `database()` makes a new empty database and gives its URL."""

    def __init__(self, admin_url: str, stop=None):
        from sqlalchemy import create_engine

        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self._stop = stop
        self.made: list[str] = []

    def database(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"extractor_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as con:
            con.execute(text(f'CREATE DATABASE "{name}"'))
        self.made.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        from sqlalchemy import text

        try:
            with self.admin.connect() as con:
                for name in self.made:
                    con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            self.admin.dispose()
            if self._stop:
                self._stop()


def start() -> Server:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg driver is not installed (the postgres extra)")
    url = os.environ.get("EXTRACTOR_TEST_POSTGRES")
    if url:
        return Server(url)
    bindir = _bindir()
    if bindir is None:
        _unavailable("no initdb found (Debian package postgresql)")
    home = Path(tempfile.mkdtemp(prefix="extractor-pg-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(home, "postgres", "postgres")
    data, port = home / "data", _free_port()
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "extractor", "-E", "UTF8",
                    "--locale", "C", "--no-sync"], check=True, capture_output=True)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(home / "server.log"), "-w", "-t", "60",
                    "-o", f"-h 127.0.0.1 -p {port} -k {home} -F", "start"], check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)

    return Server(f"postgresql+psycopg://extractor@127.0.0.1:{port}/postgres", stop)
