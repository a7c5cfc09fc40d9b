"""Graph exports: GraphML/GEXF read back with networkx, DOT parsed back with pydot, Mermaid well formed; CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pydot
import pytest
from export_names import AWKWARD_NAME, FORMULA_NAME, MARKUP_NAME
from typer.testing import CliRunner

from legacy_lens.cli import app
from legacy_lens.graph_export import GRAPH_FORMATS, build_graph, export_graph, to_mermaid

runner = CliRunner()
HOSTILE_IDS = {f"program:{FORMULA_NAME}", f"program:{AWKWARD_NAME}", f"program:{MARKUP_NAME}"}


def test_build_graph_attributes(example: dict[str, Any]) -> None:
    g = build_graph(example)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == len(example["components"]) == 93
    assert g.number_of_edges() == len(example["edges"]) == 179
    by_id = {c["id"]: c for c in example["components"]}
    payroll = g.nodes["program:BNB100"]
    c = by_id["program:BNB100"]
    assert payroll == {"kind": "program", "name": "BNB100", "label": "BNB100", "language": "cobol",
                       "file": c["file"], "line": c["line"], "defined": True, "system": False,
                       "dead_candidate": False, "fan_in": c["fan_in"], "fan_out": c["fan_out"],
                       "risk_score": c["risk"]["score"], "effort_p50": c["effort"]["p50"]}
    # Missing values are left out, never None (GraphML and GEXF cannot hold None).
    assert all(v is not None for _n, data in g.nodes(data=True) for v in data.values())
    dataset = next(n for n, d in g.nodes(data=True) if d["kind"] == "dataset")
    assert "effort_p50" not in g.nodes[dataset] and "risk_score" not in g.nodes[dataset]
    first = example["edges"][0]
    data = g.get_edge_data(first["source"], first["target"])[0]
    assert data == {"kind": first["kind"], "via": first["via"], "resolved": first["resolved"],
                    "detail": first["detail"], "locations": len(first["locations"])}


def test_graphml_reads_back(hostile: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    path.write_text(export_graph(hostile, "graphml"), encoding="utf-8")
    back = nx.read_graphml(path, force_multigraph=True)
    g = build_graph(hostile)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert set(back.nodes) >= HOSTILE_IDS
    assert "program:CTRL\ufffdCHAR" in back  # a control character XML cannot carry is replaced
    assert back.nodes["program:BNB100"] == g.nodes["program:BNB100"]
    assert back.nodes[f"program:{AWKWARD_NAME}"]["name"] == AWKWARD_NAME
    assert back.nodes[f"program:{AWKWARD_NAME}"]["risk_score"] == 12.5
    edges = back.get_edge_data(f"program:{FORMULA_NAME}", f"program:{MARKUP_NAME}")
    assert [dict(d) for d in edges.values()] == [{"kind": "calls", "via": "unresolved-dynamic", "resolved": False,
                                                  "detail": "+1 \\ trailing\\", "locations": 1}]


def test_gexf_reads_back(hostile: dict[str, Any], tmp_path: Path) -> None:
    text = export_graph(hostile, "gexf")
    assert "lastmodifieddate" not in text
    path = tmp_path / "g.gexf"
    path.write_text(text, encoding="utf-8")
    back = nx.read_gexf(path)
    g = build_graph(hostile)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert set(back.nodes) >= HOSTILE_IDS
    node = back.nodes["program:BNB100"]
    expected = g.nodes["program:BNB100"]
    assert node["label"] == "BNB100"
    for key in ("kind", "name", "language", "file", "defined", "system", "fan_in", "fan_out", "risk_score",
                "effort_p50"):
        assert node[key] == expected[key], key
    awkward = back.nodes[f"program:{AWKWARD_NAME}"]
    assert awkward["name"] == AWKWARD_NAME and awkward["effort_p50"] == 2.0


def _unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"'), token
    body = token[1:-1]
    return re.sub(r'\\(["\\n])', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), body)


def test_dot_parses_back_with_pydot(hostile: dict[str, Any]) -> None:
    text = export_graph(hostile, "dot")
    parsed = pydot.graph_from_dot_data(text)
    assert parsed is not None and len(parsed) == 1
    graph = parsed[0]
    assert graph.get_type() == "digraph"
    nodes = {_unquote(n.get_name()): n for n in graph.get_nodes() if n.get_name() not in ("node", "graph", "edge")}
    g = build_graph(hostile)
    expected_ids = {n.replace("\x01", "\ufffd") for n in g.nodes}
    assert set(nodes) == expected_ids
    assert set(nodes) >= HOSTILE_IDS
    edges = graph.get_edges()
    assert len(edges) == g.number_of_edges()
    assert {(_unquote(e.get_source()), _unquote(e.get_destination())) for e in edges} == {
        (u.replace("\x01", "\ufffd"), v.replace("\x01", "\ufffd")) for u, v in g.edges()}
    attrs = nodes[f"program:{AWKWARD_NAME}"].get_attributes()
    assert _unquote(attrs["label"]) == AWKWARD_NAME and "name" not in attrs
    assert _unquote(attrs["risk_score"]) == "12.5"
    dashed = [e for e in edges if _unquote(e.get_destination()) == f"program:{MARKUP_NAME}"]
    assert len(dashed) == 1 and _unquote(dashed[0].get_attributes()["style"]) == "dashed"
    assert _unquote(dashed[0].get_attributes()["detail"]) == "+1 \\ trailing\\"


NODE_LINE = re.compile(r'^  (n\d+)\["([^"<>`\n]*)"\]$')
EDGE_LINE = re.compile(r'^  (n\d+) (-->|-\.->)\|"([^"<>`|\n]*)"\| (n\d+)$')


def _mermaid_parts(text: str) -> tuple[dict[str, str], list[tuple[str, str, str, str]], list[str]]:
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str, str]] = []
    comments: list[str] = []
    for line in lines[1:]:
        if m := NODE_LINE.match(line):
            assert m.group(1) not in nodes
            nodes[m.group(1)] = m.group(2)
        elif m := EDGE_LINE.match(line):
            edges.append((m.group(1), m.group(2), m.group(3), m.group(4)))
        elif line.startswith("  %% "):
            comments.append(line)
        else:
            pytest.fail(f"line is neither a node, an edge nor a comment: {line!r}")
    for src, _arrow, _label, dst in edges:
        assert src in nodes and dst in nodes
    return nodes, edges, comments


def test_mermaid_is_well_formed_with_safe_ids(hostile: dict[str, Any]) -> None:
    text = export_graph(hostile, "mermaid")
    nodes, edges, comments = _mermaid_parts(text)
    assert comments == []
    assert len(nodes) == len(hostile["components"])
    assert len(edges) == len(hostile["edges"])
    assert 'a#34;b#60;c#62; (program)' in nodes.values()  # a"b<c>
    assert "#61;HYPERLINK(#34;x#34;) (program)" in nodes.values()
    assert "PAY, #34;DAILY#34;#10;RUN (program)" in nodes.values()
    arrows = {(label, arrow) for _s, arrow, label, _d in edges}
    assert ("calls", "-.->") in arrows and ("calls", "-->") in arrows


def test_mermaid_is_capped_with_a_comment(example: dict[str, Any]) -> None:
    nodes, edges, comments = _mermaid_parts(to_mermaid(build_graph(example), max_edges=10))
    assert len(edges) == 10
    assert len(comments) == 1 and "capped: showing 10 of 179 edges" in comments[0]
    assert set(nodes) == {x for s, _a, _l, d in edges for x in (s, d)}


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_graph_exports_are_deterministic(example: dict[str, Any], fmt: str) -> None:
    first = export_graph(example, fmt)
    shuffled = dict(example, components=list(reversed(example["components"])))
    assert export_graph(json.loads(json.dumps(example)), fmt) == first
    assert export_graph(shuffled, fmt) == first  # nodes are written in id order


def test_unknown_format_is_a_value_error(example: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="graphml, gexf, dot, mermaid"):
        export_graph(example, "png")


# ----------------------------------------------------------------------------------- CLI


@pytest.fixture()
def scan_file(example: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    return path


def test_cli_writes_to_stdout(scan_file: Path) -> None:
    result = runner.invoke(app, ["export-graph", str(scan_file), "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("flowchart LR\n")
    assert result.stdout == export_graph(json.loads(scan_file.read_text(encoding="utf-8")), "mermaid")


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_cli_writes_a_file(scan_file: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(app, ["export-graph", str(scan_file), "--format", fmt.upper(), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert out.read_text(encoding="utf-8") == export_graph(json.loads(scan_file.read_text(encoding="utf-8")), fmt)


def test_cli_bad_format_exits_2(scan_file: Path) -> None:
    result = runner.invoke(app, ["export-graph", str(scan_file), "--format", "png"])
    assert result.exit_code == 2
    assert "unknown graph format 'png'" in result.stderr and "graphml, gexf, dot, mermaid" in result.stderr


@pytest.mark.parametrize(("content", "message"), [
    (None, "scan file not found"),
    ("{not json", "is not JSON"),
    ('{"components": []}', "no schema_version"),
    ('{"schema_version": "2.0", "components": [], "edges": []}', "schema version 2.0"),
    ('{"schema_version": "1.0", "components": [{"name": "X"}], "edges": []}', "cannot be exported"),
    ('{"schema_version": "1.0", "components": [], "edges": [{"source": "a:b"}]}', "cannot be exported"),
])
def test_cli_bad_scan_exits_2(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "scan.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["export-graph", str(path), "--format", "dot"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
