# ruff: noqa: RUF001
# (the report prints en dashes between P10, P50 and P90, and multiplication signs on factors)
"""Section 9 (effort and risk) of the report: exact figures, formulas, ordering, quadrant, escaping.

The fixture's effort, risk and estimate data were derived once from the model for its
nine units of migration (five programs, two copybooks, a job and a proc) and are frozen
in ``fixtures/sample_scan.json``; every expected number below is read off that file or
computed by hand from it in a comment.
"""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_helpers import HtmlDoc, md_cells, md_table_after, md_table_blocks

from legacy_lens.report import FORMATTERS, NO_ESTIMATE, build_view

MALICIOUS = "<script>alert(1)</script>|x"
SCHEMA = Path(__file__).resolve().parents[2] / "legacy_lens" / "schema" / "scan.schema.json"
ESTIMATED = [
    "program:BNB100", "program:BNCALC01", "program:BNONL01", "program:BNONL02", "program:BNRPT01",
    "copybook:BNCLAIM", "copybook:BNCOMM", "job:BNJ100", "proc:BNSORT",
]  # fmt: skip


def render(scan: dict[str, Any], fmt: str) -> str:
    return FORMATTERS[fmt].format(scan)


def component(scan: dict[str, Any], component_id: str) -> dict[str, Any]:
    return next(c for c in scan["components"] if c["id"] == component_id)


def line_after(markdown: str, line: str) -> str:
    """The next non-empty line after ``line`` (the formula sits on its own line below each figure)."""
    lines = markdown.splitlines()
    index = lines.index(line)
    return next(text for text in lines[index + 1 :] if text.strip())


def section9(markdown: str) -> str:
    return markdown[markdown.index("## 9. Effort and risk") : markdown.index("## 10. Migration plan")]


def quadrant_svg(html: str) -> str:
    start = html.index('<svg class="quadrant"')
    return html[start : html.index("</svg>", start)]


def add_estimated(scan: dict[str, Any], component_id: str, name: str, p50: float, score: float) -> None:
    """A unit of migration with a consistent effort range (sigma 0.5) and one risk driver."""
    spread = 1.8965  # exp(1.2816 x 0.5)
    scan["components"].append({
        "id": component_id, "kind": "program", "name": name, "language": "cobol", "file": f"cobol/{name}.cbl",
        "line": 1, "defined": True, "system": False, "dead_candidate": False, "fan_in": 1, "fan_out": 1,
        "metrics": {"code_lines": 100, "comment_lines": 0, "blank_lines": 0, "complexity": 5, "max_nesting": 1,
                    "paragraphs": 2, "goto_count": 0, "alter_count": 0, "dead_paragraphs": []},
        "effort": {"p10": round(p50 / spread, 2), "p50": p50, "p90": round(p50 * spread, 2), "unit": "person-days",
                   "function_points": 1.8, "base_days": p50, "sigma": 0.5,
                   "drivers": [{"name": "size", "factor": 1.8, "detail": "d"},
                               {"name": "complexity density", "factor": 1.2, "detail": f"d {name}"},
                               {"name": "range", "factor": 0.5, "detail": "d"}]},
        "risk": {"score": score, "drivers": [{"name": f"complexity {name}", "value": score / 100, "weight": 1.0,
                                             "contribution": score, "detail": f"d {name}"}]},
    })  # fmt: skip


# --------------------------------------------------------------------------- fixture


def test_fixture_is_a_valid_scan_with_consistent_ranges(sample_scan: dict[str, Any]) -> None:
    jsonschema.validate(sample_scan, json.loads(SCHEMA.read_text(encoding="utf-8")))
    estimated = sorted(c["id"] for c in sample_scan["components"] if c["effort"] is not None)
    assert estimated == sorted(ESTIMATED)
    for c in sample_scan["components"]:
        if c["effort"] is not None:
            effort = c["effort"]
            assert 0 < effort["p10"] <= effort["p50"] <= effort["p90"], c["id"]
            assert c["risk"] is not None
            risk = c["risk"]
            assert risk["score"] == pytest.approx(sum(d["contribution"] for d in risk["drivers"]), abs=0.06)
    estimate = sample_scan["summary"]["estimate"]
    assert estimate["p10"] <= estimate["p50"] <= estimate["p90"]
    assert estimate["components"] == len(ESTIMATED)
    assert estimate["code_lines"] == 842 + 388 + 615 + 297 + 431 + 46 + 28 + 64 + 22


# --------------------------------------------------------------------------- headline


def test_markdown_headline_figures_each_with_its_formula(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    effort = "**Effort: 66.4 – 119.1 – 214.6 person-days** (P10 – P50 – P90)"
    # 66.4 / 220 = 0.302, 119.1 / 220 = 0.541, 214.6 / 220 = 0.975
    years = "**Effort in person-years: 0.30 – 0.54 – 0.98** (P10 – P50 – P90)"
    cost = "**Cost: £43,180 – £77,418 – £139,478** (P10 – P50 – P90), at £650 a day"
    schedule = ("**Schedule: 6.4 months with an average team of 0.9 people** (full-time equivalent; "
                "5.9 person-months; COCOMO II on the P50 effort)")  # fmt: skip
    # (148.6 - 119.1) / 119.1 = 24.8% above; 66.4 <= 148.6 <= 214.6
    cocomo = ("**COCOMO II cross-check: 148.6 person-days** beside our P50 of 119.1 person-days "
              "(25% above our P50; inside our P10 to P90 range)")  # fmt: skip
    assert line_after(md, effort) == (
        "How: Monte Carlo sum of the ranges of 9 units of migration (2,733 code lines), 20000 samples with seed "
        "20261126; the productivity error is shared by all units, their other errors are independent."
    )
    assert line_after(md, years) == (
        "How: person-years = person-days / 220 working days a year (a planning convention, not a measurement)."
    )
    assert line_after(md, cost).startswith("How: cost = person-days x £650 day rate, at each of P10, P50 and P90")
    assert line_after(md, schedule) == (
        "How: PM = 119.1 days x 7.5 h / 152 h = 5.9; TDEV = 3.67 x PM^(0.28 + 0.2 x (1.0997 - 0.91)) = 6.4 months; "
        "team = PM / TDEV = 0.9."
    )
    assert line_after(md, cocomo).startswith("How: AAF = 0.4 x 20 + 0.3 x 60 + 0.3 x 100 = 56;")
    assert line_after(md, cocomo).endswith("days = PM x 152 / 7.5 = 148.6.")


def test_html_headline_figures_each_with_its_formula(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html")

    def figure(figure_id: str) -> str:
        start = html.index(f'<div class="figure" id="{figure_id}">')
        return html[start : html.index('<div class="figure"', start + 10) if figure_id != "fig-cocomo"
                    else html.index("</div>\n</div>", start)]  # fmt: skip

    effort = figure("fig-effort")
    assert '<div class="value">66.4 – <b>119.1</b> – 214.6</div>' in effort
    assert '<div class="value small">0.30 – <b>0.54</b> – 0.98 person-years</div>' in effort
    assert '<p class="formula">person-years = person-days / 220 working days a year' in effort
    cost = figure("fig-cost")
    assert "Cost at £650 a day" in cost
    assert '<div class="value">£43,180 – <b>£77,418</b> – £139,478</div>' in cost
    assert '<p class="formula">cost = person-days x £650 day rate' in cost
    schedule = figure("fig-schedule")
    assert "<b>6.4</b> months, average team <b>0.9</b> people" in schedule
    assert '<p class="formula">PM = 119.1 days x 7.5 h / 152 h = 5.9;' in schedule
    cocomo = figure("fig-cocomo")
    assert "<b>148.6</b> person-days" in cocomo and "beside our P50 of 119.1" in cocomo
    assert "25% above our P50; inside our P10 to P90 range" in cocomo
    assert '<p class="formula">AAF = 0.4 x 20' in cocomo


@pytest.mark.parametrize(
    ("currency", "rate", "cost_p50", "rate_text", "cost_text"),
    [
        ("GBP", 650.0, 77418.0, "£650", "£77,418"),
        ("EUR", 700.0, 83373.0, "€700", "€83,373"),
        ("USD", 812.5, 96773.0, "$812.50", "$96,773"),
        ("CHF", 900.0, 107190.0, "CHF 900", "CHF 107,190"),
    ],
)
def test_currency_formatting(
    sample_scan: dict[str, Any], currency: str, rate: float, cost_p50: float, rate_text: str, cost_text: str
) -> None:
    cost = sample_scan["summary"]["estimate"]["cost"]
    cost.update(currency=currency, day_rate=rate, p50=cost_p50)
    md = render(sample_scan, "md")
    assert f"– {cost_text} –" in md
    assert f"(P10 – P50 – P90), at {rate_text} a day" in md
    assert f"Cost at {rate_text} a day" in render(sample_scan, "html")


def test_day_rate_sensitivity(sample_scan: dict[str, Any]) -> None:
    # Day rate £650: x 0.8 = £520 and x 1.2 = £780. P50 cost £77,418:
    # 77,418 x 0.8 = 61,934.4 -> £61,934; 77,418 x 1.2 = 92,901.6 -> £92,902.
    sentence = (
        "Cost scales linearly with the day rate: at £520/day the P50 would be £61,934; at £780/day it would be "
        "£92,902 (instead of £77,418 at £650). Effort and schedule do not change."
    )
    assert sentence in render(sample_scan, "md")
    doc = HtmlDoc(render(sample_scan, "html"))
    text = re.sub(r"\s+", " ", "".join(doc.text))
    assert sentence in text
    assert "P50 cost at £520 a day: £61,934 · at £780 a day: £92,902" in text
    sensitivity = build_view(sample_scan)["effort_risk"]["estimate"]["sensitivity"]
    assert sensitivity == [
        {"rate": "£520", "p50": "£61,934", "multiple": "0.8"},
        {"rate": "£780", "p50": "£92,902", "multiple": "1.2"},
    ]


def test_range_meaning_and_numbered_assumptions(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    assert ("P10 (66.4 person-days): 1 in 10 chance it takes less. P90 (214.6 person-days): 1 in 10 chance it "
            "takes more.") in md  # fmt: skip
    assumptions = sample_scan["summary"]["estimate"]["assumptions"]
    numbered = [line for line in section9(md).splitlines() if re.match(r"\d+\. ", line)]
    assert len(numbered) == len(assumptions) == 7
    assert numbered[2] == "3. A working day is 7.5 hours; cost is at 650 GBP per day."
    html = render(sample_scan, "html")
    block = html[html.index('<ol class="assumptions">') : html.index("</ol>")]
    assert block.count("<li>") == 7
    assert "<li>A working day is 7.5 hours; cost is at 650 GBP per day.</li>" in block


# --------------------------------------------------------------------------- tables


def test_largest_components_table(sample_scan: dict[str, Any]) -> None:
    table = md_table_after(render(sample_scan, "md"), "### Largest components by effort")
    assert table[0] == ["#", "Component", "Kind", "Language", "Code lines", "P10 days", "P50 days", "P90 days",
                        "Main effort drivers"]  # fmt: skip
    assert [row[1] for row in table[1:]] == [
        "BNB100", "BNONL01", "BNRPT01", "BNCALC01", "BNONL02", "BNJ100", "BNCLAIM", "BNCOMM", "BNSORT",
    ]  # fmt: skip
    # Drivers ranked by |ln factor|; size (the base, 15.31 FP) and the range drivers are not multipliers.
    assert table[1] == ["1", "BNB100", "program", "cobol", "842", "17.4", "34.6", "68.6",
                        "platform coupling ×1.10; coupling ×1.10"]  # fmt: skip
    assert table[2] == ["2", "BNONL01", "program", "cobol", "615", "14.4", "28.6", "57.0",
                        "platform coupling ×1.26; coupling ×1.10"]  # fmt: skip
    assert table[3][-1] == "platform coupling ×1.10; GO TO and ALTER ×1.10"  # BNRPT01: 7 GO TO, 1 ALTER
    assert table[4][-1] == "coupling ×1.06"  # BNCALC01: every other multiplier is 1
    assert table[6] == ["6", "BNJ100", "job", "jcl", "64", "1.4", "2.6", "4.9", "coupling ×1.06"]


def test_riskiest_components_table(sample_scan: dict[str, Any]) -> None:
    table = md_table_after(render(sample_scan, "md"), "### Riskiest components")
    assert table[0] == ["#", "Component", "Kind", "Risk score", "Main risk drivers (points)"]
    assert [(row[1], row[3]) for row in table[1:]] == [
        ("BNONL01", "42.7"), ("BNB100", "41.9"), ("BNRPT01", "32.5"), ("BNONL02", "31.1"), ("BNCLAIM", "27.6"),
        ("BNCOMM", "26.7"), ("BNCALC01", "22.6"), ("BNSORT", "20.3"), ("BNJ100", "17.7"),
    ]  # fmt: skip
    assert table[1][4] == "no tests +10.0; complexity +6.5; platform coupling +5.7"
    assert table[7][4] == "dependents +6.2; complexity +5.5; author concentration +5.0"  # BNCALC01 is tested


def test_top_tables_capped_at_20_with_ties_by_id(sample_scan: dict[str, Any]) -> None:
    for i in range(25):
        add_estimated(sample_scan, f"program:Z{i:02d}", f"Z{i:02d}", p50=50.0, score=60.0)
    view = build_view(sample_scan)["effort_risk"]
    assert view["effort"]["total"] == 34 and len(view["effort"]["rows"]) == 20
    assert [row["id"] for row in view["effort"]["rows"][:3]] == ["program:Z00", "program:Z01", "program:Z02"]
    assert [row["id"] for row in view["risk"]["rows"]][-1] == "program:Z19"
    md = render(sample_scan, "md")
    assert "_Showing 20 of 34 estimated components — full list in scan.json._" in md
    assert "_Showing 20 of 34 scored components — full list in scan.json._" in md
    assert len(md_table_after(md, "### Largest components by effort")) == 1 + 20


# --------------------------------------------------------------------------- quadrant


def test_quadrant_one_point_per_estimated_component(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html")
    svg = quadrant_svg(html)
    doc = HtmlDoc(svg + "</svg>")
    circles = doc.find("circle")
    assert sorted(c["data-component"] or "" for c in circles) == sorted(ESTIMATED)
    assert svg.count("<title>") == len(ESTIMATED) * 2  # on every point and on every name label
    quadrants = {c["data-component"]: c["data-quadrant"] for c in circles}
    # Median P50 of the nine is BNONL02's 13.43 days; every risk score is below 50.
    assert quadrants["program:BNB100"] == "major"  # 34.57 days > 13.43, risk 41.9
    assert quadrants["copybook:BNCOMM"] == "quick"  # 0.99 days, risk 26.7
    assert quadrants["program:BNONL02"] == "quick"  # on the median: not above it
    view = build_view(sample_scan)["effort_risk"]
    quad = view["quadrant"]
    points = {p["id"]: p for p in quad["points"]}
    assert points["program:BNB100"]["x"] > quad["split_x"] > points["copybook:BNCOMM"]["x"]
    assert points["program:BNB100"]["y"] > quad["split_y"]  # below the risk-50 line (y grows downwards)
    assert quad["split_days"] == "13.4"
    for p in quad["points"]:
        assert quad["left"] <= p["x"] <= quad["right"] and quad["top"] <= p["y"] <= quad["bottom"]
    summary = {row["label"]: (row["count"], row["names"]) for row in view["quadrant_summary"]}
    assert summary == {
        "Quick wins": (5, "BNONL02, BNCLAIM, BNCOMM, BNSORT, BNJ100"),
        "Plan carefully": (0, "—"),
        "Major projects": (4, "BNONL01, BNB100, BNRPT01, BNCALC01"),
        "Hardest": (0, "—"),
    }
    table = md_table_after(render(sample_scan, "md"), "### Risk against effort")
    assert table[1] == ["Quick wins", "low risk, low effort", "5", "BNONL02, BNCLAIM, BNCOMM, BNSORT, BNJ100"]


def test_quadrant_high_risk_placement(sample_scan: dict[str, Any]) -> None:
    component(sample_scan, "program:BNONL02")["risk"]["score"] = 64.0  # median effort, high risk
    component(sample_scan, "program:BNONL01")["risk"]["score"] = 80.0  # high effort, high risk
    doc = HtmlDoc(quadrant_svg(render(sample_scan, "html")) + "</svg>")
    quadrants = {c["data-component"]: c["data-quadrant"] for c in doc.find("circle")}
    assert quadrants["program:BNONL02"] == "plan"
    assert quadrants["program:BNONL01"] == "hard"
    quad = build_view(sample_scan)["effort_risk"]["quadrant"]
    points = {p["id"]: p for p in quad["points"]}
    assert points["program:BNONL01"]["y"] < quad["split_y"] and points["program:BNONL01"]["x"] > quad["split_x"]
    assert points["program:BNONL02"]["y"] < quad["split_y"] and points["program:BNONL02"]["x"] <= quad["split_x"]


def test_quadrant_labels_the_ten_riskiest_only(sample_scan: dict[str, Any]) -> None:
    for i in range(4):
        add_estimated(sample_scan, f"program:Q{i}", f"Q{i}", p50=3.0 + i, score=5.0 + i)
    quad = build_view(sample_scan)["effort_risk"]["quadrant"]
    assert quad["count"] == 13
    named = sorted(p["name"] for p in quad["points"] if p["labelled"])
    assert len(named) == 10 and "Q0" not in named and "Q1" not in named and "Q2" not in named
    assert "Q3" in named  # the nine fixture units score 17.7 or more; Q3's 8.0 makes it the tenth riskiest
    assert all(p["label"] is None and p["r"] < 5 for p in quad["points"] if not p["labelled"])
    # Labels do not overlap each other.
    boxes = []
    for p in quad["points"]:
        if p["label"]:
            width = len(p["name"]) * 6.5
            x0 = p["label"]["x"] if p["label"]["anchor"] == "start" else p["label"]["x"] - width
            boxes.append((x0, p["label"]["y"] - 10, x0 + width, p["label"]["y"] + 2))
    for i, (a0, b0, a1, b1) in enumerate(boxes):
        for c0, d0, c1, d1 in boxes[i + 1 :]:
            assert not (a0 < c1 and c0 < a1 and b0 < d1 and d0 < b1)


# --------------------------------------------------------------------------- absent or partial data


@pytest.mark.parametrize("absent", ["null", "missing"])
def test_absent_estimate_wording(sample_scan: dict[str, Any], absent: str) -> None:
    if absent == "null":
        sample_scan["summary"]["estimate"] = None
    else:
        del sample_scan["summary"]["estimate"]
    for c in sample_scan["components"]:
        c["effort"] = None
        c["risk"] = None
    md = render(sample_scan, "md")
    assert NO_ESTIMATE == "No effort estimate: no unit of migration in a language with a gearing factor was found"
    assert f"_{NO_ESTIMATE}._" in section9(md)
    assert "not computed" not in section9(md).replace("Migration waves: not computed", "")
    assert "_No component has an effort estimate._" in md and "_No component has a risk score._" in md
    assert f"_{NO_ESTIMATE}, so the scan records no estimate coefficients._" in md
    html = render(sample_scan, "html")
    assert f'<p class="empty">{NO_ESTIMATE}.</p>' in html
    assert '<svg class="quadrant"' not in html
    assert "£" not in md and "£" not in html  # no money figure without an estimate


def test_components_without_effort_or_with_partial_data_do_not_crash(sample_scan: dict[str, Any]) -> None:
    sample_scan["summary"]["estimate"] = None
    component(sample_scan, "program:BNCALC01")["effort"] = None  # risk only: not on the quadrant
    bnsort = component(sample_scan, "proc:BNSORT")
    bnsort["metrics"] = None
    bnsort["effort"] = {"p10": 0.5, "p50": 0.9, "p90": 1.6, "unit": "person-days", "function_points": 0.5,
                        "base_days": 0.9, "sigma": 0.45, "drivers": []}  # fmt: skip
    component(sample_scan, "copybook:BNCOMM")["effort"]["drivers"] = [
        {"name": "complexity density", "factor": 1.0, "detail": ""},
        {"name": "coupling", "factor": 0, "detail": "a factor of 0 has no logarithm"},
    ]
    md = render(sample_scan, "md")
    effort = md_table_after(md, "### Largest components by effort")
    # Eight estimated units remain; BNSORT (0.9 days) is the smallest. No metrics: code lines print as a dash.
    assert effort[-1] == ["8", "BNSORT", "proc", "jcl", "—", "0.5", "0.9", "1.6", "none (every multiplier is 1.00)"]
    assert "BNCALC01" not in [row[1] for row in effort]
    assert "BNCALC01" in [row[1] for row in md_table_after(md, "### Riskiest components")]
    bncomm = next(row for row in effort if row[1] == "BNCOMM")
    assert bncomm[-1] == "none (every multiplier is 1.00)"
    quad = build_view(sample_scan)["effort_risk"]["quadrant"]
    assert quad["count"] == 8
    assert f"_{NO_ESTIMATE}._" in md


# --------------------------------------------------------------------------- escaping, determinism, appendix


def test_malicious_component_name_is_escaped_in_the_new_tables(sample_scan: dict[str, Any]) -> None:
    add_estimated(sample_scan, f"program:{MALICIOUS}", MALICIOUS, p50=40.0, score=90.0)
    md = render(sample_scan, "md")
    escaped = "\\<script\\>alert(1)\\</script\\>\\|x"
    effort = md_table_after(md, "### Largest components by effort")
    assert effort[1][:3] == ["1", escaped, "program"]
    assert effort[1][-1] == "complexity density ×1.20"
    risk = md_table_after(md, "### Riskiest components")
    assert risk[1] == ["1", escaped, "program", "90.0", f"complexity {escaped} +90.0"]
    assert ["Hardest", "high effort, high risk", "1", escaped] in md_table_after(md, "### Risk against effort")
    assert "<script>" not in md
    for block in md_table_blocks(md):
        assert len({len(md_cells(line)) for line in block}) == 1, block
    html = render(sample_scan, "html")
    assert "<script>alert" not in html
    doc = HtmlDoc(html)
    assert len(doc.scripts) == 1
    svg = quadrant_svg(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x</text>" not in svg  # the label carries a title too
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;|x<title>" in svg
    circle = next(c for c in HtmlDoc(svg + "</svg>").find("circle") if c["data-component"] == f"program:{MALICIOUS}")
    assert circle["data-quadrant"] == "hard"
    # Names in the effort and risk tables open the neighbourhood panel: the id rides in an attribute.
    buttons = [attrs.get("data-component") for tag, attrs in doc.tags if tag == "button"]
    assert f"program:{MALICIOUS}" in buttons


def test_section9_is_deterministic_and_independent_of_input_order(sample_scan: dict[str, Any]) -> None:
    first = build_view(sample_scan)["effort_risk"]
    shuffled = copy.deepcopy(sample_scan)
    random.Random(11).shuffle(shuffled["components"])
    assert build_view(shuffled)["effort_risk"] == first
    assert section9(render(shuffled, "md")) == section9(render(sample_scan, "md"))
    html = render(sample_scan, "html")
    assert quadrant_svg(render(shuffled, "html")) == quadrant_svg(html)


def test_appendix_lists_coefficients_weights_and_formulas(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md")
    appendix = md[md.index("## Appendix") :]
    assert ("- P50 = base days x complexity x GO TO/ALTER x coupling x platform; P10/P90 = P50 x exp(∓1.2816 σ)"
            in appendix)  # fmt: skip
    assert "- score = 100 x Σ(weight x value) / Σ weight; value = x/(x+k)" in appendix
    coefficients = md_table_after(appendix, "### Estimate coefficients")
    assert coefficients[0] == ["Coefficient", "Value", "Source"]
    assert len(coefficients) == 1 + len(sample_scan["summary"]["estimate"]["coefficients"])
    assert ["day\\_rate", "650 GBP", "setting"] in coefficients
    assert ["gearing\\[cobol\\]", "55 SLOC/FP", "QSM v5.0 COBOL (range 23-297)"] in coefficients
    weights = md_table_after(appendix, "| Risk driver | Weight |")
    assert weights[1:3] == [["complexity", "0.15"], ["dependents", "0.15"]]
    assert len(weights) == 1 + 11  # nine drivers plus the two git-history ones
    assert "It does not estimate cost or effort unless" not in md
    html = render(sample_scan, "html")
    table = html[html.index('<table id="coefficients-table">') :]
    assert table[: table.index("</table>")].count("<tr>") == 1 + len(sample_scan["summary"]["estimate"]["coefficients"])
