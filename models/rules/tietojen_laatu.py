"""Data problems Polku detects in a study right it mirrors (DOMAIN.md §6.1), for the organisation that recorded
it to fix in Koski. A flag never changes a Valpas answer; it only tells the recorder where to look."""

from __future__ import annotations

from datetime import date

from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts

PERUSOPETUS_VALMISTUNUT_ENNEN_15V = ov.PERUSOPETUS_VALMISTUNUT_ENNEN_15V
SYNTYMAAIKA_PUUTTUU = "syntymaaika_puuttuu"
TILAT_PUUTTUVAT = "tilat_puuttuvat"

TEXTS: dict[str, str] = {
    PERUSOPETUS_VALMISTUNUT_ENNEN_15V: ov.DATA_QUALITY_TEXTS[ov.PERUSOPETUS_VALMISTUNUT_ENNEN_15V],
    SYNTYMAAIKA_PUUTTUU: (
        "The person is known only by oppija OID, with no date of birth: no compulsory or free education rule "
        "can place them, so they are missing from every Valpas list."
    ),
    TILAT_PUUTTUVAT: (
        "The study right has no tila rows (läsnä, valmistunut, …): Polku cannot tell whether it is in force."
    ),
}


def flags(oo: OpiskeluoikeusFacts, syntymaaika: date | None) -> tuple[str, ...]:
    """The problems of one study right whose pupil was born `syntymaaika` (None: not known), in a fixed order."""
    found: list[str] = []
    if syntymaaika is None:
        found.append(SYNTYMAAIKA_PUUTTUU)
    elif ov.valmistunut_ennen_15v(oo, syntymaaika):
        found.append(PERUSOPETUS_VALMISTUNUT_ENNEN_15V)
    if not oo.tilat:
        found.append(TILAT_PUUTTUVAT)
    return tuple(found)
