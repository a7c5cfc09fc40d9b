"""VB6/VBA extractor: exact facts per fixture, the shared VB statement parser, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scanning import edges_of, scan_dict

from legacy_lens.discover import discover
from legacy_lens.encoding import decode
from legacy_lens.extractors import vb6, vbcommon
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction
from legacy_lens.pipeline import process_file
from legacy_lens.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "vb6"
SPEC = language_by_name("vb6")

Refs = set[tuple[str, str, str, str, int, str, bool, str]]


def run(name: str) -> Extraction:
    return vb6.extract(decode((FIXTURES / name).read_bytes()).text, name, SPEC)


def refs(x: Extraction, optional: bool | None = None) -> Refs:
    return {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.optional, r.external)
            for r in x.references if optional is None or r.optional == optional}


def targets(x: Extraction) -> set[str]:
    return {r.target for r in x.references}


def defs(x: Extraction) -> set[tuple[str, str, int, int | None, str | None, str, str]]:
    return {(d.kind, d.name, d.line, d.end_line, d.parent, d.detail, d.scope) for d in x.definitions}


def codes(x: Extraction) -> set[tuple[str, str, int | None]]:
    return {(d.severity, d.code, d.line) for d in x.diagnostics}


def test_project_file() -> None:
    x = run("payroll/Payroll.vbp")
    p = "project:PAYROLLSYS"
    assert defs(x) == {("project", "PAYROLLSYS", 1, 31, None, "type=Exe; startup=Sub Main; exename32=PAYROLL.exe", "")}
    assert refs(x) == {
        (p, "contains", "form", "FRMMAIN", 8, "vbp", False, ""),
        (p, "contains", "form", "FRMLEGACY", 9, "vbp", False, ""),
        (p, "contains", "module", "MODMAIN", 10, "vbp", False, ""),
        (p, "contains", "module", "MODDB", 11, "vbp", False, ""),
        (p, "contains", "module", "MODTAXE", 12, "vbp", False, ""),
        (p, "contains", "class", "CLSEMPLOYEE", 13, "vbp", False, ""),
        (p, "contains", "class", "IPAYABLE", 14, "vbp", False, ""),
        (p, "contains", "class", "CLSCONTRACTOR", 15, "vbp", False, ""),
        (p, "contains", "class", "UCPAYGRID", 16, "vbp", False, ""),
        # stdole2.tlb (line 2), which every project references, is left out
        (p, "uses-com", "com", "Microsoft ActiveX Data Objects 2.8 Library", 3, "vbp-reference", False,
         "com:Microsoft ActiveX Data Objects 2.8 Library"),
        (p, "uses-com", "com", "Microsoft Scripting Runtime", 4, "vbp-reference", False,
         "com:Microsoft Scripting Runtime"),
        (p, "imports", "project", "SHAREDLIB", 5, "vbp-project-reference", False, ""),
        (p, "uses-com", "com", "MSCOMCTL.OCX", 6, "vbp-object", False, "com:MSCOMCTL.OCX"),
        (p, "uses-com", "com", "MSFLXGRD.OCX", 7, "vbp-object", False, "com:MSFLXGRD.OCX"),
    }
    assert codes(x) == {("warning", "VBP-LINE", 17)}
    assert x.parse.status == "line-parser" and x.parse.fallback_lines == 1 and x.parse.error_ratio == round(1 / 30, 4)
    # [MS Transaction Server] settings are not members
    assert not any(r.line == 31 for r in x.references)


def test_module_calls_natives_com_and_metrics() -> None:
    x = run("payroll/modMain.bas")
    m = "vb:MODMAIN"
    assert defs(x) == {
        ("module", "MODMAIN", 1, 99, None, "on_error_resume_next=1", ""),
        ("routine", "MODMAIN.MAIN", 24, 59, m, "Public Sub", ""),
        ("routine", "MODMAIN.LOGMESSAGE", 61, 77, m, "Public Sub", ""),
        ("routine", "MODMAIN.RETRY", 79, 88, m, "Private Sub", "file"),
        ("routine", "MODMAIN.ELAPSED", 90, 95, m, "Public Function", ""),
        ("routine", "MODMAIN.TIMERPROC", 97, 99, m, "Public Sub", ""),
    }
    assert refs(x, optional=False) == {
        (m, "uses-native", "dll", "KERNEL32", 8, "declare", False, "dll:KERNEL32"),  # #If VBA7 branch
        (m, "uses-native", "dll", "KERNEL32", 10, "declare", False, "dll:KERNEL32"),  # #Else branch
        (m, "uses-native", "dll", "USER32", 12, "declare", False, "dll:USER32"),
        (m, "uses-native", "dll", "KERNEL32", 13, "declare", False, "dll:KERNEL32"),
        (m, "uses-native", "dll", "PAYCALC32", 14, "declare", False, "dll:PAYCALC32"),  # a path, upper-cased
        (m, "calls", "class", "CLSEMPLOYEE", 25, "new", False, ""),  # Dim emp As New clsEmployee
        # InitDatabase "DSN=...", True: a call without parentheses to a routine of another module
        (m, "calls", "routine", "INITDATABASE", 31, "call-statement", False, ""),
        (m, "calls", "routine", "MODMAIN.LOGMESSAGE", 32, "call-statement", False, ""),  # Call LogMessage(...)
        (m, "calls", "routine", "MODMAIN.LOGMESSAGE", 33, "call-statement", False, ""),  # LogMessage "x", 2
        (m, "calls", "class", "CLSCONTRACTOR", 35, "new", False, ""),
        (m, "uses-com", "com", "Scripting.FileSystemObject", 38, "create-object", False,
         "com:Scripting.FileSystemObject"),
        (m, "uses-com", "com", "Excel.Application", 39, "get-object", False, "com:Excel.Application"),
        # a ProgID of no well-known library: a class of an ActiveX project in the scan, else external
        (m, "uses-com", "class", "TAXCALCULATOR", 40, "create-object", False, "com:PayrollLib.TaxCalculator"),
        (m, "calls", "routine", "MODMAIN.LOGMESSAGE", 41, "call-statement", False, ""),  # in a one-line If
        (m, "calls", "routine", "MODMAIN.LOGMESSAGE", 56, "call-statement", False, ""),
        (m, "calls", "routine", "MODMAIN.RETRY", 92, "call-statement", False, ""),
        (m, "calls", "routine", "MODMAIN.TIMERPROC", 94, "addressof", False, ""),
        (m, "calls", "routine", "MODMAIN.ELAPSED", 98, "call-expression", False, ""),
    }
    # Guesses that count only if they resolve: members of typed objects, Module.Routine, forms.
    assert refs(x, optional=True) == {
        (m, "calls", "routine", "CLSEMPLOYEE.NAME", 34, "object-call", True, ""),
        (m, "calls", "routine", "CLSEMPLOYEE.CALCULATE", 34, "object-call", True, ""),
        # Dim c As IPayable: Set c = New clsContractor -- the call goes through the interface
        (m, "calls", "routine", "IPAYABLE.PAY", 36, "object-call", True, ""),
        (m, "calls", "routine", "CLSEMPLOYEE.EXEMPT", 41, "object-call", True, ""),
        (m, "calls", "routine", "CLSEMPLOYEE.GRADE", 42, "object-call", True, ""),
        (m, "calls", "routine", "CLSEMPLOYEE.EXEMPT", 46, "object-call", True, ""),
        (m, "calls", "routine", "FRMMAIN.SHOW", 50, "qualified-call", True, ""),
        (m, "calls", "form", "FRMMAIN", 50, "form-reference", True, ""),
        (m, "calls", "form", "FRMLEGACY", 51, "form-reference", True, ""),  # Load frmLegacy
        (m, "calls", "routine", "MODDB.CLOSEDATABASE", 52, "qualified-call", True, ""),
        (m, "calls", "form", "MODDB", 52, "form-reference", True, ""),
    }
    # Builtins, constants, locals, labels and declared APIs never become references.
    assert not targets(x) & {"MSGBOX", "FORMAT", "FREEFILE", "NOW", "IIF", "CLNG", "ERR", "GETTICKCOUNT",
                             "MESSAGEBEEP", "COPYMEMORY", "PAYCALCNATIVE", "TOTAL", "FAILED", "CLEANUP", "EMP",
                             "VBMODAL", "PFMONTHLY", "APP", "DEBUG", "MSTARTED", "PRINT", "OPEN", "CLOSE"}
    ((owner, metrics),) = x.metrics
    assert owner == m
    # 1 + If, And, Or (line 41) + Case 1,2 + Case 3 To 5 + IIf + For + If + Do While + If (Retry); Case Else: 0
    assert metrics.complexity == 11
    assert metrics.max_nesting == 3  # For > If > Do
    assert metrics.goto_count == 2  # If ... Then GoTo 10, GoSub Cleanup; not On Error GoTo
    # the Attribute line is not code; the comment continued with " _" is a comment line
    assert (metrics.code_lines, metrics.comment_lines, metrics.blank_lines) == (85, 6, 8)
    assert x.lines.total == 99 and x.parse.error_ratio == 0.0 and not x.diagnostics


def test_ado_sql_crud_and_stored_procedures() -> None:
    x = run("payroll/modDb.bas")
    m = "vb:MODDB"
    crud = {(r.kind, r.target, r.line, r.detail) for r in x.references if r.via in ("ado-sql", "ado-stored-proc")}
    assert crud == {
        # SELECT built over a continued line and two appends (with vbCrLf); [Pay Grades] is one name
        ("reads", "EMPLOYEE", 18, "SQL SELECT"),
        ("reads", "PAY GRADES", 18, "SQL SELECT"),
        ("updates", "PAYRUN", 30, "SQL UPDATE"),
        ("deletes", "PAYRUNLOCK", 31, "SQL DELETE"),
        # a module Const used by cn.Execute: the line where the SQL is written
        ("writes", "DBO.AUDITLOG", 6, "SQL INSERT"),
        # .CommandText in a With block with adCmdStoredProc; EXEC in a string
        ("calls", "USP_CLOSEMONTH", 36, "schema=dbo"),
        ("calls", "USP_RECALCTOTALS", 39, ""),
        # DAO OpenRecordset of a bare table name
        ("reads", "TBLHOLIDAY", 47, "Openrecordset of a table"),
        # INSERT ... SELECT in a variable named like a query, passed to a helper routine
        ("writes", "LOCALHOLIDAY", 48, "SQL INSERT"),
        ("reads", "TBLHOLIDAY", 48, "SQL INSERT"),
    }
    # "Update failed: ..." is prose; "tblPayHistory_" & Year(Date) names a table only at run time
    assert not any("FAILED" in t or "PAYHISTORY" in t for t in targets(x))
    assert {(r.target, r.line) for r in x.references if r.kind == "uses-com"} == {
        ("ADODB.Connection", 10), ("ADODB.Recordset", 22), ("ADODB.Command", 28)}
    assert all(r.source == m for r in x.references)
    assert dict(x.metrics)[m].complexity == 3  # two one-line Ifs


def test_cp1252_module_with_accented_comments() -> None:
    raw = (FIXTURES / "payroll/modTaxe.bas").read_bytes()
    decoded = decode(raw)
    assert decoded.encoding == "cp1252"
    assert "à payer — écrit pour la paie française" in decoded.text
    x = vb6.extract(decoded.text, "payroll/modTaxe.bas", SPEC)
    assert {d.name for d in x.definitions} == {"MODTAXE", "MODTAXE.TAUXCOTISATION", "MODTAXE.NETAPAYER"}
    assert refs(x) == {
        ("vb:MODTAXE", "calls", "routine", "MODTAXE.TAUXCOTISATION", 15, "call-expression", False, ""),
        ("vb:MODTAXE", "calls", "routine", "LOGMESSAGE", 16, "call-statement", False, ""),
    }
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (11, 4, 2)
    assert x.parse.error_ratio == 0.0


def test_classes_interfaces_and_events() -> None:
    emp = run("payroll/Classes/clsEmployee.cls")
    c = "vb:CLSEMPLOYEE"
    # class members are reached through an object, never by bare name from another file: scope "file"
    assert {(d.name, d.detail, d.scope) for d in emp.definitions if d.kind == "routine"} == {
        ("CLSEMPLOYEE.NAME", "Public Property Get", "file"),
        ("CLSEMPLOYEE.NAME", "Public Property Let", "file"),
        ("CLSEMPLOYEE.GRADE", "Public Property Get", "file"),
        ("CLSEMPLOYEE.EXEMPT", "Public Property Get", "file"),
        ("CLSEMPLOYEE.CALCULATE", "Public Function", "file"),
        ("CLSEMPLOYEE.BASERATE", "Private Function", "file"),
        ("CLSEMPLOYEE.RESET", "Friend Sub", "file"),
        ("CLSEMPLOYEE.CLASS_INITIALIZE", "Private Sub", "file"),
    }
    # RaiseEvent is not a call; Calculate = ... inside Calculate is its return value
    assert refs(emp) == {
        (c, "calls", "routine", "CLSEMPLOYEE.BASERATE", 41, "call-expression", False, ""),
        (c, "calls", "routine", "NETAPAYER", 42, "call-expression", True, ""),
    }
    assert next(d for d in emp.definitions if d.kind == "class").component_id == c
    con = run("payroll/Classes/clsContractor.cls")
    k = "vb:CLSCONTRACTOR"
    assert refs(con) == {
        (k, "implements", "class", "IPAYABLE", 8, "implements", False, ""),
        (k, "implements", "class", "IOBJECTSAFETY", 9, "implements", False, ""),
        (k, "calls", "routine", "CLSEMPLOYEE.RESET", 16, "object-call", True, ""),  # Private WithEvents mEmp
        (k, "calls", "routine", "LOGMESSAGE", 24, "call-statement", False, ""),
    }


def test_form_controls_and_activex() -> None:
    x = run("payroll/Forms/frmMain.frm")
    f = "vb:FRMMAIN"
    assert {(d.name, d.line, d.detail) for d in x.definitions if d.kind == "control"} == {
        ("FRMMAIN.fraOptions", 9, "VB.Frame"),
        ("FRMMAIN.optFreq", 12, "VB.OptionButton"),  # a control array: one definition
        ("FRMMAIN.lvwEmployees", 21, "MSComctlLib.ListView"),
        ("FRMMAIN.grdPay", 29, "PayrollSys.ucPayGrid"),
        ("FRMMAIN.txtDept", 32, "VB.TextBox"),
        ("FRMMAIN.cmdLoad", 35, "VB.CommandButton"),
        ("FRMMAIN.cmdClose", 39, "VB.CommandButton"),
        ("FRMMAIN.mnuFile", 43, "VB.Menu"),
        ("FRMMAIN.mnuFileExit", 45, "VB.Menu"),
    }
    assert all(d.parent == f for d in x.definitions if d.kind in ("control", "routine"))
    assert refs(x) == {
        (f, "uses-com", "com", "MSComctlLib.ListView", 21, "form-control", False, "com:MSComctlLib.ListView"),
        # a user control of a project: the class UCPAYGRID when scanned, else the COM class
        (f, "uses-com", "class", "UCPAYGRID", 29, "form-control", False, "com:PayrollSys.ucPayGrid"),
        (f, "calls", "routine", "MODDB.LOADEMPLOYEES", 60, "qualified-call", True, ""),
        (f, "calls", "form", "MODDB", 60, "form-reference", True, ""),
        (f, "calls", "routine", "UCPAYGRID.REFRESH", 66, "object-call", True, ""),  # grdPay is a ucPayGrid
        (f, "calls", "routine", "FRMMAIN.SHOWTOTALS", 67, "me-call", False, ""),
        (f, "calls", "routine", "APP_TITLE", 71, "call-expression", True, ""),
        (f, "calls", "routine", "FRMMAIN.CMDCLOSE_CLICK", 79, "call-statement", False, ""),
    }
    m = dict(x.metrics)[f]
    # the designer block and Attribute lines are not code (counted as comment lines)
    assert (m.code_lines, m.comment_lines, m.blank_lines) == (22, 54, 4)


def test_binary_and_foreign_files_are_skipped_with_a_reason() -> None:
    legacy = run("payroll/Forms/frmLegacy.frm")
    assert codes(legacy) == {("warning", "VB6-BINARY-FORM", 1)}
    assert legacy.parse.status == "skipped" and not legacy.definitions and not legacy.references
    latex = run("odd/thesis.cls")
    sqlldr = run("odd/load_emp.ctl")
    assert codes(latex) == codes(sqlldr) == {("warning", "VB6-NOT-VB", 1)}
    assert latex.parse.status == sqlldr.parse.status == "skipped"


def test_binary_companions_never_reach_the_extractor(tmp_path: Path) -> None:
    """.frx and .ctx are never read (binary extensions); a NUL-filled VB3 form is found binary by content."""
    (tmp_path / "frmA.frx").write_bytes(b"\x00\x01lt\x00\x00" * 50)
    (tmp_path / "ucA.ctx").write_bytes(b"\x00\x00\x01\x02BM" * 100)
    (tmp_path / "frmOld.frm").write_bytes(b"\xfc\x03\x00\x00" + b"\x00\x07frmOld\x00" * 60)
    (tmp_path / "Proj.vbp").write_text("Type=Exe\nForm=frmOld.frm\n", encoding="utf-8")
    found = discover([tmp_path], Settings(jobs=1))
    assert {(u.path, u.reason) for u in found.unused} == {("frmA.frx", "binary-extension"),
                                                          ("ucA.ctx", "binary-extension")}
    assert {(c.path, c.language) for c in found.candidates} == {("frmOld.frm", "vb6"), ("Proj.vbp", "vb6")}
    old = next(c for c in found.candidates if c.path == "frmOld.frm")
    facts = process_file(old, Settings(jobs=1))
    assert facts.file.parse.status == "skipped"
    assert [d.code for d in facts.extraction.diagnostics] == ["BINARY-FILE"]


def test_broken_code_is_counted_not_dropped() -> None:
    x = run("odd/ugly.bas")
    assert codes(x) == {
        ("warning", "VB-STRUCTURE", 8),  # End If without If (reported once)
        ("warning", "VB-UNCLOSED", 10),  # If s = "" Then never closed before End Sub
        ("warning", "VB-UNCLOSED", 15),  # Function without End Function
    }
    # unterminated string, two unbalanced parentheses, End If, a backtick, the second End Sub
    assert x.parse.fallback_lines == 6 and x.parse.error_ratio == 0.4
    assert ("vb:UGLY", "calls", "routine", "BAZ", 12, "call-statement", False, "") in refs(x)
    assert {d.name: d.end_line for d in x.definitions if d.kind == "routine"} == {
        "UGLY.BROKEN": 13, "UGLY.NEVERCLOSED": 17}


def test_vba_document_module_and_designer() -> None:
    sheet = run("odd/Sheet1.cls")
    assert {(r.kind, r.target, r.optional) for r in sheet.references} == {
        ("calls", "SHEET1.REBUILDSUMMARY", False),
        ("uses-com", "ADODB.Connection", False),
        ("reads", "SALES$", False),  # an Excel sheet read through ADO: [Sales$]
    }
    report = run("odd/Report1.Dsr")
    assert {(d.kind, d.name) for d in report.definitions} == {
        ("class", "REPORT1"), ("routine", "REPORT1.DATAREPORT_INITIALIZE"), ("control", "REPORT1.Section1")}
    # a DataReport section known only by a CLSID is no COM edge
    assert not any(r.kind == "uses-com" for r in report.references)
    # a form instantiated with New: by the "frm" convention a form, not a class
    assert ("vb:REPORT1", "calls", "form", "FRMMAIN", 16, "new", False, "") in refs(report)


def test_scan_links_the_project() -> None:
    """End to end: what the linker resolves from these facts (bare cross-module names need linker support)."""
    edges = edges_of(scan_dict(FIXTURES))
    resolved = {(s, k, t) for s, k, t, _via, ok in edges if ok}
    assert {
        ("project:PAYROLLSYS", "contains", "vb:MODMAIN"),
        ("project:PAYROLLSYS", "contains", "vb:FRMMAIN"),
        ("project:PAYROLLSYS", "contains", "vb:UCPAYGRID"),
        ("vb:MODMAIN", "calls", "vb:MODDB"),  # modDb.CloseDatabase
        ("vb:MODMAIN", "calls", "vb:IPAYABLE"),  # c.Pay through the interface
        ("vb:MODMAIN", "calls", "vb:CLSEMPLOYEE"),
        ("vb:MODMAIN", "calls", "vb:FRMMAIN"),  # frmMain.Show
        ("vb:MODMAIN", "uses-native", "dll:KERNEL32"),
        ("vb:MODMAIN", "uses-com", "com:PayrollLib.TaxCalculator"),
        ("vb:CLSCONTRACTOR", "implements", "vb:IPAYABLE"),
        ("vb:FRMMAIN", "uses-com", "vb:UCPAYGRID"),
        ("vb:FRMMAIN", "calls", "vb:UCPAYGRID"),
        ("vb:REPORT1", "calls", "vb:MODDB"),
    } <= resolved
    unresolved = {(s, k, t) for s, k, t, _via, ok in edges if not ok}
    assert ("project:PAYROLLSYS", "contains", "form:FRMLEGACY") in unresolved  # the binary form
    assert ("vb:CLSCONTRACTOR", "implements", "class:IOBJECTSAFETY") in unresolved
    # optional guesses that resolve nowhere leave no edge
    assert not any(t.startswith(("routine:CLSEMPLOYEE.", "form:MODDB", "routine:APP_TITLE")) for _s, _k, t, _v, _o
                   in edges)


# -- the shared statement parser --------------------------------------------------------------------
def analyse(code: str, prefix: str = "M") -> vbcommon.Result:
    pieces = [vbcommon.Piece(i, s) for i, s in enumerate(code.split("\n"), 1)]
    return vbcommon.analyse(pieces, vbcommon.Context("m.bas", vbcommon.VB6, f"vb:{prefix}", prefix,
                                                     module_names=(prefix,)))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # calls without parentheses, with named arguments, on a continued line
        ("Sub A(x, z)\n  Foo x, y:=2, _\n    z\nEnd Sub", {("FOO", 2, False)}),
        # a one-line If with Else and a nested one-line If
        ("Sub A()\n  If p Then B 1 Else If c Then D\nEnd Sub", {("B", 2, False), ("D", 2, False),
                                                              ("P", 2, True), ("C", 2, True)}),
        # an array or a function: a guess; a bang lookup is not a call; obj.Prop may be Module.Routine
        # or a form's member (VB6): guesses too
        ("Sub A()\n  x = Arr(1) + rs!Total + obj.Prop\nEnd Sub", {("ARR", 2, True), ("RS", 2, True),
                                                                  ("OBJ.PROP", 2, True), ("OBJ", 2, True)}),
        # a label, a line number, Rem after a colon, GoTo targets are not calls
        ("Sub A()\nTop: x = 1: Rem Top is a label\n100 GoTo Top\nEnd Sub", set()),
        # a Sub named like a statement keyword
        ("Private Sub Load()\nEnd Sub\nSub B()\n  Load\nEnd Sub", {("M.LOAD", 4, False)}),
        # New of a class, of a form (the frm convention), of a COM class by its short name
        ("Sub A()\n  Set c = New clsOrder: Set f = New frmEdit: Set r = New Recordset\nEnd Sub",
         {("CLSORDER", 2, False), ("FRMEDIT", 2, False)}),
        # strings with "" and ' inside are no comment; the call after them counts
        ('Sub A()\n  s = "it\'s ""quoted""" : Bar s\nEnd Sub', {("BAR", 2, False)}),
    ],
)
def test_statement_forms(code: str, expected: set[tuple[str, int, bool]]) -> None:
    res = analyse(code)
    assert {(r.target, r.line, r.optional) for r in res.references if r.kind == "calls"} == expected
    assert not res.unclassified


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('conn.Execute "DELETE * FROM Temp"', {("deletes", "TEMP")}),
        ('Set rs = db.OpenRecordset("SELECT [Order ID] FROM [Order Details] WHERE x = 1")',
         {("reads", "ORDER DETAILS")}),
        ('Set rs = GetRs("SELECT COUNT(*) FROM Orders")', {("reads", "ORDERS")}),  # strong shape: any call
        ('MsgBox "Select one item from the list"', set()),  # prose
        ('Set m = wmi.ExecQuery("SELECT * FROM Win32_Service")', set()),  # WQL, not SQL
        ('http.Open "GET", url, False', set()),  # XMLHTTP, not a table
        ('Set ms = re.Execute("abc")', set()),
        ('cmd.CommandText = "{call usp_Post(?, ?)}"', {("calls", "USP_POST")}),
    ],
)
def test_sql_recognition(sql: str, expected: set[tuple[str, str]]) -> None:
    res = analyse(f"Sub A()\n  Dim re As New RegExp\n  {sql}\nEnd Sub")
    assert {(r.kind, r.target) for r in res.references if r.target_kind in ("table", "procedure")} == expected


def test_strong_sql_regexes_are_linear() -> None:
    import time

    text = "SELECT " + "a " * 20000 + "x"
    started = time.perf_counter()
    assert not vbcommon.strong_sql(text)
    vbcommon.sql_tables(text)
    assert time.perf_counter() - started < 1.0


GARBAGE = [
    "",
    "\n\n\n",
    "VERSION 5.00\nBegin VB.Form f\n   Begin VB.CommandButton c\n",  # designer never closed
    "Attribute VB_Name = \"\x00\x01\"\nSub",
    "Sub A(\nEnd Sub",
    'x = "' + "a" * 50000,
    "If If If Then Then Else Else",
    "Call\nCall .\nSet = \nEnd\nEnd Sub\nEnd If\nNext\nLoop\nWend\nCase 1",
    "_\n _\n" * 100,
    "Public Function F(ByVal a As New, Optional b = (1, c() As) As\n",
    "Dim a(1 To 10, ), b As New, c As\nReDim Preserve\nConst = 1",
    "Declare Function X Lib\nDeclare Sub Lib \"\"\nImplements\nImplements .",
    "Class C\nSub S\nEnd Class\nEnd Sub",
    "With\n.x = 1\n!y = 2\nEnd With\nEnd With",
    "#If\n#\n#End\nType\nEnd Type\nEnum E\n  A = (\nEnd Enum",
    "sql = sql & sql & sql\nconn.Execute sql & \"SELECT * FROM \" & (",
    "a" * 100000,
    "(((((((((((((((((((((((((((((((((((((((((x" * 100,
    "Set x = CreateObject(\nSet y = GetObject(, )\nz = New\n",
]


@pytest.mark.parametrize("text", GARBAGE)
@pytest.mark.parametrize("name", ["g.bas", "g.cls", "g.frm", "g.ctl", "g.vbp"])
def test_never_raises_on_garbage(text: str, name: str) -> None:
    x = vb6.extract(text, f"bad/{name}", SPEC)
    assert x.parse.status in ("line-parser", "skipped")
    assert all(d.code != "VB6-INTERNAL" for d in x.diagnostics)
    assert x.lines.total == len(text.splitlines())


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Sub EndIfThen()\"':._&#!=\n\r\tabcxyz019 CallSetNewDim$%")),
               max_size=400))
def test_never_raises_on_vb_like_noise(text: str) -> None:
    x = vb6.extract(text, "fuzz/f.bas", SPEC)
    assert all(d.code != "VB6-INTERNAL" for d in x.diagnostics)
    assert 0.0 <= x.parse.error_ratio <= 1.0


def test_sniff_patterns() -> None:
    assert any(p.search('Attribute VB_Name = "modX"\r\n') for p in SPEC.sniff)
    assert any(p.search("VERSION 1.0 CLASS\r\nBEGIN\r\n") for p in SPEC.sniff)
    assert any(p.search("Type=OleDll\r\nClass=a; a.cls\r\n") for p in SPEC.sniff)
    assert not any(p.search("\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesClass{x}") for p in SPEC.sniff)
    assert not any(p.search("LOAD DATA\nINFILE 'x.csv'") for p in SPEC.sniff)
