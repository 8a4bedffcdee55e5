"""`extractor run`: sources -> engine -> store, one file at a time, then the reports.

The store is the only place results live; a file counts as done once its
transaction commits. A rerun asks the store what is done for this pipeline
version and runs only the rest, so a run killed at any moment (even with
SIGKILL) loses at most the files that were in flight.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from extractor.batch import reports
from extractor.batch.engines import make_engine
from extractor.batch.sources import Item, Skip, cleanup, collect
from extractor.batch.store import Store, StoreUnavailable, source_label
from extractor.batch.worker import pipeline_version
from extractor.batch.years import compare_years
from extractor.i18n import _
from extractor.safe_text import markup_safe, shown


@dataclass
class Summary:
    out: Path
    pipeline: str
    found: int = 0
    skipped_done: int = 0
    processed: int = 0
    ok: int = 0
    failed: int = 0
    not_reports: int = 0
    refused: int = 0
    pages: int = 0
    findings: int = 0
    findings_across: int = 0  # cross-year findings of the reports compared in this run
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the user should know of the outputs (split into parts)


def run(
    paths: Iterable[str | Path],
    out: str | Path,
    *,
    workers: int | None = None,
    engine: str = "local",
    ray_address: str | None = None,
    db: str | None = None,
    timeout: float | None = 300,
    memory_mb: int | None = 4096,
    tagger: str = "default",
    retry_errors: bool = False,
    console: Console | None = None,
    progress: bool = True,
    split_at: int = reports.SPLIT_AT,
) -> Summary:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    console = console or Console(stderr=True)
    started = time.perf_counter()
    lock = _lock(out)
    log = open(out / "run.log", "a", encoding="utf-8")
    remove_stale_workdirs()

    def corrupt(message: str) -> None:
        said = _("warning")
        console.print(f"[yellow]{said}[/yellow] {markup_safe(message)}", highlight=False)
        _log(log, f"warning {message}")

    try:
        store = Store.at(out, db, on_corrupt=corrupt)
        store.claim()
    except StoreUnavailable as exc:
        _log(log, f"error {exc}")
        log.close()
        lock.close()
        raise
    pipeline = pipeline_version(tagger)
    summary = Summary(out=out, pipeline=pipeline)
    # the pid in the name lets the next run remove this folder if this one is killed
    workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
    fresh: set[int] = set()
    try:
        _log(log, f"run {pipeline} on {', '.join(map(str, paths))}")
        if retry_errors:
            _log(log, f"retry: {store.forget_errors(pipeline)} stored errors forgotten")
        done = store.done(pipeline)
        todo: list[Item] = []
        seen: set[tuple[str, str]] = set()
        for entry in collect(paths, workdir):
            if isinstance(entry, Skip):
                if entry.not_report:
                    summary.not_reports += 1
                    _log(log, f"skip {entry.source}: {entry.reason}")
                else:
                    # refused archive members are bad input: stored as errors like unreadable files
                    summary.refused += 1
                    _record(store, pipeline, {"source": entry.source, "sha256": "-", "status": "error",
                                              "error_kind": "refused", "error": f"{entry.source}: {entry.reason}"},
                            summary, log, fresh)
                continue
            summary.found += 1
            key = (source_label(entry.source), entry.sha256)
            if key in done or key in seen:
                summary.skipped_done += 1
                continue
            seen.add(key)
            todo.append(entry)
        if summary.skipped_done:
            _log(log, f"{summary.skipped_done} files already done for this pipeline version: skipped")
        eng = make_engine(engine, workers=workers, timeout=timeout, memory_mb=memory_mb, tagger=tagger, address=ray_address)
        tasks = ((str(i.file), i.source, i.sha256) for i in todo)
        with _progress(console, progress) as bar:
            task = bar.add_task("extract", total=len(todo), pages=0, findings=0, errors=0)
            for result in eng.run(tasks):
                _record(store, pipeline, result, summary, log, fresh)
                summary.processed += 1
                bar.update(task, advance=1, pages=summary.pages, findings=summary.findings, errors=summary.failed)
        from extractor.review.corrections import reapply

        for again in reapply(store, pipeline):
            # reviewers' corrections of an earlier version, applied to this pipeline's reading of the file
            fresh.add(again.doc_id)
            _log(log, f"corrections: {again.applied} applied again to document {again.doc_id}"
                      + "".join(f"; not applied: {why}" for why in again.skipped))
        across = compare_years(store, pipeline, fresh)
        summary.findings_across = sum(across.values())
        if across:
            _log(log, f"across years: {len(across)} reports compared with the same department's report of the year before, "
                      f"{summary.findings_across} findings")
        if summary.found or summary.refused or summary.failed:
            # an empty folder gives no pages and spreadsheets that would look like results
            def note(line: str) -> None:
                summary.notes.append(line)
                _log(log, f"outputs {line}")

            summary.outputs = reports.write_all(store, out, pipeline, fresh | set(across), split_at=split_at, say=note)
    finally:
        summary.seconds = round(time.perf_counter() - started, 2)
        _log(log, f"end: {summary.ok} ok, {summary.failed} failed, {summary.skipped_done} already done, "
                  f"{summary.not_reports} not reports, {summary.seconds} s")
        log.close()
        cleanup(workdir)
        store.close()
        lock.close()
    return summary


WORKDIR_PREFIX = "extractor-run-"


class OutputInUse(Exception):
    """Another run holds OUT; `str()` is the one-line message."""


def _lock(out: Path):
    """An exclusive lock on OUT for the whole run: two runs on one store would each report the other's files."""
    import fcntl

    fh = open(out / ".extractor.lock", "a+", encoding="utf-8")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        holder = fh.read().strip() or "?"
        fh.close()
        said = _("another extractor run (pid {pid}) is writing here; wait for it to end or give another --out").format(
            pid=holder)
        raise OutputInUse(f"{out}: {said}") from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


def remove_stale_workdirs() -> None:
    """Unpacked archives of runs that were killed (their pid is gone) are removed at the next start."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*"):
        pid = folder.name[len(WORKDIR_PREFIX):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            cleanup(folder)
        except OSError:
            pass


def _record(store: Store, pipeline: str, result: dict, summary: Summary, log, fresh: set[int]) -> None:
    doc_id = store.save(result, pipeline)
    if doc_id is not None:
        fresh.add(doc_id)
    if result["status"] == "ok":
        summary.ok += 1
        summary.pages += result.get("pages") or 0
        summary.findings += result.get("findings") or 0
    else:
        summary.failed += 1
        summary.errors.append(result["error"])
        _log(log, f"error {result['error']}")
        if result.get("detail"):
            _log(log, f"debug {result['source']}: {result['detail']}")
    # kept in the extraction's warnings of an ok file too; the log has them for every file
    for line in result.get("library_warnings") or ():
        _log(log, f"library {result['source']}: {line}")


def _log(log, line: str) -> None:
    # one event, one line: a newline or an escape sequence in a file name is written escaped
    log.write(f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} {shown(line)}\n")
    log.flush()


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]" + escape(_("files"))),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(escape(_("pages")) + " {task.fields[pages]}"),
        TextColumn(escape(_("findings")) + " {task.fields[findings]}"),
        TextColumn("[red]" + escape(_("errors")) + " {task.fields[errors]}"),
        TimeElapsedColumn(),
        TextColumn(escape(_("time left"))),
        TimeRemainingColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )
