"""Builders of archives and bad files for the batch tests."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class _RawName(zipfile.ZipInfo):
    # zipfile would re-encode a non-ASCII name as UTF-8 and set the flag; this keeps the raw bytes
    __slots__ = ("raw",)

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits & ~0x800


def zip_with_raw_names(path: Path, members: dict[bytes, bytes]) -> Path:
    """A zip whose member names are raw bytes without the UTF-8 flag, as Chinese Windows tools write them."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for raw, data in members.items():
            info = _RawName(raw.decode("cp437"))
            info.raw = raw
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def zip_members(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def zip_bomb(path: Path, megabytes: int = 64) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("报告.pdf", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return path


def encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(FIXTURES / "001_ec7b4c7cefe3081c.pdf").pages[:1]:
        writer.add_page(page)
    writer.encrypt("secret")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, "PNG")
    return buf.getvalue()


def bad_corpus(root: Path) -> dict[str, str]:
    """Good and bad files mixed; returns {source path: 'ok' | 'error' | 'skip'} as the run should see them."""
    root.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}
    for name in ("001_ec7b4c7cefe3081c.txt", "003_6aed364f55934feb.txt"):
        shutil.copy(FIXTURES / name, root / name)
        expect[str(root / name)] = "ok"
    (root / "empty.pdf").write_bytes(b"")
    expect[str(root / "empty.pdf")] = "error"
    pdf = (FIXTURES / "001_ec7b4c7cefe3081c.pdf").read_bytes()
    (root / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    expect[str(root / "truncated.pdf")] = "error"
    encrypted_pdf(root / "encrypted.pdf")
    expect[str(root / "encrypted.pdf")] = "error"
    (root / "photo.pdf").write_bytes(png_bytes())  # an image renamed .pdf: needs OCR
    expect[str(root / "photo.pdf")] = "error"
    (root / "junk.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    expect[str(root / "junk.zip")] = "error"
    zip_members(root / "evil.zip", {"../escaped.txt": b"x", "/etc/evil.txt": b"y",
                                   "good/002.txt": (FIXTURES / "002_418cb45b50d16ad8.txt").read_bytes()})
    expect[f"{root / 'evil.zip'}!/../escaped.txt"] = "error"
    expect[f"{root / 'evil.zip'}!//etc/evil.txt"] = "error"
    expect[f"{root / 'evil.zip'}!/good/002.txt"] = "ok"
    zip_bomb(root / "bomb.zip")
    expect[f"{root / 'bomb.zip'}!/报告.pdf"] = "error"
    (root / "notes.csv").write_text("a,b\n", encoding="utf-8")
    expect[str(root / "notes.csv")] = "skip"
    return expect
