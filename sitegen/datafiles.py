"""The files that are not pages: the archive as JSON (`stories.json`) and Netlify's redirects."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from sitegen.config import SiteConfig
from sitegen.memo import Store, fingerprint
from sitegen.model import Archive, Revision
from sitegen.pages import story_tags
from sitegen.render import iso_date


def data_files(archive: Archive, config: SiteConfig, store: Store | None = None) -> dict[str, Iterable[str]]:
    """The files that are not pages, as the pieces of their text: the archive as JSON, and
    Netlify's redirects when there are any. Pieces, so a large archive's JSON is written a story
    at a time instead of being held whole (at 100,000 articles it runs to hundreds of MB).
    With a `store`, each story's JSON is kept under its story's digest and reused."""
    files: dict[str, Iterable[str]] = {"stories.json": stories_json(archive, config, store)}
    if archive.redirects:
        files["_redirects"] = [netlify_redirects(archive, config)]
    return files


def _revision(revision: Revision) -> dict[str, object]:
    return {
        "line": revision.line,
        "versions": [
            {
                "figure": v.figure,
                "text": v.text,
                "sources": list(v.sources),
                "article_ids": list(v.article_ids),
                "first_sources": list(v.first_sources),
                "first_published": iso_date(v.first_published) or None,
            }
            for v in revision.versions
        ],
    }


def netlify_redirects(archive: Archive, config: SiteConfig) -> str:
    """`_redirects` lines so Netlify answers retired story URLs with a real 301."""
    base = urlsplit(config.site_url).path or "/"
    return "".join(f"{base}stories/{old}/ {base}stories/{new}/ 301\n" for old, new in sorted(archive.redirects.items()))


def stories_json(archive: Archive, config: SiteConfig, store: Store | None = None) -> Iterator[str]:
    """The machine-readable archive, a story at a time; its schema is documented in the README
    and kept stable. A story's entry is made from the story and its articles (what its digest
    hashes) and the site's URL, so with a `store` an unchanged story's entry is reused, not
    encoded again."""
    yield '{"stories":['
    for n, story in enumerate(archive.stories.values()):
        key = fingerprint("json", story, config.site_url) if story.digest and store is not None else ""
        packed = store.get(key) if key and store is not None else None
        if isinstance(packed, bytes):
            yield ("," if n else "") + zlib.decompress(packed).decode("utf-8")
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
                {
                    "text": s.text,
                    "sources": list(s.sources),
                    "article_ids": list(s.article_ids),
                    "first_source": s.first_sources[0] if len(s.first_sources) == 1 else None,
                    "first_sources": list(s.first_sources),
                    "first_published": iso_date(s.first_published) or None,
                }
                for s in story.summary.sentences
            ],
            "updates": [_revision(r) for r in story.summary.revisions if r.kind == "update"],
            "disagreements": [_revision(r) for r in story.summary.revisions if r.kind == "disagreement"],
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
            # packed: the store holds every story's entry until the build ends (about 10 KB a
            # story unpacked on the synthetic archive)
            store.put(key, zlib.compress(text.encode("utf-8"), 1))
        yield ("," if n else "") + text
    yield "]}"
