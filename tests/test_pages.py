"""Built pages as a browser and a crawler see them: valid HTML, working links, a safe server."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import html5lib
import pytest

from conftest import REPO, quiet_build, start_server


@pytest.fixture(scope="module")
def sample_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("pages") / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    return site / "public"


def test_every_page_is_valid_html5(sample_public: Path) -> None:
    pages = sorted(sample_public.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(page.read_bytes())  # raises on any parse error
        assert parser.errors == [], page


def test_internal_links_resolve(sample_public: Path) -> None:
    for page in sample_public.rglob("*.html"):
        for href in re.findall(r'href="(/[^"#?]*)', page.read_text("utf-8")):
            if href.startswith("/pagefind/"):
                continue  # written by the search step, skipped in this build
            target = sample_public / href.lstrip("/")
            assert target.is_file() or (target / "index.html").is_file(), f"{page}: broken link {href}"


def test_serve_answers_on_loopback_and_refuses_traversal(tmp_path: Path, seeds_site: Path) -> None:
    for folder in (tmp_path, seeds_site):  # one and two levels above public/
        (folder / "secret.txt").write_text("outside the output folder")
    running = start_server(seeds_site)
    proc, base = running.proc, running.base.rstrip("/")
    try:
        with urllib.request.urlopen(base + "/") as response:
            assert b"Latest stories" in response.read()
        for path in [
            "/../secret.txt",
            "/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2f%2e%2e%2fsecret.txt",
            "/%2E%2E/%2E%2E/secret.txt",
            "/..\\secret.txt",
        ]:
            request = urllib.request.Request(base + path)
            try:
                with urllib.request.urlopen(request) as response:
                    assert b"outside the output folder" not in response.read(), path
            except urllib.error.HTTPError as exc:
                assert exc.code == 404, path
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()  # type: ignore[union-attr]
