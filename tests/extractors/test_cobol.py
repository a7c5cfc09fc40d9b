"""COBOL extractor: exact definitions, references, metrics, data items, moves and file assigns per fixture.

Fixtures in ``tests/fixtures/cobol`` are fixed-format members with sequence
numbers in columns 1-6 and, on some lines, identification text in 73-80.
"""

from __future__ import annotations

from pathlib import Path

from legacy_lens.extractors.cobol import extract
from legacy_lens.languages import language_by_name
from legacy_lens.model import DataItem, Extraction, FileAssign, Metrics

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cobol"
SPEC = language_by_name("cobol")
PAD = " " * 7


def run(name: str) -> Extraction:
    return extract((FIXTURES / name).read_text(encoding="utf-8"), f"src/{name}", SPEC)


def run_text(text: str, path: str = "src/INLINE.cbl") -> Extraction:
    return extract(text, path, SPEC)


def program(*body: str, name: str = "INLINE") -> str:
    """A small fixed-format program: ``body`` lines are written from column 8."""
    head = ["IDENTIFICATION DIVISION.", f"PROGRAM-ID. {name}."]
    return "\n".join(PAD + line for line in head + list(body)) + "\n"


def defs(x: Extraction) -> set[tuple[str, str, int, str | None]]:
    return {(d.kind, d.name, d.line, d.parent) for d in x.definitions}


def refs(x: Extraction) -> set[tuple[str, str, str, str, int, str, bool, bool]]:
    return {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.dynamic, r.subscripted)
            for r in x.references}


def metrics(x: Extraction) -> dict[str, Metrics]:
    return dict(x.metrics)


def items(x: Extraction, owner: str) -> list[tuple[int, str, int, str, str, tuple[str, ...], int, str]]:
    found = dict(x.data_items)[owner]
    return [(i.level, i.name, i.line, i.picture, i.usage, i.values, i.occurs, i.redefines) for i in found]


def moves(x: Extraction) -> list[tuple[str, str, str, int, bool, bool]]:
    return [(m.program, m.source, m.target, m.line, m.literal, m.subscripted) for m in x.moves]


# -- structure and control flow ----------------------------------------------------------------


def test_paycalc_structure() -> None:
    x = run("PAYCALC.cbl")
    p = "program:PAYCALC"
    assert defs(x) == {
        ("program", "PAYCALC", 1, None),
        ("section", "0000-MAINLINE", 27, p),
        ("paragraph", "0000-START", 28, p),
        ("paragraph", "1000-INIT", 40, p),
        ("paragraph", "2000-READ", 44, p),
        ("paragraph", "2100-EDIT", 48, p),
        ("paragraph", "2200-TYPE-A", 52, p),
        ("paragraph", "2300-TYPE-B", 55, p),
        ("paragraph", "2999-EXIT", 57, p),
        ("section", "3000-CALC", 60, p),
        ("paragraph", "3000-CALC-START", 61, p),
        ("paragraph", "3100-ROUND", 68, p),
        ("paragraph", "3999-CALC-EXIT", 70, p),
        ("section", "4000-UNUSED", 73, p),
        ("paragraph", "4000-REPORT", 74, p),
        ("section", "8000-PATHS", 76, p),
        ("paragraph", "8000-SWITCH", 77, p),
        ("paragraph", "8100-ALT-PATH", 79, p),
        ("paragraph", "8200-NORMAL-PATH", 81, p),
        ("section", "9000-END", 83, p),
        ("paragraph", "9000-FINISH", 84, p),
        ("paragraph", "9100-AFTER-STOP", 86, p),
    }
    (prog,) = [d for d in x.definitions if d.kind == "program"]
    assert prog.end_line == 87
    assert refs(x) == set()  # PERFORM and GO TO are not references to components
    assert x.diagnostics == ()


def test_paycalc_metrics_and_dead_paragraphs() -> None:
    x = run("PAYCALC.cbl")
    assert metrics(x) == {
        "program:PAYCALC": Metrics(
            # 87 lines: comments are lines 7-11 (*), 25 (/) and 59 (*); line 72 holds only a sequence
            # number (blank); the D debug line 42 is code.
            code_lines=79, comment_lines=7, blank_lines=1,
            # 1 + PERFORM UNTIL (32) + PERFORM VARYING (35) + IF (45) + IF (62) + IF (63)
            complexity=6,
            max_nesting=2,  # IF within IF at 62-63
            paragraphs=16,  # sections are not counted
            # 39, 46, 49 (DEPENDING ON counts once), 54, 64, 78
            goto_count=6,
            alter_count=1,
            # 4000-REPORT: section 3000-CALC's GO TO 3999-CALC-EXIT stays in the PERFORMed section,
            # so nothing falls into section 4000-UNUSED. 9100-AFTER-STOP follows STOP RUN.
            # Live: 2100-EDIT..2300-TYPE-B inside PERFORM 2000-READ THRU 2999-EXIT; 3100-ROUND inside
            # the PERFORMed section; 8100-ALT-PATH through ALTER; 8200-NORMAL-PATH through GO TO.
            dead_paragraphs=("4000-REPORT", "9100-AFTER-STOP"),
        )
    }
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (79, 7, 1)
    assert x.parse.status == "ok" and x.parse.error_ratio == 0.0 and not x.parse.fallback_used
    assert x.parse.parser == "tree-sitter:cobol"


def test_dead_code_rules_in_small_programs() -> None:
    x = run_text(program(
        "PROCEDURE DIVISION.",
        "A-MAIN.",
        "    PERFORM B-RANGE-START THRU B-RANGE-END",
        "    GOBACK.",
        "B-RANGE-START.",
        "    DISPLAY 'B'.",
        "B-RANGE-MIDDLE.",  # never named, but inside the THRU range
        "    DISPLAY 'M'.",
        "B-RANGE-END.",
        "    EXIT.",
        "C-ORPHAN.",  # follows a PERFORMed range: a PERFORM returns, it does not fall through
        "    DISPLAY 'C'.",
        "D-GOTO-TARGET.",
        "    DISPLAY 'D'.",
        "E-AFTER-GOBACK.",
        "    GOBACK.",
    ))
    assert metrics(x)["program:INLINE"].dead_paragraphs == ("C-ORPHAN", "D-GOTO-TARGET", "E-AFTER-GOBACK")
    y = run_text(program(
        "PROCEDURE DIVISION.",
        "A-MAIN.",
        "    IF 1 = 1 GO TO D-TARGET END-IF.",
        "B-FALLS.",  # A-MAIN ends with IF, so control falls through to B and on to C
        "    DISPLAY 'B'.",
        "C-NEXT.",
        "    STOP RUN.",
        "D-TARGET.",
        "    GO TO C-NEXT.",
        "E-DEAD.",
        "    EXIT.",
    ))
    m = metrics(y)["program:INLINE"]
    assert (m.dead_paragraphs, m.goto_count, m.paragraphs, m.complexity) == (("E-DEAD",), 2, 5, 2)


def test_nested_programs() -> None:
    x = run("NESTED.cbl")
    assert {(d.kind, d.name, d.line, d.end_line, d.parent) for d in x.definitions} == {
        ("program", "OUTERPGM", 1, 37, None),
        ("program", "INNER1", 11, 28, "program:OUTERPGM"),
        ("program", "INNER1A", 21, 27, "program:INNER1"),
        ("program", "INNER2", 29, 36, "program:OUTERPGM"),
        ("paragraph", "MAIN-PARA", 7, None, "program:OUTERPGM"),
        ("paragraph", "INNER1-MAIN", 17, None, "program:INNER1"),
        ("paragraph", "INNER1A-MAIN", 24, None, "program:INNER1A"),
        ("paragraph", "INNER2-MAIN", 32, None, "program:INNER2"),
        ("paragraph", "INNER2-WORK", 34, None, "program:INNER2"),
    }
    assert refs(x) == {
        ("program:OUTERPGM", "calls", "program", "INNER1", 8, "literal", False, False),
        ("program:OUTERPGM", "calls", "program", "INNER2", 9, "literal", False, False),
        ("program:INNER1", "calls", "program", "INNER1A", 19, "literal", False, False),
    }
    assert moves(x) == [("INNER1", "A", "WS-Y", 18, True, False)]
    m = metrics(x)
    assert list(m) == ["program:OUTERPGM", "program:INNER1", "program:INNER1A", "program:INNER2"]
    # A program's own lines run from PROGRAM-ID's division header to its END PROGRAM.
    # Each line counts once: a nested program's lines are its own, not its parent's (11 + 11 + 7 + 8 = 37).
    assert [m[k].code_lines for k in m] == [11, 11, 7, 8]
    assert [m[k].paragraphs for k in m] == [1, 1, 1, 2]
    assert all(v.dead_paragraphs == () for v in m.values())
    assert items(x, "program:INNER1") == [(1, "WS-Y", 15, "X", "", (), 0, "")]


def test_cyclomatic_complexity_exact() -> None:
    x = run("CMPLX.cbl")
    m = metrics(x)["program:CMPLX"]
    # 1
    # + IF (33) + AND (33) + OR (33) + IF (34)                      = 4
    # + PERFORM UNTIL (40) + AT END (42)                            = 2   (NOT AT END adds nothing)
    # + WHEN 1 (46) + IF (47) + WHEN 2 (50) + WHEN 3 (52)            = 4   (WHEN OTHER adds nothing)
    # + PERFORM ... VARYING (59) + SEARCH AT END (61) + WHEN (63)   = 3
    # + PERFORM 10 TIMES (67)                                       = 0   (no condition)
    # + ON SIZE ERROR (70) + INVALID KEY (71) + PERFORM p UNTIL (72)= 3
    # = 17
    assert m.complexity == 17
    # PERFORM UNTIL (40) > [READ] > EVALUATE (45) > IF (47)
    assert m.max_nesting == 3
    assert (m.paragraphs, m.goto_count, m.alter_count, m.dead_paragraphs) == (2, 0, 0, ())
    assert {(f.select_name, f.ddname, f.modes, f.line) for f in x.file_assigns} == {
        ("IN-FILE", "INFILE", (), 6),  # never OPENed in this program
        ("KEYED-FILE", "KEYFILE", (), 7),
    }


def test_adjacent_whens_sharing_a_body_are_one_branch() -> None:
    x = run_text(program(
        "DATA DIVISION.",
        "WORKING-STORAGE SECTION.",
        "01  C PIC 9.",
        "PROCEDURE DIVISION.",
        "    EVALUATE C",
        "        WHEN 1",
        "        WHEN 2",
        "            DISPLAY 'ONE OR TWO'",
        "        WHEN OTHER",
        "            DISPLAY 'OTHER'",
        "    END-EVALUATE",
        "    STOP RUN.",
    ))
    # The grammar reads "WHEN 1 WHEN 2" as one branch with two selection objects: 1 + 1.
    assert metrics(x)["program:INLINE"].complexity == 2


def test_else_if_is_a_decision_and_nests() -> None:
    x = run_text(program(
        "DATA DIVISION.",
        "WORKING-STORAGE SECTION.",
        "01  A PIC 9.",
        "PROCEDURE DIVISION.",
        "MAIN-PARA.",
        "    IF A = 1",
        "        DISPLAY 'ONE'",
        "    ELSE",
        "        IF A = 2",
        "            DISPLAY 'TWO'",
        "        ELSE",
        "            IF A = 3",
        "                DISPLAY 'THREE'",
        "            END-IF",
        "        END-IF",
        "    END-IF",
        "    STOP RUN.",
    ))
    m = metrics(x)["program:INLINE"]
    assert (m.complexity, m.max_nesting) == (4, 3)


# -- CALL, MOVE, data, files ---------------------------------------------------------------------


def test_custupd_calls_copies_and_moves() -> None:
    x = run("CUSTUPD.cbl")
    p = "program:CUSTUPD"
    assert refs(x) == {
        (p, "calls", "program", "DATECONV", 75, "literal", False, False),
        (p, "calls", "program", "WS-RATE-PGM", 76, "identifier", True, False),
        (p, "calls", "program", "WS-EXIT-PGMS", 77, "identifier", True, True),
        (p, "calls", "program", "AUDITLOG", 78, "literal", False, False),
        (p, "includes", "copybook", "TRANREC", 21, "copy", False, False),
        (p, "includes", "copybook", "CUSTWS", 59, "copy", False, False),
        (p, "includes", "copybook", "ERRCODES", 61, "copy", False, False),
        (p, "includes", "copybook", "DATEUTIL", 62, "copy", False, False),
    }
    details = {r.target: r.detail for r in x.references if r.kind == "includes"}
    assert details == {
        "TRANREC": "",
        "CUSTWS": "REPLACING ==:PFX:== BY ==WS== ==(CNT)== BY ==(50)==",
        "ERRCODES": "library=PRODLIB",
        "DATEUTIL": "",
    }
    assert moves(x) == [
        ("CUSTUPD", "CUSTRATE", "WS-RATE-PGM", 71, True, False),
        ("CUSTUPD", "WS-RATE-PGM", "WS-EXIT-PGMS", 72, False, False),  # two targets, both subscripted
        ("CUSTUPD", "WS-RATE-PGM", "WS-EXIT-PGMS", 72, False, False),
        ("CUSTUPD", "WS-EXIT-PGMS", "WS-RATE-PGM", 73, False, True),
        # MOVE SPACES (a figurative constant) names no value and is not recorded
    ]
    assert x.parse.status == "ok" and x.parse.error_ratio == 0.0


def test_custupd_file_assigns() -> None:
    x = run("CUSTUPD.cbl")
    assert sorted(x.file_assigns, key=lambda f: f.line) == [
        FileAssign("CUSTUPD", "TRANS-IN", "TRANSIN", ("INPUT",), 7),  # UT-S-TRANSIN
        FileAssign("CUSTUPD", "CUST-MASTER", "CUSTMAST", ("I-O",), 8),
        FileAssign("CUSTUPD", "REPORT-OUT", "RPTOUT", ("OUTPUT",), 13),  # quoted literal
        FileAssign("CUSTUPD", "AUDIT-LOG", "AUDITLOG", ("EXTEND",), 14),  # ASSIGN without TO
        FileAssign("CUSTUPD", "ERROR-OUT", "ERROUT", ("OUTPUT",), 15),  # S-ERROUT
    ]


def test_open_modes_accumulate_per_file() -> None:
    x = run_text(program(
        "ENVIRONMENT DIVISION.",
        "INPUT-OUTPUT SECTION.",
        "FILE-CONTROL.",
        "    SELECT WORK-FILE ASSIGN TO UT-S-WORKDD.",
        "    SELECT LOG-FILE ASSIGN TO DA-S-LOGDD.",
        "DATA DIVISION.",
        "FILE SECTION.",
        "FD  WORK-FILE.",
        "01  WORK-REC PIC X(80).",
        "FD  LOG-FILE.",
        "01  LOG-REC PIC X(80).",
        "PROCEDURE DIVISION.",
        "    OPEN OUTPUT WORK-FILE",
        "    CLOSE WORK-FILE",
        "    OPEN INPUT WORK-FILE EXTEND LOG-FILE",
        "    STOP RUN.",
    ))
    assert {(f.select_name, f.ddname, f.modes, f.line) for f in x.file_assigns} == {
        ("WORK-FILE", "WORKDD", ("INPUT", "OUTPUT"), 6),
        ("LOG-FILE", "LOGDD", ("EXTEND",), 7),
    }


def test_custupd_data_items() -> None:
    x = run("CUSTUPD.cbl")
    assert items(x, "program:CUSTUPD") == [
        (0, "TRANREC", 21, "", "", (), 0, ""),  # COPY marker right after the FD
        (1, "CM-RECORD", 23, "", "", (), 0, ""),
        (5, "CM-KEY", 24, "X(10)", "", (), 0, ""),
        (5, "CM-DATA", 25, "X(190)", "", (), 0, ""),
        (1, "RPT-LINE", 27, "X(133)", "", (), 0, ""),
        (1, "AUDIT-REC", 29, "X(80)", "", (), 0, ""),
        (1, "ERR-REC", 31, "X(80)", "", (), 0, ""),
        (77, "WS-CM-STATUS", 33, "XX", "", ("\x00SPACES",), 0, ""),
        (1, "WS-PROGRAMS", 34, "", "", (), 0, ""),
        (5, "WS-RATE-PGM", 35, "X(8)", "", ("CUSTRATE",), 0, ""),
        (5, "WS-EXIT-PGMS", 36, "X(8)", "", (), 3, ""),
        (1, "WS-AMOUNTS", 37, "", "", (), 0, ""),
        (5, "WS-BALANCE", 38, "S9(9)V99", "COMP-3", (), 0, ""),  # USAGE IS COMPUTATIONAL-3
        (5, "WS-LIMIT", 39, "S9(7)V99", "COMP-3", ("5000",), 0, ""),  # PACKED-DECIMAL
        (5, "WS-SEQ", 40, "9(8)", "COMP", (), 0, ""),  # BINARY
        (5, "WS-HALF", 41, "S9(4)", "COMP", (), 0, ""),  # COMPUTATIONAL
        (5, "WS-PTR", 42, "", "POINTER", (), 0, ""),
        (1, "WS-DATE-X", 43, "X(8)", "", ("\x00HIGH-VALUES",), 0, ""),
        (1, "WS-DATE-N", 44, "", "", (), 0, "WS-DATE-X"),
        (5, "WS-YYYY", 45, "9(4)", "", (), 0, ""),
        (5, "FILLER", 46, "X(4)", "", (), 0, ""),
        (5, "FILLER", 47, "X(2)", "", ("\x00LOW-VALUE",), 0, ""),  # unnamed item
        (1, "WS-TYPE", 48, "X", "", ("A",), 0, ""),
        (88, "TYPE-VALID", 49, "", "", ("A", "C", "D"), 0, ""),
        (88, "TYPE-RANGE", 50, "", "", ("E", "H"), 0, ""),  # 'E' THRU 'H': the bounds
        (88, "TYPE-NUMERIC", 51, "", "", ("1", "2", "3"), 0, ""),
        (1, "WS-TABLE", 52, "", "", (), 0, ""),
        (5, "WS-ENTRY-COUNT", 53, "S9(4)", "COMP", ("\x00ZERO",), 0, ""),
        (5, "WS-ENTRY", 54, "", "", (), 500, ""),  # OCCURS 1 TO 500 DEPENDING ON: the maximum
        (10, "WS-ENT-KEY", 57, "X(10)", "", (), 0, ""),
        (10, "WS-ENT-AMT", 58, "S9(7)V99", "COMP-3", (), 0, ""),
        (0, "CUSTWS", 59, "", "", (":PFX:\x00WS", "(CNT)\x00(50)"), 0, ""),
        (0, "ERRCODES", 61, "", "", (), 0, ""),
        (0, "DATEUTIL", 62, "", "", (), 0, ""),
        (1, "WS-MSG", 63, "X(40)", "", ("CUSTOMER UPDATE COMPLETE",), 0, ""),  # VALUE on the next line
    ]
    assert all(isinstance(i, DataItem) for _, group in x.data_items for i in group)


def test_continued_literal_value() -> None:
    first = "01  WS-MSG PIC X(60) VALUE 'CUSTOMER RECORD NOT FOUND ON MASTER F"
    assert len(PAD + first) == 72
    text = program(
        "DATA DIVISION.",
        "WORKING-STORAGE SECTION.",
        first,
    ) + "      -    'ILE'.\n" + PAD + "PROCEDURE DIVISION.\n" + PAD + "    GOBACK.\n"
    x = run_text(text)
    assert items(x, "program:INLINE") == [
        (1, "WS-MSG", 5, "X(60)", "", ("CUSTOMER RECORD NOT FOUND ON MASTER FILE",), 0, "")]


# -- EXEC CICS, SQL, DLI and CALL 'CBLTDLI' ----------------------------------------------------


def test_cics_program() -> None:
    x = run("CUSTINQ.cbl")
    p = "program:CUSTINQ"
    assert refs(x) == {
        (p, "includes", "copybook", "SQLCA", 15, "sql-include", False, False),
        (p, "uses-map", "mapset", "CUSTSET", 22, "literal", False, False),
        (p, "reads", "file", "CUSTMAS", 26, "literal", False, False),
        (p, "reads", "file", "WS-FILE-NAME", 31, "identifier", True, False),  # DATASET(ws-var)
        (p, "updates", "file", "CUSTMAS", 33, "literal", False, False),  # REWRITE
        (p, "writes", "file", "CUSTHST", 35, "literal", False, False),
        (p, "deletes", "file", "CUSTTMP", 37, "literal", False, False),  # DATASET('...')
        (p, "reads", "file", "CUSTAIX", 38, "literal", False, False),  # STARTBR
        (p, "reads", "file", "CUSTAIX", 39, "literal", False, False),  # READNEXT
        (p, "uses-map", "mapset", "WS-MAPSET", 41, "identifier", True, False),
        (p, "uses-map", "mapset", "CUSTERR", 43, "literal", False, False),  # MAP only: mapset = map
        (p, "links", "program", "ERRHNDL", 45, "literal", False, False),
        (p, "links", "program", "WS-PGM", 49, "identifier", True, True),  # PROGRAM(WS-PGM(2))
        (p, "starts", "transaction", "CIQ2", 50, "literal", False, False),  # START TRANSID
        (p, "xctl", "program", "WS-NEXT-PGM", 51, "identifier", True, False),
        (p, "xctl", "program", "CUSTMENU", 52, "literal", False, False),
        (p, "starts", "transaction", "CINQ", 53, "literal", False, False),  # RETURN TRANSID
    }
    assert {r.detail for r in x.references if r.line == 33} == {"EXEC CICS REWRITE"}
    m = metrics(x)[p]
    assert (m.complexity, m.max_nesting, m.code_lines, m.comment_lines) == (2, 1, 53, 3)
    assert x.parse.status == "ok"


def test_sql_program() -> None:
    x = run("CLMUPD.cbl")
    p = "program:CLMUPD"
    assert {(d.kind, d.name, d.line, d.detail) for d in x.definitions} == {
        ("program", "CLMUPD", 1, ""),
        ("paragraph", "0000-MAIN", 26, ""),
        ("table", "CLAIM_HIST", 9, "dclgen,schema=BEN"),
    }
    assert {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.detail) for r in x.references} == {
        (p, "includes", "copybook", "SQLCA", 5, "sql-include", ""),
        (p, "includes", "copybook", "DCLCLAIM", 6, "sql-include", ""),
        # cursor: FROM, JOIN and the NOT IN subquery are all read; tables are named as the DDL names them
        (p, "reads", "table", "CLAIM", 17, "exec-sql", "EXEC SQL DECLARE; as BEN.CLAIM"),
        (p, "reads", "table", "CLAIMANT", 17, "exec-sql", "EXEC SQL DECLARE; as BEN.CLAIMANT"),
        (p, "reads", "table", "CLAIM_HIST", 17, "exec-sql", "EXEC SQL DECLARE; as BEN.CLAIM_HIST"),
        (p, "reads", "table", "CLAIM", 28, "exec-sql", "EXEC SQL SELECT; as BEN.CLAIM"),
        (p, "updates", "table", "CLAIM", 35, "exec-sql", "EXEC SQL UPDATE; as BEN.CLAIM"),
        (p, "writes", "table", "CLAIM_HIST", 39, "exec-sql", "EXEC SQL INSERT; as BEN.CLAIM_HIST"),
        (p, "deletes", "table", "CLAIM_WORK", 44, "exec-sql", "EXEC SQL DELETE; as BEN.CLAIM_WORK"),
    }
    assert x.parse.status == "ok" and x.parse.error_ratio == 0.0


def test_ims_program() -> None:
    x = run("IMSUPD.cbl")
    p = "program:IMSUPD"
    assert {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.dynamic, r.detail)
            for r in x.references} == {
        (p, "ims", "psb", "IMSUPDP", 15, "literal", False, "EXEC DLI SCHD"),
        # SEGMENT(name) names the segment; SEGMENT((area)) names a data area that holds it
        (p, "ims", "segment", "CUSTOMER", 16, "literal", False, "EXEC DLI GU"),
        (p, "ims", "segment", "WS-SEG-NAME", 21, "identifier", True, "EXEC DLI GNP"),
        (p, "ims", "segment", "POLICY", 23, "literal", False, "EXEC DLI REPL"),
        (p, "calls", "program", "CBLTDLI", 25, "literal", False, ""),
        # CALL 'CBLTDLI' USING function, pcb, io-area, ssa...: every SSA names a segment at run time
        (p, "ims", "segment", "CUSTOMER-SSA", 25, "cbltdli-ssa", True, "function=DLI-GU"),
        (p, "ims", "segment", "POLICY-SSA", 25, "cbltdli-ssa", True, "function=DLI-GU"),
        (p, "calls", "program", "CBLTDLI", 30, "literal", False, ""),  # no SSA: no segment
    }


def test_exec_dli_psb_in_a_data_area() -> None:
    x = run_text(program(
        "DATA DIVISION.",
        "WORKING-STORAGE SECTION.",
        "01  WS-PSB PIC X(8) VALUE 'PSBA'.",
        "PROCEDURE DIVISION.",
        "    EXEC DLI SCHD PSB((WS-PSB)) END-EXEC",
        "    GOBACK.",
    ))
    assert refs(x) == {("program:INLINE", "ims", "psb", "WS-PSB", 7, "identifier", True, False)}


# -- copybooks -------------------------------------------------------------------------------------


def test_data_copybook() -> None:
    x = run("CUSTREC.cpy")
    c = "copybook:CUSTREC"
    assert {(d.kind, d.name, d.line, d.end_line) for d in x.definitions} == {("copybook", "CUSTREC", 1, 12)}
    assert items(x, c) == [
        (1, "CUSTOMER-RECORD", 4, "", "", (), 0, ""),
        (5, "CUST-ID", 5, "X(10)", "", (), 0, ""),
        (5, "CUST-NAME", 6, "X(30)", "", (), 0, ""),
        (5, "CUST-STATUS", 7, "X", "", (), 0, ""),
        (88, "CUST-ACTIVE", 8, "", "", ("A",), 0, ""),
        (88, "CUST-CLOSED", 9, "", "", ("C", "X"), 0, ""),
        (5, "CUST-BALANCE", 10, "S9(7)V99", "COMP-3", (), 0, ""),
        (5, "CUST-PHONES", 11, "", "", (), 2, ""),
        (10, "CUST-PHONE", 12, "X(12)", "", (), 0, ""),
    ]
    assert metrics(x) == {c: Metrics(code_lines=9, comment_lines=3, blank_lines=0)}
    assert x.parse.status == "ok"


def test_fragment_copybook_has_no_wrapper_items() -> None:
    x = run("CUSTFRAG.cpy")
    assert items(x, "copybook:CUSTFRAG") == [
        (5, "FRAG-CODE", 1, "X(4)", "", (), 0, ""),
        (5, "FRAG-DESC", 2, "X(40)", "", ("\x00SPACES",), 0, ""),
        (5, "FRAG-AMT", 3, "S9(5)", "COMP", (), 0, ""),
    ]
    assert x.parse.status == "ok"


def test_procedure_copybook_owns_its_statements() -> None:
    x = run("ERRPARA.cpy")
    c = "copybook:ERRPARA"
    # Its paragraphs are not a program's paragraphs: only the copybook is defined.
    assert defs(x) == {("copybook", "ERRPARA", 1, None)}
    assert refs(x) == {
        (c, "calls", "program", "ERRLOG", 4, "literal", False, False),
        (c, "calls", "program", "WS-ABEND-PGM", 5, "identifier", True, False),
    }
    assert [(m.source, m.target, m.line, m.literal) for m in x.moves] == [("ABEND", "WS-ERR-MSG", 3, True)]
    assert metrics(x) == {c: Metrics(code_lines=7, comment_lines=1, blank_lines=0)}


def test_tag_copybook_names_keep_their_tags() -> None:
    x = run("TAGREC.cpy")
    assert items(x, "copybook:TAGREC") == [
        (1, ":TAG:-RECORD", 1, "", "", (), 0, ""),
        (5, ":TAG:-KEY", 2, "X(8)", "", (), 0, ""),
        (5, ":TAG:-COUNT", 3, "S9(4)", "COMP", ("\x00ZERO",), 0, ""),
        (5, ":TAG:-TEXT", 4, "X(20)", "", ("A:B:C",), 0, ""),
    ]


def test_copy_in_procedure_division_is_no_data_marker() -> None:
    x = run_text(program(
        "DATA DIVISION.",
        "WORKING-STORAGE SECTION.",
        "01  WS-A PIC X.",
        "PROCEDURE DIVISION.",
        "MAIN-PARA.",
        "    COPY ERRPARA.",
        "    GOBACK.",
    ))
    assert refs(x) == {("program:INLINE", "includes", "copybook", "ERRPARA", 8, "copy", False, False)}
    assert items(x, "program:INLINE") == [(1, "WS-A", 5, "X", "", (), 0, "")]


# -- bad input: fallback and robustness --------------------------------------------------------


def test_fallback_reads_statements_the_grammar_rejects() -> None:
    x = run("BROKEN.cbl")
    p = "program:BROKEN"
    assert x.parse.fallback_used is True
    assert x.parse.error_ratio > 0 and x.parse.status == "partial"
    assert x.parse.fallback_lines == 13  # ENTRY at 23 up to the end of the member
    assert defs(x) == {
        ("program", "BROKEN", 1, None),
        ("paragraph", "0000-MAIN", 17, p),
        ("paragraph", "2000-MORE", 20, p),
        ("paragraph", "1000-WORK", 22, p),
        ("paragraph", "9000-UNUSED", 34, p),  # header inside the ERROR region
    }
    (prog,) = [d for d in x.definitions if d.kind == "program"]
    assert prog.end_line == 35  # the program does not end where the grammar gave up
    assert refs(x) == {
        (p, "calls", "program", "ERRLOG", 28, "literal", False, False),
        (p, "calls", "program", "WS-PGM", 28, "identifier", True, False),  # second CALL on one line
        (p, "calls", "program", "CBLTDLI", 29, "literal", False, False),
        (p, "ims", "segment", "ORDER-SSA", 29, "cbltdli-ssa", True, False),  # USING spans 4 lines
        # MOVE 'CALL ME' at 26 is no CALL
    }
    assert moves(x) == [
        ("BROKEN", "DONE", "WS-A", 21, True, False),
        ("BROKEN", "LK-PARM", "WS-A", 24, False, False),
        ("BROKEN", "WS-ITEM", "WS-A", 25, False, True),
        ("BROKEN", "WS-ITEM", "WS-PGM", 25, False, True),
        ("BROKEN", "CALL ME", "WS-A", 26, True, False),  # TO on the next line
    ]
    # PERFORM 2000-MORE (line 32, in the ERROR region) keeps 2000-MORE alive.
    m = metrics(x)[p]
    assert (m.dead_paragraphs, m.paragraphs) == (("9000-UNUSED",), 4)


def test_fallback_for_use_for_debugging() -> None:
    x = run_text(program(
        "ENVIRONMENT DIVISION.",
        "CONFIGURATION SECTION.",
        "SOURCE-COMPUTER. IBM-370 WITH DEBUGGING MODE.",
        "DATA DIVISION.",
        "WORKING-STORAGE SECTION.",
        "01  WS-A PIC X(8).",
        "PROCEDURE DIVISION.",
        "DECLARATIVES.",
        "DEBUG-SECTION SECTION.",
        "    USE FOR DEBUGGING ON ALL PROCEDURES.",
        "DEBUG-PARA.",
        "    CALL 'DBGTRACE' USING DEBUG-ITEM.",
        "END DECLARATIVES.",
        "MAIN-SECTION SECTION.",
        "MAIN-PARA.",
        "    MOVE 'SUBPGM' TO WS-A",
        "    CALL WS-A",
        "    STOP RUN.",
    ))
    assert x.parse.fallback_used is True and x.parse.error_ratio > 0
    assert ("program:INLINE", "calls", "program", "DBGTRACE", 14, "literal", False, False) in refs(x)
    assert refs(x) == {
        ("program:INLINE", "calls", "program", "DBGTRACE", 14, "literal", False, False),
        ("program:INLINE", "calls", "program", "WS-A", 19, "identifier", True, False),
    }
    assert moves(x) == [("INLINE", "SUBPGM", "WS-A", 18, True, False)]


def test_unterminated_exec_is_reported_and_the_rest_is_read() -> None:
    x = run_text(program(
        "PROCEDURE DIVISION.",
        "MAIN-PARA.",
        "    EXEC CICS LINK PROGRAM('LINKED').",
        "    CALL 'AFTER'",
        "    GOBACK.",
    ))
    assert refs(x) == {
        ("program:INLINE", "links", "program", "LINKED", 5, "literal", False, False),
        ("program:INLINE", "calls", "program", "AFTER", 6, "literal", False, False),
    }
    assert {(d.severity, d.code, d.line) for d in x.diagnostics} == {("warning", "COBOL-EXEC-UNTERMINATED", 5)}


def test_free_format_program() -> None:
    x = run("FREEPGM.cbl")
    p = "program:FREEPGM"
    assert defs(x) == {("program", "FREEPGM", 2, None), ("paragraph", "MAIN-PARA", 10, p)}
    assert refs(x) == {
        (p, "calls", "program", "WS-PGM", 12, "identifier", True, False),
        (p, "calls", "program", "LITPGM", 13, "literal", False, False),
    }
    assert moves(x) == [("FREEPGM", "SUBPGM1", "WS-PGM", 11, True, False)]
    assert items(x, p) == [(1, "WS-NAME", 7, "X(30)", "", ("FREE FORMAT",), 0, ""),
                           (1, "WS-PGM", 8, "X(8)", "", (), 0, "")]
    # *> lines are comments; the >>SOURCE directive counts as code
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (14, 1, 0)
    assert x.parse.status == "ok"


def test_line_counts_lowercase_and_crlf() -> None:
    text = "\r\n".join([
        "000100 identification division.",
        "000200 program-id. lowcase.",
        "000300* a comment",
        "000400",  # sequence number only: blank
        "",
        "000600/",  # page eject with nothing else: a comment line
        "000700 procedure division.",
        "000800 main-para.",
        "000900     call 'sub1' using ws-a",
        "001000     move 'x' to ws-a",
        "001100     perform sub-para.",
        "001200 sub-para.",
        "001300     exec cics xctl program('next') end-exec.",
    ]) + "\r\n"
    x = run_text(text, "src/lowcase.cbl")
    p = "program:LOWCASE"
    assert defs(x) == {("program", "LOWCASE", 1, None), ("paragraph", "MAIN-PARA", 8, p),
                       ("paragraph", "SUB-PARA", 12, p)}
    assert refs(x) == {
        (p, "calls", "program", "SUB1", 9, "literal", False, False),
        (p, "xctl", "program", "NEXT", 13, "literal", False, False),
    }
    assert moves(x) == [("LOWCASE", "x", "WS-A", 10, True, False)]  # a literal keeps its case
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (9, 2, 2)
    assert metrics(x)[p].dead_paragraphs == ()


def test_never_raises() -> None:
    empty = run_text("", "src/EMPTY.cpy")
    assert empty.lines.total == 0
    assert {d.kind for d in empty.definitions} == {"copybook"}
    junk = run_text("\x00\x01\x02\xff garbage )(*&^%$ \x1a\n" * 50, "src/JUNK.cbl")
    assert junk.parse.parser == "tree-sitter:cobol"
    half = run_text(program("PROCEDURE DIVISION.", "    IF A = 1"), "src/HALF.cbl")
    assert {d.name for d in half.definitions if d.kind == "program"} == {"INLINE"}


def test_deeply_nested_ifs_return() -> None:
    depth = 2000
    body = ["PROCEDURE DIVISION.", "MAIN-PARA."]
    body += ["    IF A = 1"] * depth + ["    DISPLAY 'DEEP'"] + ["    END-IF"] * depth + ["    STOP RUN."]
    x = run_text(program(*body), "src/DEEP.cbl")
    if x.parse.status == "failed":
        assert {d.code for d in x.diagnostics} == {"COBOL-TOO-DEEP"}
    else:
        m = metrics(x)["program:INLINE"]
        assert m.complexity == depth + 1 and m.max_nesting == depth


def test_program_id_missing_uses_member_name() -> None:
    x = run_text(PAD + "IDENTIFICATION DIVISION.\n" + PAD + "PROCEDURE DIVISION.\n" + PAD + "    GOBACK.\n",
                 "src/NOPGMID.cbl")
    assert {(d.kind, d.name) for d in x.definitions} == {("program", "NOPGMID")}
    assert {(d.severity, d.code) for d in x.diagnostics} == {("warning", "COBOL-NO-PROGRAM-ID")}


def test_continued_single_quoted_literal_with_apostrophe() -> None:
    first = "01  WS-MSG PIC X(60) VALUE 'IT''S NOT ON THE MASTER FILE, SEE THE"
    assert len(PAD + first) == 72
    text = program("DATA DIVISION.", "WORKING-STORAGE SECTION.", first)
    text += "      -    ' LOG'.\n" + PAD + "PROCEDURE DIVISION.\n" + PAD + "    GOBACK.\n"
    assert items(run_text(text), "program:INLINE") == [
        (1, "WS-MSG", 5, "X(60)", "", ("IT'S NOT ON THE MASTER FILE, SEE THE LOG",), 0, "")]
