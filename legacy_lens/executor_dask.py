"""Per-file work on a Dask distributed cluster, for portfolios beyond one machine.

``legacy-lens scan --executor dask --scheduler tcp://host:8786`` sends batches of files to an
existing cluster; without ``--scheduler`` a ``LocalCluster`` of ``--jobs`` single-threaded worker
processes is started for the scan and closed after it. Dask is an optional extra:
``pip install 'legacy-lens[dask]'``.

What the workers need: legacy-lens installed at the same version, and the scanned files at the
same absolute paths (a shared filesystem or the same container image). Only paths travel to the
workers; only facts (small frozen dataclasses) come back, never trees.

The results are the local pool's, byte for byte: each file goes through the same
``pipeline.process_file``, and the caller sorts the facts by path. The per-file time budget
is enforced inside the parser with tree-sitter's progress callback (``ts.time_budget``), which
works in Dask's worker threads where neither signals nor killing a process are available; a file
over budget is reported as ``PARSE-TIMEOUT`` exactly as by the local pool.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from legacy_lens import ts
from legacy_lens.model import FileFacts
from legacy_lens.settings import ConfigError, Settings

if TYPE_CHECKING:
    from legacy_lens.discover import Candidate

Progress = Callable[[int, int], None]

# Files per task: enough that scheduling and pickling overhead is small next to parsing, few enough
# that the largest-first order still balances the tail.
BATCH_BYTES = 4 * 1024 * 1024
BATCH_FILES = 200


def process_batch(candidates: list[Candidate], settings: Settings) -> list[FileFacts]:
    """Extract a batch of files on a worker (runs in a Dask worker thread)."""
    from legacy_lens import pipeline

    out = []
    for candidate in candidates:
        try:
            with ts.time_budget(settings.timeout):
                out.append(pipeline.process_file(candidate, settings))
        except ts.ParseBudgetExceeded:
            out.append(pipeline.timed_out(candidate, settings))
    return out


def batches(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Largest files first, cut into batches of at most BATCH_FILES files or about BATCH_BYTES bytes."""
    ordered = sorted(candidates, key=lambda c: (-c.size, c.path))
    out: list[list[Candidate]] = []
    current: list[Candidate] = []
    size = 0
    for c in ordered:
        if current and (len(current) >= BATCH_FILES or size + c.size > BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(c)
        size += c.size
    if current:
        out.append(current)
    return out


def _client(settings: Settings) -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ConfigError("--executor dask needs Dask: pip install 'legacy-lens[dask]'") from exc
    if settings.scheduler:
        try:
            return Client(settings.scheduler, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {settings.scheduler}: {exc}") from exc
    workers = settings.jobs or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster), cluster


def extract_all(candidates: list[Candidate], settings: Settings, progress: Progress | None = None) -> list[FileFacts]:
    """Extract every candidate on the cluster; unsorted (the caller sorts by path)."""
    from distributed import as_completed

    from legacy_lens import pipeline

    client, cluster = _client(settings)
    results: list[FileFacts] = []
    try:
        parts = batches(candidates)
        futures = client.map(process_batch, parts, settings=settings, pure=False)
        batch_of = {future.key: part for future, part in zip(futures, parts, strict=True)}
        retried: dict[str, Candidate] = {}
        pending = as_completed(futures)
        for future in pending:
            try:
                results.extend(future.result())
            except Exception as exc:  # a worker died (a crashing file) or a batch failed: one file each
                part = batch_of.get(future.key)
                if part is not None and len(part) > 1:
                    for c in part:
                        single = client.submit(process_batch, [c], settings=settings, pure=False)
                        batch_of[single.key] = [c]
                        retried[single.key] = c
                        pending.add(single)
                    continue
                lost = retried.get(future.key) or (part[0] if part else None)
                if lost is None:  # pragma: no cover - every future comes from a batch
                    raise
                c = lost
                results.append(pipeline.skipped(c, "WORKER-CRASHED", "the Dask worker analysing this file failed "
                                                f"({type(exc).__name__}); the file was abandoned and the scan went on"))
            if progress:
                progress(len(results), len(candidates))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return results
