"""`sitegen serve` rebuilds with `build()` itself, writing changed files into the served folder in
place. Whatever edits it went through, the folder must hold what a clean build writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, quiet_build
from sitegen.live import Change, LiveSite


def served_files(site: Path) -> dict[str, bytes]:
    """Every file under public/, by path; hidden temporary files would be a leak and count."""
    public = site / "public"
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*") if p.is_file()}


def test_a_preview_after_any_edits_serves_what_a_clean_build_writes(tmp_path: Path) -> None:
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    live = LiveSite(site, log=lambda _: None)

    def rebuild(change: Change, *paths: Path) -> int:
        """As the watcher asks: with every path it saw change, and each one's folder."""
        result = live.rebuild(change, changed={*paths, *(p.parent for p in paths)})
        live.finish()
        assert not result.problems, result.problems
        return result.pages_written

    rebuild(Change.CONFIG)
    articles = sorted((site / "content").rglob("*.md"))
    first_story = served_files(site)

    # an article's words: a few pages, not the site
    edited = articles[0]
    edited.write_text(edited.read_text("utf-8") + "\nThe desk added a line after the first report.\n", "utf-8")
    written = rebuild(Change.ARTICLE, edited)
    assert 0 < written < len(first_story) / 4

    # an article deleted, another added: pages of stories that no longer exist must go
    gone = articles[1]
    gone.unlink()
    rebuild(Change.ARTICLE, gone)
    late = site / "content" / "harbor-gazette" / "late-filing.md"
    late.write_text(
        "---\ntitle: Port authority names a new harbour master\nsource: Harbor Gazette\ndate: 2024-03-02\n---\n"
        "The port authority named a new harbour master on Saturday. She starts in April.\n",
        "utf-8",
    )
    rebuild(Change.ARTICLE, late)
    # an editor's swap file is reported as a hidden file, as a build from scratch reports it
    swap = edited.with_name(f".{edited.name}.swp")
    swap.write_bytes(b"\x00swap")
    assert any(s.path.endswith(swap.name) for s in live.rebuild(Change.ARTICLE, changed={swap}).report.skipped)
    swap.unlink()
    rebuild(Change.ARTICLE, swap)
    # the same article edited twice, the second time within the clock tick of the first
    edited.write_text(edited.read_text("utf-8") + "\nA second line from the desk.\n", "utf-8")
    rebuild(Change.ARTICLE, edited)
    edited.write_text(edited.read_text("utf-8").replace("second line", "third line"), "utf-8")
    rebuild(Change.ARTICLE, edited)

    # the site's own template over the theme's, then a static file
    (site / "templates").mkdir()
    base = (REPO / "themes" / "default" / "templates" / "base.html").read_text("utf-8")
    (site / "templates" / "base.html").write_text(base.replace("</footer>", "<p>Preview desk</p></footer>", 1))
    rebuild(Change.TEMPLATE)
    (site / "static").mkdir()
    (site / "static" / "notice.txt").write_text("Served as written.\n", "utf-8")
    rebuild(Change.STATIC)

    previewed = served_files(site)
    assert any(b"Preview desk" in data for data in previewed.values())
    assert "notice.txt" in previewed
    quiet_build(site, search=False, use_cache=False)
    assert served_files(site) == previewed
