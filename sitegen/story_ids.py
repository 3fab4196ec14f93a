"""Story ids that stay put: the registry of published stories and how new clusters inherit ids.

A story's first id comes from the headline it is first published with (`default_story_id`). Then the
registry (`story-ids.json` in the site root, written by every successful build; commit it) is
the memory: a new cluster takes the id of the published story it shares the most articles
with, so later coverage, backfilled older coverage or a changed threshold never move a URL.
When coverage merges two published stories, the absorbed id becomes a redirect to the
survivor.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.slugs import slug

_FORMAT = 1
_SLUG = re.compile(r"\A[a-z0-9][a-z0-9-]{0,120}\Z")  # anything else in the file is ignored, never a path


@dataclass(frozen=True)
class StoryRegistry:
    """Published story ids with their articles, and ids that now redirect elsewhere."""

    stories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> tuple[StoryRegistry, str | None, bytes]:
        """The registry at `path` (empty when missing), a problem description if it was
        unusable, and the file's bytes (b"" when missing): they are part of the clustering's key."""
        if not path.exists():
            return cls(), None, b""
        text = b""
        try:
            text = path.read_bytes()
            data = json.loads(text.decode("utf-8"))
            if data.get("format") != _FORMAT:
                return cls(), f"unknown format {data.get('format')!r}; starting a new registry", text
            stories = {str(k): tuple(map(str, v)) for k, v in data["stories"].items() if _SLUG.match(str(k))}
            redirects = {
                str(k): str(v)
                for k, v in data.get("redirects", {}).items()
                if _SLUG.match(str(k)) and _SLUG.match(str(v))
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            return cls(), f"unreadable ({exc.__class__.__name__}: {exc}); starting a new registry", text
        return cls(stories, redirects), None, text

    def text(self) -> str:
        """The file's text: the same registry always gives the same bytes."""
        data = {
            "format": _FORMAT,
            "stories": {k: list(v) for k, v in sorted(self.stories.items())},
            "redirects": dict(sorted(self.redirects.items())),
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def write(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.text(), encoding="utf-8")
        tmp.replace(path)


def default_story_id(title: str, anchor_id: str) -> str:
    """A readable slug of the story's headline when it is first published (the one its page
    shows) plus a short hash of its founding article's id."""
    digest = hashlib.sha1(anchor_id.encode("utf-8")).hexdigest()[:6]
    return f"{slug(title, 'story', max_length=50)}-{digest}"


def assign_ids(
    groups: Sequence[tuple[str, ...]],
    default_id: Callable[[int], str],
    pinned: Sequence[bool],
    previous: StoryRegistry,
) -> tuple[list[str], dict[str, str]]:
    """Final ids for `groups` (article ids, oldest first) and the redirects old id → new id.

    Pinned groups keep their pinned id. Otherwise the published story sharing the most
    articles with a group lends it its id (largest overlap first, so each old id goes to one
    group); groups with no published ancestor take their default id, made unique. `default_id`
    gives a group's pinned or default id, and is asked only of the groups that need one (making
    a default id means choosing the story's headline).
    """
    ids: list[str | None] = [default_id(i) if pinned[i] else None for i in range(len(groups))]
    taken = {i for i in ids if i is not None}
    owner = {a: sid for sid, members in previous.stories.items() for a in members}
    overlaps: list[tuple[int, str, int]] = []
    for index, members in enumerate(groups):
        for sid, count in Counter(owner[a] for a in members if a in owner).items():
            overlaps.append((-count, sid, index))
    for _, sid, index in sorted(overlaps):
        if ids[index] is None and sid not in taken:
            ids[index] = sid
            taken.add(sid)
    reserved = taken | set(previous.stories) | set(previous.redirects)
    for index in range(len(groups)):
        if ids[index] is None:
            base = default_id(index)
            candidate, n = base, 2
            while candidate in reserved:
                candidate, n = f"{base}-{n}", n + 1
            ids[index] = candidate
            reserved.add(candidate)
    final = [i for i in ids if i is not None]

    # every published id that no group kept points to where most of its articles went
    where = {a: final[index] for index, members in enumerate(groups) for a in members}
    live = set(final)
    redirects: dict[str, str] = {}
    for sid, members in previous.stories.items():
        if sid in live:
            continue
        targets = Counter(where[a] for a in members if a in where)
        if targets:
            redirects[sid] = min(targets, key=lambda t: (-targets[t], t))
    for old, new in previous.redirects.items():
        if old not in live and old not in redirects:
            redirects[old] = new
    # follow chains (a → b, b → c becomes a → c); drop targets that no longer exist
    for old in list(redirects):
        seen = {old}
        target = redirects[old]
        while target in redirects and target not in seen:
            seen.add(target)
            target = redirects[target]
        if target in live:
            redirects[old] = target
        else:
            del redirects[old]
    return final, redirects
