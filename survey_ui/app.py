"""The survey UI as an ASGI app: respondent pages behind CSRF protection, the statements, the editor page.

Mounted by `api.app.create_app` after /graphql, so the API keeps its own bearer-token auth. Only this app is
wrapped in asgi-csrf (STACK.md §6): it reads the `csrftoken` form field of a plain HTML form, and with
`always_protect` even a cookie-less POST to /v/… is refused (asgi-csrf otherwise skips requests without cookies).
Its secret is POLKU_CSRF_SECRET (Settings.csrf_secret), shared by every process: a form served by one process is
posted to whichever the load balancer picks. Unset, each process makes its own (development only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asgi_csrf import asgi_csrf
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope, Send

from models.settings import Settings
from survey_ui.editori import editor_page, organisations, preview
from survey_ui.i18n import choose_language
from survey_ui.kehitys import outbox_path, sent_messages
from survey_ui.ratelimit import Limiter, limiter_for
from survey_ui.respondent import (
    RespondentPages,
    accessibility_statement,
    privacy_statement,
    render,
    special_page,
    thanks,
)

SURVEY_PREFIX = "/v/"
STATIC_DIR = Path(__file__).resolve().parent / "static"


class _SurveyPaths:
    """asgi-csrf's `always_protect` is tested with `path in always_protect`; every answer URL is protected."""

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and path.startswith(SURVEY_PREFIX)


async def _csrf_failed(scope: Scope, send: Send, _message_id: Any) -> None:
    """A page in the respondent's language instead of asgi-csrf's English one-liner."""
    request = Request(scope)
    response = special_page(request, choose_language(request), "csrf")

    async def no_body() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    await response(scope, no_body, send)


async def start_page(request: Request) -> Response:
    """GET /: what a person can open here."""
    return render(request, choose_language(request), "aloitus.html", kehitys=outbox_path() is not None)


def create_survey_app(settings: Settings, limiter: Limiter | None = None) -> ASGIApp:
    pages = RespondentPages(limiter or limiter_for(settings.redis_url))
    app = Starlette(
        routes=[
            Route("/v/{tunnus}", pages.form, methods=["GET"]),
            Route("/v/{tunnus}", pages.submit, methods=["POST"]),
            Route("/kiitos", thanks, name="kiitos"),
            Route("/tietosuojaseloste", privacy_statement, name="tietosuojaseloste"),
            Route("/saavutettavuusseloste", accessibility_statement, name="saavutettavuusseloste"),
            Route("/editori", editor_page, name="editori"),
            Route("/editori/organisaatiot", organisations, name="editorin_organisaatiot"),
            Route("/editori/esikatselu", preview, name="esikatselu"),
            Route("/", start_page, name="aloitus"),
            Route("/kehitys/lahetetyt", sent_messages, name="lahetetyt"),
            Mount("/static/kysely", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        max_body_size=1_000_000,
    )
    return asgi_csrf(  # type: ignore[no-any-return]
        app,
        always_protect=_SurveyPaths(),
        signing_secret=settings.csrf_secret,
        cookie_secure=settings.public_base_url.startswith("https://"),
        send_csrf_failed=_csrf_failed,
    )
