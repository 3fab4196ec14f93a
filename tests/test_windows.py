"""Clustering in time windows (windows.py): the windows a large archive is cut into, and the
stories merged back from them, on the sample archive and the seeds."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from datetime import datetime

import numpy as np
import pytest

from conftest import REPO
from sitegen.cluster import cluster_stories
from sitegen.config import ClusterConfig, SiteConfig
from sitegen.diagnostics import Report
from sitegen.load import load_articles
from sitegen.memo import Table
from sitegen.windows import time_windows

SEED_IDS = {"000_195430f04631b808", "001_b05ba9de3f9c4bcc"}


def windowed(days: float, overlap: float) -> ClusterConfig:
    return dataclasses.replace(
        ClusterConfig(), partition_articles=0, partition_days=days, partition_overlap_days=overlap
    )


def test_windows_own_their_days_read_their_margins_and_share_the_undated() -> None:
    day = 86400.0
    stamps = [datetime(2024, 1, d).timestamp() / day for d in (1, 9, 10, 12, 20, 29)]
    days = np.asarray([*stamps, np.nan, np.nan])  # date order, undated last
    base = ClusterConfig()
    assert len(time_windows(days, base)) == 1  # 8 articles: far below partition_articles
    windows = time_windows(
        days, dataclasses.replace(base, partition_articles=0, partition_days=10, partition_overlap_days=2)
    )
    assert len(windows) >= 3
    owners = defaultdict(list)
    for w in windows:
        assert list(w.rows[-2:]) == [6, 7] and not w.owned[-2:].any()  # every window reads the undated
        assert list(w.rows) == sorted(w.rows)
        lo, hi = w.key * 10 - 2, (w.key + 1) * 10 + 2
        for row, owned in zip(w.rows[:-2], w.owned[:-2], strict=True):
            assert lo <= days[row] < hi  # margins reach 2 days past the window, no further
            if owned:
                owners[int(row)].append(w.key)
                assert w.key * 10 <= days[row] < (w.key + 1) * 10
    assert {row: len(keys) for row, keys in owners.items()} == {row: 1 for row in range(6)}  # one owner each
    assert any(not owned for w in windows for owned in w.owned[:-2])  # some rows are margins somewhere


@pytest.mark.parametrize(("days", "overlap"), [(30, 7), (7, 2)])
def test_windowed_sample_keeps_its_gold_stories_and_the_seeds_together(days: float, overlap: float) -> None:
    gold = json.loads((REPO / "tests" / "sample_archive_gold.json").read_text("utf-8"))
    expected: dict[str, set[str]] = defaultdict(set)
    for article_id, key in gold.items():
        expected[key].add(article_id)
    articles = load_articles(REPO / "content", SiteConfig(), Report(), Table(None, ""))[0]
    seeds = load_articles(REPO / "tests" / "seeds", SiteConfig(), Report(), Table(None, ""))[0]
    config = windowed(days, overlap)
    by_id = {a.id: a for a in articles}
    # the merge is exercised: gold stories whose reports fall in two windows
    spanning = [
        s
        for s in expected.values()
        if len({int(d.timestamp() // 86400 // days) for a in s if (d := by_id[a].date)}) > 1
    ]
    assert spanning, "no gold story crosses a window boundary: the test would not test the merge"

    groups = cluster_stories(articles + seeds, config).groups
    got = {frozenset(g.article_ids) for g in groups}
    assert {frozenset(v) for v in expected.values()} | {frozenset(SEED_IDS)} == got
    # the undated seed sits in every window; it went to its dated twin's, not to another story
    assert frozenset(SEED_IDS) in got
    # windows or not, the same stories under the same ids
    whole = cluster_stories(articles + seeds, ClusterConfig()).groups
    assert sorted((g.id, g.article_ids) for g in groups) == sorted((g.id, g.article_ids) for g in whole)
