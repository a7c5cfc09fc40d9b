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
import os
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from legacy_lens.resources import data_dir

__all__ = [
    "FORMATTERS",
    "Formatter",
    "HtmlFormatter",
    "JsonFormatter",
    "MarkdownFormatter",
    "build_view",
    "md_cell",
    "write_reports",
]

SUPPORTED_SCHEMA_MAJOR = "1"

# Large tables are cut to this many rows so the HTML stays light in a browser;
# scan.json always holds the full list.
TOP_N = 200
TOP_COMPONENTS = 20
MAX_CRUD_COLUMNS = 40

CRUD_TARGET_KINDS: tuple[str, ...] = ("table", "file", "dataset")
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

    def format(self, scan: Mapping[str, Any]) -> str:
        """Render the Markdown report."""
        return _environment().get_template(self.template).render(build_view(scan))


@dataclass(frozen=True, slots=True)
class HtmlFormatter:
    """One self-contained HTML file: inline CSS, one hashed inline script, no requests."""

    extension: str = "report.html"
    template: str = "report.html.j2"

    def format(self, scan: Mapping[str, Any]) -> str:
        """Render the HTML report."""
        context = build_view(scan)
        context["assets"] = _html_assets()
        return _environment().get_template(self.template).render(context)


FORMATTERS: Mapping[str, Formatter] = MappingProxyType(
    {"json": JsonFormatter(), "md": MarkdownFormatter(), "html": HtmlFormatter()}
)


def write_reports(scan: Mapping[str, Any], out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write the requested formats into ``out_dir`` and return the paths written.

    Every report is rendered before any file is touched, and each file is
    replaced atomically, so a failure never leaves a half-written or mixed set.
    """
    unknown = [name for name in formats if name not in FORMATTERS]
    if unknown:
        raise ValueError(f"unknown report format(s) {unknown}; choose from {sorted(FORMATTERS)}")
    wanted = list(dict.fromkeys(formats))  # de-duplicate, keep the caller's order
    rendered = [(FORMATTERS[name].extension, FORMATTERS[name].format(scan)) for name in wanted]
    out_dir.mkdir(parents=True, exist_ok=True)
    return [_write_atomic(out_dir / file_name, text) for file_name, text in rendered]


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


def build_view(scan: Mapping[str, Any], *, top_n: int = TOP_N) -> View:
    """Compute every table, count and chart the templates render. Pure function.

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
    return {
        "meta": _meta(scan),
        "headline": _headline(files, components, edges),
        "inventory": _inventory(files, components, edges),
        "parse": _parse_quality(files, top_n),
        "top_components": _top_components(components),
        "unresolved": _unresolved(edges, top_n),
        "dead": _dead_code(components, top_n),
        "crud": _crud(components, edges, by_id, top_n),
        "findings": _findings(scan.get("findings") or [], top_n),
        "estimates": _estimates(scan.get("estimates")),
        "diagnostics": _diagnostics(scan.get("diagnostics") or [], top_n),
        "limits": {"top_n": top_n, "top_components": TOP_COMPONENTS, "crud_columns": MAX_CRUD_COLUMNS},
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


def _headline(
    files: Sequence[Mapping[str, Any]],
    components: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
) -> list[Row]:
    defined = Counter(str(c["kind"]) for c in components if c.get("defined") and not c.get("system"))
    resolved = sum(1 for e in edges if e.get("resolved"))
    problems = sum(1 for f in files if _parse(f).get("status") in PROBLEM_STATUSES)
    code_lines = sum(_lines(f)["code"] for f in files)
    cards: list[tuple[str, int, str]] = [
        ("Files", len(files), "source files found"),
        ("Lines of code", code_lines, "excluding comments and blanks"),
        ("Programs", defined["program"], "defined in scanned code"),
        ("Copybooks", defined["copybook"], "defined in scanned code"),
        ("Jobs", defined["job"], "batch JCL jobs"),
        ("Transactions", defined["transaction"], "online CICS transactions"),
        ("Tables", defined["table"], "DB2 tables defined"),
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
        parsed = [row["error_ratio"] for row in group if row["status"] != "skipped"]
        statuses = Counter(row["status"] for row in group)
        languages.append(
            {
                "language": language,
                "files": len(group),
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


def _dead_code(components: Sequence[Mapping[str, Any]], top_n: int) -> View:
    candidates = sorted(
        (c for c in components if c.get("dead_candidate")),
        key=lambda c: (_rank(KIND_ORDER)(str(c["kind"])), str(c["id"])),
    )
    candidate_rows = [
        {
            "id": str(c["id"]),
            "name": str(c.get("name") or c["id"]),
            "kind": str(c["kind"]),
            "where": _component_where(c),
            "code_lines": int((c.get("metrics") or {}).get("code_lines") or 0),
        }
        for c in candidates
    ]
    paragraph_rows = []
    for c in sorted(components, key=lambda c: str(c["id"])):
        names = [str(name) for name in (c.get("metrics") or {}).get("dead_paragraphs") or []]
        if names:
            paragraph_rows.append(
                {
                    "id": str(c["id"]),
                    "name": str(c.get("name") or c["id"]),
                    "where": _component_where(c),
                    "count": len(names),
                    "paragraphs": ", ".join(names),
                }
            )
    return {
        "candidates": _capped(candidate_rows, top_n),
        "candidate_lines": sum(row["code_lines"] for row in candidate_rows),
        "paragraphs": _capped(paragraph_rows, top_n),
        "paragraph_total": sum(row["count"] for row in paragraph_rows),
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
    programs = {str(c["id"]) for c in components if c["kind"] == "program"}
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


def _findings(findings: Iterable[Mapping[str, Any]], top_n: int) -> View:
    # The findings schema is still settling; read the fields model.Finding has, leniently.
    rows = []
    for finding in findings:
        location = finding.get("location") or {}
        rows.append(
            {
                "severity": str(finding.get("severity") or "info"),
                "rule": str(finding.get("rule") or finding.get("code") or MISSING),
                "component": str(finding.get("component") or MISSING),
                "where": _where(location.get("file"), location.get("line")) if location else MISSING,
                "message": str(finding.get("message") or ""),
            }
        )
    rows.sort(key=lambda r: (_rank(SEVERITY_ORDER)(r["severity"]), r["rule"], r["component"], r["where"]))
    return _capped(rows, top_n)


def _estimates(estimates: object) -> View | None:
    """Flatten whatever estimates a later stage adds into key/value rows, or None when absent."""
    if estimates is None:
        return None
    rows: list[Row] = []

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, Mapping):
            for key in sorted(value, key=str):
                walk(f"{prefix}.{key}" if prefix else str(key), value[key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(f"{prefix}[{index}]", item)
        else:
            rows.append({"key": prefix or "value", "value": _num(value) if value is not None else MISSING})

    walk("", estimates)
    return {"rows": rows}


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
