"""Ilmoitus asuinkunnalle (kuntailmoitus, DOMAIN.md §6.3): who may make one, its validation, and the lists of
notifications sent and received. Once made, a kuntailmoitus cannot be changed or withdrawn."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from models.oppija import Oppija
from models.organisation import Organisation, OrganisationTyyppi
from models.rules import kuntailmoitus as ki
from models.rules.hoks import FieldError
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden, ValidationFailed
from models.services.valpas import suorittamisvalvonta
from models.services.valpas.access import (
    ILMOITTAJA_ROLES,
    KUNTA_ROLES,
    find_oppija,
    kunta_organisation,
    organisation,
    pupil_of,
    require_kunta_user,
    require_resident,
)
from models.services.valpas.opiskelijat import valvottu_oppilaitos
from models.user import RoleName
from models.valpas import Kieli, Kuntailmoitus, MuuHaku


@dataclass(frozen=True)
class Yhteystiedot:
    lahiosoite: str | None = None
    postinumero: str | None = None
    postitoimipaikka: str | None = None
    maa: str | None = None
    puhelinnumero: str | None = None
    sahkoposti: str | None = None


@dataclass(frozen=True)
class KuntailmoitusInput:
    oppija_oid: str
    kunta: str
    tekija_organisaatio: str
    yhteystiedot: Yhteystiedot
    yhteydenottokieli: str
    hakenut_muualle: bool


# Field → longest accepted text; the table's column lengths.
TEXT_LIMITS = {
    "lahiosoite": 200,
    "postitoimipaikka": 100,
    "maa": 100,
    "puhelinnumero": 32,
    "sahkoposti": 320,
}
_POSTINUMERO = re.compile(r"\d{5}")
_PUHELIN = re.compile(r"\+?[0-9 ()-]{5,}")
_SAHKOPOSTI = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def validate_yhteystiedot(y: Yhteystiedot, kieli: str) -> tuple[Yhteystiedot, list[FieldError]]:
    """Trimmed contact details and every problem found: text lengths, no markup (the kunta's staff open these
    in browsers and spreadsheets), a five-digit postinumero, plausible phone and email, kieli fi/sv."""
    errors: list[FieldError] = []
    cleaned = Yhteystiedot(**{k: _clean(getattr(y, k)) for k in Yhteystiedot.__dataclass_fields__})
    for name in Yhteystiedot.__dataclass_fields__:
        value = getattr(cleaned, name)
        path = f"yhteystiedot.{name}"
        if value is None:
            continue
        if "<" in value or ">" in value:
            errors.append(FieldError(path, "MARKUP_NOT_ALLOWED", "must not contain < or >"))
        elif name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]:
            errors.append(FieldError.of(path, "TOO_LONG", "at most {limit} characters", limit=TEXT_LIMITS[name]))
    if cleaned.postinumero is not None and not _POSTINUMERO.fullmatch(cleaned.postinumero):
        errors.append(FieldError("yhteystiedot.postinumero", "INVALID_POSTINUMERO", "must be five digits"))
    if cleaned.puhelinnumero is not None and not _PUHELIN.fullmatch(cleaned.puhelinnumero):
        errors.append(FieldError("yhteystiedot.puhelinnumero", "INVALID_PHONE", "is not a phone number"))
    if cleaned.sahkoposti is not None and not _SAHKOPOSTI.fullmatch(cleaned.sahkoposti):
        errors.append(FieldError("yhteystiedot.sahkoposti", "INVALID_EMAIL", "is not an email address"))
    if cleaned.puhelinnumero is None and cleaned.sahkoposti is None and cleaned.lahiosoite is None:
        errors.append(FieldError("yhteystiedot", "REQUIRED", "give at least an address, a phone or an email"))
    if kieli not in {k.value for k in Kieli}:
        errors.append(FieldError("yhteydenottokieli", "INVALID_CHOICE", "must be fi or sv"))
    return cleaned, errors


async def _require_ilmoittaja(principal: Principal, tekija: Organisation, oppija: Oppija, today: date) -> None:
    """A kunta user for a resident of their own kunta; from an oppilaitos, `kuntailmoitus.oppilaitos_saa_ilmoittaa`
    decides (§6.3)."""
    if tekija.tyyppi == OrganisationTyyppi.KUNTA:
        require_kunta_user(principal, tekija, "make a kuntailmoitus")
        await require_resident(oppija, tekija, today)
        return
    hakeutumisen = principal.can(RoleName.VALVOJA_HAKEUTUMINEN, tekija.path)
    suorittamisen = principal.can(RoleName.VALVOJA_SUORITTAMINEN, tekija.path)
    oma = (hakeutumisen or suorittamisen) and await pupil_of(oppija, tekija)
    valvonnassa = False
    if suorittamisen and oma:
        oppilaitos = await valvottu_oppilaitos(principal, tekija.oid, RoleName.VALVOJA_SUORITTAMINEN)
        valvonnassa = bool(await suorittamisvalvonta.on_listalla(oppilaitos, oppija, today))
    verdict = ki.oppilaitos_saa_ilmoittaa(
        hakeutumisen_valvoja=hakeutumisen,
        suorittamisen_valvoja=suorittamisen,
        oma_oppilas=oma,
        suorittamisvalvonnassa=valvonnassa,
    )
    if not verdict:
        raise Forbidden(
            "{user} may not notify about {oppija}: {syy}",
            user=principal.name,
            oppija=oppija.oid,
            syy=Viesti(ki.explain(verdict.reason)),
        )


async def create_kuntailmoitus(principal: Principal, data: KuntailmoitusInput, today: date) -> Kuntailmoitus:
    """Make an ilmoitus asuinkunnalle. There is no way to change or withdraw it afterwards."""
    yhteystiedot, errors = validate_yhteystiedot(data.yhteystiedot, data.yhteydenottokieli)
    if errors:
        raise ValidationFailed(errors)
    if principal.user_id is None:
        raise Forbidden("a kuntailmoitus is made by a person")
    kunta = await kunta_organisation(data.kunta)
    tekija = await organisation(data.tekija_organisaatio, "tekija_organisaatio")
    oppija = await find_oppija(data.oppija_oid)
    await _require_ilmoittaja(principal, tekija, oppija, today)
    async with in_transaction():
        muu_haku = await MuuHaku.filter(oppija_id=oppija.id, oppilaitos__path__startswith=tekija.path).exists()
        row = await Kuntailmoitus.create(
            oppija=oppija,
            kunta=kunta,
            tekija_organisaatio=tekija,
            tekija_id=principal.user_id,
            yhteydenottokieli=Kieli(data.yhteydenottokieli),
            hakenut_muualle=data.hakenut_muualle,
            muu_haku=muu_haku,
            **vars(yhteystiedot),
        )
        await audit.record(
            principal,
            "create",
            "kuntailmoitus",
            row.id,
            oppija.oid,
            {"kunta": [None, kunta.kuntakoodi], "tekija_organisaatio": [None, tekija.oid]},
        )
    return row


KUNTAILMOITUS_RELATED = ("oppija", "kunta", "tekija_organisaatio", "tekija")


async def received_kuntailmoitukset(principal: Principal, kuntakoodi: str) -> list[Kuntailmoitus]:
    """Notifications sent to the kunta, newest first; for its own users only."""
    kunta = await kunta_organisation(kuntakoodi)
    require_kunta_user(principal, kunta, "read its kuntailmoitukset")
    rows = (
        await Kuntailmoitus.filter(kunta_id=kunta.id)
        .order_by("-created_at", "-id")
        .prefetch_related(*KUNTAILMOITUS_RELATED)
    )
    await audit.record_reads(principal, "kuntailmoitus", ((r.id, r.oppija.oid) for r in rows))
    return list(rows)


async def sent_kuntailmoitukset(principal: Principal, organisaatio_oid: str) -> list[Kuntailmoitus]:
    """Notifications the organisation (and those below it) made, newest first; for its ilmoittajat."""
    org = await organisation(organisaatio_oid, "organisaatio")
    if not principal.can_any((*ILMOITTAJA_ROLES, *KUNTA_ROLES), org.path):
        raise Forbidden(
            "{user} may not read the kuntailmoitukset sent by {oid}", user=principal.name, oid=organisaatio_oid
        )
    rows = (
        await Kuntailmoitus.filter(tekija_organisaatio__path__startswith=org.path)
        .order_by("-created_at", "-id")
        .prefetch_related(*KUNTAILMOITUS_RELATED)
    )
    await audit.record_reads(principal, "kuntailmoitus", ((r.id, r.oppija.oid) for r in rows))
    return list(rows)
