"""export-schema: JSON Schema 2020-12 per record, valid, round-tripping, with exact output for BNPAYREC."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_datadict import MIXED, _copybook
from typer.testing import CliRunner

from legacy_lens.cli import app
from legacy_lens.datadict import layout_records
from legacy_lens.extractors.cobol import extract
from legacy_lens.languages import language_by_name
from legacy_lens.schema_export import export_schemas, record_schema

runner = CliRunner()


def instance(schema: dict[str, Any], variant: int = 0) -> Any:
    """A value the schema accepts, built from it: the largest number, the longest text, the full table.

    ``variant`` picks which REDEFINES alternative (and which 88-level value) to use, so that every
    alternative can be exercised.
    """
    if "enum" in schema:
        return schema["enum"][variant % len(schema["enum"])]
    kind = schema.get("type")
    if isinstance(kind, list):  # a nullable SQL column: alternate between a value and null
        return None if variant == 2 else instance({**schema, "type": kind[0]}, variant)
    if kind == "object":
        names = list(schema["required"])
        for part in schema.get("allOf", []):
            options = part.get("oneOf", [part])
            names.extend(options[variant % len(options)]["required"])
        return {name: instance(schema["properties"][name], variant) for name in names}
    if kind == "array":
        return [instance(schema["items"], variant) for _ in range(schema["maxItems"])]
    if kind == "string":
        formats = {"date": "2026-11-26", "time": "23:59:59", "date-time": "2026-11-26T23:59:59Z"}
        if "format" in schema:
            return formats[schema["format"]]
        if "contentEncoding" in schema:
            return "AAAA"
        return "A" * schema.get("maxLength", 30)
    if kind == "boolean":
        return variant % 2 == 0
    if kind in ("integer", "number"):
        return schema.get("maximum", 0) if variant % 2 == 0 else schema.get("minimum", 0)
    raise AssertionError(f"no instance for {schema}")


def _schemas_of(text: str) -> dict[str, dict[str, Any]]:
    ex = extract(text, "TEST.cpy", language_by_name("cobol"))
    items = [item for _owner, owned in ex.data_items for item in owned]
    records, _ = layout_records(items, "TEST", "TEST.cpy")
    return {r["name"]: record_schema(r) for r in records}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, _example_frozen: dict[str, Any]) -> Path:
    out = tmp_path_factory.mktemp("schemas")
    export_schemas(_example_frozen, out)
    return out


def test_every_example_schema_is_valid_2020_12_and_round_trips(exported: Path,
                                                               _example_frozen: dict[str, Any]) -> None:
    paths = sorted(exported.glob("*.schema.json"))
    assert len(_example_frozen["records"]) == 10 and len(_example_frozen["tables"]) == 4
    assert len(paths) == 14
    for path in paths:
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for variant in range(3):
            errors = list(validator.iter_errors(instance(schema, variant)))
            assert errors == [], (path.name, variant, errors[:1])


def test_bnpayrec_schema_exactly(exported: Path) -> None:
    schema = json.loads((exported / "BN-PAYMENT-REC.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "BN-PAYMENT-REC"
    assert schema["$id"] == "urn:legacy-lens:record:BN-PAYMENT-REC"
    assert schema["x-cobol"] == {
        "record": "BN-PAYMENT-REC", "copybook": "BNPAYREC", "file": "copybook/BNPAYREC.cpy", "line": 9,
        "length": 120, "variable": False, "uncertain": False,
        "programs": ["program:BNB100", "program:BNB300", "program:BNLEGACY", "program:BNRPT01"]}
    props = schema["properties"]
    assert list(props) == ["PAY-PAYMENT-ID", "PAY-CLAIM-ID", "PAY-CLAIMANT-ID", "PAY-BENEFIT-TYPE", "PAY-PAY-DATE",
                           "PAY-PERIOD", "PAY-AMOUNTS", "PAY-METHOD", "PAY-DESTINATION", "PAY-BACS-DEST",
                           "PAY-CHEQUE-DEST", "PAY-STATUS"]  # the two FILLERs hold no data
    assert schema["required"] == ["PAY-PAYMENT-ID", "PAY-CLAIM-ID", "PAY-CLAIMANT-ID", "PAY-BENEFIT-TYPE",
                                  "PAY-PAY-DATE", "PAY-PERIOD", "PAY-AMOUNTS", "PAY-METHOD", "PAY-STATUS"]
    assert schema["allOf"] == [{"oneOf": [{"required": ["PAY-DESTINATION"]}, {"required": ["PAY-BACS-DEST"]},
                                          {"required": ["PAY-CHEQUE-DEST"]}]}]
    assert schema["additionalProperties"] is False
    offsets = {name: (p["x-cobol"]["offset"], p["x-cobol"]["length"]) for name, p in props.items()}
    assert offsets == {"PAY-PAYMENT-ID": (0, 11), "PAY-CLAIM-ID": (11, 12), "PAY-CLAIMANT-ID": (23, 10),
                       "PAY-BENEFIT-TYPE": (33, 3), "PAY-PAY-DATE": (36, 8), "PAY-PERIOD": (44, 16),
                       "PAY-AMOUNTS": (60, 15), "PAY-METHOD": (75, 1), "PAY-DESTINATION": (76, 14),
                       "PAY-BACS-DEST": (76, 14), "PAY-CHEQUE-DEST": (76, 14), "PAY-STATUS": (90, 1)}
    gross = props["PAY-AMOUNTS"]["properties"]["PAY-GROSS-AMT"]
    assert {k: gross[k] for k in ("type", "minimum", "maximum", "multipleOf")} == {
        "type": "number", "minimum": -9999999.99, "maximum": 9999999.99, "multipleOf": 0.01}
    assert gross["description"] == ("COBOL PAY-GROSS-AMT (level 10, line 19) PIC S9(7)V99 USAGE COMP-3; "
                                    "offset 60, length 5 bytes")
    assert props["PAY-PAYMENT-ID"] | {"description": "", "x-cobol": {}} == {
        "type": "integer", "minimum": 0, "maximum": 99999999999, "description": "", "x-cobol": {}}
    assert props["PAY-CLAIM-ID"]["type"] == "string" and props["PAY-CLAIM-ID"]["maxLength"] == 12
    assert props["PAY-STATUS"]["enum"] == ["I", "N", "P", "X"]
    assert props["PAY-STATUS"]["x-cobol"]["conditions"] == {"PAY-CALCULATED": ["N"], "PAY-ISSUED": ["I"],
                                                            "PAY-POSTED": ["P"], "PAY-CANCELLED": ["X"]}
    assert props["PAY-METHOD"]["enum"] == ["B", "C"]
    assert list(props["PAY-CHEQUE-DEST"]["properties"]) == ["PAY-CHEQUE-NO"]
    assert props["PAY-BACS-DEST"]["description"].endswith("REDEFINES PAY-DESTINATION")
    validator = jsonschema.Draft202012Validator(schema)
    good = instance(schema)
    assert validator.is_valid(good)
    assert not validator.is_valid(good | {"PAY-STATUS": "Z"})  # not one of the 88 values
    assert not validator.is_valid(good | {"PAY-CLAIM-ID": "X" * 13})  # longer than PIC X(12)
    assert not validator.is_valid(good | {"PAY-BACS-DEST": {"PAY-SORT-CODE": 1, "PAY-ACCOUNT-NO": 2}})  # 2 views
    amounts = good["PAY-AMOUNTS"] | {"PAY-NET-AMT": 10000000}
    assert not validator.is_valid(good | {"PAY-AMOUNTS": amounts})  # over S9(7)V99


def test_datapackage_lists_every_schema(exported: Path) -> None:
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    paths = [r["path"] for r in package["resources"]]
    assert sorted(paths) == sorted(p.name for p in exported.glob("*.schema.json"))
    for resource in package["resources"]:
        assert resource["mediatype"] == "application/schema+json"
        assert resource["name"] == resource["name"].lower()
    pay = next(r for r in package["resources"] if r["title"] == "BN-PAYMENT-REC")
    assert pay["x-legacy-lens"]["length"] == 120 and pay["x-legacy-lens"]["id"] == "record:BN-PAYMENT-REC"


def test_occurs_redefines_sync_and_sign_in_schema() -> None:
    schema = _schemas_of(MIXED)["MIXED-REC"]
    jsonschema.Draft202012Validator.check_schema(schema)
    table = schema["properties"]["M-TABLE"]
    assert (table["type"], table["maxItems"], table["minItems"]) == ("array", 3, 3)
    assert table["items"]["properties"]["M-ENTRY-AMT"]["maximum"] == 9999999
    assert schema["allOf"] == [{"oneOf": [{"required": ["M-TABLE"]}, {"required": ["M-TABLE-R"]}]}]
    assert schema["properties"]["M-C5"] | {"description": "", "x-cobol": {}} == {
        "type": "integer", "minimum": -(2 ** 31), "maximum": 2 ** 31 - 1, "description": "", "x-cobol": {}}
    assert schema["properties"]["M-RATE"]["type"] == "number"
    assert "SYNC" in schema["properties"]["M-HALF"]["description"]
    assert "SIGN SEPARATE" in schema["properties"]["M-QTY"]["description"]
    validator = jsonschema.Draft202012Validator(schema)
    for variant in range(2):
        assert list(validator.iter_errors(instance(schema, variant))) == []


def test_uncertain_and_odo_schemas() -> None:
    schemas = _schemas_of(_copybook(
        "01  BAD-USAGE.",
        "    05  U-A   PIC X(2).",
        "    05  U-B   PIC 9(4) USAGE IS COMP-6.",
        "01  ODO-OK.",
        "    05  O-COUNT   PIC 9(2).",
        "    05  O-ITEMS OCCURS 1 TO 10 TIMES DEPENDING ON O-COUNT.",
        "        10  O-ITEM  PIC X(3).",
        "    05  O-RANGE   PIC 9.",
        "        88  O-LOW      VALUE 1 THRU 3.",
    ))
    bad = schemas["BAD-USAGE"]
    jsonschema.Draft202012Validator.check_schema(bad)
    assert "type" not in bad["properties"]["U-B"]  # never invent a type
    assert bad["properties"]["U-B"]["x-cobol"]["uncertain"] is True
    assert "UNCERTAIN" in bad["properties"]["U-B"]["description"]
    odo = schemas["ODO-OK"]
    assert (odo["properties"]["O-ITEMS"]["minItems"], odo["properties"]["O-ITEMS"]["maxItems"]) == (1, 10)
    assert "DEPENDING ON O-COUNT" in odo["properties"]["O-ITEMS"]["description"]
    assert "enum" not in odo["properties"]["O-RANGE"]  # a THRU range is not a list of values
    assert "O-LOW = 1 THRU 3" in odo["properties"]["O-RANGE"]["description"]


def test_cli_export_schema(tmp_path: Path, _example_frozen: dict[str, Any]) -> None:
    scan_json = tmp_path / "scan.json"
    scan_json.write_text(json.dumps(_example_frozen), encoding="utf-8")
    result = runner.invoke(app, ["export-schema", str(scan_json), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "BN-PAYMENT-REC.schema.json").is_file()
    assert (tmp_path / "out" / "datapackage.json").is_file()
    result = runner.invoke(app, ["export-schema", str(scan_json), "-o", str(tmp_path / "bare"), "--no-datapackage"])
    assert result.exit_code == 0 and not (tmp_path / "bare" / "datapackage.json").exists()
    old = {k: v for k, v in _example_frozen.items() if k != "records"}
    scan_json.write_text(json.dumps(old), encoding="utf-8")
    result = runner.invoke(app, ["export-schema", str(scan_json), "-o", str(tmp_path / "old")])
    assert result.exit_code == 2 and "scan again" in result.output
