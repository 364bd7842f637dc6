"""The respondent's draft (save and return): kept per link while it is open, gone once it is not.

A save is a compare-and-set on the link's state, like the answer itself: it writes only while the link is
neither answered nor cancelled, so a save racing the submit can't leave a draft behind an answered link (the
submit removes the draft in its own statement). Expired links' drafts are swept by `siivoa_luonnokset`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime

from tortoise import connections
from tortoise.transactions import in_transaction

from models.services.sql import Sql, fetch

_STILL_OPEN = "vastattu_at IS NULL AND peruttu_at IS NULL"


async def tallenna_luonnos(link_id: int, arvot: Mapping[str, list[str]], now: datetime) -> bool:
    """Keep `arvot` as the draft of link `link_id`; False when the link was answered or cancelled meanwhile."""
    data = json.dumps(dict(arvot), ensure_ascii=False, separators=(",", ":"))
    async with in_transaction() as tx:
        p = Sql(tx.capabilities.dialect)
        lock = " FOR UPDATE" if tx.capabilities.dialect == "postgres" else ""
        _, rows = await tx.execute_query(
            f"SELECT id FROM kyselylinkki WHERE id = {p(link_id)} AND {_STILL_OPEN}{lock}", p.values
        )
        if not rows:
            return False
        cast = "::jsonb" if tx.capabilities.dialect == "postgres" else ""
        await fetch(
            lambda q: (
                f"INSERT INTO luonnos (kyselylinkki_id, arvot, tallennettu_at) "
                f"VALUES ({q(link_id)}, {q(data)}{cast}, {q(now)}) ON CONFLICT (kyselylinkki_id) "
                "DO UPDATE SET arvot = excluded.arvot, tallennettu_at = excluded.tallennettu_at"
            ),
            tx,
        )
    return True


async def siivoa_luonnokset(today: date) -> int:
    """Remove the drafts of links answered, cancelled or past their answer period; how many went."""
    connection = connections.get("default")
    p = Sql(connection.capabilities.dialect)
    sql = (
        "DELETE FROM luonnos WHERE kyselylinkki_id IN (SELECT id FROM kyselylinkki WHERE vastattu_at IS NOT NULL "
        f"OR peruttu_at IS NOT NULL OR vastausaika_loppu < {p(today)})"
    )
    changed, _ = await connection.execute_query(sql, p.values)
    return int(changed)
