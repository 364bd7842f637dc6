"""Reports in GraphQL: response rates, the OPH view of silent providers, anonymous statistics (DOMAIN.md §5).

Access rules live in `models.services.raportointi` (READ on the provider for rates, READ on OPH for the silent
providers); `anonyymitTilastot` answers any authenticated caller, like the public /raportit/tilastot.csv.
"""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from models.services import raportointi
from models.services.raportointi import Ulottuvuus
from survey_ui.kyselyt import load_all

# Registers the service enum as a GraphQL enum (strawberry.enum marks the class itself and returns it).
strawberry.enum(Ulottuvuus, name="Ulottuvuus", description="A grouping key of a report.")


@strawberry.type(description="Link counts of one group over the period; osuus = vastattu / linkkeja (null: none).")
class Vastausosuus:
    kyselytyyppi: str | None
    koulutustoimija: str
    oppilaitos: str | None
    tutkinto: str | None
    linkkeja: int
    lahetetty: int
    vastattu: int
    vanhentunut: int
    osuus: float | None


@strawberry.type(description="A provider whose links or answers stayed at zero over the period.")
class HiljainenJarjestaja:
    oid: str
    nimi: str
    linkkeja: int
    vastattu: int


@strawberry.type
class ArvonMaara:
    arvo: str
    maara: int


@strawberry.type(description="One national question's answers in a group; keskiarvo leaves 'en osaa sanoa' out.")
class Jakauma:
    kysymys: str
    tyyppi: str
    vastauksia: int
    keskiarvo: float | None
    arvot: list[ArvonMaara]


@strawberry.type(description="A group of respondents; hidden (no numbers) when fewer than five answered.")
class TilastoRyhma:
    kyselytyyppi: str
    kausi: str | None
    koulutustoimija: str | None
    tutkinto: str | None
    piilotettu: bool
    vastaajia: int | None
    jakaumat: list[Jakauma]


@strawberry.type
class RaportointiQuery:
    @strawberry.field(description="Response rates of one provider, by survey (default), oppilaitos and/or tutkinto.")
    async def vastausosuudet(
        self,
        info: Info,
        koulutustoimija: str,
        alku: date,
        loppu: date,
        ryhmittely: list[Ulottuvuus] | None = None,
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
                kyselytyyppi=r.kyselytyyppi,
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
    async def hiljaiset_jarjestajat(self, info: Info, alku: date, loppu: date) -> list[HiljainenJarjestaja]:
        rows = await raportointi.hiljaiset_jarjestajat(info.context.principal, alku, loppu)
        return [HiljainenJarjestaja(oid=r.oid, nimi=r.nimi, linkkeja=r.linkkeja, vastattu=r.vastattu) for r in rows]

    @strawberry.field(description="Anonymous statistics of national questions; groups under five are hidden.")
    async def anonyymit_tilastot(
        self,
        alku: date,
        loppu: date,
        kyselytyyppi: str | None = None,
        koulutustoimija: str | None = None,
        ryhmittely: list[Ulottuvuus] | None = None,
    ) -> list[TilastoRyhma]:
        groups = await raportointi.anonyymit_tilastot(
            load_all().values(), alku, loppu, kyselytyyppi, ryhmittely or (), koulutustoimija
        )
        return [
            TilastoRyhma(
                kyselytyyppi=g.kyselytyyppi,
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
