"""Render a diff (and gate results) as markdown, JSON or a small self-contained HTML page."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from legacy_lens.diff import GateResult
from legacy_lens.report import md_cell
from legacy_lens.resources import data_dir

DIFF_FORMATS = ("text", "md", "json", "html")


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(data_dir("templates")), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["md_cell"] = md_cell
    return env


def _gates(gates: Sequence[GateResult]) -> list[dict[str, Any]]:
    return [{"expression": g.expression, "measured": g.measured, "failed": g.failed, "culprits": list(g.culprits)}
            for g in gates]


def render(d: Mapping[str, Any], fmt: str, gates: Sequence[GateResult] = ()) -> str:
    """``md`` or ``json`` or ``html`` text of a diff."""
    if fmt == "json":
        return json.dumps({**d, "gates": _gates(gates)}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    markdown = _env().get_template("diff.md.j2").render(d=d, gates=_gates(gates))
    if fmt == "md":
        return markdown
    # HTML: the markdown's content as escaped preformatted text in a page that loads nothing.
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<title>legacy-lens diff</title><style>body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:70em}"
            "pre{white-space:pre-wrap}</style></head><body><pre>" + html.escape(markdown) + "</pre></body></html>\n")
