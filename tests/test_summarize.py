"""Merged summaries: attribution, near-duplicates shown once, the length budget, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitegen.model import Article
from sitegen.summarize import merge_summary


def article(id: str, source: str, *sentences: str) -> Article:
    return Article(
        id=id, path=f"{id}.md", title=id, source=source, date=None, lang="en", body_html="", sentences=tuple(sentences)
    )


A = article(
    "a",
    "Wire A",
    "Dockworkers at Port Calloway walked off the job on Monday, halting all container exports.",
    "The union demands a 12 percent raise over three years.",
    "Officials said talks would resume on Thursday in the capital.",
)
B = article(
    "b",
    "Wire B",
    "Dockworkers at Port Calloway walked off the job Monday, halting container exports.",
    "The strike is the first at the port since 1998.",
    "Talks are expected to resume Thursday, officials said.",
)


def test_reworded_sentences_are_one_fact_attributed_to_both_sources() -> None:
    summary = merge_summary([A, B], max_words=200)
    texts = [s.text for s in summary.sentences]
    dockworkers = [s for s in summary.sentences if "Dockworkers" in s.text]
    assert len(dockworkers) == 1, texts  # shown once, not once per variant
    assert dockworkers[0].sources == ("Wire A", "Wire B")
    raise_fact = next(s for s in summary.sentences if "12 percent" in s.text)
    assert raise_fact.sources == ("Wire A",)


def test_unique_sentences_per_variant() -> None:
    summary = merge_summary([A, B], max_words=200)
    assert summary.unique_sentences["a"] == ("The union demands a 12 percent raise over three years.",)
    assert summary.unique_sentences["b"] == ("The strike is the first at the port since 1998.",)


def test_length_budget_is_respected() -> None:
    summary = merge_summary([A, B], max_words=20)
    assert 0 < sum(len(s.text.split()) for s in summary.sentences) <= 20


def test_seed_summary_is_attributed_to_both_wires(seeds_site: Path) -> None:
    files = sorted((seeds_site / "content").iterdir())
    out = subprocess.run(
        [sys.executable, "-m", "sitegen", "summarize", "--max-words", "100", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        cwd=seeds_site,
    )
    lines = out.stdout.strip().splitlines()
    assert lines and sum(len(line.split()) for line in lines) <= 100
    assert any("Haniyeh" in line for line in lines)
