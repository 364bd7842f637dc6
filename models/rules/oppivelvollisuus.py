"""Valpas: who extended compulsory education covers, until when, and whom the kunta must check.

DOMAIN.md §6 and the Valpas FAQ (seeds/004; the seed wins where they differ). Every answer carries a `reason`
code, and `REASON_TEXTS` says it in plain English, so an official can explain any decision to a family.

Conventions for the Koski facts read here:
- voided (mitätöity) OOs are ignored everywhere: they are hidden from every view (DOMAIN.md §2);
- a suoritus counts by its tyyppi wherever it is recorded, and on its vahvistus day;
- facts are taken as they are; only `today` decides what is "now".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from models.rules import perusopetus
from models.rules.calendar import Period, add_days, in_period, same_day_years_later
from models.rules.opiskeluoikeus import (
    ACTIVE_TILAT,
    AMMATILLINEN_TUTKINTO,
    ERONNUT,
    KATSOTAAN_ERONNEEKSI,
    KESKEYTYNYT,
    PAATTYNYT,
    PERUUTETTU,
    OpiskeluoikeusFacts,
    TilaJakso,
    is_active_on,
    tila_on,
    tila_periods,
)
from models.rules.perusopetus import AIKUISTEN_PERUSOPETUS as AIKUISTEN_PERUSOPETUS
from models.rules.perusopetus import PERUSOPETUKSEN_OPPIMAARA as PERUSOPETUKSEN_OPPIMAARA
from models.rules.perusopetus import PERUSOPETUS as PERUSOPETUS

# --- Koski codes ----------------------------------------------------------------------------------

# Opiskeluoikeus tyypit (perusopetus and aikuisten perusopetus with the marks of its completion, perusopetus.py).
PERUSOPETUKSEN_LISAOPETUS = "perusopetuksenlisaopetus"
LUKIOKOULUTUS = "lukiokoulutus"
AMMATILLINEN_KOULUTUS = "ammatillinenkoulutus"
TUVA = "tuva"
VALMA = "valma"
TELMA = "telma"
INTERNATIONAL_SCHOOL = "internationalschool"
IB_TUTKINTO = "ibtutkinto"
DIA_TUTKINTO = "diatutkinto"
EUROPEAN_SCHOOL_OF_HELSINKI = "europeanschoolofhelsinki"
YLIOPPILASTUTKINTO = "ylioppilastutkinto"  # the OO tyyppi and the suoritus tyyppi share the code

# Päätason suoritus tyypit. An `ammatillinentutkintoosittainen` ends nothing (DOMAIN.md §6.2).
# The codes `ammatillinentutkinto` / `ammatillinentutkintoosittainen` live in `opiskeluoikeus.py`; the
# ylioppilastutkinto suoritus uses YLIOPPILASTUTKINTO above; the perusopetus ones are in `perusopetus.py`.

# OO types whose active study right means the person is fulfilling compulsory education (DOMAIN.md §6.3).
QUALIFYING_TYYPIT = frozenset(
    {
        PERUSOPETUS,
        PERUSOPETUKSEN_LISAOPETUS,
        AIKUISTEN_PERUSOPETUS,
        LUKIOKOULUTUS,
        AMMATILLINEN_KOULUTUS,
        TUVA,
        VALMA,
        TELMA,
        INTERNATIONAL_SCHOOL,
        IB_TUTKINTO,
        DIA_TUTKINTO,
        EUROPEAN_SCHOOL_OF_HELSINKI,
    }
)
# A study place after perusopetus: what clears the "no place in yhteishaku" warning. The perusopetus OO being
# finished is the school the pupil is leaving, so it does not count (FAQ: "Keltainen kolmio").
JATKO_OPINTO_TYYPIT = QUALIFYING_TYYPIT - {PERUSOPETUS}
# The lukio side of a yhdistelmätutkinto (DOMAIN.md §6.2).
YHDISTELMA_LUKIO_TYYPIT = frozenset({LUKIOKOULUTUS, YLIOPPILASTUTKINTO})
# Final tilat meaning the person stopped pursuing that study right without completing it (DOMAIN.md §2: Koski's
# keskeytynyt is terminal like eronnut; paattynyt ends a study right without a completion).
DROPPED_TILAT = frozenset({ERONNUT, KATSOTAAN_ERONNEEKSI, PERUUTETTU, KESKEYTYNYT, PAATTYNYT})

# --- Kunta codes (DOMAIN.md §6.1) -----------------------------------------------------------------

AHVENANMAA_KUNNAT = frozenset(
    {"035", "043", "060", "062", "065", "076", "170", "295", "318", "417", "438", "478"} | {"736", "766", "771", "941"}
)
ULKOMAAT_TAI_TUNTEMATON = frozenset({"198", "200"})

# --- Key dates ------------------------------------------------------------------------------------

BORN_FROM = date(2004, 1, 1)  # born before this: not covered (§6.1.1)
PERUSOPETUS_VALMISTUNUT_FROM = date(2021, 1, 1)  # a valmistunut mark before this: not covered (§6.1.2)

# --- Reason codes ---------------------------------------------------------------------------------

# coverage
COVERED = "covered"
COVERED_TURVAKIELTO = "covered_turvakielto"
BORN_BEFORE_2004 = "born_before_2004"
PERUSOPETUS_VALMISTUNUT_BEFORE_2021 = "perusopetus_valmistunut_before_2021"
NO_KOTIKUNTA_IN_FINLAND = "no_kotikunta_in_finland"
KOTIKUNTA_IN_AHVENANMAA = "kotikunta_in_ahvenanmaa"
KOTIKUNTA_ABROAD_OR_UNKNOWN = "kotikunta_abroad_or_unknown"
KOTIKUNTA_GAINED_AT_18_OR_LATER = "kotikunta_gained_at_18_or_later"
# data-quality flag (not a reason: it never changes the answer)
PERUSOPETUS_VALMISTUNUT_ENNEN_15V = "perusopetus_valmistunut_ennen_15v"
# end dates (also the reason oppivelvollisuus is over on a day)
TURNS_18 = "turns_18"
YEAR_TURNING_20 = "year_turning_20"
AMMATILLINEN_TUTKINTO_COMPLETED = "ammatillinen_tutkinto_completed"
YLIOPPILASTUTKINTO_COMPLETED = "ylioppilastutkinto_completed"
YHDISTELMATUTKINTO_COMPLETED = "yhdistelmatutkinto_completed"
YHDISTELMATUTKINTO_OTHER_PART_DROPPED = "yhdistelmatutkinto_other_part_dropped"
VAPAUTUS = "vapautus"
# oppivelvollinen on a day
OPPIVELVOLLINEN = "oppivelvollinen"
OPPIVELVOLLISUUS_NOT_STARTED = "oppivelvollisuus_not_started"
# suorittaminen
ACTIVE_OPISKELUOIKEUS = "active_opiskeluoikeus"
OPISKELUOIKEUS_STARTS_LATER = "opiskeluoikeus_starts_later"
NO_ACTIVE_OPISKELUOIKEUS = "no_active_opiskeluoikeus"
# automaattinen tarkistus
AUTOMAATTINEN_TARKISTUS = "automaattinen_tarkistus"
TURVAKIELTO = "turvakielto"
KOTIKUNTA_ELSEWHERE = "kotikunta_elsewhere"
# yhteishaku warning
NO_PLACE_IN_YHTEISHAKU = "no_place_in_yhteishaku"
GOT_PLACE_IN_YHTEISHAKU = "got_place_in_yhteishaku"
NO_YHTEISHAKU_RESULT = "no_yhteishaku_result"

REASON_TEXTS: dict[str, str] = {
    COVERED: (
        "Born in 2004 or later, basic education not completed before 2021, and living in mainland "
        "Finland: the extended compulsory education may apply."
    ),
    COVERED_TURVAKIELTO: (
        "Born in 2004 or later and basic education not completed before 2021. The home municipality is "
        "protected by a security ban, so it is assumed to be in Finland."
    ),
    BORN_BEFORE_2004: ("Born before 1 January 2004: the extended compulsory education does not apply."),
    PERUSOPETUS_VALMISTUNUT_BEFORE_2021: (
        "Koski records basic education as completed before 1 January 2021, so compulsory education ended "
        "under the old law. If that record is wrong, the school that made it must fix it."
    ),
    NO_KOTIKUNTA_IN_FINLAND: (
        "No official home municipality in Finland today: compulsory education applies only to people "
        "living permanently in Finland."
    ),
    KOTIKUNTA_IN_AHVENANMAA: (
        "The home municipality is in Åland, where the extended compulsory education does not apply."
    ),
    KOTIKUNTA_ABROAD_OR_UNKNOWN: (
        "The home municipality is recorded as abroad or unknown (198/200): compulsory education applies "
        "only to people living permanently in Finland."
    ),
    KOTIKUNTA_GAINED_AT_18_OR_LATER: (
        "The home municipality in Finland began only on or after the 18th birthday: neither compulsory "
        "education nor free education applies."
    ),
    TURNS_18: (
        "Compulsory education ends on the day before the 18th birthday (a 29 February birthday is 28 "
        "February in a common year)."
    ),
    YEAR_TURNING_20: ("Free education lasts until 31 December of the year the person turns 20."),
    AMMATILLINEN_TUTKINTO_COMPLETED: (
        "A whole vocational qualification was completed; it ends on the day it was confirmed. Completing "
        "only some units does not end it."
    ),
    YLIOPPILASTUTKINTO_COMPLETED: ("The matriculation examination was completed; it ends on the day it was confirmed."),
    YHDISTELMATUTKINTO_COMPLETED: (
        "A vocational qualification and the matriculation examination were pursued at the same time; free"
        " education lasts until the later of the two is completed."
    ),
    YHDISTELMATUTKINTO_OTHER_PART_DROPPED: (
        "A vocational qualification and the matriculation examination were pursued at the same time; one "
        "was completed and the studies for the other ended without completing it, so free education ends "
        "when both of those had happened."
    ),
    VAPAUTUS: (
        "The home municipality exempted the person from compulsory education; compulsory and free "
        "education end on the day before the exemption starts."
    ),
    OPPIVELVOLLINEN: ("Under compulsory education today."),
    OPPIVELVOLLISUUS_NOT_STARTED: ("Compulsory education begins in the year the child turns 7."),
    ACTIVE_OPISKELUOIKEUS: (
        "Has a study right today (present, on holiday or temporarily interrupted) in education that "
        "fulfils compulsory education."
    ),
    OPISKELUOIKEUS_STARTS_LATER: (
        "Has a study right that fulfils compulsory education, but it starts later; until then the person "
        "has no active study place."
    ),
    NO_ACTIVE_OPISKELUOIKEUS: ("Has no active study right today in education that fulfils compulsory education."),
    AUTOMAATTINEN_TARKISTUS: (
        "Under compulsory education, lives in this municipality and has no active study place today: the "
        "municipality must check the situation."
    ),
    TURVAKIELTO: (
        "Has a security ban: the home municipality is unknown to the service, so the person is not listed"
        " by municipality."
    ),
    KOTIKUNTA_ELSEWHERE: ("The home municipality today is another municipality."),
    NO_PLACE_IN_YHTEISHAKU: (
        "Did not get a study place in the national joint application and has no active study place after "
        "basic education."
    ),
    GOT_PLACE_IN_YHTEISHAKU: ("Got a study place in the national joint application."),
    NO_YHTEISHAKU_RESULT: ("No joint application result to warn about."),
}


DATA_QUALITY_TEXTS: dict[str, str] = {
    PERUSOPETUS_VALMISTUNUT_ENNEN_15V: (
        "Koski records basic education as completed before the person turned 15: probably an erroneous "
        "mark (e.g. after 6th grade). It still decides coverage until the school that recorded it "
        "corrects it."
    ),
}


def explain(reason: str) -> str:
    """The plain-English text for a reason or flag code."""
    return REASON_TEXTS.get(reason, DATA_QUALITY_TEXTS.get(reason, reason))


# --- Facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KotikuntaJakso:
    """One row of the kotikunta history from DVV: `[alku, loppu]`, loppu None while it is still in force."""

    alku: date
    loppu: date | None
    kuntakoodi: str

    def __post_init__(self) -> None:
        if self.loppu is not None and self.loppu < self.alku:
            raise ValueError(f"kotikunta period ends before it begins: {self.alku}..{self.loppu}")


@dataclass(frozen=True)
class HenkiloFacts:
    """What Valpas knows of a person (DOMAIN.md §2, §6).

    `vapautus` is the exemption's first day; keskeytykset are `(alku, loppu or None)`.
    """

    oppija_oid: str
    syntymaaika: date
    kotikunta_historia: tuple[KotikuntaJakso, ...] = ()
    turvakielto: bool = False
    opiskeluoikeudet: tuple[OpiskeluoikeusFacts, ...] = ()
    vapautus: date | None = None
    keskeytykset: tuple[Period, ...] = field(default_factory=tuple)


# --- Answers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """A yes/no answer with the reason behind it; truthy when `value` is."""

    value: bool
    reason: str

    def __bool__(self) -> bool:
        return self.value

    @property
    def explanation(self) -> str:
        return explain(self.reason)


@dataclass(frozen=True)
class Coverage:
    """Whether Valpas shows the person at all (§6.1), why, and data errors noticed on the way."""

    covered: bool
    reason: str
    data_quality_flags: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.covered

    @property
    def explanation(self) -> str:
        return explain(self.reason)


@dataclass(frozen=True)
class DateDecision:
    """The last day of a right or an obligation (inclusive) and what set it."""

    date: date
    reason: str

    @property
    def explanation(self) -> str:
        return explain(self.reason)


@dataclass(frozen=True)
class Suorittaminen:
    """Whether the person fulfils compulsory education today, and the OO the answer is about (if any)."""

    suorittaa: bool
    reason: str
    opiskeluoikeus_oid: str | None = None

    def __bool__(self) -> bool:
        return self.suorittaa

    @property
    def explanation(self) -> str:
        return explain(self.reason)


# --- Kotikunta ------------------------------------------------------------------------------------


def normalise_kuntakoodi(kuntakoodi: str) -> str:
    """Kuntakoodit are three digits; a numeric code that lost its leading zeros gets them back (35 → 035)."""
    code = kuntakoodi.strip()
    return code.zfill(3) if code.isdigit() else code


def is_mainland_finnish(kuntakoodi: str) -> bool:
    """A kotikunta that can bring a person in: in Finland, not in Åland, not abroad/unknown (§6.1.3)."""
    code = normalise_kuntakoodi(kuntakoodi)
    return code not in AHVENANMAA_KUNNAT and code not in ULKOMAAT_TAI_TUNTEMATON


def kotikunta_on(historia: Iterable[KotikuntaJakso], day: date) -> KotikuntaJakso | None:
    """The kotikunta period in force on `day`; of overlapping ones the latest alku wins (as for tilat, §2)."""
    current: KotikuntaJakso | None = None
    for jakso in historia:
        if in_period(day, (jakso.alku, jakso.loppu)) and (current is None or jakso.alku >= current.alku):
            current = jakso
    return current


def mainland_kotikunta_since(historia: tuple[KotikuntaJakso, ...], today: date) -> date | None:
    """First day of the unbroken run of mainland-Finnish kotikunta days that contains `today`.

    Why a run and not the current period: a move from Helsinki to Espoo after 18 is still the same residence
    in Finland, while a stay abroad, in Åland or a gap in the register breaks it (FAQ: someone who gets a
    kotikunta in Finland only after turning 18 is not covered). None when today has no mainland kotikunta.
    """
    current = kotikunta_on(historia, today)
    if current is None or not is_mainland_finnish(current.kuntakoodi):
        return None
    # kotikunta_on only changes on an alku or the day after a loppu: walk those back from today.
    changes = {j.alku for j in historia} | {add_days(j.loppu, 1) for j in historia if j.loppu is not None}
    since = current.alku
    for day in sorted((d for d in changes if d <= today), reverse=True):
        jakso = kotikunta_on(historia, day)
        if jakso is None or not is_mainland_finnish(jakso.kuntakoodi):
            break
        since = day
    return since


# --- Koski facts ----------------------------------------------------------------------------------


def valid_opiskeluoikeudet(person: HenkiloFacts) -> tuple[OpiskeluoikeusFacts, ...]:
    """The person's OOs that count at all: voided ones are hidden from every view (DOMAIN.md §2)."""
    return tuple(oo for oo in person.opiskeluoikeudet if not oo.mitatoity)


def _vahvistukset(oos: Iterable[OpiskeluoikeusFacts], suoritus_tyyppi: str) -> list[tuple[date, OpiskeluoikeusFacts]]:
    """Confirmed suoritukset of one tyyppi as `(vahvistus, OO)`, earliest first."""
    found = [
        (s.vahvistus, oo)
        for oo in oos
        for s in oo.suoritukset
        if s.tyyppi == suoritus_tyyppi and s.vahvistus is not None
    ]
    return sorted(found, key=lambda pair: (pair[0], pair[1].oid))


def perusopetus_valmistunut(person: HenkiloFacts) -> date | None:
    """The EARLIEST perusopetus valmistunut mark (`perusopetus.valmistunut`): that one decides, even if it is an
    error (FAQ)."""
    return min((m for oo in valid_opiskeluoikeudet(person) if (m := perusopetus.valmistunut(oo))), default=None)


def perusopetus_valmistunut_ennen_15v(person: HenkiloFacts) -> tuple[OpiskeluoikeusFacts, ...]:
    """OOs holding a perusopetus valmistunut mark dated before the 15th birthday: probable data errors.

    DOMAIN.md §6.1: flagged on the person and in a data-quality list for the organisation that recorded the
    OO, hence the OOs (their koulutustoimija/oppilaitos) are returned, not just a yes/no.
    """
    return tuple(oo for oo in valid_opiskeluoikeudet(person) if valmistunut_ennen_15v(oo, person.syntymaaika))


def valmistunut_ennen_15v(oo: OpiskeluoikeusFacts, syntymaaika: date) -> bool:
    """The OO holds a perusopetus valmistunut mark dated before its pupil (born `syntymaaika`) turned 15."""
    mark = perusopetus.valmistunut(oo)
    return mark is not None and mark < same_day_years_later(syntymaaika, 15)


def data_quality_flags(person: HenkiloFacts) -> tuple[str, ...]:
    """Flags for probable data errors; they never change an answer (DOMAIN.md §6.1)."""
    return (PERUSOPETUS_VALMISTUNUT_ENNEN_15V,) if perusopetus_valmistunut_ennen_15v(person) else ()


# --- §6.1 Coverage --------------------------------------------------------------------------------


def coverage(person: HenkiloFacts, today: date) -> Coverage:
    """Whether the person may be oppivelvollinen and so is shown in Valpas (DOMAIN.md §6.1, FAQ).

    Checked in this order, the first that applies is the reason: born before 2004; perusopetus valmistunut
    before 2021 (earliest mark); turvakielto → kotikunta assumed Finnish (its history is not known to us
    either); today's kotikunta missing / in Åland / abroad or unknown; the mainland run of kotikunta reaching
    today began on or after the 18th birthday (the 18-rule needs the history; today's kotikunta decides
    whether shown).
    """
    flags = data_quality_flags(person)
    if person.syntymaaika < BORN_FROM:
        return Coverage(False, BORN_BEFORE_2004, flags)
    valmistunut = perusopetus_valmistunut(person)
    if valmistunut is not None and valmistunut < PERUSOPETUS_VALMISTUNUT_FROM:
        return Coverage(False, PERUSOPETUS_VALMISTUNUT_BEFORE_2021, flags)
    if person.turvakielto:
        return Coverage(True, COVERED_TURVAKIELTO, flags)
    current = kotikunta_on(person.kotikunta_historia, today)
    if current is None:
        return Coverage(False, NO_KOTIKUNTA_IN_FINLAND, flags)
    code = normalise_kuntakoodi(current.kuntakoodi)
    if code in AHVENANMAA_KUNNAT:
        return Coverage(False, KOTIKUNTA_IN_AHVENANMAA, flags)
    if code in ULKOMAAT_TAI_TUNTEMATON:
        return Coverage(False, KOTIKUNTA_ABROAD_OR_UNKNOWN, flags)
    since = mainland_kotikunta_since(person.kotikunta_historia, today)
    if since is None or since >= same_day_years_later(person.syntymaaika, 18):
        return Coverage(False, KOTIKUNTA_GAINED_AT_18_OR_LATER, flags)
    return Coverage(True, COVERED, flags)


# --- §6.2 Dates -----------------------------------------------------------------------------------


def eighteenth_birthday(person: HenkiloFacts) -> date:
    """29.2. birthdays fall on 28.2. in a common year (DOMAIN.md §6.2)."""
    return same_day_years_later(person.syntymaaika, 18)


def oppivelvollisuus_starts(person: HenkiloFacts) -> date:
    """1.1. of the year the child turns 7 (oppivelvollisuuslaki 3 §); keeps small children off the lists."""
    return date(person.syntymaaika.year + 7, 1, 1)


def _earliest(*decisions: DateDecision | None) -> DateDecision:
    """The earliest decision; a tie goes to the first listed (an event ends it only when strictly earlier)."""
    present = [d for d in decisions if d is not None]
    return min(present, key=lambda d: d.date)


def _tutkinto_decision(pairs: list[tuple[date, OpiskeluoikeusFacts]], reason: str) -> DateDecision | None:
    return DateDecision(pairs[0][0], reason) if pairs else None


def _vapautus_decision(person: HenkiloFacts) -> DateDecision | None:
    return DateDecision(add_days(person.vapautus, -1), VAPAUTUS) if person.vapautus is not None else None


def oppivelvollisuus_until(person: HenkiloFacts) -> DateDecision:
    """Last day of oppivelvollisuus (DOMAIN.md §6.2): the day before the 18th birthday, or earlier the
    vahvistus day of a whole ammatillinen tutkinto (an osittainen does not count) or of the
    ylioppilastutkinto, or the day before a vapautus. The theoretical date: coverage is a separate question
    (FAQ: "teoreettisesti")."""
    oos = valid_opiskeluoikeudet(person)
    return _earliest(
        DateDecision(add_days(eighteenth_birthday(person), -1), TURNS_18),
        _tutkinto_decision(_vahvistukset(oos, AMMATILLINEN_TUTKINTO), AMMATILLINEN_TUTKINTO_COMPLETED),
        _tutkinto_decision(_vahvistukset(oos, YLIOPPILASTUTKINTO), YLIOPPILASTUTKINTO_COMPLETED),
        _vapautus_decision(person),
    )


def active_periods(tilat: Iterable[TilaJakso]) -> tuple[Period, ...]:
    """Periods during which the OO is active (lasna/valiaikaisestikeskeytynyt/loma, DOMAIN.md §6.3), read the
    same way as `tila_on`."""
    rows = tuple(tilat)
    return tuple(sorted(p for tila in ACTIVE_TILAT for p in tila_periods(rows, tila)))


def _overlap_start(a: Period, b: Period) -> date | None:
    start = max(a[0], b[0])
    ends = [e for e in (a[1], b[1]) if e is not None]
    return start if not ends or start <= min(ends) else None


def _first_common_day(x: OpiskeluoikeusFacts, y: OpiskeluoikeusFacts) -> date | None:
    starts = [
        s for p in active_periods(x.tilat) for q in active_periods(y.tilat) if (s := _overlap_start(p, q)) is not None
    ]
    return min(starts) if starts else None


@dataclass(frozen=True)
class Yhdistelma:
    """Ammatillinen and lukio/YO study rights active at the same time, from `alkaen` (DOMAIN.md §6.2)."""

    alkaen: date
    ammatilliset: tuple[OpiskeluoikeusFacts, ...]
    lukio_puoli: tuple[OpiskeluoikeusFacts, ...]


def _tutkintoon_johtava(oo: OpiskeluoikeusFacts) -> bool:
    """An ammatillinenkoulutus OO for a whole ammatillinen tutkinto: Koski records VALMA, TELMA, an osittainen
    tutkinto and other vocational training under the same OO type, and none of those completes a tutkinto."""
    return oo.tyyppi == AMMATILLINEN_KOULUTUS and any(s.tyyppi == AMMATILLINEN_TUTKINTO for s in oo.suoritukset)


def yhdistelmatutkinto(person: HenkiloFacts) -> Yhdistelma | None:
    """The OOs pursued as a yhdistelmätutkinto: an OO for a whole ammatillinen tutkinto whose active periods
    overlap those of a lukiokoulutus or ylioppilastutkinto OO. None when no such pair exists. Koski's
    ylioppilastutkinto OO has no tila rows, so in real data the lukio OO shows the overlap; the YO vahvistus
    counts wherever it is recorded."""
    oos = valid_opiskeluoikeudet(person)
    ammatilliset = [oo for oo in oos if _tutkintoon_johtava(oo)]
    lukio = [oo for oo in oos if oo.tyyppi in YHDISTELMA_LUKIO_TYYPIT]
    pairs = [(a, b, d) for a in ammatilliset for b in lukio if (d := _first_common_day(a, b)) is not None]
    if not pairs:
        return None
    amm_oids = {a.oid for a, _, _ in pairs}
    lukio_oids = {b.oid for _, b, _ in pairs}
    return Yhdistelma(
        alkaen=min(d for _, _, d in pairs),
        ammatilliset=tuple(oo for oo in ammatilliset if oo.oid in amm_oids),
        lukio_puoli=tuple(oo for oo in lukio if oo.oid in lukio_oids),
    )


def _dropped_after(oos: tuple[OpiskeluoikeusFacts, ...]) -> date | None:
    """When every OO of one side ended without a completion (`DROPPED_TILAT`): the last day any was still
    pursued (the day before its final tila). None while any of them is still open or ended otherwise."""
    last_days: list[date] = []
    for oo in oos:
        if not oo.tilat:
            return None
        final_alku = max(row.alku for row in oo.tilat)
        if tila_on(oo.tilat, final_alku) not in DROPPED_TILAT:
            return None
        last_days.append(add_days(final_alku, -1))
    return max(last_days) if last_days else None


def _yhdistelma_decisions(person: HenkiloFacts) -> list[DateDecision | None]:
    """Tutkinto end candidates for maksuttomuus, honouring the yhdistelmätutkinto.

    Decision (DOMAIN.md §6.2, FAQ "ei päättele ... yhdistelmätutkinnon"): completions dated before the overlap
    began, and ammatillinen tutkinnot of OOs outside the pair, end free education on their own. Inside the
    pair, free education lasts until the later of the two is completed; if only one is completed and every
    study right of the other side ended without a completion (eronnut, keskeytynyt, …), it ends when both had
    happened (completion and the last day still pursuing the other). One completed and the other still pursued
    (or lukio valmistunut awaiting the YO): no end yet, the 20-year cap applies.
    """
    oos = valid_opiskeluoikeudet(person)
    ammatillinen = _vahvistukset(oos, AMMATILLINEN_TUTKINTO)
    yo = _vahvistukset(oos, YLIOPPILASTUTKINTO)
    pair = yhdistelmatutkinto(person)
    if pair is None:
        return [
            _tutkinto_decision(ammatillinen, AMMATILLINEN_TUTKINTO_COMPLETED),
            _tutkinto_decision(yo, YLIOPPILASTUTKINTO_COMPLETED),
        ]
    pair_oids = {oo.oid for oo in pair.ammatilliset}
    inside_amm = [v for v, oo in ammatillinen if oo.oid in pair_oids and v >= pair.alkaen]
    outside_amm = [(v, oo) for v, oo in ammatillinen if oo.oid not in pair_oids or v < pair.alkaen]
    inside_yo = [v for v, _ in yo if v >= pair.alkaen]
    outside_yo = [(v, oo) for v, oo in yo if v < pair.alkaen]
    decisions: list[DateDecision | None] = [
        _tutkinto_decision(outside_amm, AMMATILLINEN_TUTKINTO_COMPLETED),
        _tutkinto_decision(outside_yo, YLIOPPILASTUTKINTO_COMPLETED),
    ]
    amm_done = inside_amm[0] if inside_amm else None
    yo_done = inside_yo[0] if inside_yo else None
    if amm_done is not None and yo_done is not None:
        decisions.append(DateDecision(max(amm_done, yo_done), YHDISTELMATUTKINTO_COMPLETED))
    elif amm_done is not None and (lukio_dropped := _dropped_after(pair.lukio_puoli)) is not None:
        decisions.append(DateDecision(max(amm_done, lukio_dropped), YHDISTELMATUTKINTO_OTHER_PART_DROPPED))
    elif yo_done is not None and (amm_dropped := _dropped_after(pair.ammatilliset)) is not None:
        decisions.append(DateDecision(max(yo_done, amm_dropped), YHDISTELMATUTKINTO_OTHER_PART_DROPPED))
    return decisions


def maksuttomuus_until(person: HenkiloFacts) -> DateDecision:
    """Last day of free education (DOMAIN.md §6.2): 31.12. of the year the person turns 20, or earlier on a
    completed tutkinto (see `_yhdistelma_decisions` for the yhdistelmätutkinto) or the day before a vapautus.
    The provider makes the final decision in Koski; this is the service's reasoning."""
    return _earliest(
        DateDecision(date(person.syntymaaika.year + 20, 12, 31), YEAR_TURNING_20),
        *_yhdistelma_decisions(person),
        _vapautus_decision(person),
    )


# --- On a day -------------------------------------------------------------------------------------


def oppivelvollinen_on(person: HenkiloFacts, today: date) -> Verdict:
    """Covered, oppivelvollisuus begun, and today ≤ oppivelvollisuus_until — so a vapautus in force or the
    18th birthday takes the person off the lists (DOMAIN.md §6.2, FAQ). A keskeytys changes nothing here
    (§6.3)."""
    covered = coverage(person, today)
    if not covered:
        return Verdict(False, covered.reason)
    if today < oppivelvollisuus_starts(person):
        return Verdict(False, OPPIVELVOLLISUUS_NOT_STARTED)
    until = oppivelvollisuus_until(person)
    if today > until.date:
        return Verdict(False, until.reason)
    return Verdict(True, OPPIVELVOLLINEN)


def _started(oo: OpiskeluoikeusFacts, today: date) -> bool:
    return oo.alku is None or oo.alku <= today


def _active_of(person: HenkiloFacts, tyypit: frozenset[str], today: date) -> OpiskeluoikeusFacts | None:
    active = [
        oo
        for oo in valid_opiskeluoikeudet(person)
        if oo.tyyppi in tyypit and _started(oo, today) and is_active_on(oo.tilat, today)
    ]
    return min(active, key=lambda oo: oo.oid) if active else None


def suorittaa(person: HenkiloFacts, today: date) -> Suorittaminen:
    """Whether a qualifying OO is active today (DOMAIN.md §6.3): tila lasna/valiaikaisestikeskeytynyt/loma on
    today. An OO that starts in the future does not count yet (FAQ: summer between schools); it is named with
    reason `opiskeluoikeus_starts_later` so the official can see why the person is still listed."""
    active = _active_of(person, QUALIFYING_TYYPIT, today)
    if active is not None:
        return Suorittaminen(True, ACTIVE_OPISKELUOIKEUS, active.oid)
    upcoming: list[tuple[date, str]] = []
    for oo in valid_opiskeluoikeudet(person):
        if oo.tyyppi not in QUALIFYING_TYYPIT:
            continue
        future = [p[0] for p in active_periods(oo.tilat) if p[0] > today]
        if future:
            upcoming.append((min(future), oo.oid))
        elif oo.alku is not None and oo.alku > today and active_periods(oo.tilat):
            upcoming.append((oo.alku, oo.oid))
    if upcoming:
        return Suorittaminen(False, OPISKELUOIKEUS_STARTS_LATER, min(upcoming)[1])
    return Suorittaminen(False, NO_ACTIVE_OPISKELUOIKEUS)


def keskeytetty_on(person: HenkiloFacts, today: date) -> bool:
    """Whether a kunta-recorded keskeytys covers today. Shown to officials; it changes no dates (§6.3)."""
    return any(in_period(today, keskeytys) for keskeytys in person.keskeytykset)


def on_automaattinen_tarkistus(person: HenkiloFacts, kunta: str, today: date) -> Verdict:
    """Whether the person is on `kunta`'s automaattinen tarkistus list today (DOMAIN.md §6.3): covered, not
    under turvakielto, kotikunta today is `kunta`, oppivelvollinen today (so no vapautus in force), and no
    qualifying OO active today. The last safety net: someone between schools over the summer appears (FAQ),
    and only an active OO removes them — a kunta user cannot."""
    covered = coverage(person, today)
    if not covered:
        return Verdict(False, covered.reason)
    if person.turvakielto:
        return Verdict(False, TURVAKIELTO)
    current = kotikunta_on(person.kotikunta_historia, today)
    if current is None or normalise_kuntakoodi(current.kuntakoodi) != normalise_kuntakoodi(kunta):
        return Verdict(False, KOTIKUNTA_ELSEWHERE)
    velvollinen = oppivelvollinen_on(person, today)
    if not velvollinen:
        return Verdict(False, velvollinen.reason)
    doing = suorittaa(person, today)
    if doing:
        return Verdict(False, doing.reason)
    return Verdict(True, AUTOMAATTINEN_TARKISTUS)


def ei_paikkaa_yhteishaussa_warning(person: HenkiloFacts, sai_paikan_yhteishaussa: bool | None, today: date) -> Verdict:
    """Whether the "no place in yhteishaku" warning shows (DOMAIN.md §6.3; FAQ "keltainen kolmio").

    `sai_paikan_yhteishaussa`: True got a place, False applied and got none, None no yhteishaku result. Unlike
    the reference service, the warning clears once an OO after perusopetus (any qualifying type except the
    perusopetus being left) is active today; one starting in the future does not clear it yet.
    """
    if sai_paikan_yhteishaussa is None:
        return Verdict(False, NO_YHTEISHAKU_RESULT)
    if sai_paikan_yhteishaussa:
        return Verdict(False, GOT_PLACE_IN_YHTEISHAKU)
    if _active_of(person, JATKO_OPINTO_TYYPIT, today) is not None:
        return Verdict(False, ACTIVE_OPISKELUOIKEUS)
    return Verdict(True, NO_PLACE_IN_YHTEISHAKU)
