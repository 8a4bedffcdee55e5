"""What a run leaves in OUT for people, rendered from the store (never from a worker's memory).

- `json/<name>.json`: the contract JSON of each document;
- `indicators.xlsx`: the analyst's workbook (`workbook.py`): 汇总, 文档, 指标, 问题, 资金来源;
- `findings.csv`: every finding with its evidence, and for findings on OCR-read figures their cause
  (`misread` or `report`) and lowest reading confidence (UTF-8 with BOM for Excel);
- `index.html` and `pages/<name>.html`: the audit pages, offline, every piece of
  document text escaped by Jinja's autoescape; each finding sits beside the
  reconstructed document with its evidence highlighted.

Because everything is rendered from the store, a run killed half-way and
resumed still leaves complete outputs.

Past `SPLIT_AT` documents (or when a sheet would pass Excel's row limit) the
workbook, the CSV and the document list are split by year and unit, and a run
rewrites only the parts whose documents changed (`parts.py`); the documents'
own JSON and pages are written once per document version in either layout.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select

from extractor.batch.crops import crop_key
from extractor.batch.store import DocumentRow, FindingRow, Store, id_chunks, latest_versions
from extractor.batch.workbook import EXCEL_ROWS, Places, sheet_rows, write_workbook
from extractor.i18n import CAUSE_WORD, N_, SEVERITY_WORD, VERDICT_WORD, _, html_lang, translations, word
from extractor.i18n import current as current_language
from extractor.safe_text import csv_cell

SEVERITY_NAME = {3: "error", 2: "warning", 1: "info", 0: "none"}
#: colours a page gives its findings (base.html.j2 defines --c0 … --c7)
PALETTE = 8


_UNSAFE = re.compile(r'[\\/:*?"<>|\s!]+')


def doc_key(source: str, sha256: str) -> str:
    """A file name for a document's outputs: readable stem + a hash of where it came from."""
    stem = _UNSAFE.sub("_", source.replace("!/", "/").rstrip("/").rsplit("/", 1)[-1])[:80] or "document"
    return f"{stem}.{hashlib.sha1(f'{source}|{sha256}'.encode()).hexdigest()[:8]}"


#: past this many documents a store's spreadsheet, findings CSV and document list are split into parts, one per
#: unit and year (`parts.py`): rewriting them whole at each run would grow with the store (seconds at a few
#: thousand documents, minutes at 10⁵)
SPLIT_AT = 500


def write_all(store: Store, out: Path, pipeline: str, fresh: set[int] | None = None, split_at: int = SPLIT_AT,
              say=None) -> dict[str, Path]:
    """Write every output for the documents of `pipeline`; `fresh` ids are rewritten even if present.
    `say(line)` is told when the outputs are split into parts, and why."""
    from extractor.batch import parts

    out = Path(out)
    docs = latest_versions(store.documents(pipeline))
    ok = [d for d in docs if d.status == "ok"]
    fresh = fresh or set()
    env = _env()
    write_documents(store, out, ok, fresh, env)
    paths = {"index": out / "index.html", "xlsx": out / "indicators.xlsx", "csv": out / "findings.csv"}
    if len(ok) <= split_at:
        loaded = load(store, ok)
        rows = sheet_rows(loaded, lambda d: f"pages/{doc_key(d.source, d.sha256)}.html")
        if rows.longest() < EXCEL_ROWS:
            parts.remove(out)
            _atomic_write(paths["index"], env.get_template("index.html.j2").render(**index_view(loaded, docs)))
            write_workbook(rows, paths["xlsx"])
            write_findings_csv(store, ok, paths["csv"])
            return paths
        reason = _("one spreadsheet would pass Excel's limit of {limit:,} rows ({rows:,})").format(
            limit=EXCEL_ROWS, rows=rows.longest() + 1)
    else:
        reason = _("{n:,} documents").format(n=len(ok))
    written = parts.write(store, out, pipeline, docs, fresh, env)
    if say:
        say(_("{reason}: the spreadsheet, the findings CSV and the document lists are split into {n:,} parts by year and "
              "unit under {path} ({k:,} rewritten by this run); indicators.xlsx and index.html link them").format(
            reason=reason, n=written.parts, path=out / parts.FOLDER, k=written.rewritten))
    return {**paths, "parts": out / parts.FOLDER}


def write_documents(store: Store, out: Path, ok: list[DocumentRow], fresh: set[int], env: Environment) -> None:
    """Each document's JSON and audit page, written when it is new or its files are missing."""
    (out / "json").mkdir(parents=True, exist_ok=True)
    (out / "pages").mkdir(parents=True, exist_ok=True)
    page = env.get_template("document.html.j2")
    # one listing of each folder, not two file checks per document: a store of 10⁵ has 2·10⁵ files there
    have = {e.name for e in os.scandir(out / "json")} & {e.name.removesuffix(".html") + ".json" for e in os.scandir(out / "pages")}
    for d in ok:
        key = doc_key(d.source, d.sha256)
        target = out / "json" / f"{key}.json"
        html_path = out / "pages" / f"{key}.html"
        if d.id not in fresh and f"{key}.json" in have:
            continue
        extraction, document = store.payload(d.id)
        ex = json.loads(extraction)
        # found against the same department's report of the year before (batch/years.py): part of this report's findings
        ex["findings"] = ex.get("findings", []) + store.findings_of(d.id, "across.")
        _atomic_write(target, json.dumps(ex, ensure_ascii=False, indent=2))
        _atomic_write(html_path, page.render(**document_view(d, ex, document, store.crops_of(d.id))))


def load(store: Store, docs: list[DocumentRow]) -> list[tuple[DocumentRow, dict]]:
    """Each readable document with its contract JSON, its cross-year findings added; read once for every output."""
    ok = [d for d in docs if d.status == "ok"]
    ids = [d.id for d in ok]
    payloads = store.extractions(ids)
    across = store.findings_by_document(ids, "across.")
    loaded = []
    for d in ok:
        ex = json.loads(payloads.get(d.id) or "{}")
        ex["findings"] = ex.get("findings", []) + across.get(d.id, [])
        loaded.append((d, ex))
    return loaded


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _env() -> Environment:
    """Jinja with gettext (the i18n extension): the pages' words are in the interface's language."""
    env = Environment(
        loader=PackageLoader("extractor.batch", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(current_language()))
    env.globals["html_lang"] = html_lang()
    return env


# --------------------------------------------------------------------------- index


#: what `error_kind` of a file that could not be read means
KIND_WORD = {"unreadable": N_("cannot be read"), "timeout": N_("timed out"), "memory": N_("out of memory"),
             "crashed": N_("reader crashed"), "internal": N_("internal error"), "refused": N_("refused")}
# the rules × documents heatmap keeps the most frequent rules; the rest are counted in the table above it
HEATMAP_RULES = 16


def index_view(loaded: list[tuple[DocumentRow, dict]], docs: list[DocumentRow], prefix: str = "") -> dict:
    """The index: an overview (counts by severity and rule, a rule × document heatmap, budget against
    execution) and the filterable list of documents. `loaded` are the readable documents (`load`), `docs`
    every document listed (the unreadable ones among them are listed apart); links start with `prefix`."""
    bad = [d for d in docs if d.status != "ok"]
    per_doc: dict[int, dict[str, dict[str, int]]] = {}
    rows = []
    for d, ex in loaded:
        rules: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for f in ex.get("findings", []):
            rules[f["rule"]][f["severity"]] += 1
        per_doc[d.id] = rules
        rows.append(
            {
                "href": f"{prefix}pages/{doc_key(d.source, d.sha256)}.html",
                "source": d.source,
                "name": Path(d.source.replace("!/", "/")).name,
                "department": d.department or "",
                "year": d.year or "",
                "format": d.format or "",
                "pages": d.pages or "",
                "indicators": d.n_indicators,
                "findings": d.n_findings,
                "errors": d.n_errors,
                "worst": SEVERITY_NAME.get(d.worst, "none"),
                "worst_word": word(SEVERITY_WORD, SEVERITY_NAME.get(d.worst, "none")),
                "rules": {r: sum(v.values()) for r, v in sorted(rules.items())},
                "scan": bool((ex.get("source") or {}).get("ocr")),
                "funds": _funds(ex),
            }
        )
    rule_rows = rule_table(rule_counts(per_doc.values()))
    heat_rules = [r["rule"] for r in sorted(rule_rows, key=lambda x: -x["total"])[:HEATMAP_RULES]]
    top = max((n for row in rows for n in row["rules"].values()), default=1)
    return {
        "rows": rows,
        "errors": unreadable(bad),
        "n_docs": len(loaded),
        "n_findings": sum(d.n_findings for d, _ex in loaded),
        "n_errors": len(bad),
        "rule_rows": rule_rows,
        "heat_rules": heat_rules,
        "heat_top": top,
        "severity_totals": {k: sum(r[k] for r in rule_rows) for k in ("error", "warning", "info")},
        "severity_word": {k: word(SEVERITY_WORD, k) for k in SEVERITY_WORD},
        "departments": sorted({r["department"] for r in rows if r["department"]}),
        "years": sorted({r["year"] for r in rows if r["year"]}),
        "up": None,
    }


def rule_counts(per_doc) -> dict[str, dict[str, int]]:
    """{rule: {severity: findings, "documents": documents with the rule}} from each document's {rule: {severity: n}}."""
    by_rule: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rules in per_doc:
        for rule, sev in rules.items():
            by_rule[rule]["documents"] += 1
            for k, n in sev.items():
                by_rule[rule][k] += n
    return {r: dict(v) for r, v in by_rule.items()}


def rule_table(by_rule: dict[str, dict[str, int]]) -> list[dict]:
    """The overview's rows by rule, errors first."""
    return sorted(({"rule": r, "error": v.get("error", 0), "warning": v.get("warning", 0), "info": v.get("info", 0),
                    "total": sum(n for k, n in v.items() if k != "documents"), "documents": v.get("documents", 0)}
                   for r, v in by_rule.items()), key=lambda x: (-x["error"], -x["total"], x["rule"]))


def unreadable(bad: list[DocumentRow]) -> list[dict]:
    return [{"source": d.source, "kind": (d.errors[0].kind if d.errors else "error"),
             "kind_word": word(KIND_WORD, d.errors[0].kind if d.errors else "error"),
             "message": (d.errors[0].message if d.errors else "")} for d in bad]


def _funds(ex: dict) -> dict | None:
    """The document's budget against execution, for the overview's bar."""
    f = ex.get("funds") or {}
    budget, executed = f.get("annual_budget") or f.get("initial_budget"), f.get("executed")
    if budget and executed is not None and budget > 0:
        return {"budget": budget, "executed": executed, "unit": f.get("unit") or "", "share": min(executed / budget, 1.5),
                "rate": (f.get("execution_rate") or {}).get("text") or f"{executed / budget:.1%}"}
    return None


# --------------------------------------------------------------------------- document page


def document_view(d: DocumentRow, extraction: str | dict, document: str | None, crops: dict[str, str] | None = None) -> dict:
    """The template's data: findings with anchors, and the document as blocks with marks."""
    ex = json.loads(extraction) if isinstance(extraction, str) else extraction
    doc = json.loads(document or "{}")
    findings = [f for f in ex.get("findings", [])]
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (order.get(f["severity"], 3), f["id"]))

    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)  # block -> (start, end, anchor)
    cells: dict[tuple[str, int, int], list[str]] = defaultdict(list)  # (table,row,col) -> anchors
    tables_hit: dict[str, list[str]] = defaultdict(list)
    cited_by: dict[str, list[int]] = defaultdict(list)  # anchor -> the findings citing that place
    places = Places(ex.get("tables", []), confidence=False, forms=ex.get("forms", []))
    fviews = []
    for n, f in enumerate(findings, 1):
        evs = []
        for ev in f.get("evidence", []):
            at = ev.get("at") or {}
            # one anchor per place, shared by every finding that cites it
            target = None
            elsewhere = ev.get("document") not in (None, ex.get("source", {}).get("path"))
            if elsewhere:
                # a figure of another report (a cross-year finding): named, not marked in this one
                evs.append({"text": f"{Path(ev['document']).name}：{ev.get('text', '')}", "where": Places([], False)(at), "anchor": None,
                            "confidence": at.get("confidence")})
                continue
            if at.get("table") is not None and at.get("row") is not None and at.get("col") is not None:
                target = f"c-{at['table']}-{at['row']}-{at['col']}"
                cells[(at["table"], at["row"], at["col"])].append(target)
            elif at.get("block") is not None and at.get("start") is not None:
                end = at.get("end") if at.get("end") is not None else at["start"]
                target = f"s-{at['block']}-{at['start']}-{end}"
                spans[at["block"]].append((at["start"], end, target))
            elif at.get("table") is not None:
                target = f"t-{at['table']}"
                tables_hit[at["table"]].append(target)
            if target and n not in cited_by[target]:
                cited_by[target].append(n)
            evs.append({"text": ev.get("text", ""), "where": places(at), "anchor": target, "confidence": at.get("confidence"),
                        "crop": (crops or {}).get(crop_key(at) or "")})
        fviews.append({"n": n, "id": f["id"], "rule": f["rule"], "severity": f["severity"], "verdict": f["verdict"],
                       "severity_word": word(SEVERITY_WORD, f["severity"]),
                       "verdict_word": word(VERDICT_WORD, f["verdict"]), "colour": _colour(n),
                       "message": f["message"], "expected": f.get("expected"), "found": f.get("found"), "evidence": evs,
                       "cause": f.get("cause"), "cause_word": word(CAUSE_WORD, f.get("cause")),
                       "confidence": f.get("confidence")})

    tables = {t["id"]: t for t in doc.get("tables", [])}
    blocks = []
    for b in doc.get("blocks", []):
        if b["kind"] == "table":
            t = tables.get(b.get("table"))
            if t:
                blocks.append({"kind": "table", "table": _table_view(t, cells, cited_by),
                               "anchors": sorted(set(tables_hit.get(t["id"], []))), "title": t.get("title"), "id": t["id"]})
        else:
            blocks.append({"kind": b["kind"], "level": b.get("level"), "id": b["id"],
                           "segments": _segments(b.get("text", ""), spans.get(b["id"], []), cited_by)})
    return {
        "source": d.source,
        "department": d.department or "",
        "year": d.year or "",
        "format": d.format or "",
        "pages": d.pages or "",
        "findings": fviews,
        "blocks": blocks,
        "indicators": d.n_indicators,
        "claims": d.n_claims,
        "supervising": ex.get("supervising_department") or "",
        "scan": bool((ex.get("source") or {}).get("ocr")),
        # which layout each form was read as, so a reader sees why a table was read the way it was
        "forms": [{"family": f.get("family"), "project": f.get("project") or f.get("title") or "", "table": f.get("table"),
                   "header_row": f.get("header_row")} for f in ex.get("forms", [])],
    }


def _where(at: dict) -> str:
    """A place in the ids of the contract JSON, for findings.csv (machines read it; never translated)."""
    parts = []
    if at.get("page") is not None:
        parts.append(f"p.{at['page']}")
    if at.get("line") is not None:
        parts.append(f"line {at['line']}")
    if at.get("table") is not None:
        cell = at["table"]
        if at.get("row") is not None:
            cell += f" r{at['row']}"
        if at.get("col") is not None:
            cell += f" c{at['col']}"
        parts.append(cell)
    if at.get("block") is not None:
        parts.append(f"{at['block']}" + (f" [{at['start']}:{at.get('end')}]" if at.get("start") is not None else ""))
    return ", ".join(parts)


def _colour(n: int) -> int:
    """The palette entry of finding n: neighbours differ, so two findings on one table read apart."""
    return (n - 1) % PALETTE


def _cited(anchors: list[str], cited_by: dict[str, list[int]]) -> list[int]:
    return sorted({n for a in anchors for n in cited_by.get(a, [])})


def _segments(text: str, marks: list[tuple[int, int, str]], cited_by: dict[str, list[int]] | None = None) -> list[dict]:
    """Text cut at every mark boundary; each piece knows the anchors covering it and the findings citing it."""
    cited_by = cited_by or {}
    if not marks:
        return [{"text": text, "anchors": [], "starts": [], "findings": []}]
    cuts = sorted({0, len(text), *(max(0, min(len(text), p)) for s, e, _ in marks for p in (s, e))})
    out: list[dict] = []
    seen: set[str] = set()
    for a, b in pairwise(cuts):
        if a == b:
            continue
        anchors = sorted({m for s, e, m in marks if s <= a and b <= e})
        starts = sorted({m for s, e, m in marks if s == a and m not in seen})
        seen.update(starts)
        out.append({"text": text[a:b], "anchors": anchors, "starts": starts, "findings": _cited(anchors, cited_by)})
    # a zero-width mark (evidence on an empty stretch) still gets a visible place
    for s_, e_, m in marks:
        if s_ == e_ and m not in seen:
            pos = next((k for k, seg in enumerate(out) if sum(len(x["text"]) for x in out[:k]) >= s_), len(out))
            out.insert(pos, {"text": "", "anchors": [m], "starts": [m], "findings": _cited([m], cited_by)})
            seen.add(m)
    return out


def _table_view(t: dict, cells: dict, cited_by: dict[str, list[int]] | None = None) -> list[list[dict]]:
    cited_by = cited_by or {}
    rows: list[list[dict]] = [[] for _ in range(t.get("n_rows", 0))]
    for c in sorted(t.get("cells", []), key=lambda c: (c["row"], c["col"])):
        if c["row"] < len(rows):
            anchors = sorted(set(cells.get((t["id"], c["row"], c["col"]), [])))
            rows[c["row"]].append({"text": c.get("text", ""), "rowspan": c.get("rowspan", 1), "colspan": c.get("colspan", 1),
                                   "anchors": anchors, "findings": _cited(anchors, cited_by)})
    return rows


def _rows(store: Store, model, by_id: dict[int, DocumentRow], order) -> list:
    """The rows of `model` belonging to the listed documents, ids in chunks every database accepts."""
    out = []
    with store.session() as s:
        for chunk in id_chunks(by_id):
            out += s.scalars(select(model).where(model.doc_id.in_(chunk)).order_by(model.doc_id, order))
    return out


def evidence_text(evidence: list | None) -> str:
    out = []
    for ev in evidence or []:
        where = _where(ev.get("at") or {})
        text = f"{ev.get('text', '')} ({where})" if where else ev.get("text", "")
        # a cross-year finding cites two reports: say which one each figure stands in
        out.append(f"{Path(ev['document']).name}: {text}" if ev.get("document") else text)
    return " | ".join(out)


FINDINGS_HEADER = ["source", "department", "year", "finding", "rule", "severity", "verdict", "message", "expected",
                   "found", "evidence", "cause", "confidence"]


def write_findings_csv(store: Store, docs: list[DocumentRow], path: Path) -> None:
    by_id = {d.id: d for d in docs if d.status == "ok"}
    finds = _rows(store, FindingRow, by_id, FindingRow.id)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(FINDINGS_HEADER)
        for f in finds:
            d = by_id[f.doc_id]
            w.writerow([csv_cell(v) for v in (
                d.source, d.department or "", d.year or "", f.finding_id, f.rule, f.severity, f.verdict,
                f.message, f.expected or "", f.found or "", evidence_text(f.evidence), f.cause or "",
                "" if f.confidence is None else f.confidence)])
    tmp.replace(path)
