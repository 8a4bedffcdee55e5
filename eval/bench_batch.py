"""Batch throughput of `extractor run`: documents and pages per minute and peak RSS per
worker, for the local engine (pebble process pool) at each worker count and, with
--ray, for the Ray engine on a private local Ray instance.

    python -m eval.bench_batch [--files 200] [--workers 1,2] [--taggers default,rules] [--ray] [--keep DIR]

The corpus replicates the 15 fixtures in tests/fixtures/ (five reports, each as
.txt, .docx and .pdf, so one third of each format) into `copyNNN/` folders. Every
copy gets different bytes (a last line of spaces in .txt, a comment after %%EOF in .pdf, a
zip archive comment in .docx) so the store treats each as its own document; the
extraction of a copy is the same as that of its fixture.

Each run writes a fresh OUT folder. Peak RSS per worker is the largest RSS seen
for any single child process, sampled every 0.2 s with psutil (local engine: every
descendant of this process; Ray: the `ray::_RayWorker` actor processes); main RSS
is this process's own ru_maxrss, which only ever grows across the runs.

With --ray the benchmark starts a private local Ray instance itself (ray.init with
address="local", 2 CPUs; its start-up time is printed, not counted in seconds),
runs the Ray engine with 2 workers on it, and checks that Ray and the local engine
store the same number of ok documents and findings. It never runs `ray stop`,
which would stop every Ray instance on the machine. --keep DIR keeps the corpus
and every OUT folder (DIR/corpus, DIR/out-local-N, DIR/out-ray-2) for inspection.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


# --------------------------------------------------------------------------- corpus


def fixtures() -> list[Path]:
    """The 15 seed files, interleaved by format (000 docx, 000 pdf, 000 txt, 001 docx, ...)."""
    files = [p for p in FIXTURES.glob("0*") if p.suffix in (".txt", ".docx", ".pdf")]
    return sorted(files, key=lambda p: (p.stem, p.suffix))


def make_copy(src: Path, dest: Path, n: int) -> None:
    """Copy `src` to `dest` with bytes unique to copy `n` and the same extraction."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    data = src.read_bytes()
    if src.suffix == ".txt":
        # a last line of n spaces: any visible text (a number above all) could be read as a claim
        dest.write_bytes(data + b"\n" + b" " * n + b"\n")
    elif src.suffix == ".pdf":
        # a comment line after %%EOF: readers find startxref by scanning back from the end
        dest.write_bytes(data + f"\n%copy {n}\n".encode("ascii"))
    elif src.suffix == ".docx":
        # the zip archive comment: no member of the document changes
        dest.write_bytes(data)
        with zipfile.ZipFile(dest, "a") as zf:
            zf.comment = f"extractor bench copy {n}".encode("ascii")
    else:
        raise ValueError(f"no copy rule for {src.suffix}")


def build_corpus(folder: Path, n_files: int) -> list[Path]:
    seeds = fixtures()
    out = []
    for i in range(n_files):
        src = seeds[i % len(seeds)]
        copy = i // len(seeds)
        dest = folder / f"copy{copy:03d}" / src.name
        make_copy(src, dest, copy)
        out.append(dest)
    return out


def pdf_pages(files: list[Path]) -> int:
    import pdfplumber

    per_seed: dict[str, int] = {}
    total = 0
    for f in files:
        if f.suffix == ".pdf":
            if f.name not in per_seed:
                with pdfplumber.open(f) as pdf:
                    per_seed[f.name] = len(pdf.pages)
            total += per_seed[f.name]
    return total


# --------------------------------------------------------------------------- RSS sampling


class RssSampler(threading.Thread):
    """Largest RSS seen for any single child process while running, every `interval` s.

    Children are the descendants of this process and of the `roots` pids (Ray's
    raylet, in case it outlives or escapes this process's tree). `match`: when
    given, only processes whose command line starts with it count (Ray actors
    retitle themselves `ray::_RayWorker...`).
    """

    def __init__(self, interval: float = 0.2, match: str | None = None, roots: list[int] | None = None):
        super().__init__(daemon=True)
        self.interval = interval
        self.match = match
        self.roots = roots or []
        self.peak: dict[int, int] = {}  # pid -> peak RSS bytes
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._halt.is_set():
            children: dict[int, psutil.Process] = {}
            for root in [os.getpid(), *self.roots]:
                try:
                    children.update((c.pid, c) for c in psutil.Process(root).children(recursive=True))
                except psutil.Error:
                    pass
            for p in children.values():
                try:
                    if self.match is not None:
                        cmd = p.cmdline()
                        if not cmd or not cmd[0].startswith(self.match):
                            continue
                    rss = p.memory_info().rss
                except psutil.Error:  # gone, or a zombie
                    continue
                if rss > self.peak.get(p.pid, 0):
                    self.peak[p.pid] = rss
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    @property
    def max_mb(self) -> float:
        return max(self.peak.values(), default=0) / 2**20


def main_rss_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 2**20 if sys.platform == "darwin" else r / 1024  # bytes on macOS, KiB on Linux


# --------------------------------------------------------------------------- runs


@dataclass
class Row:
    engine: str
    tagger: str
    workers: int
    files: int
    ok: int
    failed: int
    processed: int
    pages: int
    findings: int
    seconds: float
    worker_mb: float
    n_workers_seen: int
    main_mb: float
    stored_ok: int
    stored_findings: int
    errors: list[str]


def one_run(corpus_dir: Path, out: Path, engine: str, workers: int, n_files: int, tagger: str = "default", **kw) -> Row:
    from extractor.batch.runner import run

    if engine == "ray":
        sampler = RssSampler(match="ray::_RayWorker", roots=raylet_pids())
    else:
        sampler = RssSampler()
    sampler.start()
    t0 = time.perf_counter()
    try:
        s = run([corpus_dir], out, workers=workers, engine=engine, progress=False, tagger=tagger, **kw)
    finally:
        wall = time.perf_counter() - t0
        sampler.stop()
    stored_ok, stored_findings = stored_counts(out)
    # a run counts the findings of its workers and, apart, those of the years it compared; the store holds both
    return Row(engine, tagger, workers, n_files, s.ok, s.failed, s.processed, s.pages, s.findings + s.findings_across, wall,
               sampler.max_mb, len(sampler.peak), main_rss_mb(), stored_ok, stored_findings, list(s.errors))


def stored_counts(out: Path) -> tuple[int, int]:
    """Ok documents and their findings as the store in OUT holds them (not as the run counted them)."""
    from extractor.batch.store import Store

    store = Store.at(out)
    try:
        ok = [d for d in store.documents() if d.status == "ok"]
        return len(ok), sum(d.n_findings for d in ok)
    finally:
        store.close()


def start_ray(num_cpus: int, attempts: int = 2) -> float:
    """A private local Ray instance, never a cluster someone else started; seconds to start.

    The engine's own `ray.init()` (no address) would join the last cluster started
    with `ray start` on this machine, so the benchmark starts Ray itself and the
    engine, finding it initialised, uses it and leaves it running. On a loaded
    machine the raylet can time out waiting for its agents: one more try.
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    for attempt in range(1, attempts + 1):
        t0 = time.perf_counter()
        try:
            ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR", configure_logging=False)
            return time.perf_counter() - t0
        except Exception as exc:  # Ray raises bare Exception on a startup timeout
            ray.shutdown()
            if attempt == attempts:
                raise
            print(f"Ray did not start ({str(exc).splitlines()[0]}); trying again", file=sys.stderr)
    raise AssertionError("unreachable")


def raylet_pids() -> list[int]:
    """The raylet of the Ray instance this process started (its actors are the raylet's children)."""
    try:
        import ray._private.worker as rw

        return [p.process.pid for p in rw._global_node.all_processes.get("raylet", [])]
    except Exception:  # noqa: BLE001 - private API; the sampler then only sees this process's tree
        return []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200, help="corpus size (default 200)")
    ap.add_argument("--workers", default="1,2", help="comma-separated local worker counts (default 1,2)")
    ap.add_argument("--taggers", default="default,rules",
                    help="taggers to run at each worker count (default: default,rules; issue 19's goal compares them)")
    ap.add_argument("--ray", action="store_true", help="also run the Ray engine with 2 workers (first tagger)")
    ap.add_argument("--keep", metavar="DIR", help="build the corpus and OUT folders in DIR and keep them")
    args = ap.parse_args()
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    taggers = [t for t in args.taggers.split(",") if t.strip()]

    if args.keep:
        base = Path(args.keep)
        base.mkdir(parents=True, exist_ok=True)
    else:
        base = Path(tempfile.mkdtemp(prefix="extractor-bench-batch-"))
    rows: list[Row] = []
    ray_note = ""
    try:
        corpus_dir = base / "corpus"
        if corpus_dir.exists():
            shutil.rmtree(corpus_dir)
        corpus = build_corpus(corpus_dir, args.files)
        formats = {}
        for f in corpus:
            formats[f.suffix[1:]] = formats.get(f.suffix[1:], 0) + 1
        pages = pdf_pages(corpus)

        for tagger in taggers:
            for w in counts:
                out = base / f"out-local-{tagger}-{w}"
                shutil.rmtree(out, ignore_errors=True)
                rows.append(one_run(corpus_dir, out, "local", w, len(corpus), tagger=tagger))

        if args.ray:
            import ray

            try:
                startup = start_ray(num_cpus=2)
            except Exception as exc:  # noqa: BLE001 - report it under the local rows instead of losing them
                ray_note = f"Ray: could not start a local instance: {str(exc).splitlines()[0]}"
            else:
                try:
                    out = base / "out-ray-2"
                    shutil.rmtree(out, ignore_errors=True)
                    rows.append(one_run(corpus_dir, out, "ray", 2, len(corpus), tagger=taggers[0]))
                finally:
                    ray.shutdown()
                ray_note = f"Ray: private local instance (ray.init, 2 CPUs) started in {startup:.1f} s, not counted in seconds"
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)

    fmt = ", ".join(f"{n} {k}" for k, n in sorted(formats.items()))
    print(f"corpus: {len(corpus)} files ({fmt}) from {len(fixtures())} fixtures; {pages} PDF pages; "
          f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, Python {platform.python_version()}\n")
    print("| engine | tagger | workers | files | ok | failed | seconds | docs/min | pages/min | peak RSS per worker MB | main RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.engine} | {r.tagger} | {r.workers} | {r.files} | {r.ok} | {r.failed} | {r.seconds:.1f} | "
              f"{r.processed / r.seconds * 60:.0f} | {r.pages / r.seconds * 60:.0f} | {r.worker_mb:.0f} | {r.main_mb:.0f} |")
    print()
    print("pages/min counts the pages the pipeline reports for every ok document (PDF pages; other formats as it counts them).")
    if ray_note:
        print(ray_note)
    for r in rows:
        if (r.stored_ok, r.stored_findings) != (r.ok, r.findings):
            print(f"warning: {r.engine}/{r.tagger}/{r.workers}: the store holds {r.stored_ok} ok documents and "
                  f"{r.stored_findings} findings, the run counted {r.ok} and {r.findings}")
        if r.n_workers_seen == 0:
            print(f"note: {r.engine}/{r.workers}: no worker process was sampled (runs shorter than 0.2 s?)")
        for e in r.errors[:3]:
            print(f"error ({r.engine}/{r.workers}): {e}")
        if len(r.errors) > 3:
            print(f"... and {len(r.errors) - 3} more errors in {r.engine}/{r.workers}")
    for tagger in taggers:
        mine = [r for r in rows if r.tagger == tagger]
        if len(mine) > 1:
            same = len({(r.stored_ok, r.stored_findings) for r in mine}) == 1
            print(f"all runs with the {tagger} tagger store the same ok documents and findings: {'yes' if same else 'NO'}")
    rate = {(r.tagger, r.workers): r.processed / r.seconds for r in rows if r.engine == "local"}
    for w in counts:
        if ("default", w) in rate and ("rules", w) in rate:
            print(f"{w} worker(s): default tagger at {rate['default', w] / rate['rules', w]:.2f}× the rules' docs/min "
                  "(issue 19's goal: ≥ 0.8)")
    local = [r for r in rows if r.engine == "local" and r.tagger == taggers[0]]
    for r in (r for r in rows if r.engine == "ray"):
        if local:
            ref = local[-1]
            agree = r.stored_ok == ref.stored_ok and r.stored_findings == ref.stored_findings
            print(f"ray vs local ({ref.workers} workers), as stored: ok {r.stored_ok} vs {ref.stored_ok}, "
                  f"findings {r.stored_findings} vs {ref.stored_findings}: {'agree' if agree else 'DISAGREE'}")
        else:
            print("ray vs local: no local run to compare with (give --workers)")


if __name__ == "__main__":
    main()
