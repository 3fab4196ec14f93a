"""Story → merged summary: rank the story's sentences by centrality, coverage and how early they
are reported, pick without redundancy, credit each line to the outlets that report its fact, and
order the lines as the story was reported.

A centroid method with a lead prior (as in MEAD, Radev et al. 2004): on DUC 2002 it beats
LexRank by 2 ROUGE points (bench/summary_quality.py).

Attribution is a claim on the page, so it is decided the way an editor would check it
(`sitegen.same_fact`): a source's chip on a line means one of its sentences says what the line
says, compared with the line itself and never through a third sentence. Similar wording only
nominates the pairs to check: sentences of different articles whose TF-IDF cosine reaches
`CANDIDATE_FLOOR`, the closest `MAX_CANDIDATES` of them per sentence, found with sparse products
so a story of hundreds of articles never builds a sentences × sentences matrix. A sentence is
"only here" only when no other source's sentence comes near it (`UNIQUE_CEILING`); one that is
near another yet not decided the same fact gets no label rather than a wrong one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse

from sitegen import provenance, same_fact
from sitegen.config import SiteConfig
from sitegen.diagnostics import Report
from sitegen.model import Article, Revision, Summary, SummarySentence, Version
from sitegen.terms import base_lang, index_terms

# Ranking, chosen by measurement on DUC 2002 (bench/summary_quality.py); each held on both halves of the sets.
REDUNDANCY_THRESHOLD = 0.3  # a candidate this close to a chosen sentence adds nothing
MIN_WORDS = 4  # shorter fragments ("he said.") are never "only in" material
SUMMARY_MIN_WORDS = 6  # nor summary lines shorter than this ("San Francisco did not.")
COVERAGE_WEIGHT = 1.0  # a fact every variant echoes scores twice as high as one a single variant has
RANKING_ALIGN = 0.35  # cosine at which another article's sentence echoes one, for ranking (not for chips)
LEAD_BONUS = 1.0  # news puts the event first: an article's opening sentence scores up to 2 times more,
LEAD_DECAY = 0.4  # a bonus that fades with each later sentence (by e^-0.4 per sentence)
DANGLING_FACTOR = 0.5  # a sentence that leans on the one before it reads badly out of context

# Attribution (bench/attribution_quality.py): which pairs are checked, and when "only here" is safe.
CANDIDATE_FLOOR = 0.25  # cosine below which two sentences are not checked (0.4% of pairs found the same lie below)
MAX_CANDIDATES = 40  # the closest sentences of other articles checked for each sentence
UNIQUE_CEILING = 0.15  # a sentence this close to another source's is never called "only here",
UNIQUE_SHARE = 1 / 3  # nor one sharing this much of its content (or the other's) with it
NEAR_FLOOR = 0.05  # pairs this close are looked at for that
FIRST_NEAR = 0.35  # a sentence this close to a line, in an article before its first carrier, may be its first report
COMMON_MIN, COMMON_SHARE = 200, 0.02  # terms in more sentences than both are left out when pairs are sought
# English openings that point back: pronouns and connectives (other languages: quotes only)
_DANGLING_EN = frozenset(
    ["he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "his", "her", "its"]
    + ["their", "there", "but", "and", "also", "however", "meanwhile", "so", "yet", "still", "then"]
)
# "PORT CALLOWAY —", "WASHINGTON (AP) -", "LONDON, March 3 (Reuters) -": a dateline is not news
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+)*(?:,[^—–\-(]{1,30})?\s*(?:\([^)]{1,30}\))?\s*(?:—|–|--|-)\s+(?=\S)"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪]|\d{1,2}[.)])\s")
# a line states something: it ends as a statement does, not as a question ("Will Titanfall save
# the Xbox One?") or a headline cut short by its feed ("Titanfall on Xbox One is 792p, likely ...")
_ENDS_A_SENTENCE = re.compile(r"(?<![.…])[.!][\"'”’»)\]]*$")
_NO_STATEMENT = re.compile(r"([?:;,…]|\.\.)[\"'”’»)\]\s]*$")


class _Sentence(NamedTuple):  # a story has hundreds: a named tuple is the cheapest to make
    article: int
    position: int
    text: str
    words: int


@dataclass
class _Text:
    """One wording, however many variants carry it word for word (wire copy repeats sentences)."""

    text: str
    lang: str
    members: list[int] = field(default_factory=list)  # indexes into the sentence list, in story order
    articles: set[int] = field(default_factory=set)  # articles carrying it: these and the same facts'
    near_other_source: bool = False  # another source has a sentence close to it


def _vectors(texts: Sequence[np.ndarray], counts: Sequence[int] | None = None) -> scipy.sparse.csr_matrix:
    """Sentence-level TF-IDF (each sentence a document, as LexRank does), rows L2-normalised and
    sparse; `texts` are the sentences' term ids (`_term_ids`), `counts` how many sentences carry
    each text word for word (1 each by default): document frequencies count every copy.

    Columns follow the order terms first appear in the story, not their ids: ids depend on what
    the process summarized before, and a different column order sums in a different order,
    which can tip a near tie (a killed build's rerun summarized one story differently)."""
    counts_arr = np.ones(len(texts), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    flat = np.concatenate(texts) if texts else np.zeros(0, dtype=np.int64)
    _, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    cols = rank[inverse]
    rows = np.repeat(np.arange(len(texts)), [len(terms) for terms in texts])
    width = max(int(cols.max()) + 1 if len(cols) else 0, 1)
    cells, tf = np.unique(rows * width + cols, return_counts=True)
    row, col = np.divmod(cells, width)
    df = np.bincount(col, weights=counts_arr[row], minlength=width)
    documents = int(counts_arr.sum())
    values = (1.0 + np.log(tf)) * (np.log((1.0 + documents) / (1.0 + df)) + 1.0)[col]
    norms = np.sqrt(np.bincount(row, weights=values * values, minlength=len(texts)))
    norms[norms == 0] = 1.0
    return scipy.sparse.csr_matrix((values / norms[row], (row, col)), shape=(len(texts), width))


_TERM_IDS: dict[str, int] = {}  # index term → a number, per process
_MAX_TERMS = 500_000  # bounded: an endless vocabulary must not grow memory forever


def _bound_vocabulary() -> None:
    """Forget the numbers when there are too many; called before a story's vectors are made,
    never while, so one story's numbers all come from one vocabulary."""
    if len(_TERM_IDS) > _MAX_TERMS:
        _TERM_IDS.clear()
        _sentence_ids.cache_clear()


def _term_ids(text: str, lang: str) -> np.ndarray:
    """A text's index terms as numbers, once per text; numbers make the vectors without a
    vocabulary of strings."""
    return _sentence_ids(text, lang)


@lru_cache(maxsize=100_000)
def _sentence_ids(text: str, lang: str) -> np.ndarray:
    return _ids(index_terms(text, lang))


def _ids(terms: Iterable[str]) -> np.ndarray:
    return np.array([_TERM_IDS.setdefault(t, len(_TERM_IDS)) for t in terms], dtype=np.int64)


def _candidates(vectors: scipy.sparse.csr_matrix, block: int = 1024) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, whose cosine reaches NEAR_FLOOR, at most MAX_CANDIDATES per row (the
    closest), with their cosine; made block by block, so memory follows the pairs kept.

    In a big story a few terms are in thousands of sentences (its names, "police"): a sparse
    product over them would pair nearly every sentence with every other. Pairs are found and
    ranked through the other terms, and the common terms' share of the cosine is added to the
    pairs kept. Stories of fewer than COMMON_MIN / COMMON_SHARE sentences have no common terms."""
    rows = vectors.shape[0]
    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = df > max(COMMON_MIN, COMMON_SHARE * rows)
    rare = vectors[:, np.flatnonzero(~common)].tocsr() if common.any() else vectors
    shared = vectors[:, np.flatnonzero(common)].toarray() if common.any() else None
    transposed = rare.T.tocsc()
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for lo in range(0, rows, block):
        product = (rare[lo : lo + block] @ transposed).tocoo()
        i, j, sim = product.row + lo, product.col, product.data
        # the rare terms' cosine chooses (their share is most of it); the common terms' share is
        # added to the pairs kept
        keep = (sim >= NEAR_FLOOR) & (i != j)
        i, j, sim = i[keep], j[keep], sim[keep]
        # the closest MAX_CANDIDATES of each crowded row: one sort on row, then distance (a
        # stable sort keeps the product's own order among equals: the same result every run)
        crowded = (np.bincount(i - lo, minlength=block) > MAX_CANDIDATES)[i - lo]
        found.append((i[~crowded], j[~crowded], sim[~crowded]))
        i, j, sim = i[crowded], j[crowded], sim[crowded]
        order = np.argsort(i * 2.0 - sim, kind="stable")
        i, j, sim = i[order], j[order], sim[order]
        keep = np.arange(len(i)) - np.searchsorted(i, i, side="left") < MAX_CANDIDATES
        found.append((i[keep], j[keep], sim[keep]))
    i, j, sim = (np.concatenate(x) for x in zip(*found, strict=True)) if found else (np.zeros(0),) * 3
    if shared is not None:  # in slices: each holds a row of common terms per pair
        sim = sim.copy()
        for start in range(0, len(i), 1 << 16):
            part = slice(start, start + (1 << 16))
            sim[part] += np.einsum("ij,ij->i", shared[i[part]], shared[j[part]])
    keep = sim >= NEAR_FLOOR
    i, j, sim = i[keep], j[keep], sim[keep]
    low, high = np.minimum(i, j).astype(np.int64), np.maximum(i, j).astype(np.int64)
    _, first = np.unique(low * rows + high, return_index=True)
    return low[first], high[first], sim[first]


def merge_summary(articles: Sequence[Article], max_words: int) -> Summary:
    """The merged summary of one story, each line with the sources that carry its fact; each
    article's sentences no other source carries; and, for every sentence, who carries it.

    `articles` come oldest first; that order breaks ties and orders the summary.
    """
    sentences = [
        _Sentence(a, p, text, len(text.split()))
        for a, article in enumerate(articles)
        for p, text in enumerate(article.sentences)
    ]
    if not sentences:
        empty = {a.id: () for a in articles}
        return Summary((), dict(empty), dict(empty), dict(empty))
    texts: list[_Text] = []
    text_of: dict[str, int] = {}
    for index, s in enumerate(sentences):
        found = text_of.setdefault(s.text, len(texts))
        if found == len(texts):
            texts.append(_Text(s.text, articles[s.article].lang))
        texts[found].members.append(index)
        texts[found].articles.add(s.article)
    owners = [frozenset(t.articles) for t in texts]  # word for word, before same facts are added
    _bound_vocabulary()
    analysed = [same_fact.sentence(t.text, t.lang) for t in texts]
    vectors = _vectors([_ids(a.index_terms) for a in analysed], [len(t.members) for t in texts])
    sources = [a.source for a in articles]
    same, best, conflicts, near = _credit(texts, analysed, owners, sources, vectors)
    chosen = _choose(articles, sentences, texts, owners, vectors, same, best, max_words)
    changes, revision_of = provenance.revisions(conflicts, [t.articles for t in texts], articles, near)
    chosen = _latest(chosen, changes, revision_of, texts, sentences, articles)
    line_of = {revision_of[u]: n for n, u in enumerate(chosen) if u in revision_of}
    summary = tuple(_line(u, texts, sentences, articles, sources, revision_of.get(u), near.get(u, ())) for u in chosen)
    revisions = tuple(
        Revision(kind, tuple(_version(f, texts, articles) for f in figures), line_of.get(n))
        for n, (kind, figures) in enumerate(changes)
    )
    return _marks(articles, sentences, texts, sources, summary, revisions)


def _line(
    u: int,
    texts: list[_Text],
    sentences: list[_Sentence],
    articles: Sequence[Article],
    sources: list[str],
    revision: int | None,
    near: Iterable[int],
) -> SummarySentence:
    carriers = sorted(texts[u].articles)
    first = provenance.first_report(carriers, articles, near)
    origin = sentences[texts[u].members[0]]
    return SummarySentence(
        text=clean_line(texts[u].text),
        sources=_unique(sources[a] for a in carriers),
        article_ids=tuple(articles[a].id for a in carriers),
        origin=(articles[origin.article].id, origin.position),
        first_sources=first.sources,
        first_published=first.published,
        last_published=first.last_published,
        later_outlets=first.later_outlets,
        revision=revision,
    )


def _version(figure: provenance.Figure, texts: list[_Text], articles: Sequence[Article]) -> Version:
    """A figure in the wording most articles carry."""
    u = _most_carried(figure.wordings, texts)
    return provenance.version(figure, clean_line(texts[u].text), texts[u].lang, articles)


def _most_carried(wordings: Iterable[int], texts: list[_Text]) -> int:
    """Of `wordings`, the one most articles carry, the earliest of those."""
    return max(sorted(wordings), key=lambda w: (len(texts[w].articles), -min(texts[w].members)))


def _stands_alone(u: int, texts: list[_Text], sentences: list[_Sentence], articles: Sequence[Article]) -> bool:
    """`summary_worthy` for wording `u`, as its first sentence was written."""
    first = sentences[texts[u].members[0]]
    return summary_worthy(texts[u].text, first.words, headline=len(articles[first.article].sentences) == 1)


def _latest(
    chosen: list[int],
    found: list[tuple[str, list[provenance.Figure]]],
    revision_of: dict[int, int],
    texts: list[_Text],
    sentences: list[_Sentence],
    articles: Sequence[Article],
) -> list[int]:
    """The summary's wordings, a line whose figure was updated worded with the latest figure."""
    out: list[int] = []
    for u in chosen:
        kind, figures = found[revision_of[u]] if u in revision_of else ("", [])
        if kind == "update" and u not in figures[-1].wordings:
            worthy = [w for w in figures[-1].wordings if _stands_alone(w, texts, sentences, articles)]
            if worthy:
                u = _most_carried(worthy, texts)
        if u not in out:
            out.append(u)
    return out


def _credit(
    texts: list[_Text],
    analysed: list[same_fact.Sentence],
    owners: list[frozenset[int]],
    sources: list[str],
    vectors: scipy.sparse.csr_matrix,
) -> tuple[
    dict[int, set[int]],
    dict[tuple[int, int], tuple[float, int]],
    list[tuple[int, int, float, float, bool]],
    dict[int, set[int]],
]:
    """Who states each wording: the same-fact decision on the candidate pairs, each wording's
    articles grown by those that state it (and `near_other_source` set where "only here" would
    be unsafe). Returns, per wording, the wordings that state it, and for ranking (no claim is
    made of it) each wording's closest echo in every other article (RANKING_ALIGN), and the pairs
    that state one fact but for a figure (`same_fact.revision`: u's figure, v's, whether either is a bound),
    and per wording the articles with a sentence close to it (FIRST_NEAR) that was not found to state it:
    one of them, if earlier, may have reported it first."""
    same: dict[int, set[int]] = {u: set() for u in range(len(texts))}
    conflicts: list[tuple[int, int, float, float, bool]] = []
    best: dict[tuple[int, int], tuple[float, int]] = {}
    pairs_u, pairs_v, pairs_sim = _candidates(vectors)
    source_sets = [frozenset(sources[a] for a in owner) for owner in owners]
    # near another source's sentence, by wording alone: decided for all pairs at once
    source_id = {name: n for n, name in enumerate(dict.fromkeys(sources))}
    single = np.array([next(iter(ss)) if len(ss) == 1 else "" for ss in source_sets], dtype=object)
    first_source = np.array([source_id.get(name, -1) for name in single])
    close = (pairs_sim >= UNIQUE_CEILING) & (first_source[pairs_u] != first_source[pairs_v])
    for u in np.unique(np.concatenate([pairs_u[close], pairs_v[close]])).tolist():
        texts[u].near_other_source = True
    # "only here" is a claim too: a sentence that names a name, a figure or a day another source's
    # sentence names, or shares a third of its content with one, may report the same thing
    detail_sources: dict[str, set[str]] = {}
    named = [a.details for a in analysed]
    for u in range(len(texts)):
        for detail in named[u]:
            detail_sources.setdefault(detail, set()).update(source_sets[u])
    for u, text in enumerate(texts):
        if (
            len(source_sets[u]) > 1
            or any(detail_sources[d] - source_sets[u] for d in named[u])
            or _leans_back(text.text, text.lang)  # "Its cause has not been determined": whose?
        ):
            text.near_other_source = True
    # below the candidate floor only "only here" is at stake: pairs of sentences both already
    # near another source need no look
    undecided = np.array([not t.near_other_source for t in texts] or [False])
    keep = (pairs_sim >= CANDIDATE_FLOOR) | undecided[pairs_u] | undecided[pairs_v]
    for u, v, sim in zip(pairs_u[keep].tolist(), pairs_v[keep].tolist(), pairs_sim[keep].tolist(), strict=True):
        if owners[u] == owners[v]:
            continue  # the same articles: nothing to credit
        if sim < CANDIDATE_FLOOR:  # do they share a third of either?
            u_news = not texts[u].near_other_source and bool(source_sets[v] - source_sets[u])
            v_news = not texts[v].near_other_source and bool(source_sets[u] - source_sets[v])
            if (
                (u_news or v_news)
                and same_fact.may_overlap(analysed[u], analysed[v], UNIQUE_SHARE)
                and same_fact.overlap(analysed[u], analysed[v]) >= UNIQUE_SHARE
            ):
                texts[u].near_other_source |= u_news
                texts[v].near_other_source |= v_news
            continue
        if sim >= RANKING_ALIGN:
            for x, y in ((u, v), (v, u)):
                for a in owners[y]:
                    if sim > best.get((x, a), (0.0, 0))[0]:
                        best[(x, a)] = (sim, y)
        v_states_u, u_states_v = same_fact.carried_both(analysed[u], analysed[v])
        if v_states_u:
            same[u].add(v)
        if u_states_v:
            same[v].add(u)
        if not (v_states_u or u_states_v) and analysed[u].figures and analysed[v].figures:
            figures = same_fact.revision(analysed[u], analysed[v], texts[u].lang)
            if figures is not None:
                x, y = figures
                bound = same_fact.hedged(analysed[u], x, texts[u].lang)
                conflicts.append((u, v, x, y, bound or same_fact.hedged(analysed[v], y, texts[v].lang)))
    for u, text in enumerate(texts):
        for v in same[u]:
            text.articles |= owners[v]
    near: dict[int, set[int]] = {}
    close = pairs_sim >= FIRST_NEAR
    other_figure = {(u, v) for u, v, *_ in conflicts}  # the same fact with another figure: known, not doubtful
    for u, v in zip(pairs_u[close].tolist(), pairs_v[close].tolist(), strict=True):
        if (u, v) in other_figure:
            continue
        if v not in same[u]:
            near.setdefault(u, set()).update(owners[v])
        if u not in same[v]:
            near.setdefault(v, set()).update(owners[u])
    return same, best, conflicts, near


def _choose(
    articles: Sequence[Article],
    sentences: list[_Sentence],
    texts: list[_Text],
    owners: list[frozenset[int]],
    vectors: scipy.sparse.csr_matrix,
    same: dict[int, set[int]],
    best: dict[tuple[int, int], tuple[float, int]],
    max_words: int,
) -> list[int]:
    """The wordings that make the summary, in reading order. Ranking groups echoes transitively,
    as the summary always has (it claims nothing); of each group one wording competes: the one
    most outlets state whole, then the most central."""
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (u, _), (_, v) in best.items():
        parent[find(u)] = find(v)
    group_articles: dict[int, set[int]] = {}
    group_position: dict[int, int] = {}
    for u, text in enumerate(texts):
        root = find(u)
        group_articles.setdefault(root, set()).update(owners[u])
        pos = min(sentences[i].position for i in text.members)
        group_position[root] = min(group_position.get(root, pos), pos)

    centroid = np.asarray(vectors.T @ np.asarray([len(t.members) for t in texts], dtype=float)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = (vectors @ centroid).tolist()

    members_of: dict[int, list[int]] = {}
    for u in range(len(texts)):
        if _stands_alone(u, texts, sentences, articles):
            members_of.setdefault(find(u), []).append(u)
    if not members_of:  # a story of short items ("Harbour brief number 4."): its longest will do
        longest = max(range(len(texts)), key=lambda u: (sentences[texts[u].members[0]].words, -u))
        if sentences[texts[longest].members[0]].words >= MIN_WORDS:
            members_of[find(longest)] = [longest]
    scored: list[tuple[float, int]] = []
    for root, members in members_of.items():
        u = max(members, key=lambda v: (len(texts[v].articles), centrality[v], -v))
        share = len(group_articles[root]) / len(articles)
        score = (
            centrality[u]
            * (1.0 + COVERAGE_WEIGHT * share)
            * (1.0 + LEAD_BONUS * math.exp(-LEAD_DECAY * group_position[root]))
            * (DANGLING_FACTOR if dangling(texts[u].text, texts[u].lang) else 1.0)
        )
        scored.append((score, u))
    scored.sort(key=lambda item: (-item[0], item[1]))

    chosen: list[int] = []
    used = 0
    # the chosen lines' vectors, dense (a summary has a handful): a candidate's closeness to them
    # is then one small product over its own terms, not a sparse matrix made per candidate
    picked = np.zeros((0, vectors.shape[1]))
    indptr, indices, data = vectors.indptr, vectors.indices, vectors.data
    for _, u in scored:
        words = len(clean_line(texts[u].text).split())
        if used + words > max_words:
            continue
        terms, weights = indices[indptr[u] : indptr[u + 1]], data[indptr[u] : indptr[u + 1]]
        if chosen and (
            any(v in same[u] for v in chosen) or float((picked[:, terms] @ weights).max()) >= REDUNDANCY_THRESHOLD
        ):
            continue
        chosen.append(u)
        row = np.zeros((1, vectors.shape[1]))
        row[0, terms] = weights
        picked = np.vstack([picked, row])
        used += words
        if max_words - used < MIN_WORDS:
            break

    def reading_order(u: int) -> tuple[int, int]:
        """As the story was reported: by the first article that carries the fact, then where."""
        first = min(texts[u].articles)
        return first, min(
            sentences[i].position for v in (u, *same[u]) for i in texts[v].members if sentences[i].article == first
        )

    return sorted(chosen, key=reading_order)


def _marks(
    articles: Sequence[Article],
    sentences: list[_Sentence],
    texts: list[_Text],
    sources: list[str],
    summary: tuple[SummarySentence, ...],
    revisions: tuple[Revision, ...] = (),
) -> Summary:
    """The summary with every sentence's carriers and label, and what only one source reports."""
    several_sources = len(set(sources)) > 1
    text_index = [0] * len(sentences)
    for u, text in enumerate(texts):
        for i in text.members:
            text_index[i] = u
    unique: dict[str, list[str]] = {a.id: [] for a in articles}
    coverage: dict[str, list[int]] = {a.id: [] for a in articles}
    carriers: dict[str, list[tuple[str, ...]]] = {a.id: [] for a in articles}
    for i, s in enumerate(sentences):
        text = texts[text_index[i]]
        article_id = articles[s.article].id
        count = len({sources[a] for a in text.articles})
        if count == 1 and text.near_other_source:
            count = 0  # close to another source's sentence, yet not the same fact: no claim either way
        coverage[article_id].append(count)
        carriers[article_id].append(tuple(articles[a].id for a in sorted(text.articles)))
        if count == 1 and several_sources and s.words >= MIN_WORDS:
            unique[article_id].append(s.text)
    return Summary(
        summary,
        {k: tuple(v) for k, v in unique.items()},
        {k: tuple(v) for k, v in coverage.items()},
        {k: tuple(v) for k, v in carriers.items()},
        revisions,
    )


def clean_line(text: str) -> str:
    """A sentence as a summary line: without the dateline a wire opens its story with."""
    found = _DATELINE.match(text)
    if found is None:
        return text
    rest = text[found.end() :]
    return rest[:1].upper() + rest[1:]


def summary_worthy(text: str, words: int, headline: bool = False) -> bool:
    """Whether a sentence can stand alone as a summary line: long enough, a whole sentence (not a
    heading, a caption, a list item, a question or a headline cut short), ending as statements
    end. A `headline` (an article that is one sentence: headline feeds carry no body) needs no
    full stop, only not to end as a question or a cut."""
    line = clean_line(text)
    return (
        words >= SUMMARY_MIN_WORDS
        and (_ENDS_A_SENTENCE.search(line) is not None or (headline and _NO_STATEMENT.search(line) is None))
        and _LIST_ITEM.match(line) is None
        and (line[:1].isupper() or line[:1].isdigit() or line[:1] in "\"'“‘«„")
    )


def representative_title(articles: Sequence[Article]) -> str:
    """The headline closest to all the others (the medoid of the titles); the earliest wins ties.

    Only headlines an editor wrote compete; a title derived from the first sentence is used when
    no variant has one.
    """
    titled = [a for a in articles if not a.title_derived]
    if len(titled) < 3:  # with two, neither is closer to the other: take the earliest
        return (titled or list(articles))[0].title
    _bound_vocabulary()
    vectors = _vectors([_term_ids(a.title, a.lang) for a in titled])
    closeness = np.asarray((vectors @ vectors.T).sum(axis=1)).ravel()
    best = max(range(len(titled)), key=lambda i: (round(float(closeness[i]), 9), -i))
    return titled[best].title


def dangling(text: str, lang: str) -> bool:
    """Whether a sentence opens with a quote, or (in English) with a pronoun or connective."""
    if text[:1] in "\"'“‘`«„":
        return True
    words = text.split(maxsplit=1)
    return base_lang(lang) == "en" and bool(words) and words[0].strip(",;:").lower() in _DANGLING_EN


def _leans_back(text: str, lang: str) -> bool:
    """Whether a sentence opens with a pronoun or connective (English): what it says depends on
    the sentence before, which a comparison of sentences does not see."""
    words = text.split(maxsplit=1)
    return base_lang(lang) == "en" and bool(words) and words[0].strip(",;:").lower() in _DANGLING_EN


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def summarize_files(
    files: Sequence[Path], config: SiteConfig, max_words: int, site_dir: Path = Path(".")
) -> tuple[Summary, Report]:
    """The files read as articles of one story (the `sitegen summarize` command)."""
    from sitegen.documents import ContentFile
    from sitegen.load import dedupe_ids, load_file

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
