"""Clustering stage at scale: time, peak memory and BCubed quality on synthetic archives.

Real labeled news is too small to show how `cluster_stories` grows, so each size N gets a
synthetic archive from `bench/synth.py` (gold story ids included), built in memory, and only
the clustering call is timed. Every size runs in a fresh subprocess, so the peak RSS belongs
to that size alone.

    python bench/cluster_scale.py                       # sizes 10,000 and 100,000
    python bench/cluster_scale.py --sizes 10000 --seed 1
    python bench/cluster_scale.py --sizes 10000 --profile   # cProfile of the clustering call
    python bench/cluster_scale.py --memory-cap 19           # MemoryError instead of the OOM killer
    python bench/cluster_scale.py --sizes 100000 --windows 30/7 # in time windows (days/overlap), however many articles

Targets: 100,000 articles in <= 60 s, peak RSS <= 2 GiB at 100,000, and
time(100,000) / time(10,000) <= 11. Exit code 0 when every target these sizes can judge is met.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import synth

REPO = Path(__file__).resolve().parent.parent
SMALL, LARGE = 10_000, 100_000
MAX_SECONDS = 60.0
MAX_PEAK_KIB = 2 * 1024 * 1024
MAX_RATIO = 11.0
PROFILE_LINES = 15

Result = dict[str, Any]  # one size's figures, as the child reports them in JSON


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 (Amigó et al. 2009), from cluster/class overlap counts.

    Each item's precision is the share of its predicted cluster that shares its gold story, its
    recall the share of its gold story inside its cluster; counting the overlaps once per
    (cluster, story) cell keeps it linear in the number of items.
    """
    cells = Counter((pred[item], story) for item, story in gold.items())
    cluster_size = Counter(pred[item] for item in gold)
    story_size = Counter(gold.values())
    precision = sum(c * c / cluster_size[p] for (p, _), c in cells.items()) / len(gold)
    recall = sum(c * c / story_size[g] for (_, g), c in cells.items()) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def current_rss_kib() -> int:
    """Resident memory now (Linux /proc), to tell the data's footprint from the stage's peak."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kib() -> int:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_one(n: int, seed: int, profile: bool, memory_cap_gib: float, repeat: int = 1, windows: str = "") -> Result:
    """Generate, convert, cluster once; everything the parent prints comes back as JSON.

    A MemoryError (real, or from the optional address-space cap) is reported with the time and
    peak memory reached, so a run too big for the machine still says how far it got.
    """
    if memory_cap_gib > 0:
        cap = int(memory_cap_gib * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    sys.path.insert(0, str(REPO))
    from sitegen.cluster import cluster_stories
    from sitegen.config import ClusterConfig

    config = ClusterConfig()
    if windows:
        days, overlap = (float(x) for x in windows.split("/"))
        config = dataclasses.replace(config, partition_articles=0, partition_days=days, partition_overlap_days=overlap)
    start = time.perf_counter()
    gold: dict[str, str] = {}

    def tracked() -> Iterator[synth.SynthArticle]:
        for article in synth.iter_articles(n, seed):
            gold[article.id] = article.story
            yield article

    # streamed, so the synthetic texts and the Articles never both sit in memory
    articles = synth.to_articles(tracked())
    result: Result = {
        "n": n,
        "generate_s": time.perf_counter() - start,
        "gold_stories": len(set(gold.values())),
    }
    gc.collect()
    result["rss_before_kib"], result["peak_before_kib"] = current_rss_kib(), peak_rss_kib()

    profiler = cProfile.Profile() if profile else None
    clustering = None
    times: list[float] = []
    for _ in range(max(repeat, 1)):
        clustering = None
        gc.collect()
        start = time.perf_counter()
        try:
            if profiler:
                profiler.enable()
            clustering = cluster_stories(articles, config)
        except MemoryError as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            if profiler:
                profiler.disable()
        times.append(time.perf_counter() - start)
        if "error" in result:
            break
    result["runs_s"] = times
    result["cluster_s"] = statistics.median(times)
    result["peak_kib"] = peak_rss_kib()

    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(PROFILE_LINES)
        print(f"--- profile of cluster_stories, {n} articles (sorted by cumulative time) ---", file=sys.stderr)
        print(out.getvalue(), file=sys.stderr)
    if clustering is not None:
        pred = {article_id: group.id for group in clustering.groups for article_id in group.article_ids}
        result["stories"] = len(clustering.groups)
        result["precision"], result["recall"], result["f1"] = bcubed(pred, gold)
    return result


def mib(kib: float) -> str:
    return f"{kib / 1024:,.0f} MiB"


def describe(r: Result) -> str:
    """The one line printed per size."""
    memory = (
        f"RSS before {mib(r['rss_before_kib'])}, peak {mib(r['peak_kib'])} "
        f"(before clustering {mib(r['peak_before_kib'])})"
    )
    if "error" in r:
        return (
            f"{r['n']:>7,} articles: cluster FAILED after {r['cluster_s']:.1f} s ({r['error']}) | {memory} | "
            f"gold stories {r['gold_stories']:,} | generate {r['generate_s']:.1f} s"
        )
    return (
        f"{r['n']:>7,} articles: cluster {r['cluster_s']:6.1f} s (median of "
        f"{', '.join(f'{t:.1f}' for t in r['runs_s'])}) | {memory} | "
        f"stories {r['stories']:,} (gold {r['gold_stories']:,}) | "
        f"BCubed P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} | generate {r['generate_s']:.1f} s"
    )


def measure(n: int, seed: int, profile: bool, memory_cap_gib: float, repeat: int, windows: str = "") -> Result | None:
    """One size in a fresh interpreter; None when it died without a report (its stderr shows why)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--one", str(n), "--seed", str(seed)]
    command += ["--memory-cap", str(memory_cap_gib), "--repeat", str(repeat)] + (["--profile"] if profile else [])
    command += ["--windows", windows] if windows else []
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        print(f"{n:>7,} articles: run failed with exit code {done.returncode}", flush=True)
        return None
    result: Result = json.loads(lines[-1])
    print(describe(result), flush=True)
    return result if "error" not in result else None


def judge(results: dict[int, Result | None]) -> list[tuple[str, bool]]:
    """The targets these sizes can judge; a failed run fails what it would have judged."""
    verdicts: list[tuple[str, bool]] = []
    time_target = f"{LARGE:,} articles clustered in <= {MAX_SECONDS:.0f} s"
    memory_target = f"peak memory <= 2 GiB at {LARGE:,}"
    ratio_target = f"time({LARGE:,}) / time({SMALL:,}) <= {MAX_RATIO:g}"
    large, small = results.get(LARGE), results.get(SMALL)
    if LARGE in results:
        if large:
            verdicts.append((f"{time_target} ({large['cluster_s']:.1f} s)", large["cluster_s"] <= MAX_SECONDS))
            verdicts.append((f"{memory_target} ({mib(large['peak_kib'])})", large["peak_kib"] <= MAX_PEAK_KIB))
        else:
            verdicts += [(f"{time_target} (run failed)", False), (f"{memory_target} (run failed)", False)]
    if LARGE in results and SMALL in results:
        if large and small:
            ratio = large["cluster_s"] / max(small["cluster_s"], 1e-9)
            verdicts.append((f"{ratio_target} ({ratio:.1f})", ratio <= MAX_RATIO))
        else:
            verdicts.append((f"{ratio_target} (run failed)", False))
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[SMALL, LARGE], metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="clustering runs per size; the median is judged")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of each clustering call")
    parser.add_argument(
        "--memory-cap",
        type=float,
        default=0.0,
        metavar="GIB",
        help="address-space limit per run (RLIMIT_AS), so an oversized run fails with MemoryError "
        "instead of calling the OOM killer; 0 = none",
    )
    parser.add_argument(
        "--windows", default="", metavar="DAYS/OVERLAP", help="cluster in time windows of this width and overlap"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: one size, JSON on stdout
    args = parser.parse_args()
    if args.one is not None:
        print(
            json.dumps(run_one(args.one, args.seed, args.profile, args.memory_cap, args.repeat, args.windows)),
            flush=True,
        )
        return 0

    results = {
        n: measure(n, args.seed, args.profile, args.memory_cap, args.repeat, args.windows)
        for n in dict.fromkeys(args.sizes)
    }
    verdicts = judge(results)
    if not verdicts:
        print(f"no target can be judged without size {LARGE:,}")
    for text, ok in verdicts:
        print(f"  {text}: {'met' if ok else 'NOT met'}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
