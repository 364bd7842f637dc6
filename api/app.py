"""The ASGI application: GraphQL at /graphql behind bearer auth, plus a health check."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, request_response
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise

from api.auth import BearerAuth
from api.body_limit import BodyLimit
from api.context import Context
from api.ops import Metrics, RequestId, metrics_endpoint, readyz
from api.palaute_routes import routes as palaute_routes
from api.reports import routes as report_routes
from api.schema import schema
from api.valpas_export import automaattinen_tarkistus_csv, tietojen_laatu_csv
from api.valpas_export_oppilaitos import routes as valpas_oppilaitos_routes
from models.db import tortoise_config
from models.production import check_environment
from models.services.access import Principal
from models.settings import VAR_DIR, Settings
from survey_ui.app import create_survey_app
from survey_ui.security_headers import SecurityHeaders

# The GraphiQL page (GET text/html) is the one request BearerAuth lets through without a token; it runs no
# query (queries via GET are off), and a principal without grants could read nothing anyway.
ANONYMOUS = Principal(user_id=None, name="anonymous", grants=())


class PolkuGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=False)
        self.settings = settings

    async def get_context(self, request: Any, response: Any = None) -> Context:
        principal = getattr(request.state, "principal", ANONYMOUS)
        return Context(request=request, response=response, principal=principal, settings=self.settings)


EXPLORER = Path(__file__).resolve().parent / "explorer"


def explorer_routes() -> list[BaseRoute]:
    """The offline API explorer (POLKU_EXPLORER): GraphiQL and React vendored in api/explorer/, no CDN. The page
    holds no data; queries go to /graphql with the token pasted into it."""

    async def page(_: Request) -> Response:
        return FileResponse(EXPLORER / "index.html", media_type="text/html; charset=utf-8")

    return [Route("/graphiql", page), Mount("/graphiql/assets", app=StaticFiles(directory=EXPLORER))]


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's handling of X-Forwarded-For/-Proto: believed only from the configured proxies.

    uvicorn's own default believes 127.0.0.1, so any local process could name any client address and step
    around the survey rate limit, which counts per client address."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.trusted_proxies)}


def freeze_startup_objects() -> None:
    """Exempt what startup built (modules, the schema, templates, the ORM's metadata) from garbage collection.

    These live as long as the process, yet every full collection scanned all of them: some 100 000 objects,
    a 50 ms pause that landed on whichever requests were in flight (the p99 of bench/survey_load.py).
    """
    gc.collect()
    gc.freeze()


def app_from_env() -> Starlette:
    """The app as uvicorn's process workers build it (`polku serve --workers N`), each in its own process."""
    from models import logs

    logs.configure()
    return create_app(Settings.from_env())


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """`manage_db=False` leaves the Tortoise connection to the caller (tests open their own database)."""
    settings = settings or Settings.from_env()
    check_environment(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_db:
            yield
            return
        if settings.database_url.startswith("sqlite"):
            VAR_DIR.mkdir(parents=True, exist_ok=True)
        # uvicorn runs the lifespan in its own task: RegisterTortoise keeps the ORM context visible to the
        # request tasks too (a bare Tortoise.init leaves it in this task only: "No TortoiseContext is active").
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url, settings.db_pool_size)):
            freeze_startup_objects()
            yield

    routes: list[BaseRoute] = [
        Route(
            "/graphql",
            BodyLimit(BearerAuth(PolkuGraphQL(settings)), settings.graphql_max_body_bytes),
            methods=["GET", "POST"],
        ),
        Route("/healthz", healthz),
        Route("/readyz", readyz(settings)),
        Route("/metrics", metrics_endpoint(settings)),
        *report_routes,
        *palaute_routes(settings),
        Route(
            "/valpas/automaattinen-tarkistus.csv",
            BearerAuth(request_response(automaattinen_tarkistus_csv)),
            methods=["GET"],
        ),
        Route("/valpas/tietojen-laatu.csv", BearerAuth(request_response(tietojen_laatu_csv)), methods=["GET"]),
        *valpas_oppilaitos_routes,
    ]
    if settings.explorer or settings.debug:
        routes += explorer_routes()
    # Last: the survey pages (/v/{tunnus}, /kiitos, /editori, …) answer every path not matched above.
    routes.append(Mount("/", app=create_survey_app(settings)))
    middleware = [Middleware(RequestId), Middleware(Metrics), Middleware(SecurityHeaders)]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.settings = settings
    return app
