"""Shared fixtures: sample sites built in temp dirs, a loopback static server, a real Chromium."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
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

from sitegen.build import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    assert path.is_dir(), f"the seed articles are missing: expected {path}"
    return path


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
