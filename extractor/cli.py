"""The `extractor` command: argument handling only; the work lives in the pipeline."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from extractor import i18n
from extractor.i18n import N_, _
from extractor.safe_text import markup_safe, shown


def language_in(argv: list[str]) -> tuple[str | None, list[str]]:
    """The value of `--lang` anywhere on the command line, and the arguments without it; a value
    that is not a language is left in place, for the option's own check to refuse."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in i18n.LANGUAGES:
            return argv[i + 1], argv[:i] + argv[i + 2:]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in i18n.LANGUAGES:
            return arg.split("=", 1)[1], argv[:i] + argv[i + 1:]
    return None, argv


# the help below is written in the language asked for, so it is known before the commands are defined
if (_asked := language_in(sys.argv[1:])[0]) is not None:
    i18n.set_language(_asked)

# click's plain help (rich panels print flags as `<bool>`); errors are one line, see main()
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help=_("Extract and audit Chinese government performance reports."))
err = Console(stderr=True, soft_wrap=True)  # an error is one line, whatever the width


class Language(str, Enum):
    zh = "zh"
    en = "en"


@app.callback()
def options(lang: Language = typer.Option(i18n.current(), "--lang", help=_(
        "language of the interface: zh (Chinese) or en (English); also EXTRACTOR_LANG"))) -> None:
    i18n.set_language(lang.value)


def _error(message: str) -> None:
    """One error line on stderr (document text in `message` is never read as markup)."""
    word = _("error")
    err.print(f"[red]{word}[/red] {markup_safe(shown(message))}", highlight=False)


def _say(message: str) -> None:
    err.print(shown(message), highlight=False, markup=False)


class OutputFormat(str, Enum):
    json = "json"
    table = "table"


# extract and check read each file under the limits of run
_TIMEOUT_HELP = _("seconds one file may take (0 = no limit)")
_MEMORY_HELP = _("address-space limit of the worker that reads a file, in MB (0 = no limit)")
_TAGGER_HELP = _("default (the model today; rules is about 4x faster), model, rules, none, or a model directory")


@app.command(help=_("Extract the output contract JSON from each file."))
def extract(
    files: list[Path] = typer.Argument(..., help=_("report files (PDF, DOCX, HTML, XLSX, text dumps)")),
    output: Path | None = typer.Option(None, "-o", "--output", help=_("output JSON file (one input) or folder (several)")),
    fmt: OutputFormat = typer.Option("json", "--format", help=_("json, or table for a readable list of indicators")),
    tagger: str = typer.Option("default", "--tagger", help=_TAGGER_HELP),
    all_verdicts: bool = typer.Option(False, "--all-verdicts", help=_("also write supported and unverifiable findings")),
    timeout: float = typer.Option(300, "--timeout", help=_TIMEOUT_HELP),
    memory_mb: int = typer.Option(4096, "--memory-mb", help=_MEMORY_HELP),
) -> None:
    _check_tagger(tagger)
    files = _reports(_expand(files))
    if output is not None and len(files) > 1 and output.exists() and not output.is_dir():
        _usage(_("-o {path}: a file; several inputs need a folder").format(path=output))
    failed = 0
    for path, result in _results(files, tagger, all_verdicts, (timeout, memory_mb)):
        if result is None:
            failed += 1
            continue
        if fmt is OutputFormat.table:
            _print_table(result)
            continue
        text = result.to_json()
        if output is None:
            sys.stdout.write(text + "\n")
        else:
            several = len(files) > 1 or output.is_dir() or output.suffix != ".json"
            target = output / (path.name + ".json") if several else output
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            _say(_("wrote {path}").format(path=target))
    if failed:
        raise typer.Exit(1)


@app.command(help=_("Check each report against itself: the forms' arithmetic and the narrative against the forms."))
def check(
    files: list[Path] = typer.Argument(..., help=_("report files or folders")),
    as_json: bool = typer.Option(False, "--json", help=_("print the findings as JSON (one object per file)")),
    all_verdicts: bool = typer.Option(False, "--all-verdicts", help=_("also list supported and unverifiable checks")),
    tagger: str = typer.Option("default", "--tagger", help=_TAGGER_HELP),
    compare: bool = typer.Option(False, "--compare", help=_(
        "two reports of one department: what changed between the years, and what does not agree")),
    timeout: float = typer.Option(300, "--timeout", help=_TIMEOUT_HELP),
    memory_mb: int = typer.Option(4096, "--memory-mb", help=_MEMORY_HELP),
) -> None:
    console = Console()
    _check_tagger(tagger)
    if compare:
        _compare(console, _expand(files), tagger, all_verdicts, as_json, (timeout, memory_mb))
        return
    failed = 0
    for path, result in _results(_reports(_expand(files)), tagger, all_verdicts, (timeout, memory_mb)):
        if result is None:
            failed += 1
            continue
        if as_json:
            payload = {"path": str(path), "findings": [f.model_dump(mode="json") for f in result.findings]}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            continue
        _print_findings(console, path, result)
    if failed:
        raise typer.Exit(1)


def _compare(console: Console, files: list[Path], tagger: str, all_verdicts: bool, as_json: bool,
             limits: tuple[float, int]) -> None:
    from extractor.reconcile.across import compare

    if len(files) != 2:
        _usage(_("--compare takes two reports, got {n}").format(n=len(files)))
    results = [result for _path, result in _results(files, tagger, all_verdicts, limits)]
    if any(r is None for r in results):
        raise typer.Exit(1)
    cmp = compare(*results, all_verdicts=all_verdicts)
    if as_json:
        payload = {"earlier": cmp.earlier.source.path, "later": cmp.later.source.path, "same_department": cmp.same_department,
                   "changes": [vars(c) for c in cmp.changes], "findings": [f.model_dump(mode="json") for f in cmp.findings]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    a, b = cmp.earlier, cmp.later
    years = [_("{year}").format(year=r.year) if r.year else "?" for r in (a, b)]
    title = _("{department}: {before} → {after}").format(department=a.department or "?", before=years[0], after=years[1])
    table = RichTable(title=markup_safe(title), show_lines=False, expand=True)
    for col in (_("item"), years[0], years[1], _("change")):
        table.add_column(markup_safe(col), overflow="fold", ratio=2)
    for c in cmp.changes:
        table.add_row(*(Text(shown(v)) for v in (c.what, c.before or "—", c.after or "—", c.note)))
    console.print(table)
    if not cmp.same_department:
        console.print(Text(shown(_("the two reports name different units ({a} / {b}): the checks across years are only "
                                   "indicative").format(a=a.department, b=b.department)), style="yellow"))
    names = {a.source.path: _("report of {year}").format(year=a.year), b.source.path: _("report of {year}").format(year=b.year)}
    console.print(Text("\n" + _("checks across years: {n}").format(n=len(cmp.findings)), style="bold"))
    for f in cmp.findings:
        line = Text(i18n.word(i18n.SEVERITY_WORD, f.severity), style=_SEVERITY_STYLE[f.severity])
        line.append(f" {f.rule}  ", style="dim")
        line.append(shown(f.message))
        console.print(line)
        for e in f.evidence:
            console.print(Text(shown(f"    {names.get(e.document, e.document or '')} {e.text}：{_where(e.at)}")))


def _results(files: list[Path], tagger: str, all_verdicts: bool, limits: tuple[float, int] = (300, 4096)):
    """(path, extraction) per file, in the order given; a file that cannot be read gives one error line and (path, None).

    Each file is read in a worker process under the limits of `run` (seconds, MB; 0 = none), by the
    same code: a file that runs too long or too large is stopped alone and said in one line.
    """
    from extractor.batch.engines import LocalEngine, default_workers, start_forkserver

    start_forkserver()  # the workers' imports run while this process makes its own
    from extractor.schema import Extraction

    timeout, memory_mb = limits
    engine = LocalEngine(workers=min(len(files), default_workers()) or 1, timeout=timeout or None,
                         memory_mb=memory_mb or None, tagger=tagger, options={"all_verdicts": all_verdicts})
    # the third field (a hash in `run`) carries the file's position, to give results back in order
    tasks = [(str(p), str(p), str(i)) for i, p in enumerate(files)]
    arrived: dict[int, dict] = {}
    upto = 0
    for result in engine.run(tasks):
        arrived[int(result["sha256"])] = result
        while upto in arrived:
            done = arrived.pop(upto)
            if done["status"] == "ok":
                yield files[upto], Extraction.model_validate_json(done["extraction"])
            else:
                _error(done["error"])
                yield files[upto], None
            upto += 1


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def _where(at) -> str:
    parts = []
    if at.page is not None:
        parts.append(_("page {page}").format(page=at.page))
    if at.table is not None:
        parts.append(_("table {table} row {row} column {col}").format(table=at.table, row=at.row, col=at.col))
    elif at.block is not None:
        parts.append(_("paragraph {block} [{start}:{end}]").format(block=at.block, start=at.start, end=at.end))
    if at.line is not None and at.page is None:
        parts.append(_("line {line}").format(line=at.line))
    if at.confidence is not None:
        parts.append(_("OCR confidence {confidence:.2f}").format(confidence=at.confidence))
    return " ".join(parts)


def _print_findings(console: Console, path: Path, result) -> None:
    """One block per finding, wrapped at the console's width: severity and rule, the message,
    expected and found, and each piece of evidence with its place."""
    from rich.padding import Padding

    head = _("{file} — {department} {year}: {n} findings").format(
        file=path.name, department=result.department or "?", year=result.year or "", n=len(result.findings))
    console.print(Text(shown(head), style="bold"))
    for k, f in enumerate(result.findings, start=1):
        head = Text(f"{k}. ")
        head.append(i18n.word(i18n.SEVERITY_WORD, f.severity), style=_SEVERITY_STYLE[f.severity])
        head.append(f"  {f.rule}", style="dim")
        if f.cause == "misread":
            head.append("  " + i18n.word(i18n.CAUSE_WORD, "misread"), style="yellow")
        lines = [head, Text(shown(f.message))]  # document text is never markup: `[/bold]` in a name is text
        if f.expected or f.found:
            lines.append(Text(shown(_("expected {expected}  found {found}").format(expected=f.expected or "—",
                                                                                   found=f.found or "—"))))
        for e in f.evidence:
            lines.append(Text(shown(_("evidence {text}: {where}").format(text=e.text or _("(empty cell)"),
                                                                         where=_where(e.at))), style="dim"))
        console.print(lines[0])
        for line in lines[1:]:
            console.print(Padding(line, (0, 0, 0, 3)))


def _expand(paths: list[Path]) -> list[Path]:
    """Folders stand for the files inside them (sorted, hidden files skipped)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            out.append(p)
    return out


def _reports(files: list[Path]) -> list[Path]:
    """The files `run` would read as reports; the others are named on stderr and left (a .csv, a .md).
    No report at all is an input error."""
    from extractor.batch.sources import ARCHIVE_SUFFIXES, REPORT_SUFFIXES

    keep = []
    for f in files:
        if f.suffix.lower() in REPORT_SUFFIXES or not f.exists():
            keep.append(f)  # a missing file gets its own error line from the reader
        elif f.suffix.lower() in ARCHIVE_SUFFIXES:
            _say(_("skip {path}: an archive (extractor run reads archives)").format(path=f))
        else:
            _say(_("skip {path}: not a report format ({suffix})").format(path=f, suffix=f.suffix or _("no suffix")))
    if not keep:
        _error(_("no report files to read"))
        raise typer.Exit(1)
    return keep


def _check_tagger(tagger: str) -> None:
    if tagger in ("default", "auto", "model", "rules", "none"):
        return
    if not (Path(tagger) / "tagger.json").is_file():
        _usage(_("--tagger {tagger}: not default, model, rules, none or a model directory (with tagger.json)")
               .format(tagger=tagger))


def _usage(message: str) -> None:
    _error(message)
    raise typer.Exit(2)


def _print_table(result) -> None:
    console = Console()
    title = f"{result.department or '?'} {result.year or ''} — {Path(result.source.path).name}"
    table = RichTable(title=markup_safe(shown(title)), show_lines=False)
    for col in (_("level 1"), _("level 2"), _("indicator"), _("annual target"), _("actual"), _("weight"), _("score")):
        table.add_column(col, overflow="fold")
    for ind in result.indicators:
        table.add_row(*(Text(shown(v)) for v in (
            ind.level1 or "", ind.level2 or "", ind.name,
            ind.target.text if ind.target else "", ind.actual.text if ind.actual else "",
            _num(ind.weight), _num(ind.score),
        )))
    if result.totals is not None:
        table.add_row(_("total"), "", "", "", "", _num(result.totals.weight), _num(result.totals.score), style="bold")
    console.print(table)
    if result.funds is not None:
        f = result.funds
        console.print(Text(shown(_(
            "funds ({unit}): initial budget {initial}  annual budget {annual}  executed {executed}  rate {rate}  "
            "weight {weight}  score {score}").format(
            unit=f.unit, initial=_num(f.initial_budget), annual=_num(f.annual_budget), executed=_num(f.executed),
            rate=f.execution_rate.text if f.execution_rate else "—", weight=_num(f.weight), score=_num(f.score)))))


def _num(x) -> str:
    return "" if x is None else (str(int(x)) if float(x).is_integer() else str(x))


_OUTPUT_NAME = {"index": N_("audit pages"), "xlsx": N_("workbook"), "csv": N_("findings for machines"),
                "parts": N_("parts by year and unit")}


@app.command(help=_("Run the whole pipeline over folders and archives into a results store, spreadsheets and audit pages."))
def run(
    paths: list[Path] = typer.Argument(..., help=_("report files, folders and zip archives")),
    out: Path = typer.Option(..., "--out", "-o", help=_(
        "output folder: results.sqlite, json/, indicators.xlsx, findings.csv, index.html")),
    workers: int = typer.Option(0, "--workers", "-w", help=_("worker processes (0 = one per core)")),
    engine: str = typer.Option("local", "--engine", help=_("local (processes on this machine) or ray")),
    ray_address: str | None = typer.Option(None, "--ray-address", help=_(
        "address of a running Ray cluster (default: the one running on this machine, else a new local one)")),
    db: str | None = typer.Option(None, "--db", help=_(
        "SQLAlchemy URL of the results store (default sqlite:///OUT/results.sqlite)")),
    timeout: float = typer.Option(300, "--timeout", help=_TIMEOUT_HELP),
    memory_mb: int = typer.Option(4096, "--memory-mb", help=_MEMORY_HELP),
    tagger: str = typer.Option("default", "--tagger", help=_TAGGER_HELP),
    retry_errors: bool = typer.Option(False, "--retry-errors", help=_("run again the files that failed before")),
    no_progress: bool = typer.Option(False, "--no-progress", help=_("no progress bar (logs and CI)")),
    split_at: int | None = typer.Option(None, "--split-at", min=0, help=_(
        "past this many documents (default 500) the workbook, findings CSV and document lists are split by "
        "year and unit, and only the parts that changed are written again")),
) -> None:
    from extractor.batch.runner import run as run_batch

    if engine not in ("local", "ray"):
        _usage(_("--engine {engine}: unknown engine (local or ray)").format(engine=engine))
    _check_tagger(tagger)
    if out.exists() and not out.is_dir():
        _usage(_("--out {path}: a file, not a folder").format(path=out))
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        _usage(_("{path}: no such file or folder").format(path=missing[0]))
    from sqlalchemy.exc import OperationalError

    from extractor.batch.runner import OutputInUse
    from extractor.batch.store import StoreUnavailable, shown_url

    try:
        summary = run_batch(
            paths, out, workers=workers or None, engine=engine, ray_address=ray_address, db=db,
            timeout=timeout or None, memory_mb=memory_mb or None, tagger=tagger, retry_errors=retry_errors,
            console=err, progress=not no_progress, **({} if split_at is None else {"split_at": split_at}),
        )
    except (OutputInUse, StoreUnavailable) as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    except OperationalError as exc:
        # the server went away in the middle of a run: what was committed stays, a rerun goes on from there
        reason = " ".join(str(getattr(exc, "orig", exc)).split())
        _error(_("{store}: the store stopped answering ({reason}); every file finished before is kept, and a rerun "
                 "goes on from there").format(store=shown_url(db or str(out)), reason=reason))
        raise typer.Exit(1) from None
    except OSError as exc:
        import errno

        if exc.errno != errno.ENOSPC:
            raise
        _error(_("{path}: no space left on the disk; every file finished before is kept in the store, and a rerun "
                 "goes on from there").format(path=out))
        raise typer.Exit(1) from None
    for line in summary.errors:
        _error(line)
    if not summary.found and not summary.refused and not summary.failed:
        said = (_(" ({n} files that are not reports, listed in run.log)").format(n=summary.not_reports)
                if summary.not_reports else "")
        _error(_("no report files in {paths}{said}; nothing written").format(paths=", ".join(map(str, paths)), said=said))
        raise typer.Exit(1)
    line = _("{ok} documents extracted, {failed} could not be read, {done} already done, {not_reports} not reports; "
             "{findings} findings").format(ok=summary.ok, failed=summary.failed, done=summary.skipped_done,
                                           not_reports=summary.not_reports, findings=summary.findings)
    if summary.findings_across:
        line += _(" and {n} across years").format(n=summary.findings_across)
    _say(line + _(", {pages} pages in {seconds} s").format(pages=summary.pages, seconds=summary.seconds))
    for line in summary.notes:
        _say(line)
    for name, path in summary.outputs.items():
        _say(_("{name}: {path}").format(name=_(_OUTPUT_NAME.get(name, name)), path=path))
    _say(_("results store: {url}").format(url=shown_url(db) if db else out / "results.sqlite"))
    if summary.failed:
        raise typer.Exit(1)


_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@app.command(help=_("Serve the auditors' workbench over OUT's results store: the review queue, decisions on findings "
                    "and working papers."))
def serve(
    out: Path = typer.Argument(..., help=_("the output folder of `extractor run`")),
    host: str = typer.Option("127.0.0.1", "--host", help=_("address to listen on (default: this machine only)")),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help=_("port to listen on")),
    db: str | None = typer.Option(None, "--db", help=_(
        "SQLAlchemy URL of the results store (default sqlite:///OUT/results.sqlite)")),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help=_("server processes (one per core for a large team)")),
) -> None:
    from sqlalchemy import func, select

    from extractor.review.app import create_app, session_secret
    from extractor.review.tables import UserRow

    store = _workbench_store(out, db)

    with store.session() as session:
        if not session.scalar(select(func.count()).select_from(UserRow)):
            _error(_("{out}: no workbench accounts yet; add one with `extractor users add NAME --role admin --out {out}`")
                   .format(out=out))
            raise typer.Exit(2)
    if host not in _LOCAL_HOSTS:
        _say(_("the workbench listens on {host}: other machines can reach it; serve it behind HTTPS").format(host=host))
    _say(_("workbench: http://{host}:{port}/ (Ctrl+C stops it)").format(host=host if ":" not in host else f"[{host}]",
                                                                       port=port))
    import os

    import uvicorn

    if workers == 1:
        uvicorn.run(create_app(store, session_secret(out)), host=host, port=port, log_level="warning")
        return
    store.close()
    session_secret(out)  # made once here, not raced by the workers
    os.environ["EXTRACTOR_SERVE_OUT"], os.environ["EXTRACTOR_SERVE_DB"] = str(out.resolve()), db or ""
    uvicorn.run("extractor.review.app:from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


def _workbench_store(out: Path, db: str | None):
    """The store `run` wrote into OUT (or --db); a missing or unusable one is one error line and exit code 2."""
    from extractor.batch.store import Store, StoreUnavailable

    try:
        if not db and not (out / "results.sqlite").exists():
            raise StoreUnavailable(_("{out}: no results store here; run `extractor run … --out {out}` first")
                                   .format(out=out))
        return Store.at(out, db)
    except StoreUnavailable as exc:
        _error(str(exc))
        raise typer.Exit(2) from None


users_app = typer.Typer(no_args_is_help=True, help=_("The workbench's accounts."))
app.add_typer(users_app, name="users")


@users_app.command("add", help=_("Add a workbench account; the password is asked for twice (or read from stdin)."))
def users_add(
    name: str = typer.Argument(..., help=_("user name")),
    out: Path = typer.Option(..., "--out", "-o", help=_("the output folder of `extractor run`")),
    role: str = typer.Option("reviewer", "--role", help=_("reviewer (decides), lead (also assigns) or admin (also "
                                                          "manages accounts)")),
    db: str | None = typer.Option(None, "--db", help=_(
        "SQLAlchemy URL of the results store (default sqlite:///OUT/results.sqlite)")),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=_("read the password from standard input")),
) -> None:
    from extractor.review.accounts import AccountError, add_user

    store = _workbench_store(out, db)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(_("password"), hide_input=True, confirmation_prompt=True)
    with store.session() as session:
        try:
            add_user(session, name, role, password)
        except AccountError as exc:
            _error(str(exc))
            raise typer.Exit(2) from None
    _say(_("account {name} ({role}) added").format(name=name, role=role))


@app.command(help=_("Tag METRIC, VALUE and TARGET in each line's text; entities get start, end, label and score."))
def tag(
    input: Path = typer.Argument(..., help=_('JSONL, one {"id", "text"} per line')),
    output: Path | None = typer.Option(None, "-o", "--output", help=_("output JSONL (default: stdout)")),
    model: Path | None = typer.Option(None, "--model", help=_("a model directory (default: the shipped models/tagger)")),
    rules: bool = typer.Option(False, "--rules", help=_("use the rule baseline instead of the model")),
    html: Path | None = typer.Option(None, "--html", help=_("also write the tagged texts as highlighted HTML (displaCy)")),
) -> None:
    from extractor.tagger import load_tagger
    from extractor.tagger.tagging import TagReport, read_lines, tag_records

    if not input.is_file():
        _usage(_("{path}: no such file").format(path=input))
    try:
        tagger = load_tagger(model, rules=rules)
    except (FileNotFoundError, OSError, ValueError) as exc:
        _usage(str(exc))
    report = TagReport()
    records = list(read_lines(input, report))
    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        tag_records(tagger, records, sink, report)
    finally:
        if output:
            sink.close()
    if html:
        from extractor.tagger.display import render_html

        parts = [render_html(r["text"], r["entities"], page=False) for r in records]
        html.write_text("<!doctype html><meta charset=utf-8><body>" + "<hr>".join(parts) + "</body>", encoding="utf-8")
    for line in report.errors:
        _error(line)
    _say(_("tagged {tagged} of {lines} lines ({bad} bad)").format(tagged=report.tagged, lines=report.lines,
                                                                 bad=len(report.errors)))
    if report.errors:
        raise typer.Exit(1)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, add_help_option=False,
             help=_("Fine-tune the tagger on annotations/ (the shipped recipe; --quick to try the loop; --help for all options)."))
def train(ctx: typer.Context) -> None:
    try:
        import transformers  # noqa: F401

        from training.loop import ROOT
        from training.loop import main as train_main
    except ImportError as exc:
        _usage(_("training needs the train extra (`bash setup.sh` installs it): {reason}").format(reason=exc))
    if not (ROOT / "annotations" / "README.md").exists():
        _usage(_("training reads the annotations of a repository checkout; none next to {path}").format(path=ROOT))
    raise typer.Exit(train_main(list(ctx.args)))


@app.command(help=_("Print (or write) the JSON Schema of the output contract."))
def schema(output: Path | None = typer.Option(None, "-o", "--output", help=_("output file (default: stdout)"))) -> None:
    from extractor.schema import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if output:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            _error(_("{path}: cannot be written ({reason})").format(path=output, reason=exc.strerror or exc))
            raise typer.Exit(1) from None
    else:
        sys.stdout.write(text + "\n")


def main() -> None:
    """The console script: a usage error is one line and exit 2, as every other error of the commands."""
    lang, args = language_in(sys.argv[1:])
    if lang:
        args = ["--lang", lang, *args]  # the option belongs before the command; it may be typed anywhere
    try:
        code = app(args=args, standalone_mode=False)
    except typer.Abort:
        raise SystemExit(130) from None
    except typer.TyperException as exc:  # click's usage and parameter errors, as typer vendors them
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        code = getattr(exc, "exit_code", 2)
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(message.rstrip() + "\n")  # no arguments: the help itself
            raise SystemExit(0) from None
        hint = _(" (see {command} --help)").format(command=ctx.command_path) if ctx is not None and code == 2 else ""
        message = " ".join(message.replace("Value error, ", "").split())
        err.print(_("error: {message}").format(message=shown(message)) + hint, highlight=False, markup=False)
        raise SystemExit(code) from None
    raise SystemExit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
