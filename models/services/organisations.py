"""Keeping the organisation tree: OPH at the root, paths maintained on insert."""

from __future__ import annotations

from models.organisation import OPH_OID, Organisation, OrganisationTyyppi


async def oph() -> Organisation:
    org, _ = await Organisation.get_or_create(
        oid=OPH_OID,
        defaults={"tyyppi": OrganisationTyyppi.OPH, "nimi": "Opetushallitus", "path": f"/{OPH_OID}/"},
    )
    return org


async def ensure_organisation(
    oid: str,
    tyyppi: OrganisationTyyppi,
    nimi: str,
    parent: Organisation | None = None,
    kuntakoodi: str | None = None,
) -> Organisation:
    """The organisation with `oid`, created under `parent` (or OPH) when unknown. Existing rows are kept."""
    existing = await Organisation.get_or_none(oid=oid)
    if existing:
        return existing
    parent = parent or await oph()
    return await Organisation.create(
        oid=oid, tyyppi=tyyppi, nimi=nimi, parent=parent, path=f"{parent.path}{oid}/", kuntakoodi=kuntakoodi
    )
