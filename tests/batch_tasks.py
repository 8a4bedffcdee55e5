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
    elif file == "hog":
        block = bytearray(2 * 1024 * 1024 * 1024)
        return {"source": source, "sha256": sha256, "status": "ok", "size": len(block)}
    return echo(file, source, sha256, tagger)
