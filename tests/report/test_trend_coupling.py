"""Sections 13 (change coupling and hotspots) and 14 (trend over the history): exact cells, wording, SVG, escaping."""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from report_helpers import HtmlDoc, md_cells, md_table_after, md_table_blocks
from scanning import fixed
from typer.testing import CliRunner

from legacy_lens.cli import app
from legacy_lens.report import (
    FORMATTERS,
    NO_COUPLING_RECORDED,
    NO_GIT,
    NO_TREND,
    ONE_SCAN_TREND,
    build_view,
    write_reports,
)

MALICIOUS = "<script>alert(1)</script>|x"

TREND_ROWS: list[dict[str, Any]] = [
    {"id": 1, "label": "v1", "recorded_at": "2026-11-01T09:30:00+00:00", "files": 10, "code_lines": 2000,
     "components": 40, "effort_p10": 50.0, "effort_p50": 100.0, "effort_p90": 200.0, "mean_risk": 30.0,
     "findings": {"mandatory": 5, "optional": 10, "potential": 2}, "unresolved": 6},
    {"id": 2, "label": None, "recorded_at": "2026-11-08T09:30:00+00:00", "files": 12, "code_lines": 2500,
     "components": 42, "effort_p10": 60.0, "effort_p50": 120.0, "effort_p90": 230.0, "mean_risk": 32.5,
     "findings": {"mandatory": 4, "optional": 12, "potential": 0}, "unresolved": 5, "components_retired": 0},
    {"id": 3, "label": "v3", "recorded_at": "2026-11-15T09:30:00+00:00", "files": 11, "code_lines": 2300,
     "components": 37, "effort_p10": 55.0, "effort_p50": 110.0, "effort_p90": 215.0, "mean_risk": 28.0,
     "findings": {"mandatory": 2, "optional": 11, "potential": 3}, "unresolved": 5, "components_retired": 5},
]  # fmt: skip

PAIRS: list[dict[str, Any]] = [  # deliberately not in degree order
    {"a": "cobol/BNONL01.cbl", "b": "cobol/BNONL02.cbl", "shared_commits": 6, "degree": 0.4,
     "components_a": ["program:BNONL01"], "components_b": ["program:BNONL02"]},
    {"a": "copy/BNCOMM.cpy", "b": "copy/NOTES.txt", "shared_commits": 5, "degree": 0.4,
     "components_a": ["copybook:BNCOMM"], "components_b": []},
    {"a": "cobol/BNB100.cbl", "b": "copy/BNCLAIM.cpy", "shared_commits": 4, "degree": 0.444,
     "components_a": ["program:BNB100"], "components_b": ["copybook:BNCLAIM"]},
    {"a": "cobol/BNB100.cbl", "b": "jcl/BNJ100.jcl", "shared_commits": 9, "degree": 0.9,
     "components_a": ["program:BNB100"], "components_b": ["job:BNJ100"]},
]  # fmt: skip

DASH = "\N{EN DASH}"
TREND_HEADER = ["Scan", "Label", "Recorded (UTC)", "Code lines", "Components", "Retired",
                f"Effort P50 (P10{DASH}P90), person-days", "Mean risk", "Mandatory", "Optional", "Potential",
                "Unresolved"]  # fmt: skip
TREND_CELLS = [
    ["#1", "v1", "2026-11-01 09:30", "2,000", "40", "—", f"100.0 (50.0{DASH}200.0)", "30.0", "5", "10", "2", "6"],
    ["#2", "—", "2026-11-08 09:30", "2,500", "42", "0", f"120.0 (60.0{DASH}230.0)", "32.5", "4", "12", "0", "5"],
    ["#3", "v3", "2026-11-15 09:30", "2,300", "37", "5", f"110.0 (55.0{DASH}215.0)", "28.0", "2", "11", "3", "5"],
]


def render(scan: dict[str, Any], fmt: str, trend: list[dict[str, Any]] | None = None) -> str:
    text: str = FORMATTERS[fmt].format(scan, trend=trend)  # type: ignore[call-arg]
    return text


def trend_panels(html: str) -> dict[str, str]:
    """The body of each panel of the trend chart, by series."""
    svg = re.search(r'<svg class="trend".*?</svg>', html, re.S)
    assert svg is not None
    return dict(re.findall(r'<g class="tpanel" data-series="(\w+)">(.*?)</g>', svg.group(0), re.S))


# --------------------------------------------------------------------------- trend


def test_trend_table_cells(sample_scan: dict[str, Any]) -> None:
    md = render(sample_scan, "md", TREND_ROWS)
    table = md_table_after(md, "## 14. Trend")
    assert table == [TREND_HEADER, *TREND_CELLS]
    assert "The 3 scans recorded in the history database, from **v1** to **v3**" in md
    assert "- **Code lines:** 2,000 → 2,300 (+300)" in md
    assert "- **Effort P50:** 100.0 → 110.0 person-days (+10.0)" in md
    assert "- **Mean risk:** 30.0 → 28.0 (-2.0)" in md
    assert "- **Components retired:** 5 over 2 scan(s)" in md
    assert "<svg" not in md  # Markdown gets the table, not the chart
    doc = HtmlDoc(render(sample_scan, "html", TREND_ROWS))
    html = render(sample_scan, "html", TREND_ROWS)
    body = html[html.index('<table id="trend-table">') :]
    body = body[: body.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    cells = [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]
    assert cells == TREND_CELLS
    assert doc.find("svg", **{"class": "trend"})


def test_trend_chart_has_a_point_per_scan_per_series_and_a_band(sample_scan: dict[str, Any]) -> None:
    html = render(sample_scan, "html", TREND_ROWS)
    panels = trend_panels(html)
    assert list(panels) == ["code", "effort", "risk", "findings", "retired", "unresolved"]
    for series in ("code", "effort", "risk", "unresolved"):
        assert panels[series].count("<circle") == 3, series
        assert panels[series].count("<polyline") == 1, series
    # Code lines 2,000, 2,500, 2,300: higher values are drawn higher (smaller y), scans left to right.
    code = [(float(x), float(y)) for x, y in re.findall(r'<circle class="tpt" cx="([\d.]+)" cy="([\d.]+)"',
                                                         panels["code"])]  # fmt: skip
    assert code[0][0] < code[1][0] < code[2][0]
    assert code[1][1] < code[2][1] < code[0][1]
    # The effort band: one polygon through P90 forwards and P10 back, so 2 x 3 corners, enclosing every P50 dot.
    bands = re.findall(r'<polygon class="band" points="([^"]+)"', panels["effort"])
    assert len(bands) == 1
    corners = [tuple(map(float, pair.split(","))) for pair in bands[0].split()]
    assert len(corners) == 6
    dots = [(float(x), float(y)) for x, y in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', panels["effort"])]
    for i, (x, y) in enumerate(dots):
        upper, lower = corners[i], corners[5 - i]
        assert upper[0] == lower[0] == x and upper[1] < y < lower[1]
    # Findings: one stacked segment per non-zero category count (3 + 2 + 3) and three legend keys.
    assert panels["findings"].count('class="tbar tb-') == 8
    assert panels["findings"].count('class="tkey') == 3
    assert "<title>#2: 12 optional finding(s)</title>" in panels["findings"]
    # Retired: a bar for each scan after the first.
    assert panels["retired"].count('class="tbar tb-retired"') == 2
    assert "<title>v3: 5 fewer component(s) than the scan before</title>" in panels["retired"]
    # Scans are labelled by their label, or #id when they have none.
    labels = re.findall(r'<text class="tx"[^>]*>([^<]*)<title>', panels["code"])
    assert labels == ["v1", "#2", "v3"]
    assert "<title>v3 (#3, 2026-11-15 09:30): 2,300 code lines</title>" in panels["code"]


@pytest.mark.parametrize(("trend", "sentence"), [(None, NO_TREND), (TREND_ROWS[:1], ONE_SCAN_TREND)])
def test_no_trend_is_one_sentence(sample_scan: dict[str, Any], trend: list[dict[str, Any]] | None,
                                  sentence: str) -> None:  # fmt: skip
    md = render(sample_scan, "md", trend)
    section = md[md.index("## 14. Trend") : md.index("## 15. Diagnostics")]
    assert section.split("\n\n")[1:] == [f"_{sentence}._", ""]
    html = render(sample_scan, "html", trend)
    section = html[html.index('<h2 id="h-trend">') : html.index('<h2 id="h-diagnostics">')]
    assert f'<p class="empty">{sentence}.</p>' in section
    assert "<svg" not in section and "<table" not in section


def test_trend_is_not_in_scan_json(sample_scan: dict[str, Any], tmp_path: Path) -> None:
    write_reports(sample_scan, tmp_path / "a", ["json", "md"], trend=TREND_ROWS)
    write_reports(sample_scan, tmp_path / "b", ["json", "md"])
    assert (tmp_path / "a" / "scan.json").read_bytes() == (tmp_path / "b" / "scan.json").read_bytes()
    assert "## 14. Trend" in (tmp_path / "a" / "report.md").read_text(encoding="utf-8")
    assert (tmp_path / "a" / "report.md").read_text(encoding="utf-8") == render(sample_scan, "md", TREND_ROWS)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_with_trend_is_deterministic(sample_scan: dict[str, Any], fmt: str) -> None:
    sample_scan["plan"]["change_coupling"] = PAIRS
    first = render(sample_scan, fmt, TREND_ROWS)
    assert render(copy.deepcopy(sample_scan), fmt, copy.deepcopy(TREND_ROWS)) == first
    # The order of the pairs in the scan does not matter: the report sorts them.
    sample_scan["plan"]["change_coupling"] = list(reversed(PAIRS))
    assert render(sample_scan, fmt, TREND_ROWS) == first


# --------------------------------------------------------------------------- change coupling and hotspots


def test_change_coupling_table(sample_scan: dict[str, Any]) -> None:
    sample_scan["plan"]["change_coupling"] = PAIRS
    md = render(sample_scan, "md")
    assert md_table_after(md, "### Files that change together") == [
        ["File", "Components", "Changes with", "Components", "Shared commits", "Degree", "Waves"],
        ["cobol/BNB100.cbl", "BNB100", "jcl/BNJ100.jcl", "BNJ100", "9", "90.0%", "4 / 4"],
        ["cobol/BNB100.cbl", "BNB100", "copy/BNCLAIM.cpy", "BNCLAIM", "4", "44.4%", "4 / 1 **!**"],
        ["cobol/BNONL01.cbl", "BNONL01", "cobol/BNONL02.cbl", "BNONL02", "6", "40.0%", "3 / 1 **!**"],
        ["copy/BNCOMM.cpy", "BNCOMM", "copy/NOTES.txt", "—", "5", "40.0%", "1 / —"],
    ]  # fmt: skip
    assert "both files have at least 5 revisions, they share at least 30% of them" in md
    assert "change sets of more than 30 files (bulk imports, mass reformatting) are ignored" in md
    assert "2 pair(s) fall in different migration waves" in md
    html = render(sample_scan, "html")
    body = html[html.index('id="coupling-table"') :]
    body = body[: body.index("</table>")]
    first = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1]
    assert [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", first, re.S)] == [
        "cobol/BNB100.cbl", "BNB100", "jcl/BNJ100.jcl", "BNJ100", "9", "90.0%", "4 / 4",
    ]  # fmt: skip
    assert html.count('<td class="nowrap alert">') == 2  # the two pairs split across waves


def test_hotspots_from_the_risk_drivers(sample_scan: dict[str, Any]) -> None:
    sample_scan["plan"]["change_coupling"] = []
    md = render(sample_scan, "md")
    table = md_table_after(md, "### Hotspots: the most changed components")
    assert table[0] == ["#", "Component", "Kind", "Defined in", "Commits", "Main author's share", "Code lines",
                        "Risk score"]  # fmt: skip
    assert [[row[0], row[1], row[4], row[5], row[6], row[7]] for row in table[1:]] == [
        ["1", "BNONL01", "22", "90.0% **!**", "615", "42.7"],
        ["2", "BNB100", "14", "71.0%", "842", "41.9"],
        ["3", "BNJ100", "9", "56.0%", "64", "17.7"],
        ["4", "BNONL02", "6", "50.0%", "297", "31.1"],
        ["5", "BNCLAIM", "4", "75.0%", "46", "27.6"],
        ["6", "BNCALC01", "3", "100.0% **!**", "388", "22.6"],
        ["7", "BNCOMM", "2", "100.0% **!**", "28", "26.7"],
        ["8", "BNRPT01", "1", "100.0% **!**", "431", "32.5"],  # ties on commits: the larger first
        ["9", "BNSORT", "1", "100.0% **!**", "22", "20.3"],
    ]
    assert "over the 730 days before the newest commit" in md
    assert "_No pair of scanned files passed these thresholds._" in md
    html = render(sample_scan, "html")
    assert "No pair of scanned files passed these thresholds." in html
    body = html[html.index('id="hotspots-table"') :]
    body = body[: body.index("</table>")]
    assert re.findall(r'<button type="button" class="comp" data-component="([^"]+)"', body) == [
        "program:BNONL01", "program:BNB100", "job:BNJ100", "program:BNONL02", "copybook:BNCLAIM",
        "program:BNCALC01", "copybook:BNCOMM", "program:BNRPT01", "proc:BNSORT",
    ]  # fmt: skip
    assert body.count('<td class="num alert"') == 5  # 80% or more from one author


def test_no_git_history_wording(sample_scan: dict[str, Any]) -> None:
    sample_scan["plan"]["change_coupling"] = None
    for component in sample_scan["components"]:  # a scan outside git has no git drivers either
        if component.get("risk"):
            component["risk"]["drivers"] = [d for d in component["risk"]["drivers"]
                                            if d["name"] not in ("change frequency", "author concentration")]
    md = render(sample_scan, "md")
    section = md[md.index("## 13. Change coupling") : md.index("## 14. Trend")]
    assert section.split("\n\n")[1:] == [f"_There is no change coupling or hotspot to show: {NO_GIT}._", ""]
    assert NO_GIT == "no git history: the scan root is not in a git repository (or git is missing)"
    html = render(sample_scan, "html")
    section = html[html.index('<h2 id="h-coupling">') : html.index('<h2 id="h-trend">')]
    assert f"There is no change coupling or hotspot to show: {NO_GIT}." in section
    assert "<table" not in section


def test_scan_from_before_git_signals(sample_scan: dict[str, Any]) -> None:
    assert "change_coupling" not in sample_scan["plan"]
    md = render(sample_scan, "md")
    assert f"_{NO_COUPLING_RECORDED}._" in md
    assert build_view(sample_scan)["coupling"]["status"] == "absent"
    assert build_view({"schema_version": "1.0"})["coupling"]["status"] == "absent"


# --------------------------------------------------------------------------- escaping and the HTML's safety


def hostile(sample_scan: dict[str, Any]) -> list[dict[str, Any]]:
    bad_file = "cobol/evil\n| injected |<img src=x onerror=alert(1)>.cbl"
    sample_scan["plan"]["change_coupling"] = [
        {"a": bad_file, "b": "cobol/BNB100.cbl", "shared_commits": 7, "degree": 0.5,
         "components_a": [f"program:{MALICIOUS}"], "components_b": ["program:BNB100"]},
    ]  # fmt: skip
    rows = copy.deepcopy(TREND_ROWS)
    rows[2]["label"] = MALICIOUS
    return rows


def test_malicious_label_and_file_are_escaped_in_html(sample_scan: dict[str, Any]) -> None:
    trend = hostile(sample_scan)
    html = render(sample_scan, "html", trend)
    doc = HtmlDoc(html)
    assert len(doc.scripts) == 1 and not doc.find("img")
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in html
    text = "".join(doc.text)
    assert MALICIOUS in text  # the label in the table, shown as text
    assert "cobol/evil\n| injected |<img src=x onerror=alert(1)>.cbl" in text
    # In the chart, the label is cut to fit but its tooltip holds it whole.
    assert f"{MALICIOUS} (#3, recorded 2026-11-15 09:30)".replace("<", "&lt;").replace(">", "&gt;") in html


def test_malicious_label_and_file_are_escaped_in_markdown(sample_scan: dict[str, Any]) -> None:
    trend = hostile(sample_scan)
    md = render(sample_scan, "md", trend)
    # Every < from the scan or the history is backslash-escaped, so no raw HTML reaches a Markdown renderer.
    assert "<script>" not in md and not re.search(r"(?<!\\)<img", md)
    escaped = "\\<script\\>alert(1)\\</script\\>\\|x"
    assert md_table_after(md, "## 14. Trend")[3][:2] == ["#3", escaped]
    assert f"from **v1** to **{escaped}**" in md
    coupling = md_table_after(md, "### Files that change together")
    assert coupling[1][:4] == ["cobol/evil \\| injected \\|\\<img src=x onerror=alert(1)\\>.cbl", escaped,
                               "cobol/BNB100.cbl", "BNB100"]  # fmt: skip
    for block in md_table_blocks(md):
        assert len({len(md_cells(line)) for line in block}) == 1, block
    assert not any(line.startswith("| injected") for line in md.splitlines())


def test_new_sections_keep_the_html_self_contained(sample_scan: dict[str, Any]) -> None:
    trend = hostile(sample_scan)
    html = render(sample_scan, "html", trend)
    assert "http://" not in html and "https://" not in html
    assert "url(" not in html and "@import" not in html
    doc = HtmlDoc(html)
    assert not doc.find("link") and not doc.find("img") and not doc.find("iframe")
    for tag, attrs in doc.tags:
        for name in ("src", "href", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, attrs)
    # Still exactly one script, allowed by its hash.
    assert len(doc.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(doc.scripts[0].encode("utf-8")).digest()).decode("ascii")
    csp = doc.find("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"] or ""
    assert f"script-src 'sha256-{digest}'" in csp


# --------------------------------------------------------------------------- through the command line


def test_scan_with_history_twice_charts_two_points(tmp_path: Path) -> None:
    root = tmp_path / "code"
    root.mkdir()
    (root / "A.cbl").write_text(fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. A.", "PROCEDURE DIVISION.",
                                      "MAIN-PARA.", "    DISPLAY 'A'.", "    GOBACK."))  # fmt: skip
    db, out = tmp_path / "h.db", tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(app, ["scan", str(root), "-o", str(out), "--history", str(db), "--label", "first"])
    assert first.exit_code == 0, first.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert ONE_SCAN_TREND in html and '<svg class="trend"' not in html
    scan_once = (out / "scan.json").read_text(encoding="utf-8")
    second = runner.invoke(app, ["scan", str(root), "-o", str(out), "--history", str(db)])
    assert second.exit_code == 0, second.output
    assert "recorded in" in second.output and "as #2" in second.output
    html = (out / "report.html").read_text(encoding="utf-8")
    panels = trend_panels(html)
    assert panels["code"].count("<circle") == 2
    assert re.findall(r'<text class="tx"[^>]*>([^<]*)<title>', panels["code"]) == ["first", "#2"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert [row[:2] for row in md_table_after(md, "## 14. Trend")[1:]] == [["#1", "first"], ["#2", "—"]]
    # Not in a git repository: section 13 says so.
    assert NO_GIT in md
    # scan.json does not depend on the history: the same tree gives the same file on every run.
    assert (out / "scan.json").read_text(encoding="utf-8") == scan_once
    # `report --history` draws the same trend from a saved scan.json.
    again = tmp_path / "again"
    r = runner.invoke(app, ["report", str(out / "scan.json"), "-o", str(again), "--history", str(db)])
    assert r.exit_code == 0, r.output
    assert (again / "report.md").read_text(encoding="utf-8") == md
    r = runner.invoke(app, ["report", str(out / "scan.json"), "-o", str(again), "--history", str(tmp_path / "no.db")])
    assert r.exit_code == 2 and "history database not found" in r.output
