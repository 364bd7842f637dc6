"""GraphQL view of an organisation."""

from __future__ import annotations

import strawberry

from models.organisation import Organisation as OrganisationRow


@strawberry.type
class Organisation:
    oid: str
    nimi: str
    tyyppi: str

    @classmethod
    def from_row(cls, row: OrganisationRow) -> Organisation:
        return cls(oid=row.oid, nimi=row.nimi, tyyppi=row.tyyppi.value)
