"""The registry, the pages, the bibliography and the package agree with each other."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from pagekit import CODE_CELL

from histbp import timeline

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

TIMELINE_DIR = DOCS / "timeline"
CITE_ROLE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]+)`")


def _page_path(entry: timeline.Entry) -> Path:
    return DOCS / f"{entry.page}.md"


def _cited_keys(text: str) -> set[str]:
    return {k.strip() for group in CITE_ROLE.findall(text) for k in group.split(",")}


def _all_doc_pages() -> list[Path]:
    return [p for p in DOCS.rglob("*.md") if "_build" not in p.parts]


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_every_entry_has_its_page(entry):
    assert _page_path(entry).is_file(), f"missing page {entry.page}.md"


def test_every_timeline_page_is_in_the_registry():
    pages = {f"timeline/{p.stem}" for p in TIMELINE_DIR.glob("*.md")}
    registered = {e.page for e in timeline.ENTRIES}
    assert pages - registered == set(), "pages with no registry entry"


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_each_page_cites_every_key_of_its_entry(entry):
    text = _page_path(entry).read_text(encoding="utf-8")
    missing = set(entry.cite_keys) - _cited_keys(text)
    assert not missing, f"{entry.page} does not cite {sorted(missing)}"
    assert "{footbibliography}" in text, f"{entry.page} has no reference list"


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_citations_stay_out_of_headings(entry):
    text = _page_path(entry).read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert not any(CITE_ROLE.search(h) for h in headings)


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_each_page_runs_its_implementations_or_says_it_does_not(entry):
    text = _page_path(entry).read_text(encoding="utf-8")
    cells = "\n".join(CODE_CELL.findall(text))
    if entry.implemented:
        assert text.startswith("---\nfile_format: mystnb"), "needs MyST-NB front matter"
        called = [n for n in entry.implementations if n.rsplit(".", 1)[1] in cells]
        assert called, f"{entry.page} has no code cell calling {entry.implementations}"
    else:
        assert "not implemented in `histbp` yet" in text
        assert not cells


def test_every_cite_key_in_the_docs_is_in_the_bibliography(bib_keys):
    for page in _all_doc_pages():
        unknown = _cited_keys(page.read_text(encoding="utf-8")) - bib_keys
        assert not unknown, f"{page.relative_to(ROOT)} cites unknown keys {unknown}"


def test_every_registry_cite_key_is_in_the_bibliography(bib_keys):
    for entry in timeline.ENTRIES:
        assert set(entry.cite_keys) <= bib_keys, entry.slug


IMPLEMENTATIONS = sorted({n for e in timeline.ENTRIES for n in e.implementations})


@pytest.mark.parametrize("dotted", IMPLEMENTATIONS)
def test_every_implementation_imports_and_is_tested(dotted):
    module_name, _, attr = dotted.rpartition(".")
    obj = getattr(importlib.import_module(module_name), attr)
    assert callable(obj)
    assert obj.__doc__, f"{dotted} has no docstring"
    tests = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tests").rglob("test_*.py")
        if p.name != "test_site_consistency.py"
    )
    assert re.search(rf"\b{attr}\b", tests), f"no test calls {dotted}"
