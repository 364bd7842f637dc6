"""eHOKS's HOKS document (kebab-case JSON, as student information systems send it to eHOKS) ↔ Polku's plan.

What Polku acts on is mapped to the plan's own fields: the contact details and dates, every hankittava
tutkinnon osa (ammatillinen, paikallinen, and each osa-alue of a yhteinen osa) with its hankkimistavat, so that
työelämäpalaute sees every työpaikkajakso wherever it sits. Everything else eHOKS holds (näytöt, aiemmin hankitut,
opiskeluvalmiuksia tukevat opinnot, urasuunnitelma, …) is kept as given in the `lisatiedot` of the level it
belongs to, so that `to_ehoks(from_ehoks(doc))` gives the document back. Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from itertools import groupby
from typing import Any

from models.rules.hoks import (
    FieldError,
    HankkimistapaPlan,
    HoksPlan,
    Keskeytymisajanjakso,
    TutkinnonOsaPlan,
    clean,
)

Json = dict[str, Any]

OSAT_KEYS = {
    "ammatillinen": "hankittavat-ammat-tutkinnon-osat",
    "paikallinen": "hankittavat-paikalliset-tutkinnon-osat",
    "yhteinen": "hankittavat-yhteiset-tutkinnon-osat",
}
TOP_LEVEL = {
    "oppija-oid": "oppija_oid",
    "opiskeluoikeus-oid": "opiskeluoikeus_oid",
    "ensikertainen-hyvaksyminen": "ensikertainen_hyvaksyminen",
    "osaamisen-hankkimisen-tarve": "osaamisen_hankkimisen_tarve",
    "osaamisen-saavuttamisen-pvm": "osaamisen_saavuttamisen_pvm",
    "sahkoposti": "sahkoposti",
    "puhelinnumero": "puhelinnumero",
}
_DATES = {"ensikertainen_hyvaksyminen", "osaamisen_saavuttamisen_pvm"}
TUTKINNON_OSAT_URI = "tutkinnonosat_"
HANKKIMISTAPA_URI = "osaamisenhankkimistapa_"
# eHOKS's osaamisenhankkimistapa codes for the types Polku tells apart; any other code is a `muu` kept as given.
HANKKIMISTAPA_KOODIT = {
    "oppisopimus": "oppisopimus",
    "koulutussopimus": "koulutussopimus",
    "oppilaitosmuotoinenkoulutus": "oppilaitosmuotoinen",
}
OPPISOPIMUKSEN_PERUSTA_KOODIT = {"oppisopimuksenperusta_01": "tyosuhde", "oppisopimuksenperusta_02": "yrittaja"}
TYOPAIKKA = "tyopaikalla-jarjestettava-koulutus"
OHJAAJA = "vastuullinen-tyopaikka-ohjaaja"


class EhoksFormatError(ValueError):
    """The document is not an eHOKS HOKS; `errors` name the fields, with eHOKS's kebab-case paths."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def from_ehoks(doc: Mapping[str, Any]) -> HoksPlan:
    """The plan an eHOKS document describes. Raises EhoksFormatError on a shape eHOKS would not send either."""
    if not isinstance(doc, Mapping):
        raise EhoksFormatError([FieldError("", "NOT_AN_OBJECT", "an eHOKS HOKS is a JSON object")])
    reader = _Reader()
    top: dict[str, Any] = {}
    for key, name in TOP_LEVEL.items():
        value = doc.get(key)
        top[name] = reader.day(value, key) if name in _DATES else value
    osat: list[TutkinnonOsaPlan] = []
    for tyyppi, key in OSAT_KEYS.items():
        for i, osa in enumerate(reader.items(doc.get(key), key)):
            osat.extend(reader.osat(tyyppi, osa, f"{key}[{i}]"))
    for key in ("oppija-oid", "opiskeluoikeus-oid", "ensikertainen-hyvaksyminen"):
        if doc.get(key) is None:
            reader.errors.append(FieldError(key, "REQUIRED", "is required"))
    if reader.errors:
        raise EhoksFormatError(reader.errors)
    lisatiedot = {k: v for k, v in doc.items() if k not in TOP_LEVEL and k not in OSAT_KEYS.values()}
    return HoksPlan(
        **{**top, "sahkoposti": clean(top["sahkoposti"]), "puhelinnumero": clean(top["puhelinnumero"])},
        tutkinnon_osat=tuple(osat),
        lisatiedot=lisatiedot,
    )


def to_ehoks(plan: HoksPlan) -> Json:
    """The eHOKS document of a plan: its own fields in eHOKS's names, and what was kept as given."""
    doc: Json = {}
    for key, name in TOP_LEVEL.items():
        value = getattr(plan, name)
        if value is not None:
            doc[key] = value.isoformat() if isinstance(value, date) else value
    doc.update(plan.lisatiedot)
    for tyyppi, key in OSAT_KEYS.items():
        doc[key] = list(_osat_out(tyyppi, [o for o in plan.tutkinnon_osat if o.tyyppi == tyyppi]))
    return doc


class _Reader:
    """Collects every shape error with its path, so one import run reports them all."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, code: str, message: str, **arvot: object) -> None:
        self.errors.append(FieldError.of(path, code, message, **arvot))

    def items(self, value: Any, path: str) -> list[Mapping[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.fail(path, "NOT_A_LIST", "must be a list of objects")
            return []
        return value

    def day(self, value: Any, path: str) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(path, "INVALID_DATE", "must be a date as YYYY-MM-DD")
            return None

    def osat(self, tyyppi: str, osa: Mapping[str, Any], path: str) -> Iterator[TutkinnonOsaPlan]:
        koodi = _koodi(osa.get("tutkinnon-osa-koodi-uri"))
        if tyyppi != "yhteinen":
            rest = _without(osa, "tutkinnon-osa-koodi-uri", "nimi", "osaamisen-hankkimistavat")
            tavat = self.tavat(osa.get("osaamisen-hankkimistavat"), f"{path}.osaamisen-hankkimistavat")
            yield TutkinnonOsaPlan(koodi, clean(osa.get("nimi")), tavat, tyyppi=tyyppi, lisatiedot=rest)
            return
        parent = _without(osa, "tutkinnon-osa-koodi-uri", "osa-alueet")
        alueet = self.items(osa.get("osa-alueet"), f"{path}.osa-alueet")
        if not alueet:  # a yhteinen osa planned without its osa-alueet yet
            yield TutkinnonOsaPlan(koodi, None, (), tyyppi=tyyppi, lisatiedot={}, yhteinen_osa=parent)
        for j, alue in enumerate(alueet):
            tavat_path = f"{path}.osa-alueet[{j}].osaamisen-hankkimistavat"
            yield TutkinnonOsaPlan(
                koodi,
                None,
                self.tavat(alue.get("osaamisen-hankkimistavat"), tavat_path),
                tyyppi=tyyppi,
                osa_alue_koodi=alue.get("osa-alue-koodi-uri"),
                lisatiedot=_without(alue, "osa-alue-koodi-uri", "osaamisen-hankkimistavat"),
                yhteinen_osa=parent,
            )

    def tavat(self, value: Any, path: str) -> tuple[HankkimistapaPlan, ...]:
        return tuple(self.tapa(t, f"{path}[{i}]") for i, t in enumerate(self.items(value, path)))

    def tapa(self, tapa: Mapping[str, Any], path: str) -> HankkimistapaPlan:
        uri = tapa.get("osaamisen-hankkimistapa-koodi-uri")
        tyyppi = HANKKIMISTAPA_KOODIT.get(_strip(uri, HANKKIMISTAPA_URI) or "", "muu")
        mapped = ["alku", "loppu", "yksiloiva-tunniste", "osa-aikaisuustieto", "keskeytymisajanjaksot"]
        if tyyppi != "muu":
            mapped.append("osaamisen-hankkimistapa-koodi-uri")
        perusta_uri = tapa.get("oppisopimuksen-perusta-koodi-uri")
        perusta = OPPISOPIMUKSEN_PERUSTAT_BY_URI.get(perusta_uri) if perusta_uri else None
        if perusta:
            mapped.append("oppisopimuksen-perusta-koodi-uri")
        rest = _without(tapa, *mapped, TYOPAIKKA)
        tyopaikka = tapa.get(TYOPAIKKA) or {}
        ohjaaja = tyopaikka.get(OHJAAJA) or {}
        tyopaikka_rest = _without(tyopaikka, "tyopaikan-nimi", "tyopaikan-y-tunnus", OHJAAJA)
        ohjaaja_rest = _without(ohjaaja, "nimi", "sahkoposti", "puhelinnumero")
        if ohjaaja_rest:
            tyopaikka_rest[OHJAAJA] = ohjaaja_rest
        if tyopaikka_rest or (TYOPAIKKA in tapa and not tyopaikka):
            rest[TYOPAIKKA] = tyopaikka_rest
        breaks = tuple(
            Keskeytymisajanjakso(
                self.day(k.get("alku"), f"{path}.keskeytymisajanjaksot[{i}].alku") or date.min,
                self.day(k.get("loppu"), f"{path}.keskeytymisajanjaksot[{i}].loppu"),
            )
            for i, k in enumerate(self.items(tapa.get("keskeytymisajanjaksot"), f"{path}.keskeytymisajanjaksot"))
        )
        alku = self.day(tapa.get("alku"), f"{path}.alku")
        loppu = self.day(tapa.get("loppu"), f"{path}.loppu")
        for name, value in (("alku", alku), ("loppu", loppu)):
            if value is None and tapa.get(name) is None:
                self.fail(f"{path}.{name}", "REQUIRED", "is required")
        return HankkimistapaPlan(
            tyyppi=tyyppi,
            alku=alku or date.min,
            loppu=loppu or date.min,
            yksiloiva_tunniste=clean(tapa.get("yksiloiva-tunniste")),
            tyopaikan_nimi=clean(tyopaikka.get("tyopaikan-nimi")),
            ytunnus=clean(tyopaikka.get("tyopaikan-y-tunnus")),
            ohjaaja_nimi=clean(ohjaaja.get("nimi")),
            ohjaaja_sahkoposti=clean(ohjaaja.get("sahkoposti")),
            ohjaaja_puhelinnumero=clean(ohjaaja.get("puhelinnumero")),
            osa_aikaisuus=tapa.get("osa-aikaisuustieto"),
            oppisopimuksen_perusta=perusta,
            keskeytymisajanjaksot=breaks,
            lisatiedot=rest,
        )


OPPISOPIMUKSEN_PERUSTAT_BY_URI = OPPISOPIMUKSEN_PERUSTA_KOODIT
_PERUSTA_URI = {v: k for k, v in OPPISOPIMUKSEN_PERUSTA_KOODIT.items()}
_TYYPPI_URI = {v: HANKKIMISTAPA_URI + k for k, v in HANKKIMISTAPA_KOODIT.items()}


def _osat_out(tyyppi: str, osat: list[TutkinnonOsaPlan]) -> Iterator[Json]:
    if tyyppi != "yhteinen":
        for osa in osat:
            out = _koodi_out(osa)
            if osa.nimi is not None:
                out["nimi"] = osa.nimi
            out.update(osa.lisatiedot)
            out["osaamisen-hankkimistavat"] = [_tapa_out(t) for t in osa.hankkimistavat]
            yield out
        return
    # the osa-alueet of one yhteinen osa are consecutive rows with the same code and the same osa's own fields
    for _, group in groupby(osat, key=lambda o: (o.tutkinnon_osa_koodi, _frozen(o.yhteinen_osa))):
        alueet = list(group)
        out = {**_koodi_out(alueet[0]), **alueet[0].yhteinen_osa}
        out["osa-alueet"] = [
            {
                **({"osa-alue-koodi-uri": a.osa_alue_koodi} if a.osa_alue_koodi is not None else {}),
                **a.lisatiedot,
                "osaamisen-hankkimistavat": [_tapa_out(t) for t in a.hankkimistavat],
            }
            for a in alueet
            if a.osa_alue_koodi is not None or a.hankkimistavat or a.lisatiedot
        ]
        yield out


def _koodi(uri: Any) -> str:
    """Polku keeps a national tutkinnon osa code as its number (`tutkinnonosat_106233` → `106233`)."""
    if not isinstance(uri, str):
        return ""
    number = _strip(uri, TUTKINNON_OSAT_URI)
    return number if number and number.isdigit() else uri


def _koodi_out(osa: TutkinnonOsaPlan) -> Json:
    koodi = osa.tutkinnon_osa_koodi
    if not koodi:
        return {}
    return {"tutkinnon-osa-koodi-uri": TUTKINNON_OSAT_URI + koodi if koodi.isdigit() else koodi}


def _tapa_out(tapa: HankkimistapaPlan) -> Json:
    out: Json = {"alku": tapa.alku.isoformat(), "loppu": tapa.loppu.isoformat()}
    if tapa.tyyppi in _TYYPPI_URI:
        out["osaamisen-hankkimistapa-koodi-uri"] = _TYYPPI_URI[tapa.tyyppi]
    for key, value in (
        ("yksiloiva-tunniste", tapa.yksiloiva_tunniste),
        ("osa-aikaisuustieto", tapa.osa_aikaisuus),
        ("oppisopimuksen-perusta-koodi-uri", _PERUSTA_URI.get(tapa.oppisopimuksen_perusta or "")),
    ):
        if value is not None:
            out[key] = value
    out["keskeytymisajanjaksot"] = [
        {"alku": k.alku.isoformat(), **({"loppu": k.loppu.isoformat()} if k.loppu else {})}
        for k in tapa.keskeytymisajanjaksot
    ]
    rest = dict(tapa.lisatiedot)
    tyopaikka: Json = dict(rest.pop(TYOPAIKKA, {}))
    ohjaaja: Json = dict(tyopaikka.pop(OHJAAJA, {}))
    for key, value in (
        ("nimi", tapa.ohjaaja_nimi),
        ("sahkoposti", tapa.ohjaaja_sahkoposti),
        ("puhelinnumero", tapa.ohjaaja_puhelinnumero),
    ):
        if value is not None:
            ohjaaja[key] = value
    for key, value in (("tyopaikan-nimi", tapa.tyopaikan_nimi), ("tyopaikan-y-tunnus", tapa.ytunnus)):
        if value is not None:
            tyopaikka[key] = value
    if ohjaaja:
        tyopaikka[OHJAAJA] = ohjaaja
    if tyopaikka or TYOPAIKKA in tapa.lisatiedot:
        out[TYOPAIKKA] = tyopaikka
    out.update(rest)
    return out


def _strip(value: Any, prefix: str) -> str | None:
    if not isinstance(value, str):
        return None
    return value[len(prefix) :] if value.startswith(prefix) else value


def _without(obj: Mapping[str, Any], *keys: str) -> Json:
    return {k: v for k, v in obj.items() if k not in keys}


def _frozen(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, default=str)
