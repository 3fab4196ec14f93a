"""Articles → stories: TF-IDF over title, lead and body; time-blocked candidate pairs;
average-linkage agglomeration with a threshold. Pure: the same articles give the same stories.

Why average linkage: single-link chains unrelated reports through one ambiguous article;
averaging asks a whole group to agree before two groups merge.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from slugify import slugify

from sitegen.config import ClusterConfig
from sitegen.model import Article
from sitegen.terms import is_name, tokens, word_terms

_NAME_WEIGHT = 1.5
_NUMBER_WEIGHT = 1.5
_MIN_PAIR = 0.05  # pair similarities below this are treated as zero
_BLOCK = 256


@dataclass(frozen=True)
class StoryGroup:
    """Article ids of one story, oldest first, and the story's stable id."""

    id: str
    article_ids: tuple[str, ...]


def article_terms(article: Article, config: ClusterConfig) -> dict[str, float]:
    """Weighted terms: title and lead count more; names and numbers more still."""
    weights: dict[str, float] = defaultdict(float)

    def add(text: str, weight: float) -> None:
        for i, (word, term) in enumerate(word_terms(tokens(text), article.lang)):
            if term is None:
                continue
            boost = weight
            if term[0].isdigit():
                boost *= _NUMBER_WEIGHT if len(term) > 1 else 1.0
            elif is_name(word, i == 0):
                boost *= _NAME_WEIGHT
            weights[term] += boost

    if not article.title_derived:
        add(article.title, config.title_weight)
    for i, sentence in enumerate(article.sentences):
        add(sentence, config.title_weight if i < config.lead_sentences else 1.0)
    return weights


def tfidf_matrix(bags: Sequence[dict[str, float]]) -> sp.csr_matrix:
    """Rows L2-normalised, sublinear term frequency, smoothed IDF."""
    vocab: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for bag in bags:
        for term, weight in bag.items():
            indices.append(vocab.setdefault(term, len(vocab)))
            data.append(1.0 + math.log(weight) if weight >= 1.0 else weight)
        indptr.append(len(indices))
    matrix = sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(bags), max(len(vocab), 1)),
    )
    n = len(bags)
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    matrix = matrix @ sp.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def candidate_similarities(
    matrix: sp.csr_matrix, days: Sequence[float | None], window_days: int
) -> dict[tuple[int, int], float]:
    """Cosine similarity of pairs published within the window of each other (i < j).

    Rows are compared block by block against the date range they can reach, so the cost grows
    with the number of articles times the articles per window, not with all pairs.
    """
    n = matrix.shape[0]
    dated = sorted((d, i) for i, d in enumerate(days) if d is not None)
    undated = [i for i, d in enumerate(days) if d is None]
    order = [i for _, i in dated]
    day_sorted = np.asarray([d for d, _ in dated], dtype=np.float64)
    pairs: dict[tuple[int, int], float] = {}

    def collect(rows: list[int], cols: list[int]) -> None:
        if not rows or not cols:
            return
        block = (matrix[rows] @ matrix[cols].T).tocoo()
        for r, c, v in zip(block.row, block.col, block.data, strict=True):
            i, j = rows[r], cols[c]
            if i < j and v >= _MIN_PAIR:
                pairs[(i, j)] = float(v)
            elif j < i and v >= _MIN_PAIR:
                pairs[(j, i)] = float(v)

    for start in range(0, len(order), _BLOCK):
        rows = order[start : start + _BLOCK]
        lo = np.searchsorted(day_sorted, day_sorted[start] - window_days, side="left")
        hi = np.searchsorted(day_sorted, day_sorted[min(start + _BLOCK, len(order)) - 1] + window_days, side="right")
        cols = order[lo:hi]
        collect(rows, cols)
        # exclude out-of-window pairs the block's span let in
    if undated:
        collect(undated, list(range(n)))
    for i, j in list(pairs):
        di, dj = days[i], days[j]
        if di is not None and dj is not None and abs(di - dj) > window_days:
            del pairs[(i, j)]
    return pairs


def average_linkage(n: int, pairs: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Agglomerate while the best average similarity between two clusters reaches the threshold.

    Similarity sums between clusters are kept sparse; an absent pair counts as zero. Ties break on
    the lowest member index, so the result does not depend on dict or heap order.
    """
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = defaultdict(dict)
    for (i, j), s in pairs.items():
        links[i][j] = s
        links[j][i] = s
    heap = [(-s, i, j) for (i, j), s in pairs.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = links[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(current + neg) > 1e-12:
            continue  # stale entry; a fresher one is in the heap
        keep, gone = (a, b) if a < b else (b, a)
        members[keep].extend(members.pop(gone))
        gone_links = links.pop(gone)
        for other, s in gone_links.items():
            if other == keep:
                continue
            links[other].pop(gone, None)
            total = links[keep].get(other, 0.0) + s
            links[keep][other] = total
            links[other][keep] = total
        links[keep].pop(gone, None)
        size = len(members[keep])
        for other, total in links[keep].items():
            average = total / (size * len(members[other]))
            if average >= threshold:
                x, y = (keep, other) if keep < other else (other, keep)
                heapq.heappush(heap, (-average, x, y))
    return [sorted(m) for m in members.values()]


def _sort_key(article: Article) -> tuple[bool, float, str]:
    return (article.date is None, article.date.timestamp() if article.date else 0.0, article.id)


def story_id(anchor: Article) -> str:
    """A readable slug from the founding article's title plus a short hash of its id.

    Derived from content, never from file or run order; the anchor is the story's earliest
    article, so later coverage doesn't move the URL.
    """
    digest = hashlib.sha1(anchor.id.encode("utf-8")).hexdigest()[:6]
    slug = slugify(anchor.title, max_length=60, word_boundary=True) or "story"
    return f"{slug}-{digest}"


def cluster_stories(articles: Sequence[Article], config: ClusterConfig) -> list[StoryGroup]:
    """Group articles about the same event. Output order: newest story first, then by id."""
    if not articles:
        return []
    ordered = sorted(articles, key=lambda a: a.id)
    matrix = tfidf_matrix([article_terms(a, config) for a in ordered])
    days = [a.date.timestamp() / 86400.0 if a.date else None for a in ordered]
    pairs = candidate_similarities(matrix, days, config.window_days)
    groups = average_linkage(len(ordered), pairs, config.threshold)
    stories: list[StoryGroup] = []
    for group in groups:
        members = sorted((ordered[i] for i in group), key=_sort_key)
        stories.append(StoryGroup(story_id(members[0]), tuple(a.id for a in members)))
    by_id = {a.id: a for a in ordered}

    def newest_first(group: StoryGroup) -> tuple[float, str]:
        first = by_id[group.article_ids[0]]
        return (-(first.date.timestamp()) if first.date else math.inf, group.id)

    stories.sort(key=newest_first)
    return stories
