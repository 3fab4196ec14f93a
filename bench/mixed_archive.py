"""Stories that hold together in a real, mixed archive: one site built from every labeled set.

A real archive mixes years (1987-1994 newswire, 2014 headlines, 2023-2024 wire text), outlets
and kinds of text (headlines, full articles, two languages). This builds ONE site from all
labeled sets together and scores story clustering on the union:

- UCI News Aggregator headlines (gold: the record's `story`), imported with `sitegen import`;
- DUC 2002 newswire (gold: the record's `story`), imported with `sitegen import`; records that
  repeat an earlier one (same id and text) are written once, so such an id keeps the gold story
  of its first listing;
- the bundled sample archive `content/` (gold: `tests/sample_archive_gold.json`);
- the two seeds `tests/seeds/*.txt` (one story together; ids are their file names).

Gold labels are prefixed per set, so no two sets share a gold story. It prints BCubed and
pairwise scores on the union and per set, the same sets built alone, the largest story, stories
spanning more than a year, the five biggest stories and the build's time and peak memory, then
the targets. Exit code 0 only when every target is met.

    python bench/mixed_archive.py                   # union and the three separate builds
    python bench/mixed_archive.py --no-separate     # union only (faster)
    python bench/mixed_archive.py --keep /tmp/mixed # keep the built union site for inspection

Data: ../shared/data/ (see bench/cluster_quality.py), never copied here.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))  # the sitegen of this checkout, not whichever is installed
sys.path.insert(1, str(REPO / "bench"))

from cluster_quality import SETS, bcubed, pairwise  # noqa: E402

from sitegen.config import load_config  # noqa: E402
from sitegen.diagnostics import Report  # noqa: E402
from sitegen.documents import ContentFile, read_document  # noqa: E402
from sitegen.model import PIN_NONE  # noqa: E402

SAMPLE_CONTENT = REPO / "content"
SAMPLE_GOLD = REPO / "tests" / "sample_archive_gold.json"
SEEDS = REPO / "tests" / "seeds"
SEPARATE = ("uci", "duc", "sample")  # the sets built alone; their mean F1 is the union's bar
LONG_SPAN_DAYS = 365.0
LARGEST_FACTOR = 1.2
F1_SLACK = 0.01
_STAGE = re.compile(r"^(?P<name>\S+)\s.*?(?P<seconds>\d+\.\d+) s\s+peak (?P<peak>[\d,]+) MiB\s*$")

Story = dict[str, Any]  # one entry of public/stories.json


@dataclass
class Built:
    """A built site's stories and what the build printed about itself."""

    stories: list[Story]
    seconds: float
    peak_mib: float | None
    stage_lines: list[str] = field(default_factory=list)

    def prediction(self) -> dict[str, str]:
        return {a["id"]: s["id"] for s in self.stories for a in s["articles"]}


def imported_gold(name: str) -> dict[str, str]:
    """Article id → prefixed gold story for an imported set. A record repeating an earlier id
    is written once by `sitegen import`; the id keeps the gold story of its first listing."""
    gold: dict[str, str] = {}
    with SETS[name][0].open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                gold.setdefault(str(rec["id"]), f"{name}:{rec['story']}")
    return gold


def relisted(name: str) -> int:
    """Ids the set lists under two or more gold stories (only the first one is scored)."""
    stories: dict[str, set[str]] = {}
    with SETS[name][0].open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                stories.setdefault(str(rec["id"]), set()).add(str(rec["story"]))
    return sum(len(s) > 1 for s in stories.values())


def sample_gold() -> dict[str, str]:
    raw: dict[str, str] = json.loads(SAMPLE_GOLD.read_text("utf-8"))
    return {article: f"sample:{story}" for article, story in raw.items()}


def seeds_gold() -> dict[str, str]:
    return {path.stem: "seeds" for path in sorted(SEEDS.glob("*.txt"))}


def gold_of_set(name: str) -> dict[str, str]:
    if name in SETS:
        return imported_gold(name)
    return sample_gold() if name == "sample" else seeds_gold()


def make_site(site: Path, names: Iterable[str]) -> None:
    """A site folder holding the named sets: the sample and the seeds copied, the rest imported."""
    content = site / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name == "sample":
            shutil.copytree(SAMPLE_CONTENT, content, dirs_exist_ok=True)
        elif name == "seeds":
            for path in sorted(SEEDS.glob("*.txt")):
                shutil.copy2(path, content / path.name)
        else:
            subprocess.run(
                [sys.executable, "-m", "sitegen", "import", str(SETS[name][0])],
                cwd=site,
                check=True,
                capture_output=True,
            )


def build(site: Path) -> Built:
    """`sitegen build --no-search --no-cache` (stage lines kept: the last one holds the peak)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--no-search", "--no-cache"],
        cwd=site,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"build failed in {site} (exit {done.returncode})")
    lines = [line for line in done.stdout.splitlines() if _STAGE.match(line)]
    last = _STAGE.match(lines[-1]) if lines else None
    peak = float(last["peak"].replace(",", "")) if last else None
    stories: list[Story] = json.loads((site / "public" / "stories.json").read_text("utf-8"))["stories"]
    return Built(stories, seconds, peak, lines)


def build_alone(names: Iterable[str]) -> Built:
    """The named sets in a temp site of their own, built."""
    with tempfile.TemporaryDirectory() as tmp:
        make_site(Path(tmp), names)
        return build(Path(tmp))


def scores(pred: dict[str, str], gold: dict[str, str]) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """BCubed and pairwise (P, R, F1) over the gold items that were built, against the predicted
    clusters restricted to those items."""
    items = {a: g for a, g in gold.items() if a in pred}
    restricted = {a: pred[a] for a in items}
    return bcubed(restricted, items), pairwise(restricted, items)


def fmt(prf: tuple[float, float, float]) -> str:
    return f"P {prf[0]:.3f}  R {prf[1]:.3f}  F1 {prf[2]:.3f}"


def when(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def dated(story: Story) -> list[datetime]:
    """The story's dated reports, in order (undated articles carry the story's date: left out)."""
    return sorted(when(a["date"]) for a in story["articles"] if a.get("date") and not a.get("undated"))


def span_days(dates: list[datetime]) -> float:
    return (dates[-1] - dates[0]).total_seconds() / 86400 if dates else 0.0


def largest_gap(dates: list[datetime]) -> float:
    return max(((b - a).total_seconds() / 86400 for a, b in zip(dates, dates[1:], strict=False)), default=0.0)


def pinned(site: Path, story: Story) -> bool:
    """Whether an article of the story names a story in its front matter (`story: slug`)."""
    content = site / load_config(site).content_dir
    for article in story["articles"]:
        path = content / article["path"]
        if not path.is_file():
            continue
        doc = read_document(ContentFile(str(path), article["path"]), path.read_bytes(), 10**9, Report())
        pin = doc.meta.get("story") if doc is not None else None
        if pin not in (None, "", PIN_NONE):
            return True
    return False


def warm_edits(site: Path, gold: dict[str, str]) -> list[str]:
    """Fill the cache with one warm build, then edit one headline of each set, one at a time, and
    build again: how long each took and what its cluster stage did."""
    fill = _run_build(site, "--no-search")
    lines = [f"{'(cache filled)':<42} {fill[0]:5.1f} s   {fill[1]}"]
    files = sorted((site / "content").rglob("*.md"))
    for name in ("uci", "duc", "sample"):
        content = site / "content"
        path = next(p for p in files if gold.get(_article_id(p, content), "").startswith(f"{name}:") and _retitle(p))
        seconds, cluster = _run_build(site, "--no-search")
        lines.append(f"{name + ': ' + path.relative_to(site / 'content').as_posix():<42} {seconds:5.1f} s   {cluster}")
    return lines


def _article_id(path: Path, content: Path) -> str:
    """The id sitegen gives an article: its front matter `id`, else its path without suffix."""
    found = re.search(r"^id: '?([^'\n]+)'?$", path.read_text("utf-8"), re.M)
    return found[1] if found else path.relative_to(content).with_suffix("").as_posix()


def _retitle(path: Path) -> bool:
    """Add words to the article's headline (inside its quotes, if it has them)."""
    text = path.read_text("utf-8")
    edited = re.sub(r'^(title: )(["\']?)(.*?)(\2)$', r"\1\2\3 amid fresh reports\4", text, count=1, flags=re.M)
    path.write_text(edited, "utf-8")
    return edited != text


def _run_build(site: Path, *options: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", *options], cwd=site, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    cluster = next((line for line in done.stdout.splitlines() if line.startswith("cluster")), "")
    return seconds, " ".join(cluster.split())


def clip(text: str, width: int = 100) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def day(value: datetime) -> str:
    return f"{value:%Y-%m-%d}"


def set_of(label: str) -> str:
    return label.split(":", 1)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the union site in DIR and keep it")
    parser.add_argument("--no-separate", action="store_true", help="skip building each set alone (faster)")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm builds after one edit")
    args = parser.parse_args()
    for name in SETS:
        if not SETS[name][0].exists():
            print(f"missing data set: {SETS[name][0]}", file=sys.stderr)
            return 2
    keep: Path | None = args.keep.resolve() if args.keep else None
    if keep is not None and keep.exists() and any(keep.iterdir()):
        print(f"--keep {keep}: folder exists and is not empty", file=sys.stderr)
        return 2
    started = time.perf_counter()
    names = ["uci", "duc", "sample", "seeds"]
    golds = {name: gold_of_set(name) for name in names}
    gold: dict[str, str] = {}
    for name in names:
        clash = gold.keys() & golds[name].keys()
        if clash:
            print(f"{name}: {len(clash)} article ids also in another set, e.g. {sorted(clash)[:3]}", file=sys.stderr)
        gold.update(golds[name])

    with tempfile.TemporaryDirectory() as tmp:
        site = keep or Path(tmp)
        make_site(site, names)
        union = build(site)
        warm = [] if args.no_warm else warm_edits(site, gold)
        pred = union.prediction()
        window = load_config(site).cluster.window_days
        spans = []
        for story in union.stories:
            dates = dated(story)
            if span_days(dates) > LONG_SPAN_DAYS:
                spans.append((story, dates, pinned(site, story)))

    # 1. scores on the union, and per set within it
    unknown = sorted(set(pred) - set(gold))
    missing = sorted(set(gold) - set(pred))
    gold_sizes = Counter(gold.values())
    print(
        f"union: {len(pred)} articles built, {len(gold)} gold articles in {len(gold_sizes)} gold stories, "
        f"{len(union.stories)} built stories"
    )
    for name in SETS:
        if relisted(name):
            print(f"  {name}: {relisted(name)} ids are listed in 2+ gold stories; each is scored under its first")
    print(f"  articles in no gold: {len(unknown)}" + (f" e.g. {unknown[:5]}" if unknown else ""))
    if missing:
        print(f"  gold articles missing from stories.json: {len(missing)} e.g. {missing[:5]}")
    b3, pw = scores(pred, gold)
    print(f"  BCubed   {fmt(b3)}")
    print(f"  pairwise {fmt(pw)}")
    union_f1 = b3[2]
    in_union: dict[str, float] = {}
    print("per set, within the union (its articles only, clusters as built in the union):")
    for name in names:
        sb3, spw = scores(pred, golds[name])
        in_union[name] = sb3[2]
        print(f"  {name:<7} {len(golds[name]):5d} articles  BCubed {fmt(sb3)}   pairwise {fmt(spw)}")

    # 2. each set built alone
    separate: dict[str, float] = {}
    if not args.no_separate:
        print("separate builds (each set alone):")
        for name in SEPARATE:
            alone = build_alone([name])
            sb3, spw = scores(alone.prediction(), golds[name])
            separate[name] = sb3[2]
            print(
                f"  {name:<7} BCubed {fmt(sb3)}   pairwise {fmt(spw)}   in union F1 {in_union[name]:.3f} "
                f"({in_union[name] - sb3[2]:+.3f})   build {alone.seconds:.1f} s"
            )
        mean = sum(separate.values()) / len(separate)
        print(f"  mean of the separate F1s {mean:.3f}; union F1 {union_f1:.3f} ({union_f1 - mean:+.3f})")
        # the union's F1 weighs every article alike (UCI is most of them), the target's mean every set alike
        weighted = sum(separate[n] * len(golds[n]) for n in separate) / sum(len(golds[n]) for n in separate)
        print(f"  (for reference: separate F1s weighted by articles, as the union's F1 weighs them: {weighted:.3f})")

    # 3. the largest story against the largest gold story
    biggest = max(union.stories, key=lambda s: len(s["articles"]))
    big_gold, big_gold_size = gold_sizes.most_common(1)[0]
    big_labels = Counter(gold.get(a["id"], "?") for a in biggest["articles"])
    big_dates = dated(biggest)
    big_span = f"{day(big_dates[0])} .. {day(big_dates[-1])} ({span_days(big_dates):.0f} days)" if big_dates else "-"
    print("largest story:")
    print(
        f"  {len(biggest['articles'])} articles, {len(big_labels)} gold stories, {clip(biggest['title'], 80)!r}, "
        f"dated {big_span}"
    )
    print(f"  largest gold story: {big_gold} with {big_gold_size} articles")
    largest_ok = len(biggest["articles"]) <= LARGEST_FACTOR * big_gold_size

    # 4. stories spanning more than a year
    def gap_of(entry: tuple[Story, list[datetime], bool]) -> float:
        return largest_gap(entry[1])

    offending = [e for e in spans if not e[2] and gap_of(e) > window]
    print(
        f"stories whose dated reports span more than {LONG_SPAN_DAYS:.0f} days: {len(spans)} "
        f"({len(offending)} neither pinned nor continuous; window_days {window:g})"
    )
    for story, dates, pin in sorted(spans, key=lambda e: -len(e[0]["articles"]))[:10]:
        labels = Counter(gold.get(a["id"], "?") for a in story["articles"])
        flag = "pinned" if pin else ("continuous" if gap_of((story, dates, pin)) <= window else "OFFENDING")
        print(
            f"  {len(story['articles']):4d} articles  {day(dates[0])} .. {day(dates[-1])} "
            f"({span_days(dates):6.0f} days, largest gap {largest_gap(dates):6.0f} days)  {flag:<10} "
            f"{len(labels)} gold ({', '.join(sorted({set_of(g) for g in labels}))})  {clip(story['title'], 70)!r}"
        )

    # 5. the five biggest stories
    print("5 biggest stories:")
    for story in sorted(union.stories, key=lambda s: -len(s["articles"]))[:5]:
        labels = Counter(gold.get(a["id"], "?") for a in story["articles"])
        top, count = labels.most_common(1)[0]
        size = len(story["articles"])
        dates = dated(story)
        span = f"{day(dates[0])} .. {day(dates[-1])}" if dates else "undated"
        print(f"  {size:4d} articles  purity {count / size:.2f} ({top})  {span}  {clip(story['title'], 80)!r}")
        mix = ", ".join(f"{g} {n}" for g, n in labels.most_common(4))
        more = f" (+{len(labels) - 4} more)" if len(labels) > 4 else ""
        print(f"       gold: {mix}{more}")
        if story["summary"]:
            first = story["summary"][0]
            print(f"       summary: {clip(first['text'], 100)!r}  [{len(first['sources'])} chips]")
        else:
            print("       summary: (none)")

    # 6. build time and peak memory
    print(f"union build (--no-search --no-cache): {union.seconds:.1f} s", end="")
    print(f", peak {union.peak_mib:,.0f} MiB (last stage line)" if union.peak_mib is not None else "")
    for line in union.stage_lines:
        print(f"  {line}")

    # 7. warm builds after one edit
    if warm:
        print("warm build (--no-search, with the cache) after editing one headline:")
        for line in warm:
            print(f"  {line}")

    # targets
    print("targets:")
    met = True
    if separate:
        mean = sum(separate.values()) / len(separate)
        ok = union_f1 >= mean - F1_SLACK
        met &= ok
        print(
            f"  union BCubed F1 {union_f1:.3f} >= mean of separate F1s {mean:.3f} - {F1_SLACK}: "
            f"{'met' if ok else 'NOT met'}"
        )
    else:
        print("  union F1 against the separate builds: not measured (--no-separate)")
    met &= largest_ok
    print(
        f"  largest story {len(biggest['articles'])} <= {LARGEST_FACTOR} x largest gold story {big_gold_size} "
        f"= {LARGEST_FACTOR * big_gold_size:.0f}: {'met' if largest_ok else 'NOT met'}"
    )
    spans_ok = not offending
    met &= spans_ok
    print(
        f"  no story spans > {LONG_SPAN_DAYS:.0f} days unless pinned or continuous "
        f"({len(offending)} do): {'met' if spans_ok else 'NOT met'}"
    )
    print("all targets met" if met else "targets NOT met", f"(run {time.perf_counter() - started:.0f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
