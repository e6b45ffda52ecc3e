"""The pages' figures: SVG that says what it shows (docs/_ext/histbp_plots.py).

Needs matplotlib only, no Sphinx and no browser: it runs in every test session.
"""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import histbp_plots as hp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture
def figure():
    fig = plt.figure()
    yield fig
    plt.close(fig)


def test_a_line_plot_is_described_by_its_title_axes_scales_and_series(figure):
    ax = figure.subplots()
    ax.plot([1, 2, 3], [1, 10, 100], label="plain")
    ax.plot([1, 2, 3], [2, 20, 200], label="with momentum")
    ax.set(yscale="log", xlabel="epoch", ylabel="error", title="Training")
    ax.legend()
    assert hp.describe(figure) == (
        "A figure: Line plot titled “Training”, error (log scale) against epoch, "
        "series: plain; with momentum."
    )


def test_panels_alike_are_counted_once(figure):
    axes = figure.subplots(2, 3)
    for ax in axes.flat:
        ax.imshow(np.eye(3))
    figure.suptitle("Hidden units")
    text = hp.describe(figure)
    assert (
        text == "A figure of 6 panels titled “Hidden units”: 6 panels, each an image."
    )


def test_points_and_bars_are_named(figure):
    left, right = figure.subplots(1, 2)
    left.scatter([0, 1], [1, 0])
    left.set_xlabel("x")
    right.bar(["a", "b"], [1, 2])
    right.set_title("counts")
    text = hp.describe(figure)
    assert "Scatter plot, axis: x" in text and "Bar chart titled “counts”" in text


def test_a_figure_with_no_words_has_no_description(figure):
    figure.subplots().plot([0, 1], [0, 1])
    assert hp.describe(figure) == ""


def test_the_svg_carries_the_description(figure):
    ax = figure.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title("A & B <ratio>")
    svg = hp.figure_svg(figure)
    assert svg.lstrip().startswith("<?xml")
    found = hp.DESCRIPTION.search(svg)
    assert found and "A &amp; B &lt;ratio&gt;" in found.group(1)


def test_the_site_reads_the_description_back(tmp_path, figure):
    ax = figure.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title("A & B")
    path = tmp_path / "figure.svg"
    path.write_text(hp.figure_svg(figure), encoding="utf-8")
    assert hp._description(path) == "A figure: Line plot titled “A & B”."
    png = tmp_path / "figure.png"
    png.write_bytes(b"\x89PNG")
    assert hp._description(png) == ""


def test_mathtext_in_labels_is_read_as_symbols():
    assert hp.plain_math(r"direct $\partial T/\partial x_t$") == "direct ∂ T/∂ x_t"
    assert hp.plain_math(r"$\|Kw - f\| / \|f\|$") == "‖Kw - f‖ / ‖f‖"
    assert hp.plain_math(r"$1.71\, n^{-1/2}$ and $\propto h^{-4}$") == (
        "1.71 n^-1/2 and ∝ h^-4"
    )
    assert hp.plain_math("no maths, 5 $") == "no maths, 5 $"
