"""Transitive fan-in for every node at once equals networkx's per-node ancestors, blocks and cycles included."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from legacy_lens import score


@pytest.mark.parametrize("seed", range(25))
def test_ancestor_counts_match_networkx(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(score, "ANCESTOR_BLOCK", 7)  # several blocks even on a small graph
    rng = random.Random(seed)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    n = rng.randint(1, 40)
    graph.add_nodes_from(f"program:P{i}" for i in range(n))
    for _ in range(rng.randint(0, 90)):
        graph.add_edge(f"program:P{rng.randrange(n)}", f"program:P{rng.randrange(n)}", key=str(rng.random()))
    assert score.ancestor_counts(graph) == {v: len(nx.ancestors(graph, v)) for v in graph.nodes}


def test_empty_graph() -> None:
    assert score.ancestor_counts(nx.MultiDiGraph()) == {}
