"""CSD extractor: DFHCSDUP DEFINE statements."""

from __future__ import annotations

from pathlib import Path

from legacy_lens.extractors import csd
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csd"
SPEC = language_by_name("csd")


def run(name: str) -> Extraction:
    return csd.extract((FIXTURES / name).read_text(encoding="utf-8"), f"csd/{name}", SPEC)


def test_prodcics_definitions_and_references() -> None:
    x = run("prodcics.csd")
    assert {(d.kind, d.name, d.line, d.end_line, d.detail) for d in x.definitions} == {
        ("transaction", "CINQ", 4, 6, "group=CUSTAPP"),
        ("program-definition", "CUSTINQ", 7, 8, "group=CUSTAPP"),
        ("program-definition", "CUSTUPD", 9, 10, "group=CUSTAPP"),
        ("transaction", "CUPD", 11, 12, "group=CUSTAPP"),  # lower case
        ("transaction", "CRMT", 13, 13, "group=CUSTAPP"),  # DEF TRANS abbreviations, remote: no program
        ("file", "CUSTMAS", 14, 16, "group=CUSTAPP"),
        ("mapset-definition", "CUSTSET", 17, 17, "group=CUSTAPP"),
        ("file", "NOGRP", 19, 19, "group="),
        ("program-definition", "BROKEN", 21, 21, "group=CUSTAPP"),
    }
    assert {(r.source, r.kind, r.target_kind, r.target, r.line, r.via) for r in x.references} == {
        ("transaction:CINQ", "starts", "program", "CUSTINQ", 4, "csd"),
        ("transaction:CUPD", "starts", "program", "CUSTUPD", 11, "csd"),
        ("file:CUSTMAS", "dataset", "dataset", "PROD.CUSTOMER.MASTER.KSDS", 14, "csd"),
        ("file:NOGRP", "dataset", "dataset", "PROD.NOGROUP", 19, "csd"),
    }
    assert {(d.severity, d.code, d.line) for d in x.diagnostics} == {
        ("warning", "CSD-SYNTAX", 21),
        ("info", "CSD-NO-GROUP", 19),
    }
    assert (x.lines.code, x.lines.comment) == (18, 3)


def test_nested_parentheses_and_apostrophes_in_description() -> None:
    text = "DEFINE TRANSACTION(T1) DESCRIPTION(it's (very) odd) GROUP(G1)\n  PROGRAM(P1)\n"
    x = csd.extract(text, "csd/t.csd", SPEC)
    assert [(r.source, r.target) for r in x.references] == [("transaction:T1", "P1")]
    assert [d.detail for d in x.definitions] == ["group=G1"]


def test_garbage_never_raises() -> None:
    for text in ["", "DEFINE", "DEFINE PROGRAM()", "((((", ")))", "DEFINE FILE(F) DSNAME(", "\x00"]:
        x = csd.extract(text, "csd/bad.csd", SPEC)
        assert x.parse.parser == "line:csd"
    assert [d.code for d in csd.extract("DEFINE PROGRAM() GROUP(G)", "c.csd", SPEC).diagnostics] == [
        "CSD-SYNTAX"
    ]
