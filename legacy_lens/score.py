"""The score stage: effort ranges and risk scores for components, and portfolio totals.

Gathers each component's inputs from the graph, the metrics and the files, and
calls the pure formulas in ``estimate`` and ``risk``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import networkx as nx

from legacy_lens import estimate as est
from legacy_lens import risk as rk
from legacy_lens.graph import Graph
from legacy_lens.kinds import platform_services
from legacy_lens.model import Component, Edge, SourceFile

TEST_NAME = re.compile(r"(^|[/_.-])(tests?|testing|spec)([/_.-]|$)|^T[A-Z0-9]*TEST|TEST$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class History:
    """Per-file git history: commits in the window and the largest author's share."""

    commits: Mapping[str, int]
    top_author_share: Mapping[str, float]
    authors: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # file -> author -> changes
    coupling: tuple[tuple[str, str, int, float], ...] = ()  # (file a, file b, shared commits, degree)
    shallow: bool = False  # a shallow clone: the history is partial


@dataclass(frozen=True, slots=True)
class Scored:
    components: tuple[Component, ...]
    estimate: est.PortfolioEstimate | None


def pagerank(graph: Graph, damping: float = 0.85, iterations: int = 100, tol: float = 1e-10) -> dict[str, float]:
    """PageRank by power iteration over distinct edges (dangling mass spread evenly). Deterministic."""
    nodes = sorted(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    succ: dict[str, list[str]] = {v: sorted(set(graph.successors(v)) - {v}) for v in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(iterations):
        dangling = sum(rank[v] for v in nodes if not succ[v])
        new = dict.fromkeys(nodes, (1.0 - damping) / n + damping * dangling / n)
        for v in nodes:
            out = succ[v]
            if out:
                share = damping * rank[v] / len(out)
                for w in out:
                    new[w] += share
        delta = sum(abs(new[v] - rank[v]) for v in nodes)
        rank = new
        if delta < tol:
            break
    return rank


# Nodes whose reachability is computed together: a block's bitsets cost len(graph) * BLOCK bits of memory.
ANCESTOR_BLOCK = 8192


def ancestor_counts(graph: Graph) -> dict[str, int]:
    """For every node, how many other nodes reach it (``len(nx.ancestors(graph, v))`` for all v at once).

    One pass over the condensation (strongly connected components in topological order) per block of
    ANCESTOR_BLOCK source nodes, propagating bitsets of the block's nodes along the edges: linear in the
    edges per block, where calling ``nx.ancestors`` per node is quadratic (minutes at 10k functions).
    """
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    condensed = nx.condensation(graph)
    mapping: dict[str, int] = condensed.graph["mapping"]
    order = list(nx.topological_sort(condensed))
    preds = {c: list(condensed.predecessors(c)) for c in order}
    index = {v: i for i, v in enumerate(nodes)}
    members: dict[int, list[int]] = {c: [index[v] for v in condensed.nodes[c]["members"]] for c in order}
    counts = dict.fromkeys(range(len(order)), 0)
    for start in range(0, len(nodes), ANCESTOR_BLOCK):
        end = start + ANCESTOR_BLOCK
        own: dict[int, int] = {}
        for c in order:
            bits = 0
            for i in members[c]:
                if start <= i < end:
                    bits |= 1 << (i - start)
            own[c] = bits
        reach: dict[int, int] = {}
        for c in order:  # topological: every predecessor is done
            bits = 0
            for p in preds[c]:
                bits |= reach[p] | own[p]
            reach[c] = bits
            counts[c] += (bits | own[c]).bit_count()
    # A node's ancestors are everything reaching its component, plus its component's other members.
    return {v: counts[mapping[v]] - 1 for v in nodes}


def _cycle_members(graph: Graph) -> set[str]:
    members: set[str] = set()
    for scc in nx.strongly_connected_components(graph):
        if len(scc) > 1:
            members.update(scc)
    members.update(v for v in graph.nodes if graph.has_edge(v, v))
    return members


def score(components: Sequence[Component], edges: Sequence[Edge], graph: Graph, files: Sequence[SourceFile],
          estimate_settings: est.EstimateSettings, risk_settings: rk.RiskSettings,
          history: History | None = None) -> Scored:
    """Attach effort and risk to every unit of migration, and total the estimate."""
    by_path = {f.path: f for f in files}
    out_edges: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        out_edges[e.source].append(e)
    ranks = pagerank(graph)
    average = 1.0 / len(ranks) if ranks else 1.0
    cycles = _cycle_members(graph)
    ancestors = ancestor_counts(graph)
    tested = {e.target for e in edges if TEST_NAME.search(e.source.split(":", 1)[1])}
    tested |= {e.target for e in edges if any(TEST_NAME.search(loc.file) for loc in e.locations)}
    result: list[Component] = []
    efforts: list[est.Effort] = []
    code_lines = 0
    for c in components:
        if c.kind not in est.ESTIMATED_KINDS or not c.defined or c.metrics is None:
            result.append(c)
            continue
        own = out_edges.get(c.id, [])
        services = platform_services((e.kind, e.target, e.via) for e in own)
        cics, ims, db2 = "cics" in services, "ims" in services, "db2" in services
        unresolved = sum(1 for e in own if not e.resolved)
        source_file = by_path.get(c.file or "")
        error_ratio = source_file.parse.error_ratio if source_file else 0.0
        m = c.metrics
        effort = est.component_effort(est.EffortInputs(
            language=c.language or "", code_lines=m.code_lines, complexity=m.complexity, goto_count=m.goto_count,
            alter_count=m.alter_count, fan_in=c.fan_in, fan_out=c.fan_out, in_cycle=c.id in cycles, cics=cics,
            ims=ims, db2=db2, unresolved_refs=unresolved, parse_error_ratio=error_ratio), estimate_settings)
        commits = top_share = None
        if history is not None and c.file is not None:
            commits = history.commits.get(c.file, 0)
            top_share = history.top_author_share.get(c.file)
        transitive = ancestors.get(c.id, 0)
        risk = rk.component_risk(rk.RiskInputs(
            complexity=m.complexity, code_lines=m.code_lines,
            pagerank_relative=ranks.get(c.id, 0.0) / average, transitive_fan_in=transitive,
            in_cycle=c.id in cycles, unresolved_refs=unresolved, parse_error_ratio=error_ratio,
            platform_services=int(cics) + int(ims) + int(db2), tested=c.id in tested,
            commits=commits, top_author_share=top_share), risk_settings)
        if effort is not None:
            efforts.append(effort)
            code_lines += m.code_lines
        result.append(replace(c, effort=effort, risk=risk))
    portfolio = est.portfolio(efforts, code_lines, estimate_settings) if efforts else None
    return Scored(tuple(result), portfolio)
