import os
from pathlib import Path

import pytest

# The suite speaks the English interface: its words are the stable vocabulary the tests assert
# (a file's problem, a summary line). The Chinese interface, the default for users, is tested by
# tests/test_i18n.py and by the tests that ask for the `zh` fixture.
os.environ["EXTRACTOR_LANG"] = "en"

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = Path(__file__).parent / "gold"
SEEDS = sorted(p.stem for p in GOLD.glob("*.json"))


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


_cache: dict[str, object] = {}


def extracted(name: str, tagger: str = "none"):
    """Extraction of a fixture file, computed once per test session (forms only unless a tagger is named)."""
    from extractor.pipeline import extract

    key = f"{name}|{tagger}"
    if key not in _cache:
        _cache[key] = extract(FIXTURES / name, tagger=tagger)
    return _cache[key]


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session (tests/postgres_server.py); `.database()` gives a fresh one."""
    from tests.postgres_server import start

    server = start()
    yield server
    server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request) -> str | None:
    """`--db` of a run: None for the default SQLite store in OUT, else a fresh database of a real PostgreSQL server."""
    return request.getfixturevalue("postgres").database() if request.param == "postgresql" else None


@pytest.fixture
def zh(monkeypatch):
    """The Chinese interface (the users' default) for one test and the processes it starts."""
    monkeypatch.setenv("EXTRACTOR_LANG", "zh")
