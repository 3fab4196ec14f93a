"""What the build process holds after each stage: resident memory now, not the peak.

A stage's peak (what `sitegen build` prints) hides what it leaves behind for the stages after
it; a million-article build runs out of room on what accumulates, so this prints both. Builds
the site clean (no cache folder, no output, no story registry) with search off, in this process.

    .venv/bin/python bench/stage_memory.py /tmp/s20k     # a site made with bench/synth.py
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE / 2**20


def main() -> None:
    from sitegen.build import build

    site = Path(sys.argv[1])
    for leftover in (".sitegen-cache", "public", "story-ids.json"):
        path = site / leftover
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    build(site, search=False, log=lambda line: print(f"{line}   now {resident_mib():,.0f} MiB", flush=True))


if __name__ == "__main__":  # the worker pool spawns processes that import this module
    main()
