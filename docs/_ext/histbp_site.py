"""What the hosted site needs beyond the pages and the kept extensions.

- **Downloads**: every page with code cells offers its executed notebook (``.ipynb``,
  as MyST-NB wrote it) and a plain script (``.py``, its cells in order, the prose as
  comments) in the book theme's download menu, beside the ``.md`` source.
- **Open Graph**: sphinxext-opengraph writes the tags; an entry page's description
  is its one-sentence summary from the registry (``og:description`` metadata).
- **MathJax, offline**: the MathJax 3 bundle shipped by the PyPI package
  ``sphinx-mathjax-offline`` is copied into ``_static/mathjax`` (only the one file
  and its fonts, not the package's 24 MB), so no page loads anything from a CDN.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
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


# --- Per page: downloads ------------------------------------------------


def page_url(app: Sphinx, pagename: str) -> str:
    """The absolute address of a page under ``html_baseurl``."""
    base = app.config.html_baseurl.rstrip("/") + "/"
    uri = app.builder.get_target_uri(pagename)
    return base + (
        "" if uri in ("index.html", "index") and pagename == "index" else uri
    )


def notebook_to_script(notebook: dict, title: str, url: str) -> str:
    """A notebook as a plain script: code cells in order, the prose as comments.

    The cells are marked ``# %%`` (the "percent" format that editors such as VS Code
    and Spyder run cell by cell); the script also runs as a whole.
    """
    lines = [
        f"# {title}",
        f"# {url}" if url else "#",
        "#",
        "# The page's code cells in order, and its text as comments. It runs as it is",
        "# with histbp installed (and matplotlib, on pages that plot).",
        "",
    ]
    for cell in notebook.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "code":
            lines += ["# %%", source.rstrip("\n"), ""]
        elif cell.get("cell_type") == "markdown" and source.strip():
            lines.append("# %% [markdown]")
            lines += [f"# {line}".rstrip() for line in source.strip("\n").splitlines()]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _executed_notebook(app: Sphinx, pagename: str) -> Path:
    # Where MyST-NB writes each page's notebook after running it.
    return Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"


def _cached_outputs(app: Sphinx, notebook: dict) -> dict:
    """The notebook with its outputs from the execution cache (``cache`` mode).

    In cache mode MyST-NB renders the cached outputs but writes the notebook
    without them; merge them back so that a local build offers what a hosted one
    does. Where the cache has no match, the notebook stays as it is.
    """
    if app.config.nb_execution_mode != "cache":
        return notebook
    import nbformat
    from jupyter_cache import get_cache

    node = nbformat.from_dict(notebook)
    try:
        _, merged = get_cache(
            app.config.nb_execution_cache_path
        ).merge_match_into_notebook(node)
    except KeyError:
        return notebook
    return json.loads(nbformat.writes(merged))


def add_downloads(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Put a page's notebook and script in ``_sources/``, named for the theme."""
    if doctree is None or app.builder.format != "html":
        return
    source = _executed_notebook(app, pagename)
    if not source.is_file():
        return
    notebook = json.loads(source.read_text(encoding="utf-8"))
    if not any(cell.get("cell_type") == "code" for cell in notebook.get("cells", [])):
        return
    target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    if app.config.nb_execution_mode == "cache":
        notebook = _cached_outputs(app, notebook)
        target.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    else:
        shutil.copyfile(source, target)
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or pagename))
    url = page_url(app, pagename) if app.config.html_baseurl else ""
    script = notebook_to_script(notebook, title, url)
    target.with_suffix(".py").write_text(script, encoding="utf-8")
    # sphinx-book-theme lists ``ipynb_source`` (under _sources/) in its download menu.
    context["ipynb_source"] = f"{pagename}.ipynb"
    context["histbp_script_source"] = f"{pagename}.py"


def add_script_button(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Add the ``.py`` script to the theme's download menu, after the notebook."""
    script = context.get("histbp_script_source")
    if not script:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        at = next(
            (
                i + 1
                for i, b in enumerate(buttons)
                if b.get("label") == "download-notebook-button"
            ),
            0,
        )
        buttons.insert(
            at,
            {
                "type": "link",
                "url": f"{context['pathto']('_sources', 1)}/{script}",
                "text": ".py",
                "tooltip": "Download the code cells as a script",
                "icon": "fas fa-terminal",
                "label": "download-script-button",
            },
        )


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


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", check_mathjax)
    # After Sphinx's metadata collector (500), which starts each page's metadata.
    app.connect("doctree-read", describe_entry_page, priority=600)
    # Before sphinx-book-theme builds its buttons (501), and after (502).
    app.connect("html-page-context", add_downloads, priority=500)
    app.connect("html-page-context", add_script_button, priority=502)
    app.connect("build-finished", finish)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
