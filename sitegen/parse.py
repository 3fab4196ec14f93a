"""RawDocuments → Articles: metadata with fallbacks, Markdown to safe HTML, sentences."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from sentencex import segment

from sitegen.diagnostics import Report
from sitegen.documents import CONTROL_CHARS, parse_date
from sitegen.language import detect_language
from sitegen.model import PIN_NONE, Article, RawDocument
from sitegen.slugs import MAX_SLUG, slug

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Raw HTML in articles is escaped, not passed through: article text is untrusted.
# markdown-it also refuses javascript:, vbscript:, file: and data: link targets.


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """Made on first use: a warm build that parses nothing never imports markdown-it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


_TITLE_MAX = 110
TITLE_LIMIT = 300  # a longer title is a pasted body: cut, with a warning
# upper case only: "Update: ..." in a headline's own words stays
_WIRE_SLUG = re.compile(
    r"^(?:URGENT|BREAKING(?: NEWS)?|FLASH|NEWSFLASH|BULLETIN|ALERT|EXCLUSIVE|UPDATE(?: ?\d+)?|RPT|REPEAT|"
    r"CORRECTED|CORRECTION|REFILE|WRAPUP(?: ?\d+)?|ADVISORY|DEVELOPING)\b\s*(?:[-:—–|/]+\s*|\s+(?=[A-Z\"'“‘(])|[.!]*$)"
)
_AGENCY = r"\((?:AP|Reuters|AFP|UPI|dpa|PA)\)"
_AGENCY_TAG = re.compile(rf"^{_AGENCY}\s*[-—–:]?\s*|\s*[-—–]?\s*{_AGENCY}$")
_SPACE = re.compile(r"\s+")


def parse_article(
    doc: RawDocument, default_lang: str, report: Report, sources: Mapping[str, str] | None = None
) -> Article:
    """Fill every field, falling back as the README documents when metadata is missing. `sources`
    maps a `source:` value or a folder name to the outlet's display name (`[sources]`)."""
    meta = doc.meta
    lang = _text(meta.get("lang")) or detect_language(doc.body, default_lang)
    if doc.fmt == "markdown":
        body_html, paragraphs = render_markdown(doc.body)
    else:
        paragraphs = plain_paragraphs(doc.body)
        body_html = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    split = [split_sentences(p, lang) for p in paragraphs]
    sentences = tuple(s for part in split for s in part)

    title = clean_title(_text(meta.get("title")))
    if len(title) > TITLE_LIMIT:
        report.warn(doc.path, f"title is {len(title):,} characters (a pasted body?); cut to {TITLE_LIMIT}",
                    doc.meta_lines.get("title"))  # fmt: skip
        title = _cut(title, TITLE_LIMIT)
    title_derived = not title
    if not title:
        title = derive_title(sentences) or PurePosixPath(doc.path).stem

    date = None
    if "date" in meta and meta["date"] not in (None, ""):
        try:
            date = parse_date(meta["date"])
        except ValueError as exc:
            report.warn(
                doc.path, f"unparseable date {meta['date']!r} ({exc}); treated as undated", doc.meta_lines.get("date")
            )
    else:
        report.note(doc.path, "no date; the article takes its story's date")

    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    if not isinstance(tags, (list, tuple)):
        report.warn(doc.path, "tags must be a list; ignored", doc.meta_lines.get("tags"))
        tags = ()

    if not sentences:
        report.warn(doc.path, "article has no body text", doc.body_line)

    article_id = _id(_text(meta.get("id")), doc, report) or str(PurePosixPath(doc.path).with_suffix(""))
    source = _source(_text(meta.get("source")), doc.path, sources or {})
    if ".." in source or "\\" in source or source.startswith("/"):
        report.warn(
            doc.path,
            f"source {source!r} looks like a path; shown as written, its page named by its slug",
            doc.meta_lines.get("source"),
        )
    pin = _text(meta.get("story")) or None
    if pin is not None and pin != PIN_NONE and slug(pin, "story") != pin:
        report.warn(
            doc.path,
            f"story pin {pin!r} is not a slug (or longer than {MAX_SLUG}); read as {slug(pin, 'story')!r}",
            doc.meta_lines.get("story"),
        )

    return Article(
        id=article_id,
        path=doc.path,
        title=title,
        title_derived=title_derived,
        source=source,
        date=date,
        lang=lang,
        body_html=body_html,
        sentences=sentences,
        url=_text(meta.get("url")) or None,
        author=_text(meta.get("author")) or None,
        tags=tuple(t for t in (_text(t) for t in tags) if t),
        story=pin,
        paragraphs=tuple(len(part) for part in split if part),
    )


_PATH_PARTS = re.compile(r"[\\/]+")


def _id(raw: str, doc: RawDocument, report: Report) -> str:
    """A front-matter id without path tricks: `..` and `.` segments, leading or doubled slashes,
    backslashes are dropped, with a warning (control characters are gone already: `_text`). Ids
    never name files (pages are named by slugs), but they are shown, linked to and written to
    stories.json."""
    if not raw:
        return ""
    cleaned = "/".join(p for p in _PATH_PARTS.split(raw) if p not in ("", ".", ".."))
    if cleaned != raw:
        shown = f"published as {cleaned!r}" if cleaned else "the file's path is used instead"
        report.warn(doc.path, f"id {raw!r} holds path parts; {shown}", doc.meta_lines.get("id"))
    return cleaned


def _source(written: str, path: str, sources: Mapping[str, str]) -> str:
    """The outlet's name: `[sources]`'s name for the `source:` value, else the value as written;
    with none, `[sources]`'s name for the folder, else the folder's name (`source_from_path`)."""
    if written:
        return sources.get(written, written)
    parts = PurePosixPath(path).parts
    if len(parts) > 1 and parts[-2] in sources:
        return sources[parts[-2]]
    return source_from_path(path)


# words a name keeps in lower case past its first word ("La Voz del Puerto", "Bank of England")
_PARTICLES_TEXT = (
    "a an and at de del della der des di do dos du el en et for in la las le les los of on or the to van von y"
)
_PARTICLES = frozenset(_PARTICLES_TEXT.split())


def source_from_path(path: str) -> str:
    """The folder a file sits in names its source ("harbor-gazette" → "Harbor Gazette",
    "la-voz-del-puerto" → "La Voz del Puerto"; words with capitals or digits are kept as
    written, so "AP" stays "AP"); a file at the top of content/ is its own source, named by its
    file name. A folder cannot say "Crónica": `[sources]` can."""
    parts = PurePosixPath(path).parts
    if len(parts) == 1:
        return PurePosixPath(path).stem
    words = [w for w in re.split(r"[-_\s]+", parts[-2]) if w]
    named = [
        w if not (w.isalpha() and w.islower()) else w if n and w in _PARTICLES else w.capitalize()
        for n, w in enumerate(words)
    ]
    return " ".join(named) or parts[-2]


def derive_title(sentences: tuple[str, ...]) -> str:
    """The first sentence, cut at a word boundary when it is long."""
    if not sentences:
        return ""
    return _cut(sentences[0].rstrip(" ."), _TITLE_MAX)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:—–- ") + "…"


def clean_title(title: str) -> str:
    """A headline without the wire's slugs: "URGENT", "UPDATE 2-", "BREAKING:", "RPT-", a
    leading or trailing "(AP)". They say how a wire filed the story, not what happened, and two
    reports of one event share them whatever the event. A title that is nothing but a slug
    ("URGENT") comes out empty: the article's first sentence names it instead."""
    previous = None
    while previous != title:
        previous = title
        title = _WIRE_SLUG.sub("", title).strip()
        title = _AGENCY_TAG.sub("", title).strip()
    return title


def render_markdown(body: str) -> tuple[str, list[str]]:
    """HTML for the page and the plain text of each paragraph for sentence splitting."""
    markdown = _markdown()
    tokens = markdown.parse(body)
    paragraphs: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "inline" and i > 0 and tokens[i - 1].type == "paragraph_open":
            text = "".join(
                child.content if child.type in ("text", "code_inline") else " "
                for child in token.children or ()
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            )
            text = _SPACE.sub(" ", text).strip()
            if text:
                paragraphs.append(text)
    return markdown.renderer.render(tokens, markdown.options, {}), paragraphs


def plain_paragraphs(body: str) -> list[str]:
    """Blank lines separate paragraphs; single line breaks inside one are wrapping."""
    return [p for p in (_SPACE.sub(" ", block).strip() for block in re.split(r"\n\s*\n", body)) if p]


@lru_cache(maxsize=64)
def _segmenter_lang(lang: str) -> str:
    return (lang or "en").split("-")[0].lower()


# A sentence never opens with a lower-case word, and "3 p.m. Tuesday" is one phrase: where the segmenter
# cut before either, the cut is undone.
_TIME_ABBREVIATION = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_CONTINUES_TIME = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:[A-Z][DS]T|UTC|GMT|ET|CET)\b|\(|[a-z0-9]"
)


def split_sentences(paragraph: str, lang: str) -> list[str]:
    """Sentences of one paragraph, by sentencex (abbreviation- and quote-aware, ~300 languages)."""
    result: list[str] = []
    for part in segment(_segmenter_lang(lang), paragraph):
        part = part.strip()
        if not part:
            continue
        first_word = part.split(maxsplit=1)[0]
        lower_start = first_word.islower() and first_word[0].isalpha()  # "iPhone" and "eBay" open sentences
        if result and (lower_start or (_TIME_ABBREVIATION.search(result[-1]) and _CONTINUES_TIME.match(part))):
            result[-1] = f"{result[-1]} {part}"
        else:
            result.append(part)
    return result


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return ""
    # control characters arrive in metadata too, as YAML escapes ("\x1b"): dropped like in text
    return _SPACE.sub(" ", str(value).translate(CONTROL_CHARS)).strip()
