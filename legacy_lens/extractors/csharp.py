"""C# extractor: tree-sitter (pack grammar ``csharp``) with the queries in ``grammars/csharp/facts.scm``.

Types are ``dotnet:<namespace.Type>`` (kind ``class``), their methods, constructors and properties
``method`` sub-definitions. References: ``using`` of platform namespaces (``imports library:``), base
types (``extends``/``implements``), ``new T()``, static ``T.M()`` and calls on receivers whose declared
type is known (``calls``), declared types of fields, parameters and locals (``imports``), SQL reaching
ADO.NET/Dapper/Enterprise Library commands (CRUD on ``table:``, ``calls procedure:``), ``DllImport``
(``uses-native dll:``) and COM (``GetTypeFromProgID``, ``CreateObject``, ``[ComImport]``: ``uses-com``).
The shared .NET pieces live in :mod:`legacy_lens.extractors.dotnet`. ``.csproj`` files go to
:func:`dotnet.extract_project`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from legacy_lens import ts
from legacy_lens.extractors import dotnet, tsfacts
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import INFO, WARNING, Diagnostic, Extraction, ParseQuality, Reference

_TYPE_NODES = {
    "class_declaration": "class", "struct_declaration": "struct", "interface_declaration": "interface",
    "enum_declaration": "enum", "record_declaration": "record", "delegate_declaration": "delegate",
}
_STOP = frozenset(_TYPE_NODES)
_METHOD_NODES = {"method_declaration", "constructor_declaration", "property_declaration", "local_function_statement",
                 "destructor_declaration", "operator_declaration", "indexer_declaration", "accessor_declaration"}
_KEYWORDS = frozenset([
    "bool", "byte", "sbyte", "char", "decimal", "double", "float", "int", "uint", "long", "ulong", "short",
    "ushort", "object", "string", "void", "var", "dynamic", "nint", "nuint", "this", "base", "null", "true",
    "false", "new", "global", "in", "out", "ref", "params", "where", "class", "struct", "unmanaged", "notnull",
    "default"
])
_COMMAND_TYPES = re.compile(r"(?:Sql|OleDb|Odbc|Oracle|Db2|DB2|MySql|Npgsql|SqlCe|SQLite|Sqlite|Fb|Db|iDB2|Ifx|"
                            r"As)(?:Command|DataAdapter)$")
_COMMAND_METHODS = frozenset({
    "Query", "QueryAsync", "QueryFirst", "QueryFirstAsync", "QueryFirstOrDefault", "QueryFirstOrDefaultAsync",
    "QuerySingle", "QuerySingleAsync", "QuerySingleOrDefault", "QuerySingleOrDefaultAsync", "QueryMultiple",
    "QueryMultipleAsync", "Execute", "ExecuteAsync", "ExecuteScalar", "ExecuteScalarAsync", "ExecuteReader",
    "ExecuteReaderAsync", "ExecuteNonQuery", "ExecuteDataset", "ExecuteDataSet", "ExecuteDataTable", "ExecuteXmlReader",
    "ExecuteSqlCommand", "ExecuteSqlRaw", "ExecuteSqlRawAsync", "ExecuteSqlInterpolated", "SqlQuery", "FromSqlRaw",
    "FromSql", "GetDataSet", "GetDataTable", "GetSqlStringCommand", "GetStoredProcCommand", "RunProc", "ExecSQL",
})
_BUILDER_METHODS = frozenset({"Append", "AppendLine", "AppendFormat"})
_COM_FACTORIES = frozenset({"GetTypeFromProgID", "CreateObject"})
_FALLBACK_SQL = re.compile(r'@?"((?:[^"\\\n]|\\.|""){8,})"')
_FALLBACK_DLL = re.compile(r'\bDllImport(?:Attribute)?\s*\(\s*"([^"\n]+)"')
_FALLBACK_COM = re.compile(r'\b(?:GetTypeFromProgID|CreateObject)\s*\(\s*"([^"\n]+)"')
_FALLBACK_NEW = re.compile(r"\bnew\s+([A-Z][\w.]*)\s*[({]")


@dataclass(slots=True)
class _Scope:
    """A type declaration: its id, full name, namespace and the declared types of its fields and properties."""

    cid: str
    full: str
    namespace: str
    node: ts.Node
    detail: str
    members: dict[str, str] = field(default_factory=dict)


def _key(node: ts.Node) -> tuple[int, int, str]:
    return (node.start_byte, node.end_byte, node.type)


def _string_value(tree: ts.ParsedTree, node: ts.Node) -> str:
    """The text a C# string literal stands for (escapes read, interpolation holes as ``?``)."""
    raw = tree.text(node)
    if node.type == "interpolated_string_expression":
        parts = []
        for child in node.children:
            if child.type in ("string_content", "string_literal_content"):
                parts.append(tree.text(child))
            elif child.type == "interpolation":
                parts.append(" ? ")
        return "".join(parts)
    if node.type == "raw_string_literal":
        return raw.strip('"')
    if node.type == "verbatim_string_literal":
        return raw[2:-1].replace('""', '"') if raw.endswith('"') else raw[2:]
    body = raw[1:-1] if raw.endswith('"') and len(raw) >= 2 else raw[1:]
    if body.endswith('"u8'):
        body = body[:-3]
    return (body.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')
            .replace("\\\\", "\\"))


class _Extractor:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.text = text
        self.path = path
        self.spec = spec
        self.tree = ts.parse(spec.grammar or "csharp", text.encode("utf-8", "replace"))
        self.facts = dotnet.Facts(path, "csharp")
        self.scopes: dict[tuple[int, int, str], _Scope] = {}
        self.file_namespaces: list[tuple[int, str]] = []  # (start byte, name) of file-scoped namespaces
        self.import_lines: dict[str, int] = {}
        self.consts: dict[str, str] = {}
        self.seen_strings: set[tuple[int, int, str]] = set()
        self.toplevel: str = ""
        self._locals: dict[tuple[int, int, str], dict[str, str]] = {}
        self._sp: dict[tuple[int, int, str], bool] = {}

    # -- context ---------------------------------------------------------------------------------
    def namespace_of(self, node: ts.Node) -> str:
        parts: list[str] = []
        current = node.parent
        while current is not None:
            if current.type == "namespace_declaration":
                name_node = current.child_by_field_name("name")
                if name_node is not None:
                    parts.append(re.sub(r"\s+", "", self.tree.text(name_node)))
            current = current.parent
        parts.reverse()
        outer = ""
        for start, name in self.file_namespaces:
            if start <= node.start_byte:
                outer = name
        if outer:
            parts.insert(0, outer)
        return ".".join(parts)

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
            if current.type in _METHOD_NODES and current.type != "accessor_declaration":
                return current
            if current.type in _TYPE_NODES:
                return None
            current = current.parent
        return None

    def source_of(self, node: ts.Node) -> tuple[str, str, str] | None:
        """(component id, namespace, own full name) a reference at ``node`` belongs to."""
        scope = self.scope_of(node)
        if scope is not None:
            return scope.cid, scope.namespace, scope.full
        if self.toplevel:
            return self.toplevel, "", self.toplevel.split(":", 1)[1]
        return None

    # -- passes ----------------------------------------------------------------------------------
    def run(self) -> Extraction:
        root = self.tree.root
        for child in root.children:
            if child.type == "file_scoped_namespace_declaration":
                ns_node = child.child_by_field_name("name")
                if ns_node is not None:
                    self.file_namespaces.append((child.start_byte, re.sub(r"\s+", "", self.tree.text(ns_node))))
        caps = ts.captures(self.spec.grammar or "csharp", self.spec.query_text("facts"), root)
        for name, node in caps:
            if name.startswith("definition.") and node.type in _TYPE_NODES:
                self.define_type(node)
        if any(name == "definition.toplevel" for name, _ in caps):
            ns = self.file_namespaces[0][1] if self.file_namespaces else ""
            full = f"{ns}.Program" if ns else "Program"
            first = next(n for name, n in caps if name == "definition.toplevel")
            self.toplevel = self.facts.add_type(full, ns, "top-level statements", tsfacts.line_of(first),
                                                tsfacts.end_line_of(root))
        self.collect_members(caps)
        for name, node in caps:
            try:
                self.dispatch(name, node)
            except (ValueError, IndexError, AttributeError) as exc:  # a grammar surprise costs one fact
                self.facts.diagnostics.append(Diagnostic(self.path, WARNING, "CSHARP-INTERNAL",
                                                         f"{name} skipped: {exc!r}", tsfacts.line_of(node)))
        self.facts.flush_all()
        sources = [s.cid for s in self.scopes.values() if self.scope_of(s.node) is None]
        if self.toplevel:
            sources.append(self.toplevel)
        self.facts.import_namespaces(sources, self.import_lines)
        errors = list(ts.outermost_errors(root))
        fallback = self.fallback(errors)
        return self.finish(errors, fallback)

    def define_type(self, node: ts.Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None or name_node.is_missing or not name_node.text:
            return
        names = [self.tree.text(name_node)]
        current = node.parent
        while current is not None:
            if current.type in _TYPE_NODES:
                outer = current.child_by_field_name("name")
                if outer is not None:
                    names.append(self.tree.text(outer))
            current = current.parent
        names.reverse()
        namespace = self.namespace_of(node)
        full = ".".join([namespace, *names] if namespace else names)
        detail = _TYPE_NODES[node.type]
        if node.type == "record_declaration" and any(c.type == "struct" for c in node.children):
            detail = "record struct"
        modifiers = {self.tree.text(c) for c in node.children if c.type == "modifier"}
        if "partial" in modifiers:
            detail += " partial"
        if "static" in modifiers:
            detail += " static"
        cid = self.facts.add_type(full, namespace, detail, tsfacts.line_of(node), tsfacts.end_line_of(node))
        self.scopes[_key(node)] = _Scope(cid, full, namespace, node, detail.split(" ")[0])

    def collect_members(self, caps: list[tuple[str, ts.Node]]) -> None:
        """Declared types of fields and properties per type; string constants for ``DllImport(Const)``."""
        for name, node in caps:
            if name == "definition.property":
                scope = self.scope_of(node)
                type_node = node.child_by_field_name("type")
                prop = node.child_by_field_name("name")
                if scope is not None and type_node is not None and prop is not None:
                    scope.members[self.tree.text(prop)] = self.tree.text(type_node)
            elif name == "declaration.variable" and node.parent is not None and node.parent.type in (
                    "field_declaration", "event_field_declaration"):
                scope = self.scope_of(node)
                type_text = self.type_text(node)
                const = any(self.tree.text(c) == "const" for c in node.parent.children if c.type == "modifier")
                for decl in node.children:
                    if decl.type != "variable_declarator":
                        continue
                    var = decl.child_by_field_name("name")
                    if var is None:
                        continue
                    if scope is not None and type_text:
                        scope.members[self.tree.text(var)] = type_text
                    if const:
                        value = next((c for c in decl.children if c.type in ("string_literal",
                                                                              "verbatim_string_literal")), None)
                        if value is not None:
                            self.consts[self.tree.text(var)] = _string_value(self.tree, value)

    def type_text(self, declaration: ts.Node) -> str:
        type_node = declaration.child_by_field_name("type")
        if type_node is None:
            return ""
        if type_node.type == "implicit_type":
            for decl in declaration.children:
                if decl.type == "variable_declarator":
                    for c in decl.children:
                        if c.type == "object_creation_expression":
                            t = c.child_by_field_name("type")
                            return self.tree.text(t) if t is not None else ""
            return ""
        return self.tree.text(type_node)

    def locals_of(self, method: ts.Node | None) -> dict[str, str]:
        """Declared types of a method's parameters and locals (scopes inside the method are not told apart)."""
        out: dict[str, str] = {}
        if method is None:
            return out
        cached = self._locals.get(_key(method))
        if cached is not None:
            return cached
        self._locals[_key(method)] = out
        for node in tsfacts.walk(method, _STOP):
            if node.type == "parameter":
                t, n = node.child_by_field_name("type"), node.child_by_field_name("name")
                if t is not None and n is not None:
                    out[self.tree.text(n)] = self.tree.text(t)
            elif node.type == "variable_declaration":
                type_text = self.type_text(node)
                if type_text:
                    for decl in node.children:
                        var = decl.child_by_field_name("name") if decl.type == "variable_declarator" else None
                        if var is not None:
                            out[self.tree.text(var)] = type_text
            elif node.type == "foreach_statement":
                t, n = node.child_by_field_name("type"), node.child_by_field_name("left")
                if t is not None and n is not None and t.type != "implicit_type":
                    out[self.tree.text(n)] = self.tree.text(t)
        return out

    def dispatch(self, name: str, node: ts.Node) -> None:
        if name == "reference.using":
            self.using(node)
            return
        if name.startswith("definition.") and node.type in _METHOD_NODES:
            self.method(node)
            return
        ctx = self.source_of(node)
        if ctx is None:
            return
        source, namespace, own = ctx
        line = tsfacts.line_of(node)
        if name == "reference.base":
            scope = self.scope_of(node)
            detail = scope.detail if scope is not None else "class"
            first = True
            for child in node.named_children:
                if child.type in ("argument_list", "comment"):
                    continue
                if child.type == "primary_constructor_base_type":
                    child = child.named_children[0] if child.named_children else child
                written = dotnet.type_names(self.tree.text(child), _KEYWORDS)
                if written:
                    self.facts.base_type(source, written[0], first, detail, line, namespace, own)
                    for arg in written[1:]:
                        self.facts.use_type(source, "imports", arg, line, namespace, own, "csharp-type")
                first = False
        elif name in ("declaration.variable", "declaration.parameter", "reference.type"):
            type_node = node.child_by_field_name("type") if name != "reference.type" else node
            if type_node is not None and type_node.type != "implicit_type":
                for used in dotnet.type_names(self.tree.text(type_node), _KEYWORDS):
                    self.facts.use_type(source, "imports", used, line, namespace, own, "csharp-type")
        elif name == "reference.new":
            self.creation(node, source, namespace, own)
        elif name == "reference.call":
            self.call(node, source, namespace, own)
        elif name == "reference.assign":
            self.assignment(node, source)
        elif name == "reference.attribute":
            self.attribute(node, source)
        elif name == "string":
            self.string(node, source)

    def using(self, node: ts.Node) -> None:
        named = [c for c in node.named_children if c.type in ("identifier", "qualified_name", "alias_qualified_name",
                                                               "generic_name")]
        alias = node.child_by_field_name("name")
        static = any(c.type == "static" for c in node.children)
        target = [c for c in named if alias is None or c.start_byte != alias.start_byte]
        if not target:
            return
        ns = re.sub(r"\s+", "", self.tree.text(target[-1])).replace("global::", "")
        if alias is not None:
            self.facts.aliases[self.tree.text(alias)] = ns
            self.import_lines.setdefault(ns, tsfacts.line_of(node))
            self.facts.alias_targets.append(ns)
            return
        if static:
            ns = ns.rsplit(".", 1)[0] if "." in ns else ns
        if ns not in self.facts.imports:
            self.facts.imports.append(ns)
        self.import_lines.setdefault(ns, tsfacts.line_of(node))

    def method(self, node: ts.Node) -> None:
        scope = self.scope_of(node)
        name_node = node.child_by_field_name("name")
        if scope is None or name_node is None or node.type == "local_function_statement":
            return
        detail = {"constructor_declaration": "constructor", "property_declaration": "property"}.get(node.type, "")
        if node.type == "method_declaration":
            modifiers = {self.tree.text(c) for c in node.children if c.type == "modifier"}
            if "extern" in modifiers:
                detail = "extern"
        self.facts.add_method(scope.cid, self.tree.text(name_node), tsfacts.line_of(node), tsfacts.end_line_of(node),
                              detail)
        if node.type == "method_declaration":
            returns = node.child_by_field_name("returns")
            if returns is not None:
                for written in dotnet.type_names(self.tree.text(returns), _KEYWORDS):
                    self.facts.use_type(scope.cid, "imports", written, tsfacts.line_of(node), scope.namespace,
                                        scope.full, "csharp-type")
        elif node.type == "property_declaration":
            type_node = node.child_by_field_name("type")
            if type_node is not None:
                for written in dotnet.type_names(self.tree.text(type_node), _KEYWORDS):
                    self.facts.use_type(scope.cid, "imports", written, tsfacts.line_of(node), scope.namespace,
                                        scope.full, "csharp-type")

    def creation(self, node: ts.Node, source: str, namespace: str, own: str) -> None:
        type_node = node.child_by_field_name("type")
        if type_node is None:
            return
        written = dotnet.type_names(self.tree.text(type_node), _KEYWORDS)
        if not written:
            return
        line = tsfacts.line_of(node)
        self.facts.use_type(source, "calls", written[0], line, namespace, own, "csharp-new", detail=f"new {written[0]}")
        for arg in written[1:]:
            self.facts.use_type(source, "imports", arg, line, namespace, own, "csharp-type")

    def receiver_type(self, receiver: ts.Node, node: ts.Node) -> tuple[str, str]:
        """(type name, how) of a call's receiver: a declared local/parameter/field, else a type name."""
        text = re.sub(r"\s+", "", self.tree.text(receiver))
        if receiver.type == "member_access_expression" and text.startswith("this."):
            text = text[5:]
        if not re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", text):
            return "", ""
        head = text.split(".", 1)[0]
        method = self.method_of(node)
        local = self.locals_of(method).get(head) if method is not None else None
        scope = self.scope_of(node)
        member = scope.members.get(head) if scope is not None else None
        declared = local or member
        if declared:
            if "." in text:
                return "", ""  # a member of a variable: its type is not known here
            names = dotnet.type_names(declared, _KEYWORDS)
            return (names[0], "csharp-receiver") if names else ("", "")
        if head[:1].isupper():
            return text, "csharp-static"
        return "", ""

    def call(self, node: ts.Node, source: str, namespace: str, own: str) -> None:
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is None:
            return
        line = tsfacts.line_of(node)
        member = ""
        receiver: ts.Node | None = None
        if function.type == "member_access_expression":
            name_node = function.child_by_field_name("name")
            receiver = function.child_by_field_name("expression")
            member = self.tree.text(name_node) if name_node is not None else ""
            if name_node is not None and name_node.type == "generic_name":
                member = member.split("<", 1)[0]
        elif function.type in ("identifier", "generic_name"):
            member = self.tree.text(function).split("<", 1)[0]
        literals = self.literal_args(args)
        com_call = receiver is None or re.sub(r"\s+", "", self.tree.text(receiver)) in (
            "Interaction", "Microsoft.VisualBasic.Interaction", "Type", "System.Type")
        if com_call and member in _COM_FACTORIES and literals:
            self.facts.com(source, literals[0][0], line, "csharp-progid")
        if member == "GetTypeFromCLSID" and args is not None:
            guid = re.search(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}",
                             self.tree.text(args))
            if guid:
                self.com_guid(source, guid.group(0), line, "csharp-clsid")
        if receiver is not None and receiver.type in ("identifier", "member_access_expression", "generic_name"):
            type_name, how = self.receiver_type(receiver, node)
            if type_name and type_name not in ("Type", "Activator", "Marshal", "Interaction"):
                self.facts.use_type(source, "calls", type_name, line, namespace, own, how,
                                    detail=f"{type_name.rsplit('.', 1)[-1]}.{member}")
        if member in _BUILDER_METHODS and receiver is not None and receiver.type == "identifier" and literals:
            self.accumulate(node, self.tree.text(receiver), literals[0][0], line)
            for _text, lit in literals[:1]:
                self.seen_strings.add(_key(lit))
            return
        if member in _COMMAND_METHODS and literals:
            sp = args is not None and "StoredProcedure" in self.tree.text(args)
            sp = sp or self.mentions_sp(node)
            for text, lit in literals:
                if dotnet.looks_like_sql(text) or (sp and dotnet.procedure_name(text)):
                    self.facts.sql(source, text, tsfacts.line_of(lit), "csharp-command", stored_procedure=sp)
                    self.seen_strings.add(_key(lit))

    def literal_args(self, args: ts.Node | None) -> list[tuple[str, ts.Node]]:
        """String literal (or constant) arguments of an argument list, with their nodes."""
        out: list[tuple[str, ts.Node]] = []
        if args is None:
            return out
        for arg in args.named_children:
            if arg.type != "argument" or not arg.named_children:
                continue
            value = arg.named_children[-1]
            if value.type in ("string_literal", "verbatim_string_literal", "raw_string_literal",
                              "interpolated_string_expression"):
                out.append((_string_value(self.tree, value), value))
            elif value.type == "identifier" and self.tree.text(value) in self.consts:
                out.append((self.consts[self.tree.text(value)], value))
            elif value.type == "binary_expression":
                text, parts = self.concatenation(value)
                if parts:
                    out.append((text, value))
                    for p in parts:
                        self.seen_strings.add(_key(p))
        return out

    def concatenation(self, node: ts.Node) -> tuple[str, list[ts.Node]]:
        """The text of a ``+`` chain of literals and expressions (expressions read as ``?``), and its literals."""
        pieces: list[str] = []
        literals: list[ts.Node] = []
        stack = [node]
        while stack:
            current = stack.pop()
            operator = current.child_by_field_name("operator") if current.type == "binary_expression" else None
            if current.type == "binary_expression" and operator is not None and self.tree.text(operator) == "+":
                right, left = current.child_by_field_name("right"), current.child_by_field_name("left")
                stack.extend(x for x in (right, left) if x is not None)
            elif current.type in ("string_literal", "verbatim_string_literal", "raw_string_literal",
                                  "interpolated_string_expression"):
                pieces.append(_string_value(self.tree, current))
                literals.append(current)
            elif current.type == "parenthesized_expression" and current.named_children:
                stack.append(current.named_children[0])
            else:
                pieces.append(" ? ")
        return "".join(pieces), literals

    def mentions_sp(self, node: ts.Node) -> bool:
        body = self.method_of(node)
        if body is None:
            return False
        found = self._sp.get(_key(body))
        if found is None:
            found = self._sp[_key(body)] = "StoredProcedure" in self.tree.text(body)
        return found

    def assignment(self, node: ts.Node, source: str) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None:
            return
        op = self.tree.text(operator) if operator is not None else "="
        target = self.tree.text(left)
        text, literals = self.concatenation(right)
        if not literals:
            return
        line = tsfacts.line_of(node)
        if left.type == "identifier" and op in ("=", "+="):
            self.accumulate(node, target, text, line, restart=op == "=")
        elif target.endswith(("CommandText", "SelectCommand", "UpdateCommand", "InsertCommand", "DeleteCommand")):
            self.facts.sql(source, text, line, "csharp-command", stored_procedure=self.mentions_sp(node))
        else:
            return
        for lit in literals:
            self.seen_strings.add(_key(lit))

    def method_key(self, node: ts.Node, var: str) -> tuple[str, str]:
        method = self.method_of(node)
        where = f"{method.start_byte}" if method is not None else "type"
        return (where, var)

    def accumulate(self, node: ts.Node, var: str, text: str, line: int, restart: bool = False) -> None:
        ctx = self.source_of(node)
        if ctx is not None:
            self.facts.accumulate(self.method_key(node, var), ctx[0], text, line, restart)

    def attribute(self, node: ts.Node, source: str) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = self.tree.text(name_node).rsplit(".", 1)[-1].removesuffix("Attribute")
        line = tsfacts.line_of(node)
        args = [c for c in node.named_children if c.type == "attribute_argument_list"]
        first = ""
        entry = ""
        if args:
            for arg in args[0].named_children:
                value = arg.named_children[-1] if arg.named_children else None
                if value is None:
                    continue
                literal = ""
                if value.type in ("string_literal", "verbatim_string_literal"):
                    literal = _string_value(self.tree, value)
                    self.seen_strings.add(_key(value))
                elif value.type == "identifier":
                    literal = self.consts.get(self.tree.text(value), "")
                arg_name = arg.child_by_field_name("name")
                if arg_name is None and not first:
                    first = literal
                elif arg_name is not None and self.tree.text(arg_name) == "EntryPoint":
                    entry = literal
        if name in ("DllImport", "LibraryImport") and first:
            method = node.parent.parent if node.parent is not None else None
            method_name = ""
            if method is not None and method.type in ("method_declaration", "local_function_statement"):
                mn = method.child_by_field_name("name")
                method_name = self.tree.text(mn) if mn is not None else ""
            self.facts.native(source, first, line, "csharp-dllimport", entry or method_name)
        elif name == "Guid" and first:
            holder = node.parent.parent if node.parent is not None else None
            if holder is not None and holder.type in _TYPE_NODES and "ComImport" in self.tree.text(holder)[:400]:
                self.com_guid(source, first, line, "csharp-comimport")
        elif name == "ProgId" and first:
            self.facts.com(source, first, line, "csharp-progid-attribute")

    def com_guid(self, source: str, guid: str, line: int, via: str) -> None:
        guid = guid.strip("{} ").upper()
        if re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", guid):
            self.facts.add(Reference(source, "uses-com", "com", f"{{{guid}}}", line, via,
                                            external=f"com:{{{guid}}}"))

    def string(self, node: ts.Node, source: str) -> None:
        if _key(node) in self.seen_strings:
            return
        top = node
        while top.parent is not None and top.parent.type in ("binary_expression", "parenthesized_expression"):
            top = top.parent
        if top is not node:
            text, literals = self.concatenation(top)
            for lit in literals:
                self.seen_strings.add(_key(lit))
        else:
            text = _string_value(self.tree, node)
        self.seen_strings.add(_key(node))
        parent = top.parent
        if parent is not None and parent.type == "variable_declarator":
            var = parent.child_by_field_name("name")
            if var is not None:  # string sql = "SELECT ..."; later sql += "...": read as one text
                self.accumulate(node, self.tree.text(var), text, tsfacts.line_of(node), restart=True)
                return
        # A command built here: new SqlCommand("...") / new SqlDataAdapter("...", conn).
        if parent is not None and parent.type == "argument" and parent.parent is not None:
            holder = parent.parent.parent
            if holder is not None and holder.type == "object_creation_expression":
                type_node = holder.child_by_field_name("type")
                type_name = self.tree.text(type_node).rsplit(".", 1)[-1] if type_node is not None else ""
                if _COMMAND_TYPES.search(type_name) and _key(parent) == _key(parent.parent.named_children[0]):
                    sp = self.mentions_sp(node)
                    if dotnet.looks_like_sql(text) or (sp and dotnet.procedure_name(text)):
                        self.facts.sql(source, text, tsfacts.line_of(node), "csharp-command", stored_procedure=sp)
                    return
        if dotnet.looks_like_sql(text):
            self.facts.sql(source, text, tsfacts.line_of(node), "csharp-sql")

    # -- fallback and results --------------------------------------------------------------------
    def fallback(self, errors: list[ts.Node]) -> int:
        """Statement-level scan of the lines in ERROR regions: SQL literals, DllImport, ProgIDs, ``new T(``."""
        lines = self.text.splitlines()
        count = 0
        for start, end in tsfacts.error_line_ranges(errors):
            for number in range(start, min(end, len(lines)) + 1):
                line = lines[number - 1]
                if not line.strip():
                    continue
                count += 1
                source = self.source_for_line(number)
                if source is None:
                    continue
                cid, namespace, own = source
                for m in _FALLBACK_DLL.finditer(line):
                    self.facts.native(cid, m.group(1), number, "csharp-fallback")
                for m in _FALLBACK_COM.finditer(line):
                    self.facts.com(cid, m.group(1), number, "csharp-fallback")
                for m in _FALLBACK_NEW.finditer(line):
                    self.facts.use_type(cid, "calls", m.group(1), number, namespace, own, "csharp-fallback",
                                        detail=f"new {m.group(1)}")
                for m in _FALLBACK_SQL.finditer(line):
                    if dotnet.looks_like_sql(m.group(1)):
                        self.facts.sql(cid, m.group(1), number, "csharp-fallback")
        return count

    def source_for_line(self, number: int) -> tuple[str, str, str] | None:
        best: _Scope | None = None
        for scope in self.scopes.values():
            if tsfacts.line_of(scope.node) <= number <= tsfacts.end_line_of(scope.node) and (
                    best is None or scope.node.start_byte >= best.node.start_byte):
                best = scope
        if best is not None:
            return best.cid, best.namespace, best.full
        if self.toplevel:
            return self.toplevel, "", self.toplevel.split(":", 1)[1]
        first = next(iter(self.scopes.values()), None)
        return (first.cid, first.namespace, first.full) if first is not None else None

    def finish(self, errors: list[ts.Node], fallback_lines: int) -> Extraction:
        text_lines = self.text.splitlines()
        comments = tsfacts.comment_lines(self.tree, frozenset({"comment"}))
        decisions = tsfacts.Decisions.from_spec(self.spec.decision_nodes)
        nesting = frozenset(self.spec.nesting_nodes)
        spans = [(s.cid, tsfacts.line_of(s.node), tsfacts.end_line_of(s.node)) for s in self.scopes.values()]
        measures = {s.cid: tsfacts.complexity_and_nesting(s.node, self.tree, decisions, nesting, _STOP)
                    for s in self.scopes.values()}
        if self.toplevel:
            spans.insert(0, (self.toplevel, 1, max(1, len(text_lines))))
            measures[self.toplevel] = tsfacts.complexity_and_nesting(self.tree.root, self.tree, decisions, nesting,
                                                                     _STOP)
        metrics = dotnet.type_metrics(spans, text_lines, comments, measures)
        diagnostics = list(self.facts.diagnostics)
        parse: ParseQuality = tsfacts.quality(self.spec, self.tree, errors, fallback_lines)
        found = tsfacts.error_diagnostic(self.path, "CSHARP-PARSE", parse, errors)
        if found is not None:
            diagnostics.append(found)
        if not self.scopes and not self.toplevel and self.text.strip():
            diagnostics.append(Diagnostic(self.path, INFO, "CSHARP-NO-TYPES",
                                          "no type declared (assembly attributes or an empty file): no component"))
        return Extraction(definitions=tuple(self.facts.definitions), references=tuple(self.facts.references),
                          metrics=tuple(metrics), diagnostics=tuple(diagnostics),
                          lines=tsfacts.count_lines(text_lines, comments), parse=parse)


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Facts of one C# source file or ``.csproj`` project. Never raises on bad input."""
    if path.lower().endswith(".csproj"):
        return dotnet.extract_project(text, path, "csharp")
    return _Extractor(text, path, spec).run()
