"""Clustered groups + summaries → the Archive every page is rendered from."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sitegen.cache import Store
from sitegen.cluster import Clustering
from sitegen.config import SummaryConfig
from sitegen.model import Archive, Article, Story, Summary
from sitegen.pool import map_chunks
from sitegen.progress import Advance
from sitegen.summarize import merge_summary, representative_title

PARALLEL_MIN = 300  # stories to summarize before the worker pool pays for itself
CHUNK = 50


def summary_key(members: Sequence[Article], max_words: int) -> str:
    """What a story's summary depends on, hashed: its members' ids, sources, languages and
    sentences, in order, and the length. A loaded article's file digest stands for its sentences
    (made from the file alone by this version of sitegen; the cache is keyed by the version):
    no article is unpacked to key its story."""
    digest = hashlib.blake2b(str(max_words).encode(), digest_size=16)
    for a in members:
        text = (a.digest,) if a.digest else a.sentences
        digest.update("\0".join((a.id, a.source, a.lang, *text)).encode() + b"\1")
    return digest.hexdigest()


@dataclass
class StoryPlan:
    """The stories of a build before summarizing: each one's members, its summary's cache key,
    the summaries the store already has, and the stories still to summarize."""

    articles: dict[str, Article]
    shells: list[Story]  # every story, its summary still empty
    members: list[tuple[Article, ...]]
    keys: list[str]
    found: dict[str, Summary]
    todo: list[int]  # indexes of the stories whose summary is still to make, one per key
    max_words: int


_EMPTY = Summary((), {})


def plan_stories(
    articles: Sequence[Article], clustering: Clustering, config: SummaryConfig, store: Store | None = None
) -> StoryPlan:
    """`store` (the build cache, or the memory of `sitegen serve`) gives back the summary of every
    story whose members did not change: summarizing is the costliest per-story step."""
    by_id = {a.id: a for a in articles}
    groups = [tuple(by_id[a] for a in group.article_ids) for group in clustering.groups]
    keys = [summary_key(members, config.max_words) for members in groups]
    found: dict[str, Summary] = {}
    todo: list[int] = []
    for index, key in enumerate(keys):  # unique: a key hashes its members' ids
        if store is not None and isinstance(hit := store.get(key), Summary):
            found[key] = hit
        else:
            todo.append(index)
    shells = []
    for group, members, key in zip(clustering.groups, groups, keys, strict=True):
        dates = [a.date for a in members if a.date is not None]
        shells.append(
            Story(
                id=group.id,
                title=_title(members, key, store),
                article_ids=group.article_ids,
                sources=tuple(dict.fromkeys(a.source for a in members)),
                first_published=min(dates) if dates else None,
                last_updated=max(dates) if dates else None,
                summary=_EMPTY,
                related=group.related,
            )
        )
    return StoryPlan(by_id, shells, groups, keys, found, todo, config.max_words)


def _title(members: Sequence[Article], key: str, store: Store | None) -> str:
    """The story's headline, kept beside its summary: it depends on no more than the summary's
    key does, and working it out again for every story costs a warm build ~0.4 s."""
    if store is None:
        return representative_title(members)
    title = store.get("title|" + key)
    if not isinstance(title, str):
        title = representative_title(members)
        store.put("title|" + key, title)
    return title


def finish_archive(
    plan: StoryPlan, clustering: Clustering, made: Sequence[Summary], store: Store | None = None
) -> Archive:
    """The archive, given the summaries made for `plan.todo`, in order."""
    found = dict(plan.found)
    for index, summary in zip(plan.todo, made, strict=True):
        found[plan.keys[index]] = summary
        if store is not None:
            store.put(plan.keys[index], summary)
    stories: dict[str, Story] = {}
    story_of: dict[str, str] = {}
    for shell, key in zip(plan.shells, plan.keys, strict=True):
        stories[shell.id] = replace(shell, summary=found[key])
        for article_id in shell.article_ids:
            story_of[article_id] = shell.id
    return Archive(articles=plan.articles, stories=stories, story_of=story_of, redirects=clustering.redirects)


def build_archive(
    articles: Sequence[Article], clustering: Clustering, config: SummaryConfig, store: Store | None = None
) -> Archive:
    """Stories with their summaries; many new summaries (a clean build) are made by the pool."""
    plan = plan_stories(articles, clustering, config, store)
    return finish_archive(plan, clustering, summarize_all(plan), store)


def summarize_all(plan: StoryPlan, advance: Advance | None = None) -> list[Summary]:
    """The summaries of `plan.todo`, in order: in the worker pool when there are many."""
    jobs = [(plan.members[i], plan.max_words) for i in plan.todo]
    return map_chunks(_summarize_chunk, jobs, minimum=PARALLEL_MIN, chunk=CHUNK, advance=advance)


def _summarize_chunk(chunk: list[tuple[tuple[Article, ...], int]]) -> list[Summary]:
    return [merge_summary(members, max_words) for members, max_words in chunk]
