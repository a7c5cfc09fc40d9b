"""Resolve references across files into components and edges.

Mainframe names are global: a program, copybook, job or table is found by name
anywhere in the scan. This stage:

* indexes definitions (copybooks ranked by ``--copybook-path`` order);
* makes statements inside copybooks count for every program that includes them;
* resolves dynamic CALL / XCTL / LINK targets from VALUE clauses, MOVEs of
  literals, MOVEs of constant items and menu tables, through copybooks;
* links JCL DD statements to the COBOL SELECT ... ASSIGN of the program a step runs;
* marks known system modules, and records every unresolved reference as such.

Nothing here reads files or prints.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from legacy_lens import cobol_data
from legacy_lens.datadict import layout_records
from legacy_lens.extractors.cobol import program_name_value
from legacy_lens.kinds import COMPONENT_KINDS, UNIT_KINDS
from legacy_lens.model import (
    INFO,
    WARNING,
    Column,
    Component,
    DataItem,
    Definition,
    Diagnostic,
    Edge,
    FileFacts,
    Location,
    Metrics,
    Move,
    Reference,
)

# Targets that name something outside the code (a dataset, a database segment): a literal name is
# a resolved reference even though no source file defines it.
EXTERNAL_KINDS = {"dataset", "psb", "segment", "common"}
DD_MODE_ACCESS = {"INPUT": "reads", "OUTPUT": "writes", "EXTEND": "writes", "I-O": "updates"}
DD_ACCESS_KINDS = frozenset({"reads", "writes", "updates", "deletes"})
# Targets named by paths on servers that ignore letter case (IIS, Windows): ASP pages and scripts.
CASE_INSENSITIVE_KINDS = frozenset({"page", "script"})


@cache
def _system_catalogue() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Every ``catalog/*.toml`` merged: kind -> (names, prefixes). One file per platform or language."""
    names: dict[str, set[str]] = defaultdict(set)
    prefixes: dict[str, list[str]] = defaultdict(list)
    for path in sorted((Path(__file__).parent / "catalog").glob("*.toml")):
        for kind, v in tomllib.loads(path.read_text(encoding="utf-8")).items():
            names[kind].update(v.get("names", ()))
            prefixes[kind].extend(v.get("prefixes", ()))
    return {kind: (frozenset(names[kind]), tuple(prefixes[kind])) for kind in names}


def is_system(kind: str, name: str, extra: Iterable[str] = ()) -> bool:
    """True when ``name`` is a known system or vendor module of this kind."""
    names, prefixes = _system_catalogue().get(kind, (frozenset(), ()))
    if name in names or any(name.startswith(p) for p in prefixes):
        return True
    return any((pattern.endswith("*") and name.startswith(pattern[:-1])) or name == pattern for pattern in extra)


def _nearness(here: str, there: str) -> tuple[bool, int]:
    """Sort key of a definition in ``there`` seen from ``here``: the same file first, then the most
    directories shared from the root."""
    shared = 0
    for a, b in zip(PurePosixPath(here).parent.parts, PurePosixPath(there).parent.parts, strict=False):
        if a != b:
            break
        shared += 1
    return there != here, -shared


def _partial(d: Definition) -> bool:
    """A component written in several files that are one: a C# or VB.NET ``partial`` type, or a PL/SQL package
    (or object type) whose spec and body are kept apart."""
    words = d.detail.replace(",", " ").split()
    return "partial" in words or (d.kind in ("package", "type") and bool(words) and words[0] in ("spec", "body"))


def _sum_metrics(a: Metrics, b: Metrics) -> Metrics:
    return Metrics(code_lines=a.code_lines + b.code_lines, comment_lines=a.comment_lines + b.comment_lines,
                   blank_lines=a.blank_lines + b.blank_lines, complexity=a.complexity + b.complexity,
                   max_nesting=max(a.max_nesting, b.max_nesting), paragraphs=a.paragraphs + b.paragraphs,
                   goto_count=a.goto_count + b.goto_count, alter_count=a.alter_count + b.alter_count,
                   dead_paragraphs=a.dead_paragraphs + b.dead_paragraphs)


@dataclass(slots=True)
class _Def:
    definition: Definition
    path: str
    language: str
    rank: int = 0


@dataclass(slots=True)
class Linked:
    components: list[Component]
    edges: list[Edge]
    diagnostics: list[Diagnostic]
    # Per program with a SELECT: how many elementary items of each USAGE its FILE SECTION records hold
    # (copybooks COPYed there included).
    file_record_usage: dict[str, dict[str, int]] = field(default_factory=dict)
    # Record layouts of the copybooks' 01 levels (legacy_lens.datadict), JSON-shaped, by id.
    records: list[dict[str, Any]] = field(default_factory=list)
    # Column layouts of the tables defined in the scan (DDL, DCLGENs), with the programs using each, by id.
    tables: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _RawEdge:
    source: str
    target: str
    kind: str
    via: str
    resolved: bool
    locations: set[tuple[str, int]] = field(default_factory=set)
    details: set[str] = field(default_factory=set)


class Linker:
    def __init__(self, facts: list[FileFacts], copybook_paths: tuple[str, ...] = (),
                 system_modules: tuple[str, ...] = ()) -> None:
        self.facts = sorted(facts, key=lambda f: f.file.path)
        self.copybook_paths = tuple(PurePosixPath(p).as_posix().rstrip("/") for p in copybook_paths)
        self.system_modules = system_modules
        self.defs: dict[str, _Def] = {}
        self.metrics: dict[str, Metrics] = {}
        self.diagnostics: list[Diagnostic] = []
        self.edges: dict[tuple[str, str, str, str], _RawEdge] = {}
        # Keyed by owner, then by file: a name defined in several files (copies of a copybook in
        # two libraries) contributes the data and moves of the definition that is used, only.
        self._data_by_file: dict[str, dict[str, list[DataItem]]] = defaultdict(dict)
        self._moves_by_file: dict[str, dict[str, list[Move]]] = defaultdict(dict)
        self.data: dict[str, list[DataItem]] = {}
        self.moves: dict[str, list[Move]] = {}
        self.refs: list[tuple[Reference, str]] = []  # reference, file
        self.includes: dict[str, list[str]] = defaultdict(list)  # owner -> copybook members it COPYs
        self.tables_by_base: dict[str, list[str]] = defaultdict(list)
        # (kind, name) -> every definition of that name, for scoped lookups (a name defined in several
        # files: C functions, headers); and (kind, name) -> owning components of sub-definitions (methods).
        self.by_name: dict[tuple[str, str], list[_Def]] = defaultdict(list)
        self.members: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.member_leaves: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._folded_names: dict[str, dict[str, list[str]]] = {}
        self.file_language: dict[str, str] = {}
        self.external_ids: set[str] = set()
        self.partial_files: dict[str, list[str]] = defaultdict(list)  # id -> further files of a partial class

    # -- indexing -----------------------------------------------------------------
    def _rank(self, path: str) -> int:
        for i, prefix in enumerate(self.copybook_paths):
            if path == prefix or path.startswith(prefix + "/"):
                return i
        return len(self.copybook_paths)

    def index(self) -> None:
        for ff in self.facts:
            ex = ff.extraction
            self.file_language[ff.file.path] = ff.file.language
            for d in ex.definitions:
                if d.kind not in COMPONENT_KINDS:
                    if d.parent:
                        self.members[(d.kind, d.name)].add(d.parent)
                        if "." in d.name and not d.scope:
                            # ``MODULE.ROUTINE`` is also reachable by its bare name (a VB6 public routine).
                            self.member_leaves[(d.kind, d.name.rsplit(".", 1)[1])].add(d.parent)
                    continue
                cid = d.component_id
                new = _Def(d, ff.file.path, ff.file.language, self._rank(ff.file.path) if d.kind == "copybook" else 0)
                old = self.defs.get(cid)
                if old is not None and _partial(old.definition) and _partial(d):
                    self.partial_files[cid].append(ff.file.path)  # one class written in several files
                    continue
                self.by_name[(d.kind, d.name)].append(new)
                if old is None or self._better(new, old):
                    if old is not None:
                        self._duplicate(cid, keep=new, drop=old)
                    self.defs[cid] = new
                else:
                    self._duplicate(cid, keep=old, drop=new)
            for cid, m in ex.metrics:
                if cid in self.metrics and ff.file.path in self.partial_files.get(cid, ()):
                    self.metrics[cid] = _sum_metrics(self.metrics[cid], m)
                else:
                    self.metrics.setdefault(cid, m)
            for owner, items in ex.data_items:
                self._data_by_file[owner].setdefault(ff.file.path, []).extend(items)
            copybook_owner = next((f"copybook:{d.name}" for d in ex.definitions if d.kind == "copybook"), None)
            for mv in ex.moves:
                owner = copybook_owner or f"program:{mv.program}"
                self._moves_by_file[owner].setdefault(ff.file.path, []).append(mv)
            for ref in ex.references:
                self.refs.append((ref, ff.file.path))
                if ref.kind == "includes" and ref.target_kind == "copybook":
                    self.includes[ref.source].append(ref.target)
        for owner, per_file in self._data_by_file.items():
            self.data[owner] = per_file.get(self._chosen_path(owner, per_file), [])
        for owner, per_moves in self._moves_by_file.items():
            self.moves[owner] = per_moves.get(self._chosen_path(owner, per_moves), [])
        for cid in self.defs:
            if cid.startswith("table:"):
                self.tables_by_base[cid.split(":", 1)[1].rsplit(".", 1)[-1]].append(cid)

    def _chosen_path(self, owner: str, per_file: dict[str, Any]) -> str:
        chosen = self.defs.get(owner)
        if chosen is not None and chosen.path in per_file:
            return chosen.path
        return min(per_file)

    @staticmethod
    def _better(new: _Def, old: _Def) -> bool:
        # DDL beats a DCLGEN declaration of the same table; a copybook earlier on the search path wins.
        if new.definition.kind == "table":
            return old.definition.detail.startswith("dclgen") and not new.definition.detail.startswith("dclgen")
        if new.definition.kind == "copybook":
            return (new.rank, new.path) < (old.rank, old.path)
        return False

    def _duplicate(self, cid: str, keep: _Def, drop: _Def) -> None:
        if cid.startswith("table:") and any(d.definition.detail.startswith("dclgen") for d in (keep, drop)):
            return  # a DCLGEN restating DDL is expected, not a duplicate
        self.diagnostics.append(Diagnostic(
            drop.path, INFO if cid.startswith("copybook:") else WARNING, "DUPLICATE-DEFINITION",
            f"{cid} is also defined in {keep.path}; the definition there is used", drop.definition.line))

    # -- copybook expansion -------------------------------------------------------------
    def copybook_closure(self, owner: str) -> list[str]:
        """Copybooks included by ``owner``, directly or through other copybooks (cycle-safe)."""
        seen: list[str] = []
        stack = [owner]
        visited = {owner}
        while stack:
            current = stack.pop()
            for member in self.includes.get(current, []):
                cid = f"copybook:{member}"
                if cid in visited:
                    continue
                visited.add(cid)
                seen.append(cid)
                stack.append(cid)
        return seen

    def spliced_items(self, owner: str, depth: int = 0, visiting: frozenset[str] = frozenset(),
                      pairs: tuple[str, ...] = ()) -> list[DataItem]:
        """``owner``'s data items with each COPY marker replaced by the copybook's items."""
        out: list[DataItem] = []
        if depth > 20 or owner in visiting:
            return out
        replacements = [p.split("\x00", 1) for p in pairs if "\x00" in p]
        for item in self.data.get(owner, []):
            if item.level == 0:
                out.extend(self.spliced_items(f"copybook:{item.name}", depth + 1, visiting | {owner}, item.values))
                continue
            if replacements:
                name = item.name
                for old, new in replacements:
                    name = name.replace(old.upper(), new.upper())
                item = replace(item, name=name, section="")
            out.append(item)
        return out

    # -- dynamic resolution --------------------------------------------------------
    def resolver(self, program_id: str) -> _Resolver:
        items = self.spliced_items(program_id)
        moves = list(self.moves.get(program_id, []))
        for cb in self.copybook_closure(program_id):
            moves.extend(self.moves.get(cb, []))
        return _Resolver(items, moves)

    # -- edges ----------------------------------------------------------------------
    def add_edge(self, source: str, target: str, kind: str, via: str, resolved: bool, path: str, line: int,
                 detail: str = "") -> None:
        if source == target and kind == "calls":
            return  # a routine calling another of its own package or class: no dependency between components
        key = (source, target, kind, via)
        edge = self.edges.get(key)
        if edge is None:
            edge = self.edges[key] = _RawEdge(source, target, kind, via, resolved)
        edge.locations.add((path, line))
        if detail:
            edge.details.add(detail)

    def _lookup(self, kind: str, name: str, path: str) -> tuple[str, str] | None:
        """(component id, extra detail) of the definition of ``kind`` ``name`` that a reference in ``path`` sees.

        A file-scoped definition is seen from its own file only. Of several visible definitions the
        nearest wins: the same file, then the longest shared directory prefix, then path order.
        """
        found = [d for d in self.by_name.get((kind, name), ()) if not d.definition.scope or d.path == path]
        if not found:
            return None
        if len(found) == 1:
            return found[0].definition.component_id, ""
        best = min(found, key=lambda d: (*_nearness(path, d.path), d.path))
        if best.path == path:
            return best.definition.component_id, ""
        return best.definition.component_id, f"{len(found)} definitions of {name}; the nearest, in {best.path}, used"

    def _folded(self, kind: str) -> dict[str, list[str]]:
        """Names of ``kind`` by their lower-case form (built once per kind)."""
        folded = self._folded_names.get(kind)
        if folded is None:
            folded = self._folded_names[kind] = defaultdict(list)
            for k, name in self.by_name:
                if k == kind:
                    folded[name.lower()].append(name)
        return folded

    def _nearest_owner(self, owners: list[str], path: str) -> str | None:
        """The owner defined in ``path``'s own file or, failing that, the one sharing the longest directory
        prefix with it; None when two are equally near (the reference stays unresolved, owners listed)."""
        scored = sorted((*_nearness(path, self.defs[owner].path), owner) for owner in owners if owner in self.defs)
        if not scored or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
            return None
        return scored[0][2]

    def resolve(self, ref: Reference, path: str, name: str | None = None) -> tuple[str, bool, str] | None:
        """(component id, resolved, extra detail) for a reference made in ``path``; None to leave it out.

        ``name`` replaces the reference's target (a dynamic reference's resolved value). Candidates are
        tried first, in order; then the target; then the owners of a sub-definition of that name (a
        method); then the system catalogue and external kinds.
        """
        kind = ref.target_kind
        names = (*ref.candidates, ref.target) if name is None else (name,)
        for candidate in names:
            cid = f"{kind}:{candidate}"
            chosen = self.defs.get(cid)
            if chosen is not None and (not chosen.definition.scope or chosen.path == path):
                return cid, True, ""
            hit = self._lookup(kind, candidate, path)
            if hit is not None:
                return hit[0], True, hit[1]
            if candidate != names[-1]:
                member_of = self.members.get((kind, candidate), set())
                if len(member_of) == 1:
                    return next(iter(member_of)), True, ""
        target = names[-1]
        if kind in CASE_INSENSITIVE_KINDS:
            for candidate in names:
                for actual in self._folded(kind).get(candidate.lower(), ()):
                    hit = self._lookup(kind, actual, path)
                    if hit is not None:
                        return hit[0], True, f"matched {actual} ignoring letter case"
        owners = sorted(self.members.get((kind, target), ()) or self.member_leaves.get((kind, target), ()))
        if kind == "program" and not owners:
            # An ENTRY name, a secondary CSECT or a PL/I procedure is called as a program: its load module answers.
            owners = sorted(self.members.get(("entry", target), ()))
        if len(owners) > 1:
            # Methods of a Java class and of a C# class share the kind ``method``: keep the caller's language.
            language = self.file_language.get(path)
            same = [o for o in owners if o in self.defs and self.defs[o].language == language]
            owners = same or owners
        if len(owners) == 1:
            return owners[0], True, f"{kind} {target} is defined only there"
        if len(owners) > 1 and not ref.optional:  # a guess counts only when one owner fits it
            nearest = self._nearest_owner(owners, path)
            if nearest is not None:
                return nearest, True, f"{kind} {target} is defined in {len(owners)} places; the nearest used"
        found = self.target_id(kind, target)
        if found[1]:
            return found
        if ref.external:
            self.external_ids.add(ref.external)
            return ref.external, True, ""
        if ref.optional:
            return None
        if len(owners) > 1:
            return found[0], False, f"{kind} {target} is defined in {len(owners)} places: {', '.join(owners[:5])}"
        return found

    def target_id(self, kind: str, name: str) -> tuple[str, bool, str]:
        """(component id, resolved, extra detail) for a global name."""
        cid = f"{kind}:{name}"
        if cid in self.defs:
            return cid, True, ""
        if kind == "table":
            base = name.rsplit(".", 1)[-1]
            candidates = self.tables_by_base.get(base, [])
            if len(candidates) == 1:
                return candidates[0], True, "schema inferred"
        if kind == "table":
            for view in (f"view:{name}", f"view:{name.rsplit('.', 1)[-1]}"):
                if view in self.defs:
                    return view, True, "a view"
        if kind == "copybook" and f"mapset:{name}" in self.defs:
            return f"mapset:{name}", True, "BMS symbolic map"
        if is_system(kind, name, self.system_modules):
            return cid, True, ""
        if kind in EXTERNAL_KINDS:
            return cid, True, ""
        return cid, False, ""

    def link(self) -> Linked:
        self.index()
        programs_including: dict[str, list[str]] = defaultdict(list)
        for owner in list(self.includes):
            if owner.split(":", 1)[0] in UNIT_KINDS and not owner.startswith("copybook:"):
                for cb in self.copybook_closure(owner):
                    programs_including[cb].append(owner)
        resolvers: dict[str, _Resolver] = {}

        for ref, path in self.refs:
            sources = [ref.source]
            if ref.source.startswith("copybook:") and ref.kind != "includes":
                # A CALL or EXEC in a copybook is the including program's.
                sources = sorted(programs_including.get(ref.source, [])) or [ref.source]
            for source in sources:
                if ref.dynamic:
                    resolver = resolvers.get(source)
                    if resolver is None:
                        resolver = resolvers[source] = self.resolver(source)
                    self._dynamic(ref, source, path, resolver)
                else:
                    self._static(ref, source, path)
        self._dd_links()
        records = self._records(programs_including)
        return Linked(self._components(), self._edge_list(), self.diagnostics, self._file_record_usage(), records,
                      self._tables())

    def _tables(self) -> list[dict[str, Any]]:
        """Each defined table's columns, from the definition that is used (DDL before a DCLGEN)."""
        columns: dict[tuple[str, str], tuple[Column, ...]] = {}
        for ff in self.facts:
            for table_id, cols in ff.extraction.columns:
                columns[(table_id, ff.file.path)] = cols
        users: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for e in self.edges.values():
            if e.target.startswith(("table:", "view:")) and e.kind in DD_ACCESS_KINDS:
                users[e.target][e.source].add(e.kind)
        out = []
        for cid in sorted(self.defs):
            chosen = self.defs[cid]
            layout = columns.get((cid, chosen.path))
            if layout is None:
                continue
            out.append({
                "id": cid, "name": chosen.definition.name, "file": chosen.path, "line": chosen.definition.line,
                "source": "dclgen" if chosen.definition.detail.startswith("dclgen") else "ddl",
                "columns": [{"name": c.name, "type": c.type, "length": c.length, "scale": c.scale,
                             "nullable": c.nullable, "primary_key": c.primary_key, "default": c.default,
                             "line": c.line} for c in layout],
                "used_by": [{"component": source, "access": sorted(kinds)}
                            for source, kinds in sorted(users.get(cid, {}).items())],
            })
        return out

    def _records(self, programs_including: dict[str, list[str]]) -> list[dict[str, Any]]:
        """Every copybook's 01-level records laid out, with the programs that COPY the copybook."""
        out: dict[str, dict[str, Any]] = {}
        for cid in sorted(self.data):
            if not cid.startswith("copybook:") or not self.data[cid]:
                continue
            chosen = self.defs.get(cid)
            path = chosen.path if chosen is not None else min(self._data_by_file[cid])
            records, diagnostics = layout_records(self.spliced_items(cid), cid.split(":", 1)[1], path)
            self.diagnostics.extend(diagnostics)
            for record in records:
                first = out.get(record["id"])
                if first is not None:
                    self.diagnostics.append(Diagnostic(
                        path, INFO, "DUPLICATE-RECORD", f"{record['id']} is also laid out by {first['copybook']} "
                        f"({first['file']}); that layout is used", record["line"]))
                    continue
                record["programs"] = sorted(programs_including.get(cid, []))
                out[record["id"]] = record
        return [out[k] for k in sorted(out)]

    def _file_record_usage(self) -> dict[str, dict[str, int]]:
        with_files = {f"program:{fa.program}" for ff in self.facts for fa in ff.extraction.file_assigns}
        out: dict[str, dict[str, int]] = {}
        for program in sorted(with_files):
            counts: dict[str, int] = defaultdict(int)
            for item in self.data.get(program, []):
                if item.section != "file":
                    continue
                items = self.spliced_items(f"copybook:{item.name}") if item.level == 0 else [item]
                for it in items:
                    if it.level not in (0, 66, 88) and it.usage:
                        counts[it.usage] += 1
            if counts:
                out[program] = dict(counts)
        return out

    def _static(self, ref: Reference, source: str, path: str) -> None:
        found = self.resolve(ref, path)
        if found is None:
            return
        target, resolved, extra = found
        detail = "; ".join(x for x in (ref.detail, extra) if x)
        via = ref.via
        if extra == "BMS symbolic map":
            via = "bms-symbolic-map"
        self.add_edge(source, target, ref.kind, via, resolved, path, ref.line, detail)
        if not resolved and ref.kind == "includes" and ref.target_kind == "copybook":
            self.diagnostics.append(Diagnostic(path, WARNING, "COPY-NOT-FOUND",
                                               f"copybook {ref.target} is not in the scan or on the copybook path",
                                               ref.line))

    def _dynamic(self, ref: Reference, source: str, path: str, resolver: _Resolver) -> None:
        if ref.target_kind == "segment":
            names = resolver.segment_names(ref.target)
        elif ref.target_kind in ("program", "transaction", "mapset", "file", "psb", "proc"):
            names = resolver.names(ref.target, ref.subscripted)
        else:
            names = []
        if not names:
            owner = source.split(":", 1)[1]
            target = f"dynamic:{owner}.{ref.target}"
            detail = f"{ref.target_kind} named at run time by {ref.target}"
            if ref.detail:
                detail = f"{ref.detail}; {detail}"
            self.add_edge(source, target, ref.kind, "unresolved-dynamic", False, path, ref.line, detail)
            return
        for name, via in names:
            found = self.resolve(ref, path, name)
            if found is None:
                continue
            target, resolved, extra = found
            detail = "; ".join(x for x in (ref.detail, f"identifier {ref.target}", extra) if x)
            self.add_edge(source, target, ref.kind, via, resolved, path, ref.line, detail)

    def _dd_links(self) -> None:
        """JCL DD name -> COBOL SELECT ... ASSIGN of the program the step runs -> dataset edges."""
        assigns: dict[str, dict[str, tuple[str, tuple[str, ...], str, int]]] = defaultdict(dict)
        for ff in self.facts:
            for fa in ff.extraction.file_assigns:
                assigns[fa.program][fa.ddname] = (fa.select_name, fa.modes, ff.file.path, fa.line)
        for ff in self.facts:
            for dd in ff.extraction.dd_statements:
                if not dd.program or not dd.dsn:
                    continue
                found = assigns.get(dd.program, {}).get(dd.ddname)
                if found is None:
                    continue
                select_name, modes, _cobol_path, _line = found
                accesses = sorted({DD_MODE_ACCESS[m] for m in modes if m in DD_MODE_ACCESS}) or [dd.access]
                target, resolved, _ = self.target_id("dataset", dd.dsn)
                for access in accesses:
                    self.add_edge(f"program:{dd.program}", target, access, "jcl-dd-select", resolved,
                                  ff.file.path, dd.line,
                                  f"{dd.owner} step {dd.step} DD {dd.ddname} -> SELECT {select_name}"
                                  f" (OPEN {'/'.join(modes) or 'not seen'})")

    # -- output ---------------------------------------------------------------------
    def _edge_list(self) -> list[Edge]:
        out = []
        for e in self.edges.values():
            out.append(Edge(
                source=e.source, target=e.target, kind=e.kind, resolved=e.resolved, via=e.via,
                locations=tuple(Location(p, ln) for p, ln in sorted(e.locations)),
                detail="; ".join(sorted(e.details))))
        out.sort(key=lambda e: (e.source, e.target, e.kind, e.via))
        return out

    def _components(self) -> list[Component]:
        ids: set[str] = set(self.defs)
        for e in self.edges.values():
            ids.add(e.source)
            ids.add(e.target)
        out = []
        for cid in sorted(ids):
            kind, name = cid.split(":", 1)
            d = self.defs.get(cid)
            if d is not None:
                out.append(Component(id=cid, kind=d.definition.kind, name=d.definition.name, language=d.language,
                                     file=d.path,
                                     line=d.definition.line, defined=True, system=False,
                                     metrics=self.metrics.get(cid)))
            else:
                system = cid in self.external_ids or (kind != "dynamic" and is_system(kind, name, self.system_modules))
                out.append(Component(id=cid, kind=kind, name=name, defined=False, system=system))
        return out


class _Resolver:
    """Values an identifier can hold, within one program and the copybooks it includes."""

    def __init__(self, items: list[DataItem], moves: list[Move]) -> None:
        self.roots = cobol_data.build_tree(items)
        self.by_name = cobol_data.index_by_name(self.roots)
        self._images: dict[int, str] = {}
        self._tables: dict[str, list[str]] = {}
        self.moves_to: dict[str, list[Move]] = defaultdict(list)
        for mv in moves:
            self.moves_to[mv.target].append(mv)

    def _value_clause(self, name: str) -> list[str]:
        out = []
        for node in self.by_name.get(name, []):
            if node.item.values and not node.item.values[0].startswith("\x00"):
                out.append(node.item.values[0])
        return out

    def _table(self, name: str) -> list[str]:
        cached = self._tables.get(name)
        if cached is None:
            cached = []
            for node in self.by_name.get(name, []):
                cached.extend(cobol_data.table_values(node, self.roots, self._images))
            self._tables[name] = cached
        return cached

    def names(self, ident: str, subscripted: bool, depth: int = 0) -> list[tuple[str, str]]:
        """(program name, via) pairs for the values ``ident`` can hold."""
        found: dict[str, str] = {}

        def add(value: str, via: str) -> None:
            name = program_name_value(value)
            if name and name not in found:
                found[name] = via

        if subscripted:
            for v in self._table(ident):
                add(v, "menu-table")
        for v in self._value_clause(ident):
            add(v, "value-clause")
        for mv in self.moves_to.get(ident, []):
            if mv.literal:
                add(mv.source, "move-literal")
                continue
            if mv.subscripted:
                for v in self._table(mv.source):
                    add(v, "menu-table")
            for v in self._value_clause(mv.source):
                add(v, "move-constant")
            if depth < 3 and not mv.subscripted and mv.source != ident:
                for name, via in self.names(mv.source, False, depth + 1):
                    found.setdefault(name, via)
        if not found and not subscripted:
            for v in self._table(ident):
                add(v, "menu-table")
        return sorted(found.items())

    def segment_names(self, ssa: str) -> list[tuple[str, str]]:
        """Segment name held in the first 8 bytes of an SSA."""
        out: list[tuple[str, str]] = []
        for node in self.by_name.get(ssa, []):
            image = cobol_data.value_image(node)
            name = image[:8].split("(")[0].split("*")[0].strip(" \x00")
            if name and program_name_value(name):
                out.append((name.upper(), "ssa-value"))
        for mv in self.moves_to.get(ssa, []):
            if mv.literal:
                name = mv.source[:8].split("(")[0].strip()
                if program_name_value(name):
                    out.append((name.upper(), "move-literal"))
        return sorted(set(out))


def link(facts: list[FileFacts], copybook_paths: tuple[str, ...] = (),
         system_modules: tuple[str, ...] = ()) -> Linked:
    """Resolve every file's references into components and edges."""
    return Linker(facts, copybook_paths, system_modules).link()
