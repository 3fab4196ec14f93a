"""Hostile and broken input: every file accounted for, nothing executed, nothing outside the output.

`tests/sites/hostile/` holds one file for each kind of trouble archives arrive with. Each file is
checked against the build's report: published (with the warnings it deserves, on the right line)
or skipped (with its reason).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import REPO, group_gone, quiet_build, read_stories

HOSTILE = REPO / "tests" / "sites" / "hostile"

# file → (published id or None when skipped, [(words the diagnostic holds, its line)])
EXPECTED: dict[str, tuple[str | None, list[tuple[str, int | None]]]] = {
    "harbor-gazette/river-crossing-closed.md": ("harbor-gazette/river-crossing-closed", []),
    "valley-courier/larkin-bridge-shut.md": ("valley-courier/larkin-bridge-shut", []),
    "broken-yaml.md": ("broken-yaml", [("malformed YAML front matter", 2)]),
    "impossible-date.md": ("impossible-date", [("unparseable date '2024-02-30'", 3)]),
    "unparseable-date.md": ("unparseable-date", [("unparseable date 'next Tuesday'", 3)]),
    "not-a-mapping.md": ("not-a-mapping", [("not a mapping", 2)]),
    "unclosed-front-matter.md": ("unclosed-front-matter", [("never closed", 1)]),
    "windows-1252.txt": ("windows-1252", [("not valid UTF-8; read as Windows-1252", 1)]),
    "control-characters.md": ("control-characters", []),
    "duplicate-a.md": ("shared-id", []),
    "duplicate-b.md": ("shared-id-2", [("id 'shared-id' is already used by duplicate-a.md", None)]),
    "path-tricks.md": (
        "outside/escaped",
        [("holds path parts", 2), ("looks like a path", 3), ("story pin '../../../../tmp/pwned' is not a slug", 4)],
    ),
    "backslash-source.md": ("win", [("holds path parts", 2), ("looks like a path", 3)]),
    "xss/title.md": ("xss/title", []),
    "xss/source.md": ("xss/source", []),
    "xss/body.md": ("xss/body", []),
    "xss/links.md": ("xss/links", []),
    "xss/tags.md": ("xss/tags", []),
    ".hidden.md": (None, [("hidden file", None)]),
    "binary.md": (None, [("binary file", None)]),
    "empty.md": (None, [("empty file", None)]),
    "whitespace-only.txt": (None, [("empty file", None)]),
    "photo.jpg": (None, [("unsupported file type '.jpg'", None)]),
    "too-large.md": (None, [("over the 8000-byte limit", None)]),
    "outside-link.md": (None, [("symlink pointing outside the content folder", None)]),
}


def hostile_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(HOSTILE, site, symlinks=True)  # the link must stay a link
    assert (site / "content" / "outside-link.md").is_symlink()
    return site


def listing(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_every_hostile_file_is_published_or_skipped_as_the_report_says(tmp_path: Path) -> None:
    site = hostile_site(tmp_path)
    around = listing(tmp_path)
    result = quiet_build(site, search=False)
    report = result.report

    on_disk = {
        p.relative_to(site / "content").as_posix()
        for p in (site / "content").rglob("*")
        if p.is_file() or p.is_symlink()
    }
    assert on_disk == set(EXPECTED)  # the table covers the whole sample
    assert report.files_read == len(EXPECTED)
    published = {a["path"]: a["id"] for s in read_stories(site) for a in s["articles"]}
    skipped = {s.path: s.reason for s in report.skipped}
    warnings = [d for d in report.diagnostics if d.level != "note"]
    for rel, (article_id, expected) in EXPECTED.items():
        if article_id is None:
            assert rel not in published, rel
            assert all(words in skipped[rel] for words, _ in expected), (rel, skipped.get(rel))
        else:
            assert published.get(rel) == article_id, rel
            assert rel not in skipped, rel
            found = [(d.message, d.line) for d in warnings if d.path == rel]
            for words, line in expected:
                assert any(words in message and at == line for message, at in found), (rel, words, found)
            assert len(found) == len(expected), (rel, found)
    assert report.articles_published == sum(1 for article_id, _ in EXPECTED.values() if article_id)

    # path tricks were slugified: the pinned story and the odd sources have pages under the output
    stories = {s["id"]: s for s in read_stories(site)}
    assert stories["tmp-pwned"]["articles"][0]["id"] == "outside/escaped"
    public = listing(site / "public")
    assert "stories/tmp-pwned/index.html" in public
    assert {"sources/etc-evil-source/index.html", "sources/c-windows-system32/index.html"} <= public
    assert not any(".." in p.split("/") for p in public)
    # and nothing was written outside the site but its output, staging, cache and registry
    made = listing(tmp_path) - around
    top = {p.split("/")[1] for p in made if p.startswith("site/") and p.count("/") >= 1}
    assert top <= {"public", ".public.next", ".public.lock", ".sitegen-cache", "story-ids.json"}, top
    assert all(p.startswith("site/") for p in made)

    for feed in ("feed.xml", "sitemap.xml"):  # control characters in articles are dropped on reading
        ElementTree.parse(site / "public" / feed)
    assert "\x1b" not in (site / "public" / "stories.json").read_text("utf-8")
    text = " ".join(a for s in read_stories(site) for a in (s["title"], *[x["text"] for x in s["summary"]]))
    assert "Café owners on the quay" in text and "fees – about forty" in text  # Windows-1252, read right


def test_the_build_exits_0_when_built_and_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    site = hostile_site(tmp_path)
    plain = subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-search"], cwd=site, capture_output=True)
    assert plain.returncode == 0, plain.stderr
    assert b"25 files read, 18 articles published, 7 skipped" in plain.stdout + plain.stderr
    strict = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--no-search", "--strict"], cwd=site, capture_output=True
    )
    assert strict.returncode != 0
    assert b"path-tricks.md:4: warning: story pin" in strict.stdout + strict.stderr


def test_no_script_from_content_runs_in_the_browser(tmp_path: Path, serve_dir, browser) -> None:
    """Script tags, event handlers, javascript:/data:/vbscript: links in any letter case, SVG
    onload and iframes, in bodies, titles, sources, authors, tags and original-article links:
    every page of the built site is opened in Chromium and none of them may run."""
    site = hostile_site(tmp_path)
    quiet_build(site)  # with Pagefind: the search page and its script are part of the site
    base = serve_dir(site / "public")
    pages = sorted(p.relative_to(site / "public").as_posix() for p in (site / "public").rglob("*.html"))
    assert len(pages) > 20
    ran: list[str] = []
    page = browser.new_page()
    page.on("console", lambda message: ran.append(message.text) if "XSS-RAN" in message.text else None)
    page.on("dialog", lambda dialog: (ran.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: ran.append(f"error: {error}") if "XSS-RAN" in str(error) else None)
    for path in pages:
        page.goto(base + path.removesuffix("index.html"))
        page.wait_for_load_state("load")
        if path.startswith("search/"):
            continue  # Pagefind's own interface, checked below with results on screen
        links = page.evaluate(
            "() => Array.from(document.querySelectorAll('[href],[src],[action],[formaction]'))"
            ".map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')"
            " || e.getAttribute('formaction') || '')"
        )
        dangerous = [u for u in links if u.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
        assert dangerous == [], (path, dangerous)
        handlers = page.evaluate(
            "() => Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
            ".filter(a => a.name.startsWith('on')).map(a => a.name)"
        )
        assert handlers == [], (path, handlers)
        # the only svgs are the theme's coverage charts (content cannot make a figure: raw HTML is escaped)
        charts = "figure.coverage-chart > svg, figure.outlet-chart > svg"
        unexpected = f'iframe, svg:not({charts}), script:not([src]):not([type="application/ld+json"])'
        assert page.locator(unexpected).count() == 0, path
        for data in page.locator('script[type="application/ld+json"]').all_text_contents():
            json.loads(data)  # the structured data is whole: no article text ended the element early
    # search results show excerpts, titles and filter values taken from the pages' text
    for query in ("storm", "schools", "lighthouse", "swell"):
        page.goto(base + f"search/?q={query}")
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
        page.locator(".pagefind-ui__filter-panel").wait_for()
        for name in page.locator("summary.pagefind-ui__filter-name").all():
            name.click()
        assert page.locator("input.pagefind-ui__filter-checkbox").count() > 0
        page.wait_for_timeout(300)
        assert page.locator("#search img, #search svg[onload], #search iframe").count() == 0, query
    labels = " ".join(page.locator(".pagefind-ui__filter-label").all_inner_texts())
    assert "\u2039img src=x onerror" in labels  # the hostile source is listed, as text
    titles = page.locator(".pagefind-ui__result-link").all_inner_texts()
    assert any("Swell warning" in t and "\u2039script\u203a" in t for t in titles), titles
    page.close()
    assert ran == []
    # the payloads are on the pages, shown as text
    story = next(s for s in read_stories(site) if any(a["path"] == "xss/body.md" for a in s["articles"]))
    html = (site / "public" / story["path"] / "index.html").read_text("utf-8")
    assert "&lt;script&gt;console.error(&#39;XSS-RAN-body&#39;)&lt;/script&gt;" in html


@pytest.mark.parametrize("name", ["outside-link.md"])
def test_a_symlink_out_of_content_is_never_read(tmp_path: Path, name: str) -> None:
    """The link's target is readable: skipping it is a decision, not an accident."""
    site = hostile_site(tmp_path)
    target = (site / "content" / name).resolve()
    secret = "A secret line that must never be published from outside the content folder."
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"---\ntitle: Secret\n---\n{secret}\n")
    quiet_build(site, search=False)
    assert secret not in (site / "public" / "stories.json").read_text("utf-8")
    assert not any(secret in p.read_text("utf-8") for p in (site / "public").rglob("*.html"))
    assert os.path.exists(target)


def test_a_build_killed_at_any_stage_leaves_the_old_site_or_the_new_one(tmp_path: Path) -> None:
    """`public/` is swapped in whole: a build killed while loading, clustering, summarizing,
    rendering or swapping leaves the previous site (or, after the swap, the new one), never a
    mixture; whatever the killed builds left behind, the next build makes the new site."""
    generated = tmp_path / "generated"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "synth.py"), "2400", str(generated), "--seed", "7"], check=True
    )
    files = sorted(p for p in (generated / "content").rglob("*.md"))
    site = tmp_path / "site"
    later = set(files[::3])  # a third of the coverage (800 articles) arrives after the first build
    for path in files:
        if path not in later:
            target = site / "content" / path.relative_to(generated / "content")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)

    def build_cli(where: Path, *options: str) -> None:
        done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-search", *options], cwd=where)
        assert done.returncode == 0

    build_cli(site)
    old = public_files(site)
    for path in later:
        target = site / "content" / path.relative_to(generated / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    reference = tmp_path / "reference"  # the new site, built clean from the same registry
    shutil.copytree(site / "content", reference / "content")
    shutil.copy(site / "story-ids.json", reference / "story-ids.json")
    build_cli(reference, "--no-cache")
    new = public_files(reference)
    assert new != old

    outcomes = []
    for trigger in ("started", "load", "cluster", "summarize", "render"):
        proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "sitegen", "build", "--no-search"],
            cwd=site,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group: the build and its pool's workers
        )
        assert proc.stdout is not None
        if trigger == "started":
            time.sleep(0.8)  # mid-load: the pool is parsing the new files
        else:
            for line in proc.stdout:
                if line.startswith(trigger):
                    break
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group, as a machine that dies would
        proc.wait()
        proc.stdout.close()
        assert group_gone(proc.pid), f"processes of the build killed at {trigger} are still running"
        now = public_files(site)
        assert now in (old, new), trigger
        outcomes.append("new" if now == new else "old")
    assert outcomes[0] == "old"  # killed mid-load, before anything could be swapped in
    build_cli(site)
    assert public_files(site) == new


def public_files(site: Path) -> dict[str, bytes]:
    root = site / "public"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_names_too_long_for_a_folder_are_cut_not_fatal(make_site) -> None:
    """A 300-character story pin once crashed the build (a folder name over 255 bytes); source,
    tag and pin slugs are cut to 80 characters, the pin with a warning on its line."""
    pin = "-".join(["word"] * 70)
    site = make_site(
        {
            "content/wire/long.md": (
                f"---\ntitle: Long names\nsource: {'Source ' * 60}\ndate: 2024-01-02\nstory: {pin}\n"
                f"tags: [{'tag' * 100}]\n---\nThe council met on Tuesday and approved the harbour budget.\n"
            )
        }
    )
    result = quiet_build(site, search=False)
    assert result.report.articles_published == 1
    warnings = [d for d in result.report.diagnostics if d.path == "wire/long.md"]
    assert [d.line for d in warnings if "story pin" in d.message] == [5]
    (story,) = read_stories(site)
    public = site / "public"
    folders = [p.name for p in public.rglob("*") if p.is_dir()]
    assert max(len(name) for name in folders) <= 80 + 9  # a cut tag slug carries "-" and a hash
    assert (public / story["path"] / "index.html").is_file()
    assert (public / story["tags"][0]["path"] / "index.html").is_file()
