"""Command line: argument parsing only; each command calls one function."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from sitegen import __version__, interrupt
from sitegen.config import ConfigError, load_config


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="site root: the folder holding content/ and sitegen.toml (default: .)",
    )
    parser = argparse.ArgumentParser(prog="sitegen", description="Publish a news story archive as a static site.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", parents=[common], help="build the site into the output folder")
    build.add_argument("--strict", action="store_true", help="exit non-zero when any warning was reported")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    build.add_argument("--no-cache", action="store_true", help="ignore the build cache (clean build)")
    build.add_argument("--quiet", action="store_true", help="print only diagnostics and the final line")
    build.add_argument("--verbose", action="store_true", help="print every diagnostic (else repeats are folded)")
    build.add_argument(
        "--base-url", metavar="URL", help="override base_url from sitegen.toml (e.g. a deploy preview's)"
    )
    build.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where the parallel stages run: this machine's worker pool (default), or a Dask cluster",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --executor dask: the scheduler to use (default: $DASK_SCHEDULER_ADDRESS, else a "
        "local cluster of this machine's cores)",
    )

    check = sub.add_parser(
        "check", parents=[common], help="build, then report broken internal links and missing assets"
    )
    check.add_argument("--no-search", action="store_true", help="skip the search index (its files are not required)")
    check.add_argument("--no-cache", action="store_true", help="ignore the build cache (clean build)")
    check.add_argument("--verbose", action="store_true", help="print every diagnostic (else repeats are folded)")

    serve = sub.add_parser("serve", parents=[common], help="build, serve on loopback, rebuild and reload on every edit")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    serve.add_argument("--open", action="store_true", help="open the site in the default browser")
    serve.add_argument("--verbose", action="store_true", help="print every diagnostic (else repeats are folded)")

    imp = sub.add_parser("import", parents=[common], help="turn a JSON Lines export into content files")
    imp.add_argument("file", type=Path, metavar="FILE.jsonl")
    imp.add_argument("--verbose", action="store_true", help="print every diagnostic (else repeats are folded)")

    new = sub.add_parser("new", help="start a new site in DIR: sample article, commented settings, Netlify config")
    new.add_argument("folder", type=Path, metavar="DIR")
    new.add_argument(
        "--force", action="store_true", help="add the site to a folder that is not empty (never overwrites)"
    )

    summ = sub.add_parser("summarize", parents=[common], help="print the merged summary of article files")
    summ.add_argument("files", type=Path, nargs="+", metavar="FILE")
    summ.add_argument(
        "--max-words",
        type=int,
        default=None,
        metavar="N",
        help="summary length in words (default: summary.max_words from the config)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    interrupt.install()
    try:
        return _run(args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, interrupt.Terminated) as stop:
        from sitegen import pool

        with interrupt.ignored():
            pool.stop()
            if args.command != "serve":  # serve says it is stopping itself
                print("interrupted", file=sys.stderr)
            interrupt.leave(interrupt.exit_code(stop))
    return 2  # not reached: leave() does not return


def _run(args: argparse.Namespace) -> int:
    if args.command == "build":
        return cmd_build(
            args.site,
            strict=args.strict,
            search=not args.no_search,
            use_cache=not args.no_cache,
            quiet=args.quiet,
            base_url=args.base_url,
            verbose=args.verbose,
            executor=args.executor,
            scheduler=args.scheduler,
        )
    if args.command == "check":
        return cmd_check(args.site, search=not args.no_search, use_cache=not args.no_cache, verbose=args.verbose)
    if args.command == "serve":
        return cmd_serve(
            args.site, args.host, args.port, search=not args.no_search, open_browser=args.open, verbose=args.verbose
        )
    if args.command == "import":
        return cmd_import(args.site, args.file, verbose=args.verbose)
    if args.command == "summarize":
        return cmd_summarize(args.site, args.files, args.max_words)
    if args.command == "new":
        return cmd_new(args.folder, force=args.force)
    return 2


@contextlib.contextmanager
def _leaving_cluster() -> Iterator[None]:
    """Leave the Dask cluster when the build ends, but not on a stop (Ctrl-C, SIGTERM): `main`
    then kills the LocalCluster's workers (`pool.stop`), where closing it would first wait for
    the tasks they are running."""
    from sitegen import pool

    try:
        yield
    except (KeyboardInterrupt, interrupt.Terminated):
        raise
    except BaseException:
        pool.close()
        raise
    pool.close()


def cmd_build(
    site: Path,
    *,
    strict: bool,
    search: bool,
    use_cache: bool,
    quiet: bool,
    base_url: str | None = None,
    verbose: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> int:
    from sitegen import pool
    from sitegen.build import build
    from sitegen.progress import no_progress, terminal_progress

    if scheduler and executor != "dask":
        raise ConfigError("--scheduler needs --executor dask")
    with contextlib.ExitStack() as stack:
        if executor == "dask":
            try:
                address = pool.use_dask(scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None)
            except (RuntimeError, OSError) as exc:
                raise ConfigError(f"--executor dask: {exc}") from exc
            stack.enter_context(_leaving_cluster())
            site = site.resolve()  # workers have working folders of their own: give them whole paths
            if not quiet:
                print(f"executor   dask, scheduler {address}, {pool.workers()} worker threads")
        # bars on a terminal only: logs and pipes get the one line per stage
        progress = stack.enter_context(terminal_progress()) if sys.stderr.isatty() and not quiet else no_progress
        result = build(
            site,
            search=search,
            use_cache=use_cache,
            base_url=base_url,
            log=(lambda _: None) if quiet else print,
            progress=progress,
        )
    for line in result.report.summary_lines(verbose):
        print(line, file=sys.stderr)
    if result.report.has_errors:
        return 1
    if strict and result.report.has_warnings:
        print("error: warnings reported and --strict is set", file=sys.stderr)
        return 1
    return 0


def cmd_check(site: Path, *, search: bool, use_cache: bool, verbose: bool = False) -> int:
    """Exit 1 when the build failed or any internal link or asset is broken."""
    from sitegen.build import build
    from sitegen.check import check_site

    result = build(site, search=search, use_cache=use_cache, log=lambda _: None)
    for line in result.report.summary_lines(verbose)[:-1]:
        print(line, file=sys.stderr)
    checked = check_site(result.output_dir, result.config.site_url, skip=() if search else ("pagefind/",))
    for problem in checked.problems:
        print(problem, file=sys.stderr)
    print(f"checked {checked.pages} pages, {checked.links} internal links and assets: {len(checked.problems)} broken")
    return 1 if checked.problems or result.report.has_errors else 0


def cmd_serve(site: Path, host: str, port: int, *, search: bool, open_browser: bool, verbose: bool = False) -> int:
    from sitegen.serve import serve

    def ready(url: str) -> None:
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    code = serve(
        site, host, port, search=search, log=lambda line: print(line, flush=True), ready=ready, verbose=verbose
    )
    if code in (130, 143):
        # stopped by a signal and cleaned up: leave as a stopped build does, skipping interpreter
        # shutdown (atexit joins, finalizers); once in the suite the server hung after Ctrl-C
        interrupt.leave(code)
    return code


def cmd_import(site: Path, jsonl: Path, *, verbose: bool = False) -> int:
    from sitegen.importer import import_jsonl

    if not site.is_dir():
        raise ConfigError(f"{site}: no such folder (--site names the site folder the articles are imported into)")
    if not jsonl.is_file():
        raise ConfigError(f"{jsonl}: {'is a folder' if jsonl.is_dir() else 'no such file'}")
    config = load_config(site)
    result = import_jsonl(jsonl, site / config.content_dir)
    for line in result.report.summary_lines(verbose)[:-1]:
        print(line, file=sys.stderr)
    print(f"imported {len(result.written)} articles into {site / config.content_dir}")
    return 0 if result.written or not result.report.diagnostics else 1


def cmd_summarize(site: Path, files: Sequence[Path], max_words: int | None) -> int:
    from sitegen.summarize import summarize_files

    config = load_config(site)
    summary, report = summarize_files(files, config, max_words or config.summary.max_words, site)
    for line in report.summary_lines()[:-1]:
        print(line, file=sys.stderr)
    for sentence in summary.sentences:
        print(sentence.text)
    return 0 if summary.sentences else 1


def cmd_new(folder: Path, *, force: bool) -> int:
    from sitegen.scaffold import new_site

    made = new_site(folder, force)
    for path in made.kept:
        print(f"kept {path} (already there)", file=sys.stderr)
    print(f"created a site in {folder}: {len(made.written)} files")
    print(f"  cd {folder} && sitegen serve     preview at http://127.0.0.1:8000/, rebuilt on every edit")
    print("  sitegen build                    the site in public/, ready to publish (netlify.toml does it on Netlify)")
    return 0
