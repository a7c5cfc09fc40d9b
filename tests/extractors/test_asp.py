"""Classic ASP / VBScript extractor: pages, includes, server objects, scripts, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scanning import edges_of, scan_dict

from legacy_lens.encoding import decode
from legacy_lens.extractors import asp
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "asp"
SPEC = language_by_name("asp")


def run(name: str) -> Extraction:
    return asp.extract(decode((FIXTURES / name).read_bytes()).text, name, SPEC)


def refs(x: Extraction, optional: bool | None = None) -> set[tuple[str, str, str, int, str, str]]:
    return {(r.kind, r.target_kind, r.target, r.line, r.via, r.external)
            for r in x.references if optional is None or r.optional == optional}


def codes(x: Extraction) -> set[tuple[str, str, int | None]]:
    return {(d.severity, d.code, d.line) for d in x.diagnostics}


def test_page_with_includes_ado_and_blocks_spanning_markup() -> None:
    x = run("site/default.asp")
    page = "page:site/default.asp"
    assert {(d.kind, d.name, d.line, d.end_line, d.parent, d.detail) for d in x.definitions} == {
        ("page", "site/default.asp", 1, 42, None, "on_error_resume_next=1"),
        ("routine", "site/default.asp.FORMATNAME", 37, 39, page, "Function"),
    }
    assert all(r.source == page for r in x.references)
    assert refs(x, optional=False) == {
        ("includes", "page", "site/inc/db.asp", 3, "asp-include-file", ""),
        ("includes", "page", "/intranet/inc/header.inc", 4, "asp-include-virtual", ""),
        ("calls", "routine", "OPENCONNECTION", 12, "call-statement", ""),
        ("uses-com", "com", "ADODB.Recordset", 16, "create-object", "com:ADODB.Recordset"),
        ("reads", "table", "ORDERS", 13, "ado-sql", ""),  # built over three statements
        ("reads", "table", "CUSTOMERS", 13, "ado-sql", ""),
        ("calls", "routine", "site/default.asp.FORMATNAME", 27, "call-expression", ""),  # inside <%= %>
        ("calls", "page", "site/footer.asp", 34, "server-execute", ""),
        ("calls", "routine", "CLOSECONNECTION", 35, "call-statement", ""),
    }
    by_target = {r.target: r for r in x.references}
    # a bare call is looked up first in the files this page includes
    assert by_target["OPENCONNECTION"].candidates[0] == "site/inc/db.asp.OPENCONNECTION"
    # virtual= is relative to the web root: the candidates are that path under each folder above the
    # page, longest suffix first (the /intranet virtual directory is not a folder)
    assert by_target["/intranet/inc/header.inc"].candidates[:4] == (
        "site/intranet/inc/header.inc", "intranet/inc/header.inc", "site/inc/header.inc", "inc/header.inc")
    ((owner, m),) = x.metrics
    assert owner == page
    # If rs.EOF / Do While spanning markup nest: If custId = 0, If rs.EOF, Do While
    assert (m.complexity, m.max_nesting) == (4, 2)
    # markup lines are not code: they count as comment lines, like the ' comment
    assert (m.code_lines, m.comment_lines, m.blank_lines) == (31, 9, 2)
    assert x.parse.error_ratio == 0.0 and not x.diagnostics


def test_include_file_with_a_vbscript_class() -> None:
    x = run("site/inc/db.asp")
    assert {(d.kind, d.name, d.parent, d.scope) for d in x.definitions} == {
        ("page", "site/inc/db.asp", None, ""),
        ("routine", "site/inc/db.asp.OPENCONNECTION", "page:site/inc/db.asp", ""),
        ("routine", "site/inc/db.asp.CLOSECONNECTION", "page:site/inc/db.asp", ""),
        ("routine", "site/inc/db.asp.GETRECORDSET", "page:site/inc/db.asp", ""),
        ("class", "CLSPAGER", None, ""),
        ("routine", "CLSPAGER.PAGESIZE", "vb:CLSPAGER", "file"),
        ("routine", "CLSPAGER.RENDER", "vb:CLSPAGER", "file"),
        ("routine", "CLSPAGER.CLASS_INITIALIZE", "vb:CLSPAGER", "file"),
    }
    assert next(d for d in x.definitions if d.kind == "class").component_id == "vb:CLSPAGER"
    metrics = dict(x.metrics)
    # the class's lines count for the class, not also for the page
    assert metrics["vb:CLSPAGER"].code_lines == 15 and metrics["page:site/inc/db.asp"].code_lines == 17
    assert metrics["vb:CLSPAGER"].complexity == 2  # the For in Render
    assert x.lines.code == 32


def test_server_objects_script_blocks_and_stored_procedures() -> None:
    x = run("site/orders/list.asp")
    assert refs(x, optional=False) == {
        ("includes", "page", "/inc/db.asp", 2, "asp-include-virtual", ""),
        ("includes", "page", "site/inc/missing.asp", 3, "asp-include-file", ""),
        ("uses-com", "com", "MSWC.BrowserType", 4, "object-tag", "com:MSWC.BrowserType"),
        ("uses-com", "com", "ADODB.Command", 8, "create-object", "com:ADODB.Command"),
        ("calls", "procedure", "USP_SAVEORDER", 10, "ado-stored-proc", ""),
        ("writes", "table", "ORDERAUDIT", 14, "ado-sql", ""),
        # in the JScript block: only CreateObject is read
        ("uses-com", "com", "Scripting.Dictionary", 19, "create-object", "com:Scripting.Dictionary"),
        ("calls", "routine", "OPENCONNECTION", 29, "call-statement", ""),
        ("calls", "routine", "site/orders/list.asp.SAVEORDER", 32, "call-statement", ""),
        ("updates", "table", "ORDERS", 34, "ado-sql", ""),
        ("deletes", "table", "ORDERLINES", 35, "ado-sql", ""),
        ("reads", "table", "ORDERS", 37, "ado-sql", ""),  # SQL passed to a function of the include
        ("calls", "class", "CLSPAGER", 38, "new", ""),
        ("calls", "page", "/orders/done.asp", 41, "server-transfer", ""),
    }
    assert {(t, ln) for _k, _tk, t, ln, _v, _e in refs(x, optional=True)} == {
        ("CONN", 9), ("GETRECORDSET", 37), ("CLSPAGER.PAGESIZE", 39), ("CLSPAGER.RENDER", 40)}
    # the JScript function's four lines are code the parser could not read
    assert codes(x) == {("info", "ASP-FOREIGN-SCRIPT", None)}
    assert x.parse.fallback_lines == 4 and x.parse.error_ratio == 0.1


def test_global_asa_objects_and_type_library() -> None:
    x = run("site/global.asa")
    assert refs(x) == {
        ("uses-com", "com", "MSADO15.DLL", 1, "metadata-typelib", "com:MSADO15.DLL"),
        ("uses-com", "com", "MSWC.Counters", 2, "object-tag", "com:MSWC.Counters"),
        # an ActiveX DLL of the estate's own: the class CART when its VB6 project is scanned
        ("uses-com", "class", "CART", 13, "create-object", "com:Shop.Cart"),
    }
    assert {d.name for d in x.definitions if d.kind == "routine"} == {
        "site/global.asa.APPLICATION_ONSTART", "site/global.asa.SESSION_ONSTART"}


def test_include_without_server_code_and_nested_include() -> None:
    header = run("site/inc/header.inc")
    assert refs(header) == {("includes", "page", "site/inc/menu.inc", 3, "asp-include-file", "")}
    menu = run("site/inc/menu.inc")
    assert codes(menu) == {("info", "ASP-NO-SERVER-CODE", None)}
    assert (menu.lines.code, menu.lines.comment) == (0, 4)


def test_broken_page() -> None:
    x = run("site/ugly.asp")
    assert codes(x) == {
        ("warning", "ASP-INCLUDE-SYNTAX", 2),  # empty path
        ("warning", "ASP-INCLUDE-SYNTAX", 3),  # fiel=
        ("warning", "ASP-UNTERMINATED", 10),
        ("warning", "VB-UNCLOSED", 7),  # <% If x Then %> never closed
    }
    assert x.parse.fallback_lines == 3  # unterminated string, two unbalanced parentheses
    assert not any(r.kind == "includes" for r in x.references)


def test_vbscript_file() -> None:
    x = run("scripts/nightly.vbs")
    s = "script:scripts/nightly.vbs"
    assert {(d.kind, d.name) for d in x.definitions} == {
        ("script", "scripts/nightly.vbs"), ("routine", "scripts/nightly.vbs.ARCHIVEORDERS"),
        ("routine", "scripts/nightly.vbs.LOG")}
    assert all(r.source == s for r in x.references)
    assert refs(x) == {
        ("uses-com", "com", "WScript.Shell", 5, "create-object", "com:WScript.Shell"),
        ("uses-com", "com", "Scripting.FileSystemObject", 6, "create-object", "com:Scripting.FileSystemObject"),
        ("uses-com", "com", "ADODB.Connection", 7, "create-object", "com:ADODB.Connection"),
        ("calls", "routine", "scripts/nightly.vbs.ARCHIVEORDERS", 11, "call-statement", ""),
        ("uses-com", "com", "winmgmts", 12, "get-object", "com:winmgmts"),  # GetObject("winmgmts:...")
        ("calls", "routine", "scripts/nightly.vbs.LOG", 14, "call-statement", ""),
        ("writes", "table", "ORDERSARCHIVE", 20, "ado-sql", ""),
        ("reads", "table", "ORDERS", 20, "ado-sql", ""),
        ("deletes", "table", "ORDERS", 22, "ado-sql", ""),
        ("calls", "routine", "scripts/nightly.vbs.LOG", 23, "call-statement", ""),
    }
    # the WQL "SELECT * FROM Win32_LogicalDisk" of wmi.ExecQuery is no table
    assert x.lines.total == 31 and x.parse.error_ratio == 0.0


def test_windows_script_file() -> None:
    x = run("scripts/jobs.wsf")
    assert refs(x) == {
        ("includes", "script", "scripts/nightly.vbs", 6, "asp-include-src", ""),
        ("uses-com", "com", "ADODB.Connection", 4, "wsf-reference", "com:ADODB.Connection"),
        ("uses-com", "com", "WScript.Network", 5, "object-tag", "com:WScript.Network"),
        ("calls", "routine", "scripts/jobs.wsf.NOTIFY", 12, "call-statement", ""),
    }
    assert codes(x) == {("info", "ASP-FOREIGN-SCRIPT", None)}
    assert x.parse.fallback_lines == 1


def test_scan_links_pages_includes_and_classes() -> None:
    edges = edges_of(scan_dict(FIXTURES))
    resolved = {(s, k, t) for s, k, t, _via, ok in edges if ok}
    assert {
        ("page:site/default.asp", "includes", "page:site/inc/db.asp"),
        ("page:site/default.asp", "includes", "page:site/inc/header.inc"),  # virtual, vdir /intranet
        ("page:site/orders/list.asp", "includes", "page:site/inc/db.asp"),  # virtual from a sub-folder
        ("page:site/inc/header.inc", "includes", "page:site/inc/menu.inc"),
        ("page:site/default.asp", "calls", "page:site/footer.asp"),
        # OpenConnection, GetRecordset: routines of the included db.asp, found through the candidates
        ("page:site/default.asp", "calls", "page:site/inc/db.asp"),
        ("page:site/orders/list.asp", "calls", "page:site/inc/db.asp"),
        ("page:site/orders/list.asp", "calls", "vb:CLSPAGER"),  # New clsPager, pager.Render
        ("page:site/global.asa", "uses-com", "com:Shop.Cart"),
        ("script:scripts/jobs.wsf", "includes", "script:scripts/nightly.vbs"),
    } <= resolved
    unresolved = {(s, k, t) for s, k, t, _via, ok in edges if not ok}
    assert ("page:site/orders/list.asp", "includes", "page:site/inc/missing.asp") in unresolved
    assert ("page:site/orders/list.asp", "calls", "page:/orders/done.asp") not in resolved


@pytest.mark.parametrize(
    ("text", "detected"),
    [
        ('<%@ LANGUAGE="VBSCRIPT" CODEPAGE=1252 %>\n<html>', True),
        ('<html>\n<!-- #include virtual="/inc/top.inc" -->', True),
        ("<p><% Dim n\n n = 1 %></p>", True),
        ('<script language="VBScript" runat="server">\nSub A\nEnd Sub\n</script>', True),
        ('<%@ Page Language="VB" %>\n<% Dim n %>', False),  # ASP.NET
        ("<% if @user %>\n<% end %>", False),  # ERB
        ("      INCLUDE 'COMMON.INC'\n      COMMON /BLK/ A, B\n", False),  # a Fortran include
        ("DCL 1 REC, 2 A FIXED BIN(31);", False),  # a PL/I include
    ],
)
def test_content_sniff(text: str, detected: bool) -> None:
    assert any(p.search(text) for p in SPEC.sniff) is detected


def test_non_asp_inc_is_reported() -> None:
    x = asp.extract("      COMMON /BLK/ A, B\n      INTEGER N\n", "src/blk.inc", SPEC)
    assert codes(x) == {("info", "ASP-NO-SERVER-CODE", None)}
    assert x.lines.code == 0 and not x.definitions[1:] and not x.references


GARBAGE = [
    "",
    "<%",
    "%>",
    "<%@",
    "<%=",
    "<!--#include",
    "<!--#include file=",
    '<!--#include virtual="/../../../../etc/passwd"-->',
    "<script runat=server>",
    "<script runat=server language=vbscript>Sub X(",
    "<object runat=server progid=>",
    "<![CDATA[ <% ]]> %>",
    "<%" * 5000,
    "<% x = \"" + "a" * 50000,
    "<" * 20000,
    "<!--" * 3000,
    "<% Class C %><% Class D %><% End Class %>",
    "<script language=\"VBScript\" src=\"\" />",
    "\x00\x01<%\x02 %>",
]


@pytest.mark.parametrize("text", GARBAGE)
@pytest.mark.parametrize("name", ["g.asp", "g.inc", "g.vbs", "g.wsf", "g.asa"])
def test_never_raises_on_garbage(text: str, name: str) -> None:
    x = asp.extract(text, f"bad/{name}", SPEC)
    assert x.parse.status == "line-parser"
    assert all(d.code != "ASP-INTERNAL" for d in x.diagnostics)
    assert x.lines.total == len(text.splitlines())


def test_include_outside_the_scan_root() -> None:
    x = asp.extract('<!--#include file="../../shared/x.asp"-->', "app/p.asp", SPEC)
    assert {r.target for r in x.references} == {"../shared/x.asp"}
    assert codes(x) == {("info", "ASP-INCLUDE-OUTSIDE", 1)}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<%>=@!-#\"' \n/abcSubEndIf()&.:runat=serverscriptinclude")),
               max_size=400))
def test_never_raises_on_markup_noise(text: str) -> None:
    x = asp.extract(text, "fuzz/f.asp", SPEC)
    assert all(d.code != "ASP-INTERNAL" for d in x.diagnostics)
    assert x.lines.total == len(text.splitlines())
