"""Time and peak memory of `merge_summary` on one story of N articles.

A story picked up by hundreds of outlets (a wire story, a big event) is summarized in one call,
and every pair of its sentences is a candidate for "the same fact". This builds one synthetic
story of N variants with `synth.one_story` (outlets repeat past the 30–60 there are; every article
has its own id and date, five minutes apart) and times `merge_summary(articles, 120)` on it, each
size in a fresh process, so one size's memory never counts in another's.

In that process: sitegen is imported, the articles are unpickled, and a 3-article story is
summarized once (stemmers, stop words and other first-call costs); then the baseline is read
(`ru_maxrss`), the story is summarized once, timed, and the peak read again. The figure is the
peak minus the baseline: what the call itself added. The process runs with one BLAS thread, as
the build's workers do, and under an address-space cap (`--memory-cap`), so a size too big for
the machine fails with MemoryError rather than swapping.

    .venv/bin/python bench/summary_scale.py                  # 100, 200 and 500 articles
    .venv/bin/python bench/summary_scale.py --sizes 500 1000 --seed 3

Target: 500 articles in at most 5 s and 500 MiB. The exit code is 0 only when it is met (or when
no 500-article story was asked for and every size ran).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the sitegen of this checkout, not whichever is installed
sys.path.insert(1, str(REPO / "bench"))

MAX_WORDS = 120
TARGET_ARTICLES = 500
TARGET_SECONDS = 5.0
TARGET_MIB = 500.0
CHILD_TIMEOUT_S = 1800


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(input_path: Path, memory_cap_gib: float) -> dict[str, Any]:
    """Runs in the fresh process: what one merge_summary call on the pickled story costs."""
    if memory_cap_gib > 0:
        cap = int(memory_cap_gib * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from sitegen.summarize import merge_summary

    with input_path.open("rb") as fh:
        warm_up, articles = pickle.load(fh)
    merge_summary(warm_up, MAX_WORDS)
    gc.collect()
    baseline = peak_mib()
    result: dict[str, Any] = {
        "articles": len(articles),
        "sentences": sum(len(a.sentences) for a in articles),
        "sources": len({a.source for a in articles}),
        "baseline_mib": baseline,
    }
    start = time.perf_counter()
    try:
        summary = merge_summary(articles, MAX_WORDS)
    except MemoryError as exc:
        result["error"] = f"MemoryError: {exc}" if str(exc) else "MemoryError"
    else:
        result["lines"] = len(summary.sentences)
        result["only_in"] = sum(len(v) for v in summary.unique_sentences.values())
    result["seconds"] = time.perf_counter() - start
    result["peak_mib"] = peak_mib()
    result["added_mib"] = result["peak_mib"] - baseline
    return result


def run_size(n: int, seed: int, memory_cap_gib: float) -> dict[str, Any]:
    import synth

    articles = synth.to_articles(synth.one_story(n, seed))  # oldest first, as the build orders them
    warm_up = synth.to_articles(synth.one_story(3, seed + 1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story.pickle"
        with path.open("wb") as fh:
            pickle.dump((warm_up, articles), fh, protocol=pickle.HIGHEST_PROTOCOL)
        del articles, warm_up
        command = [sys.executable, __file__, "--child", str(path), "--memory-cap", str(memory_cap_gib)]
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            return {"articles": n, "error": f"no result within {CHILD_TIMEOUT_S} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return {"articles": n, "error": tail}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 500], metavar="N", help="articles")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the synthetic story")
    parser.add_argument(
        "--memory-cap", type=float, default=8.0, metavar="GIB", help="address-space cap of each run (0: none)"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.memory_cap)))
        return 0

    print(
        f"merge_summary(articles, {MAX_WORDS}) on one synthetic story (seed {args.seed}), "
        f"one fresh process per size, 1 BLAS thread, cap {args.memory_cap:g} GiB"
    )
    print(
        f"{'articles':>8}  {'sources':>7}  {'sentences':>9}  {'seconds':>8}  {'MiB added':>9}  {'baseline':>8}  lines"
    )
    met: bool | None = None
    failed = False
    for n in args.sizes:
        r = run_size(n, args.seed, args.memory_cap)
        if "error" in r and "seconds" not in r:
            print(f"{n:8d}  failed: {r['error']}")
            failed = True
            if n == TARGET_ARTICLES:
                met = False
            continue
        note = f"  {r['error']}" if "error" in r else ""
        print(
            f"{r['articles']:8d}  {r['sources']:7d}  {r['sentences']:9d}  {r['seconds']:8.2f}  "
            f"{r['added_mib']:9.0f}  {r['baseline_mib']:8.0f}  {r.get('lines', '-')}{note}"
        )
        failed |= "error" in r
        if n == TARGET_ARTICLES:
            met = "error" not in r and r["seconds"] <= TARGET_SECONDS and r["added_mib"] <= TARGET_MIB
    if met is None:
        print(f"\ntarget ({TARGET_ARTICLES} articles <= {TARGET_SECONDS:g} s and <= {TARGET_MIB:g} MiB): not measured")
        return 1 if failed else 0
    verdict = "met" if met else "NOT met"
    print(f"\ntarget: {TARGET_ARTICLES} articles in <= {TARGET_SECONDS:g} s and <= {TARGET_MIB:g} MiB added: {verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
