"""VB6/VBA extractor: a line parser for projects (``.vbp``) and modules (``.bas .cls .frm .ctl ...``).

No tree-sitter grammar reads VB6 (the VB.NET grammar leaves 60-92% of it in errors), and VB6 is
line-oriented, so this is a line parser. A module file is a header (``VERSION``, the class
``BEGIN ... END`` block, the form designer's ``Begin VB.Form ... End`` tree of controls,
``Object =`` and ``Attribute`` lines) followed by code; the header gives the module's name
(``Attribute VB_Name``) and the form's controls, the code goes to the VB-family statement parser
shared with VBScript (``legacy_lens.extractors.vbcommon``). A project file lists its modules,
COM type-library references and OCX controls.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import legacy_lens.extractors.vbcommon as vbcommon
from legacy_lens.extractors.common import count_lines, member_name
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

PARSER = "line:vb6"
# Module kind by file extension: standard module, class, form, user control, designer,
# property page, user document.
_KIND_BY_SUFFIX = {".bas": "module", ".cls": "class", ".frm": "form", ".ctl": "class", ".dsr": "class",
                   ".pag": "form", ".dob": "form"}
_DESIGNER_SUFFIXES = (".frm", ".ctl", ".dsr", ".pag", ".dob")
# Project-file keys that list a member: key -> (kind of the member, named by "Name; path" or by path).
_VBP_MEMBERS = {"MODULE": ("module", True), "CLASS": ("class", True), "FORM": ("form", False),
                "USERCONTROL": ("class", False), "DESIGNER": ("class", False), "PROPERTYPAGE": ("form", False),
                "USERDOCUMENT": ("form", False)}
# Type libraries every project references: not worth an edge each.
_IMPLICIT_TYPELIBS = ("stdole2.tlb", "stdole32.tlb")

_VERSION = re.compile(r"^\s*VERSION\s+\d+\.\d+(?:\s+CLASS)?\s*$", re.IGNORECASE)
_OBJECT_LINE = re.compile(r"^\s*Object\s*=", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"^\s*Attribute\s+([\w.]+)\s*=\s*(.*)$", re.IGNORECASE)
_BEGIN = re.compile(r"^\s*Begin\s+(\S+)\s+(\S+)", re.IGNORECASE)
_BEGIN_PROPERTY = re.compile(r"^\s*BeginProperty\b", re.IGNORECASE)
_END_PROPERTY = re.compile(r"^\s*EndProperty\b", re.IGNORECASE)
_CLASS_BEGIN = re.compile(r"^\s*BEGIN\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*End\s*$", re.IGNORECASE)
_NAME = re.compile(r"^[^\W\d]\w*$")
_LATEX = re.compile(r"\\(?:NeedsTeXFormat|ProvidesClass|documentclass|LoadClass|RequirePackage)\b")
_SQLLDR = re.compile(r"^\s*(?:OPTIONS\s*\(|(?:UNRECOVERABLE\s+|RECOVERABLE\s+)?(?:LOAD|CONTINUE_LOAD)\s+DATA\b)",
                     re.IGNORECASE | re.MULTILINE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\ufffd]")


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Facts of one VB6/VBA project or module file. Never raises: an internal failure is a diagnostic."""
    lines = text.splitlines()
    try:
        if PurePosixPath(path).suffix.lower() == ".vbp":
            return _project(lines, path)
        return _module(text, lines, path)
    except Exception as exc:  # a parser bug must cost this file's facts, not the scan
        return Extraction(
            diagnostics=(Diagnostic(path, ERROR, "VB6-INTERNAL", f"VB6 parser failed: {exc!r}"),),
            lines=count_lines(lines, lambda s: s.lstrip().startswith("'")),
            parse=ParseQuality(status="failed", parser=PARSER),
        )


def _skipped(lines: list[str], path: str, code: str, message: str) -> Extraction:
    return Extraction(
        diagnostics=(Diagnostic(path, WARNING, code, message, 1),),
        lines=LineCounts(blank=sum(1 for s in lines if not s.strip()), comment=sum(1 for s in lines if s.strip())),
        parse=ParseQuality(status="skipped", parser=PARSER),
    )


def _not_source(text: str, lines: list[str], path: str) -> Extraction | None:
    """A file with a VB extension that is not VB source text: a binary form, LaTeX, SQL*Loader."""
    suffix = PurePosixPath(path).suffix.lower()
    head = text[:4096]
    first = next((s for s in lines[:50] if s.strip()), "")
    controls = len(_CONTROL_CHARS.findall(head))
    if suffix in _DESIGNER_SUFFIXES and not _VERSION.match(first) and (controls or not first.isascii()):
        return _skipped(lines, path, "VB6-BINARY-FORM",
                        "designer file saved in binary form (VB 1-3 'Save as binary'); only text forms are "
                        "read: open it in VB and save it as text")
    if controls > max(2, len(head) // 100):
        return _skipped(lines, path, "VB6-BINARY", "binary content in a VB source file; not analysed")
    if suffix == ".cls" and _LATEX.search(head):
        return _skipped(lines, path, "VB6-NOT-VB", "a LaTeX class file, not a VB class module; not analysed")
    if suffix == ".ctl" and _SQLLDR.search(head) and "Begin VB." not in head:
        return _skipped(lines, path, "VB6-NOT-VB", "an SQL*Loader control file, not a VB user control; "
                        "not analysed")
    return None


class _Header:
    """The non-code head of a module: VERSION, class BEGIN/END, the designer tree, Object and Attribute lines."""

    def __init__(self, lines: list[str]) -> None:
        self.lines: set[int] = set()  # 1-based lines that are header (not code)
        self.vb_name = ""
        self.vb_name_line = 0
        self.top_type = ""
        self.top_name = ""
        self.controls: list[tuple[str, str, int]] = []  # (name, type, line)
        self.unclosed = 0
        self._parse(lines)

    def _parse(self, lines: list[str]) -> None:
        depth = 0  # designer Begin/End (or class BEGIN/END) nesting
        prop_depth = 0  # BeginProperty/EndProperty nesting inside it
        i = 0
        n = len(lines)
        while i < n:
            s = lines[i]
            lineno = i + 1
            if depth:
                self.lines.add(lineno)
                if _BEGIN_PROPERTY.match(s):
                    prop_depth += 1
                elif _END_PROPERTY.match(s):
                    prop_depth = max(0, prop_depth - 1)
                elif prop_depth == 0 and (m := _BEGIN.match(s)) is not None:
                    depth += 1
                    self.controls.append((m.group(2), m.group(1), lineno))
                elif prop_depth == 0 and _END.match(s):
                    depth -= 1
                i += 1
                continue
            if not s.strip():
                i += 1
                continue
            if _VERSION.match(s) or _OBJECT_LINE.match(s):
                self.lines.add(lineno)
            elif _CLASS_BEGIN.match(s):
                self.lines.add(lineno)
                depth = 1
            elif (m := _BEGIN.match(s)) is not None and not self.top_type:
                self.lines.add(lineno)
                self.top_type, self.top_name = m.group(1), m.group(2)
                depth = 1
            elif (a := _ATTRIBUTE.match(s)) is not None:
                self.lines.add(lineno)
                self._attribute(a.group(1), a.group(2), lineno)
            else:
                break
            i += 1
        self.unclosed = depth
        # Member attributes (``Attribute Item.VB_UserMemId = 0``) sit inside the code; the IDE hides them.
        for k in range(i, n):
            a = _ATTRIBUTE.match(lines[k])
            if a is not None:
                self.lines.add(k + 1)
                self._attribute(a.group(1), a.group(2), k + 1)

    def _attribute(self, key: str, value: str, lineno: int) -> None:
        if key.upper() == "VB_NAME" and not self.vb_name:
            name = value.strip().strip('"').strip()
            if _NAME.match(name):
                self.vb_name, self.vb_name_line = name, lineno


def _module(text: str, lines: list[str], path: str) -> Extraction:
    skipped = _not_source(text, lines, path)
    if skipped is not None:
        return skipped
    suffix = PurePosixPath(path).suffix.lower()
    kind = _KIND_BY_SUFFIX.get(suffix, "module")
    header = _Header(lines)
    diags: list[Diagnostic] = []
    name = header.vb_name
    if not name:
        name = header.top_name if _NAME.match(header.top_name) else member_name(path)
        diags.append(Diagnostic(path, INFO, "VB6-NO-NAME", f"no Attribute VB_Name; the module is named {name.upper()}"
                                f" after its {'designer' if header.top_name else 'file name'}", 1))
    if header.unclosed:
        diags.append(Diagnostic(path, WARNING, "VB6-DESIGNER", "the designer block has a Begin without its End; "
                                "the rest of the file was read as designer text", None))
    mod = name.upper()
    owner = f"vb:{mod}"
    controls = tuple((ctl.upper(), ctl_type) for ctl, ctl_type, _line in header.controls)
    ctx = vbcommon.Context(path=path, dialect=vbcommon.VB6, owner=owner, prefix=mod,
                           file_scoped_members=kind != "module", module_names=(mod,), implicit_vars=controls)
    pieces = [vbcommon.Piece(i + 1, s) for i, s in enumerate(lines) if (i + 1) not in header.lines]
    res = vbcommon.analyse(pieces, ctx)
    references = dict(res.references)
    definitions = list(res.definitions)
    seen_controls: set[str] = set()
    for ctl_name, ctl_type, line in header.controls:
        key = ctl_name.upper()
        if key in seen_controls:
            continue  # a control array: one definition
        seen_controls.add(key)
        definitions.append(Definition("control", f"{mod}.{ctl_name}", line, parent=owner, detail=ctl_type))
        ref = _control_com(owner, ctl_type, line)
        if ref is not None:
            references.setdefault(ref, None)
    stats = res.stats.get(owner, vbcommon.OwnerStats())
    module_def = Definition(kind, mod, 1, max(1, len(lines)),
                            detail=f"on_error_resume_next={stats.on_error_resume_next}", id=owner)
    counts = _line_counts(lines, res)
    code = len(res.code_lines)
    bad = len(res.unclassified & res.code_lines)
    metrics = Metrics(code_lines=counts.code, comment_lines=counts.comment, blank_lines=counts.blank,
                      complexity=stats.complexity, max_nesting=stats.max_nesting, goto_count=stats.goto_count)
    return Extraction(
        definitions=(module_def, *definitions),
        references=tuple(references),
        metrics=((owner, metrics),),
        diagnostics=tuple(diags + res.diagnostics),
        lines=counts,
        parse=ParseQuality(status="line-parser", parser=PARSER, error_ratio=round(bad / code, 4) if code else 0.0,
                           fallback_lines=bad),
    )


def _control_com(owner: str, ctl_type: str, line: int) -> Reference | None:
    """A control that is not intrinsic VB (``MSComctlLib.ListView``, a user control of another project)."""
    if ctl_type.upper().startswith("VB."):
        return None
    if ctl_type.startswith("{"):
        return None  # a designer's own part (a DataReport section) or a control known only by its CLSID
    if "." in ctl_type and not vbcommon.is_known_com(ctl_type):
        # A user control of a project in the scan (``Project1.ucGrid``) is that class.
        return Reference(owner, "uses-com", "class", ctl_type.rsplit(".", 1)[-1].upper(), line, "form-control",
                         external=f"com:{ctl_type}")
    progid = vbcommon.canonical_progid(ctl_type)
    return Reference(owner, "uses-com", "com", progid, line, "form-control", external=f"com:{progid}")


def _line_counts(lines: list[str], res: vbcommon.Result) -> LineCounts:
    """Code, comment and blank lines; designer and Attribute lines are not code: they count as comment."""
    code = comment = blank = 0
    for i, s in enumerate(lines, 1):
        if i in res.code_lines:
            code += 1
        elif not s.strip():
            blank += 1
        else:
            comment += 1
    return LineCounts(code=code, comment=comment, blank=blank)


# -- project files --------------------------------------------------------------------------------
def _stem(file_path: str) -> str:
    base = re.split(r"[\\/]", file_path.strip().strip('"'))[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def _project(lines: list[str], path: str) -> Extraction:
    """``Type=Exe``, ``Name="X"``, ``Module=Name; path``, ``Form=path``, ``Reference=``, ``Object=``."""
    values: dict[str, str] = {}
    members: list[tuple[str, str, str, int, str]] = []  # (key as written, kind, name, line, file path)
    refs: list[Reference] = []
    diags: list[Diagnostic] = []
    unclassified: set[int] = set()
    code = blank = 0
    in_section = False
    project_name = member_name(path)
    for i, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s:
            blank += 1
            continue
        code += 1
        if s.startswith("[") and s.endswith("]"):
            in_section = True  # [MS Transaction Server] and the like: tool settings
            continue
        key, eq, value = s.partition("=")
        if not eq or not key.strip():
            unclassified.add(i)
            diags.append(Diagnostic(path, WARNING, "VBP-LINE", f"not a key=value line: {s[:60]!r}", i))
            continue
        if in_section:
            continue
        written = key.strip()
        key = written.upper()
        value = value.strip()
        values.setdefault(key, value)
        if key in _VBP_MEMBERS:
            kind, named = _VBP_MEMBERS[key]
            name, _, file_path = value.partition(";")
            if not named or not eq or not file_path:
                file_path, name = value, _stem(value)
            name = name.strip().strip('"')
            if _NAME.match(name):
                members.append((written, kind, name.upper(), i, file_path.strip()))
            else:
                unclassified.add(i)
        elif key == "REFERENCE":
            ref = _typelib_reference(value, i)
            if ref is not None:
                refs.append(ref)
        elif key == "OBJECT":
            ref = _ocx_reference(value, i)
            if ref is not None:
                refs.append(ref)
    if values.get("NAME", "").strip('"'):
        project_name = values["NAME"].strip('"').upper()
    owner = f"project:{project_name}"
    detail = "; ".join(f"{k.lower()}={values[k].strip(chr(34))}" for k in ("TYPE", "STARTUP", "EXENAME32")
                       if values.get(k, "").strip('"'))
    references: dict[Reference, None] = {}
    for key, kind, name, line, file_path in members:
        references[Reference(owner, "contains", kind, name, line, "vbp", detail=f"{key}={file_path}")] = None
    for r in refs:
        references.setdefault(Reference(owner, r.kind, r.target_kind, r.target, r.line, r.via, detail=r.detail,
                                        external=r.external), None)
    if not values.get("TYPE"):
        diags.append(Diagnostic(path, INFO, "VBP-NO-TYPE", "project file has no Type= line", None))
    bad = len(unclassified)
    return Extraction(
        definitions=(Definition("project", project_name, 1, max(1, len(lines)), detail=detail),),
        references=tuple(references),
        metrics=((owner, Metrics(code_lines=code, blank_lines=blank)),),
        diagnostics=tuple(diags),
        lines=LineCounts(code=code, blank=blank),
        parse=ParseQuality(status="line-parser", parser=PARSER, error_ratio=round(bad / code, 4) if code else 0.0,
                           fallback_lines=bad),
    )


def _typelib_reference(value: str, line: int) -> Reference | None:
    """``*\\G{guid}#2.0#0#path#Description`` -> uses-com; ``*\\Apath.vbp`` -> imports the project."""
    if value.upper().startswith("*\\A"):
        return Reference("", "imports", "project", _stem(value[3:]).upper(), line, "vbp-project-reference",
                         detail=value[3:])
    if not value.upper().startswith("*\\G"):
        return None
    parts = value[3:].split("#")
    guid = parts[0]
    file_path = parts[3] if len(parts) > 3 else ""
    description = "#".join(parts[4:]).strip() if len(parts) > 4 else ""
    if re.split(r"[\\/]", file_path)[-1].lower() in _IMPLICIT_TYPELIBS:
        return None
    name = description or guid
    if not name:
        return None
    return Reference("", "uses-com", "com", name, line, "vbp-reference", detail=f"{guid} {file_path}".strip(),
                     external=f"com:{name}")


def _ocx_reference(value: str, line: int) -> Reference | None:
    """``{guid}#1.0#0; MSCOMCTL.OCX`` -> uses-com ``com:MSCOMCTL.OCX``; ``*\\Actl.vbp`` -> imports."""
    if value.upper().startswith("*\\A"):
        return Reference("", "imports", "project", _stem(value[3:]).upper(), line, "vbp-project-reference",
                         detail=value[3:])
    guid, _, file_name = value.partition(";")
    name = file_name.strip().strip('"').upper() or guid.strip()
    if not name:
        return None
    return Reference("", "uses-com", "com", name, line, "vbp-object", detail=guid.strip(), external=f"com:{name}")
