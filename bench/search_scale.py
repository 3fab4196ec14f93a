"""A whole build with search at scale: time, and peak memory of sitegen and its Pagefind runs.

Pagefind indexing one site in one run holds all of it in memory (more than 16 GiB for the
25,236 story pages of 100,000 articles); `sitegen.search` indexes in shards, one run at a time.
This builds a synthetic archive (`bench/synth.py`) with search on, in a subprocess, and samples
the resident memory of the whole process tree (sitegen and the Pagefind run of the moment) every
0.2 s from /proc, so the peak printed is what the machine held at once. Then it edits one
article of an old story and builds again, to show what a warm build indexes.

    .venv/bin/python bench/search_scale.py --articles 100000           # the issue-21 target
    .venv/bin/python bench/search_scale.py --articles 10000 --site /tmp/s10k   # reuse a site folder
    .venv/bin/python bench/search_scale.py --articles 500000 --executor dask --no-warm  # on a LocalCluster
    .venv/bin/python bench/search_scale.py --articles 1000000 --executor dask --no-warm --windows 90/30

Target (issue 21): 100,000 articles, search included, peak memory <= 4 GiB. Exit code 0 when met.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MIB = 4 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int, peaks: dict[str, int] | None = None) -> int:
    """Resident bytes of `root` and all its descendants, now. `peaks` keeps each process's
    highest, by "pid command" (so a Dask worker's own peak can be read off)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    family, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    total = 0
    for pid in family:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                resident = int(handle.read().split()[1]) * PAGE
            if peaks is not None:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    command = handle.read().replace(b"\0", b" ").decode(errors="replace")[:90]
                key = f"{pid} {'client' if pid == root else command}"
                peaks[key] = max(peaks.get(key, 0), resident)
        except (OSError, IndexError, ValueError):
            continue
        total += resident
    return total


def build(site: Path, *args: str) -> dict:
    """`sitegen build` in a subprocess; its stage lines, wall time and peaks."""
    command = [sys.executable, "-m", "sitegen", "build", *args]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]
    peaks: dict[str, int] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid, peaks))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in process.stdout or ():  # echoed as they come: a long build shows where it is
        print(f"  | {line}", end="", flush=True)
        lines.append(line)
    output = "".join(lines)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"build failed ({process.returncode}):\n{output[-3000:]}")
    stages = {
        m[1]: (m[2].strip(), float(m[3]), float(m[4].replace(",", "")))
        for m in re.finditer(r"(?m)^(\w+)\s+(.*?)\s+([\d.]+) s\s+peak ([\d,]+) MiB$", output)
    }
    return {
        "wall": wall,
        "tree_peak_mib": peak[0] / 2**20,
        "stages": stages,
        "output": output,
        "largest_child_mib": usage.ru_maxrss / 1024,
        "process_peaks_mib": {key: value / 2**20 for key, value in peaks.items()},
    }


def story_quality(site: Path) -> tuple[float, float, float] | None:
    """BCubed precision, recall and F1 of the built stories against the generator's (gold.json)."""
    from cluster_scale import bcubed  # bench/ is on the path when this runs as a script

    gold_file = site / "gold.json"
    if not gold_file.is_file():
        return None
    gold = json.loads(gold_file.read_text())
    stories = json.loads((site / "public" / "stories.json").read_text())["stories"]
    pred = {a["id"]: story["id"] for story in stories for a in story["articles"]}
    return bcubed(pred, {k: v for k, v in gold.items() if k in pred})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--site", type=Path, help="site folder to use (made with bench/synth.py if it has no content/)")
    parser.add_argument(
        "--executor", choices=["local", "dask"], default="local", help="dask: a LocalCluster of the cores"
    )
    parser.add_argument("--no-warm", action="store_true", help="skip the warm build after one edit")
    parser.add_argument(
        "--windows",
        metavar="DAYS/OVERLAP",
        help="cluster in windows of DAYS with OVERLAP days of margin (written to the site's sitegen.toml)",
    )
    args = parser.parse_args()
    site = args.site or Path(tempfile.mkdtemp(prefix="sitegen-search-scale-"))
    if not (site / "content").is_dir():
        print(f"writing {args.articles:,} synthetic articles into {site} ...", flush=True)
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "synth.py"), str(args.articles), str(site), "--seed", str(args.seed)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if args.windows:
        days, overlap = (float(x) for x in args.windows.split("/"))
        (site / "sitegen.toml").write_text(
            f"[cluster]\npartition_days = {days}\npartition_overlap_days = {overlap}\n", encoding="utf-8"
        )
    # a first build: no cache, no output, no story registry (it fills the cache as it goes)
    for leftover in (".sitegen-cache", "public", ".public.next", "story-ids.json"):
        path = site / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    clean = build(site, "--executor", args.executor)
    public = site / "public"
    shards = json.loads((public / "pagefind" / "shards.json").read_text())
    keys = [shards["main"], *shards["merge"]]
    stories = len(json.loads((public / "stories.json").read_text())["stories"])
    print(f"\n{args.articles:,} articles, {stories:,} stories: first build with search")
    for name, (note, seconds, peak) in clean["stages"].items():
        print(f"  {name:<10} {seconds:8.1f} s   sitegen peak so far {peak:7,.0f} MiB   {note}")
    print(f"  wall {clean['wall']:.1f} s; {len(keys)} shards: {', '.join(k.rstrip('/') for k in keys)}")
    print(f"  peak of the whole process tree (sampled every 0.2 s): {clean['tree_peak_mib']:,.0f} MiB")
    print(f"  largest single process (sitegen or one Pagefind run): {clean['largest_child_mib']:,.0f} MiB")
    workers = {k: v for k, v in clean["process_peaks_mib"].items() if "python" in k and "client" not in k}
    for key, mib in sorted(workers.items(), key=lambda kv: -kv[1])[:4]:
        print(f"  peak of child process {key}: {mib:,.0f} MiB")
    own = max(v for k, v in clean["process_peaks_mib"].items() if "client" in k)
    print(f"  peak of the sitegen process itself: {own:,.0f} MiB")
    quality = story_quality(site)
    if quality is not None:
        print("  stories against the generator's: BCubed P {:.3f} R {:.3f} F1 {:.3f}".format(*quality))
    met = clean["tree_peak_mib"] <= TARGET_MIB
    if args.no_warm:
        return 0 if met else 1

    # a warm build after one edit to the oldest story: its shard is indexed again
    stories_json = json.loads((public / "stories.json").read_text())["stories"]
    oldest = min(stories_json, key=lambda s: s["first_published"] or "~")
    article = site / "content" / oldest["articles"][0]["path"]
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\n\nA late correction was added to this report.\n")
    warm = build(site)
    note, seconds, _ = warm["stages"]["search"]
    print(f"warm build after one edit: {warm['wall']:.1f} s, search {seconds:.1f} s ({note})")
    print(f"  tree peak {warm['tree_peak_mib']:,.0f} MiB")
    if args.articles >= 100_000:
        print(f"target: peak <= {TARGET_MIB:,} MiB at 100,000 articles with search: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
