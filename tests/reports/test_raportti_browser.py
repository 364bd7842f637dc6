"""The report page in real chromium: charts render as SVG in fi/sv/en and axe-core finds nothing serious (§5)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from models.user import RoleName
from tests.factories import provider, user_token
from tests.reports.builders import link
from tests.reports.conftest import LiveServer
from tests.support import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


@pytest.fixture
def report_seed():  # type: ignore[no-untyped-def]
    async def seed() -> dict[str, Any]:
        kt, ol = await provider()
        for i, value in enumerate((5, 4, 4, 3, 0, 5)):
            day = date(2021, 9 + i % 3, 1 + i)
            await link(kt, ol, day, lahetyspvm=day, vastaukset={"vastaanotto": value, "tuen_tarve": i % 2 == 0})
        await link(kt, ol, date(2021, 10, 20), lahetyspvm=date(2021, 10, 20))
        return {"kt": kt.oid, "token": await user_token(kt, RoleName.ADMIN)}

    return seed


def test_report_page_charts_render_and_pass_axe(live_server: LiveServer) -> None:
    kt, token = live_server.seeded["kt"], live_server.seeded["token"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/raportti?koulutustoimija={kt}&lang=fi&alku=2021-08-01&loppu=2022-07-31")
            page.fill("#token", token)
            page.click("button[type=submit]")
            page.wait_for_selector("svg[role=img]")
            assert page.locator("h1").inner_text().startswith("Palauteraportti")
            charts = page.locator("svg[role=img]")
            assert charts.count() >= 3  # the trend and at least the two answered questions
            box = charts.first.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100
            assert page.locator("svg[role=img] rect").count() >= 3
            assert page.locator("svg[role=img] title").first.text_content() == "Vastausosuus kuukausittain"
            # Every chart is followed by its data table (the text equivalent).
            assert page.locator("figure table").count() == charts.count()
            assert "Vastaajia: 6" in page.content()

            results = Axe().run(page)
            serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            assert serious == [], results.generate_report()

            # A phone: the tables scroll inside their own box, the page itself never sideways (issue 15).
            page.set_viewport_size({"width": 390, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            # The pickers: regroup by oppilaitos through the form, as a person would.
            page.select_option("#ryhmittely", "oppilaitos")
            page.get_by_role("button", name="Näytä raportti").click()
            page.wait_for_url("**ryhmittely=oppilaitos**")
            assert page.get_by_role("columnheader", name="Oppilaitos").count() == 1
            assert page.locator("#koulutustoimija option:checked").get_attribute("value") == kt

            page.click("a[lang=sv]")
            page.wait_for_selector("svg[role=img]")
            assert page.locator("h1").inner_text().startswith("Responsrapport")
            assert page.locator("html").get_attribute("lang") == "sv"
            results = Axe().run(page)
            assert not [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        finally:
            browser.close()
