"""The data section of the report: stores with many writers, no reader, shared, and the batch lineage."""

from __future__ import annotations

from typing import Any

from report_helpers import HtmlDoc, md_cells, md_table_after, md_table_blocks

from legacy_lens import report
from legacy_lens.report import FORMATTERS, build_html_view, build_view

MALICIOUS = "<script>alert(1)</script>|x"
ESCAPED = "\\<script\\>alert(1)\\</script\\>\\|x"


def _edge(source: str, kind: str, target: str, via: str, file: str, line: int, detail: str = "") -> dict[str, Any]:
    return {"source": source, "target": target, "kind": kind, "via": via, "resolved": True, "detail": detail,
            "locations": [{"file": file, "line": line}]}


def with_batch_data(scan: dict[str, Any]) -> dict[str, Any]:
    """The sample plus a second writer of PAYMENT, an unread report file and a STEP010 -> STEP020 dataset.

    BNJ100's steps start at line 9 (STEP010, BNB100) and 22 (STEP020, proc BNSORT), as the sample's
    ``runs`` edges say; PAYOUT (line 16) is matched to BNB100's SELECT, so the program writes it there.
    """
    scan["edges"] += [
        _edge("program:BNONL01", "writes", "table:BNSCHEMA.PAYMENT", "exec-sql", "cobol/BNONL01.cbl", 220),
        _edge("program:BNRPT01", "writes", "dataset:BN.PROD.REPORT", "select-assign", "cobol/BNRPT01.cbl", 20),
        _edge("job:BNJ100", "writes", "dataset:BN.PROD.PAYMENTS", "jcl-dd", "jcl/BNJ100.jcl", 16,
              "DD PAYOUT DISP=(NEW,CATLG,DELETE)"),
        _edge("program:BNB100", "writes", "dataset:BN.PROD.PAYMENTS", "jcl-dd-select", "jcl/BNJ100.jcl", 16,
              "job:BNJ100 step STEP010 DD PAYOUT -> SELECT PAY-FILE (OPEN OUTPUT)"),
        _edge("job:BNJ100", "reads", "dataset:BN.PROD.PAYMENTS", "jcl-dd", "jcl/BNJ100.jcl", 25,
              "DD SORTIN DISP=SHR"),
    ]
    return scan


def test_data_section_rows(sample_scan: dict[str, Any]) -> None:
    data = build_view(with_batch_data(sample_scan))["data"]
    assert data["many_writers"]["rows"] == [
        {"id": "table:BNSCHEMA.PAYMENT", "name": "BNSCHEMA.PAYMENT", "kind": "table", "count": 2,
         "writers": "BNB100, BNONL01"}]
    # The job's PAYOUT DD is BNB100's SELECT, so the job is not a second writer of BN.PROD.PAYMENTS.
    assert data["unread"]["rows"] == [
        {"id": "dataset:BN.PROD.REPORT", "name": "BN.PROD.REPORT", "kind": "dataset", "writers": "BNRPT01"}]
    assert data["shared"]["rows"] == [
        {"id": "dataset:BN.PROD.CLAIMS.DAILY", "name": "BN.PROD.CLAIMS.DAILY", "kind": "dataset", "count": 2,
         "subsystems": "cobol, jcl"},
        {"id": "dataset:BN.PROD.PAYMENTS", "name": "BN.PROD.PAYMENTS", "kind": "dataset", "count": 2,
         "subsystems": "cobol, jcl"}]
    assert data["lineage"]["rows"] == [
        {"producer": "BNJ100.STEP010 (BNB100)", "dataset": "BN.PROD.PAYMENTS", "consumer": "BNJ100.@22 (BNSORT)"}]
    assert data["lineage"]["total"] == 1 and not data["lineage"]["truncated"]


def test_data_section_on_the_plain_sample(sample_scan: dict[str, Any]) -> None:
    data = build_view(sample_scan)["data"]
    assert data["many_writers"]["rows"] == [] and data["unread"]["rows"] == [] and data["lineage"]["rows"] == []
    assert [r["id"] for r in data["shared"]["rows"]] == ["dataset:BN.PROD.CLAIMS.DAILY"]
    md = FORMATTERS["md"].format(sample_scan)
    assert "_No data store has more than one writer in the scanned code._" in md
    assert "_No batch step in the scan reads a dataset that another step writes._" in md


def test_data_section_markdown_and_html(sample_scan: dict[str, Any]) -> None:
    scan = with_batch_data(sample_scan)
    md = FORMATTERS["md"].format(scan)
    assert md_table_after(md, "### Data stores with many writers") == [
        ["Data store", "Kind", "Writers", "Written by"], ["BNSCHEMA.PAYMENT", "table", "2", "BNB100, BNONL01"]]
    assert md_table_after(md, "### Data stores with no reader")[1] == ["BN.PROD.REPORT", "dataset", "BNRPT01"]
    assert "looks unread here" in md
    assert md_table_after(md, "### Data stores shared across subsystems")[1:] == [
        ["BN.PROD.CLAIMS.DAILY", "dataset", "2", "cobol, jcl"], ["BN.PROD.PAYMENTS", "dataset", "2", "cobol, jcl"]]
    assert md_table_after(md, "### Dataset lineage")[1:] == [
        ["BNJ100.STEP010 (BNB100)", "BN.PROD.PAYMENTS", "BNJ100.@22 (BNSORT)"]]
    html = FORMATTERS["html"].format(scan)
    assert '<tr><td>BNJ100.STEP010 (BNB100)</td><td>BN.PROD.PAYMENTS</td><td>BNJ100.@22 (BNSORT)</td></tr>' in html
    assert ('<tr><td title="table:BNSCHEMA.PAYMENT">BNSCHEMA.PAYMENT</td><td>table</td><td class="num">2</td>'
            '<td>BNB100, BNONL01</td></tr>') in html
    assert ('<tr><td title="dataset:BN.PROD.REPORT">BN.PROD.REPORT</td><td>dataset</td><td>BNRPT01</td></tr>'
            in html)


def test_data_section_capped(sample_scan: dict[str, Any]) -> None:
    scan = with_batch_data(sample_scan)
    scan["edges"] += [_edge("program:BNRPT01", "writes", f"dataset:BN.PROD.OUT{i}", "select-assign",
                            "cobol/BNRPT01.cbl", 30 + i) for i in range(3)]
    view = build_view(scan, top_n=2)["data"]["unread"]
    assert (view["shown"], view["total"], view["truncated"]) == (2, 4, True)
    assert [r["id"] for r in view["rows"]] == ["dataset:BN.PROD.OUT0", "dataset:BN.PROD.OUT1"]
    env = report._environment()
    md = env.get_template("report.md.j2").render(build_view(scan, top_n=2))
    unread_md = md.split("### Data stores with no reader")[1].split("###")[0]
    assert "_Showing 2 of 4 data stores — full list in scan.json._" in unread_md
    html = env.get_template("report.html.j2").render(build_html_view(scan, top_n=2) | {"assets": report._html_assets()})
    assert '<p class="note">Showing 2 of 4 data stores — full list in scan.json.</p>' in html


def test_malicious_names_escaped_in_the_data_tables(sample_scan: dict[str, Any]) -> None:
    scan = with_batch_data(sample_scan)
    for c in scan["components"]:
        if c["id"] in ("table:BNSCHEMA.PAYMENT", "program:BNONL01"):
            c["name"] = MALICIOUS
    bad = f"dataset:{MALICIOUS}"
    scan["edges"] += [
        _edge("job:BNJ100", "writes", bad, "jcl-dd", "jcl/BNJ100.jcl", 17, "DD OUT2 DISP=NEW"),
        _edge("job:BNJ100", "reads", bad, "jcl-dd", "jcl/BNJ100.jcl", 26, "DD IN2 DISP=SHR"),
        _edge("program:BNONL02", "writes", f"file:{MALICIOUS}", "exec-cics", "cobol/BNONL02.cbl", 190),
    ]
    md = FORMATTERS["md"].format(scan)
    assert "<script>" not in md
    assert md_table_after(md, "### Data stores with many writers")[1] == [ESCAPED, "table", "2", f"BNB100, {ESCAPED}"]
    assert [ESCAPED, "file", "BNONL02"] in md_table_after(md, "### Data stores with no reader")
    assert ["BNJ100.STEP010 (BNB100)", ESCAPED, "BNJ100.@22 (BNSORT)"] in md_table_after(md, "### Dataset lineage")
    for block in md_table_blocks(md):
        assert len({len(md_cells(line)) for line in block}) == 1, block
    html = FORMATTERS["html"].format(scan)
    assert "<script>alert" not in html
    assert len(HtmlDoc(html).scripts) == 1
    assert "<td>BNJ100.STEP010 (BNB100)</td><td>&lt;script&gt;alert(1)&lt;/script&gt;|x</td>" in html
