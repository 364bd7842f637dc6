"""Erasing contact details past their retention (models.rules.sailytys), in batches of their own transactions.

The first run on a database with years of links may touch millions of rows: each batch is one short transaction
of at most BATCH links and their deliveries, so no lock is held long and no statement grows past its limits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from models.kyselylinkki import Kyselylinkki, Toimitus
from models.rules.sailytys import latest_end_to_erase

log = logging.getLogger("polku.sailytys")
BATCH = 1000
ERASED = ""  # a delivery's address column is required: an erased one is empty
ERASED_IN_TEXT = "[poistettu]"


@dataclass(frozen=True)
class Poisto:
    linkit: int
    toimitukset: int


def _expired(today: date, days: int) -> Q:
    last = latest_end_to_erase(today, days)
    return Q(vastausaika_loppu__lte=last) | Q(vastausaika_loppu__isnull=True, heratepvm__lte=last)


async def erase_expired_contacts(today: date, days: int) -> Poisto:
    """Erase the contact details of every link (and its deliveries) past retention on `today`."""
    links = deliveries = 0
    expired = _expired(today, days)
    while True:
        async with in_transaction():
            ids = await (
                Kyselylinkki.filter(expired)
                .filter(Q(sahkoposti__isnull=False) | Q(puhelinnumero__isnull=False))
                .limit(BATCH)
                .values_list("id", flat=True)
            )
            if ids:
                links += await Kyselylinkki.filter(id__in=ids).update(sahkoposti=None, puhelinnumero=None)
        if len(ids) < BATCH:
            break
    while True:
        async with in_transaction():
            rows = await (
                Toimitus.filter(kyselylinkki_id__in=Subquery(Kyselylinkki.filter(expired).values("id")))
                .exclude(osoite=ERASED)
                .limit(BATCH)
                .values_list("id", "osoite", "virhe")
            )
            ids = [row[0] for row in rows]
            # a provider's error text may quote the address (SMTP: "{'aino@example.fi': (550, …)}")
            for id_, osoite, virhe in rows:
                if virhe and osoite in virhe:
                    await Toimitus.filter(id=id_).update(virhe=virhe.replace(osoite, ERASED_IN_TEXT))
            if ids:
                deliveries += await Toimitus.filter(id__in=ids).update(osoite=ERASED)
        if len(ids) < BATCH:
            break
    log.info(
        "contact details erased: %d links, %d deliveries (answer periods ended %d+ days before %s)",
        links,
        deliveries,
        days,
        today,
    )
    return Poisto(links, deliveries)
