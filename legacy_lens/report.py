"""Render a scan (the parsed ``scan.json``) as JSON, Markdown and HTML reports.

Reports read nothing but the scan dict, so a report can be re-rendered later
from a saved ``scan.json`` without the source code. All derived tables are
computed here by :func:`build_view`; the Jinja templates only loop, branch and
apply filters, which keeps escaping in one place (Jinja autoescape for HTML,
the ``md_cell`` filter for Markdown).

Everything in a scan that came from the scanned estate (paths, program names,
messages) is untrusted: it may contain ``<script>``, ``|`` or newlines.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import secrets
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from legacy_lens.exports import EXPORT_FORMATTERS, render_files
from legacy_lens.kinds import UNIT_KINDS
from legacy_lens.resources import data_dir
from legacy_lens.rules import builtin_catalogue

__all__ = [
    "FORMATTERS",
    "Formatter",
    "HtmlFormatter",
    "JsonFormatter",
    "MarkdownFormatter",
    "build_html_view",
    "build_view",
    "md_cell",
    "squarify",
    "write_reports",
]

SUPPORTED_SCHEMA_MAJOR = "1"

# Large tables are cut to this many rows so the HTML stays light in a browser;
# scan.json always holds the full list.
TOP_N = 200
TOP_COMPONENTS = 20
MAX_CRUD_COLUMNS = 40

CRUD_TARGET_KINDS: tuple[str, ...] = ("table", "view", "file", "dataset")
# Rows of the CRUD matrix: code that reads and changes data, in any language (not copybooks, headers or JCL,
# whose data use is attributed to the programs they are part of or run).
CRUD_SOURCE_KINDS: frozenset[str] = UNIT_KINDS - {"copybook", "header", "job", "proc"}
# Edge kind -> CRUD letter. The matrix concatenates letters in "CRUD" order.
CRUD_LETTERS: Mapping[str, str] = MappingProxyType(
    {"writes": "C", "reads": "R", "updates": "U", "deletes": "D"}
)

# Display orders; kinds not listed here sort after these, alphabetically.
KIND_ORDER: tuple[str, ...] = (
    "program", "copybook", "job", "proc", "transaction", "mapset", "table", "file",
    "dataset", "psb", "segment", "dynamic",
)  # fmt: skip
EDGE_KIND_ORDER: tuple[str, ...] = (
    "includes", "calls", "links", "xctl", "runs", "starts", "uses-map", "ims",
    "reads", "writes", "updates", "deletes",
)  # fmt: skip
SEVERITY_ORDER: tuple[str, ...] = ("error", "warning", "info")
STATUS_ORDER: tuple[str, ...] = ("ok", "partial", "failed", "line-parser", "skipped")
# A file "has parse problems" when the grammar could not read all of it.
PROBLEM_STATUSES: frozenset[str] = frozenset({"partial", "failed"})
DYNAMIC_VIA = "unresolved-dynamic"
MISSING = "—"

# Geometry of the inline SVG bar charts, in CSS pixels.
CHART_LABEL_WIDTH = 110
CHART_BAR_WIDTH = 340
CHART_VALUE_WIDTH = 70
CHART_ROW_HEIGHT = 24
CHART_BAR_HEIGHT = 16
CHART_LEGEND_HEIGHT = 26
# Rough width of one legend character at 12px, to space legend entries without measuring text.
CHART_CHAR_WIDTH = 6.5

# Effort and risk (section 9).
# Person-years are a planning convention stated next to every figure that uses them.
WORKING_DAYS_PER_YEAR = 220
CURRENCY_SYMBOLS: Mapping[str, str] = MappingProxyType({"GBP": "£", "EUR": "€", "USD": "$"})
# Day-rate sensitivity shown under the headline: the P50 cost at these multiples of the day rate.
DAY_RATE_MULTIPLES: tuple[float, float] = (0.8, 1.2)
TOP_ESTIMATED = 20  # rows in the largest and riskiest component tables
RISK_SPLIT = 50.0  # the quadrant's horizontal split on the 0-100 risk score
QUADRANT_LABELLED = 10  # the riskiest components get a name label; the rest are dots
# Effort drivers that are not multipliers of the median: size is the base, the others set the range.
EFFORT_RANGE_DRIVERS: tuple[str, ...] = ("size", "range", "uncertainty")
QUADRANTS: Mapping[tuple[bool, bool], tuple[str, str, str]] = MappingProxyType(
    {  # (high effort, high risk) -> (key, label, meaning)
        (False, False): ("quick", "Quick wins", "low risk, low effort"),
        (False, True): ("plan", "Plan carefully", "high risk, low effort"),
        (True, False): ("major", "Major projects", "high effort, low risk"),
        (True, True): ("hard", "Hardest", "high effort, high risk"),
    }
)
QUADRANT_ORDER: tuple[str, ...] = ("quick", "plan", "major", "hard")
# Geometry of the risk x effort quadrant, in CSS pixels.
QUAD_WIDTH = 960
QUAD_HEIGHT = 460
QUAD_LEFT = 58
QUAD_RIGHT = 24
QUAD_TOP = 16
QUAD_BOTTOM = 50
QUAD_POINT_RADIUS = 5.0
QUAD_DOT_RADIUS = 3.0
QUAD_LABEL_HEIGHT = 12
QUAD_MIN_DAYS = 0.01  # a component of 0 code lines still gets a place on the log axis
# Above this many components the riskiest are drawn as dots and the rest as shaded density cells,
# so a 100,000-component estate does not put 100,000 circles in the file.
QUAD_MAX_POINTS = 2_000
QUAD_DENSITY_CELL = 12
# Findings (section 8): rule categories and severities, most pressing first.
FINDING_CATEGORY_ORDER: tuple[str, ...] = ("mandatory", "optional", "potential")
FINDING_SEVERITY_ORDER: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
CATEGORY_MEANINGS: Mapping[str, str] = MappingProxyType({
    "mandatory": "must be dealt with for the migration to succeed",
    "optional": "worth fixing; the migration can go ahead without it",
    "potential": "may be a problem; someone has to look",
})  # fmt: skip
# Migration plan (sections 10 to 12): lists inside one wave or one row are cut to this many items.
WAVE_ITEMS = 50
CALLERS_SHOWN = 10
# Geometry of the wave timeline, in CSS pixels.
TIMELINE_WIDTH = 960
TIMELINE_LABEL_WIDTH = 72
TIMELINE_VALUE_WIDTH = 170
TIMELINE_ROW_HEIGHT = 30
TIMELINE_BAR_HEIGHT = 14
TIMELINE_AXIS_HEIGHT = 44
TIMELINE_CAP = 5  # half-height of the whisker's end caps
NO_PLAN = (
    "This scan holds no migration plan: it was made by a version of legacy-lens from before planning. "
    "Scan again to get waves, shared-service candidates and the skills inventory"
)
NO_ESTIMATE = "No effort estimate: no unit of migration in a language with a gearing factor was found"
TIMES = "\N{MULTIPLICATION SIGN}"
EN_DASH = "\N{EN DASH}"
# Change coupling and hotspots (section 13), from the git history of the scan roots.
COUPLING_ROWS = 20  # the strongest pairs shown; scan.json holds up to 200
HOTSPOT_ROWS = 20
COUPLING_NAMES = 4  # component names listed per file of a pair
NO_GIT = "no git history: the scan root is not in a git repository (or git is missing)"
NO_COUPLING_RECORDED = (
    "This scan records no change coupling: it was made by a version of legacy-lens from before git signals. "
    "Scan again to get it"
)
_COMMITS = re.compile(r"^(\d+) commit")
_WINDOW = re.compile(r" in the (\d+) days ")
# Trend (section 14): the scans recorded in a history database, passed in beside the scan.
NO_TREND = (
    "No trend: this report was rendered without a history database. Scan with --history DB (or re-render "
    "with legacy-lens report scan.json --history DB) to follow code lines, effort, risk and findings over time"
)
ONE_SCAN_TREND = (
    "Only one scan is recorded in the history so far, so there is no trend yet: it starts with the next "
    "recorded scan"
)
NO_SCAN_TREND = "The history database holds no scan yet, so there is no trend"
TREND_CHART_SCANS = 60  # the chart draws the latest scans; the table lists up to ``top_n``
TREND_CATEGORIES: tuple[str, ...] = ("mandatory", "optional", "potential")
# Geometry of the trend chart's small multiples, in CSS pixels: two columns of panels.
TREND_WIDTH = 960
TREND_COLUMNS = 2
TREND_GAP = 24
TREND_PANEL_HEIGHT = 196
TREND_LEFT = 54  # room for the y tick labels
TREND_RIGHT = 12
TREND_TOP = 30  # the panel title
TREND_BOTTOM = 30  # the scan labels
TREND_LABEL_CHARS = 16

View = dict[str, Any]
Row = dict[str, Any]


# --------------------------------------------------------------------------- formatters


class Formatter(Protocol):
    """Turns a scan dict into the text of one output file."""

    @property
    def extension(self) -> str:
        """File name the output is written to inside the output folder."""
        ...

    def format(self, scan: Mapping[str, Any]) -> str:
        """Render ``scan``; the same scan always gives the same text."""
        ...


@dataclass(frozen=True, slots=True)
class JsonFormatter:
    """The scan itself, canonically serialised (sorted keys) so diffs are stable."""

    extension: str = "scan.json"

    def format(self, scan: Mapping[str, Any]) -> str:
        """Return deterministic, human-diffable JSON."""
        return json.dumps(scan, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class MarkdownFormatter:
    """Markdown report, suitable for a wiki page or a pull request."""

    extension: str = "report.md"
    template: str = "report.md.j2"

    def format(self, scan: Mapping[str, Any], trend: Sequence[Mapping[str, Any]] | None = None) -> str:
        """Render the Markdown report; ``trend`` is the history's rows (see :func:`write_reports`)."""
        return _environment().get_template(self.template).render(build_view(scan, trend=trend))


@dataclass(frozen=True, slots=True)
class HtmlFormatter:
    """One self-contained HTML file: inline CSS, one hashed inline script, no requests."""

    extension: str = "report.html"
    template: str = "report.html.j2"

    def format(self, scan: Mapping[str, Any], trend: Sequence[Mapping[str, Any]] | None = None) -> str:
        """Render the HTML report; ``trend`` is the history's rows (see :func:`write_reports`)."""
        context = build_html_view(scan, trend=trend)
        context["assets"] = _html_assets()
        return _environment().get_template(self.template).render(context)


FORMATTERS: Mapping[str, Formatter] = MappingProxyType(
    {"json": JsonFormatter(), "md": MarkdownFormatter(), "html": HtmlFormatter(), **EXPORT_FORMATTERS}
)


def write_reports(
    scan: Mapping[str, Any],
    out_dir: Path,
    formats: Sequence[str],
    trend: Sequence[Mapping[str, Any]] | None = None,
) -> list[Path]:
    """Write the requested formats into ``out_dir`` and return the paths written.

    ``trend`` is the scans recorded in a history database, oldest first, as
    ``legacy-lens trend --format json`` prints them; only the Markdown and HTML
    reports show it, so ``scan.json`` stays the same whatever the history holds.
    Every report is rendered before any file is touched, and each file is
    replaced atomically, so a failure never leaves a half-written or mixed set.
    """
    unknown = [name for name in formats if name not in FORMATTERS]
    if unknown:
        raise ValueError(f"unknown report format(s) {unknown}; choose from {sorted(FORMATTERS)}")
    wanted = list(dict.fromkeys(formats))  # de-duplicate, keep the caller's order
    # Render everything before writing anything; a multi-file format (CSV) yields several files.
    rendered = [item for name in wanted for item in _render(FORMATTERS[name], scan, trend).items()]
    out_dir.mkdir(parents=True, exist_ok=True)
    return [_write_atomic(out_dir / file_name, text) for file_name, text in rendered]


def _render(formatter: Formatter, scan: Mapping[str, Any], trend: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    """The files one formatter writes; the Markdown and HTML reports also show the trend."""
    if isinstance(formatter, (MarkdownFormatter, HtmlFormatter)):
        return {formatter.extension: formatter.format(scan, trend=trend)}
    return render_files(formatter, scan)


def _write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to a temporary sibling of ``path`` and rename it into place."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # os.open with 0o666 lets the umask decide permissions, like a plain open();
    # tempfile would create the report 0600.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------------- jinja


def md_cell(value: object) -> str:
    """Make ``value`` safe inside a Markdown table cell or inline text.

    Newlines would end the table row and ``|`` would split the cell; backticks,
    ``*``, ``[`` and ``<`` could start code, emphasis, links or raw HTML. They are
    backslash-escaped (CommonMark renders the literal character).
    """
    if value is None:
        return MISSING
    # splitlines() also splits on \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029.
    text = " ".join(str(value).splitlines())
    out = []
    for char in text:
        if char in "\\|`*_[]<>#":
            out.append("\\" + char)
        elif char == "\t":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def _num(value: object) -> str:
    """Format an integer with thousands separators; None prints as a dash."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _pct(ratio: object) -> str:
    """Format a 0..1 ratio as a percentage with one decimal."""
    if ratio is None or isinstance(ratio, bool) or not isinstance(ratio, (int, float)):
        return MISSING
    percent = float(ratio) * 100
    if 0 < percent < 0.05:
        return "<0.1%"  # do not print a real (if tiny) problem as 0.0%
    return f"{percent:.1f}%"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(data_dir("templates")),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md_cell"] = md_cell
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    return env


def _csp_source_hash(text: str) -> str:
    """CSP hash source for an inline script: sha256 over its exact UTF-8 text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def _html_assets() -> Mapping[str, str]:
    """The inline CSS and script, and the CSP hash that allows only that script."""
    folder = data_dir("templates")
    style = (folder / "report.css").read_text(encoding="utf-8")
    script = (folder / "report.js").read_text(encoding="utf-8")
    # These are our own files, but a stray closing tag would end the element early
    # and change what the hash covers; fail loudly instead.
    if "</style" in style.lower() or "</script" in script.lower():
        raise RuntimeError("report.css/report.js must not contain a closing </style> or </script> tag")
    return MappingProxyType(
        {"style": Markup(style), "script": Markup(script), "script_hash": _csp_source_hash(script)}
    )


# --------------------------------------------------------------------------- view


def build_view(
    scan: Mapping[str, Any], *, top_n: int = TOP_N, trend: Sequence[Mapping[str, Any]] | None = None
) -> View:
    """Compute every table, count and chart the templates render. Pure function.

    ``trend`` is the history's rows, oldest first (None when the report is rendered without one).

    Counts are computed from the scan's lists (files, components, edges,
    diagnostics) rather than copied from ``summary`` so that every number in the
    report agrees with the rows listed under it.
    """
    version = str(scan.get("schema_version", ""))
    if version.split(".")[0] != SUPPORTED_SCHEMA_MAJOR:
        raise ValueError(
            f"scan schema_version {version!r} is not supported; this report reads {SUPPORTED_SCHEMA_MAJOR}.x"
        )
    files: list[Mapping[str, Any]] = list(scan.get("files") or [])
    components: list[Mapping[str, Any]] = list(scan.get("components") or [])
    edges: list[Mapping[str, Any]] = list(scan.get("edges") or [])
    by_id = {str(c["id"]): c for c in components}
    plan = scan.get("plan") if isinstance(scan.get("plan"), Mapping) else None
    findings = _findings(scan.get("findings"), by_id, top_n)
    return {
        "meta": _meta(scan),
        "headline": _headline(files, components, edges),
        "inventory": _inventory(files, components, edges),
        "parse": _parse_quality(files, top_n),
        "top_components": _top_components(components),
        "unresolved": _unresolved(edges, top_n),
        "retire": _retire(components, by_id, plan, top_n),
        "crud": _crud(components, edges, by_id, top_n),
        "data": _data_stores(components, edges, by_id, top_n),
        "findings": findings,
        "effort_risk": _effort_risk(components, (scan.get("summary") or {}).get("estimate")),
        "plan": _plan(plan, by_id, findings, top_n),
        "no_plan": NO_PLAN,
        "coupling": _change_coupling(scan.get("plan"), components, by_id),
        "trend": _trend(trend, top_n),
        "diagnostics": _diagnostics(scan.get("diagnostics") or [], top_n),
        "limits": {"top_n": top_n, "top_components": TOP_COMPONENTS, "crud_columns": MAX_CRUD_COLUMNS,
                   "wave_items": WAVE_ITEMS, "callers": CALLERS_SHOWN},
    }


def _meta(scan: Mapping[str, Any]) -> View:
    tool = scan.get("tool") or {}
    return {
        "title": "Legacy code modernisation report",
        "roots": [str(root) for root in scan.get("roots") or []],
        "tool_name": str(tool.get("name") or "legacy-lens"),
        "tool_version": str(tool.get("version") or MISSING),
        "schema_version": str(scan["schema_version"]),
    }


def _capped(rows: Sequence[Row], top_n: int) -> View:
    """A table cut to ``top_n`` rows, with the numbers the "showing N of M" note needs."""
    return {
        "rows": list(rows[:top_n]),
        "total": len(rows),
        "shown": min(len(rows), top_n),
        "truncated": len(rows) > top_n,
    }


def _rank(order: Sequence[str]) -> Callable[[str], tuple[int, str]]:
    """Sort key: known values in ``order`` first, then the rest alphabetically."""
    index = {value: i for i, value in enumerate(order)}
    return lambda value: (index.get(value, len(order)), value)


def _where(file: object, line: object) -> str:
    if not file:
        return MISSING
    return f"{file}:{line}" if line is not None else str(file)


def _component_status(component: Mapping[str, Any]) -> str:
    if component.get("system"):
        return "system"
    return "defined" if component.get("defined") else "undefined"


def _component_where(component: Mapping[str, Any]) -> str:
    if component.get("file"):
        return _where(component["file"], component.get("line"))
    if component.get("system"):
        return "system (supplied by the platform)"
    return "not found in scanned code"


HEADLINE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("program", "Programs", "defined in scanned code"),
    ("copybook", "Copybooks", "defined in scanned code"),
    ("job", "Jobs", "batch JCL jobs"),
    ("transaction", "Transactions", "online CICS transactions"),
    ("table", "Tables", "database tables defined"),
    ("class", "Classes", "Java, .NET and VB types"),
    ("package", "Packages", "PL/SQL and Delphi packages"),
    ("procedure", "Procedures", "stored procedures"),
    ("subroutine", "Subroutines", "Fortran subroutines"),
    ("function", "Functions", "C, Fortran and SQL functions"),
    ("module", "Modules", "Fortran, VB and Perl modules"),
    ("unit", "Units", "Delphi units"),
    ("page", "Pages", "JSP and ASP pages"),
    ("form", "Forms", "VB and Delphi forms"),
    ("script", "Scripts", "shell, REXX and Perl scripts"),
    ("source", "Source files", "C and C++ translation units"),
)


def _headline(
    files: Sequence[Mapping[str, Any]],
    components: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
) -> list[Row]:
    defined = Counter(str(c["kind"]) for c in components if c.get("defined") and not c.get("system"))
    resolved = sum(1 for e in edges if e.get("resolved"))
    problems = sum(1 for f in files if _parse(f).get("status") in PROBLEM_STATUSES)
    code_lines = sum(_lines(f)["code"] for f in files)
    # The five kinds of component most telling for this estate: the first present in HEADLINE_KINDS order
    # (a mainframe estate shows programs, copybooks, jobs, transactions and tables; a J2EE one, classes).
    present = [entry for entry in HEADLINE_KINDS if defined[entry[0]]][:5]
    cards: list[tuple[str, int, str]] = [
        ("Files", len(files), "source files found"),
        ("Lines of code", code_lines, "excluding comments and blanks"),
        *[(label, defined[kind], hint) for kind, label, hint in present],
        ("Resolved references", resolved, "links the tool could follow"),
        ("Unresolved references", len(edges) - resolved, "see section 5"),
        ("Files with parse problems", problems, "partial or failed parse"),
    ]
    return [
        {
            "label": label,
            "value": value,
            "hint": hint,
            "alert": label.startswith(("Unresolved", "Files with")) and value > 0,
        }
        for label, value, hint in cards
    ]


def _parse(file: Mapping[str, Any]) -> Mapping[str, Any]:
    return file.get("parse") or {}


def _lines(file: Mapping[str, Any]) -> dict[str, int]:
    lines = file.get("lines") or {}
    return {key: int(lines.get(key) or 0) for key in ("code", "comment", "blank")}


def _language(file: Mapping[str, Any]) -> str:
    return str(file.get("language") or "unknown")


def _inventory(
    files: Sequence[Mapping[str, Any]],
    components: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
) -> View:
    # Files and lines by language, largest code base first.
    by_language: dict[str, dict[str, int]] = defaultdict(
        lambda: {"files": 0, "code": 0, "comment": 0, "blank": 0}
    )
    for file in files:
        row = by_language[_language(file)]
        row["files"] += 1
        for key, value in _lines(file).items():
            row[key] += value
    total_code = sum(row["code"] for row in by_language.values())
    languages: list[Row] = [
        {
            "language": language,
            **counts,
            "total": counts["code"] + counts["comment"] + counts["blank"],
            "code_share": counts["code"] / total_code if total_code else 0.0,
        }
        for language, counts in sorted(by_language.items(), key=lambda item: (-item[1]["code"], item[0]))
    ]
    totals = {
        key: sum(int(row[key]) for row in languages) for key in ("files", "code", "comment", "blank", "total")
    }

    # Components by kind and by whether the scan found their definition.
    kind_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for component in components:
        kind_counts[str(component["kind"])][_component_status(component)] += 1
    kinds: list[Row] = [
        {
            "kind": kind,
            "defined": counts["defined"],
            "undefined": counts["undefined"],
            "system": counts["system"],
            "total": sum(counts.values()),
        }
        for kind, counts in sorted(kind_counts.items(), key=lambda item: _rank(KIND_ORDER)(item[0]))
    ]

    # References by kind, so unknown edge kinds still show up.
    edge_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for edge in edges:
        edge_counts[str(edge["kind"])]["resolved" if edge.get("resolved") else "unresolved"] += 1
    edge_kinds = [
        {
            "kind": kind,
            "resolved": counts["resolved"],
            "unresolved": counts["unresolved"],
            "total": counts["resolved"] + counts["unresolved"],
        }
        for kind, counts in sorted(edge_counts.items(), key=lambda item: _rank(EDGE_KIND_ORDER)(item[0]))
    ]

    return {
        "languages": languages,
        "language_totals": totals,
        "kinds": kinds,
        "edge_kinds": edge_kinds,
        "lines_chart": _bar_chart(
            "Lines by language",
            [(row["language"], [row["code"], row["comment"], row["blank"]]) for row in languages],
            ["code", "comment", "blank"],
        ),
        "kinds_chart": _bar_chart(
            "Components by kind",
            [(row["kind"], [row["defined"], row["undefined"], row["system"]]) for row in kinds],
            ["defined", "referenced but undefined", "system"],
        ),
    }


def _bar_chart(title: str, rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[str]) -> View:
    """Geometry of a horizontal stacked bar chart; the template draws it as SVG rects."""
    biggest = max((sum(values) for _, values in rows), default=0)
    scale = CHART_BAR_WIDTH / biggest if biggest else 0.0
    bars = []
    for index, (label, values) in enumerate(rows):
        y = index * CHART_ROW_HEIGHT
        x = float(CHART_LABEL_WIDTH)
        segments = []
        for series_index, value in enumerate(values):
            width = round(value * scale, 2)
            if value > 0:
                segments.append(
                    {
                        "series": series_index,
                        "name": series[series_index],
                        "value": value,
                        "x": round(x, 2),
                        "width": width,
                    }
                )
            x += width
        total = sum(values)
        bars.append(
            {
                "label": label,
                "total": total,
                "y": y,
                "bar_y": y + (CHART_ROW_HEIGHT - CHART_BAR_HEIGHT) // 2,
                "text_y": y + CHART_ROW_HEIGHT // 2 + 4,
                "value_x": round(x + 6, 2),
                "segments": segments,
            }
        )
    plot_height = len(rows) * CHART_ROW_HEIGHT
    legend = []
    legend_x = float(CHART_LABEL_WIDTH)
    for index, name in enumerate(series):
        legend.append({"series": index, "name": name, "x": round(legend_x, 2), "y": plot_height + 8})
        legend_x += 12 + 5 + len(name) * CHART_CHAR_WIDTH + 16  # swatch, gap, text, spacing
    return {
        "title": title,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + CHART_VALUE_WIDTH,
        "height": plot_height + CHART_LEGEND_HEIGHT,
        "label_x": CHART_LABEL_WIDTH - 8,
        "bar_height": CHART_BAR_HEIGHT,
        "bars": bars,
        "legend": legend,
    }


def _parse_quality(files: Sequence[Mapping[str, Any]], top_n: int) -> View:
    rows: list[Row] = []
    for file in files:
        parse = _parse(file)
        ratio = float(parse.get("error_ratio") or 0.0)
        fallback_lines = int(parse.get("fallback_lines") or 0)
        rows.append(
            {
                "path": str(file["path"]),
                "language": _language(file),
                "parser": str(parse.get("parser") or MISSING),
                "status": str(parse.get("status") or "unknown"),
                "error_ratio": ratio,
                "fallback_used": bool(parse.get("fallback_used")),
                "fallback": f"yes ({fallback_lines:,} lines)" if parse.get("fallback_used") else "no",
                "problem": parse.get("status") in PROBLEM_STATUSES,
                "bytes": int(file.get("size_bytes") or 0),
                "lines": int((file.get("lines") or {}).get("code") or 0),
            }
        )
    rows.sort(key=lambda row: (-row["error_ratio"], row["path"]))

    # Per-language mean over the files a parser actually read (skipped files were not parsed).
    per_language: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        per_language[row["language"]].append(row)
    languages: list[Row] = []
    for language in sorted(per_language):
        group = per_language[language]
        read = [row for row in group if row["status"] != "skipped"]
        parsed = [row["error_ratio"] for row in read]
        statuses = Counter(row["status"] for row in group)
        size = sum(row["bytes"] for row in read)
        # Share of the language's bytes the parser placed in a valid structure (line parsers: in lines they
        # classified), weighted by file size. A file whose extraction failed (no parser result) counts as
        # not understood at all.
        unclean = sum((row["error_ratio"] if row["parser"] != MISSING else 1.0) * row["bytes"] for row in read)
        clean = 1 - unclean / size if size else None
        parsers = sorted({row["parser"].split(":", 1)[0] for row in read if row["parser"] != MISSING})
        languages.append(
            {
                "language": language,
                "files": len(group),
                "lines": sum(row["lines"] for row in group),
                "clean_share": clean,
                "fallback_files": sum(1 for row in group if row["fallback_used"]),
                "parser_kind": ", ".join("grammar" if p == "tree-sitter" else "line parser" if p == "line" else p
                                         for p in parsers) or MISSING,
                "mean_error_ratio": sum(parsed) / len(parsed) if parsed else None,
                "max_error_ratio": max(parsed) if parsed else None,
                "statuses": ", ".join(
                    f"{status} {statuses[status]}" for status in sorted(statuses, key=_rank(STATUS_ORDER))
                ),
            }
        )
    status_counts = Counter(row["status"] for row in rows)
    return {
        "files": _capped(rows, top_n),
        "languages": languages,
        "statuses": [
            {"status": status, "count": status_counts[status]}
            for status in sorted(status_counts, key=_rank(STATUS_ORDER))
        ],
        "problem_count": sum(1 for row in rows if row["problem"]),
    }


def _top_components(components: Sequence[Mapping[str, Any]]) -> list[Row]:
    ranked = sorted(
        # Platform modules (SQLCA, IEBGENER ...) are depended on everywhere and move with the platform.
        (c for c in components if int(c.get("fan_in") or 0) > 0 and not c.get("system")),
        key=lambda c: (-int(c.get("fan_in") or 0), str(c["id"])),
    )
    return [
        {
            "id": str(c["id"]),
            "name": str(c.get("name") or c["id"]),
            "kind": str(c["kind"]),
            "fan_in": int(c.get("fan_in") or 0),
            "fan_out": int(c.get("fan_out") or 0),
            "where": _component_where(c),
            "status": _component_status(c),
        }
        for c in ranked[:TOP_COMPONENTS]
    ]


def _edge_row(edge: Mapping[str, Any]) -> Row:
    locations = [loc for loc in edge.get("locations") or [] if loc]
    first = min(
        locations, key=lambda loc: (str(loc.get("file") or ""), int(loc.get("line") or 0)), default=None
    )
    return {
        "source": str(edge["source"]),
        "kind": str(edge["kind"]),
        "target": str(edge["target"]),
        "via": str(edge.get("via") or MISSING),
        "detail": str(edge.get("detail") or ""),
        "first_location": _where(first.get("file"), first.get("line")) if first else MISSING,
        "locations": len(locations),
    }


def _unresolved(edges: Sequence[Mapping[str, Any]], top_n: int) -> View:
    rows = sorted(
        (_edge_row(e) for e in edges if not e.get("resolved")),
        key=lambda row: (row["source"], row["kind"], row["target"], row["first_location"]),
    )
    dynamic = [row for row in rows if row["via"] == DYNAMIC_VIA]
    other = [row for row in rows if row["via"] != DYNAMIC_VIA]
    return {
        "total": len(rows),
        "dynamic": _capped(dynamic, top_n),
        "other": _capped(other, top_n),
    }


def _name_of(component_id: str, by_id: Mapping[str, Mapping[str, Any]]) -> str:
    """A component's display name: its recorded name, else the id without its ``kind:`` prefix."""
    component = by_id.get(component_id)
    if component is not None and component.get("name"):
        return str(component["name"])
    return component_id.split(":", 1)[-1]


def _retire(
    components: Sequence[Mapping[str, Any]],
    by_id: Mapping[str, Mapping[str, Any]],
    plan: Mapping[str, Any] | None,
    top_n: int,
) -> View:
    """Retire candidates: unreached programs and paragraphs, with the plan's evidence when the scan has a plan.

    A scan made before planning has no ``plan.retire_candidates``; the candidates then come
    from the components' own flags and carry no evidence text.
    """
    candidates = plan.get("retire_candidates") if plan is not None else None
    from_plan = isinstance(candidates, list)
    programs: list[Row] = []
    paragraphs: list[Row] = []
    if from_plan:
        for item in candidates or []:
            if not isinstance(item, Mapping):
                continue
            component_id = str(item.get("component") or MISSING)
            component = by_id.get(component_id, {})
            evidence = str(item.get("evidence") or "") or MISSING
            if item.get("kind") == "paragraph":
                paragraphs.append({
                    "id": component_id, "name": _name_of(component_id, by_id),
                    "paragraph": str(item.get("paragraph") or MISSING),
                    "file": str(component.get("file") or MISSING), "evidence": evidence,
                })  # fmt: skip
            else:
                lines = item.get("code_lines")
                if not isinstance(lines, int) or isinstance(lines, bool):
                    lines = int(_metrics(component).get("code_lines") or 0)
                programs.append({
                    "id": component_id, "name": _name_of(component_id, by_id),
                    "kind": str(component.get("kind") or component_id.split(":", 1)[0]),
                    "where": _component_where(component) if component else "not found in scanned code",
                    "code_lines": lines, "evidence": evidence,
                })  # fmt: skip
    else:
        for c in components:
            component_id = str(c["id"])
            if c.get("dead_candidate"):
                programs.append({
                    "id": component_id, "name": str(c.get("name") or component_id), "kind": str(c["kind"]),
                    "where": _component_where(c), "code_lines": int(_metrics(c).get("code_lines") or 0),
                    "evidence": MISSING,
                })  # fmt: skip
            for name in _metrics(c).get("dead_paragraphs") or []:
                paragraphs.append({
                    "id": component_id, "name": str(c.get("name") or component_id), "paragraph": str(name),
                    "file": str(c.get("file") or MISSING), "evidence": MISSING,
                })  # fmt: skip
    programs.sort(key=lambda r: (_rank(KIND_ORDER)(r["kind"]), r["id"]))
    paragraphs.sort(key=lambda r: (r["id"], r["paragraph"]))
    return {
        "from_plan": from_plan,
        "candidates": _capped(programs, top_n),
        "candidate_lines": sum(row["code_lines"] for row in programs),
        "paragraphs": _capped(paragraphs, top_n),
        "paragraph_programs": len({row["id"] for row in paragraphs}),
    }


def _target_kind(target_id: str, by_id: Mapping[str, Mapping[str, Any]]) -> str:
    component = by_id.get(target_id)
    if component is not None:
        return str(component["kind"])
    return target_id.split(":", 1)[0]  # ids are "kind:name"


def _crud(
    components: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    by_id: Mapping[str, Mapping[str, Any]],
    top_n: int,
) -> View:
    programs = {str(c["id"]) for c in components if c["kind"] in CRUD_SOURCE_KINDS}
    access: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    target_kinds: dict[str, str] = {}
    for edge in edges:
        letter = CRUD_LETTERS.get(str(edge["kind"]))
        source, target = str(edge["source"]), str(edge["target"])
        kind = _target_kind(target, by_id)
        if letter is None or source not in programs or kind not in CRUD_TARGET_KINDS:
            continue
        access[source][target].add(letter)
        target_kinds[target] = kind

    def name_of(component_id: str) -> str:
        component = by_id.get(component_id)
        return str(component.get("name") or component_id) if component else component_id.split(":", 1)[-1]

    def matrix(title: str, kind: str, targets: Sequence[str]) -> View:
        # Keep the most-used columns when capping: they matter most for data migration.
        wanted = set(targets)
        users = Counter(t for program in access.values() for t in program if t in wanted)
        chosen = sorted(targets, key=lambda t: (-users[t], t))[:MAX_CRUD_COLUMNS]
        columns = sorted(chosen, key=lambda t: (_rank(CRUD_TARGET_KINDS)(target_kinds[t]), t))
        chosen_set = set(columns)
        rows = []
        for program in sorted(access):
            touched = access[program]
            if not chosen_set.intersection(touched):
                continue
            cells = []
            for target in columns:
                letters = "".join(letter for letter in "CRUD" if letter in touched.get(target, set()))
                tone = "d" if "D" in letters else "w" if set(letters) & {"C", "U"} else "r" if letters else ""
                cells.append({"letters": letters, "tone": tone, "target": target})
            rows.append({"program": program, "name": name_of(program), "cells": cells})
        return {
            "title": title,
            "kind": kind,
            "columns": [{"id": t, "name": name_of(t), "kind": target_kinds[t]} for t in columns],
            "total_columns": len(targets),
            "columns_truncated": len(targets) > len(columns),
            "rows": _capped(rows, top_n),
        }

    all_targets = sorted(target_kinds)
    split = len(all_targets) > MAX_CRUD_COLUMNS
    if not all_targets:
        matrices: list[View] = []
    elif split:
        matrices = [
            matrix(f"{kind.capitalize()}s", kind, [t for t in all_targets if target_kinds[t] == kind])
            for kind in sorted(set(target_kinds.values()), key=_rank(CRUD_TARGET_KINDS))
        ]
    else:
        matrices = [matrix("All data stores", "all", all_targets)]
    return {
        "matrices": matrices,
        "split": split,
        "target_total": len(all_targets),
        "program_total": len(access),
    }


# Edge kinds that put data into a store, and those that take data out of it (an update does both).
STORE_WRITE_KINDS: frozenset[str] = frozenset({"writes", "updates", "deletes"})
STORE_READ_KINDS: frozenset[str] = frozenset({"reads", "updates"})


def _data_stores(
    components: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    by_id: Mapping[str, Mapping[str, Any]],
    top_n: int,
) -> View:
    """Stores with many writers, with no reader, shared across subsystems, and the batch lineage.

    A writer or reader is any component with a ``writes``/``updates``/``deletes`` or
    ``reads``/``updates`` edge to a table, file or dataset. A job's (or proc's) DD edge is not counted
    when every DD it stands for is matched to a program's SELECT (a ``jcl-dd-select`` edge at the same
    line): the program is the one that opens the dataset. A subsystem is the top-level folder of the
    writer's or reader's file.
    """
    from legacy_lens.graph_export import lineage_graph

    # DD lines where a program's SELECT is matched: there the program, not the job, opens the dataset.
    opened_by_program = {(str(loc.get("file")), loc.get("line")) for edge in edges if edge.get("via") == "jcl-dd-select"
                         for loc in edge.get("locations") or []}
    writers: dict[str, set[str]] = defaultdict(set)
    readers: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        source, target, kind = str(edge["source"]), str(edge["target"]), str(edge["kind"])
        if _target_kind(target, by_id) not in CRUD_TARGET_KINDS:
            continue
        locations = {(str(loc.get("file")), loc.get("line")) for loc in edge.get("locations") or []}
        if source.startswith(("job:", "proc:")) and locations and locations <= opened_by_program:
            continue
        if kind in STORE_WRITE_KINDS:
            writers[target].add(source)
        if kind in STORE_READ_KINDS:
            readers[target].add(source)

    def name_of(component_id: str) -> str:
        return _name_of(component_id, by_id)

    def names(ids: Iterable[str]) -> str:
        return ", ".join(name_of(i) for i in sorted(ids))

    def store(target: str) -> Row:
        return {"id": target, "name": name_of(target), "kind": _target_kind(target, by_id)}

    many = [store(t) | {"count": len(w), "writers": names(w)} for t, w in writers.items() if len(w) >= 2]
    many.sort(key=lambda r: (-r["count"], r["id"]))
    unread = [store(t) | {"writers": names(w)} for t, w in sorted(writers.items()) if not readers.get(t)]
    shared = []
    for target in sorted(set(writers) | set(readers)):
        users = writers.get(target, set()) | readers.get(target, set())
        files = [(by_id.get(u) or {}).get("file") for u in users]
        subsystems = sorted({_subsystem(f) for f in files if f})
        if len(subsystems) >= 2:
            shared.append(store(target) | {"count": len(subsystems), "subsystems": ", ".join(subsystems)})
    shared.sort(key=lambda r: (-r["count"], r["id"]))

    g = lineage_graph({"components": components, "edges": edges})
    lineage = []
    for dataset, data in g.nodes(data=True):
        if data.get("kind") != "dataset":
            continue
        producers = sorted({u for u, _v, e in g.in_edges(dataset, data=True) if e["kind"] in STORE_WRITE_KINDS})
        consumers = sorted({v for _u, v, e in g.out_edges(dataset, data=True) if e["kind"] == "reads"})
        for producer in producers:
            for consumer in consumers:
                if producer != consumer:
                    lineage.append({"producer": g.nodes[producer]["label"], "dataset": data["name"],
                                    "consumer": g.nodes[consumer]["label"]})
    lineage.sort(key=lambda r: (r["dataset"], r["producer"], r["consumer"]))
    return {
        "many_writers": _capped(many, top_n),
        "unread": _capped(unread, top_n),
        "shared": _capped(shared, top_n),
        "lineage": _capped(lineage, top_n),
    }


def _rule_anchor(code: str, used: set[str]) -> str:
    """An HTML id for a rule's box: ``rule-LL101``; other characters become ``-`` and clashes get a suffix."""
    base = "rule-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", code).strip("-") or "x")
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def _effort_points(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _findings(findings: object, by_id: Mapping[str, Mapping[str, Any]], top_n: int) -> View:
    """Section 8: counts by category x severity, one row per rule with its documentation, and the findings list.

    ``findings`` is None when the scan predates rules; an empty list means the rules ran and matched nothing.
    """
    category_key = _rank(FINDING_CATEGORY_ORDER)
    severity_key = _rank(FINDING_SEVERITY_ORDER)
    rows: list[Row] = []
    for finding in findings if isinstance(findings, list) else []:
        if not isinstance(finding, Mapping):
            continue
        location = finding.get("location") or {}
        file = finding.get("file") or location.get("file")
        line = finding.get("line") if finding.get("line") is not None else location.get("line")
        code = str(finding.get("rule") or finding.get("code") or MISSING)
        component = str(finding.get("component") or MISSING)
        rows.append({
            "rule": code, "name": str(finding.get("name") or ""),
            "category": str(finding.get("category") or "potential"),
            "severity": str(finding.get("severity") or "info"),
            "effort": _effort_points(finding.get("effort")),
            "component": component, "component_name": _name_of(component, by_id),
            "file": str(file or ""), "line": line if isinstance(line, int) else -1,
            "where": _where(file, line), "message": str(finding.get("message") or ""),
        })  # fmt: skip
    rows.sort(key=lambda r: (category_key(r["category"]), severity_key(r["severity"]), r["rule"], r["component"],
                             r["file"], r["line"], r["message"]))  # fmt: skip

    categories = sorted(set(FINDING_CATEGORY_ORDER) | {r["category"] for r in rows}, key=category_key)
    severities = sorted(set(FINDING_SEVERITY_ORDER) | {r["severity"] for r in rows}, key=severity_key)
    counts = Counter((r["category"], r["severity"]) for r in rows)
    points: Counter[tuple[str, str]] = Counter()
    for r in rows:
        points[(r["category"], r["severity"])] += r["effort"]

    def cell(count: int, effort: int) -> Row:
        return {"count": count, "points": effort, "text": f"{count:,} ({effort:,} pts)" if count else "0"}

    summary_rows = [
        {
            "category": category,
            "meaning": CATEGORY_MEANINGS.get(category, ""),
            "cells": [cell(counts[(category, s)], points[(category, s)]) for s in severities],
            "count": sum(counts[(category, s)] for s in severities),
            "points": sum(points[(category, s)] for s in severities),
        }
        for category in categories
    ]
    totals = {
        "cells": [cell(sum(counts[(c, s)] for c in categories), sum(points[(c, s)] for c in categories))
                  for s in severities],
        "count": len(rows),
        "points": sum(r["effort"] for r in rows),
    }  # fmt: skip

    catalogue = builtin_catalogue().by_code()
    grouped: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        grouped[r["rule"]].append(r)
    rules: list[Row] = []
    for code, members in grouped.items():
        documented = catalogue.get(code)
        # Category and severity are the rule's, so every finding of a rule agrees; the first one (sorted) is used.
        first = members[0]
        rules.append({
            "code": code,
            "name": first["name"] or (documented.name if documented else code),
            "category": first["category"], "severity": first["severity"],
            "count": len(members), "components": len({r["component"] for r in members}),
            "points": sum(r["effort"] for r in members),
            "why": documented.why if documented else None,
            "remediation": documented.remediation if documented else None,
        })  # fmt: skip
    rules.sort(key=lambda r: (category_key(r["category"]), severity_key(r["severity"]), -r["points"], r["code"]))
    used: set[str] = set()
    for rule in rules:
        rule["anchor"] = _rule_anchor(rule["code"], used)
    return {
        "ran": isinstance(findings, list),
        "total": len(rows),
        "points": totals["points"],
        "severities": severities,
        "summary": summary_rows,
        "summary_total": totals,
        "rules": rules,
        "mandatory": sum(1 for r in rows if r["category"] == "mandatory"),
        "list": _capped(rows, top_n),
    }


# --------------------------------------------------------------------------- migration plan


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _nice_step(extent: float, most: int = 8) -> float:
    """A 1-2-5 step that puts at most ``most`` ticks on an axis from 0 to ``extent``."""
    if extent <= 0:
        return 1.0
    raw = extent / most
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _timeline(waves: Sequence[Row]) -> View | None:
    """Geometry of the wave timeline: waves run one after another along a cumulative P50 effort axis.

    Each wave's bar starts where the previous wave's P50 ends and is as long as its own
    P50; its whisker runs from start + P10 to start + P90.
    """
    if not waves:
        return None
    plot_left = float(TIMELINE_LABEL_WIDTH)
    plot_right = float(TIMELINE_WIDTH - TIMELINE_VALUE_WIDTH)
    starts, start = [], 0.0
    for wave in waves:
        starts.append(start)
        start += wave["p50"]
    extent = max(max(s + w["p90"], s + w["p50"]) for s, w in zip(starts, waves, strict=True))
    extent = extent if extent > 0 else 1.0
    scale = (plot_right - plot_left) / extent

    def x_of(days: float) -> float:
        return round(plot_left + days * scale, 2)

    bars = []
    for index, (begin, wave) in enumerate(zip(starts, waves, strict=True)):
        y = index * TIMELINE_ROW_HEIGHT
        mid = y + TIMELINE_ROW_HEIGHT / 2
        whisker_x1, whisker_x2 = x_of(begin + wave["p10"]), x_of(begin + wave["p90"])
        bar_x, bar_end = x_of(begin), x_of(begin + wave["p50"])
        bars.append({
            "wave": wave["wave"], "label": f"Wave {wave['wave']}",
            "x": bar_x, "width": round(wave["p50"] * scale, 2),
            "bar_y": round(mid - TIMELINE_BAR_HEIGHT / 2, 2), "mid": round(mid, 2), "text_y": round(mid + 4, 2),
            "whisker_x1": whisker_x1, "whisker_x2": whisker_x2,
            "cap_y1": round(mid - TIMELINE_CAP, 2), "cap_y2": round(mid + TIMELINE_CAP, 2),
            "value_x": round(max(whisker_x2, bar_end) + 8, 2),
            "value": f"{wave['p50_text']} days ({wave['p10_text']}{EN_DASH}{wave['p90_text']})",
            "title": f"Wave {wave['wave']}: P50 {wave['p50_text']} person-days, P10 {wave['p10_text']} to "
                     f"P90 {wave['p90_text']}; starts after {_days(begin)} person-days of earlier waves",
        })  # fmt: skip
    plot_height = len(waves) * TIMELINE_ROW_HEIGHT
    step = _nice_step(extent)
    ticks = []
    tick = 0.0
    while tick <= extent + 1e-9:
        ticks.append({"x": x_of(tick), "label": _tick_label(tick) if tick else "0"})
        tick += step
    return {
        "width": TIMELINE_WIDTH,
        "height": plot_height + TIMELINE_AXIS_HEIGHT,
        "left": plot_left,
        "right": plot_right,
        "plot_height": plot_height,
        "label_x": plot_left - 10,
        "bar_height": TIMELINE_BAR_HEIGHT,
        "bars": bars,
        "ticks": ticks,
        "tick_y": plot_height + 16,
        "axis_y": plot_height + TIMELINE_AXIS_HEIGHT - 6,
        "total": _days(sum(w["p50"] for w in waves)),
    }


def _kind_of(component_id: str, by_id: Mapping[str, Mapping[str, Any]]) -> str:
    component = by_id.get(component_id)
    return str(component["kind"]) if component else component_id.split(":", 1)[0]


def _group_by_kind(component_ids: Sequence[str], by_id: Mapping[str, Mapping[str, Any]]) -> list[Row]:
    """``[{kind, count, names}]`` in the usual kind order, names sorted."""
    groups: dict[str, list[str]] = defaultdict(list)
    for component_id in component_ids:
        groups[_kind_of(component_id, by_id)].append(_name_of(component_id, by_id))
    return [
        {"kind": kind, "count": len(groups[kind]), "names": ", ".join(sorted(groups[kind]))}
        for kind in sorted(groups, key=_rank(KIND_ORDER))
    ]


def _plan(
    plan: Mapping[str, Any] | None,
    by_id: Mapping[str, Mapping[str, Any]],
    findings: View,
    top_n: int,
) -> View | None:
    """Sections 10 to 12: waves (with the timeline), shared-service candidates and the skills inventory."""
    if plan is None:
        return None
    settings: Mapping[str, Any] = plan.get("settings") or {}
    budget = _float(settings.get("wave_budget_days"))
    utility = _int(settings.get("utility_communities"))
    service = _int(settings.get("service_communities"))
    seed = _int(settings.get("seed"))

    # Rule names and anchors for the blockers, from the findings section (catalogue names for the rest).
    catalogue = builtin_catalogue().by_code()
    rules = {rule["code"]: rule for rule in findings["rules"]}
    mandatory_by_component: Counter[tuple[str, str]] = Counter(
        (r["component"], r["rule"]) for r in findings["list"]["rows"] if r["category"] == "mandatory"
    )

    waves: list[Row] = []
    raw_waves = [w for w in plan.get("waves") or [] if isinstance(w, Mapping)]
    for position, wave in enumerate(sorted(raw_waves, key=lambda w: _int(w.get("wave")) or 0), start=1):
        number = _int(wave.get("wave")) or position
        effort: Mapping[str, Any] = wave.get("effort") or {}
        p10, p50, p90 = (_float(effort.get(key)) or 0.0 for key in ("p10", "p50", "p90"))
        members = sorted({str(c) for c in wave.get("components") or []},
                         key=lambda c: (_rank(KIND_ORDER)(_kind_of(c, by_id)), c))  # fmt: skip
        shown = members[:WAVE_ITEMS]
        blockers: list[Row] = []
        for code in sorted({str(b) for b in wave.get("blockers") or []}):
            rule = rules.get(code)
            documented = catalogue.get(code)
            blockers.append({
                "code": code,
                "name": rule["name"] if rule else documented.name if documented else "",
                "anchor": rule["anchor"] if rule else None,
                "findings": sum(mandatory_by_component[(c, code)] for c in members),
            })  # fmt: skip
        bridges: list[Row] = []
        for bridge in wave.get("bridges") or []:
            if not isinstance(bridge, Mapping):
                continue
            source, target = str(bridge.get("from") or MISSING), str(bridge.get("to") or MISSING)
            from_wave, to_wave = _int(bridge.get("from_wave")), _int(bridge.get("to_wave"))
            bridges.append({
                "from": source, "to": target, "from_name": _name_of(source, by_id), "to_name": _name_of(target, by_id),
                "from_kind": _kind_of(source, by_id), "to_kind": _kind_of(target, by_id),
                "from_wave": from_wave, "to_wave": to_wave, "direction": str(bridge.get("direction") or ""),
                "outgoing": from_wave == number,
            })  # fmt: skip
        bridges.sort(key=lambda b: (not b["outgoing"], b["from"], b["to"]))
        waves.append({
            "wave": number, "anchor": f"wave-{position}",
            "components": _group_by_kind(shown, by_id),
            "component_total": len(members), "component_shown": len(shown),
            "components_truncated": len(members) > len(shown),
            "p10": p10, "p50": p50, "p90": p90, "p10_text": _days(p10), "p50_text": _days(p50), "p90_text": _days(p90),
            "over_budget": budget is not None and p50 > budget,
            "blockers": blockers,
            "blockers_text": ", ".join(b["code"] for b in blockers) or "none",
            "bridges": _capped(bridges, WAVE_ITEMS),
            "bridges_out": sum(1 for b in bridges if b["outgoing"]),
            "bridges_in": sum(1 for b in bridges if not b["outgoing"]),
            "subsystems": ", ".join(str(s) for s in wave.get("subsystems") or []) or MISSING,
            "explanation": str(wave.get("explanation") or ""),
        })  # fmt: skip

    shared: list[Row] = []
    for item in plan.get("shared_services") or []:
        if not isinstance(item, Mapping):
            continue
        component_id = str(item.get("component") or MISSING)
        callers = sorted(str(c) for c in item.get("callers") or [])
        names = [_name_of(c, by_id) for c in callers[:CALLERS_SHOWN]]
        more = len(callers) - len(names)
        shared.append({
            "id": component_id, "name": _name_of(component_id, by_id), "layer": str(item.get("layer") or MISSING),
            "subsystems": _int(item.get("subsystems_using")), "callers_total": len(callers),
            "callers": ", ".join(names) + (f" and {more} more" if more > 0 else "") if names else MISSING,
            "reason": str(item.get("reason") or ""),
        })  # fmt: skip
    shared.sort(key=lambda r: (-(r["subsystems"] or 0), r["id"]))

    skills: list[Row] = []
    for item in plan.get("skills") or []:
        if not isinstance(item, Mapping):
            continue
        authors, bus = _int(item.get("authors")), _int(item.get("bus_factor"))
        share = _float(item.get("effort_share"))
        skills.append({
            "technology": str(item.get("technology") or MISSING),
            "components": _int(item.get("components")), "files": _int(item.get("files")),
            "code_lines": _int(item.get("code_lines")), "effort_share": share,
            "authors": authors,
            "authors_text": "no git history" if authors is None else f"{authors:,}",
            "bus_factor_text": MISSING if bus is None else f"{bus:,}",
            "single_author": bus == 1,
        })  # fmt: skip

    # Technologies that take the most effort first (the plan lists them in a fixed order).
    skills.sort(key=lambda r: (-(r["effort_share"] or 0.0), -(r["code_lines"] or 0), r["technology"]))
    return {
        "budget": _days(budget) if budget is None else f"{budget:g}",
        "seed": MISSING if seed is None else str(seed),
        "utility_communities": MISSING if utility is None else str(utility),
        "service_communities": MISSING if service is None else str(service),
        "waves": waves,
        "timeline": _timeline(waves),
        "total_p50": _days(sum(w["p50"] for w in waves)),
        "total_components": sum(w["component_total"] for w in waves),
        "over_budget": [w["wave"] for w in waves if w["over_budget"]],
        "shared": _capped(shared, top_n),
        "skills": skills,
        "git_history": any(row["authors"] is not None for row in skills),
        "unestimated": [row["technology"] for row in skills if not row["effort_share"]],
    }


def _float(value: object) -> float | None:
    """A JSON number as float; anything else (None, bool, text) as None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _money(amount: float | None, currency: str, decimals: int = 0) -> str:
    """``£1,234`` for GBP, EUR and USD; otherwise the ISO code first: ``CHF 1,234``."""
    if amount is None:
        return MISSING
    text = f"{amount:,.{decimals}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}".strip()


def _day_rate(amount: float | None, currency: str) -> str:
    """A day rate in whole units, or with two decimals when it has a fractional part."""
    if amount is None:
        return MISSING
    amount = round(amount, 2)
    return _money(amount, currency, 0 if amount.is_integer() else 2)


def _days(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.1f}"


def _effort_risk(components: Sequence[Mapping[str, Any]], estimate: object) -> View:
    """Section 9: portfolio headline, largest and riskiest components, and the risk x effort quadrant."""
    effort_rows = sorted(
        (row for row in (_effort_row(c) for c in components) if row is not None),
        key=lambda row: (-row["p50"], row["id"]),
    )
    risk_rows = sorted(
        (row for row in (_risk_row(c) for c in components) if row is not None),
        key=lambda row: (-row["score"], row["id"]),
    )
    quadrant = _quadrant(effort_rows, risk_rows)
    # Code that is a unit of migration but has no effort: its language has no published gearing.
    unestimated: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in components:
        lines = int((c.get("metrics") or {}).get("code_lines") or 0)
        if (c.get("kind") in UNIT_KINDS and c.get("defined") and not c.get("system") and not c.get("effort")
                and lines > 0):
            entry = unestimated[str(c.get("language") or "unknown")]
            entry[0] += 1
            entry[1] += lines
    return {
        "unestimated": [{"language": lang, "components": n, "code_lines": lines}
                        for lang, (n, lines) in sorted(unestimated.items())],
        "estimate": _portfolio_view(estimate, len(effort_rows)) if isinstance(estimate, Mapping) else None,
        "no_estimate": NO_ESTIMATE,
        "effort": _capped(effort_rows, TOP_ESTIMATED),
        "risk": _capped(risk_rows, TOP_ESTIMATED),
        "quadrant": quadrant,
        "quadrant_summary": _quadrant_summary(quadrant),
        "risk_weights": _risk_weights(components),
        "working_days": WORKING_DAYS_PER_YEAR,
        "risk_split": f"{RISK_SPLIT:g}",
    }


def _portfolio_view(estimate: Mapping[str, Any], estimated_components: int) -> View:
    """Headline figures as display strings, each with the formula that produced it."""
    p10, p50, p90 = (_float(estimate.get(key)) for key in ("p10", "p50", "p90"))
    cost: Mapping[str, Any] = estimate.get("cost") or {}
    currency = str(cost.get("currency") or "")
    rate = _float(cost.get("day_rate"))
    cost_p10, cost_p50, cost_p90 = (_float(cost.get(key)) for key in ("p10", "p50", "p90"))
    schedule: Mapping[str, Any] = estimate.get("schedule") or {}
    cocomo: Mapping[str, Any] = estimate.get("cocomo_cross_check") or {}
    cocomo_days = _float(cocomo.get("person_days"))
    coefficients = [
        {key: str(row.get(key) or "") for key in ("name", "value", "source")}
        for row in estimate.get("coefficients") or []
        if isinstance(row, Mapping)
    ]
    components = int(estimate.get("components") or estimated_components)
    code_lines = int(estimate.get("code_lines") or 0)

    monte_carlo = next((row["value"] for row in coefficients if row["name"] == "monte_carlo_samples / seed"), "")
    samples, _, seed = monte_carlo.partition(" / ")
    how_sampled = f", {samples} samples with seed {seed}" if samples and seed else ""
    effort_formula = (
        f"Monte Carlo sum of the ranges of {components:,} units of migration ({code_lines:,} code lines){how_sampled}; "
        f"the productivity error is shared by all units, their other errors are independent"
    )

    def years(days: float | None) -> str:
        return MISSING if days is None else f"{days / WORKING_DAYS_PER_YEAR:,.2f}"

    rate_text = _day_rate(rate, currency)
    sensitivity = None
    if cost_p50 is not None and rate is not None:
        # Cost is person-days x day rate, so the P50 cost moves in proportion to the rate.
        sensitivity = [
            {"rate": _day_rate(rate * multiple, currency), "p50": _money(cost_p50 * multiple, currency),
             "multiple": f"{multiple:g}"}
            for multiple in DAY_RATE_MULTIPLES
        ]  # fmt: skip

    comparison = ""
    if cocomo_days is not None and p50:
        difference = (cocomo_days - p50) / p50
        side = "above" if difference >= 0 else "below"
        inside = p10 is not None and p90 is not None and p10 <= cocomo_days <= p90
        comparison = (
            f"{abs(difference):.0%} {side} our P50; {'inside' if inside else 'outside'} our P10 to P90 range"
        )

    return {
        "components": components,
        "code_lines": code_lines,
        "effort": {"p10": _days(p10), "p50": _days(p50), "p90": _days(p90), "formula": effort_formula},
        "years": {
            "p10": years(p10), "p50": years(p50), "p90": years(p90),
            "formula": f"person-years = person-days / {WORKING_DAYS_PER_YEAR} working days a year "
                       f"(a planning convention, not a measurement)",
        },
        "cost": {
            "p10": _money(cost_p10, currency), "p50": _money(cost_p50, currency), "p90": _money(cost_p90, currency),
            "currency": currency, "day_rate": rate_text,
            "formula": f"cost = person-days x {rate_text} day rate, at each of P10, P50 and P90 "
                       f"(multiplied before the days are rounded to one decimal)",
        },
        "schedule": {
            "months": _days(_float(schedule.get("months"))),
            "team": _days(_float(schedule.get("team"))),
            "person_months": _days(_float(schedule.get("person_months"))),
            "formula": str(schedule.get("formula") or ""),
        },
        "cocomo": {
            "days": _days(cocomo_days),
            "comparison": comparison,
            "formula": str(cocomo.get("formula") or ""),
        },
        "sensitivity": sensitivity,
        "assumptions": [str(text) for text in estimate.get("assumptions") or []],
        "coefficients": coefficients,
    }


def _metrics(component: Mapping[str, Any]) -> Mapping[str, Any]:
    return component.get("metrics") or {}


def _effort_row(component: Mapping[str, Any]) -> Row | None:
    """One unit of migration's effort range and its two strongest multipliers, or None when not estimated."""
    effort = component.get("effort")
    if not isinstance(effort, Mapping):
        return None
    p10, p50, p90 = (_float(effort.get(key)) for key in ("p10", "p50", "p90"))
    if p10 is None or p50 is None or p90 is None:
        return None
    strongest = []
    for driver in effort.get("drivers") or []:
        name = str(driver.get("name") or "")
        factor = _float(driver.get("factor"))
        # Size is the base and the range drivers set the spread: only multipliers of the median rank here.
        if factor is None or factor <= 0 or name.startswith(EFFORT_RANGE_DRIVERS):
            continue
        strength = abs(math.log(factor))
        if strength > 0:
            strongest.append((strength, name, factor))
    strongest.sort(key=lambda item: (-item[0], item[1]))
    drivers: list[Row] = [
        {"name": name, "factor": factor, "text": f"{name} {TIMES}{factor:.2f}"} for _, name, factor in strongest[:2]
    ]
    code_lines = _metrics(component).get("code_lines")
    return {
        "id": str(component["id"]),
        "name": str(component.get("name") or component["id"]),
        "kind": str(component["kind"]),
        "language": str(component.get("language") or MISSING),
        "code_lines": int(code_lines) if isinstance(code_lines, int) else None,
        "p10": p10,
        "p50": p50,
        "p90": p90,
        "p10_text": _days(p10),
        "p50_text": _days(p50),
        "p90_text": _days(p90),
        "drivers": drivers,
        "drivers_text": "; ".join(d["text"] for d in drivers) or "none (every multiplier is 1.00)",
    }


def _risk_row(component: Mapping[str, Any]) -> Row | None:
    """One component's risk score and its three largest contributions, or None when not scored."""
    risk = component.get("risk")
    if not isinstance(risk, Mapping):
        return None
    score = _float(risk.get("score"))
    if score is None:
        return None
    contributions = [
        (str(driver.get("name") or ""), _float(driver.get("contribution")) or 0.0)
        for driver in risk.get("drivers") or []
    ]
    top = sorted((item for item in contributions if item[1] > 0), key=lambda item: (-item[1], item[0]))[:3]
    drivers: list[Row] = [{"name": name, "points": points, "text": f"{name} +{points:.1f}"} for name, points in top]
    return {
        "id": str(component["id"]),
        "name": str(component.get("name") or component["id"]),
        "kind": str(component["kind"]),
        "score": score,
        "score_text": f"{score:.1f}",
        "drivers": drivers,
        "drivers_text": "; ".join(d["text"] for d in drivers) or "none",
    }


def _risk_weights(components: Sequence[Mapping[str, Any]]) -> list[Row]:
    """Each risk driver's weight, as recorded on the components (the first component, by id, that has it)."""
    weights: dict[str, float] = {}
    for component in sorted(components, key=lambda c: str(c["id"])):
        risk = component.get("risk")
        if not isinstance(risk, Mapping):
            continue
        for driver in risk.get("drivers") or []:
            weight = _float(driver.get("weight"))
            if weight is not None:
                weights.setdefault(str(driver.get("name") or ""), weight)
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return [{"name": name, "weight": f"{weight:g}"} for name, weight in ranked]


def _log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks between two log10 bounds (only powers of ten when the axis spans many decades)."""
    multiples = (1, 2, 5) if high - low <= 4 else (1,)
    ticks = []
    for power in range(math.floor(low), math.ceil(high) + 1):
        for multiple in multiples:
            tick = multiple * 10.0**power
            if low <= math.log10(tick) <= high:
                ticks.append(tick)
    return ticks


def _tick_label(value: float) -> str:
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def _overlaps(box: tuple[float, float, float, float], others: Iterable[tuple[float, float, float, float]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < ox1 and ox0 < x1 and y0 < oy1 and oy0 < y1 for ox0, oy0, ox1, oy1 in others)


def _quadrant(effort_rows: Sequence[Row], risk_rows: Sequence[Row]) -> View | None:
    """Geometry of the risk x effort scatter: log effort across, risk score up, split at the median and 50.

    Every component with both an effort and a risk score is one point. The
    riskiest ``QUADRANT_LABELLED`` get a name label placed next to the point
    where it overlaps no other label or point (greedy, in risk order).
    """
    effort_by_id = {row["id"]: row for row in effort_rows}
    ranked = [(effort_by_id[row["id"]], row) for row in risk_rows if row["id"] in effort_by_id]
    if not ranked:
        return None
    plot_left, plot_right = float(QUAD_LEFT), float(QUAD_WIDTH - QUAD_RIGHT)
    plot_top, plot_bottom = float(QUAD_TOP), float(QUAD_HEIGHT - QUAD_BOTTOM)
    days = [max(QUAD_MIN_DAYS, effort["p50"]) for effort, _ in ranked]
    split_days = statistics.median(days)
    low, high = math.log10(min(days)) - 0.2, math.log10(max(days)) + 0.2
    if high - low < 1.0:  # show at least one decade so a narrow spread is not blown up
        middle = (low + high) / 2
        low, high = middle - 0.5, middle + 0.5

    def x_of(value: float) -> float:
        share = (math.log10(max(QUAD_MIN_DAYS, value)) - low) / (high - low)
        return round(plot_left + share * (plot_right - plot_left), 1)

    def y_of(score: float) -> float:
        return round(plot_top + (1 - min(100.0, max(0.0, score)) / 100) * (plot_bottom - plot_top), 1)

    split_x, split_y = x_of(split_days), y_of(RISK_SPLIT)
    regions = {
        "quick": (plot_left, split_y, split_x, plot_bottom),
        "plan": (plot_left, plot_top, split_x, split_y),
        "major": (split_x, split_y, plot_right, plot_bottom),
        "hard": (split_x, plot_top, plot_right, split_y),
    }
    corner_labels = {  # quadrant name in its outer corner: (x, y, anchor)
        "plan": (plot_left + 6, plot_top + 14, "start"),
        "hard": (plot_right - 6, plot_top + 14, "end"),
        "quick": (plot_left + 6, plot_bottom - 7, "start"),
        "major": (plot_right - 6, plot_bottom - 7, "end"),
    }
    labels = {key: label for key, label, _ in QUADRANTS.values()}
    quadrants = []
    obstacles: list[tuple[float, float, float, float]] = []
    for key in QUADRANT_ORDER:
        x0, y0, x1, y1 = regions[key]
        lx, ly, anchor = corner_labels[key]
        width = len(labels[key]) * CHART_CHAR_WIDTH
        x_start = lx - width if anchor == "end" else lx
        obstacles.append((x_start, ly - 11, x_start + width, ly + 2))
        quadrants.append({
            "key": key, "label": labels[key],
            "x": round(x0, 1), "y": round(y0, 1), "width": round(x1 - x0, 1), "height": round(y1 - y0, 1),
            "label_x": lx, "label_y": ly, "anchor": anchor,
        })  # fmt: skip

    points = []
    for index, (effort, risk) in enumerate(ranked):
        high_effort = max(QUAD_MIN_DAYS, effort["p50"]) > split_days
        high_risk = risk["score"] >= RISK_SPLIT
        key, label, _ = QUADRANTS[(high_effort, high_risk)]
        labelled = index < QUADRANT_LABELLED
        points.append({
            "id": risk["id"], "name": risk["name"], "kind": risk["kind"], "rank": index + 1,
            "x": x_of(effort["p50"]), "y": y_of(risk["score"]),
            "r": QUAD_POINT_RADIUS if labelled else QUAD_DOT_RADIUS,
            "labelled": labelled, "quadrant": key, "quadrant_label": label, "label": None,
            "title": f"{risk['name']} ({risk['kind']}): effort P50 {effort['p50_text']} person-days "
                     f"(P10 {effort['p10_text']} to P90 {effort['p90_text']}); "
                     f"risk score {risk['score_text']}; {label}",
        })  # fmt: skip
    quadrant_counts = Counter(point["quadrant"] for point in points)
    density = _density(points[QUAD_MAX_POINTS:], plot_left, plot_top)
    points = points[:QUAD_MAX_POINTS]  # ``ranked`` is in risk order, so these are the riskiest
    for point in points:
        r = point["r"] + 1
        obstacles.append((point["x"] - r, point["y"] - r, point["x"] + r, point["y"] + r))

    for point in points:
        if not point["labelled"]:
            continue
        width = len(point["name"]) * CHART_CHAR_WIDTH
        own = (point["x"] - point["r"] - 1, point["y"] - point["r"] - 1,
               point["x"] + point["r"] + 1, point["y"] + point["r"] + 1)  # fmt: skip
        others = [box for box in obstacles if box != own]
        chosen = None
        for dy in (0, -14, 14, -28, 28, -42, 42):
            for side in (1, -1):
                text_x = point["x"] + side * (point["r"] + 4)
                text_y = point["y"] + 4 + dy
                box = (text_x if side > 0 else text_x - width, text_y - QUAD_LABEL_HEIGHT + 2,
                       text_x + width if side > 0 else text_x, text_y + 2)  # fmt: skip
                inside = box[0] >= plot_left and box[2] <= plot_right and box[1] >= plot_top and box[3] <= plot_bottom
                if inside and not _overlaps(box, others):
                    chosen = (text_x, text_y, "start" if side > 0 else "end", box, dy)
                    break
            if chosen:
                break
        if chosen is None:  # crowded: keep it beside the point even if it touches a neighbour
            text_x = point["x"] + point["r"] + 4
            text_y = point["y"] + 4
            chosen = (text_x, text_y, "start", (text_x, text_y - 10, text_x + width, text_y + 2), 0)
        text_x, text_y, anchor, box, dy = chosen
        obstacles.append(box)
        point["label"] = {
            "x": round(text_x, 1), "y": round(text_y, 1), "anchor": anchor,
            # A short leader line when the label had to move off the point's row.
            "leader": {"x2": round(text_x, 1), "y2": round(text_y - 4, 1)} if dy else None,
        }  # fmt: skip

    ticks = [{"x": x_of(tick), "label": _tick_label(tick)} for tick in _log_ticks(low, high)]
    return {
        "width": QUAD_WIDTH,
        "height": QUAD_HEIGHT,
        "left": plot_left,
        "right": plot_right,
        "top": plot_top,
        "bottom": plot_bottom,
        "split_x": split_x,
        "split_y": split_y,
        "split_days": _days(split_days),
        "x_ticks": ticks,
        "y_ticks": [{"y": y_of(score), "label": f"{score:g}"} for score in (0, 25, 50, 75, 100)],
        "quadrants": quadrants,
        # Dots first, labelled points last, so labels are drawn on top.
        "points": sorted(points, key=lambda p: (p["labelled"], p["id"])),
        "count": len(ranked),
        "drawn": len(points),
        "density": density,
        "quadrant_counts": dict(quadrant_counts),
    }


def _density(points: Sequence[Row], left: float, top: float) -> list[Row]:
    """Points too many to draw, counted in a grid of small squares shaded on a log scale."""
    cells: Counter[tuple[int, int]] = Counter()
    for point in points:
        cells[(int((point["x"] - left) // QUAD_DENSITY_CELL), int((point["y"] - top) // QUAD_DENSITY_CELL))] += 1
    biggest = max(cells.values(), default=1)
    return [
        {
            "x": round(left + col * QUAD_DENSITY_CELL, 1), "y": round(top + row * QUAD_DENSITY_CELL, 1),
            "size": QUAD_DENSITY_CELL, "count": count,
            "shade": 1 + min(4, int(4 * math.log1p(count) / math.log1p(biggest))) if biggest > 1 else 3,
            "title": f"{count:,} more component(s) here",
        }
        for (col, row), count in sorted(cells.items())
    ]  # fmt: skip


def _quadrant_summary(quadrant: View | None) -> list[Row]:
    """Per quadrant: how many components, and the riskiest few by name."""
    if quadrant is None:
        return []
    by_risk = sorted(quadrant["points"], key=lambda p: p["rank"])
    rows = []
    for key in QUADRANT_ORDER:
        label, meaning = next((lab, mean) for k, lab, mean in QUADRANTS.values() if k == key)
        members = [p for p in by_risk if p["quadrant"] == key]
        shown = [p["name"] for p in members[:5]]
        count = quadrant["quadrant_counts"].get(key, 0)
        more = count - len(shown)
        rows.append({
            "key": key, "label": label, "meaning": meaning, "count": count,
            "names": ", ".join(shown) + (f" and {more} more" if more > 0 else "") if shown else MISSING,
        })  # fmt: skip
    return rows


def _diagnostics(diagnostics: Iterable[Mapping[str, Any]], top_n: int) -> View:
    severity_key = _rank(SEVERITY_ORDER)
    rows: list[Row] = sorted(
        (
            {
                "path": str(d.get("path") or MISSING),
                "line": d.get("line"),
                "severity": str(d.get("severity") or "info"),
                "code": str(d.get("code") or MISSING),
                "message": str(d.get("message") or ""),
            }
            for d in diagnostics
        ),
        key=lambda r: (
            severity_key(r["severity"]),
            r["path"],
            r["line"] if r["line"] is not None else -1,
            r["code"],
            r["message"],
        ),
    )
    severities = Counter(r["severity"] for r in rows)
    codes = Counter((r["severity"], r["code"]) for r in rows)
    return {
        "by_severity": [
            {"severity": s, "count": severities[s]}
            for s in sorted(set(SEVERITY_ORDER) | set(severities), key=severity_key)
        ],
        "by_code": [
            {"severity": s, "code": code, "count": count}
            for (s, code), count in sorted(
                codes.items(), key=lambda item: (severity_key(item[0][0]), -item[1], item[0][1])
            )
        ],
        "list": _capped(rows, top_n),
    }


# --------------------------------------------------------------------------- change coupling and hotspots


def _component_names(component_ids: Sequence[str], by_id: Mapping[str, Mapping[str, Any]]) -> str:
    """The first few components' names, then how many more; a dash when there is none."""
    names = [_name_of(c, by_id) for c in component_ids[:COUPLING_NAMES]]
    more = len(component_ids) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "") if names else MISSING


def _change_coupling(
    plan: object, components: Sequence[Mapping[str, Any]], by_id: Mapping[str, Mapping[str, Any]]
) -> View:
    """Section 13: pairs of files that change together (``plan.change_coupling``) and the most changed components.

    ``change_coupling`` is null when no scan root is in a git repository, an empty list when no
    pair passed code-maat's thresholds, and missing from scans made before git signals.
    """
    raw = plan.get("change_coupling") if isinstance(plan, Mapping) else None
    if not isinstance(plan, Mapping) or "change_coupling" not in plan or not isinstance(raw, (list, type(None))):
        status = "absent"
    elif raw is None:
        status = "none"
    else:
        status = "pairs" if raw else "empty"
    wave_of: dict[str, int] = {}
    for wave in (plan.get("waves") if isinstance(plan, Mapping) else None) or []:
        number = _int(wave.get("wave")) if isinstance(wave, Mapping) else None
        if number is not None:
            for component_id in wave.get("components") or []:
                wave_of.setdefault(str(component_id), number)

    def waves(ids: Sequence[str]) -> list[int]:
        return sorted({wave_of[c] for c in ids if c in wave_of})

    pairs: list[Row] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping):
            continue
        ids_a = sorted(str(c) for c in item.get("components_a") or [])
        ids_b = sorted(str(c) for c in item.get("components_b") or [])
        waves_a, waves_b = waves(ids_a), waves(ids_b)
        degree = _float(item.get("degree"))
        pairs.append({
            "a": str(item.get("a") or MISSING), "b": str(item.get("b") or MISSING),
            "components_a": _component_names(ids_a, by_id), "components_b": _component_names(ids_b, by_id),
            "ids_a": ", ".join(ids_a), "ids_b": ", ".join(ids_b),
            "shared": _int(item.get("shared_commits")), "degree": degree, "degree_text": _pct(degree),
            "waves": f"{', '.join(map(str, waves_a)) or MISSING} / {', '.join(map(str, waves_b)) or MISSING}"
                     if waves_a or waves_b else MISSING,
            "cross_wave": bool(waves_a and waves_b and waves_a != waves_b),
        })  # fmt: skip
    pairs.sort(key=lambda r: (-(r["degree"] or 0.0), -(r["shared"] or 0), r["a"], r["b"]))

    hotspots: list[Row] = []
    window: int | None = None
    git_signals = False
    for component in components:
        risk = component.get("risk")
        if not isinstance(risk, Mapping):
            continue
        drivers = {str(d.get("name")): d for d in risk.get("drivers") or [] if isinstance(d, Mapping)}
        frequency = drivers.get("change frequency")
        if frequency is None:
            continue
        git_signals = True
        detail = str(frequency.get("detail") or "")
        counted = _COMMITS.match(detail)
        commits = int(counted.group(1)) if counted else None
        if window is None and (found := _WINDOW.search(detail)):
            window = int(found.group(1))
        # ``value`` is x / (x + k) of the commit count, so it ranks like the count when the detail cannot be read.
        value = _float(frequency.get("value")) or 0.0
        if commits == 0 or (commits is None and value <= 0):
            continue
        author = drivers.get("author concentration")
        share = _float(author.get("value")) if author is not None else None
        score = _float(risk.get("score"))
        hotspots.append({
            "id": str(component["id"]), "name": str(component.get("name") or component["id"]),
            "kind": str(component["kind"]), "where": _component_where(component),
            "commits": commits, "value": value, "share": share, "share_text": _pct(share),
            "single_author": share is not None and share >= 0.8,
            "code_lines": _int(_metrics(component).get("code_lines")),
            "score": score, "score_text": MISSING if score is None else f"{score:.1f}",
        })  # fmt: skip
    # Most commits first; among equals the larger component (more code to get wrong), then the more concentrated.
    hotspots.sort(key=lambda r: (-r["value"], -(r["commits"] or 0), -(r["code_lines"] or 0), -(r["share"] or 0.0),
                                 r["id"]))
    return {
        "status": status,
        "no_git": NO_GIT,
        "absent": NO_COUPLING_RECORDED,
        "pairs": _capped(pairs, COUPLING_ROWS),
        "cross_wave": sum(1 for r in pairs if r["cross_wave"]),
        "hotspots": _capped(hotspots, HOTSPOT_ROWS),
        "git_signals": git_signals,
        "window": window,
    }


# --------------------------------------------------------------------------- trend over the history


def _recorded(value: object) -> str:
    """``2026-11-01T09:30:00+00:00`` as ``2026-11-01 09:30``; anything else as given."""
    text = str(value or "")
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d.*", text):
        return text[:16].replace("T", " ")
    return text or MISSING


def _trend_row(row: Mapping[str, Any], position: int) -> Row:
    """One recorded scan, as the report shows it; ``row`` is as ``legacy-lens trend --format json`` prints it."""
    scan_id = _int(row.get("id"))
    ref = f"#{scan_id if scan_id is not None else position + 1}"
    label = "" if row.get("label") in (None, "") else str(row.get("label"))
    raw_findings = row.get("findings")
    findings: Mapping[str, Any] = raw_findings if isinstance(raw_findings, Mapping) else {}
    categories = {category: _int(findings.get(category)) or 0 for category in TREND_CATEGORIES}
    p10, p50, p90 = (_float(row.get(key)) for key in ("effort_p10", "effort_p50", "effort_p90"))
    if p50 is None:
        effort_text = MISSING
    elif p10 is None or p90 is None:
        effort_text = _days(p50)
    else:
        effort_text = f"{_days(p50)} ({_days(p10)}{EN_DASH}{_days(p90)})"
    risk = _float(row.get("mean_risk"))
    return {
        "ref": ref, "label": label, "name": label or ref, "recorded": _recorded(row.get("recorded_at")),
        "files": _int(row.get("files")), "code_lines": _int(row.get("code_lines")),
        "components": _int(row.get("components")), "retired": _int(row.get("components_retired")),
        "p10": p10, "p50": p50, "p90": p90, "effort_text": effort_text,
        "risk": risk, "risk_text": MISSING if risk is None else f"{risk:.1f}",
        "findings": categories, "findings_total": sum(categories.values()),
        "unresolved": _int(row.get("unresolved")),
    }  # fmt: skip


def _change_text(first: float | None, last: float | None, unit: str, decimals: int) -> str | None:
    """``2,895 → 3,010 code lines (+115)``, or None when either end is unknown."""
    if first is None or last is None:
        return None
    delta = last - first
    return f"{first:,.{decimals}f} → {last:,.{decimals}f}{unit} ({delta:+,.{decimals}f})"


def _trend(rows: Sequence[Mapping[str, Any]] | None, top_n: int) -> View:
    """Section 14: the scans recorded in the history (oldest first), their table and what changed overall."""
    scans = [_trend_row(row, n) for n, row in enumerate(rows or []) if isinstance(row, Mapping)]
    if rows is None:
        status, sentence = "none", NO_TREND
    elif not scans:
        status, sentence = "empty", NO_SCAN_TREND
    elif len(scans) == 1:
        status, sentence = "single", ONE_SCAN_TREND
    else:
        status, sentence = "trend", ""
    changes: list[Row] = []
    if status == "trend":
        first, last = scans[0], scans[-1]
        for name, key, unit, decimals in (
            ("Code lines", "code_lines", "", 0), ("Components", "components", "", 0),
            ("Effort P50", "p50", " person-days", 1), ("Mean risk", "risk", "", 1),
            ("Findings", "findings_total", "", 0), ("Unresolved references", "unresolved", "", 0),
        ):  # fmt: skip
            text = _change_text(first[key], last[key], unit, decimals)
            if text is not None:
                changes.append({"name": name, "text": text})
        retired = [s["retired"] for s in scans if s["retired"] is not None]
        if retired:
            changes.append({"name": "Components retired", "text": f"{sum(retired):,} over {len(retired):,} scan(s)"})
    shown = scans[-top_n:]
    return {
        "status": status,
        "sentence": sentence,
        "scans": scans,
        "count": len(scans),
        "first": scans[0]["name"] if scans else "",
        "last": scans[-1]["name"] if scans else "",
        "changes": changes,
        # The latest scans when there are more than the table shows; `legacy-lens trend` lists them all.
        "table": {"rows": shown, "total": len(scans), "shown": len(shown), "truncated": len(scans) > len(shown)},
    }


# --------------------------------------------------------------------------- HTML-only pictures and the graph

# A subsystem is the top-level folder of a file's path inside its scan root.
ROOT_SUBSYSTEM = "(top level)"  # files directly in a scan root
NO_FILE_SUBSYSTEM = "(not in scanned code)"  # components with no source file: undefined, system or data stores
OTHER_SUBSYSTEMS = "(other folders)"
# Geometry of the treemap, in CSS pixels.
TREEMAP_WIDTH = 960
TREEMAP_HEIGHT = 440
TREEMAP_HEADER = 17  # a subsystem's label strip, when its box is tall enough
TREEMAP_PAD = 2
TREEMAP_MAX_SUBSYSTEMS = 30
TREEMAP_COLOURS = 10  # language colour classes tm-c0 .. tm-c9; further languages reuse them
# Geometry of the subsystem dependency matrix, in CSS pixels.
MATRIX_MAX_SUBSYSTEMS = 20
MATRIX_CELL = 34
MATRIX_LABEL_WIDTH = 150
MATRIX_HEADER_HEIGHT = 120
# Geometry of the parse-quality chart, in CSS pixels.
PARSE_LABEL_WIDTH = 110
PARSE_PLOT_WIDTH = 330
PARSE_ROW_HEIGHT = 34
PARSE_BAR_HEIGHT = 11
PARSE_AXIS_HEIGHT = 40
# The embedded dependency graph (components table and click-through). At about 110 bytes a
# component and 14 bytes an edge, the caps keep it near 2 MB whatever the size of the estate.
GRAPH_MAX_NODES = 10_000
GRAPH_MAX_EDGES = 50_000
COMPONENTS_PAGE = 50  # rows of the components table in the DOM at once
NEIGHBOURS_SHOWN = 40  # per list in the neighbourhood panel


def squarify(values: Sequence[float], x: float, y: float, width: float, height: float) -> list[Row | None]:
    """Squarified treemap layout (Bruls, Huizing and van Wijk, 2000).

    Returns one ``{"x", "y", "width", "height"}`` box per value, in the order given,
    whose areas are proportional to the values and which tile the rectangle exactly;
    values that are not positive get ``None``. Larger values are placed first, in rows
    laid along the shorter side, and a row grows while that does not worsen its
    worst aspect ratio.
    """
    boxes: list[Row | None] = [None] * len(values)
    order = sorted((i for i, v in enumerate(values) if v > 0), key=lambda i: (-values[i], i))
    total = sum(values[i] for i in order)
    if not order or width <= 0 or height <= 0:
        return boxes
    scale = width * height / total
    pending = [(i, values[i] * scale) for i in order]

    def worst(areas: Sequence[float], side: float) -> float:
        s = sum(areas)
        return max(max(side * side * a / (s * s), s * s / (side * side * a)) for a in areas)

    while pending:
        side = min(width, height)
        row = [pending[0]]
        while len(row) < len(pending) and worst([a for _, a in [*row, pending[len(row)]]], side) <= worst(
            [a for _, a in row], side
        ):
            row.append(pending[len(row)])
        pending = pending[len(row):]
        row_area = sum(a for _, a in row)
        last = not pending
        if width >= height:  # a column at the left, as tall as the rectangle
            thick = width if last else row_area / height
            offset = y
            for n, (index, area) in enumerate(row):
                size = y + height - offset if n == len(row) - 1 else area / thick
                boxes[index] = {"x": x, "y": offset, "width": thick, "height": size}
                offset += size
            x, width = x + thick, width - thick
        else:  # a row at the top, as wide as the rectangle
            thick = height if last else row_area / width
            offset = x
            for n, (index, area) in enumerate(row):
                size = x + width - offset if n == len(row) - 1 else area / thick
                boxes[index] = {"x": offset, "y": y, "width": size, "height": thick}
                offset += size
            y, height = y + thick, height - thick
    return boxes


def _subsystem(path: object) -> str:
    """The top-level folder of a path inside its scan root."""
    if not path:
        return NO_FILE_SUBSYSTEM
    parts = [part for part in str(path).replace("\\", "/").split("/") if part and part != "."]
    return parts[0] if len(parts) > 1 else ROOT_SUBSYSTEM


def _fit(text: str, width: float, char_width: float = CHART_CHAR_WIDTH) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels, or '' when not even two characters fit."""
    room = int(width // char_width)
    if room >= len(text):
        return text
    return text[: room - 1] + "\N{HORIZONTAL ELLIPSIS}" if room >= 3 else ""


def _treemap(files: Sequence[Mapping[str, Any]], components: Sequence[Mapping[str, Any]]) -> View | None:
    """Code lines (from the files) and effort P50 (from the components) by subsystem, then language.

    Two layouts of the same boxes: one with areas in code lines, one in P50 person-days.
    The colour of a box is its language in both.
    """
    cells: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: {"code": 0.0, "effort": 0.0, "files": 0.0})
    for file in files:
        cell = cells[(_subsystem(file.get("path")), _language(file))]
        cell["code"] += _lines(file)["code"]
        cell["files"] += 1
    for component in components:
        effort = component.get("effort")
        p50 = _float(effort.get("p50")) if isinstance(effort, Mapping) else None
        if p50 and component.get("file"):
            cells[(_subsystem(component["file"]), str(component.get("language") or "unknown"))]["effort"] += p50
    if not any(cell["code"] or cell["effort"] for cell in cells.values()):
        return None
    # Many top-level folders: keep the largest, fold the rest into one box.
    sub_totals: Counter[str] = Counter()
    for (sub, _), cell in cells.items():
        sub_totals[sub] += int(cell["code"]) + 1
    kept = {sub for sub, _ in sorted(sub_totals.items(), key=lambda item: (-item[1], item[0]))[:TREEMAP_MAX_SUBSYSTEMS]}
    folded = len(sub_totals) - len(kept)
    merged: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(
        lambda: {"code": 0.0, "effort": 0.0, "files": 0.0}))  # fmt: skip
    for (sub, language), cell in cells.items():
        target = merged[sub if sub in kept else f"{OTHER_SUBSYSTEMS[:-1]}: {folded})"][language]
        for key, value in cell.items():
            target[key] += value
    language_totals: Counter[str] = Counter()
    for languages in merged.values():
        for language, cell in languages.items():
            language_totals[language] += int(cell["code"])
    palette = {lang: n % TREEMAP_COLOURS for n, lang in enumerate(
        sorted(language_totals, key=lambda lang: (-language_totals[lang], lang)))}  # fmt: skip

    def layout(metric: str, unit: str) -> View | None:
        names = sorted(merged, key=lambda s: (-sum(c[metric] for c in merged[s].values()), s))
        outer = squarify([sum(c[metric] for c in merged[s].values()) for s in names],
                         0, 0, TREEMAP_WIDTH, TREEMAP_HEIGHT)  # fmt: skip
        groups, boxes = [], []
        for sub, box in zip(names, outer, strict=True):
            if box is None:
                continue
            sub_total = sum(c[metric] for c in merged[sub].values())
            header = TREEMAP_HEADER if box["height"] > 3 * TREEMAP_HEADER and box["width"] > 50 else 0
            groups.append({
                "name": sub, "x": round(box["x"], 1), "y": round(box["y"], 1),
                "width": round(box["width"], 1), "height": round(box["height"], 1),
                "label": _group_label(sub, _amount(sub_total, unit), box["width"] - 8) if header else "",
                "label_x": round(box["x"] + 4, 1), "label_y": round(box["y"] + 12.5, 1),
                "title": f"{sub}: {_amount(sub_total, unit)}",
            })  # fmt: skip
            langs = sorted(merged[sub], key=lambda lang: (-merged[sub][lang][metric], lang))
            inner = squarify([merged[sub][lang][metric] for lang in langs],
                             box["x"] + TREEMAP_PAD, box["y"] + header + TREEMAP_PAD,
                             box["width"] - 2 * TREEMAP_PAD, box["height"] - header - 2 * TREEMAP_PAD)  # fmt: skip
            for lang, rect in zip(langs, inner, strict=True):
                if rect is None:
                    continue
                cell = merged[sub][lang]
                big = rect["width"] > 44 and rect["height"] > 30
                boxes.append({
                    "subsystem": sub, "language": lang, "colour": palette[lang],
                    "x": round(rect["x"], 1), "y": round(rect["y"], 1),
                    "width": round(max(0.0, rect["width"] - 1), 1), "height": round(max(0.0, rect["height"] - 1), 1),
                    "label": _fit(lang, rect["width"] - 8) if big else "",
                    "value": _fit(_amount(cell[metric], unit), rect["width"] - 8) if big else "",
                    "text_x": round(rect["x"] + 4, 1), "text_y": round(rect["y"] + 14, 1),
                    "title": f"{sub} / {lang}: {_amount(cell['code'], 'code lines')} in "
                             f"{int(cell['files']):,} file(s); effort P50 {_amount(cell['effort'], 'person-days')}",
                })  # fmt: skip
        if not boxes:
            return None
        total = sum(c[metric] for langs in merged.values() for c in langs.values())
        return {"metric": metric, "unit": unit, "groups": groups, "boxes": boxes, "total": _amount(total, unit)}

    return {
        "width": TREEMAP_WIDTH,
        "height": TREEMAP_HEIGHT,
        "code": layout("code", "code lines"),
        "effort": layout("effort", "person-days"),
        "legend": [{"language": lang, "colour": palette[lang]} for lang in sorted(palette, key=lambda k: palette[k])
                   if language_totals[lang] or any(merged[s][lang]["effort"] for s in merged if lang in merged[s])],
        "subsystems": len(sub_totals),
        "folded": folded,
    }


def _group_label(name: str, amount: str, width: float) -> str:
    """A subsystem's label: its name and size when both fit, else its name alone (cut if need be)."""
    full = f"{name} · {amount}"
    return full if len(full) * CHART_CHAR_WIDTH <= width else _fit(name, width)


def _amount(value: float, unit: str) -> str:
    if unit == "person-days":
        return f"{value:,.1f} {unit}"
    return f"{int(value):,} {unit}"


def _dependencies(components: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]]) -> View | None:
    """Reference counts between subsystems (top-level folders), as a from x to matrix."""
    sub_of = {str(c["id"]): _subsystem(c.get("file")) for c in components}
    counts: Counter[tuple[str, str]] = Counter()
    for edge in edges:
        source = sub_of.get(str(edge["source"]), NO_FILE_SUBSYSTEM)
        target = sub_of.get(str(edge["target"]), NO_FILE_SUBSYSTEM)
        counts[(source, target)] += 1
    if not counts:
        return None
    volume: Counter[str] = Counter()
    for (source, target), count in counts.items():
        volume[source] += count
        volume[target] += count
    ranked = sorted(volume, key=lambda s: (s == NO_FILE_SUBSYSTEM, -volume[s], s))
    kept = ranked[:MATRIX_MAX_SUBSYSTEMS]
    folded = len(ranked) - len(kept)
    if folded:
        kept = [*ranked[: MATRIX_MAX_SUBSYSTEMS - 1], f"{OTHER_SUBSYSTEMS[:-1]}: {folded + 1})"]
    kept_set = set(kept)
    merged: Counter[tuple[str, str]] = Counter()
    for (source, target), count in counts.items():
        merged[(source if source in kept_set else kept[-1], target if target in kept_set else kept[-1])] += count
    order = sorted(kept, key=lambda s: (s == NO_FILE_SUBSYSTEM or s.startswith(OTHER_SUBSYSTEMS[:-1]), s))
    biggest = max(merged.values())
    cells = []
    for row, source in enumerate(order):
        for col, target in enumerate(order):
            count = merged[(source, target)]
            if not count:
                continue
            # Five shades on a log scale, so one busy pair does not wash out the rest.
            shade = 1 + min(4, int(4 * math.log1p(count) / math.log1p(biggest))) if biggest > 1 else 5
            cells.append({
                "x": MATRIX_LABEL_WIDTH + col * MATRIX_CELL, "y": MATRIX_HEADER_HEIGHT + row * MATRIX_CELL,
                "count": count, "text": f"{count:,}" if count < 10_000 else f"{count // 1000:,}k",
                "shade": shade, "inside": source == target,
                "title": f"{source} → {target}: {count:,} reference(s)"
                         + (" inside the subsystem" if source == target else ""),
            })  # fmt: skip
    size = len(order) * MATRIX_CELL
    cross = sorted(((count, s, t) for (s, t), count in merged.items() if s != t), key=lambda i: (-i[0], i[1], i[2]))
    return {
        "names": [
            {"name": name, "label": _fit(name, MATRIX_LABEL_WIDTH - 12),
             "row_y": MATRIX_HEADER_HEIGHT + n * MATRIX_CELL + MATRIX_CELL / 2 + 4,
             "col_x": MATRIX_LABEL_WIDTH + n * MATRIX_CELL + MATRIX_CELL / 2 + 4}
            for n, name in enumerate(order)
        ],
        "cells": cells,
        "cell": MATRIX_CELL,
        "left": MATRIX_LABEL_WIDTH,
        "top": MATRIX_HEADER_HEIGHT,
        # Room on the right for the last column's slanted label.
        "width": MATRIX_LABEL_WIDTH + size + int((MATRIX_LABEL_WIDTH - 12) * math.cos(math.radians(50))) + 10,
        "height": MATRIX_HEADER_HEIGHT + size + 10,
        "size": size,
        "total": sum(counts.values()),
        "internal": sum(count for (s, t), count in counts.items() if s == t),
        "subsystems": len(ranked),
        "folded": folded + 1 if folded else 0,
        "strongest": [{"from": s, "to": t, "count": count} for count, s, t in cross[:5]],
    }


def _parse_chart(languages: Sequence[Row]) -> View | None:
    """Mean and worst error ratio per language, as paired horizontal bars on a percentage axis."""
    rows = [row for row in languages if row["mean_error_ratio"] is not None]
    if not rows:
        return None
    worst = max(row["max_error_ratio"] for row in rows)
    step = _nice_step(max(worst * 100, 1.0), 5)
    extent = step * math.ceil(max(worst * 100, 1.0) / step)
    scale = PARSE_PLOT_WIDTH / extent
    bars = []
    for n, row in enumerate(rows):
        y = n * PARSE_ROW_HEIGHT
        mean, high = row["mean_error_ratio"] * 100, row["max_error_ratio"] * 100
        bars.append({
            "language": row["language"], "text_y": y + PARSE_ROW_HEIGHT / 2 + 4,
            "mean_y": y + 5, "worst_y": y + 5 + PARSE_BAR_HEIGHT + 1,
            # A zero still gets a hairline, so an empty row reads as 0% rather than as missing.
            "mean_width": max(1.5, round(mean * scale, 2)), "worst_width": max(1.5, round(high * scale, 2)),
            "mean_text": _pct(row["mean_error_ratio"]), "worst_text": _pct(row["max_error_ratio"]),
            "mean_value_x": round(PARSE_LABEL_WIDTH + mean * scale + 6, 2),
            "worst_value_x": round(PARSE_LABEL_WIDTH + high * scale + 6, 2),
            "title": f"{row['language']}: mean error ratio {_pct(row['mean_error_ratio'])}, "
                     f"worst file {_pct(row['max_error_ratio'])} over {row['files']:,} file(s)",
        })  # fmt: skip
    plot_height = len(rows) * PARSE_ROW_HEIGHT
    ticks = []
    tick = 0.0
    while tick <= extent + 1e-9:
        ticks.append({"x": round(PARSE_LABEL_WIDTH + tick * scale, 2), "label": f"{tick:g}%"})
        tick += step
    return {
        "width": PARSE_LABEL_WIDTH + PARSE_PLOT_WIDTH + 80,
        "height": plot_height + PARSE_AXIS_HEIGHT,
        "left": PARSE_LABEL_WIDTH,
        "bar_height": PARSE_BAR_HEIGHT,
        "plot_height": plot_height,
        "bars": bars,
        "ticks": ticks,
        "tick_y": plot_height + 14,
        "legend_y": plot_height + 26,
        "all_zero": worst == 0,
    }


def _graph(
    components: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    priority: Iterable[str],
    *,
    max_nodes: int = GRAPH_MAX_NODES,
    max_edges: int = GRAPH_MAX_EDGES,
) -> View:
    """The dependency graph the report's script reads: the components table and the click-through.

    Nodes are ``[id, name, kind, language, subsystem, code lines, P50, risk, callers, callees, where]``
    (callers and callees count distinct neighbours in the whole scan, so they stay true when
    the graph is cut). Edges are a flat list ``source, target, kind index, ...``. Above the caps,
    the components shown elsewhere in the report come first, then the most connected.
    """
    callers: dict[str, set[str]] = defaultdict(set)
    callees: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        source, target = str(edge["source"]), str(edge["target"])
        callees[source].add(target)
        callers[target].add(source)
    chosen = set(list(dict.fromkeys(priority))[:max_nodes])
    if len(components) > max_nodes:
        def degree(c: Mapping[str, Any]) -> tuple[int, str]:
            component_id = str(c["id"])
            return -(len(callers[component_id]) + len(callees[component_id])), component_id

        rest = sorted((c for c in components if str(c["id"]) not in chosen), key=degree)
        chosen.update(str(c["id"]) for c in rest[: max(0, max_nodes - len(chosen))])
        kept = [c for c in components if str(c["id"]) in chosen]
    else:
        kept = list(components)

    def code_lines(c: Mapping[str, Any]) -> int:
        value = _metrics(c).get("code_lines")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    # Default order of the components table: most code first.
    kept.sort(key=lambda c: (-code_lines(c), str(c["id"])))
    subsystems: dict[str, int] = {}
    index: dict[str, int] = {}
    nodes: list[list[Any]] = []
    for c in kept:
        component_id = str(c["id"])
        index[component_id] = len(nodes)
        effort, risk = c.get("effort"), c.get("risk")
        p50 = _float(effort.get("p50")) if isinstance(effort, Mapping) else None
        score = _float(risk.get("score")) if isinstance(risk, Mapping) else None
        nodes.append([
            component_id, str(c.get("name") or component_id), str(c["kind"]), str(c.get("language") or ""),
            subsystems.setdefault(_subsystem(c.get("file")), len(subsystems)), code_lines(c),
            None if p50 is None else round(p50, 1), None if score is None else round(score, 1),
            len(callers[component_id]), len(callees[component_id]), _component_where(c),
        ])  # fmt: skip
    kinds = {kind: n for n, kind in enumerate(sorted({str(edge["kind"]) for edge in edges}))}
    links: set[tuple[int, int, int]] = set()
    for edge in edges:
        source_index, target_index = index.get(str(edge["source"])), index.get(str(edge["target"]))
        if source_index is not None and target_index is not None:
            links.add((source_index, target_index, kinds[str(edge["kind"])]))
    # The first nodes are the ones the report shows elsewhere and the largest: their edges are kept first.
    ordered = sorted(links, key=lambda link: (min(link[0], link[1]), link))
    total_edges = len(ordered)
    flat = [value for link in ordered[:max_edges] for value in link]
    return {
        "nodes": nodes,
        "subsystems": list(subsystems),
        "kinds": list(kinds),
        "edges": flat,
        "total_nodes": len(components),
        "total_edges": len(edges),
        "shown_edges": len(flat) // 3,
        "capped": len(kept) < len(components) or total_edges > len(flat) // 3,
        "page": COMPONENTS_PAGE,
        "neighbours": NEIGHBOURS_SHOWN,
    }


def _json_for_script(value: object) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` and so on, so no string from the
    scan (say ``</script><script>...``) can end the element; JSON.parse reads them back.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _short(value: float) -> str:
    """A compact tick label: 950, 2,900, 12.5k, 1.2M, 0.5."""
    if abs(value) >= 1_000_000:
        return f"{round(value / 1_000_000, 3):g}M"
    if abs(value) >= 10_000:
        return f"{round(value / 1000, 2):g}k"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{round(value, 6):g}"


def _trend_axis(values: Sequence[float], from_zero: bool, integer: bool) -> tuple[float, float, list[float]]:
    """Axis bounds and 1-2-5 ticks for a panel; line panels fit the data, bar panels start at 0.

    Counts (``integer``) get whole-number ticks.
    """
    low_value, high = (0.0 if from_zero else min(values)), max(values)
    low = low_value
    if high <= low:
        spread = abs(high) * 0.1 or 1.0
        high += spread
        if not from_zero:
            low = max(0.0, low - spread) if low_value >= 0 else low - spread
    step = max(1.0, _nice_step(high - low, 4)) if integer else _nice_step(high - low, 4)
    axis_low = 0.0 if from_zero else math.floor(low / step) * step
    axis_high = math.ceil(high / step - 1e-9) * step
    if axis_high <= axis_low:
        axis_high = axis_low + step
    count = round((axis_high - axis_low) / step)
    return axis_low, axis_high, [round(axis_low + k * step, 9) for k in range(count + 1)]


def _runs(indices: Sequence[int]) -> list[list[int]]:
    """Consecutive runs in a sorted list of indices: a missing value breaks a line."""
    runs: list[list[int]] = []
    for index in indices:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _trend_chart(trend: View) -> View | None:
    """Small multiples of the recorded scans, one panel per measure, sharing the scans across.

    Code lines, effort P50 with its P10 to P90 band, mean risk and unresolved references
    are lines with a dot per scan; findings by category are stacked bars; components
    retired since the scan before are bars. Every dot and bar has a tooltip with its figures.
    """
    if trend["status"] != "trend":
        return None
    scans: list[Row] = trend["scans"][-TREND_CHART_SCANS:]
    n = len(scans)
    panel_width = (TREND_WIDTH - TREND_GAP * (TREND_COLUMNS - 1)) / TREND_COLUMNS
    plot_width = panel_width - TREND_LEFT - TREND_RIGHT
    step = plot_width / n  # each scan owns a slot; its dot and bars sit in the middle
    bar_width = round(min(24.0, step * 0.6), 2)
    offsets = [step * (i + 0.5) for i in range(n)]
    # Label every scan when the labels fit, else every k-th (and always the latest).
    longest = min(TREND_LABEL_CHARS, max(len(s["name"]) for s in scans)) * CHART_CHAR_WIDTH
    every = max(1, math.ceil((longest + 8) / step))
    labelled = [i for i in range(n) if (n - 1 - i) % every == 0]
    label_width = min(TREND_LABEL_CHARS * CHART_CHAR_WIDTH, step * every - 6)

    specs: list[tuple[str, str, str]] = [
        ("code", "Code lines", "line"),
        ("effort", f"Effort P50 in person-days, band P10{EN_DASH}P90", "line"),
        ("risk", "Mean risk score (0 to 100)", "line"),
        ("findings", "Findings by category", "stack"),
        ("retired", "Components retired since the scan before", "bars"),
        ("unresolved", "Unresolved references", "line"),
    ]
    series: dict[str, list[float | None]] = {
        "code": [None if s["code_lines"] is None else float(s["code_lines"]) for s in scans],
        "effort": [s["p50"] for s in scans],
        "risk": [s["risk"] for s in scans],
        "unresolved": [None if s["unresolved"] is None else float(s["unresolved"]) for s in scans],
        "findings": [float(s["findings_total"]) for s in scans],
        "retired": [None if s["retired"] is None else float(s["retired"]) for s in scans],
    }

    def point_title(key: str, scan: Row) -> str:
        where = f"{scan['name']} ({scan['ref']}, {scan['recorded']})" if scan["label"] else \
            f"{scan['ref']} ({scan['recorded']})"  # fmt: skip
        if key == "code":
            return f"{where}: {scan['code_lines']:,} code lines"
        if key == "effort":
            return f"{where}: effort P50 {scan['effort_text']} person-days"
        if key == "risk":
            return f"{where}: mean risk {scan['risk_text']}"
        return f"{where}: {scan['unresolved']:,} unresolved reference(s)"

    panels: list[View] = []
    rows = math.ceil(len(specs) / TREND_COLUMNS)
    for index, (key, title, shape) in enumerate(specs):
        px = (index % TREND_COLUMNS) * (panel_width + TREND_GAP)
        py = (index // TREND_COLUMNS) * TREND_PANEL_HEIGHT
        left, right = px + TREND_LEFT, px + TREND_LEFT + plot_width
        top, bottom = py + TREND_TOP, py + TREND_PANEL_HEIGHT - TREND_BOTTOM
        values = series[key]
        known = [i for i, v in enumerate(values) if v is not None]
        panel: View = {
            "key": key, "title": title, "x": round(px, 2), "title_y": py + 14,
            "left": round(left, 2), "right": round(right, 2), "top": top, "bottom": bottom,
            "ticks": [], "lines": [], "bands": [], "points": [], "bars": [], "value_labels": [], "legend": [],
            "note": "", "empty": None,
            "xlabels": [
                {"x": round(left + offsets[i], 2), "y": bottom + 15, "text": _fit(scans[i]["name"], label_width),
                 "title": f"{scans[i]['name']} ({scans[i]['ref']}, recorded {scans[i]['recorded']})"}
                for i in labelled
            ],
        }  # fmt: skip
        panels.append(panel)
        if not known:
            panel["empty"] = "not recorded for these scans"
            continue
        extent = [v for v in values if v is not None]
        if key == "effort":
            extent += [s[k] for s in scans for k in ("p10", "p90") if s[k] is not None]
        if shape == "bars":
            extent.append(max(extent) * 1.15)  # headroom for the value printed above the tallest bar
        low, high, ticks = _trend_axis(extent, from_zero=shape != "line", integer=key not in ("effort", "risk"))

        def y_of(value: float, low: float = low, high: float = high, top: float = top, bottom: float = bottom) -> float:
            return round(bottom - (value - low) / (high - low) * (bottom - top), 2)

        def x_of(i: int, left: float = left) -> float:
            return round(left + offsets[i], 2)

        panel["ticks"] = [{"y": y_of(t), "label": _short(t)} for t in ticks]
        if shape == "line":
            if key == "effort":
                banded = [i for i in known if scans[i]["p10"] is not None and scans[i]["p90"] is not None]
                for run in _runs(banded):
                    upper = [f"{x_of(i)},{y_of(scans[i]['p90'])}" for i in run]
                    lower = [f"{x_of(i)},{y_of(scans[i]['p10'])}" for i in reversed(run)]
                    if len(run) == 1:  # a lone scan's range is a short vertical bar
                        upper = [f"{x_of(run[0]) - 2},{y_of(scans[run[0]]['p90'])}",
                                 f"{x_of(run[0]) + 2},{y_of(scans[run[0]]['p90'])}"]  # fmt: skip
                        lower = [f"{x_of(run[0]) + 2},{y_of(scans[run[0]]['p10'])}",
                                 f"{x_of(run[0]) - 2},{y_of(scans[run[0]]['p10'])}"]  # fmt: skip
                    panel["bands"].append(" ".join(upper + lower))
            for run in _runs(known):
                if len(run) > 1:
                    panel["lines"].append(" ".join(f"{x_of(i)},{y_of(values[i] or 0.0)}" for i in run))
            radius = 3.5 if step >= 12 else 2.2
            panel["points"] = [
                {"x": x_of(i), "y": y_of(values[i] or 0.0), "r": radius, "title": point_title(key, scans[i])}
                for i in known
            ]
            first, last = values[known[0]], values[known[-1]]
            decimals = 0 if key in ("code", "unresolved") else 1
            if first is not None and last is not None:
                panel["note"] = f"latest {last:,.{decimals}f} ({last - first:+,.{decimals}f})"
        elif shape == "stack":
            for i, scan in enumerate(scans):
                base = 0.0
                for category in TREND_CATEGORIES:
                    count = scan["findings"][category]
                    if count <= 0:
                        continue
                    y_top, y_base = y_of(base + count), y_of(base)
                    panel["bars"].append({
                        "x": round(x_of(i) - bar_width / 2, 2), "y": y_top, "width": bar_width,
                        "height": round(y_base - y_top, 2), "cls": f"tb-{category}",
                        "title": f"{scan['name']}: {count:,} {category} finding(s)",
                    })  # fmt: skip
                    base += count
            legend_x = right
            for category in reversed(TREND_CATEGORIES):
                legend_x -= len(category) * CHART_CHAR_WIDTH + 14 + 12
                panel["legend"].append({"x": round(legend_x, 2), "y": py + 5, "cls": f"tb-{category}",
                                        "name": category})  # fmt: skip
            panel["legend"].reverse()
            panel["note"] = ""
        else:  # bars: components retired
            for i in known:
                count = values[i] or 0.0
                y_top = y_of(count)
                panel["bars"].append({
                    "x": round(x_of(i) - bar_width / 2, 2), "y": y_top, "width": bar_width,
                    "height": round(bottom - y_top, 2), "cls": "tb-retired",
                    "title": f"{scans[i]['name']}: {int(count):,} fewer component(s) than the scan before",
                })  # fmt: skip
                if step >= 18:
                    panel["value_labels"].append({"x": x_of(i), "y": round(y_top - 4, 2), "text": f"{int(count):,}"})
            panel["note"] = f"{int(sum(values[i] or 0.0 for i in known)):,} in all"
    return {
        "width": TREND_WIDTH,
        "height": rows * TREND_PANEL_HEIGHT,
        "panels": panels,
        "scans": n,
        "total": trend["count"],
        "cut": trend["count"] > n,
        "label": f"Trend over {n} recorded scans, from {scans[0]['name']} to {scans[-1]['name']}: code lines, "
                 f"effort P50 with its P10 to P90 band, mean risk, findings by category, components retired "
                 f"and unresolved references",
    }  # fmt: skip


def build_html_view(
    scan: Mapping[str, Any], *, top_n: int = TOP_N, trend: Sequence[Mapping[str, Any]] | None = None
) -> View:
    """:func:`build_view` plus the pictures and the embedded graph that only the HTML report draws."""
    view = build_view(scan, top_n=top_n, trend=trend)
    files: list[Mapping[str, Any]] = list(scan.get("files") or [])
    components: list[Mapping[str, Any]] = list(scan.get("components") or [])
    edges: list[Mapping[str, Any]] = list(scan.get("edges") or [])
    er = view["effort_risk"]
    priority = [row["id"] for row in view["top_components"]]
    priority += [row["id"] for row in er["effort"]["rows"]] + [row["id"] for row in er["risk"]["rows"]]
    if er["quadrant"] is not None:
        priority += [p["id"] for p in sorted(er["quadrant"]["points"], key=lambda p: p["rank"])]
    graph = _graph(components, edges, priority)
    view["visuals"] = {
        "treemap": _treemap(files, components),
        "dependencies": _dependencies(components, edges),
        "parse_chart": _parse_chart(view["parse"]["languages"]),
        "graph": graph,
        "graph_json": _json_for_script(graph),
        "first_page": graph["nodes"][:COMPONENTS_PAGE],
        "graph_subsystems": graph["subsystems"],
        "trend_chart": _trend_chart(view["trend"]),
    }
    return view
