"""The ``method-code`` directive: an entry page shows its method's own code.

``{method-code} histbp.nets.backprop`` puts the source of that callable on the page,
read from the installed ``histbp`` (so the page and the package cannot drift apart),
without its docstring, under a caption that links to its API entry and to the whole
highlighted module (``sphinx.ext.viewcode``). On an entry page the name must be one of
the entry's ``implementations`` in :mod:`histbp.timeline`, or a method of one: a
page cannot show code the registry does not credit to the entry. A name that does
not import, or that the entry does not list, is a warning, so the strict build fails.
"""

from __future__ import annotations

from docutils import nodes
from method_source import method_source
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.ext.viewcode import viewcode_anchor
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from histbp import timeline

logger = logging.getLogger(__name__)


def credited(name: str, implementations: tuple[str, ...]) -> bool:
    """Whether ``name`` is an implementation or a method of one."""
    return any(name == impl or name.startswith(impl + ".") for impl in implementations)


class MethodCode(SphinxDirective):
    """Show the source of one ``histbp`` callable, with links to the rest."""

    required_arguments = 1
    has_content = False

    def _warn(self, message: str) -> list[nodes.Node]:
        logger.warning(
            "method-code: %s",
            message,
            location=self.get_location(),
            type="histbp",
            subtype="method-code",
        )
        return []

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip()
        entry = timeline.by_page(self.env.docname)
        if entry is not None and not credited(name, entry.implementations):
            return self._warn(
                f"{name!r} is not among the implementations of entry "
                f"{entry.slug!r} in histbp.timeline: {', '.join(entry.implementations)}"
            )
        try:
            source = method_source(name)
        except LookupError as err:
            return self._warn(str(err))
        self.env.note_dependency(source.filename)

        # The caption links to the API entry of the credited implementation.
        owner = name
        if entry is not None:
            owner = next(i for i in entry.implementations if credited(name, (i,)))
        caption = nodes.caption("", "")
        xref = addnodes.pending_xref(
            "",
            refdomain="py",
            reftype="obj",
            reftarget=owner,
            refexplicit=True,
            refwarn=True,
            refdoc=self.env.docname,
        )
        xref += nodes.literal(name, name)
        caption += xref
        caption += nodes.Text(
            f" · {source.module.replace('.', '/')}.py, "
            f"lines {source.first_line}-{source.last_line} · "
        )
        anchor = viewcode_anchor(
            reftarget="_modules/" + source.module.replace(".", "/"),
            refid=source.qualname,
            refdoc=self.env.docname,
        )
        anchor += nodes.inline("", "[source]", classes=["viewcode-link"])
        caption += anchor

        block = nodes.literal_block(source.code, source.code, language="python")
        block["classes"].append("histbp-method-code")
        container = nodes.container(
            "", literal_block=True, classes=["literal-block-wrapper", "histbp-method"]
        )
        self.set_source_info(container)
        container += caption
        container += block
        return [container]


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("sphinx.ext.viewcode")
    app.add_directive("method-code", MethodCode)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
