"""Accessibility: axe-core, injected into pages opened in Chromium, finds no serious or critical
violation on the home page, a story, a source, a tag and a month's archive page, and the search
page with results, in the light and the dark colour scheme."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, axe_violations, quiet_build, read_stories


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_accessibility_violations(
    tmp_path: Path, serve_dir, browser, axe_script: str, scheme: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site)  # with the search index: the search page is checked with its results
    story = max(read_stories(site), key=lambda s: len(s["articles"]))
    source = next(p.parent.name for p in sorted((site / "public" / "sources").glob("*/index.html")))
    tag = next(p.parent.name for p in sorted((site / "public" / "tags").glob("*/index.html")))
    month = story["first_published"][:7].replace("-", "/")
    base = serve_dir(site / "public")
    page = browser.new_page(color_scheme=scheme)
    found: dict[str, list[str]] = {}
    for path in ("", story["path"], f"sources/{source}/", f"tags/{tag}/", f"archive/{month}/", "search/?q=fire"):
        page.goto(base + path)
        if path.startswith("search/"):
            page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
        violations = axe_violations(page, axe_script)
        if violations:
            found[path or "/"] = violations
    page.close()
    assert found == {}
