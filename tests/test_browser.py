"""In a real Chromium: search from the header box, see Pagefind's results, follow one to its story."""

from __future__ import annotations

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
    assert page.locator("li.pagefind-ui__result").count() == 1  # one story, whatever its sub-results
    # the filters Pagefind built from the story pages are offered
    page.locator(".pagefind-ui__filter-panel").wait_for()
    filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {"source", "year", "month"} <= {f.strip().lower() for f in filters}
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

    page.locator("summary.pagefind-ui__filter-name", has_text="Source").click()
    page.locator(f"input.pagefind-ui__filter-checkbox[name=source][value='{narrow}']").check()
    page.wait_for_function(f"({RESULT_PATHS})().length === {counts[narrow]}", timeout=15000)
    after = page.evaluate(RESULT_PATHS)
    assert after and all(narrow in sources_of[path] for path in after)
    page.close()
