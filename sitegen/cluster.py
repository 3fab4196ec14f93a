"""Articles → stories.

1. Each article becomes a TF-IDF vector of stemmed terms; the title and lead weigh more, names
   and numbers more still.
2. Candidate neighbours come from an inverted index over each article's heaviest terms, so the
   cost grows with the number of articles, not with the number of pairs.
3. Each vector is blended with the mean of its close neighbours ("document expansion"): short
   texts such as headlines gain the vocabulary of their story, which lets reworded reports meet.
4. Similarities are damped by the time between two reports beyond `window_days`: a soft prior,
   so an ongoing event can run for weeks while a similar event months later needs more text
   in common.
5. Articles linked by similarities above the threshold form components; within each, average
   linkage (scipy) merges groups while their mean similarity reaches the threshold. Averaging
   asks a whole group to agree before it grows, so one ambiguous article cannot chain events.

Editorial pins (`story:` in front matter) win over all of this. Pure: the same articles and
registry give the same stories.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from slugify import slugify

from sitegen.config import ClusterConfig
from sitegen.model import Article
from sitegen.story_ids import StoryRegistry, assign_ids, default_story_id
from sitegen.terms import stemmer, stop_words, tokens

NAME_WEIGHT = 1.5
NUMBER_WEIGHT = 1.5
TOP_TERMS = 12  # heaviest terms per article that go into the candidate index
NEIGHBOURS = 30  # candidate neighbours kept per article
EXPANSION_FLOOR = 0.1  # neighbours below this similarity don't lend vocabulary
MAX_COMPONENT = 5000  # larger components are split with a stricter edge threshold first
SHORT_TEXT_TERMS = 60.0
SHORT_TEXT_FLOOR = 0.6
RELATED_LIMIT = 5
PIN_NONE = "none"


@dataclass(frozen=True)
class StoryGroup:
    """One story: its id, its articles oldest first, and related stories' ids."""

    id: str
    article_ids: tuple[str, ...]
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clustering:
    groups: list[StoryGroup]
    redirects: dict[str, str] = field(default_factory=dict)

    def registry(self) -> StoryRegistry:
        return StoryRegistry({g.id: g.article_ids for g in self.groups}, dict(self.redirects))


_TERM_CACHE: dict[str, dict[str, tuple[str | None, float]]] = defaultdict(dict)


def _term(word: str, lang: str) -> tuple[str | None, float]:
    """Index term of a word and its boost, memoised per language (news vocabularies repeat)."""
    cache = _TERM_CACHE[lang]
    hit = cache.get(word)
    if hit is not None:
        return hit
    lower = word.lower()
    result: tuple[str | None, float]
    if lower[0].isdigit():
        result = (lower.replace(",", ""), NUMBER_WEIGHT if len(lower) > 1 else 1.0)
    elif len(lower) < 2 or lower in stop_words(lang):
        result = (None, 0.0)
    else:
        result = (stemmer(lang)(lower), NAME_WEIGHT if word[0].isupper() else 1.0)
    cache[word] = result
    return result


def article_terms(article: Article, config: ClusterConfig) -> dict[str, float]:
    """Weighted terms of an article: title and lead count `title_weight` times the body."""
    weights: dict[str, float] = defaultdict(float)
    lead = " ".join(article.sentences[: config.lead_sentences])
    parts = [(lead, config.title_weight), (" ".join(article.sentences[config.lead_sentences :]), 1.0)]
    if not article.title_derived:
        parts.append((article.title, config.title_weight))
    for text, weight in parts:
        for word, count in Counter(tokens(text)).items():
            term, boost = _term(word, article.lang)
            if term is not None:
                weights[term] += count * weight * boost
    return weights


def tfidf_matrix(bags: Sequence[dict[str, float]]) -> sp.csr_matrix:
    """Rows L2-normalised; sublinear term frequency; smoothed IDF."""
    vocab: dict[str, int] = {}
    indptr = np.zeros(len(bags) + 1, dtype=np.int64)
    indices: list[int] = []
    data: list[float] = []
    for row, bag in enumerate(bags):
        for term, weight in bag.items():
            indices.append(vocab.setdefault(term, len(vocab)))
            data.append(weight)
        indptr[row + 1] = len(indices)
    values = np.asarray(data, dtype=np.float64)
    values = np.where(values >= 1.0, 1.0 + np.log(np.maximum(values, 1.0)), values)
    matrix = sp.csr_matrix((values, np.asarray(indices, dtype=np.int64), indptr), shape=(len(bags), max(len(vocab), 1)))
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    matrix = matrix @ sp.diags(np.log((1.0 + len(bags)) / (1.0 + df)) + 1.0)
    return _normalize(matrix)


def _normalize(matrix: sp.spmatrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def _top_terms(matrix: sp.csr_matrix, m: int, df_cap: int) -> sp.csr_matrix:
    """Each row's m heaviest terms, without terms so common that they block nothing."""
    keep = np.zeros(matrix.nnz, dtype=bool)
    for i in range(matrix.shape[0]):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        if end - start <= m:
            keep[start:end] = True
        else:
            keep[start + np.argpartition(-matrix.data[start:end], m)[:m]] = True
    # copies: eliminate_zeros works in place and must not touch the caller's index arrays
    pruned = sp.csr_matrix(
        (np.where(keep, matrix.data, 0.0), matrix.indices.copy(), matrix.indptr.copy()), shape=matrix.shape
    )
    pruned.eliminate_zeros()
    df = np.bincount(pruned.indices, minlength=matrix.shape[1])
    pruned = sp.csr_matrix(pruned @ sp.diags((df <= df_cap).astype(np.float64)))
    pruned.eliminate_zeros()
    return pruned


def neighbour_pairs(matrix: sp.csr_matrix, k: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i < j) and their exact cosine similarity.

    Candidates share at least one of their heaviest terms; each row keeps the k with the highest
    overlap score. The cost is the sum over index terms of their postings squared, which the
    document-frequency cap keeps near-linear in the number of articles.
    """
    n = matrix.shape[0]
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    df_cap = max(1000, n // 50)
    index = _top_terms(matrix, TOP_TERMS, df_cap)
    transposed = index.T.tocsr()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    block = 256
    for start in range(0, n, block):
        product = (index[start : start + block] @ transposed).tocsr()
        for r in range(product.shape[0]):
            lo, hi = product.indptr[r], product.indptr[r + 1]
            found = product.indices[lo:hi]
            if len(found) > k + 1:
                found = found[np.argpartition(-product.data[lo:hi], k + 1)[: k + 1]]
            found = found[found != start + r]
            rows.append(np.full(len(found), start + r, dtype=np.int64))
            cols.append(found.astype(np.int64))
    a = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    b = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    keys = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    first, second = keys // n, keys % n
    sims = pair_similarity(matrix, first, second)
    return first, second, sims


def pair_similarity(matrix: sp.csr_matrix, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    out = np.empty(len(first))
    chunk = 200_000
    for s in range(0, len(first), chunk):
        out[s : s + chunk] = np.asarray(
            matrix[first[s : s + chunk]].multiply(matrix[second[s : s + chunk]]).sum(axis=1)
        ).ravel()
    return out


def expand(
    matrix: sp.csr_matrix, first: np.ndarray, second: np.ndarray, sims: np.ndarray, weight: float
) -> sp.csr_matrix:
    """Blend each vector with the similarity-weighted mean of its close neighbours."""
    if weight <= 0 or len(sims) == 0:
        return matrix
    n = matrix.shape[0]
    close = sims >= EXPANSION_FLOOR
    f, s, w = first[close], second[close], sims[close]
    graph = sp.csr_matrix((np.r_[w, w], (np.r_[f, s], np.r_[s, f])), shape=(n, n))
    totals = np.asarray(graph.sum(axis=1)).ravel()
    totals[totals == 0] = 1.0
    graph = sp.diags(1.0 / totals) @ graph
    return _normalize(matrix + weight * (graph @ matrix))


def time_prior(gaps: np.ndarray, config: ClusterConfig) -> np.ndarray:
    """1 within `window_days`; beyond it, decays with the log of the gap (`time_decay` sets how fast)."""
    beyond = np.maximum(gaps / max(config.window_days, 1e-9), 1.0)
    result: np.ndarray = 1.0 / (1.0 + config.time_decay * np.log(beyond))
    return result


def _gaps(days: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Days between two articles; undated articles are never penalised."""
    return np.nan_to_num(np.abs(days[a] - days[b]), nan=0.0)


def _components(n: int, a: np.ndarray, b: np.ndarray, sims: np.ndarray, threshold: float) -> list[np.ndarray]:
    edges = sims >= threshold
    graph = sp.csr_matrix((np.ones(int(edges.sum())), (a[edges], b[edges])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)


def short_text_boost(terms_a: np.ndarray, terms_b: np.ndarray) -> np.ndarray:
    """Cosine similarity of short texts (headlines, briefs) runs lower for equally related reports:
    pairs whose shorter text has fewer than SHORT_TEXT_TERMS distinct terms are scaled up, by at
    most 1 / SHORT_TEXT_FLOOR."""
    result: np.ndarray = 1.0 / np.clip(np.sqrt(np.minimum(terms_a, terms_b) / SHORT_TEXT_TERMS), SHORT_TEXT_FLOOR, 1.0)
    return result


def _average_linkage(
    matrix: sp.csr_matrix,
    days: np.ndarray,
    lengths: np.ndarray,
    members: np.ndarray,
    pins: Sequence[str | None],
    config: ClusterConfig,
) -> list[np.ndarray]:
    """Average-linkage clusters of one component, cut at the threshold."""
    if len(members) == 1:
        return [members]
    sub = matrix[members]
    sims = (sub @ sub.T).toarray().astype(np.float64)
    gap = np.nan_to_num(np.abs(days[members][:, None] - days[members][None, :]), nan=0.0)
    sims *= time_prior(gap, config)
    sims *= short_text_boost(lengths[members][:, None], lengths[members][None, :])
    member_pins = [pins[i] for i in members]
    if any(member_pins):
        codes = {pin: k for k, pin in enumerate(sorted({p for p in member_pins if p}), start=1)}
        code = np.asarray([codes.get(p, 0) if p else 0 for p in member_pins])
        both = (code[:, None] > 0) & (code[None, :] > 0)
        sims[both] = (code[:, None] == code[None, :])[both].astype(np.float64)
    distance = np.clip(1.0 - sims, 0.0, 2.0)
    upper = distance[np.triu_indices(len(members), 1)]
    labels = fcluster(linkage(upper, method="average"), t=1.0 - config.threshold, criterion="distance")
    return [members[labels == label] for label in np.unique(labels)]


def _split_large(
    component: np.ndarray, a: np.ndarray, b: np.ndarray, sims: np.ndarray, threshold: float, n: int
) -> list[np.ndarray]:
    """Cut a component too large for dense linkage along its weakest edges."""
    if len(component) <= MAX_COMPONENT:
        return [component]
    inside = np.zeros(n, dtype=bool)
    inside[component] = True
    keep = inside[a] & inside[b]
    stricter = threshold * 1.25 + 0.01
    parts = _components(n, a[keep], b[keep], sims[keep], stricter)
    result: list[np.ndarray] = []
    for part in parts:
        if inside[part[0]]:
            result.extend(_split_large(part, a[keep], b[keep], sims[keep], stricter, n))
    return result


def _enforce_pins(groups: list[list[int]], pins: Sequence[str | None], matrix: sp.csr_matrix) -> list[list[int]]:
    """One story per pin, never two pins in a story; unpinned members go to the closest pin."""
    by_pin: dict[str, list[int]] = defaultdict(list)
    free: list[list[int]] = []
    for group in groups:
        group_pins = sorted({p for p in (pins[i] for i in group) if p})
        if not group_pins:
            free.append(group)
            continue
        for i in group:
            if pins[i]:
                by_pin[pins[i]].append(i)  # type: ignore[index]
        loose = [i for i in group if not pins[i]]
        for i in loose:
            if len(group_pins) == 1:
                by_pin[group_pins[0]].append(i)
            else:
                scores = [float((matrix[i] @ matrix[[j for j in group if pins[j] == p]].T).mean()) for p in group_pins]
                by_pin[group_pins[int(np.argmax(scores))]].append(i)
    return free + [sorted(members) for _, members in sorted(by_pin.items())]


def _sort_key(article: Article) -> tuple[bool, float, str]:
    return (article.date is None, article.date.timestamp() if article.date else 0.0, article.id)


def cluster_stories(
    articles: Sequence[Article],
    config: ClusterConfig,
    previous: StoryRegistry | None = None,
    pins: dict[str, str] | None = None,
) -> Clustering:
    """Group articles about one event. `pins` maps article id → pinned story slug or "none".

    Output order: newest story first (by first report), then by id.
    """
    if not articles:
        return Clustering([], dict((previous or StoryRegistry()).redirects))
    pins = pins or {}
    ordered = sorted(articles, key=lambda a: a.id)
    n = len(ordered)
    article_pins: list[str | None] = []
    for a in ordered:
        pin = pins.get(a.id)
        article_pins.append(None if pin is None else (pin if pin == PIN_NONE else slugify(pin) or "story"))
    alone = [i for i, p in enumerate(article_pins) if p == PIN_NONE]
    pin_of = [None if p == PIN_NONE else p for p in article_pins]

    matrix = tfidf_matrix([article_terms(a, config) for a in ordered])
    days = np.asarray([a.date.timestamp() / 86400.0 if a.date else np.nan for a in ordered])
    first, second, sims = neighbour_pairs(matrix)
    lengths = np.diff(matrix.indptr).astype(np.float64)  # distinct terms, before expansion
    matrix = expand(matrix, first, second, sims, config.expansion)
    sims = pair_similarity(matrix, first, second) * time_prior(_gaps(days, first, second), config)
    sims *= short_text_boost(lengths[first], lengths[second])
    # alone-pinned articles take part in nothing; same-pin articles are linked for certain
    excluded = np.zeros(n, dtype=bool)
    excluded[alone] = True
    usable = ~(excluded[first] | excluded[second])
    first, second, sims = first[usable], second[usable], sims[usable]
    pinned_rows: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pin_of):
        if p:
            pinned_rows[p].append(i)
    extra = [(rows[0], r) for rows in pinned_rows.values() for r in rows[1:]]
    if extra:
        first = np.r_[first, [e[0] for e in extra]]
        second = np.r_[second, [e[1] for e in extra]]
        sims = np.r_[sims, np.ones(len(extra))]

    groups: list[list[int]] = [[i] for i in alone]
    for component in _components(n, first, second, sims, config.threshold):
        if excluded[component[0]] and len(component) == 1:
            continue
        for part in _split_large(component, first, second, sims, config.threshold, n):
            for cluster in _average_linkage(matrix, days, lengths, part, pin_of, config):
                groups.append(sorted(int(i) for i in cluster))
    groups = _enforce_pins(groups, pin_of, matrix)

    members = [sorted((ordered[i] for i in g), key=_sort_key) for g in groups]
    defaults, pinned = [], []
    for g, arts in zip(groups, members, strict=True):
        pin = next((pin_of[i] for i in g if pin_of[i]), None)
        defaults.append(pin or default_story_id(arts[0].title, arts[0].id))
        pinned.append(pin is not None)
    article_groups = [tuple(a.id for a in arts) for arts in members]
    ids, redirects = assign_ids(article_groups, defaults, pinned, previous or StoryRegistry())
    related = related_stories(matrix, groups, ids, config)
    result = [StoryGroup(ids[i], article_groups[i], related.get(ids[i], ())) for i in range(len(groups))]

    first_date = {g.id: members[i][0].date for i, g in enumerate(result)}
    result.sort(key=lambda g: (-(d.timestamp()) if (d := first_date[g.id]) else float("inf"), g.id))
    return Clustering(result, redirects)


def related_stories(
    matrix: sp.csr_matrix, groups: list[list[int]], ids: list[str], config: ClusterConfig
) -> dict[str, tuple[str, ...]]:
    """Stories whose centroids are close but that were not merged: follow-ups, parallel events."""
    if len(groups) < 2:
        return {}
    rows = np.concatenate([np.full(len(g), k) for k, g in enumerate(groups)])
    cols = np.concatenate([np.asarray(g) for g in groups])
    membership = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(groups), matrix.shape[0]))
    centroids = _normalize(membership @ matrix)
    a, b, sims = neighbour_pairs(centroids, k=10)
    found: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for x, y, s in zip(a, b, sims, strict=True):
        if s >= config.related_threshold:
            found[ids[x]].append((-s, ids[y]))
            found[ids[y]].append((-s, ids[x]))
    return {k: tuple(sid for _, sid in sorted(v)[:RELATED_LIMIT]) for k, v in found.items()}
