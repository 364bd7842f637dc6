"""GraphQL view of an organisation."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.schema.enums import register
from models.organisation import Organisation as OrganisationRow
from models.organisation import OrganisationTyyppi

register(
    OrganisationTyyppi,
    name="Organisaatiotyyppi",
    description="The kind of an organisation; rights granted on one reach the organisations below it.",
    by_value=True,
    values={
        "OPH": "Opetushallitus (the Finnish National Agency for Education): the root.",
        "KOULUTUSTOIMIJA": "An education provider (koulutuksen järjestäjä).",
        "OPPILAITOS": "An oppilaitos (school) under a koulutustoimija.",
        "KUNTA": "A municipality (kunta), for Valpas.",
    },
)


@strawberry.type(
    description="An organisation from the organisation register: koulutustoimija, oppilaitos, kunta or OPH."
)
class Organisation:
    oid: str = strawberry.field(description="The organisation OID.")
    nimi: str = strawberry.field(description="The name in Finnish.")
    nimi_sv: str | None = strawberry.field(description="The name in Swedish, when the register has one.")
    nimi_en: str | None = strawberry.field(description="The name in English, when the register has one.")
    tyyppi: OrganisationTyyppi = strawberry.field(description="What kind of organisation it is.")
    kuntakoodi: str | None = strawberry.field(description="A kunta's code (three digits).")
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: OrganisationRow) -> Organisation:
        return cls(
            oid=row.oid,
            nimi=row.nimi,
            nimi_sv=row.nimi_sv,
            nimi_en=row.nimi_en,
            tyyppi=OrganisationTyyppi(row.tyyppi),
            kuntakoodi=row.kuntakoodi,
            parent_id=row.parent_id,  # type: ignore[attr-defined]
        )

    @strawberry.field(description="The OID of the organisation above this one; null for OPH.")
    async def ylaorganisaatio_oid(self, info: Info) -> str | None:
        if self.parent_id is None:
            return None
        parent = await info.context.loaders.organisation.load(self.parent_id)
        return parent.oid if parent else None
