"""The workbench's web application in-process (Starlette's TestClient): the review flow on a store the
batch wrote, and the security rules (login, roles, CSRF, escaping, login throttling)."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from extractor.batch.runner import run
from extractor.batch.store import Store
from extractor.batch.store import finding_key as store_key
from extractor.review.accounts import add_user
from extractor.review.app import MAX_FAILURES, create_app
from tests.batch_corpus import FIXTURES

PASSWORD = "correct horse battery"
SECRET = "a test secret that is long enough for signing"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    for name in ("004_3a7665fe0dde1512.txt", "001_ec7b4c7cefe3081c.docx"):
        shutil.copy(FIXTURES / name, src / name)
    out = tmp_path_factory.mktemp("out")
    run([src], out, workers=1, tagger="rules", progress=False)
    store = Store.at(out)
    with store.session() as session:
        for name, role in (("王审", "reviewer"), ("李审", "reviewer"), ("组长", "lead"), ("管理员", "admin")):
            add_user(session, name, role, PASSWORD)
    store.close()
    return out


@pytest.fixture
def own_store(out, tmp_path):
    """A store of its own for a test that changes more than decisions: a copy of the module's."""
    shutil.copytree(out, tmp_path / "out")
    store = Store.at(tmp_path / "out")
    yield store
    store.close()


@pytest.fixture
def app(out, zh):  # the pages as the users get them
    store = Store.at(out)
    yield create_app(store, SECRET)
    store.close()


def _login(app, name: str) -> TestClient:
    client = TestClient(app)
    r = client.post("/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _version(html: str, key: str) -> str:
    """The version of the finding the document page shows (what a save must name)."""
    return re.search(rf'action="/finding/{key}" class="decide">.*?name="version" value="(\d+)"', html, re.DOTALL).group(1)


def _first_finding(client: TestClient, **filters) -> tuple[str, str]:
    """(document link, finding key) of the queue's first row."""
    page = client.get("/", params=filters).text
    doc, key = re.search(r'href="(/doc/\d+)#f-(\w+)"', page).groups()
    return doc, key


def test_no_page_without_login(app):
    client = TestClient(app)
    for path in ("/", "/doc/1", "/paper", "/paper.xlsx", "/users"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    assert client.post("/finding/abc", data={}, follow_redirects=False).status_code == 303


def test_the_session_cookie_is_httponly_and_samesite_strict(app):
    client = TestClient(app)
    r = client.post("/login", data={"name": "王审", "password": PASSWORD}, follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert PASSWORD not in r.headers["set-cookie"]


def test_review_flow_dismiss_with_a_reason_then_filter_and_export(app):
    client = _login(app, "王审")
    queue = client.get("/")
    total = int(re.search(r'class="total">(\d+)', queue.text).group(1))
    assert total > 0
    doc, key = _first_finding(client, severity="error")
    page = client.get(doc).text
    assert f'id="f-{key}"' in page
    r = client.post(f"/finding/{key}", data={"csrf": _csrf(page), "version": "0", "change": "status",
                                            "status": "dismissed", "reason": "misread", "note": "数字识别错误",
                                            "back": doc}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == doc
    dismissed = client.get("/", params={"status": "dismissed"}).text
    assert f'data-key="{key}"' in dismissed and dismissed.count("data-key=") == 1
    still_open = client.get("/", params={"status": "open"}).text
    assert f'data-key="{key}"' not in still_open
    assert int(re.search(r'class="total">(\d+)', still_open).group(1)) == total - 1
    xlsx = client.get("/paper.xlsx", params={"status": "dismissed"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["审核底稿"]
    header = [c.value for c in sheet[2]]
    (row,) = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=3)]
    assert (row["审核状态"], row["理由"], row["审核说明"], row["审核人"], row["问题标识"]) == (
        "排除", "识别或提取有误", "数字识别错误", "王审", key)
    record = load_workbook(io.BytesIO(xlsx.content))["审核记录"]
    assert [c.value for c in record[2]][1:5] == [1, "审核状态", "待审", "排除"]


def test_the_second_reviewer_on_the_same_version_is_refused_and_sees_the_first(app):
    first, second = _login(app, "王审"), _login(app, "李审")
    doc, key = _first_finding(first, severity="warning")
    page_1, page_2 = first.get(doc).text, second.get(doc).text  # both see version 0
    form = {"version": "0", "change": "status", "back": doc}
    assert first.post(f"/finding/{key}", data={**form, "csrf": _csrf(page_1), "status": "confirmed",
                                               "reason": "report_error"}, follow_redirects=False).status_code == 303
    refused = second.post(f"/finding/{key}", data={**form, "csrf": _csrf(page_2), "status": "dismissed",
                                                   "reason": "duplicate"}, follow_redirects=False)
    assert refused.status_code == 409 and "确认" in refused.text and "王审" in refused.text
    assert f'data-key="{key}"' in second.get("/", params={"status": "confirmed"}).text


def test_a_form_without_the_csrf_token_is_refused(app):
    client = _login(app, "王审")
    doc, key = _first_finding(client, status="open")
    for token in (None, "forged"):
        data = {"version": "0", "change": "status", "status": "confirmed", "back": doc}
        if token:
            data["csrf"] = token
        assert client.post(f"/finding/{key}", data=data, follow_redirects=False).status_code == 403
    assert f'data-key="{key}"' in client.get("/", params={"status": "open"}).text


def test_roles_are_enforced_on_the_server(app):
    reviewer, lead = _login(app, "王审"), _login(app, "组长")
    assert reviewer.get("/users").status_code == 403
    page = reviewer.get("/users")
    assert "无权" in page.text
    doc, key = _first_finding(reviewer, status="open")
    html = reviewer.get(doc).text
    assert 'class="assign"' not in html  # the form is not offered
    forged = reviewer.post(f"/finding/{key}", data={"csrf": _csrf(html), "version": "0", "change": "assign",
                                                    "assignee": "李审", "back": doc}, follow_redirects=False)
    assert forged.status_code == 403  # nor accepted when posted anyway
    html = lead.get(doc).text
    assert 'class="assign"' in html
    assert lead.post(f"/finding/{key}", data={"csrf": _csrf(html), "version": "0", "change": "assign",
                                              "assignee": "李审", "back": doc}, follow_redirects=False).status_code == 303
    assert f'data-key="{key}"' in lead.get("/", params={"assignee": "李审"}).text


def test_only_an_admin_adds_accounts(app):
    admin = _login(app, "管理员")
    page = admin.get("/users").text
    r = admin.post("/users", data={"csrf": _csrf(page), "name": "赵审", "role": "reviewer", "password": PASSWORD})
    assert r.status_code == 200 and "赵审" in r.text
    assert _login(app, "赵审").get("/").status_code == 200
    short = admin.post("/users", data={"csrf": _csrf(page), "name": "钱审", "role": "reviewer", "password": "short"})
    assert short.status_code == 400 and "至少需要 10" in short.text


def test_wrong_passwords_are_limited(app, out):
    client = TestClient(app)
    for _ in range(MAX_FAILURES):
        assert client.post("/login", data={"name": "李审", "password": "wrong password!"}).status_code == 401
    locked = client.post("/login", data={"name": "李审", "password": PASSWORD}, follow_redirects=False)
    assert locked.status_code == 429  # even the right password waits
    assert _login(app, "王审")  # another account is not locked out
    # the count is in the store: another server process, or the same one restarted, sees it too
    other = create_app(Store.at(out), SECRET)
    assert TestClient(other).post("/login", data={"name": "李审", "password": PASSWORD}).status_code == 429


def test_script_in_document_text_is_escaped(tmp_path):
    # a report whose unit name and text carry markup: the pages show it as text
    src = tmp_path / "in"
    src.mkdir()
    text = (FIXTURES / "004_3a7665fe0dde1512.txt").read_text(encoding="utf-8")
    (src / "x.txt").write_text("<script>alert(1)</script>\n" + text.replace("。", "<img src=x onerror=alert(2)>。", 1),
                               encoding="utf-8")
    hostile = tmp_path / "out"
    run([src], hostile, workers=1, tagger="rules", progress=False)
    store = Store.at(hostile)
    with store.session() as session:
        add_user(session, "王审", "reviewer", PASSWORD)
    client = _login(create_app(store, "another secret long enough for signing"), "王审")
    doc, _key = _first_finding(client)
    page = client.get(doc).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page
    store.close()


def test_login_sends_back_only_to_this_site(app):
    client = TestClient(app)
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        r = client.post("/login", params={"next": elsewhere}, data={"name": "王审", "password": PASSWORD},
                        follow_redirects=False)
        assert r.headers["location"] == "/", elsewhere


def test_decisions_carry_over_to_a_new_pipeline_version_and_moved_findings_are_open_again(own_store):
    import json

    from sqlalchemy import select

    from extractor.batch.store import DocumentRow

    store = own_store
    app = create_app(store, SECRET)
    client = _login(app, "王审")
    doc, key = _first_finding(client, status="open")
    html = client.get(doc).text
    saved = client.post(f"/finding/{key}", data={"csrf": _csrf(html), "version": _version(html, key), "change": "status",
                                                "status": "confirmed", "reason": "report_error", "back": doc},
                        follow_redirects=False)
    assert saved.status_code == 303
    # the same report stored again by a newer pipeline: one finding unchanged, one whose evidence moved
    doc_id = int(doc.rsplit("/", 1)[1])
    with store.session() as session:
        row = session.get(DocumentRow, doc_id)
        source, sha256 = row.source, row.sha256
    extraction, document = store.payload(doc_id)
    ex = json.loads(extraction)
    moved = next(f for f in ex["findings"] if f["evidence"] and store_key(sha256, f) != key)
    moved_before = store_key(sha256, moved)
    html = client.get(doc).text
    saved = client.post(f"/finding/{moved_before}", data={"csrf": _csrf(html), "version": _version(html, moved_before),
                                                         "change": "status", "status": "dismissed", "reason": "duplicate",
                                                         "back": doc}, follow_redirects=False)
    assert saved.status_code == 303
    assert f'data-key="{moved_before}"' in client.get("/", params={"status": "dismissed"}).text
    moved["evidence"][0]["at"]["page"] = 99
    new_id = store.save({"source": source, "sha256": sha256, "status": "ok", "extraction": json.dumps(ex),
                         "document": document}, pipeline="a newer pipeline")
    assert new_id and new_id != doc_id
    with store.session() as session:
        assert session.scalar(select(DocumentRow.pipeline).where(DocumentRow.id == new_id)) == "a newer pipeline"
    confirmed = client.get("/", params={"status": "confirmed"}).text
    assert f'href="/doc/{new_id}#f-{key}"' in confirmed  # the newest version carries the decision
    assert f"/doc/{doc_id}#" not in client.get("/").text  # the older version is no longer in the queue
    # the moved finding is a new one to review; its old decision stays in the record, off the queue
    assert f'data-key="{store_key(sha256, moved)}"' in client.get("/", params={"status": "open"}).text
    assert f'data-key="{moved_before}"' not in client.get("/", params={"status": "dismissed"}).text



def test_correcting_a_misread_figure_rechecks_the_report_and_keeps_both_readings(own_store, zh):
    import json

    from sqlalchemy import select

    from extractor.batch.store import FindingRow
    from extractor.review.tables import CorrectionRow

    store = own_store
    client = _login(create_app(store, SECRET), "王审")
    # 001's budget block reads an execution rate of 10% where its figures give 100%
    with store.session() as session:
        wrong = session.scalars(select(FindingRow).where(FindingRow.rule == "funds.execution_rate")).first()
        doc_id, key, expected = wrong.doc_id, wrong.key, wrong.expected
        cell = next(e["at"] for e in wrong.evidence if e["at"].get("col") is not None)
    assert f'data-key="{key}"' in client.get("/", params={"rule": "funds.execution_rate"}).text
    page = client.get(f"/doc/{doc_id}").text
    place = f"{cell['table']},{cell['row']},{cell['col']}"
    assert f'href="/doc/{doc_id}?correct={place}#correct"' in page
    form = client.get(f"/doc/{doc_id}", params={"correct": place}).text
    read = re.search(r'<b class="original">([^<]*)</b>', form).group(1)
    done = client.post(f"/doc/{doc_id}/correct", data={"csrf": _csrf(form), "table": cell["table"], "row": cell["row"],
                                                       "col": cell["col"], "text": expected, "note": "执行率应为100%"})
    gone = re.search(r'<ul class="gone">(.*?)</ul>', done.text, re.DOTALL).group(1)
    assert done.status_code == 200 and "funds.execution_rate" in gone
    new_id = int(re.search(r'class="corrected-report" href="/doc/(\d+)"', done.text).group(1))
    queue = client.get("/", params={"rule": "funds.execution_rate"}).text
    assert f'data-key="{key}"' not in queue and f"/doc/{doc_id}#" not in queue
    with store.session() as session:
        (kept,) = session.scalars(select(CorrectionRow)).all()
        assert (kept.original, kept.corrected, kept.reviewer) == (read, expected, "王审")
    corrected = json.loads(store.payload(new_id)[0])
    assert not [f for f in corrected["findings"] if f["rule"] == "funds.execution_rate"]
    assert read in client.get(f"/doc/{new_id}").text  # the record shows the reading it replaced
    fixed = load_workbook(io.BytesIO(client.get("/paper.xlsx").content))["更正"]
    assert [c.value for c in fixed[2]][4:8] == [read, expected, "执行率应为100%", "王审"]
    refused = client.post(f"/doc/{new_id}/correct", data={"csrf": _csrf(form), "table": cell["table"],
                                                          "row": cell["row"], "col": cell["col"], "text": expected})
    assert refused.status_code == 400  # nothing to correct: that is what it reads now



def test_a_lead_signs_off_a_paper_once_nothing_in_it_is_open_and_a_reviewer_cannot(app):
    from extractor.review.queue import Query

    lead, reviewer = _login(app, "组长"), _login(app, "王审")
    rule = "scores.actual_not_measured"
    selection = {"rule": rule}
    page = lead.get("/paper", params=selection).text
    form = {"csrf": _csrf(page), **selection}
    refused = lead.post("/paper/signoff", data=form)
    assert refused.status_code == 400 and "条问题待审" in refused.text
    assert reviewer.post("/paper/signoff", data={"csrf": _csrf(reviewer.get("/").text), **selection}).status_code == 403
    keys = re.findall(r'data-key="(\w+)"', reviewer.get("/", params={**selection, "status": "open"}).text)
    assert keys
    for key in keys:  # decide every open finding of the selection
        doc = re.search(rf'href="(/doc/\d+)#f-{key}"', reviewer.get("/", params=selection).text).group(1)
        html = reviewer.get(doc).text
        assert reviewer.post(f"/finding/{key}", data={"csrf": _csrf(html), "version": _version(html, key),
                                                     "change": "status", "status": "explain", "back": doc},
                             follow_redirects=False).status_code == 303
    signed = lead.post("/paper/signoff", data={**form, "note": "同意"})
    assert signed.status_code == 200 and "已签发：组长" in signed.text and "同意" in signed.text
    sheet = load_workbook(io.BytesIO(lead.get("/paper.xlsx", params=selection).content))["签发"]
    assert sheet.cell(row=2, column=1).value == "组长"
    assert "已签发" not in lead.get("/paper", params={"rule": "funds.execution_rate"}).text  # another selection
    assert Query.of(selection).params() == selection


def test_the_queue_a_decision_and_a_refusal_on_postgresql(postgres, tmp_path, zh):
    url = postgres.database()
    run([FIXTURES / "004_3a7665fe0dde1512.txt"], tmp_path, workers=1, tagger="rules", progress=False, db=url)
    store = Store.at(tmp_path, url)
    with store.session() as session:
        add_user(session, "王审", "reviewer", PASSWORD)
        add_user(session, "李审", "reviewer", PASSWORD)
    app = create_app(store, SECRET)
    first, second = _login(app, "王审"), _login(app, "李审")
    doc, key = _first_finding(first)
    page_1, page_2 = first.get(doc).text, second.get(doc).text
    form = {"version": "0", "change": "status", "back": doc, "status": "dismissed", "reason": "misread"}
    assert first.post(f"/finding/{key}", data={**form, "csrf": _csrf(page_1)}, follow_redirects=False).status_code == 303
    assert second.post(f"/finding/{key}", data={**form, "csrf": _csrf(page_2)}).status_code == 409
    assert f'data-key="{key}"' in first.get("/", params={"status": "dismissed", "reviewer": "王审"}).text
    assert load_workbook(io.BytesIO(first.get("/paper.xlsx").content))["审核记录"].max_row == 2
    store.close()


def test_corrections_are_applied_again_when_a_new_pipeline_reads_the_report(tmp_path, monkeypatch):
    import json

    from sqlalchemy import select

    from extractor.batch import runner
    from extractor.batch.store import DocumentRow, FindingRow

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(FIXTURES / "001_ec7b4c7cefe3081c.docx", src / "001.docx")
    run([src], out, workers=1, tagger="rules", progress=False)
    store = Store.at(out)
    with store.session() as session:
        add_user(session, "王审", "reviewer", PASSWORD)
        wrong = session.scalars(select(FindingRow).where(FindingRow.rule == "funds.execution_rate")).one()
        doc_id, expected = wrong.doc_id, wrong.expected
        cell = next(e["at"] for e in wrong.evidence if e["at"].get("col") is not None)
    from extractor.review.corrections import correct_cell

    correct_cell(store, doc_id, cell["table"], cell["row"], cell["col"], expected, user="王审")
    store.close()
    # a new version of the reader: the run stores its own reading, still misread, and applies the correction
    monkeypatch.setattr(runner, "pipeline_version", lambda tagger: f"extractor-next/{tagger}")
    run([src], out, workers=1, tagger="rules", progress=False)
    store = Store.at(out)
    with store.session() as session:
        versions = session.execute(select(DocumentRow.id, DocumentRow.pipeline).order_by(DocumentRow.id)).all()
    assert [p.split("/")[0] for _, p in versions][-2:] == ["extractor-next", "extractor-next"]
    newest_id, newest = versions[-1]
    assert newest == "extractor-next/rules+corrected-1"
    findings = json.loads(store.payload(newest_id)[0])["findings"]
    assert not [f for f in findings if f["rule"] == "funds.execution_rate"]
    assert "corrections: 1 applied again" in (out / "run.log").read_text(encoding="utf-8")
    client = _login(create_app(store, SECRET), "王审")
    assert "data-key=" not in client.get("/", params={"rule": "funds.execution_rate"}).text
    # the audit pages show the corrected reading too
    pages = list((out / "pages").glob("*.html"))
    assert pages and all("funds.execution_rate" not in p.read_text(encoding="utf-8") for p in pages)
    store.close()


def test_a_reviewer_fixes_the_taggers_spans_and_they_leave_as_annotation_data(app, tmp_path):
    import html as html_lib

    from extractor.tagger.corpus import iter_jsonl, validate
    from extractor.tagger.markup import parse

    client = _login(app, "王审")
    doc, _key = _first_finding(client, rule="narrative.claim_vs_table")
    page = client.get(doc).text
    link = re.search(rf'href="({re.escape(doc)}\?annotate=(\w+))#annotate"', page)
    assert link, "a narrative finding offers its text block's spans for correction"
    block = link.group(2)
    form = client.get(link.group(1)).text
    markup = html_lib.unescape(re.search(r'<textarea name="markup"[^>]*>(.*?)</textarea>', form, re.DOTALL).group(1))
    text, machine = parse(markup)
    assert machine and any(e.label == "METRIC" for e in machine)  # the tagger's spans, as the claims took them
    fixed = markup.replace("]{M}", "]{T}", 1)  # the reviewer relabels the first metric
    changed = client.post(f"{doc}/annotate", data={"csrf": _csrf(form), "block": block, "markup": "改" + fixed})
    assert changed.status_code == 400 and "只能改标记" in changed.text
    saved = client.post(f"{doc}/annotate", data={"csrf": _csrf(form), "block": block, "markup": fixed},
                        follow_redirects=False)
    assert saved.status_code == 303
    exported = client.get("/annotations.jsonl")
    path = tmp_path / "reviewed.jsonl"
    path.write_bytes(exported.content)
    ((_line, example),) = list(iter_jsonl(path))
    assert example.text == text and not validate(example)
    assert [(e.start, e.end, e.label) for e in example.entities] == [(e.start, e.end, e.label) for e in parse(fixed)[1]]
    assert example.entities != machine


def test_the_workbench_speaks_the_interfaces_language(out, monkeypatch):
    store = Store.at(out)
    for lang, words in (("en", ("Sign in", "User name")), ("zh", ("登录", "用户名"))):
        monkeypatch.setenv("EXTRACTOR_LANG", lang)
        page = TestClient(create_app(store, SECRET)).get("/login").text
        assert all(w in page for w in words), lang
    store.close()


def test_a_disabled_account_or_a_changed_role_counts_from_the_next_request(own_store):
    from sqlalchemy import update

    from extractor.review.tables import UserRow

    store = own_store
    app = create_app(store, SECRET)
    lead = _login(app, "组长")
    assert lead.get("/").status_code == 200
    with store.session() as session:
        session.execute(update(UserRow).where(UserRow.name == "组长").values(role="reviewer"))
        session.commit()
    doc, _key = _first_finding(lead)
    html = lead.get(doc).text
    assert 'class="assign"' not in html
    with store.session() as session:
        session.execute(update(UserRow).where(UserRow.name == "组长").values(active=False))
        session.commit()
    r = lead.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
