"""Progress bars for the long stages of a build, on a terminal only.

A build reports progress through a `Progress`: `start(stage, total)` gives the function the
stage calls with each batch done. Off a terminal (CI logs, pipes, `--quiet`) nothing is drawn
and the one-line summary each stage prints is all there is. On a terminal, rich draws a bar per
stage and clears it when the stage ends, leaving the summary lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

Advance = Callable[[int], None]


class Progress(Protocol):
    def __call__(self, stage: str, total: int | None) -> Advance: ...


def _ignore(_: int) -> None:
    return None


def no_progress(stage: str, total: int | None) -> Advance:
    return _ignore


@contextmanager
def terminal_progress() -> Iterator[Progress]:
    """Bars on standard error; what the build prints meanwhile goes above them."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bars:

        def start(stage: str, total: int | None) -> Advance:
            for old in list(bars.task_ids):  # one bar at a time: the previous stage is over
                bars.remove_task(old)
            task = bars.add_task(stage, total=total)
            return lambda n: bars.advance(task, n)

        yield start
