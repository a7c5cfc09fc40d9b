"""The planning stage: rule findings, migration waves, shared services, skills and retire candidates.

Works on the scan dict (the ``scan.json`` contract) plus what only the pipeline
has: each file's text (for pattern rules), file-record layouts and git authors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from legacy_lens import plan as pl
from legacy_lens import rules as rl
from legacy_lens.kinds import COMPONENT_KINDS
from legacy_lens.model import Definition, Finding, Location


@dataclass(frozen=True, slots=True)
class Analysis:
    findings: tuple[Finding, ...]
    plan: Mapping[str, Any]
    diagnostics: tuple[tuple[str, str], ...]  # (path or rule source, message) of rules that could not be used


def owner_of_line(definitions: Sequence[Definition], line: int) -> str | None:
    """The innermost component defined in a file that contains ``line`` (else the file's first component)."""
    candidates = [d for d in definitions if d.kind in COMPONENT_KINDS]
    best: Definition | None = None
    for d in candidates:
        end = d.end_line or 10**9
        if d.line <= line <= end and (best is None or d.line >= best.line):
            best = d
    if best is None and candidates:
        best = min(candidates, key=lambda d: d.line)
    return best.component_id if best else None


def analyse(scan: Mapping[str, Any], catalogue: rl.Catalogue,
            file_matches: Iterable[tuple[str, Sequence[rl.Match]]],
            definitions: Mapping[str, Sequence[Definition]],
            file_record_usage: Mapping[str, Mapping[str, int]], settings: pl.PlanSettings,
            authors: Mapping[str, Mapping[str, int]] | None) -> Analysis:
    """Run every rule and build the plan.

    ``file_matches`` yields (path, pattern-rule matches) of analysed files: pattern rules need a file's
    text, so they run where the text is (the scan's workers, with ``rules.match_patterns``).
    """
    raw: list[rl.RawFinding] = []
    by_code = catalogue.by_code()
    for path, found in file_matches:
        for m in found:
            owner = owner_of_line(definitions.get(path, ()), m.line) or f"file:{path}"
            rule = by_code[m.rule]
            raw.append(rl.RawFinding(rule, owner, path, m.line, rule.message.format(
                text=m.text, component=owner.split(":", 1)[1]), key=m.text))
    raw.extend(rl.graph_findings(catalogue.rules, scan, file_record_usage))
    findings = _finalise(raw)
    blockers: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        if f.category == "mandatory":
            blockers[f.component].append(f.rule)
    plan = {
        "waves": pl.waves(scan, settings, blockers),
        "shared_services": pl.shared_services(scan, settings),
        "skills": pl.skills(scan, authors),
        "retire_candidates": pl.dead_code(scan),
        "settings": {"wave_budget_days": settings.wave_budget_days, "seed": settings.seed,
                     "utility_communities": settings.utility_communities,
                     "service_communities": settings.service_communities},
    }
    return Analysis(tuple(findings), plan, tuple((e, "rule file not used") for e in catalogue.errors))


def _finalise(raw: Sequence[rl.RawFinding]) -> list[Finding]:
    """Deterministic order and fingerprints; repeats of the same match get an occurrence number."""
    ordered = sorted(raw, key=lambda f: (f.rule.code, f.component, f.file, f.line, f.key))
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    out = []
    for f in ordered:
        base = (f.rule.code, f.component, f.key)
        occurrence = seen[base]
        seen[base] += 1
        out.append(Finding(
            rule=f.rule.code, component=f.component, severity=f.rule.severity, message=f.message,
            location=Location(f.file, f.line) if f.file else None, name=f.rule.name, category=f.rule.category,
            effort=f.rule.effort, fingerprint=rl.fingerprint(f.rule.code, f.component, f"{f.key}#{occurrence}"),
        ))
    return out
