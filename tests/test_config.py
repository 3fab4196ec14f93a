"""Configuration: defaults, errors that name the key, and docs that can't drift."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.cli import _parser
from sitegen.config import ConfigError, SiteConfig, allowed, documented_keys, load_config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def test_no_config_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == SiteConfig()


def test_config_values_are_read(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(
        'title = "Wire Watch"\nbase_url = "https://example.org/news"\n[cluster]\nthreshold = 0.3\n'
    )
    config = load_config(tmp_path)
    assert config.title == "Wire Watch" and config.cluster.threshold == 0.3
    assert config.site_url == "https://example.org/news/"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('titel = "typo"\n', "unknown key 'titel'"),
        ("[cluster]\nthreshhold = 0.3\n", "[cluster]: unknown key 'threshhold'"),
        ('stories_per_page = "ten"\n', "'stories_per_page' must be int"),
        ("title = \n", "sitegen.toml"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "sitegen.toml").write_text(text)
    with pytest.raises(ConfigError, match=re.escape(fragment)):
        load_config(tmp_path)


def test_every_config_key_is_documented_in_code_and_readme() -> None:
    for key, doc, _default in documented_keys():
        assert doc, f"config key {key} has no doc"
        assert f"`{key}`" in README, f"config key {key} is missing from the README"


def test_every_cli_option_is_in_the_readme() -> None:
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in subparsers.choices.items():  # type: ignore[attr-defined]
        assert f"sitegen {name}" in README, f"command {name} is missing from the README"
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in README, f"option {option} of {name} is missing from the README"


def test_every_range_is_in_the_readme_row_of_its_key() -> None:
    def walk(cls: type, prefix: str) -> Iterator[tuple[str, str]]:
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            if dataclasses.is_dataclass(default):
                yield from walk(type(default), f"{prefix}{f.name}.")
            elif "range" in f.metadata and any(v is not None for v in f.metadata["range"][:2]):
                yield prefix + f.name, allowed(*f.metadata["range"])

    ranged = dict(walk(SiteConfig, ""))
    assert len(ranged) >= 10
    for key, text in ranged.items():
        (row,) = [line for line in README.splitlines() if line.startswith(f"| `{key}` |")]
        assert f"| {text} |" in row, key


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('[sources.wire]\nurl = "https://wire.example"\n', "[sources]: 'wire' needs a name"),
        ('[sources.wire]\nname = "Wire"\nurl = "ftp://wire.example"\n', "'wire': url must be an absolute http(s) URL"),
        ('[sources.wire]\nname = "Wire"\nhome = "x"\n', "'wire': unknown key 'home'"),
        ('[sources]\nwire = "Wire"\n', "'wire' must be a table with a name"),
    ],
)
def test_bad_source_entries_name_the_outlet(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "sitegen.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(fragment)):
        load_config(tmp_path)


def test_sources_come_from_the_config_and_from_sources_toml_never_twice(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('[sources.cronica-andina]\nname = "Crónica Andina"\n', encoding="utf-8")
    (tmp_path / "sources.toml").write_text('["Law360 (subscription)"]\nname = "Law360"\nshort = "L360"\n', "utf-8")
    config = load_config(tmp_path)
    assert config.source_info("cronica-andina").name == "Crónica Andina"  # type: ignore[union-attr]
    assert config.source_info("Law360 (subscription)").short == "L360"  # type: ignore[union-attr]
    (tmp_path / "sources.toml").write_text('[cronica-andina]\nname = "Cronica"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("sources.toml: 'cronica-andina' is also in sitegen.toml")):
        load_config(tmp_path)
