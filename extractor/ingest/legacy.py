"""Legacy office backend: .doc/.wps/.rtf/.odt and .xls/.et/.ods via LibreOffice.

Its one job is to convert a binary or OpenDocument office file to .docx or
.xlsx with LibreOffice in headless mode and hand the result to the docx or
xlsx backend, so old formats read exactly like new ones. The `Source` keeps
the original file's path, sha256 and format name ("doc", "wps", "xls" …).

What the file is comes from its content, not its name: an OLE2 file with a
``WordDocument`` stream is a Word/WPS document (converted as .doc), one with
a ``Workbook``/``Book`` stream a workbook (converted as .xls); OpenDocument
zips say what they are in their ``mimetype`` member. Each conversion uses a
private LibreOffice profile in a temporary folder (so parallel workers do not
fight over one profile), and is killed after 120 s.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from extractor.document import Document
from extractor.errors import ExtractionError
from extractor.i18n import N_, _

TIMEOUT_S = 120
#: marked here, translated where it is raised
NO_LIBREOFFICE = N_(
    "legacy Word/WPS/Excel file: needs LibreOffice to convert it; install it with "
    "`apt-get install libreoffice-writer-nogui libreoffice-calc-nogui` and rerun"
)

_WORD_SUFFIXES = {".doc": "doc", ".wps": "wps", ".rtf": "rtf", ".odt": "odt", ".dot": "doc", ".wpt": "wps"}
_SHEET_SUFFIXES = {".xls": "xls", ".et": "et", ".ods": "ods", ".xlt": "xls", ".ett": "et"}


def soffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def classify(path: Path, head: bytes) -> tuple[str, str, str]:
    """(format name, suffix to convert from, target 'docx' or 'xlsx') from the content, then the name."""
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = path.read_bytes()
        if "WordDocument".encode("utf-16-le") in data:
            return _WORD_SUFFIXES.get(suffix, "doc"), ".doc", "docx"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return _SHEET_SUFFIXES.get(suffix, "xls"), ".xls", "xlsx"
        if "PowerPoint Document".encode("utf-16-le") in data:
            raise ExtractionError(str(path), _("a PowerPoint presentation, not a report document"))
        raise ExtractionError(str(path), _("an OLE2 (old Office) file that is neither a Word nor an Excel file"))
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                mimetype = z.read("mimetype").decode("ascii", "ignore").strip() if "mimetype" in z.namelist() else ""
        except (zipfile.BadZipFile, KeyError):
            mimetype = ""
        if mimetype.endswith("opendocument.text"):
            return "odt", ".odt", "docx"
        if mimetype.endswith("opendocument.spreadsheet"):
            return "ods", ".ods", "xlsx"
        raise ExtractionError(str(path), _("an OpenDocument file of a kind not supported ({mimetype})").format(
            mimetype=mimetype or _("unknown")))
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf", ".rtf", "docx"
    if suffix in _WORD_SUFFIXES:
        return _WORD_SUFFIXES[suffix], suffix, "docx"
    if suffix in _SHEET_SUFFIXES:
        return _SHEET_SUFFIXES[suffix], suffix, "xlsx"
    raise ExtractionError(str(path), _("not a recognised Word, WPS or Excel file"))


def load(path: Path) -> Document:
    """Convert with LibreOffice, then read the .docx/.xlsx; the Source describes the original file."""
    from extractor.ingest import source_for

    path = Path(path)
    data = path.read_bytes()
    fmt, from_suffix, target = classify(path, data[:4096])
    exe = soffice()
    if exe is None:
        raise ExtractionError(str(path), _(NO_LIBREOFFICE))
    source = source_for(path, data, fmt)
    with tempfile.TemporaryDirectory(prefix="extractor-lo-") as tmp:
        converted = convert(path, Path(tmp), from_suffix, target, exe)
        if target == "docx":
            from extractor.ingest.docx import _open_parts, read_body

            try:
                body, styles, numbering = _open_parts(converted)
            except ExtractionError as exc:
                raise ExtractionError(str(path), _("LibreOffice's conversion is unreadable: {problem}").format(
                    problem=exc.problem)) from None
            builder = read_body(body, styles, numbering, source)
        else:
            from extractor.ingest.xlsx import read_workbook

            builder = read_workbook(converted, source, shown_path=path)
        builder.doc.warnings.append(f"converted from {fmt} to {target} with LibreOffice")
        return builder.build()


def convert(path: Path, tmp: Path, from_suffix: str, target: str, exe: str | None = None) -> Path:
    """Run LibreOffice headless on a copy of `path` in `tmp`; the converted file's path."""
    exe = exe or soffice()
    if exe is None:
        raise ExtractionError(str(path), _(NO_LIBREOFFICE))
    # A plain ASCII name with the suffix that matches the content: LibreOffice
    # picks its import filter by suffix and names the output after the input.
    src = tmp / f"input{from_suffix}"
    shutil.copyfile(path, src)
    outdir = tmp / "out"
    profile = tmp / "profile"
    cmd = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        "--convert-to", target, "--outdir", str(outdir), str(src),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        _out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ExtractionError(str(path), _("LibreOffice did not finish converting it within {seconds} s").format(
            seconds=TIMEOUT_S)) from None
    finally:
        if proc.poll() is None:
            _kill_group(proc)
    result = outdir / f"input.{target}"
    if not result.exists() or result.stat().st_size == 0:
        detail = (err or b"").decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1][:200] if detail else _("exit status {code}").format(code=proc.returncode)
        said = _("LibreOffice could not convert it to {target} ({said}); the file may be damaged").format(
            target=target, said=reason)
        raise ExtractionError(str(path), said)
    return result


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop the LibreOffice process this conversion started, and its children (its own session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
