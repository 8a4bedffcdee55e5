"""Strict entity scores of the shipped model and the rule baseline, and the ablation table.

    python -m eval.tagger [--model models/tagger | --ensemble RUN RUN …] [--splits real-dev,test,dev,ood,blind,status|FILE.jsonl,…] [--errors]
                          [--real-dev ../shared/real-dev/real-dev.jsonl] [--without GENRE,…]

Scores are entity-level exact match, seqeval strict on character-level BIO
(the guidelines' "Scoring"). Both taggers are told each text's role (goal or
result cell) as the pipeline tells them, read from the annotation's `source`
(`extractor.tagger.roles`); a last table scores them without roles. `test` is annotations/README.md's test split,
never trained on; `ood` is the hand-written out-of-domain set
(annotations/README-ood.md); `status` the hand-written set where the sentence,
not the figure, tells VALUE from TARGET (eval/tagger_status/README.md). `real-dev` is the team's set of real published
passages (`--real-dev`, outside this repository, never trained on): it comes
first, with the error classes by label and by genre (`eval.tagger_errors`);
`--errors` prints those for every split. The ablation table is read from
models/tagger/ablation.json, written by `python -m training.ablate`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


REAL_DEV = ROOT.parent / "shared" / "real-dev" / "real-dev.jsonl"
# hand-written passages whose hard part is VALUE against TARGET, evaluation only (eval/tagger_status/README.md)
STATUS = ROOT / "eval" / "tagger_status" / "passages.jsonl"


def split_examples(name: str, real_dev: Path = REAL_DEV):
    from training.train import load_examples, split_files

    if name == "real-dev":
        return load_examples([real_dev]) if real_dev.exists() else []
    if name == "status":
        return load_examples([STATUS])
    if name.endswith(".jsonl"):  # one annotation file, e.g. seed_001.jsonl alone of the dev split
        return load_examples([ROOT / "annotations" / name])
    return load_examples(split_files(name))


def _examples(split: str, args):
    """The split's examples, less the written passages of the genres named by `--without`."""
    without = set(filter(None, args.without.split(",")))
    return [ex for ex in split_examples(split, args.real_dev) if ex.id.split("#")[0] not in without]


def subset_f1(examples, predicted: dict, groups, heading: str) -> str:
    """Markdown: strict micro F1 of each tagger (columns of `predicted`) on each (title, text indices) of `groups`."""
    from extractor.tagger.spans import score

    names = list(predicted)
    rows = [f"| {heading} | passages | spans | " + " | ".join(names) + " |", "|---|---|---|" + "---|" * len(names)]
    for title, idx in groups:
        if not idx:
            continue
        exs = [examples[i] for i in idx]
        cells = [f"{score(exs, [predicted[n][i] for i in idx])['micro']['f1']:.3f}" for n in names]
        rows.append(f"| {title} | {len(idx)} | {sum(len(e.entities) for e in exs)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def genre_f1(examples, predicted: dict) -> str:
    """Strict micro F1 per genre (`eval.tagger_errors.genre`), one column per tagger."""
    from eval.tagger_errors import GENRES, genre

    kinds = [genre(ex.text) for ex in examples]
    return subset_f1(examples, predicted, [(g, [i for i, k in enumerate(kinds) if k == g]) for g in GENRES], "genre")


def table(title: str, scores: dict) -> str:
    rows = [f"{title}", "| label | P | R | F1 | support |", "|---|---|---|---|---|"]
    for lab in ("METRIC", "VALUE", "TARGET", "micro"):
        s = scores[lab]
        rows.append(f"| {lab} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    return "\n".join(rows)


def span_counts(examples, predictions):
    """Per text: (true positives, predicted spans, gold spans), strict exact match on (start, end, label)."""
    import numpy as np

    rows = []
    for ex, pred in zip(examples, predictions):
        gold = {(e.start, e.end, e.label) for e in ex.entities}
        got = {(sp.start, sp.end, sp.label) for sp in pred}
        rows.append((len(gold & got), len(got), len(gold)))
    return np.array(rows, dtype=float).reshape(-1, 3)


def _f1(counts):
    tp, pred, gold = counts[..., 0], counts[..., 1], counts[..., 2]
    return 2 * tp / (pred + gold)


def f1_interval(counts, n: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95% interval of strict micro F1 over texts resampled with replacement (per-text counts from `span_counts`)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(counts), size=(n, len(counts)))
    lo, hi = np.percentile(_f1(counts[idx].sum(axis=1)), [2.5, 97.5])
    return float(lo), float(hi)


def paired_bootstrap(a, b, n: int = 2000, seed: int = 0) -> tuple[float, float, float, float]:
    """Micro F1 of `a` minus that of `b` (per-text counts from `span_counts`), its 95% interval over
    texts resampled with replacement, and the share of resamples in which `a` is not better."""
    import numpy as np

    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n, len(a)))
    diffs = _f1(a[idx].sum(axis=1)) - _f1(b[idx].sum(axis=1))
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return float(_f1(a.sum(axis=0)) - _f1(b.sum(axis=0))), float(lo), float(hi), float((diffs <= 0).mean())


def studied_table(examples, predicted: dict) -> str:
    """real-dev F1 apart on passages from pages our writers studied (eval.studied_pages) and on the rest."""
    from eval.studied_pages import from_studied_page, studied

    lists = studied()
    seen = [from_studied_page(ex.source, lists) for ex in examples]
    groups = [(title, [i for i, s in enumerate(seen) if s == want])
              for title, want in (("from pages no writer studied", False), ("from pages a writer studied", True))]
    return "real-dev by source page: strict micro F1 (eval/studied_pages.py)\n" + subset_f1(examples, predicted, groups, "passages")


HELD_OUT = ("test", "ood", "blind", "status")


class Ensemble:
    """Several taggers of one tokenizer read as one: the mean of their per-token log-probabilities, decoded
    as a single model's logits. It measures what `training.distill` teaches a single model to approach; it is
    no product runtime (it costs one model per member)."""

    def __init__(self, taggers):
        self.taggers = taggers
        self.version = "ensemble of " + ", ".join(t.version for t in taggers)
        self.runtime = taggers[0].runtime

    def predict(self, texts: list[str], roles: list[str | None] | None = None):
        import numpy as np

        from extractor.tagger.model import TokenTagger

        def log_softmax(z):
            z = z - z.max(-1, keepdims=True)
            return z - np.log(np.exp(z).sum(-1, keepdims=True))

        runs = [t.window_logits(texts, roles=roles) for t in self.taggers]
        mean = []
        for parts in zip(*runs, strict=True):
            i, w, _ = parts[0]
            if any(p[1].input_ids != w.input_ids for p in parts):
                raise ValueError("ensemble members read different tokens; they must share one tokenizer")
            mean.append((i, w, np.mean([log_softmax(p[2]) for p in parts], axis=0)))
        return TokenTagger.decode(len(texts), mean)


def pooled_table(held_out: dict) -> str:
    """Markdown: strict micro F1 over the spans of several held-out splits together (per-split counts from
    `span_counts`), the measure the ship rules compare runs on: one small split moves by single spans."""
    import numpy as np

    names = "+".join(held_out)
    lines = [f"### pooled held-out ({names}): strict micro F1 over all their spans",
             "| tagger | gold spans | F1 | 95% interval (2000 bootstrap resamples of the texts) |", "|---|---|---|---|"]
    for tagger in next(iter(held_out.values())):
        counts = np.concatenate([c[tagger] for c in held_out.values()])
        lo, hi = f1_interval(counts)
        lines.append(f"| {tagger} | {counts[:, 2].sum():.0f} | {_f1(counts.sum(axis=0)):.4f} | {lo:.3f} … {hi:.3f} |")
    return "\n".join(lines) + "\n"


def calibration_report(args) -> int:
    """ECE before (T = 1) and after the model's fitted temperature, and the reliability diagrams, per split."""
    from eval.calibration import ece, reliability
    from extractor.tagger.model import TokenTagger
    from training.calibrate import scored_spans

    tagger = TokenTagger.load(args.model, runtime=args.runtime)
    fitted = tagger.temperature
    cal = tagger.meta.get("calibration", {})
    print(f"model: {args.model} ({tagger.version}); temperature {fitted:g}"
          f" fitted on {', '.join(cal.get('fitted_on', [])) or 'nothing (no `python -m training.calibrate` run)'}\n")
    print("| split | spans | right | ECE at T = 1 | ECE at T = %g |\n|---|---|---|---|---|" % fitted)
    diagrams = []
    for split in args.splits.split(","):
        examples = _examples(split, args)
        if not examples:
            continue
        runs = scored_spans(tagger, examples, [1.0, fitted])
        before, after = runs[1.0], runs[fitted]
        right = sum(r for _, r in after)
        print(f"| {split} | {len(after)} | {right / max(len(after), 1):.3f} | {ece(before):.3f} | {ece(after):.3f} |")
        diagrams.append((split, before, after))
    for split, before, after in diagrams:
        print(f"\n### {split}: reliability at T = 1\n{reliability(before)}")
        print(f"\n### {split}: reliability at T = {fitted:g}\n{reliability(after)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "tagger")
    ap.add_argument("--ensemble", type=Path, nargs="+", default=[], metavar="RUN",
                    help="score the mean of these models' predictions in place of --model (eval.tagger.Ensemble)")
    ap.add_argument("--splits", default="real-dev,test,dev,ood,blind,status")
    ap.add_argument("--runtime", default="auto", choices=("auto", "onnx", "torch"),
                    help="run the model's model.onnx (auto when present) or its transformers weights")
    ap.add_argument("--real-dev", type=Path, default=REAL_DEV, help="the real-dev JSONL (kept outside the repository)")
    ap.add_argument("--errors", action="store_true", help="error classes by label and genre for every split")
    ap.add_argument("--without", default="", metavar="GENRE,…",
                    help="leave out the written passages of these genres (ids `<genre>#N`), e.g. to compare "
                         "two runs on the dev passages both were selected on")
    ap.add_argument("--calibration", action="store_true",
                    help="only the span scores: expected calibration error and reliability diagram per split")
    args = ap.parse_args(argv)
    if args.calibration:
        return calibration_report(args)
    from eval.tagger_errors import error_table
    from extractor.tagger import load_tagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import score

    model = (Ensemble([load_tagger(m, runtime=args.runtime) for m in args.ensemble]) if args.ensemble
             else load_tagger(args.model, runtime=args.runtime))
    taggers = {"model": model, "rules": load_tagger(rules=True)}
    print(f"model: {' + '.join(map(str, args.ensemble)) or args.model} ({model.version}, run on {model.runtime})\n")
    unroled, compared, held_out = [], [], {}
    for split in args.splits.split(","):
        examples = _examples(split, args)
        if not examples:
            where = args.real_dev if split == "real-dev" else "annotations/README.md"
            print(f"### {split}: no examples ({where} has none)\n")
            continue
        texts = [ex.text for ex in examples]
        roles = [role_of_source(ex.source) for ex in examples]
        told = sum(r is not None for r in roles)
        counts, predicted = {}, {}
        for name, tagger in taggers.items():
            predictions = predicted[name] = tagger.predict(texts, roles=roles)
            counts[name] = span_counts(examples, predictions)
            print(table(f"### {split} ({len(examples)} texts, {told} with a role) — {name}",
                        score(examples, predictions)))
            lo, hi = f1_interval(counts[name])
            print(f"micro F1 95% interval (2000 bootstrap resamples of the texts): {lo:.3f} … {hi:.3f}\n")
            if split == "real-dev" or args.errors:
                print(f"{split} — {name}: error classes (eval/tagger_errors.py)\n{error_table(examples, predictions)}\n")
            unroled.append((split, name, score(examples, tagger.predict(texts))["micro"]["f1"]))
        if split == "real-dev" or args.errors:
            print(f"{split}: strict micro F1 by genre\n{genre_f1(examples, predicted)}\n")
        if split == "real-dev":
            print(studied_table(examples, predicted) + "\n")
        compared.append((split, *paired_bootstrap(counts["model"], counts["rules"])))
        if split in HELD_OUT:
            held_out[split] = counts
    if len(held_out) > 1:
        print(pooled_table(held_out))
    print("### model minus rules: strict micro F1, with a 95% interval from 2000 paired bootstrap resamples of the texts")
    print("| split | difference | 95% interval | resamples where the model is not better |\n|---|---|---|---|")
    for split, diff, lo, hi, not_better in compared:
        print(f"| {split} | {diff:+.3f} | {lo:+.3f} … {hi:+.3f} | {not_better:.1%} |")
    print()
    print("### without roles (every text tagged as if its column were unknown): strict micro F1")
    print("| split | tagger | F1 |\n|---|---|---|")
    for split, name, f1 in unroled:
        print(f"| {split} | {name} | {f1:.3f} |")
    print()
    ablation = args.model / "ablation.json"
    if ablation.exists() and not args.ensemble:
        data = json.loads(ablation.read_text(encoding="utf-8"))
        print(f"### ablation (dev strict micro F1; `{data['command']}`)")
        print("(the silver and hints rows' dev figures are biased upward: the rules behind them were written with dev in view)")
        if data.get("note"):
            print(f"({data['note']})")
        print("| training data | dev F1 | METRIC | VALUE | TARGET | train s |")
        print("|---|---|---|---|---|---|")
        for row in data["runs"]:
            d = row["dev"]
            print(f"| {row['name']} | {d['f1']:.3f} | {d['f1_METRIC']:.3f} | {d['f1_VALUE']:.3f} | {d['f1_TARGET']:.3f} | {row['train_seconds']:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
