"""The fine-tuned token classifier at run time: load once, predict spans with scores.

`TokenTagger.load(path)` reads a directory written by `extractor train`
(transformers weights, tokenizer, `tagger.json` with the label list);
`predict(texts)` returns, per text, `Span`s with character offsets into that
exact text and a confidence score. Long paragraphs are split into sentences
(and further at chunk boundaries) with offsets kept exact.
"""

from __future__ import annotations

import json
from pathlib import Path

from extractor.tagger.encoding import LABELS, Window, decode, encode
from extractor.tagger.roles import roles_for
from extractor.tagger.spans import Span

DEFAULT_MODEL = Path(__file__).resolve().parent.parent.parent / "models" / "tagger"


class TokenTagger:
    def __init__(self, model, tokenizer, meta: dict, max_tokens: int = 256):
        self.model = model
        self.tokenizer = tokenizer
        self.meta = meta
        self.max_tokens = max_tokens
        self._rule_tagger = None  # loaded on first use, by hinted models only
        if tuple(meta.get("labels", LABELS)) != LABELS:
            raise ValueError(f"model labels {meta.get('labels')} do not match this code's {LABELS}")

    @property
    def hinted(self) -> bool:
        """True if the model reads the rule tagger's labels (`extractor.tagger.hinted`)."""
        return bool(self.meta.get("hints"))

    @property
    def version(self) -> str:
        return self.meta.get("version", "unknown")

    @classmethod
    def load(cls, path: str | Path | None = None, threads: int | None = None) -> "TokenTagger":
        import torch
        from transformers import AutoTokenizer
        from transformers.utils import logging as hf_logging

        from extractor.tagger.hinted import model_class

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        path = Path(path or DEFAULT_MODEL)
        meta_file = path / "tagger.json"
        if not meta_file.exists():
            raise FileNotFoundError(f"{path}: not a tagger model directory (no tagger.json); train one with `extractor train`")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if threads:
            torch.set_num_threads(threads)
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = model_class(meta).from_pretrained(path, dtype=torch.float32)
        if meta.get("int8"):
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        model.eval()
        return cls(model, tokenizer, meta)

    @property
    def temperature(self) -> float:
        """Divides the logits before the span scores are read (fitted by `training.calibrate`; 1 = none)."""
        return float(self.meta.get("temperature", 1.0))

    def predict(self, texts: list[str], batch_size: int = 32, roles: list[str | None] | None = None) -> list[list[Span]]:
        """Spans per text; `roles[i]` ("goal", "result" or None) says which column text i comes from."""
        return self.decode(len(texts), self.window_logits(texts, batch_size, roles), self.temperature)

    def window_logits(self, texts: list[str], batch_size: int = 32, roles: list[str | None] | None = None):
        """(text index, Window, logits [tokens x labels] as numpy) for every model window of `texts`."""
        import torch

        roles = roles_for(texts, roles)
        hints = self._rules().predict_many(texts, roles=roles) if self.hinted else [None] * len(texts)
        windows: list[tuple[int, Window]] = []
        for i, text in enumerate(texts):
            for w in encode(self.tokenizer, text, max_tokens=self.max_tokens, role=roles[i], hints=hints[i]):
                windows.append((i, w))
        out = []
        # sorting by length keeps padding (wasted compute) small
        order = sorted(range(len(windows)), key=lambda k: len(windows[k][1].input_ids))
        pad = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for b in range(0, len(order), batch_size):
                batch = [windows[k] for k in order[b : b + batch_size]]
                width = max(len(w.input_ids) for _, w in batch)
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                inputs = {"input_ids": ids, "attention_mask": mask}
                if self.hinted:
                    inputs["hint_ids"] = torch.zeros((len(batch), width), dtype=torch.long)
                for r, (_, w) in enumerate(batch):
                    ids[r, : len(w.input_ids)] = torch.tensor(w.input_ids)
                    mask[r, : len(w.input_ids)] = 1
                    if self.hinted:
                        inputs["hint_ids"][r, : len(w.input_ids)] = torch.tensor(w.hint_ids)
                logits = self.model(**inputs).logits.float().numpy()
                for r, (i, w) in enumerate(batch):
                    out.append((i, w, logits[r][: len(w.input_ids)]))
        return out

    @staticmethod
    def decode(n_texts: int, window_logits, temperature: float = 1.0) -> list[list[Span]]:
        """Spans per text from `window_logits`: labels from the plain softmax, scores from the tempered one."""
        import numpy as np

        def softmax(z):
            e = np.exp(z - z.max(-1, keepdims=True))
            return e / e.sum(-1, keepdims=True)

        out: list[list[Span]] = [[] for _ in range(n_texts)]
        for i, w, logits in window_logits:
            probs = softmax(logits)
            tempered = probs if temperature == 1.0 else softmax(logits / temperature)
            for s, e, label, score in decode(w, probs, tempered):
                out[i].append(Span(start=s, end=e, label=label, score=round(score, 4)))
        for spans in out:
            spans.sort(key=lambda sp: sp.start)
        return out

    def _rules(self):
        if self._rule_tagger is None:
            from extractor.tagger.rules import RuleTagger

            self._rule_tagger = RuleTagger()
        return self._rule_tagger

    def predict_one(self, text: str, role: str | None = None) -> list[Span]:
        return self.predict([text], roles=[role])[0]
