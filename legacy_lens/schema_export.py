"""Record layouts of a scan as JSON Schema (draft 2020-12), and a Frictionless data package listing them.

One schema per ``scan.json`` record (``records``, laid out by :mod:`legacy_lens.datadict`). An
instance is a JSON object holding one record's fields by COBOL name:

- text (alphanumeric, alphabetic, edited, national) is a string of at most the field's character
  positions (``maxLength``; trailing spaces may be dropped);
- a number (zoned, packed, binary) is a JSON number within the range its PICTURE allows
  (``minimum``/``maximum``; no minimum below 0 when it is unsigned), with ``multipleOf`` 10^-scale
  when it has decimals (``integer`` when it has none); COMP-5 takes the range of its bytes;
  COMP-1/COMP-2 are plain numbers, POINTER and INDEX non-negative integers;
- a group is an object, an OCCURS an array (``maxItems``, and ``minItems`` from OCCURS ... TO);
- the items that share storage through REDEFINES are alternatives: exactly one of them is present
  (``oneOf`` of ``required``);
- 88-level condition names become ``enum`` when every value is a plain value of the field (no
  THRU range, no HIGH-/LOW-VALUES), and are listed in ``x-cobol.conditions`` in any case;
- FILLER holds no data and is left out; the named items inside a FILLER group are kept;
- a field whose layout is uncertain says so (``x-cobol.uncertain`` and its description) and a field
  whose USAGE is unknown has no ``type``: nothing is invented.

Every property's description carries the COBOL name, PICTURE, USAGE, offset and length.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from legacy_lens.cobol_data import display_length

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
_TEXT = ("alphanumeric", "alphabetic", "alphanumeric-edited", "numeric-edited", "national")
_DECIMAL = ("zoned-decimal", "packed-decimal", "binary")


class _F:
    """A field of a record, with its subordinate fields."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.children: list[_F] = []

    @property
    def name(self) -> str:
        return str(self.data["name"])


def _tree(fields: list[dict[str, Any]]) -> list[_F]:
    top: list[_F] = []
    stack: list[_F] = []
    for data in fields:
        node = _F(data)
        while stack and stack[-1].data["level"] >= data["level"]:
            stack.pop()
        (stack[-1].children if stack else top).append(node)
        stack.append(node)
    return top


def _description(f: dict[str, Any]) -> str:
    parts = [f"COBOL {f['name']} (level {f['level']:02d}, line {f['line']})"]
    if f["picture"]:
        parts.append(f"PIC {f['picture']}")
    if f["usage"]:
        parts.append(f"USAGE {f['usage']}")
    if f["sync"]:
        parts.append("SYNC")
    if f["sign_separate"]:
        parts.append("SIGN SEPARATE")
    text = " ".join(parts) + f"; offset {f['offset']}, length {f['length']} bytes"
    if f["occurs"]:
        text += f", OCCURS {f['occurs_min']} TO {f['occurs']}" if f["depending_on"] else f", OCCURS {f['occurs']}"
        if f["depending_on"]:
            text += f" DEPENDING ON {f['depending_on']}"
    if f["redefines"]:
        text += f", REDEFINES {f['redefines']}"
    if f["conditions"]:
        text += "; condition names: " + ", ".join(
            f"{c['name']} = {' THRU '.join(c['values']) if c['thru'] else ', '.join(map(_show, c['values']))}"
            for c in f["conditions"])
    if f["uncertain"]:
        text += "; UNCERTAIN: " + "; ".join(f["notes"])
    return text


def _show(value: str) -> str:
    return value[1:] if value.startswith("\x00") else repr(value)


def _enum(f: dict[str, Any], numeric: bool) -> list[Any] | None:
    """The 88-level values as JSON values of the field, or None when they cannot all be written as such."""
    values: list[Any] = []
    for condition in f["conditions"]:
        if condition["thru"]:
            return None
        for value in condition["values"]:
            figurative = value[1:] if value.startswith("\x00") else ""
            if figurative.startswith(("ZERO", "ZEROS", "ZEROES")):
                values.append(0 if numeric else "0" * _chars(f))
            elif figurative.startswith("SPACE") and not numeric:
                values.append("")
            elif figurative:
                return None
            elif numeric:
                try:
                    number = float(value)
                except ValueError:
                    return None
                values.append(int(number) if number.is_integer() and f["scale"] <= 0 else number)
            else:
                values.append(value.rstrip(" "))
    return sorted(set(values), key=lambda v: (str(type(v)), v)) or None


def _chars(f: dict[str, Any]) -> int:
    return display_length(f["picture"]) if f["picture"] else 0


def _elementary(f: dict[str, Any]) -> dict[str, Any]:
    kind = f["type"]
    schema: dict[str, Any] = {}
    if kind in _TEXT:
        schema = {"type": "string", "maxLength": _chars(f)}
        if kind == "alphabetic":
            schema["pattern"] = "^[A-Za-z ]*$"
    elif kind in _DECIMAL and f["digits"]:
        digits, scale = int(f["digits"]), int(f["scale"] or 0)
        if scale > 0:
            high: float | int = round((10 ** digits - 1) / 10 ** scale, scale)
            schema = {"type": "number", "multipleOf": round(10.0 ** -scale, scale)}
        else:
            high = (10 ** digits - 1) * 10 ** -scale
            schema = {"type": "integer"}
            if scale < 0:
                schema["multipleOf"] = 10 ** -scale
        schema |= {"minimum": -high if f["signed"] else 0, "maximum": high}
    elif kind == "native-binary":
        bits = 8 * int(f["length"])
        schema = {"type": "integer", "minimum": -(2 ** (bits - 1)) if f["signed"] else 0,
                  "maximum": 2 ** (bits - 1) - 1 if f["signed"] else 2 ** bits - 1}
        if f["scale"]:
            schema = {"type": "number"}
    elif kind == "float":
        schema = {"type": "number"}
    elif kind in ("pointer", "index"):
        schema = {"type": "integer", "minimum": 0, "maximum": 2 ** 32 - 1}
    enum = _enum(f, numeric=schema.get("type") in ("number", "integer")) if f["conditions"] and schema else None
    if enum is not None:
        schema["enum"] = enum
    return schema


def _cobol(f: dict[str, Any]) -> dict[str, Any]:
    out = {k: f[k] for k in ("name", "level", "line", "offset", "length", "picture", "usage", "type", "occurs",
                             "depending_on", "redefines", "uncertain")}
    if f["conditions"]:
        out["conditions"] = {c["name"]: [_show(v) if v.startswith("\x00") else v for v in c["values"]]
                             for c in f["conditions"]}
    return out


def _field_schema(node: _F) -> dict[str, Any]:
    f = node.data
    inner = _object(node.children) if node.children else _elementary(f)
    if f["occurs"]:
        inner = {"type": "array", "items": inner, "maxItems": f["occurs"], "minItems": f["occurs_min"]}
    return {"description": _description(f), **inner, "x-cobol": _cobol(f)}


def _members(node: _F) -> tuple[dict[str, Any], list[str]]:
    """(properties, names to require) a node contributes to its parent object."""
    if node.name != "FILLER":
        return {node.name: _field_schema(node)}, [node.name]
    if not node.children or node.data["occurs"]:
        return {}, []  # FILLER holds no data (an OCCURS FILLER table cannot be addressed by name)
    obj = _object(node.children)
    return dict(obj["properties"]), list(obj["required"])


def _object(children: list[_F]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    groups: dict[str, list[list[str]]] = {}  # redefined name -> the names each alternative requires
    for child in children:
        props, names = _members(child)
        properties.update(props)
        target = child.data["redefines"]
        if target and target in groups:
            groups[target].append(names)
            continue
        redefined = any(c.data["redefines"] == child.name for c in children) if child.name != "FILLER" else False
        if redefined:
            groups[child.name] = [names]
            continue
        required.extend(n for n in names if n not in required)
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": required,
                              "additionalProperties": False}
    alternatives = [[{"required": names} for names in options if names] for options in groups.values()]
    alternatives = [a for a in alternatives if a]
    if alternatives:
        schema["allOf"] = [{"oneOf": a} if len(a) > 1 else a[0] for a in alternatives]
    return schema


def record_schema(record: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one ``scan.json`` record."""
    body = _object(_tree(record["fields"]))
    description = (f"COBOL record {record['name']} from copybook {record['copybook']} ({record['file']} line "
                   f"{record['line']}): {record['length']} bytes"
                   + (", variable length (OCCURS DEPENDING ON; the length is the maximum)" if record["variable"]
                      else "")
                   + ("; some fields' layout is uncertain (see x-cobol.uncertain)" if record["uncertain"] else ""))
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:legacy-lens:{record['id']}",
        "title": record["name"],
        "description": description,
        **body,
        "x-cobol": {"record": record["name"], "copybook": record["copybook"], "file": record["file"],
                    "line": record["line"], "length": record["length"], "variable": record["variable"],
                    "uncertain": record["uncertain"], "programs": record.get("programs", [])},
    }


# SQL type -> JSON Schema, for the types of DB2, Oracle, SQL Server and ANSI DDL. A type not listed gets no
# "type" (nothing is invented), and its description says so.
_SQL_TEXT = frozenset({"CHAR", "CHARACTER", "NCHAR", "GRAPHIC", "VARCHAR", "VARCHAR2", "NVARCHAR", "NVARCHAR2",
                       "VARGRAPHIC", "LONG VARCHAR", "CLOB", "NCLOB", "DBCLOB", "TEXT", "NTEXT", "LONG",
                       "CHARACTER VARYING", "XML", "UNIQUEIDENTIFIER"})
_SQL_INTEGERS = {"SMALLINT": (-(2**15), 2**15 - 1), "INTEGER": (-(2**31), 2**31 - 1), "INT": (-(2**31), 2**31 - 1),
                 "BIGINT": (-(2**63), 2**63 - 1), "TINYINT": (0, 255)}
_SQL_DECIMAL = frozenset({"DECIMAL", "DEC", "NUMERIC", "NUMBER", "MONEY", "SMALLMONEY"})
_SQL_FLOAT = frozenset({"REAL", "FLOAT", "DOUBLE", "DOUBLE PRECISION", "DECFLOAT", "BINARY_FLOAT",
                        "BINARY_DOUBLE"})
_SQL_FORMATS = {"DATE": "date", "TIME": "time", "TIMESTAMP": "date-time", "DATETIME": "date-time",
                "DATETIME2": "date-time", "SMALLDATETIME": "date-time", "DATETIMEOFFSET": "date-time"}
_SQL_BINARY = frozenset({"BLOB", "BINARY", "VARBINARY", "RAW", "LONG RAW", "IMAGE", "BYTEA", "ROWID",
                         "CHAR FOR BIT DATA", "VARCHAR FOR BIT DATA"})


def _column_schema(column: dict[str, Any]) -> dict[str, Any]:
    sql_type = str(column["type"]).upper()
    length, scale = column.get("length"), column.get("scale")
    declared = sql_type + (f"({length}{f',{scale}' if scale is not None else ''})" if length is not None else "")
    out: dict[str, Any] = {}
    if sql_type in _SQL_TEXT:
        out["type"] = "string"
        if length is not None:
            out["maxLength"] = length
    elif sql_type in _SQL_INTEGERS:
        low, high = _SQL_INTEGERS[sql_type]
        out.update(type="integer", minimum=low, maximum=high)
    elif sql_type in _SQL_DECIMAL:
        if length is not None:
            digits, places = int(length), int(scale or 0)
            limit = (10**digits - 1) / 10**places if places else 10**digits - 1
            if places:
                out.update(type="number", multipleOf=float(f"1e-{places}"), minimum=-limit, maximum=limit)
            else:
                out.update(type="integer", minimum=-limit, maximum=limit)
        else:
            out["type"] = "number"
    elif sql_type in _SQL_FLOAT:
        out["type"] = "number"
    elif sql_type in _SQL_FORMATS:
        out.update(type="string", format=_SQL_FORMATS[sql_type])
    elif sql_type in ("BOOLEAN", "BIT"):
        out["type"] = "boolean"
    elif sql_type in _SQL_BINARY:
        out.update(type="string", contentEncoding="base64")
    if "type" in out and column.get("nullable", True):
        out["type"] = [out["type"], "null"]
    described = "SQL " + declared + ("" if column.get("nullable", True) else " NOT NULL")
    if column.get("primary_key"):
        described += ", primary key"
    if column.get("default"):
        described += f", default {column['default']}"
    if "type" not in out:
        described += "; type not mapped, so no JSON type is given"
    out["description"] = f"{column['name']}: {described}"
    out["x-sql"] = {"type": sql_type, "length": length, "scale": scale, "nullable": column.get("nullable", True),
                    "primary_key": bool(column.get("primary_key")), "line": column.get("line")}
    return out


def table_schema(table: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one row of a ``scan.json`` table: an object of its columns by name."""
    columns = table["columns"]
    keys = [c["name"] for c in columns if c.get("primary_key")]
    description = (f"Row of table {table['name']} ({table['file']} line {table['line']}, from {table['source']}): "
                   f"{len(columns)} column(s)" + (f", primary key {', '.join(keys)}" if keys else ""))
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:legacy-lens:{table['id']}",
        "title": table["name"],
        "description": description,
        "type": "object",
        "properties": {c["name"]: _column_schema(c) for c in columns},
        "required": [c["name"] for c in columns if not c.get("nullable", True)],
        "additionalProperties": False,
        "x-sql": {"table": table["name"], "file": table["file"], "line": table["line"], "source": table["source"],
                  "primary_key": keys, "used_by": table.get("used_by", [])},
    }


def _file_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or "record"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate.lower())
    return f"{candidate}.schema.json"


def export_schemas(scan: dict[str, Any], out_dir: Path, datapackage: bool = True) -> list[Path]:
    """Write one schema per record and per table (and ``datapackage.json``) under ``out_dir``; returns the
    paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    resources: list[dict[str, Any]] = []
    taken: set[str] = set()
    for record in scan.get("records", []):
        schema = record_schema(record)
        path = out_dir / _file_name(record["name"], taken)
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
        resources.append({
            "name": re.sub(r"[^a-z0-9._-]", "-", path.name.removesuffix(".schema.json").lower()),
            "path": path.name, "format": "json", "mediatype": "application/schema+json",
            "title": record["name"], "description": schema["description"],
            "x-legacy-lens": {"id": record["id"], "copybook": record["copybook"], "file": record["file"],
                              "length": record["length"], "programs": record.get("programs", [])},
        })
    for table in scan.get("tables") or []:
        schema = table_schema(table)
        path = out_dir / _file_name(f"table.{table['name']}", taken)
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
        resources.append({
            "name": re.sub(r"[^a-z0-9._-]", "-", path.name.removesuffix(".schema.json").lower()),
            "path": path.name, "format": "json", "mediatype": "application/schema+json",
            "title": table["name"], "description": schema["description"],
            "x-legacy-lens": {"id": table["id"], "file": table["file"], "columns": len(table["columns"]),
                              "used_by": [u["component"] for u in table.get("used_by", [])]},
        })
    if datapackage:
        package = {"$schema": DATAPACKAGE_PROFILE, "name": "legacy-lens-record-layouts",
                   "title": "Record and table layouts (JSON Schema) extracted by legacy-lens",
                   "description": "One JSON Schema (draft 2020-12) per COBOL record layout and per database "
                                  "table found in the scan.",
                   "resources": resources}
        path = out_dir / "datapackage.json"
        path.write_text(json.dumps(package, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
