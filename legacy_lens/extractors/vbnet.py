"""VB.NET extractor: tree-sitter (PyPI ``tree-sitter-vb-dotnet`` 0.3.0, grammar ``vb_dotnet``) with the
queries in ``grammars/vbnet/facts.scm``, and a line reader for what the grammar rejects (``Declare ... Lib``).

The facts are those of C# (see :mod:`legacy_lens.extractors.csharp` and the shared
:mod:`legacy_lens.extractors.dotnet`): ``dotnet:<Namespace.Type>`` classes, modules, structures,
interfaces and enums with ``method`` sub-definitions; ``Imports``, ``Inherits``/``Implements``, ``New T``,
static and typed-receiver calls, declared types, ADO.NET SQL, ``Declare ... Lib`` and ``DllImport``
(``uses-native``), ``CreateObject``/``GetObject``/``GetTypeFromProgID`` (``uses-com``). VB is not case
sensitive: variables are looked up without case. ``.vbproj`` files go to :func:`dotnet.extract_project`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from legacy_lens import ts
from legacy_lens.extractors import dotnet, tsfacts
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import INFO, WARNING, Definition, Diagnostic, Extraction, ParseQuality

_TYPE_NODES = {"class_block": "class", "module_block": "module", "structure_block": "struct",
               "interface_block": "interface", "enum_block": "enum", "delegate_declaration": "delegate"}
_STOP = frozenset(_TYPE_NODES)
_METHOD_NODES = {"method_declaration": "", "constructor_declaration": "constructor",
                 "property_declaration": "property", "operator_declaration": "operator", "event_declaration": "event"}
_KEYWORDS = frozenset([
    "boolean", "byte", "sbyte", "char", "date", "decimal", "double", "single", "integer", "uinteger", "long",
    "ulong", "short", "ushort", "object", "string", "of", "new", "global", "me", "mybase", "myclass", "nothing",
    "true", "false", "byval", "byref", "optional", "paramarray", "as"
])
_COMMAND_TYPE = re.compile(r"(?:Command|DataAdapter)$", re.IGNORECASE)
_COMMAND_METHODS = frozenset(m.lower() for m in (
    "Query", "QueryFirst", "QueryFirstOrDefault", "QuerySingle", "QuerySingleOrDefault", "QueryMultiple", "Execute",
    "ExecuteScalar", "ExecuteReader", "ExecuteNonQuery", "ExecuteDataset", "ExecuteDataTable", "ExecuteXmlReader",
    "ExecuteSqlCommand", "SqlQuery", "GetDataSet", "GetDataTable", "GetSqlStringCommand", "GetStoredProcCommand",
    "RunProc", "ExecSQL", "OpenRecordset"))
_BUILDER = frozenset({"append", "appendline", "appendformat"})
_DECLARE = re.compile(
    r"^\s*(?:(?:Public|Private|Friend|Protected|Shared|Overloads)\s+)*Declare\s+(?:(?:Ansi|Unicode|Auto)\s+)?"
    r"(?:Sub|Function)\s+(\w+)\s+Lib\s+\"([^\"\n]+)\"(?:\s+Alias\s+\"([^\"\n]+)\")?", re.IGNORECASE)
_FALLBACK_SQL = re.compile(r'"((?:[^"\n]|""){8,})"')
_FALLBACK_COM = re.compile(r'\b(?:CreateObject|GetTypeFromProgID)\s*\(\s*"([^"\n]+)"', re.IGNORECASE)
_FALLBACK_DLL = re.compile(r'<\s*DllImport\s*\(\s*"([^"\n]+)"', re.IGNORECASE)
_FALLBACK_NEW = re.compile(r"\bNew\s+([A-Za-z_][\w.]*)\s*[({\n]?", re.IGNORECASE)
_TRANSPARENT = frozenset({"expression", "literal", "parenthesized_expression"})
_TYPE_LINE = re.compile(r"^\s*(?:(?:Public|Private|Friend|Protected|Partial|Shared|MustInherit|NotInheritable|"
                        r"Shadows)\s+)*(Class|Module|Structure|Interface)\s+([A-Za-z_]\w*)", re.IGNORECASE)


@dataclass(slots=True)
class _Scope:
    """A type: from the tree (``node``), or read line by line in an ERROR region (``node`` is None)."""

    cid: str
    full: str
    namespace: str
    node: ts.Node | None
    detail: str
    line: int
    end: int
    members: dict[str, str] = field(default_factory=dict)


def _key(node: ts.Node) -> tuple[int, int, str]:
    return (node.start_byte, node.end_byte, node.type)


def _unwrap(node: ts.Node) -> ts.Node:
    """The expression inside the grammar's ``expression``/``literal`` wrappers."""
    while node.type in ("expression", "literal") and node.named_child_count == 1:
        child = node.named_children[0]
        if child is None:
            break
        node = child
    return node


class _Extractor:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.text = text
        self.path = path
        self.spec = spec
        self.grammar = spec.grammar or "vb_dotnet"
        self.tree = ts.parse(self.grammar, text.encode("utf-8", "replace"))
        self.facts = dotnet.Facts(path, "vbnet", case_insensitive=True)
        self.scopes: dict[tuple[int, int, str], _Scope] = {}
        self.import_lines: dict[str, int] = {}
        self.seen: set[tuple[int, int, str]] = set()
        self._locals: dict[tuple[int, int, str], dict[str, str]] = {}

    def t(self, node: ts.Node | None) -> str:
        return self.tree.text(node) if node is not None else ""

    # -- context ---------------------------------------------------------------------------------
    def namespace_of(self, node: ts.Node) -> str:
        parts: list[str] = []
        current = node.parent
        while current is not None:
            if current.type == "namespace_block":
                name = current.child_by_field_name("name")
                if name is not None:
                    parts.append(".".join(self.t(i) for i in name.named_children if i.type == "identifier"))
            current = current.parent
        parts.reverse()
        return ".".join(p for p in parts if p and p.lower() != "global")

    def scope_of(self, node: ts.Node) -> _Scope | None:
        current = node.parent
        while current is not None:
            if current.type in _TYPE_NODES:
                return self.scopes.get(_key(current))
            current = current.parent
        return None

    def method_of(self, node: ts.Node) -> ts.Node | None:
        current = node.parent
        while current is not None:
            if current.type in _METHOD_NODES:
                return current
            if current.type in _TYPE_NODES:
                return None
            current = current.parent
        return None

    def locals_of(self, method: ts.Node | None) -> dict[str, str]:
        """Declared types (lower-case names) of a method's parameters and ``Dim`` locals."""
        out: dict[str, str] = {}
        if method is None:
            return out
        cached = self._locals.get(_key(method))
        if cached is not None:
            return cached
        self._locals[_key(method)] = out
        for node in tsfacts.walk(method, _STOP):
            if node.type in ("parameter", "dim_statement", "variable_declarator"):
                name = node.child_by_field_name("name")
                type_text = self.declared_type(node)
                if name is not None and type_text:
                    out[self.t(name).lower()] = type_text
        return out

    def declared_type(self, node: ts.Node) -> str:
        for child in node.named_children:
            if child.type == "as_clause":
                type_node = child.child_by_field_name("type")
                return self.t(type_node)
        return ""

    # -- passes ----------------------------------------------------------------------------------
    def run(self) -> Extraction:
        root = self.tree.root
        caps = ts.captures(self.grammar, self.spec.query_text("facts"), root)
        for name, node in caps:
            if name.startswith("definition.") and node.type in _TYPE_NODES:
                self.define_type(node)
        for name, node in caps:
            if name == "declaration.field":
                self.field(node)
        for name, node in caps:
            try:
                self.dispatch(name, node)
            except (ValueError, IndexError, AttributeError) as exc:
                self.facts.diagnostics.append(Diagnostic(self.path, WARNING, "VBNET-INTERNAL",
                                                         f"{name} skipped: {exc!r}", tsfacts.line_of(node)))
        errors = list(ts.outermost_errors(root))
        self.line_types(tsfacts.error_line_ranges(errors))
        self.declares()
        self.facts.flush_all()
        self.facts.import_namespaces([s.cid for s in self.scopes.values()
                                      if s.node is None or self.scope_of(s.node) is None], self.import_lines)
        fallback = self.fallback(errors)
        return self.finish(errors, fallback)

    def define_type(self, node: ts.Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None or name_node.is_missing or not name_node.text:
            return
        names = [self.t(name_node)]
        current = node.parent
        while current is not None:
            if current.type in _TYPE_NODES:
                outer = current.child_by_field_name("name")
                if outer is not None:
                    names.append(self.t(outer))
            current = current.parent
        names.reverse()
        namespace = self.namespace_of(node)
        full = ".".join([namespace, *names] if namespace else names)
        detail = _TYPE_NODES[node.type]
        modifiers = self.t(node.child_by_field_name("modifiers")).lower().split()
        if "partial" in modifiers:
            detail += " partial"
        cid = self.facts.add_type(full, namespace, detail, tsfacts.line_of(node), tsfacts.end_line_of(node))
        self.scopes[_key(node)] = _Scope(cid, full, namespace, node, detail.split(" ")[0], tsfacts.line_of(node),
                                         tsfacts.end_line_of(node))

    def field(self, node: ts.Node) -> None:
        scope = self.scope_of(node)
        if scope is None:
            return
        for decl in node.named_children:
            if decl.type == "variable_declarator":
                name = decl.child_by_field_name("name")
                type_text = self.declared_type(decl)
                if name is not None and type_text:
                    scope.members[self.t(name).lower()] = type_text

    def source_of(self, node: ts.Node) -> _Scope | None:
        return self.scope_of(node)

    def dispatch(self, name: str, node: ts.Node) -> None:
        if name == "reference.imports":
            self.imports(node)
            return
        if name.startswith("definition.") and node.type in _METHOD_NODES:
            self.method(node)
            return
        scope = self.source_of(node)
        if scope is None:
            return
        line = tsfacts.line_of(node)
        if name in ("reference.inherits", "reference.implements"):
            if node.parent is None or node.parent.type not in _TYPE_NODES:
                return  # Implements IFoo.Bar on a member
            kind = "extends" if name == "reference.inherits" else "implements"
            for type_node in node.named_children:
                written = dotnet.type_names(self.t(type_node), _KEYWORDS)
                if written:
                    self.facts.base_type(scope.cid, written[0], True, scope.detail, line, scope.namespace, scope.full,
                                         explicit=kind)
        elif name == "reference.type":
            if node.parent is not None and node.parent.type == "as_clause" and any(
                    c.type == "argument_list" or self.t(c).lower() == "new" for c in node.parent.children):
                self.creation(node, scope, line)
                return
            for used in dotnet.type_names(self.t(node), _KEYWORDS):
                self.facts.use_type(scope.cid, "imports", used, line, scope.namespace, scope.full, "vbnet-type")
        elif name == "reference.new":
            created = node.child_by_field_name("type")
            if created is not None:
                self.creation(created, scope, line)
        elif name == "reference.call":
            self.call(node, scope, line)
        elif name == "reference.attribute":
            self.attribute(node, scope, line)
        elif name == "string":
            self.string(node, scope)
        elif name == "reference.compound":
            self.compound(node, scope, line)

    def imports(self, node: ts.Node) -> None:
        ns_node = node.child_by_field_name("namespace")
        if ns_node is None:
            return
        ns = ".".join(self.t(i) for i in ns_node.named_children if i.type == "identifier")
        alias = node.child_by_field_name("alias")
        if not ns:
            return
        if alias is not None:
            self.facts.aliases[self.t(alias).lower()] = ns
            self.facts.alias_targets.append(ns)
        elif ns not in self.facts.imports:
            self.facts.imports.append(ns)
        self.import_lines.setdefault(ns, tsfacts.line_of(node))

    def method(self, node: ts.Node) -> None:
        scope = self.scope_of(node)
        name_node = node.child_by_field_name("name")
        if scope is None or name_node is None:
            return
        detail = _METHOD_NODES[node.type]
        name = self.t(name_node) if node.type != "constructor_declaration" else "New"
        self.facts.add_method(scope.cid, name, tsfacts.line_of(node), tsfacts.end_line_of(node), detail)

    def creation(self, type_node: ts.Node, scope: _Scope, line: int) -> None:
        written = dotnet.type_names(self.t(type_node), _KEYWORDS)
        if not written:
            return
        self.facts.use_type(scope.cid, "calls", written[0], line, scope.namespace, scope.full, "vbnet-new",
                            detail=f"New {written[0]}")
        for arg in written[1:]:
            self.facts.use_type(scope.cid, "imports", arg, line, scope.namespace, scope.full, "vbnet-type")

    def string_value(self, node: ts.Node) -> str:
        raw = self.t(node)
        if raw.startswith("$"):
            raw = re.sub(r"\{[^{}]*\}", " ? ", raw[1:])
        body = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
        return body.replace('""', '"')

    def concatenation(self, node: ts.Node) -> tuple[str, list[ts.Node]]:
        """Text of a ``&``/``+`` chain (other operands read as ``?``) and the string literals in it."""
        pieces: list[str] = []
        literals: list[ts.Node] = []
        stack = [node]
        while stack:
            current = _unwrap(stack.pop())
            if current.type == "binary_expression":
                op = next((c for c in current.children if not c.is_named), None)
                if op is not None and self.t(op) in ("&", "+"):
                    left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
                    stack.extend(x for x in (right, left) if x is not None)
                    continue
            if current.type in ("string_literal", "interpolated_string_literal"):
                pieces.append(self.string_value(current))
                literals.append(current)
            else:
                pieces.append(" ? ")
        return "".join(pieces), literals

    def literal_args(self, args: ts.Node | None) -> list[tuple[str, ts.Node]]:
        out: list[tuple[str, ts.Node]] = []
        if args is None:
            return out
        for arg in args.named_children:
            if arg.type != "argument" or not arg.named_children:
                continue
            text, literals = self.concatenation(arg.named_children[-1])
            if literals:
                out.append((text, literals[0]))
                for lit in literals:
                    self.seen.add(_key(lit))
        return out

    def mentions_sp(self, node: ts.Node) -> bool:
        method = self.method_of(node)
        return method is not None and "storedprocedure" in self.t(method).lower()

    def receiver_type(self, receiver: ts.Node, node: ts.Node, scope: _Scope) -> tuple[str, str]:
        text = re.sub(r"\s+", "", self.t(receiver))
        if text.lower().startswith("me."):
            text = text[3:]
        if not re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", text):
            return "", ""
        head = text.split(".", 1)[0].lower()
        declared = self.locals_of(self.method_of(node)).get(head) or scope.members.get(head)
        if declared:
            if "." in text:
                return "", ""
            names = dotnet.type_names(declared, _KEYWORDS)
            return (names[0], "vbnet-receiver") if names else ("", "")
        if text[:1].isupper() and head not in ("me", "mybase", "myclass", "my"):
            return text, "vbnet-static"
        return "", ""

    def call(self, node: ts.Node, scope: _Scope, line: int) -> None:
        target = node.child_by_field_name("target")
        args = node.child_by_field_name("arguments")
        if target is None:
            return
        member = ""
        receiver: ts.Node | None = None
        if target.type == "member_access":
            member = self.t(target.child_by_field_name("member"))
            obj = target.child_by_field_name("object")
            receiver = _unwrap(obj) if obj is not None else None
        elif target.type == "identifier":
            member = self.t(target)
        low = member.lower()
        literals = self.literal_args(args)
        # VB's own CreateObject/GetObject, or Type.GetTypeFromProgID; not ResourceManager.GetObject("name").
        com_call = receiver is None or self.t(receiver).replace(" ", "").lower() in (
            "interaction", "microsoft.visualbasic.interaction", "type", "system.type")
        if com_call and low in ("createobject", "gettypefromprogid") and literals:
            self.facts.com(scope.cid, literals[0][0], line, "vbnet-progid")
        elif com_call and low == "getobject" and len(literals) >= 1:
            self.facts.com(scope.cid, literals[-1][0], line, "vbnet-progid")
        if receiver is not None and receiver.type in ("identifier", "member_access"):
            type_name, how = self.receiver_type(receiver, node, scope)
            if type_name and type_name.lower() not in ("type", "activator", "marshal", "interaction"):
                self.facts.use_type(scope.cid, "calls", type_name, line, scope.namespace, scope.full, how,
                                    detail=f"{type_name.rsplit('.', 1)[-1]}.{member}")
            if low in _BUILDER and receiver.type == "identifier" and literals:
                key = (str(self.method_start(node)), self.t(receiver).lower())
                self.facts.accumulate(key, scope.cid, literals[0][0], line)
                return
        if low in _COMMAND_METHODS and literals:
            sp = (args is not None and "storedprocedure" in self.t(args).lower()) or self.mentions_sp(node)
            for text, lit in literals:
                if dotnet.looks_like_sql(text) or (sp and dotnet.procedure_name(text)):
                    self.facts.sql(scope.cid, text, tsfacts.line_of(lit), "vbnet-command", stored_procedure=sp)

    def method_start(self, node: ts.Node) -> int:
        method = self.method_of(node)
        return method.start_byte if method is not None else -1

    def attribute(self, node: ts.Node, scope: _Scope, line: int) -> None:
        name = self.t(node.child_by_field_name("name")).rsplit(".", 1)[-1]
        name = name[:-9] if name.lower().endswith("attribute") else name
        args = [c for c in node.named_children if c.type == "argument_list"]
        literals = self.literal_args(args[0]) if args else []
        if name.lower() == "dllimport" and literals:
            holder = node.parent.parent if node.parent is not None else None
            entry = self.t(holder.child_by_field_name("name")) if holder is not None and holder.type in (
                "method_declaration",) else ""
            self.facts.native(scope.cid, literals[0][0], line, "vbnet-dllimport", entry)
        elif name.lower() == "progid" and literals:
            self.facts.com(scope.cid, literals[0][0], line, "vbnet-progid-attribute")

    def compound(self, node: ts.Node, scope: _Scope, line: int) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return
        text, literals = self.concatenation(right)
        if not literals:
            return
        for lit in literals:
            self.seen.add(_key(lit))
        target = self.t(left).strip()
        if re.fullmatch(r"[A-Za-z_]\w*", target):
            self.facts.accumulate((str(self.method_start(node)), target.lower()), scope.cid, text, line)
        elif target.lower().endswith("commandtext"):
            self.facts.sql(scope.cid, text, line, "vbnet-command", stored_procedure=self.mentions_sp(node))

    def string(self, node: ts.Node, scope: _Scope) -> None:
        if _key(node) in self.seen:
            return
        top = node
        while top.parent is not None and (top.parent.type in _TRANSPARENT or (
                top.parent.type == "binary_expression" and next(
                    (self.t(c) for c in top.parent.children if not c.is_named), "") in ("&", "+"))):
            top = top.parent
        text, literals = self.concatenation(top)
        for lit in literals:
            self.seen.add(_key(lit))
        if not literals:
            text = self.string_value(node)
        line = tsfacts.line_of(node)
        parent = top.parent
        key_base = str(self.method_start(node))
        if parent is not None and parent.type == "dim_statement":
            name = parent.child_by_field_name("name")
            if name is not None:
                self.facts.accumulate((key_base, self.t(name).lower()), scope.cid, text, line, restart=True)
                return
        if parent is not None and parent.type == "binary_expression":
            # ``x = "..."`` is an assignment statement that the grammar reads as a comparison.
            left = parent.child_by_field_name("left")
            op = next((self.t(c) for c in parent.children if not c.is_named), "")
            target = self.t(left).strip() if left is not None else ""
            if op == "=" and target:
                if target.lower().endswith(("commandtext", "selectcommand")):
                    sp = self.mentions_sp(node)
                    if dotnet.looks_like_sql(text) or (sp and dotnet.procedure_name(text)):
                        self.facts.sql(scope.cid, text, line, "vbnet-command", stored_procedure=sp)
                    return
                if re.fullmatch(r"[A-Za-z_]\w*", target):
                    key = (key_base, target.lower())
                    right_text = self.t(parent.child_by_field_name("right"))
                    grows = re.match(rf"\s*{re.escape(target)}\s*[&+]", right_text, re.IGNORECASE) is not None
                    self.facts.accumulate(key, scope.cid, text, line, restart=not grows)
                    return
        if parent is not None and parent.type == "argument" and parent.parent is not None:
            holder = parent.parent.parent
            type_node = None
            if holder is not None and holder.type in ("new_expression", "as_clause"):
                type_node = holder.child_by_field_name("type")
            if type_node is not None and _COMMAND_TYPE.search(self.t(type_node).strip()):
                sp = self.mentions_sp(node)
                if dotnet.looks_like_sql(text) or (sp and dotnet.procedure_name(text)):
                    self.facts.sql(scope.cid, text, line, "vbnet-command", stored_procedure=sp)
                return
        if dotnet.looks_like_sql(text):
            self.facts.sql(scope.cid, text, line, "vbnet-sql")

    # -- line reader -----------------------------------------------------------------------------
    def line_types(self, ranges: list[tuple[int, int]]) -> None:
        """Types whose declaration lies in an ERROR region, found line by line (``Class X`` ... ``End Class``)."""
        lines = self.text.splitlines()
        for start, end in ranges:
            for number in range(start, min(end, len(lines)) + 1):
                m = _TYPE_LINE.match(lines[number - 1])
                if m is None or any(s.line <= number <= s.end for s in self.scopes.values()):
                    continue
                closing = re.compile(rf"^\s*End\s+{m.group(1)}\b", re.IGNORECASE)
                last = next((k for k in range(number + 1, len(lines) + 1) if closing.match(lines[k - 1])), len(lines))
                full = m.group(2)
                detail = {"structure": "struct"}.get(m.group(1).lower(), m.group(1).lower())
                cid = self.facts.add_type(full, "", detail, number, last)
                self.scopes[(number, last, "line")] = _Scope(cid, full, "", None, detail, number, last)

    def scope_for_line(self, number: int) -> _Scope | None:
        best: _Scope | None = None
        for scope in self.scopes.values():
            if scope.line <= number <= scope.end and (best is None or scope.line >= best.line):
                best = scope
        if best is None and self.scopes:
            best = next(iter(self.scopes.values()))
        return best

    def declares(self) -> None:
        """``Declare [Ansi|Unicode|Auto] Sub|Function name Lib "x" [Alias "y"]``: the grammar rejects these."""
        for number, line in enumerate(self.text.splitlines(), start=1):
            if "declare" not in line.lower():
                continue
            m = _DECLARE.match(line)
            if m is None:
                continue
            scope = self.scope_for_line(number)
            if scope is None:
                continue
            self.facts.native(scope.cid, m.group(2), number, "vbnet-declare", m.group(3) or m.group(1))
            if not any(d.kind == "method" and d.name == m.group(1) and d.line == number for d in
                       self.facts.definitions):
                self.facts.definitions.append(Definition("method", m.group(1), number, number, parent=scope.cid,
                                                         detail="declare"))

    def fallback(self, errors: list[ts.Node]) -> int:
        lines = self.text.splitlines()
        count = 0
        for start, end in tsfacts.error_line_ranges(errors):
            for number in range(start, min(end, len(lines)) + 1):
                line = lines[number - 1]
                stripped = line.strip()
                if not stripped or stripped.startswith("'"):
                    continue
                count += 1
                scope = self.scope_for_line(number)
                if scope is None:
                    continue
                for m in _FALLBACK_DLL.finditer(line):
                    self.facts.native(scope.cid, m.group(1), number, "vbnet-fallback")
                for m in _FALLBACK_COM.finditer(line):
                    self.facts.com(scope.cid, m.group(1), number, "vbnet-fallback")
                for m in _FALLBACK_NEW.finditer(line):
                    self.facts.use_type(scope.cid, "calls", m.group(1), number, scope.namespace, scope.full,
                                        "vbnet-fallback", detail=f"New {m.group(1)}")
                for m in _FALLBACK_SQL.finditer(line):
                    text = m.group(1).replace('""', '"')
                    if dotnet.looks_like_sql(text):
                        self.facts.sql(scope.cid, text, number, "vbnet-fallback")
        return count

    def finish(self, errors: list[ts.Node], fallback_lines: int) -> Extraction:
        text_lines = self.text.splitlines()
        comments = tsfacts.comment_lines(self.tree, frozenset({"comment"}))
        comments |= {n for n, ln in enumerate(text_lines, start=1)
                     if ln.strip().startswith("'") or ln.strip().upper().startswith("REM ")}
        decisions = tsfacts.Decisions.from_spec(self.spec.decision_nodes)
        nesting = frozenset(self.spec.nesting_nodes)
        spans = [(s.cid, s.line, s.end) for s in self.scopes.values()]
        measures = {s.cid: tsfacts.complexity_and_nesting(s.node, self.tree, decisions, nesting, _STOP)
                    for s in self.scopes.values() if s.node is not None}
        metrics = dotnet.type_metrics(spans, text_lines, comments, measures)
        diagnostics = list(self.facts.diagnostics)
        parse: ParseQuality = tsfacts.quality(self.spec, self.tree, errors, fallback_lines)
        found = tsfacts.error_diagnostic(self.path, "VBNET-PARSE", parse, errors)
        if found is not None:
            diagnostics.append(found)
        if not self.scopes and self.text.strip():
            diagnostics.append(Diagnostic(self.path, INFO, "VBNET-NO-TYPES",
                                          "no Class, Module, Structure or Interface found: no component"))
        return Extraction(definitions=tuple(self.facts.definitions), references=tuple(self.facts.references),
                          metrics=tuple(metrics), diagnostics=tuple(diagnostics),
                          lines=tsfacts.count_lines(text_lines, comments), parse=parse)


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Facts of one VB.NET source file or ``.vbproj`` project. Never raises on bad input."""
    if path.lower().endswith(".vbproj"):
        return dotnet.extract_project(text, path, "vbnet")
    return _Extractor(text, path, spec).run()
