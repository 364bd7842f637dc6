"""Loading rule facts in bulk: opiskeluoikeudet and työpaikkajaksot for many rows in a few queries.

Both feedback flows and the reports read the same facts; this is the one place that builds them from rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.expressions import Q
from tortoise.models import Model

from models.hoks import Hankkimistapa, Keskeytymisajanjakso
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Oppija
from models.organisation import Organisation
from models.rules import tyoelama as rules
from models.rules.calendar import Period
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, Suoritus, TilaJakso
from models.services.sql import day, moment

CHUNK = 5000


def chunks(ids: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# A chunk of keys for a statement that binds a few values besides them (models.db.MAX_PARAMETERS is 5000).
KEYS_WITH_OTHERS = CHUNK - 100


async def values_in(
    model: type[Model], column: str, keys: Iterable[Any], columns: Sequence[str], cast: str = "int"
) -> list[dict[str, Any]]:
    """`columns` of the rows whose `column` is one of `keys` (database column names).

    On PostgreSQL one `= ANY($1)` query with the keys as a single array parameter: building an `IN` list of
    100 000 parameters costs more than the query itself. Elsewhere the ORM in chunks of 5000.
    """
    keys = list(keys)
    if not keys:
        return []
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        cols = ", ".join(f'"{c}"' for c in columns)
        sql = f'SELECT {cols} FROM "{model._meta.db_table}" WHERE "{column}" = ANY($1::{cast}[])'
        _, rows = await conn.execute_query(sql, [keys])
        return [dict(r) for r in rows]
    out: list[dict[str, Any]] = []
    for chunk in chunks(keys):
        out.extend(await model.filter(**{f"{column}__in": chunk}).values(*columns))
    return out


async def load_oo_facts(oo_ids: Iterable[int]) -> dict[int, OpiskeluoikeusFacts]:
    """Opiskeluoikeus facts for many OOs in five queries (used by both feedback flows)."""
    ids = sorted(set(oo_ids))
    tilat: dict[int, list[TilaJakso]] = defaultdict(list)
    for t in await values_in(OpiskeluoikeudenTila, "opiskeluoikeus_id", ids, ("opiskeluoikeus_id", "alku", "tila")):
        tilat[t["opiskeluoikeus_id"]].append(TilaJakso(t["alku"], t["tila"]))
    suoritukset: dict[int, list[Suoritus]] = defaultdict(list)
    for r in await values_in(
        PaatasonSuoritus,
        "opiskeluoikeus_id",
        ids,
        ("opiskeluoikeus_id", "tyyppi", "tutkinto_koodi", "tutkinto_nimi", "vahvistus", "vahvistus_tallennettu"),
    ):
        suoritukset[r["opiskeluoikeus_id"]].append(
            Suoritus(
                r["tyyppi"],
                r["tutkinto_koodi"],
                r["tutkinto_nimi"],
                day(r["vahvistus"]),
                moment(r["vahvistus_tallennettu"]),
            )
        )
    rows = await values_in(
        Opiskeluoikeus,
        "id",
        ids,
        (
            "id",
            "oid",
            "oppija_id",
            "koulutustoimija_id",
            "oppilaitos_id",
            "tyyppi",
            "alku",
            "arvioitu_loppu",
            "mitatoity",
        ),
    )
    oppijat = {r["id"]: r["oid"] for r in await values_in(Oppija, "id", {o["oppija_id"] for o in rows}, ("id", "oid"))}
    org_ids = {o["koulutustoimija_id"] for o in rows} | {o["oppilaitos_id"] for o in rows}
    orgs = {r["id"]: r["oid"] for r in await values_in(Organisation, "id", org_ids, ("id", "oid"))}
    return {
        o["id"]: OpiskeluoikeusFacts(
            oid=o["oid"],
            oppija_oid=oppijat[o["oppija_id"]],
            koulutustoimija_oid=orgs[o["koulutustoimija_id"]],
            oppilaitos_oid=orgs[o["oppilaitos_id"]],
            tyyppi=o["tyyppi"],
            alku=o["alku"],
            arvioitu_loppu=o["arvioitu_loppu"],
            tilat=tuple(sorted(tilat[o["id"]], key=lambda t: t.alku)),
            suoritukset=tuple(suoritukset[o["id"]]),
            mitatoity=bool(o["mitatoity"]),
        )
        for o in rows
    }


_JAKSO_FIELDS = (
    "id",
    "yksiloiva_tunniste",
    "hoks_id",
    "hoks__oppija__oid",
    "hoks__opiskeluoikeus_id",
    "tyyppi",
    "alku",
    "loppu",
    "tyopaikan_nimi",
    "ytunnus",
    "ohjaaja_nimi",
    "ohjaaja_sahkoposti",
    "ohjaaja_puhelinnumero",
    "osa_aikaisuus",
)


@dataclass(frozen=True, slots=True)
class LoadedJakso:
    """The rule facts of a jakso plus the opiskeluoikeus row id (for the link's oppilaitos)."""

    facts: rules.TyopaikkajaksoFacts
    opiskeluoikeus_id: int


async def load_jaksot(query: Q, loaded: dict[int, OpiskeluoikeusFacts] | None = None) -> list[LoadedJakso]:
    """Työpaikkajaksot matching `query`, with their OO facts and breaks, in a few queries per 5000.

    `loaded`: OO facts the caller has read already (by OO row id); only the others are read.
    """
    rows = await Hankkimistapa.filter(query, tyyppi__in=sorted(rules.TYOPAIKKAJAKSO_TYYPIT)).values(*_JAKSO_FIELDS)
    ids = [r["id"] for r in rows]
    breaks: dict[int, list[Period]] = defaultdict(list)
    for k in await values_in(Keskeytymisajanjakso, "hankkimistapa_id", ids, ("hankkimistapa_id", "alku", "loppu")):
        breaks[k["hankkimistapa_id"]].append((k["alku"], k["loppu"]))
    known = loaded or {}
    oos = {**known, **await load_oo_facts({r["hoks__opiskeluoikeus_id"] for r in rows} - known.keys())}
    return [
        LoadedJakso(
            rules.TyopaikkajaksoFacts(
                hankkimistapa_id=r["id"],
                yksiloiva_tunniste=r["yksiloiva_tunniste"],
                hoks_id=r["hoks_id"],
                oppija_oid=r["hoks__oppija__oid"],
                opiskeluoikeus=oos[r["hoks__opiskeluoikeus_id"]],
                tutkinto_koodi=None,
                tyyppi=r["tyyppi"],
                alku=r["alku"],
                loppu=r["loppu"],
                tyopaikan_nimi=r["tyopaikan_nimi"],
                ytunnus=r["ytunnus"],
                ohjaaja_nimi=r["ohjaaja_nimi"],
                ohjaaja_sahkoposti=r["ohjaaja_sahkoposti"],
                ohjaaja_puhelinnumero=r["ohjaaja_puhelinnumero"],
                osa_aikaisuus=r["osa_aikaisuus"],
                keskeytymisajanjaksot=tuple(sorted(breaks[r["id"]], key=lambda p: p[0])),
            ),
            r["hoks__opiskeluoikeus_id"],
        )
        for r in rows
    ]
