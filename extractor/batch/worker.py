"""One file through the pipeline inside a worker process; the result is plain data.

Workers are long-lived: `init` runs once per process (memory limit, one
thread for torch since parallelism comes from the processes, the tagger
loaded once) and `process` once per file. Nothing a file does can raise out
of `process`: an unreadable file, an internal error or a MemoryError becomes
a result with `status: error` and a one-line message naming the file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from contextlib import contextmanager
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache
def code_hash() -> str:
    """Hash of the extractor package's source, so that any code change reprocesses files."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:10]


def pipeline_version(tagger: str = "default") -> str:
    """What decides whether a stored result is still current: code, package and tagger model."""
    try:
        pkg = version("extractor")
    except PackageNotFoundError:
        pkg = "0"
    from extractor.narrative import tagger_kind

    kind = tagger_kind(tagger)
    if kind not in ("rules", "none"):
        import json

        from extractor.tagger.model import DEFAULT_MODEL

        meta = Path(DEFAULT_MODEL if kind == "model" else kind) / "tagger.json"
        try:
            kind = json.loads(meta.read_text(encoding="utf-8")).get("version", kind)
        except (OSError, ValueError):
            pass
    return f"extractor-{pkg}+{code_hash()}/{kind}"


def capture_stderr(log_dir: str) -> None:
    """This worker's stderr into `log_dir/worker-<pid>.log`: what a dying worker or a native library
    prints names no file, so the engine reads it and says it in the failed file's own line."""
    import sys

    fd = os.open(Path(log_dir) / f"worker-{os.getpid()}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)  # noqa: SIM115


def init(memory_mb: int | None = None, tagger: str | None = None, log_dir: str | None = None,
         lang: str | None = None) -> None:
    """Per-process setup: an address-space cap, so a runaway file fails alone, and a warm pipeline.

    `lang` is the language of the run that started the worker: a file's problem is said in it
    (a forkserver keeps the environment of its own start, so the language is passed, not inherited).

    Loading the tagger and the lazily imported parts of the pipeline here,
    before any file, keeps that cost (seconds) out of the first file's time
    and its time limit.
    """
    if log_dir:
        capture_stderr(log_dir)
    if lang:
        from extractor.i18n import set_language

        set_language(lang)
    from extractor import i18n

    # the catalog is read now, not at the first problem: a file that exhausts memory is still told in words
    i18n.translations(i18n.current())
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # OCR keeps a thread per core in every worker, its threads unpinned (ocr/engine.py): two workers of two
    # OpenVINO threads read 0.63 scanned pages/s on two cores, two of one thread 0.57 (python -m eval.bench_ocr)
    if memory_mb:
        import resource

        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if tagger is not None:
        try:
            warm_up(tagger)
        except Exception:  # noqa: BLE001 - a broken tagger is reported per file by process(), with its reason
            pass


#: what a worker loads before its first file (linking's scipy.sparse would otherwise load on the first narrative
#: claim); the local engine's forkserver loads them once for all its workers (`engines.PRELOAD`)
WARM_MODULES = ("extractor.pipeline", "extractor.reconcile.linking", "scipy.sparse")


def warm_up(tagger: str) -> None:
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)
    t = _tagger(tagger)
    if hasattr(t, "predict") and not isinstance(t, str):
        t.predict(["全年走访企业572家，增长8.3%。"])


def watch_rss(memory_mb: int, interval: float = 0.25) -> None:
    """Exit the process when its resident memory passes `memory_mb`.

    For Ray actors, where an address-space cap is not an option: a Ray worker
    maps the object store and large arenas, so RLIMIT_AS kills it at start.
    The engine sees the actor die and reports the file as out of memory.
    """
    import threading

    import psutil

    proc = psutil.Process()
    limit = memory_mb * 1024 * 1024

    def watch() -> None:
        while True:
            if proc.memory_info().rss > limit:
                os._exit(137)
            time.sleep(interval)

    threading.Thread(target=watch, name="rss-watch", daemon=True).start()


@lru_cache(maxsize=4)
def _tagger(kind: str):
    if kind == "none":
        return "none"
    from extractor.narrative import get_tagger

    # one worker per core: the model's inference stays on one thread
    return get_tagger(kind, threads=1)


#: exit status of a worker that retires before its next file (the engine gives that file to a fresh worker)
RETIRE_EXIT = 75
_retiring = False


def guarded(fn, *args, **kwargs) -> dict:
    """Run one file's task in this worker, unless the worker must retire first.

    After a MemoryError, a failed allocation, a RecursionError or an internal
    error the process may be left half-broken (a poisoned allocator, a
    library's global state): a result marked `retire` makes this worker exit
    before it reads another file, and the engine hands that file to a fresh
    worker.
    """
    global _retiring
    if _retiring:
        os._exit(RETIRE_EXIT)
    result = fn(*args, **kwargs)
    _retiring = bool(result.get("retire"))
    return result


def process(file: str, source: str, sha256: str, tagger: str = "default", all_verdicts: bool = False) -> dict:
    """Extract one file; never raises. What libraries warn of while reading it goes with its result
    (the extraction's `warnings`, and `library_warnings` for the log) instead of onto stderr."""
    with library_warnings() as said:
        result = _process(file, source, sha256, tagger, all_verdicts, said)
        return result | {"library_warnings": said.lines()}


def _process(file: str, source: str, sha256: str, tagger: str, all_verdicts: bool, said: WarningRecords) -> dict:
    from extractor.errors import ExtractionError
    from extractor.i18n import _
    from extractor.ingest import load
    from extractor.pipeline import extract_document

    start = time.perf_counter()
    base = {"source": source, "sha256": sha256}
    try:
        doc = load(file)
        result = extract_document(doc, tagger=_tagger(tagger), all_verdicts=all_verdicts)
        result.source.path = source
        doc.source.path = source
        result.warnings += [f"library: {line}" for line in said.lines()]
        extraction = result.model_dump_json()
        return base | {
            "status": "ok",
            "extraction": extraction,
            "document": doc.model_dump_json(),
            "crops": _crops(file, result.source.ocr, extraction),
            "pages": result.source.pages,
            "findings": len(result.findings),
            "seconds": round(time.perf_counter() - start, 3),
        }
    except ExtractionError as exc:
        kind = "memory" if exc.kind == "memory" else "unreadable"
        return error_result(source, sha256, kind, exc.problem, start) | {"retire": exc.kind in ("memory", "recursion"), "detail": exc.detail}
    except MemoryError:
        problem = _("ran out of memory (the per-file memory limit)")
        return error_result(source, sha256, "memory", problem, start) | {"retire": True}
    except RecursionError:
        problem = _("structure nested too deeply to read")
        return error_result(source, sha256, "internal", problem, start) | {"retire": True}
    except Exception as exc:  # noqa: BLE001 - one file's bug must not stop the batch; the message says what
        from extractor.errors import debug_detail, exhausted

        found = exhausted(exc)  # a native library's failed allocation (torch, oneDNN, OpenVINO) is memory, not a bug
        if found:
            return (error_result(source, sha256, "memory" if found[1] == "memory" else "internal", found[0], start)
                    | {"retire": True, "detail": debug_detail(exc)})
        return (error_result(source, sha256, "internal", _("could not be read: an internal error of extractor "
                                                           "(the details are in run.log; please report it)"), start)
                | {"retire": True, "detail": debug_detail(exc)})


#: at most this many distinct library warnings are kept per file (a damaged PDF can warn once per object)
MAX_WARNINGS = 20


class WarningRecords:
    """One file's library warnings: Python warnings and WARNING-level log records, as one-line strings."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.caught: list = []  # filled by warnings.catch_warnings

    def add(self, line: str) -> None:
        line = " ".join(line.split())[:300]
        if line in self.counts or len(self.counts) < MAX_WARNINGS:
            self.counts[line] = self.counts.get(line, 0) + 1

    def lines(self) -> list[str]:
        for w in self.caught:
            self.add(f"{_package(w.filename)}: {w.message}")
        self.caught.clear()
        return [line if n == 1 else f"{line} (×{n})" for line, n in self.counts.items()]


def _package(filename: str) -> str:
    """The installed package a warning came from (site-packages/openpyxl/reader/excel.py: openpyxl)."""
    parts = Path(filename).parts
    for i, part in enumerate(parts[:-1]):
        if part in ("site-packages", "dist-packages"):
            return parts[i + 1]
    return Path(filename).stem


class _LogToRecords(logging.Handler):
    def __init__(self, records: WarningRecords) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call of a library must not fail the file
            message = str(record.msg)
        self.records.add(f"{record.name.split('.')[0]}: {message}")


@contextmanager
def library_warnings():
    """Within the block, library warnings are kept (the WarningRecords it yields) instead of being
    printed on stderr without the name of the file that caused them."""
    import warnings

    records = WarningRecords()
    handler = _LogToRecords(records)
    root = logging.getLogger()
    root.addHandler(handler)  # with a handler on the root, logging's last-resort stderr printer stays silent
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            records.caught = caught
            yield records
    finally:
        root.removeHandler(handler)


def _crops(file: str, ocr: bool, extraction: str) -> str | None:
    """The page-image crops of a scan's OCR-read evidence (batch/crops.py), as JSON; a crop that cannot be
    cut costs the page its pictures, never the file its result."""
    if not ocr:
        return None
    import json

    from extractor.batch.crops import evidence_crops

    try:
        return json.dumps(evidence_crops(file, json.loads(extraction)))
    except Exception:  # noqa: BLE001 - the crops are an aid to the reader; the findings stand without them
        return None


def error_result(source: str, sha256: str, kind: str, problem: str, start: float | None = None) -> dict:
    return {
        "source": source,
        "sha256": sha256,
        "status": "error",
        "error_kind": kind,
        "error": f"{source}: {problem}",
        "pages": None,
        "findings": 0,
        "seconds": round(time.perf_counter() - start, 3) if start else None,
    }
