"""Site configuration: one typed, documented object read from `sitegen.toml`.

Every field carries its documentation in `metadata["doc"]`; the README's
configuration table is checked against these fields by a test, so a key can't
exist without being documented.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILE = "sitegen.toml"


class ConfigError(Exception):
    """The configuration file is unreadable or names an unknown or mistyped key."""


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True)
class ClusterConfig:
    """How articles are grouped into stories (`[cluster]` table)."""

    threshold: float = field(
        default=0.2,
        metadata=_doc(
            "Mean cosine similarity two groups of articles need to be merged into one story "
            "(average linkage). Higher splits more, lower merges more."
        ),
    )
    window_days: float = field(
        default=3.0,
        metadata=_doc(
            "Reports this many days apart or closer are compared on their text alone; beyond it "
            "the time prior (`time_decay`) applies. Undated articles are never penalised."
        ),
    )
    time_decay: float = field(
        default=0.2,
        metadata=_doc(
            "Strength of the time prior: similarity is divided by 1 + time_decay × ln(gap / "
            "window_days) for reports further apart than the window. 0 turns it off."
        ),
    )
    expansion: float = field(
        default=1.0,
        metadata=_doc(
            "Weight of the neighbours' mean vector blended into each article's vector before "
            "linkage; helps short and reworded texts meet. 0 turns it off."
        ),
    )
    related_threshold: float = field(
        default=0.08,
        metadata=_doc(
            "Similarity of two stories' centroids (their members' 40 heaviest terms) at which "
            "separate stories are linked as related."
        ),
    )
    title_weight: float = field(
        default=2.0,
        metadata=_doc("How much more a word of the title or lead counts than one of the body."),
    )
    lead_sentences: int = field(
        default=3,
        metadata=_doc("Opening sentences of the body that count as the lead."),
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
        metadata=_doc("Length budget of the merged summary shown on story pages, in words."),
    )


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
        default=20, metadata=_doc("Stories per page on the home page and other paginated lists.")
    )
    max_file_bytes: int = field(
        default=5_000_000,
        metadata=_doc("Content files larger than this are skipped and reported."),
    )
    cluster: ClusterConfig = field(
        default_factory=ClusterConfig, metadata=_doc("Story clustering settings (table `[cluster]`).")
    )
    summary: SummaryConfig = field(
        default_factory=SummaryConfig, metadata=_doc("Merged summary settings (table `[summary]`).")
    )

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
        values[key] = value
    return cls(**values)


def load_config(site_dir: Path) -> SiteConfig:
    """Read `sitegen.toml` from the site root; defaults when there is none."""
    path = site_dir / CONFIG_FILE
    if not path.exists():
        return SiteConfig()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE}: {exc}") from exc
    config: SiteConfig = _from_table(SiteConfig, table, CONFIG_FILE)
    return config


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
