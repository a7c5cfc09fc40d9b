"""REXX extractor: clause lexer, ADDRESS environments, data sets, programs, execs and SQL per fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanning import edges_of, fixed, scan_dict

from legacy_lens.discover import sniff
from legacy_lens.extractors import rexx
from legacy_lens.languages import language_by_name, load_languages
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rexx"
SPEC = language_by_name("rexx")


def run(name: str) -> Extraction:
    return rexx.extract((FIXTURES / name).read_text(encoding="utf-8"), name, SPEC)


def refs(x: Extraction) -> set[tuple[str, str, str, int, str, bool]]:
    return {(r.kind, r.target_kind, r.target, r.line, r.via, r.optional) for r in x.references}


def test_zos_exec_member() -> None:
    text = (FIXTURES / "exec" / "PAYLOAD").read_text(encoding="utf-8")
    assert sniff(text, load_languages()) == "rexx"  # an extensionless member with JCL in its comments
    x = run("exec/PAYLOAD")
    o = "rexx:PAYLOAD"
    assert x.parse.status == "line-parser" and x.parse.parser == "line:rexx" and x.parse.error_ratio == 0.0
    assert [(d.kind, d.name, d.line, d.end_line, d.parent, d.id) for d in x.definitions] == [
        ("script", "PAYLOAD", 1, 75, None, o),
        ("routine", "DAILY", 65, 68, o, ""),
        ("routine", "DB2_ERROR", 69, 72, o, ""),
        ("routine", "IO_ERROR", 73, 75, o, ""),
    ]
    assert {r.source for r in x.references} == {o}
    assert refs(x) == {
        # "...DA('"hlq".EXTRACT')": hlq is a literal set on line 8
        ("reads", "dataset", "PROD.PAYROLL.EXTRACT", 11, "tso-alloc", False),
        ("writes", "dataset", "PROD.PAYROLL.REPORT", 12, "tso-alloc", False),
        ("writes", "dataset", "PROD.PAYROLL.HISTORY", 13, "tso-alloc", False),
        ("writes", "dataset", "PROD.PAYROLL.WORK", 14, "tso-alloc", False),  # continued with a comma
        ("writes", "table", "PAYROLL.PAY_STAGE", 25, "dsnrexx-sql", False),  # SQL in a variable
        ("updates", "table", "PAYROLL.PAY_RUN", 32, "dsnrexx-sql", False),  # EXECSQL text, continued
        ("reads", "table", "PAYROLL.PAY_STAGE", 34, "dsnrexx-sql", False),
        ("runs", "program", "PAYCALC", 40, "address-linkmvs", False),
        ("runs", "program", "PAYSRT", 41, "address-attchmvs", False),
        ("runs", "program", "PAYPOST", 42, "tso-call", False),
        ("runs", "program", "PAYDB2", 43, "dsn-run", False),  # queued for the DSN command
        ("runs", "program", "PAYMENU", 46, "ispexec-select", False),
        ("runs", "script", "PAYHELP", 47, "ispexec-select", False),
        ("runs", "script", "PAYNOTE", 49, "tso-exec", False),
        ("runs", "script", "PAYAUDIT", 50, "tso-implicit", False),
        ("calls", "script", "PAYFMT", 51, "rexx-call", False),
        ("calls", "script", "PAYCHK", 52, "rexx-function", True),
        ("deletes", "dataset", "PROD.PAYROLL.WORK", 53, "tso-delete", False),
        ("reads", "dataset", "PROD.PAYROLL.ARCHIVE", 54, "rexx-alloc", False),  # CALL BPXWDYN "ALLOC ..."
    }
    details = {r.target: r.detail for r in x.references}
    assert details["PROD.PAYROLL.REPORT"] == "ALLOC FI(RPTOUT) OLD member=PAYRPT"
    assert details["PAYPOST"] == "library PROD.PAYROLL.LOAD"
    assert [(d.code, d.line) for d in x.diagnostics] == [("REXX-EXECIO-DD", 20)]
    (cid, m), = x.metrics
    assert cid == o
    # IF x2, DO i=, IF with &, WHEN with |, WHEN; SIGNAL io_error is a GO TO
    assert (m.code_lines, m.comment_lines, m.blank_lines) == (60, 7, 8)
    assert (m.complexity, m.max_nesting, m.goto_count) == (9, 1, 1)


def test_unix_exec_with_broken_lines() -> None:
    x = run("exec/housekeep.rex")
    assert refs(x) == {
        ("runs", "script", "pay_archive.ksh", 3, "shell-command", False),
        ("runs", "program", "PAYIDX", 5, "shell-command", False),
    }
    assert sorted((d.code, d.line) for d in x.diagnostics) == [
        ("REXX-END", 9), ("REXX-SYNTAX", 7), ("REXX-SYNTAX", 15)]
    assert x.parse.fallback_lines == 1 and x.parse.error_ratio == pytest.approx(1 / 13, abs=1e-4)
    assert [(d.kind, d.name, d.line, d.end_line) for d in x.definitions] == [
        ("script", "HOUSEKEEP", 1, 16), ("routine", "CLEANUP", 12, 16)]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("'CALL *(IEBGENER)'", {("runs", "program", "IEBGENER", "tso-call")}),
        ("address ispexec \"SELECT PGM(ISRSUPC)\"", {("runs", "program", "ISRSUPC", "ispexec-select")}),
        ("x = 'ALLOC' ; y = foo(1)\nfoo: return 1", set()),
        ("call on error name trap\nsignal off novalue", set()),
        ("pgm = 'PAYX'\naddress linkmvs pgm", {("runs", "program", "PAYX", "address-linkmvs")}),  # a literal
        ("parse arg pgm\naddress linkmvs pgm", set()),  # named at run time: an info diagnostic only
        ("'ALLOC FI(A) DA(X.Y) SHR'", {("reads", "dataset", "X.Y", "tso-alloc")}),
        ("'FREE FI(A)'; 'LISTCAT'; 'MYEXEC parm'", {("runs", "script", "MYEXEC", "tso-implicit")}),
        ("/*%INCLUDE REXXLIB(HELPER) */\nsay 1", {("includes", "script", "HELPER", "rexx-include")}),
        ("address dsnrexx \"EXECSQL DELETE FROM T1\"", {("deletes", "table", "T1", "dsnrexx-sql")}),
    ],
)
def test_clauses(code: str, expected: set[tuple[str, str, str, str]]) -> None:
    x = rexx.extract("/* REXX */\n" + code + "\n", "T.rex", SPEC)
    assert {(r.kind, r.target_kind, r.target, r.via) for r in x.references} == expected


def test_ispf_programs_are_system_nodes() -> None:
    x = rexx.extract("/* REXX */\naddress ispexec 'SELECT PGM(ISRDDN)'\n", "T.rex", SPEC)
    (r,) = x.references
    assert r.external == "program:ISRDDN"


@pytest.mark.parametrize(
    "text",
    ["", "/*", "/* /* */", "'", "\"" * 999, "do\n" * 5000, "end\n" * 100, ";;;;", "a:b:c:", "x = (((((" * 2000,
     "\x00\xff\ufffd" * 300, "address", "call", "'EXECIO * DISKR'", "'ALLOC DA('", "x" * 200_000,
     "if then else when otherwise", ",\n" * 1000],
)
def test_never_raises_on_garbage(text: str) -> None:
    x = rexx.extract(text, "JUNK", SPEC)
    assert x.definitions[0].id == "rexx:JUNK"
    assert x.parse.status == "line-parser" and 0.0 <= x.parse.error_ratio <= 1.0


def test_execs_meet_jobs_programs_and_each_other(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        "rexx/PAYLOAD": "/* REXX */\naddress linkmvs 'PAYRUN'\ncall PAYSUB\n'%PAYGONE'\n",
        "rexx/PAYSUB.rex": "/* REXX */\nreturn 0\n",
        "cbl/PAYRUN.cbl": fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. PAYRUN.", "PROCEDURE DIVISION.",
                                "    STOP RUN."),
    })
    edges = edges_of(scan_dict(root))
    assert ("rexx:PAYLOAD", "runs", "program:PAYRUN", "address-linkmvs", True) in edges
    assert ("rexx:PAYLOAD", "calls", "rexx:PAYSUB", "rexx-call", True) in edges
    assert ("rexx:PAYLOAD", "runs", "script:PAYGONE", "tso-implicit", False) in edges
