"""Content files → RawDocuments: front matter, inline `date …` lines, plain wire text.

Format by extension: `.md`/`.markdown` are Markdown with optional YAML front matter;
`.txt` and extension-less files are plain wire text. Anything else is reported and skipped,
as are hidden files, so every file under `content/` is accounted for.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import yaml

from sitegen.diagnostics import Report
from sitegen.model import RawDocument

MARKDOWN_EXTENSIONS = {".md", ".markdown"}
TEXT_EXTENSIONS = {".txt", ""}

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)\s*$", re.MULTILINE)
_INLINE_DATE = re.compile(
    r"\A\s*date:?[ \t]+(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)(?=\s)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ContentFile:
    """A file found under the content folder; `rel` uses forward slashes. `path` is text, not
    a Path: a build lists every file, 10,000 and more."""

    path: str
    rel: str

    @property
    def suffix(self) -> str:
        """As Path.suffix reads it, lower-cased ("notes." has none)."""
        suffix = os.path.splitext(self.path)[1].lower()
        return "" if suffix == "." else suffix


def discover(content_dir: Path, report: Report) -> list[ContentFile]:
    """Every file under the content folder, in a stable order (a folder's files, then its
    subfolders, each by name); unusable ones are reported. Works on names and directory
    entries rather than Path objects: a warm build lists every file, 10,000 and more."""
    found: list[ContentFile] = []
    if not content_dir.is_dir():
        return found
    root = content_dir.resolve()

    def walk(folder: str, prefix: str, hidden: bool) -> None:
        try:
            with os.scandir(folder) as entries:
                listing = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            report.skip(prefix.rstrip("/") or ".", f"unreadable folder: {exc.strerror or exc}")
            return
        folders = []
        for entry in listing:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry)
                continue
            rel = prefix + entry.name
            report.files_read += 1
            if hidden or entry.name.startswith("."):
                report.skip(rel, "hidden file")
                continue
            if entry.is_symlink():
                if not Path(entry.path).resolve().is_relative_to(root):
                    report.skip(rel, "symlink pointing outside the content folder")
                    continue
                if entry.is_dir():
                    report.skip(rel, "symlink to a folder (not followed)")
                    continue
            file = ContentFile(entry.path, rel)
            if file.suffix not in MARKDOWN_EXTENSIONS and file.suffix not in TEXT_EXTENSIONS:
                report.skip(rel, f"unsupported file type {file.suffix!r} (use .md or .txt)")
                continue
            found.append(file)
        for entry in folders:
            walk(entry.path, f"{prefix}{entry.name}/", hidden or entry.name.startswith("."))

    walk(str(content_dir), "", False)
    return found


def decode(data: bytes, rel: str, report: Report) -> str | None:
    """UTF-8 text, or a Windows-1252 reading with a warning; None for binary files."""
    if b"\x00" in data[:4096]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.warn(rel, "not valid UTF-8; read as Windows-1252", line)
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(CONTROL_CHARS)


# control characters other than tab and newline: no article means them, a browser shows them as
# boxes, and one of them makes feed.xml invalid XML
CONTROL_CHARS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def read_document(file: ContentFile, data: bytes, max_bytes: int, report: Report) -> RawDocument | None:
    """One content file's bytes as a RawDocument; None (and a report entry) when it can't be one."""
    if len(data) > max_bytes:
        report.skip(file.rel, f"file is {len(data)} bytes, over the {max_bytes}-byte limit")
        return None
    text = decode(data, file.rel, report)
    if text is None:
        report.skip(file.rel, "binary file")
        return None
    if not text.strip():
        report.skip(file.rel, "empty file")
        return None
    if file.suffix in MARKDOWN_EXTENSIONS:
        return split_front_matter(file.rel, text, report)
    return split_inline_date(file.rel, text)


def split_front_matter(rel: str, text: str, report: Report) -> RawDocument:
    """Markdown with optional YAML front matter between `---` lines."""
    if not text.startswith("---\n"):
        return RawDocument(rel, {}, text, 1, "markdown")
    end = _FRONT_MATTER_END.search(text, 4)
    if end is None:
        report.warn(rel, "front matter opened with --- but never closed; read as body", 1)
        return RawDocument(rel, {}, text, 1, "markdown")
    yaml_text = text[4 : end.start()]
    body = text[end.end() + 1 :]
    body_line = text[: end.end()].count("\n") + 2
    try:
        meta = yaml.load(yaml_text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        if mark is not None and context is not None and mark.index >= len(yaml_text.rstrip()):
            mark = context  # ran off the end: the construct left open is the culprit
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.warn(rel, f"malformed YAML front matter ({problem}); metadata ignored", line)
        meta = {}
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        report.warn(rel, "front matter is not a mapping of keys to values; ignored", 2)
        meta = {}
    meta_lines: dict[str, int] = {}
    for number, line_text in enumerate(yaml_text.split("\n"), start=2):
        key = line_text.split(":", 1)[0].strip()
        if ":" in line_text and key and not line_text[0].isspace():
            meta_lines.setdefault(key, number)
    return RawDocument(rel, {str(k): v for k, v in meta.items()}, body, body_line, "markdown", meta_lines)


def split_inline_date(rel: str, text: str) -> RawDocument:
    """Wire text: an opening ` date 2023-12-20 ` marker on the first line becomes metadata."""
    match = _INLINE_DATE.match(text)
    if match is None:
        return RawDocument(rel, {}, text, 1, "text")
    line = text[: match.start(1)].count("\n") + 1
    return RawDocument(rel, {"date": match.group(1)}, text[match.end() :], line, "text", {"date": line})


class _SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that keeps timestamps as text, so dates are parsed in one place (parse_date).
    libyaml's parser when PyYAML has it (about 10 times faster), the same rules either way."""


_SafeLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_date(value: object) -> datetime:
    """A timezone-aware UTC datetime from the forms front matter and wires use; ValueError otherwise."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        cleaned = value.strip()
        if cleaned.endswith(("Z", "z")):
            cleaned = cleaned[:-1] + "+00:00"
        moment = datetime.fromisoformat(cleaned)
    else:
        raise ValueError(f"expected a date, got {type(value).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not 1800 <= moment.year <= 2200:
        raise ValueError(f"year {moment.year} is out of range")
    return moment.astimezone(UTC)
