"""The reproduction status page, made at build time from the registry and the pages.

The ``reproduction-status`` directive becomes a table with one row per check of
every timeline entry (:attr:`histbp.timeline.Entry.checks`): what was checked, the
source's figure, ours, the tolerance, the verdict, and the run time of the page's
cells from MyST-NB's execution statistics. "Ours" is read from what the entry's
executed page printed in this build (each check's ``output`` pattern), so the table
cannot show a figure that the pages no longer print: a pattern that finds nothing is
a warning, and the strict build fails on it, naming the entry and the check.

Like MyST-NB's own execution table, the directive leaves a placeholder that a post
transform fills in once every page has been read (in parallel builds too), and the
status page is written again whenever any page was read afresh.
"""

from __future__ import annotations

from collections import Counter

from docutils import nodes
from histbp_timeline import _doc_link, _table
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from histbp import timeline
from histbp.reproduction import VERDICTS

logger = logging.getLogger(__name__)


class status_placeholder(nodes.General, nodes.Element):
    """Where the status table goes, once every page has been read."""


class ReproductionStatus(SphinxDirective):
    """The table of every entry's checks, verdicts and cell run times."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(timeline.__file__)
        _status_docs(self.env).add(self.env.docname)
        return [status_placeholder()]


def _status_docs(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "histbp_status_docs"):
        env.histbp_status_docs = set()
    return env.histbp_status_docs


def _printed(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, "histbp_printed"):
        env.histbp_printed = {}
    return env.histbp_printed


def _is_output(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.container)
        and node.get("nb_element") == "cell_code_output"
    )


def collect_printed(app: Sphinx, doctree: nodes.document) -> None:
    """Keep the text that an entry page's cells printed, for the status table."""
    env = app.env
    env.histbp_status_reread = True
    if timeline.by_page(env.docname) is None:
        return
    texts = [
        block.astext()
        for output in doctree.findall(_is_output)
        for block in output.findall(nodes.literal_block)
    ]
    _printed(env)[env.docname] = "\n".join(texts)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _printed(env).pop(docname, None)
    _status_docs(env).discard(docname)


def merge(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    theirs = _printed(other)
    _printed(env).update({d: theirs[d] for d in docnames if d in theirs})
    _status_docs(env).update(_status_docs(other) & docnames)
    if getattr(other, "histbp_status_reread", False):
        env.histbp_status_reread = True


def outdated_status(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write the status page again whenever any page was read in this build."""
    if not getattr(env, "histbp_status_reread", False):
        return []
    env.histbp_status_reread = False
    return sorted(_status_docs(env))


def _run_time(env: BuildEnvironment, docname: str) -> str:
    data = NbMetadataCollector.get_doc_data(env).get(docname, {}).get("exec_data")
    if not data or data.get("runtime") is None:
        return "not executed"
    mode = " (cached)" if data.get("method") == "cache" else ""
    return f"{data['runtime']:.1f} s{mode}"


def _text(text: str) -> nodes.Text:
    return nodes.Text(text)


def _verdict(verdict: str) -> nodes.inline:
    slug = verdict.replace(" ", "-")
    return nodes.inline(verdict, verdict, classes=["histbp-verdict", f"is-{slug}"])


def status_rows(env: BuildEnvironment, docname: str) -> tuple[list, Counter]:
    """The table's rows and the count of each verdict."""
    printed = _printed(env)
    rows = []
    counts: Counter[str] = Counter()
    for entry in timeline.ENTRIES:
        link = _doc_link(docname, entry.page, f"{entry.date} · {entry.title}")
        run_time = _text(_run_time(env, entry.page))
        if not entry.checks:
            rows.append(
                [link, _text("no check recorded yet"), *map(_text, "----"), run_time]
            )
            continue
        for check in entry.checks:
            ours = check.ours_in(printed.get(entry.page, ""))
            if ours is None:
                logger.warning(
                    "reproduction status: the output of %s has no match for the "
                    "check %r (pattern %r)",
                    entry.page,
                    check.claim,
                    check.output,
                    location=docname,
                    type="histbp",
                )
                ours = "not found in the page's output"
            counts[check.verdict] += 1
            rows.append(
                [
                    link.deepcopy(),
                    _text(check.claim),
                    _text(check.source),
                    nodes.literal(ours, ours) if check.output else _text(ours),
                    _text(check.tolerance),
                    _verdict(check.verdict),
                    run_time.deepcopy(),
                ]
            )
    return rows, counts


def _summary(counts: Counter) -> nodes.paragraph:
    parts = [f"{counts[v]} {v}" for v in VERDICTS]
    text = f"{sum(counts.values())} checks: " + ", ".join(parts) + "."
    return nodes.paragraph(text, text, classes=["histbp-status-summary"])


class FillStatus(SphinxPostTransform):
    """Replace the placeholder with the table (before references are resolved)."""

    default_priority = 8

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(status_placeholder)):
            rows, counts = status_rows(self.env, self.env.docname)
            headers = [
                "Entry",
                "What was checked",
                "Source",
                "Ours",
                "Tolerance",
                "Verdict",
                "Cells' run time",
            ]
            table = _table(headers, rows, [16, 22, 18, 14, 14, 8, 8])
            table["classes"] = ["histbp-status-table"]
            node.replace_self([_summary(counts), table])


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(status_placeholder)
    app.add_directive("reproduction-status", ReproductionStatus)
    app.add_post_transform(FillStatus)
    app.connect("doctree-read", collect_printed)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-updated", outdated_status)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
