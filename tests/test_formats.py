"""Label Studio / doccano conversion (extractor.tagger.formats): lossless round trips and per-record errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.tagger.corpus import LABELS, Entity, Example, annotation_files, read_jsonl, validate, write_jsonl
from extractor.tagger.formats import (
    LABEL_STUDIO_CONFIG,
    FormatError,
    Report,
    convert,
    from_doccano,
    from_label_studio,
    guess_format,
    main,
    read_examples,
    to_doccano,
    to_label_studio,
    write_examples,
)

ROOT = Path(__file__).resolve().parents[1]
GOLD_FILES = [p for p in annotation_files(ROOT / "annotations") if p.name.startswith("seed_")]
GOLD = [ex for p in GOLD_FILES for ex in read_jsonl(p)]


def ex(id_="t#1", text="全市规模工业增加值同比增长7.7%。", ents=((2, 9, "METRIC"), (13, 17, "VALUE")), source="s"):
    return Example(id=id_, text=text, entities=[Entity(start=s, end=e, label=l) for s, e, l in ents], source=source)


def through_json(obj):
    """What a file write + read does to the structure."""
    return json.loads(json.dumps(obj, ensure_ascii=False))


# ----------------------------------------------------------------- gold round trips


def test_gold_present():
    assert len(GOLD_FILES) >= 5 and len(GOLD) > 200


def test_gold_round_trip_label_studio():
    back = from_label_studio(through_json(to_label_studio(GOLD)))
    assert back == GOLD  # ids, sources, texts, entities, order


def test_gold_round_trip_doccano():
    back = from_doccano(through_json(to_doccano(GOLD)))
    assert back == GOLD


@pytest.mark.parametrize("fmt", ["label-studio", "doccano", "jsonl"])
def test_gold_round_trip_files_and_guess(tmp_path, fmt):
    out = tmp_path / f"gold.{fmt}"
    write_examples(out, GOLD, fmt)
    assert guess_format(out) == fmt
    assert read_examples(out) == GOLD


def test_label_studio_task_shape():
    task = to_label_studio([ex()])[0]
    assert task["data"] == {"text": "全市规模工业增加值同比增长7.7%。", "example_id": "t#1", "source": "s"}
    assert task["predictions"] == []
    (ann,) = task["annotations"]
    assert ann["was_cancelled"] is False
    r0, r1 = ann["result"]
    assert r0["from_name"] == "label" and r0["to_name"] == "text" and r0["type"] == "labels"
    assert r0["value"] == {"start": 2, "end": 9, "text": "规模工业增加值", "labels": ["METRIC"]}
    assert r1["value"]["text"] == "7.7%"
    assert r0["id"] != r1["id"] and len(r0["id"]) == 10
    assert 'name="label" toName="text"' in LABEL_STUDIO_CONFIG and 'value="$text"' in LABEL_STUDIO_CONFIG


def test_doccano_record_shape():
    assert to_doccano([ex()]) == [
        {"text": "全市规模工业增加值同比增长7.7%。", "label": [[2, 9, "METRIC"], [13, 17, "VALUE"]],
         "example_id": "t#1", "source": "s"}
    ]


def test_export_sorts_entities():
    e = ex(ents=((13, 17, "VALUE"), (2, 9, "METRIC")))
    assert [r["value"]["start"] for r in to_label_studio([e])[0]["annotations"][0]["result"]] == [2, 13]
    assert to_doccano([e])[0]["label"] == [[2, 9, "METRIC"], [13, 17, "VALUE"]]


# ----------------------------------------------------------------- pre-annotations


def test_predictions_export_and_reimport():
    e = ex(ents=((13, 17, "VALUE"), (2, 9, "METRIC")))  # unsorted: scores follow their entities
    tasks = through_json(to_label_studio([e], predictions=True, model_version="tagger-v3", scores={"t#1": [0.6, 0.9]}))
    (task,) = tasks
    assert task["annotations"] == []
    (pred,) = task["predictions"]
    assert pred["model_version"] == "tagger-v3"
    assert pred["score"] == 0.6
    assert [(r["value"]["text"], r["score"]) for r in pred["result"]] == [("规模工业增加值", 0.9), ("7.7%", 0.6)]

    # without use_predictions a task that nobody annotated is skipped, not invented
    rep = Report()
    assert from_label_studio(tasks, report=rep) == [] and rep.errors == []
    assert len(rep.skipped) == 1 and "no annotation" in rep.skipped[0].problem

    scores: dict = {}
    (back,) = from_label_studio(tasks, use_predictions=True, scores=scores)
    assert back == ex()  # sorted
    assert scores == {"t#1": [0.9, 0.6]}

    # scores survive a second export
    again = to_label_studio([back], predictions=True, model_version="tagger-v3", scores=scores)
    assert again[0]["predictions"][0]["result"] == pred["result"]


def test_predictions_of_gold_round_trip():
    scores = {g.id: [0.5] * len(g.entities) for g in GOLD}
    tasks = through_json(to_label_studio(GOLD, predictions=True, model_version="m", scores=scores))
    got: dict = {}
    assert from_label_studio(tasks, use_predictions=True, scores=got) == GOLD
    assert got == scores


def test_scores_must_match_entities():
    with pytest.raises(ValueError, match="2 entities"):
        to_label_studio([ex()], predictions=True, scores={"t#1": [0.5]})


def test_annotation_beats_prediction_and_latest_wins():
    text = "新增规模以上企业150家（目标），实际新增180家"
    res = lambda s, e, lab: {"from_name": "label", "to_name": "text", "type": "labels",  # noqa: E731
                             "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}}
    task = {
        "id": 7,
        "data": {"text": text, "example_id": "x#1", "source": "s"},
        "annotations": [
            {"id": 1, "result": [res(8, 12, "VALUE")], "was_cancelled": False,
             "created_at": "2024-05-01T10:00:00.000000Z", "updated_at": "2024-05-03T09:00:00.000000Z"},
            {"id": 2, "result": [res(8, 12, "TARGET"), res(21, 25, "VALUE")], "was_cancelled": False,
             "created_at": "2024-05-02T10:00:00.000000Z", "updated_at": "2024-05-04T08:00:00.000000Z"},
            {"id": 3, "result": [], "was_cancelled": True,
             "created_at": "2024-06-01T10:00:00.000000Z", "updated_at": "2024-06-01T10:00:00.000000Z"},
        ],
        "predictions": [{"model_version": "m", "score": 0.1, "result": [res(2, 8, "METRIC")]}],
    }
    (got,) = from_label_studio([task], use_predictions=True)
    assert [(e.start, e.end, e.label) for e in got.entities] == [(8, 12, "TARGET"), (21, 25, "VALUE")]

    # updated_at decides, not list order
    task["annotations"][0]["updated_at"] = "2024-05-05T00:00:00+00:00"
    (got,) = from_label_studio([task])
    assert [e.label for e in got.entities] == ["VALUE"]

    # without timestamps: the last non-cancelled one
    for a in task["annotations"]:
        a.pop("created_at"), a.pop("updated_at")
    (got,) = from_label_studio([task])
    assert [e.label for e in got.entities] == ["TARGET", "VALUE"]

    # only cancelled annotations: skipped, or the prediction when asked
    task["annotations"] = task["annotations"][2:]
    rep = Report()
    assert from_label_studio([task], report=rep) == [] and "cancelled" in rep.skipped[0].problem
    (got,) = from_label_studio([task], use_predictions=True)
    assert [(e.start, e.end, e.label) for e in got.entities] == [(2, 8, "METRIC")]


def test_empty_annotation_is_an_example_without_entities():
    task = {"data": {"text": "办公室电话0571-1234567", "example_id": "n#1", "source": "s"}, "annotations": [{"result": []}]}
    (got,) = from_label_studio([task])
    assert got.entities == []


# ----------------------------------------------------------------- property-based


_chars = st.sampled_from(list("规模工业增加值同比增长预算数执行率万元亿家个％%.,0123456789≥≤ ，。、 𠀀😀abcXYZ\n"))


@st.composite
def examples(draw):
    text = draw(st.text(alphabet=_chars, min_size=1, max_size=60).filter(lambda t: t.strip()))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=10)))
    ents = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        span = text[a:b]
        if span and span == span.strip() and draw(st.booleans()):
            ents.append(Entity(start=a, end=b, label=draw(st.sampled_from(LABELS))))
    id_ = draw(st.text(min_size=1, max_size=12).filter(lambda s: s.strip()))
    source = draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
    e = Example(id=id_, text=text, entities=ents, source=source)
    assert validate(e) == []
    return e


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(examples(), min_size=1, max_size=4, unique_by=lambda e: e.id))
def test_property_round_trip(exs):
    assert from_label_studio(through_json(to_label_studio(exs))) == exs
    assert from_label_studio(through_json(to_label_studio(exs, utf16_offsets=True)), utf16_offsets=True) == exs
    assert from_doccano(through_json(to_doccano(exs))) == exs
    scores = {e.id: [0.25] * len(e.entities) for e in exs}
    tasks = through_json(to_label_studio(exs, predictions=True, model_version="p", scores=scores))
    assert from_label_studio(tasks, use_predictions=True) == exs


# ----------------------------------------------------------------- realistic exports

LS_EXPORT = r"""
[
  {
    "id": 1041,
    "annotations": [
      {
        "id": 3310,
        "completed_by": 2,
        "result": [
          {"value": {"start": 2, "end": 9, "text": "规模工业增加值", "labels": ["METRIC"]},
           "id": "Xk3bN1_aQe", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"},
          {"value": {"start": 13, "end": 17, "text": "7.7%", "labels": ["VALUE"]},
           "id": "m2PZf8cT0b", "from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction-changed"},
          {"value": {"text": ["同比"]}, "id": "c1", "from_name": "comment", "to_name": "text", "type": "textarea", "origin": "manual"}
        ],
        "was_cancelled": false,
        "ground_truth": false,
        "created_at": "2024-11-05T08:12:44.508201Z",
        "updated_at": "2024-11-05T08:13:02.117030Z",
        "draft_created_at": null,
        "lead_time": 21.6,
        "prediction": {},
        "result_count": 0,
        "unique_id": "6b1f7a8e-2c2e-4a55-9d0f-0f2a1d0c9b11",
        "import_id": null,
        "last_action": null,
        "task": 1041,
        "project": 12,
        "updated_by": 2,
        "parent_prediction": 88,
        "parent_annotation": null,
        "last_created_by": null
      }
    ],
    "file_upload": "3c2f1a-tasks.json",
    "drafts": [],
    "predictions": [88],
    "data": {"text": "全市规模工业增加值同比增长7.7%。", "example_id": "003#12", "source": "seeds/003 line 40"},
    "meta": {},
    "created_at": "2024-11-01T09:00:00.000000Z",
    "updated_at": "2024-11-05T08:13:02.140000Z",
    "inner_id": 41,
    "total_annotations": 1,
    "cancelled_annotations": 0,
    "total_predictions": 1,
    "comment_count": 0,
    "unresolved_comment_count": 0,
    "last_comment_updated_at": null,
    "project": 12,
    "updated_by": 2,
    "comment_authors": []
  },
  {
    "id": 1042,
    "annotations": [],
    "predictions": [
      {"id": 89, "model_version": "tagger-2024-10", "created_ago": "3 days", "score": 0.71,
       "result": [
         {"id": "p0", "from_name": "label", "to_name": "text", "type": "labels", "score": 0.93,
          "value": {"start": 0, "end": 4, "text": "工业投资", "labels": ["METRIC"]}},
         {"id": "p1", "from_name": "label", "to_name": "text", "type": "labels", "score": 0.71,
          "value": {"start": 6, "end": 11, "text": "19.8%", "labels": ["VALUE"]}}
       ],
       "cluster": null, "neighbors": null, "mislabeling": 0.0,
       "created_at": "2024-11-02T10:00:00.000000Z", "updated_at": "2024-11-02T10:00:00.000000Z",
       "task": 1042, "project": 12}
    ],
    "data": {"text": "工业投资增长19.8%"},
    "meta": {},
    "inner_id": 42
  }
]
"""

LS_JSON_MIN = r"""
[
  {"text": "全市规模工业增加值同比增长7.7%。", "id": 1041, "example_id": "003#12", "source": "seeds/003 line 40",
   "label": [{"start": 2, "end": 9, "text": "规模工业增加值", "labels": ["METRIC"]}],
   "annotator": 2, "annotation_id": 3309, "created_at": "2024-11-04T08:12:44.508201Z",
   "updated_at": "2024-11-04T08:13:02.117030Z", "lead_time": 12.0},
  {"text": "全市规模工业增加值同比增长7.7%。", "id": 1041, "example_id": "003#12", "source": "seeds/003 line 40",
   "label": [{"start": 2, "end": 9, "text": "规模工业增加值", "labels": ["METRIC"]},
             {"start": 13, "end": 17, "text": "7.7%", "labels": ["VALUE"]}],
   "annotator": 3, "annotation_id": 3310, "created_at": "2024-11-05T08:12:44.508201Z",
   "updated_at": "2024-11-05T08:13:02.117030Z", "lead_time": 21.6},
  {"text": "新建5G基站956个", "id": 1043,
   "label": [{"start": 2, "end": 6, "text": "5G基站", "labels": ["METRIC"]},
             {"start": 6, "end": 10, "text": "956个", "labels": ["VALUE"]}],
   "annotator": 2, "annotation_id": 3311, "created_at": "2024-11-05T09:00:00Z", "updated_at": "2024-11-05T09:00:00Z",
   "lead_time": 5.0}
]
"""

DOCCANO_LABEL = """\
{"id": 17, "text": "工业投资、技改投资分别增长19.8%、28.3%", "label": [[0, 4, "METRIC"], [5, 9, "METRIC"], [13, 18, "VALUE"], [19, 24, "VALUE"]], "Comments": [], "example_id": "002#9", "source": "seeds/002 line 50"}
{"id": 18, "text": "走访企业572家", "label": [[4, 8, "VALUE"], [0, 4, "METRIC"]], "Comments": []}
"""

DOCCANO_LABELS_OLD = """\
{"id": 5, "text": "预算执行率96%", "meta": {"example_id": "001#30", "source": "seeds/001 line 80"}, "annotation_approver": null, "labels": [[0, 5, "METRIC"], [5, 8, "VALUE"]]}
"""

DOCCANO_ENTITIES = """\
{"id": 2231, "text": "新增规模以上企业150家（目标），实际新增180家", "entities": [{"id": 901, "label": "METRIC", "start_offset": 2, "end_offset": 8}, {"id": 902, "label": "TARGET", "start_offset": 8, "end_offset": 12}, {"id": 903, "label": "VALUE", "start_offset": 21, "end_offset": 25}], "relations": [], "Comments": [], "source": "report 7"}
"""


def spans(e: Example):
    return [(e.text[x.start : x.end], x.label) for x in e.entities]


def test_import_label_studio_export(tmp_path):
    path = tmp_path / "project-12-at-2024-11-05.json"
    path.write_text(LS_EXPORT, encoding="utf-8")
    assert guess_format(path) == "label-studio"
    rep = Report()
    got = read_examples(path, report=rep)
    assert rep.errors == [] and [p.record for p in rep.skipped] == [2]
    (a,) = got
    assert (a.id, a.source) == ("003#12", "seeds/003 line 40")
    assert spans(a) == [("规模工业增加值", "METRIC"), ("7.7%", "VALUE")]  # textarea ignored

    scores: dict = {}
    a2, b = read_examples(path, use_predictions=True, scores=scores)
    assert a2 == a
    assert (b.id, b.source) == ("1042", "project-12-at-2024-11-05 record 2")  # task id, file fallback
    assert spans(b) == [("工业投资", "METRIC"), ("19.8%", "VALUE")]
    assert scores == {"1042": [0.93, 0.71]}


def test_import_label_studio_json_min(tmp_path):
    path = tmp_path / "min.json"
    path.write_text(LS_JSON_MIN, encoding="utf-8")
    assert guess_format(path) == "label-studio"
    rep = Report()
    a, b = read_examples(path, report=rep)
    assert rep.errors == [] and [p.record for p in rep.skipped] == [1]  # older row of the same task
    assert a.id == "003#12" and spans(a) == [("规模工业增加值", "METRIC"), ("7.7%", "VALUE")]
    assert b.id == "1043" and spans(b) == [("5G基站", "METRIC"), ("956个", "VALUE")]


@pytest.mark.parametrize("content", [DOCCANO_LABEL, DOCCANO_LABELS_OLD, DOCCANO_ENTITIES])
def test_guess_doccano(tmp_path, content):
    path = tmp_path / "admin.jsonl"
    path.write_text(content, encoding="utf-8")
    assert guess_format(path) == "doccano"


def test_import_doccano_variants():
    recs = [json.loads(l) for s in (DOCCANO_LABEL, DOCCANO_LABELS_OLD, DOCCANO_ENTITIES) for l in s.splitlines()]
    a, b, c, d = from_doccano(recs)
    assert (a.id, a.source) == ("002#9", "seeds/002 line 50")
    assert spans(a) == [("工业投资", "METRIC"), ("技改投资", "METRIC"), ("19.8%", "VALUE"), ("28.3%", "VALUE")]
    assert (b.id, b.source) == ("18", "doccano record 2")
    assert spans(b) == [("走访企业", "METRIC"), ("572家", "VALUE")]  # sorted on import
    assert (c.id, c.source) == ("001#30", "seeds/001 line 80") and spans(c) == [("预算执行率", "METRIC"), ("96%", "VALUE")]
    assert (d.id, d.source) == ("2231", "report 7")
    assert spans(d) == [("规模以上企业", "METRIC"), ("150家", "TARGET"), ("180家", "VALUE")]


def test_doccano_data_key_and_no_labels():
    (a,) = from_doccano([{"id": 3, "data": "公务接待费0.5万元", "label": [[0, 5, "METRIC"], [5, 10, "VALUE"]]}])
    assert spans(a) == [("公务接待费", "METRIC"), ("0.5万元", "VALUE")]
    (b,) = from_doccano([{"text": "无指标句子", "example_id": "z", "source": "s"}])
    assert b.entities == []


def test_label_studio_utf16_offsets():
    text = "𠀀𠀁规模工业增加值7.7%"  # two characters outside the BMP before the spans
    e = ex(text=text, ents=((2, 9, "METRIC"), (9, 13, "VALUE")))
    tasks = to_label_studio([e], utf16_offsets=True)
    assert tasks[0]["annotations"][0]["result"][0]["value"]["start"] == 4
    assert from_label_studio(tasks, utf16_offsets=True) == [e]
    assert from_label_studio(tasks) == [e]  # detected: the span texts match only as UTF-16
    assert from_label_studio(to_label_studio([e])) == [e]  # code points stay code points
    rep = Report()
    assert from_label_studio(to_label_studio([e]), utf16_offsets=True, report=rep) == []
    assert "!= text" in rep.errors[0].problem


# ----------------------------------------------------------------- bad records


def _ls_task(id_, text, *spans_):
    return {"data": {"text": text, "example_id": id_, "source": "s"},
            "annotations": [{"result": [
                {"id": f"r{k}", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": s, "end": e, "text": t, "labels": [lab]}}
                for k, (s, e, t, lab) in enumerate(spans_)]}]}


BAD_LS = [
    _ls_task("ok#1", "执行率100%", (0, 3, "执行率", "METRIC"), (3, 7, "100%", "VALUE")),
    _ls_task("past#1", "执行率100%", (3, 9, "100%", "VALUE")),
    _ls_task("text#1", "执行率100%", (3, 7, "100", "VALUE")),
    _ls_task("label#1", "执行率100%", (3, 7, "100%", "AMOUNT")),
    _ls_task("overlap#1", "执行率100%", (0, 4, "执行率1", "METRIC"), (3, 7, "100%", "VALUE")),
    _ls_task("ok#2", "走访企业572家", (4, 8, "572家", "VALUE"), (0, 4, "走访企业", "METRIC")),
    "not a task",
]


def test_bad_label_studio_records_reported_good_ones_converted():
    rep = Report()
    got = from_label_studio(BAD_LS, report=rep)
    assert [e.id for e in got] == ["ok#1", "ok#2"]
    assert (rep.records, rep.converted) == (7, 2)
    by = {p.record: p for p in rep.errors}
    assert sorted(by) == [2, 3, 4, 5, 7]
    assert "outside the text" in by[2].problem and by[2].id == "past#1"
    assert "'100' != text[3:7] '100%'" in by[3].problem
    assert "label not in METRIC/VALUE/TARGET" in by[4].problem
    assert "overlaps" in by[5].problem
    assert "not a task object" in by[7].problem

    with pytest.raises(FormatError) as info:
        from_label_studio(BAD_LS)
    assert [e.id for e in info.value.examples] == ["ok#1", "ok#2"]
    assert "record 3 (text#1)" in str(info.value)


def test_bad_doccano_records_reported_good_ones_converted():
    recs = [
        {"text": "执行率100%", "label": [[0, 3, "METRIC"], [3, 7, "VALUE"]], "example_id": "ok"},
        {"text": "执行率100%", "label": [[3, 8, "VALUE"]], "example_id": "past"},
        {"text": "执行率100%", "label": [[3, 7, "value"]], "example_id": "label"},
        {"text": "执行率100%", "label": [[0, 5, "METRIC"], [3, 7, "VALUE"]], "example_id": "overlap"},
        {"text": "执行率100%", "label": [[3, 7]], "example_id": "short"},
        {"text": "执行率100%", "label": [["3", 7, "VALUE"]], "example_id": "str"},
        {"text": "执行率100%", "label": [[3, 7, "VALUE"]], "example_id": "ok"},
        {"text": "执行率 100%", "label": [[3, 8, "VALUE"]], "example_id": "space"},
    ]
    rep = Report()
    got = from_doccano(recs, report=rep)
    assert [e.id for e in got] == ["ok"]
    problems = {p.record: p.problem for p in rep.errors}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8]
    assert "outside" in problems[2]
    assert "label not in" in problems[3]
    assert "overlaps" in problems[4]
    assert "not [start, end, label]" in problems[5]
    assert "integers" in problems[6]
    assert "duplicate id 'ok' (first in record 1)" in problems[7]
    assert "whitespace" in problems[8]


def test_cli_convert_reports_file_record_and_counts(tmp_path, capsys):
    src = tmp_path / "export.jsonl"
    lines = [
        json.dumps({"text": "执行率100%", "label": [[0, 3, "METRIC"], [3, 7, "VALUE"]], "example_id": "a", "source": "s"}, ensure_ascii=False),
        "{not json",
        json.dumps({"text": "执行率100%", "label": [[3, 7, "BUDGET"]], "example_id": "b", "source": "s"}),
        json.dumps({"text": "走访企业572家", "label": [[0, 4, "METRIC"], [4, 8, "VALUE"]], "example_id": "c", "source": "s"}, ensure_ascii=False),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "gold.jsonl"
    assert main(["convert", str(src), str(out), "--to", "jsonl"]) == 1  # --from guessed
    cap = capsys.readouterr()
    assert f"{src}: record 2: not JSON" in cap.err
    assert f"{src}: record 3 (b): " in cap.err and "label not in" in cap.err
    assert "2 of 4 records converted, 2 errors, 0 skipped" in cap.out
    assert [e.id for e in read_jsonl(out)] == ["a", "c"]

    ls = tmp_path / "tasks.json"
    assert main(["convert", str(out), str(ls), "--from", "jsonl", "--to", "label-studio",
                 "--predictions", "--model-version", "v9"]) == 0
    tasks = json.loads(ls.read_text(encoding="utf-8"))
    assert {t["predictions"][0]["model_version"] for t in tasks} == {"v9"}
    back = tmp_path / "back.doccano.jsonl"
    assert main(["convert", str(ls), str(back), "--to", "doccano", "--use-predictions"]) == 0
    assert read_examples(back, "doccano") == read_jsonl(out)


def test_convert_gold_file_all_formats(tmp_path):
    src = GOLD_FILES[0]
    chain = [("label-studio", "a.json"), ("doccano", "b.jsonl"), ("jsonl", "c.jsonl")]
    prev = src
    for fmt, name in chain:
        rep = convert(prev, tmp_path / name, to_fmt=fmt)
        assert rep.errors == [] and rep.converted == rep.records
        prev = tmp_path / name
    assert (tmp_path / "c.jsonl").read_text(encoding="utf-8") == src.read_text(encoding="utf-8")


def test_cli_unreadable_file(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("[{broken", encoding="utf-8")
    assert main(["convert", str(bad), str(tmp_path / "y.jsonl"), "--to", "jsonl"]) == 2
    assert str(bad) in capsys.readouterr().err


def test_jsonl_input_sorted_and_written(tmp_path):
    src = tmp_path / "in.jsonl"
    e = ex(ents=((13, 17, "VALUE"), (2, 9, "METRIC")))
    write_jsonl(src, [e])
    (got,) = read_examples(src, "jsonl")
    assert got == ex()
