"""Sphinx glue that derives the site's timeline from :mod:`histbp.timeline`.

- ``timeline-table``: the overview table, one row per entry, linking to its page.
- ``timeline-toctree``: the toctree of the entry pages, in the registry's order.
- Every entry page's title is prefixed with its date and its people's surnames
  ("1970 · Linnainmaa: ..."), so the sidebar, the browser tab and the search results
  name them; a line under the title gives the date, the full names and the strand.
- Every entry page carries index entries for its years and its people (main
  entries, which the built-in search ranks first), so that searching for "1970" or
  "Linnainmaa" finds the entry before any page that merely mentions it.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.other import TocTree
from sphinx.util.docutils import SphinxDirective

from histbp import timeline

# Beyond this many people a title names the first and "et al.".
_MAX_NAMED = 3


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
                    # A double date may break after its slash on a phone.
                    nodes.Text(entry.date.replace("/", "/\u200b")),
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
        # No explicit titles: the sidebar shows each page's own (prefixed) title.
        lines = [f"/{e.page}" for e in timeline.ENTRIES]
        self.content = StringList(lines, source="histbp.timeline")
        return super().run()


def surname(person: str) -> str:
    """The surname of a person as the registry writes them: the last word."""
    return person.split()[-1]


def index_name(person: str) -> str:
    """A person as the index lists them: "Linnainmaa; Seppo Linnainmaa".

    The surname alone is the entry, so that the built-in search, which matches an
    index entry only when the query is at least half its length, finds it; the
    full name is its sub-entry.
    """
    return f"{surname(person)}; {person}"


def people_short(entry: timeline.Entry) -> str:
    """The surnames of an entry's people: "Rumelhart, Hinton and Williams"."""
    names = [surname(p) for p in entry.people]
    if len(names) > _MAX_NAMED:
        return f"{names[0]} et al."
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def title_prefix(entry: timeline.Entry) -> str:
    """What goes before an entry page's own heading: "1970 · Linnainmaa: "."""
    return f"{entry.date} · {people_short(entry)}: "


def years(entry: timeline.Entry) -> list[str]:
    """Every year in an entry's date ("1953/1957" gives both)."""
    return sorted({part.strip() for part in entry.date.split("/")} | {str(entry.year)})


def _byline(entry: timeline.Entry) -> nodes.paragraph:
    text = f"{entry.date} · {', '.join(entry.people)} · {entry.strand}"
    return nodes.paragraph(text, text, classes=["histbp-byline"])


def _index_node(entry: timeline.Entry, target: str) -> addnodes.index:
    """Main index entries for the entry's years and people, pointing at ``target``.

    The target is the page's top section, so that the search page's summary of the
    result is the page's opening text.
    """
    entries = [("single", year, target, "main", None) for year in years(entry)]
    entries += [
        ("single", index_name(person), target, "main", None) for person in entry.people
    ]
    return addnodes.index(entries=entries, inline=False)


def retitle_entry_page(app: Sphinx, doctree: nodes.document) -> None:
    """Prefix an entry page's title with its date and people; add its index entries.

    Runs before Sphinx's title collector, so the sidebar, the browser tab and the
    search index all see the prefixed title.
    """
    docname = app.env.docname
    entry = timeline.by_page(docname)
    if entry is None:
        return
    app.env.note_dependency(timeline.__file__)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        raise ValueError(f"timeline page {docname!r} has no title")
    title = section.next_node(nodes.title)
    prefix = title_prefix(entry)
    if not title.astext().startswith(prefix):
        title.insert(0, nodes.Text(prefix))
    at = section.index(title) + 1
    section[at:at] = [_byline(entry), _index_node(entry, section["ids"][0])]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("timeline-table", TimelineTable)
    app.add_directive("timeline-toctree", TimelineToctree)
    # Before Sphinx's collectors (priority 500), which read the title.
    app.connect("doctree-read", retitle_entry_page, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
