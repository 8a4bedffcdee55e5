"""Every format of every seed extracts exactly the hand-made gold (tests/gold)."""

import pytest

from conftest import GOLD, SEEDS, extracted
from eval.gold import compare, flatten_extraction, load_gold


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("seed", SEEDS)
def test_extraction_matches_gold(seed, fmt):
    gold = load_gold(GOLD / f"{seed}.json")
    result = extracted(f"{seed}.{fmt}")
    matched, total, diffs = compare(gold, flatten_extraction(result))
    assert not diffs, "\n".join(diffs[:20])
    assert matched == total


def test_gold_files_cover_all_seeds():
    assert len(SEEDS) == 5
