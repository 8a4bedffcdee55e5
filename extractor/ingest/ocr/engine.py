"""RapidOCR, loaded once per process: an image in, text lines with boxes and confidences out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@dataclass
class OcrLine:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float
    chars: list[tuple[str, float, float]] | None = None  # (char, x0, x1) where the engine gives word boxes


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    threads = int(os.environ.get("EXTRACTOR_OCR_THREADS", "0")) or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    # the text-direction classifier is not needed per line: pages are turned whole by orient.py
    # the detector at most 1280 px on its longer side: same boxes on A4 pages as at full size, about a third faster;
    # recognition still crops from the full-resolution page;
    # one line per recognition call: a batch pads every line to its widest, and a form page's lines range
    # from "4" to a whole sentence (python -m eval.ocr: same 897/998 fields, 2.89 s/page instead of 3.4 at batch 6)
    return RapidOCR(use_cls=False, intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False,
                    det_limit_type="max", det_limit_side_len=1280, rec_batch_num=1)


def read_lines(image: np.ndarray) -> list[OcrLine]:
    """Text lines of an RGB or grey page image, in pixel coordinates."""
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    result, _elapsed = _engine()(image, use_cls=False)
    lines: list[OcrLine] = []
    for box, text, score in result or []:
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        text = str(text).strip()
        if not text:
            continue
        lines.append(OcrLine(text, min(xs), min(ys), max(xs), max(ys), float(score)))
    return lines


def read_crop(image: np.ndarray) -> tuple[str, float]:
    """Recognition only, on a tight crop holding one line of text (no detection)."""
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    result, _elapsed = _engine()(image, use_det=False, use_cls=False)
    if not result:
        return "", 0.0
    text, score = result[0][0], result[0][1]
    return str(text).strip(), float(score)
