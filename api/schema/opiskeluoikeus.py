"""Opiskeluoikeus: the Koski mirror's read view and its two mutations (transfer, voiding)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON
from tortoise.transactions import in_transaction

from api import authorization
from api.context import Info
from api.schema.enums import MitatoinninSyy
from api.schema.organisation import Organisation
from models.opiskeluoikeus import Opiskeluoikeus as OpiskeluoikeusRow
from models.rules.hoks import FieldError
from models.rules.koski import read_documents
from models.services import koski
from models.services.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from api.schema.hoks import Hoks


@strawberry.type(description="One opiskeluoikeusjakso: a state from a day on.")
class Tila:
    alku: date = strawberry.field(description="First day of the state.")
    tila: str = strawberry.field(
        description="Koski's koskiopiskeluoikeudentila code (Koski's open code set, a string: lasna, valmistunut, …)."
    )


@strawberry.type(description="One suoritus (qualification) of a study right.")
class Suoritus:
    tyyppi: str = strawberry.field(description="Koski's suorituksentyyppi code (Koski's open code set, a string).")
    tutkinto_koodi: str | None = strawberry.field(description="The koulutus code (Koski's open code set).")
    tutkinto_nimi: str | None = strawberry.field(description="The tutkinto's name in Finnish.")
    vahvistus: date | None = strawberry.field(
        description="Day the suoritus was confirmed (vahvistus); null while open."
    )


@authorization.guarded(authorization.opiskeluoikeus, audit=authorization.seen_opiskeluoikeus)
@strawberry.type(description="A study right (opiskeluoikeus) mirrored from Koski.")
class Opiskeluoikeus:
    oid: str = strawberry.field(description="The opiskeluoikeus OID.")
    tyyppi: str = strawberry.field(
        description="Koski's opiskeluoikeudentyyppi code (Koski's open code set, a string: ammatillinenkoulutus, "
        "perusopetus, …)."
    )
    alku: date | None = strawberry.field(description="First day.")
    arvioitu_loppu: date | None = strawberry.field(description="Estimated last day.")
    versio: int = strawberry.field(description="Koski's versionumero of the stored version.")
    mitatoity: bool = strawberry.field(description="Whether the study right is voided (mitätöity).")
    row: strawberry.Private[OpiskeluoikeusRow]

    @classmethod
    def from_row(cls, row: OpiskeluoikeusRow) -> Opiskeluoikeus:
        return cls(
            oid=row.oid,
            tyyppi=row.tyyppi,
            alku=row.alku,
            arvioitu_loppu=row.arvioitu_loppu,
            versio=row.versio,
            mitatoity=row.mitatoity,
            row=row,
        )

    @strawberry.field(description="The provider (koulutustoimija).")
    async def koulutustoimija(self, info: Info) -> Organisation:
        org = await info.context.loaders.organisation.load(self.row.koulutustoimija_id)  # type: ignore[attr-defined]
        assert org is not None
        return Organisation.from_row(org)

    @strawberry.field(description="The oppilaitos.")
    async def oppilaitos(self, info: Info) -> Organisation:
        org = await info.context.loaders.organisation.load(self.row.oppilaitos_id)  # type: ignore[attr-defined]
        assert org is not None
        return Organisation.from_row(org)

    @strawberry.field(description="The state history (opiskeluoikeusjaksot), oldest first.")
    async def tilat(self, info: Info) -> list[Tila]:
        rows = await info.context.loaders.tilat.load(self.row.id)
        return [Tila(alku=t.alku, tila=t.tila) for t in rows]

    @strawberry.field(description="The suoritukset (qualifications) studied.")
    async def suoritukset(self, info: Info) -> list[Suoritus]:
        rows = await info.context.loaders.suoritukset.load(self.row.id)
        return [
            Suoritus(
                tyyppi=s.tyyppi,
                tutkinto_koodi=s.tutkinto_koodi,
                tutkinto_nimi=s.tutkinto_nimi,
                vahvistus=s.vahvistus,
            )
            for s in rows
        ]

    @strawberry.field(description="The HOKS of this study right; null when there is none or the OO is voided.")
    async def hoks(self, info: Info) -> Annotated[Hoks, strawberry.lazy("api.schema.hoks")] | None:
        from api.schema.hoks import Hoks

        if self.row.mitatoity:
            return None
        row = await info.context.loaders.hoks_by_opiskeluoikeus.load(self.row.id)
        return Hoks.from_row(row, await info.context.loaders.tutkinnon_osat.load(row.id)) if row else None


@strawberry.type(description="The outcome of saveOpiskeluoikeus.")
class SaveOpiskeluoikeusResult:
    created: bool = strawberry.field(description="Whether the first study right of the document was new to Polku.")
    opiskeluoikeus: Opiskeluoikeus = strawberry.field(description="The first study right of the document.")
    opiskeluoikeudet: list[Opiskeluoikeus] = strawberry.field(
        description="Every study right the document carried, in its order (an Oppija document or a list may "
        "carry several)."
    )


@strawberry.type
class OpiskeluoikeusQuery:
    @strawberry.field(description="A study right by its Koski OID (voided ones too, flagged).")
    async def opiskeluoikeus(
        self,
        info: Info,
        oid: Annotated[str, strawberry.argument(description="The opiskeluoikeus OID (1.2.246.562.15.…).")],
    ) -> Opiskeluoikeus:
        row = await OpiskeluoikeusRow.get_or_none(oid=oid)
        if row is None:
            raise NotFound("opiskeluoikeus", oid, "oid")
        return Opiskeluoikeus.from_row(row)


@strawberry.type
class OpiskeluoikeusMutation:
    @strawberry.mutation(
        description="A Koski transfer: a study right carrying its henkilö, an Oppija document "
        "{henkilö, opiskeluoikeudet} (the person with details, or by oid alone as /sure/oids gives it), or a JSON "
        "list of these; all or nothing. Each study right replaces the stored one whole; an older versionumero is "
        "refused with STALE_VERSION, and so is an equal one sent as a single study right."
    )
    async def save_opiskeluoikeus(
        self,
        info: Info,
        data: Annotated[
            JSON,
            strawberry.argument(
                description="Koski's JSON: a study right with its henkilö, an Oppija document, or a list of these."
            ),
        ],
    ) -> SaveOpiskeluoikeusResult:
        luetut = read_documents(data)
        errors = [e for luettu in luetut for e in luettu.errors]
        if not errors and not any(luettu.oppija and luettu.oppija.opiskeluoikeudet for luettu in luetut):
            errors = [FieldError("opiskeluoikeudet", "REQUIRED", "at least one study right is required")]
        if errors:
            raise ValidationFailed(errors)
        oids: list[str] = []
        created: set[str] = set()
        async with in_transaction():
            for luettu in luetut:
                assert luettu.oppija is not None
                if not luettu.oppija.kaikki:
                    oo = luettu.oppija.opiskeluoikeudet[0]
                    if (await koski.save_opiskeluoikeus(oo, info.context.principal)).created:
                        created.add(oo.oid)
                    oids.append(oo.oid)
                    continue
                result = await koski.save_oppija(luettu.oppija, info.context.principal)
                created.update(result.created)
                oids.extend(oo.oid for oo in luettu.oppija.opiskeluoikeudet)
        rows = {row.oid: row for row in await OpiskeluoikeusRow.filter(oid__in=oids)}
        saved = [Opiskeluoikeus.from_row(rows[oid]) for oid in oids]
        return SaveOpiskeluoikeusResult(created=oids[0] in created, opiskeluoikeus=saved[0], opiskeluoikeudet=saved)

    @strawberry.mutation(
        description="Void (mitätöi) a study right recorded with the wrong type (vaara_tyyppi) or never started "
        "(ei_aloittanut). Its HOKS is hidden and its pending survey links are cancelled."
    )
    async def void_opiskeluoikeus(
        self,
        info: Info,
        oid: Annotated[str, strawberry.argument(description="The opiskeluoikeus OID.")],
        syy: Annotated[MitatoinninSyy, strawberry.argument(description="Why it is voided.")],
    ) -> Opiskeluoikeus:
        row = await koski.void_opiskeluoikeus(oid, syy.value, info.context.principal)
        return Opiskeluoikeus.from_row(row)
