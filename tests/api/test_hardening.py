"""Operations hardening (issue 10 §6, issue 12 item 4): production mode refuses development values, the CSRF
secret is shared by every process, forwarded headers come only from configured proxies, the survey rate limit
is one window for all processes, and a resend goes to exactly one address."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import httpx
import pytest
import uvicorn
from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from api import cli
from api.app import proxy_options
from models.production import NotProductionReady, check_environment, production_problems
from models.settings import Settings
from survey_ui.app import create_survey_app
from survey_ui.kyselyt import latest
from survey_ui.ratelimit import RedisWindowLimiter, SlidingWindowLimiter
from tests.factories import provider
from tests.survey_ui.conftest import csrf_token, make_link, valid_form

REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('POLKU_TEST_REDIS_DB', '1')}"
PRODUCTION = Settings(
    database_url="postgres://polku@db.example/polku",
    redis_url="redis://redis.example:6379/0",
    public_base_url="https://palaute.example.fi",
    twilio_account_sid="AC" + "1" * 32,
    twilio_auth_token="a-real-token-from-twilio-console",
    environment="production",
    csrf_secret="k3J9x-Qw8Zp2Lm7Vb4Nt6Rc1Yh5Gd0Fs",
)


# --- production mode ------------------------------------------------------------------------------------------


def test_production_settings_without_development_values_start() -> None:
    assert production_problems(PRODUCTION) == []
    check_environment(PRODUCTION)


def test_production_mode_names_every_development_value_at_once() -> None:
    problems = production_problems(Settings(environment="production", debug=True))
    named = " ".join(problems)
    for variable in (
        "TWILIO_AUTH_TOKEN",
        "TWILIO_ACCOUNT_SID",
        "POLKU_CSRF_SECRET",
        "POLKU_DEBUG",
        "DATABASE_URL",
        "REDIS_URL",
        "POLKU_PUBLIC_URL",
    ):
        assert variable in named
    assert len(problems) == 7


@pytest.mark.parametrize("secret", ["short", "a" * 64])
def test_a_weak_csrf_secret_is_refused(secret: str) -> None:
    assert production_problems(replace(PRODUCTION, csrf_secret=secret)) == [
        "POLKU_CSRF_SECRET is weak: use at least 32 random characters"
    ]


def test_development_mode_starts_on_the_defaults_and_an_unknown_mode_does_not() -> None:
    check_environment(Settings())
    with pytest.raises(NotProductionReady, match="neither development nor production"):
        check_environment(Settings(environment="prod"))


def test_polku_serve_in_production_refuses_with_each_problem(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POLKU_ENV", "production")
    for name in ("TWILIO_AUTH_TOKEN", "POLKU_CSRF_SECRET", "ASGI_CSRF_SECRET", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["serve", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "POLKU_ENV=production refuses to start" in err
    assert "TWILIO_AUTH_TOKEN" in err and "POLKU_CSRF_SECRET" in err


def test_the_app_and_the_worker_refuse_too() -> None:
    from api.app import create_app
    from jobs.worker import startup

    with pytest.raises(NotProductionReady):
        create_app(Settings(environment="production"))
    with pytest.raises(NotProductionReady):
        import asyncio

        asyncio.run(startup({"settings": Settings(environment="production")}))


def test_the_csrf_secret_and_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLKU_CSRF_SECRET", "from-env")
    monkeypatch.setenv("POLKU_TRUSTED_PROXIES", "10.0.0.5, 10.0.0.6")
    settings = Settings.from_env()
    assert settings.csrf_secret == "from-env"
    assert settings.trusted_proxies == ("10.0.0.5", "10.0.0.6")


# --- one CSRF secret for every process ------------------------------------------------------------------------


async def _answer_across_two_processes(secret: str | None) -> int:
    """A form served by one app instance (process) and posted to another, as behind a load balancer."""
    kt, _ = await provider()
    link = await make_link(kt)
    settings = Settings(database_url="unused://", csrf_secret=secret)
    first, second = create_survey_app(settings), create_survey_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://t") as a:
        page = await a.get(f"/v/{link.tunnus}?lang=fi")
        cookies = a.cookies
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://t", cookies=cookies) as b:
        posted = await b.post(
            f"/v/{link.tunnus}?lang=fi&versio=1",
            data={"csrftoken": csrf_token(page.text), **valid_form(latest("aloittaneet"))},
            follow_redirects=False,
        )
    return posted.status_code


async def test_a_form_from_one_process_is_accepted_by_another_with_the_shared_secret(db: object) -> None:
    assert await _answer_across_two_processes("k3J9x-Qw8Zp2Lm7Vb4Nt6Rc1Yh5Gd0Fs") == 303


async def test_without_a_shared_secret_the_other_process_refuses_the_form(db: object) -> None:
    assert await _answer_across_two_processes(None) == 403


# --- forwarded headers ----------------------------------------------------------------------------------------


async def _client_seen(settings: Settings, peer: str, forwarded_for: str) -> str:
    """The client address the app sees behind uvicorn configured as `polku serve` configures it."""

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse(Request(scope).client.host)(scope, receive, send)  # type: ignore[union-attr]

    config = uvicorn.Config(echo, **proxy_options(settings))
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        return (await c.get("/", headers={"X-Forwarded-For": forwarded_for})).text


async def test_forwarded_for_is_ignored_unless_from_a_configured_proxy() -> None:
    assert await _client_seen(Settings(), "127.0.0.1", "203.0.113.9") == "127.0.0.1"
    proxied = Settings(trusted_proxies=("10.1.1.1",))
    assert await _client_seen(proxied, "10.1.1.1", "203.0.113.9") == "203.0.113.9"
    assert await _client_seen(proxied, "127.0.0.1", "203.0.113.9") == "127.0.0.1"


# --- the survey rate limit across processes -------------------------------------------------------------------


async def test_the_survey_rate_limit_is_one_window_for_every_process() -> None:
    client = f"203.0.113.{os.getpid() % 250}"
    redis = Redis.from_url(REDIS_URL)
    await redis.delete(RedisWindowLimiter.PREFIX + client)
    first, second = RedisWindowLimiter(REDIS_URL, 3, 60), RedisWindowLimiter(REDIS_URL, 3, 60)
    assert [await first.hit(client), await second.hit(client), await first.hit(client)] == [None, None, None]
    retry = await second.hit(client)
    assert retry is not None and 1 <= retry <= 60
    assert await first.hit("198.51.100.1") is None  # another client has its own window
    await redis.delete(RedisWindowLimiter.PREFIX + client, RedisWindowLimiter.PREFIX + "198.51.100.1")
    await redis.aclose()


async def test_without_redis_reachable_the_limit_lets_lookups_through() -> None:
    assert await RedisWindowLimiter("redis://127.0.0.1:1/0", 1, 60).hit("a") is None


async def test_the_in_process_window_stays_for_a_single_process() -> None:
    limiter = SlidingWindowLimiter(max_requests=1, window_seconds=60)
    assert await limiter.hit("a") is None
    assert await limiter.hit("a") is not None
