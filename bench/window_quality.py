"""Clustering in time windows against clustering the whole archive at once, on real mixed data.

Loads the union of every labeled set (UCI headlines, DUC 2002 newswire, the sample, the seeds;
as in bench/mixed_archive.py) once, in process, then clusters it with `partition_days = 0` (the
whole archive at once) and with each window setting given (`partition_articles = 0`: windows
however small the archive). For each it prints BCubed P/R/F1 on
the two halves of the gold stories (a stable hash of the gold id puts each story in "tune" or
"report": settings are chosen on tune, figures quoted on report), the share of articles whose
story is the same article set as in the one-window run, how many stories span a window
boundary, and the seconds clustering took.

    python bench/window_quality.py                                  # 365/30 (the default), 90/14, 30/7
    python bench/window_quality.py --windows 365/30 180/30 60/10 14/3

Data: ../shared/data/ (see bench/cluster_quality.py), never copied here.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "bench"))

from cluster_quality import bcubed  # noqa: E402
from mixed_archive import gold_of_set, make_site  # noqa: E402

NAMES = ("uci", "duc", "sample", "seeds")


def half(story: str) -> str:
    """A gold story's half, by a hash that no setting can move."""
    return "tune" if hashlib.blake2b(story.encode(), digest_size=2).digest()[0] % 2 == 0 else "report"


def load() -> tuple[list, dict, dict[str, str]]:
    from sitegen.config import SiteConfig
    from sitegen.diagnostics import Report
    from sitegen.load import load_articles
    from sitegen.memo import Table

    gold: dict[str, str] = {}
    for name in NAMES:
        gold.update(gold_of_set(name))
    with tempfile.TemporaryDirectory() as tmp:
        make_site(Path(tmp), NAMES)
        articles, terms, _ = load_articles(Path(tmp) / "content", SiteConfig(), Report(), Table(None, ""))
    return articles, terms, gold


def main() -> int:
    from sitegen.cluster import cluster_stories
    from sitegen.config import ClusterConfig

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--windows", nargs="+", default=["365/30", "90/14", "30/7"], metavar="DAYS/OVERLAP")
    args = parser.parse_args()
    start = time.perf_counter()
    articles, terms, gold = load()
    loaded = time.perf_counter() - start
    print(f"loaded {len(articles)} articles in {loaded:.0f} s; {len(set(gold.values()))} gold stories")
    by_id = {a.id: a for a in articles}
    ids = set(by_id)
    gold = {a: g for a, g in gold.items() if a in ids}
    halves = {h: {a: g for a, g in gold.items() if half(g) == h} for h in ("tune", "report")}
    print(f"  tune half: {len(halves['tune'])} articles; report half: {len(halves['report'])}")

    baseline: dict[str, frozenset[str]] = {}
    for setting in ["0/0", *args.windows]:
        days, overlap = (float(x) for x in setting.split("/"))
        config = dataclasses.replace(
            ClusterConfig(), partition_articles=0, partition_days=days, partition_overlap_days=overlap
        )
        start = time.perf_counter()
        groups = cluster_stories(articles, config, terms=terms).groups
        seconds = time.perf_counter() - start
        pred = {a: g.id for g in groups for a in g.article_ids}
        story_of = {a: frozenset(g.article_ids) for g in groups for a in g.article_ids}
        if not baseline:
            baseline = story_of
        same = sum(story_of[a] == baseline[a] for a in story_of) / len(story_of)
        cells = []
        for name, part in halves.items():
            p, r, f = bcubed({a: pred[a] for a in part}, part)
            cells.append(f"{name} P {p:.3f} R {r:.3f} F1 {f:.3f}")
        crossing = 0
        if days > 0:
            for g in groups:
                keys = {int(a.date.timestamp() // 86400 // days) for a in (by_id[x] for x in g.article_ids) if a.date}
                crossing += len(keys) > 1
        label = "whole archive" if days == 0 else f"windows {days:g}/{overlap:g}"
        print(
            f"{label:>18}: {' | '.join(cells)} | same story as whole {same:.3f} | "
            f"{len(groups)} stories, {crossing} across a boundary | {seconds:.1f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
