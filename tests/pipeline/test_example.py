"""End to end on the bundled BENEFITS export (what `make demo` scans)."""

from __future__ import annotations

from typing import Any

import pytest
from scanning import EXAMPLE, edges_of, scan_dict


@pytest.fixture(scope="module")
def scan() -> dict[str, Any]:
    return scan_dict(EXAMPLE)


def test_every_edge_kind_is_present(scan: dict[str, Any]) -> None:
    kinds = {e["kind"] for e in scan["edges"]}
    assert {"includes", "calls", "links", "xctl", "runs", "starts", "uses-map", "ims", "reads", "writes",
            "updates", "deletes"} <= kinds


def test_every_resolution_route_is_exercised(scan: dict[str, Any]) -> None:
    vias = {e["via"] for e in scan["edges"]}
    assert {"literal", "value-clause", "move-literal", "move-constant", "menu-table", "jcl-exec",
            "ikjeft01-run", "dfsrrc00-parm", "csd", "copy", "sql-include", "bms-symbolic-map",
            "jcl-dd-select", "ssa-value", "unresolved-dynamic", "exec-sql"} <= vias


def test_key_edges(scan: dict[str, Any]) -> None:
    edges = edges_of(scan)
    expected = {
        ("program:BNB100", "calls", "program:BNCALC01", "value-clause", True),
        ("program:BNB100", "calls", "program:BNRATE02", "move-literal", True),
        ("program:BNB100", "calls", "program:BNAUDIT", "move-constant", True),
        ("program:BNB100", "calls", "dynamic:BNB100.WS-EXIT-PGM", "unresolved-dynamic", False),
        ("program:BNB100", "calls", "program:BNERRLOG", "literal", True),  # from copybook BNERRPRC
        ("program:BNB200", "calls", "program:BNEXTRNL", "literal", False),
        ("program:BNB200", "includes", "copybook:BNPOSTCD", "copy", False),
        ("program:BNMENU", "xctl", "program:BNCLINQ", "menu-table", True),
        ("program:BNMENU", "xctl", "program:BNCLMNT", "menu-table", True),
        ("program:BNMENU", "xctl", "program:BNPAYENQ", "menu-table", True),
        ("program:BNCLINQ", "xctl", "program:BNMENU", "move-literal", True),
        ("program:BNCLMNT", "links", "program:BNVALID", "literal", True),
        ("program:BNCLMNT", "updates", "file:CLAIMS", "literal", True),
        ("program:BNCLMNT", "deletes", "file:CLAIMS", "literal", True),
        ("program:BNMENU", "uses-map", "mapset:BNMS01", "literal", True),
        ("program:BNMENU", "starts", "transaction:BN01", "literal", True),
        ("transaction:BN01", "starts", "program:BNMENU", "csd", True),
        ("job:BNNIGHT1", "runs", "program:BNB100", "ikjeft01-run", True),
        ("job:BNNIGHT1", "runs", "proc:BNEXTRCT", "jcl-exec", True),
        ("job:BNIMSHST", "runs", "program:BNIMS01", "dfsrrc00-parm", True),
        ("job:BNIMSHST", "ims", "psb:BNPSB01", "dfsrrc00-parm", True),
        ("program:BNIMS01", "ims", "segment:CLMHIST", "ssa-value", True),
        ("program:BNB100", "writes", "table:PAYMENT", "exec-sql", True),
        ("program:BNB100", "deletes", "table:PAYMENT", "exec-sql", True),
        ("program:BNB100", "reads", "dataset:PROD.BN.CLAIMS.EXTRACT", "jcl-dd-select", True),
        ("program:BNB100", "writes", "dataset:PROD.BN.PAYMENTS", "jcl-dd-select", True),
        ("program:BNLEGACY", "reads", "dataset:PROD.BN.PAYMENTS", "jcl-dd-select", True),
        ("program:BNCLINQ", "includes", "mapset:BNMS02", "bms-symbolic-map", True),
    }
    assert expected <= edges, expected - edges


def test_ugly_members(scan: dict[str, Any]) -> None:
    files = {f["path"]: f for f in scan["files"]}
    assert files["cobol/BNLEGACY.cbl"]["encoding"] == "cp037"
    assert files["cobol/BNRPT01"]["detected_by"] == "content"
    assert files["cobol/BNRPT01"]["language"] == "cobol"
    comps = {c["id"]: c for c in scan["components"]}
    assert comps["program:BNRPT01"]["file"] == "cobol/BNRPT01"
    assert comps["program:BNFMTAMT"]["defined"]  # nested program
    assert comps["program:IKJEFT01"]["system"] and comps["copybook:SQLCA"]["system"]


def test_metrics_and_dead_code(scan: dict[str, Any]) -> None:
    comps = {c["id"]: c for c in scan["components"]}
    assert comps["program:BNB200"]["metrics"]["alter_count"] == 1
    assert comps["program:BNB200"]["metrics"]["dead_paragraphs"] == ["8000-PURGE-GONE-AWAY"]
    assert comps["program:BNB100"]["metrics"]["dead_paragraphs"] == ["8500-RESET-RERUN"]
    assert all(f["parse"]["error_ratio"] < 0.05 for f in scan["files"] if f["language"] == "cobol")
    assert sorted(c["id"] for c in scan["components"] if c["dead_candidate"]) == ["program:BNQTRRPT"]


def test_diagnostics_are_the_expected_ones(scan: dict[str, Any]) -> None:
    codes = sorted((d["code"], d["path"]) for d in scan["diagnostics"] if d["severity"] != "info")
    assert codes == [("COPY-NOT-FOUND", "cobol/BNB200.CBL")]
