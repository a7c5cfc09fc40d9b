"""Risk scores: hand-computed values, monotonicity, driver order and renormalisation."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
import pytest

from legacy_lens import risk as rk
from legacy_lens.score import pagerank

S = rk.RiskSettings()


def test_saturating_normalisation() -> None:
    assert rk.saturate(0, 10) == 0.0
    assert rk.saturate(10, 10) == 0.5
    assert rk.saturate(30, 10) == 0.75


def test_score_by_hand() -> None:
    r = rk.component_risk(rk.RiskInputs(complexity=50, code_lines=2000, pagerank_relative=3.0, transitive_fan_in=10,
                                        in_cycle=True, unresolved_refs=2, parse_error_ratio=0.5,
                                        platform_services=3, tested=False), S)
    # Values: complexity 0.5, size 0.5, dependents 0.5, transitive 0.5, cycle 1, unresolved 0.5, parse 0.5,
    # platform 3/4.5 = 0.6667, untested 1. Weights without git: 0.9 in total.
    weighted = (0.15 * 0.5 + 0.10 * 0.5 + 0.15 * 0.5 + 0.10 * 0.5 + 0.05 * 1 + 0.10 * 0.5 + 0.05 * 0.5
                + 0.10 * (3 / 4.5) + 0.10 * 1)
    assert r.score == pytest.approx(100 * weighted / 0.9)
    assert [d.contribution for d in r.drivers] == sorted((d.contribution for d in r.drivers), reverse=True)
    assert sum(d.contribution for d in r.drivers) == pytest.approx(r.score)
    assert {d.name for d in r.drivers} == set(S.weights()) - {"change frequency", "author concentration"}


def test_git_drivers_join_when_history_exists() -> None:
    r = rk.component_risk(rk.RiskInputs(commits=10, top_author_share=1.0), S)
    names = {d.name: d for d in r.drivers}
    assert names["change frequency"].value == 0.5
    assert names["author concentration"].value == 1.0


@pytest.mark.parametrize("field", ["transitive_fan_in", "pagerank_relative", "complexity", "unresolved_refs"])
def test_more_dependents_or_complexity_never_lowers_risk(field: str) -> None:
    base = rk.RiskInputs(complexity=20, code_lines=500, pagerank_relative=1.0, transitive_fan_in=3)
    previous = -1.0
    for value in range(0, 200, 7):
        score = rk.component_risk(replace(base, **{field: value}), S).score
        assert score >= previous - 1e-9
        previous = score
    assert 0 <= previous <= 100


def test_pagerank_rewards_being_depended_on() -> None:
    g = nx.MultiDiGraph()
    g.add_edges_from([("a", "core"), ("b", "core"), ("c", "core"), ("core", "leaf"), ("d", "e")])
    ranks = pagerank(g)
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert ranks["core"] > ranks["a"] and ranks["leaf"] > ranks["a"]
    assert pagerank(g) == ranks  # deterministic
    g.add_edge("f", "core")
    assert pagerank(g)["core"] > ranks["core"]


def test_bad_weights_are_refused() -> None:
    with pytest.raises(rk.RiskError, match="must not be negative"):
        rk.validate(replace(S, weight_size=-0.1))
    zero = {f: 0.0 for f in ("weight_complexity", "weight_size", "weight_dependents", "weight_transitive_fan_in",
                             "weight_cycle", "weight_unresolved", "weight_parse", "weight_platform",
                             "weight_untested", "weight_change_frequency", "weight_author_concentration")}
    with pytest.raises(rk.RiskError, match="all be zero"):
        rk.validate(replace(S, **zero))  # type: ignore[arg-type]
