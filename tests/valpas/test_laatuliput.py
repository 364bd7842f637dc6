"""The stored data-quality flags follow the data (issue 16.1 speed): set and cleared by every write path that
changes what the rule reads (a study right's tila and suoritus rows, the person's birth date), and filled in
for rows written around those paths."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from models.opiskeluoikeus import Opiskeluoikeus
from models.organisation import Organisation
from models.rules.koski import read_document
from models.services.access import SYSTEM
from models.services.koski import save_oppija
from models.services.koski_batch import mirror_batch
from models.services.valpas.laatuliput import merkitse_kaikki
from tests.factories import oo_oid, oppija_oid, provider
from tests.valpas.builders import henkilo_doc, suoritus, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

ALKU = years_ago(9, 8, 1)


async def stored(oo: str) -> str | None:
    return (await Opiskeluoikeus.get(oid=oo)).laatuongelmat


def person_doc(oppija: str, syntymaaika: date | None, rights: list[dict[str, Any]]) -> dict[str, Any]:
    """An Oppija document (the person with the whole list of study rights), as Koski's feed gives it."""
    henkilo = dict(rights[0]["henkilö"])
    henkilo.pop("syntymäaika")
    if syntymaaika is not None:
        henkilo["syntymäaika"] = syntymaaika.isoformat()
    return {"henkilö": henkilo, "opiskeluoikeudet": [{k: v for k, v in r.items() if k != "henkilö"} for r in rights]}


def right(ol: Organisation, kt: Organisation, oppija: str, oo: str, versio: int = 1, **kw: Any) -> dict[str, Any]:
    return henkilo_doc(ol, kt, oppija=oppija, oo=oo, versio=versio, syntymaaika=years_ago(16), **kw)


async def test_a_save_sets_and_a_newer_version_clears_the_tila_and_early_mark_flags() -> None:
    kt, ol = await provider()
    oppija, oo = oppija_oid(), oo_oid()
    no_tilat = right(ol, kt, oppija, oo)
    no_tilat["tila"]["opiskeluoikeusjaksot"] = []
    await tallenna(no_tilat)
    assert await stored(oo) == "tilat_puuttuvat"
    early = years_ago(3, 6, 1)  # at 13
    await tallenna(
        right(
            ol,
            kt,
            oppija,
            oo,
            versio=2,
            tilat=[(ALKU, "lasna"), (early, "valmistunut")],
            suoritukset=[suoritus("perusopetuksenoppimaara", early)],
        )
    )
    assert await stored(oo) == "perusopetus_valmistunut_ennen_15v"
    await tallenna(right(ol, kt, oppija, oo, versio=3, tilat=[(ALKU, "lasna")]))
    assert await stored(oo) is None


async def test_a_person_save_with_a_birth_date_clears_the_flag_on_every_study_right() -> None:
    kt, ol = await provider()
    oppija, first, second = oppija_oid(), oo_oid(), oo_oid()
    rights = [right(ol, kt, oppija, first), right(ol, kt, oppija, second)]
    unknown = read_document(person_doc(oppija, None, rights)).oppija
    assert unknown is not None
    await save_oppija(unknown, SYSTEM)
    assert [await stored(first), await stored(second)] == ["syntymaaika_puuttuu"] * 2
    known = read_document(person_doc(oppija, years_ago(16), rights)).oppija  # same versions: only the person
    assert known is not None
    await save_oppija(known, SYSTEM, mirror=True)
    assert [await stored(first), await stored(second)] == [None, None]


async def test_the_koski_feeds_batch_sets_and_clears_flags() -> None:
    kt, ol = await provider()
    oppija, oo = oppija_oid(), oo_oid()
    without = right(ol, kt, oppija, oo)
    without["tila"]["opiskeluoikeusjaksot"] = []
    docs = [read_document(person_doc(oppija, None, [without])).oppija]
    results, rest = await mirror_batch([d for d in docs if d], SYSTEM, years_ago(0))
    assert (len(results), rest) == (1, [])
    assert await stored(oo) == "syntymaaika_puuttuu,tilat_puuttuvat"
    fixed = read_document(person_doc(oppija, years_ago(16), [right(ol, kt, oppija, oo, versio=2)])).oppija
    assert fixed is not None
    results, rest = await mirror_batch([fixed], SYSTEM, years_ago(0))
    assert (len(results), rest) == (1, [])
    assert await stored(oo) is None


async def test_rows_written_around_the_write_paths_get_their_flags_from_the_backfill() -> None:
    kt, ol = await provider()
    oppija, oo = oppija_oid(), oo_oid()
    without = right(ol, kt, oppija, oo)
    without["tila"]["opiskeluoikeusjaksot"] = []
    await tallenna(without)
    await Opiskeluoikeus.filter(oid=oo).update(laatuongelmat=None)  # as a bulk load leaves it
    assert await merkitse_kaikki() == 1
    assert await stored(oo) == "tilat_puuttuvat"
    assert await merkitse_kaikki() == 0
