"""The search index in shards: a Pagefind bundle per year (split when a year is too big), merged
in the browser, and only the shards whose pages changed indexed again."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime
from pathlib import Path

from conftest import REPO, quiet_build, read_stories
from sitegen.search import StoryPlace, indexable, plan_shards, story_places

SMALL = "[search]\nshard_megabytes = 0.08\n"  # the sample's two years cut into three parts each


def sample_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    (site / "sitegen.toml").write_text(SMALL, encoding="utf-8")
    return site


def shard_pages(public: Path) -> dict[str, dict[str, dict]]:
    """Each shard's indexed pages as Pagefind wrote them (url → fragment: content, filters)."""
    listing = json.loads((public / "pagefind" / "shards.json").read_text())
    found: dict[str, dict[str, dict]] = {}
    for key in [listing["main"], *listing["merge"]]:
        found[key] = {}
        for fragment in (public / "pagefind" / key / "fragment").iterdir():
            data = gzip.decompress(fragment.read_bytes())
            record = json.loads(data[data.index(b"{") :])
            found[key][record["url"]] = record
    return found


RESULT_PATHS = """() => Array.from(document.querySelectorAll(
    'li.pagefind-ui__result > .pagefind-ui__result-inner > .pagefind-ui__result-title > a'))
    .map(a => new URL(a.href).pathname)"""


def test_a_query_finds_stories_in_several_shards_and_the_year_filter_works(tmp_path: Path, serve_dir, browser) -> None:
    site = sample_site(tmp_path)
    result = quiet_build(site)
    assert result.search is not None and len(result.search.shards) >= 4
    public = site / "public"
    shards = shard_pages(public)
    assert result.search.shards == [key.rstrip("/") for key in shards]
    years = {key[:4] for key in shards}
    assert years == {"2024", "2025"}
    # each story page is in exactly one shard, the one of its first report's year
    owner = {url: key for key, pages in shards.items() for url in pages}
    stories = read_stories(site)
    assert sorted(owner) == sorted("/" + s["path"] for s in stories)
    for story in stories:
        assert owner["/" + story["path"]].startswith(story["first_published"][:4])

    # the oracle: the pages whose indexed text has the word, by shard
    word = "earthquake"
    holding = {url for pages in shards.values() for url, record in pages.items() if word in record["content"].lower()}
    assert len({owner[url][:4] for url in holding}) == 2, "the sample has an earthquake story in each year"

    base = serve_dir(public)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + f"search/?q={word}")
    page.wait_for_function(f"({RESULT_PATHS})().length >= {len(holding)}", timeout=20000)
    ranked = page.evaluate(RESULT_PATHS)
    found = set(ranked)
    # the pages that have the word come first, whichever shard they are in; after them at most
    # what a shard lacking the word matched by a prefix of it
    assert set(ranked[: len(holding)]) == holding
    assert len({owner[url] for url in found}) >= 2  # merged from more than one shard

    # the year filter counts and narrows across every shard
    page.locator(".pagefind-ui__filter-panel").wait_for(timeout=30000)
    page.locator("summary.pagefind-ui__filter-name", has_text="Year").click()
    page.locator("input.pagefind-ui__filter-checkbox[name=year][value='2024']").check()
    in_2024 = {url for url in found if "2024" in shards[owner[url]][url]["filters"].get("year", [])}
    assert in_2024 and in_2024 != found
    page.wait_for_function(f"({RESULT_PATHS})().length === {len(in_2024)}", timeout=15000)
    assert set(page.evaluate(RESULT_PATHS)) == in_2024
    assert errors == []
    page.close()


def test_a_warm_build_indexes_only_the_shards_whose_pages_changed(tmp_path: Path) -> None:
    site = sample_site(tmp_path)
    first = quiet_build(site)
    assert first.search is not None and first.search.indexed == first.search.shards
    public = site / "public"

    again = quiet_build(site)  # nothing changed: nothing indexed, every shard carried
    assert again.search is not None and again.search.indexed == []
    assert again.search.pages == first.search.pages

    # an edit to the oldest story: its shard only (the home and list pages that change with it
    # are not indexed: only story pages carry data-pagefind-body)
    oldest = min(read_stories(site), key=lambda s: s["first_published"])
    shards = shard_pages(public)
    oldest_shard = next(key for key, pages in shards.items() if "/" + oldest["path"] in pages).rstrip("/")
    untouched = [k for k in first.search.shards if k != oldest_shard]
    inodes = {k: {p: p.stat().st_ino for p in (public / "pagefind" / k).rglob("*") if p.is_file()} for k in untouched}
    article = site / "content" / oldest["articles"][0]["path"]
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\n\nA quokkalike mascot watched from the quay.\n")
    warm = quiet_build(site)
    assert warm.search is not None
    assert warm.search.indexed == [oldest_shard]
    for key in untouched:  # the very files: linked over, not written again
        assert {p: p.stat().st_ino for p in (public / "pagefind" / key).rglob("*") if p.is_file()} == inodes[key]
    now = shard_pages(public)
    assert "quokkalike" in now[oldest_shard + "/"]["/" + oldest["path"]]["content"]
    # and the index equals a clean build's, shard for shard
    clean = tmp_path / "clean"
    shutil.copytree(site / "content", clean / "content")
    shutil.copy(site / "sitegen.toml", clean / "sitegen.toml")
    shutil.copy(site / "story-ids.json", clean / "story-ids.json")
    quiet_build(clean, use_cache=False)
    assert shard_pages(clean / "public") == now


def test_shards_are_cut_by_year_and_budget_newest_first(tmp_path: Path) -> None:
    root = tmp_path / "public"
    sizes = {"a": 400, "b": 400, "c": 400, "d": 100, "e": 100}
    for slug, size in sizes.items():
        path = root / "stories" / slug / "index.html"
        path.parent.mkdir(parents=True)
        path.write_text("x" * size)
    (root / "index.html").write_text("home")
    places = story_places(
        [
            ("stories/a/", datetime(2023, 1, 5)),
            ("stories/b/", datetime(2023, 2, 5)),
            ("stories/c/", datetime(2023, 3, 5)),
            ("stories/d/", datetime(2024, 1, 1)),
            ("stories/e/", None),
        ]
    )
    assert places["e"] == StoryPlace("undated", "e")
    html = ["index.html", *(f"stories/{s}/index.html" for s in sizes)]
    pages = indexable(root, html)
    assert sorted(pages) == sorted(html)  # no page marks data-pagefind-body: every page is indexed
    shards = plan_shards(pages, places, 800)
    assert [(s.key, s.pages) for s in shards] == [
        ("2024", ("index.html", "stories/d/index.html")),  # the newest holds the other pages
        ("2023-2", ("stories/c/index.html",)),
        ("2023-1", ("stories/a/index.html", "stories/b/index.html")),
        ("undated", ("stories/e/index.html",)),
    ]
    (root / "stories" / "c" / "index.html").write_text("y" * 400)  # same size, other bytes
    again = plan_shards(indexable(root, html), places, 800)
    assert [s.stamp == t.stamp for s, t in zip(shards, again, strict=True)] == [True, False, True, True]
    # once a page marks the search body, the others are left to no shard (Pagefind would skip them)
    (root / "stories" / "d" / "index.html").write_text("<main data-pagefind-body>d</main>")
    assert sorted(indexable(root, html)) == ["stories/d/index.html"]
