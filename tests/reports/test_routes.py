"""Report routes over HTTP: CSV downloads, GraphQL fields, and the report page's sign-in (DOMAIN.md §5)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import httpx
import pytest
from tortoise.context import TortoiseContext

from models.services import istunnot
from models.services.errors import DomainError
from models.services.organisations import oph
from models.services.users import hash_token
from models.user import ApiToken, RaporttiIstunto, RoleName
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.reports.builders import link

ANSWER = {"vastaanotto": 4, "suosittelu": 5, "vapaa_palaute": "=1+1"}


async def seed(n: int = 5) -> tuple:
    kt, ol = await provider()
    for i in range(n):
        await link(kt, ol, date(2021, 9, 1 + i), lahetyspvm=date(2021, 9, 1 + i), vastaukset=ANSWER)
    await link(kt, ol, date(2021, 9, 20), lahetyspvm=date(2021, 9, 20))
    return kt, ol


async def test_answer_csv_streams_for_the_main_user_only(db: TortoiseContext, client: httpx.AsyncClient) -> None:
    kt, _ = await seed()
    admin = await user_token(kt, RoleName.ADMIN)
    reader = await user_token(kt, RoleName.READ)
    url = f"/raportit/vastaukset.csv?koulutustoimija={kt.oid}"
    response = await client.get(url, headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 5 and {r["vapaa_palaute"] for r in rows} == {"'=1+1"}

    assert (await client.get(url)).status_code == 401
    forbidden = await client.get(url, headers={"Authorization": f"Bearer {reader}"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "FORBIDDEN"
    missing = await client.get("/raportit/vastaukset.csv", headers={"Authorization": f"Bearer {admin}"})
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "koulutustoimija"


async def test_public_statistics_csv(db: TortoiseContext, client: httpx.AsyncClient) -> None:
    kt, _ = await seed()
    response = await client.get("/raportit/tilastot.csv?alku=2021-08-01&loppu=2022-07-31&ryhmittely=koulutustoimija")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    vastaanotto = {r["arvo"]: r["maara"] for r in rows if r["kysymys"] == "vastaanotto"}
    assert vastaanotto["4"] == "5" and vastaanotto["1"] == "0"
    assert {r["koulutustoimija"] for r in rows} == {kt.oid}
    assert not any(r["kysymys"] == "vapaa_palaute" for r in rows)
    bad = await client.get("/raportit/tilastot.csv?alku=1.9.2021")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "alku"
    bad = await client.get("/raportit/tilastot.csv?ryhmittely=oppija")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "ryhmittely"


async def test_graphql_rates_silent_providers_and_statistics(db: TortoiseContext, gql: Gql) -> None:
    kt, _ = await seed(n=4)
    reader = await user_token(kt, RoleName.READ)
    body = await gql(
        reader,
        'query($kt: String!) { vastausosuudet(koulutustoimija: $kt, alku: "2021-09-01", loppu: "2021-09-30")'
        " { kyselytyyppi linkkeja lahetetty vastattu osuus } }",
        kt=kt.oid,
    )
    assert body["data"]["vastausosuudet"] == [
        {"kyselytyyppi": "aloittaneet", "linkkeja": 5, "lahetetty": 5, "vastattu": 4, "osuus": 0.8}
    ]
    silent = '{ hiljaisetJarjestajat(alku: "2021-09-01", loppu: "2021-09-30") { oid linkkeja } }'
    denied = await gql(reader, silent)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    oph_token = await user_token(await oph(), RoleName.READ)
    other, _ = await provider()
    assert (await gql(oph_token, silent))["data"]["hiljaisetJarjestajat"] == [{"oid": other.oid, "linkkeja": 0}]
    stats = await gql(
        reader,
        '{ anonyymitTilastot(alku: "2021-09-01", loppu: "2021-09-30") { piilotettu vastaajia jakaumat { kysymys } } }',
    )
    assert stats["data"]["anonyymitTilastot"] == [{"piilotettu": True, "vastaajia": None, "jakaumat": []}]


async def test_report_page_sign_in_sets_a_strict_httponly_cookie(
    db: TortoiseContext, client: httpx.AsyncClient
) -> None:
    kt, _ = await seed()
    token = await user_token(kt, RoleName.READ)
    page = f"/raportti?koulutustoimija={kt.oid}&lang=sv"
    form = await client.get(page + f"&token={token}")  # a token in the URL is never accepted
    assert form.status_code == 401 and 'name="token"' in form.text and 'lang="sv"' in form.text

    wrong = await client.post("/raportti/kirjaudu", data={"token": "nope", "koulutustoimija": kt.oid, "lang": "sv"})
    assert wrong.status_code == 401 and "Åtkomstnyckeln är okänd" in wrong.text
    forged = await client.post(
        "/raportti/kirjaudu",
        data={"token": token, "koulutustoimija": kt.oid},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403 and "set-cookie" not in forged.headers

    ok = await client.post("/raportti/kirjaudu", data={"token": token, "koulutustoimija": kt.oid, "lang": "sv"})
    assert ok.status_code == 303 and ok.headers["location"] == f"/raportti?koulutustoimija={kt.oid}&lang=sv"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    session_id = ok.cookies["polku_raportti"]
    assert token not in ok.headers["set-cookie"] and session_id != token  # the cookie holds a session id
    stored = await RaporttiIstunto.get(istunto_hash=hash_token(session_id))
    assert stored.istunto_hash != session_id  # only its hash is kept
    shown = await client.get(page)
    assert shown.status_code == 200
    assert 'role="img"' in shown.text and "Svarsandel per månad" in shown.text
    assert "vastaukset.csv" not in shown.text  # a READ user is not the main user: no export link

    out = await client.post("/raportti/ulos", data={"lang": "sv"})
    assert out.status_code == 303
    assert (await client.get(page)).status_code == 401
    assert not await RaporttiIstunto.filter(istunto_hash=hash_token(session_id)).exists()  # ended server-side
    client.cookies.set("polku_raportti", session_id)  # a copied cookie no longer opens the page
    assert (await client.get(page)).status_code == 401


async def test_report_session_ends_with_its_token_and_its_time(db: TortoiseContext) -> None:
    kt, _ = await seed()
    token = await user_token(kt, RoleName.READ)
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    session_id = await istunnot.aloita_istunto(token, now)
    assert (await istunnot.principal_for_istunto(session_id, now)).grants
    with pytest.raises(DomainError):
        await istunnot.principal_for_istunto(session_id, now + istunnot.KESTO)
    with pytest.raises(DomainError):
        await istunnot.principal_for_istunto(token, now)  # the token itself is no session id
    await ApiToken.filter(token_hash=hash_token(token)).update(revoked_at=now)
    with pytest.raises(DomainError):
        await istunnot.principal_for_istunto(session_id, now)
    with pytest.raises(DomainError):
        await istunnot.aloita_istunto(token, now)


async def test_report_page_offers_pickers_and_never_a_bare_error(
    db: TortoiseContext, client: httpx.AsyncClient
) -> None:
    kt, ol = await seed()
    other, _ = await provider()
    await other.__class__.filter(id=other.id).update(nimi="Toinen kuntayhtymä")
    token = await user_token(kt, RoleName.READ)
    auth = {"Authorization": f"Bearer {token}"}

    # Straight after sign-in, with no parameters: the user's one provider is chosen, the pickers are there.
    first = await client.get("/raportti?lang=sv", headers=auth)
    assert first.status_code == 200
    assert f'<option value="{kt.oid}" selected>' in first.text
    assert other.oid not in first.text  # only providers the user may read are offered
    assert 'name="alku"' in first.text and 'name="loppu"' in first.text and 'name="ryhmittely"' in first.text
    assert "Svarsandelar" in first.text and 'class="top"' in first.text  # header bar, Swedish page

    bad = await client.get(f"/raportti?koulutustoimija={kt.oid}&alku=28.11.2026&lang=en", headers=auth)
    assert bad.status_code == 400
    assert "Give the dates of the period as YYYY-MM-DD." in bad.text and 'name="koulutustoimija"' in bad.text
    reversed_period = await client.get(
        f"/raportti?koulutustoimija={kt.oid}&alku=2022-01-01&loppu=2021-01-01&lang=fi", headers=auth
    )
    assert reversed_period.status_code == 400 and "Kauden loppu ei voi olla ennen sen alkua." in reversed_period.text
    forbidden = await client.get(f"/raportti?koulutustoimija={other.oid}&lang=fi", headers=auth)
    assert forbidden.status_code == 403
    assert "Käyttöavaimellasi ei ole oikeutta tämän koulutuksen järjestäjän raportteihin." in forbidden.text
    grouping = await client.get(f"/raportti?koulutustoimija={kt.oid}&ryhmittely=x&lang=fi", headers=auth)
    assert grouping.status_code == 400 and "Valitse jokin tarjotuista ryhmittelyistä." in grouping.text

    by_school = await client.get(
        f"/raportti?koulutustoimija={kt.oid}&alku=2021-08-01&loppu=2022-07-31&ryhmittely=oppilaitos&lang=fi",
        headers=auth,
    )
    assert by_school.status_code == 200
    assert '<th scope="col">Oppilaitos</th>' in by_school.text and f"<td>{ol.nimi}</td>" in by_school.text
    assert "Herätepäivän kuukausi" in by_school.text and "epäonnistuneet ja odottavat viestit eivät" in by_school.text


async def test_report_page_for_oph_lists_every_provider(db: TortoiseContext, client: httpx.AsyncClient) -> None:
    kt, _ = await seed(1)
    other, _ = await provider()
    token = await user_token(await oph(), RoleName.READ)
    page = await client.get("/raportti?lang=fi", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200
    assert '<option value="">Valitse…</option>' in page.text
    assert kt.oid in page.text and other.oid in page.text
