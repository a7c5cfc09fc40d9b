"""Modernisation-blocker rules as data.

A rule is a YAML file: a stable code (``LL101``), a name, languages, a category
(``mandatory``, ``optional``, ``potential``, as in Konveyor), a severity, effort
points, documentation ("Why it blocks modernisation", "Remediation"), test
cases, and one matcher:

- ``pattern``: a regular expression over a file's code lines (comment lines skipped);
- ``query``: a tree-sitter query over the file's parse tree (``@match`` capture);
- ``metric``: a comparison on a component's metrics (``goto_density`` is GO TO per 100 lines);
- ``edge``: a component's outgoing references of given kinds / targets / vias / details;
- ``data``: data items of a given USAGE in records that the component reads or writes through files.

``pattern`` and ``query`` rules run on each file in the workers (they need the
text or the tree); the others run on the linked graph. Built-in rules live in
``legacy_lens/rules/builtin``; users add folders with ``rules_paths``.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

BUILTIN = Path(__file__).parent / "builtin"
CATEGORIES = ("mandatory", "optional", "potential")
SEVERITIES = ("info", "low", "medium", "high", "critical")
MATCHERS = ("pattern", "query", "metric", "edge", "data")
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}
_CODE = re.compile(r"^[A-Z]{2,4}\d{3,4}$")


class RuleError(ValueError):
    """A rule file is invalid; the message names the file and, where known, the rule and position."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    languages: tuple[str, ...]
    category: str
    severity: str
    effort: int
    matcher: str
    spec: Mapping[str, Any]
    message: str
    why: str
    remediation: str
    tests: tuple[Mapping[str, Any], ...]
    source: str

    def applies_to(self, language: str) -> bool:
        return not self.languages or language in self.languages


@dataclass(frozen=True, slots=True)
class Match:
    """A rule match found in one file by a worker (pattern and query rules)."""

    rule: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class RawFinding:
    rule: Rule
    component: str
    file: str
    line: int
    message: str
    key: str  # what the fingerprint hashes besides rule and component: never the line number


@dataclass(frozen=True, slots=True)
class Catalogue:
    rules: tuple[Rule, ...]
    errors: tuple[str, ...] = field(default_factory=tuple)

    def by_code(self) -> dict[str, Rule]:
        return {r.code: r for r in self.rules}


def _require(raw: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in raw:
        raise RuleError(f"{where}: missing {key!r}")
    return raw[key]


def parse_rule(raw: Any, source: str) -> Rule:
    """Validate one rule mapping; raises RuleError naming the file and the rule."""
    if not isinstance(raw, dict):
        raise RuleError(f"{source}: a rule must be a mapping")
    code = str(_require(raw, "code", source))
    where = f"{source}: rule {code}"
    if not _CODE.match(code):
        raise RuleError(f"{where}: code must look like LL101")
    category = str(_require(raw, "category", where))
    if category not in CATEGORIES:
        raise RuleError(f"{where}: category must be one of {', '.join(CATEGORIES)} (got {category!r})")
    severity = str(_require(raw, "severity", where))
    if severity not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)} (got {severity!r})")
    effort = _require(raw, "effort", where)
    if not isinstance(effort, int) or isinstance(effort, bool) or effort < 0:
        raise RuleError(f"{where}: effort must be a whole number of points, 0 or more")
    match = _require(raw, "match", where)
    if not isinstance(match, dict) or len(match) != 1 or next(iter(match)) not in MATCHERS:
        raise RuleError(f"{where}: match must have exactly one of {', '.join(MATCHERS)}")
    matcher, spec = next(iter(match.items()))
    spec = spec if isinstance(spec, dict) else {"value": spec}
    if matcher == "pattern":
        try:
            re.compile(str(_require(spec, "regex", where)))
        except re.error as exc:
            raise RuleError(f"{where}: pattern regex does not compile at position {exc.pos}: {exc.msg}") from exc
    languages = raw.get("languages", [])
    if isinstance(languages, str):
        languages = [languages]
    docs = raw.get("docs", {}) or {}
    why = str(docs.get("why", "")).strip()
    remediation = str(docs.get("remediation", "")).strip()
    if not why or not remediation:
        raise RuleError(f"{where}: docs must have 'why' (Why it blocks modernisation) and 'remediation'")
    tests = raw.get("tests", {}) or {}
    cases = [dict(case, expect=True) for case in tests.get("should_match", [])]
    cases += [dict(case, expect=False) for case in tests.get("should_not_match", [])]
    return Rule(code=code, name=str(_require(raw, "name", where)), languages=tuple(str(x) for x in languages),
                category=category, severity=severity, effort=effort, matcher=matcher, spec=spec,
                message=str(raw.get("message", raw["name"])), why=why, remediation=remediation,
                tests=tuple(cases), source=source)


def load_file(path: Path) -> list[Rule]:
    try:
        docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RuleError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot be read: {exc}") from exc
    rules: list[Rule] = []
    for doc in docs:
        if doc is None:
            continue
        items = doc if isinstance(doc, list) else [doc]
        rules.extend(parse_rule(item, str(path)) for item in items)
    return rules


def load_catalogue(paths: Sequence[str | Path] = (), builtin: bool = True) -> Catalogue:
    """Built-in rules plus every ``*.yml``/``*.yaml`` under ``paths``.

    A bad rule file is reported in ``errors`` and the other rules still load; a
    duplicate rule code is an error too (the first definition is kept).
    """
    folders = ([BUILTIN] if builtin else []) + [Path(p) for p in paths]
    rules: list[Rule] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            errors.append(f"{folder}: rules folder not found")
            continue
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()):
            try:
                loaded = load_file(path)
            except RuleError as exc:
                errors.append(str(exc))
                continue
            for rule in loaded:
                if rule.code in seen:
                    errors.append(f"{path}: rule {rule.code} duplicates the code of a rule in {seen[rule.code]}")
                    continue
                seen[rule.code] = str(path)
                rules.append(rule)
    rules.sort(key=lambda r: r.code)
    return Catalogue(tuple(rules), tuple(errors))


@cache
def builtin_catalogue() -> Catalogue:
    return load_catalogue()


# -- file-level matchers (run in workers) -------------------------------------------------


def is_comment(line: str, language: str, comment_prefixes: Sequence[str]) -> bool:
    if language == "cobol":
        return line[6:7] in ("*", "/") or line.lstrip().startswith("*>")
    stripped = line.lstrip()
    return any(stripped.startswith(p) for p in comment_prefixes if p)


def match_patterns(rules: Iterable[Rule], text: str, language: str,
                   comment_prefixes: Sequence[str] = ()) -> list[Match]:
    """Pattern rules over the code lines of one file."""
    active = [(r, re.compile(str(r.spec["regex"]), re.IGNORECASE if r.spec.get("ignore_case") else 0))
              for r in rules if r.matcher == "pattern" and r.applies_to(language)]
    if not active:
        return []
    out: list[Match] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if is_comment(line, language, comment_prefixes):
            continue
        code = line[:72] if language == "cobol" else line
        for rule, regex in active:
            m = regex.search(code)
            if m:
                out.append(Match(rule.code, number, m.group(0).strip()[:200]))
    return out


# -- graph-level matchers ----------------------------------------------------------------


def _metric_value(metrics: Mapping[str, Any], name: str) -> float:
    if name == "goto_density":
        lines = metrics.get("code_lines") or 0
        return 100.0 * metrics.get("goto_count", 0) / lines if lines else 0.0
    return float(metrics.get(name, 0) or 0)


def _edge_matches(spec: Mapping[str, Any], edge: Mapping[str, Any]) -> bool:
    def listed(key: str) -> list[str]:
        value = spec.get(key)
        return [] if value is None else [value] if isinstance(value, str) else [str(v) for v in value]

    if listed("kind") and edge["kind"] not in listed("kind"):
        return False
    if listed("via") and edge["via"] not in listed("via"):
        return False
    target_kind = edge["target"].split(":", 1)[0]
    if listed("target_kind") and target_kind not in listed("target_kind"):
        return False
    names = listed("target_name")
    if names:
        target_name = edge["target"].split(":", 1)[1]
        if not any(target_name == n or (n.endswith("*") and target_name.startswith(n[:-1])) for n in names):
            return False
    if "resolved" in spec and bool(spec["resolved"]) != edge["resolved"]:
        return False
    return not ("detail" in spec and not re.search(str(spec["detail"]), edge.get("detail", "")))


def graph_findings(rules: Iterable[Rule], scan: Mapping[str, Any],
                   data_usage: Mapping[str, Mapping[str, int]] | None = None) -> list[RawFinding]:
    """Metric, edge and data rules over the linked components and edges (the scan dict's shape)."""
    components = {c["id"]: c for c in scan["components"]}
    out_edges: dict[str, list[Mapping[str, Any]]] = {}
    for e in scan["edges"]:
        out_edges.setdefault(e["source"], []).append(e)
    found: list[RawFinding] = []
    for rule in rules:
        if rule.matcher not in ("metric", "edge", "data"):
            continue
        for cid, c in components.items():
            if not c.get("defined") or c.get("system") or not rule.applies_to(c.get("language") or ""):
                continue
            kinds = rule.spec.get("component_kind")
            if kinds and c["kind"] not in ([kinds] if isinstance(kinds, str) else kinds):
                continue
            file, line = c.get("file") or "", c.get("line") or 1
            if rule.matcher == "metric" and c.get("metrics"):
                value = _metric_value(c["metrics"], str(rule.spec["name"]))
                op = _OPS[str(rule.spec.get("op", ">"))]
                if op(value, float(rule.spec.get("value", 0))):
                    found.append(RawFinding(rule, cid, file, line, rule.message.format(
                        component=c["name"], value=_fmt(value)), key=str(rule.spec["name"])))
            elif rule.matcher == "edge":
                matches = [e for e in out_edges.get(cid, []) if _edge_matches(rule.spec, e)]
                if not matches:
                    continue
                if rule.spec.get("per") == "component":
                    first = min((loc["file"], loc["line"]) for e in matches for loc in e["locations"])
                    found.append(RawFinding(rule, cid, first[0], first[1], rule.message.format(
                        component=c["name"], count=sum(len(e["locations"]) for e in matches),
                        target=", ".join(sorted({e["target"].split(":", 1)[1] for e in matches}))), key=""))
                    continue
                for e in matches:
                    for n, loc in enumerate(e["locations"]):
                        found.append(RawFinding(rule, cid, loc["file"], loc["line"], rule.message.format(
                            component=c["name"], target=e["target"].split(":", 1)[1], count=len(e["locations"]),
                            detail=e.get("detail", "")), key=f"{e['target']}|{e['kind']}|{e['via']}|{n}"))
            elif rule.matcher == "data" and data_usage:
                usage = str(rule.spec.get("usage", "COMP-3"))
                count = data_usage.get(cid, {}).get(usage, 0)
                if count:
                    found.append(RawFinding(rule, cid, file, line, rule.message.format(
                        component=c["name"], count=count, usage=usage), key=usage))
    return found


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def fingerprint(rule: str, component: str, key: str) -> str:
    """Stable when lines shift and when files move: rule, component id and what matched.

    Never the line number and never the path: a mainframe component keeps its id when its member moves
    to another library, so a finding keeps its identity too.
    """
    return hashlib.sha256("\x1f".join((rule, component, key)).encode("utf-8")).hexdigest()[:24]
