"""The offline API explorer (issue 14) in real chromium, every request off 127.0.0.1 refused: it loads, takes a
pasted token, runs the README's first query and browses the SDL docs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.survey_ui.test_browser import browser, server

__all__ = ["browser", "server"]


@pytest.mark.browser
def test_the_explorer_runs_a_query_offline(server: tuple[str, dict[str, str]], browser: Browser) -> None:
    base, seeded = server
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    refused: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    try:
        page.goto(f"{base}/graphiql")
        page.fill("#token", seeded["token"])
        page.click("#use-token")
        page.locator(".graphiql-execute-button").click()
        expect(page.locator(".result-window")).to_contain_text('"rooli": "admin"', timeout=15_000)
        page.locator("button[aria-label='Show Documentation Explorer']").click()
        expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query", timeout=15_000)
    finally:
        page.close()
    assert refused == []
