"""What searching shards costs a reader, and whether merged results rank like one index's.

Takes a site built without search (`sitegen build --no-search`), indexes it twice with
`sitegen.search.index_site`, once whole (one shard; possible while the site is small enough for
one Pagefind run) and once in shards of `--shard-mb`, serves both on 127.0.0.1 and runs the same
queries in Debian's Chromium through Pagefind's JavaScript API, as the search page does (the
main bundle, the others merged with `mergeIndex`). Prints per query time (the first query, which
loads each shard's entry and metadata, and the median of the rest), the bytes fetched, and how
far the merged top 10 agrees with the whole index's.

    .venv/bin/python bench/synth.py 10000 /tmp/s10k && (cd /tmp/s10k && sitegen build --no-search)
    .venv/bin/python bench/search_merge.py /tmp/s10k --shard-mb 8 --queries 40
"""

from __future__ import annotations

import argparse
import functools
import http.server
import itertools
import json
import random
import re
import shutil
import statistics
import sys
import threading
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the browser and flags the tests use
from sitegen.search import index_site, link_tree, run_pagefind, story_places  # noqa: E402
from sitegen.write import clear_path  # noqa: E402

RUN = """async ([queries, ranking]) => {
  const shards = await (await fetch('/pagefind/shards.json')).json();
  const pf = await import('/pagefind/' + shards.main + 'pagefind.js');
  await pf.options({ basePath: '/pagefind/' + shards.main, ranking });
  for (const key of shards.merge) await pf.mergeIndex('/pagefind/' + key, { ranking });
  const out = [];
  for (const q of queries) {
    const t0 = performance.now();
    const found = await pf.search(q);
    const top = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
    out.push({ q, ms: performance.now() - t0, n: found.results.length, top: top.map(d => d.url) });
  }
  return { shards: 1 + shards.merge.length, out };
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(root: Path) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


RANKINGS = (("Pagefind's default ranking", {}), ("termSimilarity 5 (the search page's)", {"termSimilarity": 5}))


def compare(whole_runs: list[dict], shard_runs: list[dict], label: str) -> None:
    """How far the merged results agree with one index's, query by query."""
    overlap, first_in_top3, same_count, junk_first, only_merged = [], 0, 0, 0, 0
    for whole, shard in zip(whole_runs, shard_runs, strict=True):
        same_count += whole["n"] == shard["n"]
        only_merged += not whole["top"] and bool(shard["top"])
        if whole["top"]:
            k = min(10, len(whole["top"]))
            overlap.append(len(set(whole["top"][:k]) & set(shard["top"][:k])) / k)
            first_in_top3 += whole["top"][0] in shard["top"][:3]
            junk_first += shard["top"][0] not in whole["top"]
    scored = len(overlap)
    print(f"\n{label}: merged against one index, {scored} queries with results")
    print(f"  same number of results: {same_count}/{len(whole_runs)}")
    print(f"  top-10 overlap: mean {statistics.mean(overlap):.2f}, median {statistics.median(overlap):.2f}")
    print(f"  one index's first result in the merged top 3: {first_in_top3}/{scored}")
    print(f"  merged first result that one index does not return at all: {junk_first}/{scored}")
    print(f"  no result in one index, some merged (a shard's prefix matches): {only_merged}/{len(whole_runs) - scored}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--shard-mb", type=float, default=8.0)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    public = args.site / "public"
    stories = json.loads((public / "stories.json").read_text())["stories"]
    places = story_places(
        (s["path"], datetime.fromisoformat(s["first_published"]) if s["first_published"] else None) for s in stories
    )
    rng = random.Random(args.seed)
    words = sorted({w.lower() for s in stories for w in re.findall(r"[A-Za-z]{5,}", s["title"])})
    queries = [" ".join(rng.sample(words, rng.choice((1, 1, 2)))) for _ in range(args.queries)]
    work = args.site / "merge-bench"
    runs: dict[str, Path] = {}
    # one index of every page: one Pagefind run, as before shards (it fits while the site is small)
    root = runs["whole"] = work / "whole"
    link_tree(public, root)
    clear_path(root / "pagefind")  # the site's own index, if it has one
    pages, peak = run_pagefind(root, root / "pagefind" / "all")
    (root / "pagefind" / "shards.json").write_text(json.dumps({"main": "all/", "merge": []}))
    print(f"whole: 1 index, {pages} pages, Pagefind peak {peak:,.0f} MiB")
    root = runs["shards"] = work / "shards"
    link_tree(public, root)
    clear_path(root / "pagefind")  # the site's own index, if it has one
    made = index_site(root, places, int(args.shard_mb * 1e6))
    print(f"shards: {len(made.shards)} shards, {made.pages} pages, largest Pagefind run {made.peak_mib:,.0f} MiB")
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        for (name, root), (label, ranking) in itertools.product(runs.items(), RANKINGS):
            context = browser.new_context()
            fetched = [0]
            context.on(
                "requestfinished",
                lambda request, f=fetched: f.__setitem__(0, f[0] + request.sizes()["responseBodySize"]),
            )
            page = context.new_page()
            page.goto(serve(root) + "search/")
            key = f"{name}, {label}"
            results[key] = page.evaluate(RUN, [queries, ranking])
            results[key]["bytes"] = fetched[0]
            context.close()
        browser.close()
    print(f"\n{len(queries)} queries (title words of the archive, 1 or 2 words), seed {args.seed}")
    print("| index | shards | first query | median of the rest | bytes fetched (page and all queries) |")
    print("|---|---|---|---|---|")
    for name, got in results.items():
        times = [o["ms"] for o in got["out"]]
        rest = statistics.median(times[1:])
        print(f"| {name} | {got['shards']} | {times[0]:.0f} ms | {rest:.0f} ms | {got['bytes'] / 1e6:.1f} MB |")
    for label, _ in RANKINGS:
        compare(results[f"whole, {label}"]["out"], results[f"shards, {label}"]["out"], label)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
