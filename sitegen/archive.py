"""Clustered groups + summaries → the Archive every page is rendered from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sitegen.cluster import Clustering
from sitegen.config import SummaryConfig
from sitegen.model import Archive, Article, Story, Summary
from sitegen.pool import map_chunks
from sitegen.summarize import merge_summary, representative_title

SummaryMemo = dict[tuple[tuple[Article, ...], int], Summary]


PARALLEL_MIN = 300  # stories to summarize before the worker pool pays for itself
CHUNK = 50


def build_archive(
    articles: Sequence[Article], clustering: Clustering, config: SummaryConfig, memo: SummaryMemo | None = None
) -> Archive:
    """`memo` (kept by `sitegen serve` between rebuilds) reuses the summary of every story whose
    articles did not change: summarizing is the costliest per-story step. Many new summaries
    (a clean build) are made by the worker pool."""
    by_id = {a.id: a for a in articles}
    memo = {} if memo is None else memo
    groups = [tuple(by_id[a] for a in group.article_ids) for group in clustering.groups]
    todo = list(dict.fromkeys(m for m in groups if (m, config.max_words) not in memo))
    # the workers need the sentences, not the HTML: leave it out of what crosses processes
    light = [(tuple(replace(a, body_html="") for a in members), config.max_words) for members in todo]
    for members, summary in zip(
        todo, map_chunks(_summarize_chunk, light, minimum=PARALLEL_MIN, chunk=CHUNK), strict=False
    ):
        memo[(members, config.max_words)] = summary
    stories: dict[str, Story] = {}
    story_of: dict[str, str] = {}
    for group, members in zip(clustering.groups, groups, strict=True):
        dates = [a.date for a in members if a.date is not None]
        stories[group.id] = Story(
            id=group.id,
            title=representative_title(members),
            article_ids=group.article_ids,
            sources=tuple(dict.fromkeys(a.source for a in members)),
            first_published=min(dates) if dates else None,
            last_updated=max(dates) if dates else None,
            summary=memo[(members, config.max_words)],
            related=group.related,
        )
        for article_id in group.article_ids:
            story_of[article_id] = group.id
    return Archive(articles=by_id, stories=stories, story_of=story_of, redirects=clustering.redirects)


def _summarize_chunk(chunk: list[tuple[tuple[Article, ...], int]]) -> list[Summary]:
    return [merge_summary(members, max_words) for members, max_words in chunk]
