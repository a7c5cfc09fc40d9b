"""J2EE extractor: web.xml, struts-config.xml, ejb-jar.xml and JSP pages, per fixture and per rule."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from legacy_lens.extractors import j2ee
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "j2ee"
SPEC = language_by_name("j2ee")

Refs = set[tuple[str, str, str, str, int, str, str]]


def run(rel: str) -> Extraction:
    return j2ee.extract((FIXTURES / rel).read_text(encoding="utf-8"), rel, SPEC)


def run_text(text: str, path: str) -> Extraction:
    return j2ee.extract(text, path, SPEC)


def refs(x: Extraction) -> Refs:
    return {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.detail) for r in x.references}


def defs(x: Extraction) -> set[tuple[str, str, int, str]]:
    return {(d.kind, d.name, d.line, d.component_id) for d in x.definitions}


def diags(x: Extraction) -> set[tuple[str, str, int | None]]:
    return {(d.severity, d.code, d.line) for d in x.diagnostics}


# -- web.xml -------------------------------------------------------------------------------------------
def test_web_xml_urls_servlets_filters_and_listeners() -> None:
    x = run("WebContent/WEB-INF/web.xml")
    project = "project:WebContent/WEB-INF/web.xml"
    assert defs(x) == {
        ("project", "WebContent/WEB-INF/web.xml", 6, project),
        ("url", "*.do", 65, "url:WebContent/*.do"),
        ("url", "/docket/*", 69, "url:WebContent/docket/*"),
        ("url", "/print/docket", 70, "url:WebContent/print/docket"),
        ("url", "/terms", 74, "url:WebContent/terms"),
        ("url", "/reports/*", 78, "url:WebContent/reports/*"),
        ("url", "/*", 23, "url:WebContent/*"),
    }
    assert [d.detail for d in x.definitions if d.kind == "project"] == ["web-app; CMS Clerk & Counter"]
    assert refs(x) == {
        (project, "contains", "class", "org.apache.struts.action.ActionServlet", 30, "web-xml", "servlet action"),
        (project, "contains", "project", "WebContent/WEB-INF/struts-config.xml", 33, "web-xml", "struts module /"),
        (project, "contains", "project", "WebContent/WEB-INF/struts-config-admin.xml", 37, "web-xml",
         "struts module /admin"),
        (project, "contains", "project", "WebContent/WEB-INF/hearings/struts-config.xml", 41, "web-xml",
         "struts module /hearings"),
        (project, "contains", "class", "gov.courts.cms.web.DocketServlet", 47, "web-xml", "servlet docket"),
        (project, "contains", "page", "WebContent/jsp/terms.jsp", 53, "web-xml", "servlet terms"),
        (project, "contains", "class", "gov.courts.cms.batch.NightlyInitServlet", 57, "web-xml", "servlet nightly"),
        (project, "contains", "class", "gov.courts.cms.web.AuditFilter", 9, "web-xml", "filter audit"),
        (project, "contains", "class", "org.apache.catalina.filters.SetCharacterEncodingFilter", 13, "web-xml",
         "filter encoding"),
        (project, "contains", "class", "gov.courts.cms.web.StartupListener", 26, "web-xml", "listener"),
        ("url:WebContent/*.do", "maps", "class", "org.apache.struts.action.ActionServlet", 65, "web-xml",
         "servlet action"),
        ("url:WebContent/docket/*", "maps", "class", "gov.courts.cms.web.DocketServlet", 69, "web-xml",
         "servlet docket"),
        ("url:WebContent/print/docket", "maps", "class", "gov.courts.cms.web.DocketServlet", 70, "web-xml",
         "servlet docket"),
        ("url:WebContent/terms", "maps", "page", "WebContent/jsp/terms.jsp", 74, "web-xml", "servlet terms"),
        # a filter mapped to a servlet applies to each of the servlet's URLs
        ("url:WebContent/docket/*", "maps", "class", "gov.courts.cms.web.AuditFilter", 19, "web-xml", "filter audit"),
        ("url:WebContent/print/docket", "maps", "class", "gov.courts.cms.web.AuditFilter", 19, "web-xml",
         "filter audit"),
        ("url:WebContent/*", "maps", "class", "org.apache.catalina.filters.SetCharacterEncodingFilter", 23,
         "web-xml", "filter encoding"),
        # welcome files are relative to the web root; index.html is not a page of the scan
        (project, "contains", "page", "WebContent/index.jsp", 82, "web-xml", "welcome-file"),
        (project, "contains", "page", "WebContent/jsp/notFound.jsp", 86, "web-xml", "error-page 404"),
        (project, "calls", "bean", "CaseManager", 91, "web-xml", "ejb-ref ejb/CaseManager"),
    }
    servlet = next(r for r in x.references if r.target == "gov.courts.cms.web.DocketServlet")
    assert servlet.external == "library:gov.courts.cms.web" and servlet.candidates == ()
    assert diags(x) == {("warning", "J2EE-UNKNOWN-SERVLET", 76)}
    assert x.parse.status == "line-parser" and x.parse.parser == "line:j2ee-xml" and x.parse.error_ratio == 0
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (89, 2, 7)


# -- struts-config.xml ----------------------------------------------------------------------------------
def test_struts_config_actions_forwards_and_form_beans() -> None:
    x = run("WebContent/WEB-INF/struts-config.xml")
    project = "project:WebContent/WEB-INF/struts-config.xml"
    search, detail = "action:WebContent/caseSearch", "action:WebContent/caseDetail"
    assert defs(x) == {
        ("project", "WebContent/WEB-INF/struts-config.xml", 5, project),
        ("action", "/caseSearch", 26, search),
        ("action", "/caseDetail", 33, detail),
        ("action", "/terms", 39, "action:WebContent/terms"),
        ("action", "/edit*", 40, "action:WebContent/edit*"),
    }
    assert refs(x) == {
        (project, "contains", "class", "gov.courts.cms.web.CaseSearchForm", 7, "struts-config",
         "form-bean caseSearchForm"),
        (project, "contains", "class", "org.apache.struts.validator.DynaValidatorForm", 8, "struts-config",
         "form-bean hearingForm"),
        (project, "contains", "class", "gov.courts.cms.web.DaoExceptionHandler", 15, "struts-config",
         "exception handler"),
        (project, "contains", "page", "WebContent/jsp/error.jsp", 15, "struts-config",
         "global exception gov.courts.cms.dao.DaoException"),
        (project, "contains", "page", "WebContent/index.jsp", 20, "struts-config", "global forward home"),
        (project, "contains", "action", "/caseSearch", 21, "struts-config", "global forward search"),
        (project, "contains", "class", "gov.courts.cms.web.CmsRequestProcessor", 49, "struts-config", "controller"),
        (project, "contains", "class", "org.apache.struts.validator.ValidatorPlugIn", 51, "struts-config",
         "plug-in"),
        (search, "maps", "class", "gov.courts.cms.web.CaseSearchAction", 26, "struts-config", "action type"),
        (search, "maps", "class", "gov.courts.cms.web.CaseSearchForm", 26, "struts-config", "form caseSearchForm"),
        (search, "maps", "page", "WebContent/jsp/caseSearch.jsp", 26, "struts-config", "input"),
        (search, "maps", "page", "WebContent/jsp/caseList.jsp", 30, "struts-config", "forward caseList"),
        (search, "maps", "page", "WebContent/jsp/caseSearch.jsp", 31, "struts-config", "forward noResult"),
        # the second mapping of /caseSearch (a bad merge) adds to the first
        (search, "maps", "class", "gov.courts.cms.web.CaseSearchAction", 44, "struts-config", "action type"),
        (search, "maps", "page", "WebContent/jsp/caseList.jsp", 45, "struts-config", "forward caseList"),
        (detail, "maps", "class", "gov.courts.cms.web.CaseDetailAction", 33, "struts-config", "action type"),
        # input="search" names a global forward, which names an action
        (detail, "maps", "action", "/caseSearch", 33, "struts-config", "input"),
        (detail, "maps", "page", "WebContent/jsp/sealed.jsp", 35, "struts-config",
         "exception gov.courts.cms.web.SealedCaseException"),
        (detail, "maps", "page", "WebContent/WEB-INF/jsp/caseDetail.jsp", 36, "struts-config", "forward success"),
        (detail, "maps", "action", "/docketPrint", 37, "struts-config", "forward docket"),
        ("action:WebContent/terms", "maps", "page", "WebContent/jsp/terms.jsp", 39, "struts-config", "forward"),
        # wildcard mappings: the action is kept, {1} forwards and Tiles definitions are not pages
        ("action:WebContent/edit*", "maps", "class", "gov.courts.cms.web.EditAction", 40, "struts-config",
         "action type"),
    }
    assert diags(x) == {("info", "J2EE-DUPLICATE-ACTION", 44)}


def test_struts_module_paths_and_wildcards() -> None:
    x = run("WebContent/WEB-INF/hearings/struts-config.xml")
    lst, edit = "action:WebContent/hearings/list", "action:WebContent/hearings/edit*"
    assert defs(x) == {
        ("project", "WebContent/WEB-INF/hearings/struts-config.xml", 3,
         "project:WebContent/WEB-INF/hearings/struts-config.xml"),
        # a configuration in WEB-INF/hearings/ is module /hearings: its action paths are prefixed
        ("action", "/hearings/list", 5, lst),
        ("action", "/hearings/edit*", 9, edit),
    }
    by_line = {r.line: (r.source, r.target_kind, r.target, r.candidates) for r in x.references}
    assert by_line == {
        5: (lst, "class", "gov.courts.cms.web.hearings.HearingListAction", ()),
        # forwards are module-relative; a context-relative page is the fallback
        6: (lst, "page", "WebContent/hearings/list.jsp", ("WebContent/hearings/list.jsp", "WebContent/list.jsp")),
        # the module's own action, then its wildcard mappings that match, then the path as written
        7: (lst, "action", "/hearings/editRoom", ("/hearings/editRoom", "/hearings/edit*", "/editRoom")),
        10: (edit, "action", "/hearings/list", ("/hearings/list", "/list")),
    }
    # the wildcard's class is chosen at run time ({1}): reported, not referenced
    assert diags(x) == {("info", "J2EE-WILDCARD-CLASS", 9)}
    page = run("WebContent/hearings/list.jsp")
    form = next(r for r in page.references if r.line == 2)
    # a Struts tag names the action relative to the page's module: the page's folders are tried first
    assert (form.target, form.candidates) == ("/list", ("/hearings/list", "/WebContent/hearings/list", "/list"))
    link = next(r for r in page.references if r.line == 6)
    assert (link.kind, link.target_kind, link.target, link.via) == ("calls", "page", "WebContent/jsp/caseSearch.jsp",
                                                                    "jsp-link")
    assert j2ee.struts_module("w/WEB-INF/a/b/struts-config.xml") == "/a/b"
    assert j2ee.struts_module("w/WEB-INF/struts-config.xml") == "" and j2ee.struts_module("struts-config.xml") == ""


def test_malformed_struts_config_is_read_as_far_as_possible() -> None:
    x = run("admin/WEB-INF/struts-config.xml")
    assert {(d.kind, d.name) for d in x.definitions} == {
        ("project", "admin/WEB-INF/struts-config.xml"), ("action", "/purge"), ("action", "/reindex"),
        ("action", "/stats")}
    found = refs(x)
    assert ("action:admin/purge", "maps", "class", "gov.courts.cms.admin.PurgeAction", 4, "struts-config",
            "action type") in found  # an unquoted attribute
    assert ("action:admin/purge", "maps", "page", "admin/admin/done.jsp", 5, "struts-config", "forward done") in found
    assert not [r for r in x.references if "Reindex" in r.target]  # a class name with a blank is no class name
    assert diags(x) == {("info", "J2EE-XML-UNMATCHED", 7), ("warning", "J2EE-XML-MALFORMED", 11),
                        ("info", "J2EE-BAD-CLASS-NAME", 8)}
    assert x.parse.fallback_lines == 2 and x.parse.error_ratio == pytest.approx(2 / 12, abs=1e-4)


# -- ejb-jar.xml ---------------------------------------------------------------------------------------------
def test_ejb_jar_beans_classes_and_links() -> None:
    x = run("ejbModule/META-INF/ejb-jar.xml")
    assert {(d.kind, d.name, d.line, d.detail) for d in x.definitions} == {
        ("bean", "CaseManager", 11, "stateless session"),
        ("bean", "CaseEntity", 26, "entity (Container-managed)"),
        ("bean", "FilingListener", 40, "message-driven"),
    }
    assert refs(x) == {
        ("bean:CaseManager", "maps", "class", "gov.courts.cms.ejb.CaseManagerHome", 13, "ejb-jar", "home"),
        ("bean:CaseManager", "maps", "class", "gov.courts.cms.ejb.CaseManager", 14, "ejb-jar", "remote"),
        ("bean:CaseManager", "maps", "class", "gov.courts.cms.ejb.CaseManagerBean", 15, "ejb-jar", "ejb-class"),
        ("bean:CaseManager", "calls", "bean", "CaseEntity", 18, "ejb-jar", "ejb-local-ref ejb/CaseEntity"),
        ("bean:CaseEntity", "maps", "class", "gov.courts.cms.ejb.CaseLocalHome", 28, "ejb-jar", "local-home"),
        ("bean:CaseEntity", "maps", "class", "gov.courts.cms.ejb.CaseLocal", 29, "ejb-jar", "local"),
        ("bean:CaseEntity", "maps", "class", "gov.courts.cms.ejb.CaseEntityBean", 30, "ejb-jar", "ejb-class"),
        ("bean:FilingListener", "maps", "class", "gov.courts.cms.ejb.FilingListenerBean", 42, "ejb-jar",
         "ejb-class"),
    }
    assert diags(x) == {
        ("warning", "J2EE-XML-EXTERNAL-ENTITY", 5), ("warning", "J2EE-XML-EXTERNAL-ENTITY", 6),
        ("info", "J2EE-XML-ENTITY", 9), ("warning", "J2EE-BEAN-WITHOUT-NAME", 45),
    }
    assert not x.metrics  # beans are entry points, not units with a size


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE web-app [\n  <!ENTITY s SYSTEM "file://{secret}">\n'
            f'  <!ENTITY % p SYSTEM "file://{secret}">\n  %p;\n]>\n'
            "<web-app><display-name>&s;</display-name>\n"
            "<servlet><servlet-name>&s;</servlet-name><servlet-class>a.B&s;</servlet-class></servlet>\n"
            "</web-app>\n")
    x = run_text(text, "WEB-INF/web.xml")
    assert "TOP-SECRET-VALUE" not in repr(x)
    assert ("warning", "J2EE-XML-EXTERNAL-ENTITY", 3) in diags(x)


def test_entity_expansion_bombs_are_not_expanded() -> None:
    lol = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10))
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE ejb-jar [\n<!ENTITY lol0 "lol">\n{lol}]>\n'
            "<ejb-jar><enterprise-beans><session><ejb-name>&lol9;</ejb-name>"
            "<ejb-class>a.b.C</ejb-class></session></enterprise-beans></ejb-jar>\n")
    started = time.perf_counter()
    x = run_text(text, "META-INF/ejb-jar.xml")
    assert time.perf_counter() - started < 2
    assert [d.name for d in x.definitions] == ["&lol9;"]


def test_xml_reader_details() -> None:
    doc = j2ee.read_xml(
        '<?xml version="1.0"?>\n<j2ee:web-app xmlns:j2ee="http://java.sun.com/xml/ns/j2ee" version="2.4">\n'
        "<!-- a\ncomment -->\n<display-name><![CDATA[A <b> & C]]> &#65;&#x42; &lt;x&gt;</display-name>\n"
        "<?pi stuff?><servlet   a = 'single' b=\"double\"/>\n</j2ee:web-app>\n<extra/>\n", "web.xml")
    assert doc.root is not None and doc.root.tag == "web-app" and doc.root.attrs == {"j2ee": "http://java.sun.com/xml/ns/j2ee",
                                                                                      "version": "2.4"}
    assert doc.root.child_text("display-name") == "A <b> & C AB <x>"
    servlet = doc.root.find("servlet")
    assert servlet is not None and servlet.attrs == {"a": "single", "b": "double"} and servlet.line == 6
    assert doc.comment_lines == {3, 4}
    assert ("info", "J2EE-XML-EXTRA-ROOT", 8) in {(d.severity, d.code, d.line) for d in doc.diagnostics}


def test_unknown_descriptor_root() -> None:
    x = run_text('<?xml version="1.0"?>\n<web-fragment><name>x</name></web-fragment>\n', "META-INF/web.xml")
    assert not x.definitions and diags(x) == {("info", "J2EE-UNKNOWN-DESCRIPTOR", 2)}
    empty = run_text("not xml at all", "WEB-INF/web.xml")
    assert diags(empty) == {("warning", "J2EE-NOT-XML", None)}


# -- JSP -------------------------------------------------------------------------------------------------------
def test_jsp_directives_tags_and_scriptlets() -> None:
    x = run("WebContent/jsp/caseSearch.jsp")
    page = "page:WebContent/jsp/caseSearch.jsp"
    assert defs(x) == {("page", "WebContent/jsp/caseSearch.jsp", 1, page)}
    assert refs(x) == {
        (page, "calls", "page", "jsp/error.jsp", 3, "jsp-error-page", "errorPage"),
        (page, "imports", "library", "struts-html", 5, "jsp-taglib", "prefix html; /WEB-INF/struts-html.tld"),
        (page, "imports", "library", "http://java.sun.com/jsp/jstl/core", 6, "jsp-taglib",
         "prefix c; http://java.sun.com/jsp/jstl/core"),
        (page, "includes", "page", "common/header.jspf", 7, "jsp-include", "include directive"),
        (page, "calls", "class", "gov.courts.cms.web.RecentCases", 8, "jsp-usebean", "useBean recent"),
        (page, "calls", "action", "/caseSearch", 12, "jsp-form-action", "html:form"),
        (page, "calls", "action", "/caseDetail", 23, "jsp-link", "a"),
        (page, "calls", "action", "/terms", 28, "jsp-form-action", "html:link"),
        (page, "includes", "page", "WebContent/jsp/footer.jsp", 29, "jsp-include", "jsp:include"),
        (page, "imports", "class", "gov.courts.cms.model.CaseRecord", 3, "jsp-import", ""),
        # scriptlet code, typed through the useBean id and the page imports
        (page, "calls", "class", "gov.courts.cms.web.RecentCases", 18, "java-call", "getLast"),
        (page, "calls", "class", "gov.courts.cms.model.CaseRecord", 23, "java-call", "getCaseId"),
        (page, "calls", "class", "gov.courts.cms.model.CaseRecord", 23, "java-call", "getDocketNumber"),
    }
    include = next(r for r in x.references if r.kind == "includes" and r.line == 7)
    # "/common/header.jspf": the web root is not known from a page, so each folder up is tried, nearest first
    assert include.candidates == ("WebContent/jsp/common/header.jspf", "WebContent/common/header.jspf")
    assert x.metrics[0][1].complexity == 4 and x.metrics[0][1].max_nesting == 2  # if, &&, for
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (28, 3, 0)


def test_jsp_with_jdbc_dynamic_include_and_unterminated_scriptlet() -> None:
    x = run("WebContent/jsp/caseList.jsp")
    page = "page:WebContent/jsp/caseList.jsp"
    found = refs(x)
    assert {r for r in found if r[2] == "table"} == {
        (page, "reads", "table", "HEARING", 8, "jdbc", "prepareStatement"),
        (page, "reads", "table", "CMS_CASE", 8, "jdbc", "prepareStatement"),
        (page, "updates", "table", "CMS_STATS", 24, "jdbc", "prepareStatement"),
    }
    assert (page, "calls", "page", "jsp/caseSearch.jsp", 14, "jsp-forward", "jsp:forward") in found
    # <%= request.getContextPath() %>/caseSearch.do, and a relative upper-case FORM
    assert (page, "calls", "action", "/caseSearch", 27, "jsp-form-action", "form") in found
    assert (page, "calls", "action", "/export", 30, "jsp-form-action", "form") in found
    dynamic = [r for r in x.references if r.dynamic]
    assert [(r.kind, r.target_kind, r.target, r.line) for r in dynamic] == [
        ("includes", "page", "request.getParameter", 31)]
    assert ("warning", "JSP-UNTERMINATED", 32) in diags(x)
    # `import java.sql.*` is a wildcard: no import edge; the named imports are
    assert {r[3] for r in found if r[1] == "imports"} == {"javax.sql.DataSource", "gov.courts.cms.util.ServiceLocator"}


def test_jsp_declarations_and_xml_syntax() -> None:
    header = run("WebContent/common/header.jspf")
    assert refs(header) == {("page:WebContent/common/header.jspf", "reads", "table", "CMS_BANNER", 3, "sql-string",
                             "SQL held in a string")}
    assert header.metrics[0][1].complexity == 2  # the ternary in a declared method
    jspx = run("WebContent/jsp/hearing.jspx")
    page = "page:WebContent/jsp/hearing.jspx"
    assert refs(jspx) == {
        (page, "includes", "page", "common/header.jspf", 4, "jsp-include", "include directive"),
        (page, "imports", "class", "gov.courts.cms.service.HearingService", 3, "jsp-import", ""),
        (page, "calls", "class", "gov.courts.cms.service.HearingService", 7, "java-call", "forRoom"),
        (page, "calls", "class", "gov.courts.cms.service.HearingService", 12, "java-call", "schedule"),
    }
    # &lt; and &amp;&amp; inside jsp:scriptlet are decoded before the Java grammar reads the code
    assert jspx.parse.error_ratio == 0 and not jspx.diagnostics
    terms = run("WebContent/jsp/terms.jsp")
    assert (terms.lines.code, terms.lines.comment) == (3, 2) and len(terms.references) == 0
    index = run("WebContent/index.jsp")
    assert refs(index) == {("page:WebContent/index.jsp", "calls", "action", "/caseSearch", 2, "jsp-forward",
                            "jsp:forward")}


def test_broken_scriptlet_is_scanned_by_the_fallback() -> None:
    x = run_text('<%@ page import="a.b.Dao" %>\n<% Dao d = new Dao(; %>\n'
                 '<% stmt.executeQuery("SELECT X FROM CMS_T WHERE A = 1") ))) ; %>\n', "web/p.jsp")
    assert x.parse.status == "line-parser" and x.parse.parser == "line:jsp"
    assert x.parse.fallback_used and x.parse.error_ratio > 0
    assert ("page:web/p.jsp", "reads", "table", "CMS_T") in {(r.source, r.kind, r.target_kind, r.target)
                                                             for r in x.references}
    assert "JSP-SCRIPTLET-PARSE-ERRORS" in {d.code for d in x.diagnostics}


# -- paths --------------------------------------------------------------------------------------------------------
def test_web_roots_and_page_paths() -> None:
    assert j2ee.web_root("app/WebContent/WEB-INF/web.xml") == ("app/WebContent", True)
    assert j2ee.web_root("WEB-INF/web.xml") == ("", True)
    assert j2ee.web_root("ejb/META-INF/ejb-jar.xml") == ("ejb", False)
    assert j2ee.web_root("conf/struts-config.xml") == ("conf", False)
    assert j2ee.page_targets("/a/b.jsp?x=1#top", "w/WEB-INF", "w", True) == ("w/a/b.jsp", ())
    assert j2ee.page_targets("/a.jsp", "x/y", "", False) == ("a.jsp", ("x/y/a.jsp", "x/a.jsp"))
    assert j2ee.page_targets("../inc/h.jsp", "x/y", "", False) == ("x/inc/h.jsp", ())
    assert j2ee.page_targets("/a.jsp", "/abs/x", "", False) == ("/a.jsp", ("/abs/x/a.jsp", "/abs/a.jsp"))
    assert j2ee.page_targets("../../../etc/passwd", "x", "", False) is None
    assert j2ee.page_targets("/x{1}.jsp", "", "", True) is None
    assert j2ee.action_path("/Logon.do?x=1") == "/Logon" and j2ee.action_path("logon.do") == "/logon"
    assert j2ee.action_path("/Logon.jsp") is None and j2ee.action_path(".do") is None


def test_url_ids_are_qualified_by_the_web_root_below_the_scan_root() -> None:
    at_root = run_text("<web-app><servlet><servlet-name>s</servlet-name><servlet-class>a.S</servlet-class></servlet>"
                       "<servlet-mapping><servlet-name>s</servlet-name><url-pattern>*.do</url-pattern>"
                       "</servlet-mapping></web-app>", "WEB-INF/web.xml")
    assert {d.component_id for d in at_root.definitions} == {"project:WEB-INF/web.xml", "url:*.do"}


# -- bad input -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["WEB-INF/web.xml", "WEB-INF/struts-config.xml", "META-INF/ejb-jar.xml",
                                  "web/page.jsp", "web/frag.jspf"])
@pytest.mark.parametrize("text", [
    "",
    "\x00\x01\x02\xff binary",
    "<" * 10000,
    "<a>" * 50000,
    "<web-app>" + "<servlet>" * 20000,
    "<!-- unterminated",
    "<![CDATA[ unterminated",
    "<!DOCTYPE x [ <!ENTITY a 'b'> ",
    "<web-app><servlet-mapping><url-pattern>/x</url-pattern></servlet-mapping></web-app>",
    "<struts-config><action-mappings><action path=\"/a\" type=\"\" input=\"missing\"/></action-mappings>",
    "<ejb-jar><enterprise-beans><session><ejb-name>x</ejb-name><ejb-class>1.bad</ejb-class></session>",
    "<%" * 5000,
    "<% if (x) { %>" * 3000,
    "<%-- unterminated <% x %>",
    "<jsp:scriptlet> unterminated",
    "<jsp:include page=\"" + "x" * 100000,
    "<html:form action=\"<%= x %>\"><form action='${a}'/>",
    "<%@ page import=\"\" %><%@ taglib %><%@ include file=\"\" %><%@ %>",
    "x" * 300000,
])
def test_never_raises_on_bad_input(text: str, path: str) -> None:
    started = time.perf_counter()
    x = run_text(text, path)
    assert time.perf_counter() - started < 20
    assert x.parse.status == "line-parser"
    assert 0.0 <= x.parse.error_ratio <= 1.0
