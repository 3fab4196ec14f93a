"""Story clustering quality on real labeled news: BCubed and pairwise precision/recall/F1.

Default run (what the issue's targets are measured with): each data set is imported with
`sitegen import`, built with `sitegen build --no-search --no-cache` in a temp site, and
`public/stories.json` is scored against the gold story ids.

    python bench/cluster_quality.py                 # both sets, full builds
    python bench/cluster_quality.py --sweep threshold=0.15,0.2,0.25 expansion=0,0.5
                                                    # in-process grid over cluster settings

Data: ../shared/data/ (UCI News Aggregator headlines; DUC 2002 newswire), never copied here.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
SETS = {
    "uci": (DATA / "uci-news-sample" / "uci_news_aggregator_first6k.jsonl", 0.80),
    "duc": (DATA / "duc2002" / "duc2002_docs_as_clustering.jsonl", 0.90),
}


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """Amigó et al. (2009): per-item precision/recall of its cluster against its class."""
    pc: dict[str, set[str]] = defaultdict(set)
    gc: dict[str, set[str]] = defaultdict(set)
    for item, label in pred.items():
        pc[label].add(item)
    for item, label in gold.items():
        gc[label].add(item)
    p = r = 0.0
    for item in gold:
        inter = len(pc[pred[item]] & gc[gold[item]])
        p += inter / len(pc[pred[item]])
        r += inter / len(gc[gold[item]])
    p, r = p / len(gold), r / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """Precision/recall over same-cluster pairs, counted from the contingency table."""

    def pairs(counts: list[int]) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    joint: dict[tuple[str, str], int] = defaultdict(int)
    pred_sizes: dict[str, int] = defaultdict(int)
    gold_sizes: dict[str, int] = defaultdict(int)
    for item in gold:
        joint[(pred[item], gold[item])] += 1
        pred_sizes[pred[item]] += 1
        gold_sizes[gold[item]] += 1
    tp = pairs(list(joint.values()))
    p = tp / max(pairs(list(pred_sizes.values())), 1)
    r = tp / max(pairs(list(gold_sizes.values())), 1)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def records_of(path: Path) -> list[dict]:
    """The set's records, each with an id of its own.

    DUC 2002 lists 32 documents in two or three document sets (the sets overlap). Each listing
    is an item with its own gold story, so a repeated id gets an occurrence suffix (`-2`, `-3`)
    in file order. Without it, the copies would share one id and the score would count one of
    their gold stories only.
    """
    records, seen = [], defaultdict(int)
    for rec in map(json.loads, path.open(encoding="utf-8")):
        seen[rec["id"]] += 1
        rec = {**rec, "document": rec["id"]}
        if seen[rec["id"]] > 1:
            rec["id"] = f"{rec['id']}-{seen[rec['id']]}"
        records.append(rec)
    return records


def overlap_ceiling(records: list[dict]) -> dict[str, str]:
    """The gold grouping with every two stories that list one document merged: the best any
    grouping can do that keeps a document's copies together (identical text is one story)."""
    parent: dict[str, str] = {}

    def root(story: str) -> str:
        while parent.setdefault(story, story) != story:
            story = parent[story]
        return story

    first_story: dict[str, str] = {}
    for rec in records:
        other = first_story.setdefault(rec["document"], rec["story"])
        parent[root(rec["story"])] = root(other)
    return {rec["id"]: root(rec["story"]) for rec in records}


def gold_of(records: list[dict]) -> dict[str, str]:
    return {rec["id"]: rec["story"] for rec in records}


def unique_copy(records: list[dict], folder: Path) -> Path:
    """The records as JSON Lines in `folder`, ready for `sitegen import`."""
    path = folder / "records.jsonl"
    path.write_text("".join(json.dumps(rec) + "\n" for rec in records), encoding="utf-8")
    return path


def full_build(records: list[dict]) -> tuple[dict[str, str], float, float]:
    """Import and build in a temp site; (prediction, import seconds, build seconds)."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as data:
        site = Path(tmp)
        path = unique_copy(records, Path(data))
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sitegen", "import", str(path)], cwd=site, check=True, capture_output=True
        )
        imported = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "--no-search", "--no-cache", "--quiet"],
            cwd=site,
            check=True,
            capture_output=True,
        )
        built = time.perf_counter() - start
        stories = json.loads((site / "public" / "stories.json").read_text("utf-8"))["stories"]
    return {a["id"]: s["id"] for s in stories for a in s["articles"]}, imported, built


def load_in_process(records: list[dict]) -> list:
    """The same articles a build would load, without writing a site (for sweeps)."""
    sys.path.insert(0, str(REPO))
    from sitegen.config import SiteConfig
    from sitegen.diagnostics import Report
    from sitegen.importer import import_jsonl
    from sitegen.load import load_articles
    from sitegen.memo import Table

    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as data:
        import_jsonl(unique_copy(records, Path(data)), Path(tmp))
        return load_articles(Path(tmp), SiteConfig(), Report(), Table(None, ""))[0]  # terms: per swept config


def sweep(names: list[str], grid: list[str]) -> None:
    sys.path.insert(0, str(REPO))
    from sitegen.cluster import cluster_stories
    from sitegen.config import ClusterConfig

    axes = [(key, [float(v) for v in values.split(",")]) for key, values in (g.split("=") for g in grid)]
    records = {name: records_of(SETS[name][0]) for name in names}
    loaded = {name: (load_in_process(records[name]), gold_of(records[name])) for name in names}
    for combo in itertools.product(*[values for _, values in axes]):
        config = dataclasses.replace(ClusterConfig(), **{k: v for (k, _), v in zip(axes, combo, strict=True)})
        cells = []
        for name, (articles, gold) in loaded.items():
            start = time.perf_counter()
            groups = cluster_stories(articles, config).groups
            pred = {a: g.id for g in groups for a in g.article_ids}
            cells.append(f"{name} B3 F1 {bcubed(pred, gold)[2]:.3f} ({time.perf_counter() - start:.1f}s)")
        print(
            " ".join(f"{k}={v:g}" for (k, _), v in zip(axes, combo, strict=True)), " | ", " | ".join(cells), flush=True
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--sweep", nargs="+", metavar="KEY=V1,V2", help="grid over [cluster] settings, in process")
    args = parser.parse_args()
    names = list(SETS) if args.set == "all" else [args.set]
    for name in names:
        if not SETS[name][0].exists():
            print(f"missing data set: {SETS[name][0]}", file=sys.stderr)
            return 2
    if args.sweep:
        sweep(names, args.sweep)
        return 0
    met = True
    for name in names:
        path, target = SETS[name]
        records = records_of(path)
        gold = gold_of(records)
        pred, imported, built = full_build(records)
        missing = set(gold) - set(pred)
        if missing:
            print(f"{name}: {len(missing)} gold articles missing from stories.json", file=sys.stderr)
            return 1
        bp, br, bf = bcubed(pred, gold)
        pp, pr, pf = pairwise(pred, gold)
        ok = bf >= target
        met &= ok
        print(
            f"{name}: {len(gold)} articles, {len(set(gold.values()))} gold stories, "
            f"{len(set(pred.values()))} built stories"
        )
        print(
            f"  BCubed   P {bp:.3f}  R {br:.3f}  F1 {bf:.3f}   target F1 >= {target:.2f}: {'met' if ok else 'NOT met'}"
        )
        print(f"  pairwise P {pp:.3f}  R {pr:.3f}  F1 {pf:.3f}")
        ceiling = overlap_ceiling(records)
        if len(set(ceiling.values())) < len(set(gold.values())):
            shared = len(records) - len({rec["document"] for rec in records})
            print(
                f"  {shared} listings repeat a document another gold story lists; keeping a document's copies "
                f"together caps BCubed F1 at {bcubed(ceiling, gold)[2]:.3f}"
            )
        print(f"  time: import {imported:.1f} s, build (--no-search --no-cache) {built:.1f} s")
    print("all targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
