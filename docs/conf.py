"""Sphinx configuration for the histbp site."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
    "histbp_bibstyle",
    "histbp_timeline",
    "histbp_figure",
    "histbp_cite",
    "histbp_site",
    "histbp_exec",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
nitpicky = True

# --- MyST and executed notebooks ---------------------------------------------------
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3
# "force" re-runs every cell (CI, hosted builds); "cache" reuses unchanged results.
nb_execution_mode = os.environ.get("HISTBP_NB_EXECUTION", "force")
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120
nb_merge_streams = True
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
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# Types named in numpy docstrings that have no page of their own on this site.
nitpick_ignore_regex = [
    ("py:class", r"(numpy\.)?(typing\.)?(ndarray|ArrayLike|NDArray|floating|float64)"),
    ("py:class", r"array_like|array-like|callable|optional|default.*|shape .*"),
    ("py:class", r"(collections\.abc\.)?(Callable|Sequence|Iterable|Iterator)"),
    ("py:class", r"histbp\..*\._.*"),
    # The build makes no network request, so there are no intersphinx inventories:
    # references into numpy and the standard library stay plain text.
    (
        "py:(class|func|meth|mod|data|obj|exc)",
        r"(numpy|fractions|collections|typing|math|inspect|ast|pathlib|os|gzip"
        r"|hashlib|urllib|dataclasses|functools|compile|exec|eval)(\..*)?",
    ),
]

# --- HTML ---------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
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
}
# The ".md" download is the page's source as written, not a ".md.txt".
html_sourcelink_suffix = ""
# The copy button goes on code-cell inputs and on the BibTeX of "Cite this entry"
# and "How to cite" (histbp_cite), never on outputs.
copybutton_selector = (
    "div.cell_input div.highlight pre, div.histbp-cite div.highlight pre"
)

# --- Hosting (histbp_site) ----------------------------------------------------------
# The canonical address: Read the Docs sets READTHEDOCS_CANONICAL_URL; the GitHub
# Pages workflow sets HISTBP_BASEURL. It gives the canonical links, the sitemap, the
# Open Graph tags and the 404 page's base.
html_baseurl = (
    os.environ.get("HISTBP_BASEURL")
    or os.environ.get("READTHEDOCS_CANONICAL_URL")
    or "https://histbp.readthedocs.io/en/latest/"
)
# MathJax 3 from the sphinx-mathjax-offline package, copied into _static/: the
# build and the site make no request to a CDN.
mathjax_path = "mathjax/tex-chtml-full.js"
histbp_citation_file = str(ROOT / "CITATION.cff")
histbp_site_description = (
    "The history of backpropagation as a timeline, from Leibniz's chain rule (1676) "
    "to deep networks trained by plain backpropagation (2010), each method run in "
    "executed Python."
)
