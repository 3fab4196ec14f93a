"""Clean builds of large archives: each worker summarizes a story and renders its page in one go.

Summarizing and rendering story pages are the two costliest per-story steps. Done apart, the
workers summarize while this process waits, then this process renders while the workers wait,
and a page's context would have to cross processes to be rendered elsewhere (measured: slower
than rendering here). Fused, the worker that has the story's articles for its summary builds
the page from them and writes it into the staging folder itself; only the summary, the page's
fingerprint and any diagnostics come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.context import StoryLink
from sitegen.diagnostics import Diagnostic, Report
from sitegen.model import Summary
from sitegen.pages import story_page
from sitegen.pool import map_chunks, workers
from sitegen.progress import Advance
from sitegen.render import environment, render_page
from sitegen.stories import Draft, StoryPlan
from sitegen.write import Output, make_folder, safe_target, write_new

PARALLEL_MIN = 300  # new summaries before the pool pays for itself (as for summaries alone)
CHUNK = 40


@dataclass(frozen=True)
class _Site:
    """What every task of a build shares; sent once per chunk."""

    site_dir: Path
    config: SiteConfig
    salt: str  # the templates and settings: a worker keeps one environment per salt
    root: Path  # the output's folder (the staging folder of a clean build)
    slugs: dict[str, str]
    fingerprints: bool


@dataclass(frozen=True)
class _Task:
    draft: Draft
    links: dict[str, StoryLink]  # the stories it links to as related


@dataclass(frozen=True)
class _Done:
    summary: Summary
    path: str
    written: bool
    fingerprint: str
    diagnostics: tuple[Diagnostic, ...]


def worth_it(plan: StoryPlan) -> bool:
    return len(plan.todo) >= PARALLEL_MIN and workers() >= 2


def summarize_and_render(
    plan: StoryPlan,
    links: dict[str, StoryLink],
    slugs: dict[str, str],
    out: Output,
    site: tuple[Path, SiteConfig, str],
    fingerprints: bool,
    report: Report,
    advance: Advance | None = None,
) -> tuple[list[Summary], dict[str, str]]:
    """The summaries of `plan.todo`, in order, with their pages written into `out`; and each
    page handled, with its fingerprint ("" without `fingerprints`, or when it failed to render:
    its error is in `report`, and rendering it again would only repeat it)."""
    site_dir, config, salt = site
    shared = _Site(site_dir, config, salt, out.root, slugs, fingerprints)
    tasks = []
    for index in plan.todo:
        draft = plan.drafts[index]
        tasks.append((shared, _Task(draft, {r: links[r] for r in draft.group.related if r in links})))
    summaries: list[Summary] = []
    handled: dict[str, str] = {}
    for done in map_chunks(_run_chunk, tasks, minimum=0, chunk=CHUNK, advance=advance):
        summaries.append(done.summary)
        report.diagnostics.extend(done.diagnostics)
        handled[done.path] = done.fingerprint
        if done.written:
            out.adopt(done.path)
    return summaries, handled


def _run_chunk(chunk: list[tuple[_Site, _Task]]) -> list[_Done]:
    return [_run(site, task) for site, task in chunk]


def _run(site: _Site, task: _Task) -> _Done:
    from sitegen.summarize import merge_summary  # scipy: loaded where summaries are made

    env = environment(site.site_dir, site.config, site.salt, site.fingerprints)
    draft = task.draft
    summary = merge_summary(draft.members, site.config.summary.max_words)
    page = story_page(draft.story(summary), draft.members, site.slugs, task.links)
    report = Report()
    html = render_page(env, page, site.site_dir, report)
    if html is not None:
        target = safe_target(site.root, page.path)
        make_folder(target.parent)
        write_new(target, html.encode("utf-8"))
    fingerprint = page.fingerprint() if site.fingerprints and html is not None else ""
    return _Done(summary, page.path, html is not None, fingerprint, tuple(report.diagnostics))
