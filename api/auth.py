"""Bearer-token authentication in front of /graphql: every request names its user (DOMAIN.md §2, issue 2)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from api.i18n import kieli_of, viesti
from models.services.errors import DomainError
from models.services.users import principal_for_token


class BearerAuth:
    """Resolve `Authorization: Bearer …` to a Principal in `scope["state"]`, or answer 401 with a GraphQL error.

    Only the GraphiQL page itself (a GET asking for HTML, when enabled) passes without a token.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
            await self.app(scope, receive, send)
            return
        scheme, _, token = headers.get("authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise DomainError("UNAUTHENTICATED", "an Authorization: Bearer token is required")
            principal = await principal_for_token(token.strip())
        except DomainError as e:
            await _unauthorized(send, e, kieli_of(headers))
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


async def _unauthorized(send: Send, error: DomainError, kieli: str) -> None:
    message = viesti(error.viesti, kieli)
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": error.code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"www-authenticate", b'Bearer realm="polku"'),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
