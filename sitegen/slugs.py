"""URL slugs that are also folder names: short enough for any file system, never empty."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from slugify import slugify

# file systems refuse names over 255 bytes (a 300-character story pin crashed a build), and a
# URL segment over a line long helps no reader
MAX_SLUG = 80
_SEPARATORS = re.compile(r"[\s_\-]+")


def slug(text: str, fallback: str, max_length: int = MAX_SLUG) -> str:
    """`text` slugified, cut at a word boundary to `max_length` characters; `fallback` if nothing
    is left."""
    return slugify(text, max_length=max_length, word_boundary=True) or fallback


def short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


def tag_key(tag: str) -> str:
    """What makes two tags one: case, Unicode forms, and spaces, underscores and hyphens between
    words are ignored ("Central Banks" = "central-banks"); anything else tells tags apart."""
    return _SEPARATORS.sub("-", unicodedata.normalize("NFKC", tag).casefold()).strip("-")


@lru_cache(maxsize=8192)  # slugify is slow, and an archive has few tags used many times
def tag_slug(tag: str) -> str:
    """The tag's folder, from the tag alone (a story's page needs nothing else of the archive).
    Its slug when the slug says all the tag does, else the slug and a hash of the tag's key:
    slugify turns "C++" and "C#" both into "c", and "北京" and "背景" both into "bei-jing"."""
    key = tag_key(tag)
    base = slug(tag, "tag")
    return base if base == key else f"{base}-{short_hash(key)}"
