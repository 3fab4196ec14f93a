"""Synthetic news archive: N articles grouped into stories of 2–5 variants, with gold story ids
and, for every sentence, the gold fact it states.

Real labeled news is small; scaling the clustering stage to 100,000 articles needs an archive of
that size whose answer is known. The generator aims to make the task realistic rather than easy:

- a shared general vocabulary (10,000 common and made-up words) drawn with a Zipf-like law, so
  common words occur everywhere and rare ones give each report words of its own; with only a
  few thousand words, variants of one story came out far more alike (raw TF-IDF cosine ~0.54)
  than real reports are (~0.24 within a DUC 2002 docset; unrelated pairs ~0.03 in both);
- 50 topical families ("earthquake", "election", ...) whose stories share topic words but not
  names, so stories of the same kind look alike;
- per story: invented people, places and organisations, topic words, numbers and a pool of fact
  sentences; each variant (one outlet's report) carries 40–70% of the facts, rewords some, and
  adds sentences of its own and general filler.

A fact has two clauses, and some name a speaker. Another outlet's copy of it may be reworded:
words dropped or replaced, words swapped for synonyms (`SYNONYMS`, and pairs of invented words),
the clauses in the other order, and the speaker quoted in the outlet's own phrase ("said X",
"according to X", "X told reporters", "X said in a statement"). All of these keep the fact.
Three kinds of copy do not, and get a fact id of their own: a copy with one figure changed
("1,200" → "1,100"), a copy of the first clause only, and a copy that adds a clause of the
outlet's own (it states the fact, and more).

Gold for attribution: `SynthArticle.facts` labels each sentence (aligned with `.sentences`) with
its fact id: "s000042/f3" for fact 3 of story s000042, "s000042/f3~v2" for a copy with a changed
figure (the same id for the same change), "s000042/f3.1" for a first-clause-only copy,
"s000042/f3+v4" for variant 4's copy with a clause added, and an id of its own for every other
sentence ("s000042/v2/own1", "s000042/v2/x7"). `SynthArticle.claims` gives each sentence's atomic
claims, one per clause ("s000042/f3.1", "s000042/f3.2"; a changed figure changes its clause's
claim: "s000042/f3.2~v1"; an added clause is "s000042/v4/added"), so "does sentence B state
everything sentence A states?" is a subset test: a full copy states a first-clause-only one, not
the reverse.

Deterministic for a given seed. Library: `generate(n, seed)`, `iter_articles(n, seed)`,
`to_articles(...)`, `write_site(...)`, and `one_story(n, seed)` (one story of n variants, outlets
repeating). CLI:

    python bench/synth.py N OUT_DIR [--seed S]

writes OUT_DIR/content/<outlet>/<story>-v<k>.md (YAML front matter + paragraphs),
OUT_DIR/gold.json (article id → story key) and OUT_DIR/facts.json (each article's sentence
fact ids, and each shared fact's claims; see `write_site`).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import snowballstemmer

if TYPE_CHECKING:
    from sitegen.model import Article

REPO = Path(__file__).resolve().parent.parent

START = datetime(2022, 1, 1, tzinfo=UTC)
VARIANT_SPREAD_SECONDS = 2 * 86400  # variants of one story are 0–2 days apart
# stories spread over 2022–2024, their last report still within 2024
SPAN_SECONDS = int((datetime(2025, 1, 1, tzinfo=UTC) - START).total_seconds()) - VARIANT_SPREAD_SECONDS
GENERAL_SIZE = 10_000  # long-tailed like real news: each report has words of its own
TOPIC_VOCAB = 80
ZIPF_EXPONENT = 1.05
MIN_SENTENCE, MAX_SENTENCE = 12, 30  # words
# Share of words that are story specifics (names, topic words, numbers) or topic-family words,
# by kind of sentence: shared facts carry the story, own sentences less, filler hardly.
FACT_SPECIFIC = (0.08, 0.16)
OWN_SPECIFIC = 0.06
FILLER_SPECIFIC = 0.015
TOPIC_RATE = 0.04

# How another outlet's copy of a fact differs (rates per copy unless said otherwise).
CLAUSE_SWAP = 0.35  # a reworded copy puts its second clause first
SYNONYM_RATE = 0.5  # each word of a reworded copy that has a synonym takes it at this rate
FIGURE_FACTS = 0.35  # facts given a figure (if they have none), so figures can be changed
CHANGED_FIGURE = 0.15  # a copy of a fact with a figure has one figure changed: another fact
PARTIAL_COPY = 0.08  # a copy carries only the fact's first clause: another fact
EXTENDED_COPY = 0.08  # a copy adds a clause of the outlet's own: another fact (it states the first and more)
SPEAKER_FACTS = 0.35  # facts that name who said them
INVENTED_SYNONYM_PAIRS = 300  # pairs of invented general words that mean the same
CLAUSE_SHARE = (0.4, 0.6)  # the first clause's share of a fact's words
MIN_CLAUSE = 5  # entries (words or names) in a clause at least

# Planted updates and disagreements (`generate(..., plant=True)`), the gold of bench/provenance_quality.py.
# Instead of changing figures at random, a story may be told in two waves a day or more apart, the
# second giving a new figure for some facts (an update), or two of its reports, hours apart, may give
# a fact different figures (a disagreement). Nothing else changes a figure but decoys (below).
PLANT_DEVELOPING = 0.4  # stories of 3+ reports told in two waves
FIRST_WAVE_HOURS = 6.0  # the first wave's reports within this of the story's start
SECOND_WAVE_HOURS = (20.0, 60.0)  # the second wave's, this long after the start
PLANT_UPDATE = 0.5  # a fact with a figure reported in both waves is updated in the second
PLANT_DISAGREE = 0.4  # a story not told in waves has one fact whose figure two reports give differently
DISAGREE_HOURS = (1 / 6, 3.0)  # how far apart those two reports are
# A decoy: one report adds a sentence framed like a fact with a figure but saying another thing of
# another count, the word beside the figure swapped ("12 homes destroyed", "14 homes damaged";
# "three died", "five were injured"). It is a fact of its own: no update, no disagreement.
PLANT_DECOY = 0.4


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in (pair.split(":") for pair in text.split())]


# Synonyms of common news words (the second of each pair joins the general vocabulary, ranked
# right after COMMON); words that report speech ("said", "told", "according") are left alone.
SYNONYMS = _pairs(
    "officials:authorities government:administration city:town police:constables report:account "
    "people:residents company:firm minister:secretary country:land workers:employees plan:proposal "
    "president:chairman members:delegates area:district support:assistance office:bureau region:province "
    "statement:communique spokesperson:representative agency:organisation meeting:session decision:ruling "
    "expected:anticipated further:additional around:roughly likely:probable called:dubbed next:following "
    "previous:prior several:multiple latest:newest major:significant early:initial make:create need:require "
    "work:labour public:citizens national:nationwide group:coalition week:fortnight day:date made:produced "
    "take:accept local:municipal new:fresh last:final first:opening near:nearby most:largest many:numerous "
    "health:welfare state:federal months:seasons years:decades"
)

# How each outlet names a fact's speaker: "{claim}" and "{who}" as tokens. A story deals them
# out to its variants in turn, so its outlets use different ones.
ATTRIBUTION_STYLES: tuple[tuple[str, ...], ...] = (
    ("{claim},", "said", "{who}"),
    ("{claim},", "according", "to", "{who}"),
    ("according", "to", "{who},", "{claim}"),
    ("{who}", "told", "reporters", "that", "{claim}"),
    ("{claim},", "{who}", "told", "reporters"),
    ("{who}", "said", "in", "a", "statement", "that", "{claim}"),
    ("{claim},", "{who}", "said", "in", "a", "statement"),
)
_FIGURE = re.compile(r"\d[\d,]*")


def _words_in(text: str) -> list[str]:
    """Word lists below are written as text to keep them readable."""
    return text.split()


# Most frequent words of news text; they take the top Zipf ranks like in real corpora.
COMMON = _words_in(
    "the of to and in a said on for that is was with by at it as from has have were be will an its their after "
    "which who but not this they had been also more than would about over into some other up two new year people "
    "last first could one three when while officials government city week since before told most there "
    "state including under such between during against them where many local police report public time day "
    "company percent minister country part still according later four five months years national group "
    "president members area across workers plan early made make take need work support service near "
    "office health region official saturday sunday monday tuesday wednesday thursday friday morning evening night "
    "statement spokesperson agency meeting decision expected further whether around both each back only even well "
    "because already however although likely called added next previous several another latest major"
)

_COMMON_SET = frozenset(COMMON)

# Topical families: name, category (a tag), and a few real words that set the tone.
TOPICS = (
    ("earthquake", "disasters", "earthquake magnitude aftershock epicentre rubble tremor seismic collapse"),
    ("flood", "disasters", "flood river rainfall levee evacuation sandbags waters inundated"),
    ("wildfire", "disasters", "wildfire blaze hectares firefighters smoke containment embers evacuated"),
    ("storm", "disasters", "storm hurricane winds landfall gusts coastline surge outages"),
    ("drought", "environment", "drought reservoir rationing harvest irrigation dry shortage aquifer"),
    ("pollution", "environment", "pollution emissions spill contamination toxic cleanup discharge chemical"),
    ("wildlife", "environment", "wildlife species habitat conservation poaching reserve endangered sanctuary"),
    ("climate", "environment", "climate warming carbon targets summit pledge temperatures adaptation"),
    ("election", "politics", "election ballots turnout candidate constituency polling campaign seats"),
    ("coalition", "politics", "coalition parliament cabinet majority talks ministers agreement parties"),
    ("protest", "politics", "protest demonstrators rally march crowds police slogans square"),
    ("referendum", "politics", "referendum vote proposal yes no amendment voters result"),
    ("scandal", "politics", "scandal resignation allegations inquiry bribery leaked documents ethics"),
    ("diplomacy", "world", "summit envoy treaty talks delegation sanctions embassy bilateral"),
    ("border", "world", "border crossing refugees migrants checkpoint asylum frontier guards"),
    ("conflict", "world", "ceasefire shelling troops offensive casualties artillery frontline truce"),
    ("strike", "labour", "strike union walkout pickets wages negotiations employers stoppage"),
    ("layoffs", "labour", "layoffs redundancies jobs restructuring plant closure staff severance"),
    ("wages", "labour", "wages minimum pay increase bargaining inflation earnings salaries"),
    ("interest-rates", "economy", "rates central bank inflation monetary borrowing basis points"),
    ("markets", "economy", "shares index stocks traders rally selloff investors bonds"),
    ("trade", "economy", "tariffs exports imports trade deficit quotas customs shipments"),
    ("budget", "economy", "budget spending deficit taxes revenue fiscal allocation austerity"),
    ("housing", "economy", "housing rents mortgages prices construction tenants homes affordability"),
    ("merger", "business", "merger acquisition takeover deal shareholders bid valuation regulator"),
    ("earnings", "business", "profit revenue quarter earnings forecast margins sales guidance"),
    ("bankruptcy", "business", "bankruptcy creditors insolvency administrators debts liquidation restructuring"),
    ("startup", "business", "startup funding investors venture founders valuation round app"),
    ("outbreak", "health", "outbreak virus infections cases hospital vaccine quarantine symptoms"),
    ("hospitals", "health", "hospital patients waiting nurses doctors wards emergency beds"),
    ("drug-approval", "health", "drug approval trial regulator treatment patients dose efficacy"),
    ("space", "science", "rocket launch orbit satellite mission spacecraft astronauts lunar"),
    ("research", "science", "researchers study findings journal university laboratory experiment data"),
    ("archaeology", "science", "excavation archaeologists tomb artefacts ancient remains site pottery"),
    ("cyberattack", "technology", "hackers breach ransomware data systems outage attack servers"),
    ("ai", "technology", "algorithm model chatbot automation software training chips regulation"),
    ("telecom", "technology", "network broadband mobile spectrum towers coverage operator fibre"),
    ("rail", "transport", "train railway derailment track passengers carriages signal line"),
    ("aviation", "transport", "airline flight airport runway pilots passengers aircraft landing"),
    ("road", "transport", "highway crash motorway traffic collision vehicles lanes bridge"),
    ("shipping", "transport", "port vessel cargo containers ship harbour crew tanker"),
    ("crime", "justice", "police arrest suspect robbery investigation detectives charged custody"),
    ("trial", "justice", "court trial jury verdict judge prosecutors defence sentenced"),
    ("prison", "justice", "prison inmates guards escape cells riot jail overcrowding"),
    ("football", "sport", "match goal league striker coach stadium season penalty"),
    ("tennis", "sport", "tennis final serve set tournament seed racket champion"),
    ("athletics", "sport", "marathon sprint record athletes race medal championship track"),
    ("film", "culture", "film festival director premiere cinema actors screening award"),
    ("music", "culture", "concert album band tour singer festival tickets stage"),
    ("education", "education", "schools teachers pupils exams curriculum students classrooms university"),
)

ORG_NOUNS = (
    "Council",
    "Port Authority",
    "Health Board",
    "Mining Company",
    "Workers Union",
    "Energy Group",
    "University",
    "Bank",
    "Police Service",
    "Airways",
    "Rail Company",
    "Institute",
    "Holdings",
    "Party",
    "Federation",
)
OUTLET_ADJECTIVES = _words_in(
    "Coastal Harbor Valley Capital Meridian Northwind Summit Prairie Lakeside Granite Evening Morning Pacific "
    "Atlantic Central Frontier Riverside Highland Metro Continental Southern Eastern Western Union Daily Civic "
    "Silver Iron Cedar Pine"
)
OUTLET_NOUNS = _words_in("Wire Post Gazette Herald Courier Ledger Tribune Times Chronicle Dispatch Observer Journal")

_ONSETS = _words_in("b br c cl d dr f fr g gr h j k l m n p pl pr r s sk sl st t tr v w z sh th ch")
_VOWELS = _words_in("a e i o u a e i o u ai ea ou")
_CODAS = ["", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "st", "ck", "ng"]
_WORD_ENDINGS = ["", "", "", "", "ing", "ed", "er", "ion", "ly", "ment", "al", "s", "ness", "ive"]
_PLACE_ENDINGS = ["wick", "holm", "dale", "ford", "by", "mouth", "stad", "ton", "vale", "mere", "burg", "field", ""]
_NAME_ENDINGS = ["a", "o", "en", "is", "ia", "an", "el", "ine", "ar", "us", "e", ""]
_SURNAME_ENDINGS = ["sen", "ova", "ez", "son", "ard", "ski", "er", "ley", "well", "ton", "i", "ow", ""]


@dataclass(frozen=True)
class SynthArticle:
    """One outlet's report of one story; `story` is the gold answer the clustering should find."""

    id: str
    story: str
    title: str
    date: datetime
    source: str
    lang: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    # gold for attribution, aligned with `sentences`: each sentence's fact id and atomic claims
    facts: tuple[str, ...] = ()
    claims: tuple[tuple[str, ...], ...] = ()
    # gold of planted updates and disagreements (`plant=True`): the story's planted facts as (fact
    # id, "update" or "disagreement"), on each of its articles; and, aligned with `sentences`, the
    # planted figure each sentence gives ("" for none)
    planted: tuple[tuple[str, str], ...] = ()
    figures: tuple[str, ...] = ()

    @property
    def sentences(self) -> tuple[str, ...]:
        """Sentences in order; the generator never puts a full stop inside one, so ". " splits them."""
        return tuple(s for p in self.paragraphs for s in _SENTENCE_END.split(p))

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


_SENTENCE_END = re.compile(r"(?<=\.) ")


@cache  # called for every word of every copy; the words repeat (Zipf)
def _plain(word: str) -> bool:
    """A general or topic word: neither a name nor a figure, so a rewording may drop or swap it."""
    return word[:1].islower() and not _FIGURE.search(word)


def _count(words: list[str]) -> int:
    """Words of a sentence whose entries may be multi-word names."""
    return " ".join(words).count(" ") + 1


@dataclass(frozen=True)
class _Outlet:
    name: str
    slug: str


@dataclass(frozen=True)
class _Story:
    """What every variant of one story draws on."""

    key: str
    people: list[str]
    specifics: np.ndarray  # names (twice), topic words, numbers
    sizes: np.ndarray  # words in each specific
    topic_words: np.ndarray  # the topical family's whole vocabulary
    facts: list[_FactText]
    headline: list[str]
    date: datetime
    tags: tuple[str, str]
    styles: list[tuple[str, ...]]  # attribution phrases, dealt out to the variants in turn
    changes: dict[tuple[int, int, int, str], int] = field(default_factory=dict)  # changed figures' numbers


@dataclass(frozen=True)
class _FactText:
    """One fact of a story's pool: two clauses (lists of words and names) and who said it."""

    clauses: tuple[list[str], list[str]]
    speaker: str | None
    figures: tuple[tuple[int, int], ...]  # (clause, position) of each figure


@dataclass(frozen=True)
class _Line:
    """A sentence of a variant with its gold."""

    text: str
    fact: str
    claims: tuple[str, ...]
    figure: str = ""  # the planted figure it gives


@dataclass(frozen=True)
class _Plan:
    """What the generator plants in one story (`plant=True`)."""

    dates: list[datetime]  # each variant's
    chosen: list[list[int]]  # each variant's facts
    changes: dict[tuple[int, int], tuple[int, int, str, str]]  # (fact, variant) → (clause, position, figure, kind)
    slots: dict[int, tuple[int, int]]  # planted fact → its figure's (clause, position)
    planted: tuple[tuple[str, str], ...]
    decoys: dict[int, int] = field(default_factory=dict)  # variant → the fact it adds a decoy of


class _Vocabulary:
    """Every word list the generator draws from, built once per seed so all stories share them."""

    def __init__(self, rng: random.Random) -> None:
        self._stem = snowballstemmer.stemmer("english").stemWord
        self._stems: set[str] = set()
        self._seen: set[str] = set()
        for word in COMMON:
            self._claim(word)
        common_synonyms = [b for _, b in SYNONYMS if self._claim(b)]
        assert len(common_synonyms) == len(SYNONYMS), "a synonym shares a stem with another word"
        invented = self._invent(GENERAL_SIZE - len(COMMON) - len(common_synonyms), lambda: self._word(rng))
        general = COMMON + common_synonyms + invented
        # invented words of middling frequency, paired off: a rarer kind of synonym
        paired = invented[100 : 100 + 2 * INVENTED_SYNONYM_PAIRS]
        self.synonyms: dict[str, str] = {}
        for a, b in [*SYNONYMS, *zip(paired[::2], paired[1::2], strict=True)]:
            self.synonyms[a], self.synonyms[b] = b, a
        self.general = np.asarray(general, dtype=object)
        ranks = np.arange(len(general), dtype=np.float64)
        weights = 1.0 / (ranks + 2.7) ** ZIPF_EXPONENT
        self.general_cdf = np.cumsum(weights) / weights.sum()
        self.general_list: list[str] = general
        self.general_cum: list[float] = self.general_cdf.tolist()

        self.topics: list[tuple[str, str, np.ndarray]] = []
        for name, category, seed_words in TOPICS:
            words = [w for w in seed_words.split() if self._claim(w)]
            words += self._invent(TOPIC_VOCAB - len(words), lambda: self._word(rng))
            self.topics.append((name, category, np.asarray(words, dtype=object)))

        self.first_names = self._invent(400, lambda: self._name(rng, _NAME_ENDINGS))
        self.surnames = self._invent(8000, lambda: self._name(rng, _SURNAME_ENDINGS))
        self.places = self._invent(5000, lambda: self._name(rng, _PLACE_ENDINGS))

    def _claim(self, word: str) -> bool:
        """Reserve a word and its stem, so unrelated lists never share an index term by accident."""
        lower = word.lower()
        stem = self._stem(lower)
        if lower in self._seen or stem in self._stems:
            return False
        self._seen.add(lower)
        self._stems.add(stem)
        return True

    def _invent(self, count: int, make: Callable[[], str]) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            word = make()
            if self._claim(word):
                out.append(word)
        return out

    @staticmethod
    def _syllables(rng: random.Random, low: int, high: int) -> str:
        return "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(rng.randint(low, high))
        )

    def _word(self, rng: random.Random) -> str:
        return self._syllables(rng, 1, 2 if rng.random() < 0.85 else 3) + rng.choice(_WORD_ENDINGS)

    def _name(self, rng: random.Random, endings: list[str]) -> str:
        return (self._syllables(rng, 1, 2) + rng.choice(endings)).capitalize()


class _Generator:
    """Draws stories and their variants; numpy for bulk word draws, random.Random for structure."""

    def __init__(self, seed: int, plant: bool = False, span_days: float | None = None) -> None:
        self.plant = plant
        self.span = SPAN_SECONDS if span_days is None else max(int(span_days * 86400), 1)
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.vocab = _Vocabulary(random.Random(f"vocabulary-{seed}"))
        self.outlets = self._outlets()

    def _outlets(self) -> list[_Outlet]:
        count = self.rng.randint(30, 60)
        pairs = [(a, b) for a in OUTLET_ADJECTIVES for b in OUTLET_NOUNS]
        chosen = self.rng.sample(pairs, count)
        return [_Outlet(f"{a} {b}", f"{a}-{b}".lower()) for a, b in chosen]

    def _sentences(
        self,
        lengths: list[int],
        specific: np.ndarray,
        sizes: np.ndarray,
        p_specific: float,
        p_topic: float,
        topic: np.ndarray,
    ) -> list[list[str]]:
        """Sentences of the given lengths in words: general (Zipf) words with story-specific and topic
        words mixed in at the given rates. `sizes` are the specifics' word counts (names have several)."""
        n = sum(lengths)
        words = self.vocab.general[np.searchsorted(self.vocab.general_cdf, self.np.random(n))]
        counts = np.ones(n, dtype=np.int64)
        u = self.np.random(n)
        spec = u < p_specific
        picked = self.np.integers(len(specific), size=int(spec.sum()))
        words[spec] = specific[picked]
        counts[spec] = sizes[picked]
        top = (u >= p_specific) & (u < p_specific + p_topic)
        words[top] = topic[self.np.integers(len(topic), size=int(top.sum()))]
        flat: list[str] = words.tolist()
        ends: list[int] = np.cumsum(counts).tolist()  # words up to and including each entry
        out: list[list[str]] = []
        pos = done = 0
        for length in lengths:
            stop = bisect_left(ends, done + length) + 1
            if ends[stop - 1] - done > MAX_SENTENCE:  # a long name at the end would overflow
                stop -= 1
            out.append(flat[pos:stop])
            done, pos = ends[stop - 1], stop
        return out

    def _lengths(self, count: int) -> list[int]:
        """Sentence lengths of 12–30 words, most near 20 as in wire copy."""
        lengths = np.clip(np.rint(self.np.normal(20.0, 4.5, count)), MIN_SENTENCE, MAX_SENTENCE)
        return [int(x) for x in lengths]

    def _general(self, k: int) -> list[str]:
        return self.rng.choices(self.vocab.general_list, cum_weights=self.vocab.general_cum, k=k)

    @staticmethod
    def _sentence(words: list[str]) -> str:
        """Capitalised and full-stopped. A short last word ("a.", "co.") reads as an abbreviation to
        sentence splitters, so it trades places with the last long word (never one that ends a
        clause): files split as generated."""
        if len(words[-1]) <= 4:
            long = next((i for i in range(len(words) - 2, 0, -1) if len(words[i]) > 4 and words[i][-1] != ","), None)
            if long is not None:
                words = list(words)
                words[long], words[-1] = words[-1], words[long]
        first = words[0]
        return first[:1].upper() + first[1:] + " " + " ".join(words[1:]) + "."

    def _reword(self, words: list[str], drops: int = 1, swaps: int = 1) -> list[str]:
        """Another outlet's wording of a clause: drop and replace a few plain words, swap some for
        synonyms. Names and figures stay: a copy without them would say less, or something else."""
        rng = self.rng
        words = list(words)
        for _ in range(rng.randint(0, drops)):
            plain = [i for i, w in enumerate(words) if _plain(w)]
            if plain and len(words) > MIN_CLAUSE:
                del words[rng.choice(plain)]
        plain = [i for i, w in enumerate(words) if _plain(w)]
        replaced = rng.sample(plain, min(len(plain), rng.randint(0, swaps)))
        for pos, word in zip(replaced, self._general(len(replaced)), strict=True):
            words[pos] = word
        synonyms = self.vocab.synonyms
        return [synonyms[w] if w in synonyms and rng.random() < SYNONYM_RATE else w for w in words]

    def _changed_figure(self, figure: str) -> str:
        """Another figure of the same size: 1,200 → 1,100 or 1,500; 42 → 41; 350 → 330."""
        value = int(figure.replace(",", ""))
        step = 10 ** max(0, len(str(value)) - 2)
        new = value + self.rng.choice((-3, -2, -1, 1, 2, 3)) * step
        if new <= 0:
            new = value + step
        return f"{new:,}" if "," in figure else str(new)

    @staticmethod
    def _attributed(clauses: Sequence[list[str]], speaker: str | None, style: tuple[str, ...]) -> list[str]:
        """The clauses joined by a comma, with the speaker named in the outlet's phrase."""
        claim = [w for words in clauses[:-1] for w in [*words[:-1], words[-1] + ","]] + list(clauses[-1])
        if speaker is None:
            return claim
        out: list[str] = []
        for token in style:
            if token.startswith("{claim}"):
                out += [*claim[:-1], claim[-1] + token.removeprefix("{claim}")]
            elif token.startswith("{who}"):
                out.append(speaker + token.removeprefix("{who}"))
            else:
                out.append(token)
        return out

    def story(self, index: int, size: int, width: int, outlets: Sequence[_Outlet] | None = None) -> list[SynthArticle]:
        """One event reported by `size` distinct outlets (or by `outlets`, which may repeat)."""
        rng, vocab = self.rng, self.vocab
        topic_name, category, topic_words = vocab.topics[rng.randrange(len(vocab.topics))]

        people = [f"{rng.choice(vocab.first_names)} {rng.choice(vocab.surnames)}" for _ in range(rng.randint(1, 3))]
        names = people + rng.sample(vocab.places, rng.randint(1, 2))
        organisations: list[str] = []
        while len(names) < 3 or (len(names) < 6 and rng.random() < 0.5):
            organisations.append(f"{rng.choice(vocab.places)} {rng.choice(ORG_NOUNS)}")
            names.append(organisations[-1])
        story_topic = [str(w) for w in rng.sample(list(topic_words), rng.randint(5, 10))]
        numbers = [f"{rng.randint(3, 99)}", f"{rng.randint(100, 9999):,}"][: rng.randint(1, 2)]
        numbers += [f"{rng.randint(10, 999)}"] if rng.random() < 0.5 else []
        # names weigh double: reports repeat who and where more than anything else
        specifics = np.asarray(names * 2 + story_topic + numbers, dtype=object)

        fact_lengths = [min(max(x, MIN_SENTENCE + 2), MAX_SENTENCE - 2) for x in self._lengths(rng.randint(10, 18))]
        sizes = np.asarray([w.count(" ") + 1 for w in specifics], dtype=np.int64)
        pool = self._sentences(fact_lengths, specifics, sizes, rng.uniform(*FACT_SPECIFIC), TOPIC_RATE, topic_words)
        facts = []
        for words in pool:
            plain = [i for i, w in enumerate(words) if _plain(w)]
            if plain and not any(_FIGURE.fullmatch(w) for w in words) and rng.random() < FIGURE_FACTS:
                words[rng.choice(plain)] = rng.choice(numbers)
            cut = round(len(words) * rng.uniform(*CLAUSE_SHARE))
            if len(words) >= 2 * MIN_CLAUSE:
                cut = min(max(cut, MIN_CLAUSE), len(words) - MIN_CLAUSE)
            else:
                cut = len(words) // 2
            speaker = None
            if rng.random() < SPEAKER_FACTS:
                speaker = rng.choice(organisations if organisations and rng.random() < 0.3 else people)
            clauses = (words[:cut], words[cut:])
            figures = tuple(
                (c, i) for c, part in enumerate(clauses) for i, w in enumerate(part) if _FIGURE.fullmatch(w)
            )
            facts.append(_FactText(clauses, speaker, figures))
        headline = [names[0], *rng.sample(story_topic, 2), names[-1], *self._general(rng.randint(3, 6))]
        rng.shuffle(headline)
        story = _Story(
            key=f"s{index:0{width}d}",
            people=people,
            specifics=specifics,
            topic_words=topic_words,
            sizes=sizes,
            facts=facts,
            headline=headline,
            date=START + timedelta(seconds=rng.randrange(self.span)),
            tags=(category, topic_name),
            styles=rng.sample(ATTRIBUTION_STYLES, len(ATTRIBUTION_STYLES)),
        )
        reporters = rng.sample(self.outlets, size) if outlets is None else outlets
        if not self.plant:
            return [self._variant(story, v + 1, outlet) for v, outlet in enumerate(reporters)]
        plan = self._plan(story, len(reporters))
        return [self._variant(story, v + 1, outlet, plan) for v, outlet in enumerate(reporters)]

    def _plan(self, story: _Story, size: int) -> _Plan:
        """Dates, facts and planted figures of a story's variants: two waves with updates, or a
        disagreement between two reports hours apart, or neither."""
        rng, hour = self.rng, 3600.0
        facts = story.facts
        chosen = [
            sorted(rng.sample(range(len(facts)), max(1, round(rng.uniform(0.4, 0.7) * len(facts)))))
            for _ in range(size)
        ]
        changes: dict[tuple[int, int], tuple[int, int, str, str]] = {}
        slots: dict[int, tuple[int, int]] = {}
        planted: list[tuple[str, str]] = []
        with_figure = [i for i, fact in enumerate(facts) if fact.figures]
        if size >= 3 and rng.random() < PLANT_DEVELOPING:
            first = rng.randint(1, size - 1)
            offsets = [rng.uniform(0.0, FIRST_WAVE_HOURS * hour) for _ in range(first)]
            offsets += [rng.uniform(*SECOND_WAVE_HOURS) * hour for _ in range(size - first)]
            for i in with_figure:
                early = [v for v in range(first) if i in chosen[v]]
                later = [v for v in range(first, size) if i in chosen[v]]
                if early and later and rng.random() < PLANT_UPDATE:
                    c, p = slots[i] = rng.choice(facts[i].figures)
                    new = self._raised(facts[i].clauses[c][p])
                    changes.update(((i, v), (c, p, new, "u")) for v in later)
                    planted.append((f"{story.key}/f{i}", "update"))
        else:
            offsets = [float(rng.randrange(VARIANT_SPREAD_SECONDS)) for _ in range(size)]
            shared = [i for i in with_figure if sum(i in facts_of for facts_of in chosen) >= 2]
            if shared and rng.random() < PLANT_DISAGREE:
                i = rng.choice(shared)
                a, b = rng.sample([v for v in range(size) if i in chosen[v]], 2)
                offsets[b] = offsets[a] + rng.uniform(*DISAGREE_HOURS) * hour
                c, p = slots[i] = rng.choice(facts[i].figures)
                changes[(i, b)] = (c, p, self._changed_figure(facts[i].clauses[c][p]), "d")
                planted.append((f"{story.key}/f{i}", "disagreement"))
        dates = [(story.date + timedelta(seconds=o)).replace(second=0, microsecond=0) for o in offsets]
        decoys: dict[int, int] = {}
        unplanted = [i for i in with_figure if i not in slots and any(i in facts_of for facts_of in chosen)]
        if unplanted and rng.random() < PLANT_DECOY:
            i = rng.choice(unplanted)
            others = [v for v in range(size) if i not in chosen[v]] or list(range(size))
            decoys[rng.choice(others)] = i
        return _Plan(dates, chosen, changes, slots, tuple(planted), decoys)

    def _decoy(self, story: _Story, index: int, variant: int, style: tuple[str, ...]) -> _Line | None:
        """Fact `index` with its figure changed and a content word beside it swapped: another
        fact. None when no content word is within two words of the figure: a figure changed
        alone would be a disagreement, not a decoy."""
        rng = self.rng
        fact = story.facts[index]
        clauses = [list(words) for words in fact.clauses]
        c, p = rng.choice(fact.figures)
        clauses[c][p] = self._changed_figure(clauses[c][p])
        # the content word nearest the figure (what is counted, or what happened to it) becomes
        # another; function words are left alone, a swapped "the" would say the same
        beside = [
            q
            for q in (p + 1, p - 1, p + 2, p - 2)
            if 0 <= q < len(clauses[c]) and _plain(clauses[c][q]) and clauses[c][q] not in _COMMON_SET
        ]
        if not beside:
            return None
        q = beside[0]
        rare = self.vocab.general_list[len(COMMON) + len(SYNONYMS) :]
        clauses[c][q] = next(w for w in (rng.choice(rare) for _ in range(20)) if w != clauses[c][q])
        own = f"{story.key}/v{variant}/decoy"
        return _Line(self._sentence(self._attributed(clauses, fact.speaker, style)), own, (own,))

    def _raised(self, figure: str) -> str:
        """A later count: 3 → 5, 7,400 → 11,000 (a fifth to four fifths more)."""
        value = int(figure.replace(",", ""))
        new = max(value + 1, round(value * self.rng.uniform(1.2, 1.8)))
        if value >= 100:
            step = 10 ** (len(str(new)) - 2)
            new = max(value + step, new // step * step)
        return f"{new:,}" if "," in figure or new >= 10_000 else str(new)

    def _copy(
        self, story: _Story, index: int, variant: int, style: tuple[str, ...], reword: bool, plan: _Plan | None = None
    ) -> _Line:
        """Outlet `variant`'s copy of fact `index`: maybe its first clause only, maybe a figure
        changed, maybe with a clause of its own added (each a fact of its own), maybe reworded
        (the same fact)."""
        rng = self.rng
        fact = story.facts[index]
        clauses = [list(words) for words in fact.clauses]
        fact_id = f"{story.key}/f{index}"
        # a planted fact's copies all give its figure: the gold is then what a reader sees
        planted = plan is not None and index in plan.slots
        partial = len(clauses[0]) > MIN_CLAUSE and rng.random() < PARTIAL_COPY and not planted
        if partial:
            clauses = clauses[:1]
            fact_id += ".1"
        claims = [f"{story.key}/f{index}.{c + 1}" for c in range(len(clauses))]
        figures = [(c, p) for c, p in fact.figures if c < len(clauses)]
        given = ""
        if plan is not None:
            change = plan.changes.get((index, variant - 1))
            slot = plan.slots.get(index)
            if change is not None and change[0] < len(clauses):
                c, p, new, kind = change
                clauses[c][p] = new
                claims[c] += f"~{kind}1"
                fact_id += f"~{kind}1"
            if slot is not None and slot[0] < len(clauses):
                given = clauses[slot[0]][slot[1]]
        elif figures and rng.random() < CHANGED_FIGURE:
            c, p = rng.choice(figures)
            new = self._changed_figure(clauses[c][p])
            known = sum(1 for key in story.changes if key[0] == index)
            k = story.changes.setdefault((index, c, p, new), known + 1)
            clauses[c][p] = new
            claims[c] += f"~v{k}"
            fact_id += f"~v{k}"
        if reword:
            clauses = [self._reword(words) for words in clauses]
            if len(clauses) == 2 and rng.random() < CLAUSE_SWAP:
                clauses.reverse()
        if not partial and rng.random() < EXTENDED_COPY:
            length = [rng.randint(6, 10)]
            clauses += self._sentences(
                length, story.specifics, story.sizes, OWN_SPECIFIC, TOPIC_RATE, story.topic_words
            )
            fact_id += f"+v{variant}"
            claims.append(f"{story.key}/v{variant}/added")
        return _Line(self._sentence(self._attributed(clauses, fact.speaker, style)), fact_id, tuple(claims), given)

    def _variant(self, story: _Story, number: int, outlet: _Outlet, plan: _Plan | None = None) -> SynthArticle:
        """One outlet's report: most specifics, part of the facts (some reworded), own sentences, filler."""
        rng = self.rng
        # most specifics survive in every report; each outlet leaves out a few
        specifics, topic_words, facts = story.specifics, story.topic_words, story.facts
        keep = self.np.random(len(specifics)) >= rng.uniform(0.05, 0.35)
        keep[0] = True
        kept, sizes = specifics[keep], story.sizes[keep]
        style = story.styles[(number - 1) % len(story.styles)]  # this outlet's way of naming a speaker
        prefix = f"{story.key}/v{number}"

        # outlets differ in how much they share, reword and name: that spreads the similarities
        if plan is None:
            share, reword, naming = rng.uniform(0.4, 0.7), rng.uniform(0.3, 0.8), rng.uniform(0.6, 1.4)
            chosen = sorted(rng.sample(range(len(facts)), max(1, round(share * len(facts)))))
        else:
            reword, naming = rng.uniform(0.3, 0.8), rng.uniform(0.6, 1.4)
            chosen = plan.chosen[number - 1]
        shared = [self._copy(story, i, number, style, rng.random() < reword, plan) for i in chosen]

        own_lengths = self._lengths(rng.randint(2, 5))
        own = []
        for k, words in enumerate(
            self._sentences(own_lengths, kept, sizes, OWN_SPECIFIC * naming, TOPIC_RATE, topic_words), 1
        ):
            speaker = rng.choice(story.people) if rng.random() < 0.3 and _count(words) + 6 <= MAX_SENTENCE else None
            text = self._sentence(self._attributed([words], speaker, style))
            own.append(_Line(text, f"{prefix}/own{k}", (f"{prefix}/own{k}",)))

        target = rng.randint(410, 820)
        used = sum(len(line.text.split()) for line in (*shared, *own))
        filler_lengths: list[int] = []
        for length in self._lengths(max(0, target - used) // MIN_SENTENCE + 1):
            if used >= target:
                break
            filler_lengths.append(min(length, max(MIN_SENTENCE, target - used)))
            used += filler_lengths[-1]
        filler = [
            _Line(self._sentence(words), f"{prefix}/x{k}", (f"{prefix}/x{k}",))
            for k, words in enumerate(
                self._sentences(filler_lengths, kept, sizes, FILLER_SPECIFIC * naming, TOPIC_RATE, topic_words), 1
            )
        ]

        # the lead is a shared fact; other facts lean early, own sentences and filler anywhere
        keyed = [(0.7 * i / len(shared) + rng.uniform(0.0, 0.3), s) for i, s in enumerate(shared[1:], 1)]
        keyed += [(rng.uniform(0.1, 1.0), s) for s in own]
        if plan is not None and number - 1 in plan.decoys:
            decoy = self._decoy(story, plan.decoys[number - 1], number, style)
            if decoy is not None:
                keyed.append((rng.uniform(0.1, 1.0), decoy))
        keyed += [(rng.uniform(0.05, 1.0), s) for s in filler]
        keyed.sort(key=lambda pair: pair[0])
        lines = [shared[0]] + [s for _, s in keyed]

        count = min(rng.randint(5, 12), len(lines))
        cuts = [0, 1, *sorted(rng.sample(range(2, len(lines)), count - 2)), len(lines)]
        paragraphs = tuple(" ".join(line.text for line in lines[a:b]) for a, b in zip(cuts, cuts[1:], strict=False))

        title = self._reword(story.headline, 2, 2) if rng.random() < 0.7 else list(story.headline)
        title = title[: rng.randint(6, 10)]
        title_text = title[0][:1].upper() + title[0][1:] + " " + " ".join(title[1:])

        if plan is None:
            date = (story.date + timedelta(seconds=rng.randrange(VARIANT_SPREAD_SECONDS))).replace(second=0)
        else:
            date = plan.dates[number - 1]
        tags = story.tags if rng.random() < 0.7 else story.tags[1:]
        return SynthArticle(
            id=f"{outlet.slug}/{story.key}-v{number}",
            story=story.key,
            title=title_text,
            date=date,
            source=outlet.name,
            lang="en",
            tags=tags,
            paragraphs=paragraphs,
            facts=tuple(line.fact for line in lines),
            claims=tuple(line.claims for line in lines),
            planted=plan.planted if plan is not None else (),
            figures=tuple(line.figure for line in lines) if plan is not None else (),
        )


def iter_articles(n: int, seed: int = 0, plant: bool = False, span_days: float | None = None) -> Iterator[SynthArticle]:
    """Articles one story at a time, so a caller can convert them without holding both forms;
    `plant`: with planted updates and disagreements (see PLANT_DEVELOPING); `span_days`: the days
    stories start in (three years by default), so an archive's density per day can be chosen
    apart from its size (a million articles over three years is 913 a day)."""
    generator = _Generator(seed, plant, span_days)
    width = max(6, len(str(n)))
    remaining, index = n, 0
    while remaining > 0:
        size = generator.rng.randint(2, 5)
        if remaining <= 5:
            size = remaining
        elif remaining - size == 1:
            size -= 1  # never leave a story of one behind
        yield from generator.story(index, size, width)
        remaining -= size
        index += 1


def generate(n: int, seed: int = 0, plant: bool = False, span_days: float | None = None) -> list[SynthArticle]:
    """n synthetic articles, the same for the same (n, seed, plant, span_days)."""
    return list(iter_articles(n, seed, plant, span_days))


def one_story(n: int, seed: int = 0) -> list[SynthArticle]:
    """One story reported n times, oldest first, five minutes apart: for timing a summary at sizes
    no ordinary story reaches. Outlets repeat once the 30–60 of them are used; ids stay distinct."""
    generator = _Generator(seed)
    outlets = generator.rng.sample(generator.outlets, len(generator.outlets))
    story = generator.story(0, n, 6, [outlets[i % len(outlets)] for i in range(n)])
    start = min(a.date for a in story)
    return [replace(a, date=start + timedelta(minutes=5 * i)) for i, a in enumerate(story)]


def to_articles(synth: Iterable[SynthArticle]) -> list[Article]:
    """sitegen Articles built in memory, as the load stage would produce them from the written files."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from sitegen.model import Article

    return [
        Article(
            id=s.id,
            path=s.id + ".md",
            title=s.title,
            source=s.source,
            date=s.date,
            lang=s.lang,
            body_html="",
            sentences=s.sentences,
            tags=s.tags,
        )
        for s in synth
    ]


def write_site(articles: Iterable[SynthArticle], out_dir: Path) -> dict[str, str]:
    """One Markdown file per article under out_dir/content; returns the gold map it wrote
    (out_dir/gold.json). out_dir/facts.json holds the attribution gold: "articles" maps each
    article id to its sentences' fact ids (in the order `SynthArticle.sentences` splits them),
    "claims" maps each shared fact's id to its claims (any other id is its own single claim)."""
    content = out_dir / "content"
    gold: dict[str, str] = {}
    facts: list[str] = []
    claims: dict[str, tuple[str, ...]] = {}
    made: set[str] = set()
    for article in articles:
        folder = article.id.rsplit("/", 1)[0]
        if folder not in made:
            (content / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        front = [
            "---",
            f"title: {json.dumps(article.title)}",
            f"date: {article.date.strftime('%Y-%m-%dT%H:%M:%SZ')}",
            f"source: {json.dumps(article.source)}",
            f"tags: [{', '.join(article.tags)}]",
            "---",
            "",
        ]
        text = "\n".join(front) + "\n\n".join(article.paragraphs) + "\n"
        (content / f"{article.id}.md").write_text(text, encoding="utf-8")
        gold[article.id] = article.story
        facts.append(f"{json.dumps(article.id)}: {json.dumps(article.facts)}")
        claims.update((fact, c) for fact, c in zip(article.facts, article.claims, strict=True) if c != (fact,))
    (out_dir / "gold.json").write_text(json.dumps(gold, indent=0) + "\n", encoding="utf-8")
    about = (
        "Attribution gold of bench/synth.py: each article's sentences' fact ids, and the claims of each "
        "shared fact (a sentence states another's fact when its claims include all of the other's)."
    )
    body = ",\n".join(facts)
    shared = ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(claims.items()))
    (out_dir / "facts.json").write_text(
        f'{{"about": {json.dumps(about)},\n"claims": {{\n{shared}\n}},\n"articles": {{\n{body}\n}}}}\n',
        encoding="utf-8",
    )
    return gold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out_dir", type=Path, help="site folder to write content/ and gold.json into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--span-days", type=float, help="days the stories start in (default: three years)")
    args = parser.parse_args()
    start = time.perf_counter()
    articles = generate(args.n, args.seed, span_days=args.span_days)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    gold = write_site(articles, args.out_dir)
    written = time.perf_counter() - start
    print(
        f"wrote {len(gold)} articles in {len(set(gold.values()))} stories to {args.out_dir} "
        f"(generate {generated:.1f} s, write {written:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
