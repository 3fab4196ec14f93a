"""Clustered groups + summaries → the Archive every page is rendered from."""

from __future__ import annotations

from collections.abc import Sequence

from sitegen.cluster import Clustering
from sitegen.config import SummaryConfig
from sitegen.model import Archive, Article, Story, Summary
from sitegen.summarize import merge_summary, representative_title

SummaryMemo = dict[tuple[tuple[Article, ...], int], Summary]


def build_archive(
    articles: Sequence[Article], clustering: Clustering, config: SummaryConfig, memo: SummaryMemo | None = None
) -> Archive:
    """`memo` (kept by `sitegen serve` between rebuilds) reuses the summary of every story whose
    articles did not change: summarizing is the costliest per-story step."""
    by_id = {a.id: a for a in articles}
    stories: dict[str, Story] = {}
    story_of: dict[str, str] = {}
    for group in clustering.groups:
        members = [by_id[a] for a in group.article_ids]
        dates = [a.date for a in members if a.date is not None]
        stories[group.id] = Story(
            id=group.id,
            title=representative_title(members),
            article_ids=group.article_ids,
            sources=tuple(dict.fromkeys(a.source for a in members)),
            first_published=min(dates) if dates else None,
            last_updated=max(dates) if dates else None,
            summary=summarize(tuple(members), config.max_words, memo),
            related=group.related,
        )
        for article_id in group.article_ids:
            story_of[article_id] = group.id
    return Archive(articles=by_id, stories=stories, story_of=story_of, redirects=clustering.redirects)


def summarize(members: tuple[Article, ...], max_words: int, memo: SummaryMemo | None) -> Summary:
    if memo is None:
        return merge_summary(members, max_words)
    key = (members, max_words)
    if key not in memo:
        memo[key] = merge_summary(members, max_words)
    return memo[key]
