"""`sitegen import`: JSON Lines records → one Markdown content file each."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from slugify import slugify

from sitegen.diagnostics import Report
from sitegen.slugs import slug

FIELDS = ("id", "title", "date", "source", "url", "lang")


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def import_jsonl(jsonl: Path, content_dir: Path) -> ImportResult:
    """Write `content/<source>/<id>.md` per record (`content/imported/` when there is no source).

    The record's `id` is kept in the front matter, so it stays the article id wherever the file
    lands. Importing the same file again overwrites the same files.
    """
    result = ImportResult()
    used: set[Path] = set()
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
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                result.report.warn(name, "record has no 'text' string; skipped", number)
                continue
            meta = {k: str(record[k]) for k in FIELDS if record.get(k) not in (None, "")}
            folder = slug(meta.get("source", ""), "imported")
            stem = (
                slugify(meta.get("id", ""), max_length=80)
                or hashlib.sha1(record["text"].encode("utf-8")).hexdigest()[:12]
            )
            path = content_dir / folder / f"{stem}.md"
            n = 2
            while path in used:
                path = content_dir / folder / f"{stem}-{n}.md"
                n += 1
            used.add(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
            body = record["text"].strip()
            if not body and meta.get("title"):
                body = meta["title"]  # headline-only records still need a body to be an article
            path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
            result.written.append(path)
    return result
