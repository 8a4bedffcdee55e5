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

from extractor.safe_text import markup_safe, shown

# click's plain help (rich panels print flags as `<bool>`); errors are one line, see main()
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  help="Extract and audit Chinese government performance reports.")
err = Console(stderr=True, soft_wrap=True)  # an error is one line, whatever the width


class OutputFormat(str, Enum):
    json = "json"
    table = "table"


# extract and check read each file under the limits of run
_LIMITS_HELP = ("seconds one file may take (0 = no limit)", "address-space limit of the worker that reads a file, in MB (0 = no limit)")


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., help="report files (PDF, DOCX, HTML, XLSX, text dumps)"),
    output: Path | None = typer.Option(None, "-o", "--output", help="output JSON file (one input) or folder (several)"),
    fmt: OutputFormat = typer.Option("json", "--format", help="json, or table for a readable list of indicators"),
    tagger: str = typer.Option("default", "--tagger", help="default (the better on the blind split: the model today; rules is about 4x faster), model, rules, none, or a model directory"),
    all_verdicts: bool = typer.Option(False, "--all-verdicts", help="also write supported and unverifiable findings"),
    timeout: float = typer.Option(300, "--timeout", help=_LIMITS_HELP[0]),
    memory_mb: int = typer.Option(4096, "--memory-mb", help=_LIMITS_HELP[1]),
) -> None:
    """Extract the output contract JSON from each file."""
    _check_tagger(tagger)
    files = _reports(_expand(files))
    if output is not None and len(files) > 1 and output.exists() and not output.is_dir():
        _usage(f"-o {output}: a file; several inputs need a folder")
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
            err.print(f"wrote {markup_safe(str(target))}", highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="report files or folders"),
    as_json: bool = typer.Option(False, "--json", help="print the findings as JSON (one object per file)"),
    all_verdicts: bool = typer.Option(False, "--all-verdicts", help="also list supported and unverifiable checks"),
    tagger: str = typer.Option("default", "--tagger", help="default (the better on the blind split: the model today; rules is about 4x faster), model, rules, none, or a model directory"),
    compare: bool = typer.Option(False, "--compare", help="two reports of one department: what changed between the years, and what does not agree"),
    timeout: float = typer.Option(300, "--timeout", help=_LIMITS_HELP[0]),
    memory_mb: int = typer.Option(4096, "--memory-mb", help=_LIMITS_HELP[1]),
) -> None:
    """Check each report against itself: the forms' arithmetic and the narrative against the forms."""
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
        err.print(f"[red]error[/red] --compare takes two reports, got {len(files)}", highlight=False)
        raise typer.Exit(2)
    results = [r for _, r in _results(files, tagger, all_verdicts, limits)]
    if any(r is None for r in results):
        raise typer.Exit(1)
    cmp = compare(*results, all_verdicts=all_verdicts)
    if as_json:
        payload = {"earlier": cmp.earlier.source.path, "later": cmp.later.source.path, "same_department": cmp.same_department,
                   "changes": [vars(c) for c in cmp.changes], "findings": [f.model_dump(mode="json") for f in cmp.findings]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    a, b = cmp.earlier, cmp.later
    table = RichTable(title=markup_safe(f"{a.department or '?'}：{a.year or '?'}年 → {b.year or '?'}年"), show_lines=False, expand=True)
    for col, kw in (("项目", {"ratio": 2}), (f"{a.year or '前'}年", {"ratio": 2}), (f"{b.year or '后'}年", {"ratio": 2}), ("变化", {"ratio": 2})):
        table.add_column(col, overflow="fold", **kw)
    for c in cmp.changes:
        table.add_row(*(Text(shown(v)) for v in (c.what, c.before or "—", c.after or "—", c.note)))
    console.print(table)
    if not cmp.same_department:
        console.print(f"[yellow]两份报告的单位名称不同（{markup_safe(str(a.department))} / {markup_safe(str(b.department))}），跨年核对仅供参考[/]")
    names = {a.source.path: f"{a.year}年报告", b.source.path: f"{b.year}年报告"}
    console.print(f"\n跨年核对：{len(cmp.findings)} 项", style="bold")
    for f in cmp.findings:
        console.print(f"[{_SEVERITY_STYLE[f.severity]}]{f.severity}[/] {f.rule}  {markup_safe(f.message)}", highlight=False)
        for e in f.evidence:
            console.print(shown(f"    {names.get(e.document, e.document or '')} {e.text}：{_where(e.at)}"), highlight=False, markup=False)


def _results(files: list[Path], tagger: str, all_verdicts: bool, limits: tuple[float, int] = (300, 4096)):
    """(path, extraction) per file, in the order given; a file that cannot be read gives one error line and (path, None).

    Each file is read in a worker process under the limits of `run` (seconds, MB; 0 = none), by the
    same code: a file that runs too long or too large is stopped alone and said in one line.
    """
    from extractor.batch.engines import LocalEngine, default_workers
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
                err.print(f"[red]error[/red] {markup_safe(shown(done['error']))}", highlight=False)
                yield files[upto], None
            upto += 1


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def _where(at) -> str:
    parts = []
    if at.page is not None:
        parts.append(f"第{at.page}页")
    if at.table is not None:
        parts.append(f"表{at.table} 行{at.row} 列{at.col}")
    elif at.block is not None:
        parts.append(f"段{at.block}[{at.start}:{at.end}]")
    if at.line is not None and at.page is None:
        parts.append(f"第{at.line}行")
    if at.confidence is not None:
        parts.append(f"识读置信度{at.confidence:.2f}")
    return " ".join(parts)


_SEVERITY_WORD = {"error": "错误", "warning": "警告", "info": "提示"}


def _print_findings(console: Console, path: Path, result) -> None:
    """One block per finding, wrapped at the console's width: severity and rule, the message,
    expected and found, and each piece of evidence with its place."""
    from rich.padding import Padding

    console.print(Text(f"{shown(path.name)} — {shown(result.department or '?')} {result.year or ''}：{len(result.findings)} 项",
                       style="bold"))
    for k, f in enumerate(result.findings, start=1):
        head = Text(f"{k}. ")
        head.append(_SEVERITY_WORD.get(f.severity, f.severity), style=_SEVERITY_STYLE[f.severity])
        head.append(f"  {f.rule}", style="dim")
        if f.cause == "misread":
            head.append("  疑为识读错误", style="yellow")
        lines = [head, Text(shown(f.message))]  # document text is never markup: `[/bold]` in a name is text
        if f.expected or f.found:
            lines.append(Text(f"应为 {shown(f.expected or '—')}　填报 {shown(f.found or '—')}"))
        for e in f.evidence:
            lines.append(Text(f"出处 {shown(e.text) or '（空栏）'}：{_where(e.at)}", style="dim"))
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
            err.print(f"skip {markup_safe(shown(str(f)))}: an archive (extractor run reads archives)", highlight=False)
        else:
            err.print(f"skip {markup_safe(shown(str(f)))}: not a report format ({markup_safe(shown(f.suffix or 'no suffix'))})",
                      highlight=False)
    if not keep:
        err.print("[red]error[/red] no report files to read", highlight=False)
        raise typer.Exit(1)
    return keep


def _check_tagger(tagger: str) -> None:
    if tagger in ("default", "auto", "model", "rules", "none"):
        return
    if not (Path(tagger) / "tagger.json").is_file():
        _usage(f"--tagger {tagger}: not default, model, rules, none or a model directory (with tagger.json)")


def _usage(message: str) -> None:
    err.print(f"[red]error[/red] {markup_safe(shown(message))}", highlight=False)
    raise typer.Exit(2)


def _print_table(result) -> None:
    console = Console()
    title = markup_safe(f"{result.department or '?'} {result.year or ''} — {Path(result.source.path).name}")
    table = RichTable(title=title, show_lines=False)
    for col in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"):
        table.add_column(col, overflow="fold")
    for ind in result.indicators:
        table.add_row(*(Text(shown(v)) for v in (
            ind.level1 or "", ind.level2 or "", ind.name,
            ind.target.text if ind.target else "", ind.actual.text if ind.actual else "",
            _num(ind.weight), _num(ind.score),
        )))
    if result.totals is not None:
        table.add_row("总分", "", "", "", "", _num(result.totals.weight), _num(result.totals.score), style="bold")
    console.print(table)
    if result.funds is not None:
        f = result.funds
        rate = f.execution_rate.text if f.execution_rate else "—"
        console.print(
            f"资金({f.unit}): 年初预算 {_num(f.initial_budget)}  全年预算 {_num(f.annual_budget)}  "
            f"全年执行 {_num(f.executed)}  执行率 {rate}  分值 {_num(f.weight)}  得分 {_num(f.score)}"
        )


def _num(x) -> str:
    return "" if x is None else (str(int(x)) if float(x).is_integer() else str(x))


@app.command()
def run(
    paths: list[Path] = typer.Argument(..., help="report files, folders and zip archives"),
    out: Path = typer.Option(..., "--out", "-o", help="output folder: results.sqlite, json/, indicators.xlsx, findings.csv, index.html"),
    workers: int = typer.Option(0, "--workers", "-w", help="worker processes (0 = one per core)"),
    engine: str = typer.Option("local", "--engine", help="local (processes on this machine) or ray"),
    ray_address: str | None = typer.Option(None, "--ray-address", help="address of a running Ray cluster (default: the one running on this machine, else a new local one)"),
    db: str | None = typer.Option(None, "--db", help="SQLAlchemy URL of the results store (default sqlite:///OUT/results.sqlite)"),
    timeout: float = typer.Option(300, "--timeout", help="seconds one file may take (0 = no limit)"),
    memory_mb: int = typer.Option(4096, "--memory-mb", help="address-space limit per worker in MB (0 = no limit)"),
    tagger: str = typer.Option("default", "--tagger", help="default (the model today; rules is about 4x faster), model, rules, none, or a model directory"),
    retry_errors: bool = typer.Option(False, "--retry-errors", help="run again the files that failed before"),
    no_progress: bool = typer.Option(False, "--no-progress", help="no progress bar (logs and CI)"),
) -> None:
    """Run the whole pipeline over folders and archives into a results store, spreadsheets and audit pages."""
    from extractor.batch.runner import run as run_batch

    if engine not in ("local", "ray"):
        _usage(f"--engine {engine}: unknown engine (local or ray)")
    _check_tagger(tagger)
    if out.exists() and not out.is_dir():
        _usage(f"--out {out}: a file, not a folder")
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        _usage(f"{missing[0]}: no such file or folder")
    from sqlalchemy.exc import OperationalError

    from extractor.batch.runner import OutputInUse
    from extractor.batch.store import StoreUnavailable, shown_url

    try:
        summary = run_batch(
            paths, out, workers=workers or None, engine=engine, ray_address=ray_address, db=db,
            timeout=timeout or None, memory_mb=memory_mb or None, tagger=tagger, retry_errors=retry_errors,
            console=err, progress=not no_progress,
        )
    except (OutputInUse, StoreUnavailable) as exc:
        err.print(f"[red]error[/red] {markup_safe(str(exc))}", highlight=False)
        raise typer.Exit(2) from None
    except OperationalError as exc:
        # the server went away in the middle of a run: what was committed stays, a rerun goes on from there
        reason = " ".join(str(getattr(exc, "orig", exc)).split())
        err.print(f"[red]error[/red] {markup_safe(shown_url(db or str(out)))}: the store stopped answering "
                  f"({markup_safe(reason)}); every file finished before is kept, and a rerun goes on from there",
                  highlight=False)
        raise typer.Exit(1) from None
    except OSError as exc:
        import errno

        if exc.errno != errno.ENOSPC:
            raise
        err.print(f"[red]error[/red] {markup_safe(str(out))}: no space left on the disk; every file finished before "
                  "is kept in the store, and a rerun goes on from there", highlight=False)
        raise typer.Exit(1) from None
    for line in summary.errors:
        err.print(f"error {shown(line)}", highlight=False, markup=False)
    if not summary.found and not summary.refused and not summary.failed:
        said = f" ({summary.not_reports} files that are not reports, listed in run.log)" if summary.not_reports else ""
        err.print(f"[red]error[/red] no report files in {markup_safe(shown(', '.join(map(str, paths))))}{said}; nothing written",
                  highlight=False)
        raise typer.Exit(1)
    err.print(
        f"{summary.ok} documents extracted, {summary.failed} could not be read, {summary.skipped_done} already done, "
        f"{summary.not_reports} not reports; {summary.findings} findings"
        + (f" and {summary.findings_across} across years" if summary.findings_across else "")
        + f", {summary.pages} pages in {summary.seconds} s",
        highlight=False,
    )
    for name, path in summary.outputs.items():
        err.print(f"{name}: {markup_safe(str(path))}", highlight=False)
    err.print(f"store: {markup_safe(shown_url(db) if db else str(out / 'results.sqlite'))}", highlight=False)
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def tag(
    input: Path = typer.Argument(..., help="JSONL, one {\"id\", \"text\"} per line"),
    output: Path | None = typer.Option(None, "-o", "--output", help="output JSONL (default: stdout)"),
    model: Path | None = typer.Option(None, "--model", help="a model directory (default: the shipped models/tagger)"),
    rules: bool = typer.Option(False, "--rules", help="use the rule baseline instead of the model"),
    html: Path | None = typer.Option(None, "--html", help="also write the tagged texts as highlighted HTML (displaCy)"),
) -> None:
    """Tag METRIC, VALUE and TARGET in each line's text; entities get start, end, label and score."""
    from extractor.tagger import load_tagger
    from extractor.tagger.tagging import TagReport, read_lines, tag_records

    if not input.is_file():
        err.print(f"[red]error[/red] {markup_safe(str(input))}: no such file", highlight=False)
        raise typer.Exit(2)
    try:
        tagger = load_tagger(model, rules=rules)
    except (FileNotFoundError, OSError, ValueError) as exc:
        err.print(f"[red]error[/red] {markup_safe(str(exc))}", highlight=False)
        raise typer.Exit(2)
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
        err.print(f"[red]error[/red] {markup_safe(line)}", highlight=False)
    err.print(f"tagged {report.tagged} of {report.lines} lines ({len(report.errors)} bad)", highlight=False)
    if report.errors:
        raise typer.Exit(1)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, add_help_option=False)
def train(ctx: typer.Context) -> None:
    """Fine-tune the tagger on annotations/ (the shipped recipe; --quick to try the loop; --help for all options)."""
    try:
        import transformers  # noqa: F401

        from training.loop import ROOT
        from training.loop import main as train_main
    except ImportError as exc:
        err.print(f"[red]error[/red] training needs the train extra (`bash setup.sh` installs it): {markup_safe(str(exc))}",
                  highlight=False)
        raise typer.Exit(2) from None
    if not (ROOT / "annotations" / "README.md").exists():
        err.print(f"[red]error[/red] training reads the annotations of a repository checkout; none next to {markup_safe(str(ROOT))}",
                  highlight=False)
        raise typer.Exit(2)
    raise typer.Exit(train_main(list(ctx.args)))


@app.command()
def schema(output: Path | None = typer.Option(None, "-o", "--output")) -> None:
    """Print (or write) the JSON Schema of the output contract."""
    from extractor.schema import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if output:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            err.print(f"[red]error[/red] {markup_safe(str(output))}: cannot be written ({markup_safe(exc.strerror or str(exc))})",
                      highlight=False)
            raise typer.Exit(1) from None
    else:
        sys.stdout.write(text + "\n")


def main() -> None:
    """The console script: a usage error is one line and exit 2, as every other error of the commands."""
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        raise SystemExit(130) from None
    except typer.TyperException as exc:  # click's usage and parameter errors, as typer vendors them
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        code = getattr(exc, "exit_code", 2)
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(message.rstrip() + "\n")  # no arguments: the help itself
            raise SystemExit(0) from None
        hint = f" (see {ctx.command_path} --help)" if ctx is not None and code == 2 else ""
        message = " ".join(message.replace("Value error, ", "").split())
        err.print(f"error: {shown(message)}{hint}", highlight=False, markup=False)
        raise SystemExit(code) from None
    raise SystemExit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
