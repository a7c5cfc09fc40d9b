"""Remediation progress between two scans, and quality gates over it.

Pure functions over two scan dicts (``scan.json``).

Components are matched by id (mainframe names are global, so a member that moves to another
library keeps its id). A removed and an added component are then paired as a **rename**
when their source is identical (same file hash), or when they are the same kind and
language, their sizes are within 10% and they use at least 80% of the same targets (Jaccard
similarity of their outgoing references). Findings are matched by fingerprint, which leaves
out line numbers and paths, so a shifted or moved finding is *unchanged*, not new.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RENAME_SIMILARITY = 0.8
RENAME_SIZE_TOLERANCE = 0.10


class DiffError(ValueError):
    """The scans cannot be compared (exit code 2)."""


def _major(scan: Mapping[str, Any]) -> str:
    return str(scan.get("schema_version", "?")).split(".", 1)[0]


def _units(scan: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {c["id"]: c for c in scan["components"] if c.get("defined") and not c.get("system")}


def _targets(scan: Mapping[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in scan["edges"]:
        out.setdefault(e["source"], set()).add(f"{e['kind']}>{e['target']}")
    return out


def _code_lines(c: Mapping[str, Any]) -> int:
    return int((c.get("metrics") or {}).get("code_lines") or 0)


def _p50(c: Mapping[str, Any]) -> float:
    return float((c.get("effort") or {}).get("p50") or 0.0)


def _risk(c: Mapping[str, Any]) -> float:
    return float((c.get("risk") or {}).get("score") or 0.0)


def mean_risk(scan: Mapping[str, Any]) -> float | None:
    """Mean risk score of the scan's scored components (None when nothing was scored)."""
    scores = [_risk(c) for c in _units(scan).values() if c.get("risk")]
    return sum(scores) / len(scores) if scores else None


def _renames(old: Mapping[str, Any], new: Mapping[str, Any], removed: set[str], added: set[str]
             ) -> list[tuple[str, str, str]]:
    """(old id, new id, reason) pairs among removed and added components."""
    old_units, new_units = _units(old), _units(new)
    old_hash = {f["path"]: f.get("sha256") for f in old["files"]}
    new_hash = {f["path"]: f.get("sha256") for f in new["files"]}
    old_targets, new_targets = _targets(old), _targets(new)
    pairs: list[tuple[str, str, str]] = []
    taken: set[str] = set()
    for a in sorted(removed):
        ca = old_units[a]
        best: tuple[float, str, str] | None = None
        for b in sorted(added - taken):
            cb = new_units[b]
            if ca["kind"] != cb["kind"] or ca.get("language") != cb.get("language"):
                continue
            ha, hb = old_hash.get(ca.get("file") or ""), new_hash.get(cb.get("file") or "")
            if ha and ha == hb:
                best = (2.0, b, "identical source")
                break
            la, lb = _code_lines(ca), _code_lines(cb)
            if max(la, lb) == 0 or abs(la - lb) / max(la, lb) > RENAME_SIZE_TOLERANCE:
                continue
            ta, tb = old_targets.get(a, set()), new_targets.get(b, set())
            union = ta | tb
            similarity = len(ta & tb) / len(union) if union else 0.0
            if similarity >= RENAME_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, b, f"same size within 10%, {similarity:.0%} of references alike")
        if best is not None:
            taken.add(best[1])
            pairs.append((a, best[1], best[2]))
    return pairs


def diff(old: Mapping[str, Any], new: Mapping[str, Any], top: int = 10) -> dict[str, Any]:
    """What changed from ``old`` to ``new``: components, lines, effort, risk and findings."""
    if _major(old) != _major(new):
        raise DiffError(f"scan schema {old.get('schema_version')} and {new.get('schema_version')} cannot be "
                        "compared: rescan the baseline with this version of legacy-lens")
    old_units, new_units = _units(old), _units(new)
    removed = set(old_units) - set(new_units)
    added = set(new_units) - set(old_units)
    renames = _renames(old, new, removed, added)
    for a, b, _ in renames:
        removed.discard(a)
        added.discard(b)
    renamed_to = {a: b for a, b, _ in renames}
    changed = []
    pairs = [(cid, cid) for cid in sorted(set(old_units) & set(new_units))] + [(a, b) for a, b, _ in renames]
    movers = []
    for a, b in pairs:
        ca, cb = old_units[a], new_units[b]
        delta_lines = _code_lines(cb) - _code_lines(ca)
        delta_effort = round(_p50(cb) - _p50(ca), 2)
        delta_risk = round(_risk(cb) - _risk(ca), 1)
        moved = ca.get("file") != cb.get("file")
        if delta_lines or delta_effort or delta_risk or moved or a != b:
            changed.append({"id": b, "was": a if a != b else None, "file": cb.get("file"),
                            "moved_from": ca.get("file") if moved else None, "code_lines": delta_lines,
                            "effort_p50": delta_effort, "risk": delta_risk})
        movers.append((b, delta_effort, delta_risk))
    for a in removed:
        movers.append((a, -_p50(old_units[a]), -_risk(old_units[a])))
    for b in added:
        movers.append((b, _p50(new_units[b]), _risk(new_units[b])))
    old_langs = old["summary"].get("lines_by_language", {})
    new_langs = new["summary"].get("lines_by_language", {})
    lines = {lang: new_langs.get(lang, {}).get("code", 0) - old_langs.get(lang, {}).get("code", 0)
             for lang in sorted(set(old_langs) | set(new_langs))}
    old_findings = {f["fingerprint"]: f for f in old.get("findings", [])}
    new_findings = {f["fingerprint"]: f for f in new.get("findings", [])}
    # A renamed component's findings carry the old id in their fingerprint; match them by rule and message.
    new_only = sorted(set(new_findings) - set(old_findings))
    resolved = sorted(set(old_findings) - set(new_findings))
    renamed_matches = set()
    for fp_old in list(resolved):
        fo = old_findings[fp_old]
        target = renamed_to.get(fo["component"])
        if target is None:
            continue
        for fp_new in new_only:
            fn = new_findings[fp_new]
            if fn["component"] == target and fn["rule"] == fo["rule"] and fp_new not in renamed_matches:
                renamed_matches.add(fp_new)
                resolved.remove(fp_old)
                break
    new_only = [fp for fp in new_only if fp not in renamed_matches]
    unchanged = len(set(old_findings) & set(new_findings)) + len(renamed_matches)
    old_est = old["summary"].get("estimate") or {}
    new_est = new["summary"].get("estimate") or {}

    def finding_row(f: Mapping[str, Any]) -> dict[str, Any]:
        return {k: f.get(k) for k in ("rule", "name", "category", "severity", "component", "file", "line",
                                      "message", "fingerprint")}

    return {
        "old": {"roots": old.get("roots", []), "schema_version": old.get("schema_version")},
        "new": {"roots": new.get("roots", []), "schema_version": new.get("schema_version")},
        "components": {
            "added": sorted(added), "removed": sorted(removed),
            "renamed": [{"from": a, "to": b, "reason": why} for a, b, why in renames],
            "changed": sorted(changed, key=lambda c: c["id"]),
        },
        "lines_by_language": lines,
        "code_lines": new["summary"]["lines"]["code"] - old["summary"]["lines"]["code"],
        "effort_p50": round(float(new_est.get("p50") or 0) - float(old_est.get("p50") or 0), 1),
        "mean_risk": round((mean_risk(new) or 0.0) - (mean_risk(old) or 0.0), 2),
        "unresolved": new["summary"]["edges_unresolved"] - old["summary"]["edges_unresolved"],
        "top_effort_movers": [{"id": c, "effort_p50": round(e, 2)} for c, e, _ in
                              sorted(movers, key=lambda m: (-abs(m[1]), m[0]))[:top] if e],
        "top_risk_movers": [{"id": c, "risk": round(r, 1)} for c, _, r in
                            sorted(movers, key=lambda m: (-abs(m[2]), m[0]))[:top] if r],
        "findings": {
            "new": [finding_row(new_findings[fp]) for fp in new_only],
            "resolved": [finding_row(old_findings[fp]) for fp in resolved],
            "unchanged": unchanged,
            "new_by_category": dict(sorted(Counter(new_findings[fp].get("category", "") for fp in new_only).items())),
        },
        "parse_quality": parse_quality(new),
    }


def is_zero(d: Mapping[str, Any]) -> bool:
    """True when nothing changed (two scans of an unchanged tree)."""
    c = d["components"]
    return not (c["added"] or c["removed"] or c["renamed"] or c["changed"] or d["findings"]["new"]
                or d["findings"]["resolved"] or d["code_lines"] or d["effort_p50"] or d["mean_risk"]
                or d["unresolved"] or any(d["lines_by_language"].values()))


def parse_quality(scan: Mapping[str, Any]) -> float:
    """Share of grammar-parsed bytes outside error regions, averaged over files (1.0 = all understood)."""
    ratios = [f["parse"]["error_ratio"] for f in scan["files"] if f["parse"]["parser"].startswith("tree-sitter")]
    return round(1.0 - sum(ratios) / len(ratios), 4) if ratios else 1.0


# -- gates -------------------------------------------------------------------------------

_GATE = re.compile(r"^\s*(?P<name>[a-z0-9-]+)(?::(?P<qual>[a-z-]+))?\s*(?P<op>>=|<=|>|<|==)\s*"
                   r"(?P<value>-?\d+(\.\d+)?)\s*$")
GATES = {
    "new-findings": "number of new findings (optionally of one category or severity: new-findings:mandatory)",
    "risk-increase": "largest increase of a component's risk score (points)",
    "mean-risk-increase": "increase of the mean risk score (points)",
    "effort-p50-increase": "increase of the total P50 effort (person-days)",
    "unresolved-increase": "increase of unresolved references",
    "parse-quality": "mean share of each file the grammar understood (0..1)",
    "code-lines-increase": "increase of code lines",
}


class GateError(ValueError):
    """A --fail-on expression is not understood (exit code 2)."""


@dataclass(frozen=True, slots=True)
class GateResult:
    expression: str
    measured: float
    failed: bool
    culprits: tuple[str, ...]


def parse_gate(expression: str) -> tuple[str, str | None, str, float]:
    m = _GATE.match(expression)
    if not m or m.group("name") not in GATES:
        raise GateError(f"cannot read gate {expression!r}; write NAME[:QUALIFIER]OP NUMBER with NAME one of "
                        f"{', '.join(sorted(GATES))} (for example new-findings:mandatory>0)")
    return m.group("name"), m.group("qual"), m.group("op"), float(m.group("value"))


def evaluate(expressions: Sequence[str], d: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[GateResult]:
    """Evaluate gates; ``d`` is the diff against the baseline (None without one: only absolute gates)."""
    ops = {">": float.__gt__, ">=": float.__ge__, "<": float.__lt__, "<=": float.__le__, "==": float.__eq__}
    results = []
    for expression in expressions:
        name, qual, op, threshold = parse_gate(expression)
        culprits: list[str] = []
        if name == "parse-quality":
            measured = parse_quality(new)
            culprits = [f["path"] for f in sorted(new["files"], key=lambda f: -f["parse"]["error_ratio"])
                        if f["parse"]["error_ratio"] > 0][:10]
        else:
            if d is None:
                raise GateError(f"gate {expression!r} compares with a baseline: add --baseline OLD.json (or a "
                                "history label)")
            if name == "new-findings":
                rows = [f for f in d["findings"]["new"] if qual is None or qual in (f["category"], f["severity"])]
                measured = float(len(rows))
                culprits = [f"{f['rule']} {f['component']} {f['file']}:{f['line']}" for f in rows][:20]
            elif name == "risk-increase":
                increases = [(c["risk"], c["id"]) for c in d["components"]["changed"] if c["risk"] > 0]
                measured = max((r for r, _ in increases), default=0.0)
                culprits = [f"{cid} +{r:g}" for r, cid in sorted(increases, reverse=True)][:10]
            elif name == "mean-risk-increase":
                measured = float(d["mean_risk"])
            elif name == "effort-p50-increase":
                measured = float(d["effort_p50"])
                culprits = [f"{m['id']} {m['effort_p50']:+g}" for m in d["top_effort_movers"] if m["effort_p50"] > 0]
            elif name == "unresolved-increase":
                measured = float(d["unresolved"])
            else:  # code-lines-increase
                measured = float(d["code_lines"])
                culprits = [f"{c['id']} {c['code_lines']:+d}" for c in d["components"]["changed"]
                            if c["code_lines"] > 0][:10] + d["components"]["added"][:10]
        failed = ops[op](measured, threshold)
        results.append(GateResult(expression.strip(), measured, failed, tuple(culprits) if failed else ()))
    return results
