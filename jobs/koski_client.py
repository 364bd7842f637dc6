"""Koski's read API for the change feed: `muuttuneet-oppijat` pages and `sure/oids` batches (httpx, async).

Timeouts, connection failures and 5xx/429 answers are retried with doubling backoff; anything else (a 4xx: bad
credentials, a malformed request) is a `KoskiError` at once, since repeating it cannot help.
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Any

import httpx
import msgspec

from models.settings import Settings

log = logging.getLogger("polku.koski")

FEED_PATH = "/koski/api/sure/muuttuneet-oppijat"
OIDS_PATH = "/koski/api/sure/oids"
MAX_BATCH = 1000  # Koski's limit for one POST /sure/oids


class KoskiError(RuntimeError):
    pass


class KoskiClient:
    def __init__(
        self,
        base_url: str,
        username: str | None = None,
        password: str | None = None,
        *,
        tries: int = 5,
        backoff_s: float = 1.0,
        timeout_s: float = 60.0,
    ) -> None:
        auth = httpx.BasicAuth(username, password or "") if username else None
        self._http = httpx.AsyncClient(base_url=base_url, auth=auth, timeout=timeout_s)
        self.tries = tries
        self.backoff_s = backoff_s

    @classmethod
    def from_settings(cls, settings: Settings) -> KoskiClient:
        if not settings.koski_url:
            raise KoskiError("KOSKI_URL is not set")
        return cls(settings.koski_url, settings.koski_username, settings.koski_password)

    async def __aenter__(self) -> KoskiClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kw: Any) -> Any:
        return msgspec.json.decode(await self._body(method, path, **kw))

    async def _body(self, method: str, path: str, **kw: Any) -> bytes:
        delay = self.backoff_s
        for attempt in range(1, self.tries + 1):
            try:
                response = await self._http.request(method, path, **kw)
            except (httpx.TimeoutException, httpx.TransportError) as e:
                problem = f"{type(e).__name__}: {e}"
            else:
                if response.status_code < 400:
                    return response.content
                if response.status_code < 500 and response.status_code != 429:
                    raise KoskiError(f"{method} {path}: HTTP {response.status_code} {response.text[:200]}")
                problem = f"HTTP {response.status_code}"
            if attempt == self.tries:
                raise KoskiError(f"{method} {path}: {problem}, gave up after {self.tries} tries")
            log.warning("koski retry", extra={"path": path, "try": attempt, "problem": problem})
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    async def start_cursor(self, since: str) -> str:
        """The feed's first cursor for changes from `since` (an ISO instant)."""
        page = await self._request("GET", FEED_PATH, params={"timestamp": since})
        return str(page["nextCursor"])

    async def muuttuneet(self, cursor: str, page_size: int) -> tuple[list[str], bool, str]:
        """One page: the changed oppija OIDs, whether more may follow, and the cursor after them."""
        page = await self._request("GET", FEED_PATH, params={"cursor": cursor, "pageSize": page_size})
        return [str(oid) for oid in page["result"]], bool(page["mayHaveMore"]), str(page["nextCursor"])

    async def oppijat(self, oids: list[str]) -> list[msgspec.Raw]:
        """The persons' Oppija documents (person by OID; one with no study rights left is absent), each as its
        undecoded JSON: a person is some 30 KB, and most of a re-read need not be decoded (`koski_sync`)."""
        if len(oids) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} OIDs per request")
        body = await self._body("POST", OIDS_PATH, json=oids)
        try:
            return msgspec.json.decode(body, type=list[msgspec.Raw])
        except msgspec.ValidationError:  # not a list: no persons
            return []
