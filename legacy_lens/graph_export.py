"""The dependency graph of a scan as GraphML, GEXF, DOT or Mermaid.

:func:`build_graph` turns the ``scan.json`` contract into a
``networkx.MultiDiGraph``: one node per component (id = component id), one
edge per scan edge (several edges may join the same pair, e.g. ``reads`` and
``writes`` of one dataset). Attributes whose value is missing are left out,
because GraphML and GEXF cannot hold ``None``; every attribute keeps one type
on every node or edge, so the writers declare one type per key.

Node attributes: ``kind``, ``name`` (also ``label``, which Gephi shows),
``language``, ``file``, ``line``, ``defined``, ``system``, ``dead_candidate``,
``fan_in``, ``fan_out``, ``risk_score`` and ``effort_p50``. Edge attributes:
``kind``, ``via``, ``resolved``, ``detail`` and ``locations`` (how many places
in the code make the reference).

- GraphML and GEXF go through networkx's writers (GEXF 1.2draft, which Gephi
  opens; its ``lastmodifieddate`` is left out so the output is deterministic).
  Characters XML 1.0 cannot carry (control characters) become U+FFFD.
- DOT is written here, not through ``nx.nx_pydot``: every component id
  contains ``:`` (``program:PAYROLL``), which DOT reads as a node port unless
  the id is quoted, and networkx's pydot bridge refuses such names; a small
  writer that quotes every id and value needs no extra dependency. Inside a
  quoted DOT string ``"`` is written ``\\"``, a backslash ``\\\\`` and a line
  break ``\\n`` (Graphviz's escString conventions). The name is the node's
  ``label`` (a ``name`` attribute would break pydot and ``nx.nx_pydot.read_dot``).
- Mermaid (``flowchart LR``) uses generated node ids (``n0``, ``n1`` ... in id
  order) and quoted labels in which every character other than letters, digits,
  space and ``_.,:/()-`` is written as a ``#code;`` entity, so no name can break
  the syntax. It holds at most :data:`MERMAID_MAX_EDGES` edges (and their
  nodes); a capped diagram says so in a ``%%`` comment. Unresolved references
  are dotted arrows.

All four are deterministic: nodes in id order, edges in scan order.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

import networkx as nx

__all__ = ["GRAPH_FORMATS", "MERMAID_MAX_EDGES", "build_graph", "export_graph", "to_dot", "to_gexf",
           "to_graphml", "to_mermaid"]

MERMAID_MAX_EDGES = 500

if TYPE_CHECKING:
    Graph: TypeAlias = nx.MultiDiGraph[str]
else:
    Graph = nx.MultiDiGraph

_NODE_FIELDS = ("kind", "name", "language", "file", "line", "defined", "system", "dead_candidate", "fan_in",
                "fan_out")
_NODE_TYPES: Mapping[str, Callable[[Any], Any]] = {
    "kind": str, "name": str, "label": str, "language": str, "file": str, "line": int, "defined": bool,
    "system": bool, "dead_candidate": bool, "fan_in": int, "fan_out": int, "risk_score": float,
    "effort_p50": float,
}
_EDGE_TYPES: Mapping[str, Callable[[Any], Any]] = {
    "kind": str, "via": str, "resolved": bool, "detail": str, "locations": int,
}
# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _typed(values: Mapping[str, Any], types: Mapping[str, Callable[[Any], Any]]) -> dict[str, Any]:
    return {k: types[k](v) for k, v in values.items() if v is not None}


def build_graph(scan: Mapping[str, Any]) -> Graph:
    """A MultiDiGraph of the scan's components and edges (see the module docstring)."""
    g: Graph = nx.MultiDiGraph(name="legacy-lens")
    for c in sorted(scan.get("components") or [], key=lambda c: str(c["id"])):
        attrs = {k: c.get(k) for k in _NODE_FIELDS}
        attrs["label"] = c.get("name")
        attrs["risk_score"] = (c.get("risk") or {}).get("score")
        attrs["effort_p50"] = (c.get("effort") or {}).get("p50")
        g.add_node(str(c["id"]), **_typed(attrs, _NODE_TYPES))
    for e in scan.get("edges") or []:
        for end in (str(e["source"]), str(e["target"])):
            if end not in g:  # a reference to something the scan did not list as a component
                kind, _, name = end.partition(":")
                g.add_node(end, kind=kind, name=name or end, label=name or end, defined=False)
        attrs = {"kind": e.get("kind"), "via": e.get("via"), "resolved": e.get("resolved"),
                 "detail": e.get("detail"), "locations": len(e.get("locations") or [])}
        g.add_edge(str(e["source"]), str(e["target"]), **_typed(attrs, _EDGE_TYPES))
    return g


def _xml_safe(g: Graph) -> Graph:
    """A copy of ``g`` whose strings (ids and values) hold only characters XML 1.0 allows."""
    def clean(value: Any) -> Any:
        return _XML_INVALID.sub("\ufffd", value) if isinstance(value, str) else value

    out: Graph = nx.MultiDiGraph(name=g.graph.get("name", ""))
    for node, data in g.nodes(data=True):
        out.add_node(clean(node), **{k: clean(v) for k, v in data.items()})
    for u, v, data in g.edges(data=True):
        out.add_edge(clean(u), clean(v), **{k: clean(x) for k, x in data.items()})
    return out


def to_graphml(g: Graph) -> str:
    """GraphML through networkx's writer."""
    return "\n".join(nx.generate_graphml(_xml_safe(g), encoding="utf-8", prettyprint=True)) + "\n"


def to_gexf(g: Graph) -> str:
    """GEXF 1.2draft through networkx's writer, without the date it would stamp."""
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(_xml_safe(g))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue().decode("utf-8") + "\n"


def _dot_quote(value: Any) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    text = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))
    text = re.sub("[\x00-\x08\x0b-\x1f\x7f]", "\ufffd", text)
    return f'"{text}"'


def _dot_attrs(data: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_dot_quote(v)}" for k, v in sorted(data.items()))


def to_dot(g: Graph) -> str:
    """Graphviz DOT with every id and value quoted."""
    lines = [f"digraph {_dot_quote(g.graph.get('name') or 'legacy-lens')} {{",
             "  graph [rankdir=LR];", '  node [shape=box, fontname="Helvetica"];']
    for node, data in g.nodes(data=True):
        # ``label`` carries the name: an attribute called ``name`` breaks pydot (and networkx's read_dot).
        attrs = {k: v for k, v in data.items() if k != "name"}
        lines.append(f"  {_dot_quote(node)} [{_dot_attrs(attrs)}];")
    for u, v, key, data in g.edges(keys=True, data=True):
        style = {} if data.get("resolved", True) else {"style": "dashed"}
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)} [{_dot_attrs({'key': key, **data, **style})}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


_MERMAID_PLAIN = re.compile(r"[A-Za-z0-9 _.,:/()-]")


def _mermaid_text(value: Any) -> str:
    return "".join(ch if _MERMAID_PLAIN.fullmatch(ch) else f"#{ord(ch)};" for ch in str(value))


def to_mermaid(g: Graph, max_edges: int = MERMAID_MAX_EDGES) -> str:
    """A Mermaid ``flowchart LR``; at most ``max_edges`` edges, with a comment when capped."""
    ids = {node: f"n{i}" for i, node in enumerate(g.nodes)}
    edges = list(g.edges(data=True))
    shown = edges[:max_edges]
    capped = len(edges) > max_edges
    nodes = [n for n in g.nodes if n in {x for u, v, _ in shown for x in (u, v)}] if capped else list(g.nodes)
    lines = ["flowchart LR"]
    if capped:
        lines.append(f"  %% capped: showing {len(shown)} of {len(edges)} edges and the {len(nodes)} of "
                     f"{g.number_of_nodes()} nodes they join; export graphml or gexf for the whole graph")
    for node in nodes:
        data = g.nodes[node]
        label = f"{data.get('name', node)} ({data['kind']})" if data.get("kind") else str(data.get("name", node))
        lines.append(f'  {ids[node]}["{_mermaid_text(label)}"]')
    for u, v, data in shown:
        arrow = "-->" if data.get("resolved", True) else "-.->"
        lines.append(f'  {ids[u]} {arrow}|"{_mermaid_text(data.get("kind", ""))}"| {ids[v]}')
    return "\n".join(lines) + "\n"


GRAPH_FORMATS: Mapping[str, Callable[[Graph], str]] = MappingProxyType(
    {"graphml": to_graphml, "gexf": to_gexf, "dot": to_dot, "mermaid": to_mermaid}
)


def export_graph(scan: Mapping[str, Any], fmt: str) -> str:
    """The scan's graph in ``fmt`` (one of :data:`GRAPH_FORMATS`); ValueError for an unknown format."""
    try:
        writer = GRAPH_FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}") from None
    return writer(build_graph(scan))
