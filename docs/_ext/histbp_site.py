"""What the hosted site needs beyond the pages, with no extension from outside.

- **Open Graph**: ``og:`` and description meta tags on every page; an entry page's
  description is its one-sentence summary from the registry.
- **Sitemap**: ``sitemap.xml`` and ``robots.txt`` written at the end of the build,
  with absolute addresses under ``html_baseurl``.
- **404 page**: the page ``404`` is served for any missing address, at any depth,
  so ``404.html`` gets a ``<base>`` element that points at the site's root.
- **MathJax, offline**: the MathJax 3 bundle shipped by the PyPI package
  ``sphinx-mathjax-offline`` is copied into ``_static/mathjax`` (only the one file
  and its fonts, not the package's 24 MB), so no page loads anything from a CDN.
"""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from histbp import timeline

logger = logging.getLogger(__name__)

MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_BUNDLE = "tex-chtml-full.js"
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"
DESCRIPTION_LENGTH = 200


# --- Descriptions, collected while reading -----------------------------------------


def _first_paragraph(doctree: nodes.document) -> str:
    for para in doctree.findall(nodes.paragraph):
        if "histbp-byline" in para.get("classes", []):
            continue
        text = " ".join(para.astext().split())
        if len(text) > 40:
            return text
    return ""


def _shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def collect_description(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    if not hasattr(env, "histbp_descriptions"):
        env.histbp_descriptions = {}
    entry = timeline.by_page(env.docname)
    text = entry.summary if entry is not None else _first_paragraph(doctree)
    env.histbp_descriptions[env.docname] = _shorten(text)


def purge_description(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "histbp_descriptions", {}).pop(docname, None)


def merge_descriptions(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    if not hasattr(env, "histbp_descriptions"):
        env.histbp_descriptions = {}
    theirs = getattr(other, "histbp_descriptions", {})
    env.histbp_descriptions.update({d: theirs[d] for d in docnames if d in theirs})


# --- Per page: meta tags ------------------------------------------------


def page_url(app: Sphinx, pagename: str) -> str:
    """The absolute address of a page under ``html_baseurl``."""
    base = app.config.html_baseurl.rstrip("/") + "/"
    uri = app.builder.get_target_uri(pagename)
    return base + (
        "" if uri in ("index.html", "index") and pagename == "index" else uri
    )


def add_meta_tags(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if not app.config.html_baseurl:
        return
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))
    site = app.config.html_title or app.config.project
    description = getattr(app.env, "histbp_descriptions", {}).get(pagename, "")
    # Generated pages (index, search, module index) get the site's description.
    description = description or app.config.histbp_site_description
    tags = {
        "og:title": title or site,
        "og:type": "website",
        "og:url": page_url(app, pagename),
        "og:site_name": site,
    }
    lines = [
        f'<meta property="{key}" content="{html.escape(value)}" />'
        for key, value in tags.items()
    ]
    if description:
        lines.append(
            f'<meta name="description" content="{html.escape(description)}" />'
        )
        lines.append(
            f'<meta property="og:description" content="{html.escape(description)}" />'
        )
    lines.append('<meta name="twitter:card" content="summary" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


# --- At the end: sitemap, robots.txt, 404, MathJax -----------------------------------


def write_sitemap(app: Sphinx) -> None:
    base = app.config.html_baseurl
    if not base:
        logger.warning("html_baseurl is not set: no sitemap.xml", type="histbp")
        return
    excluded = set(app.config.histbp_sitemap_exclude)
    urls = [
        page_url(app, docname)
        for docname in sorted(app.env.found_docs)
        if docname not in excluded
    ]
    body = "".join(f"  <url><loc>{xml_escape(url)}</loc></url>\n" for url in urls)
    Path(app.outdir, "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n",
        encoding="utf-8",
    )
    sitemap = base.rstrip("/") + "/sitemap.xml"
    Path(app.outdir, "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n", encoding="utf-8"
    )


def base_path(app: Sphinx) -> str:
    """The path part of ``html_baseurl``: where the site's root is served."""
    path = urlsplit(app.config.html_baseurl or "/").path or "/"
    return path if path.endswith("/") else f"{path}/"


def fix_404(app: Sphinx) -> None:
    """Make ``404.html`` work when served for a missing page at any depth."""
    page = Path(app.outdir, "404.html")
    if "404" not in app.env.found_docs or not page.is_file():
        return
    text = page.read_text(encoding="utf-8")
    if "<base " in text:
        return
    tag = f'<base href="{html.escape(base_path(app))}" />'
    text, count = re.subn(r"(<head[^>]*>)", rf"\1\n    {tag}", text, count=1)
    if not count:
        logger.warning("404.html has no <head>: cannot add <base>", type="histbp")
        return
    page.write_text(text, encoding="utf-8")


def mathjax_source() -> Path | None:
    """The MathJax folder of the ``sphinx-mathjax-offline`` package, if installed."""
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)), "static", "mathjax")
    return folder if (folder / MATHJAX_BUNDLE).is_file() else None


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def copy_mathjax(app: Sphinx) -> None:
    if not app.config.mathjax_path.startswith("mathjax/"):
        return  # the site was configured to use another MathJax
    source = mathjax_source()
    if source is None:
        logger.warning(
            "MathJax is not available offline: install %s (the docs dependency group)",
            MATHJAX_PACKAGE,
            type="histbp",
        )
        return
    target = Path(app.outdir, "_static", "mathjax")
    _copy_if_changed(source / MATHJAX_BUNDLE, target / MATHJAX_BUNDLE)
    for font in sorted((source / MATHJAX_FONTS).iterdir()):
        _copy_if_changed(font, target / MATHJAX_FONTS / font.name)


def finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    write_sitemap(app)
    fix_404(app)
    copy_mathjax(app)


def check_mathjax(app: Sphinx, config) -> None:
    if config.mathjax_path.startswith("mathjax/") and mathjax_source() is None:
        logger.warning(
            "mathjax_path is %r but %s is not installed",
            config.mathjax_path,
            MATHJAX_PACKAGE,
            type="histbp",
        )


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("histbp_sitemap_exclude", ["404"], "html", types=[list])
    app.add_config_value("histbp_site_description", "", "html", types=[str])
    app.connect("config-inited", check_mathjax)
    app.connect("doctree-read", collect_description)
    app.connect("env-purge-doc", purge_description)
    app.connect("env-merge-info", merge_descriptions)
    app.connect("html-page-context", add_meta_tags)
    app.connect("build-finished", finish)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
