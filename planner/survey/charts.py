"""Geometry of the overview charts: an offices × recommendations heatmap and grouped bars.

Pure layout in pixels; the SVG templates only draw what this returns. Colours are from the
Okabe–Ito palette, which stays distinguishable for the common forms of colour blindness, and
every mark also carries a text label, so colour is never the only cue.
"""

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.survey.records import Question
from planner.text import shorten

# Okabe & Ito (2008), "Color Universal Design".
BLUE, ORANGE, VERMILLION, PURPLE = "#0072B2", "#E69F00", "#D55E00", "#CC79A7"
EMPTY, GRID, INK, MUTED = "#F2F4F7", "#C9CED6", "#1D2433", "#5A6475"

QUESTION_COLOURS = {
    Question.focus: BLUE,
    Question.discuss: ORANGE,
    Question.challenge: VERMILLION,
    Question.low_priority: PURPLE,
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
_CHAR = 7.0  # average width of a 12 px character, for label space
_CAPTION = 26.0  # height of a visible title line


@dataclass(frozen=True)
class Label:
    """A row or column heading: short text on the chart, full text as its tooltip."""

    text: str
    title: str
    href: str | None = None


@dataclass(frozen=True)
class Mark:
    href: str
    title: str


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


# WCAG 2.5.8: a link is a target of at least 24 × 24 px; a chart's labels are smaller as text.
TARGET = 24.0


@dataclass(frozen=True)
class Placed:
    x: float
    y: float
    label: Label
    # Where a linked label answers a click or tap, around its text.
    box: Box | None = None
    # The label's text on the lines it is drawn on, where it takes more than one.
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    size: float
    mark: Mark | None


# The stroke around each square's path, twice the radius of its corners (3 px): the outline of
# a round join is a circle of half the stroke's width.
SQUARE_STROKE = 6


@dataclass(frozen=True)
class Heatmap:
    width: float
    height: float
    caption: str | None
    axis: Placed
    colour: str
    cell: float
    rows: tuple[Placed, ...]
    columns: tuple[Placed, ...]
    cells: tuple[Cell, ...]
    row_totals: tuple[Placed, ...]
    column_totals: tuple[Placed, ...]
    grid_left: float
    grid_top: float
    grid_width: float
    grid_height: float
    row_line: float = 0.0  # between the baselines of a row label's lines
    # The recommendation numbers again, between rows further down (`REPEAT_EVERY`).
    repeated_columns: tuple[Placed, ...] = ()
    stroke: float = SQUARE_STROKE
    # Each row's link name and tooltip: its office, and the recommendations its squares name.
    row_names: tuple[str, ...] = ()

    @property
    def named_squares(self) -> str:
        """The squares of what each office named, as one path (`_squares`)."""
        return self._squares(named=True)

    @property
    def empty_squares(self) -> str:
        return self._squares(named=False)

    def _squares(self, *, named: bool) -> str:
        """The named or the empty squares as one path: each a smaller square whose round-joined
        stroke (`stroke`) makes it `Cell.size` wide with rounded corners. At 200 offices a
        rectangle each, with a title and a link, was 480 kB of the overview's 877 kB; the rows'
        links lead on (helper-257)."""
        inset, squares = self.stroke / 2, []
        for cell in self.cells:
            if (cell.mark is not None) == named:
                side = pixels(cell.size - self.stroke)
                x, y = pixels(cell.x + inset), pixels(cell.y + inset)
                squares.append(f"M{x} {y}h{side}v{side}h-{side}z")
        return "".join(squares)


def pixels(value: float) -> float | int:
    """`value` to a tenth of a pixel, written without ".0" when whole ("35", not "35.0"): at 200
    offices the chart's coordinates are some 8,000 numbers."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


# At 200 offices the heatmap is some 5,200 px tall, its columns numbered at the top only: the
# numbers are drawn again above every REPEAT_EVERY rows, less than a phone's screen apart, where
# at least REPEAT_BEFORE rows follow (helper-216). Drawn in the chart, they are on the page at
# any width, in the download and on paper.
REPEAT_EVERY = 20
REPEAT_BEFORE = 10


def _repeats(rows: int) -> list[int]:
    """The rows the column numbers are drawn again above."""
    return [i for i in range(REPEAT_EVERY, rows, REPEAT_EVERY) if rows - i >= REPEAT_BEFORE]


def _fit(text: str, limit: int) -> str:
    return shorten(text, limit)


def heatmap(
    rows: Sequence[tuple[str, Label]],
    columns: Sequence[tuple[int, Label]],
    marks: Mapping[tuple[str, int], Mark],
    colour: str,
    *,
    cell: float = 26,
    row_label_chars: int = 30,
    caption: str | None = None,
) -> Heatmap:
    """Rows are (office code, label), columns (recommendation number, label).

    A row's label longer than `row_label_chars` wraps onto a second line within its row
    (helper-201: "GM The Gambia Industrial Prop…"); only one longer than two lines is cut, and
    its tooltip and link name it whole. A `caption` is drawn as a visible title at the top
    (for downloads used on slides).
    """
    wrapped = [_two_lines(label.text, row_label_chars) for _, label in rows]
    left = 12 + _CHAR * max((len(t) for lines in wrapped for t in lines), default=4)
    top, gap = 34.0 + (_CAPTION if caption else 0), 2.0
    repeats = _repeats(len(rows))
    grid_width = len(columns) * cell
    grid_height = (len(rows) + len(repeats)) * cell
    # Where each row starts: below the rows before it and the numbers repeated among them.
    row_top = [top + (i + sum(1 for r in repeats if r <= i)) * cell for i in range(len(rows))]
    cells = []
    named: list[list[str]] = [[] for _ in rows]
    column_counts = [0] * len(columns)
    for i, (code, _) in enumerate(rows):
        for j, (number, _) in enumerate(columns):
            mark = marks.get((code, number))
            if mark:
                named[i].append(str(number))
                column_counts[j] += 1
            cells.append(
                Cell(
                    pixels(left + j * cell + gap / 2),
                    pixels(row_top[i] + gap / 2),
                    pixels(cell - gap),
                    mark,
                )
            )
    right = left + grid_width
    # A row is one link, from its label across its squares to its total: the office's answers,
    # named by what it names (helper-257: a link per square, 876 at 200 offices, made the chart
    # half a megabyte; each answer is a link on the table's page and the office's).
    placed_rows = tuple(
        Placed(
            left - 8,
            # The first line's baseline: one line sits mid-row, two share it.
            row_top[i] + cell / 2 + 4 - (_ROW_LINE / 2) * (len(lines) - 1),
            Label(" ".join(lines), label.title, label.href),
            Box(4, row_top[i], right + _TOTAL - 4, max(cell, TARGET)),
            lines if len(lines) > 1 else (),
        )
        for i, ((_, label), lines) in enumerate(zip(rows, wrapped, strict=True))
    )
    placed_columns = tuple(
        Placed(
            left + j * cell + cell / 2,
            top - 10,
            label,
            Box(left + j * cell, top - 4 - TARGET, max(cell, TARGET), TARGET),
        )
        for j, (_, label) in enumerate(columns)
    )
    repeated_columns = tuple(
        Placed(left + j * cell + cell / 2, row_top[r] - 8, label)
        for r in repeats
        for j, (_, label) in enumerate(columns)
    )
    row_totals = tuple(
        Placed(
            right + 8, row_top[i] + cell / 2 + 4, Label(str(len(n)), f"{len(n)} recommendations")
        )
        for i, n in enumerate(named)
    )
    column_totals = tuple(
        Placed(left + j * cell + cell / 2, top + grid_height + 16, Label(str(n), f"{n} offices"))
        for j, n in enumerate(column_counts)
    )
    return Heatmap(
        width=max(right + 40, _caption_width(caption)),
        caption=caption,
        axis=Placed(left - 8, top - 10, Label("Recommendation", "Recommendation number")),
        height=top + grid_height + 28,
        colour=colour,
        cell=cell,
        rows=placed_rows,
        columns=placed_columns,
        cells=tuple(cells),
        row_totals=row_totals,
        column_totals=column_totals,
        grid_left=left,
        grid_top=top,
        grid_width=grid_width,
        grid_height=grid_height,
        row_line=_ROW_LINE,
        repeated_columns=repeated_columns,
        row_names=tuple(
            _row_name(label.title, numbers) for (_, label), numbers in zip(rows, named, strict=True)
        ),
    )


# Between the baselines of a row label's two lines: both fit in a 26 px row.
_ROW_LINE = 12.0
# From the squares' right edge to the end of a row's total ("10").
_TOTAL = 30.0


def _row_name(office: str, numbers: list[str]) -> str:
    if not numbers:
        return f"{office} (named no recommendation)"
    return f"{office} (named Rec {', '.join(numbers)})"


def _two_lines(text: str, limit: int) -> tuple[str, ...]:
    """Whole words on at most two lines of `limit` characters; what is left is cut with "…"."""
    lines = _wrap(text, limit)
    if len(lines) > 2:
        lines = (lines[0], " ".join(lines[1:]))
    return tuple(_fit(line, limit) for line in lines)


@dataclass(frozen=True)
class Series:
    name: str
    note: str  # shown in the legend: "Supply (focus, Q4)"
    description: str
    colour: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: Series
    value_x: float
    title: str


@dataclass(frozen=True)
class BarGroup:
    label: Placed
    lines: tuple[str, ...]  # the label's whole text, on as many lines as it takes
    line_height: float
    bars: tuple[Bar, ...]
    top: float  # of its bars (each group draws its own axis and grid)
    bottom: float


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    caption: str | None
    groups: tuple[BarGroup, ...]
    series: tuple[Series, ...]
    legend: tuple[Placed, ...]
    axis_x: float
    ticks: tuple[Placed, ...]


def _wrap(text: str, limit: int) -> tuple[str, ...]:
    """Whole words on lines of at most `limit` characters (a longer word has a line of its own)."""
    wrapped = textwrap.wrap(text, limit, break_long_words=False, break_on_hyphens=False)
    return tuple(wrapped) or ("",)


def grouped_bars(
    groups: Sequence[tuple[Label, Mapping[str, int]]],
    series: Sequence[Series],
    *,
    width: float = 340,
    bar: float = 10,
    caption: str | None = None,
    out_of: int = 0,
) -> BarChart:
    """One group per recommendation, one bar per series, labelled with its value; the axis runs
    to `out_of` (the respondents the counts are out of), or to the largest value if that is
    more, so that a full bar means every respondent (helper-155: "out of 21", and the axis
    ended at 14).

    Each group's label is written whole above its bars, wrapped to the chart's width
    (helper-102: cut to 32 characters beside them, "1 Digital transformation of bus…"), so
    the chart stays narrow enough for a phone and for the overview's column at 1280 px.
    """
    left, line = 12.0, 15.0
    chars = int((width - 2 * left) / _CHAR)
    legend_top = 16 + (_CAPTION if caption else 0)
    legend = []
    x, y = left, legend_top
    for s in series:
        text = f"{s.name} ({s.note})"
        item = 20 + _CHAR * len(text)
        if x > left and x + item > width - left:
            x, y = left, y + 18
        legend.append(Placed(x, y, Label(text, s.description)))
        x += item + 12
    plot_width = width - 2 * left - 24  # room for the value after the longest bar
    largest = max((v for _, values in groups for v in values.values()), default=0)
    largest = max(largest, out_of) or 1
    scale = plot_width / largest
    placed = []
    y0 = y + 14
    for label, values in groups:
        lines = _wrap(label.text, chars)
        bars_top = y0 + len(lines) * line + 4
        bars = tuple(
            Bar(
                x=left,
                y=bars_top + k * bar,
                width=values.get(s.name, 0) * scale,
                height=bar - 1,
                value=values.get(s.name, 0),
                series=s,
                value_x=left + values.get(s.name, 0) * scale + 4,
                title=f"{label.title}: {s.name} {values.get(s.name, 0)}",
            )
            for k, s in enumerate(series)
        )
        bars_bottom = bars_top + bar * len(series)
        text_width = _CHAR * max(len(t) for t in lines)
        box = Box(left - 4, y0, text_width + 8, max(len(lines) * line + 4, TARGET))
        placed.append(
            BarGroup(Placed(left, y0 + 12, label, box), lines, line, bars, bars_top, bars_bottom)
        )
        y0 = bars_bottom + 12
    step = _tick_step(largest)
    ticks = tuple(
        Placed(left + v * scale, y0 + 4, Label(str(v), str(v))) for v in range(0, largest + 1, step)
    )
    return BarChart(
        width=max(width, _caption_width(caption)),
        caption=caption,
        height=y0 + 12,
        groups=tuple(placed),
        series=tuple(series),
        legend=tuple(legend),
        axis_x=left,
        ticks=ticks,
    )


def _caption_width(caption: str | None) -> float:
    return 24 + 8.6 * len(caption) if caption else 0


def _tick_step(largest: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500):
        if largest / step <= 8:
            return step
    return max(1, largest // 8)
