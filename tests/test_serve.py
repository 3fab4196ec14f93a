"""`sitegen serve` in a real Chromium: edits on disk reach the open page without a reload call."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, Server, start_server

THEME_STORY = REPO / "themes" / "default" / "templates" / "story.html"


@pytest.fixture
def server(seeds_site: Path) -> Iterator[Server]:
    running = start_server(seeds_site)
    yield running
    running.proc.kill()
    running.proc.wait(timeout=10)
    running.proc.stdout.close()  # type: ignore[union-attr]


def open_story(server: Server, browser, **options):
    """A tab on the first story's page, once its articles are shown."""
    page = browser.new_page(**options)
    page.goto(server.story_url())
    page.locator("article.variant").first.wait_for()
    return page


def story_template(server: Server, old: str, new: str) -> None:
    """The site's own story template: the theme's, with `old` replaced by `new` once."""
    templates = server.site / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "story.html").write_text(THEME_STORY.read_text("utf-8").replace(old, new, 1), "utf-8")


def test_article_edit_appears_in_the_open_page(server: Server, browser) -> None:
    page = open_story(server, browser)
    seed = server.site / "content" / "001_b05ba9de3f9c4bcc.txt"
    seed.write_text(seed.read_text("utf-8") + "\n\nZanzibar observers reported calm seas all week.\n", "utf-8")
    page.get_by_text("Zanzibar observers reported calm seas").first.wait_for(timeout=10_000)
    # the reload script is added while serving; the built files stay as `sitegen build` writes them
    built = (server.site / "public" / server.story_url().removeprefix(server.base) / "index.html").read_text()
    assert "Zanzibar observers" in built and "__sitegen" not in built
    page.close()


def test_an_edit_swaps_a_page_in_place_and_reloads_a_page_that_runs_code(server: Server, browser) -> None:
    """A page that runs no code gets its new version in place: the reader keeps their place and
    nothing is fetched but the page. The search page runs code: it is reloaded whole."""
    story = open_story(server, browser, viewport={"width": 800, "height": 400})
    story.evaluate("window.scrollTo(0, 300); window.keptAcrossEdit = true")
    search = browser.new_page()
    search.goto(server.base + "search/")
    search.evaluate("window.keptAcrossEdit = true")
    seed = server.site / "content" / "001_b05ba9de3f9c4bcc.txt"
    seed.write_text(seed.read_text("utf-8") + "\n\nHarbour pilots guided the last ferry in at dusk.\n", "utf-8")
    story.get_by_text("Harbour pilots guided the last ferry").first.wait_for(timeout=10_000)
    assert story.evaluate("window.keptAcrossEdit") is True  # swapped, not reloaded
    assert story.evaluate("window.scrollY") == 300
    search.wait_for_function("() => window.keptAcrossEdit === undefined", timeout=10_000)  # reloaded
    story.close()
    search.close()


def test_a_page_that_now_moves_on_by_itself_is_loaded_whole(server: Server, browser) -> None:
    """A merged story's old page becomes a redirect (a meta refresh): the open tab must follow
    it, as it would on a reload (a refresh put in by a swap is acted on, as HTML says)."""
    page = open_story(server, browser)
    refresh = '<meta http-equiv="refresh" content="0; url={{ url(\'sources/\') }}">'
    story_template(server, "{% block meta %}", "{% block meta %}" + refresh)
    page.wait_for_url(server.base + "sources/", timeout=10_000)
    page.close()


def test_template_edit_and_a_broken_template_show_in_the_open_page(server: Server, browser) -> None:
    page = open_story(server, browser)
    templates = server.site / "templates"
    templates.mkdir()
    good = THEME_STORY.read_text("utf-8").replace(
        '<section class="summary"', '<p id="edited">Edited by the desk</p>\n  <section class="summary"', 1
    )
    (templates / "story.html").write_text(good, "utf-8")
    page.locator("#edited").wait_for(timeout=10_000)

    (templates / "story.html").write_text("{% extends 'base.html' %}\n{% block main %}{% if %}{% endblock %}\n")
    overlay = page.locator("#sitegen-problems")
    overlay.wait_for(timeout=10_000)
    assert "templates/story.html:2" in overlay.inner_text()
    assert page.locator("#edited").is_visible()  # the last good page stays under the overlay

    (templates / "story.html").write_text(good.replace("Edited by the desk", "Fixed by the desk"), "utf-8")
    page.get_by_text("Fixed by the desk").wait_for(timeout=10_000)
    assert page.locator("#sitegen-problems").count() == 0
    page.close()


@pytest.mark.parametrize("stop, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_and_sigterm_stop_the_server_quietly(seeds_site: Path, stop: signal.Signals, code: int) -> None:
    """Three times each: SIGTERM once printed a traceback from watchdog's observer in 2 of 3 tries."""
    for _ in range(3):
        running = start_server(seeds_site, search=True)
        running.proc.send_signal(stop)
        try:
            running.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # hung: ask it where (sitegen/interrupt.py), then fail
            running.proc.send_signal(signal.SIGUSR1)
            time.sleep(1)
            running.proc.kill()
            pytest.fail(f"still running 10 s after {stop.name}:\n{running.proc.communicate()[0]}")
        assert running.proc.returncode == code
        output = running.proc.stdout.read()  # type: ignore[union-attr]
        running.proc.stdout.close()  # type: ignore[union-attr]
        assert "Serving" in output and "stopping" in output and "Traceback" not in output, output


def test_burst_of_edits_is_one_rebuild(server: Server) -> None:
    """Several files saved at once (and a save by rename) make one rebuild, not one per file."""
    content = server.site / "content"
    for n in range(5):
        (content / f"brief-{n}.md").write_text(f"---\ntitle: Brief {n}\n---\nHarbour brief number {n}.\n")
    staged = content / ".renamed.tmp"
    staged.write_text("---\ntitle: Renamed\n---\nSaved through a rename.\n")
    shutil.move(staged, content / "renamed.md")
    deadline = time.monotonic() + 10
    stories = server.site / "public" / "stories.json"
    while "Saved through a rename" not in stories.read_text("utf-8"):
        assert time.monotonic() < deadline, "edits never rebuilt"
        time.sleep(0.1)
    time.sleep(1.0)
    server.proc.kill()
    output = server.proc.stdout.read()  # type: ignore[union-attr]
    assert output.count("rebuilt (article)") == 1, output


def test_search_index_follows_an_edit(seeds_site: Path, browser) -> None:
    """With search on, the Pagefind index is refreshed shortly after a rebuild."""
    running = start_server(seeds_site, search=True)
    proc, base = running.proc, running.base
    try:
        deadline = time.monotonic() + 120
        while not (seeds_site / "public" / "pagefind").is_dir():
            assert time.monotonic() < deadline, "no search index"
            time.sleep(0.2)
        time.sleep(0.5)
        seed = seeds_site / "content" / "000_195430f04631b808.txt"
        seed.write_text(seed.read_text("utf-8") + "\n\nA zanzibarian envoy joined the talks.\n", "utf-8")
        page = browser.new_page()
        deadline = time.monotonic() + 30
        while True:
            page.goto(base + "search/?q=zanzibarian")
            try:
                page.locator(".pagefind-ui__result-link").first.wait_for(timeout=2_000)
                break
            except Exception:
                assert time.monotonic() < deadline, "the search index never picked up the edit"
        assert page.locator("li.pagefind-ui__result").count() == 1
        page.close()
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()  # type: ignore[union-attr]


def test_a_broken_article_shows_in_the_overlay_and_the_rest_is_served(server: Server, browser) -> None:
    page = open_story(server, browser)
    (server.site / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\nThe body still counts.\n")
    overlay = page.locator("#sitegen-problems")
    overlay.wait_for(timeout=10_000)  # after the reload, the page shows the rebuild's warnings
    assert "broken.md:2" in overlay.inner_text()
    assert page.locator("article.variant").count() == 2
    page.close()


def test_the_open_page_reloads_as_soon_as_it_is_made_and_once(tmp_path: Path) -> None:
    """A rebuild makes the open pages first (`publish_early`): their tabs reload then, and when
    the rebuild ends they hear its problems instead of reloading again; other tabs reload at the
    end. A tab that connects in between is not shown the last rebuild's problems."""
    import http.client
    import json
    import queue
    import threading

    from sitegen.diagnostics import Report
    from sitegen.live import Change, Rebuild
    from sitegen.serve import LiveReload, make_server

    (tmp_path / "index.html").write_text("<html><body>home</body></html>")
    hub = LiveReload()
    broken = Report()
    broken.warn("content/old.md", "an old warning")
    hub.publish(Rebuild(1, Change.ARTICLE, 0.0, 0, broken))
    server = make_server(tmp_path, hub, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    def listen(page: str) -> queue.Queue[tuple[str, list]]:
        """The events a tab on `page` hears, as (name, data)."""
        heard: queue.Queue[tuple[str, list]] = queue.Queue()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/__sitegen/events?page={page}")
        response = connection.getresponse()

        def read() -> None:
            name = None
            for raw in response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: ") and name:
                    heard.put((name, json.loads(line.removeprefix("data: "))))

        threading.Thread(target=read, daemon=True).start()
        return heard

    def next_event(heard: queue.Queue[tuple[str, list]]) -> tuple[str, list]:
        return heard.get(timeout=10)

    try:
        story, home = listen("/stories/harbour/"), listen("/")
        assert next_event(story)[0] == next_event(home)[0] == "problems"  # the last rebuild's warning
        deadline = time.monotonic() + 10
        while hub.open_pages() != {"stories/harbour/index.html", "index.html"}:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        hub.publish_early(2, {"stories/harbour/index.html"})
        assert next_event(story) == ("reload", [])
        assert home.empty()
        again = listen("/stories/harbour/")  # the reloaded tab, while the rebuild goes on
        time.sleep(0.3)
        assert again.empty()  # no stale overlay: this rebuild's problems are not known yet
        hub.publish(Rebuild(2, Change.ARTICLE, 0.0, 0, Report()))
        assert next_event(again) == ("problems", [])  # clears any overlay; no second reload
        assert next_event(home) == ("reload", [])
    finally:
        hub.stop()
        server.shutdown()
        server.server_close()


def test_dropped_events_make_the_next_rebuild_list_the_content_folder(seeds_site: Path) -> None:
    """When the kernel's queue overflows, watchdog only logs it: the watcher must hear that log
    line and stop trusting its list of changed paths, so the next rebuild lists everything."""
    import logging

    from sitegen.live import LiveSite
    from sitegen.serve import LiveReload, Watcher, _Dropped

    watcher = Watcher(LiveSite(seeds_site, log=lambda _: None), LiveReload(), False, log=lambda _: None)
    watcher.sure = True
    handler = _Dropped(watcher)
    logging.getLogger("watchdog").addHandler(handler)
    try:
        logging.getLogger("watchdog.observers.inotify_c").warning(
            "Inotify queue overflowed; filesystem events were lost"
        )
    finally:
        logging.getLogger("watchdog").removeHandler(handler)
    assert watcher.sure is False
