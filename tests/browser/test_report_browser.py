"""Open report.html in a real, headless Chromium and use it the way a reader would.

Drives Debian's ``/usr/bin/chromium`` through Playwright (never Playwright's own browser
download). Where Chromium is missing the tests skip with a reason, except in CI (``CI`` set),
where they fail: CI must run them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scanning import EXAMPLE, fixed, scan_dict

from legacy_lens.report import COMPONENTS_PAGE, build_html_view, write_reports

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
HOSTILE_FILE = "<img src=x onerror=alert(1)>.cbl"
HOSTILE_COMMENT = "</script><script>alert(1)</script>"
HOSTILE_TARGET = "<IMG SRC=X ONERROR=ALERT(1)>"  # COBOL upper-cases the called name


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs Debian's chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Visit:
    """One page with every console message, page error, request and dialog recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.as_uri()
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.requests == [self.url]  # the file itself and nothing else
        assert self.dialogs == []

    def column(self, table: str, index: int) -> list[str]:
        texts: list[str] = self.page.eval_on_selector_all(
            f"#{table} tbody tr", f"rows => rows.filter(r => !r.hidden).map(r => r.cells[{index}].textContent.trim())"
        )
        return texts


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    scan = scan_dict(EXAMPLE)
    out = tmp_path_factory.mktemp("example")
    write_reports(scan, out, ["html"])
    return out / "report.html", scan


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("hostile") / "estate"
    shutil.copytree(EXAMPLE, root)
    (root / "hostile").mkdir()
    source = fixed(
        "IDENTIFICATION DIVISION.",
        "PROGRAM-ID. HOSTILE1.",
        f"*{HOSTILE_COMMENT}",
        "PROCEDURE DIVISION.",
        "    CALL 'BNDATE'.",
        "    CALL '<img src=x onerror=alert(1)>'.",
        "    GOBACK.",
    )
    (root / "hostile" / HOSTILE_FILE).write_text(source, encoding="utf-8")
    scan = scan_dict(root)
    assert f"program:{HOSTILE_TARGET}" in {c["id"] for c in scan["components"]}
    out = root.parent / "out"
    write_reports(scan, out, ["html"])
    return out / "report.html", scan


def test_example_report_renders_charts_and_tables(browser: Any, example: tuple[Path, dict[str, Any]],
                                                   tmp_path: Path) -> None:  # fmt: skip
    path, scan = example
    view = build_html_view(scan)
    visit = Visit(browser, path)
    page = visit.page
    visuals = view["visuals"]
    # Treemap: the code-lines layout is shown, the effort layout is hidden until chosen.
    code = visuals["treemap"]["code"]
    shown = page.locator(".tm-view:not([hidden]) svg.treemap rect")
    assert shown.count() == len(code["groups"]) + len(code["boxes"])
    assert page.locator(".tm-view[data-metric=effort]").is_hidden()
    page.click("button[data-treemap=effort]")
    effort = visuals["treemap"]["effort"]
    assert page.locator(".tm-view:not([hidden]) svg.treemap rect.tm-box").count() == len(effort["boxes"])
    page.click("button[data-treemap=code]")
    # One timeline bar per wave, one matrix square per non-empty pair, two parse bars per language.
    assert page.locator("svg.timeline rect.wave-bar").count() == len(scan["plan"]["waves"])
    assert page.locator("svg.depmatrix rect.dm").count() == len(visuals["dependencies"]["cells"])
    assert page.locator("svg.parsechart rect.pc-mean:not(.key)").count() == len(view["parse"]["languages"])
    assert page.locator("svg.quadrant circle").count() == view["effort_risk"]["quadrant"]["count"]
    # The components table holds one page of rows, and the pager says where it is.
    total = len(scan["components"])
    assert page.locator("#components-table tbody tr").count() == min(COMPONENTS_PAGE, total)
    assert page.text_content("#components-status") == (
        f"Rows 1\N{EN DASH}{min(COMPONENTS_PAGE, total)} of {total} · page 1 of {-(-total // COMPONENTS_PAGE)}"
    )
    page.click("button[data-pager=next]")
    assert page.locator("#components-table tbody tr").count() == min(COMPONENTS_PAGE, total - COMPONENTS_PAGE)
    assert page.locator("button[data-pager=next]").is_disabled()
    page.click("button[data-pager=prev]")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    visit.assert_clean()


def test_sorting_reorders_rows(browser: Any, example: tuple[Path, dict[str, Any]]) -> None:
    path, scan = example
    visit = Visit(browser, path)
    page = visit.page

    def numbers(texts: list[str]) -> list[float]:
        return [float(text.replace(",", "")) for text in texts]

    # Paged components table: sorting runs over all rows, not just the page shown.
    heading = page.locator("#components-table th", has_text="Code lines")
    heading.click()
    ascending = numbers(visit.column("components-table", 4))
    all_lines = sorted(int((c.get("metrics") or {}).get("code_lines") or 0) for c in scan["components"])
    assert ascending == all_lines[:COMPONENTS_PAGE]
    assert heading.get_attribute("aria-sort") == "ascending"
    heading.click()
    assert numbers(visit.column("components-table", 4)) == all_lines[::-1][:COMPONENTS_PAGE]
    names = page.locator("#components-table th", has_text="Component")
    names.click()
    first = visit.column("components-table", 0)
    assert first == sorted(first, key=str.lower)
    # A static table (section 4) sorts in place.
    fan_in = page.locator("#h-depended ~ table.sortable th", has_text="Fan-in").first
    fan_in.click()
    column = numbers(page.eval_on_selector_all(
        "table.sortable:has(th:text('Fan-in')) tbody tr", "rows => rows.map(r => r.cells[3].textContent)"))  # fmt: skip
    assert column == sorted(column)
    visit.assert_clean()


def test_filtering_narrows_rows(browser: Any, example: tuple[Path, dict[str, Any]]) -> None:
    path, scan = example
    visit = Visit(browser, path)
    page = visit.page
    page.fill("#components-filter", "copybook")
    expected = [c for c in scan["components"] if "copybook" in " ".join(
        [str(c.get("name")), c["id"], c["kind"], str(c.get("language")), str(c.get("file"))]).lower()]  # fmt: skip
    kinds = visit.column("components-table", 1)
    assert len(kinds) == min(len(expected), COMPONENTS_PAGE) > 0
    assert set(kinds) == {"copybook"}
    status = page.text_content("#components-status") or ""
    assert f"of {len(expected)} (filtered from {len(scan['components'])})" in status
    page.fill("#components-filter", "no-such-component-anywhere")
    assert visit.column("components-table", 0) == ["No component matches the filter."]
    # The per-page filters on static tables hide rows.
    page.fill("#parse-table-filter", "jcl/")
    paths = visit.column("parse-table", 0)
    assert paths and all(p.startswith("jcl/") for p in paths)
    assert len(paths) == sum(1 for f in scan["files"] if "jcl/" in f["path"])
    visit.assert_clean()


def test_component_click_shows_callers_and_callees(browser: Any, example: tuple[Path, dict[str, Any]]) -> None:
    path, scan = example
    visit = Visit(browser, path)
    page = visit.page
    names = {c["id"]: c.get("name") or c["id"] for c in scan["components"]}
    target = "program:BNB100"
    callers = {names[e["source"]] for e in scan["edges"] if e["target"] == target and e["source"] != target}
    callees = {names[e["target"]] for e in scan["edges"] if e["source"] == target and e["target"] != target}
    callers_of_callers = {names[e["source"]] for e in scan["edges"] if names.get(e["target"]) in callers} - callers
    callers_of_callers.discard("BNB100")
    assert callers and callees

    page.fill("#components-filter", "BNB100")
    page.click(f"#components-table button[data-component='{target}']")
    panel = page.locator("#neighbourhood")
    assert panel.is_visible()
    assert page.text_content("#nb-title") == "BNB100"

    def listed(block: str) -> set[str]:
        found: list[str] = page.eval_on_selector_all(f"#neighbourhood .{block} li button",
                                                     "b => b.map(x => x.textContent)")
        return set(found)

    assert listed("nb-callers") == callers
    assert listed("nb-callees") == callees
    assert listed("nb-callers2") == callers_of_callers
    # Neighbours are links too: following one re-centres the panel on it.
    neighbour = sorted(callers)[0]
    panel.locator(".nb-callers button", has_text=neighbour).first.click()
    assert page.text_content("#nb-title") == neighbour
    assert "BNB100" in listed("nb-callees")
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    # From the quadrant and the top-components table as well.
    page.locator("svg.quadrant circle.named").first.click()
    assert panel.is_visible() and page.text_content("#nb-title")
    page.click("#neighbourhood .panel-close")
    top = page.locator("#h-depended ~ table.sortable button.comp").first
    name = top.text_content()
    top.click()
    assert page.text_content("#nb-title") == name
    visit.assert_clean()


def test_hostile_names_stay_text(browser: Any, hostile: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, scan = hostile
    assert f"hostile/{HOSTILE_FILE}" in {f["path"] for f in scan["files"]}
    html = path.read_text(encoding="utf-8")
    assert HOSTILE_COMMENT not in html and "<img" not in html
    visit = Visit(browser, path)
    page = visit.page
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.scripts.length") == 2  # our script and the inert JSON element
    body = page.inner_text("body")
    assert f"hostile/{HOSTILE_FILE}" in body  # the file name is shown as text
    page.fill("#components-filter", "HOSTILE1")
    page.click("#components-table button[data-component='program:HOSTILE1']")
    callees = page.eval_on_selector_all("#neighbourhood .nb-callees li button", "b => b.map(x => x.textContent)")
    assert HOSTILE_TARGET in callees and "BNDATE" in callees
    assert f"hostile/{HOSTILE_FILE}:1" in (page.text_content("#nb-meta") or "")
    page.locator("#neighbourhood .nb-callees button", has_text=HOSTILE_TARGET).click()
    assert page.text_content("#nb-title") == HOSTILE_TARGET
    page.screenshot(path=str(tmp_path / "hostile.png"))
    visit.assert_clean()


def test_print_layout_hides_controls_and_shows_everything(browser: Any, example: tuple[Path, dict[str, Any]],
                                                           tmp_path: Path) -> None:  # fmt: skip
    path, _ = example
    visit = Visit(browser, path)
    page = visit.page
    page.click("#components-table button.comp >> nth=0")  # an open panel must not print
    page.emulate_media(media="print")
    assert page.locator("#neighbourhood").is_hidden()
    assert all(not box.is_visible() for box in page.locator(".filter, .pager, .tm-switch").all())
    assert page.locator(".tm-view[data-metric=effort] svg").is_visible()  # both treemap layouts print
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
    assert pdf[:5] == b"%PDF-"
    visit.assert_clean()
