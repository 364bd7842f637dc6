"""Reports in GraphQL: response rates, the OPH view of silent providers, anonymous statistics (DOMAIN.md §5).

Access rules live in `models.services.raportointi` (READ on the provider for rates, READ on OPH for the silent
providers); `anonyymitTilastot` answers any authenticated caller, like the public /raportit/tilastot.csv.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.context import Info
from api.schema.enums import register
from models.kyselylinkki import Kyselytyyppi
from models.services import raportointi
from models.services.raportointi import Ulottuvuus
from survey_ui.kyselyt import load_all

register(
    Ulottuvuus,
    name="Ulottuvuus",
    description="A grouping key of a report.",
    values={
        "KYSELYTYYPPI": "By survey.",
        "KOULUTUSTOIMIJA": "By provider.",
        "OPPILAITOS": "By oppilaitos.",
        "TUTKINTO": "By tutkinto.",
        "KAUSI": "By rahoituskausi.",
    },
)


@strawberry.type(description="Link counts of one group over the period; osuus = vastattu / linkkeja (null: none).")
class Vastausosuus:
    kyselytyyppi: Kyselytyyppi | None = strawberry.field(description="The survey, when grouped by it.")
    koulutustoimija: str = strawberry.field(description="The provider's OID.")
    oppilaitos: str | None = strawberry.field(description="The oppilaitos' OID, when grouped by it.")
    tutkinto: str | None = strawberry.field(description="The tutkinto code, when grouped by it.")
    linkkeja: int = strawberry.field(description="Links made.")
    lahetetty: int = strawberry.field(description="Links sent.")
    vastattu: int = strawberry.field(description="Links answered.")
    vanhentunut: int = strawberry.field(description="Links expired unanswered.")
    osuus: float | None = strawberry.field(description="Answered out of sent (0–1); null when none was sent.")


@strawberry.type(description="A provider whose links or answers stayed at zero over the period.")
class HiljainenJarjestaja:
    oid: str = strawberry.field(description="The provider's OID.")
    nimi: str = strawberry.field(description="The provider's name.")
    linkkeja: int = strawberry.field(description="Links made in the period.")
    vastattu: int = strawberry.field(description="Links answered in the period.")


@strawberry.type(description="How many gave one answer value.")
class ArvonMaara:
    arvo: str = strawberry.field(description="The answer value.")
    maara: int = strawberry.field(description="How many gave it.")


@strawberry.type(description="One national question's answers in a group; keskiarvo leaves 'en osaa sanoa' out.")
class Jakauma:
    kysymys: str = strawberry.field(description="The national question's key.")
    tyyppi: str = strawberry.field(description="The question type.")
    vastauksia: int = strawberry.field(description="How many answered it.")
    keskiarvo: float | None = strawberry.field(description="Mean of a scale question.")
    arvot: list[ArvonMaara] = strawberry.field(description="Count per answer value.")


@strawberry.type(description="A group of respondents; hidden (no numbers) when fewer than five answered.")
class TilastoRyhma:
    kyselytyyppi: Kyselytyyppi = strawberry.field(description="The survey.")
    kausi: str | None = strawberry.field(description="The rahoituskausi, when grouped by it.")
    koulutustoimija: str | None = strawberry.field(description="The provider's OID, when grouped by it.")
    tutkinto: str | None = strawberry.field(description="The tutkinto code, when grouped by it.")
    piilotettu: bool = strawberry.field(
        description="True when the group has under five respondents and its figures are hidden."
    )
    vastaajia: int | None = strawberry.field(description="Respondents; null when hidden.")
    jakaumat: list[Jakauma] = strawberry.field(
        description="Answer distributions per national question; empty when hidden."
    )


@strawberry.type
class RaportointiQuery:
    @strawberry.field(description="Response rates of one provider, by survey (default), oppilaitos and/or tutkinto.")
    async def vastausosuudet(
        self,
        info: Info,
        koulutustoimija: Annotated[str, strawberry.argument(description="The koulutustoimija (OID).")],
        alku: Annotated[date, strawberry.argument(description="First day of the period (by heratepvm).")],
        loppu: Annotated[date, strawberry.argument(description="Last day of the period, inclusive.")],
        ryhmittely: Annotated[
            list[Ulottuvuus] | None, strawberry.argument(description="Dimensions to group by; default by kyselytyyppi.")
        ] = None,
    ) -> list[Vastausosuus]:
        rows = await raportointi.vastausosuudet(
            info.context.principal,
            koulutustoimija,
            alku,
            loppu,
            info.context.today,
            ryhmittely if ryhmittely is not None else (Ulottuvuus.KYSELYTYYPPI,),
        )
        return [
            Vastausosuus(
                kyselytyyppi=Kyselytyyppi(r.kyselytyyppi) if r.kyselytyyppi else None,
                koulutustoimija=r.koulutustoimija_oid,
                oppilaitos=r.oppilaitos_oid,
                tutkinto=r.tutkinto_koodi,
                linkkeja=r.linkkeja,
                lahetetty=r.lahetetty,
                vastattu=r.vastattu,
                vanhentunut=r.vanhentunut,
                osuus=r.osuus,
            )
            for r in rows
        ]

    @strawberry.field(description="OPH view: providers with no links, or links but no answers, in the period.")
    async def hiljaiset_jarjestajat(
        self,
        info: Info,
        alku: Annotated[date, strawberry.argument(description="First day of the period.")],
        loppu: Annotated[date, strawberry.argument(description="Last day of the period, inclusive.")],
    ) -> list[HiljainenJarjestaja]:
        rows = await raportointi.hiljaiset_jarjestajat(info.context.principal, alku, loppu)
        return [HiljainenJarjestaja(oid=r.oid, nimi=r.nimi, linkkeja=r.linkkeja, vastattu=r.vastattu) for r in rows]

    @strawberry.field(description="Anonymous statistics of national questions; groups under five are hidden.")
    async def anonyymit_tilastot(
        self,
        alku: Annotated[date, strawberry.argument(description="First day of the period.")],
        loppu: Annotated[date, strawberry.argument(description="Last day of the period, inclusive.")],
        kyselytyyppi: Annotated[Kyselytyyppi | None, strawberry.argument(description="Only this survey.")] = None,
        koulutustoimija: Annotated[
            str | None, strawberry.argument(description="Only this koulutustoimija (OID).")
        ] = None,
        ryhmittely: Annotated[
            list[Ulottuvuus] | None, strawberry.argument(description="Dimensions to group by.")
        ] = None,
    ) -> list[TilastoRyhma]:
        groups = await raportointi.anonyymit_tilastot(
            load_all().values(), alku, loppu, kyselytyyppi, ryhmittely or (), koulutustoimija
        )
        return [
            TilastoRyhma(
                kyselytyyppi=Kyselytyyppi(g.kyselytyyppi),
                kausi=g.kausi,
                koulutustoimija=g.koulutustoimija_oid,
                tutkinto=g.tutkinto_koodi,
                piilotettu=g.piilotettu,
                vastaajia=g.vastaajia,
                jakaumat=[
                    Jakauma(
                        kysymys=j.kysymys.tunnus,
                        tyyppi=j.kysymys.tyyppi,
                        vastauksia=j.vastauksia,
                        keskiarvo=j.keskiarvo,
                        arvot=[ArvonMaara(arvo=a, maara=m) for a, m in j.maarat.items()],
                    )
                    for j in g.jakaumat
                ],
            )
            for g in groups
        ]
