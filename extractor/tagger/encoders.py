"""What turns a batch of token ids into logits: ONNX Runtime at run time, torch for training and checks.

Both take numpy arrays `input_ids`, `attention_mask` and, for hinted models,
`hint_ids` (all int64, batch x tokens) and give logits as float32 numpy
(batch x tokens x labels), so `TokenTagger` does not know which one it holds.

`OnnxEncoder` runs `model.onnx` (written by `python -m training.export_onnx`,
int8 weights) on ONNX Runtime: a worker that tags never imports torch or
transformers, which saves their 5 s of imports and most of a gigabyte.
`TorchEncoder` runs the transformers weights of the same directory; training,
calibration and the export's own check use it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

ONNX_FILE = "model.onnx"


class OnnxEncoder:
    runtime = "onnx"

    def __init__(self, path: Path, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # one worker per core in a batch: a session's threads must not spread over the other workers' cores
        options.intra_op_num_threads = threads or 0
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.names = {i.name for i in self.session.get_inputs()}

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray, hint_ids: np.ndarray | None = None) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "hint_ids" in self.names:
            feeds["hint_ids"] = hint_ids if hint_ids is not None else np.zeros_like(input_ids)
        return self.session.run(["logits"], feeds)[0]


class TorchEncoder:
    runtime = "torch"

    def __init__(self, path: Path, meta: dict, threads: int | None = None):
        import torch
        from transformers.utils import logging as hf_logging

        from extractor.tagger.hinted import model_class

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        model = model_class(meta).from_pretrained(path, dtype=torch.float32)
        if meta.get("int8"):
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model.eval()
        self.hinted = bool(meta.get("hints"))

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray, hint_ids: np.ndarray | None = None) -> np.ndarray:
        import torch

        inputs = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(attention_mask)}
        if self.hinted:
            inputs["hint_ids"] = torch.from_numpy(hint_ids if hint_ids is not None else np.zeros_like(input_ids))
        with torch.inference_mode():
            return self.model(**inputs).logits.float().numpy()


def load_tokenizer(path: Path):
    """The tokenizer of a model directory without transformers: `tokenizers.Tokenizer` and its pad id."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    settings = path / "tokenizer_config.json"
    pad_token = json.loads(settings.read_text(encoding="utf-8")).get("pad_token") if settings.exists() else None
    if isinstance(pad_token, dict):  # older files write an AddedToken as a dict
        pad_token = pad_token.get("content")
    pad = tokenizer.token_to_id(pad_token) if isinstance(pad_token, str) else None
    return tokenizer, pad if pad is not None else 0
