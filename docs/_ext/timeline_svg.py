"""The landing page's picture of the timeline, as inline SVG, from the registry.

Pure Python with no Sphinx import, so that the layout can be tested on its own.
:func:`render` returns one HTML ``<figure>`` holding two drawings of the same data,
and the site's stylesheet shows the one that fits the width at hand:

- a *wide* drawing for desktops: time runs left to right, one horizontal lane per
  strand, each entry a dot at its year with a short name beside it, packed into as
  many rows as the lane needs so that no two names overlap;
- a *narrow* drawing for phones: time runs down the page, one thin column per
  strand holding the dots, and the names in a single column on the right, spread
  out just enough to be tapped, each tied to its dot by a leader line.

In both, the years before 1950 take a short stretch of the axis and a break mark
separates them from the modern decades, which get the room. Every mark is a link
(``<a href>`` with an ``aria-label``, in a group with a ``<title>`` tooltip) to its
entry's page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Protocol

#: Years from this one on get the long, readable part of the axis.
BREAK_YEAR = 1950


class EntryLike(Protocol):
    """What the drawing needs from a :class:`histbp.timeline.Entry`."""

    slug: str
    year: int
    date: str
    people: tuple[str, ...]
    title: str
    strand: str

    @property
    def implemented(self) -> bool: ...


# --- Text ---------------------------------------------------------------------------

_NARROW_CHARS = set("ijlt.,:;'!|Ilfr ")
_WIDE_CHARS = set("mwMW@")


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` set in a sans-serif at ``size``.

    Packing relies on it, so it errs wide: proportional fonts average about half
    an em per character, and this counts 0.58 em for most characters.
    """
    total = 0.0
    for char in text:
        if char in _NARROW_CHARS:
            total += 0.34
        elif char in _WIDE_CHARS:
            total += 0.9
        elif char.isupper() or char.isdigit():
            total += 0.68
        else:
            total += 0.58
    return total * size


def _surname(person: str) -> str:
    return person.split()[-1]


def short_name(entry: EntryLike) -> str:
    """The people of an entry, short: ``Amari & Saito``, ``Pontryagin et al.``."""
    names = [_surname(person) for person in entry.people]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    return f"{names[0]} et al."


def describe(entry: EntryLike, shown: str) -> str:
    """The accessible name (and tooltip) of an entry's mark that shows ``shown``.

    It starts with the mark's visible text, so that a reader who says what they see
    (voice control) names the link; then come the title, the date, the full names
    and the strand.
    """
    status = "; not yet implemented in histbp" if not entry.implemented else ""
    return (
        f"{shown}: {entry.title} ({entry.date}; {', '.join(entry.people)}; "
        f"strand: {entry.strand}{status})"
    )


# --- The broken axis -----------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """A time axis in two linear pieces: compressed before :data:`BREAK_YEAR`.

    ``start`` and ``end`` are the drawing coordinates of the axis's ends; the early
    piece takes ``early_share`` of the length, then comes a gap of ``gap`` units
    where the break mark is drawn, then the modern piece.
    """

    early: tuple[float, float]
    modern: tuple[float, float]
    start: float
    end: float
    early_share: float
    gap: float

    @classmethod
    def for_years(
        cls,
        years: Sequence[int],
        start: float,
        end: float,
        early_share: float,
        gap: float,
    ) -> Axis:
        """An axis that holds every year of ``years`` with a little room at the ends."""
        early_years = [year for year in years if year < BREAK_YEAR]
        modern_years = [year for year in years if year >= BREAK_YEAR]
        if not early_years or not modern_years:
            raise ValueError(
                f"the drawing needs entries both before and after {BREAK_YEAR}"
            )
        early = (
            10 * math.floor((min(early_years) - 5) / 10),
            max(early_years) + 7,
        )
        modern = (BREAK_YEAR - 5, 5 * math.ceil((max(modern_years) + 3) / 5))
        return cls(early, modern, start, end, early_share, gap)

    @property
    def early_end(self) -> float:
        """Coordinate where the early piece ends (the break begins)."""
        return self.start + (self.end - self.start - self.gap) * self.early_share

    @property
    def modern_start(self) -> float:
        """Coordinate where the modern piece begins (the break ends)."""
        return self.early_end + self.gap

    def __call__(self, year: float) -> float:
        """The drawing coordinate of ``year``."""
        if year < BREAK_YEAR:
            lo, hi = self.early
            a, b = self.start, self.early_end
        else:
            lo, hi = self.modern
            a, b = self.modern_start, self.end
        return a + (year - lo) / (hi - lo) * (b - a)

    def ticks(self) -> list[int]:
        """Centuries on the early piece, decades on the modern one."""
        early = range(100 * math.ceil(self.early[0] / 100), int(self.early[1]) + 1, 100)
        modern = range(10 * math.ceil(self.modern[0] / 10), int(self.modern[1]) + 1, 10)
        return [*early, *modern]


# --- Layouts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One entry's place in a drawing.

    ``x``, ``y``: the dot; ``label_x``, ``label_y``: where the name's text starts
    (its baseline's middle is ``label_y``); ``anchor``: ``start`` or ``end``;
    ``box``: the clickable rectangle (x, y, width, height) around dot and name.
    """

    entry: EntryLike
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Drawing:
    """A finished layout: its marks and everything needed to draw the frame."""

    width: float
    height: float
    marks: list[Mark]
    axis: Axis
    lanes: list[tuple[str, float, float]]  # strand, top, bottom (wide) or x (narrow)


WIDE_WIDTH = 720.0
WIDE_FONT = 12.0
WIDE_ROW = 20.0
WIDE_HEADER = 20.0
WIDE_DOT = 5.0
WIDE_GAP = 10.0


def wide_layout(entries: Sequence[EntryLike], strands: Sequence[str]) -> Drawing:
    """Time left to right, a lane per strand, names packed into rows."""
    left, right = 14.0, WIDE_WIDTH - 12.0
    axis = Axis.for_years([e.year for e in entries], left, right, 0.2, 30.0)
    marks: list[Mark] = []
    lanes: list[tuple[str, float, float]] = []
    top = 4.0
    for strand in strands:
        members = sorted(
            (e for e in entries if e.strand == strand), key=lambda e: axis(e.year)
        )
        rows_end: list[float] = []
        placed: list[tuple[EntryLike, str, float, int, str, float, float]] = []
        for entry in members:
            label = short_name(entry)
            x = axis(entry.year)
            width = text_width(label, WIDE_FONT)
            if x + WIDE_DOT + 4 + width <= right:
                anchor, lo, hi = "start", x - WIDE_DOT - 2, x + WIDE_DOT + 4 + width
            else:
                anchor, lo, hi = "end", x - WIDE_DOT - 4 - width, x + WIDE_DOT + 2
            row = next(
                (i for i, end in enumerate(rows_end) if end + WIDE_GAP <= lo),
                len(rows_end),
            )
            if row == len(rows_end):
                rows_end.append(hi)
            else:
                rows_end[row] = hi
            placed.append((entry, label, x, row, anchor, lo, hi))
        rows_top = top + WIDE_HEADER
        for entry, label, x, row, anchor, lo, hi in placed:
            y = rows_top + row * WIDE_ROW + WIDE_ROW / 2
            label_x = x + WIDE_DOT + 4 if anchor == "start" else x - WIDE_DOT - 4
            box = (lo, y - WIDE_ROW / 2 + 1, hi - lo, WIDE_ROW - 2)
            marks.append(Mark(entry, label, x, y, label_x, y, anchor, box))
        bottom = rows_top + max(len(rows_end), 1) * WIDE_ROW + 6
        lanes.append((strand, top, bottom))
        top = bottom
    height = top + 34
    return Drawing(WIDE_WIDTH, height, marks, axis, lanes)


NARROW_WIDTH = 360.0
NARROW_FONT = 13.0
NARROW_PITCH = 28.0  # the least distance between two names: a finger's width
NARROW_AXIS_X = 46.0
NARROW_COLUMN0 = 62.0
NARROW_COLUMN_STEP = 14.0
NARROW_TOP = 34.0


def spread(wanted: Sequence[float], pitch: float, lowest: float) -> list[float]:
    """Positions as close as possible to ``wanted`` (sorted) but ``pitch`` apart.

    The classic one-dimensional label placement: runs of labels that would collide
    are set ``pitch`` apart and centred on where they want to be (the least-squares
    position), runs that then collide are merged, and nothing goes below ``lowest``.
    """
    blocks: list[list[float]] = []  # each: the wanted positions of one run
    starts: list[float] = []
    for value in wanted:
        blocks.append([value])
        starts.append(max(value, lowest))
        while len(blocks) > 1 and starts[-2] + len(blocks[-2]) * pitch > starts[-1]:
            merged = blocks[-2] + blocks[-1]
            blocks[-2:] = [merged]
            start = sum(w - k * pitch for k, w in enumerate(merged)) / len(merged)
            starts[-2:] = [max(start, lowest)]
    return [
        start + k * pitch
        for block, start in zip(blocks, starts, strict=True)
        for k in range(len(block))
    ]


def narrow_layout(entries: Sequence[EntryLike], strands: Sequence[str]) -> Drawing:
    """Time top to bottom, a column of dots per strand, names spread on the right."""
    ordered = sorted(entries, key=lambda e: (e.year, strands.index(e.strand)))
    early_count = sum(e.year < BREAK_YEAR for e in ordered)
    modern_years = [e.year for e in ordered if e.year >= BREAK_YEAR]
    early_length = max(early_count * NARROW_PITCH + 10, 100.0)
    modern_length = 16.0 * (max(modern_years) + 3 - (BREAK_YEAR - 5))
    gap = 36.0
    start = NARROW_TOP + 8
    end = start + early_length + gap + modern_length
    axis = Axis.for_years(
        [e.year for e in ordered],
        start,
        end,
        early_length / (early_length + modern_length),
        gap,
    )
    label_x = NARROW_COLUMN0 + NARROW_COLUMN_STEP * len(strands) + 8
    dots = [axis(e.year) for e in ordered]
    early = [d for d, e in zip(dots, ordered, strict=True) if e.year < BREAK_YEAR]
    modern = [d for d, e in zip(dots, ordered, strict=True) if e.year >= BREAK_YEAR]
    labels = spread(early, NARROW_PITCH, start - 6) + spread(
        modern, NARROW_PITCH, axis.modern_start - 6
    )
    seen: dict[tuple[int, str], int] = {}
    marks = []
    for entry, y, label_y in zip(ordered, dots, labels, strict=True):
        column = strands.index(entry.strand)
        twin = seen.get((entry.year, entry.strand), 0)
        seen[(entry.year, entry.strand)] = twin + 1
        x = NARROW_COLUMN0 + NARROW_COLUMN_STEP * column + (4.0 if twin else 0.0)
        label = f"{entry.date.split('/')[0]} {short_name(entry)}"
        box = (
            label_x - 6,
            label_y - NARROW_PITCH / 2 + 1,
            NARROW_WIDTH - label_x + 4,
            NARROW_PITCH - 2,
        )
        marks.append(Mark(entry, label, x, y, label_x, label_y, "start", box))
    lanes = [
        (strand, NARROW_COLUMN0 + NARROW_COLUMN_STEP * i, 0.0)
        for i, strand in enumerate(strands)
    ]
    height = max(end, labels[-1] + NARROW_PITCH / 2) + 12
    return Drawing(NARROW_WIDTH, height, marks, axis, lanes)


# --- SVG ----------------------------------------------------------------------------


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _mark_svg(mark: Mark, href: str, strand_index: int, leader: str = "") -> str:
    name = escape(describe(mark.entry, mark.label))
    fill = "" if mark.entry.implemented else " histbp-tl-hollow"
    x, y, w, h = mark.box
    radius = WIDE_DOT if not leader else 4.5
    # The tooltip (<title>) belongs to a group around the link, not to the link:
    # inside it, its text would count as the link's text, which then would not
    # match the link's name (axe: label-content-name-mismatch).
    return (
        f"<g><title>{name}</title>"
        f'<a href="{escape(href)}" aria-label="{name}" class="histbp-tl-mark"'
        f' data-slug="{escape(mark.entry.slug)}">'
        f'<rect class="histbp-tl-hit" x="{_f(x)}" y="{_f(y)}" width="{_f(w)}"'
        f' height="{_f(h)}" rx="4"/>'
        f"{leader}"
        f'<circle class="histbp-tl-dot histbp-tl-s{strand_index}{fill}"'
        f' cx="{_f(mark.x)}"'
        f' cy="{_f(mark.y)}" r="{_f(radius)}"/>'
        f'<text class="histbp-tl-name" x="{_f(mark.label_x)}" y="{_f(mark.label_y)}"'
        f' text-anchor="{mark.anchor}" dominant-baseline="central">'
        f"{escape(mark.label)}</text>"
        "</a></g>"
    )


def _break_mark(x: float, y: float, vertical: bool) -> str:
    """Two short slanted strokes across the axis, the sign of a broken scale."""
    strokes = []
    for offset in (-3.0, 3.0):
        if vertical:
            strokes.append(
                f'<path d="M{_f(x - 7)} {_f(y + offset + 3)}'
                f' L{_f(x + 7)} {_f(y + offset - 3)}"/>'
            )
        else:
            strokes.append(
                f'<path d="M{_f(x + offset - 3)} {_f(y + 7)}'
                f' L{_f(x + offset + 3)} {_f(y - 7)}"/>'
            )
    return f'<g class="histbp-tl-break">{"".join(strokes)}</g>'


def wide_svg(
    drawing: Drawing,
    strands: Sequence[str],
    href: Callable[[EntryLike], str],
    label_id: str,
) -> str:
    """The wide drawing as an ``<svg>`` element."""
    axis, parts = drawing.axis, []
    lanes_bottom = drawing.lanes[-1][2]
    axis_y = lanes_bottom + 6
    parts.append('<g class="histbp-tl-frame" aria-hidden="true">')
    lanes_top = drawing.lanes[0][1]
    # Grid, break band and axis first, so that the lane names are drawn over them.
    for year in axis.ticks():
        x = axis(year)
        parts.append(
            f'<line class="histbp-tl-grid" x1="{_f(x)}" y1="{_f(lanes_top)}"'
            f' x2="{_f(x)}" y2="{_f(axis_y)}"/>'
            f'<line class="histbp-tl-tick" x1="{_f(x)}" y1="{_f(axis_y)}" x2="{_f(x)}"'
            f' y2="{_f(axis_y + 5)}"/>'
            f'<text class="histbp-tl-year" x="{_f(x)}" y="{_f(axis_y + 17)}"'
            f' text-anchor="middle">{year}</text>'
        )
    parts.append(
        f'<rect class="histbp-tl-gap" x="{_f(axis.early_end + 4)}" y="{_f(lanes_top)}"'
        f' width="{_f(axis.gap - 8)}" height="{_f(axis_y - lanes_top)}"/>'
        f'<line class="histbp-tl-axis" x1="{_f(axis.start)}" y1="{_f(axis_y)}"'
        f' x2="{_f(axis.early_end)}" y2="{_f(axis_y)}"/>'
        f'<line class="histbp-tl-axis" x1="{_f(axis.modern_start)}" y1="{_f(axis_y)}"'
        f' x2="{_f(axis.end)}" y2="{_f(axis_y)}"/>'
        + _break_mark(axis.early_end + axis.gap / 2, axis_y, vertical=False)
    )
    for index, (strand, top, _bottom) in enumerate(drawing.lanes):
        if index:
            parts.append(
                f'<line class="histbp-tl-rule" x1="{_f(axis.start)}" y1="{_f(top)}"'
                f' x2="{_f(axis.end)}" y2="{_f(top)}"/>'
            )
        parts.append(
            f'<circle class="histbp-tl-dot histbp-tl-s{index}"'
            f' cx="{_f(axis.start + 4)}"'
            f' cy="{_f(top + 11)}" r="4"/>'
            f'<text class="histbp-tl-lane" x="{_f(axis.start + 13)}" y="{_f(top + 11)}"'
            f' dominant-baseline="central">{index + 1} · {escape(strand)}</text>'
        )
    parts.append("</g>")
    for mark in drawing.marks:
        parts.append(
            _mark_svg(mark, href(mark.entry), strands.index(mark.entry.strand))
        )
    return (
        f'<svg class="histbp-tl-wide"'
        f' viewBox="0 0 {_f(drawing.width)} {_f(drawing.height)}"'
        f' role="group" aria-labelledby="{label_id}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )


def narrow_svg(
    drawing: Drawing,
    strands: Sequence[str],
    href: Callable[[EntryLike], str],
    label_id: str,
) -> str:
    """The narrow drawing as an ``<svg>`` element."""
    axis, parts = drawing.axis, []
    x0 = NARROW_AXIS_X
    parts.append('<g class="histbp-tl-frame" aria-hidden="true">')
    for index, (_strand, x, _) in enumerate(drawing.lanes):
        parts.append(
            f'<line class="histbp-tl-column histbp-tl-s{index}" x1="{_f(x)}"'
            f' y1="{_f(axis.start - 6)}" x2="{_f(x)}" y2="{_f(axis.end)}"/>'
            f'<text class="histbp-tl-lane" x="{_f(x)}" y="{_f(NARROW_TOP - 10)}"'
            f' text-anchor="middle">{index + 1}</text>'
        )
    for year in axis.ticks():
        y = axis(year)
        parts.append(
            f'<line class="histbp-tl-tick" x1="{_f(x0 - 5)}" y1="{_f(y)}" x2="{_f(x0)}"'
            f' y2="{_f(y)}"/>'
            f'<text class="histbp-tl-year" x="{_f(x0 - 8)}" y="{_f(y)}"'
            ' text-anchor="end"'
            f' dominant-baseline="central">{year}</text>'
        )
    parts.append(
        f'<line class="histbp-tl-axis" x1="{_f(x0)}" y1="{_f(axis.start - 6)}"'
        f' x2="{_f(x0)}" y2="{_f(axis.early_end)}"/>'
        f'<line class="histbp-tl-axis" x1="{_f(x0)}" y1="{_f(axis.modern_start)}"'
        f' x2="{_f(x0)}" y2="{_f(axis.end)}"/>'
        + _break_mark(x0, axis.early_end + axis.gap / 2, vertical=True)
    )
    parts.append("</g>")
    for mark in drawing.marks:
        elbow = mark.label_x - 10
        leader = (
            f'<path class="histbp-tl-leader" d="M{_f(mark.x)} {_f(mark.y)}'
            f" L{_f(elbow - 8)} {_f(mark.y)} L{_f(elbow)} {_f(mark.label_y)}"
            f' L{_f(mark.label_x - 3)} {_f(mark.label_y)}"/>'
        )
        parts.append(
            _mark_svg(mark, href(mark.entry), strands.index(mark.entry.strand), leader)
        )
    return (
        f'<svg class="histbp-tl-narrow"'
        f' viewBox="0 0 {_f(drawing.width)} {_f(drawing.height)}"'
        f' role="group" aria-labelledby="{label_id}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(parts)
        + "</svg>"
    )


def render(
    entries: Sequence[EntryLike],
    strands: Sequence[str],
    href: Callable[[EntryLike], str],
    figure_id: str = "histbp-timeline",
) -> str:
    """The whole figure: caption, legend and both drawings, as an HTML string."""
    unknown = sorted({e.strand for e in entries} - set(strands))
    if unknown:
        raise ValueError(f"entries name strands that are not in STRANDS: {unknown}")
    label_id = f"{figure_id}-caption"
    early = [e.year for e in entries if e.year < BREAK_YEAR]
    # The legend lists only what the drawing shows.
    used = {e.strand for e in entries}
    legend = "".join(
        f'<li><svg class="histbp-tl-swatch" viewBox="0 0 12 12" aria-hidden="true">'
        f'<circle class="histbp-tl-dot histbp-tl-s{i}" cx="6" cy="6" r="5"/></svg>'
        f"{i + 1} · {escape(strand)}</li>"
        for i, strand in enumerate(strands)
        if strand in used
    )
    if not all(e.implemented for e in entries):
        legend += (
            '<li><svg class="histbp-tl-swatch" viewBox="0 0 12 12" aria-hidden="true">'
            '<circle class="histbp-tl-dot histbp-tl-hollow" cx="6" cy="6" r="4.5"/>'
            "</svg>not yet implemented in histbp</li>"
        )
    caption = (
        f"The {len(entries)} entries of the timeline, from {min(early)} to "
        f"{max(e.year for e in entries)}, by strand. Every mark links to its page. "
        f"The axis is broken: the {BREAK_YEAR - min(early)} years before {BREAK_YEAR} "
        "are compressed so that the crowded modern decades keep their room."
    )
    return (
        f'<figure class="histbp-tl" id="{figure_id}">'
        f'<figcaption id="{label_id}">{escape(caption)}</figcaption>'
        f'<ul class="histbp-tl-legend" aria-label="Strands">{legend}</ul>'
        + wide_svg(wide_layout(entries, strands), strands, href, label_id)
        + narrow_svg(narrow_layout(entries, strands), strands, href, label_id)
        + "</figure>"
    )
