"""Reading a Koski-shaped opiskeluoikeus document into plain facts, refusing malformed ones with field paths.

The same parser serves the GraphQL `saveOpiskeluoikeus` mutation and `polku import-koski`, so a document is
judged the same way whichever door it comes in through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.rules.hoks import FieldError
from models.rules.opiskeluoikeus import TILAT, Suoritus, TilaJakso
from models.rules.tunnisteet import (
    OPISKELUOIKEUS_NODE,
    OPPIJA_NODE,
    ORGANISAATIO_NODE,
    oid_error,
)

MITATOITY = "mitatoity"


@dataclass(frozen=True)
class KotikuntaFact:
    kuntakoodi: str
    alku: date
    loppu: date | None = None


@dataclass(frozen=True)
class Henkilo:
    oid: str
    etunimet: str
    sukunimi: str
    hetu: str | None = None
    syntymaaika: date | None = None
    turvakielto: bool = False
    kotikuntahistoria: tuple[KotikuntaFact, ...] | None = None


@dataclass(frozen=True)
class Organisaatio:
    oid: str
    nimi: str


@dataclass(frozen=True)
class KoskiOpiskeluoikeus:
    oid: str
    versio: int
    henkilo: Henkilo
    koulutustoimija: Organisaatio
    oppilaitos: Organisaatio
    tyyppi: str
    alku: date | None
    arvioitu_loppu: date | None
    tilat: tuple[TilaJakso, ...]
    suoritukset: tuple[Suoritus, ...]
    mitatoity: bool


class _Reader:
    """Collects every problem with a path instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, code: str, message: str) -> None:
        self.errors.append(FieldError(path, code, message))

    def get(self, obj: Any, path: str, key: str, required: bool = True) -> Any:
        """`obj[key]`; a missing parent (None) was reported already, so its children are not reported again."""
        if obj is None:
            return None
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None and required:
            self.fail(f"{path}.{key}" if path else key, "REQUIRED", "is required")
        return value

    def text(self, obj: Any, path: str, key: str, required: bool = True) -> str | None:
        value = self.get(obj, path, key, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{path}.{key}" if path else key, "INVALID_TYPE", "must be a non-empty string")
            return None
        return value.strip()

    def day(self, obj: Any, path: str, key: str, required: bool = True) -> date | None:
        value = self.get(obj, path, key, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"{path}.{key}" if path else key, "INVALID_DATE", f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def oid(self, obj: Any, path: str, key: str, node: str) -> str | None:
        value = self.text(obj, path, key)
        if value is None:
            return None
        problem = oid_error(value, node)
        if problem:
            self.fail(f"{path}.{key}" if path else key, "INVALID_OID", f"{value!r}: {problem}")
            return None
        return value

    def koodi(self, obj: Any, path: str, key: str) -> str | None:
        return self.text(self.get(obj, path, key), f"{path}.{key}" if path else key, "koodiarvo")

    def nimi(self, obj: Any, path: str) -> str:
        nimi = obj.get("nimi") if isinstance(obj, dict) else None
        if isinstance(nimi, dict):
            return str(nimi.get("fi") or nimi.get("sv") or nimi.get("en") or "")
        return str(nimi or "")


def parse_opiskeluoikeus(doc: Any) -> tuple[KoskiOpiskeluoikeus | None, list[FieldError]]:
    """The facts of one Koski document, or None and every reason it is refused."""
    r = _Reader()
    if not isinstance(doc, dict):
        return None, [FieldError("", "INVALID_TYPE", "an opiskeluoikeus must be a JSON object")]
    oid = r.oid(doc, "", "oid", OPISKELUOIKEUS_NODE)
    versio = r.get(doc, "", "versionumero")
    if versio is not None and (not isinstance(versio, int) or isinstance(versio, bool) or versio < 1):
        r.fail("versionumero", "INVALID_TYPE", "must be a positive integer")
    h = r.get(doc, "", "henkilö")
    henkilo_oid = r.oid(h, "henkilö", "oid", OPPIJA_NODE)
    etunimet = r.text(h, "henkilö", "etunimet")
    sukunimi = r.text(h, "henkilö", "sukunimi")
    syntymaaika = r.day(h, "henkilö", "syntymäaika", required=False)
    historia = _kotikunnat(r, h)
    kt = r.get(doc, "", "koulutustoimija")
    ol = r.get(doc, "", "oppilaitos")
    kt_oid = r.oid(kt, "koulutustoimija", "oid", ORGANISAATIO_NODE)
    ol_oid = r.oid(ol, "oppilaitos", "oid", ORGANISAATIO_NODE)
    tyyppi = r.koodi(doc, "", "tyyppi")
    alku = r.day(doc, "", "alkamispäivä", required=False)
    arvioitu_loppu = r.day(doc, "", "arvioituPäättymispäivä", required=False)
    tilat, voided_by_tila = _tilat(r, doc)
    suoritukset = _suoritukset(r, doc)
    mitatoity = bool(doc.get("mitätöity")) or voided_by_tila
    if r.errors:
        return None, r.errors
    assert oid and henkilo_oid and etunimet and sukunimi and kt_oid and ol_oid and tyyppi
    return (
        KoskiOpiskeluoikeus(
            oid=oid,
            versio=versio,
            henkilo=Henkilo(
                oid=henkilo_oid,
                etunimet=etunimet,
                sukunimi=sukunimi,
                hetu=(h.get("hetu") or None),
                syntymaaika=syntymaaika,
                turvakielto=bool(h.get("turvakielto")),
                kotikuntahistoria=historia,
            ),
            koulutustoimija=Organisaatio(kt_oid, r.nimi(kt, "koulutustoimija") or kt_oid),
            oppilaitos=Organisaatio(ol_oid, r.nimi(ol, "oppilaitos") or ol_oid),
            tyyppi=tyyppi,
            alku=alku,
            arvioitu_loppu=arvioitu_loppu,
            tilat=tilat,
            suoritukset=suoritukset,
            mitatoity=mitatoity,
        ),
        [],
    )


def _kotikunnat(r: _Reader, h: Any) -> tuple[KotikuntaFact, ...] | None:
    rows = h.get("kotikuntahistoria") if isinstance(h, dict) else None
    if rows is None:
        return None
    out = []
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        path = f"henkilö.kotikuntahistoria[{i}]"
        koodi = r.text(row, path, "kotikunta")
        alku = r.day(row, path, "alku")
        loppu = r.day(row, path, "loppu", required=False)
        if koodi is not None and not (len(koodi) == 3 and koodi.isdigit()):
            r.fail(f"{path}.kotikunta", "INVALID_KUNTA", "must be a three-digit kuntakoodi")
        elif koodi and alku:
            out.append(KotikuntaFact(koodi, alku, loppu))
    return tuple(out)


def _tilat(r: _Reader, doc: dict[str, Any]) -> tuple[tuple[TilaJakso, ...], bool]:
    jaksot = (doc.get("tila") or {}).get("opiskeluoikeusjaksot")
    if not isinstance(jaksot, list) or not jaksot:
        r.fail("tila.opiskeluoikeusjaksot", "REQUIRED", "at least one tila row is required")
        return (), False
    rows = []
    voided = False
    for i, row in enumerate(jaksot):
        path = f"tila.opiskeluoikeusjaksot[{i}]"
        alku = r.day(row, path, "alku")
        tila = r.koodi(row, path, "tila")
        if tila == MITATOITY:
            voided = True
        elif tila is not None and tila not in TILAT:
            r.fail(f"{path}.tila.koodiarvo", "INVALID_CHOICE", f"unknown tila {tila!r}")
        elif alku and tila:
            rows.append(TilaJakso(alku, tila))
    return tuple(rows), voided


def _suoritukset(r: _Reader, doc: dict[str, Any]) -> tuple[Suoritus, ...]:
    out = []
    for i, s in enumerate(doc.get("suoritukset") or []):
        path = f"suoritukset[{i}]"
        tyyppi = r.koodi(s, path, "tyyppi")
        tunniste = ((s.get("koulutusmoduuli") or {}).get("tunniste") or {}) if isinstance(s, dict) else {}
        vahvistus = s.get("vahvistus") if isinstance(s, dict) else None
        paiva = r.day(vahvistus, f"{path}.vahvistus", "päivä") if vahvistus else None
        if tyyppi:
            out.append(
                Suoritus(
                    tyyppi=tyyppi,
                    tutkinto_koodi=tunniste.get("koodiarvo"),
                    tutkinto_nimi=r.nimi(tunniste, path) or None,
                    vahvistus=paiva,
                )
            )
    return tuple(out)
