"""Reading what Koski serves into plain facts, refusing malformed documents with field paths.

Three shapes (DOMAIN.md §2, issue 11): an Oppija document `{"henkilö", "opiskeluoikeudet"}` as
`GET /koski/api/oppija/{oid}` gives it, the same with the person by `oid` alone as `POST /koski/api/sure/oids`
returns it, and a single study right carrying its `henkilö`; a JSON list holds any of them. The same parser
serves the GraphQL `saveOpiskeluoikeus` mutation, `polku import-koski` and the change-feed sync, so a document
is judged the same way whichever door it comes in through. Koski's code sets are open: every code is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.rules.hoks import FieldError
from models.rules.opiskeluoikeus import MITATOITY, Suoritus, TilaJakso
from models.rules.tunnisteet import (
    OPISKELUOIKEUS_NODE,
    OPPIJA_NODE,
    ORGANISAATIO_NODE,
    oid_error,
)


@dataclass(frozen=True)
class KotikuntaFact:
    kuntakoodi: str
    alku: date
    loppu: date | None = None


@dataclass(frozen=True)
class Henkilo:
    """A person as far as the document tells; None is "not given" (kept as stored), not "empty"."""

    oid: str
    etunimet: str | None = None
    sukunimi: str | None = None
    hetu: str | None = None
    syntymaaika: date | None = None
    turvakielto: bool | None = None
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


@dataclass(frozen=True)
class KoskiOppija:
    """One document: a person and the study rights it carries.

    `kaikki` is True for the Oppija shapes, whose list is every study right Koski holds for the person, so a
    stored one missing from it has been voided in Koski; a single study right says nothing about the others.
    """

    henkilo: Henkilo
    opiskeluoikeudet: tuple[KoskiOpiskeluoikeus, ...]
    kaikki: bool


@dataclass(frozen=True)
class Luettu:
    """One document of a line: `path` prefixes its field paths (`[2]` within a list), `oppija` or `errors`."""

    path: str
    oppija: KoskiOppija | None
    errors: list[FieldError]


# Details Polku needs of a person; those a transfer leaves unknown are listed on the oppija (data quality).
TARKISTETUT_TIEDOT = ("etunimet", "sukunimi", "syntymaaika")

_HETU_CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900}
_HETU_CENTURY.update({c: 2000 for c in "ABCDEF"})


def syntymaaika_hetusta(hetu: str | None) -> date | None:
    """The birth date a hetu spells (DDMMYY, century sign), or None when it spells none."""
    if not hetu or len(hetu) != 11 or not hetu[:6].isdigit() or hetu[6] not in _HETU_CENTURY:
        return None
    try:
        return date(_HETU_CENTURY[hetu[6]] + int(hetu[4:6]), int(hetu[2:4]), int(hetu[0:2]))
    except ValueError:
        return None


def puuttuvat_tiedot(etunimet: str | None, sukunimi: str | None, syntymaaika: date | None) -> list[str]:
    """Which of the checked details are unknown, in a fixed order."""
    values = {"etunimet": etunimet, "sukunimi": sukunimi, "syntymaaika": syntymaaika}
    return [name for name in TARKISTETUT_TIEDOT if not values[name]]


class _Reader:
    """Collects every problem with a path instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, code: str, message: str, **arvot: object) -> None:
        self.errors.append(FieldError.of(path, code, message, **arvot))

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
            self.fail(
                f"{path}.{key}" if path else key,
                "INVALID_DATE",
                "{value} is not a date (YYYY-MM-DD)",
                value=repr(value),
            )
            return None

    def oid(self, obj: Any, path: str, key: str, node: str) -> str | None:
        value = self.text(obj, path, key)
        if value is None:
            return None
        problem = oid_error(value, node)
        if problem:
            self.fail(
                f"{path}.{key}" if path else key,
                "INVALID_OID",
                "{oid}: {problem}",
                oid=repr(value),
                problem=problem,
            )
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
    """The facts of one study right carrying its `henkilö`, or None and every reason it is refused."""
    if not isinstance(doc, dict):
        return None, [FieldError("", "INVALID_TYPE", "an opiskeluoikeus must be a JSON object")]
    r = _Reader()
    henkilo = _henkilo(r, r.get(doc, "", "henkilö"), "henkilö")
    oo = _opiskeluoikeus(r, doc, henkilo)
    return (None, r.errors) if r.errors else (oo, [])


def read_documents(doc: Any) -> list[Luettu]:
    """Every document of one JSON value: a list is read element by element, each judged on its own."""
    if isinstance(doc, list):
        out = []
        for i, element in enumerate(doc):
            one = read_document(element)
            out.append(Luettu(f"[{i}]", one.oppija, [_prefixed(f"[{i}]", e) for e in one.errors]))
        return out
    return [read_document(doc)]


def read_document(doc: Any) -> Luettu:
    """An Oppija document (either shape) or a single study right, as a person with its study rights."""
    if not isinstance(doc, dict):
        return Luettu("", None, [FieldError("", "INVALID_TYPE", "a document must be a JSON object")])
    if "opiskeluoikeudet" not in doc:
        oo, errors = parse_opiskeluoikeus(doc)
        return Luettu("", KoskiOppija(oo.henkilo, (oo,), kaikki=False) if oo else None, errors)
    r = _Reader()
    henkilo = _henkilo(r, r.get(doc, "", "henkilö"), "henkilö")
    rows = doc.get("opiskeluoikeudet")
    if not isinstance(rows, list):
        r.fail("opiskeluoikeudet", "INVALID_TYPE", "must be a list of study rights")
        rows = []
    oos = []
    for i, row in enumerate(rows):
        inner = _Reader()
        if not isinstance(row, dict):
            inner.fail("", "INVALID_TYPE", "an opiskeluoikeus must be a JSON object")
        oo = _opiskeluoikeus(inner, row, henkilo) if isinstance(row, dict) else None
        r.errors.extend(_prefixed(f"opiskeluoikeudet[{i}]", e) for e in inner.errors)
        if oo is not None:
            oos.append(oo)
    if r.errors or henkilo is None:
        return Luettu("", None, r.errors)
    return Luettu("", KoskiOppija(henkilo, tuple(oos), kaikki=True), [])


def _prefixed(prefix: str, e: FieldError) -> FieldError:
    joined = prefix if not e.field else (f"{prefix}{e.field}" if e.field.startswith("[") else f"{prefix}.{e.field}")
    return FieldError(joined, e.code, e.message)


def _henkilo(r: _Reader, h: Any, path: str) -> Henkilo | None:
    """A person by OID, with whatever details are given; a hetu stands in for a missing birth date."""
    oid = r.oid(h, path, "oid", OPPIJA_NODE)
    etunimet = r.text(h, path, "etunimet", required=False)
    sukunimi = r.text(h, path, "sukunimi", required=False)
    hetu = r.text(h, path, "hetu", required=False)
    syntymaaika = r.day(h, path, "syntymäaika", required=False) or syntymaaika_hetusta(hetu)
    historia = _kotikunnat(r, h)
    if oid is None:
        return None
    turvakielto = h.get("turvakielto")
    return Henkilo(
        oid=oid,
        etunimet=etunimet,
        sukunimi=sukunimi,
        hetu=hetu,
        syntymaaika=syntymaaika,
        turvakielto=None if turvakielto is None else bool(turvakielto),
        kotikuntahistoria=historia,
    )


def _opiskeluoikeus(r: _Reader, doc: dict[str, Any], henkilo: Henkilo | None) -> KoskiOpiskeluoikeus | None:
    """One study right; without an oppilaitos (a kielitutkinto) it is filed under its koulutustoimija."""
    oid = r.oid(doc, "", "oid", OPISKELUOIKEUS_NODE)
    versio = r.get(doc, "", "versionumero")
    if versio is not None and (not isinstance(versio, int) or isinstance(versio, bool) or versio < 1):
        r.fail("versionumero", "INVALID_TYPE", "must be a positive integer")
    kt = r.get(doc, "", "koulutustoimija")
    ol = r.get(doc, "", "oppilaitos", required=False)
    kt_oid = r.oid(kt, "koulutustoimija", "oid", ORGANISAATIO_NODE)
    ol_oid = r.oid(ol, "oppilaitos", "oid", ORGANISAATIO_NODE) if ol is not None else kt_oid
    tyyppi = r.koodi(doc, "", "tyyppi")
    alku = r.day(doc, "", "alkamispäivä", required=False)
    arvioitu_loppu = r.day(doc, "", "arvioituPäättymispäivä", required=False)
    tilat, voided_by_tila = _tilat(r, doc)
    suoritukset = _suoritukset(r, doc)
    mitatoity = bool(doc.get("mitätöity")) or voided_by_tila
    if r.errors or henkilo is None:
        return None
    assert oid and kt_oid and ol_oid and tyyppi
    koulutustoimija = Organisaatio(kt_oid, r.nimi(kt, "koulutustoimija") or kt_oid)
    return KoskiOpiskeluoikeus(
        oid=oid,
        versio=versio,
        henkilo=henkilo,
        koulutustoimija=koulutustoimija,
        oppilaitos=Organisaatio(ol_oid, r.nimi(ol, "oppilaitos") or ol_oid) if ol is not None else koulutustoimija,
        tyyppi=tyyppi,
        alku=alku,
        arvioitu_loppu=arvioitu_loppu,
        tilat=tilat,
        suoritukset=suoritukset,
        mitatoity=mitatoity,
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
    """Every tila row as Koski gives it (an open code set; a ylioppilastutkinto has none); `mitatoity` voids."""
    tila = doc.get("tila")
    jaksot = tila.get("opiskeluoikeusjaksot") if isinstance(tila, dict) else None
    if jaksot is None:
        return (), False
    if not isinstance(jaksot, list):
        r.fail("tila.opiskeluoikeusjaksot", "INVALID_TYPE", "must be a list of tila rows")
        return (), False
    rows = []
    voided = False
    for i, row in enumerate(jaksot):
        path = f"tila.opiskeluoikeusjaksot[{i}]"
        alku = r.day(row, path, "alku")
        koodi = r.koodi(row, path, "tila")
        if koodi == MITATOITY:
            voided = True
        elif alku and koodi:
            rows.append(TilaJakso(alku, koodi))
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
