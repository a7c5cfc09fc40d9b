"""Java extractor: tree-sitter (``java`` grammar of the language pack) plus a statement-level fallback.

A top-level type is a component ``java:<fqn>`` (kind ``class``); its nested types are parts of it
(``nested-class``), and so are its methods (``method``, simple name, so that a call on a receiver of
unknown type finds the one class that defines a method of that name). Type names are resolved the
way javac looks them up: types declared in the file, single-type imports, the file's own package,
then each on-demand (wildcard) import; ``java.lang`` and primitives never produce edges. Receivers
of calls are typed from declarations (fields, parameters, locals, casts, ``new``); SQL passed to
JDBC, JPA and Spring JDBC calls is read from literals, concatenations, constants and variables
built with ``+=`` or ``append`` and parsed with :func:`legacy_lens.extractors.sql.dml_tables`.

:class:`JavaAnalyser` is also used by the JSP reader (``legacy_lens.extractors.j2ee``) on the
scriptlet code of a page, with the page as the owner of every fact.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from legacy_lens import ts
from legacy_lens.extractors import tsfacts
from legacy_lens.extractors.sql import dml_tables
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import INFO, WARNING, Definition, Diagnostic, Extraction, Metrics, Reference

TYPE_NODES = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "enum_declaration": "enum",
    "record_declaration": "record",
    "annotation_type_declaration": "annotation",
}
# Between a type and a member type only these nodes occur; anything else (a block, a lambda, an
# anonymous class body, an enum constant's body) makes a type local to code.
_MEMBER_CONTAINERS = frozenset({"class_body", "interface_body", "enum_body", "enum_body_declarations",
                                "annotation_type_body", "ERROR"})
_COMMENTS = frozenset({"line_comment", "block_comment"})
_PRIMITIVES = frozenset({"int", "long", "short", "byte", "char", "boolean", "float", "double", "void", "var"})
# Packages of the platform: imports of them are library edges, calls into them are not edges.
PLATFORM_PREFIXES = ("java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.", "org.w3c.dom.", "org.xml.sax.",
                     "org.omg.", "org.ietf.")
_STRING_TYPES = frozenset({"String", "StringBuffer", "StringBuilder", "java.lang.String", "java.lang.StringBuffer",
                           "java.lang.StringBuilder"})
# Methods whose first argument is SQL whatever the receiver (JDBC, JPA native, Hibernate).
_SQL_METHODS = frozenset({"prepareStatement", "prepareCall", "executeQuery", "executeUpdate", "executeLargeUpdate",
                          "nativeSQL", "createNativeQuery", "createSQLQuery"})
# JPQL / HQL: names entities, not tables.
_JPQL_METHODS = frozenset({"createQuery"})
# Generic names that take SQL on a JDBC statement or a Spring JdbcTemplate; on another receiver only a
# literal that reads as SQL counts.
_MAYBE_SQL_METHODS = frozenset({"execute", "addBatch", "query", "queryForObject", "queryForList", "queryForMap",
                                "queryForRowSet", "queryForInt", "queryForLong", "update", "batchUpdate",
                                "queryForStream"})
_SQL_RECEIVERS = frozenset({"Statement", "PreparedStatement", "CallableStatement", "Connection", "JdbcTemplate",
                            "NamedParameterJdbcTemplate", "SimpleJdbcTemplate", "JdbcOperations",
                            "NamedParameterJdbcOperations", "EntityManager", "Session", "StatelessSession"})
_ESCAPE = re.compile(r"\\(u+[0-9a-fA-F]{4}|[0-7]{1,3}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "s": " ", '"': '"', "'": "'", "\\": "\\"}
# Placeholder for a piece of SQL text that is only known at run time (a parameter, a method result).
DYN = "__DYN__"
# SQL text (after evaluation) that reads as a statement: used where the call does not say "this is SQL".
_SQL_SHAPE = re.compile(
    r"^[\s(]*(?:SELECT\b[\s\S]*?\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[\w$#.\"]+\s+(?:[\w$#\"]+\s+)?SET\b|"
    r"DELETE\s+FROM\b|MERGE\s+INTO\b|TRUNCATE\s+TABLE\b|WITH\s+\w+\s+AS\s*\(|\{\s*(?:\?\s*=\s*)?CALL\b)",
    re.IGNORECASE)
_CALLABLE = re.compile(
    r"^\s*(?:\{\s*(?P<fn>\?\s*=\s*)?CALL\s+|CALL\s+|BEGIN\s+(?:(?P<fn2>[:?]?[\w$#\"]*\s*:=\s*))?)"
    r"(?P<name>[\w$#\"]+(?:\s*\.\s*[\w$#\"]+){0,2})\s*[(;}]?",
    re.IGNORECASE)
_DOTTED = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
_ANNOTATION_TEXT = re.compile(r"@[\w.]+(?:\s*\([^()]*\))?\s*")

# Statement-level fallback for lines inside ERROR regions (linear patterns, one line at a time).
_FB_IMPORT = re.compile(r"^\s*import\s+(static\s+)?([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)(\s*\.\s*\*)?\s*;")
_FB_NEW = re.compile(r"\bnew\s+([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(?:<[^<>()]*>\s*)?\(")
_FB_EXTENDS = re.compile(r"\b(?:class|interface)\s+[A-Za-z_$][\w$]*(?:\s*<[^{<>\n]{0,200}>)?\s+extends\s+"
                         r"([A-Za-z_$][\w$.]*)")
_FB_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# A type declaration the grammar lost: the keyword, a name, then a body, a type list or the line's end
# (prose in a comment, "this class handles requests", does not match).
_FB_TYPE = re.compile(r"(?:^|[\s;{}()])(?:(?:public|protected|private|abstract|final|static|strictfp|sealed)\s+)*"
                      r"(class|interface|enum|record|@interface)\s+([A-Za-z_$][\w$]*)[ \t]*(?:<[^<>\n]{0,200}>[ \t]*)?"
                      r"(?:extends\b|implements\b|\{|\(|$)", re.MULTILINE)


@cache
def _jdk_data(folder: str) -> dict[str, object]:
    try:
        return tomllib.loads((Path(folder) / "jdk.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


@cache
def _facts_query(folder: str) -> str:
    """``facts.scm`` of the Java descriptor folder, read once per process."""
    return (Path(folder) / "facts.scm").read_text(encoding="utf-8")


@cache
def platform_types(folder: str) -> dict[str, frozenset[str]]:
    """Public type names of the JDK and Java EE packages listed in ``<grammars/java>/jdk.toml``, by package."""
    packages = _jdk_data(folder).get("packages", {})
    if not isinstance(packages, dict):
        return {}
    return {str(pkg): frozenset(str(names).split()) for pkg, names in packages.items()}


@cache
def common_methods(folder: str) -> frozenset[str]:
    """Method names too common to guess an owner from (``[methods] common`` of ``jdk.toml``)."""
    methods = _jdk_data(folder).get("methods", {})
    return frozenset(str(methods.get("common", "")).split()) if isinstance(methods, dict) else frozenset()


def is_platform(name: str) -> bool:
    """True for a name in a JDK or Java EE package (never the scan's own code)."""
    return name.startswith(PLATFORM_PREFIXES)


def _first_type_segment(parts: list[str]) -> int:
    """Index of the first segment that reads as a type name (capitalised); -1 when none does."""
    for i, part in enumerate(parts):
        if part[:1].isupper():
            return i
    return -1


def class_candidates(fqn: str) -> tuple[str, ...]:
    """Names to try for a written class name: itself, then each enclosing type up to the top-level one.

    ``a.b.Outer.Inner`` -> (``a.b.Outer.Inner``, ``a.b.Outer``): nested types are parts of their
    top-level type, which is the component.
    """
    parts = fqn.split(".")
    first = _first_type_segment(parts)
    if first < 0:
        return (fqn,)
    return tuple(".".join(parts[:k]) for k in range(len(parts), first, -1))


def package_of(fqn: str) -> str:
    """Package part of a class name: the segments before the first capitalised one (else all but the last)."""
    parts = fqn.split(".")
    first = _first_type_segment(parts)
    if first < 0:
        return ".".join(parts[:-1])
    return ".".join(parts[:first])


def library_id(fqn: str) -> str:
    """``library:<package>`` for a class outside the scan; "" for a class in the default package."""
    pkg = package_of(fqn)
    return f"library:{pkg}" if pkg else ""


def string_value(text: str) -> str:
    """The value of a Java string literal or text block as written in source (escapes decoded)."""
    if text.startswith('"""'):
        body = text[3:-3] if text.endswith('"""') and len(text) >= 6 else text[3:]
        body = body.split("\n", 1)[1] if "\n" in body else body
    elif len(text) >= 2 and text.endswith('"'):
        body = text[1:-1]
    else:
        body = text[1:]

    def unescape(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] == "u":
            return chr(int(code.lstrip("u"), 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(unescape, body)


def reads_as_sql(text: str) -> bool:
    """True when ``text`` starts like a DML statement or a JDBC call escape."""
    return bool(_SQL_SHAPE.match(text))


def callable_target(sql: str) -> tuple[str, str, str] | None:
    """(target kind, name, schema) of the stored procedure a JDBC call string runs, or None.

    ``{call PKG.PROC(?)}``, ``{? = call FN(?)}``, ``CALL PROC(?)`` and ``BEGIN PKG.PROC(...); END;``.
    A two-part name is a PL/SQL package member (``routine`` ``PKG.PROC``); three parts add a schema;
    one part is a ``procedure`` (a ``function`` when a value is returned).
    """
    m = _CALLABLE.match(sql)
    if not m:
        return None
    parts = [p.strip().strip('"').upper() for p in m.group("name").split(".")]
    if any(not p or p in ("BEGIN", "END", "DECLARE", "NULL") for p in parts):
        return None
    if len(parts) == 3:
        return "routine", f"{parts[1]}.{parts[2]}", parts[0]
    if len(parts) == 2:
        return "routine", f"{parts[0]}.{parts[1]}", ""
    returns = bool(m.group("fn") or m.group("fn2"))
    return ("function" if returns else "procedure"), parts[0], ""


def _strip_type(text: str) -> str:
    """``final java.util.List<Foo>[] `` -> ``java.util.List``: annotations, generics and arrays removed."""
    text = _ANNOTATION_TEXT.sub("", text)
    text = text.split("<", 1)[0].split("[", 1)[0]
    return "".join(text.split()).strip(".")


@dataclass(slots=True)
class JType:
    """A type declared in the analysed code."""

    node_id: int
    kind: str  # class | interface | enum | record | annotation
    simple: str
    fqn: str  # dotted, nested types included: com.acme.Outer.Inner
    top: str  # component id of the owning top-level type (or the page for JSP code)
    top_fqn: str
    nested: bool
    local: bool
    line: int
    end_line: int
    public: bool = False


@dataclass(slots=True)
class TypeRef:
    """Where a written type name leads: the name to look up, the names to try first and the library fallback."""

    target: str
    candidates: tuple[str, ...] = ()
    external: str = ""
    platform: bool = False
    own: str = ""  # component id when the type is declared in the analysed code


@dataclass(slots=True)
class _Scope:
    """A node that holds declarations, and the scope around it (a linked list, innermost first)."""

    node_id: int
    outer: _Scope | None


@dataclass(slots=True)
class _Ctx:
    """Where a node lies: the innermost declared type, whether code (a method, a block) lies between
    that type and the node, the scopes and type variables visible there, and the node's parent and
    grandparent (tree-sitter finds a parent by walking down from the root, so they are kept here)."""

    jtype: JType | None
    local: bool
    scope: _Scope | None
    tparams: frozenset[str]
    parent: ts.Node | None
    grand: ts.Node | None


_ROOT_CTX = _Ctx(None, False, None, frozenset(), None, None)
# Nodes whose children may declare variables.
_SCOPE_NODES = frozenset({
    "program", "class_body", "interface_body", "enum_body", "enum_body_declarations", "annotation_type_body",
    "record_declaration", "block", "constructor_body", "method_declaration", "constructor_declaration",
    "compact_constructor_declaration", "lambda_expression", "for_statement", "enhanced_for_statement",
    "catch_clause", "try_with_resources_statement", "switch_block_statement_group", "switch_rule",
    "static_initializer",
})
_GENERIC_DECLARATIONS = frozenset({"class_declaration", "interface_declaration", "method_declaration",
                                   "constructor_declaration", "record_declaration"})


@dataclass(slots=True)
class _Var:
    type_name: str
    node: ts.Node
    init: ts.Node | None
    top: str
    ctx: _Ctx
    jtype: JType | None = None
    # (byte offset, "=" | "+=", expression, where the expression is)
    pieces: list[tuple[int, str, ts.Node, _Ctx]] = field(default_factory=list)
    consumed: bool = False
    is_field: bool = False


_SINGLETON_METHODS = frozenset({"getInstance", "instance", "getDefault", "getSingleton", "getDefaultInstance"})
_SKIP = "skip"
_UNKNOWN = "unknown"


class JavaAnalyser:
    """Facts of one parsed Java compilation unit (or of a JSP page's scriptlet code).

    ``owner``: when set (a JSP page id), every fact belongs to it and no type or method definitions are
    made. ``line_map``: 0-based row of the parsed text -> 1-based line of the original file.
    ``imports``: (text as written after ``import``, line) pairs given outside the code (a JSP page
    directive). ``variables``: names with declared types visible everywhere (JSP implicit objects).
    """

    def __init__(self, tree: ts.ParsedTree, spec: LanguageSpec, path: str, *, owner: str = "",
                 line_map: Callable[[int], int] | None = None, imports: Iterable[tuple[str, int]] = (),
                 variables: dict[str, str] | None = None, import_via: str = "java-import") -> None:
        self.tree = tree
        self.spec = spec
        self.path = path
        self.owner = owner
        self.line_map = line_map or (lambda row: row + 1)
        self.preset_imports = tuple(imports)
        self.preset_vars = dict(variables or {})
        self.import_via = import_via
        self.decisions = tsfacts.Decisions.from_spec(spec.decision_nodes)
        self.nesting = frozenset(spec.nesting_nodes)
        self.jdk = platform_types(str(spec.folder))
        self.guess_stop = common_methods(str(spec.folder))
        self.package = ""
        self.explicit: dict[str, str] = {}  # simple name -> imported FQN
        self.wildcards: list[str] = []  # on-demand imported packages (or classes, for their member types)
        self.static_members: dict[str, str] = {}  # statically imported member -> its class
        self.static_wildcards: list[str] = []
        self.types: list[JType] = []
        self.types_by_id: dict[int, JType] = {}
        self.file_types: dict[str, JType] = {}
        self.file_methods: set[str] = set()
        self.vars: dict[int, dict[str, _Var]] = {}
        self.definitions: list[Definition] = []
        self.references: dict[Reference, None] = {}
        self.diagnostics: list[Diagnostic] = []
        self.errors: list[ts.Node] = []
        self.fallback_lines = 0
        self._import_refs: list[tuple[str, int, str]] = []  # (fqn, line, detail)
        self._seen: set[tuple[str, str, str, str, int]] = set()
        self.run_time_parts: list[str] = []
        self.ctx: dict[int, _Ctx] = {}
        self.here: _Ctx = _ROOT_CTX
        self._chain_base: dict[int, ts.Node | None] = {}

    # -- small helpers -----------------------------------------------------------------
    def text(self, node: ts.Node | None) -> str:
        return self.tree.text(node) if node is not None else ""

    def line(self, node: ts.Node) -> int:
        return self.line_map(int(node.start_point[0]))

    def end_line(self, node: ts.Node) -> int:
        return self.line_map(int(node.end_point[0]))

    def add(self, ref: Reference) -> None:
        key = (ref.source, ref.kind, ref.target_kind, ref.target, ref.line)
        self._seen.add(key)
        self.references.setdefault(ref, None)

    def seen(self, source: str, kind: str, target_kind: str, target: str, line: int) -> bool:
        return (source, kind, target_kind, target, line) in self._seen

    # -- main ------------------------------------------------------------------------------
    def run(self) -> None:
        root = self.tree.root
        self.errors = list(ts.outermost_errors(root))
        captures = ts.captures(self.spec.grammar, _facts_query(str(self.spec.folder)), root)
        by: dict[str, list[ts.Node]] = {}
        for name, node in captures:
            by.setdefault(name, []).append(node)
        for node in by.get("package", [])[:1]:
            self.package = self._dotted_child(node)
        for written, line in self.preset_imports:
            self._import(written, line)
        for node in by.get("import", []):
            self._import_node(node)
        self._walk({n.id for nodes in by.values() for n in nodes})
        for name in ("definition.method", "definition.constructor"):
            for node in by.get(name, []):
                self._method(node)
        for name in ("declaration.field", "declaration.local", "declaration.parameter", "declaration.catch",
                     "declaration.resource", "declaration.for"):
            for node in by.get(name, []):
                self._declaration(name.split(".", 1)[1], node)
        if self.preset_vars:
            scope = self.vars.setdefault(root.id, {})
            for var_name, type_name in self.preset_vars.items():
                scope.setdefault(var_name, _Var(type_name, root, None, self.owner, _ROOT_CTX))
        for node in by.get("assignment", []):
            self._assignment(node)
        for node in by.get("reference.call", []):
            self._builder_append(node)
        self._imports_refs()
        self._annotations(by.get("annotation", []))
        for name in ("reference.extends", "reference.implements"):
            for node in by.get(name, []):
                self._inheritance(node, name.split(".", 1)[1])
        for node in by.get("reference.new", []):
            self._new(node)
        for node in by.get("reference.call", []):
            self._call(node)
        for node in by.get("reference.method_ref", []):
            self._method_ref(node)
        self._leftover_sql()
        self._fallback()

    # -- package and imports --------------------------------------------------------------------
    def _dotted_child(self, node: ts.Node) -> str:
        for child in node.named_children:
            if child.type in ("scoped_identifier", "identifier"):
                return "".join(self.text(child).split())
        return ""

    def _import_node(self, node: ts.Node) -> None:
        static = any(c.type == "static" for c in node.children)
        wildcard = any(c.type == "asterisk" for c in node.children)
        name = self._dotted_child(node)
        if name:
            self._import(("static " if static else "") + name + (".*" if wildcard else ""), self.line(node))

    def _import(self, written: str, line: int) -> None:
        """One import as written after ``import``: ``a.b.C``, ``a.b.*``, ``static a.b.C.m``, ``static a.b.C.*``."""
        written = written.strip().rstrip(";").strip()
        static = written.startswith("static ")
        name = "".join(written[6:].split()) if static else "".join(written.split())
        wildcard = name.endswith(".*")
        name = name[:-2] if wildcard else name
        if not name or not _DOTTED.match(name):
            return
        if static:
            owner = name if wildcard else name.rsplit(".", 1)[0]
            if "." not in owner and not wildcard:
                return
            if wildcard:
                self.static_wildcards.append(owner)
            else:
                self.static_members.setdefault(name.rsplit(".", 1)[1], owner)
            self._import_refs.append((owner, line, "static"))
            return
        if wildcard:
            if name not in self.wildcards:
                self.wildcards.append(name)
            if name.rsplit(".", 1)[-1][:1].isupper():
                self._import_refs.append((name, line, "member types"))
            return
        self.explicit.setdefault(name.rsplit(".", 1)[-1], name)
        self._import_refs.append((name, line, ""))

    def _primary_top(self) -> str:
        if self.owner:
            return self.owner
        tops = [t for t in self.types if not t.nested and not t.local]
        public = [t for t in tops if t.public]
        return (public or tops)[0].top if tops else ""

    def _imports_refs(self) -> None:
        source = self._primary_top()
        if not source:
            return
        for fqn, line, detail in self._import_refs:
            self.add(Reference(source, "imports", "class", fqn, line, self.import_via, detail=detail,
                               candidates=class_candidates(fqn), external=library_id(fqn)))

    # -- types and methods -------------------------------------------------------------------------
    def _walk(self, interest: set[int]) -> None:
        """One pre-order walk (iterative) that registers the types and records the context of the captured nodes."""
        root = self.tree.root
        stack: list[tuple[ts.Node, _Ctx]] = [(root, _ROOT_CTX)]
        while stack:
            node, ctx = stack.pop()
            kind = node.type
            if kind in _SCOPE_NODES:
                ctx = _Ctx(ctx.jtype, ctx.local, _Scope(node.id, ctx.scope), ctx.tparams, ctx.parent, ctx.grand)
            if node.id in interest:
                self.ctx[node.id] = ctx
            jtype, local, tparams = ctx.jtype, ctx.local, ctx.tparams
            if kind in TYPE_NODES:
                declared = self._type(node, ctx)
                if declared is not None:
                    jtype, local = declared, False
            elif kind not in _MEMBER_CONTAINERS:
                local = True
            if kind in _GENERIC_DECLARATIONS:
                params = node.child_by_field_name("type_parameters")
                if params is not None:
                    tparams = tparams | {self.text(p.named_children[0]).strip() for p in params.named_children
                                         if p.type == "type_parameter" and p.named_children}
            inner = _Ctx(jtype, local, ctx.scope, tparams, node, ctx.parent)
            for child in reversed(node.children):
                if child.child_count or child.id in interest:
                    stack.append((child, inner))

    def context(self, node: ts.Node) -> _Ctx:
        """The recorded context of a captured node (the file's top level for any other node)."""
        return self.ctx.get(node.id, _ROOT_CTX)

    def _enclosing_type(self, node: ts.Node) -> tuple[JType | None, bool]:
        """The nearest declared type around a captured node and whether code (a method, a block) lies between."""
        ctx = self.context(node)
        return ctx.jtype, ctx.local

    def _type(self, node: ts.Node, ctx: _Ctx) -> JType | None:
        kind = TYPE_NODES[node.type]
        simple = self.text(node.child_by_field_name("name")).strip()
        if not simple:
            return None
        outer, local = ctx.jtype, ctx.local
        line, end = self.line(node), self.end_line(node)
        if outer is None:
            fqn = f"{self.package}.{simple}" if self.package else simple
            top = self.owner or f"java:{fqn}"
            jt = JType(node.id, kind, simple, fqn, top, fqn, nested=False, local=bool(self.owner), line=line,
                       end_line=end, public=self._has_modifier(node, "public"))
        else:
            fqn = f"{outer.fqn}.{simple}"
            jt = JType(node.id, kind, simple, fqn, outer.top, outer.top_fqn, nested=True, local=local or outer.local,
                       line=line, end_line=end)
        self.types.append(jt)
        self.types_by_id[node.id] = jt
        self.file_types.setdefault(simple, jt)
        if self.owner:
            return jt
        detail = kind if kind != "class" else ("abstract" if self._has_modifier(node, "abstract") else "")
        if not jt.nested:
            self.definitions.append(Definition("class", fqn, line, end, detail=detail, id=jt.top))
        elif not jt.local:
            self.definitions.append(Definition("nested-class", fqn, line, end, parent=jt.top, detail=kind))
        return jt

    @staticmethod
    def _has_modifier(node: ts.Node, word: str) -> bool:
        for child in node.children:
            if child.type == "modifiers":
                return any(c.type == word for c in child.children)
        return False

    def _method(self, node: ts.Node) -> None:
        owner, local = self._enclosing_type(node)
        if owner is None:
            return
        if node.type == "method_declaration":
            name = self.text(node.child_by_field_name("name")).strip()
        else:
            name = owner.simple
        if not name:
            return
        self.file_methods.add(name)
        if local or owner.local or self.owner:
            return
        params = node.child_by_field_name("parameters")
        types = []
        if params is not None:
            for p in params.named_children:
                if p.type in ("formal_parameter", "spread_parameter"):
                    t = p.child_by_field_name("type") or (p.named_children[0] if p.named_children else None)
                    written = " ".join(self.text(t).split()) if t is not None else "?"
                    types.append(written + ("..." if p.type == "spread_parameter" else ""))
        relative = owner.fqn[len(owner.top_fqn) + 1:] if owner.nested else ""
        if node.type != "method_declaration":
            signature = f"new {relative or name}({', '.join(types)})"
        else:
            signature = f"{relative + '.' if relative else ''}{name}({', '.join(types)})"
            if node.child_by_field_name("body") is None:
                signature += " abstract"
        self.definitions.append(Definition("method", name, self.line(node), self.end_line(node), parent=owner.top,
                                           detail=signature))

    def _source(self, node: ts.Node) -> tuple[str, JType | None]:
        """The component a fact at ``node`` belongs to, and the innermost type around it; the analyser
        moves :attr:`here` to the node."""
        self.here = self.context(node)
        jt = self.here.jtype
        if jt is not None:
            return jt.top, jt
        return self._primary_top(), None

    # -- declarations and variables ------------------------------------------------------------
    def _declaration(self, kind: str, node: ts.Node) -> None:
        ctx = self.context(node)
        if ctx.scope is None:
            return
        top = ctx.jtype.top if ctx.jtype is not None else self._primary_top()
        type_node = node.child_by_field_name("type")
        if kind == "catch":
            type_node = next((c for c in node.named_children if c.type == "catch_type"), None)
            written = self.text(type_node).split("|", 1)[0] if type_node is not None else ""
        else:
            if type_node is None and node.named_children:
                type_node = node.named_children[0]
            written = self.text(type_node)
        type_name = _strip_type(written)
        if not type_name:
            return
        # The innermost scope: the block or class body around a field or local, the method around a
        # parameter, the catch clause, the try-with-resources statement, the enhanced for itself.
        bucket = self.vars.setdefault(ctx.scope.node_id, {})
        if kind in ("field", "local"):
            for decl in node.children_by_field_name("declarator"):
                self._declare(bucket, decl, type_name, top, ctx, is_field=(kind == "field"))
        elif kind == "parameter" and node.type == "spread_parameter":
            for decl in node.named_children:
                if decl.type == "variable_declarator":
                    self._declare(bucket, decl, type_name, top, ctx)
        else:
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                value = node.child_by_field_name("value") if kind == "resource" else None
                bucket.setdefault(self.text(name_node).strip(), _Var(type_name, node, value, top, ctx, ctx.jtype))

    def _declare(self, bucket: dict[str, _Var], decl: ts.Node, type_name: str, top: str, ctx: _Ctx,
                 is_field: bool = False) -> None:
        name_node = decl.child_by_field_name("name")
        if name_node is None:
            return
        init = decl.child_by_field_name("value")
        if type_name == "var" and init is not None and init.type == "object_creation_expression":
            type_name = _strip_type(self.text(init.child_by_field_name("type")))
        var = _Var(type_name, decl, init, top, ctx, ctx.jtype, is_field=is_field)
        if init is not None and type_name in _STRING_TYPES:
            var.pieces.append((decl.start_byte, "=", init, ctx))
        bucket.setdefault(self.text(name_node).strip(), var)

    def lookup(self, name: str) -> _Var | None:
        """The declaration of variable ``name`` visible where the analyser is (:attr:`here`), innermost first."""
        scope = self.here.scope
        while scope is not None:
            names = self.vars.get(scope.node_id)
            if names is not None:
                found = names.get(name)
                if found is not None:
                    return found
            scope = scope.outer
        return None

    def _assignment(self, node: ts.Node) -> None:
        self.here = self.context(node)
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        op = node.child_by_field_name("operator")
        if left is None or right is None:
            return
        var = self._var_of(left)
        if var is None or var.type_name not in _STRING_TYPES:
            return
        operator = self.text(op).strip() if op is not None else "="
        if operator in ("=", "+="):
            var.pieces.append((node.start_byte, operator, right, self.here))

    def _var_of(self, node: ts.Node) -> _Var | None:
        if node.type == "identifier":
            return self.lookup(self.text(node).strip())
        if node.type == "field_access":
            obj = node.child_by_field_name("object")
            fld = node.child_by_field_name("field")
            if obj is not None and obj.type == "this" and fld is not None:
                return self.lookup(self.text(fld).strip())
        return None

    # -- type resolution ----------------------------------------------------------------------------
    def resolve_type(self, written: str, at: _Ctx | None = None) -> TypeRef | None:
        """Where the type named ``written`` lives, seen from ``at`` (default :attr:`here`); None for
        primitives, ``java.lang`` and type variables."""
        name = _strip_type(written)
        if not name or name in _PRIMITIVES or not _DOTTED.match(name):
            return None
        parts = name.split(".")
        first = parts[0]
        own = self.file_types.get(first)
        if own is not None:
            return TypeRef(own.top_fqn, own=own.top)
        if first in (at or self.here).tparams:
            return None
        imported = self.explicit.get(first)
        if imported is not None:
            return TypeRef(imported, class_candidates(imported), library_id(imported), is_platform(imported))
        if len(parts) > 1 and first[:1].islower():
            index = _first_type_segment(parts)
            if index < 0:
                return None
            top = ".".join(parts[:index + 1])
            return TypeRef(top, class_candidates(name), library_id(top), is_platform(top))
        if first in self.jdk.get("java.lang", frozenset()):
            return None
        for w in self.wildcards:
            if first in self.jdk.get(w, frozenset()):
                return TypeRef(f"{w}.{first}", (), library_id(f"{w}.{first}"), True)
        unlisted = [w for w in self.wildcards if w not in self.jdk]
        own_pkg = f"{self.package}.{first}" if self.package else first
        candidates: list[str] = [own_pkg]
        for w in unlisted:
            candidates.append(w if w.rsplit(".", 1)[-1][:1].isupper() else f"{w}.{first}")
        external = f"library:{package_of(unlisted[0] + '.' + first)}" if len(unlisted) == 1 else ""
        return TypeRef(own_pkg, tuple(dict.fromkeys(candidates)), external)

    def _type_of_node(self, type_node: ts.Node | None) -> TypeRef | None:
        if type_node is None:
            return None
        return self.resolve_type(self.text(type_node))

    def expression_type(self, node: ts.Node) -> TypeRef | str:
        """The type of a call's receiver: a TypeRef, ``_SKIP`` (own object, platform, primitive) or ``_UNKNOWN``."""
        current = node
        for _ in range(16):
            kind = current.type
            if kind in ("this", "super", "string_literal", "class_literal"):
                return _SKIP
            if kind == "parenthesized_expression" and current.named_children:
                current = current.named_children[0]
                continue
            if kind == "cast_expression":
                ref = self._type_of_node(current.child_by_field_name("type"))
                return ref if ref is not None else _SKIP
            if kind == "object_creation_expression":
                ref = self._type_of_node(current.child_by_field_name("type"))
                return ref if ref is not None else _SKIP
            if kind == "identifier":
                name = self.text(current).strip()
                var = self.lookup(name)
                if var is not None:
                    ref = self.resolve_type(var.type_name, var.ctx)
                    return ref if ref is not None else _SKIP
                if name[:1].isupper():
                    ref = self.resolve_type(name)
                    return ref if ref is not None else _SKIP
                return _UNKNOWN
            if kind == "array_access":
                # declared types are kept without their dimensions: the array's type is its elements' type
                array = current.child_by_field_name("array")
                if array is None:
                    return _UNKNOWN
                current = array
                continue
            if kind == "method_invocation":
                singleton = self._singleton_type(current)
                if singleton is not None:
                    return singleton
                # A call on the result of a call: the result of a platform object's method (a fluent JPA
                # query, request.getSession()) is taken to be a platform object too.
                base = self._base_of_chain(current)
                if base is None or base.type in ("this", "super"):
                    return _UNKNOWN
                found = self.expression_type(base) if base.type != "method_invocation" else _UNKNOWN
                if found == _SKIP or (isinstance(found, TypeRef) and found.platform):
                    return _SKIP
                return _UNKNOWN
            if kind == "field_access":
                obj = current.child_by_field_name("object")
                fld = current.child_by_field_name("field")
                if obj is not None and obj.type == "this" and fld is not None:
                    var = self.lookup(self.text(fld).strip())
                    if var is None:
                        return _UNKNOWN
                    ref = self.resolve_type(var.type_name, var.ctx)
                    return ref if ref is not None else _SKIP
                written = "".join(self.text(current).split())
                parts = written.split(".")
                if not _DOTTED.match(written) or self.lookup(parts[0]) is not None:
                    return _UNKNOWN
                index = _first_type_segment(parts)
                if index < 0 or any(not p[:1].isupper() or (p.isupper() and len(p) > 1) for p in parts[index:]):
                    return _UNKNOWN  # a field of a type (Constants.LOGGER), not a type
                ref = self.resolve_type(written)
                return ref if ref is not None else _SKIP
            return _UNKNOWN
        return _UNKNOWN

    def _singleton_type(self, call: ts.Node) -> TypeRef | None:
        """``Type.getInstance()`` (and ``instance()``, ``getDefault()``): the singleton idiom returns the type."""
        name = self.text(call.child_by_field_name("name")).strip()
        obj = call.child_by_field_name("object")
        if name not in _SINGLETON_METHODS or obj is None or obj.type not in ("identifier", "field_access"):
            return None
        written = "".join(self.text(obj).split())
        if not written.rsplit(".", 1)[-1][:1].isupper() or self.lookup(written.split(".", 1)[0]) is not None:
            return None
        return self.resolve_type(written)

    def _base_of_chain(self, call: ts.Node) -> ts.Node | None:
        """The receiver at the start of a chain of calls ``base.a().b().c()`` (memoised: chains can be long)."""
        path: list[int] = []
        current = call.child_by_field_name("object")
        base: ts.Node | None = None
        while True:
            if current is None or current.type != "method_invocation":
                base = current
                break
            if current.id in self._chain_base:
                base = self._chain_base[current.id]
                break
            path.append(current.id)
            current = current.child_by_field_name("object")
        for node_id in path:
            self._chain_base[node_id] = base
        self._chain_base[call.id] = base
        return base

    # -- references ---------------------------------------------------------------------------------
    def _type_edge(self, source: str, kind: str, ref: TypeRef | None, line: int, via: str, detail: str = "",
                   optional: bool = False) -> None:
        if ref is None:
            return
        if ref.own:
            if ref.own != source:
                self.add(Reference(source, kind, "class", ref.target, line, via, detail=detail))
            return
        if optional:
            if ref.platform:
                return
            self.add(Reference(source, kind, "class", ref.target, line, via, detail=detail,
                               candidates=ref.candidates, optional=True))
            return
        self.add(Reference(source, kind, "class", ref.target, line, via, detail=detail, candidates=ref.candidates,
                           external=ref.external))

    def _inheritance(self, node: ts.Node, kind: str) -> None:
        self.here = ctx = self.context(node)
        declaring = self.types_by_id.get(ctx.parent.id) if ctx.parent is not None else None
        if declaring is None:
            return
        if node.type == "superclass":
            written = [c for c in node.named_children]
        else:
            lists = [c for c in node.named_children if c.type == "type_list"]
            written = list(lists[0].named_children) if lists else []
        detail = declaring.fqn[len(declaring.top_fqn) + 1:] if declaring.nested else ""
        via = f"java-{kind}"
        for type_node in written:
            ref = self._type_of_node(type_node)
            self._type_edge(declaring.top, kind, ref, self.line(type_node), via, detail)

    def _new(self, node: ts.Node) -> None:
        source, _ = self._source(node)
        if not source:
            return
        ref = self._type_of_node(node.child_by_field_name("type"))
        self._type_edge(source, "calls", ref, self.line(node), "java-new", "new", optional=True)

    def _method_ref(self, node: ts.Node) -> None:
        source, _ = self._source(node)
        if not source or not node.named_children:
            return
        receiver = node.named_children[0]
        name_node = node.named_children[-1] if len(node.named_children) > 1 else None
        name = self.text(name_node).strip() if name_node is not None else "new"
        if receiver.type in ("type_identifier", "scoped_type_identifier", "generic_type"):
            ref: TypeRef | str | None = self._type_of_node(receiver) or _SKIP
        else:
            ref = self.expression_type(receiver)
        if isinstance(ref, TypeRef):
            self._type_edge(source, "calls", ref, self.line(node), "java-call", name, optional=True)

    def _call(self, node: ts.Node) -> None:
        source, _ = self._source(node)
        if not source:
            return
        name = self.text(node.child_by_field_name("name")).strip()
        obj = node.child_by_field_name("object")
        args_node = node.child_by_field_name("arguments")
        args = list(args_node.named_children) if args_node is not None else []
        args = [a for a in args if a.type not in _COMMENTS]
        line = self.line(node)
        receiver: TypeRef | str = _SKIP if obj is None else self.expression_type(obj)
        if name in _SQL_METHODS or name in _JPQL_METHODS or name in _MAYBE_SQL_METHODS:
            self._sql_call(source, node, name, receiver, args, line)
        else:
            self._sql_arguments(source, name, args, line)
        if obj is None:
            owner = self.static_members.get(name)
            if owner is None and name not in self.file_methods and len(self.static_wildcards) == 1:
                owner = self.static_wildcards[0]
            if owner is not None and not is_platform(owner):
                self._type_edge(source, "calls", TypeRef(owner, class_candidates(owner)), line,
                                "java-static-import", name, optional=True)
            return
        if isinstance(receiver, TypeRef):
            self._type_edge(source, "calls", receiver, line, "java-call", name, optional=True)
        elif receiver == _UNKNOWN and name not in self.guess_stop and name not in self.file_methods:
            self.add(Reference(source, "calls", "method", name, line, "method-name", detail=name, optional=True))

    # -- SQL ---------------------------------------------------------------------------------------------
    def evaluate(self, node: ts.Node, depth: int = 0) -> str:
        """The text a String expression holds where it is written; run-time pieces become :data:`DYN`.

        At the outermost level, :attr:`run_time_parts` collects the names of the pieces that are only
        known at run time (a variable, ``obj.method``), for naming a dynamic SQL reference.
        """
        if depth > 12:
            return DYN
        if depth == 0:
            self.run_time_parts = []
        out: list[str] = []
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            before = len(out)
            self._evaluate_leaf(current, kind, depth, out, stack)
            if depth == 0 and len(out) > before and DYN in out[-1] and kind in (
                    "identifier", "field_access", "method_invocation"):
                if kind == "method_invocation":
                    obj = self.text(current.child_by_field_name("object"))
                    name = f"{obj}.{self.text(current.child_by_field_name('name'))}"
                else:
                    name = self.text(current)
                self.run_time_parts.append(re.sub(r"[^\w$.]", "", name.replace("this.", ""))[:60])
        return "".join(out)

    def _evaluate_leaf(self, current: ts.Node, kind: str, depth: int, out: list[str], stack: list[ts.Node]) -> None:
        if kind == "binary_expression":
            op = current.child_by_field_name("operator")
            left = current.child_by_field_name("left")
            right = current.child_by_field_name("right")
            if op is not None and self.text(op) == "+" and left is not None and right is not None:
                stack.append(right)
                stack.append(left)
                return
            out.append(DYN)
        elif kind == "parenthesized_expression" and current.named_children:
            stack.append(current.named_children[0])
        elif kind == "string_literal":
            out.append(string_value(self.text(current)))
        elif kind == "character_literal":
            out.append(string_value(self.text(current).replace("'", '"')))
        elif kind in ("decimal_integer_literal", "decimal_floating_point_literal", "true", "false", "null_literal"):
            out.append(self.text(current))
        elif kind in ("identifier", "field_access"):
            out.append(self._evaluate_variable(current, depth))
        elif kind == "method_invocation":
            out.append(self._evaluate_call(current, depth))
        elif kind == "object_creation_expression":
            args = current.child_by_field_name("arguments")
            typ = _strip_type(self.text(current.child_by_field_name("type")))
            first = args.named_children[0] if args is not None and args.named_children else None
            if typ not in _STRING_TYPES:
                out.append(DYN)
            elif first is None or first.type == "decimal_integer_literal":
                out.append("")  # an empty builder, or one with a capacity
            elif first.type == "identifier" and (v := self._var_of(first)) is not None \
                    and v.type_name not in _STRING_TYPES:
                out.append("")
            else:
                out.append(self.evaluate(first, depth + 1))
        else:
            out.append(DYN)

    def _evaluate_variable(self, node: ts.Node, depth: int) -> str:
        var = self._var_of(node)
        if var is None and node.type == "field_access":
            obj = node.child_by_field_name("object")
            fld = node.child_by_field_name("field")
            if obj is not None and fld is not None and self.text(obj).strip() in self.file_types:
                declared = self.file_types[self.text(obj).strip()]
                var = self._field_of(declared, self.text(fld).strip())
        if var is None or var.type_name not in _STRING_TYPES:
            return DYN
        var.consumed = True
        return self._value_at(var, node.start_byte, depth)

    def _field_of(self, jt: JType, name: str) -> _Var | None:
        for names in self.vars.values():
            var = names.get(name)
            if var is not None and var.is_field and var.jtype is jt:
                return var
        return None

    def _value_at(self, var: _Var, position: int, depth: int) -> str:
        pieces = var.pieces or ([(var.node.start_byte, "=", var.init, var.ctx)] if var.init is not None else [])
        value = DYN
        saved = self.here
        try:
            for byte, op, expr, where in sorted(pieces, key=lambda p: p[0]):
                if byte >= position and not var.is_field:
                    break
                self.here = where
                if op == "=":
                    value = self.evaluate(expr, depth + 1)
                else:
                    value += self.evaluate(expr, depth + 1)
        finally:
            self.here = saved
        return value

    def _evaluate_call(self, node: ts.Node, depth: int) -> str:
        name = self.text(node.child_by_field_name("name")).strip()
        obj = node.child_by_field_name("object")
        args_node = node.child_by_field_name("arguments")
        args = list(args_node.named_children) if args_node is not None else []
        if obj is None:
            return DYN
        if name in ("toString", "trim", "intern", "toUpperCase") and not args:
            return self.evaluate(obj, depth + 1)
        if name in ("append", "concat") and len(args) == 1:
            return self.evaluate(obj, depth + 1) + self.evaluate(args[0], depth + 1)
        if name == "valueOf" and len(args) == 1 and self.text(obj).strip() == "String":
            return self.evaluate(args[0], depth + 1)
        return DYN

    def _builder_append(self, node: ts.Node) -> None:
        """``sb.append(x)`` (also chained) adds ``x`` to a StringBuffer/StringBuilder variable's pieces."""
        if self.text(node.child_by_field_name("name")).strip() != "append":
            return
        args_node = node.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if a.type not in _COMMENTS] if args_node is not None else []
        if len(args) != 1 or args_node is None:
            return
        self.here = self.context(node)
        base = self._base_of_chain(node)
        if base is None or base.type not in ("identifier", "field_access"):
            return
        var = self._var_of(base)
        if var is not None and var.type_name in _STRING_TYPES:
            var.pieces.append((args_node.start_byte, "+=", args[0], self.here))

    def _sql_text(self, arg: ts.Node) -> tuple[str, str]:
        """(SQL text, name of what held it: a variable, the first run-time piece, or "")."""
        text = self.evaluate(arg)
        if arg.type in ("identifier", "field_access"):
            return text, self.text(arg).strip()
        return text, self.run_time_parts[0] if self.run_time_parts else ""

    def _sql_call(self, source: str, node: ts.Node, name: str, receiver: TypeRef | str, args: list[ts.Node],
                  line: int) -> None:
        if not args:
            return
        receiver_name = receiver.target.rsplit(".", 1)[-1] if isinstance(receiver, TypeRef) else ""
        sure = name in _SQL_METHODS or name in _JPQL_METHODS or receiver_name in _SQL_RECEIVERS
        first = args[0]
        if first.type not in ("string_literal", "binary_expression", "identifier", "field_access",
                              "method_invocation", "parenthesized_expression", "ternary_expression"):
            return
        if first.type in ("identifier", "field_access"):
            var = self._var_of(first)
            if var is not None and var.type_name not in _STRING_TYPES:
                return  # a criteria query, a PreparedStatementCreator ...: not SQL text
        text, held = self._sql_text(first)
        literal = text.replace(DYN, "").strip()
        if not sure and not reads_as_sql(text):
            return
        if not literal:
            if sure:
                self._dynamic_sql(source, name, held, line)
            return
        if name in _JPQL_METHODS:
            self._jpql(source, text, line, name)
            return
        via = "jpa-native" if name in ("createNativeQuery", "createSQLQuery") else "jdbc"
        self.sql_facts(source, text, line, via, name, self.run_time_parts[0] if self.run_time_parts else "")

    def _sql_arguments(self, source: str, name: str, args: list[ts.Node], line: int) -> None:
        """SQL-shaped strings passed to any other method (a DAO helper, a query runner)."""
        for arg in args:
            if arg.type not in ("string_literal", "binary_expression"):
                continue  # a variable's SQL is read where it is declared, unless an SQL call uses it
            if arg.type == "binary_expression" and not self._starts_with_literal(arg):
                continue
            text = self.evaluate(arg)
            if reads_as_sql(text):
                self.sql_facts(source, text, line, "sql-string", f"argument of {name}")

    def _starts_with_literal(self, node: ts.Node) -> bool:
        current = node
        for _ in range(10000):
            if current.type != "binary_expression":
                break
            left = current.child_by_field_name("left")
            if left is None:
                return False
            current = left
        return current.type == "string_literal"

    def _dynamic_sql(self, source: str, name: str, held: str, line: int) -> None:
        what = re.sub(r"[^\w$.]", "", held.replace("this.", ""))[:60] or "expression"
        self.add(Reference(source, "dynamic-sql", "sql", what, line, "jdbc", dynamic=True,
                           detail=f"{name}: SQL built at run time"))

    def sql_facts(self, source: str, text: str, line: int, via: str, detail: str, what: str = "") -> None:
        """Table and stored-procedure references of SQL text (DYN marks run-time pieces).

        ``what`` names the run-time piece of the text, for a table name built at run time.
        """
        routine = callable_target(text)
        if routine is not None:
            kind, name, schema = routine
            if DYN not in name:
                self.add(Reference(source, "calls", kind, name, line, "jdbc-call" if via == "jdbc" else via,
                                   detail="; ".join(x for x in (detail, f"schema {schema}" if schema else "") if x)))
            return
        for verb, table in dml_tables(text):
            if DYN.upper() in table or DYN in table:
                self.add(Reference(source, "dynamic-sql", "sql", what or "table", line, via, dynamic=True,
                                   detail=f"{detail}: table name built at run time"))
                continue
            schema, _, base = table.rpartition(".")
            self.add(Reference(source, verb, "table", base, line, via,
                               detail="; ".join(x for x in (detail, f"schema {schema}" if schema else "") if x)))

    def _jpql(self, source: str, text: str, line: int, detail: str) -> None:
        """JPQL/HQL names entities: a reference to the entity (the entity class maps its table)."""
        for verb, name in dml_tables(text):
            parts = name.split(".")
            if DYN.upper() in name or len(parts) == 2:
                continue  # a path expression (JOIN c.orders o) or a run-time piece
            written = re.search(rf"(?<![\w$.]){re.escape(parts[-1])}(?![\w$])", text, re.IGNORECASE)
            entity = written.group(0) if written else parts[-1]
            self.add(Reference(source, verb, "entity", entity, line, "jpql", detail=detail))

    def _leftover_sql(self) -> None:
        """String variables and constants that hold SQL but were not seen passed to a call."""
        for names in self.vars.values():
            for var in names.values():
                if var.consumed or var.type_name not in _STRING_TYPES or not var.pieces:
                    continue
                self.here = var.ctx
                text = self._value_at(var, 1 << 62, 0)
                if reads_as_sql(text):
                    self.sql_facts(var.top or self._primary_top(), text, self.line(var.node), "sql-string",
                                   "SQL held in a string")

    # -- annotations ---------------------------------------------------------------------------------
    def _annotation_args(self, node: ts.Node) -> dict[str, list[ts.Node]]:
        out: dict[str, list[ts.Node]] = {}
        args = node.child_by_field_name("arguments")
        if args is None:
            return out
        for child in args.named_children:
            if child.type == "element_value_pair":
                key = self.text(child.child_by_field_name("key")).strip()
                value = child.child_by_field_name("value")
                if value is not None:
                    out.setdefault(key, []).append(value)
            elif child.type not in _COMMENTS:
                out.setdefault("value", []).append(child)
        return out

    def _annotation_strings(self, values: list[ts.Node]) -> list[str]:
        out = []
        for value in values:
            items = value.named_children if value.type == "element_value_array_initializer" else [value]
            for item in items:
                text = self.evaluate(item)
                if DYN not in text:
                    out.append(text)
        return out

    def _annotations(self, nodes: list[ts.Node]) -> None:
        per_type: dict[int, dict[str, ts.Node]] = {}
        for node in nodes:
            name = self.text(node.child_by_field_name("name")).strip().rsplit(".", 1)[-1]
            if name in ("NamedQuery", "NamedNativeQuery"):
                self._named_query(node, name)
                continue
            ctx = self.context(node)
            if ctx.parent is None or ctx.parent.type != "modifiers" or ctx.grand is None:
                continue
            jt = self.types_by_id.get(ctx.grand.id)
            if jt is not None:
                per_type.setdefault(jt.node_id, {})[name] = node
        for jt in self.types:
            anns = per_type.get(jt.node_id)
            if not anns or self.owner:
                continue
            if "Entity" in anns:
                self._entity(jt, anns)
            for bean_kind in ("Stateless", "Stateful", "Singleton", "MessageDriven"):
                if bean_kind in anns:
                    self._ejb_annotation(jt, anns[bean_kind], bean_kind)

    def _entity(self, jt: JType, anns: dict[str, ts.Node]) -> None:
        self.here = self.context(anns["Entity"])
        entity_args = self._annotation_args(anns["Entity"])
        names = self._annotation_strings(entity_args.get("name", []))
        entity = names[0] if names else jt.simple
        table_node = anns.get("Table")
        table_args = self._annotation_args(table_node) if table_node is not None else {}
        tables = self._annotation_strings(table_args.get("name", []))
        schemas = self._annotation_strings(table_args.get("schema", []))
        table = (tables[0] if tables and tables[0].strip() else entity).strip().strip('"').upper()
        detail = "@Table" if tables else "default table name (the entity name)"
        if schemas and schemas[0].strip():
            detail += f"; schema {schemas[0].strip().upper()}"
        self.definitions.append(Definition("entity", entity, jt.line, jt.end_line, parent=jt.top,
                                           detail=f"table {table}"))
        where = self.line(table_node) if table_node is not None else self.line(anns["Entity"])
        if _DOTTED.match(table.replace("#", "_").replace("$", "_")):
            self.add(Reference(jt.top, "reads", "table", table.rsplit(".", 1)[-1], where, "jpa-entity",
                               detail=detail))
        secondary = anns.get("SecondaryTable")
        if secondary is not None:
            for extra in self._annotation_strings(self._annotation_args(secondary).get("name", [])):
                self.add(Reference(jt.top, "reads", "table", extra.strip().upper().rsplit(".", 1)[-1],
                                   self.line(secondary), "jpa-entity", detail="@SecondaryTable"))

    def _named_query(self, node: ts.Node, name: str) -> None:
        source, _ = self._source(node)
        if not source:
            return
        args = self._annotation_args(node)
        label = self._annotation_strings(args.get("name", []))
        detail = f"@{name} {label[0]}" if label else f"@{name}"
        for query in args.get("query", []):
            text = self.evaluate(query)
            if not text.replace(DYN, "").strip():
                continue
            if name == "NamedQuery":
                self._jpql(source, text, self.line(node), detail)
            else:
                self.sql_facts(source, text, self.line(node), "jpa-native", detail)

    def _ejb_annotation(self, jt: JType, node: ts.Node, bean_kind: str) -> None:
        self.here = self.context(node)
        args = self._annotation_args(node)
        names = self._annotation_strings(args.get("name", []))
        bean = names[0].strip() if names and names[0].strip() else jt.simple
        line = self.line(node)
        self.definitions.append(Definition("bean", bean, line, line, detail=f"@{bean_kind}"))
        self.add(Reference(f"bean:{bean}", "maps", "class", jt.top_fqn, line, "ejb-annotation",
                           detail=f"@{bean_kind}"))

    # -- fallback ----------------------------------------------------------------------------------------
    def _fallback(self) -> None:
        """Statement-level scan of the lines inside ERROR regions, so their imports, news and SQL are not lost."""
        if not self.errors:
            return
        self.here = _ROOT_CTX
        rows = self.tree.source.decode("utf-8", "replace").split("\n")
        for first, last in tsfacts.error_line_ranges(self.errors):
            for row in range(first - 1, min(last, len(rows))):
                text = rows[row]
                if not text.strip():
                    continue
                self.fallback_lines += 1
                self._fallback_line(text, self.line_map(row))

    def _top_at(self, line: int) -> str:
        best = ""
        for jt in self.types:
            if not jt.nested and jt.line <= line <= jt.end_line:
                best = jt.top
        return best or self._primary_top()

    def _fallback_line(self, text: str, line: int) -> None:
        source = self._top_at(line)
        m = _FB_IMPORT.match(text)
        if m:
            written = ("static " if m.group(1) else "") + "".join(m.group(2).split()) + (".*" if m.group(3) else "")
            before = len(self._import_refs)
            self._import(written, line)
            if source:
                for fqn, ln, detail in self._import_refs[before:]:
                    if not self.seen(source, "imports", "class", fqn, ln):
                        self.add(Reference(source, "imports", "class", fqn, ln, "java-fallback", detail=detail,
                                           candidates=class_candidates(fqn), external=library_id(fqn)))
            return
        if not source:
            return
        code = _FB_STRING.sub('""', text).split("//", 1)[0]
        for m in _FB_NEW.finditer(code):
            ref = self.resolve_type(m.group(1), _ROOT_CTX)
            if ref is not None and not self.seen(source, "calls", "class", ref.target, line):
                self._type_edge(source, "calls", ref, line, "java-fallback", "new", optional=True)
        m = _FB_EXTENDS.search(code)
        if m:
            ref = self.resolve_type(m.group(1), _ROOT_CTX)
            if ref is not None and not self.seen(source, "extends", "class", ref.target, line):
                self._type_edge(source, "extends", ref, line, "java-fallback")
        for s in _FB_STRING.finditer(text):
            value = string_value(f'"{s.group(1)}"')
            if reads_as_sql(value):
                self.sql_facts(source, value, line, "java-fallback", "SQL in a region the grammar could not read")

    # -- metrics ----------------------------------------------------------------------------------------
    def complexity(self, node: ts.Node) -> tuple[int, int]:
        """(McCabe complexity, deepest nesting) of ``node``'s subtree; an else-if does not nest deeper."""
        complexity = 1
        deepest = 0
        stack: list[tuple[ts.Node, int, bool]] = [(node, 0, False)]
        while stack:
            current, depth, else_if = stack.pop()
            kind = current.type
            complexity += self.decisions.count(kind, current, self.tree)
            if kind in self.nesting and current is not node and not else_if:
                depth += 1
                deepest = max(deepest, depth)
            alternative = current.child_by_field_name("alternative") if kind == "if_statement" else None
            for child in current.children:
                stack.append((child, depth, alternative is not None and child.id == alternative.id
                              and child.type == "if_statement"))
        return complexity, deepest


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Facts of one Java source file. Never raises on bad input."""
    source = text.encode("utf-8", "replace")
    tree = ts.parse(spec.grammar, source)
    analyser = JavaAnalyser(tree, spec, path)
    analyser.run()
    text_lines = text.split("\n")
    if text_lines and text_lines[-1] == "":
        text_lines.pop()
    comments = tsfacts.comment_lines(tree, _COMMENTS)
    diagnostics = list(analyser.diagnostics)
    tops = [t for t in analyser.types if not t.nested]
    definitions = list(analyser.definitions)
    if not tops:
        found = _FB_TYPE.search(text)
        if found:
            kind = "annotation" if found.group(1) == "@interface" else found.group(1)
            fqn = f"{analyser.package}.{found.group(2)}" if analyser.package else found.group(2)
            line = text.count("\n", 0, found.start(2)) + 1
            definitions.append(Definition("class", fqn, line, len(text_lines) or 1,
                                          detail="" if kind == "class" else kind, id=f"java:{fqn}"))
            diagnostics.append(Diagnostic(path, WARNING, "JAVA-TYPE-FROM-FALLBACK",
                                          f"the grammar could not read the declaration of {fqn}; it was found by "
                                          "the statement-level scan and its members are not listed", line))
            tops = [JType(-1, kind, found.group(2), fqn, f"java:{fqn}", fqn, False, False, line,
                          len(text_lines) or 1)]
        elif any(text_lines[i].strip() and (i + 1) not in comments for i in range(len(text_lines))) \
                and path.rsplit("/", 1)[-1] not in ("package-info.java", "module-info.java"):
            diagnostics.append(Diagnostic(path, INFO, "JAVA-NO-TYPE",
                                          "no class, interface, enum or record declaration found", None))
    metrics = _metrics(analyser, tops, text_lines, comments)
    if analyser.errors:
        diagnostics.append(Diagnostic(
            path, WARNING, "JAVA-PARSE-ERRORS",
            f"the grammar could not read {analyser.fallback_lines} line(s); a statement-level scan read them for "
            "imports, object creations and SQL", analyser.line_map(int(analyser.errors[0].start_point[0]))))
    references = list(analyser.references)
    return Extraction(
        definitions=tuple(definitions),
        references=tuple(references),
        metrics=tuple(metrics),
        diagnostics=tuple(diagnostics),
        lines=tsfacts.count_lines(text_lines, comments),
        parse=tsfacts.quality(spec, tree, analyser.errors, analyser.fallback_lines),
    )


def _metrics(analyser: JavaAnalyser, tops: list[JType], text_lines: list[str],
             comments: set[int]) -> list[tuple[str, Metrics]]:
    """Per top-level type: its lines (the file's leading lines count for the first type, lines between
    types for the next one, trailing lines for the last), complexity and nesting."""
    out: list[tuple[str, Metrics]] = []
    nodes = {n.id: n for n in tsfacts.walk(analyser.tree.root, frozenset({"class_body", "interface_body",
                                                                          "enum_body", "annotation_type_body"}))
             if n.type in TYPE_NODES}
    tops = sorted(tops, key=lambda t: t.line)
    previous_end = 0
    for i, jt in enumerate(tops):
        first = previous_end + 1
        last = len(text_lines) if i == len(tops) - 1 else jt.end_line
        counts = tsfacts.count_lines(text_lines, comments, first, last)
        node = nodes.get(jt.node_id)
        complexity, nesting = analyser.complexity(node) if node is not None else (1, 0)
        out.append((jt.top, tsfacts.unit_metrics(counts, complexity, nesting)))
        previous_end = max(previous_end, last)
    return out
