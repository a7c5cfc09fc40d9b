"""Table layouts from DDL become JSON Schemas: SQL types, lengths, scale, nullability and keys."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from legacy_lens.link import link
from legacy_lens.model import Column, Definition, Extraction, FileFacts, Reference, SourceFile
from legacy_lens.schema_export import export_schemas, table_schema

CLAIM = {
    "id": "table:CLAIM", "name": "CLAIM", "file": "ddl/claim.sql", "line": 3, "source": "ddl",
    "columns": [
        {"name": "CLAIM_ID", "type": "INTEGER", "length": None, "scale": None, "nullable": False,
         "primary_key": True, "default": "", "line": 4},
        {"name": "AMOUNT", "type": "DECIMAL", "length": 9, "scale": 2, "nullable": False, "primary_key": False,
         "default": "0", "line": 5},
        {"name": "STATUS", "type": "CHAR", "length": 1, "scale": None, "nullable": True, "primary_key": False,
         "default": "", "line": 6},
        {"name": "OPENED", "type": "DATE", "length": None, "scale": None, "nullable": True, "primary_key": False,
         "default": "", "line": 7},
        {"name": "WEIRD", "type": "SDO_GEOMETRY", "length": None, "scale": None, "nullable": True,
         "primary_key": False, "default": "", "line": 8},
    ],
    "used_by": [{"component": "program:BNCLMNT", "access": ["reads", "updates"]}],
}


def test_types_lengths_scale_and_nullability() -> None:
    schema = table_schema(CLAIM)
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert props["CLAIM_ID"]["type"] == "integer" and props["CLAIM_ID"]["maximum"] == 2**31 - 1
    assert props["AMOUNT"] == props["AMOUNT"] | {"type": "number", "multipleOf": 0.01, "maximum": 9999999.99}
    assert props["STATUS"]["type"] == ["string", "null"] and props["STATUS"]["maxLength"] == 1
    assert props["OPENED"]["format"] == "date"
    assert "type" not in props["WEIRD"] and "not mapped" in props["WEIRD"]["description"]
    assert schema["required"] == ["CLAIM_ID", "AMOUNT"]
    assert schema["x-sql"]["primary_key"] == ["CLAIM_ID"]
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate({"CLAIM_ID": 7, "AMOUNT": 1234.5, "STATUS": None, "OPENED": "2026-01-31"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"CLAIM_ID": 7, "AMOUNT": 100000000.0})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"AMOUNT": 1.0})  # the key is NOT NULL


def test_export_writes_table_schemas_beside_records(tmp_path: Path) -> None:
    written = export_schemas({"records": [], "tables": [CLAIM]}, tmp_path)
    assert sorted(p.name for p in written) == ["datapackage.json", "table.CLAIM.schema.json"]
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["x-legacy-lens"]["used_by"] == ["program:BNCLMNT"]


def test_linker_lays_out_the_used_definition_with_its_users() -> None:
    ddl = FileFacts(SourceFile("ddl/claim.sql", "sql", "utf-8", 1, "0" * 64), Extraction(
        definitions=(Definition("table", "CLAIM", 3),),
        columns=(("table:CLAIM", (Column("CLAIM_ID", "INTEGER", 4, nullable=False, primary_key=True),)),)))
    program = FileFacts(SourceFile("cobol/A.cbl", "cobol", "utf-8", 1, "1" * 64), Extraction(
        definitions=(Definition("program", "A", 1),),
        references=(Reference("program:A", "reads", "table", "CLAIM", 9, via="exec-sql"),)))
    (table,) = link([ddl, program]).tables
    assert table["columns"][0]["name"] == "CLAIM_ID" and table["columns"][0]["primary_key"]
    assert table["used_by"] == [{"component": "program:A", "access": ["reads"]}]
