"""End to end: real builds into temp dirs, the real Pagefind binary, the CLI as users run it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from conftest import REPO, quiet_build, read_stories
from sitegen.build import build


def sitegen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_seeds_build_into_one_story_with_two_variants_and_a_search_index(seeds_site: Path) -> None:
    result = sitegen("build", cwd=seeds_site)
    assert result.returncode == 0, result.stderr
    stories = read_stories(seeds_site)
    assert len(stories) == 1
    story = stories[0]
    assert {a["id"] for a in story["articles"]} == {"000_195430f04631b808", "001_b05ba9de3f9c4bcc"}
    assert story["first_published"] == "2023-12-20T00:00:00Z"
    undated = next(a for a in story["articles"] if a["id"] == "000_195430f04631b808")
    assert undated["undated"] is True and undated["date"] == "2023-12-20T00:00:00Z"
    assert all(set(s["sources"]) <= set(story["sources"]) and s["sources"] for s in story["summary"])
    assert any(len(s["sources"]) == 2 for s in story["summary"])
    page = (seeds_site / "public" / story["path"] / "index.html").read_text("utf-8")
    assert page.count('class="variant"') == 2
    assert "Islamic Jihad plans to visit the Egyptian capital soon." in page  # variants in full
    assert "Undated" in page
    assert 'data-pagefind-filter="source:001_b05ba9de3f9c4bcc"' in page
    assert 'data-pagefind-filter="month">2023-12<' in page
    shards = json.loads((seeds_site / "public" / "pagefind" / "shards.json").read_text())
    assert shards == {"main": "2023/", "merge": []}  # one year: one shard
    assert (seeds_site / "public" / "pagefind" / "pagefind-ui.js").is_file()
    bundle = seeds_site / "public" / "pagefind" / "2023"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-ui.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 1  # story pages only
    assert "000_195430f04631b808.txt: note: no date" in result.stderr


def test_bundled_sample_archive_builds_every_page(tmp_path: Path) -> None:
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    result = quiet_build(site, search=False)
    assert not result.report.has_warnings
    stories = read_stories(site)
    multi = [s for s in stories if len(s["sources"]) >= 2]
    assert len(multi) >= 12
    assert sum(len(s["articles"]) for s in stories) == len(list((REPO / "content").rglob("*.*")))
    public = site / "public"
    for story in stories:
        page = (public / story["path"] / "index.html").read_text("utf-8")
        assert page.count('class="variant"') == len(story["articles"])
    home = (public / "index.html").read_text("utf-8")
    assert '<html lang="en">' in home and 'name="viewport"' in home
    if not (public / "page" / "2" / "index.html").exists():  # the top stories and the latest fit on one page
        assert all(s["path"] in home for s in stories)
    else:
        assert len(stories) > 20
    dates = [s["first_published"] for s in stories if s["first_published"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    for path in [
        "sources/index.html",
        "sources/harbor-gazette/index.html",
        "archive/index.html",
        "archive/2024/03/index.html",
        "search/index.html",
        "404.html",
        "css/site.css",
    ]:
        assert (public / path).is_file(), path
    for xml in ["feed.xml", "sitemap.xml"]:
        ET.parse(public / xml)  # well-formed
    spanish = next(s for s in stories if any(a["id"] == "cronica-andina/cortes-de-agua-embalse" for a in s["articles"]))
    page = (public / spanish["path"] / "index.html").read_text("utf-8")
    assert 'lang="es"' in page
    # its card on the home page says so too; an English card does not
    home_cards = re.findall(r'<li class="story-card">\s*<h2( lang="es")?><a href="/([^"]+)"', home)
    assert ("", spanish["path"]) not in home_cards and (' lang="es"', spanish["path"]) in home_cards
    assert any(lang == "" for lang, _ in home_cards)


def test_site_templates_override_the_theme(seeds_site: Path) -> None:
    (seeds_site / "templates").mkdir()
    (seeds_site / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}Lost at sea{% endblock %}'
    )
    quiet_build(seeds_site, search=False)
    assert "Lost at sea" in (seeds_site / "public" / "404.html").read_text()
    assert "Lost at sea" not in (seeds_site / "public" / "index.html").read_text()


def test_broken_template_names_file_and_line_and_the_rest_builds(seeds_site: Path) -> None:
    (seeds_site / "templates").mkdir()
    (seeds_site / "templates" / "404.html").write_text("line one\n{% if %}\n")
    result = sitegen("build", "--no-search", cwd=seeds_site)
    assert result.returncode == 1
    assert "templates/404.html:2: error: template error" in result.stderr
    assert (seeds_site / "public" / "index.html").is_file()
    assert not (seeds_site / "public" / "404.html").exists()


def test_strict_turns_warnings_into_failure(seeds_site: Path) -> None:
    (seeds_site / "content" / "bad.md").write_text("---\ndate: not-a-date\n---\nSome unrelated text about gardening.\n")
    assert sitegen("build", "--no-search", cwd=seeds_site).returncode == 0
    strict = sitegen("build", "--no-search", "--strict", cwd=seeds_site)
    assert strict.returncode == 1 and "bad.md:2: warning: unparseable date" in strict.stderr


def test_seeds_alone_pass_strict(seeds_site: Path) -> None:
    """An undated wire is a note, not a warning."""
    assert sitegen("build", "--no-search", "--strict", cwd=seeds_site).returncode == 0


def test_untrusted_text_is_escaped_in_every_page(make_site) -> None:
    site = make_site(
        {
            "content/x/a.md": (
                '---\ntitle: "<script>alert(1)</script> Flood"\nsource: "<img src=x onerror=alert(2)>"\n'
                'url: "javascript:alert(3)"\n---\nRiver <b onclick=alert(4)>flood</b> hits the town.\n'
            )
        }
    )
    quiet_build(site, search=False)
    for page in (site / "public").rglob("*.html"):
        text = page.read_text("utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text and "<b onclick" not in text, page
        assert 'href="javascript:' not in text.lower(), page


def test_import_jsonl_keeps_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    records = [
        {
            "id": "AP880911-0016",
            "title": "Hurricane Gilbert heads toward coast",
            "source": "AP",
            "date": "1988-09-11",
            "text": "Hurricane Gilbert swept toward the coast on Sunday.",
        },
        {"text": "A record with nothing but text, about a county fair."},
    ]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n")
    site = tmp_path / "site"
    site.mkdir()
    result = sitegen("import", str(jsonl), cwd=site)
    assert result.returncode == 0
    assert "in.jsonl:3: warning: invalid JSON" in result.stderr
    assert "in.jsonl:4: warning: record has no 'text'" in result.stderr
    quiet_build(site, search=False)
    articles = {a["id"]: a for s in read_stories(site) for a in s["articles"]}
    assert articles["AP880911-0016"]["source"] == "AP"
    assert articles["AP880911-0016"]["date"] == "1988-09-11T00:00:00Z"
    assert len(articles) == 2


def public_files(site: Path) -> dict[Path, bytes]:
    """Every file of the built site, by its path under public/."""
    return {p.relative_to(site / "public"): p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}


def test_warm_build_reuses_the_cache_and_writes_the_same_site(tmp_path: Path) -> None:
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    first = public_files(site)
    result = quiet_build(site, search=False)
    second = public_files(site)
    assert first == second
    assert result.cache_hits == result.report.articles_published == len(list((REPO / "content").rglob("*.*")))


def test_unknown_config_key_fails_with_its_name(seeds_site: Path) -> None:
    (seeds_site / "sitegen.toml").write_text('title = "x"\nbase_ulr = "https://x"\n')
    result = sitegen("build", cwd=seeds_site)
    assert result.returncode == 2 and "unknown key 'base_ulr'" in result.stderr


def test_worker_pool_builds_the_same_site_as_one_process(tmp_path: Path, monkeypatch) -> None:
    """Clean builds of large archives parse in worker processes, and summarize and render story
    pages there; the bundled archive is forced through that path here and must come out byte for
    byte as the serial build. The workers' page fingerprints must match the ones this process
    computes, or the next warm build could not carry their pages over."""
    import sitegen.load
    import sitegen.pool
    import sitegen.story_pages

    def built(name: str, **options: bool) -> dict[Path, bytes]:
        site = tmp_path / name
        if not site.exists():
            shutil.copytree(REPO / "content", site / "content")
        quiet_build(site, search=False, **options)
        return public_files(site)

    serial = built("serial", use_cache=False)
    monkeypatch.setattr(sitegen.load, "PARALLEL_MIN", 1)
    monkeypatch.setattr(sitegen.load, "CHUNK", 5)
    monkeypatch.setattr(sitegen.story_pages, "PARALLEL_MIN", 1)
    monkeypatch.setattr(sitegen.story_pages, "CHUNK", 3)
    pooled = built("pooled", use_cache=False)
    assert sitegen.pool._pool is not None  # the workers did run
    assert pooled == serial

    assert built("cached") == serial  # through the workers, with fingerprints
    stories = sorted((tmp_path / "cached" / "public" / "stories").rglob("index.html"))
    inodes = [p.stat().st_ino for p in stories]
    result = quiet_build(tmp_path / "cached", search=False)  # warm: nothing new to summarize
    assert [p.stat().st_ino for p in stories] == inodes  # every story page carried over
    assert public_files(tmp_path / "cached") == serial
    assert result.cache_hits == len(list((REPO / "content").rglob("*.*")))


def test_warm_build_carries_unchanged_pages_and_redoes_changed_ones(tmp_path: Path) -> None:
    """Pages whose template and context are unchanged come over from the last build; an edited
    article's story page, and every page after a template edit, are rendered again. Each build is
    its own process, as a user runs them."""
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    assert sitegen("build", "--no-search", cwd=site).returncode == 0
    before = {p: p.stat().st_ino for p in (site / "public").rglob("*.html")}
    edited = next((site / "content").rglob("*.md"))
    edited.write_text(edited.read_text("utf-8") + "\nA correction was appended by the desk.\n", "utf-8")
    assert sitegen("build", "--no-search", cwd=site).returncode == 0
    pages = {p: p.read_text("utf-8") for p in (site / "public").rglob("*.html")}
    changed = [p for p, text in pages.items() if "A correction was appended by the desk." in text]
    carried = [p for p in pages if before.get(p) == p.stat().st_ino]  # the same file, linked over
    assert changed and not set(changed) & set(carried)
    assert len(carried) > len(pages) // 2

    (site / "templates").mkdir()
    theme = REPO / "themes" / "default" / "templates" / "base.html"
    (site / "templates" / "base.html").write_text(theme.read_text("utf-8").replace("</body>", "<!-- v2 --></body>"))
    assert sitegen("build", "--no-search", cwd=site).returncode == 0
    assert all("<!-- v2 -->" in p.read_text("utf-8") for p in (site / "public").rglob("*.html"))


def test_clustering_is_reused_only_when_nothing_it_reads_changed(tmp_path: Path) -> None:
    """A build whose articles, settings and registry are as the last build left them reuses its
    stories; a new headline is read by clustering and is clustered again. Either way the site is
    the one a clean build makes."""
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")

    def cluster_line(**options: Any) -> str:
        lines: list[str] = []
        build(site, search=False, log=lines.append, **options)
        return next(line for line in lines if line.startswith("cluster"))

    assert "(reused)" not in cluster_line()
    assert "(reused)" in cluster_line()  # the registry the first build wrote gives the same stories
    warm = public_files(site)
    assert "(reused)" not in cluster_line(use_cache=False)
    assert public_files(site) == warm

    edited = next((site / "content").rglob("*.md"))
    text = edited.read_text("utf-8")
    assert '\ntitle: "' in text
    edited.write_text(text.replace('\ntitle: "', '\ntitle: "Update: ', 1), "utf-8")
    assert "(reused)" not in cluster_line()
    assert "Update:" in (site / "public" / "stories.json").read_text("utf-8")
    assert "(reused)" in cluster_line()
    warm = public_files(site)  # every page that shows the headline was made again: as a clean build
    cluster_line(use_cache=False)
    assert public_files(site) == warm


def test_an_edit_links_again_only_the_pieces_it_touched_and_builds_the_clean_site(tmp_path: Path) -> None:
    """At a low threshold the sample's stories need linkage; after a headline edit the build
    takes the untouched pieces from its cache, says so, and writes what a clean build writes."""
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    (site / "sitegen.toml").write_text("[cluster]\nthreshold = 0.02\n", "utf-8")

    def cluster_line(**options: Any) -> str:
        lines: list[str] = []
        build(site, search=False, log=lines.append, **options)
        return next(line for line in lines if line.startswith("cluster"))

    first = re.search(r"\(linked (\d+) of (\d+) pieces\)", cluster_line())
    assert first and first[1] == first[2]  # a first build links every piece
    quoted = [p for p in sorted((site / "content").rglob("*.md")) if '\ntitle: "' in p.read_text("utf-8")]
    for edited in quoted[:3]:
        text = edited.read_text("utf-8")
        edited.write_text(text.replace('\ntitle: "', '\ntitle: "Update: ', 1), "utf-8")
        found = re.search(r"\(linked (\d+) of (\d+) pieces\)", cluster_line())
        assert found and int(found[1]) < int(found[2]), (edited.name, found)
        warm = public_files(site)
        cluster_line(use_cache=False)
        assert public_files(site) == warm
        cluster_line()  # leave a cache that knows this edit for the next one


def folder_files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_staging_folder_kept_between_builds_never_alters_the_served_site(tmp_path: Path) -> None:
    """Builds stage into `.public.next`, which holds the site before last and shares unchanged
    files with the live one (hard links): writing into it must never change a file being served,
    whatever it held before (leftovers of a killed build are swept), and the result must be the
    site a clean build makes."""
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    kept = site / ".public.next"
    edited = next((site / "content").rglob("*.md"))
    original = edited.read_text("utf-8")

    quiet_build(site)  # with Pagefind: its index is written into the staging folder too
    first = public_files(site)
    assert any(p.parts[0] == "pagefind" for p in first)
    edited.write_text(original + "\nThe desk appended a first correction.\n", "utf-8")
    quiet_build(site)
    second = public_files(site)
    assert second != first
    assert folder_files(kept) == first  # the previous site, whole and untouched

    # a killed build's leftovers in the staging folder, and a page the next build must replace
    (kept / "stories" / "left-over").mkdir(parents=True)
    (kept / "stories" / "left-over" / "index.html").write_text("stale")
    (kept / "junk.html").write_text("stale")
    # an article of another story: its page is one the last build carried over (shared with
    # the live site), which this build must write anew, not through the link
    story_of = {a["path"]: s["id"] for s in read_stories(site) for a in s["articles"]}
    rel = edited.relative_to(site / "content").as_posix()
    other = next(p for p, story in story_of.items() if story != story_of[rel])
    (site / "content" / other).write_text(
        (site / "content" / other).read_text("utf-8") + "\nThe desk appended a second correction.\n", "utf-8"
    )
    quiet_build(site, search=False)
    third = public_files(site)
    assert folder_files(kept) == second  # the site this build replaced, still whole
    assert not any(p.parts[0] == "pagefind" for p in third)  # --no-search: no stale index

    clean = tmp_path / "clean"
    shutil.copytree(site / "content", clean / "content")
    shutil.copy(site / "story-ids.json", clean / "story-ids.json")
    quiet_build(clean, search=False, use_cache=False)
    assert third == public_files(clean)


def test_build_cache_rewrites_only_changed_shards_and_discards_a_corrupt_one(tmp_path: Path) -> None:
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    clean = public_files(site)
    shards = sorted((site / ".sitegen-cache" / "parse").glob("*.pickle"))
    assert len(shards) == 16
    written = {p: p.stat().st_mtime_ns for p in shards}

    edited = next((site / "content").rglob("*.md"))
    edited.write_text(edited.read_text("utf-8") + "\nOne more line from the desk.\n", "utf-8")
    quiet_build(site, search=False)
    rewritten = [p for p in shards if p.stat().st_mtime_ns != written[p]]
    assert 1 <= len(rewritten) <= 2  # the edited file's new entry, and its old one dropped

    max(shards, key=lambda p: p.stat().st_size).write_bytes(b"not a pickle")
    result = quiet_build(site, search=False)
    assert any("build cache unreadable" in d.message and d.level == "warning" for d in result.report.diagnostics)
    assert result.cache_hits < result.report.articles_published  # that shard's files parsed again
    edited.write_text(edited.read_text("utf-8").replace("\nOne more line from the desk.\n", ""), "utf-8")
    quiet_build(site, search=False)
    assert public_files(site) == clean


def test_a_preview_stopped_mid_rebuild_leaves_no_page_a_later_build_trusts(tmp_path: Path) -> None:
    """`sitegen serve` writes pages in place and saves what they are made of after the reload.
    Stopped in between, the saved record describes pages no longer there: had the next build
    trusted it, undoing the edit would have kept the edited page."""
    from sitegen.live import Change, LiveSite

    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    live = LiveSite(site, log=lambda _: None)
    live.rebuild(Change.CONFIG)
    live.finish()
    edited = next((site / "content").rglob("*.md"))
    original = edited.read_text("utf-8")
    edited.write_text(original + "\nA sentence the preview showed and the desk withdrew.\n", "utf-8")
    assert live.rebuild(Change.ARTICLE).pages_written > 0  # written in place; no finish(): stopped here
    assert any(b"the desk withdrew" in data for data in public_files(site).values())
    edited.write_text(original, "utf-8")
    result = quiet_build(site, search=False)
    assert any(d.path == ".sitegen-cache/pages" and d.level == "note" for d in result.report.diagnostics)
    warm = public_files(site)
    quiet_build(site, search=False, use_cache=False)
    assert warm == public_files(site)
    assert not any(b"the desk withdrew" in data for data in warm.values())


def test_a_cache_shard_from_another_version_is_a_note_not_a_warning(tmp_path: Path) -> None:
    """After an upgrade the cache may name classes that moved: that is expected, not damage."""
    site = tmp_path / "seeds"
    shutil.copytree(REPO / "tests" / "seeds", site / "content")
    quiet_build(site, search=False)
    shard = next((site / ".sitegen-cache" / "parse").glob("*.pickle"))
    shard.write_bytes(b"\x80\x04csitegen.no_such_module\nLoaded\n)R.")  # an older sitegen's class
    result = quiet_build(site, search=False)
    levels = {d.level for d in result.report.diagnostics if d.path.startswith(".sitegen-cache")}
    assert levels == {"note"}, result.report.diagnostics
    assert result.report.articles_published == 2


def test_unchanged_files_are_not_read_again_and_a_changed_one_always_is(tmp_path: Path, monkeypatch) -> None:
    """A warm build trusts a file's recorded stat (size, times, inode) instead of reading it, but
    only for files settled before the build that recorded them: a same-size edit whose
    modification time was put back is still seen, through its change time."""
    import sitegen.load

    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    edited = next((site / "content").rglob("*.md"))
    time.sleep(2.1)  # older than the two seconds a file must have settled for to be recorded
    quiet_build(site, search=False)  # reads everything, records the settled files

    reads: list[str] = []
    digest = sitegen.load.file_digest
    monkeypatch.setattr(sitegen.load, "file_digest", lambda f, data: reads.append(f.rel) or digest(f, data))
    quiet_build(site, search=False)
    assert reads == []

    text = edited.read_text("utf-8")
    before = edited.stat()
    edited.write_text(text.replace("the", "tha", 1), "utf-8")  # same size
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert edited.stat().st_size == before.st_size and edited.stat().st_mtime_ns == before.st_mtime_ns
    quiet_build(site, search=False)
    assert set(reads) == {edited.relative_to(site / "content").as_posix()}  # hashed, then parsed
    assert "tha" in (site / "public" / "stories.json").read_text("utf-8") or text.count("the") == 0


def test_without_wordllama_headlines_are_grouped_by_words_and_the_build_says_so(make_site, monkeypatch) -> None:
    from conftest import quiet_build, read_stories
    from sitegen import semantic

    def headline(title: str) -> str:
        return f"---\ntitle: {title}\ndate: 2024-05-02\n---\n"

    site = make_site(
        {
            "content/a.md": headline("Carmaker recalls two million vehicles over faulty airbags"),
            "content/b.md": headline("Automaker pulls 2m cars off roads due to defective air bags"),
        }
    )
    assert len(read_stories(quiet_build(site, search=False).output_dir.parent)) == 1  # one story by meaning
    monkeypatch.setattr(semantic, "available", lambda: False)
    result = quiet_build(site, search=False)
    assert any("wordllama is not installed" in d.message for d in result.report.diagnostics)
    assert len(read_stories(site)) == 2  # by words alone: two stories, and no stale cached vector
