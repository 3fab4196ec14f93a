"""Clustering a large archive in time windows, and merging the windows' stories back.

Linkage and its candidate search hold a whole archive at once; cut in windows of time, each
window is clustered on its own (on a Dask cluster, as parallel tasks) and only its stories'
vectors come back. The merge is deterministic: the same articles give the same stories whatever
ran the windows, and in whatever order they finished.

Windows. Only an archive of more than `partition_articles` articles is cut: windows cost
recall on stories that resume years later (DUC 2002's document sets; bench/README.md), which a
smaller archive need not pay. A window covers `partition_days` days on a fixed grid (days since 1970 divided by the
width), so new articles never move a boundary. It also reads `partition_overlap_days` on either
side: those margin reports lend their neighbours and vocabulary to the window's clustering, but
the window next door decides their story. An undated report takes part in every window; it
belongs to the window where it is most like (mean cosine) the reports its story there owns, the
earliest on a tie. (Not where that story is largest: a big story of another year then took a
2023 wire report that only its 2023 twin truly matched.)

Merge. A window's stories cut to the reports it owns are its pieces. Pieces of different windows
merge by the linkage rule itself, lifted to whole groups: the mean cosine between two groups of
unit vectors is the dot product of their mean vectors. It is damped by the time prior for the gap
between the groups' mean days and raised for short texts as in cluster.py, and must reach
`threshold`. Candidate pairs come from an index of the pieces' heaviest terms (so a story can
resume years later, as DUC 2002's document sets do); the best pair merges first, the sums add up,
and the merged group's pairs are scored again. Two groups that hold pieces of one window never
merge (that window judged them apart with every report in view), nor two different pins; pieces
with one pin always merge. A merged story that still spans a pause longer than `gap_days` is cut
there, as in cluster.py.

A piece's vector is its sum truncated to MERGE_TERMS terms: dot products of truncated sums only
fall short of the true ones, so the merge can miss a link but not invent one.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sitegen.config import ClusterConfig

if TYPE_CHECKING:
    import scipy.sparse as sp

    from sitegen.cluster import PieceVectors, TermRows, WindowStories


@dataclass(frozen=True)
class Window:
    """A window's rows (indexes into the date-ordered articles) and which of them it owns."""

    key: int  # days since 1970 // partition_days; 0 for an archive in one window
    rows: np.ndarray
    owned: np.ndarray


@dataclass(frozen=True)
class Merged:
    """The archive's stories as rows, pause families, and each row's heaviest terms."""

    groups: list[list[int]]
    families: list[list[int]]  # indexes into `groups`
    heaviest: sp.csr_matrix


def time_windows(days: np.ndarray, config: ClusterConfig) -> list[Window]:
    """The windows of an archive whose rows are in date order, undated last. One window (every
    row owned) when the archive holds `partition_articles` or fewer, or its dated reports fit in
    one window."""
    n = len(days)
    whole = [Window(0, np.arange(n), np.ones(n, dtype=bool))]
    width = config.partition_days
    dated = np.flatnonzero(~np.isnan(days))
    if width <= 0 or n <= config.partition_articles or len(dated) == 0:
        return whole
    when = days[dated]
    keys = np.floor(when / width).astype(np.int64)
    if keys[0] == keys[-1]:
        return whole
    margin = min(config.partition_overlap_days, width / 2)  # a report lends context to two windows at most
    undated = np.flatnonzero(np.isnan(days))
    windows = []
    for key in np.unique(keys):
        lo = int(np.searchsorted(when, key * width - margin, "left"))
        hi = int(np.searchsorted(when, (key + 1) * width + margin, "left"))
        rows = np.concatenate([dated[lo:hi], undated])
        owned = np.concatenate([keys[lo:hi] == key, np.zeros(len(undated), dtype=bool)])
        windows.append(Window(int(key), rows, owned))
    return windows


def _columns(parts: list[TermRows]) -> tuple[np.ndarray, list[np.ndarray]]:
    """One column numbering for rows of several windows: the term hashes, sorted."""
    vocabulary = np.unique(np.concatenate([p.hashes for p in parts] + [np.zeros(0, dtype=np.uint64)]))
    return vocabulary, [np.searchsorted(vocabulary, p.hashes) for p in parts]


def _take(source: TermRows, columns: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows `local` of `source`: their lengths, columns and weights."""
    starts, stops = source.indptr[local], source.indptr[local + 1]
    counts = stops - starts
    entries = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(int(counts.sum()))
    return counts, columns[entries], source.weights[entries]


def _stack(parts: list[TermRows], picks: list[np.ndarray], shape_rows: int, targets: list[np.ndarray]) -> sp.csr_matrix:
    """A matrix whose row targets[k][i] is row picks[k][i] of parts[k]."""
    import scipy.sparse as sp

    vocabulary, columns = _columns(parts)
    rows, cols, data = [], [], []
    for part, col, local, target in zip(parts, columns, picks, targets, strict=True):
        counts, c, w = _take(part, col, local)
        rows.append(np.repeat(target, counts))
        cols.append(c)
        data.append(w)
    empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return sp.csr_matrix(
        (np.concatenate(data + [empty_f]), (np.concatenate(rows + [empty_i]), np.concatenate(cols + [empty_i]))),
        shape=(shape_rows, max(len(vocabulary), 1)),
    )


def merge_windows(
    windows: list[Window],
    results: list[WindowStories],
    days: np.ndarray,
    pins: list[str | None],
    config: ClusterConfig,
) -> Merged:
    """The archive's stories from its windows' (see the module's docstring)."""
    n = len(days)
    if len(windows) == 1:
        only = results[0]
        everything = np.arange(n)
        return Merged(
            [list(g) for g in only.groups], only.families, _stack([only.heaviest], [everything], n, [everything])
        )
    vectors: list[PieceVectors] = []
    for r in results:
        assert r.pieces is not None  # one of several windows: each made its piece vectors
        vectors.append(r.pieces)
    owner = np.full(n, -1, dtype=np.int64)
    for k, w in enumerate(windows):
        owner[w.rows[w.owned]] = k
    undated = np.flatnonzero(owner < 0)
    # an undated report goes where it is most like the reports its story there owns
    for j, row in enumerate(undated):
        scores = [
            (float(v.affinity[len(w.rows) - len(undated) + j]), -k)
            for k, (w, v) in enumerate(zip(windows, vectors, strict=True))
        ]
        owner[row] = -max(scores)[1]

    # pieces: each window's stories cut to the rows it owns
    pieces: list[list[int]] = []
    source: list[tuple[int, int]] = []  # (window, group) of each piece
    piece_of: dict[tuple[int, int], int] = {}
    for k, (w, r) in enumerate(zip(windows, results, strict=True)):
        for g, members in enumerate(r.groups):
            mine = sorted(int(w.rows[i]) for i in members if owner[w.rows[i]] == k)
            if mine:
                piece_of[(k, g)] = len(pieces)
                pieces.append(mine)
                source.append((k, g))
    roots = _agglomerate(pieces, source, vectors, days, pins, config)

    final: dict[int, list[int]] = defaultdict(list)
    for p, root in enumerate(roots):
        final[root].extend(pieces[p])
    # row order of the archive's first report names each story's place: stable whatever merged first
    groups = sorted(sorted(members) for members in final.values())
    index_of = {g[0]: i for i, g in enumerate(groups)}
    story_of_piece = [index_of[min(final[root])] for root in roots]

    heaviest = _stack(
        [r.heaviest for r in results],
        [np.flatnonzero(owner[w.rows] == k) for k, w in enumerate(windows)],
        n,
        [w.rows[owner[w.rows] == k] for k, w in enumerate(windows)],
    )
    families: list[list[int]] = []
    for k, r in enumerate(results):
        for family in r.families:
            stories = sorted({story_of_piece[piece_of[(k, g)]] for g in family if (k, g) in piece_of})
            if len(stories) > 1:
                families.append(stories)
    return _cut_pauses(groups, families, days, pins, heaviest, config)


def _cut_pauses(
    groups: list[list[int]],
    families: list[list[int]],
    days: np.ndarray,
    pins: list[str | None],
    heaviest: sp.csr_matrix,
    config: ClusterConfig,
) -> Merged:
    """A merged story spanning a pause longer than `gap_days` is cut there (pinned ones never)."""
    from sitegen.cluster import split_at_pauses

    if config.gap_days <= 0:
        return Merged(groups, families, heaviest)
    renumber: dict[int, list[int]] = {}
    result: list[list[int]] = []
    cut: list[list[int]] = []
    for g, group in enumerate(groups):
        parts = [group] if any(pins[i] for i in group) else split_at_pauses(group, days, config.gap_days, heaviest)
        renumber[g] = list(range(len(result), len(result) + len(parts)))
        if len(parts) > 1:
            cut.append(renumber[g])
        result.extend(parts)
    # a window's family whose story was cut again: its first part stands for it
    kept = [sorted({renumber[g][0] for g in family}) for family in families]
    return Merged(result, [f for f in kept if len(f) > 1] + cut, heaviest)


def _agglomerate(
    pieces: list[list[int]],
    source: list[tuple[int, int]],
    vectors: list[PieceVectors],
    days: np.ndarray,
    pins: list[str | None],
    config: ClusterConfig,
) -> list[int]:
    """Each piece's group after the merge, as the index of the group's first piece."""
    from sitegen.cluster import CENTROID_TERMS, short_text_boost, time_prior
    from sitegen.features import normalize_rows
    from sitegen.neighbours import neighbour_pairs, pair_similarity

    count = len(pieces)
    windows_of = [source[p][0] for p in range(count)]
    sizes = np.asarray([vectors[k].sizes[g] for k, g in source], dtype=np.float64)
    lengths = np.asarray([vectors[k].lengths[g] for k, g in source], dtype=np.float64)
    piece_days = np.asarray([np.nanmean(days[p]) if np.isfinite(days[p]).any() else np.nan for p in pieces])
    by_window: dict[int, list[int]] = defaultdict(list)
    for p, (k, _) in enumerate(source):
        by_window[k].append(p)
    sums = _stack(
        [v.sums for v in vectors],
        [np.asarray([g for _, g in (source[p] for p in by_window[k])], dtype=np.int64) for k in range(len(vectors))],
        count,
        [np.asarray(by_window[k], dtype=np.int64) for k in range(len(vectors))],
    )
    piece_pins = [next((pins[i] for i in p if pins[i]), None) for p in pieces]

    # live groups: a merged group takes a new number; its parts' heap entries then go stale
    group_vectors: dict[int, sp.csr_matrix] = {}  # a piece's row is sliced out when first scored

    def vector(x: int) -> sp.csr_matrix:
        if x not in group_vectors:
            group_vectors[x] = sums[x]
        return group_vectors[x]

    members: list[list[int]] = [[p] for p in range(count)]
    seen: list[frozenset[int]] = [frozenset([w]) for w in windows_of]
    pin: list[str | None] = list(piece_pins)
    size, day, length = list(sizes), list(piece_days), list(lengths)
    alive = [True] * count
    links: list[set[int]] = [set() for _ in range(count)]

    def compatible(x: int, y: int) -> bool:
        return not (seen[x] & seen[y]) and not (pin[x] and pin[y] and pin[x] != pin[y])

    def join(x: int, y: int) -> int:
        z = len(members)
        group_vectors[z] = vector(x) + vector(y)
        members.append(members[x] + members[y])
        seen.append(seen[x] | seen[y])
        pin.append(pin[x] or pin[y])
        total = size[x] + size[y]
        size.append(total)
        dx, dy = day[x], day[y]
        day.append(dy if np.isnan(dx) else dx if np.isnan(dy) else (dx * size[x] + dy * size[y]) / max(total, 1.0))
        length.append((length[x] * size[x] + length[y] * size[y]) / max(total, 1.0))
        alive[x] = alive[y] = False
        alive.append(True)
        links.append({v for v in links[x] | links[y] if alive[v]})
        for v in links[z]:
            links[v].add(z)
        return z

    def score(x: int, y: int, dot: float | None = None) -> float:
        if size[x] == 0 or size[y] == 0:
            return 0.0
        if dot is None:
            dot = float(vector(x).multiply(vector(y)).sum())
        gap = 0.0 if np.isnan(day[x]) or np.isnan(day[y]) else abs(day[x] - day[y])
        prior = float(time_prior(np.asarray([gap]), config)[0])
        boost = float(short_text_boost(np.asarray([length[x]]), np.asarray([length[y]]))[0])
        return dot / (size[x] * size[y]) * prior * boost

    # one pin, one story: its pieces merge first, whatever their similarity
    by_pin: dict[str, list[int]] = defaultdict(list)
    for p, value in enumerate(piece_pins):
        if value:
            by_pin[value].append(p)
    for value in sorted(by_pin):
        group = by_pin[value]
        current = group[0]
        for other in group[1:]:
            current = join(current, other)

    # candidates: pieces of different windows sharing heavy terms, searched in date order
    order = sorted(range(count), key=lambda p: (np.isnan(piece_days[p]), piece_days[p], pieces[p][0]))
    if count > 1:
        a, b, _ = neighbour_pairs(normalize_rows(sums[order]), piece_days[order], k=10, index_terms=CENTROID_TERMS)
        a, b = np.asarray(order)[a], np.asarray(order)[b]
        window_array = np.asarray(windows_of)
        cross = window_array[a] != window_array[b]
        a, b = a[cross], b[cross]
        dots = pair_similarity(sums, a, b) if len(a) else np.zeros(0)
    else:
        a = b = np.zeros(0, dtype=np.int64)
        dots = np.zeros(0)
    top = {p: p for p in range(count)}  # a piece's live group, for the pairs found before pins merged
    for x in range(count, len(members)):
        for p in members[x]:
            top[p] = x
    heap: list[tuple[float, int, int]] = []
    for x, y, d in zip(a.tolist(), b.tolist(), dots.tolist(), strict=True):
        gx, gy = top[x], top[y]
        if gx == gy:
            continue
        links[gx].add(gy)
        links[gy].add(gx)
        if compatible(gx, gy):
            s = score(gx, gy, d) if gx == x and gy == y else score(gx, gy)
            if s >= config.threshold:
                heapq.heappush(heap, (-s, min(gx, gy), max(gx, gy)))
    while heap:
        _, x, y = heapq.heappop(heap)
        if not (alive[x] and alive[y]):
            continue
        z = join(x, y)
        for v in sorted(links[z]):
            if compatible(z, v) and (s := score(z, v)) >= config.threshold:
                heapq.heappush(heap, (-s, min(z, v), max(z, v)))

    roots = [0] * count
    for z, group in enumerate(members):
        if alive[z]:
            for p in group:
                roots[p] = min(group)
    return roots
