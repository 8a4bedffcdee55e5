from pathlib import Path

import pytest

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
