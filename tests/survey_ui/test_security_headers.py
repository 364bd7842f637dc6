"""Every HTML page of the service sends CSP with frame-ancestors, nosniff and a referrer policy (issue 10 item 6)."""

from __future__ import annotations

from tests.factories import provider
from tests.survey_ui.conftest import make_link

HTML_PAGES = (
    "/",
    "/v/tuntematon-linkki",
    "/kiitos",
    "/tietosuojaseloste",
    "/saavutettavuusseloste",
    "/editori",
    "/raportti",
    "/raportti?koulutustoimija=1.2.246.562.10.00000000001",
    "/kehitys/lahetetyt",
)


async def test_every_html_page_sends_csp_frame_ancestors_and_nosniff(client):
    kt, _ = await provider()
    link = await make_link(kt)
    checked = []
    for path in (*HTML_PAGES, f"/v/{link.tunnus}"):
        response = await client.get(path)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        checked.append(path)
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        expected = "no-referrer" if path.startswith("/v/") else "same-origin"  # a tunnus never leaves in a Referer
        assert response.headers["referrer-policy"] in (expected, "no-referrer"), path
        assert "<style" not in response.text and "<script>" not in response.text, path  # the CSP would block them
    assert {"/v/tuntematon-linkki", "/raportti", "/editori", f"/v/{link.tunnus}"} <= set(checked)


async def test_non_html_responses_are_not_sniffed(client):
    for path in ("/healthz", "/static/kysely/survey.js", "/raportit/tilastot.csv"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
