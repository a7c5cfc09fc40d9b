"""J2EE extractor: deployment descriptors (web.xml, struts-config.xml, ejb-jar.xml) and JSP pages.

Descriptors are read by a small tolerant XML reader written here rather than ``xml.etree``: the input
is untrusted, so no DTD is loaded and no entity other than the five predefined ones and character
references is expanded (an external entity is reported, never fetched); a malformed file still yields
the elements that could be read, with line numbers. What the root element is decides how a
descriptor is read, whatever the file is called.

JSP pages: directives, standard actions and Struts form tags are read from the markup; the scriptlet,
expression and declaration code is reassembled, line for line, into one Java class and read by the
Java extractor's :class:`~legacy_lens.extractors.java.JavaAnalyser` with the page as owner.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass, field

from legacy_lens import ts
from legacy_lens.extractors import tsfacts
from legacy_lens.extractors.java import JavaAnalyser, class_candidates, library_id
from legacy_lens.languages import LanguageSpec, language_by_name
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

JSP_EXTENSIONS = (".jsp", ".jspf", ".jspx", ".JSP", ".JSPF", ".JSPX")
_PAGE_EXTENSIONS = (".jsp", ".jspf", ".jspx")
_TAG = re.compile(r"<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")
# An attribute name starts where no name character precedes it, so a long run of name characters is
# tried once, not from each of its positions (linear time).
_ATTR = re.compile(r"(?<![\w:.-])([A-Za-z_:][\w:.-]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
_ENTITY_REF = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z_][\w.-]{0,63});")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_DOCTYPE_END = re.compile(r"\]\s*>")
_ENTITY_DECL = re.compile(r"<!ENTITY\s+(%\s+)?([\w.:-]+)\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_JSP_START = re.compile(
    r"<%--|<%@|<%!|<%=|<%|<jsp:(?:scriptlet|declaration|expression|directive\.page|directive\.include|include|"
    r"forward|useBean)\b|<html:(?:form|link|rewrite)\b|<(?i:form|a)\b|<!--")
# JSP implicit objects, typed so that calls on them are known platform calls.
_IMPLICIT = {
    "request": "javax.servlet.http.HttpServletRequest", "response": "javax.servlet.http.HttpServletResponse",
    "session": "javax.servlet.http.HttpSession", "application": "javax.servlet.ServletContext",
    "out": "javax.servlet.jsp.JspWriter", "pageContext": "javax.servlet.jsp.PageContext",
    "config": "javax.servlet.ServletConfig", "page": "java.lang.Object", "exception": "java.lang.Throwable",
}
_FQN = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")


# -- a tolerant, non-validating XML reader ---------------------------------------------------------------
@dataclass(slots=True)
class XmlElement:
    tag: str  # local name (a namespace prefix removed)
    attrs: dict[str, str]
    line: int
    children: list[XmlElement] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def find(self, tag: str) -> XmlElement | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[XmlElement]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str:
        found = self.find(tag)
        return found.text if found is not None else ""

    def iter(self, tag: str) -> list[XmlElement]:
        """Every descendant called ``tag``, in document order (iterative)."""
        out: list[XmlElement] = []
        stack = list(reversed(self.children))
        while stack:
            current = stack.pop()
            if current.tag == tag:
                out.append(current)
            stack.extend(reversed(current.children))
        return out


@dataclass(slots=True)
class XmlDocument:
    root: XmlElement | None
    comment_lines: set[int]
    unreadable_lines: set[int]
    diagnostics: list[Diagnostic]


class _Lines:
    """Offset -> 1-based line, by bisection over the newline offsets."""

    def __init__(self, text: str) -> None:
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.newlines, offset - 1) + 1


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def read_xml(text: str, path: str) -> XmlDocument:
    """Elements of an XML document, without loading a DTD or expanding custom entities. Never raises."""
    line_of = _Lines(text)
    diagnostics: list[Diagnostic] = []
    comments: set[int] = set()
    unreadable: set[int] = set()
    unexpanded: dict[str, int] = {}

    def decode(value: str, offset: int) -> str:
        def one(m: re.Match[str]) -> str:
            ref = m.group(1)
            try:
                if ref.startswith("#x"):
                    return chr(int(ref[2:], 16))
                if ref.startswith("#"):
                    return chr(int(ref[1:]))
            except (ValueError, OverflowError):
                return m.group(0)
            if ref in _PREDEFINED:
                return _PREDEFINED[ref]
            unexpanded.setdefault(ref, line_of(offset + m.start()))
            return m.group(0)

        return _ENTITY_REF.sub(one, value) if "&" in value else value

    root: XmlElement | None = None
    stack: list[XmlElement] = []
    n = len(text)
    i = 0

    def give_up(start: int, what: str) -> None:
        first, last = line_of(start), line_of(n)
        unreadable.update(range(first, last + 1))
        diagnostics.append(Diagnostic(path, WARNING, "J2EE-XML-MALFORMED",
                                      f"{what} is not closed; the rest of the file was not read", first))

    while i < n:
        lt = text.find("<", i)
        if lt < 0:
            if stack:
                stack[-1].parts.append(decode(text[i:], i))
            break
        if lt > i and stack:
            stack[-1].parts.append(decode(text[i:lt], i))
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            if end < 0:
                give_up(lt, "a comment")
                break
            comments.update(range(line_of(lt), line_of(end) + 1))
            i = end + 3
            continue
        if text.startswith("<![CDATA[", lt):
            end = text.find("]]>", lt + 9)
            if end < 0:
                give_up(lt, "a CDATA section")
                break
            if stack:
                stack[-1].parts.append(text[lt + 9:end])
            i = end + 3
            continue
        if text.startswith("<?", lt):
            end = text.find("?>", lt + 2)
            if end < 0:
                give_up(lt, "a processing instruction")
                break
            i = end + 2
            continue
        if text.startswith("<!", lt):
            bracket = text.find("[", lt)
            close = text.find(">", lt)
            if close < 0:
                give_up(lt, "a declaration")
                break
            if text[lt:lt + 9].upper() == "<!DOCTYPE" and 0 <= bracket < close:
                m = _DOCTYPE_END.search(text, bracket)
                if m is None:
                    give_up(lt, "the DOCTYPE internal subset")
                    break
                subset = text[bracket:m.start()]
                for decl in _ENTITY_DECL.finditer(subset):
                    diagnostics.append(Diagnostic(
                        path, WARNING, "J2EE-XML-EXTERNAL-ENTITY",
                        f"the document declares the external entity {decl.group(2)}; it was not fetched and "
                        "references to it are left as written", line_of(bracket + decl.start())))
                i = m.end()
            else:
                i = close + 1
            continue
        if text.startswith("</", lt):
            close = text.find(">", lt)
            if close < 0:
                give_up(lt, "an end tag")
                break
            name = _local(text[lt + 2:close].strip())
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag == name:
                    del stack[depth:]
                    break
            else:
                diagnostics.append(Diagnostic(path, INFO, "J2EE-XML-UNMATCHED",
                                              f"end tag </{name}> has no start tag; ignored", line_of(lt)))
            i = close + 1
            continue
        m = _TAG.match(text, lt)
        if m is not None:
            raw_name, raw_attrs, empty, end = m.group(1), m.group(2), m.group(3), m.end()
        else:
            # Attributes without quotes or values: read to the next '>' outside quotes, loosely.
            j = lt + 1
            quote = ""
            while j < n and (quote or text[j] != ">"):
                if text[j] in "\"'":
                    quote = "" if quote == text[j] else (quote or text[j])
                j += 1
            if j >= n:
                give_up(lt, "a start tag")
                break
            inner = text[lt + 1:j]
            name_match = re.match(r"[A-Za-z_][\w:.-]*", inner)
            if name_match is None:
                if stack:
                    stack[-1].parts.append("<")
                i = lt + 1
                continue
            raw_name, raw_attrs = name_match.group(0), inner[name_match.end():]
            empty = "/" if inner.rstrip().endswith("/") else ""
            end = j + 1
        attrs = {}
        for a in _ATTR.finditer(raw_attrs):
            value = a.group(2)
            if value[:1] in "\"'":
                value = value[1:-1]
            attrs[_local(a.group(1))] = decode(value, lt)
        element = XmlElement(_local(raw_name), attrs, line_of(lt))
        if stack:
            stack[-1].children.append(element)
        elif root is None:
            root = element
        else:
            diagnostics.append(Diagnostic(path, INFO, "J2EE-XML-EXTRA-ROOT",
                                          f"element <{element.tag}> after the root element; ignored", element.line))
        if not empty and (stack or element is root):
            stack.append(element)
        i = end
    for name, line in sorted(unexpanded.items(), key=lambda x: x[1]):
        diagnostics.append(Diagnostic(path, INFO, "J2EE-XML-ENTITY",
                                      f"entity &{name}; was not expanded (only the predefined XML entities are)", line))
    return XmlDocument(root, comments, unreadable, diagnostics)


# -- paths in a web application --------------------------------------------------------------------------
def web_root(path: str) -> tuple[str, bool]:
    """(web application root, exact): the folder holding ``WEB-INF``, else the descriptor's folder."""
    parts = path.split("/")
    if "WEB-INF" in parts[:-1]:
        return "/".join(parts[:parts.index("WEB-INF")]), True
    if "META-INF" in parts[:-1]:
        return "/".join(parts[:parts.index("META-INF")]), False
    return posixpath.dirname(path), False


def _clean(path: str) -> str:
    return path.split("?", 1)[0].split("#", 1)[0].split(";jsessionid", 1)[0].strip()


def page_targets(written: str, base_dir: str, root: str, exact: bool) -> tuple[str, tuple[str, ...]] | None:
    """(target, candidates) for a page path as written in a descriptor or a page.

    A path starting with ``/`` is relative to the web application root: the root itself when it is
    known (``exact``), else each folder from ``base_dir`` up to the scan root, nearest first. Other
    paths are relative to ``base_dir``.
    """
    written = _clean(written)
    if not written or "<%" in written or "${" in written or "#{" in written or "{" in written or "://" in written:
        return None
    if written.startswith("/"):
        rel = written.lstrip("/")
        if exact:
            return posixpath.normpath(posixpath.join(root, rel)) if root else posixpath.normpath(rel), ()
        roots: list[str] = []
        current = base_dir
        while True:
            roots.append(current)
            parent = posixpath.dirname(current)
            if not current or parent == current:  # the scan root, or "/" for an absolute path
                break
            current = parent
        names = [posixpath.normpath(posixpath.join(r, rel)) if r else posixpath.normpath(rel) for r in roots]
        names = [x for x in names if not x.startswith("..")]
        if not names:
            return None
        return names[-1], tuple(dict.fromkeys(names[:-1]))
    joined = posixpath.normpath(posixpath.join(base_dir, written)) if base_dir else posixpath.normpath(written)
    if joined.startswith(".."):
        return None
    return joined, ()


_CONTEXT_PATH = re.compile(r"^\s*(?:<%=\s*request\s*\.\s*getContextPath\s*\(\s*\)\s*%>|"
                           r"\$\{\s*pageContext\s*\.\s*request\s*\.\s*contextPath\s*\})")


def _strip_context_path(written: str) -> str:
    """``<%= request.getContextPath() %>/x.do`` and ``${pageContext.request.contextPath}/x.do`` -> ``/x.do``."""
    return _CONTEXT_PATH.sub("", written, count=1)


def action_path(written: str) -> str | None:
    """The Struts action path a URL names (``/Logon.do?x=1`` -> ``/Logon``), or None when it names none."""
    written = _clean(written)
    if not written.endswith(".do") or "<%" in written or "${" in written or "{" in written:
        return None
    written = posixpath.normpath("/" + written[:-3].lstrip("/"))  # "../../x.do" from a page: the root's x
    return written if len(written) > 1 else None


def _url_id(kind: str, root: str, name: str) -> str:
    """Ids of URLs and actions are unique within a web application: qualified by its root below the scan root."""
    if not root:
        return f"{kind}:{name}"
    return f"{kind}:{root}{name}" if name.startswith("/") else f"{kind}:{root}/{name}"


# -- descriptors --------------------------------------------------------------------------------------------
class _Facts:
    def __init__(self, path: str) -> None:
        self.path = path
        self.definitions: dict[str, Definition] = {}
        self.references: dict[Reference, None] = {}
        self.diagnostics: list[Diagnostic] = []
        # A Struts module's prefix (``/admin``): its action paths and forwards are relative to it.
        self.module = ""
        self.wildcards: list[tuple[re.Pattern[str], str]] = []  # (matcher, action name) of wildcard mappings

    def action_ref(self, source: str, kind: str, action: str, line: int, via: str, detail: str) -> None:
        """A reference to a Struts action path written in a (module's) struts-config: the module's own
        action first, then the module's wildcard mappings that match it, then the path as written."""
        names = [self.module + action] if self.module else []
        names += [name for matcher, name in self.wildcards if len(action) <= 200 and matcher.match(action)]
        names.append(action)
        names = list(dict.fromkeys(names))
        target = names[0]
        self.add(Reference(source, kind, "action", target, line, via, detail=detail,
                           candidates=tuple(names) if len(names) > 1 else ()))

    def define(self, d: Definition) -> bool:
        if d.component_id in self.definitions:
            return False
        self.definitions[d.component_id] = d
        return True

    def add(self, ref: Reference) -> None:
        self.references.setdefault(ref, None)

    def class_ref(self, source: str, kind: str, fqn: str, line: int, via: str, detail: str) -> None:
        fqn = fqn.strip()
        if "{" in fqn and "}" in fqn:
            self.diagnostics.append(Diagnostic(self.path, INFO, "J2EE-WILDCARD-CLASS",
                                               f"class {fqn} is chosen by a wildcard mapping at run time; "
                                               "not resolved", line))
            return
        if not fqn or not _FQN.match(fqn):
            if fqn:
                self.diagnostics.append(Diagnostic(self.path, INFO, "J2EE-BAD-CLASS-NAME",
                                                   f"{fqn!r} is not a Java class name; ignored", line))
            return
        self.add(Reference(source, kind, "class", fqn, line, via, detail=detail,
                           candidates=class_candidates(fqn) if len(class_candidates(fqn)) > 1 else (),
                           external=library_id(fqn)))

    def page_ref(self, source: str, kind: str, written: str, line: int, via: str, detail: str, root: str,
                 exact: bool, context_relative: bool = True) -> None:
        """A reference to a JSP page or, for a ``*.do`` path, to a Struts action.

        Descriptors name paths relative to the web application root (``context_relative``), even when
        the leading ``/`` is left out; a page's relative paths are relative to the page's folder.
        """
        written = _strip_context_path(written)
        if "<%" in written:
            what = re.sub(r"<%=?|%>|[^\w$.]", "", written)[:60] or "expression"
            self.add(Reference(source, kind, "page", what, line, via, dynamic=True, detail=f"{detail}: page "
                               "named at run time"))
            return
        if context_relative and written and not written.startswith("/"):
            written = "/" + written.strip()
        action = action_path(written)
        if action is not None:
            if context_relative:
                self.action_ref(source, kind, action, line, via, detail)
            else:
                self.add(Reference(source, kind, "action", action, line, via, detail=detail))
            return
        if not _clean(written).lower().endswith(_PAGE_EXTENSIONS):
            return  # Tiles definitions, HTML, templates of other engines: not pages of the scan
        if context_relative and self.module and exact:
            # Struts forwards are module-relative by default; a contextRelative forward is the fallback.
            in_module = page_targets(self.module + written, "", root, True)
            in_context = page_targets(written, "", root, True)
            if in_module is not None and in_context is not None:
                self.add(Reference(source, kind, "page", in_module[0], line, via, detail=detail,
                                   candidates=(in_module[0], in_context[0])))
            return
        found = page_targets(written, posixpath.dirname(self.path), root, exact)
        if found is not None:
            self.add(Reference(source, kind, "page", found[0], line, via, detail=detail, candidates=found[1]))


def _web_xml(doc: XmlElement, facts: _Facts) -> None:
    path = facts.path
    root, exact = web_root(path)
    project = f"project:{path}"
    display = doc.child_text("display-name")
    version = doc.attrs.get("version", "")
    facts.define(Definition("project", path, doc.line, detail="; ".join(
        x for x in ("web-app" + (f" {version}" if version else ""), display) if x), id=project))
    via = "web-xml"
    servlets: dict[str, XmlElement] = {}
    for servlet in doc.findall("servlet"):
        name = servlet.child_text("servlet-name")
        servlets.setdefault(name, servlet)
        cls = servlet.child_text("servlet-class")
        jsp = servlet.child_text("jsp-file")
        if cls:
            facts.class_ref(project, "contains", cls, servlet.line, via, f"servlet {name}")
        elif jsp:
            facts.page_ref(project, "contains", jsp, servlet.line, via, f"servlet {name}", root, exact)
        for param in servlet.findall("init-param"):
            pname, value = param.child_text("param-name"), param.child_text("param-value")
            if pname == "config" or pname.startswith("config/"):
                module = pname[len("config"):] or "/"
                for config in value.split(","):
                    found = page_targets(config.strip(), posixpath.dirname(path), root, exact)
                    if found is not None:
                        facts.add(Reference(project, "contains", "project", found[0], param.line, via,
                                            detail=f"struts module {module}", candidates=found[1]))
    filters: dict[str, XmlElement] = {}
    for flt in doc.findall("filter"):
        name = flt.child_text("filter-name")
        filters.setdefault(name, flt)
        if flt.child_text("filter-class"):
            facts.class_ref(project, "contains", flt.child_text("filter-class"), flt.line, via, f"filter {name}")
    for listener in doc.findall("listener"):
        if listener.child_text("listener-class"):
            facts.class_ref(project, "contains", listener.child_text("listener-class"), listener.line, via,
                            "listener")
    urls_of: dict[str, list[str]] = {}

    def url(pattern: str, line: int) -> str:
        uid = _url_id("url", root, pattern)
        facts.define(Definition("url", pattern, line, id=uid, detail=f"web application {root or '.'}"))
        return uid

    for mapping in doc.findall("servlet-mapping"):
        name = mapping.child_text("servlet-name")
        declared = servlets.get(name)
        for pattern_el in mapping.findall("url-pattern"):
            pattern = pattern_el.text
            if not pattern:
                continue
            uid = url(pattern, pattern_el.line)
            urls_of.setdefault(name, []).append(uid)
            if declared is None:
                facts.diagnostics.append(Diagnostic(path, WARNING, "J2EE-UNKNOWN-SERVLET",
                                                    f"servlet-mapping names servlet {name!r}, which is not declared",
                                                    mapping.line))
                continue
            if declared.child_text("servlet-class"):
                facts.class_ref(uid, "maps", declared.child_text("servlet-class"), pattern_el.line, via,
                                f"servlet {name}")
            elif declared.child_text("jsp-file"):
                facts.page_ref(uid, "maps", declared.child_text("jsp-file"), pattern_el.line, via,
                               f"servlet {name}", root, exact)
    for mapping in doc.findall("filter-mapping"):
        name = mapping.child_text("filter-name")
        declared_filter = filters.get(name)
        cls = declared_filter.child_text("filter-class") if declared_filter is not None else ""
        if declared_filter is None:
            facts.diagnostics.append(Diagnostic(path, WARNING, "J2EE-UNKNOWN-FILTER",
                                                f"filter-mapping names filter {name!r}, which is not declared",
                                                mapping.line))
        sources = [(url(p.text, p.line), p.line) for p in mapping.findall("url-pattern") if p.text]
        for s in mapping.findall("servlet-name"):
            sources.extend((uid, s.line) for uid in urls_of.get(s.text, []))
        for uid, line in sources:
            if cls:
                facts.class_ref(uid, "maps", cls, line, via, f"filter {name}")
    for welcome in doc.iter("welcome-file"):
        facts.page_ref(project, "contains", welcome.text, welcome.line, via, "welcome-file", root, exact)
    for error in doc.findall("error-page"):
        location = error.child_text("location")
        why = error.child_text("error-code") or error.child_text("exception-type")
        if location:
            facts.page_ref(project, "contains", location, error.line, via, f"error-page {why}".strip(), root, exact)
    for ref_tag in ("ejb-ref", "ejb-local-ref"):
        for ref in doc.iter(ref_tag):
            link = ref.child_text("ejb-link").split("#")[-1]
            if link:
                facts.add(Reference(project, "calls", "bean", link, ref.line, via,
                                    detail=f"{ref_tag} {ref.child_text('ejb-ref-name')}".strip()))


def struts_module(path: str) -> str:
    """The Struts module prefix of a configuration file by the usual layout: ``WEB-INF/admin/struts-config.xml``
    -> ``/admin``; a file directly in ``WEB-INF`` (or outside one) belongs to the default module ("")."""
    parts = path.split("/")
    if "WEB-INF" not in parts[:-1]:
        return ""
    inner = parts[parts.index("WEB-INF") + 1:-1]
    return "/" + "/".join(inner) if inner else ""


def _wildcard(pattern: str) -> re.Pattern[str] | None:
    """A Struts wildcard mapping as a regex: ``*`` is any run without ``/``, ``**`` any run. None for
    patterns with many stars (their matching cost grows with each one)."""
    if pattern.count("*") > 4:
        return None
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _struts_config(doc: XmlElement, facts: _Facts) -> None:
    path = facts.path
    root, exact = web_root(path)
    project = f"project:{path}"
    module = struts_module(path)
    facts.module = module
    facts.define(Definition("project", path, doc.line, id=project,
                            detail="struts-config" + (f"; module {module}" if module else "")))
    via = "struts-config"
    for action in doc.iter("action"):
        apath = action.attrs.get("path", "").strip()
        matcher = _wildcard(apath) if "*" in apath else None
        if matcher is not None:
            facts.wildcards.append((matcher, module + apath))
    forms: dict[str, str] = {}
    for bean in doc.iter("form-bean"):
        name, cls = bean.attrs.get("name", ""), bean.attrs.get("type", "")
        if cls:
            forms.setdefault(name, cls)
            facts.class_ref(project, "contains", cls, bean.line, via, f"form-bean {name}")
    global_forwards: dict[str, str] = {}
    gf = doc.find("global-forwards")
    for fwd in gf.findall("forward") if gf is not None else []:
        name, target = fwd.attrs.get("name", ""), fwd.attrs.get("path", "")
        global_forwards.setdefault(name, target)
        facts.page_ref(project, "contains", target, fwd.line, via, f"global forward {name}", root, exact)
    ge = doc.find("global-exceptions")
    for exc in ge.findall("exception") if ge is not None else []:
        if exc.attrs.get("handler"):
            facts.class_ref(project, "contains", exc.attrs["handler"], exc.line, via, "exception handler")
        if exc.attrs.get("path"):
            facts.page_ref(project, "contains", exc.attrs["path"], exc.line, via,
                           f"global exception {exc.attrs.get('type', '')}".strip(), root, exact)
    for tag, attr, what in (("controller", "processorClass", "controller"), ("plug-in", "className", "plug-in")):
        for el in doc.iter(tag):
            if el.attrs.get(attr):
                facts.class_ref(project, "contains", el.attrs[attr], el.line, via, what)
    for action in doc.iter("action"):
        apath = action.attrs.get("path", "").strip()
        if not apath:
            continue
        name = module + apath
        aid = _url_id("action", root, name)
        if not facts.define(Definition("action", name, action.line, id=aid, detail=f"struts-config {path}")):
            facts.diagnostics.append(Diagnostic(path, INFO, "J2EE-DUPLICATE-ACTION",
                                                f"action {apath} is mapped twice in this file; the facts of both "
                                                "mappings are kept on one action", action.line))
        if action.attrs.get("type"):
            facts.class_ref(aid, "maps", action.attrs["type"], action.line, via, "action type")
        form = action.attrs.get("name", "")
        if form and form in forms:
            facts.class_ref(aid, "maps", forms[form], action.line, via, f"form {form}")
        for attr in ("forward", "include"):
            if action.attrs.get(attr):
                facts.page_ref(aid, "maps", action.attrs[attr], action.line, via, attr, root, exact)
        local = {f.attrs.get("name", ""): f for f in action.findall("forward")}
        input_ = action.attrs.get("input", "")
        if input_:
            target = input_ if "/" in input_ or "." in input_ else (
                local[input_].attrs.get("path", "") if input_ in local else global_forwards.get(input_, ""))
            facts.page_ref(aid, "maps", target, action.line, via, "input", root, exact)
        for fwd in action.findall("forward"):
            facts.page_ref(aid, "maps", fwd.attrs.get("path", ""), fwd.line, via,
                           f"forward {fwd.attrs.get('name', '')}".strip(), root, exact)
        for exc in action.findall("exception"):
            if exc.attrs.get("handler"):
                facts.class_ref(aid, "maps", exc.attrs["handler"], exc.line, via, "exception handler")
            if exc.attrs.get("path"):
                facts.page_ref(aid, "maps", exc.attrs["path"], exc.line, via,
                               f"exception {exc.attrs.get('type', '')}".strip(), root, exact)


_BEAN_ROLES = ("ejb-class", "home", "remote", "local-home", "local", "service-endpoint")


def _ejb_jar(doc: XmlElement, facts: _Facts) -> None:
    via = "ejb-jar"
    beans = doc.find("enterprise-beans")
    if beans is None:
        return
    for bean in beans.children:
        if bean.tag not in ("session", "entity", "message-driven"):
            continue
        name = bean.child_text("ejb-name")
        if not name:
            facts.diagnostics.append(Diagnostic(facts.path, WARNING, "J2EE-BEAN-WITHOUT-NAME",
                                                f"<{bean.tag}> has no ejb-name; ignored", bean.line))
            continue
        detail = bean.tag
        if bean.tag == "session" and bean.child_text("session-type"):
            detail = f"{bean.child_text('session-type').lower()} session"
        elif bean.tag == "entity" and bean.child_text("persistence-type"):
            detail = f"entity ({bean.child_text('persistence-type')}-managed)"
        bid = f"bean:{name}"
        if not facts.define(Definition("bean", name, bean.line, detail=detail)):
            facts.diagnostics.append(Diagnostic(facts.path, WARNING, "J2EE-DUPLICATE-BEAN",
                                                f"bean {name} is declared twice in this file", bean.line))
        for role in _BEAN_ROLES:
            el = bean.find(role)
            if el is not None and el.text:
                facts.class_ref(bid, "maps", el.text, el.line, via, role)
        for ref_tag in ("ejb-ref", "ejb-local-ref"):
            for ref in bean.findall(ref_tag):
                link = ref.child_text("ejb-link").split("#")[-1]
                if link:
                    facts.add(Reference(bid, "calls", "bean", link, ref.line, via,
                                        detail=f"{ref_tag} {ref.child_text('ejb-ref-name')}".strip()))


_DESCRIPTORS = {"web-app": _web_xml, "struts-config": _struts_config, "ejb-jar": _ejb_jar}


def _descriptor(text: str, path: str) -> Extraction:
    doc = read_xml(text, path)
    facts = _Facts(path)
    facts.diagnostics.extend(doc.diagnostics)
    reader = _DESCRIPTORS.get(doc.root.tag) if doc.root is not None else None
    if doc.root is None:
        facts.diagnostics.append(Diagnostic(path, WARNING, "J2EE-NOT-XML", "no XML element found", None))
    elif reader is None:
        facts.diagnostics.append(Diagnostic(path, INFO, "J2EE-UNKNOWN-DESCRIPTOR",
                                            f"root element <{doc.root.tag}> is not web-app, struts-config or "
                                            "ejb-jar; nothing read", doc.root.line))
    else:
        reader(doc.root, facts)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    counts = tsfacts.count_lines(lines, doc.comment_lines)
    unreadable = sum(1 for n in doc.unreadable_lines if n <= len(lines) and lines[n - 1].strip()
                     and n not in doc.comment_lines)
    metrics = [(d.component_id, Metrics(code_lines=counts.code, comment_lines=counts.comment,
                                        blank_lines=counts.blank, complexity=1))
               for d in facts.definitions.values() if d.kind == "project"]
    return Extraction(
        definitions=tuple(facts.definitions.values()),
        references=tuple(facts.references),
        metrics=tuple(metrics),
        diagnostics=tuple(facts.diagnostics),
        lines=counts,
        parse=ParseQuality(status="line-parser", parser="line:j2ee-xml",
                           error_ratio=round(unreadable / counts.code, 4) if counts.code else 0.0,
                           fallback_used=False, fallback_lines=unreadable),
    )


# -- JSP ----------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Page:
    text: str
    path: str
    page: str
    line_of: _Lines
    declarations: list[str]  # characters of the class-body code, newlines kept
    service: list[str]  # characters of the service-method code, newlines kept
    comment_spans: list[tuple[int, int]] = field(default_factory=list)
    imports: list[tuple[str, int]] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    facts: _Facts | None = None


def _attrs(raw: str) -> dict[str, str]:
    out = {}
    for a in _ATTR.finditer(raw):
        value = a.group(2)
        out[a.group(1)] = value[1:-1] if value[:1] in "\"'" else value
    return out


def _tag_end(text: str, start: int) -> int:
    """Offset just past the ``>`` that closes the tag starting at ``start`` (quotes and ``<% %>`` skipped)."""
    n = len(text)
    j = start + 1
    quote = ""
    while j < n:
        ch = text[j]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == ">":
            return j + 1
        elif text.startswith("<%", j):
            close = text.find("%>", j + 2)
            if close < 0:
                return n
            j = close + 2
            continue
        j += 1
    return n


def _copy(target: list[str], text: str, start: int, end: int) -> None:
    for k in range(start, min(end, len(text))):
        if text[k] != "\n":
            target[k] = text[k]


def _jsp_scan(pg: _Page) -> None:
    text = pg.text
    facts = pg.facts
    assert facts is not None
    root, exact = web_root(pg.path)
    n = len(text)
    i = 0
    while i < n:
        m = _JSP_START.search(text, i)
        if m is None:
            break
        start = m.start()
        token = m.group(0)
        line = pg.line_of(start)
        if token in ("<%--", "<!--"):
            closer = "--%>" if token == "<%--" else "-->"
            end = text.find(closer, start + len(token))
            end = n if end < 0 else end + len(closer)
            pg.comment_spans.append((start, end))
            i = end
            continue
        if token.startswith("<%"):
            end = text.find("%>", start + len(token))
            if end < 0:
                facts.diagnostics.append(Diagnostic(pg.path, WARNING, "JSP-UNTERMINATED",
                                                    f"{token} is not closed by %>; read to the end of the page",
                                                    line))
                end = n
            body_start = start + len(token)
            if token == "<%@":
                _directive(pg, text[body_start:end], line, root, exact)
            elif token == "<%!":
                _copy(pg.declarations, text, body_start, end)
            elif token == "<%=":
                pg.service[start:start + 3] = list("_p(")
                _copy(pg.service, text, body_start, end)
                if end + 2 <= n:
                    pg.service[end:end + 2] = list(");")
            else:
                _copy(pg.service, text, body_start, end)
            i = min(n, end + 2)
            continue
        if token in ("<jsp:scriptlet", "<jsp:declaration", "<jsp:expression"):
            open_end = _tag_end(text, start)
            closer = "</" + token[1:] + ">"
            end = text.find(closer, open_end)
            end = n if end < 0 else end
            target = pg.declarations if token == "<jsp:declaration" else pg.service
            _copy(target, _xml_unescape_keep_length(text, open_end, end), open_end, end)
            if token == "<jsp:expression" and open_end - start >= 3:
                pg.service[start:start + 3] = list("_p(")
                if end + 2 <= n:
                    pg.service[end:end + 2] = list(");")
            i = min(n, end + len(closer))
            continue
        end = _tag_end(text, start)
        attrs = _attrs(text[start + len(token):end])
        _attribute_expressions(pg, start, end)
        if token == "<jsp:directive.page":
            for item in attrs.get("import", "").split(","):
                if item.strip():
                    pg.imports.append((item.strip(), line))
        elif token in ("<jsp:directive.include", "<jsp:include"):
            included = attrs.get("file" if token == "<jsp:directive.include" else "page", "")
            facts.page_ref(pg.page, "includes", included, line, "jsp-include",
                           "include directive" if token == "<jsp:directive.include" else "jsp:include", root, exact,
                           context_relative=False)
        elif token == "<jsp:forward":
            facts.page_ref(pg.page, "calls", attrs.get("page", ""), line, "jsp-forward", "jsp:forward", root, exact,
                           context_relative=False)
        elif token == "<jsp:useBean":
            cls = attrs.get("class") or attrs.get("type") or attrs.get("beanName") or ""
            bean_id = attrs.get("id", "")
            if cls and "<%" not in cls:
                facts.class_ref(pg.page, "calls", cls, line, "jsp-usebean", f"useBean {bean_id}".strip())
                if bean_id:
                    pg.variables[bean_id] = attrs.get("type") or cls
        elif token.startswith("<html:"):
            for attr in ("action", "page", "href"):
                value = _clean(attrs.get(attr, ""))
                if attr == "action" and value and not value.endswith(".do"):
                    value += ".do"  # Struts tags name the action path without the servlet's extension
                apath = action_path(value) if value else None
                if apath is not None:
                    facts.add(Reference(pg.page, "calls", "action", apath, line, "jsp-form-action",
                                        detail=token[1:], candidates=_module_candidates(pg.path, apath)))
        else:  # an HTML form or link
            lower = {k.lower(): v for k, v in attrs.items()}
            attr = "action" if token.lower() == "<form" else "href"
            written = _strip_context_path(lower.get(attr, ""))
            apath = action_path(written)
            if apath is None and _clean(written).lower().endswith(_PAGE_EXTENSIONS):
                facts.page_ref(pg.page, "calls", written, line, "jsp-form-action" if attr == "action" else "jsp-link",
                               token[1:].lower(), root, exact, context_relative=False)
            if apath is not None:
                relative = not written.startswith("/")
                facts.add(Reference(pg.page, "calls", "action", apath, line, "jsp-form-action" if attr == "action"
                                    else "jsp-link", detail=token[1:].lower(),
                                    candidates=_module_candidates(pg.path, apath) if relative else ()))
        i = max(end, start + 1)


def _attribute_expressions(pg: _Page, start: int, end: int) -> None:
    """Request-time attribute values (``href="<%= rec.getUrl() %>"``) are code of the page too."""
    text = pg.text
    i = text.find("<%=", start, end)
    while 0 <= i < end:
        close = text.find("%>", i + 3, end)
        if close < 0:
            return
        pg.service[i:i + 3] = list("_p(")
        _copy(pg.service, text, i + 3, close)
        pg.service[close:close + 2] = list(");")
        i = text.find("<%=", close + 2, end)


def _module_candidates(page: str, action: str) -> tuple[str, ...]:
    """Struts tags name actions relative to the page's module: ``/list`` on ``web/admin/p.jsp`` may be
    ``/admin/list`` (or ``/web/admin/list`` when the web root is higher up), nearest folder first."""
    folders = [f for f in posixpath.dirname(page).split("/") if f]
    names = ["/" + "/".join(folders[-k:]) + action for k in range(1, min(len(folders), 6) + 1)]
    return (*names, action) if names else ()


def _xml_unescape_keep_length(text: str, start: int, end: int) -> str:
    """``text`` with the XML escapes inside [start, end) decoded, each line padded with blanks to its old
    length so that every line break, and every offset after the segment, stays where it was."""
    segment = text[start:end]
    if "&" not in segment:
        return text
    rows = []
    for row in segment.split("\n"):
        decoded = row
        for escape, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
            decoded = decoded.replace(escape, char)
        rows.append(decoded + " " * (len(row) - len(decoded)))
    return text[:start] + "\n".join(rows) + text[end:]


def _directive(pg: _Page, body: str, line: int, root: str, exact: bool) -> None:
    facts = pg.facts
    assert facts is not None
    name_match = re.match(r"\s*([\w.]+)", body)
    name = name_match.group(1) if name_match else ""
    attrs = _attrs(body[name_match.end():] if name_match else body)
    if name == "page":
        for item in attrs.get("import", "").split(","):
            if item.strip():
                pg.imports.append((item.strip(), line))
        if attrs.get("errorPage"):
            facts.page_ref(pg.page, "calls", attrs["errorPage"], line, "jsp-error-page", "errorPage", root, exact,
                           context_relative=False)
    elif name == "include":
        facts.page_ref(pg.page, "includes", attrs.get("file", ""), line, "jsp-include", "include directive", root,
                       exact, context_relative=False)
    elif name == "taglib":
        uri = (attrs.get("uri") or attrs.get("tagdir") or "").strip()
        if uri and "<%" not in uri:
            prefix = attrs.get("prefix", "")
            # A tag library named by its descriptor's path (/WEB-INF/struts-html.tld) is named by the file.
            library = posixpath.basename(uri)[:-4] if uri.lower().endswith(".tld") else uri
            facts.add(Reference(pg.page, "imports", "library", library, line, "jsp-taglib",
                                detail="; ".join(x for x in (f"prefix {prefix}" if prefix else "", uri) if x),
                                external=f"library:{library}"))


def _jsp(text: str, path: str, spec: LanguageSpec) -> Extraction:
    page = f"page:{path}"
    facts = _Facts(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    facts.define(Definition("page", path, 1, max(1, len(lines))))
    blank = [" " if ch != "\n" else "\n" for ch in text]
    pg = _Page(text, path, page, _Lines(text), list(blank), list(blank), facts=facts)
    _jsp_scan(pg)
    declarations = "".join(pg.declarations)
    service = "".join(pg.service)
    complexity, nesting, error_lines, fallback = 1, 0, 0, 0
    code_in_scriptlets = 0
    if declarations.strip() or service.strip() or pg.imports:
        java = language_by_name("java")
        n = text.count("\n")
        source = ("class _Jsp_ {\n" + declarations + "\nvoid _jspService() throws Throwable {\n" + service
                  + "\n}\n}\n")

        def line_map(row: int) -> int:
            if 1 <= row <= n + 1:
                return row
            if row >= n + 3:
                return row - n - 2
            return 1

        tree = ts.parse(java.grammar, source.encode("utf-8", "replace"))
        analyser = JavaAnalyser(tree, java, path, owner=page, line_map=line_map, imports=pg.imports,
                                variables={**_IMPLICIT, **pg.variables}, import_via="jsp-import")
        analyser.run()
        for ref in analyser.references:
            facts.add(ref)
        facts.diagnostics.extend(analyser.diagnostics)
        complexity, nesting = analyser.complexity(tree.root)
        fallback = analyser.fallback_lines
        error_lines = fallback
        code_in_scriptlets = sum(1 for row in (declarations + "\n" + service).split("\n") if row.strip())
        if analyser.errors:
            facts.diagnostics.append(Diagnostic(
                path, WARNING, "JSP-SCRIPTLET-PARSE-ERRORS",
                f"the Java grammar could not read {fallback} scriptlet line(s); a statement-level scan read them",
                line_map(int(analyser.errors[0].start_point[0]))))
    comments = _comment_lines(pg, len(lines))
    counts = tsfacts.count_lines(lines, comments)
    code = max(counts.code, 1)
    return Extraction(
        definitions=tuple(facts.definitions.values()),
        references=tuple(facts.references),
        metrics=((page, Metrics(code_lines=counts.code, comment_lines=counts.comment, blank_lines=counts.blank,
                                complexity=complexity, max_nesting=nesting)),),
        diagnostics=tuple(facts.diagnostics),
        lines=LineCounts(code=counts.code, comment=counts.comment, blank=counts.blank),
        parse=ParseQuality(status="line-parser", parser="line:jsp",
                           error_ratio=round(min(1.0, error_lines / code), 4) if code_in_scriptlets else 0.0,
                           fallback_used=fallback > 0, fallback_lines=fallback),
    )


def _comment_lines(pg: _Page, count: int) -> set[int]:
    """Lines whose only content lies inside JSP (``<%-- --%>``) or HTML comments."""
    if not pg.comment_spans:
        return set()
    mask = [False] * len(pg.text)
    for start, end in pg.comment_spans:
        for k in range(start, min(end, len(mask))):
            mask[k] = True
    out: set[int] = set()
    offset = 0
    for number, row in enumerate(pg.text.split("\n")[:count], start=1):
        if row.strip() and all(mask[offset + k] or row[k].isspace() for k in range(len(row))):
            out.add(number)
        offset += len(row) + 1
    return out


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Facts of one deployment descriptor or JSP page. Never raises on bad input."""
    if path.endswith(JSP_EXTENSIONS):
        return _jsp(text, path, spec)
    return _descriptor(text, path)
