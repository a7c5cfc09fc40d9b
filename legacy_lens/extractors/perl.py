"""Perl scripts and modules: packages, subs, use/require, the programs they run and the SQL they send.

A purpose-built tokenizer, not the pack's tree-sitter ``perl`` grammar: that grammar turned whole
files into one ERROR node on real code (figures in ``grammars/perl/README.md``), and every fact
needed here is lexical. The tokenizer knows strings, ``q``/``qq``/``qw``/``qx``/``m``/``s``/``tr``/
``y`` quote-likes with any delimiters, here-documents, regex-versus-division by the previous token,
comments, POD and ``__END__``/``__DATA__``. A statement-level pass over the tokens then reads:

* ``package X::Y`` -> component ``perl:X::Y`` (kind ``module``); a file that is not a ``.pm`` (or a
  ``.pm`` without a package) is also ``script:<path>``; ``sub`` -> ``routine``;
* ``use``/``require``/``no`` -> ``imports module``; ``use base``/``parent`` and ``@ISA`` -> ``extends``;
  ``require "x.pl"``/``do "x.pl"`` -> ``imports script``;
* ``system``, ``exec``, backquotes, ``qx``, piped ``open`` -> what the command runs (shared with the
  shell extractor);
* string literals (joined with ``.`` and accumulated with ``.=``) that read as SQL -> table CRUD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from legacy_lens.extractors import scriptcommon as sc
from legacy_lens.languages import LanguageSpec
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

# Top-level namespaces of core Perl and common CPAN distributions: a module under one of these that
# the scan does not define is an external library (``library:<Top>``), not a missing site module.
_EXTERNAL_TOPS = frozenset({
    "Algorithm", "Apache", "App", "Archive", "Attribute", "Authen", "AutoLoader", "B", "Benchmark",
    "Business", "Cache", "Carp", "CGI", "Class", "Clone", "Compress", "Config", "Convert", "CPAN", "Crypt",
    "Cwd", "Data", "Date", "DateTime", "DBD", "DBI", "DBIx", "Devel", "Digest", "DirHandle", "Dumpvalue",
    "DynaLoader", "Email", "Encode", "English", "Env", "Errno", "Exporter", "Expect", "ExtUtils", "Fcntl",
    "File", "FileCache", "FileHandle", "Filter", "FindBin", "GD", "Getopt", "Hash", "HTML", "HTTP",
    "I18N", "IO", "IPC", "Image", "JSON", "List", "Locale", "Log", "LWP", "Mail", "Math", "Memoize",
    "MIME", "Module", "Moose", "Moo", "Mouse", "Net", "NEXT", "Opcode", "Params", "Parse", "PerlIO", "Pod",
    "POSIX", "Proc", "Readonly", "Safe", "Scalar", "Search", "SelectSaver", "Set", "SOAP", "Socket",
    "Spreadsheet", "SQL", "Statistics", "Storable", "Sub", "Symbol", "Sys", "Template", "Term", "Test",
    "Text", "Thread", "Tie", "Time", "Tk", "Try", "Unicode", "UNIVERSAL", "URI", "User", "Win32", "XML",
    "YAML", "Oracle", "Sybase", "Excel", "OLE", "Mojo", "Mojolicious", "Plack", "Dancer", "Catalyst",
    "Types", "Type", "Path", "Const", "Monitoring", "Nagios", "SNMP", "Socket6",
})
_LOW_PRECEDENCE = frozenset({"or", "and", "if", "unless"})  # end an unparenthesised argument list
_CONTROL = frozenset({"if", "elsif", "else", "unless", "while", "until", "for", "foreach", "do"})
_DECISION_WORDS = frozenset({"if", "elsif", "unless", "while", "until", "for", "foreach", "and", "or"})
_DECISION_OPS = frozenset({"&&", "||", "//", "?"})
_QUOTE_OPS = frozenset({"q", "qq", "qw", "qx", "m", "qr", "s", "tr", "y"})
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_IDENT = re.compile(r"[A-Za-z_]\w*(?:::\w+)*(?:::)?")
_NUM = re.compile(r"0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?|\.\d[\d_]*")
_HEREDOC = re.compile(r"<<(~?)(?:[ \t]*\"([^\"\n]*)\"|[ \t]*'([^'\n]*)'|([A-Za-z_]\w*))")
_QUOTED_HEREDOC = re.compile(r"<<~?[ \t]*[\"']")
_OPS3 = ("<=>", "**=", "||=", "&&=", "//=", "...", "<<=", ">>=")
_OPS2 = ("=>", "->", "++", "--", "**", "=~", "!~", "==", "!=", "<=", ">=", "&&", "||", "//", "..", "::",
         "+=", "-=", "*=", "/=", ".=", "%=", "x=", "|=", "&=", "^=", "<<", ">>")
_MAX_DELIMITED = 5_000_000


@dataclass(slots=True)
class _Tok:
    kind: str  # word | var | str | num | op
    value: str
    line: int
    quote: str = ""  # for str: ' " ` q qq qw qx heredoc regex
    end_line: int = 0


@dataclass
class _Lexed:
    tokens: list[_Tok]
    comment_lines: set[int]
    code_lines: set[int]
    unterminated: list[tuple[int, int, str]]  # (first line, last line, what)
    end_marker: int | None


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.line = 1
        self.tokens: list[_Tok] = []
        self.comment_lines: set[int] = set()
        self.code_lines: set[int] = set()
        self.unterminated: list[tuple[int, int, str]] = []
        self.pending_heredocs: list[tuple[_Tok, str, bool]] = []  # token, terminator, indented
        self.end_marker: int | None = None

    def expect_term(self) -> bool:
        if not self.tokens:
            return True
        t = self.tokens[-1]
        if t.kind in ("var", "num", "str"):
            return False
        if t.kind == "word":
            # After a named operator or sub (``split /,/``, ``my %h``, ``print <FH>``) a term follows;
            # a bareword value followed by a division is rare.
            return True
        return t.value not in (")", "]", "}")

    def add(self, kind: str, value: str, line: int, quote: str = "") -> _Tok:
        tok = _Tok(kind, value, line, quote, self.line)
        self.tokens.append(tok)
        self.code_lines.update(range(line, self.line + 1))
        return tok

    def newline(self) -> None:
        """At a newline: read the bodies of pending here-documents."""
        self.i += 1
        self.line += 1
        while self.pending_heredocs:
            tok, term, indented = self.pending_heredocs.pop(0)
            start_line = self.line
            body: list[str] = []
            found = False
            while self.i < self.n:
                j = self.text.find("\n", self.i)
                j = self.n if j < 0 else j
                raw = self.text[self.i : j]
                self.i = j + 1 if j < self.n else self.n
                self.line += 1
                if (raw.strip() if indented else raw.rstrip("\r")) == term:
                    found = True
                    break
                body.append(raw)
            tok.value = "\n".join(body)
            tok.line = start_line  # the text starts on the line after the "<<" operator
            tok.end_line = self.line - 1
            self.code_lines.update(range(start_line, self.line))
            if not found:
                self.unterminated.append((start_line, self.line - 1, f"here-document {term!r}"))

    def delimited(self, open_ch: str) -> tuple[str, bool]:
        """Text up to the delimiter closing ``open_ch`` (self.i just after it); nested brackets count."""
        close = _PAIRS.get(open_ch, open_ch)
        depth = 1
        start = self.i
        text = self.text
        while self.i < self.n and self.i - start < _MAX_DELIMITED:
            ch = text[self.i]
            if ch == "\\" and self.i + 1 < self.n:
                if text[self.i + 1] == "\n":
                    self.line += 1
                self.i += 2
                continue
            if ch == "\n":
                self.line += 1
            elif ch == close and open_ch != close:
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return text[start : self.i - 1], True
            elif ch == open_ch and open_ch != close:
                depth += 1
            elif ch == close:
                self.i += 1
                return text[start : self.i - 1], True
            self.i += 1
        return text[start : self.i], False

    def quote_like(self, op: str, line: int) -> bool:
        """Read ``q(...)``, ``s{..}{..}``, ``tr/../../`` ...; False when ``op`` is not one here."""
        j = self.i
        while j < self.n and self.text[j] in " \t":
            j += 1
        if j >= self.n:
            return False
        d = self.text[j]
        if d.isalnum() or d in "_=;)]}>" or d.isspace() or (d == "#" and j > self.i):
            return False
        if self.text.startswith("=>", j):
            return False
        self.i = j + 1
        first, ok = self.delimited(d)
        second = ""
        if ok and op in ("s", "tr", "y"):
            if d in _PAIRS:
                while self.i < self.n and self.text[self.i] in " \t\n":
                    if self.text[self.i] == "\n":
                        self.line += 1
                    self.i += 1
                if self.i < self.n:
                    d2 = self.text[self.i]
                    self.i += 1
                    second, ok = self.delimited(d2)
            else:
                second, ok = self.delimited(d)
        if op in ("m", "qr", "s", "tr", "y"):
            while self.i < self.n and self.text[self.i].isalpha():
                self.i += 1
        if not ok:
            self.unterminated.append((line, self.line, f"{op}{d}...{_PAIRS.get(d, d)}"))
        kind = {"q": "q", "qq": "qq", "qw": "qw", "qx": "qx"}.get(op, "regex")
        self.add("str", first if op != "s" else first + "\x00" + second, line, kind)
        return True

    def run(self) -> _Lexed:
        text = self.text
        at_line_start = True
        while self.i < self.n:
            ch = text[self.i]
            if at_line_start:
                at_line_start = False
                if ch == "=" and self.i + 1 < self.n and text[self.i + 1].isalpha():
                    self.pod()
                    at_line_start = True
                    continue
                if text.startswith(("__END__", "__DATA__"), self.i):
                    rest = text[self.i :].split("\n", 1)[0].strip()
                    if rest in ("__END__", "__DATA__"):
                        self.end_marker = self.line
                        self.comment_lines.update(range(self.line, text.count("\n", self.i) + self.line + 1))
                        break
            if ch == "\n":
                self.newline()
                at_line_start = True
                continue
            if ch in " \t\r\f":
                self.i += 1
                continue
            if ch == "#":
                self.comment_lines.add(self.line)
                j = text.find("\n", self.i)
                self.i = self.n if j < 0 else j
                continue
            line = self.line
            if ch in "'\"`":
                self.i += 1
                value, ok = self.delimited(ch)
                if not ok:
                    self.unterminated.append((line, self.line, f"string {ch}...{ch}"))
                self.add("str", value, line, ch)
                continue
            if (ch == "<" and self.expect_term()) or (ch == "<" and text.startswith("<<", self.i)
                                                     and _HEREDOC.match(text, self.i) and self.heredoc_ok()):
                m = _HEREDOC.match(text, self.i)
                if m and text.startswith("<<", self.i):
                    term = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None \
                        else m.group(4)
                    quote = "heredoc'" if m.group(3) is not None else "heredoc"
                    tok = self.add("str", "", line, quote)
                    self.pending_heredocs.append((tok, term, bool(m.group(1))))
                    self.i = m.end()
                    continue
                m2 = re.compile(r"<\$?[\w:]*>").match(text, self.i)
                if m2:
                    self.add("op", m2.group(0), line)
                    self.i = m2.end()
                    continue
            if ch == "/" and self.expect_term():
                self.i += 1
                value, ok = self.delimited("/")
                while self.i < self.n and text[self.i].isalpha():
                    self.i += 1
                if not ok:
                    self.unterminated.append((line, self.line, "regex /.../"))
                self.add("str", value, line, "regex")
                continue
            if ch in "$@%&" and (ch == "$" or self.expect_term()):
                j = self.i + 1
                if ch == "$" and j < self.n and text[j] == "#":
                    j += 1
                m = _IDENT.match(text, j)
                if m:
                    self.add("var", ch + m.group(0), line)
                    self.i = m.end()
                    continue
                if ch in "$@" and j < self.n and text[j] in "{$":
                    self.add("var", ch, line)
                    self.i = j
                    continue
                if ch == "$" and j < self.n and not text[j].isspace():
                    self.add("var", text[self.i : j + 1], line)
                    self.i = j + 1
                    continue
            if ch.isalpha() or ch == "_":
                m = _IDENT.match(text, self.i)
                word = m.group(0) if m else ch
                self.i += len(word)
                prev = self.tokens[-1] if self.tokens else None
                hash_key = prev is not None and prev.value == "{" and text[self.i : self.i + 1] == "}"
                method = prev is not None and prev.value == "->"
                # "-s $file", "-y": file tests and negated barewords, not s/// or y///
                start = self.i - len(word)
                method = method or (start > 0 and text[start - 1] == "-")
                if word in _QUOTE_OPS and not hash_key and not method and self.quote_like(word, line):
                    continue
                self.add("word", word, line)
                continue
            if ch.isdigit() or (ch == "." and text[self.i + 1 : self.i + 2].isdigit()):
                m = _NUM.match(text, self.i)
                num = m.group(0) if m else ch
                self.i += len(num)
                self.add("num", num, line)
                continue
            op = next((o for o in _OPS3 if text.startswith(o, self.i)), None) or \
                next((o for o in _OPS2 if text.startswith(o, self.i)), None) or ch
            self.i += len(op)
            self.add("op", op, line)
        for tok, term, _ in self.pending_heredocs:
            self.unterminated.append((tok.line, self.line, f"here-document {term!r}"))
        return _Lexed(self.tokens, self.comment_lines, self.code_lines, self.unterminated, self.end_marker)

    def heredoc_ok(self) -> bool:
        """``<<"EOF"`` after an operand is still a here-document when a quote follows (``print $fh <<"X"``)."""
        return bool(_QUOTED_HEREDOC.match(self.text, self.i)) or self.text.startswith("<<~", self.i) or (
            bool(self.tokens) and self.tokens[-1].kind == "var")

    def pod(self) -> None:
        """Skip a POD block: from a ``=word`` line to the line after ``=cut`` (or the end)."""
        while self.i < self.n:
            j = self.text.find("\n", self.i)
            raw = self.text[self.i : (self.n if j < 0 else j)]
            self.comment_lines.add(self.line)
            self.i = self.n if j < 0 else j + 1
            self.line += 1 if j >= 0 else 0
            if raw.startswith("=cut"):
                return


# -- the statement pass --------------------------------------------------------------------------------
@dataclass
class _Scope:
    owner: str
    package: str
    first: int
    last: int = 0


@dataclass
class _Unit:
    kind: str
    name: str
    cid: str
    decisions: int = 0
    max_nesting: int = 0


@dataclass
class _Perl:
    path: str
    tokens: list[_Tok]
    is_module_file: bool
    definitions: list[Definition] = field(default_factory=list)
    references: dict[Reference, None] = field(default_factory=dict)
    diagnostics: dict[Diagnostic, None] = field(default_factory=dict)
    units: dict[str, _Unit] = field(default_factory=dict)
    line_owner: list[tuple[int, str]] = field(default_factory=list)  # (first line, owner) in order
    first_package: str | None = None

    def owner_at(self, line: int) -> str:
        owner = self.line_owner[0][1] if self.line_owner else ""
        for first, o in self.line_owner:
            if first > line:
                break
            owner = o
        return owner

    def ref(self, owner: str, kind: str, target_kind: str, target: str, line: int, via: str,
            detail: str = "", external: str = "", optional: bool = False, dynamic: bool = False) -> None:
        self.references[Reference(owner, kind, target_kind, target, line, via, dynamic=dynamic, detail=detail,
                                  external=external, optional=optional)] = None

    def run_ref(self, owner: str, run: sc.Run, line: int) -> None:
        self.ref(owner, run.kind, run.target_kind, run.target, line, run.via, run.detail,
                 external=run.external, optional=run.optional, dynamic=run.dynamic)

    def walk(self) -> None:
        toks = self.tokens
        script_id = f"script:{self.path}"
        has_package = any(t.kind == "word" and t.value == "package" and i + 1 < len(toks)
                          and toks[i + 1].kind == "word" and toks[i + 1].value != "main"
                          for i, t in enumerate(toks) if i == 0 or toks[i - 1].value in (";", "{", "}"))
        script = not (self.is_module_file and has_package)
        if script:
            self.units[script_id] = _Unit("script", PurePosixPath(self.path).name, script_id)
            self.line_owner.append((1, script_id))
        current = script_id if script else ""
        package = "main"
        braces: list[tuple[bool, str, int, str]] = []  # (control?, kind: ""|sub|package, start line, name)
        pending_control = False
        control_depth = 0  # braces on the stack opened by a control keyword
        pending_block: tuple[str, int, str] | None = None  # (kind, line, name) of the next "{"
        statement_start = True
        buffers: dict[str, tuple[str, int, str]] = {}  # var -> (SQL text, line, owner)
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            owner = current or self._first_package_owner()
            unit = self.units.get(owner)
            if t.kind == "op" and t.value == "{":
                kind, line, name = pending_block if pending_block else ("", t.line, "")
                braces.append((pending_control, kind, line, name))
                control_depth += pending_control
                if unit is not None:
                    unit.max_nesting = max(unit.max_nesting, control_depth)
                pending_control = False
                pending_block = None
                statement_start = True
                i += 1
                continue
            if t.kind == "op" and t.value == "}":
                if braces:
                    was_control, kind, line, name = braces.pop()
                    control_depth -= was_control
                    if kind == "sub":
                        self._close_sub(name, line, t.line)
                    elif kind == "package":
                        self._close_package(name, t.line)
                        current, package = self._outer_owner(script_id, script)
                statement_start = True
                i += 1
                continue
            if t.kind == "op" and t.value == ";":
                statement_start = True
                pending_control = False
                i += 1
                continue
            if t.kind == "word":
                v = t.value
                if v in _DECISION_WORDS and unit is not None:
                    unit.decisions += 1
                if v in _CONTROL:
                    pending_control = True
                if statement_start and v == "package" and i + 1 < n and toks[i + 1].kind == "word":
                    name = toks[i + 1].value
                    block = i + 2 < n and toks[i + 2].value == "{"
                    if name == "main":
                        current, package = (script_id if script else current), "main"
                        if script:
                            self.line_owner.append((t.line, script_id))
                    else:
                        cid = f"perl:{name}"
                        if cid not in self.units:
                            self.units[cid] = _Unit("module", name, cid)
                            self.definitions.append(Definition("module", name, t.line, id=cid))
                        self.line_owner.append((t.line, cid))
                        current, package = cid, name
                        if block:
                            pending_block = ("package", t.line, name)
                    i += 2
                    statement_start = False
                    continue
                if v == "sub" and i + 1 < n and toks[i + 1].kind == "word":
                    name = toks[i + 1].value
                    qualified = name if "::" in name or package == "main" else f"{package}::{name}"
                    self.definitions.append(Definition("routine", qualified, t.line, parent=owner))
                    pending_block = ("sub", t.line, qualified)
                    i += 2
                    statement_start = False
                    continue
                if statement_start and v in ("use", "no", "require") and i + 1 < n:
                    i = self._use(v, i, owner)
                    statement_start = False
                    continue
                if v == "do" and i + 1 < n and toks[i + 1].kind == "str" and toks[i + 1].quote in ("'", '"'):
                    self._file_import(toks[i + 1], owner, "perl-do")
                if v in ("system", "exec") and not (i and toks[i - 1].value in ("->", "::")):
                    self._system(i, owner)
                if v == "open" and not (i and toks[i - 1].value == "->"):
                    self._open(i, owner)
                statement_start = False
                i += 1
                continue
            if t.kind == "var" and t.value in ("@ISA", "@{ISA}") and i + 2 < n and toks[i + 1].value == "=":
                for name in self._string_list(i + 2):
                    self.ref(owner, "extends", "module", name, t.line, "perl-isa", external=_external(name))
            if t.kind == "op" and t.value in _DECISION_OPS and unit is not None:
                unit.decisions += 1
            if t.kind == "str":
                i = self._strings(i, owner, buffers)
                statement_start = False
                continue
            statement_start = False
            i += 1
        for text, line, owner in buffers.values():
            self._sql(text, line, owner)
        last = toks[-1].end_line if toks else 1
        for _, kind, line, name in braces:
            if kind == "sub":
                self._close_sub(name, line, last)
                self.diagnostics[Diagnostic(self.path, WARNING, "PERL-BRACES",
                                            f"sub {name} has no closing brace", line)] = None
            elif kind == "package":
                self._close_package(name, last)

    def _first_package_owner(self) -> str:
        """The owner of code before the first package of a module file: that package."""
        if self.first_package is not None:
            return self.first_package
        self.first_package = ""
        for t_i, t in enumerate(self.tokens):
            if t.kind == "word" and t.value == "package" and t_i + 1 < len(self.tokens):
                cid = f"perl:{self.tokens[t_i + 1].value}"
                if cid not in self.units:
                    name = self.tokens[t_i + 1].value
                    self.units[cid] = _Unit("module", name, cid)
                    self.definitions.append(Definition("module", name, t.line, id=cid))
                if not self.line_owner:
                    self.line_owner.append((1, cid))
                self.first_package = cid
                return cid
        return ""

    def _outer_owner(self, script_id: str, script: bool) -> tuple[str, str]:
        return (script_id, "main") if script else (self.line_owner[0][1] if self.line_owner else "", "main")

    def _close_sub(self, name: str, line: int, end: int) -> None:
        for k in range(len(self.definitions) - 1, -1, -1):
            d = self.definitions[k]
            if d.kind == "routine" and d.name == name and d.line == line:
                self.definitions[k] = Definition("routine", d.name, d.line, end, d.parent)
                return

    def _close_package(self, name: str, end: int) -> None:
        owner = f"perl:{name}"
        outer = next((o for _, o in self.line_owner if o != owner), "")
        if outer:
            self.line_owner.append((end + 1, outer))

    def _use(self, verb: str, i: int, owner: str) -> int:
        toks = self.tokens
        t = toks[i]
        nxt = toks[i + 1]
        j = i + 2
        end = j
        while end < len(toks) and toks[end].value != ";":
            end += 1
        if nxt.kind == "str" and nxt.quote in ("'", '"'):
            self._file_import(nxt, owner, f"perl-{verb}")
            return end
        if nxt.kind != "word":
            return end
        name = nxt.value.rstrip(":")
        if name in ("base", "parent"):
            names = [s for k in range(j, end) for s in self._words_of(toks[k]) if s != "-norequire"]
            for target in names:
                self.ref(owner, "extends", "module", target, t.line, f"perl-use-{name}", external=_external(target))
            return end
        if "::" not in name and name.islower():
            return end  # a pragma: strict, warnings, lib, vars, constant ...
        if verb == "no":
            return end
        self.ref(owner, "imports", "module", name, t.line, f"perl-{verb}", external=_external(name))
        return end

    def _words_of(self, tok: _Tok) -> list[str]:
        if tok.kind != "str" or tok.quote not in ("'", '"', "q", "qq", "qw"):
            return []
        return [w for w in tok.value.split() if re.fullmatch(r"[A-Za-z_][\w:]*", w)]

    def _string_list(self, i: int) -> list[str]:
        out: list[str] = []
        while i < len(self.tokens) and self.tokens[i].value != ";":
            out.extend(self._words_of(self.tokens[i]))
            i += 1
        return out

    def _file_import(self, tok: _Tok, owner: str, via: str) -> None:
        base = PurePosixPath(tok.value).name
        if not base or "$" in base or "@" in base:
            self.diagnostics[Diagnostic(self.path, INFO, "PERL-DYNAMIC-REQUIRE",
                                        f"file {tok.value!r} is named at run time; not linked", tok.line)] = None
            return
        detail = f"path {tok.value}" if base != tok.value else ""
        external = "library:perl4-lib" if base in _PERL4_LIBRARY else ""
        self.ref(owner, "imports", "script", base, tok.line, via, detail=detail, external=external)

    def _args(self, i: int) -> tuple[list[list[_Tok]], int]:
        """Comma-separated arguments after the word at ``i`` (parenthesised or up to ``;``)."""
        toks = self.tokens
        j = i + 1
        paren = j < len(toks) and toks[j].value == "("
        if paren:
            j += 1
        args: list[list[_Tok]] = [[]]
        depth = 0
        while j < len(toks):
            t = toks[j]
            if t.kind == "op" and t.value in ("(", "[", "{"):
                depth += 1
            elif t.kind == "op" and t.value in (")", "]", "}"):
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and t.kind == "op" and t.value in (",", "=>"):
                args.append([])
                j += 1
                continue
            elif depth == 0 and (t.value == ";" or (not paren and t.kind == "word" and t.value in _LOW_PRECEDENCE)):
                break
            args[-1].append(t)
            j += 1
        return [a for a in args if a], j

    def _system(self, i: int, owner: str) -> None:
        args, _ = self._args(i)
        if not args or args[0][0].value == "{":
            return
        self._command(args, owner, self.tokens[i].line)

    def _command(self, args: list[list[_Tok]], owner: str, line: int) -> None:
        strings = [a[0] for a in args if len(a) == 1 and a[0].kind == "str" and a[0].quote in ("'", '"', "q", "qq")]
        if not strings or args[0][0] is not strings[0]:
            return
        if len(args) == 1:
            for words in sc.split_command_line(strings[0].value):
                for run in sc.command_runs(words):
                    self.run_ref(owner, run, line)
        else:
            words = [a[0].value if a[0].kind == "str" else "$arg" for a in args]
            for run in sc.command_runs(words):
                self.run_ref(owner, run, line)

    def _open(self, i: int, owner: str) -> None:
        args, _ = self._args(i)
        line = self.tokens[i].line
        if len(args) >= 3 and args[1][0].kind == "str" and args[1][0].value.strip() in ("-|", "|-"):
            self._command(args[2:], owner, line)
            return
        if len(args) == 2 and args[1][0].kind == "str" and len(args[1]) == 1:
            mode = args[1][0].value.strip()
            if mode.endswith("|") or mode.startswith("|"):
                cmd = mode.strip("|").strip()
                for words in sc.split_command_line(cmd):
                    for run in sc.command_runs(words):
                        self.run_ref(owner, run, line)

    def _strings(self, i: int, owner: str, buffers: dict[str, tuple[str, int, str]]) -> int:
        """A chain of string literals joined by ``.``: a command (backquotes, qx) or SQL text."""
        toks = self.tokens
        t = toks[i]
        if t.quote in ("`", "qx"):
            for words in sc.split_command_line(t.value):
                for run in sc.command_runs(words):
                    self.run_ref(owner, run, t.line)
            return i + 1
        if t.quote not in ("'", '"', "q", "qq", "heredoc", "heredoc'"):
            return i + 1
        parts = [t.value]
        j = i + 1
        while j + 1 < len(toks) and toks[j].value == "." and toks[j + 1].kind == "str" \
                and toks[j + 1].quote in ("'", '"', "q", "qq", "heredoc", "heredoc'"):
            parts.append(toks[j + 1].value)
            j += 2
        text = " ".join(parts)
        # "$sql = ..." starts a buffer, "$sql .= ..." extends it; any other string stands alone.
        var = ""
        op = toks[i - 1].value if i else ""
        if i >= 2 and toks[i - 2].kind == "var" and op in ("=", ".="):
            var = toks[i - 2].value
        if var and op == ".=" and var in buffers:
            old, line, old_owner = buffers[var]
            buffers[var] = (old + " " + text, line, old_owner)
        elif var:
            if var in buffers:
                self._sql(*buffers.pop(var))
            buffers[var] = (text, t.line, owner)
        else:
            self._sql(text, t.line, owner)
        return j

    def _sql(self, text: str, line: int, owner: str) -> None:
        if not sc.looks_like_sql(text):
            return
        for run in sc.sql_runs(text, "dbi"):
            if run.target_kind == "script":
                continue  # "@x" in a Perl string is an array, not a SQL*Plus script
            self.run_ref(owner, run, line + sc.line_offset(text, run))


# Perl 4 library files still required by old scripts (``require "getopts.pl"``): shipped with Perl.
_PERL4_LIBRARY = frozenset({
    "abbrev.pl", "assert.pl", "bigfloat.pl", "bigint.pl", "bigrat.pl", "cacheout.pl", "chat2.pl",
    "complete.pl", "ctime.pl", "dotsh.pl", "dumpvar.pl", "exceptions.pl", "fastcwd.pl", "find.pl",
    "finddepth.pl", "flush.pl", "ftp.pl", "getcwd.pl", "getopt.pl", "getopts.pl", "hostname.pl",
    "importenv.pl", "look.pl", "newgetopt.pl", "open2.pl", "open3.pl", "pwd.pl", "shellwords.pl",
    "stat.pl", "syslog.pl", "tainted.pl", "termcap.pl", "timelocal.pl", "validate.pl",
})


def _external(module: str) -> str:
    top = module.split("::", 1)[0]
    return f"library:{top}" if top in _EXTERNAL_TOPS else ""


def _owner_lines(perl: _Perl, lexed: _Lexed, lines: list[str]) -> dict[str, LineCounts]:
    counts: dict[str, list[int]] = {cid: [0, 0, 0] for cid in perl.units}
    owners = sorted(perl.line_owner)
    k = 0
    owner = owners[0][1] if owners else ""
    for no, raw in enumerate(lines, start=1):
        while k < len(owners) and owners[k][0] <= no:
            owner = owners[k][1]
            k += 1
        c = counts.setdefault(owner, [0, 0, 0])
        if not raw.strip():
            c[2] += 1
        elif no in lexed.code_lines:
            c[0] += 1
        elif no in lexed.comment_lines:
            c[1] += 1
        else:
            c[0] += 1
    return {cid: LineCounts(*v) for cid, v in counts.items()}


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Packages, subs, imports, program runs and SQL tables of one Perl file; never raises."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    is_module_file = path.lower().endswith(".pm")
    try:
        lexed = _Lexer(text).run()
        perl = _Perl(path, lexed.tokens, is_module_file)
        perl.walk()
        if not perl.units:
            sid = f"script:{path}"
            perl.units[sid] = _Unit("script", PurePosixPath(path).name, sid)
            perl.line_owner.append((1, sid))
    except Exception as exc:  # an extractor bug must cost this file's facts, not the scan
        sid = f"script:{path}"
        return Extraction(
            definitions=(Definition("script", PurePosixPath(path).name, 1, max(1, len(lines)), id=sid),),
            diagnostics=(Diagnostic(path, "error", "PERL-INTERNAL", f"Perl extractor failed: {exc!r}"),),
            lines=LineCounts(code=sum(1 for ln in lines if ln.strip()), blank=sum(1 for ln in lines if not ln.strip())),
            parse=ParseQuality(status="failed", parser="line:perl", error_ratio=1.0),
        )
    per_owner = _owner_lines(perl, lexed, lines)
    definitions: list[Definition] = []
    metrics: list[tuple[str, Metrics]] = []
    ends = sorted(perl.line_owner)
    for cid, unit in perl.units.items():
        lc = per_owner.get(cid, LineCounts())
        metrics.append((cid, Metrics(code_lines=lc.code, comment_lines=lc.comment, blank_lines=lc.blank,
                                     complexity=1 + unit.decisions, max_nesting=unit.max_nesting)))
        if unit.kind == "script":
            definitions.append(Definition("script", unit.name, 1, max(1, len(lines)), id=cid))
    for d in perl.definitions:
        if d.kind == "module":
            later = [first for first, o in ends if first > d.line and o != d.id]
            d = Definition("module", d.name, d.line, (min(later) - 1) if later else max(1, len(lines)), id=d.id)
        definitions.append(d)
    code_total = sum(lc.code for lc in per_owner.values())
    bad: set[int] = set()
    for first, last, what in lexed.unterminated:
        last = min(last, max(1, len(lines)))
        bad.update(range(first, last + 1))
        perl.diagnostics[Diagnostic(path, WARNING, "PERL-UNTERMINATED",
                                    f"{what} opened on line {first} is not closed; lines {first}-{last} were "
                                    "read as its text", first)] = None
    bad_code = len(bad & lexed.code_lines)
    total = LineCounts(code=sum(c.code for c in per_owner.values()),
                       comment=sum(c.comment for c in per_owner.values()),
                       blank=sum(c.blank for c in per_owner.values()))
    return Extraction(
        definitions=tuple(definitions),
        references=tuple(perl.references),
        metrics=tuple(metrics),
        diagnostics=tuple(perl.diagnostics),
        lines=total,
        parse=ParseQuality(status="line-parser", parser="line:perl",
                           error_ratio=round(bad_code / code_total, 4) if code_total else 0.0,
                           fallback_used=False, fallback_lines=bad_code),
    )
