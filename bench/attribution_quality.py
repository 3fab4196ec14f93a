"""Attribution quality of merged summaries: are a story's chips, "only in" lists and coverage labels true?

`sitegen.summarize.merge_summary` credits each summary line to the outlets that report its fact
(the line's chips), lists what only one outlet reports ("Only in <source>"), and labels every
sentence of every variant with how many sources carry it. Each is a claim printed on the page.
This scores them against two golds that say, for every sentence of a story, which atomic claims
it states:

- synthetic: stories of `bench/synth.py` (`SynthArticle.claims`), whose copies of a fact are
  reworded (synonyms, clause order, the outlet's own attribution phrase) and which carry hard
  negatives: a copy with one figure changed, or with its first clause only, is another fact;
- sample: `tests/sample_alignment_gold.json`, written by hand over the bundled archive in
  content/ (its stories from `tests/sample_archive_gold.json`); each entry's first five words are
  checked, so a change in sentence splitting is caught rather than scored.

Definitions (a line's "own" source is the source of the sentence it is taken from: its chip is
true by construction and left out of every figure):

- a chip is true when the credited source has, among its articles in the story, one sentence
  that states every claim of the line's sentence (it may say more). Precision is over the chips
  given, recall over the true carrier sources of the lines sitegen chose;
- an "only in" item of article X is correct when no claim of its sentence is stated by a
  sentence of another source; recall (for information: listing nothing is always precise) is
  over the sentences of 4+ words with at least one claim of which that holds;
- coverage labels: with `Summary.carriers` (article id → for each sentence, the articles carrying
  its fact), each sentence's credited articles of other sources are scored like chips;
  sentences that state nothing are left out. Without it they are skipped. For information the
  count in `Summary.coverage` is compared with the gold count of sources (0 = no label).

A line is located by `SummarySentence.origin` (article id, sentence index) when the code sets it,
otherwise by matching its text against the story's sentences. Lines whose sentence states nothing
(sample gold's `no_claim`) are not scored.

ROUGE on DUC 2002 (as `bench/summary_quality.py` computes it, sitegen only): ROUGE-1/ROUGE-2
recall of 100-word summaries on each half of the 59 document sets, split by sorted cluster id:
even positions are the tuning half, odd positions the report half. Changes are tuned on the first
and judged on the second.

    .venv/bin/python bench/attribution_quality.py
    .venv/bin/python bench/attribution_quality.py --stories 100 --no-rouge --show 5

The exit code is 0 only when every target is met.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the sitegen of this checkout, not whichever is installed
sys.path.insert(1, str(REPO / "bench"))

import synth  # noqa: E402

from sitegen import summarize  # noqa: E402
from sitegen.model import Article, Summary, SummarySentence  # noqa: E402

SAMPLE_GOLD = REPO / "tests" / "sample_alignment_gold.json"
SAMPLE_STORIES = REPO / "tests" / "sample_archive_gold.json"
MAX_WORDS = 120  # summary length for both golds
SYNTH_ARTICLES = 1500  # generated at least: about 430 stories, the first --stories of them scored
ONLY_MIN_WORDS = int(getattr(summarize, "MIN_WORDS", 4))  # shorter sentences are never "only in" material

PRECISION_TARGET = 0.98
RECALL_TARGET = 0.85
ONLY_PRECISION_TARGET = 0.98
ROUGE_TOLERANCE = 0.5
# sitegen's ROUGE recall x100 at commit cca837a (the code before the attribution rewrite), measured
# by this script: (ROUGE-1, ROUGE-2) on all 59 sets, the tuning half and the report half.
ROUGE_TODAY = {"all": (37.01, 9.03), "tune": (37.24, 9.34), "report": (36.77, 8.71)}

Key = tuple[str, int]  # (article id, sentence index)
_WORD = re.compile(r"\w+")


# --- gold ----------------------------------------------------------------------------------------


@dataclass
class GoldStory:
    """One story's articles in pipeline order, and the claims each of their sentences states."""

    key: str
    articles: list[Article]
    claims: dict[Key, frozenset[str]]  # every sentence; empty when it states nothing
    describe: Callable[[str], str] = str  # a claim id as a person reads it
    roles: dict[Key, str] = field(default_factory=dict)  # what kind of sentence each is (synthetic gold)
    source: dict[str, str] = field(init=False)
    sentences: dict[str, tuple[str, ...]] = field(init=False)
    _stating: dict[str, set[Key]] = field(init=False)

    def __post_init__(self) -> None:
        self.source = {a.id: a.source for a in self.articles}
        self.sentences = {a.id: a.sentences for a in self.articles}
        self._stating = defaultdict(set)
        for key, claims in self.claims.items():
            for claim in claims:
                self._stating[claim].add(key)

    def statements(self, key: Key) -> set[Key]:
        """The story's sentences that state every claim of `key` (itself included)."""
        claims = self.claims[key]
        if not claims:
            return set()
        return set.intersection(*(self._stating[c] for c in claims))

    def carriers(self, key: Key) -> set[str]:
        """Articles with a sentence that states every claim of `key`."""
        return {k[0] for k in self.statements(key)}

    def elsewhere(self, key: Key) -> set[str]:
        """Claims of `key` that another source's sentence states."""
        own = self.source[key[0]]
        return {c for c in self.claims[key] if any(self.source[k[0]] != own for k in self._stating[c])}

    def keys_of_source(self, source: str) -> list[Key]:
        return [(a, i) for a, texts in self.sentences.items() if self.source[a] == source for i in range(len(texts))]

    def text(self, key: Key) -> str:
        return self.sentences[key[0]][key[1]]


def pipeline_order(articles: Iterable[Article]) -> list[Article]:
    """As the build orders a story: dated oldest first, undated last, then by id."""
    return sorted(articles, key=lambda a: (a.date is None, a.date.timestamp() if a.date else 0.0, a.id))


def synthetic_golds(stories: int, seed: int) -> list[GoldStory]:
    """The first `stories` stories of `synth.generate` (the same stories whatever n is asked for)."""
    by_story: dict[str, list[synth.SynthArticle]] = defaultdict(list)
    for article in synth.generate(max(SYNTH_ARTICLES, 5 * stories), seed):
        by_story[article.story].append(article)
    golds = []
    for key in list(by_story)[:stories]:
        members = by_story[key]
        claims = {(a.id, i): frozenset(c) for a in members for i, c in enumerate(a.claims)}
        roles = {(a.id, i): synth_role(f) for a in members for i, f in enumerate(a.facts)}
        golds.append(GoldStory(key, pipeline_order(synth.to_articles(members)), claims, roles=roles))
    return golds


def synth_role(fact: str) -> str:
    """The kind of sentence a synthetic fact id names."""
    local = fact.split("/")[-1]
    if local.startswith("own"):
        return "own sentence"
    if local.startswith("x"):
        return "filler"
    parts = [
        name
        for mark, name in ((".", "first clause only"), ("~", "changed figure"), ("+", "clause added"))
        if mark in local
    ]
    return "copy: " + ", ".join(parts) if parts else "fact"


def first_words(text: str, n: int = 5) -> str:
    return " ".join(text.split()[:n])


def describer(texts: dict[str, str]) -> Callable[[str], str]:
    return lambda claim: texts.get(claim, claim)


def sample_golds() -> tuple[list[GoldStory], list[str]]:
    """The hand-made gold over content/, and its entries whose first five words no longer match."""
    from sitegen.build import load_stage
    from sitegen.config import load_config
    from sitegen.diagnostics import Report
    from sitegen.memo import Memo

    articles, _, _ = load_stage(REPO, load_config(REPO), Report(), Memo(None))
    by_id = {a.id: a for a in articles}
    story_of: dict[str, str] = json.loads(SAMPLE_STORIES.read_text(encoding="utf-8"))
    members: dict[str, list[Article]] = defaultdict(list)
    for article_id, story in story_of.items():
        if article_id in by_id:
            members[story].append(by_id[article_id])
    gold = json.loads(SAMPLE_GOLD.read_text(encoding="utf-8"))
    stale: list[str] = []

    def checked(entry: Sequence[object], where: str) -> Key | None:
        article_id, index, words = str(entry[0]), int(str(entry[1])), str(entry[2])
        article = by_id.get(article_id)
        if article is None:
            stale.append(f"{where}: no article {article_id}")
            return None
        if index < len(article.sentences) and first_words(article.sentences[index]) == words:
            return (article_id, index)
        stale.append(f"{where}: {article_id} sentence {index} does not start {words!r}")
        return None

    golds = []
    for key, story in gold["stories"].items():
        story_articles = pipeline_order(members[key])
        claims: dict[Key, set[str]] = {(a.id, i): set() for a in story_articles for i in range(len(a.sentences))}
        texts: dict[str, str] = {}
        for number, claim in enumerate(story["claims"]):
            claim_id = f"{key}#{number}"
            texts[claim_id] = claim["claim"]
            for entry in claim["carriers"]:
                found = checked(entry, key)
                if found is not None:
                    claims[found].add(claim_id)
        for entry in story.get("no_claim", []):
            checked(entry, key)
        frozen = {k: frozenset(v) for k, v in claims.items()}
        golds.append(GoldStory(key, story_articles, frozen, describer(texts)))
    return golds, stale


# --- scoring -------------------------------------------------------------------------------------


def words_of(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def overlap(a: str, b: str) -> float:
    """Jaccard of the two texts' lower-cased words."""
    x, y = words_of(a), words_of(b)
    return len(x & y) / len(x | y) if x | y else 0.0


def locate(text: str, article_ids: Sequence[str], gold: GoldStory) -> Key | None:
    """The sentence a summary text was taken from: the same text (the listed articles first), else
    the sentence that contains it (a cleaned copy, a dateline dropped), else the closest in words."""
    order = list(dict.fromkeys([*article_ids, *gold.sentences]))
    for article_id in order:
        for i, sentence in enumerate(gold.sentences.get(article_id, ())):
            if sentence == text:
                return (article_id, i)
    stripped = text.strip()
    for article_id in order:
        for i, sentence in enumerate(gold.sentences.get(article_id, ())):
            if stripped and stripped in sentence:
                return (article_id, i)
    best = max(
        ((overlap(text, s), (a, i)) for a in order for i, s in enumerate(gold.sentences.get(a, ()))),
        default=(0.0, None),
    )
    return best[1] if best[0] >= 0.6 else None


def line_origin(line: SummarySentence, gold: GoldStory) -> Key | None:
    origin = getattr(line, "origin", None)
    if origin is not None:
        return (str(origin[0]), int(origin[1]))
    return locate(line.text, line.article_ids, gold)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, credited: set[str], true: set[str]) -> None:
        self.tp += len(credited & true)
        self.fp += len(credited - true)
        self.fn += len(true - credited)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self, what: str, width: int = 26) -> str:
        return (
            f"{what:<{width}} precision {self.precision:.3f} ({self.tp}/{self.tp + self.fp})   "
            f"recall {self.recall:.3f} ({self.tp}/{self.tp + self.fn})"
        )


@dataclass
class Tally:
    """Everything counted over one gold's stories, with examples of each kind of mistake."""

    stories: int = 0
    articles: int = 0
    seconds: float = 0.0
    lines: int = 0
    lines_no_claim: int = 0  # the line's sentence states nothing: chips not scored
    lines_unlocated: int = 0
    origins: int = 0  # lines that gave their origin
    chips: Counts = field(default_factory=Counts)
    chips_by_role: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    false_kinds: Counter[str] = field(default_factory=Counter)
    missed_kinds: Counter[str] = field(default_factory=Counter)
    only_items: int = 0
    only_correct: int = 0
    only_unlocated: int = 0
    only_gold: int = 0  # sentences that are "only in" material by the gold
    only_found: int = 0
    only_kinds: Counter[str] = field(default_factory=Counter)
    only_by_role: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # correct, all
    labels: Counts = field(default_factory=Counts)
    has_carriers: bool = False
    counts_exact: int = 0
    counts_scored: int = 0
    counts_abstained: int = 0
    false_chips: list[str] = field(default_factory=list)

    def only_precision_on_copies(self) -> tuple[int, int] | None:
        """Correct and all "only in" items whose sentence copies a story fact (synthetic gold only):
        filler and own sentences are trivially "only in", and outnumber these twenty to one."""
        rows = [v for role, v in self.only_by_role.items() if role not in ("filler", "own sentence")]
        return (sum(r[0] for r in rows), sum(r[1] for r in rows)) if rows else None

    missed_chips: list[str] = field(default_factory=list)
    false_only: list[str] = field(default_factory=list)


def closest(gold: GoldStory, key: Key, source: str) -> Key | None:
    """The sentence of `source` sharing most claims with `key` (then most words)."""
    mine = gold.claims[key]
    candidates = gold.keys_of_source(source)
    return max(
        candidates,
        key=lambda k: (len(gold.claims[k] & mine), overlap(gold.text(k), gold.text(key))),
        default=None,
    )


def claims_text(gold: GoldStory, claims: Iterable[str]) -> str:
    return "; ".join(gold.describe(c) for c in sorted(claims)) or "(none)"


def false_kind(gold: GoldStory, key: Key, near: Key | None) -> str:
    if near is None:
        return "credited source has no sentence"
    mine, theirs = gold.claims[key], gold.claims[near]
    if not mine & theirs:
        return "no sentence of the source shares a claim"
    if theirs < mine:
        return "its closest sentence states only part of the line"
    return "its closest sentence states part and other claims (e.g. another figure)"


def example(gold: GoldStory, title: str, key: Key, text: str, source: str | None) -> str:
    lines = [
        f"{title} [{gold.key}] {key[0]}#{key[1]}: {text}",
        f"    line's claims: {claims_text(gold, gold.claims[key])}",
    ]
    sources = [source] if source else sorted({gold.source[a] for a in gold.source} - {gold.source[key[0]]})
    for other in sources:
        near = closest(gold, key, other)
        if near is None or (source is None and not gold.claims[near] & gold.claims[key]):
            continue  # for an "only in" item, the sources that state some of it
        lines.append(f"    {other}, closest {near[0]}#{near[1]}: {gold.text(near)}")
        lines.append(f"        its claims: {claims_text(gold, gold.claims[near])}")
    return "\n".join(lines)


def score_story(gold: GoldStory, summary: Summary, tally: Tally, show: int) -> None:
    tally.stories += 1
    tally.articles += len(gold.articles)
    several = len(set(gold.source.values())) > 1

    for line in summary.sentences:
        tally.lines += 1
        tally.origins += getattr(line, "origin", None) is not None
        key = line_origin(line, gold)
        if key is None or key not in gold.claims:
            tally.lines_unlocated += 1
            continue
        if not gold.claims[key]:
            tally.lines_no_claim += 1
            continue
        own = gold.source[key[0]]
        true = {gold.source[a] for a in gold.carriers(key)} - {own}
        credited = set(line.sources) - {own}
        tally.chips.add(credited, true)
        if gold.roles:
            tally.chips_by_role[gold.roles[key]].add(credited, true)
        for source in sorted(credited - true):
            tally.false_kinds[false_kind(gold, key, closest(gold, key, source))] += 1
            if len(tally.false_chips) < show:
                tally.false_chips.append(example(gold, "false chip", key, line.text, source) + f"\n    chip: {source}")
        line_text = gold.text(key)
        for source in sorted(true - credited):
            similarity = max(
                overlap(gold.text(k), line_text) for k in gold.statements(key) if gold.source[k[0]] == source
            )
            band = "≥ 0.8" if similarity >= 0.8 else "0.5–0.8" if similarity >= 0.5 else "< 0.5"
            tally.missed_kinds[f"carrier's words overlap the line's {band}"] += 1
            if len(tally.missed_chips) < show:
                tally.missed_chips.append(
                    example(gold, "missed chip", key, line.text, source) + f"\n    no chip for: {source}"
                )

    only = {
        (article.id, i)
        for article in gold.articles
        for i, sentence in enumerate(article.sentences)
        if several
        and gold.claims[(article.id, i)]
        and not gold.elsewhere((article.id, i))
        and len(sentence.split()) >= ONLY_MIN_WORDS
    }
    tally.only_gold += len(only)
    listed: set[Key] = set()
    for article_id, items in summary.unique_sentences.items():
        for item in items:
            found = locate(item, [article_id], gold)
            if found is None or found[0] != article_id:
                tally.only_unlocated += 1
                continue
            tally.only_items += 1
            elsewhere = gold.elsewhere(found)
            if gold.roles:
                by_role = tally.only_by_role[gold.roles[found]]
                by_role[0] += not elsewhere
                by_role[1] += 1
            if not elsewhere:
                tally.only_correct += 1
                tally.only_found += found in only and found not in listed
                listed.add(found)
                continue
            whole = elsewhere == gold.claims[found]
            tally.only_kinds["all its claims stated elsewhere" if whole else "some of its claims stated elsewhere"] += 1
            if len(tally.false_only) < show:
                tally.false_only.append(example(gold, "false 'only in'", found, item, None))

    carriers: dict[str, tuple[tuple[str, ...], ...]] = getattr(summary, "carriers", None) or {}
    tally.has_carriers |= bool(carriers)
    for article in gold.articles:
        own = article.source
        per_sentence = carriers.get(article.id, ())
        counts = summary.coverage.get(article.id, ())
        for i in range(len(article.sentences)):
            key = (article.id, i)
            if not gold.claims[key]:
                continue
            true_articles = gold.carriers(key)
            if i < len(per_sentence):
                credited = {a for a in per_sentence[i] if gold.source.get(a) != own}
                tally.labels.add(credited, {a for a in true_articles if gold.source[a] != own})
            if i < len(counts):
                if counts[i] == 0:
                    tally.counts_abstained += 1
                    continue
                tally.counts_scored += 1
                tally.counts_exact += counts[i] == len({gold.source[a] for a in true_articles})


def run(golds: Sequence[GoldStory], show: int) -> Tally:
    tally = Tally()
    for gold in golds:
        start = time.perf_counter()
        summary = summarize.merge_summary(gold.articles, MAX_WORDS)
        tally.seconds += time.perf_counter() - start
        score_story(gold, summary, tally, show)
    return tally


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def report(name: str, tally: Tally) -> None:
    print(f"\n== {name}: {tally.stories} stories, {tally.articles} articles ==")
    print(
        f"merge_summary: {tally.seconds:.1f} s in all. Summary lines: {tally.lines} "
        f"({tally.origins} with an origin; {tally.lines_no_claim} stating nothing and "
        f"{tally.lines_unlocated} not located, not scored)"
    )
    print(tally.chips.line("chips"))
    for role, counts in sorted(tally.chips_by_role.items()):
        print("    " + counts.line(f"lines: {role}", 52))
    for kind, n in tally.false_kinds.most_common():
        print(f"    false chips, {kind}: {n}")
    for kind, n in sorted(tally.missed_kinds.items()):
        print(f"    missed chips, {kind}: {n}")
    print(
        f"{'only in':<26} precision {ratio(tally.only_correct, tally.only_items):.3f} "
        f"({tally.only_correct}/{tally.only_items} items)   "
        f"recall {ratio(tally.only_found, tally.only_gold):.3f} ({tally.only_found}/{tally.only_gold}, for information)"
        + (f"   {tally.only_unlocated} items not located" if tally.only_unlocated else "")
    )
    for role, (correct, items) in sorted(tally.only_by_role.items()):
        print(f"    {'items: ' + role:<52} precision {ratio(correct, items):.3f} ({correct}/{items})")
    for kind, n in tally.only_kinds.most_common():
        print(f"    false 'only in', {kind}: {n}")
    if tally.has_carriers:
        print(tally.labels.line("coverage labels (carriers)"))
    else:
        print(f"{'coverage labels (carriers)':<26} skipped: Summary.carriers is not there")
    print(
        f"{'coverage counts':<26} exact {ratio(tally.counts_exact, tally.counts_scored):.3f} "
        f"({tally.counts_exact}/{tally.counts_scored}), {tally.counts_abstained} unlabelled (for information)"
    )
    for title, examples in (
        ("false chips", tally.false_chips),
        ("missed chips", tally.missed_chips),
        ("false 'only in' items", tally.false_only),
    ):
        if examples:
            print(f"\n-- {title} (first {len(examples)}) --")
            print("\n".join(examples))


# --- ROUGE on DUC 2002 ---------------------------------------------------------------------------


def rouge() -> dict[str, tuple[float, float, int]] | str:
    """sitegen's mean ROUGE-1/ROUGE-2 recall on all sets and on each half, or why it could not run."""
    try:
        import summary_quality as sq
    except ImportError as exc:
        return f"not measured ({exc}; .venv/bin/pip install rouge-score)"
    if not sq.DATA.exists():
        return f"not measured (no {sq.DATA.relative_to(REPO.parent)})"
    sets = sorted(sq.load_sets(None), key=lambda s: str(s["cluster_id"]))
    scorer = sq.rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    n = 100
    scores: list[tuple[float, float]] = []
    for doc_set in sets:
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp)
            text = sq.sitegen_in_process(sq.write_docs(doc_set["docs"], site), site, n)
        s = sq.score(scorer, text, doc_set["references_100w"], n)
        scores.append((s.rouge1, s.rouge2))
    halves = {"all": scores, "tune": scores[0::2], "report": scores[1::2]}
    return {
        name: (statistics.mean(r1 for r1, _ in rows), statistics.mean(r2 for _, r2 in rows), len(rows))
        for name, rows in halves.items()
    }


# --- main ----------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def msrp_as_stories() -> tuple[float, float, int, int] | None:
    """What a check of the chip decision on real sentence pairs sees: each MSRP training pair as a
    story of two one-sentence articles from two outlets, "aligned" when a summary line carries
    both outlets' chips. Precision against the people's same-meaning label, and recall. MSRP
    calls a pair different when one sentence adds a clause; a chip (the added-to sentence's outlet
    credited with the shorter line) is true then, so this precision undercounts chip precision."""
    data = REPO.parent / "shared" / "data" / "msrp-train" / "msrp_train.jsonl"
    if not data.is_file():
        return None
    day = datetime(2024, 1, 1, tzinfo=UTC)
    tp = fp = fn = total = 0
    for n, line in enumerate(data.read_text("utf-8").splitlines()):
        if not line.strip():
            continue
        pair = json.loads(line)
        total += 1
        articles = [
            Article(id=f"{n}-{side}", path=f"{n}-{side}.md", title="", source=side, date=day, lang="en",
                    sentences=(pair[side],))
            for side in ("a", "b")
        ]  # fmt: skip
        aligned = any(set(s.sources) == {"a", "b"} for s in summarize.merge_summary(articles, 120).sentences)
        tp += aligned and pair["label"] == 1
        fp += aligned and pair["label"] == 0
        fn += not aligned and pair["label"] == 1
    return ratio(tp, tp + fp), ratio(tp, tp + fn), tp + fp, total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stories", type=int, default=300, metavar="N", help="synthetic stories (default: 300)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the synthetic archive")
    parser.add_argument("--no-rouge", action="store_true", help="skip ROUGE on DUC 2002")
    parser.add_argument("--show", type=int, default=0, metavar="K", help="print K examples of each mistake")
    args = parser.parse_args(argv)
    start = time.perf_counter()

    synthetic = run(synthetic_golds(args.stories, args.seed), args.show)
    report(f"synthetic gold (bench/synth.py, seed {args.seed})", synthetic)

    golds, stale = sample_golds()
    sample = run(golds, args.show)
    report("sample gold (tests/sample_alignment_gold.json over content/)", sample)
    if stale:
        print(f"\nsample gold: {len(stale)} entries no longer match the sentences (left out of the figures):")
        print("\n".join(f"    {s}" for s in stale[:20]))

    if args.no_rouge:
        rouge_result: dict[str, tuple[float, float, int]] | str = "not measured (--no-rouge)"
    else:
        rouge_result = rouge()
    print("\n== ROUGE on DUC 2002 (sitegen, 100 words, recall x100; halves by sorted cluster id) ==")
    if isinstance(rouge_result, str):
        print(rouge_result)
    else:
        labels = {"all": "all sets", "tune": "tuning half (even)", "report": "REPORT half (odd)"}
        for name, (r1, r2, sets) in rouge_result.items():
            t1, t2 = ROUGE_TODAY[name]
            print(
                f"{labels[name]:<20} {sets:2d} sets  ROUGE-1 {r1:6.2f}  ROUGE-2 {r2:6.2f}   "
                f"(before the rewrite: {t1:.2f} / {t2:.2f})"
            )

    msrp = msrp_as_stories()
    print("\n== MSRP train, each pair as a two-article story (aligned: a summary line with both chips) ==")
    if msrp is None:
        print("not measured (no ../shared/data/msrp-train/)")
    else:
        print(
            f"aligned pairs {msrp[2]} of {msrp[3]}: precision {msrp[0]:.3f} (same meaning, by people), "
            f"recall {msrp[1]:.3f} (training split; the test split is kept apart and checked by others)"
        )

    print("\n== targets ==")
    checks: list[tuple[str, bool | None]] = []
    for name, tally in (("synthetic", synthetic), ("sample", sample)):
        p, r = tally.chips.precision, tally.chips.recall
        checks.append((f"{name} chip precision {p:.3f} >= {PRECISION_TARGET}", p >= PRECISION_TARGET))
        checks.append((f"{name} chip recall {r:.3f} >= {RECALL_TARGET}", r >= RECALL_TARGET))
        only = ratio(tally.only_correct, tally.only_items)
        copies = tally.only_precision_on_copies()
        if copies:
            hard = ratio(*copies)
            checks.append(
                (
                    f"{name} 'only in' precision on items that copy a story fact {hard:.3f} >= "
                    f"{ONLY_PRECISION_TARGET} (extra)",
                    hard >= ONLY_PRECISION_TARGET,
                )
            )
        checks.append(
            (f"{name} 'only in' precision {only:.3f} >= {ONLY_PRECISION_TARGET}", only >= ONLY_PRECISION_TARGET)
        )
    if stale:
        checks.append((f"sample gold matches the sentences ({len(stale)} stale entries)", False))
    for k, metric in enumerate(("ROUGE-1", "ROUGE-2")):
        today = ROUGE_TODAY["report"][k]
        if isinstance(rouge_result, str):
            checks.append((f"{metric} report half within {ROUGE_TOLERANCE} of {today:.2f}: not measured", None))
        else:
            now = rouge_result["report"][k]
            checks.append(
                (
                    f"{metric} report half {now:.2f} vs {today:.2f} (>= -{ROUGE_TOLERANCE})",
                    now >= today - ROUGE_TOLERANCE,
                )
            )
    for text, ok in checks:
        print(text if ok is None else f"{text}: {verdict(ok)}")
    print(f"\n{time.perf_counter() - start:.1f} s")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
