"""Whether two sentences of different outlets report the same fact: the attribution-chip decision.

Word overlap alone fails both ways. Two outlets' sentences share "Fire chief Okafor told reporters"
and the story's names whatever fact each reports; a sentence that copies another and adds a clause,
gives another figure or says "not" says something else. So the decision sets aside who speaks and
looks at what each sentence has that the other lacks as much as at what they share:

- who speaks is set aside: reporting words ("said", "told reporters", "according to", "in a
  statement", weekdays) and the speaker named with them weigh a tenth of a content word and are
  left out of the word order;
- coverage: how much of each sentence's content the other carries (the smaller of the two shares);
  under half, and the answer is no;
- word order: shared bigrams (over the longer sentence) and trigrams (over the shorter one);
- gaps: the longest run of content words that each sentence lacks (an added clause);
- figures: when each sentence has a figure the other lacks ("1,200 pounds", "1,100 pounds"), or
  only one is negated, the answer is no, whatever else they share.

A logistic regression over these, fitted on MSRP train (4,076 real pairs of different outlets'
sentences; bench/same_fact_msrp.py), its threshold picked for precision: a false "same" puts a false
chip on a page, a missed one only loses a chip. MSRP calls a pair the same only when neither
sentence adds information, and so does `same_fact`: a sentence that repeats another and adds a
clause is not the same fact.

A chip asks something else: does the outlet state what the line states, whatever else it adds?
`carries` answers that: the other sentence repeats every name, figure, day and month of the line
and has its polarity, and then either is the same fact (`same_fact`) or carries 90% of the line's
content with no run of two missing. Names, days and figures are what a reader checks first; two
sentences that share a frame ("Strand is expected to ... within two weeks") and differ in them, or
in what happens, are two facts.

Every content word weighs the same. Weighting words by their rarity in the language (wordfreq's
Zipf frequency) or in the whole corpus measured no better on MSRP, and would have cost a 57 MB
dependency; `sentence` takes a `rarity` function for whoever wants to try again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from sitegen.terms import base_lang, cached_term, tokens
from sitegen.terms import term as index_term

ATTRIBUTION_WEIGHT = 0.1  # reporting words and speakers: "Okafor said" is who speaks, not what happened
FIGURE_WEIGHT = 1.0  # a figure weighs what a content word does (and must agree: `contradict`)
PREFIX = 5  # a term that the other sentence lacks but that shares this many leading letters with
NEAR_MATCH = 0.8  # one of its terms (a stem the stemmer missed) counts this much
MIN_COVERAGE = 0.5  # less of either sentence's content carried by the other, and they are not the same
GAP_VETO = 2  # each sentence has a run this long the other lacks: each says something else ("to be sworn in
# as premier within two weeks", "to name her cabinet within two weeks")
MAX_SPEAKER = 5  # content words that can name a speaker ("Fire chief Amara Okafor" has four)

# Logistic regression over `features`, in that order: fitted on MSRP train (L2, C=1 on standardised
# features), printed by `python bench/same_fact_msrp.py --fit`.
COEFFICIENTS = (2.8226, 7.3624, -4.4450, -0.3440, -0.2212)
INTERCEPT = -0.7633
# The logit above which two sentences are the same fact: where the fit finds 55% of MSRP train's
# same-meaning pairs; 10-fold CV puts precision there at 0.917 (recall 0.548).
THRESHOLD = 1.4035

Rarity = Callable[[str, str], float]  # (lower-cased word, language) → the word's weight

# reporting words by language; stems are compared, so inflections need no listing
_ATTRIBUTION = {
    "en": "said says say saying told tell tells according announced announce statement added reporters reporter "
    "report reported reports spokesman spokeswoman spokesperson stated noted declared explained commented comment "
    "interview confirmed cited quoted claimed insisted official officials source sources news agency "
    "mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday yesterday today tonight earlier later "
    "morning afternoon evening night week",
    "fr": "dit déclaré selon annoncé indiqué affirmé précisé expliqué ajouté communiqué porte parole source "
    "sources agence lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui",
    "es": "dijo declaró según anunció indicó afirmó precisó explicó añadió agregó comunicado portavoz fuentes fuente "
    "agencia lunes martes miércoles jueves viernes sábado domingo ayer hoy",
    "de": "sagte sagt erklärte laut angaben teilte berichtete betonte kündigte sprecher sprecherin quelle quellen "
    "agentur montag dienstag mittwoch donnerstag freitag samstag sonntag gestern heute",
    "it": "detto dichiarato secondo annunciato spiegato aggiunto comunicato portavoce fonti fonte agenzia "
    "lunedì martedì mercoledì giovedì venerdì sabato domenica ieri oggi",
    "pt": "disse declarou segundo anunciou afirmou explicou acrescentou comunicado porta voz fontes fonte agência "
    "segunda terça quarta quinta sexta sábado domingo ontem hoje",
    "nl": "zei zegt verklaarde volgens kondigde woordvoerder bron bronnen persbureau "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag gisteren vandaag",
}

# words that negate what a sentence says (many are stop words, so they are looked for among the tokens)
_NEGATION = {
    "en": "not no never nor without cannot none",
    "fr": "ne n pas jamais aucun aucune sans",
    "es": "no nunca jamás sin ningún ninguna",
    "de": "nicht kein keine keinen keinem keiner nie niemals ohne",
    "it": "non mai nessun nessuno nessuna senza",
    "pt": "não nunca jamais sem nenhum nenhuma",
    "nl": "niet geen nooit zonder",
}


# English function words. The stop-word list the index uses for English has 1,300 words, among them
# "opened", "sent", "site", "state", "home", "first" and "last": dropped, they leave "the inspectorate
# said it had opened an investigation" and "... sent inspectors to the site" with nothing to tell
# them apart. Other languages' lists are function words already.
_FUNCTION_WORDS_EN_TEXT = (
    "a an the this that these those there here it its it's itself he him his himself she her hers herself "
    "they them their theirs themselves we us our ours ourselves you your yours yourself i me my mine myself "
    "who whom whose which what whatever whoever where when why how whether "
    "and or but nor so yet if then than because although though while unless until since as "
    "of in on at by for with without within into onto from to up down out off over under about above "
    "below between among through during before after against across along around behind beside besides "
    "beyond near toward towards upon via per "
    "is am are was were be been being have has had having do does did doing done "
    "will would shall should can could may might must ought "
    "not no also just only very too quite rather such same other another each every either neither "
    "both all any some few more most much many several own "
    "s t d ll m re ve"
)
_FUNCTION_WORDS_EN = frozenset(_FUNCTION_WORDS_EN_TEXT.split())

_TERMS: dict[tuple[str, str], str | None] = {}


def fact_term(word: str, lang: str) -> str | None:
    """A word as the decision compares it: lower-cased and stemmed; None for function words. Kept
    apart from the index's terms (sitegen.terms), whose English stop list drops content words."""
    key = (word, lang)
    found = _TERMS.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    if len(_TERMS) > 1_000_000:  # bounded: an endless vocabulary must not grow memory forever
        _TERMS.clear()
    result = _TERMS[key] = index_term(word, lang, _FUNCTION_WORDS_EN if base_lang(lang) == "en" else None)
    return result


_MISSING = object()


class _Word(NamedTuple):
    """What the decision asks of one token, worked out once per token and language: a sentence
    asks it of every word, and the same words recur across a story's hundreds of sentences."""

    lower: str
    term: str | None  # `fact_term`
    value: float | None  # as a figure (`figure`), or as a number word
    negates: bool
    speech: bool  # a word that introduces who speaks ("said", "according")
    reporting: bool  # a stop word or a reporting word (`_speaker_words`), not a figure
    name: str | None  # its term, when capitalised past a sentence's first word makes it a name
    calendar: bool  # a day or a month
    capital: bool  # it opens with a capital letter
    index_term: str | None  # its index term (`sitegen.terms.term`): what the summary's vectors count
    key: str  # its weights key: "#value" for a figure, else its term (or "")


@cache
def _word_table(lang: str) -> dict[str, _Word]:
    return {}


def _words_of(lang: str) -> dict[str, _Word]:
    table = _word_table(lang)
    if len(table) > 1_000_000:  # bounded: an endless vocabulary must not grow memory forever
        table.clear()
    return table


def _word(token: str, lang: str) -> _Word:
    lower = token.lower()
    term = fact_term(token, lang)
    value = figure(token, lang) if token[0].isdigit() else _NUMBER_VALUES.get(base_lang(lang), {}).get(lower)
    named = token[0].isupper() and "." not in token and lower not in _TITLES
    word = _Word(
        lower=lower,
        term=term,
        value=value,
        negates=lower in _negation(lang) or lower.endswith(("n't", "n’t")),
        speech=lower in _speech(lang),
        reporting=not token[0].isdigit() and (term is None or term in _attribution(lang)),
        name=term if named else None,
        calendar=lower in _calendar(lang),
        capital=token[0].isupper(),
        index_term=cached_term(token, lang),
        key=f"#{value!r}" if value is not None else term or "",
    )
    _word_table(lang)[token] = word
    return word


# capitalised words that are no name of their own: how people are addressed and titled
_TITLES_TEXT = (
    "mr mrs ms dr sir madam president vice prime minister secretary senator sen rep governor gov mayor chief "
    "general gen judge justice chairman chairwoman chair director professor prof king queen prince pope"
)
_TITLES = frozenset(_TITLES_TEXT.split())

_CALENDAR = {
    "en": "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december",
}


@cache
def _calendar(lang: str) -> frozenset[str]:
    """Day and month names: when something happened is part of what happened."""
    return frozenset(_CALENDAR.get(base_lang(lang), "").split())


@cache
def _negation(lang: str) -> frozenset[str]:
    return frozenset(_NEGATION.get(base_lang(lang), "").split())


@cache
def _attribution(lang: str) -> frozenset[str]:
    words = _ATTRIBUTION.get(base_lang(lang), "").split()
    return frozenset(t for t in (fact_term(w, lang) for w in words) if t)


# words that introduce who speaks: a short clause holding one (", Okafor said", "according to police")
# or an early one with what precedes it ("Fire chief Okafor told reporters that ...") is attribution
_SPEECH = {
    "en": "said says say saying told tells tell added adds according stated states noted notes explained explains "
    "insisted insists claimed claims declared commented quoted wrote writes",
    "fr": "dit déclaré selon affirmé précisé expliqué ajouté indiqué souligné estimé",
    "es": "dijo dice declaró según afirmó explicó añadió agregó indicó señaló aseguró",
    "de": "sagte sagt sagten erklärte erklärt laut angaben betonte teilte berichtete",
    "it": "detto dice dichiarato secondo spiegato aggiunto affermato",
    "pt": "disse diz disseram declarou segundo afirmou explicou acrescentou",
    "nl": "zei zegt zeiden verklaarde volgens aldus",
}
# speech words that come before the speaker ("according to the police"), who need not be a name
_PREPOSITIONS = frozenset(["according", "selon", "según", "laut", "angaben", "secondo", "segundo", "volgens"])
# clause breaks: a comma, semicolon or colon before a space (not inside "1,200" or "2:40"), brackets,
# quotes, dashes
_CLAUSE = re.compile(r"[,;:](?=\s|$)|[()\[\]\"“”«»„—–]|\s-{1,2}\s")


@cache
def _speech(lang: str) -> frozenset[str]:
    return frozenset(_SPEECH.get(base_lang(lang), "").split())


def _speaker_words(info: Sequence[_Word], whole: bool) -> int:
    """How many of a clause's leading words (`info`: its tokens' `_Word`) say who speaks (up to
    MAX_SPEAKER content words name the speaker). A clause that is only a speaker and a speech word
    is all attribution, unless it is the `whole` sentence: ", fire chief Okafor said on Monday",
    ", said Dr. Okafor", ", according to the police". In a longer clause, the speaker and the
    speech word that open it, with the reporting words right after ("Fire chief Okafor told
    reporters on Monday that ...")."""
    at = next((i for i, word in enumerate(info) if word.speech), None)
    if at is None:
        return 0
    tail = last = at + 1  # the reporting and stop words after the speech word; the last reporting one
    while tail < len(info) and info[tail].reporting:
        tail += 1
        if info[tail - 1].term is not None:
            last = tail
    speaker = sum(1 for word in info[:at] if not word.reporting)
    if speaker > MAX_SPEAKER:
        return 0
    if not whole:
        if tail == len(info):
            return len(info)
        named = [word for word in info[tail:] if not word.reporting]
        prepositional = info[at].lower in _PREPOSITIONS
        if not speaker and len(named) <= MAX_SPEAKER and (prepositional or all(w.capital for w in named)):
            return len(info)
    return last


# --- figures -----------------------------------------------------------------------------------------

_LEADING_FIGURE = re.compile(r"\d[\d.,]*")
# languages that write "1.200" for a thousand and two hundred (and "1,2" for one point two)
_DECIMAL_COMMA = {"bg", "ca", "cs", "da", "de", "el", "es", "fi", "fr", "hr", "hu", "id", "it", "lt", "lv", "nb"}
_DECIMAL_COMMA |= {"nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "tr", "uk"}
# figures written as words (news style spells out small ones: "three people were killed"); "one" and its
# kin are left out, being mostly pronouns or articles, and so is French "neuf" (also "new")
_NUMBER_WORDS = {
    "en": "two three four five six seven eight nine ten eleven twelve",
    "fr": "deux trois quatre cinq six sept huit - dix onze douze",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce",
    "de": "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf",
    "it": "due tre quattro cinque sei sette otto nove dieci undici dodici",
    "pt": "dois três quatro cinco seis sete oito nove dez onze doze",
    "nl": "twee drie vier vijf zes zeven acht negen tien elf twaalf",
}
_NUMBER_VALUES = {
    lang: {word: float(value) for value, word in enumerate(words.split(), start=2) if word != "-"}
    for lang, words in _NUMBER_WORDS.items()
}


def figure(token: str, lang: str = "en") -> float | None:
    """A token's value as a figure, None when it is not one. "1,200" and "1200" are 1200, "1,2" (a
    decimal comma) is 1.2 and so is German "1,2"; "1.200" is 1200 in languages that write a decimal
    comma; "11th", "1990's", "52km", "2.5bn" keep their leading figure; number words from two to twelve
    count ("seven cents" is "7 cents")."""
    if not token[0].isdigit():
        return _NUMBER_VALUES.get(base_lang(lang), {}).get(token.lower())
    found = _LEADING_FIGURE.match(token)
    if found is None:  # "²": a digit to str.isdigit, not a decimal one
        return None
    text = found.group().rstrip(".,")
    comma, dot = text.rfind(","), text.rfind(".")
    if comma >= 0 and dot >= 0:  # "1,234.5" or "1.234,5": the last separator is the decimal one
        grouping, decimal = (".", ",") if comma > dot else (",", ".")
        text = text.replace(grouping, "").replace(decimal, ".")
    elif comma >= 0 or dot >= 0:
        separator = "," if comma >= 0 else "."
        groups = text.split(separator)
        grouped = all(len(group) == 3 for group in groups[1:])
        if len(groups) > 2 and not grouped:  # "2.6.0": a version or a date, not a figure
            return None
        if len(groups) > 2 or (grouped and (separator == "," or base_lang(lang) in _DECIMAL_COMMA)):
            text = text.replace(separator, "")
        else:
            text = text.replace(separator, ".")
    try:
        value = float(text)
    except ValueError:  # "1.2.3,4": not a figure a reader would compare
        return None
    return value if math.isfinite(value) else None


def _decimals(x: float) -> int:
    """Decimal places of a figure as written: 2.9 → 1, 65 → 0, 770 → -1, 12000 → -3."""
    return -int(Decimal(repr(x)).normalize().as_tuple().exponent)


def same_figure(x: float, y: float) -> bool:
    """Equal, or one is the other with fewer decimals ("2.9 percent" for 2.86 percent, "34.7
    million" for 34.75, "some $65 billion" for $64.7 billion), within 5%. Whole numbers must be
    equal: "40 homes" and "39 homes" are two counts, not one rounded ("approached 770" for 767 is
    lost, and so is a chip, which is the side to err on)."""
    if x == y:
        return True
    if abs(x - y) > 0.05 * max(abs(x), abs(y)) or max(_decimals(x), _decimals(y)) <= 0:
        return False
    return abs(x - y) <= 0.5 * 10.0 ** -min(_decimals(x), _decimals(y)) + 1e-9


# --- one sentence --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: hashing the dict would fail
class Sentence:
    """What the decision needs of one sentence: made once (`sentence`), compared many times."""

    weights: dict[str, float]  # content term (a figure as "#value") → weight
    order: tuple[str, ...]  # content terms in reading order, reporting words left out: runs of them
    figures: tuple[float, ...]
    prefixes: frozenset[str]  # leading letters of the longer terms, for near matches
    bigrams: frozenset[tuple[str, str]]  # of all tokens, lower-cased: word order
    trigrams: frozenset[tuple[str, str, str]]
    negated: bool
    details: frozenset[str] = frozenset()  # terms a carrier must repeat: names, figures, days and months
    total: float = 0.0  # the sum of `weights`
    question: bool = False  # it asks rather than states ("Can Titanfall raise Xbox One sales?")
    by_prefix: dict[str, float] | None = None  # leading letters → weight of the longer terms with them
    figure_weight: float = 0.0  # the weight of its figures
    index_terms: tuple[str, ...] = ()  # its index terms in order (`sitegen.terms.index_terms`)
    # each figure with the words on either side, lower-cased ("" at a clause's edge): what it counts;
    # and the content terms within PHRASE tokens of it in its clause: what is said of it
    units: tuple[tuple[float, str, str, frozenset[str], str], ...] = ()
    money: frozenset[str] = frozenset()  # currency signs it writes: "$3.5 million" is not "£3.5m"


def _by_prefix(weights: dict[str, float]) -> dict[str, float]:
    """Leading letters (PREFIX) of the longer terms → the weight of the terms that have them."""
    found: dict[str, float] = {}
    for t, w in weights.items():
        if len(t) >= PREFIX:
            found[t[:PREFIX]] = found.get(t[:PREFIX], 0.0) + w
    return found


def _clauses(text: str) -> list[list[str]]:
    return [found for found in (tokens(clause) for clause in _CLAUSE.split(text)) if found]


def sentence(text: str, lang: str = "en", rarity: Rarity | None = None) -> Sentence:
    """A sentence's content terms (stop words dropped, stemmed, per language) and figures,
    weighted; its word order; whether it is negated; what a carrier must repeat (`details`); its
    index terms. One pass over its tokens makes all of these: a story's summary asks them of
    every sentence, and tokenizing each sentence once per use cost half of summarizing.
    `rarity`, when given, weighs each content word (by its lower-cased form); otherwise every
    content word weighs 1."""
    attribution = _attribution(lang)
    table = _words_of(lang)
    weights: dict[str, float] = {}
    order: list[str] = []
    figures: list[float] = []
    words: list[str] = []
    index: list[str] = []
    details: set[str] = set()
    units: list[tuple[float, str, str, frozenset[str], str]] = []
    negated = False
    clauses = _clauses(text)
    whole = len(clauses) == 1
    for c, clause in enumerate(clauses):
        info = [table.get(token) or _word(token, lang) for token in clause]
        speaker = _speaker_words(info, whole)
        for i, word in enumerate(info):
            if word.index_term is not None:
                index.append(word.index_term)
            if word.negates:
                negated = True
            key = word.key
            if word.value is not None:  # a figure: content, and a detail a carrier must repeat
                details.add(key)
                figures.append(word.value)
                after = info[i + 1].lower if i + 1 < len(info) else ""
                near = info[max(0, i - PHRASE) : i] + info[i + 1 : i + 1 + PHRASE]
                phrase = frozenset(w.term for w in near if w.term is not None and w.value is None)
                units.append((word.value, info[i - 1].lower if i else "", after, phrase, word.lower))
                weights[key] = FIGURE_WEIGHT
                order.append(key)
                words.append(word.lower)
                continue
            if (c or i) and word.name is not None:  # a name past the sentence's first word
                details.add(word.name)
            elif word.calendar and key:
                details.add(key)
            if key and key in attribution:
                weights.setdefault(key, ATTRIBUTION_WEIGHT)
                continue
            if i < speaker:
                if key:
                    weights.setdefault(key, ATTRIBUTION_WEIGHT)
                continue
            words.append(word.lower)
            if not key:
                continue
            weight = 1.0 if rarity is None else rarity(word.lower, lang)
            weights[key] = max(weights.get(key, 0.0), weight)
            order.append(key)
    by_prefix = _by_prefix(weights)
    return Sentence(
        weights=weights,
        order=tuple(order),
        figures=tuple(figures),
        prefixes=frozenset(by_prefix),
        bigrams=frozenset(zip(words, words[1:], strict=False)),
        trigrams=frozenset(zip(words, words[1:], words[2:], strict=False)),
        negated=negated,
        details=frozenset(details),
        total=sum(weights.values()),
        question=text.rstrip(" \"'”’»)]").endswith(("?", "？", "¿")),
        by_prefix=by_prefix,
        figure_weight=sum(w for t, w in weights.items() if t[0] == "#"),
        index_terms=tuple(index),
        units=tuple(units),
        money=frozenset(_MONEY.findall(text)) if figures else frozenset(),
    )


# --- two sentences -------------------------------------------------------------------------------------


def _carried(a: Sentence, b: Sentence, term: str) -> float:
    """How much of `a`'s term `b` carries: 1, a near match (`NEAR_MATCH`) or 0."""
    return 1.0 if term in b.weights else _near(b, term)


def _near(b: Sentence, term: str) -> float:
    """How much `b` carries of a term it lacks word for word: a figure within rounding (1), a
    word sharing its first PREFIX letters with one of `b`'s (NEAR_MATCH), or nothing."""
    if term[0] == "#":
        value = float(term[1:])
        return 1.0 if any(same_figure(value, other) for other in b.figures) else 0.0
    return NEAR_MATCH if len(term) >= PREFIX and term[:PREFIX] in b.prefixes else 0.0


def _lacking(a: Sentence, b: Sentence) -> tuple[float, dict[str, float]]:
    """The weight of `a` that `b` does not carry, and how much `b` carries (`_near`) of each of
    `a`'s terms it lacks word for word. In the sentence's own order: summed over a set of
    strings, the weight would depend on the process's string hashing and could tip a threshold
    between a clean and a warm build."""
    weights, other = a.weights, b.weights
    lost = 0.0
    partly: dict[str, float] = {}
    for term in weights:
        if term not in other:
            carried = partly[term] = _near(b, term)
            lost += weights[term] * (1.0 - carried)
    return lost, partly


def _share(a: Sentence, b: Sentence) -> float:
    """The share of `a`'s weight that `b` carries."""
    if not a.total:
        return 0.0
    return 1.0 - _lacking(a, b)[0] / a.total


def _compare(a: Sentence, b: Sentence) -> tuple[float, int]:
    """The share of `a`'s weight that `b` carries, and the longest run of `a`'s content terms that
    `b` lacks (a clause `b` does not have)."""
    total = a.total
    if not total:
        return 0.0, 0
    lost, partly = _lacking(a, b)
    if not partly:
        return 1.0, 0
    longest = run = 0
    if 0.0 in partly.values():
        for term in a.order:
            if partly.get(term, 1.0):
                run = 0
            else:
                run += 1
                longest = max(longest, run)
    return 1.0 - lost / total, longest


def _figures_conflict(a: Sentence, b: Sentence) -> bool:
    """Each sentence has a figure the other lacks: "1,200 pounds" against "1,100 pounds"."""
    return any(not any(same_figure(x, y) for y in b.figures) for x in a.figures) and any(
        not any(same_figure(y, x) for x in a.figures) for y in b.figures
    )


FEATURES = ("coverage", "bigrams", "trigrams", "gap_max", "gap_min")


def features(a: Sentence, b: Sentence) -> tuple[float, ...]:
    """The regression's inputs, in `FEATURES` order (symmetric in `a` and `b`):
    coverage: the smaller share of one sentence that the other carries;
    bigrams: shared word pairs over the larger count (paraphrases reorder, copies do not);
    trigrams: shared word triples over the smaller count; with bigrams, it tells a copy that adds a
    clause (all of the shorter sentence's triples, few of the longer's) from a paraphrase, and its
    weight is negative;
    gap_max, gap_min: the longest run of content words that one sentence lacks, the larger and the
    smaller of the two."""
    return _features(a, b, _compare(a, b), _compare(b, a))


def _features(
    a: Sentence, b: Sentence, compared_a: tuple[float, int], compared_b: tuple[float, int]
) -> tuple[float, ...]:
    (share_a, gap_a), (share_b, gap_b) = compared_a, compared_b
    return (
        min(share_a, share_b),
        len(a.bigrams & b.bigrams) / max(len(a.bigrams), len(b.bigrams), 1),
        len(a.trigrams & b.trigrams) / max(min(len(a.trigrams), len(b.trigrams)), 1),
        float(max(gap_a, gap_b)),
        float(min(gap_a, gap_b)),
    )


def contradict(a: Sentence, b: Sentence) -> bool:
    """Whether the two sentences cannot report the same fact, whatever they share: their figures
    conflict, or only one of them is negated ("will cut jobs", "will not cut jobs")."""
    return a.negated != b.negated or _figures_conflict(a, b)


def score(a: Sentence, b: Sentence) -> float:
    """The regression's logit that the two sentences report the same fact; -inf when they
    `contradict`, one carries less than MIN_COVERAGE of the other, or each has a run of
    GAP_VETO content words the other lacks."""
    return _score(a, b, _compare(a, b), _compare(b, a))


def _score(a: Sentence, b: Sentence, compared_a: tuple[float, int], compared_b: tuple[float, int]) -> float:
    if contradict(a, b):
        return -math.inf
    found = _features(a, b, compared_a, compared_b)
    if found[0] < MIN_COVERAGE or found[4] >= GAP_VETO:
        return -math.inf
    return INTERCEPT + sum(c * x for c, x in zip(COEFFICIENTS, found, strict=True))


def same_fact(a: Sentence, b: Sentence) -> bool:
    """Whether a careful editor would credit both sentences' outlets with the same fact."""
    return score(a, b) > THRESHOLD


# --- one sentence carried by another ---------------------------------------------------------------

CARRY_SHARE = 0.9  # of a line's content, how much a sentence that says more must carry
CARRY_GAP = 1  # and the longest run of the line's content words it may lack


def carries(line: Sentence, other: Sentence) -> bool:
    """Whether `other` states what `line` states, so that its outlet can be credited with the
    line (the chip decision). `other` must repeat every name, figure, day and month of the line
    and have its polarity, and then either say the same (`same_fact`: a paraphrase) or carry
    nearly all of the line's content, possibly saying more: "The fire, which started on Friday,
    had burned 7,400 hectares by Saturday evening and was 15 percent contained" carries "The fire
    was 15 percent contained on Saturday evening"."""
    return carried_both(line, other)[0]


def carried_both(a: Sentence, b: Sentence) -> tuple[bool, bool]:
    """(`b` carries `a`, `a` carries `b`), with what the two directions share worked out once. A
    question states nothing, so it neither carries nor is carried."""
    if a.negated != b.negated or a.question or b.question:
        return False, False
    compared_a, compared_b = _compare(a, b), _compare(b, a)
    if compared_a[0] < MIN_COVERAGE and compared_b[0] < MIN_COVERAGE:
        return False, False  # neither a paraphrase (both ways at least half) nor a containment
    paraphrase: bool | None = None

    def one_way(line: Sentence, other: Sentence, compared: tuple[float, int]) -> bool:
        nonlocal paraphrase
        if not details_in(line, other):
            return False
        if compared[0] >= CARRY_SHARE and compared[1] <= CARRY_GAP:
            return True
        if paraphrase is None:
            paraphrase = _score(a, b, compared_a, compared_b) > THRESHOLD
        return paraphrase

    return one_way(a, b, compared_a), one_way(b, a, compared_b)


def details_in(line: Sentence, other: Sentence) -> bool:
    """`other` repeats the line's names, figures, days and months: when and where something
    happened, and to whom, is part of what happened."""
    return all(_carried(line, other, term) for term in line.details)


def _share_bound(a: Sentence, b: Sentence) -> float:
    """At least `_share(a, b)`, worked out from what the two have in common alone (few terms,
    for most pairs): `a`'s terms in `b`, those sharing leading letters with one of `b`'s, and
    `a`'s figures if `b` has any."""
    if not a.total:
        return 0.0
    mine = a.weights
    shared = sum([mine[t] for t in mine.keys() & b.weights.keys()])  # set operations, in C: few terms reach Python
    near = sum([a.by_prefix[p] for p in a.prefixes & b.prefixes]) if a.by_prefix else 0.0
    return (shared + near + (a.figure_weight if b.figures else 0.0)) / a.total


def may_overlap(a: Sentence, b: Sentence, share: float) -> bool:
    """False when `overlap(a, b)` is sure to be below `share`: a cheap test before the exact one."""
    return max(_share_bound(a, b), _share_bound(b, a)) >= share - 1e-9


def overlap(a: Sentence, b: Sentence) -> float:
    """The larger share of one sentence's content the other carries: how much they may have in
    common (what `same_fact` takes the smaller of)."""
    return max(_share(a, b), _share(b, a))


# --- one fact, two figures -----------------------------------------------------------------------------

PHRASE = 3  # tokens on either side of a figure that say what is counted and what happened to it
REVISION_CONTENT = 4  # content words a sentence needs besides its figures to be compared this way:
# "Three died." and "Five died in a second crash" share too little to be one fact told twice
# words before a figure that make it a bound, not a count: "more than 25,000" does not contradict 25,250
_HEDGES = {
    "en": "about around approximately nearly almost roughly some over more than least up to under fewer less "
    "below above estimated exceeding beyond",
}
# words around a figure that make it a time or a day, not a count: "9:48 a.m.", "May 29"
_CLOCK = frozenset(["a.m", "p.m", "am", "pm", "gmt", "utc", "edt", "est", "cet", "bst"])


def revision(a: Sentence, b: Sentence, lang: str = "en") -> tuple[float, float] | None:
    """(`a`'s figure, `b`'s figure) when the two state one fact but for one figure: 7,400 hectares
    then 11,000, "12 homes" against "14 homes"; None otherwise. What is asked, each to claim less:

    - each has exactly one figure the other lacks, written alike ("1.2m" is not "2 million", "£"
      is not "$"), neither a year, a time or a day of the month;
    - the same word on one side of it ("7,400 hectares", "11,000 hectares"): what it counts.
      "Sbarro files for second bankruptcy in three years" and "... for chapter 11 bankruptcy"
      have figures of different things. Without that, neither may have a word within PHRASE
      tokens of its figure that the other sentence lacks, nor sit at a clause's edge;
    - the same names, days and months on both sides and the same polarity: "Gas prices rose
      four cents in Ohio" and "... two cents in Michigan" are two facts;
    - with `b`'s figure written as `a`'s, each carries at least half of the other's content, and
      one carries nearly all of the other (CARRY_SHARE, no run of two missing), or the two are
      a paraphrase (the regression) with no word swapped near the figures: the regression alone
      calls "Three people died in the crash" and "Five people were injured in the crash" one
      fact once their figures agree.

    `hedged` says whether either figure is a bound ("at least 14"), which disagrees with nothing.
    Measured on real headlines and DUC 2002 articles (bench/README.md, issue 20): without the
    rules on the words beside the figure, most of what was found there was false."""
    if a.negated != b.negated or a.question or b.question or not a.figures or not b.figures:
        return None
    only_a = {x for x in a.figures if not any(same_figure(x, y) for y in b.figures)}
    only_b = {y for y in b.figures if not any(same_figure(x, y) for x in a.figures)}
    if len(only_a) != 1 or len(only_b) != 1:
        return None
    (x,), (y,) = only_a, only_b
    if _year(x) or _year(y) or min(_content(a), _content(b)) < REVISION_CONTENT:
        return None
    if a.money != b.money:
        return None
    around_x = [unit for unit in a.units if unit[0] == x]
    around_y = [unit for unit in b.units if unit[0] == y]
    if len(around_x) != 1 or len(around_y) != 1:
        return None
    (_, before_x, after_x, phrase_x, token_x), (_, before_y, after_y, phrase_y, token_y) = around_x[0], around_y[0]
    suffix = _suffix(token_x)
    if suffix != _suffix(token_y):  # "1.2m" and "2 million", "52km" and "52 miles"
        return None
    # a word near each figure that the other sentence lacks is a word swapped where the fact is
    # ("12 homes destroyed", "14 homes damaged"); one dropped is not
    if any(t not in b.weights for t in phrase_x) and any(t not in a.weights for t in phrase_y):
        return None
    # a figure at a clause's edge has nothing beside it to say what it counts ("... class action
    # 0", a song called "23"): only the word after it, alike, will do
    edge = not (before_x and before_y and after_x and after_y)
    if after_x != after_y and (not before_x or before_x != before_y) and edge:
        return None
    calendar = _calendar(lang)
    if any(w in _CLOCK or w in calendar for w in (before_x, after_x, before_y, after_y, suffix)):  # "9am", "May 29"
        return None
    restated = _restated(b, y, x, _written(a, x, lang), lang)
    if not (details_in(a, restated) and details_in(restated, a)):
        return None
    (share_a, gap_a), (share_b, gap_b) = _compare(a, restated), _compare(restated, a)
    if min(share_a, share_b) < MIN_COVERAGE:
        return None
    if (share_a >= CARRY_SHARE and gap_a <= CARRY_GAP) or (share_b >= CARRY_SHARE and gap_b <= CARRY_GAP):
        return x, y
    # reworded away from the figure: "Police said the fire destroyed 12 homes" and "Authorities
    # said the fire destroyed 14 homes" are one fact
    return (x, y) if _score(a, restated, (share_a, gap_a), (share_b, gap_b)) > THRESHOLD else None


def hedged(s: Sentence, value: float, lang: str = "en") -> bool:
    """Whether a figure of `s` is a bound: "at least 14", "more than 25,000", "about 600"."""
    hedges = _hedges(lang)
    return any(before in hedges for v, before, *_ in s.units if v == value)


@cache
def _hedges(lang: str) -> frozenset[str]:
    return frozenset(_HEDGES.get(base_lang(lang), "").split())


_MONEY = re.compile(r"[$€£¥₹]")
_FIGURE_HEAD = re.compile(r"^[\d.,]+")


def _suffix(token: str) -> str:
    """What a figure's token adds to its digits: "m" of "1.2m", "" of "7,400" or "three"."""
    return _FIGURE_HEAD.sub("", token) if token[:1].isdigit() else ""


def _figure_word(lower: str, lang: str) -> bool:
    """Whether a lower-cased token may be a figure: digits first, or a number word."""
    return lower[0].isdigit() or lower in _NUMBER_VALUES.get(base_lang(lang), {})


def _year(x: float) -> bool:
    return x == int(x) and 1800 <= x <= 2200


def _content(s: Sentence) -> int:
    return sum(1 for t, w in s.weights.items() if t[0] != "#" and w >= 1.0)


def _written(s: Sentence, value: float, lang: str) -> str | None:
    """How `s` writes a figure (its lower-cased token), from its word pairs."""
    for pair in s.bigrams:
        for word in pair:
            if _figure_word(word, lang) and figure(word, lang) == value:
                return word
    return None


def _restated(s: Sentence, old: float, new: float, new_word: str | None, lang: str) -> Sentence:
    """`s` as if it gave `new` where it gives `old`."""
    old_key, new_key = f"#{old!r}", f"#{new!r}"

    def key(term: str) -> str:
        return new_key if term == old_key else term

    def word(token: str) -> str:
        if new_word is not None and _figure_word(token, lang):
            return new_word if figure(token, lang) == old else token
        return token

    weights = {key(t): w for t, w in s.weights.items()}
    by_prefix = _by_prefix(weights)
    return Sentence(
        weights=weights,
        order=tuple(key(t) for t in s.order),
        figures=tuple(new if f == old else f for f in s.figures),
        prefixes=frozenset(by_prefix),
        bigrams=frozenset((word(p), word(q)) for p, q in s.bigrams),
        trigrams=frozenset((word(p), word(q), word(r)) for p, q, r in s.trigrams),
        negated=s.negated,
        details=frozenset(key(t) for t in s.details),
        total=s.total,
        question=s.question,
        by_prefix=by_prefix,
        figure_weight=s.figure_weight,
    )


def figure_text(text: str, value: float, lang: str = "en") -> str:
    """A figure as `text` writes it ("7,400", "five"); the figure itself when not found."""
    for token in tokens(text):
        if _figure_word(token.lower(), lang) and figure(token, lang) == value:
            return token
    return f"{value:g}"
