"""Search: the Pagefind CLI (from the `pagefind[extended]` wheel) indexes the staged site."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


class SearchIndexError(Exception):
    pass


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    output: str


def index_site(site_root: Path) -> SearchIndex:
    """Run Pagefind over the built HTML; it writes `pagefind/` into the site."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_root)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed (exit {result.returncode}): {output.strip()[-2000:]}")
    match = re.search(r"Indexed (\d+) page", output)
    return SearchIndex(int(match.group(1)) if match else 0, output)
