"""`build()`: the stages in order, each timed: load → cluster → summarize → render → index → swap."""

from __future__ import annotations

import ctypes
import gc
import itertools
import resource
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen import semantic, story_pages
from sitegen.cluster import Clustering, cluster_stories
from sitegen.config import ConfigError, SiteConfig, is_web_address, load_config, require_site
from sitegen.datafiles import data_files
from sitegen.diagnostics import Report
from sitegen.features import ArticleTerms
from sitegen.load import load_articles
from sitegen.memo import Memo, Table, fingerprint
from sitegen.model import Archive, Article
from sitegen.pages import Page, plan_pages, source_slugs, story_links, story_views
from sitegen.progress import Progress, no_progress
from sitegen.render import environment, render_page, template_salt, theme_dir
from sitegen.search import SearchIndex, SearchIndexError, index_site, story_places
from sitegen.stories import finish_archive, plan_stories, summarize_all
from sitegen.story_ids import StoryRegistry
from sitegen.write import Output, StagingOutput

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
    search: SearchIndex | None = None  # the shards, when the index was made
    timings: dict[str, float] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)  # every file the build put in the output, by path


def build(
    site_dir: Path,
    *,
    search: bool = True,
    use_cache: bool = True,
    base_url: str | None = None,
    log: Log = print,
    progress: Progress = no_progress,
    memo: Memo | None = None,
    output: Output | None = None,
    first: Collection[str] = (),
    on_first: Callable[[set[str]], None] | None = None,
    changed: Collection[Path] | None = None,
) -> BuildResult:
    """Build the site at `site_dir` into its output folder. Raises ConfigError on a bad config.
    `log` hears one line per stage; `progress` draws the long stages as they go.

    Every stage keeps its results in `memo` (by default the build cache on disk, unless
    `use_cache` is off) under a hash of its inputs, and does only the work it finds no result
    for. A caller that passes a `memo` keeps it warm between builds and saves it itself
    (`sitegen serve`); `output` is where files go (by default a staging folder swapped in at the
    end, so a failed or killed build leaves the old site).

    `first` names pages (by output path) to render before all others when `output` writes in
    place: the pages open in a browser (`sitegen serve`), which `on_first` hears are written
    while the rest of the site is still being rendered. `changed` names every path changed
    since the last build with this `memo` (a watcher's events), when the caller knows them: the
    content folder is then not listed and stated again."""
    config = load_config(site_dir)
    require_site(site_dir, config)
    if base_url:
        if not is_web_address(base_url):
            raise ConfigError(f"--base-url must be an absolute http(s) URL, got {base_url!r}")
        config = replace(config, base_url=base_url)
    owned = memo is None
    memo = memo if memo is not None else Memo(site_dir if use_cache else None)
    memo.begin()
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
        articles, terms, cache_hits = load_stage(site_dir, config, report, memo, progress, changed)
        note.append(f"{len(articles)} articles ({cache_hits} cached)")
    if owned:
        # kept even if a later stage fails; and out of memory: the terms go after clustering
        memo.release("parse")
    # the articles live until the end: keep the cyclic garbage collector from scanning them
    # again and again (on 10,000 articles it otherwise costs more time than summarizing)
    gc.freeze()
    with stage("cluster") as note:
        clustering, how = cluster_stage(site_dir, config, articles, report, terms, memo)
        del terms
        if owned:  # the parse table let the terms go (a preview's memo keeps them)
            _give_back()
        note.append(f"{len(clustering.groups)} stories ({how})" if how else f"{len(clustering.groups)} stories")
    report.articles_published = len(articles)
    output_dir = site_dir / config.output_dir
    out = output if output is not None else StagingOutput(output_dir)
    try:
        salt = template_salt(site_dir, config)  # what every page depends on besides its inputs
        with stage("summarize") as note:
            made = summarize_stage(site_dir, config, salt, articles, clustering, memo, out, report, progress)
            archive, written, cached = made
            note.append(f"{len(archive.stories)} summaries ({cached} cached)")
        result = BuildResult(config, archive, report, output_dir, cache_hits=cache_hits, timings=timings)
        with stage("render") as note:
            early = set(first) if out.in_place else set()
            unchanged = render_stage(
                site_dir, config, salt, archive, written, memo, out, report, progress, early, on_first
            )
            result.pages_written = out.files_written
            note.append(f"{unchanged} unchanged, {out.files_written} files")
        if search:
            with stage("search") as note:
                result.search = search_stage(out, archive, config, report)
                if result.search is not None:
                    result.search_pages = result.search.pages
                    shards = result.search
                    note.append(
                        f"{shards.pages} pages, {len(shards.indexed)} of {len(shards.shards)} shards indexed"
                        + (f" (Pagefind peak {shards.peak_mib:,.0f} MiB)" if shards.indexed else "")
                    )
        result.files = set(out.produced)
        out.commit(keep=("pagefind",) if result.search_pages is not None else ())
        if owned:
            memo.save()  # only now: the pages table describes the output folder just swapped in
        clustering.registry().write(site_dir / config.cluster.registry_file)
    except BaseException:
        out.discard()
        raise
    finally:
        gc.unfreeze()  # `sitegen serve` builds again in this process: let this build's objects go
    return result


def _give_back() -> None:
    """Hand memory freed by the C allocator back to the system. The terms let go after clustering
    are large buffers from malloc's heap, while the objects the later stages make come from
    Python's own arenas, which never reuse that heap: without this a 20,000-article build kept
    34 MB it had freed to the end (about 1.7 GB at a million). glibc only (elsewhere nothing happens)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def summarize_stage(
    site_dir: Path,
    config: SiteConfig,
    salt: str,
    articles: list[Article],
    clustering: Clustering,
    memo: Memo,
    out: Output,
    report: Report,
    progress: Progress = no_progress,
) -> tuple[Archive, set[str], int]:
    """The archive: every story with its summary, through the memo's summaries table (`salt`:
    the settings and templates, for the pages the pool renders); with the
    story pages already written and how many summaries the memo had. A clean build of many stories
    has each pool worker summarize a story and render its page in one go (`story_pages`)."""
    summaries = memo.table("summaries", f"summary|{config.summary.max_words}", report)
    plan = plan_stories(articles, clustering, config.summary, summaries)
    written: set[str] = set()
    if story_pages.worth_it(plan):
        rendered = _pages_table(memo, salt, out, report)
        slugs = source_slugs(articles)
        links = story_links(plan.drafts, slugs)
        advance = progress("summarize", len(plan.todo))
        site = (site_dir, config, salt)
        made, handled = story_pages.summarize_and_render(plan, links, slugs, out, site, memo.enabled, report, advance)
        written = set(handled)
        for path, page_print in handled.items():
            if page_print:
                rendered.put(path, page_print)
    else:
        made = summarize_all(plan, progress("summarize", len(plan.todo)) if plan.todo else None)
    return finish_archive(plan, clustering, made, summaries), written, len(plan.found)


def render_stage(
    site_dir: Path,
    config: SiteConfig,
    salt: str,
    archive: Archive,
    written: set[str],
    memo: Memo,
    out: Output,
    report: Report,
    progress: Progress = no_progress,
    first: Collection[str] = (),
    on_first: Callable[[set[str]], None] | None = None,
) -> int:
    """Every page but those `written` already, the static files and the data files, into `out`;
    a page whose key the memo's pages table (under `salt`) holds is carried over, not rendered. One page at a
    time, written as it is rendered: no site is ever held in memory whole. Returns how many
    pages were carried over.

    The pages in `first` come before all others (`on_first` hears which are in place): a
    preview's open page is current sooner. They are found by planning until the last of them
    is met (the story pages, planned second after the home pages, are met at once); the pages
    planned on the way are made next, so nothing is planned twice."""
    out.copy_tree(theme_dir(site_dir, config) / "static")
    out.copy_tree(site_dir / "static")
    rendered = _pages_table(memo, salt, out, report)
    env = environment(site_dir, config, salt, cached=memo.enabled)
    views = story_views(archive)
    unchanged = 0

    def make(page: Page) -> bool:
        """Whether the page is in the output (a template error leaves it out)."""
        nonlocal unchanged
        page_print = page.fingerprint() if memo.enabled else ""  # no cache: nothing to compare
        if page_print and rendered.get(page.path) == page_print and out.carry(page.path):
            rendered.put(page.path, page_print)  # same template, same context: same page
            unchanged += 1
            return True
        html = render_page(env, page, site_dir, report)
        if html is None:
            return False
        out.write_text(page.path, html)
        if page_print:
            rendered.put(page.path, page_print)
        return True

    pages = plan_pages(archive, config, skip=written, views=views)
    passed: list[Page] = []  # planned while looking for the first pages: made next, not planned again
    wanted = set(first) - written
    if wanted:
        made = set(first) & written
        for page in pages:
            if page.path not in wanted:
                passed.append(page)
                continue
            if make(page):
                made.add(page.path)
            wanted.discard(page.path)
            if not wanted:
                break
        if on_first is not None:
            on_first(made)
    advance = progress("render", None)
    for page in itertools.chain(passed, pages):
        advance(1)
        make(page)
    entries = memo.table("json", salt, report) if memo.enabled else None  # stories.json, a story each
    for rel, parts in data_files(archive, config, entries).items():
        out.write_parts(rel, parts)
    return unchanged


def _pages_table(memo: Memo, salt: str, out: Output, report: Report) -> Table:
    """Each page's key, as the page in the output was made: under `salt`, the settings and every
    template. Marked while pages are written in place (`sitegen serve`): until the table is
    saved, its copy on disk is not to be trusted."""
    rendered = memo.table("pages", salt, report)
    if out.in_place:
        rendered.writing()
    return rendered


def search_stage(out: Output, archive: Archive, config: SiteConfig, report: Report) -> SearchIndex | None:
    """Pagefind over the output, shard by shard (`sitegen.search`): only the shards whose pages
    changed are indexed again. None (and an error) when it failed."""
    places = story_places((s.url, s.first_published) for s in archive.stories.values())
    try:
        return index_site(out.root, places, config.search.shard_bytes, live=out.output_dir, html=out.produced)
    except (SearchIndexError, OSError) as exc:
        report.error("pagefind", str(exc))
        return None


def load_stage(
    site_dir: Path,
    config: SiteConfig,
    report: Report,
    memo: Memo,
    progress: Progress = no_progress,
    changed: Collection[Path] | None = None,
) -> tuple[list[Article], dict[str, ArticleTerms], int]:
    """Every article and its terms, through the memo's parse table; with the number of hits.
    The listing of the content folder stays in the memo, for a next build told what `changed`."""
    table = memo.table("parse", parse_salt(config), report)
    if config.cluster.semantic > 0 and not semantic.available():
        report.note("cluster.semantic", "wordllama is not installed: headlines are grouped by their words alone")
    previous = memo.in_memory.pop("listing", None)  # gone if this load fails part way
    content = site_dir / config.content_dir
    articles, terms, listing = load_articles(content, config, report, table, progress, previous, changed)
    memo.in_memory["listing"] = listing
    return articles, terms, table.hits


class _CountingStore:
    """The cluster table, counting the linkage pieces found in it and those linked again."""

    def __init__(self, store: Table) -> None:
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
    terms: Mapping[str, ArticleTerms] | None,
    memo: Memo,
) -> tuple[Clustering, str]:
    """Stories, with the ids the story registry remembers and the editors' pins; and how they
    were made: "reused" (the last build's), "linked N of M pieces" (the rest taken from the
    memo), or "" (no memo, or nothing needed linkage).

    Clustering is pure, so when nothing it reads changed (the articles' ids, dates, titles, pins
    and terms, the settings, the registry) the last build's result is reused: an edit that only
    touches an article's body past the words clustering reads, or a template edit, re-clusters
    nothing. Otherwise each linkage piece whose inputs are unchanged is taken from the memo."""
    registry_file = site_dir / config.cluster.registry_file
    previous, problem, registry = StoryRegistry.read(registry_file)
    if problem:
        report.warn(config.cluster.registry_file, problem)
    pins = {a.id: a.story for a in articles if a.story}
    table = memo.table("cluster", "cluster", report)
    inputs = _cluster_inputs(articles, terms, config) if memo.enabled else None
    if inputs is not None and isinstance(found := table.get(fingerprint(inputs, registry)), Clustering):
        table.retain()  # its pieces, for the next edit
        return found, "reused"
    counting = _CountingStore(table)
    clustering = cluster_stories(articles, config.cluster, previous, pins, terms, memo=counting)
    if inputs is not None:
        table.put(fingerprint(inputs, registry), clustering)
        # the registry this build leaves behind gives the same stories again: the next build,
        # which reads it, finds them under its key
        table.put(fingerprint(inputs, clustering.registry().text().encode()), clustering)
    pieces = counting.linked + counting.found
    return clustering, f"linked {counting.linked} of {pieces} pieces" if inputs is not None and pieces else ""


def _cluster_inputs(
    articles: list[Article], terms: Mapping[str, ArticleTerms] | None, config: SiteConfig
) -> str | None:
    """Everything `cluster_stories` reads but the registry, hashed; None when some article's
    terms are not known. Each article's terms carry a hash of all clustering reads of it
    (`ArticleTerms.clustered`), so the key costs a few bytes per article."""
    if terms is None:
        return None
    parts = []
    for a in articles:
        found = terms.get(a.id)
        if found is None or not found.clustered:
            return None
        # an id's length before it: no two lists of ids join into the same text
        parts.append(f"{len(a.id)}:{a.id}{found.clustered}")
    return fingerprint("clustering", config.cluster, "".join(parts))


def parse_salt(config: SiteConfig) -> str:
    """The settings a parse (and the terms made with it) depends on."""
    cluster = config.cluster
    meaning = cluster.semantic > 0 and semantic.available()  # whether short texts carry a meaning vector
    return fingerprint(
        "parse",
        config.language,
        config.max_file_bytes,
        cluster.lead_sentences,
        cluster.title_weight,
        meaning,
        config.sources,  # an outlet's name is read at parse
    )
