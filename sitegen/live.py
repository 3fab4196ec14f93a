"""What `sitegen serve` keeps between rebuilds: the memo, warm in memory, and the output it writes into.

A rebuild is `build()` itself, the same pipeline as `sitegen build`, with two differences: its
memo stays in memory from one edit to the next (nothing is read back from disk), and after the
first build it writes into the served folder directly (`LiveOutput`), only the files that
changed and each atomically, instead of staging a whole site and swapping it in. Whatever an
edit touches (an article, a template, a static file, the settings) is redone because its inputs'
hash changed, and nothing else: this module only says which edits matter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sitegen.build import Log, build
from sitegen.config import CONFIG_FILE, SOURCES_FILE, SiteConfig, load_config
from sitegen.diagnostics import Diagnostic, Level, Report
from sitegen.memo import Memo
from sitegen.render import theme_dir
from sitegen.search import StoryPlace, story_places
from sitegen.write import LiveOutput


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
        self.memo = Memo(site_dir)  # opened from disk once, then kept warm in memory
        self._output: LiveOutput | None = None  # None until a build has put a whole site in place
        self.places: dict[str, StoryPlace] = {}  # each story's search shard, as of the last build

    @property
    def output_dir(self) -> Path:
        return self.site_dir / self.config.output_dir

    def classify(self, path: Path) -> Change | None:
        """What a changed file is; None for files the site does not depend on: the output, hidden
        files (caches, staging folders, editors' swap files) and the story registry builds write."""
        site = self.site_dir.resolve()
        path = path.resolve()
        theme = theme_dir(self.site_dir, self.config).resolve()
        if path in (site / CONFIG_FILE, site / SOURCES_FILE):
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

    def rebuild(
        self,
        change: Change = Change.CONFIG,
        stage_log: Log | None = None,
        first: Collection[str] = (),
        on_first: Callable[[set[str]], None] | None = None,
        changed: Collection[Path] | None = None,
    ) -> Rebuild:
        """Bring the output up to date after a change of this kind; `stage_log` hears the stage
        lines, as `sitegen build` prints them. A settings change (or the first build) stages a
        whole site and swaps it in, since the output folder itself may have moved. The pages in
        `first` (the open ones) are made before the others, and `on_first` hears when they are
        in place (`build`); not on a rebuild that stages. `changed`: every path changed since the
        last rebuild, when the caller is sure it saw them all (the content folder is then not
        listed again)."""
        start = time.perf_counter()
        self.number += 1
        if change is Change.CONFIG:
            self.config = load_config(self.site_dir)
            self._output = None
            changed = None
        try:
            result = build(
                self.site_dir,
                search=False,
                log=stage_log or (lambda _: None),
                memo=self.memo,
                output=self._output,
                first=first,
                on_first=on_first,
                changed=changed,
            )
        except BaseException:
            self._output = None  # its state is unknown: the next rebuild stages a whole site
            raise
        self.places = story_places((s.url, s.first_published) for s in result.archive.stories.values())
        if self._output is None:
            self._output = LiveOutput(self.output_dir, result.files)
        return Rebuild(self.number, change, time.perf_counter() - start, result.pages_written, result.report)

    def finish(self) -> None:
        """What no open page waits for, left until the browser has been told to reload: the memo
        saved to disk, for the next `sitegen build` or `serve`."""
        self.memo.save()
