"""Output: pages are written into a staging folder beside the output folder, then swapped in,
so readers (and `sitegen serve`) never see a half-written site."""

from __future__ import annotations

import os
import posixpath
import shutil
from collections.abc import Iterable
from pathlib import Path


def safe_target(root: Path, rel: str) -> Path:
    """The path of `rel` under `root`; ValueError for any path that would leave it.

    Checked on the text of the path: the staging folder is made afresh by us and holds no
    symlinks (static files are copied, links followed), so asking the disk about every folder
    of every path (what `resolve()` does) would cost time and prove nothing more."""
    norm = posixpath.normpath(rel) if rel else "."
    if "\0" in rel or norm.startswith("/") or norm in (".", "..") or norm.startswith("../"):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return root / norm


class StagingOutput:
    """Writes files under a fresh staging folder; refuses any path that would leave it."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.root = output_dir.parent / f".{output_dir.name}.staging-{os.getpid()}"
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        self.files_written = 0
        self._folders: set[Path] = {self.root}  # made already: one mkdir per folder, not per file

    def target(self, rel: str) -> Path:
        return safe_target(self.root, rel)

    def _folder_for(self, path: Path) -> None:
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)

    def write_text(self, rel: str, text: str) -> None:
        path = self.target(rel)
        self._folder_for(path)
        with open(path, "wb") as fh:
            fh.write(text.encode("utf-8"))
        self.files_written += 1

    def write_parts(self, rel: str, parts: Iterable[str]) -> None:
        """A file written piece by piece: never held whole."""
        path = self.target(rel)
        self._folder_for(path)
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(parts)
        self.files_written += 1

    def adopt(self, rel: str) -> None:
        """Count a file another process wrote into the staging folder."""
        self._folders.add(self.target(rel).parent)
        self.files_written += 1

    def carry(self, rel: str) -> bool:
        """Bring `rel` over unchanged from the current output folder (a hard link, else a copy);
        False when there is no such file to bring."""
        source = self.output_dir / rel
        if not source.is_file():
            return False
        path = self.target(rel)
        self._folder_for(path)
        try:
            os.link(source, path)
        except OSError:
            shutil.copy2(source, path)
        self.files_written += 1
        return True

    def copy_tree(self, source: Path) -> None:
        """Copy a static folder in; later copies (the site's own static/) override earlier ones."""
        if source.is_dir():
            shutil.copytree(source, self.root, dirs_exist_ok=True, symlinks=False)

    def commit(self) -> None:
        """Swap the staging folder in as the output folder and remove the previous site."""
        old = self.output_dir.parent / f".{self.output_dir.name}.old-{os.getpid()}"
        if self.output_dir.exists():
            os.replace(self.output_dir, old)
        os.replace(self.root, self.output_dir)
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
