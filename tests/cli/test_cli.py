"""The command line: exit codes, messages, the JSON contract, determinism and re-rendering."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from scanning import EXAMPLE, fixed
from typer.testing import CliRunner

from legacy_lens.cli import app
from legacy_lens.serialize import load_schema

runner = CliRunner()


@pytest.fixture(scope="module")
def example_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "out"
    result = runner.invoke(app, ["scan", str(EXAMPLE), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out


def test_scan_writes_the_three_reports(example_scan: Path) -> None:
    assert sorted(p.name for p in example_scan.iterdir()) == ["report.html", "report.md", "scan.json"]


def test_scan_json_validates_against_the_published_schema(example_scan: Path) -> None:
    scan = json.loads((example_scan / "scan.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema()).validate(scan)
    assert scan["schema_version"] == "1.0"


def test_two_scans_are_byte_identical(example_scan: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = runner.invoke(app, ["scan", str(EXAMPLE), "-o", str(again), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    for name in ("scan.json", "report.md", "report.html"):
        assert (again / name).read_bytes() == (example_scan / name).read_bytes(), name


def test_report_rerenders_from_scan_json(example_scan: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(example_scan / "scan.json"), "-o", str(tmp_path), "-f", "md"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.md").read_bytes() == (example_scan / "report.md").read_bytes()


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "path not found" in result.output


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", str(EXAMPLE), "-o", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 2
    assert "unknown format pdf" in result.output


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["scan", "--frobnicate"])
    assert result.exit_code == 2


def test_bad_config_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "A.cbl").write_text(fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. A."))
    (tmp_path / "legacy-lens.toml").write_text("[scan]\nmax_file_bytes = 'big'\n")
    result = runner.invoke(app, ["scan", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "max_file_bytes" in result.output
    (tmp_path / "legacy-lens.toml").write_text("[scan]\nno_such_setting = 1\n")
    result = runner.invoke(app, ["scan", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "unknown setting 'no_such_setting'" in result.output


def test_config_file_settings_apply(tmp_path: Path) -> None:
    (tmp_path / "A.cbl").write_text(fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. A."))
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "B.cbl").write_text(fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. B."))
    (tmp_path / "legacy-lens.toml").write_text("[scan]\nexcludes = ['skip/']\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(tmp_path), "-o", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    scan = json.loads((out / "scan.json").read_text())
    assert [f["path"] for f in scan["files"]] == ["A.cbl"]


def test_nothing_to_scan_exits_3(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# nothing here\n")
    (tmp_path / "blob.cbl").write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(app, ["scan", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "could be analysed" in result.output


def test_report_rejects_a_file_that_is_not_a_scan(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    result = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a legacy-lens scan" in result.output
    bad.write_text("{not json")
    result = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not JSON" in result.output


def test_languages_lists_the_descriptors() -> None:
    result = runner.invoke(app, ["languages", "--format", "json"])
    assert result.exit_code == 0
    names = {entry["name"] for entry in json.loads(result.output)}
    assert {"cobol", "jcl", "bms", "csd", "sql"} <= names


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).output.startswith("legacy-lens ")
    result = runner.invoke(app, ["scan", "--help"])
    assert result.exit_code == 0 and "--copybook-path" in result.output


@pytest.mark.parametrize("config, message", [
    ("[estimate]\nday_rate = -650\n", "estimate.day_rate must not be negative"),
    ("[estimate]\nhours_per_fp_p10 = 30\nhours_per_fp_p90 = 20\n", "must not exceed"),
    ("[estimate]\nday_rate = 'lots'\n", "estimate.day_rate must be a float"),
    ("[estimate]\nnot_a_coefficient = 1\n", "unknown setting estimate.not_a_coefficient"),
    ("[risk]\nweight_size = -1\n", "must not be negative"),
])
def test_estimate_settings_out_of_range_are_usage_errors(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "A.cbl").write_text(fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. A."))
    (tmp_path / "legacy-lens.toml").write_text(config)
    result = runner.invoke(app, ["scan", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert message in result.output


def test_day_rate_from_config_scales_cost(tmp_path: Path) -> None:
    (tmp_path / "A.cbl").write_text(fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. A.", "PROCEDURE DIVISION.",
                                          "    DISPLAY 'A'.", "    GOBACK."))
    (tmp_path / "legacy-lens.toml").write_text("[estimate]\nday_rate = 500\ncurrency = 'EUR'\n")
    result = runner.invoke(app, ["scan", str(tmp_path), "-o", str(tmp_path / "out"), "-f", "json"])
    assert result.exit_code == 0, result.output
    estimate = json.loads((tmp_path / "out" / "scan.json").read_text())["summary"]["estimate"]
    assert estimate["cost"]["currency"] == "EUR" and estimate["cost"]["day_rate"] == 500
    assert estimate["cost"]["p50"] == pytest.approx(estimate["p50"] * 500, abs=100)


def test_rules_paths_from_a_config_inside_the_scanned_tree_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "A.cbl").write_text(fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. A."))
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "evil.yml").write_text(
        "- code: XX999\n  name: planted\n  category: optional\n  severity: low\n  effort: 1\n"
        "  match: {pattern: {regex: 'PROGRAM'}}\n  docs: {why: w, remediation: r}\n")
    (tmp_path / "legacy-lens.toml").write_text("[scan]\nrules_paths = ['planted']\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(tmp_path), "-o", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "rules_paths is ignored" in result.output
    assert not [f for f in json.loads((out / "scan.json").read_text())["findings"] if f["rule"] == "XX999"]
