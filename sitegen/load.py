"""The load stage: content folder → Articles, through the parse cache, with unique ids."""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen import language
from sitegen.config import SiteConfig, SourceInfo
from sitegen.diagnostics import Diagnostic, Report, Skipped
from sitegen.documents import ContentFile, discover, read_document
from sitegen.features import ArticleTerms, article_terms
from sitegen.memo import Table
from sitegen.model import Article
from sitegen.parse import parse_article
from sitegen.pool import map_chunks
from sitegen.progress import Advance, Progress, no_progress


@dataclass(frozen=True)
class Loaded:
    """What reading one file produced; cached as a whole so its diagnostics replay on a warm build."""

    article: Article | None
    diagnostics: tuple[Diagnostic, ...]
    skipped: tuple[Skipped, ...]
    terms: ArticleTerms | None = None  # what clustering needs of the article
    language: tuple[bytes, str] | None = None  # the language detector's decision, if it ran


def file_digest(file: ContentFile, data: bytes) -> str:
    return hashlib.blake2b(file.rel.encode() + b"\0" + data, digest_size=16).hexdigest()


@functools.lru_cache(maxsize=4)
def _source_names(sources: tuple[tuple[str, SourceInfo], ...]) -> dict[str, str]:
    return {key: info.name for key, info in sources}


def _article_digest(file_key: str, lang: str, sources: tuple[tuple[str, SourceInfo], ...]) -> str:
    """What an article is made of: its file, and the settings its parse reads that can change
    what it shows (its language when none is found, its outlet's name). Summaries and pages are
    kept by it, so a changed setting remakes them; without sources the file's digest is enough
    but for the language."""
    settings = _settings_print(lang, sources)
    return hashlib.blake2b(f"{file_key}\0{settings}".encode(), digest_size=16).hexdigest()


@functools.lru_cache(maxsize=4)
def _settings_print(lang: str, sources: tuple[tuple[str, SourceInfo], ...]) -> str:
    return hashlib.blake2b(repr((lang, sources)).encode(), digest_size=8).hexdigest()


def load_file(file: ContentFile, data: bytes, config: SiteConfig) -> Loaded:
    report = Report()
    document = read_document(file, data, config.max_file_bytes, report)
    names = _source_names(config.sources)
    article = parse_article(document, config.language, report, names) if document else None
    if article is not None:  # hashed here, not passed in: the digest is of the bytes parsed
        article = replace(article, digest=_article_digest(file_digest(file, data), config.language, config.sources))
    terms = article_terms(article, config.cluster) if article else None
    detected = language.decision(document.body) if document and "lang" not in document.meta else None
    return Loaded(article, tuple(report.diagnostics), tuple(report.skipped), terms, detected)


# Each file's digest by its path, size, times and inode, as the last build found them: a file
# whose stat is unchanged is not read again (reading and hashing 10,000 files costs a warm build
# ~0.4 s; a stat ~0.01 ms). As in git's index, only files last changed over two seconds before a
# build began are recorded, so a write in the same clock tick as a build's read is never missed;
# the change time (ctime) also catches tools that put an old modification time back.
_FILE_INDEX = "files|"

PARALLEL_MIN = 400  # uncached files below this count parse in this process: a pool costs ~1 s to start
CHUNK = 100  # files per task: big enough to amortise pickling, small enough to balance the workers


@dataclass
class Listing:
    """The content folder as the last build in this process listed it, each file with its stat
    and digest: a rebuild told which paths changed (`sitegen serve` hears them from the
    watcher) lists and stats only those, not 10,000 files."""

    root: str
    existed: bool  # the content folder was there
    files: list[ContentFile]
    walked: Report  # what listing the folder reported (hidden files, unsupported types)
    stamps: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)  # rel → (stat, digest)

    @functools.cached_property
    def folders(self) -> set[str]:
        """The folders holding a listed file ("" the content folder itself, if it was there)."""
        return {posixpath.dirname(file.rel) for file in self.files} | ({""} if self.existed else set())

    @functools.cached_property
    def rels(self) -> set[str]:
        return {file.rel for file in self.files}


def _listing(content_dir: Path, report: Report, previous: Listing | None, changed: Collection[Path] | None) -> Listing:
    """The files to load. From `previous` when every `changed` path is a known file edited or
    deleted, or a known folder (whose own event says only that a file in it changed); anything
    else (a new file, a folder made or moved) lists the folder again, so a new file keeps its
    place in the walk's order and its report."""
    root = os.path.abspath(content_dir)
    if previous is not None and changed is not None and previous.root == root:
        rels, folders = previous.rels, previous.folders
        gone: set[str] = set()
        edited: set[str] = set()
        for changed_path in changed:
            path = Path(os.path.abspath(changed_path))
            if not path.is_relative_to(root):
                continue
            rel = path.relative_to(root).as_posix()
            rel = "" if rel == "." else rel
            if rel in rels:
                (edited if os.path.isfile(path) else gone).add(rel)
            elif not (rel in folders and path.is_dir()):
                break  # something new: list again
        else:
            report.files_read += previous.walked.files_read - len(gone)
            report.skipped.extend(previous.walked.skipped)
            report.diagnostics.extend(previous.walked.diagnostics)
            for rel in edited | gone:
                previous.stamps.pop(rel, None)  # stated again
            if not gone:
                return previous
            files = [file for file in previous.files if file.rel not in gone]
            return Listing(root, True, files, _without(previous.walked, gone), previous.stamps)
    walked = Report()
    existed = content_dir.is_dir()
    files = discover(content_dir, walked)
    report.files_read += walked.files_read
    report.skipped.extend(walked.skipped)
    report.diagnostics.extend(walked.diagnostics)
    return Listing(root, existed, files, walked)


def _without(walked: Report, gone: set[str]) -> Report:
    """What listing reported, less the files deleted since (none of them was skipped: a skipped
    file is not a listed one, and its deletion lists the folder again)."""
    return Report(walked.diagnostics, walked.skipped, walked.files_read - len(gone))


def load_articles(
    content_dir: Path,
    config: SiteConfig,
    report: Report,
    cache: Table,
    progress: Progress = no_progress,
    previous: Listing | None = None,
    changed: Collection[Path] | None = None,
) -> tuple[list[Article], dict[str, ArticleTerms], Listing]:
    """Every publishable article, and its terms by article id; everything else lands in the
    report with its reason. With the listing this made, for `previous` the next time, when the
    caller knows which paths `changed` since (`_listing`).

    Files the cache does not know are parsed by the worker pool when there are enough of them to
    pay for it (a clean build of a large archive); results keep file order.
    """
    results: list[Loaded | None] = []
    misses: list[tuple[int, ContentFile, str]] = []
    known = cache.get(_FILE_INDEX, count=False)
    known = known if isinstance(known, dict) else {}
    index: dict[str, tuple[tuple[int, ...], str]] = {}
    settled = time.time_ns() - 2_000_000_000
    listing = _listing(content_dir, report, previous, changed)
    stamps = listing.stamps
    for file in listing.files:
        ours = stamps.get(file.rel)  # set: the watcher saw no change since this process stated it
        if ours is None:
            try:
                found = os.stat(file.path)
                stamp: tuple[int, ...] = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
                entry = known.get(file.rel)
                if entry is not None and entry[0] == stamp:
                    key = entry[1]  # unchanged since a build read it: not read again
                else:
                    with open(file.path, "rb") as fh:
                        key = file_digest(file, fh.read())
            except OSError as exc:
                report.skip(file.rel, f"unreadable: {exc.strerror or exc}")
                continue
            ours = stamps[file.rel] = (stamp, key)
        stamp, key = ours
        if max(stamp[1], stamp[2]) < settled:  # modification and change times
            index[file.rel] = ours
        loaded = cache.get(key)
        if not isinstance(loaded, Loaded):
            misses.append((len(results), file, key))  # not the bytes: whoever parses reads them again
            loaded = None
        results.append(loaded)
    if misses:  # an edited file's language was decided on its last version, most likely the same opening
        language.remember(old.language for old in cache.previous() if isinstance(old, Loaded) and old.language)
    parsed = _parse_all(misses, config, progress("load", len(misses)) if misses else None)
    for (slot, _, key), loaded in zip(misses, parsed, strict=True):
        cache.put(key, loaded)
        results[slot] = loaded
    cache.put(_FILE_INDEX, index)
    articles: list[Article] = []
    terms: dict[str, ArticleTerms] = {}  # by path: ids are only final after dedupe_ids
    for loaded in results:
        assert loaded is not None
        report.diagnostics.extend(loaded.diagnostics)
        report.skipped.extend(loaded.skipped)
        if loaded.article is not None:
            articles.append(loaded.article)
            if loaded.terms is not None:
                terms[loaded.article.path] = loaded.terms
    articles = dedupe_ids(articles, report)
    return articles, {a.id: terms[a.path] for a in articles if a.path in terms}, listing


def _parse_all(misses: list[tuple[int, ContentFile, str]], config: SiteConfig, advance: Advance | None) -> list[Loaded]:
    jobs = [(file, config) for _, file, _ in misses]
    return map_chunks(_load_chunk, jobs, minimum=PARALLEL_MIN, chunk=CHUNK, advance=advance)


def _load_chunk(chunk: list[tuple[ContentFile, SiteConfig]]) -> list[Loaded]:
    """Read and parse; the bytes never cross processes, and a build never holds them all."""
    result = []
    for file, config in chunk:
        try:
            with open(file.path, "rb") as fh:
                data = fh.read()
        except OSError as exc:  # gone since it was hashed
            result.append(Loaded(None, (), (Skipped(file.rel, f"unreadable: {exc.strerror or exc}"),)))
            continue
        result.append(load_file(file, data, config))
    return result


def dedupe_ids(articles: list[Article], report: Report) -> list[Article]:
    """Two files claiming one id both stay: the later path gets a numbered id, with a warning on
    the file that was renamed naming the one that kept the id. Paths are ordered by their name
    without the extension, so `story.md` keeps the id before `story-2.md`."""
    if len({article.id for article in articles}) == len(articles):  # the usual case: nothing to rename
        return sorted(articles, key=_path_of)
    seen: dict[str, str] = {}
    result: list[Article] = []
    for article in sorted(articles, key=lambda a: (os.path.splitext(a.path)[0], a.path)):
        article_id = article.id
        n = 2
        while article_id in seen:
            article_id = f"{article.id}-{n}"
            n += 1
        if article_id != article.id:
            report.warn(
                article.path,
                f"id {article.id!r} is already used by {seen[article.id]}, which keeps it; "
                f"this file is published as {article_id!r}",
            )
            article = replace(article, id=article_id)
        seen[article_id] = article.path
        result.append(article)
    return sorted(result, key=_path_of)


def _path_of(article: Article) -> str:
    return article.path
