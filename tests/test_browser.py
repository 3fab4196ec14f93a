"""In a real Chromium: search from the header box, see Pagefind's results, follow one to its story."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import REPO, quiet_build, read_stories


def test_search_finds_the_seed_story_and_follows_it(tmp_path: Path, seeds_dir: Path, serve_dir, browser) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    for seed in seeds_dir.iterdir():
        shutil.copy(seed, site / "content" / seed.name)
    quiet_build(site)
    seed_story = next(s for s in read_stories(site) if any(a["id"].startswith("001_") for a in s["articles"]))
    base = serve_dir(site / "public")

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base)
    page.fill("header input[name=q]", "Haniyeh")
    page.click("header button[type=submit]")
    page.wait_for_url("**/search/?q=Haniyeh")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=15000)
    # the story first; stories only a shard's prefix fallback matched ("ha") may follow
    assert result.get_attribute("href").rstrip("/").endswith(seed_story["path"].rstrip("/"))
    # the filters Pagefind built from the story pages are offered
    page.locator(".pagefind-ui__filter-panel").wait_for()
    filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {"source", "tag", "year", "month"} <= {f.strip().lower() for f in filters}
    result.click()
    page.wait_for_url(f"**/{seed_story['path']}")
    assert page.locator("h1").inner_text() == seed_story["title"]
    assert page.locator("article.variant").count() == 2
    assert errors == []
    page.close()


RESULT_PATHS = """() => Array.from(document.querySelectorAll(
    'li.pagefind-ui__result > .pagefind-ui__result-inner > .pagefind-ui__result-title > a'))
    .map(a => new URL(a.href).pathname)"""


def test_search_with_a_source_filter_narrows_results(tmp_path: Path, serve_dir, browser) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site)
    sources_of = {"/" + s["path"]: set(s["sources"]) for s in read_stories(site)}
    base = serve_dir(site / "public")
    page = browser.new_page()
    page.goto(base + "search/?q=earthquake")
    # Pagefind shows placeholder rows first; wait for real result links
    page.wait_for_function(f"({RESULT_PATHS})().length >= 2", timeout=15000)
    before = page.evaluate(RESULT_PATHS)
    counts: dict[str, int] = {}
    for path in before:
        for source in sources_of[path]:
            counts[source] = counts.get(source, 0) + 1
    narrow = min(counts, key=lambda name: (counts[name], name))
    assert counts[narrow] < len(before)

    # the filter panel is drawn once Pagefind has loaded its filter index, which can come after
    # the first results on a busy machine
    page.locator(".pagefind-ui__filter-panel").wait_for(timeout=30000)
    page.locator("summary.pagefind-ui__filter-name", has_text="Source").click()
    page.locator(f"input.pagefind-ui__filter-checkbox[name=source][value='{narrow}']").check()
    page.wait_for_function(f"({RESULT_PATHS})().length === {counts[narrow]}", timeout=15000)
    after = page.evaluate(RESULT_PATHS)
    assert after and all(narrow in sources_of[path] for path in after)
    page.close()


def test_seed_story_page_shows_summary_chips_unique_facts_and_both_variants(
    tmp_path: Path, seeds_site: Path, serve_dir, browser
) -> None:
    """What a reader sees, laid out by the browser: every part on screen, not just in the HTML."""
    quiet_build(seeds_site, search=False)
    (story,) = read_stories(seeds_site)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(serve_dir(seeds_site / "public") + story["path"])

    chips = page.locator(".summary li .chip")
    assert chips.count() >= 2 and all(chips.nth(i).is_visible() for i in range(chips.count()))
    both = page.locator(".summary li", has=page.locator(".chip", has_text="000_195430f04631b808")).filter(
        has=page.locator(".chip", has_text="001_b05ba9de3f9c4bcc")
    )
    assert both.count() >= 1  # a fact both wires carry, attributed to both
    variants = page.locator("article.variant")
    assert variants.count() == 2 and variants.nth(0).is_visible() and variants.nth(1).is_visible()
    assert page.locator("aside.unique").count() == 0  # what one wire alone reports is marked in its text
    only = page.locator("span.s-only", has_text="The Biden Administration has already vetoed")
    only.scroll_into_view_if_needed()
    assert only.is_visible() and "only here" in only.inner_text()
    # marked sentences differ from the rest in colour, not only in their label
    colour = "el => getComputedStyle(el).backgroundColor"
    assert only.evaluate(colour) != page.locator("span.s-all").first.evaluate(colour)
    shot = tmp_path / "seed-story.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one
    page.close()


def test_every_page_reads_without_javascript(tmp_path: Path, serve_dir, browser) -> None:
    """Script only on the search page (and JSON-LD, which is data); with JavaScript off a reader
    gets from the home page to a story, its day in the archive and one of its tags."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    public = site / "public"
    for path in public.rglob("*.html"):
        scripts = re.findall(r"<script\b[^>]*>", path.read_text("utf-8"))
        if path.relative_to(public).as_posix() != "search/index.html":
            assert all('type="application/ld+json"' in tag for tag in scripts), path

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve_dir(public))
    top = page.locator("section.top-stories h2 a").first
    title = top.inner_text()
    top.click()
    assert page.locator("h1").inner_text() == title
    assert page.locator("section.summary li").count() >= 1 and page.locator("section.summary li").first.is_visible()
    assert page.locator("article.variant").count() >= 2
    page.locator("nav.crumbs a").last.click()  # the story's day
    assert re.search(r"/archive/\d{4}/\d{2}/\d{2}/$", page.url)
    assert title in page.locator("main").inner_text()
    page.go_back()
    tag = page.locator("p.tags a").first
    name = tag.inner_text()
    tag.click()
    assert "/tags/" in page.url and title in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == name
    context.close()


def test_one_search_box_holds_the_query_and_excerpts_are_story_text(tmp_path: Path, serve_dir, browser) -> None:
    """On the search page the header's box carries the query and searches in place; Pagefind's
    own box is hidden; excerpts come from the stories' text, not the labels around it."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site)
    sources = {a["source"] for s in read_stories(site) for a in s["articles"]}
    base = serve_dir(site / "public")
    page = browser.new_page()
    page.goto(base + "search/?q=earthquake")
    page.wait_for_function(f"({RESULT_PATHS})().length >= 1", timeout=15000)
    header = page.locator("header input[name=q]")
    assert header.input_value() == "earthquake"
    assert page.locator("#search input.pagefind-ui__search-input").is_hidden()
    excerpts = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
    assert excerpts
    for text in excerpts:  # no outlet's name, date or label from around the text
        assert not any(name in text for name in sources), text
        assert "First reported" not in text and "sources" not in text, text
        assert not re.search(r"\b(19|20)\d\d-\d\d\b|Summary|How each source", text), text  # filters, headings
    # a new query in the header's box searches here, and the address follows it
    header.fill("ferry")
    header.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'ferry'", timeout=15000)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.pagefind-ui__result-excerpt'))"
        ".some(e => /ferr/i.test(e.textContent))",
        timeout=15000,
    )
    assert page.url.startswith(base + "search/")
    page.close()
