"""The matplotlib backend of the site's kernels: the inline backend, figures as SVG.

The kernel of ``docs/_kernel`` names this module as its matplotlib backend
(``MPLBACKEND``), so matplotlib, which costs about a second to import, is loaded
only by the pages that plot, when they import it. Importing the backend sets up
matplotlib's inline display as ipykernel would, then replaces its PNG formatter by
:func:`histbp_plots.figure_svg` (SVG with a description of the figure), before any
cell can show a figure.
"""

from __future__ import annotations

import histbp_plots
from IPython import get_ipython
from IPython.core.pylabtools import activate_matplotlib
from matplotlib.figure import Figure
from matplotlib_inline.backend_inline import (
    FigureCanvas,
    configure_inline_support,
    flush_figures,
    new_figure_manager,
    new_figure_manager_given_figure,
    show,
)

__all__ = [
    "FigureCanvas",
    "flush_figures",
    "new_figure_manager",
    "new_figure_manager_given_figure",
    "show",
]


def _use_described_svg(shell) -> None:
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/jpeg", "application/pdf", "image/svg+xml"):
        formatters[mime].pop(Figure, None)
    formatters["image/svg+xml"].for_type(Figure, histbp_plots.figure_svg)


def _set_up(shell) -> None:
    activate_matplotlib(f"module://{__name__}")
    configure_inline_support(shell, "inline")
    _use_described_svg(shell)


_shell = get_ipython()
if _shell is not None:
    _set_up(_shell)
