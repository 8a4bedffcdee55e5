"""The fine-tuned token classifier at run time: load once, predict spans with scores.

`TokenTagger.load(path)` reads a directory written by `extractor train`
(transformers weights, tokenizer, `tagger.json` with the label list, and for
a shipped model `model.onnx`, which it runs on ONNX Runtime without torch);
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
    def __init__(self, encoder, tokenizer, meta: dict, max_tokens: int = 256, pad_id: int = 0):
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.meta = meta
        self.max_tokens = max_tokens
        self.pad_id = pad_id
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

    @property
    def runtime(self) -> str:
        """"onnx" (ONNX Runtime, int8) or "torch" (the transformers weights)."""
        return self.encoder.runtime

    @classmethod
    def load(cls, path: str | Path | None = None, threads: int | None = None, runtime: str = "auto") -> TokenTagger:
        """The tagger of a model directory.

        `runtime` "auto" runs `model.onnx` on ONNX Runtime when the directory has
        one (the shipped model does) and the transformers weights otherwise;
        "onnx" or "torch" insist on one.
        """
        from extractor.tagger.encoders import ONNX_FILE, OnnxEncoder, TorchEncoder, load_tokenizer

        path = Path(path or DEFAULT_MODEL)
        meta_file = path / "tagger.json"
        if not meta_file.exists():
            raise FileNotFoundError(f"{path}: not a tagger model directory (no tagger.json); train one with `extractor train`")
        if runtime not in ("auto", "onnx", "torch"):
            raise ValueError(f"runtime {runtime!r}: use auto, onnx or torch")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        onnx = path / ONNX_FILE
        if runtime == "onnx" and not onnx.exists():
            raise FileNotFoundError(f"{path}: no {ONNX_FILE}; write one with `python -m training.export_onnx {path}`")
        if runtime == "onnx" or (runtime == "auto" and onnx.exists()):
            encoder = OnnxEncoder(onnx, threads)
        else:
            encoder = TorchEncoder(path, meta, threads)
        tokenizer, pad_id = load_tokenizer(path)
        return cls(encoder, tokenizer, meta, pad_id=pad_id)

    @property
    def temperature(self) -> float:
        """Divides the logits before the span scores are read (fitted by `training.calibrate`; 1 = none)."""
        return float(self.meta.get("temperature", 1.0))

    def predict(self, texts: list[str], batch_size: int = 32, roles: list[str | None] | None = None) -> list[list[Span]]:
        """Spans per text; `roles[i]` ("goal", "result" or None) says which column text i comes from."""
        return self.decode(len(texts), self.window_logits(texts, batch_size, roles), self.temperature)

    def window_logits(self, texts: list[str], batch_size: int = 32, roles: list[str | None] | None = None):
        """(text index, Window, logits [tokens x labels] as numpy) for every model window of `texts`."""
        import numpy as np

        roles = roles_for(texts, roles)
        hints = self._rules().predict_many(texts, roles=roles) if self.hinted else [None] * len(texts)
        windows: list[tuple[int, Window]] = []
        for i, text in enumerate(texts):
            for w in encode(self.tokenizer, text, max_tokens=self.max_tokens, role=roles[i], hints=hints[i]):
                windows.append((i, w))
        out = []
        # sorting by length keeps padding (wasted compute) small
        order = sorted(range(len(windows)), key=lambda k: len(windows[k][1].input_ids))
        for b in range(0, len(order), batch_size):
            batch = [windows[k] for k in order[b : b + batch_size]]
            width = max(len(w.input_ids) for _, w in batch)
            ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            hint_ids = np.zeros((len(batch), width), dtype=np.int64) if self.hinted else None
            for r, (_, w) in enumerate(batch):
                n = len(w.input_ids)
                ids[r, :n] = w.input_ids
                mask[r, :n] = 1
                if hint_ids is not None:
                    hint_ids[r, :n] = w.hint_ids
            logits = self.encoder(ids, mask, hint_ids)
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
