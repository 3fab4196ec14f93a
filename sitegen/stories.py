"""The summarize stage: clustered groups → stories with their merged summaries → the Archive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sitegen.cluster import Clustering, StoryGroup
from sitegen.config import SummaryConfig
from sitegen.memo import Store, fingerprint
from sitegen.model import Archive, Article, Story, Summary
from sitegen.pool import map_chunks
from sitegen.progress import Advance

PARALLEL_MIN = 300  # stories to summarize before the worker pool pays for itself
CHUNK = 50


@dataclass(frozen=True)
class Draft:
    """A story before its summary: the group clustering made, its members (oldest first), the
    key its summary is kept under and its headline. Everything a story's page shows but the
    summary, so another story can link to it before it is summarized."""

    group: StoryGroup
    members: tuple[Article, ...]
    key: str  # the summary's memo key: the members and the summary's settings
    title: str

    @property
    def id(self) -> str:
        return self.group.id

    @property
    def url(self) -> str:
        return f"stories/{self.group.id}/"

    @property
    def first_published(self) -> datetime | None:
        return min((a.date for a in self.members if a.date is not None), default=None)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.source for a in self.members))

    def story(self, summary: Summary) -> Story:
        dates = [a.date for a in self.members if a.date is not None]
        digest = fingerprint("story", self.group.id, self.group.related, self.key, self.title)
        return Story(
            id=self.group.id,
            title=self.title,
            article_ids=self.group.article_ids,
            sources=self.sources,
            first_published=min(dates) if dates else None,
            last_updated=max(dates) if dates else None,
            summary=summary,
            related=self.group.related,
            digest=digest if all(a.digest for a in self.members) else "",
        )


@dataclass
class StoryPlan:
    """The stories of a build before summarizing: their drafts, the summaries the memo already
    has, and the drafts still to summarize."""

    articles: dict[str, Article]
    drafts: list[Draft]
    found: dict[str, Summary]
    todo: list[int]  # indexes of the drafts whose summary is still to make, one per key
    max_words: int


def plan_stories(
    articles: Sequence[Article], clustering: Clustering, config: SummaryConfig, store: Store | None = None
) -> StoryPlan:
    """`store` (the memo's summaries) gives back the summary and headline of every story whose
    members did not change: summarizing is the costliest per-story step."""
    global _KEYS
    by_id = {a.id: a for a in articles}
    drafts: list[Draft] = []
    found: dict[str, Summary] = {}
    todo: list[int] = []
    keys: dict[tuple[Any, ...], str] = {}
    for index, group in enumerate(clustering.groups):
        members = tuple(by_id[a] for a in group.article_ids)
        # the members' ids and digests (a file's digest covers its path) say all the key hashes
        digests = tuple([a.digest for a in members])
        known = (config.max_words, group.article_ids, digests) if all(digests) else None
        key = _KEYS.get(known) if known else None
        if key is None:
            key = fingerprint("summary", members, config.max_words)  # unique: it hashes the members' ids
        if known:
            keys[known] = key
        if store is not None and isinstance(hit := store.get(key), Summary):
            found[key] = hit
        else:
            todo.append(index)
        drafts.append(Draft(group, members, key, _title(members, key, store)))
    _KEYS = keys
    return StoryPlan(by_id, drafts, found, todo, config.max_words)


# The last plan's summary keys and stories by what they hash: a rebuild of `sitegen serve` hashes
# again only the stories an edit touched. Replaced whole by each build: one archive's worth.
_KEYS: dict[tuple[Any, ...], str] = {}
_STORIES: dict[tuple[Any, ...], Story] = {}


def _title(members: Sequence[Article], key: str, store: Store | None) -> str:
    """The story's headline, kept beside its summary: it depends on no more than the summary's
    key does, and working it out again for every story costs a warm build ~0.4 s."""
    title = store.get("title|" + key) if store is not None else None
    if not isinstance(title, str):
        from sitegen.summarize import representative_title  # with scipy: loaded only when needed

        title = representative_title(members)
        if store is None:
            return title
        store.put("title|" + key, title)
    return title


def finish_archive(
    plan: StoryPlan, clustering: Clustering, made: Sequence[Summary], store: Store | None = None
) -> Archive:
    """The archive, given the summaries made for `plan.todo`, in order."""
    found = dict(plan.found)
    for index, summary in zip(plan.todo, made, strict=True):
        found[plan.drafts[index].key] = summary
        if store is not None:
            store.put(plan.drafts[index].key, summary)
    global _STORIES
    stories: dict[str, Story] = {}
    story_of: dict[str, str] = {}
    kept: dict[tuple[Any, ...], Story] = {}
    for draft in plan.drafts:
        summary = found[draft.key]
        # the story made of the same draft and the very same summary object (the memo's) is the
        # same story: its digest is not worked out again
        known = (draft.key, draft.group.id, draft.group.related, draft.title)
        story = _STORIES.get(known)
        if story is None or story.summary is not summary:
            story = draft.story(summary)
        kept[known] = story
        stories[draft.group.id] = story
        for article_id in draft.group.article_ids:
            story_of[article_id] = draft.group.id
    _STORIES = kept
    return Archive(articles=plan.articles, stories=stories, story_of=story_of, redirects=clustering.redirects)


def summarize_all(plan: StoryPlan, advance: Advance | None = None) -> list[Summary]:
    """The summaries of `plan.todo`, in order: in the worker pool when there are many."""
    jobs = [(plan.drafts[i].members, plan.max_words) for i in plan.todo]
    return map_chunks(_summarize_chunk, jobs, minimum=PARALLEL_MIN, chunk=CHUNK, advance=advance)


def _summarize_chunk(chunk: list[tuple[tuple[Article, ...], int]]) -> list[Summary]:
    from sitegen.summarize import merge_summary

    return [merge_summary(members, max_words) for members, max_words in chunk]
