"""A change that arrives through Koski's change feed runs the same save-time decisions as the other doors
(issue 11 §3): a study right Koski stops returning is voided as `voidOpiskeluoikeus` voids it, and one that
becomes valmistunut gets its päättökysely decision and link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from jobs.koski_client import KoskiClient
from models.audit import AuditEvent
from models.herate import Opiskelijaherate
from models.hoks import Hoks
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.opiskeluoikeus import Opiskeluoikeus
from models.services import hoks as hoks_service
from models.services.errors import NotFound
from models.services.koski_sync import SyncSummary, sync
from models.user import RoleName
from tests.factories import koski_doc, oppija_oid, provider
from tests.koski.standin import PASSWORD, USER, KoskiStandin, Serving
from tests.services.conftest import TODAY, Setting, plan


@pytest.fixture
def koski() -> Iterator[KoskiStandin]:
    standin = KoskiStandin()
    with Serving(standin):
        yield standin


def person(setting: Setting, *studies: dict[str, Any]) -> dict[str, Any]:
    """The person's /sure/oids document listing `studies` (koski_doc study rights without their henkilö)."""
    rights = [{k: v for k, v in oo.items() if k != "henkilö"} for oo in studies]
    return {"henkilö": studies[0]["henkilö"], "opiskeluoikeudet": rights}


async def synced(koski: KoskiStandin, today: date) -> SyncSummary:
    async with KoskiClient(koski.url, USER, PASSWORD, backoff_s=0.01) as client:
        return await sync(client, today=today)


async def learner_with_hoks(koski: KoskiStandin, *others: dict[str, Any]) -> Setting:
    """A learner mirrored from the feed with a HOKS on their study right (its aloituskysely link pending)."""
    kt, ol = await provider()
    setting = Setting(kt, ol, oppija_oid(), "")
    first = setting.doc()
    setting.oo_oid = first["oid"]
    koski.change(setting.oppija_oid, person(setting, first, *others), koski.now - timedelta(minutes=10))
    assert (await synced(koski, TODAY)).created == 1 + len(others)
    await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    return setting


async def test_a_study_right_gone_from_the_feed_is_voided_as_void_opiskeluoikeus_does(
    db: TortoiseContext, koski: KoskiStandin
) -> None:
    setting = await learner_with_hoks(koski)
    kept = koski_doc(
        oppija=setting.oppija_oid, koulutustoimija=setting.koulutustoimija.oid, oppilaitos=setting.oppilaitos.oid
    )
    hoks = await Hoks.get(opiskeluoikeus__oid=setting.oo_oid)
    pending = await Kyselylinkki.get(hoks_id=hoks.id, kyselytyyppi=Kyselytyyppi.ALOITTANEET)
    assert pending.peruttu_at is None

    koski.now += timedelta(minutes=5)
    koski.change(setting.oppija_oid, person(setting, kept))  # Koski answers without the HOKS's study right
    summary = await synced(koski, date(2021, 9, 10))
    assert (summary.created, summary.voided) == (1, 1)

    oo = await Opiskeluoikeus.get(oid=setting.oo_oid)
    assert oo.mitatoity and oo.mitatoinnin_syy == "koski"
    await pending.refresh_from_db()
    assert pending.peruttu_at is not None and pending.peruutuksen_syy == "opiskeluoikeus_mitatoity"
    with pytest.raises(NotFound):  # hidden from every view
        await hoks_service.load_visible_hoks(hoks.id, setting.writer(), RoleName.WRITE)
    assert await AuditEvent.filter(action="void", entity_id=setting.oo_oid).count() == 1
    assert not (await Opiskeluoikeus.get(oid=kept["oid"])).mitatoity


async def test_a_person_koski_no_longer_returns_has_the_hoks_links_cancelled(
    db: TortoiseContext, koski: KoskiStandin
) -> None:
    setting = await learner_with_hoks(koski)
    koski.now += timedelta(minutes=5)
    koski.change(setting.oppija_oid, None)  # every study right voided in Koski: the person is not returned
    assert (await synced(koski, date(2021, 9, 10))).voided == 1
    assert (await Opiskeluoikeus.get(oid=setting.oo_oid)).mitatoity
    link = await Kyselylinkki.get(hoks__opiskeluoikeus__oid=setting.oo_oid)
    assert link.peruutuksen_syy == "opiskeluoikeus_mitatoity"


async def test_valmistunut_through_the_feed_makes_the_paattokysely_link(
    db: TortoiseContext, koski: KoskiStandin
) -> None:
    setting = await learner_with_hoks(koski)
    hoks = await Hoks.get(opiskeluoikeus__oid=setting.oo_oid)
    assert not await Kyselylinkki.exists(hoks_id=hoks.id, kyselytyyppi=Kyselytyyppi.TUTKINNON_SUORITTANEET)

    valmis = setting.doc(
        versio=2, tilat=[("2021-08-01", "lasna"), ("2021-11-20", "valmistunut")], vahvistus="2021-11-20"
    )
    koski.now += timedelta(minutes=5)
    koski.change(setting.oppija_oid, person(setting, valmis))
    assert (await synced(koski, date(2021, 11, 22))).updated == 1

    link = await Kyselylinkki.get(hoks_id=hoks.id, kyselytyyppi=Kyselytyyppi.TUTKINNON_SUORITTANEET)
    assert (link.heratepvm, link.tutkinto_koodi, link.peruttu_at) == (date(2021, 11, 20), "351301", None)
    herate = await Opiskelijaherate.get(hoks_id=hoks.id, vaihe="paatto")
    assert herate.kyselylinkki_id == link.id  # type: ignore[attr-defined]

    koski.now += timedelta(minutes=5)
    koski.change(setting.oppija_oid, person(setting, valmis))  # listed again, same version: nothing new
    assert (await synced(koski, date(2021, 11, 23))).unchanged == 1
    assert await Kyselylinkki.filter(hoks_id=hoks.id, kyselytyyppi=Kyselytyyppi.TUTKINNON_SUORITTANEET).count() == 1
