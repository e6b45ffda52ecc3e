"""What a reader clicks to run the code: install commands, downloads, launch buttons.

In Debian's Chromium (Playwright), over the built site served as a host would: the
install commands on the landing page and before every page's first cell copy exactly
the command shown; the download menu's notebook and script are there and are the
converted ones; the launch, repository, edit and issue buttons point where
``repository_url`` says; the landing page leads to the reproduction status page,
which has a row for every check in the registry. Run with ``nox -s browser``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sitekit import SITE, code_cells, docname, html_pages

from histbp import timeline

if os.environ.get("HISTBP_SITE_TESTS") != "1":
    pytest.skip(
        "drives Chromium over the built site: run `nox -s browser`",
        allow_module_level=True,
    )
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PAGES_WITH_CODE = [
    p for p in (html_pages(SITE) if SITE.is_dir() else []) if code_cells(docname(p))
]
PIP = re.compile(
    r'^pip install (histbp|"histbp\[examples\]"|"histbp(\[examples\])? @ git\+\S+")$'
)


# ``site_url`` and ``browser`` are the session's (browserkit, via conftest): a second
# Playwright instance in the same worker would fail.


@pytest.fixture
def open_page(browser, site_url) -> Iterator:
    contexts = []

    def opened(path: str) -> Page:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
        # Nothing leaves the machine: the launch links are read, never followed.
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).hostname == "127.0.0.1"
                else route.abort()
            ),
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(site_url + path, wait_until="load")
        return page

    yield opened
    for context in contexts:
        context.close()


def _copy_commands(page: Page) -> list[str]:
    """Click each install command's copy button; what the clipboard got, in order."""
    blocks = page.locator("div.histbp-install div.highlight")
    copied = []
    for index in range(blocks.count()):
        block = blocks.nth(index)
        block.scroll_into_view_if_needed()
        block.hover()
        block.locator("button.copybtn").click()
        text = page.evaluate("navigator.clipboard.readText()")
        assert text.strip() == block.locator("pre").inner_text().strip()
        copied.append(text.strip())
    return copied


def _links(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector,
        "els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).href)",
    )


def test_the_landing_page_gives_the_install_commands_to_copy(open_page):
    page = open_page("index.html")
    assert page.locator("div.histbp-install").count() == 1
    copied = _copy_commands(page)
    assert copied[0] == 'pip install "histbp[examples]"'
    # Until a release exists, the install from the repository follows.
    assert len(copied) == 2 and copied[1].startswith(
        'pip install "histbp[examples] @ git+'
    )
    assert all(PIP.match(command) for command in copied), copied


def test_the_landing_page_leads_to_the_reproduction_status(open_page, site_url):
    page = open_page("index.html")
    page.locator("article a[href$='status.html']").first.click()
    page.wait_for_url(f"{site_url}status.html")
    rows = page.locator("table.histbp-status-table tbody tr")
    checks = sum(max(len(entry.checks), 1) for entry in timeline.ENTRIES)
    assert rows.count() == checks
    verdicts = page.locator(
        "table.histbp-status-table .histbp-verdict"
    ).all_inner_texts()
    assert len(verdicts) == sum(len(entry.checks) for entry in timeline.ENTRIES)
    assert "not found in the page's output" not in page.content()


@pytest.mark.parametrize("path", PAGES_WITH_CODE)
def test_a_page_with_code_says_how_to_run_it(open_page, site_url, path):
    page = open_page(path)
    name = docname(path)
    # The install box comes before the first code cell, and copies as shown.
    order = page.evaluate(
        """() => {
            const box = document.querySelector('div.histbp-install');
            const cell = document.querySelector('div.cell');
            const after = Node.DOCUMENT_POSITION_FOLLOWING;
            return box && cell ? !!(box.compareDocumentPosition(cell) & after) : null;
        }"""
    )
    assert order is True, f"{name}: no install box before the first cell"
    copied = _copy_commands(page)
    assert copied and all(PIP.match(command) for command in copied), copied
    needs_extra = any(
        re.search(r"^\s*(import|from) (matplotlib|sklearn)\b", cell, re.M)
        for cell in code_cells(name)
    )
    assert ("[examples]" in copied[0]) == needs_extra, (name, copied)
    # The download menu: the converted notebook (install cell first) and the script.
    downloads = _links(page, ".dropdown-download-buttons a")
    notebook_url = f"{site_url}_sources/{name}.ipynb"
    script_url = f"{site_url}_sources/{name}.py"
    assert notebook_url in downloads and script_url in downloads, downloads
    notebook = json.loads(page.request.get(notebook_url).text())
    first = notebook["cells"][0]
    assert first["cell_type"] == "code" and "remove-cell" in first["metadata"]["tags"]
    assert "%pip install" in "".join(first["source"])
    script = page.request.get(script_url).text()
    assert copied[0] in script, f"{name}: the script's header has another command"
    # The launch menu opens the notebook on Binder and Colab; the repository
    # buttons follow the same repository.
    launch = _links(page, ".dropdown-launch-buttons a")
    repository = urlsplit(_links(page, "a.btn-source-repository-button")[0])
    org_repo = repository.path.strip("/")
    path_in_repo = f"docs/{name}.ipynb"
    assert any(
        u.startswith("https://mybinder.org/v2/gh/")
        and f"/{org_repo}/notebooks?" in u
        and u.endswith(path_in_repo)
        for u in launch
    ), launch
    assert (
        f"https://colab.research.google.com/github/{org_repo}/blob/notebooks/"
        f"{path_in_repo}"
    ) in launch, launch
    edit = _links(page, "a.btn-source-edit-button")
    assert edit == [f"https://github.com/{org_repo}/edit/main/docs/{name}.md"]
    issues = _links(page, "a.btn-source-issues-button")
    assert issues and issues[0].startswith(f"https://github.com/{org_repo}/issues/new")
