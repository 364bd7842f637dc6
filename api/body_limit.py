"""A request body limit in front of /graphql (issue 10 §3): a 10 MB body used to be read, parsed and answered.

A declared Content-Length over the limit is refused before anything is read (and before the bearer token costs
a database lookup); a body sent without one (chunked) is counted as it arrives and refused once it passes the
limit. Either way the client gets HTTP 413 with a GraphQL-shaped JSON error it can act on.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.i18n import kieli_of, viesti
from models.rules.viesti import Viesti


class _TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send, scope)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(send, scope)

    async def _refuse(self, send: Send, scope: Scope) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        message = Viesti.of("The request body is larger than {max} bytes.", max=self.max_bytes)
        body = json.dumps(
            {
                "errors": [
                    {
                        "message": viesti(message, kieli_of(headers)),
                        "extensions": {"code": "REQUEST_TOO_LARGE", "maxBytes": self.max_bytes},
                    }
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
