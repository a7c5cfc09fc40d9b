"""Why a component scored what it did: the formula path from its inputs to its numbers.

Pure: builds lines of text from the scan dict. ``legacy-lens explain`` prints them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from legacy_lens.estimate import Z90


class UnknownComponent(KeyError):
    """No component with that id (or name) in the scan."""


def find_component(scan: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """By id (``program:PAYROLL``), or by name when exactly one component has it."""
    components: list[Mapping[str, Any]] = list(scan.get("components", []))
    for c in components:
        if c["id"] == key:
            return c
    named = [c for c in components if c["name"] == key.upper() or c["name"] == key]
    if len(named) == 1:
        return named[0]
    if named:
        raise UnknownComponent(f"{key} names {len(named)} components: {', '.join(c['id'] for c in named)}; "
                               "give the full id")
    raise UnknownComponent(f"no component {key!r} in the scan")


def explain(scan: Mapping[str, Any], key: str) -> list[str]:
    """Lines explaining one component's effort, risk and neighbours."""
    c = find_component(scan, key)
    lines = [f"{c['id']}  ({c['kind']}{', ' + c['language'] if c.get('language') else ''})"]
    where = f"{c['file']}:{c['line']}" if c.get("file") else ("system module" if c.get("system") else "not defined")
    lines.append(f"  defined in: {where}")
    m = c.get("metrics")
    if m:
        lines.append(f"  code lines {m['code_lines']}, cyclomatic complexity {m['complexity']}, "
                     f"max nesting {m['max_nesting']}, GO TO {m['goto_count']}, ALTER {m['alter_count']}")
    lines.append("")
    effort = c.get("effort")
    if effort:
        lines.append(f"Effort: P10 {effort['p10']:.2f}  P50 {effort['p50']:.2f}  P90 {effort['p90']:.2f} "
                     f"{effort['unit']}")
        drivers = {d["name"]: d for d in effort["drivers"]}
        size = drivers.get("size")
        if size:
            lines.append(f"  size: {size['detail']}")
        product = effort["base_days"]
        steps = [f"{effort['base_days']:.3f}"]
        for d in effort["drivers"]:
            if d["name"] in ("size", "range") or d["name"].startswith("uncertainty"):
                continue
            lines.append(f"  x {d['factor']:.4f}  {d['name']}: {d['detail']}")
            product *= d["factor"]
            steps.append(f"{d['factor']:.4f}")
        lines.append(f"  P50 = {' x '.join(steps)} = {product:.2f} days")
        for d in effort["drivers"]:
            if d["name"].startswith("uncertainty"):
                lines.append(f"  {d['name']}: {d['detail']}")
        spread = drivers.get("range")
        if spread:
            lines.append(f"  range: {spread['detail']}")
        sigma = effort["sigma"]
        lines.append(f"  P10 = {effort['p50']:.2f} x exp(-{Z90:.4f} x {sigma:.4f}) = "
                     f"{effort['p50'] * math.exp(-Z90 * sigma):.2f}; P90 = {effort['p50']:.2f} x "
                     f"exp({Z90:.4f} x {sigma:.4f}) = {effort['p50'] * math.exp(Z90 * sigma):.2f}")
    else:
        lines.append("Effort: not estimated (not a unit of migration, or its language has no gearing factor)")
    lines.append("")
    risk = c.get("risk")
    if risk:
        lines.append(f"Risk: {risk['score']:.1f} / 100 = 100 x sum(weight x value) / sum(weight)")
        total_weight = sum(d["weight"] for d in risk["drivers"])
        for d in risk["drivers"]:
            lines.append(f"  {d['contribution']:6.2f}  {d['name']}: value {d['value']:.4f} x weight {d['weight']:g}"
                         f" / {total_weight:g} x 100 -- {d['detail']}")
    else:
        lines.append("Risk: not scored (not a unit of migration)")
    lines.append("")
    callers = sorted({(e["source"], e["kind"]) for e in scan.get("edges", []) if e["target"] == c["id"]})
    callees = sorted({(e["target"], e["kind"], e["resolved"]) for e in scan.get("edges", [])
                      if e["source"] == c["id"]})
    lines.append(f"Used by ({len(callers)}):")
    lines += [f"  {src}  ({kind})" for src, kind in callers] or ["  nothing in the scan"]
    lines.append(f"Uses ({len(callees)}):")
    lines += [f"  {dst}  ({kind}{'' if ok else ', unresolved'})" for dst, kind, ok in callees] or ["  nothing"]
    return lines
