"""The audit pages in a real browser: Debian's Chromium, headless, driven by Selenium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractor.batch.runner import run
from tests.batch_corpus import FIXTURES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromedriver are needed (apt-get install chromium chromium-driver; .ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


def test_index_link_leads_to_a_highlighted_finding(browser, tmp_path):
    from selenium.webdriver.common.by import By

    src = tmp_path / "in"
    src.mkdir()
    for name in ("003_6aed364f55934feb.txt", "000_ca8b55daf8c6f90a.pdf"):
        shutil.copy(FIXTURES / name, src / name)
    out = tmp_path / "out"
    run([src], out, workers=2, progress=False)
    browser.get((out / "index.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.doc-row")
    assert len(rows) == 2
    counts = [int(r.find_element(By.CSS_SELECTOR, ".n-findings").text) for r in rows]
    assert counts[0] > 0
    rows[0].find_element(By.CSS_SELECTOR, "a.doc-link").click()
    assert "/pages/" in browser.current_url
    findings = browser.find_elements(By.CSS_SELECTOR, ".finding")
    assert len(findings) == counts[0]
    # follow each finding's first linked evidence: the browser lands on a highlighted place
    checked = 0
    for f in findings[:10]:
        links = f.find_elements(By.CSS_SELECTOR, "a.evidence-link")
        if not links:
            continue
        anchor = links[0].get_attribute("href").split("#", 1)[1]
        links[0].click()
        assert browser.current_url.endswith("#" + anchor)
        target = browser.find_element(By.ID, anchor)
        highlighted = browser.execute_script(
            "const t = arguments[0];"
            "if (t.classList.contains('hl')) return true;"
            "const n = t.nextElementSibling; return !!(n && n.matches('mark.hl'));", target)
        assert highlighted, anchor
        checked += 1
    assert checked >= 1
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.hl, td.hl")
    assert marks and any(m.is_displayed() for m in marks)
    # the back link returns to the index
    browser.find_element(By.LINK_TEXT, "← index").click()
    assert browser.current_url.endswith("index.html")
