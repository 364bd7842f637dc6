"""A Koski stand-in: a real HTTP server (starlette under uvicorn on a free port) with Koski's feed semantics.

`GET /koski/api/sure/muuttuneet-oppijat`: `?timestamp=` gives a first cursor and no OIDs; `?cursor=&pageSize=`
gives the next page of changed oppija OIDs in change order, `mayHaveMore`, and a `nextCursor` that, on the last
page, for changes less than `overlap_s` before the server's now, points back by that much so recent changes
are listed again by the next poll (as Koski's are).
`POST /koski/api/sure/oids`: the persons' documents, a person without study rights left being absent.
`fail_next` answers the next requests with 503.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

USER, PASSWORD = "polku", "salasana"


@dataclass
class KoskiStandin:
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # oppija OID → its Oppija document
    changes: list[tuple[datetime, str]] = field(default_factory=list)  # (when, oppija OID), in order
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    overlap_s: int = 20
    fail_next: int = 0
    oids_requests: list[int] = field(default_factory=list)  # batch sizes asked for
    url: str = ""
    _ordered: list[tuple[datetime, int, str]] = field(default_factory=list)

    def change(self, oid: str, document: dict[str, Any] | None, at: datetime | None = None) -> None:
        """Record a change of a person (None: every study right voided) at `at` (default: now)."""
        if document is None:
            self.documents.pop(oid, None)
        else:
            self.documents[oid] = document
        self.changes.append((at or self.now, oid))

    def served(self, oid: str) -> bytes:
        """The person's document as /sure/oids serves it (a benchmark's stand-in may make it cheaper)."""
        return json.dumps(self.documents[oid], ensure_ascii=False).encode()

    def _page(self, cursor: str, size: int) -> dict[str, Any]:
        _, instant, seq = cursor.split(",")
        after = (datetime.fromisoformat(instant), int(seq))
        if len(self._ordered) != len(self.changes):
            self._ordered = sorted((when, i, oid) for i, (when, oid) in enumerate(self.changes))
        first = bisect.bisect_right(self._ordered, (after[0], after[1], "\uffff"))
        rest = self._ordered[first : first + size + 1]
        page, more = rest[:size], len(rest) > size
        if not page:
            return {"result": [], "mayHaveMore": False, "nextCursor": cursor}
        last_when, last_seq, _ = page[-1]
        if not more and last_when > self.now - timedelta(seconds=self.overlap_s):
            last_when, last_seq = last_when - timedelta(seconds=self.overlap_s), -1
        next_cursor = f"v1,{last_when.isoformat()},{last_seq}"
        return {"result": [oid for _, _, oid in page], "mayHaveMore": more, "nextCursor": next_cursor}

    def app(self) -> Starlette:
        def refused(request: Request) -> Response | None:
            if request.headers.get("authorization", "") != _basic():
                return Response(status_code=401)
            if self.fail_next > 0:
                self.fail_next -= 1
                return Response("Service Unavailable", status_code=503)
            return None

        async def feed(request: Request) -> Response:
            if (problem := refused(request)) is not None:
                return problem
            if "timestamp" in request.query_params:
                start = datetime.fromisoformat(request.query_params["timestamp"].replace("Z", "+00:00"))
                return JSONResponse({"result": [], "mayHaveMore": True, "nextCursor": f"v1,{start.isoformat()},-1"})
            size = max(2, min(5000, int(request.query_params.get("pageSize", 1000))))
            return JSONResponse(self._page(request.query_params["cursor"], size))

        async def oids(request: Request) -> Response:
            if (problem := refused(request)) is not None:
                return problem
            asked = await request.json()
            if len(asked) > 1000:
                return Response("at most 1000", status_code=400)
            self.oids_requests.append(len(asked))
            served = [self.served(oid) for oid in dict.fromkeys(asked) if oid in self.documents]
            return Response(b"[" + b",".join(served) + b"]", media_type="application/json")

        return Starlette(
            routes=[
                Route("/koski/api/sure/muuttuneet-oppijat", feed),
                Route("/koski/api/sure/oids", oids, methods=["POST"]),
            ]
        )


def _basic() -> str:
    return "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


class Serving:
    """Runs the stand-in's app under uvicorn in a thread of its own for the duration of a `with`."""

    def __init__(self, standin: KoskiStandin) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(standin.app(), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)
        standin.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Serving:
        self.thread.start()
        while not self.server.started:
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
