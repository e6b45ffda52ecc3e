"""Sphinx configuration for the histbp site."""

from __future__ import annotations

import html as html_module
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

import histbp  # noqa: E402

project = "histbp: an executable history of backpropagation"
author = "The histbp developers"
copyright = "2026, the histbp developers"
release = version = histbp.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    # --- issue 10, reader's site: kept libraries for solved problems ---
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "sphinx_sitemap",
    "sphinxext.opengraph",
    "notfound.extension",
    # --- end issue 10 ---
    "histbp_bibstyle",
    "histbp_timeline",
    "histbp_figure",
    "histbp_plots",
    "histbp_cite",
    "histbp_site",
    "histbp_exec",
    "warm_kernel",
    "histbp_source",
]

exclude_patterns = [
    "_build",
    "_intersphinx",
    "_kernel",
    "**.ipynb_checkpoints",
    "Thumbs.db",
    ".DS_Store",
]
nitpicky = True

# --- MyST and executed notebooks ---------------------------------------------------
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3
# Footnotes stay where the page puts them (its "References" section, before
# "Cite this entry"), not moved to the end of the page.
myst_footnote_sort = False
# "force" re-runs every cell (CI, hosted builds); "cache" reuses unchanged results.
nb_execution_mode = os.environ.get("HISTBP_NB_EXECUTION", "force")
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True
# --- issue 10, figures ---
# The pages' kernels start from docs/_kernel's "python3" kernel, which loads
# histbp_plots (from docs/_ext): every figure is drawn as SVG and carries a
# description of what it shows, which becomes its alt text.
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    filter(None, [str(DOCS / "_kernel"), os.environ.get("JUPYTER_PATH")])
)
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(DOCS / "_ext"), os.environ.get("PYTHONPATH")])
)


# --- end issue 10 ---
# A kernel costs more than a second to start: pages without code cells skip it.
nb_execution_excludepatterns = sorted(
    str(page.relative_to(DOCS))
    for page in DOCS.rglob("*.md")
    if "_build" not in page.parts and "```{code-cell}" not in page.read_text("utf-8")
)

# --- Bibliography -------------------------------------------------------------------
bibtex_bibfiles = [str(ROOT / "references.bib")]
bibtex_default_style = "histbp"
bibtex_reference_style = "author_year"

# --- Run it yourself: install, buttons, downloads, status (issue 10, items 4-7) ------
# Install commands (histbp_install), the notebook and script downloads and the
# launch buttons' notebooks (histbp_downloads), the reproduction status page
# (histbp_status).
extensions += ["histbp_install", "histbp_downloads", "histbp_status"]
# One setting: the repository gives the install-from-repository command, the
# theme's repository / edit-this-page / open-an-issue buttons and its Binder and
# Colab launch buttons (histbp_install fills in html_theme_options from it). A fork
# or a CI run sets HISTBP_REPOSITORY_URL (Read the Docs gives its clone address);
# `-D repository_url=...` works too.
_clone_url = os.environ.get("READTHEDOCS_GIT_CLONE_URL", "")
repository_url = (
    os.environ.get("HISTBP_REPOSITORY_URL")
    or (_clone_url.removesuffix(".git") if _clone_url.startswith("https://") else "")
    or "https://github.com/histbp/histbp"
)
repository_branch = "main"
# Until a release is on PyPI, pages also show (and notebooks use) the install from
# the repository.
histbp_released = False
# Binder and Colab open the converted notebooks (histbp_downloads), which the docs
# workflow publishes on this branch of the repository.
histbp_notebook_branch = "notebooks"
# Stable anchors on the bibliography page, which the notebooks' citations link to.
bibtex_cite_id = "cite-{key}"

# --- API reference ------------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autosummary_generate = False
# Documented objects are not headings of the table of contents: with hundreds of
# them on the API pages, every page's sidebar copied them all (a third of the
# build's writing time); the API pages list their names in autosummary tables.
toc_object_entries = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# The bare names of numpy-style docstrings, as links.
napoleon_type_aliases = {
    "ndarray": "numpy.ndarray",
    "ArrayLike": "numpy.typing.ArrayLike",
    "NDArray": "numpy.typing.NDArray",
    "Generator": "numpy.random.Generator",
}
# Words of numpy-style type descriptions that name no object.
nitpick_ignore_regex = [
    ("py:class", r"array_like|array-like|callable|optional|default.*|shape .*"),
    ("py:class", r"histbp\..*\._.*"),
]

# --- HTML ---------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
# issue 10: one small override of the theme's (search-button-field.html).
templates_path = [str(DOCS / "_templates")]
html_title = "histbp"
# A favicon of our own: without one, browsers ask for /favicon.ico and log a 404.
html_favicon = str(DOCS / "_static" / "favicon.svg")
# Absolute, so that a conf.py elsewhere can import these settings (tests/site/).
html_static_path = [str(DOCS / "_static")]
html_css_files = ["histbp.css"]
# Without a default mode the theme logs a console error on a reader's first visit.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
    # --- issue 10, navigation ---
    # pydata-sphinx-theme fills the top header (which sphinx-book-theme hides)
    # with a search box and a copy of each sidebar toggle, and both themes' scripts
    # bind to the first toggle on the page: the hidden one. With nothing in the
    # header, the visible toggles of the article header are the only ones, and
    # one search box is left at each width: the primary sidebar's on a desktop,
    # the article header's button where the sidebar is folded away.
    "navbar_persistent": [],
    # --- end issue 10 ---
}
# The highlighted source pages behind the API's [source] links (about 60) keep the
# logo, the links and the search box but not the site's table of contents:
# rendering it into each of them took about 1 s of every build, in one process.
html_sidebars = {
    "_modules/**": ["navbar-logo.html", "icon-links.html", "search-button-field.html"]
}
# The ".md" download is the page's source as written, not a ".md.txt".
html_sourcelink_suffix = ""
# The copy button goes on code-cell inputs and on the BibTeX of "Cite this entry"
# and "How to cite" (histbp_cite), never on outputs.
copybutton_selector = (
    "div.cell_input div.highlight pre, div.histbp-cite div.highlight pre"
)

# --- Hosting: sitemap, Open Graph, 404 (issue 10) ------------------------------------
# The canonical address: Read the Docs sets READTHEDOCS_CANONICAL_URL; the GitHub
# Pages workflow sets HISTBP_BASEURL. It gives the canonical links, the sitemap
# (sphinx-sitemap), the Open Graph tags (sphinxext-opengraph) and the addresses of
# the 404 page's assets (sphinx-notfound-page).
html_baseurl = (
    os.environ.get("HISTBP_BASEURL")
    or os.environ.get("READTHEDOCS_CANONICAL_URL")
    or "https://histbp.readthedocs.io/en/latest/"
)
sitemap_url_scheme = "{link}"
sitemap_excludes = ["404.html", "search.html", "genindex.html", "py-modindex.html"]
ogp_site_url = html_baseurl
ogp_site_name = "histbp"
ogp_description_length = 200
# No generated social-card images: they would draw one matplotlib figure per page.
ogp_social_cards = {"enable": False}
# The 404 page is served for a missing address at any depth: its links and assets
# are addressed from the site's root path.
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>"
        "<p>There is no page at this address. It may have moved when the timeline "
        "was reordered, or the address may be mistyped.</p><ul>"
        f'<li>Start from the <a href="{notfound_urls_prefix}index.html">timeline</a>: '
        "every entry is listed there, by date and by strand.</li>"
        "<li>Search the site with the search box, or press <kbd>Ctrl</kbd> + "
        "<kbd>K</kbd>.</li>"
        f'<li>Look a work up in the <a href="{notfound_urls_prefix}bibliography.html">'
        "bibliography</a>.</li></ul>"
    ),
}

# --- Links into numpy's and Python's documentation (issue 10) ---------------------
# The inventories are committed (docs/_intersphinx/README.md says where each comes
# from), so the build makes no network request.
INVENTORIES = DOCS / "_intersphinx"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11/", str(INVENTORIES / "python-3.11.inv")),
    "numpy": ("https://numpy.org/doc/stable/", str(INVENTORIES / "numpy.inv")),
}
intersphinx_cache_limit = -1
# viewcode: a [source] link from each documented object to its highlighted code.
viewcode_line_numbers = True

# MathJax 3 from the sphinx-mathjax-offline package, copied into _static/: the
# build and the site make no request to a CDN.
mathjax_path = "mathjax/tex-chtml-full.js"
histbp_citation_file = str(ROOT / "CITATION.cff")


# --- issue 10, accessibility of what the theme and docutils emit -------------------
def _attr(text: str) -> str:
    return html_module.escape(html_module.unescape(text), quote=True)


def _name_sidebar_toggles(html: str) -> str:
    """Give each expand/collapse toggle of the sidebar a name (axe: summary-name)."""
    return re.sub(
        r'(<a [^>]*>([^<]*)</a><details(?: open="open")?>)<summary>',
        lambda m: f'{m.group(1)}<summary aria-label="Pages under {_attr(m.group(2))}">',
        html,
    )


def _accessible_html(app, pagename, templatename, context, doctree) -> None:
    # docutils wraps citations in role="list" but gives each one a role that is
    # not a list item (axe: aria-required-children); the list role goes.
    if "body" in context:
        context["body"] = (
            context["body"]
            .replace(
                '<div role="list" class="citation-list">', '<div class="citation-list">'
            )
            # MyST-NB names a hidden cell's toggle "Toggle hidden content" while it
            # shows "Show code cell source" (axe: label-content-name-mismatch); the
            # visible text names it.
            .replace('<summary aria-label="Toggle hidden content">', "<summary>")
        )
    toctree = context.get("generate_toctree_html")
    if toctree is not None:

        def named(*args, **kwargs):
            html = toctree(*args, **kwargs)
            if kwargs.get("kind", args[0] if args else None) != "sidebar":
                return html
            return _name_sidebar_toggles(str(html))

        context["generate_toctree_html"] = named


def setup(app) -> None:
    # After the themes have put their functions in the page's context.
    app.connect("html-page-context", _accessible_html, priority=900)


# --- end issue 10 ---
