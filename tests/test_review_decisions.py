"""The workbench's record (issue 20): accounts, decisions as append-only events, optimistic versioning,
and finding keys that carry a decision over to the next pipeline version of the same report."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from extractor.batch.store import Store, finding_key
from extractor.review.accounts import AccountError, add_user, authenticate
from extractor.review.decisions import Conflict, DecisionError, Forbidden, decide, history, states
from extractor.review.tables import EventRow, UserRow

FINDING = {
    "id": "f3",
    "rule": "indicator_score_exceeds_weight",
    "evidence": [
        {"text": "12", "at": {"table": "t2", "row": 5, "col": 6, "page": 2}},
        {"text": "10", "at": {"table": "t2", "row": 5, "col": 5, "page": 2}},
    ],
}


@pytest.fixture
def store(tmp_path, store_url):
    s = Store.at(tmp_path, store_url)  # SQLite, and a real PostgreSQL server
    yield s
    s.close()


def test_a_finding_never_decided_on_is_open(store):
    with store.session() as session:
        assert states(session, ["k1"])["k1"].status == "open" and states(session, ["k1"])["k1"].version == 0


def test_decisions_are_appended_never_overwritten(store):
    with store.session() as session:
        decide(session, "k1", user="王审", role="reviewer", seen_version=0, status="explain", note="请单位说明")
        state = decide(session, "k1", user="李审", role="reviewer", seen_version=1, status="dismissed",
                       reason="explained_in_report", note="报告第3页已说明")
        assert (state.status, state.reason, state.decided_by, state.version) == (
            "dismissed", "explained_in_report", "李审", 2)
        events = history(session, "k1")
        assert [(e.status_from, e.status, e.reviewer) for e in events] == [
            ("open", "explain", "王审"), ("explain", "dismissed", "李审")]
        assert events[0].note == "请单位说明"  # the first decision is still there as it was made


def test_the_second_save_on_the_same_version_is_refused_with_the_others_decision(store):
    with store.session() as session:
        decide(session, "k1", user="王审", role="reviewer", seen_version=0, status="confirmed", reason="report_error")
        with pytest.raises(Conflict) as refused:
            decide(session, "k1", user="李审", role="reviewer", seen_version=0, status="dismissed", reason="misread")
        assert (refused.value.current.status, refused.value.current.decided_by) == ("confirmed", "王审")
        assert session.scalar(select(func.count()).select_from(EventRow)) == 1


def test_the_database_itself_keeps_one_event_per_version(store):
    # two processes that both read version 0 and write version 1: the unique constraint refuses the second
    now = datetime.now(timezone.utc)
    common = {"finding_key": "k1", "version": 1, "change": "status", "status_from": "open", "at": now}
    with store.session() as session:
        session.add(EventRow(**common, status="confirmed", reviewer="a"))
        session.commit()
        session.add(EventRow(**common, status="dismissed", reviewer="b"))
        with pytest.raises(IntegrityError):
            session.commit()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": "dismissed"}, DecisionError),  # a dismissal needs a reason
        ({"status": "closed"}, DecisionError),
        ({"status": "confirmed", "reason": "because"}, DecisionError),
        ({}, DecisionError),
        ({"status": "confirmed", "assignee": "李审"}, DecisionError),  # one change at a time
        ({"assignee": "李审"}, Forbidden),  # a reviewer does not assign
    ],
)
def test_decisions_that_cannot_be_recorded(store, kwargs, error):
    with store.session() as session:
        with pytest.raises(error):
            decide(session, "k1", user="王审", role="reviewer", seen_version=0, **kwargs)
        assert history(session, "k1") == []


def test_a_lead_assigns_and_the_status_stays(store):
    with store.session() as session:
        decide(session, "k1", user="王审", role="reviewer", seen_version=0, status="explain")
        state = decide(session, "k1", user="组长", role="lead", seen_version=1, assignee="李审")
        assert (state.status, state.decided_by, state.assignee, state.version) == ("explain", "王审", "李审", 2)
        assert states(session, ["k1", "k2"]) == {"k1": state, "k2": states(session, ["k2"])["k2"]}


def test_the_key_follows_rule_and_evidence_not_the_findings_number():
    renumbered = {**FINDING, "id": "f7", "message": "reworded"}
    assert finding_key("sha", FINDING) == finding_key("sha", renumbered)
    reordered = {**FINDING, "evidence": FINDING["evidence"][::-1]}
    assert finding_key("sha", FINDING) == finding_key("sha", reordered)
    moved = {**FINDING, "evidence": [FINDING["evidence"][0], {"text": "10", "at": {"table": "t2", "row": 6, "col": 5}}]}
    assert finding_key("sha", FINDING) != finding_key("sha", moved)
    assert finding_key("sha", FINDING) != finding_key("other report", FINDING)
    assert finding_key("sha", FINDING) != finding_key("sha", {**FINDING, "rule": "another_rule"})


def test_accounts_store_an_argon2_hash_and_check_it(store):
    with store.session() as session:
        add_user(session, "王审", "reviewer", "correct horse battery")
        row = session.scalar(select(UserRow))
        assert row.password_hash.startswith("$argon2id$") and "correct horse" not in row.password_hash
        assert authenticate(session, "王审", "correct horse battery").name == "王审"
        assert authenticate(session, "王审", "wrong horse battery") is None
        assert authenticate(session, "nobody", "correct horse battery") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "said"),
    [
        ("王审", "reviewer", "short", "at least 10"),
        ("王审", "auditor", "long enough password", "a role is one of"),
        ("a b", "reviewer", "long enough password", "user name"),
        ("dup", "reviewer", "long enough password", "already"),
    ],
)
def test_accounts_refused(store, name, role, password, said):
    with store.session() as session:
        add_user(session, "dup", "lead", "long enough password")
        with pytest.raises(AccountError, match=said):
            add_user(session, name, role, password)


def test_a_store_written_before_findings_had_keys_gets_them(tmp_path):
    from sqlalchemy import update

    from extractor.batch.runner import run
    from extractor.batch.store import FindingRow
    from tests.batch_corpus import FIXTURES

    run([FIXTURES / "004_3a7665fe0dde1512.txt"], tmp_path, workers=1, tagger="rules", progress=False)
    store = Store.at(tmp_path)
    with store.session() as session:
        keys = dict(session.execute(select(FindingRow.id, FindingRow.key)).all())
        session.execute(update(FindingRow).values(key=None))
        session.commit()
    assert keys and all(keys.values())
    assert store.fill_finding_keys() == len(keys)
    with store.session() as session:
        assert dict(session.execute(select(FindingRow.id, FindingRow.key)).all()) == keys
    assert store.fill_finding_keys() == 0
    store.close()
