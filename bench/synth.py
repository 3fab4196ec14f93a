"""Synthetic news archive: N articles grouped into stories of 2–5 variants, with gold story ids.

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

Deterministic for a given seed. Library: `generate(n, seed)` and `to_articles(...)`. CLI:

    python bench/synth.py N OUT_DIR [--seed S]

writes OUT_DIR/content/<outlet>/<story>-v<k>.md (YAML front matter + paragraphs) and
OUT_DIR/gold.json (article id → story key).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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

    @property
    def sentences(self) -> tuple[str, ...]:
        """Sentences in order; the generator never puts a full stop inside one, so ". " splits them."""
        return tuple(s for p in self.paragraphs for s in _SENTENCE_END.split(p))

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


_SENTENCE_END = re.compile(r"(?<=\.) ")


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
    facts: list[list[str]]
    headline: list[str]
    date: datetime
    tags: tuple[str, str]


class _Vocabulary:
    """Every word list the generator draws from, built once per seed so all stories share them."""

    def __init__(self, rng: random.Random) -> None:
        self._stem = snowballstemmer.stemmer("english").stemWord
        self._stems: set[str] = set()
        self._seen: set[str] = set()
        for word in COMMON:
            self._claim(word)
        invented = self._invent(GENERAL_SIZE - len(COMMON), lambda: self._word(rng))
        general = COMMON + invented
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

    def __init__(self, seed: int) -> None:
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
        sentence splitters, so it trades places with the last long word: files split as generated."""
        if len(words[-1]) <= 4:
            long = next((i for i in range(len(words) - 2, 0, -1) if len(words[i]) > 4), None)
            if long is not None:
                words = list(words)
                words[long], words[-1] = words[-1], words[long]
        first = words[0]
        return first[:1].upper() + first[1:] + " " + " ".join(words[1:]) + "."

    def _reword(self, words: list[str]) -> list[str]:
        """Another outlet's wording of a shared fact: drop, replace and reorder a few words."""
        words = list(words)
        rng = self.rng
        for _ in range(rng.randint(0, 2)):
            if _count(words) > MIN_SENTENCE + 2:
                del words[rng.randrange(len(words))]
        for pos, word in zip(rng.sample(range(len(words)), rng.randint(1, 3)), self._general(3), strict=False):
            words[pos] = word
        if len(words) >= 10 and rng.random() < 0.3:
            cut = rng.randint(4, len(words) - 4)
            words = words[cut:] + words[:cut]
        while _count(words) < MIN_SENTENCE:  # a replaced name can leave a fact short
            words += self._general(1)
        return words

    def story(self, index: int, size: int, width: int) -> list[SynthArticle]:
        """One event reported by `size` distinct outlets."""
        rng, vocab = self.rng, self.vocab
        topic_name, category, topic_words = vocab.topics[rng.randrange(len(vocab.topics))]

        people = [f"{rng.choice(vocab.first_names)} {rng.choice(vocab.surnames)}" for _ in range(rng.randint(1, 3))]
        names = people + rng.sample(vocab.places, rng.randint(1, 2))
        while len(names) < 3 or (len(names) < 6 and rng.random() < 0.5):
            names.append(f"{rng.choice(vocab.places)} {rng.choice(ORG_NOUNS)}")
        story_topic = [str(w) for w in rng.sample(list(topic_words), rng.randint(5, 10))]
        numbers = [f"{rng.randint(3, 99)}", f"{rng.randint(100, 9999):,}"][: rng.randint(1, 2)]
        numbers += [f"{rng.randint(10, 999)}"] if rng.random() < 0.5 else []
        # names weigh double: reports repeat who and where more than anything else
        specifics = np.asarray(names * 2 + story_topic + numbers, dtype=object)

        fact_lengths = [min(max(x, MIN_SENTENCE + 2), MAX_SENTENCE - 2) for x in self._lengths(rng.randint(10, 18))]
        sizes = np.asarray([w.count(" ") + 1 for w in specifics], dtype=np.int64)
        facts = self._sentences(fact_lengths, specifics, sizes, rng.uniform(*FACT_SPECIFIC), TOPIC_RATE, topic_words)
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
            date=START + timedelta(seconds=rng.randrange(SPAN_SECONDS)),
            tags=(category, topic_name),
        )
        return [self._variant(story, v + 1, outlet) for v, outlet in enumerate(rng.sample(self.outlets, size))]

    def _variant(self, story: _Story, number: int, outlet: _Outlet) -> SynthArticle:
        """One outlet's report: most specifics, part of the facts (some reworded), own sentences, filler."""
        rng = self.rng
        # most specifics survive in every report; each outlet leaves out a few
        specifics, topic_words, facts = story.specifics, story.topic_words, story.facts
        keep = self.np.random(len(specifics)) >= rng.uniform(0.05, 0.35)
        keep[0] = True
        kept, sizes = specifics[keep], story.sizes[keep]

        # outlets differ in how much they share, reword and name: that spreads the similarities
        share, reword, naming = rng.uniform(0.4, 0.7), rng.uniform(0.3, 0.8), rng.uniform(0.6, 1.4)
        chosen = sorted(rng.sample(range(len(facts)), max(1, round(share * len(facts)))))
        shared = [self._reword(facts[i]) if rng.random() < reword else facts[i] for i in chosen]

        own_lengths = self._lengths(rng.randint(2, 5))
        own = self._sentences(own_lengths, kept, sizes, OWN_SPECIFIC * naming, TOPIC_RATE, topic_words)
        for sentence in own:
            if rng.random() < 0.3 and _count(sentence) + 3 <= MAX_SENTENCE:
                sentence.extend(["said", rng.choice(story.people)])

        target = rng.randint(410, 820)
        used = sum(map(_count, shared)) + sum(map(_count, own))
        filler_lengths: list[int] = []
        for length in self._lengths(max(0, target - used) // MIN_SENTENCE + 1):
            if used >= target:
                break
            filler_lengths.append(min(length, max(MIN_SENTENCE, target - used)))
            used += filler_lengths[-1]
        filler = self._sentences(filler_lengths, kept, sizes, FILLER_SPECIFIC * naming, TOPIC_RATE, topic_words)

        # the lead is a shared fact; other facts lean early, own sentences and filler anywhere
        keyed = [(0.7 * i / len(shared) + rng.uniform(0.0, 0.3), s) for i, s in enumerate(shared[1:], 1)]
        keyed += [(rng.uniform(0.1, 1.0), s) for s in own]
        keyed += [(rng.uniform(0.05, 1.0), s) for s in filler]
        keyed.sort(key=lambda pair: pair[0])
        sentences = [self._sentence(shared[0])] + [self._sentence(s) for _, s in keyed]

        count = min(rng.randint(5, 12), len(sentences))
        cuts = [0, 1, *sorted(rng.sample(range(2, len(sentences)), count - 2)), len(sentences)]
        paragraphs = tuple(" ".join(sentences[a:b]) for a, b in zip(cuts, cuts[1:], strict=False))

        title = self._reword(story.headline) if rng.random() < 0.7 else list(story.headline)
        title = title[: rng.randint(6, 10)]
        title_text = title[0][:1].upper() + title[0][1:] + " " + " ".join(title[1:])

        date = story.date + timedelta(seconds=rng.randrange(VARIANT_SPREAD_SECONDS))
        tags = story.tags if rng.random() < 0.7 else story.tags[1:]
        return SynthArticle(
            id=f"{outlet.slug}/{story.key}-v{number}",
            story=story.key,
            title=title_text,
            date=date.replace(second=0),
            source=outlet.name,
            lang="en",
            tags=tags,
            paragraphs=paragraphs,
        )


def iter_articles(n: int, seed: int = 0) -> Iterator[SynthArticle]:
    """Articles one story at a time, so a caller can convert them without holding both forms."""
    generator = _Generator(seed)
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


def generate(n: int, seed: int = 0) -> list[SynthArticle]:
    """n synthetic articles, the same for the same (n, seed)."""
    return list(iter_articles(n, seed))


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
    """One Markdown file per article under out_dir/content; returns the gold map it wrote."""
    content = out_dir / "content"
    gold: dict[str, str] = {}
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
    (out_dir / "gold.json").write_text(json.dumps(gold, indent=0) + "\n", encoding="utf-8")
    return gold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out_dir", type=Path, help="site folder to write content/ and gold.json into")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    articles = generate(args.n, args.seed)
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
