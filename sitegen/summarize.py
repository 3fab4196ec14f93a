"""Story → merged summary: align reworded sentences across variants, rank the aligned facts by
centrality, coverage and how early they are reported, pick without redundancy, attribute each
to the sources carrying it, and order them as the event unfolded.

A centroid method with a lead prior (as in MEAD, Radev et al. 2004): on DUC 2002 it beats
LexRank by 2 ROUGE points (bench/summary_quality.py), and a 10-article story takes ~15 ms.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from sitegen.config import SiteConfig
from sitegen.diagnostics import Report
from sitegen.model import Article, Summary, SummarySentence
from sitegen.terms import base_lang, index_terms

# Chosen by measurement on DUC 2002 (bench/summary_quality.py); each held on both halves of the sets.
ALIGN_THRESHOLD = 0.35  # cosine above which two sentences of different variants say the same thing
REDUNDANCY_THRESHOLD = 0.3  # a candidate this close to a chosen sentence adds nothing
MIN_WORDS = 4  # shorter fragments ("he said.") are never summary or "only in" material
COVERAGE_WEIGHT = 1.0  # a fact every variant carries scores twice as high as one a single variant has
LEAD_BONUS = 1.0  # news puts the event first: an article's opening sentence scores up to 2 times more,
LEAD_DECAY = 0.4  # a bonus that fades with each later sentence (by e^-0.4 per sentence)
LEAD_SENTENCES = 3  # an article's lead, for the reading order: the event before its context
DANGLING_FACTOR = 0.5  # a sentence that leans on the one before it reads badly out of context
# English openings that point back: pronouns and connectives (other languages: quotes only)
_DANGLING_EN = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "there",
        "but",
        "and",
        "also",
        "however",
        "meanwhile",
        "so",
        "yet",
        "still",
        "then",
    ]
)


class _Sentence(NamedTuple):  # a story has hundreds: a named tuple is the cheapest to make
    article: int
    position: int
    text: str
    words: int


@dataclass(frozen=True)
class _Fact:
    """Sentences of several variants that say the same thing."""

    members: tuple[int, ...]  # indexes into the sentence list
    articles: frozenset[int]


def _vectors(texts: Sequence[np.ndarray]) -> np.ndarray:
    """Sentence-level TF-IDF (each sentence a document, as LexRank does), rows L2-normalised;
    `texts` are the sentences' term ids (`_term_ids`). Worked out on the nonzero cells only, then
    placed in a dense matrix for the products: a story's ~100 sentences span ~1,000 terms, and
    whole-matrix arithmetic cost ten times more."""
    flat = np.concatenate(texts) if texts else np.zeros(0, dtype=np.int64)
    # columns in the order terms first appear in the story, not by their ids: ids depend on what
    # the process summarized before, and a different column order sums in a different order,
    # which can tip a near tie (a killed build's rerun summarized one story differently)
    _, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    cols = rank[inverse]
    rows = np.repeat(np.arange(len(texts)), [len(terms) for terms in texts])
    width = max(int(cols.max()) + 1 if len(cols) else 0, 1)
    cells, counts = np.unique(rows * width + cols, return_counts=True)
    row, col = np.divmod(cells, width)
    df = np.bincount(col, minlength=width)
    values = (1.0 + np.log(counts)) * (np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0)[col]
    norms = np.sqrt(np.bincount(row, weights=values * values, minlength=len(texts)))
    norms[norms == 0] = 1.0
    result = np.zeros((len(texts), width))
    result[row, col] = values / norms[row]
    return result


_TERM_IDS: dict[str, int] = {}  # index term → a number, per process
_MAX_TERMS = 500_000  # bounded: an endless vocabulary must not grow memory forever


def _term_ids(text: str, lang: str) -> np.ndarray:
    """A sentence's index terms as numbers, once per text: wire copy repeats sentences word for
    word across a story's variants, and numbers make the vectors without a vocabulary of strings."""
    if len(_TERM_IDS) > _MAX_TERMS:
        _TERM_IDS.clear()
        _sentence_ids.cache_clear()
    return _sentence_ids(text, lang)


@lru_cache(maxsize=100_000)
def _sentence_ids(text: str, lang: str) -> np.ndarray:
    ids = [_TERM_IDS.setdefault(t, len(_TERM_IDS)) for t in index_terms(text, lang)]
    return np.array(ids, dtype=np.int64)


def _align(sentences: list[_Sentence], sim: np.ndarray) -> list[_Fact]:
    """Union sentences of different articles that say the same thing (best match per article pair)."""
    parent = list(range(len(sentences)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner = np.asarray([s.article for s in sentences])
    for other in np.unique(owner):
        cols = np.flatnonzero(owner == other)
        block = sim[:, cols]
        best = cols[np.argmax(block, axis=1)]  # the first of equals: the earliest sentence
        matched = (owner != other) & (block.max(axis=1) >= ALIGN_THRESHOLD)
        for row in np.flatnonzero(matched).tolist():
            parent[find(row)] = find(int(best[row]))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(sentences)):
        groups[find(i)].append(i)
    return [_Fact(tuple(m), frozenset(sentences[i].article for i in m)) for m in groups.values()]


def merge_summary(articles: Sequence[Article], max_words: int) -> Summary:
    """The merged summary of one story and each article's sentences no other source carries.

    `articles` come oldest first; that order breaks ties and orders the summary.
    """
    sentences = [
        _Sentence(a, p, text, len(text.split()))
        for a, article in enumerate(articles)
        for p, text in enumerate(article.sentences)
    ]
    if not sentences:
        return Summary((), {a.id: () for a in articles}, {a.id: () for a in articles})
    terms = [_term_ids(s.text, articles[s.article].lang) for s in sentences]
    vectors = _vectors(terms)
    sim = vectors @ vectors.T
    facts = _align(sentences, sim)

    centroid = vectors.sum(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = (vectors @ centroid).tolist()  # Python floats: read once per sentence and fact
    n_articles = len(articles)
    several_sources = len({a.source for a in articles}) > 1

    def representative(fact: _Fact) -> int:
        return max(fact.members, key=lambda i: (centrality[i], -sentences[i].article, -i))

    scored: list[tuple[float, _Fact, int]] = []
    for fact in facts:
        rep = representative(fact)
        s = sentences[rep]
        if s.words < MIN_WORDS:
            continue
        coverage = len(fact.articles) / n_articles
        position = min(sentences[i].position for i in fact.members)
        score = (
            centrality[rep]
            * (1.0 + COVERAGE_WEIGHT * coverage)
            * (1.0 + LEAD_BONUS * math.exp(-LEAD_DECAY * position))
            * (DANGLING_FACTOR if dangling(s.text, articles[s.article].lang) else 1.0)
        )
        scored.append((score, fact, rep))
    scored.sort(key=lambda item: (-item[0], item[2]))

    chosen: list[tuple[_Fact, int]] = []
    used = 0
    for _, fact, rep in scored:
        words = sentences[rep].words
        if used + words > max_words:
            continue
        if any(sim[rep, other] >= REDUNDANCY_THRESHOLD for _, other in chosen):
            continue
        chosen.append((fact, rep))
        used += words
        if max_words - used < MIN_WORDS:
            break

    def reading_order(item: tuple[_Fact, int]) -> tuple[bool, int, int]:
        """The event first, in the order it was reported (articles come oldest first), then
        context: facts that no article carries in its lead."""
        fact, _ = item
        first = min(fact.members, key=lambda i: (sentences[i].article, sentences[i].position))
        in_lead = any(sentences[i].position < LEAD_SENTENCES for i in fact.members)
        return (not in_lead, sentences[first].article, sentences[first].position)

    chosen.sort(key=reading_order)
    summary = tuple(
        SummarySentence(
            text=sentences[rep].text,
            sources=_unique(articles[a].source for a in sorted(fact.articles)),
            article_ids=tuple(articles[a].id for a in sorted(fact.articles)),
        )
        for fact, rep in chosen
    )

    unique: dict[str, list[str]] = {a.id: [] for a in articles}
    carried = [0] * len(sentences)  # sources that carry each sentence's fact
    for fact in facts:
        count = len({articles[a].source for a in fact.articles})
        for i in fact.members:
            carried[i] = count
        if count == 1 and several_sources:
            for i in sorted(fact.members):
                if sentences[i].words >= MIN_WORDS:
                    unique[articles[sentences[i].article].id].append(sentences[i].text)
    per_article: dict[str, list[int]] = {a.id: [] for a in articles}
    for i, s in enumerate(sentences):
        per_article[articles[s.article].id].append(carried[i])
    return Summary(summary, {k: tuple(v) for k, v in unique.items()}, {k: tuple(v) for k, v in per_article.items()})


def representative_title(articles: Sequence[Article]) -> str:
    """The headline closest to all the others (the medoid of the titles); the earliest wins ties.

    Only headlines an editor wrote compete; a title derived from the first sentence is used when
    no variant has one.
    """
    titled = [a for a in articles if not a.title_derived]
    if len(titled) < 3:  # with two, neither is closer to the other: take the earliest
        return (titled or list(articles))[0].title
    vectors = _vectors([_term_ids(a.title, a.lang) for a in titled])
    closeness = (vectors @ vectors.T).sum(axis=1)
    best = max(range(len(titled)), key=lambda i: (round(float(closeness[i]), 9), -i))
    return titled[best].title


def dangling(text: str, lang: str) -> bool:
    """Whether a sentence opens with a quote, or (in English) with a pronoun or connective."""
    if text[:1] in "\"'“‘`«„":
        return True
    words = text.split(maxsplit=1)
    return base_lang(lang) == "en" and bool(words) and words[0].strip(",;:").lower() in _DANGLING_EN


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def summarize_files(
    files: Sequence[Path], config: SiteConfig, max_words: int, site_dir: Path = Path(".")
) -> tuple[Summary, Report]:
    """The files read as articles of one story (the `sitegen summarize` command)."""
    from sitegen.articles import dedupe_ids, load_file
    from sitegen.load import ContentFile

    report = Report()
    articles = []
    content_dir = (site_dir / config.content_dir).resolve()
    for path in files:
        # inside content/ a file keeps its content path (and so its folder's source); elsewhere
        # it is named by its file name, which makes each file its own source
        resolved = path.resolve()
        rel = resolved.relative_to(content_dir).as_posix() if resolved.is_relative_to(content_dir) else path.name
        file = ContentFile(str(path), rel)
        try:
            loaded = load_file(file, path.read_bytes(), config)
        except OSError as exc:
            report.skip(file.rel, f"unreadable: {exc.strerror or exc}")
            continue
        report.diagnostics.extend(loaded.diagnostics)
        if loaded.article is not None:
            articles.append(loaded.article)
    articles = dedupe_ids(articles, report)
    articles.sort(key=lambda a: (a.date is None, a.date.timestamp() if a.date else 0.0, a.id))
    return merge_summary(articles, max_words), report
