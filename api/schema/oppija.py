"""Oppija: queried by OID, visible to users with a role in one of the learner's oppilaitokset (Valpas users
through their Valpas roles, `models.services.valpas_access.may_read_oppija`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from api import authorization
from api.context import Info
from models.oppija import Kotikunta as KotikuntaRow
from models.oppija import Oppija as OppijaRow
from models.services.errors import NotFound
from models.services.valpas import access as valpas_access
from models.services.valpas import facts as valpas_facts

if TYPE_CHECKING:
    from api.schema.opiskeluoikeus import Opiskeluoikeus
    from api.schema.valpas import Oppivelvollisuus


@strawberry.type(description="One period of the person's kotikunta (home municipality).")
class Kotikunta:
    kuntakoodi: str = strawberry.field(description="The kunta's code (Koski's open code set, a string).")
    alku: date = strawberry.field(description="First day.")
    loppu: date | None = strawberry.field(description="Last day; null while current.")


@authorization.guarded(authorization.oppija, audit=authorization.seen_oppija)
@strawberry.type(description="A learner (oppija), identified by oppija OID.")
class Oppija:
    oid: str = strawberry.field(description="The oppija OID.")
    etunimet: str = strawberry.field(description="First names.")
    sukunimi: str = strawberry.field(description="Surname.")
    syntymaaika: date | None = strawberry.field(description="Date of birth.")
    turvakielto: bool = strawberry.field(
        description="Whether the person's address is under turvakielto (non-disclosure)."
    )
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

    async def _turvakielto_hides(self, info: Info, rows: list[KotikuntaRow]) -> bool:
        """Under turvakielto only the users of the person's kunta see it (DOMAIN.md §6.1)."""
        if not self.row.turvakielto:
            return False
        own = await valpas_access.own_kuntakoodit(info.context.principal)
        return valpas_access.turvakielto_hides(
            self.row, own, [valpas_facts.current_kuntakoodi(rows, info.context.today)]
        )

    @strawberry.field(
        description="Data-quality items: details Koski did not give for this person (etunimet, sukunimi, "
        "syntymaaika), e.g. when it named the person by OID alone; empty when all are known."
    )
    def puuttuvat_tiedot(self) -> list[str]:
        return list(self.row.puuttuvat_tiedot or [])

    @strawberry.field(description="Current kotikunta; null under turvakielto except for that kunta's users.")
    async def kotikunta(self, info: Info) -> str | None:
        rows = await info.context.loaders.kotikunnat.load(self.row.id)
        if await self._turvakielto_hides(info, rows):
            return None
        return valpas_facts.current_kuntakoodi(rows, info.context.today)

    @strawberry.field(description="Kotikunta history; empty under turvakielto except for that kunta's users.")
    async def kotikuntahistoria(self, info: Info) -> list[Kotikunta]:
        rows = await info.context.loaders.kotikunnat.load(self.row.id)
        if await self._turvakielto_hides(info, rows):
            return []
        return [Kotikunta(kuntakoodi=k.kuntakoodi, alku=k.alku, loppu=k.loppu) for k in rows]

    @strawberry.field(description="Valpas: coverage, end dates and suorittaminen today, each with its reason.")
    async def oppivelvollisuus(
        self, info: Info
    ) -> Annotated[Oppivelvollisuus, strawberry.lazy("api.schema.valpas")] | None:
        from api.schema.valpas import resolve_oppivelvollisuus

        return await resolve_oppivelvollisuus(self.row, info)

    @strawberry.field(
        description="The learner's study rights that the caller may read: those of its own oppilaitokset for "
        "eHOKS roles; every valid one for a Valpas user who may follow the person (DOMAIN.md §6.3–6.4)."
    )
    async def opiskeluoikeudet(
        self, info: Info
    ) -> list[Annotated[Opiskeluoikeus, strawberry.lazy("api.schema.opiskeluoikeus")]]:
        from api.schema.opiskeluoikeus import Opiskeluoikeus

        rows = await authorization.listed_opiskeluoikeudet(info.context, self.row.id)
        return [Opiskeluoikeus.from_row(r) for r in rows]


@strawberry.type
class OppijaQuery:
    @strawberry.field(description="A learner by oppija OID.")
    async def oppija(
        self, info: Info, oid: Annotated[str, strawberry.argument(description="The oppija OID (1.2.246.562.24.…).")]
    ) -> Oppija:
        row = await OppijaRow.get_or_none(oid=oid)
        if row is None:
            raise NotFound("oppija", oid, "oid")
        return Oppija.from_row(row)
