"""The template context as Markdown, made from `sitegen.context` itself: the README's reference
is this module's output (`python -m sitegen.context_reference`), and a test keeps the two equal,
so the documentation cannot drift from the code."""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Iterator

from sitegen import context, coverage, model

# the classes a template reaches through the page contexts, in the order the reference lists them
VIEWS: tuple[type, ...] = (
    context.Pager,
    context.StoryView,
    context.StoryLink,
    context.TagSection,
    context.SourceLink,
    context.TagLink,
    context.IndexEntry,
    context.YearEntry,
    context.SourceRow,
    context.TimelineRow,
    coverage.CoverageChart,
    coverage.Bar,
    coverage.OutletShare,
    context.SummaryLine,
    context.FirstNote,
    context.ChangeNote,
    context.FigureView,
    context.VariantView,
    context.MarkedSentence,
    model.Story,
    model.Summary,
    model.SummarySentence,
    model.Revision,
    model.Version,
    model.Article,
)

_FIELD = re.compile(r"^\s+(\w+): [^#]*?(?:#\s*(.*))?$")


def fields_of(cls: type) -> list[tuple[str, str]]:
    """(name, type) of what a template may read: the fields (not those hidden from repr), then
    the properties."""
    if dataclasses.is_dataclass(cls):
        found = [(f.name, str(f.type)) for f in dataclasses.fields(cls) if f.repr]
    else:  # a named tuple
        hints = cls.__annotations__
        found = [(name, getattr(hints[name], "__forward_arg__", str(hints[name]))) for name in cls._fields]  # type: ignore[attr-defined]
    for name, member in inspect.getmembers(cls, lambda m: isinstance(m, property)):
        if not name.startswith("_"):
            found.append((name, str(inspect.signature(member.fget).return_annotation)))
    return found


def _comments(cls: type) -> dict[str, str]:
    """The comment on each field in the class's source, after it on its line or on the lines
    just above it: the reference's descriptions."""
    notes: dict[str, str] = {}
    above: list[str] = []
    for line in inspect.getsource(cls).splitlines():
        if line.strip().startswith("#"):
            above.append(line.strip().lstrip("#").strip())
            continue
        match = _FIELD.match(line)
        if match:
            note = match.group(2) or " ".join(above)
            if note:
                notes[match.group(1)] = note
        above = []
    return notes


def _doc(cls: type) -> str:
    return " ".join((inspect.getdoc(cls) or "").split())


def _property_note(cls: type, name: str) -> str:
    """A property's docstring, as one line: its description in the reference."""
    member = getattr(cls, name, None)
    return " ".join((member.__doc__ or "").split()) if isinstance(member, property) else ""


def _table(cls: type) -> Iterator[str]:
    notes = _comments(cls)
    rows = fields_of(cls)
    if not rows:
        return
    yield "| name | type | |"
    yield "|---|---|---|"
    for name, kind in rows:
        note = notes.get(name) or _property_note(cls, name)
        yield f"| `{name}` | `{kind.replace('|', '&#124;')}` | {note.replace('|', '&#124;')} |"


def reference() -> str:
    lines = [
        "### Page contexts",
        "",
        "Every template also gets the globals `site` (the settings), `page_url` (the page's own",
        "site path), `url(path)` and `abs_url(path)`. A `Crumb` is a (label, site path) pair.",
        "",
    ]
    by_class: dict[type, list[str]] = {}
    for template, cls in context.TEMPLATES.items():
        by_class.setdefault(cls, []).append(f"`{template}`")
    for cls, templates in by_class.items():
        lines += [f"#### {', '.join(templates)}: `{cls.__name__}`", "", _doc(cls), "", *_table(cls), ""]
    lines += ["### Views", ""]
    for cls in VIEWS:
        lines += [f"#### `{cls.__name__}`", "", _doc(cls), "", *_table(cls), ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(reference(), end="")
