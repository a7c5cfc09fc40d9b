"""PL/I extractor: exact facts per fixture, the layout rules it reads by, hostile input, and linking."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacy_lens.extractors import jcl, pli
from legacy_lens.languages import language_by_name
from legacy_lens.link import link
from legacy_lens.model import Extraction, FileFacts, SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pli"
SPEC = language_by_name("pli")


def run(name: str) -> Extraction:
    return pli.extract((FIXTURES / name).read_text(encoding="utf-8"), f"pli/{name}", SPEC)


def text(source: str, path: str = "src/T.pli") -> Extraction:
    return pli.extract(source, path, SPEC)


def defs(x: Extraction) -> set[tuple[str, str, int, str | None, str]]:
    return {(d.kind, d.name, d.line, d.parent, d.detail) for d in x.definitions}


def refs(x: Extraction) -> set[tuple[str, str, str, int, str, bool, bool]]:
    return {(r.kind, r.target_kind, r.target, r.line, r.via, r.dynamic, r.optional) for r in x.references}


def diags(x: Extraction) -> set[tuple[str, str, int | None]]:
    return {(d.severity, d.code, d.line) for d in x.diagnostics}


def test_batch_program() -> None:
    x = run("CLMBATCH.pli")
    p = "program:CLMBATCH"
    assert x.parse.status == "line-parser" and x.parse.parser == "line:pli" and x.parse.error_ratio == 0
    assert defs(x) == {
        ("program", "CLMBATCH", 8, None, "options=MAIN REORDER"[:12]),
        ("routine", "CLMBATCH.P200_MEDICAL", 76, p, "internal procedure"),
        ("routine", "CLMBATCH.P310_POST", 83, p, "internal procedure"),
        ("routine", "CLMBATCH.P900_SQLERR", 92, p, "internal procedure"),
        ("routine", "CLMBATCH.P990_UNUSED", 97, p, "internal procedure"),
    }
    assert refs(x) == {
        ("includes", "copybook", "CLMREC", 15, "pli-include", False, False),
        ("includes", "copybook", "CLMTOTS", 16, "pli-include", False, False),
        ("includes", "copybook", "CLMMSGS", 17, "pli-include", False, False),
        ("includes", "copybook", "SQLCA", 19, "sql-include", False, False),
        # the cursor's query, INSERT and UPDATE (tables named as the DDL names them: schema in the detail)
        ("reads", "table", "CLAIM", 21, "exec-sql", False, False),
        ("reads", "table", "POLICY", 21, "exec-sql", False, False),
        ("writes", "table", "SETTLEMENT", 84, "exec-sql", False, False),
        ("updates", "table", "CLAIM", 86, "exec-sql", False, False),
        # FETCH, and FETCH ... TITLE('literal') naming another load module
        ("calls", "program", "CLMRATE", 48, "pli-fetch", False, False),
        ("calls", "program", "CLMRPT02", 72, "pli-fetch", False, False),
        # CALL of an ENTRY VARIABLE is dynamic; declared external entries are calls
        ("calls", "program", "HANDLER", 69, "identifier", True, False),
        ("calls", "program", "CLMCONV", 70, "literal", False, False),
        ("calls", "program", "CLMAUDT", 94, "literal", False, False),
    }
    # Internal procedures and PLIDUMP (a built-in subroutine) are no edges.
    assert not {r.target for r in x.references} & {"P200_MEDICAL", "P310_POST", "P900_SQLERR", "PLIDUMP"}
    by_target = {r.target: r for r in x.references}
    assert by_target["CLMMSGS"].detail == "file=clmmsgs.inc" and by_target["CLMTOTS"].detail == "ddname=SYSLIB"
    assert {(f.select_name, f.ddname, f.modes, f.line) for f in x.file_assigns} == {
        ("CLMIN", "CLMIN", ("INPUT",), 10),
        ("CLMRPT", "CLMRPT", ("OUTPUT",), 11),
        ("AUDITF", "CLMAUDIT", ("OUTPUT",), 12),  # TITLE('CLMAUDIT') on the OPEN names the DD
        ("SYSPRINT", "SYSPRINT", (), 13),
    }
    ((owner, m),) = x.metrics
    assert owner == p
    assert (m.code_lines, m.comment_lines, m.blank_lines) == (80, 6, 15)
    # 1 + 2 ON-units + DO WHILE + WHEN('M','D') 2 + WHEN('P') + IF with & 2 + DO ... TO + 2 IFs
    assert (m.complexity, m.max_nesting, m.goto_count, m.paragraphs) == (12, 4, 1, 4)
    assert m.dead_paragraphs == ("CLMBATCH.P990_UNUSED",)
    ((_, items),) = x.data_items
    values = {i.name: i.values for i in items if i.level == 77}
    assert values["RPT_PGM"] == ("CLMRPT01",)
    assert values["MSG"] == ("CLAIM 'PENDING' - NOT POSTED",)
    assert "EOF_IN" not in values  # '0'B is a bit string, not a name
    assert [(i.level, i.name) for i in items if i.level == 0] == [(0, "CLMREC"), (0, "CLMTOTS"), (0, "CLMMSGS")]
    # HANDLER = CLMAUDT assigns an entry constant: the resolver reads it as the program name.
    assert [(mv.target, mv.source, mv.literal) for mv in x.moves if mv.target == "HANDLER"] == [
        ("HANDLER", "CLMAUDT", True)]
    assert x.diagnostics == ()


def test_online_program() -> None:
    x = run("CLMONL.pli")
    assert defs(x) == {("program", "CLMONL", 2, None, "options=MAIN")}
    assert refs(x) == {
        ("includes", "copybook", "DFHAID", 4, "pli-include", False, False),
        ("includes", "copybook", "CLMMAP", 5, "pli-include", False, False),
        ("uses-map", "mapset", "CLMSET", 14, "literal", False, False),
        ("xctl", "program", "NEXT_PGM", 18, "identifier", True, False),
        ("xctl", "program", "NEXT_PGM", 22, "identifier", True, False),
        ("reads", "file", "CLAIMS", 25, "literal", False, False),
        ("links", "program", "CLMVALID", 27, "literal", False, False),
        ("updates", "file", "FILE_NAME", 28, "identifier", True, False),
        ("reads", "table", "CLAIM", 29, "exec-sql", False, False),
        ("uses-map", "mapset", "CLMSET", 31, "literal", False, False),
        ("starts", "transaction", "CL01", 32, "literal", False, False),
    }
    assert [(mv.target, mv.source, mv.literal) for mv in x.moves] == [
        ("NEXT_PGM", "MENU_PGM", False), ("NEXT_PGM", "CLMHIST", True)]
    assert x.diagnostics == ()  # the DOS end-of-file byte at the end is not a statement


def test_include_members() -> None:
    rec = run("CLMREC.plinc")
    assert defs(rec) == {("copybook", "CLMREC", 1, None, "")}
    # %INCLUDE written inside the structure declaration: found, and the declaration still reads whole.
    assert refs(rec) == {("includes", "copybook", "CLMRECX", 9, "pli-include", False, False)}
    assert rec.parse.error_ratio == 0 and rec.diagnostics == ()
    subr = run("CLMSUBR.pli")
    c = "copybook:CLMSUBR"
    assert defs(subr) == {
        ("copybook", "CLMSUBR", 1, None, "procedures"),
        ("routine", "CLMSUBR.CLM_AGE", 3, c, "external procedure"),
        ("routine", "CLMSUBR.CLM_LOG", 10, c, "external procedure"),
    }
    # CLMAUDT is declared by the program that includes this member: a guess that counts only if it resolves.
    assert refs(subr) == {("calls", "program", "CLMAUDT", 12, "literal", False, True)}
    work = run("CLMWORK")
    assert defs(work) == {("copybook", "CLMWORK", 1, None, "")}
    ((_, items),) = work.data_items
    assert [(i.name, i.values) for i in items] == [("WK_NEXT_PGM", ("CLMSTEP2",))]


def test_workstation_package_with_ugly_corners() -> None:
    x = run("UGLY.pli")
    u = "program:UGLY"
    assert defs(x) == {
        ("program", "UGLY", 5, None, "entry=CLM_ROUND; package=CLMUTIL"),
        ("entry", "CLM_ROUND", 10, u, "external procedure"),
        ("entry", "CLM_PAD", 16, u, "external procedure"),
        ("entry", "ALT", 26, u, "ENTRY of CLM_PAD"),
    }
    assert refs(x) == {("calls", "program", "CLMCALC", 24, "literal", False, False)}
    assert diags(x) == {("warning", "PLI-UNTERMINATED-COMMENT", 32)}
    ((_, m),) = x.metrics
    # END OUTER closes both loops: no unmatched END, nesting 3 (DO, DO WHILE, IF)
    assert (m.complexity, m.max_nesting, m.goto_count) == (5, 3, 1)
    ((_, items),) = x.data_items
    assert [(i.name, i.values) for i in items] == [("TRACE_PGM", ("CLMTRC",))]


def test_margins_sequence_numbers_and_carriage_control() -> None:
    cards = [
        (" P1: PROC OPTIONS(MAIN);", "00010000"),
        ("0   CALL SUBA;", "CALL SUBB"),  # carriage control 0 in column 1; columns 73-80 ignored
        ("    %INCLUDE", "00030000"),
        ("       MEMB;", "00040000"),
        (" END P1;", "00050000"),
    ]
    source = "".join(code.ljust(72) + seq + "\n" for code, seq in cards)
    x = text(source, "src/P1.pli")
    assert refs(x) == {
        ("calls", "program", "SUBA", 2, "literal", False, True),
        ("includes", "copybook", "MEMB", 3, "pli-include", False, False),
    }
    assert x.lines.code == 5 and x.parse.error_ratio == 0


def test_code_in_column_one_moves_the_left_margin() -> None:
    x = text("main: proc options(main);\ncall other;\nend main;\n", "src/MAIN.pli")
    assert defs(x) == {("program", "MAIN", 1, None, "options=MAIN")}
    assert refs(x) == {("calls", "program", "OTHER", 2, "literal", False, True)}


def test_program_name_is_the_member_and_the_procedure_an_entry() -> None:
    x = text(" R00103:\n   PROC(PTR) OPTIONS(MAIN);\n END R00103;\n", "src/R0010301.pli")
    assert defs(x) == {("program", "R0010301", 1, None, "entry=R00103; options=MAIN"),
                       ("entry", "R00103", 1, "program:R0010301", "external procedure")}
    # A file name that cannot be a load module leaves the procedure's name.
    y = text(" PAYROLL: PROC OPTIONS(MAIN); END;\n", "src/payroll_main_v2.pli")
    assert {d.name for d in y.definitions if d.kind == "program"} == {"PAYROLL"}


def test_process_card_makes_a_compilation_unit() -> None:
    sub = " SUB1: PROC(A); DCL A CHAR(8); END SUB1;\n"
    assert {d.kind for d in text(sub, "src/SUB1.pli").definitions} == {"copybook", "routine"}
    assert {d.kind for d in text("*PROCESS;\n" + sub, "src/SUB1.pli").definitions} == {"program"}
    assert {d.kind for d in text(" SUB1: PROC OPTIONS(FETCHABLE); END;\n", "src/SUB1.pli").definitions} == {"program"}


def test_entry_used_in_an_expression_is_a_call() -> None:
    source = (" P: PROC OPTIONS(MAIN);\n  DCL AGEF ENTRY(CHAR(11)) RETURNS(FIXED BIN) EXTERNAL;\n"
              "  DCL NOTUSED ENTRY;\n  A = AGEF(FNR) + 1;\n END P;\n")
    assert refs(text(source, "src/P.pli")) == {("calls", "program", "AGEF", 4, "pli-function", False, False)}


def test_keywords_are_not_reserved() -> None:
    source = (" P: PROC OPTIONS(MAIN);\n  DCL (IF, CALL, END) CHAR(8);\n  IF = 'A';\n  CALL = 'B';\n"
              "  END = 'C';\n  IF IF = CALL THEN CALL X;\n END P;\n")
    x = text(source, "src/P.pli")
    assert refs(x) == {("calls", "program", "X", 6, "literal", False, True)}
    assert x.parse.error_ratio == 0 and not diags(x)
    assert [(mv.target, mv.source) for mv in x.moves] == [("IF", "A"), ("CALL", "B"), ("END", "C")]


def test_unterminated_string_is_reported_and_contained() -> None:
    x = text(" P: PROC OPTIONS(MAIN);\n  MSG = 'NEVER CLOSED;\n  CALL AFTER;\n END P;\n", "src/P.pli")
    assert ("warning", "PLI-UNTERMINATED-STRING", 2) in diags(x)
    assert ("calls", "program", "AFTER", 3, "literal", False, True) in refs(x)


def test_library_manager_includes() -> None:
    x = text("++INCLUDE IEBHDR\n-INC STDDCL\n P: PROC OPTIONS(MAIN); END;\n", "src/P.pli")
    assert refs(x) == {("includes", "copybook", "IEBHDR", 1, "panvalet-include", False, False),
                       ("includes", "copybook", "STDDCL", 2, "librarian-include", False, False)}


HOSTILE = [
    "", ";", ";;;;", "\x00\x01\x02\x1a", "/*", "'", '"', "END;" * 500, "DO;" * 20_000, "(" * 50_000,
    "IF " * 10_000 + "THEN;", "A: " * 5_000 + "PROC;", " " + "X" * 200_000 + ";", "%INCLUDE ;", "DCL (;",
    "EXEC CICS LINK PROGRAM(;", "ON ON ON ON;", "WHEN(" * 3_000, " P: PROC; " + "/* */" * 10_000,
    "\n".join(f"  CALL P{i};" for i in range(3_000)), "\ufffd\ufeff DCL X CHAR(1) INIT('\u00e6\u00f8\u00e5');",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_never_raises(source: str) -> None:
    x = text(source)
    assert x.parse.parser == "line:pli" and 0.0 <= x.parse.error_ratio <= 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("PROC:;'\"/*%()DOENDIFTHENCALL =,\n ABC1")), max_size=400))
def test_fuzzed_fragments_never_raise(source: str) -> None:
    text(source)


def test_time_is_linear() -> None:
    body = "".join(f"  IF A{i} = 'X' THEN CALL SUB{i % 7}; /* NOTE {i} */\n  B{i} = 'PGM{i}';\n"
                   for i in range(25_000))
    source = " BIG: PROC OPTIONS(MAIN);\n" + body + " END BIG;\n"
    start = time.perf_counter()
    x = text(source, "src/BIG.pli")
    assert time.perf_counter() - start < 20
    assert x.lines.code == 50_002


def _facts(path: str, language: str, ex: Extraction) -> FileFacts:
    return FileFacts(SourceFile(path=path, language=language, encoding="utf-8", size_bytes=0, sha256=""), ex)


def test_links_with_jcl_and_resolves_dynamic_targets() -> None:
    batch, online = run("CLMBATCH.pli"), run("CLMONL.pli")
    job = jcl.extract(
        "//CLMNITE  JOB (ACCT),'CLAIMS'\n"
        "//STEP1    EXEC PGM=CLMBATCH\n"
        "//CLMIN    DD DSN=PROD.CLAIMS.EXTRACT,DISP=SHR\n"
        "//CLMAUDIT DD DSN=PROD.CLAIMS.AUDIT,DISP=(NEW,CATLG)\n",
        "jcl/CLMNITE.jcl", language_by_name("jcl"))
    linked = link([_facts("pli/CLMBATCH.pli", "pli", batch), _facts("pli/CLMONL.pli", "pli", online),
                   _facts("pli/CLMREC.plinc", "pli", run("CLMREC.plinc")),
                   _facts("jcl/CLMNITE.jcl", "jcl", job)])
    edges = {(e.source, e.kind, e.target, e.via, e.resolved) for e in linked.edges}
    assert ("job:CLMNITE", "runs", "program:CLMBATCH", "jcl-exec", True) in edges
    # DD name -> PL/I file (by its name, and by the TITLE on its OPEN) -> data set
    assert ("program:CLMBATCH", "reads", "dataset:PROD.CLAIMS.EXTRACT", "jcl-dd-select", True) in edges
    assert ("program:CLMBATCH", "writes", "dataset:PROD.CLAIMS.AUDIT", "jcl-dd-select", True) in edges
    # XCTL PROGRAM(NEXT_PGM): NEXT_PGM = MENU_PGM (INIT 'CLMMENU') and NEXT_PGM = 'CLMHIST'
    assert ("program:CLMONL", "xctl", "program:CLMMENU", "move-constant", False) in edges
    assert ("program:CLMONL", "xctl", "program:CLMHIST", "move-literal", False) in edges
    # REWRITE DATASET(FILE_NAME) with FILE_NAME INIT('CLAIMS  ')
    assert ("program:CLMONL", "updates", "file:CLAIMS", "value-clause", False) in edges
    # CALL HANDLER where HANDLER = CLMAUDT (an entry constant)
    assert ("program:CLMBATCH", "calls", "program:CLMAUDT", "move-literal", False) in edges
    assert ("program:CLMBATCH", "includes", "copybook:CLMREC", "pli-include", True) in edges
