"""The ASGI application: GraphQL at /graphql behind bearer auth, plus a health check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.asgi import GraphQL
from tortoise import Tortoise

from api.auth import BearerAuth
from api.context import Context
from api.reports import routes as report_routes
from api.schema import schema
from models.db import tortoise_config
from models.settings import VAR_DIR, Settings


class PolkuGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.debug else None, allow_queries_via_get=False)
        self.settings = settings

    async def get_context(self, request: Any, response: Any = None) -> Context:
        return Context(request=request, response=response, principal=request.state.principal, settings=self.settings)


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """`manage_db=False` leaves the Tortoise connection to the caller (tests open their own database)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not manage_db:
            yield
            return
        if settings.database_url.startswith("sqlite"):
            VAR_DIR.mkdir(parents=True, exist_ok=True)
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            yield
        finally:
            await Tortoise.close_connections()

    routes: list[BaseRoute] = [
        Route("/graphql", BearerAuth(PolkuGraphQL(settings)), methods=["GET", "POST"]),
        Route("/healthz", healthz),
        *report_routes,
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    return app
