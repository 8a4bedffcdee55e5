"""The outputs of a store too large to rewrite whole at each run: parts by year and unit, each written when it changes.

A province's archive holds 10⁵ reports; rebuilding one spreadsheet and one page from
all of them after every run takes minutes and passes Excel's row limit. Past
`reports.SPLIT_AT` documents the run writes instead, under `OUT/parts/`:

- `<year>/<unit>.xlsx`, `.csv`, `.html`: one part, the reports of one unit in one year:
  its workbook (the sheets of `indicators.xlsx`), its findings and its document list
  with the overview of `index.html`;
- `<year>/index.html`: the year's units with their counts, linking their parts;
- `manifest.json`: each part's documents and counts. A part is rewritten only when
  its documents changed (a new or newly compared report, a file superseded), so
  adding a document costs its part and the overview, not the store. The counts
  let the overview add up parts instead of reading every document.

And at the top of OUT, in the same places as a small store's:

- `index.html`: counts by severity and rule over the whole store, and the years;
- `indicators.xlsx`: the 汇总 sheet of the whole store and one row per part linking
  its workbook;
- `findings.csv`: every part's findings one after another (a CSV has no row limit).

Units are grouped by `reconcile.across.department_key`, so that 工信局 and
工业和信息化局 are one part, as they are one department across years.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment

from extractor.batch.store import DocumentRow, Store
from extractor.batch.workbook import add_counts, sheet_rows, write_summary_workbook, write_workbook
from extractor.i18n import SEVERITY_WORD, _, word
from extractor.i18n import current as current_language

FOLDER = "parts"
MANIFEST = "manifest.json"
# a manifest of another layout is not trusted: every part is written again
LAYOUT = 1
NO_YEAR = "no-year"
# what a part is written as: its workbook, its findings and its document list
PART_FILES = (".xlsx", ".csv", ".html")
# a year page lists this many unreadable files at most; the rest are counted
UNREADABLE_SHOWN = 1000


@dataclass
class Written:
    parts: int
    rewritten: int


def remove(out: Path) -> None:
    """A store back under the split size (a smaller `split_at`) leaves no parts behind to mislead."""
    shutil.rmtree(Path(out) / FOLDER, ignore_errors=True)


def part_of(d: DocumentRow) -> tuple[str, str]:
    """(year folder, unit key) of a document; the key also names its files."""
    from extractor.reconcile.across import department_key

    year = str(d.year) if d.year else NO_YEAR
    return year, department_key(d.department) or ""


@lru_cache(maxsize=65536)
def part_id(year: str, key: str) -> str:
    """`<year>/<unit>.<hash>`: readable, safe on every file system, one per unit key, the same at every run."""
    stem = re.sub(r'[\\/:*?"<>|\s!.]+', "_", key)[:40] or "no-unit"
    return f"{year}/{stem}.{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def write(store: Store, out: Path, pipeline: str, docs: list[DocumentRow], fresh: set[int], env: Environment) -> Written:
    """Write the parts that changed, the year pages over them and the overview; `docs` are the store's current
    documents (`store.latest_versions`), readable or not."""
    from extractor.batch.reports import _atomic_write

    root = Path(out) / FOLDER
    root.mkdir(parents=True, exist_ok=True)
    old = _manifest(root, pipeline)
    members: dict[str, list[DocumentRow]] = defaultdict(list)
    years: dict[str, str] = {}
    for d in docs:
        if d.status != "ok":
            continue
        year, key = part_of(d)
        pid = part_id(year, key)
        members[pid].append(d)
        years[pid] = year
    parts: dict[str, dict] = {}
    stale: list[str] = []
    for pid, group in sorted(members.items()):
        ids = sorted(d.id for d in group)
        before = old.get(pid)
        files = [root / f"{pid}{ext}" for ext in PART_FILES]
        if before and before["members"] == ids and not fresh.intersection(ids) and all(f.exists() for f in files):
            parts[pid] = before
        else:
            stale.append(pid)
    parts |= _write_parts(store, root, [(pid, years[pid], members[pid]) for pid in stale], env)
    stale_years = {years[pid] for pid in stale}
    rewritten = len(stale)
    for pid in set(old) - set(parts):
        stale_years.add(old[pid]["year"])
        for ext in PART_FILES:
            (root / f"{pid}{ext}").unlink(missing_ok=True)
    bad = [d for d in docs if d.status != "ok"]
    all_years = sorted({p["year"] for p in parts.values()}, reverse=True)
    for year in all_years:
        page = root / year / "index.html"
        if year in stale_years or not page.exists():
            _atomic_write(page, env.get_template("parts.html.j2").render(**_year_view(year, parts)))
    for year in stale_years - set(all_years):
        (root / year / "index.html").unlink(missing_ok=True)
    _atomic_write(root / MANIFEST, json.dumps({"layout": LAYOUT, "pipeline": pipeline, "lang": current_language(),
                                               "parts": parts}, ensure_ascii=False))
    _atomic_write(Path(out) / "index.html", env.get_template("parts.html.j2").render(**_overview(parts, all_years, bad)))
    totals: dict = {}
    for p in parts.values():
        add_counts(totals, p["counts"])
    write_summary_workbook(totals, [_part_row(pid, p) for pid, p in sorted(parts.items())], Path(out) / "indicators.xlsx")
    _concatenate([root / f"{pid}.csv" for pid in sorted(parts)], Path(out) / "findings.csv")
    return Written(parts=len(parts), rewritten=rewritten)


#: from this many parts to write (a store's first split, a new language) they are written by a pool of processes
POOL_FROM = 16


def _write_parts(store: Store, root: Path, todo: list[tuple[str, str, list[DocumentRow]]], env: Environment) -> dict:
    """Write the parts in `todo` (id, year, documents); many at once go to one process per core, each with its own
    connection to the store (a first split of 10⁵ documents is most of an hour on one core)."""
    from extractor.batch.engines import default_workers, start_forkserver

    cores = default_workers()
    if len(todo) < POOL_FROM or cores < 2:
        return {pid: _write_part(store, root, pid, year, group, env) for pid, year, group in todo}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    start_forkserver()
    done: dict[str, dict] = {}
    with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("forkserver")) as pool:
        futures = {pool.submit(_write_part_alone, store.url, str(root), pid, year, group, current_language()): pid
                   for pid, year, group in todo}
        for fut, pid in futures.items():
            done[pid] = fut.result()
    return done


def _write_part_alone(url: str, root: str, pid: str, year: str, group: list[DocumentRow], lang: str) -> dict:
    """`_write_part` in a pool's process: its own store connection, pages in the run's language."""
    from extractor.batch.reports import _env
    from extractor.i18n import set_language

    set_language(lang)
    store = Store(url)
    try:
        return _write_part(store, Path(root), pid, year, group, _env())
    finally:
        store.close()


def _manifest(root: Path, pipeline: str) -> dict[str, dict]:
    try:
        m = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if m.get("layout") != LAYOUT or m.get("pipeline") != pipeline or m.get("lang") != current_language():
        return {}
    return m.get("parts") or {}


def _write_part(store: Store, root: Path, pid: str, year: str, group: list[DocumentRow], env: Environment) -> dict:
    from extractor.batch.reports import _atomic_write, doc_key, index_view, load, write_findings_csv

    (root / year).mkdir(parents=True, exist_ok=True)
    up = "../../"
    loaded = load(store, group)
    rows = sheet_rows(loaded, lambda d: f"{up}pages/{doc_key(d.source, d.sha256)}.html")
    write_workbook(rows, root / f"{pid}.xlsx")
    write_findings_csv(store, group, root / f"{pid}.csv")
    view = index_view(loaded, group, prefix=up)
    view["up"] = [(_("all years"), f"{up}index.html"), (year, "index.html")]
    _atomic_write(root / f"{pid}.html", env.get_template("index.html.j2").render(**view))
    per_rule: dict[str, dict[str, int]] = {}
    for r in view["rule_rows"]:
        per_rule[r["rule"]] = {"error": r["error"], "warning": r["warning"], "info": r["info"], "documents": r["documents"]}
    return {
        "year": year,
        # the spelling most of the part's reports use
        "unit": min(Counter(d.department for d in group if d.department).items(), key=lambda kv: (-kv[1], kv[0]),
                    default=("", 0))[0],
        "members": sorted(d.id for d in group),
        "counts": rows.counts,
        "files": len(group),
        "findings": view["n_findings"],
        "severity": view["severity_totals"],
        "worst": max((d.worst for d in group), default=0),
        "rules": per_rule,
    }


def _part_row(pid: str, p: dict) -> list:
    sev = p["severity"]
    return [p["year"], p["unit"], p["files"], p["counts"].get("reports", 0), p["counts"].get("indicators", 0),
            sev.get("error", 0), sev.get("warning", 0), sev.get("info", 0),
            f"{FOLDER}/{pid}.xlsx", f"{FOLDER}/{pid}.html", f"{FOLDER}/{pid}.csv"]


def _sum_rules(parts) -> list[dict]:
    from extractor.batch.reports import rule_table

    total: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in parts:
        for rule, v in p["rules"].items():
            for k, n in v.items():
                total[rule][k] += n
    return rule_table(total)


def _group_row(label: str, href: str, members: list[dict]) -> dict:
    from extractor.batch.reports import SEVERITY_NAME

    worst = SEVERITY_NAME.get(max((p["worst"] for p in members), default=0), "none")
    return {"label": label, "href": href, "parts": len(members), "files": sum(p["files"] for p in members),
            "findings": sum(p["findings"] for p in members),
            "error": sum(p["severity"].get("error", 0) for p in members),
            "warning": sum(p["severity"].get("warning", 0) for p in members),
            "info": sum(p["severity"].get("info", 0) for p in members),
            "worst": worst, "worst_word": word(SEVERITY_WORD, worst), "links": []}


def _overview(parts: dict[str, dict], years: list[str], bad: list[DocumentRow]) -> dict:
    by_year: dict[str, list[dict]] = defaultdict(list)
    for p in parts.values():
        by_year[p["year"]].append(p)
    rows = [_group_row(_("no year") if y == NO_YEAR else y, f"{FOLDER}/{y}/index.html", by_year[y]) for y in years]
    return _page(_("Audit overview"), _("year"), rows, list(parts.values()), bad, up=None)


def _year_view(year: str, parts: dict[str, dict]) -> dict:
    mine = {pid: p for pid, p in parts.items() if p["year"] == year}
    rows = []
    for pid, p in sorted(mine.items(), key=lambda kv: (-kv[1]["severity"].get("error", 0), kv[1]["unit"])):
        name = pid.split("/", 1)[1]
        row = _group_row(p["unit"] or _("(no unit)"), f"{name}.html", [p])
        row["links"] = [(_("workbook"), f"{name}.xlsx"), (_("findings CSV"), f"{name}.csv")]
        rows.append(row)
    label = _("no year") if year == NO_YEAR else year
    return _page(_("Audit overview: {year}").format(year=label), _("unit"), rows, list(mine.values()), [],
                 up=[(_("all years"), "../../index.html")])


def _page(title: str, group_label: str, rows: list[dict], parts: list[dict], bad: list[DocumentRow], up) -> dict:
    from extractor.batch.reports import unreadable

    rule_rows = _sum_rules(parts)
    return {
        "title": title,
        "group_label": group_label,
        "groups": rows,
        "up": up,
        "n_docs": sum(p["files"] for p in parts),
        "n_findings": sum(p["findings"] for p in parts),
        "n_errors": len(bad),
        "rule_rows": rule_rows,
        "severity_totals": {k: sum(r[k] for r in rule_rows) for k in ("error", "warning", "info")},
        "errors": unreadable(bad[:UNREADABLE_SHOWN]),
        "errors_more": max(0, len(bad) - UNREADABLE_SHOWN),
    }


def _concatenate(sources: list[Path], target: Path) -> None:
    """One CSV from the parts' CSVs: the first header kept, the others dropped (no header holds a line break)."""
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "wb") as fh:
        for k, src in enumerate(sources):
            with open(src, "rb") as part:
                header = part.readline()
                if k == 0:
                    fh.write(header)
                shutil.copyfileobj(part, fh, 1 << 20)
        if not sources:
            from extractor.batch.reports import FINDINGS_HEADER

            fh.write(("\ufeff" + ",".join(FINDINGS_HEADER) + "\r\n").encode("utf-8"))
    tmp.replace(target)
