"""A provider's extra questions (lisäkysymykset) and redirect URL per survey: the editor's API (DOMAIN.md §5).

Questions are written in fi, sv and en (all required); each change is validated by the same rules as the
national surveys (`models.rules.kysely.parse_kysymys`), so errors name the input field, e.g. `maaritys.teksti.sv`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from api.context import Info
from models.kyselylinkki import Kyselytyyppi
from models.rules.kysely import KYSELYTYYPIT, Kysely, Teksti
from models.services import lisakysymykset as service
from models.services.errors import DomainError
from models.vastaus import Lisakysymys as LisakysymysRow
from survey_ui.kyselyt import latest


def kysely_for(kyselytyyppi: str) -> Kysely:
    """The newest national survey of a kyselytyyppi: extra questions are appended to it."""
    if kyselytyyppi not in KYSELYTYYPIT:
        raise DomainError(
            "INVALID", "kyselytyyppi must be one of {allowed}", "kyselytyyppi", allowed=", ".join(KYSELYTYYPIT)
        )
    return latest(kyselytyyppi)


@strawberry.type(description="A text in Finnish, Swedish and English.")
class MonikielinenTeksti:
    fi: str = strawberry.field(description="Finnish.")
    sv: str = strawberry.field(description="Swedish.")
    en: str = strawberry.field(description="English.")

    @classmethod
    def of(cls, teksti: Teksti) -> MonikielinenTeksti:
        return cls(fi=teksti.fi, sv=teksti.sv, en=teksti.en)


@strawberry.type(description="One choice of a choice question.")
class Vaihtoehto:
    koodi: str = strawberry.field(description="The stored answer value.")
    teksti: MonikielinenTeksti = strawberry.field(description="The choice's text.")


@strawberry.type(description="Show the question only when question `kysymys` has one of `arvot` as its answer.")
class NaytaKun:
    kysymys: str = strawberry.field(description="The question's key (a national key or lisa:<id>).")
    arvot: list[str] = strawberry.field(description="Answer values that show this question.")


@strawberry.type(description="A provider's own question, appended after the national ones of one survey.")
class Lisakysymys:
    id: int = strawberry.field(description="Polku's id of the question.")
    tunnus: str = strawberry.field(description="The form key and answer key, lisa:<id>.")
    kyselytyyppi: Kyselytyyppi = strawberry.field(description="The survey it is on.")
    jarjestys: int = strawberry.field(description="Position on the form, from 1.")
    tyyppi: str = strawberry.field(description="Question type: asteikko, valinta, monivalinta, teksti, …")
    teksti: MonikielinenTeksti = strawberry.field(description="The question text in fi/sv/en.")
    pakollinen: bool = strawberry.field(description="Whether an answer is required.")
    vaihtoehdot: list[Vaihtoehto] = strawberry.field(description="The choices of a choice question.")
    max_pituus: int | None = strawberry.field(description="Longest answer allowed (text questions).")
    en_osaa_sanoa: bool = strawberry.field(description='Whether an "en osaa sanoa" (don\'t know) choice is shown.')
    nayta_kun: NaytaKun | None = strawberry.field(description="Shown only when another answer has one of these values.")
    lisatty_at: datetime = strawberry.field(description="When it was added.")
    muokattu_at: datetime = strawberry.field(description="When it was last changed.")
    poistettu_at: datetime | None = strawberry.field(description="Set when retired; retired questions stay.")

    @classmethod
    def from_row(cls, row: LisakysymysRow) -> Lisakysymys:
        k = service.kysymykseksi(row.id, row.maaritys)
        return cls(
            id=row.id,
            tunnus=k.tunnus,
            kyselytyyppi=Kyselytyyppi(row.kyselytyyppi),
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


@strawberry.type(description="A provider's settings of one survey.")
class KyselyAsetus:
    kyselytyyppi: Kyselytyyppi = strawberry.field(description="The survey.")
    uudelleenohjaus_url: str | None = strawberry.field(description="Where respondents go after answering.")


@strawberry.input(description="A text in Finnish, Swedish and English.")
class MonikielinenTekstiInput:
    fi: str = strawberry.field(description="Finnish.")
    sv: str = strawberry.field(description="Swedish.")
    en: str = strawberry.field(description="English.")


@strawberry.input(description="One choice of a choice question.")
class VaihtoehtoInput:
    koodi: str = strawberry.field(description="The stored answer value.")
    teksti: MonikielinenTekstiInput = strawberry.field(description="The choice's text.")


@strawberry.input(description="A display condition: another question's answer.")
class NaytaKunInput:
    kysymys: str = strawberry.field(description="The question's key (a national key or lisa:<id>).")
    arvot: list[str] = strawberry.field(description="Answer values that show the question.")


@strawberry.input(description="likert | valinta | monivalinta | kylla_ei | teksti, with texts in fi, sv and en.")
class LisakysymysInput:
    tyyppi: str = strawberry.field(description="Question type: asteikko, valinta, monivalinta, teksti, …")
    teksti: MonikielinenTekstiInput = strawberry.field(description="The question text in fi/sv/en.")
    pakollinen: bool = strawberry.field(default=False, description="Whether an answer is required.")
    vaihtoehdot: list[VaihtoehtoInput] = strawberry.field(
        description="The choices of a choice question.", default_factory=list
    )
    max_pituus: int | None = strawberry.field(default=None, description="Required for teksti.")
    en_osaa_sanoa: bool = strawberry.field(default=False, description="Likert only: offer 'I can't say'.")
    nayta_kun: NaytaKunInput | None = strawberry.field(
        default=None, description="Show only when another answer has one of these values."
    )

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
        self,
        info: Info,
        koulutustoimija_oid: Annotated[
            str, strawberry.argument(description="The koulutustoimija (OID) whose questions to list.")
        ],
        kyselytyyppi: Annotated[Kyselytyyppi, strawberry.argument(description="The survey, e.g. aloittaneet.")],
        mukana_poistetut: Annotated[bool, strawberry.argument(description="Include retired questions.")] = False,
    ) -> list[Lisakysymys]:
        rows = await service.listaa(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), mukana_poistetut
        )
        return [Lisakysymys.from_row(r) for r in rows]

    @strawberry.field(description="The provider's settings of one survey.")
    async def kysely_asetus(
        self,
        info: Info,
        koulutustoimija_oid: Annotated[str, strawberry.argument(description="The koulutustoimija (OID).")],
        kyselytyyppi: Annotated[Kyselytyyppi, strawberry.argument(description="The survey.")],
    ) -> KyselyAsetus:
        url = await service.lue_uudelleenohjaus_url(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi)
        )
        return KyselyAsetus(kyselytyyppi=kyselytyyppi, uudelleenohjaus_url=url)


@strawberry.type
class KyselyMutation:
    @strawberry.mutation(description="Append an extra question; it is on the next form served. Admins only.")
    async def add_lisakysymys(
        self,
        info: Info,
        koulutustoimija_oid: Annotated[str, strawberry.argument(description="The koulutustoimija (OID).")],
        kyselytyyppi: Annotated[Kyselytyyppi, strawberry.argument(description="The survey.")],
        maaritys: Annotated[LisakysymysInput, strawberry.argument(description="The question.")],
    ) -> Lisakysymys:
        row = await service.lisaa(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), maaritys.maaritys()
        )
        return Lisakysymys.from_row(row)

    @strawberry.mutation(description="Change an active extra question. Admins only.")
    async def edit_lisakysymys(
        self,
        info: Info,
        id: Annotated[int, strawberry.argument(description="The question's id.")],
        maaritys: Annotated[LisakysymysInput, strawberry.argument(description="The new definition.")],
    ) -> Lisakysymys:
        row = await service.muokkaa(info.context.principal, id, kysely_for, maaritys.maaritys())
        return Lisakysymys.from_row(row)

    @strawberry.mutation(description="Order the active extra questions; `ids` lists each exactly once.")
    async def reorder_lisakysymykset(
        self,
        info: Info,
        koulutustoimija_oid: Annotated[str, strawberry.argument(description="The koulutustoimija (OID).")],
        kyselytyyppi: Annotated[Kyselytyyppi, strawberry.argument(description="The survey.")],
        ids: Annotated[list[int], strawberry.argument(description="Every active question's id, in the new order.")],
    ) -> list[Lisakysymys]:
        rows = await service.jarjesta(info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), ids)
        return [Lisakysymys.from_row(r) for r in rows]

    @strawberry.mutation(description="Take a question off the form; it and its old answers are kept.")
    async def retire_lisakysymys(
        self, info: Info, id: Annotated[int, strawberry.argument(description="The question's id.")]
    ) -> Lisakysymys:
        row = await service.poista(info.context.principal, id, info.context.now)
        return Lisakysymys.from_row(row)

    @strawberry.mutation(description="Set the https address respondents go to after answering; null clears it.")
    async def set_uudelleenohjaus_url(
        self,
        info: Info,
        koulutustoimija_oid: Annotated[str, strawberry.argument(description="The koulutustoimija (OID).")],
        kyselytyyppi: Annotated[Kyselytyyppi, strawberry.argument(description="The survey.")],
        url: Annotated[str | None, strawberry.argument(description="An https address, or null to clear.")],
    ) -> KyselyAsetus:
        asetus = await service.aseta_uudelleenohjaus_url(
            info.context.principal, koulutustoimija_oid, kysely_for(kyselytyyppi), url
        )
        return KyselyAsetus(kyselytyyppi=kyselytyyppi, uudelleenohjaus_url=asetus.uudelleenohjaus_url)
