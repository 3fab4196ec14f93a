"""Articles → TF-IDF vectors for clustering.

An article's terms are worked out once, where it is parsed, and cached with it; building the
matrix then costs a dict lookup per distinct term of each article. Only the first `BODY_WORDS`
words of the body count: news puts the event up front, and the tail adds background that links unrelated stories.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from sitegen import semantic
from sitegen.config import ClusterConfig
from sitegen.model import Article
from sitegen.terms import term, tokens

if TYPE_CHECKING:
    import scipy.sparse as sp

NAME_WEIGHT = 1.5
NUMBER_WEIGHT = 1.5
BODY_WORDS = 400


@dataclass(frozen=True)
class ArticleTerms:
    """An article's distinct index terms with their summed weights before IDF. Made where the
    article is parsed (in the worker pool on a clean build) and cached with it, so the cluster
    stage never tokenises, and never looks a term up: a term is known by a 64-bit hash of it
    (two of a few million terms sharing one is a one-in-a-million chance, and would only merge
    two columns). Kept as bytes, viewed as arrays: 10,000 articles' arrays took 0.2 s to
    unpickle, their bytes 0.01 s."""

    id_bytes: bytes  # uint64 hash of each term
    weight_bytes: bytes  # float32, one per term
    meaning_bytes: bytes = b""  # float32 meaning vector of a short English text (semantic.py)
    # all clustering reads of the article but its id (date, title, pin, these terms), hashed: a
    # rebuild's clustering key then costs a few bytes per article
    clustered: str = ""

    @property
    def ids(self) -> np.ndarray:
        return np.frombuffer(self.id_bytes, dtype=np.uint64)

    @property
    def weights(self) -> np.ndarray:
        return np.frombuffer(self.weight_bytes, dtype=np.float32)


def term_id(text: str) -> int:
    """A stable 64-bit hash (`hash()` changes from process to process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


_NOT_SEEN = (0, 0.0)


@cache
def _words(lang: str) -> dict[str, tuple[int, float] | None]:
    """Word → (term id, weight boost), None for stop words: each word of a language is resolved
    once per process, then costs one dict lookup."""
    return {}


def _resolve(word: str, lang: str) -> tuple[int, float] | None:
    found = term(word, lang)
    if found is None:
        return None
    if word[0].isdigit():
        boost = NUMBER_WEIGHT if len(word) > 1 else 1.0
    else:
        boost = NAME_WEIGHT if word[0].isupper() else 1.0
    return term_id(found), boost


_SEPARATOR = "qxzsepqxz"  # a token no text contains; splits weighted and plain words in one regex pass


def _head(article: Article, config: ClusterConfig) -> str:
    """Title (an editor's, not one derived from the text) and lead: the words that weigh more,
    and what a short text's meaning vector is made of."""
    title = "" if article.title_derived else article.title
    return " ".join(f"{title} {' '.join(article.sentences[: config.lead_sentences])}".split())


def _text(article: Article, config: ClusterConfig) -> str:
    """Title and lead (weighted), the separator, then the first BODY_WORDS words of the body."""
    body: list[str] = []
    words = 0
    for sentence in article.sentences[config.lead_sentences :]:
        if words >= BODY_WORDS:
            break
        body.append(sentence)
        words += sentence.count(" ") + 1
    return f"{_head(article, config)} {_SEPARATOR} {' '.join(body)}"


def article_terms(article: Article, config: ClusterConfig) -> ArticleTerms:
    """Title and lead count `title_weight` times; names and numbers count more (NAME_WEIGHT,
    NUMBER_WEIGHT)."""
    words = tokens(_text(article, config))
    split = words.index(_SEPARATOR)
    table = _words(article.lang)
    if len(table) > 1_000_000:  # bounded: an endless vocabulary must not grow memory forever
        table.clear()
    sums: dict[int, float] = {}
    # per distinct word, not per token: Counter counts in C
    for part, factor in ((words[:split], config.title_weight), (words[split + 1 :], 1.0)):
        for word, count in Counter(part).items():
            entry = table.get(word, _NOT_SEEN)
            if entry is _NOT_SEEN:
                entry = table[word] = _resolve(word, article.lang)
            if entry is not None:
                sums[entry[0]] = sums.get(entry[0], 0.0) + entry[1] * factor * count
    ids = np.fromiter(sums.keys(), dtype=np.uint64, count=len(sums))
    weights = np.fromiter(sums.values(), dtype=np.float32, count=len(sums))
    meaning = b""
    short = 0 < len(sums) < semantic.SHORT_TEXT_TERMS
    if config.semantic > 0 and article.lang == "en" and short and semantic.available():
        meaning = semantic.embedding(_head(article, config))
    id_bytes, weight_bytes = ids.tobytes(), weights.tobytes()
    read = (article.date, article.title, article.title_derived, article.story, id_bytes, weight_bytes, meaning)
    clustered = hashlib.blake2b(pickle.dumps(read), digest_size=16).hexdigest()
    return ArticleTerms(id_bytes, weight_bytes, meaning, clustered)


@dataclass(frozen=True)
class TermMatrix:
    """What clustering reads of the articles' terms."""

    matrix: sp.csr_matrix  # unit-length rows: TF-IDF, and a short text's meaning vector beside it
    vocabulary: np.ndarray  # each column's term hash
    lengths: np.ndarray  # each row's distinct terms, as the short-text boost should see them
    dense_from: int  # the first meaning column (dense where present); the width when none


def known_terms(
    articles: Sequence[Article], config: ClusterConfig, known: Mapping[str, ArticleTerms] | None
) -> list[ArticleTerms]:
    """Each article's terms: from `known` (by id) where there, else worked out here."""
    rows = []
    for article in articles:
        found = known.get(article.id) if known is not None else None
        rows.append(found if found is not None else article_terms(article, config))
    return rows


@dataclass(frozen=True)
class DocumentFrequency:
    """How many articles of the whole archive hold each term (hashes sorted), and how many
    articles there are: a window of the archive weighs its terms as the whole archive would."""

    hashes: np.ndarray
    counts: np.ndarray
    articles: int

    @classmethod
    def of(cls, rows: Sequence[ArticleTerms]) -> DocumentFrequency:
        """Counted a slice of rows at a time: never one array of every term of the archive."""
        tables = []
        for lo in range(0, len(rows), 50_000):
            part = [r.ids for r in rows[lo : lo + 50_000]]
            tables.append(np.unique(np.concatenate(part + [np.zeros(0, dtype=np.uint64)]), return_counts=True))
        hashes = np.concatenate([t[0] for t in tables] + [np.zeros(0, dtype=np.uint64)])
        counts = np.concatenate([t[1] for t in tables] + [np.zeros(0, dtype=np.int64)])
        merged, where = np.unique(hashes, return_inverse=True)
        return cls(merged, np.bincount(where, weights=counts, minlength=len(merged)).astype(np.int64), len(rows))

    def subset(self, rows: Sequence[ArticleTerms]) -> DocumentFrequency:
        """Only the terms `rows` hold: what a window's task needs."""
        held = np.unique(np.concatenate([r.ids for r in rows] + [np.zeros(0, dtype=np.uint64)]))
        return DocumentFrequency(held, self.counts[np.searchsorted(self.hashes, held)], self.articles)


def terms_matrix(
    rows: Sequence[ArticleTerms], config: ClusterConfig, frequency: DocumentFrequency | None = None
) -> TermMatrix:
    """The rows' matrix, in order (see `with_meaning` for the meaning vectors). Made of terms,
    not articles: what a clustering task on another machine receives. `frequency` weighs the
    terms by a larger archive's counts (these rows' own by default)."""
    import scipy.sparse as sp

    if not rows:
        return TermMatrix(sp.csr_matrix((0, 1), dtype=np.float32), np.zeros(1, dtype=np.uint64), np.zeros(0), 1)
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r.id_bytes) // 8 for r in rows], out=indptr[1:])
    # columns: the distinct term hashes, in hash order; found by binary search, a slice at a time,
    # so no index array wider than the int32 result is ever made whole (100,000 articles hold
    # some 27 million terms)
    hashes = np.concatenate([r.ids for r in rows])
    vocabulary = np.unique(hashes)
    indices = np.empty(len(hashes), dtype=np.int32)
    for lo in range(0, len(hashes), 1 << 20):
        indices[lo : lo + (1 << 20)] = np.searchsorted(vocabulary, hashes[lo : lo + (1 << 20)])
    del hashes
    data = np.concatenate([r.weights for r in rows]).astype(np.float32, copy=False)
    meanings = [r.meaning_bytes for r in rows]
    n_terms = max(len(vocabulary), 1)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_terms))
    lengths = np.diff(indptr).astype(np.float64)
    if frequency is None:
        matrix = tfidf(matrix)
    else:
        df = frequency.counts[np.searchsorted(frequency.hashes, vocabulary)]
        matrix = tfidf(matrix, df, frequency.articles)
    width = matrix.shape[1]
    if config.semantic > 0 and any(meanings):
        shares = np.where([bool(m) for m in meanings], semantic.share(lengths, config.semantic), 0.0)
        matrix, vocabulary = with_meaning(matrix, vocabulary, meanings, shares)
        # a text with a meaning vector is short no more: its meaning stands in for the words it
        # lacks, so the short-text boost (cluster.py) would count them twice
        lengths[shares > 0] = semantic.SHORT_TEXT_TERMS
    return TermMatrix(matrix, vocabulary, lengths, width)


# the meaning vector's columns, known by hashes no word has
MEANING_IDS = np.asarray([term_id(f"\0meaning {d}") for d in range(semantic.DIMENSIONS)], dtype=np.uint64)


def with_meaning(
    matrix: sp.csr_matrix, vocabulary: np.ndarray, meanings: Sequence[bytes], shares: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Each row with a share s > 0 (it has a meaning vector) becomes [√(1 − s)·TF-IDF,
    √s·meaning]: still unit length, and the cosine of two such rows blends their words' and their
    meanings' cosines (s = `cluster.semantic` for two headlines). The others keep their TF-IDF
    alone. The meaning columns come last."""
    import scipy.sparse as sp

    scale = np.sqrt(1.0 - shares).astype(np.float32)
    matrix = sp.csr_matrix(sp.diags(scale) @ matrix)
    rows = np.flatnonzero(shares > 0)
    block = np.zeros((matrix.shape[0], semantic.DIMENSIONS), dtype=np.float32)
    if len(rows):
        vectors = b"".join(meanings[int(i)] for i in rows)
        block[rows] = np.frombuffer(vectors, dtype=np.float32).reshape(len(rows), -1)
        block[rows] *= np.sqrt(shares[rows]).astype(np.float32)[:, None]
    combined = sp.hstack([matrix, sp.csr_matrix(block)], format="csr")
    return combined, np.concatenate([vocabulary, MEANING_IDS])


IDF_STEP = 0.2  # ln(1 + document frequency) is rounded to this step
ARCHIVE_STEPS = 8  # the archive's size is rounded up to one of this many steps per doubling


def tfidf(counts: sp.csr_matrix, df: np.ndarray | None = None, articles: int | None = None) -> sp.csr_matrix:
    """Sublinear term frequency times smoothed IDF, rows L2-normalised, float32, in place.

    The IDF moves in steps: the archive's size rounded up to an eighth of a doubling, the log of
    a term's document frequency rounded to IDF_STEP. Exact IDF changes every vector whenever one
    article is added or removed; stepped, it changes only the vectors of the few terms whose step
    the change crosses, so a rebuild can reuse the linkage of the stories it did not touch. Same
    BCubed F1 on UCI + DUC 2002 (bench/README.md). `df` and `articles` count a larger archive
    than these rows (a time window's, windows.py)."""
    values = counts.data
    heavy = values >= 1.0
    values[heavy] = 1.0 + np.log(values[heavy])
    if df is None:
        df = np.bincount(counts.indices, minlength=counts.shape[1])
    size = 2.0 ** (np.ceil(ARCHIVE_STEPS * np.log2((articles or counts.shape[0]) + 1.0)) / ARCHIVE_STEPS)
    rarity = np.round(np.log1p(df) / IDF_STEP) * IDF_STEP
    idf = (np.log(size) - rarity + 1.0).astype(np.float32)
    values *= idf[counts.indices]
    return normalize_rows(counts)


def normalize_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Unit-length rows; scales the data in place when the matrix is already CSR."""
    import scipy.sparse as sp

    matrix = sp.csr_matrix(matrix)
    squares = sp.csr_matrix((matrix.data * matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape)
    norms = np.sqrt(np.asarray(squares.sum(axis=1), dtype=np.float64).ravel())
    del squares
    norms[norms == 0] = 1.0
    matrix.data *= np.repeat((1.0 / norms).astype(matrix.dtype), np.diff(matrix.indptr))
    return matrix
