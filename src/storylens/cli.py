"""The `storylens` command: parse arguments, call a plain function, print."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .errors import StorylensError
from .settings import Settings

T = TypeVar("T")
log = logging.getLogger("storylens")


def _progress(items: Iterable[T], label: str, total: int | None = None) -> Iterable[T]:
    """A progress bar on stderr when stderr is a terminal; silent otherwise."""
    from tqdm import tqdm

    return tqdm(items, desc=label, total=total, unit="item", file=sys.stderr, disable=None, leave=False)


def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _settings_from(args: argparse.Namespace) -> Settings:
    changes: dict[str, Any] = {}
    for item in getattr(args, "set", None) or []:
        name, _, value = item.partition("=")
        if not _:
            raise StorylensError(f"--set takes NAME=VALUE, got {item!r}")
        default = Settings.__dataclass_fields__.get(name)
        if default is None:
            Settings().with_changes(**{name: value})  # raises with the list of known names
        kind = type(default.default) if default.default is not None else str
        try:
            changes[name] = Path(value) if name.endswith("_path") else _parse_bool(value) if kind is bool else kind(value)
        except ValueError as error:
            raise StorylensError(f"--set {name}: {error}") from error
    if getattr(args, "lexicon", None):
        changes["lexicon_path"] = Path(args.lexicon)
    return Settings().with_changes(**changes)


def _print_summary(summary: Any, dossier: dict[str, Any], out: Path | None, db: str) -> None:
    totals = dossier["summary"]
    lines = [
        f"inputs this run: {summary.seen} ({summary.new} new, {summary.already_stored} already in the store)",
        f"articles in store: {totals['ok']} ok, {totals['duplicate']} duplicate, {totals['rejected']} rejected",
        f"stories: {totals['stories']}    conflicts: {totals['conflicts']}",
    ]
    for reason, count in sorted(summary.rejected_reasons.items(), key=lambda kv: -kv[1]):
        lines.append(f"  rejected ({count}): {reason}")
    for story in dossier["stories"][:10]:
        lines.append(f"  [{story['id']}] {story['headline'][:70]} — {len(story['sources'])} outlet(s), "
                     f"{len(story['conflicts'])} conflict(s)")
    if len(dossier["stories"]) > 10:
        lines.append(f"  … and {len(dossier['stories']) - 10} more stories")
    if out:
        lines.append(f"report: {out / 'index.html'}   dossier: {out / 'dossier.json'}")
    lines.append(f"store: {db}")
    print("\n".join(lines))


def _outlets_from(args: argparse.Namespace) -> Any:
    if not getattr(args, "outlets", None):
        return None
    from .outlets import load_outlets

    return load_outlets(Path(args.outlets))


def command_analyze(args: argparse.Namespace) -> int:
    settings = _settings_from(args)
    outlets = _outlets_from(args)
    from .pipeline import Models, dossier_from_store, run
    from .report import write_reports
    from .store import Store

    out = Path(args.out)
    db = args.db or str(out / "storylens.db")
    if args.engine == "ray":
        out.mkdir(parents=True, exist_ok=True)
        with Store(db) as store:
            summary = _run_on_ray(store, args, settings)
            dossier = dossier_from_store(store, outlets=outlets)
    else:
        models = Models.load(settings)
        with Store(db) as store:
            summary = run(store, args.inputs, settings, models, _progress)
            dossier = dossier_from_store(store, outlets=outlets)
    write_reports(dossier, out)
    if args.engine == "ray":
        from .ray_engine.tables import write_tables

        write_tables(dossier, out)  # articles, stories, claims and conflicts as Parquet, for large runs
    _print_summary(summary, dossier, out, db)
    return 0


def _run_on_ray(store: Any, args: argparse.Namespace, settings: Settings) -> Any:
    try:
        from .ray_engine import RayOptions, run_on_ray
    except ImportError as error:
        raise StorylensError(f"--engine ray needs the 'ray' extra: pip install 'storylens[ray]' ({error})") from error
    if args.workers < 1:
        raise StorylensError("--workers must be at least 1")
    return run_on_ray(store, args.inputs, settings, RayOptions(address=args.address, workers=args.workers), _progress)


def command_add(args: argparse.Namespace) -> int:
    settings = _settings_from(args)
    outlets = _outlets_from(args)
    from .pipeline import Models, dossier_from_store, run
    from .report import write_reports
    from .store import Store

    models = Models.load(settings)
    with Store(args.db) as store:
        summary = run(store, args.inputs, settings, models, _progress)
        dossier = dossier_from_store(store, outlets=outlets)
    out = Path(args.out) if args.out else None
    if out:
        write_reports(dossier, out)
    _print_summary(summary, dossier, out, args.db)
    return 0


def command_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from .web.app import create_app
        from .web.guard import LOOPBACK_HOSTS
    except ImportError as error:
        raise StorylensError(f"The web app needs the 'web' extra: pip install 'storylens[web]' ({error})") from error
    token = args.token or os.environ.get("STORYLENS_TOKEN")
    if args.max_upload_mb <= 0:
        raise StorylensError("--max-upload-mb must be a positive number of megabytes")
    # The host names the app answers to: the bound address (loopback names when bound to loopback) and any
    # --allow-host, so a page on another site that rebinds its name to this address cannot read the store.
    hosts = (*LOOPBACK_HOSTS, args.host) if args.host in LOOPBACK_HOSTS else (args.host,)
    app = create_app(args.db, token=token, settings=_settings_from(args), allow_fetch=args.allow_fetch,
                     max_request_bytes=int(args.max_upload_mb * 1_000_000),
                     allowed_hosts=(*hosts, *(args.allow_host or ())))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def command_settings(args: argparse.Namespace) -> int:
    for name, default, help in Settings.help():
        print(f"{name} = {default!r}\n    {help}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storylens",
        description="Compare many news reports of the same events: what is established, what is disputed, "
                    "and by whom. Runs fully offline.",
    )
    parser.add_argument("--version", action="version", version=f"storylens {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each rejected input as it happens")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--set", action="append", metavar="NAME=VALUE",
                         help="change a setting for this run (see `storylens settings`); repeatable")
        sub.add_argument("--lexicon", metavar="FILE", help="YAML framing/cue lexicon to use instead of the bundled one")
        sub.add_argument("--outlets", metavar="FILE",
                         help="CSV or YAML of outlet facts (domain,name,country,owner,tags) joined into every report")

    analyze = commands.add_parser(
        "analyze", help="analyse files and folders of articles and write the reports",
        description="Read articles (.txt, .html, .json, .jsonl and more; folders are searched recursively), "
                    "group them into stories and write dossier.json, index.html and one Markdown file per story.")
    analyze.add_argument("inputs", nargs="+", metavar="ARTICLES", help="files, folders, URLs, or - for stdin")
    analyze.add_argument("--out", default="report", help="folder for the reports (default: report)")
    analyze.add_argument("--db", help="SQLite store (default: OUT/storylens.db); re-running adds only new content")
    analyze.add_argument("--engine", choices=("local", "ray"), default="local",
                         help="run here (local, the default) or on a Ray cluster (needs pip install 'storylens[ray]')")
    analyze.add_argument("--address", metavar="auto|ray://HOST:PORT",
                         help="with --engine ray: the cluster to join (default: start Ray on this machine)")
    analyze.add_argument("--workers", type=int, default=2, metavar="N",
                         help="with --engine ray: reading actors, each holding spaCy and the encoder (default: 2)")
    common(analyze)
    analyze.set_defaults(func=command_analyze)

    add = commands.add_parser(
        "add", help="add articles to an existing store and update its stories incrementally",
        description="Place new articles into the stories of a store (or open new stories); "
                    "stories merge when a bridging article arrives; story ids stay stable.")
    add.add_argument("inputs", nargs="+", metavar="ARTICLES", help="files, folders, URLs, or - for stdin")
    add.add_argument("--db", required=True, help="the SQLite store to update")
    add.add_argument("--out", help="also write the reports to this folder")
    common(add)
    add.set_defaults(func=command_add)

    serve = commands.add_parser("serve", help="serve a store as a web app with a JSON API",
                                description="Browse stories side by side, search, and add articles over HTTP.")
    serve.add_argument("--db", required=True, help="the SQLite store to serve")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    serve.add_argument("--token", help="token required for writes (default: $STORYLENS_TOKEN)")
    serve.add_argument("--allow-host", action="append", metavar="NAME",
                       help="also answer requests for this host name (repeatable; '*' for any); by default only "
                            "the --host address, and localhost when that is loopback")
    serve.add_argument("--allow-fetch", action="store_true",
                       help="let API users submit URLs for the server to fetch (public addresses only)")
    serve.add_argument("--max-upload-mb", type=float, default=10.0, metavar="MB",
                       help="largest request body POST /api/articles accepts, in megabytes (default: 10)")
    common(serve)
    serve.set_defaults(func=command_serve)

    show = commands.add_parser("settings", help="list every setting with its default and meaning")
    show.set_defaults(func=command_settings)
    return parser


class Terminated(KeyboardInterrupt):
    """The run was asked to stop with SIGTERM; it stops as on Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="storylens: %(message)s", stream=sys.stderr)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    try:
        return args.func(args)
    except StorylensError as error:
        print(f"storylens: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        print(f"storylens: error: cannot use{where}: {error.strerror or error}. Check the path, its permissions "
              "and the free space on its disk.", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        print("storylens: interrupted; what was stored is kept: run the same command again to finish",
              file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
