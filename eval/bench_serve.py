"""The workbench under a team's load: simulated reviewers against `extractor serve` on 127.0.0.1.

    python -m eval.bench_serve [--documents 2000] [--reviewers 20] [--seconds 60] [--think 1] [--workers 1] [--keep DIR]

1. A store of --documents: the 15 fixtures run with the rules tagger, then copied by SQL
   (eval.bench_store.grow, the copies keeping their reconstructed Document so that a
   document page is as heavy as a real one).
2. --reviewers accounts, and `extractor serve` started as a user starts it (`--workers` server processes).
3. Each reviewer (a thread with its own httpx client and session) loops until the time
   is up: a queue page (a random one of the first five, with a random severity filter
   half of the time), then a document page of a finding on it, then a decision on that
   finding at the version the page showed (confirm, ask for an explanation, or dismiss
   with a reason). Between two requests a reviewer reads for --think seconds on average
   (uniform between half and one and a half times it; 0 makes them robots that never
   read). Reviewers share the first pages, so some save on a version another has just
   moved: those are refused (409) and counted, as the workbench must.
4. Printed beside the goal: requests per second, p50/p95 latency of the queue and of a
   document page (goal: queue p95 under 300 ms), decisions saved and refused, and
   whether every saved decision is in the store exactly once (no decision lost).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from eval.bench_store import base_store, grow

PASSWORD = "bench password 2026"
GOAL_QUEUE_P95_MS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(out: Path, *options: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`extractor serve OUT` on a free port of 127.0.0.1, as a user starts it, once it answers: (process,
    base URL). A server that does not answer within 30 s is stopped and its stderr raised."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "extractor.cli", "serve", str(out), "--port", str(port), *options],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            httpx.get(base + "/login", timeout=1)
            return server, base
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the workbench did not start: " + server.communicate()[1])


def _accounts(out: Path, n: int) -> list[str]:
    from extractor.batch.store import Store
    from extractor.review.accounts import add_user

    store = Store.at(out)
    names = [f"r{i:02d}" for i in range(1, n + 1)]
    with store.session() as session:
        for name in names:
            add_user(session, name, "reviewer", PASSWORD)
    store.close()
    return names


class Reviewer(threading.Thread):
    def __init__(self, base: str, name: str, until: float, seed: int, think: float):
        super().__init__(daemon=True)
        self.base, self.name, self.until, self.rng = base, name, until, random.Random(seed)
        self.think = think
        self.queue_ms: list[float] = []
        self.doc_ms: list[float] = []
        self.saved: list[tuple[str, int]] = []  # (finding key, version) of every decision the server accepted
        self.refused = 0
        self.errors: list[str] = []

    def _timed(self, client: httpx.Client, kind: list[float], url: str, **params) -> httpx.Response:
        self._read()
        t = time.perf_counter()
        r = client.get(url, params=params)
        kind.append((time.perf_counter() - t) * 1000)
        return r

    def _read(self) -> None:
        if self.think:
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60, follow_redirects=False) as client:
            r = client.post("/login", data={"name": self.name, "password": PASSWORD})
            if r.status_code != 303:
                self.errors.append(f"login {r.status_code}")
                return
            while time.monotonic() < self.until:
                params = {"page": str(self.rng.randint(1, 5))}
                if self.rng.random() < 0.5:
                    params["severity"] = self.rng.choice(["error", "warning", "info"])
                page = self._timed(client, self.queue_ms, "/", **params)
                links = re.findall(r'href="(/doc/\d+)#f-(\w+)"', page.text)
                if page.status_code != 200 or not links:
                    if page.status_code != 200:
                        self.errors.append(f"queue {page.status_code}")
                    continue
                doc, key = self.rng.choice(links)
                html = self._timed(client, self.doc_ms, doc).text
                form = re.search(rf'action="/finding/{key}" class="decide">\s*<input type="hidden" name="csrf" '
                                 rf'value="([^"]+)"><input type="hidden" name="version" value="(\d+)">', html)
                if not form:
                    self.errors.append(f"no decision form for {key} on {doc}")
                    continue
                csrf, version = form.group(1), int(form.group(2))
                status = self.rng.choice(["confirmed", "explain", "dismissed"])
                data = {"csrf": csrf, "version": str(version), "change": "status", "status": status, "back": doc,
                        "note": f"{self.name} 的意见"}
                if status == "dismissed":
                    data["reason"] = self.rng.choice(["misread", "within_tolerance", "explained_in_report"])
                self._read()
                r = client.post(f"/finding/{key}", data=data)
                if r.status_code == 303:
                    self.saved.append((key, version + 1))
                elif r.status_code == 409:
                    self.refused += 1
                else:
                    self.errors.append(f"decision {r.status_code}")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--reviewers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds a reviewer reads between two requests")
    ap.add_argument("--workers", type=int, default=1, help="server processes (extractor serve --workers)")
    ap.add_argument("--keep", type=Path, help="build the store here and leave it")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    out = work / "out"
    t = time.perf_counter()
    base_store(out)
    n = grow(out, args.documents, units=50, keep_documents=True)
    names = _accounts(out, args.reviewers)
    db = sqlite3.connect(out / "results.sqlite")
    n_findings = db.execute("select count(*) from findings").fetchone()[0]
    db.close()
    print(f"store: {n} documents, {n_findings} findings, {len(names)} reviewers; built in {time.perf_counter() - t:.0f} s")

    server, base = start_serve(out, "--workers", str(args.workers))
    try:
        until = time.monotonic() + args.seconds
        reviewers = [Reviewer(base, name, until, seed=i, think=args.think) for i, name in enumerate(names)]
        started = time.perf_counter()
        for r in reviewers:
            r.start()
        for r in reviewers:
            r.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    queue = [x for r in reviewers for x in r.queue_ms]
    docs = [x for r in reviewers for x in r.doc_ms]
    saved = [s for r in reviewers for s in r.saved]
    refused = sum(r.refused for r in reviewers)
    errors = [e for r in reviewers for e in r.errors]
    requests = len(queue) + len(docs) + len(saved) + refused + len(reviewers)
    db = sqlite3.connect(out / "results.sqlite")
    stored = db.execute("select finding_key, version from review_events").fetchall()
    db.close()
    lost = set(saved) - set(stored)
    extra = len(stored) - len(set(stored))

    print(f"\n{len(reviewers)} reviewers for {elapsed:.0f} s against 127.0.0.1 ({args.workers} server process(es)), "
          f"reading {args.think:g} s on average between requests\n")
    print("| measure | value | goal |")
    print("|---|---|---|")
    print(f"| requests per second | {requests / elapsed:.1f} | |")
    print(f"| queue page: p50 / p95 ms ({len(queue)} pages) | {_pct(queue, 0.5):.0f} / {_pct(queue, 0.95):.0f} | p95 < {GOAL_QUEUE_P95_MS} |")
    print(f"| document page: p50 / p95 ms ({len(docs)} pages) | {_pct(docs, 0.5):.0f} / {_pct(docs, 0.95):.0f} | |")
    print(f"| decisions saved / refused as stale (409) | {len(saved)} / {refused} | |")
    print(f"| saved decisions missing from the store / stored twice | {len(lost)} / {extra} | 0 / 0 |")
    print(f"| events in the store | {len(stored)} (= saved: {'yes' if len(stored) == len(saved) else 'no'}) | |")
    print(f"| other errors | {len(errors)} | 0 |")
    for e in errors[:5]:
        print("  ", e)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if lost or extra or errors else 0)


if __name__ == "__main__":
    main()
