"""The strict build fails, and says why, on each fault the README promises it catches.

Each test builds a small copy of the site in a temporary folder: a ``conf.py`` that
takes every setting and extension from the real ``docs/conf.py``, two tiny pages and
the real ``references.bib``, with the flags of ``nox -s docs`` (``-E -j auto -W
--keep-going -n``, every cell executed). The clean copy must build; each broken copy
must fail with a message that names the fault.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx", reason="the build tests need Sphinx (nox -s site)")
pytest.importorskip("myst_nb", reason="the build tests need MyST-NB (nox -s site)")

pytestmark = pytest.mark.site_build

ROOT = Path(__file__).resolve().parents[2]
# The flags of the docs session in noxfile.py (its cache mode drops -E and -j).
STRICT = ["-E", "-j", "auto", "-W", "--keep-going", "-n", "-b", "html"]

CONF = """\
import runpy

_real = runpy.run_path({conf!r})
globals().update({{k: v for k, v in _real.items() if not k.startswith("_")}})
# The real site's pages are not here: execute every page of this one.
nb_execution_excludepatterns = []
nb_execution_cache_path = {cache!r}
"""

INDEX = """\
# A small copy of the site

The history follows {{cite:p}}`schmidhuber2014backprop`.{extra}

```{{toctree}}
cells
bibliography
```
"""

BIBLIOGRAPHY = """\
# Bibliography

```{bibliography}
```
"""

CELLS = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Cells

Steepest descent goes back to {{footcite:t}}`cauchy1847`; see also the
[start page](index.md) and {{doc}}`bibliography`.

```{{code-cell}} ipython3
import histbp

print(histbp.__version__)
```
{extra}
## References

```{{footbibliography}}
```
"""


def build(
    tmp_path: Path, index_extra: str = "", cells_extra: str = "", parallel: bool = True
):
    src = tmp_path / "src"
    src.mkdir()
    conf = CONF.format(
        conf=str(ROOT / "docs" / "conf.py"), cache=str(tmp_path / "jupyter_cache")
    )
    (src / "conf.py").write_text(conf, encoding="utf-8")
    (src / "index.md").write_text(INDEX.format(extra=index_extra), encoding="utf-8")
    (src / "cells.md").write_text(CELLS.format(extra=cells_extra), encoding="utf-8")
    (src / "bibliography.md").write_text(BIBLIOGRAPHY, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "sphinx",
        *STRICT,
        "-d",
        str(tmp_path / "doctrees"),
    ]
    done = subprocess.run(
        [*command, str(src), str(tmp_path / "html")],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HISTBP_NB_EXECUTION": "force", "MPLBACKEND": "Agg"},
    )
    return done.returncode, done.stdout + done.stderr


def test_the_clean_copy_builds(tmp_path):
    code, log = build(tmp_path)
    assert code == 0, log[-4000:]
    page = (tmp_path / "html" / "cells.html").read_text(encoding="utf-8")
    assert histbp_version() in page  # the cell ran and its output is on the page


def histbp_version() -> str:
    import histbp

    return histbp.__version__


def test_an_unknown_cite_key_fails_the_build(tmp_path):
    code, log = build(tmp_path, index_extra=" And {cite:p}`nosuchkey1999`.")
    assert code != 0
    assert "nosuchkey1999" in log, log[-4000:]


def test_an_unknown_footcite_key_fails_the_build(tmp_path):
    code, log = build(tmp_path, cells_extra="\nAlso {footcite:p}`nosuchfootkey2001`.\n")
    assert code != 0
    assert "nosuchfootkey2001" in log, log[-4000:]


@pytest.mark.parametrize("parallel", [True, False], ids=["parallel", "serial"])
def test_a_cell_that_raises_fails_the_build(tmp_path, parallel):
    cell = (
        '\n```{code-cell} ipython3\nraise ValueError("histbp strictness probe")\n```\n'
    )
    code, log = build(tmp_path, cells_extra=cell, parallel=parallel)
    assert code != 0
    assert "ValueError" in log, log[-4000:]
    assert "histbp strictness probe" in log, log[-4000:]


def test_a_broken_cross_reference_fails_the_build(tmp_path):
    extra = (
        "\nSee [a page that is not there](no-such-page.md), "
        "{doc}`no-such-document` and {py:func}`histbp.no_such_function`.\n"
    )
    code, log = build(tmp_path, cells_extra=extra)
    assert code != 0
    for target in ("no-such-page", "no-such-document", "histbp.no_such_function"):
        assert target in log, f"{target} not named:\n{log[-4000:]}"


def test_a_figure_without_words_for_its_alt_text_fails_the_build(tmp_path):
    # histbp_plots makes each figure's alt text from its titles, labels and legend.
    cell = (
        "\n```{code-cell} ipython3\nimport matplotlib.pyplot as plt\n\n"
        "fig, ax = plt.subplots()\nax.plot([0, 1], [0, 1])\nfig\n```\n"
    )
    code, log = build(tmp_path, cells_extra=cell)
    assert code != 0
    assert "a figure has no alt text" in log, log[-4000:]
