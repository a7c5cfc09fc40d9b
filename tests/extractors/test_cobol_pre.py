"""COBOL preprocessor: exact lines, origins, lifted EXEC/COPY blocks and copybook wrappers.

Sources are built card by card with ``card()`` so that every column is explicit:
columns 1-6 sequence number, 7 indicator, 8-72 code, 73-80 identification.
"""

from __future__ import annotations

from pathlib import Path

from legacy_lens.extractors.cobol_pre import CopyStatement, ExecBlock, preprocess

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cobol"
PAD = " " * 7  # a preprocessed code line starts in column 8


def card(code: str, ind: str = " ", seq: str = "000100", ident: str = "") -> str:
    """One fixed-format card; ``ident`` goes to columns 73-80."""
    line = seq + ind + code
    assert len(line) <= 72, line
    return line.ljust(72) + ident if ident else line


def src(*cards: str) -> str:
    return "\n".join(cards) + "\n"


HEAD = (card("IDENTIFICATION DIVISION."), card("PROGRAM-ID. T1."))


def test_columns_comments_and_debug_lines() -> None:
    text = src(
        card("IDENTIFICATION DIVISION.", seq="000100", ident="T1V01   "),
        card("PROGRAM-ID. T1.", seq="000200", ident="T1V01"),
        card("THIS IS A COMMENT LINE WITH PROCEDURE DIVISION IN IT", ind="*", seq="000300"),
        card("", ind="/", seq="000400"),
        card("DATA DIVISION.", seq="ABCDEF"),  # sequence area may hold any text
        card("WORKING-STORAGE SECTION."),
        card("01  WS-A PIC X.", ident="CHG0042"),
        card("PROCEDURE DIVISION."),
        card("    DISPLAY 'DEBUG ONLY'", ind="D"),
        card("    DISPLAY 'debug too'", ind="d"),
        card(""),  # sequence number only
        "",  # empty line
        card("    STOP RUN."),
    )
    pre = preprocess(text)
    assert pre.lines == [
        PAD + "IDENTIFICATION DIVISION.",
        PAD + "PROGRAM-ID. T1.",
        "",
        "",
        PAD + "DATA DIVISION.",
        PAD + "WORKING-STORAGE SECTION.",
        PAD + "01  WS-A PIC X.",
        PAD + "PROCEDURE DIVISION.",
        "",
        "",
        "",
        "",
        PAD + "    STOP RUN.",
    ]
    assert pre.origin == list(range(1, 14))  # every line maps back, none added or lost
    assert (pre.free_format, pre.is_copybook, pre.wrapper, pre.execs, pre.copies) == (False, False, "", [], [])
    assert pre.original_line(4) == 5 and pre.original_line(99) == 0


def test_single_quoted_continuation_is_requoted() -> None:
    # The first part runs to column 72 exactly; the continuation re-opens with a quote.
    first = "01  WS-MSG PIC X(60) VALUE 'CUSTOMER RECORD NOT FOUND ON MASTER F"
    assert len("000500 " + first) == 72
    text = src(
        *HEAD,
        card("DATA DIVISION."),
        card("WORKING-STORAGE SECTION."),
        card(first, seq="000500"),
        card("    'ILE'.", ind="-", seq="000600"),
        card("PROCEDURE DIVISION."),
        card("    STOP RUN."),
    )
    pre = preprocess(text)
    assert pre.lines[4] == PAD + '01  WS-MSG PIC X(60) VALUE "CUSTOMER RECORD NOT FOUND ON MASTER F'
    assert pre.lines[5] == '      -    "ILE".'  # hyphen kept in column 7, quotes now double
    assert pre.origin[4:6] == [5, 6]


def test_continued_literal_is_padded_to_column_72() -> None:
    # The literal opened on this line stops short of column 72: the blanks up to 72 belong to it.
    text = src(
        *HEAD,
        card("DATA DIVISION."),
        card("WORKING-STORAGE SECTION."),
        card('01  WS-MSG PIC X(80) VALUE "SHORT'),
        card('    "REST".', ind="-"),
        card("PROCEDURE DIVISION."),
    )
    pre = preprocess(text)
    assert pre.lines[4] == (PAD + '01  WS-MSG PIC X(80) VALUE "SHORT').ljust(72)
    assert pre.lines[5] == '      -    "REST".'


def test_single_quoted_continuation_with_embedded_double_quote() -> None:
    text = src(
        *HEAD,
        card("PROCEDURE DIVISION."),
        card("    DISPLAY 'SAY \"HI\" TO"),
        card("    ' THE OPERATOR'", ind="-"),
        card("    STOP RUN."),
    )
    pre = preprocess(text)
    # Double quotes inside the re-quoted literal become single quotes so that the literal stays one token.
    assert pre.lines[3] == (PAD + "    DISPLAY \"SAY 'HI' TO").ljust(72)
    assert pre.lines[4] == '      -    " THE OPERATOR"'


def test_exec_blocks_lifted_in_data_and_procedure_division() -> None:
    text = src(
        *HEAD,
        card("DATA DIVISION."),
        card("WORKING-STORAGE SECTION."),
        card("    EXEC SQL"),
        card("        INCLUDE SQLCA"),
        card("    END-EXEC."),
        card("01  WS-A PIC X."),
        card("PROCEDURE DIVISION."),
        card("    EXEC CICS LINK PROGRAM('PGMA')"),
        card("         COMMAREA(WS-A)"),
        card("    END-EXEC"),
        card("    EXEC DLI GU SEGMENT(ROOT) END-EXEC."),
        card("    exec sql select 1 into :ws-a from sysibm.sysdummy1 end-exec"),
        card("    STOP RUN."),
    )
    pre = preprocess(text)
    assert pre.execs == [
        ExecBlock("SQL", "INCLUDE SQLCA", 5, 7, False),
        ExecBlock("CICS", "LINK PROGRAM('PGMA') COMMAREA(WS-A)", 10, 12, True),
        ExecBlock("DLI", "GU SEGMENT(ROOT)", 13, 13, True),
        ExecBlock("SQL", "select 1 into :ws-a from sysibm.sysdummy1", 14, 14, True),
    ]
    # Data division: blanked, including the period after END-EXEC. Procedure division: CONTINUE.
    assert [ln.strip() for ln in pre.lines[4:7]] == ["", "", ""]
    assert pre.lines[7] == PAD + "01  WS-A PIC X."
    assert pre.lines[9].strip() == "CONTINUE"
    assert pre.lines[10].strip() == "" and pre.lines[11].strip() == ""
    assert pre.lines[12].split() == ["CONTINUE", "."]  # the sentence's period stays
    assert pre.lines[13].strip() == "CONTINUE"
    assert len(pre.lines) == 15 and pre.origin == list(range(1, 16))
    assert pre.unterminated_exec_lines == []


def test_exec_without_end_exec_stops_at_the_period() -> None:
    text = src(
        *HEAD,
        card("PROCEDURE DIVISION."),
        card("    EXEC CICS RETURN TRANSID('ABCD')."),
        card("    CALL 'NEXTPGM'."),
    )
    pre = preprocess(text)
    assert pre.execs == [ExecBlock("CICS", "RETURN TRANSID('ABCD')", 4, 4, True)]
    assert pre.unterminated_exec_lines == [4]
    assert pre.lines[4] == PAD + "    CALL 'NEXTPGM'."  # the rest of the program is not swallowed


def test_copy_statements_lifted() -> None:
    text = src(
        *HEAD,
        card("ENVIRONMENT DIVISION."),
        card("DATA DIVISION."),
        card("FILE SECTION."),
        card("FD  IN-FILE"),
        card("    RECORDING MODE IS F."),
        card("    COPY INREC."),
        card("WORKING-STORAGE SECTION."),
        card("    COPY WSREC REPLACING ==:PFX:== BY ==WS-IN=="),
        card("                         LEADING-X BY 'Y'."),
        card("    COPY ERRCODES OF PRODLIB."),
        card("    COPY 'DATEUTIL'."),
        card("PROCEDURE DIVISION."),
        card("    COPY PROCLIB IN SYSLIB."),
        card("    DISPLAY 'COPY NOTME'."),
    )
    pre = preprocess(text)
    assert pre.copies == [
        CopyStatement("INREC", "", 8, "", (), False),
        CopyStatement("WSREC", "", 10, "==:PFX:== BY ==WS-IN== LEADING-X BY 'Y'",
                      ((":PFX:", "WS-IN"), ("LEADING-X", "'Y'")), False),
        CopyStatement("ERRCODES", "PRODLIB", 12, "", (), False),
        CopyStatement("DATEUTIL", "", 13, "", (), False),
        CopyStatement("PROCLIB", "SYSLIB", 15, "", (), True),
    ]
    # In the DATA DIVISION a one-byte placeholder record keeps "FD f." followed by COPY parseable.
    assert pre.lines[7].rstrip() == PAD + "    01  CPYWRAP-COPY PIC X."
    assert pre.lines[9].rstrip() == PAD + "    01  CPYWRAP-COPY PIC X."
    assert pre.lines[10].strip() == ""  # the second line of the REPLACING phrase is blanked
    assert pre.lines[11].rstrip() == PAD + "    01  CPYWRAP-COPY PIC X."
    assert pre.lines[14].strip() == ""  # procedure division COPY: blanked, no placeholder
    assert pre.lines[15] == PAD + "    DISPLAY 'COPY NOTME'."  # COPY in a literal is no COPY
    assert pre.tags == {}


def test_replace_statement_blanked() -> None:
    text = src(
        *HEAD,
        card("    REPLACE ==WS-OLD== BY ==WS-NEW=="),
        card("            ==X== BY ==Y==."),
        card("DATA DIVISION."),
        card("WORKING-STORAGE SECTION."),
        card("01  WS-OLD PIC X."),
        card("    REPLACE OFF."),
        card("PROCEDURE DIVISION."),
    )
    pre = preprocess(text)
    assert [pre.lines[2].strip(), pre.lines[3].strip(), pre.lines[7].strip()] == ["", "", ""]
    assert pre.lines[6] == PAD + "01  WS-OLD PIC X."
    assert pre.copies == []


def test_free_format_relayout() -> None:
    text = (FIXTURES / "FREEPGM.cbl").read_text(encoding="utf-8")
    pre = preprocess(text)
    assert pre.free_format and not pre.is_copybook
    assert pre.lines == [
        "",  # >>SOURCE FORMAT FREE
        PAD + "IDENTIFICATION DIVISION.",
        PAD + "PROGRAM-ID. FREEPGM.",
        "",  # *> comment line
        PAD + "DATA DIVISION.",
        PAD + "WORKING-STORAGE SECTION.",
        PAD + '01 WS-NAME PIC X(30) VALUE "FREE FORMAT".',  # trailing *> comment dropped
        PAD + "01 WS-PGM PIC X(8).",
        PAD + "PROCEDURE DIVISION.",
        PAD + "MAIN-PARA.",
        PAD + '    MOVE "SUBPGM1" TO WS-PGM',
        # 86 columns of code: wrapped at a blank; the rest continues in area B (column 9)
        PAD + "    CALL WS-PGM USING WS-NAME WS-NAME WS-NAME WS-NAME WS-NAME",
        PAD + " WS-NAME WS-NAME WS-NAME",
        PAD + '    CALL "LITPGM"',
        PAD + '    DISPLAY "A *> NOT A COMMENT"',  # *> inside a literal is kept
        PAD + "    STOP RUN.",
    ]
    assert pre.origin == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 13, 14, 15]
    assert all(len(line) <= 72 for line in pre.lines)


def test_free_format_detected_without_directive() -> None:
    text = "IDENTIFICATION DIVISION.\nPROGRAM-ID. NODIR.\nPROCEDURE DIVISION.\n    GOBACK.\n"
    pre = preprocess(text)
    assert pre.free_format
    assert pre.lines == [PAD + "IDENTIFICATION DIVISION.", PAD + "PROGRAM-ID. NODIR.", PAD + "PROCEDURE DIVISION.",
                         PAD + "    GOBACK."]


def test_process_lines_not_equal_program_id_period_tabs_and_ctrl_z() -> None:
    text = (
        "CBL LIST,MAP,XREF\n"
        + card("PROCESS NODYNAM", seq="      ")
        + "\n"
        + src(
            card("IDENTIFICATION DIVISION."),
            card("PROGRAM-ID. FIXME"),
            card("DATE-COMPILED. 01/01/99."),
            card("PROCEDURE DIVISION."),
            card("    IF A NOT= B AND C NOT< D"),
            card("        DISPLAY 'NOT=' END-IF."),
        )
        + "000900\tSTOP RUN.\n"
        + "\x1a"
    )
    pre = preprocess(text)
    assert pre.lines == [
        "",
        "",
        PAD + "IDENTIFICATION DIVISION.",
        PAD + "PROGRAM-ID. FIXME.",  # missing period added
        "",  # DATE-COMPILED (the compiler fills it in) blanked
        PAD + "PROCEDURE DIVISION.",
        PAD + "    IF A NOT = B AND C NOT < D",
        PAD + "        DISPLAY 'NOT=' END-IF.",  # inside a literal NOT= is left alone
        PAD + "   STOP RUN.",  # the tab is 4 blanks: column 7 (indicator) and columns 8-10
        "",  # the trailing Ctrl-Z (end of file on PC transfers) leaves an empty line
    ]
    assert pre.origin == list(range(1, 11))
    assert "\x1a" not in pre.text


def test_not_equal_fix_leaves_literals_alone() -> None:
    text = src(*HEAD, card("PROCEDURE DIVISION."), card("    DISPLAY 'A NOT=B'."))
    assert preprocess(text).lines[3] == PAD + "    DISPLAY 'A NOT=B'."


def test_crlf_and_lowercase() -> None:
    text = "\r\n".join([
        card("identification division."),
        card("program-id. lower."),
        card("procedure division."),
        card("    exec cics return end-exec"),
        card("    goback."),
    ]) + "\r\n"
    pre = preprocess(text)
    assert [ln.rstrip() for ln in pre.lines] == [
        PAD + "identification division.", PAD + "program-id. lower.", PAD + "procedure division.",
        PAD + "    CONTINUE", PAD + "    goback."]
    assert pre.execs == [ExecBlock("CICS", "return", 4, 4, True)]


def test_data_copybook_wrapped() -> None:
    pre = preprocess((FIXTURES / "CUSTREC.cpy").read_text(encoding="utf-8"))
    assert (pre.is_copybook, pre.wrapper) == (True, "data")
    assert pre.lines[:4] == [PAD + "IDENTIFICATION DIVISION.", PAD + "PROGRAM-ID. CPYWRAP.", PAD + "DATA DIVISION.",
                             PAD + "WORKING-STORAGE SECTION."]
    assert pre.origin == [0, 0, 0, 0, *range(1, 13)]  # wrapper lines are synthetic
    assert pre.lines[4:7] == ["", "", ""]
    assert pre.lines[7] == PAD + "01  CUSTOMER-RECORD."  # identification area dropped


def test_fragment_copybook_gets_a_root_record() -> None:
    pre = preprocess((FIXTURES / "CUSTFRAG.cpy").read_text(encoding="utf-8"))
    assert (pre.is_copybook, pre.wrapper) == (True, "data")
    assert pre.lines[4] == PAD + "01  CPYWRAP-ROOT."
    assert pre.origin == [0, 0, 0, 0, 0, 1, 2, 3]
    assert pre.lines[5] == PAD + "    05  FRAG-CODE           PIC X(4)."


def test_procedure_copybook_wrapped() -> None:
    pre = preprocess((FIXTURES / "ERRPARA.cpy").read_text(encoding="utf-8"))
    assert (pre.is_copybook, pre.wrapper) == (True, "procedure")
    assert pre.lines[:3] == [PAD + "IDENTIFICATION DIVISION.", PAD + "PROGRAM-ID. CPYWRAP.",
                             PAD + "PROCEDURE DIVISION."]
    assert pre.execs == [ExecBlock("CICS", "RETURN", 8, 8, True)]
    assert pre.origin == [0, 0, 0, *range(1, 9)]


def test_select_copybook_wrapped() -> None:
    text = src(card("    SELECT IN-FILE ASSIGN TO INDD."), card("    SELECT OUT-FILE ASSIGN TO OUTDD."))
    pre = preprocess(text)
    assert (pre.is_copybook, pre.wrapper) == (True, "select")
    assert pre.lines[2:5] == [PAD + "ENVIRONMENT DIVISION.", PAD + "INPUT-OUTPUT SECTION.", PAD + "FILE-CONTROL."]


def test_tag_copybook_masks_tags_outside_literals() -> None:
    pre = preprocess((FIXTURES / "TAGREC.cpy").read_text(encoding="utf-8"))
    assert (pre.is_copybook, pre.wrapper) == (True, "data")
    assert pre.lines[4:] == [
        PAD + "01  QTAGQ-RECORD.",  # same length as ":TAG:", so columns do not move
        PAD + "    05  QTAGQ-KEY           PIC X(8).",
        PAD + "    05  QTAGQ-COUNT         PIC S9(4) COMP VALUE ZERO.",
        PAD + "    05  QTAGQ-TEXT          PIC X(20) VALUE 'A:B:C'.",  # data inside a literal untouched
    ]
    assert pre.tags == {"QTAGQ": ":TAG:"}


def test_empty_and_junk_input() -> None:
    pre = preprocess("")
    assert (pre.lines[3:], pre.origin[3:], pre.is_copybook) == ([], [], True)
    junk = preprocess("\x00\x01\x02 binary \xff\xfe junk\n" * 3)
    assert len([o for o in junk.origin if o]) == 3
