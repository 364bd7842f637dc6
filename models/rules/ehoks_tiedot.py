"""The typed parts of eHOKS's HOKS that Polku keeps as eHOKS holds them, in `lisatiedot` (näytöt, aiemmin hankitut,
opiskeluvalmiuksia tukevat opinnot, muut oppimisympäristöt, …): one table per part says which field is kept under
which kebab-case key. The GraphQL types read through it, the GraphQL inputs write through it and the plan's
validation checks through it, so a HOKS written with typed inputs is stored exactly as `from_ehoks` stores the
document that says the same, and exports as it does. Pure: no I/O.

Validation runs on the stored (kebab-case) form, so a document imported from eHOKS and a typed input are checked
alike; errors name the typed field (`aiemmin_hankitut.ammatilliset[0].tarkentavat_tiedot.naytot[0].loppu`) and
carry fixed English messages that the API translates (gettext domain `api`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from models.rules.hoks import FieldError, HoksPlan
from models.rules.tunnisteet import ORGANISAATIO_NODE, oid_error, ytunnus_error

Json = dict[str, Any]


class Kind(Enum):
    TEXT = "text"
    TEXTS = "texts"  # a list of strings
    DAY = "day"  # YYYY-MM-DD
    MOMENT = "moment"  # an ISO 8601 date and time; written as eHOKS writes it (UTC, milliseconds, Z)
    INT = "int"
    NUMBER = "number"  # written as an integer when it is one, as eHOKS's documents hold hours and points
    FLAG = "flag"
    YTUNNUS = "ytunnus"
    OID = "oid"  # an organisation OID
    KOODI = "koodi"  # a koodisto code URI, `koodisto` its prefix
    ONE = "one"  # a nested object
    MANY = "many"  # a list of nested objects
    GROUP = "group"  # typed fields gathered under one name, kept in the same eHOKS object


@dataclass(frozen=True)
class Tieto:
    """One typed field: the eHOKS key it is kept under (dotted through nested objects; none for a GROUP)."""

    key: str
    kind: Kind = Kind.TEXT
    parts: Mapping[str, Tieto] | None = None
    required: bool = False
    koodisto: str = ""


Parts = Mapping[str, Tieto]

# Fixed messages (msgids of the `api` catalog), one per code.
MESSAGES = {
    "REQUIRED": "A value is required.",
    "INVALID_DATE": "Not a valid date: use the form YYYY-MM-DD.",
    "INVALID_DATETIME": "Not a valid date and time: use ISO 8601, e.g. 2026-08-20T09:00:00Z.",
    "INVALID_TYPE": "Not a valid value for this field.",
    "BEFORE_START": "Must not be before the start day.",
    "INVALID_YTUNNUS": "Not a valid y-tunnus (NNNNNNN-C with a matching check digit).",
    "INVALID_OID": "Not a valid organisation OID.",
    "INVALID_CODE": "Not a code of the expected code set.",
}


def _t(key: str, kind: Kind = Kind.TEXT, parts: Parts | None = None, **extra: Any) -> Tieto:
    return Tieto(key, kind, parts, **extra)


ARVIOIJA: Parts = {
    "nimi": _t("nimi", required=True),
    "oppilaitos_oid": _t("organisaatio.oppilaitos-oid", Kind.OID),
    "organisaation_nimi": _t("organisaatio.nimi"),
    "ytunnus": _t("organisaatio.y-tunnus", Kind.YTUNNUS),
}
NAYTON_OSA_ALUE: Parts = {
    "koodi": _t("koodi-uri", Kind.KOODI, required=True, koodisto="ammatillisenoppiaineet_"),
    "versio": _t("koodi-versio", Kind.INT),
}
NAYTTO: Parts = {
    "alku": _t("alku", Kind.DAY, required=True),
    "loppu": _t("loppu", Kind.DAY, required=True),
    "jarjestajan_oppilaitos_oid": _t("jarjestaja.oppilaitos-oid", Kind.OID),
    "nayttoympariston_nimi": _t("nayttoymparisto.nimi"),
    "nayttoympariston_ytunnus": _t("nayttoymparisto.y-tunnus", Kind.YTUNNUS),
    "nayttoympariston_kuvaus": _t("nayttoymparisto.kuvaus"),
    "sisallon_kuvaus": _t("sisallon-kuvaus", Kind.TEXTS),
    "yksilolliset_kriteerit": _t("yksilolliset-kriteerit", Kind.TEXTS),
    "vaatimuksista_poikkeaminen": _t("vaatimuksista-tai-tavoitteista-poikkeaminen"),
    "koulutuksen_jarjestajan_arvioijat": _t("koulutuksen-jarjestaja-osaamisen-arvioijat", Kind.MANY, ARVIOIJA),
    "tyoelaman_arvioijat": _t("tyoelama-osaamisen-arvioijat", Kind.MANY, ARVIOIJA),
    "osa_alue_koodit": _t("osa-alueet", Kind.MANY, NAYTON_OSA_ALUE),
}
TARKENTAVAT_TIEDOT: Parts = {
    "lahetetty_arvioitavaksi": _t("tarkentavat-tiedot-osaamisen-arvioija.lahetetty-arvioitavaksi", Kind.DAY),
    "arvioijat": _t("tarkentavat-tiedot-osaamisen-arvioija.aiemmin-hankitun-osaamisen-arvioijat", Kind.MANY, ARVIOIJA),
    "naytot": _t("tarkentavat-tiedot-naytto", Kind.MANY, NAYTTO),
}
_AIEMMIN_YHTEISET: Parts = {
    "koulutuksen_jarjestaja_oid": _t("koulutuksen-jarjestaja-oid", Kind.OID),
    "olennainen_seikka": _t("olennainen-seikka", Kind.FLAG),
    "vaatimuksista_poikkeaminen": _t("vaatimuksista-tai-tavoitteista-poikkeaminen"),
    "valittu_todentamisen_prosessi": _t(
        "valittu-todentamisen-prosessi-koodi-uri", Kind.KOODI, required=True, koodisto="osaamisentodentamisenprosessi_"
    ),
    "valittu_todentamisen_prosessi_versio": _t("valittu-todentamisen-prosessi-koodi-versio", Kind.INT),
    "tarkentavat_tiedot": _t("", Kind.GROUP, TARKENTAVAT_TIEDOT),
}
_KOODI = {
    "tutkinnon_osa_koodi": _t("tutkinnon-osa-koodi-uri", Kind.KOODI, required=True, koodisto="tutkinnonosat_"),
    "tutkinnon_osa_koodi_versio": _t("tutkinnon-osa-koodi-versio", Kind.INT),
}
AIEMMIN_HANKITTU_OSA_ALUE: Parts = {
    "osa_alue_koodi": _t("osa-alue-koodi-uri", Kind.KOODI, required=True, koodisto="ammatillisenoppiaineet_"),
    "osa_alue_koodi_versio": _t("osa-alue-koodi-versio", Kind.INT),
    **_AIEMMIN_YHTEISET,
}
AIEMMIN_HANKITTU_AMMATILLINEN: Parts = {**_KOODI, **_AIEMMIN_YHTEISET}
AIEMMIN_HANKITTU_YHTEINEN: Parts = {
    **AIEMMIN_HANKITTU_AMMATILLINEN,
    "osa_alueet": _t("osa-alueet", Kind.MANY, AIEMMIN_HANKITTU_OSA_ALUE),
}
AIEMMIN_HANKITTU_PAIKALLINEN: Parts = {
    "nimi": _t("nimi", required=True),
    "tavoitteet_ja_sisallot": _t("tavoitteet-ja-sisallot"),
    "laajuus": _t("laajuus", Kind.NUMBER),
    **_AIEMMIN_YHTEISET,
}
AIEMMIN_HANKITUT: Parts = {
    "ammatilliset": _t("aiemmin-hankitut-ammat-tutkinnon-osat", Kind.MANY, AIEMMIN_HANKITTU_AMMATILLINEN),
    "yhteiset": _t("aiemmin-hankitut-yhteiset-tutkinnon-osat", Kind.MANY, AIEMMIN_HANKITTU_YHTEINEN),
    "paikalliset": _t("aiemmin-hankitut-paikalliset-tutkinnon-osat", Kind.MANY, AIEMMIN_HANKITTU_PAIKALLINEN),
}
AJANJAKSO: Parts = {"alku": _t("alku", Kind.DAY, required=True), "loppu": _t("loppu", Kind.DAY, required=True)}
OPISKELUVALMIUKSIA_TUKEVA_OPINTO: Parts = {
    "nimi": _t("nimi", required=True),
    "kuvaus": _t("kuvaus", required=True),
    **AJANJAKSO,
}
OPPIMISEN_TUKI: Parts = {
    "tyyppi": _t(
        "oppimisen-tuen-tyyppi-koodi-uri",
        Kind.KOODI,
        required=True,
        koodisto="ammatillinenkoulutusoppimisentuentyyppi_",
    ),
    "tutkinnon_osan_tyyppi": _t(
        "tutkinnon-osan-tyyppi-koodi-uri", Kind.KOODI, koodisto="ammatillisentutkinnonosanryhma_"
    ),
    "alku": _t("alku", Kind.DAY),
    "loppu": _t("loppu", Kind.DAY),
}
MUU_OPPIMISYMPARISTO: Parts = {
    "koodi": _t("oppimisymparisto-koodi-uri", Kind.KOODI, required=True, koodisto="oppimisymparistot_"),
    "versio": _t("oppimisymparisto-koodi-versio", Kind.INT),
    **AJANJAKSO,
}

# The three levels of a HOKS and what each keeps in its `lisatiedot`.
HOKS: Parts = {
    "hyvaksytty": _t("hyvaksytty", Kind.MOMENT),
    "ehoks_paivitetty": _t("paivitetty", Kind.MOMENT),
    "urasuunnitelma": _t("urasuunnitelma-koodi-uri", Kind.KOODI, koodisto="urasuunnitelma_"),
    "urasuunnitelma_versio": _t("urasuunnitelma-koodi-versio", Kind.INT),
    "aiemmin_hankitut": _t("", Kind.GROUP, AIEMMIN_HANKITUT),
    "opiskeluvalmiuksia_tukevat_opinnot": _t(
        "opiskeluvalmiuksia-tukevat-opinnot", Kind.MANY, OPISKELUVALMIUKSIA_TUKEVA_OPINTO
    ),
    "oppimisen_tuki": _t("oppimisen-tuki", Kind.MANY, OPPIMISEN_TUKI),
}
TUTKINNON_OSA: Parts = {
    "naytot": _t("osaamisen-osoittaminen", Kind.MANY, NAYTTO),
    "opetus_ja_ohjausmaara": _t("opetus-ja-ohjaus-maara", Kind.NUMBER),
    "olennainen_seikka": _t("olennainen-seikka", Kind.FLAG),
    "tavoitteet_ja_sisallot": _t("tavoitteet-ja-sisallot"),
    "laajuus": _t("laajuus", Kind.NUMBER),
    "vaatimuksista_poikkeaminen": _t("vaatimuksista-tai-tavoitteista-poikkeaminen"),
    "koulutuksen_jarjestaja_oid": _t("koulutuksen-jarjestaja-oid", Kind.OID),
}
HANKKIMISTAPA: Parts = {
    "muut_oppimisymparistot": _t("muut-oppimisymparistot", Kind.MANY, MUU_OPPIMISYMPARISTO),
    "keskeiset_tyotehtavat": _t("tyopaikalla-jarjestettava-koulutus.keskeiset-tyotehtavat", Kind.TEXTS),
    "ajanjakson_tarkenne": _t("ajanjakson-tarkenne"),
}


def read(parts: Parts, obj: Any) -> dict[str, Any]:
    """The typed fields of an eHOKS object; a value of an unexpected shape reads as absent, never fails."""
    return {name: read_one(parts, name, obj) for name in parts}


def read_one(parts: Parts, name: str, obj: Any) -> Any:
    """One typed field of an eHOKS object (what a resolver asks for, without reading the rest)."""
    tieto = parts[name]
    source = obj if isinstance(obj, Mapping) else {}
    return _read_value(tieto, source if tieto.kind is Kind.GROUP else _get(source, tieto.key))


def _read_value(tieto: Tieto, raw: Any) -> Any:
    kind = tieto.kind
    if kind is Kind.GROUP or kind is Kind.ONE:
        return read(tieto.parts or {}, raw) if isinstance(raw, Mapping) else None
    if kind is Kind.MANY:
        return [read(tieto.parts or {}, v) for v in raw if isinstance(v, Mapping)] if isinstance(raw, list) else []
    if kind is Kind.TEXTS:
        return [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else []
    if kind is Kind.DAY:
        return _day(raw)
    if kind is Kind.MOMENT:
        return _moment(raw)
    if kind is Kind.FLAG:
        return raw if isinstance(raw, bool) else None
    if kind is Kind.INT:
        return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if kind is Kind.NUMBER:
        return raw if isinstance(raw, int | float) and not isinstance(raw, bool) else None
    return raw if isinstance(raw, str) and raw.strip() else None


def write(parts: Parts, values: Mapping[str, Any]) -> Json:
    """The eHOKS object of typed values: what is absent (None) is left out, an empty list is kept."""
    out: Json = {}
    for name, tieto in parts.items():
        value = values.get(name)
        if value is None:
            continue
        if tieto.kind is Kind.GROUP:
            merge(out, write(tieto.parts or {}, value))
        else:
            _put(out, tieto.key, _write_value(tieto, value))
    return out


def _write_value(tieto: Tieto, value: Any) -> Any:
    kind = tieto.kind
    if kind is Kind.ONE:
        return write(tieto.parts or {}, value)
    if kind is Kind.MANY:
        return [write(tieto.parts or {}, v) for v in value]
    if kind is Kind.TEXTS:
        return list(value)
    if kind is Kind.DAY:
        return value.isoformat()
    if kind is Kind.MOMENT:
        utc = value.astimezone(UTC) if value.tzinfo else value
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if kind is Kind.NUMBER and float(value).is_integer():
        return int(value)
    return value


def merge(into: Json, typed: Mapping[str, Any]) -> Json:
    """`typed` laid over `into` key by key through nested objects: a typed field replaces what was there."""
    for key, value in typed.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), Mapping):
            into[key] = merge(dict(into[key]), value)
        else:
            into[key] = value
    return into


def validate(parts: Parts, obj: Mapping[str, Any], path: str) -> list[FieldError]:
    """Every problem of the typed fields in an eHOKS object, named by typed path (`path` the object's own)."""
    errors: list[FieldError] = []
    for name, tieto in parts.items():
        field = f"{path}.{name}" if path else name
        if tieto.kind is Kind.GROUP:
            errors.extend(validate(tieto.parts or {}, obj, field))
            continue
        raw = _get(obj, tieto.key)
        if raw is None or raw == [] or (isinstance(raw, str) and not raw.strip()):
            if tieto.required:
                errors.append(_error(field, "REQUIRED"))
            continue
        errors.extend(_check(tieto, raw, field))
    errors.extend(_order(parts, obj, path))
    return errors


def _check(tieto: Tieto, raw: Any, field: str) -> list[FieldError]:
    kind = tieto.kind
    if kind is Kind.MANY:
        if not isinstance(raw, list) or not all(isinstance(v, Mapping) for v in raw):
            return [_error(field, "INVALID_TYPE")]
        return [e for i, v in enumerate(raw) for e in validate(tieto.parts or {}, v, f"{field}[{i}]")]
    if kind is Kind.ONE:
        return validate(tieto.parts or {}, raw, field) if isinstance(raw, Mapping) else [_error(field, "INVALID_TYPE")]
    if kind is Kind.DAY:
        return [] if _day(raw) else [_error(field, "INVALID_DATE")]
    if kind is Kind.MOMENT:
        return [] if _moment(raw) else [_error(field, "INVALID_DATETIME")]
    if kind is Kind.TEXTS:
        return [_error(field, "INVALID_TYPE")] if _not_texts(raw) else []
    if _read_value(tieto, raw) is None:
        return [_error(field, "INVALID_TYPE")]
    if kind is Kind.YTUNNUS and ytunnus_error(raw):
        return [_error(field, "INVALID_YTUNNUS")]
    if kind is Kind.OID and oid_error(raw, ORGANISAATIO_NODE):
        return [_error(field, "INVALID_OID")]
    if kind is Kind.KOODI and not (raw.startswith(tieto.koodisto) and len(raw) > len(tieto.koodisto)):
        return [_error(field, "INVALID_CODE")]
    return []


def _not_texts(raw: Any) -> bool:
    return not isinstance(raw, list) or not all(isinstance(v, str) for v in raw)


def _order(parts: Parts, obj: Mapping[str, Any], path: str) -> list[FieldError]:
    """A period's loppu is not before its alku, wherever a part has both."""
    if "alku" not in parts or "loppu" not in parts:
        return []
    alku, loppu = _day(_get(obj, parts["alku"].key)), _day(_get(obj, parts["loppu"].key))
    if alku and loppu and loppu < alku:
        return [_error(f"{path}.loppu" if path else "loppu", "BEFORE_START")]
    return []


def _error(field: str, code: str) -> FieldError:
    return FieldError(field, code, MESSAGES[code])


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(part)
    return obj


def _put(obj: Json, key: str, value: Any) -> None:
    *outer, last = key.split(".")
    for part in outer:
        obj = obj.setdefault(part, {})
    obj[last] = value


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def validate_tiedot(plan: HoksPlan) -> list[FieldError]:
    """The typed parts of a whole plan, at each of its three levels."""
    errors = validate(HOKS, plan.lisatiedot, "")
    for i, osa in enumerate(plan.tutkinnon_osat):
        errors.extend(validate(TUTKINNON_OSA, osa.lisatiedot, f"tutkinnon_osat[{i}]"))
        for j, tapa in enumerate(osa.hankkimistavat):
            errors.extend(validate(HANKKIMISTAPA, tapa.lisatiedot, f"tutkinnon_osat[{i}].hankkimistavat[{j}]"))
    return errors
