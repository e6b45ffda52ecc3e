"""Each entry page shows its method's own code, and pages use only public names.

An entry page includes the source of one of its implementations with the
``method-code`` directive (``docs/_ext/histbp_source.py``); the registry and the
pages name objects only through the public surfaces of ``histbp`` (a subpackage's
``__init__`` or a public top-level module), never an inner ``_module``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pagekit import CODE_CELL

from histbp import timeline

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

#: The modules a reader imports from; everything else in histbp is private.
PUBLIC = {
    "histbp",
    "histbp.autodiff",
    "histbp.control",
    "histbp.data",
    "histbp.mnist",
    "histbp.nets",
    "histbp.optimize",
    "histbp.reproduction",
    "histbp.testing",
    "histbp.timeline",
}

METHOD_CODE = re.compile(r"^(`{3,}|:{3,})\{method-code\}\s+(\S+)\s*$", re.M)


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)


def _credited(name: str, implementations: tuple[str, ...]) -> bool:
    return any(name == i or name.startswith(i + ".") for i in implementations)


def _histbp_imports(source: str) -> list[str]:
    """The histbp modules a cell imports (``import a.b``, ``from a.b import c``)."""
    body = "\n".join(  # IPython magics and MyST cell options are not Python
        line
        for line in source.splitlines()
        if not line.lstrip().startswith(("%", "!", ":"))
    )
    found = []
    for node in ast.walk(ast.parse(body)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "histbp"]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] == "histbp":
                found.append(node.module)
                # ``from histbp.nets import _inner`` reaches past the surface too.
                found += [
                    f"{node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_")
                ]
    return found


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_each_entry_page_shows_code_of_one_of_its_implementations(entry):
    text = (DOCS / f"{entry.page}.md").read_text(encoding="utf-8")
    shown = [name for _, name in METHOD_CODE.findall(text)]
    assert shown, f"{entry.page} shows no method code (no method-code directive)"
    for name in shown:
        assert _credited(name, entry.implementations), (
            f"{entry.page} shows {name}, which is not among its implementations "
            f"{entry.implementations}"
        )


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_registry_names_implementations_by_their_public_surface(entry):
    for dotted in entry.implementations:
        module = dotted.rpartition(".")[0]
        while module not in PUBLIC and "." in module:
            # Allow Class.method: climb until the part before is a module.
            module, _, _ = module.rpartition(".")
        owner = dotted[len(module) + 1 :].split(".")[0]
        assert module in PUBLIC and not owner.startswith("_"), (
            f"{entry.slug}: {dotted} is not named through a public surface"
        )
        assert dotted.count(".") - module.count(".") <= 2, dotted


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_pages_import_only_public_surfaces(page):
    text = page.read_text(encoding="utf-8")
    for cell in CODE_CELL.findall(text):
        for module in _histbp_imports(cell):
            assert module in PUBLIC, (
                f"{page.relative_to(DOCS)} imports {module}; import from one of "
                f"{sorted(PUBLIC)}"
            )


def test_the_import_reader_sees_inner_modules():
    cell = "import numpy as np\nfrom histbp.nets.chunker import x\nimport histbp.nets"
    assert _histbp_imports(cell) == ["histbp.nets.chunker", "histbp.nets"]
    assert _histbp_imports("from histbp.nets import _bptt") == [
        "histbp.nets",
        "histbp.nets._bptt",
    ]
