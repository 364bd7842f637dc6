"""The API explorer (issue 14) is served from assets installed with Polku, and only when switched on."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from models.settings import Settings


@pytest.mark.usefixtures("db")
async def test_the_explorer_is_off_unless_configured_and_needs_no_cdn() -> None:
    for explorer, status in ((False, 404), (True, 200)):
        app = create_app(Settings(explorer=explorer), manage_db=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            page = await c.get("/graphiql")
            assert page.status_code == status
    assert '<script src="/graphiql/assets/graphiql.min.js">' in page.text
    assert "http" not in page.text.replace('"/graphiql', "")  # every asset is local
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for asset in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js", "explorer.js"):
            assert (await c.get(f"/graphiql/assets/{asset}")).status_code == 200
