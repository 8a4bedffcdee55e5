"""Distillation (training/distill.py): the loss, the teachers' checks, and soft targets that line up with
the student's tokens."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from extractor.tagger.encoding import LABELS
from training.distill import TARGETS, DistillError, add_soft_targets, distill_loss, load_teachers

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "tagger"
# the student's base: the shipped model's folder has the base's tokenizer (models/base is not built in CI)
BASE = SHIPPED


def _logits(seed: int, shape=(2, 5, len(LABELS))):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def test_gold_weight_one_is_plain_cross_entropy_over_labelled_tokens():
    student, teacher = _logits(0), torch.log_softmax(_logits(1), -1)
    labels = torch.tensor([[0, 1, -100, 2, 0], [-100, 3, 4, 0, -100]])
    keep = labels != -100
    expected = torch.nn.functional.cross_entropy(student[keep], labels[keep])
    assert torch.isclose(distill_loss(student, labels, teacher, alpha=1.0, temperature=2.0), expected)


def test_soft_loss_vanishes_when_the_student_already_agrees_with_the_teachers():
    student = _logits(2)
    labels = torch.zeros(student.shape[:2], dtype=torch.long)
    agree = distill_loss(student, labels, torch.log_softmax(student, -1), alpha=0.0, temperature=2.0)
    disagree = distill_loss(student, labels, torch.log_softmax(_logits(3), -1), alpha=0.0, temperature=2.0)
    assert abs(float(agree)) < 1e-5
    assert float(disagree) > 0.01


def test_unlabelled_positions_do_not_move_the_loss():
    student, teacher = _logits(4), torch.log_softmax(_logits(5), -1)
    labels = torch.tensor([[0, 1, -100, 2, 0], [-100, 3, 4, 0, -100]])
    changed = student.clone()
    changed[labels == -100] += 50.0
    assert torch.isclose(distill_loss(student, labels, teacher, 0.5, 2.0), distill_loss(changed, labels, teacher, 0.5, 2.0))


def _fake_run(tmp_path: Path, labels=None, tokenizer_edit=None) -> Path:
    run = tmp_path / "teacher"
    run.mkdir()
    meta = json.loads((SHIPPED / "tagger.json").read_text(encoding="utf-8"))
    if labels is not None:
        meta["labels"] = labels
    (run / "tagger.json").write_text(json.dumps(meta), encoding="utf-8")
    tokens = json.loads((SHIPPED / "tokenizer.json").read_text(encoding="utf-8"))
    if tokenizer_edit:
        tokenizer_edit(tokens)
    (run / "tokenizer.json").write_text(json.dumps(tokens), encoding="utf-8")
    return run


@pytest.mark.parametrize("case, words", [
    ("labels", "labels"),
    ("tokenizer", "tokenizer.json differs"),
    ("not a run", "not a trained tagger"),
])
def test_a_teacher_that_reads_or_labels_otherwise_is_refused(tmp_path, case, words):
    if case == "labels":
        run = _fake_run(tmp_path, labels=[*LABELS[:-1], "I-OTHER"])
    elif case == "tokenizer":
        run = _fake_run(tmp_path, tokenizer_edit=lambda t: t["model"]["vocab"].append(["新词甲", -20.0]))
    else:
        run = tmp_path
    with pytest.raises(DistillError, match=words) as err:
        load_teachers([run], BASE, list(LABELS))
    assert str(run) in str(err.value) and "\n" not in str(err.value)


def test_a_wrong_teacher_stops_the_training_command_with_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "training.train", "--out", str(tmp_path / "run"), "--synth", "0",
                           "--base", str(BASE), "--teachers", str(tmp_path / "missing")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [f"error: {tmp_path / 'missing'}: not a trained tagger (no tagger.json)"]


def test_soft_targets_line_up_with_the_student_tokens():
    """The shipped model as the teacher of its own training sentences: if its targets were shifted by a token
    or read without the hints, they would disagree with the gold labels far more often than it does."""
    from transformers import AutoTokenizer

    from training.silver import rule_spans
    from training.train import HintCollator, load_examples, split_files, to_dataset

    examples = load_examples(split_files("train"))[:40]
    tokenizer = AutoTokenizer.from_pretrained(str(SHIPPED))
    ds = to_dataset(tokenizer, examples, 160, rule_spans(examples))
    teacher = load_teachers([SHIPPED], BASE, list(LABELS))
    one, two = add_soft_targets(ds, teacher, HintCollator(tokenizer)), add_soft_targets(ds, teacher * 2, HintCollator(tokenizer))
    right = total = 0
    for row_one, row_two in zip(one, two, strict=True):
        soft = torch.tensor(row_one[TARGETS])
        assert soft.shape == (len(row_one["input_ids"]), len(LABELS))
        assert torch.allclose(soft.exp().sum(-1), torch.ones(len(soft)), atol=1e-3)
        assert torch.allclose(soft, torch.tensor(row_two[TARGETS]), atol=1e-3)  # the mean of a teacher and itself
        labels = torch.tensor(row_one["labels"])
        keep = labels != -100
        right += int((soft.argmax(-1)[keep] == labels[keep]).sum())
        total += int(keep.sum())
    assert total > 500 and right / total > 0.95

    batch = HintCollator(tokenizer)([{k: v for k, v in one[i].items()} for i in range(4)])
    assert batch[TARGETS].shape == (*batch["input_ids"].shape, len(LABELS))
    padded = batch["labels"] == -100
    assert torch.all(batch[TARGETS][padded & (batch["attention_mask"] == 0)] == 0)


def test_the_teachers_are_checked_against_the_base_folder(tmp_path):
    base = tmp_path / "base"
    shutil.copytree(BASE, base, ignore=shutil.ignore_patterns("*.safetensors", "*.onnx"))
    (base / "tokenizer.json").unlink()
    with pytest.raises(DistillError, match="no tokenizer.json"):
        load_teachers([SHIPPED], base, list(LABELS))


def test_unlabelled_windows_teach_through_the_teachers_only():
    """On a window without gold its "O" labels mark where to learn, not what: changing them moves nothing."""
    student, teacher = _logits(6), torch.log_softmax(_logits(7), -1)
    labels = torch.tensor([[0, 1, -100, 2, 0], [-100, 0, 0, 0, -100]])
    has_gold = torch.tensor([1, 0])
    relabelled = labels.clone()
    relabelled[1, 1:4] = 3
    loss = distill_loss(student, labels, teacher, 0.5, 2.0, has_gold)
    assert torch.isclose(loss, distill_loss(student, relabelled, teacher, 0.5, 2.0, has_gold))
    # ... while the soft targets on it still count
    other = teacher.clone()
    other[1] = torch.log_softmax(_logits(8)[1], -1)
    assert not torch.isclose(loss, distill_loss(student, labels, other, 0.5, 2.0, has_gold))
    # a batch of unlabelled windows alone still gives a finite loss
    assert torch.isfinite(distill_loss(student, labels, teacher, 0.5, 2.0, torch.tensor([0, 0])))


def test_unlabelled_text_is_read_as_passages_without_spans_and_refused_with_spans(tmp_path):
    from training.distill import read_unlabelled

    plain = tmp_path / "plain.txt"
    plain.write_text("# genre: test\n全年完成植树造林1200亩。\n指标\\t目标值\\t完成值\\n造林面积\\t1000亩\\t1200亩\n", encoding="utf-8")
    examples = read_unlabelled(plain)
    assert [ex.text for ex in examples] == ["全年完成植树造林1200亩。", "指标\t目标值\t完成值\n造林面积\t1000亩\t1200亩"]
    assert all(not ex.entities for ex in examples)
    marked = tmp_path / "marked.txt"
    marked.write_text("完成[植树造林]{M}[1200亩]{V}。\n", encoding="utf-8")
    with pytest.raises(DistillError, match="carry spans"):
        read_unlabelled(marked)
    with pytest.raises(DistillError, match="no such unlabelled"):
        read_unlabelled(tmp_path / "absent.txt")


def test_windows_say_whether_their_labels_are_gold():
    from transformers import AutoTokenizer

    from training.distill import GOLD
    from training.train import HintCollator, load_examples, split_files, to_dataset

    gold = load_examples(split_files("train"))[:3]
    tokenizer = AutoTokenizer.from_pretrained(str(SHIPPED))
    unlabelled = [ex.model_copy(update={"entities": []}) for ex in gold[:2]]
    ds = to_dataset(tokenizer, gold + unlabelled, 160, gold=[True] * 3 + [False] * 2)
    assert ds[GOLD] == [1] * (len(ds) - 2) + [0, 0]
    batch = HintCollator(tokenizer)([dict(ds[i]) for i in range(len(ds))])
    assert batch[GOLD].tolist() == ds[GOLD]
    assert GOLD not in to_dataset(tokenizer, gold, 160).column_names


def test_unlabelled_text_without_teachers_is_refused_with_one_line(tmp_path):
    text = tmp_path / "u.txt"
    text.write_text("全年完成植树造林1200亩。\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "training.train", "--out", str(tmp_path / "run"), "--synth", "0",
                           "--base", str(BASE), "--unlabelled", str(text)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == ["error: unlabelled text needs teachers to label it (--teachers RUN …)"]


@pytest.mark.parametrize("name, count", [("passages.txt", 300), ("passages2.txt", 360)])
def test_the_bundled_unlabelled_passages_read_without_spans(name, count):
    from training.distill import read_unlabelled

    examples = read_unlabelled(ROOT / "annotations" / "unlabelled" / name)
    assert len(examples) == count and not any(ex.entities for ex in examples)
    assert len({ex.text for ex in examples}) == count
    assert sum("\t" in ex.text or "\n" in ex.text for ex in examples) >= 25  # the form rows keep their layout


def test_the_two_unlabelled_sets_share_no_passage():
    from training.distill import read_unlabelled

    folder = ROOT / "annotations" / "unlabelled"
    first, second = ({ex.text for ex in read_unlabelled(folder / n)} for n in ("passages.txt", "passages2.txt"))
    assert not first & second


def test_the_model_card_names_a_repeated_unlabelled_file_once_with_its_count():
    from training.train import _times

    assert _times(["u/a.txt"] * 4 + ["u/b.txt"] * 4) == "u/a.txt ×4, u/b.txt ×4"
    assert _times(["u/a.txt"]) == "u/a.txt"
