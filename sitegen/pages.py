"""Page planning: the archive → one `Page` (output path, template, context) per file of the site.

Pages are planned before anything is rendered, one at a time, so the writer can stream them and
a warm build can ask each page what it is made of (`Page.fingerprint`) before rendering it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from slugify import slugify

from sitegen.config import SiteConfig
from sitegen.context import (
    COVERAGE_LABELS,
    ArchiveContext,
    ArchiveListContext,
    ChangeNote,
    Crumb,
    FeedContext,
    FigureView,
    FirstNote,
    HomeContext,
    IndexEntry,
    MarkedSentence,
    PageContext,
    Pager,
    PlainContext,
    RedirectContext,
    ReportsContext,
    SitemapContext,
    SourceContext,
    SourceLink,
    SourceRow,
    SourcesContext,
    StoryContext,
    StoryLink,
    StoryView,
    SummaryLine,
    TagContext,
    TagLink,
    TagsContext,
    TagSection,
    TimelineRow,
    VariantView,
    YearEntry,
)
from sitegen.coverage import coverage_chart, outlet_shares
from sitegen.memo import STAND_INS, fingerprint
from sitegen.model import Archive, Article, Revision, Story, SummarySentence
from sitegen.render import format_date, safe_url, served_at
from sitegen.slugs import slug, tag_key, tag_slug

if TYPE_CHECKING:
    from sitegen.stories import Draft


def story_link(draft: Draft, slugs: dict[str, str]) -> StoryLink:
    sources = source_links(draft.sources, slugs)
    return StoryLink(draft.id, draft.url, draft.title, draft.first_published, sources, story_lang(draft, draft.members))


class Page:
    """One output file: its path under the output folder (e.g. "stories/x/index.html"), its
    template and the template's context.

    A story page's context is built on first use, and the page is fingerprinted from what the
    context is made of (`inputs`: the story, its articles, the links), which costs far less than
    building the context: a warm build asks only that of the pages it carries over. Other pages
    are fingerprinted from their context, in which stories and articles stand in by digest."""

    __slots__ = ("path", "template", "inputs", "_context", "_make")

    def __init__(
        self,
        path: str,
        template: str,
        context: PageContext | None = None,
        *,
        make: Callable[[], PageContext] | None = None,
        inputs: tuple[Any, ...] | None = None,
    ) -> None:
        self.path = path
        self.template = template
        self.inputs = inputs
        self._context = context
        self._make = make

    @property
    def context(self) -> PageContext:
        if self._context is None:
            self._context = self._make() if self._make else PlainContext()
        return self._context

    def fingerprint(self) -> str:
        """What the page is made of, hashed: the previous build's file is carried over when it
        matches. "" when unknown (a context that cannot be pickled): the page is rendered."""
        try:
            return fingerprint(self.template, self.context if self.inputs is None else self.inputs)
        except Exception:  # noqa: BLE001 - rendering is always a correct fallback
            return ""


def source_slugs(articles: Iterable[Article]) -> dict[str, str]:
    """A unique URL slug per source name, stable because names are processed sorted."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted({a.source for a in articles}):
        base = slug(name, "source")
        unique, n = base, 2
        while unique in used:
            unique, n = f"{base}-{n}", n + 1
        used.add(unique)
        slugs[name] = unique
    return slugs


def source_links(names: Sequence[str], slugs: dict[str, str]) -> list[SourceLink]:
    return [SourceLink(name, f"sources/{slugs[name]}/") for name in names]


def paginate(items: Sequence[Any], per_page: int, first: str) -> Iterator[tuple[str, Pager]]:
    """(output path, pager) per page: `first` is page 1's folder, later pages `first/page/N/`."""
    pages = max(1, -(-len(items) // per_page))

    def folder(n: int) -> str:
        return first if n == 1 else f"{first}page/{n}/"

    for n in range(1, pages + 1):
        yield (
            folder(n) + "index.html",
            Pager(
                items=list(items[(n - 1) * per_page : n * per_page]),
                number=n,
                count=pages,
                prev=folder(n - 1) if n > 1 else None,
                next=folder(n + 1) if n < pages else None,
            ),
        )


def story_view(archive: Archive, story: Story, slugs: dict[str, str]) -> StoryView:
    articles = archive.story_articles(story)
    return StoryView(
        id=story.id,
        url=story.url,
        title=story.title,
        lang=story_lang(story, articles),
        first_published=story.first_published,
        last_updated=story.last_updated,
        sources=source_links(story.sources, slugs),
        tags=story_tags(articles),
        first_source=articles[0].source,
        lead=_lead(story),
        article_count=len(articles),
        story=story,
    )


def _view_stand_in(view: StoryView) -> tuple[str, ...] | None:
    """A view is made from its story and its sources' slugs alone."""
    known = _VIEW_TOKENS.get(id(view))
    if known is not None:
        return known
    return ("view", view.story.digest, *(link.url for link in view.sources)) if view.story.digest else None


# The last build's views by their stand-in, and each view's stand-in by its id: a rebuild of
# `sitegen serve` makes again only the views of stories that changed, and a page's key then costs
# a lookup per story it lists. Replaced whole by each build (`story_views`), so it never holds
# more than one archive's views, and an id in it always belongs to a view it holds.
_VIEWS: dict[tuple[str, ...], StoryView] = {}
_VIEW_TOKENS: dict[int, tuple[str, ...]] = {}


def _row_stand_in(row: SourceRow) -> tuple[Any, ...] | None:
    """A source page's row is made from its article, its story's view and the page showing it."""
    view = _view_stand_in(row.story)
    if not (view and row.article.digest):
        return None
    return ("row", row.article.id, row.article.path, row.article.digest, view, row.page)


STAND_INS[StoryView] = _view_stand_in
STAND_INS[SourceRow] = _row_stand_in
# named tuples pickle through Python code of their own; as their name and fields, one call
_NAMED = (SourceLink, StoryLink, TagLink, SummaryLine, MarkedSentence, TimelineRow, FirstNote, FigureView, ChangeNote)
for _named in _NAMED:
    STAND_INS[_named] = lambda value: (type(value).__name__, *value)


def story_tags(articles: Iterable[Article]) -> list[TagLink]:
    """The tags of a story's articles, once each, in the order they first appear (oldest article
    first), each as its first article spells it."""
    seen: dict[str, TagLink] = {}
    for article in articles:
        for tag in article.tags:
            folder = tag_slug(tag)
            if folder not in seen:
                seen[folder] = TagLink(tag, f"tags/{folder}/", tag_key(tag))
    return list(seen.values())


def _lead(story: Story) -> str:
    """The summary's first sentence, unless the headline was derived from that very sentence."""
    if not story.summary.sentences:
        return ""
    lead = story.summary.sentences[0].text
    return "" if lead.startswith(story.title.rstrip("…")) else lead


_PLAIN_ID = re.compile(r"[a-z0-9]+(?:[-/_][a-z0-9]+)*")


def article_anchor(article: Article) -> str:
    """`a-` and the id slugified; ids that are already lower-case paths skip slugify, which is
    slow enough to show on 10,000 articles, and come out the same."""
    if _PLAIN_ID.fullmatch(article.id):
        return "a-" + article.id.replace("/", "-").replace("_", "-")
    return "a-" + (slugify(article.id) or "article")


def story_links(drafts: Iterable[Draft], slugs: dict[str, str]) -> dict[str, StoryLink]:
    return {d.id: story_link(d, slugs) for d in drafts}


def story_views(archive: Archive) -> dict[str, StoryView]:
    """Every story as list pages, feeds and stories.json show it, by story id; the view of a
    story the last build had is that build's view."""
    global _VIEWS, _VIEW_TOKENS
    slugs = source_slugs(archive.articles.values())
    views: dict[str, StoryView] = {}
    kept: dict[tuple[str, ...], StoryView] = {}
    for story in archive.stories.values():
        token = ("view", story.digest, *(f"sources/{slugs[name]}/" for name in story.sources))
        view = _VIEWS.get(token) if story.digest else None
        if view is None:
            view = story_view(archive, story, slugs)
        if story.digest:
            kept[token] = view
        views[story.id] = view
    _VIEWS = kept
    _VIEW_TOKENS = {id(view): token for token, view in kept.items()}
    return views


def plan_pages(
    archive: Archive, config: SiteConfig, skip: Container[str] = (), views: dict[str, StoryView] | None = None
) -> Iterator[Page]:
    """Every HTML, XML and JSON page of the site, in a deterministic order; story pages whose
    path is in `skip` were written already (by `sitegen.story_pages`) and are left out. `views`
    as `story_views` makes them, when the caller has them already."""
    slugs = source_slugs(archive.articles.values())
    stories = list(archive.stories.values())
    views = views if views is not None else story_views(archive)
    newest = [views[s.id] for s in stories]
    listed: list[str] = []  # every page a crawler should find, for the sitemap

    top = top_stories(newest)
    # the latest stories, less the top ones page 1 shows above them: no story twice on a page
    on_top = {view.id for view in top}
    for path, pager in paginate([v for v in newest if v.id not in on_top], config.stories_per_page, ""):
        lead = top if pager.number == 1 else []
        sections = _home_sections(newest, on_top | {v.id for v in pager.items}) if pager.number == 1 else []
        listed.append(served_at(path))
        yield Page(path, "index.html", HomeContext(pager, pager.items, lead, sections))

    # as `story_links` makes them, from the views' parts (kept from the last build)
    links = {v.id: StoryLink(v.id, v.url, v.title, v.first_published, v.sources, v.lang) for v in newest}
    for story in stories:
        listed.append(story.url)
        articles = archive.story_articles(story)
        if f"{story.url}index.html" not in skip:
            yield story_page(story, articles, slugs, links)
        for page in report_pages(story, articles, slugs):
            listed.append(served_at(page.path))
            yield page

    yield from _source_pages(archive, config, slugs, views, listed)
    yield from _tag_pages(newest, config, listed)
    yield from _archive_pages(newest, config, listed)

    for old, new in sorted(archive.redirects.items()):
        yield Page(f"stories/{old}/index.html", "redirect.html", RedirectContext(f"stories/{new}/"))

    yield Page("search/index.html", "search.html", PlainContext())
    yield Page("404.html", "404.html", PlainContext())
    yield Page("feed.xml", "feed.xml", _feed_context(config.title, "", newest[:FEED_ENTRIES]))
    yield Page("sitemap.xml", "sitemap.xml", SitemapContext(listed))
    yield Page("robots.txt", "robots.txt", PlainContext())


def _source_pages(
    archive: Archive, config: SiteConfig, slugs: dict[str, str], views: dict[str, StoryView], listed: list[str]
) -> Iterator[Page]:
    """A paginated page and a feed per source, and the sources index."""
    by_source: dict[str, list[Article]] = defaultdict(list)
    for article in archive.articles.values():
        by_source[article.source].append(article)
    # where each report of a big story is shown whole (the others are on their story's page)
    placed = {
        article_id: variant_page(story.url, n)
        for story in archive.stories.values()
        if len(story.article_ids) > PAGE_VARIANTS
        for n, article_id in enumerate(story.article_ids)
    }
    entries = []
    for name in sorted(by_source, key=str.casefold):
        source_articles = sorted(by_source[name], key=lambda a: _newest_first(archive.article_date(a.id), a.id))
        rows = []
        for a in source_articles:
            view = views[archive.story_of[a.id]]
            page = placed.get(a.id, view.url)
            rows.append(SourceRow(a, archive.article_date(a.id), a.date is None, view, article_anchor(a), page))
        first = f"sources/{slugs[name]}/"
        entries.append(IndexEntry(name, first, len(source_articles)))
        # the source's feed: the stories it covered, by its newest report in each
        covered: dict[str, StoryView] = {}
        for a in source_articles:
            covered.setdefault(archive.story_of[a.id], views[archive.story_of[a.id]])
        latest = list(covered.values())[:FEED_ENTRIES]
        yield Page(f"{first}feed.xml", "feed.xml", _feed_context(f"{name} · {config.title}", first, latest))
        for path, pager in paginate(rows, config.stories_per_page, first):
            listed.append(served_at(path))
            yield Page(path, "source.html", SourceContext(name, f"{first}feed.xml", pager, pager.items))
    listed.append("sources/")
    yield Page("sources/index.html", "sources.html", SourcesContext(entries))


def _tagged(newest: list[StoryView]) -> tuple[list[IndexEntry], dict[str, list[StoryView]]]:
    """Every tag (by name) and its stories, newest first, by the tag's page. A tag is named as
    most of its stories spell it (ties to the first in sort order)."""
    tagged: dict[str, list[StoryView]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for view in newest:
        for tag in view.tags:
            tagged[tag.url].append(view)
            spellings[tag.url][tag.name] += 1
    entries = []
    for first in tagged:
        name = min(spellings[first].items(), key=lambda item: (-item[1], item[0]))[0]
        entries.append(IndexEntry(name, first, len(tagged[first])))
    entries.sort(key=lambda e: (e.name.casefold(), e.url))
    return entries, tagged


HOME_SECTIONS = 4  # tags with a section on the home page
SECTION_STORIES = 3  # stories in each


def _home_sections(newest: list[StoryView], shown: set[str]) -> list[TagSection]:
    """The tags with the most stories (two at least), each with its newest stories the home
    page does not list already; a tag with none left gets no section."""
    entries, tagged = _tagged(newest)
    sections: list[TagSection] = []
    for entry in sorted(entries, key=lambda e: (-e.count, e.name.casefold(), e.url)):
        if entry.count < 2 or len(sections) == HOME_SECTIONS:
            break
        rest = [v for v in tagged[entry.url] if v.id not in shown][:SECTION_STORIES]
        if rest:
            sections.append(TagSection(entry.name, entry.url, entry.count, rest))
    return sections


def _tag_pages(newest: list[StoryView], config: SiteConfig, listed: list[str]) -> Iterator[Page]:
    """A paginated page and a feed per tag, and the tags index."""
    entries, tagged = _tagged(newest)
    for entry in entries:
        first, items = entry.url, tagged[entry.url]
        feed = f"{first}feed.xml"
        yield Page(feed, "feed.xml", _feed_context(f"{entry.name} · {config.title}", first, items[:FEED_ENTRIES]))
        for path, pager in paginate(items, config.stories_per_page, first):
            listed.append(served_at(path))
            yield Page(path, "tag.html", TagContext(entry.name, feed, pager, pager.items))
    if entries:
        listed.append("tags/")
    yield Page("tags/index.html", "tags.html", TagsContext(entries))


def _archive_pages(newest: list[StoryView], config: SiteConfig, listed: list[str]) -> Iterator[Page]:
    """The stories by the date they were first reported: a list per year, month and day (each
    linking to the periods within it), the undated stories, and the archive's index."""
    days: dict[tuple[int, int, int], list[StoryView]] = defaultdict(list)
    undated: list[StoryView] = []
    for view in newest:
        when = view.first_published
        if when is None:
            undated.append(view)
        else:
            days[(when.year, when.month, when.day)].append(view)
    months: dict[tuple[int, int], list[StoryView]] = defaultdict(list)
    month_days: dict[tuple[int, int], list[IndexEntry]] = defaultdict(list)
    for (year, month, day), items in sorted(days.items(), reverse=True):
        months[(year, month)].extend(items)
        date = datetime(year, month, day)
        first = archive_path(date, "day")
        month_days[(year, month)].append(IndexEntry(_day_label(date), first, len(items)))
        yield from _archive_list(items, format_date(date), first, archive_trail(date, "month"), config, listed)
    years: dict[int, YearEntry] = {}
    by_year: dict[int, list[StoryView]] = defaultdict(list)
    for (year, month), items in months.items():  # newest first, as `days` was walked
        date = datetime(year, month, 1)
        first = archive_path(date, "month")
        entry = years.setdefault(year, YearEntry(year, archive_path(date, "year"), 0, []))
        entry.months.append(IndexEntry(f"{date:%B %Y}", first, len(items)))
        entry.count += len(items)
        by_year[year].extend(items)
        trail = archive_trail(date, "year")
        yield from _archive_list(items, f"{date:%B %Y}", first, trail, config, listed, month_days[(year, month)])
    for year, items in by_year.items():
        date = datetime(year, 1, 1)
        trail = archive_trail(date, "archive")
        yield from _archive_list(items, f"{year:04d}", years[year].url, trail, config, listed, years[year].months)
    if undated:
        yield from _archive_list(undated, "Undated stories", "archive/undated/", [ARCHIVE_CRUMB], config, listed)
    listed.append("archive/")
    yield Page("archive/index.html", "archive.html", ArchiveContext(list(years.values()), len(undated)))


ARCHIVE_CRUMB = ("Archive", "archive/")


_PERIODS = ("archive", "year", "month", "day")


def archive_path(date: datetime, period: str) -> str:
    """The archive page of the year, month or day of `date`."""
    parts = (f"{date:%Y}", f"{date:%m}", f"{date:%d}")[: _PERIODS.index(period)]
    return "archive/" + "".join(f"{p}/" for p in parts)


def _day_label(date: datetime) -> str:
    """A day within its month's page or trail ("3 August"): the year is said above it."""
    return f"{date.day} {date:%B}"


def archive_trail(date: datetime | None, period: str = "day") -> list[Crumb]:
    """Breadcrumbs down the archive to `date`'s `period`: its year, month, then day. An undated
    story sits under the undated stories."""
    if date is None:
        return [ARCHIVE_CRUMB, ("Undated stories", "archive/undated/")]
    labels = (f"{date:%Y}", f"{date:%B}", _day_label(date))  # each after the one above it
    periods = _PERIODS[1 : _PERIODS.index(period) + 1]
    return [
        ARCHIVE_CRUMB,
        *((label, archive_path(date, p)) for label, p in zip(labels[: len(periods)], periods, strict=True)),
    ]


FEED_ENTRIES = 50


TOP_STORIES = 5


TOP_HALF_LIFE_DAYS = 2.0


def top_stories(views: Sequence[StoryView], count: int = TOP_STORIES) -> list[StoryView]:
    """The stories most worth a reader's attention now: the most sources, weighed down by age.

    A story's weight is its number of sources halved every TOP_HALF_LIFE_DAYS before the newest
    report in the archive (not before today: a build of the same archive must give the same home
    page). Only stories with more than one source qualify: one outlet's report is news, not yet
    a story the archive can compare. Ties go to the newer story, then to its id."""
    dated = [v.last_updated or v.first_published for v in views]
    newest = max((d for d in dated if d is not None), default=None)
    if newest is None:
        return []
    scored = []
    for view, when in zip(views, dated, strict=True):
        if when is None or len(view.sources) < 2:
            continue
        age = (newest - when).total_seconds() / 86400
        scored.append((-len(view.sources) * 0.5 ** (age / TOP_HALF_LIFE_DAYS), -when.timestamp(), view.id, view))
    return [item[-1] for item in sorted(scored, key=lambda item: item[:3])[:count]]


def _feed_context(title: str, home: str, stories: list[StoryView]) -> FeedContext:
    """An Atom feed's context: `home` is the page it stands for (the feed is `feed.xml` in that
    folder); it was updated when its newest story was."""
    updated = max((s.last_updated for s in stories if s.last_updated), default=None)
    return FeedContext(title, home, stories, updated)


def _archive_list(
    items: list[StoryView],
    heading: str,
    first: str,
    trail: list[Crumb],
    config: SiteConfig,
    listed: list[str],
    periods: list[IndexEntry] | None = None,
) -> Iterator[Page]:
    """The pages of one archive list (a year, a month, a day, the undated stories), each listed
    for the sitemap; `trail` is the breadcrumb above it, `periods` the months or days within it."""
    periods = periods or []
    for path, pager in paginate(items, config.stories_per_page, first):
        listed.append(served_at(path))
        yield Page(path, "archive_list.html", ArchiveListContext(heading, trail, pager, pager.items, periods))


def _newest_first(date: datetime | None, key: str) -> tuple[bool, float, str]:
    return (date is None, -date.timestamp() if date else 0.0, key)


def coverage_label(count: int, total: int) -> tuple[str, str]:
    """CSS class and the words shown with a sentence: who else reports it. 0 is a sentence close
    to another source's that was not decided the same fact: it gets no label, since either
    label could be false."""
    if count == 0:
        return "open", ""
    kind = "all" if count >= total else "only" if count == 1 else "some"
    return kind, COVERAGE_LABELS[kind].format(n=count, total=total)


def marked_paragraphs(article: Article, counts: Sequence[int], total: int) -> list[list[MarkedSentence]]:
    """The article's sentences in their paragraphs, each with its coverage class and label."""
    sizes = article.paragraphs if sum(article.paragraphs) == len(article.sentences) else (len(article.sentences),)
    result: list[list[MarkedSentence]] = []
    start = 0
    for size in sizes:
        paragraph = []
        for i in range(start, start + size):
            carried = counts[i] if i < len(counts) else 1
            kind, label = coverage_label(carried, total)
            paragraph.append(MarkedSentence(article.sentences[i], kind, label, carried, total))
        result.append(paragraph)
        start += size
    return result


def delay(first: datetime | None, then: datetime | None) -> str:
    """How long after the first report an article came out ("+3 h", "+2 d"); "" for the first."""
    if first is None or then is None or then <= first:
        return ""
    return f"+{_span(then - first)}"


def story_page(story: Story, articles: Sequence[Article], slugs: dict[str, str], links: dict[str, StoryLink]) -> Page:
    """A story's page from the story, its articles (oldest first) and the links to the others:
    nothing else of the archive, so a worker that has just summarized it can render it."""
    path = f"{story.url}index.html"
    return Page(
        path,
        "story.html",
        make=lambda: story_context(story, articles, slugs, links),
        # all `story_context` reads: the story and its articles stand in by their digests
        inputs=(
            story,
            # a story's digest covers its articles; a list here, a tuple in the workers
            () if story.digest else tuple(articles),
            [slugs[name] for name in story.sources],
            [links[r] for r in story.related if r in links],
        ),
    )


def story_context(
    story: Story, articles: Sequence[Article], slugs: dict[str, str], links: dict[str, StoryLink]
) -> StoryContext:
    dated = [a.date for a in articles if a.date]
    shown = articles[:PAGE_VARIANTS]
    return StoryContext(
        story=story,
        trail=archive_trail(story.first_published),
        sources=source_links(story.sources, slugs),
        tags=story_tags(articles),
        summary=[_summary_line(s, story, slugs) for s in story.summary.sentences],
        variants=_variants(story, articles, slugs, range(len(shown))),
        first_source=articles[0].source if dated else None,
        related=[links[r] for r in story.related if r in links],
        filter_months=sorted({f"{d:%Y-%m}" for d in dated}),
        filter_years=sorted({f"{d:%Y}" for d in dated}),
        timeline=[
            TimelineRow(
                source=SourceLink(a.source, f"sources/{slugs[a.source]}/"),
                title=a.title,
                date=a.date or story.first_published,
                undated=a.date is None,
                first=bool(dated) and a.date == dated[0] and n == 0,
                delay=delay(dated[0] if dated else None, a.date),
                page=variant_page(story.url, n),
                anchor=article_anchor(a),
            )
            for n, a in enumerate(articles)
        ],
        report_pages=_report_index(story, len(articles)),
        lang=story_lang(story, articles),
        coverage=coverage_chart([a.date for a in articles]),
        outlets=outlet_shares([a.source for a in articles], articles[0].source if dated else None),
        changes=[_change(r, slugs) for r in story.summary.revisions if r.line is None][:MAX_CHANGES],
    )


def story_lang(story: Story | Draft, articles: Sequence[Article]) -> str:
    """The language of the article the story's headline comes from (the first's when none)."""
    return next((a.lang for a in articles if a.title == story.title), articles[0].lang)


def _summary_line(line: SummarySentence, story: Story, slugs: dict[str, str]) -> SummaryLine:
    carried = set(line.sources)
    missing = [name for name in story.sources if name not in carried]
    shown = missing if len(missing) < len(line.sources) else None
    first = None  # a line one outlet carries needs no note: its chip says who
    if line.first_sources and line.first_published is not None and len(carried) > 1:
        span = (line.last_published or line.first_published) - line.first_published
        first = FirstNote(
            source_links(line.first_sources, slugs),
            line.first_published,
            line.later_outlets,
            _span(span) if line.later_outlets else "",
        )
    revision = story.summary.revisions[line.revision] if line.revision is not None else None
    return SummaryLine(
        line.text,
        source_links(line.sources, slugs),
        None if shown is None else source_links(shown, slugs),
        first,
        _change(revision, slugs, line.text) if revision is not None else None,
    )


MAX_CHANGES = 5  # updates and disagreements listed apart from the summary's lines


def _change(revision: Revision, slugs: dict[str, str], text: str | None = None) -> ChangeNote:
    """An update (the latest figure current, the rest earlier) or a disagreement (the line's
    figure current, or the first one's when on no line)."""
    views = [FigureView(v.figure, v.text, source_links(v.sources, slugs), v.first_published) for v in revision.versions]
    if revision.kind == "update":
        current = len(views) - 1
    else:
        current = next((n for n, v in enumerate(revision.versions) if v.text == text), 0)
    return ChangeNote(revision.kind, views[:current] + views[current + 1 :], views[current])


def _span(span: timedelta) -> str:
    """A time span as a reader takes it in: "40 min", "26 h", "3 d"."""
    hours = span.total_seconds() / 3600
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    return f"{round(hours)} h" if hours < 48 else f"{round(hours / 24)} d"


# A big story's page shows its first reports and lists every report in its timeline; the texts
# of the rest are on report pages, so a story of hundreds of reports stays a page a phone can
# load (bench: a 500-report story's page, tests/test_pages.py).
OPEN_VARIANTS = 5  # reports shown open on a story's page; the next ones are folded
PAGE_VARIANTS = 20  # reports on a story's page in all
REPORTS_PER_PAGE = 50  # reports on each report page after those


def variant_page(story_url: str, index: int) -> str:
    """The page that shows a story's `index`-th report (oldest first) whole, a site path."""
    if index < PAGE_VARIANTS:
        return story_url
    return f"{story_url}reports/{(index - PAGE_VARIANTS) // REPORTS_PER_PAGE + 1}/"


def _report_index(story: Story, count: int) -> list[IndexEntry]:
    """The story's report pages, each named by the reports it holds ("21–70")."""
    entries = []
    for start in range(PAGE_VARIANTS, count, REPORTS_PER_PAGE):
        end = min(start + REPORTS_PER_PAGE, count)
        entries.append(IndexEntry(f"{start + 1}–{end}", variant_page(story.url, start), end - start))
    return entries


def _variants(story: Story, articles: Sequence[Article], slugs: dict[str, str], indexes: range) -> list[VariantView]:
    dated = [a.date for a in articles if a.date]
    total = len(story.sources)
    return [
        VariantView(
            article=a,
            anchor=article_anchor(a),
            date=a.date or story.first_published,  # as Archive.article_date
            undated=a.date is None,
            source_url=f"sources/{slugs[a.source]}/",
            original_url=safe_url(a.url),
            unique_sentences=story.summary.unique_sentences.get(a.id, ()),
            marked=marked_paragraphs(a, story.summary.coverage.get(a.id, ()), total) if total > 1 else None,
            first=bool(dated) and a.date == dated[0] and n == 0,
            delay=delay(dated[0] if dated else None, a.date),
            echoes=n > 0,
            folded=OPEN_VARIANTS <= n < PAGE_VARIANTS,
            page=variant_page(story.url, n),
        )
        for n in indexes
        for a in (articles[n],)
    ]


def _reports_context(
    story: Story, articles: Sequence[Article], slugs: dict[str, str], index: list[IndexEntry], number: int
) -> ReportsContext:
    start = PAGE_VARIANTS + (number - 1) * REPORTS_PER_PAGE
    return ReportsContext(
        story=story,
        trail=[*archive_trail(story.first_published), (story.title, story.url)],
        variants=_variants(story, articles, slugs, range(start, start + index[number - 1].count)),
        pages=index,
        number=number,
        sources=source_links(story.sources, slugs),
        lang=story_lang(story, articles),
    )


def report_pages(story: Story, articles: Sequence[Article], slugs: dict[str, str]) -> Iterator[Page]:
    """The report pages of a story with more reports than its page holds (none for most)."""
    index = _report_index(story, len(articles))
    for number, entry in enumerate(index, start=1):
        yield Page(
            f"{entry.url}index.html",
            "reports.html",
            make=partial(_reports_context, story, articles, slugs, index, number),
            inputs=(
                "reports",
                number,
                story,
                () if story.digest else tuple(articles),
                [slugs[name] for name in story.sources],
            ),
        )
