"""Real chromium on the real app (issue 4 "Must show"): answer in fi/sv/en, redirect, already-answered page,
an error beside its question, and axe-core finding no serious or critical violations on any page type.

One browser and one uvicorn server (a subprocess on its own PostgreSQL database) serve the whole module. Pages use
a 375 px wide viewport (the mobile layout); a failing test leaves a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from models.rules.kysely import TEKSTI
from survey_ui.kyselyt import latest
from tests.conftest import PG_URL
from tests.support import CHROMIUM, CHROMIUM_ARGS, free_port
from tests.survey_ui.browser_server import REDIRECT
from tests.survey_ui.conftest import valid_form

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
ALOITTANEET = latest("aloittaneet")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_URL.replace("test_{}", "postgres"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, dict[str, str]]]:
    name = f"polku_browser_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.survey_ui.browser_server", PG_URL.replace("test_{}", name), str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "ASGI_CSRF_SECRET": "browser-tests"},
    )
    try:
        assert proc.stdout is not None
        links = json.loads(proc.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                asyncio.run(asyncio.sleep(0.05))
        yield base, links
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    p = context.new_page()

    def provider_page(route: Route) -> None:
        route.fulfill(
            status=200, content_type="text/html", body='<html lang="fi"><title>Oppilaitos</title>Kiitos!</html>'
        )

    p.route(f"{REDIRECT}**", provider_page)
    yield p
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _fill(page: Page, form: dict[str, list[str]]) -> None:
    for k in ALOITTANEET.kysymykset:
        for value in form.get(k.tunnus, []):
            if k.tyyppi == TEKSTI:
                page.fill(f'textarea[name="{k.tunnus}"]', value)
            else:
                page.check(f'input[name="{k.tunnus}"][value="{value}"]')


def _axe(page: Page) -> list[dict[str, Any]]:
    violations = Axe().run(page).response["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    ("kieli", "heading", "destination"),
    [
        ("fi", "Olet jo vastannut tähän kyselyyn", REDIRECT),
        ("sv", "Du har redan besvarat den här enkäten", REDIRECT),
        ("en", "You have already answered this survey", "/kiitos?lang=en"),
    ],
)
def test_answer_in_each_language_follow_redirect_then_already_answered(server, page, kieli, heading, destination):
    base, links = server
    url = f"{base}/v/{links[kieli]}"
    page.goto(url)
    # Chosen with the visible language switch, not the URL.
    page.get_by_role("button", name={"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}[kieli]).click()
    assert page.locator("html").get_attribute("lang") == kieli
    _fill(page, valid_form(ALOITTANEET))
    page.locator('form.kysely button[value="laheta"]').click()
    page.wait_for_url(destination if destination.startswith("https") else base + destination)
    if destination.startswith("https"):
        assert "Kiitos!" in page.content()
    else:
        assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your answer"

    page.goto(f"{url}?lang={kieli}")
    assert page.get_by_role("heading", level=1).inner_text() == heading


def test_missing_required_answer_shows_the_error_beside_the_question(server, page):
    base, links = server
    page.goto(f"{base}/v/{links['virhe']}?lang=fi")
    form = valid_form(ALOITTANEET)
    skipped = next(k for k in ALOITTANEET.kysymykset if k.pakollinen and k.tyyppi == "likert")
    del form[skipped.tunnus]
    _fill(page, form)
    page.get_by_role("button", name="Lähetä vastaukset").click()

    error = page.locator(f"#k-{skipped.tunnus} .virhe")
    assert " ".join((error.text_content() or "").split()) == "Virhe: Vastaa tähän kysymykseen."
    assert error.is_visible()
    # survey.js moves focus to the summary once it runs, which may be just after the new page is usable.
    expect(page.locator("#virheyhteenveto")).to_be_focused()
    page.get_by_role("link", name=f"{skipped.teksti.fi} Vastaa tähän kysymykseen.").click()
    assert page.evaluate("document.activeElement.name") == skipped.tunnus
    kept = next(k for k in ALOITTANEET.kysymykset if k.tunnus in form and k.tyyppi == "likert")
    assert page.locator(f'input[name="{kept.tunnus}"][value="4"]').is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on a phone


def test_follow_up_question_appears_only_when_triggered(server, page):
    base, links = server
    page.goto(f"{base}/v/{links['avoin']}?lang=en")
    follow_up = next(k for k in ALOITTANEET.kysymykset if k.nayta_kun)
    box = page.locator(f"#k-{follow_up.tunnus}")
    assert box.is_hidden()
    trigger, values = follow_up.nayta_kun
    page.check(f'input[name="{trigger}"][value="{values[0]}"]')
    assert box.is_visible()


def test_no_serious_or_critical_accessibility_violations_on_any_page_type(server, page):
    base, links = server
    pages = {
        "form": f"/v/{links['avoin']}?lang=fi",
        "unknown": "/v/tuntematon-linkki?lang=sv",
        "not open": f"/v/{links['ei_auki']}?lang=en",
        "expired": f"/v/{links['vanhentunut']}?lang=fi",
        "answered": f"/v/{links['vastattu']}?lang=sv",
        "thanks": "/kiitos?lang=en",
        "privacy": "/tietosuojaseloste?lang=fi",
        "accessibility": "/saavutettavuusseloste?lang=sv",
        "editor": "/editori?lang=fi",
    }
    found: dict[str, list[dict[str, Any]]] = {}
    for name, path in pages.items():
        page.goto(base + path)
        found[name] = _axe(page)

    page.goto(base + pages["form"])
    page.get_by_role("button", name="Lähetä vastaukset").click()
    page.wait_for_selector("#virheyhteenveto")
    found["form with errors"] = _axe(page)

    page.goto(base + pages["form"])
    page.context.clear_cookies()
    page.get_by_role("button", name="Lähetä vastaukset").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Lomake on vanhentunut"
    found["csrf refused"] = _axe(page)

    assert found == {name: [] for name in found}


def test_language_switch_keeps_the_answers_and_the_form_says_who_asks(server, page):
    base, links = server
    page.goto(f"{base}/v/{links['kielenvaihto']}?lang=fi")
    kysyja = page.get_by_role("region", name="Kuka kysyy")
    assert "Testikuntayhtymä" in kysyja.inner_text() and "Ajoneuvoalan perustutkinto" in kysyja.inner_text()
    assert "2021-2022" not in page.title()
    likert = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == "likert")
    teksti = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == TEKSTI and not k.nayta_kun)
    page.check(f'input[name="{likert.tunnus}"][value="2"]')
    page.fill(f'textarea[name="{teksti.tunnus}"]', "Hyvä alku")
    page.get_by_role("button", name="På svenska").click()
    page.wait_for_url(f"**/v/{links['kielenvaihto']}?lang=sv")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator(f'input[name="{likert.tunnus}"][value="2"]').is_checked()
    assert page.locator(f'textarea[name="{teksti.tunnus}"]').input_value() == "Hyvä alku"


def test_closed_page_reopens_with_the_answers_so_far_and_privacy_statement_leads_back(server, browser, page):
    base, links = server
    url = f"{base}/v/{links['jatka']}?lang=en"
    page.goto(url)
    teksti = next(k for k in ALOITTANEET.kysymykset if k.tyyppi == TEKSTI and not k.nayta_kun)
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 204):
        page.fill(f'textarea[name="{teksti.tunnus}"]', "Coming back later")
    page.context.close()  # the tab is gone; the answers stay with the link

    other = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    try:
        other.goto(url)
        assert other.locator(f'textarea[name="{teksti.tunnus}"]').input_value() == "Coming back later"
        other.get_by_role("main").get_by_role("link", name="Privacy statement").click()
        other.get_by_role("link", name="Back to the survey").click()
        assert other.locator(f'textarea[name="{teksti.tunnus}"]').input_value() == "Coming back later"
        other.get_by_role("button", name="Save and continue later").click()
        assert other.get_by_role("status").first.inner_text().startswith("Your answers so far are saved.")
        assert _axe(other) == []
    finally:
        other.context.close()


def test_instructor_form_names_qualification_and_no_learner(server, page):
    base, links = server
    page.goto(f"{base}/v/{links['ohjaaja']}?lang=fi")
    kysyja = page.get_by_role("region", name="Kuka kysyy").inner_text()
    assert "Logistiikan perustutkinto" in kysyja and "Testiopisto" in kysyja
    assert "ohjasit työpaikallasi" in kysyja
    assert _axe(page) == []


def test_editor_picks_the_provider_previews_with_the_form_and_confirms_retiring(server, page):
    base, links = server
    page.goto(f"{base}/editori?lang=fi")
    page.fill("#token", links["token"])
    page.locator("#token").dispatch_event("change")
    expect(page.locator("#koulutustoimija option")).to_have_count(1)  # the one provider this token may read
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.locator("#lista li")).to_contain_text("Terveiset oppilaitokselle")
    assert "(Vapaa teksti)" in page.locator("#lista li").first.inner_text()  # a readable type name, no [teksti]

    page.select_option("#tyyppi", "kylla_ei")
    page.fill("#teksti-fi", "Suosittelisitko työpaikkaa?")
    page.fill("#teksti-sv", "Skulle du rekommendera arbetsplatsen?")
    page.fill("#teksti-en", "Would you recommend the workplace?")
    page.select_option("#nayta-kysymys", ALOITTANEET.kysymykset[0].tunnus)
    page.fill("#nayta-arvot", "4, 5")
    preview = page.locator("#esikatselu .kysymys")
    expect(preview).to_contain_text("Suosittelisitko työpaikkaa?")
    assert preview.get_attribute("data-arvot") == "4 5"
    assert page.locator('#esikatselu input[type="radio"]').count() == 2
    assert _axe(page) == []

    dialogs: list[str] = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Poista käytöstä").first.click()
    assert dialogs and dialogs[0].startswith("Poistetaanko kysymys käytöstä?")
    expect(page.locator("#lista li")).to_contain_text("Terveiset oppilaitokselle")  # dismissed: still there
