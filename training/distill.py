"""Teach one tagger from several: ensemble soft targets for `training.train --teachers`.

An average of several fine-tuned runs' predictions tags better than each run
(measured: docs/benchmarks.md, "distillation"), but costs one model per member
at prediction time, and the tagger must run at 100 sentences a second on two
cores. Distillation (Hinton et al., 2015) keeps the single model's cost: each
training window is read once by every teacher, their log-probabilities are
averaged (a geometric mean of their distributions), and the student learns
from the gold labels and from those soft targets together.

The teachers read exactly the student's inputs (the same token ids and the
same noisy rule hints), so the soft targets line up token by token with no
re-alignment. Teachers must share the student's tokenizer and label list;
anything else is refused with a one-line error.

Text without annotation can be added (`--unlabelled FILE`: the project's inline
markup with no spans, e.g. annotations/unlabelled/passages.txt): on its
windows the student learns from the soft targets alone. On generated text the
teachers already agree with the labels, so the soft targets there add little;
report-like text is where an ensemble and a single run differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

TARGETS = "teacher_logprobs"
# 1 where a window's labels are gold, 0 on unlabelled text (its "O" labels only mark the tokens to learn on)
GOLD = "has_gold"


class DistillError(ValueError):
    """A teacher or an unlabelled file the student cannot learn from; the CLI prints it as one line."""


class Teacher(NamedTuple):
    model: Any  # a torch token classifier in eval mode
    hinted: bool  # reads the rule hints (extractor/tagger/hinted.py)
    version: str  # from its tagger.json, for the student's model card


def load_teachers(runs: list[Path], base: Path, labels: list[str]) -> list[Teacher]:
    """The teachers' torch models in float32 and eval mode (a shipped tagger keeps float16 weights), after
    checking they read as the student's `base` does and label as it will."""
    from extractor.tagger.hinted import model_class

    base_tokens = Path(base) / "tokenizer.json"
    if not base_tokens.is_file():
        raise DistillError(f"{base}: no tokenizer.json to check the teachers' against (the base must be a local folder)")
    # compared parsed: a saved run rewrites the file, so its bytes may differ
    tokenizer = json.loads(base_tokens.read_text(encoding="utf-8"))
    models = []
    for run in runs:
        meta_path = run / "tagger.json"
        if not meta_path.is_file():
            raise DistillError(f"{run}: not a trained tagger (no tagger.json)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["labels"] != labels:
            raise DistillError(f"{run}: its labels {meta['labels']} are not the student's {labels}")
        if json.loads((run / "tokenizer.json").read_text(encoding="utf-8")) != tokenizer:
            raise DistillError(f"{run}: its tokenizer.json differs from the student's base; a teacher must read the same tokens")
        model = model_class(meta).from_pretrained(str(run))
        models.append(Teacher(model.float().eval(), bool(meta.get("hints")), meta["version"]))
    return models


def add_soft_targets(dataset, teachers: list[Teacher], collate, batch_size: int = 64):
    """`dataset` with a column of the teachers' mean log-probabilities per token ([tokens x labels]);
    `collate` is the student's collator (`training.train.HintCollator`), so teachers read batches padded as it does."""
    import torch

    rows = dataset.to_dict()
    keys = [k for k in ("input_ids", "labels", "hint_ids") if k in rows]
    lengths = [len(ids) for ids in rows["input_ids"]]
    targets: list = [None] * len(lengths)
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            batch = collate([{k: rows[k][i] for k in keys} for i in idx])
            inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
            total = sum(torch.log_softmax(t.model(**inputs, **({"hint_ids": batch["hint_ids"]} if t.hinted and "hint_ids" in batch
                                                              else {})).logits.float(), dim=-1) for t in teachers)
            mean = (total / len(teachers)).numpy()
            for r, i in enumerate(idx):
                targets[i] = mean[r, : lengths[i]].round(4).tolist()
    return dataset.add_column(TARGETS, targets)


def read_unlabelled(path: Path):
    """The passages of an unlabelled file (inline markup, one passage a line) as examples without entities."""
    from extractor.tagger.markup import MarkupError, read_markup

    if not path.is_file():
        raise DistillError(f"{path}: no such unlabelled text file")
    try:
        examples = read_markup(path, prefix=f"unlabelled-{path.stem}", source=f"unlabelled text, {path.name}")
    except MarkupError as err:
        raise DistillError(str(err).splitlines()[0]) from None
    marked = [ex.id for ex in examples if ex.entities]
    if marked:
        raise DistillError(f"{path}: {len(marked)} passages carry spans (first {marked[0]}); unlabelled text has none")
    return examples


def distill_loss(student_logits, labels, teacher_logprobs, alpha: float, temperature: float, has_gold=None):
    """alpha x cross-entropy on the gold labels + (1 - alpha) x T^2 x KL(teacher_T || student_T), both over the
    labelled tokens; windows with `has_gold` 0 (unlabelled text) add to the second term only."""
    import torch
    import torch.nn.functional as F

    keep = labels != -100
    gold = keep if has_gold is None else keep & has_gold.bool()[:, None]
    hard = F.cross_entropy(student_logits[gold], labels[gold]) if gold.any() else student_logits.sum() * 0.0
    t = temperature
    teacher = torch.softmax(teacher_logprobs[keep] / t, dim=-1)
    student = torch.log_softmax(student_logits[keep] / t, dim=-1)
    soft = F.kl_div(student, teacher, reduction="batchmean") * t * t
    return alpha * hard + (1 - alpha) * soft


def distill_trainer(alpha: float, temperature: float):
    """A transformers Trainer whose training loss mixes the gold labels with the teachers' soft targets."""
    from transformers import Trainer

    class DistillTrainer(Trainer):
        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            teacher = inputs.pop(TARGETS, None)
            has_gold = inputs.pop(GOLD, None)
            if teacher is None:  # evaluation batches carry no soft targets
                return super().compute_loss(model, inputs, return_outputs=return_outputs, **kwargs)
            labels = inputs.pop("labels")  # the model's own loss would count unlabelled text's "O" labels as gold
            outputs = model(**inputs)
            loss = distill_loss(outputs.logits, labels, teacher, alpha, temperature, has_gold)
            return (loss, outputs) if return_outputs else loss

    return DistillTrainer
