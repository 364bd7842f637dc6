"""Opiskelijapalaute: when a student survey link is made, sent, reminded and closed (DOMAIN.md §3).

Pure rules: the caller passes the stored HOKS and opiskeluoikeus facts, the herätteet already made and
`today`. The decision step runs on every save of a HOKS or a Koski transfer, so "the first time it is stored"
means "whatever trigger is present while no heräte of that kind exists yet".

The link timing rules (`send_day`, `vastausaika`, reminders, expiry) are shared with the
työpaikkaohjaajakysely (§4.1 says "as in §3"), which is why the reminder schedule knows both recipients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import phonenumbers

from models.rules.calendar import add_days, rahoituskausi
from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO,
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    OpiskeluoikeusFacts,
    Suoritus,
    ammatilliset_suoritukset,
    terminal_before,
)

# Kyselytyypit (§3 table) and the instructor survey (§4.1), which shares the link timing rules.
ALOITTANEET = "aloittaneet"
TUTKINNON_SUORITTANEET = "tutkinnon_suorittaneet"
TUTKINNON_OSIA_SUORITTANEET = "tutkinnon_osia_suorittaneet"
TYOPAIKKAOHJAAJAKYSELY = "tyopaikkaohjaajakysely"

OPISKELIJAKYSELYT = (ALOITTANEET, TUTKINNON_SUORITTANEET, TUTKINNON_OSIA_SUORITTANEET)
# The two päättökyselyt share one slot per learner, provider and rahoituskausi (§3 "once per year").
PAATTOKYSELYT = frozenset({TUTKINNON_SUORITTANEET, TUTKINNON_OSIA_SUORITTANEET})

# Which päättökysely a päätason suoritus leads to (§3 table).
PAATTOKYSELY_BY_SUORITUSTYYPPI = {
    AMMATILLINEN_TUTKINTO: TUTKINNON_SUORITTANEET,
    AMMATILLINEN_TUTKINTO_OSITTAINEN: TUTKINNON_OSIA_SUORITTANEET,
}

# Link timing (§3 "Sending", "Answer period"): the last day is at most heratepvm + 59 (60 days from the
# trigger), and at most sent + 29 (30 days from sending). A trigger may lie up to 14 days ahead (§2 caps the
# HOKS date).
MAX_DAYS_AFTER_HERATE = 59
VASTAUSAIKA_DAYS = 30
MAX_DAYS_AHEAD = 14

# Reminders count from the original send day (§3: 5 and 10 days; §4.1: one after 5 days).
REMINDER_OFFSETS: dict[str, tuple[int, ...]] = {
    ALOITTANEET: (5, 10),
    TUTKINNON_SUORITTANEET: (5, 10),
    TUTKINNON_OSIA_SUORITTANEET: (5, 10),
    TYOPAIKKAOHJAAJAKYSELY: (5,),
}

# Reason codes: why no link is made. Recorded with the decision so an official can see why (§3).
EI_AMMATILLINEN_TUTKINTO = "ei_ammatillinen_tutkinto"
EI_OSAAMISEN_HANKKIMISEN_TARVETTA = "ei_osaamisen_hankkimisen_tarvetta"
OSAAMISEN_HANKKIMISEN_TARVE_PUUTTUU = "osaamisen_hankkimisen_tarve_puuttuu"
OPISKELUOIKEUS_MITATOITY = "opiskeluoikeus_mitatoity"
OPISKELUOIKEUS_TERMINAALITILASSA = "opiskeluoikeus_terminaalitilassa"
HERATEPVM_LIIAN_KAUKANA = "heratepvm_liian_kaukana_tulevaisuudessa"
VASTAUSAIKA_UMPEUTUNUT = "vastausaika_umpeutunut"
JO_KYSYTTY_RAHOITUSKAUDELLA = "jo_kysytty_rahoituskaudella"
EI_SAHKOPOSTIA = "ei_sahkopostia"
EI_YHTEYSTIETOJA = "ei_yhteystietoja"
VIRHEELLINEN_PUHELINNUMERO = "virheellinen_puhelinnumero"

REASONS: dict[str, str] = {
    OPISKELUOIKEUS_MITATOITY: "The opiskeluoikeus has been voided (mitätöity); its HOKS no longer takes part.",
    EI_AMMATILLINEN_TUTKINTO: (
        "The opiskeluoikeus has no ammatillinen tutkinto or tutkinnon osa suoritus "
        "(e.g. VALMA, TELMA or TUVA); no feedback is collected from these learners."
    ),
    EI_OSAAMISEN_HANKKIMISEN_TARVETTA: (
        "The learner has no need for training (osaamisen hankkimisen tarve is false): "
        "competence is only demonstrated, so no student feedback is collected."
    ),
    OSAAMISEN_HANKKIMISEN_TARVE_PUUTTUU: (
        "Osaamisen hankkimisen tarve has not been recorded in the HOKS; the link is made once it is recorded as true."
    ),
    OPISKELUOIKEUS_TERMINAALITILASSA: (
        "On the day before the trigger date the opiskeluoikeus was eronnut, katsotaan eronneeksi, "
        "peruutettu, keskeytynyt or väliaikaisesti keskeytynyt."
    ),
    HERATEPVM_LIIAN_KAUKANA: "The trigger date is more than 14 days in the future, which the data rules forbid.",
    VASTAUSAIKA_UMPEUTUNUT: "More than 60 days have passed since the trigger date, so the answer period is over.",
    JO_KYSYTTY_RAHOITUSKAUDELLA: (
        "This survey was already made for the learner at the same education provider in the same "
        "rahoituskausi (1.7.–30.6.); it is asked once per year."
    ),
    EI_SAHKOPOSTIA: "The aloituskysely is sent by e-mail, and the HOKS has no e-mail address for the learner.",
    EI_YHTEYSTIETOJA: (
        "The HOKS has neither an e-mail address nor a Finnish mobile number for the learner, "
        "so the link could not be delivered."
    ),
    VIRHEELLINEN_PUHELINNUMERO: (
        "The only contact is a phone number that is not a valid Finnish mobile number (for example one written "
        "with letters), so no SMS can be sent and the link could not be delivered."
    ),
}


def no_contact_reason(sahkoposti: str | None, puhelinnumero: str | None, general: str) -> str | None:
    """Why nobody can be reached, or None: no e-mail and no valid Finnish mobile (§3, §4.1, §4.3).

    A phone number that is given but unusable (letters, a landline, a foreign number) is named as such, so the
    official sees what to correct; with nothing given at all the reason is `general`.
    """
    if has_text(sahkoposti) or is_finnish_mobile(puhelinnumero):
        return None
    return VIRHEELLINEN_PUHELINNUMERO if has_text(puhelinnumero) else general


@dataclass(frozen=True)
class HoksFacts:
    """The HOKS fields the student feedback rules read (DOMAIN.md §2)."""

    id: int
    oppija_oid: str
    opiskeluoikeus_oid: str
    ensikertainen_hyvaksyminen: date | None
    osaamisen_hankkimisen_tarve: bool | None
    osaamisen_saavuttamisen_pvm: date | None
    sahkoposti: str | None
    puhelinnumero: str | None
    # when the saavuttamisen pvm first reached Polku (None: before arrival times were kept)
    osaamisen_saavuttamisen_pvm_tallennettu: datetime | None = None


@dataclass(frozen=True)
class PriorHerate:
    """A survey link already made. Excluded decisions are not herätteet: they are re-evaluated on the next
    save.

    `oppija_oid` None means the caller passed only this learner's herätteet.
    """

    kyselytyyppi: str
    koulutustoimija_oid: str
    rahoituskausi: str
    hoks_id: int
    heratepvm: date
    oppija_oid: str | None = None


@dataclass(frozen=True)
class Decision:
    """The outcome for one survey kind: make the link (`reason` None) or record why not."""

    kyselytyyppi: str
    heratepvm: date
    rahoituskausi: str
    reason: str | None = None

    @property
    def make_link(self) -> bool:
        return self.reason is None


def has_text(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def is_finnish_mobile(number: str | None) -> bool:
    """Whether `number` can receive SMS: only valid Finnish (+358) mobile numbers do (DOMAIN.md §4.3).

    A number written with letters is invalid: libphonenumber would read "040 abc 3210" as a vanity number and
    dial +358402223210, someone else's phone, so letters are refused before it parses.
    """
    if not has_text(number):
        return False
    assert number is not None
    if any(c.isalpha() for c in number):
        return False
    try:
        parsed = phonenumbers.parse(number.strip(), "FI")
    except phonenumbers.NumberParseException:
        return False
    return (
        parsed.country_code == 358
        and phonenumbers.is_valid_number(parsed)
        and phonenumbers.number_type(parsed)
        in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    )


def paattokysely_trigger(hoks: HoksFacts, oo: OpiskeluoikeusFacts) -> tuple[str, date] | None:
    """The päättökysely kind and heratepvm, or None while neither trigger is stored.

    §3 (seed 000: "sen tiedon perusteella, joka tallennetaan ... ensin"): of the HOKS osaamisen_saavuttamisen_pvm
    and the Koski vahvistus, the one that reached Polku first, by when it arrived, whatever the dates say (a
    vahvistus stored on 20.5. beats a saavuttamisen pvm 10.5. saved on 25.5.). A fact stored before arrival
    times were kept counts as earlier than any timed one; on a tie (both in one save) the HOKS date wins, as
    the seed names it first. The kind follows the suoritus: the vahvistettu one when a vahvistus triggers
    (the earliest dated, ammatillinentutkinto first), otherwise ammatillinentutkinto before the osittainen one.
    """
    suoritukset = ammatilliset_suoritukset(oo)
    candidates: list[tuple[tuple[datetime, int, date, bool], str, date]] = []
    if hoks.osaamisen_saavuttamisen_pvm is not None:
        pvm = hoks.osaamisen_saavuttamisen_pvm
        candidates.append(
            ((_arrival(hoks.osaamisen_saavuttamisen_pvm_tallennettu), 0, pvm, False), _kind_of(suoritukset), pvm)
        )
    for s in suoritukset:
        if s.vahvistus is not None:
            key = (_arrival(s.vahvistus_tallennettu), 1, s.vahvistus, s.tyyppi != AMMATILLINEN_TUTKINTO)
            candidates.append((key, PAATTOKYSELY_BY_SUORITUSTYYPPI[s.tyyppi], s.vahvistus))
    if not candidates:
        return None
    _, kind, heratepvm = min(candidates, key=lambda c: c[0])
    return kind, heratepvm


_BEFORE_ARRIVAL_TIMES = datetime.min.replace(tzinfo=UTC)


def _arrival(stored: datetime | None) -> datetime:
    return _BEFORE_ARRIVAL_TIMES if stored is None else stored


def _kind_of(suoritukset: Sequence[Suoritus]) -> str:
    # With no ammatillinen suoritus the decision is an exclusion anyway; its kind defaults to the whole
    # tutkinto.
    tyypit = {s.tyyppi for s in suoritukset}
    if AMMATILLINEN_TUTKINTO_OSITTAINEN in tyypit and AMMATILLINEN_TUTKINTO not in tyypit:
        return TUTKINNON_OSIA_SUORITTANEET
    return TUTKINNON_SUORITTANEET


def _same_slot(kyselytyyppi: str, other: str) -> bool:
    if kyselytyyppi in PAATTOKYSELYT:
        return other in PAATTOKYSELYT
    return other == kyselytyyppi


def decide_opiskelijapalaute(
    hoks: HoksFacts, oo: OpiskeluoikeusFacts, prior: Sequence[PriorHerate], today: date
) -> list[Decision]:
    """Decisions for the survey kinds whose trigger exists and which this HOKS has not yet had (§3).

    The aloituskysely is made once per HOKS, the päättökysely once per HOKS whichever of its two kinds. When
    no link may be made, the first failing rule (in the order of §3's list) is the recorded reason.
    """
    mine = [p for p in prior if p.oppija_oid in (None, hoks.oppija_oid)]
    decisions: list[Decision] = []

    if hoks.ensikertainen_hyvaksyminen is not None and not any(
        p.hoks_id == hoks.id and p.kyselytyyppi == ALOITTANEET for p in mine
    ):
        decisions.append(_decide(ALOITTANEET, hoks.ensikertainen_hyvaksyminen, hoks, oo, mine, today))

    if not any(p.hoks_id == hoks.id and p.kyselytyyppi in PAATTOKYSELYT for p in mine):
        trigger = paattokysely_trigger(hoks, oo)
        if trigger is not None:
            kind, heratepvm = trigger
            decisions.append(_decide(kind, heratepvm, hoks, oo, mine, today))

    return decisions


def _decide(
    kyselytyyppi: str,
    heratepvm: date,
    hoks: HoksFacts,
    oo: OpiskeluoikeusFacts,
    prior: Sequence[PriorHerate],
    today: date,
) -> Decision:
    kausi = rahoituskausi(heratepvm)
    return Decision(kyselytyyppi, heratepvm, kausi, _reason(kyselytyyppi, heratepvm, kausi, hoks, oo, prior, today))


def _reason(
    kyselytyyppi: str,
    heratepvm: date,
    kausi: str,
    hoks: HoksFacts,
    oo: OpiskeluoikeusFacts,
    prior: Sequence[PriorHerate],
    today: date,
) -> str | None:
    if oo.mitatoity:
        return OPISKELUOIKEUS_MITATOITY
    if not ammatilliset_suoritukset(oo):
        return EI_AMMATILLINEN_TUTKINTO
    if hoks.osaamisen_hankkimisen_tarve is False:
        return EI_OSAAMISEN_HANKKIMISEN_TARVETTA
    if hoks.osaamisen_hankkimisen_tarve is None:
        return OSAAMISEN_HANKKIMISEN_TARVE_PUUTTUU
    if terminal_before(oo.tilat, heratepvm):
        return OPISKELUOIKEUS_TERMINAALITILASSA
    if heratepvm > add_days(today, MAX_DAYS_AHEAD):
        return HERATEPVM_LIIAN_KAUKANA
    if is_past_answer_period(heratepvm, today):
        return VASTAUSAIKA_UMPEUTUNUT
    if any(
        _same_slot(kyselytyyppi, p.kyselytyyppi)
        and p.koulutustoimija_oid == oo.koulutustoimija_oid
        and p.rahoituskausi == kausi
        for p in prior
    ):
        return JO_KYSYTTY_RAHOITUSKAUDELLA
    if kyselytyyppi == ALOITTANEET:
        if not has_text(hoks.sahkoposti):
            return EI_SAHKOPOSTIA
    else:
        return no_contact_reason(hoks.sahkoposti, hoks.puhelinnumero, EI_YHTEYSTIETOJA)
    return None


def last_send_day(heratepvm: date) -> date:
    """The last day a link may still be sent: heratepvm + 59 (§3 "not after heratepvm + 59")."""
    return add_days(heratepvm, MAX_DAYS_AFTER_HERATE)


def is_past_answer_period(heratepvm: date, today: date) -> bool:
    return today > last_send_day(heratepvm)


def send_day(heratepvm: date, today: date) -> date | None:
    """The day the link goes out: the first daily run on or after heratepvm (§3 "Sending").

    A trigger up to 14 days ahead waits for its day; a late run (e.g. after an outage) sends today. None means
    the link is refused: today is past heratepvm + 59, or the trigger is further ahead than the data rules
    allow.
    """
    if is_past_answer_period(heratepvm, today) or heratepvm > add_days(today, MAX_DAYS_AHEAD):
        return None
    return max(heratepvm, today)


def vastausaika(sent_day: date, heratepvm: date) -> tuple[date, date]:
    """The answer period `[alku, loppu]`: from the send day, 30 days but at most 60 days from the trigger
    (§3).
    """
    if sent_day < heratepvm:
        raise ValueError("a link is not sent before its heratepvm")
    if sent_day > last_send_day(heratepvm):
        raise ValueError("a link may not be sent after heratepvm + 59")
    return sent_day, min(add_days(sent_day, VASTAUSAIKA_DAYS - 1), last_send_day(heratepvm))


def reminder_days(sent_day: date, kind: str) -> tuple[date, ...]:
    """Reminder days counted from the original send day: students +5 and +10 (§3), instructors +5 (§4.1).

    A resend does not move them (§3 "Resend": it is the same link).
    """
    return tuple(add_days(sent_day, n) for n in REMINDER_OFFSETS[kind])


def reminder_due(
    sent_day: date,
    kind: str,
    reminders_already_sent: int,
    answered: bool,
    vastausaika_loppu: date,
    today: date,
) -> bool:
    """Whether the next reminder should go today: unanswered, still open, and its day has come (§3, §4.1).

    A reminder missed by a stopped run goes on the next run while the link is open; the caller sends at most
    one per link per run, so two missed reminders go out on consecutive runs rather than together.
    """
    if answered or is_expired(vastausaika_loppu, today):
        return False
    days = reminder_days(sent_day, kind)
    return reminders_already_sent < len(days) and today >= days[reminders_already_sent]


def is_expired(vastausaika_loppu: date, today: date) -> bool:
    """A link is open through its last day and expired from the day after (§3; periods include both ends)."""
    return today > vastausaika_loppu
