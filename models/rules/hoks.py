"""What makes a HOKS plan valid on its own (DOMAIN.md §2). Checks that need the database live in
`models.services.hoks`; everything here is a pure function of the plan and `today`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from models.rules.calendar import same_day_years_later
from models.rules.sahkoposti import sahkoposti_error
from models.rules.tunnisteet import OPISKELUOIKEUS_NODE, OPPIJA_NODE, oid_error, ytunnus_error
from models.rules.viesti import Viesti

OSA_TYYPIT = ("ammatillinen", "paikallinen", "yhteinen")
TYOPAIKKAJAKSO_TYYPIT = frozenset({"oppisopimus", "koulutussopimus"})
HANKKIMISTAPA_TYYPIT = TYOPAIKKAJAKSO_TYYPIT | {"oppilaitosmuotoinen", "muu"}
OPPISOPIMUKSEN_PERUSTAT = frozenset({"tyosuhde", "yrittaja"})
EARLIEST_SAAVUTTAMINEN = date(2018, 1, 1)
MAX_JAKSO_YEARS = 5


@dataclass(frozen=True)
class FieldError:
    """One reason an input is refused: `field` is a snake_case path such as `tutkinnon_osat[0].alku`."""

    field: str
    code: str
    message: str
    # The message as a catalog template with its values, when it has values in it; else `message` is the msgid.
    viesti: Viesti | None = dataclasses.field(default=None, compare=False)

    @classmethod
    def of(cls, field: str, code: str, template: str, **arvot: object) -> FieldError:
        viesti = Viesti.of(template, **arvot)
        return cls(field, code, str(viesti), viesti)

    @property
    def teksti(self) -> Viesti:
        return self.viesti or Viesti(self.message)


@dataclass(frozen=True)
class Keskeytymisajanjakso:
    alku: date
    loppu: date | None = None


@dataclass(frozen=True)
class HankkimistapaPlan:
    tyyppi: str
    alku: date
    loppu: date
    yksiloiva_tunniste: str | None = None
    tyopaikan_nimi: str | None = None
    ytunnus: str | None = None
    ohjaaja_nimi: str | None = None
    ohjaaja_sahkoposti: str | None = None
    ohjaaja_puhelinnumero: str | None = None
    osa_aikaisuus: int | None = None
    oppisopimuksen_perusta: str | None = None
    keskeytymisajanjaksot: tuple[Keskeytymisajanjakso, ...] = ()
    # what eHOKS's document holds beyond these (edustajat, muut oppimisympäristöt, keskeiset työtehtävät, …)
    lisatiedot: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_tyopaikkajakso(self) -> bool:
        return self.tyyppi in TYOPAIKKAJAKSO_TYYPIT


@dataclass(frozen=True)
class TutkinnonOsaPlan:
    """A hankittava tutkinnon osa: an ammatillinen or a paikallinen one, or one osa-alue of a yhteinen one (the
    osa-alueet of a yhteinen osa are consecutive, with its code; `yhteinen_osa` holds the osa's own fields).
    A paikallinen osa has no national code (empty `tutkinnon_osa_koodi`)."""

    tutkinnon_osa_koodi: str
    nimi: str | None = None
    hankkimistavat: tuple[HankkimistapaPlan, ...] = ()
    tyyppi: str = "ammatillinen"
    osa_alue_koodi: str | None = None
    lisatiedot: Mapping[str, Any] = field(default_factory=dict)
    yhteinen_osa: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HoksPlan:
    """The whole plan as an update replaces it; `patchHoks` changes only the top-level fields."""

    oppija_oid: str
    opiskeluoikeus_oid: str
    ensikertainen_hyvaksyminen: date
    osaamisen_hankkimisen_tarve: bool | None = None
    osaamisen_saavuttamisen_pvm: date | None = None
    sahkoposti: str | None = None
    puhelinnumero: str | None = None
    tutkinnon_osat: tuple[TutkinnonOsaPlan, ...] = field(default_factory=tuple)
    # eHOKS's parts Polku keeps but does not act on: aiemmin hankitut, opiskeluvalmiuksia tukevat opinnot, …
    lisatiedot: Mapping[str, Any] = field(default_factory=dict)


def clean(value: str | None) -> str | None:
    """Strings are trimmed (DOMAIN.md §2); a blank one means absent."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def validate_top_level(plan: HoksPlan, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    for name, oid, node in (
        ("oppija_oid", plan.oppija_oid, OPPIJA_NODE),
        ("opiskeluoikeus_oid", plan.opiskeluoikeus_oid, OPISKELUOIKEUS_NODE),
    ):
        problem = oid_error(oid, node)
        if problem:
            errors.append(FieldError.of(name, "INVALID_OID", "{oid}: {problem}", oid=repr(oid), problem=problem))
    errors.extend(validate_saavuttaminen(plan.osaamisen_saavuttamisen_pvm, today))
    errors.extend(_too_long(plan, ""))
    errors.extend(_email_errors(plan.sahkoposti, "sahkoposti"))
    return errors


def _email_errors(address: str | None, path: str) -> list[FieldError]:
    """An address that can never be delivered is refused at save time, not found out at send time (§4.3)."""
    problem = sahkoposti_error(address) if address else None
    if not problem:
        return []
    return [
        FieldError.of(path, "INVALID_EMAIL", "not a deliverable e-mail address: {problem}", problem=Viesti(problem))
    ]


def validate_saavuttaminen(pvm: date | None, today: date) -> list[FieldError]:
    """Not before 2018-01-01 (no eHOKS before then) and at most 14 days ahead (DOMAIN.md §2)."""
    if pvm is None:
        return []
    if pvm < EARLIEST_SAAVUTTAMINEN:
        return [FieldError("osaamisen_saavuttamisen_pvm", "DATE_TOO_EARLY", "must not be before 2018-01-01")]
    if pvm > today + timedelta(days=14):
        return [FieldError("osaamisen_saavuttamisen_pvm", "DATE_TOO_LATE", "must not be more than 14 days after today")]
    return []


# Longest accepted text per field: the database columns' sizes, checked here so an over-long value is a field
# error and not a database failure.
MAX_LENGTHS = {
    "sahkoposti": 320,
    "puhelinnumero": 32,
    "tutkinnon_osa_koodi": 64,
    "nimi": 255,
    "yksiloiva_tunniste": 128,
    "tyopaikan_nimi": 255,
    "ohjaaja_nimi": 255,
    "ohjaaja_sahkoposti": 320,
    "ohjaaja_puhelinnumero": 32,
}


def _too_long(obj: object, path: str) -> list[FieldError]:
    errors = []
    for name, limit in MAX_LENGTHS.items():
        value = getattr(obj, name, None)
        if isinstance(value, str) and len(value) > limit:
            prefix = f"{path}." if path else ""
            errors.append(
                FieldError.of(f"{prefix}{name}", "TOO_LONG", "must be at most {limit} characters", limit=limit)
            )
    return errors


# How big one plan may be. eHOKS's real documents (shared/reference-data/ehoks/hoks: six HOKSes, the anonymised
# full one included) hold at most 16 tutkinnon osat, of which a yhteinen osa has up to 12 osa-alueet (each a row
# here), at most 3 hankkimistavat per osa and 8 in all, and no keskeytymisajanjakso; a whole qualification has
# some 10–20 osat. The limits leave ten times that room and keep one write to a few hundred rows (issue 10 §3:
# a plan of 100 000 osat took 98 s to store and could not be shrunk).
MAX_TUTKINNON_OSAT = 200
MAX_HANKKIMISTAVAT_PER_OSA = 30
MAX_HANKKIMISTAVAT = 300
MAX_KESKEYTYMISAJANJAKSOT_PER_TAPA = 20
MAX_KESKEYTYMISAJANJAKSOT = 300


def validate_size(plan: HoksPlan) -> list[FieldError]:
    """Counts over the limits above. A plan over them is refused on these alone: checking 100 000 osat one by one
    would cost what the limits are there to prevent."""
    errors: list[FieldError] = []

    def over(field: str, count: int, limit: int) -> None:
        if count > limit:
            errors.append(
                FieldError.of(field, "TOO_MANY", "at most {limit} allowed, {count} given", limit=limit, count=count)
            )

    over("tutkinnon_osat", len(plan.tutkinnon_osat), MAX_TUTKINNON_OSAT)
    tavat = [tapa for osa in plan.tutkinnon_osat for tapa in osa.hankkimistavat]
    over("tutkinnon_osat", len(tavat), MAX_HANKKIMISTAVAT)
    over("tutkinnon_osat", sum(len(t.keskeytymisajanjaksot) for t in tavat), MAX_KESKEYTYMISAJANJAKSOT)
    for i, osa in enumerate(plan.tutkinnon_osat[:MAX_TUTKINNON_OSAT]):
        over(f"tutkinnon_osat[{i}].hankkimistavat", len(osa.hankkimistavat), MAX_HANKKIMISTAVAT_PER_OSA)
        for j, tapa in enumerate(osa.hankkimistavat[:MAX_HANKKIMISTAVAT_PER_OSA]):
            path = f"tutkinnon_osat[{i}].hankkimistavat[{j}].keskeytymisajanjaksot"
            over(path, len(tapa.keskeytymisajanjaksot), MAX_KESKEYTYMISAJANJAKSOT_PER_TAPA)
    return errors


def validate_plan(plan: HoksPlan, today: date, *, tyopaikka_required: bool = True) -> list[FieldError]:
    """Every reason the plan is refused, so the official can fix them all at once.

    `tyopaikka_required=False` is for plans eHOKS already holds (`polku import-hoks`): eHOKS accepted
    työpaikkajaksot saved before the työpaikka's details were required, and refusing the whole plan for that would
    lose it; such a jakso gets no instructor survey, with the reason recorded (DOMAIN.md §4.1)."""
    too_big = validate_size(plan)
    if too_big:
        return too_big
    errors = validate_top_level(plan, today)
    seen_tunnisteet: set[str] = set()
    for i, osa in enumerate(plan.tutkinnon_osat):
        prefix = f"tutkinnon_osat[{i}]"
        errors.extend(_too_long(osa, prefix))
        if osa.tyyppi not in OSA_TYYPIT:
            errors.append(
                FieldError.of(
                    f"{prefix}.tyyppi", "INVALID_CHOICE", "must be one of {allowed}", allowed=", ".join(OSA_TYYPIT)
                )
            )
        if not osa.tutkinnon_osa_koodi and osa.tyyppi != "paikallinen":
            errors.append(FieldError(f"{prefix}.tutkinnon_osa_koodi", "REQUIRED", "is required"))
        if osa.osa_alue_koodi is not None and osa.tyyppi != "yhteinen":
            errors.append(
                FieldError(f"{prefix}.osa_alue_koodi", "NOT_ALLOWED", "only a yhteinen tutkinnon osa has osa-alueet")
            )
        for j, tapa in enumerate(osa.hankkimistavat):
            path = f"{prefix}.hankkimistavat[{j}]"
            errors.extend(validate_hankkimistapa(tapa, path, tyopaikka_required=tyopaikka_required))
            if tapa.yksiloiva_tunniste:
                if tapa.yksiloiva_tunniste in seen_tunnisteet:
                    errors.append(
                        FieldError(f"{path}.yksiloiva_tunniste", "DUPLICATE", "must be unique within the HOKS")
                    )
                seen_tunnisteet.add(tapa.yksiloiva_tunniste)
    return errors


def validate_hankkimistapa(tapa: HankkimistapaPlan, path: str, *, tyopaikka_required: bool = True) -> list[FieldError]:
    errors: list[FieldError] = []

    def err(name: str, code: str, message: str, **arvot: object) -> None:
        errors.append(FieldError.of(f"{path}.{name}", code, message, **arvot))

    errors.extend(_too_long(tapa, path))
    if tapa.tyyppi not in HANKKIMISTAPA_TYYPIT:
        err("tyyppi", "INVALID_CHOICE", "must be one of {allowed}", allowed=", ".join(sorted(HANKKIMISTAPA_TYYPIT)))
    if tapa.alku > tapa.loppu:
        err("loppu", "BEFORE_START", "must not be before alku")
    elif tapa.loppu > same_day_years_later(tapa.alku, MAX_JAKSO_YEARS):
        err("loppu", "TOO_LONG", "must be at most 5 years after alku")
    if tapa.osa_aikaisuus is not None and not 1 <= tapa.osa_aikaisuus <= 100:
        err("osa_aikaisuus", "OUT_OF_RANGE", "must be between 1 and 100")
    errors.extend(_email_errors(tapa.ohjaaja_sahkoposti, f"{path}.ohjaaja_sahkoposti"))
    if tapa.is_tyopaikkajakso:
        if not tapa.tyopaikan_nimi and tyopaikka_required:
            err("tyopaikan_nimi", "REQUIRED", "is required for a työpaikkajakso")
        if not tapa.ytunnus:
            if tyopaikka_required:
                err("ytunnus", "REQUIRED", "is required for a työpaikkajakso")
        else:
            problem = ytunnus_error(tapa.ytunnus)
            if problem:
                err("ytunnus", "INVALID_YTUNNUS", "{oid}: {problem}", oid=repr(tapa.ytunnus), problem=Viesti(problem))
        if not tapa.ohjaaja_nimi and tyopaikka_required:
            err("ohjaaja_nimi", "REQUIRED", "is required for a työpaikkajakso")
    if tapa.tyyppi == "oppisopimus" and tapa.oppisopimuksen_perusta not in OPPISOPIMUKSEN_PERUSTAT:
        err("oppisopimuksen_perusta", "REQUIRED", "must be tyosuhde or yrittaja for an oppisopimus")
    errors.extend(_validate_keskeytymiset(tapa.keskeytymisajanjaksot, f"{path}.keskeytymisajanjaksot"))
    return errors


def _validate_keskeytymiset(jaksot: tuple[Keskeytymisajanjakso, ...], path: str) -> Iterator[FieldError]:
    """Breaks must not overlap; an open break (no loppu) runs to infinity, so nothing may follow it."""
    for i, k in enumerate(jaksot):
        if k.loppu is not None and k.loppu < k.alku:
            yield FieldError(f"{path}[{i}].loppu", "BEFORE_START", "must not be before alku")
    ordered = sorted(enumerate(jaksot), key=lambda pair: pair[1].alku)
    for (_, prev), (j, nxt) in pairwise(ordered):
        if prev.loppu is None or nxt.alku <= prev.loppu:
            yield FieldError(f"{path}[{j}]", "OVERLAP", "overlaps another keskeytymisajanjakso")
