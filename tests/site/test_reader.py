"""What a reader clicks and types, in Chromium: the sidebars, the search, the pages.

- The visible toggles open and close the sidebars at a phone's and a desktop's
  width, and the links in the opened sidebar lead to the entries.
- The search page, asked for an entry's surname or year, lists the entry among the
  first three results.
- Every entry page reads in order: title, text, references, "Cite this entry", one
  previous/next bar.

Run with ``nox -s browser`` (after ``nox -s docs``), which sets HISTBP_SITE_TESTS=1.
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit

import pytest

if os.environ.get("HISTBP_SITE_TESTS") != "1":
    pytest.skip(
        "drives Chromium over the built site: run `nox -s browser`",
        allow_module_level=True,
    )
from browserkit import PHONE, Page

from histbp import timeline

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [PHONE, DESKTOP], ids=["390px", "1366px"]
)
ENTRY = timeline.get("linnainmaa")
# An entry the sidebar links to, far from ENTRY in the list.
TARGET = timeline.get("rumelhart-hinton-williams")


def _path(url: str) -> str:
    return urlsplit(url).path


def _sidebar_link(page: Page, entry: timeline.Entry):
    """The primary sidebar's link to ``entry``, wherever the sidebar is now."""
    return page.locator(f'nav.bd-docs-nav a[href$="{entry.page.split("/")[-1]}.html"]')


@VIEWPORTS
def test_one_toggle_per_sidebar_and_one_search_box_at_each_width(visit, viewport):
    seen = visit(f"{ENTRY.page}.html", viewport=viewport)
    page = seen.page
    # No hidden copies for the themes' scripts to bind to instead of these.
    assert page.locator(".primary-toggle").count() == 1
    assert page.locator(".secondary-toggle").count() == 1
    assert page.locator(".primary-toggle").is_visible()
    # On a phone the contents need their toggle; a desktop shows them beside the
    # page, without one.
    toc = page.locator("#pst-secondary-sidebar nav#pst-page-toc-nav")
    if viewport is PHONE:
        assert page.locator(".secondary-toggle").is_visible()
        assert not toc.is_visible()
    else:
        assert toc.is_visible()
    boxes = page.locator("button.search-button__button, .search-button-field")
    visible = [i for i in range(boxes.count()) if boxes.nth(i).is_visible()]
    assert len(visible) == 1, f"{len(visible)} visible search boxes or buttons"
    boxes.nth(visible[0]).click()
    page.locator("#pst-search-dialog[open] input[name=q]").wait_for()
    seen.check()


@VIEWPORTS
def test_the_primary_toggle_opens_and_closes_the_sidebar(visit, site_url, viewport):
    seen = visit(f"{ENTRY.page}.html", viewport=viewport)
    page = seen.page
    toggle = page.locator(".primary-toggle")
    link = _sidebar_link(page, TARGET)
    if viewport is PHONE:
        # Hidden on a phone until the reader asks for it, then a modal dialog.
        assert not link.is_visible()
        toggle.click()
        assert page.locator("#pst-primary-sidebar-modal[open]").count() == 1
        assert link.is_visible()
        page.keyboard.press("Escape")
        assert page.locator("#pst-primary-sidebar-modal[open]").count() == 0
        link.wait_for(state="hidden")
        toggle.click()
    else:
        # Shown on a desktop; the toggle hides it and shows it again.
        assert link.is_visible()
        toggle.click()
        link.wait_for(state="hidden")  # the sidebar slides away
        assert page.locator("#pst-primary-sidebar.pst-sidebar-hidden").count() == 1
        toggle.click()
    link.wait_for(state="visible")
    link.click()
    page.wait_for_url(f"{site_url}{TARGET.page}.html")
    assert page.locator("h1").first.inner_text().startswith(TARGET.date)
    seen.check()


def test_the_contents_toggle_shows_the_pages_sections_on_a_phone(visit):
    seen = visit(f"{ENTRY.page}.html", viewport=PHONE)
    page = seen.page
    contents = page.locator('a.nav-link[href="#cite-this-entry"]')
    assert not contents.first.is_visible()
    page.locator(".secondary-toggle").click()
    dialog = page.locator("#pst-secondary-sidebar-modal[open]")
    dialog.wait_for()
    link = dialog.locator('a.nav-link[href="#cite-this-entry"]')
    link.click()
    page.wait_for_function("location.hash === '#cite-this-entry'")
    seen.check()


def test_the_timeline_table_fits_a_phone_without_clipping_a_column(visit):
    seen = visit("index.html", viewport=PHONE, is_mobile=True, has_touch=True)
    page = seen.page
    table = page.locator("table.histbp-timeline-table")
    table.scroll_into_view_if_needed()
    fit = table.evaluate(
        """t => { const frame = t.parentElement;
            const cells = [...t.querySelectorAll('td, th')]
                .filter(c => getComputedStyle(c).display !== 'none');
            const right = frame.getBoundingClientRect().right;
            return {table: t.scrollWidth, frame: frame.clientWidth,
                    clipped: cells.filter(c => c.getBoundingClientRect().right
                                               > right + 0.5).length,
                    columns: [...t.rows[0].cells]
                        .filter(c => getComputedStyle(c).display !== 'none')
                        .map(c => c.textContent.trim())}; }"""
    )
    assert fit["table"] <= fit["frame"] and fit["clipped"] == 0, fit
    assert fit["columns"][:3] == ["Date", "Entry", "People"], fit
    seen.check()


# --- Search -------------------------------------------------------------------------


def _first_three(page: Page, site_url: str, query: str) -> list[str]:
    """The paths of the first three results of the site's search for ``query``."""
    page.goto(f"{site_url}search.html?q={quote(query)}", wait_until="load")
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.textContent.trim() !== ''; }"
    )
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a",
        "els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).href)",
    )
    # Let the page fetch the results' summaries before it is left.
    page.wait_for_load_state("networkidle")
    return [_path(href) for href in hrefs[:3]]


def test_a_surname_or_a_year_finds_the_entry_among_the_first_three(visit, site_url):
    """Every entry, by its first person's surname and by its (first) year."""
    seen = visit("search.html")
    missed = []
    for entry in timeline.ENTRIES:
        wanted = _path(f"{site_url}{entry.page}.html")
        for query in (entry.people[0].split()[-1], entry.date.split("/")[0]):
            first = _first_three(seen.page, site_url, query)
            if wanted not in first:
                missed.append(f"{query!r}: {entry.slug} not in {first}")
    assert not missed, "\n".join(missed)
    seen.check()


# --- Reading order ------------------------------------------------------------------

ORDER = """() => {
    const article = document.querySelector('article.bd-article');
    const top = article.querySelector('section');
    const sections = [...top.children].filter(el => el.tagName === 'SECTION');
    const heading = s => s.querySelector('h2').textContent.replace('#', '').trim();
    const names = sections.map(heading);
    const references = sections.find(s => heading(s) === 'References');
    const notes = [...document.querySelectorAll('.footnote-list')];
    const bars = document.querySelectorAll('.prev-next-area');
    const precedes = (a, b) =>
        !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    return {
        names,
        notesInReferences: notes.length > 0
            && notes.every(n => references && references.contains(n)),
        bars: bars.length,
        barAfterArticle: bars.length ? precedes(article, bars[0]) : false,
        ownBars: document.querySelectorAll('.histbp-entry-nav').length,
    };
}"""


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_an_entry_page_reads_in_order(visit, entry):
    seen = visit(f"{entry.page}.html")
    page = seen.page
    title = page.locator("h1").first.inner_text()
    assert title.startswith(f"{entry.date} · "), title
    assert page.title().startswith(f"{entry.date} · ")
    order = page.evaluate(ORDER)
    names = order["names"]
    assert names[-2:] == ["References", "Cite this entry"], names
    assert order["notesInReferences"], "footnotes outside the References section"
    assert order["bars"] == 1 and order["ownBars"] == 0, order
    assert order["barAfterArticle"], "the previous/next bar is not after the article"
    seen.check()


@VIEWPORTS
def test_a_source_page_keeps_its_sidebar_toggle_and_way_back(visit, site_url, viewport):
    # The highlighted-source pages (behind the API's [source] links) carry no table
    # of contents (docs/conf.py html_sidebars). Their ☰ must still open the sidebar,
    # with the logo's link home (and, on a desktop, the search box; a phone searches
    # from the article header), and [docs] must lead back to the API entry.
    seen = visit("_modules/histbp/nets/_layers.html", viewport=viewport)
    page = seen.page
    assert page.locator("nav.bd-docs-nav").count() == 0
    toggle = page.locator(".primary-toggle")
    if viewport is PHONE:
        toggle.click()
        modal = page.locator("#pst-primary-sidebar-modal[open]")
        assert modal.locator(".navbar-brand").is_visible()
        page.keyboard.press("Escape")
        assert page.locator("#pst-primary-sidebar-modal[open]").count() == 0
    else:
        search = page.locator(".bd-sidebar-primary .search-button-field")
        assert search.is_visible()
        toggle.click()
        search.wait_for(state="hidden")
        toggle.click()
        search.wait_for(state="visible")
    page.locator("a.viewcode-back").first.click()
    page.wait_for_url(f"{site_url}api/nets.html#histbp.nets.*")
    seen.check()
