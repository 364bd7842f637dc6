"""Valpas person search in GraphQL (issue 16.4–5): a kunta user or a maksuttomuuden valvoja finds one person
by hetu or oppija OID; `Oppija.oppivelvollisuus` then shows the end dates with their reasons."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.schema.oppija import Oppija
from models.services.valpas import henkilohaku


@strawberry.type
class ValpasHakuQuery:
    @strawberry.field(
        description="One person by hetu or oppija OID, for a kunta user (residents of their own kunta today) or a "
        "maksuttomuuden valvoja (students of their own oppilaitos). A person they may not see is NOT_FOUND, as "
        "one who does not exist. Audited."
    )
    async def valpas_haku(
        self,
        info: Info,
        tunniste: Annotated[
            str, strawberry.argument(description="A henkilötunnus (DDMMYY-NNNC) or an oppija OID (1.2.246.562.24.…).")
        ],
    ) -> Oppija:
        return Oppija.from_row(await henkilohaku.hae(info.context.principal, tunniste, info.context.today))
