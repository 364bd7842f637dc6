"""GraphQL view of an organisation."""

from __future__ import annotations

import strawberry

from models.organisation import Organisation as OrganisationRow


@strawberry.type(
    description="An organisation from the organisation register: koulutustoimija, oppilaitos, kunta or OPH."
)
class Organisation:
    oid: str = strawberry.field(description="The organisation OID.")
    nimi: str = strawberry.field(description="The name in Finnish.")
    tyyppi: str = strawberry.field(description="koulutustoimija, oppilaitos, kunta or oph.")

    @classmethod
    def from_row(cls, row: OrganisationRow) -> Organisation:
        return cls(oid=row.oid, nimi=row.nimi, tyyppi=row.tyyppi.value)
