"""RapidOCR, loaded once per process: an image in, text lines with boxes and confidences out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from extractor.ingest.ocr.recogniser import PaddedToOwnWidth
from extractor.text import non_space

DET_MAX_SIDE = 1280  # px, the longer side of the page as the text detector sees it


@dataclass
class OcrLine:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float
    chars: list[tuple[str, float, float]] | None = None  # (char, x0, x1) where the engine gives word boxes
    char_confidence: list[float] | None = None  # per non-space character of `text`, where the engine gives them

    def confidences(self) -> list[float]:
        """A confidence for every non-space character: its own if read so, else the line's."""
        n = non_space(self.text)
        return list(self.char_confidence) if self.char_confidence and len(self.char_confidence) == n else [self.confidence] * n


@lru_cache(maxsize=1)
def _engine():
    # OpenVINO runs the same PP-OCRv4 ONNX models as onnxruntime, with the same lines read on the
    # fixtures, in about 0.6 of the time on this CPU (python -m eval.bench_ocr)
    from openvino.runtime import Core
    from rapidocr_openvino import RapidOCR
    from rapidocr_openvino.ch_ppocr_det.utils import DetPreProcess
    from rapidocr_openvino.utils import infer_engine

    class Unpinned(Core):
        """OpenVINO pins inference threads to cores from CPU 0 up, in every process alike: two batch
        workers would both run on CPU 0 and leave the other core idle."""

        def __init__(self):
            super().__init__()
            self.set_property("CPU", {"ENABLE_CPU_PINNING": False})

    infer_engine.Core = Unpinned

    threads = int(os.environ.get("EXTRACTOR_OCR_THREADS", "0")) or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    # the text-direction classifier is not needed per line: pages are turned whole by orient.py
    ocr = RapidOCR(use_cls=False, inference_num_threads=threads, print_verbose=False)
    # RapidOCR 1.4 ignores det_limit_side_len under limit type "max" and detects a 200-dpi A4 page at
    # 2000 px (0.41 s, python -m eval.bench_ocr --models); it reads at DET_MAX_SIDE instead (0.18 s at 1280;
    # 960 loses fields, python -m eval.ocr --det-max-side 960); recognition still crops from the page
    det = ocr.text_det
    det.get_preprocess = lambda _longest: DetPreProcess(DET_MAX_SIDE, "max", det.mean, det.std)
    # one line per recognition call, padded to its own width (recogniser.py); two single-threaded
    # recognisers reading alternate lines (own requests, or two OpenVINO streams) were no faster on an
    # idle machine (2.5 against 2.3 s/page on the committed scans)
    ocr.text_rec = PaddedToOwnWidth(ocr.text_rec)
    return ocr


def read_lines(image: np.ndarray) -> list[OcrLine]:
    """Text lines of an RGB or grey page image, in pixel coordinates."""
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    # word boxes come from the recogniser's own CTC columns: where each character sits in its line,
    # so a line that runs over a table rule is cut between the right characters
    result, _elapsed = _engine()(image, use_cls=False, return_word_box=True)
    lines: list[OcrLine] = []
    for box, text, score, *words in result or []:
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        text = curl_quotes(str(text).strip())
        if not text:
            continue
        chars = _chars(text, *words[:2]) if len(words) >= 2 else None
        confs = _char_confidence(text, *words[1:3]) if len(words) >= 3 else None
        lines.append(OcrLine(text, min(xs), min(ys), max(xs), max(ys), float(score), chars, confs))
    return lines


def _chars(text: str, word_boxes, contents) -> list[tuple[str, float, float]] | None:
    """(char, x0, x1) for every non-space character of `text`, or None if the word boxes do not spell it."""
    if not word_boxes or len(word_boxes) != len(contents):
        return None
    out: list[tuple[str, float, float]] = []
    for word, pts in zip(contents, word_boxes):
        word = str(word)
        xs = [float(p[0]) for p in pts]
        x0, x1 = min(xs), max(xs)
        n = len(word) or 1
        out += [(ch, x0 + (x1 - x0) * i / n, x0 + (x1 - x0) * (i + 1) / n) for i, ch in enumerate(word)]
    spelled = "".join(ch for ch, _, _ in out)
    if spelled.replace(" ", "") != text.replace(" ", ""):
        return None
    out = [c for c in out if c[0] != " "]
    out.sort(key=lambda c: c[1])
    return out if "".join(c[0] for c in out) == text.replace(" ", "") else None


def _char_confidence(text: str, contents, confs) -> list[float] | None:
    """The recogniser's probability for each non-space character of `text` (a word's for each of its
    characters), or None if its words do not spell the text."""
    if not contents or not confs or len(contents) != len(confs):
        return None
    out = [float(c) for word, c in zip(contents, confs) for ch in str(word) if not ch.isspace()]
    spelled = "".join(ch for word in contents for ch in str(word) if not ch.isspace())
    return out if spelled == "".join(ch for ch in text if not ch.isspace()) else None


def read_crop(image: np.ndarray) -> tuple[str, float]:
    """Recognition only, on a tight crop holding one line of text (no detection)."""
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    result, _elapsed = _engine()(image, use_det=False, use_cls=False)
    if not result:
        return "", 0.0
    text, score = result[0][0], result[0][1]
    return curl_quotes(str(text).strip()), float(score)


def curl_quotes(text: str) -> str:
    """Straight double quotes as the curly pair a Chinese report prints.

    The recogniser often reads the closing ” of “12+1” as ", which would make
    the same text differ between the scan and the text PDF.
    """
    if '"' not in text:
        return text
    out, open_ = [], False
    for ch in text:
        if ch == '"':
            ch = "”" if open_ else "“"
        if ch == "“":
            open_ = True
        elif ch == "”":
            open_ = False
        out.append(ch)
    return "".join(out)
