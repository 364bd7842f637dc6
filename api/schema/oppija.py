"""Oppija: queried by OID, visible to users with a role in one of the learner's oppilaitokset."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Info
from models.opiskeluoikeus import Opiskeluoikeus as OpiskeluoikeusRow
from models.oppija import Oppija as OppijaRow
from models.services import audit
from models.services.errors import Forbidden, NotFound
from models.user import RoleName

if TYPE_CHECKING:
    from api.schema.opiskeluoikeus import Opiskeluoikeus


@strawberry.type
class Kotikunta:
    kuntakoodi: str
    alku: date
    loppu: date | None


@strawberry.type
class Oppija:
    oid: str
    etunimet: str
    sukunimi: str
    syntymaaika: date | None
    turvakielto: bool
    row: strawberry.Private[OppijaRow]

    @classmethod
    def from_row(cls, row: OppijaRow) -> Oppija:
        return cls(
            oid=row.oid,
            etunimet=row.etunimet,
            sukunimi=row.sukunimi,
            syntymaaika=row.syntymaaika,
            turvakielto=row.turvakielto,
            row=row,
        )

    @strawberry.field(description="Current kotikunta; hidden (null) under turvakielto.")
    async def kotikunta(self, info: Info) -> str | None:
        if self.row.turvakielto:
            return None
        rows = await info.context.loaders.kotikunnat.load(self.row.id)
        current = [
            k for k in rows if k.alku <= info.context.today and (k.loppu is None or k.loppu >= info.context.today)
        ]
        return current[-1].kuntakoodi if current else None

    @strawberry.field(description="Kotikunta history; empty under turvakielto.")
    async def kotikuntahistoria(self, info: Info) -> list[Kotikunta]:
        if self.row.turvakielto:
            return []
        rows = await info.context.loaders.kotikunnat.load(self.row.id)
        return [Kotikunta(kuntakoodi=k.kuntakoodi, alku=k.alku, loppu=k.loppu) for k in rows]

    @strawberry.field(description="The learner's study rights that the caller may read.")
    async def opiskeluoikeudet(
        self, info: Info
    ) -> list[Annotated[Opiskeluoikeus, strawberry.lazy("api.schema.opiskeluoikeus")]]:
        from api.schema.opiskeluoikeus import Opiskeluoikeus

        rows = (
            await OpiskeluoikeusRow.filter(oppija_id=self.row.id)
            .filter(info.context.principal.path_filter(RoleName.READ, "oppilaitos__path"))
            .order_by("id")
        )
        return [Opiskeluoikeus.from_row(r) for r in rows]


@strawberry.type
class OppijaQuery:
    @strawberry.field(description="A learner by oppija OID.")
    async def oppija(self, info: Info, oid: str) -> Oppija:
        principal = info.context.principal
        row = await OppijaRow.get_or_none(oid=oid)
        if row is None:
            raise NotFound("oppija", oid, "oid")
        visible = (
            await OpiskeluoikeusRow.filter(oppija_id=row.id)
            .filter(principal.path_filter(RoleName.READ, "oppilaitos__path"))
            .exists()
        )
        if not visible:
            raise Forbidden(f"{principal.name} has no read right to oppija {oid}")
        await audit.record(principal, "read", "oppija", oid, oid)
        return Oppija.from_row(row)
