"""Notebook prose: MyST rewritten as plain Markdown (docs/_ext/myst_to_jupyter)."""

from __future__ import annotations

from myst_to_jupyter import to_jupyter_markdown

SITE = "https://example.org/site/"


class FakeSite:
    """Addresses of a small site seen from the page ``timeline/1970-x``."""

    def page_url(self, target: str) -> str:
        path, _, anchor = target.partition("#")
        mapped = {
            "1676-leibniz.md": "timeline/1676-leibniz.html",
            "../api/index.md": "api/index.html",
            "../_static/plot.png": "_static/plot.png",
        }[path]
        return SITE + mapped + (f"#{anchor}" if anchor else "")

    def citation(self, key: str) -> tuple[str, str, str]:
        authors = {"lin70": "Linnainmaa", "rhw86": "Rumelhart et al."}[key]
        year = {"lin70": "1970", "rhw86": "1986"}[key]
        return authors, year, f"{SITE}bibliography.html#cite-{key}"

    def reference(self, key: str) -> str:
        return f"Full reference of {key}."

    def role(self, name: str, target: str) -> str | None:
        if target.startswith("histbp."):
            return f"{SITE}api/x.html#{target}"
        return None


def _convert(*cells: str) -> list[str]:
    return to_jupyter_markdown(list(cells), FakeSite())


def test_citations_become_author_year_links_and_a_reference_list():
    prose, refs = _convert(
        "His thesis {footcite:p}`lin70` and {footcite:t}`rhw86`; both "
        "{cite:p}`lin70,rhw86`.",
        "## References\n\n```{footbibliography}\n```",
    )
    assert f"([Linnainmaa 1970]({SITE}bibliography.html#cite-lin70))" in prose
    assert f"[Rumelhart et al. (1986)]({SITE}bibliography.html#cite-rhw86)" in prose
    assert "[Linnainmaa 1970](" in prose and "; [Rumelhart et al. 1986](" in prose
    assert "{" not in prose
    lines = refs.splitlines()
    assert lines[0] == "## References"
    assert lines[2].startswith("1. Full reference of lin70.")
    assert lines[3].startswith("2. Full reference of rhw86.")
    assert f"({SITE}bibliography.html#cite-rhw86)" in lines[3]


def test_roles_become_links_or_their_text():
    (text,) = _convert(
        "{py:func}`histbp.autodiff.grad`, {py:mod}`~histbp.nets.rbm`, "
        "{py:class}`numpy.ndarray`, {index}`Linnainmaa <single: Linnainmaa>` "
        "and {math}`x^2`."
    )
    assert f"[`histbp.autodiff.grad()`]({SITE}api/x.html#histbp.autodiff.grad)" in text
    assert f"[`rbm`]({SITE}api/x.html#histbp.nets.rbm)" in text
    # A target the site does not document stays readable text.
    assert "`numpy.ndarray`" in text and "](" not in text.split("`numpy")[1][:20]
    assert " Linnainmaa and $x^2$." in text


def test_relative_links_and_images_become_site_addresses():
    (text,) = _convert(
        "See [Leibniz](1676-leibniz.md#the-rule), the [API](../api/index.md), "
        "[numpy](https://numpy.org), [below](#section) and "
        "![a plot](../_static/plot.png)."
    )
    assert f"[Leibniz]({SITE}timeline/1676-leibniz.html#the-rule)" in text
    assert f"[API]({SITE}api/index.html)" in text
    assert "[numpy](https://numpy.org)" in text and "[below](#section)" in text
    assert f"![a plot]({SITE}_static/plot.png)" in text


def test_directives_become_markdown_or_disappear():
    (text,) = _convert(
        "(a-label)=\n"
        "% a comment\n"
        ":::{note}\nA point with {footcite:p}`lin70`.\n:::\n\n"
        "```{index} single: Linnainmaa\n```\n\n"
        "```{figure} ../_static/plot.png\n:alt: A plot\n\nThe caption.\n```\n\n"
        "```python\nx = {1: 2}\n```"
    )
    assert "(a-label)=" not in text and "% a comment" not in text
    assert "> **Note**" in text and "> A point with ([Linnainmaa 1970](" in text
    assert "index" not in text
    assert f"![The caption.]({SITE}_static/plot.png)" in text
    # Plain code blocks are copied as they are.
    assert "```python\nx = {1: 2}\n```" in text
