"""What the build process holds after each stage: resident memory now, not the peak.

A stage's peak (what `sitegen build` prints) hides what it leaves behind for the stages after
it; a million-article build runs out of room on what accumulates, so this prints both. Builds
the site clean (no cache folder, no output, no story registry) with search off, in this process.

    .venv/bin/python bench/stage_memory.py /tmp/s20k     # a site made with bench/synth.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def main() -> None:
    from cluster_scale import current_rss_kib  # here: the pool's workers import this module too

    from sitegen.build import build

    site = Path(sys.argv[1])
    for leftover in (".sitegen-cache", "public", "story-ids.json"):
        path = site / leftover
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    build(site, search=False, log=lambda line: print(f"{line}   now {current_rss_kib() / 1024:,.0f} MiB", flush=True))


if __name__ == "__main__":  # the worker pool spawns processes that import this module
    main()
