"""Stopping on a signal: Ctrl-C (SIGINT) and a process manager's SIGTERM end a command quietly,
with the shell's exit codes (130 and 143), the worker pool stopped and the old site left whole."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt so every `finally` runs."""


def exit_code(stop: BaseException) -> int:
    return 143 if isinstance(stop, Terminated) else 130


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def install() -> None:
    """SIGTERM raises `Terminated` in the main thread (Python's default would end the process at
    once, with no clean-up). SIGUSR1 prints every thread's stack to stderr, so a command that
    hangs can be asked where (`kill -USR1 PID`). Only the main thread can set a handler:
    elsewhere this does nothing."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
        faulthandler.register(signal.SIGUSR1, all_threads=True)


@contextlib.contextmanager
def ignored() -> Iterator[None]:
    """Ctrl-C and SIGTERM held off while a command cleans up after the first one (main thread
    only; elsewhere signals never arrive anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def leave(code: int) -> None:
    """Exit now with `code`, once the command has cleaned up after a signal. Interpreter shutdown
    is skipped: after a Ctrl-C during a pooled build it ended the process by SIGINT in about one
    run in 30 (a return code of -2 rather than 130; measured, cause not found), and nothing is
    left for it to do (the staging folder is discarded and the workers are stopped before this)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
