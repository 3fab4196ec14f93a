"""Diagnostics and the build report: what happened to every input file."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

SHOWN_PER_KIND = 5  # diagnostics of one kind printed before the rest are counted
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\S*[/\\]\S*|\d+")


class Level(StrEnum):
    NOTE = "note"  # expected conditions worth knowing (an undated wire); never fails --strict
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Diagnostic:
    """A problem with one input, located as precisely as we can."""

    path: str
    message: str
    line: int | None = None
    level: Level = Level.WARNING

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level.value}: {self.message}"

    def kind(self) -> str:
        """The message with its particulars (quoted values, paths, numbers) left out: diagnostics
        of one kind differ only in those."""
        return f"{self.level}:{_QUOTED.sub('_', self.message)}"


@dataclass(frozen=True)
class Skipped:
    """An input file that was read but not published, and why."""

    path: str
    reason: str


@dataclass
class Report:
    """Accumulates diagnostics across stages; the one mutable thing a build threads through."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files_read: int = 0
    articles_published: int = 0

    def note(self, path: str, message: str, line: int | None = None) -> None:
        self.diagnostics.append(Diagnostic(path, message, line, Level.NOTE))

    def warn(self, path: str, message: str, line: int | None = None) -> None:
        self.diagnostics.append(Diagnostic(path, message, line, Level.WARNING))

    def error(self, path: str, message: str, line: int | None = None) -> None:
        self.diagnostics.append(Diagnostic(path, message, line, Level.ERROR))

    def skip(self, path: str, reason: str, line: int | None = None) -> None:
        """A file that won't be published: a warning, since the rest of the site still builds."""
        self.skipped.append(Skipped(path, reason))
        self.warn(path, f"skipped: {reason}", line)

    @property
    def has_warnings(self) -> bool:
        """True when anything worse than a note was reported: what `--strict` fails on."""
        return any(d.level is not Level.NOTE for d in self.diagnostics)

    @property
    def has_errors(self) -> bool:
        """Errors mean part of the site could not be built (a broken template, a failed index)."""
        return any(d.level is Level.ERROR for d in self.diagnostics)

    def unique(self) -> list[Diagnostic]:
        """Each diagnostic once, by file and line: a broken template used by every page, or a
        file's warning replayed by two stages, is one problem."""
        return sorted(dict.fromkeys(self.diagnostics), key=lambda d: (d.path, d.line or 0, d.message))

    def summary_lines(self, verbose: bool = False) -> list[str]:
        """Every diagnostic, then the report line. Unless `verbose`, a kind of diagnostic that
        repeats (the same message about other files or values) shows its first few and a count:
        647 lines alike hide the one that differs."""
        unique = self.unique()
        kinds = [d.kind() for d in unique]
        shown = Counter(kinds)
        lines: list[str] = []
        printed: Counter[str] = Counter()
        for d, kind in zip(unique, kinds, strict=True):
            printed[kind] += 1
            if verbose or printed[kind] <= SHOWN_PER_KIND:
                lines.append(str(d))
            if not verbose and printed[kind] == SHOWN_PER_KIND and shown[kind] > SHOWN_PER_KIND:
                lines.append(f"  ... and {shown[kind] - SHOWN_PER_KIND} more like this (--verbose shows all)")
        lines.append(
            f"{self.files_read} files read, {self.articles_published} articles published, "
            f"{len(self.skipped)} skipped, {len(unique)} diagnostics"
        )
        return lines
