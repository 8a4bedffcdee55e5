"""Find the report files under the paths a user gives: folders, files and zip archives.

Zip archives are unpacked member by member into a private temporary folder,
never beside the archive: member names are decoded (UTF-8 when the archive
says so, otherwise GBK/GB18030 as Chinese Windows zip tools write them, cp437
as the last resort), names that would escape the folder (`../`, absolute
paths, drive letters) are refused, and sizes are capped so that a zip bomb
costs a skip line, not the disk. Nested archives are followed to a fixed
depth.

Every path yields either an `Item` (a file to run) or a `Skip` (a reason the
user reads in the log); nothing here raises for a bad input.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: file name endings the pipeline reads (ingest sniffs the bytes; this only filters folders)
REPORT_SUFFIXES = frozenset(
    [".pdf", ".docx", ".doc", ".wps", ".txt", ".text", ".htm", ".html", ".xhtml", ".xlsx", ".xls", ".et", ".rtf", ".odt", ".png", ".jpg", ".jpeg", ".tif", ".tiff"]
)
ARCHIVE_SUFFIXES = frozenset({".zip"})

#: caps for archive members (a member above them is skipped with its reason)
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed; real reports compress 2-20x
MAX_DEPTH = 3


@dataclass(frozen=True)
class Item:
    """A file to run. `source` is what the user knows it as (`batch.zip!/局/报告.pdf`)."""

    source: str
    file: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Skip:
    source: str
    reason: str

    @property
    def not_report(self) -> bool:
        """A file that is simply not a report (logged), as opposed to bad input (stored as an error)."""
        return self.reason.startswith("not a report format")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def collect(paths: Iterable[str | Path], workdir: Path) -> Iterator[Item | Skip]:
    """Every report file under `paths`, in a stable order; archives unpack under `workdir`."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Skip(str(path), "no such file or folder")
        elif path.is_dir():
            for child in _walk(path):
                yield from _one(child, str(child), workdir, 0)
        else:
            yield from _one(path, str(path), workdir, 0)


def _walk(folder: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
    return out


def _one(path: Path, source: str, workdir: Path, depth: int) -> Iterator[Item | Skip]:
    suffix = path.suffix.lower()
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        yield Skip(source, f"cannot be read ({exc.strerror})")
        return
    if stat.S_ISLNK(mode) and not path.exists():
        yield Skip(source, "broken link")
        return
    if suffix in ARCHIVE_SUFFIXES or (suffix not in REPORT_SUFFIXES and _is_zip(path) and suffix not in (".docx", ".xlsx")):
        yield from _archive(path, source, workdir, depth)
    elif suffix in REPORT_SUFFIXES:
        try:
            yield Item(source=source, file=path, sha256=sha256_file(path), size=path.stat().st_size)
        except OSError as exc:
            yield Skip(source, f"cannot be read ({exc.strerror})")
    else:
        yield Skip(source, f"not a report format ({suffix or 'no extension'})")


def _is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: zipfile decodes names without the UTF-8 flag as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def safe_member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it would land outside the folder."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


def _archive(path: Path, source: str, workdir: Path, depth: int) -> Iterator[Item | Skip]:
    if depth >= MAX_DEPTH:
        yield Skip(source, f"archive nested deeper than {MAX_DEPTH} levels")
        return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Skip(source, f"is not a readable zip archive ({exc})")
        return
    target = Path(workdir) / hashlib.sha1(f"{source}".encode()).hexdigest()[:16]
    total = 0
    with zf:
        try:
            infos = zf.infolist()
        except Exception as exc:  # noqa: BLE001 - a broken central directory is the user's problem, reported
            yield Skip(source, f"is not a readable zip archive ({exc})")
            return
        for info in infos:
            name = member_name(info)
            label = f"{source}!/{name}"
            if info.is_dir() or PurePosixPath(name.replace("\\", "/")).name.startswith(".") or "__MACOSX" in name:
                continue
            rel = safe_member_path(name)
            if rel is None:
                yield Skip(label, "member name points outside the archive (refused)")
                continue
            suffix = rel.suffix.lower()
            if suffix not in REPORT_SUFFIXES and suffix not in ARCHIVE_SUFFIXES:
                yield Skip(label, f"not a report format ({suffix or 'no extension'})")
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                yield Skip(label, f"member is {info.file_size} bytes uncompressed, above the {MAX_MEMBER_BYTES} cap")
                continue
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
                yield Skip(label, f"compression ratio {info.file_size // info.compress_size}:1 looks like a zip bomb (refused)")
                continue
            if total + info.file_size > MAX_ARCHIVE_BYTES:
                yield Skip(label, f"archive unpacks to more than {MAX_ARCHIVE_BYTES} bytes; the rest is skipped")
                continue
            dest = target.joinpath(*rel.parts)
            try:
                written = _extract(zf, info, dest, MAX_MEMBER_BYTES)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
                yield Skip(label, f"member cannot be unpacked ({exc})")
                continue
            if written is None:
                yield Skip(label, "member unpacks beyond its stated size (refused as a zip bomb)")
                continue
            total += written
            yield from _one(dest, label, workdir, depth + 1)


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, cap: int) -> int | None:
    """Stream one member to `dest`, stopping at `cap` bytes whatever the header claims."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as src, open(dest, "wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > cap or written > max(info.file_size, 0) + (1 << 20):
                out.close()
                dest.unlink(missing_ok=True)
                return None
            out.write(chunk)
    return written


def cleanup(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
