"""Find the report files under the paths a user gives: folders, files and zip archives.

Safe by construction, because an archive of reports is input from strangers:

- only regular files are read: FIFOs, devices and sockets are skipped with a
  reason (opening a FIFO blocks for ever, /dev/zero never ends), and every
  file is opened non-blocking and checked with fstat before a byte is read;
- a link inside a folder is followed only to a file inside that folder;
  one that points elsewhere (/etc/passwd) is skipped and says so;
- a file above `MAX_FILE_BYTES` is skipped before it is hashed;
- zip archives are unpacked member by member into a private temporary
  folder, never beside the archive: member names are decoded (UTF-8 when the
  archive says so, otherwise GBK/GB18030 as Chinese Windows zip tools write
  them, cp437 as the last resort), names that would escape (`../`, absolute
  paths, drive letters) are refused, and each member lands in its own
  numbered folder, so two members of one name, or a name too long for the
  disk, never overwrite or fail each other;
- one `ArchiveBudget` covers a whole archive tree (bytes unpacked, members,
  nesting): a zip of nested zips each under the caps stops at the tree's
  caps, and a nested archive's own bytes are deleted once it is read;
- a reason repeated inside one tree is reported once with its count (a
  42.zip-style bomb gives two lines, not 4096).

Every path yields either an `Item` (a file to run) or a `Skip` (a reason the
user reads in the log); nothing here raises for a bad input.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from extractor.i18n import N_, _

#: Office Open XML files are zip containers: read as documents, never unpacked as archives
OFFICE_SUFFIXES = frozenset({".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".xltm"})
#: file name endings the pipeline reads (ingest sniffs the bytes; this only filters folders)
REPORT_SUFFIXES = OFFICE_SUFFIXES | frozenset(
    [".pdf", ".doc", ".wps", ".txt", ".text", ".htm", ".html", ".xhtml", ".xls", ".et", ".rtf", ".odt", ".png", ".jpg", ".jpeg", ".tif", ".tiff"]
)
ARCHIVE_SUFFIXES = frozenset({".zip"})

#: a plain file above this is skipped before it is read or hashed
MAX_FILE_BYTES = 512 * 1024 * 1024
#: caps for archive members (a member above them is skipped with its reason)
MAX_MEMBER_BYTES = 200 * 1024 * 1024
#: caps for a whole archive tree, nested archives included
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024
MAX_MEMBERS = 20_000
MAX_RATIO = 200  # uncompressed / compressed; real reports compress 2-20x
MAX_DEPTH = 3
#: longest member file name written to disk, in bytes (file systems allow 255)
MAX_NAME_BYTES = 150

#: `Skip.kind` of a file that is simply not a report (its reason is in the user's language, this is not)
NOT_REPORT = "not_report"
#: what a file name without a suffix is counted and shown as (translated where it is shown)
NO_EXTENSION = N_("no extension")


@dataclass(frozen=True)
class Item:
    """A file to run. `source` is what the user knows it as (`batch.zip!/局/报告.pdf`)."""

    source: str
    file: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Skip:
    """A path that is not run: `reason` is for the user (in the run's language), `kind` for the code
    (`NOT_REPORT`, or "" for bad input)."""

    source: str
    reason: str
    kind: str = ""

    @property
    def not_report(self) -> bool:
        """A file that is simply not a report (logged), as opposed to bad input (stored as an error)."""
        return self.kind == NOT_REPORT


@dataclass
class ArchiveBudget:
    """What one top-level archive and everything nested in it may still unpack."""

    bytes_left: int = field(default_factory=lambda: MAX_ARCHIVE_BYTES)
    members_left: int = field(default_factory=lambda: MAX_MEMBERS)
    counter: int = 0
    #: refusals of each reason: the first is reported with its member, the rest once, counted, at the end of the tree
    refused: Counter = field(default_factory=Counter)
    #: members that are not reports, by suffix: the first is logged with its name, the rest counted
    not_reports: Counter = field(default_factory=Counter)


class Unreadable(Exception):
    """A file that cannot be hashed or read as a regular file; `str()` is the reason."""


def sha256_file(path: Path, limit: int = MAX_FILE_BYTES) -> tuple[str, int]:
    """(hex digest, size) of a regular file, read through a non-blocking descriptor checked with fstat."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Unreadable(_("cannot be read ({said})").format(said=exc.strerror)) from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(_("not a regular file ({what})").format(what=_kind(st.st_mode)))
        if st.st_size > limit:
            raise Unreadable(_("too large ({size} MB; files above {limit} MB are not read)").format(
                size=st.st_size // (1 << 20), limit=limit >> 20))
        h = hashlib.sha256()
        size = 0
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                size += len(chunk)
                if size > limit:  # a file that grows while it is read
                    raise Unreadable(_("too large (more than {limit} MB)").format(limit=limit >> 20))
                h.update(chunk)
        except OSError as exc:
            raise Unreadable(_("cannot be read ({said})").format(said=exc.strerror)) from None
    return h.hexdigest(), size


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("a FIFO")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    if stat.S_ISDIR(mode):
        return _("a folder")
    return _("not a plain file")


def collect(paths: Iterable[str | Path], workdir: Path) -> Iterator[Item | Skip]:
    """Every report file under `paths`, in a stable order; archives unpack under `workdir`."""
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            yield Skip(str(path), _("no such file or folder"))
        elif path.is_dir():
            root = path.resolve()
            for child in _walk(path):
                reason = _outside(child, root)
                if reason:
                    yield Skip(str(child), reason)
                else:
                    yield from _one(child, str(child), workdir)
        else:
            # a file named on the command line is read where it points: the user chose it
            yield from _one(path, str(path), workdir)


def _walk(folder: Path) -> list[Path]:
    out = []
    # os.walk does not descend into linked folders (followlinks=False): a link cannot lead the walk out
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
        out.extend(Path(root) / d for d in dirs if (Path(root) / d).is_symlink())
    return sorted(out)


def _broken(exc: BaseException) -> str:
    # pathlib says a loop with RuntimeError, the system with ELOOP
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return _("a link that leads back to itself (a loop of links)")
    return _("broken link")


def _outside(child: Path, root: Path) -> str | None:
    """Why `child` (found in the folder `root`) is not followed, or None."""
    if not child.is_symlink():
        return None
    try:
        target = child.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        return _broken(exc)
    if target != root and root not in target.parents:
        return _("a link to something outside the input folder (not followed)")
    if target.is_dir():
        return _("a link to a folder (not followed)")
    return None


def _one(path: Path, source: str, workdir: Path, depth: int = 0, budget: ArchiveBudget | None = None) -> Iterator[Item | Skip]:
    suffix = path.suffix.lower()
    try:
        st = path.stat()
    except OSError as exc:
        yield Skip(source, _broken(exc) if path.is_symlink()
                   else _("cannot be read ({said})").format(said=exc.strerror))
        return
    if not stat.S_ISREG(st.st_mode):
        yield Skip(source, _("not a regular file ({what})").format(what=_kind(st.st_mode)))
        return
    if suffix in ARCHIVE_SUFFIXES or (suffix not in REPORT_SUFFIXES and _is_zip(path)):
        top = budget is None
        budget = budget or ArchiveBudget()
        yield from _archive(path, source, workdir, depth, budget)
        if top:
            for reason, n in sorted(budget.refused.items()):
                if n > 1:
                    yield Skip(source, _("{n} more members refused: {reason}").format(n=n - 1, reason=reason))
            for suffix, n in sorted(budget.not_reports.items(), key=lambda kv: kv[0] or NO_EXTENSION):
                if n > 1:
                    yield Skip(source, _("not a report format ({suffix}): {n} more members like it").format(
                        suffix=suffix or _(NO_EXTENSION), n=n - 1), NOT_REPORT)
    elif suffix in REPORT_SUFFIXES:
        try:
            digest, size = sha256_file(path)
        except Unreadable as exc:
            yield Skip(source, str(exc))
            return
        yield Item(source=source, file=path, sha256=digest, size=size)
    else:
        yield Skip(source, _("not a report format ({suffix})").format(suffix=suffix or _(NO_EXTENSION)), NOT_REPORT)


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


def disk_name(name: str) -> str:
    """A member's file name shortened to what any file system takes, its suffix kept."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    suffix = PurePosixPath(name).suffix[:16]
    stem = name[: len(name) - len(suffix)]
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _refuse(budget: ArchiveBudget, label: str, reason: str, key: str | None = None) -> Iterator[Skip]:
    """The first refusal of a kind in a tree is reported with its member; the rest are counted."""
    key = key or reason
    budget.refused[key] += 1
    if budget.refused[key] == 1:
        yield Skip(label, reason)


def _archive(path: Path, source: str, workdir: Path, depth: int, budget: ArchiveBudget) -> Iterator[Item | Skip]:
    if depth >= MAX_DEPTH:
        said = _("archive nested deeper than {depth} levels (not opened)").format(depth=MAX_DEPTH)
        yield from _refuse(budget, source, said)
        return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Skip(source, _("is not a readable zip archive ({said})").format(said=exc))
        return
    with zf:
        try:
            infos = zf.infolist()
        except Exception as exc:  # noqa: BLE001 - a broken central directory is the user's problem, reported
            yield Skip(source, _("is not a readable zip archive ({said})").format(said=exc))
            return
        labels = Counter()
        tag = hashlib.sha1(source.encode()).hexdigest()[:8]
        for info in infos:
            name = member_name(info)
            labels[name] += 1
            # a second member of the same name is read as itself, under its own label
            label = f"{source}!/{name}" + (f" (#{labels[name]})" if labels[name] > 1 else "")
            if info.is_dir() or PurePosixPath(name.replace("\\", "/")).name.startswith(".") or "__MACOSX" in name:
                continue
            rel = safe_member_path(name)
            if rel is None:
                yield Skip(label, _("member name points outside the archive (refused)"))
                continue
            suffix = rel.suffix.lower()
            if suffix not in REPORT_SUFFIXES and suffix not in ARCHIVE_SUFFIXES:
                budget.not_reports[suffix] += 1
                if budget.not_reports[suffix] == 1:
                    said = _("not a report format ({suffix})").format(suffix=suffix or _(NO_EXTENSION))
                    yield Skip(label, said, NOT_REPORT)
                continue
            if budget.members_left <= 0:
                said = _("archive holds more than {limit} members; the rest is skipped").format(limit=MAX_MEMBERS)
                yield from _refuse(budget, label, said)
                continue
            budget.members_left -= 1
            if info.file_size > MAX_MEMBER_BYTES:
                yield from _refuse(budget, label, _("member is larger than the {limit} MB cap (not unpacked)").format(
                    limit=MAX_MEMBER_BYTES >> 20), _("member above the size cap"))
                continue
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
                yield from _refuse(budget, label, _("compression ratio looks like a zip bomb (refused)"))
                continue
            if info.file_size > budget.bytes_left:
                said = _("archive unpacks to more than {limit} MB in all; the rest is skipped").format(
                    limit=MAX_ARCHIVE_BYTES >> 20)
                yield from _refuse(budget, label, said)
                continue
            budget.counter += 1
            dest = Path(workdir) / f"{budget.counter:06d}-{tag}" / disk_name(rel.name)
            try:
                written = _extract(zf, info, dest, min(MAX_MEMBER_BYTES, budget.bytes_left))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
                yield Skip(label, _("member cannot be unpacked ({said})").format(said=exc))
                continue
            if written is None:
                yield from _refuse(budget, label, _("member unpacks beyond its stated size (refused as a zip bomb)"))
                continue
            budget.bytes_left -= written
            yield from _one(dest, label, workdir, depth + 1, budget)
            if dest.suffix.lower() not in REPORT_SUFFIXES:
                # a nested archive: its members are unpacked by now, its own bytes are not needed again
                shutil.rmtree(dest.parent, ignore_errors=True)


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
