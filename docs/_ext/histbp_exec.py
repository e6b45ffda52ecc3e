"""Say which cell failed, and how, when a page's execution stops the build.

With ``nb_execution_raise_on_error = True`` a cell that raises stops the build at
once, but Sphinx then prints only MyST-NB's ``ExecutionError: <page path>``: the
cell and its exception stay in a crash log under ``/tmp``. This extension prints
them to the console, from the exception chain (serial builds) or from the worker's
traceback text (``-j``: parallel builds), so the build log names the fault.
"""

from __future__ import annotations

import re
import sys

from sphinx.application import Sphinx
from sphinx.errors import SphinxParallelError

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_ERROR = "An error occurred while executing the following cell"
_CAUSE = "\nThe above exception was the direct cause of the following exception"


def cell_errors(exception: BaseException) -> list[str]:
    """The text of each failed cell's error found in ``exception``."""
    found = []
    seen: set[int] = set()
    current: BaseException | None = exception
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, SphinxParallelError):
            text = current.traceback
            start = text.find(_CELL_ERROR)
            if start >= 0:
                end = text.find(_CAUSE, start)
                found.append(text[start : end if end >= 0 else None])
        elif _CELL_ERROR in str(current):
            found.append(str(current))
        current = current.__cause__ or current.__context__
    return [_ANSI.sub("", text).strip() for text in found]


def report(app: Sphinx, exception: Exception | None) -> None:
    if exception is None:
        return
    for text in cell_errors(exception):
        print(
            f"\nhistbp: a code cell raised, so the build stopped "
            f"({type(exception).__name__}: {exception}):\n{text}\n",
            file=sys.stderr,
            flush=True,
        )


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("build-finished", report)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
