"""A chip is a promise: the credited outlet has a sentence that says what the line says.

Checked on hand-made cases (chaining through a third report, a disagreeing figure), on the
sample archive's Ridgeback Fire story as a reader sees it, and against the hand-written gold of
every multi-source story in the sample archive (tests/sample_alignment_gold.json)."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from html5lib import parse

from conftest import REPO, quiet_build, read_stories
from sitegen.build import load_stage
from sitegen.config import load_config
from sitegen.diagnostics import Report
from sitegen.memo import Memo
from sitegen.model import Article
from sitegen.summarize import clean_line, merge_summary, summary_worthy

DAY = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


def report(id: str, source: str, *sentences: str, hours: int = 0) -> Article:
    return Article(
        id=id,
        path=f"{id}.md",
        title=id,
        source=source,
        date=DAY + timedelta(hours=hours),
        lang="en",
        sentences=tuple(sentences),
    )


def credited(summary_line_text: str, articles: list[Article]) -> tuple[str, ...]:
    (line,) = [s for s in merge_summary(articles, 200).sentences if s.text == summary_line_text]
    return line.sources


def test_no_chaining_through_a_third_report() -> None:
    """A reports the fees, C the veto, B both in one sentence. Grouping "A like B, B like C" once
    credited all three with B's sentence: A never reports the veto, C never the fees."""
    fees = "The Port Calloway council approved new parking fees for the harbour district on Tuesday."
    both = (
        "The Port Calloway council approved new parking fees for the harbour district on Tuesday, "
        "but mayor Ilse Brandt vetoed the plan hours later."
    )
    veto = "Mayor Ilse Brandt vetoed the harbour parking plan hours after the council vote on Tuesday."
    a = report("a", "Wire A", fees, "Traders in the district said the fees would drive shoppers away.")
    b = report("b", "Wire B", both, "Council members have 30 days to override the veto.", hours=1)
    c = report("c", "Wire C", veto, "It was the mayor's third veto this year.", hours=2)
    summary = merge_summary([a, b, c], 200)
    assert summary.carriers["a"][0] == ("a", "b")  # B states A's fees; C does not
    assert summary.carriers["b"][0] == ("b",)  # nobody else states both the fees and the veto
    assert summary.carriers["c"][0] == ("b", "c")  # B states C's veto (hours after Tuesday's vote); A does not
    sources = {"a": "Wire A", "b": "Wire B", "c": "Wire C"}
    for line in summary.sentences:  # a line's chips are the carriers of the sentence it shows
        assert line.origin is not None
        article_id, index = line.origin
        assert line.sources == tuple(sources[x] for x in summary.carriers[article_id][index])
        assert len(line.sources) < 3


def test_a_disagreeing_figure_is_never_the_same_fact() -> None:
    one = report("one", "Wire A", "The storm destroyed 1,200 homes in the Larkin valley on Sunday night.")
    other = report("other", "Wire B", "The storm destroyed 1,100 homes in the Larkin valley on Sunday night.", hours=3)
    summary = merge_summary([one, other], 200)
    assert summary.sentences and all(len(s.sources) == 1 for s in summary.sentences)
    # so close that neither may be called unique either: no label at all
    assert summary.coverage == {"one": (0,), "other": (0,)}
    assert summary.unique_sentences == {"one": (), "other": ()}


def test_a_source_that_says_more_is_credited_and_one_that_says_less_is_not() -> None:
    short = "The fire was 15 percent contained on Saturday evening."
    long = (
        "The fire, which started on Friday afternoon in dry grass, had burned about 7,400 hectares "
        "by Saturday evening and was 15 percent contained."
    )
    a = report("a", "Wire A", short)
    b = report("b", "Wire B", long, hours=2)
    summary = merge_summary([a, b], 200)
    assert summary.carriers["a"] == (("a", "b"),)  # B states all of A's line
    assert summary.carriers["b"] == (("b",),)  # A states part of B's: no chip
    assert credited(short, [a, b]) == ("Wire A", "Wire B")


def test_datelines_fragments_and_list_items_are_not_summary_lines() -> None:
    assert clean_line("WASHINGTON (AP) - The Senate passed the harbour bill on Tuesday.") == (
        "The Senate passed the harbour bill on Tuesday."
    )
    assert clean_line("VALDELUNA — El Almarena ganó la Copa.") == "El Almarena ganó la Copa."
    assert clean_line("NATO leaders met on Monday.") == "NATO leaders met on Monday."  # no dash: no dateline
    assert not summary_worthy("San Francisco did not.", 4)
    assert not summary_worthy("U.S. Committee for UNICEF annual report summary page", 8)  # a heading
    assert not summary_worthy("- The council will meet again on the 14th of May.", 10)  # a list item
    assert summary_worthy("The council will meet again on the 14th of May.", 10)
    wire = report(
        "w",
        "Wire A",
        "WASHINGTON (AP) — The Senate passed the harbour dredging bill by 61 votes to 39 on Tuesday.",
        "U.S. Committee for UNICEF",
    )
    lines = [s.text for s in merge_summary([wire], 200).sentences]
    assert lines == ["The Senate passed the harbour dredging bill by 61 votes to 39 on Tuesday."]


def test_lines_read_in_the_order_the_story_was_reported() -> None:
    first = report("first", "Wire A", "A magnitude 6.2 earthquake struck the town of Huaranco before dawn on Monday.")
    later = report(
        "later",
        "Wire B",
        "Rescuers in Huaranco pulled two survivors from a collapsed school on Tuesday afternoon.",
        "A magnitude 6.2 earthquake struck the town of Huaranco before dawn on Monday.",
        hours=30,
    )
    lines = [s.text for s in merge_summary([first, later], 200).sentences]
    assert lines == [first.sentences[0], later.sentences[0]]


def test_the_ridgeback_fire_page_credits_each_line_to_the_outlets_that_report_it(tmp_path: Path) -> None:
    """The issue's cases: the fire chief's line about the western edge of town carried all five
    sources (only Capital Ledger says it), and Valley Courier's "Winds shifted around noon" quote
    was labelled "all sources"."""
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    (story,) = [s for s in read_stories(site) if "Ridgeback" in " ".join(a["title"] for a in s["articles"])]
    assert len(story["sources"]) == 5
    for line in story["summary"]:
        if "western edge of town" in line["text"]:
            assert line["sources"] == ["Capital Ledger"]
        assert line["sources"]
    page = parse((site / "public" / story["path"] / "index.html").read_bytes(), namespaceHTMLElements=False)
    spans = [s for s in page.iter("span") if "Winds shifted around noon" in "".join(s.itertext())]
    assert spans and all(s.get("class") not in ("s s-all", "s s-some") for s in spans)
    western = [s for s in page.iter("span") if "western edge of town" in "".join(s.itertext())]
    assert western and all(s.get("class") not in ("s s-all", "s s-some") for s in western)
    legend = next(p for p in page.iter("p") if p.get("class") == "legend")
    words = " ".join("".join(legend.itertext()).split())
    assert words.count("all sources") == 1 and words.count("only here") == 1  # each label once


def test_chips_and_only_here_against_the_sample_gold() -> None:
    """Every chip on every summary line, and every "only here", checked against the claims a
    person wrote down for each multi-source story of the sample archive. A chip is true when the
    credited outlet has a sentence stating every claim of the line's sentence; "only here" when no
    other outlet states any of its claims. Figures measured: chips 22 of 22 true, recall 0.60;
    "only here" 69 of 70 (bench/attribution_quality.py)."""
    articles, _, _ = load_stage(REPO, load_config(REPO), Report(), Memo(None))
    by_id = {a.id: a for a in articles}
    stories = json.loads((REPO / "tests" / "sample_archive_gold.json").read_text("utf-8"))
    gold = json.loads((REPO / "tests" / "sample_alignment_gold.json").read_text("utf-8"))["stories"]
    claims: dict[tuple[str, int], set[int]] = defaultdict(set)
    for key, story in gold.items():
        for n, claim in enumerate(story["claims"]):
            for article_id, index, opening in claim["carriers"]:
                assert " ".join(by_id[article_id].sentences[index].split()[:5]) == opening  # the gold still fits
                claims[(article_id, index)].add(hash((key, n)))
    true_chips = false_chips = missed = true_only = false_only = 0
    for key in gold:
        members = sorted(
            (by_id[a] for a, k in stories.items() if k == key),
            key=lambda a: (a.date is None, a.date.timestamp() if a.date else 0.0, a.id),
        )
        summary = merge_summary(members, 120)

        def states(line: set[int], source: str, members: list[Article] = members) -> bool:
            return any(
                line <= claims[(b.id, j)] for b in members if b.source == source for j in range(len(b.sentences))
            )

        for line in summary.sentences:
            assert line.origin is not None
            article_id, index = line.origin
            own = by_id[article_id].source
            stated = claims[line.origin]
            for source in {a.source for a in members} - {own}:
                if source in line.sources:
                    true_chips += states(stated, source)
                    false_chips += not states(stated, source)
                else:
                    missed += states(stated, source)
        for a in members:
            for index, count in enumerate(summary.coverage[a.id]):
                if count == 1:
                    elsewhere = any(
                        claims[(a.id, index)] & claims[(b.id, j)]
                        for b in members
                        if b.source != a.source
                        for j in range(len(b.sentences))
                    )
                    true_only += not elsewhere
                    false_only += elsewhere
    assert true_chips / (true_chips + false_chips) >= 0.98, (true_chips, false_chips)
    assert true_only / (true_only + false_only) >= 0.98, (true_only, false_only)
    assert true_chips / (true_chips + missed) >= 0.5, (true_chips, missed)  # recall: today 0.60


def test_headline_feeds_summarize_as_statements_and_questions_credit_nobody() -> None:
    """Headline-only records (the UCI feed) are one sentence with no full stop: a statement may be
    a line; a question or a headline its feed cut short ("... 792p, likely ...") may not, and a
    question states nothing, so it is no outlet's evidence for a line."""
    statement = "Microsoft counts on Titanfall to fire up Xbox One sales"
    question = "Can Microsoft's Titanfall raise Xbox One sales?"
    cut = "Titanfall on Xbox One is 792p at launch, resolution likely ..."
    copy = "Microsoft counts on shooter game Titanfall to fire up Xbox One sales"
    articles = [
        report("s", "Reuters", statement),
        report("q", "Forbes", question, hours=1),
        report("c", "VG247", cut, hours=2),
        report("r", "Yahoo News", copy, hours=3),
    ]
    summary = merge_summary(articles, 200)
    lines = {s.text: s.sources for s in summary.sentences}
    assert question not in lines and cut not in lines
    assert lines[statement] == ("Reuters", "Yahoo News")
    assert summary.carriers["q"] == (("q",),)
