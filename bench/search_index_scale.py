"""The index stage alone at the page count of a 1,000,000-article archive.

A whole build of a million articles takes hours here and sitegen holds every article in memory
(about 1.8 GiB per 100,000), so this measures the part that issue 21 bounds: indexing in shards.
It takes a built site (`bench/search_scale.py` leaves one) and links its story pages K times
under new story folders, each copy's stories dated 3·k years later (so the copies fall in shards
of their own), then runs `sitegen.search.index_site` over the lot and samples the resident
memory of this process and its Pagefind runs every 0.2 s. The pages repeat (copy k is the same
text as copy 0), which changes nothing for a shard's memory: each shard holds one copy's pages.

    .venv/bin/python bench/search_index_scale.py /tmp/s100k --copies 10

This is not the target's "1,000,000-article synthetic archive": it is its index stage over as
many story pages, from a 100,000-article archive repeated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "bench"))

from search_scale import tree_rss  # noqa: E402

from sitegen.search import StoryPlace, index_site  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a built site: public/ with stories.json")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--shard-mb", type=float, default=80.0)
    args = parser.parse_args()
    public = args.site / "public"
    stories = json.loads((public / "stories.json").read_text())["stories"]
    root = args.site / f"index-x{args.copies}"
    shutil.rmtree(root, ignore_errors=True)
    places: dict[str, StoryPlace] = {}
    pages = 0
    for copy in range(args.copies):
        for story in stories:
            slug = story["path"].strip("/").split("/")[-1]
            new = f"{slug}-c{copy}"
            target = root / "stories" / new
            target.mkdir(parents=True)
            os.link(public / story["path"] / "index.html", target / "index.html")
            pages += 1
            first = story["first_published"]
            if first:
                year = str(int(first[:4]) + 3 * copy)
                places[new] = StoryPlace(year, f"{year}{first[4:]} {new}")
            else:
                places[new] = StoryPlace("undated", new)
    print(f"{pages:,} story pages ({args.copies} copies of {len(stories):,}) linked into {root}", flush=True)

    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(os.getpid()))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    made = index_site(root, places, int(args.shard_mb * 1e6))
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    print(f"{len(made.shards)} shards, {made.pages:,} pages indexed in {seconds:.0f} s")
    together = peak[0] / 2**20
    print(f"largest Pagefind run {made.peak_mib:,.0f} MiB; this process and its runs together: {together:,.0f} MiB")
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
