"""What C# and VB.NET share: type ids and name resolution hints, embedded SQL, native and COM interop,
and MSBuild project files (``.csproj``, ``.vbproj``).

The language modules (``csharp``, ``vbnet``) walk their own syntax trees and feed a :class:`Facts`
builder with what they find: types, methods, base types, type uses, string literals that reach a
command, ``DllImport``/``Declare`` and ``CreateObject``/``GetTypeFromProgID``. The builder turns
them into definitions and references with the resolution hints of docs/LANGUAGES.md. The embedded
SQL helpers are also used by the Delphi extractor (``TADOQuery.SQL``, ``.dfm`` ``SQL.Strings``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from pathlib import Path, PurePosixPath, PureWindowsPath

from legacy_lens.extractors.sql import dml_tables
from legacy_lens.model import (
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

# --------------------------------------------------------------------------------------------------
# Embedded SQL


_SQL_START = re.compile(
    r"\s*\(?\s*(?:SELECT\b[\s\S]*\bFROM\b|INSERT\s+INTO\b|INSERT\s+[\w\[\"]|UPDATE\s+[\w\[\"][^;]*?\bSET\b|"
    r"DELETE\s+(?:FROM\b|[\w\[\"])|MERGE\s+(?:INTO\b|[\w\[\"])|TRUNCATE\s+TABLE\b|WITH\s+\w+\s+AS\s*\(|"
    r"EXEC(?:UTE)?\s+[\w\[\"@])",
    re.IGNORECASE,
)
_EXEC = re.compile(r"\bEXEC(?:UTE)?\s+(?:@\w+\s*=\s*)?((?:\[[^\]\n]{1,128}\]|[A-Za-z_][\w$#@]*)"
                   r"(?:\s*\.\s*(?:\[[^\]\n]{1,128}\]|[A-Za-z_][\w$#@]*)){0,3})", re.IGNORECASE)
_BRACKETED = re.compile(r"\[([^\[\]\n]{1,128})\]")
_PROC_NAME = re.compile(r"^\s*((?:\[[^\]\n]{1,128}\]|[A-Za-z_][\w$#@]*)"
                        r"(?:\s*\.\s*(?:\[[^\]\n]{1,128}\]|[A-Za-z_][\w$#@]*)){0,3})\s*;?\s*$")
_MAX_SQL = 200_000  # characters of one literal handed to the SQL reader


def looks_like_sql(text: str) -> bool:
    """True when a string literal reads as a SQL statement (a verb followed by its clause)."""
    return bool(_SQL_START.match(text[:4000]))


def split_name(raw: str) -> tuple[str, str]:
    """(NAME, schema) of a possibly qualified, possibly bracketed database object name, upper-cased."""
    parts = [p.strip().strip("[]\"`").strip() for p in raw.split(".")]
    parts = [p for p in parts if p]
    if not parts:
        return "", ""
    return parts[-1].upper(), ".".join(parts[:-1]).upper()


def procedure_name(text: str) -> tuple[str, str] | None:
    """(NAME, schema) when ``text`` is nothing but a stored procedure's name (``dbo.usp_Get``), else None."""
    m = _PROC_NAME.match(re.sub(r";\s*\d+\s*$", "", text))  # ADO's "name;1" procedure group number
    if m is None:
        return None
    name, schema = split_name(m.group(1))
    return (name, schema) if name else None


def sql_references(sql: str) -> list[tuple[str, str, str, str]]:
    """(edge kind, target kind, target, detail) for the tables a SQL text uses and the procedures it EXECs.

    T-SQL brackets are read as quoted names; ``EXEC name`` becomes a call of ``procedure:NAME``.
    """
    sql = sql[:_MAX_SQL]
    out: list[tuple[str, str, str, str]] = []
    normal = _BRACKETED.sub(lambda m: m.group(1) if re.fullmatch(r"[\w$#@]+", m.group(1)) else f'"{m.group(1)}"',
                            sql)
    for access, table in dml_tables(normal):
        out.append((access, "table", table.upper(), ""))
    for m in _EXEC.finditer(sql):
        name, schema = split_name(m.group(1))
        if name and name not in {"SQL", "IMMEDIATE", "SP_EXECUTESQL"} and not name.startswith("@"):
            out.append(("calls", "procedure", name, f"schema={schema}" if schema else ""))
    return out


# --------------------------------------------------------------------------------------------------
# Catalogue and names


@cache
def catalogue(name: str) -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """The ``[kind] names/prefixes`` tables of ``legacy_lens/catalog/<name>.toml`` (empty when unreadable)."""
    path = Path(__file__).resolve().parent.parent / "catalog" / f"{name}.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {kind: (frozenset(v.get("names", ())), tuple(v.get("prefixes", ()))) for kind, v in raw.items()
            if isinstance(v, dict)}


def in_catalogue(table: str, kind: str, name: str) -> bool:
    names, prefixes = catalogue(table).get(kind, (frozenset(), ()))
    return name in names or any(name.startswith(p) for p in prefixes)


def is_system_namespace(namespace: str) -> bool:
    """A .NET Framework, platform or well-known package namespace (catalog/dotnet.toml ``[library]``)."""
    return in_catalogue("dotnet", "library", namespace)


def dll_name(raw: str) -> str:
    """``dll:`` name of a native library: the upper-case base name without ``.dll`` (``KERNEL32``)."""
    base = PureWindowsPath(raw.strip().strip("\"'")).name
    if base.lower().endswith((".dll", ".drv", ".ocx")):
        base = base[:-4]
    return base.upper()


_TYPE_WORD = re.compile(r"[A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_][\w]*)*")


def type_names(text: str, keywords: frozenset[str]) -> list[str]:
    """Type names written in a type expression (``List<Invoice>``, ``Dictionary(Of String, Repo)``, ``Foo[]``).

    Generic arguments count as names of their own; language keywords (``int``, ``Of``) are dropped.
    """
    out: list[str] = []
    for m in _TYPE_WORD.finditer(text[:2000]):
        name = re.sub(r"\s+", "", m.group(0))
        if name.startswith("global::"):
            name = name[8:]
        if name.lower() in keywords or name in keywords:
            continue
        if name not in out:
            out.append(name)
    return out


# --------------------------------------------------------------------------------------------------
# The facts builder


@dataclass(slots=True)
class TypeInfo:
    """A type declared in a file; ``full`` is its namespace-qualified name (nested types joined by ``.``)."""

    full: str
    namespace: str
    detail: str
    line: int
    end_line: int


@dataclass(slots=True)
class Facts:
    """Definitions and references of one .NET source file, with the resolution hints the linker uses.

    ``imports`` are the file's ``using``/``Imports`` namespaces (aliases in ``aliases``). ``prefix`` is
    the extractor name used in ``via`` values (``csharp``, ``vbnet``).
    """

    path: str
    prefix: str
    imports: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    alias_targets: list[str] = field(default_factory=list)  # namespaces named only through an alias
    case_insensitive: bool = False
    definitions: list[Definition] = field(default_factory=list)
    references: dict[Reference, None] = field(default_factory=dict)
    types: list[TypeInfo] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Strings built piece by piece (``sql += "..."``, ``sb.Append("...")``), by (method, variable):
    # the source component and first line, then the pieces.
    pieces: dict[tuple[str, str], tuple[str, int, list[str]]] = field(default_factory=dict)
    _keys: set[tuple[str, str, str, int]] = field(default_factory=set)

    @staticmethod
    def type_id(full: str) -> str:
        return f"dotnet:{full}"

    def add_type(self, full: str, namespace: str, detail: str, line: int, end_line: int) -> str:
        info = TypeInfo(full, namespace, detail, line, end_line)
        self.types.append(info)
        self.definitions.append(Definition("class", full, line, end_line, detail=detail, id=self.type_id(full)))
        return self.type_id(full)

    def add_method(self, owner: str, name: str, line: int, end_line: int, detail: str = "") -> None:
        self.definitions.append(Definition("method", name, line, end_line, parent=owner, detail=detail))

    def add(self, ref: Reference) -> None:
        key = (ref.source, ref.kind, ref.target, ref.line)
        if ref.via.endswith("-fallback") and key in self._keys:
            return  # the grammar read this line after all
        self._keys.add(key)
        self.references.setdefault(ref, None)

    def candidates(self, written: str, namespace: str, own: str = "") -> tuple[str, ...]:
        """Full names a type written as ``written`` may have, in C#/VB lookup order.

        Nested in the own type, then the enclosing namespaces from the innermost out, then each imported
        namespace, then the name as written (global). An alias's first part is replaced by its target.
        """
        head, _, rest = written.partition(".")
        alias = self.aliases.get(head.lower() if self.case_insensitive else head)
        if alias:
            written = f"{alias}.{rest}" if rest else alias
        out: list[str] = []
        if own and "." not in written:
            out.append(f"{own}.{written}")
        parts = namespace.split(".") if namespace else []
        for i in range(len(parts), 0, -1):
            out.append(".".join([*parts[:i], written]))
        for ns in self.imports:
            if not is_system_namespace(ns):  # the scan's own types are not declared in System.* namespaces
                out.append(f"{ns}.{written}")
        out.append(written)
        return tuple(dict.fromkeys(out))

    def use_type(self, source: str, kind: str, written: str, line: int, namespace: str, own: str, via: str,
                 detail: str = "") -> None:
        """A reference from ``source`` to a type named ``written`` (``calls``, ``imports``, ``extends`` ...).

        Optional: a type that no file of the scan defines is a framework or package type, and the
        project file's references name those libraries.
        """
        if not written or written in {"var", "dynamic", "object", "string"}:
            return
        own_full = own
        if written == own.rsplit(".", 1)[-1] or written == own:
            return  # the type itself
        cands = self.candidates(written, namespace, own_full)
        self.add(Reference(source, kind, "class", cands[-1], line, via, detail=detail, candidates=cands[:-1],
                           optional=True))

    def base_type(self, source: str, written: str, first: bool, type_detail: str, line: int, namespace: str,
                  own: str, explicit: str = "") -> None:
        """``extends`` or ``implements`` for one entry of a base list.

        ``explicit`` is set when the syntax says which (VB ``Inherits``/``Implements``). Otherwise (C#)
        an interface's bases are all ``extends``; a class's or struct's first base is ``extends`` unless
        its name reads as an interface (``I`` followed by a capital letter), the others ``implements``.
        """
        simple = written.rsplit(".", 1)[-1]
        interface_like = len(simple) > 1 and simple[0] == "I" and simple[1].isupper()
        if explicit:
            kind = explicit
        elif type_detail == "interface":
            kind = "extends"
        elif type_detail in ("struct", "record struct", "enum"):
            kind = "implements"
        else:
            kind = "extends" if first and not interface_like else "implements"
        self.use_type(source, kind, written, line, namespace, own, f"{self.prefix}-base")

    def sql(self, source: str, text: str, line: int, via: str, stored_procedure: bool = False) -> None:
        """A string that reaches a command: CRUD on tables, EXECed procedures; a bare name with
        ``stored_procedure`` (``CommandType.StoredProcedure``) is a procedure call."""
        if stored_procedure:
            proc = procedure_name(text)
            if proc is not None:
                name, schema = proc
                self.add(Reference(source, "calls", "procedure", name, line, via,
                                   detail=f"schema={schema}" if schema else ""))
                return
        for kind, target_kind, target, detail in sql_references(text):
            self.add(Reference(source, kind, target_kind, target, line, via, detail=detail))

    def accumulate(self, key: tuple[str, str], source: str, text: str, line: int, restart: bool = False) -> None:
        """Add a piece to the string a variable is building; ``restart`` (a plain assignment) starts anew."""
        if restart:
            self.flush(key)
        entry = self.pieces.setdefault(key, (source, line, []))
        entry[2].append(text)

    def flush(self, key: tuple[str, str]) -> None:
        """The string a variable built, read as SQL when it is SQL."""
        entry = self.pieces.pop(key, None)
        if entry is None:
            return
        source, line, parts = entry
        joined = " ".join(parts)
        if looks_like_sql(joined):
            self.sql(source, joined, line, f"{self.prefix}-sql")

    def flush_all(self) -> None:
        for key in list(self.pieces):
            self.flush(key)

    def native(self, source: str, library: str, line: int, via: str, entry: str = "") -> None:
        name = dll_name(library)
        if name:
            self.add(Reference(source, "uses-native", "dll", name, line, via, detail=entry,
                               external=f"dll:{name}"))

    def com(self, source: str, progid: str, line: int, via: str) -> None:
        progid = progid.strip()
        if progid and re.fullmatch(r"[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*){1,3}", progid):
            self.add(Reference(source, "uses-com", "com", progid, line, via, external=f"com:{progid}"))

    def import_namespaces(self, sources: Iterable[str], line_of: dict[str, int]) -> None:
        """``imports library:<namespace>`` for every platform or package namespace of a ``using``.

        A namespace the catalogue does not know may be the scan's own: its types are reached through
        the candidates of each type use, so it is not a node of its own.
        """
        for source in sources:
            if any(t.detail.split(" ")[0] in ("enum", "delegate") and self.type_id(t.full) == source
                   for t in self.types):
                continue
            for ns in dict.fromkeys([*self.imports, *self.alias_targets]):
                if is_system_namespace(ns):
                    self.add(Reference(source, "imports", "library", ns, line_of.get(ns, 1), f"{self.prefix}-using",
                                       external=f"library:{ns}"))


def type_metrics(spans: list[tuple[str, int, int]], text_lines: list[str], comments: set[int],
                 measures: dict[str, tuple[int, int]]) -> list[tuple[str, Metrics]]:
    """Metrics per type from (component id, first line, last line) spans: a nested type's lines count for it,
    not also for the type around it. ``measures`` gives each id's (complexity, max nesting)."""
    owner: dict[int, str] = {}
    ordered = sorted(spans, key=lambda s: (s[1], -s[2]))
    for cid, first, last in ordered:  # outer first: inner types take their own lines over
        for number in range(first, last + 1):
            owner[number] = cid
    counts: dict[str, list[int]] = {cid: [0, 0, 0] for cid, _, _ in ordered}
    for number, cid in owner.items():
        if number > len(text_lines) or not text_lines[number - 1].strip():
            counts[cid][2] += 1
        elif number in comments:
            counts[cid][1] += 1
        else:
            counts[cid][0] += 1
    out: list[tuple[str, Metrics]] = []
    for cid, _, _ in ordered:
        code, comment, blank = counts[cid]
        complexity, depth = measures.get(cid, (1, 0))
        out.append((cid, Metrics(code_lines=code, comment_lines=comment, blank_lines=blank, complexity=complexity,
                                 max_nesting=depth)))
    return out


# --------------------------------------------------------------------------------------------------
# MSBuild project files


@dataclass(slots=True)
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int
    text: str = ""
    children: list[_Element] = field(default_factory=list)


# Quoted values stop at "<" (never valid inside one), so a stray quote cannot make a tag scan the file.
_TAG = re.compile(r"<(/?)([A-Za-z_][\w:.-]*)((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)(/?)>")
_ATTR = re.compile(r"([A-Za-z_][\w:.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_XML_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")


def _xml_text(raw: str) -> str:
    """Only the predefined and numeric character references are replaced: nothing is ever expanded."""
    return _XML_ENTITY.sub(lambda m: unescape(m.group(0)), raw).strip()


def _blank_spans(text: str, start: str, end: str) -> str:
    """``text`` with every ``start ... end`` span (comments, CDATA, DOCTYPE) replaced by blanks, lines kept."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find(start, i)
        if j < 0:
            out.append(text[i:])
            break
        k = text.find(end, j + len(start))
        k = len(text) if k < 0 else k + len(end)
        out.append(text[i:j])
        out.append(re.sub(r"[^\n]", " ", text[j:k]))
        i = k
    return "".join(out)


def read_xml(text: str) -> tuple[list[_Element], list[str]]:
    """A tolerant, non-validating reader for MSBuild files: elements with attributes, text and children.

    It never resolves entities or fetches anything (a DOCTYPE is blanked and reported), and keeps going
    past malformed parts, which come back as problems.
    """
    problems: list[str] = []
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        problems.append("a DOCTYPE or ENTITY declaration was ignored (entities are never expanded)")
    for start, end in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<!DOCTYPE", ">"), ("<?", "?>")):
        text = _blank_spans(text, start, end)
    roots: list[_Element] = []
    stack: list[_Element] = []
    open_tags: dict[str, int] = {}  # how many elements of each tag are open (a closing tag's match, in O(1))
    line = 1
    pos = 0
    for m in _TAG.finditer(text):
        line += text.count("\n", pos, m.start())
        between = text[pos:m.start()]
        if stack and between.strip():
            stack[-1].text += between
        tag_line = line
        line += text.count("\n", m.start(), m.end())
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        selfclose = m.group(4) or attrs.rstrip().endswith("/")
        short = tag.rsplit(":", 1)[-1]
        if closing:
            if open_tags.get(short, 0):
                while stack and stack[-1].tag != short:
                    problems.append(f"<{stack[-1].tag}> at line {stack[-1].line} is not closed")
                    open_tags[stack.pop().tag] -= 1
                open_tags[stack.pop().tag] -= 1
            else:
                problems.append(f"</{tag}> at line {tag_line} closes nothing")
            continue
        element = _Element(short, {k: _xml_text(a if a is not None else b)
                                   for k, a, b in _ATTR.findall(attrs)}, tag_line)
        (stack[-1].children if stack else roots).append(element)
        if not selfclose:
            stack.append(element)
            open_tags[short] = open_tags.get(short, 0) + 1
    for e in stack:
        problems.append(f"<{e.tag}> at line {e.line} is not closed")
    for e in _iter(roots):
        e.text = _xml_text(e.text)
    return roots, problems


def _iter(roots: list[_Element]) -> list[_Element]:
    out: list[_Element] = []
    stack = list(reversed(roots))
    while stack:
        e = stack.pop()
        out.append(e)
        stack.extend(reversed(e.children))
    return out


def _child_text(e: _Element, tag: str) -> str:
    for c in e.children:
        if c.tag == tag:
            return c.text
    return ""


def _project_stem(include: str) -> str:
    name = PureWindowsPath(include.replace("/", "\\")).name
    return name.rsplit(".", 1)[0] if "." in name else name


def extract_project(text: str, path: str, language: str) -> Extraction:
    """An MSBuild project (old-style or SDK-style ``.csproj``/``.vbproj``).

    ``project:<AssemblyName>`` (else the file stem) ``imports`` each ``ProjectReference`` (another
    ``project:``), each ``Reference``/``PackageReference`` (``library:<assembly>``, external),
    ``uses-com`` for a ``COMReference``, and ``contains`` each ``Compile`` item's type, guessed from the
    file name under the root namespace and its folder (optional: dropped when no such type exists).
    """
    diags: list[Diagnostic] = []
    roots, problems = read_xml(text)
    for p in problems[:20]:
        diags.append(Diagnostic(path, WARNING, "DOTNET-PROJECT-XML", p))
    elements = _iter(roots)
    if not any(e.tag == "Project" for e in roots):
        diags.append(Diagnostic(path, WARNING, "DOTNET-PROJECT-XML", "no <Project> root element; read as far as "
                                "possible"))
    props: dict[str, str] = {}
    for e in elements:
        if e.tag in ("AssemblyName", "RootNamespace", "OutputType", "TargetFrameworkVersion", "TargetFramework",
                     "TargetFrameworks") and e.text and e.tag not in props and "$(" not in e.text:
            props[e.tag] = e.text
    stem = PurePosixPath(path).name.rsplit(".", 1)[0]
    name = props.get("AssemblyName") or stem
    pid = f"project:{name}"
    sdk = next((r.attrs.get("Sdk", "") for r in roots if r.tag == "Project"), "")
    detail_bits = [f"sdk={sdk}" if sdk else "style=legacy"]
    for key in ("OutputType", "TargetFrameworkVersion", "TargetFramework", "TargetFrameworks"):
        if key in props:
            detail_bits.append(f"{key}={props[key]}")
    lines = text.splitlines()
    end = max(1, len(lines))
    definitions = [Definition("project", name, 1, end, detail=" ".join(detail_bits))]
    refs: dict[Reference, None] = {}
    root_ns = props.get("RootNamespace", "")
    via = f"{language}-project"
    for e in elements:
        include = e.attrs.get("Include", "") or e.attrs.get("Update", "")
        if not include or ("$(" in include and e.tag != "Compile"):
            continue
        if e.tag == "ProjectReference":
            other = _child_text(e, "Name") or _project_stem(include)
            refs.setdefault(Reference(pid, "imports", "project", other, e.line, via, detail=include), None)
        elif e.tag in ("Reference", "PackageReference"):
            assembly = include.split(",", 1)[0].strip()
            version = e.attrs.get("Version", "") or _child_text(e, "Version")
            if e.tag == "Reference" and "Version=" in include:
                version = include.split("Version=", 1)[1].split(",", 1)[0].strip()
            if assembly:
                refs.setdefault(Reference(pid, "imports", "library", assembly, e.line, via,
                                          detail=f"version={version}" if version else "",
                                          external=f"library:{assembly}"), None)
        elif e.tag == "COMReference":
            guid = _child_text(e, "Guid")
            lib = include.strip()
            if lib:
                refs.setdefault(Reference(pid, "uses-com", "com", lib, e.line, via,
                                          detail=f"guid={guid}" if guid else "", external=f"com:{lib}"), None)
        elif e.tag == "Compile":
            rel = include.replace("\\", "/")
            file_stem = PurePosixPath(rel).name.split(".", 1)[0]
            if not file_stem.isidentifier() or file_stem.lower() in ("assemblyinfo", "globalsuppressions"):
                continue
            folders = [p for p in PurePosixPath(rel).parent.parts if p not in (".", "..") and p.isidentifier()]
            cands = []
            if root_ns:
                if folders:
                    cands.append(".".join([root_ns, *folders, file_stem]))
                cands.append(f"{root_ns}.{file_stem}")
            refs.setdefault(Reference(pid, "contains", "class", file_stem, e.line, via, detail=rel,
                                      candidates=tuple(dict.fromkeys(cands)), optional=True), None)
        elif e.tag == "Import" and language == "vbnet" and e.attrs.get("Include"):
            ns = include.strip()
            if is_system_namespace(ns):
                refs.setdefault(Reference(pid, "imports", "library", ns, e.line, via, detail="project-wide Imports",
                                          external=f"library:{ns}"), None)
    if not refs and not any(e.tag in ("PropertyGroup", "ItemGroup") for e in elements):
        diags.append(Diagnostic(path, INFO, "DOTNET-PROJECT-EMPTY", "no property or item groups found"))
    blank = sum(1 for ln in lines if not ln.strip())
    comments = sum(1 for ln in lines if ln.strip().startswith("<!--"))
    counts = LineCounts(code=len(lines) - blank - comments, comment=comments, blank=blank)
    metrics = Metrics(code_lines=counts.code, comment_lines=counts.comment, blank_lines=counts.blank, complexity=1)
    return Extraction(definitions=tuple(definitions), references=tuple(refs), metrics=((pid, metrics),),
                      diagnostics=tuple(diags), lines=counts,
                      parse=ParseQuality(status="line-parser", parser=f"line:{language}-project",
                                         error_ratio=0.0 if not problems else round(min(1.0, len(problems) /
                                                                                        max(1, len(elements))), 4)))
