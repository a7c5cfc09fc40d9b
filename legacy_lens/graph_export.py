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

:func:`lineage_graph` is a second view (``export-graph --view lineage``): datasets and the batch steps
that read and write them, so a reader sees which job produces the file another job consumes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

import networkx as nx

__all__ = ["GRAPH_FORMATS", "GRAPH_VIEWS", "MERMAID_MAX_EDGES", "build_graph", "export_graph", "lineage_graph",
           "to_dot", "to_gexf", "to_graphml", "to_mermaid"]

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


# -- dataset lineage through batch ------------------------------------------------------------------------------

_DD_SELECT = re.compile(r"^((?:job|proc):\S+) step (\S+) DD ")
_STEP_RUN_VIAS = ("ikjeft01-run", "dfsrrc00-parm")  # the program a utility step really runs (TSO batch, IMS)
_WRITE_KINDS = ("writes", "updates", "deletes")


def _locations(edge: Mapping[str, Any]) -> list[tuple[str, int]]:
    return [(str(loc.get("file")), int(loc.get("line") or 0)) for loc in edge.get("locations") or []]


def lineage_graph(scan: Mapping[str, Any]) -> Graph:
    """Dataset -> batch step -> dataset, built from the scan's JCL and DD-to-SELECT edges.

    A *step* is the stretch of a job (or proc) between one ``EXEC`` and the next: the scan's ``runs``
    edges with ``via`` ``jcl-exec`` mark where each starts (their locations), and a ``DD`` belongs to the
    last step that starts on or before its line in the same file. The step runs the program of its
    ``EXEC``, or the program a utility runs for it (``ikjeft01-run``, ``dfsrrc00-parm``); its name comes
    from the ``jcl-dd-select`` edges (``job:X step S DD ...``), which also give the program's OPEN mode,
    preferred over the DD's DISP. Steps without such an edge are named by the line of their ``EXEC``.

    The uses are: ``reads``/``writes``/``updates``/``deletes`` edges from jobs and procs with via
    ``jcl-dd``, those with via ``jcl-proc-symbols`` (a cataloged proc's DDs with the caller's symbols
    substituted, placed on the calling step) and the programs' ``jcl-dd-select`` edges. A proc's own DDs
    are left out when a caller's ``jcl-proc-symbols`` edges give them resolved (its defaults, e.g. a
    ``TEST.`` qualifier, are not what runs); otherwise they become steps of the proc, joined to each
    calling step by a ``runs`` edge.

    Nodes: ``step:OWNER.STEP`` (kind ``step``; ``name``, ``label``, ``job`` = the owning job or proc id,
    ``runs`` = the program or proc id, ``file``, ``line``) and ``dataset:DSN`` (kind ``dataset``). Edges:
    dataset -> step ``reads``; step -> dataset ``writes``, ``updates`` or ``deletes`` (an update also
    reads: it gets both); step -> step ``runs`` (job step to the steps of the proc it calls). Each
    edge carries ``via``, ``detail`` and ``locations``. Deterministic: nodes and edges sorted by id.
    """
    components = {str(c["id"]): c for c in scan.get("components") or []}
    edges = list(scan.get("edges") or [])
    # Step starts and the programs utilities run, per (owner, file).
    starts: dict[tuple[str, str], list[tuple[int, str]]] = {}
    inner: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for e in edges:
        src = str(e["source"])
        if e.get("kind") != "runs" or not src.startswith(("job:", "proc:")):
            continue
        table = starts if e.get("via") == "jcl-exec" else inner if e.get("via") in _STEP_RUN_VIAS else None
        if table is None:
            continue
        for file, line in _locations(e):
            table.setdefault((src, file), []).append((line, str(e["target"])))
    for table in (starts, inner):
        for value in table.values():
            value.sort()
    symbol_files = {str(e.get("detail") or "").split(":", 1)[0] for e in edges if e.get("via") == "jcl-proc-symbols"}
    resolved_procs = {cid for cid, c in components.items() if cid.startswith("proc:") and c.get("file") in symbol_files}

    # Every DD use: (owner, file, line, dataset) -> (kinds, via, detail); a program's OPEN mode wins over DISP.
    uses: dict[tuple[str, str, int, str], tuple[set[str], str, str]] = {}
    step_names: dict[tuple[str, str, int], str] = {}
    for e in edges:
        target, kind, via = str(e["target"]), str(e.get("kind")), str(e.get("via") or "")
        if not target.startswith("dataset:") or kind not in ("reads", *_WRITE_KINDS):
            continue
        detail = str(e.get("detail") or "")
        if via == "jcl-dd-select":
            match = _DD_SELECT.match(detail)
            if match is None:
                continue
            owner = match.group(1)
            for file, line in _locations(e):
                step_names[(owner, file, line)] = match.group(2)
                key = (owner, file, line, target)
                previous = uses.get(key)
                kinds = previous[0] if previous is not None and previous[1] == via else set()
                uses[key] = (kinds | {kind}, via, detail)
        elif via in ("jcl-dd", "jcl-proc-symbols") and str(e["source"]).startswith(("job:", "proc:")):
            owner = str(e["source"])
            if via == "jcl-dd" and owner in resolved_procs:
                continue
            for file, line in _locations(e):
                key = (owner, file, line, target)
                previous = uses.get(key)
                if previous is not None and previous[1] == "jcl-dd-select":
                    continue
                uses[key] = ((previous[0] if previous else set()) | {kind}, via, detail)

    def step_of(owner: str, file: str, line: int) -> tuple[str, int, str] | None:
        """(step id, EXEC line, what it runs) of the step holding ``line``; None before the first EXEC."""
        begun = [s for s in starts.get((owner, file), []) if s[0] <= line]
        if not begun:
            return None
        start, runs = begun[-1]
        later = [s[0] for s in starts.get((owner, file), []) if s[0] > start]
        end = later[0] if later else None
        for at, program in inner.get((owner, file), []):
            if at >= start and (end is None or at < end):
                runs = program
        name = next((n for (o, f, at), n in sorted(step_names.items())
                     if o == owner and f == file and at >= start and (end is None or at < end)), None)
        owner_name = owner.partition(":")[2]
        return f"step:{owner_name}.{name or f'@{start}'}", start, runs

    g: Graph = nx.MultiDiGraph(name="legacy-lens lineage")
    nodes: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add_step(owner: str, file: str, line: int) -> str | None:
        found = step_of(owner, file, line)
        if found is None:
            return None
        sid, start, runs = found
        owner_name, runs_name = owner.partition(":")[2], runs.partition(":")[2]
        step = sid[len(f"step:{owner_name}."):]
        nodes[sid] = {"kind": "step", "name": f"{owner_name}.{step}", "label": f"{owner_name}.{step} ({runs_name})",
                      "job": owner, "runs": runs, "file": file, "line": start}
        return sid

    def link(u: str, v: str, kind: str, via: str, detail: str) -> None:
        entry = links.setdefault((u, v, kind), {"kind": kind, "via": via, "detail": detail, "locations": 0})
        entry["locations"] += 1

    for (owner, file, line, dataset), (kinds, via, detail) in sorted(uses.items(), key=lambda kv: (kv[0], kv[1][1])):
        sid = add_step(owner, file, line)
        if sid is None:
            continue
        nodes[dataset] = {"kind": "dataset", "name": dataset.partition(":")[2], "label": dataset.partition(":")[2]}
        for kind in sorted(kinds):
            if kind in ("reads", "updates"):
                link(dataset, sid, "reads", via, detail)
            if kind in _WRITE_KINDS:
                link(sid, dataset, kind, via, detail)
    # Job steps that call a proc whose own steps are in the graph.
    proc_steps: dict[str, list[str]] = {}
    for sid, data in nodes.items():
        if data["kind"] == "step" and str(data["job"]).startswith("proc:"):
            proc_steps.setdefault(str(data["job"]), []).append(sid)
    for (owner, file), begun in sorted(starts.items()):
        for line, runs in begun:
            if runs in proc_steps and not owner.startswith("proc:"):
                sid = add_step(owner, file, line)
                if sid is not None:
                    for target in sorted(proc_steps[runs]):
                        link(sid, target, "runs", "jcl-exec", "")
    for nid in sorted(nodes):
        g.add_node(nid, **_typed(nodes[nid], _LINEAGE_NODE_TYPES))
    for (u, v, _kind), data in sorted(links.items()):
        g.add_edge(u, v, **_typed(data, _EDGE_TYPES))
    return g


_LINEAGE_NODE_TYPES: Mapping[str, Callable[[Any], Any]] = {
    "kind": str, "name": str, "label": str, "job": str, "runs": str, "file": str, "line": int,
}


GRAPH_FORMATS: Mapping[str, Callable[[Graph], str]] = MappingProxyType(
    {"graphml": to_graphml, "gexf": to_gexf, "dot": to_dot, "mermaid": to_mermaid}
)


GRAPH_VIEWS: Mapping[str, Callable[[Mapping[str, Any]], Graph]] = MappingProxyType(
    {"dependencies": build_graph, "lineage": lineage_graph}
)


def export_graph(scan: Mapping[str, Any], fmt: str, view: str = "dependencies") -> str:
    """The scan's graph (``view``, one of :data:`GRAPH_VIEWS`) in ``fmt`` (one of :data:`GRAPH_FORMATS`).

    ValueError for an unknown format or view.
    """
    try:
        writer = GRAPH_FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}") from None
    try:
        builder = GRAPH_VIEWS[view]
    except KeyError:
        raise ValueError(f"unknown graph view {view!r}; choose from {', '.join(GRAPH_VIEWS)}") from None
    return writer(builder(scan))
