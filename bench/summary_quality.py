"""Merged-summary quality on DUC 2002 multi-document summarisation: ROUGE recall against human abstracts.

For each of the 59 DUC 2002 document sets, three 100-word summaries are scored against the set's
human 100-word abstracts (`references_100w`):

- sitegen: the `sitegen summarize --max-words 100` code path (`summarize_files`), run in process
  on the set's documents written as Markdown files with YAML front matter (`--cli`: by subprocess);
- Lead: the first 100 words of the earliest document;
- LexRank: threshold LexRank (Erkan & Radev 2004) with redundancy removal, written below.

Scoring: `rouge-score` ROUGE-1 and ROUGE-2 recall (Porter stemming), candidate and reference both cut
to their first 100 words, averaged over a set's references, then over the sets. The target is sitegen
at least 2.0 points above the better baseline on each metric. The script also checks once that the CLI
prints the in-process summary, and times `merge_summary` alone on 10-article stories (target < 50 ms).
The exit code is 0 only when all targets are met.

    .venv/bin/python bench/summary_quality.py              # all 59 sets
    .venv/bin/python bench/summary_quality.py --sets 5 --per-set
    .venv/bin/python bench/summary_quality.py --cli        # sitegen by subprocess for every set

Data: ../shared/data/duc2002/ (never copied here). Needs `rouge-score`: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import snowballstemmer
import yaml
from rouge_score import rouge_scorer
from sentencex import segment
from stop_words import get_stop_words

from sitegen.config import SiteConfig
from sitegen.diagnostics import Report
from sitegen.documents import ContentFile
from sitegen.load import dedupe_ids, load_file
from sitegen.model import Article
from sitegen.summarize import merge_summary, summarize_files

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "duc2002" / "duc2002_mds.jsonl"
MARGIN = 2.0  # ROUGE points sitegen must beat the better baseline by
TIMING_ARTICLES = 10
TIMING_REPEATS = 5
TIMING_TARGET_MS = 50.0
SYSTEMS = ("sitegen", "Lead", "LexRank")


@dataclass(frozen=True)
class Scores:
    rouge1: float  # recall x 100, averaged over the references
    rouge2: float
    words: int  # words scored (after the cut to max_words)


def load_sets(limit: int | None) -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        sets = [json.loads(line) for line in fh if line.strip()]
    return sets[:limit] if limit else sets


def first_words(text: str, n: int) -> str:
    """DUC's length rule: a summary counts only up to its n-th word."""
    return " ".join(text.split()[:n])


def date_order(docs: Sequence[dict]) -> list[int]:
    """Document indexes oldest first; the order in the file breaks ties (dates are days)."""
    return sorted(range(len(docs)), key=lambda i: (docs[i].get("date") or "9999", i))


# --- sitegen -------------------------------------------------------------------------------------


def write_docs(docs: Sequence[dict], folder: Path) -> list[Path]:
    """Each document as a Markdown file the way `sitegen import` writes one (empty fields left out)."""
    paths = []
    for i, doc in enumerate(docs):
        meta = {k: str(doc[k]) for k in ("id", "title", "date", "source") if doc.get(k) not in (None, "")}
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        path = folder / f"doc{i:02d}.md"
        path.write_text(f"---\n{front}---\n{doc['text'].strip()}\n", encoding="utf-8")
        paths.append(path)
    return paths


def sitegen_in_process(files: Sequence[Path], site: Path, max_words: int) -> str:
    summary, _ = summarize_files(files, SiteConfig(), max_words, site_dir=site)
    return " ".join(s.text for s in summary.sentences)


def sitegen_cli(files: Sequence[Path], site: Path, max_words: int) -> str:
    """What a user sees: `sitegen summarize` prints one summary sentence per line."""
    cmd = [sys.executable, "-m", "sitegen", "summarize", "--max-words", str(max_words), *(f.name for f in files)]
    out = subprocess.run(cmd, cwd=site, capture_output=True, text=True, check=False).stdout
    return " ".join(line.strip() for line in out.splitlines() if line.strip())


def load_articles(files: Sequence[Path], site: Path) -> list[Article]:
    """The articles `summarize_files` would merge, so `merge_summary` can be timed without file I/O."""
    config = SiteConfig()
    articles = []
    for path in files:
        article = load_file(ContentFile(path, path.name), path.read_bytes(), config).article
        if article is not None:
            articles.append(article)
    articles = dedupe_ids(articles, Report())
    articles.sort(key=lambda a: (a.date is None, a.date.timestamp() if a.date else 0.0, a.id))
    return articles


def time_merge(articles: Sequence[Article], max_words: int) -> float:
    """Median of a few warm calls in ms: the first call pays for caches (stemmer, stop words)."""
    merge_summary(articles, max_words)
    times = []
    for _ in range(TIMING_REPEATS):
        start = time.perf_counter()
        merge_summary(articles, max_words)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --- baselines -----------------------------------------------------------------------------------


def lead(docs: Sequence[dict], max_words: int) -> str:
    return first_words(docs[date_order(docs)[0]]["text"], max_words)


_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(get_stop_words("en"))
_PORTER = snowballstemmer.stemmer("porter")


def _tfidf(sentences: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows of lowercased, stop-word-free, Porter-stemmed tokens; IDF over the sentences."""
    terms = [_PORTER.stemWords([w for w in _TOKEN.findall(s.lower()) if w not in _STOP]) for s in sentences]
    vocab = {t: i for i, t in enumerate(sorted({t for ts in terms for t in ts}))}
    tf = np.zeros((len(terms), max(len(vocab), 1)))
    for row, ts in enumerate(terms):
        for t in ts:
            tf[row, vocab[t]] += 1.0
    matrix = tf * np.log(len(terms) / np.maximum((tf > 0).sum(axis=0), 1))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    result: np.ndarray = matrix / np.where(norms == 0, 1.0, norms)
    return result


def lexrank_scores(sim: np.ndarray, threshold: float = 0.1, damping: float = 0.85) -> np.ndarray:
    """Threshold LexRank (Erkan & Radev 2004, "LexRank: graph-based lexical centrality as salience in
    text summarization", JAIR 22): PageRank over the graph of sentence pairs with cosine >= threshold,
    each row divided by its degree, by power iteration."""
    adjacency = (sim >= threshold).astype(float)
    np.fill_diagonal(adjacency, 1.0)  # every sentence links to itself, so no row has degree 0
    transition = adjacency / adjacency.sum(axis=1, keepdims=True)
    n = len(sim)
    p = np.full(n, 1.0 / n)
    for _ in range(1000):
        nxt = (1.0 - damping) / n + damping * (transition.T @ p)
        converged = np.abs(nxt - p).sum() < 1e-10
        p = nxt
        if converged:
            break
    return p


def lexrank(docs: Sequence[dict], max_words: int) -> str:
    """Best-scored sentences, none with cosine >= 0.5 to one already taken, until max_words are reached
    (the last may run over; the scorer cuts it), then in reading order: (document date, position)."""
    rank = {d: r for r, d in enumerate(date_order(docs))}
    items = [  # (date rank, position, sentence)
        (rank[d], p, s)
        for d, doc in enumerate(docs)
        for p, s in enumerate(s.strip() for par in re.split(r"\n\s*\n", doc["text"]) for s in segment("en", par))
        if s
    ]
    vectors = _tfidf([s for _, _, s in items])
    sim = vectors @ vectors.T
    chosen: list[int] = []
    used = 0
    for i in np.argsort(-lexrank_scores(sim), kind="stable"):
        if used >= max_words:
            break
        if all(sim[i, j] < 0.5 for j in chosen):
            chosen.append(int(i))
            used += len(items[i][2].split())
    return " ".join(items[i][2] for i in sorted(chosen, key=lambda i: items[i][:2]))


# --- scoring -------------------------------------------------------------------------------------


def score(scorer: rouge_scorer.RougeScorer, candidate: str, references: Sequence[str], max_words: int) -> Scores:
    """Recall against each reference separately, averaged: sets with one reference count like the others."""
    cand = first_words(candidate, max_words)
    results = [scorer.score(first_words(ref, max_words), cand) for ref in references]
    return Scores(
        100 * statistics.mean(r["rouge1"].recall for r in results),
        100 * statistics.mean(r["rouge2"].recall for r in results),
        len(cand.split()),
    )


def check_cli(doc_set: dict, max_words: int) -> bool:
    """The benchmark measures the in-process call; this shows it is what the command prints."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        files = write_docs(doc_set["docs"], site)
        same = sitegen_cli(files, site, max_words) == sitegen_in_process(files, site, max_words)
    print(f"CLI check ({doc_set['cluster_id']}): CLI output {'matches' if same else 'DIFFERS from'} in-process summary")
    return same


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sets", type=int, metavar="N", help="only the first N document sets")
    parser.add_argument("--max-words", type=int, default=100, metavar="N", help="summary length (default: 100)")
    parser.add_argument("--cli", action="store_true", help="run sitegen by subprocess for every set")
    parser.add_argument("--per-set", action="store_true", help="print R1/R2 of each system for each set")
    args = parser.parse_args(argv)
    n = args.max_words

    start = time.perf_counter()
    sets = load_sets(args.sets)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    per_system: dict[str, list[Scores]] = {name: [] for name in SYSTEMS}
    timings: list[float] = []
    short: list[str] = []
    for doc_set in sets:
        docs, refs = doc_set["docs"], doc_set["references_100w"]
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp)
            files = write_docs(docs, site)
            run = sitegen_cli if args.cli else sitegen_in_process
            summaries = {"sitegen": run(files, site, n), "Lead": lead(docs, n), "LexRank": lexrank(docs, n)}
            if len(files) >= TIMING_ARTICLES:
                timings.append(time_merge(load_articles(files[:TIMING_ARTICLES], site), n))
        row = {name: score(scorer, text, refs, n) for name, text in summaries.items()}
        for name, s in row.items():
            per_system[name].append(s)
        if row["sitegen"].words < n // 2:
            short.append(f"{doc_set['cluster_id']} ({row['sitegen'].words} words)")
        if args.per_set:
            cells = "  ".join(f"{name} {s.rouge1:5.2f}/{s.rouge2:5.2f}" for name, s in row.items())
            print(f"{doc_set['cluster_id']}  {len(docs):2d} docs  {cells}  (R1/R2 recall)")

    print(f"\nDUC 2002: {len(sets)} sets, {n}-word summaries, ROUGE recall x100 (mean over references, then sets)\n")
    print(f"{'system':<8}  {'ROUGE-1':>7}  {'ROUGE-2':>7}  {'words':>5}")
    means = {}
    for name, rows in per_system.items():
        means[name] = (statistics.mean(s.rouge1 for s in rows), statistics.mean(s.rouge2 for s in rows))
        words = statistics.mean(s.words for s in rows)
        print(f"{name:<8}  {means[name][0]:7.2f}  {means[name][1]:7.2f}  {words:5.1f}")
    print()
    if short:
        print(f"sitegen summaries under {n // 2} words: {', '.join(short)}")

    met = args.cli or check_cli(sets[0], n)
    for metric, k in (("ROUGE-1", 0), ("ROUGE-2", 1)):
        ours, best = means["sitegen"][k], max(means["Lead"][k], means["LexRank"][k])
        ok = ours - best >= MARGIN
        met &= ok
        print(f"{metric}: sitegen {ours:.2f} vs best baseline {best:.2f} ({ours - best:+.2f}): {_verdict(ok)}")
    if timings:
        median = statistics.median(timings)
        ok = median < TIMING_TARGET_MS
        print(
            f"merge_summary, {TIMING_ARTICLES} articles: median {median:.1f} ms over {len(timings)} sets "
            f"(target < {TIMING_TARGET_MS:.0f} ms): {_verdict(ok)}"
        )
        met &= ok
    else:
        print(f"merge_summary: no set with >= {TIMING_ARTICLES} documents; NOT measured")
        met = False
    print(f"\n{time.perf_counter() - start:.1f} s")
    return 0 if met else 1


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    sys.exit(main())
