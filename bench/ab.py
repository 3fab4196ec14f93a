"""Two commits of sitegen on one synthetic archive: is a change faster or slower, and by how much?

Times across days on this machine differ by up to 2x, so a change is judged against its parent
in one run. Each commit is checked out into a temporary git worktree and run with this venv's
Python (`PYTHONPATH` set to the worktree, so its code, not the installed one, is imported).
Every repeat builds each commit in turn (paired runs): a clean build (`build --no-search` on a
fresh copy of the archive), then a warm build after appending a sentence to one article, then
another after editing a second article. The first warm build links every unchanged page into
the kept staging folder; the second finds most of them linked already, as every later build of
a site in use does ("steady"). Wall time and peak RSS come from `os.wait4`, as in
`bench/peers.py`.

    python bench/ab.py 1a8184e HEAD                  # 10,000 articles, 2 repeats
    python bench/ab.py HEAD~1 HEAD --articles 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import synth
from peers import Run, count_html, run_measured

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 1800.0


def worktree(commit: str, folder: Path) -> Path:
    command = ["git", "-C", str(REPO), "worktree", "add", "--detach", "-f", str(folder), commit]
    subprocess.run(command, check=True, capture_output=True)
    return folder


def build(code: Path, site: Path, log: Path) -> Run:
    env_python = [sys.executable, "-m", "sitegen", "build", "--no-search"]
    os.environ["PYTHONPATH"] = str(code)
    try:
        return run_measured(env_python, site, log, TIMEOUT)
    finally:
        del os.environ["PYTHONPATH"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sitegen-ab-") as tmp:
        work = Path(tmp)
        synth.write_site(synth.iter_articles(args.articles, args.seed), work / "corpus")
        names = {"before": args.before, "after": args.after}
        code = {label: worktree(commit, work / f"code-{label}") for label, commit in names.items()}
        kinds = ("clean", "warm", "steady")
        times: dict[str, dict[str, list[float]]] = {label: {kind: [] for kind in kinds} for label in names}
        pages: dict[str, int] = {}
        try:
            for n in range(args.repeat):
                for label in names:
                    site = work / f"site-{label}"
                    shutil.rmtree(site, ignore_errors=True)
                    shutil.copytree(work / "corpus" / "content", site / "content")
                    clean = build(code[label], site, work / f"{label}-clean.log")
                    runs = [clean]
                    for edited in sorted(site.glob("content/*/*.md"))[:2]:
                        with edited.open("a", encoding="utf-8") as fh:
                            fh.write("\nOne more sentence arrived after the first report.\n")
                        runs.append(build(code[label], site, work / f"{label}-warm.log"))
                    for kind, run in zip(kinds, runs, strict=True):
                        if not run.ok:
                            print(f"{label} {kind} build failed: {run.note}", file=sys.stderr)
                            return 1
                        times[label][kind].append(run.seconds)
                    pages[label] = count_html(site / "public")
                    peak = clean.peak_kib / 1024
                    print(
                        f"repeat {n + 1} {label:6} clean {clean.seconds:6.2f} s  warm {runs[1].seconds:5.2f} s  "
                        f"steady {runs[2].seconds:5.2f} s  "
                        f"peak {peak:,.0f} MiB  {pages[label]:,} HTML files",
                        flush=True,
                    )
        finally:
            for folder in code.values():
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)], check=False)

    print(f"\n{args.articles:,} articles, {args.repeat} paired repeats, medians:")
    for kind in kinds:
        before, after = (statistics.median(times[label][kind]) for label in names)
        print(f"{kind:6}  {args.before}: {before:6.2f} s   {args.after}: {after:6.2f} s   ratio {after / before:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
