"""The landing page's timeline drawing: every entry, once, legible, linked.

Pure layout checks, with no browser and no Sphinx: they run in every test session.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
import timeline_svg as ts

from histbp import timeline

ENTRIES = timeline.ENTRIES
STRANDS = timeline.STRANDS
SVG = "{http://www.w3.org/2000/svg}"


def _href(entry) -> str:
    return f"{entry.page}.html"


@pytest.fixture(scope="module")
def figure() -> ET.Element:
    return ET.fromstring(ts.render(ENTRIES, STRANDS, _href))


def _overlap(a, b, margin=0.0) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return (
        ax < bx + bw + margin
        and bx < ax + aw + margin
        and ay < by + bh + margin
        and by < ay + ah + margin
    )


@pytest.mark.parametrize("kind", ["histbp-tl-wide", "histbp-tl-narrow"])
def test_every_entry_is_one_link_with_an_accessible_name(figure, kind):
    svg = next(el for el in figure.iter(f"{SVG}svg") if el.get("class") == kind)
    links = list(svg.iter(f"{SVG}a"))
    tooltips = {
        a.get("href"): g.find(f"{SVG}title").text
        for g in svg.iter(f"{SVG}g")
        for a in g.findall(f"{SVG}a")
    }
    assert [a.get("href") for a in links] != []
    assert sorted(a.get("href") for a in links) == sorted(_href(e) for e in ENTRIES)
    for link in links:
        entry = next(e for e in ENTRIES if _href(e) == link.get("href"))
        label = link.get("aria-label")
        assert entry.date in label and entry.title in label and entry.strand in label
        # The tooltip is the group's, outside the link, so that the link's text
        # is only what it shows.
        assert tooltips[link.get("href")] == label
        assert link.find(f"{SVG}title") is None
        # The name starts with the text the mark shows (WCAG 2.5.3, label in name).
        visible = "".join(link.find(f"{SVG}text").itertext())
        assert visible and label.startswith(visible), (visible, label)
    assert svg.get("aria-labelledby") == figure.find("figcaption").get("id")


@pytest.mark.parametrize("layout", [ts.wide_layout, ts.narrow_layout])
def test_no_two_marks_overlap(layout):
    drawing = layout(ENTRIES, STRANDS)
    assert len(drawing.marks) == len(ENTRIES)
    for a, b in itertools.combinations(drawing.marks, 2):
        assert not _overlap(a.box, b.box), (a.entry.slug, b.entry.slug)
    for mark in drawing.marks:
        x, y, w, h = mark.box
        assert 0 <= x and x + w <= drawing.width, mark.entry.slug
        assert 0 <= y and y + h <= drawing.height, mark.entry.slug


def test_wide_marks_sit_in_their_strands_lane_in_time_order():
    drawing = ts.wide_layout(ENTRIES, STRANDS)
    lanes = {strand: (top, bottom) for strand, top, bottom in drawing.lanes}
    assert list(lanes) == list(STRANDS)
    for mark in drawing.marks:
        top, bottom = lanes[mark.entry.strand]
        assert top < mark.y < bottom
        assert mark.x == pytest.approx(drawing.axis(mark.entry.year))
    xs = [drawing.axis(e.year) for e in sorted(ENTRIES, key=lambda e: e.year)]
    assert xs == sorted(xs)


def test_narrow_names_are_a_fingers_width_apart_and_in_order():
    drawing = ts.narrow_layout(ENTRIES, STRANDS)
    ys = [mark.label_y for mark in drawing.marks]
    assert all(b - a >= ts.NARROW_PITCH - 1e-9 for a, b in itertools.pairwise(ys))
    # A tap target of at least 24 CSS pixels at a 390 px wide screen, where the
    # 360-unit drawing is shown about 350 px wide.
    scale = 350 / drawing.width
    assert min(mark.box[3] for mark in drawing.marks) * scale >= 24
    years = [mark.entry.year for mark in drawing.marks]
    assert years == sorted(years)


@pytest.mark.parametrize("layout", [ts.wide_layout, ts.narrow_layout])
def test_the_modern_decades_get_most_of_the_axis(layout):
    axis = layout(ENTRIES, STRANDS).axis
    first, last = min(e.year for e in ENTRIES), max(e.year for e in ENTRIES)
    early = axis(ts.BREAK_YEAR - 1) - axis(first)
    modern = axis(last) - axis(ts.BREAK_YEAR)
    assert early < modern / 2
    # A modern decade is drawn at least eight times as long as an early one.
    assert (axis(1990) - axis(1980)) > 8 * (axis(1810) - axis(1800))
    assert axis.early_end < axis(ts.BREAK_YEAR) - axis.gap / 2


def test_spread_keeps_order_and_pitch_and_moves_labels_little():
    wanted = [0.0, 1.0, 2.0, 50.0, 100.0, 100.0]
    placed = ts.spread(wanted, 10.0, lowest=-100.0)
    assert all(b - a >= 10.0 - 1e-9 for a, b in itertools.pairwise(placed))
    # A crowded run is centred on where it wants to be; a free label stays put.
    assert placed[1] == pytest.approx(1.0)
    assert placed[3] == pytest.approx(50.0)
    assert ts.spread([5.0, 5.0], 10.0, lowest=3.0) == [3.0, 13.0]


def test_labels_are_short_and_name_the_people():
    assert ts.short_name(timeline.get("linnainmaa")) == "Linnainmaa"
    assert ts.short_name(timeline.get("amari-saito")) == "Amari & Saito"
    assert ts.short_name(timeline.get("pontryagin")) == "Pontryagin et al."


def test_an_unknown_strand_is_an_error():
    stray = timeline.ENTRIES[0].__class__(
        **{
            **{f: getattr(ENTRIES[0], f) for f in ENTRIES[0].__dataclass_fields__},
            "strand": "alchemy",
        }
    )
    with pytest.raises(ValueError, match="alchemy"):
        ts.render([*ENTRIES, stray], STRANDS, _href)


def _legend(figure: ET.Element) -> list[str]:
    return ["".join(li.itertext()) for li in figure.find("ul").iter("li")]


def test_the_legend_lists_the_strands_in_use_and_only_them(figure):
    legend = _legend(figure)
    used = {e.strand for e in ENTRIES}
    assert [s for s in STRANDS if any(s in item for item in legend)] == [
        s for s in STRANDS if s in used
    ]
    hollow = any("not yet implemented" in item for item in legend)
    assert hollow == (not all(e.implemented for e in ENTRIES))


def test_the_legend_leaves_out_what_a_smaller_timeline_does_not_show():
    shown = (STRANDS[0], STRANDS[2])
    implemented = [e for e in ENTRIES if e.implemented and e.strand in shown]
    legend = _legend(ET.fromstring(ts.render(implemented, STRANDS, _href)))
    assert len(legend) == 2
    assert shown[0] in legend[0] and shown[1] in legend[1]
