"""The annotator's loop end to end, from the console scripts: tag with the shipped model, export to
Label Studio as predictions, correct and import back, train a new model on it, tag with that model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LINES = [
    {"id": "l1", "text": "全年共走访规上企业572家，规模工业增加值增长8.3%。"},
    {"id": "l2", "text": "培训基层农技人员1200人次，目标任务完成率达到100%。", "role": "goal"},
    {"id": "l3", "text": "本年度未安排专项资金。"},
]


def _run(*cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([*cmd], cwd=cwd, capture_output=True, text=True, timeout=1800, check=False,
                          env=os.environ | {"COLUMNS": "200"})
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    work = tmp_path_factory.mktemp("loop")
    (work / "lines.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in LINES), encoding="utf-8")
    # 1. the shipped model pre-annotates, 2. Label Studio gets predictions with scores, model and role
    _run(str(BIN / "extractor"), "tag", "lines.jsonl", "-o", "tagged.jsonl", cwd=work)
    _run(str(BIN / "python"), "-m", "extractor.tagger.formats", "convert", "tagged.jsonl", "ls.json",
         "--to", "label-studio", "--predictions", cwd=work)
    tasks = json.loads((work / "ls.json").read_text(encoding="utf-8"))
    # 3. the annotator accepts each prediction as an annotation and removes one span of the first text
    for task in tasks:
        result = task["predictions"][0]["result"]
        if task["data"]["example_id"] == "l1":
            result = result[1:]
        task["annotations"] = [{"result": result, "was_cancelled": False, "updated_at": "2026-12-04T10:00:00Z"}]
    (work / "ls-done.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    _run(str(BIN / "python"), "-m", "extractor.tagger.formats", "convert", "ls-done.json", "reviewed.jsonl", "--to", "jsonl",
         cwd=work)
    # 4. the reviewed file joins a copy of the annotations, listed in its split table, and a new model is trained
    ann = work / "annotations"
    shutil.copytree(ROOT / "annotations", ann)
    shutil.copy(work / "reviewed.jsonl", ann / "reviewed.jsonl")
    with (ann / "README.md").open("a", encoding="utf-8") as fh:
        fh.write("\n| file | split |\n|------|-------|\n| reviewed.jsonl | train |\n")
    trained = _run(str(BIN / "extractor"), "train", "--quick", "--limit", "48", "--out", str(work / "run"),
                   "--annotations", str(ann), cwd=work)
    # 5. the new model tags
    _run(str(BIN / "extractor"), "tag", "lines.jsonl", "-o", "again.jsonl", "--model", str(work / "run"), cwd=work)
    return work, tasks, trained


def test_label_studio_gets_the_taggers_scores_model_and_role(loop):
    work, tasks, _ = loop
    tagged = [json.loads(line) for line in (work / "tagged.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(tasks) == 3
    for rec, task in zip(tagged, tasks):
        (pred,) = task["predictions"]
        assert pred["model_version"] == rec["model"]
        assert sorted(r["score"] for r in pred["result"]) == sorted(e["score"] for e in rec["entities"])
        assert [r["value"]["text"] for r in pred["result"]] == [rec["text"][e["start"]:e["end"]] for e in rec["entities"]]
    assert tasks[1]["data"]["source"].endswith("role=goal")


def test_the_correction_comes_back_as_annotation_data(loop):
    from extractor.tagger.corpus import read_jsonl
    from extractor.tagger.roles import role_of_source

    work, tasks, _ = loop
    reviewed = {ex.id: ex for ex in read_jsonl(work / "reviewed.jsonl")}
    assert set(reviewed) == {"l1", "l2", "l3"}
    assert len(reviewed["l1"].entities) == len(tasks[0]["predictions"][0]["result"]) - 1
    assert role_of_source(reviewed["l2"].source) == "goal"


def test_the_new_model_records_where_it_came_from_and_how_it_compares(loop):
    work, _, trained = loop
    run = work / "run"
    meta = json.loads((run / "tagger.json").read_text(encoding="utf-8"))
    assert "reviewed.jsonl" in meta["train"]["gold_files"]
    assert meta["provenance"]["recipe"] == "quick" and len(meta["provenance"]["base_sha256"]) == 64
    assert meta["provenance"]["code_commit"]
    splits = {r["split"]: r for r in meta["comparison"]}
    assert {"dev", "blind"} <= set(splits) and all(0 <= r["new"] <= 1 and 0 <= r["shipped"] <= 1 for r in splits.values())
    assert "temperature" in meta and "calibration" in meta
    card = (run / "README.md").read_text(encoding="utf-8")
    assert "Against the shipped model" in card and "## Calibration" in card
    assert "the new model against the shipped one" in trained.stdout
    assert not (work / "run.work").exists()  # checkpoints removed once the run is done
    again = [json.loads(line) for line in (work / "again.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["model"] for r in again} == {meta["version"]}


def test_the_shipped_model_and_finished_runs_are_not_overwritten(loop, tmp_path):
    work, _, _ = loop
    for out, said in ((ROOT / "models" / "tagger", "this is the shipped model"), (work / "run", "already holds a trained model")):
        proc = subprocess.run([str(BIN / "extractor"), "train", "--quick", "--out", str(out)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 2 and said in proc.stderr and "Traceback" not in proc.stderr
    ann = tmp_path / "annotations"
    shutil.copytree(ROOT / "annotations", ann)
    (ann / "forgotten.jsonl").write_text("", encoding="utf-8")
    proc = subprocess.run([str(BIN / "extractor"), "train", "--quick", "--out", str(tmp_path / "r"), "--annotations", str(ann)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "forgotten.jsonl: not in the split table" in proc.stderr
