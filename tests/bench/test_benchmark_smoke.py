"""The benchmark runs end to end on a small estate (about 50k lines). It checks that the pipeline works on
the generated mix and that the report has every figure; it never checks speed (make bench does)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

from scanning import REPO

_spec = importlib.util.spec_from_file_location("benchmark", REPO / "bench" / "benchmark.py")
assert _spec is not None and _spec.loader is not None
benchmark = importlib.util.module_from_spec(_spec)
sys.modules["benchmark"] = benchmark  # the parse-floor workers find their function by module name
_spec.loader.exec_module(benchmark)


def test_small_estate_runs_through_floor_cold_and_warm(tmp_path: Path) -> None:
    root = tmp_path / "estate"
    files, lines = benchmark.generate(root, 50_000, seed=7)
    assert 45_000 <= lines <= 60_000 and files > 20
    suffixes = Counter(p.suffix for p in root.rglob("*") if p.is_file())
    assert {".cbl", ".cpy", ".jcl", ".f", ".c", ".java", ".pkb"} <= set(suffixes)
    floor = benchmark.parse_floor(root, 2)
    assert floor["files"] > 0 and floor["seconds"] > 0 and floor["jobs"] == 2
    cold = benchmark.run_one(root, 2, True, tmp_path / "cold")
    assert cold["extracted"] > 0 and cold["cache_hits"] == 0
    assert set(cold["stages"]) >= {"discover", "extract", "link", "graph", "score", "report"}
    scan = json.loads((tmp_path / "cold" / "scan.json").read_text(encoding="utf-8"))
    assert scan["summary"]["files"] == files
    changed = benchmark.touch_one_percent(root, 3)
    warm = benchmark.run_one(root, 2, True, tmp_path / "warm")
    assert warm["extracted"] == changed and warm["cache_hits"] > 0
    report = {"lines": lines, "runs": [{**cold, "jobs": 2, "run": "cold", "ratio_to_floor": 1.0},
                                       {**warm, "jobs": 2, "run": "warm", "ratio_to_floor": 1.0}]}
    assert set(benchmark.targets(report)) == {"cold_wall_s", "cold_ratio_to_floor", "peak_rss_mb", "warm_wall_s"}
