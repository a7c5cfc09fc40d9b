"""The scan pipeline: discover -> parse/extract -> link -> graph -> result.

Workers in a process pool read, decode and extract one batch of files each and
return compact facts, never trees. Every failure is contained to its file and
becomes a diagnostic.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from legacy_lens import estimate as estimate_mod
from legacy_lens import graph as graph_mod
from legacy_lens import score as score_mod
from legacy_lens.discover import Candidate, Discovery, discover
from legacy_lens.encoding import BinaryFile, decode
from legacy_lens.extractors.common import member_name
from legacy_lens.languages import language_by_name
from legacy_lens.link import link
from legacy_lens.model import (
    ERROR,
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


class NothingToScan(Exception):
    """No file in the roots could be analysed (exit code 3)."""


def process_file(candidate: Candidate, settings: Settings) -> FileFacts:
    """Read, decode and extract one file. Never raises."""
    base = SourceFile(path=candidate.path, language=candidate.language, encoding="", size_bytes=candidate.size,
                      sha256="", detected_by=candidate.detected_by)
    try:
        with open(candidate.abs_path, "rb") as handle:
            data = handle.read(settings.max_file_bytes + 1)
    except OSError as exc:
        return _failed(base, "UNREADABLE-FILE", f"file could not be read: {exc.strerror or exc}")
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
    diagnostics = [Diagnostic(candidate.path, WARNING, "DECODE-WARNING", w) for w in decoded.warnings]
    spec = language_by_name(candidate.language)
    try:
        module = importlib.import_module(f"legacy_lens.extractors.{spec.extractor}")
        extraction: Extraction = module.extract(text, candidate.path, spec)
    except Exception as exc:  # an extractor bug must cost one file, not the scan
        return _failed(base, "EXTRACTOR-FAILED", f"{spec.name} extractor failed: {type(exc).__name__}: {exc}")
    parse = extraction.parse
    if settings.measure_raw_parse and spec.grammar:
        parse = replace(parse, error_ratio_raw=_raw_error_ratio(spec.grammar, text))
    if diagnostics:
        extraction = replace(extraction, diagnostics=tuple(diagnostics) + extraction.diagnostics)
    return FileFacts(replace(base, lines=extraction.lines, parse=parse), extraction)


def _raw_error_ratio(grammar: str, text: str) -> float:
    """Error ratio of the text as it is, without preprocessing (for measuring the preprocessor)."""
    from legacy_lens import ts

    tree = ts.parse(grammar, text.encode("utf-8", "replace"))
    significant = sum(len(line.strip()) + 1 for line in text.splitlines() if line.strip())
    in_error = sum(len(tree.text(n).strip()) for n in ts.outermost_errors(tree.root))
    return round(min(1.0, in_error / significant), 4) if significant else 0.0


def _failed(base: SourceFile, code: str, message: str, status: str = "failed") -> FileFacts:
    diag = Diagnostic(base.path, ERROR if status == "failed" else WARNING, code, message)
    parse = ParseQuality(status=status, parser="", error_ratio=1.0 if status == "failed" else 0.0)
    return FileFacts(replace(base, parse=parse, lines=LineCounts()), Extraction(diagnostics=(diag,), parse=parse))


def _process_batch(batch: list[Candidate], settings: Settings) -> list[FileFacts]:
    return [process_file(c, settings) for c in batch]


def _batches(candidates: list[Candidate], jobs: int) -> list[list[Candidate]]:
    """Largest files first, dealt round-robin into batches of similar total size."""
    ordered = sorted(candidates, key=lambda c: (-c.size, c.path))
    count = max(1, min(len(ordered), jobs * 8))
    batches: list[list[Candidate]] = [[] for _ in range(count)]
    for i, c in enumerate(ordered):
        batches[i % count].append(c)
    return [b for b in batches if b]


def extract_all(candidates: list[Candidate], settings: Settings, progress: Progress | None = None) -> list[FileFacts]:
    jobs = settings.jobs or os.cpu_count() or 1
    results: list[FileFacts] = []
    total = len(candidates)
    if jobs == 1 or total < 8:
        for c in candidates:
            results.append(process_file(c, settings))
            if progress:
                progress(len(results), total)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_process_batch, b, settings) for b in _batches(candidates, jobs)]
            for future in futures:
                results.extend(future.result())
                if progress:
                    progress(len(results), total)
    results.sort(key=lambda f: f.file.path)
    return results


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
                with open(by_path[proc_path].abs_path, "rb") as handle:
                    text = decode(handle.read()).text
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


def scan(roots: list[Path], settings: Settings, progress: Progress | None = None) -> ScanResult:
    """Scan ``roots``; raises NothingToScan when no file could be analysed."""
    found: Discovery = discover(roots, settings)
    facts = extract_all(list(found.candidates), settings, progress)
    facts = expand_proc_calls(facts, list(found.candidates))
    analysed = [f for f in facts if f.file.parse.status not in ("failed", "skipped")]
    if not analysed:
        reasons = ", ".join(sorted({u.reason for u in found.unused})) or "no files"
        raise NothingToScan(f"no file under {', '.join(str(r) for r in roots)} could be analysed ({reasons})")
    linked = link(facts, settings.copybook_paths, settings.system_modules)
    graph = graph_mod.build_graph(linked.components, linked.edges)
    components = graph_mod.annotate(linked.components, graph)
    history = _history(roots, settings)
    scored = score_mod.score(components, linked.edges, graph, [f.file for f in facts], settings.estimate,
                             settings.risk, history)
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
                        coefficients=tuple(estimate_mod.coefficient_table(settings.estimate)))
    return _plan(result, facts, list(found.candidates), linked.file_record_usage, settings, history)


def _plan(result: ScanResult, facts: list[FileFacts], candidates: list[Candidate],
          file_record_usage: dict[str, dict[str, int]], settings: Settings,
          history: score_mod.History | None) -> ScanResult:
    """Rule findings and the migration plan, added to the result."""
    from legacy_lens import analyse as analyse_mod
    from legacy_lens import rules as rules_mod
    from legacy_lens.languages import load_languages
    from legacy_lens.serialize import to_dict

    catalogue = rules_mod.load_catalogue(settings.rules_paths)
    by_path = {c.path: c for c in candidates}
    analysed = [f for f in facts if f.file.parse.status not in ("failed", "skipped")]

    def texts() -> Iterator[tuple[str, str, str]]:
        for ff in analysed:
            candidate = by_path.get(ff.file.path)
            if candidate is None:
                continue
            try:
                with open(candidate.abs_path, "rb") as handle:
                    text = decode(handle.read(settings.max_file_bytes + 1)).text
            except (OSError, BinaryFile):
                continue  # already diagnosed when the file was extracted
            yield ff.file.path, ff.file.language, text

    analysis = analyse_mod.analyse(
        to_dict(result), catalogue, texts,
        {ff.file.path: ff.extraction.definitions for ff in analysed},
        {spec.name: spec.line_comment for spec in load_languages()},
        file_record_usage, settings.plan, history.authors if history else None)
    rule_diagnostics = tuple(Diagnostic(message.split(":", 1)[0], ERROR, "RULE-INVALID", message)
                             for message, _ in analysis.diagnostics)
    diagnostics = tuple(sorted(result.diagnostics + rule_diagnostics,
                               key=lambda d: (d.path, d.line or 0, d.code, d.message)))
    return replace(result, findings=analysis.findings, plan=analysis.plan, diagnostics=diagnostics)


def _history(roots: list[Path], settings: Settings) -> score_mod.History | None:
    """Git change history of the roots that are repositories (merged), or None."""
    from legacy_lens.githistory import read_history

    commits: dict[str, int] = {}
    shares: dict[str, float] = {}
    authors: dict[str, Mapping[str, int]] = {}
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
    return score_mod.History(commits, shares, authors) if found else None
