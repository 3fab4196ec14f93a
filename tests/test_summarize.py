"""Merged summaries: attribution, near-duplicates shown once, the length budget, the CLI."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from html5lib import parse

from conftest import quiet_build, read_stories
from sitegen.model import Article
from sitegen.summarize import merge_summary, representative_title


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


def test_coverage_counts_sources_per_sentence() -> None:
    c = article("c", "Wire C", "Dockworkers at Port Calloway walked off the job on Monday, halting container exports.")
    summary = merge_summary([A, B, c], max_words=200)
    # all three; only A; and no claim either way for "talks would resume on Thursday in the
    # capital" against B's "talks are expected to resume Thursday": close, but each says
    # something the other does not
    assert summary.coverage["a"] == (3, 1, 0)
    assert summary.coverage["c"] == (3,)
    assert summary.carriers["c"] == (("a", "b", "c"),)


def test_headline_is_the_title_closest_to_the_others() -> None:
    titles = [
        "Storm closes port",
        "Dockworkers strike closes Port Calloway exports",
        "Port Calloway dockworkers strike over pay",
        "Exports halted as Port Calloway dockworkers strike",
    ]
    variants = [replace(A, id=str(i), title=t) for i, t in enumerate(titles)]
    assert representative_title(variants) in titles[1:]
    assert representative_title(variants[:2]) == titles[0]  # two headlines: the earliest


def test_seed_variants_show_what_only_one_wire_reports(seeds_site: Path) -> None:
    """The seeds' unique facts, in stories.json and on the page, marked with words as well as colour."""
    quiet_build(seeds_site, search=False)
    (story,) = read_stories(seeds_site)
    unique = {a["id"]: " ".join(a["unique_sentences"]) for a in story["articles"]}
    first, second = "000_195430f04631b808", "001_b05ba9de3f9c4bcc"
    # only what shares no name, figure or wording with the other wire is called unique: the
    # Security Council paragraphs only the first wire has
    assert "The Biden Administration has already vetoed resolutions" in unique[first]
    assert "The Security Council has already met six times" in unique[first]
    assert unique[second] == ""
    # "This is the second visit by Haniyeh to Egypt" names Haniyeh and Egypt, as the first wire
    # does elsewhere: no claim that it is unique
    assert "second visit by Haniyeh" not in unique[first] + unique[second]
    assert "129 hostages" not in unique[first] + unique[second]  # both carry it, reworded

    page = parse((seeds_site / "public" / story["path"] / "index.html").read_bytes(), namespaceHTMLElements=False)
    marked = {
        " ".join("".join(span.itertext()).split()): span.get("class")
        for span in page.iter("span")
        if (span.get("class") or "").startswith("s s-")
    }
    only = [text for text, kind in marked.items() if kind == "s s-only"]
    assert any(t.startswith("The Biden Administration has already vetoed") and t.endswith("only here") for t in only)
    hostages = [kind for text, kind in marked.items() if "129 hostages" in text]
    assert len(hostages) == 2 and "s s-only" not in hostages  # one per variant, neither marked unique
    # the first wire's lead is carried whole by the second's; the second's names the date (20) too,
    # which the first never states, so it gets no label rather than "all sources"
    led = {text[:80]: kind for text, kind in marked.items() if text.startswith("A Hamas delegation, led by")}
    assert sorted(led.values()) == ["s s-all", "s s-open"]
    labels = {"s s-all": "all sources", "s s-only": "only here", "s s-open": ""}
    assert all(text.endswith(labels[kind]) for text, kind in marked.items())
    # what only one wire reports is marked in its text, not listed a second time beside it
    asides = [a for a in page.iter("aside") if (a.get("aria-label") or "").startswith("Only in")]
    assert asides == []

    # what search indexes: every fact once. The coverage labels, the legend and the "only in"
    # lists (copies of marked sentences) are left out, and so are the sentences every source
    # carries once a variant before has shown them
    ignored = {id(inner) for e in page.iter() if e.get("data-pagefind-ignore") is not None for inner in e.iter()}
    assert all(id(e) in ignored for e in page.iter("small") if e.get("class") == "cov")
    assert any(id(e) in ignored for e in page.iter("p") if e.get("class") == "legend")
    variants = [e for e in page.iter("article") if e.get("class") == "variant"]
    for n, variant in enumerate(variants):
        shared = [e for e in variant.iter("span") if e.get("class") == "s s-all"]
        assert shared and all((id(e) in ignored) == (n > 0) for e in shared)
        assert not any(id(e) in ignored for e in variant.iter("span") if e.get("class") == "s s-only")


def test_sentence_vectors_do_not_depend_on_what_the_process_summarized_before() -> None:
    """Term ids are handed out per process, in the order terms are met. The vectors of a story
    must come out the same whatever ids its terms got: columns in another order sum in another
    order, which can tip a near tie (a rebuild after a killed build once summarized a story
    differently from a clean build)."""
    import numpy as np
    import scipy.sparse

    import sitegen.summarize as summarize

    def vectors() -> scipy.sparse.csr_matrix:
        return summarize._vectors([summarize._term_ids(s, "en") for s in A.sentences + B.sentences])

    summarize._TERM_IDS.clear()
    summarize._sentence_ids.cache_clear()
    first = vectors()
    summarize._TERM_IDS.clear()
    summarize._sentence_ids.cache_clear()
    for sentence in reversed(B.sentences + A.sentences):  # the same terms, met in another order
        summarize._term_ids(sentence + " Thursday capital", "en")
    assert np.array_equal(vectors().toarray(), first.toarray())
