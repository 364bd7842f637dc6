"""A provider's extra questions (lisäkysymykset) and redirect URL per survey: the editor's API (DOMAIN.md §5).

Questions are written in fi, sv and en (all required); each change is validated by the same rules as the
national surveys (`models.rules.kysely.parse_kysymys`), so errors name the input field, e.g. `maaritys.teksti.sv`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.context import Info
from models.rules.kysely import KYSELYTYYPIT, Kysely, Teksti
from models.services import lisakysymykset as service
from models.services.errors import DomainError
from models.vastaus import Lisakysymys as LisakysymysRow
from survey_ui.kyselyt import latest


def kysely_for(kyselytyyppi: str) -> Kysely:
    """The newest national survey of a kyselytyyppi: extra questions are appended to it."""
    if kyselytyyppi not in KYSELYTYYPIT:
        raise DomainError("INVALID", f"kyselytyyppi must be one of {', '.join(KYSELYTYYPIT)}", "kyselytyyppi")
    return latest(kyselytyyppi)


@strawberry.type
class MonikielinenTeksti:
    fi: str
    sv: str
    en: str

    @classmethod
    def of(cls, teksti: Teksti) -> MonikielinenTeksti:
        return cls(fi=teksti.fi, sv=teksti.sv, en=teksti.en)


@strawberry.type
class Vaihtoehto:
    koodi: str
    teksti: MonikielinenTeksti


@strawberry.type(description="Show the question only when question `kysymys` has one of `arvot` as its answer.")
class NaytaKun:
    kysymys: str
    arvot: list[str]


@strawberry.type(description="A provider's own question, appended after the national ones of one survey.")
class Lisakysymys:
    id: int
    tunnus: str = strawberry.field(description="The form key and answer key, lisa:<id>.")
    kyselytyyppi: str
    jarjestys: int
    tyyppi: str
    teksti: MonikielinenTeksti
    pakollinen: bool
    vaihtoehdot: list[Vaihtoehto]
    max_pituus: int | None
    en_osaa_sanoa: bool
    nayta_kun: NaytaKun | None
    lisatty_at: datetime
    muokattu_at: datetime
    poistettu_at: datetime | None = strawberry.field(description="Set when retired; retired questions stay.")

    @classmethod
    def from_row(cls, row: LisakysymysRow) -> Lisakysymys:
        k = service.kysymykseksi(row.id, row.maaritys)
        return cls(
            id=row.id,
            tunnus=k.tunnus,
            kyselytyyppi=str(row.kyselytyyppi),
            jarjestys=row.jarjestys,
            tyyppi=k.tyyppi,
            teksti=MonikielinenTeksti.of(k.teksti),
            pakollinen=k.pakollinen,
            vaihtoehdot=[Vaihtoehto(koodi=v.koodi, teksti=MonikielinenTeksti.of(v.teksti)) for v in k.vaihtoehdot],
            max_pituus=k.max_pituus,
            en_osaa_sanoa=k.en_osaa_sanoa,
            nayta_kun=NaytaKun(kysymys=k.nayta_kun[0], arvot=list(k.nayta_kun[1])) if k.nayta_kun else None,
            lisatty_at=row.lisatty_at,
            muokattu_at=row.muokattu_at,
            poistettu_at=row.poistettu_at,
        )


@strawberry.type
class KyselyAsetus:
    kyselytyyppi: str
    uudelleenohjaus_url: str | None = strawberry.field(description="Where respondents go after answering.")


@strawberry.input
class MonikielinenTekstiInput:
    fi: str
    sv: str
    en: str


@strawberry.input
class VaihtoehtoInput:
    koodi: str
    teksti: MonikielinenTekstiInput


@strawberry.input
class NaytaKunInput:
    kysymys: str
    arvot: list[str]


@strawberry.input(description="likert | valinta | monivalinta | kylla_ei | teksti, with texts in fi, sv and en.")
class LisakysymysInput:
    tyyppi: str
    teksti: MonikielinenTekstiInput
    pakollinen: bool = False
    vaihtoehdot: list[VaihtoehtoInput] = strawberry.field(default_factory=list)
    max_pituus: int | None = strawberry.field(default=None, description="Required for teksti.")
    en_osaa_sanoa: bool = strawberry.field(default=False, description="Likert only: offer 'I can't say'.")
    nayta_kun: NaytaKunInput | None = None

    def maaritys(self) -> dict[str, Any]:
        """The stored definition: the JSON form `parse_kysymys` reads, without the tunnus (that is lisa:<id>)."""
        data: dict[str, Any] = {"tyyppi": self.tyyppi, "teksti": vars(self.teksti), "pakollinen": self.pakollinen}
        if self.vaihtoehdot:
            data["vaihtoehdot"] = [{"koodi": v.koodi, "teksti": vars(v.teksti)} for v in self.vaihtoehdot]
        if self.max_pituus is not None:
            data["max_pituus"] = self.max_pituus
        if self.en_osaa_sanoa:
            data["en_osaa_sanoa"] = True
        if self.nayta_kun is not None:
            data["nayta_kun"] = {"kysymys": self.nayta_kun.kysymys, "arvot": list(self.nayta_kun.arvot)}
        return data


@strawberry.type
class KyselyQuery:
    @strawberry.field(description="The provider's extra questions of one survey, in form order.")
    async def lisakysymykset(
        self, info: Info, koulutustoimija_oid: str, kyselytyyppi: str, mukana_poistetut: bool = False
    ) -> list[Lisakysymys]:
        rows = await service.listaa(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), mukana_poistetut
        )
        return [Lisakysymys.from_row(r) for r in rows]

    @strawberry.field(description="The provider's settings of one survey.")
    async def kysely_asetus(self, info: Info, koulutustoimija_oid: str, kyselytyyppi: str) -> KyselyAsetus:
        url = await service.lue_uudelleenohjaus_url(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi)
        )
        return KyselyAsetus(kyselytyyppi=kyselytyyppi, uudelleenohjaus_url=url)


@strawberry.type
class KyselyMutation:
    @strawberry.mutation(description="Append an extra question; it is on the next form served. Admins only.")
    async def add_lisakysymys(
        self, info: Info, koulutustoimija_oid: str, kyselytyyppi: str, maaritys: LisakysymysInput
    ) -> Lisakysymys:
        row = await service.lisaa(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), maaritys.maaritys()
        )
        return Lisakysymys.from_row(row)

    @strawberry.mutation(description="Change an active extra question. Admins only.")
    async def edit_lisakysymys(self, info: Info, id: int, maaritys: LisakysymysInput) -> Lisakysymys:
        row = await service.muokkaa(info.context.principal, id, kysely_for, maaritys.maaritys())
        return Lisakysymys.from_row(row)

    @strawberry.mutation(description="Order the active extra questions; `ids` lists each exactly once.")
    async def reorder_lisakysymykset(
        self, info: Info, koulutustoimija_oid: str, kyselytyyppi: str, ids: list[int]
    ) -> list[Lisakysymys]:
        rows = await service.jarjesta(info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), ids)
        return [Lisakysymys.from_row(r) for r in rows]

    @strawberry.mutation(description="Take a question off the form; it and its old answers are kept.")
    async def retire_lisakysymys(self, info: Info, id: int) -> Lisakysymys:
        row = await service.poista(info.context.principal, id, info.context.now)
        return Lisakysymys.from_row(row)

    @strawberry.mutation(description="Set the https address respondents go to after answering; null clears it.")
    async def set_uudelleenohjaus_url(
        self, info: Info, koulutustoimija_oid: str, kyselytyyppi: str, url: str | None
    ) -> KyselyAsetus:
        asetus = await service.aseta_uudelleenohjaus_url(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), url
        )
        return KyselyAsetus(kyselytyyppi=kyselytyyppi, uudelleenohjaus_url=asetus.uudelleenohjaus_url)
