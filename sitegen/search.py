"""Search: the site indexed by Pagefind in shards, merged again in the reader's browser.

Pagefind's indexer holds everything it indexes in memory until it writes (about 0.8 MiB per
story page of ~1,400 words here; upstream Pagefind/pagefind#842), so one run over a large archive
runs out of memory: 25,236 story pages took more than 16 GiB. The site is therefore indexed in
shards, one Pagefind CLI run each, one after another, each bounded by `search.shard_megabytes` of
HTML (memory grows with the words indexed, and a page's HTML is the measure of its words we
have without parsing it):

- a shard holds the story pages (and their report pages) of one year, by the story's first
  report; a year with more HTML than the budget is cut into parts in order of date,
  "2024-1", "2024-2", ...; stories with no date form "undated";
- Pagefind's rule "if any page marks `data-pagefind-body`, index only those" is applied before
  the pages are shared out (`indexable`); any other page left (a theme that marks none) goes
  with the newest shard, the *main* one;
- each shard is a whole Pagefind bundle under `pagefind/<key>/`; `pagefind/shards.json` names the
  main one and the others, which the search page merges with Pagefind's `mergeIndex`. The UI
  files are copied to `pagefind/` from the main bundle;
- a shard records what it was made from (`sitegen-shard.json`: a hash of Pagefind's version and
  each page's path and bytes) and is carried over, not indexed again, while that is unchanged.
  The bytes are read anyway (for the mark above); a hash of them, unlike file times, is the
  same for the same site on any machine, so two builds of one archive publish the same stamp.

No `mergeFilter` is set: every story page carries its own `year` filter values, all the years of
its reports, where a shard's tag would give a story that spans New Year only its first year.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sitegen import pool
from sitegen.write import clear_path, write_new

BUNDLE = "pagefind"
STAMP = "sitegen-shard.json"
LIST = "shards.json"
MARK = b"data-pagefind-body"
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")


class SearchIndexError(Exception):
    pass


@dataclass(frozen=True)
class StoryPlace:
    """Where a story's pages go: its year's shard, in the order of its first report."""

    year: str  # "2024", or "undated"
    order: str  # sorts the year's stories by date (ISO time, then slug)


@dataclass(frozen=True)
class Shard:
    key: str
    pages: tuple[str, ...]  # HTML files, relative to the site root
    stamp: str = ""  # what the shard is made from; equal stamps, equal bundles


@dataclass
class SearchIndex:
    pages: int  # pages indexed in all shards (carried ones counted from their stamps)
    shards: list[str] = field(default_factory=list)  # keys, main first
    indexed: list[str] = field(default_factory=list)  # the shards Pagefind ran on this time
    peak_mib: float = 0.0  # the largest Pagefind run's peak resident memory


def story_places(stories: Iterable[tuple[str, datetime | None]]) -> dict[str, StoryPlace]:
    """Each story's folder name (its slug) → its shard year and date order, from
    (story url, first published) pairs."""
    places = {}
    for url, first in stories:
        slug = url.strip("/").split("/")[-1]
        if first is None:
            places[slug] = StoryPlace("undated", slug)
        else:
            places[slug] = StoryPlace(f"{first:%Y}", f"{first.isoformat()} {slug}")
    return places


@dataclass(frozen=True)
class PageFile:
    size: int
    digest: str  # of its bytes: a shard's stamp, the same for the same pages on any machine


def indexable(root: Path, html: list[str]) -> dict[str, PageFile]:
    """The pages Pagefind would index, read once: when any page marks `data-pagefind-body`,
    those alone (Pagefind's own rule), else all. The others are left out of the shards:
    Pagefind would read each one only to skip it, and at 100,000 articles the 13,000 list and
    report pages that way raised the main shard's run from about 1.3 to 2.1 GiB. The test is for
    the text anywhere in the file, so a page that has the mark is never left out."""
    every: dict[str, PageFile] = {}
    marked: dict[str, PageFile] = {}
    for rel in html:
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        every[rel] = PageFile(len(data), hashlib.blake2b(data, digest_size=16).hexdigest())
        if MARK in data:
            marked[rel] = every[rel]
    return marked or every


def plan_shards(pages: Mapping[str, PageFile], places: Mapping[str, StoryPlace], budget: int) -> list[Shard]:
    """The shards, main (newest) first, each with at most `budget` bytes of story pages unless
    one story alone has more."""
    by_story: dict[str, list[str]] = {}
    rest: list[str] = []
    for rel in sorted(pages):
        parts = rel.split("/")
        if len(parts) > 2 and parts[0] == "stories" and parts[1] in places:
            by_story.setdefault(parts[1], []).append(rel)
        else:
            rest.append(rel)
    years: dict[str, list[str]] = {}
    for slug in sorted(by_story, key=lambda s: places[s].order):
        years.setdefault(places[slug].year, []).append(slug)
    shards: list[tuple[str, list[str]]] = []
    for year in sorted(years, key=lambda y: (y == "undated", [-ord(c) for c in y])):
        cuts: list[list[str]] = [[]]
        size = 0
        for slug in years[year]:
            weight = sum(pages[p].size for p in by_story[slug])
            if cuts[-1] and size + weight > budget:
                cuts.append([])
                size = 0
            cuts[-1].extend(by_story[slug])
            size += weight
        named = [(year, cuts[0])] if len(cuts) == 1 else [(f"{year}-{i}", c) for i, c in enumerate(cuts, 1)]
        shards.extend(reversed(named))  # newest part first
    if not shards:
        shards = [("site", [])]
    main, first = shards[0]
    shards[0] = (main, first + rest)
    return [Shard(key, tuple(sorted(keys)), _stamp(keys, pages)) for key, keys in shards]


def _stamp(keys: Iterable[str], pages: Mapping[str, PageFile]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(pagefind_version().encode())
    for rel in sorted(keys):
        digest.update(f"\0{rel}\0{pages[rel].digest}".encode())
    return digest.hexdigest()


_version: str | None = None


def pagefind_version() -> str:
    """The installed Pagefind's version: another version may write other bundles."""
    global _version
    if _version is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            _version = version("pagefind")
        except PackageNotFoundError:
            _version = "unknown"
    return _version


def index_site(
    root: Path,
    places: Mapping[str, StoryPlace],
    budget: int,
    live: Path | None = None,
    html: Iterable[str] | None = None,
) -> SearchIndex:
    """Index the site at `root` into `root/pagefind/`, shard by shard. A shard whose stamp is
    unchanged is kept as it is in `root`, or linked in from `live` (the site being served, when
    `root` is a staging folder); the others are indexed again. `html`: the site's pages, when
    `root` may hold others (a staging folder before its sweep); else every HTML file in it."""
    if html is None:
        html = [p.relative_to(root).as_posix() for p in root.rglob("*.html")]
    html = [p for p in html if p.endswith(".html") and p.split("/")[0] != BUNDLE]
    shards = plan_shards(indexable(root, sorted(html)), places, budget)
    bundle = root / BUNDLE
    bundle.mkdir(exist_ok=True)
    result = SearchIndex(0, [s.key for s in shards])
    todo: list[tuple[Path, Shard, Path]] = []
    for shard in shards:
        here = bundle / shard.key
        found = _reusable(here, shard.stamp)
        if found is None and live is not None and live != root:
            found = _reusable(live / BUNDLE / shard.key, shard.stamp)
            if found is not None:
                link_tree(live / BUNDLE / shard.key, here)
        if found is None:
            todo.append((root, shard, here))
        else:
            result.pages += found
    # one run at a time here (each holds its shard in memory); on a Dask cluster, a run per worker
    at_once = len(todo) if pool.distributed() else len(todo) + 1
    for (_, shard, _), (found, peak) in zip(
        todo, pool.map_chunks(_index_chunk, todo, minimum=at_once, chunk=1), strict=True
    ):
        result.indexed.append(shard.key)
        result.peak_mib = max(result.peak_mib, peak)
        result.pages += found
    wanted = {s.key for s in shards}
    for entry in bundle.iterdir():
        if entry.name not in wanted:
            clear_path(entry)
    main = bundle / shards[0].key
    for name in UI_FILES:
        write_new(bundle / name, (main / name).read_bytes())
    listing = {"main": f"{shards[0].key}/", "merge": [f"{s.key}/" for s in shards[1:]]}
    write_new(bundle / LIST, (json.dumps(listing, indent=1) + "\n").encode())
    return result


def _reusable(folder: Path, stamp: str) -> int | None:
    """The number of pages in the shard at `folder` when it was made from `stamp`, else None."""
    try:
        made = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(made, dict) or made.get("stamp") != stamp or not (folder / "pagefind-entry.json").is_file():
        return None
    pages = made.get("pages")
    return pages if isinstance(pages, int) else None


def _index_chunk(chunk: list[tuple[Path, Shard, Path]]) -> list[tuple[int, float]]:
    return [_index_shard(root, shard, target) for root, shard, target in chunk]


def _index_shard(root: Path, shard: Shard, target: Path) -> tuple[int, float]:
    """One Pagefind run over the shard's pages, linked into a folder of their own at the same
    paths (so URLs are the site's); the bundle replaces `target` in one rename. Returns the
    pages indexed and the run's peak memory in MiB."""
    work = Path(tempfile.mkdtemp(prefix=f".{root.name}.pagefind-", dir=root.parent))
    try:
        site = work / "site"
        for rel in shard.pages:
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(root / rel, path)
            except OSError:
                shutil.copy2(root / rel, path)
        out = work / "bundle"
        pages, peak = run_pagefind(site, out)
        (out / STAMP).write_text(json.dumps({"stamp": shard.stamp, "pages": pages}) + "\n", encoding="utf-8")
        old = work / "old"
        if target.exists():
            os.replace(target, old)
        os.replace(out, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return pages, peak


def run_pagefind(site: Path, out: Path) -> tuple[int, float]:
    """The Pagefind CLI (from the `pagefind[extended]` wheel) over `site`, its bundle into
    `out`; the pages it indexed and its peak memory in MiB."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(out)]
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        # wait4, not wait: its peak memory, which counts the binary the wrapper waits for
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = code = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    if code != 0:
        raise SearchIndexError(f"pagefind failed (exit {code}): {output.strip()[-2000:]}")
    match = re.search(r"Indexed (\d+) page", output)
    return (int(match.group(1)) if match else 0), usage.ru_maxrss / 1024


def link_tree(source: Path, target: Path) -> None:
    """`target` becomes a copy of `source` made of hard links (files are never written in place)."""
    clear_path(target)
    for folder, _, files in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(folder, name), into / name)
            except OSError:
                shutil.copy2(Path(folder, name), into / name)
