"""Linking's TF-IDF similarity is scikit-learn's, written out so that no process imports scikit-learn."""

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.reconcile.linking import _similarity

NAMES = st.text(alphabet="规模工业增加值增长率企业数量资金预算执行率总分得分培训人次 \tAbC1·", max_size=14)


@settings(max_examples=60, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=12), st.lists(NAMES, min_size=1, max_size=12), st.integers(0, 12))
def test_the_similarity_is_scikit_learns(a, b, extra):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    fit = a + b[:extra]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    vec.fit([s or "·" for s in fit])
    expected = cosine_similarity(vec.transform([s or "·" for s in a]), vec.transform([s or "·" for s in b]))
    got = _similarity(a, b, fit)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-12)


def test_names_that_share_words_score_higher_than_names_that_do_not():
    sims = _similarity(["规模工业增加值增长"], ["规模工业增加值", "培训人次"], ["规模工业增加值增长", "规模工业增加值", "培训人次"])
    assert sims[0, 0] > 0.6 > sims[0, 1]


def test_reading_a_report_does_not_import_scikit_learn(tmp_path):
    code = ("import sys\nfrom extractor.pipeline import extract\n"
            "ex = extract(sys.argv[1], tagger='rules')\n"
            "print(len(ex.claims), 'sklearn' in sys.modules)")
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "001_ec7b4c7cefe3081c.txt"
    out = subprocess.run([sys.executable, "-c", code, str(fixture)], capture_output=True, text=True, check=True,
                         cwd=tmp_path).stdout.split()
    assert int(out[0]) > 0 and out[1] == "False"
