"""The search keys behind `oppijat(haku:)` on PostgreSQL (models/sql_extras.HAKUAVAIMET_SQL): the triggers keep
them in step with every write that changes who may find a person, and install fills them for persons stored
before the triggers existed. A stale key would hide a person from the officials who may read them, or show
them to others."""

from __future__ import annotations

import pytest
from tortoise import connections

from models import sql_extras
from models.opiskeluoikeus import Opiskeluoikeus
from models.oppija import Kotikunta, Oppija
from models.organisation import Organisation, OrganisationTyyppi
from models.services import oppijahaku
from models.services.access import Principal
from models.services.organisations import ensure_organisation
from models.user import RoleName
from tests.factories import koski_doc, org_oid, provider
from tests.services.conftest import TODAY, principal, store

pytestmark = [pytest.mark.usefixtures("db"), pytest.mark.postgres_only]


async def _found(who: Principal, haku: str = "Avainen") -> list[str]:
    osumat, _ = await oppijahaku.search(who, oppijahaku.parse(haku), 20, None, TODAY)
    return [o.oid for o in osumat]


async def _person(kt: Organisation, ol: Organisation) -> Oppija:
    doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid)
    doc["henkilö"]["sukunimi"] = "Avainen"
    await store(doc)
    return await Oppija.get(oid=doc["henkilö"]["oid"])


async def test_a_study_right_moved_removed_or_its_oppilaitos_moved_moves_who_finds_the_person() -> None:
    kt, ol = await provider()
    other_kt, other_ol = await provider()
    mine, theirs = principal(kt, RoleName.READ), principal(other_kt, RoleName.READ)
    person = await _person(kt, ol)
    assert (await _found(mine), await _found(theirs)) == ([person.oid], [])

    await Opiskeluoikeus.filter(oppija_id=person.id).update(oppilaitos_id=other_ol.id)
    assert (await _found(mine), await _found(theirs)) == ([], [person.oid])

    await Organisation.filter(id=other_ol.id).update(path=f"{kt.path}{other_ol.oid}/", parent_id=kt.id)
    assert (await _found(mine), await _found(theirs)) == ([person.oid], [])

    await Opiskeluoikeus.filter(oppija_id=person.id).delete()
    assert (await _found(mine), await _found(theirs)) == ([], [])


async def test_kotikunta_periods_replaced_move_which_kunta_finds_the_person() -> None:
    kt, ol = await provider()
    helsinki = await ensure_organisation(org_oid(), OrganisationTyyppi.KUNTA, "Avainkunta", kuntakoodi="092")
    espoo = await ensure_organisation(org_oid(), OrganisationTyyppi.KUNTA, "Toinen avainkunta", kuntakoodi="049")
    hki, esp = principal(helsinki, RoleName.KUNTA_VALVOJA), principal(espoo, RoleName.KUNTA_VALVOJA)
    person = await _person(kt, ol)
    assert (await _found(hki), await _found(esp)) == ([], [])

    await Kotikunta.create(oppija_id=person.id, kuntakoodi="092", alku=TODAY.replace(year=2004))
    assert (await _found(hki), await _found(esp)) == ([person.oid], [])

    await Kotikunta.filter(oppija_id=person.id).update(kuntakoodi="049")
    assert (await _found(hki), await _found(esp)) == ([], [person.oid])

    await Kotikunta.filter(oppija_id=person.id).delete()
    assert (await _found(hki), await _found(esp)) == ([], [])


async def test_install_gives_keys_to_persons_stored_without_them() -> None:
    kt, ol = await provider()
    person = await _person(kt, ol)
    db = connections.get("default")
    await db.execute_query("UPDATE oppija SET hakuavaimet = '{}'")
    assert await _found(principal(kt, RoleName.READ)) == []

    await sql_extras.install(db, sql_extras.HAKUAVAIMET_SQL)
    assert await _found(principal(kt, RoleName.READ)) == [person.oid]
