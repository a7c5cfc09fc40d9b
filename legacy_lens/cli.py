"""Command-line interface.

Exit codes: 0 ok; 1 a quality gate failed; 2 usage or configuration error;
3 the scan could not run at all; 130 interrupted by SIGINT (Ctrl-C); 143
interrupted by SIGTERM. An interrupted scan writes nothing. Progress goes to stderr (only on a terminal);
data goes to files or stdout.
"""

from __future__ import annotations

import itertools
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from legacy_lens import __version__
from legacy_lens.languages import load_languages
from legacy_lens.pipeline import NothingToScan
from legacy_lens.pipeline import scan as run_scan
from legacy_lens.report import FORMATTERS, write_reports
from legacy_lens.serialize import to_dict
from legacy_lens.settings import ConfigError, resolve_settings

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_NOTHING = 0, 1, 2, 3

app = typer.Typer(
    name="legacy-lens",
    help="Map, size and rank legacy code (COBOL, copybooks, JCL, CICS, DB2, BMS) for modernisation. "
    "Works offline; never runs or uploads the code it reads.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    # Messages carry paths and setting names from the user's files: never read them as Rich markup.
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code=code)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATTERS]
    if unknown or not chosen:
        fail(f"unknown format {', '.join(unknown) or repr(value)}; choose from {', '.join(sorted(FORMATTERS))} "
             "(comma-separated, e.g. --format html,md,json)")
    return chosen


def _version(value: bool) -> None:
    if value:
        typer.echo(f"legacy-lens {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, metavar="",
                                          help="Print the version and exit.")] = False,
) -> None:
    """legacy-lens: what it would take to modernise a legacy estate."""


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Folders (or files) to scan.", show_default=False,
                                                metavar="PATH")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for scan.json and the reports.")] = Path(
        "legacy-lens-out"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: json, md, html, sarif, csv.")] = (
        "json,md,html"),
    config: Annotated[Path | None, typer.Option("--config", help="Settings file (default: legacy-lens.toml "
                                                "in the first scan root).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Glob to leave out (gitignore syntax); "
                                                      "repeatable.")] = None,
    copybook_path: Annotated[list[Path] | None, typer.Option(
        "--copybook-path", help="Folder searched first for COPY members; repeatable, in order.")] = None,
    max_file_size: Annotated[int | None, typer.Option("--max-file-size", metavar="BYTES", help=(
        "Maximum size of a file to analyse; larger files are skipped with FILE-TOO-LARGE. "
        "Default: 20971520 (20 MiB)."))] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", metavar="SECONDS", help=(
        "Maximum time to spend reading and parsing one file; a file over it is abandoned with "
        "PARSE-TIMEOUT and the scan goes on. 0 = no limit. Default: 30."))] = None,
    max_files: Annotated[int | None, typer.Option("--max-files", metavar="N", help=(
        "Maximum number of source files to analyse; files past it (in path order) are listed as skipped "
        "with TOO-MANY-FILES. 0 = no limit. Default: 100000."))] = None,
    rules_path: Annotated[list[Path] | None, typer.Option("--rules-path", help="Folder of your own rule files "
                                                          "(YAML); repeatable.")] = None,
    measure_raw_parse: Annotated[bool, typer.Option("--measure-raw-parse", help="Also parse each file without "
                                                    "preprocessing, to report how much preprocessing helped.")] = False,
    baseline: Annotated[str | None, typer.Option("--baseline", metavar="OLD", help=(
        "A previous scan.json, or a label in --history, to diff against (writes diff.md and diff.json)."))] = None,
    fail_on: Annotated[list[str] | None, typer.Option("--fail-on", metavar="GATE", help=(
        "Quality gate, e.g. new-findings:mandatory>0, risk-increase>5, effort-p50-increase>0, "
        "unresolved-increase>0, parse-quality<0.9; repeatable. Exit 1 when one fails."))] = None,
    history: Annotated[Path | None, typer.Option("--history", metavar="DB", help=(
        "Record this scan in a SQLite history database (created if missing)."))] = None,
    label: Annotated[str | None, typer.Option("--label", help="Name this scan in the history (a commit SHA, a "
                                              "date).")] = None,
    executor: Annotated[str, typer.Option("--executor", help=(
        "Where per-file work runs: local (a process pool) or dask (a Dask cluster; needs "
        "pip install 'legacy-lens[dask]')."))] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS", help=(
        "Dask scheduler address (tcp://host:8786) for --executor dask; default: a local cluster."))] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Parse every file; neither read nor write the "
                                           "incremental cache.")] = False,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", metavar="DIR", help=(
        "Folder of the incremental cache (default: .legacy-lens/cache in the first scan root)."))] = None,
) -> None:
    """Scan legacy code and write scan.json, report.md and report.html."""
    formats = _formats(fmt)
    gates = _check_gates(fail_on or [])
    if label is not None and history is None:
        fail("--label names a scan in the history: add --history DB")
    baseline_scan = None
    if baseline == "latest" and history is not None and not _history_has_scans(history):
        # The first run of a nightly job: nothing to compare with yet.
        err.print(f"no earlier scan in {history}: gates that compare with a baseline are skipped this time")
        gates = [g for g in gates if g.split(":")[0].split(">")[0].split("<")[0].strip() == "parse-quality"]
    elif baseline:
        baseline_scan = _load_baseline(baseline, history)
    for p in paths:
        if not p.exists():
            fail(f"path not found: {p} (give a folder or file to scan)")
    roots = [p for p in paths]
    copybook_paths = []
    for cp in copybook_path or []:
        if not cp.is_dir():
            fail(f"--copybook-path {cp} is not a folder")
        copybook_paths.append(_relative_to_roots(cp, roots))
    if config is not None and not config.is_file():
        fail(f"config file not found: {config}")
    for folder in rules_path or []:
        if not folder.is_dir():
            fail(f"--rules-path {folder} is not a folder of rule files")
    try:
        settings = resolve_settings(roots, config, {
            "jobs": jobs, "excludes": exclude or None, "copybook_paths": copybook_paths or None,
            "max_file_bytes": max_file_size, "timeout": timeout, "max_files": max_files,
            "formats": formats, "measure_raw_parse": measure_raw_parse or None,
            "rules_paths": [str(p) for p in rules_path] if rules_path else None,
            "cache": not no_cache, "cache_dir": str(cache_dir) if cache_dir else None,
            "executor": executor, "scheduler": scheduler,
        })
    except ConfigError as exc:
        fail(str(exc))
    for note in settings.notes:
        err.print(f"note: {note}", markup=False)
    started = time.monotonic()
    stage = _Stage(output)
    with _interruptible(stage):
        try:
            result = _run_with_progress(roots, settings, stage)
        except NothingToScan as exc:
            fail(f"{exc}. Check the path, or use `legacy-lens languages` to see what is recognised.", EXIT_NOTHING)
        except ConfigError as exc:  # found once the scan starts: Dask missing, scheduler unreachable
            fail(str(exc))
        stage.name = "building the scan result"
        scan_dict = to_dict(result)
        stage.name = "rendering the reports" if history is None else "recording the scan and rendering the reports"
        recorded = None
        try:
            # Signals are held while the scan is recorded and the reports are written, so a signal never stops the
            # scan between its history record and its reports, and the set in OUT is either the old one or the new
            # one, never a mix (each file is also written to a temporary name and renamed). The reports are
            # rendered after recording, so their trend ends with this scan.
            with _signals_held(stage):
                trend = None
                if history is not None:
                    recorded = _record(scan_dict, history, label)
                    trend = _trend_data(history)
                written = write_reports(scan_dict, output, settings.formats, trend=trend)
        except OSError as exc:
            fail(f"could not write reports to {output}: {exc.strerror or exc}", EXIT_NOTHING)
        stage.name = "printing the summary (reports written)"
    _print_summary(scan_dict, written, time.monotonic() - started)
    if recorded is not None:
        err.print(recorded, markup=False)
    _after_scan(scan_dict, output, baseline_scan, gates)


def _history_has_scans(history: Path) -> bool:
    from legacy_lens import history as history_mod

    if not history.exists():
        return False
    try:
        return bool(history_mod.scans(history))
    except history_mod.HistoryError as exc:
        fail(str(exc))


def _check_gates(expressions: list[str]) -> list[str]:
    from legacy_lens.diff import GateError, parse_gate

    for expression in expressions:
        try:
            parse_gate(expression)
        except GateError as exc:
            fail(str(exc))
    return expressions


def _load_baseline(baseline: str, history: Path | None) -> dict[str, Any]:
    """A baseline scan from a file, or from the history by label."""
    if Path(baseline).is_file():
        return load_scan(Path(baseline))
    if history is None:
        fail(f"baseline {baseline} is not a file; to use a history label, add --history DB")
    from legacy_lens import history as history_mod

    try:
        return history_mod.load_scan(history, baseline)
    except history_mod.HistoryError as exc:
        fail(str(exc))


def _record(scan_dict: dict[str, Any], history: Path, label: str | None) -> str:
    """Record the scan in the history (one transaction); returns the message saying where."""
    import hashlib
    from datetime import UTC, datetime

    from legacy_lens import history as history_mod

    settings_hash = hashlib.sha256(json.dumps(scan_dict["summary"].get("estimate", {}) or {}, sort_keys=True)
                                   .encode()).hexdigest()[:16]
    try:
        scan_id = history_mod.record(history, scan_dict, label, settings_hash,
                                     datetime.now(UTC).isoformat(timespec="seconds"))
    except history_mod.HistoryError as exc:
        fail(str(exc))
    return f"recorded in {history} as #{scan_id}" + (f" ({label})" if label else "")


def _trend_data(history: Path) -> list[dict[str, Any]]:
    """Every scan in the history, oldest first, as `trend --format json` prints it and the reports chart it."""
    from legacy_lens import history as history_mod

    try:
        rows = history_mod.scans(history)
    except history_mod.HistoryError as exc:
        fail(str(exc))
    data: list[dict[str, Any]] = [{"id": r.id, "label": r.label, "recorded_at": r.recorded_at, "files": r.files,
             "code_lines": r.code_lines, "components": r.components, "effort_p10": r.effort_p10,
             "effort_p50": r.effort_p50, "effort_p90": r.effort_p90, "mean_risk": r.mean_risk,
             "findings": dict(r.findings), "unresolved": r.unresolved} for r in rows]
    for before, after in itertools.pairwise(data):
        after["components_retired"] = max(0, before["components"] - after["components"])
    return data


def _after_scan(scan_dict: dict[str, Any], output: Path, baseline: dict[str, Any] | None, gates: list[str]) -> None:
    """Diff the scan against the baseline and apply the quality gates (exit 1 on failure)."""
    from legacy_lens import diff as diff_mod
    from legacy_lens import diff_report

    d = None
    if baseline is not None:
        try:
            d = diff_mod.diff(baseline, scan_dict)
        except diff_mod.DiffError as exc:
            fail(str(exc))
    try:
        results = diff_mod.evaluate(gates, d, scan_dict)
    except diff_mod.GateError as exc:
        fail(str(exc))
    if d is not None:
        for name, fmt in (("diff.md", "md"), ("diff.json", "json")):
            (output / name).write_text(diff_report.render(d, fmt, results), encoding="utf-8")
            typer.echo(str(output / name))
    if results:
        table = Table(title="Quality gates", show_header=True, header_style="bold")
        for col in ("Gate", "Measured", "Result", "Culprits"):
            table.add_column(col)
        for r in results:
            table.add_row(r.expression, f"{r.measured:g}", "[red]FAILED[/]" if r.failed else "[green]passed[/]",
                          "\n".join(r.culprits[:5]))
        err.print(table)
        if any(r.failed for r in results):
            raise typer.Exit(code=EXIT_GATE)


def _relative_to_roots(path: Path, roots: list[Path]) -> str:
    """A copybook path as the POSIX prefix that scanned file paths will carry."""
    resolved = path.resolve()
    for root in roots:
        try:
            rel = resolved.relative_to(root.resolve())
        except ValueError:
            continue
        prefix = rel.as_posix()
        if len(roots) > 1:
            prefix = f"{root.resolve().name}/{prefix}"
        return "" if prefix == "." else prefix
    fail(f"--copybook-path {path} must be inside a scanned folder (add it to the paths to scan)")


class _Stage:
    """What the scan is doing, for the message when it is interrupted."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.name = "finding files"
        self.done = 0
        self.total = 0
        self.written = False

    def progress(self, done: int, total: int) -> None:
        self.name = "reading and parsing files"
        self.done, self.total = done, total

    def describe(self) -> str:
        counts = f" ({self.done:,} of {self.total:,} files done)" if self.total else ""
        return f"while {self.name}{counts}"


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; carries the signal number (a BaseException, like KeyboardInterrupt, so that
    no ``except Exception`` in the pipeline swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM  # 130, 143


@contextmanager
def _interruptible(stage: _Stage) -> Iterator[None]:
    """Turn SIGINT and SIGTERM into a clean stop: workers killed, outputs untouched, exit 130 or 143."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except (Interrupted, KeyboardInterrupt) as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        name = signal.Signals(signum).name
        if stage.written:
            outcome = f"the new reports in {stage.output} had been written completely"
        else:
            outcome = f"nothing was written, and any previous reports in {stage.output} are unchanged"
        err.print(f"[bold red]interrupted[/] by {name} {stage.describe()}; {outcome}", markup=True)
        raise typer.Exit(code=EXIT_SIGINT if signum == signal.SIGINT else EXIT_SIGTERM) from None
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _signals_held(stage: _Stage) -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (they are delivered then)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        stage.written = True
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
        stage.written = True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _run_with_progress(roots: list[Path], settings: Any, stage: _Stage) -> Any:
    if not err.is_terminal:
        return run_scan(roots, settings, stage.progress)
    with Progress(TextColumn("[bold]Scanning[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("scan", total=None)

        def update(done: int, total: int) -> None:
            stage.progress(done, total)
            progress.update(task, completed=done, total=total)

        return run_scan(roots, settings, update)


def _print_summary(scan: dict[str, Any], written: list[Path], seconds: float) -> None:
    s = scan["summary"]
    table = Table(title="legacy-lens scan", show_header=True, header_style="bold")
    table.add_column("Measure")
    table.add_column("Value", justify="right")
    table.add_row("Files analysed", f"{s['files']:,}")
    table.add_row("Files skipped", f"{s.get('files_skipped', 0):,}")
    table.add_row("Lines of code", f"{s['lines']['code']:,}")
    from legacy_lens.report import HEADLINE_KINDS

    shown = [(kind, label.lower()) for kind, label, _hint in HEADLINE_KINDS] + [("proc", "procs"),
                                                                                 ("dataset", "datasets")]
    for kind, label in [(k, label) for k, label in shown if k in s["components_by_kind"]][:10]:
        table.add_row(f"  {label}", f"{s['components_by_kind'][kind]:,}")
    table.add_row("References resolved", f"{s['edges_resolved']:,}")
    table.add_row("References unresolved", f"{s['edges_unresolved']:,}")
    for sev in ("error", "warning"):
        if s["diagnostics_by_severity"].get(sev):
            table.add_row(f"Diagnostics ({sev})", f"{s['diagnostics_by_severity'][sev]:,}")
    table.add_row("Time", f"{seconds:.1f} s")
    err.print(table)
    for path in written:
        typer.echo(str(path))


@app.command()
def report(
    scan_json: Annotated[Path, typer.Argument(help="A scan.json written by `legacy-lens scan`.",
                                              metavar="SCAN.json")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the reports.")] = Path(
        "legacy-lens-out"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: md, html, json, sarif, csv.")] = (
        "md,html"),
    history: Annotated[Path | None, typer.Option("--history", metavar="DB", help=(
        "History database: add the trend over its recorded scans to the Markdown and HTML reports."))] = None,
) -> None:
    """Re-render reports from a scan.json without rescanning."""
    formats = _formats(fmt)
    scan_dict = load_scan(scan_json)
    trend = _trend_data(history) if history is not None else None
    try:
        written = write_reports(scan_dict, output, formats, trend=trend)
    except ValueError as exc:
        fail(f"{scan_json} cannot be rendered: {exc}")
    for path in written:
        typer.echo(str(path))


def load_scan(path: Path) -> dict[str, Any]:
    """Read and check a scan.json; exits with code 2 and a clear message when it is not one."""
    if not path.is_file():
        fail(f"scan file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path} is not JSON ({exc}); give the scan.json that `legacy-lens scan` wrote")
    if not isinstance(data, dict) or "schema_version" not in data:
        fail(f"{path} is not a legacy-lens scan (no schema_version)")
    if not str(data["schema_version"]).startswith("1."):
        fail(f"{path} has schema version {data['schema_version']}; this legacy-lens reads 1.x")
    return data


@app.command("export-schema")
def export_schema_command(
    scan_json: Annotated[Path, typer.Argument(help="A scan.json written by `legacy-lens scan`.",
                                              metavar="SCAN.json")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the schemas to.")],
    datapackage: Annotated[bool, typer.Option("--datapackage/--no-datapackage",
                                              help="Also write a Frictionless datapackage.json listing them.")] = True,
) -> None:
    """Write one JSON Schema (draft 2020-12) per COBOL record layout and database table, and a datapackage.json."""
    from legacy_lens.schema_export import export_schemas

    scan_dict = load_scan(scan_json)
    if not isinstance(scan_dict.get("records"), list):
        fail(f"{scan_json} holds no record layouts (it was written before legacy-lens laid records out); "
             "scan again to get them")
    try:
        written = export_schemas(scan_dict, output, datapackage)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        fail(f"{scan_json} cannot be exported: its records are not as `legacy-lens scan` writes them ({exc!r})")
    except OSError as exc:
        fail(f"could not write to {output}: {exc.strerror or exc}", EXIT_NOTHING)
    for path in written:
        typer.echo(str(path))


@app.command("export-graph")
def export_graph_command(
    scan_json: Annotated[Path, typer.Argument(help="A scan.json written by `legacy-lens scan`.",
                                              metavar="SCAN.json")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="graphml, gexf, dot or mermaid.")] = "graphml",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")] = None,
    view: Annotated[str, typer.Option("--view", help="dependencies (components and edges) or lineage "
                                      "(dataset -> batch step -> dataset).")] = "dependencies",
) -> None:
    """Export the dependency graph (or the dataset lineage) for Gephi, yEd, Graphviz or Mermaid."""
    from legacy_lens.graph_export import GRAPH_FORMATS, GRAPH_VIEWS, export_graph

    chosen = fmt.strip().lower()
    if chosen not in GRAPH_FORMATS:
        fail(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}")
    chosen_view = view.strip().lower()
    if chosen_view not in GRAPH_VIEWS:
        fail(f"unknown graph view {view!r}; choose from {', '.join(GRAPH_VIEWS)}")
    scan_dict = load_scan(scan_json)
    try:
        text = export_graph(scan_dict, chosen, chosen_view)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        fail(f"{scan_json} cannot be exported: it does not hold the components and edges of a scan ({exc!r})")
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        fail(f"could not write {output}: {exc.strerror or exc}", EXIT_NOTHING)
    typer.echo(str(output))


@app.command()
def explain(
    component: Annotated[str, typer.Argument(help="Component id (program:PAYROLL) or a unique name.",
                                             metavar="ID")],
    scan_json: Annotated[Path, typer.Argument(help="A scan.json written by `legacy-lens scan`.",
                                              metavar="SCAN.json")],
) -> None:
    """Why a component scored what it did: effort and risk drivers, formulas, callers and callees."""
    from legacy_lens.explain import UnknownComponent
    from legacy_lens.explain import explain as explain_lines

    scan_dict = load_scan(scan_json)
    try:
        lines = explain_lines(scan_dict, component)
    except UnknownComponent as exc:
        fail(f"{exc.args[0]}. List ids with: jq '.components[].id' {scan_json}")
    typer.echo("\n".join(lines))


@app.command()
def calibrate(
    actuals: Annotated[Path, typer.Argument(help="CSV with columns component_id,actual_person_days.",
                                            metavar="ACTUALS.csv")],
    scan_json: Annotated[Path, typer.Argument(help="The scan.json of the same code.", metavar="SCAN.json")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the calibrated settings.")] = Path(
        "legacy-lens.calibrated.toml"),
    fit_exponent: Annotated[bool | None, typer.Option(
        "--fit-exponent/--no-fit-exponent",
        help="Also fit the size exponent (default: only with 8 or more rows).")] = None,
) -> None:
    """Fit hours per function point (and the size exponent) to your own completed work."""
    from legacy_lens.calibrate import ActualsError, read_actuals, settings_toml
    from legacy_lens.calibrate import calibrate as run_calibration

    if not actuals.is_file():
        fail(f"actuals file not found: {actuals}")
    scan_dict = load_scan(scan_json)
    try:
        rows = read_actuals(actuals.read_text(encoding="utf-8-sig"))
        result = run_calibration(rows, scan_dict, fit_exponent)
    except ActualsError as exc:
        fail(f"{actuals}: {exc}")
    except UnicodeDecodeError:
        fail(f"{actuals} is not UTF-8 text; save it as CSV (UTF-8)")
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"Calibrated on {len(result.used)} component(s).")
    if result.missing:
        out.print(f"{len(result.missing)} row(s) name components that are not in the scan: "
                  + ", ".join(result.missing), markup=False)
    if result.not_estimated:
        out.print(f"{len(result.not_estimated)} row(s) name components without an effort estimate: "
                  + ", ".join(result.not_estimated), markup=False)
    fit = result.fit
    out.print(f"hours per function point: {fit.hours_per_fp:.2f} (P10 {result.hours_per_fp_p10:.2f}, "
              f"P90 {result.hours_per_fp_p90:.2f}); size exponent {fit.size_exponent:.3f}"
              f"{' (fitted)' if fit.fitted_exponent else ' (kept)'}")
    out.print(f"accuracy before: MMRE {result.before.mmre:.2f}, PRED(25) {result.before.pred25:.0%}")
    if result.after is not None:
        out.print(f"accuracy after (leave-one-out): MMRE {result.after.mmre:.2f}, "
                  f"PRED(25) {result.after.pred25:.0%}")
    else:
        out.print("accuracy after: needs at least 3 matched rows for leave-one-out")
    try:
        output.write_text(settings_toml(result, str(actuals)), encoding="utf-8")
    except OSError as exc:
        fail(f"could not write {output}: {exc.strerror or exc}", EXIT_NOTHING)
    out.print(f"Calibrated settings written to {output}; copy its [estimate] table into legacy-lens.toml.",
              markup=False)


@app.command()
def rules(
    rules_path: Annotated[list[Path] | None, typer.Option("--rules-path", help="Extra folder of rule files; "
                                                          "repeatable.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or md.")] = "table",
    code: Annotated[str | None, typer.Argument(help="Show one rule in full.", metavar="[CODE]")] = None,
) -> None:
    """List the modernisation-blocker rules (built-in and your own)."""
    from legacy_lens.rules import load_catalogue

    catalogue = load_catalogue(rules_path or ())
    for error in catalogue.errors:
        err.print(f"warning: {error}", markup=False, highlight=False)
    chosen = [r for r in catalogue.rules if code is None or r.code == code.upper()]
    if code is not None and not chosen:
        fail(f"no rule {code}; run `legacy-lens rules` to list them")
    if fmt == "json":
        typer.echo(json.dumps([{"code": r.code, "name": r.name, "languages": list(r.languages),
                                "category": r.category, "severity": r.severity, "effort": r.effort,
                                "matcher": r.matcher, "why": r.why, "remediation": r.remediation,
                                "source": r.source} for r in chosen], indent=2, sort_keys=True))
        return
    if fmt == "md" or code is not None:
        for r in chosen:
            typer.echo(f"## {r.code} {r.name}\n\n- Languages: {', '.join(r.languages) or 'all'}\n"
                       f"- Category: {r.category}; severity: {r.severity}; effort points: {r.effort}\n"
                       f"- Matcher: {r.matcher}\n\n### Why it blocks modernisation\n\n{r.why}\n\n"
                       f"### Remediation\n\n{r.remediation}\n")
        return
    if fmt != "table":
        fail(f"unknown format {fmt}; choose table, json or md")
    table = Table(show_header=True, header_style="bold")
    for col in ("Code", "Name", "Languages", "Category", "Severity", "Effort"):
        table.add_column(col)
    for r in chosen:
        table.add_row(r.code, r.name, ", ".join(r.languages), r.category, r.severity, str(r.effort))
    Console(highlight=False).print(table)


@app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="Baseline: a scan.json, or a label in --history.", metavar="OLD")],
    new: Annotated[str, typer.Argument(help="Current: a scan.json, or a label in --history.", metavar="NEW")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, md, json or html.")] = "text",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of "
                                                "stdout.")] = None,
    history: Annotated[Path | None, typer.Option("--history", metavar="DB", help="History database for "
                                                 "labels.")] = None,
) -> None:
    """Remediation progress between two scans: what was retired, what risk went down, what debt came in."""
    from legacy_lens import diff as diff_mod
    from legacy_lens import diff_report

    if fmt not in diff_report.DIFF_FORMATS:
        fail(f"unknown format {fmt}; choose from {', '.join(diff_report.DIFF_FORMATS)}")
    try:
        d = diff_mod.diff(_load_baseline(old, history), _load_baseline(new, history))
    except diff_mod.DiffError as exc:
        fail(str(exc))
    text = diff_report.render(d, "md" if fmt == "text" else fmt)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        typer.echo(str(output))
    else:
        typer.echo(text, nl=False)


@app.command()
def trend(
    history: Annotated[Path, typer.Option("--history", metavar="DB", help="History database.")] = Path(
        ".legacy-lens/history.db"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, md or json.")] = "table",
) -> None:
    """Lines, effort, risk, findings and retired components over the recorded scans."""
    data = _trend_data(history)
    if fmt == "json":
        typer.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    headers = ("Scan", "Label", "Recorded", "Code lines", "Components", "Effort P50 (P10-P90)", "Mean risk",
               "Mandatory", "Optional", "Potential")
    cells: list[tuple[str, ...]] = [
        (f"#{r['id']}", r["label"] or "", r["recorded_at"], f"{r['code_lines']:,}", f"{r['components']:,}",
              "-" if r["effort_p50"] is None else
              f"{r['effort_p50']:.1f} ({r['effort_p10']:.1f}-{r['effort_p90']:.1f})",
              "-" if r["mean_risk"] is None else f"{r['mean_risk']:.1f}", str(r["findings"]["mandatory"]),
              str(r["findings"]["optional"]), str(r["findings"]["potential"])) for r in data]
    if fmt == "md":
        typer.echo("| " + " | ".join(headers) + " |\n|" + "---|" * len(headers))
        for row in cells:
            typer.echo("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        return
    if fmt != "table":
        fail(f"unknown format {fmt}; choose table, md or json")
    table = Table(title=f"legacy-lens history: {history}", show_header=True, header_style="bold")
    for h in headers:
        table.add_column(h)
    for row in cells:
        table.add_row(*row)
    Console(highlight=False).print(table)


class _LangFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def languages(
    fmt: Annotated[_LangFormat, typer.Option("--format", "-f", help="table or json.")] = _LangFormat.table,
) -> None:
    """List the languages legacy-lens recognises and how."""
    specs = load_languages()
    if fmt is _LangFormat.json:
        typer.echo(json.dumps([
            {"name": s.name, "display_name": s.display_name, "extensions": list(s.extensions),
             "parser": f"tree-sitter:{s.grammar}" if s.grammar else f"line:{s.extractor}"}
            for s in specs], indent=2, sort_keys=True))
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("Language", "Extensions", "Parser", "Detected in extensionless members by"):
        table.add_column(col)
    for s in specs:
        table.add_row(s.display_name, " ".join(s.extensions),
                      f"tree-sitter ({s.grammar})" if s.grammar else "purpose-built line parser",
                      s.sniff_description or "; ".join(p.pattern for p in s.sniff) or "-")
    Console(highlight=False).print(table)


cache_app = typer.Typer(help="The incremental cache of per-file facts.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear(
    path: Annotated[Path, typer.Argument(help="The scan root (its .legacy-lens/cache is removed).")] = Path("."),
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", metavar="DIR", help=(
        "The cache folder, when scans used --cache-dir."))] = None,
) -> None:
    """Delete the incremental cache, so that the next scan parses every file."""
    from legacy_lens import cache as cache_mod

    if cache_dir is None and not path.exists():
        fail(f"path not found: {path} (give the scan root whose cache to clear)")
    directory = cache_dir if cache_dir is not None else cache_mod.default_dir([path])
    try:
        removed = cache_mod.clear(directory)
    except OSError as exc:
        fail(f"could not remove {directory}: {exc.strerror or exc}", EXIT_NOTHING)
    typer.echo(f"removed {directory}" if removed else f"no cache at {directory}")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
