"""VB.NET extractor and .vbproj projects: modules, classes, Declare, SQL, COM; line reader where the grammar fails."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from scanning import edges_of, scan_dict

from legacy_lens.encoding import decode
from legacy_lens.extractors import vbnet
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "vbnet"
SPEC = language_by_name("vbnet")
FORM = "dotnet:Payroll.UI.EmployeeForm"
MODULE = "dotnet:PayrollModule"


def run(name: str) -> Extraction:
    return vbnet.extract(decode((FIXTURES / name).read_bytes()).text, name, SPEC)


def refs(x: Extraction, source: str | None = None) -> set[tuple[str, str, str, int, str]]:
    return {(r.kind, r.target_kind, r.target, r.line, r.via) for r in x.references
            if source is None or r.source == source}


def test_module_declare_sql_and_com() -> None:
    x = run("Payroll/PayrollModule.vb")
    assert [(d.kind, d.name, d.detail) for d in x.definitions if d.kind == "class"] == [
        ("class", "PayrollModule", "module")]
    methods = {d.name for d in x.definitions if d.kind == "method"}
    assert methods == {"GetTickCount", "PrintCheck", "LoadRates", "ExportToExcel", "Nightly"}
    r = refs(x, MODULE)
    assert ("uses-native", "dll", "KERNEL32", 9, "vbnet-declare") in r  # the grammar rejects Declare
    assert ("uses-native", "dll", "CHKPRINT", 10, "vbnet-declare") in r
    assert [n.detail for n in x.references if n.target == "CHKPRINT"] == ["PrintCheckA"]  # the Alias
    assert ("reads", "table", "PAY_RATES", 13, "vbnet-sql") in r  # Dim sql = ...; sql &= ...; sql = sql & ...
    assert ("calls", "procedure", "USP_CLOSEMONTH", 35, "vbnet-command") in r
    assert ("uses-com", "com", "Excel.Application", 23, "vbnet-progid") in r
    assert ("uses-com", "com", "Shell.Application", 24, "vbnet-progid") in r  # GetObject(, "...")
    assert ("calls", "class", "OleDbDataAdapter", 18, "vbnet-receiver") in r  # Dim da As New ...: da.Fill
    libs = {n.target for n in x.references if n.target_kind == "library"}
    assert libs == {"System.Data", "System.Data.OleDb", "Microsoft.Office.Interop.Excel"}  # the alias Xl too
    assert dict(x.metrics)[MODULE].complexity == 4  # For Each, If, OrElse, Case 1 To 5
    assert x.lines.comment == 2  # the ' line and the REM line


def test_class_inherits_implements_and_sql() -> None:
    x = run("Payroll/EmployeeForm.vb")
    types = {(d.name, d.detail) for d in x.definitions if d.kind == "class"}
    assert types == {("Payroll.UI.EmployeeForm", "class"), ("Payroll.UI.EmployeeForm.Row", "class"),
                     ("Payroll.UI.IAuditable", "interface"), ("Payroll.UI.PayGrade", "enum")}
    r = refs(x, FORM)
    assert ("extends", "class", "System.Windows.Forms.Form", 7, "vbnet-base") in r
    assert ("implements", "class", "IAuditable", 8, "vbnet-base") in r
    assert not any(k == "implements" and line == 36 for k, _, _, line, _ in r)  # member "Implements IAuditable.X"
    assert ("uses-native", "dll", "USER32", 13, "vbnet-dllimport") in r
    assert ("updates", "table", "EMPLOYEE", 23, "vbnet-command") in r
    assert ("writes", "table", "AUDIT_TRAIL", 27, "vbnet-sql") in r  # "..." & _ continued on the next line
    assert ("calls", "class", "EmployeeRepository", 26, "vbnet-receiver") in r  # a field, case-insensitive
    ext = next(n for n in x.references if n.kind == "implements" and n.target == "IAuditable")
    assert ext.candidates[:2] == ("Payroll.UI.EmployeeForm.IAuditable", "Payroll.UI.IAuditable")


def test_project_and_ugly_files() -> None:
    p = run("Payroll/Payroll.vbproj")
    assert [(d.kind, d.name) for d in p.definitions] == [("project", "CountyPayroll")]
    r = {(n.kind, n.target, n.detail) for n in p.references}
    assert ("imports", "Microsoft.Office.Interop.Excel", "version=12.0.0.0") in r
    assert ("imports", "Microsoft.VisualBasic", "project-wide Imports") in r
    assert ("imports", "Payroll.Data", "..\\Payroll.Data\\Payroll.Data.vbproj") in r
    contains = {(n.target, n.candidates) for n in p.references if n.kind == "contains"}
    assert contains == {("PayrollModule", ("Payroll.PayrollModule",)), ("EmployeeForm", ("Payroll.EmployeeForm",))}
    b = run("ugly/Broken.vb")
    assert b.parse.status == "failed" and b.parse.fallback_lines == 8
    assert [(d.kind, d.name, d.line, d.end_line) for d in b.definitions if d.kind == "class"] == [
        ("class", "Half", 1, 8)]  # found line by line
    assert refs(b) == {("uses-native", "dll", "OLDLIB", 7, "vbnet-declare"),
                       ("uses-com", "com", "Word.Application", 3, "vbnet-fallback"),
                       ("reads", "table", "ORPHAN_TABLE", 4, "vbnet-fallback")}
    assert run("ugly/Empty.vb").definitions == ()


def test_fixture_estate_links(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "Payroll", tmp_path / "Payroll")
    edges = edges_of(scan_dict(tmp_path))
    # the root namespace is not written in the .vb files: the file-name guess finds the type by its own name
    assert ("project:CountyPayroll", "contains", MODULE, "vbnet-project", True) in edges
    assert (FORM, "implements", "dotnet:Payroll.UI.IAuditable", "vbnet-base", True) in edges
    assert (MODULE, "uses-native", "dll:KERNEL32", "vbnet-declare", True) in edges
    assert (MODULE, "uses-com", "com:Excel.Application", "vbnet-progid", True) in edges
    assert (FORM, "updates", "table:EMPLOYEE", "vbnet-command", False) in edges
    assert ("project:CountyPayroll", "imports", "library:System.Data", "vbnet-project", True) in edges


@pytest.mark.parametrize("seed", range(5))
def test_never_raises_on_garbage(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["Class A", "End Class", "Module M", "End Module", "Sub S(", ")", "End Sub", '"', '""', "& _\n",
              "Declare Function F Lib ", '"k.dll"', "Dim x As New ", "T(", "CreateObject(", "'", "REM ", "\n",
              "SELECT * FROM T", "Namespace", "x" * 3000, "\x00", "\ufffd", "<DllImport(", ")>"]
    text = "".join(rng.choice(pieces) for _ in range(400))
    for name in ("a.vb", "a.vbproj"):
        x = vbnet.extract(text, name, SPEC)
        assert x.parse.status in ("ok", "partial", "failed", "line-parser")
