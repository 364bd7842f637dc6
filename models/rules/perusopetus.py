"""When a study right marks basic education completed (DOMAIN.md §6.1, seeds/004 FAQ), on Koski's real codes.

The mark decides whether extended compulsory education covers a person at all (a mark before 2021 excludes
them), and one dated before the 15th birthday is flagged as a probable data error. The FAQ names it "perusopetus
on päättynyt tilaan valmistunut"; DOMAIN.md names the oppimäärä vahvistus, and Koski's own oppivelvollisuus
view reads the vahvistus of a suoritus that completes basic education in any of its forms: the perusopetuksen
or aikuisten perusopetuksen oppimäärä, grade 9 of an international school's MYP, S4 of the European School of
Helsinki. Polku reads both: such a vahvistus, and the `valmistunut` tila row of a perusopetus or aikuisten
perusopetus study right for the whole basic education (one for single subjects or for the alkuvaihe completes
none). The earliest mark counts, even an erroneous one (FAQ).
"""

from __future__ import annotations

from datetime import date

from models.rules.opiskeluoikeus import VALMISTUNUT, OpiskeluoikeusFacts, Suoritus

# Opiskeluoikeus tyypit whose `valmistunut` tila is a mark.
PERUSOPETUS = "perusopetus"
AIKUISTEN_PERUSOPETUS = "aikuistenperusopetus"
TILALLA_MERKITSEVAT = frozenset({PERUSOPETUS, AIKUISTEN_PERUSOPETUS})

# Päätason suoritus tyypit.
PERUSOPETUKSEN_OPPIMAARA = "perusopetuksenoppimaara"
AIKUISTEN_PERUSOPETUKSEN_OPPIMAARA = "aikuistenperusopetuksenoppimaara"
PERUSOPETUKSEN_VUOSILUOKKA = "perusopetuksenvuosiluokka"
INTERNATIONAL_SCHOOL_MYP = "internationalschoolmypvuosiluokka"
EUROPEAN_SCHOOL_SECONDARY_LOWER = "europeanschoolofhelsinkivuosiluokkasecondarylower"

# (suoritus tyyppi, koulutusmoduuli code, None for any) whose vahvistus completes basic education.
PAATTAVAT_SUORITUKSET: frozenset[tuple[str, str | None]] = frozenset(
    {
        (PERUSOPETUKSEN_OPPIMAARA, None),
        (AIKUISTEN_PERUSOPETUKSEN_OPPIMAARA, None),
        (INTERNATIONAL_SCHOOL_MYP, "9"),
        (EUROPEAN_SCHOOL_SECONDARY_LOWER, "S4"),
    }
)
# Suoritukset of a study right for the whole basic education; one holding none of them but others (a single
# subject's oppimäärä, the alkuvaihe) completes no basic education when it ends valmistunut.
KOKO_PERUSOPETUS = frozenset({PERUSOPETUKSEN_OPPIMAARA, AIKUISTEN_PERUSOPETUKSEN_OPPIMAARA, PERUSOPETUKSEN_VUOSILUOKKA})


def _paattaa(suoritus: Suoritus) -> bool:
    keys = ((suoritus.tyyppi, None), (suoritus.tyyppi, suoritus.tutkinto_koodi))
    return any(key in PAATTAVAT_SUORITUKSET for key in keys)


def _tila_merkitsee(oo: OpiskeluoikeusFacts) -> bool:
    return oo.tyyppi in TILALLA_MERKITSEVAT and (
        not oo.suoritukset or any(s.tyyppi in KOKO_PERUSOPETUS for s in oo.suoritukset)
    )


def valmistunut(oo: OpiskeluoikeusFacts) -> date | None:
    """The earliest day `oo` marks basic education completed, or None (a voided OO is the caller's to skip)."""
    marks = [s.vahvistus for s in oo.suoritukset if s.vahvistus is not None and _paattaa(s)]
    if _tila_merkitsee(oo):
        marks += [row.alku for row in oo.tilat if row.tila == VALMISTUNUT]
    return min(marks, default=None)
