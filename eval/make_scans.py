"""Scanned versions of the fixture PDFs: what a photocopier and a scanner make of them.

    python -m eval.make_scans [--out tests/fixtures/scanned] [--dpi 150] [--seed 7] [PDF ...]

Each page is rasterised (pypdfium2) at `--dpi`, turned by a small random
angle (±1.5°), given paper tone, sensor noise and a little blur, and saved
as a JPEG at quality 60-75 inside an image-only PDF (no text layer), at the
same page size as the original. The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def scan_page(gray: np.ndarray, rng: random.Random, max_angle: float = 1.5) -> tuple[np.ndarray, float]:
    import cv2

    angle = rng.uniform(-max_angle, max_angle)
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255).astype(np.float32)
    img = cv2.GaussianBlur(img, (3, 3), 0.6)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    paper = 235 + 10 * nrng.random()  # off-white paper, darker ink floor
    img = img / 255.0 * (paper - 25) + 25
    img += nrng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), angle


def scan_pdf(src: Path, dst: Path, dpi: int = 150, seed: int = 7) -> list[float]:
    """Write the scanned version of `src` to `dst`; returns each page's applied angle."""
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(f"{seed}:{src.name}")
    pdf = pdfium.PdfDocument(str(src))
    pages, angles = [], []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            gray = np.array(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            page.close()
            scanned, angle = scan_page(gray, rng)
            angles.append(angle)
            buf = io.BytesIO()
            Image.fromarray(scanned).save(buf, "JPEG", quality=rng.randint(60, 75))
            buf.seek(0)
            pages.append(Image.open(buf))
    finally:
        pdf.close()
    dst.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(dst, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return angles


def scanned_fixture(seed: str, folder: Path, dpi: int = 150) -> Path:
    """The scan of fixture `seed` (e.g. `004_3a7665fe0dde1512`): the committed one at the default dpi,
    else made into `folder` as `main` makes it."""
    committed = FIXTURES / "scanned" / f"{seed}.pdf"
    if committed.exists() and dpi == 150:
        return committed
    scan = folder / f"{seed}.pdf"
    scan_pdf(FIXTURES / f"{seed}.pdf", scan, dpi=dpi)
    return scan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=FIXTURES / "scanned")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    for src in args.pdfs or sorted(FIXTURES.glob("00*_*.pdf")):
        dst = args.out / src.name
        angles = scan_pdf(src, dst, args.dpi, args.seed)
        print(f"{dst}: {len(angles)} pages, {dst.stat().st_size // 1024} KB, angles {', '.join(f'{a:+.2f}' for a in angles)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
