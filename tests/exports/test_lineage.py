"""Dataset lineage through batch (``export-graph --view lineage``) on the multi-job example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from legacy_lens.cli import app
from legacy_lens.graph_export import GRAPH_FORMATS, export_graph, lineage_graph

runner = CliRunner()


def _writers(g: Any, dataset: str) -> set[str]:
    return {u for u, _v, k in g.in_edges(dataset, data="kind") if k in ("writes", "updates", "deletes")}


def _readers(g: Any, dataset: str) -> set[str]:
    return {v for _u, v, k in g.out_edges(dataset, data="kind") if k == "reads"}


def test_payments_produced_by_bnb100_step_and_consumed_by_two_steps(example: dict[str, Any]) -> None:
    g = lineage_graph(example)
    assert g.nodes["step:BNNIGHT1.PAYCALC"] == {
        "kind": "step", "name": "BNNIGHT1.PAYCALC", "label": "BNNIGHT1.PAYCALC (BNB100)", "job": "job:BNNIGHT1",
        "runs": "program:BNB100", "file": "jcl/BNNIGHT1.jcl", "line": 44}
    assert _writers(g, "dataset:PROD.BN.PAYMENTS") == {"step:BNNIGHT1.PAYCALC"}
    assert _readers(g, "dataset:PROD.BN.PAYMENTS") == {"step:BNNIGHT1.CHQALLOC", "step:BNNIGHT1.RPT01"}
    assert {g.nodes[s]["runs"] for s in _readers(g, "dataset:PROD.BN.PAYMENTS")} == {
        "program:BNLEGACY", "program:BNRPT01"}
    # The program's OPEN OUTPUT (jcl-dd-select) names the edge, not the DD's DISP.
    [edge] = g.get_edge_data("step:BNNIGHT1.PAYCALC", "dataset:PROD.BN.PAYMENTS").values()
    assert edge == {"kind": "writes", "via": "jcl-dd-select", "locations": 1,
                    "detail": "job:BNNIGHT1 step PAYCALC DD PAYOUT -> SELECT PAYMENTS-FILE (OPEN OUTPUT)"}


def test_extract_written_by_proc_with_symbols_and_read_by_bnb100(example: dict[str, Any]) -> None:
    g = lineage_graph(example)
    extract = "dataset:PROD.BN.CLAIMS.EXTRACT"
    assert g.nodes["step:BNNIGHT1.@40"]["runs"] == "proc:BNEXTRCT"
    assert _writers(g, extract) == {"step:BNNIGHT1.@40", "step:BNNIGHT1.@30"}  # @30: IEFBR14 deletes last night's
    assert g.nodes["step:BNNIGHT1.@30"]["runs"] == "program:IEFBR14"
    assert _readers(g, extract) == {"step:BNNIGHT1.PAYCALC"}
    assert nx.has_path(g, "dataset:PROD.BN.CLAIMS.KSDS", "dataset:PROD.BN.PAYRPT.DAILY")
    # The proc's own defaults (TEST.*) are replaced by the caller's substituted DDs.
    assert not [n for n in g if n.startswith("dataset:TEST.")]


def test_in_stream_proc_steps_joined_to_the_calling_step(example: dict[str, Any]) -> None:
    g = lineage_graph(example)
    assert g.nodes["step:BNPRINT.@20"]["job"] == "proc:BNPRINT"
    assert [k for _u, _v, k in g.out_edges("step:BNNIGHT1.@106", data="kind")] == ["runs"]
    assert _readers(g, "dataset:PROD.BN.PAYRPT.DAILY") == {"step:BNPRINT.@20"}


def test_only_steps_and_datasets_and_deterministic(example: dict[str, Any]) -> None:
    g = lineage_graph(example)
    assert {d["kind"] for _n, d in g.nodes(data=True)} == {"step", "dataset"}
    assert list(g.nodes) == sorted(g.nodes)
    for fmt in GRAPH_FORMATS:
        assert export_graph(example, fmt, "lineage") == export_graph(json.loads(json.dumps(example)), fmt, "lineage")
    with pytest.raises(ValueError, match="unknown graph view"):
        export_graph(example, "dot", "nope")


def test_empty_scan_gives_an_empty_lineage() -> None:
    g = lineage_graph({"components": [], "edges": []})
    assert g.number_of_nodes() == 0 and g.number_of_edges() == 0


def test_cli_lineage_graphml_reads_back(example: dict[str, Any], tmp_path: Path) -> None:
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(example), encoding="utf-8")
    out = tmp_path / "lineage.graphml"
    result = runner.invoke(app, ["export-graph", str(scan), "--view", "lineage", "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(out, force_multigraph=True)
    assert back.nodes["step:BNNIGHT1.PAYCALC"]["runs"] == "program:BNB100"
    assert back.number_of_edges() == lineage_graph(example).number_of_edges()
    mermaid = runner.invoke(app, ["export-graph", str(scan), "--view", "lineage", "-f", "mermaid"])
    assert mermaid.exit_code == 0 and "BNNIGHT1.PAYCALC (step)" in mermaid.output
    bad = runner.invoke(app, ["export-graph", str(scan), "--view", "flows"])
    assert bad.exit_code == 2 and "unknown graph view" in bad.output
