"""eHOKS documents through the HOKS service (models/services/ehoks.py): stored and exported back on the real
database, decided on like any plan, refused with a clear error when Koski has not sent the study right."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from models.audit import AuditEvent
from models.herate import Tyopaikkajaksoherate
from models.hoks import Hankkimistapa
from models.kyselylinkki import Kyselytyyppi, NippuJasen
from models.services.access import SYSTEM
from models.services.ehoks import export_ehoks, import_ehoks
from models.services.errors import DomainError, NotFound, ValidationFailed
from models.services.tyoelama import bundle_due
from tests.ehoks_documents import CORPUS_MISSING, comparable, corpus, load, own, without_generated
from tests.factories import koski_doc, provider
from tests.services.conftest import store

TODAY = date(2026, 11, 28)


async def _mirror(doc: dict) -> None:  # type: ignore[type-arg]
    """The study right the HOKS belongs to, as Koski would have sent it before."""
    kt, ol = await provider()
    await store(
        koski_doc(oo=doc["opiskeluoikeus-oid"], oppija=doc["oppija-oid"], koulutustoimija=kt.oid, oppilaitos=ol.oid)
    )


async def _round_trip(path: Path) -> None:
    doc = load(path)
    await _mirror(doc)
    imported = await import_ehoks(doc, SYSTEM, TODAY)
    assert imported.created
    exported = await export_ehoks(doc["opiskeluoikeus-oid"], SYSTEM)
    assert comparable(without_generated(exported, doc)) == comparable(doc)
    again = await import_ehoks(exported, SYSTEM, TODAY)  # eHOKS sends the whole plan again: same HOKS, same jaksot
    assert (again.hoks_id, again.created) == (imported.hoks_id, False)
    assert await export_ehoks(doc["opiskeluoikeus-oid"], SYSTEM) == exported


@pytest.mark.parametrize("path", own(), ids=lambda p: p.name)
async def test_own_fixture_is_stored_and_exported_back(db: TortoiseContext, path: Path) -> None:
    await _round_trip(path)


@pytest.mark.skipif(not corpus(), reason=CORPUS_MISSING)
@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
async def test_every_real_document_is_stored_and_exported_back(db: TortoiseContext, path: Path) -> None:
    await _round_trip(path)


async def test_a_jakso_under_a_yhteinen_osa_alue_is_decided_on_like_any_other(db: TortoiseContext) -> None:
    doc = load(own()[0])
    await _mirror(doc)
    await import_ehoks(doc, SYSTEM, TODAY)
    jaksot = {h.yksiloiva_tunniste: h for h in await Hankkimistapa.all().prefetch_related("tutkinnon_osa")}
    yhteinen = jaksot["yhteinen-1"]
    assert (yhteinen.tutkinnon_osa.tyyppi, yhteinen.tutkinnon_osa.osa_alue_koodi) == (
        "yhteinen",
        "ammatillisenoppiaineet_vvai",
    )
    decisions = {d.hankkimistapa_id: d for d in await Tyopaikkajaksoherate.all()}  # type: ignore[attr-defined]
    assert set(decisions) == {jaksot["yhteinen-1"].id, jaksot["ammat-2"].id}  # the two työpaikkajaksot
    # each goes to the instructor on the send day after it ends (DOMAIN.md §4.1): 9.10. → 16.10., 14.1. → 16.1.
    assert (decisions[yhteinen.id].heratepvm, decisions[yhteinen.id].syy) == (date(2026, 10, 16), None)
    assert (decisions[jaksot["ammat-2"].id].heratepvm, decisions[jaksot["ammat-2"].id].syy) == (date(2027, 1, 16), None)


async def test_an_unmirrored_study_right_is_refused_by_name(db: TortoiseContext) -> None:
    doc = load(own()[0])
    with pytest.raises(NotFound) as e:
        await import_ehoks(doc, SYSTEM, TODAY)
    assert (e.value.code, e.value.field) == ("NOT_FOUND", "opiskeluoikeus_oid")


async def test_a_malformed_document_is_refused_with_its_paths_and_nothing_stored(db: TortoiseContext) -> None:
    doc = load(own()[0])
    await _mirror(doc)
    doc["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]["loppu"] = "ei päivä"
    with pytest.raises(ValidationFailed) as e:
        await import_ehoks(doc, SYSTEM, TODAY)
    path = "hankittavat-ammat-tutkinnon-osat[0].osaamisen-hankkimistavat[0].loppu"
    assert [err.field for err in e.value.errors] == [path]
    assert await Hankkimistapa.all().count() == 0


async def test_export_is_an_audited_read(db: TortoiseContext) -> None:
    doc = load(own()[0])
    await _mirror(doc)
    await import_ehoks(doc, SYSTEM, TODAY)
    await export_ehoks(doc["opiskeluoikeus-oid"], SYSTEM)
    read = await AuditEvent.filter(action="read", entity="hoks").get()
    assert read.oppija_oid == doc["oppija-oid"]
    with pytest.raises(DomainError):
        await export_ehoks("1.2.246.562.15.99999999999", SYSTEM)


async def test_a_jakso_under_a_yhteinen_osa_alue_is_bundled_for_its_instructor(db: TortoiseContext) -> None:
    doc = load(own()[0])
    await _mirror(doc)
    await import_ehoks(doc, SYSTEM, date(2026, 10, 1))
    async with in_transaction():
        sent = await bundle_due(date(2026, 10, 16), datetime(2026, 10, 16, 9, tzinfo=UTC))
    jakso = await Hankkimistapa.get(yksiloiva_tunniste="yhteinen-1")
    member = await NippuJasen.get(hankkimistapa_id=jakso.id).prefetch_related("kyselylinkki")
    assert member.kyselylinkki.kyselytyyppi == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY
    assert len(sent) == 1  # the ammatillinen jakso ends in January and waits for its own send day
