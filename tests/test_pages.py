"""Built pages as a browser and a crawler see them: valid HTML, working links, a safe server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest

from conftest import REPO, SiteFactory, quiet_build, read_stories, start_server
from sitegen.context import StoryLink


@pytest.fixture(scope="module")
def sample_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("pages") / "site"
    shutil.copytree(REPO / "content", site / "content")
    quiet_build(site, search=False)
    return site / "public"


def test_every_page_is_valid_html5(sample_public: Path) -> None:
    pages = sorted(sample_public.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(page.read_bytes())  # raises on any parse error
        assert parser.errors == [], page


def test_sitegen_check_finds_no_broken_link_in_the_sample_archive(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    done = subprocess.run([sys.executable, "-m", "sitegen", "check"], cwd=site, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = re.search(r"checked (\d+) pages, (\d+) internal links and assets: 0 broken", done.stdout)
    assert found and int(found.group(1)) > 40 and int(found.group(2)) > 1000, done.stdout
    robots = (site / "public" / "robots.txt").read_text("utf-8")
    assert "Sitemap: http://localhost:8000/sitemap.xml" in robots


def test_sitegen_check_reports_each_broken_link_and_asset(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    (site / "templates").mkdir()
    base = (REPO / "themes" / "default" / "templates" / "base.html").read_text("utf-8")
    broken = (
        '<a href="/nowhere/">a</a> <a href="../../../up.html">b</a> <img src="/missing.png" alt="">'
        ' <a href="#no-such-id">c</a> <a href="/sources/#no-such-id-there">d</a>'
        ' <a href="https://example.org/elsewhere">other sites are not fetched</a> <a href="/sources/">fine</a>'
    )
    (site / "templates" / "base.html").write_text(base.replace("</footer>", broken + "</footer>"), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "check", "--no-search"], cwd=site, capture_output=True, text=True
    )
    assert done.returncode == 1
    problems = [line for line in done.stderr.splitlines() if ": broken " in line]
    home = [line for line in problems if line.startswith("index.html:")]
    assert sorted(home) == [
        "index.html: broken asset /missing.png (no such file in the output)",
        "index.html: broken link #no-such-id (no element with id 'no-such-id')",
        "index.html: broken link ../../../up.html (no such file in the output)",
        "index.html: broken link /nowhere/ (no such file in the output)",
        "index.html: broken link /sources/#no-such-id-there (no element with id 'no-such-id-there')",
    ]
    pages = int(re.search(r"checked (\d+) pages", done.stdout).group(1))  # type: ignore[union-attr]
    assert len(problems) == 5 * pages  # the same five on every page, and nothing else


def test_serve_answers_on_loopback_and_refuses_traversal(tmp_path: Path, seeds_site: Path) -> None:
    for folder in (tmp_path, seeds_site):  # one and two levels above public/
        (folder / "secret.txt").write_text("outside the output folder")
    running = start_server(seeds_site)
    proc, base = running.proc, running.base.rstrip("/")
    try:
        with urllib.request.urlopen(base + "/") as response:
            assert b'class="story-card"' in response.read()
        for path in [
            "/../secret.txt",
            "/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2f%2e%2e%2fsecret.txt",
            "/%2E%2E/%2E%2E/secret.txt",
            "/..\\secret.txt",
        ]:
            request = urllib.request.Request(base + path)
            try:
                with urllib.request.urlopen(request) as response:
                    assert b"outside the output folder" not in response.read(), path
            except urllib.error.HTTPError as exc:
                assert exc.code == 404, path
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()  # type: ignore[union-attr]


def test_pages_carry_canonical_urls_opengraph_and_json_ld(sample_public: Path) -> None:
    stories = json.loads((sample_public / "stories.json").read_text("utf-8"))["stories"]
    story = max(stories, key=lambda s: len(s["articles"]))
    page = html5lib.parse((sample_public / story["path"] / "index.html").read_bytes(), namespaceHTMLElements=False)
    head = page.find("head")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in head.iter("meta")}
    canonical = [link.get("href") for link in head.iter("link") if link.get("rel") == "canonical"]
    assert canonical == [story["url"]]
    assert meta["og:url"] == story["url"] and meta["og:type"] == "article" and meta["og:title"] == story["title"]
    assert meta["og:description"] == story["summary"][0]["text"] and meta["twitter:card"] == "summary"
    assert meta["article:published_time"] == story["first_published"]
    (data,) = [json.loads(s.text) for s in page.iter("script") if s.get("type") == "application/ld+json"]
    assert data["@type"] == "CollectionPage" and data["name"] == story["title"] and data["url"] == story["url"]
    reports = data["hasPart"]
    assert [r["headline"] for r in reports] == [a["title"] for a in story["articles"]]
    assert all(r["@type"] == "NewsArticle" for r in reports)
    assert [r["publisher"]["name"] for r in reports] == [a["source"] for a in story["articles"]]

    home = html5lib.parse((sample_public / "index.html").read_bytes(), namespaceHTMLElements=False)
    links = [link.get("href") for link in home.iter("link") if link.get("rel") == "canonical"]
    assert links == [stories[0]["url"].split("stories/")[0]]
    assert any(m.get("property") == "og:type" and m.get("content") == "website" for m in home.iter("meta"))


def test_the_site_and_each_source_have_a_valid_atom_feed(sample_public: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    stories = json.loads((sample_public / "stories.json").read_text("utf-8"))["stories"]
    site_feed = ElementTree.parse(sample_public / "feed.xml").getroot()
    assert [e.find(f"{atom}id").text for e in site_feed.iter(f"{atom}entry")] == [s["url"] for s in stories[:50]]
    sources = {a["source"] for s in stories for a in s["articles"]}
    feeds = sorted(sample_public.glob("sources/*/feed.xml"))
    assert len(feeds) == len(sources)
    for path in feeds:
        feed = ElementTree.parse(path).getroot()  # well-formed XML, or this raises
        name = feed.find(f"{atom}title").text.split(" · ")[0]
        covered = {s["url"] for s in stories if any(a["source"] == name for a in s["articles"])}
        entries = {e.find(f"{atom}id").text for e in feed.iter(f"{atom}entry")}
        assert entries == covered, name
        page = (path.parent / "index.html").read_text("utf-8")
        assert f'href="/{path.relative_to(sample_public).as_posix()}"' in page  # announced on its page


def test_home_leads_with_the_most_covered_recent_stories(make_site) -> None:
    """Weight: sources, halved every two days before the newest report; one-source stories and
    anything beyond the top five only appear under Latest."""
    files: dict[str, str | bytes] = {}

    def story(pin: str, day: int, outlets: int) -> None:
        for n in range(outlets):
            files[f"content/outlet-{n}/{pin}.md"] = (
                f"---\ntitle: {pin} report {n}\ndate: 2024-05-{day:02d}\nstory: {pin}\n---\n"
                f"Officials described the {pin} in detail on the day it happened, outlet {n} said.\n"
            )

    story("harbour-fire", 9, 3)  # a day old: 3 x 0.71 = 2.1
    story("bridge-vote", 10, 2)  # newest: 2
    story("old-flood", 1, 5)  # nine days old: 5 x 0.04 = 0.2
    story("lone-scoop", 10, 1)  # one source: not a top story
    site = make_site(files)
    quiet_build(site, search=False)
    home = html5lib.parse((site / "public" / "index.html").read_bytes(), namespaceHTMLElements=False)
    (top,) = [e for e in home.iter("section") if e.get("class") == "top-stories"]
    links = [a.get("href") for h in top.iter("h2") for a in h.iter("a")]
    assert links == ["/stories/harbour-fire/", "/stories/bridge-vote/", "/stories/old-flood/"]
    latest = [a.get("href") for h in home.iter("h2") for a in h.iter("a")][len(links) :]
    assert latest == ["/stories/lone-scoop/"]  # the rest, the lone scoop included; no story twice


def test_sitemap_lists_every_page_a_reader_can_browse_to(sample_public: Path) -> None:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [e.text for e in ElementTree.parse(sample_public / "sitemap.xml").getroot().iter(f"{ns}loc")]
    assert len(locs) == len(set(locs))
    base = "http://localhost:8000/"
    browsable = {
        base + p.relative_to(sample_public).as_posix().removesuffix("index.html")
        for p in sample_public.rglob("*.html")
        if p.name != "404.html" and not p.relative_to(sample_public).as_posix().startswith("search/")
    }
    assert set(locs) == browsable  # story, source and archive pages, every page of each list


def test_story_and_list_pages_show_where_they_sit(sample_public: Path) -> None:
    def crumbs(rel: str) -> tuple[list[tuple[str, str]], str]:
        page = html5lib.parse((sample_public / rel).read_bytes(), namespaceHTMLElements=False)
        (nav,) = [n for n in page.iter("nav") if n.get("aria-label") == "Breadcrumb"]
        links = [(a.text, a.get("href")) for a in nav.iter("a")]
        (current,) = [li for li in nav.iter("li") if li.get("aria-current") == "page"]
        return links, current.text

    stories = json.loads((sample_public / "stories.json").read_text("utf-8"))["stories"]
    story = next(s for s in stories if s["first_published"])
    year, month, day = story["first_published"][:10].split("-")
    links, current = crumbs(f"{story['path']}index.html")
    expected = ["/", "/archive/", f"/archive/{year}/", f"/archive/{year}/{month}/", f"/archive/{year}/{month}/{day}/"]
    assert [href for _, href in links] == expected and current == story["title"]
    source = sorted(sample_public.glob("sources/*/index.html"))[0]
    links, current = crumbs(source.relative_to(sample_public).as_posix())
    assert links == [("Home", "/"), ("Sources", "/sources/")] and current


def test_archive_has_a_page_per_year_month_and_day(sample_public: Path) -> None:
    stories = json.loads((sample_public / "stories.json").read_text("utf-8"))["stories"]
    dated = [s for s in stories if s["first_published"]]
    periods = {s["first_published"][:n] for s in dated for n in (4, 7, 10)}
    assert len(periods) > 20
    for period in periods:
        page = (sample_public / "archive" / period.replace("-", "/") / "index.html").read_text("utf-8")
        listed = set(re.findall(r'<li class="timeline-story"><a href="/(stories/[^"]+)"', page))
        assert listed == {s["path"] for s in dated if s["first_published"].startswith(period)}, period
        if len(period) == 7:  # a month as a timeline: a heading per day with its story count
            heads = re.findall(
                r'<time datetime="(\d{4}-\d\d-\d\d)[^"]*">[^<]+</time> <span class="count">(\d+) stor', page
            )
            per_day = Counter(s["first_published"][:10] for s in dated if s["first_published"].startswith(period))
            assert {day: int(n) for day, n in heads} == dict(per_day), period
        # a year links to its months and a month to its days; each level's breadcrumbs lead up
        within = {p for p in periods if p.startswith(period + "-") and len(p) == len(period) + 3}
        links = set(re.findall(r'<li><a href="/archive/([0-9/]+)/">', page))
        assert {p.replace("-", "/") for p in within} <= links, period
        if len(period) > 4:
            up = period[:-3]
            assert f'<li><a href="/archive/{up.replace("-", "/")}/">' in page, period
    archive = (sample_public / "archive" / "index.html").read_text("utf-8")
    assert {p.replace("-", "/") for p in periods if len(p) < 10} == set(
        re.findall(r'<a href="/archive/([0-9/]+)/">', archive)
    )


def test_each_tag_has_a_page_and_a_feed_of_its_stories(make_site) -> None:
    """A story carries its articles' tags; spellings that slugify alike are one tag, named as
    most stories spell it; a tag of punctuation alone still gets a page."""
    atom = "{http://www.w3.org/2005/Atom}"
    files: dict[str, str | bytes] = {}
    tagged = {
        "rate-cut": ["Central Banks", "economy"],
        "bank-merger": ["central-banks", "Business"],
        "budget-vote": ["central-banks", "politics", "!!!", "C++", "C#"],
        "ferry-strike": [],
    }
    for n, (pin, tags) in enumerate(tagged.items()):
        for outlet in ("wire-a", "wire-b"):
            files[f"content/{outlet}/{pin}.md"] = (
                f"---\ntitle: {pin} {outlet}\ndate: 2024-05-{n + 1:02d}\nstory: {pin}\ntags: {tags}\n---\n"
                f"Officials described the {pin} in detail on the day it happened, {outlet} said.\n"
            )
    site = make_site(files)
    quiet_build(site, search=False)
    public = site / "public"

    index = html5lib.parse((public / "tags" / "index.html").read_bytes(), namespaceHTMLElements=False)
    listed = {a.text: a.get("href") for a in index.iter("a") if (a.get("href") or "").startswith("/tags/")}
    assert listed.keys() >= {"central-banks", "economy", "Business", "politics", "!!!", "C++", "C#"}
    assert "Central Banks" not in listed and listed["central-banks"] == "/tags/central-banks/"
    assert listed["Business"] == "/tags/business/"
    assert re.fullmatch(r"/tags/tag-[0-9a-f]{8}/", listed["!!!"])
    # slugify makes both "c": they stay two tags
    assert re.fullmatch(r"/tags/c-[0-9a-f]{8}/", listed["C++"]) and listed["C++"] != listed["C#"]

    expected = {
        "central-banks": {"rate-cut", "bank-merger", "budget-vote"},
        "economy": {"rate-cut"},
        "Business": {"bank-merger"},
        "!!!": {"budget-vote"},
        "C#": {"budget-vote"},
    }
    for name, pins in expected.items():
        folder = public / listed[name].strip("/")
        page = (folder / "index.html").read_text("utf-8")
        assert set(re.findall(r'<h2(?: lang="[^"]+")?><a href="/stories/([^/"]+)/"', page)) == pins, name
        assert f'href="/{listed[name].strip("/")}/feed.xml"' in page
        feed = ElementTree.parse(folder / "feed.xml").getroot()  # well-formed, or this raises
        entries = {e.find(f"{atom}id").text.rsplit("/", 2)[1] for e in feed.iter(f"{atom}entry")}
        assert entries == pins, name

    story = (public / "stories" / "rate-cut" / "index.html").read_text("utf-8")
    assert 'href="/tags/central-banks/">Central Banks</a>' in story and 'href="/tags/economy/"' in story
    assert "/tags/" not in (public / "stories" / "ferry-strike" / "index.html").read_text("utf-8").split("<main")[1]
    stories = {s["id"]: s for s in read_stories(site)}
    assert [t["name"] for t in stories["budget-vote"]["tags"]] == ["central-banks", "politics", "!!!", "C++", "C#"]
    assert stories["rate-cut"]["tags"][0] == {"name": "Central Banks", "path": "tags/central-banks/"}
    # one search filter value and one Atom term for every spelling of a tag
    for pin in ("rate-cut", "bank-merger"):
        assert 'data-pagefind-filter="tag:central-banks"' in (public / "stories" / pin / "index.html").read_text(
            "utf-8"
        )
    terms = re.findall(r'<category term="([^"]+)"', (public / "feed.xml").read_text("utf-8"))
    assert terms.count("central-banks") == 3
    assert stories["rate-cut"]["articles"][0]["tags"] == ["Central Banks", "economy"]


def test_outlets_are_named_as_they_write_themselves(make_site: SiteFactory, tmp_path: Path) -> None:
    """A folder name loses accents and capitals: `[sources]` gives them back, with a short name
    for chips and a home page; without it, particles stay lower case ("La Voz del Puerto"). A
    changed name reaches every page of a warm build, as a clean build would show it."""
    fact = "Water cuts of eight hours a day begin on Monday in San Telmo, the utility said on Friday."
    head = "date: 2025-03-07\nstory: cortes\n---\n"
    site = make_site(
        {
            "sitegen.toml": '[sources.cronica-andina]\nname = "Crónica Andina"\nshort = "Crónica"\n'
            'url = "https://cronica.example/"\n',
            "sources.toml": '["Law360 (subscription)"]\nname = "Law360"\n',
            "content/cronica-andina/cortes.md": f"---\ntitle: Cortes de agua\n{head}{fact}\n",
            "content/la-voz-del-puerto/cortes.md": f"---\ntitle: Cortes\n{head}{fact}\n",
            "content/wire/law.md": "---\ntitle: A ruling\nsource: Law360 (subscription)\ndate: 2025-03-08\n---\n"
            "The court ruled on the merger on Saturday after a long hearing.\n",
        }
    )
    quiet_build(site, search=False)
    names = {a["source"] for s in read_stories(site) for a in s["articles"]}
    assert names == {"Crónica Andina", "La Voz del Puerto", "Law360"}
    public = site / "public"
    story = next(s for s in read_stories(site) if s["id"] == "cortes")
    page = (public / story["path"] / "index.html").read_text("utf-8")
    assert '<a class="chip" href="/sources/cronica-andina/" title="Crónica Andina">Crónica</a>' in page
    source_page = (public / "sources" / "cronica-andina" / "index.html").read_text("utf-8")
    assert '<a href="https://cronica.example/" rel="noopener">' in source_page
    # renamed: a warm build shows the new name everywhere, as a clean one does
    (site / "sitegen.toml").write_text('[sources.cronica-andina]\nname = "Crónica Andina del Sur"\n', "utf-8")
    quiet_build(site, search=False)
    clean = tmp_path / "clean"
    shutil.copytree(site / "content", clean / "content")
    for name in ("sitegen.toml", "sources.toml"):
        shutil.copy(site / name, clean / name)
    quiet_build(clean, search=False, use_cache=False)
    warm_files = {p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()}
    clean_files = {
        p.relative_to(clean / "public"): p.read_bytes() for p in (clean / "public").rglob("*") if p.is_file()
    }
    assert warm_files.keys() == clean_files.keys()
    assert [p for p in warm_files if warm_files[p] != clean_files[p]] == []
    assert b"Cr\xc3\xb3nica Andina del Sur" in warm_files[Path("stories.json")]


def test_a_spanish_story_reads_in_spanish(sample_public: Path) -> None:
    """A story's page speaks its language when the theme has words for it: labels, dates and
    breadcrumbs, with `lang` on the page's main part; the site's header stays the site's."""
    stories = json.loads((sample_public / "stories.json").read_text("utf-8"))["stories"]
    spanish = next(s for s in stories if s["title"].startswith("El Deportivo Almarena"))
    page = html5lib.parse((sample_public / spanish["path"] / "index.html").read_bytes(), namespaceHTMLElements=False)
    main = page.find(".//main")
    assert main.get("lang") == "es" and page.get("lang") == "en"
    text = " ".join(" ".join(main.itertext()).split())
    assert "Publicada por primera vez el 24 de mayo de 2025 por El Faro Diario" in text
    assert "actualizada el 25 de mayo de 2025 · 3 medios" in text
    headings = [" ".join(h.itertext()).strip() for h in main.iter("h2")]
    assert headings[:3] == ["Resumen", "Cronología", "Cómo la contó cada medio"]
    crumbs = [" ".join(li.itertext()).strip() for li in main.find(".//nav").iter("li")]
    assert crumbs[:5] == ["Inicio", "Archivo", "2025", "mayo", "24 de mayo"]
    assert "2 de 3 medios" in text and "solo aquí" in text  # the coverage labels too
    for english in ("First reported", "Summary", "Timeline", "sources", "only here"):
        assert english not in text, english
    # an English story keeps English words, and no lang of its own on main
    english_story = next(s for s in stories if s["title"].startswith("Ridgeback Fire"))
    page = html5lib.parse(
        (sample_public / english_story["path"] / "index.html").read_bytes(), namespaceHTMLElements=False
    )
    main = page.find(".//main")
    assert main.get("lang") is None
    assert "First reported 3 August 2024" in " ".join(" ".join(main.itertext()).split())
    # on the home page the Spanish headline and lead carry lang, the card's own words do not
    home = (sample_public / "index.html").read_text("utf-8")
    card = home[home.index(f'href="/{spanish["path"]}"') - 200 :]
    assert '<li class="story-card">' in card[:200] and '<h2 lang="es">' in card[:220]


def test_a_site_catalogue_overrides_the_theme_words(make_site: SiteFactory) -> None:
    site = make_site(
        {
            "i18n/es.toml": '"Summary" = "Sumario"\n',
            "content/la-voz/copa.md": "---\ntitle: El Almarena gana la Copa\ndate: 2025-05-24\nlang: es\n---\n"
            "El Deportivo Almarena se proclamó campeón de la Copa este sábado tras vencer dos a uno.\n",
        }
    )
    quiet_build(site, search=False)
    (story,) = read_stories(site)
    page = (site / "public" / story["path"] / "index.html").read_text("utf-8")
    assert (
        '<h2 id="summary-h" data-pagefind-ignore>Sumario</h2>' in page and "Cronología" in page
    )  # the rest: the theme's


def test_a_story_shows_its_coverage_over_time_without_script(sample_public: Path) -> None:
    """The Ridgeback Fire's dated reports (two on 3 August, one each on the 4th and 5th, dated
    by day) as three day bars, the first marked, named for screen readers."""
    stories = json.loads((sample_public / "stories.json").read_text("utf-8"))["stories"]
    story = next(s for s in stories if s["title"].startswith("Ridgeback Fire"))
    page = html5lib.parse((sample_public / story["path"] / "index.html").read_bytes(), namespaceHTMLElements=False)
    svg_ns = "{http://www.w3.org/2000/svg}"
    svg = next(page.iter(f"{svg_ns}svg"))
    assert svg.get("role") == "img" and svg.find(f"{svg_ns}title").get("id") == svg.get("aria-labelledby")
    bars = list(svg.iter(f"{svg_ns}rect"))
    tips = [" ".join(r.find(f"{svg_ns}title").itertext()) for r in bars]
    assert tips == ["3 Aug: 2 reports", "4 Aug: 1 report", "5 Aug: 1 report"]
    assert [r.get("class") for r in bars] == ["bar first", "bar", "bar"]
    assert [float(r.get("height")) for r in bars] == [36.0, 18.0, 18.0]
    assert page.find(".//script") is None or all(s.get("type") == "application/ld+json" for s in page.iter("script"))
    # and by outlet: one report each from five outlets, Northwind Wire's first
    (_, outlets) = page.iter(f"{svg_ns}svg")
    shares = list(outlets.iter(f"{svg_ns}rect"))
    assert [" ".join(r.find(f"{svg_ns}title").itertext()) for r in shares][0] == "Northwind Wire: 1 report"
    assert len(shares) == 5 and sum(float(r.get("width")) for r in shares) == pytest.approx(100)
    assert [("first" in r.get("class")) for r in shares] == [True, False, False, False, False]


def test_the_home_page_has_a_section_for_each_big_tag_and_repeats_no_story(make_site: SiteFactory) -> None:
    """Beyond the top and latest stories page 1 shows, the biggest tags (two stories at least),
    each with its newest stories not on the page already; no story is listed twice."""
    files: dict[str, str | bytes] = {"sitegen.toml": "stories_per_page = 2\n"}
    topics = {"harbour": "ferry dock strike port", "election": "ballot vote count polls", "weather": "storm rain"}
    for n in range(9):
        tag = list(topics)[n % 3]
        files[f"content/outlet-{n}/item-{n}.md"] = (
            f"---\ntitle: Story {n} about {tag}\ndate: 2024-05-{n + 1:02d}\ntags: [{tag}]\nstory: item-{n}\n---\n"
            f"A distinct report number {n} on the {tag}: {topics[tag]} {n} {'x' * n}.\n"
        )
    site = make_site(files)
    quiet_build(site, search=False)
    home = html5lib.parse((site / "public" / "index.html").read_bytes(), namespaceHTMLElements=False)
    links = [a.get("href") for a in home.iter("a") if (a.get("href") or "").startswith("/stories/")]
    assert len(links) == len(set(links)), links  # nothing twice
    sections = [e for e in home.iter("section") if e.get("class") == "tag-section"]
    names = [" ".join(s.find("h3").find("a").itertext()) for s in sections]
    assert names == ["election", "harbour", "weather"]  # three stories each: by name
    for section in sections:
        tag = " ".join(section.find("h3").find("a").itertext())
        for a in section.iter("a"):
            if a.get("href", "").startswith("/stories/"):
                assert tag in " ".join(a.itertext())  # each story under its own tag
    listed = {a for a in links}
    assert len(listed) == 2 + sum(1 for s in sections for a in s.iter("a") if a.get("href", "").startswith("/stories/"))


def test_a_related_story_in_another_language_is_marked(tmp_path: Path) -> None:
    """A related story's headline in another language than the page's carries its own lang."""
    from dataclasses import replace

    from sitegen.diagnostics import Report
    from sitegen.pages import plan_pages
    from sitegen.render import environment, render_page, template_salt

    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    result = quiet_build(site, search=False)
    page = next(p for p in plan_pages(result.archive, result.config) if p.template == "story.html")
    context = page.context
    assert context.lang == "en"  # type: ignore[union-attr]
    spanish = next(v for v in result.archive.stories.values() if v.title.startswith("El Deportivo"))
    link = StoryLink(spanish.id, spanish.url, spanish.title, spanish.first_published, [], "es")
    english = StoryLink("other", "stories/other/", "Another story", None, [], "en")
    page._context = replace(context, related=[link, english])  # type: ignore[type-var]
    env = environment(site, result.config, template_salt(site, result.config), cached=False)
    html = render_page(env, page, site, Report())
    assert html is not None
    assert f'<a href="/{spanish.url}" lang="es">' in html
    assert '<a href="/stories/other/">Another story</a>' in html


def test_a_source_page_names_a_story_only_when_it_is_more_than_the_article(sample_public: Path) -> None:
    stories = json.loads((sample_public / "stories.json").read_text("utf-8"))["stories"]
    lone = next(s for s in stories if len(s["articles"]) == 1)
    shared = next(s for s in stories if len(s["articles"]) > 1)
    for story, named in ((lone, False), (shared, True)):
        source = next(
            p for p in (sample_public / "sources").glob("*/index.html") if story["path"] in p.read_text("utf-8")
        )
        html = source.read_text("utf-8")
        assert (f'in the story <a href="/{story["path"]}">' in html) is named, story["title"]
