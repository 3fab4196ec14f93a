"""`sitegen serve`: build, serve the output on loopback, rebuild on every edit, reload the open tabs.

Three threads share one `LiveReload` hub:

- the HTTP server serves files from inside the output folder only (paths are resolved and must
  stay inside it, encoded or not), and adds one script tag to the HTML it serves; files on disk
  are never changed, so `public/` stays exactly what `sitegen build` writes;
- a watchdog observer records every changed path, and a worker waits until edits pause for
  `DEBOUNCE` seconds (an editor saving several files, or saving by rename, is one burst), then
  rebuilds what the burst touched (`sitegen.live`);
- after a rebuild, the hub tells every open page over Server-Sent Events: "reload" when it
  wrote everything, or "problems" (file, line, message) for an overlay when errors kept pages
  from being written; a page that connects while the latest rebuild reported errors or warnings
  shows them too. The overlay goes with the next good rebuild. The search index follows a few
  seconds later (`SEARCH_DELAY`), in a thread of its own.
"""

from __future__ import annotations

import errno
import functools
import http.server
import json
import logging
import mimetypes
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitegen import interrupt
from sitegen.build import Log
from sitegen.config import ConfigError, require_site
from sitegen.diagnostics import Diagnostic, Level, Report
from sitegen.live import Change, LiveSite, Rebuild
from sitegen.render import theme_dir
from sitegen.search import SearchIndexError, index_site

DEBOUNCE = 0.08  # seconds without a new event before a burst of edits is rebuilt
READER_WAIT = 0.5  # seconds a rebuild waits at most for the open tabs to reload before the rest
SEARCH_DELAY = 2.0  # seconds after the last rebuild before the search index is refreshed
KEEPALIVE = 10.0  # seconds between SSE comments, so a closed tab is noticed
EVENTS_PATH = "/__sitegen/events"
CLIENT_PATH = "/__sitegen/live.js"
CLIENT_JS = Path(__file__).with_name("live.js")
SCRIPT_TAG = f'<script src="{CLIENT_PATH}" defer></script>'.encode()


class LiveReload:
    """The latest rebuild's outcome, the pages open in browsers, and a condition every event
    stream waits on."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.number = 0
        self.problems: list[Diagnostic] = []
        self.stopping = False
        self.watched: Counter[str] = Counter()  # the open pages, by output path
        self.early: dict[str, int] = {}  # a page made current by a rebuild still running: its number
        self.back: dict[str, int] = {}  # a page made early whose tab has reloaded: that rebuild's number

    def publish(self, rebuild: Rebuild) -> None:
        with self.condition:
            self.number = rebuild.number
            self.problems = list(rebuild.problems)
            self.early = {page: n for page, n in self.early.items() if n > rebuild.number}
            self.back = {page: n for page, n in self.back.items() if n > rebuild.number}
            self.condition.notify_all()

    def publish_early(self, number: int, pages: set[str]) -> None:
        """These pages are current for rebuild `number`, which goes on with the others."""
        with self.condition:
            for page in pages:
                self.early[page] = number
            self.condition.notify_all()

    def fetched(self, page: str) -> None:
        """A page was served: if a rebuild still running made it early, a tab has it."""
        with self.condition:
            if self.early.get(page, 0) > self.number:
                self.back[page] = self.early[page]
                self.condition.notify_all()

    def wait_reloaded(self, number: int, pages: set[str], timeout: float) -> None:
        """Until each of these pages, made early by rebuild `number` and open, has been fetched
        again by a tab (or `timeout` passes): the rebuild waits, so the tabs' requests are
        answered at once instead of sharing the interpreter with the rest of the rebuild."""
        with self.condition:
            waiting = pages & set(self.watched)
            self.condition.wait_for(
                lambda: self.stopping or all(self.back.get(page) == number for page in waiting), timeout=timeout
            )

    def open_pages(self) -> set[str]:
        with self.condition:
            return set(self.watched)

    def current(self, page: str) -> int:
        """The rebuild the page's file in the output reflects. Call holding the condition."""
        return max(self.number, self.early.get(page, 0))

    def wait_after(self, page: str, seen_page: int, seen: int) -> tuple[int, int, list[Diagnostic]]:
        """(the page's rebuild, the latest finished rebuild, its problems) once either is newer
        than `seen_page` and `seen` (or KEEPALIVE passes)."""
        with self.condition:
            self.condition.wait_for(
                lambda: self.stopping or self.current(page) != seen_page or self.number != seen, timeout=KEEPALIVE
            )
            return self.current(page), self.number, list(self.problems)

    def stop(self) -> None:
        with self.condition:
            self.stopping = True
            self.condition.notify_all()


def page_path(url_path: str) -> str:
    """The output file a browser's location shows: "/stories/x/" → "stories/x/index.html"."""
    rel = urllib.parse.unquote(url_path).lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def problems_json(problems: list[Diagnostic]) -> str:
    return json.dumps([{"path": d.path, "line": d.line, "level": str(d.level), "message": d.message} for d in problems])


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of files under `root`; the event stream; the reload script."""

    root: Path
    hub: LiveReload
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._serve(body=False)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urllib.parse.urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._events()
        elif path == CLIENT_PATH:
            self._send(200, "text/javascript; charset=utf-8", CLIENT_JS.read_bytes())
        else:
            self._serve(body=True)

    def _file(self) -> Path | None:
        """The file a URL names, or None when it does not exist or would leave the root."""
        raw = urllib.parse.urlsplit(self.path).path
        rel = urllib.parse.unquote(raw)
        if "\x00" in rel or "\\" in rel:
            return None
        root = self.root.resolve()
        target = (root / rel.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return None
        if target.is_dir():
            if not raw.endswith("/"):
                return target  # redirected by _serve
            target = target / "index.html"
        return target if target.is_file() else None

    def _serve(self, body: bool) -> None:
        target = self._file()
        if target is not None and target.is_dir():
            location = urllib.parse.urlsplit(self.path).path + "/"
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target is None:
            missing = self.root / "404.html"
            data = missing.read_bytes() if missing.is_file() else b"Not found"
            self._send(404, "text/html; charset=utf-8", _inject(data), body)
            return
        data = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = _inject(data)
            kind = "text/html; charset=utf-8"
        self._send(200, kind, data, body)
        if kind.startswith("text/html"):
            self.hub.fetched(page_path(urllib.parse.urlsplit(self.path).path))

    def _send(self, status: int, kind: str, data: bytes, body: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self) -> None:
        """Server-Sent Events: the current problems at once, then one event per rebuild. The
        page's path (`?page=`) is counted among the open pages, which a rebuild makes first and
        reloads before it has made the rest ("reload" early, its problems when it ends)."""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        page = page_path(query.get("page", ["/"])[0])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        hub = self.hub
        with hub.condition:
            hub.watched[page] += 1
            seen_page, seen = hub.current(page), hub.number
            # made early by a rebuild still running: the problems known are the last rebuild's
            problems = list(hub.problems) if seen_page == seen else []
        try:
            if problems:
                self._event("problems", problems_json(problems))
            while True:
                now_page, number, problems = hub.wait_after(page, seen_page, seen)
                if hub.stopping:
                    return
                if (now_page, number) == (seen_page, seen):
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                if now_page == seen_page:
                    # the rebuild that made this page early has ended: its problems (or none)
                    self._event("problems", problems_json(problems))
                elif now_page > number:
                    self._event("reload", "[]")  # made early; the rest of the site follows
                else:
                    # errors leave pages unwritten: show them on the page as it is; otherwise
                    # reload, and the reloaded page shows any warnings as it connects
                    failed = any(p.level is Level.ERROR for p in problems)
                    self._event("problems" if failed else "reload", problems_json(problems))
                seen_page, seen = now_page, number
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            with hub.condition:
                hub.watched[page] -= 1
                if hub.watched[page] <= 0:
                    del hub.watched[page]

    def _event(self, name: str, data: str) -> None:
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
        self.wfile.flush()


def _inject(html: bytes) -> bytes:
    """The page with the reload script added before </body> (or at the end)."""
    at = html.rfind(b"</body>")
    return html + SCRIPT_TAG if at < 0 else html[:at] + SCRIPT_TAG + html[at:]


def make_server(root: Path, hub: LiveReload, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"root": root, "hub": hub})
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


class Watcher:
    """Collects changed paths from watchdog; `rebuild_loop` turns each burst into one rebuild."""

    def __init__(self, site: LiveSite, hub: LiveReload, search: bool, log: Log) -> None:
        self.site = site
        self.hub = hub
        self.search = search
        self.log = log
        self.changed: set[Path] = set()
        self.lock = threading.Lock()  # watchdog's thread adds paths while the worker takes them
        self.last_event = 0.0
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.search_due: float | None = None
        self.search_wake = threading.Event()
        self.after_rebuild: Callable[[], None] = lambda: None  # watches folders that appeared
        # every path changed since the last rebuild began, and whether that is sure to be all of
        # them: not before the watch began, nor after the kernel dropped events (`lost`)
        self.unbuilt: set[Path] = set()
        self.sure = False

    def lost(self) -> None:
        """Events were dropped: the next rebuild lists the content folder again."""
        with self.lock:
            self.sure = False

    def record(self, *paths: str) -> None:
        with self.lock:
            self.changed.update(Path(p) for p in paths if p)
            self.last_event = time.monotonic()
        self.wake.set()

    def folders(self) -> list[tuple[Path, bool]]:
        """What to watch, each with whether to watch below it: the site's own folder alone (for
        `sitegen.toml`, and the input folders appearing), and each input folder whole. Never the
        output, staging or cache folders: at 10,000 articles a build writes thousands of files
        there, and the events overflowed the kernel's queue (the edit that mattered was lost)."""
        site, config = self.site.site_dir, self.site.config
        inputs = [site / config.content_dir, site / "templates", site / "static", theme_dir(site, config)]
        return [(site, False), *((f, True) for f in inputs if f.is_dir())]

    def rebuild_loop(self) -> None:
        while not self.stopped.is_set():
            self.wake.wait()
            if self.stopped.is_set():
                return
            while (quiet := time.monotonic() - self.last_event) < DEBOUNCE:
                time.sleep(DEBOUNCE - quiet)
            self.wake.clear()
            with self.lock:
                paths, self.changed = self.changed, set()
                self.unbuilt |= paths
            kinds = {k for k in map(self.site.classify, paths) if k is not None}
            if not kinds:
                continue
            change = max(kinds, key=list(Change).index)
            number = self.site.number + 1  # the rebuild about to start
            # a folder made since (templates/, a new section of content) is watched before the
            # rebuild reads it: the open page may be current before the rebuild ends, and the
            # next edit into that folder must not go unheard
            self.after_rebuild()
            with self.lock:
                changed, self.unbuilt = (self.unbuilt if self.sure else None), set()
                self.sure = True
            try:
                rebuild = self.site.rebuild(
                    change,
                    first=self.hub.open_pages(),
                    on_first=functools.partial(self.early, number),
                    changed=changed,
                )
            except Exception as exc:  # a broken config or an I/O error: report it, keep serving
                where = "sitegen.toml" if change is Change.CONFIG else "sitegen"
                failure = Report()
                failure.error(where, str(exc))
                rebuild = Rebuild(self.site.number, change, 0.0, 0, failure)
            self.hub.publish(rebuild)
            self.site.finish()
            self.after_rebuild()
            self.log(
                f"rebuilt ({change}): {rebuild.pages_written} files in {rebuild.seconds * 1000:.0f} ms"
                + "".join(f"\n  {p}" for p in rebuild.problems)
            )
            if self.search:
                with self.lock:
                    self.search_due = time.monotonic() + SEARCH_DELAY
                self.search_wake.set()

    def early(self, number: int, pages: set[str]) -> None:
        """The open pages are made: their tabs reload now, and the rest of the rebuild waits
        for them (up to READER_WAIT)."""
        self.hub.publish_early(number, pages)
        self.hub.wait_reloaded(number, pages, READER_WAIT)

    def search_loop(self) -> None:
        """Refresh the index SEARCH_DELAY after the last rebuild, in its own thread, so indexing
        never holds up the next rebuild (a page indexed mid-rebuild is indexed again next time)."""
        while not self.stopped.is_set():
            with self.lock:
                due = self.search_due
            if due is None:
                self.search_wake.wait()
                self.search_wake.clear()
                continue
            if time.monotonic() < due:
                self.search_wake.wait(due - time.monotonic())
                self.search_wake.clear()
                continue
            with self.lock:
                self.search_due = None
            refresh_index(self.site, self.log)


class _Dropped(logging.Handler):
    """Hears watchdog say the kernel's event queue overflowed (it has no other way to say so):
    some edits went unseen, so the next rebuild lists the content folder again."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__(logging.WARNING)
        self.watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.watcher.lost()


def serve(
    site_dir: Path,
    host: str,
    port: int,
    *,
    search: bool = True,
    log: Log = print,
    ready: Callable[[str], Any] | None = None,
    verbose: bool = False,
) -> int:
    """Build, serve and watch until Ctrl-C (exit 130) or SIGTERM (143). The port is taken before
    the first build, so a busy port is one line at once rather than a traceback after the build."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    from sitegen.language import warm_up

    site = LiveSite(site_dir, log)
    require_site(site_dir, site.config)
    hub = LiveReload()
    try:
        server = make_server(site.output_dir, hub, host, port)
    except OSError as exc:
        taken = exc.errno == errno.EADDRINUSE
        raise ConfigError(
            f"port {port} on {host} is {'already in use' if taken else f'not available ({exc.strerror})'}; "
            f"pick another with --port (e.g. --port {port + 1})"
        ) from None
    observer = Observer()
    watcher = Watcher(site, hub, search, log)
    dropped = _Dropped(watcher)
    logging.getLogger("watchdog").addHandler(dropped)
    serving = threading.Thread(target=server.serve_forever, name="sitegen-http", daemon=True)
    try:

        class Events(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                watcher.record(str(event.src_path), str(getattr(event, "dest_path", "") or ""))

        watched: set[Path] = set()

        def watch() -> None:
            """Watch every input folder there is now (one made after the start is taken up
            at the rebuild its appearance causes)."""
            for folder, below in watcher.folders():
                if folder.resolve() not in watched:
                    watched.add(folder.resolve())
                    observer.schedule(Events(), str(folder), recursive=below)

        # watching from before the first build lists the content folder: every change after
        # that listing is heard, so rebuilds may trust the watcher for what changed
        watch()
        watcher.after_rebuild = watch
        observer.start()
        watcher.sure = True
        first = site.rebuild(Change.CONFIG, stage_log=log)
        site.finish()
        for line in first.report.summary_lines(verbose):
            log(line)
        if search:
            refresh_index(site, log)
        hub.publish(first)
        url = f"http://{host}:{server.server_address[1]}/"
        threading.Thread(target=watcher.rebuild_loop, name="sitegen-rebuild", daemon=True).start()
        if search:
            threading.Thread(target=watcher.search_loop, name="sitegen-search", daemon=True).start()
        threading.Thread(target=warm_up, name="sitegen-warm-up", daemon=True).start()
        # said before the first request can be answered (the socket listens already): a client
        # that stops the server on its first answer then always finds the line (a test once did not)
        log(f"Serving {site.output_dir} at {url} (Ctrl-C to stop)")
        serving.start()
        if ready is not None:
            ready(url)
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, interrupt.Terminated) as stop:
        log("stopping")
        return interrupt.exit_code(stop)
    finally:
        with interrupt.ignored():  # a second signal must not cut the clean-up short with a traceback
            watcher.stopped.set()
            watcher.wake.set()
            watcher.search_wake.set()
            hub.stop()
            if observer.is_alive():
                observer.stop()
                observer.join(timeout=5)
            if serving.is_alive():  # shutdown() waits for a loop that never started otherwise
                server.shutdown()
            server.server_close()
            logging.getLogger("watchdog").removeHandler(dropped)


def refresh_index(site: LiveSite, log: Log) -> None:
    """Pagefind over the output; a failure is reported and serving goes on without it."""
    try:
        index_site(site.output_dir, site.places, site.config.search.shard_bytes)
    except (SearchIndexError, OSError) as exc:
        log(f"search index not refreshed: {exc}")
