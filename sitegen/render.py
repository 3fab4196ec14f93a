"""Jinja2 rendering: the site's `templates/` first, then the theme's, and the filters themes use."""

from __future__ import annotations

import hashlib
import html
import json
import re
import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from sitegen.config import ConfigError, SiteConfig
from sitegen.context import variables
from sitegen.diagnostics import Report
from sitegen.i18n import ENGLISH, ENGLISH_WORDS, catalogues, current, page_words, speaking
from sitegen.memo import CACHE_DIR, code_fingerprint

if TYPE_CHECKING:
    from sitegen.pages import Page


def _bundled_themes() -> Path:
    """An installed wheel carries the themes inside the package (`sitegen/themes/`); a checkout
    or an editable install reads the repository's top-level `themes/`."""
    package = Path(__file__).resolve().parent
    inside = package / "themes"
    return inside if inside.is_dir() else package.parent / "themes"


BUNDLED_THEMES = _bundled_themes()


_SAFE_SCHEMES = {"http", "https"}


def theme_dir(site_dir: Path, config: SiteConfig) -> Path:
    """The site's own `themes/<name>` wins over the theme bundled with sitegen."""
    for root in (site_dir / "themes", BUNDLED_THEMES):
        candidate = root / config.theme
        if (candidate / "templates").is_dir():
            return candidate
    raise ConfigError(f"sitegen.toml: theme {config.theme!r} not found in themes/ or among bundled themes")


def make_environment(site_dir: Path, config: SiteConfig, cached: bool = False) -> jinja2.Environment:
    """The theme's templates under the site's own; `cached` keeps compiled templates in the build
    cache (Jinja2 checks each against its source), which spares a warm build compiling them."""
    loaders = [
        jinja2.FileSystemLoader(site_dir / "templates"),
        jinja2.FileSystemLoader(theme_dir(site_dir, config) / "templates"),
    ]
    bytecode = None
    if cached:
        folder = site_dir / CACHE_DIR / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        # named by sitegen's code: the options below shape the compiled code, and Jinja2's key is
        # only the template's name and source
        bytecode = jinja2.FileSystemBytecodeCache(str(folder), f"{code_fingerprint()}-%s.cache")
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=bytecode,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    base_path = urlsplit(config.site_url).path or "/"
    by_name = {info.name: info for _, info in config.sources}  # [sources] by display name
    env.globals.update(
        site=config,
        source_info=by_name.get,
        t=_translate,
        tn=_translate_count,
        crumb=_crumb,
        site_date=format_date,  # in the site's words, whatever the page's (search lists every story)
        url=lambda path="": base_path + path.lstrip("/"),
        abs_url=lambda path="": config.site_url + path.lstrip("/"),
    )
    env.catalogues = catalogues(i18n_folders(site_dir, config))  # type: ignore[attr-defined]
    env.filters.update(
        date=_page_date,
        short_date=_page_short_date,
        isodate=iso_date,
        safe_url=safe_url,
        pagefind=pagefind_value,
        json_ld=json_ld,
    )
    return env


_environments: dict[tuple[Path, str, bool], jinja2.Environment] = {}  # the latest, per process


def environment(site_dir: Path, config: SiteConfig, salt: str, cached: bool) -> jinja2.Environment:
    """`make_environment`, kept while `salt` (the settings and every template file, as
    `template_salt` hashes them) is unchanged: `sitegen serve` and each pool worker then load
    and compile a template once, not once per build or per task."""
    key = (site_dir, salt, cached)
    env = _environments.get(key)
    if env is None:
        _environments.clear()
        env = _environments[key] = make_environment(site_dir, config, cached)
    return env


def format_date(value: datetime | None, with_time: bool = False) -> str:
    """A date in English, as the site's own pages show it ("3 August 2024, 09:10 UTC")."""
    return ENGLISH_WORDS.date(value, with_time)


def i18n_folders(site_dir: Path, config: SiteConfig) -> list[Path]:
    """Where the catalogues of the page words are: the theme's, then the site's (which win)."""
    return [theme_dir(site_dir, config) / "i18n", site_dir / "i18n"]


def _translate(text: str, **values: object) -> str:
    """`t("Summary")`: the text in the page's language."""
    return current()(text, **values)


def _translate_count(one: str, other: str, n: int, **values: object) -> str:
    """`tn("{n} source", "{n} sources", n)`: the form the page's language uses for `n`."""
    return current().plural(one, other, n, **values)


def _page_date(value: datetime | None, with_time: bool = False) -> str:
    return current().date(value, with_time)


def _page_short_date(value: datetime | None, year: int | None = None) -> str:
    return current().short_date(value, year)


_ARCHIVE_PATH = re.compile(r"archive/(\d{4})/(?:(\d{2})/(?:(\d{2})/)?)?$")


def _crumb(label: str, path: str) -> str:
    """A breadcrumb's label in the page's language: an archive's month or day is named from its
    path, the archive and the undated stories from the catalogue, anything else as it is."""
    words = current()
    if words.lang == ENGLISH:
        return label
    if path in ("archive/", "archive/undated/"):
        return words(label)
    found = _ARCHIVE_PATH.match(path)
    if found is None or found.group(2) is None:
        return label
    year, month, day = int(found.group(1)), int(found.group(2)), int(found.group(3) or 1)
    when = datetime(year, month, day)
    return words.day(when) if found.group(3) else words.month(when)


def iso_date(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def safe_url(value: str | None) -> str:
    """Only http(s) links from article metadata reach a page; anything else is dropped."""
    if not value:
        return ""
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return ""
    return value.strip() if scheme in _SAFE_SCHEMES else ""


def json_ld(value: object) -> Markup:
    """JSON for a `<script type="application/ld+json">` element. Article text goes into it, so
    `<`, `>` and `&` are written as JSON escapes: no `</script>` or `<!--` can end the element
    early, whatever a title or a source holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def pagefind_value(value: object) -> str:
    """A metadata or filter value for Pagefind, with no `<` or `>` left to make markup of.

    Pagefind keeps such a value as text, decoding HTML entities (more than once: an escaped
    value came back raw), and its search interface inserts filter names into the page as HTML:
    a source named `<img onerror=...>` ran as script on the search page. So the value is decoded
    until it no longer changes, and its angle brackets become the look-alike quotation marks
    ‹ and ›, which no decoding turns back."""
    text = str(value)
    while (decoded := html.unescape(text)) != text:
        text = decoded
    return text.replace("<", "\u2039").replace(">", "\u203a")


def served_at(path: str) -> str:
    """The site path a file is served at: a folder's index page by its folder."""
    return path[: -len("index.html")] if path == "index.html" or path.endswith("/index.html") else path


def template_salt(site_dir: Path, config: SiteConfig) -> str:
    """What every page depends on besides its context: the settings and every template file."""
    digest = hashlib.blake2b(repr(config).encode(), digest_size=16)
    for folder in (theme_dir(site_dir, config) / "templates", site_dir / "templates", *i18n_folders(site_dir, config)):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def render_page(env: jinja2.Environment, page: Page, site_dir: Path, report: Report) -> str | None:
    """Render one page; a template error becomes a diagnostic with the template's file and line."""
    try:
        # `page_url`: the page's own address under the site, for its canonical link and metadata;
        # `words`: the page's language (a story's, when the theme speaks it: sitegen.i18n)
        site: SiteConfig = env.globals["site"]  # type: ignore[assignment]
        site_lang = site.language
        words = page_words(getattr(page.context, "lang", "") or site_lang, site_lang, env.catalogues)  # type: ignore[attr-defined]
        with speaking(words):
            return env.get_template(page.template).render(
                variables(page.context), page_url=served_at(page.path), page_lang=words.lang
            )
    except jinja2.TemplateSyntaxError as exc:
        report.error(template_path(exc.filename, site_dir), f"template error: {exc.message}", exc.lineno)
    except jinja2.TemplateError as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))]
        where, line = (frames[-1].filename, frames[-1].lineno) if frames else (page.template, None)
        # no page in the message: a template that fails on every page is one problem, at its line
        report.error(template_path(where, site_dir), f"template error: {exc}", line)
    return None


def template_path(filename: str | None, site_dir: Path) -> str:
    if not filename:
        return "templates"
    path = Path(filename)
    try:
        return path.resolve().relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
