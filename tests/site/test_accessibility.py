"""An accessibility audit of every page with axe-core, in Chromium.

axe-core comes from the npm registry (``tests/site/package.json``; ``nox -s browser``
runs ``npm ci``). A page passes with no critical and no serious violation, counting
what the themes bring, and counting ``label-content-name-mismatch`` (a link's or a
button's accessible name must start with its visible text), which axe leaves off by
default as experimental. The pages are audited at a desktop's width, and the landing
page and an entry page also at a phone's, with each sidebar opened as a reader
opens it.

Run with ``nox -s browser`` (after ``nox -s docs``), which sets HISTBP_SITE_TESTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

if os.environ.get("HISTBP_SITE_TESTS") != "1":
    pytest.skip(
        "drives Chromium over the built site: run `nox -s browser`",
        allow_module_level=True,
    )
from browserkit import PAGES, PHONE, Page

from histbp import timeline

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
GRAVE = ("critical", "serious")
RUN = """async () => {
    const result = await axe.run(document, {
        rules: {'label-content-name-mismatch': {enabled: true}},
        resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': '
                                       + n.failureSummary.split('\\n')[1]),
    }));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run `npm ci --prefix tests/site` (nox -s browser does)",
            pytrace=False,
        )
    return AXE.read_text(encoding="utf-8")


def _audit(page: Page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    violations = page.evaluate(RUN)
    return [
        f"{v['impact']} {v['id']} ({v['help']}): {'; '.join(v['nodes'])}"
        for v in violations
        if v["impact"] in GRAVE
    ]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_has_no_serious_accessibility_violation(visit, axe_source, path):
    seen = visit(path, viewport=DESKTOP)
    found = _audit(seen.page, axe_source)
    assert not found, f"{path}:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "path", ["index.html", f"{timeline.get('linnainmaa').page}.html"]
)
@pytest.mark.parametrize("toggle", [None, ".primary-toggle", ".secondary-toggle"])
def test_a_phone_screen_has_no_serious_accessibility_violation(
    visit, axe_source, path, toggle
):
    seen = visit(path, viewport=PHONE, is_mobile=True, has_touch=True)
    page = seen.page
    if toggle is not None:
        if page.locator(toggle).count() == 0:
            pytest.skip(f"{path} has no {toggle}")
        page.locator(toggle).click()
        page.locator("dialog[open]").wait_for()
    found = _audit(page, axe_source)
    assert not found, f"{path} ({toggle or 'as loaded'}):\n" + "\n".join(found)
