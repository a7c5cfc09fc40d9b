"""Risk scores 0-100 that explain themselves: pure functions over numbers.

Each driver is normalised to 0..1 by a saturating curve ``x / (x + k)``, where
``k`` is the value that scores one half (so doubling past ``k`` adds less and
less, and no single huge component flattens everyone else). The score is the
weighted mean of the drivers, times 100:

    score = 100 * sum(weight_i * value_i) / sum(weight_i)

Drivers that cannot be measured for a scan (git history when the root is not a
repository) are left out of both sums rather than counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass


class RiskError(ValueError):
    """A risk setting is out of range (exit code 2)."""


@dataclass(frozen=True, slots=True)
class RiskSettings:
    """Weights and half-score points of every driver. Override under ``[risk]``."""

    weight_complexity: float = 0.15
    weight_size: float = 0.10
    weight_dependents: float = 0.15  # PageRank on the dependency graph
    weight_transitive_fan_in: float = 0.10
    weight_cycle: float = 0.05
    weight_unresolved: float = 0.10
    weight_parse: float = 0.05
    weight_platform: float = 0.10
    weight_untested: float = 0.10
    weight_change_frequency: float = 0.05
    weight_author_concentration: float = 0.05
    half_complexity: float = 50.0  # cyclomatic complexity scoring 0.5
    half_size: float = 2000.0  # code lines scoring 0.5
    half_dependents: float = 3.0  # PageRank relative to an average component (1.0 = average)
    half_transitive_fan_in: float = 10.0  # components that reach this one, directly or not
    half_unresolved: float = 2.0
    half_platform: float = 1.5  # number of platform services used (CICS, IMS, DB2)
    half_change_frequency: float = 10.0  # commits touching the file in the history window
    git_window_days: int = 730

    def weights(self) -> dict[str, float]:
        return {
            "complexity": self.weight_complexity,
            "size": self.weight_size,
            "dependents": self.weight_dependents,
            "transitive fan-in": self.weight_transitive_fan_in,
            "cycle membership": self.weight_cycle,
            "unresolved or dynamic references": self.weight_unresolved,
            "parse uncertainty": self.weight_parse,
            "platform coupling": self.weight_platform,
            "no tests": self.weight_untested,
            "change frequency": self.weight_change_frequency,
            "author concentration": self.weight_author_concentration,
        }


def validate(s: RiskSettings) -> RiskSettings:
    for name, value in s.weights().items():
        if value < 0:
            raise RiskError(f"risk weight for {name} must not be negative (got {value})")
    if sum(s.weights().values()) <= 0:
        raise RiskError("risk weights must not all be zero")
    for field_name in ("half_complexity", "half_size", "half_dependents", "half_transitive_fan_in",
                       "half_unresolved", "half_platform", "half_change_frequency"):
        if getattr(s, field_name) <= 0:
            raise RiskError(f"risk.{field_name} must be greater than 0 (got {getattr(s, field_name)})")
    if s.git_window_days <= 0:
        raise RiskError("risk.git_window_days must be greater than 0")
    return s


@dataclass(frozen=True, slots=True)
class RiskInputs:
    complexity: int = 0
    code_lines: int = 0
    pagerank_relative: float = 0.0  # PageRank x number of components (1.0 = an average component)
    transitive_fan_in: int = 0
    in_cycle: bool = False
    unresolved_refs: int = 0
    parse_error_ratio: float = 0.0
    platform_services: int = 0
    tested: bool = False
    commits: int | None = None  # None when there is no git history
    top_author_share: float | None = None


@dataclass(frozen=True, slots=True)
class RiskDriver:
    name: str
    value: float  # normalised 0..1
    weight: float
    contribution: float  # points of the 0-100 score
    detail: str


@dataclass(frozen=True, slots=True)
class Risk:
    score: float
    drivers: tuple[RiskDriver, ...]  # by contribution, largest first


def saturate(x: float, half: float) -> float:
    """``x / (x + half)``: 0 at 0, 0.5 at ``half``, towards 1 as x grows. Non-decreasing in x."""
    return x / (x + half) if x > 0 else 0.0


def component_risk(r: RiskInputs, s: RiskSettings) -> Risk:
    """Risk score and its drivers for one component."""
    values: list[tuple[str, float, str]] = [
        ("complexity", saturate(r.complexity, s.half_complexity),
         f"cyclomatic complexity {r.complexity}: {r.complexity} / ({r.complexity} + {s.half_complexity:g})"),
        ("size", saturate(r.code_lines, s.half_size),
         f"{r.code_lines} code lines: {r.code_lines} / ({r.code_lines} + {s.half_size:g})"),
        ("dependents", saturate(r.pagerank_relative, s.half_dependents),
         f"PageRank {r.pagerank_relative:.2f} x average: {r.pagerank_relative:.2f} / "
         f"({r.pagerank_relative:.2f} + {s.half_dependents:g})"),
        ("transitive fan-in", saturate(r.transitive_fan_in, s.half_transitive_fan_in),
         f"{r.transitive_fan_in} components depend on it directly or indirectly: {r.transitive_fan_in} / "
         f"({r.transitive_fan_in} + {s.half_transitive_fan_in:g})"),
        ("cycle membership", 1.0 if r.in_cycle else 0.0,
         "in a dependency cycle" if r.in_cycle else "not in a dependency cycle"),
        ("unresolved or dynamic references", saturate(r.unresolved_refs, s.half_unresolved),
         f"{r.unresolved_refs} reference(s) the scan could not follow: {r.unresolved_refs} / "
         f"({r.unresolved_refs} + {s.half_unresolved:g})"),
        ("parse uncertainty", min(1.0, max(0.0, r.parse_error_ratio)),
         f"{r.parse_error_ratio:.1%} of the file was not understood by the grammar"),
        ("platform coupling", saturate(r.platform_services, s.half_platform),
         f"{r.platform_services} platform service(s) (CICS, IMS, DB2): {r.platform_services} / "
         f"({r.platform_services} + {s.half_platform:g})"),
        ("no tests", 0.0 if r.tested else 1.0,
         "a test references it" if r.tested else "no test program or test class references it"),
    ]
    if r.commits is not None:
        values.append(("change frequency", saturate(r.commits, s.half_change_frequency),
                       f"{r.commits} commit(s) in the {s.git_window_days} days before the newest commit: {r.commits} / "
                       f"({r.commits} + {s.half_change_frequency:g})"))
    if r.top_author_share is not None:
        values.append(("author concentration", min(1.0, max(0.0, r.top_author_share)),
                       f"the main author made {r.top_author_share:.0%} of its changes (knowledge held by few)"))
    weights = s.weights()
    total_weight = sum(weights[name] for name, _v, _d in values)
    drivers = []
    for name, value, detail in values:
        weight = weights[name]
        contribution = 100.0 * weight * value / total_weight if total_weight else 0.0
        drivers.append(RiskDriver(name, value, weight, contribution, detail))
    drivers.sort(key=lambda d: (-d.contribution, d.name))
    return Risk(score=sum(d.contribution for d in drivers), drivers=tuple(drivers))
