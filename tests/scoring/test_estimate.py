"""The effort formulas against hand-computed values, monotonicity, range ordering and determinism."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from legacy_lens import estimate as est

S = est.EstimateSettings()


def test_productivity_median_and_sigma_by_hand() -> None:
    # median = sqrt(8 x 24) = 13.8564; sigma = ln(24 / 8) / (2 x 1.28155) = 1.098612 / 2.563103 = 0.428626
    assert S.hours_per_fp_median == pytest.approx(13.8564, abs=1e-4)
    assert S.productivity_sigma == pytest.approx(0.428626, abs=1e-6)


def test_component_effort_by_hand() -> None:
    inputs = est.EffortInputs(language="cobol", code_lines=550, complexity=66, goto_count=11, alter_count=1,
                              fan_in=3, fan_out=6, in_cycle=True, cics=True, db2=True, unresolved_refs=2,
                              parse_error_ratio=0.05)
    e = est.component_effort(inputs, S)
    assert e is not None
    # FP = 550 / 55 = 10; base = 10 x 13.8564 / 7.5 = 18.4752 days
    assert e.function_points == pytest.approx(10.0)
    assert e.base_days == pytest.approx(18.4752, abs=1e-4)
    factors = {d.name: d.factor for d in e.drivers}
    # complexity density 12 per 100 lines: 1 + 0.25 x (12 - 10) / 10 = 1.05
    assert factors["complexity density"] == pytest.approx(1.05)
    # GO TO 2 per 100 lines, 1 ALTER: 1 + 0.03 x 2 + 0.05 x 1 = 1.11
    assert factors["GO TO and ALTER"] == pytest.approx(1.11)
    # coupling: 1 + 0.04 x ln(10) + 0.10 = 1.192103
    assert factors["coupling"] == pytest.approx(1 + 0.04 * math.log(10) + 0.10)
    # platform: CICS 1.15 x DB2 1.10 = 1.265
    assert factors["platform coupling"] == pytest.approx(1.265)
    p50 = 18.4752 * 1.05 * 1.11 * (1 + 0.04 * math.log(10) + 0.10) * 1.265
    assert e.p50 == pytest.approx(p50, rel=1e-4)
    # uncertainty sigma: 0.1 x 2 + 0.6 x 0.05 = 0.23; total sigma = sqrt(0.428626^2 + 0.25^2 + 0.23^2)
    sigma = math.sqrt(0.428626**2 + 0.25**2 + 0.23**2)
    assert e.sigma == pytest.approx(sigma, abs=1e-5)
    assert e.p10 == pytest.approx(p50 * math.exp(-1.2815516 * sigma), rel=1e-4)
    assert e.p90 == pytest.approx(p50 * math.exp(1.2815516 * sigma), rel=1e-4)


def test_languages_without_gearing_are_not_estimated() -> None:
    assert est.component_effort(est.EffortInputs(language="bms", code_lines=100), S) is None
    configured = replace(S, gearing=(("bms", 40.0),))
    e = est.component_effort(est.EffortInputs(language="bms", code_lines=100), configured)
    assert e is not None and e.function_points == pytest.approx(2.5)


@pytest.mark.parametrize("field", ["complexity", "goto_count", "alter_count", "fan_in", "fan_out", "code_lines"])
def test_more_of_anything_never_lowers_effort(field: str) -> None:
    base = est.EffortInputs(language="cobol", code_lines=800, complexity=40, goto_count=5, alter_count=0,
                            fan_in=2, fan_out=3)
    previous = 0.0
    for value in range(0, 4000, 97):
        e = est.component_effort(replace(base, **{field: value}) if field != "code_lines"
                                 else replace(base, code_lines=max(1, value)), S)
        assert e is not None
        assert e.p50 >= previous - 1e-9, (field, value)
        previous = e.p50


def test_uncertainty_widens_without_moving_the_median() -> None:
    clean = est.component_effort(est.EffortInputs(language="cobol", code_lines=500), S)
    murky = est.component_effort(est.EffortInputs(language="cobol", code_lines=500, unresolved_refs=4,
                                                  parse_error_ratio=0.3), S)
    assert clean is not None and murky is not None
    assert murky.p50 == pytest.approx(clean.p50)
    assert murky.p10 < clean.p10 and murky.p90 > clean.p90


def test_ranges_are_ordered_and_portfolio_is_deterministic() -> None:
    efforts = []
    for i in range(1, 40):
        e = est.component_effort(est.EffortInputs(language="cobol" if i % 3 else "jcl", code_lines=37 * i,
                                                  complexity=i, unresolved_refs=i % 4), S)
        assert e is not None and e.p10 <= e.p50 <= e.p90
        efforts.append(e)
    a = est.portfolio(efforts, 10000, S)
    b = est.portfolio(efforts, 10000, S)
    assert a == b
    assert a.p10 <= a.p50 <= a.p90
    assert a.cost_p50 == pytest.approx(a.p50 * 650)
    # The total's median lies near the sum of medians (independent errors partly cancel).
    total = sum(e.p50 for e in efforts)
    assert 0.9 * total < a.p50 < 1.3 * total


def test_cocomo_by_hand() -> None:
    # E = 0.91 + 0.01 x (3.72 + 3.04 + 4.24 + 3.29 + 4.68) = 1.0997
    assert est.cocomo_exponent(S) == pytest.approx(1.0997)
    # AAF = 0.4 x 20 + 0.3 x 60 + 0.3 x 100 = 56 > 50, so AAM = (4 + 56 + 30 x 0.8) / 100 = 0.84
    aam, _ = est.reuse_multiplier(S)
    assert aam == pytest.approx(0.84)
    # 100,000 lines -> ESLOC 84,000 -> PM = 2.94 x 84^1.0997
    pm, formula = est.cocomo_person_months(100_000, S)
    assert pm == pytest.approx(2.94 * 84 ** 1.0997, rel=1e-9)
    assert "2.94 x 84.000^1.0997" in formula
    # Schedule: 1000 days x 7.5 / 152 = 49.34 PM; F = 0.28 + 0.2 x (1.0997 - 0.91) = 0.31794
    sched = est.schedule(1000, S)
    assert sched.person_months == pytest.approx(1000 * 7.5 / 152)
    assert sched.months == pytest.approx(3.67 * (1000 * 7.5 / 152) ** 0.31794, rel=1e-6)
    assert sched.team == pytest.approx(sched.person_months / sched.months)


@pytest.mark.parametrize("change, message", [
    ({"day_rate": -1.0}, "day_rate must not be negative"),
    ({"hours_per_fp_p10": 30.0}, "must not exceed"),
    ({"hours_per_day": 0.0}, "hours_per_day must be greater than 0"),
    ({"gearing": (("cobol", -5.0),)}, "gearing.cobol must be greater than 0"),
])
def test_out_of_range_settings_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(est.EstimateError, match=message):
        est.validate(replace(S, **change))  # type: ignore[arg-type]
