"""`sitegen new DIR`: a new site folder, ready to build, preview and publish (as `hugo new site`)."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import __version__
from sitegen.config import CONFIG_FILE, ConfigError, documented_keys

TEMPLATE = Path(__file__).resolve().parent / "new_site"
# files whose name in the package differs from the one they get: a `.gitignore` inside the
# package would be read by git and by the wheel builder as rules for sitegen's own tree
RENAMED = {"gitignore": ".gitignore"}


@dataclass
class NewSite:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there (with --force): left as they were


def new_site(folder: Path, force: bool = False) -> NewSite:
    """Write the scaffold into `folder`; a folder holding anything is refused unless `force`, and
    even then no file already there is overwritten."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ConfigError(f"{folder}: folder is not empty; use --force to add a site to it (no file is overwritten)")
    files: dict[str, bytes] = {}
    for path in sorted(TEMPLATE.rglob("*")):
        if path.is_file():
            rel = path.relative_to(TEMPLATE).as_posix()
            files[RENAMED.get(rel, rel)] = path.read_bytes()
    files[CONFIG_FILE] = config_text().encode()
    files["requirements.txt"] = (
        "# what Netlify installs before it builds: this sitegen release (or a URL of its repository,\n"
        "# git+https://...)\n"
        f"sitegen=={__version__}\n"
    ).encode()
    result = NewSite()
    for rel, data in files.items():
        target = folder / rel
        if target.exists():
            result.kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        result.written.append(target)
    return result


def config_text() -> str:
    """A commented `sitegen.toml` generated from the settings' own documentation, so it lists
    every key with its default and can never describe a key that does not exist."""
    lines = [
        "# This site's settings. Every key is optional: the commented values are the defaults;",
        "# uncomment a line to change it. An unknown or mistyped key is an error.",
        "",
    ]
    table = ""
    for key, doc, default in documented_keys():
        if key == "sources":  # a table per outlet, not a value: an example of one
            lines += [""] + textwrap.wrap(doc, width=98, initial_indent="# ", subsequent_indent="# ")
            lines += ["# [sources.harbor-gazette]", '#   name = "Harbor Gazette"', '#   short = "Gazette"', ""]
            continue
        section, _, name = key.rpartition(".")
        if section != table:
            lines += ["", f"[{section}]"]
            table = section
        lines += textwrap.wrap(doc, width=98, initial_indent="# ", subsequent_indent="# ")
        value = _toml(default)
        if key == "title":
            lines += [f"title = {_toml('My News Archive')}", ""]
        elif key == "base_url":
            lines += [f"base_url = {_toml('https://example.org/')}", ""]
        else:
            lines += [f"# {name} = {value}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    return repr(value)
