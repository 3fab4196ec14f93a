"""`sitegen import`: JSON Lines records → one Markdown content file each."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from slugify import slugify

from sitegen.diagnostics import Report
from sitegen.slugs import slug

FIELDS = ("id", "title", "date", "source", "url", "lang")
_ESCAPED = re.compile(r"\\([^\w\s])")  # a backslash before punctuation


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def import_jsonl(jsonl: Path, content_dir: Path) -> ImportResult:
    """Write `content/<source>/<id>.md` per record (`content/imported/` when there is no source).

    The record's `id` is kept in the front matter, so it stays the article id wherever the file
    lands. Importing the same file again overwrites the same files. A record with a title and no
    text (headline feeds, link blogs) is an article whose body is its title; a record repeating an
    earlier one (same id and text) is written once.
    """
    result = ImportResult()
    used: set[Path] = set()
    written: dict[tuple[str, str], Path] = {}  # (id, text) -> the file it went to
    repeats = 0
    name = jsonl.name
    with jsonl.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                result.report.warn(name, f"invalid JSON ({exc.msg}); record skipped", number)
                continue
            if not isinstance(record, dict):
                result.report.warn(name, "record is not a JSON object; skipped", number)
                continue
            text = record.get("text")
            title = record.get("title")
            if not isinstance(text, str) and not (text is None and isinstance(title, str) and title.strip()):
                result.report.warn(name, "record has no 'text' string (nor, without one, a 'title'); skipped", number)
                continue
            meta = {k: str(record[k]) for k in FIELDS if record.get(k) not in (None, "")}
            if "source" in meta:
                meta["source"] = unescape(meta["source"])
            body = (text or "").strip()
            if not body and meta.get("title"):
                body = meta["title"]  # headline-only records still need a body to be an article
            identity = (meta.get("id", ""), body)
            if identity[0] and identity in written:
                repeats += 1
                continue
            folder = slug(meta.get("source", ""), "imported")
            stem = slugify(meta.get("id", ""), max_length=80) or hashlib.sha1(body.encode("utf-8")).hexdigest()[:12]
            path = content_dir / folder / f"{stem}.md"
            n = 2
            while path in used:
                path = content_dir / folder / f"{stem}-{n}.md"
                n += 1
            used.add(path)
            written[identity] = path
            path.parent.mkdir(parents=True, exist_ok=True)
            front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
            path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
            result.written.append(path)
    if repeats:
        repeated = f"{repeats} records repeat an earlier record (same id and text); each was written once"
        result.report.note(name, repeated)
    return result


def unescape(value: str) -> str:
    """`Law360 \\(subscription\\)`, `24\\/7 Wall St.`: scraped exports escape punctuation with a
    backslash that is no part of the name."""
    return _ESCAPED.sub(r"\1", value)
