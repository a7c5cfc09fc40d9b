"""Java extractor: definitions, resolution hints, SQL, metrics and parse quality, per fixture and per rule."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from scanning import scan_dict

from legacy_lens.extractors import java
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction, Reference

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SRC = FIXTURES / "java" / "src"
CMS = SRC / "gov" / "courts" / "cms"
SPEC = language_by_name("java")

Refs = set[tuple[str, str, str, str, int, str, str]]


def run(rel: str) -> Extraction:
    return java.extract((SRC / rel).read_text(encoding="utf-8"), f"src/{rel}", SPEC)


def run_text(text: str, path: str = "src/Inline.java") -> Extraction:
    return java.extract(text, path, SPEC)


def refs(x: Extraction, kind: str | None = None) -> Refs:
    return {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.detail) for r in x.references
            if kind is None or r.kind == kind}


def ref(x: Extraction, kind: str, target: str, line: int) -> Reference:
    found = [r for r in x.references if r.kind == kind and r.target == target and r.line == line]
    assert len(found) == 1, (kind, target, line, found)
    return found[0]


def metrics(x: Extraction) -> dict[str, tuple[int, int, int, int, int]]:
    return {cid: (m.code_lines, m.comment_lines, m.blank_lines, m.complexity, m.max_nesting) for cid, m in x.metrics}


# -- fixtures ---------------------------------------------------------------------------------------
def test_dao_definitions_nested_types_and_second_top_level_type() -> None:
    x = run("gov/courts/cms/dao/JdbcCaseDao.java")
    dao = "java:gov.courts.cms.dao.JdbcCaseDao"
    types = {(d.kind, d.name, d.line, d.end_line, d.parent, d.detail, d.id) for d in x.definitions
             if d.kind != "method"}
    assert types == {
        ("class", "gov.courts.cms.dao.JdbcCaseDao", 22, 141, None, "", dao),
        ("nested-class", "gov.courts.cms.dao.JdbcCaseDao.CaseRowMapper", 121, 128, dao, "class", ""),
        ("nested-class", "gov.courts.cms.dao.JdbcCaseDao.StatusUpdater", 130, 140, dao, "class", ""),
        ("class", "gov.courts.cms.dao.RowMapper", 144, 146, None, "interface", "java:gov.courts.cms.dao.RowMapper"),
    }
    methods = {(d.name, d.line, d.parent, d.detail) for d in x.definitions if d.kind == "method"}
    assert ("findByDocket", 46, dao, "findByDocket(String)") in methods
    assert ("JdbcCaseDao", 42, dao, "new JdbcCaseDao(DataSource)") in methods
    assert ("map", 122, dao, "CaseRowMapper.map(ResultSet)") in methods  # a nested type's method
    assert ("markClosed", 135, dao, "StatusUpdater.markClosed(long)") in methods
    assert ("StatusUpdater", 133, dao, "new StatusUpdater(Connection)") in methods
    assert ("map", 145, "java:gov.courts.cms.dao.RowMapper", "map(ResultSet) abstract") in methods


def test_dao_sql_constants_builders_and_callable_statements() -> None:
    x = run("gov/courts/cms/dao/JdbcCaseDao.java")
    dao = "java:gov.courts.cms.dao.JdbcCaseDao"
    sql = {r for r in refs(x) if r[1] in ("reads", "writes", "updates", "deletes") or r[2] in (
        "routine", "procedure", "function")}
    assert sql == {
        # static final constant built from another constant, used in prepareStatement
        (dao, "reads", "table", "CMS_CASE", 48, "jdbc", "prepareStatement; schema CMS"),
        # StringBuffer seeded with a constant and extended with append(), passed as sql.toString()
        (dao, "reads", "table", "CMS_CASE", 70, "jdbc", "prepareStatement; schema CMS"),
        (dao, "reads", "table", "CMS_PARTY", 70, "jdbc", "prepareStatement"),
        # CallableStatement: package member, schema-qualified package member, stand-alone function
        (dao, "calls", "routine", "PKG_CASE.CLOSE_CASE", 97, "jdbc-call", "prepareCall"),
        (dao, "calls", "routine", "PKG_DOCKET.NEXT_DOCKET_NO", 101, "jdbc-call", "prepareCall; schema CMSOWNER"),
        (dao, "calls", "function", "FN_CASE_AGE", 104, "jdbc-call", "prepareCall"),
        # String built with +=
        (dao, "writes", "table", "CMS_CASE_AUDIT", 108, "jdbc", "prepareStatement"),
        # inside a nested class: the fact belongs to the top-level class
        (dao, "updates", "table", "CMS_CASE", 136, "jdbc", "prepareStatement"),
        # a constant that no call in the file uses is still SQL of the class
        (dao, "deletes", "table", "CMS_CASE_AUDIT", 31, "sql-string", "SQL held in a string"),
    }


def test_dao_type_references_and_resolution_hints() -> None:
    x = run("gov/courts/cms/dao/JdbcCaseDao.java")
    dao = "java:gov.courts.cms.dao.JdbcCaseDao"
    imp = ref(x, "imports", "gov.courts.cms.util.ServiceLocator", 17)
    assert imp.candidates == ("gov.courts.cms.util.ServiceLocator",)
    assert imp.external == "library:gov.courts.cms.util" and not imp.optional
    assert ref(x, "imports", "java.sql.Connection", 4).external == "library:java.sql"
    impl = ref(x, "implements", "gov.courts.cms.dao.CaseDao", 22)
    assert impl.source == dao and impl.candidates == ("gov.courts.cms.dao.CaseDao",)
    # a nested class implements the file's other top-level type: attributed to the top-level class
    nested = ref(x, "implements", "gov.courts.cms.dao.RowMapper", 121)
    assert (nested.source, nested.detail, nested.candidates, nested.external) == (dao, "CaseRowMapper", (), "")
    calls = refs(x, "calls")
    # typed receivers and constructors (optional: only a scanned class resolves them)
    assert (dao, "calls", "class", "gov.courts.cms.model.CaseRecord", 79, "java-call", "getCaseId") in calls
    assert (dao, "calls", "class", "gov.courts.cms.model.CaseRecord", 123, "java-new", "new") in calls
    assert (dao, "calls", "class", "gov.courts.cms.util.ServiceLocator", 88, "java-call", "closeQuietly") in calls
    assert all(r.optional for r in x.references if r.kind == "calls" and r.target_kind == "class")
    # ServiceLocator.getInstance() is the singleton idiom: the call on its result is typed
    singleton = [r for r in x.references if r.line == 39 and r.kind == "calls"]
    assert {(r.target, r.detail, r.via) for r in singleton} == {
        ("gov.courts.cms.util.ServiceLocator", "getInstance", "java-call"),
        ("gov.courts.cms.util.ServiceLocator", "getDataSource", "java-call")}
    # own types (StatusUpdater via `var`), JDK types (HashMap, ResultSet, String) make no call edges
    targets = {r[3] for r in calls}
    assert not targets & {"gov.courts.cms.dao.JdbcCaseDao", "java.util.HashMap", "java.sql.ResultSet"}


def test_struts_action_wildcards_static_import_and_platform_calls() -> None:
    x = run("gov/courts/cms/web/CaseSearchAction.java")
    src = "java:gov.courts.cms.web.CaseSearchAction"
    ext = ref(x, "extends", "gov.courts.cms.web.Action", 19)
    # same package first, then the one wildcard import that is not a JDK package; that package is the
    # library when neither is scanned
    assert ext.candidates == ("gov.courts.cms.web.Action", "org.apache.struts.action.Action")
    assert ext.external == "library:org.apache.struts.action"
    assert ref(x, "imports", "gov.courts.cms.util.DateUtil", 17).detail == "static"
    static = ref(x, "calls", "gov.courts.cms.util.DateUtil", 38)
    assert (static.via, static.detail) == ("java-static-import", "toSqlDate")
    calls = refs(x, "calls")
    assert (src, "calls", "class", "gov.courts.cms.dao.CaseDao", 33, "java-call", "findByDocket") in calls
    assert (src, "calls", "class", "gov.courts.cms.dao.JdbcCaseDao", 23, "java-new", "new") in calls
    assert (src, "calls", "class", "gov.courts.cms.web.CaseSearchForm", 30, "java-call", "getDocketNumber") in calls
    # java.util.* types, javax.servlet types and java.lang never make call edges; nor does a
    # "new ActionForward(" written in a comment or a string
    assert not [r for r in calls if r[3].startswith(("java", "org.apache.struts.action.ActionForward"))]
    assert not [r for r in calls if "ActionForward" in r[3]]
    assert not [r for r in x.references if r.kind == "imports" and r.target.endswith("*")]


def test_servlet_dynamic_sql() -> None:
    x = run("gov/courts/cms/web/DocketServlet.java")
    src = "java:gov.courts.cms.web.DocketServlet"
    assert refs(x, "reads") == {
        (src, "reads", "table", "DOCKET", 40, "jdbc", "executeQuery; schema CMS"),
        (src, "reads", "table", "CMS_CASE", 40, "jdbc", "executeQuery"),
    }
    dyn = {(r.target, r.line, r.dynamic, r.detail) for r in x.references if r.kind == "dynamic-sql"}
    assert dyn == {
        ("archive", 49, True, "executeUpdate: table name built at run time"),
        ("req.getParameter", 50, True, "execute: SQL built at run time"),
    }
    assert ref(x, "extends", "javax.servlet.http.HttpServlet", 16).external == "library:javax.servlet.http"


def test_ejb_interfaces_and_bean() -> None:
    home = run("gov/courts/cms/ejb/CaseManagerHome.java")
    assert ref(home, "extends", "javax.ejb.EJBHome", 7).external == "library:javax.ejb"
    assert [d.detail for d in home.definitions if d.kind == "class"] == ["interface"]
    bean = run("gov/courts/cms/ejb/CaseManagerBean.java")
    src = "java:gov.courts.cms.ejb.CaseManagerBean"
    impl = ref(bean, "implements", "javax.ejb.SessionBean", 13)  # via `import javax.ejb.*`
    assert (impl.external, impl.candidates) == ("library:javax.ejb", ())
    calls = refs(bean, "calls")
    assert (src, "calls", "class", "gov.courts.cms.dao.CaseDao", 26, "java-call", "closeCase") in calls  # this.dao
    assert (src, "calls", "class", "gov.courts.cms.service.HearingService", 36, "java-call", "forRoom") in calls
    # calls on the result of a static call: guessed by method name (optional: dropped when nothing matches)
    guesses = {(r.target_kind, r.target, r.line, r.via, r.optional) for r in bean.references if r.via == "method-name"}
    assert guesses == {("method", "reserve", 36, "method-name", True), ("method", "schedule", 37, "method-name", True)}
    # Optional.orElse on an unknown receiver is too common a name to guess from
    assert not [r for r in bean.references if r.target == "orElse"]


def test_entity_table_named_queries_and_jpql() -> None:
    x = run("gov/courts/cms/model/CaseRecord.java")
    src = "java:gov.courts.cms.model.CaseRecord"
    assert ("entity", "CaseRecord", src, "table CMS_CASE") in {(d.kind, d.name, d.parent, d.detail)
                                                               for d in x.definitions}
    assert ("nested-class", "gov.courts.cms.model.CaseRecord.Status", 36) in {
        (d.kind, d.name, d.line) for d in x.definitions}
    assert refs(x, "reads") == {
        (src, "reads", "table", "CMS_CASE", 8, "jpa-entity", "@Table; schema CMS"),
        (src, "reads", "entity", "CaseRecord", 10, "jpql", "@NamedQuery CaseRecord.open"),
        # `JOIN c.parties p` is a path, not an entity
        (src, "reads", "entity", "CaseRecord", 12, "jpql", "@NamedQuery CaseRecord.byParty"),
    }
    party = run("gov/courts/cms/model/Party.java")
    assert refs(party, "reads") == {("java:gov.courts.cms.model.Party", "reads", "table", "PARTY", 6, "jpa-entity",
                                     "default table name (the entity name)")}
    service = run("gov/courts/cms/service/HearingService.java")
    src = "java:gov.courts.cms.service.HearingService"
    assert {r for r in refs(service) if r[1] in ("reads", "updates")} == {
        (src, "reads", "entity", "Party", 30, "jpql", "createQuery"),
        (src, "updates", "table", "HEARING", 40, "jpa-native", "createNativeQuery; schema CMS"),  # a text block
    }
    # fluent calls on a platform object (em.createQuery(...).setParameter(...)) are not guessed
    assert not [r for r in service.references if r.target_kind == "method"]


def test_default_package_and_anonymous_class() -> None:
    x = run("Launcher.java")
    assert {(d.kind, d.name, d.id) for d in x.definitions if d.kind == "class"} == {
        ("class", "Launcher", "java:Launcher"), ("class", "Helper", "java:Helper")}
    new = ref(x, "calls", "gov.courts.cms.dao.JdbcCaseDao", 7)
    assert new.detail == "new"
    locator = [r for r in x.references if r.target == "ServiceLocator"]
    assert locator and locator[0].candidates == ("ServiceLocator", "gov.courts.cms.util.ServiceLocator")
    assert {(r.target, r.detail) for r in x.references if r.target == "Helper"} == {("Helper", "new"),
                                                                                   ("Helper", "run")}
    # the anonymous Runnable inside Helper is part of Helper; java.lang.Runnable makes no edge
    assert not [r for r in x.references if "Runnable" in r.target]


def test_broken_file_partial_parse_and_fallback() -> None:
    x = run("gov/courts/cms/legacy/Broken.java")
    src = "java:gov.courts.cms.legacy.Broken"
    assert x.parse.status == "partial" and x.parse.parser == "tree-sitter:java"
    assert x.parse.fallback_used and x.parse.fallback_lines == 6
    assert 0 < x.parse.error_ratio < 0.1
    assert ("warning", "JAVA-PARSE-ERRORS", 13) in {(d.severity, d.code, d.line) for d in x.diagnostics}
    # both sides of a merge conflict: one read by the grammar, one only by the fallback scan
    assert (src, "deletes", "table", "CMS_TEMP", 14, "java-fallback",
            "SQL in a region the grammar could not read") in refs(x)
    assert (src, "deletes", "table", "CMS_TEMP_OLD", 16, "jdbc", "executeUpdate") in refs(x)
    assert ref(x, "calls", "gov.courts.cms.util.ServiceLocator", 18).detail == "new"
    assert (src, "reads", "table", "CMS_LOCK", 20, "jdbc", "prepareStatement") in refs(x)


def test_unicode_escapes_annotation_type_and_package_info() -> None:
    x = run("gov/courts/cms/legacy/Codes.java")
    assert {(d.name, d.detail) for d in x.definitions if d.kind == "class"} == {
        ("gov.courts.cms.legacy.Codes", "annotation"), ("gov.courts.cms.legacy.CodeTable", "interface")}
    assert x.parse.status == "partial"  # the grammar does not accept \u escapes in identifiers
    info = run("gov/courts/cms/legacy/package-info.java")
    assert not info.definitions and not info.references and not info.diagnostics


# -- resolution rules -----------------------------------------------------------------------------------
def test_lookup_order_import_beats_same_package_and_wildcards() -> None:
    x = run_text(
        "package a.b;\n"
        "import c.d.Foo;\n"
        "import e.f.*;\n"
        "import g.h.*;\n"
        "import java.util.*;\n"
        "class A<T> extends Foo implements Bar, List, Comparable<A>, T2 {\n"
        "  <R> void m(T t, R r) { t.x(); r.y(); new Map(); }\n"
        "}\n")
    ext = ref(x, "extends", "c.d.Foo", 6)
    assert (ext.candidates, ext.external) == (("c.d.Foo",), "library:c.d")
    bar = ref(x, "implements", "a.b.Bar", 6)
    assert bar.candidates == ("a.b.Bar", "e.f.Bar", "g.h.Bar")
    assert bar.external == ""  # two non-JDK wildcards: no library can be named
    lst = ref(x, "implements", "java.util.List", 6)  # a java.util type named through the wildcard
    assert lst.external == "library:java.util"
    assert not [r for r in x.references if "Comparable" in r.target]  # java.lang
    assert not [r for r in x.references if r.kind == "calls"]  # type variables T and R; java.util.Map


def test_receivers_typed_from_declarations() -> None:
    x = run_text(
        "package p;\n"
        "import q.Repo;\n"
        "import q.Svc;\n"
        "public class C {\n"
        "  private Repo repo;\n"
        "  static final Svc SVC = null;\n"
        "  void m(Svc svc, Object o) {\n"
        "    repo.find();\n"
        "    this.repo.save();\n"
        "    svc.run();\n"
        "    ((Repo) o).delete();\n"
        "    var local = new Repo();\n"
        "    local.flush();\n"
        "    Svc.start();\n"
        "    Other.LOG.writeEntry();\n"
        "    unknownThing.process();\n"
        "    helper();\n"
        "    o.toString();\n"
        "  }\n"
        "  void process() { }\n"
        "}\n")
    calls = {(r.target_kind, r.target, r.line, r.detail) for r in x.references if r.kind == "calls"}
    assert calls == {
        ("class", "q.Repo", 8, "find"), ("class", "q.Repo", 9, "save"), ("class", "q.Svc", 10, "run"),
        ("class", "q.Repo", 11, "delete"), ("class", "q.Repo", 12, "new"), ("class", "q.Repo", 13, "flush"),
        ("class", "q.Svc", 14, "start"),
        # Other.LOG is a field of a type, not a type: its method is guessed by name
        ("method", "writeEntry", 15, "writeEntry"),
        # unknownThing.process(): `process` is defined in this file, so no guess; helper() has no receiver
    }


def test_sql_is_not_guessed_from_ordinary_strings_and_generic_names() -> None:
    x = run_text(
        "package p;\n"
        "class Q {\n"
        "  void m(java.util.Map map, Object template, Action action) {\n"
        "    log(\"Update failed for user\");\n"
        "    map.update(\"Select your court\");\n"
        "    template.update(\"UPDATE CMS_X SET A = 1\");\n"
        "    action.execute(null, null);\n"
        "    runQuery(\"SELECT A FROM CMS_Y WHERE B = ?\");\n"
        "  }\n"
        "}\n")
    assert {(r.kind, r.target, r.line, r.via) for r in x.references if r.target_kind == "table"} == {
        ("updates", "CMS_X", 6, "jdbc"),  # a generic name, but the literal reads as SQL
        ("reads", "CMS_Y", 8, "sql-string"),  # SQL passed to a helper
    }
    assert not [r for r in x.references if r.kind == "dynamic-sql"]


def test_string_values_and_call_strings() -> None:
    assert java.string_value('"a\\"b\\n\\u0041\\101"') == 'a"b\nAA'
    assert java.string_value('"""\n   SELECT 1\n   FROM T\n   """') == "   SELECT 1\n   FROM T\n   "
    assert java.string_value('"unterminated') == "unterminated"
    assert java.callable_target("{call PKG.PROC(?)}") == ("routine", "PKG.PROC", "")
    assert java.callable_target("{ ? = call s.pkg.fn(?) }") == ("routine", "PKG.FN", "S")
    assert java.callable_target("{?=call FN}") == ("function", "FN", "")
    assert java.callable_target("CALL PROC1(?, ?)") == ("procedure", "PROC1", "")
    assert java.callable_target("BEGIN pkg_a.run(:1); END;") == ("routine", "PKG_A.RUN", "")
    assert java.callable_target("BEGIN :r := fn_x(:1); END;") == ("function", "FN_X", "")
    assert java.callable_target("SELECT 1 FROM DUAL") is None
    assert java.reads_as_sql("  (select a from t)") and java.reads_as_sql("update t x set a = 1")
    assert not java.reads_as_sql("Update failed") and not java.reads_as_sql("Select a court")
    assert java.class_candidates("a.b.Outer.Inner") == ("a.b.Outer.Inner", "a.b.Outer")
    assert java.package_of("a.b.Outer.Inner") == "a.b" and java.package_of("lower.only") == "lower"
    assert java.library_id("Foo") == "" and java.library_id("java.util.Map.Entry") == "library:java.util"


# -- metrics ----------------------------------------------------------------------------------------------
def test_complexity_decisions_and_else_if_nesting() -> None:
    x = run_text(
        "// header comment\n"
        "package p;\n"
        "\n"
        "class M {\n"
        "  int f(int a, boolean b) {\n"
        "    if (a > 1 && b || a < 0) { a++; }\n"          # if, &&, ||
        "    else if (a == 0) { a--; }\n"                   # if (an else-if: no deeper nesting)
        "    else if (a == 5) { a--; }\n"                   # if
        "    for (int i = 0; i < a; i++) { while (b) { b = false; } }\n"  # for, while (nesting 2)
        "    do { a--; } while (a > 10);\n"                 # do
        "    for (String s : new String[0]) { }\n"          # enhanced for
        "    switch (a) { case 1: case 2: break; default: break; }\n"  # 2 cases, default not counted
        "    try { a = 1; } catch (RuntimeException e) { } catch (Error e) { }\n"  # 2 catches
        "    outer: for (;;) { break outer; }\n"            # for; labelled break is no goto
        "    return b ? a : -a;\n"                          # ternary
        "  }\n"
        "}\n"
        "\n"
        "class N { }\n")
    assert metrics(x) == {
        # 1 + if,&&,||,if,if,for,while,do,for,case,case,catch,catch,for,?: = 16; the leading comment, package
        # and blank line count for the first type, the blank line between the types for the second
        "java:p.M": (15, 1, 1, 16, 2),
        "java:p.N": (1, 0, 1, 1, 0),
    }
    assert all(m.goto_count == 0 for _, m in x.metrics)
    assert x.lines.code == 16 and x.lines.comment == 1 and x.lines.blank == 2


# -- bad input ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "",
    "\n\n\n",
    "\x00\x01\x02 binary \xff\xfe garbage {{{{ ))))",
    "class",
    "package ;",
    "import static ;\nimport .*;\nclass A extends {",
    "class A { String s = \"unterminated\n }",
    "class A { /* unterminated comment",
    "class A { void m() { " + "(" * 5000 + " } }",
    "class A { String s = " + " + ".join(['"x"'] * 20000) + "; }",
    "class A { void m() { s" + ".a()" * 5000 + "; } }",
    "x" * 200_000,
    "package p; class A { void m() { executeQuery(); prepareCall(1); createQuery(q); } }",
    "@interface\n@\nenum { , }\nrecord R(\n",
])
def test_never_raises_on_bad_input(text: str) -> None:
    started = time.perf_counter()
    x = run_text(text, "src/Bad.java")
    assert time.perf_counter() - started < 20
    assert x.parse.parser == "tree-sitter:java"
    assert x.lines.total >= 0


def test_file_without_types_is_reported() -> None:
    x = run_text("package p;\nimport a.B;\nstatic int x = 1;\n")
    assert [d.code for d in x.diagnostics if d.code.startswith("JAVA-")] in (["JAVA-NO-TYPE"],
                                                                             ["JAVA-NO-TYPE", "JAVA-PARSE-ERRORS"],
                                                                             ["JAVA-PARSE-ERRORS", "JAVA-NO-TYPE"])


def test_type_lost_to_errors_is_found_by_the_fallback() -> None:
    x = run_text("package p;\n/* this class handles requests */\n))) public class Lost extends Base {\n void m( {\n")
    assert [(d.kind, d.name, d.line) for d in x.definitions] == [("class", "p.Lost", 3)]
    assert "JAVA-TYPE-FROM-FALLBACK" in {d.code for d in x.diagnostics}
    assert x.parse.status == "failed" and [cid for cid, _ in x.metrics] == ["java:p.Lost"]


# -- end to end --------------------------------------------------------------------------------------------
def test_scan_of_the_j2ee_application_resolves_across_files(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "java", tmp_path / "app", dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "j2ee", tmp_path / "app", dirs_exist_ok=True)
    scan = scan_dict(tmp_path / "app")
    edges = {(e["source"], e["kind"], e["target"], e["resolved"]) for e in scan["edges"]}
    kinds = {c["id"]: c["kind"] for c in scan["components"]}
    action = "java:gov.courts.cms.web.CaseSearchAction"
    dao = "java:gov.courts.cms.dao.JdbcCaseDao"
    expected = {
        # Java to Java: imports, implements, typed calls, method-name guesses, static imports
        (action, "imports", "java:gov.courts.cms.dao.CaseDao", True),
        (dao, "implements", "java:gov.courts.cms.dao.CaseDao", True),
        (dao, "implements", "java:gov.courts.cms.dao.RowMapper", True),
        (action, "calls", "java:gov.courts.cms.dao.CaseDao", True),
        (action, "calls", "java:gov.courts.cms.util.DateUtil", True),
        (dao, "calls", "java:gov.courts.cms.util.ServiceLocator", True),
        ("java:Launcher", "calls", "java:Helper", True),
        # libraries outside the scan, by package
        (action, "extends", "library:org.apache.struts.action", True),
        ("java:gov.courts.cms.ejb.CaseManagerBean", "implements", "library:javax.ejb", True),
        # SQL: tables, PL/SQL routines (unresolved: no PL/SQL in this scan), dynamic SQL
        (dao, "reads", "table:CMS_PARTY", False),
        (dao, "calls", "routine:PKG_CASE.CLOSE_CASE", False),
        ("java:gov.courts.cms.web.DocketServlet", "dynamic-sql", "dynamic:gov.courts.cms.web.DocketServlet.archive",
         False),
        # JPA: the entity maps its table; JPQL reaches the entity class through its entity name
        ("java:gov.courts.cms.model.CaseRecord", "reads", "table:CMS_CASE", False),
        ("java:gov.courts.cms.service.HearingService", "reads", "java:gov.courts.cms.model.Party", True),
        # descriptors route URLs, actions and beans to classes and pages
        ("url:WebContent/docket/*", "maps", "java:gov.courts.cms.web.DocketServlet", True),
        ("url:WebContent/*.do", "maps", "library:org.apache.struts.action", True),
        ("action:WebContent/caseSearch", "maps", action, True),
        ("action:WebContent/caseSearch", "maps", "java:gov.courts.cms.web.CaseSearchForm", True),
        ("action:WebContent/caseSearch", "maps", "page:WebContent/jsp/caseList.jsp", True),
        ("action:WebContent/caseDetail", "maps", "action:WebContent/caseSearch", True),
        ("bean:CaseManager", "maps", "java:gov.courts.cms.ejb.CaseManagerBean", True),
        ("bean:CaseManager", "maps", "java:gov.courts.cms.ejb.CaseManagerHome", True),
        ("project:WebContent/WEB-INF/web.xml", "calls", "bean:CaseManager", True),
        ("project:WebContent/WEB-INF/web.xml", "contains", "project:WebContent/WEB-INF/struts-config.xml", True),
        # a Struts module: module-relative forwards and actions, wildcard mappings, pages of the module
        ("action:WebContent/hearings/list", "maps", "page:WebContent/hearings/list.jsp", True),
        ("action:WebContent/hearings/list", "maps", "action:WebContent/hearings/edit*", True),
        ("page:WebContent/hearings/list.jsp", "calls", "action:WebContent/hearings/list", True),
        ("project:WebContent/WEB-INF/web.xml", "contains", "project:WebContent/WEB-INF/hearings/struts-config.xml",
         True),
        # pages: includes through the web root, forms posting to actions, scriptlet code
        ("page:WebContent/jsp/caseSearch.jsp", "includes", "page:WebContent/common/header.jspf", True),
        ("page:WebContent/jsp/caseSearch.jsp", "calls", "action:WebContent/caseSearch", True),
        ("page:WebContent/jsp/caseList.jsp", "reads", "table:HEARING", False),
        ("page:WebContent/jsp/caseList.jsp", "calls", "java:gov.courts.cms.util.ServiceLocator", True),
        ("page:WebContent/jsp/caseSearch.jsp", "calls", "java:gov.courts.cms.model.CaseRecord", True),
    }
    missing = expected - edges
    assert not missing, missing
    assert kinds["library:javax.ejb"] == "library" and kinds["url:WebContent/*.do"] == "url"
    assert kinds["bean:CaseManager"] == "bean" and kinds["page:WebContent/index.jsp"] == "page"
    # a call on a receiver of unknown type, guessed by its method name: the one class defining it
    assert ("java:Launcher", "calls", "java:gov.courts.cms.util.ServiceLocator", True) in edges
    guessed = [e for e in scan["edges"] if e["via"] == "method-name"]
    assert [(e["source"], e["target"], e["resolved"]) for e in guessed] == [
        ("java:gov.courts.cms.ejb.CaseManagerBean", "java:gov.courts.cms.service.HearingService", True)]
    # no edge is left pointing at an unresolved Java class that the scan defines under another id
    assert not [e for e in edges if e[2].startswith("class:gov.courts.cms.") and e[2][6:] in
                {c["name"] for c in scan["components"] if c["kind"] == "class"}]
