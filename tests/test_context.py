"""The template context is a contract with theme authors: these tests pin it, check that the
README documents it as it is, and that every page is rendered with the context its template
is documented to get."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

from conftest import REPO, quiet_build, read_stories
from sitegen import context
from sitegen.context_reference import VIEWS, fields_of, reference
from sitegen.pages import plan_pages

# A change here breaks someone's theme: make it on purpose, and regenerate the README's reference.
PINNED: dict[str, dict[str, str]] = {
    "HomeContext": {
        "pager": "Pager",
        "stories": "list[StoryView]",
        "top": "list[StoryView]",
        "sections": "list[TagSection]",
    },
    "TagSection": {
        "name": "str",
        "url": "str",
        "count": "int",
        "stories": "list[StoryView]",
    },
    "StoryContext": {
        "story": "Story",
        "trail": "list[Crumb]",
        "sources": "list[SourceLink]",
        "tags": "list[TagLink]",
        "summary": "list[SummaryLine]",
        "variants": "list[VariantView]",
        "first_source": "str | None",
        "related": "list[StoryLink]",
        "filter_months": "list[str]",
        "filter_years": "list[str]",
        "timeline": "list[TimelineRow]",
        "lang": "str",
        "coverage": "CoverageChart | None",
        "outlets": "tuple[OutletShare, ...]",
        "report_pages": "list[IndexEntry]",
        "changes": "list[ChangeNote]",
    },
    "ReportsContext": {
        "story": "Story",
        "trail": "list[Crumb]",
        "variants": "list[VariantView]",
        "pages": "list[IndexEntry]",
        "number": "int",
        "sources": "list[SourceLink]",
        "lang": "str",
    },
    "SourceContext": {
        "source": "str",
        "feed": "str",
        "pager": "Pager",
        "rows": "list[SourceRow]",
    },
    "SourcesContext": {
        "sources": "list[IndexEntry]",
    },
    "TagContext": {
        "tag": "str",
        "feed": "str",
        "pager": "Pager",
        "stories": "list[StoryView]",
    },
    "TagsContext": {
        "tags": "list[IndexEntry]",
    },
    "ArchiveContext": {
        "years": "list[YearEntry]",
        "undated": "int",
    },
    "ArchiveListContext": {
        "heading": "str",
        "trail": "list[Crumb]",
        "pager": "Pager",
        "stories": "list[StoryView]",
        "periods": "list[IndexEntry]",
    },
    "FeedContext": {
        "feed_title": "str",
        "home": "str",
        "stories": "list[StoryView]",
        "updated": "datetime | None",
    },
    "SitemapContext": {
        "paths": "list[str]",
    },
    "RedirectContext": {
        "target": "str",
    },
    "PlainContext": {},
    "Pager": {
        "items": "list[Any]",
        "number": "int",
        "count": "int",
        "prev": "str | None",
        "next": "str | None",
    },
    "StoryView": {
        "id": "str",
        "url": "str",
        "title": "str",
        "lang": "str",
        "first_published": "datetime | None",
        "last_updated": "datetime | None",
        "sources": "list[SourceLink]",
        "tags": "list[TagLink]",
        "first_source": "str",
        "lead": "str",
        "article_count": "int",
        "story": "Story",
    },
    "StoryLink": {
        "id": "str",
        "url": "str",
        "title": "str",
        "first_published": "datetime | None",
        "sources": "list[SourceLink]",
        "lang": "str",
    },
    "SourceLink": {
        "name": "str",
        "url": "str",
    },
    "TagLink": {
        "name": "str",
        "url": "str",
        "key": "str",
    },
    "IndexEntry": {
        "name": "str",
        "url": "str",
        "count": "int",
    },
    "YearEntry": {
        "year": "int",
        "url": "str",
        "count": "int",
        "months": "list[IndexEntry]",
    },
    "SourceRow": {
        "article": "Article",
        "date": "datetime | None",
        "undated": "bool",
        "story": "StoryView",
        "anchor": "str",
        "page": "str",
    },
    "TimelineRow": {
        "source": "SourceLink",
        "title": "str",
        "date": "datetime | None",
        "undated": "bool",
        "first": "bool",
        "delay": "str",
        "page": "str",
        "anchor": "str",
    },
    "CoverageChart": {
        "bars": "tuple[Bar, ...]",
        "step": "timedelta",
        "peak": "int",
        "dated": "int",
        "bars_svg": "Markup",
        "days": "int",
        "end": "datetime",
        "hours": "int",
    },
    "Bar": {
        "start": "datetime",
        "count": "int",
        "first": "bool",
    },
    "OutletShare": {
        "name": "str",
        "count": "int",
        "first": "bool",
        "others": "int",
    },
    "SummaryLine": {
        "text": "str",
        "sources": "list[SourceLink]",
        "missing": "list[SourceLink] | None",
        "first": "FirstNote | None",
        "change": "ChangeNote | None",
    },
    "VariantView": {
        "article": "Article",
        "anchor": "str",
        "date": "datetime | None",
        "undated": "bool",
        "source_url": "str",
        "original_url": "str",
        "unique_sentences": "tuple[str, ...]",
        "marked": "list[list[MarkedSentence]] | None",
        "first": "bool",
        "delay": "str",
        "echoes": "bool",
        "folded": "bool",
        "page": "str",
        "marked_html": "Markup",
    },
    "MarkedSentence": {
        "text": "str",
        "kind": "str",
        "label": "str",
        "carried": "int",
        "total": "int",
    },
    "Story": {
        "id": "str",
        "title": "str",
        "article_ids": "tuple[str, ...]",
        "sources": "tuple[str, ...]",
        "first_published": "datetime | None",
        "last_updated": "datetime | None",
        "summary": "Summary",
        "related": "tuple[str, ...]",
        "digest": "str",
        "url": "str",
    },
    "Summary": {
        "sentences": "tuple[SummarySentence, ...]",
        "unique_sentences": "dict[str, tuple[str, ...]]",
        "coverage": "dict[str, tuple[int, ...]]",
        "carriers": "dict[str, tuple[tuple[str, ...], ...]]",
        "revisions": "tuple[Revision, ...]",
    },
    "SummarySentence": {
        "text": "str",
        "sources": "tuple[str, ...]",
        "article_ids": "tuple[str, ...]",
        "origin": "tuple[str, int] | None",
        "first_sources": "tuple[str, ...]",
        "first_published": "datetime | None",
        "last_published": "datetime | None",
        "later_outlets": "int",
        "revision": "int | None",
    },
    "Article": {
        "id": "str",
        "path": "str",
        "title": "str",
        "source": "str",
        "date": "datetime | None",
        "lang": "str",
        "title_derived": "bool",
        "url": "str | None",
        "author": "str | None",
        "tags": "tuple[str, ...]",
        "story": "str | None",
        "digest": "str",
        "body_html": "str",
        "paragraphs": "tuple[int, ...]",
        "sentences": "tuple[str, ...]",
    },
    "FirstNote": {
        "sources": "list[SourceLink]",
        "published": "datetime",
        "later": "int",
        "within": "str",
    },
    "ChangeNote": {
        "kind": "str",
        "others": "list[FigureView]",
        "current": "FigureView",
    },
    "FigureView": {
        "figure": "str",
        "text": "str",
        "sources": "list[SourceLink]",
        "published": "datetime | None",
    },
    "Revision": {
        "kind": "str",
        "versions": "tuple[Version, ...]",
        "line": "int | None",
    },
    "Version": {
        "figure": "str",
        "text": "str",
        "sources": "tuple[str, ...]",
        "article_ids": "tuple[str, ...]",
        "first_sources": "tuple[str, ...]",
        "first_published": "datetime | None",
    },
}


def test_every_context_and_view_field_is_pinned() -> None:
    documented = {cls.__name__: dict(fields_of(cls)) for cls in (*set(context.TEMPLATES.values()), *VIEWS)}
    assert documented == PINNED


def test_the_readme_carries_the_reference_as_the_code_makes_it() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert reference() in readme, "README is stale: paste `python -m sitegen.context_reference` into it"
    for name in PINNED:  # each class documented, with a table of its fields when it has any
        assert re.search(rf"#### .*`{name}`", readme), name


def test_each_theme_template_has_its_context() -> None:
    templates = REPO / "themes" / "default" / "templates"
    pages = {p.name for p in templates.iterdir() if not p.name.startswith("_") and p.name != "base.html"}
    assert pages == set(context.TEMPLATES)


def test_every_page_is_rendered_with_its_documented_context(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    result = quiet_build(site, search=False)
    seen: set[str] = set()
    for page in plan_pages(result.archive, result.config):
        expected = context.TEMPLATES[page.template]
        assert type(page.context) is expected, page.path
        for f in dataclasses.fields(page.context):  # no field left unset
            assert getattr(page.context, f.name) is not None or "None" in str(f.type), (page.path, f.name)
        seen.add(page.template)
    # the sample archive has no retired URL, and no story of more reports than its page holds
    # (tests/test_big_story.py renders reports.html)
    assert seen == set(context.TEMPLATES) - {"redirect.html", "reports.html"}


def test_a_site_template_reads_the_documented_context(tmp_path: Path) -> None:
    """A theme author's override of one page type, written against the README's reference."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    (site / "templates").mkdir()
    (site / "templates" / "tag.html").write_text(
        '{% extends "base.html" %}{% block main %}'
        "<p id=probe>{{ tag }}|{{ feed }}|{{ pager.number }}/{{ pager.count }}|{{ page_url }}|"
        "{% for s in stories %}{{ s.id }}:{{ s.sources|length }}:"
        "{{ s.tags|map(attribute='name')|join('+') }};{% endfor %}"
        "</p>{% endblock %}",
        "utf-8",
    )
    quiet_build(site, search=False)
    public = site / "public"
    page = (public / "tags" / "health" / "index.html").read_text("utf-8")
    probe = re.search(r"<p id=probe>(.*?)</p>", page, re.S)
    assert probe, page
    tag, feed, pages, url, stories = probe.group(1).split("|")
    assert (tag, feed, pages, url) == ("health", "tags/health/feed.xml", "1/1", "tags/health/")
    rows = [row.split(":") for row in stories.split(";") if row]
    tagged = {s["id"]: s for s in read_stories(site) if "health" in [t["name"] for t in s["tags"]]}
    assert tagged and [story for story, _, _ in rows] == [s for s in tagged]  # newest first, as stories.json
    for story, count, tags in rows:
        assert int(count) == len(tagged[story]["sources"])
        assert tags.split("+") == [t["name"] for t in tagged[story]["tags"]]
    # the other page types still come from the theme
    assert "id=probe" not in (public / "sources" / "index.html").read_text("utf-8")
