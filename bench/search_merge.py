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
import json
import os
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

from sitegen.search import index_site, story_places  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

RUN = """async ([queries]) => {
  const shards = await (await fetch('/pagefind/shards.json')).json();
  const pf = await import('/pagefind/' + shards.main + 'pagefind.js');
  await pf.options({ basePath: '/pagefind/' + shards.main });
  for (const key of shards.merge) await pf.mergeIndex('/pagefind/' + key);
  const out = [];
  for (const q of queries) {
    const t0 = performance.now();
    const found = await pf.search(q);
    const top = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
    out.push({ q, ms: performance.now() - t0, n: found.results.length, top: top.map(d => d.url) });
  }
  const bytes = performance.getEntriesByType('resource').reduce((s, e) => s + (e.transferSize || 0), 0);
  return { shards: 1 + shards.merge.length, out, bytes };
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(root: Path) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def linked_copy(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    for folder, _, files in os.walk(source):
        rel = Path(folder).relative_to(source)
        if rel.parts[:1] == ("pagefind",):
            continue
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(folder, name), target / rel / name)


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
    runs = {}
    for name, budget in (("whole", 10**15), ("shards", int(args.shard_mb * 1e6))):
        root = work / name
        linked_copy(public, root)
        made = index_site(root, places, budget)
        print(f"{name}: {len(made.shards)} shard(s), {made.pages} pages, largest Pagefind run {made.peak_mib:,.0f} MiB")
        runs[name] = root
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        for name, root in runs.items():
            page = browser.new_page()
            page.goto(serve(root) + "search/")
            results[name] = page.evaluate(RUN, [queries])
            page.close()
        browser.close()
    print(f"\n{len(queries)} queries (title words of the archive, 1 or 2 words), seed {args.seed}")
    print("| index | shards | first query | median of the rest | bytes fetched |")
    print("|---|---|---|---|---|")
    for name, got in results.items():
        times = [o["ms"] for o in got["out"]]
        rest = statistics.median(times[1:])
        print(f"| {name} | {got['shards']} | {times[0]:.0f} ms | {rest:.0f} ms | {got['bytes'] / 1e6:.1f} MB |")
    overlap, first_in_top3, same_count = [], 0, 0
    for whole, shard in zip(results["whole"]["out"], results["shards"]["out"], strict=True):
        same_count += whole["n"] == shard["n"]
        if whole["top"]:
            k = min(10, len(whole["top"]))
            overlap.append(len(set(whole["top"][:k]) & set(shard["top"][:k])) / k)
            first_in_top3 += whole["top"][0] in shard["top"][:3]
    scored = len(overlap)
    print(f"\nsame number of results: {same_count}/{len(queries)}")
    mean, median = statistics.mean(overlap), statistics.median(overlap)
    print(f"top-10 overlap, merged against whole: mean {mean:.2f}, median {median:.2f} ({scored} queries with results)")
    print(f"the whole index's first result in the merged top 3: {first_in_top3}/{scored}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
