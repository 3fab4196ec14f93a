"""Jinja2 rendering: the site's `templates/` first, then the theme's; one function per page type.

Every page is described by a `Page` (output path, template, context) before anything is
rendered, so the writer can stream pages one at a time.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import pickle
import re
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup
from slugify import slugify

from sitegen.cache import CACHE_DIR, Store, code_fingerprint
from sitegen.config import ConfigError, SiteConfig
from sitegen.context import (
    ArchiveContext,
    ArchiveListContext,
    Crumb,
    FeedContext,
    HomeContext,
    IndexEntry,
    MarkedSentence,
    PageContext,
    Pager,
    PlainContext,
    RedirectContext,
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
    VariantView,
    YearEntry,
    variables,
)
from sitegen.diagnostics import Report
from sitegen.model import Archive, Article, Story
from sitegen.slugs import slug, tag_key, tag_slug


def _bundled_themes() -> Path:
    """An installed wheel carries the themes inside the package (`sitegen/themes/`); a checkout
    or an editable install reads the repository's top-level `themes/`."""
    package = Path(__file__).resolve().parent
    inside = package / "themes"
    return inside if inside.is_dir() else package.parent / "themes"


BUNDLED_THEMES = _bundled_themes()
_SAFE_SCHEMES = {"http", "https"}


def story_link(story: Story, slugs: dict[str, str]) -> StoryLink:
    sources = source_links(story.sources, slugs)
    fields = (story.id, story.url, story.title, str(story.first_published), *(f for s in sources for f in s))
    return StoryLink(story.id, story.url, story.title, story.first_published, sources, repr(fields))


class Page:
    """One output file: its path under the output folder (e.g. "stories/x/index.html"), its
    template and the template's context.

    A story page's context is built on first use, and the page carries a `key` hashed from what
    the context is made of (without building it): a warm build asks only that of the pages it
    carries over. Other pages are fingerprinted from their context."""

    __slots__ = ("path", "template", "key", "_context", "_make")

    def __init__(
        self,
        path: str,
        template: str,
        context: PageContext | None = None,
        *,
        make: Callable[[], PageContext] | None = None,
        key: str = "",
    ) -> None:
        self.path = path
        self.template = template
        self.key = key
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
        return self.key or page_fingerprint(self)


def theme_dir(site_dir: Path, config: SiteConfig) -> Path:
    """The site's own `themes/<name>` wins over the theme bundled with sitegen."""
    for root in (site_dir / "themes", BUNDLED_THEMES):
        candidate = root / config.theme
        if (candidate / "templates").is_dir():
            return candidate
    raise ConfigError(f"sitegen.toml: theme {config.theme!r} not found in themes/ or among bundled themes")


def make_environment(site_dir: Path, config: SiteConfig, cached: bool = False) -> jinja2.Environment:
    """The theme's templates under the site's own; `cached` keeps compiled templates in the build
    cache (Jinja2 checks each against its source), which spares a warm build compiling them."""
    loaders = [
        jinja2.FileSystemLoader(site_dir / "templates"),
        jinja2.FileSystemLoader(theme_dir(site_dir, config) / "templates"),
    ]
    bytecode = None
    if cached:
        folder = site_dir / CACHE_DIR / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        # named by sitegen's code: the options below shape the compiled code, and Jinja2's key is
        # only the template's name and source
        bytecode = jinja2.FileSystemBytecodeCache(str(folder), f"{code_fingerprint()}-%s.cache")
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=bytecode,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    base_path = urlsplit(config.site_url).path or "/"
    env.globals.update(
        site=config,
        url=lambda path="": base_path + path.lstrip("/"),
        abs_url=lambda path="": config.site_url + path.lstrip("/"),
    )
    env.filters.update(date=format_date, isodate=iso_date, safe_url=safe_url, pagefind=pagefind_value, json_ld=json_ld)
    return env


def format_date(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return "undated"
    text = f"{value.day} {value:%B %Y}"
    if with_time and (value.hour or value.minute):
        text += f", {value:%H:%M} UTC"
    return text


def iso_date(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def safe_url(value: str | None) -> str:
    """Only http(s) links from article metadata reach a page; anything else is dropped."""
    if not value:
        return ""
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return ""
    return value.strip() if scheme in _SAFE_SCHEMES else ""


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
        lang=next((a.lang for a in articles if a.title == story.title), articles[0].lang),
        first_published=story.first_published,
        last_updated=story.last_updated,
        sources=source_links(story.sources, slugs),
        tags=story_tags(articles),
        first_source=articles[0].source,
        lead=_lead(story),
        article_count=len(articles),
        key=_view_key(story, articles, slugs),
    )


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


def story_links(stories: Iterable[Story], slugs: dict[str, str]) -> dict[str, StoryLink]:
    return {s.id: story_link(s, slugs) for s in stories}


def story_views(archive: Archive) -> dict[str, StoryView]:
    """Every story as list pages, feeds and stories.json show it, by story id."""
    slugs = source_slugs(archive.articles.values())
    return {s.id: story_view(archive, s, slugs) for s in archive.stories.values()}


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
    for path, pager in paginate(newest, config.stories_per_page, ""):
        lead = top if pager.number == 1 else []
        key = _list_key("index.html", pager, [v.key for v in pager.items] + ["top", *(v.key for v in lead)])
        listed.append(served_at(path))
        yield Page(path, "index.html", HomeContext(pager, pager.items, lead), key=key)

    links = story_links(stories, slugs)
    for story in stories:
        listed.append(story.url)
        if f"{story.url}index.html" not in skip:
            yield story_page(story, archive.story_articles(story), slugs, links, views[story.id].key)

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
    entries = []
    for name in sorted(by_source, key=str.casefold):
        source_articles = sorted(by_source[name], key=lambda a: _newest_first(archive.article_date(a.id), a.id))
        rows = [
            SourceRow(a, archive.article_date(a.id), a.date is None, views[archive.story_of[a.id]], article_anchor(a))
            for a in source_articles
        ]
        first = f"sources/{slugs[name]}/"
        entries.append(IndexEntry(name, first, len(source_articles)))
        # the source's feed: the stories it covered, by its newest report in each
        covered: dict[str, StoryView] = {}
        for a in source_articles:
            covered.setdefault(archive.story_of[a.id], views[archive.story_of[a.id]])
        latest = list(covered.values())[:FEED_ENTRIES]
        yield Page(f"{first}feed.xml", "feed.xml", _feed_context(f"{name} · {config.title}", first, latest))
        for path, pager in paginate(rows, config.stories_per_page, first):
            parts = [name]
            for row in pager.items:
                a = row.article
                parts += (a.id, a.path, a.digest, str(row.date), str(row.undated), row.story.key, row.anchor)
            key = _list_key("source.html", pager, [*parts, first])
            listed.append(served_at(path))
            yield Page(path, "source.html", SourceContext(name, f"{first}feed.xml", pager, pager.items), key=key)
    listed.append("sources/")
    yield Page("sources/index.html", "sources.html", SourcesContext(entries))


def _tag_pages(newest: list[StoryView], config: SiteConfig, listed: list[str]) -> Iterator[Page]:
    """A paginated page and a feed per tag, and the tags index. A tag is named as most of its
    stories spell it (ties to the first in sort order)."""
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
    for entry in entries:
        first, items = entry.url, tagged[entry.url]
        feed = f"{first}feed.xml"
        yield Page(feed, "feed.xml", _feed_context(f"{entry.name} · {config.title}", first, items[:FEED_ENTRIES]))
        for path, pager in paginate(items, config.stories_per_page, first):
            key = _list_key("tag.html", pager, [entry.name, first, *(v.key for v in pager.items)])
            listed.append(served_at(path))
            yield Page(path, "tag.html", TagContext(entry.name, feed, pager, pager.items), key=key)
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


def _list_key(template: str, pager: Pager, parts: list[str]) -> str:
    """A list page's context hashed from its items' keys (stories by their view's key, articles by
    their file digest) without pickling it: a warm build asks this of some 800 pages at 10,000
    articles. "" when an item has no key (made in memory): the page is fingerprinted whole."""
    if not all(parts):
        return ""
    head = (template, str(pager.number), str(pager.count), str(pager.prev), str(pager.next))
    return "list:" + hashlib.blake2b(repr((*head, *parts)).encode(), digest_size=16).hexdigest()


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
        parts = [heading, *(f for crumb in trail for f in crumb), *(f"{p.name}|{p.url}|{p.count}" for p in periods)]
        parts += (v.key for v in pager.items)
        listed.append(served_at(path))
        context = ArchiveListContext(heading, trail, pager, pager.items, periods)
        yield Page(path, "archive_list.html", context, key=_list_key("archive_list.html", pager, parts))


def _newest_first(date: datetime | None, key: str) -> tuple[bool, float, str]:
    return (date is None, -date.timestamp() if date else 0.0, key)


def data_files(
    archive: Archive,
    config: SiteConfig,
    views: dict[str, StoryView] | None = None,
    store: Store | None = None,
) -> dict[str, Iterable[str]]:
    """The files that are not pages, as the pieces of their text: the archive as JSON, and
    Netlify's redirects when there are any. Pieces, so a large archive's JSON is written a story
    at a time instead of being held whole (at 100,000 articles it runs to hundreds of MB).
    With `views` and a `store`, each story's JSON is kept under its view's key and reused."""
    files: dict[str, Iterable[str]] = {"stories.json": stories_json(archive, config, views, store)}
    if archive.redirects:
        files["_redirects"] = [netlify_redirects(archive, config)]
    return files


def netlify_redirects(archive: Archive, config: SiteConfig) -> str:
    """`_redirects` lines so Netlify answers retired story URLs with a real 301."""
    base = urlsplit(config.site_url).path or "/"
    return "".join(f"{base}stories/{old}/ {base}stories/{new}/ 301\n" for old, new in sorted(archive.redirects.items()))


def coverage_label(count: int, total: int) -> tuple[str, str]:
    """CSS class and the words shown with a sentence: who else reports it. 0 is a sentence close
    to another source's that was not decided the same fact: it gets no label, since either
    label could be false."""
    if count == 0:
        return "open", ""
    if count >= total:
        return "all", "all sources"
    if count == 1:
        return "only", "only here"
    return "some", f"{count} of {total} sources"


def marked_paragraphs(article: Article, counts: Sequence[int], total: int) -> list[list[MarkedSentence]]:
    """The article's sentences in their paragraphs, each with its coverage class and label."""
    sizes = article.paragraphs if sum(article.paragraphs) == len(article.sentences) else (len(article.sentences),)
    result: list[list[MarkedSentence]] = []
    start = 0
    for size in sizes:
        paragraph = []
        for i in range(start, start + size):
            kind, label = coverage_label(counts[i] if i < len(counts) else 1, total)
            paragraph.append(MarkedSentence(article.sentences[i], kind, label))
        result.append(paragraph)
        start += size
    return result


def delay(first: datetime | None, then: datetime | None) -> str:
    """How long after the first report an article came out ("+3 h", "+2 d"); "" for the first."""
    if first is None or then is None or then <= first:
        return ""
    hours = (then - first).total_seconds() / 3600
    if hours < 1:
        return f"+{max(1, round(hours * 60))} min"
    return f"+{round(hours)} h" if hours < 48 else f"+{round(hours / 24)} d"


def story_page(
    story: Story, articles: Sequence[Article], slugs: dict[str, str], links: dict[str, StoryLink], view_key: str = ""
) -> Page:
    """A story's page from the story, its articles (oldest first) and the links to the others:
    nothing else of the archive, so a worker that has just summarized it can render it."""
    path = f"{story.url}index.html"
    return Page(
        path,
        "story.html",
        make=lambda: story_context(story, articles, slugs, links),
        key=_story_key(story, articles, slugs, links, view_key),
    )


def _story_key(
    story: Story, articles: Sequence[Article], slugs: dict[str, str], links: dict[str, StoryLink], base: str = ""
) -> str:
    """Everything `story_context` reads, hashed without building it: `base` (the story's view
    key, worked out here unless given) and the stories it links to. An article stands for all its
    fields by its digest; the summary is made from the articles alone. "" when an article has no
    digest (made in memory, not loaded from a file)."""
    base = base or _view_key(story, articles, slugs)
    linked = [links[r] for r in story.related if r in links]
    if not base or not linked:
        return base
    parts = (base, *(link.key for link in linked))
    return "story:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _view_key(story: Story, articles: Sequence[Article], slugs: dict[str, str]) -> str:
    """The story and its articles hashed: what its view, its page without links and its entry in
    stories.json are made of. A flat tuple of strings, whose repr is made in C (named tuples and
    datetimes repr in Python, which cost a warm build of 10,000 articles ~0.3 s)."""
    if not all(a.digest for a in articles):
        return ""
    parts: list[str] = [story.id, story.title, str(story.first_published), str(story.last_updated)]
    for group in (story.article_ids, story.sources, story.related, [slugs[s] for s in story.sources]):
        parts.append(str(len(group)))
        parts.extend(group)
    for a in articles:
        parts += (a.id, a.path, a.digest)
    return "story:" + hashlib.blake2b(repr(tuple(parts)).encode(), digest_size=16).hexdigest()


def story_context(
    story: Story, articles: Sequence[Article], slugs: dict[str, str], links: dict[str, StoryLink]
) -> StoryContext:
    dated = [a.date for a in articles if a.date]
    total = len(story.sources)
    return StoryContext(
        story=story,
        trail=archive_trail(story.first_published),
        sources=source_links(story.sources, slugs),
        tags=story_tags(articles),
        summary=[SummaryLine(s.text, source_links(s.sources, slugs)) for s in story.summary.sentences],
        variants=[
            VariantView(
                article=a,
                anchor=article_anchor(a),
                date=a.date or story.first_published,  # as Archive.article_date
                undated=a.date is None,
                source_url=f"sources/{slugs[a.source]}/",
                original_url=safe_url(a.url),
                unique_sentences=story.summary.unique_sentences.get(a.id, ()),
                marked=marked_paragraphs(a, story.summary.coverage.get(a.id, ()), total) if total > 1 else None,
                first=bool(dated) and a.date == dated[0] and a is articles[0],
                delay=delay(dated[0] if dated else None, a.date),
                echoes=n > 0,
            )
            for n, a in enumerate(articles)
        ],
        first_source=articles[0].source if dated else None,
        related=[links[r] for r in story.related if r in links],
        filter_months=sorted({f"{d:%Y-%m}" for d in dated}),
        filter_years=sorted({f"{d:%Y}" for d in dated}),
    )


def stories_json(
    archive: Archive,
    config: SiteConfig,
    views: dict[str, StoryView] | None = None,
    store: Store | None = None,
) -> Iterator[str]:
    """The machine-readable archive, a story at a time; its schema is documented in the README
    and kept stable. A story's entry is made from what its view's key hashes (and the settings),
    so with a `store` an unchanged story's entry is reused, not encoded again."""
    yield '{"stories":['
    for n, story in enumerate(archive.stories.values()):
        key = views[story.id].key if views is not None and store is not None else ""
        text = store.get(key) if key and store is not None else None
        if isinstance(text, str):
            yield ("," if n else "") + text
            continue
        articles = archive.story_articles(story)
        entry = {
            "id": story.id,
            "url": config.site_url + story.url,
            "path": story.url,
            "title": story.title,
            "first_published": iso_date(story.first_published) or None,
            "last_updated": iso_date(story.last_updated) or None,
            "sources": list(story.sources),
            "tags": [{"name": t.name, "path": t.url} for t in story_tags(articles)],
            "summary": [
                {"text": s.text, "sources": list(s.sources), "article_ids": list(s.article_ids)}
                for s in story.summary.sentences
            ],
            "related": list(story.related),
            "articles": [
                {
                    "id": a.id,
                    "title": a.title,
                    "source": a.source,
                    "date": iso_date(archive.article_date(a.id)) or None,
                    "undated": a.date is None,
                    "url": a.url,
                    "tags": list(a.tags),
                    "path": a.path,
                    "unique_sentences": list(story.summary.unique_sentences.get(a.id, ())),
                }
                for a in articles
            ],
        }
        # compact: with `indent` the json module falls back from its C encoder to Python (10x slower)
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        if key and store is not None:
            store.put(key, text)
        yield ("," if n else "") + text
    yield "]}"


class _Fingerprinter(pickle.Pickler):
    """Pickles an article loaded from a file as its id, path and digest, and a story's view as its
    key: they stand for the rest, and the rest is most of what a list page refers to."""

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is StoryView and obj.key:
            return obj.key
        if kind is Article and obj.digest:
            return (obj.id, obj.path, obj.digest)
        return None


def page_fingerprint(page: Page) -> str:
    """A hash of the page's template and context. "" for a context that cannot be pickled."""
    buffer = io.BytesIO()
    pickler = _Fingerprinter(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # no memo: the bytes then depend on the values only, not on which equal strings happen to be
    # one object (they are after a parse, not after loading the cache)
    pickler.fast = True
    try:
        pickler.dump((page.template, page.context))
    except Exception:  # noqa: BLE001 - rendering is always a correct fallback
        return ""
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()


def served_at(path: str) -> str:
    """The site path a file is served at: a folder's index page by its folder."""
    return path[: -len("index.html")] if path == "index.html" or path.endswith("/index.html") else path


def json_ld(value: object) -> Markup:
    """JSON for a `<script type="application/ld+json">` element. Article text goes into it, so
    `<`, `>` and `&` are written as JSON escapes: no `</script>` or `<!--` can end the element
    early, whatever a title or a source holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def pagefind_value(value: object) -> str:
    """A metadata or filter value for Pagefind, with no `<` or `>` left to make markup of.

    Pagefind keeps such a value as text, decoding HTML entities (more than once: an escaped
    value came back raw), and its search interface inserts filter names into the page as HTML:
    a source named `<img onerror=...>` ran as script on the search page. So the value is decoded
    until it no longer changes, and its angle brackets become the look-alike quotation marks
    ‹ and ›, which no decoding turns back."""
    text = str(value)
    while (decoded := html.unescape(text)) != text:
        text = decoded
    return text.replace("<", "\u2039").replace(">", "\u203a")


def render_page(env: jinja2.Environment, page: Page, site_dir: Path, report: Report) -> str | None:
    """Render one page; a template error becomes a diagnostic with the template's file and line."""
    try:
        # `page_url`: the page's own address under the site, for its canonical link and metadata
        return env.get_template(page.template).render(variables(page.context), page_url=served_at(page.path))
    except jinja2.TemplateSyntaxError as exc:
        report.error(template_path(exc.filename, site_dir), f"template error: {exc.message}", exc.lineno)
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))]
        where, line = (frames[-1].filename, frames[-1].lineno) if frames else (page.template, None)
        # no page in the message: a template that fails on every page is one problem, at its line
        report.error(template_path(where, site_dir), f"template error: {exc}", line)
    return None


def template_path(filename: str | None, site_dir: Path) -> str:
    if not filename:
        return "templates"
    path = Path(filename)
    try:
        return path.resolve().relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
