"""C# extractor and MSBuild projects: types, hints for resolution, SQL, interop; cross-file linking."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from scanning import edges_of, scan_dict

from legacy_lens.encoding import decode
from legacy_lens.extractors import csharp, dotnet
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csharp"
SPEC = language_by_name("csharp")
SERVICE = "dotnet:Acme.Billing.Services.InvoiceService"


def run(name: str) -> Extraction:
    return csharp.extract(decode((FIXTURES / name).read_bytes()).text, name, SPEC)


def refs(x: Extraction, source: str | None = None) -> set[tuple[str, str, str, int, str]]:
    return {(r.kind, r.target_kind, r.target, r.line, r.via) for r in x.references
            if source is None or r.source == source}


def test_types_namespaces_and_members() -> None:
    x = run("Acme.Billing/Services/InvoiceService.cs")
    types = {(d.name, d.detail, d.id) for d in x.definitions if d.kind == "class"}
    assert types == {
        ("Acme.Billing.Services.IInvoiceService", "interface", "dotnet:Acme.Billing.Services.IInvoiceService"),
        ("Acme.Billing.Services.InvoiceService", "class partial", SERVICE),
        ("Acme.Billing.Services.InvoiceService.Batch", "class", f"{SERVICE}.Batch"),
        ("Acme.Billing.Services.IExcelApplication", "interface", "dotnet:Acme.Billing.Services.IExcelApplication"),
        ("Acme.Billing.Services.InvoiceState", "enum", "dotnet:Acme.Billing.Services.InvoiceState"),
        ("Acme.Billing.Services.Money", "struct", "dotnet:Acme.Billing.Services.Money"),
    }
    methods = {(d.name, d.parent, d.detail) for d in x.definitions if d.kind == "method"}
    assert ("InvoiceService", SERVICE, "constructor") in methods
    assert ("Printer", SERVICE, "property") in methods
    assert ("Beep", SERVICE, "extern") in methods
    assert ("Describe", f"{SERVICE}.Batch", "") in methods
    metrics = dict(x.metrics)
    assert metrics[SERVICE].complexity == 9  # if, && , ||, ?:, foreach, 3 switch sections, plus 1
    assert metrics[f"{SERVICE}.Batch"].code_lines == 5  # the nested class's lines are its own
    r = run("Acme.Billing/Data/InvoiceRepository.cs")
    assert {d.name for d in r.definitions if d.kind == "class"} == {
        "Acme.Billing.Data.Invoice", "Acme.Billing.Data.InvoiceRepository", "Acme.Billing.Data.InvoiceMapper"}


def test_bases_calls_and_type_uses_carry_candidates() -> None:
    x = run("Acme.Billing/Services/InvoiceService.cs")
    by = {(r.kind, r.target, r.via): r for r in x.references if r.source == SERVICE}
    ext = by[("extends", "ServiceBase", "csharp-base")]
    assert ext.optional and ext.candidates[:2] == ("Acme.Billing.Services.InvoiceService.ServiceBase",
                                                   "Acme.Billing.Services.ServiceBase")
    assert "Acme.Billing.Data.ServiceBase" in ext.candidates  # from "using Acme.Billing.Data;"
    assert not any(c.startswith("System.") for c in ext.candidates)  # platform namespaces are not the scan's
    assert ("implements", "IInvoiceService", "csharp-base") in by
    details = {r.detail for r in x.references if r.via == "csharp-receiver" and r.target == "InvoiceRepository"}
    assert details == {"InvoiceRepository.MarkPosted", "InvoiceRepository.Older"}
    assert by[("calls", "InvoiceMapper", "csharp-static")].detail == "InvoiceMapper.FromRecord"
    assert ("calls", "Acme.Common.Logging.AuditLog", "csharp-static") in by  # through the alias Log
    assert ("imports", "PrintQueue", "csharp-type") in by
    iface = [r for r in x.references if r.source == "dotnet:Acme.Billing.Services.IInvoiceService"]
    assert any(r.kind == "extends" and r.target == "IDisposable" for r in iface)  # an interface extends


def test_sql_procedures_native_and_com() -> None:
    x = run("Acme.Billing/Services/InvoiceService.cs")
    r = refs(x, SERVICE)
    assert ("reads", "table", "DBO.INVOICE", 42, "csharp-command") in r
    assert ("calls", "procedure", "USP_POSTINVOICE", 54, "csharp-command") in r
    assert ("deletes", "table", "DBO.INVOICELINE", 68, "csharp-sql") in r  # StringBuilder pieces, T-SQL brackets
    assert ("writes", "table", "AUDIT", 70, "csharp-sql") in r  # string audit = ...; audit += ...
    assert ("uses-native", "dll", "KERNEL32", 27, "csharp-dllimport") in r
    assert ("uses-native", "dll", "LEDGER32", 30, "csharp-dllimport") in r  # the const LedgerDll
    assert ("uses-com", "com", "Excel.Application", 86, "csharp-progid") in r
    assert ("uses-com", "com", "{000208D5-0000-0000-C000-000000000046}", 98, "csharp-comimport") in refs(x)
    assert ("reads", "table", "BATCH", 94, "csharp-sql") in refs(x)  # an interpolated string
    libs = {r.target for r in x.references if r.kind == "imports" and r.target_kind == "library"}
    assert libs == {"System", "System.Data", "System.Data.SqlClient", "System.Runtime.InteropServices",
                    "System.ServiceProcess", "System.Text"}  # Acme.* is the scan's own: no library node
    d = run("Acme.Billing/Data/InvoiceRepository.cs")
    assert ("updates", "table", "INVOICE", 17, "csharp-command") in refs(d)  # Dapper Execute, verbatim string
    assert ("calls", "procedure", "USP_OLDERINVOICES", 24, "csharp-command") in refs(d)  # commandType: ...


def test_projects_old_style_and_sdk_style() -> None:
    x = run("Acme.Billing/Acme.Billing.csproj")
    assert [(d.kind, d.name, d.detail) for d in x.definitions] == [
        ("project", "Acme.Billing", "style=legacy OutputType=WinExe TargetFrameworkVersion=v4.0")]
    r = {(r.kind, r.target_kind, r.target, r.detail, r.external) for r in x.references}
    assert ("imports", "library", "Dapper", "version=1.50.2.0", "library:Dapper") in r
    assert ("imports", "project", "Acme.Common", "..\\Acme.Common\\Acme.Common.csproj", "") in r
    assert ("uses-com", "com", "Excel", "guid={00020813-0000-0000-C000-000000000046}", "com:Excel") in r
    contains = {(r.target, r.candidates) for r in x.references if r.kind == "contains"}
    assert contains == {("InvoiceService", ("Acme.Billing.Services.InvoiceService", "Acme.Billing.InvoiceService")),
                        ("InvoiceRepository", ("Acme.Billing.Data.InvoiceRepository",
                                               "Acme.Billing.InvoiceRepository"))}  # not the commented-out one
    w = run("Acme.Web/Acme.Web.csproj")
    assert w.definitions[0].detail == "sdk=Microsoft.NET.Sdk.Web TargetFramework=net8.0"
    assert {(r.target, r.detail) for r in w.references} == {
        ("Dapper", "version=2.1.35"), ("Serilog.AspNetCore", "version=8.0.1"),
        ("Acme.Billing", "../Acme.Billing/Acme.Billing.csproj")}


def test_top_level_statements_and_ugly_files() -> None:
    p = run("Acme.Web/Program.cs")
    assert [(d.name, d.detail) for d in p.definitions] == [("Program", "top-level statements")]
    assert ("reads", "table", "INVOICE", 10, "csharp-command") in refs(p)
    b = run("ugly/Broken.cs")
    assert b.parse.status == "partial" and b.parse.fallback_lines > 0
    assert "CSHARP-PARSE" in {d.code for d in b.diagnostics}
    assert [r.target for r in b.references if r.target == "ORPHAN_TABLE"] == ["ORPHAN_TABLE"]
    assert ("uses-native", "dll", "OLDLIB", 9, "csharp-dllimport") in refs(b)
    assert not any(d.name == "" for d in b.definitions)
    assert run("ugly/Empty.cs").definitions == ()
    a = run("ugly/AssemblyInfo.cs")
    assert [d.code for d in a.diagnostics] == ["CSHARP-NO-TYPES"] and not a.metrics
    bad = run("ugly/Bad.csproj")
    codes = [d.code for d in bad.diagnostics]
    assert codes.count("DOTNET-PROJECT-XML") == 3
    assert not any("passwd" in r.target or r.kind == "contains" for r in bad.references)  # no entity expansion


def test_xml_reader_is_linear_on_hostile_input() -> None:
    import time

    text = "<Project " + '"' * 20000 + "<a " * 20000 + "'" * 20000
    start = time.perf_counter()
    roots, problems = dotnet.read_xml(text)
    assert time.perf_counter() - start < 2.0
    assert roots == [] and problems == []  # nothing that reads as a tag
    start = time.perf_counter()
    roots, problems = dotnet.read_xml("<a>" * 30000 + "</b>" * 3000 + '<c x="' * 20000)
    assert time.perf_counter() - start < 2.0  # unclosed elements: a deep stack, no quadratic search
    assert len(problems) == 33000 and len(roots) == 1


def test_fixture_estate_links(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "Acme.Billing", tmp_path / "Acme.Billing")
    shutil.copytree(FIXTURES / "Acme.Web", tmp_path / "Acme.Web")
    edges = edges_of(scan_dict(tmp_path))
    assert (SERVICE, "calls", "dotnet:Acme.Billing.Data.InvoiceRepository", "csharp-receiver", True) in edges
    assert (SERVICE, "calls", "dotnet:Acme.Billing.Data.InvoiceMapper", "csharp-static", True) in edges
    assert (SERVICE, "implements", "dotnet:Acme.Billing.Services.IInvoiceService", "csharp-base", True) in edges
    assert (SERVICE, "uses-native", "dll:KERNEL32", "csharp-dllimport", True) in edges
    assert (SERVICE, "calls", "procedure:USP_POSTINVOICE", "csharp-command", False) in edges
    assert ("project:Acme.Billing", "contains", SERVICE, "csharp-project", True) in edges
    assert ("project:Acme.Web", "imports", "project:Acme.Billing", "csharp-project", True) in edges
    assert ("project:Acme.Billing", "imports", "library:Dapper", "csharp-project", True) in edges
    # framework types (ServiceBase, SqlCommand) are not in the scan: those guesses are left out
    assert not any(t.endswith(("ServiceBase", "SqlCommand")) for _, _, t, _, _ in edges)


@pytest.mark.parametrize("seed", range(5))
def test_never_raises_on_garbage(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["namespace A {", "class B : C {", "}", "{", "using X;", '"', '@"', '$"{', "new T(", ")", ";",
              "[DllImport(", '"k.dll")]', "SELECT * FROM T", "/*", "*/", "//", "\n", "<Project>", "<Reference "
              'Include="', "/>", "x" * 3000, "\x00", "\ufffd", "#if X", "#endif"]
    text = "".join(rng.choice(pieces) for _ in range(400))
    for name in ("a.cs", "a.csproj"):
        x = csharp.extract(text, name, SPEC)
        assert x.parse.status in ("ok", "partial", "failed", "line-parser")
