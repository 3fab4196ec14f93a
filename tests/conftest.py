"""Shared fixtures: sample sites built in temp dirs, a loopback static server, a real Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sitegen import pool
from sitegen.build import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "tests" / "seeds"  # the two seed articles, the project's own fixtures: the suite runs from a clone
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


RUN_MARK = "SITEGEN_TEST_RUN"  # in the environment of every process the suite starts, and theirs


def pytest_configure(config: pytest.Config) -> None:
    os.environ[RUN_MARK] = f"{os.getpid()}-{time.time_ns()}"


def processes_left() -> dict[int, str]:
    """Processes other than this one that carry this run's mark (orphans too: they keep their
    environment when their parent dies), by pid with their command line."""
    mark = f"{RUN_MARK}={os.environ[RUN_MARK]}".encode()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # gone, or a zombie
            continue
        if parent == os.getpid() and "multiprocessing.resource_tracker" in command:
            continue  # this process's own tracker: it ends when this process does
        found[int(entry.name)] = command
    return found


def group_alive(group: int) -> list[int]:
    """The processes of a process group still running (zombies aside)."""
    alive = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and fields[0] != "Z" and int(fields[2]) == group:
            alive.append(int(entry.name))
    return alive


def start_build(site: Path, *args: str) -> subprocess.Popen[str]:
    """`sitegen build ARGS` in a session of its own (its workers in its process group), its
    output unbuffered and piped: for tests that stop it part way."""
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "sitegen", "build", *args],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def group_gone(group: int, seconds: float = 10) -> bool:
    """Whether every process of the group has ended within `seconds`."""
    deadline = time.monotonic() + seconds
    while group_alive(group):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The suite fails if any process it started outlives it (after a few seconds' grace for
    those on their way out); they are killed, and named."""
    pool.close()  # the pool in-process builds started, closed as it would be at exit
    deadline = time.monotonic() + 10
    while (left := processes_left()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not left:
        return
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = "\n".join(f"  {pid}: {cmd[:160]}" for pid, cmd in sorted(left.items()))
    message = f"{len(left)} processes started by the tests outlived them (killed now):\n{lines}"
    if reporter is not None:
        reporter.write_line(message, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert len(list(SEEDS.iterdir())) == 2, f"the seed articles are missing: expected them in {SEEDS}"
    return SEEDS


SiteFactory = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteFactory:
    """Write a site from {relative path: text or bytes}; paths under content/ are articles."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "site"
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        (root / "content").mkdir(parents=True, exist_ok=True)
        return root

    return make


@pytest.fixture
def seeds_site(tmp_path: Path, seeds_dir: Path) -> Path:
    """A site whose content/ holds exactly the two seed articles, as they are."""
    root = tmp_path / "seeds-site"
    shutil.copytree(seeds_dir, root / "content")
    return root


def quiet_build(site: Path, **kwargs: Any) -> BuildResult:
    return build(site, log=lambda _: None, **kwargs)


def read_stories(site: Path) -> list[dict[str, Any]]:
    stories: list[dict[str, Any]] = json.loads((site / "public" / "stories.json").read_text("utf-8"))["stories"]
    return stories


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """Serve a folder on 127.0.0.1 on a free port; returns its base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(root: Path) -> str:
        handler = functools.partial(_Handler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright. Missing Chromium is a failure, never a skip."""
    assert CHROMIUM.exists(), "Chromium is required: apt-get install chromium (the test command does this)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@dataclass
class Server:
    site: Path
    base: str
    proc: subprocess.Popen[str]

    def story_url(self) -> str:
        stories = json.loads((self.site / "public" / "stories.json").read_text("utf-8"))["stories"]
        return self.base + stories[0]["path"]


def start_server(site: Path, search: bool = False) -> Server:
    """`sitegen serve` in a subprocess on a free port, once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--port", str(port), *([] if search else ["--no-search"])],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base) as response:
                response.read()
            return Server(site, base, proc)
        except urllib.error.URLError:
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)


AXE = REPO / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_script() -> str:
    assert AXE.is_file(), "axe-core is required: the test command (.ci/run) installs it with npm"
    return AXE.read_text("utf-8")


def axe_violations(page: Any, axe_script: str) -> list[str]:
    """axe-core's serious and critical violations on the page open in `page` (Playwright)."""
    page.add_script_tag(content=axe_script)
    found: list[str] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    return found
