"""Name resolution beyond global mainframe names: file scope, nearness, candidates, members, external and
optional references, and partial classes (legacy_lens.link, docs/LANGUAGES.md)."""

from __future__ import annotations

from legacy_lens.link import link
from legacy_lens.model import Definition, Extraction, FileFacts, Metrics, Reference, SourceFile


def facts(path: str, definitions: list[Definition], references: list[Reference],
          metrics: list[tuple[str, Metrics]] | None = None, language: str = "c") -> FileFacts:
    return FileFacts(SourceFile(path, language, "utf-8", 1, "0" * 64),
                     Extraction(definitions=tuple(definitions), references=tuple(references),
                                metrics=tuple(metrics or ())))


def fn(path: str, name: str, static: bool = False) -> Definition:
    return Definition("function", name, 1, id=f"c:{path}::{name}", scope="file" if static else "")


def edges(files: list[FileFacts]) -> set[tuple[str, str, str, bool]]:
    return {(e.source, e.target, e.kind, e.resolved) for e in link(files).edges}


def test_static_functions_are_seen_from_their_own_file_only() -> None:
    a = facts("src/a.c", [fn("src/a.c", "main"), fn("src/a.c", "helper", static=True)],
              [Reference("c:src/a.c::main", "calls", "function", "helper", 3)])
    b = facts("src/b.c", [fn("src/b.c", "run"), fn("src/b.c", "helper", static=True)],
              [Reference("c:src/b.c::run", "calls", "function", "helper", 3)])
    c = facts("src/c.c", [fn("src/c.c", "other")], [Reference("c:src/c.c::other", "calls", "function", "helper", 2)])
    found = edges([a, b, c])
    assert ("c:src/a.c::main", "c:src/a.c::helper", "calls", True) in found
    assert ("c:src/b.c::run", "c:src/b.c::helper", "calls", True) in found
    assert ("c:src/c.c::other", "function:helper", "calls", False) in found  # both are static: invisible


def test_the_nearest_of_several_definitions_wins() -> None:
    headers = [facts(p, [Definition("header", "io.h", 1, id=f"c:{p}")], []) for p in ("lib/io.h", "app/x/io.h")]
    user = facts("app/x/main.c", [fn("app/x/main.c", "main")],
                 [Reference("c:app/x/main.c::main", "includes", "header", "io.h", 1)])
    result = link([*headers, user])
    (edge,) = [e for e in result.edges if e.kind == "includes"]
    assert edge.target == "c:app/x/io.h" and edge.resolved and "nearest" in edge.detail


def test_candidates_are_tried_in_order_then_members_then_external_or_optional() -> None:
    module = facts("m.f90", [Definition("module", "UTIL", 1), Definition("subroutine", "UTIL.SOLVE", 3)], [],
                   language="fortran")
    pkg = facts("p.pkb", [Definition("package", "PAY", 1), Definition("routine", "PAY.CALC", 2, parent="package:PAY")],
                [], language="sql")
    caller = facts("main.f90", [Definition("program", "MAIN", 1)], [
        Reference("program:MAIN", "calls", "subroutine", "SOLVE", 2, candidates=("UTIL.SOLVE",)),
        Reference("program:MAIN", "calls", "routine", "CALC", 3, candidates=("PAY.CALC",)),
        Reference("program:MAIN", "imports", "class", "java.util.List", 4, external="library:java.util"),
        Reference("program:MAIN", "calls", "function", "MAYBE_ARRAY", 5, optional=True),
        Reference("program:MAIN", "calls", "subroutine", "NOWHERE", 6),
    ], language="fortran")
    result = link([module, pkg, caller])
    found = {(e.target, e.resolved) for e in result.edges}
    assert found == {("subroutine:UTIL.SOLVE", True), ("package:PAY", True), ("library:java.util", True),
                     ("subroutine:NOWHERE", False)}
    external = next(c for c in result.components if c.id == "library:java.util")
    assert external.system and not external.defined


def test_parts_of_a_partial_class_are_one_component() -> None:
    cid = "dotnet:App.Form1"
    parts = [facts(p, [Definition("class", "App.Form1", 1, id=cid, detail="class partial")], [],
                   [(cid, Metrics(code_lines=n, complexity=c))], language="csharp")
             for p, n, c in (("Form1.cs", 40, 5), ("Form1.Designer.cs", 200, 1))]
    result = link(parts)
    (component,) = [c for c in result.components if c.id == cid]
    assert component.metrics is not None and component.metrics.code_lines == 240
    assert component.metrics.complexity == 6
    assert not [d for d in result.diagnostics if d.code == "DUPLICATE-DEFINITION"]


def test_pages_are_found_ignoring_letter_case() -> None:
    page = facts("site/Inc/Header.asp", [Definition("page", "site/Inc/Header.asp", 1, id="page:site/Inc/Header.asp")],
                 [], language="asp")
    user = facts("site/default.asp", [Definition("page", "site/default.asp", 1, id="page:site/default.asp")],
                 [Reference("page:site/default.asp", "includes", "page", "site/inc/header.asp", 2)], language="asp")
    (edge,) = link([page, user]).edges
    assert edge.target == "page:site/Inc/Header.asp" and edge.resolved and "letter case" in edge.detail


def test_a_call_to_an_entry_name_reaches_its_load_module() -> None:
    asm = facts("asm/DDHEXOUT.asm", [Definition("program", "DDHEXOUT", 1),
                                    Definition("entry", "HEXOUT", 3, parent="program:DDHEXOUT")], [], language="hlasm")
    caller = facts("asm/MAIN.asm", [Definition("program", "MAIN", 1)],
                   [Reference("program:MAIN", "calls", "program", "HEXOUT", 9, via="v-con")], language="hlasm")
    assert ("program:MAIN", "program:DDHEXOUT", "calls", True) in edges([asm, caller])
