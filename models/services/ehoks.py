"""eHOKS's HOKS documents in and out (`polku import-hoks`, `polku export-hoks`), through the same service as
`createHoks`/`updateHoks`: the same validation, save-time feedback decisions and audit.

A document for a study right that already has a HOKS replaces that plan (eHOKS sends the whole plan each time);
one whose study right is not mirrored from Koski yet is refused, since a HOKS cannot exist without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.hoks import Hoks
from models.rules.ehoks import EhoksFormatError, from_ehoks, to_ehoks
from models.services import audit
from models.services.access import Principal
from models.services.errors import NotFound, ValidationFailed
from models.services.hoks import create_hoks, load_plan, load_visible_hoks, update_hoks
from models.user import RoleName


@dataclass(frozen=True)
class Imported:
    hoks_id: int
    created: bool


async def import_ehoks(doc: Any, principal: Principal, today: date) -> Imported:
    """Store one eHOKS HOKS document. Raises ValidationFailed (field paths) or the service's DomainErrors."""
    try:
        plan = from_ehoks(doc)
    except EhoksFormatError as e:
        raise ValidationFailed(e.errors) from e
    existing = await Hoks.filter(opiskeluoikeus__oid=plan.opiskeluoikeus_oid).first()
    if existing is None:
        hoks = await create_hoks(plan, principal, today, tyopaikka_required=False)
        return Imported(hoks.id, created=True)
    await update_hoks(existing.id, plan, principal, today, tyopaikka_required=False)
    return Imported(existing.id, created=False)


async def export_ehoks(opiskeluoikeus_oid: str, principal: Principal) -> dict[str, Any]:
    """The HOKS of a study right as eHOKS's document; a read of personal data, so audited."""
    found = await Hoks.filter(opiskeluoikeus__oid=opiskeluoikeus_oid).first()
    if found is None:
        raise NotFound("HOKS of opiskeluoikeus", opiskeluoikeus_oid, "opiskeluoikeus_oid")
    hoks = await load_visible_hoks(found.id, principal, RoleName.READ)
    plan = await load_plan(hoks)
    await audit.record(principal, "read", "hoks", hoks.id, plan.oppija_oid)
    return to_ehoks(plan)
