"""Articles → TF-IDF vectors for clustering.

Kept lean because it runs over every article on a clean build: per token only C-level work
runs (the regex, list extension, dict lookups through `map`, numpy); Python code runs once per
article and once per distinct word of the build. Only the first `BODY_WORDS` words of the body
count: news puts the event up front, and the tail adds background that links unrelated stories.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from sitegen.config import ClusterConfig
from sitegen.model import Article
from sitegen.terms import term, tokens

NAME_WEIGHT = 1.5
NUMBER_WEIGHT = 1.5
BODY_WORDS = 400


class TermIndex:
    """Word → term id and weight boost, memoised per language; term ids are shared by all languages."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.ids: dict[str, dict[str, int]] = {}
        self.boosts: dict[str, dict[str, float]] = {}

    def learn(self, words: set[str], lang: str) -> tuple[dict[str, int], dict[str, float]]:
        """Resolve the words not seen yet (id -1: stop word or single letter); return the tables."""
        ids = self.ids.setdefault(lang, {})
        boosts = self.boosts.setdefault(lang, {})
        for word in words.difference(ids):
            found = term(word, lang)
            if found is None:
                ids[word], boosts[word] = -1, 0.0
            else:
                ids[word] = self.vocab.setdefault(found, len(self.vocab))
                if word[0].isdigit():
                    boosts[word] = NUMBER_WEIGHT if len(word) > 1 else 1.0
                else:
                    boosts[word] = NAME_WEIGHT if word[0].isupper() else 1.0
        return ids, boosts


_SEPARATOR = "qxzsepqxz"  # a token no text contains; splits weighted and plain words in one regex pass


def _text(article: Article, config: ClusterConfig) -> str:
    """Title and lead (weighted), the separator, then the first BODY_WORDS words of the body."""
    body: list[str] = []
    words = 0
    for sentence in article.sentences[config.lead_sentences :]:
        if words >= BODY_WORDS:
            break
        body.append(sentence)
        words += sentence.count(" ") + 1
    title = "" if article.title_derived else article.title
    lead = " ".join(article.sentences[: config.lead_sentences])
    return f"{title} {lead} {_SEPARATOR} {' '.join(body)}"


class TermRows:
    """Each article's term ids and weights before IDF, kept between builds by `sitegen serve`:
    an edit then costs the edited article's tokenising, not the whole archive's. Term ids come
    from one TermIndex, so they stay valid from build to build."""

    def __init__(self) -> None:
        self.index = TermIndex()
        self.rows: dict[Article, tuple[np.ndarray, np.ndarray]] = {}


def term_matrix(
    articles: Sequence[Article], config: ClusterConfig, chunk: int = 2000, memo: TermRows | None = None
) -> sp.csr_matrix:
    """TF-IDF rows (unit length, float32) for the articles, in order."""
    index = memo.index if memo is not None else TermIndex()
    known = memo.rows if memo is not None else {}
    kept: dict[Article, tuple[np.ndarray, np.ndarray]] = {}
    blocks: list[sp.csr_matrix] = []
    heavy = np.float32(config.title_weight)
    for start in range(0, len(articles), chunk):
        batch = articles[start : start + chunk]
        id_parts: list[np.ndarray] = []
        weight_parts: list[np.ndarray] = []
        row_parts: list[np.ndarray] = []
        for row, article in enumerate(batch):
            if article in known:
                term_ids, found = known[article]
            else:
                words = tokens(_text(article, config))
                split = words.index(_SEPARATOR)
                del words[split]
                ids, boosts = index.learn(set(words), article.lang)
                term_ids = np.fromiter(map(ids.__getitem__, words), dtype=np.int64, count=len(words))
                found = np.fromiter(map(boosts.__getitem__, words), dtype=np.float32, count=len(words))
                found[:split] *= heavy
            if memo is not None:
                kept[article] = (term_ids, found)
            if not len(term_ids):
                continue
            id_parts.append(term_ids)
            weight_parts.append(found)
            row_parts.append(np.full(len(term_ids), row, dtype=np.int32))
        width = max(len(index.vocab), 1)
        if id_parts:
            term_ids = np.concatenate(id_parts)
            keep = term_ids >= 0
            coords = (np.concatenate(row_parts)[keep], term_ids[keep])
            block = sp.csr_matrix((np.concatenate(weight_parts)[keep], coords), shape=(len(batch), width))
        else:
            block = sp.csr_matrix((len(batch), width), dtype=np.float32)
        block.sum_duplicates()
        blocks.append(block)
    if memo is not None:
        memo.rows = kept  # only the current articles: edited and deleted ones are dropped
    n_terms = max(len(index.vocab), 1)
    if not blocks:
        return sp.csr_matrix((0, n_terms), dtype=np.float32)
    # stack by hand: one copy of the arrays, not the several that vstack and friends make
    indptr = np.zeros(len(articles) + 1, dtype=np.int64)
    np.cumsum(np.concatenate([np.diff(b.indptr) for b in blocks]), out=indptr[1:])
    indices = np.concatenate([b.indices for b in blocks]).astype(np.int32, copy=False)
    data = np.concatenate([b.data for b in blocks]).astype(np.float32, copy=False)
    del blocks
    return tfidf(sp.csr_matrix((data, indices, indptr), shape=(len(articles), n_terms)))


def tfidf(counts: sp.csr_matrix) -> sp.csr_matrix:
    """Sublinear term frequency times smoothed IDF, rows L2-normalised, float32, in place."""
    values = counts.data
    heavy = values >= 1.0
    values[heavy] = 1.0 + np.log(values[heavy])
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = (np.log((1.0 + counts.shape[0]) / (1.0 + df)) + 1.0).astype(np.float32)
    values *= idf[counts.indices]
    return normalize_rows(counts)


def normalize_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Unit-length rows; scales the data in place when the matrix is already CSR."""
    matrix = sp.csr_matrix(matrix)
    squares = sp.csr_matrix((matrix.data * matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape)
    norms = np.sqrt(np.asarray(squares.sum(axis=1), dtype=np.float64).ravel())
    del squares
    norms[norms == 0] = 1.0
    matrix.data *= np.repeat((1.0 / norms).astype(matrix.dtype), np.diff(matrix.indptr))
    return matrix
