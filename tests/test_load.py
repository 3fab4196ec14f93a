"""Loading: both seed formats, every metadata fallback, and diagnostics that name file and line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.diagnostics import Level, Report
from sitegen.load import load_articles
from sitegen.memo import Table


def load(site: Path) -> tuple[dict[str, object], Report]:
    report = Report()
    articles, _, _ = load_articles(site / "content", SiteConfig(), report, Table(None, ""))
    return {a.id: a for a in articles}, report


def test_seed_with_inline_date_and_seed_without_metadata(seeds_site: Path) -> None:
    articles, report = load(seeds_site)
    dated = articles["001_b05ba9de3f9c4bcc"]
    undated = articles["000_195430f04631b808"]
    assert dated.date == datetime(2023, 12, 20, tzinfo=UTC)
    assert dated.sentences[0].startswith("A Hamas delegation")  # the marker is not part of the text
    assert "date 2023" not in dated.body_html
    assert undated.date is None
    # no title: the first sentence; no source and no folder: the file name
    assert undated.title.startswith("A Hamas delegation, led by the head of its political office")
    assert undated.title_derived
    assert undated.source == "000_195430f04631b808"
    assert dated.lang == "en"
    notes = [d for d in report.diagnostics if d.path == "000_195430f04631b808.txt"]
    assert [d.level for d in notes] == [Level.NOTE] and "no date" in notes[0].message


def test_front_matter_fields_and_fallbacks(make_site) -> None:
    site = make_site(
        {
            "content/harbor-gazette/port.md": (
                "---\ntitle: Port strike halts exports\ndate: 2024-03-11T09:30:00Z\nauthor: Ana Ruiz\n"
                "url: https://example.org/port\ntags: [labour, ports]\nlang: en\n---\n"
                "Dockworkers walked out on Monday. Exports stopped at noon.\n"
            ),
            "content/AP/wire.txt": " date 2024-03-12 Dockworkers stayed out for a second day.\n",
            "content/explicit.md": "---\nid: custom-id\nsource: The Ledger\n---\nA body with an explicit id.\n",
        }
    )
    articles, _ = load(site)
    port = articles["harbor-gazette/port"]
    assert port.title == "Port strike halts exports" and not port.title_derived
    assert port.source == "Harbor Gazette"  # from the folder
    assert port.date == datetime(2024, 3, 11, 9, 30, tzinfo=UTC)
    assert port.author == "Ana Ruiz" and port.url == "https://example.org/port"
    assert port.tags == ("labour", "ports")
    assert port.sentences == ("Dockworkers walked out on Monday.", "Exports stopped at noon.")
    assert articles["AP/wire"].source == "AP"  # capitals kept as written
    assert articles["AP/wire"].date == datetime(2024, 3, 12, tzinfo=UTC)
    assert articles["custom-id"].source == "The Ledger"


def test_bad_input_is_reported_with_file_and_line_and_the_rest_loads(make_site) -> None:
    site = make_site(
        {
            "content/good.md": "---\ntitle: Fine\n---\nA perfectly good article body.\n",
            "content/broken-yaml.md": "---\ntitle: Fine\ndate: [unclosed\n---\nBody survives the bad metadata.\n",
            "content/bad-date.md": "---\ntitle: T\ndate: 2024-13-45\n---\nBody with an impossible date.\n",
            "content/empty.txt": "",
            "content/photo.jpg": b"\xff\xd8\xff\xe0",
            "content/latin1.txt": "Caf\xe9 owners protested on Monday in the old town.".encode("cp1252"),
            "content/.hidden.md": "secret",
        }
    )
    articles, report = load(site)
    assert set(articles) == {"good", "broken-yaml", "bad-date", "latin1"}
    by_path = {d.path: d for d in report.diagnostics if d.level is not Level.NOTE}
    assert by_path["broken-yaml.md"].line == 3 and "YAML" in by_path["broken-yaml.md"].message
    assert articles["broken-yaml"].sentences == ("Body survives the bad metadata.",)
    assert by_path["bad-date.md"].line == 3 and articles["bad-date"].date is None
    assert "Café" in articles["latin1"].sentences[0]
    assert "Windows-1252" in by_path["latin1.txt"].message
    skipped = {s.path: s.reason for s in report.skipped}
    assert skipped == {
        "empty.txt": "empty file",
        ".hidden.md": "hidden file",
        "photo.jpg": "unsupported file type '.jpg' (use .md or .txt)",
    }
    assert report.files_read == 7


def test_duplicate_ids_are_both_kept_with_a_warning(make_site) -> None:
    site = make_site(
        {
            "content/a.md": "---\nid: same\n---\nFirst article text here.\n",
            "content/b.md": "---\nid: same\n---\nSecond article text here.\n",
        }
    )
    articles, report = load(site)
    assert set(articles) == {"same", "same-2"}
    assert any(d.path == "b.md" and "already used" in d.message for d in report.diagnostics)


def test_raw_html_in_markdown_is_escaped_not_rendered(make_site) -> None:
    site = make_site({"content/x.md": "Hello <script>alert(1)</script> and [x](JavaScript:alert(1)).\n"})
    articles, _ = load(site)
    html = articles["x"].body_html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "href=" not in html  # the javascript: link is refused, its text stays as text


def test_language_is_detected_when_not_declared(make_site) -> None:
    site = make_site(
        {
            "content/diario/agua.txt": (
                " date 2025-03-07 Las autoridades de la ciudad anunciaron el viernes cortes de agua en todos "
                "los barrios a partir del lunes, debido a la sequía que afecta al embalse principal.\n"
            )
        }
    )
    articles, _ = load(site)
    assert articles["diario/agua"].lang == "es"


def test_sentences_hold_on_news_text() -> None:
    from sitegen.parse import split_sentences

    text = (
        'WASHINGTON (AP) — Gen. John Smith said the U.S. Army sent 1,200 troops. "We are ready," he said. '
        "The Dow fell 3.5 percent to 10,234.56. She arrived at 3 p.m. Tuesday and left. The vote is at 9 a.m. "
        'The result came later. "Is it over?" she asked. iPhone sales rose.'
    )
    assert split_sentences(text, "en") == [
        "WASHINGTON (AP) — Gen. John Smith said the U.S. Army sent 1,200 troops.",
        '"We are ready," he said.',
        "The Dow fell 3.5 percent to 10,234.56.",
        "She arrived at 3 p.m. Tuesday and left.",
        "The vote is at 9 a.m.",
        "The result came later.",
        '"Is it over?" she asked.',
        "iPhone sales rose.",
    ]


def test_control_characters_in_metadata_are_dropped(make_site) -> None:
    """They reach metadata as YAML escapes even though the text itself is cleaned on reading."""
    site = make_site(
        {"content/x.md": '---\ntitle: "Harbour\\x1b lights \\x07fail"\nid: "wire\\x01/x"\n---\nBody text.\n'}
    )
    articles, _ = load(site)
    (article,) = articles.values()
    assert article.title == "Harbour lights fail" and article.id == "wire/x"


def test_a_rebuild_told_what_changed_lists_the_folder_only_for_something_new(tmp_path: Path, monkeypatch) -> None:
    """`sitegen serve` passes the paths its watcher saw: an edit or a deletion of a known file is
    read without listing 10,000 files again; a new file, folder or hidden file is listed, so it
    keeps its place and its report. Each load must equal a load from scratch."""
    import sitegen.load as load_module

    content = tmp_path / "content"
    (content / "desk").mkdir(parents=True)
    for n in range(3):
        (content / "desk" / f"story-{n}.md").write_text(f"---\ntitle: Story {n}\n---\nThe desk filed story {n}.\n")
    walks = []
    real_discover = load_module.discover
    monkeypatch.setattr(load_module, "discover", lambda *args: walks.append(1) or real_discover(*args))
    cache = Table(None, "")

    def loaded(listing, changed):
        report = Report()
        articles, _, listing = load_articles(content, SiteConfig(), report, cache, previous=listing, changed=changed)
        fresh = Report()
        scratch, _, _ = load_articles(content, SiteConfig(), fresh, Table(None, ""))
        assert [(a.id, a.title, a.sentences) for a in articles] == [(a.id, a.title, a.sentences) for a in scratch]
        assert (report.skipped, report.files_read) == (fresh.skipped, fresh.files_read)
        return listing

    listing = loaded(None, None)
    edited = content / "desk" / "story-1.md"
    edited.write_text("---\ntitle: Story 1, updated\n---\nThe desk updated story 1.\n")
    walks.clear()
    listing = loaded(listing, {edited, edited.parent})
    (content / "desk" / "story-2.md").unlink()
    listing = loaded(listing, {content / "desk" / "story-2.md", content / "desk"})
    assert len(walks) == 2  # the two loads from scratch only
    new = content / "wire" / "late.txt"
    new.parent.mkdir()
    new.write_text("date 2024-03-02 A late wire story.\n")
    walks.clear()
    listing = loaded(listing, {new.parent})
    assert len(walks) == 2  # listed again (and once from scratch)
    hidden = content / "desk" / ".story-1.md.swp"
    hidden.write_bytes(b"\x00")
    walks.clear()
    listing = loaded(listing, {hidden})
    assert len(walks) == 2
