"""ScanResult -> the ``scan.json`` contract (a plain dict), and back to what reports need.

The JSON is the contract every later feature builds on: versioned
(``schema_version``), stable ids, sorted keys, no timestamps. Two scans of the
same tree give byte-identical JSON.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from legacy_lens import __version__
from legacy_lens.estimate import Effort, PortfolioEstimate
from legacy_lens.model import SCHEMA_VERSION, ScanResult
from legacy_lens.risk import Risk

SCHEMA_FILE = Path(__file__).parent / "schema" / "scan.schema.json"


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


def _metrics(m: Any) -> dict[str, Any] | None:
    if m is None:
        return None
    d = asdict(m)
    d["dead_paragraphs"] = list(d["dead_paragraphs"])
    return d


def _r(x: float, places: int = 2) -> float:
    """Round for the JSON contract: stable across platforms, precise enough to recompute by hand."""
    return round(float(x), places)


def _effort(e: Effort | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "p10": _r(e.p10), "p50": _r(e.p50), "p90": _r(e.p90), "unit": e.unit,
        "function_points": _r(e.function_points, 3), "base_days": _r(e.base_days, 3), "sigma": _r(e.sigma, 4),
        "drivers": [{"name": d.name, "factor": _r(d.factor, 4), "detail": d.detail} for d in e.drivers],
    }


def _risk(r: Risk | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "score": _r(r.score, 1),
        "drivers": [{"name": d.name, "value": _r(d.value, 4), "weight": _r(d.weight, 4),
                     "contribution": _r(d.contribution, 2), "detail": d.detail} for d in r.drivers],
    }


def _portfolio(p: PortfolioEstimate | None, coefficients: tuple[tuple[str, str, str], ...]) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "p10": _r(p.p10, 1), "p50": _r(p.p50, 1), "p90": _r(p.p90, 1), "unit": p.unit,
        "cost": {"p10": _r(p.cost_p10, 0), "p50": _r(p.cost_p50, 0), "p90": _r(p.cost_p90, 0),
                 "currency": p.currency, "day_rate": _r(p.day_rate)},
        "schedule": {"person_months": _r(p.schedule.person_months, 1), "months": _r(p.schedule.months, 1),
                     "team": _r(p.schedule.team, 1), "formula": p.schedule.formula},
        "cocomo_cross_check": {"person_days": _r(p.cocomo_person_days, 1), "formula": p.cocomo_formula},
        "components": p.components, "code_lines": p.code_lines,
        "assumptions": list(p.assumptions),
        "model": {k: _r(v, 4) for k, v in p.model},
        "coefficients": [{"name": n, "value": v, "source": src} for n, v, src in coefficients],
    }


def to_dict(result: ScanResult) -> dict[str, Any]:
    files = [
        {
            "path": f.path,
            "language": f.language,
            "encoding": f.encoding,
            "size_bytes": f.size_bytes,
            "sha256": f.sha256,
            "detected_by": f.detected_by,
            "lines": {"code": f.lines.code, "comment": f.lines.comment, "blank": f.lines.blank},
            "parse": asdict(f.parse),
        }
        for f in result.files
    ]
    components = [
        {
            "id": c.id, "kind": c.kind, "name": c.name, "language": c.language, "file": c.file, "line": c.line,
            "defined": c.defined, "system": c.system, "dead_candidate": c.dead_candidate,
            "fan_in": c.fan_in, "fan_out": c.fan_out, "metrics": _metrics(c.metrics),
            "effort": _effort(c.effort), "risk": _risk(c.risk),
        }
        for c in result.components
    ]
    edges = [
        {
            "source": e.source, "target": e.target, "kind": e.kind, "resolved": e.resolved, "via": e.via,
            "detail": e.detail, "locations": [{"file": loc.file, "line": loc.line} for loc in e.locations],
        }
        for e in result.edges
    ]
    findings = [
        {"rule": f.rule, "name": f.name, "category": f.category, "severity": f.severity, "effort": f.effort,
         "component": f.component, "message": f.message, "fingerprint": f.fingerprint,
         "file": f.location.file if f.location else None, "line": f.location.line if f.location else None,
         "location": {"file": f.location.file, "line": f.location.line} if f.location else None}
        for f in result.findings
    ]
    diagnostics = [asdict(d) for d in result.diagnostics]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "legacy-lens", "version": __version__},
        "roots": list(result.roots),
        "summary": summarise(files, components, edges, diagnostics) | {
            "files_unrecognised": result.unrecognised_files,
            "estimate": _portfolio(result.estimate, result.coefficients)},
        "files": files,
        "components": components,
        "edges": edges,
        "findings": findings,
        "diagnostics": diagnostics,
        "plan": dict(result.plan) if result.plan is not None else None,
        "records": [dict(r) for r in result.records],
        "tables": [dict(t) for t in result.tables],
    }


def summarise(files: list[dict[str, Any]], components: list[dict[str, Any]], edges: list[dict[str, Any]],
              diagnostics: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals computed from the lists, so they always agree with them."""
    analysed = [f for f in files if f["parse"]["status"] != "skipped"]
    by_lang: dict[str, dict[str, int]] = defaultdict(lambda: {"code": 0, "comment": 0, "blank": 0})
    ratios: dict[str, list[float]] = defaultdict(list)
    raw_ratios: dict[str, list[float]] = defaultdict(list)
    for f in analysed:
        for k in ("code", "comment", "blank"):
            by_lang[f["language"]][k] += f["lines"][k]
        if f["parse"]["parser"].startswith("tree-sitter"):
            ratios[f["language"]].append(f["parse"]["error_ratio"])
            if f["parse"]["error_ratio_raw"] is not None:
                raw_ratios[f["language"]].append(f["parse"]["error_ratio_raw"])
    totals = {k: sum(v[k] for v in by_lang.values()) for k in ("code", "comment", "blank")}
    summary: dict[str, Any] = {
        "files": len(analysed),
        "files_skipped": len(files) - len(analysed),
        "files_by_language": dict(sorted(Counter(f["language"] for f in analysed).items())),
        "lines": totals,
        "lines_by_language": dict(sorted(by_lang.items())),
        "components_by_kind": dict(sorted(Counter(c["kind"] for c in components).items())),
        "edges_by_kind": dict(sorted(Counter(e["kind"] for e in edges).items())),
        "edges_resolved": sum(1 for e in edges if e["resolved"]),
        "edges_unresolved": sum(1 for e in edges if not e["resolved"]),
        "parse_status": dict(sorted(Counter(f["parse"]["status"] for f in files).items())),
        "mean_error_ratio": {k: round(sum(v) / len(v), 4) for k, v in sorted(ratios.items())},
        "diagnostics_by_severity": dict(sorted(Counter(d["severity"] for d in diagnostics).items())),
    }
    if raw_ratios:
        summary["mean_error_ratio_raw"] = {k: round(sum(v) / len(v), 4) for k, v in sorted(raw_ratios.items())}
    return summary
