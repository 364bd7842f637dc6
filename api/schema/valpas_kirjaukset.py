"""A kunta's Valpas records in GraphQL, vapautus and keskeytys (DOMAIN.md §6.3), and their corrections with
history (issue 16.6): each record shows who made it, and who ended or cancelled it and when, so the old state
stays visible in `Oppija.oppivelvollisuus` and not only in the audit log. Decisions come from
`models.services.valpas.records` and `.korjaukset`. A kuntailmoitus has no correction here, by design."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from api import authorization
from api.context import Info
from models.services.valpas import korjaukset, records
from models.user import User
from models.valpas import Keskeytys as KeskeytysRow
from models.valpas import Vapautus as VapautusRow


def _name(user: User | None) -> str | None:
    return None if user is None else user.name


@strawberry.type
class KunnanKirjaus:
    """The fields both kinds of a kunta's record show; the schema has only its two subtypes."""

    id: int = strawberry.field(description="Polku's id of the record (for its corrections).")
    oppija_oid: str = strawberry.field(description="The person's oppija OID.")
    kunta: str = strawberry.field(description="The deciding kunta's kuntakoodi.")
    alku: date = strawberry.field(description="First day.")
    tehty: datetime = strawberry.field(description="When it was recorded.")
    tekija: str | None = strawberry.field(description="Who recorded it; null when the user was removed.")
    mitatoity: datetime | None = strawberry.field(
        description="When it was cancelled (it no longer counts); null: not cancelled."
    )
    mitatoija: str | None = strawberry.field(description="Who cancelled it; null when not cancelled.")
    oppija_id: strawberry.Private[int]


def _common(row: KeskeytysRow | VapautusRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "oppija_oid": row.oppija.oid,
        "kunta": row.kunta.kuntakoodi or "",
        "alku": row.alku,
        "tehty": row.created_at,
        "tekija": _name(row.created_by),
        "mitatoity": row.mitatoity_at,
        "mitatoija": _name(row.mitatoija),
        "oppija_id": row.oppija.id,
    }


@authorization.guarded(authorization.oppivelvollisuus)
@strawberry.type(description="A kunta's exemption from compulsory education (cancelVapautus cancels it).")
class Vapautus(KunnanKirjaus):
    @classmethod
    def of(cls, row: VapautusRow) -> Vapautus:
        return cls(**_common(row))


@authorization.guarded(authorization.oppivelvollisuus)
@strawberry.type(
    description="A keskeytys (suspension) of compulsory education; changes no dates. Ending it (endKeskeytys) "
    "keeps who did it and when; cancelKeskeytys cancels it."
)
class Keskeytys(KunnanKirjaus):
    loppu: date | None = strawberry.field(description="Last day; null: until further notice.")
    paatetty: datetime | None = strawberry.field(
        description="When an open keskeytys was given its loppu (endKeskeytys): until then it was open. Null when "
        "loppu was given at the start or not yet."
    )
    paattaja: str | None = strawberry.field(description="Who gave it its loppu with endKeskeytys.")

    @classmethod
    def of(cls, row: KeskeytysRow) -> Keskeytys:
        return cls(**_common(row), loppu=row.loppu, paatetty=row.paatetty_at, paattaja=_name(row.paattaja))


async def keskeytykset(info: Info, oppija_id: int) -> list[Keskeytys]:
    """For `Oppivelvollisuus.keskeytykset`: the person's whole history, batched per request."""
    return [Keskeytys.of(r) for r in await info.context.loaders.keskeytykset.load(oppija_id)]


async def vapautukset(info: Info, oppija_id: int) -> list[Vapautus]:
    """For `Oppivelvollisuus.vapautukset`: the person's whole history, batched per request."""
    return [Vapautus.of(r) for r in await info.context.loaders.vapautukset.load(oppija_id)]


@strawberry.type
class ValpasKirjausMutation:
    @strawberry.mutation(
        description="Record the kunta's exemption from compulsory education (from 1.8.2022). One uncancelled per "
        "person."
    )
    async def add_vapautus(
        self,
        info: Info,
        oppija_oid: Annotated[str, strawberry.argument(description="The person's oppija OID.")],
        kunta: Annotated[str, strawberry.argument(description="The deciding kunta's kuntakoodi.")],
        alku: Annotated[date, strawberry.argument(description="First day of the exemption.")],
    ) -> Vapautus:
        row = await records.add_vapautus(info.context.principal, oppija_oid, kunta, alku, info.context.today)
        await row.fetch_related(*korjaukset.RELATED)
        return Vapautus.of(row)

    @strawberry.mutation(description="Record a keskeytys of compulsory education; it changes no dates.")
    async def add_keskeytys(
        self,
        info: Info,
        oppija_oid: Annotated[str, strawberry.argument(description="The person's oppija OID.")],
        kunta: Annotated[str, strawberry.argument(description="The deciding kunta's kuntakoodi.")],
        alku: Annotated[date, strawberry.argument(description="First day.")],
        loppu: Annotated[date | None, strawberry.argument(description="Last day; null: until further notice.")] = None,
    ) -> Keskeytys:
        row = await records.add_keskeytys(info.context.principal, oppija_oid, kunta, alku, loppu, info.context.today)
        await row.fetch_related(*korjaukset.RELATED, "paattaja")
        return Keskeytys.of(row)

    @strawberry.mutation(
        description="End an open keskeytys (a user of the kunta that recorded it; once). It keeps who ended it "
        "and when; the audit log keeps the old value."
    )
    async def end_keskeytys(
        self,
        info: Info,
        keskeytys: Annotated[int, strawberry.argument(description="The keskeytys id (Keskeytys.id).")],
        loppu: Annotated[date, strawberry.argument(description="Its last day.")],
    ) -> Keskeytys:
        return Keskeytys.of(await korjaukset.end_keskeytys(info.context.principal, keskeytys, loppu))

    @strawberry.mutation(
        description="Cancel (mitätöi) a keskeytys recorded by mistake, ended or not: a user of the kunta that "
        "recorded it; once. It stays in the person's history marked cancelled and no longer counts."
    )
    async def cancel_keskeytys(
        self,
        info: Info,
        keskeytys: Annotated[int, strawberry.argument(description="The keskeytys id (Keskeytys.id).")],
    ) -> Keskeytys:
        return Keskeytys.of(await korjaukset.cancel_keskeytys(info.context.principal, keskeytys))

    @strawberry.mutation(
        description="Cancel (mitätöi) a vapautus recorded by mistake: a user of the kunta that recorded it; once. "
        "It stays in the person's history marked cancelled; the person is back in the views."
    )
    async def cancel_vapautus(
        self,
        info: Info,
        vapautus: Annotated[int, strawberry.argument(description="The vapautus id (Vapautus.id).")],
    ) -> Vapautus:
        return Vapautus.of(await korjaukset.cancel_vapautus(info.context.principal, vapautus))
