"""The Dask executor gives the local pool's results byte for byte, and fails clearly when it cannot run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from scanning import EXAMPLE

from legacy_lens import executor_dask, ts
from legacy_lens.discover import Candidate
from legacy_lens.pipeline import scan
from legacy_lens.serialize import to_dict
from legacy_lens.settings import ConfigError, Settings, resolve_settings

pytest.importorskip("distributed")


def _scan_json(settings: Settings) -> str:
    return json.dumps(to_dict(scan([EXAMPLE], settings)), sort_keys=True, indent=1)


def test_local_cluster_matches_the_process_pool_byte_for_byte() -> None:
    local = _scan_json(Settings(jobs=2))
    on_dask = _scan_json(Settings(jobs=2, executor="dask"))
    assert on_dask == local
    assert json.loads(on_dask)["summary"]["files"] > 30


def test_batches_are_largest_first_and_bounded() -> None:
    files = [Candidate(f"f{i}.cbl", f"/x/f{i}.cbl", "cobol", "extension", size) for i, size in
             enumerate([10, 3_000_000, 2_000_000, 500, 7])]
    parts = executor_dask.batches(files)
    assert [c.size for part in parts for c in part] == [3_000_000, 2_000_000, 500, 10, 7]
    assert all(sum(c.size for c in part) <= executor_dask.BATCH_BYTES or len(part) == 1 for part in parts)
    many = [Candidate(f"g{i}.jcl", f"/x/g{i}.jcl", "jcl", "extension", 1) for i in range(450)]
    assert [len(p) for p in executor_dask.batches(many)] == [200, 200, 50]


def test_a_file_over_budget_is_a_parse_timeout_in_a_worker_thread(tmp_path: Path) -> None:
    big = tmp_path / "BIG.cbl"
    body = "".join(f"           MOVE {i} TO WS-A.\n" for i in range(200_000))
    big.write_text("       IDENTIFICATION DIVISION.\n       PROGRAM-ID. BIG.\n       PROCEDURE DIVISION.\n"
                   + body, encoding="utf-8")
    c = Candidate("BIG.cbl", str(big), "cobol", "extension", big.stat().st_size)
    facts = executor_dask.process_batch([c], replace(Settings(), timeout=0.05))
    assert [d.code for d in facts[0].extraction.diagnostics] == ["PARSE-TIMEOUT"]
    assert facts[0].file.parse.status == "failed"


def test_time_budget_cancels_the_parser_and_leaves_others_alone() -> None:
    source = b"int f(){" + b"x=1;" * 400_000 + b"}"
    with ts.time_budget(0.001), pytest.raises(ts.ParseBudgetExceeded):
        ts.parse("c", source)
    with ts.time_budget(60):
        assert not ts.parse("c", b"int main(void){return 0;}").root.has_error


def test_scheduler_needs_the_dask_executor() -> None:
    with pytest.raises(ConfigError, match="--executor dask"):
        resolve_settings([EXAMPLE], None, {"scheduler": "tcp://127.0.0.1:1"})
    with pytest.raises(ConfigError, match="unknown executor"):
        resolve_settings([EXAMPLE], None, {"executor": "spark"})


def test_unreachable_scheduler_is_a_clear_error() -> None:
    settings = Settings(executor="dask", scheduler="tcp://127.0.0.1:9")
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler"):
        executor_dask._client(settings)
