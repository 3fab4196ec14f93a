"""`sitegen check`: every internal link and asset of a built site, followed on disk.

Pages are parsed (the standard library's HTML parser, not a regex), every `href` and `src`
that stays on the site is resolved the way a browser would resolve it against the page's own
URL, and the file it names must exist; a `#fragment` must name an element's id on the target
page. Links to other sites are not fetched: a check must not depend on the network.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.render import served_at

# attributes that point at another page (a link) or at something the page loads (an asset)
_LINK_ATTRS = {("a", "href"), ("area", "href")}
_ASSET_ATTRS = {
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("video", "src"),
    ("audio", "src"),
}


@dataclass(frozen=True)
class Problem:
    page: str  # the page holding the link, relative to the output folder
    kind: str  # "link" or "asset"
    target: str  # as written in the page
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: broken {self.kind} {self.target} ({self.reason})"


@dataclass
class CheckResult:
    pages: int = 0
    links: int = 0
    problems: list[Problem] = field(default_factory=list)


class _Refs(HTMLParser):
    """The ids a page defines and the links and assets it refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            elif (tag, name) in _LINK_ATTRS:
                self.refs.append(("link", value))
            elif (tag, name) in _ASSET_ATTRS:
                self.refs.append(("asset", value))


def check_site(output_dir: Path, base_url: str, skip: tuple[str, ...] = ()) -> CheckResult:
    """Every page under `output_dir`, its internal links and assets followed. `base_url` tells
    which absolute URLs are the site's own; paths under `skip` (e.g. "pagefind/" when the build
    made no search index) are not required to exist."""
    site = urlsplit(base_url)
    root_path = site.path if site.path.endswith("/") else site.path + "/"
    pages: dict[str, _Refs] = {}
    for path in sorted(output_dir.rglob("*.html")):
        rel = path.relative_to(output_dir).as_posix()
        refs = _Refs()
        refs.feed(path.read_text("utf-8", errors="replace"))
        refs.close()
        pages[rel] = refs

    result = CheckResult(pages=len(pages))
    for rel, refs in pages.items():
        page_url = f"{site.scheme or 'http'}://{site.netloc or 'site'}{root_path}{served_at(rel)}"
        for kind, raw in refs.refs:
            url = urljoin(page_url, raw.strip())
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != (site.netloc or "site"):
                continue  # another site, mailto:, and the like: not ours to check
            if not parts.path.startswith(root_path) and parts.path + "/" != root_path:
                continue  # same host, outside the site's base path
            result.links += 1
            target = unquote(parts.path[len(root_path) :])
            if target.startswith(skip):
                continue
            file = _file_for(output_dir, target)
            if file is None:
                result.problems.append(Problem(rel, kind, raw, "no such file in the output"))
            elif parts.fragment and file in pages and unquote(parts.fragment) not in pages[file].ids:
                result.problems.append(Problem(rel, kind, raw, f"no element with id {parts.fragment!r}"))
    return result


def _file_for(output_dir: Path, target: str) -> str | None:
    """The output file a site path names, as a static server would find it; None if none."""
    norm = posixpath.normpath(target) if target else "."
    if norm.startswith("../") or norm == "..":
        return None
    candidates = [f"{norm}/index.html" if norm != "." else "index.html"]
    if not target.endswith("/") and norm != ".":
        candidates.insert(0, norm)
    for candidate in candidates:
        if (output_dir / candidate).is_file():
            return candidate
    return None
