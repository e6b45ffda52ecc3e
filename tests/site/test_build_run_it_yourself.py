"""The strict build of a small copy of the site: what running it yourself needs.

The copy is that of ``test_build_strictness.py`` (the real ``conf.py`` and
``references.bib``, two tiny pages, the flags of ``nox -s docs``). Its downloads are
plain Jupyter with the install cell; a page that imports what histbp does not
provide, and a status figure that no page prints, fail the build naming the fault
(``docs/_ext/histbp_install``, ``histbp_downloads``, ``histbp_status``).
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sphinx", reason="the build tests need Sphinx (nox -s site)")
pytest.importorskip("myst_nb", reason="the build tests need MyST-NB (nox -s site)")

from test_build_strictness import build

pytestmark = pytest.mark.site_build


def test_the_downloads_of_the_clean_copy_are_plain_jupyter(tmp_path):
    code, log = build(tmp_path)
    assert code == 0, log[-4000:]
    html = tmp_path / "html"
    notebook = json.loads((html / "_sources" / "cells.ipynb").read_text("utf-8"))
    install, *cells = notebook["cells"]
    assert "remove-cell" in install["metadata"]["tags"]
    assert 'if importlib.util.find_spec("histbp") is None:' in install["source"]
    prose = "\n".join(c["source"] for c in cells if c["cell_type"] == "markdown")
    assert "[Cauchy (1847)](" in prose and "bibliography.html#cite-cauchy1847)" in prose
    assert "[start page](" in prose and "index.html)" in prose
    assert "{" not in prose.replace("{{", "")  # no role or directive left
    script = (html / "_sources" / "cells.py").read_text("utf-8")
    assert "# It imports histbp. Install it with\n#     pip install histbp\n" in script
    page = (html / "cells.html").read_text("utf-8")
    assert page.index('class="histbp-install') < page.index('class="cell')


def test_a_page_importing_what_histbp_does_not_provide_fails_the_build(tmp_path):
    # jinja2 is installed (Sphinx needs it), so the cell runs; the page is still
    # wrong, because a reader with histbp[examples] would not have it.
    cell = "\n```{code-cell} ipython3\nimport jinja2\n```\n"
    code, log = build(tmp_path, cells_extra=cell)
    assert code != 0
    assert "imports jinja2, which neither histbp nor its 'examples' extra" in log, log[
        -4000:
    ]


def test_a_status_figure_that_no_page_prints_fails_the_build(tmp_path):
    # The small copy has no entry pages: no check finds its figure.
    code, log = build(tmp_path, index_extra="\n\n```{reproduction-status}\n```\n")
    assert code != 0
    assert "reproduction status: the output of timeline/1676-leibniz has no match" in (
        log
    ), log[-4000:]
