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
5. Articles linked by similarities above the threshold form components. A component is cut
   where its coverage pauses longer than `gap_days`, and a part larger than PIECE_LIMIT along
   its weakest links; within each piece, average linkage (scipy) merges groups while their mean
   similarity reaches the threshold. Averaging asks a whole group to agree before it grows, so
   one ambiguous article cannot chain events.
6. A story still spanning a pause is cut there; its parts are linked as related.

Editorial pins (`story:` in front matter) win over all of this. Pure: the same articles and
registry give the same stories.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sitegen import semantic
from sitegen.config import ClusterConfig
from sitegen.features import ArticleTerms, DocumentFrequency
from sitegen.memo import fingerprint
from sitegen.model import PIN_NONE, Article
from sitegen.slugs import slug
from sitegen.story_ids import StoryRegistry, assign_ids, default_story_id

if TYPE_CHECKING:
    import scipy.sparse as sp

    from sitegen.memo import Store

# scipy (and what builds on it) is imported where clustering runs: a warm build that reuses the
# last clustering never loads it (about 0.4 s of start-up)

PIECE_LIMIT = 1500  # larger linkage inputs are cut along their weakest edges first
PIECE_STEP = 0.02  # how much stricter each cut's edge threshold is than the last
SHORT_TEXT_TERMS = float(semantic.SHORT_TEXT_TERMS)  # one bound for "short" here and for meaning vectors
SHORT_TEXT_FLOOR = 0.6
RELATED_LIMIT = 5
CENTROID_TERMS = 40
MERGE_TERMS = 200  # of a window's story vector, kept for the merge across windows


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


def time_prior(gaps: np.ndarray, config: ClusterConfig) -> np.ndarray:
    """1 within `window_days`; beyond it, decays with the log of the gap (`time_decay` sets how fast)."""
    beyond = np.maximum(gaps / max(config.window_days, 1e-9), 1.0)
    result: np.ndarray = 1.0 / (1.0 + config.time_decay * np.log(beyond))
    return result


def _gaps(days: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Days between two articles; undated articles are never penalised."""
    return np.nan_to_num(np.abs(days[a] - days[b]), nan=0.0)


def _components(
    n: int, a: np.ndarray, b: np.ndarray, sims: np.ndarray, threshold: float
) -> list[tuple[np.ndarray, bool]]:
    """Connected components of the graph of edges at or above the threshold, each with whether
    it is complete (every pair linked): then average linkage would keep it whole, and the dense
    computation can be skipped."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    edges = sims >= threshold
    graph = sp.csr_matrix((np.ones(int(edges.sum())), (a[edges], b[edges])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    linked = np.bincount(labels[a[edges]], minlength=len(sizes))
    complete = linked == sizes * (sizes - 1) // 2
    order = np.argsort(labels, kind="stable")
    parts = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)
    return [(part, bool(complete[labels[part[0]]])) for part in parts]


def short_text_boost(terms_a: np.ndarray, terms_b: np.ndarray) -> np.ndarray:
    """Cosine similarity of short texts (headlines, briefs) runs lower for equally related reports:
    pairs whose shorter text has fewer than SHORT_TEXT_TERMS distinct terms are scaled up, by at
    most 1 / SHORT_TEXT_FLOOR."""
    result: np.ndarray = 1.0 / np.clip(np.sqrt(np.minimum(terms_a, terms_b) / SHORT_TEXT_TERMS), SHORT_TEXT_FLOOR, 1.0)
    return result


def _linkage_key(
    sub: sp.csr_matrix,
    vocabulary: np.ndarray,
    days: np.ndarray,
    lengths: np.ndarray,
    members: np.ndarray,
    pins: Sequence[str | None],
    config: ClusterConfig,
) -> str:
    """Everything `_average_linkage` reads of a piece, hashed: its rows `sub` by term hash
    (column numbers shift whenever a new term enters the archive), dates, lengths, pins and
    settings."""
    sub = sub.sorted_indices()
    settings = (config.threshold, config.window_days, config.time_decay)
    parts = (sub.indptr, vocabulary[sub.indices], sub.data, days[members], lengths[members])
    return "linkage:" + fingerprint(settings, *(np.ascontiguousarray(p) for p in parts), [pins[i] for i in members])


def _average_linkage(
    sub: sp.csr_matrix,
    days: np.ndarray,
    lengths: np.ndarray,
    members: np.ndarray,
    pins: Sequence[str | None],
    config: ClusterConfig,
    dense_from: int | None = None,
) -> np.ndarray:
    """Average-linkage cluster labels of one piece's members (their rows `sub`), cut at the
    threshold."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    from sitegen.neighbours import gram

    # float32 and in place: a large piece must not cost gigabytes
    sims = gram(sub, dense_from)
    when = days[members].astype(np.float32)
    gap = np.abs(when[:, None] - when[None, :])
    np.nan_to_num(gap, copy=False, nan=0.0)
    if float(gap.max()) > config.window_days:  # within the window the prior is 1: skip it
        sims *= time_prior(gap, config).astype(np.float32, copy=False)
    del gap
    size = lengths[members].astype(np.float32)
    sims *= short_text_boost(size[:, None], size[None, :]).astype(np.float32, copy=False)
    member_pins = [pins[i] for i in members]
    if any(member_pins):
        codes = {pin: k for k, pin in enumerate(sorted({p for p in member_pins if p}), start=1)}
        code = np.asarray([codes.get(p, 0) if p else 0 for p in member_pins])
        both = (code[:, None] > 0) & (code[None, :] > 0)
        sims[both] = (code[:, None] == code[None, :])[both].astype(np.float32)
    np.subtract(1.0, sims, out=sims)
    np.clip(sims, 0.0, 2.0, out=sims)
    np.fill_diagonal(sims, 0.0)
    upper = squareform(sims, checks=False).astype(np.float64)
    del sims
    labels: np.ndarray = fcluster(linkage(upper, method="average"), t=1.0 - config.threshold, criterion="distance")
    return labels.astype(np.int32)


def _pieces(
    component: np.ndarray, a: np.ndarray, b: np.ndarray, sims: np.ndarray, threshold: float, n: int
) -> list[np.ndarray]:
    """Cut a component larger than PIECE_LIMIT along its weakest edges, a step at a time, so no
    linkage runs on more than PIECE_LIMIT articles. A headline archive otherwise chains into one
    component of nearly everything: one linkage of quadratic cost, redone after any edit.
    On UCI + DUC 2002 the pieces also glue fewer stories: BCubed P / R 0.774 / 0.847 -> 0.816 /
    0.813 (F1 0.809 -> 0.815), in a fifth of the time (bench/README.md)."""
    if len(component) <= PIECE_LIMIT:
        return [component]
    local = np.full(n, -1, dtype=np.int64)  # the component's own numbering keeps the graph small
    local[component] = np.arange(len(component))
    keep = (local[a] >= 0) & (local[b] >= 0)
    a, b, sims = local[a[keep]], local[b[keep]], sims[keep]
    stricter = threshold + PIECE_STEP
    result: list[np.ndarray] = []
    for part, _ in _components(len(component), a, b, sims, stricter):
        result.extend(component[piece] for piece in _pieces(part, a, b, sims, stricter, len(component)))
    return result


def _piece_labels(
    matrix: sp.csr_matrix,
    vocabulary: np.ndarray,
    days: np.ndarray,
    lengths: np.ndarray,
    piece: np.ndarray,
    pins: Sequence[str | None],
    config: ClusterConfig,
    memo: Store | None,
    dense_from: int | None = None,
) -> np.ndarray:
    """A piece's linkage labels, from `memo` when the same inputs were linked before."""
    if len(piece) == 1:
        return np.ones(1, dtype=np.int32)
    sub = matrix[piece]
    if memo is None:
        return _average_linkage(sub, days, lengths, piece, pins, config, dense_from)
    key = _linkage_key(sub, vocabulary, days, lengths, piece, pins, config)
    found = memo.get(key)
    if isinstance(found, bytes) and len(found) == 4 * len(piece):
        return np.frombuffer(found, dtype=np.int32)
    labels = _average_linkage(sub, days, lengths, piece, pins, config, dense_from)
    memo.put(key, labels.tobytes())
    return labels


def split_at_pauses(group: list[int], days: np.ndarray, gap_days: float, matrix: sp.csr_matrix) -> list[list[int]]:
    """A story runs while coverage keeps arriving: its dated reports cut wherever one comes more
    than `gap_days` after the one before. Similar words decades apart (McDonald's opening in
    Moscow in 1990, its sales in 2014) are two stories. An undated report joins the part holding
    the report most like it (the most alike on average would favour small parts)."""
    dated = sorted((float(days[i]), i) for i in group if not np.isnan(days[i]))
    undated = [i for i in group if np.isnan(days[i])]
    parts: list[list[int]] = []
    last = None
    for day, i in dated:
        if last is None or day - last > gap_days:
            parts.append([])
        parts[-1].append(i)
        last = day
    if len(parts) <= 1:
        return [group]
    for i in undated:
        closeness = [float((matrix[i] @ matrix[part].T).max()) for part in parts]
        parts[int(np.argmax(closeness))].append(i)
    return [sorted(part) for part in parts]


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


@dataclass(frozen=True)
class WindowJob:
    """What clustering one time window reads: its articles' terms, days (NaN when undated) and
    pins (a story slug, PIN_NONE or None), in date order. Small enough to send to a Dask worker."""

    terms: list[ArticleTerms]
    days: np.ndarray
    pins: list[str | None]
    owned: np.ndarray  # False for the margins: reports another window owns (they lend context)
    config: ClusterConfig
    frequency: DocumentFrequency | None = None  # the whole archive's, when this is one window of several


@dataclass(frozen=True)
class TermRows:
    """Rows of term weights by term hash (no shared columns), so windows' rows can meet."""

    indptr: np.ndarray
    hashes: np.ndarray
    weights: np.ndarray

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.indptr[i], self.indptr[i + 1]
        return self.hashes[lo:hi], self.weights[lo:hi]


@dataclass(frozen=True)
class PieceVectors:
    """What the merge across windows reads of one window's groups."""

    sums: TermRows  # each group's summed vectors over the rows it owns, its MERGE_TERMS heaviest
    sizes: np.ndarray  # rows each sum adds up
    lengths: np.ndarray  # their mean distinct terms (the short-text boost)
    affinity: np.ndarray  # an undated row's mean cosine to the owned rows of its group (0 for the rest)


@dataclass(frozen=True)
class WindowStories:
    """One window's stories as rows of its job."""

    groups: list[list[int]]
    families: list[list[int]]  # indexes into `groups`: stories cut from one by a pause
    heaviest: TermRows  # each row's CENTROID_TERMS heaviest terms (related stories)
    pieces: PieceVectors | None  # None for an archive's only window: there is nothing to merge


def _term_rows(matrix: sp.csr_matrix, vocabulary: np.ndarray) -> TermRows:
    matrix = matrix.tocsr()
    matrix.sort_indices()
    return TermRows(matrix.indptr.astype(np.int64), vocabulary[matrix.indices], matrix.data.astype(np.float32))


def cluster_window(job: WindowJob, memo: Store | None = None) -> WindowStories:
    """Steps 1-6 of the module's docstring over one window's articles."""
    from sitegen.features import terms_matrix
    from sitegen.neighbours import LENT_TERMS, expand, neighbour_pairs, pair_similarity, top_terms

    config, days = job.config, job.days
    n = len(job.terms)
    alone = [i for i, p in enumerate(job.pins) if p == PIN_NONE]
    pin_of = [None if p == PIN_NONE else p for p in job.pins]

    table = terms_matrix(job.terms, config, job.frequency)
    matrix, vocabulary, lengths, dense_from = table.matrix, table.vocabulary, table.lengths, table.dense_from
    del table  # the expansion below replaces the matrix: nothing may keep the first one alive
    # one ranking of each row's terms serves the candidate index and the expansion
    heaviest = top_terms(matrix, LENT_TERMS, n + 1)
    first, second, _ = neighbour_pairs(heaviest, days)
    sims = pair_similarity(matrix, first, second, dense_from)  # exact: the overlap alone weighs neighbours badly
    prior = time_prior(_gaps(days, first, second), config)
    # a neighbour lends as much as the time prior lets it count: one a year away that shares a
    # surname must not lend it, and the story's words with it, as if it were the same day
    matrix = expand(matrix, first, second, sims * prior, config.expansion, heaviest)
    del heaviest
    sims = pair_similarity(matrix, first, second, dense_from) * prior
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
    for component, complete in _components(n, first, second, sims, config.threshold):
        if excluded[component[0]] and len(component) == 1:
            continue
        if complete and not any(pin_of[i] for i in component):
            groups.append(sorted(int(i) for i in component))
            continue
        # reports across a pause never share a story: they never meet in one linkage either
        runs = [component.tolist()]
        if config.gap_days > 0:
            runs = split_at_pauses(runs[0], days, config.gap_days, matrix)
        for run in runs:
            for piece in _pieces(np.asarray(run), first, second, sims, config.threshold, n):
                labels = _piece_labels(matrix, vocabulary, days, lengths, piece, pin_of, config, memo, dense_from)
                groups.extend(sorted(int(i) for i in piece[labels == label]) for label in np.unique(labels))
    groups = _enforce_pins(groups, pin_of, matrix)
    families: list[list[int]] = []
    if config.gap_days > 0:
        split: list[list[int]] = []
        for group in groups:
            if any(pin_of[i] for i in group):
                split.append(group)
                continue
            parts = split_at_pauses(group, days, config.gap_days, matrix)
            if len(parts) > 1:
                families.append(list(range(len(split), len(split) + len(parts))))
            split.extend(parts)
        groups = split

    heaviest = _term_rows(top_terms(matrix, CENTROID_TERMS, n + 1), vocabulary)
    pieces = None if job.frequency is None else _piece_vectors(job, groups, matrix, vocabulary, lengths)
    return WindowStories(groups, families, heaviest, pieces)


def _piece_vectors(
    job: WindowJob, groups: list[list[int]], matrix: sp.csr_matrix, vocabulary: np.ndarray, lengths: np.ndarray
) -> PieceVectors:
    """Each group's vector sum over the rows this window owns, and its undated guests' affinity."""
    import scipy.sparse as sp

    from sitegen.neighbours import top_terms

    own = [[i for i in g if job.owned[i]] for g in groups]
    rows = np.concatenate([np.full(len(m), k) for k, m in enumerate(own)] + [np.zeros(0, dtype=np.int64)])
    cols = np.concatenate([np.asarray(m, dtype=np.int64) for m in own] + [np.zeros(0, dtype=np.int64)])
    shape = (len(groups), matrix.shape[0])
    membership = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    sums = top_terms(sp.csr_matrix(membership @ matrix), MERGE_TERMS, len(groups) + 1)
    affinity = np.zeros(matrix.shape[0])
    for g, members in enumerate(groups):
        guests = [i for i in members if np.isnan(job.days[i]) and not job.owned[i]]
        if guests and own[g]:
            affinity[guests] = np.asarray((matrix[guests] @ matrix[own[g]].T).mean(axis=1)).ravel()
    return PieceVectors(
        _term_rows(sums, vocabulary),
        np.asarray([len(m) for m in own], dtype=np.int64),
        np.asarray([float(lengths[m].mean()) if m else 0.0 for m in own]),
        affinity,
    )


def _cluster_windows(jobs: list[WindowJob]) -> list[WindowStories]:
    """A chunk of windows, as a pool or Dask task (no memo there: each task starts cold)."""
    return [cluster_window(job) for job in jobs]


def cluster_stories(
    articles: Sequence[Article],
    config: ClusterConfig,
    previous: StoryRegistry | None = None,
    pins: dict[str, str] | None = None,
    terms: Mapping[str, ArticleTerms] | None = None,
    memo: Store | None = None,
) -> Clustering:
    """Group articles about one event. `pins` maps article id → pinned story slug or "none";
    `terms` gives articles' terms by id (made by the load stage; missing ones are made here);
    `memo` keeps each piece's linkage by a hash of its inputs, so a rebuild links again only
    the pieces an edit touched, and gets what a clean build would.

    An archive spanning more than one `partition_days` window is clustered a window at a time
    (on a Dask cluster, as parallel tasks) and the windows' stories merged (windows.py).

    Output order: newest story first (by first report), then by id.
    """
    from sitegen import pool
    from sitegen.features import known_terms
    from sitegen.summarize import representative_title
    from sitegen.windows import merge_windows, time_windows

    if not articles:
        return Clustering([], dict((previous or StoryRegistry()).redirects))
    pins = pins or {}
    ordered = sorted(articles, key=_sort_key)  # date order keeps each row's neighbours close by
    article_pins: list[str | None] = []
    for a in ordered:
        pin = pins.get(a.id)
        article_pins.append(None if pin is None else (pin if pin == PIN_NONE else slug(pin, "story")))
    pin_of = [None if p == PIN_NONE else p for p in article_pins]
    days = np.asarray([a.date.timestamp() / 86400.0 if a.date else np.nan for a in ordered])
    rows = known_terms(ordered, config, terms)
    windows = time_windows(days, config)
    frequency = DocumentFrequency.of(rows) if len(windows) > 1 else None
    jobs = []
    for w in windows:
        held = [rows[i] for i in w.rows]
        part = frequency.subset(held) if frequency is not None else None
        jobs.append(WindowJob(held, days[w.rows], [article_pins[i] for i in w.rows], w.owned, config, part))
    del frequency
    del rows
    if len(jobs) > 1 and pool.distributed():
        results = pool.map_chunks(_cluster_windows, jobs, minimum=2, chunk=1)
    else:  # here, where the memo can spare relinking the pieces an edit left alone
        results = [cluster_window(job, memo) for job in jobs]
    del jobs
    merged = merge_windows(windows, results, days, pin_of, config)
    groups, families = merged.groups, merged.families

    members = [sorted((ordered[i] for i in g), key=_sort_key) for g in groups]
    group_pins = [next((pin_of[i] for i in g if pin_of[i]), None) for g in groups]

    def default_id(index: int) -> str:
        """A story's pin, else its id when it has no ancestor: named by the headline its page
        shows (the one closest to the others), as first published. Asked only of those: a story
        the registry knows keeps its id, and choosing a headline costs ~1 ms a story."""
        arts = members[index]
        return group_pins[index] or default_story_id(representative_title(arts), arts[0].id)

    article_groups = [tuple(a.id for a in arts) for arts in members]
    pinned = [pin is not None for pin in group_pins]
    ids, redirects = assign_ids(article_groups, default_id, pinned, previous or StoryRegistry())
    related = related_stories(merged.heaviest, days, groups, ids, config)
    for family in families:  # a story cut by a pause is related to its other parts first
        for child in family:
            others = [ids[other] for other in family if other != child]
            linked = tuple(dict.fromkeys([*others, *related.get(ids[child], ())]))
            related[ids[child]] = linked[: max(RELATED_LIMIT, len(others))]
    result = [StoryGroup(ids[i], article_groups[i], related.get(ids[i], ())) for i in range(len(groups))]

    first_date = {g.id: members[i][0].date for i, g in enumerate(result)}
    result.sort(key=lambda g: (-(d.timestamp()) if (d := first_date[g.id]) else float("inf"), g.id))
    return Clustering(result, redirects)


def related_stories(
    heaviest: sp.csr_matrix, days: np.ndarray, groups: list[list[int]], ids: list[str], config: ClusterConfig
) -> dict[str, tuple[str, ...]]:
    """Stories whose centroids are close but that were not merged: follow-ups, parallel events.

    Stories are searched like articles: near neighbours in date order by every heavy term,
    any time apart by rare ones.
    """
    import scipy.sparse as sp

    from sitegen.features import normalize_rows
    from sitegen.neighbours import neighbour_pairs, pair_similarity

    if len(groups) < 2:
        return {}
    # rows are in date order (undated last), so a story's first row dates it
    by_date = sorted(range(len(groups)), key=lambda g: min(groups[g]))
    rows = np.concatenate([np.full(len(groups[g]), k) for k, g in enumerate(by_date)])
    cols = np.concatenate([np.asarray(groups[g]) for g in by_date])
    membership = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(groups), heaviest.shape[0])
    )
    # a centroid sums its members' heaviest terms (CENTROID_TERMS each): what the story is about,
    # at a bounded size
    centroids = normalize_rows(membership @ heaviest)
    story_days = np.asarray([days[min(groups[g])] for g in by_date])
    first, second, _ = neighbour_pairs(centroids, story_days, k=10, index_terms=CENTROID_TERMS)
    sims = pair_similarity(centroids, first, second)
    a = [by_date[i] for i in first]
    b = [by_date[i] for i in second]
    found: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for x, y, s in zip(a, b, sims, strict=True):
        if s >= config.related_threshold:
            found[ids[x]].append((-s, ids[y]))
            found[ids[y]].append((-s, ids[x]))
    return {k: tuple(sid for _, sid in sorted(v)[:RELATED_LIMIT]) for k, v in found.items()}
