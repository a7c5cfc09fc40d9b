"""Plain data types shared by every pipeline stage.

Every stage takes and returns these types. They are frozen so that facts can be
cached, pickled across process boundaries and compared in tests. Lines are
1-based; paths are POSIX and relative to the scan root.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legacy_lens.estimate import Effort, PortfolioEstimate
    from legacy_lens.risk import Risk

SCHEMA_VERSION = "1.0"

# Severity of a diagnostic.
ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something the user should know about one file (or the scan as a whole)."""

    path: str
    severity: str
    code: str
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class LineCounts:
    code: int = 0
    comment: int = 0
    blank: int = 0

    @property
    def total(self) -> int:
        return self.code + self.comment + self.blank


@dataclass(frozen=True, slots=True)
class ParseQuality:
    """How well a file parsed.

    ``error_ratio`` is the share of bytes inside outermost ERROR nodes after
    preprocessing; ``error_ratio_raw`` the same for the unpreprocessed text
    (``None`` when it was not measured). ``fallback_lines`` counts lines that the
    statement-level scanner read because the grammar could not.
    """

    status: str = "ok"  # ok | partial | failed | line-parser | skipped
    parser: str = ""  # e.g. "tree-sitter:cobol" or "line:jcl"
    error_ratio: float = 0.0
    error_ratio_raw: float | None = None
    fallback_used: bool = False
    fallback_lines: int = 0


@dataclass(frozen=True, slots=True)
class Definition:
    """A named thing defined in a file.

    ``kind`` is a component kind (program, copybook, job, proc, mapset,
    transaction, table, file, psb) or a sub-component kind (section, paragraph,
    step, map). ``parent`` is the owning component id for sub-components.
    """

    kind: str
    name: str
    line: int
    end_line: int | None = None
    parent: str | None = None
    detail: str = ""
    # The component id when it is not ``kind:name`` (path- or package-qualified names:
    # ``c:src/io.c::read_rec``, ``java:com.acme.Foo``). References still find it by kind and name.
    id: str = ""
    # "" for a global name; "file" when only references from the same file can reach it (C ``static``).
    scope: str = ""

    @property
    def component_id(self) -> str:
        return self.id or f"{self.kind}:{self.name}"


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference from a component to a named target, before resolution.

    ``source`` is a component id (``program:PAYROLL``). ``target`` is the
    target's name, or for ``dynamic`` references the identifier whose runtime
    value names the target. ``via`` says how the name was obtained
    (``literal``, ``jcl-exec``, ``csd`` ...).
    """

    source: str
    kind: str
    target_kind: str
    target: str
    line: int
    via: str = "literal"
    dynamic: bool = False
    subscripted: bool = False
    detail: str = ""
    # Names of ``target_kind`` to try, in order, before ``target``: the scopes a name is looked up in
    # (``M.X`` for each Fortran module used, the own package's ``PKG.PROC``, an imported class's FQN).
    candidates: tuple[str, ...] = ()
    # Component id to use when nothing in the scan resolves the reference and the extractor knows it
    # lies outside the code (``library:java.util``, ``header:<stdio.h>``): a resolved, system target.
    external: str = ""
    # True for a guess that only counts when it resolves (a Fortran ``F(X)`` that may be an array, a
    # Java call on a receiver of unknown type): left out, not recorded as unresolved, when nothing matches.
    optional: bool = False


@dataclass(frozen=True, slots=True)
class DataItem:
    """A COBOL data description entry, or a marker where a COPY was written.

    A COPY marker has ``level == 0`` and ``name`` set to the copybook member.
    ``values`` holds the literal(s) of the VALUE clause with quotes removed.
    """

    level: int
    name: str
    line: int
    picture: str = ""
    usage: str = ""
    values: tuple[str, ...] = ()
    occurs: int = 0
    redefines: str = ""
    section: str = ""  # "file" for FILE SECTION records (and COPYs there), else ""
    # Layout clauses (legacy_lens.datadict): SYNCHRONIZED, SIGN ... SEPARATE, OCCURS min TO max DEPENDING ON,
    # and an 88-level VALUE with THRU ranges (its ``values`` are then range ends, not a list of values).
    sync: bool = False
    sign_separate: bool = False
    occurs_min: int = 0
    depending_on: str = ""
    thru: bool = False


@dataclass(frozen=True, slots=True)
class Move:
    """``MOVE source TO target``; ``literal`` says the source is a literal."""

    program: str
    source: str
    target: str
    line: int
    literal: bool = False
    subscripted: bool = False


@dataclass(frozen=True, slots=True)
class FileAssign:
    """COBOL ``SELECT file ASSIGN TO ddname`` with the OPEN modes used on it."""

    program: str
    select_name: str
    ddname: str
    modes: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class DDStatement:
    """A JCL DD statement of a step.

    ``owner`` is ``job:NAME`` or ``proc:NAME``; ``program`` is the program the
    step runs when known (``PGM=`` or behind a utility), else ``""``.
    ``access`` is ``reads`` or ``writes`` as mapped from DISP.
    """

    owner: str
    step: str
    program: str
    ddname: str
    dsn: str
    disp: str
    access: str
    line: int


@dataclass(frozen=True, slots=True)
class Metrics:
    """Size and complexity of one component. Counts, not scores."""

    code_lines: int = 0
    comment_lines: int = 0
    blank_lines: int = 0
    complexity: int = 0
    max_nesting: int = 0
    paragraphs: int = 0
    goto_count: int = 0
    alter_count: int = 0
    dead_paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a database table from DDL or a DCLGEN: its SQL type as declared, and what it allows.

    ``length`` is the declared length or precision (``CHAR(10)`` -> 10, ``DECIMAL(9,2)`` -> 9), ``scale``
    the digits after the point; both are None when the type has none. ``type`` is upper case, without
    the parenthesised part (``VARCHAR``, ``DECIMAL``, ``TIMESTAMP``).
    """

    name: str
    type: str
    line: int
    length: int | None = None
    scale: int | None = None
    nullable: bool = True
    primary_key: bool = False
    default: str = ""


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a language extractor returns for one file."""

    definitions: tuple[Definition, ...] = ()
    references: tuple[Reference, ...] = ()
    metrics: tuple[tuple[str, Metrics], ...] = ()
    data_items: tuple[tuple[str, tuple[DataItem, ...]], ...] = ()
    moves: tuple[Move, ...] = ()
    file_assigns: tuple[FileAssign, ...] = ()
    dd_statements: tuple[DDStatement, ...] = ()
    # Columns of the tables the file defines: (table component id, its columns in declared order).
    columns: tuple[tuple[str, tuple[Column, ...]], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    lines: LineCounts = field(default_factory=LineCounts)
    parse: ParseQuality = field(default_factory=ParseQuality)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A discovered file and what happened to it."""

    path: str
    language: str
    encoding: str
    size_bytes: int
    sha256: str
    lines: LineCounts = field(default_factory=LineCounts)
    parse: ParseQuality = field(default_factory=ParseQuality)
    detected_by: str = ""  # extension | filename | content


@dataclass(frozen=True, slots=True)
class FileFacts:
    """One file's source record plus its extraction."""

    file: SourceFile
    extraction: Extraction
    # Pattern-rule matches found by the worker that had the text: (rule code, line, matched text), in
    # document order. The planning stage turns them into findings without reading the file again.
    matches: tuple[tuple[str, int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    kind: str
    name: str
    language: str | None = None
    file: str | None = None
    line: int | None = None
    defined: bool = True
    system: bool = False
    metrics: Metrics | None = None
    dead_candidate: bool = False
    fan_in: int = 0
    fan_out: int = 0
    effort: Effort | None = None
    risk: Risk | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: str
    resolved: bool
    via: str
    locations: tuple[Location, ...]
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """A modernisation blocker found by a rule. ``fingerprint`` does not change when lines shift."""

    rule: str
    component: str
    severity: str
    message: str
    location: Location | None = None
    name: str = ""
    category: str = ""
    effort: int = 0
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a report renders. Reports read nothing else."""

    files: tuple[SourceFile, ...]
    components: tuple[Component, ...]
    edges: tuple[Edge, ...]
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    roots: tuple[str, ...] = ()
    unrecognised_files: int = 0  # files that are not source code in a recognised language
    estimate: PortfolioEstimate | None = None
    coefficients: tuple[tuple[str, str, str], ...] = ()  # (name, value, source) behind the estimate
    plan: Mapping[str, Any] | None = None  # waves, shared services, skills, retire candidates (JSON-shaped)
    records: tuple[Mapping[str, Any], ...] = ()  # record layouts of copybook 01 levels (JSON-shaped, datadict)
    tables: tuple[Mapping[str, Any], ...] = ()  # table layouts from DDL and DCLGENs (JSON-shaped, link)
