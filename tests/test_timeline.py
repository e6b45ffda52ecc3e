"""The registry of dated entries: shape, order and lookup."""

from __future__ import annotations

import dataclasses

import pytest

from histbp import timeline


def test_there_are_thirty_one_entries_from_leibniz_to_griewank():
    assert len(timeline.ENTRIES) == 31
    assert timeline.ENTRIES[0].slug == "leibniz"
    assert timeline.ENTRIES[0].year == 1676
    assert timeline.ENTRIES[-1].slug == "griewank"
    assert timeline.ENTRIES[-1].year == 2012


def test_slugs_and_pages_are_unique():
    slugs = [e.slug for e in timeline.ENTRIES]
    pages = [e.page for e in timeline.ENTRIES]
    assert len(set(slugs)) == len(slugs)
    assert len(set(pages)) == len(pages)


def test_entries_are_in_chronological_order():
    years = [e.year for e in timeline.ENTRIES]
    assert years == sorted(years)


@pytest.mark.parametrize("entry", timeline.ENTRIES, ids=lambda e: e.slug)
def test_each_entry_is_complete(entry):
    assert entry.slug == entry.slug.lower()
    assert " " not in entry.slug
    assert entry.page == f"timeline/{entry.year}-{entry.slug}"
    assert entry.date.startswith(str(entry.year))
    assert entry.people and all(p.strip() for p in entry.people)
    assert entry.title.strip()
    assert entry.strand in timeline.STRANDS
    assert entry.cite_keys
    assert entry.summary.endswith(".")
    assert all(name.startswith("histbp.") for name in entry.implementations)


def test_entries_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        timeline.ENTRIES[0].year = 1677  # type: ignore[misc]


def test_get_returns_the_entry():
    entry = timeline.get("linnainmaa")
    assert entry.year == 1970
    assert entry.people == ("Seppo Linnainmaa",)
    assert "linnainmaa1970" in entry.cite_keys


def test_unknown_slug_names_it_and_suggests_close_ones():
    with pytest.raises(KeyError, match=r"'linainmaa'.*did you mean 'linnainmaa'"):
        timeline.get("linainmaa")


def test_unknown_slug_with_nothing_close_still_names_it():
    with pytest.raises(KeyError, match="no timeline entry has the slug 'zzzz'"):
        timeline.get("zzzz")


def test_by_page_and_neighbours():
    entry = timeline.get("cauchy")
    assert timeline.by_page(entry.page) is entry
    assert timeline.by_page("index") is None
    before, after = timeline.neighbours("cauchy")
    assert (before.slug, after.slug) == ("euler", "hadamard")
    assert timeline.neighbours("leibniz")[0] is None
    assert timeline.neighbours("griewank")[1] is None
