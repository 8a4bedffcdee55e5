"""Where the workers run: local processes (pebble) or a Ray cluster. Both yield result dicts.

An engine takes tasks `(file, source, sha256)` and yields one result per
task as workers finish, in completion order. Per-file isolation lives here:
a file that runs past the time limit has its worker killed and replaced; a
worker that dies (segfault, the kernel's OOM killer, the address-space cap
hit inside C code) is replaced and the file gets an error result; the other
files go on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, TimeoutError, wait
from pathlib import Path

from extractor import i18n
from extractor.batch import worker
from extractor.i18n import _

Task = tuple[str, str, str]  # file, source, sha256


#: what the forkserver imports once, before it forks a worker: every worker starts with the pipeline loaded (about half a
#: second each, and again at each recycling) and shares those pages with the others
PRELOAD = ["extractor.batch.worker", *worker.WARM_MODULES]
#: one BLAS/OpenMP thread per worker (their parallelism is the processes), set before numpy loads in the forkserver
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def start_forkserver() -> None:
    """Start the forkserver with the pipeline preloaded, now: it loads while this process goes on with its own
    imports, so a one-file `extract` waits for the slower of the two rather than their sum. Idempotent."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    for k in _ONE_THREAD:
        os.environ.setdefault(k, "1")
    try:
        forkserver.ensure_running()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class LocalEngine:
    name = "local"

    def __init__(self, workers: int | None = None, timeout: float | None = 300, memory_mb: int | None = 4096,
                 tagger: str = "default", fn: Callable[..., dict] | None = None, max_tasks: int = 200,
                 options: dict | None = None):
        self.workers = workers or default_workers()
        self.options = options or {}  # keyword arguments of fn for every file (all_verdicts of extract and check)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.tagger = tagger
        self.fn = fn or worker.process
        # a worker is recycled after max_tasks files, so slow leaks in parsers cannot build up
        self.max_tasks = max_tasks

    def run(self, tasks: Iterable[Task]) -> Iterator[dict]:
        import multiprocessing
        import shutil
        import tempfile

        start_forkserver()
        ctx = multiprocessing.get_context("forkserver")
        logs = Path(tempfile.mkdtemp(prefix="extractor-workers-"))
        try:
            yield from self._run(tasks, ctx, logs)
        finally:
            shutil.rmtree(logs, ignore_errors=True)

    def _run(self, tasks: Iterable[Task], ctx, logs: Path) -> Iterator[dict]:
        from pebble import ProcessPool
        from pebble.common import ProcessExpired

        with ProcessPool(max_workers=self.workers, max_tasks=self.max_tasks, initializer=worker.init,
                         initargs=(self.memory_mb, self.tagger if self.fn is worker.process else None, str(logs),
                                   i18n.current()),
                         context=ctx) as pool:
            pending = {}
            task_iter = iter(tasks)
            # a bounded window of scheduled files keeps memory flat on archives of any size
            window = self.workers * 4

            retired: dict[Task, int] = {}

            def schedule(task: Task) -> None:
                pending[pool.schedule(worker.guarded, args=(self.fn, *task, self.tagger), kwargs=self.options,
                                      timeout=self.timeout)] = task

            def top_up() -> None:
                while len(pending) < window:
                    task = next(task_iter, None)
                    if task is None:
                        return
                    schedule(task)

            top_up()
            while pending:
                done, _not_done = wait(list(pending), return_when=FIRST_COMPLETED)
                for fut in done:
                    task = pending.pop(fut)
                    _file, source, sha = task
                    try:
                        yield fut.result()
                    except ProcessExpired as exc:
                        if exc.exitcode == worker.RETIRE_EXIT and retired.get(task, 0) < self.workers + 2:
                            # the worker retired after a failed file without touching this one: run it in a fresh worker
                            retired[task] = retired.get(task, 0) + 1
                            schedule(task)
                        else:
                            yield _died(source, sha, exc, self.memory_mb, logs)
                    except TimeoutError:
                        said = _("stopped after the {seconds:g} s time limit").format(seconds=self.timeout)
                        yield worker.error_result(source, sha, "timeout", said)
                    except MemoryError:
                        said = _("ran out of memory (limit {limit} MB)").format(limit=self.memory_mb)
                        yield worker.error_result(source, sha, "memory", said)
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                        yield worker.error_result(source, sha, "internal", _("worker failed ({error}: {said})").format(
                            error=type(exc).__name__, said=exc))
                top_up()


def _died(source: str, sha: str, exc, memory_mb: int | None, logs: Path) -> dict:
    """The result of a file whose worker died: what its captured stderr says, in words, the rest as debug detail."""
    try:
        said = (logs / f"worker-{exc.pid}.log").read_text(encoding="utf-8", errors="replace")[-4000:]
    except (OSError, AttributeError, TypeError):
        said = ""
    if "MemoryError" in said or "Cannot allocate memory" in said or "std::bad_alloc" in said:
        result = worker.error_result(source, sha, "memory", _(
            "ran out of memory while reading it (limit {limit} MB; its worker died and a new one took its place)"
        ).format(limit=memory_mb))
    else:
        result = worker.error_result(source, sha, "crashed", _expired(exc.exitcode, memory_mb))
    last = [line.strip() for line in said.splitlines() if line.strip()]
    if last:
        result["detail"] = f"worker stderr: {last[-1][:300]}"
    return result


def _expired(exitcode: int | None, memory_mb: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        if name == "SIGKILL":
            return _("worker crashed with {signal} (killed: likely out of memory); a new worker took its place").format(
                signal=name)
        return _("worker crashed with {signal}; a new worker took its place").format(signal=name)
    return _("worker exited with code {code} (memory limit {limit} MB?); a new worker took its place").format(
        code=exitcode, limit=memory_mb)


class _RayWorker:
    """A Ray actor: one per worker slot, the tagger loaded once in its process."""

    def __init__(self, memory_mb: int | None, tagger: str, lang: str | None = None):
        worker.init(None, tagger, lang=lang)
        if memory_mb:
            worker.watch_rss(memory_mb)
        self.tagger = tagger

    def process(self, name: str, data: bytes, source: str, sha256: str) -> dict:
        import tempfile

        # the bytes travel, not the path, so a cluster node needs no shared disk
        with tempfile.TemporaryDirectory(prefix="extractor-ray-") as tmp:
            path = Path(tmp) / Path(name).name
            path.write_bytes(data)
            return worker.process(str(path), source, sha256, self.tagger)


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None, timeout: float | None = 300,
                 memory_mb: int | None = 4096, tagger: str = "default"):
        self.address = address
        self.workers = workers  # None: one per CPU of the cluster
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.tagger = tagger

    def run(self, tasks: Iterable[Task]) -> Iterator[dict]:
        import ray
        from ray.exceptions import RayError, RayTaskError

        started_here = not ray.is_initialized()
        if started_here:
            # address None: Ray's own rule, the cluster running on this machine if any, else a new one
            ray.init(address=self.address, log_to_driver=False, logging_level="ERROR", configure_logging=False)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        n = self.workers or max(1, cpus)
        # one CPU per actor spreads the actors over the cluster's nodes
        actor_cls = ray.remote(num_cpus=1 if n <= cpus else cpus / n)(_RayWorker)
        make = lambda: actor_cls.remote(self.memory_mb, self.tagger, i18n.current())
        idle = [make() for _ in range(n)]
        running: dict = {}  # ref -> (actor, task, started)
        task_iter = iter(tasks)
        try:
            while True:
                while idle:
                    task = next(task_iter, None)
                    if task is None:
                        break
                    actor = idle.pop()
                    file, source, sha = task
                    try:
                        data = Path(file).read_bytes()
                    except OSError as exc:
                        idle.append(actor)
                        said = _("cannot be read ({said})").format(said=exc.strerror)
                        yield worker.error_result(source, sha, "unreadable", said)
                        continue
                    ref = actor.process.remote(Path(file).name, data, source, sha)
                    running[ref] = (actor, task, time.monotonic())
                if not running:
                    break
                ready, _not_ready = ray.wait(list(running), num_returns=1, timeout=1.0)
                for ref in ready:
                    actor, (file, source, sha), _t = running.pop(ref)
                    try:
                        result = ray.get(ref)
                    except RayTaskError as exc:  # the actor lives; the call failed (e.g. a result that cannot travel)
                        idle.append(actor)
                        yield worker.error_result(source, sha, "internal", _("Ray task failed ({error})").format(
                            error=type(exc).__name__))
                        continue
                    except RayError as exc:
                        ray.kill(actor)
                        idle.append(make())
                        yield worker.error_result(source, sha, "crashed", _(
                            "Ray worker died ({error}: out of memory above {limit} MB, or a crash); "
                            "a new worker took its place").format(error=type(exc).__name__, limit=self.memory_mb))
                        continue
                    if result.get("retire"):
                        # the actor's process may be half-broken after this file: a fresh one reads the next
                        ray.kill(actor)
                        actor = make()
                    idle.append(actor)
                    yield result
                if self.timeout:
                    now = time.monotonic()
                    for ref, (actor, (file, source, sha), t0) in list(running.items()):
                        if now - t0 > self.timeout:
                            running.pop(ref)
                            ray.kill(actor)
                            idle.append(make())
                            said = _("stopped after the {seconds:g} s time limit").format(seconds=self.timeout)
                            yield worker.error_result(source, sha, "timeout", said)
        finally:
            # also reached when the caller stops reading: no actor may outlive the run
            for actor, _task, _t in running.values():
                ray.kill(actor)
            for actor in idle:
                ray.kill(actor)
            if started_here:
                ray.shutdown()


def make_engine(name: str, **kw):
    if name == "local":
        kw.pop("address", None)
        return LocalEngine(**kw)
    if name == "ray":
        return RayEngine(**kw)
    raise ValueError(f"unknown engine {name!r} (local or ray)")
