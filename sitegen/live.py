"""A site kept in memory between rebuilds, for `sitegen serve`: each edit redoes only what it touches.

- An article edit reloads content (the parse cache makes unchanged files nearly free),
  re-clusters (grouping may change anywhere), re-summarizes only stories whose articles changed,
  and re-renders only the pages whose context changed: the edited story, and the lists, feed
  and sitemap entries that show it.
- A template edit re-renders every page (any page may use the template); a static file edit
  copies the static folders again. A `sitegen.toml` edit rebuilds everything.

Pages are written in place, each atomically (a temporary file renamed over the old one), so a
request never reads a half-written page; the browser is told to reload once all are written.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import jinja2

from sitegen.archive import build_archive, summary_key
from sitegen.build import Log, build, cluster_stage, load_stage
from sitegen.cache import ParseCache
from sitegen.cluster import Clustering
from sitegen.config import SiteConfig, load_config
from sitegen.context import PageContext
from sitegen.diagnostics import Diagnostic, Level, Report
from sitegen.model import Archive
from sitegen.render import data_files, make_environment, plan_pages, render_page, theme_dir


class Change(StrEnum):
    """What an edited file is, in increasing order of the work it takes."""

    STATIC = "static"
    ARTICLE = "article"
    TEMPLATE = "template"
    CONFIG = "config"


@dataclass
class Rebuild:
    number: int
    change: Change
    seconds: float
    pages_written: int
    report: Report = field(default_factory=Report)  # everything the rebuild reported, notes included

    @property
    def problems(self) -> list[Diagnostic]:
        """Its errors and warnings, each once: what the open pages show in their overlay."""
        return [d for d in self.report.unique() if d.level in (Level.ERROR, Level.WARNING)]


class LiveSite:
    """The site in `site_dir`, its output kept current by `rebuild`. Not thread-safe: one caller."""

    def __init__(self, site_dir: Path, log: Log = print) -> None:
        self.site_dir = site_dir
        self.log = log
        self.number = 0
        self.config: SiteConfig = load_config(site_dir)
        self._summaries = ParseCache(None, "")  # in memory: each rebuild keeps what it used
        self._env: jinja2.Environment | None = None  # kept until a template changes
        self._pages: dict[str, tuple[str, PageContext]] = {}  # path -> (template, context) as written
        self._extras: dict[str, str] = {}  # stories.json, _redirects: path -> text as written
        self._pending: tuple[Archive, Clustering, bool] | None = None  # for `finish`

    @property
    def output_dir(self) -> Path:
        return self.site_dir / self.config.output_dir

    def classify(self, path: Path) -> Change | None:
        """What a changed file is; None for files the site does not depend on: the output, hidden
        files (caches, staging folders, editors' swap files) and the story registry builds write."""
        site = self.site_dir.resolve()
        path = path.resolve()
        theme = theme_dir(self.site_dir, self.config).resolve()
        if path == site / "sitegen.toml":
            return Change.CONFIG
        if path.is_relative_to(theme):
            return Change.TEMPLATE if path.is_relative_to(theme / "templates") else Change.STATIC
        if not path.is_relative_to(site) or any(p.startswith(".") for p in path.relative_to(site).parts):
            return None
        if path.is_relative_to(site / self.config.output_dir) or path == site / self.config.cluster.registry_file:
            return None
        for folder, change in (
            (self.config.content_dir, Change.ARTICLE),
            ("templates", Change.TEMPLATE),
            ("static", Change.STATIC),
        ):
            if path.is_relative_to(site / folder):
                return change
        return None

    def rebuild(self, change: Change = Change.CONFIG, stage_log: Log | None = None) -> Rebuild:
        """Bring the output up to date after a change of this kind (CONFIG: everything);
        `stage_log` hears a full build's stage lines, as `sitegen build` prints them."""
        start = time.perf_counter()
        self.number += 1
        report = Report()
        if change is Change.CONFIG or not self._pages:
            self._pending = None
            written = self._full(report, stage_log or (lambda _: None))
        elif change is Change.STATIC:
            self._copy_static()
            written = 0
        else:
            written = self._pages_for(report, rerender_all=change is Change.TEMPLATE)
        return Rebuild(self.number, change, time.perf_counter() - start, written, report)

    def _full(self, report: Report, stage_log: Log) -> int:
        """A clean build through the staging folder, then the page contexts it wrote remembered."""
        self.config = load_config(self.site_dir)
        self._summaries = ParseCache(None, "")
        self._env = None
        self._pages.clear()
        self._extras.clear()
        result = build(self.site_dir, search=False, log=stage_log)
        report.diagnostics.extend(result.report.diagnostics)
        report.skipped.extend(result.report.skipped)
        report.files_read, report.articles_published = result.report.files_read, result.report.articles_published
        archive = result.archive
        templates: set[str] = set()
        for page in plan_pages(archive, self.config):
            templates.add(page.template)
            if (self.output_dir / page.path).is_file():
                self._pages[page.path] = (page.template, page.context)
        self._extras = {path: "".join(parts) for path, parts in data_files(archive, self.config).items()}
        for story in archive.stories.values():
            members = [archive.articles[a] for a in story.article_ids]
            self._summaries.put(summary_key(members, self.config.summary.max_words), story.summary)
        self._summaries.next_round()
        # ready for the first edit: the templates compiled
        self._env = make_environment(self.site_dir, self.config, cached=True)
        for template in templates:
            self._env.get_template(template)
        return result.pages_written

    def _pages_for(self, report: Report, rerender_all: bool) -> int:
        config = self.config
        articles, terms, _ = load_stage(self.site_dir, config, report, use_cache=True)
        clustering, _ = cluster_stage(self.site_dir, config, articles, report, terms)
        archive = build_archive(articles, clustering, config.summary, self._summaries)
        self._summaries.next_round()

        if self._env is None or rerender_all:
            self._env = make_environment(self.site_dir, config, cached=True)
        env = self._env
        written = 0
        planned: set[str] = set()
        for page in plan_pages(archive, config):
            planned.add(page.path)
            if not rerender_all and self._pages.get(page.path) == (page.template, page.context):
                continue
            html = render_page(env, page, self.site_dir, report)
            if html is None:
                self._pages.pop(page.path, None)  # render it again once the template is fixed
                continue
            self._write(page.path, html)
            self._pages[page.path] = (page.template, page.context)
            written += 1
        for gone in set(self._pages) - planned:
            self._remove(gone)
            del self._pages[gone]
        self._pending = (archive, clustering, report.has_errors)
        return written

    def finish(self) -> None:
        """What no open page shows, left until the browser has been told to reload: the archive
        as JSON, Netlify's redirects and the story registry."""
        if self._pending is None:
            return
        archive, clustering, failed = self._pending
        self._pending = None
        extras = {path: "".join(parts) for path, parts in data_files(archive, self.config).items()}
        for path in set(self._extras) | set(extras):
            if path not in extras:
                self._remove(path)
            elif self._extras.get(path) != extras[path]:
                self._write(path, extras[path])
        self._extras = extras
        if not failed:
            clustering.registry().write(self.site_dir / self.config.cluster.registry_file)

    def _copy_static(self) -> None:
        for folder in (theme_dir(self.site_dir, self.config) / "static", self.site_dir / "static"):
            if folder.is_dir():
                shutil.copytree(folder, self.output_dir, dirs_exist_ok=True, symlinks=False)

    def _target(self, rel: str) -> Path:
        root = self.output_dir.resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or path == root:
            raise ValueError(f"refusing to write outside the output folder: {rel!r}")
        return path

    def _write(self, rel: str, text: str) -> None:
        path = self._target(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)

    def _remove(self, rel: str) -> None:
        self._target(rel).unlink(missing_ok=True)
