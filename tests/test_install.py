"""sitegen installed the way users install it: a wheel built from the sdist, in a new virtual
environment outside the checkout, runs every command on a site of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path

from conftest import REPO, SEEDS, free_port


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_the_wheel_installed_elsewhere_builds_serves_and_checks_a_site(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    dist = tmp_path / "dist"
    # sdist first, then the wheel from the sdist: both must carry the bundled theme
    built = run(sys.executable, "-m", "build", "--outdir", dist, REPO, cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = dist.glob("sitegen-*.whl")
    assert len(list(dist.glob("sitegen-*.tar.gz"))) == 1

    home = tmp_path / "venv"
    venv.create(home, with_pip=True)
    python, sitegen = home / "bin" / "python", home / "bin" / "sitegen"
    installed = run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path, env=env)
    assert installed.returncode == 0, installed.stderr[-3000:]
    where = run(python, "-c", "import sitegen; print(sitegen.__file__)", cwd=tmp_path, env=env).stdout.strip()
    assert Path(where).is_relative_to(home) and not Path(where).is_relative_to(REPO)

    site = tmp_path / "newsroom"
    (site / "content").mkdir(parents=True)
    for seed in SEEDS.iterdir():
        (site / "content" / seed.name).write_bytes(seed.read_bytes())
    build = run(sitegen, "build", cwd=site, env=env)
    assert build.returncode == 0, build.stderr
    assert "2 articles published" in build.stderr
    assert (site / "public" / "index.html").is_file()
    assert (site / "public" / "pagefind" / "2023" / "pagefind.js").is_file()  # the seeds' year: one shard
    assert (site / "public" / "css" / "site.css").is_file()  # the bundled theme's static files

    check = run(sitegen, "check", cwd=site, env=env)
    assert check.returncode == 0, check.stderr
    assert ": 0 broken" in check.stdout

    port = free_port()
    server = subprocess.Popen(
        [str(sitegen), "serve", "--port", str(port), "--no-search"],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    for line in server.stdout:
        if line.startswith("Serving"):
            break
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
        page = response.read().decode()
    assert response.status == 200 and "/__sitegen/live.js" in page  # the reload script, read from the package
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__sitegen/live.js") as response:
        assert b"EventSource" in response.read()
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=20) == 130
    server.stdout.close()

    fresh = run(sitegen, "new", tmp_path / "scaffolded", cwd=tmp_path, env=env)
    assert fresh.returncode == 0, fresh.stderr
    strict = run(sitegen, "build", "--no-search", "--strict", cwd=tmp_path / "scaffolded", env=env)
    assert strict.returncode == 0, strict.stderr
    version = run(sitegen, "--version", cwd=tmp_path, env=env)
    assert version.stdout.startswith("sitegen ")
