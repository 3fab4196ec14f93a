"""Who reported a fact first, updates and disagreements (issue 20): the same-fact test for two
figures, the time rules, and the sample archive's planted cases through stories.json and the
built story pages (tests/sample_provenance_gold.json)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import html5lib
import pytest

from conftest import REPO, axe_violations, quiet_build, read_stories
from sitegen import same_fact
from sitegen.model import Article
from sitegen.summarize import merge_summary

GOLD = json.loads((REPO / "tests" / "sample_provenance_gold.json").read_text("utf-8"))
STORY_OF = json.loads((REPO / "tests" / "sample_archive_gold.json").read_text("utf-8"))


def _revision(a: str, b: str) -> tuple[float, float] | None:
    return same_fact.revision(same_fact.sentence(a), same_fact.sentence(b))


def test_one_fact_two_figures_is_found() -> None:
    assert _revision(
        "The fire had burned 7,400 hectares of forest near Ashford by Saturday evening.",
        "The fire had burned 11,000 hectares of forest near Ashford by Saturday evening.",
    ) == (7400.0, 11000.0)
    assert _revision(
        "Police arrested three protesters outside parliament in Halvern, officials said.",
        "Police arrested five protesters outside parliament in Halvern.",
    ) == (3.0, 5.0)
    # reworded away from the figure: still one fact
    assert _revision(
        "Officials said the overnight fire destroyed 12 homes on the coast road in Ashby Cove.",
        "The overnight fire destroyed 14 homes on the coast road in Ashby Cove, authorities reported.",
    ) == (12.0, 14.0)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # another thing happened to another count: not one fact
        (
            "Three people died in the crash on the motorway near Ashford.",
            "Five people were injured in the crash on the motorway near Ashford.",
        ),
        # another place
        (
            "Gas prices rose four cents in Ohio over the past week.",
            "Gas prices rose two cents in Michigan over the past week.",
        ),
        # another year, another time of day, another day of the month
        (
            "The company made a profit of 40 million in 2023, the report said.",
            "The company made a profit of 40 million in 2024, the report said.",
        ),
        (
            "The shuttle is scheduled to land at 9:49 a.m. at Edwards Air Force Base.",
            "The shuttle is scheduled to land at 9:48 a.m. at Edwards Air Force Base.",
        ),
        (
            "Counties have been declared disaster areas since May 29 because of flooding.",
            "Counties have been declared disaster areas since May 25 because of flooding.",
        ),
        # figures of different things
        (
            "Sbarro files for second bankruptcy in three years after sales fall.",
            "Sbarro files for chapter 11 bankruptcy after sales fall.",
        ),
        # a word swapped beside the figure: another thing happened
        (
            "The overnight fire destroyed 12 homes on the coast road in Ashby Cove, officials said.",
            "The overnight fire damaged 14 homes on the coast road in Ashby Cove, officials said.",
        ),
        # another currency and another way of writing it: $2 million is about £1.2m
        (
            "Colorado collects $2 million in taxes on cannabis in January.",
            "Colorado collects £1.2m in taxes on cannabis in January.",
        ),
        # a feed's stray figures, in different places
        (
            "UPDATE 1-Mt. Gox files for US bankruptcy to halt class action",
            "Mt. Gox files for US bankruptcy to halt class action 0",
        ),
        # a negation
        (
            "The storm destroyed 12 homes in Ashby Cove overnight.",
            "The storm did not destroy 14 homes in Ashby Cove overnight.",
        ),
    ],
)
def test_two_facts_with_figures_are_not_one(a: str, b: str) -> None:
    assert _revision(a, b) is None


def _article(n: int, source: str, text: str, date: datetime | None) -> Article:
    filler = f"Report {n} of {source} adds a sentence of its own about the harbour and the weather {n}."
    return Article(
        id=f"a{n}", path=f"a{n}.md", title=f"Storm report {n}", source=source, date=date, lang="en",
        sentences=(text, filler),
    )  # fmt: skip


TWELVE = "The storm wrecked 12 homes in Ashby Cove overnight, the county emergency office said."
FOURTEEN = "The storm wrecked 14 homes in Ashby Cove overnight, the county emergency office said."
START = datetime(2025, 6, 2, 6, 50, tzinfo=UTC)


def _kinds(later: timedelta | None, start: datetime | None = START, second: str = FOURTEEN) -> list[str]:
    articles = [
        _article(1, "Capital Ledger", TWELVE, start),
        _article(2, "Northwind Wire", second, None if later is None or start is None else start + later),
    ]
    return [r.kind for r in merge_summary(articles, 120).revisions]


def test_the_time_between_two_figures_decides_what_they_are() -> None:
    assert _kinds(timedelta(hours=1, minutes=30)) == ["disagreement"]
    assert _kinds(timedelta(hours=30)) == ["update"]
    assert _kinds(timedelta(hours=9)) == []  # between the two: no claim either way
    assert _kinds(None) == []  # an undated report's order is unknown
    # dated by day alone, the same day: they may be minutes or a day apart
    assert _kinds(timedelta(0), start=datetime(2025, 6, 2, tzinfo=UTC)) == []
    assert _kinds(timedelta(days=2), start=datetime(2025, 6, 2, tzinfo=UTC)) == ["update"]
    # a bound ("more than 12") disagrees with no count, but can be updated
    bound = "The storm wrecked more than 12 homes in Ashby Cove overnight, the county emergency office said."
    articles = [_article(1, "Capital Ledger", bound, START), _article(2, "Northwind Wire", FOURTEEN, START)]
    assert [r.kind for r in merge_summary(articles, 120).revisions] == []


def test_a_line_names_its_first_report_and_claims_less_when_unsure() -> None:
    text = "The county opened the Ashby Cove primary school as a shelter for residents overnight."
    day = datetime(2025, 6, 2, tzinfo=UTC)
    articles = [
        _article(1, "Capital Ledger", text, START),
        _article(2, "Northwind Wire", text, START + timedelta(hours=5)),
        _article(3, "Harbor Gazette", text, START + timedelta(hours=26)),
    ]
    line = next(s for s in merge_summary(articles, 120).sentences if s.text == text)
    assert line.first_sources == ("Capital Ledger",) and line.first_published == START
    assert line.later_outlets == 2 and line.last_published == START + timedelta(hours=26)
    # dated by day alone, two reports the same day tie: both are named
    tied = [_article(1, "Capital Ledger", text, day), _article(2, "Northwind Wire", text, day)]
    line = next(s for s in merge_summary(tied, 120).sentences if s.text == text)
    assert set(line.first_sources) == {"Capital Ledger", "Northwind Wire"}
    # an undated carrier may have come first: none is named
    undated = [_article(1, "Capital Ledger", text, START), _article(2, "Northwind Wire", text, None)]
    line = next(s for s in merge_summary(undated, 120).sentences if s.text == text)
    assert line.first_sources == () and line.first_published is None


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    site = tmp_path_factory.mktemp("provenance") / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    by_article = {a["id"]: s for s in read_stories(site) for a in s["articles"]}
    return site / "public", by_article


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def test_the_sample_archive_shows_exactly_its_planted_updates_and_disagreements(
    sample: tuple[Path, dict[str, dict[str, Any]]],
) -> None:
    public, by_article = sample
    stories = {s["id"]: s for s in by_article.values()}
    found = [(s["id"], kind) for s in stories.values() for kind in ("updates", "disagreements") for _ in s[kind]]
    assert len(found) == len(GOLD["planted"])  # nothing else in the sample is claimed
    for planted in GOLD["planted"]:
        story = by_article[planted["sentences"][0][0]]
        assert {STORY_OF[a["id"]] for a in story["articles"]} == {planted["story"]}  # the story holds just its own
        (entry,) = story[planted["kind"] + "s"]
        figures = [v["figure"] for v in entry["versions"]]
        if planted["kind"] == "update":
            assert figures == planted["figures"]  # oldest first
        else:
            assert sorted(figures) == sorted(planted["figures"])
        given = {article for article, _ in planted["sentences"]}
        for version in entry["versions"]:
            assert set(version["article_ids"]) <= given
            assert version["first_published"] == min(
                a["date"] for a in story["articles"] if a["id"] in version["article_ids"]
            )
        # the story page says so, on the line that carries the fact
        page = html5lib.parse((public / story["path"] / "index.html").read_bytes(), namespaceHTMLElements=False)
        notes = [_text(p) for p in page.iter() if "change" in (p.get("class") or "").split()]
        assert len(notes) == 1
        if planted["kind"] == "update":
            line = story["summary"][entry["line"]]
            assert planted["figures"][-1] in line["text"].split()  # the line gives the latest figure
            assert notes[0].startswith(f"Updated from {planted['figures'][0]} (Northwind Wire +1 more, 14 Mar")
        else:
            assert notes[0].startswith("Reports differ:")
            for version in entry["versions"]:
                assert version["figure"] in notes[0] and version["sources"][0] in notes[0]
    how = [
        p
        for p in html5lib.parse((public / story["path"] / "index.html").read_bytes(), namespaceHTMLElements=False).iter(
            "p"
        )
        if p.get("class") == "how"
    ]
    assert len(how) == 1 and "six hours" in _text(how[0])


def test_first_reports_on_the_sample_pages_are_their_earliest_carriers(
    sample: tuple[Path, dict[str, dict[str, Any]]],
) -> None:
    public, by_article = sample
    stories = {s["id"]: s for s in by_article.values()}
    named = 0
    for story in stories.values():
        dates = {a["id"]: a["date"] for a in story["articles"]}
        source = {a["id"]: a["source"] for a in story["articles"]}
        for line in story["summary"]:
            if not line["first_sources"]:
                continue
            named += 1
            earliest = min(dates[a] for a in line["article_ids"])
            assert line["first_published"] == earliest
            assert set(line["first_sources"]) <= {source[a] for a in line["article_ids"] if dates[a] == earliest}
            assert line["first_source"] == (line["first_sources"][0] if len(line["first_sources"]) == 1 else None)
    assert named >= 20
    ferry = by_article["northwind-wire/marlow-sound-ferry-capsizes"]
    page = html5lib.parse((public / ferry["path"] / "index.html").read_bytes(), namespaceHTMLElements=False)
    items = [
        _text(li)
        for li in page.iter("li")
        if li.find("span") is not None and li.find("span").get("class") == "sentence"
    ]
    shown = 0
    for line in ferry["summary"]:
        (item,) = [i for i in items if i.startswith(line["text"])]
        if line["first_sources"] and len(set(line["sources"])) > 1:
            shown += 1
            assert f"First: {', '.join(line['first_sources'])}, " in item
        else:  # unsure, or one outlet's line: its chip says who
            assert "First:" not in item
    assert shown >= 1


def test_the_notes_read_on_a_phone_and_pass_axe(
    sample: tuple[Path, dict[str, dict[str, Any]]], serve_dir: Any, browser: Any, axe_script: str
) -> None:
    """On a 390 px screen each note sits under its line, wraps inside the page (nothing scrolls
    sideways), is set no smaller than 12 px, and the disagreement names both outlets; axe finds
    nothing serious on either story page."""
    public, by_article = sample
    base = serve_dir(public)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for planted in GOLD["planted"]:
        story = by_article[planted["sentences"][0][0]]
        page.goto(base + story["path"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        note = page.locator(".summary .change").first
        assert note.is_visible()
        line, box = note.locator("xpath=ancestor::li[1]").bounding_box(), note.bounding_box()
        assert line is not None and box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and line["y"] < box["y"]
        assert float(note.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 12
        text = " ".join(note.inner_text().split())
        item = " ".join(note.locator("xpath=ancestor::li[1]").inner_text().split())
        for figure in planted["figures"]:  # the line and its note give every figure
            assert figure in item.split()
        if planted["kind"] == "disagreement":
            for version in story["disagreements"][0]["versions"]:
                assert version["sources"][0] in text
        assert axe_violations(page, axe_script) == []
    context.close()


def test_no_update_when_an_unrecognised_report_may_repeat_the_old_figure() -> None:
    """An update says every report of the old figure came before the new one. A report with a
    sentence close to the fact that was not recognised as giving either figure, published after
    the last known report of the old one, may repeat it: then no update is claimed."""
    from sitegen import provenance

    def articles(late: timedelta) -> list[Article]:
        return [
            _article(0, "Capital Ledger", TWELVE, START),
            _article(1, "Northwind Wire", FOURTEEN, START + timedelta(hours=30)),
            _article(2, "Harbor Gazette", "Twelve houses on the coast were wrecked, officials said.", START + late),
        ]

    conflicts = [(0, 1, 12.0, 14.0, False)]
    carriers = [{0}, {1}]

    def kinds(late: timedelta, near: dict[int, set[int]]) -> list[str]:
        found, _ = provenance.revisions(conflicts, carriers, articles(late), near)
        return [kind for kind, _ in found]

    assert kinds(timedelta(hours=20), {}) == ["update"]
    assert kinds(timedelta(hours=20), {0: {2}}) == []  # after the last known 12: it may say 12
    assert kinds(timedelta(hours=-5), {0: {2}}) == ["update"]  # before it: the order holds
