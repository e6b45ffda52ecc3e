"""The build's warm kernels (docs/_ext/warm_kernel.py), driven as MyST-NB drives them.

A notebook runs through nbclient with the site's kernel (docs/_kernel): once with
a warm process listening, whose fork must run it, and once without, when the
launcher must start an ordinary kernel. Needs ipykernel and nbclient (the docs
dependencies): ``nox -s site`` or ``nox -s browser``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from sitekit import DOCS

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

pytestmark = pytest.mark.site_build

REPORT = "import os, sys\nprint(os.getppid(), os.getcwd(), 'numpy' in sys.modules)"


@pytest.fixture
def kernel_env(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(DOCS / "_kernel"))
    path = os.pathsep.join(
        filter(None, [str(DOCS / "_ext"), os.environ.get("PYTHONPATH")])
    )
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.setenv("MPLBACKEND", "module://histbp_inline")
    monkeypatch.delenv("HISTBP_WARM_KERNEL", raising=False)
    return monkeypatch


@pytest.fixture
def warm_process(kernel_env, tmp_path):
    address = str(tmp_path / "warm.sock")
    process = subprocess.Popen(
        [sys.executable, "-m", "warm_kernel", "--serve", address], env=os.environ
    )
    deadline = time.monotonic() + 30
    while not os.path.exists(address):
        assert process.poll() is None, "the warm process exited at start"
        assert time.monotonic() < deadline, "the warm process never listened"
        time.sleep(0.01)
    kernel_env.setenv("HISTBP_WARM_KERNEL", address)
    yield process
    process.terminate()
    process.wait(timeout=10)


def _run(cells: list[str], folder) -> list[str]:
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in cells]
    )
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return [
        "".join(out.get("text", "") for out in cell.outputs) for cell in notebook.cells
    ]


def test_a_page_runs_in_a_kernel_forked_from_the_warm_process(warm_process, tmp_path):
    first, second = _run([REPORT, "x = 6 * 7\nprint(x)"], tmp_path)
    parent, cwd, numpy_loaded = first.split()
    assert int(parent) == warm_process.pid
    assert cwd == str(tmp_path)
    assert numpy_loaded == "True"  # imported once, by the warm process
    assert second == "42\n"


def test_each_page_gets_a_fresh_kernel(warm_process, tmp_path):
    _run(["leftover = 1"], tmp_path)
    (result,) = _run(["print('leftover' in globals())"], tmp_path)
    assert result == "False\n"


def test_unseeded_numpy_draws_differ_between_kernels(warm_process, tmp_path):
    draw = "import numpy as np\nprint(np.random.randint(2**62))"
    first, second = (_run([draw], tmp_path)[0] for _ in range(2))
    assert first != second


def test_a_failing_cell_still_stops_the_page(warm_process, tmp_path):
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="ZeroDivision"):
        _run(["1 / 0"], tmp_path)


def test_without_a_warm_process_the_kernel_starts_cold(kernel_env, tmp_path):
    kernel_env.setenv("HISTBP_WARM_KERNEL", str(tmp_path / "nothing-listens"))
    (result,) = _run([REPORT], tmp_path)
    parent, cwd, numpy_loaded = result.split()
    assert int(parent) == os.getpid()  # the launcher became the kernel itself
    assert cwd == str(tmp_path)
    assert numpy_loaded == "False"
