"""Candidate neighbours without comparing all pairs, exact similarities for them, and
neighbour-mean expansion. All vectorised: no Python loop runs per article."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sitegen.features import normalize_rows

TOP_TERMS = 12  # heaviest terms per article that go into the candidate index
NEIGHBOURS = 10  # candidate neighbours kept per article
INDEX_DF_CAP = 1000  # index terms in more articles than this block nothing and cost quadratically
MIN_OVERLAP = 0.02  # candidates whose heaviest terms barely overlap are not worth scoring
CANDIDATE_WINDOW = 1500  # articles on each side, in date order, where every indexed term proposes candidates
RARE_DF = 50  # beyond them, only terms this rare do
EXPANSION_FLOOR = 0.1  # neighbours below this similarity don't lend vocabulary
# nor those below this share of the best similarity either article has (chosen on the tune halves:
# bench/README.md, "Stories glued by a shared name")
EXPANSION_RELATIVE = 0.3
LENT_TERMS = 24  # heaviest terms a neighbour lends
_BLOCK = 512


def _row_ranks(rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order entries by row, best score first, and give each its rank within its row.

    One float key (row + a fraction that falls as the score rises) sorts faster than lexsort.
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    top = float(scores.max()) or 1.0
    order = np.argsort(rows + (1.0 - scores.astype(np.float64) / (top * 1.000001)), kind="stable")
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    counts = np.diff(np.r_[starts, len(sorted_rows)])
    ranks = np.arange(len(sorted_rows)) - np.repeat(starts, counts)
    return order, ranks


def top_terms(matrix: sp.csr_matrix, m: int, df_cap: int) -> sp.csr_matrix:
    """Each row's m heaviest terms, without terms so common that they block nothing.

    Works in row chunks so the sort keys never cost more than a slice of the matrix.
    """
    kept_rows: list[np.ndarray] = []
    kept_entries: list[np.ndarray] = []
    for lo in range(0, matrix.shape[0], 20_000):
        hi = min(lo + 20_000, matrix.shape[0])
        offset = matrix.indptr[lo]
        rows = np.repeat(np.arange(lo, hi), np.diff(matrix.indptr[lo : hi + 1]))
        order, ranks = _row_ranks(rows, matrix.data[offset : matrix.indptr[hi]])
        best = order[ranks < m]
        kept_rows.append(rows[best])
        kept_entries.append(best + offset)
    rows = np.concatenate(kept_rows) if kept_rows else np.zeros(0, dtype=np.int64)
    entries = np.concatenate(kept_entries) if kept_entries else np.zeros(0, dtype=np.int64)
    cols = matrix.indices[entries]
    df = np.bincount(cols, minlength=matrix.shape[1])
    common = df[cols] > df_cap
    rows, entries, cols = rows[~common], entries[~common], cols[~common]
    return sp.csr_matrix((matrix.data[entries], (rows, cols)), shape=matrix.shape)


def neighbour_pairs(
    matrix: sp.csr_matrix,
    days: np.ndarray | None = None,
    k: int = NEIGHBOURS,
    index_terms: int = TOP_TERMS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i < j), sorted, with their overlap on the heaviest terms (a lower bound
    of their cosine: enough to weigh neighbours; `pair_similarity` gives the exact value).

    Candidates share at least one of their heaviest terms; each row keeps the k with the highest
    overlap. With `days` (rows in date order, undated last) two passes keep the cost linear:
    among the CANDIDATE_WINDOW articles published just before and after, every indexed term
    counts; across any time span only rare terms (names, mostly) do, so a story can still gather
    reports months apart. The window is counted in articles, not days, so a denser archive costs
    no more per article.
    """
    n = matrix.shape[0]
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    index = top_terms(matrix, index_terms, INDEX_DF_CAP)
    rare = top_terms(index, index_terms, RARE_DF)
    dated = n if days is None else int(np.count_nonzero(~np.isnan(days)))
    everything = index.T.tocsr() if days is None or dated < n else None
    rare_anywhere = rare.T.tocsr()
    undated = index[dated:].T.tocsr()
    found_rows: list[np.ndarray] = []
    found_cols: list[np.ndarray] = []
    found_scores: list[np.ndarray] = []
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        if days is None or start >= dated:
            assert everything is not None  # built above whenever some rows are undated
            product = index[start:stop] @ everything
        else:
            lo, hi = max(0, start - CANDIDATE_WINDOW), min(dated, stop + CANDIDATE_WINDOW)
            block = index[start:stop]
            far = sp.coo_matrix(rare[start:stop] @ rare_anywhere)
            outside = (far.col < lo) | (far.col >= hi)
            parts = [
                _place(block @ index[lo:hi].T, lo, n),  # near in time: every indexed term
                sp.csr_matrix((far.data[outside], (far.row[outside], far.col[outside])), shape=far.shape),
                _place(block @ undated, dated, n),  # undated articles: any time
            ]
            product = parts[0] + parts[1] + parts[2]  # any time apart: rare terms only
        product = product.tocoo()
        rows = product.row.astype(np.int64) + start
        cols = product.col.astype(np.int64)
        useful = (rows != cols) & (product.data >= MIN_OVERLAP)
        rows, cols, scores = rows[useful], cols[useful], product.data[useful]
        order, ranks = _row_ranks(rows, scores)
        best = order[ranks < k]
        found_rows.append(rows[best])
        found_cols.append(cols[best])
        found_scores.append(scores[best])
    a = np.concatenate(found_rows)
    b = np.concatenate(found_cols)
    keys, where = np.unique(np.minimum(a, b) * n + np.maximum(a, b), return_index=True)
    return keys // n, keys % n, np.concatenate(found_scores)[where].astype(np.float64)


def _place(block: sp.spmatrix, col_start: int, n: int) -> sp.csr_matrix:
    """A block of columns [col_start, ...) widened to all n columns."""
    coo = sp.coo_matrix(block)
    return sp.csr_matrix((coo.data, (coo.row, coo.col + col_start)), shape=(coo.shape[0], n))


def pair_similarity(
    matrix: sp.csr_matrix, first: np.ndarray, second: np.ndarray, dense_from: int | None = None
) -> np.ndarray:
    """Cosine of each pair (rows are unit length): the elementwise product of the two rows, summed.
    Columns from `dense_from` on (meaning vectors: dense where present) are multiplied as dense
    arrays, which sparse products handle a hundred times slower.

    Linear in the number of pairs, wherever in the archive the partners are.
    """
    words, dense = split_dense(matrix, dense_from)
    out = np.empty(len(first), dtype=np.float64)
    chunk = 20_000  # two row copies per chunk: keep them small
    for lo in range(0, len(first), chunk):
        left = words[first[lo : lo + chunk]]
        right = words[second[lo : lo + chunk]]
        out[lo : lo + chunk] = np.asarray(left.multiply(right).sum(axis=1), dtype=np.float64).ravel()
        if dense is not None:
            both = dense[first[lo : lo + chunk]] * dense[second[lo : lo + chunk]]
            out[lo : lo + chunk] += both.sum(axis=1, dtype=np.float64)
    return out


def split_dense(matrix: sp.csr_matrix, dense_from: int | None) -> tuple[sp.csr_matrix, np.ndarray | None]:
    """The sparse columns before `dense_from`, and the columns from it on as a dense array."""
    if dense_from is None or dense_from >= matrix.shape[1]:
        return matrix, None
    return sp.csr_matrix(matrix[:, :dense_from]), matrix[:, dense_from:].toarray()


def gram(rows: sp.csr_matrix, dense_from: int | None = None) -> np.ndarray:
    """Every pairwise dot product of the rows (float32), the dense columns by BLAS."""
    words, dense = split_dense(rows, dense_from)
    result = np.asarray((words @ words.T).toarray(), dtype=np.float32)
    if dense is not None:
        result += dense @ dense.T
    return result


def expand(
    matrix: sp.csr_matrix,
    first: np.ndarray,
    second: np.ndarray,
    sims: np.ndarray,
    weight: float,
    heaviest: sp.csr_matrix,
) -> sp.csr_matrix:
    """Blend each vector with the similarity-weighted mean of its close neighbours' heaviest terms.

    Only the neighbours' index terms are lent, so a vector grows by a bounded number of entries.
    """
    if weight <= 0 or len(sims) == 0:
        return matrix
    n = matrix.shape[0]
    # a pair lends only if it reaches EXPANSION_RELATIVE of the weaker side's best pair: an article
    # with close neighbours of its own story takes nothing from weak ones that merely share a name
    # or a topic word, and a headline whose best neighbour is weak still borrows
    best = np.zeros(n)
    np.maximum.at(best, first, sims)
    np.maximum.at(best, second, sims)
    close = (sims >= EXPANSION_FLOOR) & (sims >= EXPANSION_RELATIVE * np.minimum(best[first], best[second]))
    f, s, w = first[close], second[close], sims[close].astype(np.float32)
    graph = sp.csr_matrix((np.r_[w, w], (np.r_[f, s], np.r_[s, f])), shape=(n, n))
    totals = np.asarray(graph.sum(axis=1), dtype=np.float64).ravel()
    totals[totals == 0] = 1.0
    graph = sp.csr_matrix(sp.diags((1.0 / totals).astype(np.float32)) @ graph)
    lent = normalize_rows(heaviest.copy())  # each row's LENT_TERMS heaviest terms
    borrowed = graph @ lent
    del graph, lent
    borrowed.data *= np.float32(weight)
    return normalize_rows(matrix + borrowed)
