"""The shared reader of EXEC SQL / CICS / DLI blocks (COBOL, PL/I and assembler call it)."""

from __future__ import annotations

import pytest

from legacy_lens.extractors import exec_blocks
from legacy_lens.extractors.exec_blocks import ExecFacts, analyse, cics_options, unquote

Ref = tuple[str, str, str, str, int, str, bool, bool, str]


def refs(found: ExecFacts) -> list[Ref]:
    return [(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.dynamic, r.subscripted, r.detail)
            for r in found.references]


P = "program:CLMONL"


@pytest.mark.parametrize(("text", "expected"), [
    ("LINK PROGRAM('CLMVALID') COMMAREA(CA)",
     [(P, "links", "program", "CLMVALID", 7, "literal", False, False, "EXEC CICS LINK")]),
    ("XCTL PROGRAM(NEXT-PGM)",
     [(P, "xctl", "program", "NEXT-PGM", 7, "identifier", True, False, "EXEC CICS XCTL")]),
    ("LOAD PROGRAM(PGM_TAB(IX)) SET(PTR)",
     [(P, "links", "program", "PGM_TAB", 7, "identifier", True, True, "EXEC CICS LOAD")]),
    ("RETURN TRANSID('CL01') COMMAREA(CA)",
     [(P, "starts", "transaction", "CL01", 7, "literal", False, False, "EXEC CICS RETURN")]),
    ("START TRANSID(WS-TRAN) INTERVAL(0)",
     [(P, "starts", "transaction", "WS-TRAN", 7, "identifier", True, False, "EXEC CICS START")]),
    ("RETURN", []),
    ("SEND MAP('CLMM01') MAPSET('CLMSET') ERASE",
     [(P, "uses-map", "mapset", "CLMSET", 7, "literal", False, False, "EXEC CICS SEND")]),
    ("RECEIVE MAP('CLMM01') INTO(X)",
     [(P, "uses-map", "mapset", "CLMM01", 7, "literal", False, False, "EXEC CICS RECEIVE")]),
    ("READ FILE('CLAIMS') INTO(REC) RIDFLD(KEY)",
     [(P, "reads", "file", "CLAIMS", 7, "literal", False, False, "EXEC CICS READ")]),
    ("REWRITE DATASET(FILE_NAME) FROM(REC)",
     [(P, "updates", "file", "FILE_NAME", 7, "identifier", True, False, "EXEC CICS REWRITE")]),
    ("DELETE FILE('CLAIMS') RIDFLD(KEY)",
     [(P, "deletes", "file", "CLAIMS", 7, "literal", False, False, "EXEC CICS DELETE")]),
    ("SCHEDULE PSB('CLMPSB')",
     [(P, "ims", "psb", "CLMPSB", 7, "literal", False, False, "EXEC CICS SCHEDULE")]),
    # Assembler writes a literal constant as the argument.
    ("XCTL PROGRAM(=CL8'CLMMENU')",
     [(P, "xctl", "program", "CLMMENU", 7, "literal", False, False, "EXEC CICS XCTL")]),
    ("LINK PROGRAM('IT''S')", [(P, "links", "program", "IT'S", 7, "literal", False, False, "EXEC CICS LINK")]),
    ("HANDLE CONDITION ERROR(FEILTAB)", []),
    ("", []),
])
def test_cics_commands(text: str, expected: list[Ref]) -> None:
    assert refs(analyse("CICS", text, P, 7)) == expected


def test_sql_include_declare_and_dml() -> None:
    assert refs(analyse("SQL", "INCLUDE SQLCA", P, 3)) == [
        (P, "includes", "copybook", "SQLCA", 3, "sql-include", False, False, "")]
    found = analyse("SQL", "DECLARE CLAIMS.CLAIM TABLE (CLAIM_NO CHAR(12) NOT NULL)", P, 4)
    assert found.references == ()
    assert [(d.kind, d.name, d.line, d.detail) for d in found.definitions] == [("table", "CLAIM", 4,
                                                                                    "dclgen,schema=CLAIMS")]
    assert refs(analyse("SQL", "UPDATE CLAIMS.CLAIM SET STATUS = 'S' WHERE CLAIM_NO = :NO", P, 9)) == [
        (P, "updates", "table", "CLAIM", 9, "exec-sql", False, False, "EXEC SQL UPDATE; as CLAIMS.CLAIM")]
    cursor = analyse("SQL", "DECLARE C1 CURSOR FOR SELECT A FROM T1 JOIN T2 ON T1.K = T2.K", P, 5)
    assert {(r.kind, r.target) for r in cursor.references} == {("reads", "T1"), ("reads", "T2")}
    assert refs(analyse("SQLIMS", "INSERT INTO SEG1 VALUES (1)", P, 2))[0][1:4] == ("writes", "table", "SEG1")


def test_dli_psb_and_segments() -> None:
    found = analyse("DLI", "GU USING PCB(1) SEGMENT(CLAIMSEG) WHERE(KEY=X) INTO(AREA)", P, 11)
    assert refs(found) == [(P, "ims", "segment", "CLAIMSEG", 11, "literal", False, False, "EXEC DLI GU")]
    found = analyse("DLI", "SCHD PSB((PSB-NAME))", P, 12)
    assert refs(found) == [(P, "ims", "psb", "PSB-NAME", 12, "identifier", True, False, "EXEC DLI SCHD")]


def test_other_kinds_state_nothing() -> None:
    assert analyse("HTML", "<p>", P, 1) == ExecFacts()


def test_a_block_that_cannot_be_read_keeps_what_was_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> list[tuple[str, str]]:
        raise ValueError("parser state lost")

    monkeypatch.setattr(exec_blocks, "dml_tables", broken)
    found = analyse("SQL", "SELECT A FROM T", "program:X", 40, "src/x.pli", "PLI")
    assert found.references == ()
    assert [(d.severity, d.code, d.line, d.path) for d in found.diagnostics] == [
        ("warning", "PLI-EXEC-UNREADABLE", 40, "src/x.pli")]
    assert "parser state lost" in found.diagnostics[0].message


def test_helpers() -> None:
    assert unquote("'IT''S'") == "IT'S"
    assert unquote('"A""B"') == 'A"B'
    assert unquote("PLAIN") == "PLAIN"
    assert cics_options("SEND MAP('X') MAPSET(WS-M) ERASE") == [
        ("SEND", None), ("MAP", "'X'"), ("MAPSET", "WS-M"), ("ERASE", None)]


@pytest.mark.parametrize("text", ["(((((", "'" * 999, "LINK PROGRAM(", "X(" * 5000, "\x00\x01", "A" * 100_000])
def test_never_raises(text: str) -> None:
    for kind in ("CICS", "SQL", "DLI"):
        analyse(kind, text, P, 1)
