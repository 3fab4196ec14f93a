"""Site configuration: one typed, documented object read from `sitegen.toml`.

Every field carries its documentation in `metadata["doc"]`; the README's
configuration table is checked against these fields by a test, so a key can't
exist without being documented.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

CONFIG_FILE = "sitegen.toml"


class ConfigError(Exception):
    """The configuration file is unreadable or names an unknown or mistyped key."""


def _doc(text: str, low: float | None = None, high: float | None = None, above: bool = False) -> dict[str, Any]:
    """A field's documentation, and the range its value must lie in: from `low` (more than `low`
    when `above`) up to `high`; None is unbounded."""
    return {"doc": text, "range": (low, high, above)}


def allowed(low: float | None, high: float | None, above: bool) -> str:
    """A range in words, for errors and the README."""
    start = "" if low is None else f"more than {low}" if above else f"at least {low}"
    if high is None:
        return start
    if low is None:
        return f"at most {high}"
    return f"more than {low} and at most {high}" if above else f"from {low} to {high}"


def _out_of_range(value: object, low: float | None, high: float | None, above: bool) -> str | None:
    """What is wrong with a number, or None."""
    if not isinstance(value, int | float):
        return None
    below = low is not None and (value <= low if above else value < low)
    if below or (high is not None and value > high):
        return f"must be {allowed(low, high, above)}"
    return None


def _folder_problem(value: str) -> str | None:
    """A folder setting must name a place inside the site root: the output folder is replaced
    whole on every build."""
    path = Path(value)
    if not value.strip() or path.is_absolute() or ".." in path.parts or path.parts in ((), (".",)):
        return "must be a folder inside the site root (relative, not '.' or '..')"
    return None


@dataclass(frozen=True)
class ClusterConfig:
    """How articles are grouped into stories (`[cluster]` table)."""

    threshold: float = field(
        default=0.2,
        metadata=_doc(
            "Mean cosine similarity two groups of articles need to be merged into one story "
            "(average linkage). Higher splits more, lower merges more.",
            low=0.0,
            high=1.0,
            above=True,
        ),
    )
    window_days: float = field(
        default=3.0,
        metadata=_doc(
            "Reports this many days apart or closer are compared on their text alone; beyond it "
            "the time prior (`time_decay`) applies. Undated articles are never penalised.",
            low=0.0,
        ),
    )
    time_decay: float = field(
        default=0.2,
        metadata=_doc(
            "Strength of the time prior: similarity is divided by 1 + time_decay × ln(gap / "
            "window_days) for reports further apart than the window. 0 turns it off.",
            low=0.0,
        ),
    )
    gap_days: float = field(
        default=3650.0,
        metadata=_doc(
            "A story ends when its coverage pauses longer than this many days (default: ten years): a "
            "later report about the same subject starts a new story, linked to it as related. Undated "
            "reports never split a story; pinned stories are never split. 0 turns it off.",
            low=0.0,
        ),
    )
    partition_articles: int = field(
        default=200_000,
        metadata=_doc(
            "An archive of more articles than this is clustered in time windows (`partition_days`); "
            "a smaller one whole, which links stories that resume years later better (bench/README.md).",
            low=0,
        ),
    )
    partition_days: float = field(
        default=365.0,
        metadata=_doc(
            "Width of those windows: each is clustered on its own (in parallel on a Dask cluster) and "
            "the windows' stories merged by the same linkage rule. Smaller windows bound each task's "
            "memory. 0 clusters every archive whole.",
            low=0.0,
        ),
    )
    partition_overlap_days: float = field(
        default=30.0,
        metadata=_doc(
            "Days on either side of a window whose reports it reads for context (neighbours, "
            "expansion) but leaves to the next window to place. At most half the window.",
            low=0.0,
        ),
    )
    expansion: float = field(
        default=1.0,
        metadata=_doc(
            "Weight of the neighbours' mean vector blended into each article's vector before "
            "linkage; helps short and reworded texts meet. 0 turns it off.",
            low=0.0,
        ),
    )
    semantic: float = field(
        default=0.5,
        metadata=_doc(
            "Share of a headline's similarity that comes from its meaning (a WordLlama vector of "
            "its title and lead) rather than its words; English texts under 60 distinct terms "
            "only, falling from 30 terms up. 0 turns it off.",
            low=0.0,
            high=0.9,
        ),
    )
    related_threshold: float = field(
        default=0.08,
        metadata=_doc(
            "Similarity of two stories' centroids (their members' 40 heaviest terms) at which "
            "separate stories are linked as related.",
            low=0.0,
            high=1.0,
            above=True,
        ),
    )
    title_weight: float = field(
        default=2.0,
        metadata=_doc("How much more a word of the title or lead counts than one of the body.", low=0.0, above=True),
    )
    lead_sentences: int = field(
        default=3,
        metadata=_doc("Opening sentences of the body that count as the lead.", low=0),
    )
    registry_file: str = field(
        default="story-ids.json",
        metadata=_doc(
            "File, relative to the site root, where each build records story ids and their articles, "
            "so URLs survive new coverage. Commit it."
        ),
    )


@dataclass(frozen=True)
class SummaryConfig:
    """How the merged summary of a story is built (`[summary]` table)."""

    max_words: int = field(
        default=120,
        metadata=_doc("Length budget of the merged summary shown on story pages, in words.", low=1),
    )


@dataclass(frozen=True)
class SearchConfig:
    """How the search index is made (`[search]` table)."""

    shard_megabytes: float = field(
        default=80.0,
        metadata=_doc(
            "Story pages' HTML per search index shard, in MB: each shard is one Pagefind run, whose "
            "memory grows with what it indexes (about 1.8 GiB for 80 MB of story pages). A year "
            "with more is split.",
            low=0,
            above=True,
        ),
    )

    @property
    def shard_bytes(self) -> int:
        return max(1, int(self.shard_megabytes * 1_000_000))


@dataclass(frozen=True)
class SourceInfo:
    """How an outlet is shown: a `[sources.<key>]` table, where the key is a folder under
    content/ or a `source:` value as articles write it."""

    name: str  # its display name, as the outlet writes it ("Crónica Andina")
    url: str = ""  # its home page, linked from its source page
    short: str = ""  # a shorter name for chips ("Crónica"); the name when empty


SOURCES_FILE = "sources.toml"


@dataclass(frozen=True)
class SiteConfig:
    """Everything a build needs to know about the site, with defaults for a site with no config file."""

    title: str = field(default="News Archive", metadata=_doc("Site title, shown in the header and feeds."))
    base_url: str = field(
        default="http://localhost:8000/",
        metadata=_doc("Absolute URL the site is published at; used for canonical links, feeds and the sitemap."),
    )
    language: str = field(
        default="en",
        metadata=_doc(
            "Language of the site (BCP 47 code): `<html lang>`, and the language of articles that "
            "declare none and whose language can't be detected with confidence."
        ),
    )
    theme: str = field(
        default="default",
        metadata=_doc("Theme name: a folder under the site's `themes/`, else one bundled with sitegen."),
    )
    output_dir: str = field(
        default="public", metadata=_doc("Folder, relative to the site root, the site is built into.")
    )
    content_dir: str = field(
        default="content", metadata=_doc("Folder, relative to the site root, holding the articles.")
    )
    stories_per_page: int = field(
        default=20, metadata=_doc("Stories per page on the home page and other paginated lists.", low=1)
    )
    max_file_bytes: int = field(
        default=5_000_000,
        metadata=_doc("Content files larger than this are skipped and reported.", low=1),
    )
    cluster: ClusterConfig = field(
        default_factory=ClusterConfig, metadata=_doc("Story clustering settings (table `[cluster]`).")
    )
    summary: SummaryConfig = field(
        default_factory=SummaryConfig, metadata=_doc("Merged summary settings (table `[summary]`).")
    )
    search: SearchConfig = field(
        default_factory=SearchConfig, metadata=_doc("Search index settings (table `[search]`).")
    )
    sources: tuple[tuple[str, SourceInfo], ...] = field(
        default=(),
        metadata=_doc(
            "Outlets' display names, home pages and short names: a table `[sources.<key>]` per "
            "outlet (`name`, and optionally `url` and `short`), here or in `sources.toml`. The key "
            "is a folder under content/ or a `source:` value as the articles write it."
        ),
    )

    def source_info(self, key: str) -> SourceInfo | None:
        """The `[sources]` entry for a folder name or a `source:` value."""
        return dict(self.sources).get(key)

    @property
    def site_url(self) -> str:
        """The base URL with exactly one trailing slash."""
        return self.base_url.rstrip("/") + "/"


def _from_table(cls: type, table: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        f = known.get(key)
        if f is None:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {key!r} must be a table")
            values[key] = _from_table(type(default), value, f"{where} [{key}]")
            continue
        expected = type(default)
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise ConfigError(f"{where}: {key!r} must be {expected.__name__}, got {type(value).__name__} {value!r}")
        problem = _out_of_range(value, *f.metadata["range"]) if "range" in f.metadata else None
        if problem:
            raise ConfigError(f"{where}: {key!r} {problem}, got {value!r}")
        values[key] = value
    return cls(**values)


def load_config(site_dir: Path) -> SiteConfig:
    """Read `sitegen.toml` (and `sources.toml`, if any) from the site root; defaults when there is none."""
    path = site_dir / CONFIG_FILE
    if not path.exists() and not (site_dir / SOURCES_FILE).exists():
        return SiteConfig()
    table = _read_toml(path) if path.exists() else {}
    sources = _sources(table.pop("sources", {}), f"{CONFIG_FILE} [sources]")
    extra = site_dir / SOURCES_FILE
    if extra.exists():
        more = _sources(_read_toml(extra), SOURCES_FILE)
        both = sorted(set(dict(sources)) & set(dict(more)))
        if both:
            raise ConfigError(f"{SOURCES_FILE}: {both[0]!r} is also in {CONFIG_FILE} [sources]; keep one")
        sources += more
    config: SiteConfig = _from_table(SiteConfig, table, CONFIG_FILE)
    config = replace(config, sources=tuple(sorted(sources)))
    validate(config)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: {exc}") from exc


def _sources(table: object, where: str) -> tuple[tuple[str, SourceInfo], ...]:
    """`[sources.<key>]` tables, each checked: a name, and an http(s) home page if any."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of outlets, e.g. [sources.harbor-gazette]")
    found = []
    known = {f.name for f in dataclasses.fields(SourceInfo)}
    for key, entry in table.items():
        if not isinstance(entry, dict):
            raise ConfigError(f'{where}: {key!r} must be a table with a name, e.g. [sources.{key}] name = "..."')
        unknown = sorted(set(entry) - known)
        if unknown:
            raise ConfigError(f"{where}: {key!r}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
        if any(not isinstance(value, str) for value in entry.values()):
            raise ConfigError(f"{where}: {key!r}: name, url and short must be strings")
        name = " ".join(str(entry.get("name", "")).split())
        if not name:
            raise ConfigError(f"{where}: {key!r} needs a name")
        url = entry.get("url", "").strip()
        if url and not is_web_address(url):
            raise ConfigError(f"{where}: {key!r}: url must be an absolute http(s) URL, got {url!r}")
        found.append((key, SourceInfo(name, url, " ".join(entry.get("short", "").split()))))
    return tuple(found)


def require_site(site_dir: Path, config: SiteConfig) -> None:
    """Refuse a folder that is not a site before anything is written into it: a mistyped `--site`
    or a build in the wrong folder would otherwise create `public/`, a cache and a registry there."""
    what = f"a site folder holds {config.content_dir}/ with the articles and, optionally, {CONFIG_FILE}"
    if not site_dir.is_dir():
        raise ConfigError(f"{site_dir}: no such folder ({what}); start one with: sitegen new {site_dir}")
    if not (site_dir / config.content_dir).is_dir():
        raise ConfigError(
            f"{site_dir.resolve()}: not a site folder, it has no {config.content_dir}/ ({what}); "
            "run sitegen in a site folder, point --site at one, or start one with: sitegen new DIR"
        )


def validate(config: SiteConfig) -> None:
    """What no single key's type and range can say; also run on a `--base-url` given to a build."""
    for key in ("output_dir", "content_dir"):
        if problem := _folder_problem(getattr(config, key)):
            raise ConfigError(f"{CONFIG_FILE}: {key!r} {problem}, got {getattr(config, key)!r}")
    output, content = Path(config.output_dir), Path(config.content_dir)
    if output == content or output in content.parents or content in output.parents:
        raise ConfigError(
            f"{CONFIG_FILE}: 'output_dir' and 'content_dir' must be separate folders (each build replaces the output)"
        )
    if not is_web_address(config.base_url):
        raise ConfigError(f"{CONFIG_FILE}: 'base_url' must be an absolute http(s) URL, got {config.base_url!r}")


def is_web_address(value: str) -> bool:
    """What `base_url` (or `--base-url`) must be: canonical links and feeds are absolute."""
    return value.startswith(("http://", "https://"))


def documented_keys() -> list[tuple[str, str, Any]]:
    """(dotted key, doc, default) for every configuration key, for docs and tests."""
    rows: list[tuple[str, str, Any]] = []

    def walk(cls: type, prefix: str) -> None:
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            if dataclasses.is_dataclass(default):
                walk(type(default), f"{prefix}{f.name}.")
            else:
                rows.append((prefix + f.name, f.metadata.get("doc", ""), default))

    walk(SiteConfig, "")
    return rows
