"""Property-based tests (Hypothesis): arbitrary bytes and strings never crash the loader, the
summarizer or a build, and never make a path outside the output folder."""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import quiet_build, read_stories
from sitegen.config import SiteConfig
from sitegen.documents import ContentFile
from sitegen.load import Loaded, load_file
from sitegen.model import Article
from sitegen.pages import article_anchor, source_slugs
from sitegen.render import pagefind_value
from sitegen.slugs import MAX_SLUG, tag_key, tag_slug
from sitegen.story_ids import default_story_id
from sitegen.summarize import merge_summary
from sitegen.write import safe_target

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CONFIG = SiteConfig()

# text as archives deliver it: any characters, YAML and Markdown punctuation more often
text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list("-:#*[]()<>`'\"\\\n ")), max_size=400)
front_matter = st.builds(
    lambda keys, body: "---\n" + "".join(f"{k}: {v}\n" for k, v in keys) + "---\n" + body,
    st.lists(st.tuples(st.sampled_from(["title", "date", "source", "id", "story", "tags", "url", "lang"]), text)),
    text,
)
file_bytes = st.one_of(
    st.binary(max_size=600),
    text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    front_matter.map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=300, deadline=None)
@given(data=file_bytes, name=st.sampled_from(["a.md", "wire/b.txt", "c", "d.markdown"]))
def test_any_bytes_load_into_an_article_or_a_reason(data: bytes, name: str) -> None:
    loaded = load_file(ContentFile(f"/nonexistent/{name}", name), data, CONFIG)
    assert isinstance(loaded, Loaded)
    assert (loaded.article is None) == bool(loaded.skipped)
    assert all(d.path == name for d in loaded.diagnostics)
    if loaded.article is not None:
        article = loaded.article
        assert article.id and ".." not in article.id.split("/") and not article.id.startswith("/")
        assert isinstance(article.body_html, str)
        article.body_html.encode("utf-8")  # every page is written as UTF-8
        for value in (article.title, article.source, article.id, *article.sentences):
            value.encode("utf-8")


@settings(max_examples=500, deadline=None)
@given(rel=st.text(max_size=60) | st.sampled_from(["../x", "a/../../b", "/etc/passwd", "a/./b", "..", "", "a\0b"]))
def test_no_output_path_leaves_the_output_folder(rel: str) -> None:
    root = Path("/srv/site/public")
    try:
        target = safe_target(root, rel)
    except ValueError:
        return
    assert posixpath.normpath(str(target)).startswith(str(root) + "/")


@settings(max_examples=300, deadline=None)
@given(names=st.lists(st.text(max_size=300), min_size=1, max_size=8), title=st.text(max_size=80))
def test_slugs_are_plain_and_unique(names: list[str], title: str) -> None:
    articles = [
        Article(id=f"x{i}", path=f"x{i}.md", title="t", source=n, date=None, lang="en") for i, n in enumerate(names)
    ]
    slugs = source_slugs(articles)
    assert all(SLUG.fullmatch(s) for s in slugs.values())
    assert len(set(slugs.values())) == len(slugs)
    assert SLUG.fullmatch(default_story_id(title, title))
    assert re.fullmatch(r"a-[a-z0-9][a-z0-9/_-]*", article_anchor(articles[0]).replace("/", "-"))
    value = pagefind_value(title)
    assert "<" not in value and ">" not in value and html.unescape(value) == value
    assert all(len(s) <= MAX_SLUG + 3 for s in slugs.values())  # "-N" when two cut slugs meet


@settings(max_examples=500, deadline=None)
@given(tags=st.lists(st.text(max_size=200) | st.sampled_from(["C++", "C#", "c", "Central Banks", "central-banks"])))
def test_tags_are_one_folder_per_tag_and_one_tag_per_folder(tags: list[str]) -> None:
    folders = {tag: tag_slug(tag) for tag in tags}
    for folder in folders.values():
        assert SLUG.fullmatch(folder) and len(folder) <= MAX_SLUG + 9, folder
    keys: dict[str, str] = {}
    for tag, folder in folders.items():  # the same folder exactly when the same tag, folded
        assert keys.setdefault(folder, tag_key(tag)) == tag_key(tag), (tag, folder)
    assert len(set(folders.values())) == len({tag_key(t) for t in tags})


sentence = st.text(min_size=1, max_size=120)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    variants=st.lists(st.lists(sentence, max_size=8), min_size=1, max_size=4),
    max_words=st.integers(min_value=0, max_value=120),
)
def test_summaries_of_any_text_hold_only_its_sentences_within_the_budget(
    variants: list[list[str]], max_words: int
) -> None:
    articles = [
        Article(
            id=f"a{i}", path=f"a{i}.md", title=f"t{i}", source=f"S{i % 3}", date=None, lang="en", sentences=tuple(s)
        )
        for i, s in enumerate(variants)
    ]
    summary = merge_summary(articles, max_words)
    given_sentences = {s for v in variants for s in v}
    assert all(s.text in given_sentences for s in summary.sentences)
    assert sum(len(s.text.split()) for s in summary.sentences) <= max_words
    assert set(summary.unique_sentences) == {a.id for a in articles}
    assert all(len(summary.coverage[a.id]) == len(a.sentences) for a in articles)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(file_bytes, min_size=1, max_size=5))
def test_a_build_of_any_files_completes_inside_its_output(files: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        content = site / "content"
        content.mkdir(parents=True)
        for i, data in enumerate(files):
            (content / f"f{i}.md").write_bytes(data)
        before = {p for p in Path(tmp).rglob("*")}
        result = quiet_build(site, search=False)
        assert result.report.files_read == len(files)
        published = {a["path"] for s in read_stories(site) for a in s["articles"]}
        skipped = {s.path for s in result.report.skipped}
        assert published | skipped == {f"f{i}.md" for i in range(len(files))}
        assert not published & skipped
        made = {p for p in Path(tmp).rglob("*")} - before
        allowed = (site / "public", site / ".public.next", site / ".public.lock", site / ".sitegen-cache")
        assert all(p == site / "story-ids.json" or any(p.is_relative_to(a) for a in allowed) for p in made)
        for feed in ("feed.xml", "sitemap.xml"):
            ElementTree.parse(site / "public" / feed)  # well-formed whatever the articles held
        shutil.rmtree(site / "public")


_TEXT = (
    "the fire chief Okafor said 1,200 1,100 homes were evacuated on Friday in Port Calloway, and "
    "firefighters contained burning hillside near Calloway Bay; officials expected rain Saturday "
    # near matches: terms sharing their first letters ("govern"/"governor"), figures within rounding
    "government governor internet international 2.9 2.86 percent"
)
_WORDS = st.sampled_from(_TEXT.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=25), st.lists(_WORDS, min_size=1, max_size=25))
def test_the_cheap_overlap_test_never_turns_away_a_pair_that_overlaps(a: list[str], b: list[str]) -> None:
    """`may_overlap` spares the exact comparison for most pairs; it must never say no to a pair
    whose overlap reaches the share, or a sentence would be called "only here" wrongly."""
    from sitegen.same_fact import may_overlap, overlap, sentence

    first, second = sentence(" ".join(a) + "."), sentence(" ".join(b) + ".")
    for share in (0.1, 1 / 3, 0.5, 0.9):
        if overlap(first, second) >= share:
            assert may_overlap(first, second, share)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1))),
        max_size=60,
    )
)
def test_a_coverage_chart_counts_every_dated_report_once(dates: list[datetime | None]) -> None:
    from sitegen.coverage import MAX_BARS, coverage_chart

    chart = coverage_chart(dates)
    dated = sorted(d for d in dates if d is not None)
    if len(dated) < 3 or dated[0] == dated[-1]:
        assert chart is None
        return
    assert chart is not None
    assert sum(b.count for b in chart.bars) == chart.dated == len(dated)
    assert chart.peak == max(b.count for b in chart.bars) >= 1
    assert len(chart.bars) <= MAX_BARS + 1
    assert [b.first for b in chart.bars] == [True] + [False] * (len(chart.bars) - 1)
    assert chart.bars[0].start <= dated[0] < chart.bars[0].start + chart.step and chart.bars[0].count >= 1
    assert dated[-1] < chart.end
    for before, after in zip(chart.bars, chart.bars[1:], strict=False):
        assert after.start - before.start == chart.step  # no gap, no overlap: an empty time is a bar of 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["Wire", "Post", "Ledger", "Gazette", "Courier", "Herald", "Times", "Sun"]), max_size=40)
)
def test_outlet_shares_count_every_report_once(sources: list[str]) -> None:
    from sitegen.coverage import SHOWN_OUTLETS, outlet_shares

    shares = outlet_shares(sources, sources[0] if sources else None)
    outlets = set(sources)
    if len(outlets) < 2:
        assert shares == ()
        return
    assert sum(s.count for s in shares) == len(sources)
    named = [s for s in shares if not s.others]
    assert len(named) == min(SHOWN_OUTLETS, len(outlets))
    assert [s.count for s in named] == sorted((s.count for s in named), reverse=True)
    assert all(s.count == sources.count(s.name) for s in named)
    assert sum(s.others for s in shares) == len(outlets) - len(named)
    assert [s.name for s in shares if s.first] == ([sources[0]] if sources[0] in {s.name for s in named} else [])
