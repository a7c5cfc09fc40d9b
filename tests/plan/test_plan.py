"""Waves on hand-built graphs (a cycle, a diamond, a long chain, islands), shared services, skills."""

from __future__ import annotations

from typing import Any

import pytest

from legacy_lens import plan as pl

S = pl.PlanSettings(wave_budget_days=10.0)


def _scan(edges: list[tuple[str, str]], effort: dict[str, float] | None = None) -> dict[str, Any]:
    names = sorted({n for e in edges for n in e} | set(effort or {}))
    comps = []
    for n in names:
        p50 = (effort or {}).get(n, 1.0)
        comps.append({"id": f"program:{n}", "kind": "program", "name": n, "defined": True, "system": False,
                      "language": "cobol", "file": f"{n}.cbl", "metrics": {"code_lines": 100},
                      "effort": {"p10": p50 / 2, "p50": p50, "p90": p50 * 2}})
    return {"components": comps, "files": [],
            "edges": [{"source": f"program:{a}", "target": f"program:{b}", "kind": "calls", "via": "literal",
                       "resolved": True, "detail": "", "locations": [{"file": f"{a}.cbl", "line": 1}]}
                      for a, b in edges]}


def _wave_of(waves: list[dict[str, Any]]) -> dict[str, int]:
    return {c: w["wave"] for w in waves for c in w["components"]}


def _assert_valid(scan: dict[str, Any], waves: list[dict[str, Any]]) -> None:
    """No component moves before what it depends on, and every component is in exactly one wave."""
    wave_of = _wave_of(waves)
    assert sorted(wave_of) == sorted(c["id"] for c in scan["components"])
    assert sum(len(w["components"]) for w in waves) == len(wave_of)
    for e in scan["edges"]:
        assert wave_of[e["source"]] >= wave_of[e["target"]], e


@pytest.mark.parametrize("edges, effort", [
    ([("A", "B"), ("B", "C"), ("C", "A"), ("D", "A")], {"A": 4, "B": 4, "C": 4, "D": 1}),  # cycle
    ([("TOP", "L"), ("TOP", "R"), ("L", "BOTTOM"), ("R", "BOTTOM")], None),  # diamond
    ([(f"P{i:02d}", f"P{i + 1:02d}") for i in range(30)], None),  # long chain
    ([("A", "B"), ("C", "D"), ("E", "F")], {"X": 1.0}),  # islands and a loner
])
def test_waves_respect_dependencies_and_are_deterministic(edges: list[tuple[str, str]],
                                                          effort: dict[str, float] | None) -> None:
    scan = _scan(edges, effort)
    waves = pl.waves(scan, S)
    _assert_valid(scan, waves)
    assert pl.waves(scan, S) == waves
    assert [w["wave"] for w in waves] == list(range(1, len(waves) + 1))


def test_a_cycle_moves_together_even_over_budget() -> None:
    scan = _scan([("A", "B"), ("B", "C"), ("C", "A"), ("D", "A")], {"A": 4, "B": 4, "C": 4, "D": 1})
    waves = pl.waves(scan, S)
    wave_of = _wave_of(waves)
    assert wave_of["program:A"] == wave_of["program:B"] == wave_of["program:C"]
    cycle_wave = next(w for w in waves if "program:A" in w["components"])
    assert cycle_wave["effort"]["p50"] == 12.0  # over the budget of 10: a cycle cannot be split
    assert "cannot be split" in cycle_wave["explanation"]
    assert "program:A <-> program:B <-> program:C" in cycle_wave["explanation"]
    assert wave_of["program:D"] >= cycle_wave["wave"]


def test_budget_splits_a_chain_and_bridges_cross_the_boundary() -> None:
    scan = _scan([(f"P{i:02d}", f"P{i + 1:02d}") for i in range(29)])  # 30 components of 1 day
    waves = pl.waves(scan, S)
    assert [len(w["components"]) for w in waves] == [10, 10, 10]
    assert waves[0]["components"][0] == "program:P20"  # the chain's end (used by the rest) moves first
    bridges = waves[1]["bridges"]
    assert {(b["from"], b["to"]) for b in bridges} == {("program:P19", "program:P20"),
                                                      ("program:P09", "program:P10")}


def test_islands_keep_their_subsystems_together() -> None:
    scan = _scan([("A1", "A2"), ("A2", "A3"), ("B1", "B2"), ("B2", "B3")])
    waves = pl.waves(scan, pl.PlanSettings(wave_budget_days=3.0))
    assert [sorted(w["components"]) for w in waves] == [
        ["program:A1", "program:A2", "program:A3"], ["program:B1", "program:B2", "program:B3"]]
    assert all(w["bridges"] == [] for w in waves)


def test_blockers_are_listed_per_wave() -> None:
    scan = _scan([("A", "B")])
    waves = pl.waves(scan, S, {"program:A": ["LL101"], "program:B": ["LL105", "LL101"]})
    assert waves[0]["blockers"] == ["LL101", "LL105"]


def test_shared_service_classification() -> None:
    # Three subsystems (each a caller with its own helper) all call DATE; ERRLOG is used by two and calls DB.
    edges = [("S1", "H1"), ("S1", "DATE"), ("S2", "H2"), ("S2", "DATE"), ("S3", "H3"), ("S3", "DATE"),
             ("S1", "ERRLOG"), ("S2", "ERRLOG"), ("ERRLOG", "DBIO")]
    shared = {x["component"]: x for x in pl.shared_services(_scan(edges), pl.PlanSettings())}
    assert shared["program:DATE"]["layer"] == "utility"
    assert shared["program:DATE"]["subsystems_using"] >= 3
    assert "program:H1" not in shared


@pytest.mark.parametrize("changes, expected", [
    ({}, 0), ({"a": 10}, 1), ({"a": 5, "b": 5}, 2), ({"a": 6, "b": 3, "c": 1}, 1), ({"a": 4, "b": 4, "c": 2}, 2),
])
def test_bus_factor(changes: dict[str, int], expected: int) -> None:
    assert pl.bus_factor(changes) == expected


def test_skills_with_git_authors() -> None:
    scan = _scan([("A", "B")])
    scan["files"] = [{"path": "A.cbl", "language": "cobol", "lines": {"code": 100}, "parse": {"status": "ok"}},
                     {"path": "B.cbl", "language": "cobol", "lines": {"code": 50}, "parse": {"status": "ok"}}]
    rows = pl.skills(scan, {"A.cbl": {"ann": 8, "bob": 1}, "B.cbl": {"cy": 3}})
    cobol = next(r for r in rows if r["technology"] == "COBOL")
    assert cobol["code_lines"] == 150 and cobol["components"] == 2 and cobol["files"] == 2
    assert cobol["authors"] == 3 and cobol["bus_factor"] == 1
    assert cobol["effort_share"] == 1.0
