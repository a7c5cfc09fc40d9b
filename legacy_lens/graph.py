"""The dependency graph: a ``networkx.MultiDiGraph`` over components.

Nodes are component ids with the component's fields as attributes; edges are
keyed by kind and carry ``resolved``, ``via``, ``detail`` and their locations.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeAlias

import networkx as nx

from legacy_lens.model import Component, Edge

# Edges that make a program reachable: something runs, calls or routes to it.
ENTRY_EDGE_KINDS = {"calls", "links", "xctl", "runs", "starts"}


if TYPE_CHECKING:
    Graph: TypeAlias = nx.MultiDiGraph[Any]
else:
    Graph = nx.MultiDiGraph


def build_graph(components: list[Component], edges: list[Edge]) -> Graph:
    """Build the graph; every edge endpoint is a component."""
    graph: Graph = nx.MultiDiGraph()
    for c in components:
        graph.add_node(c.id, kind=c.kind, name=c.name, defined=c.defined, system=c.system)
    for e in edges:
        graph.add_edge(e.source, e.target, key=f"{e.kind}|{e.via}", kind=e.kind, via=e.via, resolved=e.resolved,
                       detail=e.detail, locations=[(loc.file, loc.line) for loc in e.locations])
    return graph


def annotate(components: list[Component], graph: Graph) -> list[Component]:
    """Fill fan-in/fan-out (distinct neighbours) and the dead-program flag.

    A program is a dead candidate when nothing runs, calls or routes to it, and only in a language that
    the scan shows being started from somewhere (JCL, CICS definitions, scripts, other programs): a C or
    Fortran estate scanned without the scripts or schedules that run it says nothing about what is dead.
    """
    language_of = {c.id: c.language for c in components}
    entered_languages = {
        language_of.get(dst) for src, dst, data in graph.edges(data=True)
        if data["kind"] in ENTRY_EDGE_KINDS and src != dst and str(dst).startswith("program:")
    }
    out = []
    for c in components:
        preds = set(graph.predecessors(c.id)) - {c.id}
        succs = set(graph.successors(c.id)) - {c.id}
        dead = False
        if c.kind == "program" and c.defined and not c.system and c.language in entered_languages:
            entered = any(
                data["kind"] in ENTRY_EDGE_KINDS
                for src, _dst, data in graph.in_edges(c.id, data=True)
                if src != c.id
            )
            dead = not entered
        out.append(replace(c, fan_in=len(preds), fan_out=len(succs), dead_candidate=dead))
    return out
