"""Hypothesis profiles for the property tests: small and deterministic in ``make test``, large in ``make fuzz``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# make test: a small, derandomised budget so the suite stays fast and CI is reproducible.
settings.register_profile("default", max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# make fuzz (tests/hostile/fuzz.py): random seeds, large batches, run for minutes.
settings.register_profile("fuzz", max_examples=2_000, deadline=None, derandomize=False, database=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
