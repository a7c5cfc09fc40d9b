"""Machine-readable exports of a scan: SARIF 2.1.0 and CSV.

Both read only the ``scan.json`` contract (a plain mapping), never the code, so
re-rendering from a saved ``scan.json`` never rescans. They follow the
:class:`legacy_lens.report.Formatter` protocol (``extension`` and ``format``)
and add ``files(scan) -> dict[str, str]``, every file the format writes (name
inside the output folder -> text), in writing order. CSV writes three files, so
a caller that writes a format must use ``files`` (or :func:`render_files`,
which falls back to ``{extension: format(scan)}`` for single-file formatters).

SARIF
    One run. ``tool.driver.rules`` holds every rule that has findings, with the
    rule's documentation ("Why it blocks modernisation" and "Remediation") from
    the built-in catalogue; each finding is a result with ``ruleId``,
    ``ruleIndex``, a ``level`` from the severity (:data:`SARIF_LEVELS`), one
    location (URI relative to ``%SRCROOT%``, the scan root) and
    ``partialFingerprints["legacyLens/v1"]``, the finding's line-independent
    fingerprint. GitHub code scanning rejects a result without a location, so a
    finding with no file is placed at its component's definition (file and
    line; ``properties.locationFrom`` is ``"component"``); a finding whose
    component has no file either (an undefined or external component) is left
    out and listed in ``runs[0].properties.findingsWithoutLocation``. At most
    :data:`SARIF_MAX_RESULTS` results are written (GitHub's limit per run), the
    most severe first, and the rest are counted in ``runs[0].properties``.

CSV
    ``components.csv``, ``edges.csv`` and ``findings.csv`` with the columns in
    :data:`COMPONENT_COLUMNS`, :data:`EDGE_COLUMNS` and :data:`FINDING_COLUMNS`
    (the first row is the header), RFC 4180 quoting through :mod:`csv`, CRLF
    line ends, UTF-8 without a byte-order mark. Booleans are ``true``/``false``
    and a missing value is an empty cell. Text cells come from scanned code and
    file names, so a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return is prefixed with ``'`` (OWASP's advice against CSV/formula
    injection): a spreadsheet then shows it as text instead of running it. To
    recover the original value, drop one leading ``'`` when the character after
    it is one of those.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote

__all__ = [
    "COMPONENT_COLUMNS",
    "CSV_FILES",
    "EDGE_COLUMNS",
    "EXPORT_FORMATTERS",
    "FINDING_COLUMNS",
    "FINGERPRINT_KEY",
    "FORMULA_TRIGGERS",
    "SARIF_LEVELS",
    "SARIF_MAX_RESULTS",
    "CsvFormatter",
    "MultiFileFormatter",
    "SarifFormatter",
    "neutralise_formula",
    "render_files",
    "sarif_log",
]

# ----------------------------------------------------------------------------------- protocol


@runtime_checkable
class MultiFileFormatter(Protocol):
    """A formatter that writes one or more files; ``extension`` is its first (or only) file."""

    @property
    def extension(self) -> str:
        """Name of the first file the format writes."""
        ...

    def format(self, scan: Mapping[str, Any]) -> str:
        """Text of the file named ``extension``."""
        ...

    def files(self, scan: Mapping[str, Any]) -> dict[str, str]:
        """Every file of the format: name inside the output folder -> text, in writing order."""
        ...


def render_files(formatter: Any, scan: Mapping[str, Any]) -> dict[str, str]:
    """Every file ``formatter`` writes for ``scan``.

    ``files(scan)`` when the formatter has it, else ``{extension: format(scan)}``.
    """
    if isinstance(formatter, MultiFileFormatter):
        return formatter.files(scan)
    return {formatter.extension: formatter.format(scan)}


# ----------------------------------------------------------------------------------- SARIF

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "legacyLens/v1"
SARIF_MAX_RESULTS = 25_000  # GitHub code scanning: results per run
SARIF_LEVELS: Mapping[str, str] = MappingProxyType(
    {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
)
_SEVERITY_RANK: Mapping[str, int] = MappingProxyType({"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4})


def _level(severity: str) -> str:
    return SARIF_LEVELS.get(severity, "warning")


def _identifier(name: str, code: str) -> str:
    """``ALTER statement`` -> ``AlterStatement``: SARIF's ``reportingDescriptor.name`` is an identifier."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    ident = "".join(w[:1].upper() + w[1:].lower() for w in words)
    return ident if ident and ident != code else f"Rule{code}"


def _uri(path: str) -> str:
    """A scan-relative POSIX path as a relative URI reference (``%`` escapes for spaces, ``<``, ``#`` ...)."""
    return quote(path.replace("\\", "/").lstrip("/"), safe="/")


def _rule_docs(codes: Iterable[str]) -> dict[str, Any]:
    """Catalogue entries for ``codes`` (built-in rules); rules from a site folder are absent."""
    from legacy_lens.rules import builtin_catalogue

    wanted = set(codes)
    return {code: rule for code, rule in builtin_catalogue().by_code().items() if code in wanted}


def _descriptor(code: str, first: Mapping[str, Any], rule: Any | None) -> dict[str, Any]:
    name = rule.name if rule is not None else str(first.get("name") or code)
    category = rule.category if rule is not None else str(first.get("category") or "")
    severity = rule.severity if rule is not None else str(first.get("severity") or "")
    effort = rule.effort if rule is not None else int(first.get("effort") or 0)
    if rule is not None:
        why, remediation = rule.why, rule.remediation
        help_text = f"Why it blocks modernisation\n\n{why}\n\nRemediation\n\n{remediation}"
        help_md = f"**Why it blocks modernisation**\n\n{why}\n\n**Remediation**\n\n{remediation}"
        full = why
    else:
        full = name
        help_text = (f"{name}. Rule {code} is not a built-in rule; its documentation is in the rules folder "
                     f"the scan used (`legacy-lens rules {code} --rules-path DIR`).")
        help_md = help_text
    tags = ["modernisation", *([category] if category else []), *(rule.languages if rule is not None else ())]
    return {
        "id": code,
        "name": _identifier(name, code),
        "shortDescription": {"text": name},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": _level(severity)},
        "properties": {"category": category, "effort": effort, "severity": severity, "tags": tags},
    }


def _location(finding: Mapping[str, Any], components: Mapping[str, Mapping[str, Any]]
              ) -> tuple[str, int, str] | None:
    """(file, line, where it came from) for a finding, or None when neither it nor its component has a file."""
    if finding.get("file"):
        return str(finding["file"]), int(finding.get("line") or 1), "finding"
    component = components.get(str(finding.get("component")))
    if component is not None and component.get("file"):
        return str(component["file"]), int(component.get("line") or 1), "component"
    return None


def sarif_log(scan: Mapping[str, Any]) -> dict[str, Any]:
    """The SARIF 2.1.0 log for ``scan`` as a dict (see the module docstring for the mapping)."""
    findings: Sequence[Mapping[str, Any]] = scan.get("findings") or []
    components = {str(c["id"]): c for c in scan.get("components") or []}
    first_of: dict[str, Mapping[str, Any]] = {}
    for f in findings:
        first_of.setdefault(str(f["rule"]), f)
    codes = sorted(first_of)
    docs = _rule_docs(codes)
    descriptors = [_descriptor(code, first_of[code], docs.get(code)) for code in codes]
    index = {code: i for i, code in enumerate(codes)}

    placed: list[tuple[int, int, dict[str, Any]]] = []
    unplaced: list[dict[str, Any]] = []
    for order, f in enumerate(findings):
        where = _location(f, components)
        if where is None:
            unplaced.append({"rule": f["rule"], "component": f.get("component"), "fingerprint": f.get("fingerprint")})
            continue
        file, line, source = where
        severity = str(f.get("severity") or "")
        result: dict[str, Any] = {
            "ruleId": f["rule"],
            "ruleIndex": index[str(f["rule"])],
            "level": _level(severity),
            "message": {"text": str(f.get("message") or f.get("name") or f["rule"])},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(file), "uriBaseId": SRCROOT},
                "region": {"startLine": max(1, line)},
            }}],
            "properties": {"component": f.get("component"), "category": f.get("category"),
                           "severity": severity, "effort": f.get("effort"), "locationFrom": source},
        }
        if f.get("fingerprint"):
            result["partialFingerprints"] = {FINGERPRINT_KEY: f["fingerprint"]}
        placed.append((_SEVERITY_RANK.get(severity, 5), order, result))
    truncated = 0
    if len(placed) > SARIF_MAX_RESULTS:
        keep = sorted(placed, key=lambda x: (x[0], x[1]))[:SARIF_MAX_RESULTS]
        truncated = len(placed) - len(keep)
        placed = sorted(keep, key=lambda x: x[1])
    roots = [str(r) for r in scan.get("roots") or []]
    tool = scan.get("tool") or {}
    version = str(tool.get("version") or "")
    driver: dict[str, Any] = {"name": "legacy-lens", "rules": descriptors}
    if version:
        driver["version"] = version
        if re.fullmatch(r"\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?", version):
            driver["semanticVersion"] = version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The scanned folder: " + ", ".join(roots)
                                                          if roots else "The scanned folder."}}},
        "columnKind": "unicodeCodePoints",
        "results": [r for _rank, _order, r in placed],
        "properties": {
            "schemaVersion": scan.get("schema_version"),
            "roots": roots,
            "findingsWithoutLocation": unplaced,
            "resultsTruncated": truncated,
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


@dataclass(frozen=True, slots=True)
class SarifFormatter:
    """Findings as SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

    extension: str = "scan.sarif"

    def format(self, scan: Mapping[str, Any]) -> str:
        """Deterministic SARIF JSON (sorted keys, no timestamps)."""
        return json.dumps(sarif_log(scan), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    def files(self, scan: Mapping[str, Any]) -> dict[str, str]:
        return {self.extension: self.format(scan)}


# ----------------------------------------------------------------------------------- CSV

COMPONENT_COLUMNS: tuple[str, ...] = (
    "id", "kind", "name", "language", "file", "line", "defined", "system", "dead_candidate", "fan_in", "fan_out",
    "code_lines", "complexity", "effort_p10", "effort_p50", "effort_p90", "risk_score",
)  # fmt: skip
EDGE_COLUMNS: tuple[str, ...] = (
    "source", "target", "kind", "resolved", "via", "detail", "locations", "first_file", "first_line",
)  # fmt: skip
FINDING_COLUMNS: tuple[str, ...] = (
    "rule", "name", "category", "severity", "effort", "component", "file", "line", "message", "fingerprint",
)  # fmt: skip
CSV_FILES: tuple[str, ...] = ("components.csv", "edges.csv", "findings.csv")
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return neutralise_formula(str(value))


def _table(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def component_rows(scan: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for c in scan.get("components") or []:
        metrics, effort, risk = c.get("metrics") or {}, c.get("effort") or {}, c.get("risk") or {}
        rows.append({k: c.get(k) for k in COMPONENT_COLUMNS[:11]} | {
            "code_lines": metrics.get("code_lines"), "complexity": metrics.get("complexity"),
            "effort_p10": effort.get("p10"), "effort_p50": effort.get("p50"), "effort_p90": effort.get("p90"),
            "risk_score": risk.get("score"),
        })
    return rows


def edge_rows(scan: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for e in scan.get("edges") or []:
        locations = e.get("locations") or []
        first = locations[0] if locations else {}
        rows.append({k: e.get(k) for k in EDGE_COLUMNS[:6]} | {
            "locations": len(locations), "first_file": first.get("file"), "first_line": first.get("line")})
    return rows


def finding_rows(scan: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{k: f.get(k) for k in FINDING_COLUMNS} for f in scan.get("findings") or []]


@dataclass(frozen=True, slots=True)
class CsvFormatter:
    """``components.csv``, ``edges.csv`` and ``findings.csv`` for spreadsheets (see the module docstring)."""

    extension: str = CSV_FILES[0]

    def format(self, scan: Mapping[str, Any]) -> str:
        """``components.csv`` only; use :meth:`files` to write the whole format."""
        return _table(COMPONENT_COLUMNS, component_rows(scan))

    def files(self, scan: Mapping[str, Any]) -> dict[str, str]:
        return {
            "components.csv": self.format(scan),
            "edges.csv": _table(EDGE_COLUMNS, edge_rows(scan)),
            "findings.csv": _table(FINDING_COLUMNS, finding_rows(scan)),
        }


EXPORT_FORMATTERS: Mapping[str, MultiFileFormatter] = MappingProxyType(
    {"sarif": SarifFormatter(), "csv": CsvFormatter()}
)
