"""The person merge (issue 11 §1): a person known only by OID is stored with what is known, stored details are
never blanked, and what is missing stays visible as a data-quality item."""

from __future__ import annotations

from datetime import date

from tortoise.context import TortoiseContext

from models.oppija import Oppija
from models.rules.koski import read_document
from models.services.access import SYSTEM
from models.services.koski import save_oppija
from tests.factories import koski_doc, org_oid


async def _save(doc: dict[str, object]) -> None:
    luettu = read_document(doc)
    assert luettu.oppija is not None, luettu.errors
    await save_oppija(luettu.oppija, SYSTEM)


async def test_details_are_merged_and_missing_ones_listed(db: TortoiseContext) -> None:
    oo = koski_doc(koulutustoimija=org_oid(), oppilaitos=org_oid())
    henkilo = oo.pop("henkilö")
    await _save({"henkilö": {"oid": henkilo["oid"]}, "opiskeluoikeudet": [oo]})
    stored = await Oppija.get(oid=henkilo["oid"])
    assert (stored.etunimet, stored.syntymaaika) == ("", None)
    assert stored.puuttuvat_tiedot == ["etunimet", "sukunimi", "syntymaaika"]

    await _save({"henkilö": {**henkilo, "syntymäaika": None, "hetu": "060504A123N"}, "opiskeluoikeudet": [oo]})
    stored = await Oppija.get(oid=henkilo["oid"])
    assert (stored.etunimet, stored.syntymaaika, stored.puuttuvat_tiedot) == ("Aino Maria", date(2004, 5, 6), None)

    updated_at = stored.updated_at
    await _save({"henkilö": {"oid": henkilo["oid"]}, "opiskeluoikeudet": [oo]})
    kept = await Oppija.get(oid=henkilo["oid"])
    assert (kept.etunimet, kept.sukunimi, kept.hetu) == ("Aino Maria", "Virtanen", "060504A123N")
    assert kept.updated_at == updated_at  # nothing new: nothing written
