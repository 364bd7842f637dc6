"""Facts of an opiskeluoikeus as the rules see them, and the tila-on-a-day rule.

DOMAIN.md §2: the tila on a day is the row with the latest `alku` ≤ that day. §3/§4.1: a terminal tila on the
day *before* a trigger blocks feedback; one that starts on the trigger day itself does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from models.rules.calendar import Period

LASNA = "lasna"
VALIAIKAISESTI_KESKEYTYNYT = "valiaikaisestikeskeytynyt"
LOMA = "loma"
VALMISTUNUT = "valmistunut"
ERONNUT = "eronnut"
KATSOTAAN_ERONNEEKSI = "katsotaaneronneeksi"
PERUUTETTU = "peruutettu"

HYVAKSYTYSTI_SUORITETTU = "hyvaksytystisuoritettu"
KESKEYTYNYT = "keskeytynyt"
PAATTYNYT = "paattynyt"
MITATOITY = "mitatoity"

# Koski's set koskiopiskeluoikeudentila today; it is open, so a code outside it is stored too (DOMAIN.md §2).
TILAT = frozenset(
    {
        LASNA,
        VALIAIKAISESTI_KESKEYTYNYT,
        LOMA,
        VALMISTUNUT,
        HYVAKSYTYSTI_SUORITETTU,
        ERONNUT,
        KATSOTAAN_ERONNEEKSI,
        KESKEYTYNYT,
        PERUUTETTU,
        PAATTYNYT,
        MITATOITY,
    }
)
# Tilat after which no feedback is collected (DOMAIN.md §3; keskeytynyt counts as terminal, §2). The completions
# valmistunut and hyvaksytystisuoritettu, and paattynyt, are not among them: like every code outside ACTIVE_TILAT
# they are not in force.
TERMINAL_TILAT = frozenset({ERONNUT, KATSOTAAN_ERONNEEKSI, PERUUTETTU, VALIAIKAISESTI_KESKEYTYNYT, KESKEYTYNYT})
# Tilat in which a study right counts as active for Valpas (DOMAIN.md §6.3).
ACTIVE_TILAT = frozenset({LASNA, VALIAIKAISESTI_KESKEYTYNYT, LOMA})

AMMATILLINEN_TUTKINTO = "ammatillinentutkinto"
AMMATILLINEN_TUTKINTO_OSITTAINEN = "ammatillinentutkintoosittainen"
# Koski's koulutusmoduuli of an osittainen tutkinto made of units from several qualifications (DOMAIN.md §2).
USEASTA_TUTKINNOSTA = "ammatillinentutkintoosittainenuseastatutkinnosta"


@dataclass(frozen=True, slots=True)
class TilaJakso:
    alku: date
    tila: str


@dataclass(frozen=True, slots=True)
class Suoritus:
    tyyppi: str
    tutkinto_koodi: str | None = None
    tutkinto_nimi: str | None = None
    vahvistus: date | None = None
    # when the vahvistus first reached Polku; None for one stored before this was kept (so: earlier than any)
    vahvistus_tallennettu: datetime | None = None


@dataclass(frozen=True, slots=True)
class OpiskeluoikeusFacts:
    oid: str
    oppija_oid: str
    koulutustoimija_oid: str
    oppilaitos_oid: str
    tyyppi: str
    alku: date | None = None
    arvioitu_loppu: date | None = None
    tilat: tuple[TilaJakso, ...] = field(default_factory=tuple)
    suoritukset: tuple[Suoritus, ...] = field(default_factory=tuple)
    mitatoity: bool = False


def tila_on(tilat: Iterable[TilaJakso], day: date) -> str | None:
    """The tila in force on `day`: the row with the latest alku ≤ day (None before the first row)."""
    current: TilaJakso | None = None
    for row in tilat:
        if row.alku <= day and (current is None or row.alku >= current.alku):
            current = row
    return current.tila if current else None


def terminal_before(tilat: Iterable[TilaJakso], trigger: date) -> bool:
    """True when the tila on the day before `trigger` is terminal (a terminal tila starting on it does not block)."""
    return tila_on(tilat, trigger - timedelta(days=1)) in TERMINAL_TILAT


def is_active_on(tilat: Iterable[TilaJakso], day: date) -> bool:
    return tila_on(tilat, day) in ACTIVE_TILAT


AMMATILLISET_SUORITUSTYYPIT = frozenset({AMMATILLINEN_TUTKINTO, AMMATILLINEN_TUTKINTO_OSITTAINEN})


def ammatilliset_suoritukset(oo: OpiskeluoikeusFacts) -> tuple[Suoritus, ...]:
    """The OO's päätason suoritukset that make feedback possible at all.

    VALMA, TELMA, TUVA and every other type are left out: no feedback is collected from them (DOMAIN.md §2, §3).
    """
    return tuple(s for s in oo.suoritukset if s.tyyppi in AMMATILLISET_SUORITUSTYYPIT)


def tutkinto_koodi(suoritus: Suoritus) -> str | None:
    """The qualification a suoritus is for, or None. Units from several qualifications have no single tutkinto
    (DOMAIN.md §2): Koski's koulutusmoduuli code for them names none, so it must not bundle or report as one."""
    return None if suoritus.tutkinto_koodi == USEASTA_TUTKINNOSTA else suoritus.tutkinto_koodi


def tila_periods(tilat: Iterable[TilaJakso], tila: str) -> tuple[Period, ...]:
    """The periods `[alku, loppu]` during which `tila` is in force, read from the tila history.

    Mirrors `tila_on`: a row holds from its alku until the day before the next later row; among rows with the
    same alku the last one wins. Consecutive rows of the same tila merge; the last period is open (loppu None).
    """
    by_alku: dict[date, str] = {}
    for row in tilat:
        by_alku[row.alku] = row.tila
    periods: list[Period] = []
    start: date | None = None
    for alku in sorted(by_alku):
        if by_alku[alku] == tila:
            if start is None:
                start = alku
        elif start is not None:
            periods.append((start, alku - timedelta(days=1)))
            start = None
    if start is not None:
        periods.append((start, None))
    return tuple(periods)
