"""The words around the news in the story's language.

A story page's labels ("First reported", "Summary"), dates and counts follow the story's
language (that of the article its headline comes from) when the theme has a catalogue for it:
`i18n/<lang>.toml` in the theme, or in the site (which wins), mapping each English text of the
templates to its translation. Other pages, and stories in a language without a catalogue, use
the site's language. Dates come from Babel's CLDR data; English keeps sitegen's own formats.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from sitegen.config import ConfigError
from sitegen.terms import base_lang

ENGLISH = "en"  # the templates' own language: no catalogue needed


def catalogues(folders: Iterable[Path]) -> dict[str, dict[str, str]]:
    """Each language's catalogue, from `<folder>/<lang>.toml`; a later folder's entries win."""
    found: dict[str, dict[str, str]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            try:
                table = tomllib.loads(path.read_text("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path.name}: {exc}") from exc
            bad = next((key for key, value in table.items() if not isinstance(value, str)), None)
            if bad is not None:
                raise ConfigError(f"{path.name}: {bad!r} must be a string (the English text = its translation)")
            found.setdefault(base_lang(path.stem), {}).update(table)
    return found


@dataclass(frozen=True)
class Words:
    """A page's language: its labels, counts and dates."""

    lang: str
    table: dict[str, str] = field(default_factory=dict)

    def __call__(self, text: str, **values: object) -> str:
        """`text` in the page's language, with `{name}` filled from `values` (a name with no
        value stays as written: a translator's typo shows on the page, it does not stop a build)."""
        found = self.table.get(text, text)
        return found.format_map(_Keep(values)) if values else found

    def plural(self, one: str, other: str, n: int, **values: object) -> str:
        """`one` or `other` as the language counts `n` (CLDR's plural rules), translated."""
        form = _plural_form(self.lang, n)
        return self(one if form == "one" else other, n=n, **values)

    def date(self, value: datetime | None, with_time: bool = False) -> str:
        """ "3 August 2024" ("3 de agosto de 2024"), with ", 09:10 UTC" when asked and set."""
        if value is None:
            return self("undated")
        text = f"{value.day} {value:%B %Y}" if self.lang == ENGLISH else _babel_date(value, "long", self.lang)
        if with_time and (value.hour or value.minute):
            text += f", {value:%H:%M} UTC"
        return text

    def short_date(self, value: datetime | None, year: int | None = None) -> str:
        """A timeline's line: "3 Aug 09:10", with the year when it is not `year`."""
        if value is None:
            return self("undated")
        if self.lang == ENGLISH:
            text = f"{value.day} {value:%b}" + ("" if value.year == year else f" {value.year},")
        else:
            skeleton = "MMMd" if value.year == year else "yMMMd"
            text = _babel_skeleton(value, skeleton, self.lang) + ("" if value.year == year else ",")
        return f"{text} {value:%H:%M}" if value.hour or value.minute else text.rstrip(",")

    def month(self, value: datetime) -> str:
        """A month as a breadcrumb names it: "August" ("agosto")."""
        return f"{value:%B}" if self.lang == ENGLISH else _babel_date(value, "LLLL", self.lang)

    def day(self, value: datetime) -> str:
        """A day within its month: "3 August" ("3 de agosto")."""
        return f"{value.day} {value:%B}" if self.lang == ENGLISH else _babel_skeleton(value, "MMMMd", self.lang)


class _Keep(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def _plural_form(lang: str, n: int) -> str:
    if lang == ENGLISH:
        return "one" if n == 1 else "other"
    from babel import Locale

    return str(Locale.parse(lang).plural_form(n))


def _babel_date(value: datetime, pattern: str, lang: str) -> str:
    from babel.dates import format_date  # CLDR data: loaded when a page needs another language

    return str(format_date(value, pattern, locale=lang))


def _babel_skeleton(value: datetime, skeleton: str, lang: str) -> str:
    from babel.dates import format_skeleton

    return str(format_skeleton(skeleton, value, locale=lang))


def page_words(lang: str, site_lang: str, known: dict[str, dict[str, str]]) -> Words:
    """The words of a page whose content is in `lang`: its own language when there is a catalogue
    for it (or it is English), else the site's."""
    for candidate in (base_lang(lang), base_lang(site_lang)):
        if candidate == ENGLISH or candidate in known:
            return _words(candidate, known)
    return Words(ENGLISH)


def _words(lang: str, known: dict[str, dict[str, str]]) -> Words:
    return Words(lang, known.get(lang, {}))


# the words of the page being rendered: `render_page` sets them, and every template function,
# macro and view that puts words on the page reads them, however a theme imports its macros
_SPEAKING: ContextVar[Words | None] = ContextVar("sitegen_page_words", default=None)
ENGLISH_WORDS = Words(ENGLISH)


def current() -> Words:
    """The words of the page being rendered (English outside a render)."""
    return _SPEAKING.get() or ENGLISH_WORDS


@contextmanager
def speaking(words: Words) -> Iterator[None]:
    """Render in `words`: what `current` returns until the block ends."""
    token = _SPEAKING.set(words)
    try:
        yield
    finally:
        _SPEAKING.reset(token)
