"""What a template sees: one dataclass per page type, and the views they hold.

This module is the contract between sitegen and themes. A template gets its page's context
fields as top-level variables (`story`, `pager`, ...), plus globals every page has: `site` (the
settings), `page_url` (the page's own path under the site), and the functions `url(path)` and
`abs_url(path)`. `tests/test_context.py` pins every field and its type, and the README lists
them: change a field here and both must change with it, so a theme author hears of it.

Views are attributes, not dict keys: Jinja2 tries an attribute first, and a story page reads
hundreds of them. Named tuples where there are many (cheapest to make). Site paths (`url`
fields) are relative to the site root, without a leading slash: pass them through `url()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from sitegen.coverage import CoverageChart, OutletShare
from sitegen.i18n import current
from sitegen.model import Article, Story

Crumb = tuple[str, str]  # (label, site path) of a page above this one, for breadcrumbs


# the words shown with a sentence, by its kind (`open` has none): English, and the catalogues' keys
COVERAGE_LABELS = {"all": "all sources", "some": "{n} of {total} sources", "only": "only here"}


class MarkedSentence(NamedTuple):
    """One sentence of a variant with who else reports it: `kind` is all / some / only, or open
    when that is not known with confidence (a CSS class); `label` the words shown with it ("" for
    open)."""

    text: str
    kind: str
    label: str
    carried: int = 0  # the sources that carry it (for a "some" label in another language)
    total: int = 0  # the story's sources


class SourceLink(NamedTuple):
    """A source, linking to its page."""

    name: str
    url: str


class TagLink(NamedTuple):
    """A tag, as the story's first article carrying it spells it, linking to the tag's page."""

    name: str
    url: str
    key: str  # the tag folded (case, spaces and hyphens ignored): the same for every spelling of it


@dataclass(slots=True)
class IndexEntry:
    """A row of an index page: a source, a tag, a month or a day, with how many items it has."""

    name: str
    url: str
    count: int


@dataclass(slots=True)
class YearEntry:
    """A year on the archive index, with its months (newest first)."""

    year: int
    url: str
    count: int
    months: list[IndexEntry]


@dataclass(slots=True)
class StoryView:
    """What lists, feeds and related links show of a story."""

    id: str
    url: str  # its page, a site path
    title: str
    lang: str  # the language of the article its title comes from
    first_published: datetime | None
    last_updated: datetime | None
    sources: list[SourceLink]
    tags: list[TagLink]
    first_source: str  # who reported it first
    lead: str  # the summary's first sentence, "" when the headline says the same
    article_count: int
    story: Story  # the story itself: its summary, its article ids


class StoryLink(NamedTuple):
    """A story as a link from another story's page: nothing that depends on its summary, so a
    page can be rendered as soon as its own story is summarized."""

    id: str
    url: str
    title: str
    first_published: datetime | None
    sources: list[SourceLink]
    lang: str = ""  # the language of its headline: marked when it is not the page's


class FirstNote(NamedTuple):
    """Who reported a summary line first, and how far it spread (`sitegen.provenance`)."""

    sources: list[SourceLink]  # several when their reports' times tie (dated by day alone)
    published: datetime
    later: int  # outlets with a dated report after those
    within: str  # from the first dated report to the last: "26 h", "3 d"; "" when none later


class FigureView(NamedTuple):
    """One figure of a fact, as some reports give it."""

    figure: str
    text: str  # a sentence that gives it
    sources: list[SourceLink]
    published: datetime | None  # its first dated report


class ChangeNote(NamedTuple):
    """A fact whose figure changed ("update") or differs between outlets ("disagreement")."""

    kind: str
    others: list[FigureView]  # an update's earlier figures, oldest first; a disagreement's other figures
    current: FigureView  # the figure the line gives (an update's latest)


class SummaryLine(NamedTuple):
    """A sentence of the merged summary with the sources that carry it."""

    text: str
    sources: list[SourceLink]
    # the story's sources that do not carry it, when they are fewer than those that do: a line
    # 195 of 200 outlets carry is shown as "every source but these 5", not as 195 names
    missing: list[SourceLink] | None = None
    first: FirstNote | None = None  # None when no first report is sure
    change: ChangeNote | None = None


@dataclass(slots=True)
class VariantView:
    """One article on its story's page."""

    article: Article
    anchor: str  # its element id on the page
    date: datetime | None  # its own date, else the story's
    undated: bool
    source_url: str  # the source's page, a site path
    original_url: str  # the article's own URL if http(s), else ""
    unique_sentences: tuple[str, ...]  # what no other source in the story reports
    marked: list[list[MarkedSentence]] | None  # paragraphs of sentences; None with a single source
    first: bool  # the first report
    delay: str  # how long after the first report, as "+3 h"; "" for the first
    # a variant before it on the page carries every sentence marked "all": search indexes those
    # there only (each copy would add to Pagefind's index, and to its memory, for no new match)
    echoes: bool = False
    folded: bool = False  # shown folded (a `<details>`): past the first few on a big story's page
    page: str = ""  # the page it is on, a site path: its story's, or one of the story's report pages

    @property
    def marked_html(self) -> Markup:
        """`marked` as the default theme shows it, one `<p>` per paragraph and a `<span>` per
        sentence, labels in the page's language. Built here rather than looped over in the
        template: a story page has hundreds of sentences, and the Jinja2 loop cost ten times
        more. Themes may loop over `marked`. The coverage labels are left out of the search
        index, as are sentences `echoes` says an earlier variant carries."""
        repeat = ' data-pagefind-ignore="all"' if self.echoes else ""
        words = current()

        def label(s: MarkedSentence) -> str:
            return escape(words(COVERAGE_LABELS[s.kind], n=s.carried, total=s.total))

        paragraphs = (
            "<p>"
            + "".join(
                f'<span class="s s-{s.kind}"{repeat if s.kind == "all" else ""}>{escape(s.text)}'
                + (f' <small class="cov" data-pagefind-ignore>{label(s)}</small>' if s.label else "")
                + "</span> "
                for s in p
            )
            + "</p>"
            for p in self.marked or ()
        )
        return Markup("\n".join(paragraphs))


@dataclass(slots=True)
class SourceRow:
    """An article on its source's page, with the story it belongs to."""

    article: Article
    date: datetime | None  # its own date, else its story's
    undated: bool
    story: StoryView
    anchor: str  # its element id on `page`
    page: str = ""  # the page that shows it whole, a site path: its story's, or a report page of a big story


class TimelineRow(NamedTuple):
    """One report in a story's timeline: a line each, however many reports the story has."""

    source: SourceLink
    title: str
    date: datetime | None  # its own date, else the story's
    undated: bool
    first: bool  # the first report
    delay: str  # how long after the first report ("+3 h"); "" for the first
    page: str  # the page that shows it whole, a site path
    anchor: str  # its element id there


@dataclass(slots=True)
class Pager:
    """One page of a paginated list. `prev` and `next` are site paths, None at either end
    (page 1's path may be "", the home: test `is not none`)."""

    items: list[Any]  # this page's items
    number: int  # from 1
    count: int  # pages in all
    prev: str | None
    next: str | None


# One context per page type. Their fields are a template's variables.


@dataclass(slots=True)
class TagSection:
    """A tag on the home page, with its newest stories that page does not show already."""

    name: str  # as most of its stories spell it
    url: str  # the tag's page, a site path
    count: int  # its stories in all
    stories: list[StoryView]  # newest first, at most a few


@dataclass(slots=True)
class HomeContext:
    """The home page and its later pages (`page/N/`)."""

    pager: Pager  # every story but the top ones, newest first, a page of them at a time
    stories: list[StoryView]  # this page's stories, newest first
    top: list[StoryView]  # the most covered recent stories, on page 1 only
    sections: list[TagSection] = field(default_factory=list)  # the biggest tags, on page 1 only


@dataclass(slots=True)
class StoryContext:
    """A story with its merged summary and every source's report."""

    story: Story
    trail: list[Crumb]  # the archive, then its year, month and day (or the undated stories)
    sources: list[SourceLink]  # every source in the story, by its first report
    tags: list[TagLink]  # its articles' tags
    summary: list[SummaryLine]  # the merged summary, in reading order
    variants: list[VariantView]  # the reports on this page, oldest first (a big story's first few)
    first_source: str | None  # who reported it first; None when no article is dated
    related: list[StoryLink]  # separate stories about related events
    filter_months: list[str]  # YYYY-MM of its articles, for the search filters
    filter_years: list[str]  # YYYY of its articles
    timeline: list[TimelineRow] = field(default_factory=list)  # every report, oldest first
    lang: str = ""  # the story's language (its headline's article): the page's words follow it
    coverage: CoverageChart | None = None  # reports over time; None under three dated ones
    outlets: tuple[OutletShare, ...] = ()  # reports by outlet, most first; none with one outlet
    report_pages: list[IndexEntry] = field(default_factory=list)  # where the reports not on this page are
    changes: list[ChangeNote] = field(default_factory=list)  # updates and disagreements on no summary line


@dataclass(slots=True)
class ReportsContext:
    """A page of a big story's reports: those its own page has no room for."""

    story: Story
    trail: list[Crumb]  # the archive, then the story
    variants: list[VariantView]  # this page's reports, oldest first
    pages: list[IndexEntry]  # every report page of the story (this one included)
    number: int  # this page's, from 1
    sources: list[SourceLink]  # every source in the story
    lang: str = ""  # the story's language (its headline's article): the page's words follow it


@dataclass(slots=True)
class SourceContext:
    """One outlet's articles, newest first."""

    source: str  # its name
    feed: str  # the source's Atom feed, a site path
    pager: Pager
    rows: list[SourceRow]  # this page's articles


@dataclass(slots=True)
class SourcesContext:
    """Every source, by name."""

    sources: list[IndexEntry]  # count: articles


@dataclass(slots=True)
class TagContext:
    """The stories whose articles carry a tag, newest first."""

    tag: str  # as most of its stories spell it
    feed: str  # the tag's Atom feed, a site path
    pager: Pager
    stories: list[StoryView]  # this page's stories


@dataclass(slots=True)
class TagsContext:
    """Every tag, by name."""

    tags: list[IndexEntry]  # count: stories


@dataclass(slots=True)
class ArchiveContext:
    """The archive's index, by year and month."""

    years: list[YearEntry]  # newest first
    undated: int  # stories with no date, listed at archive/undated/


@dataclass(slots=True)
class ArchiveListContext:
    """The stories first reported in a year, a month or on a day, or the
    undated ones."""

    heading: str  # "2024", "May 2024", "3 May 2024" or "Undated stories"
    trail: list[Crumb]  # archive pages above it
    pager: Pager
    stories: list[StoryView]  # this page's stories, newest first
    periods: list[IndexEntry] = field(default_factory=list)  # a year's months, a month's days


@dataclass(slots=True)
class FeedContext:
    """An Atom feed of the whole site, a source or a tag."""

    feed_title: str  # the site's title, after the source's or tag's name
    home: str  # the page it stands for; the feed is `feed.xml` in that folder
    stories: list[StoryView]  # the latest 50 (a source's: by its latest report in each)
    updated: datetime | None  # its newest story's last update


@dataclass(slots=True)
class SitemapContext:
    """The sitemap."""

    paths: list[str]  # every page a reader can browse to


@dataclass(slots=True)
class RedirectContext:
    """A retired story URL."""

    target: str  # the story that took its articles, a site path


@dataclass(slots=True)
class PlainContext:
    """No variables of its own: the globals only."""


PageContext = (
    HomeContext
    | StoryContext
    | ReportsContext
    | SourceContext
    | SourcesContext
    | TagContext
    | TagsContext
    | ArchiveContext
    | ArchiveListContext
    | FeedContext
    | SitemapContext
    | RedirectContext
    | PlainContext
)

# the context each template of the default theme is rendered with
TEMPLATES: dict[str, type[PageContext]] = {
    "index.html": HomeContext,
    "story.html": StoryContext,
    "reports.html": ReportsContext,
    "source.html": SourceContext,
    "sources.html": SourcesContext,
    "tag.html": TagContext,
    "tags.html": TagsContext,
    "archive.html": ArchiveContext,
    "archive_list.html": ArchiveListContext,
    "feed.xml": FeedContext,
    "sitemap.xml": SitemapContext,
    "redirect.html": RedirectContext,
    "search.html": PlainContext,
    "404.html": PlainContext,
    "robots.txt": PlainContext,
}


def variables(context: PageContext) -> dict[str, Any]:
    """The context's fields as a template's variables (shallow: the views stay objects)."""
    return {f.name: getattr(context, f.name) for f in fields(context)}
