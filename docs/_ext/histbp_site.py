"""What the hosted site needs beyond the pages and the kept extensions.

- **Downloads** are ``histbp_downloads``'s (plain Jupyter notebooks and scripts).
- **Open Graph**: sphinxext-opengraph writes the tags; an entry page's description
  is its one-sentence summary from the registry (``og:description`` metadata).
- **MathJax, offline**: the MathJax 3 bundle shipped by the PyPI package
  ``sphinx-mathjax-offline`` is copied into ``_static/mathjax`` (only the one file
  and its fonts, not the package's 24 MB), so no page loads anything from a CDN.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from histbp import timeline

logger = logging.getLogger(__name__)

MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_BUNDLE = "tex-chtml-full.js"
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"


# --- Descriptions --------------------------------------------------------------------


def describe_entry_page(app: Sphinx, doctree: nodes.document) -> None:
    """Give an entry page its registry summary as its Open Graph description."""
    entry = timeline.by_page(app.env.docname)
    if entry is not None:
        app.env.metadata[app.env.docname]["og:description"] = entry.summary


# --- At the end: MathJax -----------------------------------


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
    copy_mathjax(app)


def check_mathjax(app: Sphinx, config) -> None:
    if config.mathjax_path.startswith("mathjax/") and mathjax_source() is None:
        logger.warning(
            "mathjax_path is %r but %s is not installed",
            config.mathjax_path,
            MATHJAX_PACKAGE,
            type="histbp",
        )


def detach_nested_documents(app: Sphinx, doctree: nodes.document) -> None:
    """Point every node at its page's document, not at a nested one.

    The nodes of a MyST ``eval-rst`` block (the API pages' autodoc) are parsed in a
    nested document and keep a reference to it, and through its settings to the
    whole build environment, sources of the viewcode pages included: each API
    page's doctree was pickled at 3 MB instead of tens of kB, then read back for
    writing.
    """
    for node in doctree.findall(nodes.Node):
        if node.__dict__.get("_document") not in (None, doctree):
            node._document = doctree


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", check_mathjax)
    app.connect("doctree-read", detach_nested_documents, priority=900)
    # After Sphinx's metadata collector (500), which starts each page's metadata.
    app.connect("doctree-read", describe_entry_page, priority=600)
    # Before sphinx-book-theme builds its buttons (501), and after (502).
    app.connect("build-finished", finish)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
