"""Fortran preprocessing: fixed form to free form, C preprocessor lines, statements (same line count always)."""

from __future__ import annotations

import pytest

from legacy_lens.extractors.fortran_pre import (
    FIXED,
    FREE,
    comment_start,
    detect_form,
    mask_literals,
    preprocess,
    statements,
)


def fixed(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def texts(source: str, extension: str = ".f") -> list[str]:
    return [s.text for s in statements(preprocess(source, extension).lines)]


def test_comment_letters_sequence_numbers_and_line_count() -> None:
    src = fixed(
        "C     COMMENT WITH A SEQUENCE NUMBER                                    AB000010",
        "c     lower-case comment",
        "*     star comment",
        "!     bang comment",
        "D     PRINT *, 'DEBUG LINE'",
        "      X = 1                                                             AB000020",
        "                                                                        AB000030",
    )
    pre = preprocess(src, ".f")
    assert pre.form == FIXED
    assert len(pre.lines) == 7
    assert all(line.startswith("!") for line in pre.lines[:5])
    assert pre.lines[5] == "      X = 1"  # columns 73-80 dropped
    assert pre.lines[6] == ""  # a sequence number alone is a blank line
    assert not pre.extended


def test_continuation_with_a_comment_between_and_an_inline_comment() -> None:
    src = fixed(
        "      CALL SUBA(I, J, 'IT''S ! NOT A COMMENT', ! REAL COMMENT",
        "C     a comment between the continued lines",
        "     $          K)",
    )
    pre = preprocess(src, ".f")
    assert pre.lines[0] == "      CALL SUBA(I, J, 'IT''S ! NOT A COMMENT',& ! REAL COMMENT"
    assert pre.lines[1].startswith("!")
    assert pre.lines[2] == "     &          K)"
    assert texts(src) == ["CALL SUBA(I, J, 'IT''S ! NOT A COMMENT',          K)"]
    assert pre.continuations == 1


def test_a_literal_continued_across_lines_keeps_its_text() -> None:
    src = fixed("      X = 'AB", "     1CD'")
    assert texts(src) == ["X = 'AB" + " " * 0 + "CD'"]


def test_a_name_split_at_column_72_is_joined() -> None:
    first = "      CALL OBSTAT(NOBS, DSUM, WORK, STNLAT(1), STNLON(1), STNELV(1), NST"
    assert len(first) == 72
    src = fixed(first + "OBS00500", "     &N)")
    assert texts(src) == ["CALL OBSTAT(NOBS, DSUM, WORK, STNLAT(1), STNLON(1), STNELV(1), NSTN)"]


def test_a_keyword_at_column_72_is_not_glued_to_the_next_name() -> None:
    first = "      IF (ALPHA .GT. BETA .AND. GAMMA .LT. DELTA .AND. EPS .NE. 0)  CALL"
    assert len(first) == 72
    assert texts(fixed(first, "     &FOO(X)")) == [first.strip() + "FOO(X)"]
    pre = preprocess(fixed(first, "     &FOO(X)"), ".f")
    assert pre.lines[0].endswith("CALL&") and pre.lines[1] == "     &FOO(X)"


def test_a_dotted_operator_split_across_lines_is_moved_whole() -> None:
    src = fixed("      IF (K.EQ.21.OR.K.EQ.25.", "     *             OR.K.EQ.61) THEN", "      END IF")
    pre = preprocess(src, ".f")
    assert pre.lines[0] == "      IF (K.EQ.21.OR.K.EQ.25&"
    assert pre.lines[1] == "     &.OR.K.EQ.61) THEN"


def test_a_label_overflowing_into_column_6_is_kept_whole() -> None:
    src = fixed("      DO 1000 I = 1, N", "         X = X + 1", "  1000 CONTINUE", "     0      Y = 2")
    pre = preprocess(src, ".f")
    assert pre.lines[2] == "  1000 CONTINUE"
    assert pre.lines[3] == "            Y = 2"  # a zero after blanks is the initial-line mark


def test_dec_tab_format() -> None:
    src = "\tPROGRAM T\n\tCALL A(1,\n\t1 2)\n10\tCONTINUE\n\tEND\n"
    pre = preprocess(src, ".for")
    assert pre.tab_lines == 5
    assert [" ".join(t.split()) for t in texts(src, ".for")] == ["PROGRAM T", "CALL A(1, 2)", "10 CONTINUE", "END"]
    assert statements(pre.lines)[2].label == "10"


def test_hollerith_dowhile_percent_val_and_alternate_returns() -> None:
    src = fixed(
        "      SUBROUTINE S(A, *, *)",
        "      DATA KALFA /1HA,1H ,4HAB'C/",
        "      DOWHILE (I .LT. 3)",
        "      CALL X(%VAL(I), *10, *20)",
        "      END DO",
        "      END",
    )
    pre = preprocess(src, ".f")
    assert "ALT_RETURN_" in pre.lines[0] and "*" not in pre.lines[0]
    assert pre.lines[1] == "      DATA KALFA /'A',' ','AB''C'/"
    assert pre.lines[2] == "      DO WHILE (I .LT. 3)"
    assert "%" not in pre.lines[3] and "*" not in pre.lines[3]
    assert pre.alternate_returns == {4: 2}


def test_cpp_keeps_the_first_branch_and_records_includes() -> None:
    src = fixed(
        '#include "cfg.h"',
        "#define TWICE(x) \\",
        "        ((x) * 2)",
        "      SUBROUTINE S",
        "#ifdef USE_MPI",
        "      CALL MPI_INIT(I)",
        "#else",
        "      CALL SERIAL_INIT",
        "#endif",
        "#if 0",
        "      CALL DEAD_CODE",
        "#elif defined(DEBUG)",
        "      CALL DEBUG_DUMP",
        "#endif",
        "      END",
    )
    pre = preprocess(src, ".f")
    assert len(pre.lines) == 15
    assert [(i.name, i.line, i.active) for i in pre.includes] == [("cfg.h", 1, True)]
    assert pre.lines[0] == pre.lines[1] == pre.lines[2] == ""
    assert "MPI_INIT" in pre.lines[5] and pre.lines[7] == ""
    assert pre.lines[10] == "" and "DEBUG_DUMP" in pre.lines[12]
    # the #else branch is kept for the statement scanner; the #if 0 branch is dead code
    assert pre.raw_inactive == {8: "      CALL SERIAL_INIT"}
    assert pre.inactive == [8, 11]
    assert not pre.diagnostics


def test_cpp_unbalanced_is_diagnosed_not_raised() -> None:
    pre = preprocess("#endif\n#if X\n      X = 1\n", ".F")
    codes = [code for code, _message, _line in pre.diagnostics]
    assert codes == ["FORTRAN-CPP-UNBALANCED", "FORTRAN-CPP-UNBALANCED"]
    assert len(pre.lines) == 3


@pytest.mark.parametrize(("source", "extension", "form"), [
    ("subroutine s(a)\n  real :: a\n  a = 1.0 + &\n      2.0\nend subroutine\n", ".f", FREE),
    ("C     OLD\n      SUBROUTINE S\n     $ (A)\n      END\n", ".f90", FIXED),
    ("      X = 1\n      END\n", ".f90", FREE),  # no sign either way: the extension decides
    ("      X = 1\n      END\n", ".f", FIXED),
    ("contains\ncall x\n", "", FREE),  # C in column 1 that is a statement is not a comment sign
])
def test_form_is_decided_by_content(source: str, extension: str, form: str) -> None:
    assert detect_form(source.splitlines(), extension)[0] == form


def test_code_past_column_72_is_kept_when_it_is_code() -> None:
    long = "      CALL VERYLONGNAME(ARGUMENT1, ARGUMENT2, ARGUMENT3, ARGUMENT4, ARGUMENT5, ARG6)"
    pre = preprocess(fixed(long, long, "      END"), ".f")
    assert pre.extended
    assert texts(fixed(long, "      END"))[0].endswith("ARG6)")


def test_statements_split_semicolons_and_mask_literals() -> None:
    st = statements(["x = 'a;b' ; call y ! trailing", "10 z = 1"])
    assert [(s.line, s.text, s.label) for s in st] == [(1, "x = 'a;b'", ""), (1, "call y", ""), (2, "10 z = 1", "10")]
    assert mask_literals("A = 'X''Y' // \"Q\" // 3HABC") == "A = 'xxxx' // \"x\" // 3Hxxx"
    assert comment_start("X = 'A!B' ! C", 0, "") == (10, "")
    assert comment_start("continued literal' ! c", 0, "'") == (19, "")


@pytest.mark.parametrize("source", [
    "", "\n", "\x00\x01\x02", "'" * 5000, "      X = 'unterminated\n     1more", "#if\n#elif\n#else\n#else\n",
    "\t\t\t\t\n\t1\n", "C" * 100_000, "      " + "(" * 20_000, "&\n&\n&\n", "     1CONTINUATION FIRST\n",
    "9" * 300 + "H\n", "      X = 99999999999999999999HABC\n",
])
def test_hostile_input_never_raises_and_keeps_the_line_count(source: str) -> None:
    for extension in (".f", ".f90", ".F", ""):
        pre = preprocess(source, extension)
        expected = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
        assert len(pre.lines) == expected
        statements(pre.lines)
