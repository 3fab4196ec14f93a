"""Clustering: the seeds are one story, the sample archive matches its gold grouping, ids are stable."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from sitegen.articles import load_articles
from sitegen.cache import ParseCache
from sitegen.cluster import cluster_stories
from sitegen.config import ClusterConfig, SiteConfig
from sitegen.diagnostics import Report
from sitegen.model import Article

REPO = Path(__file__).resolve().parent.parent


def articles_of(content: Path) -> list[Article]:
    return load_articles(content, SiteConfig(), Report(), ParseCache(None, ""))[0]


def test_the_two_seeds_form_one_story(seeds_site: Path) -> None:
    groups = cluster_stories(articles_of(seeds_site / "content"), ClusterConfig()).groups
    assert len(groups) == 1
    assert set(groups[0].article_ids) == {"000_195430f04631b808", "001_b05ba9de3f9c4bcc"}
    assert groups[0].article_ids[0] == "001_b05ba9de3f9c4bcc"  # dated before undated


def test_sample_archive_matches_its_gold_grouping() -> None:
    gold = json.loads((REPO / "tests" / "sample_archive_gold.json").read_text("utf-8"))
    articles = articles_of(REPO / "content")
    assert {a.id for a in articles} == set(gold)
    expected: dict[str, set[str]] = defaultdict(set)
    for article_id, key in gold.items():
        expected[key].add(article_id)
    got = {frozenset(g.article_ids) for g in cluster_stories(articles, ClusterConfig()).groups}
    assert got == {frozenset(v) for v in expected.values()}


def test_unrelated_events_stay_apart(seeds_site: Path) -> None:
    articles = articles_of(seeds_site / "content") + articles_of(REPO / "content")
    groups = cluster_stories(articles, ClusterConfig()).groups
    seed_group = next(g for g in groups if "001_b05ba9de3f9c4bcc" in g.article_ids)
    assert set(seed_group.article_ids) == {"000_195430f04631b808", "001_b05ba9de3f9c4bcc"}


def test_story_ids_do_not_depend_on_input_order() -> None:
    articles = articles_of(REPO / "content")
    first = cluster_stories(articles, ClusterConfig()).groups
    shuffled = list(articles)
    random.Random(7).shuffle(shuffled)
    assert cluster_stories(shuffled, ClusterConfig()).groups == first
    assert len({g.id for g in first}) == len(first)


def test_story_id_is_kept_when_later_coverage_arrives() -> None:
    articles = articles_of(REPO / "content")
    groups = cluster_stories(articles, ClusterConfig()).groups
    big = max(groups, key=lambda g: len(g.article_ids))
    # drop the latest article of the story: the id comes from the earliest, so it is unchanged
    fewer = [a for a in articles if a.id != big.article_ids[-1]]
    again = {g.article_ids[0]: g.id for g in cluster_stories(fewer, ClusterConfig()).groups}
    assert again[big.article_ids[0]] == big.id
