"""Who reported a fact first, how its figure changed, and where outlets state different figures.

A story's reports are dated; its summary knows which reports carry each line (`sitegen.summarize`)
and which pairs of sentences state one fact but for one figure (`same_fact.revision`). From these:

- a line's **first report** is its earliest dated carrier. A report dated by day alone may have come
  at any time that day, so reports whose possible times overlap the earliest's tie, and all their
  outlets are named. When a carrier is undated its place is unknown, and no first report is named.
- two figures of one fact are an **update** when every dated report of the older figure comes at
  least UPDATE_AFTER before every dated report of the newer one (7,400 hectares on the 3rd, 11,000
  on the 5th);
- they are a **disagreement** when two outlets state them within DISAGREE_WITHIN of each other,
  whatever their order ("12 homes" and "14 homes" the same morning);
- anything else (figures interleaved over days, reports 6–12 hours apart, an article giving both
  figures) is left without a note: a false disagreement is worse than a missed one.

Undated reports take no part in updates or disagreements, whose order matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import scipy.sparse
from scipy.sparse.csgraph import connected_components

from sitegen.model import Article, Version, dated_by_day
from sitegen.same_fact import figure_text

DISAGREE_WITHIN = timedelta(hours=6)  # one news cycle: neither report is news to the other
UPDATE_AFTER = timedelta(hours=12)  # half a day after the last report of the older figure


def moment(date: datetime) -> tuple[datetime, datetime]:
    """When a report may have been published: its time, or its whole day when dated by day alone."""
    return (date, date + timedelta(days=1)) if dated_by_day(date) else (date, date)


@dataclass(frozen=True)
class FirstReport:
    """A fact's first dated report, and how far it spread."""

    sources: tuple[str, ...]  # the outlets of the first report (several when their times tie); () unsure
    published: datetime | None
    last_published: datetime | None  # its last dated report
    later_outlets: int  # outlets with a dated report after the first ones


def first_report(carriers: Iterable[int], articles: Sequence[Article], near: Iterable[int] = ()) -> FirstReport:
    """The first report among `carriers` (indexes into `articles`); none when one of the `near`
    articles (a sentence close to the fact's, not found to state it) may have come first."""
    members = sorted(set(carriers))
    dated = [a for a in members if articles[a].date is not None]
    if not dated:
        return FirstReport((), None, None, 0)
    spans = {a: moment(articles[a].date) for a in dated}  # type: ignore[arg-type]
    earliest = min(dated, key=lambda a: (spans[a][0], a))
    end = spans[earliest][1]
    tied = [a for a in dated if spans[a][0] < end or spans[a][0] == spans[earliest][0]]
    firsts = tuple(dict.fromkeys(articles[a].source for a in tied))
    later = {articles[a].source for a in dated} - set(firsts)
    undated_elsewhere = any(articles[a].date is None and articles[a].source not in firsts for a in members)
    doubtful = any(
        articles[a].date is None or moment(articles[a].date)[0] < end  # type: ignore[arg-type]
        for a in set(near) - set(members)
        if articles[a].source not in firsts
    )
    if undated_elsewhere or doubtful:
        return FirstReport((), None, None, 0)
    last = max(spans[a][0] for a in dated)
    return FirstReport(firsts, spans[earliest][0], last, len(later))


@dataclass
class Figure:
    """One figure of a fact: the wordings that give it and the articles that carry those."""

    value: float
    wordings: set[int]
    articles: set[int]


def revisions(
    conflicts: Sequence[tuple[int, int, float, float, bool]],
    carriers: Sequence[Iterable[int]],
    articles: Sequence[Article],
    near: Mapping[int, Iterable[int]] | None = None,
) -> tuple[list[tuple[str, list[Figure]]], dict[int, int]]:
    """Updates and disagreements from the `conflicts` (wording u gives figure x where wording v
    gives y, and whether either is a bound such as "at least 14": `same_fact.revision`), the
    wordings' `carriers` (article indexes): each a kind and its figures (oldest first for an
    update), and for every wording in one, its index. Wordings joined by conflicts are one fact.
    `near`: per wording, the articles with a sentence close to it not found to state it nor to
    give it another figure. An update is a claim about every report of the old figure: when such
    an article may be one, none is made."""
    value_of: dict[int, set[float]] = {}
    bounds: set[float] = set()
    for u, v, x, y, bound in conflicts:
        value_of.setdefault(u, set()).add(x)
        value_of.setdefault(v, set()).add(y)
        if bound:
            bounds |= {x, y}
    edges = np.asarray([(u, v) for u, v, *_ in conflicts], dtype=np.int64).reshape(-1, 2)
    size = len(carriers)
    graph = scipy.sparse.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    components: dict[int, list[int]] = {}
    for u in sorted(value_of):
        components.setdefault(int(label[u]), []).append(u)
    found: list[tuple[str, list[Figure]]] = []
    index: dict[int, int] = {}
    for members in components.values():
        if any(len(value_of[u]) > 1 for u in members):
            continue  # a wording compared on two of its figures: two facts in one sentence
        figures: dict[float, Figure] = {}
        for u in members:
            (value,) = value_of[u]
            item = figures.setdefault(value, Figure(value, set(), set()))
            item.wordings.add(u)
            item.articles.update(carriers[u])
        seen: set[int] = set()
        clash = False
        for item in figures.values():
            clash |= bool(seen & item.articles)  # one article gives both figures: no claim
            seen |= item.articles
        if clash:
            continue
        unknown = {a for u in members for a in (near or {}).get(u, ())} - seen
        kind, chosen = _classify(list(figures.values()), articles, bounds, unknown)
        if kind:
            for item in chosen:
                for u in item.wordings:
                    index[u] = len(found)
            found.append((kind, chosen))
    return found, index


def _classify(
    figures: list[Figure], articles: Sequence[Article], bounds: set[float], unknown: Iterable[int] = ()
) -> tuple[str, list[Figure]]:
    """("update", oldest first) or ("disagreement", the figures in it), or ("", []). A bound ("at
    least 14", "more than 25,000") can be updated, but disagrees with nothing."""
    spans: dict[float, list[tuple[datetime, datetime, str]]] = {}
    for item in figures:
        dated = [a for a in sorted(item.articles) if articles[a].date is not None]
        if dated:
            spans[item.value] = [(*moment(articles[a].date), articles[a].source) for a in dated]  # type: ignore[arg-type]
    kept = sorted((f for f in figures if f.value in spans), key=lambda f: (min(s[0] for s in spans[f.value]), f.value))
    if len(kept) < 2:
        return "", []
    ordered = all(
        max(s[1] for s in spans[older.value]) + UPDATE_AFTER <= min(s[0] for s in spans[newer.value])
        for older, newer in zip(kept, kept[1:], strict=False)
    )
    if ordered:
        # a sentence like the fact's, not known to give either figure, published after the last
        # known report of an older figure (or undated): it may repeat that figure later still,
        # and then the figures were not one after the other
        older = max(s[0] for f in kept[:-1] for s in spans[f.value])
        doubtful = any(articles[a].date is None or moment(articles[a].date)[1] > older for a in unknown)  # type: ignore[arg-type]
        return ("update", kept) if not doubtful else ("", [])
    close: set[float] = set()
    for i, one in enumerate(kept):
        for other in kept[i + 1 :]:
            if one.value in bounds or other.value in bounds:
                continue
            if any(
                a[2] != b[2] and max(b[1] - a[0], a[1] - b[0]) <= DISAGREE_WITHIN
                for a in spans[one.value]
                for b in spans[other.value]
            ):
                close |= {one.value, other.value}
    chosen = [f for f in kept if f.value in close]
    return ("disagreement", chosen) if chosen else ("", [])


def version(item: Figure, text: str, lang: str, articles: Sequence[Article]) -> Version:
    """One figure as the page and stories.json show it, in the words of `text`."""
    members = sorted(item.articles)  # `articles` come oldest first, undated last
    first = first_report(members, articles)
    return Version(
        figure=figure_text(text, item.value, lang),
        text=text,
        sources=tuple(dict.fromkeys(articles[a].source for a in members)),
        article_ids=tuple(articles[a].id for a in members),
        first_sources=first.sources,
        first_published=first.published,
    )
