"""Cross-file resolution: every resolution route and edge kind, on a small hand-made export."""

from __future__ import annotations

from pathlib import Path

from scanning import edges_of, fixed, scan_dict

MAIN = fixed(
    "IDENTIFICATION DIVISION.",
    "PROGRAM-ID. MAINPGM.",
    "ENVIRONMENT DIVISION.",
    "INPUT-OUTPUT SECTION.",
    "FILE-CONTROL.",
    "    SELECT IN-FILE ASSIGN TO UT-S-INDD.",
    "    SELECT OUT-FILE ASSIGN TO OUTDD.",
    "    SELECT MAST-FILE ASSIGN TO MASTDD.",
    "DATA DIVISION.",
    "FILE SECTION.",
    "FD  IN-FILE.",
    "    COPY INREC.",
    "FD  OUT-FILE.",
    "01  OUT-REC PIC X(80).",
    "FD  MAST-FILE.",
    "01  MAST-REC PIC X(80).",
    "WORKING-STORAGE SECTION.",
    "01  WS-VALUE-PGM   PIC X(8) VALUE 'SUBVAL'.",
    "01  WS-MOVE-PGM    PIC X(8) VALUE SPACES.",
    "01  C-CONST-PGM    PIC X(8) VALUE 'SUBCONST'.",
    "01  WS-PGM         PIC X(8).",
    "01  WS-UNKNOWN-PGM PIC X(8).",
    "01  WS-OPT         PIC 9.",
    "    COPY MENUTAB.",
    "PROCEDURE DIVISION.",
    "MAIN-PARA.",
    "    OPEN INPUT IN-FILE OUTPUT OUT-FILE I-O MAST-FILE.",
    "    CALL 'SUBLIT'.",
    "    CALL WS-VALUE-PGM.",
    "    MOVE 'SUBMOVE' TO WS-MOVE-PGM.",
    "    CALL WS-MOVE-PGM.",
    "    MOVE C-CONST-PGM TO WS-PGM.",
    "    CALL WS-PGM.",
    "    READ IN-FILE INTO WS-UNKNOWN-PGM.",
    "    CALL WS-UNKNOWN-PGM.",
    "    CALL MENU-PGM(WS-OPT).",
    "    CALL 'IDCAMS'.",
    "    CALL 'NOTHERE'.",
    "    COPY PROCCPY.",
    "    GOBACK.",
)

MENUTAB = fixed(
    "01  MENU-DATA.",
    "    05 FILLER PIC X(8) VALUE 'MENUA'.",
    "    05 FILLER PIC X(20) VALUE 'FIRST OPTION'.",
    "    05 FILLER PIC X(8) VALUE 'MENUB'.",
    "    05 FILLER PIC X(20) VALUE 'SECOND OPTION'.",
    "01  MENU-TABLE REDEFINES MENU-DATA.",
    "    05 MENU-ENTRY OCCURS 2 TIMES.",
    "       10 MENU-PGM  PIC X(8).",
    "       10 MENU-TEXT PIC X(20).",
)

PROCCPY = fixed(
    "*    PROCEDURE-DIVISION COPYBOOK: ITS CALL IS THE INCLUDER'S",
    "    CALL 'ERRLOG'.",
)

INREC = fixed("01  IN-REC.", "    05 IN-KEY PIC X(10).", "    05 FILLER PIC X(70).")


def _sub(name: str) -> str:
    return fixed("IDENTIFICATION DIVISION.", f"PROGRAM-ID. {name}.", "PROCEDURE DIVISION.", "    GOBACK.")


JOB = "\n".join([
    "//NIGHTLY  JOB (ACCT),'NIGHTLY',CLASS=A",
    "//STEP1    EXEC PGM=MAINPGM",
    "//INDD     DD DSN=PROD.INPUT.FILE,DISP=SHR",
    "//OUTDD    DD DSN=PROD.OUTPUT.FILE,DISP=(NEW,CATLG,DELETE)",
    "//MASTDD   DD DSN=PROD.MASTER.FILE,DISP=OLD",
    "//SYSOUT   DD SYSOUT=*",
    "",
])

CSD = "\n".join([
    "DEFINE TRANSACTION(TRN1) GROUP(APP) PROGRAM(ONLINE1)",
    "DEFINE FILE(CUSTF) GROUP(APP) DSNAME(PROD.CUST.KSDS)",
    "",
])

ONLINE = fixed(
    "IDENTIFICATION DIVISION.",
    "PROGRAM-ID. ONLINE1.",
    "DATA DIVISION.",
    "WORKING-STORAGE SECTION.",
    "01  WS-NEXT PIC X(8).",
    "    EXEC SQL INCLUDE SQLCA END-EXEC.",
    "    EXEC SQL INCLUDE DCLCUST END-EXEC.",
    "    COPY MAPSET1.",
    "PROCEDURE DIVISION.",
    "    EXEC CICS READ FILE('CUSTF') INTO(WS-NEXT)",
    "         RIDFLD(WS-NEXT) END-EXEC.",
    "    EXEC SQL SELECT NAME INTO :WS-NEXT FROM CUSTOMER",
    "         WHERE ID = 1 END-EXEC.",
    "    EXEC SQL UPDATE APP.ORDERS SET X = 1 END-EXEC.",
    "    EXEC CICS SEND MAP('MAP1') MAPSET('MAPSET1') END-EXEC.",
    "    MOVE 'SUBLIT' TO WS-NEXT.",
    "    EXEC CICS XCTL PROGRAM(WS-NEXT) END-EXEC.",
    "    EXEC CICS RETURN TRANSID('TRN1') END-EXEC.",
    "    GOBACK.",
)

DDL = "CREATE TABLE APP.CUSTOMER (ID INTEGER NOT NULL, NAME CHAR(30));\n" \
      "CREATE TABLE APP.ORDERS (ID INTEGER);\n"

DCLGEN = fixed(
    "    EXEC SQL DECLARE APP.CUSTOMER TABLE",
    "    ( ID INTEGER NOT NULL, NAME CHAR(30) ) END-EXEC.",
    "01  DCLCUSTOMER.",
    "    10 CUST-ID   PIC S9(9) COMP.",
    "    10 CUST-NAME PIC X(30).",
)

BMS = "\n".join([
    "MAPSET1  DFHMSD TYPE=&SYSPARM,MODE=INOUT,LANG=COBOL",
    "MAP1     DFHMDI SIZE=(24,80)",
    "         DFHMSD TYPE=FINAL",
    "         END",
    "",
])


def _export(export) -> Path:  # type: ignore[no-untyped-def]
    return export({
        "cobol/MAINPGM.cbl": MAIN,
        "cobol/ONLINE1.cbl": ONLINE,
        "cobol/SUBLIT.cbl": _sub("SUBLIT"),
        "cobol/SUBVAL.cbl": _sub("SUBVAL"),
        "cobol/SUBMOVE.cbl": _sub("SUBMOVE"),
        "cobol/SUBCONST.cbl": _sub("SUBCONST"),
        "cobol/MENUA.cbl": _sub("MENUA"),
        "cobol/MENUB.cbl": _sub("MENUB"),
        "cobol/ERRLOG.cbl": _sub("ERRLOG"),
        "cobol/ORPHAN.cbl": _sub("ORPHAN"),
        "copy/MENUTAB.cpy": MENUTAB,
        "copy/PROCCPY.cpy": PROCCPY,
        "copy/INREC.cpy": INREC,
        "copy/DCLCUST.cpy": DCLGEN,
        "jcl/NIGHTLY.jcl": JOB,
        "csd/APP.csd": CSD,
        "ddl/APP.sql": DDL,
        "bms/MAPSET1.bms": BMS,
    })


def test_every_resolution_route(export) -> None:  # type: ignore[no-untyped-def]
    scan = scan_dict(_export(export))
    calls = {(s, t, via, r) for s, _k, t, via, r in edges_of(scan, "calls")}
    assert calls == {
        ("program:MAINPGM", "program:SUBLIT", "literal", True),
        ("program:MAINPGM", "program:SUBVAL", "value-clause", True),
        ("program:MAINPGM", "program:SUBMOVE", "move-literal", True),
        ("program:MAINPGM", "program:SUBCONST", "move-constant", True),
        ("program:MAINPGM", "program:MENUA", "menu-table", True),
        ("program:MAINPGM", "program:MENUB", "menu-table", True),
        ("program:MAINPGM", "dynamic:MAINPGM.WS-UNKNOWN-PGM", "unresolved-dynamic", False),
        ("program:MAINPGM", "program:IDCAMS", "literal", True),
        ("program:MAINPGM", "program:NOTHERE", "literal", False),
        # The CALL inside the procedure-division copybook counts for the program that copies it.
        ("program:MAINPGM", "program:ERRLOG", "literal", True),
    }
    comps = {c["id"]: c for c in scan["components"]}
    assert comps["program:IDCAMS"]["system"] is True and comps["program:IDCAMS"]["defined"] is False
    assert comps["program:NOTHERE"]["system"] is False and comps["program:NOTHERE"]["defined"] is False
    assert comps["dynamic:MAINPGM.WS-UNKNOWN-PGM"]["defined"] is False


def test_online_program_edges(export) -> None:  # type: ignore[no-untyped-def]
    scan = scan_dict(_export(export))
    got = {(k, t, via, r) for s, k, t, via, r in edges_of(scan) if s == "program:ONLINE1"}
    assert got == {
        ("includes", "copybook:SQLCA", "sql-include", True),  # system copybook
        ("includes", "copybook:DCLCUST", "sql-include", True),
        ("includes", "mapset:MAPSET1", "bms-symbolic-map", True),
        ("reads", "file:CUSTF", "literal", True),
        ("reads", "table:CUSTOMER", "exec-sql", True),  # the schema is kept in the detail
        ("updates", "table:ORDERS", "exec-sql", True),
        ("uses-map", "mapset:MAPSET1", "literal", True),
        ("xctl", "program:SUBLIT", "move-literal", True),
        ("starts", "transaction:TRN1", "literal", True),
    }
    assert ("transaction:TRN1", "starts", "program:ONLINE1", "csd", True) in edges_of(scan)
    assert ("file:CUSTF", "dataset", "dataset:PROD.CUST.KSDS", "csd", True) in edges_of(scan)
    # The DDL definition wins over the DCLGEN declaration of the same table.
    table = next(c for c in scan["components"] if c["id"] == "table:CUSTOMER")
    assert table["file"] == "ddl/APP.sql"


def test_jcl_dd_names_link_to_cobol_selects(export) -> None:  # type: ignore[no-untyped-def]
    scan = scan_dict(_export(export))
    dd = {(k, t) for s, k, t, via, _r in edges_of(scan) if s == "program:MAINPGM" and via == "jcl-dd-select"}
    assert dd == {
        ("reads", "dataset:PROD.INPUT.FILE"),  # ASSIGN TO UT-S-INDD, OPEN INPUT
        ("writes", "dataset:PROD.OUTPUT.FILE"),  # OPEN OUTPUT
        ("updates", "dataset:PROD.MASTER.FILE"),  # OPEN I-O
    }
    assert ("job:NIGHTLY", "runs", "program:MAINPGM", "jcl-exec", True) in edges_of(scan)


def test_missing_copybook_is_an_unresolved_edge_and_a_diagnostic(export) -> None:  # type: ignore[no-untyped-def]
    files = {
        "A.cbl": fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. A.", "DATA DIVISION.",
                       "WORKING-STORAGE SECTION.", "    COPY GONE.", "PROCEDURE DIVISION.", "    GOBACK."),
    }
    scan = scan_dict(export(files))
    assert ("program:A", "includes", "copybook:GONE", "copy", False) in edges_of(scan)
    diags = [(d["code"], d["path"], d["line"]) for d in scan["diagnostics"]]
    assert ("COPY-NOT-FOUND", "A.cbl", 5) in diags


def test_dead_program_candidates(export) -> None:  # type: ignore[no-untyped-def]
    scan = scan_dict(_export(export))
    dead = sorted(c["id"] for c in scan["components"] if c["dead_candidate"])
    # ORPHAN has no caller, job, transaction or menu entry. MAINPGM is run by a job,
    # ONLINE1 by a transaction, MENUA/MENUB through the menu table.
    assert dead == ["program:ORPHAN"]


def test_copybook_search_path_order(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        "P.cbl": fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. P.", "DATA DIVISION.",
                       "WORKING-STORAGE SECTION.", "    COPY REC.", "PROCEDURE DIVISION.", "    GOBACK."),
        "old/REC.cpy": fixed("01  REC-OLD PIC X."),
        "new/REC.cpy": fixed("01  REC-NEW PIC X."),
    })
    default = scan_dict(root)
    assert next(c for c in default["components"] if c["id"] == "copybook:REC")["file"] == "new/REC.cpy"
    ordered = scan_dict(root, copybook_paths=("old",))
    assert next(c for c in ordered["components"] if c["id"] == "copybook:REC")["file"] == "old/REC.cpy"


def test_copybook_include_cycle_terminates(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        "P.cbl": fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. P.", "DATA DIVISION.",
                       "WORKING-STORAGE SECTION.", "01  WS-X PIC X(8).", "    COPY CA.",
                       "PROCEDURE DIVISION.", "    CALL WS-X.", "    GOBACK."),
        "CA.cpy": fixed("01  A-REC PIC X.", "    COPY CB."),
        "CB.cpy": fixed("01  B-REC PIC X.", "    COPY CA."),
        "SELF.cpy": fixed("01  S-REC PIC X.", "    COPY SELF."),
    })
    scan = scan_dict(root)
    inc = {(s, t) for s, _k, t, _v, _r in edges_of(scan, "includes")}
    assert {("program:P", "copybook:CA"), ("copybook:CA", "copybook:CB"), ("copybook:CB", "copybook:CA"),
            ("copybook:SELF", "copybook:SELF")} <= inc
    assert ("program:P", "calls", "dynamic:P.WS-X", "unresolved-dynamic", False) in edges_of(scan)


def test_cataloged_proc_is_expanded_with_the_callers_symbols(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        "jcl/RUNJOB.jcl": "\n".join([
            "//RUNJOB   JOB (ACCT),'RUN',CLASS=A",
            "//STEP1    EXEC LOADPROC,HLQ=PROD",
            "",
        ]),
        "proclib/LOADPROC.prc": "\n".join([
            "//LOADPROC PROC HLQ=TEST",
            "//LOAD     EXEC PGM=LOADPGM",
            "//INDD     DD DSN=&HLQ..CUST.INPUT,DISP=SHR",
            "//OUTDD    DD DSN=&HLQ..CUST.MASTER,DISP=OLD",
            "",
        ]),
        "cobol/LOADPGM.cbl": fixed(
            "IDENTIFICATION DIVISION.", "PROGRAM-ID. LOADPGM.", "ENVIRONMENT DIVISION.",
            "INPUT-OUTPUT SECTION.", "FILE-CONTROL.", "    SELECT IN-F ASSIGN TO INDD.",
            "    SELECT OUT-F ASSIGN TO OUTDD.", "DATA DIVISION.", "FILE SECTION.", "FD  IN-F.",
            "01  IN-R PIC X(80).", "FD  OUT-F.", "01  OUT-R PIC X(80).", "PROCEDURE DIVISION.",
            "    OPEN INPUT IN-F EXTEND OUT-F.", "    GOBACK."),
    })
    edges = edges_of(scan_dict(root))
    # The proc's own facts use its default HLQ=TEST ...
    assert ("proc:LOADPROC", "reads", "dataset:TEST.CUST.INPUT", "jcl-dd", True) in edges
    # ... the job runs it with HLQ=PROD, so those are the data sets it really touches,
    assert ("job:RUNJOB", "reads", "dataset:PROD.CUST.INPUT", "jcl-proc-symbols", True) in edges
    assert ("job:RUNJOB", "writes", "dataset:PROD.CUST.MASTER", "jcl-proc-symbols", True) in edges
    # and the program's SELECTs link to the PROD data sets through the DD names.
    assert ("program:LOADPGM", "reads", "dataset:PROD.CUST.INPUT", "jcl-dd-select", True) in edges
    assert ("program:LOADPGM", "writes", "dataset:PROD.CUST.MASTER", "jcl-dd-select", True) in edges
