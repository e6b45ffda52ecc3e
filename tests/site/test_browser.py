"""The built site in a real browser: Debian's Chromium driven by Playwright.

The site (``docs/_build/html``) is served on 127.0.0.1 under the path of its
``html_baseurl``, as a host would serve it, with ``404.html`` for missing pages.
Chromium is the system's (``/usr/bin/chromium``, or ``HISTBP_CHROMIUM``): Playwright
never downloads a browser here. Every page visited must log no console error and no
page error, and must ask for nothing from another host.

Run with ``nox -s browser`` (after ``nox -s docs``), which sets HISTBP_SITE_TESTS=1.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from sitekit import code_cells, docname

from histbp import timeline

if os.environ.get("HISTBP_SITE_TESTS") != "1":
    pytest.importorskip("playwright", reason="the browser tests need Playwright")
    pytest.skip(
        "drives Chromium over the built site: run `nox -s browser`",
        allow_module_level=True,
    )
# In the browser session Playwright must be there: a missing one is an error.
from browserkit import DESKTOP, PAGES, PHONE
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _entry_url(site_url: str, entry: timeline.Entry) -> str:
    return f"{site_url}{entry.page}.html"


def _hrefs(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).href)",
    )


# --- The landing page -------------------------------------------------------------


def test_every_entry_is_reachable_from_the_landing_page(visit, site_url):
    seen = visit("index.html")
    page = seen.page
    figure = _hrefs(page, "figure.histbp-tl svg.histbp-tl-wide a")
    phone = _hrefs(page, "figure.histbp-tl svg.histbp-tl-narrow a")
    table = _hrefs(page, "table.histbp-timeline-table a.reference")
    for entry in timeline.ENTRIES:
        url = _entry_url(site_url, entry)
        assert url in figure, f"{entry.slug} is not in the timeline figure"
        assert url in phone, f"{entry.slug} is not in the phone-width figure"
        assert url in table, f"{entry.slug} is not in the timeline table"
    for url in sorted(set(figure + table)):
        assert page.request.get(url).status == 200, url
    labels = page.eval_on_selector_all(
        "svg.histbp-tl-wide a", "els => els.map(a => a.getAttribute('aria-label'))"
    )
    assert all(labels) and len(labels) == len(timeline.ENTRIES)
    seen.check()


def test_a_mark_on_the_timeline_opens_its_entry(visit, site_url):
    seen = visit("index.html")
    entry = timeline.get("linnainmaa")
    seen.page.click(f'svg.histbp-tl-wide a[data-slug="{entry.slug}"]')
    seen.page.wait_for_url(_entry_url(site_url, entry))
    assert entry.title in seen.page.locator("h1").first.inner_text()
    seen.check()


def test_the_timeline_works_at_phone_width(visit, site_url):
    seen = visit("index.html", viewport=PHONE, is_mobile=True, has_touch=True)
    page = seen.page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at 390 px"
    assert page.locator("svg.histbp-tl-wide").is_hidden()
    assert page.locator("svg.histbp-tl-narrow").is_visible()
    marks = page.locator("svg.histbp-tl-narrow a.histbp-tl-mark")
    assert marks.count() == len(timeline.ENTRIES)
    for index in range(marks.count()):
        mark = marks.nth(index)
        slug = mark.get_attribute("data-slug")
        mark.scroll_into_view_if_needed()
        box = mark.locator("rect.histbp-tl-hit").bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (slug, box)
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], (slug, box)
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        hit = page.evaluate(
            "([x, y]) => { const a = document.elementFromPoint(x, y)?.closest('a');"
            " return a ? a.getAttribute('data-slug') : null; }",
            [x, y],
        )
        assert hit == slug, f"the centre of {slug}'s mark is covered by {hit}"
    last = timeline.ENTRIES[-1]
    page.locator(f'svg.histbp-tl-narrow a[data-slug="{last.slug}"]').tap()
    page.wait_for_url(_entry_url(site_url, last))
    seen.check()


def _rgb(color: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", color)[:3])


def _contrast(a: str, b: str) -> float:
    def luminance(rgb):
        channels = []
        for value in rgb:
            c = value / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        r, g, b = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(_rgb(a)), luminance(_rgb(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_timeline_is_legible_in_both_themes(visit, theme, viewport):
    seen = visit("index.html", viewport=viewport, theme=theme)
    page = seen.page
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    kind = "wide" if viewport is DESKTOP else "narrow"
    colours = page.evaluate(
        """(kind) => {
            const svg = document.querySelector(`svg.histbp-tl-${kind}`);
            const bg = getComputedStyle(document.body).backgroundColor;
            const fill = (sel) => [...svg.querySelectorAll(sel)]
                .map(el => getComputedStyle(el).fill);
            const stroke = (sel) => [...svg.querySelectorAll(sel)]
                .map(el => getComputedStyle(el).stroke);
            return {bg, names: fill('text.histbp-tl-name'),
                    years: fill('text.histbp-tl-year'),
                    dots: stroke('a circle.histbp-tl-dot')};
        }""",
        kind,
    )
    background = colours["bg"]
    assert _rgb(background), background
    for name in set(colours["names"]):
        assert _contrast(name, background) >= 4.5, (theme, name, background)
    for year in set(colours["years"]):
        assert _contrast(year, background) >= 4.5, (theme, year, background)
    for dot in set(colours["dots"]):
        assert _contrast(dot, background) >= 3.0, (theme, dot, background)
    assert len(set(colours["dots"])) == len(timeline.STRANDS)
    seen.check()


def test_the_landing_pages_citation_lands_on_the_bibliography(visit, site_url):
    seen = visit("index.html")
    link = seen.page.locator('article a.reference[href*="bibliography.html#"]').first
    fragment = link.get_attribute("href").split("#", 1)[1]
    link.click()
    seen.page.wait_for_url(re.compile(r"bibliography\.html#"))
    target = seen.page.evaluate(
        "(id) => { const el = document.getElementById(id);"
        " return el && el.getAttribute('role'); }",
        fragment,
    )
    assert target == "doc-biblioentry"
    seen.check()


# --- Every page ---------------------------------------------------------------------


def _images_loaded(page: Page) -> list[str]:
    """The addresses of the images that did not load (after loading lazy ones)."""
    return page.evaluate(
        """async () => {
            const images = [...document.images];
            for (const img of images) img.loading = 'eager';
            await Promise.all(images.map(img => img.complete ? null :
                new Promise(done => { img.onload = img.onerror = done; })));
            return images.filter(img => img.naturalWidth === 0).map(img => img.src);
        }"""
    )


def _check_citations(page: Page, site_url: str) -> None:
    # Footnote citations point into the page's own list of references.
    missing = page.evaluate(
        """() => [...document.querySelectorAll('a.footnote-reference')]
            .map(a => a.getAttribute('href'))
            .filter(h => { const el = h.startsWith('#') &&
                                document.getElementById(h.slice(1));
                            return !(el && el.closest('.footnote-list')); })"""
    )
    assert not missing, f"{page.url}: footnote citations with no target: {missing}"
    # Bibliography citations point at an entry of the bibliography page.
    targets = set(_hrefs(page, 'a.reference.internal[href*="bibliography.html#"]'))
    if targets:
        bibliography = page.request.get(f"{site_url}bibliography.html").text()
        for url in targets:
            fragment = url.split("#", 1)[1]
            tag = re.search(rf'<[^>]*\bid="{re.escape(fragment)}"[^>]*>', bibliography)
            assert tag and "doc-biblioentry" in tag.group(0), url


def _check_copy_buttons(page: Page, name: str) -> None:
    cells = code_cells(name)
    inputs = page.locator("div.cell_input")
    assert inputs.count() == len(cells), f"{name}: {inputs.count()} inputs on the page"
    assert page.locator("div.cell_output button.copybtn").count() == 0
    for index, source in enumerate(cells):
        cell = inputs.nth(index)
        if not cell.is_visible():
            # A check cell (hide-input): the reader opens it first.
            cell.locator("xpath=ancestor::details[1]/summary").click()
        cell.scroll_into_view_if_needed()
        cell.hover()
        cell.locator("button.copybtn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == source.rstrip("\n"), f"{name}: cell {index + 1}"
    blocks = page.locator("div.histbp-cite div.highlight")
    for index in range(blocks.count()):
        block = blocks.nth(index)
        block.scroll_into_view_if_needed()
        block.hover()
        block.locator("button.copybtn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == block.locator("pre").inner_text().strip()
        assert copied.lstrip().startswith("@")


def _check_downloads(page: Page, name: str, site_url: str) -> None:
    links = _hrefs(page, ".dropdown-download-buttons a")
    notebook = f"{site_url}_sources/{name}.ipynb"
    script = f"{site_url}_sources/{name}.py"
    assert notebook in links and script in links, f"{name}: {links}"
    data = json.loads(page.request.get(notebook).text())
    code = [
        c
        for c in data["cells"]
        if c["cell_type"] == "code"
        and "remove-cell" not in c["metadata"].get("tags", [])
    ]
    assert len(code) == len(code_cells(name))
    text = page.request.get(script).text()
    assert all(cell.strip() in text for cell in code_cells(name))


@pytest.mark.parametrize("path", PAGES)
def test_page(visit, site_url, path):
    """No console error, images load, maths typeset, citations and copy work, and
    the page fits a phone's width."""
    seen = visit(path)
    page = seen.page
    broken = _images_loaded(page)
    assert not broken, f"{path}: images that did not load: {broken}"
    raw = page.evaluate(
        "() => [...document.querySelectorAll('.math')]"
        ".filter(el => !el.querySelector('mjx-container')).length"
    )
    assert raw == 0, f"{path}: {raw} formulas were not typeset"
    tracebacks = page.locator("div.cell_output div.output.traceback").count()
    assert tracebacks == 0, f"{path}: {tracebacks} cells show a traceback"
    _check_citations(page, site_url)
    name = docname(path)
    if code_cells(name):
        _check_copy_buttons(page, name)
        _check_downloads(page, name, site_url)
    entry = timeline.by_page(name)
    if entry is not None:
        assert page.locator("section#cite-this-entry div.histbp-cite").count() == 1
    # On a phone the page scrolls down only, never sideways.
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide on a 390 px screen"
    seen.check()


def test_a_missing_page_gets_the_404_page_with_its_styles(visit, site_url):
    seen = visit("timeline/no/such/page.html")
    page = seen.page
    assert "Page not found" in page.title()
    # The only failure allowed is the missing page itself.
    seen.check(allow=(f"{site_url}timeline/no/such/page.html",))
    assert not [f for f in seen.failed if "no/such/page" not in f]
    sheets = page.evaluate("document.styleSheets.length")
    assert sheets >= 3
    page.click("article a[href$='index.html']")
    page.wait_for_url(f"{site_url}index.html")
    assert page.locator("figure.histbp-tl").count() == 1
