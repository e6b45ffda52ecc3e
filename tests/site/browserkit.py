"""Chromium for the tests of the built site: the server, the browser, a visit.

The site (``docs/_build/html``) is served on 127.0.0.1 under the path of its
``html_baseurl``, as a host would serve it, with ``404.html`` for missing pages.
Chromium is the system's (``/usr/bin/chromium``, or ``HISTBP_CHROMIUM``): Playwright
never downloads a browser here. ``conftest.py`` makes the fixtures ``site_url``,
``browser`` and ``visit`` available to every test module of the browser session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sitekit import SITE, base_path, html_pages, serve

CHROMIUM = os.environ.get("HISTBP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGES = html_pages(SITE) if SITE.is_dir() else []


@pytest.fixture(scope="session")
def site_url(site_dir) -> Iterator[str]:
    with serve(site_dir, base_path(site_dir)) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@dataclass
class Visit:
    """A page opened in a fresh context, with what went wrong while it was open."""

    page: Page
    errors: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def check(self, allow: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.errors if not any(a in e for a in allow)]
        assert not errors, f"{self.page.url}: console errors:\n" + "\n".join(errors)
        assert not self.remote, f"{self.page.url}: asked another host: {self.remote}"
        failed = [f for f in self.failed if not any(a in f for a in allow)]
        assert not failed, f"{self.page.url}: failed requests: {failed}"


@pytest.fixture
def visit(browser, site_url):
    contexts = []

    def open_page(path: str, viewport=DESKTOP, theme: str | None = None, **options):
        origin = f"{urlsplit(site_url).scheme}://{urlsplit(site_url).netloc}"
        context = browser.new_context(viewport=viewport, **options)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
        contexts.append(context)
        if theme:
            context.add_init_script(
                f"localStorage.setItem('theme', '{theme}');"
                f"localStorage.setItem('mode', '{theme}');"
            )
        page = context.new_page()
        seen = Visit(page)

        def route(route):
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                seen.remote.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page.on(
            "console",
            lambda m: (
                seen.errors.append(f"{m.text} ({m.location.get('url')})")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: seen.failed.append(r.url))
        page.on(
            "response",
            lambda r: (
                seen.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
            ),
        )
        page.goto(site_url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        _wait_for_mathjax(page)
        return seen

    yield open_page
    for context in contexts:
        context.close()


def _wait_for_mathjax(page: Page) -> None:
    page.evaluate(
        """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
                  ? MathJax.startup.promise.then(() => true) : true"""
    )
