"""Straighten a scanned page: small skews from the table rules or text baselines, and upside-down pages."""

from __future__ import annotations

import math

import numpy as np

MAX_SKEW = 8.0  # degrees; a larger tilt is not a scanner skew and is left alone
MIN_SKEW = 0.08  # degrees; below this a rotation only blurs


def skew_angle(gray: np.ndarray) -> float:
    """The page's tilt in degrees (positive: counter-clockwise), from its long near-horizontal strokes."""
    import cv2

    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = ink.shape
    # vertical rules out first: they tie a table's rules and text into one tall blob that no slope describes
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(25, h // 70))))
    ink = cv2.subtract(ink, cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1))))
    # smear text lines and rules into long blobs, then measure each blob's direction
    smear = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 60), 1)))
    n, labels, stats, _c = cv2.connectedComponentsWithStats(smear, connectivity=8)
    angles, weights = [], []
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if bw < w / 8 or bh > bw / 3:
            continue
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == i)
        if len(xs) < 50:
            continue
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angle = -math.degrees(math.atan(slope))
        if abs(angle) <= MAX_SKEW:
            angles.append(angle)
            weights.append(bw)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.array(weights)[order])
    return float(np.array(angles)[order][np.searchsorted(cum, cum[-1] / 2)])  # weighted median


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The image turned clockwise by `angle` degrees (so `rotate(img, skew_angle(img))` straightens it)."""
    import cv2

    if abs(angle) < MIN_SKEW:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    angle = skew_angle(gray)
    return rotate(gray, angle), angle
