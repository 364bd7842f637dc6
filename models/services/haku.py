"""`polku import-haku`: yhteishaku applications and results, one JSON document per line, mirrored like Koski data.

A document replaces the stored hakemus whole when its `muokattu` is newer; an older or equal one is refused
(STALE_VERSION), so replaying an export never rolls results back. The oppija must already be known from Koski:
Valpas shows applicants through their study rights (DOMAIN.md §6.3).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tortoise.transactions import in_transaction

from models.oppija import Oppija
from models.rules.haku import HakemusFacts, parse_hakemus, sai_paikan
from models.services import audit
from models.services.access import SYSTEM, Principal
from models.services.errors import DomainError, NotFound
from models.services.importer import ImportSummary
from models.valpas import Hakemus


async def save_hakemus(doc: HakemusFacts, principal: Principal = SYSTEM) -> Hakemus:
    oppija = await Oppija.get_or_none(oid=doc.oppija_oid)
    if oppija is None:
        raise NotFound("oppija", doc.oppija_oid, "oppijaOid")
    values: dict[str, Any] = {
        "oppija": oppija,
        "haku_oid": doc.haku_oid,
        "haku_nimi": doc.haku_nimi,
        "muokattu": doc.muokattu,
        "hakutoiveet": [
            {
                "hakukohde": h.hakukohde,
                "oppilaitosOid": h.oppilaitos_oid,
                "valintatila": h.valintatila,
                "vastaanottotila": h.vastaanottotila,
            }
            for h in doc.hakutoiveet
        ],
        "sai_paikan": sai_paikan(doc.hakutoiveet),
    }
    async with in_transaction():
        stored = await Hakemus.filter(oid=doc.oid).select_for_update().first()
        if stored is not None and stored.muokattu >= doc.muokattu:
            raise DomainError(
                "STALE_VERSION",
                "hakemus {oid} is already stored as of {muokattu}",
                "muokattu",
                oid=doc.oid,
                muokattu=stored.muokattu,
            )
        if stored is not None:
            await stored.update_from_dict(values).save()
            row = stored
        else:
            row = await Hakemus.create(oid=doc.oid, **values)
        await audit.record(
            principal,
            "update" if stored else "create",
            "hakemus",
            doc.oid,
            doc.oppija_oid,
            {"sai_paikan": [None, values["sai_paikan"]]},
        )
    return row


async def import_lines(lines: Sequence[str], principal: Principal = SYSTEM) -> ImportSummary:
    """Import every line it can; a bad line is reported with its number and never stops the rest."""
    summary = ImportSummary()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            parsed, errors = parse_hakemus(json.loads(line))
            if parsed is None:
                summary.refused.append((number, "; ".join(f"{e.field}: {e.message}" for e in errors)))
                continue
            await save_hakemus(parsed, principal)
            summary.accepted += 1
        except json.JSONDecodeError as e:
            summary.refused.append((number, f"not JSON: {e.msg} at column {e.colno}"))
        except DomainError as e:
            summary.refused.append((number, f"{e.field}: {e.message}" if e.field else e.message))
    return summary
