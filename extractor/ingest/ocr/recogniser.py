"""PP-OCR line recognition, each line padded only to its own width (rounded up), not to 320 px.

RapidOCR follows PaddleOCR and pads every line image in a batch to at least
48 × 320 px. The recogniser's cost grows with the padded width (2.5 ms at
64 px, 9.9 ms at 320, 18.8 ms at 640 on two threads: python -m eval.bench_ocr
--models), and a form page is mostly
short cells ("4", "100%", "≥95%"), so about a third of the work was padding.
This reads each line alone at its own width, rounded up to `STEP` so that
OpenVINO meets a few input shapes again and again (a new shape costs about
7 ms once), and never narrower than `MIN_WIDTH`. Same model, same
normalisation, same CTC decoding and word boxes as RapidOCR's.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

HEIGHT = 48  # the PP-OCRv4 recogniser's input height
MIN_WIDTH = 96  # px; other floors: python -m eval.ocr --rec-min-width N
STEP = 32  # px


def padded_width(height: int, width: int) -> int:
    """The input width a line of this size is read at: its width at `HEIGHT` px, rounded up to `STEP`."""
    scaled = math.ceil(HEIGHT * width / max(height, 1))
    return max(MIN_WIDTH, -(-scaled // STEP) * STEP)


class PaddedToOwnWidth:
    """Drop-in for RapidOCR's `TextRecognizer.__call__`, reusing its session and decoder."""

    def __init__(self, recogniser):
        self.session = recogniser.session
        self.decode = recogniser.postprocess_op

    def __call__(self, img_list, return_word_box: bool = False):
        if isinstance(img_list, np.ndarray):
            img_list = [img_list]
        results = []
        for img in img_list:
            h, w = img.shape[:2]
            width = padded_width(h, w)
            batch = _normalised(img, width)[np.newaxis]
            ratio = w / max(h, 1)
            # the decoder places word boxes by the line's share of the padded width
            results += self.decode(self.session(batch), return_word_box,
                                   wh_ratio_list=[ratio], max_wh_ratio=width / HEIGHT)
        return results, 0.0


def _normalised(img: np.ndarray, width: int) -> np.ndarray:
    h, w = img.shape[:2]
    resized_w = min(width, math.ceil(HEIGHT * w / max(h, 1)))
    resized = cv2.resize(img, (max(resized_w, 1), HEIGHT)).astype(np.float32)
    out = np.zeros((3, HEIGHT, width), dtype=np.float32)  # 0 after normalising: PaddleOCR's padding value
    out[:, :, :resized.shape[1]] = (resized.transpose(2, 0, 1) / 255 - 0.5) / 0.5
    return out
