"""Survey-page fixtures: an HTTP client on the real app, links in every state."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.organisation import Organisation
from models.rules.calendar import helsinki_day
from models.rules.kysely import KYLLA, LIKERT, MONIVALINTA, TEKSTI, VALINTA, Kysely
from tests.api.conftest import client, gql  # noqa: F401  (re-exported fixtures)

_CSRF = re.compile(r'name="csrftoken" value="([^"]+)"')


def today() -> date:
    return helsinki_day(datetime.now(UTC))


async def make_link(
    kt: Organisation,
    tyyppi: Kyselytyyppi = Kyselytyyppi.ALOITTANEET,
    *,
    alku: int | None = -1,
    loppu: int = 29,
    **extra: Any,
) -> Kyselylinkki:
    """A link whose answer period is `[today + alku, today + loppu]` (alku None: not sent yet)."""
    t = today()
    return await Kyselylinkki.create(
        kyselytyyppi=tyyppi,
        koulutustoimija=kt,
        heratepvm=t - timedelta(days=2),
        rahoituskausi="2025-2026",
        lahetyspvm=None if alku is None else t + timedelta(days=alku),
        vastausaika_alku=None if alku is None else t + timedelta(days=alku),
        vastausaika_loppu=t + timedelta(days=loppu),
        **extra,
    )


def valid_form(kysely: Kysely) -> dict[str, list[str]]:
    """One acceptable answer to every question shown (a follow-up only when these answers trigger it)."""
    form: dict[str, list[str]] = {}
    for k in kysely.kysymykset:
        if k.nayta_kun is not None and set(form.get(k.nayta_kun[0], [])).isdisjoint(k.nayta_kun[1]):
            continue
        if k.tyyppi == LIKERT:
            form[k.tunnus] = ["4"]
        elif k.tyyppi in (VALINTA, MONIVALINTA):
            form[k.tunnus] = [k.vaihtoehdot[0].koodi]
        elif k.tyyppi == TEKSTI:
            form[k.tunnus] = ["Hyvä koulutus"]
        else:
            form[k.tunnus] = [KYLLA]
    return form


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


async def post_answers(
    http: httpx.AsyncClient, tunnus: str, form: dict[str, list[str]], lang: str = "fi"
) -> httpx.Response:
    """Load the form (for the CSRF cookie and token) and post `form` as a browser would."""
    page = await http.get(f"/v/{tunnus}?lang={lang}")
    assert page.status_code == 200, page.text
    return await http.post(
        f"/v/{tunnus}?lang={lang}&versio=1",
        data={"csrftoken": csrf_token(page.text), **form},
        follow_redirects=False,
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so the browser `page` fixture can screenshot failures."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
