"""The `polku` command: serve, migrate, demo data, Koski import, users and the schema SDL."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from tortoise import Tortoise

from api import cli_hoks
from models.db import tortoise_config
from models.production import NotProductionReady, check_environment
from models.services.errors import DomainError
from models.settings import VAR_DIR, Settings

MIGRATE_LOCK = 0x706F6C6B75  # "polku": the advisory lock key `polku migrate` holds
Command = Callable[[argparse.Namespace, Settings], Awaitable[int] | int]


async def open_db(settings: Settings) -> None:
    if settings.database_url.startswith("sqlite"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    await Tortoise.init(config=tortoise_config(settings.database_url))


async def run_migrations(settings: Settings) -> None:
    """Apply the committed migrations (`models/migrations`) to the configured database."""
    from tortoise.migrations.api.migrate import migrate

    if settings.database_url.startswith("sqlite"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        await migrate(config=tortoise_config(settings.database_url))
        await Tortoise.close_connections()
        return
    # Two `polku migrate` at once (two deploys, or a deploy and a CI job) take turns on a session advisory lock,
    # held on a connection of its own; the second then finds the schema up to date (issue 12 item 5).
    import asyncpg

    lock = await asyncpg.connect(settings.database_url)
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATE_LOCK)
        await migrate(config=tortoise_config(settings.database_url))
        await Tortoise.close_connections()
    finally:
        await lock.close()  # ends the session, and so releases the lock


def progress(done: int, total: int, label: str, out: TextIO = sys.stderr) -> None:
    """A one-line progress bar on stderr, redrawn in place."""
    width = 30
    filled = width * done // max(total, 1)
    out.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        out.write("\n")
    out.flush()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import proxy_options

    # An import string and a factory: with --workers each uvicorn process builds its own app, pools included.
    uvicorn.run(
        "api.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        log_config=None,  # models/logs.py: JSON lines with pid and request id
        **proxy_options(settings),
    )
    return 0


async def cmd_migrate(_: argparse.Namespace, settings: Settings) -> int:
    await run_migrations(settings)
    print("database schema is up to date")
    return 0


async def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from models.demo import generate
    from models.demo_kyselyt import DEMO_KUNTA, survey_states, valpas_people
    from models.rules.calendar import helsinki_day

    await open_db(settings)
    try:
        summary = await generate(args.oppijat, seed=args.seed, on_progress=lambda d, t: progress(d, t, "demo"))
        today = helsinki_day(datetime.now(UTC))
        summary["kyselylinkit_tiloittain"] = await survey_states(today, args.seed)
        summary["valpas_kunnan_listalla"] = await valpas_people(today, DEMO_KUNTA)
    finally:
        await Tortoise.close_connections()
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _lines(path: str) -> Iterable[str]:
    if path == "-":
        yield from sys.stdin
    else:
        with open(path, encoding="utf-8") as f:
            yield from f


def _report(accepted: int, refused: list[tuple[int, str]]) -> int:
    """An import's summary: every refused line with its reason; exit 1 when anything was refused."""
    print(f"accepted {accepted}, refused {len(refused)}")
    for line_no, reason in refused:
        print(f"  line {line_no}: {reason}")
    return 0 if not refused else 1


async def cmd_import_koski(args: argparse.Namespace, settings: Settings) -> int:
    from models.services.importer import ImportSummary, import_lines, split_documents

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    lines = split_documents(text)
    summary = ImportSummary()
    await open_db(settings)
    try:
        summary = await import_lines(lines, on_progress=lambda d, t: progress(d, t, "import"))
    finally:
        await Tortoise.close_connections()
        print(
            f"accepted {summary.accepted}, new version {summary.new_version}, unchanged {summary.unchanged}, "
            f"refused {len(summary.refused)}"
        )
    for line_no, reason in summary.refused:
        print(f"  line {line_no}: {reason}")
    return 0 if not summary.refused else 1


async def cmd_koski_sync(args: argparse.Namespace, settings: Settings) -> int:
    from jobs.koski_client import KoskiClient, KoskiError
    from models.services.koski_sync import sync

    await open_db(settings)
    try:
        async with KoskiClient.from_settings(settings) as client:
            summary = await sync(client, since=args.since)
    except KoskiError as e:
        print(f"koski-sync: {e}", file=sys.stderr)
        return 2
    finally:
        await Tortoise.close_connections()
    print(summary.line())
    for oid, reason in summary.refused:
        print(f"  {oid}: {reason}")
    return 0 if not summary.refused and not summary.busy else 1


async def cmd_import_haku(args: argparse.Namespace, settings: Settings) -> int:
    from models.services.haku import import_lines

    lines = list(_lines(args.file))
    await open_db(settings)
    try:
        summary = await import_lines(lines)
    finally:
        await Tortoise.close_connections()
    return _report(summary.accepted, summary.refused)


async def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    from models.services.users import add_user, issue_token
    from models.user import RoleName, UserKind

    await open_db(settings)
    try:
        if args.users_command == "add":
            await add_user(args.name, UserKind(args.kind), args.org, RoleName(args.role))
            print(f"{args.name}: {args.role} in {args.org}")
        else:
            print(await issue_token(args.name))
    finally:
        await Tortoise.close_connections()
    return 0


async def cmd_worker(_: argparse.Namespace, settings: Settings) -> int:
    from jobs import runner
    from jobs.worker import MissingRedisUrl, redis_settings
    from models import logs

    try:
        redis_settings(settings)
    except MissingRedisUrl as e:
        print(f"polku: {e}", file=sys.stderr)
        return 2
    logs.configure()
    return await runner.run(settings)


async def cmd_tick(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime

    from jobs.tick import describe, tick

    now = datetime.fromisoformat(args.now)
    if now.tzinfo is None:
        print("--now needs a UTC offset, e.g. 2021-07-16T09:00+03:00", file=sys.stderr)
        return 2
    await open_db(settings)
    try:
        report, outcome = await tick(now, settings, dry_run=args.dry_run)
    finally:
        await Tortoise.close_connections()
    print("\n".join(describe(report, outcome)))
    return 0


def cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    from api.dev import run

    return run(args, settings)


def cmd_schema(_: argparse.Namespace, __: Settings) -> int:
    from api.schema import schema

    print(schema.as_str())
    return 0


def build_parser() -> argparse.ArgumentParser:
    from models.user import RoleName, UserKind

    parser = argparse.ArgumentParser(prog="polku", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the ASGI app under uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="API processes (uvicorn process workers)")
    serve.set_defaults(func=cmd_serve)

    dev = sub.add_parser("dev", help="migrate, demo data, own Redis, the worker and the server, in one command")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8000)
    dev.add_argument("--oppijat", type=int, default=200, help="demo learners loaded into an empty database")
    dev.set_defaults(func=cmd_dev)

    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo", help="fill the database with synthetic data")
    demo.add_argument("--oppijat", type=int, default=200)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser(
        "import-koski",
        help="import Koski JSON (Oppija documents, /sure/oids answers or study rights), one per line or a list",
    )
    imp.add_argument("file", help="a file, or - for standard input")
    imp.set_defaults(func=cmd_import_koski)

    ks = sub.add_parser("koski-sync", help="mirror the persons Koski's change feed lists since the stored cursor")
    ks.add_argument("--since", help="start from this ISO instant instead of the stored cursor")
    ks.set_defaults(func=cmd_koski_sync)

    haku = sub.add_parser("import-haku", help="import yhteishaku applications and results, one JSON per line")
    haku.add_argument("file", help="a file, or - for standard input")
    haku.set_defaults(func=cmd_import_haku)

    users = sub.add_parser("users", help="service and official users")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="create a user (if new) and give it a role in an organisation")
    add.add_argument("name")
    add.add_argument("--org", required=True, help="organisation OID")
    add.add_argument("--role", required=True, choices=[r.value for r in RoleName])
    add.add_argument("--kind", default=UserKind.OFFICIAL.value, choices=[k.value for k in UserKind])
    token = users_sub.add_parser("token", help="issue a new bearer token (shown once)")
    token.add_argument("name")
    users.set_defaults(func=cmd_users)

    sub.add_parser("worker", help="run the arq worker (feedback sends, cron)").set_defaults(func=cmd_worker)

    tick = sub.add_parser("tick", help="run the feedback sends due at an instant, synchronously")
    tick.add_argument("--now", required=True, help="an ISO instant with offset, e.g. 2021-07-16T09:00+03:00")
    tick.add_argument("--dry-run", action="store_true", help="print what would be sent without sending")
    tick.set_defaults(func=cmd_tick)

    sub.add_parser("schema", help="print the GraphQL SDL").set_defaults(func=cmd_schema)
    cli_hoks.register(sub)
    return parser


# The long-running commands: in production mode they refuse development secrets and defaults.
SERVICES = frozenset({"serve", "dev", "worker"})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.command in SERVICES:
            check_environment(settings)
        result: Any = args.func(args, settings)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
    except DomainError as e:
        print(f"polku: {e.field + ': ' if e.field else ''}{e.message}", file=sys.stderr)
        return 2
    except NotProductionReady as e:
        print(f"polku: {e}", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
