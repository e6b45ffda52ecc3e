"""The site's downloads run where only the built wheel is installed.

``nox -s downloads`` makes a fresh environment, installs the wheel from ``dist/``
with its ``examples`` extra (never the source tree), and runs this module: every
page's downloaded script (``.py``) and notebook (``.ipynb``) from the built site is
run there, in a scratch folder, as a reader would run it. The notebooks' prose must
also be plain Markdown: nothing of MyST's syntax is left for Jupyter to show.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

if os.environ.get("HISTBP_DOWNLOAD_TESTS") != "1":
    pytest.skip(
        "runs the downloads from the built wheel: run `nox -s downloads`",
        allow_module_level=True,
    )

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("HISTBP_SITE_DIR", ROOT / "docs" / "_build" / "html"))
SOURCES = SITE / "_sources"
NOTEBOOKS = sorted(p.relative_to(SOURCES).as_posix() for p in SOURCES.rglob("*.ipynb"))
SCRIPTS = sorted(p.relative_to(SOURCES).as_posix() for p in SOURCES.rglob("*.py"))
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
# What MyST would leave in the text if the conversion missed it.
MYST_LEFTOVERS = re.compile(
    r"\{(footcite|cite|py|doc|ref|index|math)[^}]*\}`|^(```|:::)\{|\]\([^)#:]*\.md(#[^)]*)?\)",
    re.M,
)


def test_there_are_downloads_of_both_kinds():
    assert len(NOTEBOOKS) > 20
    assert [n.removesuffix(".ipynb") for n in NOTEBOOKS] == [
        s.removesuffix(".py") for s in SCRIPTS
    ]


def test_histbp_is_the_installed_wheel(tmp_path):
    wheel = Path(os.environ["HISTBP_WHEEL"])
    probe = (
        "import importlib.metadata as m, json, histbp\n"
        "d = m.distribution('histbp')\n"
        "print(json.dumps([histbp.__file__, histbp.__version__, d.version,"
        " d.read_text('direct_url.json')]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    where, version, dist_version, direct_url = json.loads(done.stdout)
    # Imported from the environment's site-packages, not from the source tree.
    assert "site-packages" in Path(where).parts, where
    assert not Path(where).resolve().is_relative_to(ROOT / "histbp"), where
    assert version == dist_version
    assert wheel.name.startswith(f"histbp-{version}-")
    # Installed from the wheel file, not from a source tree (editable or not).
    assert json.loads(direct_url)["url"].endswith(wheel.name)


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_script_runs(name, tmp_path):
    done = subprocess.run(
        [sys.executable, str(SOURCES / name)],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stderr[-3000:]}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_runs(name, tmp_path):
    notebook = nbformat.read(SOURCES / name, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    os.environ.update(MPLBACKEND="Agg")
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors, f"{name}: {errors}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_is_plain_markdown(name):
    notebook = json.loads((SOURCES / name).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = (
            "".join(cell["source"])
            if isinstance(cell["source"], list)
            else cell["source"]
        )
        left = MYST_LEFTOVERS.findall(text)
        assert not left, f"{name}: MyST left in a Markdown cell: {left}"
