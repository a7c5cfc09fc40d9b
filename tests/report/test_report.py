"""Tests for legacy_lens.report: exact rows and cells, escaping, CSP, determinism, atomic writes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from report_helpers import HtmlDoc, md_cells, md_table_after, md_table_blocks

from legacy_lens import report
from legacy_lens.report import FORMATTERS, NO_ESTIMATE, NO_PLAN, build_view, md_cell, write_reports

MALICIOUS = "<script>alert(1)</script>|x"

MD_SECTIONS = [
    "# Legacy code modernisation report",
    "## 1. Summary",
    "## 2. Inventory",
    "## 3. Parse quality",
    "## 4. Most depended-on components",
    "## 5. Unresolved and dynamic references",
    "## 6. Retire candidates",
    "## 7. CRUD matrix",
    "## 8. Findings",
    "## 9. Effort and risk",
    "## 10. Migration plan",
    "## 11. Shared-service candidates",
    "## 12. Skills inventory",
    "## 13. Change coupling and hotspots",
    "## 14. Trend",
    "## 15. Diagnostics",
    "## Appendix: how this was computed",
]
HTML_SECTION_IDS = [
    "h-summary", "h-inventory", "h-parse", "h-depended", "h-unresolved", "h-dead",
    "h-crud", "h-findings", "h-estimates", "h-plan", "h-shared", "h-skills", "h-coupling", "h-trend",
    "h-diagnostics", "h-appendix",
]  # fmt: skip


def render(scan: dict[str, Any], fmt: str) -> str:
    return FORMATTERS[fmt].format(scan)


def add_malicious(scan: dict[str, Any]) -> None:
    """Put attacker-controlled names into every kind of list the report renders."""
    bad_id = f"program:{MALICIOUS}"
    bad_path = "cobol/evil\n| injected | row |.cbl"
    scan["files"].append(
        {
            "path": bad_path, "language": "cobol", "encoding": "utf-8", "size_bytes": 10, "sha256": "0" * 64,
            "detected_by": "extension", "lines": {"code": 3, "comment": 0, "blank": 0},
            "parse": {"status": "partial", "parser": "tree-sitter:cobol`x`", "error_ratio": 0.5,
                      "error_ratio_raw": None, "fallback_used": True, "fallback_lines": 3},
        }
    )  # fmt: skip
    scan["components"].append(
        {
            "id": bad_id, "kind": "program", "name": MALICIOUS, "language": "cobol", "file": bad_path,
            "line": 1, "defined": True, "system": False, "dead_candidate": True, "fan_in": 9, "fan_out": 2,
            "metrics": {"code_lines": 3, "comment_lines": 0, "blank_lines": 0, "complexity": 1,
                        "max_nesting": 0, "paragraphs": 1, "goto_count": 0, "alter_count": 0,
                        "dead_paragraphs": ["P1|P2", "`P3`"]},
        }
    )  # fmt: skip
    scan["edges"] += [
        {"source": bad_id, "target": f"program:{MALICIOUS}2", "kind": "calls", "resolved": False,
         "via": "literal", "detail": "a\nb|c", "locations": [{"file": bad_path, "line": 2}]},
        {"source": bad_id, "target": "table:BNSCHEMA.CLAIM", "kind": "reads", "resolved": True,
         "via": "exec-sql", "detail": "", "locations": [{"file": bad_path, "line": 3}]},
    ]  # fmt: skip
    # The same component through the findings and every list of the plan.
    scan["findings"].append(
        {"rule": "LL101", "name": "ALTER statement", "category": "mandatory", "severity": "high", "effort": 5,
         "component": bad_id, "file": bad_path, "line": 2, "message": f"{MALICIOUS} uses ALTER\n| fake | row |",
         "fingerprint": "0" * 24, "location": {"file": bad_path, "line": 2}}
    )  # fmt: skip
    plan = scan["plan"]
    plan["retire_candidates"] += [
        {"component": bad_id, "kind": "program", "code_lines": 3, "evidence": f"evidence {MALICIOUS}"},
        {"component": bad_id, "kind": "paragraph", "paragraph": "P1|P2", "code_lines": None, "evidence": "e|f"},
    ]  # fmt: skip
    plan["waves"][0]["components"].append(bad_id)
    plan["waves"][0]["blockers"].append("LL101")
    plan["waves"][0]["bridges"].append(
        {"from": bad_id, "to": "program:BNCALC01", "from_wave": 1, "to_wave": 2, "direction": "crosses"}
    )
    plan["waves"][0]["explanation"] += f" {MALICIOUS}"
    plan["shared_services"][0]["callers"].append(bad_id)
    plan["skills"][0]["technology"] = MALICIOUS
    scan["diagnostics"].append(
        {
            "path": bad_path,
            "severity": "warning",
            "code": "X|Y",
            "message": f"bad {MALICIOUS}\nsecond line",
            "line": 2,
        }
    )


# --------------------------------------------------------------------------- view


def test_headline_numbers(sample_scan: dict[str, Any]) -> None:
    cards = {card["label"]: card["value"] for card in build_view(sample_scan)["headline"]}
    assert cards == {
        "Files": 13,
        "Lines of code": 2895,
        "Programs": 5,  # BNAUDIT (undefined) and CEEDAYS (system) are not counted
        "Copybooks": 2,
        "Jobs": 1,
        "Transactions": 1,
        "Tables": 3,
        "Resolved references": 28,
        "Unresolved references": 5,
        "Files with parse problems": 2,
    }


def test_inventory_tables(sample_scan: dict[str, Any]) -> None:
    inventory = build_view(sample_scan)["inventory"]
    cobol = inventory["languages"][0]
    assert (cobol["language"], cobol["files"], cobol["code"], cobol["comment"], cobol["blank"]) == (
        "cobol", 7, 2647, 438, 174,
    )  # fmt: skip
    assert inventory["language_totals"] == {
        "files": 13,
        "code": 2895,
        "comment": 488,
        "blank": 189,
        "total": 3572,
    }
    kinds = {row["kind"]: (row["defined"], row["undefined"], row["system"]) for row in inventory["kinds"]}
    assert kinds["program"] == (5, 1, 1)
    assert kinds["dynamic"] == (0, 2, 0)
    assert [row["kind"] for row in inventory["kinds"]][:3] == ["program", "copybook", "job"]
    edge_kinds = {row["kind"]: (row["resolved"], row["unresolved"]) for row in inventory["edge_kinds"]}
    assert edge_kinds["calls"] == (2, 2)
    assert edge_kinds["includes"] == (7, 1)


def test_bar_chart_geometry(sample_scan: dict[str, Any]) -> None:
    chart = build_view(sample_scan)["inventory"]["lines_chart"]
    cobol = chart["bars"][0]
    assert cobol["label"] == "cobol" and cobol["total"] == 2647 + 438 + 174
    # The longest bar spans the whole bar area; segments are laid end to end.
    assert sum(seg["width"] for seg in cobol["segments"]) == pytest.approx(report.CHART_BAR_WIDTH, abs=0.05)
    first, second = cobol["segments"][0], cobol["segments"][1]
    assert second["x"] == pytest.approx(first["x"] + first["width"], abs=0.01)
    # Zero-length segments are not drawn.
    unknown = next(bar for bar in chart["bars"] if bar["label"] == "unknown")
    assert unknown["segments"] == []


def test_parse_quality_worst_first(sample_scan: dict[str, Any]) -> None:
    parse = build_view(sample_scan)["parse"]
    paths = [row["path"] for row in parse["files"]["rows"]]
    assert paths[:4] == ["cobol/BNRPT01.cbl", "cobol/BNCALC01.cbl", "cobol/BNONL01.cbl", "bms/BNM01.bms"]
    assert paths[4:6] == ["cobol/BNB100.cbl", "cobol/BNONL02.cbl"]  # ties on 0.0 ordered by path
    languages = {row["language"]: row for row in parse["languages"]}
    assert languages["cobol"]["mean_error_ratio"] == pytest.approx((0.042 + 0.008 + 0.371) / 7)
    assert languages["unknown"]["mean_error_ratio"] is None  # skipped files are not parsed
    assert languages["cobol"]["statuses"] == "ok 5, partial 1, failed 1"


def test_top_components_order(sample_scan: dict[str, Any]) -> None:
    top = build_view(sample_scan)["top_components"]
    assert [(row["id"], row["fan_in"]) for row in top[:4]] == [
        ("copybook:BNCLAIM", 4),
        ("copybook:BNCOMM", 3),
        ("dataset:BN.PROD.CLAIMS.DAILY", 2),  # ties on fan-in are ordered by id
        ("file:CLMVSAM", 2),
    ]
    assert all(row["fan_in"] > 0 for row in top)
    # 19 components have users; the one system module among them (supplied by the platform) is left out.
    system = [c["id"] for c in sample_scan["components"] if c.get("system") and c.get("fan_in")]
    assert len(system) == 1 and system[0] not in {row["id"] for row in top}
    assert len(top) == 18


def test_top_components_capped_at_20(sample_scan: dict[str, Any]) -> None:
    for i in range(30):
        sample_scan["components"].append({"id": f"copybook:C{i:02d}", "kind": "copybook", "name": f"C{i:02d}",
                                          "defined": True, "system": False, "fan_in": 50 + i, "fan_out": 0})  # fmt: skip
    top = build_view(sample_scan)["top_components"]
    assert len(top) == 20
    assert top[0]["id"] == "copybook:C29" and top[-1]["id"] == "copybook:C10"


def test_unresolved_groups_dynamic_first(sample_scan: dict[str, Any]) -> None:
    unresolved = build_view(sample_scan)["unresolved"]
    assert unresolved["total"] == 5
    assert [row["target"] for row in unresolved["dynamic"]["rows"]] == [
        "dynamic:BNONL01.WS-NEXT-PGM",
        "dynamic:BNRPT01.WS-RPT-PGM",
    ]
    audit = next(row for row in unresolved["other"]["rows"] if row["target"] == "program:BNAUDIT")
    assert audit == {
        "source": "program:BNB100", "kind": "calls", "target": "program:BNAUDIT", "via": "literal",
        "detail": "", "first_location": "cobol/BNB100.cbl:230", "locations": 3,
    }  # fmt: skip


def test_crud_matrix_cells(sample_scan: dict[str, Any]) -> None:
    crud = build_view(sample_scan)["crud"]
    assert not crud["split"] and len(crud["matrices"]) == 1
    matrix = crud["matrices"][0]
    columns = [col["id"] for col in matrix["columns"]]
    assert columns == [
        "table:BNSCHEMA.CLAIM", "table:BNSCHEMA.CLAIMANT", "table:BNSCHEMA.PAYMENT",
        "file:CLMVSAM", "dataset:BN.PROD.CLAIMS.DAILY",
    ]  # fmt: skip
    cells = {
        (row["program"], cell["target"]): cell for row in matrix["rows"]["rows"] for cell in row["cells"]
    }
    assert cells[("program:BNB100", "table:BNSCHEMA.CLAIM")]["letters"] == "CRU"
    assert cells[("program:BNB100", "table:BNSCHEMA.CLAIM")]["tone"] == "w"
    assert cells[("program:BNONL02", "table:BNSCHEMA.CLAIMANT")]["letters"] == "RU"
    assert cells[("program:BNONL02", "file:CLMVSAM")]["letters"] == "D"
    assert cells[("program:BNONL01", "file:CLMVSAM")]["tone"] == "r"
    assert cells[("program:BNONL01", "table:BNSCHEMA.PAYMENT")]["letters"] == ""
    # The job's DD access is not a program's, so it adds no row.
    assert [row["program"] for row in matrix["rows"]["rows"]] == [
        "program:BNB100", "program:BNONL01", "program:BNONL02", "program:BNRPT01",
    ]  # fmt: skip


def test_crud_split_and_capped_when_many_columns(sample_scan: dict[str, Any]) -> None:
    for i in range(45):
        sample_scan["edges"].append({"source": "program:BNB100", "target": f"table:T{i:02d}", "kind": "reads",
                                     "resolved": False, "via": "exec-sql", "detail": "", "locations": []})  # fmt: skip
    crud = build_view(sample_scan)["crud"]
    assert crud["split"]
    assert [(m["kind"], len(m["columns"]), m["total_columns"]) for m in crud["matrices"]] == [
        ("table", 40, 48), ("file", 1, 1), ("dataset", 1, 1),
    ]  # fmt: skip
    # Capping keeps the most-used tables: the three with two users survive.
    kept = {col["id"] for col in crud["matrices"][0]["columns"]}
    assert {"table:BNSCHEMA.CLAIM", "table:BNSCHEMA.CLAIMANT", "table:BNSCHEMA.PAYMENT"} <= kept
    md = render(sample_scan, "md")
    assert "### Tables — showing 40 of 48 columns; full list in scan.json" in md
    assert "split by kind and each part shows at most 40 columns" in md
    html = render(sample_scan, "html")
    assert "Tables — showing 40 of 48 columns; full list in scan.json" in html


def test_retire_candidates_carry_the_plan_evidence(sample_scan: dict[str, Any]) -> None:
    retire = build_view(sample_scan)["retire"]
    assert retire["from_plan"] is True
    assert [(row["id"], row["code_lines"]) for row in retire["candidates"]["rows"]] == [("program:BNRPT01", 431)]
    assert retire["candidates"]["rows"][0]["evidence"] == (
        "no CALL, LINK, XCTL, job step, transaction or menu entry in the scanned code reaches it"
    )
    assert retire["candidate_lines"] == 431
    assert [(row["name"], row["paragraph"]) for row in retire["paragraphs"]["rows"]] == [
        ("BNB100", "9999-UNUSED"),
        ("BNRPT01", "2100-OLD-TOTALS"),
        ("BNRPT01", "2200-OLD-FOOTER"),
    ]
    assert retire["paragraphs"]["total"] == 3 and retire["paragraph_programs"] == 2


def test_retire_candidates_without_a_plan_come_from_the_components(sample_scan: dict[str, Any]) -> None:
    del sample_scan["plan"]
    retire = build_view(sample_scan)["retire"]
    assert retire["from_plan"] is False
    assert [(row["id"], row["evidence"]) for row in retire["candidates"]["rows"]] == [("program:BNRPT01", "—")]
    assert [row["paragraph"] for row in retire["paragraphs"]["rows"]] == [
        "9999-UNUSED", "2100-OLD-TOTALS", "2200-OLD-FOOTER",
    ]  # fmt: skip
    md = render(sample_scan, "md")
    assert "_This scan was made before migration planning, so it records no evidence line for each candidate" in md
    assert "These are **candidates**, not conclusions." in md


def test_diagnostics_errors_first(sample_scan: dict[str, Any]) -> None:
    diagnostics = build_view(sample_scan)["diagnostics"]
    assert [row["severity"] for row in diagnostics["list"]["rows"]] == ["error"] + ["warning"] * 3 + [
        "info"
    ] * 3
    assert diagnostics["by_severity"] == [
        {"severity": "error", "count": 1}, {"severity": "warning", "count": 3}, {"severity": "info", "count": 3},
    ]  # fmt: skip
    assert diagnostics["by_code"][0] == {"severity": "error", "code": "PARSE-FAILED", "count": 1}
    assert {"severity": "info", "code": "DYNAMIC-TARGET", "count": 2} in diagnostics["by_code"]


def test_unsupported_schema_version_is_refused(sample_scan: dict[str, Any]) -> None:
    sample_scan["schema_version"] = "2.0"
    with pytest.raises(ValueError, match="schema_version"):
        build_view(sample_scan)


def test_minimal_scan_renders_every_section() -> None:
    scan: dict[str, Any] = {"schema_version": "1.0"}
    md = render(scan, "md")
    html = render(scan, "html")
    for heading in MD_SECTIONS:
        assert heading in md
    assert "_No files were scanned._" in md
    assert "No program reads or writes a table, file or dataset" in html
    assert "No rules were run in this scan, so it holds no findings." in html
    # No components and no estimate: section 9 says why, and nothing crashes.
    assert f"_{NO_ESTIMATE}._" in md and f"{NO_ESTIMATE}." in html
    assert "_No component has an effort estimate._" in md
    assert f"_{NO_PLAN}._" in md


# --------------------------------------------------------------------------- markdown


def test_md_cell_escapes_table_breakers() -> None:
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("line1\nline2\r\nline3") == "line1 line2 line3"
    assert md_cell("`code`") == "\\`code\\`"
    assert md_cell("<b>") == "\\<b\\>"
    assert md_cell("back\\slash") == "back\\\\slash"
    assert md_cell(None) == "—"
    assert md_cell(42) == "42"


def test_markdown_sections_in_order(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    lines = md.splitlines()
    positions = [lines.index(heading) for heading in MD_SECTIONS]
    assert positions == sorted(positions)


def test_markdown_rows(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    crud = md_table_after(md, "### All data stores")
    assert crud[0] == ["Program", "BNSCHEMA.CLAIM", "BNSCHEMA.CLAIMANT", "BNSCHEMA.PAYMENT", "CLMVSAM",
                       "BN.PROD.CLAIMS.DAILY"]  # fmt: skip
    assert crud[1] == ["BNB100", "CRU", "R", "C", "", "R"]
    parse = md_table_after(md, "### By file, worst first")
    assert parse[1] == [
        "cobol/BNRPT01.cbl",
        "cobol",
        "tree-sitter:cobol",
        "failed",
        "37.1%",
        "yes (431 lines)",
    ]
    dynamic = md_table_after(md, "### Dynamic references (2)")
    assert dynamic[1] == ["program:BNONL01", "xctl", "dynamic:BNONL01.WS-NEXT-PGM", "unresolved-dynamic",
                          "XCTL PROGRAM(WS-NEXT-PGM)", "cobol/BNONL01.cbl:312", "2"]  # fmt: skip
    assert "target chosen at run time; the tool could not determine its value" in md.replace(
        "The target is chosen", "target chosen"
    )
    # Dynamic references come before the other unresolved ones.
    assert md.index("dynamic:BNRPT01.WS-RPT-PGM") < md.index("program:BNAUDIT")
    assert "Section 10 groups these units of migration into waves." in md
    assert NO_PLAN not in md  # the fixture has a plan


def test_markdown_tables_are_rectangular(sample_scan: dict[str, Any]) -> None:
    add_malicious(sample_scan)
    md = render(sample_scan, "md")
    blocks = md_table_blocks(md)
    assert len(blocks) >= 15
    for block in blocks:
        widths = {len(md_cells(line)) for line in block}
        assert len(widths) == 1, block


def test_markdown_escapes_malicious_names(sample_scan: dict[str, Any]) -> None:
    add_malicious(sample_scan)
    md = render(sample_scan, "md")
    assert "<script>" not in md
    escaped = "\\<script\\>alert(1)\\</script\\>\\|x"
    dead = md_table_after(md, "### Programs with no known entry point")
    assert [escaped, "program", "cobol/evil \\| injected \\| row \\|.cbl:1", "3", f"evidence {escaped}"] in dead
    paragraphs = md_table_after(md, "### Paragraphs nothing reaches")
    assert [escaped, "P1\\|P2", "cobol/evil \\| injected \\| row \\|.cbl", "e\\|f"] in paragraphs
    findings = md_table_after(md, "### All findings, mandatory first")
    assert ["mandatory", "high", "LL101", f"program:{escaped}", "cobol/evil \\| injected \\| row \\|.cbl:2",
            f"{escaped} uses ALTER \\| fake \\| row \\|"] in findings  # fmt: skip
    wave = md[md.index("### Wave 1") : md.index("### Wave 2")]
    assert f"  - program (3): {escaped}, BNONL02, BNRPT01" in wave
    assert f"  - program {escaped} (wave 1) uses program BNCALC01 (wave 2)" in wave
    assert wave.rstrip().endswith(f"{escaped}")
    assert f"| BNCALC01 | utility | 2 | {escaped}, BNB100, BNONL01 |" in md
    assert f"| {escaped} | 7 | 7 | 2,647 | 97.0% | no git history | — |" in md
    diagnostics = md_table_after(md, "| Path | Line | Severity | Code | Message |")
    assert ["cobol/evil \\| injected \\| row \\|.cbl", "2", "warning", "X\\|Y",
            f"bad {escaped} second line"] in diagnostics  # fmt: skip
    # No line of the output starts with the injected text: newlines were folded.
    assert not any(line.startswith("| injected") for line in md.splitlines())


# --------------------------------------------------------------------------- html


def test_html_sections_in_order(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html")
    doc = HtmlDoc(html)
    ids = [attrs["id"] for tag, attrs in doc.tags if tag == "h2"]
    assert ids == HTML_SECTION_IDS
    assert doc.find("h1")
    assert NO_PLAN not in html and NO_ESTIMATE not in html  # the fixture has a plan and an estimate
    assert "No rules were run in this scan" not in html


def test_html_csp_allows_exactly_the_inline_script(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html")
    doc = HtmlDoc(html)
    csp = doc.find("meta", **{"http-equiv": "Content-Security-Policy"})
    assert len(csp) == 1
    content = csp[0]["content"] or ""
    assert len(doc.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(doc.scripts[0].encode("utf-8")).digest()).decode("ascii")
    assert content == (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src data:"
    )
    # The script is inline only: no src attribute on any script element.
    assert all("src" not in attrs for tag, attrs in doc.tags if tag == "script")
    assert "addEventListener" in doc.scripts[0]


def test_html_makes_no_external_requests(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html")
    assert "http://" not in html and "https://" not in html
    assert "url(" not in html and "@import" not in html
    doc = HtmlDoc(html)
    assert not doc.find("link") and not doc.find("img") and not doc.find("iframe")
    for tag, attrs in doc.tags:
        for name in ("src", "href", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, attrs)


def test_html_escapes_malicious_names(sample_scan: dict[str, Any]) -> None:
    add_malicious(sample_scan)
    html = render(sample_scan, "html")
    doc = HtmlDoc(html)
    assert len(doc.scripts) == 1  # only our own script element exists
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in html
    text = "".join(doc.text)
    assert MALICIOUS in text  # shown to the reader as text
    # Attributes cannot be broken out of either (the CRUD cell title holds the name).
    titles = [attrs.get("title") or "" for tag, attrs in doc.tags if tag == "td"]
    assert f"{MALICIOUS} × table:BNSCHEMA.CLAIM" in titles


def test_html_crud_cell_coloured(sample_scan: dict[str, Any]) -> None:
    doc = HtmlDoc(render(sample_scan, "html"))
    cell = doc.find("td", title="BNB100 × table:BNSCHEMA.CLAIM")
    assert cell == [{"class": "cell crud-w", "title": "BNB100 × table:BNSCHEMA.CLAIM"}]
    assert doc.find("td", title="BNONL02 × file:CLMVSAM")[0]["class"] == "cell crud-d"
    assert doc.find("td", title="BNONL01 × table:BNSCHEMA.PAYMENT")[0]["class"] == "cell"


def test_html_charts_are_inline_svg(sample_scan: dict[str, Any]) -> None:
    view = build_view(sample_scan)
    doc = HtmlDoc(render(sample_scan, "html"))
    visuals = report.build_html_view(sample_scan)["visuals"]
    # Two bar charts, two treemap layouts (code lines and effort), the parse-quality chart,
    # the subsystem dependency matrix, the risk x effort quadrant and the wave timeline.
    assert [attrs["class"] for attrs in doc.find("svg")] == [
        "bars", "treemap", "treemap", "bars", "parsechart", "depmatrix", "quadrant", "timeline"
    ]  # fmt: skip
    segments = sum(len(bar["segments"]) for chart in ("lines_chart", "kinds_chart")
                   for bar in view["inventory"][chart]["bars"])  # fmt: skip
    legend = len(view["inventory"]["lines_chart"]["legend"]) + len(view["inventory"]["kinds_chart"]["legend"])
    treemap = sum(len(layout["groups"]) + len(layout["boxes"])
                  for layout in (visuals["treemap"]["code"], visuals["treemap"]["effort"]))  # fmt: skip
    parse = 2 * len(visuals["parse_chart"]["bars"]) + 2  # mean and worst bar per language, two legend keys
    matrix = 1 + len(visuals["dependencies"]["cells"])  # the frame and one square per non-empty cell
    quadrant = 4 + 1  # four quadrant backgrounds and the plot frame
    waves = len(sample_scan["plan"]["waves"])  # one bar per wave
    assert len(doc.find("rect")) == segments + legend + treemap + parse + matrix + quadrant + waves


def test_html_filter_boxes_on_big_tables(sample_scan: dict[str, Any]) -> None:
    doc = HtmlDoc(render(sample_scan, "html"))
    targets = {attrs["data-filter-table"] or "" for attrs in doc.find("input") if "data-filter-table" in attrs}
    assert {"parse-table", "dynamic-table", "unresolved-table", "diagnostics-table"} <= targets
    for table_id in targets:
        assert len(doc.find("table", id=table_id)) == 1


def test_top_n_capping_message(sample_scan: dict[str, Any]) -> None:
    for i in range(250):
        sample_scan["edges"].append({"source": "program:BNB100", "target": f"dynamic:BNB100.WS-P{i:03d}",
                                     "kind": "calls", "resolved": False, "via": "unresolved-dynamic",
                                     "detail": "", "locations": [{"file": "cobol/BNB100.cbl", "line": 900 + i}]})  # fmt: skip
    html = render(sample_scan, "html")
    assert "Showing 200 of 252 dynamic references — full list in scan.json." in html
    body = html[html.index('id="dynamic-table"') :]
    body = body[: body.index("</table>")]
    assert body.count("<tr>") == 1 + 200  # header row + capped rows
    md = render(sample_scan, "md")
    assert "_Showing 200 of 252 dynamic references — full list in scan.json._" in md
    assert len(md_table_after(md, "### Dynamic references (252)")) == 1 + 200
    # The other unresolved references are not capped and still listed in full.
    assert "Showing" not in md[md.index("### Other unresolved") : md.index("## 6.")]


# --------------------------------------------------------------------------- findings and estimates


def test_unknown_edge_kind_rendered_generically(sample_scan: dict[str, Any]) -> None:
    sample_scan["edges"].append({"source": "program:BNB100", "target": "queue:BN.AUDIT.Q", "kind": "mq-put",
                                 "resolved": False, "via": "literal", "detail": "", "locations": []})  # fmt: skip
    md = render(sample_scan, "md")
    assert ["mq-put", "0", "1", "1"] in md_table_after(md, "### References by kind")
    assert ["program:BNB100", "mq-put", "queue:BN.AUDIT.Q", "literal", "", "—", "0"] in md_table_after(
        md, "### Other unresolved references"
    )


# --------------------------------------------------------------------------- json, determinism, writing


def test_json_formatter_is_canonical(sample_scan: dict[str, Any]) -> None:
    text = render(sample_scan, "json")
    assert text == json.dumps(sample_scan, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert json.loads(text) == sample_scan


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_rendering_is_deterministic(sample_scan: dict[str, Any], fmt: str) -> None:
    first = render(sample_scan, fmt)
    assert render(sample_scan, fmt) == first
    if fmt != "json":
        # Input order must not matter either: the report sorts everything it lists.
        shuffled = dict(sample_scan)
        rng = random.Random(7)
        for key in ("files", "components", "edges", "diagnostics"):
            items = list(sample_scan[key])
            rng.shuffle(items)
            shuffled[key] = items
        assert render(shuffled, fmt) == first


def test_formatter_file_names() -> None:
    assert {name: f.extension for name, f in FORMATTERS.items()} == {
        "json": "scan.json", "md": "report.md", "html": "report.html", "sarif": "scan.sarif",
        "csv": "components.csv",  # and edges.csv, findings.csv: CSV writes three files
    }  # fmt: skip


def test_write_reports_writes_requested_formats_only(sample_scan: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "nested" / "out"
    paths = write_reports(sample_scan, out, ["md", "json"])
    assert paths == [out / "report.md", out / "scan.json"]
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "scan.json"]  # no html, no temp files
    assert (out / "report.md").read_text(encoding="utf-8") == render(sample_scan, "md")
    assert (out / "scan.json").read_bytes() == render(sample_scan, "json").encode("utf-8")


def test_write_reports_rejects_unknown_format_before_writing(
    sample_scan: dict[str, Any], tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="pdf"):
        write_reports(sample_scan, tmp_path / "out", ["md", "pdf"])
    assert not (tmp_path / "out").exists()


def test_write_reports_is_atomic(
    sample_scan: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "report.html").write_text("previous report", encoding="utf-8")

    def failing_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_reports(sample_scan, tmp_path, ["html"])
    # The old file is untouched and the temporary file was cleaned up.
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_write_reports_renders_everything_before_writing(
    sample_scan: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_format(self: object, scan: object, trend: object = None) -> str:
        raise RuntimeError("template error")

    monkeypatch.setattr(report.HtmlFormatter, "format", broken_format)
    with pytest.raises(RuntimeError, match="template error"):
        write_reports(sample_scan, tmp_path / "out", ["json", "html"])
    assert not (tmp_path / "out").exists()  # json was rendered but never written


def test_written_report_permissions_follow_umask(sample_scan: dict[str, Any], tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        (path,) = write_reports(sample_scan, tmp_path, ["md"])
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
