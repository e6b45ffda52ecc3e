"""Tests of the built site: its build's strictness, its pages in a browser.

They need what the plain ``tests`` session does not install (Sphinx, Playwright,
Chromium, a built site), so each module skips itself unless its tools are there:

- ``test_build_strictness.py`` (marker ``site_build``) builds small copies of the
  site and runs wherever Sphinx and MyST-NB import: ``nox -s site`` or
  ``nox -s browser``.
- ``test_browser.py`` and ``test_built_site.py`` (marker ``browser``) check the
  site in ``docs/_build/html``; they run only where ``HISTBP_SITE_TESTS=1``, which
  ``nox -s browser`` sets after ``nox -s docs`` has built the site.
- ``test_timeline_svg.py`` (the timeline drawing's layout) and
  ``test_citation_file.py`` (CITATION.cff) need only ``histbp``: they run everywhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sitekit import DOCS, SITE

# The Sphinx extensions live in docs/_ext; the drawing's module has no Sphinx import.
sys.path.insert(0, str(DOCS / "_ext"))

if os.environ.get("HISTBP_SITE_TESTS") == "1":
    # The browser session's fixtures, for every module that drives Chromium.
    from browserkit import browser, site_url, visit  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "site_build: builds small copies of the site (needs Sphinx)"
    )
    config.addinivalue_line(
        "markers",
        "browser: checks the built site in Chromium (needs HISTBP_SITE_TESTS=1)",
    )


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site in {SITE}: run `nox -s docs` first", pytrace=False)
    return SITE
