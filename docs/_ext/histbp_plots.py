"""The pages' matplotlib figures: drawn as SVG, each with alt text saying what it shows.

Two halves, one in each process of an executed build:

- **In the kernel** (through :mod:`histbp_inline`, the matplotlib backend that the
  kernel of ``docs/_kernel`` names): every figure a cell shows is drawn as SVG,
  sharp at any screen density, and :func:`describe` writes into the SVG's metadata
  (``<dc:description>``) what the figure shows: per panel, its kind (lines, points,
  bars, an image), its title, what is plotted against what, the scales and the
  legend's series.
- **In Sphinx** (a Sphinx extension): each image that MyST-NB made from a cell's
  output gets that description as its ``alt`` text. A figure with none (no title,
  no axis label, no legend) is a warning, so the strict build fails on it.

A page needs nothing of its own: its figures' titles and labels are the source.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

DESCRIPTION = re.compile(r"<dc:description>(.*?)</dc:description>", re.S)
# Mathtext in labels, as alt text: symbols by name, the markup dropped.
SYMBOLS = {
    "partial": "∂",
    "lambda": "λ",
    "kappa": "κ",
    "theta": "θ",
    "alpha": "α",  # noqa: RUF001
    "beta": "β",
    "gamma": "γ",  # noqa: RUF001
    "delta": "δ",
    "eta": "η",
    "mu": "μ",
    "sigma": "σ",  # noqa: RUF001
    "epsilon": "ε",
    "varepsilon": "ε",
    "nabla": "∇",
    "propto": "∝",
    "sqrt": "√",
    "approx": "≈",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "times": "×",  # noqa: RUF001
    "cdot": "·",
    "infty": "∞",
    "sum": "Σ",
    "ell": "ℓ",  # noqa: RUF001
    "pm": "±",
    "|": "‖",
}
MATH = re.compile(r"\$([^$]*)\$")


# --- In the kernel ------------------------------------------------------------------


def _kind(ax) -> str:
    from matplotlib.collections import PathCollection, PolyCollection
    from matplotlib.container import BarContainer

    if ax.images:
        return "image"
    if any(isinstance(c, BarContainer) for c in ax.containers):
        return "bar chart"
    kinds = []
    if any(
        len(line.get_xdata()) > 1 and line.get_linestyle() != "None"
        for line in ax.lines
    ):
        kinds.append("line plot")
    if any(isinstance(c, PathCollection) for c in ax.collections) or any(
        line.get_linestyle() == "None" and line.get_marker() not in (None, "None", "")
        for line in ax.lines
    ):
        kinds.append("scatter plot")
    if any(isinstance(c, PolyCollection) for c in ax.collections):
        kinds.append("shaded areas")
    return " and ".join(kinds) or "plot"


def _axis(label: str, scale: str) -> str:
    return f"{label} (log scale)" if scale == "log" and label else label


def describe_axes(ax) -> str:
    """One panel in words: kind, title, what against what, legend."""
    parts = [_kind(ax)]
    title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
    if title:
        parts[0] += f" titled “{title}”"
    y = _axis(ax.get_ylabel(), ax.get_yscale())
    x = _axis(ax.get_xlabel(), ax.get_xscale())
    if x and y:
        parts.append(f"{y} against {x}")
    elif x or y:
        parts.append(f"axis: {x or y}")
    legend = ax.get_legend()
    if legend is not None:
        series = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if series:
            parts.append("series: " + "; ".join(series))
    return ", ".join(parts)


def describe(fig) -> str:
    """What a figure shows, from its own titles, labels and legends; "" if nothing.

    Panels described alike (a grid of images, say) are counted once.
    """
    panels = [ax for ax in fig.get_axes() if ax.get_visible() and ax.has_data()]
    suptitle = fig.get_suptitle()
    texts = [describe_axes(ax) for ax in panels]
    if not panels or not (
        suptitle or any(t != _kind(ax) for t, ax in zip(texts, panels, strict=True))
    ):
        return ""
    counted: dict[str, int] = {}
    for text in texts:
        counted[text] = counted.get(text, 0) + 1
    described = [
        f"{n} panels, each {'an' if t[0] in 'aeiou' else 'a'} {t}" if n > 1 else t
        for t, n in counted.items()
    ]
    head = "A figure" if len(panels) == 1 else f"A figure of {len(panels)} panels"
    if suptitle:
        head += f" titled “{suptitle}”"
    return f"{head}: " + ". ".join(d[0].upper() + d[1:] for d in described) + "."


def figure_svg(fig) -> str | None:
    """The figure as SVG text, its description in the metadata; None if empty."""
    if not fig.get_axes() and not fig.texts:
        return None
    buffer = io.StringIO()
    metadata = {"Description": describe(fig) or None}
    fig.canvas.print_figure(
        buffer, format="svg", bbox_inches="tight", metadata=metadata
    )
    return buffer.getvalue()


# --- In Sphinx ----------------------------------------------------------------------


def plain_math(text: str) -> str:
    """``$\\partial T/\\partial x_t$`` as ``∂T/∂x_t``: mathtext read aloud."""

    def plain(match: re.Match) -> str:
        tex = re.sub(
            r"\\([A-Za-z]+|\|)",
            lambda m: SYMBOLS.get(m.group(1), "" if m.group(1).isalpha() else " "),
            match.group(1),
        )
        tex = re.sub(r"\\[,;:!]", " ", tex)
        return tex.replace("{", "").replace("}", "").replace("\\", "")

    return " ".join(MATH.sub(plain, text).split())


def _description(path: Path) -> str:
    if path.suffix != ".svg" or not path.is_file():
        return ""
    found = DESCRIPTION.search(path.read_text(encoding="utf-8", errors="replace"))
    return plain_math(html.unescape(found.group(1))) if found else ""


def add_alt_text(app, doctree) -> None:
    """Give each cell-output image its figure's description as alt text."""
    from docutils import nodes
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    # Where MyST-NB writes the outputs of the executed cells.
    outputs = (Path(app.outdir).parent / "jupyter_execute").resolve()
    for image in doctree.findall(nodes.image):
        path = Path(app.srcdir, image["uri"]).resolve()
        if image.get("alt") or path.parent != outputs:
            continue
        text = _description(path)
        if text:
            image["alt"] = text
        else:
            logger.warning(
                "a figure has no alt text: give it a title, axis labels or a legend",
                location=image,
                type="histbp",
                subtype="alt",
            )


def setup(app) -> dict[str, object]:
    app.connect("doctree-read", add_alt_text)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
