"""Words → index terms: lowercased, stop words dropped, Snowball-stemmed, per language.

Shared by clustering and summarizing so both stages see a text the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

import snowballstemmer
from stop_words import LANGUAGE_MAPPING, StopWordError, get_stop_words

# Numbers keep their separators ("1,200", "3.5") because a shared figure is strong evidence;
# so do abbreviations ("U.S") and elisions ("l'eau"). One simple pattern: this runs on every word.
_TOKEN = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*")

_SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}


def base_lang(lang: str) -> str:
    return (lang or "en").split("-")[0].split("_")[0].lower()


@cache
def stop_words(lang: str) -> frozenset[str]:
    """The stop-words package's list for the language (English when it has none), minus numbers."""
    code = base_lang(lang)
    try:
        words = get_stop_words(code if code in LANGUAGE_MAPPING else "en")
    except StopWordError:
        words = get_stop_words("en")
    return frozenset(w for w in words if not any(c.isdigit() for c in w))


@cache
def stemmer(lang: str) -> Callable[[str], str]:
    """A memoised Snowball stemmer: news vocabularies repeat, so each word is stemmed once."""
    algorithm = _SNOWBALL.get(base_lang(lang))
    if algorithm is None:
        return lambda word: word
    stem = snowballstemmer.stemmer(algorithm).stemWord
    return lru_cache(maxsize=200_000)(stem)


def tokens(text: str) -> list[str]:
    """Word and number tokens in their original case."""
    return _TOKEN.findall(text)


def term(word: str, lang: str, stop: frozenset[str] | None = None) -> str | None:
    """Index term of one word: numbers without thousands separators, other words lowercased
    and stemmed; None for single letters and stop words (the language's list, or `stop`)."""
    lower = word.lower()
    if lower[0].isdigit():
        return lower.replace(",", "")
    if len(lower) < 2 or lower in (stop_words(lang) if stop is None else stop):
        return None
    return stemmer(lang)(lower)


@cache
def _term_table(lang: str) -> dict[str, str | None]:
    return {}


def cached_term(word: str, lang: str) -> str | None:
    """`term`, resolved once per word and language: a dict lookup is several times cheaper than
    lower-casing, the stop-word test and the stemmer."""
    table = _term_table(lang)
    if word in table:
        return table[word]
    if len(table) > 1_000_000:  # bounded: an endless vocabulary must not grow memory forever
        table.clear()
    found = table[word] = term(word, lang)
    return found


def index_terms(text: str, lang: str) -> list[str]:
    """The index terms of a text, in order (summaries run this on every sentence: the lookup
    is inline, a call per word would double its cost)."""
    table = _term_table(lang)
    result = []
    for word in tokens(text):
        found = table[word] if word in table else cached_term(word, lang)
        if found is not None:
            result.append(found)
    return result
