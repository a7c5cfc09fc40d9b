# ruff: noqa: RUF001
# (the report prints en dashes between P10, P50 and P90)
"""Sections 6, 8 and 10 to 12 of the report: findings, migration waves, shared services, skills, retire candidates.

The fixture's findings are ten hand-written matches of built-in rules (and one site rule,
ACME101) on its components; its ``plan`` was produced once by ``legacy_lens.plan`` from the
fixture itself (budget 40 person-days, both community thresholds 2) and frozen. Expected
numbers below are read off that file or added up by hand in a comment.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from report_helpers import HtmlDoc, md_table_after

from legacy_lens.report import FORMATTERS, NO_PLAN, TOP_N, WAVE_ITEMS, build_view

MALICIOUS = "<script>alert(1)</script>|x"
ESCAPED = "\\<script\\>alert(1)\\</script\\>\\|x"


def render(scan: dict[str, Any], fmt: str) -> str:
    return FORMATTERS[fmt].format(scan)


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


def html_section(html: str, section_id: str) -> str:
    start = html.index(f'<section aria-labelledby="{section_id}">')
    return html[start : html.index("</section>", start)]


# --------------------------------------------------------------------------- findings


def test_findings_by_category_and_severity(sample_scan: dict[str, Any]) -> None:
    table = md_table_after(render(sample_scan, "md"), "### By category and severity")
    assert table == [
        ["Category", "Critical", "High", "Medium", "Low", "Info", "Total"],
        # LL103 x2 (3 pts each), LL104 x2 (5 pts each)
        ["mandatory", "0", "2 (6 pts)", "2 (10 pts)", "0", "0", "4 (16 pts)"],
        # LL102 x1 (3), LL201 x3 (1 each)
        ["optional", "0", "0", "1 (3 pts)", "3 (3 pts)", "0", "4 (6 pts)"],
        # LL107 x1 (2), ACME101 x1 (1)
        ["potential", "0", "0", "1 (2 pts)", "1 (1 pts)", "0", "2 (3 pts)"],
        ["**Total**", "0", "2 (6 pts)", "4 (15 pts)", "4 (4 pts)", "0", "**10 (25 pts)**"],
    ]
    html = render(sample_scan, "html")
    summary = html[html.index('<table class="compact" id="findings-summary">') :]
    summary = summary[: summary.index("</table>")]
    assert summary.count("<tr>") + summary.count('<tr class="total">') == 1 + 3 + 1
    assert '<td class="num">2 (10 pts)</td>' in summary


def test_rule_table_mandatory_first_then_severity_then_points(sample_scan: dict[str, Any]) -> None:
    rules = md_table_after(render(sample_scan, "md"), "### By rule, mandatory first")
    assert rules == [
        ["Rule", "Name", "Category", "Severity", "Findings", "Components affected", "Effort points"],
        ["LL103", "Unresolved dynamic CALL, LINK or XCTL", "mandatory", "high", "2", "2", "6"],
        ["LL104", "EXEC CICS coupling", "mandatory", "medium", "2", "2", "10"],
        ["LL102", "Dense GO TO control flow", "optional", "medium", "1", "1", "3"],
        ["LL201", "Step runs a mainframe utility", "optional", "low", "3", "2", "3"],  # BNJ100 twice, BNSORT
        ["LL107", "Packed decimal in records shared through files", "potential", "medium", "1", "1", "2"],
        ["ACME101", "Site naming standard not followed", "potential", "low", "1", "1", "1"],
    ]


def test_rule_codes_link_to_their_boxes_with_catalogue_text(sample_scan: dict[str, Any]) -> None:
    from legacy_lens.rules import builtin_catalogue

    ll104 = builtin_catalogue().by_code()["LL104"]
    html = render(sample_scan, "html")
    doc = HtmlDoc(html)
    links = [a["href"] for a in doc.find("a") if (a.get("href") or "").startswith("#rule-")]
    # Six rule-table links, then the blockers of waves 1 and 3 (LL103 and LL104 each).
    assert links[:6] == ["#rule-LL103", "#rule-LL104", "#rule-LL102", "#rule-LL201", "#rule-LL107", "#rule-ACME101"]
    assert links[6:] == ["#rule-LL103", "#rule-LL104"] * 2
    divs = [attrs for tag, attrs in doc.tags if tag == "div"]
    boxes = [attrs["id"] for attrs in divs if "rule-box" in (attrs.get("class") or "").split()]
    assert boxes == [link[1:] for link in links[:6]]
    box = html[html.index('id="rule-LL104"') :]
    box = box[: box.index("</div>")]
    assert f"<strong>Why it blocks modernisation.</strong> {ll104.why}" in box
    assert f"<strong>Remediation.</strong> {ll104.remediation}" in box
    # A site rule is not in the catalogue: its name shows, with a sentence instead of the text.
    site = html[html.index('id="rule-ACME101"') :]
    site = site[: site.index("</div>")]
    assert "Site naming standard not followed" in site
    assert "This rule is not in the built-in catalogue (a site rule)" in site
    md = render(sample_scan, "md")
    assert f"#### LL104: EXEC CICS coupling\n\n**Why it blocks modernisation.** {ll104.why}" in md
    assert "#### ACME101: Site naming standard not followed\n\n_This rule is not in the built-in catalogue" in md


def test_findings_list_mandatory_first_sortable_and_filterable(sample_scan: dict[str, Any]) -> None:
    rows = md_table_after(render(sample_scan, "md"), "### All findings, mandatory first")
    assert rows[0] == ["Category", "Severity", "Rule", "Component", "Location", "Message"]
    assert rows[1] == ["mandatory", "high", "LL103", "program:BNONL01", "cobol/BNONL01.cbl:312",
                       "BNONL01 transfers control to a program named at run time (program named at run time by "
                       "WS-NEXT-PGM)"]  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["mandatory"] * 4 + ["optional"] * 4 + ["potential"] * 2
    assert rows[-1][2:4] == ["ACME101", "program:BNCALC01"]
    doc = HtmlDoc(render(sample_scan, "html"))
    assert doc.find("table", id="findings-table")[0]["class"] == "sortable"
    assert doc.find("input", **{"data-filter-table": "findings-table"})
    assert doc.find("table", id="rules-table")[0]["class"] == "sortable"


def test_findings_list_is_capped(sample_scan: dict[str, Any]) -> None:
    template = sample_scan["findings"][-1]
    for i in range(TOP_N + 5):
        sample_scan["findings"].append(dict(template, line=100 + i, message=f"extra {i}"))
    total = 10 + TOP_N + 5
    md = render(sample_scan, "md")
    assert len(md_table_after(md, "### All findings, mandatory first")) == 1 + TOP_N
    assert f"_Showing {TOP_N} of {total} findings — full list in scan.json._" in md
    html = render(sample_scan, "html")
    assert f"Showing {TOP_N} of {total} findings — full list in scan.json." in html
    # The summaries count every finding, not only the rows shown.
    assert md_table_after(md, "### By category and severity")[-1][-1] == f"**{total} ({25 + TOP_N + 5} pts)**"


def test_findings_absent_or_empty_wording(sample_scan: dict[str, Any]) -> None:
    sample_scan["findings"] = []
    assert "_The modernisation-blocker rules were run and matched nothing in the scanned code._" in render(
        sample_scan, "md"
    )
    del sample_scan["findings"]
    md = render(sample_scan, "md")
    assert "_No rules were run in this scan, so it holds no findings._" in md
    assert "### By rule" not in md
    assert "No rules were run in this scan, so it holds no findings." in render(sample_scan, "html")


# --------------------------------------------------------------------------- waves


def test_waves_table_blockers_and_bridges(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    assert ("each wave is filled up to a budget of **40 person-days** of P50 effort.") in md
    assert "a component moves in the same wave as, or a later wave than, everything it uses" in md
    table = md_table_after(md, "| Wave | Components |")
    assert table == [
        ["Wave", "Components", "P10 days", "P50 days", "P90 days", "Blockers", "Bridges"],
        ["1", "4", "17.2", "34.5", "69.8", "LL103, LL104", "6"],
        ["2", "1", "7.3", "13.8", "26.0", "none", "3"],
        ["3", "2", "14.9", "29.5", "58.6", "LL103, LL104", "5"],
        ["4", "2", "18.8", "37.2", "73.5", "none", "4"],
        ["**Total**", "**9**", "", "**115.0**", "", "", ""],  # 34.5 + 13.8 + 29.5 + 37.2
    ]
    portfolio = build_view(sample_scan)["effort_risk"]["estimate"]["effort"]["p50"]
    assert (f"Together the waves hold 115.0 person-days at P50, the sum of their components' P50s; the portfolio "
            f"P50 in section 9 ({portfolio}) differs") in md  # fmt: skip
    wave1 = between(md, "### Wave 1", "### Wave 2")
    assert "- **Effort:** 17.2 – **34.5** – 69.8 person-days (P10 – P50 – P90)\n" in wave1
    assert "  - program (2): BNONL02, BNRPT01\n  - copybook (2): BNCLAIM, BNCOMM\n" in wave1
    assert ("- **Blockers:** LL103 Unresolved dynamic CALL, LINK or XCTL (1 finding(s)); "
            "LL104 EXEC CICS coupling (1 finding(s))") in wave1  # fmt: skip
    assert "- **Bridges (6):** 0 from this wave to earlier waves, 6 from later waves into this one\n" in wave1
    assert "  - program BNONL01 (wave 3) uses program BNONL02 (wave 1)\n" in wave1
    assert wave1.count("\n  - program BNB100 (wave 4) uses") == 2
    assert "- **Blockers:** none (no mandatory finding in this wave)" in between(md, "### Wave 2", "### Wave 3")
    wave4 = between(md, "### Wave 4", "## 11. Shared-service candidates")
    assert "- **Bridges (4):** 4 from this wave to earlier waves, 0 from later waves into this one" in wave4
    assert "- **Why these together:** Holds 2 component(s) at dependency level(s)" in wave4

    html = render(sample_scan, "html")
    plan = html_section(html, "h-plan")
    doc = HtmlDoc(plan)
    assert len(doc.find("details")) == 4
    lists = re.findall(r'<ul class="bridges">(.*?)</ul>', plan, flags=re.S)
    assert [item.count("<li>") for item in lists] == [6, 3, 5, 4]
    assert "<summary>List the 6 bridges</summary>" in plan


def test_wave_timeline_one_bar_per_wave_proportional_to_p50(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html")
    doc = HtmlDoc(html)
    bars = [attrs for tag, attrs in doc.tags if tag == "rect" and attrs.get("class") == "wave-bar"]
    assert [bar["data-wave"] for bar in bars] == ["1", "2", "3", "4"]
    widths = [float(bar["width"] or 0) for bar in bars]
    # Waves 1 and 4: P50 34.5 and 37.2 person-days.
    assert widths[0] / widths[3] == pytest.approx(34.5 / 37.2, rel=1e-3)
    assert widths[1] / widths[0] == pytest.approx(13.8 / 34.5, rel=1e-3)
    # A timeline: each wave starts where the one before ends.
    xs = [float(bar["x"] or 0) for bar in bars]
    for i in range(1, 4):
        assert xs[i] == pytest.approx(xs[i - 1] + widths[i - 1], abs=0.02)
    svg = html[html.index('<svg class="timeline"') :]
    svg = svg[: svg.index("</svg>")]
    labels = re.findall(r'<text class="wlabel"[^>]*>([^<]*)</text>', svg)
    assert labels == ["Wave 1", "Wave 2", "Wave 3", "Wave 4"]
    values = re.findall(r'<text class="wvalue"[^>]*>([^<]*)</text>', svg)
    assert values[0] == "34.5 days (17.2–69.8)"
    # Whisker from P10 to P90 of wave 1, on the same scale as the bars.
    timeline = build_view(sample_scan)["plan"]["timeline"]
    first = timeline["bars"][0]
    scale = widths[0] / 34.5
    assert first["whisker_x1"] == pytest.approx(xs[0] + 17.2 * scale, abs=0.02)
    assert first["whisker_x2"] == pytest.approx(xs[0] + 69.8 * scale, abs=0.02)
    assert first["whisker_x2"] + 8 <= timeline["width"]


def test_wave_components_are_capped(sample_scan: dict[str, Any]) -> None:
    wave = sample_scan["plan"]["waves"][0]
    wave["components"] += [f"copybook:EXTRA{i:03d}" for i in range(WAVE_ITEMS)]
    md = render(sample_scan, "md")
    wave1 = between(md, "### Wave 1", "### Wave 2")
    assert f"- **Components ({4 + WAVE_ITEMS}):**" in wave1
    assert f"  - _Showing {WAVE_ITEMS} of {4 + WAVE_ITEMS} components — full list in scan.json._" in wave1
    # Kind order, then id: 2 programs, BNCLAIM, BNCOMM and EXTRA000 to EXTRA045 make the 50 shown.
    assert "EXTRA045" in wave1 and "EXTRA046" not in wave1


def test_over_budget_wave_is_named(sample_scan: dict[str, Any]) -> None:
    sample_scan["plan"]["settings"]["wave_budget_days"] = 35.0
    md = render(sample_scan, "md")
    assert "Wave(s) 4 exceed the budget because a dependency cycle or a single component cannot be split." in md
    assert "(P10 – P50 – P90), over the budget of 35" in between(md, "### Wave 4", "## 11.")


# --------------------------------------------------------------------------- shared services, skills, retire


def test_shared_services_rows_and_thresholds(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    section = between(md, "## 11. Shared-service candidates", "## 12. Skills inventory")
    assert "(seed 20261126)" in section
    assert "A program used from at least 2 subsystems is a **common service** candidate" in section
    assert "one used from at least 2 subsystems that uses no other bespoke code itself is a **utility**" in section
    assert md_table_after(section, "| Component |") == [
        ["Component", "Layer", "Subsystems using it", "Callers", "Why"],
        ["BNCALC01", "utility", "2", "BNB100, BNONL01", "used by 2 subsystems; depends on no other bespoke code"],
    ]
    sample_scan["plan"]["shared_services"] = []
    assert "_No program is used from 2 or more subsystems, so there is no shared-service candidate._" in render(
        sample_scan, "md"
    )


def test_shared_service_callers_are_capped(sample_scan: dict[str, Any]) -> None:
    sample_scan["plan"]["shared_services"][0]["callers"] = [f"program:C{i:02d}" for i in range(13)]
    row = md_table_after(render(sample_scan, "md"), "| Component | Layer |")[1]
    assert row[3] == "C00, C01, C02, C03, C04, C05, C06, C07, C08, C09 and 3 more"


def test_skills_rows_without_and_with_git_history(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    section = between(md, "## 12. Skills inventory", "## 13. Change coupling and hotspots")
    assert "**Bus factor:** the fewest people who together made more than half of the changes" in section
    assert "The scanned folders have no git history, so authors and bus factor are unknown." in section
    rows = md_table_after(section, "| Technology |")
    assert rows[0] == ["Technology", "Components", "Files", "Code lines", "Share of effort", "Authors", "Bus factor"]
    # Largest effort share first.
    assert rows[1] == ["COBOL", "7", "7", "2,647", "97.0%", "no git history", "—"]
    assert [row[0] for row in rows[1:]] == [
        "COBOL", "DB2 SQL", "CICS", "JCL", "BMS maps", "SQL DDL", "CICS definitions",
    ]  # fmt: skip
    assert "BMS maps, SQL DDL, CICS definitions: no effort estimate of their own" in section

    cobol = next(row for row in sample_scan["plan"]["skills"] if row["technology"] == "COBOL")
    cobol.update(authors=4, bus_factor=1)
    md = render(sample_scan, "md")
    assert "no git history, so authors" not in md
    assert ["COBOL", "7", "7", "2,647", "97.0%", "4", "1"] in md_table_after(md, "| Technology |")
    html = render(sample_scan, "html")
    assert '<td class="num alert">1</td>' in html_section(html, "h-skills")  # one person holds most of it


def test_retire_evidence_rows(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    programs = md_table_after(md, "### Programs with no known entry point (1)")
    evidence = "no CALL, LINK, XCTL, job step, transaction or menu entry in the scanned code reaches it"
    assert programs[1] == ["BNRPT01", "program", "cobol/BNRPT01.cbl:2", "431", evidence]
    paragraphs = md_table_after(md, "### Paragraphs nothing reaches (3)")
    assert paragraphs[1] == ["BNB100", "9999-UNUSED", "cobol/BNB100.cbl",
                             "not PERFORMed, not reached by GO TO or ALTER, and not reached by falling through "
                             "from the entry"]  # fmt: skip
    assert "These are **candidates**, not conclusions." in md
    assert "Confirm with the system's owners before retiring anything." in render(sample_scan, "html")


# --------------------------------------------------------------------------- absent data, escaping, determinism


@pytest.mark.parametrize("absent", ["missing", "null"])
def test_absent_plan_wording(sample_scan: dict[str, Any], absent: str) -> None:
    if absent == "missing":
        del sample_scan["plan"]
    else:
        sample_scan["plan"] = None
    md = render(sample_scan, "md")
    for heading, following in (("## 10. Migration plan", "## 11."), ("## 11. Shared-service candidates", "## 12."),
                               ("## 12. Skills inventory", "## 13.")):  # fmt: skip
        assert between(md, heading, following).strip() == f"{heading}\n\n_{NO_PLAN}._"
    html = render(sample_scan, "html")
    for section_id in ("h-plan", "h-shared", "h-skills"):
        assert f'<p class="empty">{NO_PLAN}.</p>' in html_section(html, section_id)
    assert '<svg class="timeline"' not in html
    # The findings do not depend on the plan.
    assert "### By rule, mandatory first" in md


def test_empty_plan_lists_wording(sample_scan: dict[str, Any]) -> None:
    sample_scan["plan"].update(waves=[], shared_services=[], skills=[], retire_candidates=[])
    md = render(sample_scan, "md")
    assert "_No waves: the scan found no program, copybook, job or procedure defined in the scanned code" in md
    assert "_No technology was found in the scanned code._" in md
    assert "_No program without an entry point was found._" in md
    assert "_No unreachable paragraphs were found._" in md
    assert '<svg class="timeline"' not in render(sample_scan, "html")


def test_malicious_names_escaped_in_findings_and_waves(sample_scan: dict[str, Any]) -> None:
    bad = f"program:{MALICIOUS}"
    sample_scan["findings"].append({
        "rule": "XX999", "name": f"rule {MALICIOUS}", "category": "mandatory", "severity": "critical", "effort": 1,
        "component": bad, "file": "cobol/x.cbl", "line": 1, "message": f"msg {MALICIOUS}\n| row |",
        "fingerprint": "f" * 24, "location": {"file": "cobol/x.cbl", "line": 1},
    })  # fmt: skip
    wave = sample_scan["plan"]["waves"][1]
    wave["components"].append(bad)
    wave["blockers"].append("XX999")
    wave["bridges"].append({"from": bad, "to": "copybook:BNCOMM", "from_wave": 2, "to_wave": 1,
                            "direction": "uses earlier wave"})  # fmt: skip
    wave["explanation"] = f"why {MALICIOUS}"
    html = render(sample_scan, "html")
    doc = HtmlDoc(html)
    assert len(doc.scripts) == 1 and "<script>alert" not in html
    text = "".join(doc.text)
    assert f"rule {MALICIOUS}" in text and f"why {MALICIOUS}" in text
    assert f"program {MALICIOUS} (wave 2) uses copybook BNCOMM (wave 1)" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in html_section(html, "h-plan")
    md = render(sample_scan, "md")
    assert "<script>" not in md
    assert ["mandatory", "critical", "XX999", f"program:{ESCAPED}", "cobol/x.cbl:1",
            f"msg {ESCAPED} \\| row \\|"] in md_table_after(md, "### All findings, mandatory first")  # fmt: skip
    assert f"- **Why these together:** why {ESCAPED}" in md
    assert f"  - program {ESCAPED} (wave 2) uses copybook BNCOMM (wave 1)" in md
    assert not any(line.startswith("| row") for line in md.splitlines())


def test_malicious_rule_code_gets_a_safe_anchor(sample_scan: dict[str, Any]) -> None:
    sample_scan["findings"].append(dict(sample_scan["findings"][0], rule='"><b onmouseover=x>'))
    doc = HtmlDoc(render(sample_scan, "html"))
    ids = {attrs.get("id") for _, attrs in doc.tags}
    assert "rule-b-onmouseover-x" in ids
    assert not any(name.startswith("on") for _, attrs in doc.tags for name in attrs)
    # Every in-page link lands on an element of the page.
    for attrs in doc.find("a"):
        assert (attrs.get("href") or "")[1:] in ids


def test_new_sections_make_no_requests(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html")
    for section_id in ("h-dead", "h-findings", "h-plan", "h-shared", "h-skills"):
        section = html_section(html, section_id)
        assert "http" not in section and "url(" not in section and "<script" not in section
        for _, attrs in HtmlDoc(section).tags:
            for name in ("src", "href", "action"):
                value = attrs.get(name)
                assert value is None or value.startswith("#"), (section_id, attrs)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_new_sections_independent_of_input_order(sample_scan: dict[str, Any], fmt: str) -> None:
    first = render(sample_scan, fmt)
    assert render(sample_scan, fmt) == first
    rng = random.Random(11)
    shuffled = dict(sample_scan)
    shuffled["findings"] = rng.sample(sample_scan["findings"], len(sample_scan["findings"]))
    plan = dict(sample_scan["plan"])
    for key in ("waves", "shared_services", "skills", "retire_candidates"):
        plan[key] = rng.sample(plan[key], len(plan[key]))
    plan["waves"] = [dict(w, components=rng.sample(w["components"], len(w["components"])),
                          bridges=rng.sample(w["bridges"], len(w["bridges"]))) for w in plan["waves"]]  # fmt: skip
    shuffled["plan"] = plan
    assert render(shuffled, fmt) == first
