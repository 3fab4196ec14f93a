"""The build's one cache: every stage's results, each keyed by a hash of what it is made of.

A build is a chain of plain functions (load → cluster → summarize → render → write → index).
Each stage looks its results up in a table of one `Memo` under a key made by `fingerprint`
from its actual inputs, and makes only what it does not find. `sitegen build` opens the memo
from disk and saves it at the end; `sitegen serve` keeps one memo in memory between rebuilds
(and saves it too), so a preview's rebuild is the same `build()` with a warm memo.

On disk, each table is a folder under `.sitegen-cache/` in the site root holding its entries in 16
pickles, split by a hash of the key: a warm build after one edit rewrites the one or two
shards whose entries changed, not the whole cache (tens of MB at 10,000 articles, ~0.5 s to
write). Every shard records the sitegen version, a hash of its source and a fingerprint of
the settings its entries depend on; a mismatch, or a shard that fails to load, means that
shard is discarded (with a note when stale, a warning when unreadable), never trusted.
Entries are keyed by what they are made of, so shards saved by different builds never
contradict each other.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from sitegen import __version__
from sitegen.diagnostics import Report
from sitegen.model import Article, Story

CACHE_DIR = ".sitegen-cache"
WRITING = ".writing"  # in a table's folder while the output it describes is being changed in place


class Store(Protocol):
    """What a stage needs of a cache: the build cache, or `sitegen serve`'s memory."""

    def get(self, key: str) -> Any: ...
    def put(self, key: str, value: Any) -> None: ...


_FORMAT = 3  # 3: the stamp pickled before the entries, not with them
SHARDS = 16


def _shard(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of sitegen's own source, so a changed parser never reads stale entries
    (a version number alone misses changes made between releases)."""
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Table:
    """One stage's results by key; keeps, when saved, only the entries the current build used."""

    def __init__(self, path: Path | None, salt: str, keep: bool = True) -> None:
        self.path = path
        self.salt = salt  # the settings its entries depend on
        self.keep = keep  # False: nothing kept (a build without cache: entries would only cost memory)
        self.stamp = (_FORMAT, __version__, code_fingerprint(), salt)
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self._loaded: set[int] = set()  # shards read from disk, each still as saved
        self.hits = 0
        self.used = False  # asked for by the current round (see Memo.begin)
        self._writing = False  # WRITING is in the folder
        self._changed = True  # since it was read or saved: saving again would write nothing

    @classmethod
    def open(cls, site_dir: Path, name: str, salt: str, report: Report) -> Table:
        """The table in `.sitegen-cache/<name>/`; `salt`: the settings its entries depend on."""
        folder = site_dir / CACHE_DIR / name
        cache = cls(folder, salt)
        legacy = folder.with_suffix(".pickle")  # one file per cache, before shards
        if legacy.is_file():
            legacy.unlink(missing_ok=True)
        if not folder.is_dir():
            return cache
        if (folder / WRITING).exists():
            report.note(f"{CACHE_DIR}/{name}", "left by a preview stopped while it wrote; made again")
            cache._writing = True
            return cache
        corrupt: set[str] = set()
        stale = False
        for shard in range(SHARDS):
            path = folder / f"{shard:02d}.pickle"
            if not path.is_file():
                continue
            try:
                with path.open("rb") as fh:
                    # the stamp first, on its own: a shard of another version is known stale
                    # without unpickling entries whose classes that version may not have
                    if pickle.load(fh) != cache.stamp:
                        stale = True
                        continue
                    entries = pickle.load(fh)
                if not isinstance(entries, dict):
                    raise TypeError("entries are not a mapping")
            except Exception as exc:  # noqa: BLE001 - any unreadable shard is simply discarded
                if isinstance(exc, ModuleNotFoundError | AttributeError):
                    stale = True  # a shard of an older format names classes sitegen has moved
                else:
                    corrupt.add(f"{path.name} ({exc.__class__.__name__})")
                continue
            cache._old.update(entries)
            cache._loaded.add(shard)
        where = f"{CACHE_DIR}/{name}"
        if corrupt:
            report.warn(where, f"build cache unreadable, discarded: {', '.join(sorted(corrupt))}")
        if stale:  # after an upgrade or a settings change: expected, so a note; the build redoes that work
            report.note(where, "build cache from another version of sitegen or other settings; discarded")
        return cache

    def get(self, key: str, *, count: bool = True) -> Any:
        """The entry, kept for the next build; `count` it among the hits (entries that are not
        one item's result, such as the load stage's file index, are not counted)."""
        value = self._old.get(key)
        if value is not None:
            self.hits += count
            self._new[key] = value
            self._changed = True
        return value

    def writing(self) -> None:
        """The output this table describes is about to change in place (`sitegen serve`): until
        the table is saved again, its copy on disk no longer describes the output, and a build
        that finds it so (a preview killed in between) must not trust it."""
        if self.path is not None and not self._writing:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / WRITING).touch()
            self._writing = True
            self._changed = True  # the mark goes only with a save

    def retain(self) -> None:
        """Keep every entry the last build left, used or not: a result reused whole stands for
        the entries it was made from (a reused clustering for its linkage pieces)."""
        self._new = {**self._old, **self._new}
        self._changed = True

    def previous(self) -> Iterator[Any]:
        """Every entry the last build left, used or not by this one."""
        return iter(self._old.values())

    def put(self, key: str, value: Any) -> None:
        if self.keep:
            self._new[key] = value
            self._changed = True

    def next_round(self) -> None:
        """Keep what this round used for the next one, in memory (`sitegen serve`)."""
        self._old, self._new = self._new, {}
        self.hits = 0
        self._changed = True

    def save(self) -> None:
        """Write the shards whose entries changed, each atomically, so a killed build never
        leaves a half-written shard behind."""
        if self.path is None or not self._changed:
            return
        self._changed = False
        old: list[set[str]] = [set() for _ in range(SHARDS)]
        new: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for key in self._old:
            old[_shard(key)].add(key)
        changed = [shard not in self._loaded for shard in range(SHARDS)]
        for key, value in self._new.items():
            shard = _shard(key)
            new[shard][key] = value
            before = self._old.get(key, _MISSING)
            if before is not value and not (isinstance(value, str | bytes) and before == value):
                changed[shard] = True
        if self.path.is_file() or self.path.is_symlink():
            self.path.unlink()
        self.path.mkdir(parents=True, exist_ok=True)
        for shard in range(SHARDS):
            if changed[shard] or old[shard] != new[shard].keys():
                self._write(self.path / f"{shard:02d}.pickle", new[shard])
                self._loaded.add(shard)
        if self._writing:
            (self.path / WRITING).unlink(missing_ok=True)
            self._writing = False

    def _write(self, path: Path, entries: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".shard-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.stamp, fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


_MISSING = object()


class Memo:
    """Every table of a build, by name: opened from disk on first use, then kept in memory for
    as long as the memo lives (one build for `sitegen build`, the whole session for `serve`).
    Without a site folder (`--no-cache`) nothing is read, kept or saved."""

    def __init__(self, site_dir: Path | None) -> None:
        self.site_dir = site_dir
        self._tables: dict[str, Table] = {}
        # what a build leaves in memory for the next build with this memo, never saved: the
        # content folder's listing (`sitegen.load.Listing`)
        self.in_memory: dict[str, Any] = {}

    @property
    def enabled(self) -> bool:
        return self.site_dir is not None

    def table(self, name: str, salt: str, report: Report) -> Table:
        """The table `name` whose entries were made under `salt` (settings, templates); a table
        kept under another salt is dropped (on disk, its shards are stale and replaced)."""
        table = self._tables.get(name)
        if table is None or table.salt != salt:
            if self.site_dir is None:
                table = Table(None, salt, keep=False)
            else:
                table = Table.open(self.site_dir, name, salt, report)
            self._tables[name] = table
        table.used = True
        return table

    def begin(self) -> None:
        """A new build: what the last one used is what this one may find. A table the last build
        never reached (it failed before) keeps what it had."""
        for table in self._tables.values():
            if table.used:
                table.next_round()
            table.used = False

    def save(self, *names: str) -> None:
        """Write the tables named (all when none is), each only where it changed."""
        for name, table in self._tables.items():
            if not names or name in names:
                table.save()

    def release(self, name: str) -> None:
        """Save the table `name` and let its entries go from memory: a one-off build's parse
        table holds every article's terms, which no stage after clustering needs (some
        1.7 KB an article). A later `table(name, ...)` reads it from disk again."""
        table = self._tables.pop(name, None)
        if table is not None:
            table.save()


# --- keys ------------------------------------------------------------------------------------------

# Values that stand for themselves by a short hash in a fingerprint: an article loaded from a file
# by its file's digest (its every field is made from those bytes by this version of sitegen, and
# every table is stamped with the version), a story by the digest of what it was made from. A
# stage's key then costs a few bytes per article, not the article's text.
STAND_INS: dict[type, Callable[[Any], Any]] = {
    Article: lambda a: ("article", a.id, a.path, a.digest) if a.digest else None,
    Story: lambda s: ("story", s.digest) if s.digest else None,
}


def _reducer(stand_in: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def reduce(obj: Any) -> Any:
        token = stand_in(obj)
        return (tuple, (token,)) if token is not None else obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)

    return reduce


class _Fingerprinter(pickle.Pickler):
    """Pickles values as usual but for the types in STAND_INS, through the pickler's own
    dispatch table: only those objects reach Python code (a `persistent_id` hook would be called
    for every string and number of every page's context, 2.5 million times on a warm build of
    10,000 articles)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = _dispatch_table(tuple(STAND_INS.items()))


@functools.lru_cache(maxsize=4)
def _dispatch_table(stand_ins: tuple[tuple[type, Callable[[Any], Any]], ...]) -> dict[type, Callable[[Any], Any]]:
    return {kind: _reducer(stand_in) for kind, stand_in in stand_ins}


_pickler = threading.local()  # one per thread, reused: making one costs more than most keys


def fingerprint(*values: Any) -> str:
    """A hash of `values`, for a memo key: pickled, with loaded articles and stories standing
    in by their digests. Raises what pickling raises for a value that cannot be pickled."""
    state = getattr(_pickler, "state", None)
    if state is None or state[2] != len(STAND_INS):
        buffer = io.BytesIO()
        pickler = _Fingerprinter(buffer)
        # no memo: the bytes then depend on the values only, not on which equal strings happen to
        # be one object (they are after a parse, not after loading the cache)
        pickler.fast = True
        state = _pickler.state = (buffer, pickler, len(STAND_INS))
    buffer, pickler, _ = state
    buffer.seek(0)
    buffer.truncate()
    try:
        pickler.dump(values)
    except BaseException:
        del _pickler.state  # a dump that failed part way leaves the pickler in no known state
        raise
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()
