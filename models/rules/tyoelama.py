"""Työelämäpalaute: the työpaikkaohjaajakysely (§4.1) and the työpaikkakysely (§4.2) of DOMAIN.md.

Pure rules: which työpaikkajaksot qualify, on which send day (the 1st or the 16th) they go, how they are
bundled (niputus) so an instructor answers once per half-month, how long a jakso lasted (kesto, for
reporting), and which workplaces get a työpaikkakysely link in each half-year window. The link timing (answer
period, reminders) is the one of §3, shared through `palaute`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from models.rules.calendar import Period, in_period
from models.rules.hoks import TYOPAIKKAJAKSO_TYYPIT
from models.rules.opiskeluoikeus import (
    VALIAIKAISESTI_KESKEYTYNYT,
    OpiskeluoikeusFacts,
    ammatilliset_suoritukset,
    terminal_before,
    tila_periods,
    tutkinto_koodi,
)
from models.rules.palaute import (
    EI_AMMATILLINEN_TUTKINTO,
    OPISKELUOIKEUS_MITATOITY,
    OPISKELUOIKEUS_TERMINAALITILASSA,
    TYOPAIKKAOHJAAJAKYSELY,
    VASTAUSAIKA_UMPEUTUNUT,
    VIRHEELLINEN_PUHELINNUMERO,
    has_text,
    is_finnish_mobile,
    is_past_answer_period,
    last_send_day,
    no_contact_reason,
    reminder_days,
    vastausaika,
)
from models.rules.tunnisteet import ytunnus_error

# Osaamisen hankkimistavat (§1); only the first two are työpaikkajaksot.
OPPISOPIMUS = "oppisopimus"
KOULUTUSSOPIMUS = "koulutussopimus"
OPPILAITOSMUOTOINEN = "oppilaitosmuotoinen"
MUU = "muu"

# §4.1 "First ever run: 16.7.2021 for jaksot ended 1.7.–15.7.2021"; nothing ended earlier is ever asked about.
FIRST_SEND_DAY = date(2021, 7, 16)
FIRST_LOPPU = date(2021, 7, 1)
# §4.2 "The first window is January 2022."
FIRST_TYOPAIKKAKYSELY = date(2022, 1, 1)

# Reason codes: why a jakso gets no instructor survey (or does not count for the työpaikkakysely).
EI_TYOPAIKKAJAKSO = "ei_tyopaikkajakso"
PAATTYNYT_ENNEN_KAYTTOONOTTOA = "paattynyt_ennen_kayttoonottoa"
PUUTTUU_TYOPAIKAN_NIMI = "puuttuu_tyopaikan_nimi"
EI_KELVOLLISTA_YTUNNUSTA = "ei_kelvollista_ytunnusta"
PUUTTUU_OHJAAJAN_NIMI = "puuttuu_ohjaajan_nimi"
EI_OHJAAJAN_YHTEYSTIETOJA = "ei_ohjaajan_yhteystietoja"
JAKSO_KESKEYTYNYT = "jakso_keskeytynyt"

REASONS: dict[str, str] = {
    EI_TYOPAIKKAJAKSO: (
        "The hankkimistapa is neither an oppisopimus nor a koulutussopimus, so it is no työpaikkajakso."
    ),
    OPISKELUOIKEUS_MITATOITY: "The opiskeluoikeus has been voided (mitätöity); its HOKS no longer takes part.",
    EI_AMMATILLINEN_TUTKINTO: (
        "The opiskeluoikeus has no ammatillinen tutkinto or tutkinnon osa suoritus "
        "(e.g. VALMA, TELMA or TUVA); no feedback is collected from these learners."
    ),
    PAATTYNYT_ENNEN_KAYTTOONOTTOA: (
        "The jakso ended before 1.7.2021; automatic työelämäpalaute covers jaksot ended from then on."
    ),
    PUUTTUU_TYOPAIKAN_NIMI: "The jakso has no työpaikan nimi.",
    EI_KELVOLLISTA_YTUNNUSTA: "The jakso has no valid y-tunnus for the workplace.",
    PUUTTUU_OHJAAJAN_NIMI: "The jakso has no name for the vastuullinen työpaikkaohjaaja.",
    EI_OHJAAJAN_YHTEYSTIETOJA: (
        "The työpaikkaohjaaja has neither an e-mail address nor a Finnish mobile number, "
        "so the survey could not be delivered."
    ),
    VIRHEELLINEN_PUHELINNUMERO: (
        "The työpaikkaohjaaja's only contact is a phone number that is not a valid Finnish mobile number (for "
        "example one written with letters), so no SMS can be sent and the survey could not be delivered."
    ),
    JAKSO_KESKEYTYNYT: "The jakso was interrupted: a keskeytymisajanjakso covers its last day, or one is still open.",
    OPISKELUOIKEUS_TERMINAALITILASSA: (
        "On the day before the jakso's last day the opiskeluoikeus was eronnut, katsotaan eronneeksi, "
        "peruutettu, keskeytynyt or väliaikaisesti keskeytynyt."
    ),
    VASTAUSAIKA_UMPEUTUNUT: (
        "More than 60 days have passed since the jakso's scheduled send day, so the answer period is over."
    ),
}

Niputusavain = tuple[str, str | None, str, str]


@dataclass(frozen=True, slots=True)
class TyopaikkajaksoFacts:
    """One työpaikkajakso (a hankkimistapa) with its opiskeluoikeus, as the rules see it (DOMAIN.md §2)."""

    hankkimistapa_id: int
    yksiloiva_tunniste: str
    hoks_id: int
    oppija_oid: str
    opiskeluoikeus: OpiskeluoikeusFacts
    tutkinto_koodi: str | None
    tyyppi: str
    alku: date
    loppu: date
    tyopaikan_nimi: str | None
    ytunnus: str | None
    ohjaaja_nimi: str | None
    ohjaaja_sahkoposti: str | None
    ohjaaja_puhelinnumero: str | None
    osa_aikaisuus: int | None = None  # 1–100; absent means 100 (§2)
    keskeytymisajanjaksot: tuple[Period, ...] = ()


@dataclass(frozen=True, slots=True)
class Bundle:
    """One työpaikkaohjaajakysely link (a nippu): every member jakso carries its answer (§4.1 "Bundling")."""

    key: Niputusavain
    heratepvm: date  # the scheduled send day of the members' half-month (§4.1 "Answer period")
    send_day: date
    jakso_ids: tuple[int, ...]
    sahkoposti: str | None
    puhelinnumero: str | None


@dataclass(frozen=True)
class TyopaikkakyselyWindow:
    """A työpaikkakysely round (§4.2).

    Its links are open `[alku, loppu]`; they cover jaksot that ended in `[jaksot_alku, jaksot_loppu]`.
    """

    alku: date
    loppu: date
    jaksot_alku: date
    jaksot_loppu: date


# --- Qualifying ---------------------------------------------------------------------------------------------


def is_interrupted(jakso: TyopaikkajaksoFacts) -> bool:
    """§4.1: a break covering the loppu day, or a still open one, means the jakso was interrupted."""
    return any(loppu is None or in_period(jakso.loppu, (alku, loppu)) for alku, loppu in jakso.keskeytymisajanjaksot)


def has_valid_ytunnus(jakso: TyopaikkajaksoFacts) -> bool:
    return jakso.ytunnus is not None and ytunnus_error(jakso.ytunnus.strip()) is None


def qualifies(jakso: TyopaikkajaksoFacts, today: date | None = None) -> str | None:
    """None when the jakso gets a työpaikkaohjaajakysely, else the reason code (§4.1 "Qualifying jakso").

    With `today` it also says whether the chance has passed: a jakso is asked about at the latest on its
    scheduled send day + 59 (§4.1 "Answer period"). The first failing rule in the order below is the one
    recorded.
    """
    oo = jakso.opiskeluoikeus
    if jakso.tyyppi not in TYOPAIKKAJAKSO_TYYPIT:
        return EI_TYOPAIKKAJAKSO
    if oo.mitatoity:
        return OPISKELUOIKEUS_MITATOITY
    if not ammatilliset_suoritukset(oo):
        return EI_AMMATILLINEN_TUTKINTO
    if jakso.loppu < FIRST_LOPPU:
        return PAATTYNYT_ENNEN_KAYTTOONOTTOA
    if not has_text(jakso.tyopaikan_nimi):
        return PUUTTUU_TYOPAIKAN_NIMI
    if not has_valid_ytunnus(jakso):
        return EI_KELVOLLISTA_YTUNNUSTA
    if not has_text(jakso.ohjaaja_nimi):
        return PUUTTUU_OHJAAJAN_NIMI
    unreachable = no_contact_reason(jakso.ohjaaja_sahkoposti, jakso.ohjaaja_puhelinnumero, EI_OHJAAJAN_YHTEYSTIETOJA)
    if unreachable:
        return unreachable
    if is_interrupted(jakso):
        return JAKSO_KESKEYTYNYT
    if terminal_before(oo.tilat, jakso.loppu):
        return OPISKELUOIKEUS_TERMINAALITILASSA
    if today is not None and is_past_answer_period(scheduled_send_day(jakso.loppu), today):
        return VASTAUSAIKA_UMPEUTUNUT
    return None


# --- Send days ----------------------------------------------------------------------------------------------


def _first_of_next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def scheduled_send_day(loppu: date) -> date:
    """§4.1 "When": a jakso ended on the 1st–15th goes on the 16th; 16th–last, on the next month's 1st."""
    if loppu < FIRST_LOPPU:
        raise ValueError("jaksot ended before 1.7.2021 are never scheduled")
    return loppu.replace(day=16) if loppu.day <= 15 else _first_of_next_month(loppu)


def is_send_day(day: date) -> bool:
    return day.day in (1, 16) and day >= FIRST_SEND_DAY


def ended_period_for_send_day(send_day: date) -> tuple[date, date]:
    """The loppu days `[first, last]` whose jaksot a send day covers (the inverse of `scheduled_send_day`)."""
    if not is_send_day(send_day):
        raise ValueError(f"{send_day} is not a send day (the 1st or 16th, from 16.7.2021)")
    if send_day.day == 16:
        return send_day.replace(day=1), send_day.replace(day=15)
    last = send_day - timedelta(days=1)
    return last.replace(day=16), last


def next_send_day(day: date) -> date:
    """The first send day on or after `day`."""
    if day < FIRST_SEND_DAY:
        return FIRST_SEND_DAY
    if day.day in (1, 16):
        return day
    return day.replace(day=16) if day.day < 16 else _first_of_next_month(day)


def effective_send_day(scheduled: date, today: date) -> date | None:
    """The send day a not-yet-sent jakso goes on (§4.1 "Changes").

    Before or on its scheduled day, that day. Once it has passed unsent (entered late, shortened into the
    past), the next send day on or after today; the jakso keeps `scheduled` as heratepvm, so when that next
    send day is past scheduled + 59 the jakso is refused (None).
    """
    if today <= scheduled:
        return scheduled
    nxt = next_send_day(today)
    return None if nxt > last_send_day(scheduled) else nxt


def instructor_vastausaika(sent_day: date, heratepvm: date) -> tuple[date, date]:
    """§4.1 "Answer period": as §3 with heratepvm = the scheduled send day, so a delayed send stays capped."""
    return vastausaika(sent_day, heratepvm)


def instructor_reminder_days(sent_day: date) -> tuple[date, ...]:
    """§4.1: one reminder, 5 days after the original send day (sent on every channel the link went by)."""
    return reminder_days(sent_day, TYOPAIKKAOHJAAJAKYSELY)


# --- Bundling -----------------------------------------------------------------------------------------------


def normalise_ohjaaja_nimi(nimi: str) -> str:
    """§4.1 "Ohjaaja identity": trimmed, runs of whitespace collapsed to one space, case-folded."""
    return " ".join(nimi.split()).casefold()


def tutkinto_of(jakso: TyopaikkajaksoFacts) -> str | None:
    """The jakso's tutkinto code, falling back to the OO's ammatillinen suoritus when the jakso has none (units
    from several qualifications have none, DOMAIN.md §2)."""
    if jakso.tutkinto_koodi:
        return jakso.tutkinto_koodi.strip()
    for suoritus in ammatilliset_suoritukset(jakso.opiskeluoikeus):
        if koodi := tutkinto_koodi(suoritus):
            return koodi
    return None


def niputusavain(jakso: TyopaikkajaksoFacts) -> Niputusavain:
    """§4.1 "Bundling": one survey per (koulutustoimija, tutkinto, y-tunnus, vastuullinen ohjaaja)."""
    return (
        jakso.opiskeluoikeus.koulutustoimija_oid,
        tutkinto_of(jakso),
        (jakso.ytunnus or "").strip(),
        normalise_ohjaaja_nimi(jakso.ohjaaja_nimi or ""),
    )


@dataclass(frozen=True)
class Yhteystieto:
    """A member jakso's instructor contacts, with what orders them (its loppu, then its id)."""

    loppu: date
    hankkimistapa_id: int
    sahkoposti: str | None
    puhelinnumero: str | None


def latest_contacts(members: Iterable[Yhteystieto]) -> tuple[str | None, str | None]:
    """A bundle's e-mail and mobile number, each from the latest-ending member that has one (ties: highest id).

    Used when the bundle is made and again for each reminder, with the jaksot as they are then (§3 "Addresses").
    """
    latest_first = sorted(members, key=lambda m: (m.loppu, m.hankkimistapa_id), reverse=True)
    sahkoposti = next((m.sahkoposti.strip() for m in latest_first if has_text(m.sahkoposti)), None)  # type: ignore[union-attr]
    puhelin = next(
        (m.puhelinnumero.strip() for m in latest_first if m.puhelinnumero and is_finnish_mobile(m.puhelinnumero)),
        None,
    )
    return sahkoposti, puhelin


def bundle(jaksot: Iterable[TyopaikkajaksoFacts], send_day: date, today: date) -> list[Bundle]:
    """The niput to send on `send_day`, seen from `today` (§4.1 "Bundling", "Changes").

    `jaksot` are the jaksot not yet in a sent bundle (a rule cannot know what was sent); removed jaksot are simply
    not passed in.

    Members are the qualifying jaksot scheduled for `send_day` (also when `send_day` is a missed run caught up
    today, capped at scheduled + 59) and the late ones whose `effective_send_day` is `send_day`. An instructor
    answers once per half-month of ended jaksot, so a late jakso keeps its own half-month: the bundle key is
    the niputusavain *and* the heratepvm. Contacts come from the latest-ending member that has one (ties:
    highest hankkimistapa id), e-mail and mobile number each on their own.
    """
    if not is_send_day(send_day):
        raise ValueError(f"{send_day} is not a send day (the 1st or 16th, from 16.7.2021)")
    unique = {j.hankkimistapa_id: j for j in jaksot}
    groups: dict[tuple[Niputusavain, date], list[TyopaikkajaksoFacts]] = defaultdict(list)
    for jakso in unique.values():
        if qualifies(jakso, today) is not None:
            continue
        scheduled = scheduled_send_day(jakso.loppu)
        if scheduled == send_day or effective_send_day(scheduled, today) == send_day:
            groups[(niputusavain(jakso), scheduled)].append(jakso)

    bundles = []
    for (key, heratepvm), members in sorted(groups.items(), key=lambda item: (item[0][1], repr(item[0][0]))):
        sahkoposti, puhelin = latest_contacts(
            Yhteystieto(j.loppu, j.hankkimistapa_id, j.ohjaaja_sahkoposti, j.ohjaaja_puhelinnumero) for j in members
        )
        bundles.append(
            Bundle(
                key=key,
                heratepvm=heratepvm,
                send_day=send_day,
                jakso_ids=tuple(sorted(j.hankkimistapa_id for j in members)),
                sahkoposti=sahkoposti,
                puhelinnumero=puhelin,
            )
        )
    return bundles


# --- Kesto --------------------------------------------------------------------------------------------------


def valiaikaisesti_keskeytynyt_periods(oo: OpiskeluoikeusFacts) -> tuple[Period, ...]:
    """The OO's `valiaikaisestikeskeytynyt` periods from its tila history, for `kesto` (§4.1 "Kesto")."""
    return tila_periods(oo.tilat, VALIAIKAISESTI_KESKEYTYNYT)


def _ordinals(alku: date, loppu: date) -> range:
    return range(alku.toordinal(), loppu.toordinal() + 1)


def _without(days: set[int], periods: Iterable[Period], until: date) -> set[int]:
    """`days` less every day of `periods` (an open period runs on, so up to `until` is enough here)."""
    for alku, loppu in periods:
        days.difference_update(_ordinals(alku, loppu or until))
    return days


def _active_days(jakso: TyopaikkajaksoFacts) -> set[int]:
    """Days (as ordinals) the jakso is active: inside its dates and not on one of its own breaks."""
    return _without(set(_ordinals(jakso.alku, jakso.loppu)), jakso.keskeytymisajanjaksot, jakso.loppu)


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves up (§4.1 "round half up"; exact, unlike float round())."""
    return math.floor(value + Fraction(1, 2))


KESKEYTYMISAJANJAKSO = "keskeytymisajanjakso"


@dataclass(frozen=True)
class KestonTauko:
    """A break that removes days from the kesto: the jakso's own keskeytymisajanjakso or the OO's
    valiaikaisestikeskeytynyt period, cut to the jakso's dates."""

    alku: date
    loppu: date
    syy: str  # KESKEYTYMISAJANJAKSO or VALIAIKAISESTI_KESKEYTYNYT


@dataclass(frozen=True)
class KestoErittely:
    """How a jakso's kesto was counted (§4.1 "Kesto"), so a provider can check it against its own records.

    `jaetut` maps "on this many of the learner's jaksot at once" to how many of the counted days were so
    shared; each such day adds 1/k. `kesto` = round_half_up(sum × osa_aikaisuus / 100).
    """

    kalenteripaivia: int
    tauot: tuple[KestonTauko, ...]
    taukopaivia: int
    jaetut: tuple[tuple[int, int], ...]
    paivia_osuuksin: Fraction
    osa_aikaisuus: int
    kesto: int


def kesto(
    jakso: TyopaikkajaksoFacts,
    all_jaksot_of_learner: Sequence[TyopaikkajaksoFacts],
    oo_keskeytynyt_periods: Sequence[Period],
) -> int:
    """The jakso's duration in days for reporting, exactly per §4.1 "Kesto" (see `kesto_erittely`)."""
    return kesto_erittely(jakso, all_jaksot_of_learner, oo_keskeytynyt_periods).kesto


def kesto_erittely(
    jakso: TyopaikkajaksoFacts,
    all_jaksot_of_learner: Sequence[TyopaikkajaksoFacts],
    oo_keskeytynyt_periods: Sequence[Period],
) -> KestoErittely:
    """The kesto and what it was computed from (§4.1 "Kesto").

    Each day of `[alku, loppu]` counts, except days on the jakso's own breaks or in the OO's
    valiaikaisestikeskeytynyt periods; a day on which n of the learner's työpaikkajaksot are active (inside
    their dates, not on a break) counts 1/n. The sum times osa_aikaisuus/100, rounded half up. The jakso
    itself is always among the learner's jaksot (added when missing, never counted twice).
    """
    others = {j.hankkimistapa_id: j for j in all_jaksot_of_learner if j.tyyppi in TYOPAIKKAJAKSO_TYYPIT}
    others[jakso.hankkimistapa_id] = jakso
    counted = _without(_active_days(jakso), oo_keskeytynyt_periods, jakso.loppu)
    active = [_active_days(j) for j in others.values()]
    # Days grouped by how many jaksot share them: n days shared k ways add n/k (exact, in one Fraction each).
    shares = Counter(sum(1 for days in active if day in days) for day in counted)
    total = sum((Fraction(n, k) for k, n in shares.items()), Fraction(0))
    osa_aikaisuus = 100 if jakso.osa_aikaisuus is None else jakso.osa_aikaisuus
    kalenteripaivia = len(_ordinals(jakso.alku, jakso.loppu))
    return KestoErittely(
        kalenteripaivia=kalenteripaivia,
        tauot=_tauot(jakso, oo_keskeytynyt_periods),
        taukopaivia=kalenteripaivia - len(counted),
        jaetut=tuple(sorted(shares.items())),
        paivia_osuuksin=total,
        osa_aikaisuus=osa_aikaisuus,
        kesto=round_half_up(total * Fraction(osa_aikaisuus, 100)),
    )


def _tauot(jakso: TyopaikkajaksoFacts, oo_keskeytynyt_periods: Sequence[Period]) -> tuple[KestonTauko, ...]:
    """The breaks that fall inside the jakso, cut to its dates, by start."""
    found = []
    for periods, syy in (
        (jakso.keskeytymisajanjaksot, KESKEYTYMISAJANJAKSO),
        (oo_keskeytynyt_periods, VALIAIKAISESTI_KESKEYTYNYT),
    ):
        for alku, loppu in periods:
            start, end = max(alku, jakso.alku), min(loppu or jakso.loppu, jakso.loppu)
            if start <= end:
                found.append(KestonTauko(start, end, syy))
    return tuple(sorted(found, key=lambda t: (t.alku, t.syy)))


# --- Työpaikkakysely (§4.2) ---------------------------------------------------------------------------------


def _last_of_february(year: int) -> date:
    return date(year, 3, 1) - timedelta(days=1)


def tyopaikkakysely_window(today: date) -> TyopaikkakyselyWindow | None:
    """The työpaikkakysely window `today` falls in, or None between windows (§4.2).

    1.7.–31.8. covers jaksot ended 1.1.–30.6. of the same year; 1.1.–28./29.2. those ended 1.7.–31.12. of the
    year before. The first window is January 2022.
    """
    if today < FIRST_TYOPAIKKAKYSELY:
        return None
    year = today.year
    if today.month in (1, 2):
        return TyopaikkakyselyWindow(
            date(year, 1, 1), _last_of_february(year), date(year - 1, 7, 1), date(year - 1, 12, 31)
        )
    if today.month in (7, 8):
        return TyopaikkakyselyWindow(date(year, 7, 1), date(year, 8, 31), date(year, 1, 1), date(year, 6, 30))
    return None


def tyopaikkakysely_reason(jakso: TyopaikkajaksoFacts) -> str | None:
    """Why a jakso does not count for the työpaikkakysely, or None when it does (§4.2).

    §4.2 names only interruption; a voided OO and VALMA/TELMA are left out as everywhere (§2). Ohjaaja
    contacts and the learner's tila do not matter: the link goes to the provider, which picks the workplace's
    respondent.
    """
    if jakso.tyyppi not in TYOPAIKKAJAKSO_TYYPIT:
        return EI_TYOPAIKKAJAKSO
    if jakso.opiskeluoikeus.mitatoity:
        return OPISKELUOIKEUS_MITATOITY
    if not ammatilliset_suoritukset(jakso.opiskeluoikeus):
        return EI_AMMATILLINEN_TUTKINTO
    if not has_valid_ytunnus(jakso):
        return EI_KELVOLLISTA_YTUNNUSTA
    if is_interrupted(jakso):
        return JAKSO_KESKEYTYNYT
    return None


def tyopaikkakysely_groups(
    jaksot: Iterable[TyopaikkajaksoFacts], window: TyopaikkakyselyWindow
) -> dict[tuple[str, str], list[int]]:
    """One työpaikkakysely link per (koulutustoimija, y-tunnus) with jaksot ended in the window's half-year
    (§4.2).

    Values are the counting jaksot' hankkimistapa ids, sorted; keys come in sorted order.
    """
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for jakso in jaksot:
        if tyopaikkakysely_reason(jakso) is None and window.jaksot_alku <= jakso.loppu <= window.jaksot_loppu:
            assert jakso.ytunnus is not None
            key = (jakso.opiskeluoikeus.koulutustoimija_oid, jakso.ytunnus.strip())
            groups[key].add(jakso.hankkimistapa_id)
    return {key: sorted(groups[key]) for key in sorted(groups)}
