"""A batch of the change feed stored together (issue 11 §6), deciding as `save_oppija` does one by one, and a
refused document still that document's refusal (§2)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from tortoise import connections
from tortoise.context import TortoiseContext

from jobs.koski_client import KoskiClient
from models.audit import AuditEvent
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.rules.koski import KoskiOpiskeluoikeus, KoskiOppija, read_document
from models.services.access import SYSTEM
from models.services.koski import save_opiskeluoikeus, save_oppija
from models.services.koski_batch import mirror_batch
from models.services.koski_sync import sync
from tests.factories import koski_doc, oppija_oid, provider
from tests.koski.standin import PASSWORD, USER, KoskiStandin, Serving


def person(*studies: dict[str, Any], **henkilo: Any) -> dict[str, Any]:
    """An Oppija document of koski_doc study rights (all of one person)."""
    return {
        "henkilö": {**studies[0]["henkilö"], **henkilo},
        "opiskeluoikeudet": [{k: v for k, v in oo.items() if k != "henkilö"} for oo in studies],
    }


def read(doc: dict[str, Any]) -> KoskiOppija:
    luettu = read_document(doc)
    assert luettu.oppija is not None, luettu.errors
    return luettu.oppija


async def test_a_batch_decides_each_document_as_one_by_one(db: TortoiseContext) -> None:
    kt, ol = await provider()
    orgs = {"koulutustoimija": kt.oid, "oppilaitos": ol.oid}
    a, b, c = oppija_oid(), oppija_oid(), oppija_oid()
    a1 = koski_doc(oppija=a, vahvistus="2021-11-20", **orgs)
    a2, b1 = koski_doc(oppija=a, **orgs), koski_doc(oppija=b, versio=3, **orgs)
    await save_oppija(read(person(a1, a2)), SYSTEM, date(2021, 9, 1), mirror=True)
    await save_oppija(read(person(b1)), SYSTEM, date(2021, 9, 1), mirror=True)
    arrived = await PaatasonSuoritus.get(opiskeluoikeus__oid=a1["oid"]).values_list("vahvistus_tallennettu", flat=True)
    audited = await AuditEvent.all().count()

    newer = koski_doc(
        oo=a1["oid"], oppija=a, versio=2, tilat=[("2021-08-01", "lasna"), ("2021-11-20", "valmistunut")],
        vahvistus="2021-11-20", **orgs,
    )  # fmt: skip
    older = koski_doc(oo=b1["oid"], oppija=b, versio=2, tilat=[("2021-08-01", "eronnut")], **orgs)
    voided = koski_doc(oppija=c, tilat=[("2021-08-01", "lasna"), ("2021-08-02", "mitatoity")], **orgs)
    kotikunnat = [{"kotikunta": "091", "alku": "2004-05-06"}]
    docs = [
        person(newer, sukunimi="Korhonen", kotikuntahistoria=kotikunnat),  # a2 no longer listed
        person(older),
        person(voided, koski_doc(oppija=c, **orgs)),
    ]
    results, rest = await mirror_batch([read(d) for d in docs], SYSTEM, date(2021, 11, 22))

    assert rest == []
    assert [(r.created, r.updated, r.unchanged, r.voided) for r in results] == [
        ([], [a1["oid"]], [], [a2["oid"]]),
        ([], [], [b1["oid"]], []),
        ([voided["oid"], docs[2]["opiskeluoikeudet"][1]["oid"]], [], [], []),
    ]
    tilat = (
        await OpiskeluoikeudenTila.filter(opiskeluoikeus__oid=a1["oid"]).order_by("alku").values_list("tila", flat=True)
    )
    assert tilat == ["lasna", "valmistunut"]
    suoritus = await PaatasonSuoritus.get(opiskeluoikeus__oid=a1["oid"])
    assert (suoritus.vahvistus, suoritus.vahvistus_tallennettu) == (date(2021, 11, 20), arrived)  # first arrival kept
    assert (await Opiskeluoikeus.get(oid=b1["oid"])).versio == 3  # an older version changes nothing
    stored = {oo.oid: (oo.mitatoity, oo.mitatoinnin_syy) for oo in await Opiskeluoikeus.all()}
    assert stored[a2["oid"]] == (True, "koski") and stored[voided["oid"]] == (True, "koski")
    oppija = await Oppija.get(oid=a)
    assert (oppija.sukunimi, oppija.etunimet) == ("Korhonen", "Aino Maria")
    assert await Kotikunta.filter(oppija=oppija).values_list("kuntakoodi", "alku") == [("091", date(2004, 5, 6))]
    assert (await Oppija.get(oid=c)).puuttuvat_tiedot is None
    # an update and two creations, and two voids
    assert await AuditEvent.all().count() - audited == 3 + 2
    assert await AuditEvent.filter(action="update", entity_id=a1["oid"]).count() == 1


async def test_what_the_batch_does_not_decide_alone_goes_one_by_one(db: TortoiseContext) -> None:
    kt, ol = await provider()
    orgs = {"koulutustoimija": kt.oid, "oppilaitos": ol.oid}
    shared = koski_doc(oppija=oppija_oid(), **orgs)
    claimed = koski_doc(oo=shared["oid"], oppija=oppija_oid(), **orgs)  # the same study right, another person
    long_code = koski_doc(oppija=oppija_oid(), tyyppi="x" * 300, **orgs)
    long_hetu = koski_doc(oppija=oppija_oid(), **orgs)
    plain = koski_doc(oppija=oppija_oid(), **orgs)
    docs = [read(person(d)) for d in (shared, claimed, long_code)]
    docs += [read(person(long_hetu, hetu="060504A123NN")), read(person(plain))]
    results, rest = await mirror_batch(docs, SYSTEM, date(2021, 9, 1))
    assert [r.oppija_oid for r in results] == [plain["henkilö"]["oid"]]
    assert rest == docs[:4]
    assert await Opiskeluoikeus.filter(oid=plain["oid"]).exists()
    assert not await Opiskeluoikeus.filter(oid__in=[shared["oid"], long_code["oid"], long_hetu["oid"]]).exists()


@pytest.mark.postgres_only
async def test_a_database_error_in_a_batch_is_that_documents_refusal(db: TortoiseContext) -> None:
    kt, ol = await provider()
    orgs = {"koulutustoimija": kt.oid, "oppilaitos": ol.oid}
    docs = [koski_doc(oppija=oppija_oid(), **orgs) for _ in range(3)]
    await connections.get("default").execute_script(
        f"""
        CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.oid = '{docs[1]["oid"]}' THEN RAISE EXCEPTION 'refused by the test'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_one BEFORE INSERT ON opiskeluoikeus FOR EACH ROW EXECUTE FUNCTION refuse_one();
        """
    )
    koski = KoskiStandin()
    for d in docs:
        koski.change(d["henkilö"]["oid"], person(d), koski.now - timedelta(minutes=10))
    with Serving(koski):
        async with KoskiClient(koski.url, USER, PASSWORD, backoff_s=0.01) as client:
            summary = await sync(client, today=date(2021, 9, 1))
    assert [oid for oid, _ in summary.refused] == [docs[1]["henkilö"]["oid"]]
    assert "refused by the test" in summary.refused[0][1]
    assert summary.created == 2
    assert set(await Opiskeluoikeus.all().values_list("oid", flat=True)) == {docs[0]["oid"], docs[2]["oid"]}
    assert not await Oppija.filter(oid=docs[1]["henkilö"]["oid"]).exists()  # its transaction rolled back whole


@pytest.mark.postgres_only
async def test_a_batch_racing_save_opiskeluoikeus_keeps_the_newest_version(
    db: TortoiseContext, caplog: pytest.LogCaptureFixture
) -> None:
    """The feed brings version 2 of learners' study rights (and a new one each) while saveOpiskeluoikeus stores
    version 3 of them, started the moment the batch's documents arrive: version 3 stays, nothing is refused,
    and as both lock the person before the study right, no deadlock rolls the batch back."""
    kt, ol = await provider()
    orgs = {"koulutustoimija": kt.oid, "oppilaitos": ol.oid}
    koski = KoskiStandin()
    newest: dict[str, KoskiOpiskeluoikeus] = {}  # person OID → version 3 of their first study right
    for _ in range(RACES):
        first = koski_doc(oppija=oppija_oid(), **orgs)
        await save_oppija(read(person(first)), SYSTEM, date(2021, 9, 1), mirror=True)
        oid = first["henkilö"]["oid"]
        feed = person(koski_doc(oo=first["oid"], oppija=oid, versio=2, **orgs), koski_doc(oppija=oid, **orgs))
        koski.change(oid, feed, koski.now - timedelta(minutes=10))
        newest[oid] = read(person(koski_doc(oo=first["oid"], oppija=oid, versio=3, **orgs))).opiskeluoikeudet[0]
    racers: list[asyncio.Task[object]] = []

    async def save_later(i: int, oo: KoskiOpiskeluoikeus) -> object:
        await asyncio.sleep(i * STAGGER_S)  # spread over the batch's life: some arrive while it holds its locks
        return await save_opiskeluoikeus(oo, SYSTEM, date(2021, 9, 1))

    class Racing(KoskiClient):
        async def oppijat(self, oids: list[str]) -> list[Any]:
            answer = await super().oppijat(oids)
            racers.extend(asyncio.create_task(save_later(i, newest[oid])) for i, oid in enumerate(oids))
            return answer

    with Serving(koski):
        async with Racing(koski.url, USER, PASSWORD, backoff_s=0.01) as client:
            summary = await sync(client, today=date(2021, 9, 1))
    await asyncio.gather(*racers)
    assert summary.refused == [] and summary.oppijat == RACES
    assert "stored one by one" not in caplog.text
    for oo in newest.values():
        assert await Opiskeluoikeus.get(oid=oo.oid).values_list("versio", flat=True) == 3
    assert await Opiskeluoikeus.all().count() == 2 * RACES


RACES = 16
STAGGER_S = 0.01
