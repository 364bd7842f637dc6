"""Real services for the delivery tests: Redis (database 1, or POLKU_TEST_REDIS_DB), an aiosmtpd SMTP server
and a local HTTP server standing in for Twilio's API, which the real twilio client sends to.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiosmtpd.controller import Controller
from arq import func
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker

from jobs.tick import SEND_FUNCTION
from jobs.worker import MAX_TRIES, send_toimitus, shutdown, startup
from models.settings import Settings
from tests.services.conftest import setting
from tests.support import free_port

# A Twilio-like account; the stand-in checks the client authenticates as this account.
ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token"
PUBLIC_URL = "https://polku.example"


@dataclass
class SmtpSink:
    """Collects messages; `replies` scripts the DATA answers (e.g. "451 …" then default "250 OK")."""

    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    rcpt_reply: str | None = None
    delay_s: float = 0.0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.replies:
            return self.replies.pop(0)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class TwilioStandIn:
    """Answers POST …/Messages.json like Twilio; `statuses` scripts the HTTP status of successive calls."""

    port: int
    requests: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    async def messages(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.requests.append({"path": request.path, "auth": request.headers.get("Authorization"), "form": form})
        status = self.statuses.pop(0) if self.statuses else 201
        if status == 201:
            sid = f"SM{len(self.requests):032d}"
            return web.json_response({"sid": sid, "status": "queued", "to": form.get("To")}, status=201)
        if status == 400:
            body = {
                "code": 21211,
                "message": f"The 'To' number {form.get('To')} is not a valid phone number.",
                "status": 400,
            }
            return web.json_response(body, status=400)
        return web.json_response(
            {"code": 20500 if status >= 500 else 20429, "message": "try later", "status": status}, status=status
        )


@pytest_asyncio.fixture
async def twilio() -> AsyncIterator[TwilioStandIn]:
    stand_in = TwilioStandIn(port=free_port())
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", stand_in.messages)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", stand_in.port)
    await site.start()
    try:
        yield stand_in
    finally:
        await runner.cleanup()


def settings_for(smtp_port: int, twilio_port: int) -> Settings:
    return Settings(
        database_url="unused://",
        public_base_url=PUBLIC_URL,
        smtp_port=smtp_port,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_messaging_service_sid="MG" + "2" * 32,
        twilio_api_base=f"http://127.0.0.1:{twilio_port}",
    )


@pytest.fixture
def settings(smtp: SmtpSink, twilio: TwilioStandIn) -> Settings:
    return settings_for(smtp.port, twilio.port)


# POLKU_TEST_REDIS_DB lets two checkouts run their suites on one Redis at the same time.
REDIS = RedisSettings(host="127.0.0.1", port=6379, database=int(os.environ.get("POLKU_TEST_REDIS_DB", "1")))


@pytest_asyncio.fixture
async def redis() -> AsyncIterator[ArqRedis]:
    pool = await create_pool(REDIS)
    await pool.flushdb()
    try:
        yield pool
    finally:
        await pool.flushdb()
        await pool.aclose()


def make_worker(settings: Settings, now: datetime, *, burst: bool = True) -> Worker:
    """The production job function and lifecycle hooks, on the test's open database and a fixed clock.

    The worker opens (and on close, closes) its own Redis connection to database 1.
    """
    return Worker(
        functions=[func(send_toimitus, name=SEND_FUNCTION, max_tries=MAX_TRIES)],
        redis_settings=REDIS,
        burst=burst,
        poll_delay=0.05,
        handle_signals=False,
        keep_result=0,
        on_startup=startup,
        on_shutdown=shutdown,
        ctx={"settings": settings, "clock": lambda: now, "retry_base_s": 0.002, "db_open": True},
    )


async def run_burst(settings: Settings, now: datetime) -> Worker:
    """Run a burst worker until the queue is empty (waiting out retry delays), then shut it down."""
    worker = make_worker(settings, now)
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


__all__ = ["setting"]  # the service tests' provider + stored Koski OO, reused here
