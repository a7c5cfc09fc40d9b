"""Fortran extractor: exact definitions, references and metrics per fixture, and hostile input.

Expectations hold for both tree-sitter Fortran grammars (the pack's and the tree-sitter-fortran
wheel): nothing here depends on a construct only one of them parses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legacy_lens.discover import _by_name, sniff
from legacy_lens.extractors import fortran
from legacy_lens.languages import language_by_name, load_languages
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fortran"
SPEC = language_by_name("fortran")

Refs = set[tuple[str, str, str, str, int, str]]


def run(name: str) -> Extraction:
    return fortran.extract((FIXTURES / name).read_text(encoding="utf-8"), f"fortran/{name}", SPEC)


def src(text: str, path: str = "x.f90") -> Extraction:
    return fortran.extract(text, path, SPEC)


def defs(x: Extraction) -> set[tuple[str, str, int, int | None, str | None]]:
    return {(d.kind, d.name, d.line, d.end_line, d.parent) for d in x.definitions}


def refs(x: Extraction) -> Refs:
    return {(r.source, r.kind, r.target_kind, r.target, r.line, r.via) for r in x.references}


def ref(x: Extraction, kind: str, target: str) -> list[fortran.Reference]:
    return [r for r in x.references if r.kind == kind and r.target == target]


def metrics(x: Extraction) -> dict[str, tuple[int, int, int, int, int]]:
    return {cid: (m.code_lines, m.comment_lines, m.blank_lines, m.complexity, m.goto_count) for cid, m in x.metrics}


def test_fixed_form_f77_subroutine() -> None:
    x = run("obsdecode.f")
    s = "subroutine:OBSDEC"
    assert x.parse.status == "ok" and x.parse.error_ratio == 0.0
    assert defs(x) == {("subroutine", "OBSDEC", 5, 57, None), ("subroutine", "OBSRRN", 44, 44, s)}
    details = {d.name: d.detail for d in x.definitions}
    assert details == {"OBSDEC": "equivalence=2 common=2", "OBSRRN": "ENTRY in OBSDEC"}
    assert refs(x) == {
        (s, "includes", "copybook", "STNCOM", 6, "include"),
        (s, "shares", "common", "OBSCOM", 13, "common"),
        (s, "shares", "common", "_BLANK_", 14, "common"),
        # continued over three lines, with a comment line between two of them
        (s, "calls", "subroutine", "DECSYN", 24, "call"),
        (s, "calls", "subroutine", "DECMTR", 28, "call"),
        # declared EXTERNAL, so a certain reference; SATVP is a statement function, EXP and FLOAT intrinsics
        (s, "calls", "function", "QCFLAG", 33, "function-reference"),
        (s, "calls", "subroutine", "STNSRT", 38, "call"),
        (s, "calls", "subroutine", "ERRMSG", 41, "call"),
        (s, "writes", "dataset", "OBSLOG.DAT", 50, "open"),
        # NSTN split at column 72 ("NST" / "N"); the STN* arrays are declared in the include member,
        # so the extractor can only guess that they might be functions
        (s, "calls", "subroutine", "OBSTAT", 52, "call"),
        (s, "calls", "function", "STNLAT", 52, "function-reference"),
        (s, "calls", "function", "STNLON", 52, "function-reference"),
        (s, "calls", "function", "STNELV", 52, "function-reference"),
    }
    assert not ref(x, "calls", "QCFLAG")[0].optional
    assert all(r.optional for r in x.references if r.target in ("STNLAT", "STNLON", "STNELV"))
    assert ref(x, "shares", "OBSCOM")[0].external == "common:OBSCOM"
    assert ref(x, "writes", "OBSLOG.DAT")[0].detail == "OPEN unit 21 STATUS=UNKNOWN"
    # READ END=/ERR= 2, arithmetic IF 2, computed GO TO with 3 labels 3, logical IFs 2 and .OR. 1, DO 2
    assert metrics(x) == {s: (49, 8, 0, 13, 5)}
    assert x.lines.total == 57


def test_include_members_are_copybooks() -> None:
    x = run("stncom.inc")
    assert defs(x) == {("copybook", "STNCOM", 1, 10, None)}
    assert refs(x) == {("copybook:STNCOM", "shares", "common", "STNCOM", 8, "common"),
                       ("copybook:STNCOM", "shares", "common", "STNCHR", 9, "common")}
    assert x.parse.status == "ok"
    assert metrics(x) == {"copybook:STNCOM": (8, 2, 0, 1, 0)}
    crlf = run("WXCONST.INC")
    assert defs(crlf) == {("copybook", "WXCONST", 1, 5, None)}
    assert refs(crlf) == {("copybook:WXCONST", "shares", "common", "LEVELS", 4, "common")}


def test_block_data_named_and_unnamed() -> None:
    x = run("blkinit.f")
    assert defs(x) == {("blockdata", "OBSINI", 2, 6, None), ("blockdata", "BLKINIT", 9, 12, None)}
    assert refs(x) == {("blockdata:OBSINI", "includes", "copybook", "STNCOM", 3, "include"),
                       ("blockdata:BLKINIT", "shares", "common", "LEVELS", 10, "common")}


def test_free_form_module_with_procedures_interfaces_and_types() -> None:
    x = run("gridmod.f90")
    m = "module:WX_GRID"
    assert x.parse.status == "ok"
    assert defs(x) == {
        ("module", "WX_GRID", 2, 105, None),
        ("subroutine", "WX_GRID.GRID_INIT", 41, 58, m),
        ("routine", "WX_GRID.GRID_INIT.FILL_LATLON", 49, 57, "subroutine:WX_GRID.GRID_INIT"),
        ("function", "WX_GRID.MAKE_GRID", 60, 65, m),
        ("function", "WX_GRID.INTERP_BILINEAR", 67, 71, m),
        ("function", "WX_GRID.INTERP_NEAREST", 73, 84, m),
        ("function", "WX_GRID.GRID_AREA", 86, 98, m),
        ("function", "WX_GRID.GRID_DOT", 100, 103, m),
        # the generic name: a call to INTERP from a unit that uses WX_GRID reaches both specifics
        ("function", "WX_GRID.INTERP", 22, 24, m),
        # an interface body with BIND(C, NAME="read_field"): what the module's users call
        ("subroutine", "WX_GRID.C_READ_FIELD", 28, 32, m),
    }
    assert refs(x) == {
        ("function:WX_GRID.INTERP", "calls", "function", "INTERP_BILINEAR", 22, "generic"),
        ("function:WX_GRID.INTERP", "calls", "function", "INTERP_NEAREST", 22, "generic"),
        (m, "imports", "module", "ISO_FORTRAN_ENV", 3, "use"),
        (m, "imports", "module", "ISO_C_BINDING", 4, "use"),
        (m, "imports", "module", "WX_CONSTS", 5, "use"),
        # SIGMA and LAPSE are the module's arrays (host association); SELF%LAT a component; REAL intrinsic
        ("subroutine:WX_GRID.GRID_INIT", "calls", "function", "DEG2RAD", 54, "function-reference"),
        ("subroutine:WX_GRID.C_READ_FIELD", "calls", "function", "read_field", 28, "bind-c"),
        ("function:WX_GRID.MAKE_GRID", "calls", "subroutine", "C_READ_FIELD", 64, "call"),
        ("function:WX_GRID.GRID_AREA", "calls", "function", "CELL_AREA", 94, "function-reference"),
    }
    deg2rad = ref(x, "calls", "DEG2RAD")[0]
    assert deg2rad.candidates == ("WX_GRID.DEG2RAD", "WX_CONSTS.DEG2RAD") and deg2rad.optional
    assert ref(x, "calls", "C_READ_FIELD")[0].candidates == ("WX_GRID.C_READ_FIELD", "WX_CONSTS.C_READ_FIELD")
    assert ref(x, "imports", "ISO_FORTRAN_ENV")[0].external == "module:ISO_FORTRAN_ENV"  # USE, INTRINSIC
    assert ref(x, "imports", "ISO_C_BINDING")[0].detail == "only"
    details = {d.name: d.detail for d in x.definitions}
    assert details["WX_GRID.GRID_AREA"] == "recursive; module procedure; equivalence=0 common=0"
    assert details["WX_GRID.INTERP"] == "generic interface: INTERP_BILINEAR, INTERP_NEAREST"
    # the module's own lines exclude its procedures', which count for themselves; the internal
    # procedure FILL_LATLON counts for GRID_INIT
    got = metrics(x)
    assert got[m][:3] == (31, 3, 7)
    assert got["subroutine:WX_GRID.GRID_INIT"] == (18, 0, 1, 3, 0)
    assert got["function:WX_GRID.INTERP_NEAREST"][3] == 5  # IF, ELSE IF, .OR., .AND.
    assert sum(c + k + b for c, k, b, _, _ in got.values()) == x.lines.total == 105


def test_program_with_use_only_rename_and_internal_procedures() -> None:
    x = run("forecast.f90")
    p = "program:FORECAST"
    assert defs(x) == {
        ("program", "FORECAST", 1, 55, None),
        ("routine", "FORECAST.ADVANCE", 38, 43, p),
        ("routine", "FORECAST.SMOOTH", 45, 48, p),
        ("routine", "FORECAST.OUTPUT_STEP", 50, 53, p),
    }
    assert refs(x) == {
        (p, "imports", "module", "WX_GRID", 2, "use"),
        (p, "imports", "module", "WX_IO", 3, "use"),
        (p, "calls", "subroutine", "GET_COMMAND_ARGUMENT", 10, "call"),
        (p, "calls", "function", "MAKE_GRID", 11, "function-reference"),
        (p, "calls", "subroutine", "ABORT_RUN", 19, "call"),
        (p, "reads", "dataset", "forecast.nml", 22, "open"),
        # AREA is GRID_AREA renamed by the USE; SMOOTH, ADVANCE and OUTPUT_STEP are internal: no edge
        (p, "calls", "function", "GRID_AREA", 33, "function-reference"),
        (p, "calls", "subroutine", "WRITE_FIELDS", 34, "call"),
        (p, "calls", "subroutine", "PHYSICS", 41, "call"),
        (p, "calls", "subroutine", "WRITE_FIELDS", 52, "call"),
    }
    assert ref(x, "calls", "GRID_AREA")[0].candidates == ("WX_GRID.GRID_AREA", "WX_IO.AREA")
    # WX_GRID is USEd with ONLY: it is a candidate scope for MAKE_GRID, not for WRITE_FIELDS
    assert ref(x, "calls", "MAKE_GRID")[0].candidates == ("WX_GRID.MAKE_GRID", "WX_IO.MAKE_GRID")
    assert {r.candidates for r in ref(x, "calls", "WRITE_FIELDS")} == {("WX_IO.WRITE_FIELDS",)}
    assert ref(x, "reads", "forecast.nml")[0].detail == "OPEN unit IOS ACTION=READ"
    # SELECT CASE 2 cases (DEFAULT is not a decision), DO WHILE, WHERE, IF in ADVANCE; plain ELSEWHERE is not one
    assert metrics(x)[p][3] == 6


def test_submodule_and_separate_module_procedures() -> None:
    x = run("gridimpl.f90")
    s = "module:WX_GRID.WX_GRID_IMPL"
    assert defs(x) == {("module", "WX_GRID.WX_GRID_IMPL", 2, 15, None),
                       ("function", "WX_GRID.GRID_CELLS", 5, 7, s),
                       ("subroutine", "WX_GRID.GRID_DUMP", 9, 14, s)}
    assert (s, "imports", "module", "WX_GRID", 2, "submodule") in refs(x)
    cells = ref(x, "calls", "GRID_CELLS")[0]
    assert cells.source == "subroutine:WX_GRID.GRID_DUMP" and cells.candidates == ("WX_GRID.GRID_CELLS",)


def test_cpp_branches_includes_and_defines() -> None:
    x = run("radar.F")
    s = "subroutine:RADMOS"
    assert defs(x) == {("subroutine", "RADMOS", 6, 27, None)}
    assert refs(x) == {
        (s, "includes", "copybook", "RADCFG", 2, "cpp-include"),
        (s, "includes", "copybook", "MPIF", 9, "include"),
        (s, "calls", "subroutine", "MPI_BARRIER", 11, "call"),
        (s, "calls", "subroutine", "SITEPROJ", 18, "call"),
        (s, "calls", "subroutine", "DUMPGRID", 24, "call"),
        # the #else branch is not parsed (both branches open an IF) but is still read; #if 0 is not
        (s, "calls", "subroutine", "SERIAL_INIT", 15, "call"),
    }
    assert ref(x, "calls", "SERIAL_INIT")[0].detail == "in an inactive #if branch"
    assert x.parse.status == "ok"
    assert {d.code for d in x.diagnostics} == {"FORTRAN-CPP-BRANCHES"}
    free = run("mpiwrap.F90")
    assert ("module:WX_PAR", "imports", "module", "MPI", 4, "use") in refs(free)
    assert ("subroutine:WX_PAR.PAR_SUM", "calls", "subroutine", "SERIAL_NOTE", 17, "call") in refs(free)


def test_tab_format_free_in_dot_f_fixed_in_dot_f90_and_extensionless() -> None:
    tab = run("TABFMT.FOR")
    assert defs(tab) == {("program", "TABRUN", 2, 9, None)}
    assert {r.target for r in tab.references} == {"TABCOM", "SETUP", "TABOUT"}
    free = run("freeform.f")
    assert {(d.kind, d.name) for d in free.definitions} == {("subroutine", "BLEND")}
    assert [d.code for d in free.diagnostics] == ["FORTRAN-SOURCE-FORM"]
    legacy = run("legacy.f90")
    assert ("subroutine:OLDDRV", "calls", "subroutine", "OLDSUB", 4, "call") in refs(legacy)
    member = run("WXSTATS")
    assert {(d.kind, d.name) for d in member.definitions} == {("function", "WMEAN"), ("subroutine", "WSTATS")}
    assert {(r.target, r.optional) for r in member.references} == {("WMEAN", True), ("WVAR", True)}


def test_main_program_without_program_statement() -> None:
    x = run("mainprog.f")
    assert defs(x) == {("program", "MAINPROG", 2, 8, None)}
    assert refs(x) == {("program:MAINPROG", "calls", "subroutine", "RDGRID", 3, "call"),
                       ("program:MAINPROG", "calls", "function", "GRDMAX", 4, "function-reference")}


def test_damaged_member_keeps_its_units_and_calls() -> None:
    x = run("broken.f")
    assert defs(x) == {("subroutine", "DAMAGE", 3, 11, None), ("subroutine", "NOEND", 12, 14, None)}
    assert refs(x) == {
        ("subroutine:DAMAGE", "calls", "subroutine", "BEFORE", 5, "call"),
        ("subroutine:DAMAGE", "calls", "subroutine", "INSIDE", 9, "call"),
        ("subroutine:NOEND", "shares", "common", "DMG", 13, "common"),
        ("subroutine:NOEND", "calls", "subroutine", "LAST", 14, "call"),
    }
    assert x.parse.status in ("partial", "failed") and x.parse.fallback_used and x.parse.fallback_lines > 0
    assert [(d.code, d.line) for d in x.diagnostics] == [("FORTRAN-MISSING-END", 12)]


def test_calls_resolve_through_host_module_and_uses_in_order() -> None:
    x = src("""module a
  use b
  use c, only: helper
contains
  subroutine s
    use d
    call helper
    call other
    call inner
  contains
    subroutine inner
    end subroutine
  end subroutine
end module
""")
    calls = {r.target: r.candidates for r in x.references if r.kind == "calls"}
    assert calls == {"HELPER": ("A.HELPER", "D.HELPER", "B.HELPER", "C.HELPER"),
                     "OTHER": ("A.OTHER", "D.OTHER", "B.OTHER")}


def test_function_reference_heuristics() -> None:
    x = src("""      SUBROUTINE S(F, N)
      EXTERNAL F, G, G2
      INTEGER N, IA(10)
      CHARACTER*20 NAME
      REAL H
      DIMENSION B(5)
      COMMON /C/ CC(3)
      H(X) = X * 2.0
      Y = F(1.0) + G(2.0) + IA(1) + B(2) + CC(1) + H(3.0) + SQRT(4.0)
      Y = Y + USER(1) + NAME(1:3) .EQ. 'A' + ARR(:, 1)
      CALL PASS(G2)
      END
""", "s.f")
    calls = {(r.target, r.optional, r.via) for r in x.references if r.kind == "calls"}
    # F is a dummy procedure, IA/B/CC arrays, H a statement function, SQRT intrinsic,
    # NAME(1:3) a substring and ARR(:, 1) a section
    assert calls == {("G", False, "function-reference"), ("USER", True, "function-reference"),
                     ("PASS", False, "call"), ("G2", True, "external-argument")}
    assert {r.target_kind for r in x.references if r.target == "G2"} == {"subroutine", "function"}


def test_complexity_counts_and_nesting() -> None:
    x = src("""subroutine c(n, k)
  integer n, k
  if (n > 0 .and. k > 0) then
     do while (n > 0)
        n = n - 1
     end do
  else if (n < 0) then
     n = 0
  end if
  select case (k)
  case (1)
     go to 10
  case (2, 3)
     go to (10, 20, 30) k
  case default
  end select
  if (n) 10, 20, 30
10 continue
20 continue
30 continue
end subroutine
""")
    m = dict(x.metrics)["subroutine:C"]
    # IF 1 + .AND. 1 + DO WHILE 1 + ELSE IF 1 + CASE 2 + computed GO TO 3 + arithmetic IF 2 = 11
    assert (m.complexity, m.max_nesting, m.goto_count) == (12, 2, 2)


def test_open_access_from_status_action_and_the_units_io() -> None:
    x = src("""program io
  open (10, file='in.dat', status='old')
  open (unit=11, file="out.dat", status='new')
  open (12, file='both.dat')
  open (13, file=name)
  read (10, *) a
  read (12, *) b
  write (12, *) b
end program
""")
    assert {(r.kind, r.target) for r in x.references} == {
        ("reads", "in.dat"), ("writes", "out.dat"), ("updates", "both.dat")}


def test_include_names_and_common_blocks() -> None:
    assert fortran.include_member("../inc/params.inc") == "PARAMS"
    assert fortran.include_member("SYS$LIBRARY:FORSYSDEF(SSDEF)") == "SSDEF"
    assert fortran.include_member("[PROJ.INC]GRID.FOR/NOLIST") == "GRID"
    assert fortran.include_member("mpif.h") == "MPIF"
    assert fortran.common_blocks(" /A/ X, Y(3) /B/ Z // W") == ["A", "B", "_BLANK_"]
    assert fortran.common_blocks(" X, Y, /B/ Z") == ["_BLANK_", "B"]


def test_ibm_style_include_without_quotes() -> None:
    x = src("      SUBROUTINE S\n      INCLUDE (PARMS)\n      END\n", "s.f")
    assert [(r.kind, r.target) for r in x.references] == [("includes", "PARMS")]


@pytest.mark.parametrize(("name", "head", "language"), [
    ("stncom.inc", "      PARAMETER (MAXOBS = 2000)\n      COMMON /STNCOM/ NSTN\n", "fortran"),
    ("GRID.INC", "      INTEGER NX, NY\n      COMMON /GRID/ NX, NY\n", "fortran"),
    ("free.inc", "integer, parameter :: nlev = 40\n", "fortran"),
    ("WXSTATS", "C     STATS\n      REAL FUNCTION WMEAN(X, N)\n      END\n", "fortran"),
    ("MAINPGM", "      PROGRAM MAINPGM\n      END\n", "fortran"),
])
def test_discovery_by_content(name: str, head: str, language: str) -> None:
    specs = load_languages()
    found = _by_name(name, specs, head)
    assert (found[0] if found else sniff(head, specs)) == language


@pytest.mark.parametrize("text", [
    "", "\n\n\n", "\x00\x01\x02\x03garbage\xff", "C" * 200_000, "      CALL " + "X" * 100_000 + "\n",
    "      X = '" + "unterminated" * 1000 + "\n      END\n", "subroutine s\n" + "if (x) then\n" * 3000 + "end\n",
    "".join(f"      SUBROUTINE S{i}\n      CALL T{i}\n      END\n" for i in range(2000)),
    "module m\ncontains\ncontains\nend module\nend\nend\n", "      END\n      END\n", "interface\nsubroutine x\n",
    "#if 0\n#if 1\n#endif\n", "      ENTRY\n      COMMON //\n      INCLUDE ''\n      OPEN (FILE='')\n",
    "\t1\t2\t3\n" * 100, "program\nend program\nblock data\nend\nsubmodule () x\nend\n",
    "      FUNCTIONAL = 1\n      SUBROUTINEX = 2\n      CALLBACK(1) = 3\n",
])
def test_hostile_input_never_raises(text: str) -> None:
    for path in ("x.f", "x.f90", "x.F", "x.inc", "X"):
        x = src(text, path)
        assert x.parse.parser == "tree-sitter:fortran"
        total = x.lines.total
        assert sum(m.code_lines + m.comment_lines + m.blank_lines for _, m in x.metrics) in (total, 0)


def test_many_units_are_linear() -> None:
    text = "".join(f"      SUBROUTINE S{i}\n      CALL T{i}\n      X = F{i}(1)\n      END\n" for i in range(3000))
    x = src(text, "big.f")
    assert len(x.definitions) == 3000 and len(x.references) == 6000


def test_bind_c_interface_in_a_program_calls_the_c_function() -> None:
    x = src("""program p
  interface
    integer(c_int) function c_open(name) bind(c)
      import :: c_int, c_char
      character(kind=c_char) :: name(*)
    end function
  end interface
  k = c_open('x')
end program
""")
    assert refs(x) == {("program:P", "calls", "function", "c_open", 8, "bind-c")}


@pytest.mark.parametrize("head", [
    "! macros for the JSON module\n!\n! licence\n#define X 1\n",
    "!  The dummy argument list.\n\nverbose,&\ncompact_reals,&\nprint_signs\n",
])
def test_free_form_include_fragments_are_fortran_not_asp(head: str) -> None:
    specs = load_languages()
    assert _by_name("frag.inc", specs, head) == ("fortran", "content")


@pytest.mark.parametrize("head", [
    "<?php\nclass X {\n\tfunction addHandler($event, $code)\n\t{\n\t}\n}\n",  # PHP with tab indentation
    "      function draw(ctx, w)\n      {\n      }\n",  # JavaScript indented like fixed form
    "                 Program   Srvc\nF   +1 2 79  PH\n",  # a screen definition with the English word
    "Module Module1\n    Sub Main()\n    End Sub\nEnd Module\n",  # VB.NET
    "program Hello;\nbegin\nend.\n",  # Pascal
])
def test_other_languages_are_not_taken_for_fortran(head: str) -> None:
    assert sniff(head, (SPEC,)) is None
