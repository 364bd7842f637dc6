"""Hakeutumisen valvonta (DOMAIN.md §6.3): yhteishaku results, the warning that clears on an active OO, Muu haku."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from models.organisation import Organisation
from models.services.haku import import_lines
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import oo_oid, oppija_oid, provider, user_token
from tests.valpas.builders import TODAY, days, henkilo_doc, suoritus, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

LIST = """query($ol: String!) { hakeutumisvalvonta(oppilaitos: $ol) { edges { node {
  oppijaOid saiPaikan varoitus varoitusReason { code } muuHaku suorittaa
  hakemukset { hakuNimi hakutoiveet { hakukohde valintatila } } } } } }"""
MUU_HAKU = (
    "mutation($o: String!, $ol: String!, $m: Boolean!) { markMuuHaku(oppijaOid: $o, oppilaitos: $ol, muuHaku: $m) }"
)


def hakemus(oppija: str, valintatila: str, muokattu: str = "2026-06-20T12:00:00+03:00", **extra: Any) -> str:
    return json.dumps(
        {
            "oid": f"1.2.246.562.11.{abs(hash(oppija)) % 10**11:011d}",
            "oppijaOid": oppija,
            "haku": {"oid": "1.2.246.562.29.00000000001", "nimi": "Yhteishaku 2026", "tyyppi": "yhteishaku"},
            "muokattu": muokattu,
            "hakutoiveet": [{"hakukohde": "Lukio, yleislinja", "valintatila": valintatila}],
            **extra,
        }
    )


async def ninth_grader(ol: Organisation, kt: Organisation) -> str:
    return await tallenna(
        henkilo_doc(
            ol,
            kt,
            syntymaaika=years_ago(16),
            tilat=[(years_ago(9, 8, 1), "lasna"), (days(-30), "valmistunut")],
            suoritukset=[
                suoritus("perusopetuksenvuosiluokka", koodi="9"),
                suoritus("perusopetuksenoppimaara", days(-30)),
            ],
        )
    )


async def test_no_place_warning_clears_once_an_active_oo_exists(gql: Gql) -> None:
    kt, ol = await provider()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    oppija = await ninth_grader(ol, kt)
    summary = await import_lines([hakemus(oppija, "HYLATTY")])
    assert (summary.accepted, summary.refused) == (1, [])
    row = (await gql(valvoja, LIST, ol=ol.oid))["data"]["hakeutumisvalvonta"]["edges"][0]["node"]
    assert (row["oppijaOid"], row["saiPaikan"], row["varoitus"]) == (oppija, False, True)
    assert row["varoitusReason"]["code"] == "no_place_in_yhteishaku"
    assert row["hakemukset"] == [
        {"hakuNimi": "Yhteishaku 2026", "hakutoiveet": [{"hakukohde": "Lukio, yleislinja", "valintatila": "HYLATTY"}]}
    ]
    _, jatko = await provider()
    await tallenna(
        henkilo_doc(
            jatko,
            kt,
            oppija=oppija,
            syntymaaika=years_ago(16),
            tyyppi="ammatillinenkoulutus",
            oo=oo_oid(),
            tilat=[(days(0), "lasna")],
        )
    )
    row = (await gql(valvoja, LIST, ol=ol.oid))["data"]["hakeutumisvalvonta"]["edges"][0]["node"]
    assert (row["varoitus"], row["varoitusReason"]["code"], row["suorittaa"]) == (False, "active_opiskeluoikeus", True)


async def test_a_newer_result_replaces_the_stored_one_and_older_is_refused(gql: Gql) -> None:
    kt, ol = await provider()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    oppija = await ninth_grader(ol, kt)
    await import_lines([hakemus(oppija, "KESKEN", "2026-06-01T12:00:00+03:00")])
    assert (await gql(valvoja, LIST, ol=ol.oid))["data"]["hakeutumisvalvonta"]["edges"][0]["node"]["saiPaikan"] is None
    newer = await import_lines([hakemus(oppija, "HYVAKSYTTY", "2026-06-20T12:00:00+03:00")])
    older = await import_lines([hakemus(oppija, "HYLATTY", "2026-06-10T12:00:00+03:00")])
    assert newer.accepted == 1 and older.refused[0][1].startswith("muokattu:")
    row = (await gql(valvoja, LIST, ol=ol.oid))["data"]["hakeutumisvalvonta"]["edges"][0]["node"]
    assert (row["saiPaikan"], row["varoitus"], row["varoitusReason"]["code"]) == (
        True,
        False,
        "got_place_in_yhteishaku",
    )


async def test_import_refuses_other_hakus_and_unknown_people() -> None:
    unknown = oppija_oid()
    summary = await import_lines(
        [
            hakemus(unknown, "HYLATTY"),
            hakemus(unknown, "HYLATTY", haku={"oid": "x", "nimi": "Jatkuva", "tyyppi": "jatkuva"}),
            "{not json",
        ]
    )
    assert summary.accepted == 0
    assert [n for n, _ in summary.refused] == [1, 2, 3]
    assert "not found" in summary.refused[0][1] and "haku.tyyppi" in summary.refused[1][1]


async def test_muu_haku_is_this_providers_own_note(gql: Gql) -> None:
    kt, ol = await provider()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    oppija = await ninth_grader(ol, kt)
    _, other = await provider()
    await tallenna(
        henkilo_doc(
            other,
            kt,
            oppija=oppija,
            syntymaaika=years_ago(16),
            oo=oo_oid(),
            tilat=[(years_ago(2), "lasna"), (days(-40), "valmistunut")],
            suoritukset=[suoritus("perusopetuksenoppimaara")],
        )
    )
    other_valvoja = await user_token(other, RoleName.VALVOJA_HAKEUTUMINEN)
    assert (await gql(valvoja, MUU_HAKU, o=oppija, ol=ol.oid, m=True))["data"]["markMuuHaku"] is True
    assert (await gql(valvoja, LIST, ol=ol.oid))["data"]["hakeutumisvalvonta"]["edges"][0]["node"]["muuHaku"] is True
    assert (await gql(other_valvoja, LIST, ol=other.oid))["data"]["hakeutumisvalvonta"]["edges"][0]["node"][
        "muuHaku"
    ] is False
    assert (await gql(valvoja, MUU_HAKU, o=oppija, ol=ol.oid, m=False))["data"]["markMuuHaku"] is False
    assert (await gql(valvoja, LIST, ol=ol.oid))["data"]["hakeutumisvalvonta"]["edges"][0]["node"]["muuHaku"] is False


@pytest.mark.parametrize("role", [RoleName.VALVOJA_SUORITTAMINEN, RoleName.VALVOJA_MAKSUTTOMUUS, RoleName.READ])
async def test_only_the_hakeutumisen_valvoja_reads_and_marks(gql: Gql, role: RoleName) -> None:
    kt, ol = await provider()
    oppija = await ninth_grader(ol, kt)
    token = await user_token(ol, role)
    assert (await gql(token, LIST, ol=ol.oid))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(token, MUU_HAKU, o=oppija, ol=ol.oid, m=True))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_valvoja_cannot_mark_another_schools_pupil(gql: Gql) -> None:
    kt, ol = await provider()
    oppija = await ninth_grader(ol, kt)
    _, other = await provider()
    token = await user_token(other, RoleName.VALVOJA_HAKEUTUMINEN)
    assert (await gql(token, MUU_HAKU, o=oppija, ol=other.oid, m=True))["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"


async def test_the_list_follows_the_window_and_nivelvaihe(gql: Gql) -> None:
    """The rule's window through the service: an end last July is gone, a younger pupil who left is not
    followed, a tuva pupil present today is (DOMAIN.md §6.3)."""
    kt, ol = await provider()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    recent = await ninth_grader(ol, kt)
    long_ago = date(TODAY.year - 1, 7, 4)
    for loppu, tila in ((long_ago, "valmistunut"), (days(-10), "eronnut")):
        await tallenna(
            henkilo_doc(
                ol,
                kt,
                syntymaaika=years_ago(16),
                tilat=[(years_ago(9, 8, 1), "lasna"), (loppu, tila)],
                suoritukset=[suoritus("perusopetuksenvuosiluokka", koodi="9")],
            )
        )
    tuva = await tallenna(
        henkilo_doc(ol, kt, syntymaaika=years_ago(16), tyyppi="tuva", tilat=[(days(-20), "lasna")], oo=oo_oid())
    )
    body = await gql(
        valvoja,
        "query($ol: String!) { hakeutumisvalvonta(oppilaitos: $ol) { edges { node { "
        "oppijaOid listedUntil listedReason { code } } } } }",
        ol=ol.oid,
    )
    rows = {e["node"]["oppijaOid"]: e["node"] for e in body["data"]["hakeutumisvalvonta"]["edges"]}
    assert set(rows) == {recent, tuva}
    assert rows[tuva]["listedUntil"] is None and rows[tuva]["listedReason"]["code"] == "hakeutumisvalvonta_lasna"
    assert rows[recent]["listedReason"]["code"] == "hakeutumisvalvonta_ended_within_window"
    assert date.fromisoformat(rows[recent]["listedUntil"]) >= TODAY
