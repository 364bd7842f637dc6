"""The notes and records providers and kunnat make about a person (DOMAIN.md §6.3): the provider's "Muu haku"
mark, the kunta's vapautus and keskeytys. Their corrections are `korjaukset`."""

from __future__ import annotations

from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, Forbidden
from models.services.valpas.access import (
    find_oppija,
    kunta_organisation,
    organisation,
    pupil_of,
    require_kunta_user,
    require_resident,
)
from models.user import RoleName
from models.valpas import Keskeytys, MuuHaku, Vapautus


async def mark_muu_haku(principal: Principal, oppija_oid: str, oppilaitos_oid: str, muu_haku: bool) -> bool:
    """Set or clear the provider's own "Muu haku" note (FAQ: seen only by the provider and, through a
    kuntailmoitus, by the kunta). Only the oppilaitos' hakeutumisen valvoja, for its own pupils."""
    oppilaitos = await organisation(oppilaitos_oid, "oppilaitos_oid")
    if not principal.can(RoleName.VALVOJA_HAKEUTUMINEN, oppilaitos.path):
        raise Forbidden("{user} is not a hakeutumisen valvoja of {oid}", user=principal.name, oid=oppilaitos_oid)
    oppija = await find_oppija(oppija_oid)
    if not await pupil_of(oppija, oppilaitos):
        raise Forbidden("oppija {oid} is not a pupil of {oppilaitos}", oid=oppija_oid, oppilaitos=oppilaitos_oid)
    async with in_transaction():
        existing = await MuuHaku.get_or_none(oppija_id=oppija.id, oppilaitos_id=oppilaitos.id)
        if muu_haku and existing is None:
            await MuuHaku.create(oppija=oppija, oppilaitos=oppilaitos, merkitsija_id=principal.user_id)
        elif not muu_haku and existing is not None:
            await existing.delete()
        if muu_haku != (existing is not None):
            await audit.record(
                principal, "update", "muu_haku", oppilaitos_oid, oppija_oid, {"muu_haku": [not muu_haku, muu_haku]}
            )
    return muu_haku


# OVL 2 § exemptions exist from 1.8.2022 on (DOMAIN.md §6.3).
VAPAUTUS_FROM = date(2022, 8, 1)


async def add_vapautus(principal: Principal, oppija_oid: str, kuntakoodi: str, alku: date, today: date) -> Vapautus:
    """Record a kunta's exemption; from `alku` on the person leaves every view (rules: the day before ends both
    oppivelvollisuus and maksuttomuus). One uncancelled per person (corrections: `korjaukset`)."""
    kunta = await kunta_organisation(kuntakoodi)
    require_kunta_user(principal, kunta, "record a vapautus")
    if alku < VAPAUTUS_FROM:
        raise DomainError(
            "OUT_OF_RANGE", "a vapautus can begin on {earliest} at the earliest", "alku", earliest=VAPAUTUS_FROM
        )
    oppija = await find_oppija(oppija_oid)
    await require_resident(oppija, kunta, today)
    try:
        async with in_transaction():
            row = await Vapautus.create(oppija=oppija, kunta=kunta, alku=alku, created_by_id=principal.user_id)
            await audit.record(principal, "create", "vapautus", row.id, oppija_oid, audit.diff(None, {"alku": alku}))
    except IntegrityError as e:
        raise DomainError("DUPLICATE", "oppija {oid} already has a vapautus", "oppija_oid", oid=oppija_oid) from e
    return row


async def add_keskeytys(
    principal: Principal, oppija_oid: str, kuntakoodi: str, alku: date, loppu: date | None, today: date
) -> Keskeytys:
    """Record a keskeytys of oppivelvollisuus; it is shown to officials and changes no dates (§6.3)."""
    kunta = await kunta_organisation(kuntakoodi)
    require_kunta_user(principal, kunta, "record a keskeytys")
    if loppu is not None and loppu < alku:
        raise DomainError("INVALID_PERIOD", "loppu must not be before alku", "loppu")
    oppija = await find_oppija(oppija_oid)
    await require_resident(oppija, kunta, today)
    async with in_transaction():
        row = await Keskeytys.create(
            oppija=oppija, kunta=kunta, alku=alku, loppu=loppu, created_by_id=principal.user_id
        )
        await audit.record(
            principal, "create", "keskeytys", row.id, oppija_oid, audit.diff(None, {"alku": alku, "loppu": loppu})
        )
    return row
