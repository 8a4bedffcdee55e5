from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = Path(__file__).parent / "gold"
SEEDS = sorted(p.stem for p in GOLD.glob("*.json"))


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


_cache: dict[str, object] = {}


def extracted(name: str):
    """Extraction of a fixture file, computed once per test session."""
    from extractor.pipeline import extract

    if name not in _cache:
        _cache[name] = extract(FIXTURES / name)
    return _cache[name]
