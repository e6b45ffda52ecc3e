"""The built site's files: sitemap, meta tags, citations, downloads, no CDN.

These read ``docs/_build/html`` and need no browser; like the browser tests they run
where ``HISTBP_SITE_TESTS=1`` (``nox -s browser``, after ``nox -s docs``).
"""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from sitekit import code_cells, docname, html_pages

from histbp import timeline

if os.environ.get("HISTBP_SITE_TESTS") != "1":
    pytest.skip(
        "checks the built site: run `nox -s browser` (sets HISTBP_SITE_TESTS=1)",
        allow_module_level=True,
    )

pytestmark = pytest.mark.browser


def _meta(page: str, name: str) -> str | None:
    found = re.search(
        rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', page
    )
    return html.unescape(found.group(1)) if found else None


def _canonical(page: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', page).group(1)


def test_the_sitemap_lists_every_page_and_only_pages_that_exist(site_dir):
    tree = ET.parse(site_dir / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    base = _canonical((site_dir / "index.html").read_text(encoding="utf-8"))
    base = base[: base.rfind("/") + 1]
    assert urls and all(url.startswith(base) for url in urls)
    for entry in timeline.ENTRIES:
        assert f"{base}{entry.page}.html" in urls, entry.slug
    for url in urls:
        path = url[len(base) :] or "index.html"
        assert (site_dir / path).is_file(), url
    assert not {url[len(base) :] for url in urls} & {"404.html", "search.html"}


# Pages generated without a source (the 404 page too) get no Open Graph tags.
GENERATED = {"genindex.html", "search.html", "py-modindex.html", "404.html"}


def test_every_page_has_open_graph_tags_and_a_canonical_address(site_dir):
    for page in html_pages(site_dir):
        if page in GENERATED or page.startswith("_modules/"):
            continue
        text = (site_dir / page).read_text(encoding="utf-8")
        assert _meta(text, "og:title"), page
        assert _meta(text, "og:url"), page
        canonical = _canonical(text)
        assert urlsplit(_meta(text, "og:url")).path.rstrip("/") in canonical, page
        assert _meta(text, "og:description"), page


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_an_entry_page_describes_itself_by_its_summary(site_dir, entry):
    text = (site_dir / f"{entry.page}.html").read_text(encoding="utf-8")
    description = _meta(text, "og:description")
    assert description.rstrip("…") in entry.summary


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_an_entry_page_says_how_to_cite_it(site_dir, entry):
    text = (site_dir / f"{entry.page}.html").read_text(encoding="utf-8")
    section = text[text.index('<section id="cite-this-entry">') :]
    section = section[: section.index("</section>")]
    block = re.search(r'<div class="histbp-cite[^"]*">(.*?)</pre>', section, re.S)
    assert block, f"{entry.page}: no BibTeX block"
    bibtex = html.unescape(re.sub(r"<[^>]+>", "", block.group(1)))
    for key in entry.cite_keys:
        assert re.search(rf"@\w+\{{{re.escape(key)},", bibtex), (entry.slug, key)
    # A formatted reference per source.
    assert section.count("<li>") >= len(entry.cite_keys)


def test_no_page_loads_anything_from_another_host(site_dir):
    remote = re.compile(
        r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(?:https?:)?//'
    )
    for page in html_pages(site_dir):
        text = (site_dir / page).read_text(encoding="utf-8")
        for tag in remote.findall(text):
            # <link rel="canonical"> names the site's own address; it loads nothing.
            assert 'rel="canonical"' in tag, f"{page}: {tag}"


def test_mathjax_is_served_from_the_site(site_dir):
    assert (site_dir / "_static" / "mathjax" / "tex-chtml-full.js").is_file()
    fonts = site_dir / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert len(list(fonts.glob("*.woff"))) > 10
    page = (site_dir / "timeline" / "1847-cauchy.html").read_text(encoding="utf-8")
    assert 'src="../_static/mathjax/tex-chtml-full.js' in page


def test_the_404_page_finds_its_assets_from_any_depth(site_dir):
    # sphinx-notfound-page addresses them from the site's root path.
    text = (site_dir / "404.html").read_text(encoding="utf-8")
    root = urlsplit(
        _canonical((site_dir / "index.html").read_text(encoding="utf-8"))
    ).path
    root = root[: root.rfind("/") + 1]
    assets = re.findall(r'<(?:link|script)\b[^>]*(?:href|src)="([^"]+)"', text)
    local = [a for a in assets if not a.startswith(("http:", "https:"))]
    assert local and all(a.startswith(root) for a in local), local


def _pages_with_cells(site_dir) -> list[str]:
    return [docname(p) for p in html_pages(site_dir) if code_cells(docname(p))]


def test_every_page_with_code_offers_its_notebook_and_script(site_dir):
    pages = _pages_with_cells(site_dir)
    assert len(pages) > 20
    for name in pages:
        cells = [c.rstrip("\n") for c in code_cells(name)]
        notebook = json.loads(
            (site_dir / "_sources" / f"{name}.ipynb").read_text(encoding="utf-8")
        )
        # The notebook's first cell installs histbp where it is missing (and is
        # hidden where a site renders the notebook); the page's cells follow.
        install = notebook["cells"][0]
        assert "remove-cell" in install["metadata"]["tags"], name
        assert "pip install" in "".join(install["source"]), name
        nb_cells = [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in notebook["cells"][1:]
            if c["cell_type"] == "code"
        ]
        assert [c.rstrip("\n") for c in nb_cells] == cells, name
        assert any(
            c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code"
        ), f"{name}: the notebook was not executed"
        script = (site_dir / "_sources" / f"{name}.py").read_text(encoding="utf-8")
        compile(script, f"{name}.py", "exec")
        positions = [script.index(cell) for cell in cells]
        assert positions == sorted(positions), f"{name}: cells out of order"
        page = (site_dir / f"{name}.html").read_text(encoding="utf-8")
        assert f"_sources/{name}.ipynb" in page, name
        assert f"_sources/{name}.py" in page, name
