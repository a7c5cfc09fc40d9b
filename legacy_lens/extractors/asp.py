"""Classic ASP and VBScript extractor: pages (``.asp .asa .inc``) and scripts (``.vbs .wsf``).

A page is HTML with server-side script in ``<% %>``, ``<%= %>`` and ``<script runat="server">``
blocks, ``<!--#include file|virtual="..."-->`` directives and ``<object runat="server">`` tags.
This module finds those regions in one linear scan and hands the VBScript to the VB-family
statement parser shared with VB6 (``legacy_lens.extractors.vbcommon``), one block at a time so
that a ``<% If x Then %>`` ... ``<% End If %>`` spanning markup still nests. A ``.vbs`` file is
all VBScript; a ``.wsf`` is XML whose ``<script>`` elements hold the code.

Includes become ``includes`` edges to ``page:<path>``: ``file=`` relative to the including file,
``virtual=`` relative to the web root, which the scan does not know, so the extractor lists the
scanned paths it could be (the virtual path under each folder above the page, the longest
suffix first) as candidates for the linker.
"""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import legacy_lens.extractors.vbcommon as vbcommon
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

PARSER = "line:asp"
_SCRIPT_SUFFIXES = (".vbs", ".wsf")
_MAX_VIRTUAL_CANDIDATES = 64
_MAX_INCLUDE_PREFIXES = 32  # scopes a bare call is looked up in: the included files (virtual: their candidates)

_MARKER = re.compile(r"<%|<!--\s*#\s*include\b|<!--\s*METADATA\b|<script\b|<object\b|<reference\b", re.IGNORECASE)
_INCLUDE = re.compile(r"<!--\s*#\s*include\s+(file|virtual)\s*=\s*(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s>\"']+))"
                      r"\s*-->", re.IGNORECASE)
_METADATA = re.compile(r"<!--\s*METADATA\b([^>]{0,1000}?)-->", re.IGNORECASE)
_TAG = re.compile(r"<(?:script|object|reference)\b([^>]{0,2000})>", re.IGNORECASE)
_ATTR = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))")
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_LANGUAGE = re.compile(r"\blanguage\s*=\s*\"?\s*([\w.]+)", re.IGNORECASE)
_CDATA = re.compile(r"<!\[CDATA\[|\]\]>")
# The line breaks of str.splitlines(), so that line numbers agree with the line counts.
_NEWLINE = re.compile("\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_WSF_MARKER = re.compile(r"<(?:script|object|reference)\b", re.IGNORECASE)
_JS_CREATE = re.compile(r"(?:CreateObject|ActiveXObject)\s*\(\s*[\"']([\w.\-]+)[\"']", re.IGNORECASE)


@dataclass
class _Scan:
    """What the markup scan found: code pieces, directives and lines by role."""

    pieces: list[vbcommon.Piece] = field(default_factory=list)
    server_lines: set[int] = field(default_factory=set)  # delimiters, directives, includes: code
    markup_lines: set[int] = field(default_factory=set)  # HTML/XML outside server script
    foreign_lines: set[int] = field(default_factory=set)  # server script in another language (JScript)
    includes: list[tuple[str, str, int]] = field(default_factory=list)  # (file|virtual|src, path, line)
    com: list[tuple[str, int, str]] = field(default_factory=list)  # (ProgID or {CLSID}, line, via)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    foreign_languages: set[str] = field(default_factory=set)


class _Text:
    """Line numbers of offsets in a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def lines_of(self, start: int, end: int) -> range:
        return range(self.line(start), self.line(max(start, end - 1)) + 1)


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Facts of one ASP page, include file or VBScript script. Never raises."""
    lines = text.splitlines()
    try:
        return _extract(text, lines, path)
    except Exception as exc:  # a parser bug must cost this file's facts, not the scan
        return Extraction(
            diagnostics=(Diagnostic(path, ERROR, "ASP-INTERNAL", f"ASP parser failed: {exc!r}"),),
            lines=LineCounts(code=sum(1 for s in lines if s.strip()), blank=sum(1 for s in lines if not s.strip())),
            parse=ParseQuality(status="failed", parser=PARSER),
        )


def _extract(text: str, lines: list[str], path: str) -> Extraction:
    suffix = PurePosixPath(path).suffix.lower()
    kind = "script" if suffix in _SCRIPT_SUFFIXES else "page"
    owner = f"{kind}:{path}"
    positions = _Text(text)
    if suffix == ".vbs":
        scan = _Scan(pieces=[vbcommon.Piece(i, s) for i, s in enumerate(lines, 1)])
    elif suffix == ".wsf":
        scan = _scan_wsf(text, positions, path)
    else:
        scan = _scan_page(text, positions, path)
        if not scan.pieces and not scan.includes and not scan.server_lines:
            scan.diagnostics.append(Diagnostic(path, INFO, "ASP-NO-SERVER-CODE",
                                               "no server-side script, include or directive: HTML only, or not an "
                                               "ASP file at all", None))
    include_refs, include_prefixes = _includes(scan, owner, path)
    ctx = vbcommon.Context(path=path, dialect=vbcommon.VBSCRIPT, owner=owner, prefix=path,
                           include_prefixes=include_prefixes)
    res = vbcommon.analyse(scan.pieces, ctx)
    references: dict[Reference, None] = dict.fromkeys(include_refs)
    for progid, line, via in scan.com:
        references.setdefault(_com_ref(owner, progid, line, via), None)
    references.update(res.references)
    for what, target, line in res.page_calls:
        ref = _page_ref(owner, "calls", target, line, f"server-{what}", path)
        if ref is not None:
            references.setdefault(ref, None)
    stats = res.stats.get(owner, vbcommon.OwnerStats())
    page_def = Definition(kind, path, 1, max(1, len(lines)),
                          detail=f"on_error_resume_next={stats.on_error_resume_next}")
    code_lines = res.code_lines | scan.server_lines | scan.foreign_lines
    unclassified = (res.unclassified & res.code_lines) | scan.foreign_lines
    owner_of = _owners(res, owner)
    per_owner: dict[str, list[int]] = {}
    totals = [0, 0, 0]
    for i, s in enumerate(lines, 1):
        if i in code_lines:
            slot = 0
        elif i in res.comment_lines or (i in scan.markup_lines and s.strip()):
            slot = 1  # comments, and markup: text that is not server code (see the README)
        else:
            slot = 2
        totals[slot] += 1
        per_owner.setdefault(owner_of(i), [0, 0, 0])[slot] += 1
    metrics: list[tuple[str, Metrics]] = []
    for cid in [owner, *(c for c, _, _ in res.classes)]:
        code, comment, blank = per_owner.get(cid, [0, 0, 0])
        st = res.stats.get(cid, vbcommon.OwnerStats())
        metrics.append((cid, Metrics(code_lines=code, comment_lines=comment, blank_lines=blank,
                                     complexity=st.complexity, max_nesting=st.max_nesting,
                                     goto_count=st.goto_count)))
    diags = list(scan.diagnostics)
    if scan.foreign_languages:
        diags.append(Diagnostic(path, INFO, "ASP-FOREIGN-SCRIPT",
                                f"server script in {', '.join(sorted(scan.foreign_languages))} is not parsed "
                                f"({len(scan.foreign_lines)} line(s) counted as unclassified); only its "
                                "CreateObject calls are read", None))
    n_code = len(code_lines)
    bad = len(unclassified)
    return Extraction(
        definitions=(page_def, *res.definitions),
        references=tuple(references),
        metrics=tuple(metrics),
        diagnostics=tuple(diags + res.diagnostics),
        lines=LineCounts(code=totals[0], comment=totals[1], blank=totals[2]),
        parse=ParseQuality(status="line-parser", parser=PARSER,
                           error_ratio=round(bad / n_code, 4) if n_code else 0.0, fallback_lines=bad),
    )


def _owners(res: vbcommon.Result, owner: str) -> Callable[[int], str]:
    """Function: line -> the component it counts for (a VBScript class, else the page)."""
    ranges = sorted((first, last, cid) for cid, first, last in res.classes)

    def owner_of(line: int) -> str:
        for first, last, cid in ranges:
            if first <= line <= last:
                return cid
        return owner

    return owner_of


# -- page scanning ---------------------------------------------------------------------------------
def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        out.setdefault(m.group(1).lower(), next(g for g in m.groups()[1:] if g is not None))
    return out


def _add_code(scan: _Scan, pos: _Text, start: int, end: int, block: int, vb: bool, prefix: str = "") -> None:
    """Server code text[start:end] as pieces (VBScript) or foreign lines (another language)."""
    chunk = pos.text[start:end]
    first = pos.line(start)
    for k, piece in enumerate(_NEWLINE.split(chunk)):
        line = first + k
        if k == 0 and prefix:
            piece = prefix + piece
        if vb:
            scan.pieces.append(vbcommon.Piece(line, _CDATA.sub(" ", piece), block))
        elif piece.strip() and not piece.strip().startswith(("//", "/*", "*")):
            scan.foreign_lines.add(line)
    if not vb:
        for m in _JS_CREATE.finditer(chunk):
            scan.com.append((m.group(1), pos.line(start + m.start()), "create-object"))


def _mark(scan: _Scan, pos: _Text, start: int, end: int) -> None:
    """Markup text[start:end]: its non-blank lines are markup unless they also hold code."""
    if end > start and pos.text[start:end].strip():
        for line in pos.lines_of(start, end):
            scan.markup_lines.add(line)


def _scan_page(text: str, pos: _Text, path: str) -> _Scan:
    scan = _Scan()
    language = "vbscript"
    block = 0
    i = 0
    n = len(text)
    while i < n:
        m = _MARKER.search(text, i)
        if m is None:
            _mark(scan, pos, i, n)
            break
        _mark(scan, pos, i, m.start())
        token = m.group().lower()
        start = m.start()
        if token == "<%":
            end = text.find("%>", m.end())
            close = end + 2
            if end < 0:
                scan.diagnostics.append(Diagnostic(path, WARNING, "ASP-UNTERMINATED", "'<%' without '%>': the rest "
                                                   "of the file is read as script", pos.line(start)))
                end = close = n
            scan.server_lines.update({pos.line(start), pos.line(max(start, close - 1))})
            inner_start = m.end()
            block += 1
            if text.startswith("@", inner_start):
                directive = _LANGUAGE.search(text, inner_start, end)
                if directive is not None:
                    language = directive.group(1).lower()
                scan.server_lines.update(pos.lines_of(start, close))
            elif text.startswith("=", inner_start):
                # <%= expr %> writes the value: Response.Write expr
                _add_code(scan, pos, inner_start + 1, end, block, language == "vbscript", "Response.Write ")
            else:
                _add_code(scan, pos, inner_start, end, block, language == "vbscript")
                if language != "vbscript":
                    scan.foreign_languages.add(language)
            i = close
            continue
        if token.startswith("<!--") and "include" in token:
            inc = _INCLUDE.match(text, start)
            if inc is None:
                scan.diagnostics.append(Diagnostic(path, WARNING, "ASP-INCLUDE-SYNTAX", "an #include directive that "
                                                   "is not <!--#include file|virtual=\"...\"-->", pos.line(start)))
                i = m.end()
                continue
            target = next(g for g in inc.groups()[1:] if g is not None)
            scan.includes.append((inc.group(1).lower(), target, pos.line(start)))
            scan.server_lines.update(pos.lines_of(start, inc.end()))
            i = inc.end()
            continue
        if token.startswith("<!--"):
            meta = _METADATA.match(text, start)
            if meta is not None:
                attrs = _attrs(meta.group(1))
                if attrs.get("type", "").lower() == "typelib" and (attrs.get("file") or attrs.get("uuid")):
                    name = (re.split(r"[\\/]", attrs["file"])[-1].upper() if attrs.get("file") else attrs["uuid"])
                    scan.com.append((name, pos.line(start), "metadata-typelib"))
                scan.server_lines.update(pos.lines_of(start, meta.end()))
                i = meta.end()
            else:
                i = m.end()
            continue
        tag = _TAG.match(text, start)
        if tag is None:
            i = m.end()
            continue
        attrs = _attrs(tag.group(1))
        server = attrs.get("runat", "").lower() == "server"
        if token == "<script" and server:
            block += 1
            close_tag = _SCRIPT_END.search(text, tag.end())
            body_end = close_tag.start() if close_tag else n
            after = close_tag.end() if close_tag else n
            lang = attrs.get("language", attrs.get("type", "vbscript")).lower()
            vb = "vbs" in lang or lang in ("", "vbscript")
            if attrs.get("src"):
                scan.includes.append(("src", attrs["src"], pos.line(start)))
            scan.server_lines.update(pos.lines_of(start, tag.end()))
            if close_tag is not None:
                scan.server_lines.update(pos.lines_of(close_tag.start(), close_tag.end()))
            _add_code(scan, pos, tag.end(), body_end, block, vb)
            if not vb and text[tag.end() : body_end].strip():
                scan.foreign_languages.add(lang)
            i = after
            continue
        if token == "<object" and server:
            progid = attrs.get("progid") or _clsid(attrs.get("classid", ""))
            if progid:
                scan.com.append((progid, pos.line(start), "object-tag"))
            scan.server_lines.update(pos.lines_of(start, tag.end()))
            i = tag.end()
            continue
        _mark(scan, pos, start, tag.end())
        i = tag.end()
    return scan


def _clsid(classid: str) -> str:
    value = classid.strip()
    if value.lower().startswith("clsid:"):
        value = value[6:].strip()
    return "{" + value.strip("{}").upper() + "}" if value else ""


def _scan_wsf(text: str, pos: _Text, path: str) -> _Scan:
    """Windows Script File: ``<job>`` s with ``<script language=... [src=...]>``, ``<object>``, ``<reference>``."""
    scan = _Scan()
    block = 0
    i = 0
    n = len(text)
    while i < n:
        m = _WSF_MARKER.search(text, i)
        if m is None:
            _mark(scan, pos, i, n)
            break
        _mark(scan, pos, i, m.start())
        tag = _TAG.match(text, m.start())
        if tag is None:
            i = m.end()
            continue
        attrs = _attrs(tag.group(1))
        word = m.group().lower()
        scan.server_lines.update(pos.lines_of(m.start(), tag.end()))
        if word == "<script":
            block += 1
            lang = attrs.get("language", "vbscript").lower()
            vb = "vbs" in lang
            if attrs.get("src"):
                scan.includes.append(("src", attrs["src"], pos.line(m.start())))
            if tag.group(1).rstrip().endswith("/"):
                i = tag.end()
                continue
            close_tag = _SCRIPT_END.search(text, tag.end())
            body_end = close_tag.start() if close_tag else n
            _add_code(scan, pos, tag.end(), body_end, block, vb)
            if not vb and text[tag.end() : body_end].strip():
                scan.foreign_languages.add(lang)
            if close_tag is not None:
                scan.server_lines.update(pos.lines_of(close_tag.start(), close_tag.end()))
            i = close_tag.end() if close_tag else n
            continue
        if word == "<object":
            progid = attrs.get("progid") or _clsid(attrs.get("classid", ""))
            if progid:
                scan.com.append((progid, pos.line(m.start()), "object-tag"))
        elif attrs.get("object") or attrs.get("guid"):
            scan.com.append((attrs.get("object") or _clsid(attrs["guid"]), pos.line(m.start()), "wsf-reference"))
        i = tag.end()
    return scan


# -- references ------------------------------------------------------------------------------------
def _com_ref(owner: str, progid: str, line: int, via: str) -> Reference:
    """A COM class used by ProgID; a ProgID no well-known library has may be a class of a VB project in the
    scan (``Shop.Cart`` -> class CART), else it is the external ``com:`` node. A type library is always COM."""
    if via == "metadata-typelib" or progid.startswith("{") or "." not in progid or vbcommon.is_known_com(progid):
        name = vbcommon.canonical_progid(progid)
        return Reference(owner, "uses-com", "com", name, line, via, external=f"com:{name}")
    return Reference(owner, "uses-com", "class", progid.rsplit(".", 1)[-1].upper(), line, via,
                     external=f"com:{progid}")


def _includes(scan: _Scan, owner: str, path: str) -> tuple[list[Reference], tuple[str, ...]]:
    """``includes`` references, and the member-name prefixes (paths) of the files included by ``file=``."""
    refs: list[Reference] = []
    prefixes: list[str] = []
    for how, raw, line in scan.includes:
        kind = "script" if PurePosixPath(raw.strip()).suffix.lower() in _SCRIPT_SUFFIXES else "page"
        ref = _page_ref(owner, "includes", raw, line, f"asp-include-{how}", path, target_kind=kind,
                        virtual=how == "virtual")
        if ref is None:
            scan.diagnostics.append(Diagnostic(path, WARNING, "ASP-INCLUDE-SYNTAX", "an include with an empty path",
                                               line))
            continue
        if ref.target.startswith("../") or ref.target == "..":
            scan.diagnostics.append(Diagnostic(path, INFO, "ASP-INCLUDE-OUTSIDE", f"include {raw!r} leads outside "
                                               "the scanned folder", line))
        refs.append(ref)
        prefixes.extend(ref.candidates or (ref.target,))
    return refs, tuple(dict.fromkeys(prefixes))[:_MAX_INCLUDE_PREFIXES]


def _page_ref(owner: str, kind: str, raw: str, line: int, via: str, path: str, target_kind: str = "page",
              virtual: bool | None = None) -> Reference | None:
    """A reference to another page named as written: relative to ``path``, or (``virtual`` or a leading
    ``/``) to the web root, with candidate scanned paths."""
    value = raw.strip().replace("\\", "/").split("?", 1)[0].split("#", 1)[0]
    if not value:
        return None
    if virtual is None:
        virtual = value.startswith("/")
    if not virtual:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), value))
        return Reference(owner, kind, target_kind, target, line, via)
    rooted = posixpath.normpath("/" + value.lstrip("/"))
    segments = [s for s in rooted.split("/") if s]
    candidates: dict[str, None] = {}
    for k in range(len(segments)):
        suffix = "/".join(segments[k:])
        for base in _folders(path):
            candidates.setdefault(f"{base}/{suffix}" if base else suffix, None)
            if len(candidates) >= _MAX_VIRTUAL_CANDIDATES:
                break
        if len(candidates) >= _MAX_VIRTUAL_CANDIDATES:
            break
    return Reference(owner, kind, target_kind, rooted, line, via, candidates=tuple(candidates),
                     detail=f"virtual {rooted}")


@functools.lru_cache(maxsize=64)
def _folders(path: str) -> tuple[str, ...]:
    """The folders above ``path``, nearest first, ending with the scan root ("")."""
    out = []
    folder = posixpath.dirname(path)
    while folder:
        out.append(folder)
        folder = posixpath.dirname(folder)
    return (*out, "")
