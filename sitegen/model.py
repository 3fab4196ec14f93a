"""The values that flow between build stages. No I/O here."""

from __future__ import annotations

import io
import pickle
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

PIN_NONE = "none"  # `story: none` in front matter: the article stays a story of its own


def dated_by_day(date: datetime) -> bool:
    """Whether a date carries no time of day: a date without one is read as midnight exactly."""
    return date.hour == date.minute == date.second == date.microsecond == 0


@dataclass(frozen=True)
class RawDocument:
    """A content file split into metadata and body, before any interpretation of the body.

    `body_line` is the 1-based line of the file where the body starts, so later stages can
    point diagnostics at the right place.
    """

    path: str
    meta: dict[str, object]
    body: str
    body_line: int
    fmt: str  # "markdown" or "text"
    meta_lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, init=False)
class Article:
    """One source's report, parsed and ready to cluster and render.

    Its text (HTML, sentences, paragraph sizes) is held zlib-packed: a build keeps every article
    from load to render, and packed they take a quarter of the room (about 3.5 KB rather than
    12 KB each; 100,000 articles fit in ~0.35 GB). Reading `body_html`, `sentences` or
    `paragraphs` unpacks, and the last few articles read are kept unpacked."""

    id: str
    path: str
    title: str
    source: str
    date: datetime | None
    lang: str
    title_derived: bool = False
    url: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    story: str | None = None  # editorial pin: a story slug, or "none" to keep the article alone
    # hash of the file's path and bytes and of the settings its parse reads (language, [sources]):
    # stands for every field above when a build asks whether a page made from the article
    # changed; "" for articles made in memory
    digest: str = ""
    packed: bytes = field(default=b"", repr=False)

    def __init__(
        self,
        id: str,
        path: str,
        title: str,
        source: str,
        date: datetime | None,
        lang: str,
        body_html: str = "",
        sentences: tuple[str, ...] = (),
        title_derived: bool = False,
        url: str | None = None,
        author: str | None = None,
        tags: tuple[str, ...] = (),
        story: str | None = None,
        paragraphs: tuple[int, ...] = (),  # sentences in each paragraph, in order: they sum to len(sentences)
        digest: str = "",
        packed: bytes | None = None,  # given by `dataclasses.replace`: the text, already packed
    ) -> None:
        values = dict(
            id=id, path=path, title=title, source=source, date=date, lang=lang, title_derived=title_derived,
            url=url, author=author, tags=tags, story=story, digest=digest,
            packed=packed if packed is not None else _pack(body_html, tuple(sentences), tuple(paragraphs)),
        )  # fmt: skip
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def body_html(self) -> str:
        return _unpack(self.packed)[0]

    @property
    def sentences(self) -> tuple[str, ...]:
        return _unpack(self.packed)[1]

    @property
    def paragraphs(self) -> tuple[int, ...]:
        return _unpack(self.packed)[2]


def _pack(body_html: str, sentences: tuple[str, ...], paragraphs: tuple[int, ...]) -> bytes:
    return zlib.compress(pickle.dumps((body_html, sentences, paragraphs), protocol=pickle.HIGHEST_PROTOCOL), 1)


@lru_cache(maxsize=64)  # a story's members are read together, several times
def _unpack(packed: bytes) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
    text: tuple[str, tuple[str, ...], tuple[int, ...]] = pickle.loads(zlib.decompress(packed))
    return text


@dataclass(frozen=True)
class SummarySentence:
    """One fact of the merged summary, worded as one of its carriers wrote it."""

    text: str
    sources: tuple[str, ...]  # the outlets credited with the fact: each has a sentence that says it
    article_ids: tuple[str, ...]  # the articles carrying it, oldest first
    origin: tuple[str, int] | None = None  # (article id, sentence index) the line's words come from
    # its first dated report (`sitegen.provenance`): the outlets (several when their times tie; none
    # when an undated report may have come first), when, and how it spread
    first_sources: tuple[str, ...] = ()
    first_published: datetime | None = None
    last_published: datetime | None = None  # its last dated report
    later_outlets: int = 0  # outlets with a dated report after the first
    revision: int | None = None  # its update or disagreement, an index into `Summary.revisions`


@dataclass(frozen=True)
class Version:
    """One figure of a fact as some of a story's reports give it."""

    figure: str  # as written: "7,400", "five"
    text: str  # a sentence that gives it
    sources: tuple[str, ...]  # the outlets that give it, in the order of their reports
    article_ids: tuple[str, ...]
    first_sources: tuple[str, ...]  # the outlets of its first dated report; () when unsure
    first_published: datetime | None


@dataclass(frozen=True)
class Revision:
    """A fact whose figure differs between reports: an "update" (versions oldest first, the last
    the latest) or a "disagreement" (outlets giving different figures at about the same time)."""

    kind: str
    versions: tuple[Version, ...]
    line: int | None  # the summary line it belongs to, if any


@dataclass(frozen=True, init=False)
class Summary:
    """The merged summary of a story and what each variant alone reports."""

    sentences: tuple[SummarySentence, ...]
    revisions: tuple[Revision, ...] = ()  # updates and disagreements, in the order of their first report
    # `unique_sentences`, `coverage` and `carriers`, zlib-packed: read only for the story's own page
    # and its stories.json entry, and unpacked they took most of a summary's room (~14 KB of a
    # story's ~23 KB in memory)
    packed: bytes = field(default=b"", repr=False)

    def __init__(
        self,
        sentences: tuple[SummarySentence, ...],
        unique_sentences: dict[str, tuple[str, ...]] | None = None,
        coverage: dict[str, tuple[int, ...]] | None = None,
        carriers: dict[str, tuple[tuple[str, ...], ...]] | None = None,
        revisions: tuple[Revision, ...] = (),
        packed: bytes | None = None,  # given by `dataclasses.replace`: the three mappings, already packed
    ) -> None:
        given = (unique_sentences, coverage, carriers)
        if packed is not None and any(part is not None for part in given):
            raise TypeError("Summary: give the per-article mappings or `packed`, not both")
        if packed is None:
            packed = _pack_summary(tuple(part or {} for part in given))
        object.__setattr__(self, "sentences", sentences)
        object.__setattr__(self, "revisions", revisions)
        object.__setattr__(self, "packed", packed)

    @property
    def unique_sentences(self) -> dict[str, tuple[str, ...]]:
        """Article id -> sentences no other source carries."""
        return _unpack_summary(self.packed)[0]

    @property
    def coverage(self) -> dict[str, tuple[int, ...]]:
        """Article id -> for each of its sentences, how many of the story's sources carry it; 0
        when it is close to another source's sentence without being decided the same fact (no
        claim made)."""
        return _unpack_summary(self.packed)[1]

    @property
    def carriers(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """Article id -> for each of its sentences, the articles carrying its fact (itself included)."""
        return _unpack_summary(self.packed)[2]


_SummaryParts = tuple[dict[str, tuple[str, ...]], dict[str, tuple[int, ...]], dict[str, tuple[tuple[str, ...], ...]]]


def _pack_summary(parts: tuple[dict[str, Any], ...]) -> bytes:
    """Without the pickle memo (as `memo.fingerprint`), so equal mappings give equal bytes
    whether or not their equal strings are one object: summaries compare by these bytes."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(parts)
    return zlib.compress(buffer.getvalue(), 1)


@lru_cache(maxsize=16)  # a story's page and its JSON entry read them a few times each
def _unpack_summary(packed: bytes) -> _SummaryParts:
    parts: _SummaryParts = pickle.loads(zlib.decompress(packed))
    return parts


@dataclass(frozen=True)
class Story:
    """Articles about one event, with their merged summary."""

    id: str
    title: str
    article_ids: tuple[str, ...]  # oldest first; undated last
    sources: tuple[str, ...]
    first_published: datetime | None
    last_updated: datetime | None
    summary: Summary
    related: tuple[str, ...] = ()  # ids of separate stories about related events
    # what the story is made of (its id, related stories, members and the summary's settings),
    # hashed: it stands for the story in the keys of the pages made from it; "" when a member was
    # made in memory rather than loaded from a file
    digest: str = ""

    @property
    def url(self) -> str:
        return f"stories/{self.id}/"


@dataclass(frozen=True)
class Archive:
    """Everything a build publishes, referenced by id."""

    articles: dict[str, Article]
    stories: dict[str, Story]  # newest first
    story_of: dict[str, str]  # article id -> story id
    redirects: dict[str, str] = field(default_factory=dict)  # retired story id -> surviving id

    def story_articles(self, story: Story) -> list[Article]:
        return [self.articles[a] for a in story.article_ids]

    def article_date(self, article_id: str) -> datetime | None:
        """The article's own date, else its story's (an undated article takes its story's date)."""
        article = self.articles[article_id]
        if article.date is not None:
            return article.date
        return self.stories[self.story_of[article_id]].first_published
