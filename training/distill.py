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

TARGETS = "teacher_logprobs"
# 1 where a window's labels are gold, 0 on unlabelled text (its "O" labels only mark the tokens to learn on)
GOLD = "has_gold"


class TeacherError(ValueError):
    pass


def load_teachers(runs: list[Path], base: Path, labels: list[str]):
    """The teachers' torch models in float32 and eval mode (a shipped tagger keeps float16 weights), after
    checking they read as the student's `base` does and label as it will."""
    from extractor.tagger.hinted import model_class

    base_tokens = Path(base) / "tokenizer.json"
    if not base_tokens.is_file():
        raise TeacherError(f"{base}: no tokenizer.json to check the teachers' against (the base must be a local folder)")
    # compared parsed: a saved run rewrites the file, so its bytes may differ
    tokenizer = json.loads(base_tokens.read_text(encoding="utf-8"))
    models = []
    for run in runs:
        meta_path = run / "tagger.json"
        if not meta_path.is_file():
            raise TeacherError(f"{run}: not a trained tagger (no tagger.json)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["labels"] != labels:
            raise TeacherError(f"{run}: its labels {meta['labels']} are not the student's {labels}")
        if json.loads((run / "tokenizer.json").read_text(encoding="utf-8")) != tokenizer:
            raise TeacherError(f"{run}: its tokenizer.json differs from the student's base; a teacher must read the same tokens")
        model = model_class(meta).from_pretrained(str(run))
        models.append((model.float().eval(), bool(meta.get("hints"))))
    return models


def add_soft_targets(dataset, teachers, batch_size: int = 64):
    """`dataset` with a column of the teachers' mean log-probabilities per token ([tokens x labels])."""
    import torch

    rows = dataset.to_dict()
    has_hints = "hint_ids" in rows
    n = len(rows["input_ids"])
    targets: list = [None] * n
    order = sorted(range(n), key=lambda k: len(rows["input_ids"][k]))
    with torch.inference_mode():
        for b in range(0, n, batch_size):
            idx = order[b : b + batch_size]
            width = max(len(rows["input_ids"][k]) for k in idx)
            ids = torch.zeros((len(idx), width), dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            hint_ids = torch.zeros((len(idx), width), dtype=torch.long)
            for r, k in enumerate(idx):
                m = len(rows["input_ids"][k])
                ids[r, :m] = torch.tensor(rows["input_ids"][k])
                mask[r, :m] = 1
                if has_hints:
                    hint_ids[r, :m] = torch.tensor(rows["hint_ids"][k])
            total = None
            for model, hinted in teachers:
                kwargs = {"hint_ids": hint_ids} if hinted and has_hints else {}
                logp = torch.log_softmax(model(input_ids=ids, attention_mask=mask, **kwargs).logits.float(), dim=-1)
                total = logp if total is None else total + logp
            mean = (total / len(teachers)).numpy()
            for r, k in enumerate(idx):
                targets[k] = mean[r, : len(rows["input_ids"][k])].round(4).tolist()
    return dataset.add_column(TARGETS, targets)


def read_unlabelled(path: Path):
    """The passages of an unlabelled file (inline markup, one passage a line) as examples without entities."""
    from extractor.tagger.markup import MarkupError, read_markup

    if not path.is_file():
        raise TeacherError(f"{path}: no such unlabelled text file")
    try:
        examples = read_markup(path, prefix=f"unlabelled-{path.stem}", source=f"unlabelled text, {path.name}")
    except MarkupError as err:
        raise TeacherError(str(err).splitlines()[0]) from None
    marked = [ex.id for ex in examples if ex.entities]
    if marked:
        raise TeacherError(f"{path}: {len(marked)} passages carry spans (first {marked[0]}); unlabelled text has none")
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
