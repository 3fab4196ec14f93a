"""Story URLs stay put: new coverage, backfilled coverage, merges (redirects) and editorial pins."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import REPO, quiet_build, read_stories
from sitegen.story_ids import StoryRegistry, assign_ids

PORT = (
    "Dockworkers at Port Calloway walked off the job on {day}, halting container exports as the union "
    "demanded a 12 percent raise. Harbour officials said talks with the Calloway Port Authority would "
    "resume on Thursday. {extra}"
)


def article(title: str, date: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def port_report(title: str, date: str, day: str = "Monday", extra: str = "", front: str = "") -> str:
    """One outlet's report of the Port Calloway strike."""
    return article(title, date, PORT.format(day=day, extra=extra), extra=front)


def urls(site: Path) -> dict[str, set[str]]:
    return {s["path"]: {a["id"] for a in s["articles"]} for s in read_stories(site)}


def test_adding_articles_never_moves_an_existing_story(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    before = urls(site)
    port = next(p for p, ids in before.items() if "harbor-gazette/port-strike-halts-exports" in ids)
    # later coverage, older coverage found in a backfill (it becomes the story's earliest report,
    # which would change a URL derived from the founding article), and a new event
    content = site / "content"
    (content / "new-wire").mkdir()
    (content / "new-wire" / "port-day-three.md").write_text(
        article(
            "Port Calloway strike enters third day",
            "2024-03-13",
            "The strike at Port Calloway entered its third day on Wednesday as dockworkers kept container "
            "exports halted and the union held out for a 12 percent raise from the Calloway Port Authority.",
        )
    )
    (content / "new-wire" / "port-strike-vote.md").write_text(
        article(
            "Port Calloway dockworkers vote to strike",
            "2024-03-10",
            "Dockworkers at Port Calloway voted on Sunday to walk off the job and halt container exports "
            "unless the Calloway Port Authority meets the union's demand for a 12 percent raise.",
        )
    )
    (content / "new-wire" / "orchard-frost.md").write_text(
        article(
            "Late frost ruins apricot orchards in the Tessaly valley",
            "2025-04-02",
            "A late frost destroyed most of this year's apricot blossom across the Tessaly valley, growers "
            "said on Wednesday, and the regional council promised emergency grants for 300 farms.",
        )
    )
    quiet_build(site, search=False)
    after = urls(site)
    for path, ids in before.items():
        assert path in after, f"story URL {path} disappeared"
        assert ids <= after[path]
    assert {"new-wire/port-day-three", "new-wire/port-strike-vote"} <= after[port]
    assert len(after) == len(before) + 1
    assert not (site / "public" / "_redirects").exists()


def test_merged_story_redirects_to_the_survivor(make_site) -> None:
    site = make_site(
        {
            "content/wire-a/strike.md": port_report("Port strike halts exports", "2024-03-11"),
            "content/wire-b/strike.md": port_report(
                "Dockworkers walk out", "2024-03-11", extra="Ships queued offshore."
            ),
            "content/wire-c/strike.md": port_report(
                "Strike at Port Calloway", "2024-03-12", extra="Exporters counted losses.", front="story: none\n"
            ),
        }
    )
    quiet_build(site, search=False)
    first = urls(site)
    assert len(first) == 2  # the pin kept wire-c alone
    alone = next(p for p, ids in first.items() if ids == {"wire-c/strike"})
    survivor = next(p for p, ids in first.items() if ids == {"wire-a/strike", "wire-b/strike"})

    path = site / "content" / "wire-c" / "strike.md"
    path.write_text(path.read_text().replace("story: none\n", ""))
    quiet_build(site, search=False)
    second = urls(site)
    assert second == {survivor: {"wire-a/strike", "wire-b/strike", "wire-c/strike"}}
    redirect = (site / "public" / alone / "index.html").read_text()
    assert f'url=/{survivor}"' in redirect and f'href="http://localhost:8000/{survivor}"' in redirect
    assert (site / "public" / "_redirects").read_text() == f"/{alone} /{survivor} 301\n"
    # and the redirect survives the next build too
    quiet_build(site, search=False)
    assert (site / "public" / alone / "index.html").exists()


def test_pins_win_over_the_algorithm(make_site) -> None:
    site = make_site(
        {
            "content/wire-a/strike.md": port_report("Port strike halts exports", "2024-03-11"),
            "content/wire-b/strike.md": port_report("Dockworkers walk out", "2024-03-11", front="story: none\n"),
            "content/wire-c/frost.md": article(
                "Frost ruins apricot orchards",
                "2024-03-12",
                "A late frost destroyed most of the apricot blossom across the Tessaly valley, growers said.",
                extra="story: Calloway Port Dispute\n",
            ),
            "content/wire-d/strike.md": port_report(
                "Port Calloway idle", "2024-03-12", day="Tuesday", front="story: calloway-port-dispute\n"
            ),
        }
    )
    quiet_build(site, search=False)
    stories = {s["id"]: {a["id"] for a in s["articles"]} for s in read_stories(site)}
    # the pinned slug names the story and gathers its articles, however different their text
    assert {"wire-c/frost", "wire-d/strike"} <= stories["calloway-port-dispute"]
    # "none" keeps a near-identical report alone
    assert {"wire-b/strike"} in stories.values()
    assert "wire-b/strike" not in stories["calloway-port-dispute"]


def test_related_events_are_linked_not_merged(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    stories = read_stories(site)
    by_article = {a["id"]: s for s in stories for a in s["articles"]}
    peru = by_article["northwind-wire/huaranco-earthquake"]
    sulawesi = by_article["northwind-wire/sulawesi-quake-lembarata"]
    assert peru["id"] != sulawesi["id"]
    assert sulawesi["id"] in peru["related"] and peru["id"] in sulawesi["related"]
    page = (site / "public" / peru["path"] / "index.html").read_text("utf-8")
    assert "Related stories" in page and sulawesi["title"] in page


def test_assign_ids_keeps_the_larger_ancestor_and_redirects_the_other() -> None:
    previous = StoryRegistry({"big": ("a", "b", "c"), "small": ("d",), "gone": ("z",)}, {"older": "small"})
    ids, redirects = assign_ids(
        [("a", "b", "c", "d", "e"), ("f",)], ["default-1", "default-2"].__getitem__, [False, False], previous
    )
    assert ids == ["big", "default-2"]
    assert redirects == {"small": "big", "older": "big"}  # chains are followed; vanished stories dropped


def test_assign_ids_never_reuses_a_retired_id() -> None:
    previous = StoryRegistry({"x": ("a",)}, {"y": "x"})
    ids, _ = assign_ids([("b",), ("a",)], ["y", "x"].__getitem__, [False, False], previous)
    assert ids == ["y-2", "x"]


def test_an_unreadable_registry_is_reported_and_replaced(make_site) -> None:
    site = make_site({"content/a.md": article("A title", "2024-01-01", "Some text about a town fair.")})
    (site / "story-ids.json").write_text("{not json")
    result = quiet_build(site, search=False)
    assert any(d.path == "story-ids.json" and "unreadable" in d.message for d in result.report.diagnostics)
    assert json.loads((site / "story-ids.json").read_text())["format"] == 1
