"""Operations endpoints and middleware: readiness (`/readyz`) and a request id on every request and log line.

`/healthz` says the process is alive; `/readyz` says it can do its work now: PostgreSQL answers and, when the
process is configured with one, Redis answers. A load balancer takes a process out while it answers 503.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise import Tortoise

from models import logs, metrics
from models.settings import Settings

CHECK_TIMEOUT_S = 2.0


async def _database() -> str:
    await asyncio.wait_for(Tortoise.get_connection("default").execute_query("SELECT 1"), CHECK_TIMEOUT_S)
    return "ok"


async def _redis(url: str | None) -> str:
    if not url:
        return "not configured"
    client = Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S)
    try:
        await client.ping()
    finally:
        await client.aclose()
    return "ok"


def readyz(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(_: Request) -> Response:
        checks: dict[str, str] = {}
        for name, check in (("database", _database()), ("redis", _redis(settings.redis_url))):
            try:
                checks[name] = await check
            except Exception as e:
                checks[name] = f"unavailable: {e.__class__.__name__}"
        ready = all(v in {"ok", "not configured"} for v in checks.values())
        body = {"status": "ready" if ready else "unavailable", **checks}
        return JSONResponse(body, status_code=200 if ready else 503)

    return endpoint


class RequestId:
    """Takes `X-Request-ID` from the proxy (or makes one), puts it on every log line of the request and echoes it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given[:64] if given.isprintable() and given else uuid.uuid4().hex
        token = logs.request_id.set(rid)

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", rid.encode("latin-1")))
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        finally:
            logs.request_id.reset(token)


def operation(scope: Scope) -> str:
    """A low-cardinality name for the request: GraphQL, a survey page, or the route's first path segment."""
    path: str = scope.get("path", "")
    if path.startswith("/v/"):
        return "survey"
    first = path.strip("/").split("/", 1)[0]
    return first or "root"


class Metrics:
    """Counts requests and their latency by operation (`models.metrics`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        op = operation(scope)
        status = [500]

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, record)
        finally:
            metrics.LATENCY.labels(op).observe(time.perf_counter() - started)
            metrics.REQUESTS.labels(op, str(status[0])).inc()


def metrics_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(_: Request) -> Response:
        if settings.redis_url:
            client = Redis.from_url(settings.redis_url, socket_connect_timeout=CHECK_TIMEOUT_S)
            try:
                metrics.QUEUE_DEPTH.set(await client.zcard("arq:queue"))
            except Exception:
                pass
            finally:
                await client.aclose()
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    return endpoint
