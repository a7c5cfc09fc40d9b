"""The scan pipeline: discover -> parse/extract -> link -> graph -> result.

Worker processes read, decode and extract one file at a time and return
compact facts, never trees. Every failure is contained to its file and becomes
a diagnostic: a file over the time budget (``timeout``) is abandoned by killing
its worker, which is replaced; a worker that dies costs only its file.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import importlib
import multiprocessing
import os
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from legacy_lens import cache as cache_mod
from legacy_lens import estimate as estimate_mod
from legacy_lens import graph as graph_mod
from legacy_lens import score as score_mod
from legacy_lens import ts
from legacy_lens.discover import Candidate, Discovery, discover
from legacy_lens.encoding import BinaryFile, decode
from legacy_lens.extractors.common import member_name
from legacy_lens.languages import language_by_name
from legacy_lens.link import link
from legacy_lens.model import (
    ERROR,
    INFO,
    WARNING,
    Diagnostic,
    Extraction,
    FileFacts,
    LineCounts,
    ParseQuality,
    ScanResult,
    SourceFile,
)
from legacy_lens.settings import Settings

Progress = Callable[[int, int], None]  # (files done, files total)


@dataclass
class ScanStats:
    """What a scan did, for tests and the benchmark: seconds per stage and what the cache saved."""

    seconds: dict[str, float] = field(default_factory=dict)
    extracted: int = 0  # files read and parsed (cache misses included, cache hits not)
    cache_hits: int = 0
    cache_misses: int = 0
    cache_ignored: int = 0  # corrupt, foreign or stale entries that were not trusted

    def lap(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - started
        return now


class NothingToScan(Exception):
    """No file in the roots could be analysed (exit code 3)."""


class ParseTimeout(BaseException):
    """A file went over the per-file time budget (a BaseException so that no ``except Exception`` in an
    extractor swallows it)."""


def process_file(candidate: Candidate, settings: Settings) -> FileFacts:
    """Read, decode and extract one file. Never raises (except ParseTimeout from the in-process budget)."""
    base = SourceFile(path=candidate.path, language=candidate.language, encoding="", size_bytes=candidate.size,
                      sha256="", detected_by=candidate.detected_by)
    try:
        data = _read_regular(candidate.abs_path, settings.max_file_bytes + 1)
    except FileNotFoundError:
        return _failed(base, "FILE-VANISHED", "file was deleted or moved after it was found; not analysed")
    except OSError as exc:
        return _failed(base, "UNREADABLE-FILE", f"file could not be read: {exc.strerror or exc}")
    empty = [Diagnostic(candidate.path, INFO, "EMPTY-FILE", "the file is empty (0 bytes)")] if not data else []
    if len(data) > settings.max_file_bytes:
        return _failed(base, "FILE-TOO-LARGE", f"file grew past the limit of {settings.max_file_bytes} bytes "
                       "(max_file_bytes) after it was found; not analysed", status="skipped")
    digest = hashlib.sha256(data).hexdigest()
    base = replace(base, sha256=digest, size_bytes=len(data))
    try:
        decoded = decode(data)
    except BinaryFile as exc:
        return _failed(replace(base, encoding="binary"), "BINARY-FILE", f"{exc}; not analysed", status="skipped")
    text = decoded.text
    # A trailing Ctrl-Z (DOS end-of-file) hangs the COBOL grammar; it is never meaningful.
    text = text.rstrip("\x1a")
    base = replace(base, encoding=decoded.encoding)
    diagnostics = empty + [Diagnostic(candidate.path, WARNING, code, message) for code, message in decoded.warnings]
    spec = language_by_name(candidate.language)
    try:
        module = importlib.import_module(f"legacy_lens.extractors.{spec.extractor}")
        extraction: Extraction = module.extract(text, candidate.path, spec)
    except ts.ParseBudgetExceeded:
        raise  # the caller's time budget (ts.time_budget) ran out: the caller reports PARSE-TIMEOUT
    except Exception as exc:  # an extractor bug must cost one file, not the scan
        return _failed(base, "EXTRACTOR-FAILED", f"{spec.name} extractor failed: {type(exc).__name__}: {exc}")
    parse = extraction.parse
    if settings.measure_raw_parse and spec.grammar:
        # Ctrl-Z anywhere at the start of a line hangs the COBOL grammar for ever (found while testing the
        # time budget); it is the one byte the raw measurement does not keep.
        parse = replace(parse, error_ratio_raw=_raw_error_ratio(spec.grammar, text.replace("\x1a", " ")))
    if diagnostics:
        extraction = replace(extraction, diagnostics=tuple(diagnostics) + extraction.diagnostics)
    # Pattern rules run here, on the text as decoded (before the Ctrl-Z strip), while it is in memory.
    matches = tuple((m.rule, m.line, m.text) for m in _match_patterns(decoded.text, spec, settings.rules_paths))
    return FileFacts(replace(base, lines=extraction.lines, parse=parse), extraction, matches)


@functools.cache
def pattern_rules(rules_paths: tuple[str, ...]) -> tuple[Any, ...]:
    """The pattern rules of the catalogue (built-in plus ``rules_paths``), loaded once per process."""
    from legacy_lens import rules as rules_mod

    return tuple(r for r in rules_mod.load_catalogue(rules_paths).rules if r.matcher == "pattern")


def _match_patterns(text: str, spec: Any, rules_paths: tuple[str, ...]) -> list[Any]:
    from legacy_lens import rules as rules_mod

    rules = [r for r in pattern_rules(rules_paths) if r.applies_to(spec.name)]
    return rules_mod.match_patterns(rules, text, spec.name, spec.line_comment) if rules else []


def _read_regular(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; a pipe or device put there since discovery is refused
    (opened non-blocking, so a FIFO cannot hang the read)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with open(fd, "rb", closefd=True) as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe, socket or device)")
        return handle.read(limit)


def _raw_error_ratio(grammar: str, text: str) -> float:
    """Error ratio of the text as it is, without preprocessing (for measuring the preprocessor)."""
    from legacy_lens import ts

    tree = ts.parse(grammar, text.encode("utf-8", "replace"))
    return round(ts.error_ratio(tree), 4)


def _failed(base: SourceFile, code: str, message: str, status: str = "failed") -> FileFacts:
    diag = Diagnostic(base.path, ERROR if status == "failed" else WARNING, code, message)
    parse = ParseQuality(status=status, parser="", error_ratio=1.0 if status == "failed" else 0.0)
    return FileFacts(replace(base, parse=parse, lines=LineCounts()), Extraction(diagnostics=(diag,), parse=parse))


def skipped(candidate: Candidate, code: str, message: str, status: str = "failed") -> FileFacts:
    base = SourceFile(path=candidate.path, language=candidate.language, encoding="", size_bytes=candidate.size,
                      sha256="", detected_by=candidate.detected_by)
    return _failed(base, code, message, status=status)


def timed_out(candidate: Candidate, settings: Settings) -> FileFacts:
    return skipped(candidate, "PARSE-TIMEOUT", f"reading and parsing took longer than the budget of "
                    f"{settings.timeout:g} s (timeout); the file was abandoned and the scan went on")


def file_cap(candidates: list[Candidate], settings: Settings) -> tuple[list[Candidate], list[FileFacts]]:
    """The first ``max_files`` candidates (in path order) and, for the rest, a skipped entry each."""
    cap = settings.max_files
    if not cap or len(candidates) <= cap:
        return candidates, []
    ordered = sorted(candidates, key=lambda c: c.path)
    over = [skipped(c, "TOO-MANY-FILES", f"{len(ordered)} source files found, over the limit of {cap} "
                     "(max_files); files past the limit in path order are not analysed", status="skipped")
            for c in ordered[cap:]]
    return ordered[:cap], over


def extract_all(candidates: list[Candidate], settings: Settings, progress: Progress | None = None) -> list[FileFacts]:
    """Extract every candidate; the result is sorted by path and does not depend on ``jobs``.

    ``jobs == 1`` runs in this process: the time budget is an interval timer (SIGALRM, main thread
    only), which stops Python code but cannot stop a call that never returns from the C parser. Any
    other value runs worker processes: a file over budget is abandoned by killing its worker, which
    is replaced, so the budget holds even when the parser hangs.
    """
    if settings.executor == "dask" and candidates:
        from legacy_lens import executor_dask

        results = executor_dask.extract_all(candidates, settings, progress)
    elif settings.jobs == 1 or not candidates:
        results = []
        for c in candidates:
            results.append(_in_process(c, settings))
            if progress:
                progress(len(results), len(candidates))
    else:
        jobs = settings.jobs or os.cpu_count() or 1
        results = _WorkerPool(settings, min(jobs, len(candidates))).run(candidates, progress)
    results.sort(key=lambda f: f.file.path)
    return results


def _in_process(candidate: Candidate, settings: Settings) -> FileFacts:
    budget = settings.timeout
    usable = (budget > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        return process_file(candidate, settings)

    def expire(signum: int, frame: object) -> None:
        raise ParseTimeout(candidate.path)

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, budget)
        try:
            return process_file(candidate, settings)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except ParseTimeout:
        return timed_out(candidate, settings)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _worker_main(tasks: Connection, results: Connection, settings: Settings) -> None:
    """Worker process: extract the files it is sent, one at a time, until told to stop."""
    # Ctrl-C reaches the whole process group; the parent decides what happens, and kills workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            item = tasks.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        index, candidate = item
        results.send((index, process_file(candidate, settings)))


def _start_method() -> str:
    # fork: fast, and workers inherit the loaded grammars; spawn where fork does not exist.
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


class _Worker:
    def __init__(self, context: Any, settings: Settings) -> None:
        task_read, self.tasks = context.Pipe(duplex=False)
        self.results, result_write = context.Pipe(duplex=False)
        self.process = context.Process(target=_worker_main, args=(task_read, result_write, settings),
                                       name="legacy-lens-worker", daemon=True)
        self.process.start()
        task_read.close()
        result_write.close()
        self.index = -1  # the candidate being worked on, -1 when idle
        self.deadline = 0.0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.tasks.close()
        self.results.close()


class _WorkerPool:
    """Worker processes fed one file at a time, so that a file over budget can be abandoned alone."""

    def __init__(self, settings: Settings, size: int) -> None:
        self.settings = settings
        self.size = max(1, size)
        self.context = multiprocessing.get_context(_start_method())

    def run(self, candidates: list[Candidate], progress: Progress | None) -> list[FileFacts]:
        # Largest files first, so that one big file does not start last and hold up the end of the scan.
        queue = deque(sorted(range(len(candidates)), key=lambda i: (-candidates[i].size, candidates[i].path)))
        done: dict[int, FileFacts] = {}
        workers: list[_Worker] = []
        budget = self.settings.timeout
        try:
            workers = [_Worker(self.context, self.settings) for _ in range(self.size)]
            for i, worker in enumerate(workers):
                workers[i] = self._feed(worker, queue, candidates)
            while len(done) < len(candidates):
                busy = [w for w in workers if w.index >= 0]
                if not busy:  # pragma: no cover - every worker idle with files left cannot happen
                    raise RuntimeError("worker pool stalled")
                now = time.monotonic()
                wait_for = max(0.0, min(w.deadline for w in busy) - now) if budget > 0 else None
                ready = set(wait([w.results for w in busy] + [w.process.sentinel for w in busy], wait_for))
                now = time.monotonic()
                for worker in busy:
                    slot = workers.index(worker)
                    index = worker.index
                    outcome: FileFacts | None = None
                    if worker.results in ready:
                        try:
                            received, outcome = worker.results.recv()
                            assert received == index
                        except (EOFError, OSError):
                            outcome = None
                        if outcome is not None:
                            worker.index = -1
                            done[index] = outcome
                            workers[slot] = self._feed(worker, queue, candidates)
                            if progress:
                                progress(len(done), len(candidates))
                            continue
                    if outcome is None and (worker.results in ready or worker.process.sentinel in ready):
                        worker.kill()
                        code = worker.process.exitcode
                        done[index] = skipped(candidates[index], "WORKER-CRASHED",
                                               f"the worker process analysing this file died (exit code {code}); "
                                               "the file was abandoned and the scan went on")
                    elif budget > 0 and now >= worker.deadline:
                        worker.kill()
                        done[index] = timed_out(candidates[index], self.settings)
                    else:
                        continue
                    if progress:
                        progress(len(done), len(candidates))
                    workers[slot] = self._feed(_Worker(self.context, self.settings) if queue else worker,
                                               queue, candidates)
        finally:
            for worker in workers:
                if worker.index < 0 and worker.process.is_alive():
                    with contextlib.suppress(OSError):
                        worker.tasks.send(None)
            for worker in workers:
                if worker.index < 0:
                    worker.process.join(2)
                worker.kill()
        return [done[i] for i in range(len(candidates))]

    def _feed(self, worker: _Worker, queue: deque[int], candidates: list[Candidate]) -> _Worker:
        """Give ``worker`` the next file, replacing it if it cannot take one."""
        if not queue:
            worker.index = -1
            return worker
        index = queue.popleft()
        for _attempt in range(2):
            try:
                worker.tasks.send((index, candidates[index]))
                break
            except OSError:
                worker.kill()
                worker = _Worker(self.context, self.settings)
        else:  # pragma: no cover - two fresh workers could not take a file
            queue.appendleft(index)
            raise RuntimeError("could not start a worker process")
        worker.index = index
        worker.deadline = time.monotonic() + self.settings.timeout
        return worker


def copy_cycles(facts: list[FileFacts]) -> list[FileFacts]:
    """A ``COPY-CYCLE`` warning on each copybook that includes itself, directly or through others.

    The link stage expands copybooks cycle-safely; this says where the cycle is, since a compiler
    would reject it.
    """
    includes: dict[str, set[str]] = {}
    where: dict[str, str] = {}
    for ff in facts:
        for d in ff.extraction.definitions:
            if d.kind == "copybook":
                where.setdefault(d.name, ff.file.path)
        for r in ff.extraction.references:
            if r.kind == "includes" and r.source.startswith("copybook:"):
                includes.setdefault(r.source.split(":", 1)[1], set()).add(r.target)
    cyclic: dict[str, list[str]] = {}
    for start in sorted(includes):
        # Depth-first search for a path back to ``start``.
        stack: list[tuple[str, list[str]]] = [(t, [start, t]) for t in sorted(includes[start])]
        seen: set[str] = set()
        while stack:
            node, path = stack.pop()
            if node == start:
                cyclic[start] = path
                break
            if node in seen:
                continue
            seen.add(node)
            stack.extend((t, [*path, t]) for t in sorted(includes.get(node, ())))
    if not cyclic:
        return facts
    out = []
    for ff in facts:
        found = [name for name in sorted(cyclic) if where.get(name) == ff.file.path]
        if found:
            extra = tuple(Diagnostic(ff.file.path, WARNING, "COPY-CYCLE",
                                     f"copybook {name} includes itself: {' -> '.join(cyclic[name])}; a compiler "
                                     "would reject this, and the expansion stops at the repeat") for name in found)
            ff = replace(ff, extraction=replace(ff.extraction, diagnostics=ff.extraction.diagnostics + extra))
        out.append(ff)
    return out


def expand_proc_calls(facts: list[FileFacts], candidates: list[Candidate]) -> list[FileFacts]:
    """Apply each job's symbolic overrides to the cataloged procs it calls (JCL only).

    A cataloged proc is extracted once with its own defaults; a job calling it with
    ``HLQ=PROD`` uses other data sets. Those are added to the calling job's facts.
    """
    from legacy_lens.extractors import jcl

    by_path = {c.path: c for c in candidates}
    procs: dict[str, str] = {}
    for ff in facts:
        if ff.file.language != "jcl":
            continue
        for d in ff.extraction.definitions:
            if d.kind == "proc" and d.name == member_name(ff.file.path):
                procs.setdefault(d.name, ff.file.path)
    out = []
    for ff in facts:
        calls = [r for r in ff.extraction.references
                 if r.kind == "runs" and r.target_kind == "proc" and r.detail and r.target in procs
                 and procs[r.target] != ff.file.path]
        if not calls:
            out.append(ff)
            continue
        steps = {d.line: d.name for d in ff.extraction.definitions if d.kind == "step"}
        refs = list(ff.extraction.references)
        dds = list(ff.extraction.dd_statements)
        diagnostics = list(ff.extraction.diagnostics)
        for call in calls:
            proc_path = procs[call.target]
            try:
                text = decode(_read_regular(by_path[proc_path].abs_path, by_path[proc_path].size + 1)).text
                more_refs, more_dds = jcl.expand_call(text, proc_path, call.source, steps.get(call.line, "?"),
                                                      call.line, call.detail)
            except (OSError, BinaryFile, KeyError) as exc:
                diagnostics.append(Diagnostic(ff.file.path, WARNING, "JCL-PROC-EXPANSION",
                                              f"proc {call.target} could not be expanded with the symbols of this "
                                              f"call: {exc}", call.line))
                continue
            refs.extend(more_refs)
            dds.extend(more_dds)
        out.append(replace(ff, extraction=replace(ff.extraction, references=tuple(refs), dd_statements=tuple(dds),
                                                  diagnostics=tuple(diagnostics))))
    return out


def _cached_facts(candidates: list[Candidate], settings: Settings,
                  cache: cache_mod.FactsCache, stats: dict[str, str]) -> tuple[list[FileFacts], list[Candidate]]:
    """The facts the cache holds for these files' current contents, and the files left to extract.

    A file whose status (size, times, inode) is the one recorded is not read at all; ``stats`` receives
    each file's status, taken before it is read, for the cache to record.
    """
    hits: list[FileFacts] = []
    todo: list[Candidate] = []
    for c in candidates:
        stats[c.path] = signature = cache_mod.stat_signature(c.abs_path)
        unchanged = cache.get_unchanged(c.path, c.language, c.detected_by, signature)
        if unchanged is not None:
            hits.append(unchanged)
            continue
        try:
            data = _read_regular(c.abs_path, settings.max_file_bytes + 1)
        except OSError:
            todo.append(c)  # process_file diagnoses it
            continue
        found = None
        if len(data) <= settings.max_file_bytes:
            found = cache.get(c.path, c.language, c.detected_by, hashlib.sha256(data).hexdigest())
        if found is None:
            todo.append(c)
        else:
            hits.append(found)
    return hits, todo


def _open_cache(roots: list[Path], settings: Settings) -> cache_mod.FactsCache | None:
    if not settings.cache:
        return None
    directory = Path(settings.cache_dir) if settings.cache_dir else cache_mod.default_dir(roots)
    opened = cache_mod.FactsCache(directory, settings.max_file_bytes, settings.measure_raw_parse,
                                  settings.rules_paths)
    return opened if opened.usable else None


def scan(roots: list[Path], settings: Settings, progress: Progress | None = None,
         stats: ScanStats | None = None) -> ScanResult:
    """Scan ``roots``; raises NothingToScan when no file could be analysed.

    With ``settings.cache``, facts of unchanged files come from the cache (see ``cache.py``) and only
    the other files are parsed; the result is the same either way. ``stats``, when given, is filled in.
    """
    stats = stats if stats is not None else ScanStats()
    t = time.perf_counter()
    found: Discovery = discover(roots, settings)
    candidates, over_cap = file_cap(list(found.candidates), settings)
    t = stats.lap("discover", t)
    cache = _open_cache(roots, settings)
    cached: list[FileFacts] = []
    todo = candidates
    file_status: dict[str, str] = {}
    if cache is not None:
        cached, todo = _cached_facts(candidates, settings, cache, file_status)
        t = stats.lap("cache", t)
    offset = len(cached)
    report: Progress | None = progress
    if progress is not None and offset:
        report = lambda done, total: progress(done + offset, total + offset)  # noqa: E731
    extracted = extract_all(todo, settings, report)
    stats.extracted = len(todo)
    t = stats.lap("extract", t)
    if cache is not None:
        cache.put_all(extracted, {c.path for c in candidates}, file_status)
        cache.close()
        stats.cache_hits, stats.cache_misses = cache.stats.hits, cache.stats.misses
        stats.cache_ignored = cache.stats.ignored
        t = stats.lap("cache", t)
    facts = sorted(cached + extracted + over_cap, key=lambda f: f.file.path)
    facts = copy_cycles(facts)
    facts = expand_proc_calls(facts, list(found.candidates))
    analysed = [f for f in facts if f.file.parse.status not in ("failed", "skipped")]
    if not analysed:
        reasons = ", ".join(sorted({u.reason for u in found.unused})) or "no files"
        raise NothingToScan(f"no file under {', '.join(str(r) for r in roots)} could be analysed ({reasons})")
    linked = link(facts, settings.copybook_paths, settings.system_modules)
    t = stats.lap("link", t)
    graph = graph_mod.build_graph(linked.components, linked.edges)
    components = graph_mod.annotate(linked.components, graph)
    t = stats.lap("graph", t)
    history = _history(roots, settings)
    scored = score_mod.score(components, linked.edges, graph, [f.file for f in facts], settings.estimate,
                             settings.risk, history)
    t = stats.lap("score", t)
    diagnostics = list(found.diagnostics) + linked.diagnostics
    for f in facts:
        diagnostics.extend(f.extraction.diagnostics)
    diagnostics.sort(key=lambda d: (d.path, d.line or 0, d.code, d.message))
    files = [f.file for f in facts]
    # Files that are not source (documentation, data) are counted, not listed; files that could not be
    # used (binary, too large, unreadable) are listed as skipped, each with a diagnostic.
    files.extend(
        SourceFile(path=u.path, language="binary" if u.reason == "binary" else "unknown", encoding="",
                   size_bytes=u.size, sha256="", parse=ParseQuality(status="skipped", parser=u.reason))
        for u in found.unused
        if u.reason in ("binary", "too-large", "unreadable")
    )
    unrecognised = sum(1 for u in found.unused if u.reason in ("unrecognised", "binary-extension"))
    files.sort(key=lambda f: f.path)
    result = ScanResult(files=tuple(files), components=scored.components, edges=tuple(linked.edges), findings=(),
                        diagnostics=tuple(diagnostics), roots=tuple(r.as_posix() for r in roots),
                        unrecognised_files=unrecognised, estimate=scored.estimate,
                        coefficients=tuple(estimate_mod.coefficient_table(settings.estimate)),
                        records=tuple(linked.records), tables=tuple(linked.tables))
    planned = _plan(result, facts, list(found.candidates), linked.file_record_usage, settings, history)
    stats.lap("plan", t)
    return planned


def _plan(result: ScanResult, facts: list[FileFacts], candidates: list[Candidate],
          file_record_usage: dict[str, dict[str, int]], settings: Settings,
          history: score_mod.History | None) -> ScanResult:
    """Rule findings and the migration plan, added to the result."""
    from legacy_lens import analyse as analyse_mod
    from legacy_lens import rules as rules_mod
    from legacy_lens.serialize import to_dict

    catalogue = rules_mod.load_catalogue(settings.rules_paths)
    by_path = {c.path: c for c in candidates}
    analysed = [f for f in facts if f.file.parse.status not in ("failed", "skipped")]

    # Pattern rules already ran in the workers (and were cached with the facts).
    matches = [(ff.file.path, [rules_mod.Match(rule, line, text) for rule, line, text in ff.matches])
               for ff in analysed if ff.file.path in by_path]
    analysis = analyse_mod.analyse(
        to_dict(result), catalogue, matches,
        {ff.file.path: ff.extraction.definitions for ff in analysed},
        file_record_usage, settings.plan, history.authors if history else None)
    rule_diagnostics = tuple(Diagnostic(message.split(":", 1)[0], ERROR, "RULE-INVALID", message)
                             for message, _ in analysis.diagnostics)
    if history is not None and history.shallow:
        rule_diagnostics += (Diagnostic(".", INFO, "GIT-SHALLOW", "the repository is a shallow clone: change "
                                        "frequency, authors and change coupling cover only the fetched commits"),)
    plan = dict(analysis.plan)
    plan["change_coupling"] = _coupling(history, result) if history is not None else None
    diagnostics = tuple(sorted(result.diagnostics + rule_diagnostics,
                               key=lambda d: (d.path, d.line or 0, d.code, d.message)))
    return replace(result, findings=analysis.findings, plan=plan, diagnostics=diagnostics)


def _coupling(history: score_mod.History, result: ScanResult) -> list[dict[str, object]]:
    """Change coupling between scanned files, with the components they define (code-maat defaults)."""
    owners: dict[str, list[str]] = {}
    for c in result.components:
        if c.file and c.defined:
            owners.setdefault(c.file, []).append(c.id)
    scanned = {f.path for f in result.files}
    return [{"a": a, "b": b, "shared_commits": n, "degree": degree, "components_a": sorted(owners.get(a, [])),
             "components_b": sorted(owners.get(b, []))}
            for a, b, n, degree in history.coupling if a in scanned and b in scanned][:200]


def _history(roots: list[Path], settings: Settings) -> score_mod.History | None:
    """Git change history of the roots that are repositories (merged), or None."""
    from legacy_lens.githistory import read_history

    commits: dict[str, int] = {}
    shares: dict[str, float] = {}
    authors: dict[str, Mapping[str, int]] = {}
    coupling: list[tuple[str, str, int, float]] = []
    shallow = False
    found = False
    for root in roots:
        if not root.is_dir():
            continue
        prefix = root.resolve().name if len(roots) > 1 else ""
        history = read_history(root, settings.risk.git_window_days, prefix)
        if history is not None:
            found = True
            commits.update(history.commits)
            shares.update(history.top_author_share)
            authors.update(history.authors)
            coupling.extend(history.coupling)
            shallow = shallow or history.shallow
    return score_mod.History(commits, shares, authors, tuple(coupling), shallow) if found else None
