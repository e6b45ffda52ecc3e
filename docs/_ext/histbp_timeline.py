"""Sphinx glue that derives the site's timeline from :mod:`histbp.timeline`.

- ``timeline-table``: the overview table, one row per entry, linking to its page.
- ``timeline-toctree``: the toctree of the entry pages, in the registry's order.
- Every entry page gets a line under its title (date, people, strand) and links to
  the previous and next entries at its end.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.other import TocTree
from sphinx.util.docutils import SphinxDirective

from histbp import timeline


def _doc_link(fromdoc: str, target: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget=f"/{target}",
        refexplicit=True,
        refwarn=True,
        refdoc=fromdoc,
    )
    ref += nodes.inline(text, text)
    return ref


def _table(headers: list[str], rows: list[list[nodes.Node]], widths: list[int]):
    table = nodes.table(classes=["histbp-timeline-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for text in headers:
        row += nodes.entry("", nodes.paragraph(text=text))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += (
                cell
                if isinstance(cell, nodes.paragraph)
                else nodes.paragraph("", "", cell)
            )
            row += entry
        body += row
    return table


class TimelineTable(SphinxDirective):
    """The overview of every entry: date, people, what, strand, implemented."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        # Rebuild the page when the registry changes (incremental builds).
        self.env.note_dependency(timeline.__file__)
        rows = []
        for entry in timeline.ENTRIES:
            status = "runs in histbp" if entry.implemented else "to be implemented"
            rows.append(
                [
                    nodes.Text(entry.date),
                    _doc_link(docname, entry.page, entry.title),
                    nodes.Text(", ".join(entry.people)),
                    nodes.Text(entry.strand),
                    nodes.Text(status),
                ]
            )
        headers = ["Date", "Entry", "People", "Strand", "Code"]
        return [_table(headers, rows, [10, 36, 30, 14, 10])]


class TimelineToctree(TocTree):
    """A toctree of every entry page, in the registry's (chronological) order."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(timeline.__file__)
        lines = [f"{e.date} · {e.title} </{e.page}>" for e in timeline.ENTRIES]
        self.content = StringList(lines, source="histbp.timeline")
        return super().run()


def _byline(entry: timeline.Entry) -> nodes.paragraph:
    text = f"{entry.date} · {', '.join(entry.people)} · {entry.strand}"
    return nodes.paragraph(text, text, classes=["histbp-byline"])


def _neighbour_links(docname: str, entry: timeline.Entry) -> nodes.container:
    before, after = timeline.neighbours(entry.slug)
    box = nodes.container(classes=["histbp-entry-nav"])
    para = nodes.paragraph()
    if before is not None:
        para += nodes.Text("Previous: ")
        para += _doc_link(docname, before.page, f"{before.date}, {before.title}")
    if before is not None and after is not None:
        para += nodes.Text(" | ")
    if after is not None:
        para += nodes.Text("Next: ")
        para += _doc_link(docname, after.page, f"{after.date}, {after.title}")
    box += para
    return box


def decorate_entry_page(app: Sphinx, doctree: nodes.document) -> None:
    """Add the byline and the previous/next links to a timeline entry's page."""
    docname = app.env.docname
    entry = timeline.by_page(docname)
    if entry is None:
        return
    app.env.note_dependency(timeline.__file__)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        raise ValueError(f"timeline page {docname!r} has no title")
    title = section.next_node(nodes.title)
    section.insert(section.index(title) + 1, _byline(entry))
    section += _neighbour_links(docname, entry)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("timeline-table", TimelineTable)
    app.add_directive("timeline-toctree", TimelineToctree)
    app.connect("doctree-read", decorate_entry_page)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
