"""Per-file isolation in the local engine: a hang, a crash or a memory hog fails alone, and the pool goes on."""

from __future__ import annotations

from extractor.batch.engines import LocalEngine
from tests.batch_tasks import misbehave


def _run(tasks, **kw):
    engine = LocalEngine(workers=2, fn=misbehave, **kw)
    return {r["source"]: r for r in engine.run(tasks)}


def test_hang_is_stopped_at_the_time_limit_and_the_rest_completes():
    tasks = [("sleep", "hangs.pdf", "h")] + [(f"ok{i}", f"ok{i}.pdf", str(i)) for i in range(4)]
    results = _run(tasks, timeout=3, memory_mb=None)
    assert results["hangs.pdf"]["status"] == "error"
    assert results["hangs.pdf"]["error_kind"] == "timeout"
    assert "hangs.pdf" in results["hangs.pdf"]["error"] and "3 s time limit" in results["hangs.pdf"]["error"]
    assert all(results[f"ok{i}.pdf"]["status"] == "ok" for i in range(4))


def test_crashed_worker_is_replaced():
    tasks = [("segv", "crash.pdf", "c"), ("segv", "crash2.pdf", "c2")] + [(f"ok{i}", f"ok{i}.pdf", str(i)) for i in range(4)]
    results = _run(tasks, timeout=30, memory_mb=None)
    for name in ("crash.pdf", "crash2.pdf"):
        assert results[name]["status"] == "error" and results[name]["error_kind"] == "crashed"
        assert "SIGSEGV" in results[name]["error"]
    ok = [results[f"ok{i}.pdf"] for i in range(4)]
    assert all(r["status"] == "ok" for r in ok)
    # two workers crashed, so the survivors ran in processes started after the crashes
    assert len({r["pid"] for r in ok}) >= 1


def test_memory_hog_fails_alone_under_the_memory_limit():
    tasks = [("hog", "huge.pdf", "m")] + [(f"ok{i}", f"ok{i}.pdf", str(i)) for i in range(3)]
    results = _run(tasks, timeout=60, memory_mb=1024)
    assert results["huge.pdf"]["status"] == "error"
    assert results["huge.pdf"]["error_kind"] in ("memory", "crashed")
    assert all(results[f"ok{i}.pdf"]["status"] == "ok" for i in range(3))


def test_without_a_memory_limit_the_same_hog_succeeds():
    # shows the limit above is what stopped it (2 GB fits in this machine's memory)
    results = _run([("hog", "huge.pdf", "m")], timeout=60, memory_mb=None)
    assert results["huge.pdf"]["status"] == "ok"


def _poison_run(first: str):
    from tests.batch_tasks import poison

    engine = LocalEngine(workers=1, fn=poison, timeout=30, memory_mb=None)
    tasks = [(first, "bad.xlsx", "b")] + [(f"ok{i}", f"ok{i}.pdf", str(i)) for i in range(3)]
    return {r["source"]: r for r in engine.run(tasks)}


def test_a_worker_that_failed_reads_no_other_file():
    results = _poison_run("poison-retire")
    assert results["bad.xlsx"]["status"] == "error"
    ok = [results[f"ok{i}.pdf"] for i in range(3)]
    assert all(r["status"] == "ok" for r in ok), ok
    # the good files ran in a process started after the failure, not in the failed one
    assert results["bad.xlsx"]["pid"] not in {r["pid"] for r in ok}


def test_without_retiring_the_broken_worker_poisons_the_files_after_it():
    # the control for the test above: the same broken worker, not retired, fails every good file
    results = _poison_run("poison")
    assert all(results[f"ok{i}.pdf"]["status"] == "error" for i in range(3))


def test_a_worker_that_dies_in_a_memory_error_is_said_in_words_and_prints_nothing(capfd):
    tasks = [("die-in-memory-error", "heavy.xlsx", "m"), ("die-quietly", "odd.pdf", "q")] + [(f"ok{i}", f"ok{i}.pdf", str(i)) for i in range(2)]
    results = _run(tasks, timeout=30, memory_mb=2048)
    heavy, odd = results["heavy.xlsx"], results["odd.pdf"]
    assert heavy["error_kind"] == "memory" and "ran out of memory while reading it" in heavy["error"]
    assert heavy["detail"] == "worker stderr: MemoryError"  # the worker's own words go to run.log's debug line
    assert odd["error_kind"] == "crashed" and "exited with code 3" in odd["error"]
    assert all(results[f"ok{i}.pdf"]["status"] == "ok" for i in range(2))
    # a worker's stderr is captured, not printed where it would name no file
    assert "Traceback" not in capfd.readouterr().err
