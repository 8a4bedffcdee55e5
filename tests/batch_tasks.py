"""Task functions for the engine tests: they run inside worker processes, so they live in an importable module."""

from __future__ import annotations

import os
import signal
import time


def echo(file: str, source: str, sha256: str, tagger: str = "default") -> dict:
    return {"source": source, "sha256": sha256, "status": "ok", "pid": os.getpid()}


def misbehave(file: str, source: str, sha256: str, tagger: str = "default") -> dict:
    """Behaves as its `file` says: sleep (hangs), segv (crashes), hog (allocates 2 GB), or fine."""
    if file == "sleep":
        time.sleep(60)
    elif file == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif file == "die-in-memory-error":
        # as pebble's own loop does when an allocation fails outside the task: a traceback on stderr, exit 1
        import sys

        print("Traceback (most recent call last):\nMemoryError", file=sys.stderr, flush=True)
        os._exit(1)
    elif file == "die-quietly":
        os._exit(3)
    elif file == "hog":
        block = bytearray(2 * 1024 * 1024 * 1024)
        return {"source": source, "sha256": sha256, "status": "ok", "size": len(block)}
    return echo(file, source, sha256, tagger)


_poisoned = False


def poison(file: str, source: str, sha256: str, tagger: str = "default") -> dict:
    """`poison*` files leave the process broken, as a MemoryError inside a C library can; a broken
    process fails every file after them. `poison-retire` says so in its result (as worker.process does)."""
    global _poisoned
    if _poisoned:
        return {"source": source, "sha256": sha256, "status": "error", "error": f"{source}: read by a broken worker",
                "pid": os.getpid()}
    if file.startswith("poison"):
        _poisoned = True
        return {"source": source, "sha256": sha256, "status": "error", "error": f"{source}: ran out of memory",
                "retire": file == "poison-retire", "pid": os.getpid()}
    return echo(file, source, sha256, tagger)
