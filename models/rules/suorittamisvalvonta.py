"""Who is on an oppilaitos' suorittamisvalvonta list (DOMAIN.md §6.3), and through which study right.

The suorittamisen valvoja follows the school's own students who are oppivelvollinen and study after
perusopetus: while the study right is in force, and after it ended without completing compulsory education —
`eronnut`, `katsotaaneronneeksi`, `peruutettu` or `keskeytynyt`, a lukio `valmistunut` (oppivelvollisuus ends
only with the ylioppilastutkinto, which Koski may not show yet) or an osittainen ammatillinen `valmistunut`
(only a whole tutkinto ends it). A whole tutkinto or the ylioppilastutkinto ends oppivelvollisuus itself, so
those students leave through `oppivelvollisuus.oppivelvollinen_on`. EB study rights never count: the EB
tutkinto is not in the qualifying types of §6.3.

As in the reference service (Valpas `ValpasSuorittamisenValvontaService`), an ended study right stops listing
the student once the student has a new place after perusopetus in force or left another one later (the school
that now holds them follows them), and once this school made a kuntailmoitus about the student on or after the
end (the school has done its part; a study right in force keeps them listed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import (
    ACTIVE_TILAT,
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    ERONNUT,
    KATSOTAAN_ERONNEEKSI,
    KESKEYTYNYT,
    PERUUTETTU,
    VALMISTUNUT,
    OpiskeluoikeusFacts,
    tila_on,
)

EB_TUTKINTO = "ebtutkinto"
# The qualifying study rights after perusopetus; EB is not among the qualifying types and never joins them.
TYYPIT = ov.QUALIFYING_TYYPIT - {ov.PERUSOPETUS, EB_TUTKINTO}
KESKEN_JAANEET_TILAT = frozenset({ERONNUT, KATSOTAAN_ERONNEEKSI, PERUUTETTU, KESKEYTYNYT})
# An international school or the European School of Helsinki spans basic education too: as in Valpas
# (ValpasOpiskeluoikeusDatabaseService), its study right is followed only once it holds upper-secondary years,
# MYP grade 10 or the diploma years, S5 onward. (suoritus tyyppi, koulutusmoduuli code, None for any)
JATKO_OPINTO_VUOSILUOKAT: frozenset[tuple[str, str | None]] = frozenset(
    {
        ("internationalschoolmypvuosiluokka", "10"),
        ("internationalschooldiplomavuosiluokka", None),
        ("europeanschoolofhelsinkivuosiluokkasecondarylower", "S5"),
        ("europeanschoolofhelsinkivuosiluokkasecondaryupper", None),
    }
)
KOKO_KOULUN_TYYPIT = frozenset({ov.INTERNATIONAL_SCHOOL, ov.EUROPEAN_SCHOOL_OF_HELSINKI})

# Reasons (stable codes; the list shows them to the valvoja).
VOIMASSA = "suorittamisvalvonta_voimassa"
KESKEN_JAANYT = "suorittamisvalvonta_kesken_jaanyt"
LUKIO_VALMISTUNUT = "suorittamisvalvonta_lukio_valmistunut"
OSITTAINEN_VALMISTUNUT = "suorittamisvalvonta_osittainen_valmistunut"
EI_VALVOTTAVA = "suorittamisvalvonta_ei_valvottava"
UUSI_OPISKELUPAIKKA = "suorittamisvalvonta_uusi_opiskelupaikka"
ILMOITETTU = "suorittamisvalvonta_ilmoitettu"

REASON_TEXTS: dict[str, str] = {
    VOIMASSA: "Studies here after basic education; the study right is in force (present, on holiday or "
    "temporarily interrupted).",
    KESKEN_JAANYT: "The study right here ended without a qualification (resigned, considered resigned, "
    "cancelled or interrupted) and no new study place is in force.",
    LUKIO_VALMISTUNUT: "Completed general upper secondary school here; compulsory education ends only with the "
    "matriculation examination, which is not recorded yet.",
    OSITTAINEN_VALMISTUNUT: "Completed part of a vocational qualification here; only a whole qualification ends "
    "compulsory education.",
    EI_VALVOTTAVA: "No study right here that suorittamisvalvonta follows today.",
    UUSI_OPISKELUPAIKKA: "The study right here ended, but the student has a new study place in force or left "
    "another one later: that school follows them.",
    ILMOITETTU: "The study right here ended and this school has already notified the home municipality.",
}


def explain(reason: str) -> str:
    return REASON_TEXTS.get(reason) or ov.explain(reason)


@dataclass(frozen=True)
class Valvonta:
    """Whether the student is on the list today, why, the study right that puts them there, and the day it
    ended (None while it is in force)."""

    listed: bool
    reason: str
    opiskeluoikeus_oid: str | None = None
    paattynyt: date | None = None

    def __bool__(self) -> bool:
        return self.listed


def jatko_opintoja(oo: OpiskeluoikeusFacts) -> bool:
    """Whether the study right is one after perusopetus: of a follow-on type, and at a whole school (international,
    European) only with an upper-secondary year recorded."""
    if oo.tyyppi not in TYYPIT:
        return False
    if oo.tyyppi not in KOKO_KOULUN_TYYPIT:
        return True
    return any(
        (s.tyyppi, None) in JATKO_OPINTO_VUOSILUOKAT or (s.tyyppi, s.tutkinto_koodi) in JATKO_OPINTO_VUOSILUOKAT
        for s in oo.suoritukset
    )


def opiskeluoikeus_valvonnassa(oo: OpiskeluoikeusFacts, today: date) -> Valvonta:
    """Whether this study right by itself is one the suorittamisvalvonta follows today (the person and their
    other study rights aside). A study right that starts later is not followed yet."""
    if oo.mitatoity or not jatko_opintoja(oo) or (oo.alku is not None and oo.alku > today):
        return Valvonta(False, EI_VALVOTTAVA)
    tila = tila_on(oo.tilat, today)
    if tila in ACTIVE_TILAT:
        return Valvonta(True, VOIMASSA, oo.oid)
    if tila is None:
        return Valvonta(False, EI_VALVOTTAVA)
    paattynyt = max(row.alku for row in oo.tilat if row.alku <= today)  # the day the tila in force began
    if tila in KESKEN_JAANEET_TILAT:
        return Valvonta(True, KESKEN_JAANYT, oo.oid, paattynyt)
    if tila == VALMISTUNUT and oo.tyyppi == ov.LUKIOKOULUTUS:
        return Valvonta(True, LUKIO_VALMISTUNUT, oo.oid, paattynyt)
    if tila == VALMISTUNUT and any(s.tyyppi == AMMATILLINEN_TUTKINTO_OSITTAINEN for s in oo.suoritukset):
        return Valvonta(True, OSITTAINEN_VALMISTUNUT, oo.oid, paattynyt)
    return Valvonta(False, EI_VALVOTTAVA)


def _uusi_paikka(person: ov.HenkiloFacts, oo: OpiskeluoikeusFacts, paattynyt: date, today: date) -> bool:
    """Another study right after perusopetus is in force today, or was left without a qualification later."""
    for other in ov.valid_opiskeluoikeudet(person):
        if other.oid == oo.oid:
            continue
        verdict = opiskeluoikeus_valvonnassa(other, today)
        if verdict.reason == VOIMASSA:
            return True
        if verdict.reason == KESKEN_JAANYT and verdict.paattynyt is not None and verdict.paattynyt > paattynyt:
            return True
    return False


def listalla(
    person: ov.HenkiloFacts, oppilaitoksen_oot: frozenset[str], today: date, ilmoitettu: date | None = None
) -> Valvonta:
    """Whether the person is on the suorittamisvalvonta list of the oppilaitos whose study rights are
    `oppilaitoksen_oot` (OIDs), today. `ilmoitettu` is the latest day this oppilaitos made a kuntailmoitus
    about the person (None: never). A study right in force wins over an ended one; of ended ones the latest."""
    oppivelvollinen = ov.oppivelvollinen_on(person, today)
    if not oppivelvollinen:
        return Valvonta(False, oppivelvollinen.reason)
    found: list[Valvonta] = []
    reason = EI_VALVOTTAVA
    for oo in ov.valid_opiskeluoikeudet(person):
        if oo.oid not in oppilaitoksen_oot:
            continue
        verdict = opiskeluoikeus_valvonnassa(oo, today)
        if not verdict:
            continue
        loppu = verdict.paattynyt
        if loppu is not None and _uusi_paikka(person, oo, loppu, today):
            reason = UUSI_OPISKELUPAIKKA
        elif loppu is not None and ilmoitettu is not None and ilmoitettu >= loppu:
            reason = ILMOITETTU
        else:
            found.append(verdict)
    if not found:
        return Valvonta(False, reason)
    return max(found, key=lambda v: (v.paattynyt is None, v.paattynyt or date.min, v.opiskeluoikeus_oid or ""))
