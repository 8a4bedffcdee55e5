"""One backend per input format, all producing `extractor.document.Document`.

`load(path)` sniffs the format from the bytes (extensions lie: a PNG renamed
.pdf is an image) and hands the file to its backend. Every failure a user can
cause surfaces as `ExtractionError` with the file name and the problem.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from extractor.document import Document, Source
from extractor.errors import ExtractionError, debug_detail, describe
from extractor.i18n import N_, _

#: the problem of a file its backend's library failed on, by format (the words of `describe` fill in `words`)
_NOT_READABLE = {
    "pdf": N_("not a readable PDF: {words}"),
    "html": N_("not a readable HTML page: {words}"),
    "text": N_("not a readable text file: {words}"),
    "image": N_("not a readable image: {words}"),
}


def sniff(path: Path, head: bytes) -> str:
    """The format name of a file from its first bytes and, for zips, its members."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or (b"%PDF-" in head[:1024] and suffix == ".pdf"):
        return "pdf"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if head.startswith(b"GIF8") or head.startswith(b"BM") and suffix in (".bmp",):
        return "image"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "legacy"  # OLE2: .doc, .xls, .wps
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            raise ExtractionError(str(path), _("not a valid {suffix} file (damaged or truncated zip container)").format(
                suffix=suffix or "zip"))
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if any(n.endswith("content.xml") for n in names) and "mimetype" in names:
            return "legacy"  # OpenDocument: LibreOffice converts it
        raise ExtractionError(str(path), _("a zip archive that is neither a Word (.docx) nor an Excel (.xlsx) file"))
    lowered = head[:2048].lower()
    if suffix in (".html", ".htm") or b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered:
        return "html"
    if suffix in (".doc", ".wps", ".xls", ".et", ".odt", ".ods", ".rtf"):
        return "legacy"
    if suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"):
        return "image"  # named as an image but unrecognised bytes: the image backend says it is damaged
    return "text"


def source_for(path: Path, data: bytes, fmt: str, pages: int | None = None) -> Source:
    return Source(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=fmt, pages=pages)


def load(path: str | Path) -> Document:
    """Read any supported report file into a `Document`."""
    path = Path(path)
    if not path.exists():
        raise ExtractionError(str(path), _("no such file"))
    if path.is_dir():
        raise ExtractionError(str(path), _("is a folder, not a file"))
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise ExtractionError(str(path), _("cannot be read ({said})").format(said=exc.strerror)) from None
    if not head:
        raise ExtractionError(str(path), _("is empty (0 bytes)"))
    fmt = sniff(path, head)
    try:
        return _backend(fmt)(path)
    except ExtractionError:
        raise
    except Exception as exc:  # a backend library failing on a malformed file (MemoryError and RecursionError too)
        words, kind = describe(exc)
        said = (_(_NOT_READABLE[fmt]).format(words=words) if fmt in _NOT_READABLE
                else _("not a readable {format}: {words}").format(format=fmt, words=words))
        raise ExtractionError(str(path), said, kind, debug_detail(exc)) from None


def _backend(fmt: str):
    if fmt == "text":
        from extractor.ingest.text import load as fn
    elif fmt == "pdf":
        from extractor.ingest.pdf import load as fn
    elif fmt == "docx":
        from extractor.ingest.docx import load as fn
    elif fmt == "html":
        from extractor.ingest.html import load as fn
    elif fmt == "xlsx":
        from extractor.ingest.xlsx import load as fn
    elif fmt == "legacy":
        from extractor.ingest.legacy import load as fn
    elif fmt == "image":
        from extractor.ingest.image import load as fn
    else:  # pragma: no cover - sniff returns only the names above
        raise ValueError(fmt)
    return fn
