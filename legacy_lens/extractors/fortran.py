"""Fortran 77/90+ program units: preprocess, parse with tree-sitter, extract facts.

``fortran_pre`` turns fixed form into free form (same lines) and resolves C
preprocessor conditionals; the grammar then parses the text. Program units and
their extents come from a statement scanner over the preprocessed text (unit
headers and END statements are unmistakable, and the scanner still sees them
inside ERROR regions); the grammar's captures give the CALLs, function
references, USEs, INCLUDEs, COMMON blocks, declarations and the decision nodes
for complexity. Statements that fall in ERROR regions are read again by the
same statement parsers, so that no CALL, USE, INCLUDE or COMMON is lost.

Ids (docs/LANGUAGES.md): ``program:NAME``, ``subroutine:NAME``,
``function:NAME``, ``module:NAME`` (a submodule is ``module:ANCESTOR.NAME``),
``blockdata:NAME``; module procedures ``subroutine:MOD.NAME`` /
``function:MOD.NAME``; internal procedures are ``routine`` sub-definitions of
their host (``HOST.NAME``), and calls to them make no edge. An include member
with no program unit is ``copybook:<MEMBER>``, as COBOL copybooks are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from legacy_lens import ts
from legacy_lens.extractors import tsfacts
from legacy_lens.extractors.common import closing_bracket, member_name
from legacy_lens.extractors.fortran_pre import FIXED, Preprocessed, Statement, preprocess, statements
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    ERROR,
    INFO,
    WARNING,
    Definition,
    Diagnostic,
    Extraction,
    LineCounts,
    Metrics,
    ParseQuality,
    Reference,
)

NAME = r"[A-Za-z][A-Za-z0-9_$]*"
_LABEL_PREFIX = re.compile(r"^\d{1,5}\s+")
_CONSTRUCT_NAME = re.compile(rf"^{NAME}\s*:(?!:)\s*")
_HEADER_WORDS = re.compile(r"SUBROUTINE|FUNCTION|PROGRAM|MODULE|BLOCK\s*DATA")
_PREFIX_WORD = re.compile(r"(?:RECURSIVE|NON_RECURSIVE|PURE|IMPURE|ELEMENTAL|MODULE)\b\s*")
_TYPE_WORD = re.compile(r"(?:INTEGER|REAL|LOGICAL|COMPLEX|CHARACTER|DOUBLE\s*PRECISION|DOUBLE\s*COMPLEX|BYTE)"
                        r"(?:\s*\*\s*(?:\d+|\(\s*[*:\w]*\s*\)))?\s*")
_TYPE_PAREN = re.compile(r"(?:TYPE|CLASS)\s*(?=\()")
_SUBPROGRAM = re.compile(rf"(SUBROUTINE|FUNCTION)\s*({NAME})\s*(?=\(|$|BIND\b|RESULT\b)")
_PROGRAM = re.compile(rf"PROGRAM\s*({NAME})\s*$")
_MODULE = re.compile(rf"MODULE\s+({NAME})\s*$")
_MODULE_PROCEDURE = re.compile(rf"MODULE\s+PROCEDURE\s+({NAME})\s*$")
_SUBMODULE = re.compile(rf"SUBMODULE\s*\(\s*({NAME})\s*(?::\s*({NAME})\s*)?\)\s*({NAME})\s*$")
_BLOCK_DATA = re.compile(rf"BLOCK\s*DATA(?:\s+({NAME}))?\s*$")
_END = re.compile(r"^END\s*(?:(PROGRAM|SUBROUTINE|FUNCTION|MODULE|SUBMODULE|BLOCK\s*DATA|PROCEDURE)\b"
                  rf"\s*(?:{NAME})?)?\s*$")
_END_INTERFACE = re.compile(r"^END\s*INTERFACE\b")
_CONTAINS = re.compile(r"^CONTAINS\s*$")
_ENTRY = re.compile(rf"^ENTRY\s*({NAME})\s*(\(.*\))?\s*$")
_INTERFACE = re.compile(rf"^(ABSTRACT\s+)?INTERFACE\b\s*({NAME})?\s*(.*)$")
_SPECIFICS = re.compile(r"^(?:MODULE\s+)?PROCEDURE\b\s*(?:::)?\s*(.*)$")
_BIND_C = re.compile(r"\bBIND\s*\(\s*C\s*(?:,\s*NAME\s*=\s*(['\"])\s*([^'\"]*?)\s*\1)?\s*\)", re.IGNORECASE)
_RESULT = re.compile(rf"\bRESULT\s*\(\s*({NAME})\s*\)")
_USE = re.compile(rf"^USE\b\s*(?:,\s*(NON_INTRINSIC|INTRINSIC)\s*)?(?:::)?\s*({NAME})\s*(?:,\s*(.*))?$")
_ONLY = re.compile(r"^ONLY\s*:\s*(.*)$")
_RENAME = re.compile(rf"^({NAME})\s*=>\s*({NAME})$")
_CALL_TEXT = re.compile(rf"(?<![\w%$])CALL\s+({NAME})\s*(%)?")
_INCLUDE = re.compile(r"^INCLUDE\s*(?:'([^']*)'|\"([^\"]*)\"|\(\s*([A-Za-z0-9_$#@]+)\s*\)|([A-Za-z0-9_$#@]+)\s*$)")
_COMMON = re.compile(r"^COMMON\b\s*(.*)$")
_EQUIVALENCE = re.compile(r"^EQUIVALENCE\b\s*(.*)$")
_OPEN = re.compile(r"^OPEN\s*\((.*)\)\s*$")
_IO_UNIT = re.compile(rf"(?<![\w%$])(READ|WRITE)\s*\(\s*(?:UNIT\s*=\s*)?(\d+|{NAME})")
_GOTO = re.compile(r"(?<![\w%$])GO\s*TO(?![\w$])")
_COMPUTED_GOTO = re.compile(r"(?<![\w%$])GO\s*TO\s*\(([\d\s,]*)\)")
_ASSIGNED_GOTO = re.compile(rf"(?<![\w%$])GO\s*TO\s*{NAME}\s*,?\s*\(([\d\s,]*)\)")
_OPEN_KEYWORD = re.compile(r"(?<![\w%$])(FILE|NAME|STATUS|ACTION|UNIT|NEWUNIT)\s*=\s*")
# Statement-level decisions for ERROR regions (the tree counts them elsewhere).
_IF_STMT = re.compile(r"^(?:ELSE\s*)?IF\s*\(")
_DO_STMT = re.compile(rf"^DO\s*(?:\d+\s*,?\s*)?(?:WHILE\b|{NAME}\s*=|$|CONCURRENT\b)")
_CASE_STMT = re.compile(r"^CASE\s*\(")
_ARITHMETIC_IF = re.compile(r"^IF\s*\(.*\)\s*\d+\s*,\s*\d+\s*,\s*\d+\s*$")
_LOGICAL_OP = re.compile(r"\.(?:AND|OR)\.")
_IO_BRANCH = re.compile(r"[(,]\s*(?:END|ERR|EOR)\s*=\s*\d")

# Intrinsic procedures (Fortran 2018, plus the FORTRAN 77 specific names and common vendor extensions): a
# reference to one of these is not a dependency unless the unit declares the name EXTERNAL.
INTRINSICS: frozenset[str] = frozenset({
    "ABS", "ACHAR", "ACOS", "ACOSD", "ACOSH", "ADJUSTL", "ADJUSTR", "AIMAG", "AINT", "ALL", "ALLOCATED", "ALOG",
    "ALOG10", "AMAX0", "AMAX1", "AMIN0", "AMIN1", "AMOD", "AND", "ANINT", "ANY", "ASIN", "ASIND", "ASINH",
    "ASSOCIATED", "ATAN", "ATAN2", "ATAN2D", "ATAND", "ATANH", "ATOMIC_ADD", "BESSEL_J0", "BESSEL_J1",
    "BESSEL_JN", "BESSEL_Y0", "BESSEL_Y1", "BESSEL_YN", "BGE", "BGT", "BIT_SIZE", "BLE", "BLT", "BTEST", "CABS",
    "CCOS", "CDABS", "CDCOS", "CDEXP", "CDLOG", "CDSIN", "CDSQRT", "CEILING", "CEXP", "CHAR", "CLOG", "CMPLX",
    "COMMAND_ARGUMENT_COUNT", "CONJG", "COS", "COSD", "COSH", "COTAN", "COUNT", "CSHIFT", "CSIN", "CSQRT",
    "C_ASSOCIATED", "C_FUNLOC", "C_LOC", "C_SIZEOF", "DABS", "DACOS", "DASIN", "DATAN", "DATAN2", "DBLE",
    "DCMPLX", "DCONJG", "DCOS", "DCOSH", "DDIM", "DESCR", "DEXP", "DFLOAT", "DIGITS", "DIM", "DIMAG", "DINT",
    "DLOG", "DLOG10", "DMAX1", "DMIN1", "DMOD", "DNINT", "DOT_PRODUCT", "DPROD", "DREAL", "DSHIFTL", "DSHIFTR",
    "DSIGN", "DSIN", "DSINH", "DSQRT", "DTAN", "DTANH", "EOSHIFT", "EPSILON", "ERF", "ERFC", "ERFC_SCALED",
    "ETIME", "EXP", "EXPONENT", "EXTENDS_TYPE_OF", "FINDLOC", "FLOAT", "FLOOR", "FRACTION", "GAMMA", "HUGE",
    "HYPOT", "IABS", "IACHAR", "IALL", "IAND", "IANY", "IARGC", "IBCLR", "IBITS", "IBSET", "ICHAR", "IDIM",
    "IDINT", "IDNINT", "IEOR", "IFIX", "IMAG", "IMAGE_INDEX", "INDEX", "INT", "INT2", "INT8", "IOR", "IPARITY",
    "IRAND", "ISHFT", "ISHFTC", "ISIGN", "ISNAN", "IS_CONTIGUOUS", "IS_IOSTAT_END", "IS_IOSTAT_EOR", "KIND",
    "LBOUND", "LCOBOUND", "LEADZ", "LEN", "LEN_TRIM", "LGE", "LGT", "LLE", "LLT", "LOC", "LOG", "LOG10",
    "LOGICAL", "LOG_GAMMA", "LSHIFT", "MASKL", "MASKR", "MATMUL", "MAX", "MAX0", "MAX1", "MAXEXPONENT", "MAXLOC",
    "MAXVAL", "MERGE", "MERGE_BITS", "MIN", "MIN0", "MIN1", "MINEXPONENT", "MINLOC", "MINVAL", "MOD", "MODULO",
    "NEAREST", "NEW_LINE", "NINT", "NORM2", "NOT", "NULL", "NUM_IMAGES", "OR", "OUT_OF_RANGE", "PACK", "PARITY",
    "POPCNT", "POPPAR", "PRECISION", "PRESENT", "PRODUCT", "QEXT", "QFLOAT", "RADIX", "RAN", "RAND", "RANGE",
    "RANK", "REAL", "REDUCE", "REF", "REPEAT", "RESHAPE", "RRSPACING", "RSHIFT", "SAME_TYPE_AS", "SCALE", "SCAN",
    "SECNDS", "SELECTED_CHAR_KIND", "SELECTED_INT_KIND", "SELECTED_REAL_KIND", "SET_EXPONENT", "SHAPE", "SHIFTA",
    "SHIFTL", "SHIFTR", "SIGN", "SIN", "SIND", "SINH", "SIZE", "SIZEOF", "SNGL", "SPACING", "SPREAD", "SQRT",
    "STORAGE_SIZE", "SUM", "TAN", "TAND", "TANH", "THIS_IMAGE", "TINY", "TRAILZ", "TRANSFER", "TRANSPOSE", "TRIM",
    "UBOUND", "UCOBOUND", "UNPACK", "VAL", "VERIFY", "XOR", "ZABS", "ZCOS", "ZEXP", "ZLOG", "ZSIN", "ZSQRT",
})
# Statement keywords: never a function name, whatever a damaged statement looks like.
_KEYWORDS = frozenset({"IF", "ELSEIF", "WHILE", "CASE", "SELECT", "WHERE", "ELSEWHERE", "FORALL", "DO", "READ",
                       "WRITE", "PRINT", "OPEN", "CLOSE", "INQUIRE", "FORMAT", "RETURN", "CALL", "GOTO", "STOP",
                       "END", "ENDIF", "ENDDO", "DATA", "COMMON", "DIMENSION", "EQUIVALENCE", "ALLOCATE",
                       "DEALLOCATE", "REWIND", "BACKSPACE", "ENDFILE", "ENTRY", "RESULT", "BIND", "INTENT",
                       "INCLUDE"})
# Modules that come with the compiler: a USE of one is not looked up as a candidate scope.
INTRINSIC_MODULES = frozenset({"ISO_C_BINDING", "ISO_FORTRAN_ENV", "IEEE_ARITHMETIC", "IEEE_EXCEPTIONS",
                               "IEEE_FEATURES", "OMP_LIB", "OMP_LIB_KINDS", "OPENACC"})
# Node types that start a program unit in the tree: nesting depth restarts there.
_UNIT_NODES = frozenset({"program", "subroutine", "function", "module", "submodule", "block_data",
                         "module_procedure"})
# Statements whose parenthesised names are data, never function references.
_NO_CALL_CONTEXT = frozenset({"equivalence_statement", "data_statement", "common_statement", "namelist_statement",
                              "variable_declaration", "variable_modification", "parameter_statement",
                              "input_item_list", "cray_pointer_declaration", "save_statement"})
_STATEMENT_LIMIT = frozenset({"translation_unit", "subroutine", "function", "program", "module", "submodule",
                              "block_data", "internal_procedures", "if_statement", "do_loop", "select_case_statement",
                              "where_statement", "case_statement", "elseif_clause", "else_clause",
                              "assignment_statement", "subroutine_call", "print_statement", "write_statement",
                              "stop_statement", "keyword_statement"})
# Extensions whose members are include text even when they hold executable statements.
_INCLUDE_EXTENSIONS = frozenset({".inc", ".h", ".fi", ".fh", ".cmn", ".ins"})


@dataclass(slots=True)
class _Interface:
    name: str
    line: int
    end_line: int
    host: int
    abstract: bool
    specifics: list[str] = field(default_factory=list)
    bodies: list[tuple[str, str]] = field(default_factory=list)  # (kind, name) of interface bodies
    bind_c: dict[str, str] = field(default_factory=dict)  # body name -> C name, for BIND(C) bodies
    body_lines: dict[str, list[int]] = field(default_factory=dict)  # body name -> [first line, last line]


@dataclass(slots=True)
class _Unit:
    kind: str  # program | subroutine | function | module | submodule | blockdata | procedure (separate MP)
    name: str
    line: int
    end_line: int = 0
    host: int = -1
    contains_line: int = 0
    qualifiers: tuple[str, ...] = ()
    dummies: tuple[str, ...] = ()
    result: str = ""
    ancestor: str = ""  # submodule: the module it extends
    parent_sub: str = ""  # submodule: its parent submodule, if any
    entries: list[tuple[str, int]] = field(default_factory=list)
    closed: bool = False
    implicit: bool = False
    assigns_own_name: bool = False
    dropped: bool = False  # an implicit main program that turned out to be stray statements
    # set after the scan
    role: str = ""  # component | internal
    id_kind: str = ""
    qualified: str = ""
    component: int = -1  # index of the unit whose component this unit's lines belong to


@dataclass(slots=True)
class _Scope:
    """What one component declares: the names that a ``F(X)`` cannot be a function reference to."""

    arrays: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)
    externals: set[str] = field(default_factory=set)
    intrinsics: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    assigned: set[str] = field(default_factory=set)  # names assigned as ``F(X) = ...``: arrays or statement functions
    interfaced: set[str] = field(default_factory=set)  # procedures declared by interface bodies
    uses: list[tuple[str, frozenset[str] | None, dict[str, str], int]] = field(default_factory=list)
    io_units: set[tuple[str, str]] = field(default_factory=set)  # (READ|WRITE, unit as written)


def _strip_label(masked: str) -> str:
    text = masked.strip().upper()
    m = _LABEL_PREFIX.match(text)
    return text[m.end():] if m else text


def _depth0(text: str) -> str:
    """``text`` with everything inside parentheses blanked (same length)."""
    if "(" not in text:
        return text
    out = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
            out.append(ch)
        elif ch == ")":
            depth = max(0, depth - 1)
            out.append(ch)
        else:
            out.append(" " if depth else ch)
    return "".join(out)


def _skip_parens(text: str, pos: int) -> int:
    """Index just after the balanced parenthesis group that starts at ``text[pos]`` (or ``pos``)."""
    if pos >= len(text) or text[pos] != "(":
        return pos
    return closing_bracket(text, pos)


def _names_in(arguments: str) -> tuple[str, ...]:
    """Upper-case dummy names of a ``(a, b, *)`` list."""
    inner = arguments.strip()
    if inner.startswith("("):
        inner = inner[1:_skip_parens(inner, 0) - 1]
    return tuple(n.strip().upper() for n in inner.split(",") if re.fullmatch(NAME, n.strip()))


@dataclass(frozen=True, slots=True)
class _Header:
    kind: str
    name: str
    qualifiers: tuple[str, ...] = ()
    dummies: tuple[str, ...] = ()
    result: str = ""
    ancestor: str = ""
    parent_sub: str = ""
    glued: bool = False  # no blank between SUBROUTINE/FUNCTION and the name (fixed form allows it)


def _header(text: str) -> _Header | None:
    """The program-unit header that ``text`` (masked, upper-case, unlabelled) is, or None."""
    if not _HEADER_WORDS.search(text):
        return None
    if "=" in _depth0(text).replace("=>", "  "):
        return None  # an assignment (``FUNCTIONAL = 1``) or a statement function
    m = _PROGRAM.match(text)
    if m:
        return _Header("program", m.group(1))
    m = _MODULE_PROCEDURE.match(text)
    if m:
        return _Header("procedure", m.group(1))
    m = _MODULE.match(text)
    if m and m.group(1) != "PROCEDURE":
        return _Header("module", m.group(1))
    m = _SUBMODULE.match(text)
    if m:
        return _Header("submodule", m.group(3), ancestor=m.group(1), parent_sub=m.group(2) or "")
    m = _BLOCK_DATA.match(text)
    if m:
        return _Header("blockdata", m.group(1) or "")
    pos = 0
    qualifiers: list[str] = []
    for _ in range(8):
        p = _PREFIX_WORD.match(text, pos)
        if p:
            word = p.group(0).strip()
            if word != "MODULE":
                qualifiers.append(word.lower())
            pos = p.end()
            continue
        t = _TYPE_WORD.match(text, pos)
        if t and not _SUBPROGRAM.match(text, pos):
            pos = _skip_parens(text, t.end())
            while pos < len(text) and text[pos] == " ":
                pos += 1
            continue
        t = _TYPE_PAREN.match(text, pos)
        if t:
            pos = _skip_parens(text, t.end())
            while pos < len(text) and text[pos] == " ":
                pos += 1
            continue
        break
    m = _SUBPROGRAM.match(text, pos)
    if not m:
        return None
    rest = text[m.end():]
    dummies = _names_in(rest) if rest.startswith("(") else ()
    result = _RESULT.search(rest)
    return _Header(m.group(1).lower(), m.group(2), tuple(qualifiers), dummies, result.group(1) if result else "",
                   glued=m.start(2) == m.end(1))


def include_member(written: str) -> str:
    """Member name of an included file: ``'../inc/params.inc'`` -> ``PARAMS``, ``'LIB(MEMB)'`` -> ``MEMB``."""
    name = written.strip()
    paren = re.search(r"\(\s*([A-Za-z0-9_$#@]+)\s*\)", name)
    if paren:
        name = paren.group(1)
    name = re.sub(r"/(?:NO)?LIST\s*$", "", name, flags=re.IGNORECASE)
    for sep in ("/", "\\", "]", ":"):
        name = name.rsplit(sep, 1)[-1]
    name = name.split(".", 1)[0] if not name.startswith(".") else name
    return name.strip().upper()


def _split_top(text: str, sep: str = ",") -> list[str]:
    """``text`` split at ``sep`` outside parentheses."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def common_blocks(masked_rest: str) -> list[str]:
    """Block names of a COMMON statement's text after the keyword (``_BLANK_`` for blank common)."""
    names: list[str] = []
    text = masked_rest.strip()
    if not text.startswith("/"):
        names.append("_BLANK_")
    for m in re.finditer(rf"/\s*({NAME})?\s*/", _depth0(text)):
        names.append(m.group(1).upper() if m.group(1) else "_BLANK_")
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    return out


class _Extractor:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.path = path
        self.spec = spec
        self.member = member_name(path)
        self.extension = PurePosixPath(path).suffix.lower()
        self.pre: Preprocessed = preprocess(text, self.extension)
        self.raw = text.split("\n")
        if self.raw and self.raw[-1] == "":
            self.raw.pop()
        self.n = len(self.pre.lines)
        self.stmts: list[Statement] = statements(self.pre.lines)
        self.by_line: dict[int, list[Statement]] = {}
        for st in self.stmts:
            self.by_line.setdefault(st.line, []).append(st)
        self.units: list[_Unit] = []
        self.interfaces: list[_Interface] = []
        self.definitions: list[Definition] = []
        self.references: list[Reference] = []
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[tuple[str, str, str, int, str]] = set()
        self.owner: list[int] = []  # 1-based line -> unit index of its component (-1: the copybook)
        self.scopes: dict[int, _Scope] = {}
        self.complexity: dict[int, int] = {}
        self.nesting: dict[int, int] = {}
        self.gotos: dict[int, int] = {}
        self.fallback_lines = 0
        self.copybook = ""
        self.detail = ""  # detail for references found while reading inactive #if branches
        self._internal: dict[int, set[str]] = {}
        self.bind_c: dict[str, str] = {}  # Fortran name of a BIND(C) interface body -> the C function's name
        self._dummies: dict[int, set[str]] = {}

    # -- program units ------------------------------------------------------------------------------
    def scan_units(self) -> None:
        stack: list[int] = []
        iface: _Interface | None = None
        body_depth = 0
        body = ""
        for st in self.stmts:
            text = _strip_label(st.masked)
            construct = _CONSTRUCT_NAME.match(text)
            if construct:
                text = text[construct.end():]
            if iface is not None:
                if _END_INTERFACE.match(text):
                    iface.end_line = st.end_line
                    iface = None
                    body_depth = 0
                    continue
                head = _header(text)
                if head and head.kind in ("subroutine", "function"):
                    if body_depth == 0:
                        iface.bodies.append((head.kind, head.name))
                        iface.body_lines[head.name] = [st.line, st.end_line]
                        body = head.name
                        bind = _BIND_C.search(st.text)
                        if bind:
                            iface.bind_c[head.name] = bind.group(2) if bind.group(2) else head.name.lower()
                    body_depth += 1
                    continue
                end = _END.match(text)
                if end and body_depth > 0:
                    body_depth -= 1
                    if body_depth == 0 and body in iface.body_lines:
                        iface.body_lines[body][1] = st.end_line
                    continue
                specifics = _SPECIFICS.match(text)
                if specifics and body_depth == 0:
                    iface.specifics.extend(n.strip().upper() for n in specifics.group(1).split(",")
                                           if re.fullmatch(NAME, n.strip()))
                continue
            m = _INTERFACE.match(text)
            if m and not m.group(3).startswith("="):
                generic = m.group(2) or ""
                if generic in ("OPERATOR", "ASSIGNMENT", "READ", "WRITE"):
                    generic = ""
                iface = _Interface(generic, st.line, st.end_line, stack[-1] if stack else -1, bool(m.group(1)))
                self.interfaces.append(iface)
                continue
            head = _header(text)
            open_unit = bool(stack) and not self.units[stack[-1]].contains_line
            if head is not None and head.glued and open_unit:
                head = None  # ``REAL FUNCTIONS(10)`` inside a unit declares an array
            if head is not None:
                if head.kind == "procedure" and not (stack and self.units[stack[-1]].contains_line):
                    continue
                while stack and not self.units[stack[-1]].contains_line:
                    top = self.units[stack.pop()]
                    if top.implicit and not top.closed:
                        top.dropped = True
                        continue
                    top.end_line = max(top.line, st.line - 1)
                    self._diag(WARNING, "FORTRAN-MISSING-END",
                               f"{top.kind} {top.name or '(unnamed)'} has no END statement before the next "
                               "program unit; it is taken to end there", top.line)
                unit = _Unit(kind=head.kind, name=head.name, line=st.line, host=stack[-1] if stack else -1,
                             qualifiers=head.qualifiers, dummies=head.dummies, result=head.result,
                             ancestor=head.ancestor, parent_sub=head.parent_sub)
                self.units.append(unit)
                stack.append(len(self.units) - 1)
                continue
            end = _END.match(text)
            if end:
                if not stack:
                    continue
                kind = (end.group(1) or "").replace(" ", "")
                target = {"BLOCKDATA": "blockdata"}.get(kind, kind.lower())
                if target in ("program", "module", "submodule", "blockdata"):
                    while stack:
                        top = self.units[stack.pop()]
                        top.end_line, top.closed = st.end_line, True
                        if top.kind == target:
                            break
                    continue
                top = self.units[stack[-1]]
                if target in ("subroutine", "function", "procedure") and top.kind in ("module", "submodule"):
                    continue  # the procedure's header was not recognised; keep the module open
                stack.pop()
                top.end_line, top.closed = st.end_line, True
                continue
            if not stack:
                # Statements before any header: a main program without a PROGRAM statement (F77).
                unit = _Unit(kind="program", name="", line=st.line, implicit=True)
                self.units.append(unit)
                stack.append(len(self.units) - 1)
                continue
            top = self.units[stack[-1]]
            if _CONTAINS.match(text):
                top.contains_line = st.line
                continue
            entry = _ENTRY.match(text)
            if entry and "=" not in _depth0(text):
                top.entries.append((entry.group(1), st.line))
                if entry.group(2):
                    top.dummies = top.dummies + _names_in(entry.group(2))
                continue
            if top.kind == "procedure" and re.match(rf"^{re.escape(top.name)}\s*(?:\(.*\))?\s*=(?!=)", text):
                top.assigns_own_name = True
        while stack:
            top = self.units[stack.pop()]
            if top.implicit and not top.closed:
                top.dropped = True
                continue
            top.end_line = self.n
            self._diag(WARNING, "FORTRAN-MISSING-END", f"{top.kind} {top.name or '(unnamed)'} has no END "
                       "statement; it is taken to run to the end of the file", top.line)
        if iface is not None:
            iface.end_line = self.n
        kept = [i for i, u in enumerate(self.units) if not u.dropped]
        renumber = {old: new for new, old in enumerate(kept)}
        self.units = [self.units[i] for i in kept]
        for u in self.units:
            u.host = renumber.get(u.host, -1)
        for iface in self.interfaces:
            iface.host = renumber.get(iface.host, -1)

    def resolve_units(self) -> None:
        """Roles, component ids and line ownership of the scanned units."""
        for i, u in enumerate(self.units):
            host = self.units[u.host] if u.host >= 0 else None
            if host is None:
                u.role, u.component = "component", i
                if u.kind == "submodule":
                    u.id_kind, u.qualified = "module", f"{u.ancestor}.{u.name}"
                elif u.kind == "blockdata":
                    u.id_kind, u.qualified = "blockdata", u.name or self.member
                elif u.kind == "procedure":
                    u.id_kind, u.qualified = "subroutine", u.name
                else:
                    u.id_kind, u.qualified = u.kind, u.name or self.member
            elif host.kind in ("module", "submodule"):
                module = host.name if host.kind == "module" else host.ancestor
                kind = u.kind
                if kind == "procedure":
                    kind = "function" if u.assigns_own_name else "subroutine"
                u.role, u.component = "component", i
                u.id_kind, u.qualified = kind, f"{module}.{u.name}"
            else:
                u.role, u.component = "internal", host.component if host.component >= 0 else u.host
                u.id_kind = "routine"
                u.qualified = f"{self.units[u.component].qualified}.{u.name}"
        self.owner = [-1] * (self.n + 2)
        tops = [i for i, u in enumerate(self.units) if u.host < 0]
        start = 1
        for k, i in enumerate(tops):
            u = self.units[i]
            stop = u.end_line if k + 1 < len(tops) else self.n
            for line in range(start, stop + 1):
                self.owner[line] = i
            start = stop + 1
        previous_end: dict[int, int] = {}  # host -> end line of its last module procedure so far
        for i, u in enumerate(self.units):
            if u.role != "component" or u.host < 0:
                continue
            host = self.units[u.host]
            begin = max(host.contains_line + 1, previous_end.get(u.host, 0) + 1)
            previous_end[u.host] = u.end_line
            for line in range(begin, min(u.end_line, self.n) + 1):
                self.owner[line] = i
        # Internal procedures' lines belong to their host's component (already so by containment).

    def cid(self, i: int) -> str:
        if i < 0:
            return f"copybook:{self.copybook}"
        u = self.units[self.units[i].component]
        return f"{u.id_kind}:{u.qualified}"

    def component_of_line(self, line: int) -> int:
        if 0 < line < len(self.owner):
            return self.owner[line]
        return self.owner[-2] if self.owner else -1

    # -- definitions --------------------------------------------------------------------------------
    def define(self) -> None:
        if not self.units:
            self.copybook = self.member
            self.definitions.append(Definition(kind="copybook", name=self.member, line=1, end_line=max(1, self.n),
                                               detail="include member"))
            return
        for u in self.units:
            if u.role == "internal":
                host = self.units[u.component]
                self.definitions.append(Definition(
                    kind="routine", name=u.qualified, line=u.line, end_line=u.end_line,
                    parent=f"{host.id_kind}:{host.qualified}", detail=f"internal {u.kind}"))
                continue
            details = list(u.qualifiers)
            parent = None
            if u.host >= 0:
                host = self.units[u.host]
                parent = f"{host.id_kind}:{host.qualified}"
                details.append("module procedure")
            if u.kind == "submodule":
                details.append(f"submodule of {u.ancestor}")
            if u.implicit:
                details.append("main program without a PROGRAM statement")
            self.definitions.append(Definition(kind=u.id_kind, name=u.qualified, line=u.line, end_line=u.end_line,
                                               parent=parent, detail="; ".join(details)))
            for entry, line in u.entries:
                prefix = u.qualified.rsplit(".", 1)[0] + "." if "." in u.qualified and u.host >= 0 else ""
                self.definitions.append(Definition(kind=u.id_kind, name=f"{prefix}{entry}", line=line, end_line=line,
                                                   parent=f"{u.id_kind}:{u.qualified}",
                                                   detail=f"ENTRY in {u.qualified}"))

    # -- references ---------------------------------------------------------------------------------
    def add_ref(self, ref: Reference) -> None:
        key = (ref.kind, ref.target_kind, ref.target, ref.line, ref.source)
        if key in self.seen:
            return
        self.seen.add(key)
        self.references.append(ref)

    def _diag(self, severity: str, code: str, message: str, line: int | None) -> None:
        self.diagnostics.append(Diagnostic(self.path, severity, code, message, line))

    def statement_at(self, line: int, keyword: re.Pattern[str]) -> Statement | None:
        for st in self.by_line.get(line, ()):
            if keyword.match(_action(_strip_label(st.masked))):
                return st
        return None

    def scope(self, comp: int) -> _Scope:
        s = self.scopes.get(comp)
        if s is None:
            s = self.scopes[comp] = _Scope()
        return s

    def statement_facts(self, st: Statement, fallback: bool) -> None:
        """USE, INCLUDE, COMMON, EQUIVALENCE, OPEN (and in fallback CALL) facts of one statement."""
        comp = self.component_of_line(st.line)
        text = _strip_label(st.masked)
        construct = _CONSTRUCT_NAME.match(text)
        if construct:
            text = text[construct.end():]
        text = _action(text)
        source = self.cid(comp)
        m = _USE.match(text)
        if m:
            self._use(m, st, comp, source)
            return
        m = _INCLUDE.match(text)
        if m:
            literal = re.match(r"^\s*(?:\d{1,5}\s+)?INCLUDE\s*(['\"])(.*)\1", st.text.strip(), re.IGNORECASE)
            written = literal.group(2) if literal else next((g for g in m.groups() if g), "")
            self._include(written, st.line, source, "include", self.detail)
            return
        m = _COMMON.match(text)
        if m:
            for block in common_blocks(m.group(1)):
                self.add_ref(Reference(source, "shares", "common", block, st.line, "common",
                                       detail=self.detail, external=f"common:{block}"))
            return
        m = _OPEN.match(text)
        if m:
            self._open(st, comp, source)
            return
        if fallback:
            for call in _CALL_TEXT.finditer(text):
                if call.group(2):
                    continue
                self.call(call.group(1), st.line, comp, "call")

    def _use(self, m: re.Match[str], st: Statement, comp: int, source: str) -> None:
        module = m.group(2).upper()
        intrinsic = m.group(1) == "INTRINSIC"
        rest = (m.group(3) or "").strip()
        only: frozenset[str] | None = None
        renames: dict[str, str] = {}
        o = _ONLY.match(rest)
        items = o.group(1) if o else rest
        names: set[str] = set()
        for item in _split_top(items):
            item = item.strip()
            r = _RENAME.match(item)
            if r:
                renames[r.group(1).upper()] = r.group(2).upper()
                names.add(r.group(1).upper())
            elif re.fullmatch(NAME, item):
                names.add(item.upper())
        if o:
            only = frozenset(names)
        self.scope(comp).uses.append((module, only, renames, st.line))
        detail = "; ".join(x for x in ("only" if o else "", self.detail) if x)
        ref = Reference(source, "imports", "module", module, st.line, "use", detail=detail,
                        external=f"module:{module}" if intrinsic else "")
        self.add_ref(ref)

    def _include(self, written: str, line: int, source: str, via: str, detail: str = "") -> None:
        member = include_member(written)
        if not member:
            return
        text = f"{written}; {detail}" if detail else written
        self.add_ref(Reference(source, "includes", "copybook", member, line, via, detail=text))

    def _open(self, st: Statement, comp: int, source: str) -> None:
        masked = st.masked.upper()
        values: dict[str, str] = {}
        open_at = masked.find("OPEN")
        body_start = masked.find("(", open_at)
        if body_start < 0:
            return
        args = _split_top(masked[body_start + 1:masked.rfind(")")])
        offset = body_start + 1
        for position, arg in enumerate(args):
            k = _OPEN_KEYWORD.match(arg.strip())
            lead = len(arg) - len(arg.lstrip())
            if k:
                value = st.text[offset + lead + k.end(): offset + len(arg)].strip()
                values.setdefault(k.group(1), value)
            elif position == 0:
                values.setdefault("UNIT", arg.strip())
            offset += len(arg) + 1
        written = values.get("FILE") or values.get("NAME") or ""
        if len(written) < 2 or written[0] not in "'\"" or written[-1] != written[0]:
            return  # a file named at run time
        name = written[1:-1].replace(written[0] * 2, written[0]).strip()
        if not name:
            return
        unit = (values.get("UNIT") or values.get("NEWUNIT") or "").upper()
        action = values.get("ACTION", "").strip("'\"").upper()
        status = values.get("STATUS", "").strip("'\"").upper()
        if action in ("READ", "WRITE", "READWRITE"):
            access = {"READ": "reads", "WRITE": "writes", "READWRITE": "updates"}[action]
        elif status in ("NEW", "REPLACE"):
            access = "writes"
        else:
            io = self.scope(comp).io_units
            reads = ("READ", unit) in io
            writes = ("WRITE", unit) in io
            access = "updates" if reads and writes else "writes" if writes else "reads"
        detail = f"OPEN unit {unit}" + (f" STATUS={status}" if status else "") + (f" ACTION={action}" if action else "")
        self.add_ref(Reference(source, access, "dataset", name, st.line, "open", detail=detail))

    def candidates(self, comp: int, name: str) -> tuple[tuple[str, ...], str]:
        """(``MOD.NAME`` scopes to try, in order; the target name) for a procedure referenced from ``comp``."""
        out: list[str] = []
        target = name
        chain = [comp]
        u = self.units[comp]
        if u.host >= 0:
            host = self.units[u.host]
            module = host.name if host.kind == "module" else host.ancestor
            if module:
                out.append(f"{module}.{name}")
            chain.append(u.host)
        elif u.kind == "submodule":
            out.append(f"{u.ancestor}.{name}")
        elif u.kind == "module":
            out.append(f"{u.name}.{name}")
        for owner in chain:
            for module, only, renames, _line in self.scope(owner).uses:
                if module in INTRINSIC_MODULES:
                    continue
                if only is not None and name not in only:
                    continue
                remote = renames.get(name, name)
                if remote != name:
                    target = remote
                candidate = f"{module}.{remote}"
                if candidate not in out:
                    out.append(candidate)
        return tuple(out), target

    def _index_units(self) -> None:
        for u in self.units:
            if u.role == "internal":
                self._internal.setdefault(u.component, set()).add(u.name)
            self._dummies.setdefault(u.component, set()).update(u.dummies)

    def internal_names(self, comp: int) -> set[str]:
        """Names of the internal procedures of the component (calls to them make no edge)."""
        return self._internal.get(comp, set())

    def dummies(self, comp: int) -> set[str]:
        """Dummy arguments of the component and of its internal procedures (dummy procedures are not targets)."""
        return self._dummies.get(comp, set())

    def call(self, name: str, line: int, comp: int, via: str) -> None:
        name = name.upper()
        if name in _KEYWORDS:
            return
        if comp >= 0:
            if name in self.internal_names(comp) or name in self.dummies(comp):
                return
            cands, target = self.candidates(comp, name)
        else:
            cands, target = (), name
        if name in self.bind_c:
            self.add_ref(Reference(self.cid(comp), "calls", "function", self.bind_c[name], line, "bind-c",
                                   detail=f"through the BIND(C) interface {name}"))
            return
        self.add_ref(Reference(self.cid(comp), "calls", "subroutine", target, line, via, candidates=cands,
                               detail=self.detail))

    def function_ref(self, name: str, line: int, comp: int, args: str) -> None:
        name = name.upper()
        if comp < 0:
            local: _Scope = self.scope(-1)
            chain = [local]
            unit_names: set[str] = set()
            dummies: tuple[str, ...] = ()
        else:
            u = self.units[comp]
            chain = [self.scope(comp)] + ([self.scope(u.host)] if u.host >= 0 else [])
            unit_names = {u.name, u.result} | self.internal_names(comp)
            dummies = tuple(self.dummies(comp))
        if name in _KEYWORDS:
            return
        if name in self.bind_c:
            self.add_ref(Reference(self.cid(comp), "calls", "function", self.bind_c[name], line, "bind-c",
                                   detail=f"through the BIND(C) interface {name}"))
            return
        external = any(name in s.externals or name in s.interfaced for s in chain)
        if not external:
            if name in INTRINSICS or name.startswith("IEEE_") or any(name in s.intrinsics for s in chain):
                return
            if ":" in _depth0(args[1:-1] if args.startswith("(") else args):
                return  # a substring or array section
        if name in unit_names or name in dummies:
            return
        for s in chain:
            if name in s.arrays or name in s.types or name in s.assigned:
                return
        if comp >= 0:
            cands, target = self.candidates(comp, name)
        else:
            cands, target = (), name
        self.add_ref(Reference(self.cid(comp), "calls", "function", target, line, "function-reference",
                               candidates=cands, optional=not external))

    # -- tree ---------------------------------------------------------------------------------------
    def read_tree(self, tree: ts.ParsedTree, captures: list[tuple[str, ts.Node]]) -> None:
        pending: list[tuple[str, ts.Node, int, int]] = []
        for cap, node in captures:
            line = tsfacts.line_of(node)
            if line > self.n:
                continue  # the wrapper line of an include member
            comp = self.component_of_line(line)
            scope = self.scope(comp)
            if cap == "fact.array":
                name = _first_identifier(node, tree)
                if name:
                    scope.arrays.add(name)
            elif cap == "fact.declaration":
                dimension = any(c.type == "type_qualifier" and tree.text(c).lower().startswith("dimension")
                                for c in node.named_children)
                procedure = any(c.type == "procedure" for c in node.named_children)
                for child in node.named_children:
                    if child.type in ("identifier", "init_declarator", "pointer_init_declarator"):
                        name = _first_identifier(child, tree) if child.type != "identifier" else tree.text(child)
                        if not name:
                            continue
                        name = name.upper()
                        if procedure:
                            scope.externals.add(name)
                        else:
                            scope.declared.add(name)
                            if dimension:
                                scope.arrays.add(name)
            elif cap == "fact.modification":
                qualifier = next((tree.text(c).lower() for c in node.named_children if c.type == "type_qualifier"), "")
                names = [tree.text(c).upper() for c in node.named_children if c.type == "identifier"]
                if qualifier.startswith("external"):
                    scope.externals.update(names)
                elif qualifier.startswith("intrinsic"):
                    scope.intrinsics.update(names)
                elif qualifier.startswith("dimension"):
                    scope.arrays.update(names)
            elif cap == "fact.type":
                for child in node.named_children:
                    if child.type == "type_name":
                        scope.types.add(tree.text(child).upper())
            elif cap == "reference.function":
                parent = node.parent
                if parent is not None and parent.type == "assignment_statement" and parent.named_children \
                        and parent.named_children[0] == node:
                    name = _first_identifier(node, tree, direct=True)
                    if name:
                        scope.assigned.add(name)
                    continue
                pending.append((cap, node, line, comp))
            else:
                pending.append((cap, node, line, comp))
        includes: list[Statement] = []
        for st in self.stmts:
            upper = st.masked.upper()
            for m in _IO_UNIT.finditer(upper):
                self.scope(self.component_of_line(st.line)).io_units.add((m.group(1), m.group(2)))
            if "INCLUDE" in upper:
                includes.append(st)
        # INCLUDE is a line directive rather than a statement: the grammar misses the IBM and VAX forms
        # (INCLUDE (MEMBER), INCLUDE MEMBER), so every INCLUDE line is read here too.
        for st in includes:
            if _INCLUDE.match(_strip_label(st.masked)):
                self.statement_facts(st, False)
        # USE statements first: candidates need every USE of the unit, wherever the call is.
        order = {"reference.use": 0}
        pending.sort(key=lambda p: order.get(p[0], 1))
        done_statements: set[int] = set()
        for cap, node, line, comp in pending:
            if cap == "reference.call":
                name = _call_name(node, tree)
                if name:
                    self.call(name, line, comp, "call")
            elif cap == "reference.function":
                if _in_data_context(node):
                    continue
                name = _first_identifier(node, tree, direct=True)
                if not name:
                    continue
                args = next((tree.text(c) for c in node.named_children if c.type == "argument_list"), "")
                self.function_ref(name, line, comp, args)
            elif cap == "reference.include":
                filename = next((tree.text(c) for c in node.named_children if c.type == "filename"), "")
                written = filename.strip()
                if len(written) >= 2 and written[0] in "'\"" and written[-1] == written[0]:
                    written = written[1:-1]
                elif not written:
                    found = self.statement_at(line, _INCLUDE)
                    if found is not None:
                        self.statement_facts(found, False)
                    continue
                self._include(written, line, self.cid(comp), "include")
            else:
                keyword = {"reference.use": _USE, "reference.open": _OPEN, "fact.common": _COMMON,
                           "fact.equivalence": _EQUIVALENCE}[cap]
                found = self.statement_at(line, keyword)
                if found is None or id(found) in done_statements:
                    continue
                done_statements.add(id(found))
                if cap != "fact.equivalence":
                    self.statement_facts(found, False)

    def externals_passed(self) -> None:
        """EXTERNAL names that are never called but passed as arguments: a dependency of unknown kind."""
        called = {(r.source, r.target) for r in self.references if r.kind == "calls"}
        for comp, scope in self.scopes.items():
            if comp >= 0 and self.units[comp].role != "component":
                continue
            source = self.cid(comp)
            dummies = set(self.units[comp].dummies) if comp >= 0 else set()
            for name in sorted(scope.externals - dummies):
                if (source, name) in called or any(c.endswith(f".{name}") for s, c in called if s == source):
                    continue
                line = self.units[comp].line if comp >= 0 else 1
                cands, target = self.candidates(comp, name) if comp >= 0 else ((), name)
                for kind in ("subroutine", "function"):
                    self.add_ref(Reference(source, "calls", kind, target, line, "external-argument",
                                           detail="declared EXTERNAL, passed as an argument",
                                           candidates=cands, optional=True))

    def interfaces_facts(self) -> None:
        for iface in self.interfaces:
            if iface.abstract or iface.host < 0:
                continue
            host_index = self.component_of_line(iface.line)
            if host_index < 0:
                continue
            unit = self.units[host_index]
            scope = self.scope(host_index)
            # Interface bodies declare external procedures: references to them are certain, not guesses.
            for _kind, name in iface.bodies:
                scope.interfaced.add(name)
            if unit.kind not in ("module", "submodule"):
                self.bind_c.update(iface.bind_c)  # a local interface: calls go straight to the C function
                continue
            module = unit.name if unit.kind == "module" else unit.ancestor
            parent = f"{unit.id_kind}:{unit.qualified}"
            # A BIND(C) body in a module is what the module's users call: a component that calls the C function.
            for body_kind, name in iface.bodies:
                c_name = iface.bind_c.get(name)
                if not c_name or any(u.name == name and u.host == host_index for u in self.units):
                    continue
                first, last = iface.body_lines.get(name, [iface.line, iface.end_line])
                cid = f"{body_kind}:{module}.{name}"
                self.definitions.append(Definition(kind=body_kind, name=f"{module}.{name}", line=first, end_line=last,
                                                   parent=parent, detail=f"BIND(C) interface to {c_name}"))
                self.add_ref(Reference(cid, "calls", "function", c_name, first, "bind-c",
                                       detail=f"through the BIND(C) interface {name}"))
            if not iface.name:
                continue
            kinds = {u.id_kind for u in self.units if u.host == host_index and u.name in iface.specifics}
            kinds |= {k for k, _ in iface.bodies}
            kinds &= {"subroutine", "function"}
            if len(kinds) != 1 or any(u.name == iface.name and u.host == host_index for u in self.units):
                continue
            kind = kinds.pop()
            generic = f"{module}.{iface.name}"
            self.definitions.append(Definition(kind=kind, name=generic, line=iface.line, end_line=iface.end_line,
                                               parent=parent,
                                               detail="generic interface: " + ", ".join(
                                                   iface.specifics + [n for _, n in iface.bodies])))
            for name in iface.specifics:
                self.add_ref(Reference(f"{kind}:{generic}", "calls", kind, name, iface.line, "generic",
                                       candidates=(f"{module}.{name}",)))
            for body_kind, name in iface.bodies:
                self.add_ref(Reference(f"{kind}:{generic}", "calls", body_kind, name, iface.line, "generic",
                                       candidates=(f"{module}.{name}",) if name in iface.bind_c else ()))

    def submodule_imports(self) -> None:
        for u in self.units:
            if u.kind == "submodule" and u.role == "component":
                self.add_ref(Reference(f"module:{u.qualified}", "imports", "module", u.ancestor, u.line, "submodule"))

    # -- metrics ------------------------------------------------------------------------------------
    def tree_metrics(self, tree: ts.ParsedTree) -> None:
        decisions = tsfacts.Decisions.from_spec(self.spec.decision_nodes)
        nesting = frozenset(self.spec.nesting_nodes)
        stack: list[tuple[ts.Node, int]] = [(tree.root, 0)]
        while stack:
            node, depth = stack.pop()
            kind = node.type
            if kind == "ERROR":
                continue  # read by the statement scanner
            line = node.start_point[0] + 1
            if line > self.n:
                continue
            if kind in _UNIT_NODES:
                depth = 0
            n = decisions.count(kind, node, tree)
            if kind == "keyword_statement" and n:
                # An n-way GO TO is n - 1 decisions beyond the one counted for the statement.
                n += max(0, _goto_labels(tree.text(node)) - 1)
            if n:
                comp = self.component_of_line(line)
                self.complexity[comp] = self.complexity.get(comp, 0) + n
            if kind in nesting:
                depth += 1
                comp = self.component_of_line(line)
                if depth > self.nesting.get(comp, 0):
                    self.nesting[comp] = depth
            for child in node.children:
                if child.child_count or child.type in decisions.plain:
                    stack.append((child, depth))

    def statement_metrics(self, error_ranges: list[tuple[int, int]]) -> None:
        """GO TO counts for every statement; decisions for the statements inside ERROR regions."""
        k = 0
        for st in self.stmts:
            text = _strip_label(st.masked)
            comp = self.component_of_line(st.line)
            gotos = len(_GOTO.findall(text))
            if gotos:
                self.gotos[comp] = self.gotos.get(comp, 0) + gotos
            while k < len(error_ranges) and error_ranges[k][1] < st.line:
                k += 1
            if k < len(error_ranges) and error_ranges[k][0] <= st.line <= error_ranges[k][1]:
                self.complexity[comp] = self.complexity.get(comp, 0) + _statement_decisions(text)
        for line, count in self.pre.alternate_returns.items():
            comp = self.component_of_line(line)
            self.complexity[comp] = self.complexity.get(comp, 0) + count

    def line_kinds(self) -> list[str]:
        """Per line: ``b`` blank, ``c`` comment, ``x`` code."""
        out = []
        fixed = self.pre.form == FIXED
        inactive = set(self.pre.inactive)
        for i, raw in enumerate(self.raw):
            pre = self.pre.lines[i] if i < len(self.pre.lines) else ""
            stripped = raw.strip()
            if not stripped or stripped == "\x1a":
                out.append("b")
            elif raw.lstrip().startswith("#"):
                out.append("x")
            elif i + 1 in inactive:
                comment = raw.lstrip().startswith("!") or (fixed and raw[:1] in ("C", "c", "*", "D", "d"))
                out.append("c" if comment else "x")
            elif pre.lstrip().startswith("!"):
                out.append("c")
            elif not pre.strip():
                out.append("b")  # a sequence number alone
            else:
                out.append("x")
        return out

    def result(self, quality: ParseQuality) -> Extraction:
        kinds = self.line_kinds()
        total = LineCounts(code=kinds.count("x"), comment=kinds.count("c"), blank=kinds.count("b"))
        metrics: list[tuple[str, Metrics]] = []
        per: dict[int, list[int]] = {}
        for line, kind in enumerate(kinds, start=1):
            comp = self.component_of_line(line)
            counts = per.setdefault(comp, [0, 0, 0])
            counts["xcb".index(kind)] += 1
        comps = [-1] if not self.units else [i for i, u in enumerate(self.units) if u.role == "component"]
        for comp in comps:
            code, comment, blank = per.get(comp, [0, 0, 0])
            metrics.append((self.cid(comp), Metrics(
                code_lines=code, comment_lines=comment, blank_lines=blank,
                complexity=1 + self.complexity.get(comp, 0), max_nesting=self.nesting.get(comp, 0),
                goto_count=self.gotos.get(comp, 0))))
        self._counts_in_details()
        return Extraction(definitions=tuple(self.definitions), references=tuple(self.references),
                          metrics=tuple(metrics), diagnostics=tuple(self.diagnostics), lines=total, parse=quality)

    def _counts_in_details(self) -> None:
        """``equivalence=N common=N`` in each unit's detail (Metrics has no field for them)."""
        commons: dict[str, set[str]] = {}
        for r in self.references:
            if r.kind == "shares":
                commons.setdefault(r.source, set()).add(r.target)
        equivalences: dict[str, int] = {}
        for st in self.stmts:
            m = _EQUIVALENCE.match(_strip_label(st.masked))
            if m:
                sets = sum(1 for part in _split_top(m.group(1)) if part.strip().startswith("("))
                cid = self.cid(self.component_of_line(st.line))
                equivalences[cid] = equivalences.get(cid, 0) + sets
        out = []
        for d in self.definitions:
            if d.kind in ("routine",) or d.detail.startswith(("ENTRY", "generic", "BIND(C)")):
                out.append(d)
                continue
            cid = d.component_id
            counts = f"equivalence={equivalences.get(cid, 0)} common={len(commons.get(cid, ()))}"
            detail = f"{d.detail}; {counts}" if d.detail else counts
            out.append(Definition(kind=d.kind, name=d.name, line=d.line, end_line=d.end_line, parent=d.parent,
                                  detail=detail, id=d.id, scope=d.scope))
        self.definitions = out

    # -- main ---------------------------------------------------------------------------------------
    def run(self) -> Extraction:
        self.scan_units()
        self.resolve_units()
        self._index_units()
        self.define()
        for code, message, line in self.pre.diagnostics:
            self._diag(WARNING, code, message, line)
        text = self.pre.text
        if not self.units:
            text += "end\n"  # an include member parses as a main program
        tree = ts.parse(self.spec.grammar, text.encode("utf-8", "replace"))
        errors = [e for e in ts.outermost_errors(tree.root) if e.start_point[0] < self.n]
        captures = ts.captures(self.spec.grammar, self.spec.query_text("facts"), tree.root)
        self.interfaces_facts()
        self.read_tree(tree, captures)
        ranges = tsfacts.error_line_ranges(errors)
        ranges = [(a, min(b, self.n)) for a, b in ranges]
        self.fallback(ranges)
        self.cpp_facts()
        self.externals_passed()
        self.submodule_imports()
        self.tree_metrics(tree)
        self.statement_metrics(ranges)
        self.form_diagnostics()
        quality = tsfacts.quality(self.spec, tree, errors, self.fallback_lines)
        return self.result(quality)

    def fallback(self, ranges: list[tuple[int, int]]) -> None:
        """Statement-level scan of ERROR regions: CALL, USE, INCLUDE, COMMON and OPEN are not lost."""
        if not ranges:
            return
        lines: set[int] = set()
        k = 0
        for st in self.stmts:
            while k < len(ranges) and ranges[k][1] < st.line:
                k += 1
            if k >= len(ranges):
                break
            if st.end_line < ranges[k][0]:
                continue
            lines.update(range(st.line, st.end_line + 1))
            self.statement_facts(st, True)
        self.fallback_lines = len(lines)

    def cpp_facts(self) -> None:
        """``#include`` lines, and the statements of blanked ``#if`` branches (read, not parsed)."""
        for inc in self.pre.includes:
            comp = self.component_of_line(inc.line)
            detail = "" if inc.active else "in an inactive #if branch"
            self._include(inc.name, inc.line, self.cid(comp), "cpp-include", detail)
        if not self.pre.raw_inactive:
            return
        lines = [""] * self.n
        for line, text in self.pre.raw_inactive.items():
            if line <= self.n:
                lines[line - 1] = text
        if self.pre.form == FIXED:
            lines = preprocess("\n".join(lines) + "\n", form=FIXED).lines
        self.detail = "in an inactive #if branch"
        for st in statements(lines):
            self.statement_facts(st, True)
        self.detail = ""
        self._diag(INFO, "FORTRAN-CPP-BRANCHES", f"{len(self.pre.raw_inactive)} lines in #if branches other than "
                   "the first were read by the statement scanner only (CALL, USE, INCLUDE, COMMON)", None)

    def form_diagnostics(self) -> None:
        hint_fixed = self.extension in (".f", ".for", ".f77", ".ftn", ".fpp")
        hint_free = self.extension in (".f90", ".f95", ".f03", ".f08")
        if (self.pre.form == FIXED and hint_free) or (self.pre.form != FIXED and hint_fixed):
            self._diag(INFO, "FORTRAN-SOURCE-FORM", f"read as {self.pre.form} form although the extension says "
                       f"otherwise: {self.pre.form_reason}", None)
        if self.pre.extended:
            self._diag(INFO, "FORTRAN-LONG-LINES", "fixed-form code runs past column 72; columns 73 and beyond "
                       "were read as code (an extended line length such as -ffixed-line-length-132)", None)


def _first_identifier(node: ts.Node, tree: ts.ParsedTree, direct: bool = False) -> str:
    """Upper-case text of the node's first ``identifier`` child (``direct``: only if it is the first child)."""
    for child in node.named_children:
        if child.type == "identifier":
            return tree.text(child).upper()
        if direct:
            return ""
    return ""


def _call_name(node: ts.Node, tree: ts.ParsedTree) -> str:
    """Procedure name of a ``subroutine_call`` node; "" for a type-bound call (``CALL obj%m``)."""
    for child in node.named_children:
        if child.type == "identifier":
            return tree.text(child).upper()
        if child.type != "comment":
            return ""
    return ""


def _in_data_context(node: ts.Node) -> bool:
    """True when a call-like node sits in a statement that only names data (EQUIVALENCE, DATA, READ items...)
    or in an ERROR region, where the grammar's guess at a call is not trusted."""
    current = node.parent
    limited = False
    while current is not None:
        if current.type == "ERROR":
            return True
        if not limited:
            if current.type in _NO_CALL_CONTEXT:
                return True
            limited = current.type in _STATEMENT_LIMIT
        current = current.parent
    return False


def _action(text: str) -> str:
    """The statement a logical IF guards (``IF (X) OPEN (...)`` -> ``OPEN (...)``), else ``text``."""
    m = re.match(r"^IF\s*(?=\()", text)
    if not m:
        return text
    end = _skip_parens(text, m.end())
    rest = text[end:].strip()
    if not rest or rest.startswith("THEN") or rest[:1].isdigit():
        return text
    return rest


def _goto_labels(text: str) -> int:
    upper = text.upper()
    m = _COMPUTED_GOTO.search(upper) or _ASSIGNED_GOTO.search(upper)
    if not m:
        return 0
    return sum(1 for label in m.group(1).split(",") if label.strip())


def _statement_decisions(text: str) -> int:
    """Decision points of one statement read without the grammar (ERROR regions)."""
    n = 0
    if _ARITHMETIC_IF.match(text):
        n += 2
    elif _IF_STMT.match(text) or _DO_STMT.match(text) or _CASE_STMT.match(text):
        n += 1
    labels = _goto_labels(text)
    n += labels
    n += len(_LOGICAL_OP.findall(text))
    n += len(_IO_BRANCH.findall(text))
    return n


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract facts from one Fortran source or include member. Never raises on bad input."""
    try:
        return _Extractor(text, path, spec).run()
    except RecursionError:
        return Extraction(diagnostics=(Diagnostic(path, ERROR, "FORTRAN-TOO-DEEP", "nesting too deep to analyse",
                                                  None),),
                          parse=ParseQuality(status="failed", parser=f"tree-sitter:{spec.grammar}", error_ratio=1.0))


__all__ = ["INTRINSICS", "common_blocks", "extract", "include_member"]
