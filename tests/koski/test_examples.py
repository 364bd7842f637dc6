"""Every document Koski serves is accepted (issue 11 §1, §5): Koski's 77 examples and the project's own
fixtures, in each shape (Oppija document, /sure/oids list, single study right). Only Koski's recorded failed
transfers may be refused, and nothing may crash."""

from __future__ import annotations

import re

import pytest
from tortoise.context import TortoiseContext

from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Oppija
from models.services.importer import import_lines
from tests.koski.documents import CORPUS_MISSING, FAILED_TRANSFER, Example, corpus, own, shaped

SHAPES = ["oppija", "sure", "opiskeluoikeus"]


async def _import_all(examples: list[Example], shape: str) -> tuple[int, set[str]]:
    """Import every example in `shape`; the count accepted and the names of the refused examples."""
    lines, names = shaped(examples, shape)
    summary = await import_lines(lines)
    refused = set()
    for line_no, reason in summary.refused:
        line_names = names[line_no - 1]
        m = re.match(r"\[(\d+)\] ", reason)
        refused.add(line_names[int(m.group(1))] if m else line_names[0])
        print(f"refused: {refused} {reason}")
    return summary.accepted, refused


async def _check(examples: list[Example], shape: str) -> int:
    accepted, refused = await _import_all(examples, shape)
    assert {name for name in refused if not name.startswith(FAILED_TRANSFER)} == set()
    kept = [e for e in examples if e.name not in refused]
    stored = set(await Opiskeluoikeus.all().values_list("oid", flat=True))
    assert stored == {oid for e in kept for oid in e.oo_oids}
    assert accepted == len(stored)
    # every code is kept as Koski gave it
    for e in kept:
        for oo in e.oppija["opiskeluoikeudet"]:
            row = await Opiskeluoikeus.get(oid=oo["oid"])
            assert row.tyyppi == oo["tyyppi"]["koodiarvo"]
            tilat = await OpiskeluoikeudenTila.filter(opiskeluoikeus=row).order_by("id").values_list("tila", flat=True)
            assert tilat == [j["tila"]["koodiarvo"] for j in oo["tila"]["opiskeluoikeusjaksot"]]
            koodit = await PaatasonSuoritus.filter(opiskeluoikeus=row).order_by("id").values_list("tyyppi", flat=True)
            assert koodit == [s["tyyppi"]["koodiarvo"] for s in oo["suoritukset"]]
    return accepted


@pytest.mark.parametrize("shape", SHAPES)
async def test_own_fixtures_are_accepted_in_every_shape(db: TortoiseContext, shape: str) -> None:
    examples = own()
    assert await _check(examples, shape) == sum(len(e.oo_oids) for e in examples)
    by_oid = await Oppija.get(oid="1.2.246.562.24.00000000001")
    assert (by_oid.etunimet, by_oid.puuttuvat_tiedot) == ("", ["etunimet", "sukunimi", "syntymaaika"])


@pytest.mark.parametrize("shape", SHAPES)
async def test_every_koski_example_is_accepted_in_every_shape(db: TortoiseContext, shape: str) -> None:
    examples = corpus()
    if not examples:
        pytest.skip(CORPUS_MISSING)
    accepted = await _check(examples, shape)
    print(f"\n{shape}: {accepted} study rights of {sum(len(e.oo_oids) for e in examples)} accepted")
