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


def _colour(browser, element, prop: str) -> str:
    return browser.execute_script(f"return getComputedStyle(arguments[0]).{prop};", element)


def _in_view(browser, element) -> bool:
    return browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;", element)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    for name in ("003_6aed364f55934feb.txt", "002_418cb45b50d16ad8.txt", "000_ca8b55daf8c6f90a.pdf"):
        shutil.copy(FIXTURES / name, src / name)
    shutil.copy(FIXTURES / "scanned" / "004_3a7665fe0dde1512.pdf", src / "扫描件.pdf")
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXTRACTOR_LANG", "zh")  # the pages as users get them
        run([src], out, workers=2, tagger="rules", progress=False)
    return out


def test_index_filters_by_rule_and_each_finding_shows_its_own_colour(browser, pages):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get((pages / "index.html").as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.doc-row")
    assert len(rows) == 4
    assert browser.find_elements(By.CSS_SELECTOR, "#heatmap table.heat td")  # the rule × document overview
    # filter by a rule that only some documents have: only those stay visible
    rule = "relations.parts_sum"
    Select(browser.find_element(By.ID, "f-rule")).select_by_visible_text(rule)
    visible = [r for r in rows if r.is_displayed()]
    assert 0 < len(visible) < len(rows)
    assert all(f" {rule} " in r.get_attribute("data-rules") for r in visible)
    assert browser.find_element(By.ID, "f-count").text.startswith(f"{len(visible)} / 4")
    count = int(visible[0].find_element(By.CSS_SELECTOR, ".n-findings").text)
    visible[0].find_element(By.CSS_SELECTOR, "a.doc-link").click()
    assert "/pages/" in browser.current_url
    findings = browser.find_elements(By.CSS_SELECTOR, ".finding")
    assert len(findings) == count > 3
    checked = 0
    for f in findings:
        links = f.find_elements(By.CSS_SELECTOR, "a.evidence-link")
        if not links:
            continue
        own = _colour(browser, f.find_element(By.CSS_SELECTOR, ".swatch"), "backgroundColor")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", links[0])
        links[0].click()
        anchor = links[0].get_attribute("href").split("#", 1)[1]
        assert browser.current_url.endswith("#" + anchor)
        n = f.get_attribute("data-n")
        marks = browser.find_elements(By.CSS_SELECTOR, f'[data-f~="{n}"]')
        assert marks, n
        shown = [m for m in marks if _in_view(browser, m)]
        assert shown, f"finding {n}: none of its marks is in view"
        for m in shown:  # drawn in this finding's colour, not another's
            assert _colour(browser, m, "outlineColor") == own, n
            assert "active" in m.get_attribute("class")
        checked += 1
    assert checked >= 3
    # neighbours differ: the first findings do not share one colour
    swatches = {_colour(browser, f.find_element(By.CSS_SELECTOR, ".swatch"), "backgroundColor") for f in findings[:4]}
    assert len(swatches) == min(4, len(findings))
    browser.find_element(By.PARTIAL_LINK_TEXT, "返回总览").click()
    assert browser.current_url.endswith("index.html")


def test_a_scan_is_marked_as_one_and_empty_cells_are_drawn(browser, pages):
    from selenium.webdriver.common.by import By

    browser.get((pages / "index.html").as_uri())
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tr.doc-row") if "扫描件.pdf" in r.text)
    assert row.find_elements(By.CSS_SELECTOR, ".scan-badge")
    others = [r for r in browser.find_elements(By.CSS_SELECTOR, "tr.doc-row") if "扫描件.pdf" not in r.text]
    assert not any(r.find_elements(By.CSS_SELECTOR, ".scan-badge") for r in others)
    row.find_element(By.CSS_SELECTOR, "a.doc-link").click()
    assert browser.find_element(By.CSS_SELECTOR, "header .scan-badge").is_displayed()
    # beside each OCR-read figure, the crop of the scan it was read from: a real image, not a broken link
    read = [li for li in browser.find_elements(By.CSS_SELECTOR, ".finding li") if " · OCR " in li.text]
    assert read
    for li in read:
        (img,) = li.find_elements(By.CSS_SELECTOR, "img.crop")
        width, height = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight];", img)
        assert width > 20 and height > 10
    # evidence on an empty cell (a deduction with no reason) is a visible mark, not a zero-width link
    browser.get((pages / "index.html").as_uri())
    next(a for a in browser.find_elements(By.CSS_SELECTOR, "a.doc-link") if "002_" in a.text).click()
    empties = browser.find_elements(By.CSS_SELECTOR, "td.hl .empty-mark")
    assert empties and all(e.size["width"] > 5 for e in empties)
    assert any(a.text == "（空栏）" for a in browser.find_elements(By.CSS_SELECTOR, "a.evidence-link"))
