"""A story's coverage at a glance: how many reports came out when, and from which outlets, as
bars a template draws as inline SVG (no script), the first report marked."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from sitegen.i18n import current
from sitegen.model import dated_by_day

MAX_BARS = 24  # a phone's width holds this many bars a finger can tell apart
# bar widths, from the shortest that spreads a story's reports over enough bars to read
_STEPS = [timedelta(hours=h) for h in (1, 2, 3, 6, 12)] + [timedelta(days=d) for d in (1, 2, 7, 14, 30, 91, 365)]


@dataclass(frozen=True, slots=True)
class Bar:
    """Reports published in [start, start + the chart's step)."""

    start: datetime
    count: int
    first: bool  # holds the first report


@dataclass(frozen=True, slots=True)
class CoverageChart:
    """Dated reports over time, in bars of one `step` each, oldest first."""

    bars: tuple[Bar, ...]
    step: timedelta
    peak: int  # the largest bar's count
    dated: int  # reports with a date (undated ones have no place on a time axis)

    @property
    def bars_svg(self) -> Markup:
        """The bars as SVG `<rect>`s in a 10-unit-wide, 40-high grid, each with its time and count
        as a tooltip in the page's language. Built here, not looped over in the template: a
        chart has up to 25 bars, and the Jinja2 loop made it the costliest part of a story page."""
        words = current()
        year = self.bars[0].start.year
        rects = []
        for n, bar in enumerate(self.bars):
            height = round(36 * bar.count / self.peak, 1) if bar.count else 1
            kind = "bar" + (" first" if bar.first else "") + ("" if bar.count else " empty")
            tip = f"{words.short_date(bar.start, year)}: {words.plural('{n} report', '{n} reports', bar.count)}"
            rects.append(
                f'<rect class="{kind}" x="{n * 10 + 1}" y="{40 - height}" width="8" height="{height}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        return Markup("".join(rects))

    @property
    def hours(self) -> int:
        """A bar's span in hours, when shorter than a day (else 0)."""
        return int(self.step.total_seconds() // 3600) if self.step < timedelta(days=1) else 0

    @property
    def days(self) -> int:
        """A bar's span in days (0 when shorter than a day)."""
        return self.step.days

    @property
    def end(self) -> datetime:
        """Where the last bar ends."""
        return self.bars[-1].start + self.step


def coverage_chart(dates: Sequence[datetime | None]) -> CoverageChart | None:
    """The chart of a story's report dates; None when fewer than three are dated or all came out
    at once (a chart of one bar says nothing the timeline does not)."""
    dated = sorted(d for d in dates if d is not None)
    if len(dated) < 3 or dated[0] == dated[-1]:
        return None
    span = dated[-1] - dated[0]
    # reports dated by day alone (no time of day) are counted by day, not in empty hours
    days_only = all(dated_by_day(d) for d in dated)
    steps = [s for s in _STEPS if s >= timedelta(days=1)] if days_only else _STEPS
    # the shortest step that keeps the bars under MAX_BARS; decades of coverage: whole days
    longest = timedelta(days=math.ceil(span / (MAX_BARS - 1) / timedelta(days=1)))
    step = next((s for s in steps if span / s < MAX_BARS), max(longest, steps[-1]))
    origin = _floor(dated[0], step)
    count = int((dated[-1] - origin) / step) + 1
    tally = [0] * count
    for d in dated:
        tally[min(int((d - origin) / step), count - 1)] += 1
    bars = tuple(Bar(origin + n * step, c, n == 0) for n, c in enumerate(tally))
    return CoverageChart(bars, step, max(tally), len(dated))


def _floor(value: datetime, step: timedelta) -> datetime:
    """`value` down to its step: the hour, the day (midnight) or the day itself for longer steps."""
    if step < timedelta(days=1):
        hours = int(step.total_seconds() // 3600)
        return value.replace(hour=value.hour - value.hour % hours, minute=0, second=0, microsecond=0)
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


SHOWN_OUTLETS = 5  # outlets named in the by-outlet bar; the rest are one share


@dataclass(frozen=True, slots=True)
class OutletShare:
    """An outlet's reports in a story (or, with `others`, those of the outlets not named)."""

    name: str
    count: int
    first: bool  # it made the first report
    others: int = 0  # how many outlets this share stands for, when it is the rest


def outlet_shares(sources: Sequence[str], first: str | None) -> tuple[OutletShare, ...]:
    """Reports by outlet, most first (ties: the earlier first report), the first SHOWN_OUTLETS
    named and the rest as one share; `sources` in report order, oldest first. Empty for a
    story of one outlet."""
    counts: dict[str, int] = {}
    for name in sources:
        counts[name] = counts.get(name, 0) + 1
    if len(counts) < 2:
        return ()
    order = {name: n for n, name in enumerate(counts)}  # dicts keep first-report order
    ranked = sorted(counts, key=lambda name: (-counts[name], order[name]))
    shares = [OutletShare(name, counts[name], name == first) for name in ranked[:SHOWN_OUTLETS]]
    rest = ranked[SHOWN_OUTLETS:]
    if rest:
        shares.append(OutletShare("", sum(counts[name] for name in rest), False, len(rest)))
    return tuple(shares)
