"""A story of 500 reports from 200 outlets: its page stays within budget, its chips and source
lists are capped with the rest one click away (no script), every report is reachable, and a
phone shows the headline and the summary's first line on the first screen."""

from __future__ import annotations

import random
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import axe_violations, quiet_build, read_stories
from sitegen.check import check_site
from sitegen.pages import OPEN_VARIANTS, PAGE_VARIANTS, REPORTS_PER_PAGE

REPORTS, OUTLETS = 500, 200
BUDGET = 300 * 1024  # bytes of HTML for the story's page (issue 19)

# what every outlet reports, in its own order and with its own additions
FACTS = [
    "The Ridgeline wildfire had burned 7,400 hectares north of Calloway by Saturday evening.",
    "Fire chief Amara Okafor ordered the evacuation of 1,200 homes in the valley.",
    "Firefighters from four counties joined the effort to hold the northern line.",
    "Strong winds pushed the flames across Route 9 late on Friday night.",
    "The regional council opened three shelters for families leaving the valley.",
    "No injuries had been reported by Saturday afternoon, officials said.",
]
EXTRAS = [
    "Local schools will stay closed until Tuesday.",
    "Power was cut to the eastern ridge as a precaution.",
    "Volunteers set up a supply point at the fairground.",
    "The highway authority closed two exits on the interstate.",
    "Air tankers dropped retardant along the southern flank.",
]


def _big_story_site(root: Path) -> Path:
    rng = random.Random(19)
    start = datetime(2026, 8, 3, 9, 0, tzinfo=UTC)
    outlets = [f"Valley Outlet {n:03d}" for n in range(OUTLETS)]
    for n in range(REPORTS):
        outlet = outlets[n % OUTLETS]
        facts = rng.sample(FACTS, k=rng.randint(3, len(FACTS)))
        extra = rng.choice(EXTRAS)
        when = start + timedelta(minutes=7 * n)
        body = " ".join(facts[:2]) + "\n\n" + " ".join(facts[2:]) + f"\n\n{extra} Report {n} of the day."
        path = root / "content" / f"outlet-{n % OUTLETS:03d}" / f"report-{n:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: 'Ridgeline fire grows to 7,400 hectares, update {n}'\nsource: {outlet}\n"
            f"date: {when.isoformat()}\nstory: ridgeline-fire\n---\n{body}\n",
            encoding="utf-8",
        )
    # and a small story beside it, as an archive has
    small = root / "content" / "harbor-gazette" / "dockworkers.md"
    small.parent.mkdir(parents=True, exist_ok=True)
    small.write_text(
        "---\ntitle: Dockworkers strike at the port\nsource: Harbor Gazette\ndate: 2026-08-01T08:00:00Z\n---\n"
        "Dockworkers at the port of Calloway walked out on Monday over pay. The strike halted loading.\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = _big_story_site(tmp_path_factory.mktemp("big") / "site")
    result = quiet_build(site, search=False)
    assert not [d for d in result.report.diagnostics if d.level.name == "ERROR"]
    return site


def _story(site: Path) -> dict:
    return max(read_stories(site), key=lambda s: len(s["articles"]))


def test_the_page_stays_within_budget_and_every_report_is_reachable(big_site: Path) -> None:
    story = _story(big_site)
    assert len(story["articles"]) == REPORTS
    public = big_site / "public"
    html = (public / story["path"] / "index.html").read_text("utf-8")
    assert len(html.encode("utf-8")) <= BUDGET, f"{len(html.encode()):,} bytes"
    # the timeline lists every report; the page holds the first PAGE_VARIANTS, the first few open
    assert len(re.findall(r'<tr(?: class="first")?><td>', html)) == REPORTS
    assert f"{OUTLETS - 5} other outlets {REPORTS - 5 * 3}</span>" in html  # five named, 3 reports each
    assert html.count('class="variant"') == OPEN_VARIANTS
    assert html.count('class="variant folded"') == PAGE_VARIANTS - OPEN_VARIANTS
    # the rest are on report pages, REPORTS_PER_PAGE each, every one open there
    pages = sorted((public / story["path"] / "reports").glob("*/index.html"))
    assert len(pages) == -(-(REPORTS - PAGE_VARIANTS) // REPORTS_PER_PAGE)
    shown = sum(p.read_text("utf-8").count('class="variant"') for p in pages)
    assert shown == REPORTS - PAGE_VARIANTS
    # every link resolves, fragments included: timeline rows, source pages, report pages
    checked = check_site(public, "/", skip=("pagefind/",))
    assert checked.problems == []
    assert checked.pages > REPORTS // REPORTS_PER_PAGE + OUTLETS


def test_chips_and_source_lists_are_capped_with_the_rest_folded(big_site: Path) -> None:
    story = _story(big_site)
    public = big_site / "public"
    html = (public / story["path"] / "index.html").read_text("utf-8")
    lines = re.findall(r'<li><span class="sentence">.*?</li>', html, flags=re.S)
    assert len(lines) == len(story["summary"])
    every = list(dict.fromkeys(a["source"] for a in story["articles"]))
    folded_lines = 0
    for line, item in zip(lines, story["summary"], strict=True):
        credited = list(dict.fromkeys(item["sources"]))
        line = re.sub(r'<p class="first-note".*?</p>', "", line, flags=re.S)  # who was first: not a chip
        shown = re.findall(r'class="chip"[^>]*>([^<]+)<', line.partition('class="more"')[0])
        assert shown == credited[:4]
        rest = line.partition('class="more"')[2]
        # the rest, one click away: named, or as "every other source but ...", or all of them
        if "every other source in this story but" in rest:
            missing = re.findall(r'<a href="[^"]+">([^<]+)</a>', rest.partition(" but ")[2])
            assert {name for name in every if name not in missing} == set(credited)
            assert not set(missing) & set(credited)
            folded_lines += 1
        elif "every other source in this story" in rest:
            assert set(credited) == set(every)
        else:
            assert re.findall(r'class="chip"[^>]*>([^<]+)<', rest) == credited[4:]
        assert bool(rest) == (len(credited) > 4)
        assert f"+{len(credited) - 4} more" in rest or len(credited) <= 4
    assert folded_lines or any(len(set(item["sources"])) == OUTLETS for item in story["summary"])
    assert len(html.partition('id="sources"')[2].partition("</section>")[0].split("</a>")) == OUTLETS + 1
    home = (public / "index.html").read_text("utf-8")
    card = home[home.index(f'href="/{story["path"]}"') :]
    card = card[: card.index("</li>")]
    shown, _, rest = card.partition('<details class="more">')
    assert len(re.findall(r"<a href=\"/sources/", shown)) == 5
    assert len(re.findall(r"<a href=\"/sources/", rest)) == OUTLETS - 5
    assert f"+{OUTLETS - 5} more" in rest


def test_a_phone_sees_headline_and_summary_and_opens_the_rest_without_script(
    big_site: Path, serve_dir, browser
) -> None:
    story = _story(big_site)
    base = serve_dir(big_site / "public")
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + story["path"])
    first_line = page.locator(".summary li").first
    assert page.locator("h1").bounding_box()["y"] >= 0
    box = first_line.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    # a line's folded sources open with a click, no script on the page
    more = page.locator(".summary li details.more").first
    hidden = more.locator("a").first
    assert not hidden.is_visible()
    more.locator("summary").click()
    assert hidden.is_visible()
    # a folded report opens too
    folded = page.locator(".variant.folded").first
    assert not folded.locator(".body").is_visible()
    folded.locator("summary").click()
    assert folded.locator(".body").is_visible()
    context.close()


def test_the_big_story_pages_pass_axe(big_site: Path, serve_dir, browser, axe_script: str) -> None:
    story = _story(big_site)
    base = serve_dir(big_site / "public")
    page = browser.new_page()
    found = {}
    for path in ("", story["path"], f"{story['path']}reports/1/"):
        page.goto(base + path)
        violations = axe_violations(page, axe_script)
        if violations:
            found[path or "/"] = violations
    page.close()
    assert found == {}


def test_a_warm_build_after_an_edit_equals_a_clean_build(tmp_path: Path) -> None:
    """Report pages and the source rows pointing into them follow an edit as a clean build would:
    a report moves when an earlier one is dated later, and pages carried over stay right."""
    site = _big_story_site(tmp_path / "site")
    quiet_build(site, search=False)
    # report 30 (on the story's first report page) is re-dated to the end: every report after it
    # moves up one place, across the story page, the report pages and its outlet's page
    moved = site / "content" / "outlet-030" / "report-030.md"
    moved.write_text(
        moved.read_text("utf-8").replace("date: 2026-08-03T12:30:00+00:00", "date: 2026-08-06T09:00:00+00:00")
    )
    assert "2026-08-06" in moved.read_text("utf-8")
    warm = quiet_build(site, search=False)
    assert warm.cache_hits > 0
    clean = tmp_path / "clean"
    shutil.copytree(site / "content", clean / "content")
    quiet_build(clean, search=False, use_cache=False)

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    warm_files, clean_files = files(site / "public"), files(clean / "public")
    assert warm_files.keys() == clean_files.keys()
    assert [path for path in warm_files if warm_files[path] != clean_files[path]] == []
    report_page = (site / "public" / "stories" / "ridgeline-fire" / "reports" / "10" / "index.html").read_text("utf-8")
    assert 'id="a-outlet-030-report-030"' in report_page  # now the last report
