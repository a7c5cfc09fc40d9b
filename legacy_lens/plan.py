"""Migration planning over the scan: waves, shared-service candidates and a skills inventory.

Pure functions over the scan dict (the ``scan.json`` contract).

Waves
    Components that depend on each other in a cycle must move together, so the
    dependency graph of the units of migration is condensed into its strongly
    connected components. The condensation is ordered by topological
    generations, dependencies first: a component moves after, or with, what it
    uses. Within a generation, components of the same subsystem (a seeded
    Louvain community of the undirected graph) are kept next to each other.
    Waves are filled in that order up to an effort budget; a group larger than
    the budget gets a wave of its own. Edges that cross a wave boundary are the
    interfaces to bridge while old and new run side by side.

Shared services
    A component used by several subsystems is a candidate for a shared layer:
    a *utility* when it is used by at least ``utility_communities`` subsystems
    and uses no other bespoke code itself (date routines, error handlers); a
    *common service* when it is used by at least ``service_communities``
    subsystems (a customer lookup that reads data); otherwise it is *bespoke*
    to one subsystem.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from legacy_lens.kinds import UNIT_KINDS, platform_services

# Edges along which a component depends on another for migration ordering.
DEPENDENCY_KINDS = ("calls", "links", "xctl", "runs", "includes", "uses-map", "starts", "imports", "extends",
                    "implements", "shares", "contains")


class PlanError(ValueError):
    """A planning setting is out of range (exit code 2)."""


@dataclass(frozen=True, slots=True)
class PlanSettings:
    wave_budget_days: float = 250.0  # P50 person-days per wave: about one team of five for a quarter
    seed: int = 20261126
    utility_communities: int = 3
    service_communities: int = 2


def validate(s: PlanSettings) -> PlanSettings:
    if s.wave_budget_days <= 0:
        raise PlanError(f"plan.wave_budget_days must be greater than 0 (got {s.wave_budget_days})")
    if s.utility_communities < 2 or s.service_communities < 2:
        raise PlanError("plan.utility_communities and plan.service_communities must be at least 2")
    return s


def _effort(c: Mapping[str, Any]) -> tuple[float, float, float]:
    e = c.get("effort") or {}
    return float(e.get("p10", 0.0)), float(e.get("p50", 0.0)), float(e.get("p90", 0.0))


def unit_graph(scan: Mapping[str, Any]) -> nx.DiGraph:  # type: ignore[type-arg]
    """Directed graph of defined units of migration; an edge A -> B means A depends on B."""
    units = {c["id"]: c for c in scan["components"]
             if c["kind"] in UNIT_KINDS and c.get("defined") and not c.get("system")}
    g: nx.DiGraph = nx.DiGraph()  # type: ignore[type-arg]
    g.add_nodes_from(sorted(units))
    for e in scan["edges"]:
        src, dst = e["source"], e["target"]
        if e["kind"] in DEPENDENCY_KINDS and src in units and dst in units and src != dst:
            g.add_edge(src, dst)
    return g


def communities(g: nx.DiGraph, seed: int) -> dict[str, int]:  # type: ignore[type-arg]
    """Subsystem number of every node: seeded Louvain on the undirected graph, numbered by smallest member."""
    if g.number_of_nodes() == 0:
        return {}
    undirected = g.to_undirected()
    groups = nx.community.louvain_communities(undirected, seed=seed) if undirected.number_of_edges() else [
        {n} for n in undirected.nodes]
    ordered = sorted((sorted(group) for group in groups), key=lambda members: members[0])
    return {node: i for i, members in enumerate(ordered) for node in members}


def waves(scan: Mapping[str, Any], s: PlanSettings, blockers: Mapping[str, list[str]] | None = None
          ) -> list[dict[str, Any]]:
    """Dependency-ordered waves with effort, blockers, bridges and an explanation."""
    g = unit_graph(scan)
    if g.number_of_nodes() == 0:
        return []
    by_id = {c["id"]: c for c in scan["components"]}
    community = communities(g, s.seed)
    condensed = nx.condensation(g)
    members: dict[int, list[str]] = {n: sorted(condensed.nodes[n]["members"]) for n in condensed.nodes}
    # Dependencies first: reverse the condensation so that a used component comes before its users.
    order: nx.DiGraph[int] = nx.DiGraph(condensed.reverse(copy=True))
    level = {n: gen for gen, nodes in enumerate(nx.topological_generations(order)) for n in nodes}
    community_of = {n: community.get(members[n][0], 0) for n in order.nodes}
    waiting = {n: order.in_degree(n) for n in order.nodes}
    # Ready components in two kinds of heap (lazy deletion through ``taken``): all of them by (subsystem,
    # level, name), and per subsystem by (level, name). Picking is then logarithmic, not a scan of the
    # ready set (quadratic on a million-line estate).
    every: list[tuple[int, int, str, int]] = []
    by_community: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    taken: set[int] = set()

    def make_ready(x: int) -> None:
        heapq.heappush(every, (community_of[x], level[x], members[x][0], x))
        heapq.heappush(by_community[community_of[x]], (level[x], members[x][0], x))

    for x, d in waiting.items():
        if d == 0:
            make_ready(x)
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    load = 0.0
    last_community = -1
    while True:
        # Stay in the subsystem being moved while it has ready components; then take the lowest one.
        same = by_community.get(last_community, [])
        while same and same[0][2] in taken:
            heapq.heappop(same)
        if same:
            n = heapq.heappop(same)[2]
        else:
            while every and every[0][3] in taken:
                heapq.heappop(every)
            if not every:
                break
            n = heapq.heappop(every)[3]
        taken.add(n)
        size = sum(_effort(by_id[m])[1] for m in members[n])
        if current and load + size > s.wave_budget_days:
            groups.append(current)
            current, load = [], 0.0
        current.append((level[n], n))
        load += size
        last_community = community_of[n]
        for user in order.successors(n):
            waiting[user] -= 1
            if waiting[user] == 0:
                make_ready(user)
    if current:
        groups.append(current)
    wave_of: dict[str, int] = {}
    for i, group in enumerate(groups, start=1):
        for _gen, n in group:
            for m in members[n]:
                wave_of[m] = i
    # Edges that cross a wave boundary, listed once for each of the two waves they join.
    crossing: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for a, b in sorted(g.edges):
        wa, wb = wave_of[a], wave_of[b]
        if wa != wb:
            crossing[wa].append((a, b))
            crossing[wb].append((a, b))
    out = []
    for i, group in enumerate(groups, start=1):
        comps = sorted(m for _level, n in group for m in members[n])
        p10 = sum(_effort(by_id[m])[0] for m in comps)
        p50 = sum(_effort(by_id[m])[1] for m in comps)
        p90 = sum(_effort(by_id[m])[2] for m in comps)
        cycles = [members[n] for _gen, n in group if len(members[n]) > 1]
        gens = sorted({gen for gen, _n in group})
        subsystems = sorted({community[m] + 1 for m in comps})
        bridges = []
        for a, b in crossing.get(i, []):
            wa, wb = wave_of[a], wave_of[b]
            if (wa == i) != (wb == i):
                bridges.append({"from": a, "to": b, "from_wave": wa, "to_wave": wb,
                                "direction": "uses earlier wave" if wa == i and wb < i else
                                "used by later wave" if wb == i and wa > i else "crosses"})
        wave_blockers = sorted({code for m in comps for code in (blockers or {}).get(m, [])})
        reason = [f"Holds {len(comps)} component(s) at dependency level(s) {', '.join(str(x + 1) for x in gens)} "
                  "(level 1 uses no other code in the scan); everything they use is in this wave or an "
                  "earlier one."]
        if cycles:
            reason.append(f"{len(cycles)} dependency cycle(s) move as one unit: "
                          + "; ".join(" <-> ".join(c) for c in cycles) + ".")
        reason.append(f"Subsystem(s) {', '.join(map(str, subsystems))}: a subsystem's components are placed "
                      f"together as far as dependencies and the budget of {s.wave_budget_days:g} person-days "
                      "allow.")
        if p50 > s.wave_budget_days:
            reason.append("Its effort exceeds the budget because a cycle or single component cannot be split.")
        out.append({
            "wave": i, "components": comps,
            "effort": {"p10": round(p10, 1), "p50": round(p50, 1), "p90": round(p90, 1), "unit": "person-days"},
            "blockers": wave_blockers, "bridges": bridges, "subsystems": subsystems,
            "explanation": " ".join(reason),
        })
    return out


def shared_services(scan: Mapping[str, Any], s: PlanSettings) -> list[dict[str, Any]]:
    """Components used from several subsystems, classified as utility or common service."""
    g = unit_graph(scan)
    community = communities(g, s.seed)
    out = []
    for node in sorted(g.nodes):
        if not node.startswith("program:"):
            continue  # shared copybooks are data contracts, not services; they show in the dependency tables
        users = {community[u] for u in g.predecessors(node)} - {community[node]}
        used_by = len(users) + (1 if any(community[u] == community[node] for u in g.predecessors(node)) else 0)
        if used_by < s.service_communities:
            continue
        uses_bespoke = any(g.out_degree(t) > 0 or g.in_degree(t) <= 1 for t in g.successors(node))
        layer = "utility" if used_by >= s.utility_communities and not uses_bespoke else "common service"
        out.append({"component": node, "layer": layer, "subsystems_using": used_by,
                    "callers": sorted(g.predecessors(node)),
                    "reason": f"used by {used_by} subsystems"
                              + ("; depends on no other bespoke code" if not uses_bespoke else
                                 "; depends on other bespoke code")})
    out.sort(key=lambda x: (-x["subsystems_using"], x["component"]))
    return out


def layers(scan: Mapping[str, Any], s: PlanSettings) -> dict[str, str]:
    """Layer of every unit of migration: utility, common service or bespoke."""
    shared = {x["component"]: x["layer"] for x in shared_services(scan, s)}
    return {n: shared.get(n, "bespoke") for n in unit_graph(scan).nodes}


TECHNOLOGIES: Sequence[tuple[str, str]] = (
    ("COBOL", "cobol"), ("JCL", "jcl"), ("CICS", "cics"), ("IMS DL/I", "ims"), ("DB2 SQL", "db2"),
    ("BMS maps", "bms"), ("CICS definitions", "csd"), ("SQL DDL", "sql"),
)


def skills(scan: Mapping[str, Any], authors: Mapping[str, Mapping[str, int]] | None = None) -> list[dict[str, Any]]:
    """Per technology: lines, components, effort share, and (with git history) authors and bus factor."""
    out_edges: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for e in scan["edges"]:
        out_edges[e["source"]].append(e)
    total_effort = sum(_effort(c)[1] for c in scan["components"])
    files_by_lang: dict[str, set[str]] = defaultdict(set)
    lines_by_lang: Counter[str] = Counter()
    for f in scan["files"]:
        if f["parse"]["status"] != "skipped":
            files_by_lang[f["language"]].add(f["path"])
            lines_by_lang[f["language"]] += f["lines"]["code"]
    tech_components: dict[str, set[str]] = defaultdict(set)
    for c in scan["components"]:
        if not c.get("defined") or c.get("system") or not c.get("file"):
            continue
        lang = c.get("language") or ""
        tech_components[lang].add(c["id"])
        own = out_edges.get(c["id"], [])
        for service in platform_services((e["kind"], e["target"], e["via"]) for e in own):
            tech_components[service].add(c["id"])
    by_id = {c["id"]: c for c in scan["components"]}
    out = []
    for label, key in TECHNOLOGIES:
        comps = tech_components.get(key, set())
        if not comps and key not in files_by_lang:
            continue
        files = {by_id[c]["file"] for c in comps if by_id[c].get("file")} | files_by_lang.get(key, set())
        lines = lines_by_lang[key] if key in lines_by_lang else sum(
            (by_id[c].get("metrics") or {}).get("code_lines", 0) for c in comps)
        effort = sum(_effort(by_id[c])[1] for c in comps)
        row: dict[str, Any] = {
            "technology": label, "components": len(comps), "files": len(files), "code_lines": lines,
            "effort_share": round(effort / total_effort, 4) if total_effort else 0.0,
            "authors": None, "bus_factor": None,
        }
        if authors is not None:
            changes: Counter[str] = Counter()
            for path in files:
                changes.update(authors.get(path, {}))
            row["authors"] = len(changes)
            row["bus_factor"] = bus_factor(changes)
        out.append(row)
    return out


def bus_factor(changes: Mapping[str, int]) -> int:
    """The fewest authors who together made more than half of the changes (0 with no changes)."""
    total = sum(changes.values())
    if total == 0:
        return 0
    held = 0
    for count, n in zip(sorted(changes.values(), reverse=True), range(1, len(changes) + 1), strict=True):
        held += count
        if held * 2 > total:
            return n
    return len(changes)


def dead_code(scan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Retire candidates with their evidence: unreached programs and paragraphs."""
    out = []
    for c in scan["components"]:
        if c.get("dead_candidate"):
            out.append({"component": c["id"], "kind": "program", "code_lines": (c.get("metrics") or {}).get(
                "code_lines", 0), "evidence": "no CALL, LINK, XCTL, job step, transaction or menu entry in the "
                                              "scanned code reaches it"})
        for para in (c.get("metrics") or {}).get("dead_paragraphs", []):
            out.append({"component": c["id"], "kind": "paragraph", "paragraph": para, "code_lines": None,
                        "evidence": "not PERFORMed, not reached by GO TO or ALTER, and not reached by falling "
                                    "through from the entry"})
    return out
