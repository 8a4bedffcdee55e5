"""Temperature scaling of the tagger's span scores, fitted on the dev split.

    python -m training.calibrate [--model models/tagger]

The fine-tuned model's softmax is close to 1 for right and wrong spans alike,
so a span's score (its weakest link, `encoding.decode`) said little. One
temperature T divides the logits before the scores are read (the labels are
decoded from the untempered probabilities, so spans and F1 do not change); T
is the value on a log grid that minimises the log loss of "this span is
right" on the dev split's spans (annotations/README.md), never on real-dev
or the evaluation splits. T and the dev figures before and after are written
to the model's `tagger.json`; `python -m eval.tagger --calibration` prints the
reliability diagrams and the expected calibration error on every split.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRID = [round(0.5 * 1.12**k, 4) for k in range(45)]  # 0.5 … about 73


def scored_spans(tagger, examples, temperatures) -> dict[float, list[tuple[float, bool]]]:
    """Per temperature, (score, right) of every predicted span; the model runs once."""
    from eval.calibration import outcomes
    from extractor.tagger.roles import role_of_source

    texts = [ex.text for ex in examples]
    logits = tagger.window_logits(texts, roles=[role_of_source(ex.source) for ex in examples])
    return {t: outcomes(examples, tagger.decode(len(texts), logits, t)) for t in temperatures}


def log_loss(pairs) -> float:
    eps = 1e-6
    return -sum(math.log(min(max(s if right else 1 - s, eps), 1.0)) for s, right in pairs) / max(len(pairs), 1)


def fit(tagger, examples) -> dict:
    from eval.calibration import ece

    runs = scored_spans(tagger, examples, [1.0, *GRID])
    best = min(GRID, key=lambda t: log_loss(runs[t]))
    return {
        "temperature": best,
        "spans": len(runs[1.0]),
        "log_loss_before": round(log_loss(runs[1.0]), 4),
        "log_loss_after": round(log_loss(runs[best]), 4),
        "ece_before": round(ece(runs[1.0]), 4),
        "ece_after": round(ece(runs[best]), 4),
    }


CARD_HEADING = "## Calibration"


def write_card_section(model_dir: Path, cal: dict) -> None:
    """Replace the model card's calibration section (or add it) with the fitted figures."""
    card = model_dir / "README.md"
    text = card.read_text(encoding="utf-8") if card.exists() else ""
    text = text.split(CARD_HEADING)[0].rstrip() + "\n\n"
    text += (
        f"{CARD_HEADING}\n\n"
        f"Span scores are read at temperature {cal['temperature']:g} (`python -m training.calibrate`), fitted on"
        f" the dev split ({', '.join(cal['fitted_on'])}; {cal['spans']} predicted spans): log loss of \"the span is"
        f" right\" {cal['log_loss_before']:.3f} -> {cal['log_loss_after']:.3f}, expected calibration error"
        f" {cal['ece_before']:.3f} -> {cal['ece_after']:.3f}. Labels and spans do not change. ECE and the"
        " reliability diagram on every split, real-dev included: `python -m eval.tagger --calibration`.\n"
    )
    card.write_text(text, encoding="utf-8")


def calibrate(model_dir: Path) -> dict:
    """Fit the temperature on dev and record it in the model's tagger.json and card."""
    from extractor.tagger.model import TokenTagger
    from training.train import load_examples, split_files

    tagger = TokenTagger.load(model_dir)
    files = split_files("dev")
    result = fit(tagger, load_examples(files))
    meta_file = model_dir / "tagger.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["temperature"] = result["temperature"]
    meta["calibration"] = {"fitted_on": [f.name for f in files], **result}
    meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    write_card_section(model_dir, meta["calibration"])
    return meta["calibration"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "tagger")
    args = ap.parse_args(argv)
    print(json.dumps(calibrate(args.model), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
