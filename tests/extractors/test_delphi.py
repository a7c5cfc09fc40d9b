"""Delphi extractor: units, programs, packages and forms; uses lists through {$IFDEF}; cross-file resolution."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from scanning import edges_of, scan_dict

from legacy_lens.encoding import BinaryFile, decode
from legacy_lens.extractors import delphi
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "delphi"
SPEC = language_by_name("delphi")


def run(name: str) -> Extraction:
    return delphi.extract(decode((FIXTURES / name).read_bytes()).text, name, SPEC)


def refs(x: Extraction, kind: str | None = None) -> set[tuple[str, str, str, int, str]]:
    return {(r.kind, r.target_kind, r.target, r.line, r.detail) for r in x.references
            if kind is None or r.kind == kind}


def test_uses_lists_keep_every_ifdef_branch_and_their_section() -> None:
    x = run("Billing/InvoiceUnit.pas")
    imports = {(t, line, d) for k, _, t, line, d in refs(x, "imports")}
    assert ("AUDITTRAIL", 11, "interface {$IFDEF USE_AUDIT}") in imports
    assert ("NULLAUDIT", 13, "interface {$ELSE}") in imports
    assert ("BILLINGTYPES", 15, "interface") in imports
    assert ("CUSTOMERS", 49, "implementation") in imports
    assert ("STRUTILS", 49, "implementation") in imports
    # a unit's "uses X in 'path'" is a membership, not only an import
    assert ("contains", "unit", "PRINTING", 49, "implementation in '..\\Shared\\Printing.pas'") in refs(x)
    assert ("contains", "form", "INVOICEUNIT", 51, "{$R *.dfm}") in refs(x)


def test_unit_routines_classes_and_calls() -> None:
    x = run("Billing/InvoiceUnit.pas")
    defs = {(d.kind, d.name, d.line, d.detail) for d in x.definitions}
    assert ("unit", "INVOICEUNIT", 3, "") in defs
    assert ("type", "INVOICEUNIT.TINVOICEFORM", 18, "class(TBaseEntryForm, IPrintable)") in defs
    assert ("type", "INVOICEUNIT.IPRINTABLE", 35, "interface") in defs
    assert ("routine", "INVOICEUNIT.TINVOICEFORM.BTNSAVECLICK", 54, "procedure") in defs
    assert ("routine", "INVOICEUNIT.TINVOICEFORM.BTNSAVECLICK.LOG", 58, "procedure") in defs
    assert ("routine", "INVOICEUNIT.GETTICKCOUNT64SAFE", 40, "function external") in defs
    assert all(d.parent == "unit:INVOICEUNIT" for d in x.definitions if d.kind in ("type", "routine"))
    calls = {(r.target, r.line) for r in x.references if r.kind == "calls" and r.target_kind == "routine"}
    assert ("CUSTOMERS.RECALCBALANCE", 79) in calls  # qualified
    assert ("CUSTOMERS.PRINTINVOICE", 80) in calls  # bare name: one guess per used unit
    assert ("PRINTING.PRINTINVOICE", 80) in calls
    assert not any(t.endswith((".LOG", ".INTTOSTR", ".EXIT")) for t, _ in calls)  # local and RTL names
    assert not any(t.startswith(("SYSUTILS.", "WINDOWS.")) for t, _ in calls)  # system units are not searched
    assert all(r.optional for r in x.references if r.target_kind in ("routine", "type"))


def test_unit_sql_procedures_and_dlls() -> None:
    x = run("Billing/InvoiceUnit.pas")
    r = refs(x)
    # SQL.Add pieces are joined until the query is executed
    assert ("updates", "table", "INVOICE_HDR", 68, "") in r
    assert ("writes", "table", "AUDIT_LOG", 74, "") in r
    assert ("reads", "table", "CUSTOMER", 89, "") in r  # a '+' concatenation across lines
    assert ("calls", "procedure", "USP_NEXTINVOICENO", 92, "schema=DBO") in r
    # the {$ELSE} branch is blanked for the grammar but read line by line
    assert any(k == "deletes" and t == "STALE_LOCKS" for k, _, t, _, _ in r)
    natives = {(r.target, r.detail, r.external) for r in x.references if r.kind == "uses-native"}
    assert natives == {("KERNEL32", "GetTickCount64", "dll:KERNEL32"), ("CHKSUM32", "LegacyChecksum", "dll:CHKSUM32")}
    assert x.parse.parser == "tree-sitter:pascal" and x.parse.fallback_lines > 0


def test_program_uses_in_and_package_clauses() -> None:
    p = run("Billing/Billing.dpr")
    assert [(d.kind, d.name) for d in p.definitions] == [("program", "BILLING")]
    assert ("contains", "unit", "DEBUGCONSOLE", 8, "program in '..\\Tools\\DebugConsole.pas' {$IFDEF DEBUG}") in refs(p)
    assert ("imports", "unit", "FORMS", 4, "program") in refs(p)
    assert p.parse.status == "ok"  # "in 'path'" is blanked for the grammar
    k = run("Billing/BillingPkg.dpk")
    assert [(d.kind, d.name, d.id) for d in k.definitions] == [("package", "BILLINGPKG", "dpk:BILLINGPKG")]
    required = {(r.target, r.external) for r in k.references if r.kind == "imports"}
    assert required == {("RTL", "dpk:RTL"), ("VCL", "dpk:VCL"), ("ADORTL", "dpk:ADORTL"), ("QUICKREPPKG", ""),
                        ("COUNTYCOMMON", "")}
    assert {r.target for r in k.references if r.kind == "contains"} == {"INVOICEUNIT", "CUSTOMERS"}
    assert k.parse.status == "line-parser"


def test_text_form_components_and_sql() -> None:
    x = run("Billing/InvoiceUnit.dfm")
    form = x.definitions[0]
    assert (form.kind, form.name, form.id, form.detail) == ("form", "INVOICEUNIT", "form:INVOICEUNIT",
                                                            "object InvoiceForm: TInvoiceForm")
    controls = {(d.name, d.detail) for d in x.definitions if d.kind == "control"}
    assert ("INVOICEUNIT.qryInvoice", "TADOQuery") in controls
    assert ("INVOICEUNIT.Image1", "TImage") in controls  # nested in a panel, after binary picture data
    assert ("INVOICEUNIT.fraAddress", "TAddressFrame") in controls
    assert refs(x) == {
        ("reads", "table", "INVOICE_HDR", 32, "qryInvoice: TADOQuery"),
        ("reads", "table", "INVOICE_LINE", 32, "qryInvoice: TADOQuery"),
        ("calls", "procedure", "USP_POSTINVOICE", 40, "spPost: TADOStoredProc"),
        ("reads", "table", "TAX_RATES", 43, "tblRates: TADOTable"),
        ("calls", "procedure", "USP_ARCHIVEINVOICES", 46, "dsArchive: TADODataSet"),
        ("writes", "table", "INVOICE_HISTORY", 51, "qryHistory: TQuery"),
        ("reads", "table", "INVOICE_HDR", 51, "qryHistory: TQuery"),
    }


def binary_form() -> bytes:
    """A Delphi binary form (TPF0 stream) with a query whose SQL is in the binary data."""
    def short(s: str) -> bytes:
        return bytes([len(s)]) + s.encode()
    body = b"TPF0" + short("TForm1") + short("Form1") + short("Left") + b"\x02\x10" + short("Top") + b"\x03\x00\x01"
    body += short("TADOQuery") + short("Query1") + short("SQL.Strings") + b"\x01\x06" + short("SELECT * FROM X")
    body += b"\x00\x00\x00\x00"
    return body


def test_binary_form_is_refused_by_decoding_and_recognised_by_the_extractor(tmp_path: Path) -> None:
    data = binary_form()
    with pytest.raises(BinaryFile):
        decode(data)  # the pipeline records BINARY-FILE and skips it
    x = delphi.extract(data.decode("latin-1"), "forms/Main.dfm", SPEC)  # if a decoder ever lets one through
    assert [(d.kind, d.name, d.detail) for d in x.definitions] == [("form", "MAIN", "binary")]
    assert [d.code for d in x.diagnostics] == ["DELPHI-BINARY-FORM"]
    assert x.parse.status == "skipped" and not x.references
    (tmp_path / "Main.dfm").write_bytes(data)
    (tmp_path / "Main.pas").write_text("unit Main;\ninterface\nimplementation\n{$R *.dfm}\nend.\n")
    scan = scan_dict(tmp_path)
    skipped = [f for f in scan["files"] if f["path"] == "Main.dfm"]
    assert skipped and skipped[0]["parse"]["status"] == "skipped"
    assert any(d["code"] == "BINARY-FILE" and d["path"] == "Main.dfm" for d in scan["diagnostics"])


def test_ugly_files_become_diagnostics() -> None:
    x = run("ugly/Broken.pas")
    assert {d.code for d in x.diagnostics} == {"DELPHI-SYNTAX", "DELPHI-PARSE"}
    assert ("reads", "table", "ORPHAN_TABLE", 11, "") in refs(x)
    assert len([r for r in x.references if r.target == "ORPHAN_TABLE"]) == 1  # grammar and fallback agree once
    assert ("calls", "routine", "CUSTOMERS.RECALCBALANCE", 13, "") in refs(x)
    assert run("ugly/Empty.pas").definitions == ()
    g = run("ugly/Garbage.pas")
    assert "DELPHI-NO-HEADER" in {d.code for d in g.diagnostics} and g.parse.status == "failed"
    o = run("ugly/Orphan.dfm")
    assert [d.code for d in o.diagnostics] == ["DELPHI-FORM-SYNTAX", "DELPHI-FORM-SYNTAX"]


def test_fixture_estate_links_units_forms_and_packages(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "Billing", tmp_path / "Billing")
    scan = scan_dict(tmp_path)
    edges = edges_of(scan)
    assert ("unit:INVOICEUNIT", "contains", "form:INVOICEUNIT", "delphi-resource", True) in edges
    assert ("unit:INVOICEUNIT", "calls", "unit:CUSTOMERS", "delphi-call", True) in edges
    assert ("unit:INVOICEUNIT", "imports", "unit:SYSUTILS", "delphi-uses", True) in edges  # system unit
    assert ("unit:INVOICEUNIT", "imports", "unit:AUDITTRAIL", "delphi-uses", False) in edges  # not in the scan
    assert ("program:BILLING", "contains", "unit:INVOICEUNIT", "delphi-uses-in", True) in edges
    assert ("dpk:BILLINGPKG", "imports", "dpk:RTL", "delphi-requires", True) in edges
    assert ("dpk:BILLINGPKG", "contains", "unit:CUSTOMERS", "delphi-contains", True) in edges
    assert ("form:INVOICEUNIT", "reads", "table:TAX_RATES", "dfm-table", False) in edges
    # guesses in other used units that define nothing of that name are left out
    assert not any(s == "unit:INVOICEUNIT" and k == "calls" and t.startswith("routine:") for s, k, t, _, _ in edges)


@pytest.mark.parametrize("seed", range(6))
def test_never_raises_on_garbage(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["unit ", "uses ", "{$IFDEF X}", "{$ELSE}", "{$ENDIF}", "'", "''", "#13", "(*", "*)", "{", "}", "//",
              "begin ", "end", ";", ".", " in '", "object ", ": T", "SQL.Strings = (", ")", "'SELECT * FROM T'",
              "external '", "\n", "procedure ", "TForm.", "(", "+", "\x00", "\ufffd", "x" * 5000]
    text = "".join(rng.choice(pieces) for _ in range(400))
    for name in ("a.pas", "a.dpr", "a.dpk", "a.dfm"):
        x = delphi.extract(text, name, SPEC)
        assert x.lines.total == len(text.splitlines())
        assert x.parse.status in ("ok", "partial", "failed", "line-parser", "skipped")
