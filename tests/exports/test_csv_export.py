"""CSV export: round trip through the csv module, RFC 4180 quoting, formula neutralisation."""

from __future__ import annotations

import csv
import io
from typing import Any

from export_names import AWKWARD_NAME, FORMULA_NAME

from legacy_lens.exports import (
    COMPONENT_COLUMNS,
    EDGE_COLUMNS,
    FINDING_COLUMNS,
    CsvFormatter,
    neutralise_formula,
)
from legacy_lens.report import _write_atomic
from legacy_lens.rules import fingerprint

# LL101 (ALTER) on BNB200: a metric rule keyed by the metric name, first occurrence.
ALTER_FINGERPRINT = fingerprint("LL101", "program:BNB200", "alter_count#0")


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _restore(cell: str) -> str:
    """What the documentation tells a reader to do: drop the ``'`` added before a formula trigger."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _expected(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_headers_are_the_documented_columns(example: dict[str, Any]) -> None:
    files = CsvFormatter().files(example)
    assert list(files) == ["components.csv", "edges.csv", "findings.csv"]
    for name, columns in zip(files, (COMPONENT_COLUMNS, EDGE_COLUMNS, FINDING_COLUMNS), strict=True):
        assert files[name].split("\r\n", 1)[0] == ",".join(columns)
    assert COMPONENT_COLUMNS == ("id", "kind", "name", "language", "file", "line", "defined", "system",
                                 "dead_candidate", "fan_in", "fan_out", "code_lines", "complexity", "effort_p10",
                                 "effort_p50", "effort_p90", "risk_score")


def test_components_round_trip(hostile: dict[str, Any], tmp_path: Any) -> None:
    text = CsvFormatter().files(hostile)["components.csv"]
    # Written the way the reports are written (no newline translation), then read back from disk.
    path = _write_atomic(tmp_path / "components.csv", text)
    assert path.read_bytes().count(b"\r\n") >= len(hostile["components"]) + 1
    rows = _read(path.read_text(encoding="utf-8"))
    assert len(rows) == len(hostile["components"])
    for row, c in zip(rows, hostile["components"], strict=True):
        metrics, effort, risk = c["metrics"] or {}, c["effort"] or {}, c["risk"] or {}
        expected = {k: c[k] for k in COMPONENT_COLUMNS[:11]} | {
            "code_lines": metrics.get("code_lines"), "complexity": metrics.get("complexity"),
            "effort_p10": effort.get("p10"), "effort_p50": effort.get("p50"), "effort_p90": effort.get("p90"),
            "risk_score": risk.get("score")}
        assert {k: _restore(v) for k, v in row.items()} == {k: _expected(v) for k, v in expected.items()}
    payroll = next(r for r in rows if r["id"] == "program:BNB100")
    assert float(payroll["effort_p50"]) > 0 and float(payroll["risk_score"]) > 0


def test_formula_cell_is_neutralised_and_awkward_text_survives(hostile: dict[str, Any]) -> None:
    rows = _read(CsvFormatter().files(hostile)["components.csv"])
    formula = next(r for r in rows if r["id"] == f"program:{FORMULA_NAME}")
    assert formula["name"] == "'" + FORMULA_NAME
    assert formula["id"] == f"program:{FORMULA_NAME}"  # starts with "program:": nothing to neutralise
    awkward = next(r for r in rows if r["name"] == AWKWARD_NAME)
    assert awkward["name"] == 'PAY, "DAILY"\nRUN'
    assert awkward["effort_p50"] == "2.0" and awkward["risk_score"] == "12.5"


def test_quoting_is_rfc4180(hostile: dict[str, Any]) -> None:
    text = CsvFormatter().files(hostile)["components.csv"]
    # A field holding a comma, quote or line break is enclosed in quotes, inner quotes doubled.
    assert '"PAY, ""DAILY""\nRUN"' in text
    assert "\"'=HYPERLINK(\"\"x\"\")\"" in text
    assert text.endswith("\r\n")
    # Records end in CRLF; the only bare LFs are the two inside the awkward name (its id and its name).
    assert text.replace("\r\n", "").count("\n") == 2


def test_edges_round_trip(hostile: dict[str, Any]) -> None:
    rows = _read(CsvFormatter().files(hostile)["edges.csv"])
    assert len(rows) == len(hostile["edges"])
    for row, e in zip(rows, hostile["edges"], strict=True):
        expected = {k: e[k] for k in EDGE_COLUMNS[:6]} | {
            "locations": len(e["locations"]), "first_file": e["locations"][0]["file"],
            "first_line": e["locations"][0]["line"]}
        assert {k: _restore(v) for k, v in row.items()} == {k: _expected(v) for k, v in expected.items()}
    mine = rows[-3]
    assert mine["detail"] == "'@SUM(A1)\tx" and mine["locations"] == "2" and mine["first_line"] == "7"
    assert mine["source"] == f"program:{FORMULA_NAME}"  # the id starts with "program:", not a trigger
    assert rows[-2]["detail"] == "'+1 \\ trailing\\" and rows[-2]["resolved"] == "false"


def test_findings_round_trip(hostile: dict[str, Any]) -> None:
    rows = _read(CsvFormatter().files(hostile)["findings.csv"])
    assert len(rows) == len(hostile["findings"]) == 37
    for row, f in zip(rows, hostile["findings"], strict=True):
        assert {k: _restore(v) for k, v in row.items()} == {k: _expected(f[k]) for k in FINDING_COLUMNS}
    assert rows[-3]["message"] == "'-cmd|' /C calc'!A0"
    assert rows[-2]["file"] == "" and rows[-2]["line"] == ""
    assert rows[0]["rule"] == "LL101" and rows[0]["fingerprint"] == ALTER_FINGERPRINT


def test_neutralise_formula() -> None:
    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise_formula(f"{trigger}1+1") == f"'{trigger}1+1"
    assert neutralise_formula("PAYROLL") == "PAYROLL"
    assert neutralise_formula(" =1") == " =1"
    assert neutralise_formula("") == ""


def test_csv_is_deterministic(example: dict[str, Any]) -> None:
    assert CsvFormatter().files(example) == CsvFormatter().files(example)
    assert CsvFormatter().format(example) == CsvFormatter().files(example)["components.csv"]


def test_empty_scan_gives_header_only_files(example: dict[str, Any]) -> None:
    example["components"], example["edges"], example["findings"] = [], [], []
    files = CsvFormatter().files(example)
    assert files["findings.csv"] == ",".join(FINDING_COLUMNS) + "\r\n"
    assert all(text.count("\r\n") == 1 for text in files.values())
