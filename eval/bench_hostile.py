"""`extractor run` over broken and hostile files: how many end clear, unclear, timed out, and what it costs.

    python -m eval.bench_hostile [--peer ../shared/corpus/peer-bad-inputs] [--attacks ../shared/corpus/make_attacks.py]
                                 [--tagger default] [--configs default,limited] [--keep DIR]

The input folder holds the peer corpus (broken files from other projects' test
suites, `../shared/corpus/peer-bad-inputs`, SOURCES.md there), the hostile
files `make_attacks.py` writes (its `main/` folder; the FIFO and device links
of `special/` are in the tests) and three good seed reports named to sort
after the memory-heavy xlsx, so that a poisoned worker would fail them.

Each configuration runs `extractor run` as a user would, in a subprocess:
`default` with the command's defaults, `limited` with `--workers 2
--memory-mb 3072`. Printed per configuration, beside the goal:

- files: stored results (ok + errors) and log-only skips (not reports);
- clear errors: error lines in the user's words; unclear: a line that names an
  exception class (`TypeError`, `MemoryError` …), holds a traceback or
  ends without a reason; the unclear lines are listed;
- timeouts, good seed files failed, peak RSS of the whole process tree
  (psutil, every 0.2 s), wall seconds; tracebacks on stderr;
- other lines on stderr: neither an error nor the summary, so they name no
  file (a library's warning, a native parser's message); the first are listed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
GOOD = ["004_3a7665fe0dde1512.txt", "001_ec7b4c7cefe3081c.docx", "000_ca8b55daf8c6f90a.pdf"]
CONFIGS = {"default": [], "limited": ["--workers", "2", "--memory-mb", "3072"]}
_UNCLEAR = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception|Exit)\b|Traceback|: *$|\(\s*\)$")
# the run's own lines; anything else on stderr (a library's warning, a native parser's message) names no file
_OWN = re.compile(r"^(error |warning |\d+ documents extracted, |audit pages: |workbook: |findings for machines: |results store: )")


def build_corpus(dest: Path, peer: Path, attacks: Path) -> int:
    shutil.copytree(peer, dest / "peer", ignore=shutil.ignore_patterns("SOURCES.md"))
    work = dest.parent / "attacks"
    subprocess.run([sys.executable, str(attacks), str(work)], check=True, capture_output=True)
    shutil.copytree(work / "main", dest / "attacks", symlinks=True)
    good = dest / "zz-good"
    good.mkdir()
    for k, name in enumerate(GOOD):
        shutil.copy(ROOT / "tests" / "fixtures" / name, good / f"xlsx-merge-whole-sheet-{k}{Path(name).suffix}")
    return sum(1 for p in dest.rglob("*") if p.is_file() or p.is_symlink())


def peak_rss(proc: subprocess.Popen, stop: threading.Event, out: list) -> None:
    import psutil

    top = psutil.Process(proc.pid)
    peak = 0
    while not stop.is_set():
        try:
            procs = [top, *top.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    out.append(peak)


def run_one(corpus: Path, out: Path, extra: list[str], tagger: str) -> dict:
    # the English interface: its words are what this bench counts
    cmd = [sys.executable, "-m", "extractor.cli", "--lang", "en", "run", str(corpus), "--out", str(out), "--no-progress",
           "--tagger", tagger, *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop, peak = threading.Event(), []
    watcher = threading.Thread(target=peak_rss, args=(proc, stop, peak), daemon=True)
    watcher.start()
    _stdout, stderr = proc.communicate()
    stop.set()
    watcher.join()
    seconds = time.perf_counter() - start
    db = sqlite3.connect(out / "results.sqlite")
    rows = db.execute("select source, status from documents").fetchall()
    db.close()
    errors = [line for line in stderr.splitlines() if line.startswith("error ")]
    unclear = [line for line in errors if _UNCLEAR.search(line)]
    log = (out / "run.log").read_text(encoding="utf-8")
    timeouts = sum("time limit" in line for line in errors)
    good_failed = [s for s, st in rows if "/zz-good/" in s and st != "ok"]
    return {
        "ok": sum(st == "ok" for _, st in rows), "errors": sum(st == "error" for _, st in rows),
        "skipped": log.count(" skip "), "clear": len(errors) - len(unclear), "unclear": unclear,
        "timeouts": timeouts, "good_failed": good_failed, "tracebacks": stderr.count("Traceback"),
        "stray": [line for line in stderr.splitlines() if line.strip() and not _OWN.match(line)],
        "peak_mb": round(peak[0] / 2**20) if peak else None, "seconds": round(seconds, 1), "exit": proc.returncode,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer", type=Path, default=SHARED / "peer-bad-inputs")
    ap.add_argument("--attacks", type=Path, default=SHARED / "make_attacks.py")
    ap.add_argument("--tagger", default="default")
    ap.add_argument("--configs", default="default,limited")
    ap.add_argument("--keep", type=Path, help="keep the corpus and OUT folders here")
    args = ap.parse_args(argv)
    if not args.peer.is_dir() or not args.attacks.is_file():
        print(f"needs {args.peer} and {args.attacks} (the team's shared corpus)")
        return 2
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    base.mkdir(parents=True, exist_ok=True)
    corpus = base / "corpus"
    if not corpus.exists():
        print(f"corpus: {build_corpus(corpus, args.peer, args.attacks)} files in {corpus}")
    results = {}
    for name in args.configs.split(","):
        out = base / f"out-{name}"
        shutil.rmtree(out, ignore_errors=True)
        results[name] = run_one(corpus, out, CONFIGS[name], args.tagger)
    print(f"\n### extractor run over the peer corpus and the attacks (tagger {args.tagger})\n")
    names = list(results)
    print("| measure | goal | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    rows = [("documents ok", "", "ok"), ("stored errors", "", "errors"), ("not reports (log only)", "", "skipped"),
            ("clear error lines", "", "clear"), ("unclear error lines", "0", "unclear"), ("timeouts", "0", "timeouts"),
            ("good seed files failed (of 3)", "0", "good_failed"), ("tracebacks on stderr", "0", "tracebacks"),
            ("other lines on stderr (naming no file)", "0", "stray"),
            ("peak RSS of the process tree, MB", "", "peak_mb"), ("wall seconds", "", "seconds")]
    for label, goal, key in rows:
        cells = [str(len(r[key]) if isinstance(r[key], list) else r[key]) for r in results.values()]
        print(f"| {label} | {goal} | " + " | ".join(cells) + " |")
    for name, r in results.items():
        stray = sorted(set(r["stray"]))
        for line in r["unclear"] + [f"good file failed: {s}" for s in r["good_failed"]] + [f"stray: {s}" for s in stray[:20]]:
            print(f"{name}: {line[:240]}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
