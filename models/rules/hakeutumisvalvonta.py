"""Which study rights put a pupil on an oppilaitos' hakeutumisvalvonta list (DOMAIN.md §6.3), and until when.

Valpas follows a pupil while they look for a place after perusopetus or a nivelvaihe programme: while the study
right is läsnä, and for a while after it ended. An end in the spring period 15.–31.5. (the usual last school day)
stays visible until 30.9. of that year, covering the yhteishaku results and the start of the autumn term; any
other end stays visible through the same day two months later (ended 4.7. → listed on 4.9., not on 5.9.). A
pupil who left (`eronnut`) is followed only when they turn 17 or more in the year they left, as in the
reference service: a younger one is still in perusopetus age and the kunta follows them on its own list.

Whether the pupil is still oppivelvollinen is `oppivelvollisuus.oppivelvollinen_on`; this rule is about the
study right only.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import (
    ACTIVE_TILAT,
    ERONNUT,
    KATSOTAAN_ERONNEEKSI,
    VALMISTUNUT,
    OpiskeluoikeusFacts,
    tila_on,
)
from models.rules.perusopetus import PERUSOPETUKSEN_VUOSILUOKKA

# Nivelvaihe: the programmes between perusopetus and a secondary qualification; their pupils look for a place too.
NIVELVAIHE_TYYPIT = frozenset({ov.PERUSOPETUKSEN_LISAOPETUS, ov.TUVA, ov.VALMA, ov.TELMA})
TYYPIT = frozenset({ov.PERUSOPETUS}) | NIVELVAIHE_TYYPIT
# Koski files VALMA and TELMA as ammatillinenkoulutus with a valma or telma suoritus (the codes are shared); such a
# study right holding nothing else is nivelvaihe too, as Valpas defines it.
NIVELVAIHE_SUORITUKSET = frozenset({ov.VALMA, ov.TELMA})
ERONNUT_TILAT = frozenset({ERONNUT, KATSOTAAN_ERONNEEKSI})
ERONNUT_MIN_AGE = 17  # turned in the year of leaving
SPRING_END_FROM = (5, 15)  # 15.5.–31.5.
SPRING_VISIBLE_UNTIL = (9, 30)
OTHER_END_VISIBLE_MONTHS = 2

# Reasons (stable codes; the list shows them to the valvoja).
LASNA = "hakeutumisvalvonta_lasna"
NOT_FINAL_YEAR = "hakeutumisvalvonta_not_final_year"
ENDED_WITHIN_WINDOW = "hakeutumisvalvonta_ended_within_window"
ENDED_BEFORE_WINDOW = "hakeutumisvalvonta_ended_before_window"
ERONNUT_UNDER_17 = "hakeutumisvalvonta_eronnut_under_17"
NOT_FOLLOWED = "hakeutumisvalvonta_not_followed"


@dataclass(frozen=True)
class Valvonta:
    """Whether the study right puts its pupil on the list today, why, and the last day it does (None while
    läsnä: no end is known yet)."""

    listed: bool
    reason: str
    listed_until: date | None = None

    def __bool__(self) -> bool:
        return self.listed


def months_later(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter (31.12. + 2 → 28./29.2.)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def visible_until(loppu: date) -> date:
    """The last day a study right that ended on `loppu` stays on the list."""
    if loppu.month == SPRING_END_FROM[0] and loppu.day >= SPRING_END_FROM[1]:
        return date(loppu.year, *SPRING_VISIBLE_UNTIL)
    return months_later(loppu, OTHER_END_VISIBLE_MONTHS)


def seurattava(oo: OpiskeluoikeusFacts) -> bool:
    """A perusopetus or nivelvaihe study right, by its type or, for Koski's VALMA and TELMA, its suoritukset."""
    if oo.tyyppi in TYYPIT:
        return True
    tyypit = {s.tyyppi for s in oo.suoritukset}
    return oo.tyyppi == ov.AMMATILLINEN_KOULUTUS and bool(tyypit) and tyypit <= NIVELVAIHE_SUORITUKSET


def _final_year(oo: OpiskeluoikeusFacts) -> bool:
    """A perusopetus pupil in the 9th grade, or with the oppimäärä suoritus recorded."""
    return any(
        s.tyyppi == ov.PERUSOPETUKSEN_OPPIMAARA or (s.tyyppi == PERUSOPETUKSEN_VUOSILUOKKA and s.tutkinto_koodi == "9")
        for s in oo.suoritukset
    )


def _end(oo: OpiskeluoikeusFacts, today: date) -> tuple[str, date] | None:
    """The ending tila in force today and the day it began; a perusopetus with no tila rows but a confirmed
    oppimäärä ended valmistunut on the vahvistus day."""
    current = [t for t in oo.tilat if t.alku <= today]
    if current:
        last = max(current, key=lambda t: t.alku)
        return (last.tila, last.alku) if last.tila in {VALMISTUNUT, *ERONNUT_TILAT} else None
    vahvistukset = [
        s.vahvistus
        for s in oo.suoritukset
        if s.tyyppi == ov.PERUSOPETUKSEN_OPPIMAARA and s.vahvistus is not None and s.vahvistus <= today
    ]
    return (VALMISTUNUT, max(vahvistukset)) if vahvistukset else None


def valvonnassa(oo: OpiskeluoikeusFacts, syntymaaika: date, today: date) -> Valvonta:
    """Whether `oo` puts its pupil (born `syntymaaika`) on its oppilaitos' hakeutumisvalvonta list today."""
    if oo.mitatoity or not seurattava(oo) or (oo.alku is not None and oo.alku > today):
        return Valvonta(False, NOT_FOLLOWED)
    if tila_on(oo.tilat, today) in ACTIVE_TILAT:
        if oo.tyyppi == ov.PERUSOPETUS and not _final_year(oo):
            return Valvonta(False, NOT_FINAL_YEAR)
        return Valvonta(True, LASNA)
    end = _end(oo, today)
    if end is None:
        return Valvonta(False, NOT_FOLLOWED)
    tila, loppu = end
    if tila in ERONNUT_TILAT and loppu.year - syntymaaika.year < ERONNUT_MIN_AGE:
        return Valvonta(False, ERONNUT_UNDER_17)
    until = visible_until(loppu)
    if today > until:
        return Valvonta(False, ENDED_BEFORE_WINDOW, until)
    return Valvonta(True, ENDED_WITHIN_WINDOW, until)


REASON_TEXTS: dict[str, str] = {
    LASNA: "Present in the final year of basic education or in a preparatory (nivelvaihe) programme.",
    NOT_FINAL_YEAR: "In basic education but not yet in the final year.",
    ENDED_WITHIN_WINDOW: (
        "The study right ended recently: an end in 15–31 May is followed until 30 September, any other end "
        "for two months."
    ),
    ENDED_BEFORE_WINDOW: "The study right ended longer ago than the follow-up period.",
    ERONNUT_UNDER_17: "Left school in a year in which they turned less than 17.",
    NOT_FOLLOWED: "Not a study right followed by hakeutumisvalvonta today.",
}
