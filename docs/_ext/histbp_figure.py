"""The ``timeline-figure`` directive: the landing page's picture of the timeline.

The drawing itself is :mod:`timeline_svg`; this module puts it on the page. The
directive leaves a placeholder node, and the HTML writer fills it in, because only
the writer knows the relative address of each entry's page. An entry whose page does
not exist is a warning, so the strict build fails on it. Builders other than HTML
skip the figure: the timeline table beside it says the same in words.
"""

from __future__ import annotations

import timeline_svg
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from histbp import timeline

logger = logging.getLogger(__name__)


class timeline_figure(nodes.General, nodes.Element):
    """Placeholder for the figure, drawn by the HTML writer."""


class TimelineFigure(SphinxDirective):
    """Draw every entry of :data:`histbp.timeline.ENTRIES` on a time axis."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(timeline.__file__)
        self.env.note_dependency(timeline_svg.__file__)
        node = timeline_figure()
        self.set_source_info(node)
        return [node]


def visit_timeline_figure_html(translator, node: timeline_figure) -> None:
    builder = translator.builder
    here = builder.current_docname
    env = builder.env
    for entry in timeline.ENTRIES:
        if entry.page not in env.all_docs:
            logger.warning(
                "timeline figure: entry %r has no page %r",
                entry.slug,
                entry.page,
                location=node,
                type="histbp",
                subtype="timeline",
            )

    def href(entry) -> str:
        return builder.get_relative_uri(here, entry.page)

    translator.body.append(
        timeline_svg.render(timeline.ENTRIES, timeline.STRANDS, href)
    )
    raise nodes.SkipNode


def skip(translator, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(
        timeline_figure,
        html=(visit_timeline_figure_html, None),
        latex=(skip, None),
        text=(skip, None),
        man=(skip, None),
        texinfo=(skip, None),
    )
    app.add_directive("timeline-figure", TimelineFigure)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
