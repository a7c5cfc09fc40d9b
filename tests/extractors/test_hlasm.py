"""HLASM extractor: exact facts per fixture, the fixed-format rules it reads by, hostile input, and linking."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legacy_lens.extractors import hlasm, jcl
from legacy_lens.languages import language_by_name
from legacy_lens.link import link
from legacy_lens.model import Extraction, FileFacts, SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hlasm"
SPEC = language_by_name("hlasm")


def run(name: str) -> Extraction:
    return hlasm.extract((FIXTURES / name).read_text(encoding="utf-8"), f"hlasm/{name}", SPEC)


def text(source: str, path: str = "src/T.asm") -> Extraction:
    return hlasm.extract(source, path, SPEC)


def card(name: str = "", op: str = "", operands: str = "", cont: bool = False, seq: str = "") -> str:
    """One fixed-format line: name in column 1, operation in 10, operands in 16, column 72, sequence 73-80."""
    body = f"{name:<8} {op:<5} {operands}".rstrip() if op else name
    return body.ljust(71) + ("X" if cont else " ") + seq


def defs(x: Extraction) -> set[tuple[str, str, int, str | None, str]]:
    return {(d.kind, d.name, d.line, d.parent, d.detail) for d in x.definitions}


def refs(x: Extraction, macros: bool = False) -> set[tuple[str, str, str, int, str, bool]]:
    return {(r.kind, r.target_kind, r.target, r.line, r.via, r.dynamic) for r in x.references
            if macros or r.via != "macro-call"}


def macro_calls(x: Extraction) -> list[tuple[str, int]]:
    return [(r.target, r.line) for r in x.references if r.via == "macro-call"]


def diags(x: Extraction) -> set[tuple[str, str, int | None]]:
    return {(d.severity, d.code, d.line) for d in x.diagnostics}


def test_batch_program_reaches_other_modules_every_way() -> None:
    x = run("CLMASM1.asm")
    p = "program:CLMASM1"
    assert x.parse.status == "line-parser" and x.parse.parser == "line:hlasm" and x.parse.error_ratio == 0
    assert defs(x) == {
        ("program", "CLMASM1", 8, None, ""),
        ("entry", "CLMASM1E", 11, p, "ENTRY"),
        ("entry", "CLMASM1R", 86, p, "CSECT"),
        ("macro", "CLMASM1.CLMZERO", 20, p, "macro defined in this member"),
    }
    assert refs(x) == {
        ("includes", "copybook", "CLMREGS", 7, "copy", False),
        ("calls", "program", "CLMSTAT", 12, "extrn", False),
        ("calls", "program", "CLMRATE", 32, "asm-load", False),
        ("calls", "program", "CLMMED", 39, "vcon", False),  # L R15,=V(CLMMED)
        ("calls", "program", "CLMPROP", 42, "asm-call", False),  # CALL continued onto the next line
        ("links", "program", "CLMOTHR", 45, "asm-link", False),
        ("links", "program", "CLMPOST2", 50, "eploc-constant", False),  # EPLOC=POSTNAME, DC CL8'CLMPOST2'
        ("links", "program", "DYNNAME", 51, "identifier", True),  # EPLOC=DYNNAME, a DS: set at run time
        ("xctl", "program", "CLMPOST", 55, "asm-xctl", False),
        ("calls", "program", "CLMSUB1", 67, "vcon", False),
        ("calls", "program", "CLMSUB2", 67, "vcon", False),
        # no V(FAKE): it is inside the string C'IT''S A V(FAKE) IN A STRING'
    }
    # The user macro from the macro library, IBM macros, and not the macro defined in the member itself.
    assert macro_calls(x) == [
        ("SAVE", 13), ("CLMTRACE", 27), ("OPEN", 29), ("LOAD", 32), ("GET", 34), ("CALL", 42), ("LINK", 45),
        ("CLOSE", 49), ("LINK", 50), ("LINK", 51), ("XCTL", 55), ("WTO", 56), ("ABEND", 58), ("CALL", 73),
        ("XCTL", 74), ("DCB", 78), ("DCB", 80)]
    assert {(f.select_name, f.ddname, f.modes, f.line) for f in x.file_assigns} == {
        ("CLMIN", "CLMIN", ("INPUT",), 78), ("CLMOUT", "CLMEXTR", ("OUTPUT",), 80)}
    ((owner, m),) = x.metrics
    assert owner == "program:CLMASM1"
    assert (m.code_lines, m.comment_lines, m.blank_lines) == (78, 13, 0)
    # BNZ, BE, BC 7, BCT and the AIF of the local macro; B NEXT twice and B READLOOP (BR R14 is a return)
    assert (m.complexity, m.goto_count) == (6, 3)
    assert x.diagnostics == ()


def test_cics_program_with_exec_commands() -> None:
    x = run("CLMCICS.asm")
    assert defs(x) == {("program", "CLMCICS", 1, None, "")}
    assert refs(x) == {
        ("reads", "file", "CLAIMS", 8, "literal", False),
        # PROGRAM(PGMNAME) with PGMNAME DC CL8'CLMVALID' in the member; continued at column 16
        ("links", "program", "CLMVALID", 12, "dc-constant", False),
        ("xctl", "program", "CLMMENU", 14, "literal", False),  # PROGRAM(=CL8'CLMMENU')
        ("updates", "table", "CLAIM", 15, "exec-sql", False),
        ("uses-map", "mapset", "CLMSET", 17, "literal", False),
        ("starts", "transaction", "CL02", 18, "literal", False),
    }
    assert macro_calls(x) == [("DFHEIENT", 7), ("DFHEIRET", 19)]


def test_macro_library_member() -> None:
    x = run("CLMTRACE.mac")
    assert defs(x) == {("copybook", "CLMTRACE", 1, None, "macro")}
    # The CALL inside the macro body is the including program's once linked.
    assert refs(x, macros=True) == {("calls", "program", "CLMTRC", 14, "asm-call", False),
                                    ("includes", "copybook", "CALL", 14, "macro-call", False)}
    ((_, m),) = x.metrics
    assert (m.complexity, m.goto_count, m.code_lines, m.comment_lines) == (3, 1, 14, 5)


def test_copy_member_and_foreign_assembler() -> None:
    regs = run("CLMREGS.asm")
    assert defs(regs) == {("copybook", "CLMREGS", 1, None, "")}
    assert regs.references == ()
    boot = run("BOOT.s")
    assert boot.definitions == () and boot.references == ()
    assert diags(boot) == {("warning", "HLASM-NOT-MAINFRAME", None)}
    assert boot.parse.status == "failed"
    att = text("\n".join(["        movl    %eax, %ebx", "        addl    $4, %esp", "        ret"] * 4), "src/a.s")
    assert att.references == () and diags(att) == {("warning", "HLASM-NOT-MAINFRAME", None)}


def test_extensionless_work_area_member() -> None:
    x = run("CLMWRKD")
    assert defs(x) == {("copybook", "CLMWRKD", 1, None, "")}
    assert refs(x) == {("includes", "copybook", "CLMWRKX", 9, "panvalet-include", False)}


def test_site_macros_with_percent_in_strings_are_not_declined() -> None:
    lines = [card("RPT", "CSECT")] + [card("", "ASPEC", f"H0{i},038,C'CURRENT  % TO'") for i in range(10)]
    x = text("\n".join([*lines, card("", "END")]) + "\n", "src/RPT.asm")
    assert not diags(x) and {d.kind for d in x.definitions} == {"program"}
    assert {t for t, _ in macro_calls(x)} == {"ASPEC"}


def test_remarks_after_operands_are_not_operands() -> None:
    source = "\n".join([
        card("P", "CSECT"),
        card("", "LINK", "EP=REAL,            SEE V(NOTME) AND EP=NOTME", cont=True, seq="00020000"),
        "               PARAM=(A)                                                00030000",
        card("", "WTO", "'A B C'           REMARK V(ALSONOT)", seq="00040000"),
        card("", "END"),
    ]) + "\n"
    x = text(source, "src/P.asm")
    assert refs(x) == {("links", "program", "REAL", 2, "asm-link", False)}
    assert x.lines.code == 5


def test_string_reaching_column_71_continues_at_16() -> None:
    source = "\n".join([
        card("P", "CSECT"),
        card("MSG", "DC", "C'" + "A" * 53, cont=True),
        " " * 15 + "BBB V(HIDDEN)'",
        card("ADDR", "DC", "V(SHOWN)"),
        card("", "END"),
    ]) + "\n"
    assert refs(text(source, "src/P.asm")) == {("calls", "program", "SHOWN", 4, "vcon", False)}


def test_continuation_that_does_not_start_in_column_16_is_refused() -> None:
    source = "\n".join([card("P", "CSECT"), card("", "LA", "R1,X", cont=True), card("L2", "CALL", "NEXTPGM"),
                        card("", "END")]) + "\n"
    x = text(source, "src/P.asm")
    assert ("calls", "program", "NEXTPGM", 3, "asm-call", False) in refs(x)
    assert ("info", "HLASM-CONTINUATION", 3) in diags(x)


def test_attribute_references_are_not_strings() -> None:
    source = "\n".join([card("P", "CSECT"), card("", "MVC", "A(L'B),C       V(NOTINREMARK)"),
                        card("", "AIF", "(T'&X EQ 'O').SKIP"), card("X", "DC", "A(L'Y),V(AFTERATTR)"),
                        card("", "END")]) + "\n"
    assert refs(text(source, "src/P.asm")) == {("calls", "program", "AFTERATTR", 4, "vcon", False)}


def test_open_options_and_acb() -> None:
    source = "\n".join([
        card("P", "CSECT"),
        card("", "OPEN", "(IN1,(INPUT),UPD,(UPDAT),,OUT1,(EXTEND))"),
        card("", "OPEN", "SOLO"),
        card("IN1", "DCB", "DDNAME=INDD,MACRF=GM"),
        card("UPD", "DCB", "DDNAME=UPDDD,MACRF=(R,W)"),
        card("SOLO", "DCB", "MACRF=GM"),
        card("KSDS", "ACB", "DDNAME=VSAMDD,MACRF=(KEY,DIR,OUT)"),
        card("", "END"),
    ]) + "\n"
    x = text(source, "src/P.asm")
    assert {(f.select_name, f.ddname, f.modes) for f in x.file_assigns} == {
        ("IN1", "INDD", ("INPUT",)), ("UPD", "UPDDD", ("I-O",)), ("SOLO", "SOLO", ("INPUT",)),
        ("KSDS", "VSAMDD", ())}


def test_branch_counting() -> None:
    ops = [("BC", "15,X"), ("BC", "0,X"), ("BC", "8,X"), ("BCR", "15,R14"), ("BCR", "15,R3"), ("BR", "R14"),
           ("BR", "R11"), ("J", "X"), ("JNZ", "X"), ("BRC", "4,X"), ("CIJE", "R1,0,X"), ("BXLE", "R1,R2,X"),
           ("NOP", "X"), ("AGO", ".X"), ("AIF", "(1).X")]
    source = "\n".join([card("P", "CSECT"), *(card("", op, operands) for op, operands in ops), card("", "END")])
    ((_, m),) = text(source + "\n", "src/P.asm").metrics
    # conditional: BC 8, JNZ, BRC 4, CIJE, BXLE, AIF; unconditional: BC 15, BCR 15,R3, BR R11, J, AGO
    assert (m.complexity, m.goto_count) == (7, 5)


def test_macro_library_with_pls_text_and_trailer() -> None:
    source = "\n".join([
        card("", "MACRO"),
        card("&N", "MAPIT", "&DSECT=YES"),
        card("", "AIF", "('&DSECT' EQ 'NO').ASM"),
        card("", "DCL", "1 AREA BASED,  /* PL/S VERSION OF THE MAP"),
        "                 MORE TEXT THAT LOOKS LIKE AN OPERATION */",
        card(".ASM", "ANOP"),
        card("&N", "DSECT"),
        card("", "MEND"),
        " %MAPPLS: ;",
        " DCL 1 AREA BASED;",
    ]) + "\n"
    x = text(source, "maclib/MAPIT.mac")
    assert defs(x) == {("copybook", "MAPIT", 1, None, "macro")}
    assert x.references == ()


def test_two_macros_in_one_member_and_a_mismatched_name() -> None:
    source = "\n".join([card("", "MACRO"), card("", "FIRST"), card("", "WTO", "'1'"), card("", "MEND"),
                        card("", "MACRO"), card("", "SECOND"), card("", "MEND")]) + "\n"
    x = text(source, "maclib/PAIR.mac")
    assert defs(x) == {("copybook", "FIRST", 1, None, "macro"), ("copybook", "SECOND", 5, None, "macro")}
    assert [(cid, m.code_lines) for cid, m in x.metrics] == [("copybook:FIRST", 4), ("copybook:SECOND", 3)]
    one = text("\n".join([card("", "MACRO"), card("", "OTHER"), card("", "MEND")]) + "\n", "maclib/NAMED.mac")
    assert ("info", "HLASM-MACRO-NAME", 1) in diags(one)


def test_z390_indented_names_and_generated_operations() -> None:
    source = "\n".join([card("", "MACRO"), card("", "ZM", "&A"), "         :&X     SETA  1",
                        card("", "L&A.R", "1,2"), card("", "MEND")]) + "\n"
    x = text(source, "maclib/ZM.mac")
    assert x.references == () and x.parse.error_ratio == 0


def test_library_manager_includes() -> None:
    source = "\n".join([card("P", "CSECT"), "         ++INCLUDE DDLOGOD", "-INC REGS", card("", "END")]) + "\n"
    x = text(source, "src/P.asm")
    assert refs(x) == {("includes", "copybook", "DDLOGOD", 2, "panvalet-include", False),
                       ("includes", "copybook", "REGS", 3, "librarian-include", False)}
    assert x.parse.error_ratio == 0


HOSTILE = [
    "", "\n\n\n", "*" * 100, "X" * 200_000, "'" * 5_000, "         DC    C'" + "A" * 56 + "X\n" * 10_000,
    "\x00\x01\x1a\x7f", "         MACRO\n" * 3_000, "         MEND\n" * 3_000, "A" + " " * 70 + "X\n" * 5_000,
    "         OPEN  ((((((((\n", "         LINK  EP=\n", "         LINK  EPLOC=(R2)\n", "         CALL  (15)\n",
    "\t\tCSECT\tX\n", "\ufeff\u00e6\u00f8\u00e5 CSECT\n", "         EXEC  CICS\n", "         EXEC\n",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_never_raises(source: str) -> None:
    x = text(source)
    assert x.parse.parser == "line:hlasm" and 0.0 <= x.parse.error_ratio <= 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=st.sampled_from(list("ABC &'(),=.*:XV159LMNDEF\t")), max_size=90), max_size=40))
def test_fuzzed_lines_never_raise(lines: list[str]) -> None:
    text("\n".join(lines))


def test_time_is_linear() -> None:
    body = "\n".join(card(f"L{i}", op, operands) for i in range(40_000)
                     for op, operands in [("BNE", f"L{i + 1}") if i % 3 else ("MVC", "A(L'B),=C'X''Y'")])
    start = time.perf_counter()
    x = text(card("BIG", "CSECT") + "\n" + body + "\n" + card("", "END") + "\n", "src/BIG.asm")
    assert time.perf_counter() - start < 20
    assert x.lines.code == 40_002


def _facts(path: str, language: str, ex: Extraction) -> FileFacts:
    return FileFacts(SourceFile(path=path, language=language, encoding="utf-8", size_bytes=0, sha256=""), ex)


def test_links_macros_copy_members_and_jcl() -> None:
    job = jcl.extract("//CLMJOB   JOB (A),'X'\n//S1       EXEC PGM=CLMASM1\n//CLMEXTR  DD DSN=PROD.CLM.EXTRACT,"
                      "DISP=(NEW,CATLG)\n", "jcl/CLMJOB.jcl", language_by_name("jcl"))
    linked = link([_facts(f"hlasm/{n}", "hlasm", run(n)) for n in ("CLMASM1.asm", "CLMTRACE.mac", "CLMREGS.asm")]
                  + [_facts("jcl/CLMJOB.jcl", "jcl", job)])
    edges = {(e.source, e.kind, e.target, e.via, e.resolved) for e in linked.edges}
    p = "program:CLMASM1"
    assert (p, "includes", "copybook:CLMTRACE", "macro-call", True) in edges
    assert (p, "includes", "copybook:CLMREGS", "copy", True) in edges
    assert (p, "includes", "copybook:WTO", "macro-call", True) in edges  # IBM macro: a system node
    assert (p, "calls", "program:CLMTRC", "asm-call", False) in edges  # the CALL inside the user macro
    assert (p, "writes", "dataset:PROD.CLM.EXTRACT", "jcl-dd-select", True) in edges
    system = {c.id for c in linked.components if c.system}
    assert {"copybook:WTO", "copybook:DCB", "copybook:OPEN"} <= system
    assert "copybook:CLMTRACE" not in system
