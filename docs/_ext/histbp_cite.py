"""How to cite what the site shows, generated so that no page has to say it.

- Every timeline entry page ends with a "Cite this entry" section: the formatted
  references of the entry's sources (the registry's ``cite_keys``, primary first) and
  their BibTeX, read from ``references.bib`` with pybtex, in a block that the copy
  button decorates (the block sits in ``div.histbp-cite``; see
  ``copybutton_selector`` in ``conf.py``).
- The ``project-citation`` directive shows how to cite the project itself, from
  ``CITATION.cff``, as a formatted reference and a BibTeX ``@software`` entry.

A cite key that is not in the bibliography is a warning, so the strict build fails
on it, naming the entry and the key.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from docutils import nodes
from histbp_timeline import _doc_link
from pybtex.database import BibliographyData, parse_file
from pybtex.plugin import find_plugin
from pybtex_docutils import Backend
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from histbp import timeline

logger = logging.getLogger(__name__)

SECTION_ID = "cite-this-entry"


@functools.lru_cache(maxsize=4)
def _parse(path: str, mtime: float) -> BibliographyData:
    return parse_file(path, bib_format="bibtex")


def bibliography(app: Sphinx) -> dict[str, object]:
    """Every entry of the configured ``.bib`` files, by key."""
    entries: dict[str, object] = {}
    for name in app.config.bibtex_bibfiles:
        path = Path(app.confdir, name).resolve()
        entries.update(_parse(str(path), path.stat().st_mtime).entries)
    return entries


def bibtex_text(entries: list) -> str:
    """The BibTeX source of ``entries``, as pybtex writes it."""
    data = BibliographyData(entries={entry.key: entry for entry in entries})
    return data.to_string("bibtex").strip() + "\n"


def formatted_references(app: Sphinx, entries: list) -> list[nodes.paragraph]:
    """Each entry formatted by the site's bibliography style, as a paragraph."""
    style = find_plugin("pybtex.style.formatting", app.config.bibtex_default_style)()
    backend = Backend()
    return [
        backend.paragraph(style.format_entry(entry.key, entry)) for entry in entries
    ]


def _copyable(text: str, language: str) -> nodes.container:
    block = nodes.literal_block(text, text, language=language)
    return nodes.container("", block, classes=["histbp-cite"])


def cite_section(app: Sphinx, docname: str, entry: timeline.Entry) -> nodes.section:
    """The "Cite this entry" section of one entry's page."""
    known = bibliography(app)
    found = []
    for key in entry.cite_keys:
        if key in known:
            found.append(known[key])
        else:
            logger.warning(
                "timeline entry %r cites %r, which is not in the bibliography",
                entry.slug,
                key,
                location=docname,
                type="histbp",
                subtype="cite",
            )
    section = nodes.section(ids=[SECTION_ID], names=["cite this entry"])
    section += nodes.title("Cite this entry", "Cite this entry")
    if len(found) == 1:
        intro = "Its source is:"
    else:
        intro = "Its sources, the primary source first:"
    para = nodes.paragraph()
    para += nodes.Text(
        f"To cite what this page describes, cite the original work. {intro}"
    )
    section += para
    items = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
    for reference in formatted_references(app, found):
        items += nodes.list_item("", reference)
    section += items
    if found:
        section += nodes.paragraph(text="In BibTeX, as in the site's references.bib:")
        section += _copyable(bibtex_text(found), "bibtex")
    tail = nodes.paragraph()
    tail += nodes.Text("To cite this site itself, see ")
    tail += _doc_link(docname, "how-to-cite", "How to cite")
    tail += nodes.Text(".")
    section += tail
    return section


def add_cite_section(app: Sphinx, doctree: nodes.document) -> None:
    """Append "Cite this entry" to a timeline entry's page (before its nav links)."""
    docname = app.env.docname
    entry = timeline.by_page(docname)
    if entry is None:
        return
    for name in app.config.bibtex_bibfiles:
        app.env.note_dependency(str(Path(app.confdir, name).resolve()))
    app.env.note_dependency(timeline.__file__)
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return  # histbp_timeline reports the missing title
    top += cite_section(app, docname, entry)


# --- The project itself ---------------------------------------------------------------


def read_citation_cff(path: Path) -> dict[str, object]:
    """The fields of ``CITATION.cff`` (YAML) that a reference needs."""
    import yaml  # myst-parser depends on PyYAML

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = {"title", "version", "authors"} - set(data)
    if missing:
        raise ValueError(f"{path} lacks {', '.join(sorted(missing))}")
    return data


def _author_names(data: dict[str, object]) -> list[str]:
    names = []
    for author in data["authors"]:
        if "name" in author:
            names.append(str(author["name"]))
        else:
            names.append(f"{author['given-names']} {author['family-names']}")
    return names


def project_bibtex(data: dict[str, object]) -> str:
    """A BibTeX ``@software`` entry for the project described by ``data``."""
    # Institutional authors go in double braces so BibTeX keeps them whole.
    authors = " and ".join(
        f"{{{name}}}" if " " in name and "," not in name else name
        for name in _author_names(data)
    )
    fields = [
        ("author", authors),
        ("title", str(data["title"])),
        ("version", str(data["version"])),
    ]
    if data.get("date-released"):
        fields.append(("year", str(data["date-released"])[:4]))
    if data.get("url"):
        fields.append(("url", str(data["url"])))
    if data.get("repository-code"):
        fields.append(("note", f"Source code: {data['repository-code']}"))
    if data.get("license"):
        fields.append(("license", str(data["license"])))
    key = re.sub(r"[^a-z0-9]", "", str(data["title"]).split(":")[0].lower())
    body = ",\n".join(f"  {name:<8} = {{{value}}}" for name, value in fields)
    return f"@software{{{key},\n{body},\n}}\n"


def project_reference(data: dict[str, object]) -> nodes.paragraph:
    """The project as a reference: authors (year). *Title*, version. Address."""
    year = str(data.get("date-released", ""))[:4]
    para = nodes.paragraph(classes=["histbp-project-reference"])
    para += nodes.Text(
        ", ".join(_author_names(data)) + (f" ({year})" if year else "") + ". "
    )
    para += nodes.emphasis(text=str(data["title"]))
    para += nodes.Text(f", version {data['version']}.")
    if data.get("url"):
        url = str(data["url"])
        para += nodes.Text(" ")
        para += nodes.reference(url, url, refuri=url)
    return para


class ProjectCitation(SphinxDirective):
    """The project's own reference and BibTeX, from ``CITATION.cff``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = Path(self.config.histbp_citation_file)
        if not path.is_absolute():
            path = Path(self.env.srcdir, path).resolve()
        self.env.note_dependency(str(path))
        data = read_citation_cff(path)
        if str(data["version"]) != self.config.release:
            logger.warning(
                "%s gives version %s, but the site documents histbp %s",
                path.name,
                data["version"],
                self.config.release,
                location=self.get_location(),
                type="histbp",
                subtype="citation",
            )
        return [project_reference(data), _copyable(project_bibtex(data), "bibtex")]


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("histbp_bibstyle")
    app.setup_extension("histbp_timeline")
    app.add_config_value("histbp_citation_file", "../CITATION.cff", "env", types=[str])
    app.add_directive("project-citation", ProjectCitation)
    # Before Sphinx's own collectors (priority 500), so the section is in the
    # page's table of contents.
    app.connect("doctree-read", add_cite_section, priority=450)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
