"""Every code cell on the site runs as it is, copied into a fresh interpreter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def _cells() -> list[tuple[str, str]]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        if "_build" in page.parts:
            continue
        for number, source in enumerate(CODE_CELL.findall(page.read_text("utf-8")), 1):
            found.append((f"{page.relative_to(DOCS).with_suffix('')}#{number}", source))
    return found


CELLS = _cells()


def test_the_site_has_code_cells():
    assert len(CELLS) >= 4


@pytest.mark.parametrize(("where", "source"), CELLS, ids=[w for w, _ in CELLS])
def test_cell_runs_alone_in_a_fresh_interpreter(where, source, tmp_path):
    # A file, not ``python -c``: code that reads its own source (the 1980 entry's
    # source-to-source compiler) needs it on disk, as it is in a script or notebook.
    script = tmp_path / "cell.py"
    script.write_text(source, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"cell {where} failed:\n{done.stderr[-3000:]}"
