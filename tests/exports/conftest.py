"""Fixtures for the export tests: the example's scan, and one with hostile names added."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from export_names import AWKWARD_NAME, FORMULA_NAME, MARKUP_FILE, MARKUP_NAME
from scanning import EXAMPLE, scan_dict


@pytest.fixture(scope="session")
def _example_frozen() -> dict[str, Any]:
    return scan_dict(EXAMPLE)


@pytest.fixture()
def example(_example_frozen: dict[str, Any]) -> dict[str, Any]:
    """The scan of examples/benefits (a fresh copy per test)."""
    return copy.deepcopy(_example_frozen)


def _component(cid: str, name: str, file: str | None, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": cid, "kind": cid.split(":", 1)[0], "name": name, "language": "cobol" if file else None,
        "file": file, "line": 1 if file else None, "defined": file is not None, "system": False,
        "dead_candidate": False, "fan_in": 0, "fan_out": 0, "metrics": None, "effort": None, "risk": None,
    }
    return base | extra


@pytest.fixture()
def hostile(example: dict[str, Any]) -> dict[str, Any]:
    """The example plus components, edges and findings whose names and paths try to break each format."""
    example["components"] += [
        _component(f"program:{FORMULA_NAME}", FORMULA_NAME, "cobol/-dash.cbl", fan_out=2),
        _component(f"program:{AWKWARD_NAME}", AWKWARD_NAME, "cobol/pay daily#1.cbl", fan_in=1,
                   risk={"score": 12.5, "drivers": []},
                   effort={"p10": 1.0, "p50": 2.0, "p90": 4.0, "unit": "person-days", "function_points": 1.0,
                           "base_days": 1.0, "sigma": 0.5, "drivers": []}),
        _component(f"program:{MARKUP_NAME}", MARKUP_NAME, MARKUP_FILE, fan_in=1),
        _component("program:CTRL\x01CHAR", "CTRL\x01CHAR", None),
    ]
    example["edges"] += [
        {"source": f"program:{FORMULA_NAME}", "target": f"program:{AWKWARD_NAME}", "kind": "calls",
         "resolved": True, "via": "literal", "detail": "@SUM(A1)\tx",
         "locations": [{"file": "cobol/-dash.cbl", "line": 7}, {"file": "cobol/-dash.cbl", "line": 9}]},
        {"source": f"program:{FORMULA_NAME}", "target": f"program:{MARKUP_NAME}", "kind": "calls",
         "resolved": False, "via": "unresolved-dynamic", "detail": "+1 \\ trailing\\",
         "locations": [{"file": "cobol/-dash.cbl", "line": 8}]},
        {"source": f"program:{FORMULA_NAME}", "target": "program:CTRL\x01CHAR", "kind": "calls",
         "resolved": False, "via": "literal", "detail": "",
         "locations": [{"file": "cobol/-dash.cbl", "line": 10}]},
    ]
    base = {"category": "mandatory", "severity": "critical", "effort": 8, "name": "Site rule"}
    example["findings"] += [
        base | {"rule": "XX901", "component": f"program:{MARKUP_NAME}", "message": "-cmd|' /C calc'!A0",
                "fingerprint": "0123456789abcdef01234567", "file": MARKUP_FILE, "line": 3,
                "location": {"file": MARKUP_FILE, "line": 3}},
        base | {"rule": "XX901", "component": f"program:{AWKWARD_NAME}", "message": "no file: placed at component",
                "fingerprint": "89abcdef0123456789abcdef", "file": None, "line": None, "location": None},
        base | {"rule": "XX901", "component": "program:CTRL\x01CHAR", "message": "nowhere to put it",
                "fingerprint": "fedcba9876543210fedcba98", "file": None, "line": None, "location": None},
    ]
    return example
