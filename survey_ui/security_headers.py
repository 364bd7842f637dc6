"""Security headers on every response of the service, set in one place (issue 10 item 6).

Every response gets `X-Content-Type-Options: nosniff`; every HTML page also a Content-Security-Policy with
`frame-ancestors 'none'` (and X-Frame-Options for older browsers) and `Referrer-Policy: same-origin`, unless
the route set its own (the respondent's pages send no-referrer: their URL holds the tunnus). Not no-referrer
everywhere: under it browsers post forms with `Origin: null`, and the report sign-in checks Origin.

Pages therefore load scripts and styles only from files of this service: no inline <script> or <style>. The
answer form posts here and is redirected to the provider's https address, hence `form-action 'self' https:`.
The debug-only GraphiQL explorer (`POLKU_DEBUG`) loads its scripts from unpkg with subresource integrity and
one inline script; it gets its own, still frame-denying, policy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
EXPLORER_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; "
    "style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data:; "
    "font-src 'self' data: https://unpkg.com; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
EXPLORER_PATH = "/graphql"


class SecurityHeaders:
    """ASGI middleware: adds the headers to the response start, keeping any the route chose itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = EXPLORER_CSP if scope.get("path") == EXPLORER_PATH else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", csp)
                    headers.setdefault("X-Frame-Options", "DENY")
                    headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)
