"""Each page's notebook and script, made to run and read outside the site.

Every page with code cells offers, in the book theme's download menu beside its
``.md`` source:

- the executed notebook (``.ipynb``), its prose rewritten from MyST into plain
  Markdown (:mod:`myst_to_jupyter`: citations as author-year links into the site's
  bibliography and a reference list, roles and ``.md`` links as site addresses), and
  a first cell that installs histbp where it is missing (Colab, Binder), tagged
  ``remove-cell`` so that a site rendering the notebook hides it;
- a plain script (``.py``): the code cells in order (``# %%`` cells), the prose as
  comments, under a header naming exactly what the page imports and how to install
  it (:func:`histbp_install.page_needs`).

The theme's Binder and Colab buttons open these notebooks from the branch that the
docs workflow publishes them on (``histbp_notebook_branch``): the theme itself
would point them at the page's ``.md`` on the main branch, which Colab cannot open.
"""

from __future__ import annotations

import copy
import html
import json
import posixpath
import re
from pathlib import Path

from docutils.nodes import make_id
from histbp_cite import bibliography
from histbp_install import Needs, install_commands, notebook_requirement, page_needs
from myst_to_jupyter import to_jupyter_markdown
from pybtex.plugin import find_plugin
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

INSTALL_CELL_TAG = "remove-cell"


# --- The site's addresses, for the rewritten prose ------------------------------------


def _surname(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
    if not names:
        return entry.fields.get("howpublished", entry.key)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return names[0] if len(names) == 1 else f"{names[0]} et al."


class SiteLinker:
    """The built site's absolute addresses, seen from one page (myst_to_jupyter)."""

    def __init__(self, app: Sphinx, docname: str) -> None:
        self.app = app
        self.docname = docname
        self.base = app.config.html_baseurl.rstrip("/") + "/"
        self.entries = bibliography(app)
        self.style = find_plugin(
            "pybtex.style.formatting", app.config.bibtex_default_style
        )()

    def _doc_url(self, docname: str, anchor: str = "") -> str:
        uri = self.app.builder.get_target_uri(docname)
        return self.base + uri + (f"#{anchor}" if anchor else "")

    def page_url(self, target: str) -> str:
        path, _, anchor = target.partition("#")
        if path.startswith("/"):
            resolved = path.lstrip("/")
        else:
            resolved = posixpath.normpath(
                posixpath.join(posixpath.dirname(self.docname), path)
            )
        if resolved.endswith(".md") and resolved[:-3] in self.app.env.found_docs:
            return self._doc_url(resolved[:-3], anchor)
        if resolved.startswith("..") or resolved.endswith(".md"):
            logger.warning(
                "%s: the link %r leads to no page of the site",
                self.docname,
                target,
                type="histbp",
            )
        return self.base + resolved + (f"#{anchor}" if anchor else "")

    def citation(self, key: str) -> tuple[str, str, str]:
        entry = self.entries.get(key)
        page = self.app.config.histbp_bibliography_page
        if entry is None:
            logger.warning("%s cites unknown key %r", self.docname, key, type="histbp")
            return key, "", self._doc_url(page)
        anchor = make_id(
            self.app.config.bibtex_cite_id.format(bibliography_count=1, key=key)
        )
        return (
            _surname(entry),
            entry.fields.get("year", "n.d."),
            self._doc_url(page, anchor),
        )

    def reference(self, key: str) -> str:
        entry = self.entries[key]
        return self.style.format_entry(key, entry).text.render_as("markdown")

    def role(self, name: str, target: str) -> str | None:
        env = self.app.env
        if name.startswith("py:"):
            found = env.get_domain("py").objects.get(target)
            return self._doc_url(found.docname, found.node_id) if found else None
        if name == "doc":
            path = target.removesuffix(".md")
            docname = (
                path.lstrip("/")
                if path.startswith("/")
                else posixpath.normpath(
                    posixpath.join(posixpath.dirname(self.docname), path)
                )
            )
            return self._doc_url(docname) if docname in env.found_docs else None
        if name == "ref":
            label = env.get_domain("std").labels.get(target.lower())
            return self._doc_url(label[0], label[1]) if label else None
        return None


# --- The notebook and the script ------------------------------------------------------


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def install_cell(requirement: str, url: str) -> dict:
    """The first cell: install histbp where it is missing; elsewhere do nothing."""
    source = "\n".join(
        [
            "# Installs histbp where it is missing (on Colab or Binder, say); where",
            "# it is installed, this cell does nothing. The page on the site:",
            f"# {url}",
            "import importlib.util",
            "",
            'if importlib.util.find_spec("histbp") is None:',
            f'    %pip install --quiet "{requirement}"',
        ]
    )
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "install-histbp",
        "metadata": {"tags": [INSTALL_CELL_TAG]},
        "outputs": [],
        "source": source,
    }


def portable_notebook(app: Sphinx, pagename: str, notebook: dict, needs: Needs) -> dict:
    """The page's notebook as plain Jupyter: Markdown prose, an install cell first."""
    notebook = copy.deepcopy(notebook)
    cells = notebook.get("cells", [])
    prose = [cell for cell in cells if cell.get("cell_type") == "markdown"]
    texts = to_jupyter_markdown(
        [_source(cell) for cell in prose], SiteLinker(app, pagename)
    )
    for cell, text in zip(prose, texts, strict=True):
        cell["source"] = text
    url = _page_url(app, pagename)
    requirement = notebook_requirement(app.config, needs.extra)
    notebook["cells"] = [install_cell(requirement, url), *cells]
    notebook.setdefault("metadata", {}).pop("mystnb", None)
    return notebook


def _import_names(needs: Needs) -> str:
    names = [
        "scikit-learn (sklearn)" if name == "scikit-learn" else name
        for name in needs.distributions
    ]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def script_header(app: Sphinx, title: str, url: str, needs: Needs) -> list[str]:
    """The comment lines that open a page's script: what it imports, how to install."""
    lines = [
        f"# {title}",
        f"# {url}",
        "#",
        "# The page's code cells in order (marked # %%), its text as comments.",
        f"# It imports {_import_names(needs)}. Install "
        f"{'it' if len(needs.distributions) == 1 else 'them'} with",
    ]
    for number, (label, command) in enumerate(
        install_commands(app.config, needs.extra)
    ):
        if number:
            lines.append(f"# or, {label[0].lower()}{label[1:]}:")
        lines.append(f"#     {command}")
    return lines


def notebook_to_script(notebook: dict, header: list[str]) -> str:
    """A notebook as a plain script: code cells in order, the prose as comments.

    The cells are marked ``# %%`` (the "percent" format that editors such as VS Code
    and Spyder run cell by cell); the script also runs as a whole. Cells tagged
    ``remove-cell`` (the notebook's install cell) are left out.
    """
    lines = [*header, ""]
    for cell in notebook.get("cells", []):
        if INSTALL_CELL_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        source = _source(cell)
        if cell.get("cell_type") == "code":
            lines += ["# %%", source.rstrip("\n"), ""]
        elif cell.get("cell_type") == "markdown" and source.strip():
            lines.append("# %% [markdown]")
            lines += [f"# {line}".rstrip() for line in source.strip("\n").splitlines()]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- Into the build -------------------------------------------------------------------


def _page_url(app: Sphinx, pagename: str) -> str:
    return (
        app.config.html_baseurl.rstrip("/") + "/" + app.builder.get_target_uri(pagename)
    )


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


def prepare_downloads(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Make a page's notebook and script, and name them for the theme's menu."""
    if doctree is None or app.builder.format != "html":
        return
    source = _executed_notebook(app, pagename)
    if not source.is_file():
        return
    notebook = json.loads(source.read_text(encoding="utf-8"))
    code = [_source(c) for c in notebook.get("cells", []) if c["cell_type"] == "code"]
    if not code:
        return
    needs = page_needs(code)
    notebook = portable_notebook(app, pagename, _cached_outputs(app, notebook), needs)
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or pagename))
    header = script_header(app, title, _page_url(app, pagename), needs)
    script = Path(app.outdir, "_sources", f"{pagename}.py")
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(notebook_to_script(notebook, header), encoding="utf-8")
    # sphinx-book-theme lists ``ipynb_source`` (under _sources/) in its download menu.
    context["ipynb_source"] = f"{pagename}.ipynb"
    context["histbp_script_source"] = f"{pagename}.py"
    context["histbp_notebook"] = notebook


def write_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Write the notebook, after the theme's launch buttons copied the raw one there."""
    notebook = context.get("histbp_notebook")
    if notebook is None:
        return
    target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
    target.write_text(
        json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


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


def point_launch_buttons_at_notebooks(
    app: Sphinx, pagename, templatename, context, doctree
) -> None:
    """Open the converted ``.ipynb`` on the notebooks branch, not the ``.md`` source."""
    branch = app.config.html_theme_options.get("repository_branch", "main")
    notebooks = app.config.histbp_notebook_branch
    source = app.env.doc2path(pagename, base=False)
    suffix = Path(source).suffix
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group["buttons"]:
            url = button.get("url", "")
            if button.get("text") not in ("Binder", "Colab"):
                continue
            url = url.replace(f"/{branch}/", f"/{notebooks}/", 1)
            url = url.replace(f"/{branch}?", f"/{notebooks}?", 1)
            if suffix != ".ipynb":
                url = re.sub(rf"{re.escape(suffix)}$", ".ipynb", url)
            button["url"] = url


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("histbp_notebook_branch", "notebooks", "html", types=[str])
    app.add_config_value("histbp_bibliography_page", "bibliography", "html")
    # sphinx-book-theme builds its buttons, and copies the raw notebook into
    # _sources/, at priority 501: prepare before, write and adjust after.
    app.connect("html-page-context", prepare_downloads, priority=500)
    app.connect("html-page-context", write_notebook, priority=502)
    app.connect("html-page-context", add_script_button, priority=502)
    app.connect("html-page-context", point_launch_buttons_at_notebooks, priority=502)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
