"""C and C++ extractor: definitions, references, metrics, recovery of ERROR regions, and the linked graph."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from scanning import edges_of, scan_dict

from legacy_lens.discover import _by_name
from legacy_lens.extractors import c
from legacy_lens.languages import language_by_name, load_languages
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
C = language_by_name("c")
CPP = language_by_name("cpp")

Refs = set[tuple[str, str, str, str, int, str]]


def run(rel: str, spec=C) -> Extraction:  # type: ignore[no-untyped-def]
    lang = "cpp" if spec is CPP else "c"
    return c.extract((FIXTURES / lang / rel).read_text(encoding="utf-8"), rel, spec)


def refs(x: Extraction, kind: str | None = None) -> Refs:
    return {(r.source.rsplit("::", 1)[-1], r.kind, r.target_kind, r.target, r.line, r.via)
            for r in x.references if kind is None or r.kind == kind}


def defs(x: Extraction) -> dict[str, tuple[str, str, int, int | None, str, str]]:
    return {d.component_id: (d.kind, d.name, d.line, d.end_line, d.scope, d.detail) for d in x.definitions}


def metrics(x: Extraction) -> dict[str, tuple[int, int, int, int, int, int]]:
    return {cid: (m.code_lines, m.comment_lines, m.blank_lines, m.complexity, m.max_nesting, m.goto_count)
            for cid, m in x.metrics}


def test_main_file_functions_program_and_static_scope() -> None:
    x = run("patsvc/main.c")
    f = "c:patsvc/main.c"
    assert defs(x) == {
        f: ("source", "main.c", 1, 59, "", ""),
        f"{f}::log_line": ("function", "log_line", 15, 19, "file", "static"),
        f"{f}::process": ("function", "process", 21, 39, "file", "static"),
        f"{f}::main": ("function", "main", 41, 59, "", "entry point"),
        "program:MAIN": ("program", "MAIN", 41, 59, "", "load module; entry main"),
    }
    assert ("program:MAIN", "calls", "function", "main", 41, "entry-point") in {
        (r.source, r.kind, r.target_kind, r.target, r.line, r.via) for r in x.references}
    calls = refs(x, "calls")
    # on_error is a function pointer held in a file-scope variable: not a call to a named function
    assert not any(t == "on_error" for _, _, _, t, _, _ in calls)
    assert ("process", "calls", "function", "log_line", 31, "call") in calls
    assert ("main", "calls", "function", "getenv", 48, "call") in calls
    # the load module has no lines of its own: main's lines count for main
    m = metrics(x)
    assert m["program:MAIN"] == (0, 0, 0, 0, 0, 0)
    assert m[f"{f}::main"] == (18, 0, 1, 8, 2, 0)
    assert m[f"{f}::process"] == (18, 0, 1, 5, 2, 0)
    # file lines are those outside any function: includes, globals, comments
    assert m[f] == (6, 6, 4, 0, 0, 0)
    assert sum(v[0] for v in m.values()) == x.lines.code
    assert x.parse.status == "ok" and x.parse.parser == "tree-sitter:c"


def test_includes_local_system_and_directories() -> None:
    x = run("patsvc/main.c")
    inc = {(r.target, r.external, r.detail) for r in x.references if r.kind == "includes"}
    assert inc == {
        ("stdio.h", "header:<stdio.h>", "<stdio.h>"),
        ("stdlib.h", "header:<stdlib.h>", "<stdlib.h>"),
        # a platform directory: never mistaken for a project header named types.h
        ("sys/types.h", "header:<sys/types.h>", "<sys/types.h>"),
        ("patient.h", "", '"patient.h"'),
    }
    x = run("patsvc/legacy_batch.c")
    inc = {(r.target, r.detail) for r in x.references if r.kind == "includes"}
    assert ("strutil.h", '"../patsvc/util/strutil.h"') in inc
    assert ("info", "C-COMPUTED-INCLUDE", 6) in {(d.severity, d.code, d.line) for d in x.diagnostics}


def test_header_prototypes_static_inline_and_macro_bodies() -> None:
    x = run("patsvc/patient.h")
    h = "c:patsvc/patient.h"
    # prototypes define nothing; a static inline function in a header is seen by every includer, and so is
    # a function-like macro: calls to it from other files reach the header
    assert defs(x) == {
        h: ("header", "patient.h", 1, 44, "", ""),
        f"{h}::PMI_AUDIT": ("function", "PMI_AUDIT", 19, 19, "", "macro"),
        f"{h}::pmi_valid_status": ("function", "pmi_valid_status", 35, 38, "", "static inline"),
    }
    r = next(r for r in x.references if r.via == "macro-body")
    assert (r.source, r.target, r.line, r.optional) == (f"{h}::PMI_AUDIT", "audit_write", 19, True)
    assert metrics(x)[f"{h}::PMI_AUDIT"] == (1, 0, 0, 1, 0, 0)


def test_macros_annotations_sql_strings_and_gotos() -> None:
    x = run("patsvc/patient.c")
    f = "c:patsvc/patient.c"
    d = defs(x)
    assert d[f"{f}::log_line"][4] == "file"
    assert d[f"{f}::pmi_trace"][:5] == ("function", "pmi_trace", 37, 40, "file")  # UNUSED static int ...
    assert d[f"{f}::pmi_lookup"][:5] == ("function", "pmi_lookup", 42, 63, "")  # PATSVC_INTERNAL int ...
    calls = {r.target: r for r in x.references if r.kind == "calls" and r.target_kind == "function"}
    assert "COPY_FIELD" not in calls  # a function-like macro of this file
    assert calls["PMI_AUDIT"].optional  # upper case: probably a macro from a header
    assert not calls["SQLPrepare"].optional
    sql = {r for r in refs(x) if r[2] in ("table", "procedure")}
    assert sql == {
        ("pmi_lookup", "reads", "table", "PMI.PATIENT", 51, "sql-api-variable"),  # a static const char *
        ("pmi_admit", "updates", "table", "PMI.PATIENT", 72, "sql-api-variable"),  # built by sprintf
        ("pmi_admit", "writes", "table", "PMI.ADMISSION", 73, "sql-api"),
        ("pmi_admit", "calls", "procedure", "RECALC_BEDS", 74, "sql-api"),  # {call PMI.RECALC_BEDS(?)}
    }
    m = metrics(x)
    assert m[f"{f}::pmi_lookup"][3:] == (4, 1, 1)  # if, if with ||; one goto
    assert m[f"{f}::pmi_admit"][3] == 3  # ?: and &&


def test_kr_definitions_and_static_prototype() -> None:
    x = run("patsvc/util/strutil.c")
    assert defs(x)["c:patsvc/util/strutil.c::str_is_digits"][5] == "k&r"
    x = run("patsvc/legacy_batch.c")
    d = defs(x)
    f = "c:patsvc/legacy_batch.c"
    # "static int extract_one();" makes the later plain definition file-scoped
    assert d[f"{f}::extract_one"] == ("function", "extract_one", 11, 27, "file", "k&r")
    assert d[f"{f}::report_progress"][5] == "k&r"
    assert d[f"{f}::extract_all"][:4] == ("function", "extract_all", 30, 42)
    calls = refs(x, "calls")
    # the #else branch is read by the statement-level scan: its calls are not lost
    assert ("extract_one", "calls", "function", "perror", 21, "fallback") in calls
    assert ("extract_one", "calls", "function", "lib_signal", 18, "call") in calls
    # else-if chains stay at the depth of their if
    assert metrics(x)[f"{f}::extract_all"][3:] == (7, 2, 0)
    assert x.parse.status == "partial" and x.parse.fallback_used


def test_pro_c_exec_sql() -> None:
    x = run("patsvc/wards.pc")
    f = "c:patsvc/wards.pc"
    assert x.parse.status == "ok"  # EXEC SQL was lifted out before parsing
    got = {(s, k, tk, t, line, via) for s, k, tk, t, line, via in refs(x) if via.startswith("exec-sql")}
    assert got == {
        (f, "includes", "header", "sqlca.h", 7, "exec-sql-include"),
        (f, "includes", "header", "wardrec.h", 8, "exec-sql-include"),
        ("ward_beds", "calls", "function", "sql_error", 21, "exec-sql-whenever"),
        ("ward_beds", "reads", "table", "WARD", 23, "exec-sql"),
        ("ward_discharge", "reads", "table", "OCCUPANCY", 37, "exec-sql"),
        ("ward_discharge", "updates", "table", "WARD", 44, "exec-sql"),
        ("ward_discharge", "deletes", "table", "OCCUPANCY", 50, "exec-sql"),
        ("ward_discharge", "writes", "table", "DISCHARGE_LOG", 51, "exec-sql"),
        ("ward_discharge", "calls", "procedure", "PMI_PKG_RECALC", 53, "exec-sql"),
        ("ward_purge", "dynamic-sql", "table", "dyn_stmt", 65, "exec-sql-variable"),
        ("ward_purge", "dynamic-sql", "table", "user_stmt", 66, "exec-sql"),
        ("ward_purge", "calls", "procedure", "ARCHIVE_WARDS", 67, "exec-sql"),
    }
    sqlca = next(r for r in x.references if r.target == "sqlca.h")
    assert sqlca.external == "header:<sqlca.h>"
    assert all(r.dynamic for r in x.references if r.kind == "dynamic-sql")
    # WHENEVER SQLERROR GOTO is a jump out of every later statement
    assert metrics(x)[f"{f}::ward_discharge"][3:] == (4, 2, 1)


def test_broken_file_keeps_what_it_can() -> None:
    x = run("patsvc/broken.c")
    assert x.parse.status == "partial" and 0 < x.parse.error_ratio < 0.5
    calls = refs(x, "calls")
    assert ("half_merged", "calls", "function", "pmi_admit", 7, "call") in calls
    assert ("half_merged", "calls", "function", "pmi_admit", 9, "call") in calls
    assert ("still_fine", "calls", "function", "pmi_valid_status", 13, "call") in calls


def test_cpp_classes_namespaces_overloads_templates() -> None:
    x = run("roster.cpp", CPP)
    f = "c:roster.cpp"
    d = defs(x)
    assert d[f"{f}::overlaps"][4] == "file"  # anonymous namespace
    assert d[f"{f}::trust::roster::warn"][:5] == ("function", "warn", 23, 26, "file")
    assert d[f"{f}::trust::roster::Rota::assign"] == ("function", "Rota::assign", 28, 48, "", "2 definitions")
    assert d[f"{f}::trust::roster::Rota::load"][1] == "Rota::load"
    assert d["program:ROSTER"][0] == "program"
    by = {(r.source.split("::", 1)[-1], r.target): r for r in x.references if r.kind == "calls"}
    # an unqualified call in a method tries the method's class first
    assert by[("trust::roster::Rota::assign", "hoursFor")].candidates == ("Rota::hoursFor",)
    # a qualified call tries Class::name, then the plain name
    load = by[("main", "load")]
    assert (load.candidates, load.detail) == (("Rota::load",), "trust::roster::Rota::load")
    # std:: calls are system functions by prefix; calls on this-> are guesses within the class
    assert ("main", "std::printf") in by
    assert by[("trust::roster::Rota::assign", "Rota::assign")].optional
    m = metrics(x)
    assert m[f"{f}::trust::roster::Rota::assign"][3:5] == (6, 2)  # if, range-for, if &&, if
    assert m[f"{f}::trust::roster::Rota::load"][3] == 2  # catch
    x = c.extract("struct Options { Options(); };\nOptions::Options() {}\nint main() { auto o = Options(); }\n",
                  "opt.cpp", CPP)
    ctor = next(r for r in x.references if r.target == "Options")
    assert ctor.candidates == ("Options::Options",)  # a constructor call tries the constructor first
    x = run("roster.h", CPP)
    assert defs(x)["c:roster.h::trust::roster::Rota::countIf"][5] == "template"


@pytest.mark.parametrize(("name", "head", "expected"), [
    ("roster.h", "#include <string>\nclass Rota {\npublic:\n  int x;\n};\n", "cpp"),
    ("io.h", "#ifndef IO_H\n#define IO_H\nint io_read(int);\n#endif\n", "c"),
    # extern "C" guards are in C headers too: not a sign of C++
    ("api.h", '#ifdef __cplusplus\nextern "C" {\n#endif\nint f(void);\n', "c"),
    ("ns.h", "#pragma once\nnamespace trust {\nint f();\n}\n", "cpp"),
    ("tmpl.h", "template <typename T> T id(T x) { return x; }\n", "cpp"),
    ("X.C", "int main() { return 0; }\n", "cpp"),
    ("x.c", "class Foo {};\n", "c"),
    ("wards.pc", "EXEC SQL INCLUDE SQLCA;\n", "c"),
])
def test_detection(name: str, head: str, expected: str) -> None:
    found = _by_name(name, load_languages(), head)
    assert found is not None and found[0] == expected


def test_extensionless_typescript_is_not_cpp() -> None:
    from legacy_lens.discover import sniff

    assert sniff("namespace App {\n  export class Foo {\n  }\n}\n", load_languages()) != "cpp"


def test_outline_recovers_functions_the_grammar_loses() -> None:
    # An #if that splits the braces of a function throws the whole rest of the file into one ERROR node;
    # each function is parsed again on its own.
    text = "\n".join([
        "int first(int a)",
        "{",
        "#ifdef OLD",
        "    if (a) {",
        "#else",
        "    if (a > 1) {",
        "#endif",
        "        helper(a);",
        "    }",
        "    return 0;",
        "}",
        "static int second(void) { return first(2) && other(); }",
        "int third(x) int x; { return x ? second() : 0; }",
    ]) + "\n"
    x = c.extract(text, "split.c", C)
    d = defs(x)
    assert [d[k][1] for k in sorted(d, key=lambda k: d[k][2]) if d[k][0] == "function"] == ["first", "second", "third"]
    assert d["c:split.c::second"][4] == "file"
    calls = refs(x, "calls")
    assert {("first", "helper"), ("second", "first"), ("second", "other"), ("third", "second")} <= {
        (s, t) for s, _, _, t, _, _ in calls}
    assert metrics(x)["c:split.c::second"][3] == 2
    assert x.parse.error_ratio < 0.2


def test_exec_sql_unterminated_and_in_comments() -> None:
    text = "/* EXEC SQL DELETE FROM GHOST; */\nint f(void) {\n  EXEC SQL UPDATE T1 SET A = 1\n"
    x = c.extract(text, "u.pc", C)
    assert {(r.kind, r.target) for r in x.references} == {("updates", "T1")}
    assert [d.code for d in x.diagnostics] == ["C-EXEC-UNTERMINATED"]


def test_pkg_config_file_is_not_pro_c() -> None:
    text = "prefix=/usr\nName: pmi\nDescription: patient index\nVersion: 1.2\nLibs: -L${prefix}/lib -lpmi\n"
    x = c.extract(text, "pmi.pc", C)
    assert (x.parse.status, x.definitions, [d.code for d in x.diagnostics]) == ("skipped", (), ["C-NOT-SOURCE"])


def test_linked_graph_of_the_service(tmp_path: Path) -> None:
    scan = scan_dict(FIXTURES / "c")
    calls = edges_of(scan, "calls")
    # static helpers with the same name: each caller reaches its own file's
    assert ("c:patsvc/main.c::process", "calls", "c:patsvc/main.c::log_line", "call", True) in calls
    assert ("c:patsvc/patient.c::pmi_open", "calls", "c:patsvc/patient.c::log_line", "call", True) in calls
    assert ("program:MAIN", "calls", "c:patsvc/main.c::main", "entry-point", True) in calls
    assert ("c:patsvc/main.c::main", "calls", "c:patsvc/patient.c::pmi_open", "call", True) in calls
    assert ("c:patsvc/main.c::main", "calls", "function:fgets", "call", True) in calls
    assert ("c:patsvc/patient.c::pmi_open", "calls", "function:SQLConnect", "call", False) in calls
    assert ("c:patsvc/patient.h::PMI_AUDIT", "calls", "c:patsvc/audit.c::audit_write", "macro-body", True) in calls
    assert ("c:patsvc/patient.c::pmi_lookup", "calls", "c:patsvc/patient.h::PMI_AUDIT", "call", True) in calls
    includes = edges_of(scan, "includes")
    assert ("c:patsvc/patient.h", "includes", "c:patsvc/util/strutil.h", "include", True) in includes
    assert ("c:patsvc/main.c", "includes", "header:<stdio.h>", "include", True) in includes
    comps = {comp["id"]: comp for comp in scan["components"]}
    assert comps["header:<stdio.h>"]["system"] and comps["function:fgets"]["system"]
    assert comps["c:patsvc/main.c::log_line"]["kind"] == "function"
    assert not [d for d in scan["diagnostics"] if d["code"] == "DUPLICATE-DEFINITION"]


def _garbage(seed: int) -> str:
    rnd = random.Random(seed)
    pieces = ["{", "}", "(", ")", ";", "/*", "*/", "//", '"', "'", "\\", "\n", "#if 0", "#else", "#endif", "#define X(",
              "EXEC SQL ", "END-EXEC", "int f(", "static ", "class A {", "namespace {", "template <", "a::b(",
              "\x00", "\x1a", "\ufffd", "é", "x" * 50, "if (", "else if", "goto L;", "SQLExecDirect(h, \"SELECT",
              " ", "\t", "\r\n", "operator", "~", "::", "->", "=", "%s"]
    return "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 400)))


@pytest.mark.parametrize("seed", range(60))
def test_fuzz_never_raises(seed: int) -> None:
    text = _garbage(seed)
    for spec, name in ((C, "g.c"), (CPP, "g.cpp"), (C, "g.pc"), (C, "g.h")):
        x = c.extract(text, name, spec)
        assert x.parse.status in ("ok", "partial", "failed")
        assert 0.0 <= x.parse.error_ratio <= 1.0
        assert x.lines.total == len(text.split("\n")) - (1 if text.endswith("\n") else 0) or not text


@pytest.mark.parametrize("text", [
    "", "\n", "/*", '"', "'", "{", "}", "}}}}", "int f(", "EXEC SQL", "#if\n#else\n#else\n#endif\n#endif\n",
    "x" * 200_000, "int f(void) {" + "{" * 3000 + "}" * 3000 + "}", "(" * 5000, "a" + " b" * 20000 + "(",
    "int f(" + "a, " * 5000 + "b) int a; {}",
])
def test_hostile_inputs(text: str) -> None:
    x = c.extract(text, "h.c", C)
    assert x.definitions[0].kind == "source"
    x = c.extract(text, "h.cpp", CPP)
    assert x.definitions[0].id == "c:h.cpp"
