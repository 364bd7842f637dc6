"""The decision step run on every save of a HOKS or a Koski transfer (DOMAIN.md §3–4, issue 3 item 2).

Called inside the saving transaction, so the heräte — or the reason there is none — is committed with the
data change or not at all. Nothing is queued here: the daily run finds what is due in the database.
"""

from __future__ import annotations

from datetime import date

from models.rules.opiskeluoikeus import OpiskeluoikeusFacts
from models.services.palaute import record_opiskelijapalaute
from models.services.tyoelama import record_tyopaikkajaksot


async def record_herateet(hoks_id: int, today: date) -> None:
    loaded: dict[int, OpiskeluoikeusFacts] = {}  # the OO's facts, read once for both decisions
    await record_opiskelijapalaute(hoks_id, today, loaded)
    await record_tyopaikkajaksot([hoks_id], today, loaded)
