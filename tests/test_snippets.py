"""Every code cell on the site runs as it is, copied into a fresh interpreter.

Two ways a reader copies code, two tests: one cell alone, and a whole page's cells in
order, as one script (what the page's ``.py`` download holds). Each runs in its own
fresh process, so pytest-xdist spreads them over the cores.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pagekit import CODE_CELL

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _pages() -> list[tuple[str, list[str]]]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        if "_build" in page.parts:
            continue
        cells = CODE_CELL.findall(page.read_text("utf-8"))
        if cells:
            found.append((page.relative_to(DOCS).with_suffix("").as_posix(), cells))
    return found


PAGES = _pages()
CELLS = [
    (f"{page}#{number}", source)
    for page, cells in PAGES
    for number, source in enumerate(cells, 1)
]
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}


def _run_script(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=script.parent,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_site_has_code_cells():
    assert len(CELLS) >= 4


@pytest.mark.parametrize(("where", "source"), CELLS, ids=[w for w, _ in CELLS])
def test_cell_runs_alone_in_a_fresh_interpreter(where, source, tmp_path):
    # A file, not ``python -c``: code that reads its own source (the 1980 entry's
    # source-to-source compiler) needs it on disk, as it is in a script or notebook.
    script = tmp_path / "cell.py"
    script.write_text(source, encoding="utf-8")
    done = _run_script(script)
    assert done.returncode == 0, f"cell {where} failed:\n{done.stderr[-3000:]}"


def _page_script(cells: list[str]) -> tuple[str, list[int]]:
    """The cells joined into one script, and the line on which each cell starts."""
    lines: list[str] = []
    starts = []
    for number, source in enumerate(cells, 1):
        lines.append(f"# %% cell {number}")
        starts.append(len(lines) + 1)
        lines.extend(source.rstrip("\n").splitlines())
        lines.append("")
    return "\n".join(lines) + "\n", starts


def _failing_cell(stderr: str, script: Path, starts: list[int]) -> int | None:
    """The number of the cell where the traceback's last frame in the script lies."""
    pattern = re.compile(rf'File "{re.escape(str(script))}", line (\d+)')
    lines = [int(line) for line in pattern.findall(stderr)]
    if not lines:
        return None
    return sum(start <= lines[-1] for start in starts)


def test_the_script_marks_every_cell():
    script, starts = _page_script(["a = 1\n", "b = a + 1\nprint(b)\n"])
    assert script.splitlines()[starts[1] - 1] == "b = a + 1"
    assert _failing_cell('File "/x/page.py", line 5', Path("/x/page.py"), starts) == 2


@pytest.mark.parametrize(("page", "cells"), PAGES, ids=[p for p, _ in PAGES])
def test_page_runs_in_order_in_a_fresh_interpreter(page, cells, tmp_path):
    # What a reader gets by copying every cell of the page, in order, into one file:
    # a later cell may use what an earlier one defined, and nothing else.
    script = tmp_path / "page.py"
    text, starts = _page_script(cells)
    script.write_text(text, encoding="utf-8")
    done = _run_script(script)
    if done.returncode != 0:
        cell = _failing_cell(done.stderr, script, starts)
        where = f"at cell {cell} of {len(cells)}" if cell else "(no cell in traceback)"
        pytest.fail(
            f"page {page} does not run in order {where}:\n{done.stderr[-3000:]}",
            pytrace=False,
        )
