"""The command line as a person meets it: ordinary mistakes get one clear line and exit 2, never a
traceback and never files written where they do not belong; signals stop a command quietly."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REPO, free_port, group_alive, group_gone, read_stories, start_build
from sitegen.config import SiteConfig, documented_keys, load_config
from sitegen.live import LiveSite


def sitegen(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The command failed with exit 2 and a single `error:` line holding every fragment."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_a_folder_without_content_is_refused_and_nothing_is_written(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "not-a-site"
    folder.mkdir()
    (folder / "notes.txt").write_text("my shopping list\n")
    line = one_line_error(sitegen(command, cwd=folder), "not a site folder", "content/", "sitegen new")
    assert str(folder) in line
    assert tree(folder) == ["notes.txt"]


@pytest.mark.parametrize("command", ["build", "check", "serve", "import"])
def test_site_pointing_at_a_missing_folder_is_refused_and_not_created(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "typo"
    extra = [str(tmp_path / "x.jsonl")] if command == "import" else []
    (tmp_path / "x.jsonl").write_text('{"text": "A record."}\n')
    one_line_error(sitegen(command, "--site", str(missing), *extra, cwd=tmp_path), str(missing), "no such folder")
    assert not missing.exists()


def test_import_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    one_line_error(sitegen("import", "missing.jsonl", cwd=tmp_path), "missing.jsonl: no such file")
    assert tree(tmp_path) == []


def test_serve_on_a_taken_port_says_so_before_building(seeds_site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = sitegen("serve", "--port", str(port), "--no-search", cwd=seeds_site, timeout=60)
    one_line_error(result, f"port {port}", "already in use", "--port")
    assert not (seeds_site / "public").exists()  # refused before anything was built
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    "setting, key",
    [
        ("stories_per_page = 0", "'stories_per_page' must be at least 1"),
        ("[summary]\nmax_words = -5", "[summary]: 'max_words' must be at least 1"),
        ("[cluster]\nthreshold = 7.0", "[cluster]: 'threshold' must be more than 0.0 and at most 1.0"),
        ("[cluster]\nwindow_days = -1", "'window_days' must be at least 0"),
        ('output_dir = "."', "'output_dir' must be a folder inside the site root"),
        ('output_dir = "../elsewhere"', "'output_dir' must be a folder inside the site root"),
        ('output_dir = "content"', "'output_dir' and 'content_dir' must be separate"),
        ('base_url = "example.org"', "'base_url' must be an absolute http(s) URL"),
    ],
)
def test_settings_out_of_range_are_refused_with_the_key_named(seeds_site: Path, setting: str, key: str) -> None:
    (seeds_site / "sitegen.toml").write_text(setting + "\n")
    one_line_error(sitegen("build", "--no-search", cwd=seeds_site), "sitegen.toml", key)
    assert not (seeds_site / "public").exists()


def test_a_changed_setting_discards_the_cache_with_a_note_that_strict_accepts(seeds_site: Path) -> None:
    assert sitegen("build", "--no-search", "--strict", cwd=seeds_site).returncode == 0
    (seeds_site / "sitegen.toml").write_text('title = "Renamed"\n[summary]\nmax_words = 80\n')
    result = sitegen("build", "--no-search", "--strict", cwd=seeds_site)
    assert result.returncode == 0, result.stderr
    assert "note: build cache from another version of sitegen or other settings; discarded" in result.stderr


def test_repeated_diagnostics_are_folded_unless_verbose(make_site) -> None:
    files = {f"content/wire/undated-{n:02d}.txt": f"Report number {n} on the harbour works.\n" for n in range(12)}
    files["content/wire/bad-date.md"] = "---\ndate: next Tuesday\n---\nThe council met.\n"
    site = make_site(files)
    folded = sitegen("build", "--no-search", cwd=site)
    assert folded.returncode == 0
    notes = [line for line in folded.stderr.splitlines() if "note: no date" in line]
    assert len(notes) == 5
    assert "  ... and 7 more like this (--verbose shows all)" in folded.stderr
    assert "bad-date.md:2: warning: unparseable date 'next Tuesday'" in folded.stderr  # the odd one out stays
    verbose = sitegen("build", "--no-search", "--verbose", cwd=site)
    assert len([line for line in verbose.stderr.splitlines() if "note: no date" in line]) == 12
    assert "more like this" not in verbose.stderr


def test_a_broken_template_is_reported_once_in_the_terminal_and_the_preview(seeds_site: Path) -> None:
    (seeds_site / "templates").mkdir()
    theme_base = (REPO / "themes" / "default" / "templates" / "base.html").read_text("utf-8")
    broken = theme_base.replace("<main", "{{ no_such_variable.attribute }}<main", 1)
    assert broken != theme_base
    (seeds_site / "templates" / "base.html").write_text(broken, "utf-8")
    result = sitegen("build", "--no-search", cwd=seeds_site)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "template error" in line]
    assert len(errors) == 1 and errors[0].startswith("templates/base.html:"), result.stderr
    rebuild = LiveSite(seeds_site, log=lambda _: None).rebuild()
    assert [str(p) for p in rebuild.problems if "template error" in p.message] == errors


def test_duplicate_id_warning_names_the_renamed_file_and_the_one_that_kept_the_id(make_site) -> None:
    site = make_site(
        {
            "content/ap/ap880911-0016.md": "---\nid: AP880911-0016\n---\nHurricane Gilbert swept toward the coast.\n",
            "content/ap/ap880911-0016-2.md": "---\nid: AP880911-0016\n---\nA second report on the county fair.\n",
        }
    )
    result = sitegen("build", "--no-search", cwd=site)
    assert (
        "ap/ap880911-0016-2.md: warning: id 'AP880911-0016' is already used by ap/ap880911-0016.md, which keeps it; "
        "this file is published as 'AP880911-0016-2'" in result.stderr
    )
    ids = {a["path"].rsplit("#", 1)[-1]: a["id"] for s in read_stories(site) for a in s["articles"]}
    assert sorted(ids.values()) == ["AP880911-0016", "AP880911-0016-2"]


def test_import_keeps_headline_records_folds_repeats_and_unescapes_sources(tmp_path: Path) -> None:
    records = [
        {"id": "h1", "title": "Stocks fall on weak China export data", "source": "Law360 \\(subscription\\)"},
        {"id": "h2", "title": "Fed holds rates", "text": "", "source": "24\\/7 Wall St."},
        {"id": "r1", "title": "Repeat", "text": "A report sent twice by the feed.", "source": "Yahoo\\!7 News"},
        {"id": "r1", "title": "Repeat", "text": "A report sent twice by the feed.", "source": "Yahoo\\!7 News"},
        {"id": "r1", "title": "Repeat", "text": "A report sent twice by the feed.", "source": "Yahoo\\!7 News"},
    ]
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records))
    site = tmp_path / "site"
    site.mkdir()
    result = sitegen("import", str(jsonl), cwd=site)
    assert result.returncode == 0, result.stderr
    assert "feed.jsonl: note: 2 records repeat an earlier record (same id and text); each was written once" in (
        result.stderr
    )
    assert len(list((site / "content").rglob("*.md"))) == 3
    built = sitegen("build", "--no-search", "--strict", cwd=site)
    assert built.returncode == 0, built.stderr
    articles = {a["id"]: a for s in read_stories(site) for a in s["articles"]}
    assert {a["source"] for a in articles.values()} == {"Law360 (subscription)", "24/7 Wall St.", "Yahoo!7 News"}
    assert "looks like a path" not in built.stderr


def test_new_scaffolds_a_site_that_builds_strict_and_refuses_a_full_folder(tmp_path: Path) -> None:
    made = sitegen("new", "mysite", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "mysite"
    assert {"sitegen.toml", "netlify.toml", ".gitignore", "README.md", "requirements.txt"} <= set(tree(site))
    assert len(list((site / "content").rglob("*.md"))) == 1
    assert "/public/" in (site / ".gitignore").read_text() and "/.sitegen-cache/" in (site / ".gitignore").read_text()
    assert "sitegen build" in (site / "netlify.toml").read_text()
    assert "sitegen build" in (site / "README.md").read_text()
    built = sitegen("build", "--no-search", "--strict", cwd=site)
    assert built.returncode == 0, built.stderr
    assert len(read_stories(site)) == 1
    assert "<title>My News Archive</title>" in (site / "public" / "index.html").read_text("utf-8")
    # every setting is listed, commented out at its default: uncommented, they change nothing
    config = (site / "sitegen.toml").read_text()
    uncommented = re.sub(r"(?m)^# (\w+ = )", r"\1", config)
    keys = re.findall(r"(?m)^# (\w+) = ", config)
    # all but title and base_url, which are set, and sources, shown as an example outlet's table
    assert len(keys) + 3 == len(documented_keys())
    assert "# [sources.harbor-gazette]" in config
    (site / "sitegen.toml").write_text(uncommented)
    assert load_config(site) == replace(SiteConfig(), title="My News Archive", base_url="https://example.org/")

    one_line_error(sitegen("new", "mysite", cwd=tmp_path), "not empty", "--force")
    (site / "README.md").write_text("our own notes\n")
    (site / "netlify.toml").unlink()
    forced = sitegen("new", "mysite", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert (site / "README.md").read_text() == "our own notes\n"  # never overwritten
    assert (site / "netlify.toml").is_file()  # the missing file is written again


def test_version(tmp_path: Path) -> None:
    from sitegen import __version__

    result = sitegen("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"sitegen {__version__}"


def test_serve_prints_the_build_stages_and_report_then_the_url(seeds_site: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--port", str(port), "--no-search"],
        cwd=seeds_site,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Serving"):
            break
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
        assert response.status == 200
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 130
    proc.stdout.close()
    stages = [line.split()[0] for line in lines[:4]]
    assert stages == ["load", "cluster", "summarize", "render"]
    assert lines[-2].startswith("2 files read, 2 articles published")
    assert lines[-1].startswith(f"Serving public at http://127.0.0.1:{port}/")


def generated_site(tmp_path: Path, articles: int) -> Path:
    """A synthetic archive big enough for the worker pool (bench/synth.py)."""
    generated = tmp_path / "generated"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "synth.py"), str(articles), str(generated), "--seed", "3"],
        check=True,
        capture_output=True,
    )
    site = tmp_path / "site"
    shutil.copytree(generated / "content", site / "content")
    return site


@pytest.mark.parametrize(
    "stop, whom, after, code",
    [
        (signal.SIGINT, "group", "load", 130),  # Ctrl-C in a terminal reaches the workers too
        (signal.SIGINT, "group", "cluster", 130),
        (signal.SIGTERM, "build", "load", 143),  # a process manager stops the build alone
    ],
)
def test_a_stopped_build_exits_quietly_with_its_workers_and_the_old_site_whole(
    tmp_path: Path, stop: signal.Signals, whom: str, after: str, code: int
) -> None:
    site = generated_site(tmp_path, 1200)
    first = sitegen("build", "--no-search", cwd=site)
    assert first.returncode == 0
    before = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    for path in list((site / "content").rglob("*.md"))[::4]:  # new coverage: a clean parse in the pool
        path.write_text(path.read_text("utf-8") + "\nA late paragraph arrived from the wire.\n", "utf-8")
    proc = start_build(site, "--no-search", "--no-cache")
    assert proc.stdout is not None
    if after == "load":  # once the pool's workers are parsing
        deadline = time.monotonic() + 60
        while len(group_alive(proc.pid)) < 3:  # the build, its resource tracker, a worker
            assert proc.poll() is None and time.monotonic() < deadline, "the build never started its workers"
            time.sleep(0.05)
        time.sleep(0.3)
    else:
        for line in proc.stdout:
            if line.startswith(after):
                break
    if whom == "group":
        os.killpg(proc.pid, stop)
    else:
        proc.send_signal(stop)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in out + err and "Error" not in err
    assert err.strip().splitlines()[-1] == "interrupted"
    assert group_gone(proc.pid)
    after_stop = {p: p.read_bytes() for p in (site / "public").rglob("*") if p.is_file()}
    assert after_stop == before
