"""Texts in the client's language (issue 14 item 2): Accept-Language sv, en or nothing (Finnish) picks the
language of a GraphQL error, a feedback decision's selitys, an upcoming send's reason, a Valpas reason and every
CSV file's header; the codes beside them never change."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.i18n import translations
from api.palaute_routes import TYOPAIKKAKYSELY_HEADER
from api.valpas_export import HEADER, LAATU_HEADER
from api.valpas_export_oppilaitos import HAKEUTUMINEN_HEADER, MAKSUTTOMUUS_HEADER, SUORITTAMINEN_HEADER
from models.rules.calendar import helsinki_day
from models.services import hoks as hoks_service
from models.services.raportointi import TAUSTA, TILASTO_OTSIKOT
from models.user import RoleName
from tests.api.test_csv_routes import ROUTES as CSV_ROUTES
from tests.factories import provider, user_token
from tests.services.conftest import Setting, plan, setting

__all__ = ["setting"]

TODAY = helsinki_day(datetime.now(UTC))
LANGUAGES = [("sv-FI,sv;q=0.9,en;q=0.5", "sv"), ("en-GB", "en"), (None, "fi")]
CSV_COLUMNS = {
    "/tyopaikkakysely.csv": TYOPAIKKAKYSELY_HEADER,
    "/valpas/automaattinen-tarkistus.csv": HEADER,
    "/valpas/tietojen-laatu.csv": LAATU_HEADER,
    "/valpas/suorittamisvalvonta.csv": SUORITTAMINEN_HEADER,
    "/valpas/maksuttomuus.csv": MAKSUTTOMUUS_HEADER,
    "/valpas/hakeutumisvalvonta.csv": HAKEUTUMINEN_HEADER,
    "/raportit/vastaukset.csv": TAUSTA,
    "/raportit/tilastot.csv": TILASTO_OTSIKOT,
}


async def _post(client: httpx.AsyncClient, token: str, accept: str | None, query: str, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if accept is not None:
        headers["Accept-Language"] = accept
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.json()


@pytest.mark.parametrize(("accept", "kieli"), LANGUAGES)
async def test_a_domain_error_names_its_noun_in_the_clients_language(
    setting: Setting, client: httpx.AsyncClient, accept: str | None, kieli: str
) -> None:
    token = await user_token(setting.oppilaitos, RoleName.READ)
    body = await _post(client, token, accept, "query($id: Int!) { hoks(id: $id) { id } }", id=987654)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    assert (
        error["message"]
        == {
            "fi": "Ei löytynyt: HOKS 987654",
            "sv": "Hittades inte: PUK 987654",
            "en": "HOKS 987654 not found",
        }[kieli]
    )


@pytest.mark.parametrize(("accept", "kieli"), LANGUAGES)
async def test_the_summary_of_several_field_errors_is_in_the_clients_language(
    setting: Setting, client: httpx.AsyncClient, accept: str | None, kieli: str
) -> None:
    token = await user_token(setting.oppilaitos, RoleName.WRITE)
    query = "mutation($i: HoksInput!) { createHoks(input: $i) { id } }"
    body = await _post(client, token, accept, query, i={})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    more = len(error["extensions"]["errors"]) - 1
    assert more > 0
    assert (
        error["message"]
        == {
            "fi": f"oppijaOid: Arvo puuttuu. (ja {more} muuta)",
            "sv": f"oppijaOid: Ett värde krävs. (och {more} till)",
            "en": f"oppijaOid: A value is required. (and {more} more)",
        }[kieli]
    )


HOKS_DECISIONS = "query($id: Int!) { hoks(id: $id) { palautepaatokset { kyselytyyppi syy selitys } } }"


@pytest.mark.parametrize(("accept", "kieli"), LANGUAGES)
async def test_selitys_is_in_the_clients_language_and_syy_is_the_code(
    setting: Setting, client: httpx.AsyncClient, accept: str | None, kieli: str
) -> None:
    hoks = await hoks_service.create_hoks(plan(setting, osaamisen_hankkimisen_tarve=False), setting.writer(), TODAY)
    token = await user_token(setting.oppilaitos, RoleName.READ)
    body = await _post(client, token, accept, HOKS_DECISIONS, id=hoks.id)
    [student] = [d for d in body["data"]["hoks"]["palautepaatokset"] if d["kyselytyyppi"] == "aloittaneet"]
    assert student["syy"] == "ei_osaamisen_hankkimisen_tarvetta"
    assert student["selitys"].startswith(
        {
            "fi": "Oppijalla ei ole osaamisen hankkimisen tarvetta",
            "sv": "Den studerande har inget behov av att förvärva kunnande",
            "en": "The learner has no need for training",
        }[kieli]
    )


UPCOMING = """query($kt: String!, $p: Date!) { upcomingSends(koulutustoimija: $kt, paiva: $p) { kanava syy } }"""


@pytest.mark.parametrize(("accept", "kieli"), LANGUAGES)
async def test_an_upcoming_sends_reason_is_in_the_clients_language(
    setting: Setting, client: httpx.AsyncClient, accept: str | None, kieli: str
) -> None:
    day = TODAY + timedelta(days=3)
    await hoks_service.create_hoks(plan(setting, ensikertainen_hyvaksyminen=day), setting.writer(), TODAY)
    token = await user_token(setting.koulutustoimija, RoleName.READ)
    body = await _post(client, token, accept, UPCOMING, kt=setting.koulutustoimija.oid, p=day.isoformat())
    [item] = body["data"]["upcomingSends"]
    assert (
        item["syy"]
        == {
            "fi": f"herätepäivä {day} on tullut: lähtee ensimmäisellä päivittäisellä ajolla sinä päivänä tai sen "
            "jälkeen (§3)",
            "sv": f"utlösningsdatumet {day} har kommit: skickas vid den första dagliga körningen samma dag eller "
            "senare (§3)",
            "en": f"heratepvm {day} has come: sent on the first daily run on or after it (§3)",
        }[kieli]
    )


def _rows(response: httpx.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("path", list(CSV_ROUTES))
@pytest.mark.parametrize(("accept", "kieli"), LANGUAGES)
async def test_every_csv_header_is_in_the_clients_language(
    client: httpx.AsyncClient, path: str, accept: str | None, kieli: str
) -> None:
    if accept is not None:
        client.headers["Accept-Language"] = accept
    rows = _rows(await CSV_ROUTES[path](client))
    fi = translations("fi").gettext
    named = translations(kieli).gettext
    # the header's own columns (the answer export's question columns are codes, the same in every language)
    assert [named(cell) for cell in CSV_COLUMNS[path]] == rows[0][: len(CSV_COLUMNS[path])]
    assert [fi(cell) for cell in CSV_COLUMNS[path]] == list(CSV_COLUMNS[path])  # Finnish files stay as they were


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("accept", "kieli"), LANGUAGES)
async def test_the_valpas_check_lists_reason_and_header_are_in_the_clients_language(
    client: httpx.AsyncClient, accept: str | None, kieli: str
) -> None:
    if accept is not None:
        client.headers["Accept-Language"] = accept
    header, row = _rows(await CSV_ROUTES["/valpas/automaattinen-tarkistus.csv"](client))
    assert (header[1], header[7], header[8]) == {
        "fi": ("sukunimi", "syy", "keskeytetty"),
        "sv": ("efternamn", "orsak", "avbruten"),
        "en": ("surname", "reason", "interrupted"),
    }[kieli]
    reason = {
        "fi": "Henkilöllä ei ole tänään voimassa olevaa opiskeluoikeutta oppivelvollisuuden suorittamiseen "
        "kelpaavassa koulutuksessa.",
        "sv": "Personen har i dag ingen aktiv studierätt i utbildning som fullgör läroplikten.",
        "en": "Has no active study right today in education that fulfils compulsory education.",
    }[kieli]
    assert (row[7], row[8]) == (reason, {"fi": "ei", "sv": "nej", "en": "no"}[kieli])


@pytest.mark.parametrize(("accept", "kieli"), LANGUAGES)
async def test_a_refusal_names_what_was_asked_for_in_the_clients_language(
    setting: Setting, client: httpx.AsyncClient, accept: str | None, kieli: str
) -> None:
    other, _ = await provider()
    token = await user_token(other, RoleName.READ)
    kt = setting.koulutustoimija.oid
    body = await _post(client, token, accept, UPCOMING, kt=kt, p=TODAY.isoformat())
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    user = error["message"].split()[0 if kieli == "en" else 1].rstrip(":")
    assert (
        error["message"]
        == {
            "fi": f"käyttäjällä {user} ei ole read-oikeutta: koulutustoimijan {kt} tulevat lähetykset",
            "sv": f"användaren {user} har ingen read-rätt till kommande utskick för {kt}",
            "en": f"{user} has no read right to upcoming sends of {kt}",
        }[kieli]
    )
