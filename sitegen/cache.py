"""The build cache: per-file parse results, and per-story summaries, keyed by content hash.

Stored as one pickle under `.sitegen-cache/` in the site root. The file records the sitegen
version, a hash of its source and a fingerprint of the settings parsing depends on; a mismatch, or a file that fails
to load, means the cache is discarded with a note, never trusted.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.diagnostics import Report

CACHE_DIR = ".sitegen-cache"
_FORMAT = 1


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of sitegen's own source, so a changed parser never reads stale entries
    (a version number alone misses changes made between releases)."""
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class ParseCache:
    """A dict-like cache that only keeps entries used by the current build when saved."""

    def __init__(self, path: Path | None, fingerprint: str) -> None:
        self.path = path
        self.stamp = (_FORMAT, __version__, _code_fingerprint(), fingerprint)
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self.hits = 0

    @classmethod
    def open(cls, site_dir: Path, fingerprint: str, enabled: bool, report: Report, name: str = "parse") -> ParseCache:
        """The cache file `.sitegen-cache/<name>.pickle`: parse results, or summaries."""
        cache = cls(site_dir / CACHE_DIR / f"{name}.pickle" if enabled else None, fingerprint)
        if cache.path is None or not cache.path.exists():
            return cache
        try:
            with cache.path.open("rb") as fh:
                stamp, entries = pickle.load(fh)
        except Exception as exc:  # noqa: BLE001 - any unreadable cache is simply discarded
            report.note(f"{CACHE_DIR}/{name}.pickle", f"build cache unreadable ({exc.__class__.__name__}); discarded")
            return cache
        if stamp != cache.stamp or not isinstance(entries, dict):
            report.note(f"{CACHE_DIR}/{name}.pickle", "build cache from another version or settings; discarded")
            return cache
        cache._old = entries
        return cache

    def get(self, key: str) -> Any:
        value = self._old.get(key)
        if value is not None:
            self.hits += 1
            self._new[key] = value
        return value

    def previous(self) -> Iterator[Any]:
        """Every entry the last build left, used or not by this one."""
        return iter(self._old.values())

    def put(self, key: str, value: Any) -> None:
        self._new[key] = value

    def next_round(self) -> None:
        """Keep what this round used for the next one, in memory (`sitegen serve`)."""
        self._old, self._new = self._new, {}

    def save(self) -> None:
        """Write atomically, so a killed build never leaves a half-written cache behind."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".parse-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((self.stamp, self._new), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
