"""`polku dev`: the whole service on one machine with nothing installed but Python and a redis-server binary.

The README's first command. It checks the port first, migrates the configured database (SQLite in ./var by
default), loads demo data into an empty one, makes a demo official with admin rights on OPH, starts its own
Redis when REDIS_URL is not set and its own outbox (api.dev_outbox) when no SMTP_HOST or TWILIO_API_BASE is
set, runs the arq worker as a child process, and serves the app under uvicorn. Sent links point at this
server's port unless POLKU_PUBLIC_URL is set. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from tortoise import Tortoise

from api.dev_outbox import Outbox
from models.demo_kyselyt import DemoUser
from models.rules.calendar import helsinki_day
from models.settings import VAR_DIR, Settings

DEMO_USER = "demo-virkailija"
DEMO_KUNTA = "091"  # Helsinki: the kunta of the README's Valpas queries


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def redis_server_binary() -> str | None:
    """Debian's redis-server on PATH, or the one the pip package `redis-server` ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redis_server  # type: ignore[import-not-found]
    except ImportError:
        return None
    return str(redis_server.REDIS_SERVER_PATH)


def start_redis(binary: str) -> tuple[subprocess.Popen[bytes], str]:
    """A throw-away Redis on a free local port (no persistence), and its URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.terminate()
    raise RuntimeError("redis-server did not answer within 10 s")


def has_subcommand(name: str) -> bool:
    from api.cli import build_parser

    return any(
        isinstance(action, argparse._SubParsersAction) and name in action.choices for action in build_parser()._actions
    )


@dataclass(frozen=True)
class Demo:
    """What the banner prints: tokens, a survey link to open and the kunta whose Valpas list has people."""

    token: str
    koulutustoimija: str  # where the demo official is admin and valvoja
    tunnus: str | None
    kunta: str
    users: list[DemoUser]


async def prepare(settings: Settings, oppijat: int) -> Demo:
    """Migrate, fill an empty database with demo data (links in every state, answers), and return fresh tokens
    of the demo official and of a user for every role, one open survey link and the busiest Valpas kunta."""
    from api.cli import open_db, progress, run_migrations
    from models.demo import generate
    from models.demo_kyselyt import DEMO_KUNTA, busiest_kunta, demo_users, survey_states, valpas_people
    from models.oppija import Oppija
    from models.services.organisations import oph
    from models.services.users import issue_token

    await run_migrations(settings)
    await open_db(settings)
    try:
        if not await Oppija.exists():
            print(f"loading demo data ({oppijat} oppijat)…", file=sys.stderr)
            await generate(oppijat, seed=1, on_progress=lambda d, t: progress(d, t, "demo"))
            await decide_demo_feedback()
            await survey_states(helsinki_day(datetime.now(UTC)))
            await valpas_people(helsinki_day(datetime.now(UTC)), DEMO_KUNTA)
        await oph()
        koulutustoimija = await grant_demo_official()
        kunta = await busiest_kunta(helsinki_day(datetime.now(UTC)))
        return Demo(await issue_token(DEMO_USER), koulutustoimija, await open_link(), kunta, await demo_users(kunta))
    finally:
        await Tortoise.close_connections()


async def grant_demo_official() -> str:
    """The printed token runs every query of the README as printed (issue 14) as an official of one provider and
    one kunta would: admin (eHOKS) and the Valpas valvoja roles in the first demo koulutustoimija, whose
    oppilaitokset hold the demo's pupils, and the kunta roles in Helsinki (091). The OPH views have their own
    user in the banner (`demo-oph-admin`)."""
    from models.organisation import Organisation, OrganisationTyyppi
    from models.services.users import add_user
    from models.user import RoleName, UserKind

    kunta = await Organisation.get_or_none(tyyppi=OrganisationTyyppi.KUNTA, kuntakoodi=DEMO_KUNTA)
    kt = await Organisation.filter(tyyppi=OrganisationTyyppi.KOULUTUSTOIMIJA).order_by("id").first()
    grants = [(kunta, r) for r in (RoleName.KUNTA_PAAKAYTTAJA, RoleName.KUNTA_VALVOJA)]
    grants += [
        (kt, r)
        for r in (
            RoleName.ADMIN,
            RoleName.VALVOJA_HAKEUTUMINEN,
            RoleName.VALVOJA_SUORITTAMINEN,
            RoleName.VALVOJA_MAKSUTTOMUUS,
        )
    ]
    for org, role in grants:
        if org is not None:
            await add_user(DEMO_USER, UserKind.OFFICIAL, org.oid, role)
    return kt.nimi if kt else "no koulutustoimija"


async def decide_demo_feedback() -> None:
    """Demo data is bulk-written, past the save-time decisions: run them and today's sends, as a save would."""
    from models.hoks import Hoks
    from models.services.herate import record_herateet
    from models.services.lahetysajo import run_day

    today = helsinki_day(datetime.now(UTC))
    for hoks_id in await Hoks.all().order_by("id").values_list("id", flat=True):
        await record_herateet(int(hoks_id), today)  # type: ignore[call-overload]
    await run_day(today)


async def wake_queued(settings: Settings) -> int:
    """Hand the deliveries the demo queued to the worker now (the demo ran before Redis was up)."""
    from api.cli import open_db
    from jobs.tick import queued_ids, wake

    await open_db(settings)
    try:
        ids = await queued_ids()
        await wake(settings, ids)
        return len(ids)
    finally:
        await Tortoise.close_connections()


async def open_link() -> str | None:
    from models.kyselylinkki import Kyselylinkki

    today = helsinki_day(datetime.now(UTC))
    link = await Kyselylinkki.filter(
        vastattu_at=None, peruttu_at=None, vastausaika_alku__lte=today, vastausaika_loppu__gte=today
    ).first()
    return link.tunnus if link else None


def port_taken(host: str, port: int) -> bool:
    """Whether `host:port` can't be bound now: checked before anything is printed or started."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def with_public_url(settings: Settings, host: str, port: int) -> Settings:
    """Links sent in messages point at this server unless POLKU_PUBLIC_URL says otherwise."""
    if os.environ.get("POLKU_PUBLIC_URL"):
        return settings
    url = f"http://{host}:{port}"
    os.environ["POLKU_PUBLIC_URL"] = url  # the worker child builds its links from it too
    return replace(settings, public_base_url=url)


def banner(host: str, port: int, demo: Demo, redis_url: str, worker: bool) -> str:
    base, token, tunnus = f"http://{host}:{port}", demo.token, demo.tunnus
    kunta_user = next((u for u in demo.users if u.role.value == "kunta_valvoja"), None)
    query = '{"query":"{ hoksit(first: 3) { edges { node { id oppija { sukunimi } tutkinnonOsat { nimi } } } } }"}'
    return "\n".join(
        [
            "",
            f"  start page  {base}/",
            f"  report      {base}/raportti   (sign in with the token below)",
            f"  editor      {base}/editori",
            f"  sent mail   {base}/kehitys/lahetetyt   (every e-mail and SMS, caught locally)",
            f"  GraphQL     {base}/graphql   (explorer: {base}/graphiql, paste the token below)",
            f"  survey      {base}/v/{tunnus}" if tunnus else f"  surveys     {base}/v/<tunnus>  (no open link today)",
            f"  health      {base}/healthz",
            f"  Redis       {redis_url}",
            f"  worker      {'running' if worker else 'NOT running (no `polku worker` subcommand)'}",
            f"  token       {token}",
            f"              (user {DEMO_USER}: admin and Valpas valvoja in {demo.koulutustoimija}, "
            f"kunta roles in {DEMO_KUNTA})",
            "",
            "  try:",
            f"  curl -s {base}/graphql -H 'Authorization: Bearer {token}' \\",
            f"       -H 'Content-Type: application/json' -d '{query}'",
            "",
            "  users for every role (sign in to /raportti with a token, or send it as a Bearer token):",
            *(f"    {u.name:28} {u.organisation:38} {u.token}" for u in demo.users),
            "",
            *(
                [
                    f"  Valpas: the automatic check list of kunta {demo.kunta} (people without a study place):",
                    f"  curl -s '{base}/valpas/automaattinen-tarkistus.csv?kunta={demo.kunta}' "
                    f"-H 'Authorization: Bearer {kunta_user.token}'",
                    "",
                ]
                if kunta_user
                else []
            ),
            "  Ctrl-C stops the server, the worker, the outbox and Redis.",
            "",
        ]
    )


def stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Terminate the children newest first (worker before the Redis it uses), killing any that hang."""
    for child in reversed(children):
        if child.poll() is None:
            child.terminate()
    for child in reversed(children):
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app, proxy_options

    if port_taken(args.host, args.port):
        print(
            f"port {args.port} on {args.host} is in use: stop what runs there or choose another, "
            f"e.g. `make run PORT=8001` or `polku dev --port 8001`",
            file=sys.stderr,
        )
        return 2
    settings = replace(with_public_url(settings, args.host, args.port), explorer=True)
    outbox = None
    if not os.environ.get("SMTP_HOST") and not os.environ.get("TWILIO_API_BASE"):
        outbox = Outbox(VAR_DIR / "outbox.jsonl", free_port(), free_port())
        outbox.start()
        os.environ.update(outbox.env)
        settings = replace(
            settings,
            smtp_host="127.0.0.1",
            smtp_port=outbox.smtp_port,
            smtp_tls="none",
            twilio_api_base=f"http://127.0.0.1:{outbox.sms_port}",
        )
    demo = asyncio.run(prepare(settings, args.oppijat))
    children: list[subprocess.Popen[bytes]] = []
    try:
        redis_url = settings.redis_url
        if redis_url is None:
            binary = redis_server_binary()
            if binary is None:
                print("no redis-server found: run scripts/ensure-redis-server.sh or set REDIS_URL", file=sys.stderr)
                return 1
            redis, redis_url = start_redis(binary)
            children.append(redis)
        env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": settings.database_url}
        worker = has_subcommand("worker")
        if worker:
            children.append(subprocess.Popen([sys.executable, "-m", "api.cli", "worker"], env=env))
        else:
            print("WARNING: `polku worker` does not exist yet; serving without the arq worker", file=sys.stderr)
        os.environ["REDIS_URL"] = redis_url
        if worker:
            asyncio.run(wake_queued(replace(settings, redis_url=redis_url)))
        print(banner(args.host, args.port, demo, redis_url, worker), flush=True)
        app = create_app(replace(settings, redis_url=redis_url))
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", **proxy_options(settings))
    finally:
        stop(children)
        if outbox is not None:
            outbox.stop()
    return 0
