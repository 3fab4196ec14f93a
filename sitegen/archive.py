"""Clustered groups + summaries → the Archive every page is rendered from."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol

from sitegen.cluster import Clustering
from sitegen.config import SummaryConfig
from sitegen.model import Archive, Article, Story, Summary
from sitegen.pool import map_chunks
from sitegen.summarize import merge_summary, representative_title

PARALLEL_MIN = 300  # stories to summarize before the worker pool pays for itself
CHUNK = 50


class SummaryStore(Protocol):
    def get(self, key: str) -> Any: ...
    def put(self, key: str, value: Any) -> None: ...


def summary_key(members: Sequence[Article], max_words: int) -> str:
    """What a story's summary depends on, hashed: its members' ids, sources, languages and
    sentences, in order, and the length."""
    digest = hashlib.blake2b(str(max_words).encode(), digest_size=16)
    for a in members:
        digest.update("\0".join((a.id, a.source, a.lang, *a.sentences)).encode() + b"\1")
    return digest.hexdigest()


def build_archive(
    articles: Sequence[Article], clustering: Clustering, config: SummaryConfig, store: SummaryStore | None = None
) -> Archive:
    """`store` (the build cache, or the memory of `sitegen serve`) gives back the summary of every
    story whose members did not change: summarizing is the costliest per-story step. Many new
    summaries (a clean build) are made by the worker pool."""
    by_id = {a.id: a for a in articles}
    groups = [tuple(by_id[a] for a in group.article_ids) for group in clustering.groups]
    keys = [summary_key(members, config.max_words) for members in groups]
    found: dict[str, Summary] = {}
    for key in keys:
        if store is not None and key not in found and isinstance(hit := store.get(key), Summary):
            found[key] = hit
    todo = {key: members for key, members in zip(keys, groups, strict=True) if key not in found}
    # the workers need the sentences, not the HTML: leave it out of what crosses processes
    light = [(tuple(replace(a, body_html="") for a in members), config.max_words) for members in todo.values()]
    made = map_chunks(_summarize_chunk, light, minimum=PARALLEL_MIN, chunk=CHUNK)
    for key, summary in zip(todo, made, strict=True):
        found[key] = summary
        if store is not None:
            store.put(key, summary)
    stories: dict[str, Story] = {}
    story_of: dict[str, str] = {}
    for group, members, key in zip(clustering.groups, groups, keys, strict=True):
        dates = [a.date for a in members if a.date is not None]
        stories[group.id] = Story(
            id=group.id,
            title=representative_title(members),
            article_ids=group.article_ids,
            sources=tuple(dict.fromkeys(a.source for a in members)),
            first_published=min(dates) if dates else None,
            last_updated=max(dates) if dates else None,
            summary=found[key],
            related=group.related,
        )
        for article_id in group.article_ids:
            story_of[article_id] = group.id
    return Archive(articles=by_id, stories=stories, story_of=story_of, redirects=clustering.redirects)


def _summarize_chunk(chunk: list[tuple[tuple[Article, ...], int]]) -> list[Summary]:
    return [merge_summary(members, max_words) for members, max_words in chunk]
