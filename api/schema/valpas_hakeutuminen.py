"""Hakeutumisen valvonta in GraphQL (DOMAIN.md §6.3): an oppilaitos' pupils finishing perusopetus or a
nivelvaihe programme with their yhteishaku status and this provider's marks, paged like the other oppilaitos
lists (api/schema/valpas_oppilaitos.py), for its hakeutumisen valvojat. Decisions come from
`models.services.valpas.hakeutumisvalvonta`; CSV: api/valpas_export_oppilaitos.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from api import authorization
from api.context import Info
from api.schema.valpas import MAX_PAGE, ValpasReason
from api.schema.valpas_oppilaitos import Connection, lista_connection, lista_page
from models.rules import hakeutumisvalvonta as hv
from models.services.valpas import hakeutumisvalvonta
from models.valpas import Hakemus as HakemusRow


@strawberry.type(description="One preference of an application.")
class Hakutoive:
    hakukohde: str = strawberry.field(description="The hakukohde's name.")
    oppilaitos_oid: str | None = strawberry.field(description="The oppilaitos' OID.")
    valintatila: str = strawberry.field(description="The selection state (valintatila code).")
    vastaanottotila: str | None = strawberry.field(description="The acceptance state (vastaanottotila code).")


@strawberry.type(description="A yhteishaku application with its results (other hakus are not visible).")
class YhteishakuHakemus:
    oid: str = strawberry.field(description="The application's OID.")
    haku_nimi: str = strawberry.field(description="The haku's name.")
    muokattu: datetime = strawberry.field(description="When the application was last changed.")
    hakutoiveet: list[Hakutoive] = strawberry.field(description="The preferences in order.")
    sai_paikan: bool | None = strawberry.field(description="Whether a place was received; null before results.")

    @classmethod
    def of(cls, h: HakemusRow) -> YhteishakuHakemus:
        return cls(
            oid=h.oid,
            haku_nimi=h.haku_nimi,
            muokattu=h.muokattu,
            hakutoiveet=[
                Hakutoive(
                    hakukohde=t["hakukohde"],
                    oppilaitos_oid=t.get("oppilaitosOid"),
                    valintatila=t["valintatila"],
                    vastaanottotila=t.get("vastaanottotila"),
                )
                for t in h.hakutoiveet
            ],
            sai_paikan=h.sai_paikan,
        )


@authorization.guarded(authorization.hakeutumisrivi)
@strawberry.type(
    description="A pupil finishing perusopetus or a nivelvaihe programme, with yhteishaku status and this "
    "provider's marks."
)
class HakeutumisRivi:
    oppija_oid: str = strawberry.field(description="The pupil's oppija OID.")
    etunimet: str = strawberry.field(description="First names.")
    sukunimi: str = strawberry.field(description="Surname.")
    syntymaaika: date = strawberry.field(description="Date of birth.")
    perusopetus_oid: str = strawberry.field(
        description="The study right that puts the pupil on the list: perusopetus or a nivelvaihe programme."
    )
    listed_until: date | None = strawberry.field(
        description="The last day the pupil stays on the list (an end in 15.–31.5. is followed until 30.9., any "
        "other end for two months); null while the study right is in force."
    )
    listed_reason: ValpasReason = strawberry.field(description="Why the study right puts the pupil on the list.")
    hakemukset: list[YhteishakuHakemus] = strawberry.field(description="The pupil's yhteishaku applications.")
    sai_paikan: bool | None = strawberry.field(description="Whether a place was received; null before results.")
    varoitus: bool = strawberry.field(description="Whether the pupil needs attention (no application or no place).")
    varoitus_reason: ValpasReason = strawberry.field(description="Why varoitus is what it is.")
    muu_haku: bool = strawberry.field(description='This oppilaitos\' own "Muu haku" note.')
    suorittaa: bool = strawberry.field(description="Whether the pupil fulfils compulsory education today.")
    suorittaa_reason: ValpasReason = strawberry.field(description="Why suorittaa is what it is.")
    oppilaitos_path: strawberry.Private[str]

    @classmethod
    def of(cls, r: hakeutumisvalvonta.HakeutumisRivi, oppilaitos_path: str) -> HakeutumisRivi:
        return cls(
            oppija_oid=r.facts.oppija_oid,
            etunimet=r.key[1],
            sukunimi=r.key[0],
            syntymaaika=r.facts.syntymaaika,
            perusopetus_oid=r.opiskeluoikeus_oid,
            listed_until=r.valvonta.listed_until,
            listed_reason=ValpasReason(code=r.valvonta.reason, english=hv.REASON_TEXTS[r.valvonta.reason]),
            hakemukset=[YhteishakuHakemus.of(h) for h in r.hakemukset],
            sai_paikan=r.sai_paikan,
            varoitus=r.varoitus.value,
            varoitus_reason=ValpasReason.of(r.varoitus.reason),
            muu_haku=r.muu_haku,
            suorittaa=r.suorittaminen.suorittaa,
            suorittaa_reason=ValpasReason.of(r.suorittaminen.reason),
            oppilaitos_path=oppilaitos_path,
        )


@strawberry.type
class ValpasHakeutuminenQuery:
    @strawberry.field(
        description="The oppilaitos' pupils finishing perusopetus or a nivelvaihe programme with their yhteishaku "
        "status (DOMAIN.md §6.3), in name order, at most 100 a page; for its hakeutumisen valvojat. "
        "CSV: GET /valpas/hakeutumisvalvonta.csv?oppilaitos=…"
    )
    async def hakeutumisvalvonta(
        self,
        info: Info,
        oppilaitos: Annotated[str, strawberry.argument(description="The perusopetus oppilaitos (OID).")],
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = MAX_PAGE,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page; null for the first page.")
        ] = None,
    ) -> Connection[HakeutumisRivi]:
        rows, more, path = await lista_page(info, hakeutumisvalvonta.LISTA, oppilaitos, first, after)
        return lista_connection(rows, more, [HakeutumisRivi.of(r, path) for r in rows])
