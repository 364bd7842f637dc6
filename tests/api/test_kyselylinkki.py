"""Kyselylinkit in GraphQL and over HTTP: HOKS view with reasons, resend, upcoming sends, työpaikkakysely CSV
and Twilio's status callback (DOMAIN.md §3–4). Dates are relative to the request's real today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
from twilio.request_validator import RequestValidator

from models.audit import AuditEvent
from models.kyselylinkki import Kanava, Kyselylinkki, Toimitus, ToimitusTila
from models.rules.calendar import helsinki_day
from models.services import hoks as hoks_service
from models.services.lahetysajo import run_day
from models.services.tyopaikkakysely import generate_tyopaikkakysely
from models.settings import Settings
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.services.conftest import Setting, jakso, plan, setting

__all__ = ["setting"]

TODAY = helsinki_day(datetime.now(UTC))

HOKS_LINKS = """query($id: Int!) { hoks(id: $id) {
  kyselylinkit { tunnus kyselytyyppi tila heratepvm vastausaikaLoppu url koulutustoimijaOid
                 toimitukset { kanava tarkoitus osoite tila } }
  palautepaatokset { kyselytyyppi syy selitys heratepvm } } }"""
RESEND = """mutation($tunnus: String!, $sahkoposti: String) {
  resendKyselylinkki(tunnus: $tunnus, sahkoposti: $sahkoposti) { tunnus vastausaikaLoppu
    toimitukset { tarkoitus osoite tila } } }"""


async def _sent_link(s: Setting) -> tuple[int, Kyselylinkki]:
    hoks = await hoks_service.create_hoks(
        plan(s, ensikertainen_hyvaksyminen=TODAY - timedelta(days=1)), s.writer(), TODAY
    )
    await run_day(TODAY)
    return hoks.id, await Kyselylinkki.get(hoks_id=hoks.id)


async def test_hoks_shows_its_links_with_deliveries_and_reasons(setting: Setting, gql: Gql) -> None:
    hoks_id, link = await _sent_link(setting)
    token = await user_token(setting.oppilaitos, RoleName.READ)
    body = await gql(token, HOKS_LINKS, id=hoks_id)
    [shown] = body["data"]["hoks"]["kyselylinkit"]
    assert shown["tunnus"] == link.tunnus and shown["tila"] == "AVOIN"
    assert shown["url"] == f"http://127.0.0.1:8000/v/{link.tunnus}"
    assert shown["koulutustoimijaOid"] == setting.koulutustoimija.oid
    assert shown["toimitukset"] == [
        {"kanava": "email", "tarkoitus": "lahetys", "osoite": "aino@example.fi", "tila": "queued"}
    ]
    decisions = {d["kyselytyyppi"]: d for d in body["data"]["hoks"]["palautepaatokset"]}
    assert decisions["aloittaneet"]["syy"] is None
    # the jakso ended 15.12.2021, far more than 60 days before today's decision
    assert decisions["tyopaikkaohjaajakysely"]["syy"] == "vastausaika_umpeutunut"
    assert "60 päivää" in decisions["tyopaikkaohjaajakysely"]["selitys"]  # Finnish without Accept-Language


async def test_a_hoks_without_a_link_shows_the_reason(setting: Setting, gql: Gql) -> None:
    hoks = await hoks_service.create_hoks(plan(setting, osaamisen_hankkimisen_tarve=False), setting.writer(), TODAY)
    body = await gql(await user_token(setting.oppilaitos, RoleName.READ), HOKS_LINKS, id=hoks.id)
    assert body["data"]["hoks"]["kyselylinkit"] == []
    [student] = [d for d in body["data"]["hoks"]["palautepaatokset"] if d["kyselytyyppi"] == "aloittaneet"]
    assert student["syy"] == "ei_osaamisen_hankkimisen_tarvetta"
    assert "osaamisen hankkimisen tarvetta" in student["selitys"]  # Finnish without Accept-Language


async def test_resend_same_link_same_deadline_audited_and_refusals(setting: Setting, gql: Gql) -> None:
    _, link = await _sent_link(setting)
    writer = await user_token(setting.oppilaitos, RoleName.WRITE)
    body = await gql(writer, RESEND, tunnus=link.tunnus, sahkoposti="uusi@example.fi")
    resent = body["data"]["resendKyselylinkki"]
    assert resent["tunnus"] == link.tunnus
    assert resent["vastausaikaLoppu"] == link.vastausaika_loppu.isoformat()  # type: ignore[union-attr]
    assert resent["toimitukset"][-1] == {"tarkoitus": "uudelleen1", "osoite": "uusi@example.fi", "tila": "queued"}
    assert await AuditEvent.filter(action="resend", entity="kyselylinkki", entity_id=str(link.id)).exists()

    reader = await user_token(setting.oppilaitos, RoleName.READ)
    body = await gql(reader, RESEND, tunnus=link.tunnus)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other_kt, _ = await provider()
    body = await gql(await user_token(other_kt, RoleName.WRITE), RESEND, tunnus=link.tunnus)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    await Kyselylinkki.filter(id=link.id).update(vastausaika_loppu=TODAY - timedelta(days=1))
    body = await gql(writer, RESEND, tunnus=link.tunnus)
    assert body["errors"][0]["extensions"] == {"code": "LINK_EXPIRED", "field": "tunnus"}
    await Kyselylinkki.filter(id=link.id).update(vastattu_at=datetime.now(UTC))
    body = await gql(writer, RESEND, tunnus=link.tunnus)
    assert body["errors"][0]["extensions"] == {"code": "ALREADY_ANSWERED", "field": "tunnus"}
    assert await Toimitus.filter(kyselylinkki_id=link.id).count() == 2  # the refusals queued nothing


async def test_kyselylinkki_by_tunnus_needs_a_right_in_the_oppilaitos(setting: Setting, gql: Gql) -> None:
    _, link = await _sent_link(setting)
    query = "query($t: String!) { kyselylinkki(tunnus: $t) { kyselytyyppi rahoituskausi vastattu } }"
    body = await gql(await user_token(setting.koulutustoimija, RoleName.READ), query, t=link.tunnus)
    assert body["data"]["kyselylinkki"]["kyselytyyppi"] == "aloittaneet"
    other_kt, _ = await provider()
    body = await gql(await user_token(other_kt, RoleName.READ), query, t=link.tunnus)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(await user_token(setting.koulutustoimija, RoleName.READ), query, t="nope")
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "tunnus"}


async def test_upcoming_sends_say_what_and_why_without_changing_anything(setting: Setting, gql: Gql) -> None:
    day = TODAY + timedelta(days=3)
    await hoks_service.create_hoks(plan(setting, ensikertainen_hyvaksyminen=day), setting.writer(), TODAY)
    query = """query($kt: String!, $p: Date!) { upcomingSends(koulutustoimija: $kt, paiva: $p) {
      tunnus kyselytyyppi kanava tarkoitus osoite syy } }"""
    token = await user_token(setting.koulutustoimija, RoleName.READ)
    body = await gql(token, query, kt=setting.koulutustoimija.oid, p=day.isoformat())
    [item] = body["data"]["upcomingSends"]
    link = await Kyselylinkki.get()
    assert (item["tunnus"], item["kyselytyyppi"], item["kanava"], item["osoite"]) == (
        link.tunnus,
        "aloittaneet",
        "email",
        "aino@example.fi",
    )
    assert day.isoformat() in item["syy"]
    assert link.lahetyspvm is None and await Toimitus.all().count() == 0
    body = await gql(token, query, kt=setting.koulutustoimija.oid, p=(day - timedelta(days=1)).isoformat())
    assert body["data"]["upcomingSends"] == []


async def test_tyopaikkakysely_links_in_graphql_and_csv(setting: Setting, gql: Gql, client: httpx.AsyncClient) -> None:
    await hoks_service.create_hoks(plan(setting, jakso("j1", keskeytymisajanjaksot=())), setting.writer(), TODAY)

    from tortoise.transactions import in_transaction

    async with in_transaction():
        # jaksot ended 1.7.–31.12.2021
        [tunnus] = await generate_tyopaikkakysely(date(2022, 1, 3), datetime(2022, 1, 3, 9, tzinfo=UTC))
    token = await user_token(setting.koulutustoimija, RoleName.READ)
    query = """query($kt: String!) { tyopaikkakyselyt(koulutustoimija: $kt) {
      tyopaikanNimi jaksoja linkki { tunnus ytunnus vastausaikaAlku vastausaikaLoppu lahetyspvm } } }"""
    body = await gql(token, query, kt=setting.koulutustoimija.oid)
    [row] = body["data"]["tyopaikkakyselyt"]
    assert row == {
        "tyopaikanNimi": "Autokorjaamo Oy",
        "jaksoja": 1,
        "linkki": {
            "tunnus": tunnus,
            "ytunnus": "1572860-0",
            "vastausaikaAlku": "2022-01-01",
            "vastausaikaLoppu": "2022-02-28",
            "lahetyspvm": None,  # handed to the provider, never sent
        },
    }
    response = await client.get(
        "/tyopaikkakysely.csv",
        params={"koulutustoimija": setting.koulutustoimija.oid},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["ytunnus", "tyopaikan_nimi", "linkki"]
    assert lines[1].split(";")[:3] == ["1572860-0", "Autokorjaamo Oy", f"http://127.0.0.1:8000/v/{tunnus}"]
    assert (await client.get("/tyopaikkakysely.csv", params={"koulutustoimija": "x"})).status_code == 401


async def test_twilio_status_callback_needs_a_valid_signature(setting: Setting, client: httpx.AsyncClient) -> None:
    _, link = await _sent_link(setting)
    toimitus = await Toimitus.create(
        kyselylinkki=link,
        kanava=Kanava.SMS,
        tarkoitus="lahetys",
        osoite="+358401234567",
        tila=ToimitusTila.SENT,
        palvelun_tunnus="SM" + "9" * 32,
    )
    settings = Settings()
    url = f"{settings.public_base_url}/twilio/status"
    params = {"MessageSid": toimitus.palvelun_tunnus or "", "MessageStatus": "delivered"}
    forged = await client.post("/twilio/status", data=params, headers={"X-Twilio-Signature": "forged"})
    assert forged.status_code == 403
    assert (await Toimitus.get(id=toimitus.id)).tila == ToimitusTila.SENT
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, params)
    ok = await client.post("/twilio/status", data=params, headers={"X-Twilio-Signature": signature})
    assert ok.status_code == 204
    assert (await Toimitus.get(id=toimitus.id)).tila == ToimitusTila.DELIVERED
    failed = {**params, "MessageStatus": "undelivered", "ErrorCode": "30005"}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, failed)
    await client.post("/twilio/status", data=failed, headers={"X-Twilio-Signature": signature})
    stored = await Toimitus.get(id=toimitus.id)
    assert (stored.tila, stored.virhe) == (ToimitusTila.BOUNCED, "Twilio 30005")


async def test_resend_goes_to_exactly_one_address(setting: Setting, gql: Gql) -> None:
    """Issue 10 §6: `"a@x.fi, b@evil.example"` was accepted, two recipients for one learner's link."""
    _, link = await _sent_link(setting)
    writer = await user_token(setting.oppilaitos, RoleName.WRITE)
    for several in ("a@x.fi, b@evil.example", "a@x.fi;b@evil.example", "Aino <a@x.fi>", "a@x.fi\nBcc: b@evil.example"):
        body = await gql(writer, RESEND, tunnus=link.tunnus, sahkoposti=several)
        [error] = body["errors"]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID_EMAIL", "sahkoposti")
    assert await Toimitus.filter(kyselylinkki=link, tarkoitus__startswith="uudelleen").count() == 0
