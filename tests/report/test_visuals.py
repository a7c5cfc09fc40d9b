"""Tests for the HTML-only pictures: treemap layout, subsystem matrix, parse chart, embedded graph, size caps."""

from __future__ import annotations

import json
import math
import random
import time
from itertools import combinations
from typing import Any

import pytest
from report_helpers import HtmlDoc

from legacy_lens import report
from legacy_lens.report import FORMATTERS, build_html_view, squarify

HOSTILE = "</script><script>alert(1)</script>"


def area(box: dict[str, float]) -> float:
    return box["width"] * box["height"]


# --------------------------------------------------------------------------- squarify


def test_squarify_matches_the_worked_example_of_bruls_et_al() -> None:
    # The paper's example: 6, 6, 4, 3, 2, 2, 1 in a 6 x 4 rectangle.
    boxes = squarify([6, 6, 4, 3, 2, 2, 1], 0, 0, 6, 4)
    rounded = [tuple(round(b[k], 3) for k in ("x", "y", "width", "height")) for b in boxes if b]
    # First row: the two 6s stacked in a column 3 wide on the left (the longer side is across).
    assert rounded[0] == (0, 0, 3, 2)
    assert rounded[1] == (0, 2, 3, 2)
    # Second row: 4 and 3 side by side across the top of the remaining 3 x 4, 7/3 high.
    assert rounded[2] == (3, 0, round(12 / 7, 3), round(7 / 3, 3))
    assert rounded[3] == (round(3 + 12 / 7, 3), 0, round(9 / 7, 3), round(7 / 3, 3))
    # Whatever follows fills the remaining 3 x 5/3 strip.
    assert all(b[1] >= 7 / 3 - 1e-3 and b[0] >= 3 - 1e-9 for b in rounded[4:])


@pytest.mark.parametrize("seed", range(5))
def test_squarify_tiles_the_rectangle_in_proportion(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.choice([0, rng.uniform(0.1, 100), rng.randint(1, 5000)]) for _ in range(rng.randint(1, 40))]
    values[0] = 3.0  # at least one positive value
    boxes = squarify(values, 10, 20, 960, 440)
    total = sum(v for v in values if v > 0)
    placed = [(v, b) for v, b in zip(values, boxes, strict=True) if b is not None]
    assert [b is None for b in boxes] == [v <= 0 for v in values]
    assert sum(area(b) for _, b in placed) == pytest.approx(960 * 440)
    for value, box in placed:
        assert area(box) == pytest.approx(value / total * 960 * 440, rel=1e-6)
        assert box["x"] >= 10 - 1e-6 and box["y"] >= 20 - 1e-6
        assert box["x"] + box["width"] <= 970 + 1e-6 and box["y"] + box["height"] <= 460 + 1e-6
    for (_, a), (_, b) in combinations(placed, 2):
        overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
        overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
        assert overlap_x <= 1e-6 or overlap_y <= 1e-6


def test_squarify_beats_slicing_on_aspect_ratio() -> None:
    values = [1.0] * 16
    boxes = [b for b in squarify(values, 0, 0, 400, 400) if b]
    worst = max(max(b["width"] / b["height"], b["height"] / b["width"]) for b in boxes)
    assert worst <= 2.0  # slicing 16 equal values across a square would give 16:1 strips
    assert squarify([], 0, 0, 10, 10) == []
    assert squarify([0, -1], 0, 0, 10, 10) == [None, None]


# --------------------------------------------------------------------------- treemap, matrix, parse chart


def test_treemap_groups_by_top_level_folder_and_language(sample_scan: dict[str, Any]) -> None:
    tm = build_html_view(sample_scan)["visuals"]["treemap"]
    expected: dict[tuple[str, str], int] = {}
    for file in sample_scan["files"]:
        parts = file["path"].split("/")
        key = (parts[0] if len(parts) > 1 else report.ROOT_SUBSYSTEM, file["language"])
        expected[key] = expected.get(key, 0) + file["lines"]["code"]
    code = tm["code"]
    boxes = {(b["subsystem"], b["language"]): b for b in code["boxes"]}
    assert set(boxes) == {key for key, lines in expected.items() if lines}
    total_area = sum(b["width"] * b["height"] for b in code["boxes"])
    total_code = sum(expected.values())
    for key, box in boxes.items():
        assert f"{expected[key]:,} code lines" in box["title"]
        assert box["title"].startswith(f"{key[0]} / {key[1]}: ")
    # The biggest cell gets the biggest box (areas are proportional up to the padding).
    biggest = max(expected, key=lambda k: expected[k])
    assert max(boxes.values(), key=lambda b: b["width"] * b["height"]) is boxes[biggest]
    assert total_area < report.TREEMAP_WIDTH * report.TREEMAP_HEIGHT
    assert code["total"] == f"{total_code:,} code lines"
    # The effort layout sums the components' P50 by the folder of their file.
    effort = sum(c["effort"]["p50"] for c in sample_scan["components"] if c.get("effort") and c.get("file"))
    assert tm["effort"]["total"] == f"{effort:,.1f} person-days"
    assert {g["name"] for g in code["groups"]} == {k[0] for k in boxes}


def test_treemap_folds_many_folders_and_escapes_names(sample_scan: dict[str, Any]) -> None:
    for n in range(report.TREEMAP_MAX_SUBSYSTEMS + 5):
        sample_scan["files"].append({"path": f"f{n:02d}{HOSTILE}/x.cbl", "language": "cobol",
                                     "lines": {"code": 1, "comment": 0, "blank": 0}, "parse": {}})  # fmt: skip
    tm = build_html_view(sample_scan)["visuals"]["treemap"]
    names = {g["name"] for g in tm["code"]["groups"]}
    assert len(names) == report.TREEMAP_MAX_SUBSYSTEMS + 1
    assert tm["folded"] == tm["subsystems"] - report.TREEMAP_MAX_SUBSYSTEMS
    html = FORMATTERS["html"].format(sample_scan)
    assert HOSTILE not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dependency_matrix_counts_every_edge_once(sample_scan: dict[str, Any]) -> None:
    dep = build_html_view(sample_scan)["visuals"]["dependencies"]
    assert dep["total"] == len(sample_scan["edges"])
    assert sum(cell["count"] for cell in dep["cells"]) == len(sample_scan["edges"])
    files = {c["id"]: c.get("file") for c in sample_scan["components"]}

    def sub(component_id: str) -> str:
        path = files.get(component_id)
        return path.split("/")[0] if path else report.NO_FILE_SUBSYSTEM

    inside = sum(1 for e in sample_scan["edges"] if sub(e["source"]) == sub(e["target"]))
    assert dep["internal"] == inside
    assert sum(c["count"] for c in dep["cells"] if c["inside"]) == inside
    # Every cell title names its row and column, and the unscanned bucket sorts last.
    assert dep["names"][-1]["name"] == report.NO_FILE_SUBSYSTEM
    assert all(" → " in cell["title"] for cell in dep["cells"])


def test_parse_chart_has_mean_and_worst_per_language(sample_scan: dict[str, Any]) -> None:
    sample_scan["files"][0]["parse"].update({"status": "partial", "error_ratio": 0.9})
    view = build_html_view(sample_scan)
    chart = view["visuals"]["parse_chart"]
    languages = [row for row in view["parse"]["languages"] if row["mean_error_ratio"] is not None]
    assert [bar["language"] for bar in chart["bars"]] == [row["language"] for row in languages]
    extent = float(chart["ticks"][-1]["label"][:-1])  # the axis ends on a round percentage above the worst
    assert extent == 100.0
    for row, bar in zip(languages, chart["bars"], strict=True):
        assert bar["mean_text"] == report._pct(row["mean_error_ratio"])
        assert bar["worst_text"] == report._pct(row["max_error_ratio"])
        width = row["max_error_ratio"] * 100 * report.PARSE_PLOT_WIDTH / extent
        assert bar["worst_width"] == pytest.approx(max(1.5, width), abs=0.01)
    worst = next(b for b in chart["bars"] if b["language"] == sample_scan["files"][0]["language"])
    assert worst["worst_text"] == "90.0%"
    assert chart["all_zero"] is False


# --------------------------------------------------------------------------- embedded graph


def embedded_graph(html: str) -> dict[str, Any]:
    doc = HtmlDoc(html)
    data: dict[str, Any] = json.loads(doc.data_blocks["graph-data"])
    return data


def test_graph_is_embedded_as_inert_json(sample_scan: dict[str, Any]) -> None:
    sample_scan["components"][0]["name"] = HOSTILE
    html = FORMATTERS["html"].format(sample_scan)
    assert HOSTILE not in html  # not even inside the JSON element
    graph = embedded_graph(html)
    assert len(graph["nodes"]) == len(sample_scan["components"])
    assert HOSTILE in {node[1] for node in graph["nodes"]}
    ids = {c["id"] for c in sample_scan["components"]}
    expected = {(e["source"], e["target"], e["kind"]) for e in sample_scan["edges"]
                if e["source"] in ids and e["target"] in ids}  # fmt: skip
    triples = graph["edges"]
    got = {(graph["nodes"][triples[i]][0], graph["nodes"][triples[i + 1]][0], graph["kinds"][triples[i + 2]])
           for i in range(0, len(triples), 3)}  # fmt: skip
    assert got == expected
    assert graph["capped"] is False
    # Largest first: the table's default order.
    lines = [node[5] for node in graph["nodes"]]
    assert lines == sorted(lines, reverse=True)
    # The first page is rendered server-side too, with a button per component.
    doc = HtmlDoc(html)
    first_page = [a for t, a in doc.tags if t == "button" and a.get("class") == "comp"]
    assert len({a["data-component"] for a in first_page}) >= min(report.COMPONENTS_PAGE, len(graph["nodes"]))


def test_graph_caps_keep_the_reported_components_first(sample_scan: dict[str, Any]) -> None:
    components, edges = sample_scan["components"], sample_scan["edges"]
    first = components[-1]["id"]
    graph = report._graph(components, edges, [first], max_nodes=5, max_edges=3)
    assert len(graph["nodes"]) == 5
    assert first in {node[0] for node in graph["nodes"]}  # a component the report lists elsewhere stays
    assert len(graph["edges"]) <= 9 and graph["shown_edges"] <= 3
    assert graph["capped"] is True
    assert graph["total_nodes"] == len(components)


# --------------------------------------------------------------------------- a 1M-line estate


def synthetic_scan(components: int, edges: int, seed: int = 11) -> dict[str, Any]:
    """About the shape of a 1M-line scan, ten times over: 100,000 programs in 40 folders, 300,000 calls."""
    rng = random.Random(seed)
    languages = ("cobol", "jcl", "pli", "asm", "sql")
    comps, files = [], []
    for i in range(components):
        path = f"sys{i % 40:02d}/P{i:06d}.cbl"
        lines = 10 + i % 500
        comps.append({
            "id": f"program:P{i:06d}", "name": f"P{i:06d}", "kind": "program", "language": languages[i % 5],
            "file": path, "line": 1, "defined": True, "system": False, "fan_in": i % 9, "fan_out": i % 7,
            "metrics": {"code_lines": lines},
            "effort": {"p10": 1.0, "p50": 2.0 + i % 7, "p90": 12.0, "drivers": []},
            "risk": {"score": float(i % 101), "drivers": []},
        })  # fmt: skip
        files.append({"path": path, "language": languages[i % 5], "lines": {"code": lines, "comment": 1, "blank": 1},
                      "parse": {"status": "ok", "error_ratio": (i % 13) / 1000, "parser": "tree-sitter"}})  # fmt: skip
    links = [{"source": f"program:P{rng.randrange(components):06d}",
              "target": f"program:P{rng.randrange(components):06d}",
              "kind": "calls", "resolved": True, "via": "literal", "detail": "", "locations": []}
             for _ in range(edges)]  # fmt: skip
    return {"schema_version": "1.0", "roots": ["estate"], "tool": {"name": "legacy-lens", "version": "test"},
            "files": files, "components": comps, "edges": links, "diagnostics": [], "findings": []}  # fmt: skip


def test_a_100k_component_scan_stays_small_and_light(capsys: pytest.CaptureFixture[str]) -> None:
    scan = synthetic_scan(100_000, 300_000)
    start = time.perf_counter()
    html = FORMATTERS["html"].format(scan)
    seconds = time.perf_counter() - start
    size = len(html.encode("utf-8"))
    with capsys.disabled():
        print(f"\n100,000 components / 300,000 edges: report.html {size / 1e6:.2f} MB in {seconds:.1f} s")
    assert size < 15_000_000
    assert seconds < 120  # generous for slow CI machines; about 7 s on a laptop
    doc = HtmlDoc(html)
    # Nothing in the DOM grows with the estate: tables are cut, the quadrant aggregates.
    assert sum(1 for tag, _ in doc.tags if tag == "tr") < 1_000
    assert len(doc.find("circle")) == report.QUAD_MAX_POINTS
    assert doc.find("rect", **{"class": "density d-5"})  # the rest are counted in shaded squares
    graph = embedded_graph(html)
    assert len(graph["nodes"]) == report.GRAPH_MAX_NODES
    assert len(graph["edges"]) // 3 <= report.GRAPH_MAX_EDGES
    assert graph["total_nodes"] == 100_000 and graph["capped"] is True
    assert "the 10,000 most connected of 100,000 components" in html
    # The quadrant summary still counts every component.
    summary = build_html_view(scan)["effort_risk"]["quadrant_summary"]
    assert sum(row["count"] for row in summary) == 100_000
    assert math.isclose(len(html) / 1e6, size / 1e6, rel_tol=0.05)
