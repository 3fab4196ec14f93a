"""Articles → TF-IDF vectors for clustering.

An article's terms are worked out once, where it is parsed, and cached with it; building the
matrix then costs a dict lookup per distinct term of each article. Only the first `BODY_WORDS`
words of the body count: news puts the event up front, and the tail adds background that links unrelated stories.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sitegen.config import ClusterConfig
from sitegen.model import Article
from sitegen.terms import cached_term, tokens

NAME_WEIGHT = 1.5
NUMBER_WEIGHT = 1.5
BODY_WORDS = 400


@dataclass(frozen=True)
class ArticleTerms:
    """An article's distinct index terms with their summed weights before IDF. Made where the
    article is parsed (in the worker pool on a clean build) and cached with it, so the cluster
    stage only counts: it never tokenises."""

    terms: str  # space-separated (terms hold no spaces): one object, compact in memory and cache
    weights: np.ndarray  # float32, one per term


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


def _boost(word: str) -> float:
    if word[0].isdigit():
        return NUMBER_WEIGHT if len(word) > 1 else 1.0
    return NAME_WEIGHT if word[0].isupper() else 1.0


def article_terms(article: Article, config: ClusterConfig) -> ArticleTerms:
    """Title and lead count `title_weight` times; names and numbers count more (NAME_WEIGHT,
    NUMBER_WEIGHT)."""
    words = tokens(_text(article, config))
    split = words.index(_SEPARATOR)
    sums: dict[str, float] = {}
    # per distinct word, not per token: Counter counts in C
    for part, factor in ((words[:split], config.title_weight), (words[split + 1 :], 1.0)):
        for word, count in Counter(part).items():
            found = cached_term(word, article.lang)
            if found is not None:
                sums[found] = sums.get(found, 0.0) + _boost(word) * factor * count
    return ArticleTerms(" ".join(sums), np.fromiter(sums.values(), dtype=np.float32, count=len(sums)))


def term_matrix(
    articles: Sequence[Article], config: ClusterConfig, known: Mapping[str, ArticleTerms] | None = None
) -> sp.csr_matrix:
    """TF-IDF rows (unit length, float32) for the articles, in order. `known` gives articles'
    terms by id (from the parse cache); the others are worked out here."""
    vocab: dict[str, int] = {}
    indptr = np.zeros(len(articles) + 1, dtype=np.int64)
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    for row, article in enumerate(articles):
        found = known.get(article.id) if known is not None else None
        if found is None:
            found = article_terms(article, config)
        terms = found.terms.split()
        id_parts.append(np.fromiter([vocab.setdefault(t, len(vocab)) for t in terms], dtype=np.int32, count=len(terms)))
        weight_parts.append(found.weights)
        indptr[row + 1] = indptr[row] + len(terms)
    n_terms = max(len(vocab), 1)
    if not articles:
        return sp.csr_matrix((0, n_terms), dtype=np.float32)
    indices = np.concatenate(id_parts) if id_parts else np.zeros(0, dtype=np.int32)
    data = np.concatenate(weight_parts).astype(np.float32) if weight_parts else np.zeros(0, dtype=np.float32)
    del id_parts, weight_parts
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
