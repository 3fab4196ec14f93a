"""`build()`: the stages in order, each timed: load → cluster → summarize → render → index → swap."""

from __future__ import annotations

import gc
import hashlib
import resource
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen import semantic, story_pages
from sitegen.archive import finish_archive, plan_stories, summarize_all
from sitegen.articles import load_articles
from sitegen.cache import ParseCache, Store
from sitegen.cluster import Clustering, cluster_stories
from sitegen.config import ConfigError, SiteConfig, is_web_address, load_config, require_site
from sitegen.diagnostics import Report
from sitegen.features import ArticleTerms
from sitegen.model import Archive, Article
from sitegen.progress import Progress, no_progress
from sitegen.render import (
    data_files,
    make_environment,
    plan_pages,
    render_page,
    source_slugs,
    story_links,
    story_views,
    theme_dir,
)
from sitegen.search import SearchIndexError, index_site
from sitegen.story_ids import StoryRegistry
from sitegen.write import StagingOutput

Log = Callable[[str], None]


@dataclass
class BuildResult:
    config: SiteConfig
    archive: Archive
    report: Report
    output_dir: Path
    pages_written: int = 0
    cache_hits: int = 0
    search_pages: int | None = None
    timings: dict[str, float] = field(default_factory=dict)


def build(
    site_dir: Path,
    *,
    search: bool = True,
    use_cache: bool = True,
    base_url: str | None = None,
    log: Log = print,
    progress: Progress = no_progress,
) -> BuildResult:
    """Build the site at `site_dir` into its output folder. Raises ConfigError on a bad config.
    `log` hears one line per stage; `progress` draws the long stages as they go."""
    config = load_config(site_dir)
    require_site(site_dir, config)
    if base_url:
        if not is_web_address(base_url):
            raise ConfigError(f"--base-url must be an absolute http(s) URL, got {base_url!r}")
        config = replace(config, base_url=base_url)
    report = Report()
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[list[str]]:
        note: list[str] = []
        start = time.perf_counter()
        yield note
        timings[name] = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        log(f"{name:<10} {' '.join(note):<32} {timings[name]:7.2f} s   peak {peak:,.0f} MiB")

    with stage("load") as note:
        articles, terms, cache_hits = load_stage(site_dir, config, report, use_cache, progress)
        note.append(f"{len(articles)} articles ({cache_hits} cached)")
    # the articles live until the end: keep the cyclic garbage collector from scanning them
    # again and again (on 10,000 articles it otherwise costs more time than summarizing)
    gc.freeze()
    with stage("cluster") as note:
        clustering, how = cluster_stage(site_dir, config, articles, report, terms, use_cache)
        del terms
        note.append(f"{len(clustering.groups)} stories ({how})" if how else f"{len(clustering.groups)} stories")
    report.articles_published = len(articles)
    output_dir = site_dir / config.output_dir
    out = StagingOutput(output_dir)
    try:
        with stage("summarize") as note:
            summaries = ParseCache.open(site_dir, f"summary|{config.summary.max_words}", use_cache, report, "summaries")
            salt = _page_salt(site_dir, config)
            rendered = ParseCache.open(site_dir, salt, use_cache, report, "pages")
            plan = plan_stories(articles, clustering, config.summary, summaries)
            done: set[str] = set()  # story pages the workers wrote
            if story_pages.worth_it(plan):
                slugs = source_slugs(articles)
                links = story_links(plan.shells, slugs)
                site = (site_dir, config, salt)
                advance = progress("summarize", len(plan.todo))
                made, handled = story_pages.summarize_and_render(
                    plan, links, slugs, out, site, use_cache, report, advance
                )
                done = set(handled)
                for path, fingerprint in handled.items():
                    if fingerprint:
                        rendered.put(path, fingerprint)
            else:
                made = summarize_all(plan, progress("summarize", len(plan.todo)) if plan.todo else None)
            archive = finish_archive(plan, clustering, made, summaries)
            summaries.save()
            note.append(f"{len(archive.stories)} summaries ({len(plan.found)} cached)")
        result = BuildResult(config, archive, report, output_dir, cache_hits=cache_hits, timings=timings)
        with stage("render") as note:
            out.copy_tree(theme_dir(site_dir, config) / "static")
            out.copy_tree(site_dir / "static")
            # one page at a time, written as it is rendered: no site is ever held in memory whole
            env = make_environment(site_dir, config, cached=use_cache)
            advance = progress("render", None)
            views = story_views(archive)
            for page in plan_pages(archive, config, skip=done, views=views):
                advance(1)
                fingerprint = page.fingerprint() if use_cache else ""  # --no-cache: nothing to compare
                if fingerprint and rendered.get(page.path) == fingerprint and out.carry(page.path):
                    rendered.put(page.path, fingerprint)  # same template, same context: same page
                    continue
                html = render_page(env, page, site_dir, report)
                if html is not None:
                    out.write_text(page.path, html)
                    if fingerprint:
                        rendered.put(page.path, fingerprint)
            note.append(f"{rendered.hits} unchanged,")
            entries = ParseCache.open(site_dir, salt, use_cache, report, "json")  # stories.json, a story each
            # without the cache, nothing to keep them for: at 100,000 articles they are ~250 MB
            for rel, parts in data_files(archive, config, views, entries if use_cache else None).items():
                out.write_parts(rel, parts)
            result.pages_written = out.files_written
            note.append(f"{out.files_written} files")
        if search:
            with stage("search") as note:
                try:
                    out.clear_folder("pagefind")
                    result.search_pages = index_site(out.root).pages
                    note.append(f"{result.search_pages} pages indexed")
                except SearchIndexError as exc:
                    report.error("pagefind", str(exc))
        out.commit(keep=("pagefind",) if result.search_pages is not None else ())
        entries.save()
        rendered.save()  # only now: it describes the output folder that was just swapped in
        clustering.registry().write(site_dir / config.cluster.registry_file)
    except BaseException:
        out.discard()
        raise
    finally:
        gc.unfreeze()  # `sitegen serve` builds again in this process: let this build's objects go
    return result


def load_stage(
    site_dir: Path, config: SiteConfig, report: Report, use_cache: bool, progress: Progress = no_progress
) -> tuple[list[Article], dict[str, ArticleTerms], int]:
    """Every article and its terms, through the parse cache; with the number of cache hits."""
    cache = ParseCache.open(site_dir, _fingerprint(config), use_cache, report)
    if config.cluster.semantic > 0 and not semantic.available():
        report.note("cluster.semantic", "wordllama is not installed: headlines are grouped by their words alone")
    articles, terms = load_articles(site_dir / config.content_dir, config, report, cache, progress)
    cache.save()
    return articles, terms, cache.hits


class _CountingStore:
    """The cluster cache, counting the linkage pieces found in it and those linked again."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.found = 0
        self.linked = 0

    def get(self, key: str) -> Any:
        value = self.store.get(key)
        self.found += value is not None
        return value

    def put(self, key: str, value: Any) -> None:
        self.linked += 1
        self.store.put(key, value)


def cluster_stage(
    site_dir: Path,
    config: SiteConfig,
    articles: list[Article],
    report: Report,
    terms: Mapping[str, ArticleTerms] | None = None,
    use_cache: bool = True,
) -> tuple[Clustering, str]:
    """Stories, with the ids the story registry remembers and the editors' pins; and how they
    were made: "reused" (the last build's), "linked N of M pieces" (the rest taken from the
    cache), or "" (no cache, or nothing needed linkage).

    Clustering is pure, so when nothing it reads changed (the articles' ids, dates, titles, pins
    and terms, the settings, the registry) the last build's result is reused: an edit that only
    touches an article's body past the words clustering reads, or a template edit, re-clusters
    nothing. Otherwise each linkage piece whose inputs are unchanged is taken from the cache."""
    registry_file = site_dir / config.cluster.registry_file
    previous, problem = StoryRegistry.read(registry_file)
    if problem:
        report.warn(config.cluster.registry_file, problem)
    pins = {a.id: a.story for a in articles if a.story}
    inputs = _cluster_inputs(articles, terms, config) if use_cache else None
    cache = ParseCache.open(site_dir, "cluster", inputs is not None, report, "cluster")
    if inputs is not None:
        registry = registry_file.read_bytes() if registry_file.is_file() else b""
        if isinstance(found := cache.get(_key(inputs, registry)), Clustering):
            return found, "reused"
    memo = _CountingStore(cache)
    clustering = cluster_stories(articles, config.cluster, previous, pins, terms, memo=memo)
    if inputs is not None:
        cache.put(_key(inputs, registry), clustering)
        # the registry this build leaves behind gives the same stories again: the next build,
        # which reads it, finds them under its key
        cache.put(_key(inputs, clustering.registry().text().encode()), clustering)
        cache.save()
    pieces = memo.linked + memo.found
    return clustering, f"linked {memo.linked} of {pieces} pieces" if inputs is not None and pieces else ""


def _cluster_inputs(
    articles: list[Article], terms: Mapping[str, ArticleTerms] | None, config: SiteConfig
) -> hashlib.blake2b | None:
    """Everything `cluster_stories` reads but the registry, hashed; None when some article's
    terms are not known."""
    if terms is None or any(a.id not in terms for a in articles):
        return None
    digest = hashlib.blake2b(repr(config.cluster).encode(), digest_size=16)
    for a in articles:
        digest.update(repr((a.id, a.date, a.title, a.title_derived, a.story)).encode())
        digest.update(terms[a.id].id_bytes)
        digest.update(terms[a.id].weight_bytes)
        digest.update(terms[a.id].meaning_bytes)
    return digest


def _key(inputs: hashlib.blake2b, registry: bytes) -> str:
    digest = inputs.copy()
    digest.update(registry)
    return digest.hexdigest()


def _page_salt(site_dir: Path, config: SiteConfig) -> str:
    """What every page depends on besides its context: the settings and every template file."""
    digest = hashlib.blake2b(repr(config).encode(), digest_size=16)
    for folder in (theme_dir(site_dir, config) / "templates", site_dir / "templates"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(config: SiteConfig) -> str:
    """The settings a cached parse (and the terms made with it) depends on."""
    cluster = config.cluster
    meaning = cluster.semantic > 0 and semantic.available()  # whether short texts carry a meaning vector
    settings = (config.language, config.max_file_bytes, cluster.lead_sentences, cluster.title_weight, meaning)
    return hashlib.sha1(repr(settings).encode()).hexdigest()
