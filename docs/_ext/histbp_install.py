"""How a reader installs histbp to run a page: said once, shown where it is needed.

- One setting, ``repository_url`` (its default is in ``conf.py``), gives the
  install command from the repository, the theme's repository, edit-this-page and
  open-an-issue buttons, and its Binder and Colab launch buttons: the theme's options
  are filled in from it when the configuration is read.
- The ``install`` directive shows the install commands (the landing page uses it),
  and every page with code cells gets the same box before its first cell, naming the
  extra the page needs. ``pip install histbp`` is shown always; the install from the
  repository while ``histbp_released`` is false (no release on PyPI yet).
- What a page needs is read from its code: the top-level modules its cells import,
  mapped to the distributions that provide them. The ``examples`` extra is whatever
  ``pyproject.toml`` declares (read from the installed package's metadata), and a
  page that imports something neither histbp nor that extra provides is a warning,
  so the strict build fails naming it.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from docutils import nodes
from packaging.requirements import Requirement
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

PACKAGE = "histbp"
EXTRA = "examples"
BOX_CLASS = "histbp-install"


# --- What a page imports, and who provides it -----------------------------------------


def imported_modules(sources: Iterable[str]) -> set[str]:
    """The top-level modules that ``import`` statements in ``sources`` name.

    Lines that IPython would treat as magics or shell escapes are left out first;
    relative imports name no distribution and are ignored.
    """
    found: set[str] = set()
    for source in sources:
        code = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line
            for line in source.splitlines()
        )
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


@functools.cache
def _requirements() -> tuple[frozenset[str], frozenset[str]]:
    """histbp's own dependencies and its extra's, as normalised distribution names."""
    core: set[str] = set()
    extra: set[str] = set()
    for text in importlib.metadata.requires(PACKAGE) or []:
        requirement = Requirement(text)
        name = _normalise(requirement.name)
        marker = requirement.marker
        if marker is None:
            core.add(name)
        elif marker.evaluate({"extra": EXTRA}) and not marker.evaluate({"extra": ""}):
            extra.add(name)
    return frozenset(core), frozenset(extra)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def _module_owners() -> dict[str, tuple[str, ...]]:
    return {
        module: tuple(sorted({_normalise(d) for d in dists}))
        for module, dists in importlib.metadata.packages_distributions().items()
    }


@dataclass(frozen=True)
class Needs:
    """What running a page's code takes, beyond the standard library."""

    distributions: tuple[str, ...]
    """The distributions the page imports, histbp first, in a stable order."""
    extra: bool
    """Whether the page needs histbp's ``examples`` extra."""
    missing: tuple[str, ...]
    """Imported modules that neither histbp nor its extra provides."""


def page_needs(sources: Iterable[str]) -> Needs:
    """What the code cells ``sources`` import, as distributions to install."""
    core, extra = _requirements()
    owners = _module_owners()
    wanted: set[str] = set()
    missing = []
    for module in sorted(imported_modules(sources)):
        if module in sys.stdlib_module_names:
            continue
        if module == PACKAGE:
            wanted.add(PACKAGE)
            continue
        dists = set(owners.get(module, ())) & (core | extra)
        if not dists:
            missing.append(module)
        wanted.update(dists)
    ordered = sorted(wanted, key=lambda d: (d != PACKAGE, d not in core, d))
    return Needs(tuple(ordered), bool(wanted & extra), tuple(missing))


# --- The commands, from the configuration ---------------------------------------------


def requirement(config: Config, extra: bool, *, from_repository: bool) -> str:
    """The pip requirement for histbp (with its extra), from PyPI or the repository."""
    name = f"{PACKAGE}[{EXTRA}]" if extra else PACKAGE
    if not from_repository:
        return name
    return f"{name} @ git+{config.repository_url.rstrip('/')}"


def _quoted(text: str) -> str:
    return f'"{text}"' if any(c in text for c in "[] @") else text


def install_commands(config: Config, extra: bool) -> list[tuple[str, str]]:
    """(What it is, the command) for each way to install: PyPI, then the repository."""
    commands = [
        (
            "From PyPI",
            f"pip install {_quoted(requirement(config, extra, from_repository=False))}",
        )
    ]
    if not config.histbp_released and config.repository_url:
        commands.append(
            (
                "From the repository, until the first release is on PyPI",
                "pip install "
                + _quoted(requirement(config, extra, from_repository=True)),
            )
        )
    return commands


def notebook_requirement(config: Config, extra: bool) -> str:
    """What a downloaded notebook's first cell installs where histbp is missing."""
    return requirement(config, extra, from_repository=not config.histbp_released)


# --- On the pages ---------------------------------------------------------------------


def install_box(config: Config, needs: Needs | None) -> nodes.container:
    """The box with the install commands; ``needs`` is None on the landing page."""
    box = nodes.container(classes=[BOX_CLASS])
    title = "Run the code yourself" if needs is None else "Run this page yourself"
    box += nodes.rubric(title, title)
    if needs is None:
        text = (
            "histbp needs Python 3.11 or newer and numpy. The pages also plot with "
            f"matplotlib and two load scikit-learn's digits: the {EXTRA} extra "
            "installs both."
        )
        extra = True
    else:
        others = [d for d in needs.distributions if d not in (PACKAGE, "numpy")]
        text = "The code on this page needs histbp" + (
            f" and {', '.join(others)} (the {EXTRA} extra)." if others else " only."
        )
        extra = needs.extra
    box += nodes.paragraph(text, text)
    for label, command in install_commands(config, extra):
        box += nodes.paragraph(f"{label}:", f"{label}:")
        box += nodes.literal_block(command, command, language="bash")
    if needs is not None:
        text = (
            "The download menu at the top offers this page as a notebook or a script; "
            "the launch menu opens it on Binder or Colab."
        )
        box += nodes.paragraph(text, text)
    return box


class InstallDirective(SphinxDirective):
    """The install commands for the whole package (the landing page)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [install_box(self.config, None)]


def _is_code_cell(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def cell_sources(doctree: nodes.document) -> list[str]:
    """The code of a page's executed cells, in order, as MyST-NB parsed them."""
    sources = []
    for cell in doctree.findall(_is_code_cell):
        block = next(iter(cell.findall(nodes.literal_block)), None)
        if block is not None:
            sources.append(block.astext())
    return sources


def add_install_box(app: Sphinx, doctree: nodes.document) -> None:
    """Put the install box before the first code cell of every page that has one."""
    first = next(iter(doctree.findall(_is_code_cell)), None)
    if first is None:
        return
    needs = page_needs(cell_sources(doctree))
    if needs.missing:
        logger.warning(
            "%s imports %s, which neither histbp nor its %r extra provides: "
            "declare it in pyproject.toml",
            app.env.docname,
            ", ".join(needs.missing),
            EXTRA,
            location=first,
            type="histbp",
        )
    first.parent.insert(first.parent.index(first), install_box(app.config, needs))


# --- One setting for the theme's buttons ----------------------------------------------


def copy_install_commands(app: Sphinx, config: Config) -> None:
    """Let sphinx-copybutton decorate the install commands, like code cells."""
    selector = f"div.{BOX_CLASS} div.highlight pre"
    if selector not in config.copybutton_selector:
        config.copybutton_selector = f"{config.copybutton_selector}, {selector}"


def apply_repository_url(app: Sphinx, config: Config) -> None:
    """Fill in the theme's repository and launch options from ``repository_url``."""
    url = config.repository_url.rstrip("/")
    if not url:
        return
    options = config.html_theme_options
    options.setdefault("repository_url", url)
    options.setdefault("repository_branch", config.repository_branch)
    options.setdefault("path_to_docs", "docs")
    for button in ("repository", "edit_page", "issues"):
        options.setdefault(f"use_{button}_button", True)
    options.setdefault(
        "launch_buttons",
        {
            "binderhub_url": "https://mybinder.org",
            "colab_url": "https://colab.research.google.com",
            "notebook_interface": "jupyterlab",
        },
    )


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("repository_url", "", "html", types=[str])
    app.add_config_value("repository_branch", "main", "html", types=[str])
    app.add_config_value("histbp_released", False, "html", types=[bool])
    app.add_directive("install", InstallDirective)
    # Before the theme reads its options (builder-inited).
    app.connect("config-inited", apply_repository_url)
    # Before sphinx-copybutton copies its selector into the pages' context (500).
    app.connect("config-inited", copy_install_commands, priority=400)
    app.connect("doctree-read", add_install_box)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
