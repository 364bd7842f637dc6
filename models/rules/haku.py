"""Reading a yhteishaku application document (hakemus with its results) into plain facts.

Only yhteishaku applications reach Valpas (DOMAIN.md §6.3: applications outside it are not visible; the
provider may mark "Muu haku" instead), so a document of another haku kind is refused, not stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.rules.hoks import FieldError
from models.rules.tunnisteet import OPPIJA_NODE, oid_error

YHTEISHAKU = "yhteishaku"
# Valintatilat meaning the applicant was offered the place (Valintarekisteri codes).
HYVAKSYTTY_TILAT = frozenset({"HYVAKSYTTY", "VARASIJALTA_HYVAKSYTTY", "PERUNUT", "PERUUTETTU"})
# Valintatilat meaning no place from this hakutoive.
EI_PAIKKAA_TILAT = frozenset({"HYLATTY", "VARALLA", "PERUUNTUNUT"})
VALINTATILAT = HYVAKSYTTY_TILAT | EI_PAIKKAA_TILAT | {"KESKEN"}


@dataclass(frozen=True)
class Hakutoive:
    hakukohde: str
    oppilaitos_oid: str | None
    valintatila: str
    vastaanottotila: str | None


@dataclass(frozen=True)
class HakemusFacts:
    oid: str
    oppija_oid: str
    haku_oid: str
    haku_nimi: str
    muokattu: datetime
    hakutoiveet: tuple[Hakutoive, ...]


def sai_paikan(hakutoiveet: tuple[Hakutoive, ...]) -> bool | None:
    """True when any hakutoive was accepted, False when every one is decided without a place, None while any
    is still open (KESKEN) or there are none: the warning (§6.3) needs a decided "no place"."""
    if any(h.valintatila in HYVAKSYTTY_TILAT for h in hakutoiveet):
        return True
    if hakutoiveet and all(h.valintatila in EI_PAIKKAA_TILAT for h in hakutoiveet):
        return False
    return None


def parse_hakemus(doc: Any) -> tuple[HakemusFacts | None, list[FieldError]]:
    """The facts of one hakemus document, or None and every reason it is refused."""
    if not isinstance(doc, dict):
        return None, [FieldError("", "INVALID_TYPE", "a hakemus must be a JSON object")]
    errors: list[FieldError] = []

    def text(obj: Any, path: str, key: str) -> str | None:
        value = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(value, str) or not value.strip():
            errors.append(FieldError(f"{path}{key}", "REQUIRED", "must be a non-empty string"))
            return None
        return value.strip()

    oid = text(doc, "", "oid")
    oppija_oid = text(doc, "", "oppijaOid")
    if oppija_oid and (problem := oid_error(oppija_oid, OPPIJA_NODE)):
        errors.append(
            FieldError.of("oppijaOid", "INVALID_OID", "{oid}: {problem}", oid=repr(oppija_oid), problem=problem)
        )
    haku: dict[str, Any] = doc["haku"] if isinstance(doc.get("haku"), dict) else {}
    haku_oid = text(haku, "haku.", "oid")
    haku_nimi = text(haku, "haku.", "nimi")
    if haku.get("tyyppi") != YHTEISHAKU:
        errors.append(FieldError("haku.tyyppi", "NOT_YHTEISHAKU", "only yhteishaku applications are imported"))
    muokattu: datetime | None = None
    try:
        muokattu = datetime.fromisoformat(str(doc.get("muokattu")))
        if muokattu.tzinfo is None:
            raise ValueError("no time zone")
    except ValueError:
        errors.append(FieldError("muokattu", "INVALID_DATETIME", "must be an ISO 8601 time with a zone"))
    toiveet: list[Hakutoive] = []
    rows = doc.get("hakutoiveet")
    if not isinstance(rows, list):
        errors.append(FieldError("hakutoiveet", "REQUIRED", "must be a list"))
        rows = []
    for i, row in enumerate(rows):
        path = f"hakutoiveet[{i}]."
        hakukohde = text(row, path, "hakukohde")
        tila = row.get("valintatila", "KESKEN") if isinstance(row, dict) else None
        if tila not in VALINTATILAT:
            errors.append(
                FieldError.of(f"{path}valintatila", "INVALID_CHOICE", "unknown valintatila {tila}", tila=repr(tila))
            )
        elif hakukohde:
            toiveet.append(Hakutoive(hakukohde, row.get("oppilaitosOid"), tila, row.get("vastaanottotila")))
    if errors:
        return None, errors
    assert oid and oppija_oid and haku_oid and haku_nimi and muokattu
    return HakemusFacts(oid, oppija_oid, haku_oid, haku_nimi, muokattu, tuple(toiveet)), []
