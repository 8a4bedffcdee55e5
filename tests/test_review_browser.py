"""The workbench as a team starts it: `extractor users add` and `extractor serve` from the command line, then
a reviewer in a real browser (Debian's Chromium, headless, driven by Selenium)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import httpx
import pytest
from openpyxl import load_workbook

from eval.bench_serve import free_port, start_serve
from extractor.batch.runner import run
from tests.batch_corpus import FIXTURES
from tests.test_batch_browser import browser  # noqa: F401 - the shared headless Chromium

PASSWORD = "correct horse battery"


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], input=stdin, capture_output=True, text=True,
                          check=False, timeout=120, env={"EXTRACTOR_LANG": "en", "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    for name in ("004_3a7665fe0dde1512.txt", "003_6aed364f55934feb.txt"):
        shutil.copy(FIXTURES / name, src / name)
    shutil.copy(FIXTURES / "scanned" / "004_3a7665fe0dde1512.pdf", src / "扫描件.pdf")
    out = tmp_path_factory.mktemp("out")
    run([src], out, workers=1, tagger="rules", progress=False)
    refused = _cli("serve", str(out), "--port", str(free_port()))
    assert refused.returncode == 2 and "no workbench accounts yet" in refused.stderr
    added = _cli("users", "add", "王审", "--role", "reviewer", "--out", str(out), "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    server, base = start_serve(out, env={**os.environ, "EXTRACTOR_LANG": "zh"})  # the pages as the users get them
    yield base
    server.terminate()
    server.wait(timeout=10)


def test_users_add_refuses_a_short_password_in_one_line(tmp_path):
    run([FIXTURES / "004_3a7665fe0dde1512.txt"], tmp_path, workers=1, tagger="rules", progress=False)
    r = _cli("users", "add", "王审", "--out", str(tmp_path), "--password-stdin", stdin="short\n")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "at least 10" in r.stderr
    assert "Traceback" not in r.stderr


def test_serve_says_so_when_it_listens_beyond_this_machine(tmp_path):
    run([FIXTURES / "004_3a7665fe0dde1512.txt"], tmp_path, workers=1, tagger="rules", progress=False)
    _cli("users", "add", "王审", "--out", str(tmp_path), "--password-stdin", stdin=PASSWORD + "\n")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "extractor.cli", "serve", str(tmp_path), "--host", "0.0.0.0",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={"EXTRACTOR_LANG": "en", "PATH": "/usr/bin:/bin"})
    try:
        first = server.stdout.readline()
        assert "other machines can reach it" in first
    finally:
        server.terminate()
        server.wait(timeout=10)


def _click_and_wait(driver, element, until) -> None:
    """Click what loads a new page, and wait for that page (`until` on the driver), not the old one."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    element.click()
    WebDriverWait(driver, 30).until(ec.staleness_of(element))
    WebDriverWait(driver, 30).until(until)


def _signed_in(driver, base: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/")
    if "/login" in driver.current_url:
        driver.find_element(By.NAME, "name").send_keys("王审")
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"),
                        lambda b: "/login" not in b.current_url)


def test_a_reviewer_logs_in_filters_dismisses_and_hands_in_the_working_paper(browser, served):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.delete_all_cookies()
    browser.get(served + "/")
    assert "/login" in browser.current_url
    _signed_in(browser, served)
    Select(browser.find_element(By.NAME, "severity")).select_by_value("error")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"),
                    lambda b: "severity=error" in b.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.queue tr[data-key]")
    assert rows and all("sev-error" in r.get_attribute("innerHTML") for r in rows)
    key = rows[0].get_attribute("data-key")
    _click_and_wait(browser, rows[0].find_element(By.CSS_SELECTOR, "a"), lambda b: "/doc/" in b.current_url)
    card = browser.find_element(By.ID, f"f-{key}")
    Select(card.find_element(By.NAME, "status")).select_by_value("dismissed")
    Select(card.find_element(By.NAME, "reason")).select_by_value("rule_not_applicable")
    card.find_element(By.NAME, "note").send_keys("该项目不适用此规则")
    _click_and_wait(browser, card.find_element(By.CSS_SELECTOR, "form.decide button"),
                    lambda b: b.find_elements(By.ID, f"f-{key}"))
    card = browser.find_element(By.ID, f"f-{key}")
    assert "排除" in card.text and "规则不适用" in card.text and "该项目不适用此规则" in card.text
    # the working paper, fetched with the browser's own session
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    paper = httpx.get(served + "/paper.xlsx", params={"status": "dismissed"}, cookies=cookies)
    assert paper.status_code == 200
    sheet = load_workbook(io.BytesIO(paper.content))["审核底稿"]
    header = [c.value for c in sheet[2]]
    (row,) = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=3)]
    assert (row["问题标识"], row["审核状态"], row["理由"], row["审核人"]) == (key, "排除", "规则不适用", "王审")


def test_a_reviewer_corrects_a_misread_figure_on_the_scan_and_its_finding_leaves_the_queue(browser, served):  # noqa: F811
    from selenium.webdriver.common.by import By

    _signed_in(browser, served)
    browser.get(served + "/?q=" + "扫描件")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.queue tr[data-key]")
    assert rows, "the scanned report has findings"
    key = rows[0].get_attribute("data-key")
    _click_and_wait(browser, rows[0].find_element(By.CSS_SELECTOR, "a"), lambda b: "/doc/" in b.current_url)
    card = browser.find_element(By.ID, f"f-{key}").find_element(By.XPATH, "..")
    assert card.find_elements(By.CSS_SELECTOR, "img.crop")  # the figure as the scan shows it
    found = card.find_element(By.CSS_SELECTOR, "div:nth-of-type(3) b:last-of-type").text  # what the form reads
    link = next(a for a in card.find_elements(By.CSS_SELECTOR, "a.correct-link") if found in a.text)
    _click_and_wait(browser, link, lambda b: b.find_elements(By.CSS_SELECTOR, "b.original"))
    assert browser.find_element(By.CSS_SELECTOR, "b.original").text == found
    field = browser.find_element(By.CSS_SELECTOR, "form.correct input[name=text]")
    field.clear()
    field.send_keys("96%")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.correct button"),
                    lambda b: b.find_elements(By.CSS_SELECTOR, "ul.gone"))
    gone = browser.find_element(By.CSS_SELECTOR, "ul.gone").text
    assert "scores.actual_not_measured" in gone
    browser.get(served + "/?q=" + "扫描件")
    assert key not in [r.get_attribute("data-key") for r in browser.find_elements(By.CSS_SELECTOR, "table.queue tr[data-key]")]


def test_serve_with_two_worker_processes_shares_sessions_and_the_record(tmp_path):
    run([FIXTURES / "004_3a7665fe0dde1512.txt"], tmp_path, workers=1, tagger="rules", progress=False)
    _cli("users", "add", "王审", "--out", str(tmp_path), "--password-stdin", stdin=PASSWORD + "\n")
    server, base = start_serve(tmp_path, "--workers", "2")
    try:
        with httpx.Client(base_url=base, follow_redirects=False) as client:
            assert client.post("/login", data={"name": "王审", "password": PASSWORD}).status_code == 303
            # the kernel spreads the connections over the workers; each accepts a session any of them signed
            assert all(client.get("/").status_code == 200 for _ in range(20))
    finally:
        server.terminate()
        server.wait(timeout=20)
