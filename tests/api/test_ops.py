"""/readyz checks PostgreSQL and Redis (503 when either is away); every response carries a request id."""

from __future__ import annotations

import json
import logging
import os

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from models import logs
from models.settings import Settings

REDIS_DB = os.environ.get("POLKU_TEST_REDIS_DB", "1")


async def _get(redis_url: str | None, path: str, **headers: str) -> httpx.Response:
    app = create_app(Settings(database_url="unused://", redis_url=redis_url), manage_db=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path, headers=headers)


async def test_ready_when_database_and_redis_answer(db: TortoiseContext) -> None:
    response = await _get(f"redis://127.0.0.1:6379/{REDIS_DB}", "/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready", "database": "ok", "redis": "ok"})


async def test_not_ready_when_redis_is_away(db: TortoiseContext) -> None:
    response = await _get("redis://127.0.0.1:1/0", "/readyz")  # nothing listens on port 1
    assert response.status_code == 503
    assert response.json()["redis"].startswith("unavailable") and response.json()["database"] == "ok"


async def test_liveness_does_not_need_redis(db: TortoiseContext) -> None:
    assert (await _get("redis://127.0.0.1:1/0", "/healthz")).status_code == 200


async def test_request_id_is_echoed_or_made(db: TortoiseContext) -> None:
    assert (await _get(None, "/healthz", **{"X-Request-ID": "abc-123"})).headers["x-request-id"] == "abc-123"
    assert len((await _get(None, "/healthz")).headers["x-request-id"]) == 32


def test_log_lines_are_json_with_pid_and_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    record = logging.makeLogRecord({"name": "polku.worker", "msg": "delivery", "levelname": "INFO"})
    record.toimitus_id = 7
    token = logs.request_id.set("r-1")
    try:
        line = json.loads(logs.JsonFormatter().format(record))
    finally:
        logs.request_id.reset(token)
    assert line["pid"] == os.getpid() and line["request_id"] == "r-1" and line["toimitus_id"] == 7
    assert line["message"] == "delivery" and line["logger"] == "polku.worker"


def test_twilio_request_dumps_stay_out_of_the_log() -> None:
    root, twilio = logging.getLogger(), logging.getLogger("twilio")
    saved = (root.handlers[:], root.level, twilio.level)
    try:
        logs.configure()
        assert not logging.getLogger("twilio.http_client").isEnabledFor(logging.INFO)
        assert logging.getLogger("polku.worker").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        twilio.setLevel(saved[2])


async def test_metrics_count_requests_by_operation(db: TortoiseContext) -> None:
    from prometheus_client import REGISTRY

    def served() -> float:
        return REGISTRY.get_sample_value("polku_requests_total", {"operation": "healthz", "status": "200"}) or 0.0

    before = served()
    await _get(None, "/healthz")
    body = (await _get(None, "/metrics")).text
    assert served() == before + 1
    assert "polku_request_seconds_bucket" in body and "polku_deliveries_total" in body
