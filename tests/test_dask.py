"""`sitegen build --executor dask`: the parallel stages as tasks on a Dask cluster, and the same
site, byte for byte, as the local worker pool makes."""

from __future__ import annotations

import gzip
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, group_gone, start_build

ARTICLES = 1200  # enough stories for the parse and summarize stages to go to the workers


def sitegen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sitegen", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def shaky(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    order_dependent = "/filter/" in path or name.endswith(".pf_meta") or name == "pagefind-entry.json"
    return path.startswith("pagefind/") and order_dependent


def stable(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if not shaky(path)}


def unordered(files: dict[str, bytes]) -> list[tuple[str, int, bytes]]:
    """Pagefind's order-dependent files by folder and kind, each as its sorted bytes."""
    found = []
    for path, data in files.items():
        if shaky(path):
            if path.endswith(".json"):
                entry = json.loads(data)
                for language in entry["languages"].values():
                    language.pop("hash")
                data = json.dumps(entry, sort_keys=True).encode()
            else:
                data = gzip.decompress(data)
            kind = "filter" if "/filter/" in path else path.rsplit(".", 1)[-1]
            # the metadata names the filter files by their hashes: its length is what stays
            content = b"" if kind == "pf_meta" else bytes(sorted(data))
            found.append((path.split("/")[1] + "/" + kind, len(data), content))
    return sorted(found)


def generate(tmp_path: Path) -> Path:
    generated = tmp_path / "generated"
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "synth.py"), str(ARTICLES), str(generated), "--seed", "5"],
        check=True,
        capture_output=True,
    )
    return generated


def test_a_dask_build_equals_a_local_build_byte_for_byte(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    generated = generate(tmp_path)
    # search shards small enough for several Pagefind runs, and clustering in monthly windows
    # (the archive spans three years), so the cluster runs those too
    config = "[search]\nshard_megabytes = 4\n[cluster]\npartition_articles = 0\npartition_days = 30\n"
    sites = {}
    for name in ("local", "dask"):
        sites[name] = tmp_path / name
        shutil.copytree(generated / "content", sites[name] / "content")
        (sites[name] / "sitegen.toml").write_text(config, encoding="utf-8")

    local = sitegen("build", "--no-cache", cwd=sites["local"])
    assert local.returncode == 0, local.stderr

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        address = cluster.scheduler_address
        built = sitegen("build", "--no-cache", "--executor", "dask", "--scheduler", address, cwd=sites["dask"])
        assert built.returncode == 0, built.stderr
        assert f"executor   dask, scheduler {cluster.scheduler_address}, 2 worker threads" in built.stdout
        # the stages ran on the cluster's workers: parse, cluster windows, summarize with story
        # pages, index shards
        ran = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert {"load_chunk", "cluster_windows", "run_chunk", "index_chunk"} <= set(ran), ran  # keys lose their "_"

    made, expected = tree(sites["dask"] / "public"), tree(sites["local"] / "public")
    assert len([p for p in made if p.endswith("pagefind-entry.json")]) >= 3
    # Pagefind writes its filter index in hash-map order, so its filter files, and the metadata
    # and entry files that name them, differ between two runs on the same pages, local or not
    # (upstream Pagefind/pagefind#638). Everything else, its pages index included, is the same
    # byte for byte; those files are the same once their order and names are taken out.
    assert stable(made) == stable(expected)
    assert unordered(made) == unordered(expected)
    assert (sites["dask"] / "story-ids.json").read_bytes() == (sites["local"] / "story-ids.json").read_bytes()


def test_scheduler_without_dask_executor_is_refused(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    refused = sitegen("build", "--scheduler", "tcp://127.0.0.1:1", cwd=tmp_path)
    assert refused.returncode == 2
    assert "--scheduler needs --executor dask" in refused.stderr
    unreachable = sitegen("build", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", cwd=tmp_path)
    assert unreachable.returncode == 2
    assert "--executor dask" in unreachable.stderr


@pytest.mark.parametrize("after", ["cluster", "render"])  # while summaries run; while shards are indexed
def test_sigterm_ends_a_dask_build_at_once_with_its_workers_and_the_old_site_whole(tmp_path: Path, after: str) -> None:
    """Closing the LocalCluster on a stop waited for the tasks its workers were running (longer
    than 13 s in a 500,000-article build) and had each log its cancelled task; its workers are
    killed instead, as the local pool's are."""
    site = tmp_path / "site"
    shutil.copytree(generate(tmp_path) / "content", site / "content")
    config = "[search]\nshard_megabytes = 4\n[cluster]\npartition_articles = 0\npartition_days = 30\n"
    (site / "sitegen.toml").write_text(config, encoding="utf-8")
    assert sitegen("build", "--no-cache", cwd=site).returncode == 0
    before = tree(site / "public")
    proc = start_build(site, "--no-cache", "--executor", "dask")
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(after):
            break
    else:
        pytest.fail(f"the build ended before its {after} stage: {proc.communicate()[1]}")
    if after == "cluster":
        time.sleep(0.3)  # the summaries' tasks are on the workers
    # after "render", at once: the shards' Pagefind runs are starting (on an idle machine the
    # whole stage took less than 0.3 s)
    proc.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == ["interrupted"], err  # no worker's log of a cancelled task
    assert took < 5, f"{took:.1f} s to stop"
    assert group_gone(proc.pid, seconds=2)  # workers (and Pagefind runs) ended with it
    assert tree(site / "public") == before
